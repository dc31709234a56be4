/* ring.c - shared-memory rings between the supervisor and one worker.
 *
 * One memfd per worker, created, sized and sealed (F_SEAL_SHRINK |
 * F_SEAL_GROW | F_SEAL_SEAL) by the supervisor before the worker exists,
 * so the worker can never make the supervisor's mapping fault by
 * truncating it. It holds a header (sizes, the interruption epoch), one
 * control block per direction (head, tail and doorbell on separate cache
 * lines), two single-producer single-consumer rings of 64-byte wsbx_msg
 * descriptors (requests: supervisor -> worker; completions: worker ->
 * supervisor), and one payload arena per direction.
 *
 * Hostility: every byte of the mapping can be written by the worker at
 * any time. So each side keeps private copies of everything it relies on:
 * the sizes (the supervisor never reads the header back), its own index
 * (the consumer's read position, the producer's tail) and the last head
 * it accepted. A shared index is read once, checked against the private
 * ones (the distance between tail and head is at most the ring's size,
 * and a head never moves backwards), and only then used, masked. A
 * descriptor is copied out with volatile loads before anything looks at
 * it, and a payload is handed out only after its offset and length are
 * checked against the arena. An impossible state makes the ring broken
 * (-EPROTO, sticky) so the supervisor can kill the worker; it never
 * crashes, loops or reads outside the mapping. The worker reads where the
 * indices stand when it attaches (the one moment it trusts the memory),
 * and they start just below 2^32 so that their wraparound is exercised
 * in every run.
 *
 * Doorbells: the producer publishes tail, bumps `seq` and issues
 * FUTEX_WAKE only when the consumer published `sleeping`. The consumer
 * spins for a budget, then reads seq, publishes sleeping, re-checks tail
 * and waits on the old seq value. All four accesses are sequentially
 * consistent, so either the producer sees `sleeping` or the consumer sees
 * the new tail (Dekker); and a bump between reading seq and sleeping
 * makes FUTEX_WAIT return at once. The futex is shared, not
 * FUTEX_PRIVATE: the two sides are different processes.
 *
 * Arenas are ring allocators: payloads are allocated in the order their
 * descriptors are sent, the producer records with each descriptor how far
 * its arena had been used, and bytes come back when the peer's head moves
 * past that descriptor. An allocation never wraps around the end of the
 * arena: it skips the tail instead, so every payload is contiguous.
 */
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096u

struct layout {
        uint64_t ring_off[2], arena_off[2], total;
};

struct wsbx_ring {
        wsbx_ring_side side;
        int fd, wake_fd;
        uint8_t *base;
        size_t size;
        uint32_t slots, mask, arena_size;
        struct wsbx_ringmem_ctl *out, *in;
        wsbx_msg *out_slots;
        const wsbx_msg *in_slots;
        uint8_t *out_arena;
        const uint8_t *in_arena;
        uint32_t out_tail;      /* next slot this side writes */
        uint32_t peer_head;     /* last accepted head of the outgoing ring */
        uint32_t in_read;       /* next slot this side reads */
        uint32_t in_head;       /* slots released (published as head) */
        uint64_t arena_head;    /* oldest byte still in use (monotonic) */
        uint64_t arena_tail;    /* next free byte (monotonic) */
        uint64_t *marks;        /* per outgoing slot: arena_tail when it was sent */
        int broken;             /* 0 or -EPROTO, sticky */
        uint64_t spin_ns;
        wsbx_ring_stats stats;
};

static struct layout layout_of(uint32_t slots, uint32_t arena_size)
{
        struct layout l;
        uint64_t ring_bytes = ((uint64_t)slots * sizeof(wsbx_msg) + PAGE - 1) & ~(uint64_t)(PAGE - 1);
        /* Page 0: header; page 1: both control blocks. */
        l.ring_off[WSBX_RING_REQ] = 2 * PAGE;
        l.ring_off[WSBX_RING_CPL] = l.ring_off[WSBX_RING_REQ] + ring_bytes;
        l.arena_off[WSBX_RING_REQ] = l.ring_off[WSBX_RING_CPL] + ring_bytes;
        l.arena_off[WSBX_RING_CPL] = l.arena_off[WSBX_RING_REQ] + arena_size;
        l.total = l.arena_off[WSBX_RING_CPL] + arena_size;
        return l;
}

