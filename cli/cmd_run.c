/* cmd_run.c - `wsbx run [OPTIONS] FILE [ARGS...]`: run a program or one function.
 *
 * Without --invoke FILE is a program: ARGS become its argv (argv[0] is
 * FILE), its wasi_snapshot_preview1 imports are bound to the worker's WASI
 * instance by name, `_initialize` runs first when exported, then `_start`
 * (or the empty-name export); the exit status is the guest's proc_exit code.
 *
 * FILE is a module (.wasm or .wat, compiled here) or an artifact (.cwasm,
 * recognised by its ELF magic, loaded as is). Everything after the
 * compilation goes through the runtime's message layer (sandbox.h): one
 * session, LOAD, INSTANTIATE, EXPORT, INVOKE. Imports are bound by what
 * LOAD reports and ARGS parsed by the parameter types EXPORT reports, so
 * the same command line works for a module and its artifact. No host
 * functions are provided unless asked for: an import nobody satisfies is
 * an error that names it.
 *
 * Output: each result on its own line on stdout (format in the help text
 * and docs/cli.md). A trap prints "wsbx: trap: MESSAGE" and the backtrace
 * on stderr and exits with status 3.
 */
#include "cli.h"
#include "sandbox.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>
#include <time.h>


/* ------------------------------------------------------------------------ */
/* Arguments and results                                                    */
/* ------------------------------------------------------------------------ */

/* An integer of `bits` bits: decimal with an optional sign, or 0x hex;
 * signed and unsigned ranges are both accepted, as in the text format. */
static bool parse_int(const char *s, unsigned bits, uint64_t *out)
{
        bool neg = *s == '-';
        if (*s == '-' || *s == '+')
                s++;
        if (!*s || *s == '-' || *s == '+' || *s == ' ')
                return false;
        errno = 0;
        char *end;
        uint64_t v = strtoull(s, &end, 0);
        if (errno || *end)
                return false;
        uint64_t umax = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
        if (neg) {
                if (v > (umax >> 1) + 1)
                        return false;
                v = (0 - v) & umax;
        } else if (v > umax) {
                return false;
        }
        *out = v;
        return true;
}

/* A float: whatever strtod reads (decimal, hex floats, inf, nan), plus
 * nan:0xPAYLOAD for a NaN with that payload. */
static bool parse_float(const char *s, bool single, uint64_t *bits)
{
        bool neg = *s == '-';
        const char *p = *s == '-' || *s == '+' ? s + 1 : s;
        if (strncmp(p, "nan:0x", 6) == 0) {
                char *end;
                errno = 0;
                uint64_t payload = strtoull(p + 6, &end, 16);
                uint64_t limit = single ? 0x7fffffull : 0xfffffffffffffull;
                if (errno || *end || payload == 0 || payload > limit)
                        return false;
                *bits = single ? (neg ? 0x80000000ull : 0) | 0x7f800000ull | payload
                               : (neg ? 0x8000000000000000ull : 0) | 0x7ff0000000000000ull | payload;
                return true;
        }
        char *end;
        errno = 0;
        if (single) {
                float f = strtof(s, &end);
                if (*end || end == s)
                        return false;
                uint32_t b;
                memcpy(&b, &f, 4);
                *bits = b;
        } else {
                double d = strtod(s, &end);
                if (*end || end == s)
                        return false;
                memcpy(bits, &d, 8);
        }
        return true;
}

/* v128: 0x and up to 32 hex digits, the vector read as one little-endian
 * 128-bit integer. */
static bool parse_v128(const char *s, uint8_t out[16])
{
        if (strncmp(s, "0x", 2) != 0 || !s[2] || strlen(s + 2) > 32)
                return false;
        memset(out, 0, 16);
        size_t n = strlen(s + 2);
        for (size_t i = 0; i < n; i++) {
                char c = s[2 + n - 1 - i];
                unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                             : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                             : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                                    : 16u;
                if (d == 16)
                        return false;
                out[i / 2] |= (uint8_t)(d << (4 * (i % 2)));
        }
        return true;
}

