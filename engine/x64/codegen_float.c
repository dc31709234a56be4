/* codegen_float.c - scalar float arithmetic, comparisons and conversions.
 *
 * The dispatch in codegen.c routes here every f32/f64 instruction that is
 * not a constant, a load, a store or a move, and every conversion between
 * floats and integers (target.h describes the handler API). Values live in
 * the low lane of an xmm register; the upper lanes hold whatever the last
 * instruction left there and are never read.
 *
 * Each instruction picks the VEX (AVX) form when the allowed features
 * include AVX and the legacy SSE form otherwise. The code generator's own
 * moves stay legacy; mixing the two costs nothing because no code ever
 * dirties the upper halves of the ymm registers. SSE4.1 (roundss) is part
 * of the baseline. xmm15 and r11 are the scratch registers, as everywhere
 * in the code generator: they hold masks and bounds for one instruction's
 * sequence only.
 *
 * Spec corners this file keeps:
 *   - abs, neg and copysign are bit operations, so NaN payloads survive;
 *     on a value still in its slot they patch the sign byte in memory.
 *   - min and max: x86's minss/maxss return the second operand when either
 *     is NaN and do not order -0 below +0, so equal operands are merged
 *     with or (min) / and (max) of their bits and a NaN operand goes
 *     through an add, which returns a quiet NaN.
 *   - Comparisons use ucomiss/ucomisd, which report unordered as ZF=PF=CF=1:
 *     lt and le swap the operands and test "above", so NaN makes them
 *     false without a parity check; eq and ne combine ZF with PF.
 *   - Truncations to integers use cvttss2si, whose out-of-range result is
 *     the minimum integer; only when that value appears does a slow path
 *     tell a genuine minimum from NaN (trap "invalid conversion to
 *     integer") and overflow (trap "integer overflow"), or, for the _sat
 *     forms, pick 0 or the bound. Unsigned 32-bit targets convert through
 *     64 bits; unsigned 64-bit ones subtract 2^63 first when the value is
 *     that large.
 *   - u64 -> float halves odd values with the lost bit kept (round to odd)
 *     so that the doubled result rounds once, as the spec requires.
 *   - Comparisons of two constants, and the bit operations on a constant,
 *     are folded; arithmetic is not, so the code computes every rounding.
 */
#include "x64/target.h"

#include <string.h>

#define SCRATCH X64_R11
#define XTMP 15

/* ------------------------------------------------------------------------ */
/* Emitting in the SSE or the AVX form                                      */
/* ------------------------------------------------------------------------ */

static bool has_avx(const x64_cc *c)
{
        return (c->features & X64_FEAT_AVX) != 0;
}

/* d = s1 op s2 (rows with a V3 VEX form). The legacy form is destructive,
 * so s1 is copied to d first when they differ; d must not be s2 then. */
static void op3(x64_cc *c, wsbx_x64_sse op, unsigned d, unsigned s1, unsigned s2)
{
        if (has_avx(c)) {
                x64_avx_rrr(&c->a, op, d, s1, s2);
                c->used_features |= WSBX_CPU_AVX;
                return;
        }
        if (d != s1) {
                if (NEVER(d == s2)) {
                        x64_fail(c, WSBX_ERR_LIMIT, "float operand conflict");
                        return;
                }
                x64_sse_rr(&c->a, X64_MOVAPS, d, s1);
        }
        x64_sse_rr(&c->a, op, d, s2);
}

/* d = d op [m]. */
static void op3m(x64_cc *c, wsbx_x64_sse op, unsigned d, wsbx_x64_mem m)
{
        if (has_avx(c)) {
                x64_avx_rrm(&c->a, op, d, d, m);
                c->used_features |= WSBX_CPU_AVX;
        } else {
                x64_sse_rm(&c->a, op, d, m);
        }
}

/* d = op(s) for rows whose VEX form takes a merge source (sqrtss, roundss,
 * cvtss2sd): s is both sources, so no stale register is read. */
static void op_un(x64_cc *c, wsbx_x64_sse op, unsigned d, unsigned s, uint8_t imm)
{
        if (has_avx(c)) {
                x64_avx_rrri(&c->a, op, d, s, s, imm);
                c->used_features |= WSBX_CPU_AVX;
        } else {
                x64_sse_rri(&c->a, op, d, s, imm);
        }
}

/* Rows with a V2 VEX form: compares, moves between register files,
 * truncations to a general register, shifts by an immediate. */
