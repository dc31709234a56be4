/* poll.c - poll_oneoff with clocks (relative and absolute) and fd
 * subscriptions (files are always ready; stdin as run.sh gives it, a pipe
 * with data), and the functions with nothing to do here: proc_raise
 * (ENOSYS) and sock_* on descriptors that are not sockets (ENOTSOCK) or
 * not open (EBADF). Run with "." preopened and "ping" on stdin; prints
 * "poll ok". */
#define PROG "poll"
#include "check.h"
#include <time.h>

/* proc_raise is deprecated; this wasi-libc no longer declares it. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int32_t raw_proc_raise(int32_t sig);

static uint64_t mono(void)
{
        __wasi_timestamp_t t;
        EQ(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t), 0);
        return t;
}

int main(void)
{
        __wasi_subscription_t s[4];
        __wasi_event_t ev[4];
        __wasi_size_t n;

        /* a relative clock: sleeps at least that long */
        memset(s, 0, sizeof s);
        s[0].userdata = 42;
        s[0].u.tag = __WASI_EVENTTYPE_CLOCK;
        s[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
        s[0].u.u.clock.timeout = 20 * 1000000ull;
        uint64_t t0 = mono();
        EQ(__wasi_poll_oneoff(s, ev, 1, &n), 0);
        CHECK(mono() - t0 >= 20 * 1000000ull);
        EQ(n, 1);
        EQ(ev[0].userdata, 42);
        EQ(ev[0].error, 0);
        EQ(ev[0].type, __WASI_EVENTTYPE_CLOCK);

        /* an absolute realtime deadline in the past fires at once */
        __wasi_timestamp_t now;
        EQ(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now), 0);
        s[0].u.u.clock.id = __WASI_CLOCKID_REALTIME;
        s[0].u.u.clock.timeout = now - 1000000000ull;
        s[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
        t0 = mono();
        EQ(__wasi_poll_oneoff(s, ev, 1, &n), 0);
        EQ(n, 1);
        CHECK(mono() - t0 < 1000000000ull);

        /* a file is ready at once, before a long clock */
        __wasi_fd_t f;
        EQ(op("p.txt", __WASI_OFLAGS_CREAT, R_RW | __WASI_RIGHTS_POLL_FD_READWRITE, &f), 0);
        EQ(put(f, "12345"), 0);
        __wasi_filesize_t pos;
        EQ(__wasi_fd_seek(f, 1, __WASI_WHENCE_SET, &pos), 0);
        s[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
        s[0].u.u.clock.flags = 0;
        s[0].u.u.clock.timeout = 2 * 1000000000ull;
        s[1].userdata = 7;
        s[1].u.tag = __WASI_EVENTTYPE_FD_READ;
        s[1].u.u.fd_read.file_descriptor = f;
        t0 = mono();
        EQ(__wasi_poll_oneoff(s, ev, 2, &n), 0);
        CHECK(mono() - t0 < 1000000000ull);
        EQ(n, 1);
        EQ(ev[0].userdata, 7);
        EQ(ev[0].type, __WASI_EVENTTYPE_FD_READ);
        EQ(ev[0].error, 0);
        EQ(ev[0].fd_readwrite.nbytes, 4);

        /* stdin (a pipe with "ping" in it) is readable */
        s[1].u.u.fd_read.file_descriptor = 0;
        EQ(__wasi_poll_oneoff(s, ev, 2, &n), 0);
        EQ(n, 1);
        EQ(ev[0].userdata, 7);
        EQ(ev[0].error, 0);
        char buf[8] = {0};
        __wasi_iovec_t io = {(uint8_t *)buf, 4};
        EQ(__wasi_fd_read(0, &io, 1, &n), 0);
        CHECK(!memcmp(buf, "ping", 4));

        /* stdout can be written */
        s[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
        s[1].u.u.fd_write.file_descriptor = 1;
        EQ(__wasi_poll_oneoff(s, ev, 2, &n), 0);
        EQ(n, 1);
        EQ(ev[0].type, __WASI_EVENTTYPE_FD_WRITE);

        /* a bad fd is an error in its event, not of the call */
        s[1].u.tag = __WASI_EVENTTYPE_FD_READ;
        s[1].u.u.fd_read.file_descriptor = 99;
        EQ(__wasi_poll_oneoff(s, ev, 2, &n), 0);
        EQ(n, 1);
        EQ(ev[0].error, __WASI_ERRNO_BADF);
        /* no right to poll */
        EQ(__wasi_fd_fdstat_set_rights(f, __WASI_RIGHTS_FD_READ, 0), 0);
        s[1].u.u.fd_read.file_descriptor = f;
        EQ(__wasi_poll_oneoff(s, ev, 2, &n), 0);
        EQ(n, 1);
        EQ(ev[0].error, __WASI_ERRNO_NOTCAPABLE);

        /* errors of the call */
        EQ(__wasi_poll_oneoff(s, ev, 0, &n), __WASI_ERRNO_INVAL);
        s[0].u.u.clock.id = 99;
        EQ(__wasi_poll_oneoff(s, ev, 1, &n), __WASI_ERRNO_INVAL);
        EQ(__wasi_poll_oneoff((const __wasi_subscription_t *)0xfffffff0u, ev, 1, &n), __WASI_ERRNO_FAULT);

        /* proc_raise and sockets */
        EQ(raw_proc_raise(15 /* TERM */), __WASI_ERRNO_NOSYS);
        __wasi_fd_t c;
        EQ(__wasi_sock_accept(f, 0, &c), __WASI_ERRNO_NOTSOCK);
        EQ(__wasi_sock_accept(99, 0, &c), __WASI_ERRNO_BADF);
        EQ(__wasi_sock_shutdown(3, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
        __wasi_roflags_t rof;
        EQ(__wasi_sock_recv(f, &io, 1, 0, &n, &rof), __WASI_ERRNO_NOTSOCK);
        __wasi_ciovec_t cio = {(const uint8_t *)"x", 1};
        EQ(__wasi_sock_send(99, &cio, 1, 0, &n), __WASI_ERRNO_BADF);
        EQ(__wasi_fd_close(f), 0);
        return done("poll ok\n");
}
