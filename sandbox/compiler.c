/* compiler.c - the compile worker: untrusted module bytes in, a verified,
 * sealed artifact memfd out.
 *
 * The supervisor (this file's caller):
 *   1. copies the module into a memfd sealed against every change (plus a
 *      NUL past the end), creates an empty memfd for the artifact and a
 *      SOCK_SEQPACKET socketpair for the reply;
 *   2. spawns a jailed worker (jail.c) keeping those three fds and stderr;
 *   3. waits on the worker's pidfd, up to the time limit, then reaps it;
 *   4. reads one reply from the socket (closing any fd a lying worker
 *      attached), checks its size, magic, kind and message;
 *   5. on success cuts the artifact memfd to the length the reply
 *      claimed, seals it (write, shrink, grow, seal), checks the seals,
 *      maps it read-only and verifies it with wsbx_artifact_open as
 *      hostile bytes.
 * The artifact memfd starts sparse at the worker's memory limit: the jail
 * sets RLIMIT_FSIZE to 0, so the worker cannot write() it, and instead
 * maps it shared and writable (before lockdown) and copies the artifact
 * in. The worker maps the module read-only, locks down (Landlock,
 * no_new_privs, capabilities, the common seccomp allowlist), then
 * decodes, validates and compiles on its one thread. It needs nothing
 * beyond the run worker's allowlist: malloc is held to brk (M_MMAP_MAX 0,
 * so realloc never needs mremap) and the reply goes out with sendmsg on
 * the control socket. Sizing and sealing happen in the supervisor once
 * the worker is dead, which is why the worker needs neither memfd_create
 * nor ftruncate nor fcntl: when the seals go on, no process but the
 * supervisor holds the memfd or a mapping of it.
 *
 * When the jail cannot be built (spawn fails, or the child could not set
 * itself up or lock down) the module is compiled in this process, and
 * the caller's log hook hears so once. no_sandbox asks for that directly.
 */
#include "sandbox.h"
#include "sandbox_int.h"
#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REPLY_MAGIC 0x57434d50u /* "PMCW" */
#define EXIT_LOCKDOWN 124       /* the child could not lock itself down */

/* The one message the worker sends. Hostile on arrival. */
struct reply {
        uint32_t magic;
        uint32_t kind;          /* wsbx_errkind */
        uint64_t offset;        /* SIZE_MAX: none */
        uint32_t line, col;
        uint64_t art_len;       /* WSBX_OK: bytes written to the artifact memfd */
        char msg[WSBX_ERROR_MSG_MAX];
};

struct child_arg {
        int in_fd, out_fd, sock;
        size_t in_len;
        uint64_t out_cap;       /* the artifact memfd's (sparse) size */
        wsbx_compile_opts opts;
        const wsbx_jail_policy *policy;
};

static void set_err(wsbx_error *err, wsbx_errkind kind, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void set_err(wsbx_error *err, wsbx_errkind kind, const char *fmt, ...)
{
        va_list ap;
        err->kind = kind;
        err->offset = SIZE_MAX;
        err->line = err->col = 0;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
}

static bool write_all(int fd, const uint8_t *p, size_t len)
{
        while (len) {
                ssize_t w = write(fd, p, len);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return false;
                p += w;
                len -= (size_t)w;
        }
        return true;
}

/* ---- worker side ---- */

static void send_reply(int sock, const struct reply *r)
{
        struct iovec iov = {.iov_base = (void *)r, .iov_len = sizeof *r};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
        /* sendmsg, not send: send() is the sendto syscall, which the
         * allowlist does not have. */
        while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR)
                ;
}

static int cmp_u32(const void *a, const void *b)
{
        uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
        return (x > y) - (x < y);
}

/* glibc's qsort asks sysinfo() for the machine's memory the first time it
 * sorts 1 KiB or more, and keeps the answer: ask before lockdown. */
static void warm_qsort(void)
{
        static uint32_t v[512];
        for (uint32_t i = 0; i < 512; i++)
                v[i] = 511 - i;
        qsort(v, 512, sizeof v[0], cmp_u32);
}

