/* codegen.c - the single-pass x86-64 code generator: state, registers,
 * frames, control flow and the instruction dispatch loop (calls are in
 * codegen_call.c).
 *
 * One function at a time, one pass over its body, no intermediate form.
 * The design (abstract operand stack, lazy spills, canonical merge state,
 * write-back local cache, stubs and constant pool after the body) is
 * described in target.h. This file keeps these invariants:
 *
 *   - A register is owned by at most one stack entry or by the handler that
 *     popped it, or shared (read only) by stack entries and popped values
 *     with the local cache (shared[] counts them); gpr_used/xmm_used say
 *     which are taken. A free or shared register may cache a local
 *     (lc_valid), possibly dirty (lc_dirty: its slot is stale). Taking a
 *     free register drops its entry, flushing it first when dirty, and
 *     every label but a loop header empties the cache after the edges
 *     into it flushed (a loop's back edges restore the header's cache
 *     instead; a br_if back edge whose header registers are free restores
 *     it before its one conditional jump, so the fallthrough keeps it too;
 *     a br_if leaving a loop jumps to an exit stub that flushes, so the
 *     loop's own path stores nothing).
 *   - On entry to a block, loop or if no stack entry is in a register, so
 *     every edge into a label sees the same state below the label's
 *     values, and those values sit in the slots of their positions.
 *   - Code reached by no edge (after br, return, unreachable) is not
 *     compiled: only its block structure is followed.
 *
 * The frame (rbp-based, 16-byte aligned at every call):
 *
 *   [rbp + 16 + 16k]   stack-passed parameter k (caller's frame)
 *   [rbp + 8]          return address
 *   [rbp]              caller's rbp
 *   [rbp - 8]          vmctx (r14), reloaded after calls through funcrefs
 *   [rbp - 16]         return-area pointer (multi-value functions)
 *   ...                parameters passed in registers, declared locals
 *   slots_base + 16i   operand stack slot i (16 bytes each, v128-sized)
 *   [rsp, rsp+out)     outgoing stack arguments and return areas
 *
 * Its size is known only at the end, so the prologue's stack check carries
 * a 32-bit displacement patched then.
 *
 * Surprises: the body is validated before it gets here, so immediates are
 * read with the checked readers only to stay safe against a caller that
 * skipped validation; any read failure is reported, never trusted.
 */
#include "x64/target.h"

#include <stdio.h>
#include <stdlib.h>

#define GPR_POOL ((1u << X64_RAX) | (1u << X64_RCX) | (1u << X64_RDX) | (1u << X64_RBX) |   \
                  (1u << X64_RSI) | (1u << X64_RDI) | (1u << X64_R8) | (1u << X64_R9) |     \
                  (1u << X64_R10) | (1u << X64_R12) | (1u << X64_R13))
#define XMM_POOL 0x7fffu /* xmm0..xmm14; xmm15 is scratch */
#define SCRATCH X64_R11
#define XSCRATCH 15

/* Allocation order: registers no instruction needs for itself first (rbx,
 * rsi, rdi, r8-r10, r12, r13, lowest number first), so that division
 * (rax, rdx) and shifts (rcx) rarely have to evict; then rax, rcx, rdx. */
#define GPR_FIXED ((1u << X64_RAX) | (1u << X64_RCX) | (1u << X64_RDX))

/* Single value types as block result lists. */
static const wsbx_valtype vt_self[256] = {
        [WSBX_I32] = WSBX_I32, [WSBX_I64] = WSBX_I64, [WSBX_F32] = WSBX_F32,
        [WSBX_F64] = WSBX_F64, [WSBX_V128] = WSBX_V128, [WSBX_FUNCREF] = WSBX_FUNCREF,
        [WSBX_EXTERNREF] = WSBX_EXTERNREF,
};

/* ------------------------------------------------------------------------ */
/* Errors and growable arrays                                               */
/* ------------------------------------------------------------------------ */

wsbx_errkind x64_fail(x64_cc *c, wsbx_errkind kind, const char *fmt, ...)
{
        if (c->fail == WSBX_OK) {
                va_list ap;
                va_start(ap, fmt);
                wsbx_error_vset(c->err, kind, c->op_offset, fmt, ap);
                va_end(ap);
                c->fail = kind;
        }
        return c->fail;
}

wsbx_errkind x64_unsupported(x64_cc *c, wsbx_opcode op)
{
        return x64_fail(c, WSBX_ERR_LIMIT, "not supported yet: %s",
                        op < WSBX_OP_COUNT ? wsbx_ops[op].name : "?");
}

/* Makes room for `need` elements. Growth is geometric, so the compiler
 * allocates only while a function is larger than every earlier one. */
static bool grow(x64_cc *c, void **p, uint32_t *cap, uint64_t need, size_t elem)
{
        if (need <= *cap)
                return true;
        uint64_t n = *cap ? *cap : 64;
        while (n < need)
                n *= 2;
        if (n > UINT32_MAX / 2 || n * elem > SIZE_MAX / 2) {
                x64_fail(c, WSBX_ERR_LIMIT, "function too large to compile");
                return false;
        }
        void *q = realloc(*p, (size_t)n * elem);
        if (!q) {
                x64_fail(c, WSBX_ERR_NOMEM, "out of memory");
                return false;
        }
        *p = q;
        *cap = (uint32_t)n;
        return true;
}

uint16_t *x64_arg_where(x64_cc *c, const wsbx_functype *ft)
{
        if (!grow(c, (void **)&c->where, &c->where_cap, (uint64_t)ft->nparams + 1, sizeof *c->where))
                return NULL;
        return c->where;
}

/* ------------------------------------------------------------------------ */
/* Records                                                                  */
/* ------------------------------------------------------------------------ */

/* A record is appended inline when it fits; wsbx_buf_put grows the
 * buffer (and keeps its out-of-memory state) otherwise. */
static inline void put_record(wsbx_buf *b, const void *p, size_t n)
{
        if (!b->oom && b->cap - b->len >= n) {
                memcpy(b->data + b->len, p, n);
                b->len += n;
                return;
        }
        wsbx_buf_put(b, p, n);
}

void x64_addr_here(x64_cc *c)
{
        wsbx_art_addr r = { c->base + wsbx_asm_offset(&c->a), c->op_offset };
        put_record(&c->sink->addrs, &r, sizeof r);
}

void x64_trap_here(x64_cc *c, wsbx_trap kind)
{
        wsbx_art_trap t = { c->base + wsbx_asm_offset(&c->a), kind };
        put_record(&c->sink->traps, &t, sizeof t);
        x64_addr_here(c);
}

wsbx_label x64_trap_label(x64_cc *c, wsbx_trap kind)
{
        wsbx_label l = wsbx_asm_label_new(&c->a);
        if (!grow(c, (void **)&c->stubs, &c->stubs_cap, (uint64_t)c->nstubs + 1, sizeof *c->stubs))
                return l;
        c->stubs[c->nstubs++] = (x64_trapstub){ l, (uint16_t)kind, c->op_offset };
        return l;
}

wsbx_x64_mem x64_const_mem(x64_cc *c, uint64_t lo, uint64_t hi)
{
        /* Only recent entries are searched: a loop's constants are close
         * together, and the search stays linear in the function. */
        uint32_t from = c->nkpool > 32 ? c->nkpool - 32 : 0;
        for (uint32_t i = c->nkpool; i-- > from;) {
                if (c->kpool[i].lo == lo && c->kpool[i].hi == hi)
                        return x64_mem_label(c->kpool[i].label, 0);
        }
        wsbx_label l = wsbx_asm_label_new(&c->a);
        if (grow(c, (void **)&c->kpool, &c->kpool_cap, (uint64_t)c->nkpool + 1, sizeof *c->kpool))
                c->kpool[c->nkpool++] = (x64_kconst){ lo, hi, l };
        return x64_mem_label(l, 0);
}

/* The constant pool, 16-byte aligned (functions start 16-byte aligned). */
static void emit_const_pool(x64_cc *c)
{
        if (!c->nkpool)
                return;
        wsbx_asm_align(&c->a, 16);
        for (uint32_t i = 0; i < c->nkpool; i++) {
                uint64_t q[2] = { c->kpool[i].lo, c->kpool[i].hi };
                wsbx_asm_bind(&c->a, c->kpool[i].label);
                wsbx_asm_data(&c->a, q, sizeof q);
        }
}

void x64_table_lazy(x64_cc *c, uint32_t table, wsbx_gpr idx, wsbx_gpr out, bool has_trap,
                    wsbx_label null_trap)
{
        if (!grow(c, (void **)&c->lazies, &c->lazies_cap, (uint64_t)c->nlazies + 1, sizeof *c->lazies))
                return;
        x64_lazystub *z = &c->lazies[c->nlazies++];
        *z = (x64_lazystub){ .label = wsbx_asm_label_new(&c->a), .back = wsbx_asm_label_new(&c->a),
                             .null_trap = null_trap, .has_trap = has_trap, .idx = (uint8_t)idx,
                             .out = (uint8_t)out, .table = table };
        x64_alu_ri(&c->a, X64_CMP, X64_64, out, WSBX_TABLE_NULL_FUNCREF);
        x64_jcc(&c->a, X64_CC_BE, z->label);
        wsbx_asm_bind(&c->a, z->back);
}

/* Each: null goes to its trap or becomes 0; an element not initialized
 * yet goes through WSBX_BUILTIN_TABLE_LAZY (abi.h), which keeps every
 * register, so nothing here disturbs the body's register state. */
