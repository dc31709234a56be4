/* test_instance.c - stores, loaded code, instantiation, linking, builtins.
 *
 * Modules are written as .wat, compiled by the engine (wsbx_compile, or
 * the artifact writer driven by hand where a test needs hand-written
 * machine code or segment-by-segment initialization), loaded from a sealed
 * memfd and instantiated with imports resolved by name from a small list
 * (the job a wast runner or an embedder does). The sanitizer build runs
 * the same tests, so every store's teardown is checked for leaks and
 * double frees.
 */
#include <criterion/criterion.h>

#include "internal.h"
#include "loader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ---- */

static wsbx_module *parse(const char *wat)
{
        wsbx_module *m;
        wsbx_error err;
        wsbx_errkind k = wsbx_module_load((const uint8_t *)wat, strlen(wat), NULL, &m, &err);
        cr_assert_eq(k, WSBX_OK, "load: %s", err.msg);
        return m;
}

/* Compiles with the artifact writer driven here, so static initialization
 * can be switched off (then every data and element segment is applied one
 * by one at instantiation). */
static uint8_t *compile_art(const wsbx_module *m, bool static_init, const wsbx_compile_opts *opts,
                            size_t *len)
{
        wsbx_compiled *c;
        wsbx_error err;
        wsbx_errkind k = wsbx_compile_module(m, opts, &c, &err);
        cr_assert_eq(k, WSBX_OK, "compile: %s", err.msg);
        wsbx_artbuild *b = wsbx_artbuild_new(m);
        cr_assert(b);
        cr_assert_eq(wsbx_artbuild_set_text(b, c->code, c->code_len, &err), WSBX_OK, "%s", err.msg);
        for (uint32_t i = 0; i < c->nfuncs; i++)
                cr_assert_eq(wsbx_artbuild_set_func(b, m->nimported_funcs + i, c->func_offset[i], c->func_size[i],
                                                    c->entry_offset[i], c->entry_size[i], &err),
                             WSBX_OK, "%s", err.msg);
        for (uint32_t i = 0; i < c->ntypes; i++)
                cr_assert_eq(wsbx_artbuild_set_type_trampoline(b, i, c->host_offset[i], c->host_size[i], &err),
                             WSBX_OK, "%s", err.msg);
        for (uint32_t i = 0; i < c->ntraps; i++)
                cr_assert_eq(wsbx_artbuild_add_trap(b, c->traps[i].code_offset, (wsbx_trap)c->traps[i].trap, &err),
                             WSBX_OK);
        for (uint32_t i = 0; i < c->naddrs; i++)
                cr_assert_eq(wsbx_artbuild_add_addr(b, c->addrs[i].code_offset, c->addrs[i].wasm_offset, &err),
                             WSBX_OK);
        wsbx_artbuild_set_compat(b, c->cpu_features, c->settings);
        if (opts && opts->bounds_checks)
                for (uint32_t i = 0; i < m->nmemories; i++)
                        cr_assert_eq(wsbx_artbuild_set_memory_plan(b, i, WSBX_ART_MEM_DYNAMIC, 0, &err), WSBX_OK);
        wsbx_artbuild_set_static_init(b, static_init);
        uint8_t *out;
        cr_assert_eq(wsbx_artbuild_finish(b, &out, len, &err), WSBX_OK, "finish: %s", err.msg);
        wsbx_artbuild_delete(b);
        wsbx_compiled_delete(c);
        return out;
}

static wsbx_loaded *load_opts(wsbx_store *s, const char *wat, bool static_init, const wsbx_compile_opts *opts)
{
        wsbx_module *m = parse(wat);
        size_t len;
        uint8_t *art = compile_art(m, static_init, opts, &len);
        wsbx_loaded *l;
        wsbx_lerr e;
        int rc = wsbx_load_bytes(s, art, len, &l, &e);
        cr_assert_eq(rc, 0, "load: %d %s", rc, e.msg);
        free(art);
        wsbx_module_delete(m);
        return l;
}

static wsbx_loaded *load(wsbx_store *s, const char *wat)
{
        return load_opts(s, wat, true, NULL);
}

/* What a linker resolves imports against. */
typedef struct linkent {
        const char *module, *name;
        wsbx_extern x;
} linkent;

/* Resolves l's imports from links[0..n) by name; MISSING when absent. */
static wsbx_extern *resolve(const wsbx_loaded *l, const linkent *links, size_t n)
{
        const wsbx_artifact *a = wsbx_loaded_artifact(l);
        wsbx_extern *x = calloc(a->nimports + 1, sizeof *x);
        cr_assert(x);
        for (uint32_t i = 0; i < a->nimports; i++) {
                const wsbx_art_import *im = &a->imports[i];
                x[i].kind = WSBX_EXTERN_MISSING;
                for (size_t k = 0; k < n; k++) {
                        if (strlen(links[k].module) == im->module.len &&
                            !memcmp(links[k].module, wsbx_artifact_str(a, im->module), im->module.len) &&
                            strlen(links[k].name) == im->name.len &&
                            !memcmp(links[k].name, wsbx_artifact_str(a, im->name), im->name.len))
                                x[i] = links[k].x;
                }
        }
        return x;
}

/* Instantiates; returns the rc, the instance in *out, the message in e. */
static int inst_links(wsbx_store *s, wsbx_loaded *l, const linkent *links, size_t n, wsbx_instance **out,
                      wsbx_trap_info *t, wsbx_lerr *e)
{
        wsbx_extern *x = resolve(l, links, n);
        int rc = wsbx_instantiate(s, l, x, wsbx_loaded_artifact(l)->nimports, out, t, e);
        free(x);
        return rc;
}

static wsbx_instance *inst(wsbx_store *s, wsbx_loaded *l, const linkent *links, size_t n)
{
        wsbx_instance *in;
        wsbx_trap_info t;
        wsbx_lerr e;
        int rc = inst_links(s, l, links, n, &in, &t, &e);
        cr_assert_eq(rc, 0, "instantiate: %d %s (%s)", rc, e.msg, rc > 0 ? wsbx_trap_message(t.kind) : "");
        cr_assert(in);
        return in;
}

static wsbx_extern get_export(const wsbx_instance *in, const char *name)
{
        wsbx_extern x;
        int rc = wsbx_instance_export(in, name, strlen(name), &x);
        cr_assert_eq(rc, 0, "no export %s", name);
        return x;
}

/* Calls export `name` with up to four i64 arguments; returns the trap (0
 * when it returned) and the first result in *r. */
static int call_n(wsbx_instance *in, const char *name, uint64_t *r, int n, ...)
{
        wsbx_extern x = get_export(in, name);
        cr_assert_eq(x.kind, WSBX_ART_EXTERN_FUNC);
        wsbx_val_raw v[4];
        memset(v, 0, sizeof v);
        va_list ap;
        va_start(ap, n);
        for (int i = 0; i < n; i++)
                v[i].i64 = va_arg(ap, uint64_t);
        va_end(ap);
        wsbx_trap_info t;
        int rc = wsbx_invoke(wsbx_instance_store(in), x.u.func, v, 4, &t);
        cr_assert_geq(rc, 0, "invoke %s: %d", name, rc);
        if (r)
                *r = v[0].i64;
        return rc;
}

static uint64_t call_ok(wsbx_instance *in, const char *name, int n, uint64_t a0, uint64_t a1, uint64_t a2)
{
        uint64_t r;
        int rc = call_n(in, name, &r, n, a0, a1, a2);
        cr_assert_eq(rc, 0, "%s trapped: %s", name, wsbx_trap_message((wsbx_trap)rc));
        return r;
}

static wsbx_store *store(void)
{
        wsbx_store *s;
        cr_assert_eq(wsbx_store_new(NULL, &s), 0);
        return s;
}

/* ---- hand-written code ---- */

/* (func (param i32 i32) (result i32)) as `lea eax, [rdi + rsi]; ret`, and
 * its entry trampoline in the array convention (abi.h): callee vmctx in
 * rdi, vals in rdx; arguments loaded from vals[0] and vals[1], the result
 * stored in vals[0]. */
static const uint8_t add_code[] = {
        /* 0: add */
        0x8d, 0x04, 0x37,             /* lea eax, [rdi + rsi] */
        0xc3,                         /* ret */
        0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
        /* 16: entry trampoline */
        0x55,                         /* push rbp */
        0x48, 0x89, 0xe5,             /* mov rbp, rsp */
        0x41, 0x56,                   /* push r14 */
        0x53,                         /* push rbx */
        0x49, 0x89, 0xfe,             /* mov r14, rdi */
        0x48, 0x89, 0xd3,             /* mov rbx, rdx */
        0x8b, 0x3b,                   /* mov edi, [rbx] */
        0x8b, 0x73, 0x10,             /* mov esi, [rbx + 16] */
        0xe8, 0xd9, 0xff, 0xff, 0xff, /* call 0 (rel32 = 0 - 39) */
        0x48, 0x89, 0x03,             /* mov [rbx], rax */
        0x5b,                         /* pop rbx */
        0x41, 0x5e,                   /* pop r14 */
        0x5d,                         /* pop rbp */
        0xc3,                         /* ret */
        0xcc,
        /* 48: boom: ud2 */
        0x0f, 0x0b,
};

static bool text_mapping_is_rx(const void *p)
{
        FILE *f = fopen("/proc/self/maps", "r");
        cr_assert(f);
        char line[512];
        bool found = false, rx = false;
        while (fgets(line, sizeof line, f)) {
                unsigned long lo, hi;
                char perms[8];
                if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3)
                        continue;
                if ((uintptr_t)p >= lo && (uintptr_t)p < hi) {
                        found = true;
                        rx = !strcmp(perms, "r-xp");
                }
        }
        fclose(f);
        return found && rx;
}

