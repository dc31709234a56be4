/* instantiate.c - instantiation latency: fresh, from the instance pool,
 * and the first-touch cost of copy-on-write image pages.
 *
 * Everything runs in this process through the loader, exactly the code a
 * worker runs (no rings, no supervisor). For each module:
 *   fresh      wsbx_instantiate in a store without pooling (a new vmctx,
 *              new memory reservation, image mapped), plus one call
 *   pool       wsbx_instantiate from a pooled store whose slot was
 *              released, plus one call
 *   release    wsbx_instance_release: the dirty-page reset (timed apart)
 * The call is the module's "touch" export when it has one (the image
 * module's reads the first and the last page of its 64 KiB image), else
 * nothing. Modules: an empty module, one memory with a 64 KiB data image
 * (image64k; image64kw is the same with a touch that writes both pages),
 * a table of 8192 functions (table8k, one indirect call through its last
 * element: tables are initialized lazily, element by element), and a
 * sightglass module (-s PATH; its function imports are stubbed,
 * instantiation runs no start function of WASI, so no guest code beyond
 * the start function runs).
 *
 * first-touch: a 16 MiB image mapped copy-on-write into a memory; reading
 * each page once (file page fault) and writing each page once (private
 * copy) in ns per page; the same reads served through userfaultfd by
 * sandbox/uffd.c's server thread.
 *
 * The last line compares pool p50 of the image module against the
 * acceptance bound (10 us). Build with the release build for numbers.
 *
 * Usage: bench_instantiate [-n ROUNDS] [-s SIGHTGLASS.wasm]
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

static double report(const char *mod, const char *mode, uint64_t *t, unsigned long n)
{
        bench_sort_u64(t, n);
        double p50 = (double)t[n / 2] / 1e3;
        double p99 = (double)t[(size_t)((double)n * 0.99)] / 1e3;
        printf("%-10s %-8s n=%-6lu p50 %8.2f us  p99 %8.2f us\n", mod, mode, n, p50, p99);
        fflush(stdout);
        return p50;
}

static void die(const char *what, const char *msg)
{
        fprintf(stderr, "bench_instantiate: %s: %s\n", what, msg);
        exit(1);
}

static uint8_t *compile_bytes(const uint8_t *src, size_t len, size_t *artlen)
{
        wsbx_module *m;
        wsbx_error err;
        uint8_t *art;
        if (wsbx_module_load(src, len, NULL, &m, &err) != WSBX_OK)
                die("module", err.msg);
        if (wsbx_compile(m, NULL, &art, artlen, &err) != WSBX_OK)
                die("compile", err.msg);
        wsbx_module_delete(m);
        return art;
}

static void stub(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals, uint32_t n)
{
        (void)callee;
        (void)caller;
        memset(vals, 0, sizeof *vals * n);
}

typedef struct bmod {
        const char *name;
        uint8_t *art;
        size_t len;
} bmod;

/* Loads the module into s and stubs its function imports; NULL (and a
 * note) when it imports anything else. */
static wsbx_loaded *load(wsbx_store *s, const bmod *bm, wsbx_extern **imports, uint32_t *nimports)
{
        wsbx_loaded *l;
        wsbx_lerr e;
        if (wsbx_load_bytes(s, bm->art, bm->len, &l, &e) < 0)
                die("load", e.msg);
        const wsbx_artifact *a = wsbx_loaded_artifact(l);
        wsbx_extern *x = calloc(a->nimports + 1, sizeof *x);
        if (!x)
                die("imports", "out of memory");
        for (uint32_t i = 0; i < a->nimports; i++) {
                if (a->imports[i].kind != WSBX_ART_EXTERN_FUNC) {
                        printf("%-10s skipped: imports a %s\n", bm->name,
                               a->imports[i].kind == WSBX_ART_EXTERN_MEMORY ? "memory" : "table or global");
                        free(x);
                        return NULL;
                }
                const wsbx_art_type *t = &a->types[a->funcs[a->imports[i].index].type];
                const uint8_t *vt = a->blob + t->vt_off;
                x[i].kind = WSBX_ART_EXTERN_FUNC;
                if (wsbx_host_func_new(s, vt, t->nparams, vt + t->nparams, t->nresults, stub, NULL,
                                       &x[i].u.func) < 0)
                        die("imports", "host function");
        }
        *imports = x;
        *nimports = a->nimports;
        static const char *last;
        if (last != bm->name && a->nmemories > a->nimported_memories) {
                last = bm->name;
                printf("%-10s memory 0: %s\n", bm->name,
                       a->memories[a->nimported_memories].init == WSBX_ART_INIT_IMAGE
                               ? "copy-on-write image"
                               : "segment by segment");
        }
        return l;
}

