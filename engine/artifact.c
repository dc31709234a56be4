/* artifact.c - writing compiled artifacts.
 *
 * The compiler fills a builder with machine code and the positions of
 * functions, trampolines, trap sites and address-map entries; everything
 * else the runtime needs is serialized from the module. finish() lays the
 * result out as an ELF64 relocatable object for x86-64 (so readelf and
 * objdump work on it) with the sections and records of abi.h:
 *
 *   ELF header | .wsbx.compat .wsbx.meta .wsbx.traps .wsbx.addrmap
 *   .wsbx.names .wsbx.data .symtab .strtab .shstrtab | pad | .text |
 *   pad | .wsbx.image.N ... | section headers
 *
 * Invariants of what we write (the loader re-checks all of them, since it
 * cannot trust us): .text and every image start at a page-aligned file
 * offset; every record table is 8-byte aligned; trap and address tables
 * are strictly increasing by code offset; defined functions' code ranges
 * ascend with their index without overlap.
 *
 * Static initialization (as wasmtime's try_static_init): a defined memory
 * whose active data segments all have constant in-bounds offsets gets one
 * image covering the pages they touch, kept when it is small (<= 1 MiB) or
 * at least half written; a defined table whose active element segments are
 * constant and in bounds gets a precomputed function-index array. The
 * surprise is ordering: instantiation applies element segments, then data
 * segments, and stops at the first one that traps, leaving earlier effects
 * visible through imported tables. An image applies its segments
 * up front, so images are only used when *no* active segment of the module
 * can trap, judged against the declared minimum sizes (an import is at
 * least that large).
 */
#include "internal.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "artifact records are written in host order, which must be little-endian"
#endif

/* An image is kept when it is at most this big, or at least half written. */
#define SMALL_IMAGE (1u << 20)

struct addr_in {
        uint32_t code, wasm, seq;
};

struct wsbx_artbuild {
        const wsbx_module *m;
        uint8_t *text;
        size_t text_len;
        wsbx_art_func *funcs;      /* nfuncs; code_size 0 = not yet placed */
        wsbx_art_type *types;      /* ntypes; trampolines only */
        wsbx_art_trap *traps;
        size_t ntraps, traps_cap;
        struct addr_in *addrs;
        size_t naddrs, addrs_cap;
        uint64_t cpu_features;
        uint32_t settings;
        uint8_t *mem_style;        /* nmemories */
        uint64_t *mem_guard;
        bool *mem_plan_set;
        bool static_init;
};

static wsbx_errkind bad(wsbx_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static wsbx_errkind bad(wsbx_error *err, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        wsbx_errkind k = wsbx_error_vset(err, WSBX_ERR_INVALID, SIZE_MAX, fmt, ap);
        va_end(ap);
        return k;
}

static wsbx_errkind nomem(wsbx_error *err)
{
        return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "artifact: out of memory");
}

wsbx_artbuild *wsbx_artbuild_new(const wsbx_module *m)
{
        wsbx_artbuild *b = calloc(1, sizeof *b);
        if (!b)
                return NULL;
        b->m = m;
        b->cpu_features = WSBX_CPU_BASELINE;
        b->static_init = true;
        /* calloc(0) may return NULL; ask for at least one element. */
        b->funcs = calloc(m->nfuncs + 1, sizeof *b->funcs);
        b->types = calloc(m->ntypes + 1, sizeof *b->types);
        b->mem_style = calloc(m->nmemories + 1, 1);
        b->mem_guard = calloc(m->nmemories + 1, sizeof *b->mem_guard);
        b->mem_plan_set = calloc(m->nmemories + 1, sizeof *b->mem_plan_set);
        if (!b->funcs || !b->types || !b->mem_style || !b->mem_guard || !b->mem_plan_set) {
                wsbx_artbuild_delete(b);
                return NULL;
        }
        for (uint32_t i = 0; i < m->nfuncs; i++) {
                b->funcs[i].type = m->func_types[i];
                b->funcs[i].entry_offset = WSBX_ART_NONE;
        }
        for (uint32_t i = 0; i < m->ntypes; i++)
                b->types[i].w2a_offset = WSBX_ART_NONE;
        return b;
}

void wsbx_artbuild_delete(wsbx_artbuild *b)
{
        if (!b)
                return;
        free(b->text);
        free(b->funcs);
        free(b->types);
        free(b->traps);
        free(b->addrs);
        free(b->mem_style);
        free(b->mem_guard);
        free(b->mem_plan_set);
        free(b);
}

wsbx_errkind wsbx_artbuild_set_text(wsbx_artbuild *b, const uint8_t *code, size_t len,
                                    wsbx_error *err)
{
        if (len > UINT32_MAX)
                return wsbx_error_set(err, WSBX_ERR_LIMIT, SIZE_MAX,
                                      "artifact: .text of %zu bytes exceeds 4 GiB", len);
        uint8_t *copy = malloc(len ? len : 1);
        if (!copy)
                return nomem(err);
        if (len)
                memcpy(copy, code, len);
        free(b->text);
        b->text = copy;
        b->text_len = len;
        return WSBX_OK;
}

/* A code range is given as (offset, size); WSBX_ART_NONE with size 0 means
 * "absent". Only the arithmetic is checked here, .text bounds in finish. */
static bool range_ok(uint32_t off, uint32_t size)
{
        if (off == WSBX_ART_NONE)
                return size == 0;
        return size <= UINT32_MAX - off;
}

wsbx_errkind wsbx_artbuild_set_func(wsbx_artbuild *b, uint32_t func_index, uint32_t code_offset,
                                    uint32_t code_size, uint32_t entry_offset, uint32_t entry_size,
                                    wsbx_error *err)
{
        const wsbx_module *m = b->m;
        if (func_index < m->nimported_funcs || func_index >= m->nfuncs)
                return bad(err, "artifact: function %u is not a defined function", func_index);
        if (code_size == 0 || code_offset == WSBX_ART_NONE || !range_ok(code_offset, code_size))
                return bad(err, "artifact: function %u: bad code range 0x%x+0x%x", func_index,
                           code_offset, code_size);
        if (!range_ok(entry_offset, entry_size))
                return bad(err, "artifact: function %u: bad entry trampoline range 0x%x+0x%x",
                           func_index, entry_offset, entry_size);
        wsbx_art_func *f = &b->funcs[func_index];
        f->code_offset = code_offset;
        f->code_size = code_size;
        f->entry_offset = entry_offset;
        f->entry_size = entry_size;
        return WSBX_OK;
}

