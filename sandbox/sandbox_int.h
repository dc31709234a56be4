/* sandbox_int.h - the sandbox's private header, sectioned by source file.
 *
 * Only the sandbox's own files and its unit tests include it; everything
 * else goes through sandbox.h.
 */
#ifndef WSBX_SANDBOX_INT_H
#define WSBX_SANDBOX_INT_H

#include "sandbox.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* ring.c - shared-memory rings, payload arenas, doorbells (cross-process)  */
/* ------------------------------------------------------------------------ */

/* The memfd the supervisor creates per worker, sealed against shrinking
 * and growing, laid out as: this header (page 0), one control block per
 * direction, the request ring, the completion ring, then the request and
 * completion payload arenas (each page aligned). Descriptors are the
 * message layer's wsbx_msg. The supervisor writes the header once before
 * the worker exists and never reads it back: its own copy of the sizes
 * is the truth. */
#define WSBX_RINGMEM_MAGIC 0x52425357u  /* "WSBR" */
#define WSBX_RINGMEM_VERSION 1u
#define WSBX_RINGMEM_MAX_SLOTS 4096u
#define WSBX_RINGMEM_MAX_ARENA (64u << 20)

struct wsbx_ringmem_hdr {
        uint32_t magic, version;
        uint32_t slots;       /* descriptors per ring, a power of two */
        uint32_t desc_size;   /* sizeof(wsbx_msg) */
        uint32_t arena_size;  /* bytes per direction, a multiple of 4096 */
        uint32_t pad;
        uint64_t total_size;  /* of the whole memfd */
        uint64_t ring_off[2]; /* WSBX_RING_REQ, WSBX_RING_CPL */
        uint64_t arena_off[2];
        _Alignas(64) _Atomic uint64_t epoch; /* interruption: bumped by the supervisor */
};

/* One direction's control block. Producer owns tail, consumer owns head;
 * `seq` is the doorbell (a shared futex word bumped on every post), and
 * `sleeping` says the consumer is about to wait on it. */
struct wsbx_ringmem_ctl {
        _Alignas(64) _Atomic uint32_t head;
        _Alignas(64) _Atomic uint32_t tail;
        _Alignas(64) _Atomic uint32_t seq;
        _Atomic uint32_t sleeping;
        _Atomic uint32_t closed; /* the producer hung up */
};
#define WSBX_RINGMEM_CTL_OFF 4096u /* ctl[2] follows the header page */
/* Where every index starts: just below 2^32, so the wraparound of the
 * 32-bit counters happens in every run, early, not once in a blue moon. */
#define WSBX_RINGMEM_INDEX0 0xfffff000u

enum { WSBX_RING_REQ = 0, WSBX_RING_CPL = 1 };

/* Which end a process holds: the supervisor produces requests and consumes
 * completions, the worker the other way round. */
typedef enum wsbx_ring_side { WSBX_RING_SUPERVISOR, WSBX_RING_WORKER } wsbx_ring_side;

/* One process's view of a channel: its mapping, its private copies of the
 * sizes and indices, and its arena cursor. Never shared. The calls below
 * mirror the loopback endpoint's (wsbx_ep_alloc/send/recv/payload/
 * release/hangup), so the message layer can run over either. */
typedef struct wsbx_ring wsbx_ring;

/* Supervisor: creates the memfd (slots a power of two <= MAX_SLOTS,
 * arena_size a multiple of 4096 <= MAX_ARENA), sizes, seals and maps it.
 * On success *out is a new ring the caller deletes. Returns 0 or -errno. */
int wsbx_ring_create(uint32_t slots, uint32_t arena_size, wsbx_ring **out);

/* Worker: maps the memfd the supervisor handed over (borrowed; the ring
 * keeps its own duplicate). Refuses (-EINVAL) an fd that is not sealed
 * against shrink, grow and sealing, or whose header is inconsistent. */