static void touch(wsbx_store *s, wsbx_instance *in)
{
        wsbx_extern x;
        if (wsbx_instance_export(in, "touch", 5, &x) < 0 || x.kind != WSBX_ART_EXTERN_FUNC)
                return;
        wsbx_val_raw v[2] = { 0 };
        wsbx_trap_info t;
        if (wsbx_invoke(s, x.u.func, v, 2, &t) != 0)
                die("touch", "trapped");
}

static wsbx_instance *instantiate(wsbx_store *s, wsbx_loaded *l, wsbx_extern *x, uint32_t n)
{
        wsbx_instance *in;
        wsbx_trap_info t;
        wsbx_lerr e;
        int rc = wsbx_instantiate(s, l, x, n, &in, &t, &e);
        if (rc != 0)
                die("instantiate", rc > 0 ? wsbx_trap_message(t.kind) : e.msg);
        return in;
}

/* Fresh instantiations; a new store every 100 (not timed) so that
 * reservations do not pile up. */
static void bench_fresh(const bmod *bm, unsigned long n, uint64_t *t)
{
        wsbx_store *s = NULL;
        wsbx_loaded *l = NULL;
        wsbx_extern *x = NULL;
        uint32_t nx = 0;
        for (unsigned long i = 0; i < n; i++) {
                if (i % 100 == 0) {
                        wsbx_store_delete(s);
                        free(x);
                        x = NULL;
                        if (wsbx_store_new(NULL, &s) < 0)
                                die("store", "fresh");
                        if (!(l = load(s, bm, &x, &nx)))
                                return;
                }
                uint64_t t0 = bench_now_ns();
                wsbx_instance *in = instantiate(s, l, x, nx);
                touch(s, in);
                t[i] = bench_now_ns() - t0;
        }
        report(bm->name, "fresh", t, n);
        wsbx_store_delete(s);
        free(x);
}

static double bench_pool(const bmod *bm, unsigned long n, uint64_t *t, uint64_t *r)
{
        wsbx_store_config cfg;
        wsbx_store_config_default(&cfg);
        cfg.pool_instances = 4;
        wsbx_store *s;
        if (wsbx_store_new(&cfg, &s) < 0)
                die("store", "pooled");
        wsbx_extern *x = NULL;
        uint32_t nx = 0;
        wsbx_loaded *l = load(s, bm, &x, &nx);
        if (!l) {
                wsbx_store_delete(s);
                return -1;
        }
        wsbx_instance *in = instantiate(s, l, x, nx);
        touch(s, in);
        wsbx_instance_release(in);
        for (unsigned long i = 0; i < n; i++) {
                uint64_t t0 = bench_now_ns();
                in = instantiate(s, l, x, nx);
                touch(s, in);
                uint64_t t1 = bench_now_ns();
                if (wsbx_instance_release(in) != 0)
                        die("release", "not parked");
                r[i] = bench_now_ns() - t1;
                t[i] = t1 - t0;
        }
        wsbx_pool_stats st;
        wsbx_store_pool_stats(s, &st);
        double p50 = report(bm->name, "pool", t, n);
        report(bm->name, "release", r, n);
        printf("%-10s pool: %llu reused, %llu dirty pages, %llu restored, %llu dropped, %llu whole resets\n",
               bm->name, (unsigned long long)st.reused, (unsigned long long)st.dirty_pages,
               (unsigned long long)st.restored_pages, (unsigned long long)st.dropped_pages,
               (unsigned long long)st.whole_resets);
        wsbx_store_delete(s);
        free(x);
        return p50;
}

