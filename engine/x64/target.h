/* target.h - the x86-64 target: its interface to the engine, and the
 * internal API of its code generator.
 *
 * The driver (engine/compile.c) sees only `wsbx_x64_target`, a filled
 * wsbx_target (internal.h, "compile.c"). Everything below that is private
 * to engine/x64/: the single-pass code generator split over
 *
 *   codegen.c        value stack, register allocation, frames, control
 *                    flow, the instruction dispatch loop
 *   codegen_call.c   calls and the argument convention's moves
 *   codegen_int.c    integer arithmetic, memory accesses, globals, tables,
 *                    references, bulk memory (builtins)
 *   codegen_tramp.c  entry (array -> wasm) and host (wasm -> array)
 *                    trampolines
 *   codegen_float.c  float arithmetic, comparisons and conversions
 *   codegen_simd.c   SIMD: memory, constants, lanes, bitwise, comparisons,
 *                    single-instruction operations
 *   codegen_simd2.c  SIMD sequences: shifts, i64x2 mul/abs, popcnt,
 *                    extend/extmul, float min/max, conversions
 *
 * How code is generated (the design of V8's Liftoff and wasmtime's Winch):
 * one pass over the body; the operand stack is an array of x64_val, each a
 * register, a constant or "in its slot". Stack position i has a fixed
 * 16-byte spill slot in the frame (x64_slot), so spilling never moves a
 * value anywhere but to its own slot. Constants stay constants until an
 * instruction needs them in a register or as an immediate; float and SIMD
 * constants are then read from the function's constant pool (after the
 * trap stubs, RIP-relative). Locals live in frame slots (params beyond the
 * registers in the caller's frame).
 *
 * Locals are cached in registers within straight-line code (Liftoff's
 * idea): local.set remembers that the now free register holds the value,
 * and local.get of a cached local pushes a stack entry that shares the
 * register (counted in shared[]; it is read where it is, and copied only
 * by an instruction that writes its operand: x64_to_gpr / x64_to_xmm;
 * the copy is skipped when the next instruction sets that same local, as
 * in x = x + 1, and the register changes hands instead). While shared, a
 * register is in use and nobody writes it, so its cache entry stays true.
 * The slot is written back lazily: a cache entry may be dirty (its slot
 * is stale; lc_dirty), and a dirty entry is stored to its slot (flushed)
 * before anything could need the slot: before its register is allocated
 * or claimed, before a call or builtin call, before every edge to a label
 * but a loop header (an if's else, a block's or if's end; a br_if that
 * leaves a loop flushes on its taken side only), and before a back edge
 * for the locals the header does not cache. A cache entry lives only
 * while its register is free or shared: allocating or claiming the register drops
 * it, and so does every label (else, a targeted end), call and builtin
 * call, since code there may have been reached another way or the
 * register clobbered. Code that writes a register must own it (or flush
 * first). A loop is the exception: its header keeps the cache it was
 * entered with, all of it counted dirty, and every back edge moves or
 * loads those locals into those registers before it jumps (a local not
 * cached has a current slot, so a load is always possible). Code that
 * emits a flush (an allocation, a claim) must run on every path: no
 * handler allocates between its own internal jumps and labels.
 *
 * Merges are canonical: on entering a block, loop or if every register
 * value on the stack is spilled; a branch stores the values it carries into
 * the slots of the target's result (loop: param) positions; at a label the
 * carried values are "in their slots" and everything below the block is as
 * it was on entry. A block whose end is reached only by falling through
 * keeps its values in registers.
 *
 * Invariants: an i32 in a general register has its upper 32 bits clear (all
 * 32-bit x86 operations guarantee it), so zext(index) is free. r11 and
 * xmm15 are scratch: never allocated, clobbered by any helper. r14 is the
 * vmctx and r15 memory 0's base, as abi.h says; [rbp - 8] keeps the vmctx
 * across calls through funcrefs.
 *
 * ---- API for codegen_float.c and codegen_simd.c ----
 *
 * An op handler has the shape `wsbx_errkind h(x64_cc *c, wsbx_opcode op,
 * const x64_imm *imm)`; the dispatch in codegen.c (x64_emit_op) routes
 * float opcodes to x64_float_op and 0xFD opcodes to x64_simd_op; an
 * opcode a handler does not know is reported as "not supported yet: NAME"
 * (none is, for Wasm 2.0). A handler:
 *
 *   - pops operands with x64_vpop (any kind) then x64_to_xmm / x64_to_gpr
 *     to get a register it owns, or x64_vpop_xmm / x64_vpop_gpr directly;
 *     a popped X64_V_REG value may be shared with the local cache
 *     (x64_shared): its register may be read (then x64_release'd) but
 *     never written, pushed as a result only unchanged (same bits);
 *     a popped x64_val that is X64_V_SLOT may be used as a memory operand
 *     (x64_slot(c, c->sp)) only before the next push;
 *   - allocates result registers with x64_alloc_xmm / x64_alloc_gpr (may
 *     spill the oldest register value on the stack; never hands out a
 *     register a popped value still owns), releases with x64_free_*;
 *   - pushes results with x64_push_reg (ownership passes to the stack) or
 *     x64_push_const;
 *   - for a trap, jumps to x64_trap_label(c, WSBX_TRAP_...) (a ud2 stub
 *     recorded in the trap table at the current wasm offset); an
 *     instruction that may fault is preceded by x64_trap_here(c, kind);
 *   - for memory accesses, x64_mem_operand pops the index and returns the
 *     operand for an access (bounds checks and trap records included);
 *   - for calls into C (libm-like helpers), x64_call_builtin-style code
 *     must first x64_spill_all.
 *   Float constants are X64_V_CONST with the bit pattern in k; v128
 *   constants must be materialized by the SIMD code (k is 64 bits).
 */
