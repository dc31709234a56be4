/* spectest.c - the `spectest` module of the spec's reference interpreter.
 *
 * The spec tests import printing functions, four globals, a table and a
 * memory from a module named `spectest`. As the design asks, the module
 * lives in the worker's store like any other: a small text module that
 * defines the globals, the table and the memory, and re-exports seven
 * imported host functions. Only the host functions run on this side; they
 * write their arguments the way the reference interpreter prints them
 * ("13 : i32", one line per argument), to a stream the caller picks or
 * nowhere.
 */
#include "sandbox.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char spectest_wat[] =
        "(module\n"
        "  (import \"host\" \"print\" (func $p))\n"
        "  (import \"host\" \"print_i32\" (func $pi32 (param i32)))\n"
        "  (import \"host\" \"print_i64\" (func $pi64 (param i64)))\n"
        "  (import \"host\" \"print_f32\" (func $pf32 (param f32)))\n"
        "  (import \"host\" \"print_f64\" (func $pf64 (param f64)))\n"
        "  (import \"host\" \"print_i32_f32\" (func $pi32f32 (param i32 f32)))\n"
        "  (import \"host\" \"print_f64_f64\" (func $pf64f64 (param f64 f64)))\n"
        "  (export \"print\" (func $p))\n"
        "  (export \"print_i32\" (func $pi32))\n"
        "  (export \"print_i64\" (func $pi64))\n"
        "  (export \"print_f32\" (func $pf32))\n"
        "  (export \"print_f64\" (func $pf64))\n"
        "  (export \"print_i32_f32\" (func $pi32f32))\n"
        "  (export \"print_f64_f64\" (func $pf64f64))\n"
        "  (global (export \"global_i32\") i32 (i32.const 666))\n"
        "  (global (export \"global_i64\") i64 (i64.const 666))\n"
        "  (global (export \"global_f32\") f32 (f32.const 666.6))\n"
        "  (global (export \"global_f64\") f64 (f64.const 666.6))\n"
        "  (table (export \"table\") 10 20 funcref)\n"
        "  (memory (export \"memory\") 1 2))\n";

/* The host functions, in the module's import order. */
static const struct {
        uint32_t nparams;
        wsbx_valtype params[2];
} printers[] = {
        {0, {0}},
        {1, {WSBX_I32}},
        {1, {WSBX_I64}},
        {1, {WSBX_F32}},
        {1, {WSBX_F64}},
        {2, {WSBX_I32, WSBX_F32}},
        {2, {WSBX_F64, WSBX_F64}},
};
#define NPRINTERS (sizeof printers / sizeof printers[0])

void wsbx_print_float(FILE *out, double x, bool single)
{
        char buf[64];
        for (int prec = 1; prec <= 17; prec++) {
                snprintf(buf, sizeof buf, "%.*g", prec, x);
                if (single ? strtof(buf, NULL) == (float)x : strtod(buf, NULL) == x)
                        break;
        }
        fputs(buf, out);
}

void wsbx_spectest_print_value(FILE *out, wsbx_valtype t, const wsbx_val_raw *v)
{
        switch (t) {
        case WSBX_I32:
                fprintf(out, "%" PRId32, (int32_t)v->i32);
                break;
        case WSBX_I64:
                fprintf(out, "%" PRId64, (int64_t)v->i64);
                break;
        case WSBX_F32: {
                float f;
                memcpy(&f, &v->f32, 4);
                if (isnan(f))
                        fprintf(out, "%snan:0x%" PRIx32, signbit(f) ? "-" : "", v->f32 & 0x7fffff);
                else
                        wsbx_print_float(out, (double)f, true);
                break;
        }
        case WSBX_F64: {
                double d;
                memcpy(&d, &v->f64, 8);
                if (isnan(d))
                        fprintf(out, "%snan:0x%" PRIx64, signbit(d) ? "-" : "", (uint64_t)(v->f64 & 0xfffffffffffffull));
                else
                        wsbx_print_float(out, d, false);
                break;
        }
        default:
                fprintf(out, "0x%016" PRIx64, v->i64);
                break;
        }
        fprintf(out, " : %s\n", wsbx_valtype_name(t));
}

struct printer_ctx {
        FILE *out;
        uint32_t index;
};

static struct printer_ctx contexts[NPRINTERS];

static int print_host(wsbx_session *s, void *ctx, const wsbx_val_raw *args, uint32_t nargs, wsbx_val_raw *results,
                      uint32_t nresults, char *err)
{
        (void)s, (void)results, (void)nresults, (void)err;
        const struct printer_ctx *c = ctx;
        if (!c->out)
                return 0;
        for (uint32_t i = 0; i < nargs && i < printers[c->index].nparams; i++)
                wsbx_spectest_print_value(c->out, printers[c->index].params[i], &args[i]);
        fflush(c->out);
        return 0;
}

int wsbx_spectest_instantiate(wsbx_session *s, FILE *out, wsbx_handle *instance, wsbx_status *st)
{
        wsbx_module *m = NULL;
        wsbx_error err = {0};
        uint8_t *art = NULL;
        size_t len = 0;
        memset(st, 0, sizeof *st);
        if (wsbx_module_load((const uint8_t *)spectest_wat, sizeof spectest_wat - 1, NULL, &m, &err) != WSBX_OK)
                return -EINVAL;
        wsbx_errkind k = wsbx_compile(m, NULL, &art, &len, &err);
        wsbx_module_delete(m);
        if (k != WSBX_OK) {
                snprintf(st->msg, sizeof st->msg, "spectest: %.200s", err.msg);
                return -EINVAL;
        }
        wsbx_handle mod, imports[NPRINTERS];
        int e = wsbx_session_load(s, art, len, &mod, st);
        free(art);
        for (uint32_t i = 0; e == 0 && i < NPRINTERS; i++) {
                /* The contexts are shared by every session: the stream is
                 * the same for all of them in one process. */
                contexts[i] = (struct printer_ctx){out, i};
                wsbx_functype t = {printers[i].nparams, 0, (wsbx_valtype *)printers[i].params, NULL};
                e = wsbx_session_host_func_new(s, &t, print_host, &contexts[i], &imports[i], st);
        }
        if (e == 0)
                e = wsbx_session_instantiate(s, mod, imports, NPRINTERS, instance, st);
        return e;
}
