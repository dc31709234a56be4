/* test_compile.c - the compiler, end to end: compile modules and run them.
 *
 * A small test-only instantiation (inst_new) maps the code read+execute,
 * registers it with the loader's trap registry, builds a vmctx by hand as
 * abi.h lays it out (memory 0 from the loader, tables, globals, funcrefs,
 * builtins, type ids), and calls exports through their entry trampolines
 * with wsbx_call_guarded on a guest stack, so traps come back as trap
 * kinds. Host imports "env" "add" (i32 i32 -> i32) and "env" "swap"
 * (i32 i64 -> i64 i32) go through the host trampolines.
 *
 * The last test compiles every module of the spec suite and fails only on
 * errors other than "not supported yet".
 */
#include <criterion/criterion.h>

#include "internal.h"
#include "loader.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef struct inst {
        wsbx_module *m;
        wsbx_compiled *c;
        uint8_t *code;
        wsbx_code_reg *reg;
        wsbx_code_func *funcs;
        uint8_t *vmctx;
        wsbx_memory *mem;
        wsbx_table_def tables[4];
        wsbx_stack *stack;
        uint64_t epoch;
        uint32_t *type_ids;
        const void *builtins[WSBX_BUILTIN_COUNT];
        int host_calls;
} inst;

#define HDR(i) ((wsbx_vmctx_header *)(i)->vmctx)

static inst *inst_of(struct wsbx_vmctx *v)
{
        return ((wsbx_vmctx_header *)v)->instance;
}

/* ---- builtins ---- */

static uint32_t b_memory_grow(struct wsbx_vmctx *v, uint32_t mem, uint32_t delta)
{
        (void)mem;
        inst *in = inst_of(v);
        int64_t r = wsbx_memory_grow(in->mem, delta);
        HDR(in)->mem0_base = wsbx_memory_def_of(in->mem)->base;
        return r < 0 ? UINT32_MAX : (uint32_t)r;
}

static void b_memory_fill(struct wsbx_vmctx *v, uint32_t mem, uint32_t dst, uint32_t val, uint32_t len)
{
        (void)mem;
        wsbx_memory_def *d = wsbx_memory_def_of(inst_of(v)->mem);
        if ((uint64_t)dst + len > d->size)
                wsbx_trap_raise(WSBX_TRAP_MEMORY_OOB);
        memset(d->base + dst, (int)val, len);
}

static void b_memory_copy(struct wsbx_vmctx *v, uint32_t dm, uint32_t sm, uint32_t dst, uint32_t src,
                          uint32_t len)
{
        (void)dm;
        (void)sm;
        wsbx_memory_def *d = wsbx_memory_def_of(inst_of(v)->mem);
        if ((uint64_t)dst + len > d->size || (uint64_t)src + len > d->size)
                wsbx_trap_raise(WSBX_TRAP_MEMORY_OOB);
        memmove(d->base + dst, d->base + src, len);
}

static void b_raise(struct wsbx_vmctx *v, uint32_t trap)
{
        (void)v;
        wsbx_trap_raise((wsbx_trap)trap);
}

static uint32_t b_table_grow(struct wsbx_vmctx *v, uint32_t t, void *init, uint32_t delta)
{
        inst *in = inst_of(v);
        wsbx_table_def *d = &in->tables[t];
        uint64_t n = d->size + delta;
        if (n > 100000)
                return UINT32_MAX;
        void **e = realloc(d->elems, sizeof(void *) * (n ? n : 1));
        if (!e)
                return UINT32_MAX;
        /* Funcref tables store null as 1 (abi.h); this harness has no
         * externref tables. */
        for (uint64_t i = d->size; i < n; i++)
                e[i] = init ? init : (void *)(uintptr_t)WSBX_TABLE_NULL_FUNCREF;
        uint32_t old = (uint32_t)d->size;
        d->elems = e;
        d->size = n;
        return old;
}

/* ---- host imports ---- */

static void host_add(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals,
                     uint32_t n)
{
        inst *in = inst_of(caller);
        (void)callee;
        cr_assert_geq(n, 2);
        in->host_calls++;
        vals[0].i32 = vals[0].i32 + vals[1].i32;
}

static void host_swap(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals,
                      uint32_t n)
{
        (void)callee;
        inst_of(caller)->host_calls++;
        cr_assert_geq(n, 2);
        uint32_t a = vals[0].i32;
        uint64_t b = vals[1].i64;
        vals[0].i64 = b;
        vals[1].i64 = a;
}

