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
 *
 * Perf counters: at bench.start the worker process's counters are opened
 * (perf_event_open on its pid; first call of a run), reset and enabled,
 * and at bench.end disabled and read: the CPU time the worker spent in
 * the region (task clock, a software counter every kernel has) and, where
 * the machine has a hardware PMU, cycles and instructions. What cannot be
 * opened is said once and reported as not measured. The guest runs on
 * the worker's main thread, which is what the counters follow.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { PC_TASK_CLOCK, PC_CYCLES, PC_INSTRUCTIONS, PC_N };
static const char *const pc_name[PC_N] = {"task_clock_ns", "cycles", "instructions"};

struct bench {
        uint64_t t_start, t_end;  /* ns, CLOCK_MONOTONIC */
        unsigned nstart, nend;    /* calls seen this run */
        int pc_fd[PC_N];          /* this run's counters, -1 where none */
        uint64_t pc[PC_N];        /* read at bench.end */
        bool pc_ok[PC_N];
};

/* Why a counter could not be had, said once per process. */
static char pc_why[PC_N][128];

static void pc_open(struct bench *b, wsbx_session *s)
{
        int pid = wsbx_session_worker_pid(s);
        for (int i = 0; i < PC_N; i++) {
                b->pc_fd[i] = -1;
                if (pid < 0) {
                        snprintf(pc_why[i], sizeof pc_why[i], "the guest runs in this process (--no-sandbox)");
                        continue;
                }
                struct perf_event_attr a = {
                        .size = sizeof a,
                        .type = i == PC_TASK_CLOCK ? PERF_TYPE_SOFTWARE : PERF_TYPE_HARDWARE,
                        .config = i == PC_TASK_CLOCK ? PERF_COUNT_SW_TASK_CLOCK
                                  : i == PC_CYCLES   ? PERF_COUNT_HW_CPU_CYCLES
                                                     : PERF_COUNT_HW_INSTRUCTIONS,
                        .disabled = 1,
                        .exclude_hv = 1,
                };
                long fd = syscall(SYS_perf_event_open, &a, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
                if (fd < 0 && !pc_why[i][0])
                        snprintf(pc_why[i], sizeof pc_why[i], "%s",
                                 errno == ENOENT || errno == EOPNOTSUPP ? "no hardware PMU on this machine"
                                                                        : strerror(errno));
                b->pc_fd[i] = (int)fd;
        }
}

static void pc_close(struct bench *b)
{
        for (int i = 0; i < PC_N; i++)
                if (b->pc_fd[i] >= 0)
                        close(b->pc_fd[i]);
}

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int bench_start(wsbx_session *s, void *ctx, const wsbx_val_raw *args, uint32_t nargs,
                       wsbx_val_raw *results, uint32_t nresults, char *err)
{
        (void)args, (void)nargs, (void)results, (void)nresults, (void)err;
        struct bench *b = ctx;
        if (b->nstart++ == 0)
                pc_open(b, s);
        for (int i = 0; i < PC_N; i++)
                if (b->pc_fd[i] >= 0) {
                        ioctl(b->pc_fd[i], PERF_EVENT_IOC_RESET, 0);
                        ioctl(b->pc_fd[i], PERF_EVENT_IOC_ENABLE, 0);
                }
        b->t_start = now_ns();
        return 0;
}

static int bench_end(wsbx_session *s, void *ctx, const wsbx_val_raw *args, uint32_t nargs, wsbx_val_raw *results,
                     uint32_t nresults, char *err)
{
        (void)s, (void)args, (void)nargs, (void)results, (void)nresults, (void)err;
        struct bench *b = ctx;
        uint64_t t = now_ns();
        for (int i = 0; i < PC_N; i++)
                if (b->pc_fd[i] >= 0)
                        ioctl(b->pc_fd[i], PERF_EVENT_IOC_DISABLE, 0);
        b->nend++;
        b->t_end = t;
        for (int i = 0; i < PC_N; i++)
                b->pc_ok[i] = b->pc_fd[i] >= 0 && read(b->pc_fd[i], &b->pc[i], sizeof b->pc[i]) == sizeof b->pc[i];
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

static void free_bufs(uint64_t *ns, uint64_t **pcs)
{
        free(ns);
        for (int k = 0; k < PC_N; k++)
                free(pcs[k]);
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
        uint64_t *pcs[PC_N];
        long npc[PC_N] = {0};
        for (int k = 0; k < PC_N; k++)
                pcs[k] = calloc((size_t)runs, sizeof *pcs[k]);
        if (!ns || !pcs[0] || !pcs[1] || !pcs[2]) {
                fprintf(stderr, "wsbx bench: out of memory\n");
                return CLI_EXIT_FAIL;
        }
        int status = CLI_EXIT_OK;
        for (long r = 0; r < runs; r++) {
                memset(&b, 0, sizeof b);
                for (int k = 0; k < PC_N; k++)
                        b.pc_fd[k] = -1;
                status = cli_run_file(&o);
                pc_close(&b);
                if (status != CLI_EXIT_OK) {
                        fprintf(stderr, "wsbx bench: %s: run %ld %s (status %d)\n", o.file, r + 1,
                                status == CLI_EXIT_TRAP ? "trapped" : "failed", status);
                        free_bufs(ns, pcs);
                        return status == CLI_EXIT_OK ? CLI_EXIT_FAIL : status;
                }
                if (b.nstart != 1 || b.nend != 1 || b.t_end < b.t_start) {
                        fprintf(stderr,
                                "wsbx bench: %s: bench.start and bench.end must each be called once, in "
                                "order (start %u, end %u)\n",
                                o.file, b.nstart, b.nend);
                        free_bufs(ns, pcs);
                        return CLI_EXIT_FAIL;
                }
                ns[r] = b.t_end - b.t_start;
                for (int k = 0; k < PC_N; k++)
                        if (b.pc_ok[k])
                                pcs[k][npc[k]++] = b.pc[k];
        }
        /* A counter counts only if every run had it. */
        uint64_t pcmed[PC_N];
        for (int k = 0; k < PC_N; k++) {
                if (npc[k] != runs) {
                        npc[k] = 0;
                        continue;
                }
                qsort(pcs[k], (size_t)runs, sizeof *pcs[k], cmp_u64);
                pcmed[k] = runs % 2 ? pcs[k][runs / 2] : (pcs[k][runs / 2 - 1] + pcs[k][runs / 2]) / 2;
        }
        qsort(ns, (size_t)runs, sizeof *ns, cmp_u64);
        uint64_t med = runs % 2 ? ns[runs / 2] : (ns[runs / 2 - 1] + ns[runs / 2]) / 2;
        if (json) {
                FILE *f = fopen(json, "w");
                if (!f) {
                        fprintf(stderr, "wsbx bench: %s: %s\n", json, strerror(errno));
                        free_bufs(ns, pcs);
                        return CLI_EXIT_FAIL;
                }
                fprintf(f, "{\"file\": ");
                cli_put_json_string(f, o.file, strlen(o.file));
                fprintf(f, ", \"runs\": %ld, \"wall_ns\": {\"median\": %" PRIu64 ", \"min\": %" PRIu64
                           ", \"max\": %" PRIu64 "}, \"samples_ns\": [",
                        runs, med, ns[0], ns[runs - 1]);
                for (long r = 0; r < runs; r++)
                        fprintf(f, "%s%" PRIu64, r ? ", " : "", ns[r]);
                fprintf(f, "], \"perf_counters\": {");
                for (int k = 0; k < PC_N; k++) {
                        fprintf(f, "%s\"%s\": ", k ? ", " : "", pc_name[k]);
                        if (npc[k])
                                fprintf(f, "%" PRIu64, pcmed[k]);
                        else
                                fprintf(f, "null");
                }
                fprintf(f, "}}\n");
                if (fclose(f) != 0) {
                        fprintf(stderr, "wsbx bench: %s: %s\n", json, strerror(errno));
                        free_bufs(ns, pcs);
                        return CLI_EXIT_FAIL;
                }
        } else {
                fprintf(stderr, "wsbx bench: %s: %ld run%s, measured region: median %.3f ms (min %.3f, max %.3f)\n",
                        o.file, runs, runs == 1 ? "" : "s", (double)med / 1e6, (double)ns[0] / 1e6,
                        (double)ns[runs - 1] / 1e6);
                if (npc[PC_TASK_CLOCK])
                        fprintf(stderr, "wsbx bench: worker CPU time in the region: median %.3f ms\n",
                                (double)pcmed[PC_TASK_CLOCK] / 1e6);
                if (npc[PC_CYCLES] && npc[PC_INSTRUCTIONS])
                        fprintf(stderr, "wsbx bench: median %" PRIu64 " cycles, %" PRIu64 " instructions (IPC %.2f)\n",
                                pcmed[PC_CYCLES], pcmed[PC_INSTRUCTIONS],
                                pcmed[PC_CYCLES] ? (double)pcmed[PC_INSTRUCTIONS] / (double)pcmed[PC_CYCLES] : 0.0);
                for (int k = 0; k < PC_N; k++)
                        if (!npc[k])
                                fprintf(stderr, "wsbx bench: %s not measured: %s\n", pc_name[k],
                                        pc_why[k][0] ? pc_why[k] : "a run lacked it");
        }
        free_bufs(ns, pcs);
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
        "  --tcplisten HOST:PORT  A listening socket for the guest, as for run\n"
        "  --timeout DUR     Per-call deadline (10s, 500ms, 2m)\n"
        "  --no-sandbox      Run the guest in this process, unjailed (debugging)\n"
        "  --no-cache        Neither use nor fill the compile cache\n"
        "  -h, --help        Show this help\n"
        "\n"
        "Exit status: 0 every run exited 0, 3 a run trapped, else the failing\n"
        "run's status (its proc_exit code, or 1).\n",
        .run = run,
};
