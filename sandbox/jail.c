/* jail.c - spawning a worker into its jail, and locking it down.
 *
 * Spawn: clone3 with CLONE_PIDFD into new user, pid, mount, net, ipc, uts
 * and cgroup namespaces (each where the host permits; the set is probed
 * once per process and every missing one is announced once through the
 * log hook; policy.require_ns turns absence into -EPERM). The child waits
 * on a pipe until the parent has written its uid/gid maps (root inside is
 * the caller outside), then: PDEATHSIG SIGKILL - re-checked against the
 * pipe, since the parent may have died before the prctl and getppid() is
 * 0 in a new pid namespace; not dumpable; an empty read-only root; rlimits
 * (never RLIMIT_AS: guard regions reserve terabytes); every fd but
 * keep_fds closed; then child_main.
 *
 * With policy.cgroup the worker gets its own cgroup (cgroup.c): born in
 * the v2 one through CLONE_INTO_CGROUP; it moves itself into the v1 ones
 * first thing after go, through tasks files the parent opened (a failure
 * ends it before it runs anything else); removed on release; a SIGKILL
 * death while the cgroup counted an OOM kill is reported as WSBX_JAIL_OOM.
 *
 * The empty root is a tmpfs mounted over /tmp (or /proc) of the private
 * mount tree, made the root with pivot_root(".", ".") and the old root
 * detached, then remounted read-only. pivot_root rather than chroot: a
 * chroot leaves the host's whole mount tree in the namespace, one fd or
 * one CAP_SYS_CHROOT (which the child holds in its user namespace) away;
 * after pivot_root and the detach there is nothing left to escape to.
 *
 * Lockdown (in the child, by child_main, after mapping what it needs):
 * READ_IMPLIES_EXEC cleared, Landlock, no_new_privs, capabilities
 * dropped, then seccomp. no_new_privs comes before Landlock because
 * Landlock needs it where the worker holds no CAP_SYS_ADMIN (no user
 * namespace); all of it happens before any untrusted code runs, so the
 * order among them protects nothing.
 *
 * The child is a copy of the caller made without glibc's fork handlers:
 * like after fork() in a threaded program, it must not need a lock that
 * another thread of the parent held at the time.
 */
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#if WSBX_SANITIZER_BUILD
#include <sanitizer/common_interface_defs.h>
#endif

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define MAX_KEEP 64

/* In a worker: its report page (the spawn's shared mapping, inherited). */
static struct wsbx_jail_report *self_report;
static int jail_pagemap = -1; /* the child's, with policy.pagemap */

static void (*log_hook)(const char *msg);
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void wsbx_jail_set_log(void (*log)(const char *msg))
{
        log_hook = log;
}

void wsbx_jail_log_once(unsigned *once_flag, const char *msg)
{
        bool first;

        pthread_mutex_lock(&log_lock);
        first = !*once_flag;
        *once_flag = 1;
        pthread_mutex_unlock(&log_lock);
        if (first && log_hook)
                log_hook(msg);
}

void wsbx_jail_policy_init(wsbx_jail_policy *p)
{
        memset(p, 0, sizeof *p);
        p->want_ns = WSBX_NS_ALL;
        p->nofile = 64;
        p->cpu_seconds = 3600;
        p->report_denied = true;
}

static const struct {
        unsigned bit;
        unsigned long flag;
        const char *msg;
} ns_table[] = {
        { WSBX_NS_USER, CLONE_NEWUSER,
          "wsbx: user namespaces unavailable: workers keep the caller's uid" },
        { WSBX_NS_PID, CLONE_NEWPID,
          "wsbx: pid namespaces unavailable: workers see the host's processes" },
        { WSBX_NS_MOUNT, CLONE_NEWNS,
          "wsbx: mount namespaces unavailable: workers keep the host's root (Landlock still denies it)" },
        { WSBX_NS_NET, CLONE_NEWNET,
          "wsbx: network namespaces unavailable: workers share the host's network (seccomp still denies sockets)" },
        { WSBX_NS_IPC, CLONE_NEWIPC,
          "wsbx: ipc namespaces unavailable: workers share the host's System V IPC namespace" },
        { WSBX_NS_UTS, CLONE_NEWUTS,
          "wsbx: uts namespaces unavailable: workers share the host name" },
        { WSBX_NS_CGROUP, CLONE_NEWCGROUP,
          "wsbx: cgroup namespaces unavailable: workers see the host's cgroup paths" },
};
#define N_NS (sizeof ns_table / sizeof ns_table[0])