Test(instance, hand_written_code)
{
        wsbx_module *m = parse("(module (func $add (export \"add\") (param i32 i32) (result i32)"
                               " local.get 0 local.get 1 i32.add)"
                               " (func $boom (export \"boom\") unreachable))");
        wsbx_artbuild *b = wsbx_artbuild_new(m);
        wsbx_error err;
        cr_assert_eq(wsbx_artbuild_set_text(b, add_code, sizeof add_code, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_set_func(b, 0, 0, 4, 16, 31, &err), WSBX_OK, "%s", err.msg);
        /* boom has no entry trampoline: reachable only from wasm. */
        cr_assert_eq(wsbx_artbuild_set_func(b, 1, 48, 2, WSBX_ART_NONE, 0, &err), WSBX_OK, "%s", err.msg);
        cr_assert_eq(wsbx_artbuild_add_trap(b, 48, WSBX_TRAP_UNREACHABLE, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_add_addr(b, 48, 99, &err), WSBX_OK);
        uint8_t *art;
        size_t len;
        cr_assert_eq(wsbx_artbuild_finish(b, &art, &len, &err), WSBX_OK, "%s", err.msg);
        wsbx_artbuild_delete(b);
        wsbx_module_delete(m);

        wsbx_store *s = store();
        int fd = wsbx_memfd_from_bytes(art, len, "test");
        cr_assert_geq(fd, 0);
        /* Sealed: nobody can change the code after verification. */
        cr_assert_lt(write(fd, "x", 1), 0);
        wsbx_loaded *l;
        wsbx_lerr e;
        cr_assert_eq(wsbx_load_fd(s, fd, &l, &e), 0, "%s", e.msg);
        close(fd);
        free(art);
        cr_assert(text_mapping_is_rx(l->text), "code must be mapped r-x, never writable");

        wsbx_instance *in = inst(s, l, NULL, 0);
        cr_assert_eq(call_ok(in, "add", 2, 40, 2, 0) & 0xffffffff, 42);
        cr_assert_eq(call_ok(in, "add", 2, 0xffffffff, 3, 0) & 0xffffffff, 2);

        /* The registry maps the ud2 to its trap, wasm offset and name. */
        const char *name;
        uint32_t wo;
        void *owner = wsbx_code_lookup((uintptr_t)l->text + 48, &name, &wo);
        cr_assert_eq(owner, l);
        /* Named from the name section when the text encoder emits one. */
        cr_assert(!strcmp(name, "boom") || !strcmp(name, "wasm-function[1]"), "name %s", name);
        cr_assert_eq(wo, 99);
        /* Without an entry trampoline the host cannot call it. */
        wsbx_extern x = get_export(in, "boom");
        wsbx_val_raw v[1];
        wsbx_trap_info t;
        cr_assert_eq(wsbx_invoke(s, x.u.func, v, 1, &t), -EINVAL);
        wsbx_store_delete(s);
}

Test(instance, load_rejects_bad_artifacts)
{
        wsbx_store *s = store();
        static const uint8_t junk[64] = "not an artifact at all";
        wsbx_loaded *l = (wsbx_loaded *)1;
        wsbx_lerr e;
        int rc = wsbx_load_bytes(s, junk, sizeof junk, &l, &e);
        cr_assert_eq(rc, -ENOEXEC);
        cr_assert_null(l);
        cr_assert(strstr(e.msg, "ELF"), "%s", e.msg);
        rc = wsbx_load_bytes(s, junk, 0, &l, &e);
        cr_assert_lt(rc, 0);
        wsbx_store_delete(s);
}

/* ---- globals, memories, tables ---- */

static const char *globals_wat =
        "(module"
        "  (import \"env\" \"g\" (global $g i32))"
        "  (import \"env\" \"m\" (global $m (mut i64)))"
        "  (global $a (export \"a\") i32 (global.get $g))"
        "  (global $b (export \"b\") (mut i64) (i64.const -7))"
        "  (global $f (export \"f\") funcref (ref.func $seven))"
        "  (global $n (export \"n\") externref (ref.null extern))"
        "  (global $d (export \"d\") f64 (f64.const 2.5))"
        "  (func $seven (result i32) i32.const 7)"
        "  (func (export \"get_a\") (result i32) global.get $a)"
        "  (func (export \"get_m\") (result i64) global.get $m)"
        "  (func (export \"bump_m\") global.get $m i64.const 1 i64.add global.set $m)"
        "  (func (export \"set_b\") (param i64) local.get 0 global.set $b)"
        "  (func (export \"call_f\") (result i32) i32.const 0 global.get $f table.set $t"
        "     i32.const 0 call_indirect $t (result i32))"
        "  (table $t 1 funcref))";

Test(instance, globals)
{
        wsbx_store *s = store();
        wsbx_global_inst *g, *mg;
        wsbx_val_raw v = { .i32 = 666 };
        cr_assert_eq(wsbx_global_inst_new(s, WSBX_ART_I32, false, &v, &g), 0);
        v.i64 = 100;
        cr_assert_eq(wsbx_global_inst_new(s, WSBX_ART_I64, true, &v, &mg), 0);
        linkent links[] = { { "env", "g", { WSBX_ART_EXTERN_GLOBAL, { .global = g } } },
                         { "env", "m", { WSBX_ART_EXTERN_GLOBAL, { .global = mg } } } };
        wsbx_instance *in = inst(s, load(s, globals_wat), links, 2);

        wsbx_val_raw out;
        wsbx_extern a = get_export(in, "a");
        cr_assert_eq(a.kind, WSBX_ART_EXTERN_GLOBAL);
        wsbx_global_inst_get(a.u.global, &out);
        cr_assert_eq(out.i32, 666, "global.get of an import initializes a global");
        cr_assert_eq(call_ok(in, "get_a", 0, 0, 0, 0) & 0xffffffff, 666);
        wsbx_global_inst_get(get_export(in, "b").u.global, &out);
        cr_assert_eq((int64_t)out.i64, -7);
        wsbx_global_inst_get(get_export(in, "d").u.global, &out);
        double d;
        memcpy(&d, &out.f64, 8);
        cr_assert(d == 2.5);
        wsbx_global_inst_get(get_export(in, "n").u.global, &out);
        cr_assert_null(out.ref);
        wsbx_global_inst_get(get_export(in, "f").u.global, &out);
        cr_assert_not_null(out.ref);
        cr_assert_eq(call_ok(in, "call_f", 0, 0, 0, 0) & 0xffffffff, 7, "ref.func global calls $seven");

        /* Shared mutable global: the host's writes are seen by wasm and
         * wasm's by the host. */
        cr_assert_eq(call_ok(in, "get_m", 0, 0, 0, 0), 100);
        call_ok(in, "bump_m", 0, 0, 0, 0);
        wsbx_global_inst_get(mg, &out);
        cr_assert_eq(out.i64, 101);
        v.i64 = 5000;
        cr_assert_eq(wsbx_global_inst_set(mg, &v), 0);
        cr_assert_eq(call_ok(in, "get_m", 0, 0, 0, 0), 5000);
        /* Exported mutable global written by wasm. */
        call_ok(in, "set_b", 1, 12345, 0, 0);
        wsbx_global_inst_get(get_export(in, "b").u.global, &out);
        cr_assert_eq(out.i64, 12345);
        cr_assert_eq(wsbx_global_inst_set(a.u.global, &v), -EPERM);
        wsbx_store_delete(s);
}

static const char *memory_wat =
        "(module"
        "  (memory (export \"mem\") 2 4)"
        "  (data (i32.const 16) \"hello\")"
        "  (data (i32.const 65536) \"\\01\\02\\03\")"
        "  (data $p \"passive!\")"
        "  (func (export \"load8\") (param i32) (result i32) local.get 0 i32.load8_u)"
        "  (func (export \"init\") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init $p)"
        "  (func (export \"drop\") data.drop $p)"
        "  (func (export \"init_active\") (param i32) i32.const 0 i32.const 0 local.get 0 memory.init 0)"
        "  (func (export \"grow\") (param i32) (result i32) local.get 0 memory.grow)"
        "  (func (export \"size\") (result i32) memory.size))";

static void check_memory_module(bool static_init)
{
        wsbx_store *s = store();
        wsbx_loaded *l = load_opts(s, memory_wat, static_init, NULL);
        const wsbx_artifact *a = wsbx_loaded_artifact(l);
        cr_assert_eq(a->memories[0].init, static_init ? WSBX_ART_INIT_IMAGE : WSBX_ART_INIT_SEGMENTS);
        wsbx_instance *in = inst(s, l, NULL, 0);
        wsbx_memory *m = wsbx_memory_inst_memory(get_export(in, "mem").u.memory);
        wsbx_memory_def *d = wsbx_memory_def_of(m);
        cr_assert_eq(d->size, 2 * 65536);
        cr_assert_eq(memcmp(d->base + 16, "hello", 5), 0);
        cr_assert_eq(d->base[65536 + 2], 3);
        cr_assert_eq(call_ok(in, "load8", 1, 17, 0, 0), 'e');
        cr_assert_eq(call_ok(in, "load8", 1, 15, 0, 0), 0);

        /* A second instance gets its own copy-on-write pages. */
        wsbx_instance *in2 = inst(s, l, NULL, 0);
        wsbx_memory_def *d2 = wsbx_memory_def_of(wsbx_memory_inst_memory(get_export(in2, "mem").u.memory));
        d2->base[16] = 'J';
        cr_assert_eq(d->base[16], 'h');
        cr_assert_eq(call_ok(in2, "load8", 1, 16, 0, 0), 'J');

        /* Active segments are dropped once applied. */
        call_ok(in, "init_active", 1, 0, 0, 0);
        cr_assert_eq(call_n(in, "init_active", NULL, 1, 1), WSBX_TRAP_MEMORY_OOB);

        /* Passive segment: memory.init, bounds, drop. */
        call_ok(in, "init", 3, 100, 0, 8);
        cr_assert_eq(memcmp(d->base + 100, "passive!", 8), 0);
        cr_assert_eq(call_n(in, "init", NULL, 3, 100, 1, 8), WSBX_TRAP_MEMORY_OOB);
        cr_assert_eq(call_n(in, "init", NULL, 3, 2 * 65536 - 7, 0, 8), WSBX_TRAP_MEMORY_OOB);
        call_ok(in, "init", 3, 2 * 65536, 8, 0); /* n = 0 at both ends is fine */
        call_ok(in, "drop", 0, 0, 0, 0);
        call_ok(in, "init", 3, 0, 0, 0);
        cr_assert_eq(call_n(in, "init", NULL, 3, 0, 0, 1), WSBX_TRAP_MEMORY_OOB);

        /* Grow respects the maximum. */
        cr_assert_eq(call_ok(in, "grow", 1, 1, 0, 0), 2);
        cr_assert_eq(call_ok(in, "size", 0, 0, 0, 0), 3);
        cr_assert_eq(call_ok(in, "grow", 1, 2, 0, 0) & 0xffffffff, 0xffffffff);
        cr_assert_eq(call_ok(in, "grow", 1, 1, 0, 0), 3);
        cr_assert_eq(call_ok(in, "load8", 1, 4 * 65536 - 1, 0, 0), 0);
        cr_assert_eq(call_n(in, "load8", NULL, 1, 4 * 65536), WSBX_TRAP_MEMORY_OOB);
        wsbx_store_delete(s);
}

Test(instance, memory_image)
{
        check_memory_module(true);
}

Test(instance, memory_segments)
{
        check_memory_module(false);
}

static const char *table_wat =
        "(module"
        "  (type $ii (func (param i32) (result i32)))"
        "  (type $v (func (result i32)))"
        "  (table $t (export \"tab\") 6 funcref)"
        "  (func $inc (type $ii) local.get 0 i32.const 1 i32.add)"
        "  (func $dbl (type $ii) local.get 0 local.get 0 i32.add)"
        "  (func $k (type $v) i32.const 9)"
        "  (elem (table $t) (i32.const 1) func $inc $dbl $k)"
        "  (elem $pe funcref (ref.func $dbl) (ref.null func))"
        "  (func (export \"call\") (param i32 i32) (result i32)"
        "     local.get 1 local.get 0 call_indirect $t (type $ii))"
        "  (func (export \"init\") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.init $t $pe)"
        "  (func (export \"edrop\") elem.drop $pe)"
        "  (func (export \"init_active\") (param i32) i32.const 0 i32.const 0 local.get 0 table.init $t 0))";

static void check_table_module(bool static_init)
{
        wsbx_store *s = store();
        wsbx_loaded *l = load_opts(s, table_wat, static_init, NULL);
        cr_assert_eq(wsbx_loaded_artifact(l)->tables[0].init,
                     static_init ? WSBX_ART_INIT_IMAGE : WSBX_ART_INIT_SEGMENTS);
        wsbx_instance *in = inst(s, l, NULL, 0);
        wsbx_table_inst *t = get_export(in, "tab").u.table;
        cr_assert_eq(wsbx_table_inst_size(t), 6);
        void *e;
        cr_assert_eq(wsbx_table_inst_get(t, 0, &e), 0);
        cr_assert_null(e);
        cr_assert_eq(wsbx_table_inst_get(t, 1, &e), 0);
        cr_assert_not_null(e);
        cr_assert_eq(call_ok(in, "call", 2, 1, 41, 0) & 0xffffffff, 42);
        cr_assert_eq(call_ok(in, "call", 2, 2, 21, 0) & 0xffffffff, 42);
        cr_assert_eq(call_n(in, "call", NULL, 2, 3, 0), WSBX_TRAP_INDIRECT_CALL_TYPE);
        cr_assert_eq(call_n(in, "call", NULL, 2, 0, 0), WSBX_TRAP_UNINITIALIZED_ELEMENT);
        cr_assert_eq(call_n(in, "call", NULL, 2, 6, 0), WSBX_TRAP_UNDEFINED_ELEMENT);

        /* The active segment was dropped once applied. */
        call_ok(in, "init_active", 1, 0, 0, 0);
        cr_assert_eq(call_n(in, "init_active", NULL, 1, 1), WSBX_TRAP_TABLE_OOB);

        /* table.init from the passive segment: ($dbl, null). */
        call_ok(in, "init", 3, 4, 0, 2);
        cr_assert_eq(call_ok(in, "call", 2, 4, 5, 0) & 0xffffffff, 10);
        cr_assert_eq(call_n(in, "call", NULL, 2, 5, 0), WSBX_TRAP_UNINITIALIZED_ELEMENT);
        cr_assert_eq(call_n(in, "init", NULL, 3, 5, 0, 2), WSBX_TRAP_TABLE_OOB);
        cr_assert_eq(call_n(in, "init", NULL, 3, 0, 1, 2), WSBX_TRAP_TABLE_OOB);
        call_ok(in, "init", 3, 6, 2, 0);
        cr_assert_eq(call_n(in, "init", NULL, 3, 7, 0, 0), WSBX_TRAP_TABLE_OOB);
        call_ok(in, "edrop", 0, 0, 0, 0);
        cr_assert_eq(call_n(in, "init", NULL, 3, 0, 0, 1), WSBX_TRAP_TABLE_OOB);
        wsbx_store_delete(s);
}

Test(instance, table_image)
{
        check_table_module(true);
}

Test(instance, table_segments)
{
        check_table_module(false);
}

/* ---- linking ---- */

static const char *exporter_wat =
        "(module"
        "  (type $ii (func (param i32) (result i32)))"
        "  (table (export \"tab\") 10 funcref)"
        "  (memory (export \"mem\") 1)"
        "  (func (export \"call\") (param i32 i32) (result i32)"
        "     local.get 1 local.get 0 call_indirect (type $ii))"
        "  (func (export \"load8\") (param i32) (result i32) local.get 0 i32.load8_u))";

Test(instance, partial_initialization)
{
        wsbx_store *s = store();
        wsbx_instance *ex = inst(s, load(s, exporter_wat), NULL, 0);
        linkent links[] = { { "M", "tab", get_export(ex, "tab") }, { "M", "mem", get_export(ex, "mem") } };

        /* Element segment 1 is out of bounds: segment 0 stays applied, no
         * data segment runs, and the failed instance's function stays
         * callable through the shared table. */
        wsbx_loaded *l = load(s, "(module"
                                 "  (table (import \"M\" \"tab\") 10 funcref)"
                                 "  (memory (import \"M\" \"mem\") 1)"
                                 "  (func $f (param i32) (result i32) local.get 0 i32.const 100 i32.add)"
                                 "  (elem (i32.const 7) $f)"
                                 "  (elem (i32.const 9) $f $f)"
                                 "  (data (i32.const 0) \"x\"))");
        wsbx_instance *in = (wsbx_instance *)1;
        wsbx_trap_info t;
        wsbx_lerr e;
        int rc = inst_links(s, l, links, 2, &in, &t, &e);
        cr_assert_eq(rc, WSBX_TRAP_TABLE_OOB, "rc %d %s", rc, e.msg);
        cr_assert_eq(t.kind, WSBX_TRAP_TABLE_OOB);
        cr_assert_null(in);
        cr_assert_eq(call_ok(ex, "call", 2, 7, 5, 0) & 0xffffffff, 105);
        cr_assert_eq(call_n(ex, "call", NULL, 2, 9, 0), WSBX_TRAP_UNINITIALIZED_ELEMENT);
        cr_assert_eq(call_ok(ex, "load8", 1, 0, 0, 0), 0);

        /* Data segment 1 is out of bounds: segment 0 stays written. */
        l = load(s, "(module"
                    "  (memory (import \"M\" \"mem\") 1)"
                    "  (data (i32.const 0) \"ab\")"
                    "  (data (i32.const 65535) \"cd\")"
                    "  (data (i32.const 5) \"z\"))");
        rc = inst_links(s, l, links, 2, &in, &t, &e);
        cr_assert_eq(rc, WSBX_TRAP_MEMORY_OOB, "rc %d %s", rc, e.msg);
        cr_assert_eq(call_ok(ex, "load8", 1, 1, 0, 0), 'b');
        cr_assert_eq(call_ok(ex, "load8", 1, 65535, 0, 0), 0);
        cr_assert_eq(call_ok(ex, "load8", 1, 5, 0, 0), 0);

        /* n = 0 exactly at the end is in bounds; one past it is not. */
        l = load(s, "(module (memory (import \"M\" \"mem\") 1) (data (i32.const 65536) \"\"))");
        cr_assert_eq(inst_links(s, l, links, 2, &in, &t, &e), 0);
        l = load(s, "(module (memory (import \"M\" \"mem\") 1) (data (i32.const 65537) \"\"))");
        cr_assert_eq(inst_links(s, l, links, 2, &in, &t, &e), WSBX_TRAP_MEMORY_OOB);
        l = load(s, "(module (table (import \"M\" \"tab\") 1 funcref) (elem (i32.const 10)))");
        cr_assert_eq(inst_links(s, l, links, 2, &in, &t, &e), 0);
        l = load(s, "(module (table (import \"M\" \"tab\") 1 funcref) (elem (i32.const 11)))");
        cr_assert_eq(inst_links(s, l, links, 2, &in, &t, &e), WSBX_TRAP_TABLE_OOB);
        wsbx_store_delete(s);
}

static void expect_unlinkable(wsbx_store *s, const char *wat, const linkent *links, size_t n, int want_rc,
                              const char *want_msg)
{
        wsbx_loaded *l = load(s, wat);
        wsbx_instance *in;
        wsbx_trap_info t;
        wsbx_lerr e;
        int rc = inst_links(s, l, links, n, &in, &t, &e);
        cr_assert_eq(rc, want_rc, "%s: rc %d (%s)", wat, rc, e.msg);
        cr_assert_null(in);
        cr_assert_eq(strncmp(e.msg, want_msg, strlen(want_msg)), 0, "%s: message '%s'", wat, e.msg);
}

static void host_nop(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals, uint32_t n)
{
        (void)callee;
        (void)caller;
        (void)vals;
        (void)n;
}

Test(instance, import_mismatches)
{
        wsbx_store *s = store();
        static const uint8_t i32[] = { WSBX_ART_I32 };
        const wsbx_funcref *f;
        cr_assert_eq(wsbx_host_func_new(s, i32, 1, NULL, 0, host_nop, NULL, &f), 0);
        wsbx_global_inst *gi, *gm;
        cr_assert_eq(wsbx_global_inst_new(s, WSBX_ART_I32, false, NULL, &gi), 0);
        cr_assert_eq(wsbx_global_inst_new(s, WSBX_ART_I32, true, NULL, &gm), 0);
        wsbx_table_inst *t;
        cr_assert_eq(wsbx_table_inst_new(s, WSBX_ART_FUNCREF, 10, true, 20, NULL, &t), 0);
        wsbx_memory_inst *m;
        wsbx_lerr e;
        cr_assert_eq(wsbx_memory_inst_new(s, 1, true, 2, &m, &e), 0, "%s", e.msg);
        linkent links[] = {
                { "spectest", "print_i32", { WSBX_ART_EXTERN_FUNC, { .func = f } } },
                { "spectest", "global_i32", { WSBX_ART_EXTERN_GLOBAL, { .global = gi } } },
                { "spectest", "global_mut", { WSBX_ART_EXTERN_GLOBAL, { .global = gm } } },
                { "spectest", "table", { WSBX_ART_EXTERN_TABLE, { .table = t } } },
                { "spectest", "memory", { WSBX_ART_EXTERN_MEMORY, { .memory = m } } },
        };
        size_t n = sizeof links / sizeof links[0];
        const char *inc = "incompatible import type";

        /* The good ones linkent. */
        wsbx_loaded *l = load(s, "(module (import \"spectest\" \"print_i32\" (func (param i32)))"
                                 " (import \"spectest\" \"global_i32\" (global i32))"
                                 " (import \"spectest\" \"global_mut\" (global (mut i32)))"
                                 " (import \"spectest\" \"table\" (table 5 30 funcref))"
                                 " (import \"spectest\" \"memory\" (memory 1 2)))");
        inst(s, l, links, n);

        expect_unlinkable(s, "(module (import \"spectest\" \"nope\" (func)))", links, n, -ENOENT,
                          "unknown import");
        expect_unlinkable(s, "(module (import \"spectest\" \"print_i32\" (func (param i64))))", links, n,
                          -EINVAL, inc);
        expect_unlinkable(s, "(module (import \"spectest\" \"print_i32\" (func (param i32) (result i32))))",
                          links, n, -EINVAL, inc);
        expect_unlinkable(s, "(module (import \"spectest\" \"print_i32\" (global i32)))", links, n, -EINVAL, inc);
        expect_unlinkable(s, "(module (import \"spectest\" \"global_i32\" (global i64)))", links, n, -EINVAL, inc);
        expect_unlinkable(s, "(module (import \"spectest\" \"global_i32\" (global (mut i32))))", links, n,
                          -EINVAL, inc);
        expect_unlinkable(s, "(module (import \"spectest\" \"global_mut\" (global i32)))", links, n, -EINVAL, inc);
        expect_unlinkable(s, "(module (import \"spectest\" \"table\" (table 11 funcref)))", links, n, -EINVAL, inc);
        expect_unlinkable(s, "(module (import \"spectest\" \"table\" (table 10 15 funcref)))", links, n,
                          -EINVAL, inc);
        expect_unlinkable(s, "(module (import \"spectest\" \"table\" (table 10 externref)))", links, n,
                          -EINVAL, inc);
        expect_unlinkable(s, "(module (import \"spectest\" \"memory\" (memory 2)))", links, n, -EINVAL, inc);
        expect_unlinkable(s, "(module (import \"spectest\" \"memory\" (memory 1 1)))", links, n, -EINVAL, inc);
        expect_unlinkable(s, "(module (import \"spectest\" \"memory\" (table 1 funcref)))", links, n, -EINVAL,
                          inc);

        /* A grown table or memory matches by its current size. */
        cr_assert_eq(wsbx_table_inst_grow(t, 2, NULL), 10);
        cr_assert_eq(wsbx_memory_inst_grow(m, 1), 1);
        l = load(s, "(module (import \"spectest\" \"table\" (table 12 funcref))"
                    " (import \"spectest\" \"memory\" (memory 2)))");
        inst(s, l, links, n);
        wsbx_store_delete(s);
}

Test(instance, start_function)
{
        wsbx_store *s = store();
        wsbx_instance *in = inst(s, load(s, "(module (global $g (export \"g\") (mut i32) (i32.const 1))"
                                            " (func $st global.get $g i32.const 41 i32.add global.set $g)"
                                            " (start $st))"),
                                 NULL, 0);
        wsbx_val_raw v;
        wsbx_global_inst_get(get_export(in, "g").u.global, &v);
        cr_assert_eq(v.i32, 42);

        /* A start function that traps fails instantiation with the trap,
         * after the segments were applied. */
        wsbx_instance *ex = inst(s, load(s, exporter_wat), NULL, 0);
        linkent links[] = { { "M", "mem", get_export(ex, "mem") } };
        wsbx_loaded *l = load(s, "(module (memory (import \"M\" \"mem\") 1) (data (i32.const 3) \"s\")"
                                 " (func $st unreachable) (start $st))");
        wsbx_trap_info t;
        wsbx_lerr e;
        int rc = inst_links(s, l, links, 1, &in, &t, &e);
        cr_assert_eq(rc, WSBX_TRAP_UNREACHABLE);
        cr_assert_null(in);
        cr_assert_geq(t.nframes, 1);
        cr_assert_eq(call_ok(ex, "load8", 1, 3, 0, 0), 's');

        /* An imported host function as the start function. */
        const wsbx_funcref *f;
        cr_assert_eq(wsbx_host_func_new(s, NULL, 0, NULL, 0, host_nop, NULL, &f), 0);
        linkent hl[] = { { "h", "start", { WSBX_ART_EXTERN_FUNC, { .func = f } } } };
        inst(s, load(s, "(module (import \"h\" \"start\" (func $h)) (start $h))"), hl, 1);
        wsbx_store_delete(s);
}

Test(instance, exports)
{
        wsbx_store *s = store();
        wsbx_instance *in = inst(s, load(s, exporter_wat), NULL, 0);
        wsbx_extern x;
        cr_assert_eq(wsbx_instance_export(in, "tab", 3, &x), 0);
        cr_assert_eq(x.kind, WSBX_ART_EXTERN_TABLE);
        cr_assert_eq(wsbx_instance_export(in, "mem", 3, &x), 0);
        cr_assert_eq(x.kind, WSBX_ART_EXTERN_MEMORY);
        cr_assert_eq(wsbx_instance_export(in, "call", 4, &x), 0);
        cr_assert_eq(x.kind, WSBX_ART_EXTERN_FUNC);
        const uint8_t *p, *r;
        uint32_t np, nr;
        cr_assert(wsbx_store_functype(s, x.u.func->type_id, &p, &np, &r, &nr));
        cr_assert_eq(np, 2);
        cr_assert_eq(nr, 1);
        cr_assert_eq(p[0], WSBX_ART_I32);
        cr_assert_eq(wsbx_instance_export(in, "ca", 2, &x), -ENOENT);
        cr_assert_eq(wsbx_instance_export(in, "calls", 5, &x), -ENOENT);
        cr_assert_eq(wsbx_vmctx_instance(wsbx_instance_vmctx(in)), in);
        wsbx_store_delete(s);
}

/* ---- host functions and calls ---- */

typedef struct hostctx {
        wsbx_store *s;
        int calls;
        int from_wasm; /* calls that came with a caller vmctx */
} hostctx;

static void host_add(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals, uint32_t n)
{
        hostctx *h = (hostctx *)(void *)callee;
        cr_assert_geq(n, 2);
        h->calls++;
        h->from_wasm += wsbx_vmctx_instance(caller) != NULL;
        vals[0].i32 = vals[0].i32 + vals[1].i32;
}

static void host_fail(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals, uint32_t n)
{
        (void)callee;
        (void)caller;
        (void)vals;
        (void)n;
        wsbx_trap_raise_msg(WSBX_TRAP_HOST, "no luck");
}

/* reenter(n): calls the caller's export "down" with n - 1 and adds one;
 * a nested trap is passed on. */
static void host_reenter(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals, uint32_t n)
{
        hostctx *h = (hostctx *)(void *)callee;
        cr_assert_geq(n, 1);
        h->calls++;
        wsbx_instance *in = wsbx_vmctx_instance(caller);
        wsbx_extern x;
        cr_assert_eq(wsbx_instance_export(in, "down", 4, &x), 0);
        wsbx_val_raw v[1] = { { .i32 = vals[0].i32 - 1 } };
        wsbx_trap_info t;
        int rc = wsbx_invoke(wsbx_instance_store(in), x.u.func, v, 1, &t);
        if (rc > 0)
                wsbx_trap_raise((wsbx_trap)rc);
        cr_assert_eq(rc, 0);
        vals[0].i32 = v[0].i32 + 1;
}

static const char *host_wat =
        "(module"
        "  (import \"env\" \"add\" (func $add (param i32 i32) (result i32)))"
        "  (import \"env\" \"fail\" (func $fail))"
        "  (import \"env\" \"reenter\" (func $re (param i32) (result i32)))"
        "  (table 2 funcref) (elem (i32.const 0) $add $fail)"
        "  (type $bin (func (param i32 i32) (result i32)))"
        "  (func (export \"sum3\") (param i32 i32 i32) (result i32)"
        "     local.get 0 local.get 1 call $add local.get 2 call $add)"
        "  (func (export \"indirect\") (param i32 i32) (result i32)"
        "     local.get 0 local.get 1 i32.const 0 call_indirect (type $bin))"
        "  (func $failing (export \"failing\") call $fail)"
        "  (func (export \"down\") (param i32) (result i32)"
        "     local.get 0 i32.eqz if (result i32) i32.const 100 else"
        "     local.get 0 i32.const 13 i32.eq if unreachable end"
        "     local.get 0 call $re end))";

Test(instance, host_functions)
{
        wsbx_store *s = store();
        hostctx h = { s, 0, 0 };
        static const uint8_t ii[] = { WSBX_ART_I32, WSBX_ART_I32 }, i[] = { WSBX_ART_I32 };
        const wsbx_funcref *add, *fail, *re;
        cr_assert_eq(wsbx_host_func_new(s, ii, 2, i, 1, host_add, &h, &add), 0);
        cr_assert_eq(wsbx_host_func_new(s, NULL, 0, NULL, 0, host_fail, &h, &fail), 0);
        cr_assert_eq(wsbx_host_func_new(s, i, 1, i, 1, host_reenter, &h, &re), 0);
        linkent links[] = { { "env", "add", { WSBX_ART_EXTERN_FUNC, { .func = add } } },
                         { "env", "fail", { WSBX_ART_EXTERN_FUNC, { .func = fail } } },
                         { "env", "reenter", { WSBX_ART_EXTERN_FUNC, { .func = re } } } };
        wsbx_instance *in = inst(s, load(s, host_wat), links, 3);

        cr_assert_eq(call_ok(in, "sum3", 3, 1, 2, 3) & 0xffffffff, 6);
        cr_assert_eq(h.calls, 2);
        cr_assert_eq(call_ok(in, "indirect", 2, 20, 22, 0) & 0xffffffff, 42, "host function in a table");
        cr_assert_eq(h.calls, 3);

        /* Host called directly from the host. */
        wsbx_val_raw v[2] = { { .i32 = 5 }, { .i32 = 6 } };
        wsbx_trap_info t;
        cr_assert_eq(wsbx_invoke(s, add, v, 2, &t), 0);
        cr_assert_eq(v[0].i32, 11);
        cr_assert_eq(h.calls, 4);
        cr_assert_eq(h.from_wasm, 3, "wasm callers pass their vmctx, the host passes none");
        cr_assert_eq(wsbx_invoke(s, add, v, 1, &t), -EINVAL, "too few slots");

        /* A host trap comes back with its message and a wasm frame. */
        wsbx_extern x = get_export(in, "failing");
        int rc = wsbx_invoke(s, x.u.func, v, 0, &t);
        cr_assert_eq(rc, WSBX_TRAP_HOST);
        cr_assert_str_eq(t.host_msg, "no luck");
        /* The innermost named frame is the wasm caller (a host
         * trampoline's frame, unnamed, may come before it). */
        const wsbx_trap_frame *fr = NULL;
        for (uint32_t k = 0; k < t.nframes && !fr; k++)
                if (t.frames[k].name)
                        fr = &t.frames[k];
        cr_assert_not_null(fr, "no named frame among %u", t.nframes);
        cr_assert(!strcmp(fr->name, "failing") || !strcmp(fr->name, "wasm-function[5]"), "frame is %s", fr->name);
        cr_assert_neq(fr->wasm_offset, UINT32_MAX);
        wsbx_store_delete(s);
}

Test(instance, nested_host_wasm_calls)
{
        wsbx_store *s = store();
        hostctx h = { s, 0, 0 };
        static const uint8_t ii[] = { WSBX_ART_I32, WSBX_ART_I32 }, i[] = { WSBX_ART_I32 };
        const wsbx_funcref *add, *fail, *re;
        cr_assert_eq(wsbx_host_func_new(s, ii, 2, i, 1, host_add, &h, &add), 0);
        cr_assert_eq(wsbx_host_func_new(s, NULL, 0, NULL, 0, host_fail, &h, &fail), 0);
        cr_assert_eq(wsbx_host_func_new(s, i, 1, i, 1, host_reenter, &h, &re), 0);
        linkent links[] = { { "env", "add", { WSBX_ART_EXTERN_FUNC, { .func = add } } },
                         { "env", "fail", { WSBX_ART_EXTERN_FUNC, { .func = fail } } },
                         { "env", "reenter", { WSBX_ART_EXTERN_FUNC, { .func = re } } } };
        wsbx_instance *in = inst(s, load(s, host_wat), links, 3);
        /* down(5) -> reenter(5) -> down(4) -> ... -> down(0) = 100. */
        cr_assert_eq(call_ok(in, "down", 1, 5, 0, 0) & 0xffffffff, 105);
        cr_assert_eq(h.calls, 5);
        /* down(20) traps at depth 13 (unreachable), through seven host
         * frames; the store stays usable. */
        cr_assert_eq(call_n(in, "down", NULL, 1, 20), WSBX_TRAP_UNREACHABLE);
        cr_assert_eq(wsbx_stack_depth(wsbx_store_stack(s)), 0);
        cr_assert_eq(call_ok(in, "down", 1, 3, 0, 0) & 0xffffffff, 103);
        /* Unbounded host <-> wasm recursion ends in "call stack
         * exhausted" from a wasm prologue, not in a crash: the host frames
         * between two wasm frames fit in the stack's headroom. */
        h.calls = 0;
        cr_assert_eq(call_n(in, "down", NULL, 1, 1000000), WSBX_TRAP_STACK_OVERFLOW);
        cr_assert_gt(h.calls, 10);
        cr_assert_eq(wsbx_stack_depth(wsbx_store_stack(s)), 0);
        cr_assert_eq(call_ok(in, "down", 1, 2, 0, 0) & 0xffffffff, 102);
        wsbx_store_delete(s);
}

Test(instance, call_indirect_across_instances)
{
        wsbx_store *s = store();
        /* Same signature at different type indices in the two modules. */
        wsbx_instance *a = inst(s, load(s, "(module (type (func)) (type (func (param i32) (result i32)))"
                                           " (func (export \"sq\") (type 1) local.get 0 local.get 0 i32.mul))"),
                                NULL, 0);
        wsbx_instance *ex = inst(s, load(s, exporter_wat), NULL, 0);
        linkent links[] = { { "A", "sq", get_export(a, "sq") }, { "M", "tab", get_export(ex, "tab") } };
        inst(s, load(s, "(module (import \"A\" \"sq\" (func $sq (param i32) (result i32)))"
                        " (table (import \"M\" \"tab\") 1 funcref) (elem (i32.const 3) $sq))"),
             links, 2);
        cr_assert_eq(call_ok(ex, "call", 2, 3, 12, 0) & 0xffffffff, 144);
        wsbx_store_delete(s);
}

/* ---- builtins, called directly ---- */

/* The array-convention function that runs one builtin inside a guarded
 * call: vals[0] says which, the rest are its arguments. */
static void run_builtin(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *v, uint32_t n)
{
        (void)caller;
        (void)n;
        const void *const *b = ((wsbx_vmctx_header *)(void *)callee)->builtins;
        uint32_t a1 = v[1].i32, a2 = v[2].i32, a3 = v[3].i32, a4 = v[4].i32, a5 = v[5].i32;
        switch (v[0].i32) {
        case WSBX_BUILTIN_MEMORY_GROW:
                v[0].i32 = ((uint32_t(*)(struct wsbx_vmctx *, uint32_t, uint32_t))b[v[0].i32])(callee, a1, a2);
                break;
        case WSBX_BUILTIN_MEMORY_FILL:
                ((void (*)(struct wsbx_vmctx *, uint32_t, uint32_t, uint32_t, uint32_t))b[v[0].i32])(callee, a1, a2,
                                                                                                     a3, a4);
                break;
        case WSBX_BUILTIN_MEMORY_COPY:
        case WSBX_BUILTIN_MEMORY_INIT:
        case WSBX_BUILTIN_TABLE_COPY:
        case WSBX_BUILTIN_TABLE_INIT:
                ((void (*)(struct wsbx_vmctx *, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t))b[v[0].i32])(
                        callee, a1, a2, a3, a4, a5);
                break;
        case WSBX_BUILTIN_DATA_DROP:
        case WSBX_BUILTIN_ELEM_DROP:
                ((void (*)(struct wsbx_vmctx *, uint32_t))b[v[0].i32])(callee, a1);
                break;
        case WSBX_BUILTIN_TABLE_GROW:
                v[0].i32 = ((uint32_t(*)(struct wsbx_vmctx *, uint32_t, void *, uint32_t))b[v[0].i32])(
                        callee, a1, v[2].ref, a3);
                break;
        case WSBX_BUILTIN_TABLE_FILL:
                ((void (*)(struct wsbx_vmctx *, uint32_t, uint32_t, void *, uint32_t))b[v[0].i32])(callee, a1, a2,
                                                                                                   v[3].ref, a4);
                break;
        case WSBX_BUILTIN_RAISE:
                ((void (*)(struct wsbx_vmctx *, uint32_t))b[v[0].i32])(callee, a1);
                break;
        }
}

static int builtin(wsbx_instance *in, uint32_t which, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                   uint64_t a5, uint32_t *result)
{
        wsbx_val_raw v[6];
        memset(v, 0, sizeof v);
        v[0].i32 = which;
        v[1].i64 = a1;
        v[2].i64 = a2;
        v[3].i64 = a3;
        v[4].i64 = a4;
        v[5].i64 = a5;
        wsbx_trap_info t;
        int rc = wsbx_call_guarded(wsbx_store_stack(wsbx_instance_store(in)), run_builtin,
                                   wsbx_instance_vmctx(in), NULL, v, 6, &t);
        cr_assert_geq(rc, 0);
        if (result)
                *result = v[0].i32;
        return rc;
}

Test(instance, builtins_bounds)
{
        wsbx_store *s = store();
        wsbx_instance *in = inst(s, load(s, "(module (memory (export \"mem\") 1 3)"
                                            " (table (export \"tab\") 4 8 funcref)"
                                            " (func $f) (elem $e funcref (ref.func $f) (ref.func $f) (ref.null func))"
                                            " (data $d \"abcd\") (export \"f\" (func $f)))"),
                                 NULL, 0);
        wsbx_memory_def *d = wsbx_memory_def_of(wsbx_memory_inst_memory(get_export(in, "mem").u.memory));
        wsbx_table_def *t = wsbx_table_inst_def(get_export(in, "tab").u.table);
        const uint32_t P = 65536;
        uint32_t r;

        /* memory.fill */
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_FILL, 0, 10, 0x1ab, 3, 0, NULL), 0);
        cr_assert_eq(d->base[10], 0xab);
        cr_assert_eq(d->base[12], 0xab);
        cr_assert_eq(d->base[13], 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_FILL, 0, P, 1, 0, 0, NULL), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_FILL, 0, P + 1, 1, 0, 0, NULL), WSBX_TRAP_MEMORY_OOB);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_FILL, 0, P - 1, 7, 2, 0, NULL), WSBX_TRAP_MEMORY_OOB);
        cr_assert_eq(d->base[P - 1], 0, "a trapping fill writes nothing");
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_FILL, 0, 1, 7, 0xffffffff, 0, NULL), WSBX_TRAP_MEMORY_OOB);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_FILL, 1, 0, 7, 1, 0, NULL), WSBX_TRAP_MEMORY_OOB,
                     "no memory 1");

        /* memory.copy, overlapping both ways */
        memcpy(d->base + 100, "0123456789", 10);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_COPY, 0, 0, 102, 100, 5, NULL), 0);
        cr_assert_eq(memcmp(d->base + 100, "0101234789", 10), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_COPY, 0, 0, 100, 102, 5, NULL), 0);
        cr_assert_eq(memcmp(d->base + 100, "0123434789", 10), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_COPY, 0, 0, P, 0, 0, NULL), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_COPY, 0, 0, 0, P, 0, NULL), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_COPY, 0, 0, 0, P + 1, 0, NULL), WSBX_TRAP_MEMORY_OOB);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_COPY, 0, 0, P - 2, 0, 3, NULL), WSBX_TRAP_MEMORY_OOB);

        /* memory.init and data.drop */
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_INIT, 0, 0, 200, 1, 3, NULL), 0);
        cr_assert_eq(memcmp(d->base + 200, "bcd", 3), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_INIT, 0, 0, 200, 4, 0, NULL), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_INIT, 0, 0, 200, 5, 0, NULL), WSBX_TRAP_MEMORY_OOB);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_INIT, 0, 0, 200, 2, 3, NULL), WSBX_TRAP_MEMORY_OOB);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_INIT, 0, 0, P - 1, 0, 2, NULL), WSBX_TRAP_MEMORY_OOB);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_INIT, 0, 1, 0, 0, 0, NULL), WSBX_TRAP_MEMORY_OOB,
                     "no data 1");
        cr_assert_eq(builtin(in, WSBX_BUILTIN_DATA_DROP, 0, 0, 0, 0, 0, NULL), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_INIT, 0, 0, 0, 0, 0, NULL), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_INIT, 0, 0, 0, 0, 1, NULL), WSBX_TRAP_MEMORY_OOB);

        /* memory.grow: up to the maximum, -1 beyond */
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_GROW, 0, 2, 0, 0, 0, &r), 0);
        cr_assert_eq(r, 1);
        cr_assert_eq(d->size, 3ull * P);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_GROW, 0, 1, 0, 0, 0, &r), 0);
        cr_assert_eq(r, UINT32_MAX);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_MEMORY_GROW, 0, 0, 0, 0, 0, &r), 0);
        cr_assert_eq(r, 3);

        /* table.init, elem.drop */
        void *f = (void *)get_export(in, "f").u.func;
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_INIT, 0, 0, 1, 0, 3, NULL), 0);
        cr_assert_eq(t->elems[1], f);
        cr_assert_eq(t->elems[2], f);
        /* A null written into a funcref table is stored as 1 (abi.h). */
        cr_assert_eq(t->elems[3], (void *)(uintptr_t)WSBX_TABLE_NULL_FUNCREF);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_INIT, 0, 0, 4, 3, 0, NULL), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_INIT, 0, 0, 5, 0, 0, NULL), WSBX_TRAP_TABLE_OOB);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_INIT, 0, 0, 0, 4, 0, NULL), WSBX_TRAP_TABLE_OOB);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_INIT, 0, 0, 2, 0, 3, NULL), WSBX_TRAP_TABLE_OOB);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_ELEM_DROP, 0, 0, 0, 0, 0, NULL), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_INIT, 0, 0, 0, 0, 0, NULL), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_INIT, 0, 0, 0, 0, 1, NULL), WSBX_TRAP_TABLE_OOB);

        /* table.fill, table.copy */
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_FILL, 0, 0, (uintptr_t)f, 1, 0, NULL), 0);
        cr_assert_eq(t->elems[0], f);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_FILL, 0, 4, 0, 0, 0, NULL), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_FILL, 0, 5, 0, 0, 0, NULL), WSBX_TRAP_TABLE_OOB);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_FILL, 0, 3, 0, 2, 0, NULL), WSBX_TRAP_TABLE_OOB);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_COPY, 0, 0, 2, 0, 2, NULL), 0);
        cr_assert_eq(t->elems[3], f);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_COPY, 0, 0, 3, 0, 2, NULL), WSBX_TRAP_TABLE_OOB);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_COPY, 0, 0, 4, 4, 0, NULL), 0);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_COPY, 0, 0, 0, 5, 0, NULL), WSBX_TRAP_TABLE_OOB);

        /* table.grow: up to the maximum, filled with init */
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_GROW, 0, (uintptr_t)f, 4, 0, 0, &r), 0);
        cr_assert_eq(r, 4);
        t = wsbx_table_inst_def(get_export(in, "tab").u.table);
        cr_assert_eq(t->size, 8);
        cr_assert_eq(t->elems[7], f);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_GROW, 0, 0, 1, 0, 0, &r), 0);
        cr_assert_eq(r, UINT32_MAX);
        cr_assert_eq(builtin(in, WSBX_BUILTIN_TABLE_GROW, 0, 0, 0xffffffff, 0, 0, &r), 0);
        cr_assert_eq(r, UINT32_MAX);

        /* raise */
        cr_assert_eq(builtin(in, WSBX_BUILTIN_RAISE, WSBX_TRAP_INT_OVERFLOW, 0, 0, 0, 0, NULL),
                     WSBX_TRAP_INT_OVERFLOW);
        wsbx_store_delete(s);
}

