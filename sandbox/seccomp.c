/* seccomp.c - the worker's syscall allowlist: one policy table, one filter.
 *
 * `rules` below is the only list of what a locked-down worker may call:
 * each row names a syscall, the argument filter it is held to and why it
 * is there; docs/threat-model.md carries the same table and a unit test
 * compares the two. Rows marked sanitizer-only are added in ASan/UBSan
 * builds, whose runtimes make a few calls of their own.
 *
 * The filter (native architecture only; any other architecture, x32
 * included, kills):
 *   - rows allow their syscall when its arguments pass the row's filter;
 *   - everything else meets the default action: SECCOMP_RET_TRAP with
 *     report_denied (a number no syscall has as well), KILL_PROCESS
 *     without.
 * A trapped call never runs: the kernel skips it and raises SIGSYS. The
 * handler installed here writes the call (number, arguments, address)
 * into the report page the supervisor shares, then repeats the call;
 * SIGSYS is blocked inside its own handler, so the kernel resets it to
 * the default action and the worker dies by SIGSYS. What a lying worker
 * can do with this: write a false report (the supervisor only believes
 * it when the worker really died by SIGSYS, and treats it as a hint for
 * the message), or return from the handler and carry on - the denied
 * call still did not happen, so it gains nothing it could not do with
 * the allowed calls. It cannot make the supervisor read outside the page.
 *
 * Sanitizer builds: the runtimes cached /proc/self/maps and the binary's
 * name at spawn (jail.c), and their rows make open, openat and readlink
 * fail with EACCES instead of killing, so that an error report falls back
 * to that cache and completes; the call still never runs.
 *
 * io_uring_setup/enter/register are trapped and kill like everything else
 * rather than failing with ENOSYS: nothing in the worker probes for
 * io_uring, so any call is hostile, and a silent ENOSYS would let an
 * attacker probe the filter without dying.
 */
#include "loader.h"
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1   /* si_code of a seccomp SIGSYS */
#endif

/* Argument filters. */
enum {
        F_NONE = 0,
        F_MMAP,         /* never PROT_WRITE and PROT_EXEC together */
        F_MPROTECT,     /* never PROT_EXEC */
        F_MADVISE,      /* MADV_DONTNEED only */
        F_CTL_FD,       /* arg0 is one of the policy's control sockets */
        F_RW_FD,        /* arg0 is one of the policy's read/write fds */
        F_SELF,         /* arg0 is the worker's own pid (as it sees it) */
        F_TCGETS,       /* ioctl(fd, TCGETS): isatty(); and F_PAGEMAP's */
        F_PAGEMAP,      /* ioctl(WSBX_JAIL_PAGEMAP_FD, PAGEMAP_SCAN) */
        F_EACCES,       /* never runs: fails with EACCES instead of killing */
        F_FCNTL_DUP,        /* fcntl: F_DUPFD_CLOEXEC, F_GETFL, F_SETFL only */
        F_AT_EMPTY,   /* newfstatat(fd, "", buf, AT_EMPTY_PATH): flags has AT_EMPTY_PATH */
};

#define ROW(n, f, a, r) { .name = n, .args = a, .reason = r, .filter = f }
#define SAN(n, f, a, r) { .name = n, .args = a, .reason = r, .filter = f, .sanitizer_only = true }

