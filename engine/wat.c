/* wat.c - text format modules to binary.
 *
 * A module is read in two passes over its fields. The first pass binds
 * every identifier to its index (functions, tables, memories, globals,
 * types, element and data segments), parses the explicit type definitions
 * in full, and checks the rules that depend on order alone (imports before
 * definitions, one start function). It only counts parentheses inside
 * other fields. The second pass re-reads each field from its saved
 * position and encodes it into its section; instructions are handled by
 * wat_instr.c. References may therefore point forward, and implicit types
 * (type uses written only as (param)/(result)) are appended after every
 * explicit type, in the order they are first needed, exactly when no
 * existing type matches.
 *
 * Invariants: index spaces list imports first, as the binary does; this
 * holds because an import after a definition of any kind is rejected
 * ("import after function", ...), so text order is index order. Symbolic
 * references to unknown names are errors; numeric ones are emitted as
 * written, even out of range, for the validator to judge. Identifier
 * lookup is hashed, so the cost stays linear in the input.
 *
 * The output is the module's binary, not validated. Sections are emitted
 * only when non-empty, in the binary's order; a data count section is
 * emitted when an instruction needs it (memory.init, data.drop). No name
 * section is produced.
 */
#include "internal.h"

#include <stdlib.h>

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
        return wsbx_lex_next(P->lx, t, P->err);
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
        for (int i = 0; i < 2; i++) {
                const char *pre = i ? "align=" : "offset=";
                size_t n = strlen(pre);
                if (t->len > n && memcmp(t->start, pre, n) == 0 &&
                    wsbx_text_numclass(t->start + n, t->len - n) == WSBX_NUM_NAT)
                        return true;
        }
        return false;
}

