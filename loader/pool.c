/* pool.c - instance pooling: released instances kept as slots for reuse.
 *
 * A pooled store keeps up to cfg.pool_instances released instances. Each
 * keeps what is expensive to make: its vmctx with the funcrefs filled in,
 * its memories' reservations ([guard | 4 GiB | guard] under the static
 * plan) with their copy-on-write image mappings, its table arrays. Release
 * resets the memories at once, restoring only the pages the guest wrote
 * (PAGEMAP_SCAN), so the work is proportional to what the instance
 * touched and the next instantiation does not pay for it; instantiation
 * then redoes only what the spec says instantiation does (globals,
 * tables, segments, start function), in wsbx_instance_reinit.
 *
 * A parked instance is matched by loaded module and by its exact imports:
 * its vmctx holds the imported funcrefs, memories, tables and globals, so
 * another set of imports needs another instance. Reuse is last in, first
 * out, which favours slots whose pages are still resident and cached.
 *
 * The surprise: the parked instance stays on the store's instance list
 * the whole time (nothing may free it while its funcrefs might still be
 * stored in some table), so the pool only ever holds pointers.
 */
#include "loader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Mappings one slot may use: per memory the reservation split by the
 * read/write range, the image and its tail (about 4), the vmctx and
 * tables on the heap, and headroom. */
#define MAPS_PER_SLOT 8u
/* Address space one slot takes: 4 GiB + 2 GiB guard + a little. */
#define SLOT_BYTES (6ull << 30)
/* The x86-64 user address space (47 bits); the pool may take half. */
#define USER_SPACE (1ull << 47)

static long read_max_map_count(void)
{
        FILE *f = fopen("/proc/sys/vm/max_map_count", "re");
        long v = -1;
        if (!f)
                return -1;
        if (fscanf(f, "%ld", &v) != 1)
                v = -1;
        fclose(f);
        return v;
}

int wsbx_pool_check(const wsbx_store_config *cfg, wsbx_lerr *err)
{
        uint64_t n = cfg->pool_instances;
        if (!n)
                return 0;
        if (n * SLOT_BYTES > USER_SPACE / 2) {
                if (err)
                        snprintf(err->msg, sizeof err->msg,
                                 "pool of %llu instances needs more address space than the user half allows",
                                 (unsigned long long)n);
                return -E2BIG;
        }
        long mc = read_max_map_count();
        /* Leave half of the map count to everything else in the process. */
        if (mc > 0 && n * MAPS_PER_SLOT > (uint64_t)mc / 2) {
                if (err)
                        snprintf(err->msg, sizeof err->msg,
                                 "pool of %llu instances needs about %llu mappings; vm.max_map_count is %ld",
                                 (unsigned long long)n, (unsigned long long)(n * MAPS_PER_SLOT), mc);
                return -E2BIG;
        }
        return 0;
}

wsbx_instance *wsbx_pool_take(wsbx_store *s, wsbx_loaded *l, const wsbx_extern *imports,
                              uint32_t nimports)
{
        for (uint32_t i = s->pool_n; i-- > 0;) {
                wsbx_instance *in = s->pool[i];
                if (in->mod != l || in->nimports != nimports ||
                    (nimports && memcmp(in->imports, imports, sizeof *imports * nimports) != 0))
                        continue;
                s->pool[i] = s->pool[--s->pool_n];
                in->parked = false;
                s->pool_stats.reused++;
                return in;
        }
        return NULL;
}

int wsbx_instance_release(wsbx_instance *in)
{
        wsbx_store *s = in->store;
        const wsbx_artifact *a = &in->mod->art;
        if (!s->pool || in->parked || !in->ready || s->pool_n >= s->cfg.pool_instances)
                return 1;
        for (uint32_t i = a->nimported_memories; i < a->nmemories; i++) {
                wsbx_memory_inst *mi = in->memories[i];
                uint8_t *before = wsbx_memory_def_of(mi->mem)->base;
                wsbx_memory_reset_stats st;
                int rc = wsbx_memory_reset_dirty(mi->mem, s->cfg.pool_keep_resident, &st);
                if (rc < 0) {
                        in->ready = false; /* half reset: never reuse it */
                        return rc;
                }
                if (wsbx_memory_def_of(mi->mem)->base != before)
                        wsbx_store_memory_moved(s, mi);
                s->pool_stats.dirty_pages += st.dirty_pages;
                s->pool_stats.restored_pages += st.restored_pages;
                s->pool_stats.dropped_pages += st.dropped_pages;
                s->pool_stats.whole_resets += st.whole;
        }
        in->ready = false;
        in->parked = true;
        s->pool[s->pool_n++] = in;
        s->pool_stats.released++;
        return 0;
}

void wsbx_store_pool_stats(const wsbx_store *s, wsbx_pool_stats *out)
{
        *out = s->pool_stats;
}
