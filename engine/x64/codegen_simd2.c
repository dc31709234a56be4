/* codegen_simd2.c - the 0xFD (SIMD) instructions, part two: the ones x86
 * has no single instruction for. Integer shifts, negation, i64x2 abs and
 * mul, popcnt, pairwise and extending arithmetic, q15mulr, float min/max
 * and sign operations, and the conversions that saturate or are unsigned.
 *
 * Each handler owns its popped operands (the result reuses one of their
 * registers) and may clobber xmm15 and r11; a few allocate one more xmm.
 * The sequences follow what V8 and Cranelift emit for the same
 * instructions, where the subtle cases (NaN, -0, saturation) were worked
 * out against the spec tests; each says why it is right where that is not
 * obvious.
 *
 * Shift counts are taken modulo the lane width, as Wasm says; x86 shifts
 * by a count of a lane width or more give 0 (or all sign bits), so the
 * count is masked first. x86 has no 8-bit shifts and no 64-bit arithmetic
 * shift: they are built from 16-bit shifts and masks, and from a logical
 * shift plus a sign fix-up.
 */
#include "x64/target.h"

#define SCRATCH X64_R11
#define XSCRATCH 15

static unsigned pop_x(x64_cc *c)
{
        return x64_vpop_xmm(c);
}

static void push_x(x64_cc *c, unsigned r)
{
        x64_push_reg(c, WSBX_V128, r);
}

static void vconst_splat(x64_cc *c, unsigned d, uint64_t k, unsigned width)
{
        uint64_t v = x64_splat64(k, width);
        x64_vconst(c, d, v, v);
}

/* d = a op (k in every lane of `width` bytes), the constant read from the
 * pool as the operation's memory operand. */
static void vop_splat(x64_cc *c, wsbx_x64_sse op, unsigned d, unsigned a, uint64_t k, unsigned width)
{
        uint64_t v = x64_splat64(k, width);
        x64_v3k(c, op, d, a, v, v);
}

/* ------------------------------------------------------------------------ */
/* Shifts                                                                   */
/* ------------------------------------------------------------------------ */

enum { SH_L, SH_RS, SH_RU };

/* The byte lanes' arithmetic shift: each byte is doubled into a word
 * (punpck a, a puts it in both halves), shifted by n + 8 so the word's
 * sign is the byte's, and packed back; the values fit, so the saturating
 * pack is exact. `n8` is an xmm holding n + 8 or NULL for a constant. */
static void shr_s_bytes(x64_cc *c, unsigned a, int k8, unsigned n8)
{
        unsigned t = x64_alloc_xmm(c);
        x64_v3(c, X64_PUNPCKHBW, t, a, a, 0);
        x64_v3(c, X64_PUNPCKLBW, a, a, a, 0);
        if (k8 >= 0) {
                x64_vshift(c, X64_PSRAW_I, t, t, (uint8_t)k8);
                x64_vshift(c, X64_PSRAW_I, a, a, (uint8_t)k8);
        } else {
                x64_v3(c, X64_PSRAW, t, t, n8, 0);
                x64_v3(c, X64_PSRAW, a, a, n8, 0);
        }
        x64_v3(c, X64_PACKSSWB, a, a, t, 0);
        x64_free_xmm(c, t);
}

static void shift_const(x64_cc *c, unsigned width, unsigned kind, unsigned a, unsigned k)
{
        static const wsbx_x64_sse shl[] = { X64_PSLLW_I, X64_PSLLW_I, 0, X64_PSLLD_I, 0, 0, 0, X64_PSLLQ_I };
        static const wsbx_x64_sse shr[] = { X64_PSRLW_I, X64_PSRLW_I, 0, X64_PSRLD_I, 0, 0, 0, X64_PSRLQ_I };
        static const wsbx_x64_sse sar[] = { 0, X64_PSRAW_I, 0, X64_PSRAD_I };
        if (k == 0)
                return;
        if (width == 1 && kind == SH_RS) {
                shr_s_bytes(c, a, (int)k + 8, 0);
                return;
        }
        if (width == 8 && kind == SH_RS) {
                /* (x >>> k ^ m) - m with m = the sign bit's new place
                 * extends the sign over the bits shifted in. */
                vconst_splat(c, XSCRATCH, 0x8000000000000000ull >> k, 8);
                x64_vshift(c, X64_PSRLQ_I, a, a, (uint8_t)k);
                x64_v3(c, X64_PXOR, a, a, XSCRATCH, 0);
                x64_v3(c, X64_PSUBQ, a, a, XSCRATCH, 0);
                return;
        }
        wsbx_x64_sse op = kind == SH_L ? shl[width - 1] : kind == SH_RU ? shr[width - 1] : sar[width - 1];
        x64_vshift(c, op, a, a, (uint8_t)k);
        if (width == 1) {
                /* The 16-bit shift moved bits across the byte boundary:
                 * keep each byte's own. */
                uint64_t m = kind == SH_L ? (0xffu << k) & 0xff : 0xffu >> k;
                vop_splat(c, X64_PAND, a, a, m, 1);
        }
}

