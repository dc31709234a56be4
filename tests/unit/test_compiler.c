/* test_compiler.c - the compile worker: the artifact it returns is the one
 * this process would compile, sealed and loadable; module errors come back
 * with their positions; a worker past its time limit is killed; nothing
 * leaks. Where this host cannot build the jail the worker tests skip. */
#include "sandbox.h"
#include "loader.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fell_back;
static void note(const char *msg)
{
        (void)msg;
        fell_back = 1;
}

static const wsbx_compile_worker_opts jailed = {.log = note};

static void skip_if_no_jail(void)
{
        if (fell_back)
                cr_skip_test("the jail cannot be built on this host (the worker compiled in-process)");
}

static uint8_t *in_process(const char *src, size_t n, size_t *len)
{
        wsbx_module *m;
        wsbx_error e;
        uint8_t *art;
        cr_assert_eq(wsbx_module_load((const uint8_t *)src, n, NULL, &m, &e), WSBX_OK, "%s", e.msg);
        wsbx_compile_opts o = {.threads = 1};
        cr_assert_eq(wsbx_compile(m, &o, &art, len, &e), WSBX_OK, "%s", e.msg);
        wsbx_module_delete(m);
        return art;
}

static uint8_t *read_fd(int fd, size_t *len)
{
        struct stat st;
        cr_assert_eq(fstat(fd, &st), 0);
        *len = (size_t)st.st_size;
        uint8_t *b = malloc(*len + 1);
        cr_assert_eq(pread(fd, b, *len, 0), (ssize_t)*len);
        return b;
}

/* A module big enough that the compiler's buffers outgrow malloc's mmap
 * threshold (the worker keeps every allocation on brk). */
static char *big_module(size_t *n)
{
        size_t cap = 1 << 20, len = 0;
        char *s = malloc(cap);
        len += (size_t)snprintf(s + len, cap - len, "(module (memory 1)\n");
        for (int f = 0; f < 400; f++)
                len += (size_t)snprintf(s + len, cap - len,
                                        "(func (export \"f%d\") (param i32) (result i32) (local i32)\n"
                                        " (loop (local.set 1 (i32.add (local.get 1) (i32.load (local.get 0))))\n"
                                        "  (i32.store (local.get 0) (i32.mul (local.get 1) (i32.const %d)))\n"
                                        "  (br_if 0 (i32.lt_u (local.get 1) (i32.const 1000))))\n"
                                        " (i32.add (local.get 1) (i32.const %d)))\n",
                                        f, f + 3, f);
        len += (size_t)snprintf(s + len, cap - len, ")\n");
        *n = len;
        return s;
}

static void same_as_in_process(const char *src, size_t n)
{
        size_t want_len, got_len;
        uint8_t *want = in_process(src, n, &want_len);
        int fd;
        wsbx_error e;
        int rc = wsbx_compile_in_worker((const uint8_t *)src, n, &jailed, &fd, &e);
        cr_assert_eq(rc, 0, "rc %d: %s", rc, e.msg);
        skip_if_no_jail();
        int seals = fcntl(fd, F_GET_SEALS);
        int all = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
        cr_assert_eq(seals & all, all, "seals 0x%x", seals);
        cr_assert_lt(write(fd, "x", 1), 0, "sealed against writes");
        uint8_t *got = read_fd(fd, &got_len);
        cr_assert_eq(got_len, want_len);
        cr_assert_eq(memcmp(got, want, want_len), 0, "the worker's artifact is the in-process one");
        close(fd);
        free(got);
        free(want);
}

Test(compiler, small_module_matches_in_process)
{
        const char *src = "(module (func (export \"f\") (result i32) i32.const 42))";
        same_as_in_process(src, strlen(src));
}

Test(compiler, large_module_matches_in_process)
{
        size_t n;
        char *src = big_module(&n);
        same_as_in_process(src, n);
        free(src);
}

Test(compiler, artifact_loads_and_runs)
{
        const char *src = "(module (func (export \"f\") (param i32) (result i32) "
                          "(i32.mul (local.get 0) (i32.const 3))))";
        int fd;
        wsbx_error e;
        cr_assert_eq(wsbx_compile_in_worker((const uint8_t *)src, strlen(src), &jailed, &fd, &e), 0, "%s",
                     e.msg);
        wsbx_store *s;
        cr_assert_eq(wsbx_store_new(NULL, &s), 0);
        wsbx_loaded *l;
        wsbx_lerr le;
        cr_assert_eq(wsbx_load_fd(s, fd, &l, &le), 0, "%s", le.msg);
        close(fd);
        wsbx_instance *inst;
        wsbx_trap_info trap;
        cr_assert_eq(wsbx_instantiate(s, l, NULL, 0, &inst, &trap, &le), 0, "%s", le.msg);
        wsbx_extern x;
        cr_assert_eq(wsbx_instance_export(inst, "f", 1, &x), 0);
        wsbx_val_raw v[1] = {{.i32 = 14}};
        cr_assert_eq(wsbx_invoke(s, x.u.func, v, 1, &trap), 0);
        cr_assert_eq(v[0].i32, 42);
        wsbx_store_delete(s);
}