/* ns per page of first reads and first writes of a copy-on-write image. */
static void bench_first_touch(void)
{
        const size_t size = 16u << 20;
        uint8_t *bytes = malloc(size);
        if (!bytes)
                die("first-touch", "out of memory");
        for (size_t i = 0; i < size; i++)
                bytes[i] = (uint8_t)(i * 7 + 1);
        wsbx_image *img;
        wsbx_lerr e;
        if (wsbx_image_new_bytes(bytes, size, 0, &img, &e) < 0)
                die("image", e.msg);
        free(bytes);
        long pg = sysconf(_SC_PAGESIZE);
        size_t pages = size / (size_t)pg;
        for (int write = 0; write < 2; write++) {
                wsbx_memory *m;
                if (wsbx_memory_new(NULL, (uint32_t)(size / WSBX_WASM_PAGE), false, 0, &m, &e) < 0 ||
                    wsbx_memory_map_image(m, img, &e) < 0)
                        die("memory", e.msg);
                volatile uint8_t *base = wsbx_memory_def_of(m)->base;
                unsigned sum = 0;
                uint64_t t0 = bench_now_ns();
                for (size_t p = 0; p < pages; p++) {
                        if (write)
                                base[p * (size_t)pg] = 1;
                        else
                                sum += base[p * (size_t)pg];
                }
                uint64_t dt = bench_now_ns() - t0;
                printf("first-touch cow %-5s %8.0f ns/page (%zu pages)%s\n", write ? "write" : "read",
                       (double)dt / (double)pages, pages, sum == 1 ? " " : "");
                wsbx_memory_delete(m);
        }
        wsbx_image_delete(img);
}

/* ns per page of first touches served through userfaultfd (UFFDIO_COPY
 * from a 16 MiB source by the server thread). */
static void bench_first_touch_uffd(void)
{
        const size_t size = 16u << 20;
        long pg = sysconf(_SC_PAGESIZE);
        size_t pages = size / (size_t)pg;
        int uffd = wsbx_uffd_open(false);
        if (uffd < 0) {
                printf("first-touch uffd: skipped: %s\n", strerror(-uffd));
                return;
        }
        uint8_t *src = malloc(size);
        uint8_t *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (!src || mem == MAP_FAILED)
                die("first-touch uffd", "out of memory");
        for (size_t i = 0; i < size; i++)
                src[i] = (uint8_t)(i * 7 + 1);
        wsbx_uffd_server *sv;
        if (wsbx_uffd_register(uffd, mem, size) < 0 ||
            wsbx_uffd_server_start(uffd, mem, size, src, size, NULL, NULL, &sv) < 0)
                die("first-touch uffd", "register");
        volatile uint8_t *base = mem;
        unsigned sum = 0;
        uint64_t t0 = bench_now_ns();
        for (size_t p = 0; p < pages; p++)
                sum += base[p * (size_t)pg];
        uint64_t dt = bench_now_ns() - t0;
        wsbx_uffd_stats st;
        wsbx_uffd_server_stats(sv, &st);
        printf("first-touch uffd read  %8.0f ns/page (%zu pages, %llu faults served)%s\n",
               (double)dt / (double)pages, pages, (unsigned long long)st.faults, sum == 1 ? " " : "");
        wsbx_uffd_server_stop(sv);
        munmap(mem, size);
        close(uffd);
        free(src);
}

