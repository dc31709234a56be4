/* test_compile_float.c - the float code generator, run: hand-written cases
 * and the spec suite's float scripts.
 *
 * Modules are compiled twice, with the CPU features pinned to the x86-64-v2
 * floor (legacy SSE encodings) and, when this CPU has AVX, with AVX allowed
 * (VEX encodings), and both builds must give the same answers. A small
 * instantiation in the style of test_compile.c (code mapped executable and
 * registered for traps, a hand-built vmctx with memory 0, data segments,
 * globals and funcrefs) runs exports through their entry trampolines on a
 * guest stack.
 *
 * The spec scripts run here as a self-contained harness: modules without
 * imports or tables, assert_return with NaN patterns and assert_trap on
 * invocations of the current module. Any other command is counted as
 * skipped, and the tests demand that the skipped ones stay few.
 */
#include <criterion/criterion.h>

#include "internal.h"
#include "loader.h"
#include "x64/asm.h"

#include <math.h>
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
        wsbx_stack *stack;
        uint64_t epoch;
        uint32_t *type_ids;
        const void *builtins[WSBX_BUILTIN_COUNT];
} inst;

#define HDR(i) ((wsbx_vmctx_header *)(i)->vmctx)

static inst *inst_of(struct wsbx_vmctx *v)
{
        return ((wsbx_vmctx_header *)v)->instance;
}

static uint32_t b_memory_grow(struct wsbx_vmctx *v, uint32_t mem, uint32_t delta)
{
        (void)mem;
        inst *in = inst_of(v);
        int64_t r = wsbx_memory_grow(in->mem, delta);
        HDR(in)->mem0_base = wsbx_memory_def_of(in->mem)->base;
        return r < 0 ? UINT32_MAX : (uint32_t)r;
}

static uint64_t avx_features(void)
{
        return (wsbx_x64_cpu_features() & X64_FEAT_AVX) ? WSBX_CPU_BASELINE | WSBX_CPU_AVX : 0;
}

static wsbx_funcref *funcref(inst *in, uint32_t f)
{
        return (wsbx_funcref *)(in->vmctx + in->c->layout.funcrefs) + f;
}

/* Compiles and instantiates a decoded module (taken over by the instance)
 * with the given CPU features. NULL when it has imports or tables, which
 * this harness does not provide. */
static inst *inst_new(wsbx_module *m, uint64_t features)
{
        if (m->nimports || m->ntables) {
                wsbx_module_delete(m);
                return NULL;
        }
        wsbx_error err;
        inst *in = calloc(1, sizeof *in);
        cr_assert(in);
        in->m = m;
        wsbx_compile_opts o = { .cpu_features = features, .threads = 1 };
        wsbx_errkind k = wsbx_compile_module(m, &o, &in->c, &err);
        cr_assert_eq(k, WSBX_OK, "compile: %s at %zu", err.msg, err.offset);
        wsbx_compiled *c = in->c;
        cr_assert_eq(c->cpu_features & ~features, 0, "code uses features it was not allowed");

        in->code_map = (c->code_len + 4095) & ~(size_t)4095;
        in->code = mmap(NULL, in->code_map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        cr_assert(in->code != MAP_FAILED);
        memcpy(in->code, c->code, c->code_len);
        cr_assert_eq(mprotect(in->code, in->code_map, PROT_READ | PROT_EXEC), 0);
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
        for (uint32_t t = 0; t < m->ntypes; t++)
                in->type_ids[t] = t;
        in->builtins[WSBX_BUILTIN_MEMORY_GROW] = (const void *)b_memory_grow;
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
                uint32_t d = f - m->nimported_funcs;
                r->type_id = in->type_ids[m->func_types[f]];
                r->wasm_code = in->code + c->func_offset[d];
                r->array_code = c->entry_offset[d] == WSBX_ART_NONE
                                        ? NULL
                                        : (wsbx_array_fn)(void *)(in->code + c->entry_offset[d]);
                r->vmctx = (struct wsbx_vmctx *)in->vmctx;
        }
        for (uint32_t g = m->nimported_globals; g < m->nglobals; g++) {
                const wsbx_constexpr *e = &m->globals[g - m->nimported_globals].init;
                memcpy(in->vmctx + l.defined_globals + 16 * (g - m->nimported_globals), &e->u.i64, 8);
        }
        return in;
}