/* The count is in r, already masked to the lane width. */
static void shift_var(x64_cc *c, unsigned width, unsigned kind, unsigned a, wsbx_gpr r)
{
        static const wsbx_x64_sse shl[] = { X64_PSLLW, X64_PSLLW, 0, X64_PSLLD, 0, 0, 0, X64_PSLLQ };
        static const wsbx_x64_sse shr[] = { X64_PSRLW, X64_PSRLW, 0, X64_PSRLD, 0, 0, 0, X64_PSRLQ };
        static const wsbx_x64_sse sar[] = { 0, X64_PSRAW, 0, X64_PSRAD };
        if (width == 1) {
                x64_lea(&c->a, X64_32, SCRATCH, x64_mem(r, 8));
                x64_v2(c, X64_MOVD_XG, XSCRATCH, SCRATCH, 0);
                if (kind == SH_RS) {
                        shr_s_bytes(c, a, -1, XSCRATCH);
                        return;
                }
                /* Both directions keep the bits of 0xff >> n in each byte:
                 * for shl before the shift (so nothing crosses into the
                 * next byte), for shr after it. 0xffff >> (n + 8) in each
                 * word packs to 0xff >> n in each byte. */
                unsigned m = x64_alloc_xmm(c);
                x64_v3(c, X64_PCMPEQD, m, m, m, 0);
                x64_v3(c, X64_PSRLW, m, m, XSCRATCH, 0);
                x64_v3(c, X64_PACKUSWB, m, m, m, 0);
                x64_v2(c, X64_MOVD_XG, XSCRATCH, r, 0);
                if (kind == SH_L) {
                        x64_v3(c, X64_PAND, a, a, m, 0);
                        x64_v3(c, X64_PSLLW, a, a, XSCRATCH, 0);
                } else {
                        x64_v3(c, X64_PSRLW, a, a, XSCRATCH, 0);
                        x64_v3(c, X64_PAND, a, a, m, 0);
                }
                x64_free_xmm(c, m);
                return;
        }
        x64_v2(c, X64_MOVD_XG, XSCRATCH, r, 0);
        if (width == 8 && kind == SH_RS) {
                unsigned m = x64_alloc_xmm(c);
                vconst_splat(c, m, 0x8000000000000000ull, 8);
                x64_v3(c, X64_PSRLQ, m, m, XSCRATCH, 0);
                x64_v3(c, X64_PSRLQ, a, a, XSCRATCH, 0);
                x64_v3(c, X64_PXOR, a, a, m, 0);
                x64_v3(c, X64_PSUBQ, a, a, m, 0);
                x64_free_xmm(c, m);
                return;
        }
        wsbx_x64_sse op = kind == SH_L ? shl[width - 1] : kind == SH_RU ? shr[width - 1] : sar[width - 1];
        x64_v3(c, op, a, a, XSCRATCH, 0);
}

static void op_shift(x64_cc *c, unsigned width, unsigned kind)
{
        x64_val n = x64_vpop(c);
        unsigned a = pop_x(c);
        unsigned mask = width * 8 - 1;
        if (n.kind == X64_V_CONST) {
                shift_const(c, width, kind, a, (unsigned)(n.k & mask));
        } else {
                wsbx_gpr r = x64_to_gpr(c, &n);
                x64_alu_ri(&c->a, X64_AND, X64_32, r, (int32_t)mask);
                shift_var(c, width, kind, a, r);
                x64_free_gpr(c, r);
        }
        push_x(c, a);
}

