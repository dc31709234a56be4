/* wasi.c - wasi_snapshot_preview1 host functions over a descriptor table.
 *
 * Guest fds index a table of host descriptors: 0-2 are the configured
 * stdio, 3.. the preopened directories in order. Every guest pointer is
 * checked against memory 0 of the calling instance before it is touched;
 * a range that does not fit is EFAULT (21), never a host fault. Internally
 * functions use -errno and map it to WASI errno values at the boundary.
 * proc_exit records its code and leaves the guest call through a host
 * trap; the caller tells it apart with wsbx_wasi_exited().
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "loader.h"
#include "wasi.h"

typedef struct wfd {
        int host;        /* -1: free slot */
        bool borrowed;   /* stdio and preopens: not closed by us */
        uint16_t flags;  /* WASI fdflags the descriptor was opened with */
        uint64_t pos;    /* file position of a descriptor the guest opened */
        char *preopen;   /* guest path of a preopened directory, else NULL */
} wfd;

struct wsbx_wasi {
        char **argv, **envp;
        uint32_t argc, envc;
        wfd *fds;
        uint32_t nfds;
        bool exited;
        int exit_code;
};

/* WASI errno values (typenames.witx). */
enum {
        W_SUCCESS = 0, W_2BIG = 1, W_ACCES = 2, W_AGAIN = 6, W_BADF = 8, W_EXIST = 20,
        W_FAULT = 21, W_INTR = 27, W_INVAL = 28, W_IO = 29, W_ISDIR = 31, W_LOOP = 32,
        W_MFILE = 33, W_NAMETOOLONG = 37, W_NOENT = 44, W_NOMEM = 48, W_NOSPC = 51,
        W_NOSYS = 52, W_NOTDIR = 54, W_NOTEMPTY = 55, W_NOTSUP = 58, W_PERM = 63,
        W_PIPE = 64, W_ROFS = 69, W_SPIPE = 70, W_XDEV = 75,
};

static uint32_t werr(int e)
{
        switch (e) {
        case 0: return W_SUCCESS;
        case E2BIG: return W_2BIG;
        case EACCES: return W_ACCES;
        case EAGAIN: return W_AGAIN;
        case EBADF: return W_BADF;
        case EEXIST: return W_EXIST;
        case EFAULT: return W_FAULT;
        case EINTR: return W_INTR;
        case EINVAL: return W_INVAL;
        case EISDIR: return W_ISDIR;
        case ELOOP: return W_LOOP;
        case EMFILE: return W_MFILE;
        case ENAMETOOLONG: return W_NAMETOOLONG;
        case ENOENT: return W_NOENT;
        case ENOMEM: return W_NOMEM;
        case ENOSPC: return W_NOSPC;
        case ENOSYS: return W_NOSYS;
        case ENOTDIR: return W_NOTDIR;
        case ENOTEMPTY: return W_NOTEMPTY;
        case EOPNOTSUPP: return W_NOTSUP;
        case EPERM: return W_PERM;
        case EPIPE: return W_PIPE;
        case EROFS: return W_ROFS;
        case ESPIPE: return W_SPIPE;
        case EXDEV: return W_XDEV;
        default: return W_IO;
        }
}

/* --- guest memory --------------------------------------------------------- */

/* The caller's memory 0 range [off, off+len), or NULL when it does not fit
 * (or the caller has no memory). */
static uint8_t *gmem(struct wsbx_vmctx *caller, uint64_t off, uint64_t len)
{
        if (!caller)
                return NULL;
        const wsbx_vmctx_header *h = (const wsbx_vmctx_header *)caller;
        const wsbx_memory_def *m = h->mem0;
        if (!m || off > m->size || len > m->size - off)
                return NULL;
        return m->base + off;
}

static void put32(uint8_t *p, uint32_t v)
{
        memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
        memcpy(p, &v, 8);
}

static uint32_t get32(const uint8_t *p)
{
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
}

static wfd *fd_get(wsbx_wasi *w, uint32_t fd)
{
        return fd < w->nfds && w->fds[fd].host >= 0 ? &w->fds[fd] : NULL;
}

#define ARGS wsbx_wasi *w = (wsbx_wasi *)(void *)ctx; (void)w; (void)nvals
#define HOSTFN(name) static void name(struct wsbx_vmctx *ctx, struct wsbx_vmctx *caller, \
                                      wsbx_val_raw *v, uint32_t nvals)
