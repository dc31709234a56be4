/* test_sandbox.c - sessions with jailed workers, driven through the real
 * session API only.
 *
 * Hostile workers are made from forged artifacts: a module compiled with
 * the engine whose function body is overwritten with machine code (the
 * artifact verifier checks structure, not what the code does), loaded
 * and invoked through a sandboxed session like any other module. Each
 * test checks that the worker dies (or is stopped) for the right reason,
 * that the session reports it, and that the supervisor carries on.
 */
#include <criterion/criterion.h>

#include "loader.h"
#include "sandbox_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint8_t *compile_wat(const char *wat, bool epoch, size_t *len)
{
        wsbx_module *m;
        wsbx_error err;
        uint8_t *art;
        wsbx_compile_opts opts = {.epoch = epoch};
        cr_assert_eq(wsbx_module_load((const uint8_t *)wat, strlen(wat), NULL, &m, &err), WSBX_OK, "%s",
                     err.msg);
        cr_assert_eq(wsbx_compile(m, &opts, &art, len, &err), WSBX_OK, "%s", err.msg);
        wsbx_module_delete(m);
        return art;
}

/* Overwrites the body of the module's last function with code. */
static void forge(uint8_t *art, size_t len, const uint8_t *code, size_t n)
{
        wsbx_artifact a;
        wsbx_lerr e = {""};
        cr_assert_eq(wsbx_artifact_open(art, len, wsbx_cpu_features(), &a, &e), 0, "%s", e.msg);
        const wsbx_art_func *f = &a.funcs[a.nfuncs - 1];
        cr_assert_geq(f->code_size, n, "function body too small to forge (%u bytes)", f->code_size);
        size_t at = (size_t)(a.text - art) + f->code_offset;
        wsbx_artifact_close(&a);
        cr_assert_leq(at + n, len);
        memcpy(art + at, code, n);
}

static int open_sandboxed(const wsbx_session_config *cfg, wsbx_session **s)
{
        wsbx_status st = {0};
        int e = wsbx_session_open_cfg(cfg, s, &st);
        cr_assert_eq(e, 0, "open: %d %s", e, st.msg);
        cr_assert(wsbx_session_sandboxed(*s));
        return e;
}

/* Loads art, instantiates it with no imports and invokes its export "f"
 * (() -> i32). Returns what invoke returned; *res the result. */
static int run_f(wsbx_session *s, const uint8_t *art, size_t len, wsbx_status *st, int32_t *res)
{
        wsbx_handle mod, inst;
        wsbx_sess_extern ext;
        int e = wsbx_session_load(s, art, len, &mod, st);
        cr_assert_eq(e, 0, "load: %d %s", e, st->msg);
        e = wsbx_session_instantiate(s, mod, NULL, 0, &inst, st);
        cr_assert_eq(e, 0, "instantiate: %d %s", e, st->msg);
        e = wsbx_session_export(s, inst, "f", 1, &ext, st);
        cr_assert_eq(e, 0, "export: %d %s", e, st->msg);
        wsbx_val_raw r = {0};
        e = wsbx_session_invoke(s, ext.handle, NULL, NULL, 0, &r, NULL, 1, st);
        *res = (int32_t)r.i32;
        return e;
}

/* Big enough to forge: a body of a few dozen bytes. */
static const char *const victim_wat =
        "(module (func (export \"f\") (result i32) (local i32 i32)"
        " (local.set 0 (i32.const 7)) (local.set 1 (i32.const 9))"
        " (local.set 0 (i32.mul (local.get 0) (local.get 1)))"
        " (local.set 1 (i32.add (local.get 0) (local.get 1)))"
        " (local.set 0 (i32.xor (local.get 0) (local.get 1)))"
        " (local.set 1 (i32.sub (local.get 0) (local.get 1)))"
        " (i32.add (local.get 0) (local.get 1))))";

/* The supervisor is unharmed: a fresh sandboxed session computes 42. */
static void supervisor_carries_on(void)
{
        size_t len;
        uint8_t *art = compile_wat("(module (func (export \"f\") (result i32) (i32.const 42)))", false, &len);
        wsbx_session *s;
        open_sandboxed(NULL, &s);
        wsbx_status st;
        int32_t r = 0;
        cr_assert_eq(run_f(s, art, len, &st, &r), 0, "%s", st.msg);
        cr_assert_eq(r, 42);
        wsbx_session_close(s);
        free(art);
}

