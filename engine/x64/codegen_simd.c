/* codegen_simd.c - the 0xFD (SIMD) instructions, part one: the emitters
 * shared by both SIMD files, memory accesses, constants, shuffles, lanes,
 * bitwise operations, comparisons, and the dispatch.
 *
 * The floor is SSE4.2 (x86-64-v2); when AVX is allowed every instruction
 * takes its VEX form, which is non-destructive, so x64_v3 and friends hide
 * the difference: a handler says "d = a op b" and gets one instruction
 * with AVX, or a copy and the two-operand form without.
 *
 * v128 values live only in xmm registers or their 16-byte slots: a v128
 * constant is never an X64_V_CONST (its k has 64 bits), so v128.const and
 * every mask a sequence needs is built in a register, through r11 and
 * movq/pinsrq, or with pxor/pcmpeqd for all-zeros and all-ones. Popped
 * operands are owned, so a result reuses an operand's register and most
 * sequences need no register but xmm15.
 *
 * Surprises: the legacy SSE forms of memory operands fault on unaligned
 * addresses, so memory operands are used only by instructions that accept
 * any alignment (movdqu, movq, movss, pmovsx, pinsr, pextr and the VEX
 * forms). Lane indices come from a validated body but are masked to the
 * lane count anyway, so a body that skipped validation can never put
 * stray bits into an instruction's immediate.
 */
#include "x64/target.h"

#include <string.h>

#define SCRATCH X64_R11
#define XSCRATCH 15

/* ------------------------------------------------------------------------ */
/* Emitters                                                                 */
/* ------------------------------------------------------------------------ */

static bool avx(const x64_cc *c)
{
        return (c->features & X64_FEAT_AVX) != 0;
}

static void mark(x64_cc *c, uint32_t f)
{
        if (f == UINT32_MAX)
                return;
        if (f & X64_FEAT_SSE41)
                c->used_features |= WSBX_CPU_SSE41;
        if (f & X64_FEAT_SSE42)
                c->used_features |= WSBX_CPU_SSE42;
        if (f & X64_FEAT_AVX)
                c->used_features |= WSBX_CPU_AVX;
        if (f & X64_FEAT_AVX2)
                c->used_features |= WSBX_CPU_AVX2;
}

void x64_v3(x64_cc *c, wsbx_x64_sse op, unsigned d, unsigned a, unsigned b, uint8_t imm)
{
        if (avx(c)) {
                mark(c, x64_avx_features(op));
                x64_avx_rrri(&c->a, op, d, a, b, imm);
                return;
        }
        mark(c, x64_sse_features(op));
        if (d == b && d != a) {
                if (NEVER(a == XSCRATCH)) {
                        x64_fail(c, WSBX_ERR_LIMIT, "register conflict");
                        return;
                }
                x64_sse_rr(&c->a, X64_MOVAPS, XSCRATCH, b);
                b = XSCRATCH;
        }
        if (d != a)
                x64_sse_rr(&c->a, X64_MOVAPS, d, a);
        x64_sse_rri(&c->a, op, d, b, imm);
}

void x64_v2(x64_cc *c, wsbx_x64_sse op, unsigned d, unsigned s, uint8_t imm)
{
        if (avx(c)) {
                mark(c, x64_avx_features(op));
                x64_avx_rri(&c->a, op, d, s, imm);
        } else {
                mark(c, x64_sse_features(op));
                x64_sse_rri(&c->a, op, d, s, imm);
        }
}

void x64_vshift(x64_cc *c, wsbx_x64_sse op, unsigned d, unsigned s, uint8_t imm)
{
        if (avx(c)) {
                x64_avx_rri(&c->a, op, d, s, imm);
                c->used_features |= WSBX_CPU_AVX;
                return;
        }
        if (d != s)
                x64_sse_rr(&c->a, X64_MOVAPS, d, s);
        x64_sse_rri(&c->a, op, d, d, imm);
}

void x64_vmov(x64_cc *c, unsigned d, unsigned s)
{
        if (d != s)
                x64_v2(c, X64_MOVAPS, d, s, 0);
}

/* d = op [m] for V2/VM rows (loads, pmovsx, broadcasts). */
static void vload(x64_cc *c, wsbx_x64_sse op, unsigned d, wsbx_x64_mem m, uint8_t imm)
{
        if (avx(c)) {
                mark(c, x64_avx_features(op));
                x64_avx_rmi(&c->a, op, d, m, imm);
        } else {
                mark(c, x64_sse_features(op));
                x64_sse_rmi(&c->a, op, d, m, imm);
        }
}

/* d = d op [m] for V3 rows (pinsr from memory). */
static void vload3(x64_cc *c, wsbx_x64_sse op, unsigned d, wsbx_x64_mem m, uint8_t imm)
{
        if (avx(c)) {
                mark(c, x64_avx_features(op));
                x64_avx_rrmi(&c->a, op, d, d, m, imm);
        } else {
                mark(c, x64_sse_features(op));
                x64_sse_rmi(&c->a, op, d, m, imm);
        }
}

/* [m] = op s (stores and extracts to memory). */
static void vstore(x64_cc *c, wsbx_x64_sse op, wsbx_x64_mem m, unsigned s, uint8_t imm)
{
        if (avx(c)) {
                mark(c, x64_avx_features(op));
                x64_avx_mri(&c->a, op, m, s, imm);
        } else {
                mark(c, x64_sse_features(op));
                x64_sse_mri(&c->a, op, m, s, imm);
        }
}

/* d = d with a general register inserted (pinsr rows, XG, V3). */
static void vinsert(x64_cc *c, wsbx_x64_sse op, unsigned d, wsbx_gpr r, uint8_t lane)
{
        x64_v3(c, op, d, d, (unsigned)r, lane);
}