wsbx_errkind wsbx_artbuild_set_type_trampoline(wsbx_artbuild *b, uint32_t type_index,
                                               uint32_t offset, uint32_t size, wsbx_error *err)
{
        if (type_index >= b->m->ntypes)
                return bad(err, "artifact: type %u out of range", type_index);
        if (!range_ok(offset, size))
                return bad(err, "artifact: type %u: bad trampoline range 0x%x+0x%x", type_index,
                           offset, size);
        b->types[type_index].w2a_offset = offset;
        b->types[type_index].w2a_size = size;
        return WSBX_OK;
}

/* Returns `p` grown to hold n + 1 elements of `size` bytes (doubling
 * *cap), or NULL when out of memory (p is then still valid). */
static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
        if (n < *cap)
                return p;
        size_t nc = *cap ? *cap * 2 : 64;
        if (nc > SIZE_MAX / size)
                return NULL;
        void *q = realloc(p, nc * size);
        if (q)
                *cap = nc;
        return q;
}

wsbx_errkind wsbx_artbuild_add_trap(wsbx_artbuild *b, uint32_t code_offset, wsbx_trap trap,
                                    wsbx_error *err)
{
        if (trap <= WSBX_TRAP_NONE || trap >= WSBX_TRAP_COUNT)
                return bad(err, "artifact: trap site 0x%x: bad trap kind %d", code_offset, (int)trap);
        wsbx_art_trap *t = b->ntraps < UINT32_MAX ? grow(b->traps, &b->traps_cap, b->ntraps, sizeof *t) : NULL;
        if (!t)
                return nomem(err);
        b->traps = t;
        b->traps[b->ntraps++] = (wsbx_art_trap){code_offset, (uint32_t)trap};
        return WSBX_OK;
}

wsbx_errkind wsbx_artbuild_add_addr(wsbx_artbuild *b, uint32_t code_offset, uint32_t wasm_offset,
                                    wsbx_error *err)
{
        struct addr_in *a = b->naddrs < UINT32_MAX ? grow(b->addrs, &b->addrs_cap, b->naddrs, sizeof *a) : NULL;
        if (!a)
                return nomem(err);
        b->addrs = a;
        b->addrs[b->naddrs] = (struct addr_in){code_offset, wasm_offset, (uint32_t)b->naddrs};
        b->naddrs++;
        return WSBX_OK;
}

void wsbx_artbuild_set_compat(wsbx_artbuild *b, uint64_t cpu_features, uint32_t settings)
{
        b->cpu_features = cpu_features;
        b->settings = settings;
}

wsbx_errkind wsbx_artbuild_set_memory_plan(wsbx_artbuild *b, uint32_t mem, uint8_t style,
                                           uint64_t guard_size, wsbx_error *err)
{
        if (mem >= b->m->nmemories)
                return bad(err, "artifact: memory %u out of range", mem);
        if (style != WSBX_ART_MEM_STATIC && style != WSBX_ART_MEM_DYNAMIC)
                return bad(err, "artifact: memory %u: unknown style %u", mem, style);
        if (style == WSBX_ART_MEM_STATIC && b->m->memories[mem].is64)
                return bad(err, "artifact: memory %u: a 64-bit memory cannot be static", mem);
        if (guard_size % WSBX_ART_PAGE || guard_size > WSBX_ART_MAX_GUARD)
                return bad(err, "artifact: memory %u: bad guard size 0x%llx", mem,
                           (unsigned long long)guard_size);
        b->mem_style[mem] = style;
        b->mem_guard[mem] = guard_size;
        b->mem_plan_set[mem] = true;
        return WSBX_OK;
}

void wsbx_artbuild_set_static_init(wsbx_artbuild *b, bool enable)
{
        b->static_init = enable;
}

/* ------------------------------------------------------------------------ */
/* Checking the compiler's input                                            */
/* ------------------------------------------------------------------------ */

static bool in_text(const wsbx_artbuild *b, uint32_t off, uint32_t size)
{
        if (off == WSBX_ART_NONE)
                return size == 0;
        return off <= b->text_len && size <= b->text_len - off;
}

static int cmp_trap(const void *a, const void *b)
{
        const wsbx_art_trap *x = a, *y = b;
        if (x->code_offset != y->code_offset)
                return x->code_offset < y->code_offset ? -1 : 1;
        return x->trap < y->trap ? -1 : x->trap > y->trap;
}

