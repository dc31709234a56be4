/* test_compile_simd.c - the SIMD code generator, end to end.
 *
 * Modules are compiled, instantiated by hand as abi.h lays a vmctx out
 * (memory 0 from the loader, tables, globals incl. v128 ones, funcrefs)
 * and their exports called through the entry trampolines with
 * wsbx_call_guarded, so traps come back as trap kinds.
 *
 * The main test runs every simd_*.wast script of the spec suite the way
 * `wsbx wast` does for single-module scripts: each module command
 * instantiates, each assert_return / assert_trap on it is invoked and its
 * results checked with wsbx_result_matches. Modules with imports are
 * skipped (simd_linking.wast). Every script runs twice: with the CPU
 * features pinned to the x86-64-v2 floor (legacy SSE encodings) and with
 * this CPU's features (VEX encodings where AVX is present).
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
        size_t code_map;
        wsbx_code_reg *reg;
        wsbx_code_func *funcs;
        uint8_t *vmctx;
        wsbx_memory *mem;
        wsbx_table_def tables[4];
        wsbx_stack *stack;
        uint64_t epoch;
        uint32_t *type_ids;
        const void *builtins[WSBX_BUILTIN_COUNT];
} inst;

#define HDR(i) ((wsbx_vmctx_header *)(i)->vmctx)

static wsbx_funcref *funcref(inst *in, uint32_t f)
{
        return (wsbx_funcref *)(in->vmctx + in->c->layout.funcrefs) + f;
}

static uint32_t b_memory_grow(struct wsbx_vmctx *v, uint32_t mem, uint32_t delta)
{
        (void)mem;
        inst *in = ((wsbx_vmctx_header *)v)->instance;
        int64_t r = wsbx_memory_grow(in->mem, delta);
        HDR(in)->mem0_base = wsbx_memory_def_of(in->mem)->base;
        return r < 0 ? UINT32_MAX : (uint32_t)r;
}

static void b_raise(struct wsbx_vmctx *v, uint32_t trap)
{
        (void)v;
        wsbx_trap_raise((wsbx_trap)trap);
}

static void inst_delete(inst *in)
{
        if (!in)
                return;
        if (in->reg)
                wsbx_code_unregister(in->reg);
        if (in->code)
                munmap(in->code, in->code_map);
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

/* NULL with *why set when the module cannot run here (imports) or fails
 * to compile (then *why is the compiler's message). */
