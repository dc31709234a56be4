/* codegen_int.c - integer instructions, memory accesses, locals, globals,
 * tables, references and the builtin calls behind bulk operations.
 *
 * Every handler pops its operands from the abstract stack (target.h) and
 * pushes its result; constants fold into immediates and, when both
 * operands are constant, into a constant result. A compare followed by
 * br_if or if leaves its result in the flags (x64_fuse_branch).
 *
 * Division follows the spec's traps with explicit checks, so idiv never
 * faults: divisor zero -> "integer divide by zero"; INT_MIN / -1 ->
 * "integer overflow"; INT_MIN % -1 is 0 without dividing.
 *
 * Memory accesses use the plan of abi.h: under the static plan the address
 * is [r15 + zext(index) + offset] with no check when offset + size fits in
 * the guard, and the access is recorded as a possible fault
 * (WSBX_TRAP_MEMORY_OOB); otherwise the end of the access is compared with
 * the memory's current size first.
 *
 * Locals live in frame slots; the local cache (target.h) remembers which
 * registers hold which locals, so local.get of a cached local shares its
 * register with the operand stack (instructions read it where it is), and
 * local.set of a register value only notes it (a dirty entry, written
 * back when the register is needed or at a label). A builtin call writes
 * the argument registers without allocating them, so it flushes and
 * empties the cache.
 */
#include "x64/target.h"

#define SCRATCH X64_R11

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static bool fits_i32(uint64_t k)
{
        return (int64_t)k == (int32_t)(uint32_t)k;
}

/* Whether a constant of type t can be an instruction's imm32. */
static bool is_imm(wsbx_valtype t, uint64_t k)
{
        return t == WSBX_I32 || fits_i32(k);
}

/* Moves r out of a popped operand so that r can be claimed. */
static void evict_from(x64_cc *c, x64_val *o, wsbx_gpr r)
{
        if (o->kind == X64_V_REG && !x64_is_float_type(o->type) && o->reg == r) {
                wsbx_gpr n = x64_alloc_gpr(c);
                x64_mov_rr(&c->a, X64_64, n, r);
                x64_free_gpr(c, r);
                o->reg = (uint8_t)n;
        }
}

/* Whether v is in a register the caller may write (after x64_to_gpr,
 * which may take a shared one over). */
static bool owned_reg(const x64_cc *c, const x64_val *v)
{
        return v->kind == X64_V_REG && (!x64_shared(c, v) || x64_stealable(c, v));
}

/* A register holding popped value v, to be read only and then freed with
 * x64_free_gpr: v's own register even when shared. */
static wsbx_gpr src_gpr(x64_cc *c, const x64_val *v)
{
        return v->kind == X64_V_REG ? (wsbx_gpr)v->reg : x64_to_gpr(c, v);
}

static uint64_t trunc_to(wsbx_valtype t, uint64_t v)
{
        return t == WSBX_I32 ? (uint32_t)v : v;
}

/* ------------------------------------------------------------------------ */
/* Arithmetic                                                               */
/* ------------------------------------------------------------------------ */

static uint64_t fold_alu(wsbx_x64_alu op, wsbx_valtype t, uint64_t a, uint64_t b)
{
        switch (op) {
        case X64_ADD:
                return trunc_to(t, a + b);
        case X64_SUB:
                return trunc_to(t, a - b);
        case X64_AND:
                return a & b;
        case X64_OR:
                return a | b;
        default:
                return a ^ b;
        }
}

static void binop_alu(x64_cc *c, wsbx_valtype t, wsbx_x64_alu op, bool commutative)
{
        x64_val rhs = x64_vpop(c), lhs = x64_vpop(c);
        wsbx_x64_size sz = x64_size_of(t);
        if (lhs.kind == X64_V_CONST && rhs.kind == X64_V_CONST) {
                x64_push_const(c, t, fold_alu(op, t, lhs.k, rhs.k));
                return;
        }
        if (commutative && !owned_reg(c, &lhs) && owned_reg(c, &rhs)) {
                x64_val tmp = lhs;
                lhs = rhs;
                rhs = tmp;
        }
        if ((op == X64_ADD || op == X64_SUB) && x64_shared(c, &lhs) && !x64_stealable(c, &lhs)) {
                /* A shared left operand is not copied first: lea puts the
                 * sum in a new register (32-bit lea truncates as i32.add
                 * does). */
                int64_t k = (int32_t)(uint32_t)rhs.k;
                if (op == X64_SUB)
                        k = -k;
                bool reg = op == X64_ADD && rhs.kind == X64_V_REG;
                if (reg || (rhs.kind == X64_V_CONST && fits_i32(rhs.k) && k == (int32_t)k)) {
                        wsbx_gpr d = x64_alloc_gpr(c);
                        x64_lea(&c->a, sz, d,
                                reg ? x64_mem_idx((wsbx_gpr)lhs.reg, (wsbx_gpr)rhs.reg, 1, 0)
                                    : x64_mem((wsbx_gpr)lhs.reg, (int32_t)k));
                        x64_release(c, &lhs);
                        x64_release(c, &rhs);
                        x64_push_reg(c, t, d);
                        return;
                }
        }
        wsbx_gpr d = x64_to_gpr(c, &lhs);
        if (rhs.kind == X64_V_CONST && is_imm(t, rhs.k)) {
                x64_alu_ri(&c->a, op, sz, d, (int32_t)(uint32_t)rhs.k);
        } else if (rhs.kind == X64_V_SLOT) {
                x64_alu_rm(&c->a, op, sz, d, x64_slot(c, rhs.pos));
        } else {
                wsbx_gpr r = src_gpr(c, &rhs);
                x64_alu_rr(&c->a, op, sz, d, r);
                x64_free_gpr(c, r);
        }
        x64_push_reg(c, t, d);
}

static void op_mul(x64_cc *c, wsbx_valtype t)
{
        x64_val rhs = x64_vpop(c), lhs = x64_vpop(c);
        wsbx_x64_size sz = x64_size_of(t);
        if (lhs.kind == X64_V_CONST && rhs.kind == X64_V_CONST) {
                x64_push_const(c, t, trunc_to(t, lhs.k * rhs.k));
                return;
        }
        if (lhs.kind == X64_V_CONST || (!owned_reg(c, &lhs) && owned_reg(c, &rhs))) {
                x64_val tmp = lhs;
                lhs = rhs;
                rhs = tmp;
        }
        if (rhs.kind == X64_V_CONST && is_imm(t, rhs.k)) {
                /* The three-operand form reads a shared register as it is. */
                if (!owned_reg(c, &lhs) && lhs.kind == X64_V_REG) {
                        wsbx_gpr d = x64_alloc_gpr(c);
                        x64_imul_rri(&c->a, sz, d, (wsbx_gpr)lhs.reg, (int32_t)(uint32_t)rhs.k);
                        x64_release(c, &lhs);
                        x64_push_reg(c, t, d);
                        return;
                }
                wsbx_gpr s = x64_to_gpr(c, &lhs);
                x64_imul_rri(&c->a, sz, s, s, (int32_t)(uint32_t)rhs.k);
                x64_push_reg(c, t, s);
                return;
        }
        wsbx_gpr d = x64_to_gpr(c, &lhs);
        if (rhs.kind == X64_V_SLOT) {
                x64_imul_rm(&c->a, sz, d, x64_slot(c, rhs.pos));
        } else {
                wsbx_gpr r = src_gpr(c, &rhs);
                x64_imul_rr(&c->a, sz, d, r);
                x64_free_gpr(c, r);
        }
        x64_push_reg(c, t, d);
}

