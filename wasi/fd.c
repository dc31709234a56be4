/* fd.c - the fd_* host functions of wasi_snapshot_preview1.
 *
 * Descriptors the guest opened are read and written with pread/pwrite at
 * a position kept in the table (the worker may read() and write() only
 * its stdio); FDFLAGS_APPEND is kept in the table too and makes each write
 * land at the size fstat reports, so it can be switched off again (a host
 * O_APPEND would make pwrite ignore its offset). Directories are listed
 * through a readable duplicate opened beneath the descriptor itself (a
 * preopen is an O_PATH descriptor), and the readdir cookie is the host's
 * d_off, which lseek on that duplicate accepts back.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <linux/openat2.h>
#include <unistd.h>

#include "wasi_int.h"

/* Reads or writes the iovec list at iovs (n entries) on fd; *done gets
 * the byte count. Short transfers end the loop as readv/writev would. */
static uint32_t rw(wsbx_wasi *w, struct wsbx_vmctx *caller, uint32_t fd, uint32_t iovs,
                   uint32_t n, uint32_t pdone, bool is_write, bool positioned, uint64_t pos)
{
        uint32_t err;
        uint64_t need = (is_write ? R_FD_WRITE : R_FD_READ) | (positioned ? R_FD_SEEK : 0);
        wfd *f = fd_need(w, fd, need, &err);
        uint8_t *out = gmem(caller, pdone, 4);
        if (!f)
                return err;
        if (f->preopen)
                return W_ISDIR;
        const uint8_t *iov = gmem(caller, iovs, (uint64_t)n * 8);
        if (!iov || !out)
                return W_FAULT;
        bool own = !f->borrowed && !positioned && !f->sock;
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
                        else if (f->sock) /* the worker may read() only its stdio */
                                r = is_write ? sendto(f->host, b + got, len - got, MSG_NOSIGNAL, NULL, 0)
                                          : recvfrom(f->host, b + got, len - got, 0, NULL, NULL);
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
        wsbx_wasi_fd_release(f);
        RET(0);
}

static uint32_t seek(wsbx_wasi *w, struct wsbx_vmctx *caller, uint32_t fd, int64_t off,
                     uint32_t whence, uint32_t pout, bool tell)
{
        static const int wh[] = {SEEK_SET, SEEK_CUR, SEEK_END};
        uint32_t err;
        wfd *f = fd_get(w, fd);
        uint8_t *p = gmem(caller, pout, 8);
        if (!f)
                return W_BADF;
        if (whence > 2)
                return W_INVAL;
        /* fd_tell, and fd_seek(0, CUR), need only FD_TELL. */
        uint64_t need = tell || (off == 0 && whence == 1) ? R_FD_TELL : R_FD_SEEK;
        if ((f->base & need) != need && !fd_need(w, fd, R_FD_SEEK, &err))
                return err;
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
                return S_ISDIR(st.st_mode) ? W_BADF : W_SPIPE;
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

HOSTFN(fd_seek) { ARGS; RET(seek(w, caller, v[0].i32, (int64_t)v[1].i64, v[2].i32, v[3].i32, false)); }
HOSTFN(fd_tell) { ARGS; RET(seek(w, caller, v[0].i32, 0, 1, v[1].i32, true)); }

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
        memset(p, 0, 24);
        p[0] = wsbx_wasi_filetype(st.st_mode);
        put16(p + 2, f->flags);
        put64(p + 8, f->base);
        put64(p + 16, f->inh);
        RET(0);
}

HOSTFN(fd_fdstat_set_flags)
{
        ARGS;
        (void)caller;
        uint32_t err, fl = v[1].i32;
        wfd *f = fd_need(w, v[0].i32, R_FD_FDSTAT_SET_FLAGS, &err);
        if (!f)
                RET(err);
        /* APPEND lives in the table; NONBLOCK goes to the host descriptor
         * (fcntl F_SETFL, the one flag it sets) unless it is borrowed
         * (stdio, preopens: shared with the supervisor), where it is only
         * recorded. The sync flags can only be chosen at path_open, as in
         * wasmtime. */
        if (fl & ~(uint32_t)(1 | 4))
                RET(W_INVAL);
        if (!f->borrowed && ((f->flags ^ fl) & 4)) {
                int hf = fcntl(f->host, F_GETFL);
                if (hf < 0 || fcntl(f->host, F_SETFL, (fl & 4) ? hf | O_NONBLOCK : hf & ~O_NONBLOCK) < 0)
                        RET(werr(errno));
        }
        f->flags = (uint16_t)((f->flags & ~(1 | 4)) | fl);
        RET(0);
}