/* ---- instantiation ---- */

static bool same_type(const wsbx_functype *a, const wsbx_functype *b)
{
        return a->nparams == b->nparams && a->nresults == b->nresults &&
               !memcmp(a->params, b->params, a->nparams) && !memcmp(a->results, b->results, a->nresults);
}

static wsbx_funcref *funcref(inst *in, uint32_t f)
{
        wsbx_vmctx_layout l = in->c->layout;
        return (wsbx_funcref *)(in->vmctx + l.funcrefs) + f;
}

static inst *inst_new_opts(const char *wat, const wsbx_compile_opts *opts)
{
        wsbx_error err;
        inst *in = calloc(1, sizeof *in);
        cr_assert(in);
        wsbx_errkind k = wsbx_module_load((const uint8_t *)wat, strlen(wat), NULL, &in->m, &err);
        cr_assert_eq(k, WSBX_OK, "load: %s at %u:%u", err.msg, err.line, err.col);
        k = wsbx_compile_module(in->m, opts, &in->c, &err);
        cr_assert_eq(k, WSBX_OK, "compile: %s at %zu", err.msg, err.offset);
        const wsbx_module *m = in->m;
        wsbx_compiled *c = in->c;

        size_t len = (c->code_len + 4095) & ~(size_t)4095;
        in->code = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        cr_assert(in->code != MAP_FAILED);
        memcpy(in->code, c->code, c->code_len);
        cr_assert_eq(mprotect(in->code, len, PROT_READ | PROT_EXEC), 0);
        in->funcs = calloc(c->nfuncs + 1, sizeof *in->funcs);
        for (uint32_t i = 0; i < c->nfuncs; i++)
                in->funcs[i] = (wsbx_code_func){ c->func_offset[i], c->func_size[i], NULL };
        wsbx_code_info info = { in->code, c->code_len, c->traps, c->ntraps, c->addrs, c->naddrs,
                                in->funcs, c->nfuncs, in };
        cr_assert_eq(wsbx_code_register(&info, &in->reg), 0);
        cr_assert_eq(wsbx_stack_new(0, 0, &in->stack), 0);

        in->vmctx = aligned_alloc(16, (c->layout.size + 15) & ~15u);
        memset(in->vmctx, 0, c->layout.size);
        in->type_ids = calloc(m->ntypes + 1, sizeof(uint32_t));
        for (uint32_t t = 0; t < m->ntypes; t++) {
                in->type_ids[t] = t;
                for (uint32_t u = 0; u < t; u++) {
                        if (same_type(&m->types[t], &m->types[u])) {
                                in->type_ids[t] = in->type_ids[u];
                                break;
                        }
                }
        }
        in->builtins[WSBX_BUILTIN_MEMORY_GROW] = (const void *)b_memory_grow;
        in->builtins[WSBX_BUILTIN_MEMORY_FILL] = (const void *)b_memory_fill;
        in->builtins[WSBX_BUILTIN_MEMORY_COPY] = (const void *)b_memory_copy;
        in->builtins[WSBX_BUILTIN_TABLE_GROW] = (const void *)b_table_grow;
        in->builtins[WSBX_BUILTIN_RAISE] = (const void *)b_raise;
        wsbx_vmctx_header *h = HDR(in);
        h->stack_limit = wsbx_stack_limit(in->stack);
        h->epoch_ptr = &in->epoch;
        h->epoch_deadline = UINT64_MAX;
        h->builtins = in->builtins;
        h->instance = in;
        h->type_ids = in->type_ids;
        wsbx_vmctx_layout l = c->layout;
        if (m->nmemories) {
                wsbx_lerr lerr;
                const wsbx_memtype *mt = &m->memories[0];
                wsbx_memory_config cfg;
                wsbx_memory_config_default(&cfg);
                if (opts && opts->bounds_checks)
                        cfg.plan = WSBX_MEMPLAN_DYNAMIC;
                cr_assert_eq(wsbx_memory_new(&cfg, (uint32_t)mt->limits.min, mt->limits.has_max,
                                             (uint32_t)mt->limits.max, &in->mem, &lerr), 0, "%s", lerr.msg);
                wsbx_memory_def *d = wsbx_memory_def_of(in->mem);
                h->mem0 = d;
                h->mem0_base = d->base;
                *(wsbx_memory_def **)(in->vmctx + l.memories) = d;
                for (uint32_t i = 0; i < m->ndatas; i++) {
                        const wsbx_data *ds = &m->datas[i];
                        if (ds->mode == WSBX_SEG_ACTIVE)
                                memcpy(d->base + ds->offset.u.i32, m->bytes + ds->data_offset, ds->size);
                }
        }
        for (uint32_t f = 0; f < m->nfuncs; f++) {
                wsbx_funcref *r = funcref(in, f);
                uint32_t t = m->func_types[f];
                r->type_id = in->type_ids[t];
                if (f < m->nimported_funcs) {
                        const wsbx_import *im = NULL;
                        for (uint32_t q = 0, nf = 0; q < m->nimports; q++) {
                                if (m->imports[q].kind == WSBX_EXTERN_FUNC && nf++ == f)
                                        im = &m->imports[q];
                        }
                        cr_assert(im);
                        r->wasm_code = in->code + c->host_offset[t];
                        r->array_code = im->name.len == 3 ? host_add : host_swap;
                        r->vmctx = (struct wsbx_vmctx *)in->vmctx;
                } else {
                        uint32_t d = f - m->nimported_funcs;
                        r->wasm_code = in->code + c->func_offset[d];
                        r->array_code = c->entry_offset[d] == WSBX_ART_NONE
                                                ? NULL
                                                : (wsbx_array_fn)(void *)(in->code + c->entry_offset[d]);
                        r->vmctx = (struct wsbx_vmctx *)in->vmctx;
                }
        }
        for (uint32_t t = 0; t < m->ntables; t++) {
                uint64_t n = m->tables[t].limits.min;
                in->tables[t].elems = calloc(n ? n : 1, sizeof(void *));
                in->tables[t].size = n;
                /* No lazy elements here: null funcrefs as stored (abi.h). */
                for (uint64_t z = 0; m->tables[t].elem == WSBX_FUNCREF && z < n; z++)
                        in->tables[t].elems[z] = (void *)(uintptr_t)WSBX_TABLE_NULL_FUNCREF;
                *(wsbx_table_def **)(in->vmctx + l.tables + 8 * t) = &in->tables[t];
        }
        for (uint32_t i = 0; i < m->nelems; i++) {
                const wsbx_elem *e = &m->elems[i];
                if (e->mode != WSBX_SEG_ACTIVE)
                        continue;
                for (uint32_t q = 0; q < e->count; q++) {
                        if (e->items[q].op == WSBX_CONST_REF_FUNC)
                                in->tables[e->table].elems[e->offset.u.i32 + q] = funcref(in, e->items[q].u.index);
                }
        }
        for (uint32_t g = m->nimported_globals; g < m->nglobals; g++) {
                const wsbx_constexpr *e = &m->globals[g - m->nimported_globals].init;
                memcpy(in->vmctx + l.defined_globals + 16 * (g - m->nimported_globals), &e->u.i64, 8);
        }
        return in;
}

