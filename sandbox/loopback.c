/* loopback.c - the message channel and its in-process transport.
 *
 * A channel is one shared mapping holding two single-producer,
 * single-consumer rings of 64-byte descriptors (requests: supervisor ->
 * worker; completions: worker -> supervisor) and one payload arena per
 * direction, laid out as the cross-process transport will lay out its
 * memfd: head and tail on separate cache lines, a doorbell word per ring.
 * Loopback runs the worker on a thread of this process; the cross-process
 * transport will run the same worker function in a jailed process over
 * the same memory and replace only wsbx_loopback_start/stop.
 *
 * Waiting: a receiver spins for a short time (SPIN_NS), then announces
 * that it sleeps and sleeps on the ring's doorbell futex; a sender bumps the
 * doorbell after publishing and issues FUTEX_WAKE only when the receiver
 * said it sleeps. The order (publish tail, bump bell, read `sleeping`
 * versus set `sleeping`, re-check tail, wait on the old bell value) is
 * sequentially consistent, so a wake-up cannot be lost.
 *
 * Arena: each sender bump-allocates from its own arena and starts over at
 * zero whenever its outgoing ring is empty, i.e. the receiver has
 * released every descriptor (receivers read payloads before releasing).
 * Indices read from shared memory are masked, offsets bounds-checked.
 */
#include "sandbox_int.h"
#if WSBX_SANITIZER_BUILD
#include <sanitizer/lsan_interface.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* How long a receiver spins before it sleeps. Measured, not guessed: on a
 * two-vCPU VM running the spec suite through loopback, 2 us of spinning
 * gave 4.3 s for the whole suite, 5 us 5.1 s, and about 1 ms of `pause`
 * spinning 62 s, because a spinning vCPU takes time from the peer it waits
 * for (and `pause` may exit to the hypervisor). Sleeping costs a futex
 * round trip, which is what the short spin avoids for quick replies. */
#define SPIN_NS 2000

struct ring {
        _Alignas(64) _Atomic uint32_t head; /* consumer's: next slot to read */
        _Alignas(64) _Atomic uint32_t tail; /* producer's: next slot to write */
        _Alignas(64) _Atomic uint32_t bell; /* futex word, bumped on every post */
        _Atomic uint32_t sleeping;          /* consumer waits on bell */
        _Atomic uint32_t closed;            /* producer hung up */
        _Alignas(64) wsbx_msg slots[WSBX_RING_SLOTS];
};

/* The shared mapping. */
struct chan {
        struct ring sq, cq;
        _Alignas(4096) uint8_t sq_arena[WSBX_ARENA_SIZE];
        uint8_t cq_arena[WSBX_ARENA_SIZE];
};

/* Tagged: `ring` set means the cross-process transport (ring.c), and
 * every wsbx_ep_* call goes there; else the loopback fields below. */
struct wsbx_endpoint {
        wsbx_ring *ring;          /* owned by whoever made the endpoint */
        int ctl;                  /* ring: the control socket (fds), borrowed */
        int64_t spin_ns;          /* ring with a wait hook: spin before calling it */
        int (*wait)(void *ctx);   /* ring: blocks until the ring may have work */
        void *wait_ctx;
        struct ring *out, *in;
        uint8_t *out_arena;
        const uint8_t *in_arena;
        uint32_t cursor;          /* next free byte of out_arena */
        uint64_t deadline;        /* loopback recv: CLOCK_MONOTONIC ns, 0 none */
        wsbx_ep_stats stats;
};

struct wsbx_loopback {
        struct chan *chan;
        wsbx_endpoint sup, work;
        pthread_t thread;
        wsbx_worker_fn fn;
        void *arg;
        bool abandoned;
};

static long futex_timed(_Atomic uint32_t *uaddr, int op, uint32_t val, const struct timespec *rel)
{
        /* Not FUTEX_PRIVATE: the cross-process transport waits on the same
         * words in a shared mapping. */
        return syscall(SYS_futex, (uint32_t *)uaddr, op, val, rel, NULL, 0);
}

static long futex(_Atomic uint32_t *uaddr, int op, uint32_t val)
{
        return futex_timed(uaddr, op, val, NULL);
}

void *wsbx_ep_alloc(wsbx_endpoint *ep, size_t len, uint32_t *off)
{
        if (ep->ring)
                return wsbx_ring_alloc(ep->ring, len, off);
        if (atomic_load(&ep->out->head) == atomic_load(&ep->out->tail))
                ep->cursor = 0;
        size_t start = ((size_t)ep->cursor + 15) & ~(size_t)15;
        if (len > WSBX_ARENA_SIZE || start > WSBX_ARENA_SIZE - len)
                return NULL;
        ep->cursor = (uint32_t)(start + len);
        *off = (uint32_t)start;
        return ep->out_arena + start;
}