static inst *inst_new(const uint8_t *bytes, size_t len, uint64_t features, bool bounds, char *why,
                      size_t whylen)
{
        wsbx_error err;
        inst *in = calloc(1, sizeof *in);
        cr_assert(in);
        if (wsbx_module_load(bytes, len, NULL, &in->m, &err) != WSBX_OK) {
                snprintf(why, whylen, "load: %s", err.msg);
                free(in);
                return NULL;
        }
        const wsbx_module *m = in->m;
        if (m->nimports || m->ntables > 4) {
                snprintf(why, whylen, "imports");
                inst_delete(in);
                return NULL;
        }
        wsbx_compile_opts o = { .cpu_features = features, .threads = 1, .bounds_checks = bounds };
        if (wsbx_compile_module(in->m, &o, &in->c, &err) != WSBX_OK) {
                snprintf(why, whylen, "compile: %s at %zu", err.msg, err.offset);
                inst_delete(in);
                return NULL;
        }
        wsbx_compiled *c = in->c;
        in->funcs = calloc(c->nfuncs + 1, sizeof *in->funcs);
        if (c->code_len) {
                in->code_map = (c->code_len + 4095) & ~(size_t)4095;
                in->code = mmap(NULL, in->code_map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                                -1, 0);
                cr_assert(in->code != MAP_FAILED);
                memcpy(in->code, c->code, c->code_len);
                cr_assert_eq(mprotect(in->code, in->code_map, PROT_READ | PROT_EXEC), 0);
                for (uint32_t i = 0; i < c->nfuncs; i++)
                        in->funcs[i] = (wsbx_code_func){ c->func_offset[i], c->func_size[i], NULL };
                wsbx_code_info info = { in->code, c->code_len, c->traps, c->ntraps, c->addrs, c->naddrs,
                                        in->funcs, c->nfuncs, in };
                cr_assert_eq(wsbx_code_register(&info, &in->reg), 0);
        }
        cr_assert_eq(wsbx_stack_new(0, 0, &in->stack), 0);
        in->vmctx = aligned_alloc(16, (c->layout.size + 15) & ~15u);
        memset(in->vmctx, 0, c->layout.size);
        in->type_ids = calloc(m->ntypes + 1, sizeof(uint32_t));
        for (uint32_t t = 0; t < m->ntypes; t++)
                in->type_ids[t] = t;
        in->builtins[WSBX_BUILTIN_MEMORY_GROW] = (const void *)b_memory_grow;
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
                if (bounds)
                        cfg.plan = WSBX_MEMPLAN_DYNAMIC;
                cr_assert_eq(wsbx_memory_new(&cfg, (uint32_t)mt->limits.min, mt->limits.has_max,
                                             (uint32_t)mt->limits.max, &in->mem, &lerr), 0, "%s", lerr.msg);
                wsbx_memory_def *d = wsbx_memory_def_of(in->mem);
                h->mem0 = d;
                h->mem0_base = d->base;
                *(wsbx_memory_def **)(in->vmctx + l.memories) = d;
                for (uint32_t i = 0; i < m->ndatas; i++) {
                        const wsbx_data *ds = &m->datas[i];
                        if (ds->mode == WSBX_SEG_ACTIVE && (uint64_t)ds->offset.u.i32 + ds->size <= d->size)
                                memcpy(d->base + ds->offset.u.i32, m->bytes + ds->data_offset, ds->size);
                }
        }
        for (uint32_t f = 0; f < m->nfuncs; f++) {
                wsbx_funcref *r = funcref(in, f);
                uint32_t d = f - m->nimported_funcs;
                r->type_id = in->type_ids[m->func_types[f]];
                r->wasm_code = in->code + c->func_offset[d];
                r->array_code = c->entry_offset[d] == WSBX_ART_NONE
                                        ? NULL
                                        : (wsbx_array_fn)(void *)(in->code + c->entry_offset[d]);
                r->vmctx = (struct wsbx_vmctx *)in->vmctx;
        }
        for (uint32_t t = 0; t < m->ntables; t++) {
                uint64_t n = m->tables[t].limits.min;
                in->tables[t].elems = calloc(n ? n : 1, sizeof(void *));
                in->tables[t].size = n;
                /* No lazy elements here: null funcrefs as stored (abi.h). */
                for (uint64_t k = 0; m->tables[t].elem == WSBX_FUNCREF && k < n; k++)
                        in->tables[t].elems[k] = (void *)(uintptr_t)WSBX_TABLE_NULL_FUNCREF;
                *(wsbx_table_def **)(in->vmctx + l.tables + 8 * t) = &in->tables[t];
        }
        for (uint32_t i = 0; i < m->nelems; i++) {
                const wsbx_elem *e = &m->elems[i];
                if (e->mode != WSBX_SEG_ACTIVE || e->table >= m->ntables)
                        continue;
                for (uint32_t q = 0; q < e->count; q++) {
                        uint64_t at = (uint64_t)e->offset.u.i32 + q;
                        if (e->items[q].op == WSBX_CONST_REF_FUNC && at < in->tables[e->table].size)
                                in->tables[e->table].elems[at] = funcref(in, e->items[q].u.index);
                }
        }
        for (uint32_t g = 0; g < m->nglobals; g++) {
                const wsbx_constexpr *e = &m->globals[g].init;
                memcpy(in->vmctx + l.defined_globals + 16 * g, e->u.v128,
                       m->global_types[g].type == WSBX_V128 ? 16 : 8);
        }
        return in;
}

static const wsbx_export *find_export(const inst *in, const char *name, size_t len)
{
        const wsbx_module *m = in->m;
        for (uint32_t i = 0; i < m->nexports; i++) {
                const wsbx_export *e = &m->exports[i];
                if (e->kind == WSBX_EXTERN_FUNC && e->name.len == len && !memcmp(e->name.ptr, name, len))
                        return e;
        }
        return NULL;
}

