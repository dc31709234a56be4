/* test_text.c - the text format: lexer (token kinds, comments, annotations,
 * string escapes, positions), numeric literals (integer range edges,
 * underscores, hex floats, correct rounding, NaN payloads), the module
 * parser (fields, abbreviations, folded forms, labels, implicit types and
 * the error messages the spec tests match on, with line:col) and the
 * position map from binary offsets back to tokens. Expected binaries are
 * written out byte by byte. */
#include <criterion/criterion.h>
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

static wsbx_error err;

/* ---- lexer ------------------------------------------------------------ */

typedef struct lexed {
        wsbx_tokkind kind[32];
        char text[32][64];
        uint32_t line[32], col[32];
        int n;
} lexed;

static wsbx_errkind lex_all(const char *src, lexed *out)
{
        wsbx_lexer lx;
        wsbx_token t;
        wsbx_lexer_init(&lx, src, strlen(src));
        memset(out, 0, sizeof *out);
        memset(&err, 0, sizeof err);
        for (;;) {
                wsbx_errkind k = wsbx_lex_next(&lx, &t, &err);
                if (k)
                        return k;
                if (t.kind == WSBX_TOK_EOF || out->n == 32)
                        return WSBX_OK;
                out->kind[out->n] = t.kind;
                snprintf(out->text[out->n], 64, "%.*s", (int)t.len, t.start);
                out->line[out->n] = t.line;
                out->col[out->n] = t.col;
                out->n++;
        }
}

Test(lexer, token_kinds)
{
        lexed l;
        cr_assert_eq(lex_all("(module $m \"s\\\"x\" 12 -0x1p3 i32.add offset=4 ,x 1x $\"q d\")", &l), WSBX_OK);
        static const wsbx_tokkind want[] = {
                WSBX_TOK_LPAREN, WSBX_TOK_KEYWORD, WSBX_TOK_ID, WSBX_TOK_STRING, WSBX_TOK_NUMBER,
                WSBX_TOK_NUMBER, WSBX_TOK_KEYWORD, WSBX_TOK_KEYWORD, WSBX_TOK_RESERVED, WSBX_TOK_RESERVED,
                WSBX_TOK_ID, WSBX_TOK_RPAREN,
        };
        cr_assert_eq(l.n, 12);
        for (int i = 0; i < 12; i++)
                cr_assert_eq(l.kind[i], want[i], "token %d (%s)", i, l.text[i]);
        cr_assert_str_eq(l.text[3], "\"s\\\"x\"");
        cr_assert_str_eq(l.text[10], "$\"q d\"");
}

Test(lexer, comments_and_annotations_are_skipped)
{
        lexed l;
        cr_assert_eq(lex_all(";; line\n(; block (; nested ;) still ;)a (@ann (x \"(\") y) b;;c\rd", &l), WSBX_OK);
        cr_assert_eq(l.n, 3);
        cr_assert_str_eq(l.text[0], "a");
        cr_assert_str_eq(l.text[1], "b");
        cr_assert_str_eq(l.text[2], "d", "a lone CR ends a line comment");
}

Test(lexer, positions_are_one_based)
{
        lexed l;
        cr_assert_eq(lex_all("(a\n  bc\r\n\t$d)", &l), WSBX_OK);
        cr_assert_eq(l.line[0], 1);
        cr_assert_eq(l.col[0], 1);
        cr_assert_eq(l.col[1], 2);
        cr_assert_eq(l.line[2], 2);
        cr_assert_eq(l.col[2], 3);
        cr_assert_eq(l.line[3], 3);
        cr_assert_eq(l.col[3], 2);
}

Test(lexer, errors)
{
        lexed l;
        cr_assert_eq(lex_all("(; never closed", &l), WSBX_ERR_MALFORMED);
        cr_assert_str_eq(err.msg, "unclosed comment");
        cr_assert_eq(lex_all("x \"abc", &l), WSBX_ERR_MALFORMED);
        cr_assert_str_eq(err.msg, "unclosed string");
        cr_assert_eq(err.col, 3);
        cr_assert_eq(lex_all("\"\\q\"", &l), WSBX_ERR_MALFORMED);
        cr_assert_str_eq(err.msg, "illegal escape");
        cr_assert_eq(lex_all("\"\\u{d800}\"", &l), WSBX_ERR_MALFORMED, "surrogates are not scalar values");
        cr_assert_eq(lex_all("\"\xc0\x80\"", &l), WSBX_ERR_MALFORMED);
        cr_assert_str_eq(err.msg, "malformed UTF-8 encoding");
        cr_assert_eq(lex_all(";; \xff\n", &l), WSBX_ERR_MALFORMED, "comments must be UTF-8 too");
        cr_assert_eq(lex_all("(@x (y)", &l), WSBX_ERR_MALFORMED, "unbalanced annotation");
}

