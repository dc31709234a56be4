/* uring.c - the supervisor's event loop on one io_uring.
 *
 * The loop waits, in one io_uring_enter, on every worker's completion
 * doorbell, every worker's exit and every worker's deadline, and turns
 * what it sees into typed events. io_uring lives here only: workers never
 * get a ring (seccomp denies them the syscalls).
 *
 * Doorbells: per worker, one IORING_OP_FUTEX_WAIT on the `seq` word of
 * its completion ring, armed through wsbx_ring_arm (which publishes
 * `sleeping` and re-checks the ring, so a completion posted in between is
 * seen, not slept through). liburing 2.3 has no futex helpers, so the
 * SQEs are filled by hand: fd = FUTEX2_SIZE_U32 (not FUTEX2_PRIVATE: the
 * word is shared with another process), addr = word, addr2 = expected
 * value, addr3 = the mask (0 would be EINVAL). Kernels without
 * IORING_OP_FUTEX_WAIT (before 6.7; probed once per process) get the
 * eventfd fallback: the ring writes an eventfd beside its FUTEX_WAKE when
 * the supervisor sleeps, and the loop reads that eventfd instead.
 * Exits: IORING_OP_POLL_ADD(POLLIN) on the pidfd. Deadlines:
 * IORING_OP_TIMEOUT, one per worker, removed when cleared.
 *
 * Completion readiness is level-triggered: each wait re-arms the
 * doorbell of every worker and reports at once those whose ring already
 * holds work, so an event the caller did not drain comes back. Exit,
 * deadline and broken-ring events are reported once; they are kept as
 * flags on the worker until a wait has room for them, so none is lost
 * when `max` is small.
 *
 * One loop serves every worker of a thread (process.c): a session
 * waiting for its own worker (wsbx_sup_loop_wait_for) sleeps in the same
 * io_uring_enter that also collects the other workers' exits and
 * completions; theirs stay as flags on their records, reported when
 * their sessions next wait. A worker whose ring holds unclaimed work gets
 * no doorbell wait, so it cannot wake the loop over and over.
 *
 * user_data names a request by (kind, worker slot, generation); a
 * completion for a removed worker (its slot's generation moved on) is
 * dropped. Worker records are never freed while the loop lives, because
 * an eventfd read in flight may still write into one.
 */
#include "sandbox_int.h"

#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

/* Not in liburing 2.3's header nor the 6.1 uapi headers (kernel 6.7). */
#define OP_FUTEX_WAIT 51
#define FUTEX2_SIZE_U32 0x02u
#define FUTEX_MASK_ANY 0xffffffffu

enum { UD_BELL = 1, UD_EXIT, UD_DEADLINE, UD_IGNORE };

struct wk {
        wsbx_ring *ring;
        int pidfd, efd;
        uint64_t cookie;
        uint32_t gen;
        bool used;
        bool bell_armed;        /* a FUTEX_WAIT or eventfd read is in flight */
        bool exit_armed, deadline_armed;
        bool broken_seen;
        bool pend_cpl, pend_exit, pend_deadline, pend_broken;
        uint64_t efd_buf;
        struct __kernel_timespec dl;
};

struct wsbx_sup_loop {
        struct io_uring ring;
        bool futex_ok;
        uint64_t spin_ns;
        struct wk **w;
        unsigned nw, cap;
};

/* Probed once per process: -1 unknown, 0 no, 1 yes. */
static _Atomic int futex_probe = -1;

static bool have_futex_ops(struct io_uring *ring)
{
        int v = atomic_load(&futex_probe);
        if (v >= 0)
                return v;
        struct io_uring_probe *p = io_uring_get_probe_ring(ring);
        v = p && io_uring_opcode_supported(p, OP_FUTEX_WAIT);
        if (p)
                io_uring_free_probe(p);
        atomic_store(&futex_probe, v);
        return v;
}

static uint64_t ud(unsigned kind, unsigned idx, uint32_t gen)
{
        return (uint64_t)kind | (uint64_t)idx << 8 | (uint64_t)gen << 32;
}

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* An SQE, submitting what is queued when the submission ring is full. */
static struct io_uring_sqe *get_sqe(wsbx_sup_loop *l)
{
        struct io_uring_sqe *sqe = io_uring_get_sqe(&l->ring);
        if (!sqe) {
                io_uring_submit(&l->ring);
                sqe = io_uring_get_sqe(&l->ring);
        }
        return sqe;
}

