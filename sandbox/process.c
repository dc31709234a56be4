/* process.c - a session's worker as a jailed process over shared rings.
 *
 * wsbx_proc_start creates the ring memfd (ring.c) and a control socket
 * pair, and spawns the worker with wsbx_jail_spawn, handing over only the
 * ring memfd, its end of the socket, the stdio descriptors of the WASI
 * configuration and the preopened directories (and an eventfd where the
 * supervisor loop has no futex operations). The child maps the ring,
 * closes every descriptor of it, creates its store (signal handlers,
 * guest stack) and then locks itself down (wsbx_jail_lockdown: Landlock,
 * no_new_privs, the seccomp allowlist last), before it maps any guest
 * code; from then on executable pages come only from artifact memfds the
 * supervisor sends over the control socket (SCM_RIGHTS).
 *
 * The supervisor side waits in one io_uring loop per thread (uring.c),
 * shared by every session that thread opened: each worker is registered
 * under its own cookie (completion doorbell, exit pidfd, the call's
 * deadline), and a session waits for its worker's events only; the
 * others' stay pending in the loop until their sessions next wait. The
 * loop lives while the thread has sessions (created by the first, freed
 * with the last). Its io_uring is SINGLE_ISSUER: a session is driven on
 * the thread that opened it. A deadline first bumps the epoch word in the ring
 * memory, which compiled code with epoch checks polls (the call then
 * traps "interrupted"); a worker still busy after GRACE_NS is killed
 * through its pidfd. A worker's death is decoded once (wsbx_jail_wait:
 * exit, signal, seccomp kill with the syscall from the report page, out
 * of memory through its cgroup) into the cause every failed call reports.
 */
#include "loader.h"
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define RING_SLOTS 256u
#define RING_ARENA (2u << 20)
#define SUP_SPIN_NS 5000
#define GRACE_NS (50u * 1000000u)
#define CLOSE_WAIT_MS 2000
#define WORKER_PIDS_MAX 16u
#define WORKER_NOFILE 16384u
#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW _IO(0xAA, 0x00)
#endif

enum { DL_NONE, DL_ARMED, DL_GRACE, DL_KILLED };

struct wsbx_proc {
        wsbx_ring *ring;
        wsbx_endpoint *ep;
        int ctl;                /* the supervisor's end of the socket pair */
        wsbx_jail_child child;
        bool spawned;
        struct loop_share *share; /* the thread's loop, while registered */
        wsbx_sup_loop *loop;      /* share->loop */
        uint64_t cookie;          /* the worker's name in the loop */
        bool watched;             /* added to the loop */
        bool exited;            /* the loop reported the exit */
        bool dead;              /* cause holds why */
        int dl_state;
        bool deadline_hit;      /* the last armed call met its deadline */
        char cause[WSBX_STATUS_MSG_MAX];
        /* Lazy snapshots: the worker's userfaultfd (bound to its memory)
         * and the thread serving it; closed only once the worker is gone. */
        int uffd;
        wsbx_uffd_server *pager;
        wsbx_uffd_stats pager_final; /* its counters once stopped */
        int pager_failed;       /* atomic: the pager killed the worker */
        bool pager_stopped;     /* wsbx_proc_pager_test_stop */
        bool pager_pending;     /* the worker's uffd not taken yet */
        uint32_t pager_timeout_ms;
};

/* The event loop of one thread's sessions. */
struct loop_share {
        wsbx_sup_loop *loop;
        unsigned users;
        uint64_t next_cookie;
};
static _Thread_local struct loop_share *thread_loop;

/* Joins this thread's loop, creating it for the first session. */
static int loop_join(wsbx_proc *p)
{
        struct loop_share *sh = thread_loop;
        if (!sh) {
                sh = calloc(1, sizeof *sh);
                if (!sh)
                        return -ENOMEM;
                thread_loop = sh;
        }
        if (!sh->loop) {
                int e = wsbx_sup_loop_new(0, &sh->loop);
                if (e < 0)
                        return e;
        }
        sh->users++;
        p->share = sh;
        p->loop = sh->loop;
        p->cookie = ++sh->next_cookie;
        return 0;
}