#define RET(e) do { uint32_t r_ = (e); v[0].i64 = r_; return; } while (0)

/* --- args and environ ----------------------------------------------------- */

static uint32_t strs_sizes(char **s, uint32_t n, struct wsbx_vmctx *caller, uint32_t pn,
                           uint32_t psz)
{
        uint8_t *a = gmem(caller, pn, 4), *b = gmem(caller, psz, 4);
        if (!a || !b)
                return W_FAULT;
        uint64_t sz = 0;
        for (uint32_t i = 0; i < n; i++)
                sz += strlen(s[i]) + 1;
        put32(a, n);
        put32(b, (uint32_t)sz);
        return 0;
}

static uint32_t strs_get(char **s, uint32_t n, struct wsbx_vmctx *caller, uint32_t ptrs,
                         uint32_t buf)
{
        uint8_t *pp = gmem(caller, ptrs, (uint64_t)n * 4);
        if (!pp)
                return W_FAULT;
        uint64_t off = buf;
        for (uint32_t i = 0; i < n; i++) {
                size_t l = strlen(s[i]) + 1;
                uint8_t *d = gmem(caller, off, l);
                if (!d || off > UINT32_MAX)
                        return W_FAULT;
                memcpy(d, s[i], l);
                put32(pp + (size_t)i * 4, (uint32_t)off);
                off += l;
        }
        return 0;
}

HOSTFN(args_sizes_get) { ARGS; RET(strs_sizes(w->argv, w->argc, caller, v[0].i32, v[1].i32)); }
HOSTFN(args_get) { ARGS; RET(strs_get(w->argv, w->argc, caller, v[0].i32, v[1].i32)); }
HOSTFN(environ_sizes_get) { ARGS; RET(strs_sizes(w->envp, w->envc, caller, v[0].i32, v[1].i32)); }
HOSTFN(environ_get) { ARGS; RET(strs_get(w->envp, w->envc, caller, v[0].i32, v[1].i32)); }

/* --- clocks, random, scheduling ------------------------------------------- */

static int clock_of(uint32_t id, clockid_t *out)
{
        static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                        CLOCK_THREAD_CPUTIME_ID};
        if (id >= sizeof ids / sizeof ids[0])
                return -EINVAL;
        *out = ids[id];
        return 0;
}

/* clock_res_get and clock_time_get: ask `query` about clock `id` and
 * store its answer in nanoseconds at guest address `at`. */
