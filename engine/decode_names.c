/* decode_names.c - names in the binary format: export names must be
 * unique, and the "name" custom section gives modules and functions names.
 *
 * Duplicate export names are found by hashing, in export order, so the
 * first repeat found is the one the reference interpreter reports. Names
 * are chosen by the input, so the probes are budgeted: past the budget a
 * sort takes over and the check stays O(n log n) whatever the names.
 *
 * The "name" section is parsed after everything else and only leniently:
 * the spec does not validate custom sections, so a malformed name section
 * is ignored (the module simply has no names), never an error. Only the
 * module name and function names are kept; local names and later
 * subsections are skipped.
 *
 * Invariants: names point into the module's own copy of its bytes; nothing
 * is copied. The hash table is the only allocation outside the module's
 * arena and is freed before returning.
 */
#include "internal.h"

#include <stdlib.h>

/* ------------------------------------------------------------------------ */
/* Export names                                                             */
/* ------------------------------------------------------------------------ */

static int cmp_export(const void *pa, const void *pb)
{
        const wsbx_dec_export_key *a = pa, *b = pb;
        uint32_t n = a->name.len < b->name.len ? a->name.len : b->name.len;
        int c = n ? memcmp(a->name.ptr, b->name.ptr, n) : 0;
        if (c)
                return c;
        if (a->name.len != b->name.len)
                return a->name.len < b->name.len ? -1 : 1;
        return a->index < b->index ? -1 : a->index > b->index;
}

/* Duplicate names, the slow but sure way: sorting. The reference reports
 * the first export whose name was seen before: the smallest index that is
 * not first among its equals. */
static void export_dups_by_sort(wsbx_dec *d, wsbx_dec_export_key *keys, uint32_t n)
{
        qsort(keys, n, sizeof *keys, cmp_export);
        uint32_t dup = UINT32_MAX;
        size_t dup_at = 0;
        for (uint32_t i = 1; i < n; i++) {
                if (keys[i].name.len == keys[i - 1].name.len &&
                    memcmp(keys[i].name.ptr, keys[i - 1].name.ptr, keys[i].name.len) == 0 &&
                    keys[i].index < dup) {
                        dup = keys[i].index;
                        dup_at = keys[i].offset;
                }
        }
        if (dup != UINT32_MAX)
                wsbx_dec_invalid(d, dup_at, "duplicate export name");
}

static uint64_t name_hash(const char *p, uint32_t n)
{
        uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
        uint64_t w;
        for (; n >= 8; p += 8, n -= 8) {
                memcpy(&w, p, 8);
                h = (h ^ w) * 0xff51afd7ed558ccdull;
                h ^= h >> 32;
        }
        w = 0;
        memcpy(&w, p, n);
        /* MurmurHash3's finalizer: every input bit reaches every output bit. */
        h ^= w;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53ull;
        return h ^ (h >> 33);
}

/* Duplicate names by hashing, in export order, so the first repeat found
 * is the one the reference reports. Names are chosen by the input, so the
 * probes are budgeted: past the budget the sort takes over and the whole
 * check stays O(n log n) whatever the names. */
wsbx_errkind wsbx_dec_export_names(wsbx_dec *d, wsbx_dec_export_key *keys, uint32_t n)
{
        if (n < 2)
                return WSBX_OK;
        uint32_t cap = 16;
        while (cap < 2 * (uint64_t)n)
                cap *= 2;
        uint32_t *slots = calloc(cap, 2 * sizeof *slots); /* index + 1, then hash tag */
        if (!slots)
                return wsbx_dec_nomem(d);
        uint64_t budget = 16 * (uint64_t)n + 1024;
        for (uint32_t i = 0; i < n; i++) {
                const wsbx_name *nm = &keys[i].name;
                uint64_t h = name_hash(nm->ptr, nm->len);
                /* The high half of a multiplicative hash mixes best. */
                uint32_t tag = (uint32_t)h;
                for (uint32_t s = (uint32_t)(h >> 32) & (cap - 1);; s = (s + 1) & (cap - 1)) {
                        if (!slots[2 * s]) {
                                slots[2 * s] = i + 1;
                                slots[2 * s + 1] = tag;
                                break;
                        }
                        const wsbx_name *o = &keys[slots[2 * s] - 1].name;
                        if (slots[2 * s + 1] == tag && o->len == nm->len &&
                            memcmp(o->ptr, nm->ptr, nm->len) == 0) {
                                free(slots);
                                wsbx_dec_invalid(d, keys[i].offset, "duplicate export name");
                                return WSBX_OK;
                        }
                        if (--budget == 0) {
                                free(slots);
                                export_dups_by_sort(d, keys, n);
                                return WSBX_OK;
                        }
                }
        }
        free(slots);
        return WSBX_OK;
}

/* ------------------------------------------------------------------------ */
/* The "name" section                                                       */
/* ------------------------------------------------------------------------ */

static bool lenient_name(wsbx_reader *r, wsbx_name *out)
{
        uint32_t n;
        const uint8_t *p;
        if (!wsbx_read_u32(r, &n) || !wsbx_read_bytes(r, n, &p) ||
            (!wsbx_dec_all_ascii(p, n) && !wsbx_utf8_valid(p, n)))
                return false;
        out->ptr = (const char *)p;
        out->len = n;
        return true;
}

bool wsbx_dec_parse_names(wsbx_module *m, const wsbx_custom *c)
{
        wsbx_error scratch;
        wsbx_reader r = {.start = m->bytes + c->offset, .p = m->bytes + c->offset,
                         .end = m->bytes + c->offset + c->size, .base = c->offset, .err = &scratch};
        wsbx_name modname = {NULL, 0};
        wsbx_name *names = NULL;
        int last_id = -1;
        while (r.p < r.end) {
                uint8_t id;
                uint32_t size;
                if (!wsbx_read_u8(&r, &id) || !wsbx_read_u32(&r, &size) ||
                    size > wsbx_reader_left(&r) || (int)id <= last_id)
                        goto bad;
                last_id = id;
                wsbx_reader sub = r;
                sub.start = r.p;
                sub.base = wsbx_reader_offset(&r);
                sub.end = r.p + size;
                r.p += size;
                if (id == 0) {
                        if (!lenient_name(&sub, &modname))
                                goto bad;
                } else if (id == 1) {
                        uint32_t n;
                        if (!wsbx_read_u32(&sub, &n) || n > wsbx_reader_left(&sub))
                                goto bad;
                        if (m->nfuncs && !names) {
                                names = wsbx_arena_calloc(m->arena, m->nfuncs, sizeof *names);
                                if (!names)
                                        return false;
                        }
                        for (uint32_t i = 0; i < n; i++) {
                                uint32_t x;
                                wsbx_name nm;
                                if (!wsbx_read_u32(&sub, &x) || !lenient_name(&sub, &nm))
                                        goto bad;
                                if (x < m->nfuncs)
                                        names[x] = nm;
                        }
                } else {
                        continue; /* local names and later subsections: not kept */
                }
                if (sub.p != sub.end)
                        goto bad;
        }
        m->name = modname;
        m->func_names = names;
        return true;
bad:
        m->name = (wsbx_name){NULL, 0};
        m->func_names = NULL;
        return true;
}
