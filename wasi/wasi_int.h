/* wasi_int.h - private to wasi/: the descriptor table, guest-memory
 * helpers, errno and rights constants shared by the host functions.
 *
 * Sections follow the files: wasi.c (state, args, clocks, the function
 * table), fd.c (fd_*), path.c (path_*), poll.c (poll_oneoff, proc_raise,
 * sock_*). Host functions return a WASI errno (typenames.witx) in v[0];
 * helpers inside the folder return -errno and werr() maps it at the end.
 */
#ifndef WSBX_WASI_INT_H
#define WSBX_WASI_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "loader.h"
#include "wasi.h"

/* --- the descriptor table ------------------------------------------------ */

typedef struct wfd {
        int host;        /* -1: free slot */
        bool borrowed;   /* stdio and preopens: not closed by us */
        uint16_t flags;  /* WASI fdflags; APPEND is kept here, never on the host fd */
        uint64_t pos;    /* file position of a descriptor the guest opened */
        uint64_t base;   /* rights of the descriptor (checked on every call) */
        uint64_t inh;    /* rights path_open may hand to descriptors opened beneath it */
        char *preopen;   /* guest path of a preopened directory, else NULL */
        int dir;         /* readable duplicate of a directory for fd_readdir, or -1 */
        bool sock;       /* a socket preopen or one accepted from it: recv/send */
} wfd;

struct wsbx_wasi {
        char **argv, **envp;
        uint32_t argc, envc;
        wfd *fds;
        uint32_t nfds;
        bool exited;
        int exit_code;
};

/* --- WASI errno values (typenames.witx) --------------------------------- */

enum {
        W_SUCCESS = 0, W_2BIG = 1, W_ACCES = 2, W_AGAIN = 6, W_BADF = 8, W_BUSY = 10,
        W_EXIST = 20, W_FAULT = 21, W_FBIG = 22, W_INTR = 27, W_INVAL = 28, W_IO = 29,
        W_ISDIR = 31, W_LOOP = 32, W_MFILE = 33, W_MLINK = 34, W_NAMETOOLONG = 37,
        W_NOENT = 44, W_NOMEM = 48, W_NOSPC = 51, W_NOSYS = 52, W_NOTDIR = 54,
        W_NOTEMPTY = 55, W_NOTSOCK = 57, W_NOTSUP = 58, W_NOTTY = 59, W_OVERFLOW = 61,
        W_PERM = 63, W_PIPE = 64, W_ROFS = 69, W_SPIPE = 70, W_TXTBSY = 74, W_XDEV = 75,
        W_NOTCAPABLE = 76,
};

/* Maps a host errno to its WASI value (EIO's for ones it does not know). */
uint32_t wsbx_wasi_errno(int e);
#define werr wsbx_wasi_errno

/* --- rights (typenames.witx) -------------------------------------------- */

enum {
        R_FD_DATASYNC = 1u << 0, R_FD_READ = 1u << 1, R_FD_SEEK = 1u << 2,
        R_FD_FDSTAT_SET_FLAGS = 1u << 3, R_FD_SYNC = 1u << 4, R_FD_TELL = 1u << 5,
        R_FD_WRITE = 1u << 6, R_FD_ADVISE = 1u << 7, R_FD_ALLOCATE = 1u << 8,
        R_PATH_CREATE_DIRECTORY = 1u << 9, R_PATH_CREATE_FILE = 1u << 10,
        R_PATH_LINK_SOURCE = 1u << 11, R_PATH_LINK_TARGET = 1u << 12, R_PATH_OPEN = 1u << 13,
        R_FD_READDIR = 1u << 14, R_PATH_READLINK = 1u << 15, R_PATH_RENAME_SOURCE = 1u << 16,
        R_PATH_RENAME_TARGET = 1u << 17, R_PATH_FILESTAT_GET = 1u << 18,
        R_PATH_FILESTAT_SET_SIZE = 1u << 19, R_PATH_FILESTAT_SET_TIMES = 1u << 20,
        R_FD_FILESTAT_GET = 1u << 21, R_FD_FILESTAT_SET_SIZE = 1u << 22,
        R_FD_FILESTAT_SET_TIMES = 1u << 23, R_PATH_SYMLINK = 1u << 24,
        R_PATH_REMOVE_DIRECTORY = 1u << 25, R_PATH_UNLINK_FILE = 1u << 26,
        R_POLL_FD_READWRITE = 1u << 27, R_SOCK_SHUTDOWN = 1u << 28, R_SOCK_ACCEPT = 1u << 29,
};
#define R_ALL ((1ull << 30) - 1)
/* What a regular file can do; what a directory can do (path_* and the
 * fd_* that make sense on one). */
#define R_FILE (R_FD_DATASYNC | R_FD_READ | R_FD_SEEK | R_FD_FDSTAT_SET_FLAGS | R_FD_SYNC | \
                R_FD_TELL | R_FD_WRITE | R_FD_ADVISE | R_FD_ALLOCATE | R_FD_FILESTAT_GET |  \
                R_FD_FILESTAT_SET_SIZE | R_FD_FILESTAT_SET_TIMES | R_POLL_FD_READWRITE)