/* Leaves it; the last session frees the loop. A session closed on
 * another thread than its opener's leaves the record to its owner. */
static void loop_leave(wsbx_proc *p)
{
        struct loop_share *sh = p->share;
        if (!sh)
                return;
        if (p->watched)
                wsbx_sup_loop_remove_worker(sh->loop, p->cookie);
        p->share = NULL;
        p->loop = NULL;
        if (--sh->users)
                return;
        wsbx_sup_loop_delete(sh->loop);
        sh->loop = NULL;
        if (thread_loop == sh) {
                thread_loop = NULL;
                free(sh);
        }
}

/* What the child needs; lives in the parent's memory, which the child
 * starts with a copy of. */
struct child_args {
        wsbx_jail_policy pol;
        int ring_fd, ctl_fd, wake_fd;
        wsbx_wasi_config wasi;
        uint32_t pool_instances;
        uint64_t pool_keep_resident;
        bool memory_quota;
        int uffd_dev;           /* /dev/userfaultfd, or -1 */
};

static int child_lockdown(void *ctx)
{
        const struct child_args *a = ctx;
        wsbx_jail_mark(WSBX_JAIL_T_STORE);
        int rc = wsbx_jail_lockdown(&a->pol) < 0;
        wsbx_jail_mark(WSBX_JAIL_T_LOCKED);
        return rc;
}

static int child_serve(struct child_args *a);

#if WSBX_SANITIZER_BUILD
/* Sanitizer builds: the runtime asks glibc for the stack bounds of the
 * thread it unwinds from (siglongjmp out of a trap), and for the process's
 * first thread glibc reads /proc/self/maps, which the jail hides. A thread
 * of our own has known bounds; it starts before lockdown, and the filter
 * (TSYNC) covers both. Normal builds stay single-threaded. */
#include <pthread.h>

static void *serve_thread(void *arg)
{
        return (void *)(intptr_t)child_serve(arg);
}

static int child_main(void *arg)
{
        pthread_t t;
        pthread_attr_t attr;
        void *rv = NULL;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 8u << 20);
        int e = pthread_create(&t, &attr, serve_thread, arg);
        pthread_attr_destroy(&attr);
        if (e)
                return WSBX_JAIL_SETUP_FAILED;
        pthread_join(t, &rv);
        return (int)(intptr_t)rv;
}
#else
static int child_main(void *arg)
{
        return child_serve(arg);
}
#endif

/* Before lockdown: the worker's userfaultfd, made from /dev/userfaultfd
 * (so that faults in kernel mode, inside a system call, are reported
 * too), the API handshake done, sent to the supervisor over the control
 * socket and closed here: the worker keeps no handle on its own lazy
 * pages. A byte without a descriptor says it could not be made. */
static void child_send_uffd(struct child_args *a)
{
        int fd = ioctl(a->uffd_dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
        close(a->uffd_dev);
        a->uffd_dev = -1;
        if (fd >= 0 && wsbx_uffd_api(fd) < 0) {
                close(fd);
                fd = -1;
        }
        wsbx_sock_send_fd(a->ctl_fd, fd >= 0 ? 'U' : 'N', fd, 0);
        if (fd >= 0)
                close(fd);
}

static int child_serve(struct child_args *a)
{
        wsbx_ring *r;
        wsbx_jail_mark(WSBX_JAIL_T_MAIN);
        if (a->uffd_dev >= 0)
                child_send_uffd(a);
        /* /proc is gone: scan dirty pages through the descriptor the jail
         * opened before, or reset whole memories. */
        wsbx_memory_set_pagemap(wsbx_jail_pagemap_fd());
        if (wsbx_ring_attach(a->ring_fd, &r) < 0)
                return WSBX_JAIL_SETUP_FAILED;
        /* No descriptor of the shared, writable ring memory stays open:
         * nothing could be mapped executable from it. */
        close(a->ring_fd);
        wsbx_ring_close_fd(r);
        if (a->wake_fd >= 0)
                wsbx_ring_set_wake_fd(r, a->wake_fd);
        wsbx_endpoint *ep = wsbx_ep_ring_new(r, a->ctl_fd);
        if (!ep)
                return WSBX_JAIL_SETUP_FAILED;
        wsbx_worker_env env = {
                .wasi = &a->wasi,
                .epoch = (const uint64_t *)wsbx_ring_epoch(r),
                .ready = child_lockdown,
                .ready_ctx = a,
                .no_teardown = true,
                .pool_instances = a->pool_instances,
                .pool_keep_resident = a->pool_keep_resident,
                .memory_quota = a->memory_quota,
        };
        wsbx_worker_main(ep, &env);
        wsbx_ring_hangup(r);
        return 0;
}

__attribute__((format(printf, 2, 3))) static void set_cause(wsbx_proc *p, const char *fmt, ...)
{
        if (p->dead)
                return;
        p->dead = true;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->cause, sizeof p->cause, fmt, ap);
        va_end(ap);
}