/* ------------------------------------------------------------------------ */
/* Integer arithmetic                                                       */
/* ------------------------------------------------------------------------ */

static void op_neg(x64_cc *c, wsbx_x64_sse sub)
{
        unsigned a = pop_x(c);
        unsigned d = x64_alloc_xmm(c);
        x64_v3(c, X64_PXOR, d, d, d, 0);
        x64_v3(c, sub, d, d, a, 0);
        x64_free_xmm(c, a);
        push_x(c, d);
}

/* (x ^ s) - s with s the lane's sign spread over it. */
static void op_i64_abs(x64_cc *c)
{
        unsigned a = pop_x(c);
        x64_v2(c, X64_PSHUFD, XSCRATCH, a, 0xf5);
        x64_vshift(c, X64_PSRAD_I, XSCRATCH, XSCRATCH, 31);
        x64_v3(c, X64_PXOR, a, a, XSCRATCH, 0);
        x64_v3(c, X64_PSUBQ, a, a, XSCRATCH, 0);
        push_x(c, a);
}

/* a * b mod 2^64 from 32x32->64 products: lo*lo + (hi*lo + lo*hi) << 32. */
static void op_i64_mul(x64_cc *c)
{
        unsigned b = pop_x(c), a = pop_x(c);
        unsigned t = x64_alloc_xmm(c);
        x64_vshift(c, X64_PSRLQ_I, t, a, 32);
        x64_v3(c, X64_PMULUDQ, t, t, b, 0);
        x64_vshift(c, X64_PSRLQ_I, XSCRATCH, b, 32);
        x64_v3(c, X64_PMULUDQ, XSCRATCH, XSCRATCH, a, 0);
        x64_v3(c, X64_PADDQ, t, t, XSCRATCH, 0);
        x64_vshift(c, X64_PSLLQ_I, t, t, 32);
        x64_v3(c, X64_PMULUDQ, a, a, b, 0);
        x64_v3(c, X64_PADDQ, a, a, t, 0);
        x64_free_xmm(c, t);
        x64_free_xmm(c, b);
        push_x(c, a);
}

/* Each nibble's count from a 16-entry table (pshufb), high and low
 * nibbles added. */
static void op_popcnt(x64_cc *c)
{
        const uint64_t lut_lo = 0x0302020102010100ull, lut_hi = 0x0403030203020201ull;
        unsigned a = pop_x(c);
        unsigned t = x64_alloc_xmm(c), l = x64_alloc_xmm(c);
        vconst_splat(c, XSCRATCH, 0x0f, 1);
        x64_vshift(c, X64_PSRLW_I, t, a, 4);
        x64_v3(c, X64_PAND, t, t, XSCRATCH, 0);
        x64_v3(c, X64_PAND, a, a, XSCRATCH, 0);
        x64_vconst(c, l, lut_lo, lut_hi);
        x64_v3(c, X64_PSHUFB, XSCRATCH, l, t, 0);
        x64_v3(c, X64_PSHUFB, l, l, a, 0);
        x64_v3(c, X64_PADDB, l, l, XSCRATCH, 0);
        x64_free_xmm(c, a);
        x64_free_xmm(c, t);
        push_x(c, l);
}

static void op_extadd(x64_cc *c, wsbx_opcode op)
{
        unsigned a = pop_x(c);
        switch (op) {
        case WSBX_OP_i16x8_extadd_pairwise_i8x16_s:
                /* pmaddubsw multiplies unsigned bytes of its first operand
                 * by signed bytes of its second: 1 * a. */
                vconst_splat(c, XSCRATCH, 1, 1);
                x64_v3(c, X64_PMADDUBSW, XSCRATCH, XSCRATCH, a, 0);
                x64_vmov(c, a, XSCRATCH);
                break;
        case WSBX_OP_i16x8_extadd_pairwise_i8x16_u:
                vop_splat(c, X64_PMADDUBSW, a, a, 1, 1);
                break;
        case WSBX_OP_i32x4_extadd_pairwise_i16x8_s:
                vop_splat(c, X64_PMADDWD, a, a, 1, 2);
                break;
        default:
                /* pmaddwd is signed: bias each lane by -0x8000, add the
                 * pairs, then add the 2 * 0x8000 back. */
                vop_splat(c, X64_PXOR, a, a, 0x8000, 2);
                vop_splat(c, X64_PMADDWD, a, a, 1, 2);
                vop_splat(c, X64_PADDD, a, a, 0x10000, 4);
                break;
        }
        push_x(c, a);
}