static inst *inst_new(const char *wat)
{
        wsbx_compile_opts o = { 0 };
        return inst_new_opts(wat, &o);
}

static void inst_delete(inst *in)
{
        wsbx_code_unregister(in->reg);
        munmap(in->code, (in->c->code_len + 4095) & ~(size_t)4095);
        wsbx_stack_delete(in->stack);
        wsbx_memory_delete(in->mem);
        for (unsigned t = 0; t < 4; t++)
                free(in->tables[t].elems);
        free(in->vmctx);
        free(in->type_ids);
        free(in->funcs);
        wsbx_compiled_delete(in->c);
        wsbx_module_delete(in->m);
        free(in);
}

/* Calls export `name` with vals (in and out); returns the trap kind. */
static int call(inst *in, const char *name, wsbx_val_raw *vals, uint32_t n)
{
        const wsbx_module *m = in->m;
        for (uint32_t i = 0; i < m->nexports; i++) {
                const wsbx_export *e = &m->exports[i];
                if (e->kind != WSBX_EXTERN_FUNC || e->name.len != strlen(name) ||
                    memcmp(e->name.ptr, name, e->name.len))
                        continue;
                wsbx_funcref *r = funcref(in, e->index);
                wsbx_trap_info ti;
                int rc = wsbx_call_guarded(in->stack, r->array_code, (struct wsbx_vmctx *)in->vmctx, NULL,
                                           vals, n, &ti);
                cr_assert_geq(rc, 0, "call failed: %d", rc);
                return rc;
        }
        cr_assert_fail("no export %s", name);
        return -1;
}

