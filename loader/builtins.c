/* builtins.c - the runtime functions compiled code calls through
 * vmctx->builtins (abi.h, wsbx_builtin): memory and table growth, the bulk
 * memory and table instructions, segment drops, and raising a trap.
 *
 * Each bulk operation is split in two: a checking core that returns the
 * trap (used by instantiation for active segments, which must report a
 * trap rather than unwind), and the builtin, which raises it. Bounds are
 * the spec's: an operation on [x, x + n) traps when x + n, computed
 * without wrapping, passes the end of its memory, table or segment. So
 * n = 0 is fine anywhere up to and including the end, and traps one past
 * it; nothing is written when an operation traps. A dropped segment has
 * size 0.
 *
 * Builtins run on the guest stack inside the headroom below stack_limit
 * (abi.h, WSBX_STACK_HEADROOM), so they keep their frames small and never
 * recurse. Indices come from compiled code, which the compiler derived
 * from a validated module; they are still checked, so that a bad index
 * traps instead of reading out of bounds. The loader is built with frame
 * pointers, so a trap raised here gets a complete backtrace.
 */
#include "loader.h"

#include <stdlib.h>
#include <string.h>

static wsbx_instance *inst_of(struct wsbx_vmctx *v)
{
        return ((wsbx_vmctx_header *)(void *)v)->instance;
}

static bool in_bounds(uint64_t start, uint64_t len, uint64_t size)
{
        return start <= size && len <= size - start;
}

/* ------------------------------------------------------------------------ */
/* Checking cores                                                           */
/* ------------------------------------------------------------------------ */

static wsbx_memory_def *mem_def(wsbx_instance *in, uint32_t mem)
{
        if (mem >= in->mod->art.nmemories)
                return NULL;
        return wsbx_memory_def_of(in->memories[mem]->mem);
}

static wsbx_table_def *table_def(wsbx_instance *in, uint32_t table)
{
        if (table >= in->mod->art.ntables)
                return NULL;
        return &in->tables[table]->def;
}

wsbx_trap wsbx_inst_memory_init(wsbx_instance *in, uint32_t mem, uint32_t data, uint32_t dst,
                                uint32_t src, uint32_t len)
{
        const wsbx_artifact *a = &in->mod->art;
        wsbx_memory_def *d = mem_def(in, mem);
        if (!d || data >= a->ndatas)
                return WSBX_TRAP_MEMORY_OOB;
        uint32_t size = wsbx_inst_data_sizes(in)[data];
        if (!in_bounds(src, len, size) || !in_bounds(dst, len, d->size))
                return WSBX_TRAP_MEMORY_OOB;
        /* A live segment (size != 0) has its bytes in .wsbx.data. */
        if (len)
                memcpy(d->base + dst, a->data + a->datas[data].data_offset + src, len);
        return WSBX_TRAP_NONE;
}

void wsbx_inst_data_drop(wsbx_instance *in, uint32_t data)
{
        if (data < in->mod->art.ndatas)
                wsbx_inst_data_sizes(in)[data] = 0;
}

wsbx_trap wsbx_inst_table_init(wsbx_instance *in, uint32_t table, uint32_t elem, uint32_t dst,
                               uint32_t src, uint32_t len)
{
        wsbx_table_def *t = table_def(in, table);
        if (!t || elem >= in->mod->art.nelems)
                return WSBX_TRAP_TABLE_OOB;
        uint32_t size = wsbx_inst_elem_sizes(in)[elem];
        if (!in_bounds(src, len, size) || !in_bounds(dst, len, t->size))
                return WSBX_TRAP_TABLE_OOB;
        wsbx_table_inst *ti = in->tables[table];
        for (uint32_t i = 0; i < len; i++)
                t->elems[dst + i] = wsbx_table_enc(ti, in->elem_refs[elem][src + i]);
        return WSBX_TRAP_NONE;
}

void wsbx_inst_elem_drop(wsbx_instance *in, uint32_t elem)
{
        if (elem >= in->mod->art.nelems)
                return;
        wsbx_inst_elem_sizes(in)[elem] = 0;
        free(in->elem_refs[elem]);
        in->elem_refs[elem] = NULL;
}

/* ------------------------------------------------------------------------ */
/* Builtins                                                                 */
/* ------------------------------------------------------------------------ */

static uint32_t b_memory_grow(struct wsbx_vmctx *v, uint32_t mem, uint32_t delta)
{
        wsbx_instance *in = inst_of(v);
        if (mem >= in->mod->art.nmemories)
                return UINT32_MAX;
        int64_t r = wsbx_memory_inst_grow(in->memories[mem], delta);
        return r < 0 ? UINT32_MAX : (uint32_t)r;
}

static void b_memory_fill(struct wsbx_vmctx *v, uint32_t mem, uint32_t dst, uint32_t val, uint32_t len)
{
        wsbx_memory_def *d = mem_def(inst_of(v), mem);
        if (!d || !in_bounds(dst, len, d->size))
                wsbx_trap_raise(WSBX_TRAP_MEMORY_OOB);
        memset(d->base + dst, (int)(val & 0xff), len);
}

