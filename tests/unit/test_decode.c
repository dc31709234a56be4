/* test_decode.c - the binary decoder: every section decoder on a module
 * that decodes and on each error it can report, the malformed-beats-
 * invalid rule, implementation limits, the "name" section, and loading
 * text (whose errors carry text positions). Modules are assembled from
 * sections by the helpers below. */
#include <criterion/criterion.h>
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct mod {
        uint8_t b[4096];
        size_t n;
} mod;

static void put(mod *m, const void *p, size_t n)
{
        cr_assert_leq(m->n + n, sizeof m->b);
        memcpy(m->b + m->n, p, n);
        m->n += n;
}

static void put_uleb(mod *m, uint64_t v)
{
        wsbx_buf b = {0};
        wsbx_buf_uleb(&b, v);
        put(m, b.data, b.len);
        wsbx_buf_free(&b);
}

static mod module(void)
{
        mod m = {.n = 0};
        put(&m, "\0asm\1\0\0\0", 8);
        return m;
}

/* Appends a section: id, size, contents. */
static void section(mod *m, uint8_t id, const uint8_t *c, size_t n)
{
        put(m, &id, 1);
        put_uleb(m, n);
        put(m, c, n);
}

#define SEC(m, id, ...)                                                 \
        do {                                                            \
                static const uint8_t c_[] = {__VA_ARGS__};              \
                section((m), (id), c_, sizeof c_);                      \
        } while (0)

#define RAW(m, ...)                                                     \
        do {                                                            \
                static const uint8_t r_[] = {__VA_ARGS__};              \
                put((m), r_, sizeof r_);                                \
        } while (0)

/* Common pieces: type 0 is [] -> [], type 1 is [i32] -> [i32]. */
#define TYPES(m) SEC(m, 1, 2, 0x60, 0, 0, 0x60, 1, 0x7f, 1, 0x7f)
/* One function of type 0 with an empty body. */
#define ONE_FUNC(m)                                                     \
        do {                                                            \
                SEC(m, 3, 1, 0);                                        \
        } while (0)
#define ONE_BODY(m) SEC(m, 10, 1, 2, 0, 0x0b)

static wsbx_error err;

static wsbx_module *decode_ok(const mod *m)
{
        wsbx_module *out = NULL;
        wsbx_errkind k = wsbx_module_decode(m->b, m->n, NULL, &out, &err);
        cr_assert_eq(k, WSBX_OK, "decode failed: %s at %zu", err.msg, err.offset);
        cr_assert_not_null(out);
        return out;
}

static void expect_lim(const mod *m, const wsbx_limits_cfg *lim, wsbx_errkind kind, const char *prefix)
{
        wsbx_module *out = (wsbx_module *)1;
        memset(&err, 0, sizeof err);
        wsbx_errkind k = wsbx_module_decode(m->b, m->n, lim, &out, &err);
        cr_assert_eq(k, kind, "want %s \"%s\", got %s \"%s\"", wsbx_errkind_name(kind), prefix,
                     wsbx_errkind_name(k), err.msg);
        if (kind == WSBX_OK) {
                cr_assert_not_null(out);
                wsbx_module_delete(out);
                return;
        }
        cr_assert_eq(err.kind, kind);
        cr_assert_null(out);
        cr_assert_eq(strncmp(err.msg, prefix, strlen(prefix)), 0, "want \"%s\", got \"%s\"", prefix,
                     err.msg);
        cr_assert_leq(err.offset, m->n, "offset %zu past the input", err.offset);
}

static void expect(const mod *m, wsbx_errkind kind, const char *prefix)
{
        expect_lim(m, NULL, kind, prefix);
}

#define MAL WSBX_ERR_MALFORMED
#define INV WSBX_ERR_INVALID

/* ------------------------------------------------------------------------ */

Test(decode, header)
{
        mod m = module();
        wsbx_module *w = decode_ok(&m);
        cr_assert_eq(w->size, 8);
        cr_assert_neq(w->bytes, m.b, "the module keeps its own copy");
        cr_assert_arr_eq(w->bytes, m.b, 8);
        cr_assert_eq(w->nfuncs, 0);
        wsbx_module_delete(w);

        mod e = {.n = 0};
        expect(&e, MAL, "unexpected end");
        RAW(&e, 0, 'a', 's');
        expect(&e, MAL, "unexpected end");
        e.n = 0;
        RAW(&e, 0, 'A', 'S', 'M', 1, 0, 0, 0);
        expect(&e, MAL, "magic header not detected");
        e.n = 0;
        RAW(&e, 0, 'a', 's', 'm', 1, 0, 0);
        expect(&e, MAL, "unexpected end");
        e.n = 0;
        RAW(&e, 0, 'a', 's', 'm', 2, 0, 0, 0);
        expect(&e, MAL, "unknown binary version");
}

Test(decode, section_framing)
{
        mod m = module();
        RAW(&m, 13, 0);
        expect(&m, MAL, "malformed section id");

        m = module();
        TYPES(&m);
        TYPES(&m);
        expect(&m, MAL, "unexpected content after last section");

        m = module();
        SEC(&m, 3, 0);
        SEC(&m, 1, 0);
        expect(&m, MAL, "unexpected content after last section");

        /* The data count section goes between element and code. */
        m = module();
        SEC(&m, 10, 0);
        SEC(&m, 12, 0);
        expect(&m, MAL, "unexpected content after last section");
        m = module();
        SEC(&m, 12, 0);
        SEC(&m, 10, 0);
        wsbx_module_delete(decode_ok(&m));

        m = module();
        RAW(&m, 1, 6, 1, 0x60, 0, 0);
        expect(&m, MAL, "length out of bounds");

        /* One type declared, two given. */
        m = module();
        SEC(&m, 1, 1, 0x60, 0, 0, 0x60, 0, 0);
        expect(&m, MAL, "section size mismatch");

        /* Two declared, one given, at the end of the module. */
        m = module();
        SEC(&m, 1, 2, 0x60, 0, 0);
        expect(&m, MAL, "unexpected end of section or function");
}

