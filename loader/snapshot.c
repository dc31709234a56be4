/* snapshot.c - instance snapshots: take, restore (copied or lazy), files.
 *
 * A snapshot holds what an instance's initialization left behind, in terms
 * of the module rather than of addresses, so any later instance of the
 * same artifact can take it on: per defined memory its size and the
 * non-zero 4 KiB pages (page numbers, bytes), per defined table its size
 * and elements as function indices, the defined mutable globals' values
 * (a funcref as a function index), and which data and element segments
 * were dropped. Anything that is not a function of this instance (another
 * instance's funcref, a host function, a non-null externref) has no such
 * name, so take refuses it rather than restore something else.
 *
 * Restore instantiates without the start function, memory images or
 * active segments (wsbx_instantiate_bare), grows memories and tables to
 * the snapshot's sizes and writes globals, tables and drops. Memory pages
 * are copied in; or mapped copy-on-write (WSBX_SNAPSHOT_COW) from a
 * sealed memfd laid out as the memory, made once per snapshot, so a
 * restore is one mmap per memory and instances share the page cache; or,
 * for a lazy restore, left as untouched
 * anonymous pages: the caller registers those ranges with a userfaultfd
 * and serves them from wsbx_snapshot_memory_source(), a flat read-only
 * view in which absent pages are never-touched anonymous pages (the
 * kernel's zero page) and, for a snapshot loaded from a file, present
 * pages are mapped from the file. The loader never touches a lazily
 * restored page itself: the first touch must be the guest's (or the
 * caller's) and go to the userfaultfd.
 *
 * Identity: a snapshot records a 128-bit hash of the artifact's bytes
 * and restore refuses another artifact. The hash is not cryptographic; it
 * catches a snapshot used with the wrong module, not a forged one. A
 * forged snapshot can still only set memory bytes, global values of their
 * declared types and table elements naming the module's own functions
 * (restore checks every index against the module), which a guest could
 * do to itself.
 *
 * The file format is in docs/artifact-format.md ("Snapshot files"); every
 * offset and count is checked on load before anything is used.
 */
#include "loader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#define PAGE WSBX_SNAPSHOT_PAGE
#define NONE WSBX_ART_NONE
#define PAGES_PER_WASM (WSBX_WASM_PAGE / PAGE)

typedef struct snap_mem {
        uint32_t index;      /* module memory index (a defined one) */
        uint32_t pages;      /* size in wasm pages */
        uint32_t npages;     /* non-zero 4 KiB pages */
        uint32_t *page_nums; /* strictly increasing, < pages * 16 */
        uint8_t *data;       /* npages * PAGE bytes */
        uint64_t data_file_off; /* loaded from a file: where data is */
        uint8_t *flat;       /* wsbx_snapshot_memory_source's view, lazily */
        int cow_fd;          /* sealed memfd laid out as the memory, once cow_made */
        bool cow_made;
} snap_mem;

typedef struct snap_table {
        uint32_t index, size;
        uint8_t elem;
        uint32_t *funcs;     /* size entries: function index or NONE (null) */
} snap_table;

typedef struct snap_global {
        uint32_t index;
        uint8_t type;
        wsbx_val_raw val;    /* references: val.i32 is a function index or NONE */
} snap_global;

struct wsbx_snapshot {
        uint64_t ident[2];
        uint32_t nmems, ntables, nglobals, ndatas, nelems;
        snap_mem *mems;
        snap_table *tables;
        snap_global *globals;
        uint8_t *dropped;    /* ndatas + nelems flags, data segments first */
        int fd;              /* loaded: our dup of the file; else -1 */
        uint8_t *map;        /* loaded: the whole file, read-only; arrays point into it */
        size_t map_len;
};



/* --- identity ------------------------------------------------------------ */

static uint64_t rotl(uint64_t x, int r)
{
        return x << r | x >> (64 - r);
}

static uint64_t fmix(uint64_t h)
{
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53ull;
        return h ^ (h >> 33);
}

/* Two multiply-rotate lanes over 8-byte words, the length folded in. */
static void ident_hash(const uint8_t *p, size_t n, uint64_t out[2])
{
        uint64_t a = 0x6a09e667f3bcc908ull ^ n, b = 0xbb67ae8584caa73bull + n;
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
                uint64_t w;
                memcpy(&w, p + i, 8);
                a = rotl(a ^ w, 29) * 0x9e3779b97f4a7c15ull;
                b = (rotl(b, 31) + w) * 0xc2b2ae3d27d4eb4full;
        }
        uint64_t w = 0;
        memcpy(&w, p + i, n - i);
        a = rotl(a ^ w, 29) * 0x9e3779b97f4a7c15ull;
        b = (rotl(b, 31) + w) * 0xc2b2ae3d27d4eb4full;
        out[0] = fmix(a ^ rotl(b, 17));
        out[1] = fmix(b ^ rotl(a, 41));
}

