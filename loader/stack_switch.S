/* stack_switch.S - run a function on another stack and come back.
 *
 * void wsbx_stack_switch_call(void *top, void (*entry)(void *), void *arg)
 *
 * Saves the host rsp in rbp (callee-saved, so it survives the call),
 * moves rsp to `top` (16-byte aligned, so `entry` sees the usual
 * rsp = 8 mod 16), calls entry(arg) and switches back. The frame is a
 * normal rbp frame and the CFI describes it, so debuggers and frame-pointer
 * walkers follow the chain from the guest stack back to the host one. A
 * trap never returns here: it longjmps to the guarded call on the host
 * stack, which discards this frame.
 */
        .text
        .globl  wsbx_stack_switch_call
        .hidden wsbx_stack_switch_call
        .type   wsbx_stack_switch_call, @function
        .p2align 4
wsbx_stack_switch_call:
        .cfi_startproc
        pushq   %rbp
        .cfi_def_cfa_offset 16
        .cfi_offset %rbp, -16
        movq    %rsp, %rbp
        .cfi_def_cfa_register %rbp
        movq    %rdi, %rsp
        movq    %rdx, %rdi
        callq   *%rsi
        movq    %rbp, %rsp
        popq    %rbp
        .cfi_def_cfa %rsp, 8
        ret
        .cfi_endproc
        .size   wsbx_stack_switch_call, .-wsbx_stack_switch_call

        .section .note.GNU-stack, "", @progbits