#ifndef WSBX_X64_TARGET_H
#define WSBX_X64_TARGET_H

#include "internal.h"
#include "abi.h"
#include "x64/asm.h"

/* The target the driver uses. */
extern const wsbx_target wsbx_x64_target;

/* ------------------------------------------------------------------------ */
/* codegen.c - the code generator's state                                   */
/* ------------------------------------------------------------------------ */

enum { X64_V_REG, X64_V_CONST, X64_V_SLOT };

/* One operand stack entry. reg is a wsbx_gpr for integer-class types and
 * an xmm number for f32/f64/v128. */
typedef struct x64_val {
        uint8_t kind;
        wsbx_valtype type;
        uint8_t reg;
        uint8_t pad;
        uint32_t pos;      /* stack position (its slot), kept by x64_vpop */
        uint64_t k;
} x64_val;

enum { X64_CTL_FUNC, X64_CTL_BLOCK, X64_CTL_LOOP, X64_CTL_IF };

typedef struct x64_ctl {
        uint8_t kind;
        bool targeted;     /* some branch jumps to `label` */
        bool else_seen;
        bool if_reachable; /* if: the then-arm's end was reachable */
        uint32_t height;   /* stack height below the params */
        uint32_t nloops;   /* loops among this entry and those below it */
        uint32_t nparams, nresults;
        const wsbx_valtype *params, *results;
        wsbx_label label;  /* branch target: end, or a loop's header */
        wsbx_label else_label;
        /* loop: the local cache at the header, which every back edge
         * re-establishes (lc_local as in x64_cc; every entry counts as
         * dirty at the header). */
        uint32_t lc_valid;
        uint32_t lc_local[32];
} x64_ctl;

/* Immediates of the instruction being compiled. */
typedef struct x64_imm {
        uint64_t a, b;     /* first and second immediate (memarg: align, offset) */
        uint32_t lane;
        const uint8_t *p;  /* br_table: first target; v128/shuffle: the bytes */
} x64_imm;

/* A constant pool entry: 16 bytes emitted after the trap stubs. */
typedef struct x64_kconst {
        uint64_t lo, hi;
        wsbx_label label;
} x64_kconst;

/* An exit stub: a br_if leaving a loop jumps here, after the function
 * body, to flush the dirty locals of `mask` (registers as lc_local says)
 * and jump on to `target`. */
typedef struct x64_exitstub {
        wsbx_label label, target;
        uint32_t mask;
        uint32_t lc_local[32];
} x64_exitstub;