static inst *inst_new_wat(const char *wat, uint64_t features)
{
        wsbx_module *m;
        wsbx_error err;
        wsbx_errkind k = wsbx_module_load((const uint8_t *)wat, strlen(wat), NULL, &m, &err);
        cr_assert_eq(k, WSBX_OK, "load: %s", err.msg);
        inst *in = inst_new(m, features);
        cr_assert(in);
        return in;
}

static void inst_delete(inst *in)
{
        if (!in)
                return;
        wsbx_code_unregister(in->reg);
        munmap(in->code, in->code_map);
        wsbx_stack_delete(in->stack);
        wsbx_memory_delete(in->mem);
        free(in->vmctx);
        free(in->type_ids);
        free(in->funcs);
        wsbx_compiled_delete(in->c);
        wsbx_module_delete(in->m);
        free(in);
}

/* Export `name` as a function index, or UINT32_MAX. */
static uint32_t find_export(const inst *in, const char *name, size_t len)
{
        const wsbx_module *m = in->m;
        for (uint32_t i = 0; i < m->nexports; i++) {
                const wsbx_export *e = &m->exports[i];
                if (e->kind == WSBX_EXTERN_FUNC && e->name.len == len && !memcmp(e->name.ptr, name, len))
                        return e->index;
        }
        return UINT32_MAX;
}

/* Calls function f with vals (in and out); returns the trap kind or 0. */
static int call_func(inst *in, uint32_t f, wsbx_val_raw *vals, uint32_t n)
{
        wsbx_funcref *r = funcref(in, f);
        wsbx_trap_info ti;
        int rc = wsbx_call_guarded(in->stack, r->array_code, (struct wsbx_vmctx *)in->vmctx, NULL, vals, n,
                                   &ti);
        cr_assert_geq(rc, 0, "call failed: %d", rc);
        return rc;
}

/* ------------------------------------------------------------------------ */
/* Hand-written cases                                                       */
/* ------------------------------------------------------------------------ */

static int run(inst *in, const char *name, wsbx_val_raw *v)
{
        uint32_t f = find_export(in, name, strlen(name));
        cr_assert_neq(f, UINT32_MAX, "no export %s", name);
        return call_func(in, f, v, 4);
}

static uint32_t fbits(float f)
{
        uint32_t u;
        memcpy(&u, &f, 4);
        return u;
}

static uint64_t dbits(double d)
{
        uint64_t u;
        memcpy(&u, &d, 8);
        return u;
}

/* f(a, b) on raw bits, expecting no trap. */
static uint64_t call_bits(inst *in, const char *name, uint64_t a, uint64_t b)
{
        wsbx_val_raw v[4];
        memset(v, 0, sizeof v);
        v[0].i64 = a;
        v[1].i64 = b;
        int rc = run(in, name, v);
        cr_assert_eq(rc, 0, "%s(%#llx, %#llx) trapped: %s", name, (unsigned long long)a, (unsigned long long)b,
                     wsbx_trap_message((wsbx_trap)rc));
        return v[0].i64;
}

static int trap_bits(inst *in, const char *name, uint64_t a)
{
        wsbx_val_raw v[4];
        memset(v, 0, sizeof v);
        v[0].i64 = a;
        return run(in, name, v);
}

