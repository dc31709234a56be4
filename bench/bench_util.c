/* bench_util.c - the benchmark programs' shared helpers (bench_util.h).
 *
 * The timing method lives here once so every wsbx-side benchmark measures
 * the same way; the Node.js side mirrors it in bench/bench.mjs. A batch's
 * repeat count is fixed by calibration before the timed runs, so every run
 * does the same work and only the machine's noise differs between them.
 */
#include "bench_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_FILE (256u << 20)

double bench_now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

uint64_t bench_now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
        uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
        return x < y ? -1 : x > y;
}

void bench_sort_u64(uint64_t *t, size_t n)
{
        qsort(t, n, sizeof *t, cmp_u64);
}

int bench_read_file(const char *path, uint8_t **out, size_t *len)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return -errno;
        uint8_t *buf = NULL;
        size_t n = 0, cap = 0;
        for (;;) {
                if (n == cap) {
                        uint8_t *nb;
                        if (cap >= MAX_FILE || !(nb = realloc(buf, cap ? 2 * cap : 65536))) {
                                free(buf);
                                fclose(f);
                                return -EFBIG;
                        }
                        buf = nb;
                        cap = cap ? 2 * cap : 65536;
                }
                size_t got = fread(buf + n, 1, cap - n, f);
                n += got;
                if (got == 0)
                        break;
        }
        int bad = ferror(f);
        fclose(f);
        if (bad) {
                free(buf);
                return -EIO;
        }
        *out = buf;
        *len = n;
        return 0;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

double bench_median(double *v, unsigned n)
{
        qsort(v, n, sizeof *v, cmp_double);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double bench_measure(bench_timed_fn fn, void *ctx, unsigned runs, double min_ms, unsigned long *iters,
                     double *ms_per_iter)
{
        unsigned long n = 1;
        double t;
        while ((t = fn(ctx, n)) >= 0 && t < min_ms / 10 && n < (1ul << 30))
                n *= 2;
        if (t < 0)
                return -1;
        /* A zero reading (a coarse clock) keeps the doubled count. */
        if (t > 0)
                n = (unsigned long)((double)n * min_ms / t) + 1;
        /* One slow calibration batch (the machine busy elsewhere, a
         * sleeping thread slow to wake) leaves the count too small and
         * every run far shorter than min_ms; then scale the count from
         * the median of the runs and time them again, a few times at
         * most. */
        double med = 0;
        for (int again = 0; again < 3; again++) {
                for (unsigned k = 0; k < runs; k++) {
                        t = fn(ctx, n);
                        if (t < 0)
                                return -1;
                        ms_per_iter[k] = t / (double)n;
                }
                med = bench_median(ms_per_iter, runs);
                if (med * (double)n >= min_ms / 2 || med <= 0 || n >= (1ul << 30))
                        break;
                /* Bounded growth: the slow spell may come back. */
                unsigned long want = (unsigned long)(min_ms / med) + 1;
                n = want > 16 * n ? 16 * n : want;
        }
        *iters = n;
        return med;
}