/* mov eax, nr; xor edi, edi; xor esi, esi; mov edx, rdx; syscall;
 * xor eax, eax; ret */
static size_t syscall_code(uint8_t *c, uint32_t nr, uint32_t rdx)
{
        size_t n = 0;
        c[n++] = 0xb8;
        memcpy(c + n, &nr, 4);
        n += 4;
        c[n++] = 0x31, c[n++] = 0xff;
        c[n++] = 0x31, c[n++] = 0xf6;
        c[n++] = 0xba;
        memcpy(c + n, &rdx, 4);
        n += 4;
        c[n++] = 0x0f, c[n++] = 0x05;
        c[n++] = 0x31, c[n++] = 0xc0;
        c[n++] = 0xc3;
        return n;
}

struct forbidden {
        const char *name;
        uint32_t nr, rdx;
};

static const struct forbidden forbidden[] = {
        {"open", 2, 0},
        {"socket", 41, 0},
        {"execve", 59, 0},
        {"ptrace", 101, 0},
        {"clone", 56, 0},
        {"io_uring_setup", 425, 0},
        {"bpf", 321, 0},
        {"mprotect", 10, 4 /* PROT_EXEC */},
};

Test(sandbox, forbidden_syscalls_kill_the_worker_and_are_named, .timeout = 60)
{
        size_t len;
        uint8_t *clean = compile_wat(victim_wat, false, &len);
        /* A bystander worker, open the whole time, must carry on. */
        size_t blen;
        uint8_t *bart = compile_wat("(module (func (export \"f\") (result i32) (i32.const 42)))", false, &blen);
        wsbx_session *by;
        open_sandboxed(NULL, &by);
        wsbx_handle bmod, binst;
        wsbx_sess_extern bf;
        wsbx_status bst;
        cr_assert_eq(wsbx_session_load(by, bart, blen, &bmod, &bst), 0, "%s", bst.msg);
        cr_assert_eq(wsbx_session_instantiate(by, bmod, NULL, 0, &binst, &bst), 0, "%s", bst.msg);
        cr_assert_eq(wsbx_session_export(by, binst, "f", 1, &bf, &bst), 0);
        for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++) {
                const struct forbidden *f = &forbidden[i];
                /* Sanitizer builds let open fail with EACCES (never run)
                 * instead of killing, for the runtime's own reports. */
                if (WSBX_SANITIZER_BUILD && strcmp(f->name, "open") == 0)
                        continue;
                uint8_t *art = malloc(len), code[32];
                memcpy(art, clean, len);
                forge(art, len, code, syscall_code(code, f->nr, f->rdx));
                wsbx_session *s;
                open_sandboxed(NULL, &s);
                wsbx_status st;
                int32_t r;
                int e = run_f(s, art, len, &st, &r);
                char want[96];
                snprintf(want, sizeof want, "forbidden system call %s", f->name);
                cr_assert_lt(e, 0, "%s: the call returned %d", f->name, e);
                cr_assert(strstr(st.msg, want), "%s: status says '%s'", f->name, st.msg);
                cr_assert(strstr(wsbx_session_error(s), want), "%s: session says '%s'", f->name,
                          wsbx_session_error(s));
                /* Later calls fail the same way, and close is clean. */
                wsbx_handle h;
                cr_assert_lt(wsbx_session_load(s, art, len, &h, &st), 0);
                cr_assert(strstr(st.msg, want));
                wsbx_session_close(s);
                free(art);
                wsbx_val_raw v = {0};
                cr_assert_eq(wsbx_session_invoke(by, bf.handle, NULL, NULL, 0, &v, NULL, 1, &bst), 0,
                             "the bystander failed after %s: %s", f->name, bst.msg);
                cr_assert_eq(v.i32, 42);
        }
        wsbx_session_close(by);
        free(bart);
        free(clean);
        supervisor_carries_on();
}