void x64_vconst(x64_cc *c, unsigned d, uint64_t lo, uint64_t hi)
{
        if (!lo && !hi) {
                x64_v3(c, X64_PXOR, d, d, d, 0);
                return;
        }
        if (lo == UINT64_MAX && hi == UINT64_MAX) {
                x64_v3(c, X64_PCMPEQD, d, d, d, 0);
                return;
        }
        vload(c, X64_MOVDQA, d, x64_const_mem(c, lo, hi), 0);
}

void x64_v3k(x64_cc *c, wsbx_x64_sse op, unsigned d, unsigned a, uint64_t lo, uint64_t hi)
{
        wsbx_x64_mem m = x64_const_mem(c, lo, hi);
        if (avx(c)) {
                mark(c, x64_avx_features(op));
                x64_avx_rrmi(&c->a, op, d, a, m, 0);
                return;
        }
        mark(c, x64_sse_features(op));
        if (d != a)
                x64_sse_rr(&c->a, X64_MOVAPS, d, a);
        x64_sse_rm(&c->a, op, d, m);
}

void x64_vnot(x64_cc *c, unsigned r)
{
        x64_v3(c, X64_PCMPEQD, XSCRATCH, XSCRATCH, XSCRATCH, 0);
        x64_v3(c, X64_PXOR, r, r, XSCRATCH, 0);
}

/* ------------------------------------------------------------------------ */
/* Operands                                                                 */
/* ------------------------------------------------------------------------ */

static unsigned pop_x(x64_cc *c)
{
        return x64_vpop_xmm(c);
}

static void push_x(x64_cc *c, unsigned r)
{
        x64_push_reg(c, WSBX_V128, r);
}

/* The 0/1 result of a test in the flags, or a fused br_if/if. */
static void flag_result(x64_cc *c, wsbx_x64_cc cc)
{
        if (x64_fuse_branch(c, cc))
                return;
        wsbx_gpr d = x64_alloc_gpr(c);
        x64_setcc_zx(&c->a, cc, d);
        x64_push_reg(c, WSBX_I32, d);
}

/* d = a op b for a plain two-operand instruction; the result reuses a. */
static void binop(x64_cc *c, wsbx_x64_sse op)
{
        /* b is only read: a register shared with the local cache serves
         * as it is. */
        x64_val vb = x64_vpop(c);
        unsigned b = vb.kind == X64_V_REG ? vb.reg : x64_to_xmm(c, &vb);
        unsigned a = pop_x(c);
        x64_v3(c, op, a, a, b, 0);
        x64_free_xmm(c, b);
        push_x(c, a);
}

/* d = op a for a one-operand (V2) instruction, in place. */
static void unop(x64_cc *c, wsbx_x64_sse op, uint8_t imm)
{
        unsigned a = pop_x(c);
        x64_v2(c, op, a, a, imm);
        push_x(c, a);
}

/* ------------------------------------------------------------------------ */
/* Memory                                                                   */
/* ------------------------------------------------------------------------ */

static void op_load(x64_cc *c, wsbx_opcode op, const x64_imm *imm)
{
        static const uint8_t size[] = {
                [WSBX_OP_v128_load - WSBX_OP_v128_load] = 16,
                [WSBX_OP_v128_load8x8_s - WSBX_OP_v128_load] = 8,
                [WSBX_OP_v128_load8x8_u - WSBX_OP_v128_load] = 8,
                [WSBX_OP_v128_load16x4_s - WSBX_OP_v128_load] = 8,
                [WSBX_OP_v128_load16x4_u - WSBX_OP_v128_load] = 8,
                [WSBX_OP_v128_load32x2_s - WSBX_OP_v128_load] = 8,
                [WSBX_OP_v128_load32x2_u - WSBX_OP_v128_load] = 8,
                [WSBX_OP_v128_load8_splat - WSBX_OP_v128_load] = 1,
                [WSBX_OP_v128_load16_splat - WSBX_OP_v128_load] = 2,
                [WSBX_OP_v128_load32_splat - WSBX_OP_v128_load] = 4,
                [WSBX_OP_v128_load64_splat - WSBX_OP_v128_load] = 8,
        };
        unsigned n;
        if (op == WSBX_OP_v128_load32_zero)
                n = 4;
        else if (op == WSBX_OP_v128_load64_zero)
                n = 8;
        else
                n = size[op - WSBX_OP_v128_load];
        wsbx_gpr owned;
        wsbx_x64_mem m = x64_mem_operand(c, imm->b, n, &owned);
        unsigned d = x64_alloc_xmm(c);
        bool avx2 = (c->features & X64_FEAT_AVX2) != 0;
        x64_trap_here(c, WSBX_TRAP_MEMORY_OOB);
        switch (op) {
        case WSBX_OP_v128_load: vload(c, X64_MOVDQU, d, m, 0); break;
        case WSBX_OP_v128_load8x8_s: vload(c, X64_PMOVSXBW, d, m, 0); break;
        case WSBX_OP_v128_load8x8_u: vload(c, X64_PMOVZXBW, d, m, 0); break;
        case WSBX_OP_v128_load16x4_s: vload(c, X64_PMOVSXWD, d, m, 0); break;
        case WSBX_OP_v128_load16x4_u: vload(c, X64_PMOVZXWD, d, m, 0); break;
        case WSBX_OP_v128_load32x2_s: vload(c, X64_PMOVSXDQ, d, m, 0); break;
        case WSBX_OP_v128_load32x2_u: vload(c, X64_PMOVZXDQ, d, m, 0); break;
        case WSBX_OP_v128_load32_zero: vload(c, X64_MOVSS, d, m, 0); break;
        case WSBX_OP_v128_load64_zero: vload(c, X64_MOVQ, d, m, 0); break;
        case WSBX_OP_v128_load64_splat: vload(c, X64_MOVDDUP, d, m, 0); break;
        case WSBX_OP_v128_load8_splat:
                if (avx2) {
                        vload(c, X64_VPBROADCASTB, d, m, 0);
                        break;
                }
                /* pinsrb leaves the other bytes as they were, but the
                 * all-zero shuffle below reads byte 0 only. */
                vload3(c, X64_PINSRB, d, m, 0);
                x64_v3(c, X64_PXOR, XSCRATCH, XSCRATCH, XSCRATCH, 0);
                x64_v3(c, X64_PSHUFB, d, d, XSCRATCH, 0);
                break;
        case WSBX_OP_v128_load16_splat:
                if (avx2) {
                        vload(c, X64_VPBROADCASTW, d, m, 0);
                        break;
                }
                vload3(c, X64_PINSRW, d, m, 0);
                x64_v2(c, X64_PSHUFLW, d, d, 0);
                x64_v2(c, X64_PSHUFD, d, d, 0);
                break;
        default: /* load32_splat */
                if (avx(c)) {
                        vload(c, X64_VBROADCASTSS, d, m, 0);
                        break;
                }
                vload(c, X64_MOVSS, d, m, 0);
                x64_v2(c, X64_PSHUFD, d, d, 0);
                break;
        }
        if (owned != X64_NOREG)
                x64_free_gpr(c, owned);
        push_x(c, d);
}