static void emit_lazy_stubs(x64_cc *c)
{
        wsbx_asm *a = &c->a;
        for (uint32_t i = 0; i < c->nlazies; i++) {
                const x64_lazystub *z = &c->lazies[i];
                wsbx_gpr out = (wsbx_gpr)z->out;
                wsbx_label null = z->has_trap ? z->null_trap : wsbx_asm_label_new(a);
                wsbx_asm_bind(a, z->label);
                x64_jcc(a, X64_CC_E, null);
                x64_push(a, X64_RAX);
                x64_push(a, (wsbx_gpr)z->idx);
                x64_mov_rm(a, X64_64, X64_RAX, x64_mem(X64_R14, (int32_t)(c->lay.tables + 8 * z->table)));
                x64_push(a, X64_RAX);
                x64_mov_rm(a, X64_64, X64_RAX, x64_mem(X64_R14, WSBX_VMCTX_BUILTINS));
                x64_call_m(a, x64_mem(X64_RAX, 8 * (int32_t)WSBX_BUILTIN_TABLE_LAZY));
                if (out != X64_RAX) {
                        x64_pop(a, out);
                        x64_alu_ri(a, X64_ADD, X64_64, X64_RSP, 8);
                        x64_pop(a, X64_RAX);
                } else {
                        x64_pop(a, SCRATCH);
                        x64_alu_ri(a, X64_ADD, X64_64, X64_RSP, 16);
                        x64_mov_rr(a, X64_64, X64_RAX, SCRATCH);
                }
                x64_alu_ri(a, X64_CMP, X64_64, out, WSBX_TABLE_NULL_FUNCREF);
                if (z->has_trap) {
                        x64_jcc(a, X64_CC_E, null);
                        x64_jmp(a, z->back);
                } else {
                        x64_jcc(a, X64_CC_NE, z->back);
                        wsbx_asm_bind(a, null);
                        x64_alu_rr(a, X64_XOR, X64_32, out, out);
                        x64_jmp(a, z->back);
                }
        }
}

static void emit_trap_stubs(x64_cc *c)
{
        for (uint32_t i = 0; i < c->nstubs; i++) {
                c->op_offset = c->stubs[i].wasm_offset;
                wsbx_asm_bind(&c->a, c->stubs[i].label);
                x64_trap_here(c, (wsbx_trap)c->stubs[i].kind);
                x64_ud2(&c->a);
        }
}

/* ------------------------------------------------------------------------ */
/* Registers                                                                */
/* ------------------------------------------------------------------------ */

void x64_spill_entry(x64_cc *c, uint32_t i)
{
        x64_val *v = &c->stack[i];
        if (v->kind != X64_V_REG)
                return;
        x64_store_typed(c, v->type, x64_slot(c, i), v->reg);
        if (x64_is_float_type(v->type))
                x64_free_xmm(c, v->reg);
        else
                x64_free_gpr(c, v->reg);
        v->kind = X64_V_SLOT;
}

void x64_spill_all(x64_cc *c)
{
        if (!c->gpr_used && !c->xmm_used)
                return;
        for (uint32_t i = 0; i < c->sp; i++)
                x64_spill_entry(c, i);
}

/* Spills the oldest stack value held in a register of the given class. */
static bool spill_one(x64_cc *c, bool xmm)
{
        for (uint32_t i = 0; i < c->sp; i++) {
                x64_val *v = &c->stack[i];
                if (v->kind == X64_V_REG && x64_is_float_type(v->type) == xmm) {
                        x64_spill_entry(c, i);
                        return true;
                }
        }
        return false;
}

wsbx_gpr x64_alloc_gpr(x64_cc *c)
{
        for (;;) {
                uint32_t fr = GPR_POOL & ~c->gpr_used;
                if (fr) {
                        /* A register caching a local is taken last. */
                        uint32_t pick = fr & ~c->lc_valid ? fr & ~c->lc_valid : fr;
                        if (pick & ~GPR_FIXED)
                                pick &= ~GPR_FIXED;
                        unsigned r = (unsigned)__builtin_ctz(pick);
                        c->gpr_used |= 1u << r;
                        x64_lc_flush(c, 1u << r);
                        c->lc_valid &= ~(1u << r);
                        return (wsbx_gpr)r;
                }
                if (!spill_one(c, false)) {
                        x64_fail(c, WSBX_ERR_LIMIT, "out of registers");
                        return X64_RAX;
                }
        }
}

unsigned x64_alloc_xmm(x64_cc *c)
{
        for (;;) {
                uint32_t fr = XMM_POOL & ~c->xmm_used;
                if (fr) {
                        uint32_t unc = fr & ~(c->lc_valid >> LC_XMM);
                        unsigned r = (unsigned)__builtin_ctz(unc ? unc : fr);
                        c->xmm_used |= 1u << r;
                        x64_lc_flush(c, 1u << (LC_XMM + r));
                        c->lc_valid &= ~(1u << (LC_XMM + r));
                        return r;
                }
                if (!spill_one(c, true)) {
                        x64_fail(c, WSBX_ERR_LIMIT, "out of registers");
                        return 0;
                }
        }
}

/* Freeing a shared register drops one reference. */
void x64_free_gpr(x64_cc *c, wsbx_gpr r)
{
        if (c->shared[r] && --c->shared[r])
                return;
        c->gpr_used &= ~(1u << r);
}

void x64_free_xmm(x64_cc *c, unsigned r)
{
        if (c->shared[LC_XMM + r] && --c->shared[LC_XMM + r])
                return;
        c->xmm_used &= ~(1u << r);
}

void x64_claim_gpr(x64_cc *c, wsbx_gpr r)
{
        if (c->gpr_used & (1u << r)) {
                /* A shared register may have several stack references. */
                for (uint32_t i = 0; i < c->sp && (c->gpr_used & (1u << r)); i++) {
                        x64_val *v = &c->stack[i];
                        if (v->kind != X64_V_REG || x64_is_float_type(v->type) || v->reg != r)
                                continue;
                        if (GPR_POOL & ~c->gpr_used) {
                                wsbx_gpr n = x64_alloc_gpr(c);
                                x64_mov_rr(&c->a, X64_64, n, r);
                                v->reg = (uint8_t)n;
                                x64_free_gpr(c, r);
                        } else {
                                x64_spill_entry(c, i);
                        }
                }
                if (NEVER(c->gpr_used & (1u << r))) {
                        x64_fail(c, WSBX_ERR_LIMIT, "register conflict");
                        return;
                }
        }
        c->gpr_used |= 1u << r;
        x64_lc_flush(c, 1u << r);
        c->lc_valid &= ~(1u << r);
}

/* ------------------------------------------------------------------------ */
/* The local cache                                                          */
/* ------------------------------------------------------------------------ */

void x64_lc_note(x64_cc *c, wsbx_valtype t, unsigned reg, uint32_t x, bool dirty)
{
        unsigned b = x64_is_float_type(t) ? LC_XMM + reg : reg;
        c->lc_local[b] = x;
        c->lc_valid |= 1u << b;
        if (dirty)
                c->lc_dirty |= 1u << b;
        else
                c->lc_dirty &= ~(1u << b);
        c->lc_bit[x] = (uint8_t)b;
}

void x64_lc_flush_dirty(x64_cc *c, uint32_t mask)
{
        mask &= c->lc_dirty & c->lc_valid;
        c->lc_dirty &= ~mask;
        while (mask) {
                unsigned b = (unsigned)__builtin_ctz(mask);
                mask &= mask - 1;
                uint32_t x = c->lc_local[b];
                x64_store_typed(c, c->local_type[x], x64_local(c, x), b >= LC_XMM ? b - LC_XMM : b);
        }
}

/* Whether a register of t's class is free and caches nothing. */
bool x64_have_spare(const x64_cc *c, wsbx_valtype t)
{
        if (x64_is_float_type(t))
                return XMM_POOL & ~c->xmm_used & ~(c->lc_valid >> LC_XMM);
        return GPR_POOL & ~c->gpr_used & ~c->lc_valid;
}

/* ------------------------------------------------------------------------ */
/* The operand stack                                                        */
/* ------------------------------------------------------------------------ */

static x64_val *push(x64_cc *c, wsbx_valtype t, uint8_t kind)
{
        if (c->sp >= c->stack_cap &&
            !grow(c, (void **)&c->stack, &c->stack_cap, (uint64_t)c->sp + 1, sizeof *c->stack)) {
                /* Keep going on a dummy so callers need not check. */
                c->sp = 0;
        }
        x64_val *v = &c->stack[c->sp];
        v->kind = kind;
        v->type = t;
        v->reg = 0;
        v->pos = c->sp;
        v->k = 0;
        c->sp++;
        if (c->sp > c->max_sp)
                c->max_sp = c->sp;
        return v;
}

void x64_push_reg(x64_cc *c, wsbx_valtype t, unsigned reg)
{
        push(c, t, X64_V_REG)->reg = (uint8_t)reg;
}

void x64_push_const(x64_cc *c, wsbx_valtype t, uint64_t k)
{
        push(c, t, X64_V_CONST)->k = t == WSBX_I32 || t == WSBX_F32 ? (uint32_t)k : k;
}

void x64_push_slot(x64_cc *c, wsbx_valtype t)
{
        push(c, t, X64_V_SLOT);
}

x64_val x64_vpop(x64_cc *c)
{
        if (NEVER(c->sp == 0)) {
                x64_fail(c, WSBX_ERR_INVALID, "operand stack underflow");
                return (x64_val){ .kind = X64_V_CONST, .type = WSBX_I32 };
        }
        return c->stack[--c->sp];
}

