/* wat_types.c - value types, function types and type uses in the text
 * format.
 *
 * The parser keeps every function type of the module in P->types, in
 * index order: first the explicit (type ...) definitions, which the first
 * pass over the fields adds, then the implicit ones that type uses written
 * only as (param ...)/(result ...) need, appended during the second pass
 * in the order they are first needed, exactly when no existing type
 * matches (the spec's rule, which other encoders follow too). A hash map
 * from a type's encoding to its first index makes that search O(1).
 *
 * Each type remembers the text position it came from (its definition, or
 * the type use that made it), so that the type section can be mapped back
 * to the text like every other section.
 *
 * A type use's inline params and results land in the scratch array P->vt,
 * which the next type use overwrites: callers take what they need from it
 * before parsing another.
 */
#include "internal.h"

#include <stdlib.h>

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

wsbx_errkind wsbx_wat_reftype(wsbx_wat *P, uint8_t *out)
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
                uint8_t *v = wsbx_wat_grow(P->vt, &P->vt_cap, 1);
                if (!v)
                        return wsbx_wat_nomem(P);
                P->vt = v;
        }
        P->vt[P->nvt++] = vt;
        return WSBX_OK;
}

wsbx_errkind wsbx_wat_add_type(wsbx_wat *P, const uint8_t *vt, uint32_t np, uint32_t nr, bool reuse,
                               wsbx_wat_pos at, uint32_t *out)
{
        wsbx_buf key = {0};
        wsbx_buf_u8(&key, 0x60);
        wsbx_buf_uleb(&key, np);
        wsbx_buf_put(&key, vt, np);
        wsbx_buf_uleb(&key, nr);
        wsbx_buf_put(&key, vt + np, nr);
        if (key.oom || key.len > UINT32_MAX) {
                wsbx_buf_free(&key);
                return wsbx_wat_nomem(P);
        }
        uint8_t *kcopy = wsbx_arena_alloc(P->arena, key.len);
        if (!kcopy) {
                wsbx_buf_free(&key);
                return wsbx_wat_nomem(P);
        }
        memcpy(kcopy, key.data, key.len);
        uint32_t klen = (uint32_t)key.len;
        wsbx_buf_free(&key);
        wsbx_idslot *s = wsbx_idmap_slot(&P->sigs, (const char *)kcopy, klen);
        if (!s)
                return wsbx_wat_nomem(P);
        if (reuse && s->index != WSBX_NO_INDEX) {
                *out = s->index;
                return WSBX_OK;
        }
        if (P->ntypes == UINT32_MAX)
                return wsbx_wat_nomem(P);
        if (P->ntypes == P->types_cap) {
                wsbx_wat_type *t = wsbx_wat_grow(P->types, &P->types_cap, sizeof *t);
                if (!t)
                        return wsbx_wat_nomem(P);
                P->types = t;
        }
        uint8_t *copy = wsbx_arena_alloc(P->arena, (size_t)np + nr + 1);
        if (!copy)
                return wsbx_wat_nomem(P);
        if (np + nr)
                memcpy(copy, vt, (size_t)np + nr);
        P->types[P->ntypes] = (wsbx_wat_type){np, nr, copy, at};
        if (s->index == WSBX_NO_INDEX)
                s->index = P->ntypes;
        *out = P->ntypes++;
        return WSBX_OK;
}

wsbx_errkind wsbx_wat_params_results(wsbx_wat *P, bool names, bool bind, uint32_t *np, uint32_t *nr)
{
        wsbx_errkind k;
        wsbx_token t;
        *np = *nr = 0;
        for (int pass = 0; pass < 2; pass++) {
                const char *kw = pass ? "result" : "param";
                while (wsbx_wat_at_list(P, kw)) {
                        wsbx_wat_open_list(P);
                        if ((k = wsbx_wat_peek(P, &t)))
                                return k;
                        if (t.kind == WSBX_TOK_ID && pass == 0) {
                                if (!names)
                                        return wsbx_wat_unexpected(P, &t);
                                wsbx_wat_next(P, &t);
                                if (bind && (k = wsbx_wat_bind(P, &P->locals, "local", &t, *np)))
                                        return k;
                                uint8_t vt;
                                if ((k = wsbx_wat_valtype(P, &vt)) || (k = push_vt(P, vt)))
                                        return k;
                                (*np)++;
                                if ((k = wsbx_wat_close_list(P)))
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
        if (wsbx_wat_at_list(P, "param")) {
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
        wsbx_token t = {0}, t2;
        memset(tu, 0, sizeof *tu);
        P->nvt = 0;
        /* The type use is where its first list's keyword is; an empty one
         * is where the parser stands. */
        tu->at = P->last;
        if (!wsbx_wat_peek2(P, &t, &t2) && t.kind == WSBX_TOK_LPAREN &&
            (wsbx_wat_is(&t2, "type") || wsbx_wat_is(&t2, "param") || wsbx_wat_is(&t2, "result"))) {
                tu->at = wsbx_wat_tokpos(&t2);
                tu->written = true;
        }
        if (wsbx_wat_at_list(P, "type")) {
                wsbx_wat_open_list(P);
                wsbx_wat_peek(P, &t);
                if ((k = wsbx_wat_var(P, WSBX_SP_TYPE, &tu->type)) || (k = wsbx_wat_close_list(P)))
                        return k;
                tu->has_type = true;
        }
        if ((k = wsbx_wat_params_results(P, allow_names, bind_locals, &tu->nparams, &tu->nresults)))
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
        return wsbx_wat_add_type(P, P->vt, tu->nparams, tu->nresults, true, tu->at, out);
}