/* The worker ended: reap it and say why, once. */
static void reap(wsbx_proc *p)
{
        if (p->child.reaped || !p->spawned)
                return;
        wsbx_jail_death d;
        int wr = wsbx_jail_wait(&p->child, &d);
        if (p->pager && __atomic_load_n(&p->pager_failed, __ATOMIC_ACQUIRE)) {
                int f = wsbx_uffd_server_failure(p->pager);
                if (f == -ETIMEDOUT)
                        set_cause(p, "worker killed: a lazy page was not served in time");
                else if (f == -EDQUOT)
                        set_cause(p, "worker killed: memory quota exceeded (this kernel cannot poison a page)");
                else
                        set_cause(p, "worker killed: a lazy page could not be served: %s", strerror(-f));
        }
        if (wr < 0) {
                set_cause(p, "worker ended");
                return;
        }
        switch (d.cause) {
        case WSBX_JAIL_SECCOMP:
                set_cause(p, "worker killed: forbidden system call %s",
                          d.syscall_name[0] ? d.syscall_name : "(unknown)");
                break;
        case WSBX_JAIL_OOM:
                set_cause(p, "worker killed: out of memory");
                break;
        case WSBX_JAIL_SIGNALED:
                set_cause(p, "worker killed by signal %s (%d)", strsignal(d.status), d.status);
                break;
        default:
                if (d.status == WSBX_JAIL_SETUP_FAILED)
                        set_cause(p, "worker could not set up its jail (exit status %d)", d.status);
                else
                        set_cause(p, "worker exited with status %d", d.status);
                break;
        }
}

void wsbx_proc_fail(wsbx_proc *p, const char *why)
{
        set_cause(p, "%s", why);
        if (p->spawned && !p->child.reaped)
                wsbx_jail_kill(&p->child);
}

static int proc_wait(void *ctx)
{
        wsbx_proc *p = ctx;
        for (;;) {
                if (p->exited || p->dead) {
                        int pend = wsbx_ring_pending(p->ring);
                        if (pend > 0 && !p->dead)
                                return 0;
                        reap(p);
                        return p->dl_state == DL_KILLED ? -ETIMEDOUT : -EPIPE;
                }
                wsbx_sup_event ev[4];
                int n = wsbx_sup_loop_wait_for(p->loop, p->cookie, ev, 4, -1);
                if (n == -EINTR)
                        continue;
                if (n < 0) {
                        wsbx_proc_fail(p, "the supervisor's event loop failed");
                        return n;
                }
                bool ready = false;
                for (int i = 0; i < n; i++) {
                        if (ev[i].cookie != p->cookie)
                                continue;
                        switch (ev[i].kind) {
                        case WSBX_SUP_EV_COMPLETION:
                                ready = true;
                                break;
                        case WSBX_SUP_EV_EXIT:
                                p->exited = true;
                                break;
                        case WSBX_SUP_EV_BROKEN:
                                wsbx_proc_fail(p, "worker killed: it corrupted its rings");
                                break;
                        case WSBX_SUP_EV_DEADLINE:
                                if (p->dl_state == DL_ARMED) {
                                        /* Interrupt: compiled code polls the word. */
                                        atomic_fetch_add(wsbx_ring_epoch(p->ring), 1);
                                        p->deadline_hit = true;
                                        p->dl_state = DL_GRACE;
                                        wsbx_sup_loop_set_deadline(p->loop, p->cookie, GRACE_NS);
                                } else if (p->dl_state == DL_GRACE) {
                                        p->dl_state = DL_KILLED;
                                        wsbx_proc_fail(p, "deadline exceeded");
                                }
                                break;
                        }
                }
                if (p->exited || p->dead)
                        continue;
                if (ready)
                        return 0;
        }
}