static void op_divrem(x64_cc *c, wsbx_valtype t, bool is_signed, bool is_rem)
{
        x64_val rhs = x64_vpop(c), lhs = x64_vpop(c);
        wsbx_x64_size sz = x64_size_of(t);
        wsbx_asm *a = &c->a;
        unsigned bits = t == WSBX_I32 ? 32 : 64;
        uint64_t min = 1ull << (bits - 1);
        uint64_t minus1 = trunc_to(t, ~0ull);

        /* rax takes the dividend, rdx the high half; the divisor goes
         * anywhere else (the divisor is only read, so it may be shared
         * with the local cache; the dividend may not, unless it is not
         * already in rax, since then it is copied there). */
        if (lhs.kind == X64_V_REG && lhs.reg == X64_RAX)
                x64_own(c, &lhs);
        evict_from(c, &rhs, X64_RAX);
        evict_from(c, &rhs, X64_RDX);
        evict_from(c, &lhs, X64_RDX);
        if (!(lhs.kind == X64_V_REG && lhs.reg == X64_RAX))
                x64_claim_gpr(c, X64_RAX);
        x64_claim_gpr(c, X64_RDX);
        x64_load_into_gpr(c, &lhs, X64_RAX);
        if (lhs.kind == X64_V_REG && lhs.reg != X64_RAX)
                x64_free_gpr(c, lhs.reg);
        wsbx_gpr r = src_gpr(c, &rhs);

        bool k = rhs.kind == X64_V_CONST;
        if (!k || trunc_to(t, rhs.k) == 0) {
                wsbx_label trap = x64_trap_label(c, WSBX_TRAP_INT_DIV_ZERO);
                if (k) {
                        x64_jmp(a, trap);
                } else {
                        x64_test_rr(a, sz, r, r);
                        x64_jcc(a, X64_CC_E, trap);
                }
        }
        wsbx_label done = WSBX_NO_LABEL;
        if (is_signed && (!k || trunc_to(t, rhs.k) == minus1)) {
                wsbx_label div = wsbx_asm_label_new(a);
                if (!k) {
                        x64_alu_ri(a, X64_CMP, sz, r, -1);
                        x64_jcc(a, X64_CC_NE, div);
                }
                if (is_rem) {
                        /* x % -1 is 0 for every x, INT_MIN included. */
                        done = wsbx_asm_label_new(a);
                        x64_alu_rr(a, X64_XOR, X64_32, X64_RDX, X64_RDX);
                        x64_jmp(a, done);
                } else {
                        if (t == WSBX_I32) {
                                x64_alu_ri(a, X64_CMP, X64_32, X64_RAX, (int32_t)(uint32_t)min);
                        } else {
                                x64_mov_ri(a, X64_64, SCRATCH, min);
                                x64_alu_rr(a, X64_CMP, X64_64, X64_RAX, SCRATCH);
                        }
                        x64_jcc(a, X64_CC_E, x64_trap_label(c, WSBX_TRAP_INT_OVERFLOW));
                }
                wsbx_asm_bind(a, div);
        }
        if (is_signed) {
                x64_cdq(a, sz);
                x64_unop_r(a, X64_IDIV, sz, r);
        } else {
                x64_alu_rr(a, X64_XOR, X64_32, X64_RDX, X64_RDX);
                x64_unop_r(a, X64_DIV, sz, r);
        }
        if (done != WSBX_NO_LABEL)
                wsbx_asm_bind(a, done);
        x64_free_gpr(c, r);
        if (is_rem) {
                x64_free_gpr(c, X64_RAX);
                x64_push_reg(c, t, X64_RDX);
        } else {
                x64_free_gpr(c, X64_RDX);
                x64_push_reg(c, t, X64_RAX);
        }
}

static uint64_t fold_shift(wsbx_x64_shift op, wsbx_valtype t, uint64_t a, uint64_t n)
{
        unsigned bits = t == WSBX_I32 ? 32 : 64;
        n &= bits - 1;
        switch (op) {
        case X64_SHL:
                return trunc_to(t, a << n);
        case X64_SHR:
                return a >> n;
        case X64_SAR:
                return t == WSBX_I32 ? (uint32_t)((int32_t)a >> n) : (uint64_t)((int64_t)a >> n);
        case X64_ROL:
                return n ? trunc_to(t, (a << n) | (a >> (bits - n))) : a;
        default:
                return n ? trunc_to(t, (a >> n) | (a << (bits - n))) : a;
        }
}

static void op_shift(x64_cc *c, wsbx_valtype t, wsbx_x64_shift op)
{
        x64_val rhs = x64_vpop(c), lhs = x64_vpop(c);
        wsbx_x64_size sz = x64_size_of(t);
        unsigned mask = t == WSBX_I32 ? 31 : 63;
        if (lhs.kind == X64_V_CONST && rhs.kind == X64_V_CONST) {
                x64_push_const(c, t, fold_shift(op, t, lhs.k, rhs.k));
                return;
        }
        if (rhs.kind == X64_V_CONST) {
                unsigned k = (unsigned)(rhs.k & mask);
                if (op == X64_SHL && k >= 1 && k <= 3 && x64_shared(c, &lhs) && !x64_stealable(c, &lhs)) {
                        /* A shared register shifted by 1-3 into a new one:
                         * lea computes it without a copy first. */
                        wsbx_gpr d = x64_alloc_gpr(c);
                        wsbx_gpr s = (wsbx_gpr)lhs.reg;
                        x64_lea(&c->a, sz, d,
                                k == 1 ? x64_mem_idx(s, s, 1, 0) : x64_mem_idx(X64_NOREG, s, 1u << k, 0));
                        x64_release(c, &lhs);
                        x64_push_reg(c, t, d);
                        return;
                }
                wsbx_gpr d = x64_to_gpr(c, &lhs);
                if (rhs.k & mask)
                        x64_shift_ri(&c->a, op, sz, d, (uint8_t)(rhs.k & mask));
                x64_push_reg(c, t, d);
                return;
        }
        if ((c->features & X64_FEAT_BMI2) && (op == X64_SHL || op == X64_SHR || op == X64_SAR)) {
                wsbx_gpr n = x64_to_gpr(c, &rhs);
                wsbx_gpr d = x64_to_gpr(c, &lhs);
                x64_bmi_rrr(&c->a, op == X64_SHL ? X64_SHLX : op == X64_SHR ? X64_SHRX : X64_SARX, sz, d,
                            d, n);
                c->used_features |= WSBX_CPU_BMI2;
                x64_free_gpr(c, n);
                x64_push_reg(c, t, d);
                return;
        }
        if (!(rhs.kind == X64_V_REG && rhs.reg == X64_RCX)) {
                evict_from(c, &lhs, X64_RCX);
                x64_claim_gpr(c, X64_RCX);
                x64_load_into_gpr(c, &rhs, X64_RCX);
                x64_release(c, &rhs);
        }
        wsbx_gpr d = x64_to_gpr(c, &lhs);
        x64_shift_cl(&c->a, op, sz, d);
        x64_free_gpr(c, X64_RCX);
        x64_push_reg(c, t, d);
}

