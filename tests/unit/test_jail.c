/* test_jail.c - the worker jail: spawn, namespaces, Landlock, seccomp.
 *
 * Each test spawns real workers. Forbidden-syscall tests expect the worker
 * to die by SIGSYS and the supervisor to name the call; allowed-operation
 * tests expect exit code 0, which the worker only returns after checking
 * each operation worked. Tests that need a kernel feature this host lacks
 * skip and say why.
 */
#include "sandbox_int.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef WSBX_SOURCE_ROOT
#define WSBX_SOURCE_ROOT "."
#endif

static void test_policy(wsbx_jail_policy *p)
{
        wsbx_jail_policy_init(p);
        /* stderr stays writable so a sanitizer can say what went wrong */
        p->rw_fds[p->n_rw_fds++] = 2;
}

static int count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        struct dirent *e;
        int n = 0;

        cr_assert(d);
        while ((e = readdir(d)))
                if (e->d_name[0] != '.')
                        n++;
        closedir(d);
        return n - 1; /* the directory's own fd */
}

/* Spawns child_main under p (stderr kept), waits and returns the death. */
static wsbx_jail_death run(const wsbx_jail_policy *p, int (*fn)(void *), void *arg)
{
        static const int keep[] = { 2 };
        wsbx_jail_child c;
        wsbx_jail_death d;
        int rc = wsbx_jail_spawn(p, keep, 1, fn, arg, &c);

        cr_assert_eq(rc, 0, "spawn: %s", strerror(-rc));
        rc = wsbx_jail_wait(&c, &d);
        cr_assert_eq(rc, 0, "wait: %s", strerror(-rc));
        wsbx_jail_release(&c);
        return d;
}

/* ---- forbidden syscalls ---- */

struct forbid {
        long nr;
        long a[6];
        bool no_report;
};

static int do_forbidden(void *arg)
{
        const struct forbid *f = arg;
        wsbx_jail_policy p;

        test_policy(&p);
        p.report_denied = !f->no_report;
        if (wsbx_jail_lockdown(&p))
                return 100;
        syscall(f->nr, f->a[0], f->a[1], f->a[2], f->a[3], f->a[4], f->a[5]);
        return 101; /* survived: the filter let it through */
}

static void expect_killed(struct forbid f, const char *name)
{
        wsbx_jail_policy p;
        wsbx_jail_death d;

        test_policy(&p);
        d = run(&p, do_forbidden, &f);
        cr_assert_eq(d.cause, WSBX_JAIL_SECCOMP, "%s: cause %d status %d", name, d.cause, d.status);
        cr_assert_eq(d.syscall_nr, f.nr, "%s: reported %d", name, d.syscall_nr);
        cr_assert_str_eq(d.syscall_name, name);
}

static int do_open_sanitizer(void *arg)
{
        wsbx_jail_policy p;

        (void)arg;
        test_policy(&p);
        if (wsbx_jail_lockdown(&p))
                return 100;
        if (syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY) >= 0 || errno != EACCES)
                return 1;
        if (syscall(SYS_open, "/etc/passwd", O_RDONLY) >= 0 || errno != EACCES)
                return 2;
        return 0;
}

Test(jail, forbidden_open)
{
        if (wsbx_seccomp_sanitizer_build()) {
                /* Sanitizer rows: open fails (never runs) so that a
                 * sanitizer report can finish from its cached maps. */
                wsbx_jail_policy p;
                wsbx_jail_death d;

                test_policy(&p);
                d = run(&p, do_open_sanitizer, NULL);
                cr_assert_eq(d.cause, WSBX_JAIL_EXITED);
                cr_assert_eq(d.status, 0, "open check %d failed", d.status);
                return;
        }
        expect_killed((struct forbid){ SYS_openat, { AT_FDCWD, (long)"/etc/passwd", O_RDONLY } },
                      "openat");
        expect_killed((struct forbid){ SYS_open, { (long)"/etc/passwd", O_RDONLY } }, "open");
}