/* A memory under the dynamic plan moves when it outgrows its reservation;
 * every instance using it must follow. */
Test(instance, moving_memory_is_followed)
{
        wsbx_store_config cfg;
        wsbx_store_config_default(&cfg);
        cfg.memory.plan = WSBX_MEMPLAN_DYNAMIC;
        cfg.memory.dynamic_reserve = 65536;
        wsbx_store *s;
        cr_assert_eq(wsbx_store_new(&cfg, &s), 0);
        wsbx_compile_opts o = { .bounds_checks = true };
        const char *wat = "(module (memory (export \"mem\") 1 16)"
                          " (func (export \"grow\") (param i32) (result i32) local.get 0 memory.grow)"
                          " (func (export \"store\") (param i32 i32) local.get 0 local.get 1 i32.store8)"
                          " (func (export \"load8\") (param i32) (result i32) local.get 0 i32.load8_u))";
        wsbx_instance *a = inst(s, load_opts(s, wat, true, &o), NULL, 0);
        linkent links[] = { { "A", "mem", get_export(a, "mem") } };
        wsbx_instance *b = inst(s, load_opts(s, "(module (memory (import \"A\" \"mem\") 1)"
                                                " (func (export \"load8\") (param i32) (result i32)"
                                                "   local.get 0 i32.load8_u))",
                                             true, &o),
                                links, 1);
        wsbx_memory *m = wsbx_memory_inst_memory(get_export(a, "mem").u.memory);
        cr_assert_eq(wsbx_memory_plan_of(m)->kind, WSBX_MEMPLAN_DYNAMIC);
        uint8_t *before = wsbx_memory_def_of(m)->base;
        call_ok(a, "store", 2, 7, 77, 0);
        cr_assert_eq(call_ok(a, "grow", 1, 3, 0, 0), 1);
        cr_assert_neq(wsbx_memory_def_of(m)->base, before, "the memory moved");
        call_ok(a, "store", 2, 3 * 65536 + 5, 55, 0);
        cr_assert_eq(call_ok(b, "load8", 1, 7, 0, 0), 77);
        cr_assert_eq(call_ok(b, "load8", 1, 3 * 65536 + 5, 0, 0), 55);

        /* A module compiled without bounds checks refuses this memory. */
        wsbx_loaded *l = load(s, "(module (memory (import \"A\" \"mem\") 1))");
        wsbx_instance *in;
        wsbx_lerr e;
        cr_assert_eq(inst_links(s, l, links, 1, &in, NULL, &e), -EINVAL);
        cr_assert(strstr(e.msg, "incompatible import type"), "%s", e.msg);
        wsbx_store_delete(s);
}

