/* poll.c - poll_oneoff, proc_raise and the sock_* functions.
 *
 * poll_oneoff turns every clock subscription into a deadline on the
 * monotonic clock, answers fd subscriptions on regular files at once
 * (they are always ready, as in POSIX), and waits for the rest with one
 * ppoll bounded by the earliest deadline; with no fd to wait for it
 * sleeps with clock_nanosleep. Errors of one subscription (a bad fd, a
 * missing right) are reported in its event, not by the call.
 *
 * Sockets: listening sockets the supervisor preopened (wsbx_wasi_config
 * sockets, `wsbx run --tcplisten`) take sock_accept (accept4: the new
 * connection gets the listener's inheriting rights); sock_recv and
 * sock_send with no flags are reads and writes, which go through
 * recvfrom/sendto for those (the worker may read() only its stdio);
 * sock_shutdown is shutdown(). sock_* on a descriptor that is not a
 * socket says ENOTSOCK (EBADF for no descriptor), as wasmtime does.
 * proc_raise is ENOSYS: preview1 deprecates it and wasmtime does not
 * implement it either.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "wasi_int.h"

enum { SUB_SIZE = 48, EV_SIZE = 32, T_CLOCK = 0, T_READ = 1, T_WRITE = 2 };

static uint64_t now_ns(clockid_t c)
{
        struct timespec ts;
        clock_gettime(c, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void event(uint8_t *ev, const uint8_t *sub, uint16_t err, uint64_t nbytes, uint16_t flags)
{
        memset(ev, 0, EV_SIZE);
        memcpy(ev, sub, 8);
        put16(ev + 8, err);
        ev[10] = sub[8];
        put64(ev + 16, nbytes);
        put16(ev + 24, flags);
}

HOSTFN(poll_oneoff)
{
        ARGS;
        uint32_t n = v[2].i32;
        const uint8_t *subs = gmem(caller, v[0].i32, (uint64_t)n * SUB_SIZE);
        uint8_t *evs = gmem(caller, v[1].i32, (uint64_t)n * EV_SIZE), *pn = gmem(caller, v[3].i32, 4);
        if (n == 0)
                RET(W_INVAL);
        if (!subs || !evs || !pn)
                RET(W_FAULT);
        uint64_t *deadline = calloc(n, sizeof *deadline);
        struct pollfd *pfd = calloc(n, sizeof *pfd);
        uint32_t *pidx = calloc(n, sizeof *pidx);
        if (!deadline || !pfd || !pidx) {
                free(deadline);
                free(pfd);
                free(pidx);
                RET(W_NOMEM);
        }
        uint32_t nev = 0, npfd = 0, result = 0;
        uint64_t start = now_ns(CLOCK_MONOTONIC), first = UINT64_MAX;
        for (uint32_t i = 0; i < n; i++) {
                const uint8_t *s = subs + (size_t)i * SUB_SIZE;
                uint8_t tag = s[8];
                if (tag == T_CLOCK) {
                        int c;
                        if (wsbx_wasi_clock(get32(s + 16), &c) < 0) {
                                result = W_INVAL;
                                goto out;
                        }
                        uint64_t t = get64(s + 24), rel = t;
                        if (get16(s + 40) & 1) {        /* SUBSCRIPTION_CLOCK_ABSTIME */
                                uint64_t now = now_ns((clockid_t)c);
                                rel = t > now ? t - now : 0;
                        }
                        deadline[i] = rel > UINT64_MAX - start ? UINT64_MAX : start + rel;
                        if (deadline[i] < first)
                                first = deadline[i];
                        continue;
                }
                if (tag != T_READ && tag != T_WRITE) {
                        result = W_INVAL;
                        goto out;
                }
                uint32_t err;
                wfd *f = fd_need(w, get32(s + 16), R_POLL_FD_READWRITE, &err);
                struct stat st;
                if (f && fstat(f->host, &st) < 0)
                        f = NULL, err = werr(errno);
                if (!f) {
                        event(evs + (size_t)nev++ * EV_SIZE, s, (uint16_t)err, 0, 0);
                        continue;
                }
                if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
                        uint64_t left = tag == T_READ && (uint64_t)st.st_size > f->pos
                                                ? (uint64_t)st.st_size - f->pos : 0;
                        event(evs + (size_t)nev++ * EV_SIZE, s, 0, left, 0);
                        continue;
                }
                pfd[npfd] = (struct pollfd){.fd = f->host, .events = tag == T_READ ? POLLIN : POLLOUT};
                pidx[npfd++] = i;
        }
        /* Something is ready already: look at the others without waiting. */
        uint64_t wait = nev ? 0 : first == UINT64_MAX ? UINT64_MAX : first > start ? first - start : 0;
        if (npfd) {
                struct timespec ts = {(time_t)(wait / 1000000000u), (long)(wait % 1000000000u)};
                long r;
                do
                        r = syscall(SYS_ppoll, pfd, (unsigned long)npfd,
                                    wait == UINT64_MAX ? NULL : &ts, NULL, (size_t)8);
                while (r < 0 && errno == EINTR);
                if (r < 0) {
                        result = werr(errno);
                        goto out;
                }
                for (uint32_t k = 0; k < npfd; k++) {
                        short re = pfd[k].revents;
                        const uint8_t *s = subs + (size_t)pidx[k] * SUB_SIZE;
                        if (!re)
                                continue;
                        uint16_t err = re & POLLNVAL ? W_BADF : (re & POLLERR) && !(re & (POLLIN | POLLOUT)) ? W_IO : 0;
                        event(evs + (size_t)nev++ * EV_SIZE, s, err, (re & (POLLIN | POLLOUT)) ? 1 : 0,
                              re & POLLHUP ? 1 : 0);
                }
        } else if (wait && wait != UINT64_MAX) {
                struct timespec ts = {(time_t)(first / 1000000000u), (long)(first % 1000000000u)};
                while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
                        ;
        }
        /* Clocks whose time has come. */
        uint64_t now = now_ns(CLOCK_MONOTONIC);
        for (uint32_t i = 0; i < n; i++) {
                const uint8_t *s = subs + (size_t)i * SUB_SIZE;
                if (s[8] == T_CLOCK && (deadline[i] <= now || (!nev && deadline[i] == first)))
                        event(evs + (size_t)nev++ * EV_SIZE, s, 0, 0, 0);
        }
        put32(pn, nev);
