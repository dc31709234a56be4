/* wasi.c - wasi_snapshot_preview1: the state, the descriptor table, args,
 * environ, clocks, random bytes, proc_exit and the function table.
 *
 * Guest fds index a table of host descriptors: 0-2 are the configured
 * stdio, 3.. the preopened directories in order, then what path_open
 * returns. Every guest pointer is checked against memory 0 of the calling
 * instance before it is touched; a range that does not fit is EFAULT (21),
 * never a host fault. Internally functions use -errno and map it to WASI
 * errno values at the boundary (wsbx_wasi_errno). Every descriptor carries
 * its preview1 rights (base and inheriting), checked on each call.
 * proc_exit records its code and leaves the guest call through a host
 * trap; the caller tells it apart with wsbx_wasi_exited(). The fd_*
 * functions live in fd.c, path_* in path.c, poll_oneoff, proc_raise and
 * sock_* in poll.c.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi_int.h"

uint32_t wsbx_wasi_errno(int e)
{
        switch (e) {
        case 0: return W_SUCCESS;
        case E2BIG: return W_2BIG;
        case EACCES: return W_ACCES;
        case EAGAIN: return W_AGAIN;
        case EBADF: return W_BADF;
        case EBUSY: return W_BUSY;
        case EDQUOT: return 19;
        case EEXIST: return W_EXIST;
        case EFAULT: return W_FAULT;
        case EFBIG: return W_FBIG;
        case EINTR: return W_INTR;
        case EINVAL: return W_INVAL;
        case EIO: return W_IO;
        case EISDIR: return W_ISDIR;
        case ELOOP: return W_LOOP;
        case EMFILE: return W_MFILE;
        case EMLINK: return W_MLINK;
        case ENAMETOOLONG: return W_NAMETOOLONG;
        case ENFILE: return 41;
        case ENODEV: return 43;
        case ENOENT: return W_NOENT;
        case ENOMEM: return W_NOMEM;
        case ENOSPC: return W_NOSPC;
        case ENOSYS: return W_NOSYS;
        case ENOTCONN: return 53;
        case ENOTDIR: return W_NOTDIR;
        case ENOTEMPTY: return W_NOTEMPTY;
        case ENOTSOCK: return W_NOTSOCK;
        case EOPNOTSUPP: return W_NOTSUP;
        case ENOTTY: return W_NOTTY;
        case ENXIO: return 60;
        case EOVERFLOW: return W_OVERFLOW;
        case EPERM: return W_PERM;
        case EPIPE: return W_PIPE;
        case ERANGE: return 68;
        case EROFS: return W_ROFS;
        case ESPIPE: return W_SPIPE;
        case ETXTBSY: return W_TXTBSY;
        case EXDEV: return W_XDEV;
        default: return W_IO;
        }
}

#undef HOSTFN
#define HOSTFN(name) static void name(struct wsbx_vmctx *ctx, struct wsbx_vmctx *caller, \
                                      wsbx_val_raw *v, uint32_t nvals)

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

int wsbx_wasi_clock(uint32_t id, int *out)
{
        static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                        CLOCK_THREAD_CPUTIME_ID};
        if (id >= sizeof ids / sizeof ids[0])
                return -EINVAL;
        *out = (int)ids[id];
        return 0;
}

/* clock_res_get and clock_time_get: ask `query` about clock `id` and
 * store its answer in nanoseconds at guest address `at`. */