static void op2(x64_cc *c, wsbx_x64_sse op, unsigned d, unsigned s, uint8_t imm)
{
        if (has_avx(c)) {
                x64_avx_rri(&c->a, op, d, s, imm);
                c->used_features |= WSBX_CPU_AVX;
        } else {
                x64_sse_rri(&c->a, op, d, s, imm);
        }
}

static void op2m(x64_cc *c, wsbx_x64_sse op, unsigned d, wsbx_x64_mem m)
{
        if (has_avx(c)) {
                x64_avx_rm(&c->a, op, d, m);
                c->used_features |= WSBX_CPU_AVX;
        } else {
                x64_sse_rm(&c->a, op, d, m);
        }
}

/* int -> float into d, from a general register. The conversion writes
 * only the low lane of d: callers clear d first so that it does not wait
 * for whatever last wrote d. */
static void cvt_from_gpr(x64_cc *c, wsbx_x64_sse op, unsigned d, wsbx_gpr r)
{
        if (has_avx(c)) {
                x64_avx_rrr(&c->a, op, d, d, r);
                c->used_features |= WSBX_CPU_AVX;
        } else {
                x64_sse_rr(&c->a, op, d, r);
        }
}

static bool is_f32(wsbx_valtype t)
{
        return t == WSBX_F32;
}

static uint64_t sign_bit(wsbx_valtype t)
{
        return is_f32(t) ? 0x80000000u : 1ull << 63;
}

static uint64_t f32_bits(float f)
{
        uint32_t u;
        memcpy(&u, &f, 4);
        return u;
}

static uint64_t f64_bits(double d)
{
        uint64_t u;
        memcpy(&u, &d, 8);
        return u;
}

/* xmm15 = the constant with bit pattern k, from the constant pool. */
static void const_to_xtmp(x64_cc *c, wsbx_valtype t, uint64_t k)
{
        if (k == 0) {
                op3(c, X64_XORPS, XTMP, XTMP, XTMP);
                return;
        }
        if (is_f32(t))
                x64_sse_rm(&c->a, X64_MOVSS, XTMP, x64_const_mem(c, (uint32_t)k, 0));
        else
                x64_sse_rm(&c->a, X64_MOVSD, XTMP, x64_const_mem(c, k, 0));
}

/* xmm15 = the sign bit of type t (sign) or every bit but the sign. Built
 * from all-ones with a shift: no constant pool and no general register. */
static void sign_mask(x64_cc *c, wsbx_valtype t, bool sign)
{
        wsbx_x64_sse sh;
        op3(c, X64_PCMPEQD, XTMP, XTMP, XTMP);
        if (is_f32(t))
                sh = sign ? X64_PSLLD_I : X64_PSRLD_I;
        else
                sh = sign ? X64_PSLLQ_I : X64_PSRLQ_I;
        op2(c, sh, XTMP, XTMP, sign ? (is_f32(t) ? 31 : 63) : 1);
}

static void ucomis(x64_cc *c, wsbx_valtype t, unsigned a, unsigned b)
{
        op2(c, is_f32(t) ? X64_UCOMISS : X64_UCOMISD, a, b, 0);
}

/* Picks the single- or double-precision row. */
static wsbx_x64_sse pick(wsbx_valtype t, wsbx_x64_sse s, wsbx_x64_sse d)
{
        return is_f32(t) ? s : d;
}

/* ------------------------------------------------------------------------ */
/* Sign operations                                                          */
/* ------------------------------------------------------------------------ */

enum { SIGN_CLEAR, SIGN_FLIP, SIGN_SET };

/* Clears, flips or sets the sign of popped value v and pushes the result. */
static void sign_op(x64_cc *c, wsbx_valtype t, const x64_val *v, int how)
{
        uint64_t sb = sign_bit(t);
        if (v->kind == X64_V_CONST) {
                uint64_t k = how == SIGN_CLEAR ? v->k & ~sb : how == SIGN_FLIP ? v->k ^ sb : v->k | sb;
                x64_push_const(c, t, k);
                return;
        }
        if (v->kind == X64_V_SLOT) {
                /* The value is the top of the stack, alone in its slot:
                 * patch the byte holding the sign (little-endian: the
                 * last one) and leave it there. */
                static const wsbx_x64_alu alu[] = { X64_AND, X64_XOR, X64_OR };
                static const int32_t imm[] = { 0x7f, 0x80, 0x80 };
                wsbx_x64_mem m = x64_slot(c, v->pos);
                m.disp += is_f32(t) ? 3 : 7;
                x64_alu_mi(&c->a, alu[how], X64_8, m, imm[how]);
                x64_push_slot(c, t);
                return;
        }
        unsigned x = x64_to_xmm(c, v);
        sign_mask(c, t, how != SIGN_CLEAR);
        op3(c, how == SIGN_CLEAR ? X64_ANDPS : how == SIGN_FLIP ? X64_XORPS : X64_ORPS, x, x, XTMP);
        x64_push_reg(c, t, x);
}