static const char *ops_wat =
        "(module"
        " (func (export \"add\") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1)))"
        " (func (export \"sub64\") (param f64 f64) (result f64) (f64.sub (local.get 0) (local.get 1)))"
        " (func (export \"divk\") (param f64 f64) (result f64) (f64.div (f64.const 1) (local.get 0)))"
        " (func (export \"min\") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))"
        " (func (export \"max64\") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))"
        " (func (export \"neg\") (param f32 f32) (result f32) (f32.neg (local.get 0)))"
        " (func (export \"abs64\") (param f64 f64) (result f64) (f64.abs (local.get 0)))"
        " (func (export \"copysign\") (param f32 f32) (result f32) (f32.copysign (local.get 0) (local.get 1)))"
        " (func (export \"copysignk\") (param f64 f64) (result f64) (f64.copysign (local.get 0) (f64.const -0)))"
        /* A branch leaves the block's value in its slot: the slot forms. */
        " (func $id (param f64) (result f64) (local.get 0))"
        " (func (export \"negslot\") (param f64 f64) (result f64) (f64.neg (block (result f64) (br 0 (local.get 0)))))"
        " (func (export \"abslot\") (param f32 f32) (result f32) (f32.abs (block (result f32) (br 0 (local.get 0)))))"
        " (func (export \"subslot\") (param f64 f64) (result f64)"
        "  (f64.sub (local.get 0) (block (result f64) (br 0 (local.get 1)))))"
        " (func (export \"ltslot\") (param f32 f32) (result i32)"
        "  (f32.lt (local.get 0) (block (result f32) (br 0 (local.get 1)))))"
        " (func (export \"geslot\") (param f32 f32) (result i32)"
        "  (f32.ge (local.get 0) (block (result f32) (br 0 (local.get 1)))))"
        " (func (export \"bitslot\") (param f32 f32) (result i32)"
        "  (i32.reinterpret_f32 (block (result f32) (br 0 (local.get 0)))))"
        " (func (export \"nearest\") (param f32 f32) (result f32) (f32.nearest (local.get 0)))"
        " (func (export \"floor64\") (param f64 f64) (result f64) (f64.floor (local.get 0)))"
        " (func (export \"sqrt\") (param f64 f64) (result f64) (f64.sqrt (call $id (local.get 0))))"
        " (func (export \"lt\") (param f32 f32) (result i32) (f32.lt (local.get 0) (local.get 1)))"
        " (func (export \"eq64\") (param f64 f64) (result i32) (f64.eq (local.get 0) (local.get 1)))"
        " (func (export \"ne\") (param f32 f32) (result i32) (f32.ne (local.get 0) (local.get 1)))"
        " (func (export \"brle\") (param f64 f64) (result i32)"
        "  (block (br_if 0 (f64.le (local.get 0) (local.get 1))) (return (i32.const 7))) (i32.const 9))"
        " (func (export \"i32_trunc_s\") (param f32 f32) (result i32) (i32.trunc_f32_s (local.get 0)))"
        " (func (export \"i32_trunc_u64\") (param f64 f64) (result i32) (i32.trunc_f64_u (local.get 0)))"
        " (func (export \"i64_trunc_u\") (param f64 f64) (result i64) (i64.trunc_f64_u (local.get 0)))"
        " (func (export \"i32_sat_u\") (param f32 f32) (result i32) (i32.trunc_sat_f32_u (local.get 0)))"
        " (func (export \"i64_sat_u\") (param f32 f32) (result i64) (i64.trunc_sat_f32_u (local.get 0)))"
        " (func (export \"i64_sat_s\") (param f64 f64) (result i64) (i64.trunc_sat_f64_s (local.get 0)))"
        " (func (export \"u64_to_f32\") (param i64 i64) (result f32) (f32.convert_i64_u (local.get 0)))"
        " (func (export \"u32_to_f64\") (param i32 i32) (result f64) (f64.convert_i32_u (local.get 0)))"
        " (func (export \"demote\") (param f64 f64) (result f32) (f32.demote_f64 (local.get 0)))"
        " (func (export \"bits\") (param f64 f64) (result i64) (i64.reinterpret_f64 (local.get 0)))"
        " (func (export \"unbits\") (param i32 i32) (result f32) (f32.reinterpret_i32 (local.get 0)))"
        /* More live values than xmm registers: spills and reloads. */
        " (func (export \"many\") (param f64 f64) (result f64)"
        "  (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0)"
        "  (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0)"
        "  (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 1)"
        "  f64.add f64.add f64.add f64.add f64.add f64.add f64.add f64.add"
        "  f64.add f64.add f64.add f64.add f64.add f64.add f64.add f64.add)"
        ")";