Test(jail, forbidden_socket_exec_ptrace)
{
        expect_killed((struct forbid){ SYS_socket, { AF_INET, SOCK_STREAM, 0 } }, "socket");
        expect_killed((struct forbid){ SYS_execve, { (long)"/bin/sh", 0, 0 } }, "execve");
        expect_killed((struct forbid){ SYS_ptrace, { 0 /* PTRACE_TRACEME */ } }, "ptrace");
        expect_killed((struct forbid){ SYS_bpf, { 0, 0, 0 } }, "bpf");
}

Test(jail, forbidden_clone_fork)
{
        expect_killed((struct forbid){ SYS_fork, { 0 } }, "fork");
        expect_killed((struct forbid){ SYS_clone, { SIGCHLD } }, "clone");
        expect_killed((struct forbid){ SYS_clone3, { 0, 0 } }, "clone3");
}

Test(jail, forbidden_io_uring)
{
        expect_killed((struct forbid){ SYS_io_uring_setup, { 8, 0 } }, "io_uring_setup");
        expect_killed((struct forbid){ SYS_io_uring_enter, { 0 } }, "io_uring_enter");
        expect_killed((struct forbid){ SYS_io_uring_register, { 0 } }, "io_uring_register");
}

Test(jail, forbidden_kill_other)
{
        /* pid 1 is the worker itself in its pid namespace; 2 is nobody,
         * and the call must die before the kernel could say so. */
        expect_killed((struct forbid){ SYS_kill, { 2, SIGKILL } }, "kill");
        expect_killed((struct forbid){ SYS_tgkill, { 2, 2, SIGKILL } }, "tgkill");
}

struct wx {
        int kind;
};

static int do_wx(void *arg)
{
        const struct wx *w = arg;
        wsbx_jail_policy p;
        void *m;

        test_policy(&p);
        if (wsbx_jail_lockdown(&p))
                return 100;
        switch (w->kind) {
        case 0: /* RWX anonymous mapping */
                mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                break;
        case 1: /* RW, then mprotect adding exec */
                m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (m == MAP_FAILED)
                        return 102;
                mprotect(m, 4096, PROT_READ | PROT_EXEC);
                break;
        case 2: /* read on an fd the policy does not name */
                read(0, &m, 1);
                break;
        case 3: /* madvise other than DONTNEED */
                m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                madvise(m, 4096, MADV_REMOVE);
                break;
        }
        return 101;
}

Test(jail, forbidden_wx)
{
        static const char *const names[] = { "mmap", "mprotect", "read", "madvise" };
        wsbx_jail_policy p;

        for (int k = 0; k < 4; k++) {
                struct wx w = { k };
                wsbx_jail_death d;

                if (k == 3 && wsbx_seccomp_sanitizer_build())
                        continue; /* sanitizer runtimes madvise freely */
                test_policy(&p);
                d = run(&p, do_wx, &w);
                cr_assert_eq(d.cause, WSBX_JAIL_SECCOMP, "case %d: cause %d status %d", k,
                             d.cause, d.status);
                cr_assert_str_eq(d.syscall_name, names[k]);
        }
}

static int do_unknown(void *arg)
{
        wsbx_jail_policy p;

        (void)arg;
        test_policy(&p);
        if (wsbx_jail_lockdown(&p))
                return 100;
        syscall(1000); /* no such syscall: trapped, and no name to report */
        return 101;
}

Test(jail, unknown_syscall_killed_without_a_name)
{
        wsbx_jail_policy p;
        wsbx_jail_death d;

        test_policy(&p);
        d = run(&p, do_unknown, NULL);
        cr_assert_eq(d.cause, WSBX_JAIL_SECCOMP);
        cr_assert_eq(d.syscall_nr, -1);
}

Test(jail, report_off_still_kills)
{
        struct forbid f = { SYS_socket, { AF_INET, SOCK_STREAM, 0 }, .no_report = true };
        wsbx_jail_policy p;
        wsbx_jail_death d;

        test_policy(&p);
        d = run(&p, do_forbidden, &f);
        cr_assert_eq(d.cause, WSBX_JAIL_SECCOMP);
        cr_assert_eq(d.syscall_nr, -1); /* KILL_PROCESS at once: nothing reported */
}