Test(sandbox, worker_scribbling_on_its_rings_is_killed, .timeout = 60)
{
        /* mov rax, [r14 + 8] (the epoch pointer, in the ring's header
         * page); and rax, -4096; lea rdi, [rax + 4096] (the control
         * blocks); mov ecx, 4096; mov eax, 0xabababab; rep stosb;
         * xor eax, eax; ret */
        static const uint8_t code[] = {
                0x49, 0x8b, 0x46, 0x08,
                0x48, 0x25, 0x00, 0xf0, 0xff, 0xff,
                0x48, 0x8d, 0xb8, 0x00, 0x10, 0x00, 0x00,
                0xb9, 0x00, 0x10, 0x00, 0x00,
                0xb8, 0xab, 0xab, 0xab, 0xab,
                0xf3, 0xaa,
                0x31, 0xc0,
                0xc3,
        };
        size_t len;
        uint8_t *art = compile_wat(victim_wat, false, &len);
        forge(art, len, code, sizeof code);
        /* A deadline as a backstop: the test must not hang either way. */
        wsbx_session_config cfg = {.deadline_ns = 2000000000ull};
        wsbx_session *s;
        open_sandboxed(&cfg, &s);
        wsbx_status st;
        int32_t r;
        int e = run_f(s, art, len, &st, &r);
        if (e == 0) {
                /* The completion slipped through before the damage was
                 * seen: the next request finds the rings broken. */
                wsbx_handle h;
                e = wsbx_session_load(s, art, len, &h, &st);
        }
        cr_assert_lt(e, 0, "the session did not notice: %d", e);
        const char *why = wsbx_session_error(s);
        cr_assert(strstr(why, "rings") || strstr(why, "protocol") || strstr(why, "worker exited"),
                  "cause: '%s'", why);
        cr_assert(!strstr(why, "deadline"), "only the deadline caught it: '%s'", why);
        wsbx_session_close(s);
        free(art);
        supervisor_carries_on();
}

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *const spin_wat =
        "(module (func (export \"f\") (result i32) (loop (br 0)) (i32.const 0))"
        " (func (export \"g\") (result i32) (i32.const 5)))";

#define DEADLINE_NS (100u * 1000000u)

/* An endless loop past its deadline, in a jailed worker or (no_sandbox)
 * a worker thread: code with epoch checks traps and the session lives
 * on; code without them is killed (jailed) or abandoned (a thread cannot
 * be killed), and the session is lost. */
static void deadline_case(bool epoch, bool no_sandbox)
{
        size_t len;
        uint8_t *art = compile_wat(spin_wat, epoch, &len);
        wsbx_session_config cfg = {.deadline_ns = DEADLINE_NS, .no_sandbox = no_sandbox};
        wsbx_session *s;
        wsbx_status st;
        cr_assert_eq(wsbx_session_open_cfg(&cfg, &s, &st), 0, "%s", st.msg);
        cr_assert_eq(wsbx_session_sandboxed(s), !no_sandbox);
        int32_t r;
        uint64_t t0 = now_ns();
        int e = run_f(s, art, len, &st, &r);
        uint64_t late = now_ns() - t0 - DEADLINE_NS;
        cr_assert_neq(e, 0, "an endless loop returned");
        cr_assert(strstr(st.msg, "deadline exceeded"), "status says '%s'", st.msg);
        cr_assert_lt(late, 100000000u, "stopped %llu ms after its deadline", (unsigned long long)(late / 1000000));
        if (epoch) {
                /* Interrupted through the epoch: a trap, the worker lives on. */
                cr_assert_eq(e, WSBX_SESS_TRAP);
                cr_assert_eq(st.trap, WSBX_TRAP_INTERRUPTED);
                wsbx_handle mod, inst;
                wsbx_sess_extern ext;
                cr_assert_eq(wsbx_session_load(s, art, len, &mod, &st), 0, "%s", st.msg);
                cr_assert_eq(wsbx_session_instantiate(s, mod, NULL, 0, &inst, &st), 0, "%s", st.msg);
                cr_assert_eq(wsbx_session_export(s, inst, "g", 1, &ext, &st), 0);
                wsbx_val_raw v;
                cr_assert_eq(wsbx_session_invoke(s, ext.handle, NULL, NULL, 0, &v, NULL, 1, &st), 0, "%s",
                             st.msg);
                cr_assert_eq(v.i32, 5);
        } else {
                /* No epoch checks compiled in: stopped after the grace. */
                cr_assert_eq(e, -ETIMEDOUT);
                if (!no_sandbox)
                        cr_assert(strstr(wsbx_session_error(s), "deadline exceeded"));
                wsbx_handle h;
                cr_assert_lt(wsbx_session_load(s, art, len, &h, &st), 0, "a lost session answered");
        }
        wsbx_session_close(s); /* returns: an abandoned thread is not joined */
        free(art);
}