static uint64_t call2(inst *in, const char *name, uint64_t a, uint64_t b)
{
        wsbx_val_raw v[4] = { 0 };
        v[0].i64 = a;
        v[1].i64 = b;
        int rc = call(in, name, v, 4);
        cr_assert_eq(rc, 0, "%s(%llu, %llu) trapped: %s", name, (unsigned long long)a,
                     (unsigned long long)b, wsbx_trap_message((wsbx_trap)rc));
        return v[0].i64;
}

static int trap2(inst *in, const char *name, uint64_t a, uint64_t b)
{
        wsbx_val_raw v[4] = { 0 };
        v[0].i64 = a;
        v[1].i64 = b;
        return call(in, name, v, 4);
}

/* ---- tests ---- */

Test(compile, arithmetic)
{
        inst *in = inst_new("(module"
                            " (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)"
                            " (func (export \"addk\") (param i32 i32) (result i32) local.get 0 i32.const 5 i32.add)"
                            " (func (export \"sub\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.sub)"
                            " (func (export \"mul64\") (param i64 i64) (result i64) local.get 0 local.get 1 i64.mul)"
                            " (func (export \"shl\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.shl)"
                            " (func (export \"shr_s64\") (param i64 i64) (result i64) local.get 0 local.get 1 i64.shr_s)"
                            " (func (export \"rotl\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rotl)"
                            " (func (export \"clz\") (param i32 i32) (result i32) local.get 0 i32.clz)"
                            " (func (export \"ctz64\") (param i64 i64) (result i64) local.get 0 i64.ctz)"
                            " (func (export \"popcnt\") (param i32 i32) (result i32) local.get 0 i32.popcnt)"
                            " (func (export \"lt_s\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.lt_s)"
                            " (func (export \"geu64\") (param i64 i64) (result i32) local.get 0 local.get 1 i64.ge_u)"
                            " (func (export \"eqz\") (param i32 i32) (result i32) local.get 0 i32.eqz)"
                            " (func (export \"ext8\") (param i32 i32) (result i32) local.get 0 i32.extend8_s)"
                            " (func (export \"extu\") (param i32 i32) (result i64) local.get 0 i64.extend_i32_u)"
                            " (func (export \"exts\") (param i32 i32) (result i64) local.get 0 i64.extend_i32_s)"
                            " (func (export \"wrap\") (param i64 i64) (result i32) local.get 0 i32.wrap_i64)"
                            " (func (export \"sel\") (param i32 i32) (result i32) i32.const 10 i32.const 20 local.get 0 select)"
                            " (func (export \"fold\") (param i32 i32) (result i32) i32.const 6 i32.const 7 i32.mul i32.const 1 i32.sub)"
                            ")");
        cr_expect_eq(call2(in, "add", 2, 3), 5);
        cr_expect_eq(call2(in, "add", 0xffffffff, 2), 1);
        cr_expect_eq(call2(in, "addk", 10, 0), 15);
        cr_expect_eq(call2(in, "sub", 3, 5), 0xfffffffe);
        cr_expect_eq(call2(in, "mul64", 0x100000000ull, 3), 0x300000000ull);
        cr_expect_eq(call2(in, "shl", 1, 33), 2);
        cr_expect_eq(call2(in, "shr_s64", (uint64_t)-16, 2), (uint64_t)-4);
        cr_expect_eq(call2(in, "rotl", 0x80000001u, 1), 3);
        cr_expect_eq(call2(in, "clz", 1, 0), 31);
        cr_expect_eq(call2(in, "clz", 0, 0), 32);
        cr_expect_eq(call2(in, "ctz64", 0, 0), 64);
        cr_expect_eq(call2(in, "ctz64", 0x100, 0), 8);
        cr_expect_eq(call2(in, "popcnt", 0xff00ff, 0), 16);
        cr_expect_eq(call2(in, "lt_s", (uint32_t)-1, 0), 1);
        cr_expect_eq(call2(in, "lt_s", 1, 0), 0);
        cr_expect_eq(call2(in, "geu64", (uint64_t)-1, 0), 1);
        cr_expect_eq(call2(in, "eqz", 0, 0), 1);
        cr_expect_eq(call2(in, "eqz", 7, 0), 0);
        cr_expect_eq(call2(in, "ext8", 0x80, 0), 0xffffff80u);
        cr_expect_eq(call2(in, "extu", 0xffffffffu, 0), 0xffffffffull);
        cr_expect_eq(call2(in, "exts", 0xffffffffu, 0), (uint64_t)-1);
        cr_expect_eq(call2(in, "wrap", 0x123456789ull, 0), 0x23456789u);
        cr_expect_eq(call2(in, "sel", 1, 0), 10);
        cr_expect_eq(call2(in, "sel", 0, 0), 20);
        cr_expect_eq(call2(in, "fold", 0, 0), 41);
        inst_delete(in);
}

