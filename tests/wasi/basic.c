/* basic.c - args, environ, clocks, random bytes, stdio, prestats, seek
 * errors and the exit code, checked from inside the guest. Run with
 * arguments "a" "bc", environment WSBX_T=1, "." preopened; exits 7 when
 * every check passed (so the exit code itself is checked too). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "basic: check failed line %d: %s\n", __LINE__, #c); exit(1); } } while (0)

int main(int argc, char **argv)
{
        CHECK(argc == 3);
        CHECK(strcmp(argv[1], "a") == 0 && strcmp(argv[2], "bc") == 0);
        const char *e = getenv("WSBX_T");
        CHECK(e && strcmp(e, "1") == 0);
        struct timespec a, b;
        CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
        CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
        CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
        __wasi_timestamp_t t;
        CHECK(__wasi_clock_time_get(99, 0, &t) == __WASI_ERRNO_INVAL);
        unsigned char r1[32] = {0}, r2[32] = {0};
        CHECK(__wasi_random_get(r1, sizeof r1) == 0 && __wasi_random_get(r2, sizeof r2) == 0);
        CHECK(memcmp(r1, r2, sizeof r1) != 0);
        __wasi_prestat_t ps;
        CHECK(__wasi_fd_prestat_get(3, &ps) == 0 && ps.u.dir.pr_name_len == 1);
        char name[4] = {0};
        CHECK(__wasi_fd_prestat_dir_name(3, (uint8_t *)name, 1) == 0 && name[0] == '.');
        CHECK(__wasi_fd_prestat_get(1, &ps) == __WASI_ERRNO_BADF);
        CHECK(__wasi_fd_prestat_get(1000, &ps) == __WASI_ERRNO_BADF);
        __wasi_fdstat_t fs;
        CHECK(__wasi_fd_fdstat_get(3, &fs) == 0 && fs.fs_filetype == __WASI_FILETYPE_DIRECTORY);
        CHECK(__wasi_fd_fdstat_get(77, &fs) == __WASI_ERRNO_BADF);
        __wasi_filesize_t pos;
        CHECK(__wasi_fd_seek(77, 0, __WASI_WHENCE_SET, &pos) == __WASI_ERRNO_BADF);
        CHECK(__wasi_fd_seek(1, 0, 9, &pos) == __WASI_ERRNO_INVAL);
        CHECK(__wasi_fd_close(77) == __WASI_ERRNO_BADF);
        __wasi_ciovec_t iov = {(const uint8_t *)"hello\n", 6};
        __wasi_size_t n = 0;
        CHECK(__wasi_fd_write(1, &iov, 1, &n) == 0 && n == 6);
        /* A pointer past the end of memory is EFAULT, never a host fault. */
        CHECK(__wasi_fd_write(1, (const __wasi_ciovec_t *)0xfffffff0u, 1, &n) == __WASI_ERRNO_FAULT);
        CHECK(__wasi_sched_yield() == 0);
        /* Files beneath the preopen: create, write, seek, read back. */
        __wasi_fd_t f;
        CHECK(__wasi_path_open(3, 0, "t.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                               __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
                               __WASI_RIGHTS_FD_FILESTAT_GET, 0, 0, &f) == 0);
        CHECK(__wasi_fd_write(f, &iov, 1, &n) == 0 && n == 6);
        CHECK(__wasi_fd_seek(f, 1, __WASI_WHENCE_SET, &pos) == 0 && pos == 1);
        char buf[8] = {0};
        __wasi_iovec_t rio = {(uint8_t *)buf, sizeof buf};
        CHECK(__wasi_fd_read(f, &rio, 1, &n) == 0 && n == 5 && memcmp(buf, "ello\n", 5) == 0);
        __wasi_filestat_t fst;
        CHECK(__wasi_fd_filestat_get(f, &fst) == 0 && fst.size == 6 && fst.filetype == __WASI_FILETYPE_REGULAR_FILE);
        CHECK(__wasi_path_filestat_get(3, 0, "t.txt", &fst) == 0 && fst.size == 6);
        CHECK(__wasi_fd_close(f) == 0);
        CHECK(__wasi_path_open(3, 0, "missing", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f) == __WASI_ERRNO_NOENT);
        /* No way out of the preopen. */
        CHECK(__wasi_path_open(3, 0, "../x", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f) == __WASI_ERRNO_PERM);
        CHECK(__wasi_path_open(3, 0, "/etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f) == __WASI_ERRNO_PERM);
        CHECK(__wasi_path_open(3, 0, "/proc/self/root", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f) == __WASI_ERRNO_PERM);
        fflush(stdout);
        __wasi_proc_exit(7);
}