/* pmulhrsw rounds exactly as q15mulr does, except that -1 * -1 (0x8000
 * squared) gives 0x8000 where the saturated answer is 0x7fff: flip those
 * lanes. */
static void op_q15mulr(x64_cc *c)
{
        unsigned b = pop_x(c), a = pop_x(c);
        x64_v3(c, X64_PMULHRSW, a, a, b, 0);
        vconst_splat(c, XSCRATCH, 0x8000, 2);
        x64_v3(c, X64_PCMPEQW, XSCRATCH, XSCRATCH, a, 0);
        x64_v3(c, X64_PXOR, a, a, XSCRATCH, 0);
        x64_free_xmm(c, b);
        push_x(c, a);
}

/* The high half moves down (pshufd), then extends as the low half does. */
static void op_extend_high(x64_cc *c, wsbx_x64_sse ext)
{
        unsigned a = pop_x(c);
        x64_v2(c, X64_PSHUFD, XSCRATCH, a, 0xee);
        x64_v2(c, ext, a, XSCRATCH, 0);
        push_x(c, a);
}

static void op_extmul(x64_cc *c, wsbx_opcode op)
{
        unsigned b = pop_x(c), a = pop_x(c);
        unsigned d = a;
        bool high, sign;
        switch (op) {
        case WSBX_OP_i16x8_extmul_low_i8x16_s:
        case WSBX_OP_i16x8_extmul_high_i8x16_s:
        case WSBX_OP_i16x8_extmul_low_i8x16_u:
        case WSBX_OP_i16x8_extmul_high_i8x16_u: {
                high = op == WSBX_OP_i16x8_extmul_high_i8x16_s || op == WSBX_OP_i16x8_extmul_high_i8x16_u;
                sign = op == WSBX_OP_i16x8_extmul_low_i8x16_s || op == WSBX_OP_i16x8_extmul_high_i8x16_s;
                wsbx_x64_sse ext = sign ? X64_PMOVSXBW : X64_PMOVZXBW;
                if (high) {
                        x64_v2(c, X64_PSHUFD, a, a, 0xee);
                        x64_v2(c, X64_PSHUFD, b, b, 0xee);
                }
                x64_v2(c, ext, a, a, 0);
                x64_v2(c, ext, b, b, 0);
                x64_v3(c, X64_PMULLW, a, a, b, 0);
                break;
        }
        case WSBX_OP_i32x4_extmul_low_i16x8_s:
        case WSBX_OP_i32x4_extmul_high_i16x8_s:
        case WSBX_OP_i32x4_extmul_low_i16x8_u:
        case WSBX_OP_i32x4_extmul_high_i16x8_u:
                /* The low and high halves of the 16x16 products,
                 * interleaved, are the 32-bit products. */
                high = op == WSBX_OP_i32x4_extmul_high_i16x8_s || op == WSBX_OP_i32x4_extmul_high_i16x8_u;
                sign = op == WSBX_OP_i32x4_extmul_low_i16x8_s || op == WSBX_OP_i32x4_extmul_high_i16x8_s;
                x64_v3(c, X64_PMULLW, XSCRATCH, a, b, 0);
                x64_v3(c, sign ? X64_PMULHW : X64_PMULHUW, a, a, b, 0);
                x64_v3(c, high ? X64_PUNPCKHWD : X64_PUNPCKLWD, b, XSCRATCH, a, 0);
                d = b;
                break;
        default:
                /* pmuldq/pmuludq multiply dwords 0 and 2. */
                high = op == WSBX_OP_i64x2_extmul_high_i32x4_s || op == WSBX_OP_i64x2_extmul_high_i32x4_u;
                sign = op == WSBX_OP_i64x2_extmul_low_i32x4_s || op == WSBX_OP_i64x2_extmul_high_i32x4_s;
                x64_v2(c, X64_PSHUFD, a, a, high ? 0xfa : 0x50);
                x64_v2(c, X64_PSHUFD, b, b, high ? 0xfa : 0x50);
                x64_v3(c, sign ? X64_PMULDQ : X64_PMULUDQ, a, a, b, 0);
                break;
        }
        x64_free_xmm(c, d == a ? b : a);
        push_x(c, d);
}