static const wsbx_seccomp_rule rules[] = {
        ROW("futex", F_NONE, "",
            "doorbells and waits on words in the shared ring memory"),
        ROW("mmap", F_MMAP, "prot never has PROT_WRITE and PROT_EXEC together",
            "instance slots, heaps, and code mapped read+exec from sealed artifact memfds"),
        ROW("mprotect", F_MPROTECT, "prot never has PROT_EXEC",
            "growing memories inside reserved slots; can never make a page executable"),
        ROW("munmap", F_NONE, "", "releasing mappings"),
        ROW("madvise", F_MADVISE, "advice is MADV_DONTNEED",
            "resetting memories to their image or to zero"),
        ROW("brk", F_NONE, "", "the C library's heap (plain read/write memory)"),
        ROW("rt_sigreturn", F_NONE, "", "returning from the trap handlers"),
        ROW("rt_sigprocmask", F_NONE, "", "trap handlers unblock their signal when they unwind"),
        ROW("sigaltstack", F_NONE, "", "the trap handlers' stack"),
        ROW("restart_syscall", F_NONE, "", "resuming a sleep a signal interrupted"),
        ROW("exit", F_NONE, "", "ending a thread"),
        ROW("exit_group", F_NONE, "", "ending the worker"),
        ROW("clock_gettime", F_NONE, "", "time, when the vDSO falls back to the kernel"),
        ROW("clock_nanosleep", F_NONE, "", "sleeping"),
        ROW("nanosleep", F_NONE, "", "sleeping"),
        ROW("sched_yield", F_NONE, "", "spin-then-sleep waits yield the CPU"),
        ROW("getrandom", F_NONE, "", "random bytes for WASI and hash seeds"),
        ROW("openat2", F_NONE, "", "WASI path_open beneath a preopen (RESOLVE_BENEATH; Landlock bounds it)"),
        ROW("pread64", F_NONE, "", "WASI reads of files the guest opened, at a kept position"),
        ROW("pwrite64", F_NONE, "", "WASI writes of files the guest opened, at a kept position"),
        ROW("lseek", F_NONE, "", "WASI fd_seek on regular-file stdio"),
        ROW("getdents64", F_NONE, "", "WASI fd_readdir of a directory beneath a preopen"),
        ROW("ftruncate", F_NONE, "", "WASI fd_filestat_set_size of a file the guest opened"),
        ROW("fallocate", F_NONE, "", "WASI fd_allocate of a file the guest opened"),
        ROW("fadvise64", F_NONE, "", "WASI fd_advise: a hint on a descriptor the guest holds"),
        ROW("fsync", F_NONE, "", "WASI fd_sync of a descriptor the guest holds"),
        ROW("fdatasync", F_NONE, "", "WASI fd_datasync of a descriptor the guest holds"),
        ROW("utimensat", F_NONE, "", "WASI fd/path_filestat_set_times on a descriptor resolved beneath a preopen"),
        ROW("mkdirat", F_NONE, "", "WASI path_create_directory in a parent resolved beneath a preopen"),
        ROW("unlinkat", F_NONE, "", "WASI path_unlink_file and path_remove_directory in a parent resolved beneath a preopen"),
        ROW("linkat", F_NONE, "", "WASI path_link between parents resolved beneath preopens (never following a symlink)"),
        ROW("symlinkat", F_NONE, "", "WASI path_symlink in a parent resolved beneath a preopen"),
        ROW("readlinkat", F_NONE, "", "WASI path_readlink in a parent resolved beneath a preopen"),
        ROW("renameat", F_NONE, "", "WASI path_rename between parents resolved beneath preopens"),
        ROW("ppoll", F_NONE, "", "WASI poll_oneoff on the guest's descriptors"),
        ROW("accept4", F_RW_FD, "fd is a read/write fd of the policy (a listening socket preopen)",
            "WASI sock_accept on a socket the supervisor listens with (--tcplisten)"),
        ROW("recvfrom", F_NONE, "", "WASI reads of connections the guest accepted"),
        ROW("sendto", F_NONE, "", "WASI writes to connections the guest accepted"),
        ROW("shutdown", F_NONE, "", "WASI sock_shutdown of a connection the guest accepted"),
        ROW("getpid", F_NONE, "", "the worker's own pid (1 in its pid namespace)"),
        ROW("gettid", F_NONE, "", "the thread's own id (raise, abort)"),
        ROW("tgkill", F_SELF, "the target is the worker itself",
            "abort() and raise() signal the worker itself"),
        ROW("recvmsg", F_CTL_FD, "fd is a control socket of the policy",
            "messages and fds (artifact memfds) from the supervisor"),
        ROW("sendmsg", F_CTL_FD, "fd is a control socket of the policy",
            "messages to the supervisor"),
        ROW("close", F_NONE, "", "dropping received fds"),
        ROW("fcntl", F_FCNTL_DUP, "cmd is F_DUPFD_CLOEXEC, F_GETFL or F_SETFL",
            "the loader keeps its own duplicate of a received artifact memfd; WASI fd_fdstat_set_flags sets O_NONBLOCK"),
        ROW("fstat", F_NONE, "", "the size of a received artifact memfd"),
        ROW("newfstatat", F_AT_EMPTY, "flags has AT_EMPTY_PATH (fstat of an open fd)",
            "the size of a received artifact memfd (the C library's fstat)"),
        ROW("ioctl", F_PAGEMAP, "fd is the jail's /proc/self/pagemap, request is PAGEMAP_SCAN",
            "the instance pool finds the pages a released instance dirtied"),
        ROW("read", F_RW_FD, "fd is a read/write fd of the policy", "stdio and pipes the policy names"),
        ROW("write", F_RW_FD, "fd is a read/write fd of the policy", "stdio and pipes the policy names"),
        /* Sanitizer runtimes: only in ASan/UBSan builds, whose runtimes
         * cache what they read from /proc in wsbx_jail_lockdown. */
        SAN("ioctl", F_TCGETS, "request is TCGETS",
            "isatty() on stderr, to colour an error report"),
        SAN("open", F_EACCES, "fails with EACCES, never runs",
            "the runtime then reports from the /proc/self/maps it cached"),
        SAN("openat", F_EACCES, "fails with EACCES, never runs",
            "the runtime then reports from the /proc/self/maps it cached"),
        SAN("readlink", F_EACCES, "fails with EACCES, never runs",
            "the runtime then names the binary it cached"),
        SAN("madvise", F_NONE, "",
            "the runtime's shadow and allocator mappings (MADV_NOHUGEPAGE, MADV_DONTDUMP)"),
        SAN("pipe2", F_EACCES, "fails with EACCES, never runs",
            "the runtime would start an external symbolizer; it then reports unsymbolized"),
        SAN("sched_getaffinity", F_NONE, "",
            "the runtime asks glibc for a thread's stack bounds (pthread_getattr_np) when a trap unwinds"),
};