void x64_release(x64_cc *c, const x64_val *v)
{
        if (v->kind != X64_V_REG)
                return;
        if (x64_is_float_type(v->type))
                x64_free_xmm(c, v->reg);
        else
                x64_free_gpr(c, v->reg);
}

/* Drops the stack to `n` entries, releasing registers. */
void x64_truncate(x64_cc *c, uint32_t n)
{
        while (c->sp > n) {
                x64_val v = x64_vpop(c);
                x64_release(c, &v);
        }
}

/* ------------------------------------------------------------------------ */
/* Moves                                                                    */
/* ------------------------------------------------------------------------ */

void x64_load_typed(x64_cc *c, wsbx_valtype t, unsigned reg, wsbx_x64_mem m)
{
        switch (t) {
        case WSBX_I32:
                x64_mov_rm(&c->a, X64_32, (wsbx_gpr)reg, m);
                break;
        case WSBX_F32:
                x64_sse_rm(&c->a, X64_MOVSS, reg, m);
                break;
        case WSBX_F64:
                x64_sse_rm(&c->a, X64_MOVSD, reg, m);
                break;
        case WSBX_V128:
                x64_sse_rm(&c->a, X64_MOVDQU, reg, m);
                break;
        default:
                x64_mov_rm(&c->a, X64_64, (wsbx_gpr)reg, m);
                break;
        }
}

void x64_store_typed(x64_cc *c, wsbx_valtype t, wsbx_x64_mem m, unsigned reg)
{
        switch (t) {
        case WSBX_I32:
                x64_mov_mr(&c->a, X64_32, m, (wsbx_gpr)reg);
                break;
        case WSBX_F32:
                x64_sse_mr(&c->a, X64_MOVSS_ST, m, reg);
                break;
        case WSBX_F64:
                x64_sse_mr(&c->a, X64_MOVSD_ST, m, reg);
                break;
        case WSBX_V128:
                x64_sse_mr(&c->a, X64_MOVDQU_ST, m, reg);
                break;
        default:
                x64_mov_mr(&c->a, X64_64, m, (wsbx_gpr)reg);
                break;
        }
}

static bool fits_i32(uint64_t k)
{
        return (int64_t)k == (int32_t)(uint32_t)k;
}

/* A constant to memory, without a scratch register. */
static void store_const(x64_cc *c, wsbx_valtype t, uint64_t k, wsbx_x64_mem m)
{
        if (t == WSBX_I32 || t == WSBX_F32) {
                x64_mov_mi(&c->a, X64_32, m, (int32_t)(uint32_t)k);
        } else if (t == WSBX_V128) {
                x64_fail(c, WSBX_ERR_LIMIT, "not supported yet: v128 constant operand");
        } else if (fits_i32(k)) {
                x64_mov_mi(&c->a, X64_64, m, (int32_t)(uint32_t)k);
        } else {
                x64_mov_mi(&c->a, X64_32, m, (int32_t)(uint32_t)k);
                m.disp += 4;
                x64_mov_mi(&c->a, X64_32, m, (int32_t)(uint32_t)(k >> 32));
        }
}

void x64_store_val(x64_cc *c, const x64_val *v, wsbx_x64_mem m)
{
        switch (v->kind) {
        case X64_V_REG:
                x64_store_typed(c, v->type, m, v->reg);
                break;
        case X64_V_CONST:
                store_const(c, v->type, v->k, m);
                break;
        default:
                if (x64_is_float_type(v->type)) {
                        x64_load_typed(c, v->type, XSCRATCH, x64_slot(c, v->pos));
                        x64_store_typed(c, v->type, m, XSCRATCH);
                } else if (m.base == SCRATCH || m.index == SCRATCH) {
                        x64_load_typed(c, WSBX_F64, XSCRATCH, x64_slot(c, v->pos));
                        if (v->type == WSBX_I32)
                                x64_sse_mr(&c->a, X64_MOVSS_ST, m, XSCRATCH);
                        else
                                x64_sse_mr(&c->a, X64_MOVSD_ST, m, XSCRATCH);
                } else {
                        x64_load_typed(c, v->type, SCRATCH, x64_slot(c, v->pos));
                        x64_store_typed(c, v->type, m, SCRATCH);
                }
                break;
        }
}

static void const_to_xmm(x64_cc *c, wsbx_valtype t, uint64_t k, unsigned x)
{
        if (k == 0) {
                x64_sse_rr(&c->a, X64_XORPS, x, x);
        } else if (t == WSBX_F32) {
                x64_sse_rm(&c->a, X64_MOVSS, x, x64_const_mem(c, (uint32_t)k, 0));
        } else if (t == WSBX_F64) {
                x64_sse_rm(&c->a, X64_MOVSD, x, x64_const_mem(c, k, 0));
        } else {
                x64_fail(c, WSBX_ERR_LIMIT, "not supported yet: v128 constant operand");
        }
}

void x64_load_into_gpr(x64_cc *c, const x64_val *v, wsbx_gpr dst)
{
        switch (v->kind) {
        case X64_V_REG:
                if (v->reg != dst)
                        x64_mov_rr(&c->a, x64_size_of(v->type), dst, (wsbx_gpr)v->reg);
                break;
        case X64_V_CONST:
                x64_mov_ri(&c->a, x64_size_of(v->type), dst, v->k);
                break;
        default:
                x64_load_typed(c, v->type, dst, x64_slot(c, v->pos));
                break;
        }
}

static void load_into_xmm(x64_cc *c, const x64_val *v, unsigned dst)
{
        switch (v->kind) {
        case X64_V_REG:
                if (v->reg != dst)
                        x64_sse_rr(&c->a, X64_MOVAPS, dst, v->reg);
                break;
        case X64_V_CONST:
                const_to_xmm(c, v->type, v->k, dst);
                break;
        default:
                x64_load_typed(c, v->type, dst, x64_slot(c, v->pos));
                break;
        }
}

/* When v is the only reference to a cached local's register and the
 * next instruction is local.set of that local, the old value dies there:
 * the entry is dropped without a store and the register becomes v's own
 * (so `x = x + 1` updates x's register in place). */
bool x64_stealable(const x64_cc *c, const x64_val *v)
{
        if (v->kind != X64_V_REG)
                return false;
        /* The next instruction must be the one that runs next: not after
         * a branch (br_table takes its index with x64_to_gpr), nor after a
         * compare whose br_if or if was compiled with it. */
        if (c->op_offset < c->m->size) {
                uint8_t op = c->m->bytes[c->op_offset];
                if (op == 0x04 || (op >= 0x0c && op <= 0x0f))
                        return false;
        }
        unsigned b = x64_is_float_type(v->type) ? LC_XMM + v->reg : v->reg;
        if (c->shared[b] != 1 || !(c->lc_valid & (1u << b)) || c->r.p >= c->r.end ||
            *c->r.p != 0x21)
                return false;
        wsbx_reader r = c->r;
        wsbx_error dummy;
        r.err = &dummy;
        uint8_t op;
        uint32_t x;
        return wsbx_read_u8(&r, &op) && wsbx_read_u32(&r, &x) && x == c->lc_local[b];
}

static bool steal_shared(x64_cc *c, const x64_val *v)
{
        if (!x64_stealable(c, v))
                return false;
        unsigned b = x64_is_float_type(v->type) ? LC_XMM + v->reg : v->reg;
        c->shared[b] = 0;
        c->lc_valid &= ~(1u << b);
        c->lc_dirty &= ~(1u << b);
        return true;
}

wsbx_gpr x64_to_gpr(x64_cc *c, const x64_val *v)
{
        if (v->kind == X64_V_REG && (!x64_shared(c, v) || steal_shared(c, v)))
                return (wsbx_gpr)v->reg;
        wsbx_gpr r = x64_alloc_gpr(c);
        x64_load_into_gpr(c, v, r);
        x64_release(c, v);
        return r;
}

unsigned x64_to_xmm(x64_cc *c, const x64_val *v)
{
        if (v->kind == X64_V_REG && (!x64_shared(c, v) || steal_shared(c, v)))
                return v->reg;
        unsigned r = x64_alloc_xmm(c);
        load_into_xmm(c, v, r);
        x64_release(c, v);
        return r;
}

void x64_own(x64_cc *c, x64_val *v)
{
        if (!x64_shared(c, v))
                return;
        v->reg = (uint8_t)(x64_is_float_type(v->type) ? x64_to_xmm(c, v) : (unsigned)x64_to_gpr(c, v));
}

/* A value into a given register (of its class) without changing the
 * stack entry: for arguments and returns. */
void x64_copy_to_reg(x64_cc *c, const x64_val *v, unsigned reg)
{
        if (x64_is_float_type(v->type))
                load_into_xmm(c, v, reg);
        else
                x64_load_into_gpr(c, v, (wsbx_gpr)reg);
}

/* Copies the top n values into slots [base, base+n). Increasing order is
 * safe: a destination never lies above its source, so no source is
 * overwritten before it is read. */
static void store_top_to_slots(x64_cc *c, uint32_t n, uint32_t base)
{
        for (uint32_t j = 0; j < n; j++) {
                uint32_t pos = c->sp - n + j;
                x64_val *v = &c->stack[pos];
                if (v->kind == X64_V_SLOT && pos == base + j)
                        continue;
                x64_store_val(c, v, x64_slot(c, base + j));
        }
}

static bool top_in_slots(const x64_cc *c, uint32_t n, uint32_t base)
{
        for (uint32_t j = 0; j < n; j++) {
                uint32_t pos = c->sp - n + j;
                if (c->stack[pos].kind != X64_V_SLOT || pos != base + j)
                        return false;
        }
        return true;
}