Test(compiler, text_error_keeps_line_and_column)
{
        const char *src = "(module\n  (func (result i32)\n    i64.const 1))";
        wsbx_module *m;
        wsbx_error want, got;
        cr_assert_eq(wsbx_module_load((const uint8_t *)src, strlen(src), NULL, &m, &want), WSBX_ERR_INVALID);
        int fd = -7;
        int rc = wsbx_compile_in_worker((const uint8_t *)src, strlen(src), &jailed, &fd, &got);
        cr_assert_eq(rc, WSBX_ERR_INVALID, "rc %d: %s", rc, got.msg);
        cr_assert_eq(fd, -1);
        cr_assert_str_eq(got.msg, want.msg);
        cr_assert_eq(got.line, want.line);
        cr_assert_eq(got.col, want.col);
        cr_assert_gt(got.line, 0);
        /* A syntax error, found by the text parser. */
        const char *bad = "(module\n (func (export \"f\")\n  (i32.add)))";
        cr_assert_eq(wsbx_module_load((const uint8_t *)bad, strlen(bad), NULL, &m, &want), WSBX_ERR_INVALID);
        rc = wsbx_compile_in_worker((const uint8_t *)bad, strlen(bad), &jailed, &fd, &got);
        cr_assert_eq(rc, (int)want.kind);
        cr_assert_str_eq(got.msg, want.msg);
        cr_assert_eq(got.line, want.line);
        cr_assert_eq(got.col, want.col);
}

Test(compiler, malformed_binary_keeps_offset)
{
        static const uint8_t bin[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5, 1, 0x60};
        wsbx_module *m;
        wsbx_error want, got;
        cr_assert_eq(wsbx_module_load(bin, sizeof bin, NULL, &m, &want), WSBX_ERR_MALFORMED);
        int fd;
        int rc = wsbx_compile_in_worker(bin, sizeof bin, &jailed, &fd, &got);
        cr_assert_eq(rc, WSBX_ERR_MALFORMED, "rc %d: %s", rc, got.msg);
        cr_assert_str_eq(got.msg, want.msg);
        cr_assert_eq(got.offset, want.offset);
        cr_assert_eq(got.line, 0);
        /* Truncated binaries at every length decide as in this process. */
        for (size_t n = 0; n < sizeof bin; n++) {
                wsbx_errkind k = wsbx_module_load(bin, n, NULL, &m, &want);
                wsbx_module_delete(m);
                rc = wsbx_compile_in_worker(bin, n, &jailed, &fd, &got);
                cr_assert_eq(rc, k == WSBX_OK ? 0 : (int)k, "length %zu: rc %d (%s)", n, rc, got.msg);
                if (rc == 0)
                        close(fd);
                else
                        cr_assert_str_eq(got.msg, want.msg);
        }
}

Test(compiler, time_limit_kills_the_worker)
{
        size_t n;
        char *src = big_module(&n);
        wsbx_compile_worker_opts o = jailed;
        o.timeout_ns = 1000; /* 1 us: spawning alone takes longer */
        int fd;
        wsbx_error e;
        int rc = wsbx_compile_in_worker((const uint8_t *)src, n, &o, &fd, &e);
        skip_if_no_jail();
        cr_assert_eq(rc, -ETIMEDOUT, "rc %d: %s", rc, e.msg);
        cr_assert(strstr(e.msg, "time limit"), "%s", e.msg);
        cr_assert_eq(fd, -1);
        free(src);
}

/* A module whose compilation needs far more than the worker's limit. */
Test(compiler, memory_limit_is_reported)
{
        size_t cap = 8 << 20, len = 0;
        char *src = malloc(cap);
        len += (size_t)snprintf(src, cap, "(module\n");
        for (int f = 0; f < 6000 && len < cap - 512; f++)
                len += (size_t)snprintf(src + len, cap - len,
                                        "(func (export \"f%d\") (param i64) (result i64)"
                                        " (i64.add (i64.mul (local.get 0) (i64.const %d)) (i64.const 7)))\n",
                                        f, f);
        len += (size_t)snprintf(src + len, cap - len, ")\n");
        wsbx_compile_worker_opts o = jailed;
        o.memory_max = 6 << 20;
        int fd;
        wsbx_error e;
        int rc = wsbx_compile_in_worker((const uint8_t *)src, len, &o, &fd, &e);
        free(src);
        skip_if_no_jail();
        if (rc == 0) {
                close(fd);
                cr_skip_test("no memory cgroup limits the worker on this host");
        }
        cr_log_info("memory limit: rc %d: %s", rc, e.msg);
        cr_assert(rc == -ENOMEM || rc == WSBX_ERR_LIMIT, "rc %d: %s", rc, e.msg);
        if (rc == -ENOMEM)
                cr_assert(strstr(e.msg, "compile worker ran out of memory (limit 6 MiB)"), "%s", e.msg);
        else
                cr_assert(strstr(e.msg, "artifact of"), "%s", e.msg);
}