/* The pager's failure hook (its thread): the worker is killed at once,
 * its cause recorded when it is reaped; the uffd stays open until then. */
static void pager_fail(void *ctx)
{
        wsbx_proc *p = ctx;
        __atomic_store_n(&p->pager_failed, 1, __ATOMIC_RELEASE);
        wsbx_jail_kill(&p->child);
}

static unsigned uffd_logged;

/* Takes the worker's userfaultfd from the control socket (the first
 * thing it sends, before lockdown) and starts serving it. Without one
 * the session restores by copying. */
static void pager_start(wsbx_proc *p, uint32_t timeout_ms)
{
        struct pollfd pf = {.fd = p->ctl, .events = POLLIN};
        char tag = 0;
        int fd = -1;
        if (poll(&pf, 1, CLOSE_WAIT_MS) == 1)
                wsbx_sock_recv_fd(p->ctl, &tag, &fd, MSG_DONTWAIT);
        /* From before lockdown, but checked all the same: a userfaultfd. */
        char path[64], link[64] = "";
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        ssize_t ln = fd >= 0 ? readlink(path, link, sizeof link - 1) : -1;
        if (ln > 0)
                link[ln] = 0;
        if (fd >= 0 && strcmp(link, "anon_inode:[userfaultfd]") != 0) {
                close(fd);
                fd = -1;
        }
        if (fd >= 0 && wsbx_uffd_server_start(fd, NULL, 0, NULL, 0, pager_fail, p, &p->pager) == 0) {
                p->uffd = fd;
                wsbx_uffd_server_set_timeout(p->pager, (uint64_t)(timeout_ms ? timeout_ms
                                                                              : WSBX_SESSION_PAGER_TIMEOUT_MS) *
                                                               1000000u);
                return;
        }
        if (fd >= 0)
                close(fd);
        wsbx_jail_log_once(&uffd_logged, "wsbx: the worker could not make a userfaultfd: snapshots restore by "
                                         "copying instead of lazily");
}

static unsigned eventfd_logged;
static pthread_mutex_t spawn_lock = PTHREAD_MUTEX_INITIALIZER;