static void b_memory_copy(struct wsbx_vmctx *v, uint32_t dst_mem, uint32_t src_mem, uint32_t dst,
                          uint32_t src, uint32_t len)
{
        wsbx_instance *in = inst_of(v);
        wsbx_memory_def *d = mem_def(in, dst_mem), *s = mem_def(in, src_mem);
        if (!d || !s || !in_bounds(dst, len, d->size) || !in_bounds(src, len, s->size))
                wsbx_trap_raise(WSBX_TRAP_MEMORY_OOB);
        memmove(d->base + dst, s->base + src, len);
}

static void b_memory_init(struct wsbx_vmctx *v, uint32_t mem, uint32_t data, uint32_t dst, uint32_t src,
                          uint32_t len)
{
        wsbx_trap t = wsbx_inst_memory_init(inst_of(v), mem, data, dst, src, len);
        if (t != WSBX_TRAP_NONE)
                wsbx_trap_raise(t);
}

static void b_data_drop(struct wsbx_vmctx *v, uint32_t data)
{
        wsbx_inst_data_drop(inst_of(v), data);
}

static uint32_t b_table_grow(struct wsbx_vmctx *v, uint32_t table, void *init, uint32_t delta)
{
        wsbx_instance *in = inst_of(v);
        if (table >= in->mod->art.ntables)
                return UINT32_MAX;
        int64_t r = wsbx_table_inst_grow(in->tables[table], delta, init);
        return r < 0 ? UINT32_MAX : (uint32_t)r;
}

static void b_table_fill(struct wsbx_vmctx *v, uint32_t table, uint32_t dst, void *val, uint32_t len)
{
        wsbx_instance *in = inst_of(v);
        wsbx_table_def *t = table_def(in, table);
        if (!t || !in_bounds(dst, len, t->size))
                wsbx_trap_raise(WSBX_TRAP_TABLE_OOB);
        val = wsbx_table_enc(in->tables[table], val);
        for (uint32_t i = 0; i < len; i++)
                t->elems[dst + i] = val;
}

static void b_table_copy(struct wsbx_vmctx *v, uint32_t dst_table, uint32_t src_table, uint32_t dst,
                         uint32_t src, uint32_t len)
{
        wsbx_instance *in = inst_of(v);
        wsbx_table_def *d = table_def(in, dst_table), *s = table_def(in, src_table);
        if (!d || !s || !in_bounds(dst, len, d->size) || !in_bounds(src, len, s->size))
                wsbx_trap_raise(WSBX_TRAP_TABLE_OOB);
        /* A lazy element's value depends on where it is: copy values. */
        wsbx_table_materialize(in->tables[src_table], src, len);
        if (len)
                memmove(d->elems + dst, s->elems + src, sizeof(void *) * len);
}

static void b_table_init(struct wsbx_vmctx *v, uint32_t table, uint32_t elem, uint32_t dst, uint32_t src,
                         uint32_t len)
{
        wsbx_trap t = wsbx_inst_table_init(inst_of(v), table, elem, dst, src, len);
        if (t != WSBX_TRAP_NONE)
                wsbx_trap_raise(t);
}

static void b_elem_drop(struct wsbx_vmctx *v, uint32_t elem)
{
        wsbx_inst_elem_drop(inst_of(v), elem);
}

static _Noreturn void b_raise(struct wsbx_vmctx *v, uint32_t trap)
{
        (void)v;
        wsbx_trap_raise((wsbx_trap)trap);
}

/* WSBX_BUILTIN_TABLE_LAZY (abi.h): called from compiled code with every
 * register possibly live, so it saves all the ones System V lets C
 * clobber (rax, rcx, rdx, rsi, rdi, r8-r11, xmm0-15: wasm values never
 * live in the upper halves of ymm registers) and the flags around
 * wsbx_table_lazy_init(def, index). Stack on entry: return address,
 * then the table def, then the index; the result replaces the def. */
