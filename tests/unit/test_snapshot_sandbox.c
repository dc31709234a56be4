/* test_snapshot_sandbox.c - snapshots taken and restored in a jailed
 * worker, lazily through the supervisor's userfaultfd pager.
 *
 * Through the session API only: an instance runs its init export in a
 * jailed worker, the worker saves its snapshot into a memfd the
 * supervisor sealed and verified, and a new instance restored from it
 * (pages left missing, served on first touch by the supervisor) answers
 * every reading export as the snapshotted one did, without its start
 * function running again. The pager's counters show that exactly the
 * touched pages were served; a WASI fd_write straight from a lazy page (a
 * fault inside the kernel's write) prints the right bytes; a pager that
 * answers too late, or is stopped, gets the worker killed with the cause
 * named, and the supervisor carries on with new sessions. Without a
 * usable /dev/userfaultfd the lazy tests skip with the reason. Restore
 * latency (lazy and copied) and first-touch cost per page are printed.
 */
#include <criterion/criterion.h>

#include "engine.h"
#include "loader.h"
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static const char *app_wat =
        "(module"
        "  (type $ret (func (result i32)))"
        "  (memory (export \"mem\") 1 100)"
        "  (data (i32.const 0) \"image!\")"
        "  (global $g (mut i32) (i32.const 0))"
        "  (global $started (mut i32) (i32.const 0))"
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
        "    (table.set $t (i32.const 1) (ref.func $b)))"
        "  (func (export \"load\") (param i32) (result i32) local.get 0 i32.load)"
        "  (func (export \"size\") (result i32) memory.size)"
        "  (func (export \"grow\") (param i32) (result i32) local.get 0 memory.grow)"
        "  (func (export \"fill\") (param $n i32)"
        "    (memory.fill (i32.const 0) (i32.const 1) (i32.mul (local.get $n) (i32.const 4096))))"
        "  (func (export \"g\") (result i32) global.get $g)"
        "  (func (export \"started\") (result i32) global.get $started)"
        "  (func (export \"callt\") (param i32) (result i32) local.get 0 call_indirect $t (type $ret))"
        "  (func (export \"touch\") (param $n i32) (result i32) (local $i i32) (local $s i32)"
        "    (loop $l"
        "      (local.set $s (i32.add (local.get $s) (i32.load (i32.mul (local.get $i) (i32.const 4096)))))"
        "      (local.set $i (i32.add (local.get $i) (i32.const 1)))"
        "      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))"
        "    local.get $s))";

/* fd_write of "lazy hello\n" kept at 40960 (host page 10), its iovec at
 * 81920 (page 20), nwritten at 122880 (page 30): init writes them all. */
static const char *wasi_wat =
        "(module"
        "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $w (param i32 i32 i32 i32) (result i32)))"
        "  (memory (export \"memory\") 4)"
        "  (data $msg \"lazy hello\\n\")"
        "  (func (export \"init\")"
        "    (memory.init $msg (i32.const 40960) (i32.const 0) (i32.const 11))"
        "    (i32.store (i32.const 81920) (i32.const 40960))"
        "    (i32.store (i32.const 81924) (i32.const 11)))"
        "  (func (export \"say\") (result i32)"
        "    (call $w (i32.const 1) (i32.const 81920) (i32.const 1) (i32.const 122880))))";

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

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static wsbx_session *open_session(bool lazy, uint32_t timeout_ms)
{
        wsbx_session_config cfg = {.lazy_snapshots = lazy, .pager_timeout_ms = timeout_ms};
        wsbx_session *s;
        wsbx_status st;
        int rc = wsbx_session_open_cfg(&cfg, &s, &st);
        cr_assert_eq(rc, 0, "open: %d %s", rc, st.msg);
        return s;
}

static wsbx_handle load(wsbx_session *s, const char *wat)
{
        size_t len;
        uint8_t *art = compile_wat(wat, &len);
        wsbx_handle m;
        wsbx_status st;
        int rc = wsbx_session_load(s, art, len, &m, &st);
        cr_assert_eq(rc, 0, "load: %d %s", rc, st.msg);
        free(art);
        return m;
}

