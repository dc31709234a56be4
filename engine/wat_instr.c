/* wat_instr.c - instructions of the text format, encoded as they are read.
 *
 * Plain instructions (`i32.add`, `block $l ... end $l`) and folded ones
 * (`(i32.add (local.get 0) (i32.const 1))`, `(if (cond) (then ...) (else
 * ...))`) are parsed by one loop over an explicit stack of frames, so
 * nesting depth costs heap, never C stack. Which immediates an instruction
 * takes comes from the opcode table (wsbx_ops[op].imm); there is no second
 * list of instructions here.
 *
 * A folded instruction's operands come first in the binary, so its own
 * bytes (opcode and immediates) are parked in P->pend when its "(" is read
 * and moved to the output at its ")". P->pend is a stack: each frame
 * remembers where its bytes start, and inner frames always finish first.
 *
 * Labels: P->labels is the stack of enclosing blocks; P->label_ids maps a
 * name to its innermost position, and each label remembers the binding it
 * shadows, so lookup and scope exit are O(1) however deep the nesting.
 *
 * Positions (wat_posmap.c): every instruction marks its opcode with its
 * keyword token, a folded operator's mark waiting in P->pend with its
 * bytes; an `end` maps to the `end` keyword or to the ")" that implies it,
 * which is where the validator's complaints about a block's results land.
 */
#include "internal.h"

#include <stdlib.h>

enum {
        FR_BODY,     /* instruction sequence closed by ")" */
        FR_SINGLE,   /* one folded instruction, then return */
        FR_BLOCK,    /* plain block or loop, closed by "end" */
        FR_IF,       /* plain if before its "else" */
        FR_ELSE,     /* plain if after its "else" */
        FR_FOP,      /* (op ...): operands, then the op from P->pend */
        FR_FBLOCK,   /* (block ...) or (loop ...) */
        FR_FIF_COND, /* (if ...): condition operands before (then */
        FR_FTHEN,    /* (then ...) of a folded if */
        FR_FELSE,    /* (else ...) of a folded if */
};

static wsbx_errkind push_frame(wsbx_wat *P, uint8_t kind, size_t pend_off, const char *label,
                               uint32_t label_len)
{
        if (P->nframes == P->frames_cap) {
                wsbx_wat_frame *f = wsbx_wat_grow(P->frames, &P->frames_cap, sizeof *f);
                if (!f || P->nframes == UINT32_MAX)
                        return wsbx_wat_nomem(P);
                P->frames = f;
        }
        P->frames[P->nframes++] = (wsbx_wat_frame){
                .kind = kind, .pend_off = pend_off, .label = label, .label_len = label_len,
        };
        return WSBX_OK;
}

static void pop_frame(wsbx_wat *P)
{
        P->nframes--;
        if (P->nframes && P->frames[P->nframes - 1].kind == FR_SINGLE)
                P->frames[P->nframes - 1].done = true;
}

static wsbx_errkind push_label(wsbx_wat *P, const char *name, uint32_t len)
{
        if (P->nlabels == P->labels_cap) {
                wsbx_wat_label *l = wsbx_wat_grow(P->labels, &P->labels_cap, sizeof *l);
                if (!l || P->nlabels == UINT32_MAX)
                        return wsbx_wat_nomem(P);
                P->labels = l;
        }
        wsbx_wat_label *l = &P->labels[P->nlabels];
        l->name = name;
        l->len = len;
        l->prev = WSBX_NO_INDEX;
        if (name) {
                wsbx_idslot *s = wsbx_idmap_slot(&P->label_ids, name, len);
                if (!s)
                        return wsbx_wat_nomem(P);
                l->prev = s->index;
                s->index = P->nlabels;
        }
        P->nlabels++;
        return WSBX_OK;
}

static void pop_label(wsbx_wat *P)
{
        if (NEVER(P->nlabels == 0))
                return;
        wsbx_wat_label *l = &P->labels[--P->nlabels];
        if (l->name) {
                wsbx_idslot *s = wsbx_idmap_slot(&P->label_ids, l->name, l->len);
                if (ALWAYS(s))
                        s->index = l->prev;
        }
}

void wsbx_wat_labels_reset(wsbx_wat *P)
{
        P->nlabels = 0;
        P->nframes = 0;
        wsbx_wat_buf_cut(&P->pend, 0);
        wsbx_idmap_free(&P->label_ids);
        wsbx_idmap_free(&P->locals);
}

