/* snapshot.c - instantiation from a snapshot, and first-touch cost per
 * page of the ways a restored memory can get its pages.
 *
 * In this process, through the loader (the code a worker runs). The
 * module has a 1 MiB memory with a 64 KiB data image; its init export
 * writes one word into each of 64 pages spread over the memory and sets
 * a global; touch reads the first and the last page init wrote. Per
 * round, p50/p99 of:
 *   fresh      wsbx_instantiate + init + touch (what a snapshot saves)
 *   copy       wsbx_snapshot_restore copying the 64 pages in + touch
 *   cow        wsbx_snapshot_restore(COW): one MAP_PRIVATE mapping of the
 *              snapshot's sealed memfd (made before timing) + touch
 *   lazy       wsbx_snapshot_restore(LAZY) + UFFDIO_REGISTER + a server
 *              thread started + touch (2 pages served) + the server stopped
 *   lazy-bare  the same without the server thread's start and stop, timed
 *              apart: what a supervisor serving many instances from one
 *              thread would pay
 * A new store every 100 rounds (not timed) keeps reservations from piling
 * up.
 *
 * first-touch: a 16 MiB snapshot memory whose every 4 KiB page is
 * non-zero, read once per page: served through userfaultfd (UFFDIO_COPY
 * from the snapshot's source view, one fault message per page), mapped
 * copy-on-write from the snapshot's memfd (a COW restore; first read,
 * then first write), and the
 * plain restore's copy (ns per page of wsbx_snapshot_restore without
 * LAZY).
 *
 * Usage: bench_snapshot [-n ROUNDS]
 */
#include "bench_util.h"
#include "engine.h"
#include "loader.h"
#include "sandbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void report(const char *mode, uint64_t *t, unsigned long n)
{
        bench_sort_u64(t, n);
        printf("snapshot   %-10s n=%-6lu p50 %8.2f us  p99 %8.2f us\n", mode, n, (double)t[n / 2] / 1e3,
               (double)t[(size_t)((double)n * 0.99)] / 1e3);
        fflush(stdout);
}

static void die(const char *what, const char *msg)
{
        fprintf(stderr, "bench_snapshot: %s: %s\n", what, msg);
        exit(1);
}

static const char *small_wat =
        "(module (memory 16 16) (data (i32.const 0) \"image\") (data (i32.const 65535) \"!\")"
        "  (global $g (mut i32) (i32.const 0))"
        "  (func (export \"init\") (local $i i32)"
        "    (loop $l (i32.store (i32.add (i32.const 16) (i32.mul (local.get $i) (i32.const 16384)))"
        "                        (i32.add (local.get $i) (i32.const 1)))"
        "      (local.set $i (i32.add (local.get $i) (i32.const 1)))"
        "      (br_if $l (i32.lt_u (local.get $i) (i32.const 64))))"
        "    (global.set $g (i32.const 7)))"
        "  (func (export \"touch\") (result i32)"
        "    (i32.add (i32.load (i32.const 16)) (i32.load (i32.const 1032208)))))";

/* 16 MiB, one non-zero byte in every 4 KiB page. */
static const char *big_wat =
        "(module (memory (export \"memory\") 256 256)"
        "  (func (export \"init\") (local $i i32)"
        "    (loop $l (i32.store8 (local.get $i) (i32.const 1))"
        "      (local.set $i (i32.add (local.get $i) (i32.const 4096)))"
        "      (br_if $l (i32.lt_u (local.get $i) (i32.const 16777216))))))";

static uint8_t *compile_wat(const char *wat, size_t *len)
{
        wsbx_module *m;
        wsbx_error err;
        uint8_t *art;
        if (wsbx_module_load((const uint8_t *)wat, strlen(wat), NULL, &m, &err) != WSBX_OK)
                die("module", err.msg);
        if (wsbx_compile(m, NULL, &art, len, &err) != WSBX_OK)
                die("compile", err.msg);
        wsbx_module_delete(m);
        return art;
}

static uint32_t call(wsbx_instance *in, const char *name)
{
        wsbx_extern x;
        if (wsbx_instance_export(in, name, strlen(name), &x) < 0)
                die("export", name);
        wsbx_val_raw v[1] = { 0 };
        wsbx_trap_info t;
        if (wsbx_invoke(wsbx_instance_store(in), x.u.func, v, 1, &t) != 0)
                die(name, "trapped");
        return v[0].i32;
}