int wsbx_ep_send(wsbx_endpoint *ep, const wsbx_msg *m)
{
        if (ep->ring) {
                int e = wsbx_ring_send(ep->ring, m);
                return e == -EPROTO ? -EPIPE : e;
        }
        struct ring *r = ep->out;
        if (atomic_load(&ep->in->closed))
                return -EPIPE;
        uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
        if (tail - atomic_load(&r->head) >= WSBX_RING_SLOTS)
                return -EAGAIN;
        r->slots[tail & (WSBX_RING_SLOTS - 1)] = *m;
        atomic_store(&r->tail, tail + 1);
        atomic_fetch_add(&r->bell, 1);
        if (atomic_load(&r->sleeping))
                futex(&r->bell, FUTEX_WAKE, INT_MAX);
        return 0;
}

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int ring_recv(wsbx_endpoint *ep, wsbx_msg *m)
{
        for (;;) {
                int e = wsbx_ring_recv(ep->ring, m, ep->wait ? ep->spin_ns : -1);
                if (e == 0) {
                        ep->stats.received++;
                        return 0;
                }
                if (e != -ETIMEDOUT)
                        return e == -EAGAIN ? -EPIPE : e;
                ep->stats.slept++;
                e = ep->wait(ep->wait_ctx);
                if (e < 0)
                        return e;
        }
}

int wsbx_ep_recv(wsbx_endpoint *ep, wsbx_msg *m)
{
        if (ep->ring)
                return ring_recv(ep, m);
        struct ring *r = ep->in;
        uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
        uint64_t deadline = 0;
        bool slept = false;
        for (uint32_t spin = 0;; spin++) {
                if (atomic_load(&r->tail) != head)
                        break;
                if (atomic_load(&r->closed))
                        return -EPIPE;
                /* The clock costs more than a turn: read it every 64. */
                if ((spin & 63) != 63) {
                        __builtin_ia32_pause();
                        continue;
                }
                uint64_t t = now_ns();
                if (ep->deadline && t >= ep->deadline)
                        return -ETIME;
                if (!deadline)
                        deadline = t + SPIN_NS;
                if (t < deadline) {
                        __builtin_ia32_pause();
                        continue;
                }
                uint32_t bell = atomic_load(&r->bell);
                atomic_store(&r->sleeping, 1);
                if (atomic_load(&r->tail) == head && !atomic_load(&r->closed)) {
                        ep->stats.slept++;
                        slept = true;
                        struct timespec rel, *relp = NULL;
                        if (ep->deadline) {
                                uint64_t left = ep->deadline > t ? ep->deadline - t : 0;
                                rel = (struct timespec){(time_t)(left / 1000000000u), (long)(left % 1000000000u)};
                                relp = &rel;
                        }
                        futex_timed(&r->bell, FUTEX_WAIT, bell, relp);
                }
                atomic_store(&r->sleeping, 0);
                deadline = 0;
        }
        ep->stats.received++;
        if (!slept)
                ep->stats.spun++;
        /* Copy once: the peer may scribble on the slot afterwards. */
        *m = r->slots[head & (WSBX_RING_SLOTS - 1)];
        return 0;
}

const uint8_t *wsbx_ep_payload(const wsbx_endpoint *ep, const wsbx_msg *m)
{
        if (ep->ring)
                return wsbx_ring_payload(ep->ring, m);
        if (m->off > WSBX_ARENA_SIZE || m->len > WSBX_ARENA_SIZE - m->off)
                return NULL;
        return ep->in_arena + m->off;
}

void wsbx_ep_release(wsbx_endpoint *ep)
{
        if (ep->ring) {
                wsbx_ring_release(ep->ring);
                return;
        }
        atomic_fetch_add(&ep->in->head, 1);
}

void wsbx_ep_hangup(wsbx_endpoint *ep)
{
        if (ep->ring) {
                wsbx_ring_hangup(ep->ring);
                return;
        }
        atomic_store(&ep->out->closed, 1);
        atomic_fetch_add(&ep->out->bell, 1);
        futex(&ep->out->bell, FUTEX_WAKE, INT_MAX);
}

void wsbx_ep_get_stats(const wsbx_endpoint *ep, wsbx_ep_stats *out)
{
        *out = ep->stats;
        if (ep->ring) {
                wsbx_ring_stats rs;
                wsbx_ring_get_stats(ep->ring, &rs);
                out->received = rs.received;
                out->spun = rs.spun;
                out->slept = rs.slept;
        }
}

bool wsbx_ep_is_local(const wsbx_endpoint *ep)
{
        return ep->ring == NULL;
}

int wsbx_sock_send_fd(int sock, char tag, int fd, int flags)
{
        struct iovec iov = {.iov_base = &tag, .iov_len = 1};
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } u;
        memset(&u, 0, sizeof u);
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
        if (fd >= 0) {
                mh.msg_control = u.buf;
                mh.msg_controllen = sizeof u.buf;
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &fd, sizeof fd);
        }
        ssize_t n;
        do
                n = sendmsg(sock, &mh, MSG_NOSIGNAL | flags);
        while (n < 0 && errno == EINTR);
        if (n != 1)
                return n < 0 ? -errno : -EIO;
        return 0;
}

