/* cmd_bench.c - `wsbx bench [OPTIONS] FILE [ARGS...]`: the Sightglass protocol.
 *
 * FILE is a WASI program that imports `bench.start` and `bench.end` (both
 * [] -> []) and calls each once around the region it wants measured. It
 * runs as `wsbx run` runs it (cli_run_file), with the current folder
 * preopened as "." and its stdout/stderr passed through unchanged; the two
 * imports are host functions here that take CLOCK_MONOTONIC timestamps (the
 * start stamp as late as possible before returning to the guest, the end
 * stamp first thing on entry). N runs, each in a fresh worker; the report
 * (median, min, max wall time of the region) goes to stderr after the
 * program's output, or as JSON to --json OUT.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct bench {
        uint64_t t_start, t_end;  /* ns, CLOCK_MONOTONIC */
        unsigned nstart, nend;    /* calls seen this run */
};

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int bench_start(wsbx_session *s, void *ctx, const wsbx_val_raw *args, uint32_t nargs,
                       wsbx_val_raw *results, uint32_t nresults, char *err)
{
        (void)s, (void)args, (void)nargs, (void)results, (void)nresults, (void)err;
        struct bench *b = ctx;
        b->nstart++;
        b->t_start = now_ns();
        return 0;
}

static int bench_end(wsbx_session *s, void *ctx, const wsbx_val_raw *args, uint32_t nargs, wsbx_val_raw *results,
                     uint32_t nresults, char *err)
{
        (void)s, (void)args, (void)nargs, (void)results, (void)nresults, (void)err;
        struct bench *b = ctx;
        uint64_t t = now_ns();
        b->nend++;
        b->t_end = t;
        return 0;
}

/* Binds bench.start and bench.end; anything else in module "bench" is an
 * error naming it. */
static int bind(void *ctx, wsbx_session *s, const wsbx_sess_import *imp, wsbx_handle *out)
{
        if (imp->module.len != 5 || memcmp(imp->module.ptr, "bench", 5) != 0)
                return 0;
        bool is_start = imp->name.len == 5 && memcmp(imp->name.ptr, "start", 5) == 0;
        bool is_end = imp->name.len == 3 && memcmp(imp->name.ptr, "end", 3) == 0;
        if ((!is_start && !is_end) || imp->kind != WSBX_EXTERN_FUNC || imp->type.func.nparams ||
            imp->type.func.nresults) {
                fprintf(stderr, "wsbx bench: import \"bench\" ");
                cli_put_name(stderr, imp->name.ptr, imp->name.len);
                fprintf(stderr, " is not start or end of type [] -> []\n");
                return -1;
        }
        wsbx_functype t = {0, 0, NULL, NULL};
        wsbx_status st;
        int e = wsbx_session_host_func_new(s, &t, is_start ? bench_start : bench_end, ctx, out, &st);
        if (e != 0) {
                fprintf(stderr, "wsbx bench: %s\n", e < 0 ? strerror(-e) : st.msg);
                return -1;
        }
        return 1;
}

static int cmp_u64(const void *a, const void *b)
{
        uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
        return x < y ? -1 : x > y;
}