static void emit_op(wsbx_buf *b, wsbx_opcode op)
{
        const wsbx_opinfo *o = &wsbx_ops[op];
        if (o->prefix) {
                wsbx_buf_u8(b, o->prefix);
                wsbx_buf_uleb(b, o->code);
        } else {
                wsbx_buf_u8(b, o->code);
        }
}

/* A label: a depth as written, or the depth of the innermost label that
 * binds the $id. */
static wsbx_errkind label_var(wsbx_wat *P, uint32_t *out)
{
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_ref(P, &P->label_ids, "label", &t, out);
        if (k || t.kind != WSBX_TOK_ID)
                return k;
        /* Popping a label restores the binding it shadowed, so a bound
         * name always refers to an open block. */
        if (NEVER(*out >= P->nlabels))
                return wsbx_text_error(P->err, &t, "unknown label %.*s", WSBX_WAT_TOKFMT(&t));
        *out = P->nlabels - 1 - *out;
        return WSBX_OK;
}

static wsbx_errkind local_var(wsbx_wat *P, uint32_t *out)
{
        wsbx_token t;
        return wsbx_wat_ref(P, &P->locals, "local", &t, out);
}

/* Optional label after block/loop/if, then the block type. Writes the
 * opcode and block type to `o`. Block types that fit the short forms
 * (no params, at most one result) use them even when written as (type x),
 * as other encoders do; the others take a type index. */
static wsbx_errkind block_head(wsbx_wat *P, wsbx_opcode op, wsbx_wat_buf *o, const char **label,
                               uint32_t *label_len)
{
        wsbx_buf *out = &o->b;
        wsbx_token t;
        bool named;
        wsbx_errkind k = wsbx_wat_opt_id(P, &t, &named);
        *label = NULL;
        *label_len = 0;
        if (k || (named && (k = wsbx_wat_idname(P, &t, label, label_len))))
                return k;
        wsbx_wat_typeuse tu;
        if ((k = wsbx_wat_parse_typeuse(P, false, false, &tu)))
                return k;
        emit_op(out, op);
        if (tu.written)
                wsbx_wat_mark(P, o, tu.at);
        if (tu.has_type) {
                if (tu.type < P->ntypes && P->types[tu.type].nparams == 0 &&
                    P->types[tu.type].nresults <= 1) {
                        const wsbx_wat_type *ty = &P->types[tu.type];
                        wsbx_buf_u8(out, ty->nresults ? ty->vt[0] : 0x40);
                } else {
                        wsbx_buf_sleb(out, tu.type);
                }
                return WSBX_OK;
        }
        if (tu.nparams == 0 && tu.nresults == 0) {
                wsbx_buf_u8(out, 0x40);
                return WSBX_OK;
        }
        if (tu.nparams == 0 && tu.nresults == 1) {
                wsbx_buf_u8(out, P->vt[0]);
                return WSBX_OK;
        }
        uint32_t idx;
        if ((k = wsbx_wat_typeuse_index(P, &tu, &idx)))
                return k;
        wsbx_buf_sleb(out, idx);
        return WSBX_OK;
}

/* The value of an offset=N or align=N keyword (peeked as `t`, its number
 * as `num`), which this consumes: a u32. */
static wsbx_errkind memarg_value(wsbx_wat *P, const wsbx_token *t, const wsbx_token *num, uint64_t *v)
{
        wsbx_token kw;
        wsbx_wat_next(P, &kw);
        if (num->kind != WSBX_TOK_NUMBER)
                return wsbx_text_error(P->err, t, "unknown operator %.*s", WSBX_WAT_TOKFMT(t));
        if (wsbx_text_nat(num, UINT32_MAX, v, P->err))
                return wsbx_text_error(P->err, num, "i32 constant out of range");
        return WSBX_OK;
}

static wsbx_errkind memarg(wsbx_wat *P, wsbx_opcode op, wsbx_buf *out)
{
        uint64_t offset = 0, align = (uint64_t)1 << wsbx_ops[op].arg;
        wsbx_token t, num;
        wsbx_errkind k;
        if ((k = wsbx_wat_peek(P, &t)))
                return k;
        if (wsbx_wat_kw_num(&t, "offset=", &num)) {
                if ((k = memarg_value(P, &t, &num, &offset)) || (k = wsbx_wat_peek(P, &t)))
                        return k;
        }
        if (wsbx_wat_kw_num(&t, "align=", &num)) {
                if ((k = memarg_value(P, &t, &num, &align)))
                        return k;
                if (align == 0 || (align & (align - 1)))
                        return wsbx_text_error(P->err, &num, "alignment must be a power of two");
        }
        unsigned log = 0;
        while (((uint64_t)1 << log) < align)
                log++;
        wsbx_buf_uleb(out, log);
        wsbx_buf_uleb(out, offset);
        return WSBX_OK;
}