static unsigned long ns_flags(unsigned bits)
{
        unsigned long f = 0;

        for (size_t i = 0; i < N_NS; i++)
                if (bits & ns_table[i].bit)
                        f |= ns_table[i].flag;
        return f;
}

static long sys_clone3(struct clone_args *ca)
{
        return syscall(SYS_clone3, ca, sizeof *ca);
}

/* Whether a child can be made with these namespace flags: a throwaway
 * child that exits at once. A pid namespace is tried together with a
 * user namespace where we have one, as the real spawn does. */
static bool try_ns(unsigned long flags)
{
        struct clone_args ca = { .flags = flags, .exit_signal = SIGCHLD };
        long pid = sys_clone3(&ca);

        if (pid == 0)
                _exit(0);
        if (pid < 0)
                return false;
        while (waitpid((pid_t)pid, NULL, 0) < 0 && errno == EINTR)
                ;
        return true;
}

static unsigned cgroup_logged, cgroup_limits_logged;
static unsigned avail_ns;
static _Atomic bool probed;
static pthread_once_t avail_once = PTHREAD_ONCE_INIT;
static unsigned ns_logged[N_NS];

static void probe_ns(void)
{
        unsigned long user = 0;
        unsigned all = 0;

        /* Hosts that allow every namespace (ours) learn it from one
         * throwaway child; each probe costs a clone and, for a network
         * namespace, its setup and teardown. */
        for (size_t i = 0; i < N_NS; i++)
                all |= ns_table[i].bit;
        if (try_ns(ns_flags(all))) {
                avail_ns = all;
                return;
        }
        if (try_ns(CLONE_NEWUSER)) {
                avail_ns |= WSBX_NS_USER;
                user = CLONE_NEWUSER;
        }
        for (size_t i = 1; i < N_NS; i++)
                if (try_ns(user | ns_table[i].flag))
                        avail_ns |= ns_table[i].bit;
}

unsigned wsbx_jail_available_ns(void)
{
        pthread_once(&avail_once, probe_ns);
        atomic_store(&probed, true);
        return avail_ns;
}

unsigned wsbx_jail_expected_ns(void)
{
        return atomic_load(&probed) ? avail_ns : WSBX_NS_ALL;
}

/* Says once what each wanted namespace that is missing costs. */
static void log_missing(const wsbx_jail_policy *p, unsigned avail)
{
        for (size_t i = 0; i < N_NS; i++)
                if ((p->want_ns & ns_table[i].bit) && !(avail & ns_table[i].bit))
                        wsbx_jail_log_once(&ns_logged[i], ns_table[i].msg);
}

/* Whether clone3 refused a namespace (rather than failing otherwise). */
static bool ns_refused(int e)
{
        return e == EPERM || e == EINVAL || e == ENOSPC || e == EUSERS || e == EACCES;
}

static int write_file(const char *path, const char *s)
{
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        ssize_t len = (ssize_t)strlen(s), n;

        if (fd < 0)
                return -errno;
        n = write(fd, s, (size_t)len);
        if (n != len) {
                int e = n < 0 ? -errno : -EIO;
                close(fd);
                return e;
        }
        close(fd);
        return 0;
}

static int map_ids(pid_t pid, uid_t uid, gid_t gid)
{
        char path[64], line[64];
        int rc;

        snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
        snprintf(line, sizeof line, "0 %u 1\n", (unsigned)uid);
        rc = write_file(path, line);
        if (rc)
                return rc;
        /* An unprivileged parent may only map its gid once setgroups is
         * denied; deny it always so the worker behaves the same either way. */
        snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
        rc = write_file(path, "deny");
        if (rc && rc != -ENOENT)
                return rc;
        snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
        snprintf(line, sizeof line, "0 %u 1\n", (unsigned)gid);
        return write_file(path, line);
}