/* Calls an i32 export of inst with up to one i32 argument; returns rc and
 * the result in *out. */
static int call(wsbx_session *s, wsbx_handle inst, const char *name, int nargs, int32_t arg, int32_t *out,
                wsbx_status *st)
{
        wsbx_sess_extern x;
        int rc = wsbx_session_export(s, inst, name, strlen(name), &x, st);
        if (rc != 0)
                return rc;
        wsbx_valtype t = WSBX_I32;
        wsbx_val_raw a = {.i32 = (uint32_t)arg}, r = {0};
        uint32_t nres = x.type.func.nresults;
        rc = wsbx_session_invoke(s, x.handle, &t, &a, (uint32_t)nargs, &r, NULL, nres, st);
        if (out)
                *out = (int32_t)r.i32;
        return rc;
}

static int32_t call_ok(wsbx_session *s, wsbx_handle inst, const char *name, int nargs, int32_t arg)
{
        wsbx_status st;
        int32_t v = 0;
        int rc = call(s, inst, name, nargs, arg, &v, &st);
        cr_assert_eq(rc, 0, "%s: %d %s", name, rc, st.msg);
        return v;
}

/* A session whose module ran init, its instance, and the snapshot's fd. */
static int take(wsbx_session *s, wsbx_handle *mod, wsbx_handle *inst)
{
        wsbx_status st;
        *mod = load(s, app_wat);
        int rc = wsbx_session_instantiate(s, *mod, NULL, 0, inst, &st);
        cr_assert_eq(rc, 0, "instantiate: %s", st.msg);
        call_ok(s, *inst, "init", 0, 0);
        int fd;
        rc = wsbx_session_snapshot(s, *inst, &fd, &st);
        cr_assert_eq(rc, 0, "snapshot: %d %s", rc, st.msg);
        cr_assert_geq(fd, 0);
        /* Sealed: nobody writes it any more. */
        int seals = fcntl(fd, F_GET_SEALS);
        cr_assert(seals >= 0 && (seals & F_SEAL_WRITE) && (seals & F_SEAL_GROW), "seals %x", seals);
        return fd;
}

static void skip_unless_lazy(wsbx_session *s)
{
        if (!wsbx_session_lazy(s)) {
                wsbx_session_close(s);
                cr_skip_test("no userfaultfd for the worker (/dev/userfaultfd cannot be opened): lazy restore "
                             "is not available here");
        }
}

/* The restored instance answers as the original. */
static void same_as_original(wsbx_session *s, wsbx_handle orig, wsbx_handle inst)
{
        static const char *const names[] = {"size", "g", "started"};
        for (unsigned i = 0; i < 3; i++)
                cr_expect_eq(call_ok(s, inst, names[i], 0, 0), call_ok(s, orig, names[i], 0, 0), "%s", names[i]);
        cr_expect_eq(call_ok(s, inst, "started", 0, 0), 1, "the start function ran once, before the snapshot");
        cr_expect_eq(call_ok(s, inst, "callt", 1, 1), 222);
        for (int i = 0; i < 13; i++)
                cr_expect_eq(call_ok(s, inst, "load", 1, 100 + i * 20480), call_ok(s, orig, "load", 1, 100 + i * 20480),
                             "pattern %d", i);
        cr_expect_eq(call_ok(s, inst, "load", 1, 0), call_ok(s, orig, "load", 1, 0), "the data image");
}