#undef ROW
#undef SAN

const wsbx_seccomp_rule *wsbx_seccomp_table(size_t *n)
{
        *n = sizeof rules / sizeof rules[0];
        return rules;
}

bool wsbx_seccomp_sanitizer_build(void)
{
        return WSBX_SANITIZER_BUILD;
}

#define NR_MAX 1024     /* above every native syscall number */

static struct wsbx_jail_report *report_page;

const char *wsbx_seccomp_syscall_name(int nr)
{
        static char names[NR_MAX][32];
        char *s;

        if (nr < 0 || nr >= NR_MAX)
                return NULL;
        if (names[nr][0])
                return names[nr];
        s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        if (!s)
                return NULL;
        /* Racing threads write the same bytes; the name is short. */
        strncpy(names[nr], s, sizeof names[nr] - 1);
        free(s);
        return names[nr];
}

#if defined(__x86_64__)
static void on_sigsys(int sig, siginfo_t *si, void *ucv)
{
        ucontext_t *uc = ucv;
        struct wsbx_jail_report *r = report_page;
        greg_t *g = uc->uc_mcontext.gregs;
        long a[6] = { g[REG_RDI], g[REG_RSI], g[REG_RDX], g[REG_R10], g[REG_R8], g[REG_R9] };

        (void)sig;
        if (si->si_code == SYS_SECCOMP && r &&
            atomic_load_explicit(&r->magic, memory_order_relaxed) == 0) {
                r->nr = si->si_syscall;
                r->arch = si->si_arch;
                r->ip = (uint64_t)(uintptr_t)si->si_call_addr;
                for (int i = 0; i < 6; i++)
                        r->args[i] = (uint64_t)a[i];
                atomic_store_explicit(&r->magic, WSBX_JAIL_REPORT_MAGIC, memory_order_release);
        }
        /* The same call traps again while SIGSYS is blocked in its own
         * handler: the kernel then resets SIGSYS to its default and the
         * worker dies by it, which the supervisor sees in waitid. */
        syscall(si->si_syscall, a[0], a[1], a[2], a[3], a[4], a[5]);
        for (;;)
                syscall(SYS_exit_group, 128 + SIGSYS);
}
#endif

static int add_fd_rules(scmp_filter_ctx ctx, int nr, const int *fds, unsigned n)
{
        if (n > WSBX_JAIL_MAX_FDS)
                return -EINVAL;
        for (unsigned i = 0; i < n; i++) {
                int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                          SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)(uint32_t)fds[i]));
                if (rc < 0 && rc != -EEXIST)
                        return rc;
        }
        return 0;
}

/* The pid F_SELF allows signalling: the caller's, or the one the filter
 * is prepared for (0: getpid() at build time). */
static int build_self;

/* The ALLOW rules of one row. What they do not allow falls to the
 * filter's default action (TRAP with reporting, else KILL_PROCESS). */