int wsbx_sup_loop_new(unsigned flags, wsbx_sup_loop **out)
{
        wsbx_sup_loop *l = calloc(1, sizeof *l);
        if (!l)
                return -ENOMEM;
        /* SINGLE_ISSUER | DEFER_TASKRUN: completions are only run when
         * this thread enters the kernel to wait for them, which is when
         * it wants them; older kernels refuse the flags, then plain. */
        struct io_uring_params p = {.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN};
        int e = io_uring_queue_init_params(256, &l->ring, &p);
        if (e == -EINVAL) {
                memset(&p, 0, sizeof p);
                e = io_uring_queue_init_params(256, &l->ring, &p);
        }
        if (e < 0) {
                free(l);
                return e;
        }
        l->futex_ok = have_futex_ops(&l->ring) && !(flags & WSBX_SUP_LOOP_F_NO_FUTEX);
        *out = l;
        return 0;
}

void wsbx_sup_loop_delete(wsbx_sup_loop *l)
{
        if (!l)
                return;
        /* Exiting the ring cancels whatever is in flight. */
        io_uring_queue_exit(&l->ring);
        for (unsigned i = 0; i < l->nw; i++)
                free(l->w[i]);
        free(l->w);
        free(l);
}

bool wsbx_sup_loop_uses_futex(const wsbx_sup_loop *l)
{
        return l->futex_ok;
}

void wsbx_sup_loop_set_spin(wsbx_sup_loop *l, uint64_t ns)
{
        l->spin_ns = ns;
}

static struct wk *find(wsbx_sup_loop *l, uint64_t cookie, unsigned *idx)
{
        for (unsigned i = 0; i < l->nw; i++) {
                if (l->w[i]->used && l->w[i]->cookie == cookie) {
                        if (idx)
                                *idx = i;
                        return l->w[i];
                }
        }
        return NULL;
}

int wsbx_sup_loop_add_worker(wsbx_sup_loop *l, wsbx_ring *ring, int pidfd, uint64_t cookie,
                             int *wake_fd)
{
        if (wake_fd)
                *wake_fd = -1;
        if (wsbx_ring_get_side(ring) != WSBX_RING_SUPERVISOR)
                return -EINVAL;
        if (find(l, cookie, NULL))
                return -EEXIST;
        unsigned idx = 0;
        while (idx < l->nw && l->w[idx]->used)
                idx++;
        if (idx >= (1u << 24))
                return -ENOSPC;
        if (idx == l->nw) {
                if (l->nw == l->cap) {
                        unsigned cap = l->cap ? 2 * l->cap : 8;
                        struct wk **nw = realloc(l->w, cap * sizeof *nw);
                        if (!nw)
                                return -ENOMEM;
                        l->w = nw;
                        l->cap = cap;
                }
                struct wk *w = calloc(1, sizeof *w);
                if (!w)
                        return -ENOMEM;
                l->w[l->nw++] = w;
        }
        struct wk *w = l->w[idx];
        int efd = -1;
        bool new_efd = false;
        if (!l->futex_ok) {
                /* A ring watched before keeps its eventfd: its worker may
                 * already hold a copy. */
                efd = wsbx_ring_wake_fd(ring);
                if (efd < 0) {
                        efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
                        if (efd < 0)
                                return -errno;
                        new_efd = true;
                }
        }
        uint32_t gen = w->gen + 1;
        memset(w, 0, sizeof *w);
        w->gen = gen;
        w->used = true;
        w->ring = ring;
        w->pidfd = pidfd;
        w->efd = efd;
        w->cookie = cookie;
        if (efd >= 0) {
                if (new_efd)
                        wsbx_ring_set_wake_fd(ring, efd);
                if (wake_fd)
                        *wake_fd = efd;
        }
        if (pidfd >= 0) {
                struct io_uring_sqe *sqe = get_sqe(l);
                if (sqe) {
                        io_uring_prep_poll_add(sqe, pidfd, POLLIN);
                        io_uring_sqe_set_data64(sqe, ud(UD_EXIT, idx, w->gen));
                        w->exit_armed = true;
                }
        }
        return 0;
}

static void cancel(wsbx_sup_loop *l, unsigned kind, unsigned idx, uint32_t gen)
{
        struct io_uring_sqe *sqe = get_sqe(l);
        if (!sqe)
                return;
        io_uring_prep_cancel64(sqe, ud(kind, idx, gen), 0);
        io_uring_sqe_set_data64(sqe, ud(UD_IGNORE, 0, 0));
}