static bool parse_arg(const char *s, wsbx_valtype t, wsbx_val_raw *v)
{
        uint64_t x = 0;
        memset(v, 0, sizeof *v);
        switch (t) {
        case WSBX_I32:
                if (!parse_int(s, 32, &x))
                        return false;
                v->i32 = (uint32_t)x;
                return true;
        case WSBX_I64:
                return parse_int(s, 64, &v->i64);
        case WSBX_F32:
                if (!parse_float(s, true, &x))
                        return false;
                v->f32 = (uint32_t)x;
                return true;
        case WSBX_F64:
                return parse_float(s, false, &v->f64);
        case WSBX_V128:
                return parse_v128(s, v->v128);
        case WSBX_FUNCREF:
        case WSBX_EXTERNREF:
                /* Only null can be written on a command line. */
                return strcmp(s, "null") == 0;
        }
        return false;
}

static void print_result(wsbx_valtype t, const wsbx_val_raw *v)
{
        switch (t) {
        case WSBX_I32:
                printf("%" PRId32, (int32_t)v->i32);
                break;
        case WSBX_I64:
                printf("%" PRId64, (int64_t)v->i64);
                break;
        case WSBX_F32: {
                float f;
                memcpy(&f, &v->f32, 4);
                if (isnan(f) && (v->f32 & 0x7fffff) != 0x400000)
                        printf("%snan:0x%" PRIx32, signbit(f) ? "-" : "", v->f32 & 0x7fffff);
                else
                        wsbx_print_float(stdout, (double)f, true);
                break;
        }
        case WSBX_F64: {
                double d;
                memcpy(&d, &v->f64, 8);
                uint64_t payload = v->f64 & 0xfffffffffffffull;
                if (isnan(d) && payload != 0x8000000000000ull)
                        printf("%snan:0x%" PRIx64, signbit(d) ? "-" : "", payload);
                else
                        wsbx_print_float(stdout, d, false);
                break;
        }
        case WSBX_V128:
                printf("0x");
                for (int i = 15; i >= 0; i--)
                        printf("%02x", v->v128[i]);
                break;
        case WSBX_FUNCREF:
                if (v->i64)
                        printf("funcref");
                else
                        printf("null");
                break;
        case WSBX_EXTERNREF:
                if (v->i64)
                        printf("externref:0x%" PRIx64, v->i64);
                else
                        printf("null");
                break;
        }
        putchar('\n');
}

bool cli_run_parse_arg(const char *s, wsbx_valtype t, wsbx_val_raw *v)
{
        return parse_arg(s, t, v);
}

void cli_run_print_result(wsbx_valtype t, const wsbx_val_raw *v)
{
        print_result(t, v);
}

/* ------------------------------------------------------------------------ */
/* Imports                                                                  */
/* ------------------------------------------------------------------------ */

static int trap_host(wsbx_session *s, void *ctx, const wsbx_val_raw *args, uint32_t nargs, wsbx_val_raw *results,
                     uint32_t nresults, char *err)
{
        (void)s, (void)args, (void)nargs, (void)results, (void)nresults;
        const wsbx_sess_import *imp = ctx;
        snprintf(err, WSBX_STATUS_MSG_MAX, "called unknown import \"%.*s\" \"%.*s\"",
                 (int)(imp->module.len > 100 ? 100 : imp->module.len), imp->module.ptr,
                 (int)(imp->name.len > 100 ? 100 : imp->name.len), imp->name.ptr);
        return 1;
}

/* Resolves the module's imports, which the runtime reported on LOAD (so
 * modules and artifacts are treated alike): the caller's hooks first, then
 * spectest, then wasi_snapshot_preview1 by name from the worker's WASI
 * instance (asked for once, on the first such import). */