/* Calls export `name` with vals in and out; returns the trap kind (0: none). */
static int invoke(inst *in, const char *name, size_t len, wsbx_val_raw *vals, uint32_t n)
{
        const wsbx_export *e = find_export(in, name, len);
        cr_assert(e, "no export %.*s", (int)len, name);
        wsbx_trap_info ti;
        int rc = wsbx_call_guarded(in->stack, funcref(in, e->index)->array_code,
                                   (struct wsbx_vmctx *)in->vmctx, NULL, vals, n, &ti);
        cr_assert_geq(rc, 0, "call failed: %d", rc);
        return rc;
}

/* ------------------------------------------------------------------------ */
/* Spec scripts                                                             */
/* ------------------------------------------------------------------------ */

typedef struct tally {
        unsigned passed, failed, skipped, shown;
} tally;

static void report(tally *t, const char *file, uint32_t line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void report(tally *t, const char *file, uint32_t line, const char *fmt, ...)
{
        t->failed++;
        if (t->shown++ >= 40)
                return;
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        cr_log_error("%s:%u: %s", file, line, msg);
}

static void run_action(tally *t, const char *file, inst *in, const wsbx_command *cmd)
{
        const wsbx_action *act = cmd->action;
        if (act->kind != WSBX_ACTION_INVOKE || act->module.len) {
                t->skipped++;
                return;
        }
        const wsbx_export *e = find_export(in, act->field.ptr, act->field.len);
        if (!e) {
                report(t, file, cmd->line, "no export %.*s", (int)act->field.len, act->field.ptr);
                return;
        }
        const wsbx_functype *ft = &in->m->types[in->m->func_types[e->index]];
        uint32_t n = ft->nparams > ft->nresults ? ft->nparams : ft->nresults;
        wsbx_val_raw *vals = calloc(n + 1, sizeof *vals);
        for (uint32_t i = 0; i < act->nargs && i < n; i++)
                memcpy(&vals[i], &act->args[i].u, 16);
        int rc = invoke(in, act->field.ptr, act->field.len, vals, n);
        if (cmd->kind == WSBX_CMD_ASSERT_TRAP) {
                const char *msg = rc ? wsbx_trap_message((wsbx_trap)rc) : "";
                if (rc && !strncmp(msg, cmd->text.ptr, cmd->text.len))
                        t->passed++;
                else
                        report(t, file, cmd->line, "%.*s: expected trap \"%s\", got %s",
                               (int)act->field.len, act->field.ptr, cmd->text.ptr, rc ? msg : "a return");
        } else if (rc) {
                report(t, file, cmd->line, "%.*s trapped: %s", (int)act->field.len, act->field.ptr,
                       wsbx_trap_message((wsbx_trap)rc));
        } else if (cmd->kind == WSBX_CMD_ASSERT_RETURN) {
                bool ok = cmd->nresults == ft->nresults;
                char got[160] = "", want[160] = "";
                for (uint32_t i = 0; ok && i < ft->nresults; i++) {
                        wsbx_value v = { .type = ft->results[i] };
                        memcpy(&v.u, &vals[i], 16);
                        if (v.type == WSBX_I32 || v.type == WSBX_F32)
                                memset((uint8_t *)&v.u + 4, 0, 12);
                        else if (v.type != WSBX_V128)
                                memset((uint8_t *)&v.u + 8, 0, 8);
                        if (!wsbx_result_matches(&cmd->results[i], &v)) {
                                ok = false;
                                wsbx_value_format(&v, got, sizeof got);
                                wsbx_result_format(&cmd->results[i], want, sizeof want);
                        }
                }
                if (ok)
                        t->passed++;
                else
                        report(t, file, cmd->line, "%.*s: got %s, want %s", (int)act->field.len,
                               act->field.ptr, got, want);
        } else {
                t->passed++;
        }
        free(vals);
}

static void run_script(tally *t, const char *dir, const char *name, uint64_t features, bool bounds)
{
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "rb");
        cr_assert(f, "%s", path);
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *text = malloc((size_t)len + 1);
        cr_assert_eq(fread(text, 1, (size_t)len, f), (size_t)len);
        fclose(f);
        wsbx_script *s;
        wsbx_error err;
        cr_assert_eq(wsbx_script_parse(text, (size_t)len, &s, &err), WSBX_OK);
        inst *in = NULL;
        bool trace = getenv("WSBX_SIMD_TRACE") != NULL;
        for (uint32_t k = 0; k < s->ncmds; k++) {
                const wsbx_command *cmd = &s->cmds[k];
                if (trace)
                        fprintf(stderr, "%s:%u\n", name, cmd->line);
                switch (cmd->kind) {
                case WSBX_CMD_MODULE: {
                        inst_delete(in);
                        in = NULL;
                        const wsbx_script_module *sm = cmd->module;
                        if (!sm || !sm->bytes || sm->form == WSBX_MODFORM_QUOTE || sm->definition) {
                                t->skipped++;
                                break;
                        }
                        char why[640];
                        in = inst_new(sm->bytes, sm->len, features, bounds, why, sizeof why);
                        if (!in && strcmp(why, "imports"))
                                report(t, name, cmd->line, "%s", why);
                        break;
                }
                case WSBX_CMD_ACTION:
                case WSBX_CMD_ASSERT_RETURN:
                case WSBX_CMD_ASSERT_TRAP:
                        if (!cmd->action || !in)
                                t->skipped++;
                        else
                                run_action(t, name, in, cmd);
                        break;
                default:
                        break;
                }
        }
        inst_delete(in);
        wsbx_script_delete(s);
        free(text);
}