static void op_bitcount(x64_cc *c, wsbx_valtype t, wsbx_x64_bitop op)
{
        x64_val v = x64_vpop(c);
        wsbx_x64_size sz = x64_size_of(t);
        unsigned bits = t == WSBX_I32 ? 32 : 64;
        if (v.kind == X64_V_CONST) {
                uint64_t k = v.k, r;
                if (op == X64_LZCNT)
                        r = k == 0 ? bits : (unsigned)__builtin_clzll(k) - (64 - bits);
                else if (op == X64_TZCNT)
                        r = k == 0 ? bits : (unsigned)__builtin_ctzll(k);
                else
                        r = (unsigned)__builtin_popcountll(k);
                x64_push_const(c, t, r);
                return;
        }
        wsbx_gpr d = x64_to_gpr(c, &v);
        if (op == X64_POPCNT) {
                x64_bitop_rr(&c->a, X64_POPCNT, sz, d, d);
        } else if (op == X64_LZCNT && (c->features & X64_FEAT_LZCNT)) {
                x64_bitop_rr(&c->a, X64_LZCNT, sz, d, d);
                c->used_features |= WSBX_CPU_LZCNT;
        } else if (op == X64_TZCNT && (c->features & X64_FEAT_BMI1)) {
                x64_bitop_rr(&c->a, X64_TZCNT, sz, d, d);
                c->used_features |= WSBX_CPU_BMI1;
        } else if (op == X64_LZCNT) {
                /* bsr gives the index of the top bit; zero sets ZF and
                 * leaves the destination undefined, so cmov puts 2*bits-1
                 * there, which the xor turns into `bits`. */
                x64_bitop_rr(&c->a, X64_BSR, sz, d, d);
                x64_mov_ri(&c->a, X64_32, SCRATCH, 2 * bits - 1);
                x64_cmov_rr(&c->a, X64_CC_E, sz, d, SCRATCH);
                x64_alu_ri(&c->a, X64_XOR, sz, d, (int32_t)bits - 1);
        } else {
                x64_bitop_rr(&c->a, X64_BSF, sz, d, d);
                x64_mov_ri(&c->a, X64_32, SCRATCH, bits);
                x64_cmov_rr(&c->a, X64_CC_E, sz, d, SCRATCH);
        }
        x64_push_reg(c, t, d);
}

/* The condition that holds with the operands swapped. */
static wsbx_x64_cc cc_swap(wsbx_x64_cc cc)
{
        switch (cc) {
        case X64_CC_L: return X64_CC_G;
        case X64_CC_G: return X64_CC_L;
        case X64_CC_LE: return X64_CC_GE;
        case X64_CC_GE: return X64_CC_LE;
        case X64_CC_B: return X64_CC_A;
        case X64_CC_A: return X64_CC_B;
        case X64_CC_BE: return X64_CC_AE;
        case X64_CC_AE: return X64_CC_BE;
        default: return cc;
        }
}

static bool fold_cc(wsbx_x64_cc cc, wsbx_valtype t, uint64_t a, uint64_t b)
{
        int64_t sa = t == WSBX_I32 ? (int32_t)a : (int64_t)a;
        int64_t sb = t == WSBX_I32 ? (int32_t)b : (int64_t)b;
        switch (cc) {
        case X64_CC_E: return a == b;
        case X64_CC_NE: return a != b;
        case X64_CC_L: return sa < sb;
        case X64_CC_G: return sa > sb;
        case X64_CC_LE: return sa <= sb;
        case X64_CC_GE: return sa >= sb;
        case X64_CC_B: return a < b;
        case X64_CC_A: return a > b;
        case X64_CC_BE: return a <= b;
        default: return a >= b;
        }
}

/* The 0/1 result of a compare in the flags, or a fused branch. */
static void cc_result(x64_cc *c, wsbx_x64_cc cc)
{
        if (x64_fuse_branch(c, cc))
                return;
        wsbx_gpr d = x64_alloc_gpr(c);
        x64_setcc_zx(&c->a, cc, d);
        x64_push_reg(c, WSBX_I32, d);
}

static void op_compare(x64_cc *c, wsbx_valtype t, wsbx_x64_cc cc)
{
        x64_val rhs = x64_vpop(c), lhs = x64_vpop(c);
        wsbx_x64_size sz = x64_size_of(t);
        if (lhs.kind == X64_V_CONST && rhs.kind == X64_V_CONST) {
                x64_push_const(c, WSBX_I32, fold_cc(cc, t, lhs.k, rhs.k));
                return;
        }
        if (lhs.kind != X64_V_REG && rhs.kind == X64_V_REG) {
                x64_val tmp = lhs;
                lhs = rhs;
                rhs = tmp;
                cc = cc_swap(cc);
        }
        wsbx_gpr l = src_gpr(c, &lhs);
        if (rhs.kind == X64_V_CONST && is_imm(t, rhs.k)) {
                if (rhs.k == 0 && (cc == X64_CC_E || cc == X64_CC_NE))
                        x64_test_rr(&c->a, sz, l, l);
                else
                        x64_alu_ri(&c->a, X64_CMP, sz, l, (int32_t)(uint32_t)rhs.k);
        } else if (rhs.kind == X64_V_SLOT) {
                x64_alu_rm(&c->a, X64_CMP, sz, l, x64_slot(c, rhs.pos));
        } else {
                wsbx_gpr r = src_gpr(c, &rhs);
                x64_alu_rr(&c->a, X64_CMP, sz, l, r);
                x64_free_gpr(c, r);
        }
        x64_free_gpr(c, l);
        cc_result(c, cc);
}

static void op_eqz(x64_cc *c, wsbx_valtype t)
{
        x64_val v = x64_vpop(c);
        if (v.kind == X64_V_CONST) {
                x64_push_const(c, WSBX_I32, v.k == 0);
                return;
        }
        if (v.kind == X64_V_SLOT) {
                x64_alu_mi(&c->a, X64_CMP, x64_size_of(t), x64_slot(c, v.pos), 0);
        } else {
                x64_test_rr(&c->a, x64_size_of(t), (wsbx_gpr)v.reg, (wsbx_gpr)v.reg);
                x64_free_gpr(c, v.reg);
        }
        cc_result(c, X64_CC_E);
}