Test(instance, epoch_deadline)
{
        wsbx_store *s = store();
        wsbx_compile_opts o = { .epoch = true };
        wsbx_instance *in = inst(s, load_opts(s, "(module (func (export \"spin\") (loop br 0)))", true, &o),
                                 NULL, 0);
        wsbx_store_set_epoch_deadline(s, 1);
        wsbx_store_epoch_increment(s);
        cr_assert_eq(call_n(in, "spin", NULL, 0), WSBX_TRAP_INTERRUPTED);
        wsbx_store_delete(s);
}

Test(instance, type_registry)
{
        wsbx_store *s = store();
        static const uint8_t a[] = { WSBX_ART_I32, WSBX_ART_I64 }, b[] = { WSBX_ART_I64, WSBX_ART_I32 };
        uint32_t x, y, z, w;
        cr_assert_eq(wsbx_store_intern_type(s, a, 2, b, 1, &x), 0);
        cr_assert_eq(wsbx_store_intern_type(s, a, 2, b, 1, &y), 0);
        cr_assert_eq(wsbx_store_intern_type(s, a, 1, a + 1, 1, &z), 0);
        cr_assert_eq(wsbx_store_intern_type(s, b, 2, b, 1, &w), 0);
        cr_assert_eq(x, y);
        cr_assert_neq(x, z, "(i32 i64)->(i64) differs from (i32)->(i64)");
        cr_assert_neq(x, w);
        /* Many types: the table rehashes and keeps every id. */
        uint32_t ids[300];
        uint8_t vt[300];
        memset(vt, WSBX_ART_F32, sizeof vt);
        for (uint32_t i = 0; i < 300; i++)
                cr_assert_eq(wsbx_store_intern_type(s, vt, i, NULL, 0, &ids[i]), 0);
        for (uint32_t i = 0; i < 300; i++) {
                uint32_t again, np;
                cr_assert_eq(wsbx_store_intern_type(s, vt, i, NULL, 0, &again), 0);
                cr_assert_eq(again, ids[i]);
                cr_assert(wsbx_store_functype(s, ids[i], NULL, &np, NULL, NULL));
                cr_assert_eq(np, i);
        }
        cr_assert_not(wsbx_store_functype(s, 100000, NULL, NULL, NULL, NULL));
        wsbx_store_delete(s);
}