/* ---- allowed operations after lockdown ---- */

struct shared_futex {
        _Atomic uint32_t word;
};

struct allowed_arg {
        struct shared_futex *fx;
        int sock;
};

static int do_allowed(void *arg)
{
        struct allowed_arg *a = arg;
        wsbx_jail_policy p;
        char byte;
        int fd = -1;
        struct iovec iov = { &byte, 1 };
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } cm;
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf,
                             .msg_controllen = sizeof cm.buf };
        int (*fn)(void);
        void *m;

        test_policy(&p);
        p.ctl_fds[p.n_ctl_fds++] = a->sock;
        if (wsbx_jail_lockdown(&p))
                return 100;
        /* RW anonymous memory, then DONTNEED resets it to zero. */
        m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
                return 1;
        memset(m, 0x5a, 8192);
        if (madvise(m, 8192, MADV_DONTNEED) || ((char *)m)[100] != 0)
                return 2;
        if (munmap(m, 8192))
                return 3;
        /* futex: wait for the supervisor to bump the shared word. */
        atomic_store(&a->fx->word, 1);
        syscall(SYS_futex, &a->fx->word, FUTEX_WAKE, 1, NULL, NULL, 0);
        while (atomic_load(&a->fx->word) == 1)
                syscall(SYS_futex, &a->fx->word, FUTEX_WAIT, 1, NULL, NULL, 0);
        if (atomic_load(&a->fx->word) != 2)
                return 4;
        /* A sealed memfd holding code, over SCM_RIGHTS. */
        if (recvmsg(a->sock, &mh, 0) != 1)
                return 5;
        if (mh.msg_controllen < CMSG_LEN(sizeof(int)) || cm.h.cmsg_type != SCM_RIGHTS)
                return 6;
        memcpy(&fd, CMSG_DATA(&cm.h), sizeof fd);
        m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED)
                return 7;
        close(fd);
        fn = (int (*)(void))m;
        if (fn() != 42)
                return 8;
        byte = 'k';
        if (sendmsg(a->sock, &(struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1 }, 0) != 1)
                return 9;
        struct timespec ts = { 0, 1000 };
        nanosleep(&ts, NULL);
        sched_yield();
        return 0;
}

Test(jail, allowed_after_lockdown)
{
        static const unsigned char code[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 }; /* mov eax,42; ret */
        struct shared_futex *fx = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        struct allowed_arg a;
        wsbx_jail_policy p;
        wsbx_jail_child c;
        wsbx_jail_death d;
        int sv[2], keep[2], mfd, rc;
        char byte = 'x';
        struct iovec iov = { &byte, 1 };
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } cm;
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf,
                             .msg_controllen = sizeof cm.buf };

        cr_assert(fx != MAP_FAILED);
        cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        a.fx = fx;
        a.sock = sv[1];
        keep[0] = 2;
        keep[1] = sv[1];
        test_policy(&p);
        rc = wsbx_jail_spawn(&p, keep, 2, do_allowed, &a, &c);
        cr_assert_eq(rc, 0, "spawn: %s", strerror(-rc));
        close(sv[1]);

        while (atomic_load(&fx->word) != 1)
                syscall(SYS_futex, &fx->word, FUTEX_WAIT, 0, NULL, NULL, 0);
        atomic_store(&fx->word, 2);
        syscall(SYS_futex, &fx->word, FUTEX_WAKE, 1, NULL, NULL, 0);

        mfd = memfd_create("code", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        cr_assert(mfd >= 0);
        cr_assert_eq(ftruncate(mfd, 4096), 0);
        cr_assert_eq(pwrite(mfd, code, sizeof code, 0), (ssize_t)sizeof code);
        cr_assert_eq(fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL), 0);
        cm.h.cmsg_level = SOL_SOCKET;
        cm.h.cmsg_type = SCM_RIGHTS;
        cm.h.cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(&cm.h), &mfd, sizeof mfd);
        cr_assert_eq(sendmsg(sv[0], &mh, 0), 1);
        close(mfd);
        cr_assert_eq(recv(sv[0], &byte, 1, 0), 1);
        cr_assert_eq(byte, 'k');

        cr_assert_eq(wsbx_jail_wait(&c, &d), 0);
        cr_assert_eq(d.cause, WSBX_JAIL_EXITED, "cause %d status %d (syscall %s)", d.cause,
                     d.status, d.syscall_name);
        cr_assert_eq(d.status, 0, "worker step %d failed", d.status);
        wsbx_jail_release(&c);
        close(sv[0]);
        munmap(fx, 4096);
}