static void op_extend(x64_cc *c, wsbx_valtype to, wsbx_x64_ext kind)
{
        x64_val v = x64_vpop(c);
        if (v.kind == X64_V_CONST) {
                uint64_t k = v.k;
                switch (kind) {
                case X64_SX8_32: k = (uint32_t)(int32_t)(int8_t)k; break;
                case X64_SX16_32: k = (uint32_t)(int32_t)(int16_t)k; break;
                case X64_SX8_64: k = (uint64_t)(int64_t)(int8_t)k; break;
                case X64_SX16_64: k = (uint64_t)(int64_t)(int16_t)k; break;
                case X64_SX32_64: k = (uint64_t)(int64_t)(int32_t)k; break;
                default: k = (uint32_t)k; break;
                }
                x64_push_const(c, to, k);
                return;
        }
        wsbx_gpr d;
        if (v.kind == X64_V_SLOT) {
                d = x64_alloc_gpr(c);
                x64_load(&c->a, kind, d, x64_slot(c, v.pos));
        } else {
                d = x64_to_gpr(c, &v);
                x64_extend(&c->a, kind, d, d);
        }
        x64_push_reg(c, to, d);
}

wsbx_errkind x64_int_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm)
{
        (void)imm;
        const wsbx_valtype I = WSBX_I32, L = WSBX_I64;
        switch (op) {
        case WSBX_OP_i32_eqz: op_eqz(c, I); break;
        case WSBX_OP_i64_eqz: op_eqz(c, L); break;
        case WSBX_OP_i32_eq: op_compare(c, I, X64_CC_E); break;
        case WSBX_OP_i32_ne: op_compare(c, I, X64_CC_NE); break;
        case WSBX_OP_i32_lt_s: op_compare(c, I, X64_CC_L); break;
        case WSBX_OP_i32_lt_u: op_compare(c, I, X64_CC_B); break;
        case WSBX_OP_i32_gt_s: op_compare(c, I, X64_CC_G); break;
        case WSBX_OP_i32_gt_u: op_compare(c, I, X64_CC_A); break;
        case WSBX_OP_i32_le_s: op_compare(c, I, X64_CC_LE); break;
        case WSBX_OP_i32_le_u: op_compare(c, I, X64_CC_BE); break;
        case WSBX_OP_i32_ge_s: op_compare(c, I, X64_CC_GE); break;
        case WSBX_OP_i32_ge_u: op_compare(c, I, X64_CC_AE); break;
        case WSBX_OP_i64_eq: op_compare(c, L, X64_CC_E); break;
        case WSBX_OP_i64_ne: op_compare(c, L, X64_CC_NE); break;
        case WSBX_OP_i64_lt_s: op_compare(c, L, X64_CC_L); break;
        case WSBX_OP_i64_lt_u: op_compare(c, L, X64_CC_B); break;
        case WSBX_OP_i64_gt_s: op_compare(c, L, X64_CC_G); break;
        case WSBX_OP_i64_gt_u: op_compare(c, L, X64_CC_A); break;
        case WSBX_OP_i64_le_s: op_compare(c, L, X64_CC_LE); break;
        case WSBX_OP_i64_le_u: op_compare(c, L, X64_CC_BE); break;
        case WSBX_OP_i64_ge_s: op_compare(c, L, X64_CC_GE); break;
        case WSBX_OP_i64_ge_u: op_compare(c, L, X64_CC_AE); break;
        case WSBX_OP_i32_clz: op_bitcount(c, I, X64_LZCNT); break;
        case WSBX_OP_i32_ctz: op_bitcount(c, I, X64_TZCNT); break;
        case WSBX_OP_i32_popcnt: op_bitcount(c, I, X64_POPCNT); break;
        case WSBX_OP_i64_clz: op_bitcount(c, L, X64_LZCNT); break;
        case WSBX_OP_i64_ctz: op_bitcount(c, L, X64_TZCNT); break;
        case WSBX_OP_i64_popcnt: op_bitcount(c, L, X64_POPCNT); break;
        case WSBX_OP_i32_add: binop_alu(c, I, X64_ADD, true); break;
        case WSBX_OP_i32_sub: binop_alu(c, I, X64_SUB, false); break;
        case WSBX_OP_i32_and: binop_alu(c, I, X64_AND, true); break;
        case WSBX_OP_i32_or: binop_alu(c, I, X64_OR, true); break;
        case WSBX_OP_i32_xor: binop_alu(c, I, X64_XOR, true); break;
        case WSBX_OP_i64_add: binop_alu(c, L, X64_ADD, true); break;
        case WSBX_OP_i64_sub: binop_alu(c, L, X64_SUB, false); break;
        case WSBX_OP_i64_and: binop_alu(c, L, X64_AND, true); break;
        case WSBX_OP_i64_or: binop_alu(c, L, X64_OR, true); break;
        case WSBX_OP_i64_xor: binop_alu(c, L, X64_XOR, true); break;
        case WSBX_OP_i32_mul: op_mul(c, I); break;
        case WSBX_OP_i64_mul: op_mul(c, L); break;
        case WSBX_OP_i32_div_s: op_divrem(c, I, true, false); break;
        case WSBX_OP_i32_div_u: op_divrem(c, I, false, false); break;
        case WSBX_OP_i32_rem_s: op_divrem(c, I, true, true); break;
        case WSBX_OP_i32_rem_u: op_divrem(c, I, false, true); break;
        case WSBX_OP_i64_div_s: op_divrem(c, L, true, false); break;
        case WSBX_OP_i64_div_u: op_divrem(c, L, false, false); break;
        case WSBX_OP_i64_rem_s: op_divrem(c, L, true, true); break;
        case WSBX_OP_i64_rem_u: op_divrem(c, L, false, true); break;
        case WSBX_OP_i32_shl: op_shift(c, I, X64_SHL); break;
        case WSBX_OP_i32_shr_s: op_shift(c, I, X64_SAR); break;
        case WSBX_OP_i32_shr_u: op_shift(c, I, X64_SHR); break;
        case WSBX_OP_i32_rotl: op_shift(c, I, X64_ROL); break;
        case WSBX_OP_i32_rotr: op_shift(c, I, X64_ROR); break;
        case WSBX_OP_i64_shl: op_shift(c, L, X64_SHL); break;
        case WSBX_OP_i64_shr_s: op_shift(c, L, X64_SAR); break;
        case WSBX_OP_i64_shr_u: op_shift(c, L, X64_SHR); break;
        case WSBX_OP_i64_rotl: op_shift(c, L, X64_ROL); break;
        case WSBX_OP_i64_rotr: op_shift(c, L, X64_ROR); break;
        case WSBX_OP_i32_extend8_s: op_extend(c, I, X64_SX8_32); break;
        case WSBX_OP_i32_extend16_s: op_extend(c, I, X64_SX16_32); break;
        case WSBX_OP_i64_extend8_s: op_extend(c, L, X64_SX8_64); break;
        case WSBX_OP_i64_extend16_s: op_extend(c, L, X64_SX16_64); break;
        case WSBX_OP_i64_extend32_s: op_extend(c, L, X64_SX32_64); break;
        case WSBX_OP_i64_extend_i32_s: op_extend(c, L, X64_SX32_64); break;
        case WSBX_OP_i32_wrap_i64: op_extend(c, I, X64_ZX32); break;
        case WSBX_OP_i64_extend_i32_u: {
                /* An i32 in a register is already zero-extended. */
                x64_val v = x64_vpop(c);
                if (v.kind == X64_V_REG)
                        x64_push_reg(c, L, v.reg);
                else if (v.kind == X64_V_CONST)
                        x64_push_const(c, L, (uint32_t)v.k);
                else {
                        wsbx_gpr d = x64_alloc_gpr(c);
                        x64_mov_rm(&c->a, X64_32, d, x64_slot(c, v.pos));
                        x64_push_reg(c, L, d);
                }
                break;
        }
        default:
                return x64_unsupported(c, op);
        }
        return c->fail;
}