int wsbx_ring_attach(int fd, wsbx_ring **out);

/* Unmaps and closes everything the ring owns. NULL is a no-op. */
void wsbx_ring_delete(wsbx_ring *r);

/* The memfd, borrowed (pass it to the worker at spawn). */
int wsbx_ring_fd(const wsbx_ring *r);
wsbx_ring_side wsbx_ring_get_side(const wsbx_ring *r);
uint32_t wsbx_ring_slots(const wsbx_ring *r);
uint32_t wsbx_ring_arena_size(const wsbx_ring *r);

/* Spin budget before a blocking receive sleeps, in ns (default
 * WSBX_RING_SPIN_NS; 0 sleeps at once). */
#define WSBX_RING_SPIN_NS 5000u
void wsbx_ring_set_spin(wsbx_ring *r, uint64_t ns);

/* An eventfd the producer also signals when the peer sleeps (the
 * supervisor loop's fallback where io_uring has no futex operations).
 * The ring takes ownership of efd; -1 removes it. */
void wsbx_ring_set_wake_fd(wsbx_ring *r, int efd);
/* The eventfd set above (borrowed), or -1. */
int wsbx_ring_wake_fd(const wsbx_ring *r);

/* Reserves len bytes (16-byte aligned, contiguous) in the caller's
 * outgoing arena for the next descriptor it sends; *off receives the
 * offset for the descriptor. NULL when the arena cannot hold them until
 * the peer releases more descriptors, or when the ring is broken. The
 * arena is a ring: bytes come back when the peer releases the descriptor
 * sent after them. */
void *wsbx_ring_alloc(wsbx_ring *r, size_t len, uint32_t *off);

/* Posts a descriptor and rings the peer's doorbell if it sleeps. Returns
 * 0, -EAGAIN (ring full), -EPIPE (the peer hung up) or -EPROTO (the
 * peer's head is impossible: the ring is broken for good). */
int wsbx_ring_send(wsbx_ring *r, const wsbx_msg *m);

/* Copies the next incoming descriptor to *m (read once from shared
 * memory, then never again). Returns 0, -EAGAIN (none yet), -EPIPE
 * (none, and the peer hung up) or -EPROTO (the peer's tail is impossible;
 * sticky). try_recv never blocks; recv spins for the spin budget, then
 * sleeps on the doorbell, for at most timeout_ns (< 0: no limit;
 * -ETIMEDOUT when it passes). */
int wsbx_ring_try_recv(wsbx_ring *r, wsbx_msg *m);
int wsbx_ring_recv(wsbx_ring *r, wsbx_msg *m, int64_t timeout_ns);

/* The payload of a received descriptor after checking [off, off + len)
 * lies in the peer's arena; NULL when it does not. Read it once (copy it
 * out): the peer may still be writing to it. */
const uint8_t *wsbx_ring_payload(const wsbx_ring *r, const wsbx_msg *m);

/* Releases the oldest received descriptor and its payload. */
void wsbx_ring_release(wsbx_ring *r);

/* Marks the caller's outgoing direction closed and wakes the peer. */
void wsbx_ring_hangup(wsbx_ring *r);

/* For a waiter other than recv (the supervisor loop): announces that the
 * caller is about to sleep on the incoming doorbell and returns the
 * doorbell word and the value to wait on. Returns 1 when there is
 * something to read after all (do not sleep), 0 when it may sleep, or
 * -EPROTO. wsbx_ring_disarm clears the announcement after waking. */
int wsbx_ring_arm(wsbx_ring *r, _Atomic uint32_t **word, uint32_t *val);
void wsbx_ring_disarm(wsbx_ring *r);

/* Whether a descriptor (or a hangup) is waiting: 1, 0, or -EPROTO. */
int wsbx_ring_pending(wsbx_ring *r);

/* The interruption epoch word (the supervisor bumps it, compiled code
 * polls it). */