Test(lexer, string_escapes)
{
        const char *src = "\"a\\t\\n\\r\\\"\\'\\\\\\41\\u{48}\\u{e9}\\u{1F600}\"";
        wsbx_token t = {.kind = WSBX_TOK_STRING, .start = src, .len = strlen(src)};
        uint8_t buf[64];
        size_t n;
        cr_assert_eq(wsbx_text_string(&t, buf, &n, &err), WSBX_OK);
        static const uint8_t want[] = {'a', '\t', '\n', '\r', '"', '\'', '\\', 'A', 'H',
                                       0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80};
        cr_assert_eq(n, sizeof want);
        cr_assert_arr_eq(buf, want, sizeof want);
}

Test(lexer, peek_does_not_consume)
{
        wsbx_lexer lx;
        wsbx_token a, b;
        wsbx_lexer_init(&lx, "x y", 3);
        cr_assert_eq(wsbx_lex_peek(&lx, &a, &err), WSBX_OK);
        cr_assert_eq(wsbx_lex_next(&lx, &b, &err), WSBX_OK);
        cr_assert_eq(a.start, b.start);
        cr_assert_eq(wsbx_lex_next(&lx, &b, &err), WSBX_OK);
        cr_assert_eq(*b.start, 'y');
}

/* ---- numbers ---------------------------------------------------------- */

static wsbx_token num(const char *s)
{
        wsbx_token t = {.kind = WSBX_TOK_NUMBER, .start = s, .len = strlen(s), .line = 1, .col = 1};
        if (wsbx_text_numclass(s, t.len) == WSBX_NUM_NONE)
                t.kind = WSBX_TOK_RESERVED;
        return t;
}

static bool int_ok(const char *s, unsigned bits, uint64_t want)
{
        wsbx_token t = num(s);
        uint64_t v = ~want;
        return wsbx_text_int(&t, bits, &v, &err) == WSBX_OK && v == want;
}

static const char *int_err(const char *s, unsigned bits)
{
        wsbx_token t = num(s);
        uint64_t v;
        memset(&err, 0, sizeof err);
        if (wsbx_text_int(&t, bits, &v, &err) == WSBX_OK)
                return "ok";
        return err.msg;
}

Test(numbers, integer_range_edges)
{
        cr_assert(int_ok("4294967295", 32, 0xffffffff));
        cr_assert(int_ok("-2147483648", 32, 0x80000000));
        cr_assert(int_ok("+2147483647", 32, 0x7fffffff));
        cr_assert(int_ok("-0x8000_0000", 32, 0x80000000));
        cr_assert(int_ok("0xffff_ffff_ffff_ffff", 64, UINT64_MAX));
        cr_assert(int_ok("-9223372036854775808", 64, 0x8000000000000000ull));
        cr_assert(int_ok("1_000_000", 32, 1000000));
        cr_assert_str_eq(int_err("4294967296", 32), "constant out of range");
        cr_assert_str_eq(int_err("-2147483649", 32), "constant out of range");
        cr_assert_str_eq(int_err("+2147483648", 32), "constant out of range", "'+' takes the signed range");
        cr_assert_str_eq(int_err("18446744073709551616", 64), "constant out of range");
        cr_assert_str_eq(int_err("1.5", 32), "unexpected token");
}

Test(numbers, underscores_only_between_digits)
{
        cr_assert_eq(wsbx_text_numclass("1_0", 3), WSBX_NUM_NAT);
        cr_assert_eq(wsbx_text_numclass("_10", 3), WSBX_NUM_NONE);
        cr_assert_eq(wsbx_text_numclass("10_", 3), WSBX_NUM_NONE);
        cr_assert_eq(wsbx_text_numclass("1__0", 4), WSBX_NUM_NONE);
        cr_assert_eq(wsbx_text_numclass("0x_1", 4), WSBX_NUM_NONE);
        cr_assert_eq(wsbx_text_numclass("-1", 2), WSBX_NUM_INT);
        cr_assert_eq(wsbx_text_numclass("1e1_0", 5), WSBX_NUM_FLOAT);
        cr_assert_eq(wsbx_text_numclass(".5", 2), WSBX_NUM_NONE);
        cr_assert_eq(wsbx_text_numclass("0x", 2), WSBX_NUM_NONE);
        cr_assert_eq(wsbx_text_numclass("0x1p", 4), WSBX_NUM_NONE);
        cr_assert_str_eq(int_err("1__0", 32), "unknown operator");
}