/* ------------------------------------------------------------------------ */
/* Frame, prologue, return                                                  */
/* ------------------------------------------------------------------------ */

static void epoch_check(x64_cc *c)
{
        if (!c->opts->epoch)
                return;
        x64_mov_rm(&c->a, X64_64, SCRATCH, x64_mem(X64_R14, WSBX_VMCTX_EPOCH_PTR));
        x64_mov_rm(&c->a, X64_64, SCRATCH, x64_mem(SCRATCH, 0));
        x64_alu_rm(&c->a, X64_CMP, X64_64, SCRATCH, x64_mem(X64_R14, WSBX_VMCTX_EPOCH_DEADLINE));
        x64_jcc(&c->a, X64_CC_AE, x64_trap_label(c, WSBX_TRAP_INTERRUPTED));
}

static bool setup_locals(x64_cc *c, const wsbx_func *f)
{
        const wsbx_functype *ft = c->ft;
        uint64_t n = (uint64_t)ft->nparams + f->nlocals;
        if (!grow(c, (void **)&c->local_off, &c->locals_cap, n, sizeof *c->local_off))
                return false;
        uint8_t *lt = realloc(c->local_type, c->locals_cap ? c->locals_cap : 1);
        if (!lt) {
                x64_fail(c, WSBX_ERR_NOMEM, "out of memory");
                return false;
        }
        c->local_type = lt;
        uint8_t *lb = realloc(c->lc_bit, c->locals_cap ? c->locals_cap : 1);
        if (!lb) {
                x64_fail(c, WSBX_ERR_NOMEM, "out of memory");
                return false;
        }
        c->lc_bit = lb;
        memset(lb, 0xff, (size_t)n);
        uint16_t *where = x64_arg_where(c, ft);
        if (!where)
                return false;
        uint32_t nstack;
        x64_assign_args(ft, where, &nstack);
        uint64_t off = 16;
        uint32_t i = 0;
        for (; i < ft->nparams; i++) {
                wsbx_valtype t = ft->params[i];
                c->local_type[i] = t;
                if (where[i] >= X64_ARG_STACK) {
                        c->local_off[i] = 16 + 16 * (int32_t)(where[i] - X64_ARG_STACK);
                } else {
                        off += t == WSBX_V128 ? 16 : 8;
                        off = (off + (t == WSBX_V128 ? 15 : 7)) & ~(uint64_t)(t == WSBX_V128 ? 15 : 7);
                        c->local_off[i] = -(int32_t)off;
                }
        }
        /* Declared locals are contiguous so the prologue zeroes one range. */
        off = (off + 15) & ~(uint64_t)15;
        uint64_t zero_from = off;
        for (uint32_t g = 0; g < f->nlocalgroups; g++) {
                wsbx_valtype t = f->localgroups[g].type;
                for (uint32_t k = 0; k < f->localgroups[g].count; k++, i++) {
                        off += t == WSBX_V128 ? 16 : 8;
                        if (t == WSBX_V128)
                                off = (off + 15) & ~(uint64_t)15;
                        c->local_off[i] = -(int32_t)off;
                        c->local_type[i] = t;
                }
        }
        off = (off + 15) & ~(uint64_t)15;
        c->nlocals = i;
        c->slots_base = (uint32_t)off;

        /* Prologue. */
        wsbx_asm *a = &c->a;
        x64_push(a, X64_RBP);
        x64_mov_rr(a, X64_64, X64_RBP, X64_RSP);
        /* A placeholder that forces a disp32, patched with -frame. */
        x64_lea(a, X64_64, SCRATCH, x64_mem(X64_RSP, INT32_MIN / 2));
        c->frame_patch = wsbx_asm_offset(a) - 4;
        x64_alu_rm(a, X64_CMP, X64_64, SCRATCH, x64_mem(X64_R14, WSBX_VMCTX_STACK_LIMIT));
        x64_jcc(a, X64_CC_B, x64_trap_label(c, WSBX_TRAP_STACK_OVERFLOW));
        x64_mov_rr(a, X64_64, X64_RSP, SCRATCH);
        x64_mov_mr(a, X64_64, x64_mem(X64_RBP, -8), X64_R14);
        if (ft->nresults > 1)
                x64_mov_mr(a, X64_64, x64_mem(X64_RBP, -16), X64_RDI);
        uint64_t bytes = off - zero_from;
        /* With rep stos (which uses rdi, rcx and rax) the register params
         * are stored first; otherwise they stay in their registers as
         * dirty cache entries, stored only if a slot is ever needed. */
        for (uint32_t p = 0; p < ft->nparams && bytes > 128; p++) {
                if (where[p] < X64_ARG_STACK)
                        x64_store_typed(c, ft->params[p], x64_local(c, p), where[p]);
        }
        if (bytes && bytes <= 128) {
                x64_alu_rr(a, X64_XOR, X64_32, SCRATCH, SCRATCH);
                for (uint64_t b = zero_from + 8; b <= off; b += 8)
                        x64_mov_mr(a, X64_64, x64_mem(X64_RBP, -(int32_t)b), SCRATCH);
        } else if (bytes) {
                static const uint8_t rep_stosq[] = { 0xf3, 0x48, 0xab };
                x64_lea(a, X64_64, X64_RDI, x64_mem(X64_RBP, -(int32_t)off));
                x64_mov_ri(a, X64_32, X64_RCX, bytes / 8);
                x64_alu_rr(a, X64_XOR, X64_32, X64_RAX, X64_RAX);
                wsbx_asm_data(a, rep_stosq, sizeof rep_stosq);
        }
        x64_lc_drop(c);
        if (bytes <= 128) {
                for (uint32_t p = 0; p < ft->nparams; p++) {
                        if (where[p] < X64_ARG_STACK)
                                x64_lc_note(c, ft->params[p], where[p], p, true);
                }
        }
        epoch_check(c);
        return true;
}

static void emit_epilogue(x64_cc *c)
{
        x64_mov_rr(&c->a, X64_64, X64_RSP, X64_RBP);
        x64_pop(&c->a, X64_RBP);
        x64_ret(&c->a);
}

/* Returns the top nresults values (the stack is left as it was). */
static void emit_return(x64_cc *c)
{
        const wsbx_functype *ft = c->ft;
        uint32_t n = ft->nresults;
        if (n == 1) {
                const x64_val *v = &c->stack[c->sp - 1];
                x64_copy_to_reg(c, v, x64_is_float_type(v->type) ? 0 : X64_RAX);
        } else if (n > 1) {
                x64_mov_rm(&c->a, X64_64, SCRATCH, x64_mem(X64_RBP, -16));
                for (uint32_t j = 0; j < n; j++)
                        x64_store_val(c, &c->stack[c->sp - n + j], x64_mem(SCRATCH, 16 * (int32_t)j));
        }
        emit_epilogue(c);
}

/* ------------------------------------------------------------------------ */
/* Control flow                                                             */
/* ------------------------------------------------------------------------ */

static x64_ctl *push_ctl(x64_cc *c, uint8_t kind, const x64_imm *imm)
{
        if (!grow(c, (void **)&c->ctl, &c->ctl_cap, (uint64_t)c->nctl + 1, sizeof *c->ctl))
                return NULL;
        x64_ctl *k = &c->ctl[c->nctl++];
        memset(k, 0, sizeof *k);
        k->kind = kind;
        k->nloops = (c->nctl > 1 ? k[-1].nloops : 0) + (kind == X64_CTL_LOOP);
        int64_t bt = (int64_t)imm->a;
        if (bt == -64) {
                k->params = k->results = NULL;
        } else if (bt < 0) {
                k->nresults = 1;
                k->results = &vt_self[(uint8_t)(bt & 0x7f)];
        } else if ((uint64_t)bt < c->m->ntypes) {
                const wsbx_functype *ft = &c->m->types[bt];
                k->nparams = ft->nparams;
                k->params = ft->params;
                k->nresults = ft->nresults;
                k->results = ft->results;
        } else {
                x64_fail(c, WSBX_ERR_INVALID, "unknown type");
                c->nctl--;
                return NULL;
        }
        if (k->nparams > c->sp) {
                x64_fail(c, WSBX_ERR_INVALID, "type mismatch");
                c->nctl--;
                return NULL;
        }
        k->height = c->sp - k->nparams;
        k->label = wsbx_asm_label_new(&c->a);
        return k;
}

/* Puts the block's params into their own slots and spills the rest, so the
 * state on entry is the canonical one. */
static void enter_block(x64_cc *c, const x64_ctl *k)
{
        x64_spill_all(c);
        for (uint32_t i = k->height; i < c->sp; i++) {
                x64_val *v = &c->stack[i];
                if (v->kind == X64_V_CONST) {
                        store_const(c, v->type, v->k, x64_slot(c, i));
                        v->kind = X64_V_SLOT;
                }
        }
}

static x64_ctl *target_of(x64_cc *c, uint64_t depth)
{
        if (depth >= c->nctl) {
                x64_fail(c, WSBX_ERR_INVALID, "unknown label");
                return NULL;
        }
        return &c->ctl[c->nctl - 1 - depth];
}

static uint32_t arity_of(const x64_ctl *k)
{
        return k->kind == X64_CTL_LOOP ? k->nparams : k->nresults;
}

/* The moves of a branch to k, then the jump (the stack is unchanged). */
static void emit_branch(x64_cc *c, x64_ctl *k)
{
        if (k->kind == X64_CTL_FUNC) {
                emit_return(c);
                return;
        }
        uint32_t n = arity_of(k);
        uint32_t dirty = c->lc_dirty;
        store_top_to_slots(c, n, k->height);
        if (k->kind != X64_CTL_LOOP) {
                k->targeted = true;
                x64_lc_flush(c, c->lc_dirty);
        } else {
                x64_lc_restore(c, k);
        }
        x64_jmp(&c->a, k->label);
        /* The flushes ran on this edge only (br_if's fallthrough). */
        c->lc_dirty = dirty;
}