_Atomic uint64_t *wsbx_ring_epoch(wsbx_ring *r);

/* This side's counters: descriptors sent and received, receives that
 * ended while spinning, sleeps on the doorbell, and wakes issued. */
typedef struct wsbx_ring_stats {
        uint64_t sent, received, spun, slept, wakes;
} wsbx_ring_stats;
void wsbx_ring_get_stats(const wsbx_ring *r, wsbx_ring_stats *out);

/* The message layer's endpoint over a ring (loopback.c): *ring and the
 * control socket ctl are borrowed until wsbx_ep_ring_delete. Without a
 * wait hook, recv blocks on the ring's doorbell (the worker side); with
 * one, it spins for spin_ns and then calls wait(ctx), which returns once
 * the ring may hold work (0) or the peer is gone (-errno, returned by
 * recv). */
wsbx_endpoint *wsbx_ep_ring_new(wsbx_ring *ring, int ctl);
void wsbx_ep_set_wait(wsbx_endpoint *ep, int64_t spin_ns, int (*wait)(void *ctx), void *ctx);

/* One byte `tag` over a socket with descriptor fd attached (fd < 0: the
 * byte alone; borrowed), MSG_NOSIGNAL | flags, retried on EINTR. Returns
 * 0 or -errno (-EIO for a short send). */
int wsbx_sock_send_fd(int sock, char tag, int fd, int flags);
/* Receives one message of one byte: *tag, and *fd the one descriptor it
 * carried (owned by the caller; close-on-exec) or -1. Returns the bytes
 * received (1, or 0 when the peer hung up) or -errno. */
int wsbx_sock_recv_fd(int sock, char *tag, int *fd, int flags);
void wsbx_ep_ring_delete(wsbx_endpoint *ep);

/* Worker: closes the ring's own duplicate of its memfd (the mapping
 * stays), so that no descriptor of writable shared memory remains that
 * code could be mapped from. */
void wsbx_ring_close_fd(wsbx_ring *r);

/* ------------------------------------------------------------------------ */
/* uring.c - the supervisor's event loop (io_uring, supervisor only)        */
/* ------------------------------------------------------------------------ */

typedef struct wsbx_sup_loop wsbx_sup_loop;

enum {
        /* Use the eventfd fallback even where io_uring has futex ops. */
        WSBX_SUP_LOOP_F_NO_FUTEX = 1u << 0,
};

typedef enum wsbx_sup_event_kind {
        WSBX_SUP_EV_COMPLETION = 1, /* the worker's completion ring has work (or it hung up) */
        WSBX_SUP_EV_EXIT,           /* the worker process ended (its pidfd polled in) */
        WSBX_SUP_EV_DEADLINE,       /* the worker's deadline passed */
        WSBX_SUP_EV_BROKEN,         /* its ring state is impossible: kill it */
} wsbx_sup_event_kind;

typedef struct wsbx_sup_event {
        wsbx_sup_event_kind kind;
        uint64_t cookie;
} wsbx_sup_event;

/* Creates a loop (one io_uring, SINGLE_ISSUER | DEFER_TASKRUN where the
 * kernel has them; only the creating thread may use it). Probes futex
 * support once per process. *out is a new loop the caller deletes.
 * Returns 0 or -errno. */
int wsbx_sup_loop_new(unsigned flags, wsbx_sup_loop **out);
void wsbx_sup_loop_delete(wsbx_sup_loop *l);

/* Whether the loop waits on doorbells with IORING_OP_FUTEX_WAIT (true) or
 * through eventfds (false: the kernel lacks futex ops, or the flag). */
bool wsbx_sup_loop_uses_futex(const wsbx_sup_loop *l);

/* Spin budget of wsbx_sup_loop_wait before it sleeps, in ns (default 0). */
void wsbx_sup_loop_set_spin(wsbx_sup_loop *l, uint64_t ns);

