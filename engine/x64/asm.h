/* asm.h - the x86-64 target's internal header: the instruction encoder.
 *
 * The lowest layer of engine/x64/. It turns calls like
 * x64_alu_rr(a, X64_ADD, X64_64, X64_RAX, X64_RBX) into bytes in a code
 * buffer, with labels for control flow. It knows nothing of Wasm.
 *
 * Life cycle: wsbx_asm_init, emit (x64_* and wsbx_asm_*), check
 * wsbx_asm_finish, read wsbx_asm_code/wsbx_asm_offset, then either
 * wsbx_asm_reset to compile the next function into the same memory or
 * wsbx_asm_free.
 *
 * Failure is sticky: an emitter never reports an error itself. When memory
 * runs out (or code passes WSBX_ASM_MAX_CODE) the assembler keeps accepting
 * instructions into a scratch area and wsbx_asm_finish reports the failure
 * once. Using a label that was never bound is reported there too.
 *
 * Naming: wsbx_asm_* are the buffer and its labels; x64_* emit one
 * instruction each. Operand order is Intel's: destination first. Suffixes
 * name the operands: r register, m memory, i immediate. Operand sizes are
 * wsbx_x64_size values; a 32-bit operation on a general register clears its
 * upper 32 bits, as the hardware does.
 */
#ifndef WSBX_X64_ASM_H
#define WSBX_X64_ASM_H

#include "internal.h"

#include <stdbool.h>
#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* Registers, sizes, conditions                                             */
/* ------------------------------------------------------------------------ */

typedef enum wsbx_gpr {
        X64_RAX, X64_RCX, X64_RDX, X64_RBX, X64_RSP, X64_RBP, X64_RSI, X64_RDI,
        X64_R8, X64_R9, X64_R10, X64_R11, X64_R12, X64_R13, X64_R14, X64_R15,
        /* Not registers: operand slots of wsbx_x64_mem. NOREG & 7 == 4 is
         * the SIB "no index" field; neither sets a REX bit (bit 3 clear). */
        X64_NOREG = 20,
        X64_RIP = 21,
} wsbx_gpr;

typedef enum wsbx_xmm {
        X64_XMM0, X64_XMM1, X64_XMM2, X64_XMM3, X64_XMM4, X64_XMM5, X64_XMM6, X64_XMM7,
        X64_XMM8, X64_XMM9, X64_XMM10, X64_XMM11, X64_XMM12, X64_XMM13, X64_XMM14, X64_XMM15,
} wsbx_xmm;

/* Operand size of an integer instruction. 8-bit operations on registers 4-7
 * mean spl/bpl/sil/dil (a REX prefix is added), never ah/ch/dh/bh. */
typedef enum wsbx_x64_size { X64_8, X64_16, X64_32, X64_64 } wsbx_x64_size;

/* Condition codes, as the low nibble of jcc/setcc/cmovcc. cc ^ 1 is the
 * opposite condition. */
typedef enum wsbx_x64_cc {
        X64_CC_O, X64_CC_NO, X64_CC_B, X64_CC_AE, X64_CC_E, X64_CC_NE, X64_CC_BE, X64_CC_A,
        X64_CC_S, X64_CC_NS, X64_CC_P, X64_CC_NP, X64_CC_L, X64_CC_GE, X64_CC_LE, X64_CC_G,
} wsbx_x64_cc;

static inline wsbx_x64_cc x64_cc_invert(wsbx_x64_cc cc)
{
        return (wsbx_x64_cc)(cc ^ 1);
}

/* A memory operand: [base + index * scale + disp], or [rip + disp], or
 * [rip + label + disp]. Build it with the constructors below. */
typedef struct wsbx_x64_mem {
        uint8_t base;   /* wsbx_gpr, X64_RIP, or X64_NOREG for [index*s + disp32] */
        uint8_t index;  /* wsbx_gpr or X64_NOREG; never X64_RSP */
        uint8_t shift;  /* log2 of the scale */
        uint8_t pad;
        int32_t disp;
        uint32_t label; /* with base X64_RIP: target label, or WSBX_NO_LABEL */
} wsbx_x64_mem;