wsbx_errkind wsbx_wat_unexpected(wsbx_wat *P, const wsbx_token *t)
{
        if (t->kind == WSBX_TOK_RESERVED || (t->kind == WSBX_TOK_KEYWORD && !known_word(t)))
                return wsbx_text_error(P->err, t, "unknown operator %.*s", (int)(t->len > 64 ? 64 : t->len),
                                       t->start);
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

static wsbx_errkind nomem(wsbx_wat *P)
{
        return wsbx_error_set(P->err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
}

/* True when the next two tokens are "(" and keyword `kw`. */
static bool at_list(wsbx_wat *P, const char *kw)
{
        wsbx_token t1, t2;
        if (wsbx_wat_peek2(P, &t1, &t2))
                return false;
        return t1.kind == WSBX_TOK_LPAREN && wsbx_wat_is(&t2, kw);
}

static wsbx_errkind open_list(wsbx_wat *P)
{
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_next(P, &t);
        if (!k)
                k = wsbx_wat_next(P, &t);
        return k;
}

static wsbx_errkind close_list(wsbx_wat *P)
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
                        return nomem(P);
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

wsbx_errkind wsbx_wat_var(wsbx_wat *P, unsigned space, uint32_t *out)
{
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_next(P, &t);
        if (k)
                return k;
        if (t.kind == WSBX_TOK_NUMBER) {
                uint64_t v;
                if ((k = wsbx_text_nat(&t, UINT32_MAX, &v, P->err)))
                        return k;
                *out = (uint32_t)v;
                return WSBX_OK;
        }
        if (t.kind != WSBX_TOK_ID)
                return wsbx_wat_unexpected(P, &t);
        const char *name;
        uint32_t len;
        if ((k = wsbx_wat_idname(P, &t, &name, &len)))
                return k;
        uint32_t idx = wsbx_idmap_get(&P->ids[space], name, len);
        if (idx == WSBX_NO_INDEX)
                return wsbx_text_error(P->err, &t, "unknown %s %.*s", space_names[space],
                                       (int)(t.len > 64 ? 64 : t.len), t.start);
        *out = idx;
        return WSBX_OK;
}

/* Binds an optional $id at the next token to index `index` of `space`. */
static wsbx_errkind bind_opt_id(wsbx_wat *P, unsigned space, uint32_t index)
{
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_peek(P, &t);
        if (k || t.kind != WSBX_TOK_ID)
                return k;
        wsbx_wat_next(P, &t);
        const char *name;
        uint32_t len;
        if ((k = wsbx_wat_idname(P, &t, &name, &len)))
                return k;
        wsbx_idslot *s = wsbx_idmap_slot(&P->ids[space], name, len);
        if (!s)
                return nomem(P);
        if (s->index != WSBX_NO_INDEX)
                return wsbx_text_error(P->err, &t, "duplicate %s %.*s", space_dup_names[space],
                                       (int)(t.len > 64 ? 64 : t.len), t.start);
        s->index = index;
        return WSBX_OK;
}

static wsbx_errkind skip_opt_id(wsbx_wat *P)
{
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_peek(P, &t);
        if (!k && t.kind == WSBX_TOK_ID)
                wsbx_wat_next(P, &t);
        return k;
}

/* ------------------------------------------------------------------------ */
/* Types                                                                    */
/* ------------------------------------------------------------------------ */

wsbx_errkind wsbx_wat_valtype(wsbx_wat *P, uint8_t *out)
{
        static const struct {
                const char *name;
                uint8_t type;
        } vts[] = {
                {"i32", WSBX_I32},   {"i64", WSBX_I64},         {"f32", WSBX_F32},
                {"f64", WSBX_F64},   {"v128", WSBX_V128},       {"funcref", WSBX_FUNCREF},
                {"externref", WSBX_EXTERNREF},
        };
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_next(P, &t);
        if (k)
                return k;
        for (size_t i = 0; i < sizeof vts / sizeof vts[0]; i++) {
                if (wsbx_wat_is(&t, vts[i].name)) {
                        *out = vts[i].type;
                        return WSBX_OK;
                }
        }
        return wsbx_wat_unexpected(P, &t);
}

static wsbx_errkind reftype(wsbx_wat *P, uint8_t *out)
{
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_peek(P, &t);
        if (k)
                return k;
        if (!wsbx_wat_is(&t, "funcref") && !wsbx_wat_is(&t, "externref")) {
                wsbx_wat_next(P, &t);
                return wsbx_wat_unexpected(P, &t);
        }
        return wsbx_wat_valtype(P, out);
}

static wsbx_errkind push_vt(wsbx_wat *P, uint8_t vt)
{
        if (P->nvt == P->vt_cap) {
                uint32_t cap = P->vt_cap ? P->vt_cap * 2 : 32;
                if (cap < P->vt_cap)
                        return nomem(P);
                uint8_t *v = realloc(P->vt, cap);
                if (!v)
                        return nomem(P);
                P->vt = v;
                P->vt_cap = cap;
        }
        P->vt[P->nvt++] = vt;
        return WSBX_OK;
}

/* Adds a function type (params then results in vt). With `reuse`, an
 * existing identical type is returned instead (implicit type uses). */
static wsbx_errkind add_type(wsbx_wat *P, const uint8_t *vt, uint32_t np, uint32_t nr, bool reuse,
                             uint32_t *out)
{
        wsbx_buf key = {0};
        wsbx_buf_u8(&key, 0x60);
        wsbx_buf_uleb(&key, np);
        wsbx_buf_put(&key, vt, np);
        wsbx_buf_uleb(&key, nr);
        wsbx_buf_put(&key, vt + np, nr);
        if (key.oom || key.len > UINT32_MAX) {
                wsbx_buf_free(&key);
                return nomem(P);
        }
        uint8_t *kcopy = wsbx_arena_alloc(P->arena, key.len);
        if (!kcopy) {
                wsbx_buf_free(&key);
                return nomem(P);
        }
        memcpy(kcopy, key.data, key.len);
        uint32_t klen = (uint32_t)key.len;
        wsbx_buf_free(&key);
        wsbx_idslot *s = wsbx_idmap_slot(&P->sigs, (const char *)kcopy, klen);
        if (!s)
                return nomem(P);
        if (reuse && s->index != WSBX_NO_INDEX) {
                *out = s->index;
                return WSBX_OK;
        }
        if (P->ntypes == P->types_cap) {
                uint32_t cap = P->types_cap ? P->types_cap * 2 : 16;
                wsbx_wat_type *t = cap > P->types_cap ? realloc(P->types, (size_t)cap * sizeof *t) : NULL;
                if (!t)
                        return nomem(P);
                P->types = t;
                P->types_cap = cap;
        }
        uint8_t *copy = wsbx_arena_alloc(P->arena, (size_t)np + nr + 1);
        if (!copy)
                return nomem(P);
        if (np + nr)
                memcpy(copy, vt, (size_t)np + nr);
        P->types[P->ntypes] = (wsbx_wat_type){np, nr, copy};
        if (s->index == WSBX_NO_INDEX)
                s->index = P->ntypes;
        *out = P->ntypes++;
        return WSBX_OK;
}

/* (param ...)* (result ...)* into P->vt, appended. With `names`, a param
 * may carry one $id; bound as a local when `bind`. */
static wsbx_errkind params_results(wsbx_wat *P, bool names, bool bind, uint32_t *np, uint32_t *nr)
{
        wsbx_errkind k;
        wsbx_token t;
        *np = *nr = 0;
        for (int pass = 0; pass < 2; pass++) {
                const char *kw = pass ? "result" : "param";
                while (at_list(P, kw)) {
                        open_list(P);
                        if ((k = wsbx_wat_peek(P, &t)))
                                return k;
                        if (t.kind == WSBX_TOK_ID && pass == 0) {
                                if (!names)
                                        return wsbx_wat_unexpected(P, &t);
                                wsbx_wat_next(P, &t);
                                if (bind) {
                                        const char *name;
                                        uint32_t len;
                                        if ((k = wsbx_wat_idname(P, &t, &name, &len)))
                                                return k;
                                        wsbx_idslot *s = wsbx_idmap_slot(&P->locals, name, len);
                                        if (!s)
                                                return nomem(P);
                                        if (s->index != WSBX_NO_INDEX)
                                                return wsbx_text_error(P->err, &t, "duplicate local %.*s",
                                                                       (int)(t.len > 64 ? 64 : t.len), t.start);
                                        s->index = *np;
                                }
                                uint8_t vt;
                                if ((k = wsbx_wat_valtype(P, &vt)) || (k = push_vt(P, vt)))
                                        return k;
                                (*np)++;
                                if ((k = close_list(P)))
                                        return k;
                                continue;
                        }
                        for (;;) {
                                if ((k = wsbx_wat_peek(P, &t)))
                                        return k;
                                if (t.kind == WSBX_TOK_RPAREN)
                                        break;
                                uint8_t vt;
                                if ((k = wsbx_wat_valtype(P, &vt)) || (k = push_vt(P, vt)))
                                        return k;
                                if (pass)
                                        (*nr)++;
                                else
                                        (*np)++;
                        }
                        wsbx_wat_next(P, &t);
                }
        }
        /* A param after the results is out of order. */
        if (at_list(P, "param")) {
                wsbx_token t1;
                wsbx_wat_next(P, &t1);
                wsbx_wat_next(P, &t);
                return wsbx_wat_unexpected(P, &t);
        }
        return WSBX_OK;
}

wsbx_errkind wsbx_wat_parse_typeuse(wsbx_wat *P, bool allow_names, bool bind_locals, wsbx_wat_typeuse *tu)
{
        wsbx_errkind k;
        wsbx_token t = {0};
        memset(tu, 0, sizeof *tu);
        P->nvt = 0;
        if (at_list(P, "type")) {
                open_list(P);
                wsbx_wat_peek(P, &t);
                if ((k = wsbx_wat_var(P, WSBX_SP_TYPE, &tu->type)) || (k = close_list(P)))
                        return k;
                tu->has_type = true;
        }
        if ((k = params_results(P, allow_names, bind_locals, &tu->nparams, &tu->nresults)))
                return k;
        tu->type_nparams = tu->nparams;
        if (!tu->has_type)
                return WSBX_OK;
        if (tu->type >= P->ntypes) {
                if (tu->nparams || tu->nresults)
                        return wsbx_text_error(P->err, &t, "unknown type");
                return WSBX_OK;
        }
        const wsbx_wat_type *ty = &P->types[tu->type];
        tu->type_nparams = ty->nparams;
        if (tu->nparams || tu->nresults) {
                if (ty->nparams != tu->nparams || ty->nresults != tu->nresults ||
                    (P->nvt && memcmp(ty->vt, P->vt, P->nvt) != 0))
                        return wsbx_text_error(P->err, &t, "inline function type");
        }
        return WSBX_OK;
}

wsbx_errkind wsbx_wat_typeuse_index(wsbx_wat *P, const wsbx_wat_typeuse *tu, uint32_t *out)
{
        if (tu->has_type) {
                *out = tu->type;
                return WSBX_OK;
        }
        return add_type(P, P->vt, tu->nparams, tu->nresults, true, out);
}

/* ------------------------------------------------------------------------ */
/* The module                                                               */
/* ------------------------------------------------------------------------ */

enum {
        F_TYPE,
        F_IMPORT,
        F_FUNC,
        F_TABLE,
        F_MEMORY,
        F_GLOBAL,
        F_EXPORT,
        F_START,
        F_ELEM,
        F_DATA,
};

static const char *const field_names[] = {
        "type", "import", "func", "table", "memory", "global", "export", "start", "elem", "data",
};

/* Where a field's contents start (just after its keyword). */
typedef struct wat_field {
        const char *p, *line_start;
        uint32_t line;
        uint8_t kind;
} wat_field;

/* Section ids, in the binary's order of appearance. */
enum {
        S_TYPE = 1, S_IMPORT = 2, S_FUNC = 3, S_TABLE = 4, S_MEMORY = 5, S_GLOBAL = 6,
        S_EXPORT = 7, S_START = 8, S_ELEM = 9, S_CODE = 10, S_DATA = 11, S_DATACOUNT = 12,
        S_MAX = 13
};

typedef struct wat_module {
        wsbx_wat P;
        wsbx_buf sec[S_MAX];
        uint32_t cnt[S_MAX];
        wat_field *fields;
        size_t nfields, fields_cap;
        bool has_start;
        int first_def; /* F_FUNC.. of the first definition, or -1 */
        wsbx_buf tmp;
        wsbx_buf body;
} wat_module;

static wsbx_errkind skip_rest(wsbx_wat *P, size_t depth)
{
        wsbx_token t;
        while (depth) {
                wsbx_errkind k = wsbx_wat_next(P, &t);
                if (k)
                        return k;
                if (t.kind == WSBX_TOK_EOF)
                        return wsbx_text_error(P->err, &t, "unexpected end");
                if (t.kind == WSBX_TOK_LPAREN)
                        depth++;
                else if (t.kind == WSBX_TOK_RPAREN)
                        depth--;
        }
        return WSBX_OK;
}

/* As skip_rest(1), also reporting whether a direct child list starts with
 * keyword `kw` (inline elem in tables, inline data in memories). */
static wsbx_errkind skip_field_find(wsbx_wat *P, const char *kw, bool *found)
{
        wsbx_token t;
        size_t depth = 1;
        *found = false;
        while (depth) {
                wsbx_errkind k = wsbx_wat_next(P, &t);
                if (k)
                        return k;
                if (t.kind == WSBX_TOK_EOF)
                        return wsbx_text_error(P->err, &t, "unexpected end");
                if (t.kind == WSBX_TOK_LPAREN) {
                        depth++;
                        if (depth == 2 && !wsbx_wat_peek(P, &t) && wsbx_wat_is(&t, kw))
                                *found = true;
                } else if (t.kind == WSBX_TOK_RPAREN) {
                        depth--;
                }
        }
        return WSBX_OK;
}

/* A string literal's bytes, appended to `out`. */
static wsbx_errkind string_bytes(wsbx_wat *P, const wsbx_token *t, wsbx_buf *out)
{
        if (t->kind != WSBX_TOK_STRING)
                return wsbx_wat_unexpected(P, t);
        wsbx_buf_reserve(out, t->len);
        if (out->oom)
                return nomem(P);
        size_t n;
        wsbx_errkind k = wsbx_text_string(t, out->data + out->len, &n, P->err);
        if (k)
                return k;
        out->len += n;
        return WSBX_OK;
}

/* A name: a string that must be valid UTF-8, written as vec(byte). */
static wsbx_errkind name(wsbx_wat *P, wsbx_buf *out)
{
        wsbx_token t;
        wsbx_buf tmp = {0};
        wsbx_errkind k = wsbx_wat_next(P, &t);
        if (!k)
                k = string_bytes(P, &t, &tmp);
        if (!k && !wsbx_utf8_valid(tmp.data, tmp.len))
                k = wsbx_text_error(P->err, &t, "malformed UTF-8 encoding");
        if (!k) {
                wsbx_buf_uleb(out, tmp.len);
                wsbx_buf_put(out, tmp.data, tmp.len);
        }
        wsbx_buf_free(&tmp);
        return k;
}

static int import_kind(const wsbx_token *t)
{
        if (wsbx_wat_is(t, "func"))
                return F_FUNC;
        if (wsbx_wat_is(t, "table"))
                return F_TABLE;
        if (wsbx_wat_is(t, "memory"))
                return F_MEMORY;
        if (wsbx_wat_is(t, "global"))
                return F_GLOBAL;
        return -1;
}

static unsigned space_of(int fkind)
{
        switch (fkind) {
        case F_FUNC: return WSBX_SP_FUNC;
        case F_TABLE: return WSBX_SP_TABLE;
        case F_MEMORY: return WSBX_SP_MEMORY;
        case F_GLOBAL: return WSBX_SP_GLOBAL;
        case F_ELEM: return WSBX_SP_ELEM;
        case F_DATA: return WSBX_SP_DATA;
        }
        return WSBX_SP_TYPE;
}

static wsbx_errkind note_import(wat_module *M, const wsbx_token *at)
{
        static const char *const what[] = {
                [F_FUNC] = "function", [F_TABLE] = "table", [F_MEMORY] = "memory", [F_GLOBAL] = "global",
        };
        if (M->first_def >= 0)
                return wsbx_text_error(M->P.err, at, "import after %s", what[M->first_def]);
        return WSBX_OK;
}

/* Pass 1 over one field whose keyword has been read. */
static wsbx_errkind scan_field(wat_module *M, int kind, const wsbx_token *kw)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        wsbx_token t, t2;
        switch (kind) {
        case F_TYPE: {
                uint32_t np, nr, idx;
                if ((k = bind_opt_id(P, WSBX_SP_TYPE, P->ntypes)))
                        return k;
                if ((k = wsbx_wat_expect(P, WSBX_TOK_LPAREN, &t)) || (k = wsbx_wat_expect_kw(P, "func")))
                        return k;
                P->nvt = 0;
                if ((k = params_results(P, true, false, &np, &nr)) || (k = close_list(P)) ||
                    (k = close_list(P)))
                        return k;
                P->counts[WSBX_SP_TYPE]++;
                return add_type(P, P->vt, np, nr, false, &idx);
        }
        case F_IMPORT: {
                if ((k = wsbx_wat_expect(P, WSBX_TOK_STRING, &t)) || (k = wsbx_wat_expect(P, WSBX_TOK_STRING, &t)) ||
                    (k = wsbx_wat_expect(P, WSBX_TOK_LPAREN, &t)) || (k = wsbx_wat_next(P, &t2)))
                        return k;
                int ik = import_kind(&t2);
                if (ik < 0)
                        return wsbx_wat_unexpected(P, &t2);
                if ((k = note_import(M, kw)))
                        return k;
                unsigned sp = space_of(ik);
                if ((k = bind_opt_id(P, sp, P->counts[sp])))
                        return k;
                P->counts[sp]++;
                return skip_rest(P, 2);
        }
        case F_FUNC:
        case F_TABLE:
        case F_MEMORY:
        case F_GLOBAL: {
                unsigned sp = space_of(kind);
                if ((k = bind_opt_id(P, sp, P->counts[sp])))
                        return k;
                P->counts[sp]++;
                bool imported = false;
                for (;;) {
                        if (at_list(P, "export")) {
                                open_list(P);
                                if ((k = skip_rest(P, 1)))
                                        return k;
                                continue;
                        }
                        if (at_list(P, "import")) {
                                imported = true;
                                if ((k = note_import(M, kw)))
                                        return k;
                        }
                        break;
                }
                if (!imported && M->first_def < 0)
                        M->first_def = kind;
                if (kind == F_TABLE || kind == F_MEMORY) {
                        bool found;
                        if ((k = skip_field_find(P, kind == F_TABLE ? "elem" : "data", &found)))
                                return k;
                        if (found && !imported)
                                P->counts[kind == F_TABLE ? WSBX_SP_ELEM : WSBX_SP_DATA]++;
                        return WSBX_OK;
                }
                return skip_rest(P, 1);
        }
        case F_ELEM:
        case F_DATA: {
                unsigned sp = space_of(kind);
                if ((k = bind_opt_id(P, sp, P->counts[sp])))
                        return k;
                P->counts[sp]++;
                return skip_rest(P, 1);
        }
        case F_START:
                if (M->has_start)
                        return wsbx_text_error(P->err, kw, "multiple start sections");
                M->has_start = true;
                return skip_rest(P, 1);
        default:
                return skip_rest(P, 1);
        }
}

/* Inline (export "name")* of a func, table, memory or global. */
static wsbx_errkind inline_exports(wat_module *M, uint8_t ekind, uint32_t index)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        while (at_list(P, "export")) {
                open_list(P);
                if ((k = name(P, &M->sec[S_EXPORT])) || (k = close_list(P)))
                        return k;
                wsbx_buf_u8(&M->sec[S_EXPORT], ekind);
                wsbx_buf_uleb(&M->sec[S_EXPORT], index);
                M->cnt[S_EXPORT]++;
        }
        return WSBX_OK;
}