void wsbx_table_lazy_thunk(void);
__asm__(".text\n"
        ".p2align 4\n"
        ".globl wsbx_table_lazy_thunk\n"
        ".hidden wsbx_table_lazy_thunk\n"
        ".type wsbx_table_lazy_thunk, @function\n"
        "wsbx_table_lazy_thunk:\n"
        "  .cfi_startproc\n"
        "  endbr64\n"
        "  pushfq\n"
        "  .cfi_adjust_cfa_offset 8\n"
        "  push %rbp\n"
        "  .cfi_adjust_cfa_offset 8\n"
        "  .cfi_rel_offset %rbp, 0\n"
        "  mov %rsp, %rbp\n"
        "  .cfi_def_cfa_register %rbp\n"
        "  and $-16, %rsp\n"
        "  sub $336, %rsp\n"
        "  mov %rax, 0(%rsp)\n"
        "  mov %rcx, 8(%rsp)\n"
        "  mov %rdx, 16(%rsp)\n"
        "  mov %rsi, 24(%rsp)\n"
        "  mov %rdi, 32(%rsp)\n"
        "  mov %r8, 40(%rsp)\n"
        "  mov %r9, 48(%rsp)\n"
        "  mov %r10, 56(%rsp)\n"
        "  mov %r11, 64(%rsp)\n"
        "  movdqu %xmm0, 80(%rsp)\n"
        "  movdqu %xmm1, 96(%rsp)\n"
        "  movdqu %xmm2, 112(%rsp)\n"
        "  movdqu %xmm3, 128(%rsp)\n"
        "  movdqu %xmm4, 144(%rsp)\n"
        "  movdqu %xmm5, 160(%rsp)\n"
        "  movdqu %xmm6, 176(%rsp)\n"
        "  movdqu %xmm7, 192(%rsp)\n"
        "  movdqu %xmm8, 208(%rsp)\n"
        "  movdqu %xmm9, 224(%rsp)\n"
        "  movdqu %xmm10, 240(%rsp)\n"
        "  movdqu %xmm11, 256(%rsp)\n"
        "  movdqu %xmm12, 272(%rsp)\n"
        "  movdqu %xmm13, 288(%rsp)\n"
        "  movdqu %xmm14, 304(%rsp)\n"
        "  movdqu %xmm15, 320(%rsp)\n"
        "  mov 24(%rbp), %rdi\n"
        "  mov 32(%rbp), %rsi\n"
        "  call wsbx_table_lazy_init@PLT\n"
        "  mov %rax, 24(%rbp)\n"
        "  mov 0(%rsp), %rax\n"
        "  mov 8(%rsp), %rcx\n"
        "  mov 16(%rsp), %rdx\n"
        "  mov 24(%rsp), %rsi\n"
        "  mov 32(%rsp), %rdi\n"
        "  mov 40(%rsp), %r8\n"
        "  mov 48(%rsp), %r9\n"
        "  mov 56(%rsp), %r10\n"
        "  mov 64(%rsp), %r11\n"
        "  movdqu 80(%rsp), %xmm0\n"
        "  movdqu 96(%rsp), %xmm1\n"
        "  movdqu 112(%rsp), %xmm2\n"
        "  movdqu 128(%rsp), %xmm3\n"
        "  movdqu 144(%rsp), %xmm4\n"
        "  movdqu 160(%rsp), %xmm5\n"
        "  movdqu 176(%rsp), %xmm6\n"
        "  movdqu 192(%rsp), %xmm7\n"
        "  movdqu 208(%rsp), %xmm8\n"
        "  movdqu 224(%rsp), %xmm9\n"
        "  movdqu 240(%rsp), %xmm10\n"
        "  movdqu 256(%rsp), %xmm11\n"
        "  movdqu 272(%rsp), %xmm12\n"
        "  movdqu 288(%rsp), %xmm13\n"
        "  movdqu 304(%rsp), %xmm14\n"
        "  movdqu 320(%rsp), %xmm15\n"
        "  mov %rbp, %rsp\n"
        "  .cfi_def_cfa_register %rsp\n"
        "  pop %rbp\n"
        "  .cfi_adjust_cfa_offset -8\n"
        "  .cfi_restore %rbp\n"
        "  popfq\n"
        "  .cfi_adjust_cfa_offset -8\n"
        "  ret\n"
        "  .cfi_endproc\n"
        ".size wsbx_table_lazy_thunk, .-wsbx_table_lazy_thunk\n");

const void *const wsbx_builtins[WSBX_BUILTIN_COUNT] = {
        [WSBX_BUILTIN_MEMORY_GROW] = (const void *)b_memory_grow,
        [WSBX_BUILTIN_MEMORY_FILL] = (const void *)b_memory_fill,
        [WSBX_BUILTIN_MEMORY_COPY] = (const void *)b_memory_copy,
        [WSBX_BUILTIN_MEMORY_INIT] = (const void *)b_memory_init,
        [WSBX_BUILTIN_DATA_DROP] = (const void *)b_data_drop,
        [WSBX_BUILTIN_TABLE_GROW] = (const void *)b_table_grow,
        [WSBX_BUILTIN_TABLE_FILL] = (const void *)b_table_fill,
        [WSBX_BUILTIN_TABLE_COPY] = (const void *)b_table_copy,
        [WSBX_BUILTIN_TABLE_INIT] = (const void *)b_table_init,
        [WSBX_BUILTIN_ELEM_DROP] = (const void *)b_elem_drop,
        [WSBX_BUILTIN_RAISE] = (const void *)b_raise,
        [WSBX_BUILTIN_TABLE_LAZY] = (const void *)wsbx_table_lazy_thunk,
};
_Static_assert(WSBX_BUILTIN_COUNT == 12, "every builtin has an entry above");