/* ---- lazy tables (abi.h, wsbx_table_def) ---- */

#define C4 " $c0 $c1 $c2 $c3"
#define I(k) " (i64.add (i64.add (local.get $x) (i64.const " #k "))"
#define F(k) " (f64.add (f64.add (local.get $f) (f64.const " #k "))"
static const char lazy_wat[] =
        "(module"
        " (type $v (func (result i32)))"
        " (type $w (func (param i32 i64 f64 i32 f64 i64 f32 i32) (result i64)))"
        " (table $t (export \"tab\") 64 funcref)"
        " (func $c0 (result i32) (i32.const 100)) (func $c1 (result i32) (i32.const 101))"
        " (func $c2 (result i32) (i32.const 102)) (func $c3 (result i32) (i32.const 103))"
        " (func $w (param i32 i64 f64 i32 f64 i64 f32 i32) (result i64)"
        "  (i64.add (i64.extend_i32_u (local.get 0))"
        "  (i64.add (i64.mul (local.get 1) (i64.const 3))"
        "  (i64.add (i64.mul (i64.trunc_f64_s (local.get 2)) (i64.const 5))"
        "  (i64.add (i64.mul (i64.extend_i32_u (local.get 3)) (i64.const 7))"
        "  (i64.add (i64.mul (i64.trunc_f64_s (local.get 4)) (i64.const 11))"
        "  (i64.add (i64.mul (local.get 5) (i64.const 13))"
        "  (i64.add (i64.mul (i64.trunc_f32_s (local.get 6)) (i64.const 17))"
        "           (i64.mul (i64.extend_i32_u (local.get 7)) (i64.const 19))))))))))"
        " (elem (i32.const 0) func" C4 C4 C4 C4 C4 C4 C4 C4 C4 C4 ")"
        " (elem (i32.const 40) func $w)"
        " (func (export \"call\") (param i32) (result i32) (call_indirect (type $v) (local.get 0)))"
        " (func (export \"isnull\") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))"
        " (func (export \"copy\") (param i32 i32 i32) (table.copy (local.get 0) (local.get 1) (local.get 2)))"
        " (func (export \"wide\") (param $i i32) (param $x i64) (result i64)"
        "  (call_indirect (type $w)"
        "   (i32.add (local.get $i) (i32.const 1)) (i64.add (local.get $x) (i64.const 2))"
        "   (f64.convert_i64_s (i64.add (local.get $x) (i64.const 3))) (i32.mul (local.get $i) (i32.const 4))"
        "   (f64.convert_i32_s (i32.add (local.get $i) (i32.const 5))) (i64.mul (local.get $x) (i64.const 6))"
        "   (f32.convert_i32_s (i32.add (local.get $i) (i32.const 7))) (i32.add (local.get $i) (i32.const 8))"
        "   (i32.const 40)))"
        " (func (export \"live\") (param $i i32) (param $x i64) (result i64) (local $f f64)"
        "  (local.set $f (f64.convert_i64_s (local.get $x)))"
        /* Twelve i64 and twelve f64 values on the operand stack, most of
         * them in registers, around table.get. */
        I(1) I(2) I(3) I(4) I(5) I(6) I(7) I(8) I(9) I(10) I(11) I(12)
        "  (i64.trunc_f64_s"
        F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11) F(12)
        "  (f64.convert_i32_u (ref.is_null (table.get $t (local.get $i))))"
        "  ))))))))))))) ))))))))))))))";
