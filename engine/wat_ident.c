/* wat_ident.c - tokens and names for the text parser.
 *
 * Everything the module parser (wat.c), the type parser (wat_types.c) and
 * the instruction parser (wat_instr.c) share about reading tokens and
 * giving meaning to names: the token helpers (which also remember where
 * the last token was, for the position map), the error for a token out of
 * place, identifier maps, and references of every kind, whether to an
 * index space, a local or a label.
 *
 * Invariants: an identifier map never copies names; they point into the
 * source or into the parser's arena, both of which outlive the map. A
 * reference is a number (taken as written, even out of range, for the
 * validator to judge) or an $id bound in its map; an unbound $id is an
 * error at the $id. Lookup is hashed, so the cost stays linear in the
 * input.
 *
 * Surprising: which words count as "known" decides between two messages
 * the spec tests match on. A keyword of the format out of place is
 * "unexpected token"; any other word is "unknown operator", as in the
 * reference interpreter.
 */
#include "internal.h"

#include <stdlib.h>

/* ------------------------------------------------------------------------ */
/* Small shared helpers                                                     */
/* ------------------------------------------------------------------------ */

wsbx_errkind wsbx_wat_nomem(wsbx_wat *P)
{
        return wsbx_error_set(P->err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
}

void *wsbx_wat_grow(void *arr, size_t *cap, size_t elem)
{
        size_t ncap = *cap ? *cap * 2 : 16;
        if (ncap < *cap || ncap > SIZE_MAX / elem)
                return NULL;
        void *p = realloc(arr, ncap * elem);
        if (p)
                *cap = ncap;
        return p;
}

/* ------------------------------------------------------------------------ */
/* Identifier maps                                                          */
/* ------------------------------------------------------------------------ */

static uint32_t hash_name(const char *s, uint32_t len)
{
        uint32_t h = 2166136261u;
        for (uint32_t i = 0; i < len; i++)
                h = (h ^ (uint8_t)s[i]) * 16777619u;
        return h;
}

static bool idmap_grow(wsbx_idmap *m)
{
        uint32_t cap = m->cap ? m->cap * 2 : 16;
        if (cap < m->cap || cap > UINT32_MAX / 2)
                return false;
        wsbx_idslot *slots = calloc(cap, sizeof *slots);
        if (!slots)
                return false;
        for (uint32_t i = 0; i < m->cap; i++) {
                wsbx_idslot *o = &m->slots[i];
                if (!o->name)
                        continue;
                uint32_t j = hash_name(o->name, o->len) & (cap - 1);
                while (slots[j].name)
                        j = (j + 1) & (cap - 1);
                slots[j] = *o;
        }
        free(m->slots);
        m->slots = slots;
        m->cap = cap;
        return true;
}

wsbx_idslot *wsbx_idmap_slot(wsbx_idmap *m, const char *name, uint32_t len)
{
        if ((m->count + 1) * 4 > m->cap * 3 && !idmap_grow(m))
                return NULL;
        uint32_t j = hash_name(name, len) & (m->cap - 1);
        for (;;) {
                wsbx_idslot *s = &m->slots[j];
                if (!s->name) {
                        /* Empty names get a non-NULL pointer so the slot
                         * reads as used. */
                        s->name = name ? name : "";
                        s->len = len;
                        s->index = WSBX_NO_INDEX;
                        m->count++;
                        return s;
                }
                if (s->len == len && memcmp(s->name, name, len) == 0)
                        return s;
                j = (j + 1) & (m->cap - 1);
        }
}

uint32_t wsbx_idmap_get(const wsbx_idmap *m, const char *name, uint32_t len)
{
        if (!m->cap)
                return WSBX_NO_INDEX;
        uint32_t j = hash_name(name, len) & (m->cap - 1);
        for (;;) {
                const wsbx_idslot *s = &m->slots[j];
                if (!s->name)
                        return WSBX_NO_INDEX;
                if (s->len == len && memcmp(s->name, name, len) == 0)
                        return s->index;
                j = (j + 1) & (m->cap - 1);
        }
}

void wsbx_idmap_free(wsbx_idmap *m)
{
        free(m->slots);
        memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------------------ */
/* Tokens                                                                   */
/* ------------------------------------------------------------------------ */

wsbx_errkind wsbx_wat_next(wsbx_wat *P, wsbx_token *t)
{
        wsbx_errkind k = wsbx_lex_next(P->lx, t, P->err);
        if (!k)
                P->last = wsbx_wat_tokpos(t);
        return k;
}

wsbx_errkind wsbx_wat_peek(wsbx_wat *P, wsbx_token *t)
{
        return wsbx_lex_peek(P->lx, t, P->err);
}

wsbx_errkind wsbx_wat_peek2(wsbx_wat *P, wsbx_token *t1, wsbx_token *t2)
{
        wsbx_lexer save = *P->lx;
        wsbx_errkind k = wsbx_lex_next(P->lx, t1, P->err);
        if (!k) {
                if (t1->kind == WSBX_TOK_EOF)
                        *t2 = *t1;
                else
                        k = wsbx_lex_next(P->lx, t2, P->err);
        }
        *P->lx = save;
        return k;
}

bool wsbx_wat_is(const wsbx_token *t, const char *kw)
{
        size_t n = strlen(kw);
        return t->kind == WSBX_TOK_KEYWORD && t->len == n && memcmp(t->start, kw, n) == 0;
}

bool wsbx_wat_kw_num(const wsbx_token *t, const char *pre, wsbx_token *num)
{
        size_t n = strlen(pre);
        if (t->kind != WSBX_TOK_KEYWORD || t->len < n || memcmp(t->start, pre, n) != 0)
                return false;
        *num = *t;
        num->start += n;
        num->len -= n;
        num->col += (uint32_t)n;
        num->kind = wsbx_text_numclass(num->start, num->len) == WSBX_NUM_NAT ? WSBX_TOK_NUMBER
                                                                             : WSBX_TOK_RESERVED;
        return true;
}

/* Keywords of the text format (and of scripts) other than instruction
 * names: seeing one out of place is "unexpected token", while any other
 * word is "unknown operator", as in the reference interpreter. */
static const char *const known_keywords[] = {
        "module", "type", "func", "param", "result", "local", "import", "export", "table",
        "memory", "global", "mut", "elem", "data", "start", "offset", "item", "declare",
        "funcref", "externref", "extern", "i32", "i64", "f32", "f64", "v128", "then", "else",
        "end", "binary", "quote", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2",
        "nan:canonical", "nan:arithmetic", "register", "invoke", "get", "assert_return",
        "assert_trap", "assert_exhaustion", "assert_malformed", "assert_invalid",
        "assert_unlinkable", "ref.extern", "i8", "i16",
};

static bool known_word(const wsbx_token *t)
{
        if (wsbx_op_by_name(t->start, t->len) != WSBX_OP_INVALID)
                return true;
        for (size_t i = 0; i < sizeof known_keywords / sizeof known_keywords[0]; i++)
                if (wsbx_wat_is(t, known_keywords[i]))
                        return true;
        /* offset=N and align=N with a well-formed N. */
        wsbx_token num;
        return (wsbx_wat_kw_num(t, "offset=", &num) || wsbx_wat_kw_num(t, "align=", &num)) &&
               num.kind == WSBX_TOK_NUMBER;
}

wsbx_errkind wsbx_wat_unexpected(wsbx_wat *P, const wsbx_token *t)
{
        if (t->kind == WSBX_TOK_RESERVED || (t->kind == WSBX_TOK_KEYWORD && !known_word(t)))
                return wsbx_text_error(P->err, t, "unknown operator %.*s", WSBX_WAT_TOKFMT(t));
        if (t->kind == WSBX_TOK_EOF)
                return wsbx_text_error(P->err, t, "unexpected end");
        return wsbx_text_error(P->err, t, "unexpected token");
}

wsbx_errkind wsbx_wat_expect(wsbx_wat *P, wsbx_tokkind kind, wsbx_token *t)
{
        wsbx_errkind k = wsbx_wat_next(P, t);
        if (k)
                return k;
        if (t->kind != kind)
                return wsbx_wat_unexpected(P, t);
        return WSBX_OK;
}

wsbx_errkind wsbx_wat_expect_kw(wsbx_wat *P, const char *kw)
{
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_next(P, &t);
        if (k)
                return k;
        if (!wsbx_wat_is(&t, kw))
                return wsbx_wat_unexpected(P, &t);
        return WSBX_OK;
}

bool wsbx_wat_at_list(wsbx_wat *P, const char *kw)
{
        wsbx_token t1, t2;
        if (wsbx_wat_peek2(P, &t1, &t2))
                return false;
        return t1.kind == WSBX_TOK_LPAREN && wsbx_wat_is(&t2, kw);
}

wsbx_errkind wsbx_wat_open_list(wsbx_wat *P)
{
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_next(P, &t);
        if (!k)
                k = wsbx_wat_next(P, &t);
        return k;
}

wsbx_errkind wsbx_wat_close_list(wsbx_wat *P)
{
        wsbx_token t;
        return wsbx_wat_expect(P, WSBX_TOK_RPAREN, &t);
}

/* ------------------------------------------------------------------------ */
/* Names and references                                                     */
/* ------------------------------------------------------------------------ */

wsbx_errkind wsbx_wat_idname(wsbx_wat *P, const wsbx_token *t, const char **name, uint32_t *len)
{
        if (t->len > UINT32_MAX)
                return wsbx_text_error(P->err, t, "identifier too long");
        if (t->len >= 2 && t->start[1] == '"') {
                uint8_t *buf = wsbx_arena_alloc(P->arena, t->len);
                size_t n;
                if (!buf)
                        return wsbx_wat_nomem(P);
                wsbx_errkind k = wsbx_text_string(t, buf, &n, P->err);
                if (k)
                        return k;
                if (!wsbx_utf8_valid(buf, n))
                        return wsbx_text_error(P->err, t, "malformed UTF-8 encoding");
                if (n == 0)
                        return wsbx_text_error(P->err, t, "empty identifier");
                *name = (const char *)buf;
                *len = (uint32_t)n;
                return WSBX_OK;
        }
        *name = t->start + 1;
        *len = (uint32_t)t->len - 1;
        return WSBX_OK;
}

static const char *const space_names[WSBX_SP_COUNT] = {
        "function", "table", "memory", "global", "type", "elem segment", "data segment",
};
static const char *const space_dup_names[WSBX_SP_COUNT] = {
        "func", "table", "memory", "global", "type", "elem", "data",
};

bool wsbx_wat_at_var(wsbx_wat *P)
{
        wsbx_token t;
        if (wsbx_wat_peek(P, &t))
                return false;
        return t.kind == WSBX_TOK_NUMBER || t.kind == WSBX_TOK_ID;
}

wsbx_errkind wsbx_wat_ref(wsbx_wat *P, const wsbx_idmap *ids, const char *what, wsbx_token *t,
                          uint32_t *out)
{
        wsbx_errkind k = wsbx_wat_next(P, t);
        if (k)
                return k;
        if (t->kind == WSBX_TOK_NUMBER) {
                uint64_t v;
                if ((k = wsbx_text_nat(t, UINT32_MAX, &v, P->err)))
                        return k;
                *out = (uint32_t)v;
                return WSBX_OK;
        }
        if (t->kind != WSBX_TOK_ID)
                return wsbx_wat_unexpected(P, t);
        const char *name;
        uint32_t len;
        if ((k = wsbx_wat_idname(P, t, &name, &len)))
                return k;
        uint32_t idx = wsbx_idmap_get(ids, name, len);
        if (idx == WSBX_NO_INDEX)
                return wsbx_text_error(P->err, t, "unknown %s %.*s", what, WSBX_WAT_TOKFMT(t));
        *out = idx;
        return WSBX_OK;
}

wsbx_errkind wsbx_wat_var(wsbx_wat *P, unsigned space, uint32_t *out)
{
        wsbx_token t;
        return wsbx_wat_ref(P, &P->ids[space], space_names[space], &t, out);
}

wsbx_errkind wsbx_wat_bind(wsbx_wat *P, wsbx_idmap *ids, const char *what, const wsbx_token *t,
                           uint32_t index)
{
        const char *name;
        uint32_t len;
        wsbx_errkind k = wsbx_wat_idname(P, t, &name, &len);
        if (k)
                return k;
        wsbx_idslot *s = wsbx_idmap_slot(ids, name, len);
        if (!s)
                return wsbx_wat_nomem(P);
        if (s->index != WSBX_NO_INDEX)
                return wsbx_text_error(P->err, t, "duplicate %s %.*s", what, WSBX_WAT_TOKFMT(t));
        s->index = index;
        return WSBX_OK;
}

wsbx_errkind wsbx_wat_opt_id(wsbx_wat *P, wsbx_token *t, bool *found)
{
        wsbx_errkind k = wsbx_wat_peek(P, t);
        *found = !k && t->kind == WSBX_TOK_ID;
        if (*found)
                wsbx_wat_next(P, t);
        return k;
}

wsbx_errkind wsbx_wat_bind_opt_id(wsbx_wat *P, unsigned space, uint32_t index)
{
        wsbx_token t;
        bool found;
        wsbx_errkind k = wsbx_wat_opt_id(P, &t, &found);
        if (k || !found)
                return k;
        return wsbx_wat_bind(P, &P->ids[space], space_dup_names[space], &t, index);
}

wsbx_errkind wsbx_wat_skip_opt_id(wsbx_wat *P)
{
        wsbx_token t;
        bool found;
        return wsbx_wat_opt_id(P, &t, &found);
}
