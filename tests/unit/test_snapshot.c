/* test_snapshot.c - instance snapshots: take, restore (copied and lazy
 * through userfaultfd), snapshot files.
 *
 * A module's init export writes a pattern over several pages (keeping its
 * data image's bytes), grows memory, sets globals (one a funcref), grows
 * a table and sets an element, and drops a passive segment. A snapshot
 * taken after init is restored into fresh instances (pages copied in,
 * mapped copy-on-write, or lazily): every reading export answers exactly
 * as in the original, the start function did not run again, and the
 * memory is byte-for-byte the same. Lazily restored,
 * the userfaultfd server's counters show that exactly the touched pages
 * were served (copied or zero) and no others. Snapshot files round-trip
 * and corrupt ones are refused with a message naming what is wrong.
 */
#include <criterion/criterion.h>

#include "engine.h"
#include "loader.h"
#include "sandbox.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Pattern: an i32 at 100 + i * 20480 for i in 0..12 (host pages 0, 5, ...,
 * 60 of the 4 wasm pages init leaves), plus the image at offset 0. */
#define NPAT 13
#define PAT_STRIDE 20480u

static const char *snap_wat =
        "(module"
        "  (type $ret (func (result i32)))"
        "  (memory (export \"mem\") 1 100)"
        "  (data (i32.const 0) \"image!\")"
        "  (data $p \"passive\")"
        "  (global $g (mut i32) (i32.const 0))"
        "  (global $h (mut i64) (i64.const 0))"
        "  (global $fr (mut funcref) (ref.null func))"
        "  (global $started (mut i32) (i32.const 0))"
        "  (global $k i32 (i32.const 9))"
        "  (table $t 2 10 funcref)"
        "  (elem declare func $a $b)"
        "  (func $a (result i32) i32.const 111)"
        "  (func $b (result i32) i32.const 222)"
        "  (func $start global.get $started i32.const 1 i32.add global.set $started)"
        "  (start $start)"
        "  (func (export \"init\") (local $i i32)"
        "    (drop (memory.grow (i32.const 3)))"
        "    (loop $l"
        "      (i32.store (i32.add (i32.const 100) (i32.mul (local.get $i) (i32.const 20480)))"
        "                 (i32.add (i32.mul (local.get $i) (i32.const -1640531535)) (i32.const 1)))"
        "      (local.set $i (i32.add (local.get $i) (i32.const 1)))"
        "      (br_if $l (i32.lt_u (local.get $i) (i32.const 13))))"
        "    (global.set $g (i32.const 42))"
        "    (global.set $h (i64.const 0x1122334455667788))"
        "    (global.set $fr (ref.func $b))"
        "    (drop (table.grow $t (ref.func $a) (i32.const 3)))"
        "    (table.set $t (i32.const 1) (ref.func $b))"
        "    (data.drop $p))"
        "  (func (export \"load\") (param i32) (result i32) local.get 0 i32.load)"
        "  (func (export \"load8\") (param i32) (result i32) local.get 0 i32.load8_u)"
        "  (func (export \"size\") (result i32) memory.size)"
        "  (func (export \"grow\") (param i32) (result i32) local.get 0 memory.grow)"
        "  (func (export \"g\") (result i32) global.get $g)"
        "  (func (export \"h\") (result i64) global.get $h)"
        "  (func (export \"k\") (result i32) global.get $k)"
        "  (func (export \"started\") (result i32) global.get $started)"
        "  (func (export \"tsize\") (result i32) table.size $t)"
        "  (func (export \"tnull\") (param i32) (result i32) local.get 0 table.get $t ref.is_null)"
        "  (func (export \"callt\") (param i32) (result i32) local.get 0 call_indirect $t (type $ret))"
        "  (func (export \"callg\") (result i32)"
        "    (table.set $t (i32.const 4) (global.get $fr)) (call_indirect $t (type $ret) (i32.const 4)))"
        "  (func (export \"pinit\") (memory.init $p (i32.const 0) (i32.const 0) (i32.const 1))))";