Test(snapshot_sandbox, take_and_restore_lazily_serves_only_touched_pages)
{
        wsbx_session *s = open_session(true, 0);
        skip_unless_lazy(s);
        cr_assert(wsbx_session_sandboxed(s));
        wsbx_handle mod, orig, inst;
        int fd = take(s, &mod, &orig);
        wsbx_status st;
        int rc = wsbx_session_restore(s, mod, fd, NULL, 0, &inst, &st);
        cr_assert_eq(rc, 0, "restore: %d %s", rc, st.msg);
        wsbx_uffd_stats u;
        wsbx_session_pager_stats(s, &u);
        cr_expect_eq(u.faults, 0, "nothing served before the guest touched memory (%llu)",
                     (unsigned long long)u.faults);
        /* Three pages: 0 (image and pattern 0), 10 (pattern 2), 3 (zero). */
        cr_expect_eq(call_ok(s, inst, "load", 1, 0), call_ok(s, orig, "load", 1, 0));
        cr_expect_eq(call_ok(s, inst, "load", 1, 100 + 2 * 20480), call_ok(s, orig, "load", 1, 100 + 2 * 20480));
        cr_expect_eq(call_ok(s, inst, "load", 1, 3 * 4096 + 8), 0);
        cr_expect_eq(call_ok(s, inst, "load", 1, 3 * 4096 + 12), 0, "a served page faults once");
        wsbx_session_pager_stats(s, &u);
        cr_expect_eq(u.faults, 3, "faults %llu", (unsigned long long)u.faults);
        cr_expect_eq(u.copied_pages, 2, "copied %llu", (unsigned long long)u.copied_pages);
        cr_expect_eq(u.zero_pages, 1, "zero %llu", (unsigned long long)u.zero_pages);
        cr_expect_eq(u.failures, 0);
        same_as_original(s, orig, inst);
        wsbx_session_pager_stats(s, &u);
        cr_expect_leq(u.faults, 3 + 13, "only pages holding the pattern more (%llu)", (unsigned long long)u.faults);
        /* A snapshot of the lazily restored instance reads every page
         * through the pager, and restores to the same state again. */
        int fd2;
        rc = wsbx_session_snapshot(s, inst, &fd2, &st);
        cr_assert_eq(rc, 0, "snapshot again: %d %s", rc, st.msg);
        wsbx_handle inst2;
        rc = wsbx_session_restore(s, mod, fd2, NULL, 0, &inst2, &st);
        cr_assert_eq(rc, 0, "restore again: %d %s", rc, st.msg);
        same_as_original(s, orig, inst2);
        close(fd2);
        close(fd);
        cr_expect_str_empty(wsbx_session_error(s));
        wsbx_session_close(s);
}

/* A memory quota: a lazily restored instance gets at most that many
 * pages; the first touch past it traps, cleanly, and the worker and its
 * other instances carry on. Pages past the snapshot's size (after a grow)
 * count too. */
