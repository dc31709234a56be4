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
                if ((k = wsbx_wat_params_results(P, true, false, &np, &nr)) ||
                    (k = wsbx_wat_close_list(P)) || (k = wsbx_wat_close_list(P)))
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
        wsbx_errkind k = wsbx_wat_expect(P, WSBX_TOK_NUMBER, &t);
        if (k)
                return k;
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

/* What follows the kind keyword of an imported table, memory or global,
 * indexed by its binary kind. */
typedef wsbx_errkind desc_fn(wsbx_wat *P, wsbx_buf *out);
static desc_fn *const import_desc[] = {NULL, tabletype, limits, globaltype};

/* The start of a func, table, memory or global field of binary kind
 * `ekind`: $id?, inline exports and an inline import. A table, memory or
 * global import is finished here (*imported); a function's type use is
 * the caller's. */
static wsbx_errkind field_head(wat_module *M, uint8_t ekind, uint32_t index, bool *imported)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        if ((k = wsbx_wat_skip_opt_id(P)) || (k = inline_exports(M, ekind, index)) ||
            (k = inline_import(M, imported)) || !*imported || ekind == 0)
                return k;
        wsbx_buf_u8(&M->sec[S_IMPORT].b, ekind);
        if ((k = import_desc[ekind](P, &M->sec[S_IMPORT].b)))
                return k;
        return wsbx_wat_close_list(P);
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
                bool named;
                if ((k = wsbx_wat_opt_id(P, &t, &named)) ||
                    (named && (k = wsbx_wat_bind(P, &P->locals, "local", &t, P->nlocals))))
                        return k;
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
        if ((k = field_head(M, 0, index, &imported)))
                return k;
        wsbx_wat_labels_reset(P);
        wsbx_wat_typeuse tu;
        uint32_t type;
        if ((k = wsbx_wat_parse_typeuse(P, true, !imported, &tu)))
                return k;
        /* A function written without a type use gets its type from the
         * func keyword. */
        if (!tu.written)
                tu.at = M->at;
        if ((k = wsbx_wat_typeuse_index(P, &tu, &type)))
                return k;
        if (imported) {
                wsbx_wat_buf *s = &M->sec[S_IMPORT];
                wsbx_buf_u8(&s->b, 0);
                wsbx_wat_mark(P, s, tu.at);
                wsbx_buf_uleb(&s->b, type);
                return wsbx_wat_close_list(P);
        }
        wsbx_buf_uleb(entry(M, S_FUNC, tu.at), type);
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
        if ((k = field_head(M, 1, index, &imported)) || imported)
                return k;
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
        k = elem_list(P, true, &elem_rt, &it);
        if (!k && !(k = wsbx_wat_close_list(P))) {
                /* The segment takes the table's element type. */
                if (rt != WSBX_FUNCREF)
                        it.all_funcs = false;
                wsbx_buf *s = entry(M, S_TABLE, M->at);
                wsbx_buf_u8(s, rt);
                exact_limits(s, it.n);
                M->cnt[S_TABLE]++;
                zero_offset(&off);
                emit_elem(M, 0, index, elem_at, &off, rt, &it, elem_at);
        }
        elem_items_free(&it);
        wsbx_wat_buf_free(&off);
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

/* Writes a data segment that the field at `at` defines (`mem_at`: where
 * its memory index is). */
static void emit_data(wat_module *M, int mode, uint32_t mem, wsbx_wat_pos mem_at,
                      const wsbx_wat_buf *offset, const wsbx_buf *bytes, wsbx_wat_pos at)
{
        wsbx_wat *P = &M->P;
        wsbx_wat_buf *o = &M->sec[S_DATA];
        wsbx_buf *s = entry(M, S_DATA, at);
        if (mode == 1) {
                wsbx_buf_u8(s, 1);
        } else if (mem) {
                wsbx_buf_u8(s, 2);
                wsbx_wat_mark(P, o, mem_at);
                wsbx_buf_uleb(s, mem);
        } else {
                wsbx_buf_u8(s, 0);
        }
        if (mode == 0)
                wsbx_wat_buf_put(P, o, offset, 0);
        wsbx_wat_mark(P, o, at);
        wsbx_buf_uleb(s, bytes->len);
        wsbx_buf_put(s, bytes->data, bytes->len);
        M->cnt[S_DATA]++;
}