static uint8_t *compile_wat(const char *wat, size_t *len)
{
        wsbx_module *m;
        wsbx_error err;
        wsbx_errkind k = wsbx_module_load((const uint8_t *)wat, strlen(wat), NULL, &m, &err);
        cr_assert_eq(k, WSBX_OK, "load: %s", err.msg);
        uint8_t *art;
        k = wsbx_compile(m, NULL, &art, len, &err);
        cr_assert_eq(k, WSBX_OK, "compile: %s", err.msg);
        wsbx_module_delete(m);
        return art;
}

static wsbx_loaded *load(wsbx_store *s, const char *wat)
{
        size_t len;
        uint8_t *art = compile_wat(wat, &len);
        wsbx_loaded *l;
        wsbx_lerr e;
        int rc = wsbx_load_bytes(s, art, len, &l, &e);
        cr_assert_eq(rc, 0, "load: %d %s", rc, e.msg);
        free(art);
        return l;
}

/* Calls an export; returns its result, or UINT64_MAX when it trapped. */
static uint64_t call(wsbx_instance *in, const char *name, int n, ...)
{
        wsbx_extern x;
        cr_assert_eq(wsbx_instance_export(in, name, strlen(name), &x), 0, "no export %s", name);
        wsbx_val_raw v[4];
        memset(v, 0, sizeof v);
        va_list ap;
        va_start(ap, n);
        for (int i = 0; i < n; i++)
                v[i].i64 = va_arg(ap, uint64_t);
        va_end(ap);
        wsbx_trap_info t;
        int rc = wsbx_invoke(wsbx_instance_store(in), x.u.func, v, 4, &t);
        cr_assert_geq(rc, 0, "%s: %d", name, rc);
        return rc > 0 ? UINT64_MAX : v[0].i64;
}

static wsbx_memory_def *mem_of(wsbx_instance *in)
{
        wsbx_extern x;
        cr_assert_eq(wsbx_instance_export(in, "mem", 3, &x), 0);
        return wsbx_memory_def_of(wsbx_memory_inst_memory(x.u.memory));
}

static uint32_t pat_addr(uint32_t i)
{
        return 100 + i * PAT_STRIDE;
}

/* The readings that must agree between the original and a restored
 * instance, apart from memory contents (which touch every page). */
static void same_state(wsbx_instance *orig, wsbx_instance *r)
{
        cr_assert_eq(call(r, "size", 0) & 0xffffffff, 4);
        cr_assert_eq((uint32_t)call(r, "size", 0), (uint32_t)call(orig, "size", 0));
        cr_assert_eq(call(r, "g", 0) & 0xffffffff, 42);
        cr_assert_eq(call(r, "h", 0), 0x1122334455667788ull);
        cr_assert_eq(call(r, "k", 0) & 0xffffffff, 9);
        cr_assert_eq(call(r, "started", 0) & 0xffffffff, 1, "the start function must not run on restore");
        cr_assert_eq(call(r, "tsize", 0) & 0xffffffff, 5);
        for (uint32_t i = 0; i < 5; i++) {
                cr_assert_eq((uint32_t)call(r, "tnull", 1, (uint64_t)i), (uint32_t)call(orig, "tnull", 1, (uint64_t)i),
                             "tnull %u", i);
                uint64_t x = call(r, "callt", 1, (uint64_t)i), y = call(orig, "callt", 1, (uint64_t)i);
                cr_assert_eq(x == UINT64_MAX, y == UINT64_MAX, "callt %u traps in one only", i);
                cr_assert_eq((uint32_t)x, (uint32_t)y, "callt %u", i);
        }
        cr_assert_eq(call(r, "callt", 1, 1ull) & 0xffffffff, 222);
        cr_assert_eq(call(r, "callt", 1, 2ull) & 0xffffffff, 111);
        cr_assert_eq(call(r, "callt", 1, 0ull), UINT64_MAX, "element 0 stays null");
        cr_assert_eq(call(r, "callg", 0) & 0xffffffff, 222);
        cr_assert_eq(call(r, "pinit", 0), UINT64_MAX, "the passive segment stays dropped");
        cr_assert_eq(call(orig, "pinit", 0), UINT64_MAX);
}