static void op_copysign(x64_cc *c, wsbx_valtype t)
{
        x64_val s = x64_vpop(c), m = x64_vpop(c);
        if (s.kind == X64_V_CONST) {
                sign_op(c, t, &m, s.k & sign_bit(t) ? SIGN_SET : SIGN_CLEAR);
                return;
        }
        unsigned a = x64_to_xmm(c, &m);
        unsigned b = x64_to_xmm(c, &s);
        /* b = (b & sign) | (a & ~sign) */
        sign_mask(c, t, true);
        op3(c, X64_ANDPS, b, b, XTMP);
        op3(c, X64_ANDNPS, XTMP, XTMP, a);
        op3(c, X64_ORPS, b, b, XTMP);
        x64_free_xmm(c, a);
        x64_push_reg(c, t, b);
}

/* ------------------------------------------------------------------------ */
/* Arithmetic                                                               */
/* ------------------------------------------------------------------------ */

static void op_unary(x64_cc *c, wsbx_valtype t, wsbx_x64_sse op, uint8_t imm)
{
        x64_val v = x64_vpop(c);
        unsigned x = x64_to_xmm(c, &v);
        op_un(c, op, x, x, imm);
        x64_push_reg(c, t, x);
}

/* roundss/roundsd immediates: the mode, with bit 3 set so that an inexact
 * result raises no precision exception. */
enum { ROUND_NEAREST = 8 | 0, ROUND_FLOOR = 8 | 1, ROUND_CEIL = 8 | 2, ROUND_TRUNC = 8 | 3 };

static void op_binary(x64_cc *c, wsbx_valtype t, wsbx_x64_sse op, bool commutative)
{
        x64_val rhs = x64_vpop(c), lhs = x64_vpop(c);
        if (commutative && (lhs.kind != X64_V_REG || (x64_shared(c, &lhs) && !x64_stealable(c, &lhs))) &&
            rhs.kind == X64_V_REG && (!x64_shared(c, &rhs) || x64_stealable(c, &rhs))) {
                x64_val tmp = lhs;
                lhs = rhs;
                rhs = tmp;
        }
        unsigned d = x64_to_xmm(c, &lhs);
        if (rhs.kind == X64_V_SLOT) {
                /* Scalar forms read only 4 or 8 bytes: a slot is a fine
                 * operand whatever its alignment. */
                op3m(c, op, d, x64_slot(c, rhs.pos));
        } else if (rhs.kind == X64_V_CONST) {
                /* From the constant pool (16-byte aligned). */
                op3m(c, op, d, x64_const_mem(c, t == WSBX_F32 ? (uint32_t)rhs.k : rhs.k, 0));
        } else {
                /* Only read: a shared register serves as it is. */
                unsigned r = rhs.kind == X64_V_REG ? rhs.reg : x64_to_xmm(c, &rhs);
                op3(c, op, d, d, r);
                x64_free_xmm(c, r);
        }
        x64_push_reg(c, t, d);
}

static void op_minmax(x64_cc *c, wsbx_valtype t, bool is_min)
{
        x64_val rhs = x64_vpop(c), lhs = x64_vpop(c);
        unsigned a = x64_to_xmm(c, &lhs);
        unsigned b = x64_to_xmm(c, &rhs);
        wsbx_asm *as = &c->a;
        wsbx_label nan = wsbx_asm_label_new(as);
        wsbx_label equal = wsbx_asm_label_new(as);
        wsbx_label done = wsbx_asm_label_new(as);
        ucomis(c, t, a, b);
        x64_jcc(as, X64_CC_P, nan);
        x64_jcc(as, X64_CC_E, equal);
        op3(c, is_min ? pick(t, X64_MINSS, X64_MINSD) : pick(t, X64_MAXSS, X64_MAXSD), a, a, b);
        x64_jmp(as, done);
        /* Equal and ordered: the same value, or zeros of opposite signs,
         * where min wants -0 (or of the bits) and max +0 (and). */
        wsbx_asm_bind(as, equal);
        op3(c, is_min ? X64_ORPS : X64_ANDPS, a, a, b);
        x64_jmp(as, done);
        wsbx_asm_bind(as, nan);
        op3(c, pick(t, X64_ADDSS, X64_ADDSD), a, a, b);
        wsbx_asm_bind(as, done);
        x64_free_xmm(c, b);
        x64_push_reg(c, t, a);
}