/* ------------------------------------------------------------------------ */
/* Memory                                                                   */
/* ------------------------------------------------------------------------ */

wsbx_x64_mem x64_mem_operand(x64_cc *c, uint64_t offset, unsigned size, wsbx_gpr *owned)
{
        x64_val idx = x64_vpop(c);
        wsbx_asm *a = &c->a;
        const wsbx_memtype *mt = c->m->nmemories ? &c->m->memories[0] : NULL;
        bool is_static = !c->opts->bounds_checks && mt && !mt->is64;
        *owned = X64_NOREG;
        if (!mt) {
                x64_fail(c, WSBX_ERR_INVALID, "unknown memory 0");
                return x64_mem(X64_R15, 0);
        }
        if (is_static && offset + size <= WSBX_MEMORY_GUARD) {
                if (idx.kind == X64_V_CONST) {
                        uint64_t ea = (uint32_t)idx.k + offset;
                        if (ea <= INT32_MAX)
                                return x64_mem(X64_R15, (int32_t)ea);
                        wsbx_gpr r = x64_alloc_gpr(c);
                        x64_mov_ri(a, X64_64, r, ea);
                        *owned = r;
                        return x64_mem_idx(X64_R15, r, 1, 0);
                }
                /* Only read: a shared register serves as it is. */
                wsbx_gpr r = src_gpr(c, &idx);
                *owned = r;
                return x64_mem_idx(X64_R15, r, 1, (int32_t)offset);
        }
        /* Explicit check: index + offset + size <= current size, in 64
         * bits (no wrap: each term is below 2^32). */
        wsbx_gpr r = x64_to_gpr(c, &idx);
        *owned = r;
        wsbx_gpr t = x64_alloc_gpr(c);
        uint64_t end = offset + size;
        if (end <= INT32_MAX) {
                x64_lea(a, X64_64, t, x64_mem(r, (int32_t)end));
        } else {
                x64_mov_ri(a, X64_64, t, end);
                x64_alu_rr(a, X64_ADD, X64_64, t, r);
        }
        x64_mov_rm(a, X64_64, SCRATCH, x64_mem(X64_R14, WSBX_VMCTX_MEM0));
        x64_alu_rm(a, X64_CMP, X64_64, t, x64_mem(SCRATCH, WSBX_MEMORY_SIZE));
        x64_jcc(a, X64_CC_A, x64_trap_label(c, WSBX_TRAP_MEMORY_OOB));
        x64_free_gpr(c, t);
        if (offset <= INT32_MAX)
                return x64_mem_idx(X64_R15, r, 1, (int32_t)offset);
        x64_mov_ri(a, X64_64, SCRATCH, offset);
        x64_alu_rr(a, X64_ADD, X64_64, r, SCRATCH);
        return x64_mem_idx(X64_R15, r, 1, 0);
}

static void op_load(x64_cc *c, const x64_imm *imm, wsbx_valtype t, wsbx_x64_ext kind, unsigned size)
{
        wsbx_gpr owned;
        wsbx_x64_mem m = x64_mem_operand(c, imm->b, size, &owned);
        if (x64_is_float_type(t)) {
                unsigned d = x64_alloc_xmm(c);
                x64_trap_here(c, WSBX_TRAP_MEMORY_OOB);
                x64_load_typed(c, t, d, m);
                if (owned != X64_NOREG)
                        x64_free_gpr(c, owned);
                x64_push_reg(c, t, d);
                return;
        }
        wsbx_gpr d = owned != X64_NOREG && !c->shared[owned] ? owned : x64_alloc_gpr(c);
        x64_trap_here(c, WSBX_TRAP_MEMORY_OOB);
        x64_load(&c->a, kind, d, m);
        if (owned != X64_NOREG && owned != d)
                x64_free_gpr(c, owned);
        x64_push_reg(c, t, d);
}

static void op_store(x64_cc *c, const x64_imm *imm, unsigned size)
{
        x64_val v = x64_vpop(c);
        wsbx_gpr owned;
        wsbx_x64_mem m = x64_mem_operand(c, imm->b, size, &owned);
        wsbx_x64_size sz = size == 1 ? X64_8 : size == 2 ? X64_16 : size == 4 ? X64_32 : X64_64;
        if (x64_is_float_type(v.type)) {
                unsigned r = v.kind == X64_V_REG ? v.reg : x64_to_xmm(c, &v);
                x64_trap_here(c, WSBX_TRAP_MEMORY_OOB);
                x64_store_typed(c, v.type, m, r);
                x64_free_xmm(c, r);
        } else if (v.kind == X64_V_CONST && (size < 8 || fits_i32(v.k))) {
                x64_trap_here(c, WSBX_TRAP_MEMORY_OOB);
                x64_mov_mi(&c->a, sz, m, (int32_t)(uint32_t)v.k);
        } else {
                wsbx_gpr r = src_gpr(c, &v);
                x64_trap_here(c, WSBX_TRAP_MEMORY_OOB);
                x64_mov_mr(&c->a, sz, m, r);
                x64_free_gpr(c, r);
        }
        if (owned != X64_NOREG)
                x64_free_gpr(c, owned);
}

static x64_val kconst(uint64_t k)
{
        return (x64_val){ .kind = X64_V_CONST, .type = WSBX_I32, .k = k };
}

void x64_call_builtin(x64_cc *c, wsbx_builtin b, const x64_val *args, unsigned nargs)
{
        static const uint8_t regs[] = { X64_RSI, X64_RDX, X64_RCX, X64_R8, X64_R9 };
        x64_val v[5];
        if (NEVER(nargs > 5)) {
                x64_fail(c, WSBX_ERR_LIMIT, "builtin arguments");
                return;
        }
        /* The argument registers are written without being allocated. */
        x64_lc_clear(c);
        x64_spill_all(c);
        /* Popped register operands go to their slots first: loading the
         * argument registers one by one could overwrite one of them. */
        for (unsigned i = 0; i < nargs; i++) {
                v[i] = args[i];
                if (v[i].kind == X64_V_REG) {
                        x64_store_typed(c, v[i].type, x64_slot(c, v[i].pos), v[i].reg);
                        x64_release(c, &v[i]);
                        v[i].kind = X64_V_SLOT;
                }
        }
        for (unsigned i = 0; i < nargs; i++)
                x64_load_into_gpr(c, &v[i], (wsbx_gpr)regs[i]);
        x64_mov_rr(&c->a, X64_64, X64_RDI, X64_R14);
        x64_mov_rm(&c->a, X64_64, X64_RAX, x64_mem(X64_R14, WSBX_VMCTX_BUILTINS));
        x64_addr_here(c);
        x64_call_m(&c->a, x64_mem(X64_RAX, 8 * (int32_t)b));
        c->gpr_used = 0;
        c->xmm_used = 0;
        memset(c->shared, 0, sizeof c->shared);
}