static void op_store(x64_cc *c, const x64_imm *imm)
{
        x64_val v = x64_vpop(c);
        wsbx_gpr owned;
        wsbx_x64_mem m = x64_mem_operand(c, imm->b, 16, &owned);
        unsigned r = x64_to_xmm(c, &v);
        x64_trap_here(c, WSBX_TRAP_MEMORY_OOB);
        vstore(c, X64_MOVDQU_ST, m, r, 0);
        x64_free_xmm(c, r);
        if (owned != X64_NOREG)
                x64_free_gpr(c, owned);
}

/* load*_lane and store*_lane; log2 of the lane size is the op's arg. */
static void op_lane_mem(x64_cc *c, wsbx_opcode op, const x64_imm *imm, bool store)
{
        static const wsbx_x64_sse ins[] = { X64_PINSRB, X64_PINSRW, X64_PINSRD, X64_PINSRQ };
        static const wsbx_x64_sse ext[] = { X64_PEXTRB, X64_PEXTRW_M, X64_PEXTRD, X64_PEXTRQ };
        unsigned lg = wsbx_ops[op].arg & 3;
        uint8_t lane = (uint8_t)(imm->lane & ((16u >> lg) - 1));
        x64_val v = x64_vpop(c);
        wsbx_gpr owned;
        wsbx_x64_mem m = x64_mem_operand(c, imm->b, 1u << lg, &owned);
        unsigned r = x64_to_xmm(c, &v);
        x64_trap_here(c, WSBX_TRAP_MEMORY_OOB);
        if (store) {
                vstore(c, ext[lg], m, r, lane);
                x64_free_xmm(c, r);
        } else {
                vload3(c, ins[lg], r, m, lane);
                push_x(c, r);
        }
        if (owned != X64_NOREG)
                x64_free_gpr(c, owned);
}

/* ------------------------------------------------------------------------ */
/* Constants, shuffles, splats, lanes                                       */
/* ------------------------------------------------------------------------ */

static void op_const(x64_cc *c, const x64_imm *imm)
{
        uint64_t lo, hi;
        memcpy(&lo, imm->p, 8);
        memcpy(&hi, imm->p + 8, 8);
        unsigned d = x64_alloc_xmm(c);
        x64_vconst(c, d, lo, hi);
        push_x(c, d);
}

static void vconst_bytes(x64_cc *c, unsigned d, const uint8_t *b)
{
        uint64_t lo, hi;
        memcpy(&lo, b, 8);
        memcpy(&hi, b + 8, 8);
        x64_vconst(c, d, lo, hi);
}

/* pshufb zeroes a byte whose selector has its top bit set, so each source
 * is shuffled with the other source's lanes zeroed, then the two are
 * or-ed. */
static void op_shuffle(x64_cc *c, const x64_imm *imm)
{
        uint8_t ma[16], mb[16];
        bool use_a = false, use_b = false, ident_a = true, ident_b = true;
        for (unsigned i = 0; i < 16; i++) {
                unsigned s = imm->p[i] & 31;
                ma[i] = s < 16 ? (uint8_t)s : 0x80;
                mb[i] = s >= 16 ? (uint8_t)(s - 16) : 0x80;
                use_a |= s < 16;
                use_b |= s >= 16;
                ident_a &= s == i;
                ident_b &= s == i + 16;
        }
        unsigned b = pop_x(c), a = pop_x(c);
        if (!use_b) {
                if (!ident_a) {
                        vconst_bytes(c, XSCRATCH, ma);
                        x64_v3(c, X64_PSHUFB, a, a, XSCRATCH, 0);
                }
                x64_free_xmm(c, b);
                push_x(c, a);
                return;
        }
        if (!use_a) {
                if (!ident_b) {
                        vconst_bytes(c, XSCRATCH, mb);
                        x64_v3(c, X64_PSHUFB, b, b, XSCRATCH, 0);
                }
                x64_free_xmm(c, a);
                push_x(c, b);
                return;
        }
        vconst_bytes(c, XSCRATCH, ma);
        x64_v3(c, X64_PSHUFB, a, a, XSCRATCH, 0);
        vconst_bytes(c, XSCRATCH, mb);
        x64_v3(c, X64_PSHUFB, b, b, XSCRATCH, 0);
        x64_v3(c, X64_POR, a, a, b, 0);
        x64_free_xmm(c, b);
        push_x(c, a);
}

/* Indices of 16 and more must give 0: adding 0x70 with unsigned
 * saturation sets their top bit (pshufb's "zero" bit) and leaves the low
 * four bits of indices below 16 as they were. */
static void op_swizzle(x64_cc *c)
{
        unsigned s = pop_x(c), a = pop_x(c);
        x64_v3k(c, X64_PADDUSB, s, s, 0x7070707070707070ull, 0x7070707070707070ull);
        x64_v3(c, X64_PSHUFB, a, a, s, 0);
        x64_free_xmm(c, s);
        push_x(c, a);
}