Test(compile, division_and_traps)
{
        inst *in = inst_new("(module"
                            " (func (export \"div_s\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)"
                            " (func (export \"div_u\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_u)"
                            " (func (export \"rem_s\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_s)"
                            " (func (export \"rem_u64\") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_u)"
                            " (func (export \"div_s64\") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s)"
                            " (func (export \"unr\") (param i32 i32) (result i32) unreachable)"
                            ")");
        cr_expect_eq(call2(in, "div_s", (uint32_t)-7, 2), (uint32_t)-3);
        cr_expect_eq(call2(in, "div_u", (uint32_t)-7, 2), 0x7ffffffcu);
        cr_expect_eq(call2(in, "rem_s", (uint32_t)-7, 2), (uint32_t)-1);
        cr_expect_eq(call2(in, "rem_s", 0x80000000u, (uint32_t)-1), 0);
        cr_expect_eq(call2(in, "rem_u64", 100, 7), 2);
        cr_expect_eq(call2(in, "div_s64", (uint64_t)-100, 7), (uint64_t)-14);
        cr_expect_eq(trap2(in, "div_s", 1, 0), WSBX_TRAP_INT_DIV_ZERO);
        cr_expect_eq(trap2(in, "div_s", 0x80000000u, (uint32_t)-1), WSBX_TRAP_INT_OVERFLOW);
        cr_expect_eq(trap2(in, "div_s64", 1ull << 63, (uint64_t)-1), WSBX_TRAP_INT_OVERFLOW);
        cr_expect_eq(trap2(in, "rem_u64", 1, 0), WSBX_TRAP_INT_DIV_ZERO);
        cr_expect_eq(trap2(in, "unr", 0, 0), WSBX_TRAP_UNREACHABLE);
        /* Still usable after traps. */
        cr_expect_eq(call2(in, "div_u", 9, 3), 3);
        inst_delete(in);
}

static const char *control_wat =
        "(module"
        " (func $fac (export \"fac\") (param i64 i64) (result i64)"
        "  (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))"
        "   (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)) (i64.const 0))))))"
        " (func (export \"loop\") (param i32 i32) (result i32) (local i32)"
        "  (block $out (loop $l"
        "   (br_if $out (i32.ge_u (local.get 2) (local.get 0)))"
        "   (local.set 1 (i32.add (local.get 1) (local.get 2)))"
        "   (local.set 2 (i32.add (local.get 2) (i32.const 1)))"
        "   (br $l)))"
        "  (local.get 1))"
        " (func (export \"table\") (param i32 i32) (result i32)"
        "  (block $d (block $c (block $b (block $a"
        "   (br_table $a $b $c $d (local.get 0)))"
        "   (return (i32.const 100)))"
        "   (return (i32.const 101)))"
        "   (return (i32.const 102)))"
        "  (i32.const 103))"
        " (func (export \"brval\") (param i32 i32) (result i32)"
        "  (i32.add (i32.const 1) (block (result i32) (br_if 0 (i32.const 7) (local.get 0)) (drop) (i32.const 9))))"
        " (func $pair (param i32) (result i64 i32) (i64.extend_i32_u (i32.mul (local.get 0) (i32.const 2))) (local.get 0))"
        " (func (export \"multi\") (param i32 i32) (result i64)"
        "  (call $pair (local.get 0)) (i64.extend_i32_u) (i64.add))"
        " (func (export \"mblock\") (param i32 i32) (result i32)"
        "  (local.get 0) (local.get 1)"
        "  (block (param i32 i32) (result i32 i32) (br_if 0 (local.get 0)) (i32.add) (i32.const 1))"
        "  (i32.sub))"
        " (func (export \"deep\") (param i32 i32) (result i32)"
        "  (if (result i32) (local.get 0) (then (call $deep2 (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 0))))"
        " (func $deep2 (param i32) (result i32)"
        "  (if (result i32) (local.get 0) (then (i32.add (i32.const 1) (call $deep2 (i32.sub (local.get 0) (i32.const 1))))) (else (i32.const 0))))"
        " (func $many (param i32 i64 i32 i64 i32 i64 i32 i64) (result i64)"
        "  (i64.add (i64.extend_i32_u (local.get 6)) (local.get 7)))"
        " (func (export \"stackargs\") (param i32 i32) (result i64)"
        "  (call $many (i32.const 1) (i64.const 2) (i32.const 3) (i64.const 4) (i32.const 5) (i64.const 6)"
        "   (local.get 0) (i64.const 1000)))"
        ")";

