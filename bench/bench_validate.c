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
#include "bench_util.h"
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct input {
        const uint8_t *bytes;
        size_t len;
} input;

/* Times `iters` decodes; returns milliseconds, or a negative value if a
 * decode failed (it succeeded once already, so that would be a bug). */
static double time_decodes(void *ctx, unsigned long iters)
{
        const uint8_t *bytes = ((input *)ctx)->bytes;
        size_t len = ((input *)ctx)->len;
        wsbx_error err;
        double t0 = bench_now_ms();
        for (unsigned long i = 0; i < iters; i++) {
                wsbx_module *m;
                if (wsbx_module_decode(bytes, len, NULL, &m, &err) != WSBX_OK)
                        return -1;
                wsbx_module_delete(m);
        }
        return bench_now_ms() - t0;
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
        double *ms = calloc(runs, sizeof *ms);
        if (!ms)
                return 1;

        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--runs") || !strcmp(argv[i], "--min-ms")) {
                        i++;
                        continue;
                }
                const char *path = argv[i];
                uint8_t *bytes = NULL;
                size_t len = 0;
                int r = bench_read_file(path, &bytes, &len);
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

                input in = { bytes, len };
                unsigned long iters;
                double med_ms = bench_measure(time_decodes, &in, runs, min_ms, &iters, ms);
                if (med_ms <= 0) {
                        printf("%s\t%zu\terror\tdecode failed while timing\n", path, len);
                        free(bytes);
                        status = 1;
                        continue;
                }
                double med = (double)len / (med_ms * 1e3);
                printf("%s\t%zu\t%.2f\t%.4f\n", path, len, med, (double)len / (med * 1e3));
                fflush(stdout);
                free(bytes);
        }
        free(ms);
        return status;
}