static void run_suite(uint64_t features, bool bounds)
{
        const char *dir = getenv("WSBX_TESTSUITE");
        if (!dir)
                dir = "../../shared/testsuite-2.0";
        DIR *d = opendir(dir);
        if (!d)
                d = opendir(dir = "/work/shared/testsuite-2.0");
        if (!d)
                cr_skip_test("no spec test suite at %s", dir);
        const char *only = getenv("WSBX_SIMD_ONLY");
        tally t = { 0 };
        unsigned files = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                size_t n = strlen(de->d_name);
                if (strncmp(de->d_name, "simd_", 5) || n < 6 || strcmp(de->d_name + n - 5, ".wast"))
                        continue;
                if (only && !strstr(de->d_name, only))
                        continue;
                files++;
                run_script(&t, dir, de->d_name, features, bounds);
        }
        closedir(d);
        cr_log_info("simd spec scripts (%u files, features %#llx%s): %u passed, %u failed, %u skipped", files,
                    (unsigned long long)features, bounds ? ", bounds checks" : "", t.passed, t.failed,
                    t.skipped);
        cr_expect_eq(t.failed, 0, "%u of %u assertions failed", t.failed, t.passed + t.failed);
        if (!only)
                cr_expect_gt(t.passed, 20000, "only %u assertions ran", t.passed);
}

Test(compile_simd, spec_scripts_sse42, .timeout = 600)
{
        run_suite(WSBX_CPU_BASELINE, false);
}

Test(compile_simd, spec_scripts_host, .timeout = 600)
{
        run_suite(0, false);
}

/* Explicit bounds checks instead of guard pages: the memory operands of
 * loads, stores and lane accesses go through the checked path. */
Test(compile_simd, spec_scripts_bounds_checks, .timeout = 600)
{
        run_suite(0, true);
}

/* ------------------------------------------------------------------------ */
/* Operand kinds                                                            */
/* ------------------------------------------------------------------------ */

static inst *inst_text(const char *wat, uint64_t features)
{
        char why[640];
        inst *in = inst_new((const uint8_t *)wat, strlen(wat), features, false, why, sizeof why);
        cr_assert(in, "%s", why);
        return in;
}

static void call_v(inst *in, const char *name, wsbx_val_raw *vals, uint32_t n)
{
        int rc = invoke(in, name, strlen(name), vals, n);
        cr_assert_eq(rc, 0, "%s trapped: %s", name, wsbx_trap_message((wsbx_trap)rc));
}

typedef struct strbuf {
        char *p;
        size_t len, cap;
} strbuf;

static void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(strbuf *b, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (b->len + (size_t)n + 1 > b->cap) {
                b->cap = (b->len + (size_t)n + 1) * 2;
                b->p = realloc(b->p, b->cap);
                cr_assert(b->p);
        }
        va_start(ap, fmt);
        vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
}