static wsbx_errkind memory_field(wat_module *M, uint32_t index)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        bool imported;
        if ((k = field_head(M, 2, index, &imported)) || imported)
                return k;
        if (!wsbx_wat_at_list(P, "data")) {
                if ((k = limits(P, entry(M, S_MEMORY, M->at))))
                        return k;
                M->cnt[S_MEMORY]++;
                return wsbx_wat_close_list(P);
        }
        wsbx_wat_open_list(P);
        wsbx_wat_pos data_at = P->last;
        wsbx_buf bytes = {0};
        wsbx_wat_buf off = {0};
        k = data_strings(P, &bytes);
        if (!k && !(k = wsbx_wat_close_list(P))) {
                exact_limits(entry(M, S_MEMORY, M->at), ((uint64_t)bytes.len + 65535) / 65536);
                M->cnt[S_MEMORY]++;
                zero_offset(&off);
                emit_data(M, 0, index, data_at, &off, &bytes, data_at);
        }
        wsbx_buf_free(&bytes);
        wsbx_wat_buf_free(&off);
        return k;
}

static wsbx_errkind global_field(wat_module *M, uint32_t index)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        bool imported;
        if ((k = field_head(M, 3, index, &imported)) || imported)
                return k;
        if ((k = globaltype(P, entry(M, S_GLOBAL, M->at))) ||
            (k = wsbx_wat_expr(P, WSBX_WAT_BODY, &M->sec[S_GLOBAL])))
                return k;
        M->cnt[S_GLOBAL]++;
        return WSBX_OK;
}

/* ------------------------------------------------------------------------ */
/* Imports, exports, start, segments                                        */
/* ------------------------------------------------------------------------ */

static wsbx_errkind import_field(wat_module *M)
{
        wsbx_wat *P = &M->P;
        wsbx_buf *s = entry(M, S_IMPORT, M->at);
        wsbx_errkind k;
        wsbx_token t;
        if ((k = name(P, s)) || (k = name(P, s)) || (k = wsbx_wat_expect(P, WSBX_TOK_LPAREN, &t)) ||
            (k = wsbx_wat_next(P, &t)) || (k = wsbx_wat_skip_opt_id(P)))
                return k;
        M->cnt[S_IMPORT]++;
        int ik = import_kind(&t);
        if (ik < 0)
                return wsbx_wat_unexpected(P, &t);
        uint8_t ekind = (uint8_t)(ik - F_FUNC);
        wsbx_buf_u8(s, ekind);
        if (ekind == 0) {
                wsbx_wat_typeuse tu;
                uint32_t type;
                wsbx_idmap_free(&P->locals);
                if ((k = wsbx_wat_parse_typeuse(P, true, false, &tu)))
                        return k;
                if (!tu.written)
                        tu.at = wsbx_wat_tokpos(&t);
                if ((k = wsbx_wat_typeuse_index(P, &tu, &type)))
                        return k;
                wsbx_wat_mark(P, &M->sec[S_IMPORT], tu.at);
                wsbx_buf_uleb(s, type);
        } else {
                k = import_desc[ekind](P, s);
        }
        if (k || (k = wsbx_wat_close_list(P)))
                return k;
        return wsbx_wat_close_list(P);
}

static wsbx_errkind export_field(wat_module *M)
{
        wsbx_wat *P = &M->P;
        wsbx_buf *s = entry(M, S_EXPORT, M->at);
        wsbx_errkind k;
        wsbx_token t;
        if ((k = name(P, s)) || (k = wsbx_wat_expect(P, WSBX_TOK_LPAREN, &t)) || (k = wsbx_wat_next(P, &t)))
                return k;
        int ik = import_kind(&t);
        if (ik < 0)
                return wsbx_wat_unexpected(P, &t);
        uint32_t idx;
        if ((k = wsbx_wat_var(P, space_of(ik), &idx)) || (k = wsbx_wat_close_list(P)) ||
            (k = wsbx_wat_close_list(P)))
                return k;
        /* The decoder blames the kind byte for an unknown index. */
        wsbx_wat_mark(P, &M->sec[S_EXPORT], wsbx_wat_tokpos(&t));
        wsbx_buf_u8(s, (uint8_t)(ik - F_FUNC));
        wsbx_buf_uleb(s, idx);
        M->cnt[S_EXPORT]++;
        return WSBX_OK;
}