static int child_main(void *argp)
{
        const struct child_arg *a = argp;
        static struct reply r;
        r.magic = REPLY_MAGIC;
        r.offset = SIZE_MAX;
        /* Map before lockdown (mmap stays allowed, but nothing is gained
         * by doing it later); the NUL after the module is mapped too. */
        const uint8_t *in = mmap(NULL, a->in_len + 1, PROT_READ, MAP_PRIVATE, a->in_fd, 0);
        if (in == MAP_FAILED)
                return 3;
        close(a->in_fd);
        uint8_t *out = mmap(NULL, (size_t)a->out_cap, PROT_READ | PROT_WRITE, MAP_SHARED, a->out_fd, 0);
        if (out == MAP_FAILED)
                return 3;
        /* Every allocation from brk: a realloc of an mmap'ed chunk would
         * call mremap, which the allowlist does not have. */
        mallopt(M_MMAP_MAX, 0);
        warm_qsort();
        if (wsbx_jail_lockdown(a->policy) < 0)
                return EXIT_LOCKDOWN;

        wsbx_module *m = NULL;
        wsbx_error e = {0};
        uint8_t *art = NULL;
        size_t art_len = 0;
        wsbx_errkind k = wsbx_module_load(in, a->in_len, NULL, &m, &e);
        if (k == WSBX_OK) {
                k = wsbx_compile(m, &a->opts, &art, &art_len, &e);
                if (k != WSBX_OK) {
                        /* Compile errors have no position in the input. */
                        e.offset = SIZE_MAX;
                        e.line = e.col = 0;
                }
        }
        if (k == WSBX_OK && art_len > a->out_cap)
                k = wsbx_error_set(&e, WSBX_ERR_LIMIT, SIZE_MAX,
                                   "limit exceeded: artifact of %zu bytes (the compile worker's limit is %llu)",
                                   art_len, (unsigned long long)a->out_cap);
        if (k == WSBX_OK)
                memcpy(out, art, art_len);
        r.kind = (uint32_t)k;
        if (k == WSBX_OK) {
                r.art_len = art_len;
        } else {
                r.offset = e.offset;
                r.line = e.line;
                r.col = e.col;
                memcpy(r.msg, e.msg, sizeof r.msg);
        }
        send_reply(a->sock, &r);
        return 0;
}

/* ---- supervisor side ---- */

static int sealed_module_memfd(const uint8_t *bytes, size_t len)
{
        int fd = memfd_create("wsbx-module", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return -errno;
        int rc = 0;
        if (!write_all(fd, bytes, len) || !write_all(fd, (const uint8_t *)"", 1))
                rc = errno ? -errno : -EIO;
        if (!rc && fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
                rc = -errno;
        if (rc) {
                close(fd);
                return rc;
        }
        return fd;
}

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Waits until the child exits or the deadline passes. true: it exited. */
static bool wait_exit(int pidfd, uint64_t deadline)
{
        for (;;) {
                uint64_t now = now_ns();
                if (now >= deadline)
                        return false;
                uint64_t left_ms = (deadline - now + 999999) / 1000000;
                struct pollfd p = {.fd = pidfd, .events = POLLIN};
                int r = poll(&p, 1, left_ms > 60000 ? 60000 : (int)left_ms);
                if (r > 0)
                        return true;
                if (r < 0 && errno != EINTR)
                        return true;    /* let waitid tell */
        }
}

/* One reply, copied; every fd a lying worker attached is closed. Returns
 * the bytes received, or -1. */
static ssize_t read_reply(int sock, struct reply *r)
{
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int) * 16)];
        } cm;
        struct iovec iov = {.iov_base = r, .iov_len = sizeof *r};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf,
                            .msg_controllen = sizeof cm.buf};
        ssize_t n;
        do
                n = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
        while (n < 0 && errno == EINTR);
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                int *fds = (int *)CMSG_DATA(c);
                for (size_t i = 0; i < nfd; i++)
                        close(fds[i]);
        }
        return n;
}

static void say_once(const wsbx_compile_worker_opts *o, const char *why)
{
        static _Atomic int said;
        char msg[256];
        if (!o->log || atomic_exchange(&said, 1))
                return;
        snprintf(msg, sizeof msg, "wsbx: no compile worker (%s): compiling in this process, without the process wall",
                 why);
        o->log(msg);
}

static int compile_here(const uint8_t *bytes, size_t len, const wsbx_compile_opts *copts, int *artifact_fd,
                        wsbx_error *err)
{
        wsbx_module *m = NULL;
        uint8_t *art = NULL;
        size_t art_len = 0;
        wsbx_errkind k = wsbx_module_load(bytes, len, NULL, &m, err);
        if (k != WSBX_OK)
                return (int)k;
        k = wsbx_compile(m, copts, &art, &art_len, err);
        wsbx_module_delete(m);
        if (k != WSBX_OK) {
                err->offset = SIZE_MAX;
                err->line = err->col = 0;
                return (int)k;
        }
        int fd = wsbx_memfd_from_bytes(art, art_len, "wsbx-artifact");
        free(art);
        if (fd < 0) {
                set_err(err, WSBX_ERR_IO, "artifact memfd: %s", strerror(-fd));
                return fd;
        }
        *artifact_fd = fd;
        return 0;
}

