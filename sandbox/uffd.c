/* uffd.c - lazy paging: serving userfaultfd faults from snapshot bytes.
 *
 * A userfaultfd registered in MISSING mode over a range turns every first
 * touch of a page there into a message; whoever holds the fd answers with
 * UFFDIO_COPY (the page's bytes) or UFFDIO_ZEROPAGE (an all-zero page),
 * which maps the page and wakes the faulting thread. A restored instance
 * thereby pays only for the pages it touches.
 *
 * This file is the serving component: a thread that serves one uffd from
 * one source buffer (page i of the range gets bytes [i*page, (i+1)*page)
 * of the source, zero past its end; an all-zero source page is answered
 * with UFFDIO_ZEROPAGE). It is written to run in whichever process holds
 * the fd: in-process for now, in the supervisor once workers hand their
 * uffd over. A fault that cannot be served (UFFDIO_COPY failing for
 * another reason than a race with an earlier answer) must never turn into
 * a hang or a silent zero page, so the server then calls the owner's
 * failure hook, whose default kills the process (SIGKILL) as the
 * supervisor kills a worker.
 */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW _IO(0xAA, 0x00)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

struct wsbx_uffd_server {
        int uffd, stopfd;
        uint8_t *base;
        size_t len;
        const uint8_t *src;
        size_t src_len;
        size_t page;
        void (*on_fail)(void *ctx);
        void *ctx;
        pthread_t thread;
        wsbx_uffd_stats stats; /* fields updated atomically */
};