static void pattern_ok(wsbx_instance *in)
{
        for (uint32_t i = 0; i < NPAT; i++)
                cr_assert_eq(call(in, "load", 1, (uint64_t)pat_addr(i)) & 0xffffffff,
                             (uint32_t)(i * 2654435761u + 1), "pattern %u", i);
        cr_assert_eq(call(in, "load8", 1, 0ull) & 0xff, 'i');
        cr_assert_eq(call(in, "load8", 1, 5ull) & 0xff, '!');
}

typedef struct fixture {
        wsbx_store *s;
        wsbx_loaded *l;
        wsbx_instance *orig;
        wsbx_snapshot *snap;
} fixture;

static void setup(fixture *f)
{
        cr_assert_eq(wsbx_store_new(NULL, &f->s), 0);
        f->l = load(f->s, snap_wat);
        wsbx_lerr e;
        wsbx_trap_info t;
        cr_assert_eq(wsbx_instantiate(f->s, f->l, NULL, 0, &f->orig, &t, &e), 0, "%s", e.msg);
        cr_assert_eq(call(f->orig, "init", 0), 0);
        cr_assert_eq(wsbx_snapshot_take(f->orig, &f->snap, &e), 0, "take: %s", e.msg);
        cr_assert_eq(wsbx_snapshot_nmemories(f->snap), 1);
        cr_assert_eq(wsbx_snapshot_memory_pages(f->snap, 0), 4);
        /* Host pages 0, 5, ..., 60: the image shares page 0. */
        cr_assert_eq(wsbx_snapshot_memory_data_pages(f->snap, 0), NPAT);
}

static void teardown(fixture *f)
{
        wsbx_store_delete(f->s);
        wsbx_snapshot_delete(f->snap);
}

Test(snapshot, restore_copied)
{
        fixture f;
        setup(&f);
        wsbx_instance *r;
        wsbx_lerr e;
        cr_assert_eq(wsbx_snapshot_restore(f.s, f.l, f.snap, NULL, 0, 0, NULL, &r, &e), 0, "%s", e.msg);
        cr_assert_neq(r, f.orig);
        same_state(f.orig, r);
        pattern_ok(r);
        wsbx_memory_def *a = mem_of(f.orig), *b = mem_of(r);
        cr_assert_eq(a->size, b->size);
        cr_assert_eq(memcmp(a->base, b->base, a->size), 0, "memories differ");
        /* The restored instance lives on independently. */
        cr_assert_eq(call(r, "grow", 1, 1ull) & 0xffffffff, 4);
        cr_assert_eq(call(f.orig, "size", 0) & 0xffffffff, 4);
        teardown(&f);
}

Test(snapshot, restore_cow)
{
        fixture f;
        setup(&f);
        wsbx_instance *r, *r2;
        wsbx_lerr e;
        cr_assert_eq(wsbx_snapshot_restore(f.s, f.l, f.snap, NULL, 0, WSBX_SNAPSHOT_COW, NULL, &r, &e), 0, "%s",
                     e.msg);
        cr_assert_eq(wsbx_snapshot_restore(f.s, f.l, f.snap, NULL, 0, WSBX_SNAPSHOT_COW, NULL, &r2, &e), 0, "%s",
                     e.msg);
        same_state(f.orig, r);
        pattern_ok(r);
        wsbx_memory_def *a = mem_of(f.orig), *b = mem_of(r), *c = mem_of(r2);
        cr_assert_eq(memcmp(a->base, b->base, a->size), 0, "memories differ");
        /* Writes stay private to the instance that made them. */
        b->base[pat_addr(3)] ^= 0xff;
        b->base[3 * 4096] = 9;
        cr_assert_eq(memcmp(a->base, c->base, a->size), 0, "a write reached another restored instance");
        cr_assert_eq(c->base[3 * 4096], 0);
        /* Growing past the mapping gives zero pages. */
        cr_assert_eq((uint32_t)call(r, "grow", 1, 2ull), 4);
        cr_assert_eq((uint32_t)call(r, "load", 1, 5ull * 65536 + 12), 0);
        cr_assert_eq(wsbx_snapshot_restore(f.s, f.l, f.snap, NULL, 0, WSBX_SNAPSHOT_COW | WSBX_SNAPSHOT_LAZY, NULL,
                                           &r, &e),
                     -EINVAL);
        teardown(&f);
}