/* Watches a worker: its completion doorbell (ring, supervisor side,
 * borrowed until removed) and its exit (pidfd, borrowed; -1 for none).
 * In eventfd mode the loop makes an eventfd, gives it to the ring
 * (wsbx_ring_set_wake_fd) and returns it in *wake_fd (borrowed) for the
 * worker to install on its side; in futex mode *wake_fd is -1. wake_fd
 * may be NULL. cookie names the worker in events and must be unique.
 * Returns 0, -EEXIST, or -errno. */
int wsbx_sup_loop_add_worker(wsbx_sup_loop *l, wsbx_ring *ring, int pidfd, uint64_t cookie,
                             int *wake_fd);

/* Stops watching (cancels its waits). -ENOENT when unknown. */
int wsbx_sup_loop_remove_worker(wsbx_sup_loop *l, uint64_t cookie);

/* Arms (ns > 0) or clears (ns == 0) a one-shot deadline ns from now. */
int wsbx_sup_loop_set_deadline(wsbx_sup_loop *l, uint64_t cookie, uint64_t ns);

/* Waits for events: spins for the spin budget over every worker's ring,
 * then sleeps in io_uring for at most timeout_ns (< 0: no limit).
 * Completion readiness is level-triggered: a worker whose ring still has
 * work when wait is called again is reported again. Exit, deadline and
 * broken events are reported once. Returns the number of events stored
 * (0 on timeout) or -errno. */
int wsbx_sup_loop_wait(wsbx_sup_loop *l, wsbx_sup_event *ev, unsigned max, int64_t timeout_ns);
/* As wsbx_sup_loop_wait, reporting only worker `cookie`'s events (spinning
 * on its ring alone); the other workers' events stay pending for their
 * own waits. -ENOENT when cookie is unknown. */
int wsbx_sup_loop_wait_for(wsbx_sup_loop *l, uint64_t cookie, wsbx_sup_event *ev, unsigned max,
                           int64_t timeout_ns);

/* ------------------------------------------------------------------------ */
/* process.c - a session's worker as a jailed process over rings            */
/* ------------------------------------------------------------------------ */

typedef struct wsbx_proc wsbx_proc;

/* Spawns a jailed worker running wsbx_worker_main over a new ring, as cfg
 * says (stdio, preopens, memory limit). On success *out owns the process,
 * its ring, control socket and event loop, and *ep (the supervisor's
 * endpoint) stays valid until wsbx_proc_stop. On failure err (at least
 * WSBX_STATUS_MSG_MAX bytes) holds a one-line reason. Returns 0 or -errno. */
int wsbx_proc_start(const wsbx_session_config *cfg, wsbx_proc **out, wsbx_endpoint **ep, char *err);

/* Hangs up, gives the worker a moment to exit (after CLOSE), kills it
 * otherwise, reaps it and frees everything. NULL is a no-op. */
void wsbx_proc_stop(wsbx_proc *p);

/* Arms (ns > 0) the deadline of the call about to be posted; disarm after
 * its completion. When it passes, the epoch is bumped and, after a grace
 * period, the worker killed ("deadline exceeded"). */
void wsbx_proc_arm(wsbx_proc *p, uint64_t ns);
void wsbx_proc_disarm(wsbx_proc *p);
/* Whether the last armed call's deadline passed (the epoch was bumped). */
bool wsbx_proc_deadline_hit(const wsbx_proc *p);

/* Kills the worker and records why (the first cause recorded wins). */
void wsbx_proc_fail(wsbx_proc *p, const char *why);

/* Why the worker is dead ("worker killed: out of memory"), "" while it
 * lives. */
const char *wsbx_proc_cause(const wsbx_proc *p);
/* The worker's pid (this pid namespace), -1 before it was spawned. */
int wsbx_proc_pid(const wsbx_proc *p);

