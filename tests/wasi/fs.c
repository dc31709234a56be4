/* fs.c - files through the fd_* functions: read, write, pread, pwrite,
 * seek/tell, append on and off, fdstat flags and rights (narrowing only,
 * each call checked against them), filestat get/set size/set times,
 * allocate, advise, sync, renumber, close; and their error paths. Run
 * with "." preopened (an empty, writable folder); prints "fs ok". */
#define PROG "fs"
#include "check.h"

static __wasi_size_t rd(__wasi_fd_t fd, char *buf, size_t n)
{
        __wasi_iovec_t iov = {(uint8_t *)buf, n};
        __wasi_size_t got = 0;
        EQ(__wasi_fd_read(fd, &iov, 1, &got), 0);
        return got;
}

int main(void)
{
        __wasi_fd_t f, g;
        __wasi_filesize_t pos;
        __wasi_size_t n;
        char buf[64];

        /* create, write, tell, seek, read */
        EQ(op("a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_FILEALL, &f), 0);
        EQ(op("a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_FILEALL, &g), __WASI_ERRNO_EXIST);
        EQ(put(f, "hello world"), 0);
        EQ(__wasi_fd_tell(f, &pos), 0);
        EQ(pos, 11);
        EQ(__wasi_fd_seek(f, -5, __WASI_WHENCE_END, &pos), 0);
        EQ(pos, 6);
        memset(buf, 0, sizeof buf);
        EQ(rd(f, buf, sizeof buf), 5);
        CHECK(!strcmp(buf, "world"));
        EQ(rd(f, buf, sizeof buf), 0); /* end of file */
        EQ(__wasi_fd_seek(f, -100, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_INVAL);
        EQ(__wasi_fd_seek(f, 0, 3, &pos), __WASI_ERRNO_INVAL);

        /* pread/pwrite leave the position alone */
        __wasi_ciovec_t ci = {(const uint8_t *)"J", 1};
        EQ(__wasi_fd_pwrite(f, &ci, 1, 6, &n), 0);
        EQ(n, 1);
        __wasi_iovec_t io = {(uint8_t *)buf, 5};
        EQ(__wasi_fd_pread(f, &io, 1, 6, &n), 0);
        EQ(n, 5);
        CHECK(!memcmp(buf, "Jorld", 5));
        EQ(__wasi_fd_tell(f, &pos), 0);
        EQ(pos, 11);

        /* fdstat: filetype, flags, rights as asked (masked to a file's) */
        __wasi_fdstat_t st;
        EQ(__wasi_fd_fdstat_get(f, &st), 0);
        EQ(st.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
        EQ(st.fs_flags, 0);
        CHECK(st.fs_rights_base & __WASI_RIGHTS_FD_READ);
        CHECK(!(st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN));

        /* append: every write at the end; switched off again */
        EQ(__wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND), 0);
        EQ(__wasi_fd_fdstat_get(f, &st), 0);
        EQ(st.fs_flags, __WASI_FDFLAGS_APPEND);
        EQ(__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos), 0);
        EQ(put(f, "!"), 0);
        __wasi_filestat_t fst;
        EQ(__wasi_fd_filestat_get(f, &fst), 0);
        EQ(fst.size, 12);
        EQ(__wasi_fd_fdstat_set_flags(f, 0), 0);
        EQ(__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos), 0);
        EQ(put(f, "H"), 0);
        EQ(__wasi_fd_pread(f, &io, 1, 0, &n), 0);
        CHECK(!memcmp(buf, "Hello", 5));
        EQ(__wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_INVAL);

        /* set size, allocate, times */
        EQ(__wasi_fd_filestat_set_size(f, 3), 0);
        EQ(__wasi_fd_filestat_get(f, &fst), 0);
        EQ(fst.size, 3);
        EQ(__wasi_fd_allocate(f, 0, 100), 0);
        EQ(__wasi_fd_filestat_get(f, &fst), 0);
        EQ(fst.size, 100);
        EQ(__wasi_fd_allocate(f, 0, 0), __WASI_ERRNO_INVAL);
        EQ(__wasi_fd_filestat_set_times(f, 1000000000ull * 1000, 2000000000ull * 1000 + 5,
                                        __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
        EQ(__wasi_fd_filestat_get(f, &fst), 0);
        EQ(fst.atim, 1000000000ull * 1000);
        EQ(fst.mtim, 2000000000ull * 1000 + 5);
        EQ(__wasi_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
           __WASI_ERRNO_INVAL);
        EQ(__wasi_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), 0);
        EQ(__wasi_fd_filestat_get(f, &fst), 0);
        CHECK(fst.mtim > 2000000000ull * 1000 + 5);
        EQ(__wasi_fd_advise(f, 0, 10, __WASI_ADVICE_SEQUENTIAL), 0);
        EQ(__wasi_fd_advise(f, 0, 10, 9), __WASI_ERRNO_INVAL);
        EQ(__wasi_fd_sync(f), 0);
        EQ(__wasi_fd_datasync(f), 0);

        /* rights: narrowing only, then each call checks them */
        EQ(__wasi_fd_fdstat_set_rights(f, __WASI_RIGHTS_FD_READ, 0), 0);
        EQ(__wasi_fd_fdstat_set_rights(f, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0),
           __WASI_ERRNO_NOTCAPABLE);
        EQ(put(f, "x"), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_fd_filestat_set_size(f, 0), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_fd_filestat_get(f, &fst), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_fd_sync(f), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_fd_fdstat_get(f, &st), 0);
        EQ(st.fs_rights_base, __WASI_RIGHTS_FD_READ);

        /* a read-only descriptor; rights beyond the parent's inheriting ones */
        EQ(op("a.txt", 0, __WASI_RIGHTS_FD_READ, &g), 0);
        EQ(put(g, "x"), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_fd_pread(g, &io, 1, 0, &n), __WASI_ERRNO_NOTCAPABLE); /* no FD_SEEK */
        __wasi_fd_t d;
        EQ(__wasi_path_open(3, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_PATH_OPEN,
                            __WASI_RIGHTS_FD_READ, 0, &d), 0);
        EQ(__wasi_path_open(d, 0, "a.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &g), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_path_open(d, 0, "a.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &g), 0);
        EQ(__wasi_path_open(d, 0, "new", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &g),
           __WASI_ERRNO_NOTCAPABLE); /* d lacks PATH_CREATE_FILE */
        EQ(__wasi_fd_close(d), 0);

        /* renumber: g takes f's place, f's slot is free */
        EQ(__wasi_fd_renumber(f, g), 0);
        EQ(__wasi_fd_fdstat_get(g, &st), 0);
        EQ(st.fs_rights_base, __WASI_RIGHTS_FD_READ);
        EQ(__wasi_fd_close(f), __WASI_ERRNO_BADF);
        EQ(__wasi_fd_renumber(g, 99), __WASI_ERRNO_BADF);
        EQ(__wasi_fd_renumber(99, g), __WASI_ERRNO_BADF);
        EQ(__wasi_fd_close(g), 0);

        /* files opened with TRUNC; directory errors */
        EQ(op("a.txt", __WASI_OFLAGS_TRUNC, R_RW, &f), 0);
        EQ(__wasi_fd_filestat_get(f, &fst), 0);
        EQ(fst.size, 0);
        EQ(__wasi_fd_close(f), 0);
        EQ(op("a.txt", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, &f), __WASI_ERRNO_NOTDIR);
        EQ(op(".", 0, __WASI_RIGHTS_FD_WRITE, &f), __WASI_ERRNO_ISDIR);
        EQ(put(3, "x"), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_fd_read(3, &io, 1, &n), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_fd_filestat_set_size(3, 0), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_fd_allocate(77, 0, 1), __WASI_ERRNO_BADF);
        EQ(__wasi_fd_datasync(77), __WASI_ERRNO_BADF);
        EQ(__wasi_fd_fdstat_set_flags(77, 0), __WASI_ERRNO_BADF);
        EQ(__wasi_fd_fdstat_set_rights(77, 0, 0), __WASI_ERRNO_BADF);
        EQ(__wasi_fd_filestat_set_times(77, 0, 0, 0), __WASI_ERRNO_BADF);
        EQ(__wasi_fd_sync(3), 0); /* a preopen syncs too */
        EQ(op("nope/x", 0, __WASI_RIGHTS_FD_READ, &f), __WASI_ERRNO_NOENT);

        /* stdio through stdio-style calls */
        return done("fs ok\n");
}