Test(snapshot, restored_not_pooled)
{
        wsbx_store_config cfg;
        wsbx_store_config_default(&cfg);
        cfg.pool_instances = 2;
        fixture f;
        cr_assert_eq(wsbx_store_new(&cfg, &f.s), 0);
        f.l = load(f.s, snap_wat);
        wsbx_lerr e;
        wsbx_trap_info t;
        cr_assert_eq(wsbx_instantiate(f.s, f.l, NULL, 0, &f.orig, &t, &e), 0, "%s", e.msg);
        call(f.orig, "init", 0);
        cr_assert_eq(wsbx_snapshot_take(f.orig, &f.snap, &e), 0, "%s", e.msg);
        wsbx_instance *r;
        cr_assert_eq(wsbx_snapshot_restore(f.s, f.l, f.snap, NULL, 0, 0, NULL, &r, &e), 0, "%s", e.msg);
        cr_assert_eq(wsbx_instance_release(r), 1, "a restored instance is kept, never parked");
        /* The original is pooled as usual, and the next instantiation is
         * pristine, not the snapshot's state. */
        cr_assert_eq(wsbx_instance_release(f.orig), 0);
        wsbx_instance *n;
        cr_assert_eq(wsbx_instantiate(f.s, f.l, NULL, 0, &n, &t, &e), 0, "%s", e.msg);
        cr_assert_eq(n, f.orig);
        cr_assert_eq((uint32_t)call(n, "g", 0), 0);
        cr_assert_eq((uint32_t)call(n, "size", 0), 1);
        teardown(&f);
}

static int uffd_or_skip(void)
{
        int fd = wsbx_uffd_open(false);
        if (fd < 0) {
                fprintf(stderr, "skip: no userfaultfd here: %s\n", strerror(-fd));
                exit(77);
        }
        return fd;
}

Test(snapshot, restore_lazy)
{
        int uffd = uffd_or_skip();
        fixture f;
        setup(&f);
        wsbx_instance *r;
        wsbx_lerr e;
        wsbx_snapshot_range rg[1];
        cr_assert_eq(wsbx_snapshot_restore(f.s, f.l, f.snap, NULL, 0, WSBX_SNAPSHOT_LAZY, rg, &r, &e), 0, "%s",
                     e.msg);
        cr_assert_eq(rg[0].len, 4u * 65536u);
        cr_assert_eq(rg[0].base, mem_of(r)->base);
        const uint8_t *src;
        size_t src_len;
        cr_assert_eq(wsbx_snapshot_memory_source(f.snap, 0, &src, &src_len), 0);
        cr_assert_eq(src_len, rg[0].len);
        cr_assert_eq(wsbx_uffd_register(uffd, rg[0].base, rg[0].len), 0);
        wsbx_uffd_server *srv;
        cr_assert_eq(wsbx_uffd_server_start(uffd, rg[0].base, rg[0].len, src, src_len, NULL, NULL, &srv), 0);

        /* Nothing touched yet: globals, tables and sizes need no page. */
        same_state(f.orig, r);
        wsbx_uffd_stats st;
        wsbx_uffd_server_stats(srv, &st);
        cr_assert_eq(st.faults, 0, "restore touched %llu pages", (unsigned long long)st.faults);

        /* Pages 0, 10 and 25 hold the pattern; page 3 is zero. */
        cr_assert_eq(call(r, "load8", 1, 0ull) & 0xff, 'i');
        cr_assert_eq(call(r, "load", 1, (uint64_t)pat_addr(2)) & 0xffffffff, (uint32_t)(2 * 2654435761u + 1));
        cr_assert_eq(call(r, "load", 1, (uint64_t)pat_addr(5)) & 0xffffffff, (uint32_t)(5 * 2654435761u + 1));
        cr_assert_eq(call(r, "load", 1, 3ull * 4096 + 8) & 0xffffffff, 0);
        cr_assert_eq(call(r, "load", 1, (uint64_t)pat_addr(5)) & 0xffffffff, (uint32_t)(5 * 2654435761u + 1));
        wsbx_uffd_server_stats(srv, &st);
        cr_assert_eq(st.faults, 4, "faults %llu", (unsigned long long)st.faults);
        cr_assert_eq(st.copied_pages, 3);
        cr_assert_eq(st.zero_pages, 1);

        /* The whole pattern: 13 pages in all were copied. */
        pattern_ok(r);
        wsbx_uffd_server_stats(srv, &st);
        cr_assert_eq(st.copied_pages, NPAT);
        cr_assert_eq(st.zero_pages, 1);
        cr_assert_eq(st.faults, NPAT + 1);

        /* Reading everything serves the remaining pages as zero pages,
         * and then the memory equals the original's. */
        wsbx_memory_def *a = mem_of(f.orig), *b = mem_of(r);
        cr_assert_eq(memcmp(a->base, b->base, a->size), 0, "memories differ");
        wsbx_uffd_server_stats(srv, &st);
        cr_assert_eq(st.faults, 64);
        cr_assert_eq(st.copied_pages, NPAT);
        cr_assert_eq(st.zero_pages, 64 - NPAT);
        cr_assert_eq(st.failures, 0);

        /* Pages grown after restore are plain zero pages, not the server's. */
        cr_assert_eq(call(r, "grow", 1, 1ull) & 0xffffffff, 4);
        cr_assert_eq(call(r, "load", 1, 4ull * 65536 + 64) & 0xffffffff, 0);
        wsbx_uffd_server_stats(srv, &st);
        cr_assert_eq(st.faults, 64);

        wsbx_uffd_server_stop(srv);
        teardown(&f);
        close(uffd);
}