Test(decode, type_section)
{
        mod m = module();
        SEC(&m, 1, 3, 0x60, 0, 0, 0x60, 2, 0x7f, 0x7e, 1, 0x7b, 0x60, 0, 2, 0x70, 0x6f);
        wsbx_module *w = decode_ok(&m);
        cr_assert_eq(w->ntypes, 3);
        cr_assert_eq(w->types[0].nparams, 0);
        cr_assert_eq(w->types[0].nresults, 0);
        cr_assert_eq(w->types[1].nparams, 2);
        cr_assert_eq(w->types[1].params[0], WSBX_I32);
        cr_assert_eq(w->types[1].params[1], WSBX_I64);
        cr_assert_eq(w->types[1].nresults, 1);
        cr_assert_eq(w->types[1].results[0], WSBX_V128);
        cr_assert_eq(w->types[2].nresults, 2);
        cr_assert_eq(w->types[2].results[1], WSBX_EXTERNREF);
        wsbx_module_delete(w);

        m = module();
        SEC(&m, 1, 1, 0x61, 0, 0);
        expect(&m, MAL, "malformed function type");
        m = module();
        SEC(&m, 1, 1, 0x60, 1, 0x40, 0);
        expect(&m, MAL, "malformed value type");
        m = module();
        SEC(&m, 1, 1, 0x60, 1, 0xff, 0x7f, 0);
        expect(&m, MAL, "integer representation too long");

        wsbx_limits_cfg lim = wsbx_default_limits;
        lim.max_types = 2;
        m = module();
        SEC(&m, 1, 3, 0x60, 0, 0, 0x60, 0, 0, 0x60, 0, 0);
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "limit exceeded: types (3 > 2)");
        lim = wsbx_default_limits;
        lim.max_params = 1;
        m = module();
        SEC(&m, 1, 1, 0x60, 2, 0x7f, 0x7f, 0);
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "limit exceeded: params");
        lim = wsbx_default_limits;
        lim.max_results = 0;
        m = module();
        SEC(&m, 1, 1, 0x60, 0, 1, 0x7f);
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "limit exceeded: results");
}

Test(decode, import_section)
{
        mod m = module();
        TYPES(&m);
        SEC(&m, 2, 4,
            1, 'm', 1, 'f', 0x00, 1,                    /* func of type 1 */
            1, 'm', 1, 't', 0x01, 0x70, 1, 1, 5,        /* table funcref 1..5 */
            1, 'm', 2, 0xc3, 0xa9, 0x02, 0, 2,          /* memory 2.. named "é" */
            1, 'm', 1, 'g', 0x03, 0x7e, 1);             /* global mut i64 */
        wsbx_module *w = decode_ok(&m);
        cr_assert_eq(w->nimports, 4);
        cr_assert_eq(w->nimported_funcs, 1);
        cr_assert_eq(w->nfuncs, 1);
        cr_assert_eq(w->func_types[0], 1);
        cr_assert_eq(w->imports[0].module.len, 1);
        cr_assert_eq(w->imports[0].module.ptr[0], 'm');
        cr_assert_eq(w->imports[1].kind, WSBX_EXTERN_TABLE);
        cr_assert_eq(w->ntables, 1);
        cr_assert_eq(w->tables[0].elem, WSBX_FUNCREF);
        cr_assert(w->tables[0].limits.has_max);
        cr_assert_eq(w->tables[0].limits.min, 1);
        cr_assert_eq(w->tables[0].limits.max, 5);
        cr_assert_eq(w->nmemories, 1);
        cr_assert_eq(w->nimported_memories, 1);
        cr_assert_eq(w->memories[0].limits.min, 2);
        cr_assert_not(w->memories[0].limits.has_max);
        cr_assert_eq(w->imports[2].name.len, 2);
        cr_assert_eq(w->nglobals, 1);
        cr_assert_eq(w->global_types[0].type, WSBX_I64);
        cr_assert(w->global_types[0].mut);
        wsbx_module_delete(w);

        m = module();
        SEC(&m, 2, 1, 0, 0, 0x04);
        expect(&m, MAL, "malformed import kind");
        m = module();
        SEC(&m, 2, 1, 0, 0, 0x80);
        expect(&m, MAL, "malformed import kind");
        m = module();
        SEC(&m, 2, 1, 0, 0, 0x03, 0x7f, 2);
        expect(&m, MAL, "malformed mutability");
        m = module();
        SEC(&m, 2, 1, 0, 0, 0x01, 0x7f, 0, 0);
        expect(&m, MAL, "malformed reference type");
        m = module();
        SEC(&m, 2, 1, 0, 0, 0x02, 0x02, 0);
        expect(&m, MAL, "integer too large");

        /* UTF-8: overlong, surrogate, above U+10FFFF, truncated. */
        static const uint8_t bad[][4] = {{0xc0, 0x80}, {0xed, 0xa0, 0x80}, {0xf4, 0x90, 0x80, 0x80}, {0xe2, 0x82}};
        static const uint8_t lens[] = {2, 3, 4, 2};
        for (int i = 0; i < 4; i++) {
                m = module();
                uint8_t c[16] = {1, lens[i]};
                memcpy(c + 2, bad[i], lens[i]);
                memcpy(c + 2 + lens[i], "\0\x03\x7f\0", 4);
                section(&m, 2, c, 2 + lens[i] + 4);
                expect(&m, MAL, "malformed UTF-8 encoding");
        }

        m = module();
        SEC(&m, 2, 1, 0, 0, 0x00, 0);
        expect(&m, INV, "unknown type 0");
        m = module();
        SEC(&m, 2, 1, 0, 0, 0x01, 0x70, 1, 3, 2);
        expect(&m, INV, "size minimum must not be greater than maximum");
        m = module();
        SEC(&m, 2, 1, 0, 0, 0x02, 0, 0x81, 0x80, 0x04);
        expect(&m, INV, "memory size must be at most 65536 pages (4GiB)");
        m = module();
        SEC(&m, 2, 2, 0, 0, 0x02, 0, 0, 0, 1, 'x', 0x02, 0, 0);
        expect(&m, INV, "multiple memories");

        wsbx_limits_cfg lim = wsbx_default_limits;
        lim.max_imports = 1;
        m = module();
        SEC(&m, 2, 2, 0, 0, 0x03, 0x7f, 0, 0, 0, 0x03, 0x7f, 0);
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "limit exceeded: imports (2 > 1)");
        lim = wsbx_default_limits;
        lim.max_globals = 1;
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "limit exceeded: globals");
}

