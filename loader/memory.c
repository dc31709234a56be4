/* memory.c - 32-bit linear memories: reservations, guards, growth, images.
 *
 * A memory is one anonymous PROT_NONE, MAP_NORESERVE mapping laid out as
 *
 *      [guard_before | reserve                      | guard_after]
 *                    ^ base   [0, size) read/write
 *
 * Only [base, base + size) is ever read/write; everything else stays
 * PROT_NONE, so an access past the current size faults and the trap
 * handler turns the fault into "out of bounds memory access". Under the
 * static plan the reserve is 4 GiB (a 32-bit index cannot leave it) plus a
 * 2 GiB guard for static offsets, so compiled code needs no bounds checks
 * and the base never moves: growing is one mprotect. The dynamic plan
 * reserves little and relies on explicit checks against `size`; when a
 * grow passes its reservation it moves the memory to a larger one by
 * copying (the only case where a base moves, announced by plan.may_move).
 *
 * Initial contents come from an image mapped MAP_PRIVATE|MAP_FIXED over
 * part of the reservation, so pages are shared with the file until the
 * guest writes them. Reset drops every private page with MADV_DONTNEED:
 * anonymous pages read back as zero and image pages fault back in from
 * the file, which is what makes reuse cheap. A final partial host page of
 * an image taken from someone else's file is copied instead of mapped so
 * that the bytes after the image in that file never reach the guest.
 *
 * Wasm pages are 64 KiB, a multiple of the host page size on x86-64, so
 * every wasm size is host-page aligned.
 */
#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define GIB (1024ull * 1024 * 1024)
/* No configured size may pass this: it keeps every sum below well inside
 * 64 bits and inside the 47-bit user address space. */
#define SIZE_CAP (64ull * 1024 * GIB)

struct wsbx_image {
        uint32_t refs;          /* atomic */
        int fd;
        uint64_t file_offset;   /* host-page aligned */
        uint64_t guest_offset;  /* host-page aligned */
        uint64_t map_len;       /* whole host pages mapped from the file */
        uint8_t *tail;          /* bytes after map_len, copied at map time */
        size_t tail_len;
        uint64_t end;           /* guest offset one past the last image byte */
        uint8_t *view;          /* read-only view of the mapped part, for reset; lazy */
};

struct wsbx_memory {
        wsbx_memory_def def;    /* what compiled code reads; stays at this address */
        wsbx_memory_plan plan;
        uint8_t *map;           /* the whole mapping, guard_before included */
        size_t map_len;
        uint32_t initial_pages, pages, max_pages;
        wsbx_image *image;
        bool image_in_place;    /* false once a dynamic memory moved */
        bool pinned;            /* never moves: a grow that would fails */
};

static uint64_t host_page(void)
{
        long p = sysconf(_SC_PAGESIZE);
        return p > 0 ? (uint64_t)p : 4096;
}

static uint64_t round_up(uint64_t x, uint64_t to)
{
        return (x + to - 1) / to * to;
}

static void seterr(wsbx_lerr *err, const char *msg, int e)
{
        if (err)
                snprintf(err->msg, sizeof err->msg, "%s: %s", msg, strerror(e));
}

void wsbx_memory_config_default(wsbx_memory_config *cfg)
{
        memset(cfg, 0, sizeof *cfg);
        cfg->plan = WSBX_MEMPLAN_AUTO;
        cfg->static_bound = 4 * GIB;
        cfg->guard_after = 2 * GIB;
        cfg->guard_before = 64 * 1024;
        cfg->dynamic_reserve = 16 * 1024 * 1024;
        cfg->dynamic_guard = 64 * 1024;
        cfg->limit_pages = 0;
}

static bool config_ok(const wsbx_memory_config *c)
{
        return c->static_bound <= SIZE_CAP && c->guard_after <= SIZE_CAP &&
               c->guard_before <= SIZE_CAP && c->dynamic_reserve <= SIZE_CAP &&
               c->dynamic_guard <= SIZE_CAP && c->plan <= WSBX_MEMPLAN_DYNAMIC;
}