/* ---- namespaces, root, fds ---- */

static int do_ns(void *arg)
{
        unsigned ns = *(unsigned *)arg;
        struct if_nameindex *ifs;
        DIR *d;
        struct dirent *e;

        if ((ns & WSBX_NS_PID) && getpid() != 1)
                return 1;
        if (ns & WSBX_NS_NET) {
                ifs = if_nameindex();
                if (!ifs)
                        return 2;
                for (struct if_nameindex *i = ifs; i->if_index; i++)
                        if (strcmp(i->if_name, "lo"))
                                return 3;
                if_freenameindex(ifs);
        }
        if (ns & WSBX_NS_MOUNT) {
                d = opendir("/");
                if (!d)
                        return 4;
                while ((e = readdir(d)))
                        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                                return 5;
                closedir(d);
                if (mkdir("/x", 0700) == 0 || errno != EROFS)
                        return 6;
                if (access("/etc/passwd", F_OK) == 0)
                        return 7;
        }
        if ((ns & WSBX_NS_USER) && getuid() != 0)
                return 8;
        return 0;
}

Test(jail, namespaces_applied)
{
        unsigned avail = wsbx_jail_available_ns();
        wsbx_jail_policy p;
        wsbx_jail_death d;

        if (!(avail & WSBX_NS_PID))
                cr_skip_test("pid namespaces unavailable on this host");
        test_policy(&p);
        d = run(&p, do_ns, &avail);
        cr_assert_eq(d.cause, WSBX_JAIL_EXITED);
        cr_assert_eq(d.status, 0, "namespace check %d failed", d.status);
}

Test(jail, require_missing_ns_fails)
{
        wsbx_jail_policy p;
        wsbx_jail_child c;
        unsigned avail = wsbx_jail_available_ns();

        if (avail == WSBX_NS_ALL)
                cr_skip_test("every namespace is available: nothing to refuse");
        test_policy(&p);
        p.require_ns = WSBX_NS_ALL;
        cr_assert_eq(wsbx_jail_spawn(&p, NULL, 0, do_ns, &avail, &c), -EPERM);
}

struct fd_arg {
        int keep, other;
};

static int do_fds(void *arg)
{
        struct fd_arg *a = arg;

        if (fcntl(a->keep, F_GETFD) < 0)
                return 1;
        if (fcntl(a->other, F_GETFD) >= 0 || errno != EBADF)
                return 2;
        for (int fd = 0; fd < 1024; fd++)
                if (fd != a->keep && fd != 2 && fcntl(fd, F_GETFD) >= 0)
                        return 3;
        return 0;
}

Test(jail, fds_closed)
{
        int pa[2], pb[2];
        int keep[2];
        struct fd_arg a;
        wsbx_jail_policy p;
        wsbx_jail_child c;
        wsbx_jail_death d;

        cr_assert_eq(pipe(pa), 0); /* no CLOEXEC: only the jail closes them */
        cr_assert_eq(pipe(pb), 0);
        a.keep = pa[1];
        a.other = pb[1];
        keep[0] = 2;
        keep[1] = pa[1];
        test_policy(&p);
        cr_assert_eq(wsbx_jail_spawn(&p, keep, 2, do_fds, &a, &c), 0);
        cr_assert_eq(wsbx_jail_wait(&c, &d), 0);
        cr_assert_eq(d.cause, WSBX_JAIL_EXITED);
        cr_assert_eq(d.status, 0, "fd check %d failed", d.status);
        wsbx_jail_release(&c);
        close(pa[0]);
        close(pa[1]);
        close(pb[0]);
        close(pb[1]);
}

