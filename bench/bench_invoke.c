/* bench_invoke.c - invoke round trips through a real sandboxed session (a
 * jailed worker process over the shared rings), against a pipe round trip
 * between two processes measured in the same run.
 *
 * The supervisor (this process) and the worker are pinned to different
 * CPUs when there are two: the worker inherits CPU 1 at spawn, then the
 * supervisor moves to CPU 0. Modes (each reports p50, p99 and p99.9 in
 * microseconds):
 *   invoke-hot     wsbx_session_invoke of an empty export, back to back:
 *                  both sides are still spinning when the next message comes
 *   invoke-cold    the same with a pause of 500 us before each call: the
 *                  worker has gone to sleep on its doorbell, and the
 *                  supervisor sleeps in io_uring while it waits
 *   hostcall-hot   an export that calls an imported host function once
 *                  (invoke, HOST_CALL, HOST_RETURN, completion)
 *   hostcall-cold  the same, with the pause
 *   instantiate    wsbx_session_instantiate of a loaded module with a memory,
 *                  a table and a global
 *   pool-inst+touch  in a pooled session (pool_instances 4): instantiate a
 *                  module whose memory has a 64 KiB data image, from the
 *                  pool, plus one call reading the image's first and last
 *                  page (two round trips, measured together)
 *   pool-release   wsbx_session_drop of that instance: its reset (dirty
 *                  pages only) and parking, one round trip
 *   spawn          wsbx_session_open_cfg + wsbx_session_close (jailed worker
 *                  start to finish)
 *   pipe           one byte each way through two pipes between this process
 *                  and a forked child on the other CPU (the reference)
 * The last lines compare invoke-hot's p50 with the acceptance bounds:
 * at most 2 us and at most a fifth of the pipe's p50, and the pooled
 * instantiate + call's p50 with 10 us.
 *
 * Usage: bench_invoke [-n ROUNDS] [-c COLD_ROUNDS] [--no-sandbox]
 *   -n  round trips for the hot modes and the pipe (default 100000)
 *   -c  round trips for the cold modes, instantiate and spawn (default 2000)
 *   --no-sandbox  run the session over loopback (a worker thread) instead
 */
#include "bench_util.h"
#include "sandbox.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static bool two_cpus;

static void pin(int cpu)
{
        if (!two_cpus)
                return;
        cpu_set_t s;
        CPU_ZERO(&s);
        CPU_SET(cpu, &s);
        sched_setaffinity(0, sizeof s, &s);
}

/* Sorts t[0..n) and prints the percentiles; returns p50 in us. */
static double report(const char *name, uint64_t *t, unsigned long n)
{
        bench_sort_u64(t, n);
        double p50 = (double)t[n / 2] / 1e3;
        double p99 = (double)t[(size_t)((double)n * 0.99)] / 1e3;
        double p999 = (double)t[(size_t)((double)n * 0.999)] / 1e3;
        printf("%-14s n=%-7lu p50 %8.2f us  p99 %8.2f us  p99.9 %8.2f us\n", name, n, p50, p99, p999);
        fflush(stdout);
        return p50;
}

static void die(const char *what, int e, const wsbx_status *st)
{
        fprintf(stderr, "bench_invoke: %s: %s%s%s\n", what, e < 0 ? strerror(-e) : "failed",
                st && st->msg[0] ? ": " : "", st ? st->msg : "");
        exit(1);
}

static uint8_t *compile_wat(const char *wat, size_t *len)
{
        wsbx_module *m;
        wsbx_error err;
        uint8_t *art;
        if (wsbx_module_load((const uint8_t *)wat, strlen(wat), NULL, &m, &err) != WSBX_OK ||
            wsbx_compile(m, NULL, &art, len, &err) != WSBX_OK) {
                fprintf(stderr, "bench_invoke: compile: %s\n", err.msg);
                exit(1);
        }
        wsbx_module_delete(m);
        return art;
}

static int host_nop(wsbx_session *s, void *ctx, const wsbx_val_raw *args, uint32_t nargs, wsbx_val_raw *results,
                    uint32_t nresults, char *err)
{
        (void)s, (void)ctx, (void)args, (void)nargs, (void)results, (void)nresults, (void)err;
        return 0;
}

static const char *const bench_wat =
        "(module (import \"h\" \"nop\" (func $nop))"
        " (memory 1) (table 4 funcref) (global (mut i32) (i32.const 0))"
        " (func (export \"empty\"))"
        " (func (export \"host\") (call $nop)))";

/* The pool mode's module: a 64 KiB image (a data segment filling the
 * first page: "try_static_init" makes it an image) and a call reading
 * its first and last 4 KiB page. */