Test(compiler, no_sandbox_compiles_here)
{
        const char *src = "(module (func (export \"g\")))";
        wsbx_compile_worker_opts o = {.no_sandbox = true};
        int fd;
        wsbx_error e;
        cr_assert_eq(wsbx_compile_in_worker((const uint8_t *)src, strlen(src), &o, &fd, &e), 0, "%s", e.msg);
        cr_assert_geq(fd, 0);
        close(fd);
        cr_assert_eq(wsbx_compile_in_worker((const uint8_t *)"(module", 7, &o, &fd, &e), WSBX_ERR_MALFORMED);
        cr_assert_gt(e.line, 0);
}

static int count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        int n = 0;
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

Test(compiler, no_fd_or_process_leaks)
{
        const char *src = "(module (func (export \"f\") (result i32) i32.const 1))";
        const char *bad = "(module (func (result i32)))";
        int before = count_fds();
        for (int i = 0; i < 30; i++) {
                int fd;
                wsbx_error e;
                cr_assert_eq(wsbx_compile_in_worker((const uint8_t *)src, strlen(src), &jailed, &fd, &e), 0);
                close(fd);
                cr_assert_eq(wsbx_compile_in_worker((const uint8_t *)bad, strlen(bad), &jailed, &fd, &e),
                             WSBX_ERR_INVALID);
        }
        cr_assert_eq(count_fds(), before);
        /* Every worker reaped: no child left to wait for. */
        cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1);
        cr_assert_eq(errno, ECHILD);
}

/* One persistent worker serves many requests: good modules, invalid
 * ones, and a large one, in the one process. */
Test(compiler, persistent_worker_serves_many)
{
        wsbx_compile_worker *w;
        cr_assert_eq(wsbx_compile_worker_open(&jailed, &w), 0);
        skip_if_no_jail();
        int pid = wsbx_compile_worker_pid(w);
        cr_assert_gt(pid, 0);
        int before = count_fds();
        size_t bn;
        char *big = big_module(&bn);
        for (int i = 0; i < 60; i++) {
                char src[160];
                int n = snprintf(src, sizeof src, "(module (func (export \"f\") (result i32) i32.const %d))", i);
                int fd;
                wsbx_error e;
                cr_assert_eq(wsbx_compile_worker_compile(w, (const uint8_t *)src, (size_t)n, &fd, &e), 0, "%d: %s",
                             i, e.msg);
                int all = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
                cr_assert_eq(fcntl(fd, F_GET_SEALS) & all, all);
                size_t got_len, want_len;
                uint8_t *got = read_fd(fd, &got_len);
                uint8_t *want = in_process(src, (size_t)n, &want_len);
                cr_assert_eq(got_len, want_len);
                cr_assert_eq(memcmp(got, want, want_len), 0);
                free(got);
                free(want);
                close(fd);
                const char *bad = "(module (func (result i32)))";
                cr_assert_eq(wsbx_compile_worker_compile(w, (const uint8_t *)bad, strlen(bad), &fd, &e),
                             WSBX_ERR_INVALID);
                cr_assert_eq(fd, -1);
                cr_assert_eq(wsbx_compile_worker_compile(w, (const uint8_t *)"(module", 7, &fd, &e),
                             WSBX_ERR_MALFORMED);
                cr_assert_gt(e.line, 0, "text positions survive the trip");
                if (i % 20 == 0) {
                        cr_assert_eq(wsbx_compile_worker_compile(w, (const uint8_t *)big, bn, &fd, &e), 0, "%s",
                                     e.msg);
                        close(fd);
                }
        }
        free(big);
        cr_assert_eq(wsbx_compile_worker_pid(w), pid, "the same worker served every request");
        cr_assert_eq(wsbx_compile_worker_spawns(w), 1);
        cr_assert_eq(count_fds(), before);
        wsbx_compile_worker_close(w);
        cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1);
        cr_assert_eq(errno, ECHILD);
}

/* A request says what its bytes are: binary only (no text fallback, so
 * the magic check speaks), text only (even when the text starts with the
 * magic), or either. */
