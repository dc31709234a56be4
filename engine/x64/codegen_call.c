/* codegen_call.c - calls: direct, imported, call_indirect, and the
 * wasm calling convention's argument assignment and moves.
 *
 * A call clobbers every allocatable register, so everything on the operand
 * stack below the arguments goes to its slot first. The arguments
 * themselves stay where they are: register arguments reach their argument
 * registers through a parallel move (a register may be both the source of
 * one argument and the destination of another, and moves may form cycles,
 * broken through r11 or xmm15), stack arguments are stored into the
 * outgoing area at rsp. Constants and slot values are loaded into their
 * argument registers only after every register move, when no pending move
 * still reads a destination.
 *
 * Invariants: r12 carries the callee's funcref for imported and indirect
 * calls and r13 the caller's vmctx (abi.h), so no argument may stay in
 * r12 past call_prepare. After a call no register holds a value: the
 * result is pushed in rax/xmm0, or, for several results, copied from the
 * return area at rsp into the results' slots.
 */
#include "x64/target.h"

#define SCRATCH X64_R11
#define XSCRATCH 15

uint32_t x64_assign_args(const wsbx_functype *ft, uint16_t *where, uint32_t *nstack)
{
        static const uint8_t int_regs[] = { X64_RDI, X64_RSI, X64_RDX, X64_RCX, X64_R8, X64_R9 };
        unsigned ni = ft->nresults > 1 ? 1 : 0, nf = 0;
        uint32_t ns = 0;
        for (uint32_t i = 0; i < ft->nparams; i++) {
                if (x64_is_float_type(ft->params[i])) {
                        where[i] = nf < WSBX_NUM_FLOAT_ARG_REGS ? (uint16_t)nf++ : (uint16_t)(X64_ARG_STACK + ns++);
                } else {
                        where[i] = ni < WSBX_NUM_INT_ARG_REGS ? int_regs[ni++] : (uint16_t)(X64_ARG_STACK + ns++);
                }
        }
        *nstack = ns;
        return ns;
}


/* Everything below the arguments to slots, stack arguments into the
 * outgoing area. Returns the offset of the return area (multi-value).
 * `where` gets the assignment. */
static uint32_t call_prepare(x64_cc *c, const wsbx_functype *ft, uint16_t *where)
{
        uint32_t base = c->sp - ft->nparams;
        /* The argument moves write registers nobody allocated, and the
         * callee clobbers the rest. */
        x64_lc_clear(c);
        for (uint32_t i = 0; i < base; i++)
                x64_spill_entry(c, i);
        for (uint32_t i = base; i < c->sp; i++) {
                const x64_val *v = &c->stack[i];
                if (v->kind == X64_V_REG && !x64_is_float_type(v->type) && v->reg == X64_R12)
                        x64_spill_entry(c, i);
        }
        uint32_t nstack;
        x64_assign_args(ft, where, &nstack);
        for (uint32_t i = 0; i < ft->nparams; i++) {
                if (where[i] >= X64_ARG_STACK)
                        x64_store_val(c, &c->stack[base + i],
                                      x64_mem(X64_RSP, 16 * (int32_t)(where[i] - X64_ARG_STACK)));
        }
        uint32_t ret_off = 16 * nstack;
        uint32_t need = ret_off + (ft->nresults > 1 ? 16 * ft->nresults : 0);
        if (need > c->out_size)
                c->out_size = need;
        return ret_off;
}

/* Emits the register moves in an order that reads every source before it
 * is overwritten; a cycle is broken by saving one destination's old value
 * (which another move still needs) in the class's scratch register. */
void x64_parallel_move(x64_cc *c, x64_move *mv, unsigned n)
{
        while (n > 0) {
                unsigned k = n;
                for (unsigned i = 0; i < n && k == n; i++) {
                        bool read = false;
                        for (unsigned j = 0; j < n; j++) {
                                if (j != i && mv[j].xmm == mv[i].xmm && mv[j].src == mv[i].dst) {
                                        read = true;
                                        break;
                                }
                        }
                        if (!read)
                                k = i;
                }
                if (k == n) {
                        /* Only cycles are left: mv[0].dst is some move's
                         * source; save it and let that move read the copy. */
                        unsigned s = mv[0].xmm ? XSCRATCH : SCRATCH;
                        for (unsigned j = 1; j < n; j++) {
                                if (mv[j].xmm == mv[0].xmm && mv[j].src == mv[0].dst) {
                                        if (mv[0].xmm)
                                                x64_sse_rr(&c->a, X64_MOVAPS, s, mv[0].dst);
                                        else
                                                x64_mov_rr(&c->a, X64_64, (wsbx_gpr)s, (wsbx_gpr)mv[0].dst);
                                        mv[j].src = (uint8_t)s;
                                }
                        }
                        k = 0;
                }
                if (mv[k].xmm)
                        x64_sse_rr(&c->a, X64_MOVAPS, mv[k].dst, mv[k].src);
                else
                        x64_mov_rr(&c->a, X64_64, (wsbx_gpr)mv[k].dst, (wsbx_gpr)mv[k].src);
                mv[k] = mv[--n];
        }
}