/* Lazy snapshots (cfg->lazy_snapshots): whether the worker handed over a
 * userfaultfd that a pager thread serves. pager_add registers [base, base
 * + len) of the worker's address space (MISSING) with it and serves it
 * from src (src_len bytes, borrowed until wsbx_proc_stop); 0, -ENXIO
 * without a pager, or -errno. A fault the pager cannot serve, or not
 * within the session's pager timeout, kills the worker; the uffd is
 * closed only after the worker is reaped. */
bool wsbx_proc_lazy(wsbx_proc *p);
int wsbx_proc_pager_add(wsbx_proc *p, uint64_t base, uint64_t len, const void *src, size_t src_len, int quota);
/* A page budget for ranges added with it (wsbx_uffd_server_quota): its
 * id, or -errno. */
int wsbx_proc_pager_quota(wsbx_proc *p, uint64_t pages);
void wsbx_proc_pager_stats(const wsbx_proc *p, wsbx_uffd_stats *out);
/* Tests: slow answers; stopping the pager (the worker is killed first). */
void wsbx_proc_pager_test_delay(wsbx_proc *p, uint64_t ns);
void wsbx_proc_pager_test_stop(wsbx_proc *p);

/* ------------------------------------------------------------------------ */
/* cgroup.c - one cgroup per worker (v2 where writable, else v1)            */
/* ------------------------------------------------------------------------ */

#define WSBX_CGROUP_PATH_MAX 192

enum {
        WSBX_CGROUP_MEMORY = 1u << 0,   /* a memory limit is in force */
        WSBX_CGROUP_PIDS = 1u << 1,     /* a pids limit is in force */
};

typedef struct wsbx_cgroup {
        char v2[WSBX_CGROUP_PATH_MAX];  /* "" when none */
        char v1_mem[WSBX_CGROUP_PATH_MAX];
        char v1_pids[WSBX_CGROUP_PATH_MAX];
        int v2_fd;                      /* owned; for CLONE_INTO_CGROUP, -1 */
        uint64_t id;                    /* the v2 cgroup's id, 0 when none */
        unsigned limits;                /* WSBX_CGROUP_* */
} wsbx_cgroup;

/* Makes wsbx/<name> in the v2 hierarchy (limits where its controllers
 * are enabled) and, for limits v2 cannot hold, in the v1 memory and pids
 * hierarchies (0 for a limit leaves it out). Returns 0 when at least one
 * cgroup exists, -ENOTSUP when none could be made. Free with destroy. */
int wsbx_cgroup_create(const char *name, uint64_t memory_max, uint32_t pids_max,
                       wsbx_cgroup *cg);

/* The v1 cgroups' tasks files, opened for writing: fds[0] memory,
 * fds[1] pids, -1 where there is none. The caller owns them (close with
 * wsbx_cgroup_v1_close). v2 membership comes from clone3 instead. */
int wsbx_cgroup_v1_open(const wsbx_cgroup *cg, int fds[2]);
/* In the new worker: moves the calling thread into those cgroups and
 * closes the descriptors. 0, or the first -errno. */
int wsbx_cgroup_v1_join(int fds[2]);
void wsbx_cgroup_v1_close(int fds[2]);

/* Whether the memory controller killed something in it. */
bool wsbx_cgroup_oom_killed(const wsbx_cgroup *cg);

/* Removes the cgroups (their processes must be reaped) and closes v2_fd. */
void wsbx_cgroup_destroy(wsbx_cgroup *cg);

/* ------------------------------------------------------------------------ */
/* jail.c - the worker jail: spawn into namespaces, rlimits, lockdown       */
/* ------------------------------------------------------------------------ */

