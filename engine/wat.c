/* wat.c - text format modules to binary: module fields and sections.
 *
 * A module is read in two passes over its fields. The first pass binds
 * every identifier to its index (functions, tables, memories, globals,
 * types, element and data segments), parses the explicit type definitions
 * in full, and checks the rules that depend on order alone (imports before
 * definitions, one start function). It only counts parentheses inside
 * other fields. The second pass re-reads each field from its saved
 * position and encodes it into its section. References may therefore
 * point forward, and implicit types (type uses written only as
 * (param)/(result)) are appended after every explicit type, in the order
 * they are first needed (wat_types.c). Tokens and names are read by
 * wat_ident.c, instructions by wat_instr.c.
 *
 * Invariants: index spaces list imports first, as the binary does; this
 * holds because an import after a definition of any kind is rejected
 * ("import after function", ...), so text order is index order. Symbolic
 * references to unknown names are errors; numeric ones are emitted as
 * written, even out of range, for the validator to judge.
 *
 * The output is the module's binary, not validated. Sections are emitted
 * only when non-empty, in the binary's order; a data count section is
 * emitted when an instruction needs it (memory.init, data.drop). No name
 * section is produced.
 *
 * Positions: every section entry starts with a mark (wat_posmap.c) at the
 * keyword of the field that wrote it (or of its inline export or import),
 * type indices of type uses carry the type use's position, and
 * instructions carry their own. The type section, written last, maps each
 * type to its definition or to the type use that added it. So whatever
 * offset the decoder or validator blames, the map names a token.
 */
#include "internal.h"

#include <stdlib.h>

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

/* Where a field's contents start (just after its keyword), and where the
 * keyword is. */
typedef struct wat_field {
        const char *p, *line_start;
        uint32_t line;
        uint8_t kind;
        wsbx_wat_pos at;
} wat_field;

/* Section ids, in the binary's order of appearance. */
enum {
        S_TYPE = 1, S_IMPORT = 2, S_FUNC = 3, S_TABLE = 4, S_MEMORY = 5, S_GLOBAL = 6,
        S_EXPORT = 7, S_START = 8, S_ELEM = 9, S_CODE = 10, S_DATA = 11, S_DATACOUNT = 12,
        S_MAX = 13
};

typedef struct wat_module {
        wsbx_wat P;
        wsbx_wat_buf sec[S_MAX];
        uint32_t cnt[S_MAX];
        wat_field *fields;
        size_t nfields, fields_cap;
        bool has_start;
        int first_def;   /* F_FUNC.. of the first definition, or -1 */
        wsbx_wat_pos at; /* keyword of the field pass 2 is encoding */
        wsbx_buf tmp;
        wsbx_wat_buf body;
} wat_module;

/* Starts an entry of section `id` that token position `at` wrote. */
static wsbx_buf *entry(wat_module *M, int id, wsbx_wat_pos at)
{
        wsbx_wat_mark(&M->P, &M->sec[id], at);
        return &M->sec[id].b;
}

/* Skips tokens until `depth` open lists have closed. With `kw`, also says
 * whether a direct child list of the innermost starts with keyword `kw`
 * (inline elem in tables, inline data in memories). */