int wsbx_proc_start(const wsbx_session_config *cfg, wsbx_proc **out, wsbx_endpoint **ep, char *err)
{
        *out = NULL;
        err[0] = 0;
        wsbx_proc *p = calloc(1, sizeof *p);
        struct child_args *a = calloc(1, sizeof *a);
        int sv[2] = {-1, -1};
        int e;
        if (p) {
                p->ctl = -1;
                p->uffd = -1;
                p->child.pidfd = -1;
        }
        if (a)
                a->uffd_dev = -1;
        if (!p || !a) {
                e = -ENOMEM;
                goto fail;
        }
        e = wsbx_ring_create(RING_SLOTS, RING_ARENA, &p->ring);
        if (e < 0) {
                snprintf(err, WSBX_STATUS_MSG_MAX, "worker rings: %s", strerror(-e));
                goto fail;
        }
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
                e = -errno;
                snprintf(err, WSBX_STATUS_MSG_MAX, "worker control socket: %s", strerror(-e));
                goto fail;
        }
        p->ctl = sv[0];
        e = loop_join(p);
        if (e < 0) {
                snprintf(err, WSBX_STATUS_MSG_MAX, "supervisor event loop (io_uring): %s", strerror(-e));
                goto fail;
        }
        /* Without futex operations in io_uring the loop waits on an
         * eventfd the worker's ring writes beside each wake: watch the
         * ring once now to get it, so that it is handed over at spawn. */
        int wake_fd = -1;
        if (!wsbx_sup_loop_uses_futex(p->loop)) {
                wsbx_jail_log_once(&eventfd_logged, "wsbx: this kernel's io_uring has no futex operations: "
                                                    "workers wake the supervisor through an eventfd (slower)");
                e = wsbx_sup_loop_add_worker(p->loop, p->ring, -1, p->cookie, &wake_fd);
                if (e == 0)
                        e = wsbx_sup_loop_remove_worker(p->loop, p->cookie);
                if (e < 0 || wake_fd < 0) {
                        e = e < 0 ? e : -EIO;
                        snprintf(err, WSBX_STATUS_MSG_MAX, "supervisor event loop: %s", strerror(-e));
                        goto fail;
                }
        }

        /* What the child keeps, under the numbers it has here. */
        wsbx_jail_policy *pol = &a->pol;
        wsbx_jail_policy_init(pol);
        pol->cgroup = true;
        pol->memory_max = cfg->memory_max ? cfg->memory_max : WSBX_SESSION_MEMORY_DEFAULT;
        pol->pids_max = WORKER_PIDS_MAX;
        /* The guest writes to its stdio (which may be a redirected file)
         * and to files in its preopens; the cgroup bounds memory, not this. */
        pol->file_writes = true;
        /* A pooled store resets instances by their dirty pages. */
        pol->pagemap = cfg->pool_instances > 0;
        /* The loader keeps one descriptor per loaded module, and a spec
         * script loads hundreds; only the supervisor can send them. */
        struct rlimit rl;
        pol->nofile = WORKER_NOFILE;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY && rl.rlim_max < WORKER_NOFILE)
                pol->nofile = (unsigned)rl.rlim_max;
        int keep[WSBX_JAIL_MAX_FDS + WSBX_JAIL_MAX_PREOPENS + 8];
        size_t nkeep = 0;
        a->ring_fd = wsbx_ring_fd(p->ring);
        a->ctl_fd = sv[1];
        a->wake_fd = -1;
        a->wasi = cfg->wasi;
        a->pool_instances = cfg->pool_instances;
        a->pool_keep_resident = cfg->pool_keep_resident;
        a->memory_quota = cfg->memory_quota != 0;
        keep[nkeep++] = a->ring_fd;
        keep[nkeep++] = a->ctl_fd;
        if (cfg->lazy_snapshots || cfg->memory_quota) {
                /* Root-only on most hosts: the worker gets the open file,
                 * makes its userfaultfd before lockdown and closes it. */
                a->uffd_dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
                if (a->uffd_dev >= 0)
                        keep[nkeep++] = a->uffd_dev;
                else
                        wsbx_jail_log_once(&uffd_logged, "wsbx: cannot open /dev/userfaultfd: snapshots restore "
                                                         "by copying instead of lazily");
        }
        if (wake_fd >= 0) {
                a->wake_fd = wake_fd;
                keep[nkeep++] = wake_fd;
                pol->rw_fds[pol->n_rw_fds++] = wake_fd;
        }
        pol->ctl_fds[pol->n_ctl_fds++] = a->ctl_fd;
        bool stdio_default = !cfg->wasi.stdio[0] && !cfg->wasi.stdio[1] && !cfg->wasi.stdio[2];
        for (int i = 0; i < 3; i++) {
                int fd = stdio_default ? i : cfg->wasi.stdio[i];
                a->wasi.stdio[i] = fd;
                if (fd < 0)
                        continue;
                keep[nkeep++] = fd;
                pol->rw_fds[pol->n_rw_fds++] = fd;
        }
#if WSBX_SANITIZER_BUILD
        /* The sanitizer runtime reports on stderr. */
        if (!stdio_default && cfg->wasi.stdio[2] != 2) {
                keep[nkeep++] = 2;
                pol->rw_fds[pol->n_rw_fds++] = 2;
        }