/* Seals the artifact memfd, checks it and verifies its bytes. */
static int accept_artifact(int fd, uint64_t claimed, wsbx_error *err)
{
        const int want = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
        struct stat st;
        if (claimed == 0 || claimed > (uint64_t)INT64_MAX || ftruncate(fd, (off_t)claimed) < 0) {
                set_err(err, WSBX_ERR_IO, "compile worker: bad artifact length in its reply");
                return -EPROTO;
        }
        if (fcntl(fd, F_ADD_SEALS, want) < 0) {
                int e = errno;
                set_err(err, WSBX_ERR_IO, "compile worker: sealing the artifact: %s", strerror(e));
                return -e;
        }
        int seals = fcntl(fd, F_GET_SEALS);
        if (seals < 0 || (seals & want) != want) {
                set_err(err, WSBX_ERR_IO, "compile worker: the artifact memfd is not sealed");
                return -EPROTO;
        }
        if (fstat(fd, &st) < 0 || (uint64_t)st.st_size != claimed || claimed == 0) {
                set_err(err, WSBX_ERR_IO, "compile worker: artifact size does not match its reply");
                return -EPROTO;
        }
        void *map = mmap(NULL, (size_t)claimed, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
                int e = errno;
                set_err(err, WSBX_ERR_IO, "compile worker: mapping the artifact: %s", strerror(e));
                return -e;
        }
        wsbx_artifact a;
        wsbx_lerr le = {{0}};
        int rc = wsbx_artifact_open(map, (size_t)claimed, wsbx_cpu_features(), &a, &le);
        if (rc == 0)
                wsbx_artifact_close(&a);
        munmap(map, (size_t)claimed);
        if (rc < 0) {
                set_err(err, WSBX_ERR_IO, "compile worker sent a bad artifact: %s", le.msg);
                return -EPROTO;
        }
        return 0;
}

/* The reply of a worker that exited normally. */
static int take_reply(int sock, int out_fd, uint64_t cap, int *artifact_fd, wsbx_error *err)
{
        struct reply r;
        ssize_t n = read_reply(sock, &r);
        if (n != (ssize_t)sizeof r || r.magic != REPLY_MAGIC || r.kind > WSBX_ERR_IO) {
                set_err(err, WSBX_ERR_IO, "compile worker: malformed reply");
                return -EPROTO;
        }
        if (r.kind != WSBX_OK) {
                r.msg[sizeof r.msg - 1] = 0;
                if (!r.msg[0])
                        snprintf(r.msg, sizeof r.msg, "compile failed");
                err->kind = (wsbx_errkind)r.kind;
                err->offset = r.offset > SIZE_MAX ? SIZE_MAX : (size_t)r.offset;
                err->line = r.line;
                err->col = r.line ? r.col : 0;
                memcpy(err->msg, r.msg, sizeof err->msg);
                return (int)r.kind;
        }
        if (r.art_len > cap) {
                set_err(err, WSBX_ERR_IO, "compile worker: artifact length beyond its memfd");
                return -EPROTO;
        }
        int rc = accept_artifact(out_fd, r.art_len, err);
        if (rc < 0)
                return rc;
        *artifact_fd = out_fd;
        return 0;
}

static int died(const wsbx_jail_death *d, const wsbx_compile_worker_opts *o, uint64_t mem, wsbx_error *err)
{
        (void)o;
        switch (d->cause) {
        case WSBX_JAIL_SECCOMP:
                set_err(err, WSBX_ERR_IO, "compile worker killed: denied system call %s",
                        d->syscall_name[0] ? d->syscall_name : "(unknown)");
                return -EPERM;
        case WSBX_JAIL_OOM:
                set_err(err, WSBX_ERR_IO, "compile worker ran out of memory (limit %llu MiB)",
                        (unsigned long long)(mem >> 20));
                return -ENOMEM;
        case WSBX_JAIL_SIGNALED:
                set_err(err, WSBX_ERR_IO, "compile worker killed by signal %d (%s)", d->status,
                        strsignal(d->status));
                return -ECHILD;
        default:
                set_err(err, WSBX_ERR_IO, "compile worker exited with status %d", d->status);
                return -ECHILD;
        }
}