Test(snapshot_sandbox, memory_quota_traps_past_its_pages)
{
        /* Taken in a session without a quota (init touches more pages
         * than the quota allows), restored in one with. */
        wsbx_session *o = open_session(true, 0);
        skip_unless_lazy(o);
        wsbx_handle omod, orig, mod, inst, inst2;
        int fd = take(o, &omod, &orig);
        wsbx_session_config cfg = {.lazy_snapshots = true, .memory_quota = 8 * 4096};
        wsbx_session *s;
        wsbx_status st;
        int rc = wsbx_session_open_cfg(&cfg, &s, &st);
        cr_assert_eq(rc, 0, "open: %d %s", rc, st.msg);
        mod = load(s, app_wat);
        rc = wsbx_session_restore(s, mod, fd, NULL, 0, &inst, &st);
        cr_assert_eq(rc, 0, "restore: %d %s", rc, st.msg);
        cr_expect_eq(call_ok(s, inst, "touch", 1, 6), call_ok(o, orig, "touch", 1, 6), "six pages: within");
        wsbx_uffd_stats u;
        wsbx_session_pager_stats(s, &u);
        cr_expect_eq(u.faults, 6, "faults %llu", (unsigned long long)u.faults);
        cr_expect_eq(u.poisoned_pages, 0);
        int32_t v;
        rc = call(s, inst, "touch", 1, 20, &v, &st);
        cr_assert_eq(rc, 1, "twenty pages: past the quota of eight (rc %d: %s)", rc, st.msg);
        cr_expect_eq(st.trap, WSBX_TRAP_MEMORY_QUOTA, "trap %u: %s", st.trap, st.msg);
        cr_expect(strstr(st.msg, "memory quota exceeded"), "%s", st.msg);
        wsbx_session_pager_stats(s, &u);
        cr_expect_eq(u.faults, 9, "the seventh and eighth page served, the ninth poisoned (%llu)",
                     (unsigned long long)u.faults);
        cr_expect_eq(u.poisoned_pages, 1, "poisoned %llu", (unsigned long long)u.poisoned_pages);
        cr_expect_eq(u.failures, 0);
        /* The worker lives on: a second restore has a quota of its own. */
        rc = wsbx_session_restore(s, mod, fd, NULL, 0, &inst2, &st);
        cr_assert_eq(rc, 0, "restore again: %d %s", rc, st.msg);
        cr_expect_eq(call_ok(s, inst2, "grow", 1, 1), 4);
        for (int k = 0; k < 8; k++)
                cr_expect_eq(call_ok(s, inst2, "load", 1, 4 * 65536 + k * 4096), 0, "grown page %d", k);
        rc = call(s, inst2, "load", 1, 4 * 65536 + 8 * 4096, &v, &st);
        cr_expect_eq(rc, 1, "a ninth page, grown (rc %d: %s)", rc, st.msg);
        cr_expect_eq(st.trap, WSBX_TRAP_MEMORY_QUOTA);
        cr_expect_eq(call_ok(s, inst, "size", 0, 0), 4, "the trapped instance still answers");
        /* The runtime's own touch on the guest's behalf (memory.fill's
         * memset in a builtin) traps the same way. */
        wsbx_handle inst3;
        rc = wsbx_session_restore(s, mod, fd, NULL, 0, &inst3, &st);
        cr_assert_eq(rc, 0, "restore a third time: %d %s", rc, st.msg);
        rc = call(s, inst3, "fill", 1, 8, &v, &st);
        cr_expect_eq(rc, 0, "eight pages filled (rc %d: %s)", rc, st.msg);
        rc = call(s, inst3, "fill", 1, 12, &v, &st);
        cr_expect_eq(rc, 1, "twelve pages: the builtin traps (rc %d: %s)", rc, st.msg);
        cr_expect_eq(st.trap, WSBX_TRAP_MEMORY_QUOTA, "trap %u: %s", st.trap, st.msg);
        cr_expect(strstr(st.backtrace, "#0 "), "the backtrace starts at the wasm caller: %s", st.backtrace);
        close(fd);
        cr_expect_str_empty(wsbx_session_error(s));
        wsbx_session_close(s);
        wsbx_session_close(o);
}

/* The same quota for a freshly instantiated instance: each memory is
 * announced before anything touches it, its image copied in (counted). */