static void push_rax(x64_cc *c, wsbx_valtype t)
{
        c->gpr_used |= 1u << X64_RAX;
        x64_push_reg(c, t, X64_RAX);
}

wsbx_errkind x64_memory_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm)
{
        const wsbx_valtype I = WSBX_I32, L = WSBX_I64;
        switch (op) {
        case WSBX_OP_i32_load: op_load(c, imm, I, X64_ZX32, 4); break;
        case WSBX_OP_i64_load: op_load(c, imm, L, X64_MOV64, 8); break;
        case WSBX_OP_f32_load: op_load(c, imm, WSBX_F32, X64_ZX32, 4); break;
        case WSBX_OP_f64_load: op_load(c, imm, WSBX_F64, X64_MOV64, 8); break;
        case WSBX_OP_i32_load8_s: op_load(c, imm, I, X64_SX8_32, 1); break;
        case WSBX_OP_i32_load8_u: op_load(c, imm, I, X64_ZX8, 1); break;
        case WSBX_OP_i32_load16_s: op_load(c, imm, I, X64_SX16_32, 2); break;
        case WSBX_OP_i32_load16_u: op_load(c, imm, I, X64_ZX16, 2); break;
        case WSBX_OP_i64_load8_s: op_load(c, imm, L, X64_SX8_64, 1); break;
        case WSBX_OP_i64_load8_u: op_load(c, imm, L, X64_ZX8, 1); break;
        case WSBX_OP_i64_load16_s: op_load(c, imm, L, X64_SX16_64, 2); break;
        case WSBX_OP_i64_load16_u: op_load(c, imm, L, X64_ZX16, 2); break;
        case WSBX_OP_i64_load32_s: op_load(c, imm, L, X64_SX32_64, 4); break;
        case WSBX_OP_i64_load32_u: op_load(c, imm, L, X64_ZX32, 4); break;
        case WSBX_OP_i32_store: op_store(c, imm, 4); break;
        case WSBX_OP_i64_store: op_store(c, imm, 8); break;
        case WSBX_OP_f32_store: op_store(c, imm, 4); break;
        case WSBX_OP_f64_store: op_store(c, imm, 8); break;
        case WSBX_OP_i32_store8: op_store(c, imm, 1); break;
        case WSBX_OP_i32_store16: op_store(c, imm, 2); break;
        case WSBX_OP_i64_store8: op_store(c, imm, 1); break;
        case WSBX_OP_i64_store16: op_store(c, imm, 2); break;
        case WSBX_OP_i64_store32: op_store(c, imm, 4); break;
        case WSBX_OP_memory_size: {
                wsbx_gpr d = x64_alloc_gpr(c);
                x64_mov_rm(&c->a, X64_64, d, x64_mem(X64_R14, WSBX_VMCTX_MEM0));
                x64_mov_rm(&c->a, X64_64, d, x64_mem(d, WSBX_MEMORY_SIZE));
                x64_shift_ri(&c->a, X64_SHR, X64_64, d, 16);
                x64_push_reg(c, I, d);
                break;
        }
        case WSBX_OP_memory_grow: {
                x64_val args[2] = { kconst(0), x64_vpop(c) };
                x64_call_builtin(c, WSBX_BUILTIN_MEMORY_GROW, args, 2);
                x64_mov_rm(&c->a, X64_64, X64_R15, x64_mem(X64_R14, WSBX_VMCTX_MEM0_BASE));
                push_rax(c, I);
                break;
        }
        case WSBX_OP_memory_fill: {
                x64_val n = x64_vpop(c), v = x64_vpop(c), d = x64_vpop(c);
                x64_val args[4] = { kconst(0), d, v, n };
                x64_call_builtin(c, WSBX_BUILTIN_MEMORY_FILL, args, 4);
                break;
        }
        case WSBX_OP_memory_copy: {
                x64_val n = x64_vpop(c), s = x64_vpop(c), d = x64_vpop(c);
                x64_val args[5] = { kconst(imm->a), kconst(imm->b), d, s, n };
                x64_call_builtin(c, WSBX_BUILTIN_MEMORY_COPY, args, 5);
                break;
        }
        case WSBX_OP_memory_init: {
                x64_val n = x64_vpop(c), s = x64_vpop(c), d = x64_vpop(c);
                x64_val args[5] = { kconst(imm->b), kconst(imm->a), d, s, n };
                x64_call_builtin(c, WSBX_BUILTIN_MEMORY_INIT, args, 5);
                break;
        }
        case WSBX_OP_data_drop: {
                x64_val args[1] = { kconst(imm->a) };
                x64_call_builtin(c, WSBX_BUILTIN_DATA_DROP, args, 1);
                break;
        }
        default:
                return x64_unsupported(c, op);
        }
        return c->fail;
}

/* ------------------------------------------------------------------------ */
/* Locals, globals, tables, references                                      */
/* ------------------------------------------------------------------------ */

static unsigned alloc_for(x64_cc *c, wsbx_valtype t)
{
        return x64_is_float_type(t) ? x64_alloc_xmm(c) : (unsigned)x64_alloc_gpr(c);
}

/* The cell of global g; may load its address into r11. */
static wsbx_x64_mem global_cell(x64_cc *c, uint32_t g)
{
        const wsbx_module *m = c->m;
        if (g < m->nimported_globals) {
                x64_mov_rm(&c->a, X64_64, SCRATCH,
                           x64_mem(X64_R14, (int32_t)(c->lay.imported_globals + 8 * g)));
                return x64_mem(SCRATCH, 0);
        }
        return x64_mem(X64_R14, (int32_t)(c->lay.defined_globals + 16 * (g - m->nimported_globals)));
}

static wsbx_x64_mem table_def(x64_cc *c, uint64_t t)
{
        x64_mov_rm(&c->a, X64_64, SCRATCH, x64_mem(X64_R14, (int32_t)(c->lay.tables + 8 * t)));
        return x64_mem(SCRATCH, 0);
}

/* r11 = the table's elements after checking idx < size. */
static void table_check(x64_cc *c, uint64_t t, wsbx_gpr idx)
{
        wsbx_x64_mem def = table_def(c, t);
        def.disp = WSBX_TABLE_SIZE;
        x64_alu_rm(&c->a, X64_CMP, X64_64, idx, def);
        x64_jcc(&c->a, X64_CC_AE, x64_trap_label(c, WSBX_TRAP_TABLE_OOB));
        x64_mov_rm(&c->a, X64_64, SCRATCH, x64_mem(SCRATCH, WSBX_TABLE_ELEMS));
}

/* ------------------------------------------------------------------------ */
/* Locals: the register cache (target.h) on top of the frame slots          */
/* ------------------------------------------------------------------------ */

/* The bit caching local x, or 32. A local is cached in at most one
 * register: every x64_lc_note of x comes after x was forgotten or found
 * uncached. */
static unsigned lc_find(const x64_cc *c, uint32_t x)
{
        unsigned b = c->lc_bit[x];
        if (b < 32 && (c->lc_valid & (1u << b)) && c->lc_local[b] == x)
                return b;
        return 32;
}