Test(snapshot, refusals)
{
        fixture f;
        setup(&f);
        wsbx_instance *r;
        wsbx_lerr e;
        /* Another module's snapshot. */
        wsbx_loaded *other = load(f.s, "(module (memory 1) (func (export \"f\")))");
        cr_assert_eq(wsbx_snapshot_restore(f.s, other, f.snap, NULL, 0, 0, NULL, &r, &e), -ESTALE);
        cr_assert(strstr(e.msg, "another module"), "%s", e.msg);
        /* Lazy without ranges, unknown flags. */
        cr_assert_eq(wsbx_snapshot_restore(f.s, f.l, f.snap, NULL, 0, WSBX_SNAPSHOT_LAZY, NULL, &r, &e), -EINVAL);
        cr_assert_eq(wsbx_snapshot_restore(f.s, f.l, f.snap, NULL, 0, 8, NULL, &r, &e), -EINVAL);

        /* What a snapshot cannot name: a non-null externref, a function of
         * another instance. */
        wsbx_loaded *xl = load(f.s, "(module (table (export \"t\") 1 externref)"
                                    "  (func (export \"set\") (param externref) i32.const 0 local.get 0 table.set 0))");
        wsbx_instance *x;
        wsbx_trap_info t;
        cr_assert_eq(wsbx_instantiate(f.s, xl, NULL, 0, &x, &t, &e), 0);
        wsbx_snapshot *bad;
        cr_assert_eq(wsbx_snapshot_take(x, &bad, &e), 0, "a null externref is fine");
        wsbx_snapshot_delete(bad);
        wsbx_extern ex;
        cr_assert_eq(wsbx_instance_export(x, "set", 3, &ex), 0);
        wsbx_val_raw v[1] = { { .ref = (void *)(uintptr_t)0x1234 } };
        cr_assert_eq(wsbx_invoke(f.s, ex.u.func, v, 1, &t), 0);
        cr_assert_eq(wsbx_snapshot_take(x, &bad, &e), -ENOTSUP);
        cr_assert(strstr(e.msg, "externref"), "%s", e.msg);
        cr_assert_null(bad);

        wsbx_loaded *fl = load(f.s, "(module (table (export \"t\") 1 funcref))");
        wsbx_instance *y;
        cr_assert_eq(wsbx_instantiate(f.s, fl, NULL, 0, &y, &t, &e), 0);
        wsbx_extern tx, gx;
        cr_assert_eq(wsbx_instance_export(y, "t", 1, &tx), 0);
        cr_assert_eq(wsbx_instance_export(f.orig, "g", 1, &gx), 0);
        cr_assert_eq(wsbx_table_inst_set(tx.u.table, 0, (void *)gx.u.func), 0);
        cr_assert_eq(wsbx_snapshot_take(y, &bad, &e), -ENOTSUP);
        cr_assert(strstr(e.msg, "another instance"), "%s", e.msg);
        teardown(&f);
}