typedef struct env {
        uint8_t *art;
        size_t len;
        wsbx_store *s;
        wsbx_loaded *l;
} env;

static void env_store(env *e)
{
        wsbx_lerr le;
        wsbx_store_delete(e->s);
        if (wsbx_store_new(NULL, &e->s) < 0)
                die("store", "new");
        if (wsbx_load_bytes(e->s, e->art, e->len, &e->l, &le) < 0)
                die("load", le.msg);
}

static wsbx_instance *fresh(env *e)
{
        wsbx_instance *in;
        wsbx_trap_info t;
        wsbx_lerr le;
        if (wsbx_instantiate(e->s, e->l, NULL, 0, &in, &t, &le) != 0)
                die("instantiate", le.msg);
        call(in, "init");
        return in;
}

static wsbx_snapshot *take(env *e)
{
        wsbx_snapshot *snap;
        wsbx_lerr le;
        if (wsbx_snapshot_take(fresh(e), &snap, &le) < 0)
                die("take", le.msg);
        return snap;
}

static wsbx_instance *restore(env *e, wsbx_snapshot *snap, uint32_t flags, wsbx_snapshot_range *rg)
{
        wsbx_instance *in;
        wsbx_lerr le;
        if (wsbx_snapshot_restore(e->s, e->l, snap, NULL, 0, flags, rg, &in, &le) < 0)
                die("restore", le.msg);
        return in;
}

static void bench_latency(unsigned long n)
{
        env e = {0};
        e.art = compile_wat(small_wat, &e.len);
        env_store(&e);
        wsbx_snapshot *snap = take(&e);
        const uint8_t *src;
        size_t src_len;
        if (wsbx_snapshot_memory_source(snap, 0, &src, &src_len) < 0)
                die("source", "mmap");
        uint32_t want = 1 + 64;
        uint64_t *t = malloc(sizeof *t * n), *t2 = malloc(sizeof *t2 * n), *t3 = malloc(sizeof *t3 * n);
        if (!t || !t2 || !t3)
                die("rounds", "out of memory");

        for (unsigned long i = 0; i < n; i++) {
                if (i % 100 == 0)
                        env_store(&e);
                uint64_t t0 = bench_now_ns();
                wsbx_instance *in = fresh(&e);
                if (call(in, "touch") != want)
                        die("fresh", "wrong result");
                t[i] = bench_now_ns() - t0;
        }
        report("fresh", t, n);

        for (unsigned long i = 0; i < n; i++) {
                if (i % 100 == 0)
                        env_store(&e);
                uint64_t t0 = bench_now_ns();
                wsbx_instance *in = restore(&e, snap, 0, NULL);
                if (call(in, "touch") != want)
                        die("copy", "wrong result");
                t[i] = bench_now_ns() - t0;
        }
        report("copy", t, n);

        env_store(&e);
        restore(&e, snap, WSBX_SNAPSHOT_COW, NULL);
        for (unsigned long i = 0; i < n; i++) {
                if (i % 100 == 0)
                        env_store(&e);
                uint64_t t0 = bench_now_ns();
                wsbx_instance *in = restore(&e, snap, WSBX_SNAPSHOT_COW, NULL);
                if (call(in, "touch") != want)
                        die("cow", "wrong result");
                t[i] = bench_now_ns() - t0;
        }
        report("cow", t, n);

        int uffd = wsbx_uffd_open(false);
        if (uffd < 0) {
                printf("snapshot   lazy: skipped: %s\n", strerror(-uffd));
        } else {
                for (unsigned long i = 0; i < n; i++) {
                        if (i % 100 == 0)
                                env_store(&e);
                        wsbx_snapshot_range rg[1];
                        wsbx_uffd_server *sv;
                        uint64_t t0 = bench_now_ns();
                        wsbx_instance *in = restore(&e, snap, WSBX_SNAPSHOT_LAZY, rg);
                        if (wsbx_uffd_register(uffd, rg[0].base, rg[0].len) < 0)
                                die("lazy", "register");
                        uint64_t t1 = bench_now_ns();
                        if (wsbx_uffd_server_start(uffd, rg[0].base, rg[0].len, src, src_len, NULL, NULL, &sv) < 0)
                                die("lazy", "server");
                        uint64_t t2a = bench_now_ns();
                        if (call(in, "touch") != want)
                                die("lazy", "wrong result");
                        uint64_t t3a = bench_now_ns();
                        wsbx_uffd_server_stop(sv);
                        uint64_t t4 = bench_now_ns();
                        t[i] = t4 - t0;
                        t2[i] = (t1 - t0) + (t3a - t2a);
                        t3[i] = (t2a - t1) + (t4 - t3a);
                }
                report("lazy", t, n);
                report("lazy-bare", t2, n);
                report("server", t3, n);
                close(uffd);
        }
        wsbx_store_delete(e.s);
        wsbx_snapshot_delete(snap);
        free(e.art);
        free(t);
        free(t2);
        free(t3);
}