typedef uint32_t wsbx_label;
#define WSBX_NO_LABEL UINT32_MAX

static inline wsbx_x64_mem x64_mem(wsbx_gpr base, int32_t disp)
{
        return (wsbx_x64_mem){ .base = (uint8_t)base, .index = X64_NOREG, .disp = disp,
                               .label = WSBX_NO_LABEL };
}

/* scale is 1, 2, 4 or 8. */
static inline wsbx_x64_mem x64_mem_idx(wsbx_gpr base, wsbx_gpr index, unsigned scale, int32_t disp)
{
        return (wsbx_x64_mem){ .base = (uint8_t)base, .index = (uint8_t)index,
                               .shift = (uint8_t)(scale >= 8 ? 3 : scale >= 4 ? 2 : scale >= 2),
                               .disp = disp, .label = WSBX_NO_LABEL };
}

/* [rip + disp], disp counted from the end of the instruction. */
static inline wsbx_x64_mem x64_mem_rip(int32_t disp)
{
        return (wsbx_x64_mem){ .base = X64_RIP, .index = X64_NOREG, .disp = disp,
                               .label = WSBX_NO_LABEL };
}

/* [rip + label + disp]: the address of a label's code offset plus disp. */
static inline wsbx_x64_mem x64_mem_label(wsbx_label l, int32_t disp)
{
        return (wsbx_x64_mem){ .base = X64_RIP, .index = X64_NOREG, .disp = disp, .label = l };
}

/* ------------------------------------------------------------------------ */
/* asm.c - code buffer and labels                                           */
/* ------------------------------------------------------------------------ */

/* Code larger than this fails with WSBX_ERR_LIMIT: offsets and rel32
 * displacements then always fit in 32 bits with room to spare. */
#define WSBX_ASM_MAX_CODE (1u << 30)

struct wsbx_asm_label;
struct wsbx_asm_fixup;

typedef struct wsbx_asm {
        uint8_t *code;          /* points at scratch after a failure */
        uint32_t len, cap;
        wsbx_errkind fail;      /* WSBX_OK, NOMEM, LIMIT or INVALID (label misuse) */
        uint32_t pending;       /* label uses still waiting for their label */
        struct wsbx_asm_label *labels;
        uint32_t nlabels, labels_cap;
        struct wsbx_asm_fixup *fixups;
        uint32_t nfixups, fixups_cap;
        uint8_t *heap;          /* the allocation behind code, kept across a failure */
        uint32_t heap_cap;
        uint8_t scratch[64];
} wsbx_asm;

/* Prepares an empty assembler. Allocates nothing. */
void wsbx_asm_init(wsbx_asm *a);
/* Frees the assembler's memory; code pointers taken earlier die with it. */
void wsbx_asm_free(wsbx_asm *a);
/* Empties the code, labels and failure state, keeping the memory. */
void wsbx_asm_reset(wsbx_asm *a);
/* WSBX_OK when the code is complete: no failure and no use of a label that
 * was never bound. Otherwise fills err (offset: the code offset). */
wsbx_errkind wsbx_asm_finish(const wsbx_asm *a, wsbx_error *err);

/* The code emitted so far; valid until the next emit or free. After a
 * failure the contents are meaningless. */
static inline const uint8_t *wsbx_asm_code(const wsbx_asm *a)
{
        return a->code;
}

/* Current code offset: where the next instruction starts. Trap tables and
 * address maps record this before emitting the instruction they describe. */
static inline uint32_t wsbx_asm_offset(const wsbx_asm *a)
{
        return a->len;
}

/* A new, unbound label. Labels are indices private to this assembler. */
wsbx_label wsbx_asm_label_new(wsbx_asm *a);
/* Binds l to the current offset and patches every earlier use of it.
 * Binding a label twice is a failure (WSBX_ERR_INVALID). */
