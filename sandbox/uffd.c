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
 * with UFFDIO_ZEROPAGE); more ranges can be added while it runs. It runs
 * in whichever process holds the fd: in-process for `--no-sandbox`, and in
 * the supervisor for a jailed worker, which creates its userfaultfd before
 * lockdown and hands it over (addresses are then the worker's: UFFDIO_COPY
 * works on the mm the fd is bound to, whoever calls it). A fault that cannot be served (UFFDIO_COPY failing for
 * another reason than a race with an earlier answer) must never turn into
 * a hang or a silent zero page, so the server then calls the owner's
 * failure hook, whose default kills the process (SIGKILL) as the
 * supervisor kills a worker. The same happens to a fault the server could
 * not answer within its timeout (wsbx_uffd_server_set_timeout).
 *
 * Ranges may share a page budget (wsbx_uffd_server_quota): in a memory
 * quota session an instance's memories are registered over every page
 * they can ever have (source-less for a fresh instance: zero pages), so
 * each page the instance touches is served here and counted; past the
 * budget, a page is poisoned instead (UFFDIO_POISON, 6.6), and the
 * guest's access becomes a "memory quota exceeded" trap.
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
#include <time.h>
#include <unistd.h>

#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW _IO(0xAA, 0x00)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
/* Linux 6.6; older headers lack them. */
#ifndef UFFD_FEATURE_POISON
#define UFFD_FEATURE_POISON (1 << 14)
#endif
#ifndef UFFDIO_POISON
struct uffdio_poison {
        struct uffdio_range range;
        __u64 mode;
        __s64 updated;
};
#define UFFDIO_POISON _IOWR(UFFDIO, 0x08, struct uffdio_poison)
#endif

/* One served range: [base, base + len) of the faulting process's address
 * space, page i from src bytes [i*page, (i+1)*page). */
struct uffd_range {
        uint64_t base;
        size_t len;
        const uint8_t *src;
        size_t src_len;
        int quota;      /* budget index, -1 for none */
};

struct uffd_quota {
        uint64_t limit, used;   /* pages; used under lock */
};

struct wsbx_uffd_server {
        int uffd, stopfd;
        pthread_mutex_t lock;          /* ranges, nranges, cap */
        struct uffd_range *ranges;     /* owned */
        uint32_t nranges, cap;
        struct uffd_quota *quotas;     /* owned; also under lock */
        uint32_t nquotas;
        size_t page;
        uint64_t timeout_ns;           /* atomic; 0: none */
        uint64_t delay_ns;             /* atomic; tests only */
        int failure;                   /* atomic; -errno of the fault that ended it */
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
        int e = wsbx_uffd_api(fd);
        if (e < 0) {
                close(fd);
                return e;
        }
        return fd;
}

int wsbx_uffd_api(int uffd)
{
        /* A kernel without the feature refuses it and leaves the fd
         * unconfigured, so it can be asked again without. */
        struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_POISON };
        if (ioctl(uffd, UFFDIO_API, &api) == 0)
                return 0;
        if (errno != EINVAL)
                return -errno;
        api = (struct uffdio_api){ .api = UFFD_API, .features = 0 };
        return ioctl(uffd, UFFDIO_API, &api) == 0 ? 0 : -errno;
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

/* Whether range r's budget has room for one more page (taken if so). */
static bool quota_take(wsbx_uffd_server *s, const struct uffd_range *r)
{
        if (r->quota < 0)
                return true;
        pthread_mutex_lock(&s->lock);
        struct uffd_quota *q = &s->quotas[r->quota];
        bool ok = q->used < q->limit;
        if (ok)
                q->used++;
        pthread_mutex_unlock(&s->lock);
        return ok;
}

static int poison(wsbx_uffd_server *s, uint64_t addr)
{
        __atomic_add_fetch(&s->stats.poisoned_pages, 1, __ATOMIC_RELAXED);
        for (;;) {
                struct uffdio_poison p = { .range = { .start = addr, .len = s->page } };
                if (ioctl(s->uffd, UFFDIO_POISON, &p) == 0)
                        return 0;
                if (errno == EAGAIN)
                        continue;
                __atomic_sub_fetch(&s->stats.poisoned_pages, 1, __ATOMIC_RELAXED);
                return errno == EEXIST ? 0 : -errno;
        }
}