/* Whether RLIMIT_AS leaves room for a mapping of len bytes. The current
 * usage is not subtracted: a limit that fails this would fail mmap anyway,
 * and one that passes but is nearly used up is caught by mmap's ENOMEM. */
static bool address_space_allows(uint64_t len)
{
        struct rlimit rl;

        if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
                return true;
        return len < (uint64_t)rl.rlim_cur;
}

static wsbx_memory_plan plan_static(const wsbx_memory_config *c)
{
        uint64_t hp = host_page();
        wsbx_memory_plan p = {
                .kind = WSBX_MEMPLAN_STATIC,
                .reserve = round_up(c->static_bound, hp),
                .guard_before = round_up(c->guard_before, hp),
                .guard_after = round_up(c->guard_after, hp),
        };
        p.elide_checks = p.reserve >= 4 * GIB;
        p.may_move = false;
        return p;
}

static wsbx_memory_plan plan_dynamic(const wsbx_memory_config *c, uint64_t min_bytes,
                                     uint64_t max_bytes)
{
        uint64_t hp = host_page();
        uint64_t r = c->dynamic_reserve;

        if (r > max_bytes)
                r = max_bytes;
        if (r < min_bytes)
                r = min_bytes;
        wsbx_memory_plan p = {
                .kind = WSBX_MEMPLAN_DYNAMIC,
                .reserve = round_up(r, hp),
                .guard_before = round_up(c->guard_before, hp),
                .guard_after = round_up(c->dynamic_guard, hp),
                .elide_checks = false,
        };
        p.may_move = p.reserve < max_bytes;
        return p;
}

wsbx_memory_plan wsbx_memory_plan_choose(const wsbx_memory_config *cfg, uint32_t min_pages,
                                         bool has_max, uint32_t max_pages)
{
        wsbx_memory_config def;

        if (!cfg || !config_ok(cfg)) {
                wsbx_memory_config_default(&def);
                cfg = &def;
        }
        uint64_t min_bytes = (uint64_t)min_pages * WSBX_WASM_PAGE;
        uint64_t max_bytes = (uint64_t)(has_max ? max_pages : WSBX_WASM_MAX_PAGES) * WSBX_WASM_PAGE;
        if (max_bytes > (uint64_t)WSBX_WASM_MAX_PAGES * WSBX_WASM_PAGE)
                max_bytes = (uint64_t)WSBX_WASM_MAX_PAGES * WSBX_WASM_PAGE;

        if (cfg->plan == WSBX_MEMPLAN_STATIC)
                return plan_static(cfg);
        if (cfg->plan == WSBX_MEMPLAN_AUTO && max_bytes <= cfg->static_bound) {
                wsbx_memory_plan p = plan_static(cfg);
                if (address_space_allows(p.guard_before + p.reserve + p.guard_after))
                        return p;
        }
        return plan_dynamic(cfg, min_bytes, max_bytes);
}

/* Reserves the plan's mapping and opens [0, bytes). */
static int map_region(const wsbx_memory_plan *p, uint64_t bytes, uint8_t **map, size_t *len)
{
        size_t total = p->guard_before + p->reserve + p->guard_after;
        if (!total) /* a zero-page memory configured without guards */
                total = host_page();
        uint8_t *m = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                          -1, 0);
        if (m == MAP_FAILED)
                return -errno;
        if (bytes && mprotect(m + p->guard_before, bytes, PROT_READ | PROT_WRITE) != 0) {
                int e = -errno;
                munmap(m, total);
                return e;
        }
        *map = m;
        *len = total;
        return 0;
}