/* Drops x's entry without storing it: x is about to be overwritten. */
static void lc_forget_local(x64_cc *c, uint32_t x)
{
        unsigned b = lc_find(c, x);
        if (b < 32) {
                c->lc_valid &= ~(1u << b);
                c->lc_dirty &= ~(1u << b);
        }
}

static void reg_copy(x64_cc *c, wsbx_valtype t, unsigned d, unsigned s)
{
        if (x64_is_float_type(t))
                x64_sse_rr(&c->a, X64_MOVAPS, d, s);
        else
                x64_mov_rr(&c->a, X64_64, (wsbx_gpr)d, (wsbx_gpr)s);
}

void x64_local_get(x64_cc *c, uint32_t x)
{
        wsbx_valtype t = c->local_type[x];
        unsigned base = x64_is_float_type(t) ? LC_XMM : 0;
        unsigned b = lc_find(c, x);
        if (b < 32) {
                /* The stack shares the cached register: no move; whoever
                 * needs to write the value copies it (x64_to_gpr). */
                if (base)
                        c->xmm_used |= 1u << (b - base);
                else
                        c->gpr_used |= 1u << b;
                c->shared[b]++;
                x64_push_reg(c, t, b - base);
                return;
        }
        /* A miss loads into a register the stack owns; keeping a cached
         * copy as well costs a move per miss in code size and compile time
         * for little gain, since loops preload the locals they read. */
        unsigned r = alloc_for(c, t);
        x64_load_typed(c, t, r, x64_local(c, x));
        x64_push_reg(c, t, r);
}

void x64_local_set(x64_cc *c, uint32_t x, bool tee)
{
        lc_forget_local(c, x);
        if (tee) {
                const x64_val *top = &c->stack[c->sp - 1];
                /* The stack owns the value's register, so a copy is what
                 * gets cached (dirty); without a spare register the value
                 * goes to the slot. */
                if (top->kind == X64_V_REG && x64_have_spare(c, top->type)) {
                        wsbx_valtype t = top->type;
                        unsigned s = top->reg;
                        unsigned d = alloc_for(c, t);
                        reg_copy(c, t, d, s);
                        if (x64_is_float_type(t))
                                x64_free_xmm(c, d);
                        else
                                x64_free_gpr(c, d);
                        x64_lc_note(c, t, d, x, true);
                } else {
                        x64_store_val(c, top, x64_local(c, x));
                }
                return;
        }
        x64_val v = x64_vpop(c);
        /* A register caches one local: another local's register is
         * copied. */
        x64_own(c, &v);
        if (v.kind == X64_V_CONST && v.type != WSBX_V128 && x64_have_spare(c, v.type)) {
                /* Cached from the start: typically a loop counter's first
                 * value, which then reaches the loop header in a register. */
                unsigned r = alloc_for(c, v.type);
                x64_copy_to_reg(c, &v, r);
                v.kind = X64_V_REG;
                v.reg = (uint8_t)r;
        }
        if (v.kind == X64_V_REG) {
                /* The register becomes free and caches x, dirty. */
                x64_release(c, &v);
                x64_lc_note(c, v.type, v.reg, x, true);
                return;
        }
        x64_store_val(c, &v, x64_local(c, x));
}

/* Whether the current cache includes loop k's header cache. */
bool x64_lc_satisfies(const x64_cc *c, const x64_ctl *k)
{
        if ((c->lc_valid & k->lc_valid) != k->lc_valid)
                return false;
        uint32_t m = k->lc_valid;
        while (m) {
                unsigned b = (unsigned)__builtin_ctz(m);
                m &= m - 1;
                if (c->lc_local[b] != k->lc_local[b])
                        return false;
        }
        return true;
}

/* On a back edge to loop k, just before the jump: the header's registers
 * get their locals, by a parallel move from registers that cache them now
 * or else from the slots. Registers are written whoever owns them: the
 * code after the jump is the header's. */
void x64_lc_restore(x64_cc *c, const x64_ctl *k)
{
        x64_move mv[32];
        unsigned n = 0;
        uint32_t load = 0;
        /* At the header only its own locals may be dirty. */
        uint32_t keep = 0;
        for (uint32_t d = c->lc_dirty; d;) {
                unsigned b = (unsigned)__builtin_ctz(d);
                d &= d - 1;
                for (uint32_t h = k->lc_valid; h;) {
                        unsigned hb = (unsigned)__builtin_ctz(h);
                        h &= h - 1;
                        if (k->lc_local[hb] == c->lc_local[b]) {
                                keep |= 1u << b;
                                break;
                        }
                }
        }
        x64_lc_flush(c, c->lc_dirty & ~keep);
        uint32_t m = k->lc_valid;
        while (m) {
                unsigned b = (unsigned)__builtin_ctz(m);
                m &= m - 1;
                uint32_t x = k->lc_local[b];
                if ((c->lc_valid & (1u << b)) && c->lc_local[b] == x)
                        continue;
                uint32_t cur = c->lc_valid & (b >= LC_XMM ? ~0xffffu : 0xffffu);
                unsigned src = 32;
                while (cur) {
                        unsigned s = (unsigned)__builtin_ctz(cur);
                        cur &= cur - 1;
                        if (c->lc_local[s] == x) {
                                src = s;
                                break;
                        }
                }
                if (src == 32) {
                        load |= 1u << b;
                        continue;
                }
                bool xmm = b >= LC_XMM;
                mv[n++] = (x64_move){ (uint8_t)(xmm ? src - LC_XMM : src),
                                      (uint8_t)(xmm ? b - LC_XMM : b), xmm };
        }
        x64_parallel_move(c, mv, n);
        while (load) {
                unsigned b = (unsigned)__builtin_ctz(load);
                load &= load - 1;
                uint32_t x = k->lc_local[b];
                x64_load_typed(c, c->local_type[x], b >= LC_XMM ? b - LC_XMM : b, x64_local(c, x));
        }
}

/* On a conditional back edge to loop k, before the jump and after the
 * flags are set: when every header register is free (owned by no stack
 * entry), establishes the header's cache by x64_lc_restore (moves only,
 * so the flags survive) and makes it the current cache too, so that the
 * fallthrough keeps valid entries. Entries of other registers that cache
 * one of the header's locals are dropped (a local is cached at most
 * once). Returns false, emitting nothing, when a header register is
 * taken. */
bool x64_lc_adopt(x64_cc *c, const x64_ctl *k)
{
        uint32_t used = c->gpr_used | (c->xmm_used << LC_XMM);
        if (k->lc_valid & used)
                return false;
        x64_lc_restore(c, k);
        uint32_t m = c->lc_valid & ~k->lc_valid;
        while (m) {
                unsigned b = (unsigned)__builtin_ctz(m);
                m &= m - 1;
                uint32_t h = k->lc_valid;
                while (h) {
                        unsigned hb = (unsigned)__builtin_ctz(h);
                        h &= h - 1;
                        if (k->lc_local[hb] == c->lc_local[b]) {
                                c->lc_valid &= ~(1u << b);
                                c->lc_dirty &= ~(1u << b);
                                break;
                        }
                }
        }
        uint32_t h = k->lc_valid;
        while (h) {
                unsigned b = (unsigned)__builtin_ctz(h);
                h &= h - 1;
                uint32_t x = k->lc_local[b];
                x64_lc_note(c, c->local_type[x], b >= LC_XMM ? b - LC_XMM : b, x, true);
        }
        return true;
}