Test(decode, function_and_code_sections)
{
        mod m = module();
        TYPES(&m);
        SEC(&m, 3, 2, 0, 1);
        /* Body 0: one group of two i64 locals. Body 1: returns its param. */
        SEC(&m, 10, 2, 4, 1, 2, 0x7e, 0x0b, 4, 0, 0x20, 0, 0x0b);
        wsbx_module *w = decode_ok(&m);
        cr_assert_eq(w->nfuncs, 2);
        cr_assert_eq(w->func_types[1], 1);
        cr_assert_eq(w->funcs[0].type, 0);
        cr_assert_eq(w->funcs[0].nlocals, 2);
        cr_assert_eq(w->funcs[0].nlocalgroups, 1);
        cr_assert_eq(w->funcs[0].localgroups[0].type, WSBX_I64);
        cr_assert_eq(w->funcs[0].localgroups[0].count, 2);
        cr_assert_eq(w->funcs[0].body_size, 4);
        cr_assert_eq(w->bytes[w->funcs[0].body_offset], 1, "body starts at its group count");
        cr_assert_eq(w->funcs[0].code_offset, w->funcs[0].body_offset + 3);
        cr_assert_eq(w->bytes[w->funcs[0].code_offset], 0x0b);
        cr_assert_eq(w->funcs[1].nlocals, 0);
        cr_assert_eq(w->bytes[w->funcs[1].code_offset], 0x20);
        cr_assert_eq(wsbx_validate_func(w, 1, NULL, &err), WSBX_OK, "%s", err.msg);
        cr_assert_neq(wsbx_validate_func(w, 2, NULL, &err), WSBX_OK);
        wsbx_module_delete(w);

        m = module();
        TYPES(&m);
        SEC(&m, 3, 1, 7);
        ONE_BODY(&m);
        expect(&m, INV, "unknown type 7");

        m = module();
        TYPES(&m);
        SEC(&m, 3, 2, 0, 0);
        ONE_BODY(&m);
        expect(&m, MAL, "function and code section have inconsistent lengths");
        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        expect(&m, MAL, "function and code section have inconsistent lengths");
        m = module();
        SEC(&m, 10, 1, 2, 0, 0x0b);
        expect(&m, MAL, "function and code section have inconsistent lengths");

        /* 0xffffffff + 2 locals overflow u32. */
        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        SEC(&m, 10, 1, 10, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 2, 0x7e, 0x0b);
        expect(&m, MAL, "too many locals");

        /* Within u32 but above the configured limit (params count). */
        wsbx_limits_cfg lim = wsbx_default_limits;
        lim.max_locals = 3;
        m = module();
        TYPES(&m);
        SEC(&m, 3, 1, 1);
        SEC(&m, 10, 1, 6, 1, 3, 0x7f, 0x20, 0, 0x0b);
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "too many locals");
        lim.max_locals = 4;
        expect_lim(&m, &lim, WSBX_OK, "");

        lim = wsbx_default_limits;
        lim.max_body_size = 3;
        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        SEC(&m, 10, 1, 4, 0, 0x01, 0x01, 0x0b);
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "limit exceeded: function body size");

        lim = wsbx_default_limits;
        lim.max_functions = 1;
        m = module();
        TYPES(&m);
        SEC(&m, 2, 1, 0, 0, 0x00, 0);
        ONE_FUNC(&m);
        ONE_BODY(&m);
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "limit exceeded: functions (2 > 1)");

        /* A body missing its END at the end of the module. */
        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        SEC(&m, 10, 1, 3, 0, 0x41, 0x01);
        expect(&m, MAL, "unexpected end");
}

Test(decode, table_and_memory_sections)
{
        mod m = module();
        SEC(&m, 4, 2, 0x70, 0, 1, 0x6f, 1, 0, 10);
        SEC(&m, 5, 1, 1, 1, 0x80, 0x80, 0x04);
        wsbx_module *w = decode_ok(&m);
        cr_assert_eq(w->ntables, 2);
        cr_assert_eq(w->tables[1].elem, WSBX_EXTERNREF);
        cr_assert_eq(w->tables[1].limits.max, 10);
        cr_assert_eq(w->nmemories, 1);
        cr_assert_eq(w->memories[0].limits.max, 65536);
        wsbx_module_delete(w);

        m = module();
        SEC(&m, 4, 1, 0x70, 1, 2, 1);
        expect(&m, INV, "size minimum must not be greater than maximum");
        m = module();
        SEC(&m, 4, 1, 0x7f, 0, 0);
        expect(&m, MAL, "malformed reference type");
        m = module();
        SEC(&m, 4, 1, 0x70, 0x81, 0x00, 0);
        expect(&m, MAL, "integer representation too long");
        m = module();
        SEC(&m, 5, 1, 0, 0x81, 0x80, 0x04);
        expect(&m, INV, "memory size must be at most 65536 pages (4GiB)");
        m = module();
        SEC(&m, 5, 1, 1, 2, 1);
        expect(&m, INV, "size minimum must not be greater than maximum");
        m = module();
        SEC(&m, 5, 2, 0, 0, 0, 0);
        expect(&m, INV, "multiple memories");
        m = module();
        SEC(&m, 5, 1, 0x10, 0);
        expect(&m, MAL, "integer too large");

        wsbx_limits_cfg lim = wsbx_default_limits;
        lim.max_tables = 1;
        m = module();
        SEC(&m, 4, 2, 0x70, 0, 1, 0x6f, 1, 0, 10);
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "limit exceeded: tables (2 > 1)");
}