static wsbx_errkind start_field(wat_module *M)
{
        wsbx_wat *P = &M->P;
        wsbx_token t;
        uint32_t idx;
        wsbx_errkind k = wsbx_wat_peek(P, &t);
        if (k || (k = wsbx_wat_var(P, WSBX_SP_FUNC, &idx)) || (k = wsbx_wat_close_list(P)))
                return k;
        wsbx_buf_uleb(entry(M, S_START, wsbx_wat_tokpos(&t)), idx);
        M->cnt[S_START] = 1;
        return WSBX_OK;
}

/* The (table x) or (memory x) of an active segment, or a bare index before
 * its offset (the older form). *explicit says whether there was one; *at
 * is where the index is. */
static wsbx_errkind segment_target(wsbx_wat *P, const char *kw, unsigned space, bool bare_ok,
                                   uint32_t *index, wsbx_wat_pos *at, bool *explicit)
{
        wsbx_token t;
        wsbx_errkind k;
        *explicit = false;
        bool list = wsbx_wat_at_list(P, kw);
        if (list)
                wsbx_wat_open_list(P);
        else if (!bare_ok || !wsbx_wat_at_var(P))
                return WSBX_OK;
        if ((k = wsbx_wat_peek(P, &t)) || (k = wsbx_wat_var(P, space, index)) ||
            (list && (k = wsbx_wat_close_list(P))))
                return k;
        *at = wsbx_wat_tokpos(&t);
        *explicit = true;
        return WSBX_OK;
}

static wsbx_errkind elem_field(wat_module *M)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        wsbx_token t;
        int mode = 1; /* 0 active, 1 passive, 2 declarative */
        uint32_t table = 0;
        wsbx_wat_pos table_at = M->at;
        bool explicit_table = false;
        elem_items it = {0};
        wsbx_wat_buf off = {0};
        uint8_t rt = WSBX_FUNCREF;
        if ((k = wsbx_wat_skip_opt_id(P)) || (k = wsbx_wat_peek(P, &t)))
                goto out;
        if (wsbx_wat_is(&t, "declare")) {
                wsbx_wat_next(P, &t);
                mode = 2;
        } else {
                /* A bare table index needs the offset's "(" after it. */
                wsbx_token t1, t2;
                bool bare = !wsbx_wat_is(&t, "func") && t.kind != WSBX_TOK_LPAREN &&
                            !wsbx_wat_peek2(P, &t1, &t2) && t2.kind == WSBX_TOK_LPAREN;
                if ((k = segment_target(P, "table", WSBX_SP_TABLE, bare, &table, &table_at,
                                        &explicit_table)))
                        goto out;
                if (explicit_table)
                        mode = 0;
                if ((k = wsbx_wat_peek(P, &t)))
                        goto out;
                if (t.kind == WSBX_TOK_LPAREN && !wsbx_wat_at_list(P, "item")) {
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
        emit_elem(M, mode, table, table_at, &off, rt, &it, M->at);
out:
        elem_items_free(&it);
        wsbx_wat_buf_free(&off);
        return k;
}

static wsbx_errkind data_field(wat_module *M)
{
        wsbx_wat *P = &M->P;
        wsbx_errkind k;
        wsbx_token t;
        int mode = 1;
        uint32_t mem = 0;
        wsbx_wat_pos mem_at = M->at;
        bool explicit_mem;
        wsbx_wat_buf off = {0};
        wsbx_buf bytes = {0};
        if ((k = wsbx_wat_skip_opt_id(P)) ||
            (k = segment_target(P, "memory", WSBX_SP_MEMORY, true, &mem, &mem_at, &explicit_mem)))
                goto out;
        if (explicit_mem)
                mode = 0;
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
        emit_data(M, mode, mem, mem_at, &off, &bytes, M->at);
out:
        wsbx_wat_buf_free(&off);
        wsbx_buf_free(&bytes);
        return k;
}

/* ------------------------------------------------------------------------ */
/* The module                                                               */
/* ------------------------------------------------------------------------ */

static int field_kind(const wsbx_token *t)
{
        for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++)
                if (wsbx_wat_is(t, field_names[i]))
                        return (int)i;
        return -1;
}

/* Appends section `id` with `body`; its header maps to the body's first
 * token. */
