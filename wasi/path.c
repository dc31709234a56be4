/* path.c - the path_* host functions of wasi_snapshot_preview1.
 *
 * Nothing a guest names may leave its preopen. Two ways in:
 *   - whole paths (path_open, path_filestat_get/set_times) go through
 *     openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) from the directory
 *     descriptor: `..` out of it, absolute paths, symlinks leading out and
 *     /proc-style magic links all fail (EXDEV, reported as EPERM as under
 *     wasmtime);
 *   - operations on a name (mkdir, rmdir, unlink, link, symlink, readlink,
 *     rename) split the path at its last '/', open the parent the same
 *     way (O_PATH | O_DIRECTORY) and act on the last component with the
 *     *at call, which never follows a final symlink. A last component of
 *     "." or ".." makes the whole path the parent and "." the name, so
 *     `a/..` acts on `a/..` resolved beneath, never on what lies above.
 * A trailing '/' makes the kernel follow a final symlink in readlinkat and
 * linkat; there the whole path is first resolved beneath (it must be a
 * directory inside), so following it cannot reach out. path_link with
 * LOOKUPFLAGS_SYMLINK_FOLLOW is EINVAL (as in wasmtime): linkat would
 * follow a final symlink without the beneath check. Symlink contents are
 * stored as given except absolute ones, refused with EPERM (wasmtime
 * does the same); following any symlink is bounded by openat2 anyway.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <linux/openat2.h>
#include <unistd.h>

#include "wasi_int.h"

#define PATH_MAX_LEN 4096

/* A NUL-terminated copy of the guest path (len bytes at path), or NULL
 * with *e set to -errno. Caller frees. */
static char *guest_path(struct wsbx_vmctx *caller, uint32_t path, uint32_t len, int *e)
{
        const uint8_t *g = gmem(caller, path, len);
        if (!g) {
                *e = -EFAULT;
                return NULL;
        }
        if (len >= PATH_MAX_LEN) {
                *e = -ENAMETOOLONG;
                return NULL;
        }
        char *s = malloc((size_t)len + 2);
        if (!s) {
                *e = -ENOMEM;
                return NULL;
        }
        memcpy(s, g, len);
        s[len] = 0;
        /* An embedded NUL would silently shorten the path. */
        if (strlen(s) != len) {
                free(s);
                *e = -EINVAL;
                return NULL;
        }
        return s;
}