/* ------------------------------------------------------------------------ */
/* Comparisons                                                              */
/* ------------------------------------------------------------------------ */

enum { CMP_EQ, CMP_NE, CMP_LT, CMP_GT, CMP_LE, CMP_GE };

static bool fold_compare(wsbx_valtype t, int kind, uint64_t x, uint64_t y)
{
        double a, b;
        if (is_f32(t)) {
                float fa, fb;
                uint32_t ua = (uint32_t)x, ub = (uint32_t)y;
                memcpy(&fa, &ua, 4);
                memcpy(&fb, &ub, 4);
                a = fa;
                b = fb;
        } else {
                memcpy(&a, &x, 8);
                memcpy(&b, &y, 8);
        }
        switch (kind) {
        case CMP_EQ: return a == b;
        case CMP_NE: return a != b;
        case CMP_LT: return a < b;
        case CMP_GT: return a > b;
        case CMP_LE: return a <= b;
        default: return a >= b;
        }
}

static void op_compare(x64_cc *c, wsbx_valtype t, int kind)
{
        x64_val rhs = x64_vpop(c), lhs = x64_vpop(c);
        if (lhs.kind == X64_V_CONST && rhs.kind == X64_V_CONST) {
                x64_push_const(c, WSBX_I32, fold_compare(t, kind, lhs.k, rhs.k));
                return;
        }
        /* x > y and x >= y are "above" and "above or equal" after
         * ucomis x, y, and false when unordered (CF=1). lt and le are gt
         * and ge with the operands swapped. */
        x64_val *x = &lhs, *y = &rhs;
        if (kind == CMP_LT || kind == CMP_LE ||
            ((kind == CMP_EQ || kind == CMP_NE) && lhs.kind != X64_V_REG && rhs.kind == X64_V_REG)) {
                x = &rhs;
                y = &lhs;
        }
        unsigned rx = x64_to_xmm(c, x);
        if (y->kind == X64_V_SLOT) {
                op2m(c, pick(t, X64_UCOMISS, X64_UCOMISD), rx, x64_slot(c, y->pos));
        } else {
                unsigned ry = x64_to_xmm(c, y);
                ucomis(c, t, rx, ry);
                x64_free_xmm(c, ry);
        }
        x64_free_xmm(c, rx);

        if (kind != CMP_EQ && kind != CMP_NE) {
                wsbx_x64_cc cc = kind == CMP_LT || kind == CMP_GT ? X64_CC_A : X64_CC_AE;
                if (x64_fuse_branch(c, cc))
                        return;
                wsbx_gpr d = x64_alloc_gpr(c);
                x64_setcc_zx(&c->a, cc, d);
                x64_push_reg(c, WSBX_I32, d);
                return;
        }
        /* Unordered sets ZF too: eq needs PF clear as well, ne is true
         * when PF is set. mov keeps the flags for the cmov. */
        wsbx_gpr d = x64_alloc_gpr(c);
        x64_setcc_zx(&c->a, kind == CMP_EQ ? X64_CC_E : X64_CC_NE, d);
        x64_mov_ri(&c->a, X64_32, SCRATCH, kind == CMP_EQ ? 0 : 1);
        x64_cmov_rr(&c->a, X64_CC_P, X64_32, d, SCRATCH);
        x64_push_reg(c, WSBX_I32, d);
}

/* ------------------------------------------------------------------------ */
/* Float -> integer                                                         */
/* ------------------------------------------------------------------------ */

static wsbx_x64_sse cvtt_op(wsbx_valtype from, bool to64)
{
        if (is_f32(from))
                return to64 ? X64_CVTTSS2SI_64 : X64_CVTTSS2SI_32;
        return to64 ? X64_CVTTSD2SI_64 : X64_CVTTSD2SI_32;
}

/* The largest value of `from` that truncates below the minimum of a
 * signed integer of `bits` bits: the first value that overflows. */
static uint64_t trunc_s_low(wsbx_valtype from, unsigned bits)
{
        if (is_f32(from))
                return bits == 32 ? f32_bits(-2147483904.0f) : f32_bits(-9223373136366403584.0f);
        return bits == 32 ? f64_bits(-2147483649.0) : f64_bits(-9223372036854777856.0);
}