#define R_DIR (R_FD_FDSTAT_SET_FLAGS | R_FD_SYNC | R_FD_DATASYNC | R_PATH_CREATE_DIRECTORY |  \
               R_PATH_CREATE_FILE | R_PATH_LINK_SOURCE | R_PATH_LINK_TARGET | R_PATH_OPEN |  \
               R_FD_READDIR | R_PATH_READLINK | R_PATH_RENAME_SOURCE |                       \
               R_PATH_RENAME_TARGET | R_PATH_FILESTAT_GET | R_PATH_FILESTAT_SET_SIZE |       \
               R_PATH_FILESTAT_SET_TIMES | R_FD_FILESTAT_GET | R_FD_FILESTAT_SET_TIMES |     \
               R_PATH_SYMLINK | R_PATH_REMOVE_DIRECTORY | R_PATH_UNLINK_FILE)

/* A listening socket preopen; what a connection accepted from it gets. */
#define R_SOCK_LISTEN (R_SOCK_ACCEPT | R_POLL_FD_READWRITE | R_FD_FDSTAT_SET_FLAGS | R_FD_FILESTAT_GET)
#define R_SOCK_CONN (R_FD_READ | R_FD_WRITE | R_POLL_FD_READWRITE | R_SOCK_SHUTDOWN | \
                     R_FD_FDSTAT_SET_FLAGS | R_FD_FILESTAT_GET)

/* --- guest memory -------------------------------------------------------- */

/* The caller's memory 0 range [off, off+len), or NULL when it does not fit
 * (or the caller has no memory). */
static inline uint8_t *gmem(struct wsbx_vmctx *caller, uint64_t off, uint64_t len)
{
        if (!caller)
                return NULL;
        const wsbx_vmctx_header *h = (const wsbx_vmctx_header *)caller;
        const wsbx_memory_def *m = h->mem0;
        if (!m || off > m->size || len > m->size - off)
                return NULL;
        return m->base + off;
}

static inline void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static inline uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static inline wfd *fd_get(wsbx_wasi *w, uint32_t fd)
{
        return fd < w->nfds && w->fds[fd].host >= 0 ? &w->fds[fd] : NULL;
}

/* The descriptor fd when it exists (else *err = BADF) and has every right
 * in `need` (else *err = NOTCAPABLE); NULL on either failure. */
static inline wfd *fd_need(wsbx_wasi *w, uint32_t fd, uint64_t need, uint32_t *err)
{
        wfd *f = fd_get(w, fd);
        if (!f)
                *err = W_BADF;
        else if ((f->base & need) != need)
                *err = W_NOTCAPABLE;
        else
                return f;
        return NULL;
}

/* Host function shapes: ctx is the wsbx_wasi, v the arguments and, in
 * v[0], the errno result. */
#define ARGS wsbx_wasi *w = (wsbx_wasi *)(void *)ctx; (void)w; (void)nvals
#define HOSTFN(name) void wsbx_wasi_##name(struct wsbx_vmctx *ctx, struct wsbx_vmctx *caller, \
                                           wsbx_val_raw *v, uint32_t nvals)
#define RET(e) do { uint32_t r_ = (e); v[0].i64 = r_; return; } while (0)

/* --- wasi.c --------------------------------------------------------------- */

/* Puts host fd `host` (owned; closed on failure) in a free slot with
 * rights base/inh and flags; *slot gets the guest fd. Returns a WASI errno. */
uint32_t wsbx_wasi_fd_add(wsbx_wasi *w, int host, uint64_t base, uint64_t inh, uint16_t flags,
                          uint32_t *slot);
/* Closes the table entry (its host fd unless borrowed) and frees the slot. */
void wsbx_wasi_fd_release(wfd *f);
/* The WASI filetype of a stat mode. */
uint8_t wsbx_wasi_filetype(uint32_t mode);
/* Clock `id` as a host clock; -EINVAL for an unknown id. */
int wsbx_wasi_clock(uint32_t id, int *out);

/* --- every host function (fd.c, path.c, poll.c) -------------------------- */

#define WSBX_WASI_FUNCS(X)                                                       \
        X(fd_read) X(fd_write) X(fd_pread) X(fd_pwrite) X(fd_close) X(fd_seek)  \
        X(fd_tell) X(fd_fdstat_get) X(fd_fdstat_set_flags) X(fd_fdstat_set_rights) \
        X(fd_filestat_get) X(fd_filestat_set_size) X(fd_filestat_set_times)     \
        X(fd_prestat_get) X(fd_prestat_dir_name) X(fd_advise) X(fd_allocate)    \
        X(fd_datasync) X(fd_sync) X(fd_renumber) X(fd_readdir)                  \
        X(path_open) X(path_filestat_get) X(path_filestat_set_times)            \
        X(path_create_directory) X(path_remove_directory) X(path_unlink_file)   \
        X(path_link) X(path_symlink) X(path_readlink) X(path_rename)            \
        X(poll_oneoff) X(proc_raise) X(sock_accept) X(sock_recv) X(sock_send)   \
        X(sock_shutdown)
#define X(n) HOSTFN(n);
WSBX_WASI_FUNCS(X)
#undef X

/* path.c: host fd `out` for the whole guest path beneath directory fd dir
 * (rights `need` on it), opened with openat2 flags and mode; -errno. */
int wsbx_wasi_open_beneath(wsbx_wasi *w, struct wsbx_vmctx *caller, uint32_t dir, uint32_t path,
                           uint32_t len, bool follow, uint64_t flags, uint64_t mode);

/* fd.c: the utimensat times for WASI (atim, mtim, fstflags); -EINVAL for
 * contradicting flags. */
struct timespec;
struct stat;
int wsbx_wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]);

/* fd.c: a preview1 filestat (64 bytes at p) from st. */
void wsbx_wasi_put_filestat(uint8_t *p, const struct stat *st);

#endif