/* A funcref table element stub (x64_table_lazy): a load that found 0 (not
 * initialized) or 1 (null) jumps here, after the function body. */
typedef struct x64_lazystub {
        wsbx_label label, back;
        wsbx_label null_trap;    /* has_trap: where null goes */
        bool has_trap;           /* else null becomes 0 in out */
        uint8_t idx, out;        /* GPRs: the index, the loaded element */
        uint32_t table;
} x64_lazystub;

/* A trap stub: a ud2 emitted after the function body. */
typedef struct x64_trapstub {
        wsbx_label label;
        uint16_t kind;
        uint32_t wasm_offset;
} x64_trapstub;

typedef struct x64_cc {
        wsbx_asm a;
        const wsbx_module *m;
        const wsbx_compile_opts *opts;
        uint32_t features;       /* X64_FEAT_* allowed */
        uint32_t used_features;  /* WSBX_CPU_* actually emitted */
        wsbx_vmctx_layout lay;
        wsbx_error *err;
        wsbx_errkind fail;       /* first error of this function */
        wsbx_csink *sink;

        /* The function. */
        uint32_t func;           /* index in the function index space */
        const wsbx_functype *ft;
        wsbx_reader r;
        uint32_t op_offset;      /* module offset of the current instruction */
        bool unreachable;
        uint32_t dead_depth;     /* blocks opened while unreachable */

        /* Locals: frame offsets from rbp and types, params first. */
        uint32_t nlocals, locals_cap;
        int32_t *local_off;
        wsbx_valtype *local_type;
        uint32_t slots_base;     /* bytes below rbp before stack slot 0 */
        uint32_t out_size;       /* outgoing argument area at rsp */
        uint32_t frame_patch;    /* code offset of the prologue's frame disp32 */

        /* Operand stack. */
        x64_val *stack;
        uint32_t sp, max_sp, stack_cap;

        /* Control stack. */
        x64_ctl *ctl;
        uint32_t nctl, ctl_cap;

        /* Registers in use (by stack entries or by popped operands). */
        uint32_t gpr_used, xmm_used;
        /* Per register (bit numbering of lc_valid): how many stack entries
         * or popped operands share it with the local cache (local.get of
         * a cached local). A shared register is in use and never written:
         * x64_to_gpr / x64_to_xmm copy it; freeing a reference counts
         * down, and the last one frees the register. */
        uint8_t shared[32];

        /* The local cache: bit b of lc_valid says free register b (a gpr
         * number, or LC_XMM + an xmm number) holds the current value of
         * local lc_local[b]; its slot holds it too unless bit b of
         * lc_dirty (a subset of lc_valid) is set. */
        uint32_t lc_valid, lc_dirty;
        uint32_t lc_local[32];
        /* A hint per local: the bit that may cache it (trusted only when
         * that bit is valid and names the local). */
        uint8_t *lc_bit;

        x64_trapstub *stubs;
        uint32_t nstubs, stubs_cap;
        x64_exitstub *exits;
        uint32_t nexits, exits_cap;
        x64_lazystub *lazies;
        uint32_t nlazies, lazies_cap;
        /* The constant pool (x64_const_mem). */
        x64_kconst *kpool;
        uint32_t nkpool, kpool_cap;
        wsbx_label *scratch_labels; /* br_table targets, per depth */
        uint32_t scratch_cap;
        uint16_t *where;         /* argument assignment of a call */
        uint32_t where_cap;

        /* Where this function's code will start in the sink: records are
         * written there directly with this base added. */
        uint32_t base;
} x64_cc;

/* Stack slot i, and local i, as memory operands. */
static inline wsbx_x64_mem x64_slot(const x64_cc *c, uint32_t i)
{
        return x64_mem(X64_RBP, -(int32_t)(c->slots_base + 16 * (i + 1)));
}

static inline wsbx_x64_mem x64_local(const x64_cc *c, uint32_t i)
{
        return x64_mem(X64_RBP, c->local_off[i]);
}

static inline bool x64_is_float_type(wsbx_valtype t)
{
        return t == WSBX_F32 || t == WSBX_F64 || t == WSBX_V128;
}