static bool bind_imports(const cli_run_opts *o, wsbx_session *s, const wsbx_sess_import *imps, uint32_t n,
                         wsbx_handle spectest, wsbx_handle *imports)
{
        wsbx_status st;
        wsbx_handle wasi = 0;
        for (uint32_t i = 0; i < n; i++) {
                const wsbx_sess_import *imp = &imps[i];
                imports[i] = 0;
                if (o->hooks) {
                        int h = o->hooks->bind(o->hooks->ctx, s, imp, &imports[i]);
                        if (h < 0)
                                return false;
                        if (h > 0)
                                continue;
                }
                if (spectest && imp->module.len == 8 && memcmp(imp->module.ptr, "spectest", 8) == 0) {
                        wsbx_sess_extern x;
                        if (wsbx_session_export(s, spectest, imp->name.ptr, imp->name.len, &x, &st) == 0)
                                imports[i] = x.handle;
                }
                if (imp->module.len == 22 && memcmp(imp->module.ptr, "wasi_snapshot_preview1", 22) == 0) {
                        if (!wasi) {
                                int e = wsbx_session_wasi_instance(s, &wasi, &st);
                                if (e != 0) {
                                        fprintf(stderr, "wsbx: %s: WASI is not available: %s\n", o->file,
                                                e < 0 ? strerror(-e) : st.msg);
                                        return false;
                                }
                        }
                        wsbx_sess_extern x;
                        if (wsbx_session_export(s, wasi, imp->name.ptr, imp->name.len, &x, &st) == 0 &&
                            x.kind == imp->kind)
                                imports[i] = x.handle;
                }
                if (!imports[i] && o->trap_unknown && imp->kind == WSBX_EXTERN_FUNC) {
                        wsbx_functype t = {imp->type.func.nparams, imp->type.func.nresults,
                                           (wsbx_valtype *)imp->type.func.params,
                                           (wsbx_valtype *)imp->type.func.results};
                        int e = wsbx_session_host_func_new(s, &t, trap_host, (void *)imp, &imports[i], &st);
                        if (e != 0) {
                                fprintf(stderr, "wsbx: %s: %s\n", o->file, e < 0 ? strerror(-e) : st.msg);
                                return false;
                        }
                }
                if (!imports[i]) {
                        fprintf(stderr, "wsbx: %s: unknown import ", o->file);
                        cli_put_name(stderr, imp->module.ptr, imp->module.len);
                        fputc(' ', stderr);
                        cli_put_name(stderr, imp->name.ptr, imp->name.len);
                        fprintf(stderr, " (%s): nothing provides it\n", wsbx_externkind_name(imp->kind));
                        return false;
                }
        }
        return true;
}

/* ------------------------------------------------------------------------ */
/* The command                                                              */
/* ------------------------------------------------------------------------ */

static void print_trap(const wsbx_status *st)
{
        fprintf(stderr, "wsbx: trap: %s\n", st->msg);
        /* The backtrace's first frame carries the offset when there is one. */
        if (st->wasm_offset != UINT32_MAX && !st->backtrace[0])
                fprintf(stderr, "  at wasm offset 0x%" PRIx32 "\n", st->wasm_offset);
        if (st->backtrace[0]) {
                fputs(st->backtrace, stderr);
                size_t n = strlen(st->backtrace);
                if (st->backtrace[n - 1] != '\n')
                        fputc('\n', stderr);
        }
}

/* Reports a failed session call on stderr; returns the exit status. A
 * guest's proc_exit is not a failure: its code is the status. */
static int report(const cli_run_opts *o, int rc, const wsbx_status *st)
{
        if (rc < 0) {
                fprintf(stderr, "wsbx: %s: runtime: %s%s%s\n", o->file, strerror(-rc), st->msg[0] ? ": " : "",
                        st->msg);
                return CLI_EXIT_FAIL;
        }
        if (rc == WSBX_SESS_EXIT)
                return st->exit_code & 0xff;
        if (rc == WSBX_SESS_TRAP) {
                print_trap(st);
                return CLI_EXIT_TRAP;
        }
        fprintf(stderr, "wsbx: %s: %s\n", o->file, st->msg);
        return CLI_EXIT_FAIL;
}

/* A listening TCP socket on HOST:PORT (HOST may be [v6]), or -1 after
 * saying why on stderr. */
static int tcp_listen(const char *spec)
{
        char host[256];
        const char *colon = strrchr(spec, ':');
        size_t hl = (size_t)(colon - spec);
        if (hl >= sizeof host) {
                fprintf(stderr, "wsbx: --tcplisten %s: host name too long\n", spec);
                return -1;
        }
        memcpy(host, spec, hl);
        host[hl] = 0;
        char *h = host;
        if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
                host[hl - 1] = 0;
                h++;
        }
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
        struct addrinfo *ai = NULL;
        int e = getaddrinfo(*h ? h : NULL, colon + 1, &hints, &ai);
        if (e) {
                fprintf(stderr, "wsbx: --tcplisten %s: %s\n", spec, gai_strerror(e));
                return -1;
        }
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
            bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0) {
                fprintf(stderr, "wsbx: --tcplisten %s: %s\n", spec, strerror(errno));
                if (fd >= 0)
                        close(fd);
                fd = -1;
        }
        freeaddrinfo(ai);
        return fd;
}