static int run(int argc, char **argv)
{
        cli_run_opts o = {0};
        const char *json = NULL;
        long runs = 10;
        int i;
        for (i = 1; i < argc; i++) {
                const char *a = argv[i];
                int r;
                if (strcmp(a, "--") == 0) {
                        i++;
                        break;
                } else if (cli_is_help(a)) {
                        cli_print_help(&cli_bench);
                        return CLI_EXIT_OK;
                } else if (strcmp(a, "--runs") == 0 || strncmp(a, "--runs=", 7) == 0) {
                        const char *v = a[6] == '=' ? a + 7 : (++i < argc ? argv[i] : NULL);
                        char *end;
                        errno = 0;
                        runs = v ? strtol(v, &end, 10) : 0;
                        if (!v || errno || *end || runs < 1 || runs > 100000)
                                return cli_usage("bench", "'--runs' needs a count from 1 to 100000");
                } else if (strcmp(a, "--json") == 0 || strncmp(a, "--json=", 7) == 0) {
                        json = a[6] == '=' ? a + 7 : (++i < argc ? argv[i] : NULL);
                        if (!json || !*json)
                                return cli_usage("bench", "'--json' needs a file name");
                } else if ((r = cli_run_parse_opt(&o, "bench", argc, argv, &i)) != 0) {
                        if (r != 1)
                                return r;
                } else if (a[0] == '-' && a[1] != 0) {
                        return cli_usage("bench", "unknown option '%s'", a);
                } else {
                        break;
                }
        }
        if (i == argc)
                return cli_usage("bench", "no module file");
        o.file = argv[i];
        o.args = argv + i + 1;
        o.nargs = argc - i - 1;
        /* The current folder, preopened as ".", unless --dir names one. */
        if (o.ndirs == 0) {
                o.dir_host[0] = o.dir_guest[0] = ".";
                o.ndirs = 1;
        }
        struct bench b;
        cli_run_hooks hooks = {bind, &b};
        o.hooks = &hooks;
        uint64_t *ns = calloc((size_t)runs, sizeof *ns);
        if (!ns) {
                fprintf(stderr, "wsbx bench: out of memory\n");
                return CLI_EXIT_FAIL;
        }
        int status = CLI_EXIT_OK;
        for (long r = 0; r < runs; r++) {
                memset(&b, 0, sizeof b);
                status = cli_run_file(&o);
                if (status != CLI_EXIT_OK) {
                        fprintf(stderr, "wsbx bench: %s: run %ld %s (status %d)\n", o.file, r + 1,
                                status == CLI_EXIT_TRAP ? "trapped" : "failed", status);
                        free(ns);
                        return status == CLI_EXIT_OK ? CLI_EXIT_FAIL : status;
                }
                if (b.nstart != 1 || b.nend != 1 || b.t_end < b.t_start) {
                        fprintf(stderr,
                                "wsbx bench: %s: bench.start and bench.end must each be called once, in "
                                "order (start %u, end %u)\n",
                                o.file, b.nstart, b.nend);
                        free(ns);
                        return CLI_EXIT_FAIL;
                }
                ns[r] = b.t_end - b.t_start;
        }
        qsort(ns, (size_t)runs, sizeof *ns, cmp_u64);
        uint64_t med = runs % 2 ? ns[runs / 2] : (ns[runs / 2 - 1] + ns[runs / 2]) / 2;
        if (json) {
                FILE *f = fopen(json, "w");
                if (!f) {
                        fprintf(stderr, "wsbx bench: %s: %s\n", json, strerror(errno));
                        free(ns);
                        return CLI_EXIT_FAIL;
                }
                fprintf(f, "{\"file\": ");
                cli_put_json_string(f, o.file, strlen(o.file));
                fprintf(f, ", \"runs\": %ld, \"wall_ns\": {\"median\": %" PRIu64 ", \"min\": %" PRIu64
                           ", \"max\": %" PRIu64 "}, \"samples_ns\": [",
                        runs, med, ns[0], ns[runs - 1]);
                for (long r = 0; r < runs; r++)
                        fprintf(f, "%s%" PRIu64, r ? ", " : "", ns[r]);
                fprintf(f, "], \"perf_counters\": null}\n");
                if (fclose(f) != 0) {
                        fprintf(stderr, "wsbx bench: %s: %s\n", json, strerror(errno));
                        free(ns);
                        return CLI_EXIT_FAIL;
                }
        } else {
                fprintf(stderr,
                        "wsbx bench: %s: %ld run%s, measured region: median %.3f ms (min %.3f, max %.3f)\n"
                        "wsbx bench: cycles/instructions not measured (no perf counters on the worker "
                        "process)\n",
                        o.file, runs, runs == 1 ? "" : "s", (double)med / 1e6, (double)ns[0] / 1e6,
                        (double)ns[runs - 1] / 1e6);
        }
        free(ns);
        return CLI_EXIT_OK;
}

const cli_command cli_bench = {
        .name = "bench",
        .summary = "Time a Sightglass-protocol program's measured region",
        .help =
        "Usage: wsbx bench [OPTIONS] [--] FILE [ARGS...]\n"
        "\n"
        "Runs the WASI program FILE as 'wsbx run' does, N times, each in a fresh\n"
        "worker, with the current folder preopened as '.'. FILE imports\n"
        "'bench.start' and 'bench.end' (both [] -> []) and calls each once around\n"
        "the region to measure (the Sightglass protocol). The program's stdout and\n"
        "stderr pass through unchanged; the report (median, min and max wall time\n"
        "of the region) follows on stderr, or goes to OUT as JSON.\n"
        "\n"
        "Options:\n"
        "  --runs N          Run N times (default 10)\n"
        "  --json OUT        Write the report to OUT as JSON instead of stderr\n"
        "  --dir HOST[::GUEST]  Preopen HOST as GUEST instead of '.' (repeatable)\n"
        "  --env KEY[=VALUE] Set a guest environment variable (repeatable)\n"
        "  --timeout DUR     Per-call deadline (10s, 500ms, 2m)\n"
        "  --no-sandbox      Run the guest in this process, unjailed (debugging)\n"
        "  --no-cache        Neither use nor fill the compile cache\n"
        "  -h, --help        Show this help\n"
        "\n"
        "Exit status: 0 every run exited 0, 3 a run trapped, else the failing\n"
        "run's status (its proc_exit code, or 1).\n",
        .run = run,
};