Test(decode, global_section_constant_expressions)
{
        mod m = module();
        TYPES(&m);
        SEC(&m, 2, 1, 0, 0, 0x03, 0x7d, 0);                     /* imported f32 global */
        ONE_FUNC(&m);
        SEC(&m, 6, 8,
            0x7f, 0, 0x41, 0x7f, 0x0b,                          /* i32 -1 */
            0x7e, 1, 0x42, 0x80, 0x01, 0x0b,                    /* mut i64 128 */
            0x7d, 0, 0x43, 0x00, 0x00, 0x80, 0x3f, 0x0b,        /* f32 1.0 */
            0x7c, 0, 0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x0b,  /* f64 1.0 */
            0x7b, 0, 0xfd, 0x0c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0x0b,
            0x6f, 0, 0xd0, 0x6f, 0x0b,                          /* ref.null extern */
            0x70, 0, 0xd2, 0x00, 0x0b,                          /* ref.func 0 */
            0x7d, 0, 0x23, 0x00, 0x0b);                         /* global.get 0 */
        ONE_BODY(&m);
        wsbx_module *w = decode_ok(&m);
        cr_assert_eq(w->nglobals, 9);
        cr_assert_eq(w->nimported_globals, 1);
        cr_assert_eq(w->global_types[2].type, WSBX_I64);
        cr_assert(w->global_types[2].mut);
        cr_assert_eq(w->globals[0].init.op, WSBX_CONST_I32);
        cr_assert_eq(w->globals[0].init.u.i32, 0xffffffffu);
        cr_assert_eq(w->globals[1].init.u.i64, 128);
        cr_assert_eq(w->globals[2].init.u.f32_bits, 0x3f800000u);
        cr_assert_eq(w->globals[3].init.u.f64_bits, 0x3ff0000000000000ull);
        cr_assert_eq(w->globals[4].init.op, WSBX_CONST_V128);
        cr_assert_eq(w->globals[4].init.u.v128[15], 16);
        cr_assert_eq(w->globals[5].init.op, WSBX_CONST_REF_NULL);
        cr_assert_eq(w->globals[5].init.u.reftype, WSBX_EXTERNREF);
        cr_assert_eq(w->globals[6].init.op, WSBX_CONST_REF_FUNC);
        cr_assert_eq(w->globals[6].init.u.index, 0);
        cr_assert_eq(w->globals[7].init.op, WSBX_CONST_GLOBAL_GET);
        cr_assert_eq(w->globals[7].init.u.index, 0);
        wsbx_module_delete(w);

        m = module();
        SEC(&m, 6, 1, 0x7f, 0, 0x42, 0, 0x0b);
        expect(&m, INV, "type mismatch");
        m = module();
        SEC(&m, 6, 1, 0x7f, 0, 0x0b);
        expect(&m, INV, "type mismatch");
        m = module();
        SEC(&m, 6, 1, 0x7f, 0, 0x41, 0, 0x41, 0, 0x0b);
        expect(&m, INV, "type mismatch");
        m = module();
        SEC(&m, 6, 1, 0x7f, 0, 0x41, 0, 0x41, 0, 0x6a, 0x0b);
        expect(&m, INV, "constant expression required");
        m = module();
        SEC(&m, 6, 1, 0x7f, 0, 0x01, 0x41, 0, 0x0b);
        expect(&m, INV, "constant expression required");
        m = module();
        SEC(&m, 6, 1, 0x7f, 0, 0x02, 0x40, 0x0b, 0x41, 0, 0x0b);
        expect(&m, INV, "constant expression required");
        /* Wasm 2.0: global.get may only name an imported global. */
        m = module();
        SEC(&m, 6, 2, 0x7f, 0, 0x41, 0, 0x0b, 0x7f, 0, 0x23, 0, 0x0b);
        expect(&m, INV, "unknown global 0");
        m = module();
        SEC(&m, 2, 1, 0, 0, 0x03, 0x7f, 1);
        SEC(&m, 6, 1, 0x7f, 0, 0x23, 0, 0x0b);
        expect(&m, INV, "constant expression required");
        m = module();
        SEC(&m, 6, 1, 0x70, 0, 0xd2, 5, 0x0b);
        expect(&m, INV, "unknown function 5");
        m = module();
        SEC(&m, 6, 1, 0x7f, 2, 0x41, 0, 0x0b);
        expect(&m, MAL, "malformed mutability");

        /* Missing END: the reference reads on into the next section. */
        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        RAW(&m, 6, 5, 1, 0x7f, 0, 0x41, 0);
        ONE_BODY(&m);
        expect(&m, MAL, "illegal opcode");
        m = module();
        SEC(&m, 6, 1, 0x7f, 0, 0x41, 0, 0x05, 0x0b);
        expect(&m, MAL, "END opcode expected");
        m = module();
        SEC(&m, 6, 1, 0x7f, 0, 0xfc, 0x40, 0x0b);
        expect(&m, MAL, "illegal opcode");
        m = module();
        SEC(&m, 6, 1, 0x7f, 0, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b);
        expect(&m, MAL, "integer representation too long");
        m = module();
        SEC(&m, 6, 1, 0x7f, 0, 0x28, 0x40, 0, 0x0b);
        expect(&m, MAL, "malformed memop flags");
        m = module();
        SEC(&m, 6, 1, 0x7f, 0, 0x3f, 0x01, 0x0b);
        expect(&m, MAL, "zero byte expected");
}