Test(compile, control_flow_and_calls)
{
        inst *in = inst_new(control_wat);
        cr_expect_eq(call2(in, "fac", 10, 0), 3628800);
        cr_expect_eq(call2(in, "loop", 10, 0), 45);
        cr_expect_eq(call2(in, "table", 0, 0), 100);
        cr_expect_eq(call2(in, "table", 2, 0), 102);
        cr_expect_eq(call2(in, "table", 3, 0), 103);
        cr_expect_eq(call2(in, "table", 99, 0), 103);
        cr_expect_eq(call2(in, "brval", 1, 0), 8);
        cr_expect_eq(call2(in, "brval", 0, 0), 10);
        cr_expect_eq(call2(in, "multi", 21, 0), 63);
        cr_expect_eq(call2(in, "mblock", 5, 3), 2);
        cr_expect_eq(call2(in, "mblock", 0, 3), 2);
        cr_expect_eq(call2(in, "deep", 1000, 0), 999);
        cr_expect_eq(call2(in, "stackargs", 7, 0), 1007);
        cr_expect_eq(trap2(in, "deep", 10000000, 0), WSBX_TRAP_STACK_OVERFLOW);
        inst_delete(in);
}

static const char *memory_wat =
        "(module (memory 1 3) (data (i32.const 16) \"\\01\\02\\03\\04\\05\\06\\07\\08\")"
        " (func (export \"ld\") (param i32 i32) (result i32) (i32.load (local.get 0)))"
        " (func (export \"ld8s\") (param i32 i32) (result i32) (i32.load8_s offset=3 (local.get 0)))"
        " (func (export \"ld16u64\") (param i32 i32) (result i64) (i64.load16_u (local.get 0)))"
        " (func (export \"ldk\") (param i32 i32) (result i64) (i64.load (i32.const 16)))"
        " (func (export \"ldbig\") (param i32 i32) (result i32) (i32.load offset=0xffffff00 (local.get 0)))"
        " (func (export \"st\") (param i32 i32) (result i32) (i32.store8 (local.get 0) (local.get 1)) (i32.load (local.get 0)))"
        " (func (export \"st64\") (param i32 i32) (result i64) (i64.store (local.get 0) (i64.const 0x123456789a)) (i64.load (local.get 0)))"
        " (func (export \"size\") (param i32 i32) (result i32) (memory.size))"
        " (func (export \"grow\") (param i32 i32) (result i32) (memory.grow (local.get 0)))"
        " (func (export \"fill\") (param i32 i32) (result i32) (memory.fill (local.get 0) (i32.const 0xab) (local.get 1)) (i32.load8_u (local.get 0)))"
        ")";

static void memory_checks(inst *in)
{
        cr_expect_eq(call2(in, "ld", 16, 0), 0x04030201);
        cr_expect_eq(call2(in, "ld8s", 16, 0), 4);
        cr_expect_eq(call2(in, "ld16u64", 22, 0), 0x0807);
        cr_expect_eq(call2(in, "ldk", 0, 0), 0x0807060504030201ull);
        cr_expect_eq(call2(in, "st", 100, 0x1ff), 0xff);
        cr_expect_eq(call2(in, "st64", 200, 0), 0x123456789aull);
        cr_expect_eq(call2(in, "size", 0, 0), 1);
        cr_expect_eq(trap2(in, "ld", 65533, 0), WSBX_TRAP_MEMORY_OOB);
        cr_expect_eq(trap2(in, "ld", 0xfffffff0u, 0), WSBX_TRAP_MEMORY_OOB);
        cr_expect_eq(trap2(in, "ldbig", 0x1000, 0), WSBX_TRAP_MEMORY_OOB);
        cr_expect_eq(call2(in, "ld", 65532, 0), 0);
        cr_expect_eq(call2(in, "grow", 1, 0), 1);
        cr_expect_eq(call2(in, "size", 0, 0), 2);
        cr_expect_eq(call2(in, "ld", 65533, 0), 0);
        cr_expect_eq(call2(in, "grow", 5, 0), 0xffffffffu);
        cr_expect_eq(call2(in, "fill", 1000, 10), 0xab);
        cr_expect_eq(trap2(in, "fill", 1000, 0x7fffffff), WSBX_TRAP_MEMORY_OOB);
}