#undef I
#undef F

static void **raw_elems(wsbx_instance *in)
{
        return wsbx_table_inst_def(get_export(in, "tab").u.table)->elems;
}

static uint64_t wide_expected(uint64_t i, uint64_t x)
{
        return (i + 1) + (x + 2) * 3 + (x + 3) * 5 + (i * 4) * 7 + (i + 5) * 11 + (x * 6) * 13 + (i + 7) * 17 +
               (i + 8) * 19;
}

static uint64_t live_expected(uint64_t i, uint64_t x, bool null)
{
        double f = (double)(int64_t)x, acc = null;
        uint64_t sum = 0;
        (void)i;
        for (int k = 12; k >= 1; k--)
                acc = (f + k) + acc;
        for (int k = 1; k <= 12; k++)
                sum += x + (uint64_t)k;
        return sum + (uint64_t)(int64_t)acc;
}

/* Nothing is written at instantiation; each element gets its value on
 * first use, through call_indirect, table.get or the C accessor (which
 * reads without storing). */
Test(instance, lazy_table_untouched_until_used)
{
        wsbx_store *s = store();
        wsbx_loaded *l = load(s, lazy_wat);
        cr_assert_eq(wsbx_loaded_artifact(l)->tables[0].init, WSBX_ART_INIT_IMAGE);
        wsbx_instance *in = inst(s, l, NULL, 0);
        void **e = raw_elems(in);
        for (int k = 0; k < 64; k++)
                cr_assert_null(e[k], "element %d initialized at instantiation", k);

        void *v;
        cr_assert_eq(wsbx_table_inst_get(get_export(in, "tab").u.table, 5, &v), 0);
        cr_assert_not_null(v);
        cr_assert_null(e[5], "the accessor stores nothing");
        cr_assert_eq(wsbx_table_inst_get(get_export(in, "tab").u.table, 41, &v), 0);
        cr_assert_null(v, "past the image: null");

        cr_assert_eq(call_ok(in, "call", 1, 7, 0, 0), 103);
        cr_assert_not_null(e[7]);
        cr_assert_null(e[6]);
        cr_assert_null(e[8]);
        cr_assert_eq(call_ok(in, "call", 1, 7, 0, 0), 103, "the stored value calls the same function");
        cr_assert_eq(call_ok(in, "isnull", 1, 9, 0, 0), 0);
        cr_assert_not_null(e[9]);
        cr_assert_eq(call_ok(in, "isnull", 1, 50, 0, 0), 1);
        cr_assert_eq(e[50], (void *)(uintptr_t)WSBX_TABLE_NULL_FUNCREF);
        cr_assert_eq(call_n(in, "call", NULL, 1, 51), WSBX_TRAP_UNINITIALIZED_ELEMENT);
        cr_assert_eq(e[51], (void *)(uintptr_t)WSBX_TABLE_NULL_FUNCREF);
        cr_assert_eq(call_n(in, "call", NULL, 1, 40), WSBX_TRAP_INDIRECT_CALL_TYPE);
        cr_assert_eq(call_n(in, "call", NULL, 1, 64), WSBX_TRAP_UNDEFINED_ELEMENT);
        for (int k = 0; k < 40; k++)
                cr_assert_eq(call_ok(in, "call", 1, (uint64_t)k, 0, 0), 100u + (unsigned)(k % 4));

        /* A reset (the pool's) makes every element lazy again. */
        wsbx_trap_info t;
        wsbx_lerr err;
        cr_assert_eq(wsbx_instance_reinit(in, &t, &err), 0, "%s", err.msg);
        e = raw_elems(in);
        for (int k = 0; k < 64; k++)
                cr_assert_null(e[k], "element %d after reset", k);
        cr_assert_eq(call_ok(in, "call", 1, 13, 0, 0), 101);
        wsbx_store_delete(s);
}

