/* test_uffd.c - lazy paging through userfaultfd, served in-process.
 *
 * A range registered for MISSING faults is served from a source buffer by
 * the server thread: touched pages carry the source's bytes (zero past
 * its end), untouched pages are never served (the fault counters prove
 * the laziness), and a page served once does not fault again.
 */
#include <criterion/criterion.h>

#include "sandbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int open_or_skip(void)
{
        int fd = wsbx_uffd_open(false);
        if (fd < 0) {
                fprintf(stderr, "skip: no userfaultfd here: %s\n", strerror(-fd));
                exit(77);
        }
        return fd;
}

Test(uffd, pages_served_lazily)
{
        int uffd = open_or_skip();
        size_t pg = (size_t)sysconf(_SC_PAGESIZE), npages = 64, len = npages * pg;
        size_t src_len = 40 * pg + 100; /* a partial last source page */
        uint8_t *src = malloc(src_len);
        cr_assert(src);
        for (size_t i = 0; i < src_len; i++)
                src[i] = (uint8_t)(i % 251 + 1);
        memset(src + 10 * pg, 0, pg); /* an all-zero source page */
        uint8_t *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        cr_assert_neq(mem, MAP_FAILED);
        cr_assert_eq(wsbx_uffd_register(uffd, mem, len), 0);
        wsbx_uffd_server *s;
        cr_assert_eq(wsbx_uffd_server_start(uffd, mem, len, src, src_len, NULL, NULL, &s), 0);

        /* Touch pages 0, 10 (zero source), 39, 40 (partial), 63 (past the
         * source) by reading, and page 5 by writing. */
        cr_assert_eq(mem[0], src[0]);
        cr_assert_eq(memcmp(mem, src, pg), 0);
        cr_assert_eq(mem[10 * pg + 7], 0);
        cr_assert_eq(memcmp(mem + 39 * pg, src + 39 * pg, pg), 0);
        cr_assert_eq(memcmp(mem + 40 * pg, src + 40 * pg, 100), 0);
        cr_assert_eq(mem[40 * pg + 100], 0);
        cr_assert_eq(mem[63 * pg + pg - 1], 0);
        mem[5 * pg + 1] = 0xee;
        cr_assert_eq(mem[5 * pg], src[5 * pg]);
        cr_assert_eq(mem[5 * pg + 1], 0xee);
        /* Touching served pages again costs no fault. */
        for (int k = 0; k < 3; k++)
                cr_assert_eq(mem[pg * 39 + 5], src[pg * 39 + 5]);

        wsbx_uffd_stats st;
        wsbx_uffd_server_stats(s, &st);
        cr_assert_eq(st.faults, 6, "faults %llu", (unsigned long long)st.faults);
        cr_assert_eq(st.copied_pages, 4); /* 0, 5, 39, 40 */
        cr_assert_eq(st.zero_pages, 2);   /* 10, 63 */
        cr_assert_eq(st.failures, 0);
        wsbx_uffd_server_stop(s);
        munmap(mem, len);
        close(uffd);
        free(src);
}

Test(uffd, bad_arguments)
{
        int uffd = open_or_skip();
        wsbx_uffd_server *s;
        static uint8_t src[16];
        cr_assert_eq(wsbx_uffd_server_start(uffd, (void *)(uintptr_t)4097, 4096, src, 16, NULL, NULL, &s),
                     -EINVAL);
        cr_assert_null(s);
        cr_assert_eq(wsbx_uffd_server_start(uffd, (void *)(uintptr_t)4096, 4096, src, 8192, NULL, NULL, &s),
                     -EINVAL);
        close(uffd);
}