/* --- files --------------------------------------------------------------- */

static int tmpfile_fd(void)
{
        char path[] = "/tmp/wsbx-snap-XXXXXX";
        int fd = mkstemp(path);
        cr_assert_geq(fd, 0);
        unlink(path);
        return fd;
}

static uint8_t *read_fd(int fd, size_t *len)
{
        off_t n = lseek(fd, 0, SEEK_END);
        cr_assert_gt(n, 0);
        uint8_t *b = malloc((size_t)n);
        cr_assert_eq(pread(fd, b, (size_t)n, 0), n);
        *len = (size_t)n;
        return b;
}

Test(snapshot, file_round_trip)
{
        fixture f;
        setup(&f);
        wsbx_lerr e;
        int fd = tmpfile_fd();
        cr_assert_eq(wsbx_snapshot_save(f.snap, fd, &e), 0, "%s", e.msg);
        size_t len;
        uint8_t *bytes = read_fd(fd, &len);
        cr_assert_eq(memcmp(bytes, "wsbxsnap", 8), 0);
        cr_assert_eq(len % 4096, 0, "page data ends the file on a page boundary");
        /* 13 data pages, each page-aligned in the file. */
        cr_assert_geq(len, (NPAT + 1) * 4096);
        free(bytes);

        wsbx_snapshot *snap;
        cr_assert_eq(wsbx_snapshot_load(fd, &snap, &e), 0, "%s", e.msg);
        cr_assert_eq(wsbx_snapshot_memory_data_pages(snap, 0), NPAT);
        wsbx_instance *r;
        cr_assert_eq(wsbx_snapshot_restore(f.s, f.l, snap, NULL, 0, 0, NULL, &r, &e), 0, "%s", e.msg);
        same_state(f.orig, r);
        pattern_ok(r);
        wsbx_memory_def *a = mem_of(f.orig), *b = mem_of(r);
        cr_assert_eq(memcmp(a->base, b->base, a->size), 0);
        /* The source view maps the file's pages. */
        const uint8_t *src;
        size_t sl;
        cr_assert_eq(wsbx_snapshot_memory_source(snap, 0, &src, &sl), 0);
        cr_assert_eq(sl, a->size);
        cr_assert_eq(memcmp(src, a->base, sl), 0);

        /* Lazily from the file's pages. */
        int uffd = wsbx_uffd_open(false);
        if (uffd >= 0) {
                wsbx_snapshot_range rg[1];
                cr_assert_eq(wsbx_snapshot_restore(f.s, f.l, snap, NULL, 0, WSBX_SNAPSHOT_LAZY, rg, &r, &e), 0,
                             "%s", e.msg);
                wsbx_uffd_server *srv;
                cr_assert_eq(wsbx_uffd_register(uffd, rg[0].base, rg[0].len), 0);
                cr_assert_eq(wsbx_uffd_server_start(uffd, rg[0].base, rg[0].len, src, sl, NULL, NULL, &srv), 0);
                pattern_ok(r);
                wsbx_uffd_stats st;
                wsbx_uffd_server_stats(srv, &st);
                cr_assert_eq(st.copied_pages, NPAT);
                cr_assert_eq(st.zero_pages, 0);
                cr_assert_eq(memcmp(a->base, mem_of(r)->base, a->size), 0);
                wsbx_uffd_server_stop(srv);
                close(uffd);
        }
        wsbx_snapshot_delete(snap);
        close(fd);
        teardown(&f);
}