int wsbx_uffd_open(bool kernel_faults)
{
        int fd = -1;
        int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
        if (dev >= 0) {
                fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
                close(dev);
        }
        if (fd < 0)
                fd = (int)syscall(SYS_userfaultfd,
                                  O_CLOEXEC | O_NONBLOCK | (kernel_faults ? 0 : UFFD_USER_MODE_ONLY));
        if (fd < 0)
                return -errno;
        struct uffdio_api api = { .api = UFFD_API, .features = 0 };
        if (ioctl(fd, UFFDIO_API, &api) != 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        return fd;
}

int wsbx_uffd_register(int uffd, void *addr, size_t len)
{
        struct uffdio_register r = {
                .range = { .start = (uint64_t)(uintptr_t)addr, .len = len },
                .mode = UFFDIO_REGISTER_MODE_MISSING,
        };
        return ioctl(uffd, UFFDIO_REGISTER, &r) == 0 ? 0 : -errno;
}

static void default_fail(void *ctx)
{
        (void)ctx;
        kill(getpid(), SIGKILL);
}

static bool all_zero(const uint8_t *p, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (p[i])
                        return false;
        return true;
}

/* Answers one fault at page-aligned offset off. 0 or -errno. */
static int serve(wsbx_uffd_server *s, size_t off)
{
        uint8_t buf[65536];
        const uint8_t *from = NULL;
        if (off < s->src_len) {
                size_t n = s->src_len - off < s->page ? s->src_len - off : s->page;
                if (n == s->page) {
                        from = s->src + off;
                } else if (s->page <= sizeof buf) {
                        memcpy(buf, s->src + off, n);
                        memset(buf + n, 0, s->page - n);
                        from = buf;
                }
                if (from && all_zero(from, s->page))
                        from = NULL;
        }
        /* Counted before the answer: the answer wakes the faulting thread,
         * which may read the counters at once. Taken back if it fails. */
        uint64_t *count = from ? &s->stats.copied_pages : &s->stats.zero_pages;
        __atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
        for (;;) {
                int rc;
                if (from) {
                        struct uffdio_copy c = {
                                .dst = (uint64_t)(uintptr_t)(s->base + off),
                                .src = (uint64_t)(uintptr_t)from,
                                .len = s->page,
                        };
                        rc = ioctl(s->uffd, UFFDIO_COPY, &c);
                } else {
                        struct uffdio_zeropage z = {
                                .range = { .start = (uint64_t)(uintptr_t)(s->base + off), .len = s->page },
                        };
                        rc = ioctl(s->uffd, UFFDIO_ZEROPAGE, &z);
                }
                if (rc == 0)
                        return 0;
                int e = errno;
                if (e == EAGAIN)
                        continue;
                __atomic_sub_fetch(count, 1, __ATOMIC_RELAXED);
                if (e == EEXIST) /* already mapped by an earlier answer */
                        return 0;
                return -e;
        }
}

static void *server_main(void *arg)
{
        wsbx_uffd_server *s = arg;
        struct pollfd p[2] = { { .fd = s->uffd, .events = POLLIN }, { .fd = s->stopfd, .events = POLLIN } };
        for (;;) {
                int n = poll(p, 2, -1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 || (p[1].revents & POLLIN))
                        break;
                if (p[0].revents & (POLLERR | POLLHUP))
                        break;
                struct uffd_msg msg;
                ssize_t r = read(s->uffd, &msg, sizeof msg);
                if (r != (ssize_t)sizeof msg) {
                        if (r < 0 && (errno == EAGAIN || errno == EINTR))
                                continue;
                        break;
                }
                if (msg.event != UFFD_EVENT_PAGEFAULT)
                        continue;
                uint64_t addr = msg.arg.pagefault.address & ~(uint64_t)(s->page - 1);
                __atomic_add_fetch(&s->stats.faults, 1, __ATOMIC_RELAXED);
                uint64_t b = (uint64_t)(uintptr_t)s->base;
                int rc = addr >= b && addr - b < s->len ? serve(s, (size_t)(addr - b)) : -EFAULT;
                if (rc < 0) {
                        __atomic_add_fetch(&s->stats.failures, 1, __ATOMIC_RELAXED);
                        s->on_fail(s->ctx);
                        break;
                }
        }
        return NULL;
}

int wsbx_uffd_server_start(int uffd, void *base, size_t len, const void *src, size_t src_len,
                           void (*on_fail)(void *ctx), void *ctx, wsbx_uffd_server **out)
{
        *out = NULL;
        long pg = sysconf(_SC_PAGESIZE);
        size_t page = pg > 0 ? (size_t)pg : 4096;
        if ((uintptr_t)base % page || len % page || src_len > len)
                return -EINVAL;
        wsbx_uffd_server *s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->uffd = uffd;
        s->base = base;
        s->len = len;
        s->src = src;
        s->src_len = src_len;
        s->page = page;
        s->on_fail = on_fail ? on_fail : default_fail;
        s->ctx = ctx;
        s->stopfd = eventfd(0, EFD_CLOEXEC);
        if (s->stopfd < 0) {
                int e = -errno;
                free(s);
                return e;
        }
        int rc = pthread_create(&s->thread, NULL, server_main, s);
        if (rc != 0) {
                close(s->stopfd);
                free(s);
                return -rc;
        }
        *out = s;
        return 0;
}

void wsbx_uffd_server_stats(const wsbx_uffd_server *s, wsbx_uffd_stats *out)
{
        out->faults = __atomic_load_n(&s->stats.faults, __ATOMIC_RELAXED);
        out->copied_pages = __atomic_load_n(&s->stats.copied_pages, __ATOMIC_RELAXED);
        out->zero_pages = __atomic_load_n(&s->stats.zero_pages, __ATOMIC_RELAXED);
        out->failures = __atomic_load_n(&s->stats.failures, __ATOMIC_RELAXED);
}

void wsbx_uffd_server_stop(wsbx_uffd_server *s)
{
        if (!s)
                return;
        uint64_t one = 1;
        if (write(s->stopfd, &one, sizeof one) != (ssize_t)sizeof one)
                pthread_cancel(s->thread);
        pthread_join(s->thread, NULL);
        close(s->stopfd);
        free(s);
}