/* ------------------------------------------------------------------------ */
/* Floats                                                                   */
/* ------------------------------------------------------------------------ */

/* abs clears the sign bits, neg flips them; the mask is made from all-ones
 * by a shift. */
static void op_fsign(x64_cc *c, bool f64, bool neg)
{
        unsigned a = pop_x(c);
        x64_v3(c, X64_PCMPEQD, XSCRATCH, XSCRATCH, XSCRATCH, 0);
        if (neg) {
                x64_vshift(c, f64 ? X64_PSLLQ_I : X64_PSLLD_I, XSCRATCH, XSCRATCH, f64 ? 63 : 31);
                x64_v3(c, f64 ? X64_XORPD : X64_XORPS, a, a, XSCRATCH, 0);
        } else {
                x64_vshift(c, f64 ? X64_PSRLQ_I : X64_PSRLD_I, XSCRATCH, XSCRATCH, 1);
                x64_v3(c, f64 ? X64_ANDPD : X64_ANDPS, a, a, XSCRATCH, 0);
        }
        push_x(c, a);
}

/* minps/maxps return their second operand when either is NaN or both are
 * zeros, so neither order alone is Wasm's min/max. Both orders are
 * computed and merged: for min, or-ing them gives -0 for (+0, -0) and a
 * NaN when either was one; for max, the xor of the two finds where they
 * differ and or + sub turns (+0, -0) into +0. NaN lanes are then made the
 * canonical NaN: all ones, minus the payload bits (shift by 10 for f32,
 * 13 for f64: sign, exponent and the quiet bit stay). */
static void op_fminmax(x64_cc *c, bool f64, bool max)
{
        wsbx_x64_sse mm = f64 ? (max ? X64_MAXPD : X64_MINPD) : (max ? X64_MAXPS : X64_MINPS);
        wsbx_x64_sse orp = f64 ? X64_ORPD : X64_ORPS, cmp = f64 ? X64_CMPPD : X64_CMPPS;
        wsbx_x64_sse srl = f64 ? X64_PSRLQ_I : X64_PSRLD_I, andn = f64 ? X64_ANDNPD : X64_ANDNPS;
        uint8_t shift = f64 ? 13 : 10;
        unsigned b = pop_x(c), a = pop_x(c);
        x64_v3(c, mm, XSCRATCH, b, a, 0);
        x64_v3(c, mm, a, a, b, 0);
        if (max) {
                x64_v3(c, f64 ? X64_XORPD : X64_XORPS, a, a, XSCRATCH, 0);
                x64_v3(c, orp, XSCRATCH, XSCRATCH, a, 0);
                x64_v3(c, f64 ? X64_SUBPD : X64_SUBPS, XSCRATCH, XSCRATCH, a, 0);
                x64_v3(c, cmp, a, a, XSCRATCH, 3);
        } else {
                x64_v3(c, orp, XSCRATCH, XSCRATCH, a, 0);
                x64_v3(c, cmp, a, a, XSCRATCH, 3);
                x64_v3(c, orp, XSCRATCH, XSCRATCH, a, 0);
        }
        x64_vshift(c, srl, a, a, shift);
        x64_v3(c, andn, a, a, XSCRATCH, 0);
        x64_free_xmm(c, b);
        push_x(c, a);
}

/* pmin is b < a ? b : a, which is exactly minps(b, a); pmax likewise. */
static void op_pminmax(x64_cc *c, wsbx_x64_sse op)
{
        unsigned b = pop_x(c), a = pop_x(c);
        x64_v3(c, op, b, b, a, 0);
        x64_free_xmm(c, a);
        push_x(c, b);
}

/* ------------------------------------------------------------------------ */
/* Conversions                                                              */
/* ------------------------------------------------------------------------ */