int wsbx_sup_loop_remove_worker(wsbx_sup_loop *l, uint64_t cookie)
{
        unsigned idx;
        struct wk *w = find(l, cookie, &idx);
        if (!w)
                return -ENOENT;
        if (w->bell_armed)
                cancel(l, UD_BELL, idx, w->gen);
        if (w->exit_armed)
                cancel(l, UD_EXIT, idx, w->gen);
        if (w->deadline_armed)
                cancel(l, UD_DEADLINE, idx, w->gen);
        wsbx_ring_disarm(w->ring);
        /* The eventfd belongs to the ring (set_wake_fd); forget it here. */
        w->used = false;
        w->gen++;
        io_uring_submit(&l->ring);
        return 0;
}

int wsbx_sup_loop_set_deadline(wsbx_sup_loop *l, uint64_t cookie, uint64_t ns)
{
        unsigned idx;
        struct wk *w = find(l, cookie, &idx);
        if (!w)
                return -ENOENT;
        struct io_uring_sqe *sqe;
        if (w->deadline_armed) {
                sqe = get_sqe(l);
                if (!sqe)
                        return -EBUSY;
                io_uring_prep_timeout_remove(sqe, ud(UD_DEADLINE, idx, w->gen), 0);
                io_uring_sqe_set_data64(sqe, ud(UD_IGNORE, 0, 0));
                w->deadline_armed = false;
        }
        w->pend_deadline = false;
        if (!ns) {
                io_uring_submit(&l->ring);
                return 0;
        }
        sqe = get_sqe(l);
        if (!sqe)
                return -EBUSY;
        w->dl.tv_sec = (long long)(ns / 1000000000u);
        w->dl.tv_nsec = (long long)(ns % 1000000000u);
        io_uring_prep_timeout(sqe, &w->dl, 0, 0);
        io_uring_sqe_set_data64(sqe, ud(UD_DEADLINE, idx, w->gen));
        w->deadline_armed = true;
        /* The kernel reads the timespec at submission: submit now, so a
         * later set_deadline may reuse w->dl. */
        io_uring_submit(&l->ring);
        return 0;
}

/* Looks at a worker's completion ring without sleeping: notes work or
 * breakage. Returns whether it found either. */
static bool poll_ring(struct wk *w)
{
        int p = wsbx_ring_pending(w->ring);
        if (p < 0) {
                if (!w->broken_seen)
                        w->pend_broken = true;
                return !w->broken_seen;
        }
        if (p > 0)
                w->pend_cpl = true;
        return p > 0;
}

/* Arms the doorbell wait of every worker that has none in flight, or
 * notes at once those with work. Returns whether any has work (with
 * `only`, whether that worker has). */
static bool arm_all(wsbx_sup_loop *l, const struct wk *only)
{
        bool any = false;
        for (unsigned i = 0; i < l->nw; i++) {
                struct wk *w = l->w[i];
                if (!w->used || w->bell_armed || w->broken_seen)
                        continue;
                _Atomic uint32_t *word;
                uint32_t val;
                int p = wsbx_ring_arm(w->ring, &word, &val);
                if (p != 0) {
                        wsbx_ring_disarm(w->ring);
                        bool got = poll_ring(w);
                        if (!only || w == only)
                                any |= got;
                        continue;
                }
                struct io_uring_sqe *sqe = get_sqe(l);
                if (!sqe) {
                        wsbx_ring_disarm(w->ring);
                        continue;
                }
                if (l->futex_ok) {
                        memset(sqe, 0, sizeof *sqe);
                        sqe->opcode = OP_FUTEX_WAIT;
                        sqe->fd = FUTEX2_SIZE_U32;
                        sqe->addr = (uint64_t)(uintptr_t)word;
                        sqe->off = val;
                        sqe->addr3 = FUTEX_MASK_ANY;
                } else {
                        io_uring_prep_read(sqe, w->efd, &w->efd_buf, sizeof w->efd_buf, 0);
                }
                io_uring_sqe_set_data64(sqe, ud(UD_BELL, i, w->gen));
                w->bell_armed = true;
        }
        return any;
}

static void harvest(wsbx_sup_loop *l)
{
        struct io_uring_cqe *cqe;
        unsigned head, n = 0;
        io_uring_for_each_cqe(&l->ring, head, cqe) {
                n++;
                uint64_t d = io_uring_cqe_get_data64(cqe);
                unsigned kind = d & 0xff, idx = (d >> 8) & 0xffffff;
                uint32_t gen = (uint32_t)(d >> 32);
                if (kind == UD_IGNORE || idx >= l->nw)
                        continue;
                struct wk *w = l->w[idx];
                if (!w->used || w->gen != gen)
                        continue;
                switch (kind) {
                case UD_BELL:
                        w->bell_armed = false;
                        wsbx_ring_disarm(w->ring);
                        poll_ring(w);
                        break;
                case UD_EXIT:
                        w->exit_armed = false;
                        w->pend_exit = true;
                        break;
                case UD_DEADLINE:
                        w->deadline_armed = false;
                        if (cqe->res == -ETIME)
                                w->pend_deadline = true;
                        break;
                }
        }
        io_uring_cq_advance(&l->ring, n);
}