/* ---- child side ---- */

static int empty_root(void)
{
        static const char *const mnt[] = { "/tmp", "/proc" };
        const char *where = NULL;

        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return -errno;
        for (size_t i = 0; i < sizeof mnt / sizeof mnt[0] && !where; i++)
                if (mount("wsbx", mnt[i], "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                          "size=4k,nr_inodes=2,mode=0555") == 0)
                        where = mnt[i];
        if (!where)
                return -errno;
        if (chdir(where) < 0)
                return -errno;
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return -errno;
        /* The old root now sits on top of the new one at "/": detach it. */
        if (umount2(".", MNT_DETACH) < 0)
                return -errno;
        if (chdir("/") < 0)
                return -errno;
        if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  NULL) < 0)
                return -errno;
        return 0;
}

static int set_limits(const wsbx_jail_policy *p)
{
        struct rlimit zero = { 0, 0 };
        struct rlimit nofile = { p->nofile, p->nofile };

        if (setrlimit(RLIMIT_CORE, &zero) < 0)
                return -errno;
        if (!p->file_writes && setrlimit(RLIMIT_FSIZE, &zero) < 0)
                return -errno;
        if (p->nofile && setrlimit(RLIMIT_NOFILE, &nofile) < 0)
                return -errno;
        if (p->cpu_seconds) {
                /* SIGXCPU at the soft limit, SIGKILL a second later. */
                struct rlimit cpu = { p->cpu_seconds, (rlim_t)p->cpu_seconds + 1 };
                if (setrlimit(RLIMIT_CPU, &cpu) < 0)
                        return -errno;
        }
        return 0;
}

static int cmp_int(const void *a, const void *b)
{
        int x = *(const int *)a, y = *(const int *)b;
        return (x > y) - (x < y);
}

static int close_others(const int *keep, size_t n)
{
        int k[MAX_KEEP];
        unsigned lo = 0;

        memcpy(k, keep, n * sizeof *k);
        qsort(k, n, sizeof *k, cmp_int);
        for (size_t i = 0; i < n; i++) {
                if (k[i] < 0 || (unsigned)k[i] < lo)
                        continue;
                if ((unsigned)k[i] > lo && close_range(lo, (unsigned)k[i] - 1, 0) < 0)
                        return -errno;
                lo = (unsigned)k[i] + 1;
        }
        if (close_range(lo, ~0u, 0) < 0)
                return -errno;
        return 0;
}

struct spawn_ctx {
        const wsbx_jail_policy *p;
        const int *keep;
        size_t n_keep;
        unsigned ns;
        int sync_rd;
        int parent_pidfd;       /* the spawning thread, or process; -1 */
        int cg_tasks[2];        /* v1 cgroups to join, -1 where none */
        pid_t parent;
};

#define CHILD_SETUP_FAILED WSBX_JAIL_SETUP_FAILED