HOSTFN(fd_fdstat_set_rights)
{
        ARGS;
        (void)caller;
        wfd *f = fd_get(w, v[0].i32);
        uint64_t base = v[1].i64, inh = v[2].i64;
        if (!f)
                RET(W_BADF);
        /* Rights only ever narrow. */
        if ((base & ~f->base) || (inh & ~f->inh))
                RET(W_NOTCAPABLE);
        f->base = base;
        f->inh = inh;
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

void wsbx_wasi_put_filestat(uint8_t *p, const struct stat *st)
{
        memset(p, 0, 64);
        put64(p, (uint64_t)st->st_dev);
        put64(p + 8, (uint64_t)st->st_ino);
        p[16] = wsbx_wasi_filetype(st->st_mode);
        put64(p + 24, (uint64_t)st->st_nlink);
        put64(p + 32, (uint64_t)st->st_size);
        put64(p + 40, (uint64_t)st->st_atim.tv_sec * 1000000000u + (uint64_t)st->st_atim.tv_nsec);
        put64(p + 48, (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec);
        put64(p + 56, (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec);
}

HOSTFN(fd_filestat_get)
{
        ARGS;
        uint32_t err;
        wfd *f = fd_need(w, v[0].i32, R_FD_FILESTAT_GET, &err);
        uint8_t *p = gmem(caller, v[1].i32, 64);
        struct stat st;
        if (!f)
                RET(err);
        if (!p)
                RET(W_FAULT);
        if (fstat(f->host, &st) < 0)
                RET(werr(errno));
        wsbx_wasi_put_filestat(p, &st);
        RET(0);
}

HOSTFN(fd_filestat_set_size)
{
        ARGS;
        (void)caller;
        uint32_t err;
        wfd *f = fd_need(w, v[0].i32, R_FD_FILESTAT_SET_SIZE, &err);
        if (!f)
                RET(err);
        if (v[1].i64 > INT64_MAX)
                RET(W_INVAL);
        if (ftruncate(f->host, (off_t)v[1].i64) < 0)
                RET(werr(errno));
        RET(0);
}

int wsbx_wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2])
{
        /* fstflags: ATIM 1, ATIM_NOW 2, MTIM 4, MTIM_NOW 8. */
        if (((fst & 3) == 3) || ((fst & 12) == 12) || (fst & ~15u))
                return -EINVAL;
        uint64_t t[2] = {atim, mtim};
        for (int i = 0; i < 2; i++) {
                uint32_t set = fst >> (2 * i) & 3;
                ts[i].tv_sec = (time_t)(t[i] / 1000000000u);
                ts[i].tv_nsec = set == 1 ? (long)(t[i] % 1000000000u) : set == 2 ? UTIME_NOW : UTIME_OMIT;
                if (set != 1)
                        ts[i].tv_sec = 0;
        }
        return 0;
}

HOSTFN(fd_filestat_set_times)
{
        ARGS;
        (void)caller;
        uint32_t err;
        wfd *f = fd_need(w, v[0].i32, R_FD_FILESTAT_SET_TIMES, &err);
        struct timespec ts[2];
        if (!f)
                RET(err);
        if (wsbx_wasi_times(v[1].i64, v[2].i64, v[3].i32, ts) < 0)
                RET(W_INVAL);
        /* AT_EMPTY_PATH works on O_PATH descriptors (preopens) too. */
        if (syscall(SYS_utimensat, f->host, "", ts, AT_EMPTY_PATH) < 0)
                RET(werr(errno));
        RET(0);
}

HOSTFN(fd_advise)
{
        ARGS;
        (void)caller;
        uint32_t err;
        wfd *f = fd_need(w, v[0].i32, R_FD_ADVISE, &err);
        struct stat st;
        if (!f)
                RET(err);
        if (v[3].i32 > 5)
                RET(W_INVAL);
        if (fstat(f->host, &st) < 0)
                RET(werr(errno));
        if (S_ISFIFO(st.st_mode))
                RET(W_SPIPE);
        if (S_ISDIR(st.st_mode))
                RET(W_BADF);
        /* advice: NORMAL, SEQUENTIAL, RANDOM, WILLNEED, DONTNEED, NOREUSE
         * (preview1's order) to the host's; it is a hint, so only a bad
         * argument is an error. */
        static const int host_advice[6] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                           POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
        int e = posix_fadvise(f->host, (off_t)v[1].i64, (off_t)v[2].i64, host_advice[v[3].i32]);
        RET(e == EINVAL ? W_INVAL : 0);
}

HOSTFN(fd_allocate)
{
        ARGS;
        (void)caller;
        uint32_t err;
        wfd *f = fd_need(w, v[0].i32, R_FD_ALLOCATE, &err);
        uint64_t off = v[1].i64, len = v[2].i64;
        if (!f)
                RET(err);
        if (len == 0 || off > INT64_MAX || len > INT64_MAX)
                RET(W_INVAL);
        if (off + len > INT64_MAX)
                RET(W_FBIG);
        if (fallocate(f->host, 0, (off_t)off, (off_t)len) < 0)
                RET(werr(errno));
        RET(0);
}

/* A descriptor that can be fsync'd or listed: the table's own unless it
 * is O_PATH (preopens), else a readable duplicate opened beneath it and
 * kept in f->dir. Returns the descriptor or -errno. */
static int readable_dir(wfd *f)
{
        if (f->dir >= 0)
                return f->dir;
        struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                               .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
        long r = syscall(SYS_openat2, f->host, ".", &how, sizeof how);
        if (r < 0)
                return -errno;
        f->dir = (int)r;
        return f->dir;
}

static uint32_t sync_fd(wsbx_wasi *w, uint32_t fd, uint64_t need, bool data)
{
        uint32_t err;
        wfd *f = fd_need(w, fd, need, &err);
        if (!f)
                return err;
        int h = f->host;
        if (f->preopen) {
                h = readable_dir(f);
                if (h < 0)
                        return werr(-h);
        }
        if ((data ? fdatasync(h) : fsync(h)) < 0)
                return werr(errno);
        return 0;
}

HOSTFN(fd_datasync) { ARGS; (void)caller; RET(sync_fd(w, v[0].i32, R_FD_DATASYNC, true)); }
HOSTFN(fd_sync) { ARGS; (void)caller; RET(sync_fd(w, v[0].i32, R_FD_SYNC, false)); }

HOSTFN(fd_renumber)
{
        ARGS;
        (void)caller;
        uint32_t from = v[0].i32, to = v[1].i32;
        wfd *a = fd_get(w, from), *b = fd_get(w, to);
        if (!a || !b)
                RET(W_BADF);
        if (from == to)
                RET(0);
        wsbx_wasi_fd_release(b);
        *b = *a;
        *a = (wfd){.host = -1, .dir = -1};
        RET(0);
}

/* Host dirent64 layout. */
struct hdirent {
        uint64_t ino;
        int64_t off;
        unsigned short reclen;
        unsigned char type;
        char name[];
};

static uint8_t dtype(unsigned char t)
{
        switch (t) {
        case DT_BLK: return 1;
        case DT_CHR: return 2;
        case DT_DIR: return 3;
        case DT_REG: return 4;
        case DT_SOCK: return 6;
        case DT_LNK: return 7;
        default: return 0;
        }
}

HOSTFN(fd_readdir)
{
        ARGS;
        uint32_t err, len = v[2].i32;
        wfd *f = fd_need(w, v[0].i32, R_FD_READDIR, &err);
        if (!f)
                RET(err);
        uint8_t *buf = gmem(caller, v[1].i32, len), *pused = gmem(caller, v[4].i32, 4);
        if (!buf || !pused)
                RET(W_FAULT);
        struct stat st;
        if (fstat(f->host, &st) < 0)
                RET(werr(errno));
        if (!S_ISDIR(st.st_mode))
                RET(W_NOTDIR);
        int d = readable_dir(f);
        if (d < 0)
                RET(werr(-d));
        if (v[3].i64 > INT64_MAX || lseek(d, (off_t)v[3].i64, SEEK_SET) < 0)
                RET(v[3].i64 > INT64_MAX ? W_INVAL : werr(errno));
        enum { HB = 16384 };
        char *hb = malloc(HB);
        if (!hb)
                RET(W_NOMEM);
        uint32_t used = 0;
        while (used < len) {
                long n = syscall(SYS_getdents64, d, hb, HB);
                if (n < 0) {
                        int e = errno;
                        free(hb);
                        RET(werr(e));
                }
                if (n == 0)
                        break;
                for (long o = 0; o < n && used < len;) {
                        struct hdirent *e = (struct hdirent *)(void *)(hb + o);
                        uint32_t nl = (uint32_t)strlen(e->name);
                        uint8_t ent[24];
                        put64(ent, (uint64_t)e->off);
                        put64(ent + 8, e->ino);
                        put32(ent + 16, nl);
                        memset(ent + 20, 0, 4);
                        ent[20] = dtype(e->type);
                        /* A last entry that does not fit is cut short; the
                         * guest sees bufused == buf_len and asks again
                         * with a larger buffer from the same cookie. */
                        uint32_t c = len - used < 24 ? len - used : 24;
                        memcpy(buf + used, ent, c);
                        used += c;
                        c = len - used < nl ? len - used : nl;
                        memcpy(buf + used, e->name, c);
                        used += c;
                        o += e->reclen;
                }
        }
        free(hb);
        put32(pused, used);
        RET(0);
}
