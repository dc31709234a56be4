/* wast.c - the .wast script parser, and values as scripts write them.
 *
 * A script is a sequence of parenthesised commands (module, register,
 * invoke, get, assert_*), read with the text format's lexer (text_lex.c)
 * and numbers (text_num.c); inline text modules are handed to the module
 * parser (wat.c) in the middle of the token stream, so a script needs no
 * second grammar for modules. The result is a wsbx_script whose every
 * byte lives in one arena.
 *
 * Recovery: the spec's reference interpreter gives up on a whole script at
 * its first syntax error; a runner wants every other command's result, so
 * here a bad command becomes WSBX_CMD_ERROR and a bad inline module keeps
 * its error in the module, and parsing resumes after the closing paren of
 * whatever failed. To find that paren the lexer is snapshotted (it is a
 * plain struct without heap state) after the opening paren and, on error,
 * rewound and driven over balanced parens. Only errors that stop the lexer
 * itself, or a script that ends inside a command, fail the whole parse.
 *
 * Nothing recurses on input depth: the only nesting (either) is one level.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define F32_CANON_NAN 0x7fc00000u
#define F64_CANON_NAN 0x7ff8000000000000ull

struct parser {
        wsbx_lexer lx;
        wsbx_arena *arena;
        /* Commands grow here (malloc) and move to the arena at the end. */
        wsbx_command *cmds;
        uint32_t ncmds, cap;
        wsbx_error *err; /* the current command's error */
        unsigned flags;  /* WSBX_SCRIPT_* */
};

static bool tok_is(const wsbx_token *t, const char *word)
{
        size_t n = strlen(word);
        return t->kind == WSBX_TOK_KEYWORD && t->len == n && memcmp(t->start, word, n) == 0;
}

static wsbx_errkind nomem(struct parser *p, const wsbx_token *at)
{
        wsbx_text_error(p->err, at, "out of memory");
        p->err->kind = WSBX_ERR_NOMEM;
        return WSBX_ERR_NOMEM;
}

static wsbx_errkind next(struct parser *p, wsbx_token *t)
{
        return wsbx_lex_next(&p->lx, t, p->err);
}

static wsbx_errkind peek(struct parser *p, wsbx_token *t)
{
        return wsbx_lex_peek(&p->lx, t, p->err);
}

static wsbx_errkind expect(struct parser *p, wsbx_tokkind kind, wsbx_token *t)
{
        wsbx_errkind k = next(p, t);
        if (k)
                return k;
        if (t->kind != kind)
                return wsbx_text_error(p->err, t, "unexpected token");
        return WSBX_OK;
}

/* Copies token text (an $id, as written) into the arena. */
static wsbx_errkind copy_tok(struct parser *p, const wsbx_token *t, wsbx_name *out)
{
        if (t->len > UINT32_MAX)
                return wsbx_text_error(p->err, t, "identifier too long");
        char *s = wsbx_arena_alloc(p->arena, t->len + 1);
        if (!s)
                return nomem(p, t);
        memcpy(s, t->start, t->len);
        s[t->len] = 0;
        out->ptr = s;
        out->len = (uint32_t)t->len;
        return WSBX_OK;
}

/* Decodes a string token into the arena, NUL-terminated. Escapes only
 * shrink a string, so the token's length bounds the bytes. */
static wsbx_errkind decode_string(struct parser *p, const wsbx_token *t, wsbx_name *out)
{
        if (t->kind != WSBX_TOK_STRING)
                return wsbx_text_error(p->err, t, "unexpected token");
        if (t->len > UINT32_MAX)
                return wsbx_text_error(p->err, t, "string too long");
        uint8_t *s = wsbx_arena_alloc(p->arena, t->len + 1);
        if (!s)
                return nomem(p, t);
        size_t n = 0;
        wsbx_errkind k = wsbx_text_string(t, s, &n, p->err);
        if (k)
                return k;
        s[n] = 0;
        out->ptr = (const char *)s;
        out->len = (uint32_t)n;
        return WSBX_OK;
}

/* Reads tokens up to and including the `)` that closes a paren already
 * consumed. Fails on a lexer error or the end of the script. */
static wsbx_errkind skip_to_close(wsbx_lexer *lx, wsbx_error *err)
{
        size_t depth = 1;
        for (;;) {
                wsbx_token t;
                wsbx_errkind k = wsbx_lex_next(lx, &t, err);
                if (k)
                        return k;
                if (t.kind == WSBX_TOK_EOF)
                        return wsbx_text_error(err, &t, "unexpected end of script (unclosed parenthesis)");
                if (t.kind == WSBX_TOK_LPAREN)
                        depth++;
                else if (t.kind == WSBX_TOK_RPAREN && --depth == 0)
                        return WSBX_OK;
        }
}

/* ------------------------------------------------------------------------ */
/* Modules                                                                  */
/* ------------------------------------------------------------------------ */

/* After `(module`, optionally `definition`, and an optional $id: the
 * binary or quote strings up to `)`, or the module's fields. */