/* Inline (import "m" "n"): writes the two names of the import entry. */
static wsbx_errkind inline_import(wat_module *M, bool *imported)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        *imported = false;
        if (!at_list(P, "import"))
                return WSBX_OK;
        open_list(P);
        if ((k = name(P, &M->sec[S_IMPORT])) || (k = name(P, &M->sec[S_IMPORT])) || (k = close_list(P)))
                return k;
        *imported = true;
        M->cnt[S_IMPORT]++;
        return WSBX_OK;
}

static wsbx_errkind limits(wsbx_wat *P, wsbx_buf *out)
{
        wsbx_token t;
        uint64_t min, max = 0;
        wsbx_errkind k = wsbx_wat_next(P, &t);
        if (k)
                return k;
        if (t.kind != WSBX_TOK_NUMBER)
                return wsbx_wat_unexpected(P, &t);
        if (wsbx_text_nat(&t, UINT32_MAX, &min, P->err))
                return wsbx_text_error(P->err, &t, "i32 constant out of range");
        bool has_max = false;
        if ((k = wsbx_wat_peek(P, &t)))
                return k;
        if (t.kind == WSBX_TOK_NUMBER) {
                wsbx_wat_next(P, &t);
                if (wsbx_text_nat(&t, UINT32_MAX, &max, P->err))
                        return wsbx_text_error(P->err, &t, "i32 constant out of range");
                has_max = true;
        }
        wsbx_buf_u8(out, has_max);
        wsbx_buf_uleb(out, min);
        if (has_max)
                wsbx_buf_uleb(out, max);
        return WSBX_OK;
}