static void child_setup(const struct spawn_ctx *s)
{
        char go;

        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
                _exit(CHILD_SETUP_FAILED);
        if (read(s->sync_rd, &go, 1) != 1 || go != 'g')
                _exit(CHILD_SETUP_FAILED);
        close(s->sync_rd);
        /* The parent may have died before PDEATHSIG was armed (and 'g'
         * may sit in the pipe after it is gone). getppid() cannot tell in
         * a new pid namespace, where it is 0; the parent's pidfd can. */
        if (s->parent_pidfd >= 0) {
                struct pollfd pf = { .fd = s->parent_pidfd, .events = POLLIN };
                if (poll(&pf, 1, 0) != 0)
                        _exit(CHILD_SETUP_FAILED);
                close(s->parent_pidfd);
        }
        if (!(s->ns & WSBX_NS_PID) && getppid() != s->parent)
                _exit(CHILD_SETUP_FAILED);
        {
                int cg[2] = { s->cg_tasks[0], s->cg_tasks[1] };
                if (wsbx_cgroup_v1_join(cg) < 0)
                        _exit(CHILD_SETUP_FAILED);
        }
        if (prctl(PR_SET_DUMPABLE, 0) < 0)
                _exit(CHILD_SETUP_FAILED);
#if WSBX_SANITIZER_BUILD
        {
                /* The runtime reads /proc/self/maps and /proc/self/exe to
                 * symbolize a report; after this it uses what it cached,
                 * since neither is reachable from the empty root nor
                 * allowed after lockdown. */
                __sanitizer_sandbox_arguments sa = { .coverage_fd = -1 };
                __sanitizer_sandbox_on_notify(&sa);
        }
#endif
        int keep[MAX_KEEP + 1];
        size_t nkeep = s->n_keep;
        memcpy(keep, s->keep, nkeep * sizeof *keep);
        if (s->p->pagemap) {
                /* Our own page tables, for the pool's dirty-page scan:
                 * /proc goes with the root. At a fixed number, which the
                 * seccomp filter names. */
                int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
                bool clash = false;
                for (size_t i = 0; i < nkeep; i++)
                        clash |= keep[i] == WSBX_JAIL_PAGEMAP_FD;
                if (pm >= 0 && !clash && dup3(pm, WSBX_JAIL_PAGEMAP_FD, O_CLOEXEC) == WSBX_JAIL_PAGEMAP_FD) {
                        keep[nkeep++] = WSBX_JAIL_PAGEMAP_FD;
                        jail_pagemap = WSBX_JAIL_PAGEMAP_FD;
                }
                if (pm >= 0 && pm != WSBX_JAIL_PAGEMAP_FD)
                        close(pm);
        }
        if ((s->ns & WSBX_NS_MOUNT) && empty_root() < 0)
                _exit(CHILD_SETUP_FAILED);
        if (set_limits(s->p) < 0)
                _exit(CHILD_SETUP_FAILED);
        if (close_others(keep, nkeep) < 0)
                _exit(CHILD_SETUP_FAILED);
}

int wsbx_jail_pagemap_fd(void)
{
        return jail_pagemap;
}

/* ---- parent side ---- */

void wsbx_jail_mark(unsigned which)
{
        if (self_report && which < 4)
                self_report->t[which] = wsbx_trace_clock();
}

void wsbx_jail_trace(const wsbx_jail_child *c)
{
        static const char *const what[4] = {
                "worker: jail set up (empty root, fds closed, rlimits)",
                "worker: main started",
                "worker: ring mapped, store made",
                "worker: locked down (Landlock, no_new_privs, seccomp)",
        };
        uint64_t t[4];
        memcpy(t, c->report->t, sizeof t);
        for (unsigned i = 0; i < 4; i++)
                wsbx_trace_at(t[i], "%s", what[i]);
}