static void op_splat(x64_cc *c, wsbx_opcode op)
{
        x64_val v = x64_vpop(c);
        unsigned width;
        switch (op) {
        case WSBX_OP_i8x16_splat: width = 1; break;
        case WSBX_OP_i16x8_splat: width = 2; break;
        case WSBX_OP_i32x4_splat:
        case WSBX_OP_f32x4_splat: width = 4; break;
        default: width = 8; break;
        }
        if (v.kind == X64_V_CONST) {
                uint64_t k = x64_splat64(v.k, width);
                unsigned d = x64_alloc_xmm(c);
                x64_vconst(c, d, k, k);
                push_x(c, d);
                return;
        }
        unsigned d;
        if (op == WSBX_OP_f32x4_splat || op == WSBX_OP_f64x2_splat) {
                d = x64_to_xmm(c, &v);
        } else {
                d = x64_alloc_xmm(c);
                wsbx_x64_sse mv = width == 8 ? X64_MOVQ_XG : X64_MOVD_XG;
                if (v.kind == X64_V_SLOT) {
                        vload(c, mv, d, x64_slot(c, v.pos), 0);
                } else {
                        x64_v2(c, mv, d, v.reg, 0);
                        x64_free_gpr(c, v.reg);
                }
        }
        if (c->features & X64_FEAT_AVX2) {
                static const wsbx_x64_sse bc[] = { X64_VPBROADCASTB, X64_VPBROADCASTW, 0,
                                                   X64_VPBROADCASTD, 0, 0, 0, X64_VPBROADCASTQ };
                x64_v2(c, bc[width - 1], d, d, 0);
                push_x(c, d);
                return;
        }
        switch (width) {
        case 1:
                x64_v3(c, X64_PXOR, XSCRATCH, XSCRATCH, XSCRATCH, 0);
                x64_v3(c, X64_PSHUFB, d, d, XSCRATCH, 0);
                break;
        case 2:
                x64_v2(c, X64_PSHUFLW, d, d, 0);
                x64_v2(c, X64_PSHUFD, d, d, 0);
                break;
        case 4:
                x64_v2(c, X64_PSHUFD, d, d, 0);
                break;
        default:
                x64_v3(c, X64_PUNPCKLQDQ, d, d, d, 0);
                break;
        }
        push_x(c, d);
}

static void op_extract(x64_cc *c, wsbx_opcode op, const x64_imm *imm)
{
        unsigned lanes = wsbx_ops[op].arg;
        uint8_t lane = (uint8_t)(imm->lane & (lanes - 1));
        unsigned x = pop_x(c);
        if (op == WSBX_OP_f32x4_extract_lane) {
                /* insertps moves the lane to lane 0 and zeroes the rest. */
                x64_v3(c, X64_INSERTPS, x, x, x, (uint8_t)(lane << 6 | 0x0e));
                x64_push_reg(c, WSBX_F32, x);
                return;
        }
        if (op == WSBX_OP_f64x2_extract_lane) {
                if (lane)
                        x64_vshift(c, X64_PSRLDQ, x, x, 8);
                else
                        x64_v2(c, X64_MOVQ, x, x, 0);
                x64_push_reg(c, WSBX_F64, x);
                return;
        }
        wsbx_gpr r = x64_alloc_gpr(c);
        wsbx_valtype t = WSBX_I32;
        switch (op) {
        case WSBX_OP_i8x16_extract_lane_s:
                x64_v2(c, X64_PEXTRB, r, x, lane);
                x64_extend(&c->a, X64_SX8_32, r, r);
                break;
        case WSBX_OP_i8x16_extract_lane_u:
                x64_v2(c, X64_PEXTRB, r, x, lane);
                break;
        case WSBX_OP_i16x8_extract_lane_s:
                x64_v2(c, X64_PEXTRW, r, x, lane);
                x64_extend(&c->a, X64_SX16_32, r, r);
                break;
        case WSBX_OP_i16x8_extract_lane_u:
                x64_v2(c, X64_PEXTRW, r, x, lane);
                break;
        case WSBX_OP_i32x4_extract_lane:
                if (lane)
                        x64_v2(c, X64_PEXTRD, r, x, lane);
                else
                        x64_v2(c, X64_MOVD_GX, r, x, 0);
                break;
        default: /* i64x2 */
                t = WSBX_I64;
                if (lane)
                        x64_v2(c, X64_PEXTRQ, r, x, lane);
                else
                        x64_v2(c, X64_MOVQ_GX, r, x, 0);
                break;
        }
        x64_free_xmm(c, x);
        x64_push_reg(c, t, r);
}

static void op_replace(x64_cc *c, wsbx_opcode op, const x64_imm *imm)
{
        unsigned lanes = wsbx_ops[op].arg;
        uint8_t lane = (uint8_t)(imm->lane & (lanes - 1));
        if (op == WSBX_OP_f32x4_replace_lane || op == WSBX_OP_f64x2_replace_lane) {
                unsigned s = pop_x(c), x = pop_x(c);
                if (op == WSBX_OP_f32x4_replace_lane)
                        x64_v3(c, X64_INSERTPS, x, x, s, (uint8_t)(lane << 4));
                else if (lane)
                        x64_v3(c, X64_UNPCKLPD, x, x, s, 0);
                else
                        x64_v3(c, X64_BLENDPD, x, x, s, 1);
                x64_free_xmm(c, s);
                push_x(c, x);
                return;
        }
        wsbx_x64_sse ins;
        switch (op) {
        case WSBX_OP_i8x16_replace_lane: ins = X64_PINSRB; break;
        case WSBX_OP_i16x8_replace_lane: ins = X64_PINSRW; break;
        case WSBX_OP_i32x4_replace_lane: ins = X64_PINSRD; break;
        default: ins = X64_PINSRQ; break;
        }
        x64_val s = x64_vpop(c);
        unsigned x = pop_x(c);
        if (s.kind == X64_V_SLOT) {
                vload3(c, ins, x, x64_slot(c, s.pos), lane);
        } else if (s.kind == X64_V_CONST) {
                x64_mov_ri(&c->a, X64_64, SCRATCH, s.k);
                vinsert(c, ins, x, SCRATCH, lane);
        } else {
                vinsert(c, ins, x, (wsbx_gpr)s.reg, lane);
                x64_free_gpr(c, s.reg);
        }
        push_x(c, x);
}