Test(compile, memory_static_plan)
{
        inst *in = inst_new(memory_wat);
        memory_checks(in);
        inst_delete(in);
}

Test(compile, memory_bounds_checks)
{
        wsbx_compile_opts o = { .bounds_checks = true };
        inst *in = inst_new_opts(memory_wat, &o);
        memory_checks(in);
        inst_delete(in);
}

Test(compile, indirect_calls_globals_host)
{
        inst *in = inst_new(
                "(module"
                " (import \"env\" \"add\" (func $add (param i32 i32) (result i32)))"
                " (import \"env\" \"swap\" (func $swap (param i32 i64) (result i64 i32)))"
                " (type $ii (func (param i32) (result i32)))"
                " (table 4 funcref) (elem (i32.const 0) $inc $dbl $other)"
                " (global $g (mut i64) (i64.const 40))"
                " (global $k i32 (i32.const 7))"
                " (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))"
                " (func $dbl (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))"
                " (func $other (param i64) (result i64) (local.get 0))"
                " (func (export \"ci\") (param i32 i32) (result i32) (call_indirect (type $ii) (local.get 1) (local.get 0)))"
                " (func (export \"glob\") (param i32 i32) (result i64)"
                "  (global.set $g (i64.add (global.get $g) (i64.extend_i32_u (global.get $k)))) (global.get $g))"
                " (func (export \"host\") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))"
                " (func (export \"hswap\") (param i32 i32) (result i64)"
                "  (call $swap (local.get 0) (i64.const 0x500000000)) (i64.extend_i32_u) (i64.add))"
                " (func (export \"tget\") (param i32 i32) (result i32) (ref.is_null (table.get 0 (local.get 0))))"
                " (func (export \"tsize\") (param i32 i32) (result i32) (table.size 0))"
                ")");
        cr_expect_eq(call2(in, "ci", 0, 5), 6);
        cr_expect_eq(call2(in, "ci", 1, 5), 10);
        cr_expect_eq(trap2(in, "ci", 2, 5), WSBX_TRAP_INDIRECT_CALL_TYPE);
        cr_expect_eq(trap2(in, "ci", 3, 5), WSBX_TRAP_UNINITIALIZED_ELEMENT);
        cr_expect_eq(trap2(in, "ci", 4, 5), WSBX_TRAP_UNDEFINED_ELEMENT);
        cr_expect_eq(call2(in, "glob", 0, 0), 47);
        cr_expect_eq(call2(in, "glob", 0, 0), 54);
        cr_expect_eq(call2(in, "host", 20, 22), 42);
        cr_expect_eq(call2(in, "hswap", 3, 0), 0x500000003ull);
        cr_expect_eq(in->host_calls, 2);
        cr_expect_eq(call2(in, "tget", 0, 0), 0);
        cr_expect_eq(call2(in, "tget", 3, 0), 1);
        cr_expect_eq(trap2(in, "tget", 4, 0), WSBX_TRAP_TABLE_OOB);
        cr_expect_eq(call2(in, "tsize", 0, 0), 4);
        inst_delete(in);
}

Test(compile, epoch_interrupts_loops)
{
        wsbx_compile_opts o = { .epoch = true };
        inst *in = inst_new_opts("(module (func (export \"spin\") (param i32 i32) (result i32)"
                                 " (loop $l (br $l)) (i32.const 0)))", &o);
        HDR(in)->epoch_deadline = 0;
        cr_expect_eq(trap2(in, "spin", 0, 0), WSBX_TRAP_INTERRUPTED);
        cr_expect_eq(in->c->settings & WSBX_ART_SET_EPOCH, WSBX_ART_SET_EPOCH);
        inst_delete(in);
}