/* Signed truncation, trapping or saturating. */
static void trunc_s(x64_cc *c, wsbx_valtype from, wsbx_valtype to, bool sat)
{
        x64_val v = x64_vpop(c);
        unsigned x = x64_to_xmm(c, &v);
        wsbx_gpr d = x64_alloc_gpr(c);
        wsbx_asm *a = &c->a;
        bool to64 = to == WSBX_I64;
        wsbx_x64_size sz = to64 ? X64_64 : X64_32;
        wsbx_label done = wsbx_asm_label_new(a);

        op2(c, cvtt_op(from, to64), d, x, 0);
        /* Only the minimum integer overflows when 1 is subtracted. */
        x64_alu_ri(a, X64_CMP, sz, d, 1);
        x64_jcc(a, X64_CC_NO, done);
        if (!sat) {
                wsbx_label ovf = x64_trap_label(c, WSBX_TRAP_INT_OVERFLOW);
                ucomis(c, from, x, x);
                x64_jcc(a, X64_CC_P, x64_trap_label(c, WSBX_TRAP_BAD_CONVERSION));
                const_to_xtmp(c, from, trunc_s_low(from, to64 ? 64 : 32));
                ucomis(c, from, x, XTMP);
                x64_jcc(a, X64_CC_BE, ovf);
                /* Above the low bound: the minimum is right for negative
                 * values and an overflow for the rest. */
                const_to_xtmp(c, from, 0);
                ucomis(c, from, x, XTMP);
                x64_jcc(a, X64_CC_AE, ovf);
        } else {
                wsbx_label nan = wsbx_asm_label_new(a);
                const_to_xtmp(c, from, 0);
                ucomis(c, from, x, XTMP);
                x64_jcc(a, X64_CC_P, nan);
                x64_jcc(a, X64_CC_B, done);
                x64_mov_ri(a, sz, d, to64 ? (uint64_t)INT64_MAX : (uint64_t)INT32_MAX);
                x64_jmp(a, done);
                wsbx_asm_bind(a, nan);
                x64_alu_rr(a, X64_XOR, X64_32, d, d);
        }
        wsbx_asm_bind(a, done);
        x64_free_xmm(c, x);
        x64_push_reg(c, to, d);
}

/* Unsigned truncation to 32 bits: through a signed 64-bit truncation,
 * which is exact for every value that fits and leaves a result with
 * upper bits set (or the 64-bit minimum) for every value that does not. */
static void trunc_u32(x64_cc *c, wsbx_valtype from, bool sat)
{
        x64_val v = x64_vpop(c);
        unsigned x = x64_to_xmm(c, &v);
        wsbx_gpr d = x64_alloc_gpr(c);
        wsbx_asm *a = &c->a;
        wsbx_label done = wsbx_asm_label_new(a);

        op2(c, cvtt_op(from, true), d, x, 0);
        x64_mov_rr(a, X64_64, SCRATCH, d);
        x64_shift_ri(a, X64_SHR, X64_64, SCRATCH, 32);
        x64_jcc(a, X64_CC_E, done);
        if (!sat) {
                ucomis(c, from, x, x);
                x64_jcc(a, X64_CC_P, x64_trap_label(c, WSBX_TRAP_BAD_CONVERSION));
                x64_jmp(a, x64_trap_label(c, WSBX_TRAP_INT_OVERFLOW));
        } else {
                /* Out of range: the bound for x > 0, else 0 (NaN is
                 * unordered, so not "above"). */
                const_to_xtmp(c, from, 0);
                ucomis(c, from, x, XTMP);
                x64_mov_ri(a, X64_32, d, 0);
                x64_mov_ri(a, X64_32, SCRATCH, UINT32_MAX);
                x64_cmov_rr(a, X64_CC_A, X64_32, d, SCRATCH);
        }
        wsbx_asm_bind(a, done);
        x64_free_xmm(c, x);
        x64_push_reg(c, WSBX_I32, d);
}

/* Unsigned truncation to 64 bits. Values from 2^63 up are brought into
 * the signed range by subtracting 2^63 (exact there) and get the top bit
 * back afterwards. */