static void ops_checks(uint64_t features)
{
        inst *in = inst_new_wat(ops_wat, features);
        const uint32_t F_NAN = 0x7fc00000, F_SNAN = 0x7fa00001;
        const uint64_t D_NAN = 0x7ff8000000000000ull;

        cr_expect_eq((uint32_t)call_bits(in, "add", fbits(1.5f), fbits(2.25f)), fbits(3.75f));
        cr_expect_eq(call_bits(in, "sub64", dbits(1.0), dbits(0.25)), dbits(0.75));
        cr_expect_eq(call_bits(in, "divk", dbits(4.0), 0), dbits(0.25));
        cr_expect_eq(call_bits(in, "divk", dbits(-0.0), 0), dbits(-INFINITY));

        cr_expect_eq((uint32_t)call_bits(in, "min", fbits(-0.0f), fbits(0.0f)), fbits(-0.0f));
        cr_expect_eq((uint32_t)call_bits(in, "min", fbits(0.0f), fbits(-0.0f)), fbits(-0.0f));
        cr_expect_eq((uint32_t)call_bits(in, "min", fbits(3.0f), fbits(-2.0f)), fbits(-2.0f));
        cr_expect_eq((uint32_t)call_bits(in, "min", fbits(1.0f), F_NAN) & 0x7fc00000, F_NAN);
        cr_expect_eq((uint32_t)call_bits(in, "min", F_SNAN, fbits(1.0f)) & 0x7fc00000, F_NAN);
        cr_expect_eq(call_bits(in, "max64", dbits(-0.0), dbits(0.0)), dbits(0.0));
        cr_expect_eq(call_bits(in, "max64", dbits(0.0), dbits(-0.0)), dbits(0.0));
        cr_expect_eq(call_bits(in, "max64", dbits(-5.0), dbits(2.0)), dbits(2.0));
        cr_expect_eq(call_bits(in, "max64", D_NAN, dbits(2.0)) & D_NAN, D_NAN);

        /* Bit operations keep NaN payloads, signalling ones included. */
        cr_expect_eq((uint32_t)call_bits(in, "neg", F_SNAN, 0), F_SNAN | 0x80000000u);
        cr_expect_eq((uint32_t)call_bits(in, "neg", fbits(0.0f), 0), fbits(-0.0f));
        cr_expect_eq(call_bits(in, "abs64", 0xfff0000000000001ull, 0), 0x7ff0000000000001ull);
        cr_expect_eq((uint32_t)call_bits(in, "copysign", F_SNAN, fbits(-1.0f)), F_SNAN | 0x80000000u);
        cr_expect_eq((uint32_t)call_bits(in, "copysign", fbits(-2.0f), fbits(1.0f)), fbits(2.0f));
        cr_expect_eq(call_bits(in, "copysignk", dbits(3.0), 0), dbits(-3.0));
        cr_expect_eq(call_bits(in, "copysignk", 0x7ff0000000000001ull, 0), 0xfff0000000000001ull);
        cr_expect_eq(call_bits(in, "negslot", dbits(1.5), 0), dbits(-1.5));
        cr_expect_eq(call_bits(in, "negslot", 0xfff0000000000001ull, 0), 0x7ff0000000000001ull);
        cr_expect_eq((uint32_t)call_bits(in, "abslot", F_SNAN | 0x80000000u, 0), F_SNAN);
        cr_expect_eq(call_bits(in, "subslot", dbits(1.0), dbits(0.25)), dbits(0.75));
        cr_expect_eq(call_bits(in, "ltslot", fbits(1.0f), fbits(2.0f)) & 0xffffffff, 1);
        cr_expect_eq(call_bits(in, "ltslot", fbits(2.0f), fbits(1.0f)) & 0xffffffff, 0);
        cr_expect_eq(call_bits(in, "ltslot", fbits(1.0f), F_NAN) & 0xffffffff, 0);
        cr_expect_eq(call_bits(in, "geslot", fbits(2.0f), fbits(2.0f)) & 0xffffffff, 1);
        cr_expect_eq(call_bits(in, "geslot", F_NAN, fbits(2.0f)) & 0xffffffff, 0);
        cr_expect_eq(call_bits(in, "bitslot", F_SNAN, 0) & 0xffffffff, F_SNAN);

        cr_expect_eq((uint32_t)call_bits(in, "nearest", fbits(2.5f), 0), fbits(2.0f));
        cr_expect_eq((uint32_t)call_bits(in, "nearest", fbits(-0.5f), 0), fbits(-0.0f));
        cr_expect_eq(call_bits(in, "floor64", dbits(-1.5), 0), dbits(-2.0));
        cr_expect_eq(call_bits(in, "sqrt", dbits(2.25), 0), dbits(1.5));

        cr_expect_eq(call_bits(in, "lt", fbits(1.0f), fbits(2.0f)) & 0xffffffff, 1);
        cr_expect_eq(call_bits(in, "lt", fbits(2.0f), fbits(1.0f)) & 0xffffffff, 0);
        cr_expect_eq(call_bits(in, "lt", F_NAN, fbits(1.0f)) & 0xffffffff, 0);
        cr_expect_eq(call_bits(in, "eq64", dbits(1.0), dbits(1.0)) & 0xffffffff, 1);
        cr_expect_eq(call_bits(in, "eq64", D_NAN, D_NAN) & 0xffffffff, 0);
        cr_expect_eq(call_bits(in, "eq64", dbits(0.0), dbits(-0.0)) & 0xffffffff, 1);
        cr_expect_eq(call_bits(in, "ne", F_NAN, F_NAN) & 0xffffffff, 1);
        cr_expect_eq(call_bits(in, "ne", fbits(1.0f), fbits(1.0f)) & 0xffffffff, 0);
        cr_expect_eq(call_bits(in, "brle", dbits(1.0), dbits(1.0)) & 0xffffffff, 9);
        cr_expect_eq(call_bits(in, "brle", dbits(2.0), dbits(1.0)) & 0xffffffff, 7);
        cr_expect_eq(call_bits(in, "brle", D_NAN, dbits(1.0)) & 0xffffffff, 7);

        cr_expect_eq(call_bits(in, "i32_trunc_s", fbits(-2147483648.0f), 0) & 0xffffffff, 0x80000000u);
        cr_expect_eq(call_bits(in, "i32_trunc_s", fbits(-1.9f), 0) & 0xffffffff, 0xffffffffu);
        cr_expect_eq(trap_bits(in, "i32_trunc_s", fbits(2147483648.0f)), WSBX_TRAP_INT_OVERFLOW);
        cr_expect_eq(trap_bits(in, "i32_trunc_s", fbits(-2147483904.0f)), WSBX_TRAP_INT_OVERFLOW);
        cr_expect_eq(trap_bits(in, "i32_trunc_s", F_NAN), WSBX_TRAP_BAD_CONVERSION);
        cr_expect_eq(call_bits(in, "i32_trunc_u64", dbits(4294967295.9), 0), 0xffffffffu);
        cr_expect_eq(call_bits(in, "i32_trunc_u64", dbits(-0.9), 0), 0);
        cr_expect_eq(trap_bits(in, "i32_trunc_u64", dbits(-1.0)), WSBX_TRAP_INT_OVERFLOW);
        cr_expect_eq(trap_bits(in, "i32_trunc_u64", dbits(4294967296.0)), WSBX_TRAP_INT_OVERFLOW);
        cr_expect_eq(trap_bits(in, "i32_trunc_u64", D_NAN | (1ull << 63)), WSBX_TRAP_BAD_CONVERSION);
        cr_expect_eq(call_bits(in, "i64_trunc_u", dbits(18446744073709549568.0), 0), 0xfffffffffffff800ull);
        cr_expect_eq(call_bits(in, "i64_trunc_u", dbits(9223372036854775808.0), 0), 1ull << 63);
        cr_expect_eq(call_bits(in, "i64_trunc_u", dbits(12.7), 0), 12);
        cr_expect_eq(trap_bits(in, "i64_trunc_u", dbits(18446744073709551616.0)), WSBX_TRAP_INT_OVERFLOW);
        cr_expect_eq(trap_bits(in, "i64_trunc_u", dbits(-1.0)), WSBX_TRAP_INT_OVERFLOW);
        cr_expect_eq(trap_bits(in, "i64_trunc_u", D_NAN), WSBX_TRAP_BAD_CONVERSION);
        cr_expect_eq(call_bits(in, "i32_sat_u", fbits(-5.0f), 0), 0);
        cr_expect_eq(call_bits(in, "i32_sat_u", fbits(1e10f), 0), 0xffffffffu);
        cr_expect_eq(call_bits(in, "i32_sat_u", F_NAN, 0), 0);
        cr_expect_eq(call_bits(in, "i32_sat_u", fbits(INFINITY), 0), 0xffffffffu);
        cr_expect_eq(call_bits(in, "i32_sat_u", fbits(3e9f), 0), 3000000000u);
        cr_expect_eq(call_bits(in, "i64_sat_u", fbits(1e30f), 0), UINT64_MAX);
        cr_expect_eq(call_bits(in, "i64_sat_u", fbits(-1e30f), 0), 0);
        cr_expect_eq(call_bits(in, "i64_sat_u", F_NAN, 0), 0);
        cr_expect_eq(call_bits(in, "i64_sat_u", fbits(1.5e19f), 0), (uint64_t)1.5e19f);
        cr_expect_eq(call_bits(in, "i64_sat_s", dbits(1e300), 0), (uint64_t)INT64_MAX);
        cr_expect_eq(call_bits(in, "i64_sat_s", dbits(-1e300), 0), (uint64_t)INT64_MIN);
        cr_expect_eq(call_bits(in, "i64_sat_s", D_NAN, 0), 0);
        cr_expect_eq(call_bits(in, "i64_sat_s", dbits(-9223372036854775808.0), 0), (uint64_t)INT64_MIN);

        /* 2^64 - 1 rounds up to 2^64; 0x8000008000000001 must not round
         * twice (to even 2^63), but up. */
        cr_expect_eq(call_bits(in, "u64_to_f32", UINT64_MAX, 0) & 0xffffffff, fbits(18446744073709551616.0f));
        cr_expect_eq(call_bits(in, "u64_to_f32", 0x8000008000000001ull, 0) & 0xffffffff, 0x5f000001u);
        cr_expect_eq(call_bits(in, "u64_to_f32", 12345, 0) & 0xffffffff, fbits(12345.0f));
        cr_expect_eq(call_bits(in, "u32_to_f64", 0xffffffffu, 0), dbits(4294967295.0));
        cr_expect_eq(call_bits(in, "demote", dbits(1.0 / 3.0), 0) & 0xffffffff, fbits(1.0f / 3.0f));
        cr_expect_eq(call_bits(in, "bits", dbits(-2.0), 0), dbits(-2.0));
        cr_expect_eq(call_bits(in, "unbits", F_SNAN, 0) & 0xffffffff, F_SNAN);
        cr_expect_eq(call_bits(in, "many", dbits(1.0), dbits(0.5)), dbits(16.5));
        inst_delete(in);
}