/* Sets the state after a label: the stack below the block as it was, then
 * n values of the given types in their slots. */
static void state_after_label(x64_cc *c, uint32_t height, uint32_t n, const wsbx_valtype *types)
{
        x64_truncate(c, height);
        for (uint32_t i = 0; i < n; i++)
                x64_push_slot(c, types[i]);
}

static void loop_preload(x64_cc *c);

static void op_block(x64_cc *c, uint8_t kind, const x64_imm *imm)
{
        x64_ctl *k = push_ctl(c, kind, imm);
        if (!k)
                return;
        enter_block(c, k);
        if (kind == X64_CTL_LOOP) {
                loop_preload(c);
                k->lc_valid = c->lc_valid;
                memcpy(k->lc_local, c->lc_local, sizeof k->lc_local);
                /* Back edges may bring any header local changed. */
                c->lc_dirty = c->lc_valid;
                wsbx_asm_bind(&c->a, k->label);
                epoch_check(c);
        }
}

/* `cc` >= 0: the condition is already in the flags (a fused compare). */
static void op_if(x64_cc *c, const x64_imm *imm, int cc)
{
        /* The condition leaves the stack first, so that the params are the
         * top of the stack when the block is entered. Spilling below does
         * not touch the flags (only moves). */
        x64_val cond = { .kind = X64_V_CONST };
        if (cc < 0) {
                cond = x64_vpop(c);
                if (cond.kind != X64_V_REG) {
                        wsbx_gpr r = x64_to_gpr(c, &cond);
                        cond.kind = X64_V_REG;
                        cond.reg = (uint8_t)r;
                }
        }
        x64_ctl *k = push_ctl(c, X64_CTL_IF, imm);
        if (!k)
                return;
        k->else_label = wsbx_asm_label_new(&c->a);
        enter_block(c, k);
        /* The else label starts with an empty cache (stores keep the
         * flags of a fused compare). */
        x64_lc_flush(c, c->lc_dirty);
        if (cc < 0) {
                x64_free_gpr(c, cond.reg);
                x64_test_rr(&c->a, X64_32, (wsbx_gpr)cond.reg, (wsbx_gpr)cond.reg);
                x64_jcc(&c->a, X64_CC_E, k->else_label);
        } else {
                x64_jcc(&c->a, x64_cc_invert((wsbx_x64_cc)cc), k->else_label);
        }
}

static void op_else(x64_cc *c)
{
        x64_ctl *k = &c->ctl[c->nctl - 1];
        if (k->kind != X64_CTL_IF || k->else_seen) {
                x64_fail(c, WSBX_ERR_INVALID, "else without if");
                return;
        }
        if (!c->unreachable) {
                store_top_to_slots(c, k->nresults, k->height);
                x64_lc_flush(c, c->lc_dirty);
                k->targeted = true;
                x64_jmp(&c->a, k->label);
        }
        k->else_seen = true;
        x64_lc_drop(c);
        wsbx_asm_bind(&c->a, k->else_label);
        state_after_label(c, k->height, k->nparams, k->params);
        c->unreachable = false;
}

static void op_end(x64_cc *c)
{
        x64_ctl *k = &c->ctl[c->nctl - 1];
        if (k->kind == X64_CTL_FUNC) {
                if (!c->unreachable)
                        emit_return(c);
                c->nctl--;
                c->unreachable = true;
                return;
        }
        if (k->kind == X64_CTL_IF && !k->else_seen) {
                /* No else: the false edge carries the params as results. */
                if (!c->unreachable) {
                        store_top_to_slots(c, k->nresults, k->height);
                        x64_lc_flush(c, c->lc_dirty);
                }
                x64_lc_drop(c);
                wsbx_asm_bind(&c->a, k->else_label);
                if (k->targeted)
                        wsbx_asm_bind(&c->a, k->label);
                state_after_label(c, k->height, k->nresults, k->results);
                c->unreachable = false;
                c->nctl--;
                return;
        }
        if (k->kind == X64_CTL_LOOP) {
                /* Branches went to the header: the end is only fallen into. */
                c->nctl--;
                return;
        }
        if (k->targeted) {
                if (!c->unreachable) {
                        store_top_to_slots(c, k->nresults, k->height);
                        x64_lc_flush(c, c->lc_dirty);
                }
                x64_lc_drop(c);
                wsbx_asm_bind(&c->a, k->label);
                state_after_label(c, k->height, k->nresults, k->results);
                c->unreachable = false;
        }
        /* Not targeted: the fallthrough state (if reachable) stays as is. */
        c->nctl--;
}

static void op_br(x64_cc *c, uint64_t depth)
{
        x64_ctl *k = target_of(c, depth);
        if (!k)
                return;
        emit_branch(c, k);
        c->unreachable = true;
}

/* Exit stubs per function; beyond, a br_if leaving a loop flushes inline
 * on its taken side (which keeps a hostile body's records bounded). */
#define MAX_EXIT_STUBS 4096

/* A stub (emitted after the body) that flushes the dirty entries of
 * `mask` as they are now and jumps to k's label. */
static wsbx_label exit_stub(x64_cc *c, const x64_ctl *k, uint32_t mask)
{
        wsbx_label l = wsbx_asm_label_new(&c->a);
        if (!grow(c, (void **)&c->exits, &c->exits_cap, (uint64_t)c->nexits + 1, sizeof *c->exits))
                return l;
        x64_exitstub *e = &c->exits[c->nexits++];
        e->label = l;
        e->target = k->label;
        e->mask = mask;
        memcpy(e->lc_local, c->lc_local, sizeof e->lc_local);
        return l;
}

static void emit_exit_stubs(x64_cc *c)
{
        for (uint32_t i = 0; i < c->nexits; i++) {
                const x64_exitstub *e = &c->exits[i];
                wsbx_asm_bind(&c->a, e->label);
                for (uint32_t m = e->mask; m;) {
                        unsigned b = (unsigned)__builtin_ctz(m);
                        m &= m - 1;
                        uint32_t x = e->lc_local[b];
                        x64_store_typed(c, c->local_type[x], x64_local(c, x),
                                        b >= LC_XMM ? b - LC_XMM : b);
                }
                x64_jmp(&c->a, e->target);
        }
}

/* Whether a branch to k leaves a loop. */
static bool leaves_loop(const x64_cc *c, const x64_ctl *k)
{
        return c->ctl[c->nctl - 1].nloops > k->nloops;
}

static void op_br_if(x64_cc *c, uint64_t depth, int cc)
{
        x64_ctl *k = target_of(c, depth);
        if (!k)
                return;
        if (cc < 0) {
                x64_val v = x64_vpop(c);
                wsbx_gpr r = v.kind == X64_V_REG ? (wsbx_gpr)v.reg : x64_to_gpr(c, &v);
                x64_free_gpr(c, r);
                x64_test_rr(&c->a, X64_32, r, r);
                cc = X64_CC_NE;
        }
        if (k->kind != X64_CTL_FUNC && top_in_slots(c, arity_of(k), k->height) &&
            (k->kind != X64_CTL_LOOP || x64_lc_satisfies(c, k))) {
                /* Dirty locals the target does not cache are flushed on
                 * both paths (stores keep the flags), except when the
                 * branch leaves a loop: then the loop keeps its locals
                 * dirty and the flush runs on the exit path only. */
                uint32_t need = c->lc_dirty & (k->kind == X64_CTL_LOOP ? ~k->lc_valid : ~0u);
                wsbx_label to = k->label;
                bool stub = need && k->kind != X64_CTL_LOOP && leaves_loop(c, k);
                if (!stub || c->nexits < MAX_EXIT_STUBS) {
                        if (stub)
                                to = exit_stub(c, k, need);
                        else
                                x64_lc_flush(c, need);
                        if (k->kind != X64_CTL_LOOP)
                                k->targeted = true;
                        x64_jcc(&c->a, (wsbx_x64_cc)cc, to);
                        return;
                }
                /* Past the bound: the flush goes inline, jumped over. */
        } else if (k->kind == X64_CTL_LOOP && top_in_slots(c, arity_of(k), k->height) &&
                   x64_lc_adopt(c, k)) {
                /* The header's cache was re-established by moves (which
                 * keep the flags) on both paths: one conditional jump. */
                x64_jcc(&c->a, (wsbx_x64_cc)cc, k->label);
                return;
        }
        wsbx_label skip = wsbx_asm_label_new(&c->a);
        x64_jcc(&c->a, x64_cc_invert((wsbx_x64_cc)cc), skip);
        emit_branch(c, k);
        wsbx_asm_bind(&c->a, skip);
}