static void trunc_u64(x64_cc *c, wsbx_valtype from, bool sat)
{
        x64_val v = x64_vpop(c);
        unsigned x = x64_to_xmm(c, &v);
        wsbx_gpr d = x64_alloc_gpr(c);
        wsbx_asm *a = &c->a;
        wsbx_label big = wsbx_asm_label_new(a);
        wsbx_label done = wsbx_asm_label_new(a);
        wsbx_label ovf = sat ? WSBX_NO_LABEL : x64_trap_label(c, WSBX_TRAP_INT_OVERFLOW);

        const_to_xtmp(c, from, is_f32(from) ? f32_bits(9223372036854775808.0f)
                                            : f64_bits(9223372036854775808.0));
        ucomis(c, from, x, XTMP);
        if (!sat)
                x64_jcc(a, X64_CC_P, x64_trap_label(c, WSBX_TRAP_BAD_CONVERSION));
        /* Unordered sets CF: a NaN stays on the small path. */
        x64_jcc(a, X64_CC_AE, big);
        op2(c, cvtt_op(from, true), d, x, 0);
        if (!sat) {
                x64_test_rr(a, X64_64, d, d);
                x64_jcc(a, X64_CC_S, ovf);
        } else {
                /* Negative, too negative or NaN: all become 0. */
                x64_mov_ri(a, X64_32, SCRATCH, 0);
                x64_test_rr(a, X64_64, d, d);
                x64_cmov_rr(a, X64_CC_S, X64_64, d, SCRATCH);
        }
        x64_jmp(a, done);

        wsbx_asm_bind(a, big);
        op3(c, pick(from, X64_SUBSS, X64_SUBSD), x, x, XTMP);
        op2(c, cvtt_op(from, true), d, x, 0);
        if (!sat) {
                x64_test_rr(a, X64_64, d, d);
                x64_jcc(a, X64_CC_S, ovf);
                x64_mov_ri(a, X64_64, SCRATCH, 1ull << 63);
                x64_alu_rr(a, X64_OR, X64_64, d, SCRATCH);
        } else {
                /* 2^64 and up truncate to the 64-bit minimum: spread its
                 * sign into all ones, the saturated result. */
                x64_mov_rr(a, X64_64, SCRATCH, d);
                x64_shift_ri(a, X64_SAR, X64_64, SCRATCH, 63);
                x64_alu_rr(a, X64_OR, X64_64, d, SCRATCH);
                x64_mov_ri(a, X64_64, SCRATCH, 1ull << 63);
                x64_alu_rr(a, X64_OR, X64_64, d, SCRATCH);
        }
        wsbx_asm_bind(a, done);
        x64_free_xmm(c, x);
        x64_push_reg(c, WSBX_I64, d);
}

static void op_trunc(x64_cc *c, wsbx_valtype from, wsbx_valtype to, bool is_signed, bool sat)
{
        if (is_signed)
                trunc_s(c, from, to, sat);
        else if (to == WSBX_I32)
                trunc_u32(c, from, sat);
        else
                trunc_u64(c, from, sat);
}

/* ------------------------------------------------------------------------ */
/* Integer -> float, float <-> float, reinterpretations                     */
/* ------------------------------------------------------------------------ */

static void op_convert(x64_cc *c, wsbx_valtype from, wsbx_valtype to, bool is_signed)
{
        x64_val v = x64_vpop(c);
        wsbx_gpr r = x64_to_gpr(c, &v);
        unsigned d = x64_alloc_xmm(c);
        wsbx_asm *a = &c->a;
        wsbx_x64_sse cvt32 = pick(to, X64_CVTSI2SS_32, X64_CVTSI2SD_32);
        wsbx_x64_sse cvt64 = pick(to, X64_CVTSI2SS_64, X64_CVTSI2SD_64);

        op3(c, X64_XORPS, d, d, d);
        if (from == WSBX_I32) {
                /* An i32 in a register is zero-extended: as a signed
                 * 64-bit value it is the unsigned 32-bit one. */
                cvt_from_gpr(c, is_signed ? cvt32 : cvt64, d, r);
        } else if (is_signed) {
                cvt_from_gpr(c, cvt64, d, r);
        } else {
                wsbx_label big = wsbx_asm_label_new(a);
                wsbx_label done = wsbx_asm_label_new(a);
                x64_test_rr(a, X64_64, r, r);
                x64_jcc(a, X64_CC_S, big);
                cvt_from_gpr(c, cvt64, d, r);
                x64_jmp(a, done);
                /* Top bit set: convert (r >> 1) | (r & 1) and double it.
                 * Keeping the shifted-out bit as a sticky bit makes the
                 * one rounding of the conversion the right one. */
                wsbx_asm_bind(a, big);
                x64_mov_rr(a, X64_64, SCRATCH, r);
                x64_shift_ri(a, X64_SHR, X64_64, SCRATCH, 1);
                x64_alu_ri(a, X64_AND, X64_32, r, 1);
                x64_alu_rr(a, X64_OR, X64_64, SCRATCH, r);
                cvt_from_gpr(c, cvt64, d, SCRATCH);
                op3(c, pick(to, X64_ADDSS, X64_ADDSD), d, d, d);
                wsbx_asm_bind(a, done);
        }
        x64_free_gpr(c, r);
        x64_push_reg(c, to, d);
}