void wsbx_asm_bind(wsbx_asm *a, wsbx_label l);
/* The offset l is bound to, or UINT32_MAX if it is not bound (yet). */
uint32_t wsbx_asm_label_offset(const wsbx_asm *a, wsbx_label l);

/* Raw bytes (constant pools, tables). */
void wsbx_asm_data(wsbx_asm *a, const void *p, size_t n);
/* Pads with multi-byte nops up to a multiple of `align` (a power of two
 * no larger than 4096). */
void wsbx_asm_align(wsbx_asm *a, uint32_t align);
/* A jump-table entry: the 32-bit signed distance from the table's label to
 * `target`. The table label must be bound already; the target may be bound
 * later. See x64_jump_table. */
void wsbx_asm_table_entry(wsbx_asm *a, wsbx_label table, wsbx_label target);

/* ------------------------------------------------------------------------ */
/* asm.c - integer instructions                                             */
/* ------------------------------------------------------------------------ */

/* The group-1 arithmetic operations; the value is the opcode extension. */
typedef enum wsbx_x64_alu {
        X64_ADD, X64_OR, X64_ADC, X64_SBB, X64_AND, X64_SUB, X64_XOR, X64_CMP,
} wsbx_x64_alu;

/* dst op= src. 8- and 16-bit sizes are accepted; immediates are imm8 when
 * they fit in a signed byte, else imm32 (sign-extended to 64 bits), and
 * rax gets the one-byte-shorter accumulator form. */
void x64_alu_rr(wsbx_asm *a, wsbx_x64_alu op, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src);
void x64_alu_ri(wsbx_asm *a, wsbx_x64_alu op, wsbx_x64_size sz, wsbx_gpr dst, int32_t imm);
void x64_alu_rm(wsbx_asm *a, wsbx_x64_alu op, wsbx_x64_size sz, wsbx_gpr dst, wsbx_x64_mem src);
void x64_alu_mr(wsbx_asm *a, wsbx_x64_alu op, wsbx_x64_size sz, wsbx_x64_mem dst, wsbx_gpr src);
void x64_alu_mi(wsbx_asm *a, wsbx_x64_alu op, wsbx_x64_size sz, wsbx_x64_mem dst, int32_t imm);

void x64_test_rr(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr r1, wsbx_gpr r2);
void x64_test_ri(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr r, int32_t imm);
void x64_test_rm(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr r, wsbx_x64_mem m);
void x64_test_mi(wsbx_asm *a, wsbx_x64_size sz, wsbx_x64_mem m, int32_t imm);

void x64_mov_rr(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src);
/* The shortest encoding of the constant: mov r32, imm32 when it fits in
 * 32 unsigned bits (the upper half is cleared), the sign-extended imm32
 * form for small negative 64-bit values, movabs otherwise. Flags are kept.
 * With X64_32 only the low 32 bits of imm are used. */
void x64_mov_ri(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, uint64_t imm);
void x64_mov_rm(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, wsbx_x64_mem src);
void x64_mov_mr(wsbx_asm *a, wsbx_x64_size sz, wsbx_x64_mem dst, wsbx_gpr src);
/* Store of an immediate of the operand's size (imm32 sign-extended for 64). */
void x64_mov_mi(wsbx_asm *a, wsbx_x64_size sz, wsbx_x64_mem dst, int32_t imm);

/* Loads and register-to-register extensions, named after the Wasm
 * operations they serve. ZX32 is a plain 32-bit mov (upper half cleared). */
typedef enum wsbx_x64_ext {
        X64_ZX8,      /* movzx r32, r/m8 */
        X64_SX8_32,   /* movsx r32, r/m8 */
        X64_SX8_64,   /* movsx r64, r/m8 */
        X64_ZX16,     /* movzx r32, r/m16 */
        X64_SX16_32,  /* movsx r32, r/m16 */
        X64_SX16_64,  /* movsx r64, r/m16 */
        X64_ZX32,     /* mov r32, r/m32 */
        X64_SX32_64,  /* movsxd r64, r/m32 */
        X64_MOV64,   /* mov r64, r/m64 */
} wsbx_x64_ext;