static uint32_t f32(const char *s)
{
        wsbx_token t = num(s);
        uint32_t b = 0xdeadbeef;
        memset(&err, 0, sizeof err);
        cr_assert_eq(wsbx_text_f32(&t, &b, &err), WSBX_OK, "%s: %s", s, err.msg);
        return b;
}

static uint64_t f64(const char *s)
{
        wsbx_token t = num(s);
        uint64_t b = 0;
        memset(&err, 0, sizeof err);
        cr_assert_eq(wsbx_text_f64(&t, &b, &err), WSBX_OK, "%s: %s", s, err.msg);
        return b;
}

static const char *f32_err(const char *s)
{
        wsbx_token t = num(s);
        uint32_t b;
        memset(&err, 0, sizeof err);
        return wsbx_text_f32(&t, &b, &err) ? err.msg : "ok";
}

Test(numbers, floats)
{
        cr_assert_eq(f32("0x1.8p3"), 0x41400000);
        cr_assert_eq(f32("-0x1p-149"), 0x80000001);
        cr_assert_eq(f32("0x1.fffffep127"), 0x7f7fffff);
        cr_assert_eq(f32("1_000.5"), 0x447a2000);
        cr_assert_eq(f32("-0"), 0x80000000);
        cr_assert_eq(f64("0x1.fffffffffffffp1023"), 0x7fefffffffffffffull);
        cr_assert_eq(f64("4.9406564584124654e-324"), 1);
        cr_assert_eq(f64("1e1"), 0x4024000000000000ull);
}

Test(numbers, rounding_is_direct_to_f32)
{
        /* Halfway between 1 and the next float: ties to even (down)... */
        cr_assert_eq(f32("0x1.000001p0"), 0x3f800000);
        /* ...but one bit past halfway rounds up. Through double this would
         * first round to the halfway point and then down. */
        cr_assert_eq(f32("0x1.00000100000000001p0"), 0x3f800001);
        cr_assert_eq(f32("1.00000005960464477550"), 0x3f800001);
        cr_assert_eq(f32("1.00000005960464477539"), 0x3f800000);
        /* The largest finite f32 plus just under half an ulp stays finite. */
        cr_assert_eq(f32("340282356779733661637539395458142568447"), 0x7f7fffff);
}

Test(numbers, out_of_range_floats)
{
        cr_assert_str_eq(f32_err("0x1p128"), "constant out of range");
        cr_assert_str_eq(f32_err("0x1.ffffffp127"), "constant out of range");
        cr_assert_str_eq(f32_err("1e39"), "constant out of range");
        cr_assert_str_eq(f32_err("340282356779733661637539395458142568448"), "constant out of range");
        cr_assert_str_eq(f32_err("1e-50"), "ok", "underflow rounds to zero");
}

Test(numbers, inf_and_nan)
{
        cr_assert_eq(f32("inf"), 0x7f800000);
        cr_assert_eq(f32("-inf"), 0xff800000);
        cr_assert_eq(f32("nan"), 0x7fc00000);
        cr_assert_eq(f32("-nan"), 0xffc00000);
        cr_assert_eq(f32("nan:0x1"), 0x7f800001);
        cr_assert_eq(f32("nan:0x7f_ffff"), 0x7fffffff);
        cr_assert_eq(f64("nan:0xf_ffff_ffff_ffff"), 0x7fffffffffffffffull);
        cr_assert_eq(f64("-nan:0x1"), 0xfff0000000000001ull);
        cr_assert_str_eq(f32_err("nan:0x0"), "constant out of range");
        cr_assert_str_eq(f32_err("nan:0x80_0000"), "constant out of range");
}

/* ---- modules ---------------------------------------------------------- */

static uint8_t *bin;
static size_t bin_len;

static void wat(const char *src)
{
        free(bin);
        bin = NULL;
        memset(&err, 0, sizeof err);
        cr_assert_eq(wsbx_wat_to_binary(src, strlen(src), &bin, &bin_len, &err), WSBX_OK,
                     "%s\n-> %u:%u %s", src, err.line, err.col, err.msg);
}