static int cmp_addr(const void *a, const void *b)
{
        const struct addr_in *x = a, *y = b;
        if (x->code != y->code)
                return x->code < y->code ? -1 : 1;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static wsbx_errkind check_input(const wsbx_artbuild *b, wsbx_error *err)
{
        const wsbx_module *m = b->m;
        uint64_t prev_end = 0;
        for (uint32_t i = m->nimported_funcs; i < m->nfuncs; i++) {
                const wsbx_art_func *f = &b->funcs[i];
                if (f->code_size == 0)
                        return bad(err, "artifact: function %u has no code", i);
                if (!in_text(b, f->code_offset, f->code_size))
                        return bad(err, "artifact: function %u: code 0x%x+0x%x beyond .text size 0x%zx",
                                   i, f->code_offset, f->code_size, b->text_len);
                if (f->code_offset < prev_end)
                        return bad(err, "artifact: function %u: code at 0x%x overlaps or precedes function %u",
                                   i, f->code_offset, i - 1);
                prev_end = (uint64_t)f->code_offset + f->code_size;
                if (!in_text(b, f->entry_offset, f->entry_size))
                        return bad(err, "artifact: function %u: entry trampoline 0x%x+0x%x beyond .text",
                                   i, f->entry_offset, f->entry_size);
        }
        for (uint32_t i = 0; i < m->ntypes; i++)
                if (!in_text(b, b->types[i].w2a_offset, b->types[i].w2a_size))
                        return bad(err, "artifact: type %u: trampoline 0x%x+0x%x beyond .text", i,
                                   b->types[i].w2a_offset, b->types[i].w2a_size);
        for (size_t i = 0; i < b->ntraps; i++)
                if (b->traps[i].code_offset >= b->text_len)
                        return bad(err, "artifact: trap site 0x%x beyond .text size 0x%zx",
                                   b->traps[i].code_offset, b->text_len);
        for (size_t i = 0; i < b->naddrs; i++)
                if (b->addrs[i].code >= b->text_len)
                        return bad(err, "artifact: address entry 0x%x beyond .text size 0x%zx",
                                   b->addrs[i].code, b->text_len);
        if (b->cpu_features & ~(uint64_t)WSBX_CPU_ALL)
                return bad(err, "artifact: unknown CPU feature bits 0x%llx",
                           (unsigned long long)(b->cpu_features & ~(uint64_t)WSBX_CPU_ALL));
        if (b->settings & ~(uint32_t)WSBX_ART_SET_ALL)
                return bad(err, "artifact: unknown settings 0x%x", b->settings & ~(uint32_t)WSBX_ART_SET_ALL);
        return WSBX_OK;
}

/* ------------------------------------------------------------------------ */
/* Static initialization plans                                              */
/* ------------------------------------------------------------------------ */

/* Constant offset of an active segment, if it has one. */
static bool const_offset(const wsbx_constexpr *e, uint64_t *out)
{
        if (e->op == WSBX_CONST_I32) {
                *out = e->u.i32;
                return true;
        }
        if (e->op == WSBX_CONST_I64) {
                *out = e->u.i64;
                return true;
        }
        return false;
}

static uint64_t mem_bytes(const wsbx_memtype *t)
{
        if (t->limits.min > UINT64_MAX / WSBX_ART_WASM_PAGE)
                return UINT64_MAX;
        return t->limits.min * WSBX_ART_WASM_PAGE;
}

/* True when applying every active segment at instantiation cannot trap. */
static bool init_cannot_trap(const wsbx_module *m)
{
        for (uint32_t i = 0; i < m->nelems; i++) {
                const wsbx_elem *e = &m->elems[i];
                uint64_t off = 0;
                if (e->mode != WSBX_SEG_ACTIVE)
                        continue;
                if (e->table >= m->ntables || !const_offset(&e->offset, &off))
                        return false;
                uint64_t min = m->tables[e->table].limits.min;
                if (off > min || e->count > min - off)
                        return false;
        }
        for (uint32_t i = 0; i < m->ndatas; i++) {
                const wsbx_data *d = &m->datas[i];
                uint64_t off = 0;
                if (d->mode != WSBX_SEG_ACTIVE)
                        continue;
                if (d->memory >= m->nmemories || !const_offset(&d->offset, &off))
                        return false;
                uint64_t size = mem_bytes(&m->memories[d->memory]);
                if (off > size || d->size > size - off)
                        return false;
        }
        return true;
}

struct plan {
        wsbx_art_memory *mems;
        wsbx_art_table *tables;
        uint8_t **images;          /* per memory: image bytes or NULL */
        uint32_t **timages;        /* per table: function indices or NULL */
        uint8_t *data_flags;       /* per data segment */
        uint8_t *elem_flags;       /* per element segment */
};

static void plan_free(struct plan *p, const wsbx_module *m)
{
        if (p->images)
                for (uint32_t i = 0; i < m->nmemories; i++)
                        free(p->images[i]);
        if (p->timages)
                for (uint32_t i = 0; i < m->ntables; i++)
                        free(p->timages[i]);
        free(p->mems);
        free(p->tables);
        free(p->images);
        free(p->timages);
        free(p->data_flags);
        free(p->elem_flags);
}

static bool plan_memory_image(const wsbx_module *m, uint32_t mi, struct plan *p)
{
        wsbx_art_memory *rec = &p->mems[mi];
        uint64_t lo = UINT64_MAX, hi = 0, written = 0;
        for (uint32_t i = 0; i < m->ndatas; i++) {
                const wsbx_data *d = &m->datas[i];
                uint64_t off = 0;
                if (d->mode != WSBX_SEG_ACTIVE || d->memory != mi || d->size == 0)
                        continue;
                const_offset(&d->offset, &off); /* init_cannot_trap said it is constant */
                if (off < lo)
                        lo = off;
                if (off + d->size > hi)
                        hi = off + d->size;
                written += d->size;
        }
        /* Nothing to write: there is nothing to map either. */
        if (written == 0)
                return true;
        uint64_t start = lo & ~(uint64_t)(WSBX_ART_PAGE - 1);
        uint64_t end = (hi + WSBX_ART_PAGE - 1) & ~(uint64_t)(WSBX_ART_PAGE - 1);
        uint64_t size = end - start;
        if (size > SMALL_IMAGE && written < size / 2)
                return true;
        /* The image is at most twice the module's data (or 1 MiB), so its
         * size is bounded by the input. */
        uint8_t *img = calloc(1, size);
        if (!img)
                return false;
        for (uint32_t i = 0; i < m->ndatas; i++) {
                const wsbx_data *d = &m->datas[i];
                uint64_t off = 0;
                if (d->mode != WSBX_SEG_ACTIVE || d->memory != mi)
                        continue;
                const_offset(&d->offset, &off);
                if (d->size)
                        memcpy(img + (off - start), m->bytes + d->data_offset, d->size);
                p->data_flags[i] |= WSBX_ART_SEG_IN_IMAGE;
        }
        p->images[mi] = img;
        rec->init = WSBX_ART_INIT_IMAGE;
        rec->image_offset = start;
        rec->image_size = size;
        return true;
}

static bool plan_table_image(const wsbx_module *m, uint32_t ti, struct plan *p)
{
        wsbx_art_table *rec = &p->tables[ti];
        uint64_t hi = 0, items = 0;
        for (uint32_t i = 0; i < m->nelems; i++) {
                const wsbx_elem *e = &m->elems[i];
                uint64_t off = 0;
                if (e->mode != WSBX_SEG_ACTIVE || e->table != ti)
                        continue;
                for (uint32_t k = 0; k < e->count; k++)
                        if (e->items[k].op != WSBX_CONST_REF_FUNC &&
                            e->items[k].op != WSBX_CONST_REF_NULL)
                                return true; /* global.get: only known at instantiation */
                const_offset(&e->offset, &off);
                if (off + e->count > hi)
                        hi = off + e->count;
                items += e->count;
        }
        if (items == 0 || (hi > 4096 && items < hi / 2))
                return true;
        uint32_t *img = malloc(hi * sizeof *img);
        if (!img)
                return false;
        for (uint64_t k = 0; k < hi; k++)
                img[k] = WSBX_ART_NONE;
        for (uint32_t i = 0; i < m->nelems; i++) {
                const wsbx_elem *e = &m->elems[i];
                uint64_t off = 0;
                if (e->mode != WSBX_SEG_ACTIVE || e->table != ti)
                        continue;
                const_offset(&e->offset, &off);
                for (uint32_t k = 0; k < e->count; k++)
                        img[off + k] = e->items[k].op == WSBX_CONST_REF_FUNC ? e->items[k].u.index
                                                                             : WSBX_ART_NONE;
                p->elem_flags[i] |= WSBX_ART_SEG_IN_IMAGE;
        }
        p->timages[ti] = img;
        rec->init = WSBX_ART_INIT_IMAGE;
        rec->image_count = (uint32_t)hi;
        return true;
}

static wsbx_errkind make_plan(const wsbx_artbuild *b, struct plan *p, wsbx_error *err)
{
        const wsbx_module *m = b->m;
        p->mems = calloc(m->nmemories + 1, sizeof *p->mems);
        p->tables = calloc(m->ntables + 1, sizeof *p->tables);
        p->images = calloc(m->nmemories + 1, sizeof *p->images);
        p->timages = calloc(m->ntables + 1, sizeof *p->timages);
        p->data_flags = calloc(m->ndatas + 1, 1);
        p->elem_flags = calloc(m->nelems + 1, 1);
        if (!p->mems || !p->tables || !p->images || !p->timages || !p->data_flags || !p->elem_flags)
                return nomem(err);

        for (uint32_t i = 0; i < m->nmemories; i++) {
                const wsbx_memtype *t = &m->memories[i];
                wsbx_art_memory *r = &p->mems[i];
                r->flags = (i < m->nimported_memories ? WSBX_ART_F_IMPORTED : 0) |
                           (t->limits.has_max ? WSBX_ART_F_HAS_MAX : 0) |
                           (t->shared ? WSBX_ART_F_SHARED : 0) | (t->is64 ? WSBX_ART_F_IS64 : 0);
                r->min = t->limits.min;
                r->max = t->limits.has_max ? t->limits.max : 0;
                if (b->mem_plan_set[i]) {
                        r->style = b->mem_style[i];
                        r->guard_size = b->mem_guard[i];
                } else if (t->is64 || (b->settings & WSBX_ART_SET_BOUNDS_CHECKS)) {
                        r->style = WSBX_ART_MEM_DYNAMIC;
                } else {
                        r->style = WSBX_ART_MEM_STATIC;
                        r->guard_size = WSBX_ART_DEFAULT_GUARD;
                }
                r->init = WSBX_ART_INIT_NONE;
                for (uint32_t k = 0; k < m->ndatas; k++)
                        if (m->datas[k].mode == WSBX_SEG_ACTIVE && m->datas[k].memory == i)
                                r->init = WSBX_ART_INIT_SEGMENTS;
        }
        for (uint32_t i = 0; i < m->ntables; i++) {
                const wsbx_tabletype *t = &m->tables[i];
                wsbx_art_table *r = &p->tables[i];
                r->elem = t->elem;
                r->flags = (i < m->nimported_tables ? WSBX_ART_F_IMPORTED : 0) |
                           (t->limits.has_max ? WSBX_ART_F_HAS_MAX : 0);
                r->min = t->limits.min;
                r->max = t->limits.has_max ? t->limits.max : 0;
                r->init = WSBX_ART_INIT_NONE;
                for (uint32_t k = 0; k < m->nelems; k++)
                        if (m->elems[k].mode == WSBX_SEG_ACTIVE && m->elems[k].table == i)
                                r->init = WSBX_ART_INIT_SEGMENTS;
        }
        if (!b->static_init || !init_cannot_trap(m))
                return WSBX_OK;
        /* Imported memories and tables may hold contents of their own
         * (and other instances see them), so only defined ones get images. */
        for (uint32_t i = m->nimported_memories; i < m->nmemories; i++)
                if (p->mems[i].init == WSBX_ART_INIT_SEGMENTS && !plan_memory_image(m, i, p))
                        return nomem(err);
        for (uint32_t i = m->nimported_tables; i < m->ntables; i++)
                if (p->tables[i].init == WSBX_ART_INIT_SEGMENTS && !plan_table_image(m, i, p))
                        return nomem(err);
        return WSBX_OK;
}

/* ------------------------------------------------------------------------ */
/* .wsbx.meta                                                               */
/* ------------------------------------------------------------------------ */

/* Appends to the blob, aligned, and returns the offset. */
static uint32_t blob_put(wsbx_buf *blob, const void *p, size_t n, size_t align)
{
        while (blob->len % align)
                wsbx_buf_u8(blob, 0);
        size_t off = blob->len;
        wsbx_buf_put(blob, p, n);
        return off > UINT32_MAX ? WSBX_ART_NONE : (uint32_t)off;
}

static wsbx_art_str blob_str(wsbx_buf *blob, wsbx_name n)
{
        wsbx_art_str s = {0, n.len};
        s.off = blob_put(blob, n.ptr, n.len, 1);
        return s;
}

static wsbx_art_const put_const(const wsbx_constexpr *e)
{
        wsbx_art_const c;
        memset(&c, 0, sizeof c);
        switch (e->op) {
        case WSBX_CONST_I32:
                c.op = WSBX_ART_CONST_I32;
                memcpy(c.value, &e->u.i32, 4);
                break;
        case WSBX_CONST_I64:
                c.op = WSBX_ART_CONST_I64;
                memcpy(c.value, &e->u.i64, 8);
                break;
        case WSBX_CONST_F32:
                c.op = WSBX_ART_CONST_F32;
                memcpy(c.value, &e->u.f32_bits, 4);
                break;
        case WSBX_CONST_F64:
                c.op = WSBX_ART_CONST_F64;
                memcpy(c.value, &e->u.f64_bits, 8);
                break;
        case WSBX_CONST_V128:
                c.op = WSBX_ART_CONST_V128;
                memcpy(c.value, e->u.v128, 16);
                break;
        case WSBX_CONST_REF_NULL:
                c.op = WSBX_ART_CONST_REF_NULL;
                c.type = e->u.reftype;
                break;
        case WSBX_CONST_REF_FUNC:
                c.op = WSBX_ART_CONST_REF_FUNC;
                c.index = e->u.index;
                break;
        case WSBX_CONST_GLOBAL_GET:
                c.op = WSBX_ART_CONST_GLOBAL_GET;
                c.index = e->u.index;
                break;
        }
        return c;
}

/* Appends the meta section to `out`. */
static wsbx_errkind write_meta(const wsbx_artbuild *b, const struct plan *p, wsbx_buf *out,
                               wsbx_error *err)
{
        const wsbx_module *m = b->m;
        wsbx_buf t[WSBX_ART_T_COUNT];
        uint32_t count[WSBX_ART_T_COUNT];
        memset(t, 0, sizeof t);
        memset(count, 0, sizeof count);
        wsbx_buf *blob = &t[WSBX_ART_T_BLOB];
        uint32_t data_off = 0;
        wsbx_errkind k = WSBX_OK;

        for (uint32_t i = 0; i < m->ntypes; i++) {
                const wsbx_functype *ft = &m->types[i];
                wsbx_art_type r = b->types[i];
                r.nparams = ft->nparams;
                r.nresults = ft->nresults;
                r.vt_off = blob_put(blob, ft->params, ft->nparams, 1);
                blob_put(blob, ft->results, ft->nresults, 1);
                r.reserved = 0;
                wsbx_buf_put(&t[WSBX_ART_T_TYPES], &r, sizeof r);
        }
        count[WSBX_ART_T_TYPES] = m->ntypes;

        uint32_t nimp[4] = {0, 0, 0, 0};
        for (uint32_t i = 0; i < m->nimports; i++) {
                const wsbx_import *im = &m->imports[i];
                wsbx_art_import r;
                memset(&r, 0, sizeof r);
                r.module = blob_str(blob, im->module);
                r.name = blob_str(blob, im->name);
                r.kind = (uint8_t)im->kind;
                r.index = nimp[im->kind & 3]++;
                wsbx_buf_put(&t[WSBX_ART_T_IMPORTS], &r, sizeof r);
        }
        count[WSBX_ART_T_IMPORTS] = m->nimports;

        for (uint32_t i = 0; i < m->nexports; i++) {
                const wsbx_export *ex = &m->exports[i];
                wsbx_art_export r;
                memset(&r, 0, sizeof r);
                r.name = blob_str(blob, ex->name);
                r.kind = (uint8_t)ex->kind;
                r.index = ex->index;
                wsbx_buf_put(&t[WSBX_ART_T_EXPORTS], &r, sizeof r);
        }
        count[WSBX_ART_T_EXPORTS] = m->nexports;

        for (uint32_t i = 0; i < m->nfuncs; i++) {
                wsbx_art_func r = b->funcs[i];
                if (i < m->nimported_funcs) {
                        memset(&r, 0, sizeof r);
                        r.type = m->func_types[i];
                        r.flags = WSBX_ART_F_IMPORTED;
                        r.entry_offset = WSBX_ART_NONE;
                } else {
                        const wsbx_func *f = &m->funcs[i - m->nimported_funcs];
                        r.flags = 0;
                        r.wasm_offset = f->body_offset;
                        r.wasm_size = f->body_size;
                }
                wsbx_buf_put(&t[WSBX_ART_T_FUNCS], &r, sizeof r);
        }
        count[WSBX_ART_T_FUNCS] = m->nfuncs;

        for (uint32_t i = 0; i < m->ntables; i++) {
                wsbx_art_table r = p->tables[i];
                if (p->timages[i])
                        r.image_off = blob_put(blob, p->timages[i], 4ull * r.image_count, 4);
                wsbx_buf_put(&t[WSBX_ART_T_TABLES], &r, sizeof r);
        }
        count[WSBX_ART_T_TABLES] = m->ntables;

        wsbx_buf_put(&t[WSBX_ART_T_MEMORIES], p->mems, sizeof *p->mems * m->nmemories);
        count[WSBX_ART_T_MEMORIES] = m->nmemories;

        for (uint32_t i = 0; i < m->nglobals; i++) {
                wsbx_art_global r;
                memset(&r, 0, sizeof r);
                r.type = m->global_types[i].type;
                r.flags = (m->global_types[i].mut ? WSBX_ART_F_MUT : 0) |
                          (i < m->nimported_globals ? WSBX_ART_F_IMPORTED : 0);
                if (i >= m->nimported_globals)
                        r.init = put_const(&m->globals[i - m->nimported_globals].init);
                wsbx_buf_put(&t[WSBX_ART_T_GLOBALS], &r, sizeof r);
        }
        count[WSBX_ART_T_GLOBALS] = m->nglobals;

        uint64_t nitems = 0;
        for (uint32_t i = 0; i < m->nelems; i++) {
                const wsbx_elem *e = &m->elems[i];
                wsbx_art_elem r;
                memset(&r, 0, sizeof r);
                r.mode = (uint8_t)e->mode;
                r.type = e->type;
                r.flags = p->elem_flags[i];
                if (e->mode == WSBX_SEG_ACTIVE) {
                        r.table = e->table;
                        r.offset = put_const(&e->offset);
                }
                r.items_first = (uint32_t)nitems;
                r.count = e->count;
                for (uint32_t j = 0; j < e->count; j++) {
                        wsbx_art_const c = put_const(&e->items[j]);
                        wsbx_buf_put(&t[WSBX_ART_T_ITEMS], &c, sizeof c);
                }
                nitems += e->count;
                if (nitems > UINT32_MAX) {
                        k = wsbx_error_set(err, WSBX_ERR_LIMIT, SIZE_MAX, "artifact: too many element items");
                        goto out;
                }
                wsbx_buf_put(&t[WSBX_ART_T_ELEMS], &r, sizeof r);
        }
        count[WSBX_ART_T_ELEMS] = m->nelems;
        count[WSBX_ART_T_ITEMS] = (uint32_t)nitems;

        for (uint32_t i = 0; i < m->ndatas; i++) {
                const wsbx_data *d = &m->datas[i];
                wsbx_art_data r;
                memset(&r, 0, sizeof r);
                r.mode = (uint8_t)d->mode;
                r.flags = p->data_flags[i];
                if (d->mode == WSBX_SEG_ACTIVE) {
                        r.memory = d->memory;
                        r.offset = put_const(&d->offset);
                }
                r.size = d->size;
                if (!(r.flags & WSBX_ART_SEG_IN_IMAGE)) {
                        /* Same order as write_data(), which lays the bytes out. */
                        r.data_offset = data_off;
                        data_off += d->size;
                }
                wsbx_buf_put(&t[WSBX_ART_T_DATAS], &r, sizeof r);
        }
        count[WSBX_ART_T_DATAS] = m->ndatas;
        count[WSBX_ART_T_BLOB] = (uint32_t)blob->len;

        for (int i = 0; i < WSBX_ART_T_COUNT; i++)
                if (t[i].oom) {
                        k = nomem(err);
                        goto out;
                }
        if (blob->len > UINT32_MAX) {
                k = wsbx_error_set(err, WSBX_ERR_LIMIT, SIZE_MAX, "artifact: metadata exceeds 4 GiB");
                goto out;
        }

        wsbx_art_meta h;
        memset(&h, 0, sizeof h);
        h.magic = WSBX_ART_META_MAGIC;
        h.version = WSBX_ART_META_VERSION;
        h.start_func = m->has_start ? m->start : WSBX_ART_NONE;
        h.nimported_funcs = m->nimported_funcs;
        h.nimported_tables = m->nimported_tables;
        h.nimported_memories = m->nimported_memories;
        h.nimported_globals = m->nimported_globals;
        uint64_t off = sizeof h;
        for (int i = 0; i < WSBX_ART_T_COUNT; i++) {
                off = (off + 7) & ~(uint64_t)7;
                h.tables[i].offset = (uint32_t)off;
                h.tables[i].count = count[i];
                off += t[i].len;
        }
        if (off > UINT32_MAX) {
                k = wsbx_error_set(err, WSBX_ERR_LIMIT, SIZE_MAX, "artifact: metadata exceeds 4 GiB");
                goto out;
        }
        h.size = (uint32_t)off;
        size_t base = out->len;
        wsbx_buf_put(out, &h, sizeof h);
        for (int i = 0; i < WSBX_ART_T_COUNT; i++) {
                while (out->len - base < h.tables[i].offset)
                        wsbx_buf_u8(out, 0);
                wsbx_buf_put(out, t[i].data, t[i].len);
        }
out:
        for (int i = 0; i < WSBX_ART_T_COUNT; i++)
                wsbx_buf_free(&t[i]);
        return k;
}

static void write_names(const wsbx_module *m, wsbx_buf *out)
{
        size_t bytes = sizeof(wsbx_art_names) + sizeof(wsbx_art_str) * (size_t)m->nfuncs;
        wsbx_art_names h = {.count = m->nfuncs};
        uint64_t at = bytes;
        h.module = (wsbx_art_str){(uint32_t)at, m->name.len};
        at += m->name.len;
        wsbx_buf_put(out, &h, sizeof h);
        for (uint32_t i = 0; i < m->nfuncs; i++) {
                wsbx_art_str s = {0, 0};
                if (m->func_names && m->func_names[i].len) {
                        s = (wsbx_art_str){(uint32_t)at, m->func_names[i].len};
                        at += s.len;
                }
                wsbx_buf_put(out, &s, sizeof s);
        }
        wsbx_buf_put(out, m->name.ptr, m->name.len);
        for (uint32_t i = 0; i < m->nfuncs; i++)
                if (m->func_names && m->func_names[i].len)
                        wsbx_buf_put(out, m->func_names[i].ptr, m->func_names[i].len);
}

static void write_data(const wsbx_module *m, const struct plan *p, wsbx_buf *out)
{
        for (uint32_t i = 0; i < m->ndatas; i++)
                if (!(p->data_flags[i] & WSBX_ART_SEG_IN_IMAGE))
                        wsbx_buf_put(out, m->bytes + m->datas[i].data_offset, m->datas[i].size);
}

/* ------------------------------------------------------------------------ */
/* Symbols                                                                  */
/* ------------------------------------------------------------------------ */

static void sym(wsbx_buf *symtab, wsbx_buf *strtab, const char *name, size_t len,
                uint16_t shndx, uint32_t value, uint32_t size)
{
        Elf64_Sym s;
        memset(&s, 0, sizeof s);
        s.st_name = (uint32_t)strtab->len;
        s.st_info = ELF64_ST_INFO(STB_LOCAL, STT_FUNC);
        s.st_shndx = shndx;
        s.st_value = value;
        s.st_size = size;
        wsbx_buf_put(strtab, name, len);
        wsbx_buf_u8(strtab, 0);
        wsbx_buf_put(symtab, &s, sizeof s);
}

/* A function's symbol name: its name-section name when that is usable in
 * a string table (no NUL inside), else wasm_func_N. */
static size_t func_symname(const wsbx_module *m, uint32_t i, const char *suffix, char *buf,
                           size_t cap, const char **out)
{
        if (m->func_names && m->func_names[i].len && !memchr(m->func_names[i].ptr, 0, m->func_names[i].len)) {
                if (!*suffix) {
                        *out = m->func_names[i].ptr;
                        return m->func_names[i].len;
                }
                int n = snprintf(buf, cap, "%.*s%s", (int)(m->func_names[i].len > 200 ? 200 : m->func_names[i].len),
                                 m->func_names[i].ptr, suffix);
                *out = buf;
                return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
        }
        int n = snprintf(buf, cap, "wasm_func_%u%s", i, suffix);
        *out = buf;
        return n < 0 ? 0 : (size_t)n;
}

static void write_symbols(const wsbx_artbuild *b, uint16_t text_shndx, wsbx_buf *symtab,
                          wsbx_buf *strtab)
{
        const wsbx_module *m = b->m;
        Elf64_Sym null;
        memset(&null, 0, sizeof null);
        wsbx_buf_put(symtab, &null, sizeof null);
        wsbx_buf_u8(strtab, 0);
        char buf[256];
        for (uint32_t i = m->nimported_funcs; i < m->nfuncs; i++) {
                const wsbx_art_func *f = &b->funcs[i];
                const char *name;
                size_t len = func_symname(m, i, "", buf, sizeof buf, &name);
                sym(symtab, strtab, name, len, text_shndx, f->code_offset, f->code_size);
                if (f->entry_offset != WSBX_ART_NONE && f->entry_size) {
                        len = func_symname(m, i, ".array_entry", buf, sizeof buf, &name);
                        sym(symtab, strtab, name, len, text_shndx, f->entry_offset, f->entry_size);
                }
        }
        for (uint32_t i = 0; i < m->ntypes; i++) {
                if (b->types[i].w2a_offset == WSBX_ART_NONE || !b->types[i].w2a_size)
                        continue;
                int n = snprintf(buf, sizeof buf, "wasm_to_array_type_%u", i);
                sym(symtab, strtab, buf, (size_t)n, text_shndx, b->types[i].w2a_offset,
                    b->types[i].w2a_size);
        }
}

/* ------------------------------------------------------------------------ */
/* ELF layout                                                               */
/* ------------------------------------------------------------------------ */

struct sec {
        char name[32];
        uint32_t type;
        uint64_t flags, align, entsize;
        uint32_t link, info;
        const uint8_t *data;
        size_t size;
        uint64_t offset;
};

static void pad_to(wsbx_buf *out, uint64_t align)
{
        while (out->len % align)
                wsbx_buf_u8(out, 0);
}

wsbx_errkind wsbx_artbuild_finish(wsbx_artbuild *b, uint8_t **out, size_t *out_len,
                                  wsbx_error *err)
{
        const wsbx_module *m = b->m;
        *out = NULL;
        *out_len = 0;
        wsbx_errkind k = check_input(b, err);
        if (k != WSBX_OK)
                return k;

        /* Sort and deduplicate the trap sites and address map. */
        if (b->ntraps) /* qsort's pointer must not be NULL, even for 0 elements */
                qsort(b->traps, b->ntraps, sizeof *b->traps, cmp_trap);
        size_t ntraps = 0;
        for (size_t i = 0; i < b->ntraps; i++) {
                if (ntraps && b->traps[ntraps - 1].code_offset == b->traps[i].code_offset) {
                        if (b->traps[ntraps - 1].trap != b->traps[i].trap)
                                return bad(err, "artifact: trap site 0x%x has two trap kinds (%u, %u)",
                                           b->traps[i].code_offset, b->traps[ntraps - 1].trap,
                                           b->traps[i].trap);
                        continue;
                }
                b->traps[ntraps++] = b->traps[i];
        }
        b->ntraps = ntraps;
        if (b->naddrs)
                qsort(b->addrs, b->naddrs, sizeof *b->addrs, cmp_addr);
        size_t naddrs = 0;
        for (size_t i = 0; i < b->naddrs; i++) {
                if (naddrs && b->addrs[naddrs - 1].code == b->addrs[i].code)
                        naddrs--;
                b->addrs[naddrs++] = b->addrs[i];
        }
        b->naddrs = naddrs;
        for (size_t i = 0; i < naddrs; i++)
                b->addrs[i].seq = (uint32_t)i; /* later adds stay "last" */

        struct plan p;
        memset(&p, 0, sizeof p);
        wsbx_buf meta = {0}, traps = {0}, addrs = {0}, names = {0}, data = {0}, symtab = {0},
                 strtab = {0}, shstrtab = {0}, file = {0};
        struct sec *secs = NULL;
        k = make_plan(b, &p, err);
        if (k != WSBX_OK)
                goto out;
        k = write_meta(b, &p, &meta, err);
        if (k != WSBX_OK)
                goto out;
        wsbx_buf_put(&traps, b->traps, sizeof *b->traps * b->ntraps);
        for (size_t i = 0; i < b->naddrs; i++) {
                wsbx_art_addr a = {b->addrs[i].code, b->addrs[i].wasm};
                wsbx_buf_put(&addrs, &a, sizeof a);
        }
        write_names(m, &names);
        write_data(m, &p, &data);
        if (data.len > UINT32_MAX || names.len > UINT32_MAX) {
                k = wsbx_error_set(err, WSBX_ERR_LIMIT, SIZE_MAX, "artifact: data or names exceed 4 GiB");
                goto out;
        }

        wsbx_art_compat compat;
        memset(&compat, 0, sizeof compat);
        memcpy(compat.magic, WSBX_ART_MAGIC, 8);
        compat.abi_version = WSBX_ABI_VERSION;
        compat.settings = b->settings;
        compat.cpu_features = b->cpu_features;
        strncpy(compat.wsbx_version, WSBX_VERSION, sizeof compat.wsbx_version - 1);

        /* Section table: null, .text, fixed sections, images, symbols. */
        uint32_t nimages = 0;
        for (uint32_t i = 0; i < m->nmemories; i++)
                nimages += p.images[i] != NULL;
        size_t nsecs = 1 + 7 + nimages + 3;
        if (nsecs >= SHN_LORESERVE) {
                k = wsbx_error_set(err, WSBX_ERR_LIMIT, SIZE_MAX, "artifact: too many memory images (%u)",
                                   nimages);
                goto out;
        }
        secs = calloc(nsecs, sizeof *secs);
        if (!secs) {
                k = nomem(err);
                goto out;
        }
        enum { S_TEXT = 1, S_COMPAT, S_META, S_TRAPS, S_ADDR, S_NAMES, S_DATA, S_IMG0 };
        size_t s_sym = S_IMG0 + nimages, s_str = s_sym + 1, s_shstr = s_sym + 2;
        write_symbols(b, S_TEXT, &symtab, &strtab);
        secs[S_TEXT] = (struct sec){WSBX_ART_SEC_TEXT, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
                                    WSBX_ART_PAGE, 0, 0, 0, b->text, b->text_len, 0};
        secs[S_COMPAT] = (struct sec){WSBX_ART_SEC_COMPAT, SHT_PROGBITS, 0, 8, sizeof compat, 0, 0,
                                      (const uint8_t *)&compat, sizeof compat, 0};
        secs[S_META] = (struct sec){WSBX_ART_SEC_META, SHT_PROGBITS, 0, 8, 0, 0, 0, meta.data, meta.len, 0};
        secs[S_TRAPS] = (struct sec){WSBX_ART_SEC_TRAPS, SHT_PROGBITS, 0, 8, sizeof(wsbx_art_trap), 0, 0,
                                     traps.data, traps.len, 0};
        secs[S_ADDR] = (struct sec){WSBX_ART_SEC_ADDRMAP, SHT_PROGBITS, 0, 8, sizeof(wsbx_art_addr), 0, 0,
                                    addrs.data, addrs.len, 0};
        secs[S_NAMES] = (struct sec){WSBX_ART_SEC_NAMES, SHT_PROGBITS, 0, 8, 0, 0, 0, names.data, names.len, 0};
        secs[S_DATA] = (struct sec){WSBX_ART_SEC_DATA, SHT_PROGBITS, 0, 8, 0, 0, 0, data.data, data.len, 0};
        size_t si = S_IMG0;
        for (uint32_t i = 0; i < m->nmemories; i++) {
                if (!p.images[i])
                        continue;
                struct sec *s = &secs[si++];
                snprintf(s->name, sizeof s->name, "%s%u", WSBX_ART_SEC_IMAGE_PREFIX, i);
                s->type = SHT_PROGBITS;
                s->align = WSBX_ART_PAGE;
                s->data = p.images[i];
                s->size = p.mems[i].image_size;
        }
        secs[s_sym] = (struct sec){".symtab", SHT_SYMTAB, 0, 8, sizeof(Elf64_Sym), (uint32_t)s_str,
                                   (uint32_t)(symtab.len / sizeof(Elf64_Sym)), symtab.data, symtab.len, 0};
        secs[s_str] = (struct sec){".strtab", SHT_STRTAB, 0, 1, 0, 0, 0, strtab.data, strtab.len, 0};
        secs[s_shstr] = (struct sec){".shstrtab", SHT_STRTAB, 0, 1, 0, 0, 0, NULL, 0, 0};

        uint32_t *name_off = calloc(nsecs, sizeof *name_off);
        if (!name_off) {
                k = nomem(err);
                goto out;
        }
        wsbx_buf_u8(&shstrtab, 0);
        for (size_t i = 1; i < nsecs; i++) {
                name_off[i] = (uint32_t)shstrtab.len;
                wsbx_buf_put(&shstrtab, secs[i].name, strlen(secs[i].name) + 1);
        }
        secs[s_shstr].data = shstrtab.data;
        secs[s_shstr].size = shstrtab.len;

        /* File: header, small sections, then page-aligned .text and images. */
        Elf64_Ehdr eh;
        memset(&eh, 0, sizeof eh);
        wsbx_buf_put(&file, &eh, sizeof eh);
        static const uint8_t order_small[] = {S_COMPAT, S_META, S_TRAPS, S_ADDR, S_NAMES, S_DATA};
        for (size_t i = 0; i < sizeof order_small; i++) {
                struct sec *s = &secs[order_small[i]];
                pad_to(&file, s->align);
                s->offset = file.len;
                wsbx_buf_put(&file, s->data, s->size);
        }
        for (size_t i = s_sym; i <= s_shstr; i++) {
                pad_to(&file, secs[i].align);
                secs[i].offset = file.len;
                wsbx_buf_put(&file, secs[i].data, secs[i].size);
        }
        for (size_t i = S_TEXT; i < s_sym; i++) {
                if (i >= S_COMPAT && i < S_IMG0)
                        continue;
                pad_to(&file, WSBX_ART_PAGE);
                secs[i].offset = file.len;
                wsbx_buf_put(&file, secs[i].data, secs[i].size);
        }
        pad_to(&file, 8);
        uint64_t shoff = file.len;
        Elf64_Shdr sh;
        memset(&sh, 0, sizeof sh);
        wsbx_buf_put(&file, &sh, sizeof sh);
        for (size_t i = 1; i < nsecs; i++) {
                memset(&sh, 0, sizeof sh);
                sh.sh_name = name_off[i];
                sh.sh_type = secs[i].type;
                sh.sh_flags = secs[i].flags;
                sh.sh_offset = secs[i].offset;
                sh.sh_size = secs[i].size;
                sh.sh_link = secs[i].link;
                sh.sh_info = secs[i].info;
                sh.sh_addralign = secs[i].align;
                sh.sh_entsize = secs[i].entsize;
                wsbx_buf_put(&file, &sh, sizeof sh);
        }
        free(name_off);
        if (file.oom || meta.oom || traps.oom || addrs.oom || names.oom || data.oom || symtab.oom ||
            strtab.oom || shstrtab.oom) {
                k = nomem(err);
                goto out;
        }
        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS64;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
        eh.e_type = ET_REL;
        eh.e_machine = EM_X86_64;
        eh.e_version = EV_CURRENT;
        eh.e_shoff = shoff;
        eh.e_ehsize = sizeof(Elf64_Ehdr);
        eh.e_shentsize = sizeof(Elf64_Shdr);
        eh.e_shnum = (uint16_t)nsecs;
        eh.e_shstrndx = (uint16_t)s_shstr;
        memcpy(file.data, &eh, sizeof eh);
        *out = file.data;
        *out_len = file.len;
        file.data = NULL;
out:
        wsbx_buf_free(&file);
        wsbx_buf_free(&meta);
        wsbx_buf_free(&traps);
        wsbx_buf_free(&addrs);
        wsbx_buf_free(&names);
        wsbx_buf_free(&data);
        wsbx_buf_free(&symtab);
        wsbx_buf_free(&strtab);
        wsbx_buf_free(&shstrtab);
        free(secs);
        plan_free(&p, m);
        return k;
}
