/* decode_const.c - constant expressions in the binary format.
 *
 * Globals, element segments and active segment offsets carry a constant
 * expression: in Wasm 2.0 exactly one constant instruction (a *.const,
 * ref.null, ref.func or global.get of an imported immutable global) and
 * END. wsbx_dec_read_const reads that shape on a fast path into a
 * wsbx_constexpr. Anything else takes the general path, which behaves as
 * the reference interpreter does: it decodes any instruction sequence up
 * to the matching END (so a malformed instruction wins over "constant
 * expression required"), skipping immediates with the same
 * well-formedness checks as the body decoder, and only then reports the
 * first validation problem in the reference's order.
 *
 * Invariants: nothing recurses; nesting inside an expression is tracked on
 * a heap stack of block kinds (d->frames, in the module's arena), so
 * hostile nesting costs memory in proportion to the input, never C stack.
 * Validation errors are only recorded (wsbx_dec_invalid); a malformed
 * error returns at once.
 *
 * Surprising: errors on the fast path are not reported from there. The
 * general path re-reads the expression from its start and reports them,
 * so that the first error is the one the reference would find.
 */
#include "internal.h"

/* Decodes an opcode (prefixed ones included) into a wsbx_opcode. */
static wsbx_errkind read_opcode(wsbx_dec *d, unsigned *op)
{
        *op = WSBX_OP_INVALID;
        size_t at = wsbx_dec_off(d);
        uint8_t b;
        WSBX_RD(wsbx_read_u8(&d->r, &b));
        uint16_t o;
        if (b == 0xfc || b == 0xfd) {
                uint32_t sub;
                WSBX_RD(wsbx_read_u32(&d->r, &sub));
                if (b == 0xfc)
                        o = sub < 32 ? wsbx_op_by_fc[sub] : WSBX_OP_INVALID;
                else
                        o = sub < 256 ? wsbx_op_by_fd[sub] : WSBX_OP_INVALID;
                if (o == WSBX_OP_INVALID)
                        return wsbx_dec_malformed(d, at, "illegal opcode %02x %x", b, sub);
        } else {
                o = wsbx_op_by_byte[b];
                if (o == WSBX_OP_INVALID)
                        return wsbx_dec_malformed(d, at, "illegal opcode %02x", b);
        }
        *op = o;
        return WSBX_OK;
}

static wsbx_errkind zero_byte(wsbx_dec *d)
{
        size_t at = wsbx_dec_off(d);
        uint8_t b;
        WSBX_RD(wsbx_read_u8(&d->r, &b));
        if (b != 0)
                return wsbx_dec_malformed(d, at, "zero byte expected");
        return WSBX_OK;
}

static wsbx_errkind skip_memarg(wsbx_dec *d)
{
        uint32_t align, offset;
        size_t at = wsbx_dec_off(d);
        WSBX_RD(wsbx_read_u32(&d->r, &align));
        if (align >= 32)
                return wsbx_dec_malformed(d, at, "malformed memop flags");
        WSBX_RD(wsbx_read_u32(&d->r, &offset));
        return WSBX_OK;
}