/* The out-of-line path keeps every register: arguments already in
 * registers for the call, and operand-stack values around table.get. */
Test(instance, lazy_table_keeps_live_registers)
{
        wsbx_store *s = store();
        wsbx_instance *in = inst(s, load(s, lazy_wat), NULL, 0);
        void **e = raw_elems(in);
        cr_assert_null(e[40]);
        cr_assert_eq(call_ok(in, "wide", 2, 3, 1000, 0), wide_expected(3, 1000));
        cr_assert_not_null(e[40]);
        cr_assert_eq(call_ok(in, "wide", 2, 3, 1000, 0), wide_expected(3, 1000));
        cr_assert_eq(call_ok(in, "wide", 2, 9, 77, 0), wide_expected(9, 77));
        for (uint64_t i = 0; i < 64; i += 3) {
                uint64_t x = 1000 * (i + 1);
                cr_assert_eq(call_ok(in, "live", 2, i, x, 0), live_expected(i, x, i >= 41), "i=%llu",
                             (unsigned long long)i);
                cr_assert_eq(call_ok(in, "live", 2, i, x, 0), live_expected(i, x, i >= 41));
        }
        wsbx_store_delete(s);
}

/* table.copy moves values, not positions in the image; a table another
 * module imports takes its lazy values from its defining instance. */