Test(decode, export_section)
{
        mod m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        SEC(&m, 4, 1, 0x70, 0, 0);
        SEC(&m, 5, 1, 0, 0);
        SEC(&m, 6, 1, 0x7f, 0, 0x41, 0, 0x0b);
        SEC(&m, 7, 4, 1, 'f', 0, 0, 1, 't', 1, 0, 1, 'm', 2, 0, 2, 'g', 'g', 3, 0);
        ONE_BODY(&m);
        wsbx_module *w = decode_ok(&m);
        cr_assert_eq(w->nexports, 4);
        cr_assert_eq(w->exports[3].kind, WSBX_EXTERN_GLOBAL);
        cr_assert_eq(w->exports[3].name.len, 2);
        cr_assert_eq(memcmp(w->exports[3].name.ptr, "gg", 2), 0);
        cr_assert_eq(w->exports[2].kind, WSBX_EXTERN_MEMORY);
        wsbx_module_delete(w);

        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        SEC(&m, 7, 3, 1, 'a', 0, 0, 1, 'b', 0, 0, 1, 'a', 0, 0);
        ONE_BODY(&m);
        expect(&m, INV, "duplicate export name");

        /* Many names, one repeat at the end: the later one is reported. */
        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        uint8_t c[2048];
        size_t n = 0;
        c[n++] = 0x81;
        c[n++] = 0x02; /* 257 exports */
        size_t last = 0;
        for (int i = 0; i < 257; i++) {
                int v = i < 256 ? i : 77;
                if (i == 256)
                        last = n;
                c[n++] = 4;
                n += (size_t)sprintf((char *)c + n, "e%03d", v);
                c[n++] = 0;
                c[n++] = 0;
        }
        size_t sec_start = m.n + 1 + 2; /* id and a two-byte size */
        section(&m, 7, c, n);
        ONE_BODY(&m);
        expect(&m, INV, "duplicate export name");
        cr_assert_eq(err.offset, sec_start + last, "offset %zu", err.offset);
        c[last + 1] = 'x';
        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        section(&m, 7, c, n);
        ONE_BODY(&m);
        w = decode_ok(&m);
        cr_assert_eq(w->nexports, 257);
        wsbx_module_delete(w);

        static const struct { uint8_t kind; const char *msg; } unknown[] = {
                {0, "unknown function 3"}, {1, "unknown table 3"}, {2, "unknown memory 3"}, {3, "unknown global 3"}};
        for (int i = 0; i < 4; i++) {
                m = module();
                uint8_t one[] = {1, 1, 'x', unknown[i].kind, 3};
                section(&m, 7, one, sizeof one);
                expect(&m, INV, unknown[i].msg);
        }
        m = module();
        SEC(&m, 7, 1, 1, 'x', 4, 0);
        expect(&m, MAL, "malformed export kind");

        /* Two declared, one given, followed by a code section: the
         * second name's length is the code section's id. */
        m = module();
        TYPES(&m);
        SEC(&m, 3, 2, 0, 0);
        SEC(&m, 7, 2, 2, 'f', '1', 0, 0);
        SEC(&m, 10, 2, 2, 0, 0x0b, 2, 0, 0x0b);
        expect(&m, MAL, "length out of bounds");

        wsbx_limits_cfg lim = wsbx_default_limits;
        lim.max_exports = 1;
        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        SEC(&m, 7, 2, 1, 'a', 0, 0, 1, 'b', 0, 0);
        ONE_BODY(&m);
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "limit exceeded: exports (2 > 1)");
}

Test(decode, exports_declare_function_references)
{
        /* ref.func in a body needs the function declared (C.refs): an
         * export declares it, nothing else here does. */
        mod m = module();
        SEC(&m, 1, 1, 0x60, 0, 1, 0x70);
        ONE_FUNC(&m);
        SEC(&m, 7, 1, 1, 'f', 0, 0);
        SEC(&m, 10, 1, 4, 0, 0xd2, 0, 0x0b);
        wsbx_module *w = decode_ok(&m);
        cr_assert_eq(wsbx_validate_func(w, 0, NULL, &err), WSBX_OK, "%s", err.msg);
        wsbx_module_delete(w);

        m = module();
        SEC(&m, 1, 1, 0x60, 0, 1, 0x70);
        ONE_FUNC(&m);
        SEC(&m, 10, 1, 4, 0, 0xd2, 0, 0x0b);
        expect(&m, INV, "undeclared function reference");
}

Test(decode, start_section)
{
        mod m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        SEC(&m, 8, 0);
        ONE_BODY(&m);
        wsbx_module *w = decode_ok(&m);
        cr_assert(w->has_start);
        cr_assert_eq(w->start, 0);
        wsbx_module_delete(w);

        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        SEC(&m, 8, 1);
        ONE_BODY(&m);
        expect(&m, INV, "unknown function 1");

        m = module();
        TYPES(&m);
        SEC(&m, 3, 1, 1);
        SEC(&m, 8, 0);
        SEC(&m, 10, 1, 4, 0, 0x20, 0, 0x0b);
        expect(&m, INV, "start function");
}