int wsbx_memory_new(const wsbx_memory_config *cfg, uint32_t min_pages, bool has_max,
                    uint32_t max_pages, wsbx_memory **out, wsbx_lerr *err)
{
        wsbx_memory_config def;

        *out = NULL;
        if (!cfg) {
                wsbx_memory_config_default(&def);
                cfg = &def;
        }
        if (!config_ok(cfg)) {
                seterr(err, "memory configuration out of range", EINVAL);
                return -EINVAL;
        }
        uint32_t max = has_max ? max_pages : WSBX_WASM_MAX_PAGES;
        if (min_pages > WSBX_WASM_MAX_PAGES || max > WSBX_WASM_MAX_PAGES || min_pages > max) {
                seterr(err, "memory limits out of range", EINVAL);
                return -EINVAL;
        }
        if (cfg->limit_pages && max > cfg->limit_pages)
                max = cfg->limit_pages;
        if (min_pages > max) {
                seterr(err, "memory minimum exceeds the configured limit", ENOMEM);
                return -ENOMEM;
        }

        wsbx_memory *m = calloc(1, sizeof *m);
        if (!m) {
                seterr(err, "memory object", ENOMEM);
                return -ENOMEM;
        }
        uint64_t bytes = (uint64_t)min_pages * WSBX_WASM_PAGE;
        m->plan = wsbx_memory_plan_choose(cfg, min_pages, true, max);
        if (bytes > m->plan.reserve) {
                free(m);
                seterr(err, "memory minimum exceeds the static bound", EINVAL);
                return -EINVAL;
        }
        int rc = map_region(&m->plan, bytes, &m->map, &m->map_len);
        if (rc == -ENOMEM && cfg->plan == WSBX_MEMPLAN_AUTO &&
            m->plan.kind == WSBX_MEMPLAN_STATIC) {
                /* The kernel refused the big reservation (address space
                 * exhausted by other memories, or an overcommit policy that
                 * counts NORESERVE): fall back to explicit checks. */
                m->plan = plan_dynamic(cfg, bytes, (uint64_t)max * WSBX_WASM_PAGE);
                rc = map_region(&m->plan, bytes, &m->map, &m->map_len);
        }
        if (rc < 0) {
                free(m);
                seterr(err, "reserving linear memory", -rc);
                return rc;
        }
        m->def.base = m->map + m->plan.guard_before;
        m->def.size = bytes;
        m->initial_pages = m->pages = min_pages;
        m->max_pages = max;
        *out = m;
        return 0;
}

void wsbx_memory_delete(wsbx_memory *m)
{
        if (!m)
                return;
        munmap(m->map, m->map_len);
        wsbx_image_delete(m->image);
        free(m);
}

wsbx_memory_def *wsbx_memory_def_of(wsbx_memory *m)
{
        return &m->def;
}

const wsbx_memory_plan *wsbx_memory_plan_of(const wsbx_memory *m)
{
        return &m->plan;
}

uint32_t wsbx_memory_pages(const wsbx_memory *m)
{
        return m->pages;
}

uint32_t wsbx_memory_max_pages(const wsbx_memory *m)
{
        return m->max_pages;
}

uint64_t wsbx_memory_pin(wsbx_memory *m)
{
        uint64_t reach = (uint64_t)m->max_pages * WSBX_WASM_PAGE;
        m->pinned = true;
        if (reach > m->plan.reserve)
                reach = m->plan.reserve;
        if (reach < m->def.size)
                reach = m->def.size;
        return round_up(reach, host_page());
}

/* Dynamic plan only: moves the memory to a reservation that holds
 * new_bytes, doubling to keep repeated small grows cheap. The contents are
 * copied, so the image mapping is lost; reset maps it again. */
static int move_memory(wsbx_memory *m, uint64_t new_bytes)
{
        uint64_t max_bytes = (uint64_t)m->max_pages * WSBX_WASM_PAGE;
        wsbx_memory_plan p = m->plan;
        uint64_t r = p.reserve * 2;

        if (r > max_bytes)
                r = max_bytes;
        if (r < new_bytes)
                r = new_bytes;
        p.reserve = round_up(r, host_page());
        p.may_move = p.reserve < max_bytes;

        uint8_t *map;
        size_t len;
        int rc = map_region(&p, new_bytes, &map, &len);
        if (rc < 0)
                return rc;
        memcpy(map + p.guard_before, m->def.base, m->def.size);
        munmap(m->map, m->map_len);
        m->map = map;
        m->map_len = len;
        m->plan = p;
        m->def.base = map + p.guard_before;
        m->image_in_place = false;
        return 0;
}