/* Operand size for an integer-class type. */
static inline wsbx_x64_size x64_size_of(wsbx_valtype t)
{
        return t == WSBX_I32 ? X64_32 : X64_64;
}

/* Records the first error; later ones are dropped. Returns c->fail. */
wsbx_errkind x64_fail(x64_cc *c, wsbx_errkind kind, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
wsbx_errkind x64_unsupported(x64_cc *c, wsbx_opcode op);

wsbx_gpr x64_alloc_gpr(x64_cc *c);
unsigned x64_alloc_xmm(x64_cc *c);
void x64_free_gpr(x64_cc *c, wsbx_gpr r);
void x64_free_xmm(x64_cc *c, unsigned r);
/* Makes `r` free (moving or spilling the stack value that holds it) and
 * marks it used by the caller. */
void x64_claim_gpr(x64_cc *c, wsbx_gpr r);

void x64_push_reg(x64_cc *c, wsbx_valtype t, unsigned reg);
void x64_push_const(x64_cc *c, wsbx_valtype t, uint64_t k);
void x64_push_slot(x64_cc *c, wsbx_valtype t);
x64_val x64_vpop(x64_cc *c);
/* Puts a popped value in a register the caller owns (the value's own
 * register when it has one and does not share it; a copy otherwise). */
wsbx_gpr x64_to_gpr(x64_cc *c, const x64_val *v);
unsigned x64_to_xmm(x64_cc *c, const x64_val *v);
/* As x64_to_gpr, into a given register (claimed by the caller first). */
void x64_load_into_gpr(x64_cc *c, const x64_val *v, wsbx_gpr dst);
static inline wsbx_gpr x64_vpop_gpr(x64_cc *c)
{
        x64_val v = x64_vpop(c);
        return x64_to_gpr(c, &v);
}
static inline unsigned x64_vpop_xmm(x64_cc *c)
{
        x64_val v = x64_vpop(c);
        return x64_to_xmm(c, &v);
}
/* Releases a popped value's register, if any. */
void x64_release(x64_cc *c, const x64_val *v);
/* Whether v is a register value shared with the local cache. */
static inline bool x64_shared(const x64_cc *c, const x64_val *v)
{
        return v->kind == X64_V_REG &&
               c->shared[x64_is_float_type(v->type) ? 16 + v->reg : v->reg] != 0;
}
/* Makes a shared register value an owned one (a copy). */
void x64_own(x64_cc *c, x64_val *v);
/* Whether x64_to_gpr / x64_to_xmm will take shared v's register over
 * rather than copy it: v is its only reference and the next instruction
 * is local.set of the local it caches (whose old value dies there). */
bool x64_stealable(const x64_cc *c, const x64_val *v);

/* Spills every register value on the stack to its slot. */
void x64_spill_all(x64_cc *c);

/* The local cache (see the top of this file). */
#define LC_XMM 16
/* Stores the dirty entries among the bits of `mask` to their slots (they
 * stay cached, now clean). Emits only stores: the flags survive. */
void x64_lc_flush_dirty(x64_cc *c, uint32_t mask);
static inline void x64_lc_flush(x64_cc *c, uint32_t mask)
{
        if (mask & c->lc_dirty)
                x64_lc_flush_dirty(c, mask);
}
/* Drops the whole cache without storing (the registers were clobbered or
 * no path reaches here). */
static inline void x64_lc_drop(x64_cc *c)
{
        c->lc_valid = c->lc_dirty = 0;
}
/* Flushes every dirty entry, then drops the cache. */
static inline void x64_lc_clear(x64_cc *c)
{
        x64_lc_flush(c, c->lc_dirty);
        x64_lc_drop(c);
}
/* Records that free register `reg` of t's class holds local x; `dirty`:
 * the slot does not (the caller dropped any earlier entry of reg). */
void x64_lc_note(x64_cc *c, wsbx_valtype t, unsigned reg, uint32_t x, bool dirty);
/* Whether a register of t's class is free and caches nothing. */
bool x64_have_spare(const x64_cc *c, wsbx_valtype t);
/* Spills stack entry i if it is in a register. */
void x64_spill_entry(x64_cc *c, uint32_t i);
/* Drops the stack to n entries, releasing registers. */
void x64_truncate(x64_cc *c, uint32_t n);
/* A value into a given register of its class without changing the stack
 * entry (arguments, returns). */
void x64_copy_to_reg(x64_cc *c, const x64_val *v, unsigned reg);
/* The per-function array for a call's argument assignment (NULL and an
 * error recorded when it cannot grow). */
uint16_t *x64_arg_where(x64_cc *c, const wsbx_functype *ft);

/* Moves between registers, memory and slots by value type. */
void x64_load_typed(x64_cc *c, wsbx_valtype t, unsigned reg, wsbx_x64_mem m);
void x64_store_typed(x64_cc *c, wsbx_valtype t, wsbx_x64_mem m, unsigned reg);
/* Stores value v (any kind) to m; a SLOT value is copied from its slot
 * through r11 or xmm15 (never through m's base register). */
void x64_store_val(x64_cc *c, const x64_val *v, wsbx_x64_mem m);

/* A ud2 stub for `kind` at the current wasm offset. */
wsbx_label x64_trap_label(x64_cc *c, wsbx_trap kind);
/* After `out` was loaded from funcref table `table` at index `idx`
 * (abi.h, wsbx_table_def): out becomes the element's value, computing a
 * lazy one out of line. With has_trap, null jumps to null_trap (out is
 * then 1); else null becomes 0. Registers other than out are kept. */
void x64_table_lazy(x64_cc *c, uint32_t table, wsbx_gpr idx, wsbx_gpr out, bool has_trap,
                    wsbx_label null_trap);
/* [rip + L]: a 16-byte aligned constant hi:lo in the function's pool,
 * emitted after the trap stubs (equal constants share an entry). A legacy
 * SSE instruction may take it as its m128 operand. */
wsbx_x64_mem x64_const_mem(x64_cc *c, uint64_t lo, uint64_t hi);
/* Records the next instruction as one that may fault with `kind`. */
void x64_trap_here(x64_cc *c, wsbx_trap kind);
/* Records the current code offset against the current wasm offset. */
void x64_addr_here(x64_cc *c);

/* After a compare whose result is `cc` in the flags: when the next
 * instruction is br_if or if, compiles it on the flags and returns true;
 * else returns false and the caller materializes the 0/1 value. */
bool x64_fuse_branch(x64_cc *c, wsbx_x64_cc cc);

/* ------------------------------------------------------------------------ */
/* codegen_call.c - calls                                                   */
/* ------------------------------------------------------------------------ */

/* A register-to-register move of a parallel move (xmm: xmm numbers). */
typedef struct x64_move {
        uint8_t src, dst;
        bool xmm;
} x64_move;

/* Emits moves whose destinations are distinct as if all happened at once
 * (cycles go through r11 / xmm15). */
void x64_parallel_move(x64_cc *c, x64_move *mv, unsigned n);

void x64_op_call(x64_cc *c, uint64_t func);
void x64_op_call_indirect(x64_cc *c, uint64_t type, uint64_t table);

/* ------------------------------------------------------------------------ */
/* codegen_int.c - integer ops, memory, globals, tables                     */
/* ------------------------------------------------------------------------ */

/* Pops the i32 index of a memory access of `size` bytes at `offset` and
 * returns the operand to access; *owned is a register to free afterwards
 * (X64_NOREG if none). Emits the bounds check the plan needs. */
wsbx_x64_mem x64_mem_operand(x64_cc *c, uint64_t offset, unsigned size, wsbx_gpr *owned);

/* Calls builtin `b`; args are popped values (or constants) placed in
 * rsi, rdx, ... after the vmctx in rdi. Spills first; returns with rax
 * holding the result (not pushed). */
void x64_call_builtin(x64_cc *c, wsbx_builtin b, const x64_val *args, unsigned nargs);

/* Each returns WSBX_OK or the error recorded in c (unsupported op). */
wsbx_errkind x64_int_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm);
wsbx_errkind x64_memory_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm);
wsbx_errkind x64_var_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm);
/* local.get / local.set / local.tee of a valid local index x, through the
 * local cache. */