Test(compile_float, sse)
{
        ops_checks(WSBX_CPU_BASELINE);
}

Test(compile_float, avx)
{
        uint64_t f = avx_features();
        if (!f)
                cr_skip_test("this CPU has no AVX");
        ops_checks(f);
}

/* AVX is used when allowed and only then. */
Test(compile_float, features_recorded)
{
        inst *in = inst_new_wat(ops_wat, WSBX_CPU_BASELINE);
        cr_expect_eq(in->c->cpu_features & WSBX_CPU_AVX, 0);
        inst_delete(in);
        if (!avx_features())
                return;
        in = inst_new_wat(ops_wat, avx_features());
        cr_expect_eq(in->c->cpu_features & WSBX_CPU_AVX, WSBX_CPU_AVX);
        inst_delete(in);
}

/* ------------------------------------------------------------------------ */
/* Spec scripts                                                             */
/* ------------------------------------------------------------------------ */

typedef struct tally {
        unsigned passed, failed, skipped;
} tally;

static bool float_matches(uint64_t got, const wsbx_result *r, bool f32)
{
        uint64_t exp = r->value.u.i64;
        uint64_t quiet = f32 ? 0x7fc00000u : 0x7ff8000000000000ull;
        uint64_t mag = f32 ? 0x7fffffffu : 0x7fffffffffffffffull;
        if (f32) {
                got &= 0xffffffffu;
                exp &= 0xffffffffu;
        }
        switch (r->nan[0]) {
        case WSBX_NAN_CANONICAL:
                return (got & mag) == quiet;
        case WSBX_NAN_ARITHMETIC:
                return (got & quiet) == quiet;
        default:
                return got == exp;
        }
}