static wsbx_errkind tabletype(wsbx_wat *P, wsbx_buf *out)
{
        wsbx_buf lim = {0};
        uint8_t rt;
        wsbx_errkind k = limits(P, &lim);
        if (!k)
                k = reftype(P, &rt);
        if (!k) {
                wsbx_buf_u8(out, rt);
                wsbx_buf_put(out, lim.data, lim.len);
        }
        wsbx_buf_free(&lim);
        return k;
}

static wsbx_errkind globaltype(wsbx_wat *P, wsbx_buf *out)
{
        wsbx_errkind k;
        uint8_t vt;
        if (at_list(P, "mut")) {
                open_list(P);
                if ((k = wsbx_wat_valtype(P, &vt)) || (k = close_list(P)))
                        return k;
                wsbx_buf_u8(out, vt);
                wsbx_buf_u8(out, 1);
                return WSBX_OK;
        }
        if ((k = wsbx_wat_valtype(P, &vt)))
                return k;
        wsbx_buf_u8(out, vt);
        wsbx_buf_u8(out, 0);
        return WSBX_OK;
}

/* A constant expression in `out`, closed by the ")" of the enclosing list
 * (consumed), terminated with `end`. */
static wsbx_errkind const_body(wsbx_wat *P, wsbx_buf *out)
{
        wsbx_errkind k = wsbx_wat_instrs(P, WSBX_WAT_BODY, out);
        wsbx_buf_u8(out, 0x0b);
        return k;
}

/* (offset instr*) or one folded instruction. */
static wsbx_errkind offset_expr(wsbx_wat *P, wsbx_buf *out)
{
        wsbx_wat_labels_reset(P);
        if (at_list(P, "offset")) {
                open_list(P);
                return const_body(P, out);
        }
        wsbx_errkind k = wsbx_wat_instrs(P, WSBX_WAT_FOLDED, out);
        wsbx_buf_u8(out, 0x0b);
        return k;
}

/* The function field (pass 2). */
static wsbx_errkind func_field(wat_module *M, uint32_t index)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        wsbx_token t;
        bool imported;
        if ((k = skip_opt_id(P)) || (k = inline_exports(M, 0, index)) || (k = inline_import(M, &imported)))
                return k;
        wsbx_wat_labels_reset(P);
        wsbx_wat_typeuse tu;
        uint32_t type;
        if ((k = wsbx_wat_parse_typeuse(P, true, !imported, &tu)) || (k = wsbx_wat_typeuse_index(P, &tu, &type)))
                return k;
        if (imported) {
                wsbx_buf_u8(&M->sec[S_IMPORT], 0);
                wsbx_buf_uleb(&M->sec[S_IMPORT], type);
                return close_list(P);
        }
        wsbx_buf_uleb(&M->sec[S_FUNC], type);
        M->cnt[S_FUNC]++;
        P->nlocals = tu.type_nparams;

        /* Locals, grouped into runs of one type as the binary wants. */
        wsbx_buf *body = &M->body;
        wsbx_buf *groups = &M->tmp;
        body->len = 0;
        groups->len = 0;
        uint32_t ngroups = 0, run = 0;
        uint8_t run_type = 0;
        while (at_list(P, "local")) {
                open_list(P);
                if ((k = wsbx_wat_peek(P, &t)))
                        return k;
                bool named = t.kind == WSBX_TOK_ID;
                if (named) {
                        wsbx_wat_next(P, &t);
                        const char *nm;
                        uint32_t len;
                        if ((k = wsbx_wat_idname(P, &t, &nm, &len)))
                                return k;
                        wsbx_idslot *s = wsbx_idmap_slot(&P->locals, nm, len);
                        if (!s)
                                return nomem(P);
                        if (s->index != WSBX_NO_INDEX)
                                return wsbx_text_error(P->err, &t, "duplicate local %.*s",
                                                       (int)(t.len > 64 ? 64 : t.len), t.start);
                        s->index = P->nlocals;
                }
                for (unsigned n = 0;; n++) {
                        if ((k = wsbx_wat_peek(P, &t)))
                                return k;
                        if (t.kind == WSBX_TOK_RPAREN && (!named || n == 1))
                                break;
                        if (named && n == 1)
                                return wsbx_wat_unexpected(P, &t);
                        uint8_t vt;
                        if ((k = wsbx_wat_valtype(P, &vt)))
                                return k;
                        if (P->nlocals == UINT32_MAX)
                                return wsbx_text_error(P->err, &t, "too many locals");
                        P->nlocals++;
                        if (run && vt == run_type) {
                                run++;
                                continue;
                        }
                        if (run) {
                                wsbx_buf_uleb(groups, run);
                                wsbx_buf_u8(groups, run_type);
                                ngroups++;
                        }
                        run = 1;
                        run_type = vt;
                }
                wsbx_wat_next(P, &t);
        }
        if (run) {
                wsbx_buf_uleb(groups, run);
                wsbx_buf_u8(groups, run_type);
                ngroups++;
        }
        wsbx_buf_uleb(body, ngroups);
        wsbx_buf_put(body, groups->data, groups->len);
        if ((k = wsbx_wat_instrs(P, WSBX_WAT_BODY, body)))
                return k;
        wsbx_buf_u8(body, 0x0b);
        if (body->oom)
                return nomem(P);
        wsbx_buf_uleb(&M->sec[S_CODE], body->len);
        wsbx_buf_put(&M->sec[S_CODE], body->data, body->len);
        M->cnt[S_CODE]++;
        return WSBX_OK;
}