static void op_br_table(x64_cc *c, const x64_imm *imm)
{
        uint32_t n = (uint32_t)imm->a;
        wsbx_gpr idx = x64_vpop_gpr(c);
        /* Every target then sees clean slots. */
        x64_lc_flush(c, c->lc_dirty);
        if (!grow(c, (void **)&c->scratch_labels, &c->scratch_cap, c->nctl, sizeof(wsbx_label)))
                return;
        for (uint32_t i = 0; i < c->nctl; i++)
                c->scratch_labels[i] = WSBX_NO_LABEL;

        /* Clamp to the default entry, which comes last. */
        x64_mov_ri(&c->a, X64_32, SCRATCH, n);
        x64_alu_rr(&c->a, X64_CMP, X64_32, idx, SCRATCH);
        x64_cmov_rr(&c->a, X64_CC_AE, X64_32, idx, SCRATCH);
        wsbx_label table = wsbx_asm_label_new(&c->a);
        x64_jump_table(&c->a, idx, SCRATCH, table);
        x64_free_gpr(c, idx);
        wsbx_asm_align(&c->a, 4);
        wsbx_asm_bind(&c->a, table);

        /* Entries: straight to the target when no move is needed, else to a
         * stub (one per target depth) that moves, then jumps. */
        wsbx_reader r = { imm->p, imm->p, c->r.end, 0, c->err };
        for (uint32_t i = 0; i <= n; i++) {
                uint32_t d;
                if (!wsbx_read_u32(&r, &d)) {
                        x64_fail(c, WSBX_ERR_MALFORMED, "unexpected end");
                        return;
                }
                x64_ctl *k = target_of(c, d);
                if (!k)
                        return;
                wsbx_label l;
                if (k->kind != X64_CTL_FUNC && top_in_slots(c, arity_of(k), k->height) &&
                    (k->kind != X64_CTL_LOOP || x64_lc_satisfies(c, k))) {
                        if (k->kind != X64_CTL_LOOP)
                                k->targeted = true;
                        l = k->label;
                } else {
                        if (c->scratch_labels[d] == WSBX_NO_LABEL)
                                c->scratch_labels[d] = wsbx_asm_label_new(&c->a);
                        l = c->scratch_labels[d];
                }
                wsbx_asm_table_entry(&c->a, table, l);
        }
        for (uint32_t d = 0; d < c->nctl; d++) {
                if (c->scratch_labels[d] == WSBX_NO_LABEL)
                        continue;
                wsbx_asm_bind(&c->a, c->scratch_labels[d]);
                emit_branch(c, &c->ctl[c->nctl - 1 - d]);
        }
        c->unreachable = true;
}

/* ------------------------------------------------------------------------ */
/* Reading instructions                                                     */
/* ------------------------------------------------------------------------ */

/* Signed LEB128 with the one-byte case (most block types and small
 * constants) inline; longer ones take the checked reader. */
static inline bool read_sleb_fast(wsbx_reader *r, unsigned bits, int64_t *out)
{
        if (r->p < r->end && !(*r->p & 0x80)) {
                *out = (int64_t)((uint64_t)*r->p++ << 57) >> 57;
                return true;
        }
        return wsbx_read_sleb(r, bits, out);
}

static bool read_imm(x64_cc *c, wsbx_opcode op, x64_imm *imm)
{
        wsbx_reader *r = &c->r;
        uint32_t u, v;
        int64_t s;
        uint8_t b;
        const uint8_t *p;
        switch ((wsbx_imm)wsbx_ops[op].imm) {
        case WSBX_IMM_NONE:
                return true;
        case WSBX_IMM_BLOCKTYPE:
                if (!read_sleb_fast(r, 33, &s))
                        return false;
                imm->a = (uint64_t)s;
                return true;
        case WSBX_IMM_LABEL:
        case WSBX_IMM_FUNC:
        case WSBX_IMM_LOCAL:
        case WSBX_IMM_GLOBAL:
        case WSBX_IMM_TABLE:
        case WSBX_IMM_DATA:
        case WSBX_IMM_ELEM:
                if (!wsbx_read_u32(r, &u))
                        return false;
                imm->a = u;
                return true;
        case WSBX_IMM_BR_TABLE:
                if (!wsbx_read_u32(r, &u))
                        return false;
                imm->a = u;
                imm->p = r->p;
                /* Each target is at least one byte: bound the loop first. */
                if ((uint64_t)u + 1 > wsbx_reader_left(r))
                        return wsbx_read_bytes(r, (size_t)u + 1, &p);
                for (uint64_t i = 0; i <= u; i++) {
                        if (!wsbx_read_u32(r, &v))
                                return false;
                }
                return true;
        case WSBX_IMM_CALL_INDIRECT:
        case WSBX_IMM_TABLE_INIT:
        case WSBX_IMM_TABLE_COPY:
                if (!wsbx_read_u32(r, &u) || !wsbx_read_u32(r, &v))
                        return false;
                imm->a = u;
                imm->b = v;
                return true;
        case WSBX_IMM_MEMARG:
        case WSBX_IMM_MEMARG_LANE:
                if (!wsbx_read_u32(r, &u) || !wsbx_read_u32(r, &v))
                        return false;
                imm->a = u;
                imm->b = v;
                if (wsbx_ops[op].imm == WSBX_IMM_MEMARG_LANE) {
                        if (!wsbx_read_u8(r, &b))
                                return false;
                        imm->lane = b;
                }
                return true;
        case WSBX_IMM_MEMORY:
        case WSBX_IMM_LANE:
        case WSBX_IMM_REFTYPE:
                if (!wsbx_read_u8(r, &b))
                        return false;
                imm->a = b;
                imm->lane = b;
                return true;
        case WSBX_IMM_MEMORY_INIT:
                if (!wsbx_read_u32(r, &u) || !wsbx_read_u8(r, &b))
                        return false;
                imm->a = u;
                imm->b = b;
                return true;
        case WSBX_IMM_MEMORY_COPY:
                if (!wsbx_read_u8(r, &b))
                        return false;
                imm->a = b;
                if (!wsbx_read_u8(r, &b))
                        return false;
                imm->b = b;
                return true;
        case WSBX_IMM_I32:
                if (!read_sleb_fast(r, 32, &s))
                        return false;
                imm->a = (uint32_t)s;
                return true;
        case WSBX_IMM_I64:
                if (!read_sleb_fast(r, 64, &s))
                        return false;
                imm->a = (uint64_t)s;
                return true;
        case WSBX_IMM_F32:
                if (!wsbx_read_bytes(r, 4, &p))
                        return false;
                memcpy(&u, p, 4);
                imm->a = u;
                return true;
        case WSBX_IMM_F64:
                if (!wsbx_read_bytes(r, 8, &p))
                        return false;
                memcpy(&imm->a, p, 8);
                return true;
        case WSBX_IMM_V128:
        case WSBX_IMM_SHUFFLE:
                if (!wsbx_read_bytes(r, 16, &p))
                        return false;
                imm->p = p;
                return true;
        case WSBX_IMM_SELECT_T:
                if (!wsbx_read_u32(r, &u))
                        return false;
                if (u != 1) {
                        x64_fail(c, WSBX_ERR_INVALID, "invalid result arity");
                        return false;
                }
                if (!wsbx_read_u8(r, &b))
                        return false;
                imm->a = b;
                return true;
        }
        return false;
}

/* The common cases inline: no immediate, or a one-byte index (local.get
 * and friends, br, call); everything else through read_imm. */
static inline bool read_imm_fast(x64_cc *c, wsbx_opcode op, x64_imm *imm)
{
        unsigned k = wsbx_ops[op].imm;
        if (k == WSBX_IMM_NONE)
                return true;
        if ((k == WSBX_IMM_LOCAL || k == WSBX_IMM_LABEL || k == WSBX_IMM_GLOBAL ||
             k == WSBX_IMM_FUNC) && c->r.p < c->r.end && !(*c->r.p & 0x80)) {
                imm->a = *c->r.p++;
                return true;
        }
        return read_imm(c, op, imm);
}

static inline wsbx_opcode read_op(x64_cc *c);

/* Before a loop header: looks ahead over (at most the first 128
 * instructions of) the loop body for locals it reads before writing, and
 * loads up to 6 of them into spare registers, so that they enter the
 * header's cache and stay in registers across iterations. Locals the body
 * writes before reading are loaded too (up to 6 in all) while plenty of
 * registers stay spare: cached at the header, their new values reach it
 * by register moves on the back edges instead of stores to their slots.
 * The look-ahead reads through a copy of the reader with its own error
 * record and gives up quietly on anything odd; the real pass reports
 * errors. */
