/* codegen_tramp.c - the trampolines between the array calling convention
 * (System V, wsbx_array_fn) and the internal wasm convention (abi.h).
 *
 * Entry trampoline, one per escaping defined function: called by the host
 * as fn(callee vmctx, caller vmctx, vals, n). It saves the System V
 * callee-saved registers (wasm code clobbers rbx, r12, r13 and sets r14,
 * r15) and keeps vals[] in its frame, loads the arguments from vals[] into the wasm argument registers
 * and stack slots, calls the function directly (a relocation, like any
 * direct call) and writes the results back into vals[].
 *
 * Host trampoline, one per function type: the wasm_code of a host
 * function's funcref. Called in the wasm convention with r14 = the host
 * context, r13 = the caller's vmctx and r12 = the funcref (abi.h,
 * WSBX_REG_FUNCREF), it spills the arguments into a wsbx_val_raw array on
 * its stack, calls funcref->array_code(r14, r13, vals, n) with n =
 * max(params, results), and loads the results back.
 *
 * An i32 is loaded with a 32-bit move, so garbage a host left in the upper
 * half of a slot never reaches wasm code (which keeps i32s zero-extended).
 */
#include "x64/target.h"

#include <stdlib.h>

#define SCRATCH X64_R11
#define XSCRATCH 15

/* Copies a 16-byte value slot of type t from src to dst through a scratch. */
static void copy_typed(x64_cc *c, wsbx_valtype t, wsbx_x64_mem dst, wsbx_x64_mem src)
{
        if (x64_is_float_type(t)) {
                x64_load_typed(c, t, XSCRATCH, src);
                x64_store_typed(c, t, dst, XSCRATCH);
        } else {
                x64_load_typed(c, t, SCRATCH, src);
                x64_store_typed(c, t, dst, SCRATCH);
        }
}

void x64_emit_entry_trampoline(x64_cc *c, uint32_t func)
{
        const wsbx_module *m = c->m;
        const wsbx_functype *ft = &m->types[m->func_types[func]];
        wsbx_asm *a = &c->a;
        uint16_t where_small[64];
        uint16_t *where = where_small;
        if (ft->nparams > 64) {
                where = malloc(sizeof *where * ft->nparams);
                if (!where) {
                        x64_fail(c, WSBX_ERR_NOMEM, "out of memory");
                        return;
                }
        }
        uint32_t nstack;
        x64_assign_args(ft, where, &nstack);
        uint32_t ret_off = 16 * nstack;
        uint64_t area = ret_off + (ft->nresults > 1 ? 16ull * ft->nresults : 0);
        /* Seven pushes (rbp, five callee-saved, vals) leave rsp
         * 16-aligned; vals stays at [rbp - 48] since the callee may
         * clobber every register but rsp, rbp, r14 and r15. */
        uint64_t frame = (area + 15) & ~15ull;
        if (frame > (1u << 30)) {
                x64_fail(c, WSBX_ERR_LIMIT, "trampoline frame too large");
                goto out;
        }

        x64_push(a, X64_RBP);
        x64_mov_rr(a, X64_64, X64_RBP, X64_RSP);
        x64_push(a, X64_RBX);
        x64_push(a, X64_R12);
        x64_push(a, X64_R13);
        x64_push(a, X64_R14);
        x64_push(a, X64_R15);
        x64_push(a, X64_RDX);
        if (frame)
                x64_alu_ri(a, X64_SUB, X64_64, X64_RSP, (int32_t)frame);
        x64_mov_rr(a, X64_64, X64_RBX, X64_RDX);
        x64_mov_rr(a, X64_64, X64_R14, X64_RDI);
        x64_mov_rm(a, X64_64, X64_R15, x64_mem(X64_R14, WSBX_VMCTX_MEM0_BASE));
        for (uint32_t i = 0; i < ft->nparams; i++) {
                if (where[i] >= X64_ARG_STACK)
                        copy_typed(c, ft->params[i], x64_mem(X64_RSP, 16 * (int32_t)(where[i] - X64_ARG_STACK)),
                                   x64_mem(X64_RBX, 16 * (int32_t)i));
        }
        for (uint32_t i = 0; i < ft->nparams; i++) {
                if (where[i] < X64_ARG_STACK)
                        x64_load_typed(c, ft->params[i], where[i], x64_mem(X64_RBX, 16 * (int32_t)i));
        }
        if (ft->nresults > 1)
                x64_lea(a, X64_64, X64_RDI, x64_mem(X64_RSP, (int32_t)ret_off));
        uint32_t at = x64_call_rel32(a, 0);
        wsbx_reloc rel = { c->base + at, func };
        wsbx_buf_put(&c->sink->relocs, &rel, sizeof rel);
        x64_mov_rm(a, X64_64, X64_RBX, x64_mem(X64_RBP, -48));
        if (ft->nresults == 1) {
                wsbx_valtype t = ft->results[0];
                x64_store_typed(c, t == WSBX_I32 ? WSBX_I64 : t, x64_mem(X64_RBX, 0),
                                x64_is_float_type(t) ? 0 : X64_RAX);
        } else {
                for (uint32_t j = 0; j < ft->nresults; j++)
                        copy_typed(c, ft->results[j], x64_mem(X64_RBX, 16 * (int32_t)j),
                                   x64_mem(X64_RSP, (int32_t)(ret_off + 16 * j)));
        }
        x64_lea(a, X64_64, X64_RSP, x64_mem(X64_RBP, -40));
        x64_pop(a, X64_R15);
        x64_pop(a, X64_R14);
        x64_pop(a, X64_R13);
        x64_pop(a, X64_R12);
        x64_pop(a, X64_RBX);
        x64_pop(a, X64_RBP);
        x64_ret(a);
out:
        if (where != where_small)
                free(where);
}