static bool result_matches(const wsbx_val_raw *got, const wsbx_result *r)
{
        if (r->kind != WSBX_RESULT_VALUE)
                return false;
        switch (r->value.type) {
        case WSBX_I32:
                return got->i32 == r->value.u.i32;
        case WSBX_I64:
                return got->i64 == r->value.u.i64;
        case WSBX_F32:
                return float_matches(got->f32, r, true);
        case WSBX_F64:
                return float_matches(got->f64, r, false);
        default:
                return false;
        }
}

/* Runs one invoke on `in`; true when it went as the command expects. */
static bool run_invoke(inst *in, const wsbx_command *cmd, const char *file)
{
        const wsbx_action *act = cmd->action;
        uint32_t f = find_export(in, act->field.ptr, act->field.len);
        if (f == UINT32_MAX)
                return false;
        const wsbx_functype *ft = &in->m->types[in->m->func_types[f]];
        uint32_t n = ft->nparams > ft->nresults ? ft->nparams : ft->nresults;
        wsbx_val_raw vals[16];
        if (n > 16 || act->nargs != ft->nparams)
                return false;
        memset(vals, 0, sizeof vals);
        for (uint32_t i = 0; i < act->nargs; i++)
                memcpy(&vals[i], &act->args[i].u, 8);
        int rc = call_func(in, f, vals, n ? n : 1);
        if (cmd->kind == WSBX_CMD_ASSERT_TRAP) {
                const char *msg = rc ? wsbx_trap_message((wsbx_trap)rc) : "(returned)";
                bool ok = rc && !strncmp(msg, cmd->text.ptr, cmd->text.len);
                cr_expect(ok, "%s:%u: %.*s: trapped with \"%s\", expected \"%.*s\"", file, cmd->line,
                          (int)act->field.len, act->field.ptr, msg, (int)cmd->text.len, cmd->text.ptr);
                return ok;
        }
        if (rc) {
                cr_expect(0, "%s:%u: %.*s trapped: %s", file, cmd->line, (int)act->field.len, act->field.ptr,
                          wsbx_trap_message((wsbx_trap)rc));
                return false;
        }
        if (cmd->kind != WSBX_CMD_ASSERT_RETURN)
                return true;
        if (cmd->nresults != ft->nresults)
                return false;
        for (uint32_t i = 0; i < cmd->nresults; i++) {
                if (!result_matches(&vals[i], &cmd->results[i])) {
                        cr_expect(0, "%s:%u: %.*s: result %u is %#llx, expected %#llx", file, cmd->line,
                                  (int)act->field.len, act->field.ptr, i, (unsigned long long)vals[i].i64,
                                  (unsigned long long)cmd->results[i].value.u.i64);
                        return false;
                }
        }
        return true;
}

