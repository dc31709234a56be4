/* test_pool.c - instance pooling: released instances reset for reuse.
 *
 * An instance writes its memory (image pages and zero pages), grows it,
 * changes a global, a table element and drops a passive segment, and is
 * released; the next instance of the same module comes from the same slot
 * and must see the pristine state: image bytes, zeros, initial size,
 * initial global, table and segments. The dirty-page counters show that
 * only written pages were restored.
 */
#include <criterion/criterion.h>

#include "engine.h"
#include "loader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *pool_wat =
        "(module"
        "  (memory (export \"mem\") 2 8)"
        "  (data (i32.const 16) \"hello\")"
        "  (data (i32.const 131070) \"zz\")"
        "  (data $p \"passive!\")"
        "  (global $g (mut i32) (i32.const 5))"
        "  (global $started (mut i32) (i32.const 0))"
        "  (table 2 4 funcref)"
        "  (elem (i32.const 0) $get)"
        "  (func $start global.get $started i32.const 1 i32.add global.set $started)"
        "  (start $start)"
        "  (func $get (export \"get\") (result i32) global.get $g)"
        "  (func (export \"set\") (param i32) local.get 0 global.set $g)"
        "  (func (export \"started\") (result i32) global.get $started)"
        "  (func (export \"load8\") (param i32) (result i32) local.get 0 i32.load8_u)"
        "  (func (export \"store8\") (param i32 i32) local.get 0 local.get 1 i32.store8)"
        "  (func (export \"grow\") (param i32) (result i32) local.get 0 memory.grow)"
        "  (func (export \"size\") (result i32) memory.size)"
        "  (func (export \"tnull\") (param i32) local.get 0 ref.null func table.set 0)"
        "  (func (export \"tisnull\") (param i32) (result i32) local.get 0 table.get 0 ref.is_null)"
        "  (func (export \"tgrow\") (result i32) ref.null func i32.const 2 table.grow 0)"
        "  (func (export \"tsize\") (result i32) table.size 0)"
        "  (func (export \"init\") (param i32) local.get 0 i32.const 0 i32.const 8 memory.init $p)"
        "  (func (export \"drop\") data.drop $p))";

static wsbx_loaded *load(wsbx_store *s, const char *wat)
{
        wsbx_module *m;
        wsbx_error err;
        wsbx_errkind k = wsbx_module_load((const uint8_t *)wat, strlen(wat), NULL, &m, &err);
        cr_assert_eq(k, WSBX_OK, "load: %s", err.msg);
        uint8_t *art;
        size_t len;
        k = wsbx_compile(m, NULL, &art, &len, &err);
        cr_assert_eq(k, WSBX_OK, "compile: %s", err.msg);
        wsbx_loaded *l;
        wsbx_lerr e;
        int rc = wsbx_load_bytes(s, art, len, &l, &e);
        cr_assert_eq(rc, 0, "load: %d %s", rc, e.msg);
        free(art);
        wsbx_module_delete(m);
        return l;
}

static wsbx_instance *inst(wsbx_store *s, wsbx_loaded *l)
{
        wsbx_instance *in;
        wsbx_trap_info t;
        wsbx_lerr e;
        int rc = wsbx_instantiate(s, l, NULL, 0, &in, &t, &e);
        cr_assert_eq(rc, 0, "instantiate: %d %s", rc, e.msg);
        return in;
}

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
        cr_assert_eq(rc, 0, "%s: %d", name, rc);
        return v[0].i64 & 0xffffffffu;
}

static wsbx_store *pooled_store(uint32_t n, uint64_t keep)
{
        wsbx_store_config cfg;
        wsbx_store_config_default(&cfg);
        cfg.pool_instances = n;
        cfg.pool_keep_resident = keep;
        wsbx_store *s;
        cr_assert_eq(wsbx_store_new(&cfg, &s), 0);
        return s;
}

/* Dirties everything an instance can dirty. */
static void scribble(wsbx_instance *in)
{
        call(in, "store8", 2, 16, 'J');          /* an image page */
        call(in, "store8", 2, 40000, 7);         /* a zero page */
        call(in, "store8", 2, 131071, 'Q');      /* the image's last page */
        cr_assert_eq(call(in, "grow", 1, 1), 2);
        call(in, "store8", 2, 140000, 9);        /* a grown page */
        call(in, "set", 1, 99);
        call(in, "tnull", 1, 0);
        cr_assert_eq(call(in, "tgrow", 0), 2);
        call(in, "drop", 0);
}

static void check_pristine(wsbx_instance *in)
{
        cr_assert_eq(call(in, "load8", 1, 16), 'h');
        cr_assert_eq(call(in, "load8", 1, 20), 'o');
        cr_assert_eq(call(in, "load8", 1, 40000), 0);
        cr_assert_eq(call(in, "load8", 1, 131070), 'z');
        cr_assert_eq(call(in, "load8", 1, 131071), 'z');
        cr_assert_eq(call(in, "size", 0), 2);
        cr_assert_eq(call(in, "get", 0), 5);
        cr_assert_eq(call(in, "started", 0), 1, "the start function runs once per instance");
        cr_assert_eq(call(in, "tisnull", 1, 0), 0);
        cr_assert_eq(call(in, "tisnull", 1, 1), 1);
        cr_assert_eq(call(in, "tsize", 0), 2);
        call(in, "init", 1, 1000); /* the passive segment is back */
        cr_assert_eq(call(in, "load8", 1, 1000), 'p');
}