static uint32_t clock_query(struct wsbx_vmctx *caller, uint32_t id, uint32_t at,
                            int (*query)(clockid_t, struct timespec *))
{
        clockid_t c;
        struct timespec ts;
        uint8_t *p = gmem(caller, at, 8);
        if (clock_of(id, &c) < 0)
                return W_INVAL;
        if (!p)
                return W_FAULT;
        if (query(c, &ts) < 0)
                return werr(errno);
        put64(p, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
        return 0;
}

HOSTFN(clock_res_get)
{
        ARGS;
        RET(clock_query(caller, v[0].i32, v[1].i32, clock_getres));
}

HOSTFN(clock_time_get)
{
        ARGS;
        RET(clock_query(caller, v[0].i32, v[2].i32, clock_gettime));
}

HOSTFN(random_get)
{
        ARGS;
        uint8_t *p = gmem(caller, v[0].i32, v[1].i32);
        if (!p)
                RET(W_FAULT);
        for (uint32_t done = 0; done < v[1].i32;) {
                ssize_t n = getrandom(p + done, v[1].i32 - done, 0);
                if (n < 0 && errno != EINTR)
                        RET(werr(errno));
                if (n > 0)
                        done += (uint32_t)n;
        }
        RET(0);
}

HOSTFN(sched_yield_fn)
{
        ARGS;
        (void)caller;
        sched_yield();
        RET(0);
}

HOSTFN(proc_exit)
{
        ARGS;
        (void)caller;
        w->exited = true;
        w->exit_code = (int)v[0].i32;
        wsbx_trap_raise_msg(WSBX_TRAP_HOST, "proc_exit");
}

/* --- descriptors ---------------------------------------------------------- */

/* Reads or writes the iovec list at iovs (n entries) on fd; *done gets
 * the byte count. Short transfers end the loop as readv/writev would. */
static uint32_t rw(wsbx_wasi *w, struct wsbx_vmctx *caller, uint32_t fd, uint32_t iovs,
                   uint32_t n, uint32_t pdone, bool is_write, bool positioned, uint64_t pos)
{
        wfd *f = fd_get(w, fd);
        uint8_t *out = gmem(caller, pdone, 4);
        if (!f)
                return W_BADF;
        if (f->preopen)
                return W_ISDIR;
        const uint8_t *iov = gmem(caller, iovs, (uint64_t)n * 8);
        if (!iov || !out)
                return W_FAULT;
        /* The worker may read() and write() only its stdio: descriptors
         * the guest opened go through pread/pwrite at a position kept
         * here (appends at the size fstat reports). */
        bool own = !f->borrowed && !positioned;
        if (own) {
                struct stat st;
                if (is_write && (f->flags & 1) && fstat(f->host, &st) == 0)
                        f->pos = (uint64_t)st.st_size;
                positioned = true;
                pos = f->pos;
        }
        uint64_t total = 0;
        for (uint32_t i = 0; i < n; i++) {
                uint32_t len = get32(iov + i * 8 + 4);
                uint8_t *b = gmem(caller, get32(iov + i * 8), len);
                if (!b)
                        return W_FAULT;
                uint32_t got = 0;
                while (got < len) {
                        ssize_t r;
                        if (positioned)
                                r = is_write ? pwrite(f->host, b + got, len - got, (off_t)(pos + total + got))
                                          : pread(f->host, b + got, len - got, (off_t)(pos + total + got));
                        else
                                r = is_write ? write(f->host, b + got, len - got)
                                          : read(f->host, b + got, len - got);
                        if (r < 0 && errno == EINTR)
                                continue;
                        if (r < 0) {
                                if (total + got)
                                        break;
                                return werr(errno);
                        }
                        got += (uint32_t)r;
                        if (r == 0 || !is_write)
                                break;
                }
                total += got;
                if (got < len)
                        break;
        }
        if (own)
                f->pos += total;
        put32(out, (uint32_t)total);
        return 0;
}

HOSTFN(fd_write) { ARGS; RET(rw(w, caller, v[0].i32, v[1].i32, v[2].i32, v[3].i32, true, false, 0)); }
HOSTFN(fd_read) { ARGS; RET(rw(w, caller, v[0].i32, v[1].i32, v[2].i32, v[3].i32, false, false, 0)); }
HOSTFN(fd_pwrite) { ARGS; RET(rw(w, caller, v[0].i32, v[1].i32, v[2].i32, v[4].i32, true, true, v[3].i64)); }
HOSTFN(fd_pread) { ARGS; RET(rw(w, caller, v[0].i32, v[1].i32, v[2].i32, v[4].i32, false, true, v[3].i64)); }

HOSTFN(fd_close)
{
        ARGS;
        (void)caller;
        wfd *f = fd_get(w, v[0].i32);
        if (!f)
                RET(W_BADF);
        if (!f->borrowed)
                close(f->host);
        free(f->preopen);
        *f = (wfd){.host = -1};
        RET(0);
}

static uint32_t seek(wsbx_wasi *w, struct wsbx_vmctx *caller, uint32_t fd, int64_t off,
                     uint32_t whence, uint32_t pout)
{
        static const int wh[] = {SEEK_SET, SEEK_CUR, SEEK_END};
        wfd *f = fd_get(w, fd);
        uint8_t *p = gmem(caller, pout, 8);
        if (!f)
                return W_BADF;
        if (whence > 2)
                return W_INVAL;
        if (f->preopen)
                return W_BADF;
        if (!p)
                return W_FAULT;
        /* Pipes, terminals and sockets cannot seek; asking fstat first
         * keeps lseek off descriptors where it would only fail. */
        struct stat st;
        if (fstat(f->host, &st) < 0)
                return werr(errno);
        if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
                return W_SPIPE;
        if (!f->borrowed) {
                int64_t base = whence == 0 ? 0 : whence == 1 ? (int64_t)f->pos : (int64_t)st.st_size;
                if ((off < 0 && base + off < 0) || (off > 0 && base > INT64_MAX - off))
                        return W_INVAL;
                f->pos = (uint64_t)(base + off);
                put64(p, f->pos);
                return 0;
        }
        off_t r = lseek(f->host, (off_t)off, wh[whence]);
        if (r < 0)
                return werr(errno);
        put64(p, (uint64_t)r);
        return 0;
}

HOSTFN(fd_seek) { ARGS; RET(seek(w, caller, v[0].i32, (int64_t)v[1].i64, v[2].i32, v[3].i32)); }
HOSTFN(fd_tell) { ARGS; RET(seek(w, caller, v[0].i32, 0, 1, v[1].i32)); }

static uint8_t filetype(mode_t m)
{
        switch (m & S_IFMT) {
        case S_IFBLK: return 1;
        case S_IFCHR: return 2;
        case S_IFDIR: return 3;
        case S_IFREG: return 4;
        case S_IFSOCK: return 6;
        case S_IFLNK: return 7;
        default: return 0;
        }
}

HOSTFN(fd_fdstat_get)
{
        ARGS;
        wfd *f = fd_get(w, v[0].i32);
        uint8_t *p = gmem(caller, v[1].i32, 24);
        struct stat st;
        if (!f)
                RET(W_BADF);
        if (!p)
                RET(W_FAULT);
        if (fstat(f->host, &st) < 0)
                RET(werr(errno));
        /* The worker may not call fcntl(F_GETFL): the flags are the ones
         * the guest asked for, kept in the table. */
        uint16_t flags = f->flags;
        memset(p, 0, 24);
        p[0] = filetype(st.st_mode);
        memcpy(p + 2, &flags, 2);
        /* Every right: the rights model of preview1 is advisory here, as
         * in wasmtime; what a descriptor can do is what its host fd can. */
        put64(p + 8, (1ull << 30) - 1);
        put64(p + 16, (1ull << 30) - 1);
        RET(0);
}

HOSTFN(fd_prestat_get)
{
        ARGS;
        wfd *f = fd_get(w, v[0].i32);
        uint8_t *p = gmem(caller, v[1].i32, 8);
        if (!f || !f->preopen)
                RET(W_BADF);
        if (!p)
                RET(W_FAULT);
        memset(p, 0, 8);
        put32(p + 4, (uint32_t)strlen(f->preopen));
        RET(0);
}

HOSTFN(fd_prestat_dir_name)
{
        ARGS;
        wfd *f = fd_get(w, v[0].i32);
        if (!f || !f->preopen)
                RET(W_BADF);
        size_t l = strlen(f->preopen);
        if (v[2].i32 < l)
                RET(W_NAMETOOLONG);
        uint8_t *p = gmem(caller, v[1].i32, l);
        if (!p)
                RET(W_FAULT);
        memcpy(p, f->preopen, l);
        RET(0);
}

static void put_filestat(uint8_t *p, const struct stat *st)
{
        memset(p, 0, 64);
        put64(p, (uint64_t)st->st_dev);
        put64(p + 8, (uint64_t)st->st_ino);
        p[16] = filetype(st->st_mode);
        put64(p + 24, (uint64_t)st->st_nlink);
        put64(p + 32, (uint64_t)st->st_size);
        put64(p + 40, (uint64_t)st->st_atim.tv_sec * 1000000000u + (uint64_t)st->st_atim.tv_nsec);
        put64(p + 48, (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec);
        put64(p + 56, (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec);
}

HOSTFN(fd_filestat_get)
{
        ARGS;
        wfd *f = fd_get(w, v[0].i32);
        uint8_t *p = gmem(caller, v[1].i32, 64);
        struct stat st;
        if (!f)
                RET(W_BADF);
        if (!p)
                RET(W_FAULT);
        if (fstat(f->host, &st) < 0)
                RET(werr(errno));
        put_filestat(p, &st);
        RET(0);
}

/* Opens path (len bytes of guest memory) beneath the directory fd dir:
 * openat2 with RESOLVE_BENEATH refuses `..` out of it, absolute paths and
 * symlinks leading out; RESOLVE_NO_MAGICLINKS refuses /proc-style links.
 * Returns the new host fd or -errno. */
static int open_beneath(wsbx_wasi *w, struct wsbx_vmctx *caller, uint32_t dir, uint32_t path,
                        uint32_t len, bool follow, uint64_t flags, uint64_t mode)
{
        wfd *d = fd_get(w, dir);
        if (!d)
                return -EBADF;
        const uint8_t *g = gmem(caller, path, len);
        if (!g)
                return -EFAULT;
        if (len >= 4096)
                return -ENAMETOOLONG;
        char *name = malloc((size_t)len + 1);
        if (!name)
                return -ENOMEM;
        memcpy(name, g, len);
        name[len] = 0;
        if (strlen(name) != len) {
                free(name);
                return -EINVAL;
        }
        struct open_how how = {.flags = flags | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW),
                               .mode = (flags & O_CREAT) ? mode : 0, /* openat2: EINVAL otherwise */
                               .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
        long r = syscall(SYS_openat2, d->host, name, &how, sizeof how);
        int e = errno;
        free(name);
        /* RESOLVE_BENEATH says EXDEV for a path that would leave; the
         * guest sees "not permitted", as under wasmtime. */
        if (r < 0)
                return e == EXDEV ? -EPERM : -e;
        return (int)r;
}

HOSTFN(path_filestat_get)
{
        ARGS;
        uint8_t *p = gmem(caller, v[4].i32, 64);
        if (!p)
                RET(W_FAULT);
        int fd = open_beneath(w, caller, v[0].i32, v[2].i32, v[3].i32, v[1].i32 & 1, O_PATH, 0);
        if (fd < 0)
                RET(werr(-fd));
        struct stat st;
        int e = fstat(fd, &st) < 0 ? errno : 0;
        close(fd);
        if (e)
                RET(werr(e));
        put_filestat(p, &st);
        RET(0);
}

HOSTFN(path_open)
{
        ARGS;
        uint32_t oflags = v[4].i32, fdflags = v[7].i32;
        uint64_t rights = v[5].i64;
        uint8_t *out = gmem(caller, v[8].i32, 4);
        if (!out)
                RET(W_FAULT);
        bool rd = rights & (1u << 1), wr = rights & (1u << 6);
        uint64_t fl = 0;
        if (oflags & 2)
                fl |= O_DIRECTORY;
        if (oflags & (1 | 8))
                wr = true;
        fl |= wr && rd ? O_RDWR : wr ? O_WRONLY : O_RDONLY;
        if (oflags & 2)
                fl = (fl & ~(uint64_t)O_ACCMODE) | O_RDONLY;
        fl |= (oflags & 1 ? O_CREAT : 0) | (oflags & 4 ? O_EXCL : 0) | (oflags & 8 ? O_TRUNC : 0);
        fl |= (fdflags & 1 ? O_APPEND : 0) | (fdflags & 2 ? O_DSYNC : 0) | (fdflags & 4 ? O_NONBLOCK : 0) |
              (fdflags & 16 ? O_SYNC : 0);
        int fd = open_beneath(w, caller, v[0].i32, v[2].i32, v[3].i32, v[1].i32 & 1, fl, 0644);
        if (fd < 0)
                RET(werr(-fd));
        uint32_t slot = 0;
        while (slot < w->nfds && w->fds[slot].host >= 0)
                slot++;
        if (slot == w->nfds) {
                wfd *n = slot < 4096 ? realloc(w->fds, ((size_t)slot + 1) * sizeof *n) : NULL;
                if (!n) {
                        close(fd);
                        RET(slot < 4096 ? W_NOMEM : W_MFILE);
                }
                w->fds = n;
                w->nfds++;
        }
        w->fds[slot] = (wfd){.host = fd, .flags = (uint16_t)(fdflags & 0x1f)};
        put32(out, slot);
        RET(0);
}

/* --- the function table --------------------------------------------------- */

#define I WSBX_ART_I32
#define L WSBX_ART_I64
static const struct wfunc {
        const char *name;
        wsbx_array_fn fn;
        uint8_t np, nr;
        uint8_t params[10];
} funcs[] = {
        {"args_get", args_get, 2, 1, {I, I}},
        {"args_sizes_get", args_sizes_get, 2, 1, {I, I}},
        {"environ_get", environ_get, 2, 1, {I, I}},
        {"environ_sizes_get", environ_sizes_get, 2, 1, {I, I}},
        {"clock_res_get", clock_res_get, 2, 1, {I, I}},
        {"clock_time_get", clock_time_get, 3, 1, {I, L, I}},
        {"random_get", random_get, 2, 1, {I, I}},
        {"sched_yield", sched_yield_fn, 0, 1, {0}},
        {"proc_exit", proc_exit, 1, 0, {I}},
        {"fd_write", fd_write, 4, 1, {I, I, I, I}},
        {"fd_read", fd_read, 4, 1, {I, I, I, I}},
        {"fd_pwrite", fd_pwrite, 5, 1, {I, I, I, L, I}},
        {"fd_pread", fd_pread, 5, 1, {I, I, I, L, I}},
        {"fd_close", fd_close, 1, 1, {I}},
        {"fd_seek", fd_seek, 4, 1, {I, L, I, I}},
        {"fd_tell", fd_tell, 2, 1, {I, I}},
        {"fd_fdstat_get", fd_fdstat_get, 2, 1, {I, I}},
        {"fd_prestat_get", fd_prestat_get, 2, 1, {I, I}},
        {"fd_prestat_dir_name", fd_prestat_dir_name, 3, 1, {I, I, I}},
        {"fd_filestat_get", fd_filestat_get, 2, 1, {I, I}},
        {"path_filestat_get", path_filestat_get, 5, 1, {I, I, I, I, I}},
        {"path_open", path_open, 9, 1, {I, I, I, I, I, L, L, I, I}},
};
#undef I
#undef L

int wsbx_wasi_func(wsbx_wasi *w, struct wsbx_store *s, const char *name, size_t len,
                   const struct wsbx_funcref **out)
{
        static const uint8_t res[1] = {WSBX_ART_I32};
        for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
                if (strlen(funcs[i].name) != len || memcmp(funcs[i].name, name, len) != 0)
                        continue;
                return wsbx_host_func_new(s, funcs[i].params, funcs[i].np, res, funcs[i].nr,
                                          funcs[i].fn, w, out);
        }
        return -ENOENT;
}

int wsbx_wasi_exited(const wsbx_wasi *w, int *code)
{
        if (!w || !w->exited)
                return 0;
        *code = w->exit_code;
        return 1;
}

/* --- state ---------------------------------------------------------------- */

static char **copy_strs(const char *const *s, uint32_t n)
{
        char **c = calloc((size_t)n + 1, sizeof *c);
        if (!c)
                return NULL;
        for (uint32_t i = 0; i < n; i++) {
                if (!(c[i] = strdup(s[i] ? s[i] : ""))) {
                        while (i--)
                                free(c[i]);
                        free(c);
                        return NULL;
                }
        }
        return c;
}

static void free_strs(char **c, uint32_t n)
{
        if (!c)
                return;
        for (uint32_t i = 0; i < n; i++)
                free(c[i]);
        free(c);
}

int wsbx_wasi_new(const wsbx_wasi_config *cfg, wsbx_wasi **out)
{
        *out = NULL;
        if (!cfg || (cfg->argc && !cfg->argv) || (cfg->envc && !cfg->envp) ||
            (cfg->npreopens && !cfg->preopens) || cfg->npreopens > 1024)
                return -EINVAL;
        wsbx_wasi *w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->argc = cfg->argc;
        w->envc = cfg->envc;
        w->nfds = 3 + cfg->npreopens;
        w->argv = copy_strs(cfg->argv, cfg->argc);
        w->envp = copy_strs(cfg->envp, cfg->envc);
        w->fds = calloc(w->nfds, sizeof *w->fds);
        if (!w->argv || !w->envp || !w->fds)
                goto nomem;
        /* All three zero means "not set": the worker's own 0, 1, 2. */
        bool dflt = !cfg->stdio[0] && !cfg->stdio[1] && !cfg->stdio[2];
        for (uint32_t i = 0; i < 3; i++)
                w->fds[i] = (wfd){.host = dflt ? (int)i : cfg->stdio[i], .borrowed = true};
        for (uint32_t i = 0; i < cfg->npreopens; i++) {
                const char *g = cfg->preopens[i].guest_path ? cfg->preopens[i].guest_path : ".";
                w->fds[3 + i] = (wfd){.host = cfg->preopens[i].fd, .borrowed = true,
                                      .preopen = strdup(g)};
                if (!w->fds[3 + i].preopen)
                        goto nomem;
        }
        *out = w;
        return 0;
nomem:
        wsbx_wasi_delete(w);
        return -ENOMEM;
}

void wsbx_wasi_delete(wsbx_wasi *w)
{
        if (!w)
                return;
        free_strs(w->argv, w->argc);
        free_strs(w->envp, w->envc);
        for (uint32_t i = 0; w->fds && i < w->nfds; i++) {
                if (w->fds[i].host >= 0 && !w->fds[i].borrowed)
                        close(w->fds[i].host);
                free(w->fds[i].preopen);
        }
        free(w->fds);
        free(w);
}