/* `only`: report this worker's events alone (NULL: everyone's). */
static unsigned emit(wsbx_sup_loop *l, wsbx_sup_event *ev, unsigned max, const struct wk *only)
{
        unsigned n = 0;
        for (unsigned i = 0; i < l->nw && n < max; i++) {
                struct wk *w = l->w[i];
                if (!w->used || (only && w != only))
                        continue;
                if (w->pend_broken && n < max) {
                        w->pend_broken = false;
                        w->broken_seen = true;
                        ev[n++] = (wsbx_sup_event){WSBX_SUP_EV_BROKEN, w->cookie};
                }
                if (w->pend_exit && n < max) {
                        w->pend_exit = false;
                        ev[n++] = (wsbx_sup_event){WSBX_SUP_EV_EXIT, w->cookie};
                }
                if (w->pend_deadline && n < max) {
                        w->pend_deadline = false;
                        ev[n++] = (wsbx_sup_event){WSBX_SUP_EV_DEADLINE, w->cookie};
                }
                if (w->pend_cpl && n < max) {
                        w->pend_cpl = false;
                        ev[n++] = (wsbx_sup_event){WSBX_SUP_EV_COMPLETION, w->cookie};
                }
        }
        return n;
}

static bool any_pending(const wsbx_sup_loop *l, const struct wk *only)
{
        for (unsigned i = 0; i < l->nw; i++) {
                const struct wk *w = l->w[i];
                if (w->used && (!only || w == only) &&
                    (w->pend_cpl || w->pend_exit || w->pend_deadline || w->pend_broken))
                        return true;
        }
        return false;
}

static int wait_events(wsbx_sup_loop *l, const struct wk *only, wsbx_sup_event *ev, unsigned max,
                       int64_t timeout_ns)
{
        if (!max)
                return -EINVAL;
        uint64_t start = now_ns();
        /* Hot path: a worker that answers within the spin budget is seen
         * without a syscall (a cross-CPU wake costs tens of µs on VMs). */
        if (l->spin_ns && !any_pending(l, only)) {
                for (uint32_t turn = 1;; turn++) {
                        bool got = false;
                        for (unsigned i = 0; i < l->nw; i++)
                                if (l->w[i]->used && !l->w[i]->broken_seen && (!only || l->w[i] == only))
                                        got |= poll_ring(l->w[i]);
                        if (got)
                                return (int)emit(l, ev, max, only);
                        if (!(turn & 15) && now_ns() - start >= l->spin_ns)
                                break;
                        __builtin_ia32_pause();
                }
        }
        for (;;) {
                bool ready = arm_all(l, only) || any_pending(l, only);
                int e;
                if (ready) {
                        e = io_uring_submit_and_get_events(&l->ring);
                } else {
                        struct io_uring_cqe *cqe;
                        struct __kernel_timespec ts, *tsp = NULL;
                        if (timeout_ns >= 0) {
                                uint64_t el = now_ns() - start;
                                uint64_t left = el >= (uint64_t)timeout_ns ? 0 : (uint64_t)timeout_ns - el;
                                ts.tv_sec = (long long)(left / 1000000000u);
                                ts.tv_nsec = (long long)(left % 1000000000u);
                                tsp = &ts;
                        }
                        e = io_uring_submit_and_wait_timeout(&l->ring, &cqe, 1, tsp, NULL);
                        if (e == -ETIME || e == -EINTR)
                                e = 0;
                }
                if (e < 0)
                        return e;
                harvest(l);
                unsigned n = emit(l, ev, max, only);
                if (n)
                        return (int)n;
                if (timeout_ns >= 0 && now_ns() - start >= (uint64_t)timeout_ns)
                        return 0;
        }
}

int wsbx_sup_loop_wait(wsbx_sup_loop *l, wsbx_sup_event *ev, unsigned max, int64_t timeout_ns)
{
        return wait_events(l, NULL, ev, max, timeout_ns);
}

int wsbx_sup_loop_wait_for(wsbx_sup_loop *l, uint64_t cookie, wsbx_sup_event *ev, unsigned max,
                           int64_t timeout_ns)
{
        struct wk *w = find(l, cookie, NULL);
        if (!w)
                return -ENOENT;
        return wait_events(l, w, ev, max, timeout_ns);
}