/* Life cycle (supervisor side, one thread):
 *
 *   wsbx_jail_policy p;
 *   wsbx_jail_policy_init(&p);               // defaults: nothing allowed
 *   p.ctl_fds[p.n_ctl_fds++] = sock;         // fd numbers as the child sees them
 *   wsbx_jail_child c;
 *   wsbx_jail_spawn(&p, keep, nkeep, child_main, arg, &c);
 *   ...                                      // child: map, then wsbx_jail_lockdown(&p)
 *   wsbx_jail_death d;
 *   wsbx_jail_wait(&c, &d);                  // or wsbx_jail_kill first
 *   wsbx_jail_release(&c);                   // closes the pidfd, unmaps the report
 *
 * Every call returns 0 or -errno; nothing prints. Missing kernel features
 * are announced once per process through the log hook (none by default). */

#define WSBX_JAIL_MAX_FDS 8     /* per fd list of a policy */

/* ASan (GCC or clang) or clang's UBSan: the jail makes room for their
 * runtimes (seccomp.c's sanitizer rows, jail.c's lockdown). */
#if defined(__SANITIZE_ADDRESS__)
#define WSBX_SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define WSBX_SANITIZER_BUILD 1
#endif
#endif
#ifndef WSBX_SANITIZER_BUILD
#define WSBX_SANITIZER_BUILD 0
#endif
#define WSBX_JAIL_MAX_PREOPENS 16

/* Namespaces, as bits of wsbx_jail_policy.require_ns and of
 * wsbx_jail_child.ns. */
enum {
        WSBX_NS_USER = 1u << 0,
        WSBX_NS_PID = 1u << 1,
        WSBX_NS_MOUNT = 1u << 2,  /* with an empty read-only root */
        WSBX_NS_NET = 1u << 3,
        WSBX_NS_IPC = 1u << 4,
        WSBX_NS_UTS = 1u << 5,
        WSBX_NS_CGROUP = 1u << 6,
        WSBX_NS_ALL = (1u << 7) - 1,
};

/* A directory the worker may use, as an fd valid in the supervisor at
 * spawn and kept open in the child (pass it in keep_fds too). */
typedef struct wsbx_jail_preopen {
        int fd;
        bool writable;          /* else read-only */
} wsbx_jail_preopen;

typedef struct wsbx_jail_policy {
        unsigned want_ns;       /* WSBX_NS_* to create where the host permits */
        unsigned require_ns;    /* of those, the ones whose absence fails spawn */
        /* fds (numbers in the child) the worker may use after lockdown */
        int ctl_fds[WSBX_JAIL_MAX_FDS];     /* sendmsg/recvmsg: control sockets */
        unsigned n_ctl_fds;
        int rw_fds[WSBX_JAIL_MAX_FDS];      /* read/write */
        unsigned n_rw_fds;
        wsbx_jail_preopen preopens[WSBX_JAIL_MAX_PREOPENS];
        unsigned n_preopens;
        /* rlimits */
        unsigned nofile;        /* RLIMIT_NOFILE (default 64) */
        unsigned cpu_seconds;   /* RLIMIT_CPU backstop, 0 = none (default 3600) */
        /* RLIMIT_FSIZE: false (default) sets it to 0, so the worker cannot
         * grow any file; true leaves it unlimited, for run workers whose
         * guest writes to its stdio (a redirected file) and its preopens. */
        bool file_writes;
        /* Open /proc/self/pagemap before the root goes, as fd
         * WSBX_JAIL_PAGEMAP_FD (for the instance pool's dirty-page scan;
         * seccomp allows PAGEMAP_SCAN on that fd only). */
        bool pagemap;
        /* Each denied syscall is reported (RET_TRAP, see seccomp.c) before
         * the worker dies; false kills at once with no report. */
        bool report_denied;
        bool require_landlock;  /* fail lockdown where Landlock is missing */
        /* A cgroup per worker (cgroup.c); limits of 0 are left out. */
        bool cgroup;
        uint64_t memory_max;
        uint32_t pids_max;
} wsbx_jail_policy;

/* Where a worker with policy.pagemap finds its /proc/self/pagemap (-1
 * in it when that could not be opened: wsbx_jail_pagemap_fd). */