/* A lane index: a plain unsigned literal; above 255 is malformed. */
static wsbx_errkind lane_index(wsbx_wat *P, bool any_number, uint8_t *out)
{
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_expect(P, WSBX_TOK_NUMBER, &t);
        if (k)
                return k;
        wsbx_numclass c = wsbx_text_numclass(t.start, t.len);
        if (c != WSBX_NUM_NAT) {
                if (any_number)
                        return wsbx_text_error(P->err, &t, "malformed lane index");
                return wsbx_text_error(P->err, &t, "unexpected token");
        }
        uint64_t v;
        if (wsbx_text_nat(&t, 255, &v, P->err))
                return wsbx_text_error(P->err, &t, "malformed lane index");
        *out = (uint8_t)v;
        return WSBX_OK;
}

static void put_le(wsbx_buf *out, uint64_t v, unsigned bytes)
{
        for (unsigned i = 0; i < bytes; i++)
                wsbx_buf_u8(out, (uint8_t)(v >> (8 * i)));
}

static wsbx_errkind v128_const(wsbx_wat *P, wsbx_buf *out)
{
        static const struct {
                const char *name;
                unsigned lanes, bits;
                bool fl;
        } shapes[] = {
                {"i8x16", 16, 8, false}, {"i16x8", 8, 16, false}, {"i32x4", 4, 32, false},
                {"i64x2", 2, 64, false}, {"f32x4", 4, 32, true},  {"f64x2", 2, 64, true},
        };
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_next(P, &t);
        if (k)
                return k;
        unsigned s;
        for (s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
                if (wsbx_wat_is(&t, shapes[s].name))
                        break;
        if (s == sizeof shapes / sizeof shapes[0])
                return wsbx_wat_unexpected(P, &t);
        /* Count the literals first: a wrong count is reported as such
         * even when a literal is also malformed. */
        wsbx_token lanes[16];
        unsigned n = 0;
        for (;;) {
                if ((k = wsbx_wat_peek(P, &t)))
                        return k;
                if (t.kind == WSBX_TOK_LPAREN || t.kind == WSBX_TOK_RPAREN || t.kind == WSBX_TOK_EOF)
                        break;
                if (n == shapes[s].lanes)
                        return wsbx_text_error(P->err, &t, "wrong number of lane literals");
                wsbx_wat_next(P, &lanes[n++]);
        }
        if (n != shapes[s].lanes)
                return wsbx_text_error(P->err, &t, "wrong number of lane literals");
        for (unsigned i = 0; i < n; i++) {
                uint64_t v;
                if (lanes[i].kind != WSBX_TOK_NUMBER)
                        return wsbx_wat_unexpected(P, &lanes[i]);
                if (shapes[s].fl && shapes[s].bits == 32) {
                        uint32_t f;
                        k = wsbx_text_f32(&lanes[i], &f, P->err);
                        v = f;
                } else if (shapes[s].fl) {
                        k = wsbx_text_f64(&lanes[i], &v, P->err);
                } else {
                        k = wsbx_text_int(&lanes[i], shapes[s].bits, &v, P->err);
                }
                if (k)
                        return k;
                put_le(out, v, shapes[s].bits / 8);
        }
        return WSBX_OK;
}

static wsbx_errkind number_imm(wsbx_wat *P, wsbx_imm imm, wsbx_buf *out)
{
        wsbx_token t;
        wsbx_errkind k = wsbx_wat_expect(P, WSBX_TOK_NUMBER, &t);
        if (k)
                return k;
        uint64_t v;
        uint32_t f;
        switch (imm) {
        case WSBX_IMM_I32:
                if ((k = wsbx_text_int(&t, 32, &v, P->err)))
                        return k;
                wsbx_buf_sleb(out, (int32_t)(uint32_t)v);
                break;
        case WSBX_IMM_I64:
                if ((k = wsbx_text_int(&t, 64, &v, P->err)))
                        return k;
                wsbx_buf_sleb(out, (int64_t)v);
                break;
        case WSBX_IMM_F32:
                if ((k = wsbx_text_f32(&t, &f, P->err)))
                        return k;
                put_le(out, f, 4);
                break;
        default:
                if ((k = wsbx_text_f64(&t, &v, P->err)))
                        return k;
                put_le(out, v, 8);
                break;
        }
        return WSBX_OK;
}

/* br_table targets are collected first: the binary wants the count of
 * all but the last before them. */
static wsbx_errkind br_table(wsbx_wat *P, wsbx_buf *out)
{
        wsbx_buf targets = {0};
        wsbx_errkind k = WSBX_OK;
        uint32_t n = 0;
        while (wsbx_wat_at_var(P)) {
                uint32_t l;
                if ((k = label_var(P, &l)))
                        goto done;
                wsbx_buf_uleb(&targets, l);
                n++;
        }
        if (targets.oom) {
                k = wsbx_wat_nomem(P);
                goto done;
        }
        if (n == 0) {
                wsbx_token t;
                if (!(k = wsbx_wat_peek(P, &t)))
                        k = wsbx_wat_unexpected(P, &t);
                goto done;
        }
        wsbx_buf_uleb(out, n - 1);
        wsbx_buf_put(out, targets.data, targets.len);
done:
        wsbx_buf_free(&targets);
        return k;
}

static wsbx_errkind immediates(wsbx_wat *P, wsbx_opcode op, wsbx_wat_buf *o)
{
        wsbx_buf *out = &o->b;
        wsbx_errkind k = WSBX_OK;
        uint32_t a, b;
        wsbx_token t, t2;
        switch ((wsbx_imm)wsbx_ops[op].imm) {
        case WSBX_IMM_NONE:
                if (op == WSBX_OP_select) {
                        if ((k = wsbx_wat_peek2(P, &t, &t2)))
                                return k;
                        if (t.kind == WSBX_TOK_LPAREN && wsbx_wat_is(&t2, "result")) {
                                /* select (result t)*: the typed form. */
                                wsbx_buf types = {0};
                                uint32_t n = 0;
                                while (t.kind == WSBX_TOK_LPAREN && wsbx_wat_is(&t2, "result")) {
                                        wsbx_wat_next(P, &t);
                                        wsbx_wat_next(P, &t);
                                        for (;;) {
                                                if ((k = wsbx_wat_peek(P, &t)))
                                                        break;
                                                if (t.kind == WSBX_TOK_RPAREN)
                                                        break;
                                                uint8_t vt;
                                                if ((k = wsbx_wat_valtype(P, &vt)))
                                                        break;
                                                wsbx_buf_u8(&types, vt);
                                                n++;
                                        }
                                        if (k || (k = wsbx_wat_expect(P, WSBX_TOK_RPAREN, &t)) ||
                                            (k = wsbx_wat_peek2(P, &t, &t2)))
                                                break;
                                }
                                if (!k) {
                                        emit_op(out, WSBX_OP_select_t);
                                        wsbx_buf_uleb(out, n);
                                        wsbx_buf_put(out, types.data, types.len);
                                }
                                wsbx_buf_free(&types);
                                return k;
                        }
                }
                emit_op(out, op);
                return WSBX_OK;
        case WSBX_IMM_BLOCKTYPE:
                /* Handled by the caller: blocks open frames. */
                return wsbx_error_set(P->err, WSBX_ERR_MALFORMED, SIZE_MAX, "unexpected token");
        default:
                break;
        }
        emit_op(out, op);
        switch ((wsbx_imm)wsbx_ops[op].imm) {
        case WSBX_IMM_LABEL:
                if (!(k = label_var(P, &a)))
                        wsbx_buf_uleb(out, a);
                break;
        case WSBX_IMM_BR_TABLE:
                k = br_table(P, out);
                break;
        case WSBX_IMM_FUNC:
                if (!(k = wsbx_wat_var(P, WSBX_SP_FUNC, &a)))
                        wsbx_buf_uleb(out, a);
                break;
        case WSBX_IMM_CALL_INDIRECT: {
                a = 0;
                if (wsbx_wat_at_var(P) && (k = wsbx_wat_var(P, WSBX_SP_TABLE, &a)))
                        break;
                wsbx_wat_typeuse tu;
                if ((k = wsbx_wat_parse_typeuse(P, false, false, &tu)) || (k = wsbx_wat_typeuse_index(P, &tu, &b)))
                        break;
                if (tu.written)
                        wsbx_wat_mark(P, o, tu.at);
                wsbx_buf_uleb(out, b);
                wsbx_buf_uleb(out, a);
                break;
        }
        case WSBX_IMM_LOCAL:
                if (!(k = local_var(P, &a)))
                        wsbx_buf_uleb(out, a);
                break;
        case WSBX_IMM_GLOBAL:
                if (!(k = wsbx_wat_var(P, WSBX_SP_GLOBAL, &a)))
                        wsbx_buf_uleb(out, a);
                break;
        case WSBX_IMM_TABLE:
                a = 0;
                if (wsbx_wat_at_var(P) && (k = wsbx_wat_var(P, WSBX_SP_TABLE, &a)))
                        break;
                wsbx_buf_uleb(out, a);
                break;
        case WSBX_IMM_MEMARG:
                k = memarg(P, op, out);
                break;
        case WSBX_IMM_MEMARG_LANE: {
                uint8_t lane;
                if (!(k = memarg(P, op, out)) && !(k = lane_index(P, false, &lane)))
                        wsbx_buf_u8(out, lane);
                break;
        }
        case WSBX_IMM_MEMORY:
                wsbx_buf_u8(out, 0);
                break;
        case WSBX_IMM_MEMORY_INIT:
                P->uses_datacount = true;
                if (!(k = wsbx_wat_var(P, WSBX_SP_DATA, &a))) {
                        wsbx_buf_uleb(out, a);
                        wsbx_buf_u8(out, 0);
                }
                break;
        case WSBX_IMM_MEMORY_COPY:
                wsbx_buf_u8(out, 0);
                wsbx_buf_u8(out, 0);
                break;
        case WSBX_IMM_DATA:
                P->uses_datacount = true;
                if (!(k = wsbx_wat_var(P, WSBX_SP_DATA, &a)))
                        wsbx_buf_uleb(out, a);
                break;
        case WSBX_IMM_ELEM:
                if (!(k = wsbx_wat_var(P, WSBX_SP_ELEM, &a)))
                        wsbx_buf_uleb(out, a);
                break;
        case WSBX_IMM_TABLE_INIT: {
                /* table.init tableidx? elemidx: with one index it is the
                 * element segment's. The text cannot tell a table $id
                 * from an elem $id before seeing whether a second follows. */
                wsbx_lexer save = *P->lx;
                bool two;
                a = 0;
                if ((k = wsbx_wat_next(P, &t)))
                        break;
                two = wsbx_wat_at_var(P);
                *P->lx = save;
                if (two && (k = wsbx_wat_var(P, WSBX_SP_TABLE, &a)))
                        break;
                if ((k = wsbx_wat_var(P, WSBX_SP_ELEM, &b)))
                        break;
                wsbx_buf_uleb(out, b);
                wsbx_buf_uleb(out, a);
                break;
        }
        case WSBX_IMM_TABLE_COPY:
                a = b = 0;
                if (wsbx_wat_at_var(P) &&
                    ((k = wsbx_wat_var(P, WSBX_SP_TABLE, &a)) || (k = wsbx_wat_var(P, WSBX_SP_TABLE, &b))))
                        break;
                wsbx_buf_uleb(out, a);
                wsbx_buf_uleb(out, b);
                break;
        case WSBX_IMM_I32:
        case WSBX_IMM_I64:
        case WSBX_IMM_F32:
        case WSBX_IMM_F64:
                k = number_imm(P, (wsbx_imm)wsbx_ops[op].imm, out);
                break;
        case WSBX_IMM_V128:
                k = v128_const(P, out);
                break;
        case WSBX_IMM_LANE: {
                uint8_t lane;
                if (!(k = lane_index(P, false, &lane)))
                        wsbx_buf_u8(out, lane);
                break;
        }
        case WSBX_IMM_SHUFFLE: {
                uint8_t lanes[16];
                unsigned n = 0;
                for (;;) {
                        if ((k = wsbx_wat_peek(P, &t)))
                                return k;
                        if (t.kind != WSBX_TOK_NUMBER)
                                break;
                        if (n == 16)
                                return wsbx_text_error(P->err, &t, "invalid lane length");
                        if ((k = lane_index(P, true, &lanes[n++])))
                                return k;
                }
                if (n != 16)
                        return wsbx_text_error(P->err, &t, "invalid lane length");
                wsbx_buf_put(out, lanes, 16);
                break;
        }
        case WSBX_IMM_REFTYPE:
                if ((k = wsbx_wat_next(P, &t)))
                        break;
                if (wsbx_wat_is(&t, "func"))
                        wsbx_buf_u8(out, WSBX_FUNCREF);
                else if (wsbx_wat_is(&t, "extern"))
                        wsbx_buf_u8(out, WSBX_EXTERNREF);
                else
                        k = wsbx_wat_unexpected(P, &t);
                break;
        case WSBX_IMM_SELECT_T:
        case WSBX_IMM_NONE:
        case WSBX_IMM_BLOCKTYPE:
                break;
        }
        return k;
}

/* After "end" or "else": an optional $id that must repeat the label. */
static wsbx_errkind end_label(wsbx_wat *P, const wsbx_wat_frame *f)
{
        wsbx_token t;
        bool found;
        wsbx_errkind k = wsbx_wat_opt_id(P, &t, &found);
        if (k || !found)
                return k;
        const char *name;
        uint32_t len;
        if ((k = wsbx_wat_idname(P, &t, &name, &len)))
                return k;
        if (!f->label || f->label_len != len || memcmp(f->label, name, len) != 0)
                return wsbx_text_error(P->err, &t, "mismatching label");
        return WSBX_OK;
}

static bool is_block_op(wsbx_opcode op)
{
        return op == WSBX_OP_block || op == WSBX_OP_loop || op == WSBX_OP_if;
}

/* Ends the innermost block with the `end` that token `t` stands for. */
static void close_block(wsbx_wat *P, wsbx_wat_buf *out, const wsbx_token *t)
{
        wsbx_wat_mark(P, out, wsbx_wat_tokpos(t));
        wsbx_buf_u8(&out->b, 0x0b);
        pop_label(P);
        pop_frame(P);
}

wsbx_errkind wsbx_wat_instrs(wsbx_wat *P, int mode, wsbx_wat_buf *out)
{
        uint32_t base = P->nframes;
        wsbx_errkind k = push_frame(P, mode == WSBX_WAT_BODY ? FR_BODY : FR_SINGLE, 0, NULL, 0);
        if (k)
                return k;
        for (;;) {
                wsbx_wat_frame *top = &P->frames[P->nframes - 1];
                if (top->kind == FR_SINGLE && top->done) {
                        P->nframes = base;
                        return WSBX_OK;
                }
                if (P->pend.b.oom || out->b.oom)
                        return wsbx_wat_nomem(P);
                wsbx_token t, t2;
                const char *label;
                uint32_t label_len;
                if ((k = wsbx_wat_peek(P, &t)))
                        return k;
                switch (t.kind) {
                case WSBX_TOK_RPAREN:
                        switch (top->kind) {
                        case FR_BODY:
                                wsbx_wat_next(P, &t);
                                P->nframes = base;
                                return WSBX_OK;
                        case FR_FOP:
                                wsbx_wat_next(P, &t);
                                wsbx_wat_buf_move(P, out, &P->pend, top->pend_off);
                                pop_frame(P);
                                continue;
                        case FR_FBLOCK:
                                wsbx_wat_next(P, &t);
                                close_block(P, out, &t);
                                continue;
                        case FR_FTHEN:
                                wsbx_wat_next(P, &t);
                                if ((k = wsbx_wat_peek2(P, &t, &t2)))
                                        return k;
                                if (t.kind == WSBX_TOK_LPAREN && wsbx_wat_is(&t2, "else")) {
                                        wsbx_wat_next(P, &t);
                                        wsbx_wat_next(P, &t);
                                        wsbx_wat_mark(P, out, wsbx_wat_tokpos(&t2));
                                        wsbx_buf_u8(&out->b, 0x05);
                                        top->kind = FR_FELSE;
                                        continue;
                                }
                                if ((k = wsbx_wat_expect(P, WSBX_TOK_RPAREN, &t)))
                                        return k;
                                close_block(P, out, &t);
                                continue;
                        case FR_FELSE:
                                wsbx_wat_next(P, &t);
                                if ((k = wsbx_wat_expect(P, WSBX_TOK_RPAREN, &t)))
                                        return k;
                                close_block(P, out, &t);
                                continue;
                        default:
                                return wsbx_wat_unexpected(P, &t);
                        }
                case WSBX_TOK_LPAREN: {
                        if ((k = wsbx_wat_peek2(P, &t, &t2)))
                                return k;
                        if (top->kind == FR_FIF_COND && wsbx_wat_is(&t2, "then")) {
                                wsbx_wat_next(P, &t);
                                wsbx_wat_next(P, &t);
                                wsbx_wat_buf_move(P, out, &P->pend, top->pend_off);
                                if ((k = push_label(P, top->label, top->label_len)))
                                        return k;
                                top->kind = FR_FTHEN;
                                continue;
                        }
                        if (t2.kind != WSBX_TOK_KEYWORD)
                                return wsbx_wat_unexpected(P, &t2);
                        wsbx_opcode op = wsbx_op_by_name(t2.start, t2.len);
                        if (op == WSBX_OP_INVALID || op == WSBX_OP_else || op == WSBX_OP_end)
                                return wsbx_wat_unexpected(P, &t2);
                        wsbx_wat_next(P, &t);
                        wsbx_wat_next(P, &t2);
                        /* Blocks write their head at once; an if and any
                         * other operator wait in P->pend for their
                         * operands, and their marks with them. */
                        wsbx_wat_buf *dst = op == WSBX_OP_if || !is_block_op(op) ? &P->pend : out;
                        size_t off = dst->b.len;
                        wsbx_wat_mark(P, dst, wsbx_wat_tokpos(&t2));
                        if (op == WSBX_OP_if) {
                                if ((k = block_head(P, op, dst, &label, &label_len)) ||
                                    (k = push_frame(P, FR_FIF_COND, off, label, label_len)))
                                        return k;
                        } else if (is_block_op(op)) {
                                if ((k = block_head(P, op, dst, &label, &label_len)) ||
                                    (k = push_label(P, label, label_len)) ||
                                    (k = push_frame(P, FR_FBLOCK, 0, label, label_len)))
                                        return k;
                        } else {
                                if ((k = immediates(P, op, dst)) || (k = push_frame(P, FR_FOP, off, NULL, 0)))
                                        return k;
                        }
                        continue;
                }
                case WSBX_TOK_KEYWORD: {
                        if (top->kind == FR_FOP || top->kind == FR_FIF_COND || top->kind == FR_SINGLE)
                                return wsbx_wat_unexpected(P, &t);
                        if (wsbx_wat_is(&t, "end")) {
                                if (top->kind != FR_BLOCK && top->kind != FR_IF && top->kind != FR_ELSE)
                                        return wsbx_wat_unexpected(P, &t);
                                wsbx_wat_next(P, &t);
                                if ((k = end_label(P, top)))
                                        return k;
                                close_block(P, out, &t);
                                continue;
                        }
                        if (wsbx_wat_is(&t, "else")) {
                                if (top->kind != FR_IF)
                                        return wsbx_wat_unexpected(P, &t);
                                wsbx_wat_next(P, &t);
                                if ((k = end_label(P, top)))
                                        return k;
                                wsbx_wat_mark(P, out, wsbx_wat_tokpos(&t));
                                wsbx_buf_u8(&out->b, 0x05);
                                top->kind = FR_ELSE;
                                continue;
                        }
                        wsbx_opcode op = wsbx_op_by_name(t.start, t.len);
                        if (op == WSBX_OP_INVALID)
                                return wsbx_wat_unexpected(P, &t);
                        wsbx_wat_next(P, &t);
                        wsbx_wat_mark(P, out, wsbx_wat_tokpos(&t));
                        if (is_block_op(op)) {
                                if ((k = block_head(P, op, out, &label, &label_len)) ||
                                    (k = push_label(P, label, label_len)) ||
                                    (k = push_frame(P, op == WSBX_OP_if ? FR_IF : FR_BLOCK, 0, label, label_len)))
                                        return k;
                                continue;
                        }
                        if ((k = immediates(P, op, out)))
                                return k;
                        continue;
                }
                case WSBX_TOK_EOF:
                        return wsbx_text_error(P->err, &t, "unexpected end");
                default:
                        return wsbx_wat_unexpected(P, &t);
                }
        }
}

wsbx_errkind wsbx_wat_expr(wsbx_wat *P, int mode, wsbx_wat_buf *out)
{
        wsbx_wat_labels_reset(P);
        wsbx_errkind k = wsbx_wat_instrs(P, mode, out);
        if (k)
                return k;
        wsbx_wat_mark(P, out, P->last);
        wsbx_buf_u8(&out->b, 0x0b);
        return WSBX_OK;
}