/* ---- Landlock ---- */

Test(jail, landlock_denies_existing_file)
{
        pid_t pid;
        int st;

        if (wsbx_landlock_abi() <= 0)
                cr_skip_test("Landlock unavailable on this kernel");
        cr_assert_eq(access("/etc/passwd", R_OK), 0);
        pid = fork();
        cr_assert(pid >= 0);
        if (pid == 0) {
                wsbx_jail_policy p;
                int dir = open("/etc", O_PATH | O_DIRECTORY);
                int fd;

                wsbx_jail_policy_init(&p);
                p.preopens[p.n_preopens++] = (wsbx_jail_preopen){ .fd = dir };
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || wsbx_landlock_apply(&p))
                        _exit(10);
                if (open("/usr/include/stdio.h", O_RDONLY) >= 0 || errno != EACCES)
                        _exit(11);
                /* The preopen: readable beneath, never writable. */
                fd = openat(dir, "passwd", O_RDONLY);
                if (fd < 0)
                        _exit(12);
                close(fd);
                if (openat(dir, "passwd", O_WRONLY) >= 0 || errno != EACCES)
                        _exit(13);
                if (open("/etc/passwd", O_RDONLY) < 0)
                        _exit(14); /* same file by path: beneath the rule too */
                if (mkdir("/tmp/wsbx-landlock-test", 0700) == 0 || errno != EACCES)
                        _exit(15);
                _exit(0);
        }
        cr_assert_eq(waitpid(pid, &st, 0), pid);
        cr_assert(WIFEXITED(st));
        cr_assert_eq(WEXITSTATUS(st), 0, "landlock check %d failed", WEXITSTATUS(st));
}

/* ---- PDEATHSIG ---- */

static int do_sleep(void *arg)
{
        wsbx_jail_policy p;
        int fd = *(int *)arg;
        struct timespec ts = { 1, 0 };

        test_policy(&p);
        p.rw_fds[p.n_rw_fds++] = fd;
        if (wsbx_jail_lockdown(&p))
                return 100;
        /* Ready; fd stays open, and its closing tells the test we died. */
        if (write(fd, "r", 1) != 1)
                return 101;
        for (;;)
                nanosleep(&ts, NULL);
}

Test(jail, pdeathsig_kills_orphan)
{
        int alive[2], info[2], go[2];
        pid_t mid, worker = 0;
        struct pollfd pf;
        char b;
        int st;

        cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
        cr_assert_eq(pipe(alive), 0);
        cr_assert_eq(pipe(info), 0);
        cr_assert_eq(pipe(go), 0);
        mid = fork();
        cr_assert(mid >= 0);
        if (mid == 0) {
                wsbx_jail_policy p;
                wsbx_jail_child c;
                int keep[2] = { 2, alive[1] };

                test_policy(&p);
                if (wsbx_jail_spawn(&p, keep, 2, do_sleep, &alive[1], &c))
                        _exit(1);
                if (write(info[1], &c.pid, sizeof c.pid) != (ssize_t)sizeof c.pid)
                        _exit(2);
                /* Die, without releasing the worker, when the test says. */
                if (read(go[0], &b, 1) != 1)
                        _exit(3);
                _exit(0);
        }
        close(alive[1]);
        close(info[1]);
        close(go[0]);
        cr_assert_eq(read(info[0], &worker, sizeof worker), (ssize_t)sizeof worker);
        pf = (struct pollfd){ .fd = alive[0], .events = POLLIN };
        cr_assert_eq(poll(&pf, 1, 10000), 1, "worker never got ready");
        cr_assert_eq(read(alive[0], &b, 1), 1);
        cr_assert_eq(b, 'r');
        cr_assert_eq(write(go[1], "x", 1), 1);
        cr_assert_eq(waitpid(mid, &st, 0), mid);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        /* The worker's end of the pipe closes when it dies. */
        cr_assert_eq(poll(&pf, 1, 10000), 1, "worker still alive 10 s after its parent");
        cr_assert_eq(read(alive[0], &b, 1), 0);
        /* Reparented to us (subreaper): it died by SIGKILL. */
        cr_assert_eq(waitpid(worker, &st, 0), worker);
        cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
        close(alive[0]);
        close(info[0]);
        close(go[1]);
}