int64_t wsbx_memory_grow(wsbx_memory *m, uint64_t delta_pages)
{
        uint32_t old = m->pages;

        if (delta_pages == 0)
                return old;
        if (delta_pages > (uint64_t)(m->max_pages - old))
                return -1;
        uint64_t old_bytes = (uint64_t)old * WSBX_WASM_PAGE;
        uint64_t new_bytes = (old + delta_pages) * WSBX_WASM_PAGE;
        if (new_bytes > m->plan.reserve) {
                if (m->plan.kind != WSBX_MEMPLAN_DYNAMIC || m->pinned || move_memory(m, new_bytes) < 0)
                        return -1;
        } else if (mprotect(m->def.base + old_bytes, new_bytes - old_bytes,
                            PROT_READ | PROT_WRITE) != 0) {
                return -1;
        }
        m->pages = old + (uint32_t)delta_pages;
        m->def.size = new_bytes;
        return old;
}

static int place_image(wsbx_memory *m, const wsbx_image *img)
{
        if (img->map_len) {
                void *at = m->def.base + img->guest_offset;
                void *p = mmap(at, img->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
                               img->fd, (off_t)img->file_offset);
                if (p == MAP_FAILED)
                        return -errno;
        }
        if (img->tail_len)
                memcpy(m->def.base + img->guest_offset + img->map_len, img->tail, img->tail_len);
        return 0;
}

/* Whether img may become m's image: it has none, and img fits in its
 * initial size. 0 or -EINVAL (err says which). */
static int image_fits(const wsbx_memory *m, const wsbx_image *img, wsbx_lerr *err)
{
        if (m->image) {
                seterr(err, "memory already has an image", EINVAL);
                return -EINVAL;
        }
        if (img->end > (uint64_t)m->initial_pages * WSBX_WASM_PAGE || img->end > m->def.size) {
                seterr(err, "memory image does not fit in the initial size", EINVAL);
                return -EINVAL;
        }
        return 0;
}

int wsbx_memory_map_image(wsbx_memory *m, wsbx_image *img, wsbx_lerr *err)
{
        int rc = image_fits(m, img, err);
        if (rc < 0)
                return rc;
        rc = place_image(m, img);
        if (rc < 0) {
                seterr(err, "mapping memory image", -rc);
                return rc;
        }
        m->image = wsbx_image_clone(img);
        m->image_in_place = true;
        return 0;
}

int wsbx_memory_write(wsbx_memory *m, uint64_t off, const void *bytes, size_t len)
{
        if (off > m->def.size || len > m->def.size - off)
                return -EINVAL;
        if (len)
                memcpy(m->def.base + off, bytes, len);
        return 0;
}

int wsbx_memory_reset(wsbx_memory *m)
{
        uint64_t bytes = m->def.size;
        uint64_t init = (uint64_t)m->initial_pages * WSBX_WASM_PAGE;

        if (bytes && madvise(m->def.base, bytes, MADV_DONTNEED) != 0)
                return -errno;
        if (bytes > init && mprotect(m->def.base + init, bytes - init, PROT_NONE) != 0)
                return -errno;
        m->pages = m->initial_pages;
        m->def.size = init;
        if (m->image) {
                /* In place, the file-backed pages came back by themselves;
                 * only the copied tail (anonymous, now zero) needs
                 * rewriting. After a move, map the image again. */
                if (m->image_in_place) {
                        if (m->image->tail_len)
                                memcpy(m->def.base + m->image->guest_offset + m->image->map_len,
                                       m->image->tail, m->image->tail_len);
                } else {
                        int rc = place_image(m, m->image);
                        if (rc < 0)
                                return rc;
                        m->image_in_place = true;
                }
        }
        return 0;
}

/* --- images -------------------------------------------------------------- */

int wsbx_pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
        const uint8_t *p = buf;
        while (len) {
                ssize_t n = pwrite(fd, p, len, (off_t)off);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t)n;
                off += (uint64_t)n;
        }
        return 0;
}