Test(snapshot_sandbox, memory_quota_fresh_instances)
{
        wsbx_session_config cfg = {.memory_quota = 8 * 4096};
        wsbx_session *s;
        wsbx_status st;
        int rc = wsbx_session_open_cfg(&cfg, &s, &st);
        if (rc == -ENOTSUP)
                cr_skip_test("%s", st.msg);
        cr_assert_eq(rc, 0, "open: %d %s", rc, st.msg);
        wsbx_handle mod = load(s, app_wat), inst, inst2;
        rc = wsbx_session_instantiate(s, mod, NULL, 0, &inst, &st);
        cr_assert_eq(rc, 0, "instantiate: %d %s", rc, st.msg);
        wsbx_uffd_stats u;
        wsbx_session_pager_stats(s, &u);
        cr_expect_eq(u.faults, 1, "the image's page, copied in (%llu)", (unsigned long long)u.faults);
        cr_expect_eq(call_ok(s, inst, "load", 1, 0), 0x67616d69, "the image is there (\"imag\")");
        cr_expect_eq(call_ok(s, inst, "touch", 1, 8), 0x67616d69);
        int32_t v;
        rc = call(s, inst, "touch", 1, 9, &v, &st);
        cr_expect_eq(rc, 1, "a ninth page (rc %d: %s)", rc, st.msg);
        cr_expect_eq(st.trap, WSBX_TRAP_MEMORY_QUOTA, "trap %u: %s", st.trap, st.msg);
        /* Another instance has a budget of its own; memory.fill's builtin
         * meets the quota as a trap too, and growing counts. */
        rc = wsbx_session_instantiate(s, mod, NULL, 0, &inst2, &st);
        cr_assert_eq(rc, 0, "instantiate again: %d %s", rc, st.msg);
        cr_expect_eq(call_ok(s, inst2, "grow", 1, 2), 1);
        rc = call(s, inst2, "fill", 1, 20, &v, &st);
        cr_expect_eq(rc, 1, "twenty pages filled (rc %d: %s)", rc, st.msg);
        cr_expect_eq(st.trap, WSBX_TRAP_MEMORY_QUOTA, "trap %u: %s", st.trap, st.msg);
        wsbx_session_pager_stats(s, &u);
        cr_expect_eq(u.poisoned_pages, 2, "poisoned %llu", (unsigned long long)u.poisoned_pages);
        cr_expect_eq(u.failures, 0);
        cr_expect_str_empty(wsbx_session_error(s));
        wsbx_session_close(s);

        /* Refused combinations. */
        wsbx_session_config pooled = {.memory_quota = 4096, .pool_instances = 2};
        cr_expect_eq(wsbx_session_open_cfg(&pooled, &s, &st), -EINVAL);
        wsbx_session_config loop = {.memory_quota = 4096, .no_sandbox = true};
        cr_expect_eq(wsbx_session_open_cfg(&loop, &s, &st), -EINVAL);
}

Test(snapshot_sandbox, restore_by_copying_without_lazy)
{
        wsbx_session *s = open_session(false, 0);
        cr_assert(!wsbx_session_lazy(s));
        wsbx_handle mod, orig, inst;
        int fd = take(s, &mod, &orig);
        wsbx_status st;
        int rc = wsbx_session_restore(s, mod, fd, NULL, 0, &inst, &st);
        cr_assert_eq(rc, 0, "restore: %d %s", rc, st.msg);
        same_as_original(s, orig, inst);
        wsbx_uffd_stats u;
        wsbx_session_pager_stats(s, &u);
        cr_expect_eq(u.faults, 0);
        /* Another module's instance cannot take it. */
        wsbx_handle other = load(s, "(module (memory 1))");
        rc = wsbx_session_restore(s, other, fd, NULL, 0, &inst, &st);
        cr_expect_eq(rc, WSBX_SESS_ERROR);
        cr_expect(strstr(st.msg, "another module") != NULL, "%s", st.msg);
        /* Nor a file that is not a snapshot. */
        int bad = memfd_create("bad", MFD_CLOEXEC);
        cr_assert(write(bad, "not a snapshot, long enough for a header.......................", 64) == 64);
        rc = wsbx_session_restore(s, mod, bad, NULL, 0, &inst, &st);
        cr_expect_eq(rc, WSBX_SESS_ERROR);
        cr_expect(strstr(st.msg, "bad magic") != NULL, "%s", st.msg);
        close(bad);
        /* The session lives on. */
        cr_expect_eq(call_ok(s, orig, "g", 0, 0), 42);
        close(fd);
        wsbx_session_close(s);
}

Test(snapshot_sandbox, loopback_takes_and_restores_too)
{
        wsbx_session_config cfg = {.no_sandbox = true, .lazy_snapshots = true};
        wsbx_session *s;
        wsbx_status st;
        cr_assert_eq(wsbx_session_open_cfg(&cfg, &s, &st), 0, "%s", st.msg);
        cr_assert(!wsbx_session_lazy(s), "no pager without a process wall: pages are copied");
        wsbx_handle mod, orig, inst;
        int fd = take(s, &mod, &orig);
        int rc = wsbx_session_restore(s, mod, fd, NULL, 0, &inst, &st);
        cr_assert_eq(rc, 0, "restore: %d %s", rc, st.msg);
        same_as_original(s, orig, inst);
        close(fd);
        wsbx_session_close(s);
}