/* ---- kill and leaks ---- */

static int do_sleep_plain(void *arg)
{
        struct timespec ts = { 1, 0 };

        (void)arg;
        while (nanosleep(&ts, NULL) == 0 || errno == EINTR)
                ;
        return 1;
}

Test(jail, parent_dying_at_once_leaves_no_worker)
{
        int alive[2], info[2];
        pid_t mid, worker = 0;
        struct pollfd pf;
        char b;
        int st;

        cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
        cr_assert_eq(pipe(alive), 0);
        cr_assert_eq(pipe(info), 0);
        mid = fork();
        cr_assert(mid >= 0);
        if (mid == 0) {
                wsbx_jail_policy p;
                wsbx_jail_child c;
                int keep[2] = { 2, alive[1] };

                test_policy(&p);
                if (wsbx_jail_spawn(&p, keep, 2, do_sleep, &alive[1], &c))
                        _exit(1);
                if (write(info[1], &c.pid, sizeof c.pid) != (ssize_t)sizeof c.pid)
                        _exit(2);
                _exit(0); /* racing the worker's PDEATHSIG setup */
        }
        close(alive[1]);
        close(info[1]);
        cr_assert_eq(read(info[0], &worker, sizeof worker), (ssize_t)sizeof worker);
        cr_assert_eq(waitpid(mid, &st, 0), mid);
        /* Whether it got ready first or not, the worker must be gone. */
        pf = (struct pollfd){ .fd = alive[0], .events = POLLIN };
        for (;;) {
                cr_assert_eq(poll(&pf, 1, 10000), 1, "worker outlived its parent by 10 s");
                if (read(alive[0], &b, 1) == 0)
                        break;
        }
        cr_assert_eq(waitpid(worker, &st, 0), worker);
        cr_assert(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0), "status %#x", st);
        close(alive[0]);
        close(info[0]);
}

Test(jail, kill_through_pidfd)
{
        int pp[2];
        wsbx_jail_policy p;
        wsbx_jail_child c;
        wsbx_jail_death d;
        int keep[2];

        cr_assert_eq(pipe(pp), 0);
        keep[0] = 2;
        keep[1] = pp[1];
        test_policy(&p);
        cr_assert_eq(wsbx_jail_spawn(&p, keep, 2, do_sleep, &pp[1], &c), 0);
        close(pp[1]);
        cr_assert_eq(wsbx_jail_kill(&c), 0);
        cr_assert_eq(wsbx_jail_wait(&c, &d), 0);
        cr_assert_eq(d.cause, WSBX_JAIL_SIGNALED);
        cr_assert_eq(d.status, SIGKILL);
        cr_assert_eq(wsbx_jail_wait(&c, &d), -ECHILD);
        wsbx_jail_release(&c);
        close(pp[0]);
}

static int do_lockdown_exit(void *arg)
{
        wsbx_jail_policy p;

        (void)arg;
        test_policy(&p);
        return wsbx_jail_lockdown(&p) ? 100 : 7;
}

Test(jail, thousand_cycles_leak_no_fds, .timeout = 300)
{
        wsbx_jail_policy p;
        int before, after;

        test_policy(&p);
        before = count_fds();
        for (int i = 0; i < 1000; i++) {
                wsbx_jail_death d = run(&p, do_lockdown_exit, NULL);
                cr_assert_eq(d.cause, WSBX_JAIL_EXITED);
                cr_assert_eq(d.status, 7, "cycle %d: status %d", i, d.status);
        }
        after = count_fds();
        cr_assert_eq(before, after, "fds before %d, after %d", before, after);
}

/* ---- the policy table and its documentation ---- */