static const uint64_t *loaded_ident(wsbx_loaded *l)
{
        if (!l->ident_done) {
                ident_hash(l->map, l->map_len, l->ident);
                l->ident_done = true;
        }
        return l->ident;
}

/* --- take ---------------------------------------------------------------- */

void wsbx_snapshot_delete(wsbx_snapshot *snap)
{
        if (!snap)
                return;
        for (uint32_t i = 0; i < snap->nmems; i++) {
                snap_mem *m = &snap->mems[i];
                if (m->flat)
                        munmap(m->flat, (size_t)m->pages * WSBX_WASM_PAGE);
                if (m->cow_made)
                        close(m->cow_fd);
                if (!snap->map) {
                        free(m->page_nums);
                        free(m->data);
                }
        }
        if (!snap->map)
                for (uint32_t i = 0; i < snap->ntables; i++)
                        free(snap->tables[i].funcs);
        free(snap->mems);
        free(snap->tables);
        free(snap->globals);
        free(snap->dropped);
        if (snap->map)
                munmap(snap->map, snap->map_len);
        if (snap->fd >= 0)
                close(snap->fd);
        free(snap);
}

static bool page_zero(const uint8_t *p)
{
        const uint64_t *w = (const uint64_t *)(const void *)p;
        uint64_t acc = 0;
        for (size_t i = 0; i < PAGE / 8; i++)
                acc |= w[i];
        return acc == 0;
}

static int take_memory(snap_mem *sm, uint32_t index, wsbx_memory *mem, wsbx_lerr *err)
{
        const uint8_t *base = wsbx_memory_def_of(mem)->base;
        uint32_t pages = wsbx_memory_pages(mem);
        uint64_t total = (uint64_t)pages * PAGES_PER_WASM, n = 0;
        sm->index = index;
        sm->pages = pages;
        for (uint64_t p = 0; p < total; p++)
                n += !page_zero(base + p * PAGE);
        sm->npages = (uint32_t)n;
        sm->page_nums = malloc(sizeof *sm->page_nums * (n ? n : 1));
        sm->data = n ? aligned_alloc(PAGE, n * PAGE) : NULL;
        if (!sm->page_nums || (n && !sm->data))
                return wsbx_lerr_set(err, -ENOMEM, "snapshot: out of memory for %llu pages of memory %u",
                            (unsigned long long)n, index);
        uint64_t k = 0;
        for (uint64_t p = 0; p < total && k < n; p++) {
                if (page_zero(base + p * PAGE))
                        continue;
                sm->page_nums[k] = (uint32_t)p;
                memcpy(sm->data + k * PAGE, base + p * PAGE, PAGE);
                k++;
        }
        return 0;
}

/* A reference as a function index of in: NONE for null, false when it
 * is not one of in's function records. */
static bool ref_to_func(const wsbx_instance *in, const void *ref, uint32_t *f)
{
        if (!ref) {
                *f = NONE;
                return true;
        }
        uintptr_t r = (uintptr_t)ref, lo = (uintptr_t)wsbx_inst_funcref(in, 0);
        uint32_t nf = in->mod->art.nfuncs;
        if (r < lo || (r - lo) % sizeof(wsbx_funcref) || (r - lo) / sizeof(wsbx_funcref) >= nf)
                return false;
        *f = (uint32_t)((r - lo) / sizeof(wsbx_funcref));
        return true;
}