void x64_local_get(x64_cc *c, uint32_t x);
void x64_local_set(x64_cc *c, uint32_t x, bool tee);
/* Whether the current local cache includes loop k's header cache. */
bool x64_lc_satisfies(const x64_cc *c, const x64_ctl *k);
/* On a back edge to loop k, before the jump: flushes the dirty locals the
 * header does not cache, then re-establishes the header's cache (moves
 * from registers caching the locals now, else loads). */
void x64_lc_restore(x64_cc *c, const x64_ctl *k);
/* Like x64_lc_restore, and the restored cache becomes the current one;
 * false (nothing emitted) when a header register is owned by the stack. */
bool x64_lc_adopt(x64_cc *c, const x64_ctl *k);

/* Float and SIMD handlers (codegen_float.c, codegen_simd.c), called by the
 * dispatch in codegen.c. */
wsbx_errkind x64_float_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm);
wsbx_errkind x64_simd_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm);

/* ------------------------------------------------------------------------ */
/* codegen_tramp.c - trampolines                                            */
/* ------------------------------------------------------------------------ */

/* Entry trampoline (wsbx_array_fn) of defined function `func`. */
void x64_emit_entry_trampoline(x64_cc *c, uint32_t func);
/* Host trampoline (wasm convention -> array convention) of type `type`. */
void x64_emit_host_trampoline(x64_cc *c, uint32_t type);