/* Loads the register arguments: register values by a parallel move, then
 * constants and slot values (whose loads can no longer overwrite a pending
 * move's source). The stack entries are left as they are. */
static void call_load_args(x64_cc *c, const wsbx_functype *ft, const uint16_t *where, uint32_t ret_off)
{
        x64_move mv[WSBX_NUM_INT_ARG_REGS + WSBX_NUM_FLOAT_ARG_REGS];
        unsigned n = 0;
        uint32_t base = c->sp - ft->nparams;
        for (uint32_t i = 0; i < ft->nparams; i++) {
                const x64_val *v = &c->stack[base + i];
                if (where[i] >= X64_ARG_STACK || v->kind != X64_V_REG || v->reg == where[i])
                        continue;
                if (NEVER(n >= sizeof mv / sizeof mv[0])) {
                        x64_fail(c, WSBX_ERR_LIMIT, "too many argument registers");
                        return;
                }
                mv[n++] = (x64_move){ v->reg, (uint8_t)where[i], x64_is_float_type(v->type) };
        }
        x64_parallel_move(c, mv, n);
        for (uint32_t i = 0; i < ft->nparams; i++) {
                const x64_val *v = &c->stack[base + i];
                if (where[i] < X64_ARG_STACK && v->kind != X64_V_REG)
                        x64_copy_to_reg(c, v, where[i]);
        }
        if (ft->nresults > 1)
                x64_lea(&c->a, X64_64, X64_RDI, x64_mem(X64_RSP, (int32_t)ret_off));
}

static void call_finish(x64_cc *c, const wsbx_functype *ft, uint32_t ret_off)
{
        x64_truncate(c, c->sp - ft->nparams);
        c->gpr_used = 0;
        c->xmm_used = 0;
        memset(c->shared, 0, sizeof c->shared);
        x64_lc_drop(c);
        if (ft->nresults == 1) {
                wsbx_valtype t = ft->results[0];
                if (x64_is_float_type(t)) {
                        c->xmm_used |= 1;
                        x64_push_reg(c, t, 0);
                } else {
                        c->gpr_used |= 1u << X64_RAX;
                        x64_push_reg(c, t, X64_RAX);
                }
        } else {
                for (uint32_t j = 0; j < ft->nresults; j++) {
                        x64_val tmp = { .kind = X64_V_SLOT, .type = ft->results[j] };
                        wsbx_x64_mem src = x64_mem(X64_RSP, (int32_t)(ret_off + 16 * j));
                        if (x64_is_float_type(tmp.type)) {
                                x64_load_typed(c, tmp.type, XSCRATCH, src);
                                x64_store_typed(c, tmp.type, x64_slot(c, c->sp), XSCRATCH);
                        } else {
                                x64_load_typed(c, tmp.type, SCRATCH, src);
                                x64_store_typed(c, tmp.type, x64_slot(c, c->sp), SCRATCH);
                        }
                        x64_push_slot(c, tmp.type);
                }
        }
}

/* After a call through a funcref: our vmctx and memory base back. */
static void restore_pinned(x64_cc *c)
{
        x64_mov_rm(&c->a, X64_64, X64_R14, x64_mem(X64_RBP, -8));
        if (c->m->nmemories)
                x64_mov_rm(&c->a, X64_64, X64_R15, x64_mem(X64_R14, WSBX_VMCTX_MEM0_BASE));
}

/* The call itself, through the funcref in r12. */
static void call_funcref(x64_cc *c)
{
        x64_mov_rr(&c->a, X64_64, X64_R13, X64_R14);
        x64_mov_rm(&c->a, X64_64, X64_R14, x64_mem(X64_R12, WSBX_FUNCREF_VMCTX));
        x64_addr_here(c);
        x64_call_m(&c->a, x64_mem(X64_R12, WSBX_FUNCREF_WASM_CODE));
        restore_pinned(c);
}