/* Expects the module's bytes after the 8-byte header. */
static void expect_body(const char *src, const uint8_t *want, size_t n)
{
        wat(src);
        cr_assert_eq(bin_len, 8 + n, "%s: %zu bytes, expected %zu", src, bin_len, 8 + n);
        cr_assert_arr_eq(bin, "\0asm\1\0\0\0", 8);
        for (size_t i = 0; i < n; i++)
                cr_assert_eq(bin[8 + i], want[i], "%s: byte %zu is %#x, expected %#x", src, 8 + i,
                             bin[8 + i], want[i]);
}
#define EXPECT(src, ...)                                                       \
        do {                                                                   \
                static const uint8_t w_[] = {__VA_ARGS__};                     \
                expect_body(src, w_, sizeof w_);                               \
        } while (0)

static void expect_error(const char *src, const char *msg, uint32_t line, uint32_t col)
{
        uint8_t *out = NULL;
        size_t n;
        memset(&err, 0, sizeof err);
        cr_assert_eq(wsbx_wat_to_binary(src, strlen(src), &out, &n, &err), WSBX_ERR_MALFORMED, "%s", src);
        cr_assert_null(out);
        cr_assert_eq(strncmp(err.msg, msg, strlen(msg)), 0, "%s: got \"%s\", expected \"%s\"", src, err.msg, msg);
        if (line) {
                cr_assert_eq(err.line, line, "%s: line %u", src, err.line);
                cr_assert_eq(err.col, col, "%s: col %u", src, err.col);
        }
}

static void teardown(void)
{
        free(bin);
        bin = NULL;
}

TestSuite(wat, .fini = teardown);

Test(wat, empty_module_and_bare_fields)
{
        EXPECT("(module)");
        EXPECT("(module $m)");
        EXPECT("");
        /* Bare fields, as wat2wasm accepts them. */
        EXPECT("(memory 1)", 5, 3, 1, 0, 1);
}

Test(wat, func_with_folded_body_and_names)
{
        EXPECT("(module (func $f (export \"f\") (param $x i32) (result i32) (local $y i64)"
               " (i32.add (local.get $x) (i32.const -1))))",
               1, 6, 1, 0x60, 1, 0x7f, 1, 0x7f,           /* type */
               3, 2, 1, 0,                                /* func */
               7, 5, 1, 1, 'f', 0, 0,                     /* export */
               10, 11, 1, 9, 1, 1, 0x7e, 0x20, 0, 0x41, 0x7f, 0x6a, 0x0b);
}

Test(wat, implicit_types_reuse_and_append)
{
        /* The explicit type comes first even though it is written last;
         * the second function reuses it; the third appends a new type. */
        EXPECT("(func (param i32)) (func (param i32)) (func (result f32) f32.const 0)"
               " (type $t (func (param i32)))",
               1, 9, 2, 0x60, 1, 0x7f, 0, 0x60, 0, 1, 0x7d,
               3, 4, 3, 0, 0, 1,
               10, 15, 3, 2, 0, 0x0b, 2, 0, 0x0b, 7, 0, 0x43, 0, 0, 0, 0, 0x0b);
}

Test(wat, forward_references_and_inline_imports)
{
        EXPECT("(func (import \"m\" \"f\")) (func call $g) (func $g)",
               1, 4, 1, 0x60, 0, 0,
               2, 7, 1, 1, 'm', 1, 'f', 0, 0,
               3, 3, 2, 0, 0,
               10, 9, 2, 4, 0, 0x10, 2, 0x0b, 2, 0, 0x0b);
}

Test(wat, labels_and_plain_blocks)
{
        /* br $outer from two blocks deep is depth 1; if/else with labels. */
        EXPECT("(func block $outer loop $inner br $outer br $inner end end"
               " i32.const 0 if $l else $l end $l)",
               1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0,
               10, 20, 1, 18, 0, 0x02, 0x40, 0x03, 0x40, 0x0c, 1, 0x0c, 0, 0x0b, 0x0b,
               0x41, 0, 0x04, 0x40, 0x05, 0x0b, 0x0b);
}