static void reuse_cycle(uint64_t keep, bool expect_copy)
{
        wsbx_store *s = pooled_store(2, keep);
        wsbx_loaded *l = load(s, pool_wat);
        wsbx_instance *a = inst(s, l);
        check_pristine(a);
        for (int round = 0; round < 3; round++) {
                scribble(a);
                cr_assert_eq(call(a, "load8", 1, 16), 'J');
                cr_assert_eq(wsbx_instance_release(a), 0);
                wsbx_instance *b = inst(s, l);
                cr_assert_eq(b, a, "the next instance comes from the released slot");
                check_pristine(b);
        }
        wsbx_pool_stats st;
        wsbx_store_pool_stats(s, &st);
        cr_assert_eq(st.reused, 3);
        cr_assert_eq(st.released, 3);
        if (!keep) {
                cr_assert_eq(st.whole_resets, 3, "keep_resident 0 drops whole ranges");
        } else if (wsbx_memory_dirty_scan_available()) {
                cr_assert_eq(st.whole_resets, 0, "PAGEMAP_SCAN failed on a kernel that has /proc");
                /* Written: the image's first and last page, a zero page, plus
                 * the page check_pristine's memory.init wrote. Never the
                 * whole 128 KiB. */
                cr_assert_geq(st.dirty_pages, 3 * 3, "dirty %llu", (unsigned long long)st.dirty_pages);
                cr_assert_lt(st.dirty_pages, 3 * 10, "dirty %llu", (unsigned long long)st.dirty_pages);
                if (expect_copy)
                        cr_assert_gt(st.restored_pages, 0);
                else
                        cr_assert_eq(st.restored_pages, 0);
        } else {
                fprintf(stderr, "no /proc/self/pagemap: whole-range resets only\n");
        }
        wsbx_store_delete(s);
}

Test(pool, reuse_restores_pristine_state)
{
        reuse_cycle(1024 * 1024, true);
}

Test(pool, reuse_with_tiny_keep_resident_drops_pages)
{
        reuse_cycle(1, false);
}

Test(pool, reuse_without_keep_resident)
{
        reuse_cycle(0, false);
}

Test(pool, two_live_instances_get_two_slots)
{
        wsbx_store *s = pooled_store(1, 1 << 20);
        wsbx_loaded *l = load(s, pool_wat);
        wsbx_instance *a = inst(s, l), *b = inst(s, l);
        cr_assert_neq(a, b);
        call(a, "store8", 2, 16, 'A');
        call(b, "store8", 2, 16, 'B');
        cr_assert_eq(wsbx_instance_release(a), 0);
        cr_assert_eq(wsbx_instance_release(b), 1, "the pool holds one");
        cr_assert_eq(wsbx_instance_release(a), 1, "released twice");
        wsbx_instance *c = inst(s, l);
        cr_assert_eq(c, a);
        check_pristine(c);
        cr_assert_eq(call(b, "load8", 1, 16), 'B');
        wsbx_store_delete(s);
}

Test(pool, unpooled_store_keeps_instances)
{
        wsbx_store *s;
        cr_assert_eq(wsbx_store_new(NULL, &s), 0);
        wsbx_loaded *l = load(s, pool_wat);
        wsbx_instance *a = inst(s, l);
        cr_assert_eq(wsbx_instance_release(a), 1);
        wsbx_instance *b = inst(s, l);
        cr_assert_neq(a, b);
        wsbx_store_delete(s);
}

Test(pool, sizes_checked_against_kernel_limits)
{
        wsbx_store_config cfg;
        wsbx_store_config_default(&cfg);
        cfg.pool_instances = 1u << 20; /* 6 PiB of slots */
        wsbx_lerr e;
        cr_assert_eq(wsbx_pool_check(&cfg, &e), -E2BIG);
        cr_assert(strstr(e.msg, "address space"), "%s", e.msg);
        wsbx_store *s;
        cr_assert_eq(wsbx_store_new(&cfg, &s), -E2BIG);
        cfg.pool_instances = 1000;
        cr_assert_eq(wsbx_pool_check(&cfg, &e), 0, "%s", e.msg);
}

/* A memory without an image: written pages come back as zeros. */
Test(pool, memory_without_image)
{
        wsbx_store *s = pooled_store(1, 1 << 20);
        wsbx_loaded *l = load(s, "(module (memory 1)"
                                 "  (func (export \"load8\") (param i32) (result i32) local.get 0 i32.load8_u)"
                                 "  (func (export \"store8\") (param i32 i32) local.get 0 local.get 1 i32.store8))");
        wsbx_instance *a = inst(s, l);
        call(a, "store8", 2, 100, 42);
        call(a, "store8", 2, 65535, 43);
        cr_assert_eq(wsbx_instance_release(a), 0);
        wsbx_instance *b = inst(s, l);
        cr_assert_eq(b, a);
        cr_assert_eq(call(b, "load8", 1, 100), 0);
        cr_assert_eq(call(b, "load8", 1, 65535), 0);
        wsbx_pool_stats st;
        wsbx_store_pool_stats(s, &st);
        if (wsbx_memory_dirty_scan_available()) {
                cr_assert_eq(st.whole_resets, 0);
                cr_assert_eq(st.dirty_pages, 2);
        }
        wsbx_store_delete(s);
}