/* The low 16 bits of each lane convert exactly; the high part, halved so
 * it is a positive i32, converts exactly too (at most 16 significant
 * bits) and is doubled; one rounding happens in the final add. */
static void op_convert_u32(x64_cc *c)
{
        unsigned a = pop_x(c);
        x64_v3(c, X64_PXOR, XSCRATCH, XSCRATCH, XSCRATCH, 0);
        x64_v3(c, X64_PBLENDW, XSCRATCH, XSCRATCH, a, 0x55);
        x64_v3(c, X64_PSUBD, a, a, XSCRATCH, 0);
        x64_v2(c, X64_CVTDQ2PS, XSCRATCH, XSCRATCH, 0);
        x64_vshift(c, X64_PSRLD_I, a, a, 1);
        x64_v2(c, X64_CVTDQ2PS, a, a, 0);
        x64_v3(c, X64_ADDPS, a, a, a, 0);
        x64_v3(c, X64_ADDPS, a, a, XSCRATCH, 0);
        push_x(c, a);
}

/* cvttps2dq gives 0x80000000 for NaN and out-of-range lanes. NaN lanes
 * are zeroed first; a lane whose input was positive and whose result has
 * the sign bit set overflowed upward and becomes 0x7fffffff. */
static void op_trunc_sat_s32(x64_cc *c)
{
        unsigned a = pop_x(c);
        x64_v3(c, X64_CMPPS, XSCRATCH, a, a, 0);
        x64_v3(c, X64_PAND, a, a, XSCRATCH, 0);
        x64_v3(c, X64_PXOR, XSCRATCH, XSCRATCH, a, 0);
        x64_v2(c, X64_CVTTPS2DQ, a, a, 0);
        x64_v3(c, X64_PAND, XSCRATCH, XSCRATCH, a, 0);
        x64_vshift(c, X64_PSRAD_I, XSCRATCH, XSCRATCH, 31);
        x64_v3(c, X64_PXOR, a, a, XSCRATCH, 0);
        push_x(c, a);
}

/* Clamp below at 0 (maxps also turns NaN into 0), convert x and x - 2^31
 * signed, and add: below 2^31 the second is negative and clamped to 0; at
 * 2^31 and above the first is 0x80000000; at 2^32 and above the second
 * is forced to 0x7fffffff, so the sum saturates at 0xffffffff. */
static void op_trunc_sat_u32(x64_cc *c)
{
        unsigned a = pop_x(c);
        unsigned t = x64_alloc_xmm(c);
        x64_v3(c, X64_XORPS, XSCRATCH, XSCRATCH, XSCRATCH, 0);
        x64_v3(c, X64_MAXPS, a, a, XSCRATCH, 0);
        x64_v3(c, X64_PCMPEQD, XSCRATCH, XSCRATCH, XSCRATCH, 0);
        x64_vshift(c, X64_PSRLD_I, XSCRATCH, XSCRATCH, 1);
        x64_v2(c, X64_CVTDQ2PS, XSCRATCH, XSCRATCH, 0);
        x64_v3(c, X64_SUBPS, t, a, XSCRATCH, 0);
        x64_v3(c, X64_CMPPS, XSCRATCH, XSCRATCH, t, 2);
        x64_v2(c, X64_CVTTPS2DQ, t, t, 0);
        x64_v3(c, X64_PXOR, t, t, XSCRATCH, 0);
        x64_v3(c, X64_PXOR, XSCRATCH, XSCRATCH, XSCRATCH, 0);
        x64_v3(c, X64_PMAXSD, t, t, XSCRATCH, 0);
        x64_v2(c, X64_CVTTPS2DQ, a, a, 0);
        x64_v3(c, X64_PADDD, a, a, t, 0);
        x64_free_xmm(c, t);
        push_x(c, a);
}

/* NaN lanes become 0 (minpd returns its second operand, the NaN mask
 * and-ed with INT32_MAX, for them); others are clamped above at
 * INT32_MAX; cvttpd2dq gives INT32_MIN below and zeroes the upper lanes. */