static uint32_t clock_query(struct wsbx_vmctx *caller, uint32_t id, uint32_t at,
                            int (*query)(clockid_t, struct timespec *))
{
        int c;
        struct timespec ts;
        uint8_t *p = gmem(caller, at, 8);
        if (wsbx_wasi_clock(id, &c) < 0)
                return W_INVAL;
        if (!p)
                return W_FAULT;
        if (query((clockid_t)c, &ts) < 0)
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

/* --- the descriptor table ------------------------------------------------ */

uint8_t wsbx_wasi_filetype(uint32_t m)
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

uint32_t wsbx_wasi_fd_add(wsbx_wasi *w, int host, uint64_t base, uint64_t inh, uint16_t flags,
                          uint32_t *slot)
{
        uint32_t i = 0;
        while (i < w->nfds && w->fds[i].host >= 0)
                i++;
        if (i == w->nfds) {
                wfd *n = i < 4096 ? realloc(w->fds, ((size_t)i + 1) * sizeof *n) : NULL;
                if (!n) {
                        close(host);
                        return i < 4096 ? W_NOMEM : W_MFILE;
                }
                w->fds = n;
                w->nfds++;
        }
        w->fds[i] = (wfd){.host = host, .flags = flags, .base = base, .inh = inh, .dir = -1};
        *slot = i;
        return 0;
}

void wsbx_wasi_fd_release(wfd *f)
{
        if (!f->borrowed && f->host >= 0)
                close(f->host);
        if (f->dir >= 0)
                close(f->dir);
        free(f->preopen);
        *f = (wfd){.host = -1, .dir = -1};
}

/* --- the function table --------------------------------------------------- */

#define I WSBX_ART_I32
#define L WSBX_ART_I64
#define F(n) wsbx_wasi_##n
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
        {"proc_raise", F(proc_raise), 1, 1, {I}},
        {"fd_write", F(fd_write), 4, 1, {I, I, I, I}},
        {"fd_read", F(fd_read), 4, 1, {I, I, I, I}},
        {"fd_pwrite", F(fd_pwrite), 5, 1, {I, I, I, L, I}},
        {"fd_pread", F(fd_pread), 5, 1, {I, I, I, L, I}},
        {"fd_close", F(fd_close), 1, 1, {I}},
        {"fd_seek", F(fd_seek), 4, 1, {I, L, I, I}},
        {"fd_tell", F(fd_tell), 2, 1, {I, I}},
        {"fd_fdstat_get", F(fd_fdstat_get), 2, 1, {I, I}},
        {"fd_fdstat_set_flags", F(fd_fdstat_set_flags), 2, 1, {I, I}},
        {"fd_fdstat_set_rights", F(fd_fdstat_set_rights), 3, 1, {I, L, L}},
        {"fd_prestat_get", F(fd_prestat_get), 2, 1, {I, I}},
        {"fd_prestat_dir_name", F(fd_prestat_dir_name), 3, 1, {I, I, I}},
        {"fd_filestat_get", F(fd_filestat_get), 2, 1, {I, I}},
        {"fd_filestat_set_size", F(fd_filestat_set_size), 2, 1, {I, L}},
        {"fd_filestat_set_times", F(fd_filestat_set_times), 4, 1, {I, L, L, I}},
        {"fd_advise", F(fd_advise), 4, 1, {I, L, L, I}},
        {"fd_allocate", F(fd_allocate), 3, 1, {I, L, L}},
        {"fd_datasync", F(fd_datasync), 1, 1, {I}},
        {"fd_sync", F(fd_sync), 1, 1, {I}},
        {"fd_renumber", F(fd_renumber), 2, 1, {I, I}},
        {"fd_readdir", F(fd_readdir), 5, 1, {I, I, I, L, I}},
        {"path_open", F(path_open), 9, 1, {I, I, I, I, I, L, L, I, I}},
        {"path_filestat_get", F(path_filestat_get), 5, 1, {I, I, I, I, I}},
        {"path_filestat_set_times", F(path_filestat_set_times), 7, 1, {I, I, I, I, L, L, I}},
        {"path_create_directory", F(path_create_directory), 3, 1, {I, I, I}},
        {"path_remove_directory", F(path_remove_directory), 3, 1, {I, I, I}},
        {"path_unlink_file", F(path_unlink_file), 3, 1, {I, I, I}},
        {"path_link", F(path_link), 7, 1, {I, I, I, I, I, I, I}},
        {"path_symlink", F(path_symlink), 5, 1, {I, I, I, I, I}},
        {"path_readlink", F(path_readlink), 6, 1, {I, I, I, I, I, I}},
        {"path_rename", F(path_rename), 6, 1, {I, I, I, I, I, I}},
        {"poll_oneoff", F(poll_oneoff), 4, 1, {I, I, I, I}},
        {"sock_accept", F(sock_accept), 3, 1, {I, I, I}},
        {"sock_recv", F(sock_recv), 6, 1, {I, I, I, I, I, I}},
        {"sock_send", F(sock_send), 5, 1, {I, I, I, I, I}},
        {"sock_shutdown", F(sock_shutdown), 2, 1, {I, I}},
};
#undef F
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
            (cfg->npreopens && !cfg->preopens) || cfg->npreopens > 1024 ||
            (cfg->nsockets && !cfg->sockets) || cfg->nsockets > 1024)
                return -EINVAL;
        wsbx_wasi *w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->argc = cfg->argc;
        w->envc = cfg->envc;
        w->nfds = 3 + cfg->npreopens + cfg->nsockets;
        w->argv = copy_strs(cfg->argv, cfg->argc);
        w->envp = copy_strs(cfg->envp, cfg->envc);
        w->fds = calloc(w->nfds, sizeof *w->fds);
        if (!w->argv || !w->envp || !w->fds)
                goto nomem;
        for (uint32_t i = 0; i < w->nfds; i++)
                w->fds[i] = (wfd){.host = -1, .dir = -1};
        /* All three zero means "not set": the worker's own 0, 1, 2. */
        bool dflt = !cfg->stdio[0] && !cfg->stdio[1] && !cfg->stdio[2];
        for (uint32_t i = 0; i < 3; i++) {
                int h = dflt ? (int)i : cfg->stdio[i];
                struct stat st;
                uint64_t r = R_FILE;
                /* A terminal cannot seek: without FD_SEEK and FD_TELL the
                 * guest's isatty() says yes (wasi-libc asks exactly this). */
                if (fstat(h, &st) == 0 && S_ISCHR(st.st_mode))
                        r &= ~(uint64_t)(R_FD_SEEK | R_FD_TELL);
                w->fds[i] = (wfd){.host = h, .borrowed = true, .base = r, .dir = -1};
        }
        for (uint32_t i = 0; i < cfg->npreopens; i++) {
                const char *g = cfg->preopens[i].guest_path ? cfg->preopens[i].guest_path : ".";
                w->fds[3 + i] = (wfd){.host = cfg->preopens[i].fd, .borrowed = true,
                                      .preopen = strdup(g), .base = R_DIR, .inh = R_ALL,
                                      .dir = -1};
                if (!w->fds[3 + i].preopen)
                        goto nomem;
        }
        for (uint32_t i = 0; i < cfg->nsockets; i++)
                w->fds[3 + cfg->npreopens + i] = (wfd){.host = cfg->sockets[i], .borrowed = true,
                                                       .base = R_SOCK_LISTEN, .inh = R_SOCK_CONN,
                                                       .dir = -1, .sock = true};
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
        for (uint32_t i = 0; w->fds && i < w->nfds; i++)
                wsbx_wasi_fd_release(&w->fds[i]);
        free(w->fds);
        free(w);
}