Test(snapshot_sandbox, lazy_restore_in_a_separate_session)
{
        /* The snapshot file outlives its session; a new worker restores it. */
        wsbx_session *s = open_session(false, 0);
        wsbx_handle mod, orig;
        int fd = take(s, &mod, &orig);
        int32_t want = call_ok(s, orig, "load", 1, 100 + 7 * 20480);
        wsbx_session_close(s);
        s = open_session(true, 0);
        skip_unless_lazy(s);
        mod = load(s, app_wat);
        wsbx_handle inst;
        wsbx_status st;
        int rc = wsbx_session_restore(s, mod, fd, NULL, 0, &inst, &st);
        cr_assert_eq(rc, 0, "restore: %d %s", rc, st.msg);
        cr_expect_eq(call_ok(s, inst, "load", 1, 100 + 7 * 20480), want);
        cr_expect_eq(call_ok(s, inst, "g", 0, 0), 42);
        cr_expect_eq(call_ok(s, inst, "started", 0, 0), 1);
        close(fd);
        wsbx_session_close(s);
}

Test(snapshot_sandbox, wasi_write_from_a_lazy_page)
{
        int pfd[2];
        cr_assert_eq(pipe2(pfd, O_CLOEXEC), 0);
        wsbx_session_config cfg = {.lazy_snapshots = true, .wasi = {.stdio = {-1, pfd[1], 2}}};
        wsbx_session *s;
        wsbx_status st;
        int rc = wsbx_session_open_cfg(&cfg, &s, &st);
        cr_assert_eq(rc, 0, "open: %s", st.msg);
        close(pfd[1]);
        skip_unless_lazy(s);
        wsbx_handle wasi;
        rc = wsbx_session_wasi_instance(s, &wasi, &st);
        if (rc != 0) {
                wsbx_session_close(s);
                close(pfd[0]);
                cr_skip_test("this build's worker has no WASI: %s", st.msg);
        }
        wsbx_sess_extern w;
        rc = wsbx_session_export(s, wasi, "fd_write", 8, &w, &st);
        cr_assert_eq(rc, 0, "fd_write: %s", st.msg);
        wsbx_handle mod = load(s, wasi_wat), orig, inst;
        rc = wsbx_session_instantiate(s, mod, &w.handle, 1, &orig, &st);
        cr_assert_eq(rc, 0, "instantiate: %s", st.msg);
        call_ok(s, orig, "init", 0, 0);
        int fd;
        rc = wsbx_session_snapshot(s, orig, &fd, &st);
        cr_assert_eq(rc, 0, "snapshot: %s", st.msg);
        rc = wsbx_session_restore(s, mod, fd, &w.handle, 1, &inst, &st);
        cr_assert_eq(rc, 0, "restore: %s", st.msg);
        wsbx_uffd_stats u;
        wsbx_session_pager_stats(s, &u);
        uint64_t before = u.copied_pages;
        cr_expect_eq(call_ok(s, inst, "say", 0, 0), 0, "fd_write succeeded");
        char buf[64] = "";
        ssize_t n = read(pfd[0], buf, sizeof buf - 1);
        cr_expect_eq(n, 11, "read %zd", n);
        cr_expect_str_eq(buf, "lazy hello\n");
        wsbx_session_pager_stats(s, &u);
        /* The iovec's page (read by the worker) and the message's (read by
         * the kernel inside write) were served; nwritten's was zero. */
        cr_expect_eq(u.copied_pages - before, 2, "copied %llu", (unsigned long long)(u.copied_pages - before));
        cr_expect_eq(u.failures, 0);
        cr_expect_str_empty(wsbx_session_error(s));
        close(fd);
        close(pfd[0]);
        wsbx_session_close(s);
}