void x64_load(wsbx_asm *a, wsbx_x64_ext kind, wsbx_gpr dst, wsbx_x64_mem src);
void x64_extend(wsbx_asm *a, wsbx_x64_ext kind, wsbx_gpr dst, wsbx_gpr src);

void x64_lea(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, wsbx_x64_mem m);
/* lea dst, [rip + label]. */
void x64_lea_label(wsbx_asm *a, wsbx_gpr dst, wsbx_label l);

/* Two- and three-operand imul: dst = dst * src, dst = src * imm. */
void x64_imul_rr(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src);
void x64_imul_rm(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, wsbx_x64_mem src);
void x64_imul_rri(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src, int32_t imm);

/* Group-3 one-operand instructions; the value is the opcode extension.
 * MUL/IMUL1/DIV/IDIV use rdx:rax implicitly. */
typedef enum wsbx_x64_unop {
        X64_NOT = 2, X64_NEG = 3, X64_MUL = 4, X64_IMUL1 = 5, X64_DIV = 6, X64_IDIV = 7,
} wsbx_x64_unop;

void x64_unop_r(wsbx_asm *a, wsbx_x64_unop op, wsbx_x64_size sz, wsbx_gpr r);
void x64_unop_m(wsbx_asm *a, wsbx_x64_unop op, wsbx_x64_size sz, wsbx_x64_mem m);
/* Sign-extends eax into edx (cdq, X64_32) or rax into rdx (cqo, X64_64). */
void x64_cdq(wsbx_asm *a, wsbx_x64_size sz);

/* Group-2 shifts and rotates; the value is the opcode extension. */
typedef enum wsbx_x64_shift {
        X64_ROL = 0, X64_ROR = 1, X64_SHL = 4, X64_SHR = 5, X64_SAR = 7,
} wsbx_x64_shift;

void x64_shift_cl(wsbx_asm *a, wsbx_x64_shift op, wsbx_x64_size sz, wsbx_gpr r);
/* By a constant; the hardware masks it to 5 (6) bits, so does the caller. */
void x64_shift_ri(wsbx_asm *a, wsbx_x64_shift op, wsbx_x64_size sz, wsbx_gpr r, uint8_t imm);

/* Bit counting (32 or 64 bits). LZCNT/TZCNT/POPCNT need their CPU feature;
 * without LZCNT the F3 0F BD bytes execute as bsr. */
typedef enum wsbx_x64_bitop { X64_LZCNT, X64_TZCNT, X64_POPCNT, X64_BSR, X64_BSF } wsbx_x64_bitop;

void x64_bitop_rr(wsbx_asm *a, wsbx_x64_bitop op, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src);
void x64_bitop_rm(wsbx_asm *a, wsbx_x64_bitop op, wsbx_x64_size sz, wsbx_gpr dst, wsbx_x64_mem src);

void x64_bswap(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr r);
void x64_xchg_rr(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr r1, wsbx_gpr r2);
/* Exchange with memory is implicitly locked. */
void x64_xchg_mr(wsbx_asm *a, wsbx_x64_size sz, wsbx_x64_mem m, wsbx_gpr r);

/* setcc writes the low byte of r only. */
void x64_setcc(wsbx_asm *a, wsbx_x64_cc cc, wsbx_gpr r);
/* setcc then movzx r32, r8: r becomes 0 or 1 without a prior xor. */
void x64_setcc_zx(wsbx_asm *a, wsbx_x64_cc cc, wsbx_gpr r);
void x64_cmov_rr(wsbx_asm *a, wsbx_x64_cc cc, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src);
void x64_cmov_rm(wsbx_asm *a, wsbx_x64_cc cc, wsbx_x64_size sz, wsbx_gpr dst, wsbx_x64_mem src);