static void loop_preload(x64_cc *c)
{
        enum { MAX_PRELOAD = 6, MAX_SCAN = 128, MAX_SEEN = 32, KEEP_SPARE = 5 };
        wsbx_reader save = c->r;
        wsbx_error dummy;
        c->r.err = &dummy;
        uint32_t want[2 * MAX_PRELOAD], seen[MAX_SEEN];
        unsigned nread = 0, nwritten = 0, nseen = 0, depth = 0;
        for (unsigned n = 0; n < MAX_SCAN && nread < MAX_PRELOAD && nseen < MAX_SEEN; n++) {
                wsbx_opcode op = read_op(c);
                if (op == WSBX_OP_INVALID || wsbx_ops[op].imm == WSBX_IMM_SELECT_T)
                        break;
                x64_imm imm = { 0 };
                if (!read_imm_fast(c, op, &imm))
                        break;
                if (op == WSBX_OP_block || op == WSBX_OP_loop || op == WSBX_OP_if) {
                        depth++;
                } else if (op == WSBX_OP_end) {
                        if (depth == 0)
                                break;
                        depth--;
                } else if (op == WSBX_OP_local_get || op == WSBX_OP_local_set ||
                           op == WSBX_OP_local_tee) {
                        if (imm.a >= c->nlocals)
                                break;
                        bool old = false;
                        for (unsigned i = 0; i < nseen && !old; i++)
                                old = seen[i] == imm.a;
                        if (old)
                                continue;
                        seen[nseen++] = (uint32_t)imm.a;
                        /* Read-first locals fill want[] from the front,
                         * written-first ones from the back. */
                        if (op == WSBX_OP_local_get)
                                want[nread++] = (uint32_t)imm.a;
                        else if (nwritten < MAX_PRELOAD)
                                want[2 * MAX_PRELOAD - 1 - nwritten++] = (uint32_t)imm.a;
                }
        }
        c->r = save;
        unsigned loaded = 0;
        for (unsigned j = 0; j < nread + nwritten && loaded < MAX_PRELOAD; j++) {
                bool written = j >= nread;
                uint32_t x = written ? want[2 * MAX_PRELOAD - 1 - (j - nread)] : want[j];
                wsbx_valtype t = c->local_type[x];
                bool xmm = x64_is_float_type(t);
                uint32_t m = c->lc_valid & (xmm ? ~0xffffu : 0xffffu);
                bool cached = false;
                while (m && !cached) {
                        unsigned b = (unsigned)__builtin_ctz(m);
                        m &= m - 1;
                        cached = c->lc_local[b] == x;
                }
                if (cached || !x64_have_spare(c, t))
                        continue;
                if (written) {
                        uint32_t spare = xmm ? XMM_POOL & ~c->xmm_used & ~(c->lc_valid >> LC_XMM)
                                             : GPR_POOL & ~c->gpr_used & ~c->lc_valid;
                        if (__builtin_popcount(spare) < KEEP_SPARE + 1)
                                continue;
                }
                loaded++;
                if (xmm) {
                        unsigned r = x64_alloc_xmm(c);
                        x64_load_typed(c, t, r, x64_local(c, x));
                        x64_free_xmm(c, r);
                        x64_lc_note(c, t, r, x, false);
                } else {
                        wsbx_gpr r = x64_alloc_gpr(c);
                        x64_load_typed(c, t, r, x64_local(c, x));
                        x64_free_gpr(c, r);
                        x64_lc_note(c, t, r, x, false);
                }
        }
}

static inline wsbx_opcode read_op(x64_cc *c)
{
        uint8_t b;
        uint32_t sub;
        if (!wsbx_read_u8(&c->r, &b))
                return WSBX_OP_INVALID;
        if (b == 0xfc) {
                if (!wsbx_read_u32(&c->r, &sub))
                        return WSBX_OP_INVALID;
                return sub < 32 ? (wsbx_opcode)wsbx_op_by_fc[sub] : WSBX_OP_INVALID;
        }
        if (b == 0xfd) {
                if (!wsbx_read_u32(&c->r, &sub))
                        return WSBX_OP_INVALID;
                return sub < 256 ? (wsbx_opcode)wsbx_op_by_fd[sub] : WSBX_OP_INVALID;
        }
        return (wsbx_opcode)wsbx_op_by_byte[b];
}

/* The compare's flags drive the branch and no 0/1 value is made. Only
 * moves run between the compare and the jump, so the flags survive. */
bool x64_fuse_branch(x64_cc *c, wsbx_x64_cc cc)
{
        if (c->r.p >= c->r.end || (*c->r.p != 0x0d && *c->r.p != 0x04))
                return false;
        c->op_offset = (uint32_t)wsbx_reader_offset(&c->r);
        wsbx_opcode op = read_op(c);
        x64_imm imm = { 0 };
        if (op == WSBX_OP_INVALID || !read_imm(c, op, &imm)) {
                x64_fail(c, WSBX_ERR_MALFORMED, "unexpected end");
                return true;
        }
        if (op == WSBX_OP_br_if)
                op_br_if(c, imm.a, (int)cc);
        else
                op_if(c, &imm, (int)cc);
        return true;
}

static void op_select(x64_cc *c)
{
        wsbx_gpr cond = x64_vpop_gpr(c);
        x64_val f = x64_vpop(c);
        x64_val t = x64_vpop(c);
        if (x64_is_float_type(t.type)) {
                unsigned d = x64_to_xmm(c, &t);
                wsbx_label skip = wsbx_asm_label_new(&c->a);
                x64_test_rr(&c->a, X64_32, cond, cond);
                x64_jcc(&c->a, X64_CC_NE, skip);
                load_into_xmm(c, &f, d);
                wsbx_asm_bind(&c->a, skip);
                x64_release(c, &f);
                x64_free_gpr(c, cond);
                x64_push_reg(c, t.type, d);
                return;
        }
        wsbx_gpr d = x64_to_gpr(c, &t);
        wsbx_x64_size sz = x64_size_of(t.type);
        x64_test_rr(&c->a, X64_32, cond, cond);
        if (f.kind == X64_V_SLOT) {
                x64_cmov_rm(&c->a, X64_CC_E, sz, d, x64_slot(c, f.pos));
        } else {
                if (f.kind == X64_V_CONST) {
                        /* mov keeps the flags of the test above. */
                        x64_mov_ri(&c->a, sz, SCRATCH, f.k);
                        x64_cmov_rr(&c->a, X64_CC_E, sz, d, SCRATCH);
                } else {
                        x64_cmov_rr(&c->a, X64_CC_E, sz, d, (wsbx_gpr)f.reg);
                }
        }
        x64_release(c, &f);
        x64_free_gpr(c, cond);
        x64_push_reg(c, t.type, d);
}

static void emit_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm)
{
        const wsbx_opinfo *info = &wsbx_ops[op];
        switch (op) {
        case WSBX_OP_unreachable:
                x64_trap_here(c, WSBX_TRAP_UNREACHABLE);
                x64_ud2(&c->a);
                c->unreachable = true;
                return;
        case WSBX_OP_nop:
                return;
        case WSBX_OP_block:
                op_block(c, X64_CTL_BLOCK, imm);
                return;
        case WSBX_OP_loop:
                op_block(c, X64_CTL_LOOP, imm);
                return;
        case WSBX_OP_if:
                op_if(c, imm, -1);
                return;
        case WSBX_OP_else:
                op_else(c);
                return;
        case WSBX_OP_end:
                op_end(c);
                return;
        case WSBX_OP_br:
                op_br(c, imm->a);
                return;
        case WSBX_OP_br_if:
                op_br_if(c, imm->a, -1);
                return;
        case WSBX_OP_br_table:
                op_br_table(c, imm);
                return;
        case WSBX_OP_return:
                emit_return(c);
                c->unreachable = true;
                return;
        case WSBX_OP_call:
                x64_op_call(c, imm->a);
                return;
        case WSBX_OP_call_indirect:
                x64_op_call_indirect(c, imm->a, imm->b);
                return;
        case WSBX_OP_drop: {
                x64_val v = x64_vpop(c);
                x64_release(c, &v);
                return;
        }
        case WSBX_OP_select:
        case WSBX_OP_select_t:
                op_select(c);
                return;
        case WSBX_OP_i32_const:
                x64_push_const(c, WSBX_I32, imm->a);
                return;
        case WSBX_OP_i64_const:
                x64_push_const(c, WSBX_I64, imm->a);
                return;
        case WSBX_OP_f32_const:
                x64_push_const(c, WSBX_F32, imm->a);
                return;
        case WSBX_OP_f64_const:
                x64_push_const(c, WSBX_F64, imm->a);
                return;
        default:
                break;
        }
        if (info->prefix == 0xfd) {
                x64_simd_op(c, op, imm);
                return;
        }
        switch ((wsbx_imm)info->imm) {
        case WSBX_IMM_MEMARG:
        case WSBX_IMM_MEMORY:
        case WSBX_IMM_MEMORY_INIT:
        case WSBX_IMM_MEMORY_COPY:
        case WSBX_IMM_DATA:
                x64_memory_op(c, op, imm);
                return;
        case WSBX_IMM_LOCAL:
        case WSBX_IMM_GLOBAL:
        case WSBX_IMM_TABLE:
        case WSBX_IMM_ELEM:
        case WSBX_IMM_TABLE_INIT:
        case WSBX_IMM_TABLE_COPY:
        case WSBX_IMM_REFTYPE:
        case WSBX_IMM_FUNC:
                x64_var_op(c, op, imm);
                return;
        default:
                break;
        }
        if (op == WSBX_OP_ref_is_null) {
                x64_var_op(c, op, imm);
                return;
        }
        switch (info->sig) {
        case WSBX_SIG_i_i:
        case WSBX_SIG_ii_i:
        case WSBX_SIG_l_l:
        case WSBX_SIG_ll_l:
        case WSBX_SIG_l_i:
        case WSBX_SIG_ll_i:
        case WSBX_SIG_i_l:
                x64_int_op(c, op, imm);
                return;
        default:
                x64_float_op(c, op, imm);
                return;
        }
}

/* Before an instruction followed by if or br_if: the flushes that branch
 * will need, done now, so that they do not land between a compare and
 * its fused conditional jump (which then could not be macro-fused).
 * Flushing early is always correct, only maybe sooner than needed. */
static void flush_before_branch(x64_cc *c)
{
        if (*c->r.p == 0x04) {
                x64_lc_flush(c, c->lc_dirty);
                return;
        }
        wsbx_reader r = c->r;
        wsbx_error dummy;
        r.err = &dummy;
        uint8_t op;
        uint32_t depth;
        if (!wsbx_read_u8(&r, &op) || !wsbx_read_u32(&r, &depth) || depth >= c->nctl)
                return;
        const x64_ctl *k = &c->ctl[c->nctl - 1 - depth];
        if (k->kind == X64_CTL_FUNC || (k->kind != X64_CTL_LOOP && leaves_loop(c, k)))
                return;
        uint32_t keep = 0;
        if (k->kind == X64_CTL_LOOP) {
                /* Dirty header locals reach the header by moves. */
                for (uint32_t d = c->lc_dirty; d;) {
                        unsigned b = (unsigned)__builtin_ctz(d);
                        d &= d - 1;
                        for (uint32_t h = k->lc_valid; h;) {
                                unsigned hb = (unsigned)__builtin_ctz(h);
                                h &= h - 1;
                                if (k->lc_local[hb] == c->lc_local[b])
                                        keep |= 1u << b;
                        }
                }
        }
        x64_lc_flush(c, c->lc_dirty & ~keep);
}