/* One element segment's items; `exprs` gets each item's expression and
 * `funcs` the function index when every item is a lone ref.func. */
typedef struct elem_items {
        wsbx_buf exprs, funcs;
        uint32_t n;
        bool all_funcs;
} elem_items;

static wsbx_errkind elem_func_item(wsbx_wat *P, elem_items *it)
{
        uint32_t f;
        wsbx_errkind k = wsbx_wat_var(P, WSBX_SP_FUNC, &f);
        if (k)
                return k;
        wsbx_buf_uleb(&it->funcs, f);
        wsbx_buf_u8(&it->exprs, 0xd2);
        wsbx_buf_uleb(&it->exprs, f);
        wsbx_buf_u8(&it->exprs, 0x0b);
        it->n++;
        return WSBX_OK;
}

/* True if expr[0..len) is exactly "ref.func x end"; stores x. */
static bool lone_ref_func(const uint8_t *e, size_t len, uint32_t *f)
{
        if (len < 3 || e[0] != 0xd2 || e[len - 1] != 0x0b)
                return false;
        uint64_t v = 0;
        size_t i = 1;
        unsigned shift = 0;
        for (;;) {
                if (i >= len - 1 || shift > 28)
                        return false;
                v |= (uint64_t)(e[i] & 0x7f) << shift;
                shift += 7;
                if (!(e[i++] & 0x80))
                        break;
        }
        *f = (uint32_t)v;
        return i == len - 1;
}

/* elemlist: reftype item* | func funcidx* | funcidx* (when `bare_ok`).
 * Reads up to and including the ")" that closes the list's owner. */
static wsbx_errkind elem_list(wsbx_wat *P, bool bare_ok, uint8_t *rt, elem_items *it)
{
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_peek(P, &t);
        if (k)
                return k;
        it->all_funcs = true;
        if (wsbx_wat_is(&t, "func") || (bare_ok && (t.kind == WSBX_TOK_NUMBER || t.kind == WSBX_TOK_ID ||
                                                     t.kind == WSBX_TOK_RPAREN))) {
                *rt = WSBX_FUNCREF;
                if (t.kind == WSBX_TOK_KEYWORD)
                        wsbx_wat_next(P, &t);
                while (wsbx_wat_at_var(P))
                        if ((k = elem_func_item(P, it)))
                                return k;
                return close_list(P);
        }
        /* Inline segments of tables may list expressions without a
         * reference type: they take the table's (already in *rt). */
        if (!(bare_ok && t.kind == WSBX_TOK_LPAREN) && (k = reftype(P, rt)))
                return k;
        if (*rt != WSBX_FUNCREF)
                it->all_funcs = false;
        for (;;) {
                if ((k = wsbx_wat_peek(P, &t)))
                        return k;
                if (t.kind != WSBX_TOK_LPAREN)
                        break;
                size_t start = it->exprs.len;
                wsbx_wat_labels_reset(P);
                if (at_list(P, "item")) {
                        open_list(P);
                        k = wsbx_wat_instrs(P, WSBX_WAT_BODY, &it->exprs);
                } else {
                        k = wsbx_wat_instrs(P, WSBX_WAT_FOLDED, &it->exprs);
                }
                if (k)
                        return k;
                wsbx_buf_u8(&it->exprs, 0x0b);
                if (it->exprs.oom)
                        return nomem(P);
                uint32_t f;
                if (lone_ref_func(it->exprs.data + start, it->exprs.len - start, &f))
                        wsbx_buf_uleb(&it->funcs, f);
                else
                        it->all_funcs = false;
                it->n++;
        }
        return close_list(P);
}

/* Writes an element segment: mode flags as other encoders choose them
 * (function indices when every item is a ref.func of a funcref segment,
 * an explicit table index only when it is not 0). */
static void emit_elem(wat_module *M, int mode, uint32_t table, const wsbx_buf *offset, uint8_t rt,
                      const elem_items *it)
{
        wsbx_buf *s = &M->sec[S_ELEM];
        /* Flags 0 and 4 imply funcref; other types need flag 6. */
        uint8_t flags = mode == 0 ? (table || rt != WSBX_FUNCREF ? 2 : 0) : mode == 1 ? 1 : 3;
        if (!it->all_funcs)
                flags |= 4;
        wsbx_buf_u8(s, flags);
        if (flags & 2 && !(flags & 1))
                wsbx_buf_uleb(s, table);
        if (!(flags & 1))
                wsbx_buf_put(s, offset->data, offset->len);
        if (flags & 3)
                wsbx_buf_u8(s, (flags & 4) ? rt : 0x00);
        wsbx_buf_uleb(s, it->n);
        if (flags & 4)
                wsbx_buf_put(s, it->exprs.data, it->exprs.len);
        else
                wsbx_buf_put(s, it->funcs.data, it->funcs.len);
        M->cnt[S_ELEM]++;
}

static wsbx_errkind table_field(wat_module *M, uint32_t index)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        wsbx_token t;
        bool imported;
        if ((k = skip_opt_id(P)) || (k = inline_exports(M, 1, index)) || (k = inline_import(M, &imported)))
                return k;
        if (imported) {
                wsbx_buf_u8(&M->sec[S_IMPORT], 1);
                if ((k = tabletype(P, &M->sec[S_IMPORT])))
                        return k;
                return close_list(P);
        }
        if ((k = wsbx_wat_peek(P, &t)))
                return k;
        if (t.kind != WSBX_TOK_KEYWORD) {
                if ((k = tabletype(P, &M->sec[S_TABLE])))
                        return k;
                M->cnt[S_TABLE]++;
                return close_list(P);
        }
        /* reftype (elem ...): a table sized to its inline segment. */
        uint8_t rt, elem_rt;
        if ((k = reftype(P, &rt)))
                return k;
        if (!at_list(P, "elem")) {
                wsbx_wat_next(P, &t);
                return wsbx_wat_unexpected(P, &t);
        }
        open_list(P);
        elem_items it = {0};
        wsbx_buf off = {0};
        elem_rt = rt;
        k = elem_list(P, true, &elem_rt, &it);
        if (!k && !(k = close_list(P))) {
                /* The segment takes the table's element type. */
                if (rt != WSBX_FUNCREF)
                        it.all_funcs = false;
                wsbx_buf_u8(&M->sec[S_TABLE], rt);
                wsbx_buf_u8(&M->sec[S_TABLE], 1);
                wsbx_buf_uleb(&M->sec[S_TABLE], it.n);
                wsbx_buf_uleb(&M->sec[S_TABLE], it.n);
                M->cnt[S_TABLE]++;
                wsbx_buf_u8(&off, 0x41);
                wsbx_buf_u8(&off, 0);
                wsbx_buf_u8(&off, 0x0b);
                emit_elem(M, 0, index, &off, rt, &it);
        }
        wsbx_buf_free(&it.exprs);
        wsbx_buf_free(&it.funcs);
        wsbx_buf_free(&off);
        return k;
}