#endif
        if (cfg->wasi.npreopens > WSBX_JAIL_MAX_PREOPENS) {
                e = -E2BIG;
                snprintf(err, WSBX_STATUS_MSG_MAX, "too many preopened directories (at most %d)",
                         WSBX_JAIL_MAX_PREOPENS);
                goto fail;
        }
        for (uint32_t i = 0; i < cfg->wasi.npreopens; i++) {
                int fd = cfg->wasi.preopens[i].fd;
                keep[nkeep++] = fd;
                pol->preopens[pol->n_preopens++] = (wsbx_jail_preopen){.fd = fd, .writable = true};
        }
        /* Listening sockets: accept4 is allowed on the policy's rw fds. */
        if (cfg->wasi.nsockets > WSBX_JAIL_MAX_FDS - pol->n_rw_fds) {
                e = -E2BIG;
                snprintf(err, WSBX_STATUS_MSG_MAX, "too many listening sockets (at most %u)",
                         WSBX_JAIL_MAX_FDS - pol->n_rw_fds);
                goto fail;
        }
        for (uint32_t i = 0; i < cfg->wasi.nsockets; i++) {
                keep[nkeep++] = cfg->wasi.sockets[i];
                pol->rw_fds[pol->n_rw_fds++] = cfg->wasi.sockets[i];
        }
        /* Where the worker is pid 1 of its own pid namespace, its filter
         * can be built once here and inherited. */
        /* One opener at a time: the prepared filter is process state the
         * child copies, and must not be half rewritten when it does. */
        wsbx_trace("worker: ring, socket and event loop ready");
        pthread_mutex_lock(&spawn_lock);
        if (wsbx_jail_expected_ns() & WSBX_NS_PID) {
                wsbx_seccomp_prepare(pol, 1);
                wsbx_trace("worker: seccomp filter built (once per policy)");
        }
        e = wsbx_jail_spawn(pol, keep, nkeep, child_main, a, &p->child);
        pthread_mutex_unlock(&spawn_lock);
        if (e < 0) {
                snprintf(err, WSBX_STATUS_MSG_MAX, "cannot start the worker: %s", strerror(-e));
                goto fail;
        }
        p->spawned = true;
        close(sv[1]);
        sv[1] = -1;
        if (a->uffd_dev >= 0) {
                /* Taken on first use (the first restore), so that opening
                 * the session does not wait for the worker to start. */
                close(a->uffd_dev);
                a->uffd_dev = -1;
                p->pager_pending = true;
                p->pager_timeout_ms = cfg->pager_timeout_ms;
        }
        e = wsbx_sup_loop_add_worker(p->loop, p->ring, p->child.pidfd, p->cookie, NULL);
        p->watched = e == 0;
        if (e < 0) {
                snprintf(err, WSBX_STATUS_MSG_MAX, "supervisor event loop: %s", strerror(-e));
                goto fail;
        }
        p->ep = wsbx_ep_ring_new(p->ring, p->ctl);
        if (!p->ep) {
                e = -ENOMEM;
                goto fail;
        }
        wsbx_ep_set_wait(p->ep, SUP_SPIN_NS, proc_wait, p);
        free(a);
        *out = p;
        *ep = p->ep;
        return 0;
fail:
        if (sv[1] >= 0)
                close(sv[1]);
        if (a && a->uffd_dev >= 0)
                close(a->uffd_dev);
        free(a);
        if (p)
                wsbx_proc_stop(p);
        if (!err[0])
                snprintf(err, WSBX_STATUS_MSG_MAX, "cannot start the worker: %s", strerror(-e));
        return e;
}