Test(jail, threat_model_lists_the_policy_table)
{
        size_t n, nrows = 0;
        const wsbx_seccomp_rule *t = wsbx_seccomp_table(&n);
        FILE *f = fopen(WSBX_SOURCE_ROOT "/docs/threat-model.md", "r");
        char line[1024], want[512];
        char *doc = NULL;
        size_t cap = 0, len = 0;

        cr_assert(f, "docs/threat-model.md missing");
        while (fgets(line, sizeof line, f)) {
                size_t l = strlen(line);
                if (len + l + 1 > cap) {
                        cap = (len + l + 1) * 2;
                        doc = realloc(doc, cap);
                        cr_assert(doc);
                }
                memcpy(doc + len, line, l + 1);
                len += l;
                if (!strncmp(line, "| `", 3) && strstr(line, "<!-- syscall -->"))
                        nrows++;
        }
        fclose(f);
        for (size_t i = 0; i < n; i++) {
                snprintf(want, sizeof want, "| `%s` | %s | %s | %s | <!-- syscall -->\n", t[i].name,
                         t[i].args[0] ? t[i].args : "-", t[i].reason,
                         t[i].sanitizer_only ? "sanitizer builds" : "always");
                cr_assert(strstr(doc, want), "docs/threat-model.md lacks the row:\n%s", want);
        }
        cr_assert_eq(nrows, n, "the doc has %zu syscall rows, the table %zu", nrows, n);
        free(doc);
}

Test(jail, table_names_are_syscalls)
{
        size_t n;
        const wsbx_seccomp_rule *t = wsbx_seccomp_table(&n);

        for (size_t i = 0; i < n; i++) {
                bool found = false;
                for (int nr = 0; nr < 1024 && !found; nr++) {
                        const char *s = wsbx_seccomp_syscall_name(nr);
                        found = s && !strcmp(s, t[i].name);
                }
                cr_assert(found, "%s is no syscall here", t[i].name);
                cr_assert(t[i].reason[0], "%s has no reason", t[i].name);
        }
}

/* ---- cgroup ---- */

static int do_hog(void *arg)
{
        wsbx_jail_policy p;
        size_t len = (size_t)128 << 20;
        char *m;

        (void)arg;
        test_policy(&p);
        if (wsbx_jail_lockdown(&p))
                return 100;
        m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
                return 1;
        for (size_t i = 0; i < len; i += 4096)
                m[i] = 1;
        return 2; /* the limit did not hold */
}

Test(jail, cgroup_memory_limit_oom)
{
        wsbx_jail_policy p;
        wsbx_jail_child c;
        wsbx_jail_death d;
        int keep[] = { 2 };
        char path[WSBX_CGROUP_PATH_MAX];

        test_policy(&p);
        p.cgroup = true;
        p.memory_max = 32 << 20;
        cr_assert_eq(wsbx_jail_spawn(&p, keep, 1, do_hog, NULL, &c), 0);
        if (!c.has_cgroup || !(c.cg.limits & WSBX_CGROUP_MEMORY)) {
                wsbx_jail_release(&c);
                cr_skip_test("no memory cgroup can be made on this host");
        }
        memcpy(path, c.cg.v1_mem[0] ? c.cg.v1_mem : c.cg.v2, sizeof path);
        cr_assert_eq(access(path, F_OK), 0);
        cr_assert_eq(wsbx_jail_wait(&c, &d), 0);
        cr_assert_eq(d.cause, WSBX_JAIL_OOM, "cause %d status %d", d.cause, d.status);
        wsbx_jail_release(&c);
        cr_assert(access(path, F_OK) < 0, "%s left behind", path);
}

static int do_fork_twice(void *arg)
{
        pid_t a, b;

        (void)arg;
        /* Before lockdown: pids.max 2 leaves room for one child only. */
        a = fork();
        if (a == 0)
                _exit(0);
        b = fork();
        if (b == 0)
                _exit(0);
        if (a < 0)
                return 1;
        if (b >= 0 || errno != EAGAIN)
                return 2;
        return 0;
}