int wsbx_snapshot_take(wsbx_instance *in, wsbx_snapshot **out, wsbx_lerr *err)
{
        const wsbx_artifact *a = &in->mod->art;
        *out = NULL;
        if (err)
                err->msg[0] = 0;
        wsbx_snapshot *snap = calloc(1, sizeof *snap);
        if (!snap)
                return wsbx_lerr_set(err, -ENOMEM, "snapshot: out of memory");
        snap->fd = -1;
        memcpy(snap->ident, loaded_ident(in->mod), sizeof snap->ident);
        snap->nmems = a->nmemories - a->nimported_memories;
        snap->ntables = a->ntables - a->nimported_tables;
        uint32_t nmut = 0;
        for (uint32_t i = a->nimported_globals; i < a->nglobals; i++)
                nmut += !!(a->globals[i].flags & WSBX_ART_F_MUT);
        snap->ndatas = a->ndatas;
        snap->nelems = a->nelems;
        snap->mems = calloc(snap->nmems + 1, sizeof *snap->mems);
        snap->tables = calloc(snap->ntables + 1, sizeof *snap->tables);
        snap->globals = calloc(nmut + 1, sizeof *snap->globals);
        snap->dropped = calloc(snap->ndatas + snap->nelems + 1, 1);
        int rc = 0;
        if (!snap->mems || !snap->tables || !snap->globals || !snap->dropped) {
                rc = wsbx_lerr_set(err, -ENOMEM, "snapshot: out of memory");
                goto out;
        }
        for (uint32_t i = 0; i < snap->nmems; i++) {
                uint32_t idx = a->nimported_memories + i;
                if ((rc = take_memory(&snap->mems[i], idx, in->memories[idx]->mem, err)) < 0) {
                        snap->nmems = i + 1;
                        goto out;
                }
        }
        for (uint32_t i = 0; i < snap->ntables; i++) {
                uint32_t idx = a->nimported_tables + i;
                wsbx_table_inst *t = in->tables[idx];
                snap_table *st = &snap->tables[i];
                st->index = idx;
                st->elem = t->elem;
                st->size = (uint32_t)t->def.size;
                st->funcs = malloc(sizeof *st->funcs * (st->size ? st->size : 1));
                if (!st->funcs) {
                        snap->ntables = i + 1;
                        rc = wsbx_lerr_set(err, -ENOMEM, "snapshot: out of memory");
                        goto out;
                }
                for (uint32_t k = 0; k < st->size; k++) {
                        void *v = wsbx_table_elem_load(t, k);
                        if (t->elem == WSBX_ART_EXTERNREF && v) {
                                snap->ntables = i + 1;
                                rc = wsbx_lerr_set(err, -ENOTSUP,
                                          "snapshot: table %u element %u: a non-null externref cannot be saved",
                                          idx, k);
                                goto out;
                        }
                        if (!ref_to_func(in, v, &st->funcs[k])) {
                                snap->ntables = i + 1;
                                rc = wsbx_lerr_set(err, -ENOTSUP,
                                          "snapshot: table %u element %u: a function of another instance "
                                          "cannot be saved", idx, k);
                                goto out;
                        }
                }
        }
        for (uint32_t i = a->nimported_globals; i < a->nglobals; i++) {
                const wsbx_art_global *ag = &a->globals[i];
                if (!(ag->flags & WSBX_ART_F_MUT))
                        continue;
                snap_global *g = &snap->globals[snap->nglobals++];
                g->index = i;
                g->type = ag->type;
                const wsbx_val_raw *cell = in->globals[i]->cell;
                if (ag->type == WSBX_ART_EXTERNREF) {
                        if (cell->ref)
                                rc = wsbx_lerr_set(err, -ENOTSUP,
                                          "snapshot: global %u: a non-null externref cannot be saved", i);
                        g->val.i32 = NONE;
                } else if (ag->type == WSBX_ART_FUNCREF) {
                        if (!ref_to_func(in, cell->ref, &g->val.i32))
                                rc = wsbx_lerr_set(err, -ENOTSUP,
                                          "snapshot: global %u: a function of another instance cannot be saved",
                                          i);
                } else {
                        g->val = *cell;
                }
                if (rc < 0)
                        goto out;
        }
        const uint32_t *ds = wsbx_inst_data_sizes(in), *es = wsbx_inst_elem_sizes(in);
        for (uint32_t i = 0; i < a->ndatas; i++)
                snap->dropped[i] = ds[i] == 0 && a->datas[i].size != 0;
        for (uint32_t i = 0; i < a->nelems; i++)
                snap->dropped[a->ndatas + i] = es[i] == 0 && in->elem_refs[i] == NULL;
out:
        if (rc < 0) {
                wsbx_snapshot_delete(snap);
                return rc;
        }
        *out = snap;
        return 0;
}

/* --- accessors ----------------------------------------------------------- */

uint32_t wsbx_snapshot_nmemories(const wsbx_snapshot *snap)
{
        return snap->nmems;
}

uint32_t wsbx_snapshot_memory_index(const wsbx_snapshot *snap, uint32_t i)
{
        return i < snap->nmems ? snap->mems[i].index : NONE;
}

uint32_t wsbx_snapshot_memory_pages(const wsbx_snapshot *snap, uint32_t i)
{
        return i < snap->nmems ? snap->mems[i].pages : 0;
}

uint64_t wsbx_snapshot_memory_data_pages(const wsbx_snapshot *snap, uint32_t i)
{
        return i < snap->nmems ? snap->mems[i].npages : 0;
}