int wsbx_compile_in_worker(const uint8_t *bytes, size_t len, const wsbx_compile_worker_opts *o,
                           int *artifact_fd, wsbx_error *err)
{
        static const wsbx_compile_worker_opts defaults = {0};
        static const wsbx_compile_opts copts_default = {0};
        if (!o)
                o = &defaults;
        const wsbx_compile_opts *copts = o->compile ? o->compile : &copts_default;
        *artifact_fd = -1;
        memset(err, 0, sizeof *err);
        err->offset = SIZE_MAX;
        if (o->no_sandbox)
                return compile_here(bytes, len, copts, artifact_fd, err);

        uint64_t timeout = o->timeout_ns ? o->timeout_ns : WSBX_COMPILE_TIMEOUT_DEFAULT;
        uint64_t mem = o->memory_max ? o->memory_max : WSBX_COMPILE_MEMORY_DEFAULT;
        int in_fd = -1, out_fd = -1, sv[2] = {-1, -1}, rc;
        wsbx_jail_child c = {.pidfd = -1};
        bool spawned = false;

        in_fd = sealed_module_memfd(bytes, len);
        if (in_fd < 0) {
                set_err(err, WSBX_ERR_IO, "module memfd: %s", strerror(-in_fd));
                return in_fd;
        }
        out_fd = memfd_create("wsbx-artifact", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (out_fd >= 0 && ftruncate(out_fd, (off_t)mem) < 0) {
                close(out_fd);
                out_fd = -1;
        }
        if (out_fd < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
                rc = -errno;
                set_err(err, WSBX_ERR_IO, "compile worker: %s", strerror(-rc));
                goto out;
        }

        wsbx_jail_policy p;
        wsbx_jail_policy_init(&p);
        p.ctl_fds[p.n_ctl_fds++] = sv[1];
        p.rw_fds[p.n_rw_fds++] = out_fd;
        p.rw_fds[p.n_rw_fds++] = STDERR_FILENO; /* sanitizer reports */
        p.cgroup = true;
        p.memory_max = mem;
        p.pids_max = 4;
        p.cpu_seconds = (unsigned)(timeout / 1000000000ull) + 2;
        struct child_arg ca = {.in_fd = in_fd, .out_fd = out_fd, .sock = sv[1], .in_len = len,
                               .out_cap = mem, .opts = *copts, .policy = &p};
        ca.opts.threads = 1;
        int keep[4] = {in_fd, out_fd, sv[1], STDERR_FILENO};

        rc = wsbx_jail_spawn(&p, keep, 4, child_main, &ca, &c);
        if (rc < 0) {
                char why[96];
                snprintf(why, sizeof why, "spawn: %s", strerror(-rc));
                say_once(o, why);
                rc = compile_here(bytes, len, copts, artifact_fd, err);
                goto out;
        }
        spawned = true;
        close(sv[1]);
        sv[1] = -1;
        uint64_t deadline = now_ns() + timeout;
        if (!wait_exit(c.pidfd, deadline)) {
                wsbx_jail_kill(&c);
                wsbx_jail_death d;
                wsbx_jail_wait(&c, &d);
                set_err(err, WSBX_ERR_IO, "compile worker passed its time limit (%.3g s) and was killed",
                        (double)timeout / 1e9);
                rc = -ETIMEDOUT;
                goto out;
        }
        wsbx_jail_death d;
        rc = wsbx_jail_wait(&c, &d);
        if (rc < 0) {
                set_err(err, WSBX_ERR_IO, "compile worker: waiting: %s", strerror(-rc));
                goto out;
        }
        if (d.cause == WSBX_JAIL_EXITED &&
            (d.status == WSBX_JAIL_SETUP_FAILED || d.status == EXIT_LOCKDOWN)) {
                say_once(o, d.status == EXIT_LOCKDOWN ? "lockdown refused" : "jail setup refused");
                rc = compile_here(bytes, len, copts, artifact_fd, err);
                goto out;
        }
        if (d.cause != WSBX_JAIL_EXITED || d.status != 0) {
                rc = died(&d, o, mem, err);
                goto out;
        }
        rc = take_reply(sv[0], out_fd, mem, artifact_fd, err);
        if (rc == 0)
                out_fd = -1; /* now the caller's */
out:
        if (spawned)
                wsbx_jail_release(&c);
        if (in_fd >= 0)
                close(in_fd);
        if (out_fd >= 0)
                close(out_fd);
        if (sv[0] >= 0)
                close(sv[0]);
        if (sv[1] >= 0)
                close(sv[1]);
        return rc;
}