/* Skips the immediates of `op`, checking them for well-formedness only. */
static wsbx_errkind skip_imm(wsbx_dec *d, unsigned op)
{
        uint32_t u;
        int64_t s;
        const uint8_t *p;
        uint8_t b;
        switch ((wsbx_imm)wsbx_ops[op].imm) {
        case WSBX_IMM_NONE:
                return WSBX_OK;
        case WSBX_IMM_BLOCKTYPE: {
                size_t at = wsbx_dec_off(d);
                if (d->r.p < d->r.end && (*d->r.p == 0x40 || wsbx_dec_is_valtype(*d->r.p))) {
                        d->r.p++;
                        return WSBX_OK;
                }
                b = d->r.p < d->r.end ? *d->r.p : 0;
                WSBX_RD(wsbx_read_sleb(&d->r, 33, &s));
                if (s < 0)
                        return wsbx_dec_bad_type_byte(d, at, b, "value type");
                return WSBX_OK;
        }
        case WSBX_IMM_LABEL:
        case WSBX_IMM_FUNC:
        case WSBX_IMM_LOCAL:
        case WSBX_IMM_GLOBAL:
        case WSBX_IMM_TABLE:
        case WSBX_IMM_DATA:
        case WSBX_IMM_ELEM:
                WSBX_RD(wsbx_read_u32(&d->r, &u));
                return WSBX_OK;
        case WSBX_IMM_CALL_INDIRECT:
        case WSBX_IMM_TABLE_INIT:
        case WSBX_IMM_TABLE_COPY:
                WSBX_RD(wsbx_read_u32(&d->r, &u));
                WSBX_RD(wsbx_read_u32(&d->r, &u));
                return WSBX_OK;
        case WSBX_IMM_BR_TABLE: {
                uint32_t n;
                WSBX_TRY(wsbx_dec_read_len(d, &n));
                for (uint32_t i = 0; i <= n; i++)
                        WSBX_RD(wsbx_read_u32(&d->r, &u));
                return WSBX_OK;
        }
        case WSBX_IMM_MEMARG:
                return skip_memarg(d);
        case WSBX_IMM_MEMARG_LANE:
                WSBX_TRY(skip_memarg(d));
                WSBX_RD(wsbx_read_u8(&d->r, &b));
                return WSBX_OK;
        case WSBX_IMM_MEMORY:
                return zero_byte(d);
        case WSBX_IMM_MEMORY_INIT:
                WSBX_RD(wsbx_read_u32(&d->r, &u));
                return zero_byte(d);
        case WSBX_IMM_MEMORY_COPY:
                WSBX_TRY(zero_byte(d));
                return zero_byte(d);
        case WSBX_IMM_I32:
                WSBX_RD(wsbx_read_sleb(&d->r, 32, &s));
                return WSBX_OK;
        case WSBX_IMM_I64:
                WSBX_RD(wsbx_read_sleb(&d->r, 64, &s));
                return WSBX_OK;
        case WSBX_IMM_F32:
                WSBX_RD(wsbx_read_bytes(&d->r, 4, &p));
                return WSBX_OK;
        case WSBX_IMM_F64:
                WSBX_RD(wsbx_read_bytes(&d->r, 8, &p));
                return WSBX_OK;
        case WSBX_IMM_V128:
        case WSBX_IMM_SHUFFLE:
                WSBX_RD(wsbx_read_bytes(&d->r, 16, &p));
                return WSBX_OK;
        case WSBX_IMM_LANE:
                WSBX_RD(wsbx_read_u8(&d->r, &b));
                return WSBX_OK;
        case WSBX_IMM_SELECT_T: {
                uint32_t n;
                wsbx_valtype t;
                WSBX_TRY(wsbx_dec_read_len(d, &n));
                for (uint32_t i = 0; i < n; i++)
                        WSBX_TRY(wsbx_dec_read_valtype(d, &t));
                return WSBX_OK;
        }
        case WSBX_IMM_REFTYPE: {
                wsbx_valtype t;
                return wsbx_dec_read_reftype(d, &t);
        }
        }
        return WSBX_OK;
}

enum { FR_BLOCK, FR_IF, FR_ELSE };

static wsbx_errkind push_frame(wsbx_dec *d, uint32_t depth, uint8_t kind)
{
        if (depth >= d->frames_cap) {
                uint32_t cap = d->frames_cap ? d->frames_cap * 2 : 64;
                uint8_t *f = wsbx_arena_alloc(d->a, cap);
                if (!f)
                        return wsbx_dec_nomem(d);
                if (d->frames_cap)
                        memcpy(f, d->frames, d->frames_cap);
                d->frames = f;
                d->frames_cap = cap;
        }
        d->frames[depth] = kind;
        return WSBX_OK;
}

/* The general case of a constant expression: anything but a single
 * constant instruction followed by END. The reference decodes any
 * instruction sequence here and only then validates it, so decode
 * everything (malformed errors win), then report what its validator would:
 * the first non-constant instruction ("constant expression required", or
 * "unknown global" for a global.get it cannot resolve), else the first
 * unknown function, else "type mismatch" for a sequence that does not
 * leave exactly one value of the wanted type. */