static void op_trunc_sat_s64(x64_cc *c)
{
        unsigned a = pop_x(c);
        unsigned t = x64_alloc_xmm(c);
        x64_v3(c, X64_CMPPD, XSCRATCH, a, a, 0);
        x64_vconst(c, t, 0x41dfffffffc00000ull, 0x41dfffffffc00000ull); /* 2147483647.0 */
        x64_v3(c, X64_ANDPD, XSCRATCH, XSCRATCH, t, 0);
        x64_v3(c, X64_MINPD, a, a, XSCRATCH, 0);
        x64_v2(c, X64_CVTTPD2DQ, a, a, 0);
        x64_free_xmm(c, t);
        push_x(c, a);
}

/* Clamp to [0, UINT32_MAX] (NaN to 0), truncate, then add 2^52: the
 * integer is then the low dword of each double, and shufps gathers them
 * over zeroed upper lanes. */
static void op_trunc_sat_u64(x64_cc *c)
{
        unsigned a = pop_x(c);
        x64_v3(c, X64_XORPD, XSCRATCH, XSCRATCH, XSCRATCH, 0);
        x64_v3(c, X64_MAXPD, a, a, XSCRATCH, 0);
        x64_vconst(c, XSCRATCH, 0x41efffffffe00000ull, 0x41efffffffe00000ull); /* 4294967295.0 */
        x64_v3(c, X64_MINPD, a, a, XSCRATCH, 0);
        x64_v2(c, X64_ROUNDPD, a, a, 3);
        x64_vconst(c, XSCRATCH, 0x4330000000000000ull, 0x4330000000000000ull); /* 2^52 */
        x64_v3(c, X64_ADDPD, a, a, XSCRATCH, 0);
        x64_v3(c, X64_XORPS, XSCRATCH, XSCRATCH, XSCRATCH, 0);
        x64_v3(c, X64_SHUFPS, a, a, XSCRATCH, 0x88);
        push_x(c, a);
}

/* Each u32 becomes the low half of a double whose high half is
 * 0x43300000: that double is 2^52 + x exactly; subtract 2^52. */
static void op_convert_low_u32(x64_cc *c)
{
        unsigned a = pop_x(c);
        x64_vconst(c, XSCRATCH, 0x4330000043300000ull, 0x4330000043300000ull);
        x64_v3(c, X64_UNPCKLPS, a, a, XSCRATCH, 0);
        x64_vconst(c, XSCRATCH, 0x4330000000000000ull, 0x4330000000000000ull);
        x64_v3(c, X64_SUBPD, a, a, XSCRATCH, 0);
        push_x(c, a);
}

/* ------------------------------------------------------------------------ */
/* Dispatch                                                                 */
/* ------------------------------------------------------------------------ */