/* call_entry: the entry is not exported. */
#define NOT_EXPORTED (-2)

/* Calls a program entry (no params, no results) if exported: 0 called and
 * returned, NOT_EXPORTED, else the exit status to stop with (-1 for a
 * proc_exit(0), which ends the program successfully). */
static int call_entry(const cli_run_opts *o, wsbx_session *s, wsbx_handle inst, const char *name)
{
        wsbx_status st = {0};
        wsbx_sess_extern x;
        int rc = wsbx_session_export(s, inst, name, strlen(name), &x, &st);
        if (rc == WSBX_SESS_NOTFOUND || (rc == 0 && x.kind != WSBX_EXTERN_FUNC))
                return NOT_EXPORTED;
        if (rc != 0)
                return report(o, rc, &st);
        if (x.type.func.nparams || x.type.func.nresults) {
                fprintf(stderr, "wsbx: %s: \"%s\" must take and return nothing\n", o->file, name);
                return CLI_EXIT_FAIL;
        }
        fflush(stdout);
        rc = wsbx_session_invoke(s, x.handle, NULL, NULL, 0, NULL, NULL, 0, &st);
        if (rc == 0)
                return 0;
        int status = report(o, rc, &st);
        return rc == WSBX_SESS_EXIT && status == 0 ? -1 : status;
}