int wsbx_image_new_bytes(const void *bytes, size_t len, uint64_t guest_offset, wsbx_image **out,
                         wsbx_lerr *err)
{
        uint64_t hp = host_page();
        uint64_t lim = (uint64_t)WSBX_WASM_MAX_PAGES * WSBX_WASM_PAGE;

        *out = NULL;
        if (guest_offset > lim || len > lim - guest_offset) {
                seterr(err, "memory image past 4 GiB", EINVAL);
                return -EINVAL;
        }
        uint64_t pad = guest_offset % hp;
        uint64_t size = round_up(pad + len, hp);
        wsbx_image *img = calloc(1, sizeof *img);
        if (!img) {
                seterr(err, "memory image", ENOMEM);
                return -ENOMEM;
        }
        img->refs = 1;
        img->guest_offset = guest_offset - pad;
        img->map_len = len ? size : 0;
        img->end = guest_offset + len;
        img->fd = memfd_create("wsbx-memory-image", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        int rc;
        if (img->fd < 0) {
                rc = -errno;
                free(img);
                seterr(err, "memfd_create", -rc);
                return rc;
        }
        if (ftruncate(img->fd, (off_t)img->map_len) != 0) {
                rc = -errno;
                goto fail;
        }
        if (len && (rc = wsbx_pwrite_all(img->fd, bytes, len, pad)) < 0)
                goto fail;
        /* The seals are defence in depth: nothing, this process included,
         * can change an image that live memories are mapping. */
        if (fcntl(img->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
                rc = -errno;
                goto fail;
        }
        *out = img;
        return 0;
fail:
        seterr(err, "filling memory image", -rc);
        close(img->fd);
        free(img);
        return rc;
}

int wsbx_image_new_fd(int fd, uint64_t file_offset, uint64_t len, uint64_t guest_offset,
                      wsbx_image **out, wsbx_lerr *err)
{
        uint64_t hp = host_page();
        uint64_t lim = (uint64_t)WSBX_WASM_MAX_PAGES * WSBX_WASM_PAGE;
        struct stat st;

        *out = NULL;
        if (file_offset % hp || guest_offset % hp) {
                seterr(err, "memory image offsets not page-aligned", EINVAL);
                return -EINVAL;
        }
        if (guest_offset > lim || len > lim - guest_offset || file_offset > (uint64_t)INT64_MAX - len) {
                seterr(err, "memory image past 4 GiB", EINVAL);
                return -EINVAL;
        }
        if (fstat(fd, &st) != 0) {
                int e = errno;
                seterr(err, "memory image file", e);
                return -e;
        }
        /* A mapped page wholly past the end of the file raises SIGBUS on
         * access, so the bytes must all be there. */
        if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size < file_offset + len) {
                seterr(err, "memory image past the end of its file", EINVAL);
                return -EINVAL;
        }
        wsbx_image *img = calloc(1, sizeof *img);
        if (!img) {
                seterr(err, "memory image", ENOMEM);
                return -ENOMEM;
        }
        img->refs = 1;
        img->file_offset = file_offset;
        img->guest_offset = guest_offset;
        img->map_len = len / hp * hp;
        img->tail_len = (size_t)(len - img->map_len);
        img->end = guest_offset + len;
        int rc = 0;
        if (img->tail_len) {
                img->tail = malloc(img->tail_len);
                if (!img->tail) {
                        rc = -ENOMEM;
                        goto fail;
                }
                ssize_t n = pread(fd, img->tail, img->tail_len, (off_t)(file_offset + img->map_len));
                if (n != (ssize_t)img->tail_len) {
                        rc = n < 0 ? -errno : -EIO;
                        goto fail;
                }
        }
        img->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (img->fd < 0) {
                rc = -errno;
                goto fail;
        }
        *out = img;
        return 0;
fail:
        seterr(err, "reading memory image", -rc);
        free(img->tail);
        free(img);
        return rc;
}

wsbx_image *wsbx_image_clone(wsbx_image *img)
{
        __atomic_add_fetch(&img->refs, 1, __ATOMIC_RELAXED);
        return img;
}

void wsbx_image_delete(wsbx_image *img)
{
        if (!img || __atomic_sub_fetch(&img->refs, 1, __ATOMIC_ACQ_REL) != 0)
                return;
        close(img->fd);
        if (img->view)
                munmap(img->view, img->map_len);
        free(img->tail);
        free(img);
}

int wsbx_image_fd(const wsbx_image *img)
{
        return img->fd;
}

/* --- dirty-page reset (the pool) ------------------------------------------
 *
 * PAGEMAP_SCAN (Linux 6.7) walks the page tables of a range and reports
 * runs of pages by category. A page the guest wrote is present and
 * anonymous: its copy-on-write copy of an image page, or a page of the
 * zero-filled part. Pages that were only read are file pages (image) or
 * the shared zero page, and need nothing. The UAPI structures are spelled
 * out here because older system headers lack them; the layout is fixed
 * by the kernel ABI. */

#define PM_IOC_SCAN _IOWR('f', 16, struct pm_scan_arg_)
#define PM_PAGE_IS_FILE (1ull << 2)
#define PM_PAGE_IS_PRESENT (1ull << 3)
#define PM_PAGE_IS_SWAPPED (1ull << 4)
#define PM_PAGE_IS_PFNZERO (1ull << 5)

struct pm_scan_arg_ {
        uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
        uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
_Static_assert(PM_IOC_SCAN == WSBX_PAGEMAP_SCAN_IOCTL, "seccomp policies allow this request");
struct page_region_ {
        uint64_t start, end, categories;
};

/* /proc/self/pagemap, opened once per process: -1 not tried yet, -2
 * unavailable (no /proc, or a kernel without PAGEMAP_SCAN). */
static int pagemap_fd = -1;

static int pagemap(void)
{
        int fd = __atomic_load_n(&pagemap_fd, __ATOMIC_ACQUIRE);
        if (fd != -1)
                return fd;
        fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                fd = -2;
        int expect = -1;
        if (!__atomic_compare_exchange_n(&pagemap_fd, &expect, fd, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE)) {
                if (fd >= 0)
                        close(fd);
                fd = expect;
        }
        return fd;
}

bool wsbx_memory_dirty_scan_available(void)
{
        return pagemap() >= 0;
}

void wsbx_memory_set_pagemap(int fd)
{
        int old = __atomic_exchange_n(&pagemap_fd, fd >= 0 ? fd : -2, __ATOMIC_ACQ_REL);
        if (old >= 0 && old != fd)
                close(old);
}

/* A read-only view of the image's mapped part, for restoring pages by
 * copying. Made on first use and kept with the image. */
static const uint8_t *image_view(wsbx_image *img)
{
        uint8_t *v = __atomic_load_n(&img->view, __ATOMIC_ACQUIRE);
        if (v || !img->map_len)
                return v;
        v = mmap(NULL, img->map_len, PROT_READ, MAP_SHARED, img->fd, (off_t)img->file_offset);
        if (v == MAP_FAILED)
                return NULL;
        uint8_t *expect = NULL;
        if (!__atomic_compare_exchange_n(&img->view, &expect, v, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE)) {
                munmap(v, img->map_len);
                v = expect;
        }
        return v;
}

int wsbx_memory_copy_image(wsbx_memory *m, wsbx_image *img, wsbx_lerr *err)
{
        if (m->image == img) /* a reused instance: its reset restored it */
                return 0;
        int rc = image_fits(m, img, err);
        if (rc < 0)
                return rc;
        const uint8_t *view = img->map_len ? image_view(img) : NULL;
        if (img->map_len && !view) {
                seterr(err, "reading memory image", ENOMEM);
                return -ENOMEM;
        }
        if (img->map_len)
                memcpy(m->def.base + img->guest_offset, view, img->map_len);
        if (img->tail_len)
                memcpy(m->def.base + img->guest_offset + img->map_len, img->tail, img->tail_len);
        m->image = wsbx_image_clone(img);
        m->image_in_place = false;
        return 0;
}

/* Puts [off, off + len) (host pages inside the initial size) back to its
 * initial bytes by copying: image bytes where the image is, zero
 * elsewhere. The pages stay resident. */
static int restore_copy(wsbx_memory *m, uint64_t off, uint64_t len, const uint8_t *view)
{
        const wsbx_image *img = m->image_in_place ? m->image : NULL;
        uint64_t is = img ? img->guest_offset : 0, ie = img ? is + img->map_len : 0;
        uint64_t end = off + len;
        while (off < end) {
                uint64_t next = end;
                if (off >= is && off < ie) {
                        if (ie < next)
                                next = ie;
                        if (!view)
                                return -ENOMEM;
                        memcpy(m->def.base + off, view + (off - is), next - off);
                } else {
                        if (off < is && is < next)
                                next = is;
                        memset(m->def.base + off, 0, next - off);
                }
                off = next;
        }
        return 0;
}

int wsbx_memory_reset_dirty(wsbx_memory *m, uint64_t keep_resident, wsbx_memory_reset_stats *st)
{
        uint64_t init = (uint64_t)m->initial_pages * WSBX_WASM_PAGE;
        uint64_t hp = host_page();
        wsbx_memory_reset_stats local;
        if (!st)
                st = &local;
        memset(st, 0, sizeof *st);

        int fd = pagemap();
        if (fd < 0 || !keep_resident || (m->image && !m->image_in_place) || m->def.size < init) {
                st->whole = true;
                return wsbx_memory_reset(m);
        }
        /* Pages grown past the initial size go entirely. */
        if (m->def.size > init) {
                uint64_t extra = m->def.size - init;
                if (madvise(m->def.base + init, extra, MADV_DONTNEED) != 0 ||
                    mprotect(m->def.base + init, extra, PROT_NONE) != 0)
                        return -errno;
                st->dropped_pages += extra / hp;
                m->pages = m->initial_pages;
                m->def.size = init;
        }
        const uint8_t *view = m->image ? image_view(m->image) : NULL;
        if (m->image && m->image->map_len && !view) {
                st->whole = true;
                return wsbx_memory_reset(m);
        }

        struct page_region_ vec[64];
        uint64_t start = (uint64_t)(uintptr_t)m->def.base, end = start + init;
        uint64_t budget = keep_resident;
        bool tail_dirty = false;
        while (start < end) {
                struct pm_scan_arg_ arg = {
                        .size = sizeof arg,
                        .start = start,
                        .end = end,
                        .vec = (uint64_t)(uintptr_t)vec,
                        .vec_len = sizeof vec / sizeof vec[0],
                        .category_inverted = PM_PAGE_IS_FILE | PM_PAGE_IS_PFNZERO,
                        .category_mask = PM_PAGE_IS_FILE | PM_PAGE_IS_PFNZERO,
                        .category_anyof_mask = PM_PAGE_IS_PRESENT | PM_PAGE_IS_SWAPPED,
                        .return_mask = PM_PAGE_IS_PRESENT | PM_PAGE_IS_SWAPPED,
                };
                long n = ioctl(fd, PM_IOC_SCAN, &arg);
                if (n < 0) {
                        /* A kernel without the ioctl (ENOTTY) or with another
                         * ABI (EINVAL): never ask again, drop everything. */
                        if (errno == ENOTTY || errno == EINVAL) {
                                int old = fd;
                                if (__atomic_compare_exchange_n(&pagemap_fd, &old, -2, false,
                                                                __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                                        close(old);
                        }
                        st->whole = true;
                        return wsbx_memory_reset(m);
                }
                for (long i = 0; i < n; i++) {
                        uint64_t off = vec[i].start - (uint64_t)(uintptr_t)m->def.base;
                        uint64_t len = vec[i].end - vec[i].start;
                        st->dirty_pages += len / hp;
                        if (m->image && m->image->tail_len && off < m->image->end &&
                            off + len > m->image->guest_offset + m->image->map_len)
                                tail_dirty = true;
                        if (len <= budget) {
                                int rc = restore_copy(m, off, len, view);
                                if (rc < 0)
                                        return rc;
                                budget -= len;
                                st->restored_pages += len / hp;
                        } else {
                                if (madvise(m->def.base + off, len, MADV_DONTNEED) != 0)
                                        return -errno;
                                st->dropped_pages += len / hp;
                        }
                }
                if (arg.walk_end <= start)
                        break;
                start = arg.walk_end;
        }
        if (tail_dirty)
                memcpy(m->def.base + m->image->guest_offset + m->image->map_len, m->image->tail,
                       m->image->tail_len);
        return 0;
}