static int add_row(scmp_filter_ctx ctx, const wsbx_seccomp_rule *row, int nr, const wsbx_jail_policy *p)
{
        const scmp_datum_t wx = PROT_WRITE | PROT_EXEC;
        int rc = 0;

        switch (row->filter) {
        case F_NONE:
                rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
                break;
        case F_MMAP:
                rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
                if (!rc)
                        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                              SCMP_A2(SCMP_CMP_MASKED_EQ, wx, PROT_EXEC));
                break;
        case F_MPROTECT:
                rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
                break;
        case F_MADVISE:
                rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                      SCMP_A2(SCMP_CMP_EQ, MADV_DONTNEED));
                break;
        case F_CTL_FD:
                rc = add_fd_rules(ctx, nr, p->ctl_fds, p->n_ctl_fds);
                break;
        case F_RW_FD:
                rc = add_fd_rules(ctx, nr, p->rw_fds, p->n_rw_fds);
                break;
        case F_SELF: {
                scmp_datum_t self = (scmp_datum_t)build_self;
                rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A0(SCMP_CMP_EQ, self));
                break;
        }
        case F_EACCES:
                rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), nr, 0);
                break;
        case F_FCNTL_DUP:
                rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A1(SCMP_CMP_EQ, F_DUPFD_CLOEXEC));
                if (!rc)
                        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A1(SCMP_CMP_EQ, F_GETFL));
                /* F_SETFL, never asking for signals (O_ASYNC) or O_DIRECT,
                 * O_NOATIME: O_NONBLOCK is what WASI sets. */
                if (!rc)
                        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, SCMP_A1(SCMP_CMP_EQ, F_SETFL),
                                              SCMP_A2(SCMP_CMP_MASKED_EQ, O_ASYNC | O_DIRECT | O_NOATIME, 0));
                break;
        case F_AT_EMPTY:
                rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                      SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
                break;
        case F_TCGETS:
                /* The sanitizer row replaces the real one: allow both. */
                rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, SCMP_A0(SCMP_CMP_EQ, WSBX_JAIL_PAGEMAP_FD),
                                      SCMP_A1(SCMP_CMP_EQ, WSBX_PAGEMAP_SCAN_IOCTL));
                if (!rc)
                        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A1(SCMP_CMP_EQ, TCGETS));
                break;
        case F_PAGEMAP:
                rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, SCMP_A0(SCMP_CMP_EQ, WSBX_JAIL_PAGEMAP_FD),
                                      SCMP_A1(SCMP_CMP_EQ, WSBX_PAGEMAP_SCAN_IOCTL));
                break;
        default:
                rc = -EINVAL;
        }
        return rc;
}

static int build(scmp_filter_ctx ctx, const wsbx_jail_policy *p)
{
        if (!build_self)
                build_self = getpid();
        static const size_t nrules = sizeof rules / sizeof rules[0];
        bool ruled[NR_MAX] = { false };
        int rc;

        /* Sanitizer rows first: where one names a syscall a real row
         * names too, its looser filter is the one that applies. */
        for (int pass = 0; pass < 2; pass++) {
                for (size_t i = 0; i < nrules; i++) {
                        const wsbx_seccomp_rule *row = &rules[i];
                        int nr;

                        if (row->sanitizer_only != (pass == 0))
                                continue;
                        if (row->sanitizer_only && !WSBX_SANITIZER_BUILD)
                                continue;
                        nr = seccomp_syscall_resolve_name(row->name);
                        if (nr < 0 || nr >= NR_MAX || ruled[nr])
                                continue;       /* not on this architecture, or done */
                        ruled[nr] = true;
                        rc = add_row(ctx, row, nr, p);
                        if (rc < 0)
                                return rc;
                }
        }
        return 0;
}

/* A filter built ahead of time (wsbx_seccomp_prepare), for the policy
 * fields it depends on. Spawned workers inherit it with their copy of the
 * supervisor's memory and load it without building anything. */
static struct {
        bool valid;
        bool report;
        int self;
        int ctl[WSBX_JAIL_MAX_FDS], rw[WSBX_JAIL_MAX_FDS];
        unsigned nctl, nrw;
        struct sock_filter *prog;
        unsigned short len;
} prepared;