static void compile_body(x64_cc *c)
{
        while (c->nctl > 0 && c->fail == WSBX_OK) {
                c->op_offset = (uint32_t)wsbx_reader_offset(&c->r);
                wsbx_opcode op = read_op(c);
                x64_imm imm = { 0 };
                if (op == WSBX_OP_INVALID) {
                        x64_fail(c, WSBX_ERR_MALFORMED, "illegal opcode");
                        return;
                }
                if (!read_imm_fast(c, op, &imm)) {
                        x64_fail(c, WSBX_ERR_MALFORMED, "unexpected end");
                        return;
                }
                if (c->unreachable) {
                        switch (op) {
                        case WSBX_OP_block:
                        case WSBX_OP_loop:
                        case WSBX_OP_if:
                                c->dead_depth++;
                                break;
                        case WSBX_OP_else:
                                if (c->dead_depth == 0)
                                        op_else(c);
                                break;
                        case WSBX_OP_end:
                                if (c->dead_depth)
                                        c->dead_depth--;
                                else
                                        op_end(c);
                                break;
                        default:
                                break;
                        }
                        continue;
                }
                if (c->lc_dirty && c->r.p < c->r.end && (*c->r.p == 0x04 || *c->r.p == 0x0d) &&
                    (op < WSBX_OP_block || op > WSBX_OP_call_indirect))
                        flush_before_branch(c);
                emit_op(c, op, &imm);
        }
        if (c->fail == WSBX_OK && c->nctl > 0)
                x64_fail(c, WSBX_ERR_MALFORMED, "unexpected end");
}

/* ------------------------------------------------------------------------ */
/* The target                                                               */
/* ------------------------------------------------------------------------ */

static uint32_t x64_feats_of(uint64_t cpu)
{
        uint32_t f = X64_FEAT_SSE3 | X64_FEAT_SSSE3 | X64_FEAT_SSE41 | X64_FEAT_SSE42 | X64_FEAT_POPCNT;
        if (cpu & WSBX_CPU_LZCNT)
                f |= X64_FEAT_LZCNT;
        if (cpu & WSBX_CPU_BMI1)
                f |= X64_FEAT_BMI1;
        if (cpu & WSBX_CPU_BMI2)
                f |= X64_FEAT_BMI2;
        if (cpu & WSBX_CPU_AVX)
                f |= X64_FEAT_AVX;
        if (cpu & WSBX_CPU_AVX2)
                f |= X64_FEAT_AVX2;
        if (cpu & WSBX_CPU_FMA)
                f |= X64_FEAT_FMA;
        return f;
}

static uint64_t host_features(void)
{
        uint32_t f = wsbx_x64_cpu_features();
        uint64_t r = 0;
        if (f & X64_FEAT_SSE41)
                r |= WSBX_CPU_SSE41;
        if (f & X64_FEAT_SSE42)
                r |= WSBX_CPU_SSE42;
        if (f & X64_FEAT_POPCNT)
                r |= WSBX_CPU_POPCNT;
        if (f & X64_FEAT_LZCNT)
                r |= WSBX_CPU_LZCNT;
        if (f & X64_FEAT_BMI1)
                r |= WSBX_CPU_BMI1;
        if (f & X64_FEAT_BMI2)
                r |= WSBX_CPU_BMI2;
        if (f & X64_FEAT_AVX)
                r |= WSBX_CPU_AVX;
        if (f & X64_FEAT_AVX2)
                r |= WSBX_CPU_AVX2;
        if (f & X64_FEAT_FMA)
                r |= WSBX_CPU_FMA;
        return r;
}

static void *ctx_new(const wsbx_module *m, const wsbx_compile_opts *opts, uint64_t features)
{
        x64_cc *c = calloc(1, sizeof *c);
        if (!c)
                return NULL;
        wsbx_asm_init(&c->a);
        c->m = m;
        c->opts = opts;
        c->features = x64_feats_of(features);
        c->used_features = WSBX_CPU_BASELINE;
        c->lay = wsbx_module_vmctx_layout(m);
        return c;
}

static void ctx_delete(void *ctx)
{
        x64_cc *c = ctx;
        if (!c)
                return;
        wsbx_asm_free(&c->a);
        free(c->local_off);
        free(c->local_type);
        free(c->lc_bit);
        free(c->stack);
        free(c->ctl);
        free(c->stubs);
        free(c->exits);
        free(c->lazies);
        free(c->kpool);
        free(c->scratch_labels);
        free(c->where);
        free(c);
}

/* Starts a unit of code (a function or a trampoline) at the sink's end. */
static void begin_unit(x64_cc *c, wsbx_csink *out, wsbx_error *err)
{
        wsbx_asm_reset(&c->a);
        c->err = err;
        c->fail = WSBX_OK;
        c->sink = out;
        c->base = (uint32_t)out->code.len;
        c->sp = c->max_sp = 0;
        c->nctl = 0;
        c->nstubs = 0;
        c->nexits = 0;
        c->nlazies = 0;
        c->nkpool = 0;
        c->gpr_used = c->xmm_used = 0;
        memset(c->shared, 0, sizeof c->shared);
        c->out_size = 0;
        c->unreachable = false;
        c->dead_depth = 0;
        c->op_offset = 0;
}

/* Finishes a unit: checks the assembler and appends the code. Records were
 * written as the code was made; on failure the driver drops the sink. */
static wsbx_errkind end_unit(x64_cc *c)
{
        if (c->fail != WSBX_OK)
                return c->fail;
        wsbx_errkind k = wsbx_asm_finish(&c->a, c->err);
        if (k != WSBX_OK)
                return c->fail = k;
        wsbx_buf_put(&c->sink->code, wsbx_asm_code(&c->a), wsbx_asm_offset(&c->a));
        if (c->sink->code.oom || c->sink->traps.oom || c->sink->addrs.oom || c->sink->relocs.oom)
                return x64_fail(c, WSBX_ERR_NOMEM, "out of memory");
        return WSBX_OK;
}

static wsbx_errkind compile_function(void *ctx, uint32_t func, wsbx_csink *out, wsbx_error *err)
{
        x64_cc *c = ctx;
        const wsbx_module *m = c->m;
        begin_unit(c, out, err);
        if (func < m->nimported_funcs || func >= m->nfuncs)
                return x64_fail(c, WSBX_ERR_INVALID, "unknown function %u", func);
        const wsbx_func *f = &m->funcs[func - m->nimported_funcs];
        c->func = func;
        c->ft = &m->types[f->type];
        c->op_offset = f->body_offset;
        if ((uint64_t)f->body_offset + f->body_size > m->size || f->code_offset < f->body_offset ||
            f->code_offset > f->body_offset + f->body_size)
                return x64_fail(c, WSBX_ERR_MALFORMED, "function body out of range");
        c->r = (wsbx_reader){ m->bytes + f->code_offset, m->bytes + f->code_offset,
                              m->bytes + f->body_offset + f->body_size, f->code_offset, err };
        if (!setup_locals(c, f))
                return c->fail;
        x64_imm fimm = { .a = (uint64_t)-64 };
        x64_ctl *k = push_ctl(c, X64_CTL_FUNC, &fimm);
        if (!k)
                return c->fail;
        k->nresults = c->ft->nresults;
        k->results = c->ft->results;
        compile_body(c);
        if (c->fail)
                return c->fail;
        emit_exit_stubs(c);
        emit_lazy_stubs(c);
        emit_trap_stubs(c);
        emit_const_pool(c);

        uint64_t frame = (uint64_t)c->slots_base + 16ull * c->max_sp + c->out_size;
        frame = (frame + 15) & ~15ull;
        if (frame > (1u << 30))
                return x64_fail(c, WSBX_ERR_LIMIT, "function frame too large");
        if (c->a.fail == WSBX_OK && c->frame_patch + 4 <= wsbx_asm_offset(&c->a)) {
                int32_t d = -(int32_t)frame;
                memcpy(c->a.code + c->frame_patch, &d, 4);
        }
        return end_unit(c);
}

static wsbx_errkind entry_trampoline(void *ctx, uint32_t func, wsbx_csink *out, wsbx_error *err)
{
        x64_cc *c = ctx;
        begin_unit(c, out, err);
        if (func < c->m->nimported_funcs || func >= c->m->nfuncs)
                return x64_fail(c, WSBX_ERR_INVALID, "unknown function %u", func);
        x64_emit_entry_trampoline(c, func);
        return end_unit(c);
}

static wsbx_errkind host_trampoline(void *ctx, uint32_t type, wsbx_csink *out, wsbx_error *err)
{
        x64_cc *c = ctx;
        begin_unit(c, out, err);
        if (type >= c->m->ntypes)
                return x64_fail(c, WSBX_ERR_INVALID, "unknown type %u", type);
        x64_emit_host_trampoline(c, type);
        return end_unit(c);
}

static uint64_t used_features(void *ctx)
{
        return ((x64_cc *)ctx)->used_features;
}

const wsbx_target wsbx_x64_target = {
        .name = "x86_64",
        .host_features = host_features,
        .ctx_new = ctx_new,
        .ctx_delete = ctx_delete,
        .compile_function = compile_function,
        .entry_trampoline = entry_trampoline,
        .host_trampoline = host_trampoline,
        .used_features = used_features,
};