int wsbx_jail_spawn(const wsbx_jail_policy *p, const int *keep_fds, size_t n_keep,
                    int (*child_main)(void *), void *arg, wsbx_jail_child *out)
{
        struct spawn_ctx s = { .p = p, .keep = keep_fds, .n_keep = n_keep, .parent = getpid(),
                               .cg_tasks = { -1, -1 } };
        struct clone_args ca = { .exit_signal = SIGCHLD };
        /* Until a spawn fails, every namespace is assumed to work: the
         * probe (throwaway children) runs only then, off the fast path. */
        bool optimistic = !atomic_load(&probed);
        unsigned avail = wsbx_jail_expected_ns();
        int pidfd = -1, sync[2], rc;
        uid_t uid = getuid();
        gid_t gid = getgid();
        long pid;

        memset(out, 0, sizeof *out);
        out->pidfd = -1;
        if (n_keep > MAX_KEEP || (n_keep && !keep_fds))
                return -EINVAL;
        if (p->require_ns & ~avail)
                return -EPERM;
        log_missing(p, avail);
        s.ns = (p->want_ns | p->require_ns) & avail;
        /* Without a user namespace the others need privilege we may lack;
         * the probe said they work, so the caller has it. */
        out->report = mmap(NULL, sizeof *out->report, PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (out->report == MAP_FAILED) {
                out->report = NULL;
                return -errno;
        }
        if (pipe2(sync, O_CLOEXEC) < 0) {
                rc = -errno;
                goto fail;
        }
        s.sync_rd = sync[0];
        if (p->cgroup) {
                static _Atomic unsigned seq;
                char name[48];

                snprintf(name, sizeof name, "w%d-%u", (int)getpid(), atomic_fetch_add(&seq, 1));
                if (wsbx_cgroup_create(name, p->memory_max, p->pids_max, &out->cg) == 0)
                        out->has_cgroup = true;
                else
                        wsbx_jail_log_once(&cgroup_logged,
                                           "wsbx: no cgroup could be made for workers: no memory or pid limits");
                if (out->has_cgroup && (p->memory_max || p->pids_max) &&
                    out->cg.limits != ((p->memory_max ? WSBX_CGROUP_MEMORY : 0u) |
                                       (p->pids_max ? WSBX_CGROUP_PIDS : 0u)))
                        wsbx_jail_log_once(&cgroup_limits_logged,
                                           "wsbx: some worker cgroup limits could not be set");
                if (out->has_cgroup && (rc = wsbx_cgroup_v1_open(&out->cg, s.cg_tasks)) < 0) {
                        close(sync[0]);
                        close(sync[1]);
                        goto fail;
                }
                wsbx_trace("jail: cgroup made");
        }
        /* PDEATHSIG follows the spawning thread: watch that thread where
         * the kernel can (PIDFD_THREAD, 6.9), else the process. */
        s.parent_pidfd = (int)syscall(SYS_pidfd_open, gettid(), PIDFD_THREAD);
        if (s.parent_pidfd < 0)
                s.parent_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
        ca.flags = CLONE_PIDFD | ns_flags(s.ns);
        ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
        if (out->has_cgroup && out->cg.v2_fd >= 0) {
                ca.flags |= CLONE_INTO_CGROUP;
                ca.cgroup = (uint64_t)out->cg.v2_fd;
        }
        pid = sys_clone3(&ca);
        if (pid < 0 && optimistic && ns_refused(errno)) {
                /* Some namespace is not ours to make: learn which. */
                avail = wsbx_jail_available_ns();
                if (p->require_ns & ~avail) {
                        errno = EPERM;
                } else {
                        log_missing(p, avail);
                        s.ns = (p->want_ns | p->require_ns) & avail;
                        ca.flags = (ca.flags & (CLONE_PIDFD | CLONE_INTO_CGROUP)) | ns_flags(s.ns);
                        pid = sys_clone3(&ca);
                }
        }
        if (pid < 0 && (ca.flags & CLONE_INTO_CGROUP)) {
                /* A v2 cgroup we cannot be born into (a threaded or
                 * domain-invalid parent): go on without it. */
                ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
                ca.cgroup = 0;
                pid = sys_clone3(&ca);
        }
        if (pid == 0) {
                close(sync[1]);
                self_report = out->report;
                child_setup(&s);
                wsbx_jail_mark(WSBX_JAIL_T_SETUP);
                _exit(child_main(arg));
        }
        wsbx_trace("jail: clone3 returned (namespaces made)");
        close(sync[0]);
        wsbx_cgroup_v1_close(s.cg_tasks);
        if (s.parent_pidfd >= 0)
                close(s.parent_pidfd);
        if (pid < 0) {
                rc = -errno;
                close(sync[1]);
                goto fail;
        }
        out->pid = (int)pid;
        out->pidfd = pidfd;
        out->ns = s.ns;
        rc = 0;
        if (s.ns & WSBX_NS_USER)
                rc = map_ids((pid_t)pid, uid, gid);
        wsbx_trace("jail: uid/gid maps written");
        if (!rc && write(sync[1], "g", 1) != 1)
                rc = -EPIPE;
        close(sync[1]);
        if (rc) {
                wsbx_jail_release(out);
                return rc;
        }
        return 0;
fail:
        if (out->has_cgroup)
                wsbx_cgroup_destroy(&out->cg);
        out->has_cgroup = false;
        munmap(out->report, sizeof *out->report);
        out->report = NULL;
        return rc;
}

int wsbx_jail_kill(const wsbx_jail_child *c)
{
        if (c->pidfd < 0 || c->reaped)
                return -ESRCH;
        if (syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0) < 0)
                return -errno;
        return 0;
}