static wsbx_errkind skip_rest(wsbx_wat *P, size_t depth, const char *kw, bool *found)
{
        wsbx_token t;
        size_t child = depth + 1;
        if (found)
                *found = false;
        while (depth) {
                wsbx_errkind k = wsbx_wat_next(P, &t);
                if (k)
                        return k;
                if (t.kind == WSBX_TOK_EOF)
                        return wsbx_text_error(P->err, &t, "unexpected end");
                if (t.kind == WSBX_TOK_LPAREN) {
                        depth++;
                        if (kw && depth == child && !wsbx_wat_peek(P, &t) && wsbx_wat_is(&t, kw))
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
                return wsbx_wat_nomem(P);
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

/* ------------------------------------------------------------------------ */
/* Pass 1                                                                   */
/* ------------------------------------------------------------------------ */

/* Pass 1 over one field whose keyword has been read. */
static wsbx_errkind scan_field(wat_module *M, int kind, const wsbx_token *kw)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        wsbx_token t, t2;
        switch (kind) {
        case F_TYPE: {
                uint32_t np, nr, idx;
                if ((k = wsbx_wat_bind_opt_id(P, WSBX_SP_TYPE, P->ntypes)))
                        return k;
                if ((k = wsbx_wat_expect(P, WSBX_TOK_LPAREN, &t)) || (k = wsbx_wat_expect_kw(P, "func")))
                        return k;
                P->nvt = 0;
                if ((k = wsbx_wat_params_results(P, true, false, &np, &nr)) || (k = wsbx_wat_close_list(P)) ||
                    (k = wsbx_wat_close_list(P)))
                        return k;
                P->counts[WSBX_SP_TYPE]++;
                return wsbx_wat_add_type(P, P->vt, np, nr, false, wsbx_wat_tokpos(kw), &idx);
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
                if ((k = wsbx_wat_bind_opt_id(P, sp, P->counts[sp])))
                        return k;
                P->counts[sp]++;
                return skip_rest(P, 2, NULL, NULL);
        }
        case F_FUNC:
        case F_TABLE:
        case F_MEMORY:
        case F_GLOBAL: {
                unsigned sp = space_of(kind);
                if ((k = wsbx_wat_bind_opt_id(P, sp, P->counts[sp])))
                        return k;
                P->counts[sp]++;
                bool imported = false;
                for (;;) {
                        if (wsbx_wat_at_list(P, "export")) {
                                wsbx_wat_open_list(P);
                                if ((k = skip_rest(P, 1, NULL, NULL)))
                                        return k;
                                continue;
                        }
                        if (wsbx_wat_at_list(P, "import")) {
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
                        if ((k = skip_rest(P, 1, kind == F_TABLE ? "elem" : "data", &found)))
                                return k;
                        if (found && !imported)
                                P->counts[kind == F_TABLE ? WSBX_SP_ELEM : WSBX_SP_DATA]++;
                        return WSBX_OK;
                }
                return skip_rest(P, 1, NULL, NULL);
        }
        case F_ELEM:
        case F_DATA: {
                unsigned sp = space_of(kind);
                if ((k = wsbx_wat_bind_opt_id(P, sp, P->counts[sp])))
                        return k;
                P->counts[sp]++;
                return skip_rest(P, 1, NULL, NULL);
        }
        case F_START:
                if (M->has_start)
                        return wsbx_text_error(P->err, kw, "multiple start sections");
                M->has_start = true;
                return skip_rest(P, 1, NULL, NULL);
        default:
                return skip_rest(P, 1, NULL, NULL);
        }
}

/* ------------------------------------------------------------------------ */
/* Pieces of fields                                                         */
/* ------------------------------------------------------------------------ */

/* Inline (export "name")* of a func, table, memory or global. */
static wsbx_errkind inline_exports(wat_module *M, uint8_t ekind, uint32_t index)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        while (wsbx_wat_at_list(P, "export")) {
                wsbx_wat_open_list(P);
                wsbx_buf *s = entry(M, S_EXPORT, P->last);
                if ((k = name(P, s)) || (k = wsbx_wat_close_list(P)))
                        return k;
                wsbx_buf_u8(s, ekind);
                wsbx_buf_uleb(s, index);
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
        if (!wsbx_wat_at_list(P, "import"))
                return WSBX_OK;
        wsbx_wat_open_list(P);
        wsbx_buf *s = entry(M, S_IMPORT, P->last);
        if ((k = name(P, s)) || (k = name(P, s)) || (k = wsbx_wat_close_list(P)))
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
                k = wsbx_wat_reftype(P, &rt);
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
        bool mut = wsbx_wat_at_list(P, "mut");
        if (mut)
                wsbx_wat_open_list(P);
        if ((k = wsbx_wat_valtype(P, &vt)) || (mut && (k = wsbx_wat_close_list(P))))
                return k;
        wsbx_buf_u8(out, vt);
        wsbx_buf_u8(out, mut);
        return WSBX_OK;
}

/* (offset instr*) or one folded instruction. */
static wsbx_errkind offset_expr(wsbx_wat *P, wsbx_wat_buf *out)
{
        if (wsbx_wat_at_list(P, "offset")) {
                wsbx_wat_open_list(P);
                return wsbx_wat_expr(P, WSBX_WAT_BODY, out);
        }
        return wsbx_wat_expr(P, WSBX_WAT_FOLDED, out);
}

/* The offset of an inline segment: (i32.const 0). */
static void zero_offset(wsbx_wat_buf *off)
{
        static const uint8_t zero[] = {0x41, 0, 0x0b};
        wsbx_buf_put(&off->b, zero, sizeof zero);
}

/* Limits min = max = n, for a table or memory sized to its inline segment. */
static void exact_limits(wsbx_buf *out, uint64_t n)
{
        wsbx_buf_u8(out, 1);
        wsbx_buf_uleb(out, n);
        wsbx_buf_uleb(out, n);
}

/* ------------------------------------------------------------------------ */
/* Functions                                                                */
/* ------------------------------------------------------------------------ */

/* (local $id? type*)*: locals grouped into runs of one type, as the binary
 * wants them, written to `body`. */
static wsbx_errkind locals(wat_module *M, wsbx_buf *body)
{
        wsbx_wat *P = &M->P;
        wsbx_buf *groups = &M->tmp;
        wsbx_errkind k;
        wsbx_token t;
        groups->len = 0;
        uint32_t ngroups = 0, run = 0;
        uint8_t run_type = 0;
        while (wsbx_wat_at_list(P, "local")) {
                wsbx_wat_open_list(P);
                if ((k = wsbx_wat_peek(P, &t)))
                        return k;
                bool named = t.kind == WSBX_TOK_ID;
                if (named) {
                        wsbx_wat_next(P, &t);
                        if ((k = wsbx_wat_bind(P, &P->locals, "local", &t, P->nlocals)))
                                return k;
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
        return WSBX_OK;
}

/* The function field (pass 2). */
static wsbx_errkind func_field(wat_module *M, uint32_t index)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        bool imported;
        if ((k = wsbx_wat_skip_opt_id(P)) || (k = inline_exports(M, 0, index)) || (k = inline_import(M, &imported)))
                return k;
        wsbx_wat_labels_reset(P);
        wsbx_wat_typeuse tu;
        uint32_t type;
        if ((k = wsbx_wat_parse_typeuse(P, true, !imported, &tu)) || (k = wsbx_wat_typeuse_index(P, &tu, &type)))
                return k;
        wsbx_wat_pos type_at = tu.written ? tu.at : M->at;
        if (imported) {
                wsbx_wat_buf *s = &M->sec[S_IMPORT];
                wsbx_buf_u8(&s->b, 0);
                wsbx_wat_mark(P, s, type_at);
                wsbx_buf_uleb(&s->b, type);
                return wsbx_wat_close_list(P);
        }
        wsbx_buf_uleb(entry(M, S_FUNC, type_at), type);
        M->cnt[S_FUNC]++;
        P->nlocals = tu.type_nparams;

        wsbx_wat_buf *body = &M->body;
        wsbx_wat_buf_cut(body, 0);
        if ((k = locals(M, &body->b)) || (k = wsbx_wat_instrs(P, WSBX_WAT_BODY, body)))
                return k;
        /* The body's `end` is the function's closing ")". */
        wsbx_wat_mark(P, body, P->last);
        wsbx_buf_u8(&body->b, 0x0b);
        if (body->b.oom)
                return wsbx_wat_nomem(P);
        wsbx_buf_uleb(entry(M, S_CODE, M->at), body->b.len);
        wsbx_wat_buf_put(P, &M->sec[S_CODE], body, 0);
        M->cnt[S_CODE]++;
        return WSBX_OK;
}

/* ------------------------------------------------------------------------ */
/* Tables, memories and their segments                                      */
/* ------------------------------------------------------------------------ */

/* One element segment's items; `exprs` gets each item's expression and
 * `funcs` the function index when every item is a lone ref.func. */
typedef struct elem_items {
        wsbx_wat_buf exprs, funcs;
        uint32_t n;
        bool all_funcs;
} elem_items;

static void elem_items_free(elem_items *it)
{
        wsbx_wat_buf_free(&it->exprs);
        wsbx_wat_buf_free(&it->funcs);
}

static wsbx_errkind elem_func_item(wsbx_wat *P, elem_items *it)
{
        wsbx_token t;
        uint32_t f;
        wsbx_errkind k = wsbx_wat_peek(P, &t);
        if (k || (k = wsbx_wat_var(P, WSBX_SP_FUNC, &f)))
                return k;
        wsbx_wat_mark(P, &it->funcs, wsbx_wat_tokpos(&t));
        wsbx_buf_uleb(&it->funcs.b, f);
        wsbx_wat_mark(P, &it->exprs, wsbx_wat_tokpos(&t));
        wsbx_buf_u8(&it->exprs.b, 0xd2);
        wsbx_buf_uleb(&it->exprs.b, f);
        wsbx_buf_u8(&it->exprs.b, 0x0b);
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
                return wsbx_wat_close_list(P);
        }
        /* Inline segments of tables may list expressions without a
         * reference type: they take the table's (already in *rt). */
        if (!(bare_ok && t.kind == WSBX_TOK_LPAREN) && (k = wsbx_wat_reftype(P, rt)))
                return k;
        if (*rt != WSBX_FUNCREF)
                it->all_funcs = false;
        for (;;) {
                if ((k = wsbx_wat_peek(P, &t)))
                        return k;
                if (t.kind != WSBX_TOK_LPAREN)
                        break;
                size_t start = it->exprs.b.len;
                if (wsbx_wat_at_list(P, "item")) {
                        wsbx_wat_open_list(P);
                        k = wsbx_wat_expr(P, WSBX_WAT_BODY, &it->exprs);
                } else {
                        k = wsbx_wat_expr(P, WSBX_WAT_FOLDED, &it->exprs);
                }
                if (k)
                        return k;
                if (it->exprs.b.oom)
                        return wsbx_wat_nomem(P);
                uint32_t f;
                if (lone_ref_func(it->exprs.b.data + start, it->exprs.b.len - start, &f)) {
                        wsbx_wat_pos at;
                        if (wsbx_wat_buf_pos(&it->exprs, start, &at))
                                wsbx_wat_mark(P, &it->funcs, at);
                        wsbx_buf_uleb(&it->funcs.b, f);
                } else {
                        it->all_funcs = false;
                }
                it->n++;
        }
        return wsbx_wat_close_list(P);
}

/* Writes an element segment that the field at `at` defines (`table_at`:
 * where its table index is): mode flags as other encoders choose them
 * (function indices when every item is a ref.func of a funcref segment,
 * an explicit table index only when it is not 0). */
static void emit_elem(wat_module *M, int mode, uint32_t table, wsbx_wat_pos table_at,
                      const wsbx_wat_buf *offset, uint8_t rt, const elem_items *it, wsbx_wat_pos at)
{
        wsbx_wat *P = &M->P;
        wsbx_wat_buf *o = &M->sec[S_ELEM];
        wsbx_buf *s = entry(M, S_ELEM, at);
        /* Flags 0 and 4 imply funcref; other types need flag 6. */
        uint8_t flags = mode == 0 ? (table || rt != WSBX_FUNCREF ? 2 : 0) : mode == 1 ? 1 : 3;
        if (!it->all_funcs)
                flags |= 4;
        wsbx_buf_u8(s, flags);
        if (flags & 2 && !(flags & 1)) {
                wsbx_wat_mark(P, o, table_at);
                wsbx_buf_uleb(s, table);
        }
        if (!(flags & 1))
                wsbx_wat_buf_put(P, o, offset, 0);
        wsbx_wat_mark(P, o, at);
        if (flags & 3)
                wsbx_buf_u8(s, (flags & 4) ? rt : 0x00);
        wsbx_buf_uleb(s, it->n);
        wsbx_wat_buf_put(P, o, flags & 4 ? &it->exprs : &it->funcs, 0);
        M->cnt[S_ELEM]++;
}

static wsbx_errkind table_field(wat_module *M, uint32_t index)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        wsbx_token t;
        bool imported;
        if ((k = wsbx_wat_skip_opt_id(P)) || (k = inline_exports(M, 1, index)) || (k = inline_import(M, &imported)))
                return k;
        if (imported) {
                wsbx_buf_u8(&M->sec[S_IMPORT].b, 1);
                if ((k = tabletype(P, &M->sec[S_IMPORT].b)))
                        return k;
                return wsbx_wat_close_list(P);
        }
        if ((k = wsbx_wat_peek(P, &t)))
                return k;
        if (t.kind != WSBX_TOK_KEYWORD) {
                if ((k = tabletype(P, entry(M, S_TABLE, M->at))))
                        return k;
                M->cnt[S_TABLE]++;
                return wsbx_wat_close_list(P);
        }
        /* reftype (elem ...): a table sized to its inline segment. */
        uint8_t rt, elem_rt;
        if ((k = wsbx_wat_reftype(P, &rt)))
                return k;
        if (!wsbx_wat_at_list(P, "elem")) {
                wsbx_wat_next(P, &t);
                return wsbx_wat_unexpected(P, &t);
        }
        wsbx_wat_open_list(P);
        wsbx_wat_pos elem_at = P->last;
        elem_items it = {0};
        wsbx_wat_buf off = {0};
        elem_rt = rt;
        k = wsbx_wat_elem_list_placeholder;
        return k;
}