static void put_section(wsbx_wat *P, wsbx_wat_buf *out, uint8_t id, const wsbx_wat_buf *body,
                        uint32_t count, bool counted)
{
        wsbx_buf head = {0};
        if (counted)
                wsbx_buf_uleb(&head, count);
        if (body->nmarks)
                wsbx_wat_mark(P, out, body->marks[0].at);
        wsbx_buf_u8(&out->b, id);
        wsbx_buf_uleb(&out->b, body->b.len + head.len);
        wsbx_buf_put(&out->b, head.data, head.len);
        if (head.oom)
                out->b.oom = true;
        wsbx_buf_free(&head);
        wsbx_wat_buf_put(P, out, body, 0);
}

static void module_free(wat_module *M)
{
        wsbx_wat *P = &M->P;
        for (int i = 0; i < S_MAX; i++)
                wsbx_wat_buf_free(&M->sec[i]);
        for (int i = 0; i < WSBX_SP_COUNT; i++)
                wsbx_idmap_free(&P->ids[i]);
        wsbx_idmap_free(&P->sigs);
        wsbx_idmap_free(&P->locals);
        wsbx_idmap_free(&P->label_ids);
        free(P->types);
        free(P->vt);
        free(P->labels);
        free(P->frames);
        wsbx_wat_buf_free(&P->pend);
        wsbx_buf_free(&M->tmp);
        wsbx_wat_buf_free(&M->body);
        free(M->fields);
        wsbx_arena_delete(P->arena);
}

/* Pass 2 over field `f`. `next_index` counts each index space so far. */
static wsbx_errkind encode_field(wat_module *M, const wat_field *f, uint32_t *next_index)
{
        wsbx_wat *P = &M->P;
        P->lx->p = f->p;
        P->lx->line = f->line;
        P->lx->line_start = f->line_start;
        P->lx->has_peek = false;
        M->at = f->at;
        switch (f->kind) {
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
                return import_field(M);
        }
        case F_FUNC:
                return func_field(M, next_index[WSBX_SP_FUNC]++);
        case F_TABLE:
                return table_field(M, next_index[WSBX_SP_TABLE]++);
        case F_MEMORY:
                return memory_field(M, next_index[WSBX_SP_MEMORY]++);
        case F_GLOBAL:
                return global_field(M, next_index[WSBX_SP_GLOBAL]++);
        case F_EXPORT:
                return export_field(M);
        case F_START:
                return start_field(M);
        case F_ELEM:
                return elem_field(M);
        case F_DATA:
                return data_field(M);
        default: /* F_TYPE: done in pass 1 */
                return skip_rest(P, 1, NULL, NULL);
        }
}

/* Joins the sections into the binary. */
static wsbx_errkind assemble(wat_module *M, wsbx_wat_buf *out)
{
        wsbx_wat *P = &M->P;
        /* Types last: pass 2 may have appended implicit ones. */
        for (uint32_t i = 0; i < P->ntypes; i++) {
                const wsbx_wat_type *ty = &P->types[i];
                wsbx_buf *ts = entry(M, S_TYPE, ty->at);
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
        wsbx_buf_put(&out->b, magic, sizeof magic);
        for (size_t i = 0; i < sizeof order; i++) {
                uint8_t id = order[i];
                if (id == S_DATACOUNT) {
                        if (P->uses_datacount)
                                put_section(P, out, id, &M->sec[id], M->cnt[S_DATA], true);
                        continue;
                }
                if (id == S_START) {
                        if (M->cnt[S_START])
                                put_section(P, out, id, &M->sec[id], 0, false);
                        continue;
                }
                if (M->cnt[id])
                        put_section(P, out, id, &M->sec[id], M->cnt[id], true);
        }
        for (int i = 0; i < S_MAX; i++)
                if (M->sec[i].b.oom)
                        return wsbx_wat_nomem(P);
        if (out->b.oom)
                return wsbx_wat_nomem(P);
        return WSBX_OK;
}

/* Parses fields up to the closing ")" of the module, or to the end of
 * input when `bare`. */
static wsbx_errkind parse_module(wat_module *M, bool bare, wsbx_wat_buf *out)
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
                        wat_field *f = wsbx_wat_grow(M->fields, &M->fields_cap, sizeof *f);
                        if (!f)
                                return wsbx_wat_nomem(P);
                        M->fields = f;
                }
                /* Nothing has been peeked since the keyword was read, so
                 * the lexer's position is the field's content. */
                M->fields[M->nfields++] = (wat_field){P->lx->p, P->lx->line_start, P->lx->line, (uint8_t)fk,
                                                      wsbx_wat_tokpos(&kw)};
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
                if ((k = encode_field(M, &M->fields[i], next_index))) {
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
        return assemble(M, out);
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
                        return out->oom ? wsbx_wat_nomem(P) : WSBX_OK;
                if ((k = string_bytes(P, &t, out)))
                        return k;
        }
}