Test(snapshot_sandbox, late_pager_kills_the_worker)
{
        wsbx_session *s = open_session(true, 100);
        skip_unless_lazy(s);
        wsbx_handle mod, orig, inst;
        int fd = take(s, &mod, &orig);
        wsbx_status st;
        int rc = wsbx_session_restore(s, mod, fd, NULL, 0, &inst, &st);
        cr_assert_eq(rc, 0, "restore: %s", st.msg);
        wsbx_session_pager_test_delay(s, 300u * 1000000u);
        int32_t v;
        uint64_t t0 = now_ns();
        rc = call(s, inst, "load", 1, 100, &v, &st);
        uint64_t took = now_ns() - t0;
        cr_expect_lt(rc, 0, "the call fails (%d)", rc);
        cr_expect(strstr(st.msg, "not served in time") != NULL, "cause: %s", st.msg);
        cr_expect(strstr(wsbx_session_error(s), "not served in time") != NULL, "%s", wsbx_session_error(s));
        cr_expect_lt(took, 5000000000ull, "no hang (%llu ns)", (unsigned long long)took);
        wsbx_uffd_stats u;
        wsbx_session_pager_stats(s, &u);
        cr_expect_eq(u.failures, 1);
        cr_expect_eq(u.copied_pages + u.zero_pages, 0, "no page was handed out");
        wsbx_session_close(s);
        /* The supervisor carries on. */
        s = open_session(true, 0);
        mod = load(s, app_wat);
        rc = wsbx_session_restore(s, mod, fd, NULL, 0, &inst, &st);
        cr_assert_eq(rc, 0, "restore: %s", st.msg);
        cr_expect_eq(call_ok(s, inst, "g", 0, 0), 42);
        cr_expect_neq(call_ok(s, inst, "load", 1, 100), 0);
        close(fd);
        wsbx_session_close(s);
}

Test(snapshot_sandbox, stopped_pager_kills_the_worker_first)
{
        wsbx_session *s = open_session(true, 0);
        skip_unless_lazy(s);
        wsbx_handle mod, orig, inst;
        int fd = take(s, &mod, &orig);
        wsbx_status st;
        int rc = wsbx_session_restore(s, mod, fd, NULL, 0, &inst, &st);
        cr_assert_eq(rc, 0, "restore: %s", st.msg);
        cr_expect_neq(call_ok(s, inst, "load", 1, 100), 0);
        wsbx_session_pager_test_stop(s);
        /* Never a zero page in place of the snapshot's: the worker is gone. */
        int32_t v = -1;
        rc = call(s, inst, "load", 1, 100 + 5 * 20480, &v, &st);
        cr_expect_lt(rc, 0, "the call fails (%d, value %d)", rc, v);
        cr_expect(strstr(st.msg, "lazy page server stopped") != NULL, "cause: %s", st.msg);
        wsbx_session_close(s);
        s = open_session(true, 0);
        mod = load(s, app_wat);
        rc = wsbx_session_restore(s, mod, fd, NULL, 0, &inst, &st);
        cr_assert_eq(rc, 0, "restore: %s", st.msg);
        cr_expect_eq(call_ok(s, inst, "started", 0, 0), 1);
        close(fd);
        wsbx_session_close(s);
}

/* Numbers: restore latency through the session, lazy and copied, and the
 * first touch of a page through the pager against a copied one. */