static const char *const shift_ops[] = {
        "i8x16.shl", "i8x16.shr_s", "i8x16.shr_u", "i16x8.shl", "i16x8.shr_s", "i16x8.shr_u",
        "i32x4.shl", "i32x4.shr_s", "i32x4.shr_u", "i64x2.shl", "i64x2.shr_s", "i64x2.shr_u",
};
static const int32_t counts[] = { 0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, -1, -8 };
static const int32_t scalars[] = { 0, 1, -1, 0x7f, 0x80, 0x1234, -0x8000, 0x7fffffff, (int32_t)0x80000000 };

static void fill_random(uint8_t *v, unsigned *seed)
{
        for (unsigned i = 0; i < 16; i++) {
                *seed = *seed * 1103515245u + 12345u;
                v[i] = (uint8_t)(*seed >> 16);
        }
}

/* A constant scalar operand (shift count, splat or lane value) takes
 * other code paths than one in a register: both must agree. */
static void operand_kinds(uint64_t features)
{
        strbuf b = { 0 };
        sb_printf(&b, "(module\n");
        for (unsigned o = 0; o < sizeof shift_ops / sizeof *shift_ops; o++) {
                sb_printf(&b, "(func (export \"v%u\") (param v128 i32) (result v128) (%s (local.get 0) (local.get 1)))\n",
                          o, shift_ops[o]);
                for (unsigned k = 0; k < sizeof counts / sizeof *counts; k++)
                        sb_printf(&b, "(func (export \"k%u_%u\") (param v128) (result v128) (%s (local.get 0) (i32.const %d)))\n",
                                  o, k, shift_ops[o], counts[k]);
        }
        static const char *const splats[] = { "i8x16.splat", "i16x8.splat", "i32x4.splat" };
        static const char *const lanes[] = { "i8x16.replace_lane 5", "i16x8.replace_lane 7",
                                             "i32x4.replace_lane 2" };
        for (unsigned o = 0; o < 3; o++) {
                sb_printf(&b, "(func (export \"sv%u\") (param v128 i32) (result v128) (%s (local.get 1)))\n", o, splats[o]);
                sb_printf(&b, "(func (export \"rv%u\") (param v128 i32) (result v128) (%s (local.get 0) (local.get 1)))\n",
                          o, lanes[o]);
                for (unsigned k = 0; k < sizeof scalars / sizeof *scalars; k++) {
                        sb_printf(&b, "(func (export \"sk%u_%u\") (param v128) (result v128) (%s (i32.const %d)))\n", o, k,
                                  splats[o], scalars[k]);
                        sb_printf(&b, "(func (export \"rk%u_%u\") (param v128) (result v128) (%s (local.get 0) (i32.const %d)))\n",
                                  o, k, lanes[o], scalars[k]);
                }
        }
        sb_printf(&b, ")");
        inst *in = inst_text(b.p, features);
        unsigned seed = 12345;
        char name[32];
        for (unsigned trial = 0; trial < 4; trial++) {
                uint8_t v[16];
                fill_random(v, &seed);
                for (unsigned o = 0; o < sizeof shift_ops / sizeof *shift_ops; o++) {
                        for (unsigned k = 0; k < sizeof counts / sizeof *counts; k++) {
                                wsbx_val_raw x[2] = { 0 }, y[2] = { 0 };
                                memcpy(x[0].v128, v, 16);
                                x[1].i32 = (uint32_t)counts[k];
                                memcpy(y[0].v128, v, 16);
                                snprintf(name, sizeof name, "v%u", o);
                                call_v(in, name, x, 2);
                                snprintf(name, sizeof name, "k%u_%u", o, k);
                                call_v(in, name, y, 1);
                                cr_expect(!memcmp(x[0].v128, y[0].v128, 16), "%s by %d: constant and variable counts differ",
                                          shift_ops[o], counts[k]);
                        }
                }
                for (unsigned o = 0; o < 3; o++) {
                        for (unsigned k = 0; k < sizeof scalars / sizeof *scalars; k++) {
                                const char *pre[2][2] = { { "sv", "sk" }, { "rv", "rk" } };
                                for (unsigned w = 0; w < 2; w++) {
                                        wsbx_val_raw x[2] = { 0 }, y[2] = { 0 };
                                        memcpy(x[0].v128, v, 16);
                                        memcpy(y[0].v128, v, 16);
                                        x[1].i32 = (uint32_t)scalars[k];
                                        snprintf(name, sizeof name, "%s%u", pre[w][0], o);
                                        call_v(in, name, x, 2);
                                        snprintf(name, sizeof name, "%s%u_%u", pre[w][1], o, k);
                                        call_v(in, name, y, 1);
                                        cr_expect(!memcmp(x[0].v128, y[0].v128, 16), "%s %d: constant and variable differ",
                                                  w ? lanes[o] : splats[o], scalars[k]);
                                }
                        }
                }
        }
        /* Spot checks against values worked out by hand. */
        wsbx_val_raw r[2] = { 0 };
        memset(r[0].v128, 0x81, 16);
        call_v(in, "k0_2", r, 1); /* i8x16.shl by 3 */
        cr_expect_eq(r[0].v128[0], 0x08);
        memset(r[0].v128, 0x81, 16);
        call_v(in, "k1_2", r, 1); /* i8x16.shr_s by 3 */
        cr_expect_eq(r[0].v128[15], 0xf0);
        memset(r[0].v128, 0x81, 16);
        call_v(in, "k2_5", r, 1); /* i8x16.shr_u by 9 = 1 */
        cr_expect_eq(r[0].v128[7], 0x40);
        memset(r[0].v128, 0x80, 16);
        call_v(in, "k10_12", r, 1); /* i64x2.shr_s by 63 */
        cr_expect_eq(r[0].i64, UINT64_MAX);
        inst_delete(in);
        free(b.p);
}