Test(compiler, request_forms)
{
        wsbx_compile_worker *w;
        cr_assert_eq(wsbx_compile_worker_open(&jailed, &w), 0);
        skip_if_no_jail();
        static const uint8_t empty[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
        const char *txt = "(module)";
        int fd;
        wsbx_error e;
        cr_assert_eq(wsbx_compile_worker_compile_as(w, (const uint8_t *)txt, strlen(txt), WSBX_COMPILE_BINARY,
                                                    &fd, &e),
                     WSBX_ERR_MALFORMED);
        cr_assert_str_eq(e.msg, "magic header not detected");
        cr_assert_eq(wsbx_compile_worker_compile_as(w, (const uint8_t *)txt, strlen(txt), WSBX_COMPILE_TEXT, &fd,
                                                    &e),
                     0, "%s", e.msg);
        close(fd);
        cr_assert_eq(wsbx_compile_worker_compile_as(w, empty, sizeof empty, WSBX_COMPILE_BINARY, &fd, &e), 0,
                     "%s", e.msg);
        close(fd);
        cr_assert_eq(wsbx_compile_worker_compile_as(w, empty, sizeof empty, WSBX_COMPILE_ANY, &fd, &e), 0, "%s",
                     e.msg);
        close(fd);
        cr_assert_eq(wsbx_compile_worker_compile_as(w, empty, sizeof empty, WSBX_COMPILE_TEXT, &fd, &e),
                     WSBX_ERR_MALFORMED, "binary bytes are not text");
        cr_assert_eq(wsbx_compile_worker_compile_as(w, empty, sizeof empty, (wsbx_compile_form)7, &fd, &e),
                     -EINVAL);
        cr_assert_eq(wsbx_compile_worker_spawns(w), 1);
        wsbx_compile_worker_close(w);
}

/* A worker that dies (killed while idle, or past the time limit in a
 * request) is replaced by a fresh one on the next request. */
Test(compiler, persistent_worker_recovers)
{
        const char *src = "(module (func (export \"f\") (result i32) i32.const 7))";
        wsbx_compile_worker_opts o = jailed;
        o.timeout_ns = 2000000000ull;
        wsbx_compile_worker *w;
        cr_assert_eq(wsbx_compile_worker_open(&o, &w), 0);
        skip_if_no_jail();
        int fd;
        wsbx_error e;
        cr_assert_eq(wsbx_compile_worker_compile(w, (const uint8_t *)src, strlen(src), &fd, &e), 0, "%s", e.msg);
        close(fd);
        int pid = wsbx_compile_worker_pid(w);
        cr_assert_eq(kill(pid, SIGKILL), 0);
        usleep(20000);
        cr_assert_eq(wsbx_compile_worker_compile(w, (const uint8_t *)src, strlen(src), &fd, &e), 0, "%s", e.msg);
        close(fd);
        cr_assert_neq(wsbx_compile_worker_pid(w), pid);
        cr_assert_eq(wsbx_compile_worker_spawns(w), 2);
        wsbx_compile_worker_close(w);

        /* A request past its time limit kills its worker only. */
        o.timeout_ns = 1000;
        size_t bn;
        char *big = big_module(&bn);
        cr_assert_eq(wsbx_compile_worker_open(&o, &w), 0);
        int rc = wsbx_compile_worker_compile(w, (const uint8_t *)big, bn, &fd, &e);
        cr_assert_eq(rc, -ETIMEDOUT, "rc %d: %s", rc, e.msg);
        cr_assert_eq(wsbx_compile_worker_pid(w), -1);
        free(big);
        wsbx_compile_worker_close(w);
        cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1);
}

/* wsbx_run_jailed: the function runs in a jailed child (its pid is not
 * ours, its status comes back), and a forbidden system call there kills
 * the child, named, not us. */
static int report_pid(void *arg)
{
        /* Through the shared page: the child's memory is its own copy. */
        *(volatile int *)arg = getpid();
        return 7;
}

static int try_socket(void *arg)
{
        (void)arg;
        return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 9;
}

Test(compiler, run_jailed_tool)
{
        int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        cr_assert_neq(shared, MAP_FAILED);
        char why[256];
        cr_assert_eq(wsbx_run_jailed(report_pid, shared, note, why, sizeof why), 7, "%s", why);
        skip_if_no_jail();
        cr_assert_neq(*shared, getpid(), "the function ran in this process");
        int rc = wsbx_run_jailed(try_socket, NULL, note, why, sizeof why);
        cr_assert_lt(rc, 0, "socket() in the jail returned (status %d)", rc);
        cr_assert(strstr(why, "socket"), "cause: '%s'", why);
        cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1);
        munmap(shared, 4096);
}
