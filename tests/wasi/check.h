/* check.h - the assertion helpers the WASI test programs share. A failed
 * check names the program, the line, the expression and (for EQ) the
 * value it got, and exits 1. */
#ifndef WSBX_TEST_WASI_CHECK_H
#define WSBX_TEST_WASI_CHECK_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#ifndef PROG
#define PROG "wasi"
#endif

/* With WASI_KEEP_GOING set (node_run.mjs sets it) a failed check is
 * reported and the program goes on, so one run lists every difference;
 * it then exits 1 at the end (main returns through done()). */
static int failures;
static inline void failed(void)
{
        failures++;
        if (!getenv("WASI_KEEP_GOING"))
                exit(1);
}
static inline int done(const char *okline)
{
        if (failures)
                return 1;
        fputs(okline, stdout);
        return 0;
}
#define CHECK(c) do { if (!(c)) { fprintf(stderr, PROG ": check failed line %d: %s\n", __LINE__, #c); failed(); } } while (0)
#define EQ(expr, want) do { long long got_ = (long long)(expr), want_ = (long long)(want); \
        if (got_ != want_) { fprintf(stderr, PROG ": line %d: %s = %lld, want %s (%lld)\n", \
                                     __LINE__, #expr, got_, #want, want_); failed(); } } while (0)

#define RW_ALL ((__wasi_rights_t)((1ull << 30) - 1))
/* Every right that applies to a regular file. */
#define R_FILEALL (__WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | \
                   __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_TELL | \
                   __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE | \
                   __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | \
                   __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_POLL_FD_READWRITE)
#define R_RW (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | \
              __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET)

/* Opens path beneath preopen 3 with the given oflags and base rights (no
 * inheriting ones); the errno, the fd in *fd. */
static inline __wasi_errno_t op(const char *path, __wasi_oflags_t of, __wasi_rights_t r,
                                __wasi_fd_t *fd)
{
        return __wasi_path_open(3, 0, path, of, r, 0, 0, fd);
}

/* Writes s to fd; the errno. */
static inline __wasi_errno_t put(__wasi_fd_t fd, const char *s)
{
        __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
        __wasi_size_t n;
        return __wasi_fd_write(fd, &iov, 1, &n);
}
#endif