static long openat2_beneath(int dir, const char *name, uint64_t flags, uint64_t mode)
{
        struct open_how how = {.flags = flags | O_CLOEXEC,
                               .mode = (flags & O_CREAT) ? mode : 0, /* openat2: EINVAL otherwise */
                               .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
        long r = syscall(SYS_openat2, dir, name, &how, sizeof how);
        /* RESOLVE_BENEATH says EXDEV for a path that would leave; the
         * guest sees "not permitted", as under wasmtime. */
        if (r < 0)
                return errno == EXDEV ? -EPERM : -errno;
        return r;
}

int wsbx_wasi_open_beneath(wsbx_wasi *w, struct wsbx_vmctx *caller, uint32_t dir, uint32_t path,
                           uint32_t len, bool follow, uint64_t flags, uint64_t mode)
{
        wfd *d = fd_get(w, dir);
        if (!d)
                return -EBADF;
        int e = 0;
        char *name = guest_path(caller, path, len, &e);
        if (!name)
                return e;
        long r = openat2_beneath(d->host, name, flags | (follow ? 0 : O_NOFOLLOW), mode);
        free(name);
        return (int)r;
}

/* The parent of a guest path, opened beneath guest directory fd `dir`
 * (which needs rights `need`), and the last component. */
typedef struct wparent {
        int fd;         /* O_PATH directory; -1 when not open */
        char *path;     /* owns the storage `name` points into */
        const char *name;
        bool slash;     /* the path ended in '/' */
} wparent;

static void parent_close(wparent *p)
{
        if (p->fd >= 0)
                close(p->fd);
        free(p->path);
        p->fd = -1;
        p->path = NULL;
}

/* Returns a WASI errno; on success *p holds an open parent. */
static uint32_t parent_open(wsbx_wasi *w, struct wsbx_vmctx *caller, uint32_t dir, uint64_t need,
                            uint32_t path, uint32_t len, wparent *p)
{
        *p = (wparent){.fd = -1};
        uint32_t err;
        wfd *d = fd_need(w, dir, need, &err);
        if (!d)
                return err;
        int e = 0;
        char *s = guest_path(caller, path, len, &e);
        if (!s)
                return werr(-e);
        if (!*s) {
                free(s);
                return W_NOENT;
        }
        p->path = s;
        size_t n = strlen(s);
        while (n > 1 && s[n - 1] == '/') {
                s[--n] = 0;
                p->slash = true;
        }
        char *cut = strrchr(s, '/');
        const char *last = cut ? cut + 1 : s;
        const char *parent;
        static const char dot[] = ".";
        if (!strcmp(last, ".") || !strcmp(last, "..") || !strcmp(s, "/")) {
                /* The whole path names a directory: act on it as ".". */
                parent = s;
                p->name = dot;
        } else if (!cut) {
                parent = ".";
                p->name = s;
        } else {
                /* Keep "/" itself as the parent of "/x" (refused beneath). */
                *cut = 0;
                parent = cut == s ? "/" : s;
                p->name = last;
        }
        /* The trailing slash goes back on the name so the *at call sees
         * it (rmdir "d/"; unlink "f/" is ENOTDIR): s[n] was a '/'. */
        if (p->slash && p->name != dot)
                s[n] = '/';
        long r = openat2_beneath(d->host, parent, O_PATH | O_DIRECTORY, 0);
        if (r < 0) {
                parent_close(p);
                return werr((int)-r);
        }
        p->fd = (int)r;
        return 0;
}

/* With a trailing slash the kernel follows a final symlink: first make
 * sure the whole path is a directory beneath dir. */
static uint32_t slash_check(wsbx_wasi *w, struct wsbx_vmctx *caller, uint32_t dir, uint32_t path,
                            uint32_t len, const wparent *p)
{
        if (!p->slash)
                return 0;
        int fd = wsbx_wasi_open_beneath(w, caller, dir, path, len, true, O_PATH | O_DIRECTORY, 0);
        if (fd < 0)
                return werr(-fd);
        close(fd);
        return 0;
}

HOSTFN(path_filestat_get)
{
        ARGS;
        uint32_t err;
        if (!fd_need(w, v[0].i32, R_PATH_FILESTAT_GET, &err))
                RET(err);
        uint8_t *p = gmem(caller, v[4].i32, 64);
        if (!p)
                RET(W_FAULT);
        int fd = wsbx_wasi_open_beneath(w, caller, v[0].i32, v[2].i32, v[3].i32, v[1].i32 & 1, O_PATH, 0);
        if (fd < 0)
                RET(werr(-fd));
        struct stat st;
        int e = fstat(fd, &st) < 0 ? errno : 0;
        close(fd);
        if (e)
                RET(werr(e));
        wsbx_wasi_put_filestat(p, &st);
        RET(0);
}

HOSTFN(path_filestat_set_times)
{
        ARGS;
        uint32_t err;
        struct timespec ts[2];
        if (!fd_need(w, v[0].i32, R_PATH_FILESTAT_SET_TIMES, &err))
                RET(err);
        if (wsbx_wasi_times(v[4].i64, v[5].i64, v[6].i32, ts) < 0)
                RET(W_INVAL);
        /* Resolved beneath (a final symlink followed or not, as asked),
         * then set through the O_PATH descriptor itself. */
        int fd = wsbx_wasi_open_beneath(w, caller, v[0].i32, v[2].i32, v[3].i32, v[1].i32 & 1, O_PATH, 0);
        if (fd < 0)
                RET(werr(-fd));
        int e = syscall(SYS_utimensat, fd, "", ts, AT_EMPTY_PATH) < 0 ? errno : 0;
        close(fd);
        RET(werr(e));
}

HOSTFN(path_open)
{
        ARGS;
        uint32_t oflags = v[4].i32, fdflags = v[7].i32, err;
        uint64_t rights = v[5].i64, inh = v[6].i64;
        uint64_t need = R_PATH_OPEN | (oflags & 1 ? R_PATH_CREATE_FILE : 0) |
                        (oflags & 8 ? R_PATH_FILESTAT_SET_SIZE : 0);
        wfd *d = fd_need(w, v[0].i32, need, &err);
        if (!d)
                RET(err);
        uint8_t *out = gmem(caller, v[8].i32, 4);
        if (!out)
                RET(W_FAULT);
        if (oflags & ~15u || fdflags & ~31u)
                RET(W_INVAL);
        /* The new descriptor's rights are what was asked for, narrowed to
         * what the directory may hand down. */
        if ((rights & ~d->inh) || (inh & ~d->inh))
                RET(W_NOTCAPABLE);
        bool rd = rights & (R_FD_READ | R_FD_READDIR);
        bool wr = rights & (R_FD_WRITE | R_FD_DATASYNC | R_FD_ALLOCATE | R_FD_FILESTAT_SET_SIZE);
        uint64_t fl = 0;
        if (oflags & (1 | 8))
                wr = true;
        fl |= wr && rd ? O_RDWR : wr ? O_WRONLY : O_RDONLY;
        if (oflags & 2)
                fl = O_DIRECTORY | O_RDONLY;
        fl |= (oflags & 1 ? O_CREAT : 0) | (oflags & 4 ? O_EXCL : 0) | (oflags & 8 ? O_TRUNC : 0);
        fl |= (fdflags & 2 ? O_DSYNC : 0) | (fdflags & 4 ? O_NONBLOCK : 0) |
              (fdflags & (8 | 16) ? O_SYNC : 0);
        int fd = wsbx_wasi_open_beneath(w, caller, v[0].i32, v[2].i32, v[3].i32, v[1].i32 & 1, fl, 0644);
        /* A directory opened without O_DIRECTORY for writing says EISDIR;
         * one for reading opens, as open(2) does. */
        if (fd < 0)
                RET(werr(-fd));
        struct stat st;
        if (fstat(fd, &st) < 0) {
                int e = errno;
                close(fd);
                RET(werr(e));
        }
        uint64_t base = rights & (S_ISDIR(st.st_mode) ? R_DIR | R_FD_READ | R_FD_READDIR : R_FILE);
        uint32_t slot;
        err = wsbx_wasi_fd_add(w, fd, base, S_ISDIR(st.st_mode) ? inh : 0, (uint16_t)(fdflags & 0x1f),
                               &slot);
        if (err)
                RET(err);
        put32(out, slot);
        RET(0);
}

/* mkdir, rmdir, unlink: one name under one parent. */
static uint32_t name_op(wsbx_wasi *w, struct wsbx_vmctx *caller, wsbx_val_raw *v, uint64_t need,
                        int op)
{
        wparent p;
        uint32_t err = parent_open(w, caller, v[0].i32, need, v[1].i32, v[2].i32, &p);
        if (err)
                return err;
        int r = op == 0 ? mkdirat(p.fd, p.name, 0755)
                : unlinkat(p.fd, p.name, op == 1 ? AT_REMOVEDIR : 0);
        int e = r < 0 ? errno : 0;
        parent_close(&p);
        /* rmdir of "." (a path ending in . or ..): EINVAL on Linux, as
         * POSIX says for "."; unlink of a directory is EISDIR (Linux). */
        return werr(e);
}

HOSTFN(path_create_directory) { ARGS; RET(name_op(w, caller, v, R_PATH_CREATE_DIRECTORY, 0)); }
HOSTFN(path_remove_directory) { ARGS; RET(name_op(w, caller, v, R_PATH_REMOVE_DIRECTORY, 1)); }
HOSTFN(path_unlink_file) { ARGS; RET(name_op(w, caller, v, R_PATH_UNLINK_FILE, 2)); }

HOSTFN(path_link)
{
        ARGS;
        /* old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len */
        if (v[1].i32 & 1) {
                if (!fd_get(w, v[0].i32))
                        RET(W_BADF);
                RET(W_INVAL);
        }
        wparent a, b;
        uint32_t err = parent_open(w, caller, v[0].i32, R_PATH_LINK_SOURCE, v[2].i32, v[3].i32, &a);
        if (err)
                RET(err);
        err = slash_check(w, caller, v[0].i32, v[2].i32, v[3].i32, &a);
        if (!err)
                err = parent_open(w, caller, v[4].i32, R_PATH_LINK_TARGET, v[5].i32, v[6].i32, &b);
        if (err) {
                parent_close(&a);
                RET(err);
        }
        int e = linkat(a.fd, a.name, b.fd, b.name, 0) < 0 ? errno : 0;
        parent_close(&a);
        parent_close(&b);
        RET(werr(e));
}

HOSTFN(path_symlink)
{
        ARGS;
        /* old_path, old_len, fd, new_path, new_len */
        int e = 0;
        wparent p;
        uint32_t err = parent_open(w, caller, v[2].i32, R_PATH_SYMLINK, v[3].i32, v[4].i32, &p);
        if (err)
                RET(err);
        char *target = guest_path(caller, v[0].i32, v[1].i32, &e);
        if (!target) {
                parent_close(&p);
                RET(werr(-e));
        }
        if (target[0] == '/')
                e = EPERM;
        else if (symlinkat(target, p.fd, p.name) < 0)
                e = errno;
        free(target);
        parent_close(&p);
        RET(werr(e));
}

HOSTFN(path_readlink)
{
        ARGS;
        /* fd, path, path_len, buf, buf_len, bufused */
        uint8_t *buf = gmem(caller, v[3].i32, v[4].i32), *used = gmem(caller, v[5].i32, 4);
        wparent p;
        uint32_t err = parent_open(w, caller, v[0].i32, R_PATH_READLINK, v[1].i32, v[2].i32, &p);
        if (err)
                RET(err);
        err = slash_check(w, caller, v[0].i32, v[1].i32, v[2].i32, &p);
        if (err || !buf || !used) {
                parent_close(&p);
                RET(err ? err : W_FAULT);
        }
        char tmp[PATH_MAX_LEN];
        ssize_t n = readlinkat(p.fd, p.name, tmp, sizeof tmp);
        int e = n < 0 ? errno : 0;
        parent_close(&p);
        if (e)
                RET(werr(e));
        /* A buffer too small gets the start of the contents. */
        uint32_t c = (uint64_t)n < v[4].i32 ? (uint32_t)n : v[4].i32;
        memcpy(buf, tmp, c);
        put32(used, c);
        RET(0);
}

HOSTFN(path_rename)
{
        ARGS;
        /* fd, old_path, old_len, new_fd, new_path, new_len */
        wparent a, b;
        uint32_t err = parent_open(w, caller, v[0].i32, R_PATH_RENAME_SOURCE, v[1].i32, v[2].i32, &a);
        if (err)
                RET(err);
        err = parent_open(w, caller, v[3].i32, R_PATH_RENAME_TARGET, v[4].i32, v[5].i32, &b);
        if (err) {
                parent_close(&a);
                RET(err);
        }
        int e = syscall(SYS_renameat, a.fd, a.name, b.fd, b.name) < 0 ? errno : 0;
        parent_close(&a);
        parent_close(&b);
        RET(werr(e));
}