Test(instance, lazy_table_copy_and_import)
{
        wsbx_store *s = store();
        wsbx_instance *a = inst(s, load(s, lazy_wat), NULL, 0);
        void **e = raw_elems(a);
        cr_assert_eq(call_n(a, "copy", NULL, 3, 10, 0, 20), 0);
        for (int k = 0; k < 20; k++)
                cr_assert_not_null(e[k], "source element %d read before the copy", k);
        for (int k = 0; k < 30; k++)
                cr_assert_eq(call_ok(a, "call", 1, (uint64_t)k, 0, 0),
                             100u + (unsigned)((k < 10 ? k : k - 10) % 4), "element %d", k);
        cr_assert_null(e[30]);

        wsbx_instance *fresh = inst(s, load(s, lazy_wat), NULL, 0);
        linkent links[] = { { "m", "tab", get_export(fresh, "tab") } };
        wsbx_instance *b = inst(s,
                                load(s, "(module (type $v (func (result i32)))"
                                        " (import \"m\" \"tab\" (table 64 funcref))"
                                        " (func (export \"call\") (param i32) (result i32)"
                                        "  (call_indirect (type $v) (local.get 0))))"),
                                links, 1);
        e = raw_elems(fresh);
        cr_assert_null(e[22]);
        cr_assert_eq(call_ok(b, "call", 1, 22, 0, 0), 102);
        cr_assert_not_null(e[22]);
        cr_assert_eq(call_ok(fresh, "call", 1, 22, 0, 0), 102);
        cr_assert_eq(call_n(b, "call", NULL, 1, 45), WSBX_TRAP_UNINITIALIZED_ELEMENT);
        wsbx_store_delete(s);
}

/* WSBX_BUILTIN_TABLE_LAZY's own contract (abi.h), called as compiled code
 * calls it: every general register but rsp and every xmm register holds
 * a distinct pattern across the call, the stored value comes back in the
 * def's stack slot, and nothing else changes (a restore from a wrong
 * slot would swap two patterns). lazy_probe(thunk, def, idx, out) stores
 * rax..r15 (rsp's slot: the value popped) in out[0..15] and xmm0-15 in
 * out[16..47]. */
void lazy_probe(const void *thunk, void *def, uint64_t idx, uint64_t *out);
__asm__(".text\n"
        ".globl lazy_probe\n"
        ".type lazy_probe, @function\n"
        "lazy_probe:\n"
        "  push %rbp\n  mov %rsp, %rbp\n"
        "  push %rbx\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
        "  push %rcx\n"                 /* out:   -48(%rbp) */
        "  push %rdi\n"                 /* thunk: -56(%rbp) */
        "  push %rdx\n  push %rsi\n"    /* idx, def: as compiled code pushes them */
        "  movabs $0x1000000000000000, %rax\n"
        "  movabs $0x1000000000000003, %rbx\n"
        "  movabs $0x1000000000000001, %rcx\n"
        "  movabs $0x1000000000000002, %rdx\n"
        "  movabs $0x1000000000000006, %rsi\n"
        "  movabs $0x1000000000000007, %rdi\n"
        "  movabs $0x1000000000000008, %r8\n"
        "  movabs $0x1000000000000009, %r9\n"
        "  movabs $0x100000000000000a, %r10\n"
        "  movabs $0x100000000000000b, %r11\n"
        "  movabs $0x100000000000000c, %r12\n"
        "  movabs $0x100000000000000d, %r13\n"
        "  movabs $0x100000000000000e, %r14\n"
        "  movabs $0x100000000000000f, %r15\n"
        "  movq %rax, %xmm0\n  movq %rcx, %xmm1\n  movq %rdx, %xmm2\n  movq %rbx, %xmm3\n"
        "  movq %rsi, %xmm4\n  movq %rdi, %xmm5\n  movq %r8, %xmm6\n  movq %r9, %xmm7\n"
        "  movq %r10, %xmm8\n  movq %r11, %xmm9\n  movq %r12, %xmm10\n  movq %r13, %xmm11\n"
        "  movq %r14, %xmm12\n  movq %r15, %xmm13\n  movq %rax, %xmm14\n  movq %rcx, %xmm15\n"
        "  pinsrq $1, %rdx, %xmm14\n  pinsrq $1, %rbx, %xmm15\n"
        "  call *-56(%rbp)\n"
        "  push %rax\n"
        "  mov -48(%rbp), %rax\n"
        "  mov %rbx, 24(%rax)\n  mov %rcx, 8(%rax)\n  mov %rdx, 16(%rax)\n"
        "  mov %rsi, 48(%rax)\n  mov %rdi, 56(%rax)\n  mov %r8, 64(%rax)\n  mov %r9, 72(%rax)\n"
        "  mov %r10, 80(%rax)\n  mov %r11, 88(%rax)\n  mov %r12, 96(%rax)\n  mov %r13, 104(%rax)\n"
        "  mov %r14, 112(%rax)\n  mov %r15, 120(%rax)\n"
        "  pop %rbx\n  mov %rbx, 0(%rax)\n"          /* rax as it came back */
        "  pop %rbx\n  mov %rbx, 32(%rax)\n"         /* the value, in rsp's slot */
        "  pop %rbx\n  mov %rbx, 40(%rax)\n"         /* the index slot (rbp's) */
        "  movdqu %xmm0, 128(%rax)\n  movdqu %xmm1, 144(%rax)\n  movdqu %xmm2, 160(%rax)\n"
        "  movdqu %xmm3, 176(%rax)\n  movdqu %xmm4, 192(%rax)\n  movdqu %xmm5, 208(%rax)\n"
        "  movdqu %xmm6, 224(%rax)\n  movdqu %xmm7, 240(%rax)\n  movdqu %xmm8, 256(%rax)\n"
        "  movdqu %xmm9, 272(%rax)\n  movdqu %xmm10, 288(%rax)\n  movdqu %xmm11, 304(%rax)\n"
        "  movdqu %xmm12, 320(%rax)\n  movdqu %xmm13, 336(%rax)\n  movdqu %xmm14, 352(%rax)\n"
        "  movdqu %xmm15, 368(%rax)\n"
        "  lea -40(%rbp), %rsp\n"
        "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbx\n"
        "  pop %rbp\n  ret\n"
        ".size lazy_probe, .-lazy_probe\n");

Test(instance, lazy_table_thunk_keeps_every_register)
{
        wsbx_store *s = store();
        wsbx_instance *in = inst(s, load(s, lazy_wat), NULL, 0);
        wsbx_table_def *def = wsbx_table_inst_def(get_export(in, "tab").u.table);
        void *want;
        cr_assert_eq(wsbx_table_inst_get(get_export(in, "tab").u.table, 6, &want), 0);
        cr_assert_null(def->elems[6]);
        uint64_t out[48];
        memset(out, 0, sizeof out);
        lazy_probe(wsbx_builtins[WSBX_BUILTIN_TABLE_LAZY], def, 6, out);
        cr_assert_eq((void *)(uintptr_t)out[4], want, "the value replaces the def's slot");
        cr_assert_eq(out[5], 6, "the index slot is left as it was");
        cr_assert_eq(def->elems[6], want, "and is stored in place");
        static const int gpr[] = { 0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
        for (size_t k = 0; k < sizeof gpr / sizeof gpr[0]; k++)
                cr_assert_eq(out[gpr[k]], 0x1000000000000000ull + (uint64_t)gpr[k], "register %d: %llx", gpr[k],
                             (unsigned long long)out[gpr[k]]);
        /* xmm i holds the i-th pattern register above in its low half
         * (xmm14/15 also their high halves). */
        static const int src[16] = { 0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1 };
        for (int k = 0; k < 16; k++) {
                cr_assert_eq(out[16 + 2 * k], 0x1000000000000000ull + (uint64_t)src[k], "xmm%d low", k);
                uint64_t hi = k == 14 ? 0x1000000000000002ull : k == 15 ? 0x1000000000000003ull : 0;
                cr_assert_eq(out[17 + 2 * k], hi, "xmm%d high", k);
        }
        wsbx_store_delete(s);
}