static wsbx_errkind data_strings(wsbx_wat *P, wsbx_buf *out)
{
        wsbx_token t;
        wsbx_errkind k;
        for (;;) {
                if ((k = wsbx_wat_next(P, &t)))
                        return k;
                if (t.kind == WSBX_TOK_RPAREN)
                        return WSBX_OK;
                if ((k = string_bytes(P, &t, out)))
                        return k;
        }
}

static void emit_data(wat_module *M, int mode, uint32_t mem, const wsbx_buf *offset, const wsbx_buf *bytes)
{
        wsbx_buf *s = &M->sec[S_DATA];
        if (mode == 1) {
                wsbx_buf_u8(s, 1);
        } else if (mem) {
                wsbx_buf_u8(s, 2);
                wsbx_buf_uleb(s, mem);
        } else {
                wsbx_buf_u8(s, 0);
        }
        if (mode == 0)
                wsbx_buf_put(s, offset->data, offset->len);
        wsbx_buf_uleb(s, bytes->len);
        wsbx_buf_put(s, bytes->data, bytes->len);
        M->cnt[S_DATA]++;
}

static wsbx_errkind memory_field(wat_module *M, uint32_t index)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        bool imported;
        if ((k = skip_opt_id(P)) || (k = inline_exports(M, 2, index)) || (k = inline_import(M, &imported)))
                return k;
        if (imported) {
                wsbx_buf_u8(&M->sec[S_IMPORT], 2);
                if ((k = limits(P, &M->sec[S_IMPORT])))
                        return k;
                return close_list(P);
        }
        if (!at_list(P, "data")) {
                if ((k = limits(P, &M->sec[S_MEMORY])))
                        return k;
                M->cnt[S_MEMORY]++;
                return close_list(P);
        }
        open_list(P);
        wsbx_buf bytes = {0}, off = {0};
        k = data_strings(P, &bytes);
        if (!k && !(k = close_list(P))) {
                uint64_t pages = ((uint64_t)bytes.len + 65535) / 65536;
                wsbx_buf_u8(&M->sec[S_MEMORY], 1);
                wsbx_buf_uleb(&M->sec[S_MEMORY], pages);
                wsbx_buf_uleb(&M->sec[S_MEMORY], pages);
                M->cnt[S_MEMORY]++;
                wsbx_buf_u8(&off, 0x41);
                wsbx_buf_u8(&off, 0);
                wsbx_buf_u8(&off, 0x0b);
                emit_data(M, 0, index, &off, &bytes);
        }
        wsbx_buf_free(&bytes);
        wsbx_buf_free(&off);
        return k;
}

static wsbx_errkind global_field(wat_module *M, uint32_t index)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        bool imported;
        if ((k = skip_opt_id(P)) || (k = inline_exports(M, 3, index)) || (k = inline_import(M, &imported)))
                return k;
        if (imported) {
                wsbx_buf_u8(&M->sec[S_IMPORT], 3);
                if ((k = globaltype(P, &M->sec[S_IMPORT])))
                        return k;
                return close_list(P);
        }
        wsbx_wat_labels_reset(P);
        if ((k = globaltype(P, &M->sec[S_GLOBAL])) || (k = const_body(P, &M->sec[S_GLOBAL])))
                return k;
        M->cnt[S_GLOBAL]++;
        return WSBX_OK;
}

static wsbx_errkind import_field(wat_module *M)
{
        wsbx_wat *P = &M->P;
        wsbx_buf *s = &M->sec[S_IMPORT];
        wsbx_errkind k;
        wsbx_token t;
        if ((k = name(P, s)) || (k = name(P, s)) || (k = wsbx_wat_expect(P, WSBX_TOK_LPAREN, &t)) ||
            (k = wsbx_wat_next(P, &t)) || (k = skip_opt_id(P)))
                return k;
        M->cnt[S_IMPORT]++;
        switch (import_kind(&t)) {
        case F_FUNC: {
                wsbx_wat_typeuse tu;
                uint32_t type;
                wsbx_idmap_free(&P->locals);
                if ((k = wsbx_wat_parse_typeuse(P, true, false, &tu)) || (k = wsbx_wat_typeuse_index(P, &tu, &type)))
                        return k;
                wsbx_buf_u8(s, 0);
                wsbx_buf_uleb(s, type);
                break;
        }
        case F_TABLE:
                wsbx_buf_u8(s, 1);
                k = tabletype(P, s);
                break;
        case F_MEMORY:
                wsbx_buf_u8(s, 2);
                k = limits(P, s);
                break;
        case F_GLOBAL:
                wsbx_buf_u8(s, 3);
                k = globaltype(P, s);
                break;
        default:
                return wsbx_wat_unexpected(P, &t);
        }
        if (k || (k = close_list(P)))
                return k;
        return close_list(P);
}

static wsbx_errkind export_field(wat_module *M)
{
        wsbx_wat *P = &M->P;
        wsbx_buf *s = &M->sec[S_EXPORT];
        wsbx_errkind k;
        wsbx_token t;
        if ((k = name(P, s)) || (k = wsbx_wat_expect(P, WSBX_TOK_LPAREN, &t)) || (k = wsbx_wat_next(P, &t)))
                return k;
        int ik = import_kind(&t);
        if (ik < 0)
                return wsbx_wat_unexpected(P, &t);
        uint32_t idx;
        if ((k = wsbx_wat_var(P, space_of(ik), &idx)) || (k = close_list(P)) || (k = close_list(P)))
                return k;
        wsbx_buf_u8(s, (uint8_t)(ik - F_FUNC));
        wsbx_buf_uleb(s, idx);
        M->cnt[S_EXPORT]++;
        return WSBX_OK;
}

static wsbx_errkind start_field(wat_module *M)
{
        uint32_t idx;
        wsbx_errkind k = wsbx_wat_var(&M->P, WSBX_SP_FUNC, &idx);
        if (k || (k = close_list(&M->P)))
                return k;
        wsbx_buf_uleb(&M->sec[S_START], idx);
        M->cnt[S_START] = 1;
        return WSBX_OK;
}