Test(sandbox, endless_loop_interrupted_by_epoch_within_100ms, .timeout = 30)
{
        deadline_case(true, false);
}

Test(sandbox, endless_loop_without_epoch_checks_killed_within_100ms, .timeout = 30)
{
        deadline_case(false, false);
        supervisor_carries_on();
}

Test(sandbox, no_sandbox_deadline_interrupts_code_with_epoch_checks, .timeout = 30)
{
        deadline_case(true, true);
}

Test(sandbox, no_sandbox_deadline_abandons_code_without_epoch_checks, .timeout = 30)
{
        deadline_case(false, true);
}

Test(sandbox, worker_over_its_memory_limit_dies_alone, .timeout = 60)
{
        wsbx_cgroup probe;
        if (wsbx_cgroup_create("probe-oom", 256ull << 20, 0, &probe) < 0)
                cr_skip_test("no cgroup can be made on this host");
        bool limited = probe.limits & WSBX_CGROUP_MEMORY;
        wsbx_cgroup_destroy(&probe);
        if (!limited)
                cr_skip_test("no memory controller is available to limit workers");
        static const char *const wat =
                "(module (memory 1)"
                " (func (export \"f\") (result i32) (local $p i32)"
                "  (loop $l"
                "   (local.set $p (memory.grow (i32.const 16)))"
                "   (if (i32.eq (local.get $p) (i32.const -1)) (then (return (i32.const -1))))"
                "   (memory.fill (i32.mul (local.get $p) (i32.const 65536)) (i32.const 1) (i32.const 1048576))"
                "   (br $l))"
                "  (i32.const 0)))";
        size_t len;
        uint8_t *art = compile_wat(wat, false, &len);
        wsbx_session_config cfg = {.memory_max = 256ull << 20};
        wsbx_session *s;
        open_sandboxed(&cfg, &s);
        wsbx_status st;
        int32_t r = 0;
        int e = run_f(s, art, len, &st, &r);
        cr_assert_lt(e, 0, "touching 4 GiB under a 256 MiB limit returned %d (result %d)", e, r);
        cr_assert(strstr(st.msg, "out of memory"), "status says '%s'", st.msg);
        wsbx_session_close(s);
        free(art);
        supervisor_carries_on();
}

static unsigned count_dir(const char *path)
{
        DIR *d = opendir(path);
        cr_assert(d);
        unsigned n = 0;
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

static unsigned count_lines(const char *path)
{
        FILE *f = fopen(path, "r");
        cr_assert(f);
        unsigned n = 0;
        int c;
        while ((c = fgetc(f)) != EOF)
                n += c == '\n';
        fclose(f);
        return n;
}

/* Sanitizer builds run a tenth as many (each spawn costs more there). */
#define LIFECYCLES (WSBX_SANITIZER_BUILD ? 1000 : 10000)

Test(sandbox, worker_lifecycles_leak_nothing, .timeout = 120)
{
        size_t len;
        uint8_t *art = compile_wat("(module (func (export \"f\") (result i32) (i32.const 42)))", false, &len);
        /* Warm up: one-time allocations (probes, caches, the sanitizer
         * allocator's regions for each size class) are not leaks. */
        for (int i = 0; i < 3; i++) {
                wsbx_session *s;
                open_sandboxed(NULL, &s);
                wsbx_status st;
                int32_t r = 0;
                cr_assert_eq(run_f(s, art, len, &st, &r), 0, "%s", st.msg);
                wsbx_session_close(s);
        }
        unsigned fds = count_dir("/proc/self/fd"), maps = count_lines("/proc/self/maps");
        uint64_t t0 = now_ns();
        for (int i = 0; i < LIFECYCLES; i++) {
                wsbx_session *s;
                open_sandboxed(NULL, &s);
                wsbx_status st;
                int32_t r = 0;
                /* Every tenth one also loads and runs code. */
                if (i % 10 == 0) {
                        cr_assert_eq(run_f(s, art, len, &st, &r), 0, "%s", st.msg);
                        cr_assert_eq(r, 42);
                }
                wsbx_session_close(s);
        }
        uint64_t t = now_ns() - t0;
        cr_log_info("%d worker lifecycles in %.2f s (%.0f us each)", LIFECYCLES, (double)t / 1e9,
                    (double)t / 1e3 / LIFECYCLES);
        cr_assert_eq(count_dir("/proc/self/fd"), fds, "descriptors leaked");
        cr_assert_eq(count_lines("/proc/self/maps"), maps, "mappings leaked");
        cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1, "a worker was left unreaped");
        cr_assert_eq(errno, ECHILD);
        free(art);
}

