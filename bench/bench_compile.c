/* bench_compile.c - compile throughput of wsbx: module bytes to a complete
 * artifact in memory.
 *
 * One repetition is what a compile-on-upload service does with a module:
 * wsbx_module_decode (decode and validate every function body), then
 * wsbx_compile (code generation for every function, trampolines, layout,
 * call patching, the ELF artifact with its metadata, trap table, address
 * map and memory images), then freeing both. Nothing is cached between
 * repetitions: each starts again from the bytes.
 *
 * Each file is measured twice by the house method (bench_util.h: a
 * calibrated repeat count, `--runs` timed runs, the median): with one
 * compile thread, and with `--threads` (default 0: one per core, the
 * engine's own default). Decoding is single-threaded in both.
 *
 * Output, one line per file, tab-separated, for bench/compile.sh to join
 * with the V8 side (bench/compile.mjs):
 *   FILE  SIZE  MB/S-1T  MS-1T  MB/S-ALL  MS-ALL  ARTIFACT-BYTES
 * or `FILE  SIZE  error  MESSAGE` when the module does not decode or
 * compile. MB are 10^6 bytes of module (the input, not the artifact).
 */
#include "bench_util.h"
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct job {
        const uint8_t *bytes;
        size_t len;
        wsbx_compile_opts opts;
} job;

/* Decodes and compiles once. Returns the artifact's size, or 0 with err
 * filled. */
static size_t compile_once(const job *j, wsbx_error *err)
{
        wsbx_module *m;
        uint8_t *art;
        size_t len;
        if (wsbx_module_decode(j->bytes, j->len, NULL, &m, err) != WSBX_OK)
                return 0;
        wsbx_errkind k = wsbx_compile(m, &j->opts, &art, &len, err);
        wsbx_module_delete(m);
        if (k != WSBX_OK)
                return 0;
        free(art);
        return len;
}

/* Times `iters` compiles; a failure after the first success is a bug and
 * turns the file into an error row. */
static double time_compiles(void *ctx, unsigned long iters)
{
        const job *j = ctx;
        wsbx_error err;
        double t0 = bench_now_ms();
        for (unsigned long i = 0; i < iters; i++) {
                if (!compile_once(j, &err))
                        return -1;
        }
        return bench_now_ms() - t0;
}

static void usage(void)
{
        fprintf(stderr, "usage: bench_compile [--runs N] [--min-ms MS] [--threads N] FILE...\n"
                        "  --runs     timed runs per file and setting; medians are reported (default 7)\n"
                        "  --min-ms   shortest run, in milliseconds (default 50)\n"
                        "  --threads  compile threads of the all-cores setting (default 0: one per core)\n");
}

int main(int argc, char **argv)
{
        unsigned runs = 7, threads = 0;
        double min_ms = 50;
        int status = 0, nfiles = 0;

        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
                        runs = (unsigned)strtoul(argv[++i], NULL, 0);
                } else if (!strcmp(argv[i], "--min-ms") && i + 1 < argc) {
                        min_ms = strtod(argv[++i], NULL);
                } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
                        threads = (unsigned)strtoul(argv[++i], NULL, 0);
                } else if (argv[i][0] == '-') {
                        usage();
                        return 2;
                } else {
                        nfiles++;
                }
        }
        if (nfiles == 0 || runs == 0 || runs > 1000 || !(min_ms > 0) || threads > 256) {
                usage();
                return 2;
        }
        double *ms = calloc(runs, sizeof *ms);
        if (!ms)
                return 1;

        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--runs") || !strcmp(argv[i], "--min-ms") ||
                    !strcmp(argv[i], "--threads")) {
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

                /* One compile to check the module and warm the caches. */
                job j = { .bytes = bytes, .len = len, .opts = { .threads = 1 } };
                wsbx_error err;
                size_t artlen = compile_once(&j, &err);
                if (!artlen) {
                        printf("%s\t%zu\terror\t%s: %s\n", path, len, wsbx_errkind_name(err.kind),
                               err.msg);
                        free(bytes);
                        status = 1;
                        continue;
                }

                unsigned long iters;
                double med1 = bench_measure(time_compiles, &j, runs, min_ms, &iters, ms);
                j.opts.threads = threads;
                double medn = med1 > 0 ? bench_measure(time_compiles, &j, runs, min_ms, &iters, ms) : -1;
                if (med1 <= 0 || medn <= 0) {
                        printf("%s\t%zu\terror\tcompile failed while timing\n", path, len);
                        free(bytes);
                        status = 1;
                        continue;
                }
                printf("%s\t%zu\t%.2f\t%.4f\t%.2f\t%.4f\t%zu\n", path, len, (double)len / (med1 * 1e3),
                       med1, (double)len / (medn * 1e3), medn, artlen);
                fflush(stdout);
                free(bytes);
        }
        free(ms);
        return status;
}