static wsbx_errkind parse_module_body(struct parser *p, wsbx_script_module *m)
{
        wsbx_token t;
        wsbx_errkind k = peek(p, &t);
        if (k)
                return k;
        if (tok_is(&t, "binary") || tok_is(&t, "quote")) {
                m->form = tok_is(&t, "binary") ? WSBX_MODFORM_BINARY : WSBX_MODFORM_QUOTE;
                next(p, &t);
                wsbx_buf b = {0};
                for (;;) {
                        if ((k = next(p, &t)))
                                break;
                        if (t.kind == WSBX_TOK_RPAREN)
                                break;
                        wsbx_name s;
                        if ((k = decode_string(p, &t, &s)))
                                break;
                        wsbx_buf_put(&b, s.ptr, s.len);
                }
                if (!k && b.oom)
                        k = nomem(p, &t);
                if (!k) {
                        uint8_t *bytes = wsbx_arena_alloc(p->arena, b.len);
                        if (!bytes) {
                                k = nomem(p, &t);
                        } else {
                                if (b.len)
                                        memcpy(bytes, b.data, b.len);
                                m->bytes = bytes;
                                m->len = b.len;
                        }
                }
                wsbx_buf_free(&b);
                return k;
        }

        m->form = WSBX_MODFORM_TEXT;
        if (p->flags & WSBX_SCRIPT_TEXT_SPANS) {
                /* The fields as written, up to the closing paren. */
                const char *start = p->lx.has_peek ? p->lx.peek.start : p->lx.p;
                m->text_line = p->lx.has_peek ? p->lx.peek.line : p->lx.line;
                m->text_col = p->lx.has_peek ? p->lx.peek.col
                                             : (uint32_t)(p->lx.p - p->lx.line_start) + 1;
                wsbx_errkind sk = skip_to_close(&p->lx, p->err);
                if (sk)
                        return sk;
                size_t n = (size_t)(p->lx.p - 1 - start);
                char *copy = wsbx_arena_alloc(p->arena, n + 1);
                if (!copy)
                        return nomem(p, &t);
                memcpy(copy, start, n);
                copy[n] = 0;
                m->text = copy;
                m->text_len = n;
                return WSBX_OK;
        }
        wsbx_lexer saved = p->lx;
        uint8_t *bin = NULL;
        size_t len = 0;
        if (wsbx_wat_parse_fields(&p->lx, &bin, &len, &m->error) != WSBX_OK) {
                free(bin);
                if (m->error.kind == WSBX_OK) /* a parser that forgot to say why */
                        wsbx_text_error(&m->error, &t, "malformed module");
                p->lx = saved;
                return skip_to_close(&p->lx, p->err);
        }
        uint8_t *copy = wsbx_arena_alloc(p->arena, len);
        if (!copy) {
                free(bin);
                return nomem(p, &t);
        }
        if (len)
                memcpy(copy, bin, len);
        free(bin);
        m->bytes = copy;
        m->len = len;
        return WSBX_OK;
}

/* Parses `(module ...)` whose `(` is `open`; `module` is the next token. */
static wsbx_errkind parse_module(struct parser *p, const wsbx_token *open, wsbx_script_module **out)
{
        wsbx_token t;
        wsbx_errkind k = next(p, &t);
        if (k)
                return k;
        if (!tok_is(&t, "module"))
                return wsbx_text_error(p->err, &t, "unexpected token, expected a module");
        wsbx_script_module *m = wsbx_arena_calloc(p->arena, 1, sizeof *m);
        if (!m)
                return nomem(p, &t);
        m->line = open->line;
        if ((k = peek(p, &t)))
                return k;
        if (tok_is(&t, "definition")) {
                m->definition = true;
                next(p, &t);
                if ((k = peek(p, &t)))
                        return k;
        }
        if (t.kind == WSBX_TOK_ID) {
                next(p, &t);
                if ((k = copy_tok(p, &t, &m->id)))
                        return k;
        }
        if ((k = parse_module_body(p, m)))
                return k;
        *out = m;
        return WSBX_OK;
}

/* ------------------------------------------------------------------------ */
/* Values and results                                                       */
/* ------------------------------------------------------------------------ */

static const struct {
        const char *name;
        unsigned lanes, bits;
} shapes[] = {
        [WSBX_SHAPE_I8X16] = {"i8x16", 16, 8},
        [WSBX_SHAPE_I16X8] = {"i16x8", 8, 16},
        [WSBX_SHAPE_I32X4] = {"i32x4", 4, 32},
        [WSBX_SHAPE_I64X2] = {"i64x2", 2, 64},
        [WSBX_SHAPE_F32X4] = {"f32x4", 4, 32},
        [WSBX_SHAPE_F64X2] = {"f64x2", 2, 64},
};