void x64_op_call(x64_cc *c, uint64_t func)
{
        const wsbx_module *m = c->m;
        if (func >= m->nfuncs) {
                x64_fail(c, WSBX_ERR_INVALID, "unknown function");
                return;
        }
        const wsbx_functype *ft = &m->types[m->func_types[func]];
        if (ft->nparams > c->sp) {
                x64_fail(c, WSBX_ERR_INVALID, "type mismatch");
                return;
        }
        uint16_t *where = x64_arg_where(c, ft);
        if (!where)
                return;
        uint32_t ret_off = call_prepare(c, ft, where);
        if (func < m->nimported_funcs) {
                x64_lea(&c->a, X64_64, X64_R12,
                        x64_mem(X64_R14, (int32_t)(c->lay.funcrefs + sizeof(wsbx_funcref) * func)));
                call_load_args(c, ft, where, ret_off);
                call_funcref(c);
        } else {
                call_load_args(c, ft, where, ret_off);
                x64_addr_here(c);
                uint32_t at = x64_call_rel32(&c->a, 0);
                wsbx_reloc rel = { c->base + at, (uint32_t)func };
                wsbx_buf_put(&c->sink->relocs, &rel, sizeof rel);
                /* Under the dynamic plan a grow in the callee may move
                 * the base. */
                if (c->opts->bounds_checks && c->m->nmemories)
                        x64_mov_rm(&c->a, X64_64, X64_R15, x64_mem(X64_R14, WSBX_VMCTX_MEM0_BASE));
        }
        call_finish(c, ft, ret_off);
}

void x64_op_call_indirect(x64_cc *c, uint64_t type, uint64_t table)
{
        const wsbx_module *m = c->m;
        if (type >= m->ntypes || table >= m->ntables) {
                x64_fail(c, WSBX_ERR_INVALID, "unknown type");
                return;
        }
        const wsbx_functype *ft = &m->types[type];
        if (ft->nparams + 1 > c->sp) {
                x64_fail(c, WSBX_ERR_INVALID, "type mismatch");
                return;
        }
        uint16_t *where = x64_arg_where(c, ft);
        if (!where)
                return;
        wsbx_gpr idx = x64_vpop_gpr(c);
        uint32_t ret_off = call_prepare(c, ft, where);
        wsbx_asm *a = &c->a;
        x64_mov_rm(a, X64_64, SCRATCH, x64_mem(X64_R14, (int32_t)(c->lay.tables + 8 * table)));
        x64_alu_rm(a, X64_CMP, X64_64, idx, x64_mem(SCRATCH, WSBX_TABLE_SIZE));
        x64_jcc(a, X64_CC_AE, x64_trap_label(c, WSBX_TRAP_UNDEFINED_ELEMENT));
        x64_mov_rm(a, X64_64, SCRATCH, x64_mem(SCRATCH, WSBX_TABLE_ELEMS));
        /* abi.h: an uninitialized-element trap site holds the index in r11,
         * for the message "uninitialized element N"; the lazy stub needs
         * it there too. The index may itself be in r12. */
        if (idx == X64_R12) {
                x64_mov_rm(a, X64_64, SCRATCH, x64_mem_idx(SCRATCH, idx, 8, 0));
                x64_xchg_rr(a, X64_64, SCRATCH, X64_R12);
        } else {
                x64_mov_rm(a, X64_64, X64_R12, x64_mem_idx(SCRATCH, idx, 8, 0));
                x64_mov_rr(a, X64_32, SCRATCH, idx);
        }
        x64_free_gpr(c, idx);
        x64_table_lazy(c, (uint32_t)table, SCRATCH, X64_R12, true,
                       x64_trap_label(c, WSBX_TRAP_UNINITIALIZED_ELEMENT));
        x64_mov_rm(a, X64_64, SCRATCH, x64_mem(X64_R14, WSBX_VMCTX_TYPE_IDS));
        x64_mov_rm(a, X64_32, SCRATCH, x64_mem(SCRATCH, (int32_t)(4 * type)));
        x64_alu_rm(a, X64_CMP, X64_32, SCRATCH, x64_mem(X64_R12, WSBX_FUNCREF_TYPE_ID));
        x64_jcc(a, X64_CC_NE, x64_trap_label(c, WSBX_TRAP_INDIRECT_CALL_TYPE));
        call_load_args(c, ft, where, ret_off);
        call_funcref(c);
        call_finish(c, ft, ret_off);
}