_Static_assert(2 * sizeof(struct wsbx_ringmem_ctl) <= PAGE, "control blocks fit page 1");
_Static_assert(sizeof(struct wsbx_ringmem_hdr) <= PAGE, "header fits page 0");

static bool sizes_ok(uint32_t slots, uint32_t arena_size)
{
        return slots >= 2 && slots <= WSBX_RINGMEM_MAX_SLOTS && !(slots & (slots - 1)) &&
               arena_size >= PAGE && arena_size <= WSBX_RINGMEM_MAX_ARENA && !(arena_size % PAGE);
}

static long futex(_Atomic uint32_t *word, int op, uint32_t val, const struct timespec *ts)
{
        return syscall(SYS_futex, (uint32_t *)word, op, val, ts, NULL, 0);
}

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Points the ring's views at the mapping for its side. */
static int ring_init(wsbx_ring *r, wsbx_ring_side side, int fd, uint8_t *base, uint32_t slots,
                     uint32_t arena_size)
{
        struct layout l = layout_of(slots, arena_size);
        struct wsbx_ringmem_ctl *ctl = (struct wsbx_ringmem_ctl *)(base + WSBX_RINGMEM_CTL_OFF);
        int o = side == WSBX_RING_SUPERVISOR ? WSBX_RING_REQ : WSBX_RING_CPL;
        int i = !o;

        r->marks = calloc(slots, sizeof *r->marks);
        if (!r->marks)
                return -ENOMEM;
        r->side = side;
        r->fd = fd;
        r->wake_fd = -1;
        r->base = base;
        r->size = l.total;
        r->slots = slots;
        r->mask = slots - 1;
        r->arena_size = arena_size;
        r->out = &ctl[o];
        r->in = &ctl[i];
        r->out_slots = (wsbx_msg *)(base + l.ring_off[o]);
        r->in_slots = (const wsbx_msg *)(base + l.ring_off[i]);
        r->out_arena = base + l.arena_off[o];
        r->in_arena = base + l.arena_off[i];
        r->spin_ns = WSBX_RING_SPIN_NS;
        return 0;
}