int cli_run_file(const cli_run_opts *o)
{
        wsbx_session *s = NULL;
        wsbx_handle *imports = NULL;
        wsbx_val_raw *vals = NULL;
        wsbx_valtype *types = NULL;
        wsbx_status st = {0};
        int status = CLI_EXIT_FAIL, rc;
        int dirfds[CLI_RUN_MAX_DIRS];
        wsbx_wasi_preopen pre[CLI_RUN_MAX_DIRS];
        const char **gargv = NULL;
        uint32_t nfds = 0, nsocks = 0;
        int socks[CLI_RUN_MAX_LISTEN];

        /* --snapshot: restored in the jailed worker, its pages served
         * lazily by this process; with --no-sandbox in this process
         * (cmd_snapshot.c), which also reports a missing --invoke. */
        int sfd = -1;
        if (o->memory_quota && o->no_sandbox) {
                fprintf(stderr, "wsbx: --memory-quota is kept by the sandbox's pager: not with --no-sandbox\n");
                return CLI_EXIT_USAGE;
        }
        if (o->snapshot && (o->no_sandbox || !o->invoke))
                return cli_snapshot_run(o, o->snapshot);
        if (o->snapshot && (sfd = open(o->snapshot, O_RDONLY | O_CLOEXEC)) < 0) {
                fprintf(stderr, "wsbx: %s: %s\n", o->snapshot, strerror(errno));
                return CLI_EXIT_FAIL;
        }

        /* The guest's view: argv (FILE then ARGS, for programs), env, dirs. */
        for (; nfds < o->ndirs; nfds++) {
                dirfds[nfds] = open(o->dir_host[nfds], O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (dirfds[nfds] < 0) {
                        fprintf(stderr, "wsbx: --dir %s: %s\n", o->dir_host[nfds], strerror(errno));
                        goto out;
                }
                pre[nfds] = (wsbx_wasi_preopen){dirfds[nfds], o->dir_guest[nfds]};
        }
        for (; nsocks < o->nlisten; nsocks++) {
                socks[nsocks] = tcp_listen(o->listen[nsocks]);
                if (socks[nsocks] < 0)
                        goto out;
        }
        gargv = calloc((size_t)o->nargs + 2, sizeof *gargv);
        if (!gargv) {
                fprintf(stderr, "wsbx: %s: out of memory\n", o->file);
                goto out;
        }
        gargv[0] = o->file;
        for (int i = 0; i < o->nargs && !o->invoke; i++)
                gargv[i + 1] = o->args[i];
        wsbx_session_config cfg = {
                .no_sandbox = o->no_sandbox,
                .deadline_ns = o->timeout_ns,
                .wasi = {.argv = gargv, .argc = o->invoke ? 1 : (uint32_t)o->nargs + 1,
                         .envp = o->env, .envc = o->nenv, .stdio = {0, 1, 2},
                         .preopens = pre, .npreopens = nfds, .sockets = socks, .nsockets = nsocks},
                .lazy_snapshots = sfd >= 0,
                .memory_quota = o->memory_quota,
        };

        /* The one loading path: .cwasm mapped, modules compiled in the
         * compile worker through the compile cache (cli/util.c). */
        /* A deadline interrupts code compiled with epoch checks (a trap,
         * "deadline exceeded"); other code is killed with its worker. */
        static const wsbx_compile_opts with_epoch = {.epoch = true};
        cli_load_opts lo = {.no_cache = o->no_cache, .no_sandbox = o->no_sandbox,
                            .compile = o->timeout_ns && sfd < 0 ? &with_epoch : NULL};
        /* (A snapshot names the artifact it was taken from, compiled
         * without epoch checks by `wsbx snapshot`: a deadline then kills.) */
        int afd = cli_load_artifact(o->file, &lo);
        if (afd < 0)
                goto out;
        wsbx_trace("run: artifact ready (opened, from the cache, or compiled)");
        if ((rc = wsbx_session_open_cfg(&cfg, &s, &st)) < 0) {
                fprintf(stderr, "wsbx: cannot start the runtime: %s\n", st.msg[0] ? st.msg : strerror(-rc));
                close(afd);
                goto out;
        }
        wsbx_trace("run: session open (worker spawned)");
        wsbx_handle mod, inst, spectest = 0;
        rc = wsbx_session_load_fd(s, afd, &mod, &st);
        close(afd);
        wsbx_trace("run: module loaded in the worker (first answer: worker ready)");
        if (rc != 0) {
                status = report(o, rc, &st);
                goto out;
        }
        if (o->spectest && (rc = wsbx_spectest_instantiate(s, stdout, &spectest, &st)) != 0) {
                status = report(o, rc, &st);
                goto out;
        }
        const wsbx_sess_import *imps;
        uint32_t nimports;
        if ((rc = wsbx_session_module_imports(s, mod, &imps, &nimports)) < 0) {
                status = report(o, rc, &st);
                goto out;
        }
        imports = calloc((size_t)nimports + 1, sizeof *imports);
        if (!imports) {
                fprintf(stderr, "wsbx: %s: out of memory\n", o->file);
                goto out;
        }
        if (!bind_imports(o, s, imps, nimports, spectest, imports))
                goto out;
        fflush(stdout);
        if (sfd >= 0) {
                /* The snapshot's state, without start function, segments
                 * or _initialize: they ran before it was taken. */
                if ((rc = wsbx_session_restore(s, mod, sfd, imports, nimports, &inst, &st)) != 0) {
                        if (rc == WSBX_SESS_ERROR) /* the loader's words about the file */
                                fprintf(stderr, "wsbx: %s: %s\n", o->snapshot, st.msg);
                        status = rc == WSBX_SESS_ERROR ? CLI_EXIT_FAIL : report(o, rc, &st);
                        goto out;
                }
        } else if ((rc = wsbx_session_instantiate(s, mod, imports, nimports, &inst, &st)) != 0) {
                status = report(o, rc, &st);
                if (rc == WSBX_SESS_EXIT && status == 0)
                        status = CLI_EXIT_OK;
                goto out;
        }
        wsbx_trace("run: instantiated");

        /* A reactor's _initialize runs before anything else is called. */
        int e = sfd >= 0 ? NOT_EXPORTED : call_entry(o, s, inst, "_initialize");
        if (e != 0 && e != NOT_EXPORTED) {
                status = e < 0 ? CLI_EXIT_OK : e;
                goto out;
        }
        if (!o->invoke) {
                /* A command: _start, else the empty-name export, else only
                 * instantiation (a reactor with nothing to call). */
                e = call_entry(o, s, inst, "_start");
                if (e == NOT_EXPORTED)
                        e = call_entry(o, s, inst, "");
                status = e < 0 ? CLI_EXIT_OK : e;
                goto out;
        }

        const char *name = o->invoke;
        wsbx_sess_extern x;
        rc = wsbx_session_export(s, inst, name, strlen(name), &x, &st);
        if (rc == WSBX_SESS_NOTFOUND || (rc == 0 && x.kind != WSBX_EXTERN_FUNC)) {
                fprintf(stderr, "wsbx: %s: no exported function \"%s\"\n", o->file, name);
                goto out;
        }
        if (rc != 0) {
                status = report(o, rc, &st);
                goto out;
        }
        uint32_t np = x.type.func.nparams, nr = x.type.func.nresults;
        if ((uint32_t)o->nargs != np) {
                fprintf(stderr, "wsbx: %s: \"%s\" takes %" PRIu32 " arguments, %d given\n", o->file, name, np,
                        o->nargs);
                status = CLI_EXIT_USAGE;
                goto out;
        }
        uint32_t n = np > nr ? np : nr;
        vals = calloc(2 * (size_t)n + 1, sizeof *vals);
        types = malloc(2 * (size_t)n + 1);
        if (!vals || !types) {
                fprintf(stderr, "wsbx: %s: out of memory\n", o->file);
                goto out;
        }
        for (uint32_t i = 0; i < np; i++) {
                types[i] = x.type.func.params[i];
                if (!parse_arg(o->args[i], types[i], &vals[i])) {
                        fprintf(stderr, "wsbx: %s: argument %" PRIu32 ": '%s' is not a valid %s\n", o->file,
                                i + 1, o->args[i], wsbx_valtype_name(types[i]));
                        status = CLI_EXIT_USAGE;
                        goto out;
                }
        }
        rc = wsbx_session_invoke(s, x.handle, types, vals, np, vals + n, types + n, nr, &st);
        if (rc != 0) {
                status = report(o, rc, &st);
                goto out;
        }
        for (uint32_t i = 0; i < nr; i++)
                print_result(types[n + i], &vals[n + i]);
        status = CLI_EXIT_OK;
out:
        fflush(stdout);
        wsbx_trace("run: guest done");
        wsbx_session_close(s);
        wsbx_trace("run: session closed (worker reaped)");
        for (uint32_t i = 0; i < nfds; i++)
                close(dirfds[i]);
        for (uint32_t i = 0; i < nsocks; i++)
                close(socks[i]);
        if (sfd >= 0)
                close(sfd);
        free(gargv);
        free(imports);
        free(vals);
        free(types);
        return status;
}

/* A duration: a number with an optional unit ns, us, ms, s (default), m. */
static bool parse_duration(const char *s, uint64_t *ns)
{
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || !(v > 0) || v > 1e9)
                return false;
        double mul = strcmp(end, "") == 0 || strcmp(end, "s") == 0 ? 1e9
                     : strcmp(end, "ms") == 0                       ? 1e6
                     : strcmp(end, "us") == 0                       ? 1e3
                     : strcmp(end, "ns") == 0                       ? 1
                     : strcmp(end, "m") == 0                        ? 60e9
                                                                    : 0;
        if (mul == 0 || v * mul < 1)
                return false;
        *ns = (uint64_t)(v * mul);
        return true;
}