Test(wat, folded_if_and_block_types)
{
        /* (result i32) is the short form; (param i32) needs a type. */
        EXPECT("(func (result i32) (if (result i32) (i32.const 1) (then (i32.const 2)) (else (i32.const 3))))"
               " (func (param i32) (block (param i32) (drop (local.get 0))) drop)",
               1, 9, 2, 0x60, 0, 1, 0x7f, 0x60, 1, 0x7f, 0,
               3, 3, 2, 0, 1,
               10, 24, 2, 12, 0, 0x41, 1, 0x04, 0x7f, 0x41, 2, 0x05, 0x41, 3, 0x0b, 0x0b,
               9, 0, 0x02, 1, 0x20, 0, 0x1a, 0x0b, 0x1a, 0x0b);
}

Test(wat, memory_data_and_memargs)
{
        EXPECT("(memory (data \"ab\" \"c\")) (func (drop (i64.load8_u offset=0x10 align=1 (i32.const 0))))",
               1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0,
               5, 4, 1, 1, 1, 1,
               10, 10, 1, 8, 0, 0x41, 0, 0x31, 0, 0x10, 0x1a, 0x0b,
               11, 9, 1, 0, 0x41, 0, 0x0b, 3, 'a', 'b', 'c');
}

Test(wat, table_with_inline_elem_and_segments)
{
        EXPECT("(table funcref (elem $f $f)) (func $f) (elem declare func $f)"
               " (elem (table 0) (offset (i32.const 1)) funcref (ref.null func))",
               1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0,
               4, 5, 1, 0x70, 1, 2, 2,
               9, 20, 3,
               0, 0x41, 0, 0x0b, 2, 0, 0,
               3, 0, 1, 0,
               4, 0x41, 1, 0x0b, 1, 0xd0, 0x70, 0x0b,
               10, 4, 1, 2, 0, 0x0b);
}

Test(wat, globals_exports_start)
{
        EXPECT("(global $g (export \"g\") (mut i32) (i32.const 7)) (func $s global.get $g drop) (start $s)",
               1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0,
               6, 6, 1, 0x7f, 1, 0x41, 7, 0x0b,
               7, 5, 1, 1, 'g', 3, 0,
               8, 1, 0,
               10, 7, 1, 5, 0, 0x23, 0, 0x1a, 0x0b);
}

