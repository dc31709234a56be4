/* compiler.c - the compile worker: untrusted module bytes in, a verified,
 * sealed artifact memfd out.
 *
 * A worker (jail.c) serves requests on a SOCK_SEQPACKET socketpair until
 * the supervisor closes its end; wsbx_compile_in_worker is one worker for
 * one request. Per request the supervisor (this file's caller):
 *   1. copies the module into a memfd sealed against every change (plus a
 *      NUL past the end) and creates an empty memfd for the artifact,
 *      sparse at the worker's memory limit;
 *   2. sends both as SCM_RIGHTS with a request (sequence number, sizes);
 *   3. waits for the reply or the worker's end (pidfd), up to the time
 *      limit; past it, or on any breach of the protocol, the worker is
 *      killed and the next request spawns a fresh one;
 *   4. reads the reply (closing any fd a lying worker attached), checks
 *      its size, magic, sequence number, kind and message;
 *   5. on success cuts the artifact memfd to the length the reply
 *      claimed, seals it (write, shrink, grow, seal), checks the seals,
 *      maps it read-only and verifies it with wsbx_artifact_open as
 *      hostile bytes. F_SEAL_WRITE fails while any writable mapping of
 *      the memfd is left, and once on, nothing (no fd the worker may have
 *      kept) can change it.
 * The jail sets RLIMIT_FSIZE to 0, so the worker cannot write() the
 * artifact memfd: it maps it shared and writable, copies the artifact in,
 * and unmaps and closes both memfds before it replies. It locks down
 * once (Landlock, no_new_privs, capabilities, the common seccomp
 * allowlist) before its first request, then decodes, validates and
 * compiles on its one thread. It needs nothing beyond the run worker's
 * allowlist: malloc is held to brk (M_MMAP_MAX 0, so realloc never needs
 * mremap), and requests and replies travel by recvmsg/sendmsg on the
 * control socket; sizing and sealing happen in the supervisor, which is
 * why the worker needs neither memfd_create nor ftruncate nor fcntl.
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
        uint32_t seq;           /* the request's */
        uint32_t kind;          /* wsbx_errkind */
        uint32_t pad;
        uint64_t offset;        /* SIZE_MAX: none */
        uint32_t line, col;
        uint64_t art_len;       /* WSBX_OK: bytes written to the artifact memfd */
        char msg[WSBX_ERROR_MSG_MAX];
};

/* A request: the module memfd (sealed) and the artifact memfd travel with
 * it as SCM_RIGHTS, in that order. From the supervisor: trusted. */
struct request {
        uint32_t magic;
        uint32_t seq;
        uint64_t in_len;        /* module bytes; a NUL follows in the memfd */
        uint64_t out_cap;       /* the artifact memfd's (sparse) size */
        uint32_t form;          /* wsbx_compile_form */
        uint32_t pad;
};
#define REQUEST_MAGIC 0x57434d51u /* "QMCW" */

struct child_arg {
        int sock;
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

/* Decodes and validates a module written in `form` (both sides use it). */
static wsbx_errkind load_form(const uint8_t *bytes, size_t len, uint32_t form, wsbx_module **m, wsbx_error *err)
{
        bool magic = len >= 4 && memcmp(bytes, "\0asm", 4) == 0;
        if (form == WSBX_COMPILE_BINARY || (form == WSBX_COMPILE_ANY && magic))
                return wsbx_module_decode(bytes, len, NULL, m, err);
        if (!magic)
                return wsbx_module_load(bytes, len, NULL, m, err);
        /* Text that starts like a binary module: the text parser says
         * what is wrong with it. */
        uint8_t *bin = NULL;
        size_t blen = 0;
        wsbx_errkind k = wsbx_wat_to_binary((const char *)bytes, len, &bin, &blen, err);
        if (k == WSBX_OK) {
                k = wsbx_module_decode(bin, blen, NULL, m, err);
                err->line = err->col = 0;
        }
        free(bin);
        return k;
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

/* Receives one request and its two fds. 0: end of requests (the
 * supervisor closed its end); 1: a request; -1: a broken one. */
static int next_request(int sock, struct request *q, int fds[2])
{
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int) * 2)];
        } cm;
        struct iovec iov = {.iov_base = q, .iov_len = sizeof *q};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf,
                            .msg_controllen = sizeof cm.buf};
        ssize_t n;
        fds[0] = fds[1] = -1;
        do
                n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n == 0)
                return 0;
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(sizeof(int) * 2))
                memcpy(fds, CMSG_DATA(c), sizeof(int) * 2);
        if (n != (ssize_t)sizeof *q || q->magic != REQUEST_MAGIC || fds[0] < 0 || fds[1] < 0)
                return -1;
        return 1;
}