int main(int argc, char **argv)
{
        unsigned long n = 5000;
        const char *sg = NULL;
        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "-n") && i + 1 < argc)
                        n = strtoul(argv[++i], NULL, 10);
                else if (!strcmp(argv[i], "-s") && i + 1 < argc)
                        sg = argv[++i];
                else {
                        fprintf(stderr, "usage: bench_instantiate [-n ROUNDS] [-s SIGHTGLASS.wasm]\n");
                        return 2;
                }
        }
        if (n < 10)
                n = 10;
        uint64_t *t = malloc(sizeof *t * n), *r = malloc(sizeof *r * n);
        if (!t || !r)
                die("rounds", "out of memory");

        bmod mods[5];
        unsigned nm = 0;
        const char *empty = "(module)";
        mods[nm].name = "empty";
        mods[nm].art = compile_bytes((const uint8_t *)empty, strlen(empty), &mods[nm].len);
        nm++;

        /* One memory whose 64 KiB image fills it; touch reads its first
         * and last page. */
        const char *head = "(module (memory 1 1) (data (i32.const 0) \"";
        const char *tail = "\") (func (export \"touch\") (result i32)"
                           " i32.const 0 i32.load8_u i32.const 65535 i32.load8_u i32.add))";
        size_t wl = strlen(head) + 65536 + strlen(tail);
        char *wat = malloc(wl + 1);
        if (!wat)
                die("wat", "out of memory");
        strcpy(wat, head);
        memset(wat + strlen(head), 'x', 65536);
        strcpy(wat + strlen(head) + 65536, tail);
        mods[nm].name = "image64k";
        mods[nm].art = compile_bytes((const uint8_t *)wat, wl, &mods[nm].len);
        nm++;
        free(wat);
        /* The same, but touch writes both pages: release has dirty pages
         * to restore. */
        const char *tailw = "\") (func (export \"touch\")"
                            " i32.const 0 i32.const 1 i32.store8 i32.const 65535 i32.const 2 i32.store8))";
        wl = strlen(head) + 65536 + strlen(tailw);
        wat = malloc(wl + 1);
        if (!wat)
                die("wat", "out of memory");
        strcpy(wat, head);
        memset(wat + strlen(head), 'x', 65536);
        strcpy(wat + strlen(head) + 65536, tailw);
        mods[nm].name = "image64kw";
        mods[nm].art = compile_bytes((const uint8_t *)wat, wl, &mods[nm].len);
        nm++;
        free(wat);

        /* A table of 8192 functions from an element segment (a table
         * image): touch makes one indirect call through its last element,
         * the only one it initializes. */
        const char *thead = "(module (type $v (func (result i32))) (table 8192 funcref)"
                            " (func $f (result i32) i32.const 7) (elem (i32.const 0) func";
        const char *ttail = ") (func (export \"touch\") (result i32)"
                            " (call_indirect (type $v) (i32.const 8191))))";
        wl = strlen(thead) + 3 * 8192 + strlen(ttail);
        wat = malloc(wl + 1);
        if (!wat)
                die("wat", "out of memory");
        strcpy(wat, thead);
        for (int k = 0; k < 8192; k++)
                memcpy(wat + strlen(thead) + 3 * k, " $f", 3);
        strcpy(wat + strlen(thead) + 3 * 8192, ttail);
        mods[nm].name = "table8k";
        mods[nm].art = compile_bytes((const uint8_t *)wat, wl, &mods[nm].len);
        nm++;
        free(wat);

        if (sg) {
                FILE *f = fopen(sg, "rb");
                if (!f)
                        die(sg, strerror(errno));
                uint8_t *buf = NULL;
                size_t len = 0, cap = 0;
                for (;;) {
                        if (len == cap) {
                                cap = cap ? cap * 2 : 1 << 20;
                                buf = realloc(buf, cap);
                                if (!buf)
                                        die(sg, "out of memory");
                        }
                        size_t k = fread(buf + len, 1, cap - len, f);
                        if (!k)
                                break;
                        len += k;
                }
                fclose(f);
                mods[nm].name = "sightglass";
                mods[nm].art = compile_bytes(buf, len, &mods[nm].len);
                nm++;
                free(buf);
        }

        double image_pool = -1;
        for (unsigned i = 0; i < nm; i++) {
                bench_fresh(&mods[i], n < 2000 ? n : 2000, t);
                double p = bench_pool(&mods[i], n, t, r);
                if (i == 1)
                        image_pool = p;
        }
        bench_first_touch();
        bench_first_touch_uffd();
        printf("acceptance: pool instantiate + touch of the 64 KiB image p50 %.2f us (bound 10 us): %s\n",
               image_pool, image_pool >= 0 && image_pool <= 10.0 ? "ok" : "NOT MET");
        for (unsigned i = 0; i < nm; i++)
                free(mods[i].art);
        free(t);
        free(r);
        return 0;
}