static void put_le(uint8_t *dst, uint64_t v, unsigned bytes)
{
        for (unsigned i = 0; i < bytes; i++)
                dst[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *src, unsigned bytes)
{
        uint64_t v = 0;
        for (unsigned i = 0; i < bytes; i++)
                v |= (uint64_t)src[i] << (8 * i);
        return v;
}

/* A NaN pattern keyword, when results allow one. */
static wsbx_nanpat nan_pattern(const wsbx_token *t)
{
        if (tok_is(t, "nan:canonical"))
                return WSBX_NAN_CANONICAL;
        if (tok_is(t, "nan:arithmetic"))
                return WSBX_NAN_ARITHMETIC;
        return WSBX_NAN_NONE;
}

/* One float (f32 when bits == 32) or a NaN pattern if `pattern_ok`. */
static wsbx_errkind parse_float(struct parser *p, const wsbx_token *t, unsigned bits, bool pattern_ok,
                                uint64_t *out, uint8_t *nan)
{
        wsbx_nanpat pat = nan_pattern(t);
        if (pat != WSBX_NAN_NONE) {
                if (!pattern_ok)
                        return wsbx_text_error(p->err, t, "unexpected token (NaN pattern in an argument)");
                *nan = (uint8_t)pat;
                *out = bits == 32 ? F32_CANON_NAN : F64_CANON_NAN;
                return WSBX_OK;
        }
        *nan = WSBX_NAN_NONE;
        if (bits == 32) {
                uint32_t f;
                wsbx_errkind k = wsbx_text_f32(t, &f, p->err);
                *out = f;
                return k;
        }
        return wsbx_text_f64(t, out, p->err);
}

static wsbx_errkind parse_v128(struct parser *p, wsbx_result *r, bool pattern_ok)
{
        wsbx_token t;
        wsbx_errkind k = next(p, &t);
        if (k)
                return k;
        unsigned s;
        for (s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
                if (tok_is(&t, shapes[s].name))
                        break;
        if (s == sizeof shapes / sizeof shapes[0])
                return wsbx_text_error(p->err, &t, "unexpected token (expected a v128 shape)");
        r->value.type = WSBX_V128;
        r->value.shape = (uint8_t)s;
        unsigned bytes = shapes[s].bits / 8;
        bool is_float = s == WSBX_SHAPE_F32X4 || s == WSBX_SHAPE_F64X2;
        for (unsigned i = 0; i < shapes[s].lanes; i++) {
                if ((k = next(p, &t)))
                        return k;
                if (t.kind == WSBX_TOK_RPAREN || t.kind == WSBX_TOK_EOF)
                        return wsbx_text_error(p->err, &t, "wrong number of lane literals");
                uint64_t v;
                if (is_float)
                        k = parse_float(p, &t, shapes[s].bits, pattern_ok, &v, &r->nan[i]);
                else
                        k = wsbx_text_int(&t, shapes[s].bits, &v, p->err);
                if (k)
                        return k;
                put_le(r->value.u.v128 + i * bytes, v, bytes);
        }
        return WSBX_OK;
}

/* `(` already read. Parses an argument (pattern_ok false) or an expected
 * result up to its `)`. `either_ok` allows one level of (either ...). */
static wsbx_errkind parse_value(struct parser *p, wsbx_result *r, bool pattern_ok, bool either_ok)
{
        wsbx_token op, t;
        wsbx_errkind k = next(p, &op);
        if (k)
                return k;
        memset(r, 0, sizeof *r);
        r->kind = WSBX_RESULT_VALUE;
        wsbx_value *v = &r->value;

        if (tok_is(&op, "i32.const") || tok_is(&op, "i64.const")) {
                unsigned bits = tok_is(&op, "i32.const") ? 32 : 64;
                uint64_t x;
                if ((k = next(p, &t)) || (k = wsbx_text_int(&t, bits, &x, p->err)))
                        return k;
                v->type = bits == 32 ? WSBX_I32 : WSBX_I64;
                if (bits == 32)
                        v->u.i32 = (uint32_t)x;
                else
                        v->u.i64 = x;
        } else if (tok_is(&op, "f32.const") || tok_is(&op, "f64.const")) {
                unsigned bits = tok_is(&op, "f32.const") ? 32 : 64;
                uint64_t x;
                if ((k = next(p, &t)) || (k = parse_float(p, &t, bits, pattern_ok, &x, &r->nan[0])))
                        return k;
                v->type = bits == 32 ? WSBX_F32 : WSBX_F64;
                if (bits == 32)
                        v->u.f32 = (uint32_t)x;
                else
                        v->u.f64 = x;
        } else if (tok_is(&op, "v128.const")) {
                if ((k = parse_v128(p, r, pattern_ok)))
                        return k;
        } else if (tok_is(&op, "ref.null")) {
                if ((k = next(p, &t)))
                        return k;
                if (t.kind == WSBX_TOK_RPAREN && pattern_ok) {
                        r->kind = WSBX_RESULT_ANY_NULL;
                        return WSBX_OK;
                }
                if (tok_is(&t, "func"))
                        v->type = WSBX_FUNCREF;
                else if (tok_is(&t, "extern"))
                        v->type = WSBX_EXTERNREF;
                else
                        return wsbx_text_error(p->err, &t, "unexpected token (expected func or extern)");
                v->is_null = true;
        } else if (tok_is(&op, "ref.extern")) {
                if ((k = next(p, &t)))
                        return k;
                if (t.kind == WSBX_TOK_RPAREN && pattern_ok) {
                        r->kind = WSBX_RESULT_ANY_EXTERN;
                        return WSBX_OK;
                }
                uint64_t n;
                if ((k = wsbx_text_nat(&t, UINT32_MAX, &n, p->err)))
                        return k;
                v->type = WSBX_EXTERNREF;
                v->u.ref = (uint32_t)n;
        } else if (tok_is(&op, "ref.func") && pattern_ok) {
                r->kind = WSBX_RESULT_ANY_FUNC;
        } else if (tok_is(&op, "either") && either_ok) {
                r->kind = WSBX_RESULT_EITHER;
                wsbx_result *alts = NULL;
                uint32_t n = 0, cap = 0;
                for (;;) {
                        if ((k = next(p, &t)))
                                break;
                        if (t.kind == WSBX_TOK_RPAREN && n > 0)
                                break;
                        if (t.kind != WSBX_TOK_LPAREN) {
                                k = wsbx_text_error(p->err, &t, "unexpected token");
                                break;
                        }
                        if (n == cap) {
                                wsbx_result *na = NULL;
                                if (cap < UINT32_MAX / 4) {
                                        cap = cap ? 2 * cap : 4;
                                        na = realloc(alts, (size_t)cap * sizeof *alts);
                                }
                                if (!na) {
                                        k = nomem(p, &t);
                                        break;
                                }
                                alts = na;
                        }
                        if ((k = parse_value(p, &alts[n], true, false)))
                                break;
                        n++;
                }
                if (!k) {
                        r->alts = wsbx_arena_calloc(p->arena, n, sizeof *alts);
                        if (r->alts) {
                                memcpy(r->alts, alts, n * sizeof *alts);
                                r->nalts = n;
                        } else {
                                k = nomem(p, &t);
                        }
                }
                free(alts);
                return k; /* the loop consumed the `)` */
        } else {
                return wsbx_text_error(p->err, &op, "unexpected token (expected a constant)");
        }
        return expect(p, WSBX_TOK_RPAREN, &t);
}

/* Reads `(value)`s until the `)` closing the enclosing command. */
static wsbx_errkind parse_values(struct parser *p, bool pattern_ok, wsbx_result **out, uint32_t *count)
{
        wsbx_result *v = NULL;
        uint32_t n = 0, cap = 0;
        wsbx_errkind k;
        wsbx_token t;
        for (;;) {
                if ((k = next(p, &t)))
                        break;
                if (t.kind == WSBX_TOK_RPAREN)
                        break;
                if (t.kind != WSBX_TOK_LPAREN) {
                        k = wsbx_text_error(p->err, &t, "unexpected token");
                        break;
                }
                if (n == cap) {
                        if (cap > UINT32_MAX / 4) {
                                k = nomem(p, &t);
                                break;
                        }
                        cap = cap ? 2 * cap : 4;
                        wsbx_result *nv = realloc(v, (size_t)cap * sizeof *v);
                        if (!nv) {
                                k = nomem(p, &t);
                                break;
                        }
                        v = nv;
                }
                if ((k = parse_value(p, &v[n], pattern_ok, pattern_ok)))
                        break;
                n++;
        }
        if (!k && n) {
                *out = wsbx_arena_calloc(p->arena, n, sizeof *v);
                if (*out)
                        memcpy(*out, v, n * sizeof *v);
                else
                        k = nomem(p, &t);
        }
        if (!k)
                *count = n;
        free(v);
        return k;
}

/* `(` already read, then `invoke` or `get` as `op`. Consumes the `)`. */
static wsbx_errkind parse_action(struct parser *p, const wsbx_token *op, wsbx_action **out)
{
        wsbx_action *a = wsbx_arena_calloc(p->arena, 1, sizeof *a);
        if (!a)
                return nomem(p, op);
        a->kind = tok_is(op, "get") ? WSBX_ACTION_GET : WSBX_ACTION_INVOKE;
        wsbx_token t;
        wsbx_errkind k = next(p, &t);
        if (k)
                return k;
        if (t.kind == WSBX_TOK_ID) {
                if ((k = copy_tok(p, &t, &a->module)) || (k = next(p, &t)))
                        return k;
        }
        if ((k = decode_string(p, &t, &a->field)))
                return k;
        if (a->kind == WSBX_ACTION_GET) {
                if ((k = expect(p, WSBX_TOK_RPAREN, &t)))
                        return k;
        } else {
                wsbx_result *args = NULL;
                uint32_t n = 0;
                if ((k = parse_values(p, false, &args, &n)))
                        return k;
                a->nargs = n;
                if (n) {
                        a->args = wsbx_arena_calloc(p->arena, n, sizeof *a->args);
                        if (!a->args)
                                return nomem(p, &t);
                        for (uint32_t i = 0; i < n; i++)
                                a->args[i] = args[i].value;
                }
        }
        *out = a;
        return WSBX_OK;
}

/* Expects `(invoke ...)` or `(get ...)`. */
static wsbx_errkind parse_paren_action(struct parser *p, wsbx_action **out)
{
        wsbx_token t;
        wsbx_errkind k;
        if ((k = expect(p, WSBX_TOK_LPAREN, &t)) || (k = next(p, &t)))
                return k;
        if (!tok_is(&t, "invoke") && !tok_is(&t, "get"))
                return wsbx_text_error(p->err, &t, "unexpected token (expected invoke or get)");
        return parse_action(p, &t, out);
}

/* ------------------------------------------------------------------------ */
/* Commands                                                                 */
/* ------------------------------------------------------------------------ */

static wsbx_errkind parse_message(struct parser *p, wsbx_command *c)
{
        wsbx_token t;
        wsbx_errkind k;
        if ((k = next(p, &t)) || (k = decode_string(p, &t, &c->text)))
                return k;
        return expect(p, WSBX_TOK_RPAREN, &t);
}

static const struct {
        const char *name;
        wsbx_cmdkind kind;
} assertions[] = {
        {"assert_return", WSBX_CMD_ASSERT_RETURN},
        {"assert_trap", WSBX_CMD_ASSERT_TRAP},
        {"assert_exhaustion", WSBX_CMD_ASSERT_EXHAUSTION},
        {"assert_malformed", WSBX_CMD_ASSERT_MALFORMED},
        {"assert_invalid", WSBX_CMD_ASSERT_INVALID},
        {"assert_unlinkable", WSBX_CMD_ASSERT_UNLINKABLE},
        {"assert_uninstantiable", WSBX_CMD_ASSERT_UNINSTANTIABLE},
};

/* `(` (as `open`) already read: one command, through its `)`. */
static wsbx_errkind parse_command(struct parser *p, const wsbx_token *open, wsbx_command *c)
{
        wsbx_token t;
        wsbx_errkind k = peek(p, &t);
        if (k)
                return k;

        if (tok_is(&t, "module")) {
                /* (module instance $i $m?) names an instance, not a module. */
                wsbx_lexer saved = p->lx;
                next(p, &t);
                if ((k = peek(p, &t)))
                        return k;
                if (tok_is(&t, "instance")) {
                        c->kind = WSBX_CMD_MODULE_INSTANCE;
                        next(p, &t);
                        if ((k = next(p, &t)))
                                return k;
                        if (t.kind == WSBX_TOK_ID) {
                                if ((k = copy_tok(p, &t, &c->instname)) || (k = next(p, &t)))
                                        return k;
                        }
                        if (t.kind == WSBX_TOK_ID) {
                                if ((k = copy_tok(p, &t, &c->modname)) || (k = next(p, &t)))
                                        return k;
                        }
                        if (t.kind != WSBX_TOK_RPAREN)
                                return wsbx_text_error(p->err, &t, "unexpected token");
                        return WSBX_OK;
                }
                p->lx = saved;
                c->kind = WSBX_CMD_MODULE;
                return parse_module(p, open, &c->module);
        }
        next(p, &t);
        if (tok_is(&t, "register")) {
                c->kind = WSBX_CMD_REGISTER;
                if ((k = next(p, &t)) || (k = decode_string(p, &t, &c->text)) || (k = next(p, &t)))
                        return k;
                if (t.kind == WSBX_TOK_ID) {
                        if ((k = copy_tok(p, &t, &c->modname)) || (k = next(p, &t)))
                                return k;
                }
                if (t.kind != WSBX_TOK_RPAREN)
                        return wsbx_text_error(p->err, &t, "unexpected token");
                return WSBX_OK;
        }
        if (tok_is(&t, "invoke") || tok_is(&t, "get")) {
                c->kind = WSBX_CMD_ACTION;
                return parse_action(p, &t, &c->action);
        }
        for (size_t i = 0; i < sizeof assertions / sizeof assertions[0]; i++) {
                if (!tok_is(&t, assertions[i].name))
                        continue;
                c->kind = assertions[i].kind;
                switch (c->kind) {
                case WSBX_CMD_ASSERT_RETURN:
                        if ((k = parse_paren_action(p, &c->action)))
                                return k;
                        return parse_values(p, true, &c->results, &c->nresults);
                case WSBX_CMD_ASSERT_TRAP: {
                        /* An action, or a module whose instantiation traps. */
                        wsbx_token open2, kw;
                        if ((k = expect(p, WSBX_TOK_LPAREN, &open2)) || (k = peek(p, &kw)))
                                return k;
                        if (tok_is(&kw, "module")) {
                                k = parse_module(p, &open2, &c->module);
                        } else {
                                next(p, &kw);
                                if (!tok_is(&kw, "invoke") && !tok_is(&kw, "get"))
                                        return wsbx_text_error(p->err, &kw, "unexpected token");
                                k = parse_action(p, &kw, &c->action);
                        }
                        if (k)
                                return k;
                        return parse_message(p, c);
                }
                case WSBX_CMD_ASSERT_EXHAUSTION:
                        if ((k = parse_paren_action(p, &c->action)))
                                return k;
                        return parse_message(p, c);
                default: {
                        wsbx_token open2;
                        if ((k = expect(p, WSBX_TOK_LPAREN, &open2)) ||
                            (k = parse_module(p, &open2, &c->module)))
                                return k;
                        return parse_message(p, c);
                }
                }
        }
        return wsbx_text_error(p->err, &t, "unknown command %.*s", (int)(t.len > 64 ? 64 : t.len), t.start);
}

static wsbx_command *push_command(struct parser *p)
{
        if (p->ncmds == p->cap) {
                if (p->cap > UINT32_MAX / 4)
                        return NULL;
                uint32_t cap = p->cap ? 2 * p->cap : 64;
                wsbx_command *n = realloc(p->cmds, (size_t)cap * sizeof *n);
                if (!n)
                        return NULL;
                p->cmds = n;
                p->cap = cap;
        }
        wsbx_command *c = &p->cmds[p->ncmds++];
        memset(c, 0, sizeof *c);
        return c;
}

/* Whether the script is a bare module ("(func) (memory 1)"), which the
 * reference interpreter accepts as a script of one module command. */
static bool is_inline_module(const wsbx_lexer *lx)
{
        static const char *const fields[] = {
                "type", "import", "func", "table", "memory", "global", "export", "start", "elem", "data",
        };
        wsbx_lexer look = *lx;
        wsbx_error ignored;
        wsbx_token t;
        if (wsbx_lex_next(&look, &t, &ignored) || t.kind != WSBX_TOK_LPAREN ||
            wsbx_lex_next(&look, &t, &ignored))
                return false;
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
                if (tok_is(&t, fields[i]))
                        return true;
        return false;
}

static wsbx_errkind parse_inline_module(struct parser *p, const char *text, size_t len, wsbx_error *err)
{
        wsbx_token first;
        wsbx_errkind k = wsbx_lex_next(&p->lx, &first, err);
        wsbx_command *c = k ? NULL : push_command(p);
        wsbx_script_module *m = c ? wsbx_arena_calloc(p->arena, 1, sizeof *m) : NULL;
        if (k)
                return k;
        if (!m)
                return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
        c->kind = WSBX_CMD_MODULE;
        c->line = m->line = first.line;
        c->module = m;
        m->form = WSBX_MODFORM_TEXT;
        if (p->flags & WSBX_SCRIPT_TEXT_SPANS) {
                char *copy = wsbx_arena_alloc(p->arena, len + 1);
                if (!copy)
                        return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
                memcpy(copy, text, len);
                copy[len] = 0;
                m->text = copy;
                m->text_len = len;
                m->text_line = m->text_col = 1;
                return WSBX_OK;
        }
        uint8_t *bin = NULL;
        size_t n = 0;
        if (wsbx_wat_to_binary(text, len, &bin, &n, &m->error) != WSBX_OK) {
                free(bin);
                if (m->error.kind == WSBX_ERR_NOMEM)
                        return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
                return WSBX_OK;
        }
        uint8_t *copy = wsbx_arena_alloc(p->arena, n);
        if (copy && n)
                memcpy(copy, bin, n);
        free(bin);
        if (!copy)
                return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
        m->bytes = copy;
        m->len = n;
        return WSBX_OK;
}

wsbx_errkind wsbx_script_parse(const char *text, size_t len, wsbx_script **out, wsbx_error *err)
{
        return wsbx_script_parse_flags(text, len, 0, out, err);
}

wsbx_errkind wsbx_script_parse_flags(const char *text, size_t len, unsigned flags, wsbx_script **out,
                                     wsbx_error *err)
{
        *out = NULL;
        struct parser p = {.flags = flags};
        wsbx_lexer_init(&p.lx, text, len);
        p.arena = wsbx_arena_new();
        wsbx_script *s = p.arena ? wsbx_arena_calloc(p.arena, 1, sizeof *s) : NULL;
        if (!s) {
                wsbx_arena_delete(p.arena);
                return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
        }
        s->arena = p.arena;

        wsbx_errkind k;
        if (is_inline_module(&p.lx)) {
                if ((k = parse_inline_module(&p, text, len, err)))
                        goto fail;
                goto done;
        }
        for (;;) {
                wsbx_token t;
                if ((k = wsbx_lex_next(&p.lx, &t, err)))
                        goto fail;
                if (t.kind == WSBX_TOK_EOF)
                        break;
                wsbx_command *c = push_command(&p);
                if (!c) {
                        k = wsbx_text_error(err, &t, "out of memory");
                        err->kind = k = WSBX_ERR_NOMEM;
                        goto fail;
                }
                c->line = t.line;
                if (t.kind != WSBX_TOK_LPAREN) {
                        c->kind = WSBX_CMD_ERROR;
                        wsbx_text_error(&c->error, &t, "unexpected token (expected a command)");
                        continue;
                }
                wsbx_lexer saved = p.lx;
                p.err = &c->error;
                if (parse_command(&p, &t, c) == WSBX_OK)
                        continue;
                if (c->error.kind == WSBX_ERR_NOMEM) {
                        *err = c->error;
                        k = WSBX_ERR_NOMEM;
                        goto fail;
                }
                /* Keep the first error, drop what the command had built
                 * (it stays in the arena until the script goes), and find
                 * the command's end from its start. */
                wsbx_error why = c->error;
                memset(c, 0, sizeof *c);
                c->kind = WSBX_CMD_ERROR;
                c->line = t.line;
                c->error = why;
                p.lx = saved;
                if ((k = skip_to_close(&p.lx, err)))
                        goto fail;
        }

done:
        if (p.ncmds) {
                s->cmds = wsbx_arena_calloc(p.arena, p.ncmds, sizeof *s->cmds);
                if (!s->cmds) {
                        k = wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
                        goto fail;
                }
                memcpy(s->cmds, p.cmds, p.ncmds * sizeof *s->cmds);
        }
        s->ncmds = p.ncmds;
        free(p.cmds);
        *out = s;
        return WSBX_OK;

fail:
        free(p.cmds);
        wsbx_arena_delete(p.arena);
        return k;
}

void wsbx_script_delete(wsbx_script *s)
{
        if (s)
                wsbx_arena_delete(s->arena); /* s itself lives in its arena */
}

const char *wsbx_cmdkind_name(wsbx_cmdkind k)
{
        switch (k) {
        case WSBX_CMD_MODULE: return "module";
        case WSBX_CMD_MODULE_INSTANCE: return "module instance";
        case WSBX_CMD_REGISTER: return "register";
        case WSBX_CMD_ACTION: return "action";
        case WSBX_CMD_ASSERT_RETURN: return "assert_return";
        case WSBX_CMD_ASSERT_TRAP: return "assert_trap";
        case WSBX_CMD_ASSERT_EXHAUSTION: return "assert_exhaustion";
        case WSBX_CMD_ASSERT_MALFORMED: return "assert_malformed";
        case WSBX_CMD_ASSERT_INVALID: return "assert_invalid";
        case WSBX_CMD_ASSERT_UNLINKABLE: return "assert_unlinkable";
        case WSBX_CMD_ASSERT_UNINSTANTIABLE: return "assert_uninstantiable";
        case WSBX_CMD_ERROR: return "error";
        }
        return "?";
}

/* ------------------------------------------------------------------------ */
/* Matching and printing values                                             */
/* ------------------------------------------------------------------------ */

static bool float_matches(uint64_t bits, unsigned width, uint8_t pat, uint64_t want)
{
        uint64_t sign = width == 32 ? 0x80000000u : 0x8000000000000000ull;
        uint64_t canon = width == 32 ? F32_CANON_NAN : F64_CANON_NAN;
        switch (pat) {
        case WSBX_NAN_CANONICAL:
                return (bits & ~sign) == canon;
        case WSBX_NAN_ARITHMETIC:
                /* Exponent all ones and the quiet bit set: `canon` is
                 * exactly those bits. */
                return (bits & canon) == canon;
        default:
                return bits == want;
        }
}

bool wsbx_result_matches(const wsbx_result *r, const wsbx_value *v)
{
        bool is_ref = v->type == WSBX_FUNCREF || v->type == WSBX_EXTERNREF;
        switch (r->kind) {
        case WSBX_RESULT_ANY_FUNC:
                return v->type == WSBX_FUNCREF && !v->is_null;
        case WSBX_RESULT_ANY_EXTERN:
                return v->type == WSBX_EXTERNREF && !v->is_null;
        case WSBX_RESULT_ANY_NULL:
                return is_ref && v->is_null;
        case WSBX_RESULT_EITHER:
                for (uint32_t i = 0; i < r->nalts; i++)
                        if (wsbx_result_matches(&r->alts[i], v))
                                return true;
                return false;
        case WSBX_RESULT_VALUE:
                break;
        }
        const wsbx_value *w = &r->value;
        if (v->type != w->type)
                return false;
        switch (w->type) {
        case WSBX_I32:
                return v->u.i32 == w->u.i32;
        case WSBX_I64:
                return v->u.i64 == w->u.i64;
        case WSBX_F32:
                return float_matches(v->u.f32, 32, r->nan[0], w->u.f32);
        case WSBX_F64:
                return float_matches(v->u.f64, 64, r->nan[0], w->u.f64);
        case WSBX_V128: {
                /* Compare in the expectation's lane shape: only float
                 * lanes can carry patterns, and bytes are bytes otherwise. */
                unsigned lanes = 1, bytes = 16;
                if (w->shape == WSBX_SHAPE_F32X4)
                        lanes = 4, bytes = 4;
                else if (w->shape == WSBX_SHAPE_F64X2)
                        lanes = 2, bytes = 8;
                if (lanes == 1)
                        return memcmp(v->u.v128, w->u.v128, 16) == 0;
                for (unsigned i = 0; i < lanes; i++) {
                        uint64_t got = get_le(v->u.v128 + i * bytes, bytes);
                        uint64_t want = get_le(w->u.v128 + i * bytes, bytes);
                        if (!float_matches(got, bytes * 8, r->nan[i], want))
                                return false;
                }
                return true;
        }
        case WSBX_FUNCREF:
        case WSBX_EXTERNREF:
                if (v->is_null || w->is_null)
                        return v->is_null == w->is_null;
                return v->u.ref == w->u.ref;
        }
        return false;
}

/* A bounded appender: keeps counting past the end like snprintf. */
struct out {
        char *buf;
        size_t size, len;
};

static void outf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void outf(struct out *o, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        size_t room = o->len < o->size ? o->size - o->len : 0;
        int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n > 0)
                o->len += (size_t)n;
}

static void out_float(struct out *o, uint64_t bits, unsigned width, uint8_t pat)
{
        if (pat == WSBX_NAN_CANONICAL) {
                outf(o, "nan:canonical");
                return;
        }
        if (pat == WSBX_NAN_ARITHMETIC) {
                outf(o, "nan:arithmetic");
                return;
        }
        unsigned mant_bits = width == 32 ? 23 : 52;
        uint64_t mant = bits & ((1ull << mant_bits) - 1);
        uint64_t exp = (bits >> mant_bits) & (width == 32 ? 0xff : 0x7ff);
        bool neg = bits >> (width - 1);
        if (exp == (width == 32 ? 0xffu : 0x7ffu)) {
                if (mant == 0)
                        outf(o, "%sinf", neg ? "-" : "");
                else
                        outf(o, "%snan:0x%" PRIx64, neg ? "-" : "", mant);
                return;
        }
        if (width == 32) {
                float f;
                uint32_t b = (uint32_t)bits;
                memcpy(&f, &b, 4);
                outf(o, "%.9g", (double)f);
        } else {
                double d;
                memcpy(&d, &bits, 8);
                outf(o, "%.17g", d);
        }
}

static void out_value(struct out *o, const wsbx_value *v, const uint8_t *nan)
{
        static const uint8_t none[4];
        if (!nan)
                nan = none;
        switch (v->type) {
        case WSBX_I32:
                outf(o, "i32.const %" PRId32, (int32_t)v->u.i32);
                return;
        case WSBX_I64:
                outf(o, "i64.const %" PRId64, (int64_t)v->u.i64);
                return;
        case WSBX_F32:
                outf(o, "f32.const ");
                out_float(o, v->u.f32, 32, nan[0]);
                return;
        case WSBX_F64:
                outf(o, "f64.const ");
                out_float(o, v->u.f64, 64, nan[0]);
                return;
        case WSBX_V128: {
                unsigned s = v->shape < sizeof shapes / sizeof shapes[0] ? v->shape : WSBX_SHAPE_I32X4;
                unsigned bytes = shapes[s].bits / 8;
                outf(o, "v128.const %s", shapes[s].name);
                for (unsigned i = 0; i < shapes[s].lanes; i++) {
                        uint64_t lane = get_le(v->u.v128 + i * bytes, bytes);
                        outf(o, " ");
                        if (s == WSBX_SHAPE_F32X4 || s == WSBX_SHAPE_F64X2) {
                                out_float(o, lane, bytes * 8, nan[i]);
                        } else {
                                /* Sign-extend the lane for a signed reading. */
                                unsigned shift = 64 - bytes * 8;
                                int64_t sv = shift ? (int64_t)(lane << shift) >> shift : (int64_t)lane;
                                outf(o, "%" PRId64, sv);
                        }
                }
                return;
        }
        case WSBX_FUNCREF:
        case WSBX_EXTERNREF: {
                const char *kind = v->type == WSBX_FUNCREF ? "func" : "extern";
                if (v->is_null)
                        outf(o, "ref.null %s", kind);
                else
                        outf(o, "ref.%s %" PRIu32, kind, v->u.ref);
                return;
        }
        }
        outf(o, "<unknown value type 0x%02x>", v->type);
}

size_t wsbx_value_format(const wsbx_value *v, char *buf, size_t size)
{
        struct out o = {buf, size, 0};
        if (size)
                buf[0] = 0;
        out_value(&o, v, NULL);
        return o.len;
}

size_t wsbx_result_format(const wsbx_result *r, char *buf, size_t size)
{
        struct out o = {buf, size, 0};
        if (size)
                buf[0] = 0;
        switch (r->kind) {
        case WSBX_RESULT_VALUE:
                out_value(&o, &r->value, r->nan);
                break;
        case WSBX_RESULT_ANY_FUNC:
                outf(&o, "ref.func");
                break;
        case WSBX_RESULT_ANY_EXTERN:
                outf(&o, "ref.extern");
                break;
        case WSBX_RESULT_ANY_NULL:
                outf(&o, "ref.null");
                break;
        case WSBX_RESULT_EITHER:
                outf(&o, "either");
                for (uint32_t i = 0; i < r->nalts; i++) {
                        outf(&o, " (");
                        size_t room = o.len < size ? size - o.len : 0;
                        o.len += wsbx_result_format(&r->alts[i], room ? buf + o.len : NULL, room);
                        outf(&o, ")");
                }
                break;
        }
        return o.len;
}