Test(snapshot_sandbox, numbers, .timeout = 60)
{
        /* 64 wasm pages (1024 host pages), every host page non-zero. */
        static const char *big_wat =
                "(module (memory (export \"mem\") 64)"
                "  (func (export \"init\") (local $i i32)"
                "    (loop $l (i32.store (i32.mul (local.get $i) (i32.const 4096)) (i32.add (local.get $i) (i32.const 1)))"
                "      (local.set $i (i32.add (local.get $i) (i32.const 1)))"
                "      (br_if $l (i32.lt_u (local.get $i) (i32.const 1024)))))"
                "  (func (export \"touch\") (param $n i32) (result i32) (local $i i32) (local $s i32)"
                "    (loop $l"
                "      (local.set $s (i32.add (local.get $s) (i32.load (i32.mul (local.get $i) (i32.const 4096)))))"
                "      (local.set $i (i32.add (local.get $i) (i32.const 1)))"
                "      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))"
                "    local.get $s))";
        enum { RUNS = 20, PAGES = 1024 };
        double restore_us[2] = {0, 0}, touch_ns[2] = {0, 0}, open_us[2] = {0, 0};
        for (int lazy = 0; lazy < 2; lazy++) {
                uint64_t best_open = UINT64_MAX;
                for (int r = 0; r < 5; r++) {
                        uint64_t t0 = now_ns();
                        wsbx_session *o = open_session(lazy, 0);
                        uint64_t t1 = now_ns();
                        wsbx_session_close(o);
                        if (t1 - t0 < best_open)
                                best_open = t1 - t0;
                }
                open_us[lazy] = (double)best_open / 1e3;
                wsbx_session *s = open_session(lazy, 0);
                if (lazy && !wsbx_session_lazy(s)) {
                        wsbx_session_close(s);
                        cr_skip_test("no userfaultfd for the worker: lazy numbers not measured");
                }
                wsbx_status st;
                wsbx_handle mod = load(s, big_wat), orig, inst;
                cr_assert_eq(wsbx_session_instantiate(s, mod, NULL, 0, &orig, &st), 0);
                call_ok(s, orig, "init", 0, 0);
                int fd;
                cr_assert_eq(wsbx_session_snapshot(s, orig, &fd, &st), 0, "%s", st.msg);
                uint64_t best_restore = UINT64_MAX, best_touch = UINT64_MAX;
                for (int r = 0; r < RUNS; r++) {
                        uint64_t t0 = now_ns();
                        int rc = wsbx_session_restore(s, mod, fd, NULL, 0, &inst, &st);
                        uint64_t t1 = now_ns();
                        cr_assert_eq(rc, 0, "restore: %s", st.msg);
                        wsbx_sess_extern x;
                        cr_assert_eq(wsbx_session_export(s, inst, "touch", 5, &x, &st), 0);
                        wsbx_valtype t = WSBX_I32;
                        wsbx_val_raw a = {.i32 = PAGES}, res = {0};
                        uint64_t t2 = now_ns();
                        rc = wsbx_session_invoke(s, x.handle, &t, &a, 1, &res, NULL, 1, &st);
                        uint64_t t3 = now_ns();
                        cr_assert_eq(rc, 0, "touch: %s", st.msg);
                        cr_assert_eq(res.i32, (uint32_t)(PAGES * (PAGES + 1) / 2));
                        if (t1 - t0 < best_restore)
                                best_restore = t1 - t0;
                        if (t3 - t2 < best_touch)
                                best_touch = t3 - t2;
                }
                restore_us[lazy] = (double)best_restore / 1e3;
                touch_ns[lazy] = (double)best_touch / PAGES;
                if (lazy) {
                        wsbx_uffd_stats u;
                        wsbx_session_pager_stats(s, &u);
                        cr_expect_eq(u.copied_pages, (uint64_t)RUNS * PAGES, "every page served once per restore");
                }
                close(fd);
                wsbx_session_close(s);
        }
        fprintf(stderr,
                "snapshot numbers (4 MiB memory, 1024 non-zero pages, best of %d): restore %.1f us copied, "
                "%.1f us lazy; first touch %.0f ns/page copied, %.0f ns/page lazy (through the supervisor); "
                "session open %.0f us, %.0f us with the userfaultfd handover\n",
                RUNS, restore_us[0], restore_us[1], touch_ns[0], touch_ns[1], open_us[0], open_us[1]);
        cr_expect_gt(touch_ns[1], 0.0);
}