/* One request: maps the module and the artifact memfd, compiles, copies
 * the artifact in, and unmaps and closes both before replying (the
 * supervisor seals the artifact memfd, which fails while a writable
 * mapping of it is left). */
static void serve_one(const struct child_arg *a, const struct request *q, int in_fd, int out_fd)
{
        static struct reply r;
        memset(&r, 0, sizeof r);
        r.magic = REPLY_MAGIC;
        r.seq = q->seq;
        r.offset = SIZE_MAX;
        const uint8_t *in = mmap(NULL, q->in_len + 1, PROT_READ, MAP_PRIVATE, in_fd, 0);
        uint8_t *out = mmap(NULL, (size_t)q->out_cap, PROT_READ | PROT_WRITE, MAP_SHARED, out_fd, 0);
        close(in_fd);
        close(out_fd);
        wsbx_module *m = NULL;
        wsbx_error e = {0};
        uint8_t *art = NULL;
        size_t art_len = 0;
        wsbx_errkind k;
        if (in == MAP_FAILED || out == MAP_FAILED) {
                k = wsbx_error_set(&e, WSBX_ERR_LIMIT, SIZE_MAX, "compile worker: cannot map the request");
        } else {
                k = load_form(in, q->in_len, q->form, &m, &e);
                if (k == WSBX_OK) {
                        k = wsbx_compile(m, &a->opts, &art, &art_len, &e);
                        if (k != WSBX_OK) {
                                /* Compile errors have no position in the input. */
                                e.offset = SIZE_MAX;
                                e.line = e.col = 0;
                        }
                }
        }
        if (k == WSBX_OK && art_len > q->out_cap)
                k = wsbx_error_set(&e, WSBX_ERR_LIMIT, SIZE_MAX,
                                   "limit exceeded: artifact of %zu bytes (the compile worker's limit is %llu)",
                                   art_len, (unsigned long long)q->out_cap);
        if (k == WSBX_OK)
                memcpy(out, art, art_len);
        if (in != MAP_FAILED)
                munmap((void *)in, q->in_len + 1);
        if (out != MAP_FAILED)
                munmap(out, (size_t)q->out_cap);
        free(art);
        if (m)
                wsbx_module_delete(m);
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
}

/* What a child that parses does before it parses anything: every
 * allocation from brk (a realloc of an mmap'ed chunk would call mremap,
 * which the allowlist does not have), qsort warmed, then lockdown. */
static int parser_lockdown(const wsbx_jail_policy *policy)
{
        mallopt(M_MMAP_MAX, 0);
        warm_qsort();
        return wsbx_jail_lockdown(policy) < 0 ? -1 : 0;
}