/* The value of option `name` at argv[*i]: "--name=V" or "--name V". */
static const char *opt_value(const char *name, int argc, char **argv, int *i, bool *matched)
{
        size_t n = strlen(name);
        const char *a = argv[*i];
        *matched = false;
        if (strncmp(a, name, n) != 0)
                return NULL;
        if (a[n] == '=') {
                *matched = true;
                return a + n + 1;
        }
        if (a[n] != 0)
                return NULL;
        *matched = true;
        if (*i + 1 == argc)
                return NULL;
        return argv[++*i];
}

int cli_run_parse_opt(cli_run_opts *o, const char *cmd, int argc, char **argv, int *i)
{
        const char *a = argv[*i], *v;
        bool m;
        if ((v = opt_value("--dir", argc, argv, i, &m)) || m) {
                if (!v || !*v)
                        return cli_usage(cmd, "'--dir' needs HOST[::GUEST]");
                if (o->ndirs == CLI_RUN_MAX_DIRS)
                        return cli_usage(cmd, "more than %d '--dir' options", CLI_RUN_MAX_DIRS);
                const char *sep = strstr(v, "::");
                if (sep) {
                        /* HOST::GUEST: the host part is copied out of argv. */
                        static char hosts[CLI_RUN_MAX_DIRS][4096];
                        size_t hl = (size_t)(sep - v);
                        if (hl == 0 || hl >= sizeof hosts[0] || !sep[2])
                                return cli_usage(cmd, "'--dir %s': expected HOST[::GUEST]", v);
                        memcpy(hosts[o->ndirs], v, hl);
                        hosts[o->ndirs][hl] = 0;
                        o->dir_host[o->ndirs] = hosts[o->ndirs];
                        o->dir_guest[o->ndirs] = sep + 2;
                } else {
                        o->dir_host[o->ndirs] = o->dir_guest[o->ndirs] = v;
                }
                o->ndirs++;
                return 1;
        }
        if ((v = opt_value("--env", argc, argv, i, &m)) || m) {
                if (!v || !*v || *v == '=')
                        return cli_usage(cmd, "'--env' needs KEY=VALUE or KEY");
                if (o->nenv == CLI_RUN_MAX_ENV)
                        return cli_usage(cmd, "more than %d '--env' options", CLI_RUN_MAX_ENV);
                if (!strchr(v, '=')) {
                        /* KEY alone: the host's value, as wasmtime does. */
                        const char *hv = getenv(v);
                        if (!hv)
                                return 1;
                        static char kv[CLI_RUN_MAX_ENV][4096];
                        if ((size_t)snprintf(kv[o->nenv], sizeof kv[0], "%s=%s", v, hv) >= sizeof kv[0])
                                return cli_usage(cmd, "'--env %s': value too long", v);
                        v = kv[o->nenv];
                }
                o->env[o->nenv++] = v;
                return 1;
        }
        if ((v = opt_value("--tcplisten", argc, argv, i, &m)) || m) {
                if (!v || !strrchr(v, ':'))
                        return cli_usage(cmd, "'--tcplisten' needs HOST:PORT");
                if (o->nlisten == CLI_RUN_MAX_LISTEN)
                        return cli_usage(cmd, "more than %d '--tcplisten' options", CLI_RUN_MAX_LISTEN);
                o->listen[o->nlisten++] = v;
                return 1;
        }
        if ((v = opt_value("--timeout", argc, argv, i, &m)) || m) {
                if (!v || !parse_duration(v, &o->timeout_ns))
                        return cli_usage(cmd, "'--timeout' needs a duration such as 10s or 500ms");
                return 1;
        }
        if (strcmp(a, "--no-sandbox") == 0) {
                o->no_sandbox = true;
                return 1;
        }
        if (strcmp(a, "--no-cache") == 0) {
                o->no_cache = true;
                return 1;
        }
        return 0;
}