static wsbx_errkind const_general(wsbx_dec *d, size_t start, wsbx_valtype want)
{
        enum { OK, NOT_CONST, UNKNOWN_GLOBAL, UNKNOWN_FUNC } problem = OK, func_problem = OK;
        size_t problem_at = start, func_at = start;
        uint32_t problem_index = 0, func_index = 0;
        uint32_t nvals = 0;
        wsbx_valtype last = 0;
        uint32_t depth = 0;
        const wsbx_module *m = d->m;

        for (;;) {
                size_t at = wsbx_dec_off(d);
                if (d->r.p >= d->r.end)
                        return wsbx_dec_malformed(d, at, "unexpected end");
                uint8_t b = *d->r.p;
                if (b == 0x0b) {
                        d->r.p++;
                        if (depth == 0)
                                break;
                        depth--;
                        continue;
                }
                if (b == 0x05) {
                        /* Only an if without its else may continue here;
                         * anywhere else the reference wants the END. */
                        if (depth == 0 || d->frames[depth - 1] != FR_IF)
                                return wsbx_dec_malformed(d, at, "END opcode expected");
                        d->frames[depth - 1] = FR_ELSE;
                        d->r.p++;
                        continue;
                }
                bool top = depth == 0;
                unsigned op = 0;
                WSBX_TRY(read_opcode(d, &op));
                const uint8_t *imm = d->r.p;
                WSBX_TRY(skip_imm(d, op));
                if (op == WSBX_OP_block || op == WSBX_OP_loop || op == WSBX_OP_if) {
                        WSBX_TRY(push_frame(d, depth, op == WSBX_OP_if ? FR_IF : FR_BLOCK));
                        depth++;
                }
                /* Only top-level instructions are checked: a nested one
                 * sits inside a block, which is not constant already. */
                if (!top)
                        continue;
                /* A top-level instruction: re-read its index immediate. */
                wsbx_reader sub = {.start = d->r.start, .p = imm, .end = d->r.end, .err = NULL};
                uint32_t x = 0;
                wsbx_valtype t = 0;
                switch (op) {
                case WSBX_OP_i32_const: t = WSBX_I32; break;
                case WSBX_OP_i64_const: t = WSBX_I64; break;
                case WSBX_OP_f32_const: t = WSBX_F32; break;
                case WSBX_OP_f64_const: t = WSBX_F64; break;
                case WSBX_OP_v128_const: t = WSBX_V128; break;
                case WSBX_OP_ref_null: t = *imm; break;
                case WSBX_OP_ref_func:
                        (void)wsbx_read_u32(&sub, &x);
                        t = WSBX_FUNCREF;
                        if (x >= m->nfuncs && func_problem == OK) {
                                func_problem = UNKNOWN_FUNC;
                                func_at = at;
                                func_index = x;
                        }
                        break;
                case WSBX_OP_global_get:
                        (void)wsbx_read_u32(&sub, &x);
                        if (x >= m->nimported_globals) {
                                if (problem == OK) {
                                        problem = UNKNOWN_GLOBAL;
                                        problem_at = at;
                                        problem_index = x;
                                }
                        } else if (m->global_types[x].mut) {
                                if (problem == OK) {
                                        problem = NOT_CONST;
                                        problem_at = at;
                                }
                        } else {
                                t = m->global_types[x].type;
                        }
                        break;
                default:
                        if (problem == OK) {
                                problem = NOT_CONST;
                                problem_at = at;
                        }
                        break;
                }
                if (t) {
                        nvals++;
                        last = t;
                }
        }
        if (problem == UNKNOWN_GLOBAL)
                wsbx_dec_invalid(d, problem_at, "unknown global %u", problem_index);
        else if (problem == NOT_CONST)
                wsbx_dec_invalid(d, problem_at, "constant expression required");
        else if (func_problem == UNKNOWN_FUNC)
                wsbx_dec_invalid(d, func_at, "unknown function %u", func_index);
        else if (nvals != 1 || last != want)
                wsbx_dec_invalid(d, start, "type mismatch");
        return WSBX_OK;
}