/* A pooled session: dropping an instance hands it back to the worker's
 * pool, reset; the next instantiation of the module reuses it (the same
 * export handles) with its initial memory. */
static void pool_case(bool no_sandbox, uint32_t pool)
{
        size_t len;
        uint8_t *art = compile_wat("(module (memory 1) (data (i32.const 0) \"\\2a\")"
                                   " (data (i32.const 65532) \"\\07\")"
                                   " (func (export \"get\") (result i32) (i32.add (i32.load (i32.const 0))"
                                   "   (i32.load (i32.const 65532))))"
                                   " (func (export \"set\") (param i32) (i32.store (i32.const 0) (local.get 0))"
                                   "   (i32.store (i32.const 65532) (local.get 0))))",
                                   false, &len);
        wsbx_session_config cfg = {.no_sandbox = no_sandbox, .pool_instances = pool};
        wsbx_session *s;
        wsbx_status st;
        cr_assert_eq(wsbx_session_open_cfg(&cfg, &s, &st), 0, "%s", st.msg);
        wsbx_handle mod;
        cr_assert_eq(wsbx_session_load(s, art, len, &mod, &st), 0, "%s", st.msg);
        wsbx_handle first_get = 0;
        for (int round = 0; round < 5; round++) {
                wsbx_handle inst;
                wsbx_sess_extern get, set;
                cr_assert_eq(wsbx_session_instantiate(s, mod, NULL, 0, &inst, &st), 0, "%s", st.msg);
                cr_assert_eq(wsbx_session_export(s, inst, "get", 3, &get, &st), 0);
                cr_assert_eq(wsbx_session_export(s, inst, "set", 3, &set, &st), 0);
                if (round == 0)
                        first_get = get.handle;
                else if (pool)
                        cr_assert_eq(get.handle, first_get, "round %d: not the pooled instance", round);
                else
                        cr_assert_neq(get.handle, first_get, "round %d: an instance was reused", round);
                wsbx_val_raw v = {0};
                cr_assert_eq(wsbx_session_invoke(s, get.handle, NULL, NULL, 0, &v, NULL, 1, &st), 0, "%s", st.msg);
                cr_assert_eq(v.i32, 42 + 7, "round %d: memory not in its initial state (%d)", round, v.i32);
                wsbx_valtype t = WSBX_I32;
                wsbx_val_raw arg = {.i32 = 1000};
                cr_assert_eq(wsbx_session_invoke(s, set.handle, &t, &arg, 1, NULL, NULL, 0, &st), 0, "%s", st.msg);
                cr_assert_eq(wsbx_session_invoke(s, get.handle, NULL, NULL, 0, &v, NULL, 1, &st), 0, "%s", st.msg);
                cr_assert_eq(v.i32, 2000);
                /* Unpooled, the instance stays in the store (its export
                 * handles stay valid); pooled, it is reset and parked. */
                cr_assert_eq(wsbx_session_drop(s, inst, &st), 0, "%s", st.msg);
        }
        wsbx_session_close(s);
        free(art);
}

Test(sandbox, pooled_session_reuses_reset_instances, .timeout = 30)
{
        pool_case(false, 4);
        pool_case(true, 4);
}

