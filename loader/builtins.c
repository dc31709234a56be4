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
        if (len)
                memcpy(t->elems + dst, in->elem_refs[elem] + src, sizeof(void *) * len);
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
        wsbx_table_def *t = table_def(inst_of(v), table);
        if (!t || !in_bounds(dst, len, t->size))
                wsbx_trap_raise(WSBX_TRAP_TABLE_OOB);
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
};
_Static_assert(WSBX_BUILTIN_COUNT == 11, "every builtin has an entry above");