static char *image_wat(void)
{
        static const char head[] = "(module (memory 1) (data (i32.const 0) \"";
        static const char tail[] = "\") (func (export \"touch\") (result i32)"
                                   " (i32.add (i32.load (i32.const 0)) (i32.load (i32.const 65532)))))";
        char *w = malloc(sizeof head + 65536 + sizeof tail);
        if (!w)
                exit(1);
        memcpy(w, head, sizeof head - 1);
        memset(w + sizeof head - 1, 'x', 65536);
        memcpy(w + sizeof head - 1 + 65536, tail, sizeof tail);
        return w;
}

/* Instantiate from the pool + touch, and the release that resets. */
static double pool_rounds(bool no_sandbox, unsigned long n, uint64_t *t, uint64_t *t2)
{
        char *wat = image_wat();
        size_t len;
        uint8_t *art = compile_wat(wat, &len);
        free(wat);
        wsbx_session_config cfg = {.no_sandbox = no_sandbox, .pool_instances = 4};
        wsbx_session *s;
        wsbx_status st = {0};
        pin(1);
        int e = wsbx_session_open_cfg(&cfg, &s, &st);
        pin(0);
        if (e)
                die("open (pooled)", e, &st);
        wsbx_handle mod, touch = 0;
        if ((e = wsbx_session_load(s, art, len, &mod, &st)) != 0)
                die("load", e, &st);
        for (unsigned long i = 0; i < n + 100; i++) {
                wsbx_handle in;
                wsbx_val_raw v;
                uint64_t a = bench_now_ns();
                if ((e = wsbx_session_instantiate(s, mod, NULL, 0, &in, &st)) != 0)
                        die("instantiate (pooled)", e, &st);
                if (!touch) {
                        /* The same instance comes back: so does its export. */
                        wsbx_sess_extern x;
                        if ((e = wsbx_session_export(s, in, "touch", 5, &x, &st)) != 0)
                                die("export", e, &st);
                        touch = x.handle;
                }
                if ((e = wsbx_session_invoke(s, touch, NULL, NULL, 0, &v, NULL, 1, &st)) != 0)
                        die("touch", e, &st);
                uint64_t b = bench_now_ns();
                if ((e = wsbx_session_drop(s, in, &st)) != 0)
                        die("drop (pooled)", e, &st);
                uint64_t c = bench_now_ns();
                if (v.i32 != (uint32_t)0x78787878u * 2u)
                        die("touch read the wrong bytes", -EINVAL, NULL);
                if (i >= 100) {
                        t[i - 100] = b - a;
                        t2[i - 100] = c - b;
                }
        }
        wsbx_session_close(s);
        free(art);
        double p50 = report("pool-inst+touch", t, n);
        report("pool-release", t2, n);
        return p50;
}

static void sleep_us(unsigned us)
{
        struct timespec ts = {0, (long)us * 1000};
        nanosleep(&ts, NULL);
}

static void run_invokes(wsbx_session *s, wsbx_handle f, const char *name, unsigned long n, bool cold, uint64_t *t,
                        double *p50)
{
        wsbx_status st;
        for (unsigned long i = 0; i < n + 1000; i++) {
                if (cold)
                        sleep_us(500);
                uint64_t a = bench_now_ns();
                int e = wsbx_session_invoke(s, f, NULL, NULL, 0, NULL, NULL, 0, &st);
                uint64_t b = bench_now_ns();
                if (e)
                        die(name, e, &st);
                if (i >= 1000)
                        t[i - 1000] = b - a;
        }
        *p50 = report(name, t, n);
}

static double pipe_rounds(unsigned long n, uint64_t *t)
{
        int ab[2], ba[2];
        if (pipe(ab) || pipe(ba))
                die("pipe", -errno, NULL);
        pid_t pid = fork();
        if (pid < 0)
                die("fork", -errno, NULL);
        if (pid == 0) {
                pin(1);
                close(ab[1]);
                close(ba[0]);
                char c;
                while (read(ab[0], &c, 1) == 1)
                        if (write(ba[1], &c, 1) != 1)
                                break;
                _exit(0);
        }
        close(ab[0]);
        close(ba[1]);
        char c = 'x';
        for (unsigned long i = 0; i < n + 1000; i++) {
                uint64_t a = bench_now_ns();
                if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
                        die("pipe round trip", -EIO, NULL);
                uint64_t b = bench_now_ns();
                if (i >= 1000)
                        t[i - 1000] = b - a;
        }
        close(ab[1]);
        close(ba[0]);
        waitpid(pid, NULL, 0);
        return report("pipe", t, n);
}