/* ------------------------------------------------------------------------ */
/* Bitwise operations and tests                                             */
/* ------------------------------------------------------------------------ */

static void op_andnot(x64_cc *c)
{
        /* pandn computes ~dst & src: the complemented operand is b. */
        unsigned b = pop_x(c), a = pop_x(c);
        x64_v3(c, X64_PANDN, b, b, a, 0);
        x64_free_xmm(c, a);
        push_x(c, b);
}

static void op_bitselect(x64_cc *c)
{
        unsigned m = pop_x(c), b = pop_x(c), a = pop_x(c);
        x64_v3(c, X64_PAND, a, a, m, 0);
        x64_v3(c, X64_PANDN, m, m, b, 0);
        x64_v3(c, X64_POR, a, a, m, 0);
        x64_free_xmm(c, m);
        x64_free_xmm(c, b);
        push_x(c, a);
}

static void op_any_true(x64_cc *c)
{
        unsigned a = pop_x(c);
        x64_v2(c, X64_PTEST, a, a, 0);
        x64_free_xmm(c, a);
        flag_result(c, X64_CC_NE);
}

/* Every lane is nonzero when no lane compares equal to zero. */
static void op_all_true(x64_cc *c, wsbx_x64_sse eq)
{
        unsigned a = pop_x(c);
        x64_v3(c, X64_PXOR, XSCRATCH, XSCRATCH, XSCRATCH, 0);
        x64_v3(c, eq, XSCRATCH, XSCRATCH, a, 0);
        x64_v2(c, X64_PTEST, XSCRATCH, XSCRATCH, 0);
        x64_free_xmm(c, a);
        flag_result(c, X64_CC_E);
}

static void op_bitmask(x64_cc *c, unsigned width)
{
        unsigned a = pop_x(c);
        wsbx_gpr r = x64_alloc_gpr(c);
        switch (width) {
        case 1:
                x64_v2(c, X64_PMOVMSKB, r, a, 0);
                break;
        case 2:
                /* Signed saturation keeps each lane's sign in a byte. */
                x64_v3(c, X64_PACKSSWB, a, a, a, 0);
                x64_v2(c, X64_PMOVMSKB, r, a, 0);
                x64_extend(&c->a, X64_ZX8, r, r);
                break;
        case 4:
                x64_v2(c, X64_MOVMSKPS, r, a, 0);
                break;
        default:
                x64_v2(c, X64_MOVMSKPD, r, a, 0);
                break;
        }
        x64_free_xmm(c, a);
        x64_push_reg(c, WSBX_I32, r);
}

/* ------------------------------------------------------------------------ */
/* Comparisons                                                              */
/* ------------------------------------------------------------------------ */

enum { C_EQ, C_NE, C_LT_S, C_LT_U, C_GT_S, C_GT_U, C_LE_S, C_LE_U, C_GE_S, C_GE_U };

/* Integer lanes of 1, 2, 4 or 8 bytes. Only eq and signed gt exist in
 * hardware: the rest swap operands, complement, or compare a min/max
 * with an operand (min(a, b) == a is a <= b), which also covers unsigned
 * lanes. i64x2 has no min/max and no unsigned compares in Wasm. */
static void op_icmp(x64_cc *c, unsigned width, unsigned kind)
{
        static const wsbx_x64_sse eq[] = { X64_PCMPEQB, X64_PCMPEQW, 0, X64_PCMPEQD, 0, 0, 0, X64_PCMPEQQ };
        static const wsbx_x64_sse gt[] = { X64_PCMPGTB, X64_PCMPGTW, 0, X64_PCMPGTD, 0, 0, 0, X64_PCMPGTQ };
        static const wsbx_x64_sse mins[] = { X64_PMINSB, X64_PMINSW, 0, X64_PMINSD };
        static const wsbx_x64_sse maxs[] = { X64_PMAXSB, X64_PMAXSW, 0, X64_PMAXSD };
        static const wsbx_x64_sse minu[] = { X64_PMINUB, X64_PMINUW, 0, X64_PMINUD };
        static const wsbx_x64_sse maxu[] = { X64_PMAXUB, X64_PMAXUW, 0, X64_PMAXUD };
        unsigned w = width - 1;
        unsigned b = pop_x(c), a = pop_x(c);
        unsigned d = a, o = b;
        bool invert = false;
        switch (kind) {
        case C_EQ:
        case C_NE:
                x64_v3(c, eq[w], a, a, b, 0);
                invert = kind == C_NE;
                break;
        case C_GT_S:
                x64_v3(c, gt[w], a, a, b, 0);
                break;
        case C_LT_S:
                x64_v3(c, gt[w], b, b, a, 0);
                d = b, o = a;
                break;
        case C_LE_S:
        case C_GE_S:
                if (width == 8) {
                        /* le is not gt, ge is not lt. */
                        if (kind == C_LE_S) {
                                x64_v3(c, gt[w], a, a, b, 0);
                        } else {
                                x64_v3(c, gt[w], b, b, a, 0);
                                d = b, o = a;
                        }
                        invert = true;
                        break;
                }
                x64_v3(c, kind == C_LE_S ? mins[w] : maxs[w], b, b, a, 0);
                x64_v3(c, eq[w], b, b, a, 0);
                d = b, o = a;
                break;
        default: /* unsigned: le, ge, and gt/lt as their complements */
                x64_v3(c, kind == C_LE_U || kind == C_GT_U ? minu[w] : maxu[w], b, b, a, 0);
                x64_v3(c, eq[w], b, b, a, 0);
                invert = kind == C_GT_U || kind == C_LT_U;
                d = b, o = a;
                break;
        }
        if (invert)
                x64_vnot(c, d);
        x64_free_xmm(c, o);
        push_x(c, d);
}