Test(decode, element_section_all_encodings)
{
        mod m = module();
        TYPES(&m);
        SEC(&m, 3, 2, 0, 0);
        SEC(&m, 4, 2, 0x70, 0, 10, 0x6f, 0, 10);
        SEC(&m, 9, 8,
            0x00, 0x41, 1, 0x0b, 2, 0, 1,                       /* active t0, funcs */
            0x01, 0x00, 1, 1,                                   /* passive, funcs */
            0x02, 0, 0x41, 2, 0x0b, 0x00, 1, 0,                 /* active t0 explicit */
            0x03, 0x00, 1, 1,                                   /* declarative */
            0x04, 0x41, 3, 0x0b, 2, 0xd2, 0, 0x0b, 0xd0, 0x70, 0x0b,
            0x05, 0x6f, 1, 0xd0, 0x6f, 0x0b,                    /* passive externref */
            0x06, 1, 0x41, 4, 0x0b, 0x6f, 0,                    /* active t1, no items */
            0x07, 0x70, 1, 0xd2, 1, 0x0b);                      /* declarative exprs */
        SEC(&m, 10, 2, 2, 0, 0x0b, 2, 0, 0x0b);
        wsbx_module *w = decode_ok(&m);
        cr_assert_eq(w->nelems, 8);
        cr_assert_eq(w->elems[0].mode, WSBX_SEG_ACTIVE);
        cr_assert_eq(w->elems[0].offset.u.i32, 1);
        cr_assert_eq(w->elems[0].count, 2);
        cr_assert_eq(w->elems[0].items[1].op, WSBX_CONST_REF_FUNC);
        cr_assert_eq(w->elems[0].items[1].u.index, 1);
        cr_assert_eq(w->elems[1].mode, WSBX_SEG_PASSIVE);
        cr_assert_eq(w->elems[2].table, 0);
        cr_assert_eq(w->elems[2].offset.u.i32, 2);
        cr_assert_eq(w->elems[3].mode, WSBX_SEG_DECLARATIVE);
        cr_assert_eq(w->elems[4].count, 2);
        cr_assert_eq(w->elems[4].items[1].op, WSBX_CONST_REF_NULL);
        cr_assert_eq(w->elems[5].type, WSBX_EXTERNREF);
        cr_assert_eq(w->elems[5].mode, WSBX_SEG_PASSIVE);
        cr_assert_eq(w->elems[6].table, 1);
        cr_assert_eq(w->elems[6].count, 0);
        cr_assert_eq(w->elems[7].mode, WSBX_SEG_DECLARATIVE);
        cr_assert_eq(w->elems[7].items[0].u.index, 1);
        wsbx_module_delete(w);

        m = module();
        SEC(&m, 9, 1, 0x08, 0);
        expect(&m, MAL, "malformed elements segment kind");
        m = module();
        SEC(&m, 9, 1, 0x01, 0x01, 0);
        expect(&m, MAL, "malformed element kind");
        m = module();
        SEC(&m, 9, 1, 0x05, 0x7f, 0);
        expect(&m, MAL, "malformed reference type");
        m = module();
        SEC(&m, 9, 1, 0x00, 0x41, 0, 0x0b, 0);
        expect(&m, INV, "unknown table 0");
        m = module();
        SEC(&m, 4, 1, 0x70, 0, 0);
        SEC(&m, 9, 1, 0x00, 0x41, 0, 0x0b, 1, 3);
        expect(&m, INV, "unknown function 3");
        m = module();
        SEC(&m, 4, 1, 0x70, 0, 0);
        SEC(&m, 9, 1, 0x06, 0, 0x41, 0, 0x0b, 0x6f, 0);
        expect(&m, INV, "type mismatch");
        m = module();
        SEC(&m, 4, 1, 0x70, 0, 0);
        SEC(&m, 9, 1, 0x00, 0x42, 0, 0x0b, 0);
        expect(&m, INV, "type mismatch");
        m = module();
        SEC(&m, 9, 1, 0x05, 0x6f, 1, 0xd0, 0x70, 0x0b);
        expect(&m, INV, "type mismatch");
        m = module();
        SEC(&m, 9, 1, 0x05, 0x70, 1, 0xf3, 0, 0x0b);
        expect(&m, MAL, "illegal opcode");

        wsbx_limits_cfg lim = wsbx_default_limits;
        lim.max_elem_segments = 1;
        m = module();
        SEC(&m, 9, 2, 0x01, 0x00, 0, 0x01, 0x00, 0);
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "limit exceeded: element segments (2 > 1)");
        lim = wsbx_default_limits;
        lim.max_elem_items = 1;
        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        SEC(&m, 9, 1, 0x01, 0x00, 2, 0, 0);
        ONE_BODY(&m);
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "limit exceeded: element items (2 > 1)");
}

Test(decode, data_and_datacount_sections)
{
        mod m = module();
        SEC(&m, 5, 1, 0, 1);
        SEC(&m, 12, 3);
        SEC(&m, 11, 3,
            0x00, 0x41, 8, 0x0b, 2, 'h', 'i',
            0x01, 3, 'a', 'b', 'c',
            0x02, 0, 0x41, 16, 0x0b, 0);
        wsbx_module *w = decode_ok(&m);
        cr_assert(w->has_datacount);
        cr_assert_eq(w->datacount, 3);
        cr_assert_eq(w->ndatas, 3);
        cr_assert_eq(w->datas[0].mode, WSBX_SEG_ACTIVE);
        cr_assert_eq(w->datas[0].offset.u.i32, 8);
        cr_assert_eq(w->datas[0].size, 2);
        cr_assert_eq(memcmp(w->bytes + w->datas[0].data_offset, "hi", 2), 0);
        cr_assert_eq(w->datas[1].mode, WSBX_SEG_PASSIVE);
        cr_assert_eq(memcmp(w->bytes + w->datas[1].data_offset, "abc", 3), 0);
        cr_assert_eq(w->datas[2].offset.u.i32, 16);
        cr_assert_eq(w->datas[2].size, 0);
        wsbx_module_delete(w);

        m = module();
        SEC(&m, 5, 1, 0, 1);
        SEC(&m, 11, 1, 0x03, 0);
        expect(&m, MAL, "malformed data segment kind");
        m = module();
        SEC(&m, 11, 1, 0x00, 0x41, 0, 0x0b, 0);
        expect(&m, INV, "unknown memory 0");
        m = module();
        SEC(&m, 5, 1, 0, 1);
        SEC(&m, 11, 1, 0x02, 1, 0x41, 0, 0x0b, 0);
        expect(&m, INV, "unknown memory 1");
        m = module();
        SEC(&m, 5, 1, 0, 1);
        SEC(&m, 12, 2);
        SEC(&m, 11, 1, 0x01, 0);
        expect(&m, MAL, "data count and data section have inconsistent lengths");
        m = module();
        SEC(&m, 5, 1, 0, 1);
        SEC(&m, 12, 1);
        expect(&m, MAL, "data count and data section have inconsistent lengths");
        /* 7 bytes declared, 6 given. */
        m = module();
        SEC(&m, 5, 1, 0, 1);
        SEC(&m, 11, 1, 0x00, 0x41, 3, 0x0b, 7, 'a', 'b', 'c', 'd', 'e', 'f');
        expect(&m, MAL, "unexpected end of section or function");

        /* memory.init without a data count section. */
        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        SEC(&m, 5, 1, 0, 1);
        SEC(&m, 10, 1, 12, 0, 0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x08, 0, 0, 0x0b);
        SEC(&m, 11, 1, 0x01, 0);
        expect(&m, MAL, "data count section required");

        wsbx_limits_cfg lim = wsbx_default_limits;
        lim.max_data_segments = 1;
        m = module();
        SEC(&m, 11, 2, 0x01, 0, 0x01, 0);
        expect_lim(&m, &lim, WSBX_ERR_LIMIT, "limit exceeded: data segments (2 > 1)");
}