static void bench_first_touch(void)
{
        env e = {0};
        e.art = compile_wat(big_wat, &e.len);
        env_store(&e);
        wsbx_snapshot *snap = take(&e);
        const uint8_t *src;
        size_t size;
        if (wsbx_snapshot_memory_source(snap, 0, &src, &size) < 0)
                die("source", "mmap");
        size_t pages = size / 4096;
        volatile unsigned sum = 0;

        /* userfaultfd */
        int uffd = wsbx_uffd_open(false);
        if (uffd < 0) {
                printf("first-touch uffd: skipped: %s\n", strerror(-uffd));
        } else {
                wsbx_snapshot_range rg[1];
                wsbx_instance *in = restore(&e, snap, WSBX_SNAPSHOT_LAZY, rg);
                (void)in;
                wsbx_uffd_server *sv;
                if (wsbx_uffd_register(uffd, rg[0].base, rg[0].len) < 0 ||
                    wsbx_uffd_server_start(uffd, rg[0].base, rg[0].len, src, size, NULL, NULL, &sv) < 0)
                        die("first-touch uffd", "register");
                volatile const uint8_t *b = rg[0].base;
                uint64_t t0 = bench_now_ns();
                for (size_t p = 0; p < pages; p++)
                        sum += b[p * 4096];
                uint64_t dt = bench_now_ns() - t0;
                wsbx_uffd_stats st;
                wsbx_uffd_server_stats(sv, &st);
                printf("first-touch uffd read   %8.0f ns/page (%zu pages, %llu copied)\n", (double)dt / (double)pages,
                       pages, (unsigned long long)st.copied_pages);
                wsbx_uffd_server_stop(sv);
                close(uffd);
        }

        /* copy-on-write from the snapshot's sealed memfd (MAP_PRIVATE) */
        for (int write = 0; write < 2; write++) {
                env_store(&e);
                uint64_t t0 = bench_now_ns();
                wsbx_instance *in = restore(&e, snap, WSBX_SNAPSHOT_COW, NULL);
                uint64_t rt = bench_now_ns() - t0;
                wsbx_extern x;
                if (wsbx_instance_export(in, "memory", 6, &x) < 0)
                        die("cow", "no memory export");
                volatile uint8_t *b = wsbx_memory_def_of(wsbx_memory_inst_memory(x.u.memory))->base;
                t0 = bench_now_ns();
                for (size_t p = 0; p < pages; p++) {
                        if (write)
                                b[p * 4096] = 2;
                        else
                                sum += b[p * 4096];
                }
                uint64_t dt = bench_now_ns() - t0;
                printf("first-touch cow %-5s   %8.0f ns/page (memfd MAP_PRIVATE; the restore took %.1f us)\n",
                       write ? "write" : "read", (double)dt / (double)pages, (double)rt / 1e3);
        }

        /* the plain restore's copy */
        env_store(&e);
        uint64_t t0 = bench_now_ns();
        wsbx_instance *in = restore(&e, snap, 0, NULL);
        uint64_t dt = bench_now_ns() - t0;
        (void)in;
        printf("first-touch copy        %8.0f ns/page (whole restore, %zu pages copied up front)\n",
               (double)dt / (double)pages, pages);
        wsbx_store_delete(e.s);
        wsbx_snapshot_delete(snap);
        free(e.art);
        (void)sum;
}

int main(int argc, char **argv)
{
        unsigned long n = 2000;
        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "-n") && i + 1 < argc) {
                        n = strtoul(argv[++i], NULL, 10);
                } else {
                        fprintf(stderr, "usage: bench_snapshot [-n ROUNDS]\n");
                        return 2;
                }
        }
        if (n < 10)
                n = 10;
        bench_latency(n);
        bench_first_touch();
        return 0;
}