static void decode_report(const wsbx_jail_child *c, wsbx_jail_death *d)
{
        struct wsbx_jail_report r;
        const char *name;

        if (!c->report)
                return;
        /* One copy out of the page the worker could write; then checks. */
        if (atomic_load_explicit(&c->report->magic, memory_order_acquire) != WSBX_JAIL_REPORT_MAGIC)
                return;
        memcpy(&r.arch, &c->report->arch, sizeof r - offsetof(struct wsbx_jail_report, arch));
        if (r.arch != AUDIT_ARCH_X86_64)
                return;
        name = wsbx_seccomp_syscall_name(r.nr);
        if (!name)
                return;
        d->syscall_nr = r.nr;
        snprintf(d->syscall_name, sizeof d->syscall_name, "%s", name);
}

int wsbx_jail_wait(wsbx_jail_child *c, wsbx_jail_death *d)
{
        siginfo_t si;

        memset(d, 0, sizeof *d);
        d->syscall_nr = -1;
        if (c->pidfd < 0 || c->reaped)
                return -ECHILD;
        memset(&si, 0, sizeof si);
        while (waitid((idtype_t)P_PIDFD, (id_t)c->pidfd, &si, WEXITED) < 0)
                if (errno != EINTR)
                        return -errno;
        c->reaped = true;
        if (si.si_code == CLD_EXITED) {
                d->cause = WSBX_JAIL_EXITED;
                d->status = si.si_status;
                return 0;
        }
        d->status = si.si_status;
        d->cause = si.si_status == SIGSYS ? WSBX_JAIL_SECCOMP : WSBX_JAIL_SIGNALED;
        if (si.si_status == SIGKILL && c->has_cgroup && wsbx_cgroup_oom_killed(&c->cg))
                d->cause = WSBX_JAIL_OOM;
        if (d->cause == WSBX_JAIL_SECCOMP)
                decode_report(c, d);
        return 0;
}

void wsbx_jail_release(wsbx_jail_child *c)
{
        if (c->pidfd >= 0) {
                if (!c->reaped) {
                        siginfo_t si;
                        syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
                        while (waitid((idtype_t)P_PIDFD, (id_t)c->pidfd, &si, WEXITED) < 0 &&
                               errno == EINTR)
                                ;
                        c->reaped = true;
                }
                close(c->pidfd);
                c->pidfd = -1;
        }
        if (c->has_cgroup) {
                wsbx_cgroup_destroy(&c->cg);
                c->has_cgroup = false;
        }
        if (c->report) {
                munmap(c->report, sizeof *c->report);
                c->report = NULL;
        }
}

/* ---- lockdown ---- */

static unsigned landlock_logged, landlock_err_logged;

static int drop_caps(void)
{
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2];

        memset(d, 0, sizeof d);
        if (syscall(SYS_capset, &h, d) < 0)
                return -errno;
        return 0;
}

int wsbx_jail_lockdown(const wsbx_jail_policy *p)
{
        int pers = personality(0xffffffff);
        int rc;

        /* Inherited READ_IMPLIES_EXEC would make every readable mapping
         * executable behind the filter's back. */
        if (pers != -1 && (pers & READ_IMPLIES_EXEC) &&
            personality((unsigned long)(pers & ~READ_IMPLIES_EXEC)) < 0)
                return -errno;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        rc = wsbx_landlock_apply(p);
        if (rc == -EOPNOTSUPP) {
                if (p->require_landlock)
                        return rc;
                wsbx_jail_log_once(&landlock_logged,
                                   "wsbx: Landlock unavailable: workers rely on seccomp and the empty root for files");
        } else if (rc < 0) {
                if (p->require_landlock)
                        return rc;
                wsbx_jail_log_once(&landlock_err_logged, "wsbx: Landlock ruleset refused; continuing without it");
        }
        rc = drop_caps();
        if (rc)
                return rc;

        /* The shared report page: the spawn's mapping, inherited. */
        return wsbx_seccomp_load(p, self_report);
}