static int child_main(void *argp)
{
        const struct child_arg *a = argp;
        if (parser_lockdown(a->policy) < 0)
                return EXIT_LOCKDOWN;
        for (;;) {
                struct request q;
                int fds[2];
                int rc = next_request(a->sock, &q, fds);
                if (rc <= 0)
                        return rc == 0 ? 0 : 3;
                serve_one(a, &q, fds[0], fds[1]);
        }
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

static int compile_here(const uint8_t *bytes, size_t len, uint32_t form, const wsbx_compile_opts *copts,
                        int *artifact_fd, wsbx_error *err)
{
        wsbx_module *m = NULL;
        uint8_t *art = NULL;
        size_t art_len = 0;
        wsbx_errkind k = load_form(bytes, len, form, &m, err);
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

/* The reply to request seq, read from the socket (which poll found
 * readable). Any breach of the protocol is -EPROTO: the caller kills the
 * worker. */
static int take_reply(int sock, uint32_t seq, int out_fd, uint64_t cap, int *artifact_fd, wsbx_error *err)
{
        struct reply r;
        ssize_t n = read_reply(sock, &r);
        if (n == 0)
                return -ENOTCONN; /* end of stream: the worker is gone */
        if (n != (ssize_t)sizeof r || r.magic != REPLY_MAGIC || r.seq != seq || r.kind > WSBX_ERR_IO) {
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
                return rc == -EBUSY ? -EPROTO : rc;
        *artifact_fd = out_fd;
        return 0;
}

static int died(const wsbx_jail_death *d, uint64_t mem, wsbx_error *err)
{
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

struct wsbx_compile_worker {
        wsbx_compile_worker_opts o;
        wsbx_compile_opts copts;
        uint64_t timeout, mem;
        bool here;              /* no jail on this host (or no_sandbox): compile here */
        bool alive;             /* child, sock valid */
        wsbx_jail_child child;
        int sock;               /* the supervisor's end */
        uint32_t seq;
        unsigned spawns;
        /* What the child sees; it lives in the child's copy of this. */
        wsbx_jail_policy policy;
        struct child_arg arg;
};

/* Kills (if needed) and reaps the worker; the next request spawns one. */
static void drop_worker(wsbx_compile_worker *w)
{
        if (!w->alive)
                return;
        close(w->sock);
        w->sock = -1;
        wsbx_jail_release(&w->child);
        memset(&w->child, 0, sizeof w->child);
        w->child.pidfd = -1;
        w->alive = false;
}

/* 0 with a worker running; -errno when none could be spawned (the caller
 * falls back to compiling here). */
static int spawn_worker(wsbx_compile_worker *w)
{
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;
        wsbx_jail_policy *p = &w->policy;
        wsbx_jail_policy_init(p);
        p->ctl_fds[p->n_ctl_fds++] = sv[1];
        p->rw_fds[p->n_rw_fds++] = STDERR_FILENO; /* sanitizer reports */
        p->cgroup = true;
        p->memory_max = w->mem;
        p->pids_max = 4;
        /* RLIMIT_CPU stays a backstop over the worker's whole life (the
         * default); each request has its own wall-clock limit. */
        w->arg = (struct child_arg){.sock = sv[1], .opts = w->copts, .policy = p};
        w->arg.opts.threads = 1;
        int keep[2] = {sv[1], STDERR_FILENO};
        int rc = wsbx_jail_spawn(p, keep, 2, child_main, &w->arg, &w->child);
        close(sv[1]);
        if (rc < 0) {
                close(sv[0]);
                return rc;
        }
        w->sock = sv[0];
        w->alive = true;
        w->spawns++;
        return 0;
}

int wsbx_compile_worker_open(const wsbx_compile_worker_opts *o, wsbx_compile_worker **out)
{
        static const wsbx_compile_worker_opts defaults = {0};
        *out = NULL;
        if (!o)
                o = &defaults;
        wsbx_compile_worker *w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->o = *o;
        if (o->compile)
                w->copts = *o->compile;
        w->o.compile = NULL;
        w->timeout = o->timeout_ns ? o->timeout_ns : WSBX_COMPILE_TIMEOUT_DEFAULT;
        w->mem = o->memory_max ? o->memory_max : WSBX_COMPILE_MEMORY_DEFAULT;
        w->sock = -1;
        w->child.pidfd = -1;
        w->here = o->no_sandbox;
        if (!w->here) {
                int rc = spawn_worker(w);
                if (rc < 0) {
                        char why[96];
                        snprintf(why, sizeof why, "spawn: %s", strerror(-rc));
                        say_once(&w->o, why);
                        w->here = true;
                }
        }
        *out = w;
        return 0;
}

void wsbx_compile_worker_close(wsbx_compile_worker *w)
{
        if (!w)
                return;
        drop_worker(w);
        free(w);
}

int wsbx_compile_worker_pid(const wsbx_compile_worker *w)
{
        return w && w->alive ? w->child.pid : -1;
}

unsigned wsbx_compile_worker_spawns(const wsbx_compile_worker *w)
{
        return w ? w->spawns : 0;
}

/* The worker is gone (pidfd readable, or the socket broke): reaps it and
 * says why in err. 1 when it never got past its jail setup or lockdown
 * (this host cannot jail: compile here from now on). */
static int reap_dead(wsbx_compile_worker *w, int *rc, wsbx_error *err)
{
        wsbx_jail_death d;
        int e = wsbx_jail_wait(&w->child, &d);
        int refused = 0;
        if (e < 0) {
                set_err(err, WSBX_ERR_IO, "compile worker: waiting: %s", strerror(-e));
                *rc = e;
        } else if (d.cause == WSBX_JAIL_EXITED &&
                   (d.status == WSBX_JAIL_SETUP_FAILED || d.status == EXIT_LOCKDOWN)) {
                say_once(&w->o, d.status == EXIT_LOCKDOWN ? "lockdown refused" : "jail setup refused");
                refused = 1;
        } else {
                *rc = died(&d, w->mem, err);
        }
        drop_worker(w);
        return refused;
}

static bool pidfd_ready(int pidfd)
{
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        return poll(&p, 1, 0) > 0;
}

static bool send_request(int sock, const struct request *q, int in_fd, int out_fd)
{
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int) * 2)];
        } cm;
        memset(&cm, 0, sizeof cm);
        struct iovec iov = {.iov_base = (void *)q, .iov_len = sizeof *q};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf,
                            .msg_controllen = sizeof cm.buf};
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * 2);
        int fds[2] = {in_fd, out_fd};
        memcpy(CMSG_DATA(c), fds, sizeof fds);
        ssize_t n;
        do
                n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        return n == (ssize_t)sizeof *q;
}