int wsbx_snapshot_memory_source(wsbx_snapshot *snap, uint32_t i, const uint8_t **src, size_t *len)
{
        *src = NULL;
        *len = 0;
        if (i >= snap->nmems)
                return -EINVAL;
        snap_mem *m = &snap->mems[i];
        size_t bytes = (size_t)m->pages * WSBX_WASM_PAGE;
        if (!bytes)
                return 0;
        if (!m->flat) {
                uint8_t *f = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
                if (f == MAP_FAILED)
                        return -errno;
                /* Runs of consecutive pages: mapped from the file when
                 * there is one, copied otherwise. */
                for (uint32_t k = 0; k < m->npages;) {
                        uint32_t e = k + 1;
                        while (e < m->npages && m->page_nums[e] == m->page_nums[e - 1] + 1)
                                e++;
                        uint8_t *at = f + (uint64_t)m->page_nums[k] * PAGE;
                        size_t n = (size_t)(e - k) * PAGE;
                        if (snap->fd >= 0) {
                                void *p = mmap(at, n, PROT_READ, MAP_PRIVATE | MAP_FIXED, snap->fd,
                                               (off_t)(m->data_file_off + (uint64_t)k * PAGE));
                                if (p == MAP_FAILED) {
                                        int e2 = -errno;
                                        munmap(f, bytes);
                                        return e2;
                                }
                        } else {
                                memcpy(at, m->data + (uint64_t)k * PAGE, n);
                        }
                        k = e;
                }
                if (mprotect(f, bytes, PROT_READ) != 0) {
                        int e = -errno;
                        munmap(f, bytes);
                        return e;
                }
                m->flat = f;
        }
        *src = m->flat;
        *len = bytes;
        return 0;
}

/* The copy-on-write source of memory m: a sealed memfd as large as the
 * memory holding its non-zero pages at their offsets (the rest are
 * holes), made on first use. Returns the fd (owned by the snapshot) or
 * -errno. */