int wsbx_sock_recv_fd(int sock, char *tag, int *fd, int flags)
{
        *fd = -1;
        struct iovec iov = {.iov_base = tag, .iov_len = 1};
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } u;
        memset(&u, 0, sizeof u);
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                            .msg_controllen = sizeof u.buf};
        ssize_t n;
        do
                n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        if (n == 1 && c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(sizeof(int)))
                memcpy(fd, CMSG_DATA(c), sizeof *fd);
        return (int)n;
}

int wsbx_ep_send_fd(wsbx_endpoint *ep, int fd, uint64_t *value)
{
        if (fd < 0)
                return -EBADF;
        if (!ep->ring) {
                *value = (uint64_t)fd;
                return 0;
        }
        int e = wsbx_sock_send_fd(ep->ctl, 'F', fd, MSG_DONTWAIT);
        if (e < 0)
                return e;
        *value = 0;
        return 0;
}

int wsbx_ep_recv_fd(wsbx_endpoint *ep, uint64_t value)
{
        if (!ep->ring) {
                if (value > INT32_MAX)
                        return -EBADF;
                int fd = fcntl((int)value, F_DUPFD_CLOEXEC, 0);
                return fd < 0 ? -errno : fd;
        }
        char tag;
        int fd;
        int n = wsbx_sock_recv_fd(ep->ctl, &tag, &fd, MSG_DONTWAIT);
        if (n < 0)
                return n;
        return n == 1 && fd >= 0 ? fd : -EPROTO;
}

wsbx_endpoint *wsbx_ep_ring_new(wsbx_ring *ring, int ctl)
{
        wsbx_endpoint *ep = calloc(1, sizeof *ep);
        if (!ep)
                return NULL;
        ep->ring = ring;
        ep->ctl = ctl;
        return ep;
}

void wsbx_ep_set_deadline(wsbx_endpoint *ep, uint64_t at_ns)
{
        ep->deadline = at_ns;
}

void wsbx_ep_set_wait(wsbx_endpoint *ep, int64_t spin_ns, int (*wait)(void *ctx), void *ctx)
{
        ep->spin_ns = spin_ns;
        ep->wait = wait;
        ep->wait_ctx = ctx;
}

void wsbx_ep_ring_delete(wsbx_endpoint *ep)
{
        free(ep);
}

static void *worker_thread(void *p)
{
        wsbx_loopback *lb = p;
        lb->fn(&lb->work, lb->arg);
        /* Whatever the worker did, the supervisor must not wait forever. */
        wsbx_ep_hangup(&lb->work);
        return NULL;
}

int wsbx_loopback_start(wsbx_worker_fn fn, void *arg, wsbx_loopback **out, wsbx_endpoint **sup)
{
        wsbx_loopback *lb = calloc(1, sizeof *lb);
        if (!lb)
                return -ENOMEM;
        void *mem = mmap(NULL, sizeof(struct chan), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                         -1, 0);
        if (mem == MAP_FAILED) {
                int e = -errno;
                free(lb);
                return e;
        }
        lb->chan = mem;
        lb->sup = (wsbx_endpoint){.out = &lb->chan->sq, .in = &lb->chan->cq, .out_arena = lb->chan->sq_arena,
                                  .in_arena = lb->chan->cq_arena, .ctl = -1};
        lb->work = (wsbx_endpoint){.out = &lb->chan->cq, .in = &lb->chan->sq, .out_arena = lb->chan->cq_arena,
                                   .in_arena = lb->chan->sq_arena, .ctl = -1};
        lb->fn = fn;
        lb->arg = arg;
        /* The worker runs guest code that may need deep host frames
         * (nested calls); give its thread a stack of known size. */
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 8u << 20);
        int e = pthread_create(&lb->thread, &attr, worker_thread, lb);
        pthread_attr_destroy(&attr);
        if (e) {
                munmap(lb->chan, sizeof(struct chan));
                free(lb);
                return -e;
        }
        *out = lb;
        *sup = &lb->sup;
        return 0;
}

void wsbx_loopback_abandon(wsbx_loopback *lb)
{
        lb->abandoned = true;
#if WSBX_SANITIZER_BUILD
        /* Leak checking cannot see the thread's own stack while it runs
         * guest code on another one: make that stack a root, and the
         * channel it keeps a known leak, so that ending the process with
         * it running is not reported as leaking. */
        pthread_attr_t a;
        void *addr;
        size_t size;
        if (pthread_getattr_np(lb->thread, &a) == 0) {
                if (pthread_attr_getstack(&a, &addr, &size) == 0)
                        __lsan_register_root_region(addr, size);
                pthread_attr_destroy(&a);
        }
        __lsan_ignore_object(lb);
#endif
}

void wsbx_loopback_stop(wsbx_loopback *lb)
{
        if (!lb)
                return;
        wsbx_ep_hangup(&lb->sup);
        if (lb->abandoned) {
                /* Its thread runs guest code that cannot be stopped: it
                 * keeps the channel (never freed) until the process ends. */
                pthread_detach(lb->thread);
                return;
        }
        pthread_join(lb->thread, NULL);
        munmap(lb->chan, sizeof(struct chan));
        free(lb);
}
