/* bench_validate.c - decode+validate throughput of wsbx_module_decode.
 *
 * For each file: read it, decode it once (a module that fails is reported
 * and skipped), then time `--runs` runs. Each run calls wsbx_module_decode
 * (and wsbx_module_delete) as many times as fit in `--min-ms` milliseconds,
 * the count fixed once by calibration so every run does the same work. The
 * result is the median over the runs, because the machines we measure on
 * are shared and noisy: the median ignores the runs another process
 * disturbed, where a mean would not.
 *
 * Output, one line per file, tab-separated, for bench/validate.sh to join
 * with the V8 side (bench/validate.mjs prints the same columns):
 *   FILE  SIZE-BYTES  MEDIAN-MB/S  MEDIAN-MS-PER-DECODE
 * or `FILE  SIZE  error  MESSAGE` when the module does not decode.
 * MB are 10^6 bytes.
 */
#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_FILE (256u << 20)

static double now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int read_file(const char *path, uint8_t **out, size_t *len)
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

/* Times `iters` decodes; returns milliseconds, or a negative value if a
 * decode failed (it succeeded once already, so that would be a bug). */
static double time_decodes(const uint8_t *bytes, size_t len, unsigned long iters)
{
        wsbx_error err;
        double t0 = now_ms();
        for (unsigned long i = 0; i < iters; i++) {
                wsbx_module *m;
                if (wsbx_module_decode(bytes, len, NULL, &m, &err) != WSBX_OK)
                        return -1;
                wsbx_module_delete(m);
        }
        return now_ms() - t0;
}

static void usage(void)
{
        fprintf(stderr, "usage: bench_validate [--runs N] [--min-ms MS] FILE...\n"
                        "  --runs    timed runs per file; the median is reported (default 7)\n"
                        "  --min-ms  shortest run, in milliseconds (default 50)\n");
}

int main(int argc, char **argv)
{
        unsigned runs = 7;
        double min_ms = 50;
        int status = 0, nfiles = 0;

        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
                        runs = (unsigned)strtoul(argv[++i], NULL, 0);
                } else if (!strcmp(argv[i], "--min-ms") && i + 1 < argc) {
                        min_ms = strtod(argv[++i], NULL);
                } else if (argv[i][0] == '-') {
                        usage();
                        return 2;
                } else {
                        nfiles++;
                }
        }
        if (nfiles == 0 || runs == 0 || runs > 1000 || !(min_ms > 0)) {
                usage();
                return 2;
        }
        double *mbps = calloc(runs, sizeof *mbps);
        if (!mbps)
                return 1;

        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--runs") || !strcmp(argv[i], "--min-ms")) {
                        i++;
                        continue;
                }
                const char *path = argv[i];
                uint8_t *bytes = NULL;
                size_t len = 0;
                int r = read_file(path, &bytes, &len);
                if (r < 0) {
                        printf("%s\t0\terror\t%s\n", path, strerror(-r));
                        status = 1;
                        continue;
                }

                /* One decode to check the module and warm the caches. */
                wsbx_module *m;
                wsbx_error err;
                if (wsbx_module_decode(bytes, len, NULL, &m, &err) != WSBX_OK) {
                        printf("%s\t%zu\terror\t%s: %s at offset %zu\n", path, len,
                               wsbx_errkind_name(err.kind), err.msg, err.offset);
                        free(bytes);
                        status = 1;
                        continue;
                }
                wsbx_module_delete(m);

                /* Calibrate: double the count until one batch takes a
                 * tenth of a run, then scale up to a whole run. */
                unsigned long iters = 1;
                double t;
                while ((t = time_decodes(bytes, len, iters)) >= 0 && t < min_ms / 10 && iters < (1ul << 30))
                        iters *= 2;
                if (t >= 0 && t > 0)
                        iters = (unsigned long)((double)iters * min_ms / t) + 1;

                bool ok = t >= 0;
                for (unsigned k = 0; ok && k < runs; k++) {
                        t = time_decodes(bytes, len, iters);
                        ok = t > 0;
                        if (ok)
                                mbps[k] = (double)len * (double)iters / (t * 1e3);
                }
                if (!ok) {
                        printf("%s\t%zu\terror\tdecode failed while timing\n", path, len);
                        free(bytes);
                        status = 1;
                        continue;
                }
                qsort(mbps, runs, sizeof *mbps, cmp_double);
                double med = runs % 2 ? mbps[runs / 2] : (mbps[runs / 2 - 1] + mbps[runs / 2]) / 2;
                printf("%s\t%zu\t%.2f\t%.4f\n", path, len, med, (double)len / (med * 1e3));
                fflush(stdout);
                free(bytes);
        }
        free(mbps);
        return status;
}