wsbx_errkind x64_simd_arith_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm)
{
        (void)imm;
        switch (op) {
        case WSBX_OP_i8x16_shl: op_shift(c, 1, SH_L); break;
        case WSBX_OP_i8x16_shr_s: op_shift(c, 1, SH_RS); break;
        case WSBX_OP_i8x16_shr_u: op_shift(c, 1, SH_RU); break;
        case WSBX_OP_i16x8_shl: op_shift(c, 2, SH_L); break;
        case WSBX_OP_i16x8_shr_s: op_shift(c, 2, SH_RS); break;
        case WSBX_OP_i16x8_shr_u: op_shift(c, 2, SH_RU); break;
        case WSBX_OP_i32x4_shl: op_shift(c, 4, SH_L); break;
        case WSBX_OP_i32x4_shr_s: op_shift(c, 4, SH_RS); break;
        case WSBX_OP_i32x4_shr_u: op_shift(c, 4, SH_RU); break;
        case WSBX_OP_i64x2_shl: op_shift(c, 8, SH_L); break;
        case WSBX_OP_i64x2_shr_s: op_shift(c, 8, SH_RS); break;
        case WSBX_OP_i64x2_shr_u: op_shift(c, 8, SH_RU); break;
        case WSBX_OP_i8x16_neg: op_neg(c, X64_PSUBB); break;
        case WSBX_OP_i16x8_neg: op_neg(c, X64_PSUBW); break;
        case WSBX_OP_i32x4_neg: op_neg(c, X64_PSUBD); break;
        case WSBX_OP_i64x2_neg: op_neg(c, X64_PSUBQ); break;
        case WSBX_OP_i64x2_abs: op_i64_abs(c); break;
        case WSBX_OP_i64x2_mul: op_i64_mul(c); break;
        case WSBX_OP_i8x16_popcnt: op_popcnt(c); break;
        case WSBX_OP_i16x8_extadd_pairwise_i8x16_s:
        case WSBX_OP_i16x8_extadd_pairwise_i8x16_u:
        case WSBX_OP_i32x4_extadd_pairwise_i16x8_s:
        case WSBX_OP_i32x4_extadd_pairwise_i16x8_u:
                op_extadd(c, op);
                break;
        case WSBX_OP_i16x8_q15mulr_sat_s: op_q15mulr(c); break;
        case WSBX_OP_i16x8_extend_high_i8x16_s: op_extend_high(c, X64_PMOVSXBW); break;
        case WSBX_OP_i16x8_extend_high_i8x16_u: op_extend_high(c, X64_PMOVZXBW); break;
        case WSBX_OP_i32x4_extend_high_i16x8_s: op_extend_high(c, X64_PMOVSXWD); break;
        case WSBX_OP_i32x4_extend_high_i16x8_u: op_extend_high(c, X64_PMOVZXWD); break;
        case WSBX_OP_i64x2_extend_high_i32x4_s: op_extend_high(c, X64_PMOVSXDQ); break;
        case WSBX_OP_i64x2_extend_high_i32x4_u: op_extend_high(c, X64_PMOVZXDQ); break;
        case WSBX_OP_i16x8_extmul_low_i8x16_s:
        case WSBX_OP_i16x8_extmul_high_i8x16_s:
        case WSBX_OP_i16x8_extmul_low_i8x16_u:
        case WSBX_OP_i16x8_extmul_high_i8x16_u:
        case WSBX_OP_i32x4_extmul_low_i16x8_s:
        case WSBX_OP_i32x4_extmul_high_i16x8_s:
        case WSBX_OP_i32x4_extmul_low_i16x8_u:
        case WSBX_OP_i32x4_extmul_high_i16x8_u:
        case WSBX_OP_i64x2_extmul_low_i32x4_s:
        case WSBX_OP_i64x2_extmul_high_i32x4_s:
        case WSBX_OP_i64x2_extmul_low_i32x4_u:
        case WSBX_OP_i64x2_extmul_high_i32x4_u:
                op_extmul(c, op);
                break;
        case WSBX_OP_f32x4_abs: op_fsign(c, false, false); break;
        case WSBX_OP_f32x4_neg: op_fsign(c, false, true); break;
        case WSBX_OP_f64x2_abs: op_fsign(c, true, false); break;
        case WSBX_OP_f64x2_neg: op_fsign(c, true, true); break;
        case WSBX_OP_f32x4_min: op_fminmax(c, false, false); break;
        case WSBX_OP_f32x4_max: op_fminmax(c, false, true); break;
        case WSBX_OP_f64x2_min: op_fminmax(c, true, false); break;
        case WSBX_OP_f64x2_max: op_fminmax(c, true, true); break;
        case WSBX_OP_f32x4_pmin: op_pminmax(c, X64_MINPS); break;
        case WSBX_OP_f32x4_pmax: op_pminmax(c, X64_MAXPS); break;
        case WSBX_OP_f64x2_pmin: op_pminmax(c, X64_MINPD); break;
        case WSBX_OP_f64x2_pmax: op_pminmax(c, X64_MAXPD); break;
        case WSBX_OP_f32x4_convert_i32x4_u: op_convert_u32(c); break;
        case WSBX_OP_i32x4_trunc_sat_f32x4_s: op_trunc_sat_s32(c); break;
        case WSBX_OP_i32x4_trunc_sat_f32x4_u: op_trunc_sat_u32(c); break;
        case WSBX_OP_i32x4_trunc_sat_f64x2_s_zero: op_trunc_sat_s64(c); break;
        case WSBX_OP_i32x4_trunc_sat_f64x2_u_zero: op_trunc_sat_u64(c); break;
        case WSBX_OP_f64x2_convert_low_i32x4_u: op_convert_low_u32(c); break;
        default:
                return x64_unsupported(c, op);
        }
        return c->fail;
}