#define WSBX_JAIL_PAGEMAP_FD 1023
int wsbx_jail_pagemap_fd(void);

/* Fills the defaults: every namespace wanted, none required, no fds, no
 * preopens, nofile 64, cpu 3600 s, report_denied. */
void wsbx_jail_policy_init(wsbx_jail_policy *p);

/* What a worker wrote in the shared report page from its SIGSYS handler.
 * Hostile: the supervisor copies it once and checks magic and nr. */
struct wsbx_jail_report {
        _Atomic uint32_t magic;         /* WSBX_JAIL_REPORT_MAGIC when filled */
        uint32_t arch;                  /* AUDIT_ARCH_* of the call */
        int32_t nr;                     /* syscall number */
        uint32_t pad;
        uint64_t ip;                    /* address of the syscall instruction */
        uint64_t args[6];
        /* Startup steps (CLOCK_MONOTONIC ns, for WSBX_TRACE only). */
        uint64_t t[4];
};
#define WSBX_JAIL_REPORT_MAGIC 0x53595357u /* "WSYS" */

/* The steps a worker stamps into its report page (wsbx_jail_mark). */
enum {
        WSBX_JAIL_T_SETUP,  /* jail setup done: empty root, fds closed, rlimits */
        WSBX_JAIL_T_MAIN,   /* the worker's main started */
        WSBX_JAIL_T_STORE,  /* ring mapped, store made: about to lock down */
        WSBX_JAIL_T_LOCKED, /* Landlock, no_new_privs and seccomp on */
};
/* In a worker: stamps step `which` (a WSBX_JAIL_T_*) with the time. */
void wsbx_jail_mark(unsigned which);

typedef struct wsbx_jail_child {
        int pidfd;                      /* owned */
        int pid;                        /* in the supervisor's pid namespace */
        unsigned ns;                    /* WSBX_NS_* actually created */
        struct wsbx_jail_report *report; /* owned shared page (MAP_SHARED) */
        bool reaped;
        bool has_cgroup;
        wsbx_cgroup cg;                 /* owned when has_cgroup */
} wsbx_jail_child;

/* In the supervisor: prints the stamps of c's worker as WSBX_TRACE steps
 * (a worker can lie about them; they are only printed). */
void wsbx_jail_trace(const wsbx_jail_child *c);

/* The child: runs child_main(arg) in the new process with every fd closed
 * but keep_fds (numbers unchanged, at most 64 of them), PDEATHSIG SIGKILL,
 * not dumpable, rlimits set, in an empty read-only root when it has a
 * mount namespace; its return value is its exit status (_exit, so no
 * atexit handlers run in it). The child is a copy of the caller like after
 * fork(): spawn from a thread that outlives the worker (PDEATHSIG follows
 * the spawning thread) and while no other thread holds a lock the child
 * needs. *out is filled on success; release it with wsbx_jail_release. */
int wsbx_jail_spawn(const wsbx_jail_policy *p, const int *keep_fds, size_t n_keep,
                    int (*child_main)(void *), void *arg, wsbx_jail_child *out);

/* In the child, after it mapped what it needs and before any thread
 * starts: Landlock, no_new_privs, capabilities dropped, then the seccomp
 * allowlist. Returns 0 or -errno (the child should then exit). */
int wsbx_jail_lockdown(const wsbx_jail_policy *p);

typedef enum wsbx_jail_cause {
        WSBX_JAIL_EXITED = 1,   /* status = exit code */
        WSBX_JAIL_SIGNALED,     /* status = signal number */
        WSBX_JAIL_SECCOMP,      /* killed by SIGSYS: a denied syscall */
        WSBX_JAIL_OOM,          /* SIGKILL, and its cgroup saw an OOM kill */
} wsbx_jail_cause;

/* The exit code of a child that could not finish its jail setup (parent
 * gone, mount or rlimit refused) and never ran child_main. */