Test(sandbox, unpooled_session_makes_fresh_instances, .timeout = 30)
{
        pool_case(false, 0);
}

/* io_uring instances this process holds. */
static unsigned count_urings(void)
{
        DIR *d = opendir("/proc/self/fd");
        cr_assert(d);
        unsigned n = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
                char path[300], target[128];
                snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
                ssize_t k = readlink(path, target, sizeof target - 1);
                if (k > 0) {
                        target[k] = 0;
                        n += strstr(target, "io_uring") != NULL;
                }
        }
        closedir(d);
        return n;
}

/* The pid of the child this thread spawned last that is not in `old`. */
static int newest_child(const char *old)
{
        char path[64], buf[4096];
        snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)gettid());
        FILE *f = fopen(path, "r");
        cr_assert(f, "no %s", path);
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        int pid = -1;
        for (char *t = strtok(buf, " \n"); t; t = strtok(NULL, " \n")) {
                char word[24];
                snprintf(word, sizeof word, " %s ", t);
                if (!strstr(old, word))
                        pid = atoi(t);
        }
        return pid;
}

static void children_of_this_thread(char *out, size_t size)
{
        char path[64], buf[4096];
        snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)gettid());
        FILE *f = fopen(path, "r");
        cr_assert(f);
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        snprintf(out, size, " %s ", buf);
        for (char *c = out; *c; c++)
                if (*c == '\n')
                        *c = ' ';
}

#define NSESS 8

/* Every session of a thread waits in one io_uring: eight workers, calls
 * interleaved; one killed by seccomp, one past its deadline, one killed
 * from outside while another session waits (its death is reported when
 * its own session next calls); the rest carry on. */
Test(sandbox, sessions_share_one_event_loop, .timeout = 60)
{
        size_t len, vlen, slen;
        uint8_t *art = compile_wat("(module (func (export \"f\") (result i32) (i32.const 42)))", false, &len);
        uint8_t *bad = compile_wat(victim_wat, false, &vlen);
        uint8_t code[32];
        forge(bad, vlen, code, syscall_code(code, 41 /* socket */, 0));
        uint8_t *spin = compile_wat(spin_wat, false, &slen);
        unsigned before = count_urings();
        wsbx_session *s[NSESS];
        wsbx_sess_extern f[NSESS];
        int pid[NSESS];
        for (int i = 0; i < NSESS; i++) {
                char old[4200];
                children_of_this_thread(old, sizeof old);
                wsbx_session_config cfg = {.deadline_ns = i == 5 ? DEADLINE_NS : 0};
                open_sandboxed(&cfg, &s[i]);
                pid[i] = newest_child(old);
                cr_assert_gt(pid[i], 0);
                cr_assert_eq(wsbx_session_worker_pid(s[i]), pid[i]);
                wsbx_handle mod, inst;
                wsbx_status st;
                cr_assert_eq(wsbx_session_load(s[i], art, len, &mod, &st), 0, "%s", st.msg);
                cr_assert_eq(wsbx_session_instantiate(s[i], mod, NULL, 0, &inst, &st), 0, "%s", st.msg);
                cr_assert_eq(wsbx_session_export(s[i], inst, "f", 1, &f[i], &st), 0);
        }
        cr_assert_eq(count_urings(), before + 1, "one io_uring for all sessions of the thread");
        for (int round = 0; round < 3; round++) {
                for (int i = 0; i < NSESS; i++) {
                        wsbx_status st;
                        wsbx_val_raw v = {0};
                        int e = wsbx_session_invoke(s[i], f[i].handle, NULL, NULL, 0, &v, NULL, 1, &st);
                        bool dead = (round >= 1 && (i == 2 || i == 5)) || (round == 2 && i == 6);
                        if (dead) {
                                cr_assert_lt(e, 0, "session %d: a dead worker answered", i);
                                const char *want = i == 2   ? "forbidden system call socket"
                                                   : i == 5 ? "deadline exceeded"
                                                            : "killed by signal";
                                cr_assert(strstr(st.msg, want), "session %d: '%s'", i, st.msg);
                                continue;
                        }
                        cr_assert_eq(e, 0, "session %d round %d: %s", i, round, st.msg);
                        cr_assert_eq(v.i32, 42);
                }
                if (round == 0) {
                        wsbx_status st;
                        int32_t r;
                        cr_assert_lt(run_f(s[2], bad, vlen, &st, &r), 0);
                        cr_assert_neq(run_f(s[5], spin, slen, &st, &r), 0);
                        cr_assert(strstr(st.msg, "deadline exceeded"), "%s", st.msg);
                }
                if (round == 1) {
                        /* Dies while session 0 waits in the shared loop. */
                        cr_assert_eq(kill(pid[6], SIGKILL), 0);
                        wsbx_status st;
                        wsbx_val_raw v = {0};
                        usleep(20000);
                        cr_assert_eq(wsbx_session_invoke(s[0], f[0].handle, NULL, NULL, 0, &v, NULL, 1, &st), 0,
                                     "%s", st.msg);
                }
        }
        for (int i = 0; i < NSESS; i++)
                wsbx_session_close(s[i]);
        cr_assert_eq(count_urings(), before, "the loop goes with the thread's last session");
        free(art);
        free(bad);
        free(spin);
}