Test(decode, custom_sections)
{
        mod m = module();
        SEC(&m, 0, 3, 'a', 'b', 'c', 'x', 'y');
        TYPES(&m);
        SEC(&m, 0, 1, 'z');
        wsbx_module *w = decode_ok(&m);
        cr_assert_eq(w->ncustoms, 2);
        cr_assert_eq(w->customs[0].name.len, 3);
        cr_assert_eq(memcmp(w->customs[0].name.ptr, "abc", 3), 0);
        cr_assert_eq(w->customs[0].size, 2);
        cr_assert_eq(memcmp(w->bytes + w->customs[0].offset, "xy", 2), 0);
        cr_assert_eq(w->customs[1].size, 0);
        cr_assert_null(w->func_names);
        cr_assert_eq(w->name.len, 0);
        wsbx_module_delete(w);

        /* The name overruns the section size. */
        m = module();
        RAW(&m, 0, 0, 0, 5, 1, 0, 7, 0, 0);
        expect(&m, MAL, "unexpected end");
        m = module();
        SEC(&m, 0, 2, 0xc0, 0x80);
        expect(&m, MAL, "malformed UTF-8 encoding");
        /* A custom section size that swallows the next section's id. */
        m = module();
        RAW(&m, 0, 3, 1, 'a');
        RAW(&m, 0, 0x24);
        expect(&m, MAL, "malformed section id");
        m = module();
        RAW(&m, 0);
        expect(&m, MAL, "unexpected end");
}

Test(decode, name_section)
{
        mod m = module();
        TYPES(&m);
        SEC(&m, 2, 1, 1, 'm', 1, 'f', 0x00, 0);
        SEC(&m, 3, 2, 0, 0);
        SEC(&m, 10, 2, 2, 0, 0x0b, 2, 0, 0x0b);
        SEC(&m, 0, 4, 'n', 'a', 'm', 'e',
            0, 4, 3, 'm', 'o', 'd',
            1, 10, 2, 0, 3, 'i', 'm', 'p', 2, 2, 'f', '2',
            2, 1, 0); /* local names: skipped */
        wsbx_module *w = decode_ok(&m);
        cr_assert_eq(w->name.len, 3);
        cr_assert_eq(memcmp(w->name.ptr, "mod", 3), 0);
        cr_assert_not_null(w->func_names);
        cr_assert_eq(w->func_names[0].len, 3);
        cr_assert_eq(memcmp(w->func_names[0].ptr, "imp", 3), 0);
        cr_assert_eq(w->func_names[1].len, 0);
        cr_assert_eq(w->func_names[2].len, 2);
        cr_assert_eq(memcmp(w->func_names[2].ptr, "f2", 2), 0);
        wsbx_module_delete(w);

        /* Malformed name sections are ignored, never an error. */
        m = module();
        TYPES(&m);
        ONE_FUNC(&m);
        ONE_BODY(&m);
        SEC(&m, 0, 4, 'n', 'a', 'm', 'e', 1, 9, 1, 0, 0x20, 'x');
        w = decode_ok(&m);
        cr_assert_null(w->func_names);
        wsbx_module_delete(w);
        m = module();
        SEC(&m, 0, 4, 'n', 'a', 'm', 'e', 0, 3, 2, 0xc0, 0x80);
        w = decode_ok(&m);
        cr_assert_eq(w->name.len, 0);
        wsbx_module_delete(w);
}

Test(decode, malformed_beats_invalid)
{
        /* Unknown type (invalid) first, bad data kind (malformed) later. */
        mod m = module();
        SEC(&m, 3, 1, 9);
        SEC(&m, 10, 1, 2, 0, 0x0b);
        SEC(&m, 11, 1, 0x07);
        expect(&m, MAL, "malformed data segment kind");

        /* A body that fails typing, then a body with an illegal opcode. */
        m = module();
        TYPES(&m);
        SEC(&m, 3, 2, 0, 0);
        SEC(&m, 10, 2, 3, 0, 0x6a, 0x0b, 3, 0, 0x06, 0x0b);
        expect(&m, MAL, "illegal opcode");

        /* Only the typing error: it is reported, the first one. */
        m = module();
        TYPES(&m);
        SEC(&m, 3, 2, 0, 0);
        SEC(&m, 10, 2, 3, 0, 0x6a, 0x0b, 2, 0, 0x0b);
        expect(&m, INV, "type mismatch");

        /* Invalid module, malformed end of module. */
        m = module();
        TYPES(&m);
        SEC(&m, 3, 1, 5);
        expect(&m, MAL, "function and code section have inconsistent lengths");

        /* A constant expression that is both: the malformed part wins. */
        m = module();
        SEC(&m, 6, 1, 0x7f, 0, 0x6a, 0x28, 0x40, 0, 0x0b);
        expect(&m, MAL, "malformed memop flags");
}