#define WSBX_JAIL_SETUP_FAILED 125

typedef struct wsbx_jail_death {
        wsbx_jail_cause cause;
        int status;
        int syscall_nr;         /* SECCOMP: the reported syscall, -1 unknown (killed
                                 * by the filter's default, or no valid report) */
        char syscall_name[32];  /* "" when unknown */
} wsbx_jail_death;

/* Waits for the child to end (blocking) and decodes why. -ECHILD when it
 * was already reaped. */
int wsbx_jail_wait(wsbx_jail_child *c, wsbx_jail_death *out);

/* Sends SIGKILL through the pidfd (no pid reuse race). */
int wsbx_jail_kill(const wsbx_jail_child *c);

/* Kills and reaps the child if still needed, closes the pidfd, unmaps the
 * report. Safe on a zeroed or already released child. */
void wsbx_jail_release(wsbx_jail_child *c);

/* Called once per missing feature with a sentence saying what is missing
 * and what that costs; NULL (the default) is silent. */
void wsbx_jail_set_log(void (*log)(const char *msg));
void wsbx_jail_log_once(unsigned *once_flag, const char *msg);

/* The namespaces this host lets us create (probed once per process). */
unsigned wsbx_jail_available_ns(void);
/* What a spawn will try: the probe's answer once it ran, else every
 * namespace (spawns probe only when a clone with all of them fails). */
unsigned wsbx_jail_expected_ns(void);

/* ------------------------------------------------------------------------ */
/* seccomp.c - the syscall policy table and the filter built from it        */
/* ------------------------------------------------------------------------ */

/* One row of the policy table: a syscall the worker may make, what its
 * arguments are held to, and why it is there. */
typedef struct wsbx_seccomp_rule {
        const char *name;
        const char *args;       /* the argument filter in words, "" for none */
        const char *reason;
        bool sanitizer_only;    /* only in ASan/UBSan builds */
        unsigned char filter;   /* seccomp.c's argument filter kind */
} wsbx_seccomp_rule;

/* The table (the one source for docs/threat-model.md, checked by a test). */
const wsbx_seccomp_rule *wsbx_seccomp_table(size_t *n);

/* Whether this build adds the sanitizer rows. */
bool wsbx_seccomp_sanitizer_build(void);

/* Installs the SIGSYS handler that writes to report (the shared page) and
 * loads the filter for policy p into the calling process (TSYNC). Needs
 * no_new_privs or CAP_SYS_ADMIN. Returns 0 or -errno. */
int wsbx_seccomp_load(const wsbx_jail_policy *p, struct wsbx_jail_report *report);

/* Builds the filter for policy p ahead of time, for a worker whose
 * getpid() will be self_pid (1 in a new pid namespace), and keeps it:
 * children spawned afterwards inherit it, and their wsbx_seccomp_load
 * loads it as is when their policy and pid match (building a filter
 * costs milliseconds; loading it microseconds). Returns 0 or -errno. */
int wsbx_seccomp_prepare(const wsbx_jail_policy *p, int self_pid);

/* The name of a native syscall number, or NULL. */
const char *wsbx_seccomp_syscall_name(int nr);

/* ------------------------------------------------------------------------ */
/* landlock.c - filesystem, TCP and scope rules                             */
/* ------------------------------------------------------------------------ */

/* The running kernel's Landlock ABI version, 0 when absent or disabled. */
int wsbx_landlock_abi(void);

/* Restricts the calling process: every filesystem right the ABI knows is
 * handled, with rules only for p's preopens; TCP bind/connect handled with
 * no rule (ABI >= 4); abstract unix sockets and signals scoped (ABI >= 6).
 * Needs no_new_privs or CAP_SYS_ADMIN. Returns 0, -EOPNOTSUPP when
 * Landlock is missing, or -errno. */
int wsbx_landlock_apply(const wsbx_jail_policy *p);

#endif