void wsbx_proc_stop(wsbx_proc *p)
{
        if (!p)
                return;
        if (p->ring)
                wsbx_ring_hangup(p->ring);
        if (p->spawned && p->child.report && wsbx_trace_on())
                wsbx_jail_trace(&p->child);
        if (p->spawned && !p->child.reaped) {
                /* A worker that saw CLOSE or the hangup exits at once;
                 * one that does not within the bound is killed. */
                struct pollfd pf = {.fd = p->child.pidfd, .events = POLLIN};
                if (!p->dead && poll(&pf, 1, CLOSE_WAIT_MS) != 1)
                        wsbx_jail_kill(&p->child);
                wsbx_trace("close: worker exited");
                reap(p);
                wsbx_trace("close: worker reaped");
        }
        /* Only now that the worker is gone: a uffd closed under a live
         * worker would turn its missing pages into zero pages. */
        wsbx_uffd_server_stop(p->pager);
        if (p->uffd >= 0)
                close(p->uffd);
        loop_leave(p);
        if (p->spawned)
                wsbx_jail_release(&p->child);
        wsbx_trace("close: jail released (cgroups removed)");
        wsbx_ep_ring_delete(p->ep);
        wsbx_ring_delete(p->ring);
        if (p->ctl >= 0)
                close(p->ctl);
        free(p);
}

void wsbx_proc_arm(wsbx_proc *p, uint64_t ns)
{
        p->deadline_hit = false;
        if (!ns || p->dead)
                return;
        p->dl_state = DL_ARMED;
        wsbx_sup_loop_set_deadline(p->loop, p->cookie, ns);
}

void wsbx_proc_disarm(wsbx_proc *p)
{
        if (p->dl_state == DL_NONE)
                return;
        if (p->dl_state != DL_KILLED)
                wsbx_sup_loop_set_deadline(p->loop, p->cookie, 0);
        p->dl_state = DL_NONE;
}

bool wsbx_proc_deadline_hit(const wsbx_proc *p)
{
        return p->deadline_hit;
}

int wsbx_proc_pid(const wsbx_proc *p)
{
        return p->spawned ? p->child.pid : -1;
}

const char *wsbx_proc_cause(const wsbx_proc *p)
{
        return p->dead ? p->cause : "";
}

bool wsbx_proc_lazy(wsbx_proc *p)
{
        if (p->pager_pending && !p->dead) {
                p->pager_pending = false;
                pager_start(p, p->pager_timeout_ms);
        }
        return p->pager && !p->pager_stopped;
}

int wsbx_proc_pager_quota(wsbx_proc *p, uint64_t pages)
{
        if (!wsbx_proc_lazy(p))
                return -ESRCH;
        return wsbx_uffd_server_quota(p->pager, pages);
}

int wsbx_proc_pager_add(wsbx_proc *p, uint64_t base, uint64_t len, const void *src, size_t src_len, int quota)
{
        if (!wsbx_proc_lazy(p))
                return -ENXIO;
        if (len == 0)
                return 0;
        if (base + len < base || base + len > (1ull << 47))
                return -EINVAL;
        /* Served before registered: a fault can never find no range. */
        int e = wsbx_uffd_server_add_quota(p->pager, base, (size_t)len, src, src_len, quota);
        if (e == 0)
                e = wsbx_uffd_register(p->uffd, (void *)(uintptr_t)base, (size_t)len);
        return e;
}

void wsbx_proc_pager_stats(const wsbx_proc *p, wsbx_uffd_stats *out)
{
        *out = p->pager_final;
        if (p->pager)
                wsbx_uffd_server_stats(p->pager, out);
}

void wsbx_proc_pager_test_delay(wsbx_proc *p, uint64_t ns)
{
        if (wsbx_proc_lazy(p))
                wsbx_uffd_server_set_delay(p->pager, ns);
}

void wsbx_proc_pager_test_stop(wsbx_proc *p)
{
        if (!wsbx_proc_lazy(p))
                return;
        /* The worker first: its faults must never see the uffd go. */
        wsbx_proc_fail(p, "worker killed: its lazy page server stopped");
        struct pollfd pf = {.fd = p->child.pidfd, .events = POLLIN};
        poll(&pf, 1, CLOSE_WAIT_MS);
        p->pager_stopped = true;
        wsbx_uffd_server_stats(p->pager, &p->pager_final);
        wsbx_uffd_server_stop(p->pager);
        p->pager = NULL;
}

void wsbx_sandbox_set_log(void (*log)(const char *msg))
{
        wsbx_jail_set_log(log);
}