Test(wat, simd_immediates)
{
        wat("(func (result v128) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31"
            " (v128.const i32x4 1 2 3 -1) (v128.const f32x4 1 1 1 1)))");
        /* v128.const i32x4 1 2 3 -1 */
        static const uint8_t c[] = {0xfd, 0x0c, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
        cr_assert(memmem(bin, bin_len, c, sizeof c) != NULL);
        /* The shuffle comes after both operands, with its 16 lanes. */
        static const uint8_t s[] = {0xfd, 0x0d, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31, 0x0b};
        cr_assert(memmem(bin, bin_len, s, sizeof s) != NULL);
}

Test(wat, names_are_utf8)
{
        wat("(func (export \"\\u{e9}t\\u{e9}\"))");
        static const uint8_t name[] = {5, 0xc3, 0xa9, 't', 0xc3, 0xa9, 0, 0};
        cr_assert(memmem(bin, bin_len, name, sizeof name) != NULL);
        expect_error("(func (export \"\\ff\"))", "malformed UTF-8 encoding", 1, 15);
}

Test(wat, binary_module)
{
        wat("(module $m binary \"\\00asm\" \"\\01\\00\\00\\00\")");
        cr_assert_eq(bin_len, 8);
        cr_assert_arr_eq(bin, "\0asm\1\0\0\0", 8);
}

Test(wat, error_messages_with_positions)
{
        expect_error("(module (func (foo)))", "unknown operator", 1, 16);
        expect_error("(module\n  (func (local i32) (param i32)))", "unexpected token", 2, 22);
        expect_error("(func $f) (func $f)", "duplicate func", 1, 17);
        expect_error("(func (param $x i32) (local $x i32))", "duplicate local", 1, 29);
        expect_error("(func br $nope)", "unknown label", 1, 10);
        expect_error("(func call $nope)", "unknown function", 1, 12);
        expect_error("(func block $a end $b)", "mismatching label", 1, 20);
        expect_error("(func) (import \"\" \"\" (func))", "import after function", 1, 9);
        expect_error("(func $f) (start $f) (start $f)", "multiple start sections", 1, 23);
        expect_error("(type $t (func (param i32))) (func (type $t) (param i64))", "inline function type", 0, 0);
        expect_error("(func (type $nope))", "unknown type", 0, 0);
        expect_error("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))",
                     "alignment must be a power of two", 0, 0);
        expect_error("(memory 1) (func (drop (i32.load offset=4294967296 (i32.const 0))))", "i32 constant", 0, 0);
        expect_error("(memory 0x1_0000_0000)", "i32 constant out of range", 0, 0);
        expect_error("(func (i32.const 0x) drop)", "unknown operator", 0, 0);
        expect_error("(func (i32.const 2147483648_0) drop)", "constant out of range", 0, 0);
        expect_error("(func (v128.const i32x4 1 2 3) drop)", "wrong number of lane literals", 0, 0);
        expect_error("(func (i8x16.shuffle 1 2) drop)", "invalid lane length", 0, 0);
        expect_error("(func (i8x16.extract_lane_s 256 (v128.const i64x2 0 0)) drop)", "malformed lane index", 0, 0);
        expect_error("(func (get_local 0))", "unknown operator get_local", 0, 0);
        expect_error("(module (func)", "unexpected end", 0, 0);
        expect_error("(module) x", "unexpected token", 1, 10);
}

Test(wat, deep_nesting_does_not_recurse)
{
        enum { DEPTH = 100000 };
        const char *open = "(block ", *close = ")";
        size_t n = 14 + DEPTH * (strlen(open) + strlen(close)) + 3;
        char *src = malloc(n);
        cr_assert_not_null(src);
        char *p = src;
        p += sprintf(p, "(module (func ");
        for (int i = 0; i < DEPTH; i++)
                p += sprintf(p, "%s", open);
        for (int i = 0; i < DEPTH; i++)
                p += sprintf(p, "%s", close);
        p += sprintf(p, "))");
        uint8_t *out = NULL;
        size_t len;
        cr_assert_eq(wsbx_wat_to_binary(src, (size_t)(p - src), &out, &len, &err), WSBX_OK, "%s", err.msg);
        /* 100000 x (block 0x40 ... end) plus the function's end. */
        size_t ends = 0;
        for (size_t i = 0; i < len; i++)
                ends += out[i] == 0x0b;
        cr_assert_geq(ends, DEPTH + 1);
        free(out);
        free(src);
}

Test(wat, parse_fields_after_module_keyword)
{
        const char *src = "(module $m (memory 2)) rest";
        wsbx_lexer lx;
        wsbx_token t;
        wsbx_lexer_init(&lx, src, strlen(src));
        for (int i = 0; i < 3; i++)
                cr_assert_eq(wsbx_lex_next(&lx, &t, &err), WSBX_OK);
        uint8_t *out;
        size_t len;
        cr_assert_eq(wsbx_wat_parse_fields(&lx, &out, &len, &err), WSBX_OK, "%s", err.msg);
        cr_assert_eq(len, 13);
        cr_assert_eq(out[8], 5);
        free(out);
        cr_assert_eq(wsbx_lex_next(&lx, &t, &err), WSBX_OK);
        cr_assert_eq(t.kind, WSBX_TOK_KEYWORD, "the lexer continues after the module's ')'");
}

/* ---- position map ----------------------------------------------------- */

static wsbx_posmap *pmap;

static void map_teardown(void)
{
        teardown();
        wsbx_posmap_delete(pmap);
        pmap = NULL;
}

/* Encodes `src` with a map, and checks that the map does not change the
 * encoding. */
static void wat_map(const char *src)
{
        free(bin);
        bin = NULL;
        wsbx_posmap_delete(pmap);
        pmap = NULL;
        memset(&err, 0, sizeof err);
        cr_assert_eq(wsbx_wat_to_binary_map(src, strlen(src), &bin, &bin_len, &pmap, &err), WSBX_OK,
                     "%s\n-> %u:%u %s", src, err.line, err.col, err.msg);
        cr_assert_not_null(pmap);
        uint8_t *plain = NULL;
        size_t n = 0;
        cr_assert_eq(wsbx_wat_to_binary(src, strlen(src), &plain, &n, &err), WSBX_OK);
        cr_assert_eq(n, bin_len);
        cr_assert_arr_eq(plain, bin, n, "the map changed the encoding of %s", src);
        free(plain);
}

/* The offset of the first `n` bytes equal to `pat` at or after `from`. */
static size_t find_bytes(size_t from, const uint8_t *pat, size_t n)
{
        for (size_t i = from; i + n <= bin_len; i++)
                if (memcmp(bin + i, pat, n) == 0)
                        return i;
        cr_assert_fail("pattern not in the binary");
        return 0;
}

static void expect_pos(size_t off, uint32_t line, uint32_t col)
{
        uint32_t l = 0, c = 0;
        cr_assert(wsbx_posmap_find(pmap, off, &l, &c), "offset %zu is not mapped", off);
        cr_assert(l == line && c == col, "offset %zu (byte %#x) maps to %u:%u, expected %u:%u", off, bin[off],
                  l, c, line, col);
}

TestSuite(posmap, .fini = map_teardown);

Test(posmap, plain_and_folded_instructions)
{
        wat_map("(module\n"
                "  (func (result i32)\n"
                "    i32.const 1\n"
                "    (i32.add (i32.const 2) (i32.const 3))))");
        static const uint8_t code[] = {0x41, 1, 0x41, 2, 0x41, 3, 0x6a, 0x0b};
        size_t at = find_bytes(8, code, sizeof code);
        expect_pos(at, 3, 5);          /* i32.const 1 */
        expect_pos(at + 1, 3, 5);      /* its immediate */
        expect_pos(at + 2, 4, 15);     /* (i32.const 2) */
        expect_pos(at + 4, 4, 29);     /* (i32.const 3) */
        /* A folded operator comes after its operands but keeps its token. */
        expect_pos(at + 6, 4, 6);
        /* The function's `end` is its closing paren. */
        expect_pos(at + 7, 4, 42);
}

Test(posmap, blocks_labels_and_if)
{
        wat_map("(func\n"
                "  (block $b (br $b))\n"
                "  (if (i32.const 0) (then nop) (else unreachable))\n"
                "  loop end)");
        static const uint8_t code[] = {0x02, 0x40, 0x0c, 0, 0x0b, 0x41, 0, 0x04, 0x40, 0x01, 0x05, 0x00,
                                       0x0b, 0x03, 0x40, 0x0b, 0x0b};
        size_t at = find_bytes(8, code, sizeof code);
        expect_pos(at, 2, 4);          /* block */
        expect_pos(at + 2, 2, 14);     /* br */
        expect_pos(at + 4, 2, 20);     /* the block's ")" is its end */
        expect_pos(at + 5, 3, 8);      /* the condition comes first... */
        expect_pos(at + 7, 3, 4);      /* ...then the if */
        expect_pos(at + 9, 3, 27);     /* nop */
        expect_pos(at + 10, 3, 33);    /* (else */
        expect_pos(at + 11, 3, 38);    /* unreachable */
        expect_pos(at + 12, 3, 50);    /* the if's ")" */
        expect_pos(at + 13, 4, 3);     /* loop */
        expect_pos(at + 15, 4, 8);     /* end */
}

Test(posmap, types_fields_and_the_header)
{
        wat_map("(func (param i32))\n"
                "(type $t (func))\n"
                "(memory 1)\n"
                "(data (i32.const 0) \"ab\")\n"
                "(func (export \"f\"))");
        uint32_t l, c;
        for (size_t i = 0; i < 8; i++)
                cr_assert_not(wsbx_posmap_find(pmap, i, &l, &c), "the header maps to nothing");
        cr_assert_not(wsbx_posmap_find(pmap, bin_len, &l, &c), "past the end maps to nothing");
        /* Types: the explicit one first, at its definition, and its
         * section header with it; then the implicit one, at the type use
         * that added it. */
        cr_assert_eq(bin[8], 1);
        expect_pos(8, 2, 2);
        static const uint8_t t0[] = {0x60, 0, 0}, t1[] = {0x60, 1, 0x7f, 0};
        expect_pos(find_bytes(8, t0, 3), 2, 2);
        expect_pos(find_bytes(8, t1, 4), 1, 8);
        /* Memory and data: the field keywords; the offset: its instruction. */
        static const uint8_t mem[] = {5, 3, 1, 0, 1};
        expect_pos(find_bytes(8, mem, 5) + 3, 3, 2);
        static const uint8_t data[] = {0, 0x41, 0, 0x0b, 2, 'a', 'b'};
        size_t d = find_bytes(8, data, sizeof data);
        expect_pos(d, 4, 2);
        expect_pos(d + 1, 4, 8);
        /* The export entry: its keyword inside the func. */
        static const uint8_t ex[] = {1, 'f', 0, 1};
        expect_pos(find_bytes(8, ex, 4), 5, 8);
}

Test(posmap, locate_fills_the_text_position_only)
{
        wat_map("(module\n  (func nop))");
        static const uint8_t nop[] = {0x01, 0x0b};
        size_t at = find_bytes(8, nop, 2);
        wsbx_error e = {.kind = WSBX_ERR_INVALID, .offset = at};
        wsbx_posmap_locate(pmap, &e);
        cr_assert(e.line == 2 && e.col == 9, "%u:%u", e.line, e.col);
        cr_assert_eq(e.offset, at, "the offset stays the binary's");
        /* A position already there wins; no offset, or no map: no change. */
        wsbx_error t = {.offset = at, .line = 7, .col = 1};
        wsbx_posmap_locate(pmap, &t);
        cr_assert(t.line == 7 && t.col == 1);
        wsbx_error none = {.offset = SIZE_MAX};
        wsbx_posmap_locate(pmap, &none);
        cr_assert_eq(none.line, 0);
        wsbx_error nomap = {.offset = at};
        wsbx_posmap_locate(NULL, &nomap);
        cr_assert_eq(nomap.line, 0);
        wsbx_posmap_delete(NULL);
}

Test(posmap, binary_modules_map_nothing)
{
        wat_map("(module binary \"\\00asm\" \"\\01\\00\\00\\00\" \"\\01\\04\\01\\60\\00\\00\")");
        uint32_t l, c;
        for (size_t i = 0; i <= bin_len; i++)
                cr_assert_not(wsbx_posmap_find(pmap, i, &l, &c));
}

Test(posmap, failure_leaves_no_map)
{
        uint8_t *out = (uint8_t *)1;
        size_t n = 1;
        wsbx_posmap *m = (wsbx_posmap *)1;
        cr_assert_eq(wsbx_wat_to_binary_map("(func (foo))", 12, &out, &n, &m, &err), WSBX_ERR_MALFORMED);
        cr_assert_null(out);
        cr_assert_null(m);
        cr_assert_eq(n, 0);
        cr_assert_eq(err.offset, SIZE_MAX);
        cr_assert(err.line == 1 && err.col == 8, "%u:%u", err.line, err.col);
}

Test(posmap, every_byte_after_the_header_is_mapped)
{
        /* A bit of everything; the map must cover the whole binary. */
        wat_map("(module\n"
                "  (type $v (func))\n"
                "  (import \"m\" \"g\" (global $g i32))\n"
                "  (table 2 funcref)\n"
                "  (memory 1)\n"
                "  (global $h (mut i64) (i64.const 5))\n"
                "  (func $f (type $v) (local i32)\n"
                "    (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1))\n"
                "    (call_indirect (type $v) (i32.const 0)))\n"
                "  (elem (i32.const 0) $f $f)\n"
                "  (elem declare func $f)\n"
                "  (data \"x\")\n"
                "  (start $f)\n"
                "  (export \"f\" (func $f)))");
        for (size_t i = 8; i < bin_len; i++) {
                uint32_t l = 0, c = 0;
                cr_assert(wsbx_posmap_find(pmap, i, &l, &c), "offset %zu", i);
                cr_assert(l >= 1 && l <= 14 && c >= 1, "offset %zu: %u:%u", i, l, c);
        }
        static const uint8_t start[] = {8, 1, 0};
        expect_pos(find_bytes(8, start, 3) + 2, 13, 10);
        /* call_indirect's type index is its type use. */
        static const uint8_t ci[] = {0x11, 0, 0};
        size_t at = find_bytes(8, ci, 3);
        expect_pos(at, 9, 6);
        expect_pos(at + 1, 9, 21);
}

Test(posmap, parse_fields_positions_are_the_scripts)
{
        const char *src = "(assert_invalid\n  (module (func (result i32) (i64.const 0)))\n  \"type mismatch\")";
        wsbx_lexer lx;
        wsbx_token t;
        wsbx_lexer_init(&lx, src, strlen(src));
        /* "(" "assert_invalid" "(" "module" */
        for (int i = 0; i < 4; i++)
                cr_assert_eq(wsbx_lex_next(&lx, &t, &err), WSBX_OK);
        cr_assert_eq(wsbx_wat_parse_fields_map(&lx, &bin, &bin_len, &pmap, &err), WSBX_OK, "%s", err.msg);
        wsbx_module *m;
        wsbx_error e = {0};
        cr_assert_eq(wsbx_module_decode(bin, bin_len, NULL, &m, &e), WSBX_ERR_INVALID);
        wsbx_posmap_locate(pmap, &e);
        /* The function's closing paren, on the script's second line. */
        cr_assert(e.line == 2 && e.col == 43, "%u:%u", e.line, e.col);
}