/* cmpps/cmppd predicates: eq 0, lt 1, le 2, neq 4 (unordered-true, as
 * Wasm's ne is). gt and ge are lt and le with the operands swapped. */
static void op_fcmp(x64_cc *c, wsbx_x64_sse cmp, unsigned kind)
{
        unsigned b = pop_x(c), a = pop_x(c);
        unsigned d = a, o = b;
        switch (kind) {
        case C_EQ: x64_v3(c, cmp, a, a, b, 0); break;
        case C_NE: x64_v3(c, cmp, a, a, b, 4); break;
        case C_LT_S: x64_v3(c, cmp, a, a, b, 1); break;
        case C_LE_S: x64_v3(c, cmp, a, a, b, 2); break;
        case C_GT_S: x64_v3(c, cmp, b, b, a, 1); d = b, o = a; break;
        default: x64_v3(c, cmp, b, b, a, 2); d = b, o = a; break;
        }
        x64_free_xmm(c, o);
        push_x(c, d);
}

/* ------------------------------------------------------------------------ */
/* Dispatch                                                                 */
/* ------------------------------------------------------------------------ */

wsbx_errkind x64_simd_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm)
{
        switch (op) {
        case WSBX_OP_v128_load:
        case WSBX_OP_v128_load8x8_s:
        case WSBX_OP_v128_load8x8_u:
        case WSBX_OP_v128_load16x4_s:
        case WSBX_OP_v128_load16x4_u:
        case WSBX_OP_v128_load32x2_s:
        case WSBX_OP_v128_load32x2_u:
        case WSBX_OP_v128_load8_splat:
        case WSBX_OP_v128_load16_splat:
        case WSBX_OP_v128_load32_splat:
        case WSBX_OP_v128_load64_splat:
        case WSBX_OP_v128_load32_zero:
        case WSBX_OP_v128_load64_zero:
                op_load(c, op, imm);
                break;
        case WSBX_OP_v128_store: op_store(c, imm); break;
        case WSBX_OP_v128_load8_lane:
        case WSBX_OP_v128_load16_lane:
        case WSBX_OP_v128_load32_lane:
        case WSBX_OP_v128_load64_lane:
                op_lane_mem(c, op, imm, false);
                break;
        case WSBX_OP_v128_store8_lane:
        case WSBX_OP_v128_store16_lane:
        case WSBX_OP_v128_store32_lane:
        case WSBX_OP_v128_store64_lane:
                op_lane_mem(c, op, imm, true);
                break;
        case WSBX_OP_v128_const: op_const(c, imm); break;
        case WSBX_OP_i8x16_shuffle: op_shuffle(c, imm); break;
        case WSBX_OP_i8x16_swizzle: op_swizzle(c); break;
        case WSBX_OP_i8x16_splat:
        case WSBX_OP_i16x8_splat:
        case WSBX_OP_i32x4_splat:
        case WSBX_OP_i64x2_splat:
        case WSBX_OP_f32x4_splat:
        case WSBX_OP_f64x2_splat:
                op_splat(c, op);
                break;
        case WSBX_OP_i8x16_extract_lane_s:
        case WSBX_OP_i8x16_extract_lane_u:
        case WSBX_OP_i16x8_extract_lane_s:
        case WSBX_OP_i16x8_extract_lane_u:
        case WSBX_OP_i32x4_extract_lane:
        case WSBX_OP_i64x2_extract_lane:
        case WSBX_OP_f32x4_extract_lane:
        case WSBX_OP_f64x2_extract_lane:
                op_extract(c, op, imm);
                break;
        case WSBX_OP_i8x16_replace_lane:
        case WSBX_OP_i16x8_replace_lane:
        case WSBX_OP_i32x4_replace_lane:
        case WSBX_OP_i64x2_replace_lane:
        case WSBX_OP_f32x4_replace_lane:
        case WSBX_OP_f64x2_replace_lane:
                op_replace(c, op, imm);
                break;

        case WSBX_OP_i8x16_eq: op_icmp(c, 1, C_EQ); break;
        case WSBX_OP_i8x16_ne: op_icmp(c, 1, C_NE); break;
        case WSBX_OP_i8x16_lt_s: op_icmp(c, 1, C_LT_S); break;
        case WSBX_OP_i8x16_lt_u: op_icmp(c, 1, C_LT_U); break;
        case WSBX_OP_i8x16_gt_s: op_icmp(c, 1, C_GT_S); break;
        case WSBX_OP_i8x16_gt_u: op_icmp(c, 1, C_GT_U); break;
        case WSBX_OP_i8x16_le_s: op_icmp(c, 1, C_LE_S); break;
        case WSBX_OP_i8x16_le_u: op_icmp(c, 1, C_LE_U); break;
        case WSBX_OP_i8x16_ge_s: op_icmp(c, 1, C_GE_S); break;
        case WSBX_OP_i8x16_ge_u: op_icmp(c, 1, C_GE_U); break;
        case WSBX_OP_i16x8_eq: op_icmp(c, 2, C_EQ); break;
        case WSBX_OP_i16x8_ne: op_icmp(c, 2, C_NE); break;
        case WSBX_OP_i16x8_lt_s: op_icmp(c, 2, C_LT_S); break;
        case WSBX_OP_i16x8_lt_u: op_icmp(c, 2, C_LT_U); break;
        case WSBX_OP_i16x8_gt_s: op_icmp(c, 2, C_GT_S); break;
        case WSBX_OP_i16x8_gt_u: op_icmp(c, 2, C_GT_U); break;
        case WSBX_OP_i16x8_le_s: op_icmp(c, 2, C_LE_S); break;
        case WSBX_OP_i16x8_le_u: op_icmp(c, 2, C_LE_U); break;
        case WSBX_OP_i16x8_ge_s: op_icmp(c, 2, C_GE_S); break;
        case WSBX_OP_i16x8_ge_u: op_icmp(c, 2, C_GE_U); break;
        case WSBX_OP_i32x4_eq: op_icmp(c, 4, C_EQ); break;
        case WSBX_OP_i32x4_ne: op_icmp(c, 4, C_NE); break;
        case WSBX_OP_i32x4_lt_s: op_icmp(c, 4, C_LT_S); break;
        case WSBX_OP_i32x4_lt_u: op_icmp(c, 4, C_LT_U); break;
        case WSBX_OP_i32x4_gt_s: op_icmp(c, 4, C_GT_S); break;
        case WSBX_OP_i32x4_gt_u: op_icmp(c, 4, C_GT_U); break;
        case WSBX_OP_i32x4_le_s: op_icmp(c, 4, C_LE_S); break;
        case WSBX_OP_i32x4_le_u: op_icmp(c, 4, C_LE_U); break;
        case WSBX_OP_i32x4_ge_s: op_icmp(c, 4, C_GE_S); break;
        case WSBX_OP_i32x4_ge_u: op_icmp(c, 4, C_GE_U); break;
        case WSBX_OP_i64x2_eq: op_icmp(c, 8, C_EQ); break;
        case WSBX_OP_i64x2_ne: op_icmp(c, 8, C_NE); break;
        case WSBX_OP_i64x2_lt_s: op_icmp(c, 8, C_LT_S); break;
        case WSBX_OP_i64x2_gt_s: op_icmp(c, 8, C_GT_S); break;
        case WSBX_OP_i64x2_le_s: op_icmp(c, 8, C_LE_S); break;
        case WSBX_OP_i64x2_ge_s: op_icmp(c, 8, C_GE_S); break;
        case WSBX_OP_f32x4_eq: op_fcmp(c, X64_CMPPS, C_EQ); break;
        case WSBX_OP_f32x4_ne: op_fcmp(c, X64_CMPPS, C_NE); break;
        case WSBX_OP_f32x4_lt: op_fcmp(c, X64_CMPPS, C_LT_S); break;
        case WSBX_OP_f32x4_gt: op_fcmp(c, X64_CMPPS, C_GT_S); break;
        case WSBX_OP_f32x4_le: op_fcmp(c, X64_CMPPS, C_LE_S); break;
        case WSBX_OP_f32x4_ge: op_fcmp(c, X64_CMPPS, C_GE_S); break;
        case WSBX_OP_f64x2_eq: op_fcmp(c, X64_CMPPD, C_EQ); break;
        case WSBX_OP_f64x2_ne: op_fcmp(c, X64_CMPPD, C_NE); break;
        case WSBX_OP_f64x2_lt: op_fcmp(c, X64_CMPPD, C_LT_S); break;
        case WSBX_OP_f64x2_gt: op_fcmp(c, X64_CMPPD, C_GT_S); break;
        case WSBX_OP_f64x2_le: op_fcmp(c, X64_CMPPD, C_LE_S); break;
        case WSBX_OP_f64x2_ge: op_fcmp(c, X64_CMPPD, C_GE_S); break;

        case WSBX_OP_v128_not: {
                unsigned a = pop_x(c);
                x64_vnot(c, a);
                push_x(c, a);
                break;
        }
        case WSBX_OP_v128_and: binop(c, X64_PAND); break;
        case WSBX_OP_v128_or: binop(c, X64_POR); break;
        case WSBX_OP_v128_xor: binop(c, X64_PXOR); break;
        case WSBX_OP_v128_andnot: op_andnot(c); break;
        case WSBX_OP_v128_bitselect: op_bitselect(c); break;
        case WSBX_OP_v128_any_true: op_any_true(c); break;
        case WSBX_OP_i8x16_all_true: op_all_true(c, X64_PCMPEQB); break;
        case WSBX_OP_i16x8_all_true: op_all_true(c, X64_PCMPEQW); break;
        case WSBX_OP_i32x4_all_true: op_all_true(c, X64_PCMPEQD); break;
        case WSBX_OP_i64x2_all_true: op_all_true(c, X64_PCMPEQQ); break;
        case WSBX_OP_i8x16_bitmask: op_bitmask(c, 1); break;
        case WSBX_OP_i16x8_bitmask: op_bitmask(c, 2); break;
        case WSBX_OP_i32x4_bitmask: op_bitmask(c, 4); break;
        case WSBX_OP_i64x2_bitmask: op_bitmask(c, 8); break;

        /* Single instructions. */
        case WSBX_OP_i8x16_add: binop(c, X64_PADDB); break;
        case WSBX_OP_i8x16_add_sat_s: binop(c, X64_PADDSB); break;
        case WSBX_OP_i8x16_add_sat_u: binop(c, X64_PADDUSB); break;
        case WSBX_OP_i8x16_sub: binop(c, X64_PSUBB); break;
        case WSBX_OP_i8x16_sub_sat_s: binop(c, X64_PSUBSB); break;
        case WSBX_OP_i8x16_sub_sat_u: binop(c, X64_PSUBUSB); break;
        case WSBX_OP_i8x16_min_s: binop(c, X64_PMINSB); break;
        case WSBX_OP_i8x16_min_u: binop(c, X64_PMINUB); break;
        case WSBX_OP_i8x16_max_s: binop(c, X64_PMAXSB); break;
        case WSBX_OP_i8x16_max_u: binop(c, X64_PMAXUB); break;
        case WSBX_OP_i8x16_avgr_u: binop(c, X64_PAVGB); break;
        case WSBX_OP_i8x16_narrow_i16x8_s: binop(c, X64_PACKSSWB); break;
        case WSBX_OP_i8x16_narrow_i16x8_u: binop(c, X64_PACKUSWB); break;
        case WSBX_OP_i16x8_add: binop(c, X64_PADDW); break;
        case WSBX_OP_i16x8_add_sat_s: binop(c, X64_PADDSW); break;
        case WSBX_OP_i16x8_add_sat_u: binop(c, X64_PADDUSW); break;
        case WSBX_OP_i16x8_sub: binop(c, X64_PSUBW); break;
        case WSBX_OP_i16x8_sub_sat_s: binop(c, X64_PSUBSW); break;
        case WSBX_OP_i16x8_sub_sat_u: binop(c, X64_PSUBUSW); break;
        case WSBX_OP_i16x8_mul: binop(c, X64_PMULLW); break;
        case WSBX_OP_i16x8_min_s: binop(c, X64_PMINSW); break;
        case WSBX_OP_i16x8_min_u: binop(c, X64_PMINUW); break;
        case WSBX_OP_i16x8_max_s: binop(c, X64_PMAXSW); break;
        case WSBX_OP_i16x8_max_u: binop(c, X64_PMAXUW); break;
        case WSBX_OP_i16x8_avgr_u: binop(c, X64_PAVGW); break;
        case WSBX_OP_i16x8_narrow_i32x4_s: binop(c, X64_PACKSSDW); break;
        case WSBX_OP_i16x8_narrow_i32x4_u: binop(c, X64_PACKUSDW); break;
        case WSBX_OP_i32x4_add: binop(c, X64_PADDD); break;
        case WSBX_OP_i32x4_sub: binop(c, X64_PSUBD); break;
        case WSBX_OP_i32x4_mul: binop(c, X64_PMULLD); break;
        case WSBX_OP_i32x4_min_s: binop(c, X64_PMINSD); break;
        case WSBX_OP_i32x4_min_u: binop(c, X64_PMINUD); break;
        case WSBX_OP_i32x4_max_s: binop(c, X64_PMAXSD); break;
        case WSBX_OP_i32x4_max_u: binop(c, X64_PMAXUD); break;
        case WSBX_OP_i32x4_dot_i16x8_s: binop(c, X64_PMADDWD); break;
        case WSBX_OP_i64x2_add: binop(c, X64_PADDQ); break;
        case WSBX_OP_i64x2_sub: binop(c, X64_PSUBQ); break;
        case WSBX_OP_i8x16_abs: unop(c, X64_PABSB, 0); break;
        case WSBX_OP_i16x8_abs: unop(c, X64_PABSW, 0); break;
        case WSBX_OP_i32x4_abs: unop(c, X64_PABSD, 0); break;
        case WSBX_OP_f32x4_add: binop(c, X64_ADDPS); break;
        case WSBX_OP_f32x4_sub: binop(c, X64_SUBPS); break;
        case WSBX_OP_f32x4_mul: binop(c, X64_MULPS); break;
        case WSBX_OP_f32x4_div: binop(c, X64_DIVPS); break;
        case WSBX_OP_f64x2_add: binop(c, X64_ADDPD); break;
        case WSBX_OP_f64x2_sub: binop(c, X64_SUBPD); break;
        case WSBX_OP_f64x2_mul: binop(c, X64_MULPD); break;
        case WSBX_OP_f64x2_div: binop(c, X64_DIVPD); break;
        case WSBX_OP_f32x4_sqrt: unop(c, X64_SQRTPS, 0); break;
        case WSBX_OP_f64x2_sqrt: unop(c, X64_SQRTPD, 0); break;
        /* roundps/pd modes: 0 nearest-even, 1 down, 2 up, 3 toward zero. */
        case WSBX_OP_f32x4_nearest: unop(c, X64_ROUNDPS, 0); break;
        case WSBX_OP_f32x4_floor: unop(c, X64_ROUNDPS, 1); break;
        case WSBX_OP_f32x4_ceil: unop(c, X64_ROUNDPS, 2); break;
        case WSBX_OP_f32x4_trunc: unop(c, X64_ROUNDPS, 3); break;
        case WSBX_OP_f64x2_nearest: unop(c, X64_ROUNDPD, 0); break;
        case WSBX_OP_f64x2_floor: unop(c, X64_ROUNDPD, 1); break;
        case WSBX_OP_f64x2_ceil: unop(c, X64_ROUNDPD, 2); break;
        case WSBX_OP_f64x2_trunc: unop(c, X64_ROUNDPD, 3); break;
        case WSBX_OP_f32x4_convert_i32x4_s: unop(c, X64_CVTDQ2PS, 0); break;
        case WSBX_OP_f64x2_convert_low_i32x4_s: unop(c, X64_CVTDQ2PD, 0); break;
        case WSBX_OP_f32x4_demote_f64x2_zero: unop(c, X64_CVTPD2PS, 0); break;
        case WSBX_OP_f64x2_promote_low_f32x4: unop(c, X64_CVTPS2PD, 0); break;
        case WSBX_OP_i16x8_extend_low_i8x16_s: unop(c, X64_PMOVSXBW, 0); break;
        case WSBX_OP_i16x8_extend_low_i8x16_u: unop(c, X64_PMOVZXBW, 0); break;
        case WSBX_OP_i32x4_extend_low_i16x8_s: unop(c, X64_PMOVSXWD, 0); break;
        case WSBX_OP_i32x4_extend_low_i16x8_u: unop(c, X64_PMOVZXWD, 0); break;
        case WSBX_OP_i64x2_extend_low_i32x4_s: unop(c, X64_PMOVSXDQ, 0); break;
        case WSBX_OP_i64x2_extend_low_i32x4_u: unop(c, X64_PMOVZXDQ, 0); break;
        default:
                return x64_simd_arith_op(c, op, imm);
        }
        return c->fail;
}