static int run(int argc, char **argv)
{
        cli_run_opts o = {0};
        int i;
        for (i = 1; i < argc; i++) {
                const char *a = argv[i];
                int r;
                if (strcmp(a, "--") == 0) {
                        i++;
                        break;
                } else if (cli_is_help(a)) {
                        cli_print_help(&cli_run);
                        return CLI_EXIT_OK;
                } else if (strcmp(a, "--invoke") == 0) {
                        if (++i == argc)
                                return cli_usage("run", "'--invoke' needs a function name");
                        o.invoke = argv[i];
                } else if (strncmp(a, "--invoke=", 9) == 0) {
                        o.invoke = a + 9;
                } else if (strcmp(a, "--spectest") == 0) {
                        o.spectest = true;
                } else if (strcmp(a, "--snapshot") == 0) {
                        if (++i == argc)
                                return cli_usage("run", "'--snapshot' needs a snapshot file");
                        o.snapshot = argv[i];
                } else if (strcmp(a, "--memory-quota") == 0) {
                        if (++i == argc || !(o.memory_quota = wsbx_parse_size(argv[i])))
                                return cli_usage("run", "'--memory-quota' needs a size (bytes, or with K, M or G)");
                } else if (strcmp(a, "--trap-unknown-imports") == 0) {
                        o.trap_unknown = true;
                } else if ((r = cli_run_parse_opt(&o, "run", argc, argv, &i)) != 0) {
                        if (r != 1)
                                return r;
                } else if (a[0] == '-' && a[1] != 0) {
                        return cli_usage("run", "unknown option '%s'", a);
                } else {
                        break;
                }
        }
        /* Everything after FILE belongs to the program or function, dashes
         * included. */
        if (i == argc)
                return cli_usage("run", "no module file");
        o.file = argv[i];
        o.args = argv + i + 1;
        o.nargs = argc - i - 1;
        if (o.no_sandbox)
                fprintf(stderr, "wsbx: warning: --no-sandbox: the guest runs inside this process, unjailed\n");
        return cli_run_file(&o);
}