static char *read_text(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return NULL;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *text = malloc((size_t)n + 1);
        cr_assert(text);
        cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
        fclose(f);
        *len = (size_t)n;
        return text;
}

static const char *suite_dir(void)
{
        const char *dir = getenv("WSBX_TESTSUITE");
        return dir ? dir : "/work/shared/testsuite-2.0";
}

static tally run_script(const char *name, uint64_t features)
{
        tally t = { 0, 0, 0 };
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", suite_dir(), name);
        size_t len;
        char *text = read_text(path, &len);
        if (!text)
                cr_skip_test("no spec script %s", path);
        wsbx_script *s;
        wsbx_error err;
        cr_assert_eq(wsbx_script_parse(text, len, &s, &err), WSBX_OK);
        inst *in = NULL;
        bool have_module = false;
        for (uint32_t k = 0; k < s->ncmds; k++) {
                const wsbx_command *cmd = &s->cmds[k];
                if (cmd->kind == WSBX_CMD_MODULE) {
                        inst_delete(in);
                        in = NULL;
                        have_module = false;
                        if (!cmd->module || !cmd->module->bytes || cmd->module->form == WSBX_MODFORM_QUOTE ||
                            cmd->module->definition)
                                continue;
                        wsbx_module *m;
                        if (wsbx_module_decode(cmd->module->bytes, cmd->module->len, NULL, &m, &err) != WSBX_OK)
                                continue;
                        in = inst_new(m, features);
                        have_module = true;
                        continue;
                }
                bool invoke = cmd->action && cmd->action->kind == WSBX_ACTION_INVOKE && !cmd->action->module.len;
                if (cmd->kind != WSBX_CMD_ACTION && cmd->kind != WSBX_CMD_ASSERT_RETURN &&
                    cmd->kind != WSBX_CMD_ASSERT_TRAP)
                        continue; /* malformed/invalid modules: the front end's tests */
                if (!invoke || !in) {
                        t.skipped++;
                        (void)have_module;
                        continue;
                }
                if (run_invoke(in, cmd, name))
                        t.passed++;
                else
                        t.failed++;
        }
        inst_delete(in);
        wsbx_script_delete(s);
        free(text);
        return t;
}