void x64_push(wsbx_asm *a, wsbx_gpr r);
void x64_pop(wsbx_asm *a, wsbx_gpr r);
/* Pushes imm sign-extended to 64 bits. */
void x64_push_i(wsbx_asm *a, int32_t imm);

/* ------------------------------------------------------------------------ */
/* asm.c - control flow                                                     */
/* ------------------------------------------------------------------------ */

/* Jumps to a label: rel8 when the label is already bound and near, rel32
 * otherwise (forward jumps are always rel32, patched by wsbx_asm_bind). */
void x64_jmp(wsbx_asm *a, wsbx_label l);
void x64_jcc(wsbx_asm *a, wsbx_x64_cc cc, wsbx_label l);
void x64_jmp_r(wsbx_asm *a, wsbx_gpr r);
void x64_jmp_m(wsbx_asm *a, wsbx_x64_mem m);
/* call rel32 to a label. */
void x64_call(wsbx_asm *a, wsbx_label l);
/* call rel32 with a displacement the caller patches later (a call into
 * code assembled elsewhere). Returns the code offset of the rel32 field;
 * the displacement counts from that offset + 4. */
uint32_t x64_call_rel32(wsbx_asm *a, int32_t rel);
void x64_call_r(wsbx_asm *a, wsbx_gpr r);
void x64_call_m(wsbx_asm *a, wsbx_x64_mem m);
void x64_ret(wsbx_asm *a);
void x64_ud2(wsbx_asm *a);
void x64_int3(wsbx_asm *a);
void x64_mfence(wsbx_asm *a);
void x64_lfence(wsbx_asm *a);
/* n bytes of recommended multi-byte nops (any n). */
void x64_nop(wsbx_asm *a, uint32_t n);

/* Indirect jump through a table of wsbx_asm_table_entry values:
 *     lea    tmp, [rip + table]
 *     movsxd index, dword [tmp + index*4]
 *     add    tmp, index
 *     jmp    tmp
 * index must hold a zero-extended, bounds-checked entry number; index and
 * tmp are clobbered. Bind `table` and emit the entries afterwards (they may
 * follow the code that uses them anywhere in the same buffer). */
void x64_jump_table(wsbx_asm *a, wsbx_gpr index, wsbx_gpr tmp, wsbx_label table);

/* ------------------------------------------------------------------------ */
/* asm.c - SSE and AVX, driven by sse.def                                   */
/* ------------------------------------------------------------------------ */

typedef enum wsbx_x64_sse {
#define SSE(id, pp, map, op, ext, ops, vex, flags, feat) X64_##id,
#include "sse.def"
#undef SSE
        X64_SSE_COUNT
} wsbx_x64_sse;

/* Operands are numbers 0-15 naming xmm registers, or general registers
 * where the row's ops column says G. The imm8 is emitted only for rows
 * that take one (F_I) and ignored otherwise.
 *
 * Legacy SSE (destructive): dst op= src. Rows with an opcode extension
 * (shift by immediate) take a single register: pass it as dst and src.
 * Stores and extracts (F_MR rows) write their destination operand. */
void x64_sse_rri(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src, uint8_t imm);
void x64_sse_rmi(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, wsbx_x64_mem src, uint8_t imm);
void x64_sse_mri(wsbx_asm *a, wsbx_x64_sse op, wsbx_x64_mem dst, unsigned src, uint8_t imm);

static inline void x64_sse_rr(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src)
{
        x64_sse_rri(a, op, dst, src, 0);
}
static inline void x64_sse_rm(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, wsbx_x64_mem src)
{
        x64_sse_rmi(a, op, dst, src, 0);
}
static inline void x64_sse_mr(wsbx_asm *a, wsbx_x64_sse op, wsbx_x64_mem dst, unsigned src)
{
        x64_sse_mri(a, op, dst, src, 0);
}