/* Float to float: in place. cvtsd2ss/cvtss2sd quiet a signalling NaN and
 * keep its payload, an arithmetic NaN as the spec allows. */
static void op_float_convert(x64_cc *c, wsbx_valtype to, wsbx_x64_sse op)
{
        x64_val v = x64_vpop(c);
        unsigned x = x64_to_xmm(c, &v);
        op_un(c, op, x, x, 0);
        x64_push_reg(c, to, x);
}

/* Same bits, other register file. A value in its slot or a constant only
 * changes its type. */
static void op_reinterpret(x64_cc *c, wsbx_valtype to)
{
        x64_val v = x64_vpop(c);
        if (v.kind == X64_V_CONST) {
                x64_push_const(c, to, v.k);
                return;
        }
        if (v.kind == X64_V_SLOT) {
                x64_push_slot(c, to);
                return;
        }
        bool wide = to == WSBX_I64 || to == WSBX_F64;
        if (x64_is_float_type(to)) {
                unsigned d = x64_alloc_xmm(c);
                op2(c, wide ? X64_MOVQ_XG : X64_MOVD_XG, d, v.reg, 0);
                x64_free_gpr(c, (wsbx_gpr)v.reg);
                x64_push_reg(c, to, d);
        } else {
                wsbx_gpr d = x64_alloc_gpr(c);
                op2(c, wide ? X64_MOVQ_GX : X64_MOVD_GX, d, v.reg, 0);
                x64_free_xmm(c, v.reg);
                x64_push_reg(c, to, d);
        }
}

/* ------------------------------------------------------------------------ */
/* Dispatch                                                                 */
/* ------------------------------------------------------------------------ */