Test(compile_simd, operand_kinds_sse42)
{
        operand_kinds(WSBX_CPU_BASELINE);
}

Test(compile_simd, operand_kinds_host)
{
        operand_kinds(0);
}

/* More live v128 values than registers: the oldest spill to their slots
 * and come back as operands. The sum of k * a for k = 1..20 is 210 * a. */
static void spills(uint64_t features)
{
        strbuf b = { 0 };
        sb_printf(&b, "(module (func (export \"f\") (param v128) (result v128)\n");
        for (int k = 1; k <= 20; k++)
                sb_printf(&b, " (i32x4.mul (local.get 0) (i32x4.splat (i32.const %d)))\n", k);
        for (int k = 1; k < 20; k++)
                sb_printf(&b, " (i32x4.add)");
        sb_printf(&b, ")\n (func (export \"g\") (param v128 v128) (result v128)\n");
        /* Shuffles, bitselect and min/max with operands from slots. */
        for (int k = 0; k < 16; k++)
                sb_printf(&b, " (i8x16.add (local.get 0) (i8x16.splat (i32.const %d)))\n", k);
        sb_printf(&b, " (v128.bitselect (local.get 0) (local.get 1) (v128.const i64x2 -1 0))"
                      " (i8x16.shuffle 16 1 18 3 20 5 22 7 24 9 26 11 28 13 30 15)");
        for (int k = 0; k < 15; k++)
                sb_printf(&b, " (i8x16.max_u)");
        sb_printf(&b, "))");
        inst *in = inst_text(b.p, features);
        wsbx_val_raw r[2] = { 0 };
        uint32_t a[4] = { 1, 2, 3, 0x10000000 };
        memcpy(r[0].v128, a, 16);
        call_v(in, "f", r, 1);
        uint32_t out[4];
        memcpy(out, r[0].v128, 16);
        for (unsigned i = 0; i < 4; i++)
                cr_expect_eq(out[i], a[i] * 210u, "lane %u: %#x", i, out[i]);
        uint8_t x[16], y[16];
        for (unsigned i = 0; i < 16; i++) {
                x[i] = (uint8_t)(i * 3);
                y[i] = (uint8_t)(200 + i);
        }
        memcpy(r[0].v128, x, 16);
        memcpy(r[1].v128, y, 16);
        call_v(in, "g", r, 2);
        for (unsigned i = 0; i < 16; i++) {
                /* bitselect takes x in the low half, y in the high; the
                 * shuffle then takes even lanes from that, odd lanes from
                 * x + 15; max_u over x + 0..14 and that. */
                uint8_t sel = i < 8 ? x[i] : y[i];
                uint8_t shuf = i & 1 ? (uint8_t)(x[i] + 15) : sel;
                uint8_t want = 0;
                for (unsigned k = 0; k < 15; k++)
                        want = (uint8_t)(x[i] + k) > want ? (uint8_t)(x[i] + k) : want;
                want = shuf > want ? shuf : want;
                cr_expect_eq(r[0].v128[i], want, "lane %u: %u, want %u", i, r[0].v128[i], want);
        }
        inst_delete(in);
        free(b.p);
}