void x64_emit_host_trampoline(x64_cc *c, uint32_t type)
{
        const wsbx_functype *ft = &c->m->types[type];
        wsbx_asm *a = &c->a;
        uint16_t where_small[64];
        uint16_t *where = where_small;
        if (ft->nparams > 64) {
                where = malloc(sizeof *where * ft->nparams);
                if (!where) {
                        x64_fail(c, WSBX_ERR_NOMEM, "out of memory");
                        return;
                }
        }
        uint32_t nstack;
        x64_assign_args(ft, where, &nstack);
        uint32_t n = ft->nparams > ft->nresults ? ft->nparams : ft->nresults;
        /* vals[] at rsp; [rbp - 8] keeps the return-area pointer. */
        uint64_t frame = 16ull * n + 16;
        if (frame > (1u << 30)) {
                x64_fail(c, WSBX_ERR_LIMIT, "trampoline frame too large");
                goto out;
        }
        x64_push(a, X64_RBP);
        x64_mov_rr(a, X64_64, X64_RBP, X64_RSP);
        x64_alu_ri(a, X64_SUB, X64_64, X64_RSP, (int32_t)frame);
        if (ft->nresults > 1)
                x64_mov_mr(a, X64_64, x64_mem(X64_RBP, -8), X64_RDI);
        for (uint32_t i = 0; i < ft->nparams; i++) {
                wsbx_valtype t = ft->params[i];
                wsbx_x64_mem dst = x64_mem(X64_RSP, 16 * (int32_t)i);
                if (where[i] >= X64_ARG_STACK)
                        copy_typed(c, t, dst, x64_mem(X64_RBP, 16 + 16 * (int32_t)(where[i] - X64_ARG_STACK)));
                else
                        x64_store_typed(c, t == WSBX_I32 ? WSBX_I64 : t, dst, where[i]);
        }
        x64_mov_rr(a, X64_64, X64_RDI, X64_R14);
        x64_mov_rr(a, X64_64, X64_RSI, X64_R13);
        x64_mov_rr(a, X64_64, X64_RDX, X64_RSP);
        x64_mov_ri(a, X64_32, X64_RCX, n);
        x64_call_m(a, x64_mem(X64_R12, WSBX_FUNCREF_ARRAY_CODE));
        if (ft->nresults == 1) {
                wsbx_valtype t = ft->results[0];
                x64_load_typed(c, t, x64_is_float_type(t) ? 0 : X64_RAX, x64_mem(X64_RSP, 0));
        } else if (ft->nresults > 1) {
                x64_mov_rm(a, X64_64, X64_RDX, x64_mem(X64_RBP, -8));
                for (uint32_t j = 0; j < ft->nresults; j++)
                        copy_typed(c, ft->results[j], x64_mem(X64_RDX, 16 * (int32_t)j),
                                   x64_mem(X64_RSP, 16 * (int32_t)j));
        }
        x64_mov_rr(a, X64_64, X64_RSP, X64_RBP);
        x64_pop(a, X64_RBP);
        x64_ret(a);
out:
        if (where != where_small)
                free(where);
}