static wsbx_errkind parse_fields(wsbx_lexer *lx, bool bare, uint8_t **out, size_t *out_len,
                                 wsbx_posmap **map, wsbx_error *err)
{
        wat_module M;
        wsbx_error local_err;
        memset(&M, 0, sizeof M);
        M.first_def = -1;
        M.P.lx = lx;
        /* The parser reads back its own errors (see parse_module). */
        M.P.err = err ? err : &local_err;
        M.P.arena = wsbx_arena_new();
        M.P.track = map != NULL;
        wsbx_wat_buf bin = {0};
        wsbx_errkind k;
        *out = NULL;
        *out_len = 0;
        if (map)
                *map = NULL;
        if (!M.P.arena)
                return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
        wsbx_token t;
        if (!bare && !(k = wsbx_lex_peek(lx, &t, err)) &&
            (wsbx_wat_is(&t, "binary") || wsbx_wat_is(&t, "quote"))) {
                bool quote = wsbx_wat_is(&t, "quote");
                wsbx_lex_next(lx, &t, err);
                k = module_strings(&M.P, &bin.b);
                if (!k && quote) {
                        /* Positions in the quoted text are not positions
                         * in this one: its map stays empty. */
                        uint8_t *b = NULL;
                        size_t n = 0;
                        k = wsbx_wat_to_binary((const char *)bin.b.data, bin.b.len, &b, &n, err);
                        wsbx_buf_free(&bin.b);
                        bin.b.data = b;
                        bin.b.len = bin.b.cap = n;
                }
        } else {
                k = parse_module(&M, bare, &bin);
        }
        module_free(&M);
        if (!k && !bin.b.data) {
                /* An empty `binary` still hands back a buffer. */
                bin.b.data = malloc(1);
                if (!bin.b.data)
                        k = wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
        }
        if (!k && map && !(*map = wsbx_posmap_take(&bin)))
                k = wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
        if (k) {
                wsbx_wat_buf_free(&bin);
                return k;
        }
        free(bin.marks);
        *out = bin.b.data;
        *out_len = bin.b.len;
        return WSBX_OK;
}

wsbx_errkind wsbx_wat_parse_fields(wsbx_lexer *lx, uint8_t **out, size_t *out_len, wsbx_error *err)
{
        return parse_fields(lx, false, out, out_len, NULL, err);
}

wsbx_errkind wsbx_wat_parse_fields_map(wsbx_lexer *lx, uint8_t **out, size_t *out_len,
                                       wsbx_posmap **map, wsbx_error *err)
{
        return parse_fields(lx, false, out, out_len, map, err);
}

wsbx_errkind wsbx_wat_to_binary_map(const char *text, size_t len, uint8_t **out, size_t *out_len,
                                    wsbx_posmap **map, wsbx_error *err)
{
        wsbx_lexer lx;
        wsbx_token t1, t2;
        wsbx_errkind k;
        *out = NULL;
        *out_len = 0;
        if (map)
                *map = NULL;
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
        if ((k = parse_fields(&lx, bare, out, out_len, map, err)))
                return k;
        if (!bare) {
                wsbx_token t;
                if ((k = wsbx_lex_next(&lx, &t, err)) ||
                    (t.kind != WSBX_TOK_EOF && (k = wsbx_text_error(err, &t, "unexpected token")))) {
                        free(*out);
                        *out = NULL;
                        *out_len = 0;
                        if (map) {
                                wsbx_posmap_delete(*map);
                                *map = NULL;
                        }
                        return k;
                }
        }
        return WSBX_OK;
}

wsbx_errkind wsbx_wat_to_binary(const char *text, size_t len, uint8_t **out, size_t *out_len, wsbx_error *err)
{
        return wsbx_wat_to_binary_map(text, len, out, out_len, NULL, err);
}