out:
        free(deadline);
        free(pfd);
        free(pidx);
        RET(result);
}

HOSTFN(proc_raise)
{
        ARGS;
        (void)caller;
        RET(W_NOSYS);
}

/* The socket behind guest fd, or NULL with *err BADF / NOTSOCK /
 * NOTCAPABLE. */
static wfd *sock_get(wsbx_wasi *w, uint32_t fd, uint64_t need, uint32_t *err)
{
        struct stat st;
        wfd *f = fd_get(w, fd);
        if (!f) {
                *err = W_BADF;
                return NULL;
        }
        if (fstat(f->host, &st) < 0 || !S_ISSOCK(st.st_mode)) {
                *err = W_NOTSOCK;
                return NULL;
        }
        return fd_need(w, fd, need, err);
}

HOSTFN(sock_accept)
{
        ARGS;
        /* fd, flags (fdflags: NONBLOCK only), ro_fd */
        uint32_t err, fl = v[1].i32;
        wfd *f = sock_get(w, v[0].i32, R_SOCK_ACCEPT, &err);
        if (!f)
                RET(err);
        uint8_t *out = gmem(caller, v[2].i32, 4);
        if (!out)
                RET(W_FAULT);
        if (fl & ~4u)
                RET(W_INVAL);
        int c;
        do
                c = accept4(f->host, NULL, NULL, SOCK_CLOEXEC | ((fl & 4) ? SOCK_NONBLOCK : 0));
        while (c < 0 && errno == EINTR);
        if (c < 0)
                RET(werr(errno));
        uint32_t slot;
        err = wsbx_wasi_fd_add(w, c, f->inh, 0, (uint16_t)fl, &slot);
        if (err)
                RET(err);
        w->fds[slot].sock = true;
        put32(out, slot);
        RET(0);
}

HOSTFN(sock_shutdown)
{
        ARGS;
        (void)caller;
        /* fd, how (sdflags: RD 1, WR 2) */
        uint32_t err, how = v[1].i32;
        wfd *f = sock_get(w, v[0].i32, R_SOCK_SHUTDOWN, &err);
        if (!f)
                RET(err);
        if (how == 0 || how > 3)
                RET(W_INVAL);
        if (shutdown(f->host, how == 1 ? SHUT_RD : how == 2 ? SHUT_WR : SHUT_RDWR) < 0)
                RET(werr(errno));
        RET(0);
}

HOSTFN(sock_recv)
{
        ARGS;
        /* fd, ri_data, ri_data_len, ri_flags, ro_datalen, ro_flags */
        uint32_t err;
        if (!sock_get(w, v[0].i32, R_FD_READ, &err))
                RET(err);
        uint8_t *of = gmem(caller, v[5].i32, 2);
        if (!of)
                RET(W_FAULT);
        put16(of, 0);
        if (v[3].i32 & ~3u)
                RET(W_INVAL);
        if (v[3].i32) {
                /* RECV_PEEK (1), RECV_WAITALL (2): one recvfrom per iovec. */
                wfd *f = fd_get(w, v[0].i32);
                int fl = ((v[3].i32 & 1) ? MSG_PEEK : 0) | ((v[3].i32 & 2) ? MSG_WAITALL : 0);
                const uint8_t *iov = gmem(caller, v[1].i32, (uint64_t)v[2].i32 * 8);
                uint8_t *out = gmem(caller, v[4].i32, 4);
                if (!iov || !out)
                        RET(W_FAULT);
                uint32_t total = 0;
                for (uint32_t i = 0; i < v[2].i32; i++) {
                        uint32_t len = get32(iov + i * 8 + 4);
                        uint8_t *b = gmem(caller, get32(iov + i * 8), len);
                        if (!b)
                                RET(W_FAULT);
                        ssize_t r;
                        do
                                r = recvfrom(f->host, b, len, fl, NULL, NULL);
                        while (r < 0 && errno == EINTR);
                        if (r < 0 && !total)
                                RET(werr(errno));
                        if (r <= 0)
                                break;
                        total += (uint32_t)r;
                        /* A peek sees the same bytes again: one buffer. */
                        if ((uint32_t)r < len || (fl & MSG_PEEK))
                                break;
                }
                put32(out, total);
                RET(0);
        }
        wsbx_val_raw a[4] = {v[0], v[1], v[2], v[4]};
        wsbx_wasi_fd_read(ctx, caller, a, 4);
        v[0] = a[0];
}

HOSTFN(sock_send)
{
        ARGS;
        /* fd, si_data, si_data_len, si_flags, so_datalen */
        uint32_t err;
        if (!sock_get(w, v[0].i32, R_FD_WRITE, &err))
                RET(err);
        if (v[3].i32)
                RET(W_NOTSUP);
        wsbx_val_raw a[4] = {v[0], v[1], v[2], v[4]};
        wsbx_wasi_fd_write(ctx, caller, a, 4);
        v[0] = a[0];
}