/* Runs in the worker (an instrumented function of this binary, at the same
 * address there: the worker starts as a copy of this process). */
__attribute__((noinline, used)) static void planted_overflow(void)
{
        volatile char *p = malloc(8);
        volatile size_t past = 8;
        p[past] = 1;
        free((void *)p);
}

Test(sandbox, planted_overflow_in_a_worker_is_reported_by_the_sanitizer, .timeout = 60)
{
        if (!WSBX_SANITIZER_BUILD)
                cr_skip_test("not a sanitizer build");
        /* sub rsp, 8; mov rax, imm64; call rax; add rsp, 8; xor eax, eax; ret */
        uint8_t code[32];
        size_t n = 0;
        uint64_t fn = (uint64_t)(uintptr_t)planted_overflow;
        code[n++] = 0x48, code[n++] = 0x83, code[n++] = 0xec, code[n++] = 0x08;
        code[n++] = 0x48, code[n++] = 0xb8;
        memcpy(code + n, &fn, 8);
        n += 8;
        code[n++] = 0xff, code[n++] = 0xd0;
        code[n++] = 0x48, code[n++] = 0x83, code[n++] = 0xc4, code[n++] = 0x08;
        code[n++] = 0x31, code[n++] = 0xc0;
        code[n++] = 0xc3;
        size_t len;
        uint8_t *art = compile_wat(victim_wat, false, &len);
        forge(art, len, code, n);
        /* The runtime reports on fd 2: catch it in a pipe. */
        int cap[2];
        cr_assert_eq(pipe(cap), 0);
        fcntl(cap[0], F_SETPIPE_SZ, 1 << 20);
        fflush(stderr);
        int saved = dup(2);
        cr_assert_geq(saved, 0);
        dup2(cap[1], 2);
        close(cap[1]);
        wsbx_session *s;
        wsbx_status st = {0};
        int e = wsbx_session_open_cfg(NULL, &s, &st);
        int32_t r = 0;
        int rc = e == 0 ? run_f(s, art, len, &st, &r) : e;
        if (e == 0)
                wsbx_session_close(s);
        fflush(stderr);
        dup2(saved, 2);
        close(saved);
        cr_assert_eq(e, 0, "open: %s", st.msg);
        cr_assert_lt(rc, 0, "the worker survived its overflow");
        static char buf[1 << 16];
        fcntl(cap[0], F_SETFL, O_NONBLOCK);
        ssize_t got = read(cap[0], buf, sizeof buf - 1);
        buf[got > 0 ? got : 0] = 0;
        close(cap[0]);
        /* Either runtime may see it first: ASan's shadow check, or UBSan's
         * object-size check (which halts the worker before ASan looks). */
        bool asan = strstr(buf, "AddressSanitizer: heap-buffer-overflow") != NULL;
        bool ubsan = strstr(buf, "runtime error: store to address") && strstr(buf, "insufficient space");
        cr_assert(asan || ubsan, "no report; worker: %s; stderr:\n%s", st.msg, buf);
        free(art);
}