const cli_command cli_run = {
        .name = "run",
        .summary = "Run a WASI program or an exported function",
        .help =
        "Usage: wsbx run [OPTIONS] [--] FILE [ARGS...]\n"
        "\n"
        "Runs the WASI program FILE (.wasm or .wat; an artifact from 'wsbx\n"
        "compile' is loaded as is) in a jailed worker: _initialize when exported,\n"
        "then _start (or the empty-name export) with ARGS as its argv after\n"
        "argv[0] = FILE. The guest's fds 0-2 are this process's stdin, stdout and\n"
        "stderr, unbuffered; wasi_snapshot_preview1 imports are bound by name.\n"
        "\n"
        "With --invoke NAME, calls export NAME with ARGS parsed by its parameter\n"
        "types and prints each result on its own line:\n"
        "  i32, i64  decimal with an optional sign, or 0x hex (signed or unsigned)\n"
        "  f32, f64  decimal or hex floats, inf, -inf, nan, nan:0xPAYLOAD\n"
        "  v128      0x and up to 32 hex digits, the vector as a little-endian\n"
        "            128-bit integer\n"
        "  funcref, externref  null\n"
        "Results: integers signed decimal, floats as the shortest decimal that\n"
        "reads back exactly (nan, inf, or nan:0xP for a non-canonical NaN), v128\n"
        "as 0x and 32 hex digits, references as null, funcref or externref:0xV.\n"
        "\n"
        "An import nothing provides is an error that names it.\n"
        "\n"
        "Options:\n"
        "  --dir HOST[::GUEST]     Preopen directory HOST as GUEST (default: HOST)\n"
        "  --env KEY[=VALUE]       Set a guest environment variable (KEY alone:\n"
        "                          the host's value)\n"
        "  --tcplisten HOST:PORT   Listen on HOST:PORT and hand the socket to the\n"
        "                          guest as the fd after the --dir ones (sock_accept;\n"
        "                          repeatable, at most 3)\n"
        "  --timeout DUR           Per-call deadline (10s, 500ms, 2m)\n"
        "  --no-sandbox            Run the guest in this process, unjailed\n"
        "  --invoke NAME           Call export NAME with ARGS, print its results\n"
        "  --spectest              Provide the spec tests' 'spectest' module (its\n"
        "                          print functions write to stdout)\n"
        "  --trap-unknown-imports  Satisfy function imports nothing provides with\n"
        "                          functions that trap when called\n"
        "  --no-cache              Neither use nor fill the compile cache (see\n"
        "                          'wsbx cache --help')\n"
        "  --snapshot SNAP         With --invoke: restore the snapshot SNAP ('wsbx\n"
        "                          snapshot') instead of instantiating, in the\n"
        "                          jailed worker, pages served lazily on first\n"
        "                          touch (copied where /dev/userfaultfd cannot be\n"
        "                          opened)\n"
        "  --memory-quota SIZE     The instance may have at most SIZE bytes (K, M, G)\n"
        "                          of memory pages; the first touch past it traps\n"
        "                          'memory quota exceeded' (needs the sandbox and\n"
        "                          /dev/userfaultfd)\n"
        "  -h, --help              Show this help\n"
        "\n"
        "A trap prints 'wsbx: trap: MESSAGE' and the backtrace (function names and\n"
        "wasm offsets, innermost first) on stderr.\n"
        "\n"
        "Exit status: the guest's proc_exit code (0 when it returned), 1 the\n"
        "module could not be read, compiled, linked or instantiated, 2 usage\n"
        "error (also: wrong number or form of ARGS), 3 the guest trapped.\n",
        .run = run,
};