Test(jail, cgroup_pids_limit)
{
        wsbx_jail_policy p;
        wsbx_jail_child c;
        wsbx_jail_death d;
        int keep[] = { 2 };

        test_policy(&p);
        p.cgroup = true;
        p.pids_max = 2;
        cr_assert_eq(wsbx_jail_spawn(&p, keep, 1, do_fork_twice, NULL, &c), 0);
        if (!c.has_cgroup || !(c.cg.limits & WSBX_CGROUP_PIDS)) {
                wsbx_jail_release(&c);
                cr_skip_test("no pids cgroup can be made on this host");
        }
        cr_assert_eq(wsbx_jail_wait(&c, &d), 0);
        cr_assert_eq(d.cause, WSBX_JAIL_EXITED);
        cr_assert_eq(d.status, 0, "pids check %d failed", d.status);
        wsbx_jail_release(&c);
}

Test(jail, cgroup_v2_id)
{
        wsbx_jail_policy p;
        wsbx_jail_child c;
        int keep[] = { 2 };
        char path[64], buf[4096] = "";
        FILE *f;
        size_t n;

        test_policy(&p);
        p.cgroup = true;
        cr_assert_eq(wsbx_jail_spawn(&p, keep, 1, do_sleep_plain, NULL, &c), 0);
        if (!c.has_cgroup || !c.cg.v2[0]) {
                wsbx_jail_release(&c);
                cr_skip_test("no writable cgroup v2 hierarchy on this host");
        }
        cr_assert_neq(c.cg.id, 0);
        snprintf(path, sizeof path, "/proc/%d/cgroup", c.pid);
        f = fopen(path, "r");
        cr_assert(f);
        n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = 0;
        fclose(f);
        /* Born in it (CLONE_INTO_CGROUP): the v2 line names wsbx/<name>. */
        cr_assert(strstr(buf, "0::/wsbx/w"), "%s", buf);
        wsbx_jail_release(&c);
}

static bool file_lists(const char *dir, const char *file, int pid)
{
        char path[WSBX_CGROUP_PATH_MAX + 32], line[32];
        bool found = false;
        FILE *f;

        snprintf(path, sizeof path, "%s/%s", dir, file);
        f = fopen(path, "r");
        if (!f)
                return false;
        while (!found && fgets(line, sizeof line, f))
                found = atoi(line) == pid;
        fclose(f);
        return found;
}

/* The worker moves itself into its v1 cgroups (wsbx_cgroup_v1_join):
 * both list it, and nothing is left once it is gone. */
Test(jail, cgroup_v1_member)
{
        wsbx_jail_policy p;
        wsbx_jail_child c;
        int keep[] = { 2 };
        char mem[WSBX_CGROUP_PATH_MAX], pids[WSBX_CGROUP_PATH_MAX];
        bool in_mem = false, in_pids = false;

        test_policy(&p);
        p.cgroup = true;
        p.memory_max = 256 << 20;
        p.pids_max = 16;
        cr_assert_eq(wsbx_jail_spawn(&p, keep, 1, do_sleep_plain, NULL, &c), 0);
        if (!c.has_cgroup || (!c.cg.v1_mem[0] && !c.cg.v1_pids[0])) {
                wsbx_jail_release(&c);
                cr_skip_test("no v1 memory or pids cgroup on this host (the limits live in v2)");
        }
        memcpy(mem, c.cg.v1_mem, sizeof mem);
        memcpy(pids, c.cg.v1_pids, sizeof pids);
        for (int i = 0; i < 2000 && !((in_mem || !mem[0]) && (in_pids || !pids[0])); i++) {
                in_mem = mem[0] && file_lists(mem, "cgroup.procs", c.pid);
                in_pids = pids[0] && file_lists(pids, "cgroup.procs", c.pid);
                usleep(1000);
        }
        cr_assert(!mem[0] || in_mem, "worker %d not in %s", c.pid, mem);
        cr_assert(!pids[0] || in_pids, "worker %d not in %s", c.pid, pids);
        wsbx_jail_release(&c);
        cr_assert(!mem[0] || access(mem, F_OK) < 0, "%s left behind", mem);
        cr_assert(!pids[0] || access(pids, F_OK) < 0, "%s left behind", pids);
}