static int cow_fd(snap_mem *m)
{
        if (m->cow_made)
                return m->cow_fd;
        int fd = memfd_create("wsbx-snapshot", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return -errno;
        int rc = ftruncate(fd, (off_t)((uint64_t)m->pages * WSBX_WASM_PAGE)) == 0 ? 0 : -errno;
        for (uint32_t k = 0; rc == 0 && k < m->npages;) {
                uint32_t e = k + 1;
                while (e < m->npages && m->page_nums[e] == m->page_nums[e - 1] + 1)
                        e++;
                rc = wsbx_pwrite_all(fd, m->data + (uint64_t)k * PAGE, (size_t)(e - k) * PAGE,
                                     (uint64_t)m->page_nums[k] * PAGE);
                k = e;
        }
        if (rc == 0 && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
                rc = -errno;
        if (rc < 0) {
                close(fd);
                return rc;
        }
        m->cow_fd = fd;
        m->cow_made = true;
        return fd;
}

/* --- restore ------------------------------------------------------------- */

/* Whether snap fits l's shapes; err says the first thing that does not. */
static int check_fit(const wsbx_snapshot *snap, const wsbx_artifact *a, wsbx_lerr *err)
{
        if (snap->nmems != a->nmemories - a->nimported_memories ||
            snap->ntables != a->ntables - a->nimported_tables || snap->ndatas != a->ndatas ||
            snap->nelems != a->nelems)
                return wsbx_lerr_set(err, -EINVAL, "snapshot: memories, tables or segments do not match the module");
        for (uint32_t i = 0; i < snap->nmems; i++) {
                const snap_mem *m = &snap->mems[i];
                const wsbx_art_memory *am = &a->memories[a->nimported_memories + i];
                uint64_t max = am->flags & WSBX_ART_F_HAS_MAX ? am->max : WSBX_WASM_MAX_PAGES;
                if (m->index != a->nimported_memories + i || m->pages < am->min || m->pages > max)
                        return wsbx_lerr_set(err, -EINVAL, "snapshot: memory %u: %u pages do not fit the module's limits",
                                    m->index, m->pages);
        }
        for (uint32_t i = 0; i < snap->ntables; i++) {
                const snap_table *t = &snap->tables[i];
                const wsbx_art_table *at = &a->tables[a->nimported_tables + i];
                uint64_t max = at->flags & WSBX_ART_F_HAS_MAX ? at->max : UINT32_MAX;
                if (t->index != a->nimported_tables + i || t->elem != at->elem || t->size < at->min ||
                    t->size > max)
                        return wsbx_lerr_set(err, -EINVAL, "snapshot: table %u does not fit the module's table",
                                    t->index);
                for (uint32_t k = 0; k < t->size; k++)
                        if (t->funcs[k] != NONE && (t->elem != WSBX_ART_FUNCREF || t->funcs[k] >= a->nfuncs))
                                return wsbx_lerr_set(err, -EINVAL, "snapshot: table %u element %u: no function %u",
                                            t->index, k, t->funcs[k]);
        }
        for (uint32_t i = 0; i < snap->nglobals; i++) {
                const snap_global *g = &snap->globals[i];
                if (g->index < a->nimported_globals || g->index >= a->nglobals ||
                    !(a->globals[g->index].flags & WSBX_ART_F_MUT) || a->globals[g->index].type != g->type)
                        return wsbx_lerr_set(err, -EINVAL, "snapshot: global %u does not match the module's", g->index);
                bool ref = g->type == WSBX_ART_FUNCREF || g->type == WSBX_ART_EXTERNREF;
                if (ref && g->val.i32 != NONE && (g->type == WSBX_ART_EXTERNREF || g->val.i32 >= a->nfuncs))
                        return wsbx_lerr_set(err, -EINVAL, "snapshot: global %u: no function %u", g->index, g->val.i32);
        }
        return 0;
}

int wsbx_snapshot_restore(wsbx_store *s, wsbx_loaded *l, wsbx_snapshot *snap,
                          const wsbx_extern *imports, uint32_t nimports, uint32_t flags,
                          wsbx_snapshot_range *ranges, wsbx_instance **out, wsbx_lerr *err)
{
        const wsbx_artifact *a = &l->art;
        *out = NULL;
        if (err)
                err->msg[0] = 0;
        if ((flags & ~(WSBX_SNAPSHOT_LAZY | WSBX_SNAPSHOT_COW | WSBX_SNAPSHOT_PIN)) ||
            ((flags & WSBX_SNAPSHOT_PIN) && !(flags & WSBX_SNAPSHOT_LAZY)) ||
            (flags & (WSBX_SNAPSHOT_LAZY | WSBX_SNAPSHOT_COW)) == (WSBX_SNAPSHOT_LAZY | WSBX_SNAPSHOT_COW) ||
            ((flags & WSBX_SNAPSHOT_LAZY) && snap->nmems && !ranges))
                return wsbx_lerr_set(err, -EINVAL, "snapshot: bad restore flags");
        if (memcmp(snap->ident, loaded_ident(l), sizeof snap->ident) != 0)
                return wsbx_lerr_set(err, -ESTALE, "snapshot of another module (identity hash differs)");
        int rc = check_fit(snap, a, err);
        if (rc < 0)
                return rc;
        wsbx_instance *in;
        if ((rc = wsbx_instantiate_bare(s, l, imports, nimports, &in, err)) < 0)
                return rc;
        /* The instance is in the store from here on; on failure it stays
         * there unused, as one whose instantiation trapped. */
        for (uint32_t i = 0; i < snap->nmems; i++) {
                snap_mem *m = &snap->mems[i];
                wsbx_memory_inst *mi = in->memories[m->index];
                uint32_t have = wsbx_memory_pages(mi->mem);
                if (m->pages > have && wsbx_memory_inst_grow(mi, m->pages - have) < 0)
                        return wsbx_lerr_set(err, -ENOMEM, "snapshot: memory %u cannot grow to %u pages", m->index,
                                    m->pages);
                uint8_t *base = wsbx_memory_def_of(mi->mem)->base;
                if (flags & WSBX_SNAPSHOT_LAZY) {
                        ranges[i].base = base;
                        ranges[i].len = (size_t)m->pages * WSBX_WASM_PAGE;
                        ranges[i].reach = flags & WSBX_SNAPSHOT_PIN ? (size_t)wsbx_memory_pin(mi->mem)
                                                                    : ranges[i].len;
                        continue;
                }
                if ((flags & WSBX_SNAPSHOT_COW) && m->pages) {
                        /* Over the read/write part of the reservation, as
                         * memory.c maps an image; the memory's grow and
                         * guards work on the rest as before. */
                        int fd = cow_fd(m);
                        if (fd < 0 || mmap(base, (size_t)m->pages * WSBX_WASM_PAGE, PROT_READ | PROT_WRITE,
                                           MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED)
                                return wsbx_lerr_set(err, fd < 0 ? fd : -errno, "snapshot: memory %u: mapping its pages: %s",
                                            m->index, strerror(fd < 0 ? -fd : errno));
                        continue;
                }
                for (uint32_t k = 0; k < m->npages;) {
                        uint32_t e = k + 1;
                        while (e < m->npages && m->page_nums[e] == m->page_nums[e - 1] + 1)
                                e++;
                        memcpy(base + (uint64_t)m->page_nums[k] * PAGE, m->data + (uint64_t)k * PAGE,
                               (size_t)(e - k) * PAGE);
                        k = e;
                }
        }
        for (uint32_t i = 0; i < snap->ntables; i++) {
                const snap_table *st = &snap->tables[i];
                wsbx_table_inst *t = in->tables[st->index];
                if (st->size > t->def.size && wsbx_table_inst_grow(t, st->size - (uint32_t)t->def.size, NULL) < 0)
                        return wsbx_lerr_set(err, -E2BIG, "snapshot: table %u cannot grow to %u elements", st->index,
                                    st->size);
                for (uint32_t k = 0; k < st->size; k++)
                        wsbx_table_inst_set(t, k, st->funcs[k] == NONE ? NULL : wsbx_inst_funcref(in, st->funcs[k]));
        }
        for (uint32_t i = 0; i < snap->nglobals; i++) {
                const snap_global *g = &snap->globals[i];
                wsbx_val_raw *cell = in->globals[g->index]->cell;
                if (g->type == WSBX_ART_FUNCREF || g->type == WSBX_ART_EXTERNREF) {
                        memset(cell, 0, sizeof *cell);
                        if (g->val.i32 != NONE)
                                cell->ref = wsbx_inst_funcref(in, g->val.i32);
                } else {
                        *cell = g->val;
                }
        }
        for (uint32_t i = 0; i < snap->ndatas; i++)
                if (snap->dropped[i])
                        wsbx_inst_data_drop(in, i);
        for (uint32_t i = 0; i < snap->nelems; i++)
                if (snap->dropped[snap->ndatas + i])
                        wsbx_inst_elem_drop(in, i);
        *out = in;
        return 0;
}

/* --- files --------------------------------------------------------------- */

#define SNAP_MAGIC "wsbxsnap"
#define SNAP_VERSION 1u
#define HDR_SIZE 64u
#define MEM_REC 32u
#define TAB_REC 24u
#define GLO_REC 32u
/* No count may pass this (keeps every product far inside 64 bits). */
#define COUNT_CAP (1u << 24)

static void put32(uint8_t *p, uint32_t v)
{
        memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
        memcpy(p, &v, 8);
}

static uint32_t get32(const uint8_t *p)
{
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
}

static uint64_t get64(const uint8_t *p)
{
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
}

static uint64_t align_up(uint64_t x, uint64_t to)
{
        return (x + to - 1) / to * to;
}


int wsbx_snapshot_save(const wsbx_snapshot *snap, int fd, wsbx_lerr *err)
{
        /* Layout: header, records, drop flags, 4-aligned arrays (page
         * numbers, table elements), then page data, page-aligned. */
        uint64_t meta = HDR_SIZE + (uint64_t)snap->nmems * MEM_REC + (uint64_t)snap->ntables * TAB_REC +
                        (uint64_t)snap->nglobals * GLO_REC + snap->ndatas + snap->nelems;
        uint64_t arrays = align_up(meta, 4), off = arrays;
        for (uint32_t i = 0; i < snap->nmems; i++)
                off += 4ull * snap->mems[i].npages;
        for (uint32_t i = 0; i < snap->ntables; i++)
                off += 4ull * snap->tables[i].size;
        uint64_t data = align_up(off, PAGE), end = data;
        for (uint32_t i = 0; i < snap->nmems; i++)
                end += (uint64_t)snap->mems[i].npages * PAGE;

        uint8_t *head = calloc(1, data);
        if (!head)
                return wsbx_lerr_set(err, -ENOMEM, "snapshot: out of memory");
        memcpy(head, SNAP_MAGIC, 8);
        put32(head + 8, SNAP_VERSION);
        put32(head + 12, PAGE);
        put64(head + 16, snap->ident[0]);
        put64(head + 24, snap->ident[1]);
        put64(head + 32, end);
        put32(head + 40, snap->nmems);
        put32(head + 44, snap->ntables);
        put32(head + 48, snap->nglobals);
        put32(head + 52, snap->ndatas);
        put32(head + 56, snap->nelems);
        uint8_t *r = head + HDR_SIZE;
        uint64_t arr = arrays, dat = data;
        for (uint32_t i = 0; i < snap->nmems; i++, r += MEM_REC) {
                const snap_mem *m = &snap->mems[i];
                put32(r, m->index);
                put32(r + 4, m->pages);
                put32(r + 8, m->npages);
                put64(r + 16, arr);
                put64(r + 24, dat);
                memcpy(head + arr, m->page_nums, 4ull * m->npages);
                arr += 4ull * m->npages;
                dat += (uint64_t)m->npages * PAGE;
        }
        for (uint32_t i = 0; i < snap->ntables; i++, r += TAB_REC) {
                const snap_table *t = &snap->tables[i];
                put32(r, t->index);
                put32(r + 4, t->size);
                r[8] = t->elem;
                put64(r + 16, arr);
                memcpy(head + arr, t->funcs, 4ull * t->size);
                arr += 4ull * t->size;
        }
        for (uint32_t i = 0; i < snap->nglobals; i++, r += GLO_REC) {
                const snap_global *g = &snap->globals[i];
                put32(r, g->index);
                r[4] = g->type;
                memcpy(r + 16, &g->val, 16);
        }
        memcpy(r, snap->dropped, snap->ndatas + snap->nelems);
        int rc = ftruncate(fd, 0) == 0 ? 0 : -errno;
        if (rc == 0)
                rc = wsbx_pwrite_all(fd, head, data, 0);
        free(head);
        dat = data;
        for (uint32_t i = 0; i < snap->nmems && rc == 0; i++) {
                const snap_mem *m = &snap->mems[i];
                rc = wsbx_pwrite_all(fd, m->data, (size_t)m->npages * PAGE, dat);
                dat += (uint64_t)m->npages * PAGE;
        }
        if (rc < 0)
                return wsbx_lerr_set(err, rc, "snapshot: writing: %s", strerror(-rc));
        return 0;
}

/* [off, off + len) inside a file of size bytes. */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
        return off <= size && len <= size - off;
}

int wsbx_snapshot_load(int fd, wsbx_snapshot **out, wsbx_lerr *err)
{
        struct stat st;
        *out = NULL;
        if (err)
                err->msg[0] = 0;
        if (fstat(fd, &st) != 0)
                return wsbx_lerr_set(err, -errno, "snapshot: %s", strerror(errno));
        if (!S_ISREG(st.st_mode))
                return wsbx_lerr_set(err, -EINVAL, "snapshot: not a regular file");
        uint64_t size = (uint64_t)st.st_size;
        if (size < HDR_SIZE)
                return wsbx_lerr_set(err, -ENOEXEC, "snapshot: file too short for a header (%llu bytes)",
                            (unsigned long long)size);
        wsbx_snapshot *snap = calloc(1, sizeof *snap);
        if (!snap)
                return wsbx_lerr_set(err, -ENOMEM, "snapshot: out of memory");
        snap->fd = -1;
        int rc = 0;
        uint8_t *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
                rc = wsbx_lerr_set(err, -errno, "snapshot: mapping the file: %s", strerror(errno));
                free(snap);
                return rc;
        }
        snap->map = map;
        snap->map_len = size;
        if (memcmp(map, SNAP_MAGIC, 8) != 0) {
                rc = wsbx_lerr_set(err, -ENOEXEC, "snapshot: bad magic (not a wsbx snapshot)");
                goto out;
        }
        if (get32(map + 8) != SNAP_VERSION) {
                rc = wsbx_lerr_set(err, -ENOEXEC, "snapshot: version %u, this wsbx reads version %u", get32(map + 8),
                          SNAP_VERSION);
                goto out;
        }
        if (get32(map + 12) != PAGE) {
                rc = wsbx_lerr_set(err, -EINVAL, "snapshot: page size %u, expected %u", get32(map + 12), PAGE);
                goto out;
        }
        if (get64(map + 32) != size) {
                rc = wsbx_lerr_set(err, -EINVAL, "snapshot: header says %llu bytes, the file has %llu (truncated?)",
                          (unsigned long long)get64(map + 32), (unsigned long long)size);
                goto out;
        }
        snap->ident[0] = get64(map + 16);
        snap->ident[1] = get64(map + 24);
        uint32_t nm = get32(map + 40), nt = get32(map + 44), ng = get32(map + 48), nd = get32(map + 52),
                 ne = get32(map + 56);
        if (nm > COUNT_CAP || nt > COUNT_CAP || ng > COUNT_CAP || nd > COUNT_CAP || ne > COUNT_CAP ||
            get32(map + 60) != 0) {
                rc = wsbx_lerr_set(err, -EINVAL, "snapshot: header counts out of range");
                goto out;
        }
        uint64_t recs = HDR_SIZE + (uint64_t)nm * MEM_REC + (uint64_t)nt * TAB_REC + (uint64_t)ng * GLO_REC;
        if (!in_file(recs, (uint64_t)nd + ne, size)) {
                rc = wsbx_lerr_set(err, -EINVAL, "snapshot: records run past the end of the file");
                goto out;
        }
        snap->mems = calloc(nm + 1, sizeof *snap->mems);
        snap->tables = calloc(nt + 1, sizeof *snap->tables);
        snap->globals = calloc(ng + 1, sizeof *snap->globals);
        snap->dropped = malloc((uint64_t)nd + ne + 1);
        if (!snap->mems || !snap->tables || !snap->globals || !snap->dropped) {
                rc = wsbx_lerr_set(err, -ENOMEM, "snapshot: out of memory");
                goto out;
        }
        snap->nmems = nm;
        snap->ntables = nt;
        snap->nglobals = ng;
        snap->ndatas = nd;
        snap->nelems = ne;
        const uint8_t *r = map + HDR_SIZE;
        for (uint32_t i = 0; i < nm; i++, r += MEM_REC) {
                snap_mem *m = &snap->mems[i];
                m->index = get32(r);
                m->pages = get32(r + 4);
                m->npages = get32(r + 8);
                uint64_t po = get64(r + 16), dof = get64(r + 24);
                uint64_t total = (uint64_t)m->pages * PAGES_PER_WASM;
                if (get32(r + 12) != 0 || (i && m->index <= snap->mems[i - 1].index)) {
                        rc = wsbx_lerr_set(err, -EINVAL, "snapshot: memory record %u: bad index or reserved field", i);
                        goto out;
                }
                if (m->pages > WSBX_WASM_MAX_PAGES || m->npages > total) {
                        rc = wsbx_lerr_set(err, -EINVAL, "snapshot: memory record %u: %u pages of data in %u wasm pages",
                                  i, m->npages, m->pages);
                        goto out;
                }
                if (po % 4 || !in_file(po, 4ull * m->npages, size)) {
                        rc = wsbx_lerr_set(err, -EINVAL, "snapshot: memory record %u: page list outside the file", i);
                        goto out;
                }
                if (dof % PAGE || !in_file(dof, (uint64_t)m->npages * PAGE, size)) {
                        rc = wsbx_lerr_set(err, -EINVAL,
                                  "snapshot: memory record %u: page data outside the file or not page-aligned", i);
                        goto out;
                }
                m->page_nums = (uint32_t *)(void *)(map + po);
                m->data = map + dof;
                m->data_file_off = dof;
                for (uint32_t k = 0; k < m->npages; k++)
                        if (m->page_nums[k] >= total || (k && m->page_nums[k] <= m->page_nums[k - 1])) {
                                rc = wsbx_lerr_set(err, -EINVAL,
                                          "snapshot: memory record %u: page list entry %u out of order or range",
                                          i, k);
                                goto out;
                        }
        }
        for (uint32_t i = 0; i < nt; i++, r += TAB_REC) {
                snap_table *t = &snap->tables[i];
                t->index = get32(r);
                t->size = get32(r + 4);
                t->elem = r[8];
                uint64_t fo = get64(r + 16);
                if ((t->elem != WSBX_ART_FUNCREF && t->elem != WSBX_ART_EXTERNREF) ||
                    (i && t->index <= snap->tables[i - 1].index)) {
                        rc = wsbx_lerr_set(err, -EINVAL, "snapshot: table record %u: bad element type or index", i);
                        goto out;
                }
                if (fo % 4 || !in_file(fo, 4ull * t->size, size)) {
                        rc = wsbx_lerr_set(err, -EINVAL, "snapshot: table record %u: elements outside the file", i);
                        goto out;
                }
                t->funcs = (uint32_t *)(void *)(map + fo);
                if (t->elem == WSBX_ART_EXTERNREF)
                        for (uint32_t k = 0; k < t->size; k++)
                                if (t->funcs[k] != NONE) {
                                        rc = wsbx_lerr_set(err, -EINVAL,
                                                  "snapshot: table record %u: externref element %u not null", i, k);
                                        goto out;
                                }
        }
        for (uint32_t i = 0; i < ng; i++, r += GLO_REC) {
                snap_global *g = &snap->globals[i];
                g->index = get32(r);
                g->type = r[4];
                memcpy(&g->val, r + 16, 16);
                bool ok = g->type == WSBX_ART_I32 || g->type == WSBX_ART_I64 || g->type == WSBX_ART_F32 ||
                          g->type == WSBX_ART_F64 || g->type == WSBX_ART_V128 || g->type == WSBX_ART_FUNCREF ||
                          g->type == WSBX_ART_EXTERNREF;
                if (!ok || (i && g->index <= snap->globals[i - 1].index) ||
                    (g->type == WSBX_ART_EXTERNREF && g->val.i32 != NONE)) {
                        rc = wsbx_lerr_set(err, -EINVAL, "snapshot: global record %u: bad type, index or value", i);
                        goto out;
                }
        }
        for (uint64_t i = 0; i < (uint64_t)nd + ne; i++) {
                if (r[i] > 1) {
                        rc = wsbx_lerr_set(err, -EINVAL, "snapshot: segment flag %llu is neither 0 nor 1",
                                  (unsigned long long)i);
                        goto out;
                }
                snap->dropped[i] = r[i];
        }
        snap->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (snap->fd < 0)
                rc = wsbx_lerr_set(err, -errno, "snapshot: %s", strerror(errno));
out:
        if (rc < 0) {
                /* Nothing points outside the map yet: the arrays are its. */
                wsbx_snapshot_delete(snap);
                return rc;
        }
        *out = snap;
        return 0;
}