Test(compile_simd, spills_sse42)
{
        spills(WSBX_CPU_BASELINE);
}

Test(compile_simd, spills_host)
{
        spills(0);
}

/* any_true/all_true set the flags; a following if or br_if branches on
 * them without making a 0/1 value. */
Test(compile_simd, fused_branches)
{
        inst *in = inst_text("(module"
                             " (func (export \"any\") (param v128) (result i32)"
                             "  (if (result i32) (v128.any_true (local.get 0)) (then (i32.const 7)) (else (i32.const 9))))"
                             " (func (export \"all\") (param v128) (result i32)"
                             "  (block (br_if 0 (i16x8.all_true (local.get 0))) (return (i32.const 3))) (i32.const 4))"
                             " (func (export \"all64\") (param v128) (result i32) (i64x2.all_true (local.get 0))))",
                             0);
        wsbx_val_raw r[1] = { 0 };
        call_v(in, "any", r, 1);
        cr_expect_eq(r[0].i32, 9);
        memset(r, 0, sizeof r);
        r[0].v128[13] = 1;
        call_v(in, "any", r, 1);
        cr_expect_eq(r[0].i32, 7);
        memset(r[0].v128, 1, 16);
        call_v(in, "all", r, 1);
        cr_expect_eq(r[0].i32, 4);
        memset(r[0].v128, 1, 16);
        r[0].v128[6] = r[0].v128[7] = 0;
        call_v(in, "all", r, 1);
        cr_expect_eq(r[0].i32, 3);
        memset(r[0].v128, 0, 16);
        r[0].v128[0] = r[0].v128[15] = 1;
        call_v(in, "all64", r, 1);
        cr_expect_eq(r[0].i32, 1);
        r[0].v128[15] = 0;
        call_v(in, "all64", r, 1);
        cr_expect_eq(r[0].i32, 0);
        inst_delete(in);
}

/* The artifact records the features its code uses: none beyond the floor
 * when pinned there, AVX when the VEX forms were chosen. */
Test(compile_simd, used_features)
{
        const char *wat = "(module (func (param v128 v128) (result v128)"
                          " (f32x4.min (i16x8.q15mulr_sat_s (local.get 0) (local.get 1)) (local.get 1))))";
        wsbx_module *m;
        wsbx_error err;
        cr_assert_eq(wsbx_module_load((const uint8_t *)wat, strlen(wat), NULL, &m, &err), WSBX_OK, "%s", err.msg);
        wsbx_compile_opts o = { .cpu_features = WSBX_CPU_BASELINE, .threads = 1 };
        wsbx_compiled *c;
        cr_assert_eq(wsbx_compile_module(m, &o, &c, &err), WSBX_OK, "%s", err.msg);
        cr_expect_eq(c->cpu_features & ~(uint64_t)WSBX_CPU_BASELINE, 0);
        wsbx_compiled_delete(c);
        o.cpu_features = WSBX_CPU_BASELINE | WSBX_CPU_AVX;
        cr_assert_eq(wsbx_compile_module(m, &o, &c, &err), WSBX_OK, "%s", err.msg);
        cr_expect_neq(c->cpu_features & WSBX_CPU_AVX, 0);
        cr_expect_eq(c->cpu_features & WSBX_CPU_AVX2, 0);
        wsbx_compiled_delete(c);
        wsbx_module_delete(m);
}