int wsbx_ring_create(uint32_t slots, uint32_t arena_size, wsbx_ring **out)
{
        if (!sizes_ok(slots, arena_size))
                return -EINVAL;
        struct layout l = layout_of(slots, arena_size);
        wsbx_ring *r = calloc(1, sizeof *r);
        if (!r)
                return -ENOMEM;
        int e;
        int fd = memfd_create("wsbx-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0) {
                e = -errno;
                goto fail;
        }
        /* Sealed before it is mapped or shared: from here on its size is
         * fixed for every process that holds it. */
        if (ftruncate(fd, (off_t)l.total) ||
            fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
                e = -errno;
                goto fail;
        }
        uint8_t *base = mmap(NULL, l.total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (base == MAP_FAILED) {
                e = -errno;
                goto fail;
        }
        struct wsbx_ringmem_hdr *h = (struct wsbx_ringmem_hdr *)base;
        h->magic = WSBX_RINGMEM_MAGIC;
        h->version = WSBX_RINGMEM_VERSION;
        h->slots = slots;
        h->desc_size = sizeof(wsbx_msg);
        h->arena_size = arena_size;
        h->total_size = l.total;
        memcpy(h->ring_off, l.ring_off, sizeof l.ring_off);
        memcpy(h->arena_off, l.arena_off, sizeof l.arena_off);
        e = ring_init(r, WSBX_RING_SUPERVISOR, fd, base, slots, arena_size);
        if (e) {
                munmap(base, l.total);
                goto fail;
        }
        struct wsbx_ringmem_ctl *ctl = (struct wsbx_ringmem_ctl *)(base + WSBX_RINGMEM_CTL_OFF);
        for (int d = 0; d < 2; d++) {
                atomic_store(&ctl[d].head, WSBX_RINGMEM_INDEX0);
                atomic_store(&ctl[d].tail, WSBX_RINGMEM_INDEX0);
        }
        r->out_tail = r->peer_head = r->in_read = r->in_head = WSBX_RINGMEM_INDEX0;
        *out = r;
        return 0;
fail:
        if (fd >= 0)
                close(fd);
        free(r);
        return e;
}

int wsbx_ring_attach(int fd, wsbx_ring **out)
{
        const int need = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
        int seals = fcntl(fd, F_GET_SEALS);
        if (seals < 0)
                return -errno;
        if ((seals & need) != need)
                return -EINVAL;
        struct stat st;
        if (fstat(fd, &st))
                return -errno;
        if (st.st_size < 2 * PAGE)
                return -EINVAL;
        struct wsbx_ringmem_hdr h;
        if (pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h)
                return -EINVAL;
        if (h.magic != WSBX_RINGMEM_MAGIC || h.version != WSBX_RINGMEM_VERSION ||
            h.desc_size != sizeof(wsbx_msg) || !sizes_ok(h.slots, h.arena_size))
                return -EINVAL;
        struct layout l = layout_of(h.slots, h.arena_size);
        if (h.total_size != l.total || (uint64_t)st.st_size != l.total ||
            memcmp(h.ring_off, l.ring_off, sizeof l.ring_off) ||
            memcmp(h.arena_off, l.arena_off, sizeof l.arena_off))
                return -EINVAL;
        wsbx_ring *r = calloc(1, sizeof *r);
        if (!r)
                return -ENOMEM;
        int e;
        int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (own < 0) {
                e = -errno;
                free(r);
                return e;
        }
        uint8_t *base = mmap(NULL, l.total, PROT_READ | PROT_WRITE, MAP_SHARED, own, 0);
        if (base == MAP_FAILED) {
                e = -errno;
                close(own);
                free(r);
                return e;
        }
        e = ring_init(r, WSBX_RING_WORKER, own, base, h.slots, h.arena_size);
        if (e) {
                munmap(base, l.total);
                close(own);
                free(r);
                return e;
        }
        /* The worker trusts the supervisor, but only at attach: where the
         * indices stand now (the supervisor may already have posted
         * requests; it never moves the heads it does not own). */
        r->in_read = r->in_head = atomic_load(&r->in->head);
        r->peer_head = atomic_load(&r->out->head);
        r->out_tail = atomic_load(&r->out->tail);
        if (r->out_tail != r->peer_head) {
                wsbx_ring_delete(r);
                return -EINVAL;
        }
        *out = r;
        return 0;
}

void wsbx_ring_delete(wsbx_ring *r)
{
        if (!r)
                return;
        munmap(r->base, r->size);
        if (r->fd >= 0)
                close(r->fd);
        if (r->wake_fd >= 0)
                close(r->wake_fd);
        free(r->marks);
        free(r);
}

void wsbx_ring_close_fd(wsbx_ring *r)
{
        if (r->fd >= 0)
                close(r->fd);
        r->fd = -1;
}

int wsbx_ring_fd(const wsbx_ring *r)
{
        return r->fd;
}

wsbx_ring_side wsbx_ring_get_side(const wsbx_ring *r)
{
        return r->side;
}

uint32_t wsbx_ring_slots(const wsbx_ring *r)
{
        return r->slots;
}

uint32_t wsbx_ring_arena_size(const wsbx_ring *r)
{
        return r->arena_size;
}

void wsbx_ring_set_spin(wsbx_ring *r, uint64_t ns)
{
        r->spin_ns = ns;
}

void wsbx_ring_set_wake_fd(wsbx_ring *r, int efd)
{
        if (r->wake_fd >= 0)
                close(r->wake_fd);
        r->wake_fd = efd;
}

int wsbx_ring_wake_fd(const wsbx_ring *r)
{
        return r->wake_fd;
}

_Atomic uint64_t *wsbx_ring_epoch(wsbx_ring *r)
{
        return &((struct wsbx_ringmem_hdr *)r->base)->epoch;
}

void wsbx_ring_get_stats(const wsbx_ring *r, wsbx_ring_stats *out)
{
        *out = r->stats;
}

/* Reads the peer's head of the outgoing ring once and accepts it only if
 * it lies between the last accepted head and our tail; then gives back
 * the arena bytes of every descriptor it released. */
static int reclaim(wsbx_ring *r)
{
        if (r->broken)
                return r->broken;
        uint32_t h = atomic_load_explicit(&r->out->head, memory_order_acquire);
        if ((uint32_t)(h - r->peer_head) > (uint32_t)(r->out_tail - r->peer_head)) {
                r->broken = -EPROTO;
                return r->broken;
        }
        if (h != r->peer_head) {
                r->arena_head = r->marks[(h - 1) & r->mask];
                r->peer_head = h;
        }
        return 0;
}

void *wsbx_ring_alloc(wsbx_ring *r, size_t len, uint32_t *off)
{
        if (reclaim(r) || len > r->arena_size)
                return NULL;
        /* Nothing in flight and nothing allocated for the next send:
         * start the arena over, so payloads stay at low offsets and
         * rarely skip the end. (Never in send: the bytes allocated for
         * the descriptor being sent are in use.) */
        if (r->peer_head == r->out_tail && r->arena_head == r->arena_tail)
                r->arena_head = r->arena_tail = 0;
        uint64_t need = ((uint64_t)len + 15) & ~(uint64_t)15;
        uint64_t pos = r->arena_tail % r->arena_size;
        uint64_t skip = pos + need > r->arena_size ? r->arena_size - pos : 0;
        if (r->arena_tail + skip + need - r->arena_head > r->arena_size)
                return NULL;
        r->arena_tail += skip;
        pos = r->arena_tail % r->arena_size;
        r->arena_tail += need;
        *off = (uint32_t)pos;
        return r->out_arena + pos;
}

static void wake_peer(wsbx_ring *r)
{
        futex(&r->out->seq, FUTEX_WAKE, INT_MAX, NULL);
        if (r->wake_fd >= 0) {
                uint64_t one = 1;
                /* A full counter (EAGAIN) already means "wake up". */
                ssize_t n = write(r->wake_fd, &one, sizeof one);
                (void)n;
        }
        r->stats.wakes++;
}

int wsbx_ring_send(wsbx_ring *r, const wsbx_msg *m)
{
        int e = reclaim(r);
        if (e)
                return e;
        if (atomic_load_explicit(&r->in->closed, memory_order_relaxed))
                return -EPIPE;
        if (r->out_tail - r->peer_head >= r->slots)
                return -EAGAIN;
        uint32_t i = r->out_tail & r->mask;
        memcpy(&r->out_slots[i], m, sizeof *m);
        r->marks[i] = r->arena_tail;
        r->out_tail++;
        /* seq_cst: this store, the seq bump and the load of `sleeping` are
         * the producer's half of the Dekker handshake (see the top). */
        atomic_store(&r->out->tail, r->out_tail);
        atomic_fetch_add(&r->out->seq, 1);
        if (atomic_load(&r->out->sleeping))
                wake_peer(r);
        r->stats.sent++;
        return 0;
}

/* Copies a descriptor out of shared memory with one volatile load per
 * word, so the compiler cannot fetch any field a second time later. */
static void copy_desc(wsbx_msg *dst, const wsbx_msg *src)
{
        const volatile uint64_t *s = (const volatile uint64_t *)(const void *)src;
        uint64_t w[sizeof(wsbx_msg) / 8];
        for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
                w[k] = s[k];
        memcpy(dst, w, sizeof w);
}

/* How many descriptors wait, after checking the peer's tail: 0..slots, or
 * -EPROTO. */
static int64_t avail(wsbx_ring *r)
{
        if (r->broken)
                return r->broken;
        uint32_t t = atomic_load(&r->in->tail);
        uint32_t d = t - r->in_read;
        /* The peer's tail may not pass descriptors we have not released. */
        if (d > r->slots - (r->in_read - r->in_head)) {
                r->broken = -EPROTO;
                return r->broken;
        }
        return d;
}

int wsbx_ring_try_recv(wsbx_ring *r, wsbx_msg *m)
{
        int64_t d = avail(r);
        if (d < 0)
                return (int)d;
        if (d == 0) {
                if (!atomic_load(&r->in->closed))
                        return -EAGAIN;
                /* It may have posted just before hanging up. */
                d = avail(r);
                if (d < 0)
                        return (int)d;
                if (d == 0)
                        return -EPIPE;
        }
        copy_desc(m, &r->in_slots[r->in_read & r->mask]);
        r->in_read++;
        r->stats.received++;
        return 0;
}

int wsbx_ring_pending(wsbx_ring *r)
{
        int64_t d = avail(r);
        if (d < 0)
                return (int)d;
        return d > 0 || atomic_load(&r->in->closed);
}

int wsbx_ring_arm(wsbx_ring *r, _Atomic uint32_t **word, uint32_t *val)
{
        *word = &r->in->seq;
        *val = atomic_load(&r->in->seq);
        atomic_store(&r->in->sleeping, 1);
        return wsbx_ring_pending(r);
}

void wsbx_ring_disarm(wsbx_ring *r)
{
        atomic_store(&r->in->sleeping, 0);
}

int wsbx_ring_recv(wsbx_ring *r, wsbx_msg *m, int64_t timeout_ns)
{
        uint64_t start = 0, spin_end = 0;
        bool slept = false;
        for (uint32_t turn = 0;; turn++) {
                int e = wsbx_ring_try_recv(r, m);
                if (e != -EAGAIN) {
                        if (!e && !slept)
                                r->stats.spun++;
                        return e;
                }
                /* The clock costs more than a turn: read it every 64
                 * (a budget of 0 sleeps at once). */
                if ((turn & 63) && r->spin_ns) {
                        __builtin_ia32_pause();
                        continue;
                }
                uint64_t t = now_ns();
                if (!start) {
                        start = t;
                        spin_end = t + r->spin_ns;
                }
                if (timeout_ns >= 0 && t - start >= (uint64_t)timeout_ns)
                        return -ETIMEDOUT;
                if (t < spin_end) {
                        __builtin_ia32_pause();
                        continue;
                }
                _Atomic uint32_t *word;
                uint32_t val;
                e = wsbx_ring_arm(r, &word, &val);
                if (e == 0) {
                        struct timespec ts, *tsp = NULL;
                        if (timeout_ns >= 0) {
                                uint64_t left = (uint64_t)timeout_ns - (t - start);
                                ts.tv_sec = (time_t)(left / 1000000000u);
                                ts.tv_nsec = (long)(left % 1000000000u);
                                tsp = &ts;
                        }
                        r->stats.slept++;
                        slept = true;
                        futex(word, FUTEX_WAIT, val, tsp);
                }
                wsbx_ring_disarm(r);
                if (e < 0)
                        return e;
        }
}

const uint8_t *wsbx_ring_payload(const wsbx_ring *r, const wsbx_msg *m)
{
        if (m->off > r->arena_size || m->len > r->arena_size - m->off)
                return NULL;
        return r->in_arena + m->off;
}

void wsbx_ring_release(wsbx_ring *r)
{
        if (r->in_head == r->in_read)
                return;
        r->in_head++;
        atomic_store_explicit(&r->in->head, r->in_head, memory_order_release);
}

void wsbx_ring_hangup(wsbx_ring *r)
{
        atomic_store(&r->out->closed, 1);
        atomic_fetch_add(&r->out->seq, 1);
        wake_peer(r);
}