Test(compile, records_and_threads_agree)
{
        wsbx_module *m;
        wsbx_error err;
        cr_assert_eq(wsbx_module_load((const uint8_t *)control_wat, strlen(control_wat), NULL, &m, &err),
                     WSBX_OK);
        wsbx_compile_opts o1 = { .threads = 1, .cpu_features = WSBX_CPU_BASELINE };
        wsbx_compile_opts o4 = { .threads = 4, .cpu_features = WSBX_CPU_BASELINE };
        wsbx_compiled *a, *b;
        cr_assert_eq(wsbx_compile_module(m, &o1, &a, &err), WSBX_OK);
        cr_assert_eq(wsbx_compile_module(m, &o4, &b, &err), WSBX_OK);
        cr_expect_eq(a->code_len, b->code_len);
        cr_expect(!memcmp(a->code, b->code, a->code_len));
        cr_expect_eq(a->cpu_features & ~(uint64_t)WSBX_CPU_BASELINE, 0);
        for (uint32_t i = 1; i < a->ntraps; i++)
                cr_expect_leq(a->traps[i - 1].code_offset, a->traps[i].code_offset);
        /* Every trap site has an address-map entry at the same offset. */
        uint32_t k = 0;
        for (uint32_t i = 0; i < a->ntraps; i++) {
                while (k < a->naddrs && a->addrs[k].code_offset < a->traps[i].code_offset)
                        k++;
                cr_expect(k < a->naddrs && a->addrs[k].code_offset == a->traps[i].code_offset);
        }
        for (uint32_t i = 0; i < a->nfuncs; i++)
                cr_expect_eq(a->func_offset[i] % 16, 0);
        wsbx_compiled_delete(a);
        wsbx_compiled_delete(b);
        wsbx_module_delete(m);
}

Test(compile, unsupported_is_reported)
{
        const char *wat = "(module (func (param f32) (result f32) local.get 0 f32.sqrt))";
        wsbx_module *m;
        wsbx_error err;
        cr_assert_eq(wsbx_module_load((const uint8_t *)wat, strlen(wat), NULL, &m, &err), WSBX_OK);
        wsbx_compiled *c;
        wsbx_errkind k = wsbx_compile_module(m, NULL, &c, &err);
        if (k == WSBX_OK) {
                wsbx_compiled_delete(c); /* the float code has landed */
        } else {
                cr_expect_eq(k, WSBX_ERR_LIMIT);
                cr_expect_str_eq(err.msg, "not supported yet: f32.sqrt");
        }
        wsbx_module_delete(m);
}

/* Every module of the spec suite compiles, or names the instruction it
 * does not support yet. */
Test(compile, spec_modules, .timeout = 300)
{
        const char *dir = getenv("WSBX_TESTSUITE");
        if (!dir)
                dir = "../../shared/testsuite-2.0";
        DIR *d = opendir(dir);
        if (!d)
                d = opendir(dir = "/work/shared/testsuite-2.0");
        if (!d)
                cr_skip_test("no spec test suite at %s", dir);
        struct dirent *de;
        unsigned ok = 0, unsup = 0;
        while ((de = readdir(d))) {
                size_t n = strlen(de->d_name);
                if (n < 6 || strcmp(de->d_name + n - 5, ".wast"))
                        continue;
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
                FILE *f = fopen(path, "rb");
                cr_assert(f);
                fseek(f, 0, SEEK_END);
                long len = ftell(f);
                fseek(f, 0, SEEK_SET);
                char *text = malloc((size_t)len + 1);
                cr_assert_eq(fread(text, 1, (size_t)len, f), (size_t)len);
                fclose(f);
                wsbx_script *s;
                wsbx_error err;
                cr_assert_eq(wsbx_script_parse(text, (size_t)len, &s, &err), WSBX_OK);
                for (uint32_t k = 0; k < s->ncmds; k++) {
                        const wsbx_command *cmd = &s->cmds[k];
                        if (cmd->kind != WSBX_CMD_MODULE || !cmd->module || !cmd->module->bytes ||
                            cmd->module->form == WSBX_MODFORM_QUOTE)
                                continue;
                        wsbx_module *m;
                        if (wsbx_module_decode(cmd->module->bytes, cmd->module->len, NULL, &m, &err) != WSBX_OK)
                                continue;
                        wsbx_compiled *c;
                        wsbx_compile_opts o = { .threads = 1 };
                        if (wsbx_compile_module(m, &o, &c, &err) == WSBX_OK) {
                                ok++;
                                wsbx_compiled_delete(c);
                        } else {
                                cr_expect(!strncmp(err.msg, "not supported yet: ", 19), "%s:%u: %s",
                                          de->d_name, cmd->line, err.msg);
                                unsup++;
                        }
                        wsbx_module_delete(m);
                }
                wsbx_script_delete(s);
                free(text);
        }
        closedir(d);
        cr_expect_gt(ok, 500, "only %u modules compiled (%u not supported)", ok, unsup);
        cr_log_info("spec modules: %u compiled, %u not supported yet", ok, unsup);
}