wsbx_errkind x64_float_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm)
{
        (void)imm;
        const wsbx_valtype F = WSBX_F32, D = WSBX_F64, I = WSBX_I32, L = WSBX_I64;
        switch (op) {
        case WSBX_OP_f32_eq: op_compare(c, F, CMP_EQ); break;
        case WSBX_OP_f32_ne: op_compare(c, F, CMP_NE); break;
        case WSBX_OP_f32_lt: op_compare(c, F, CMP_LT); break;
        case WSBX_OP_f32_gt: op_compare(c, F, CMP_GT); break;
        case WSBX_OP_f32_le: op_compare(c, F, CMP_LE); break;
        case WSBX_OP_f32_ge: op_compare(c, F, CMP_GE); break;
        case WSBX_OP_f64_eq: op_compare(c, D, CMP_EQ); break;
        case WSBX_OP_f64_ne: op_compare(c, D, CMP_NE); break;
        case WSBX_OP_f64_lt: op_compare(c, D, CMP_LT); break;
        case WSBX_OP_f64_gt: op_compare(c, D, CMP_GT); break;
        case WSBX_OP_f64_le: op_compare(c, D, CMP_LE); break;
        case WSBX_OP_f64_ge: op_compare(c, D, CMP_GE); break;

        case WSBX_OP_f32_abs:
        case WSBX_OP_f64_abs:
        case WSBX_OP_f32_neg:
        case WSBX_OP_f64_neg: {
                x64_val v = x64_vpop(c);
                bool neg = op == WSBX_OP_f32_neg || op == WSBX_OP_f64_neg;
                sign_op(c, v.type, &v, neg ? SIGN_FLIP : SIGN_CLEAR);
                break;
        }
        case WSBX_OP_f32_copysign: op_copysign(c, F); break;
        case WSBX_OP_f64_copysign: op_copysign(c, D); break;

        case WSBX_OP_f32_ceil: op_unary(c, F, X64_ROUNDSS, ROUND_CEIL); break;
        case WSBX_OP_f32_floor: op_unary(c, F, X64_ROUNDSS, ROUND_FLOOR); break;
        case WSBX_OP_f32_trunc: op_unary(c, F, X64_ROUNDSS, ROUND_TRUNC); break;
        case WSBX_OP_f32_nearest: op_unary(c, F, X64_ROUNDSS, ROUND_NEAREST); break;
        case WSBX_OP_f32_sqrt: op_unary(c, F, X64_SQRTSS, 0); break;
        case WSBX_OP_f64_ceil: op_unary(c, D, X64_ROUNDSD, ROUND_CEIL); break;
        case WSBX_OP_f64_floor: op_unary(c, D, X64_ROUNDSD, ROUND_FLOOR); break;
        case WSBX_OP_f64_trunc: op_unary(c, D, X64_ROUNDSD, ROUND_TRUNC); break;
        case WSBX_OP_f64_nearest: op_unary(c, D, X64_ROUNDSD, ROUND_NEAREST); break;
        case WSBX_OP_f64_sqrt: op_unary(c, D, X64_SQRTSD, 0); break;

        case WSBX_OP_f32_add: op_binary(c, F, X64_ADDSS, true); break;
        case WSBX_OP_f32_sub: op_binary(c, F, X64_SUBSS, false); break;
        case WSBX_OP_f32_mul: op_binary(c, F, X64_MULSS, true); break;
        case WSBX_OP_f32_div: op_binary(c, F, X64_DIVSS, false); break;
        case WSBX_OP_f64_add: op_binary(c, D, X64_ADDSD, true); break;
        case WSBX_OP_f64_sub: op_binary(c, D, X64_SUBSD, false); break;
        case WSBX_OP_f64_mul: op_binary(c, D, X64_MULSD, true); break;
        case WSBX_OP_f64_div: op_binary(c, D, X64_DIVSD, false); break;
        case WSBX_OP_f32_min: op_minmax(c, F, true); break;
        case WSBX_OP_f32_max: op_minmax(c, F, false); break;
        case WSBX_OP_f64_min: op_minmax(c, D, true); break;
        case WSBX_OP_f64_max: op_minmax(c, D, false); break;

        case WSBX_OP_i32_trunc_f32_s: op_trunc(c, F, I, true, false); break;
        case WSBX_OP_i32_trunc_f32_u: op_trunc(c, F, I, false, false); break;
        case WSBX_OP_i32_trunc_f64_s: op_trunc(c, D, I, true, false); break;
        case WSBX_OP_i32_trunc_f64_u: op_trunc(c, D, I, false, false); break;
        case WSBX_OP_i64_trunc_f32_s: op_trunc(c, F, L, true, false); break;
        case WSBX_OP_i64_trunc_f32_u: op_trunc(c, F, L, false, false); break;
        case WSBX_OP_i64_trunc_f64_s: op_trunc(c, D, L, true, false); break;
        case WSBX_OP_i64_trunc_f64_u: op_trunc(c, D, L, false, false); break;
        case WSBX_OP_i32_trunc_sat_f32_s: op_trunc(c, F, I, true, true); break;
        case WSBX_OP_i32_trunc_sat_f32_u: op_trunc(c, F, I, false, true); break;
        case WSBX_OP_i32_trunc_sat_f64_s: op_trunc(c, D, I, true, true); break;
        case WSBX_OP_i32_trunc_sat_f64_u: op_trunc(c, D, I, false, true); break;
        case WSBX_OP_i64_trunc_sat_f32_s: op_trunc(c, F, L, true, true); break;
        case WSBX_OP_i64_trunc_sat_f32_u: op_trunc(c, F, L, false, true); break;
        case WSBX_OP_i64_trunc_sat_f64_s: op_trunc(c, D, L, true, true); break;
        case WSBX_OP_i64_trunc_sat_f64_u: op_trunc(c, D, L, false, true); break;

        case WSBX_OP_f32_convert_i32_s: op_convert(c, I, F, true); break;
        case WSBX_OP_f32_convert_i32_u: op_convert(c, I, F, false); break;
        case WSBX_OP_f32_convert_i64_s: op_convert(c, L, F, true); break;
        case WSBX_OP_f32_convert_i64_u: op_convert(c, L, F, false); break;
        case WSBX_OP_f64_convert_i32_s: op_convert(c, I, D, true); break;
        case WSBX_OP_f64_convert_i32_u: op_convert(c, I, D, false); break;
        case WSBX_OP_f64_convert_i64_s: op_convert(c, L, D, true); break;
        case WSBX_OP_f64_convert_i64_u: op_convert(c, L, D, false); break;
        case WSBX_OP_f32_demote_f64: op_float_convert(c, F, X64_CVTSD2SS); break;
        case WSBX_OP_f64_promote_f32: op_float_convert(c, D, X64_CVTSS2SD); break;

        case WSBX_OP_i32_reinterpret_f32: op_reinterpret(c, I); break;
        case WSBX_OP_i64_reinterpret_f64: op_reinterpret(c, L); break;
        case WSBX_OP_f32_reinterpret_i32: op_reinterpret(c, F); break;
        case WSBX_OP_f64_reinterpret_i64: op_reinterpret(c, D); break;
        default:
                return x64_unsupported(c, op);
        }
        return c->fail;
}