/* AVX (VEX.128), non-destructive. Which function fits a row is its vex
 * column in sse.def; a mismatch would encode a different instruction or
 * one that faults, so it fails the assembler (WSBX_ERR_INVALID) instead:
 *   x64_avx_rrri  V3, VM   dst = src1 op src2
 *   x64_avx_rrmi  V3       dst = src1 op [mem]
 *   x64_avx_rri   V2       dst = op src (/digit rows: dst goes in vvvv)
 *   x64_avx_rmi   V2, VM   dst = op [mem]
 *   x64_avx_mri   V2, VM   [mem] = op src (stores, extracts)
 *   x64_avx_rrrr  the is4 blends: dst = blend(src1, src2, mask)
 */
void x64_avx_rrri(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src1, unsigned src2,
                  uint8_t imm);
void x64_avx_rrmi(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src1, wsbx_x64_mem src2,
                  uint8_t imm);
void x64_avx_rri(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src, uint8_t imm);
void x64_avx_rmi(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, wsbx_x64_mem src, uint8_t imm);
void x64_avx_mri(wsbx_asm *a, wsbx_x64_sse op, wsbx_x64_mem dst, unsigned src, uint8_t imm);

static inline void x64_avx_rrr(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src1,
                               unsigned src2)
{
        x64_avx_rrri(a, op, dst, src1, src2, 0);
}
static inline void x64_avx_rrm(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src1,
                               wsbx_x64_mem src2)
{
        x64_avx_rrmi(a, op, dst, src1, src2, 0);
}
static inline void x64_avx_rr(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src)
{
        x64_avx_rri(a, op, dst, src, 0);
}
static inline void x64_avx_rm(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, wsbx_x64_mem src)
{
        x64_avx_rmi(a, op, dst, src, 0);
}
static inline void x64_avx_mr(wsbx_asm *a, wsbx_x64_sse op, wsbx_x64_mem dst, unsigned src)
{
        x64_avx_mri(a, op, dst, src, 0);
}
static inline void x64_avx_rrrr(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src1,
                                unsigned src2, unsigned mask)
{
        x64_avx_rrri(a, op, dst, src1, src2, (uint8_t)(mask << 4));
}

/* ------------------------------------------------------------------------ */
/* asm.c - BMI (VEX-encoded general-register instructions)                  */
/* ------------------------------------------------------------------------ */

/* shlx/shrx/sarx dst = src << count (BMI2), andn dst = ~src1 & src2
 * (BMI1). sz is X64_32 or X64_64. */
typedef enum wsbx_x64_bmi { X64_SHLX, X64_SHRX, X64_SARX, X64_ANDN } wsbx_x64_bmi;

void x64_bmi_rrr(wsbx_asm *a, wsbx_x64_bmi op, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src1,
                 wsbx_gpr src2);

/* ------------------------------------------------------------------------ */
/* asm.c - CPU features                                                     */
/* ------------------------------------------------------------------------ */

/* Feature bits beyond the x86-64 baseline (which includes SSE2). */
enum {
        X64_FEAT_SSE3 = 1u << 0,
        X64_FEAT_SSSE3 = 1u << 1,
        X64_FEAT_SSE41 = 1u << 2,
        X64_FEAT_SSE42 = 1u << 3,
        X64_FEAT_POPCNT = 1u << 4,
        X64_FEAT_LZCNT = 1u << 5,
        X64_FEAT_BMI1 = 1u << 6,
        X64_FEAT_BMI2 = 1u << 7,
        X64_FEAT_AVX = 1u << 8,   /* CPU support and OS-enabled YMM state */
        X64_FEAT_AVX2 = 1u << 9,
        X64_FEAT_FMA = 1u << 10,
        X64_FEAT_MOVBE = 1u << 11,
};

/* The features of the CPU this runs on, from CPUID (and XGETBV for the
 * AVX family). 0 on other architectures. */
uint32_t wsbx_x64_cpu_features(void);

/* The features an SSE row needs in its legacy and its VEX encoding
 * (UINT32_MAX when that encoding does not exist). */
uint32_t x64_sse_features(wsbx_x64_sse op);
uint32_t x64_avx_features(wsbx_x64_sse op);

#endif