/* Argument assignment of the wasm convention: for each param, a register
 * (gpr or xmm number) or, when >= 0x100, stack slot (value - 0x100). */
uint32_t x64_assign_args(const wsbx_functype *ft, uint16_t *where, uint32_t *nstack);
#define X64_ARG_STACK 0x100

/* ------------------------------------------------------------------------ */
/* codegen_simd.c - SIMD helpers shared with codegen_simd2.c                */
/* ------------------------------------------------------------------------ */

/* SSE/AVX emitters for the SIMD code: each picks the VEX form when AVX is
 * allowed and records the CPU features it uses. Registers are xmm
 * numbers; xmm15 is the usual scratch.
 *   x64_v3      d = a op b (a V3 row, imm for F_I rows); in the legacy
 *               form d == b != a goes through xmm15, so a must not be it
 *   x64_v2      d = op s (a V2 row that writes all of d: pshufd, pabsb,
 *               pmovsx, cvt, round, movq)
 *   x64_vshift  d = s shifted by imm (the /digit rows)
 *   x64_vmov    d = s
 *   x64_vconst  d = the 128-bit constant hi:lo (zeros and ones by an
 *               idiom, others loaded from the constant pool)
 *   x64_v3k     d = a op the constant hi:lo, read from the constant pool
 *               as the instruction's memory operand (V3 rows without an
 *               immediate; uses no scratch register)
 *   x64_vnot    r = ~r (uses xmm15) */
void x64_v3(x64_cc *c, wsbx_x64_sse op, unsigned d, unsigned a, unsigned b, uint8_t imm);
void x64_v2(x64_cc *c, wsbx_x64_sse op, unsigned d, unsigned s, uint8_t imm);
void x64_vshift(x64_cc *c, wsbx_x64_sse op, unsigned d, unsigned s, uint8_t imm);
void x64_vmov(x64_cc *c, unsigned d, unsigned s);
void x64_vconst(x64_cc *c, unsigned d, uint64_t lo, uint64_t hi);
void x64_v3k(x64_cc *c, wsbx_x64_sse op, unsigned d, unsigned a, uint64_t lo, uint64_t hi);
void x64_vnot(x64_cc *c, unsigned r);

/* A constant with `b` in every lane of the given width in bytes. */
static inline uint64_t x64_splat64(uint64_t b, unsigned width)
{
        switch (width) {
        case 1: return (b & 0xff) * 0x0101010101010101ull;
        case 2: return (b & 0xffff) * 0x0001000100010001ull;
        case 4: return (b & 0xffffffffu) * 0x0000000100000001ull;
        default: return b;
        }
}

/* Integer arithmetic, shifts, float arithmetic and conversions
 * (codegen_simd2.c); the rest of the 0xFD instructions are x64_simd_op's. */
wsbx_errkind x64_simd_arith_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm);

#endif