/* Fast path: the one constant instruction Wasm 2.0 allows, then END. */
wsbx_errkind wsbx_dec_read_const(wsbx_dec *d, wsbx_valtype want, wsbx_constexpr *ce)
{
        const uint8_t *begin = d->r.p;
        size_t start = wsbx_dec_off(d);
        const wsbx_module *m = d->m;
        wsbx_error *saved = d->r.err;
        wsbx_error scratch;
        uint8_t op;
        int64_t s;
        const uint8_t *p;
        wsbx_valtype got;

        /* Errors on the fast path are not final: the general path re-reads
         * the expression and reports them in the reference's order. */
        d->r.err = &scratch;
        memset(ce, 0, sizeof *ce);
        if (!wsbx_read_u8(&d->r, &op))
                goto general;
        switch (op) {
        case 0x41:
                if (!wsbx_read_sleb(&d->r, 32, &s))
                        goto general;
                ce->op = WSBX_CONST_I32;
                ce->u.i32 = (uint32_t)s;
                got = WSBX_I32;
                break;
        case 0x42:
                if (!wsbx_read_sleb(&d->r, 64, &s))
                        goto general;
                ce->op = WSBX_CONST_I64;
                ce->u.i64 = (uint64_t)s;
                got = WSBX_I64;
                break;
        case 0x43:
                if (!wsbx_read_bytes(&d->r, 4, &p))
                        goto general;
                ce->op = WSBX_CONST_F32;
                ce->u.f32_bits = wsbx_dec_le32(p);
                got = WSBX_F32;
                break;
        case 0x44:
                if (!wsbx_read_bytes(&d->r, 8, &p))
                        goto general;
                ce->op = WSBX_CONST_F64;
                ce->u.f64_bits = wsbx_dec_le32(p) | (uint64_t)wsbx_dec_le32(p + 4) << 32;
                got = WSBX_F64;
                break;
        case 0xfd: {
                uint32_t sub;
                if (!wsbx_read_u32(&d->r, &sub) || sub != 0x0c || !wsbx_read_bytes(&d->r, 16, &p))
                        goto general;
                ce->op = WSBX_CONST_V128;
                memcpy(ce->u.v128, p, 16);
                got = WSBX_V128;
                break;
        }
        case 0xd0:
                if (d->r.p >= d->r.end || !wsbx_dec_is_reftype(*d->r.p))
                        goto general;
                ce->op = WSBX_CONST_REF_NULL;
                ce->u.reftype = got = *d->r.p++;
                break;
        case 0xd2:
                if (!wsbx_read_u32(&d->r, &ce->u.index))
                        goto general;
                ce->op = WSBX_CONST_REF_FUNC;
                got = WSBX_FUNCREF;
                break;
        case 0x23:
                if (!wsbx_read_u32(&d->r, &ce->u.index))
                        goto general;
                ce->op = WSBX_CONST_GLOBAL_GET;
                got = 0;
                break;
        default:
                goto general;
        }
        if (d->r.p >= d->r.end || *d->r.p != 0x0b)
                goto general;
        d->r.p++;
        d->r.err = saved;

        if (ce->op == WSBX_CONST_GLOBAL_GET) {
                /* Wasm 2.0: only imported globals, and only immutable ones. */
                uint32_t x = ce->u.index;
                if (x >= m->nimported_globals) {
                        wsbx_dec_invalid(d, start, "unknown global %u", x);
                        return WSBX_OK;
                }
                if (m->global_types[x].mut) {
                        wsbx_dec_invalid(d, start, "constant expression required");
                        return WSBX_OK;
                }
                got = m->global_types[x].type;
        } else if (ce->op == WSBX_CONST_REF_FUNC) {
                if (ce->u.index >= m->nfuncs) {
                        wsbx_dec_invalid(d, start, "unknown function %u", ce->u.index);
                        return WSBX_OK;
                }
                d->ref_declared[ce->u.index] = 1;
        }
        if (got != want)
                wsbx_dec_invalid(d, start, "type mismatch");
        return WSBX_OK;

general:
        d->r.err = saved;
        d->r.p = begin;
        return const_general(d, start, want);
}