static wsbx_errkind elem_field(wat_module *M)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        wsbx_token t;
        int mode = 1; /* 0 active, 1 passive, 2 declarative */
        uint32_t table = 0;
        bool explicit_table = false;
        elem_items it = {0};
        wsbx_buf off = {0};
        uint8_t rt = WSBX_FUNCREF;
        if ((k = skip_opt_id(P)) || (k = wsbx_wat_peek(P, &t)))
                goto out;
        if (wsbx_wat_is(&t, "declare")) {
                wsbx_wat_next(P, &t);
                mode = 2;
        } else {
                if (at_list(P, "table")) {
                        open_list(P);
                        if ((k = wsbx_wat_var(P, WSBX_SP_TABLE, &table)) || (k = close_list(P)))
                                goto out;
                        explicit_table = true;
                        mode = 0;
                } else if (wsbx_wat_is(&t, "func") == false && t.kind != WSBX_TOK_LPAREN) {
                        /* A bare table index before the offset (older form). */
                        if (wsbx_wat_at_var(P)) {
                                wsbx_token t1, t2;
                                if (!wsbx_wat_peek2(P, &t1, &t2) && t2.kind == WSBX_TOK_LPAREN) {
                                        if ((k = wsbx_wat_var(P, WSBX_SP_TABLE, &table)))
                                                goto out;
                                        explicit_table = true;
                                        mode = 0;
                                }
                        }
                }
                if ((k = wsbx_wat_peek(P, &t)))
                        goto out;
                if (t.kind == WSBX_TOK_LPAREN && !at_list(P, "item")) {
                        if ((k = offset_expr(P, &off)))
                                goto out;
                        mode = 0;
                } else if (explicit_table) {
                        k = wsbx_wat_unexpected(P, &t);
                        goto out;
                }
        }
        if ((k = elem_list(P, mode == 0, &rt, &it)))
                goto out;
        emit_elem(M, mode, table, &off, rt, &it);
out:
        wsbx_buf_free(&it.exprs);
        wsbx_buf_free(&it.funcs);
        wsbx_buf_free(&off);
        return k;
}

static wsbx_errkind data_field(wat_module *M)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        wsbx_token t;
        int mode = 1;
        uint32_t mem = 0;
        wsbx_buf off = {0}, bytes = {0};
        if ((k = skip_opt_id(P)))
                goto out;
        if (at_list(P, "memory")) {
                open_list(P);
                if ((k = wsbx_wat_var(P, WSBX_SP_MEMORY, &mem)) || (k = close_list(P)))
                        goto out;
                mode = 0;
        } else if (wsbx_wat_at_var(P)) {
                /* A bare memory index before the offset (older form). */
                if ((k = wsbx_wat_var(P, WSBX_SP_MEMORY, &mem)))
                        goto out;
                mode = 0;
        }
        if ((k = wsbx_wat_peek(P, &t)))
                goto out;
        if (t.kind == WSBX_TOK_LPAREN) {
                if ((k = offset_expr(P, &off)))
                        goto out;
                mode = 0;
        } else if (mode == 0) {
                k = wsbx_wat_unexpected(P, &t);
                goto out;
        }
        if ((k = data_strings(P, &bytes)))
                goto out;
        emit_data(M, mode, mem, &off, &bytes);
out:
        wsbx_buf_free(&off);
        wsbx_buf_free(&bytes);
        return k;
}

static int field_kind(const wsbx_token *t)
{
        for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++)
                if (wsbx_wat_is(t, field_names[i]))
                        return (int)i;
        return -1;
}

static void put_section(wsbx_buf *out, uint8_t id, const wsbx_buf *body, uint32_t count, bool counted)
{
        wsbx_buf_u8(out, id);
        uint8_t tmp[10];
        size_t n = 0;
        if (counted) {
                uint32_t c = count;
                do {
                        tmp[n] = c & 0x7f;
                        c >>= 7;
                        if (c)
                                tmp[n] |= 0x80;
                        n++;
                } while (c);
        }
        wsbx_buf_uleb(out, body->len + n);
        wsbx_buf_put(out, tmp, n);
        wsbx_buf_put(out, body->data, body->len);
}

static void module_free(wat_module *M)
{
        wsbx_wat *P = &M->P;
        for (int i = 0; i < S_MAX; i++)
                wsbx_buf_free(&M->sec[i]);
        for (int i = 0; i < WSBX_SP_COUNT; i++)
                wsbx_idmap_free(&P->ids[i]);
        wsbx_idmap_free(&P->sigs);
        wsbx_idmap_free(&P->locals);
        wsbx_idmap_free(&P->label_ids);
        free(P->types);
        free(P->vt);
        free(P->labels);
        free(P->frames);
        wsbx_buf_free(&P->pend);
        wsbx_buf_free(&M->tmp);
        wsbx_buf_free(&M->body);
        free(M->fields);
        wsbx_arena_delete(P->arena);
}

/* Parses fields up to the closing ")" of the module, or to the end of
 * input when `bare`. */
static wsbx_errkind parse_module(wat_module *M, bool bare, wsbx_buf *out)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        wsbx_token t, kw;

        /* Pass 1. A malformed field stops it, but the fields before it
         * still go through pass 2 first: an error inside them comes
         * earlier in the text and is the one to report. */
        wsbx_errkind deferred = WSBX_OK;
        wsbx_error first_err;
        for (;;) {
                if ((k = wsbx_wat_next(P, &t)))
                        goto stop;
                if (bare ? t.kind == WSBX_TOK_EOF : t.kind == WSBX_TOK_RPAREN)
                        break;
                if (t.kind != WSBX_TOK_LPAREN) {
                        k = wsbx_wat_unexpected(P, &t);
                        goto stop;
                }
                if ((k = wsbx_wat_next(P, &kw)))
                        goto stop;
                int fk = field_kind(&kw);
                if (fk < 0) {
                        k = wsbx_wat_unexpected(P, &kw);
                        goto stop;
                }
                if (M->nfields == M->fields_cap) {
                        size_t cap = M->fields_cap ? M->fields_cap * 2 : 16;
                        wat_field *f = realloc(M->fields, cap * sizeof *f);
                        if (!f)
                                return nomem(P);
                        M->fields = f;
                        M->fields_cap = cap;
                }
                /* Nothing has been peeked since the keyword was read, so
                 * the lexer's position is the field's content. */
                M->fields[M->nfields++] = (wat_field){P->lx->p, P->lx->line_start, P->lx->line, (uint8_t)fk};
                if ((k = scan_field(M, fk, &kw))) {
                        M->nfields--;
                        goto stop;
                }
        }