wsbx_errkind x64_var_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm)
{
        const wsbx_module *m = c->m;
        uint64_t x = imm->a;
        switch (op) {
        case WSBX_OP_local_get:
                if (x >= c->nlocals)
                        return x64_fail(c, WSBX_ERR_INVALID, "unknown local");
                x64_local_get(c, (uint32_t)x);
                break;
        case WSBX_OP_local_set:
        case WSBX_OP_local_tee:
                if (x >= c->nlocals)
                        return x64_fail(c, WSBX_ERR_INVALID, "unknown local");
                x64_local_set(c, (uint32_t)x, op == WSBX_OP_local_tee);
                break;
        case WSBX_OP_global_get: {
                if (x >= m->nglobals)
                        return x64_fail(c, WSBX_ERR_INVALID, "unknown global");
                wsbx_valtype t = m->global_types[x].type;
                if (x >= m->nimported_globals && !m->global_types[x].mut) {
                        const wsbx_constexpr *e = &m->globals[x - m->nimported_globals].init;
                        if (e->op == WSBX_CONST_I32 || e->op == WSBX_CONST_F32) {
                                x64_push_const(c, t, e->u.i32);
                                break;
                        }
                        if (e->op == WSBX_CONST_I64 || e->op == WSBX_CONST_F64) {
                                x64_push_const(c, t, e->u.i64);
                                break;
                        }
                }
                unsigned d = alloc_for(c, t);
                x64_load_typed(c, t, d, global_cell(c, (uint32_t)x));
                x64_push_reg(c, t, d);
                break;
        }
        case WSBX_OP_global_set: {
                if (x >= m->nglobals)
                        return x64_fail(c, WSBX_ERR_INVALID, "unknown global");
                x64_val v = x64_vpop(c);
                x64_store_val(c, &v, global_cell(c, (uint32_t)x));
                x64_release(c, &v);
                break;
        }
        case WSBX_OP_table_get: {
                if (x >= m->ntables)
                        return x64_fail(c, WSBX_ERR_INVALID, "unknown table");
                wsbx_gpr i = x64_vpop_gpr(c);
                if (m->tables[x].elem != WSBX_FUNCREF) {
                        table_check(c, x, i);
                        x64_mov_rm(&c->a, X64_64, i, x64_mem_idx(SCRATCH, i, 8, 0));
                        x64_push_reg(c, m->tables[x].elem, i);
                        break;
                }
                /* Funcref elements are stored encoded (abi.h). */
                wsbx_gpr v = x64_alloc_gpr(c);
                table_check(c, x, i);
                x64_mov_rm(&c->a, X64_64, v, x64_mem_idx(SCRATCH, i, 8, 0));
                x64_table_lazy(c, (uint32_t)x, i, v, false, 0);
                x64_free_gpr(c, i);
                x64_push_reg(c, WSBX_FUNCREF, v);
                break;
        }
        case WSBX_OP_table_set: {
                if (x >= m->ntables)
                        return x64_fail(c, WSBX_ERR_INVALID, "unknown table");
                wsbx_gpr v = x64_vpop_gpr(c);
                wsbx_gpr i = x64_vpop_gpr(c);
                if (m->tables[x].elem == WSBX_FUNCREF) {
                        /* null (0) is stored as 1 (abi.h): v < 1 sets CF. */
                        x64_alu_ri(&c->a, X64_CMP, X64_64, v, WSBX_TABLE_NULL_FUNCREF);
                        x64_alu_ri(&c->a, X64_ADC, X64_64, v, 0);
                }
                table_check(c, x, i);
                x64_mov_mr(&c->a, X64_64, x64_mem_idx(SCRATCH, i, 8, 0), v);
                x64_free_gpr(c, v);
                x64_free_gpr(c, i);
                break;
        }
        case WSBX_OP_table_size: {
                if (x >= m->ntables)
                        return x64_fail(c, WSBX_ERR_INVALID, "unknown table");
                wsbx_gpr d = x64_alloc_gpr(c);
                wsbx_x64_mem def = table_def(c, x);
                def.disp = WSBX_TABLE_SIZE;
                x64_mov_rm(&c->a, X64_32, d, def);
                x64_push_reg(c, WSBX_I32, d);
                break;
        }
        case WSBX_OP_table_grow: {
                x64_val n = x64_vpop(c), init = x64_vpop(c);
                x64_val args[3] = { kconst(x), init, n };
                x64_call_builtin(c, WSBX_BUILTIN_TABLE_GROW, args, 3);
                push_rax(c, WSBX_I32);
                break;
        }
        case WSBX_OP_table_fill: {
                x64_val n = x64_vpop(c), v = x64_vpop(c), i = x64_vpop(c);
                x64_val args[4] = { kconst(x), i, v, n };
                x64_call_builtin(c, WSBX_BUILTIN_TABLE_FILL, args, 4);
                break;
        }
        case WSBX_OP_table_copy: {
                x64_val n = x64_vpop(c), s = x64_vpop(c), d = x64_vpop(c);
                x64_val args[5] = { kconst(imm->a), kconst(imm->b), d, s, n };
                x64_call_builtin(c, WSBX_BUILTIN_TABLE_COPY, args, 5);
                break;
        }
        case WSBX_OP_table_init: {
                x64_val n = x64_vpop(c), s = x64_vpop(c), d = x64_vpop(c);
                x64_val args[5] = { kconst(imm->b), kconst(imm->a), d, s, n };
                x64_call_builtin(c, WSBX_BUILTIN_TABLE_INIT, args, 5);
                break;
        }
        case WSBX_OP_elem_drop: {
                x64_val args[1] = { kconst(x) };
                x64_call_builtin(c, WSBX_BUILTIN_ELEM_DROP, args, 1);
                break;
        }
        case WSBX_OP_ref_null:
                x64_push_const(c, (wsbx_valtype)x, 0);
                break;
        case WSBX_OP_ref_is_null: {
                x64_val v = x64_vpop(c);
                if (v.kind == X64_V_CONST) {
                        x64_push_const(c, WSBX_I32, v.k == 0);
                        break;
                }
                wsbx_gpr r = x64_to_gpr(c, &v);
                x64_test_rr(&c->a, X64_64, r, r);
                x64_free_gpr(c, r);
                cc_result(c, X64_CC_E);
                break;
        }
        case WSBX_OP_ref_func: {
                if (x >= m->nfuncs)
                        return x64_fail(c, WSBX_ERR_INVALID, "unknown function");
                wsbx_gpr d = x64_alloc_gpr(c);
                x64_lea(&c->a, X64_64, d,
                        x64_mem(X64_R14, (int32_t)(c->lay.funcrefs + sizeof(wsbx_funcref) * x)));
                x64_push_reg(c, WSBX_FUNCREF, d);
                break;
        }
        default:
                return x64_unsupported(c, op);
        }
        return c->fail;
}