/* Random damage to the metadata (header, records, lists) of a good file:
 * load and restore either work or fail with a message, never crash. */
Test(snapshot, random_corruption)
{
        fixture f;
        setup(&f);
        wsbx_lerr e;
        int fd = tmpfile_fd();
        cr_assert_eq(wsbx_snapshot_save(f.snap, fd, &e), 0, "%s", e.msg);
        size_t len;
        uint8_t *good = read_fd(fd, &len);
        close(fd);
        /* Header, records, flags and arrays: up to the end of the table's
         * elements, the last array. */
        uint64_t fo;
        uint32_t tsize;
        memcpy(&fo, good + 96 + 16, 8);
        memcpy(&tsize, good + 96 + 4, 4);
        size_t meta = (size_t)fo + 4u * tsize;
        cr_assert_lt(meta, 4096);
        uint64_t x = 0x9e3779b97f4a7c15ull;
        int refused = 0, restored = 0;
        fd = memfd_create("snap-fuzz", MFD_CLOEXEC);
        cr_assert_geq(fd, 0);
        for (int round = 0; round < 1500; round++) {
                uint8_t *b = malloc(len);
                memcpy(b, good, len);
                int flips = 1 + round % 4;
                for (int k = 0; k < flips; k++) {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        b[(x >> 8) % meta] ^= (uint8_t)(1u << (x % 8));
                }
                cr_assert_eq(ftruncate(fd, 0), 0);
                cr_assert_eq(pwrite(fd, b, len, 0), (ssize_t)len);
                wsbx_snapshot *snap = NULL;
                e.msg[0] = 0;
                int rc = wsbx_snapshot_load(fd, &snap, &e);
                if (rc < 0) {
                        cr_assert(e.msg[0], "round %d: refused without a message", round);
                        refused++;
                } else {
                        wsbx_instance *r;
                        rc = wsbx_snapshot_restore(f.s, f.l, snap, NULL, 0, round % 2 ? WSBX_SNAPSHOT_COW : 0, NULL,
                                                   &r, &e);
                        if (rc < 0)
                                cr_assert(e.msg[0], "round %d: restore refused without a message", round);
                        else
                                restored++;
                        wsbx_snapshot_delete(snap);
                }
                free(b);
                /* Restored instances stay in the store until it goes. */
                if (round % 300 == 299) {
                        wsbx_store_delete(f.s);
                        cr_assert_eq(wsbx_store_new(NULL, &f.s), 0);
                        f.l = load(f.s, snap_wat);
                }
        }
        cr_assert_gt(refused, 300, "refused %d", refused);
        cr_assert_gt(restored, 50, "restored %d", restored);
        close(fd);
        free(good);
        teardown(&f);
}

/* Loads bytes as a snapshot file; returns the rc, err filled. */
static int load_bytes(const uint8_t *b, size_t len, wsbx_lerr *e)
{
        int fd = tmpfile_fd();
        cr_assert_eq(pwrite(fd, b, len, 0), (ssize_t)len);
        wsbx_snapshot *s = NULL;
        int rc = wsbx_snapshot_load(fd, &s, e);
        if (rc == 0)
                wsbx_snapshot_delete(s);
        else
                cr_assert_null(s);
        close(fd);
        return rc;
}

static void put32(uint8_t *p, uint32_t v)
{
        memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
        memcpy(p, &v, 8);
}