int main(int argc, char **argv)
{
        unsigned long n = 100000, cold_n = 2000;
        bool no_sandbox = false;
        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "-n") && i + 1 < argc)
                        n = strtoul(argv[++i], NULL, 10);
                else if (!strcmp(argv[i], "-c") && i + 1 < argc)
                        cold_n = strtoul(argv[++i], NULL, 10);
                else if (!strcmp(argv[i], "--no-sandbox"))
                        no_sandbox = true;
                else {
                        fprintf(stderr, "usage: bench_invoke [-n ROUNDS] [-c COLD_ROUNDS] [--no-sandbox]\n");
                        return 2;
                }
        }
        if (n < 1000 || cold_n < 100) {
                fprintf(stderr, "bench_invoke: at least -n 1000 and -c 100\n");
                return 2;
        }
        two_cpus = sysconf(_SC_NPROCESSORS_ONLN) >= 2;
        uint64_t *t = malloc((n > cold_n ? n : cold_n) * sizeof *t);
        if (!t)
                return 1;
        printf("bench_invoke: %s worker, %s\n", no_sandbox ? "loopback (unsandboxed)" : "jailed",
               two_cpus ? "supervisor on CPU 0, worker on CPU 1" : "one CPU: not pinned");

        size_t len;
        uint8_t *art = compile_wat(bench_wat, &len);
        wsbx_session_config cfg = {.no_sandbox = no_sandbox};
        wsbx_session *s;
        wsbx_status st = {0};
        pin(1); /* the worker inherits this */
        int e = wsbx_session_open_cfg(&cfg, &s, &st);
        pin(0);
        if (e)
                die("open", e, &st);
        wsbx_handle mod, inst, host;
        wsbx_functype ft = {0};
        if ((e = wsbx_session_host_func_new(s, &ft, host_nop, NULL, &host, &st)) != 0)
                die("host function", e, &st);
        if ((e = wsbx_session_load(s, art, len, &mod, &st)) != 0)
                die("load", e, &st);
        if ((e = wsbx_session_instantiate(s, mod, &host, 1, &inst, &st)) != 0)
                die("instantiate", e, &st);
        wsbx_sess_extern empty, hostcall;
        if ((e = wsbx_session_export(s, inst, "empty", 5, &empty, &st)) != 0 ||
            (e = wsbx_session_export(s, inst, "host", 4, &hostcall, &st)) != 0)
                die("export", e, &st);

        double hot, cold, hhot, hcold;
        run_invokes(s, empty.handle, "invoke-hot", n, false, t, &hot);
        run_invokes(s, empty.handle, "invoke-cold", cold_n, true, t, &cold);
        run_invokes(s, hostcall.handle, "hostcall-hot", n / 2, false, t, &hhot);
        run_invokes(s, hostcall.handle, "hostcall-cold", cold_n, true, t, &hcold);

        for (unsigned long i = 0; i < cold_n; i++) {
                wsbx_handle in2;
                uint64_t a = bench_now_ns();
                e = wsbx_session_instantiate(s, mod, &host, 1, &in2, &st);
                uint64_t b = bench_now_ns();
                if (e)
                        die("instantiate", e, &st);
                t[i] = b - a;
        }
        report("instantiate", t, cold_n);
        wsbx_session_close(s);

        uint64_t *t2 = malloc(cold_n * sizeof *t2);
        if (!t2)
                return 1;
        double pool50 = pool_rounds(no_sandbox, cold_n, t, t2);
        free(t2);

        unsigned long spawns = cold_n < 500 ? cold_n : 500;
        for (unsigned long i = 0; i < spawns; i++) {
                uint64_t a = bench_now_ns();
                pin(1);
                e = wsbx_session_open_cfg(&cfg, &s, &st);
                pin(0);
                if (e)
                        die("open", e, &st);
                wsbx_session_close(s);
                t[i] = bench_now_ns() - a;
        }
        report("spawn", t, spawns);

        double pipe50 = pipe_rounds(n, t);
        printf("pipe p50 / invoke-hot p50 = %.1f\n", pipe50 / hot);
        bool ok = hot <= 2.0 && hot * 5 <= pipe50;
        printf("acceptance (invoke-hot p50 <= 2 us and <= pipe p50 / 5): %s\n", ok ? "met" : "NOT met");
        printf("acceptance (pooled instantiate + call p50 <= 10 us): %s\n", pool50 <= 10.0 ? "met" : "NOT met");
        (void)cold, (void)hhot, (void)hcold;
        free(art);
        free(t);
        return 0;
}