static bool prepared_fits(const wsbx_jail_policy *p, bool report, int self)
{
        return prepared.valid && prepared.report == report && prepared.self == self &&
               prepared.nctl == p->n_ctl_fds && prepared.nrw == p->n_rw_fds &&
               p->n_ctl_fds <= WSBX_JAIL_MAX_FDS && p->n_rw_fds <= WSBX_JAIL_MAX_FDS &&
               !memcmp(prepared.ctl, p->ctl_fds, p->n_ctl_fds * sizeof(int)) &&
               !memcmp(prepared.rw, p->rw_fds, p->n_rw_fds * sizeof(int));
}

static scmp_filter_ctx new_ctx(const wsbx_jail_policy *p, bool report, int self, int *rc)
{
        /* Reporting: every call the rows do not allow traps into
         * on_sigsys, which records it and dies by SIGSYS (a worker that
         * replaced the handler still never gets the call executed). One
         * default action instead of a trap row per syscall: libseccomp
         * takes milliseconds to build several hundred rows, and every
         * `wsbx run` builds the filter once. */
        scmp_filter_ctx ctx = seccomp_init(report ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS);
        if (!ctx) {
                *rc = -ENOMEM;
                return NULL;
        }
        *rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
        if (!*rc)
                *rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
        /* A binary tree of syscall numbers: every call the worker makes
         * walks the filter. */
        if (!*rc)
                *rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        build_self = self;
        if (!*rc)
                *rc = build(ctx, p);
        build_self = 0;
        if (*rc) {
                seccomp_release(ctx);
                return NULL;
        }
        return ctx;
}

int wsbx_seccomp_prepare(const wsbx_jail_policy *p, int self_pid)
{
        bool report = p->report_denied;
#if !defined(__x86_64__)
        report = false;
#endif
        if (prepared_fits(p, report, self_pid))
                return 0;
        if (p->n_ctl_fds > WSBX_JAIL_MAX_FDS || p->n_rw_fds > WSBX_JAIL_MAX_FDS)
                return -EINVAL;
        int rc;
        scmp_filter_ctx ctx = new_ctx(p, report, self_pid, &rc);
        if (!ctx)
                return rc < 0 ? rc : -EINVAL;
        int fd = memfd_create("wsbx-seccomp", MFD_CLOEXEC);
        if (fd < 0) {
                rc = -errno;
                seccomp_release(ctx);
                return rc;
        }
        rc = seccomp_export_bpf(ctx, fd);
        seccomp_release(ctx);
        off_t size = rc ? 0 : lseek(fd, 0, SEEK_END);
        struct sock_filter *prog = NULL;
        if (!rc && (size <= 0 || size % sizeof *prog || size / sizeof *prog > 0xffff))
                rc = -EINVAL;
        if (!rc && !(prog = malloc((size_t)size)))
                rc = -ENOMEM;
        if (!rc && pread(fd, prog, (size_t)size, 0) != size)
                rc = -EIO;
        close(fd);
        if (rc) {
                free(prog);
                return rc < 0 ? rc : -EINVAL;
        }
        free(prepared.prog);
        prepared.valid = true;
        prepared.report = report;
        prepared.self = self_pid;
        prepared.nctl = p->n_ctl_fds;
        prepared.nrw = p->n_rw_fds;
        memcpy(prepared.ctl, p->ctl_fds, p->n_ctl_fds * sizeof(int));
        memcpy(prepared.rw, p->rw_fds, p->n_rw_fds * sizeof(int));
        prepared.prog = prog;
        prepared.len = (unsigned short)(size / sizeof *prog);
        return 0;
}

int wsbx_seccomp_load(const wsbx_jail_policy *p, struct wsbx_jail_report *report)
{
        bool want_report = p->report_denied && report;
        scmp_filter_ctx ctx;
        int rc;

#if defined(__x86_64__)
        if (want_report) {
                struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

                report_page = report;
                sigemptyset(&sa.sa_mask);
                if (sigaction(SIGSYS, &sa, NULL) < 0)
                        return -errno;
        }
#else
        want_report = false;
#endif
        if (prepared_fits(p, want_report, getpid())) {
                struct sock_fprog fp = { .len = prepared.len, .filter = prepared.prog };
                if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fp) != 0)
                        return -errno;
                return 0;
        }
        ctx = new_ctx(p, want_report, 0, &rc);
        if (!ctx)
                return rc < 0 ? rc : -EINVAL;
        rc = seccomp_load(ctx);
        seccomp_release(ctx);
        return rc < 0 ? rc : 0;
}