static void spec(const char *name, unsigned min_passed)
{
        uint64_t sets[2] = { WSBX_CPU_BASELINE, avx_features() };
        for (int i = 0; i < 2; i++) {
                if (!sets[i])
                        continue;
                tally t = run_script(name, sets[i]);
                cr_log_info("%s (%s): %u passed, %u failed, %u skipped", name, i ? "avx" : "sse", t.passed,
                            t.failed, t.skipped);
                cr_expect_eq(t.failed, 0, "%s (%s): %u failed", name, i ? "avx" : "sse", t.failed);
                cr_expect_geq(t.passed, min_passed, "%s (%s): only %u passed, %u skipped", name,
                              i ? "avx" : "sse", t.passed, t.skipped);
        }
}

/* The minimum counts are the scripts' assertions: everything runs. */
Test(compile_float, spec_f32) { spec("f32.wast", 2500); }
Test(compile_float, spec_f64) { spec("f64.wast", 2500); }
Test(compile_float, spec_f32_cmp) { spec("f32_cmp.wast", 2400); }
Test(compile_float, spec_f64_cmp) { spec("f64_cmp.wast", 2400); }
Test(compile_float, spec_f32_bitwise) { spec("f32_bitwise.wast", 360); }
Test(compile_float, spec_f64_bitwise) { spec("f64_bitwise.wast", 360); }
Test(compile_float, spec_float_exprs) { spec("float_exprs.wast", 829); }
Test(compile_float, spec_float_misc) { spec("float_misc.wast", 470); }
Test(compile_float, spec_float_literals) { spec("float_literals.wast", 99); }
Test(compile_float, spec_float_memory) { spec("float_memory.wast", 84); }
Test(compile_float, spec_conversions) { spec("conversions.wast", 593); }
Test(compile_float, spec_const) { spec("const.wast", 300); }
Test(compile_float, spec_endianness) { spec("endianness.wast", 68); }