Test(decode, hostile_counts)
{
        /* Counts beyond the input are rejected before any allocation. */
        mod m = module();
        RAW(&m, 1, 6, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x60);
        expect(&m, MAL, "length out of bounds");

        /* A count that fits the module but not its section: decoded into
         * one scratch slot, and the section fails its size check. */
        m = module();
        RAW(&m, 3, 2, 100, 0);
        SEC(&m, 0, 1, 'x');
        for (int i = 0; i < 100; i++)
                RAW(&m, 0);
        expect(&m, MAL, "");

        m = module();
        RAW(&m, 7, 2, 0x80, 0x01);
        for (int i = 0; i < 200; i++)
                RAW(&m, 0, 0, 0);
        expect(&m, MAL, "");

        /* Deeply nested blocks in a constant expression: no recursion. */
        mod *big = malloc(sizeof *big);
        *big = module();
        uint8_t c[3000];
        size_t n = 0;
        c[n++] = 1;
        c[n++] = 0x7f;
        c[n++] = 0;
        for (int i = 0; i < 900; i++) {
                c[n++] = 0x02;
                c[n++] = 0x40;
        }
        for (int i = 0; i < 900; i++)
                c[n++] = 0x0b;
        c[n++] = 0x0b;
        section(big, 6, c, n);
        expect(big, INV, "constant expression required");
        free(big);
}

Test(decode, load_text)
{
        static const char text[] = "(module (func (export \"f\") (param i32) (result i32) local.get 0))";
        wsbx_module *w = NULL;
        wsbx_errkind k = wsbx_module_load((const uint8_t *)text, sizeof text - 1, NULL, &w, &err);
        if (k != WSBX_OK && strstr(err.msg, "not implemented"))
                cr_skip_test("text format not available: %s", err.msg);
        cr_assert_eq(k, WSBX_OK, "%s", err.msg);
        cr_assert_eq(w->nfuncs, 1);
        cr_assert_eq(w->nexports, 1);
        cr_assert_eq(w->types[w->func_types[0]].nparams, 1);
        wsbx_module_delete(w);

        /* Binary input goes straight to the decoder. */
        mod m = module();
        TYPES(&m);
        k = wsbx_module_load(m.b, m.n, NULL, &w, &err);
        cr_assert_eq(k, WSBX_OK);
        cr_assert_eq(w->ntypes, 2);
        wsbx_module_delete(w);

        static const char bad[] = "(module (func (result i32)))";
        k = wsbx_module_load((const uint8_t *)bad, sizeof bad - 1, NULL, &w, &err);
        cr_assert_eq(k, WSBX_ERR_INVALID, "%s", err.msg);
        cr_assert_null(w);
}

/* Loads text that fails decoding or validation: the error names the token
 * that produced the offending bytes, and keeps the offset into the text's
 * binary encoding. */
static void expect_text_error(const char *text, wsbx_errkind kind, const char *msg, uint32_t line,
                              uint32_t col)
{
        wsbx_module *w = (wsbx_module *)1;
        memset(&err, 0, sizeof err);
        wsbx_errkind k = wsbx_module_load((const uint8_t *)text, strlen(text), NULL, &w, &err);
        cr_assert_eq(k, kind, "%s: %s", text, err.msg);
        cr_assert_null(w);
        cr_assert_eq(strncmp(err.msg, msg, strlen(msg)), 0, "%s: got \"%s\"", text, err.msg);
        cr_assert(err.line == line && err.col == col, "%s: at %u:%u, expected %u:%u", text, err.line,
                  err.col, line, col);
        /* The offset is the one decoding the encoding reports. */
        uint8_t *bin = NULL;
        size_t n = 0;
        wsbx_error e2 = {0};
        cr_assert_eq(wsbx_wat_to_binary(text, strlen(text), &bin, &n, &e2), WSBX_OK);
        cr_assert_eq(wsbx_module_decode(bin, n, NULL, &w, &e2), kind);
        cr_assert_eq(err.offset, e2.offset, "%s: offset %zu, decoding says %zu", text, err.offset, e2.offset);
        cr_assert_eq(e2.line, 0, "binary input has no text position");
        free(bin);
}

Test(decode, load_text_errors_have_text_positions)
{
        /* Function bodies: the instruction, or the function's closing
         * paren for what is wrong at its end. */
        expect_text_error("(module\n  (func (result i32)\n    (i64.const 0)))", WSBX_ERR_INVALID,
                          "type mismatch", 3, 18);
        expect_text_error("(module\n  (func (param i32) (result i32)\n    (i32.add (local.get 0) (f32.const 1))))",
                          WSBX_ERR_INVALID, "type mismatch", 3, 6);
        expect_text_error("(module (func\n  local.get 3 drop))", WSBX_ERR_INVALID, "unknown local", 2, 3);
        /* Constant expressions: their instruction. */
        expect_text_error("(module\n  (global i32 (i64.const 1)))", WSBX_ERR_INVALID, "type mismatch", 2, 16);
        expect_text_error("(module (memory 1)\n  (data (offset (i64.const 0)) \"x\"))", WSBX_ERR_INVALID,
                          "type mismatch", 2, 18);
        /* Module-level checks: the field, its index or its type use. */
        expect_text_error("(module\n  (func $f (param i32))\n  (start $f))", WSBX_ERR_INVALID,
                          "start function must not have parameters", 3, 10);
        expect_text_error("(module\n  (func (export \"a\"))\n  (func (export \"a\")))", WSBX_ERR_INVALID,
                          "duplicate export name", 3, 10);
        expect_text_error("(module\n  (memory 1)\n  (memory 1))", WSBX_ERR_INVALID, "multiple memories", 3, 4);
        expect_text_error("(module\n  (func (type 9)))", WSBX_ERR_INVALID, "unknown type", 2, 10);
        expect_text_error("(module\n  (export \"e\" (table 0)))", WSBX_ERR_INVALID, "unknown table", 2, 16);
        expect_text_error("(module (table 1 funcref)\n  (elem (i32.const 0) externref (ref.null extern)))",
                          WSBX_ERR_INVALID, "type mismatch", 2, 4);

        /* A syntax error has only its text position. */
        wsbx_module *w;
        static const char bad[] = "(module\n  (func (foo)))";
        cr_assert_eq(wsbx_module_load((const uint8_t *)bad, sizeof bad - 1, NULL, &w, &err), WSBX_ERR_MALFORMED);
        cr_assert(err.line == 2 && err.col == 10, "%u:%u", err.line, err.col);
        cr_assert_eq(err.offset, SIZE_MAX);
}

Test(decode, delete_null)
{
        wsbx_module_delete(NULL);
        cr_assert(true);
}