Test(snapshot, corrupt_files)
{
        fixture f;
        setup(&f);
        wsbx_lerr e;
        int fd = tmpfile_fd();
        cr_assert_eq(wsbx_snapshot_save(f.snap, fd, &e), 0, "%s", e.msg);
        size_t len;
        uint8_t *good = read_fd(fd, &len);
        close(fd);
        uint8_t *b = malloc(len);
        cr_assert_eq(load_bytes(good, len, &e), 0, "%s", e.msg);

        /* Layout (docs/artifact-format.md): header 64, one memory record
         * at 64, one table record at 96, four global records at 120. */
        struct {
                const char *what;
                size_t off;
                int width; /* 1, 4 or 8 */
                uint64_t val;
                int rc;
                const char *msg;
        } cases[] = {
                { "magic", 0, 1, 'X', -ENOEXEC, "bad magic" },
                { "version", 8, 4, 2, -ENOEXEC, "version 2" },
                { "page size", 12, 4, 65536, -EINVAL, "page size" },
                { "file size", 32, 8, 1, -EINVAL, "truncated" },
                { "counts", 40, 4, 0x7fffffff, -EINVAL, "counts out of range" },
                { "record count", 48, 4, 100000, -EINVAL, "past the end" },
                { "wasm pages", 64 + 4, 4, 0, -EINVAL, "memory record 0" },
                { "page list", 64 + 16, 8, 1ull << 40, -EINVAL, "page list outside" },
                { "data alignment", 64 + 24, 8, 4096 + 8, -EINVAL, "not page-aligned" },
                { "data past end", 64 + 24, 8, 1ull << 32, -EINVAL, "page data outside" },
                { "table elem", 96 + 8, 1, 0x40, -EINVAL, "table record 0" },
                { "table size", 96 + 4, 4, 0x10000000, -EINVAL, "elements outside" },
                { "global type", 120 + 4, 1, 0x33, -EINVAL, "global record 0" },
        };
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
                memcpy(b, good, len);
                if (cases[c].width == 1)
                        b[cases[c].off] = (uint8_t)cases[c].val;
                else if (cases[c].width == 4)
                        put32(b + cases[c].off, (uint32_t)cases[c].val);
                else
                        put64(b + cases[c].off, cases[c].val);
                memset(&e, 0, sizeof e);
                int rc = load_bytes(b, len, &e);
                cr_assert_eq(rc, cases[c].rc, "%s: rc %d (%s)", cases[c].what, rc, e.msg);
                cr_assert(strstr(e.msg, cases[c].msg), "%s: message \"%s\"", cases[c].what, e.msg);
        }
        /* A page list out of order: swap the first two page numbers. */
        memcpy(b, good, len);
        uint64_t po;
        memcpy(&po, b + 64 + 16, 8);
        uint32_t p0, p1;
        memcpy(&p0, b + po, 4);
        memcpy(&p1, b + po + 4, 4);
        put32(b + po, p1);
        put32(b + po + 4, p0);
        cr_assert_eq(load_bytes(b, len, &e), -EINVAL);
        cr_assert(strstr(e.msg, "out of order"), "%s", e.msg);
        /* A page number past the memory's size. */
        memcpy(b, good, len);
        put32(b + po + 4 * (NPAT - 1), 4 * 16);
        cr_assert_eq(load_bytes(b, len, &e), -EINVAL);
        cr_assert(strstr(e.msg, "out of order or range"), "%s", e.msg);
        /* Truncated: shorter than the header, and short of its data. */
        cr_assert_eq(load_bytes(good, 10, &e), -ENOEXEC);
        cr_assert(strstr(e.msg, "too short"), "%s", e.msg);
        cr_assert_eq(load_bytes(good, len - 4096, &e), -EINVAL);
        cr_assert(strstr(e.msg, "truncated"), "%s", e.msg);

        /* A table element naming no function of the module loads (the
         * file alone cannot know) but restore refuses it. */
        memcpy(b, good, len);
        uint64_t fo;
        memcpy(&fo, b + 96 + 16, 8);
        put32(b + fo + 4, 1000);
        fd = tmpfile_fd();
        cr_assert_eq(pwrite(fd, b, len, 0), (ssize_t)len);
        wsbx_snapshot *snap;
        cr_assert_eq(wsbx_snapshot_load(fd, &snap, &e), 0, "%s", e.msg);
        wsbx_instance *r;
        cr_assert_eq(wsbx_snapshot_restore(f.s, f.l, snap, NULL, 0, 0, NULL, &r, &e), -EINVAL);
        cr_assert(strstr(e.msg, "no function 1000"), "%s", e.msg);
        wsbx_snapshot_delete(snap);
        close(fd);
        free(b);
        free(good);
        teardown(&f);
}
