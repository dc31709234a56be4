/* bench_kernels.c - run time of compute kernels on wsbx, through the
 * session API (sandbox.h), as an embedder runs them.
 *
 * A kernel is a module (a .wat file in bench/kernels/, or a binary) exporting
 * `run: [] -> [i32]`, which does a fixed amount of work and returns a
 * checksum, and optionally `setup: [] -> []`, called once after
 * instantiation. `run` must leave the state it reads alone, so every call
 * does the same work and returns the same checksum.
 *
 * For each kernel: text to binary (wsbx_wat_to_binary; with --emit-wasm
 * DIR the binary is also written to DIR/NAME.wasm, so the V8 side runs
 * exactly these bytes), decode, compile, then once per process a session
 * (one worker) in which each kernel is loaded and instantiated once and
 * `setup` called. The first `run` gives the checksum; then the house
 * method (bench_util.h) times batches of `run` invocations, each result
 * checked against the checksum (a mismatch is an error, not a number).
 * Each invocation is a request and a completion on the session's rings,
 * so the time includes that round trip; kernels run for milliseconds,
 * which makes it negligible, and it is the cost an embedder pays.
 *
 * Output, one line per kernel, tab-separated, for bench/kernels.sh to join
 * with the V8 side (bench/kernels.mjs prints the same columns):
 *   NAME  CHECKSUM  MEDIAN-MS-PER-RUN  FASTEST-MS  SLOWEST-MS
 * or `NAME  error  MESSAGE`. The checksum is the i32 as an unsigned
 * decimal.
 */
#include "bench_util.h"
#include "engine.h"
#include "sandbox.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the timed loop needs. */
typedef struct kernel {
        wsbx_session *s;
        wsbx_handle run;
        uint32_t checksum;
        char why[WSBX_STATUS_MSG_MAX + 64];
} kernel;

/* The kernel's name: the file's base name without its extension. */
static void kernel_name(const char *path, char *out, size_t size)
{
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        snprintf(out, size, "%s", base);
        char *dot = strrchr(out, '.');
        if (dot && dot != out)
                *dot = '\0';
}

