/* bench_ring.c - round trip of an empty message between two processes
 * through the cross-process rings (sandbox/ring.c), against a pipe.
 *
 * The parent plays the supervisor, a forked child the worker (it maps the
 * ring's memfd with wsbx_ring_attach, as a real worker would). Each is
 * pinned to its own CPU when there are two. One round trip: the parent
 * posts a request, the child receives it and posts a completion, the
 * parent receives that. Modes:
 *   hot   both sides spin (spin budget 1 s: they never sleep)
 *   cold  both sides sleep at once (spin budget 0): every message is a
 *         futex wake of a sleeping process on another CPU
 *   pipe  one byte each way through two pipes, the reference
 * Each mode runs in a fresh child after a warm-up of 1000 round trips and
 * reports p50, p99 and p99.9 in microseconds. The last lines are the
 * ratios pipe p50 / ring p50.
 *
 * Usage: bench_ring [-n ROUNDS] [-c COLD_ROUNDS] [-s SPIN_NS]
 *   -n  round trips for hot and pipe (default 100000)
 *   -c  round trips for cold (default 20000: each costs tens of µs)
 *   -s  adds a mode "spin=NS" with that spin budget on both sides
 */
#include "bench_util.h"
#include "sandbox_int.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WARMUP 1000u

static void pin(int cpu)
{
        if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
                return;
        cpu_set_t s;
        CPU_ZERO(&s);
        CPU_SET(cpu, &s);
        sched_setaffinity(0, sizeof s, &s);
}

struct result {
        const char *name;
        unsigned long n;
        double p50, p99, p999;
};

static void summarize(struct result *res, uint64_t *v, unsigned long n)
{
        bench_sort_u64(v, n);
        res->n = n;
        res->p50 = (double)v[n / 2] / 1000.0;
        res->p99 = (double)v[(n * 99) / 100] / 1000.0;
        res->p999 = (double)v[(n * 999) / 1000] / 1000.0;
}

static int ring_child(int fd, uint64_t spin)
{
        wsbx_ring *r;
        if (wsbx_ring_attach(fd, &r))
                return 1;
        wsbx_ring_set_spin(r, spin);
        wsbx_msg m;
        for (;;) {
                if (wsbx_ring_recv(r, &m, -1))
                        return 1;
                wsbx_ring_release(r);
                if (m.kind == WSBX_MSG_CLOSE)
                        return 0;
                while (wsbx_ring_send(r, &m) == -EAGAIN)
                        ;
        }
}

static int run_ring(struct result *res, uint64_t spin, unsigned long n)
{
        wsbx_ring *r;
        int e = wsbx_ring_create(64, 1u << 16, &r);
        if (e) {
                fprintf(stderr, "bench_ring: wsbx_ring_create: %s\n", strerror(-e));
                return -1;
        }
        pid_t pid = fork();
        if (pid == 0) {
                pin(1);
                _exit(ring_child(wsbx_ring_fd(r), spin));
        }
        pin(0);
        wsbx_ring_set_spin(r, spin);
        uint64_t *v = calloc(n, sizeof *v);
        wsbx_msg m = {.kind = WSBX_MSG_INVOKE}, back;
        int bad = !v;
        for (unsigned long i = 0; !bad && i < WARMUP + n; i++) {
                m.seq = (uint32_t)i;
                uint64_t t0 = bench_now_ns();
                if (wsbx_ring_send(r, &m) || wsbx_ring_recv(r, &back, 5000000000) || back.seq != m.seq)
                        bad = 1;
                wsbx_ring_release(r);
                if (i >= WARMUP && !bad)
                        v[i - WARMUP] = bench_now_ns() - t0;
        }
        m.kind = WSBX_MSG_CLOSE;
        wsbx_ring_send(r, &m);
        int st = 0;
        waitpid(pid, &st, 0);
        wsbx_ring_delete(r);
        if (bad || !WIFEXITED(st) || WEXITSTATUS(st)) {
                fprintf(stderr, "bench_ring: %s round trips failed\n", res->name);
                free(v);
                return -1;
        }
        summarize(res, v, n);
        free(v);
        return 0;
}

static int run_pipe(struct result *res, unsigned long n)
{
        int p2c[2], c2p[2];
        if (pipe(p2c) || pipe(c2p))
                return -1;
        pid_t pid = fork();
        if (pid == 0) {
                pin(1);
                char c;
                for (unsigned long i = 0; i < WARMUP + n; i++)
                        if (read(p2c[0], &c, 1) != 1 || write(c2p[1], &c, 1) != 1)
                                _exit(1);
                _exit(0);
        }
        pin(0);
        uint64_t *v = calloc(n, sizeof *v);
        int bad = !v;
        char c = 'x';
        for (unsigned long i = 0; !bad && i < WARMUP + n; i++) {
                uint64_t t0 = bench_now_ns();
                if (write(p2c[1], &c, 1) != 1 || read(c2p[0], &c, 1) != 1)
                        bad = 1;
                if (i >= WARMUP && !bad)
                        v[i - WARMUP] = bench_now_ns() - t0;
        }
        close(p2c[1]);
        int st = 0;
        waitpid(pid, &st, 0);
        close(p2c[0]);
        close(c2p[0]);
        close(c2p[1]);
        if (bad || !WIFEXITED(st) || WEXITSTATUS(st)) {
                free(v);
                return -1;
        }
        summarize(res, v, n);
        free(v);
        return 0;
}

int main(int argc, char **argv)
{
        unsigned long n = 100000, cold = 20000;
        long long spin = -1;
        int opt;
        while ((opt = getopt(argc, argv, "n:c:s:")) != -1) {
                switch (opt) {
                case 'n':
                        n = strtoul(optarg, NULL, 10);
                        break;
                case 'c':
                        cold = strtoul(optarg, NULL, 10);
                        break;
                case 's':
                        spin = strtoll(optarg, NULL, 10);
                        break;
                default:
                        fprintf(stderr, "usage: bench_ring [-n ROUNDS] [-c COLD_ROUNDS] [-s SPIN_NS]\n");
                        return 2;
                }
        }
        if (!n || !cold) {
                fprintf(stderr, "bench_ring: round counts must be positive\n");
                return 2;
        }
        struct result hot = {"ring hot"}, cld = {"ring cold"}, sp = {"ring spin=S"}, pp = {"pipe"};
        char spname[48];
        if (run_ring(&hot, 1000000000u, n) || run_ring(&cld, 0, cold) || run_pipe(&pp, n))
                return 1;
        if (spin >= 0) {
                snprintf(spname, sizeof spname, "ring spin=%lld", spin);
                sp.name = spname;
                if (run_ring(&sp, (uint64_t)spin, n))
                        return 1;
        }
        printf("%-18s %9s %10s %10s %10s\n", "mode", "n", "p50 us", "p99 us", "p99.9 us");
        const struct result *all[] = {&hot, &cld, &pp, spin >= 0 ? &sp : NULL};
        for (unsigned i = 0; i < 4; i++)
                if (all[i])
                        printf("%-18s %9lu %10.2f %10.2f %10.2f\n", all[i]->name, all[i]->n, all[i]->p50,
                               all[i]->p99, all[i]->p999);
        printf("pipe p50 / ring hot p50  = %.1f\n", pp.p50 / hot.p50);
        printf("pipe p50 / ring cold p50 = %.2f\n", pp.p50 / cld.p50);
        return 0;
}