/* Answers one fault at page-aligned offset off of range r. 0 or -errno. */
static int serve(wsbx_uffd_server *s, const struct uffd_range *r, size_t off)
{
        if (!quota_take(s, r)) {
                int e = poison(s, r->base + off);
                /* Without the poison feature the quota can only be kept
                 * by the failure hook (the worker is killed). */
                return e == -EINVAL || e == -ENOTTY ? -EDQUOT : e;
        }
        uint8_t buf[65536];
        const uint8_t *from = NULL;
        if (off < r->src_len) {
                size_t n = r->src_len - off < s->page ? r->src_len - off : s->page;
                if (n == s->page) {
                        from = r->src + off;
                } else if (s->page <= sizeof buf) {
                        memcpy(buf, r->src + off, n);
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
                                .dst = r->base + off,
                                .src = (uint64_t)(uintptr_t)from,
                                .len = s->page,
                        };
                        rc = ioctl(s->uffd, UFFDIO_COPY, &c);
                } else {
                        struct uffdio_zeropage z = {
                                .range = { .start = r->base + off, .len = s->page },
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

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
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
                uint64_t t0 = now_ns();
                uint64_t addr = msg.arg.pagefault.address & ~(uint64_t)(s->page - 1);
                __atomic_add_fetch(&s->stats.faults, 1, __ATOMIC_RELAXED);
                struct uffd_range rg = {0};
                bool found = false;
                pthread_mutex_lock(&s->lock);
                for (uint32_t i = 0; i < s->nranges && !found; i++)
                        if (addr >= s->ranges[i].base && addr - s->ranges[i].base < s->ranges[i].len) {
                                rg = s->ranges[i];
                                found = true;
                        }
                pthread_mutex_unlock(&s->lock);
                uint64_t delay = __atomic_load_n(&s->delay_ns, __ATOMIC_RELAXED);
                if (delay) {
                        struct timespec ts = {(time_t)(delay / 1000000000u), (long)(delay % 1000000000u)};
                        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
                                ;
                }
                uint64_t limit = __atomic_load_n(&s->timeout_ns, __ATOMIC_RELAXED);
                int rc = !found ? -EFAULT
                         : limit && now_ns() - t0 > limit ? -ETIMEDOUT
                                                          : serve(s, &rg, (size_t)(addr - rg.base));
                if (rc < 0) {
                        __atomic_store_n(&s->failure, rc, __ATOMIC_RELAXED);
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
        pthread_mutex_init(&s->lock, NULL);
        s->page = page;
        if (len && wsbx_uffd_server_add(s, (uint64_t)(uintptr_t)base, len, src, src_len) < 0) {
                pthread_mutex_destroy(&s->lock);
                free(s);
                return -ENOMEM;
        }
        s->on_fail = on_fail ? on_fail : default_fail;
        s->ctx = ctx;
        s->stopfd = eventfd(0, EFD_CLOEXEC);
        if (s->stopfd < 0) {
                int e = -errno;
                pthread_mutex_destroy(&s->lock);
                free(s->ranges);
                free(s);
                return e;
        }
        int rc = pthread_create(&s->thread, NULL, server_main, s);
        if (rc != 0) {
                close(s->stopfd);
                pthread_mutex_destroy(&s->lock);
                free(s->ranges);
                free(s);
                return -rc;
        }
        *out = s;
        return 0;
}

int wsbx_uffd_server_add_quota(wsbx_uffd_server *s, uint64_t base, size_t len, const void *src, size_t src_len,
                               int quota)
{
        if (base % s->page || len % s->page || src_len > len || base + len < base)
                return -EINVAL;
        if (quota >= 0 && (uint32_t)quota >= __atomic_load_n(&s->nquotas, __ATOMIC_RELAXED))
                return -EINVAL;
        int rc = 0;
        pthread_mutex_lock(&s->lock);
        for (uint32_t i = 0; i < s->nranges && rc == 0; i++)
                if (base < s->ranges[i].base + s->ranges[i].len && s->ranges[i].base < base + len)
                        rc = -EEXIST;
        if (rc == 0 && s->nranges == s->cap) {
                uint32_t cap = s->cap ? 2 * s->cap : 8;
                struct uffd_range *n = cap > s->cap ? realloc(s->ranges, (size_t)cap * sizeof *n) : NULL;
                if (n) {
                        s->ranges = n;
                        s->cap = cap;
                } else {
                        rc = -ENOMEM;
                }
        }
        if (rc == 0)
                s->ranges[s->nranges++] = (struct uffd_range){base, len, src, src_len, quota};
        pthread_mutex_unlock(&s->lock);
        return rc;
}

int wsbx_uffd_server_add(wsbx_uffd_server *s, uint64_t base, size_t len, const void *src, size_t src_len)
{
        return wsbx_uffd_server_add_quota(s, base, len, src, src_len, -1);
}

int wsbx_uffd_server_quota(wsbx_uffd_server *s, uint64_t pages)
{
        pthread_mutex_lock(&s->lock);
        struct uffd_quota *n = realloc(s->quotas, ((size_t)s->nquotas + 1) * sizeof *n);
        int id = -ENOMEM;
        if (n) {
                s->quotas = n;
                n[s->nquotas] = (struct uffd_quota){ .limit = pages };
                id = (int)s->nquotas++;
        }
        pthread_mutex_unlock(&s->lock);
        return id;
}

void wsbx_uffd_server_set_timeout(wsbx_uffd_server *s, uint64_t ns)
{
        __atomic_store_n(&s->timeout_ns, ns, __ATOMIC_RELAXED);
}

void wsbx_uffd_server_set_delay(wsbx_uffd_server *s, uint64_t ns)
{
        __atomic_store_n(&s->delay_ns, ns, __ATOMIC_RELAXED);
}

int wsbx_uffd_server_failure(const wsbx_uffd_server *s)
{
        return __atomic_load_n(&s->failure, __ATOMIC_RELAXED);
}

void wsbx_uffd_server_stats(const wsbx_uffd_server *s, wsbx_uffd_stats *out)
{
        out->faults = __atomic_load_n(&s->stats.faults, __ATOMIC_RELAXED);
        out->copied_pages = __atomic_load_n(&s->stats.copied_pages, __ATOMIC_RELAXED);
        out->zero_pages = __atomic_load_n(&s->stats.zero_pages, __ATOMIC_RELAXED);
        out->failures = __atomic_load_n(&s->stats.failures, __ATOMIC_RELAXED);
        out->poisoned_pages = __atomic_load_n(&s->stats.poisoned_pages, __ATOMIC_RELAXED);
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
        pthread_mutex_destroy(&s->lock);
        free(s->ranges);
        free(s->quotas);
        free(s);
}