stop:
        if (k) {
                if (k != WSBX_ERR_MALFORMED)
                        return k;
                deferred = k;
                first_err = *P->err;
        }
        wsbx_lexer after = *P->lx;

        /* Pass 2. */
        uint32_t next_index[WSBX_SP_COUNT] = {0};
        for (size_t i = 0; i < M->nfields; i++) {
                wat_field *f = &M->fields[i];
                P->lx->p = f->p;
                P->lx->line = f->line;
                P->lx->line_start = f->line_start;
                P->lx->has_peek = false;
                switch (f->kind) {
                case F_TYPE:
                        k = skip_rest(P, 1);
                        break;
                case F_IMPORT: {
                        /* Keep index counters in step with pass 1. */
                        wsbx_lexer save = *P->lx;
                        wsbx_token t1, t2;
                        if (!wsbx_wat_next(P, &t1) && !wsbx_wat_next(P, &t1) && !wsbx_wat_next(P, &t1) &&
                            !wsbx_wat_next(P, &t2)) {
                                int ik = import_kind(&t2);
                                if (ik >= 0)
                                        next_index[space_of(ik)]++;
                        }
                        *P->lx = save;
                        k = import_field(M);
                        break;
                }
                case F_FUNC:
                        k = func_field(M, next_index[WSBX_SP_FUNC]++);
                        break;
                case F_TABLE:
                        k = table_field(M, next_index[WSBX_SP_TABLE]++);
                        break;
                case F_MEMORY:
                        k = memory_field(M, next_index[WSBX_SP_MEMORY]++);
                        break;
                case F_GLOBAL:
                        k = global_field(M, next_index[WSBX_SP_GLOBAL]++);
                        break;
                case F_EXPORT:
                        k = export_field(M);
                        break;
                case F_START:
                        k = start_field(M);
                        break;
                case F_ELEM:
                        k = elem_field(M);
                        break;
                case F_DATA:
                        k = data_field(M);
                        break;
                default:
                        k = skip_rest(P, 1);
                        break;
                }
                if (k) {
                        /* Names bound after a pass-1 error are missing, so
                         * "unknown ..." here may be an artefact of it. */
                        if (deferred && k == WSBX_ERR_MALFORMED && strncmp(P->err->msg, "unknown ", 8) == 0 &&
                            strncmp(P->err->msg, "unknown operator", 16) != 0)
                                break;
                        return k;
                }
        }
        if (deferred) {
                *P->err = first_err;
                return deferred;
        }
        *P->lx = after;

        /* Types last: pass 2 may have appended implicit ones. */
        wsbx_buf *ts = &M->sec[S_TYPE];
        for (uint32_t i = 0; i < P->ntypes; i++) {
                const wsbx_wat_type *ty = &P->types[i];
                wsbx_buf_u8(ts, 0x60);
                wsbx_buf_uleb(ts, ty->nparams);
                wsbx_buf_put(ts, ty->vt, ty->nparams);
                wsbx_buf_uleb(ts, ty->nresults);
                wsbx_buf_put(ts, ty->vt + ty->nparams, ty->nresults);
        }
        M->cnt[S_TYPE] = P->ntypes;

        static const uint8_t order[] = {
                S_TYPE, S_IMPORT, S_FUNC, S_TABLE, S_MEMORY, S_GLOBAL, S_EXPORT, S_START,
                S_ELEM, S_DATACOUNT, S_CODE, S_DATA,
        };
        static const uint8_t magic[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
        wsbx_buf_put(out, magic, sizeof magic);
        for (size_t i = 0; i < sizeof order; i++) {
                uint8_t id = order[i];
                if (id == S_DATACOUNT) {
                        if (P->uses_datacount) {
                                wsbx_buf empty = {0};
                                put_section(out, id, &empty, M->cnt[S_DATA], true);
                        }
                        continue;
                }
                if (id == S_START) {
                        if (M->cnt[S_START])
                                put_section(out, id, &M->sec[id], 0, false);
                        continue;
                }
                if (M->cnt[id])
                        put_section(out, id, &M->sec[id], M->cnt[id], true);
        }
        for (int i = 0; i < S_MAX; i++)
                if (M->sec[i].oom)
                        return nomem(P);
        if (out->oom)
                return nomem(P);
        return WSBX_OK;
}

/* `(module $id? binary "..."*)` and `(module $id? quote "..."*)`: the
 * strings, concatenated. The keyword has been read. */
static wsbx_errkind module_strings(wsbx_wat *P, wsbx_buf *out)
{
        wsbx_token t;
        for (;;) {
                wsbx_errkind k = wsbx_wat_next(P, &t);
                if (k)
                        return k;
                if (t.kind == WSBX_TOK_RPAREN)
                        return out->oom ? nomem(P) : WSBX_OK;
                if ((k = string_bytes(P, &t, out)))
                        return k;
        }
}

static wsbx_errkind parse_fields(wsbx_lexer *lx, bool bare, uint8_t **out, size_t *out_len, wsbx_error *err)
{
        wat_module M;
        wsbx_error local_err;
        memset(&M, 0, sizeof M);
        M.first_def = -1;
        M.P.lx = lx;
        /* The parser reads back its own errors (see parse_module). */
        M.P.err = err ? err : &local_err;
        M.P.arena = wsbx_arena_new();
        wsbx_buf bin = {0};
        wsbx_errkind k;
        *out = NULL;
        *out_len = 0;
        if (!M.P.arena)
                return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
        wsbx_token t;
        if (!bare && !(k = wsbx_lex_peek(lx, &t, err)) &&
            (wsbx_wat_is(&t, "binary") || wsbx_wat_is(&t, "quote"))) {
                bool quote = wsbx_wat_is(&t, "quote");
                wsbx_lex_next(lx, &t, err);
                k = module_strings(&M.P, &bin);
                if (!k && quote) {
                        uint8_t *b = NULL;
                        size_t n = 0;
                        k = wsbx_wat_to_binary((const char *)bin.data, bin.len, &b, &n, err);
                        wsbx_buf_free(&bin);
                        bin.data = b;
                        bin.len = bin.cap = n;
                }
        } else {
                k = parse_module(&M, bare, &bin);
        }
        module_free(&M);
        if (k) {
                wsbx_buf_free(&bin);
                return k;
        }
        if (!bin.data) {
                /* An empty `binary` still hands back a buffer. */
                bin.data = malloc(1);
                if (!bin.data)
                        return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
        }
        *out = bin.data;
        *out_len = bin.len;
        return WSBX_OK;
}

wsbx_errkind wsbx_wat_parse_fields(wsbx_lexer *lx, uint8_t **out, size_t *out_len, wsbx_error *err)
{
        return parse_fields(lx, false, out, out_len, err);
}

wsbx_errkind wsbx_wat_to_binary(const char *text, size_t len, uint8_t **out, size_t *out_len, wsbx_error *err)
{
        wsbx_lexer lx;
        wsbx_token t1, t2;
        wsbx_errkind k;
        *out = NULL;
        *out_len = 0;
        wsbx_lexer_init(&lx, text, len);
        wsbx_lexer save = lx;
        if ((k = wsbx_lex_next(&lx, &t1, err)))
                return k;
        if (t1.kind == WSBX_TOK_LPAREN) {
                if ((k = wsbx_lex_next(&lx, &t2, err)))
                        return k;
        }
        bool bare = !(t1.kind == WSBX_TOK_LPAREN && wsbx_wat_is(&t2, "module"));
        if (bare) {
                lx = save;
        } else {
                wsbx_token id;
                if ((k = wsbx_lex_peek(&lx, &id, err)))
                        return k;
                if (id.kind == WSBX_TOK_ID)
                        wsbx_lex_next(&lx, &id, err);
        }
        if ((k = parse_fields(&lx, bare, out, out_len, err)))
                return k;
        if (!bare) {
                wsbx_token t;
                if ((k = wsbx_lex_next(&lx, &t, err)) ||
                    (t.kind != WSBX_TOK_EOF && (k = wsbx_text_error(err, &t, "unexpected token")))) {
                        free(*out);
                        *out = NULL;
                        *out_len = 0;
                        return k;
                }
        }
        return WSBX_OK;
}