static int compile_at(wsbx_compile_worker *w, const uint8_t *bytes, size_t len, uint32_t form, uint64_t deadline,
                      int *artifact_fd, wsbx_error *err)
{
        *artifact_fd = -1;
        memset(err, 0, sizeof *err);
        err->offset = SIZE_MAX;
        if (!w->here && w->alive && pidfd_ready(w->child.pidfd)) {
                /* Died while idle (killed from outside, say): start afresh. */
                int rc = 0;
                wsbx_error ignored;
                if (reap_dead(w, &rc, &ignored))
                        w->here = true;
        }
        if (!w->here && !w->alive) {
                int rc = spawn_worker(w);
                if (rc < 0) {
                        char why[96];
                        snprintf(why, sizeof why, "spawn: %s", strerror(-rc));
                        say_once(&w->o, why);
                        w->here = true;
                }
        }
        if (w->here)
                return compile_here(bytes, len, form, &w->copts, artifact_fd, err);

        int in_fd = -1, out_fd = -1, rc;
        in_fd = sealed_module_memfd(bytes, len);
        if (in_fd < 0) {
                set_err(err, WSBX_ERR_IO, "module memfd: %s", strerror(-in_fd));
                return in_fd;
        }
        out_fd = memfd_create("wsbx-artifact", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (out_fd >= 0 && ftruncate(out_fd, (off_t)w->mem) < 0) {
                close(out_fd);
                out_fd = -1;
        }
        if (out_fd < 0) {
                rc = -errno;
                set_err(err, WSBX_ERR_IO, "compile worker: %s", strerror(-rc));
                goto out;
        }
        struct request q = {.magic = REQUEST_MAGIC, .seq = ++w->seq, .in_len = len, .out_cap = w->mem,
                           .form = form};
        bool sent = send_request(w->sock, &q, in_fd, out_fd);
        close(in_fd);
        in_fd = -1;
        for (;;) {
                /* pf[0]: the reply (once sent), pf[1]: the worker's end. */
                struct pollfd pf[2] = {{.fd = sent ? w->sock : -1, .events = POLLIN},
                                       {.fd = w->child.pidfd, .events = POLLIN}};
                uint64_t now = now_ns();
                if (now >= deadline) {
                        drop_worker(w); /* kills */
                        set_err(err, WSBX_ERR_IO, "compile worker passed its time limit (%.3g s) and was killed",
                                (double)w->timeout / 1e9);
                        rc = -ETIMEDOUT;
                        goto out;
                }
                uint64_t left_ms = (deadline - now + 999999) / 1000000;
                int n = poll(pf, 2, left_ms > 60000 ? 60000 : (int)left_ms);
                if (n < 0 && errno != EINTR) {
                        rc = -errno;
                        drop_worker(w);
                        set_err(err, WSBX_ERR_IO, "compile worker: poll: %s", strerror(-rc));
                        goto out;
                }
                if (n <= 0)
                        continue;
                if (pf[0].revents & POLLIN) {
                        rc = take_reply(w->sock, q.seq, out_fd, w->mem, artifact_fd, err);
                        if (rc == 0)
                                out_fd = -1; /* now the caller's */
                        if (rc != -ENOTCONN) {
                                if (rc < 0)
                                        drop_worker(w); /* it lied: never asked again */
                                goto out;
                        }
                }
                /* Gone without a reply (exited, or hung up its socket):
                 * wait for its end, then name the cause. */
                if (!(pf[1].revents & POLLIN) && !wait_exit(w->child.pidfd, deadline))
                        wsbx_jail_kill(&w->child);
                rc = -ECHILD;
                set_err(err, WSBX_ERR_IO, "compile worker ended without a reply");
                if (reap_dead(w, &rc, err)) {
                        w->here = true;
                        close(out_fd);
                        out_fd = -1;
                        return compile_here(bytes, len, form, &w->copts, artifact_fd, err);
                }
                goto out;
        }
out:
        if (in_fd >= 0)
                close(in_fd);
        if (out_fd >= 0)
                close(out_fd);
        return rc;
}

int wsbx_compile_worker_compile(wsbx_compile_worker *w, const uint8_t *bytes, size_t len, int *artifact_fd,
                                wsbx_error *err)
{
        return compile_at(w, bytes, len, WSBX_COMPILE_ANY, now_ns() + w->timeout, artifact_fd, err);
}

int wsbx_compile_worker_compile_as(wsbx_compile_worker *w, const uint8_t *bytes, size_t len,
                                   wsbx_compile_form form, int *artifact_fd, wsbx_error *err)
{
        if ((unsigned)form > WSBX_COMPILE_TEXT) {
                *artifact_fd = -1;
                set_err(err, WSBX_ERR_IO, "compile worker: unknown module form %u", (unsigned)form);
                return -EINVAL;
        }
        return compile_at(w, bytes, len, form, now_ns() + w->timeout, artifact_fd, err);
}

int wsbx_compile_in_worker(const uint8_t *bytes, size_t len, const wsbx_compile_worker_opts *o,
                           int *artifact_fd, wsbx_error *err)
{
        uint64_t t0 = now_ns();
        wsbx_compile_worker *w;
        *artifact_fd = -1;
        memset(err, 0, sizeof *err);
        err->offset = SIZE_MAX;
        int rc = wsbx_compile_worker_open(o, &w);
        if (rc < 0) {
                set_err(err, WSBX_ERR_IO, "compile worker: %s", strerror(-rc));
                return rc;
        }
        /* The time limit counts the spawn too. */
        rc = compile_at(w, bytes, len, WSBX_COMPILE_ANY, t0 + w->timeout, artifact_fd, err);
        wsbx_compile_worker_close(w);
        return rc;
}

/* ---- one-shot jailed tools ---- */

struct tool_arg {
        int (*fn)(void *);
        void *arg;
        const wsbx_jail_policy *policy;
};

static int tool_main(void *argp)
{
        const struct tool_arg *t = argp;
        if (parser_lockdown(t->policy) < 0)
                return EXIT_LOCKDOWN;
        int r = t->fn(t->arg);
        fflush(stdout);
        fflush(stderr);
        return r & 0xff;
}

int wsbx_run_jailed(int (*fn)(void *), void *arg, void (*log)(const char *msg), char *why, size_t why_len)
{
        static unsigned here_said;
        why[0] = 0;
        fflush(stdout);
        fflush(stderr);
        wsbx_jail_policy pol;
        wsbx_jail_policy_init(&pol);
        pol.cgroup = true;
        pol.memory_max = WSBX_COMPILE_MEMORY_DEFAULT;
        pol.pids_max = 4;
        pol.file_writes = true; /* stdout may be a regular file */
        int keep[3] = {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO};
        for (int i = 0; i < 3; i++)
                pol.rw_fds[pol.n_rw_fds++] = keep[i];
        struct tool_arg t = {fn, arg, &pol};
        wsbx_jail_child child;
        int rc = wsbx_jail_spawn(&pol, keep, 3, tool_main, &t, &child);
        if (rc < 0)
                goto here;
        wsbx_jail_death d;
        rc = wsbx_jail_wait(&child, &d);
        wsbx_jail_release(&child);
        if (rc < 0) {
                snprintf(why, why_len, "waiting for the jailed process: %s", strerror(-rc));
                return rc;
        }
        if (d.cause == WSBX_JAIL_EXITED && (d.status == WSBX_JAIL_SETUP_FAILED || d.status == EXIT_LOCKDOWN))
                goto here; /* it never got to run fn */
        if (d.cause == WSBX_JAIL_EXITED)
                return d.status;
        wsbx_error e;
        rc = died(&d, pol.memory_max, &e);
        snprintf(why, why_len, "%s", e.msg);
        return rc;
here:
        if (log && !here_said++)
                log("wsbx: the jail cannot be built here: parsing in this process");
        return fn(arg);
}