static void fail(kernel *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(kernel *k, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(k->why, sizeof k->why, fmt, ap);
        va_end(ap);
}

/* Describes a session call's failure: a guest or request failure (r > 0)
 * carries a status message, a transport failure (r < 0) an errno. */
static void fail_call(kernel *k, const char *what, int r, const wsbx_status *st)
{
        if (r > 0 && st->outcome == WSBX_SESS_TRAP)
                fail(k, "%s: trap: %s", what, st->msg);
        else if (r > 0)
                fail(k, "%s: %s", what, st->msg[0] ? st->msg : "failed");
        else
                fail(k, "%s: %s", what, strerror(-r));
}

static int invoke_i32(kernel *k, uint32_t *result, wsbx_status *st)
{
        wsbx_val_raw res;
        wsbx_valtype type;
        memset(&res, 0, sizeof res);
        int r = wsbx_session_invoke(k->s, k->run, NULL, NULL, 0, &res, &type, 1, st);
        if (r == 0 && type != WSBX_I32) {
                snprintf(st->msg, sizeof st->msg, "run returned a %s, not an i32",
                         wsbx_valtype_name(type));
                st->outcome = WSBX_SESS_ERROR;
                return WSBX_SESS_ERROR;
        }
        *result = res.i32;
        return r;
}

static double time_runs(void *ctx, unsigned long iters)
{
        kernel *k = ctx;
        wsbx_status st;
        double t0 = bench_now_ms();
        for (unsigned long i = 0; i < iters; i++) {
                uint32_t got;
                int r = invoke_i32(k, &got, &st);
                if (r != 0) {
                        fail_call(k, "run", r, &st);
                        return -1;
                }
                if (got != k->checksum) {
                        fail(k, "run returned %u, then %u: not a pure function of its state",
                             k->checksum, got);
                        return -1;
                }
        }
        return bench_now_ms() - t0;
}

static int write_file(const char *path, const uint8_t *bytes, size_t len)
{
        FILE *f = fopen(path, "wb");
        if (!f)
                return -errno;
        size_t put = fwrite(bytes, 1, len, f);
        int bad = fclose(f) != 0 || put != len;
        return bad ? -EIO : 0;
}

/* Text (or binary) to a compiled artifact; the binary also goes to
 * emit_dir when given. Returns 0, or -1 with k->why filled. */
static int build(kernel *k, const char *path, const char *name, const char *emit_dir,
                 uint8_t **art, size_t *artlen)
{
        uint8_t *text = NULL, *bin = NULL;
        size_t textlen = 0, binlen = 0;
        wsbx_error err;
        int r = bench_read_file(path, &text, &textlen);
        if (r < 0) {
                fail(k, "%s: %s", path, strerror(-r));
                return -1;
        }
        if (textlen >= 4 && !memcmp(text, "\0asm", 4)) {
                bin = text;
                binlen = textlen;
                text = NULL;
        } else if (wsbx_wat_to_binary((const char *)text, textlen, &bin, &binlen, &err) != WSBX_OK) {
                fail(k, "%s:%u:%u: %s", path, err.line, err.col, err.msg);
                free(text);
                return -1;
        }
        free(text);
        if (emit_dir) {
                char out[4096];
                snprintf(out, sizeof out, "%s/%s.wasm", emit_dir, name);
                r = write_file(out, bin, binlen);
                if (r < 0) {
                        fail(k, "%s: %s", out, strerror(-r));
                        free(bin);
                        return -1;
                }
        }
        wsbx_module *m;
        if (wsbx_module_decode(bin, binlen, NULL, &m, &err) != WSBX_OK) {
                fail(k, "%s: %s at offset %zu", wsbx_errkind_name(err.kind), err.msg, err.offset);
                free(bin);
                return -1;
        }
        free(bin);
        wsbx_errkind ek = wsbx_compile(m, NULL, art, artlen, &err);
        wsbx_module_delete(m);
        if (ek != WSBX_OK) {
                fail(k, "compile: %s: %s", wsbx_errkind_name(err.kind), err.msg);
                return -1;
        }
        return 0;
}

/* Loads, instantiates and sets the kernel up in k->s; takes the run
 * handle and the checksum. Returns 0, or -1 with k->why filled. */
static int prepare(kernel *k, const uint8_t *art, size_t artlen)
{
        wsbx_status st;
        wsbx_handle mod, inst;
        wsbx_sess_extern ext;
        int r = wsbx_session_load(k->s, art, artlen, &mod, &st);
        if (r != 0) {
                fail_call(k, "load", r, &st);
                return -1;
        }
        r = wsbx_session_instantiate(k->s, mod, NULL, 0, &inst, &st);
        if (r != 0) {
                fail_call(k, "instantiate", r, &st);
                return -1;
        }
        r = wsbx_session_export(k->s, inst, "setup", 5, &ext, &st);
        if (r == 0) {
                if (ext.kind != WSBX_EXTERN_FUNC || ext.type.func.nparams || ext.type.func.nresults) {
                        fail(k, "export setup is not a [] -> [] function");
                        return -1;
                }
                r = wsbx_session_invoke(k->s, ext.handle, NULL, NULL, 0, NULL, NULL, 0, &st);
                if (r != 0) {
                        fail_call(k, "setup", r, &st);
                        return -1;
                }
        } else if (!(r > 0 && st.outcome == WSBX_SESS_NOTFOUND)) {
                fail_call(k, "export setup", r, &st);
                return -1;
        }
        r = wsbx_session_export(k->s, inst, "run", 3, &ext, &st);
        if (r != 0) {
                fail_call(k, "export run", r, &st);
                return -1;
        }
        if (ext.kind != WSBX_EXTERN_FUNC || ext.type.func.nparams || ext.type.func.nresults != 1 ||
            ext.type.func.results[0] != WSBX_I32) {
                fail(k, "export run is not a [] -> [i32] function");
                return -1;
        }
        k->run = ext.handle;
        r = invoke_i32(k, &k->checksum, &st);
        if (r != 0) {
                fail_call(k, "run", r, &st);
                return -1;
        }
        return 0;
}

static void usage(void)
{
        fprintf(stderr, "usage: bench_kernels [--runs N] [--min-ms MS] [--emit-wasm DIR] FILE...\n"
                        "  --runs       timed runs per kernel; the median is reported (default 7)\n"
                        "  --min-ms     shortest run, in milliseconds (default 200)\n"
                        "  --emit-wasm  also write each kernel's binary to DIR/NAME.wasm\n");
}

int main(int argc, char **argv)
{
        unsigned runs = 7;
        double min_ms = 200;
        const char *emit_dir = NULL;
        int status = 0, nfiles = 0;

        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
                        runs = (unsigned)strtoul(argv[++i], NULL, 0);
                } else if (!strcmp(argv[i], "--min-ms") && i + 1 < argc) {
                        min_ms = strtod(argv[++i], NULL);
                } else if (!strcmp(argv[i], "--emit-wasm") && i + 1 < argc) {
                        emit_dir = argv[++i];
                } else if (argv[i][0] == '-') {
                        usage();
                        return 2;
                } else {
                        nfiles++;
                }
        }
        if (nfiles == 0 || runs == 0 || runs > 1000 || !(min_ms > 0)) {
                usage();
                return 2;
        }
        double *ms = calloc(runs, sizeof *ms);
        if (!ms)
                return 1;

        kernel k = { 0 };
        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--runs") || !strcmp(argv[i], "--min-ms") ||
                    !strcmp(argv[i], "--emit-wasm")) {
                        i++;
                        continue;
                }
                char name[256];
                kernel_name(argv[i], name, sizeof name);
                k.why[0] = '\0';
                uint8_t *art = NULL;
                size_t artlen = 0;
                int r = build(&k, argv[i], name, emit_dir, &art, &artlen);
                /* A worker that broke (a transport error) is replaced
                 * for the next kernel; the others share one. */
                if (r == 0 && !k.s) {
                        int e = wsbx_session_open(&k.s);
                        if (e < 0) {
                                fail(&k, "session: %s", strerror(-e));
                                r = -1;
                        }
                }
                if (r == 0)
                        r = prepare(&k, art, artlen);
                free(art);
                unsigned long iters = 0;
                double med = r == 0 ? bench_measure(time_runs, &k, runs, min_ms, &iters, ms) : -1;
                if (med < 0) {
                        printf("%s\terror\t%s\n", name, k.why[0] ? k.why : "failed");
                        status = 1;
                        if (k.s && strstr(k.why, strerror(EPIPE))) {
                                wsbx_session_close(k.s);
                                k.s = NULL;
                        }
                } else {
                        printf("%s\t%u\t%.6f\t%.6f\t%.6f\n", name, k.checksum, med, ms[0], ms[runs - 1]);
                }
                fflush(stdout);
        }
        wsbx_session_close(k.s);
        free(ms);
        return status;
}
