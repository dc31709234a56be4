/* cmd_snapshot.c - `wsbx snapshot FILE [--init FUNC] [-o OUT]`: instance
 * snapshots.
 *
 * Instantiates FILE (its start function runs), calls the export FUNC once,
 * and saves the instance's state (memories, mutable globals, tables,
 * dropped segments) as a snapshot file (docs/artifact-format.md, "Snapshot
 * files") that instances of the same artifact restore instead of
 * initializing again. The module is compiled as `run` compiles it (compile
 * cache, jailed compile worker), so the snapshot's identity matches what
 * `run` loads.
 *
 * The guest runs in a session's jailed worker (a thread of this process
 * with --no-sandbox), which writes the snapshot into a memfd the session
 * seals and verifies (wsbx_session_snapshot); modules with imports are
 * refused for now. The output is written to a temporary name beside OUT
 * and renamed into place.
 *
 * `run --snapshot` restores in the worker through cli_run_file; only
 * `run --no-sandbox --snapshot` comes here (cli_snapshot_run), restoring
 * in this process through the loader, lazily through an in-process
 * userfaultfd server when one can be opened.
 */
#include "cli.h"
#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Prints "wsbx: FILE: trap: message" for a trap in the guest. */
static void print_trap(const char *file, const char *what, const wsbx_trap_info *t)
{
        const char *msg = t->kind == WSBX_TRAP_HOST && t->host_msg[0] ? t->host_msg : wsbx_trap_message(t->kind);
        fprintf(stderr, "wsbx: %s: %s: trap: %s\n", file, what, msg);
}

/* The store, the loaded artifact and a fresh instance of FILE, in this
 * process. Returns CLI_EXIT_OK with *s (the caller deletes it), or an
 * exit status after printing why. */
static int load_in_process(const char *file, bool no_cache, bool no_sandbox, bool instantiate, wsbx_store **s,
                           wsbx_loaded **l, wsbx_instance **in)
{
        *s = NULL;
        cli_load_opts lo = {.no_cache = no_cache, .no_sandbox = no_sandbox};
        int afd = cli_load_artifact(file, &lo);
        if (afd < 0)
                return CLI_EXIT_FAIL;
        int rc = wsbx_store_new(NULL, s);
        if (rc < 0) {
                fprintf(stderr, "wsbx: cannot create a store: %s\n", strerror(-rc));
                close(afd);
                return CLI_EXIT_FAIL;
        }
        wsbx_lerr e = {{0}};
        rc = wsbx_load_fd(*s, afd, l, &e);
        close(afd);
        if (rc < 0) {
                fprintf(stderr, "wsbx: %s: %s\n", file, e.msg[0] ? e.msg : strerror(-rc));
                return CLI_EXIT_FAIL;
        }
        const wsbx_artifact *a = wsbx_loaded_artifact(*l);
        if (a->nimports) {
                const wsbx_art_import *im = &a->imports[0];
                fprintf(stderr, "wsbx: %s: imports \"%.*s\" \"%.*s\": snapshots of modules with imports "
                                "are not supported yet\n",
                        file, (int)(im->module.len > 64 ? 64 : im->module.len), wsbx_artifact_str(a, im->module),
                        (int)(im->name.len > 64 ? 64 : im->name.len), wsbx_artifact_str(a, im->name));
                return CLI_EXIT_FAIL;
        }
        if (!instantiate)
                return CLI_EXIT_OK;
        wsbx_trap_info t;
        rc = wsbx_instantiate(*s, *l, NULL, 0, in, &t, &e);
        if (rc > 0) {
                print_trap(file, "instantiation", &t);
                return CLI_EXIT_TRAP;
        }
        if (rc < 0) {
                fprintf(stderr, "wsbx: %s: %s\n", file, e.msg[0] ? e.msg : strerror(-rc));
                return CLI_EXIT_FAIL;
        }
        return CLI_EXIT_OK;
}

/* Export NAME of in as a function, with its type; prints why not. */
static bool find_func(const char *file, wsbx_instance *in, const char *name, const wsbx_funcref **f,
                      const wsbx_art_type **type, const uint8_t **valtypes)
{
        const wsbx_artifact *a = wsbx_loaded_artifact(wsbx_instance_loaded(in));
        size_t len = strlen(name);
        for (uint32_t i = 0; i < a->nexports; i++) {
                const wsbx_art_export *x = &a->exports[i];
                if (x->name.len != len || memcmp(wsbx_artifact_str(a, x->name), name, len) != 0)
                        continue;
                if (x->kind != WSBX_ART_EXTERN_FUNC)
                        break;
                wsbx_extern ext;
                if (wsbx_instance_export(in, name, len, &ext) != 0)
                        break;
                *f = ext.u.func;
                *type = &a->types[a->funcs[x->index].type];
                *valtypes = a->blob + (*type)->vt_off;
                return true;
        }
        fprintf(stderr, "wsbx: %s: no exported function \"%s\"\n", file, name);
        return false;
}

/* Serves a lazily restored memory from the snapshot on a thread. */
typedef struct lazy_mem {
        wsbx_uffd_server *srv;
} lazy_mem;

/* Restores snap into a new instance of l: lazily through a userfaultfd
 * when this process can open one (the servers are returned in *lazy, one
 * per memory, NULL entries when copied), else by copying. */
static int restore(const char *file, wsbx_store *s, wsbx_loaded *l, wsbx_snapshot *snap, int *uffd,
                   lazy_mem *lazy, wsbx_instance **in)
{
        uint32_t n = wsbx_snapshot_nmemories(snap);
        wsbx_snapshot_range *rg = calloc(n + 1, sizeof *rg);
        wsbx_lerr e = {{0}};
        if (!rg) {
                fprintf(stderr, "wsbx: %s: out of memory\n", file);
                return CLI_EXIT_FAIL;
        }
        *uffd = n ? wsbx_uffd_open(false) : -1;
        int rc = wsbx_snapshot_restore(s, l, snap, NULL, 0, *uffd >= 0 ? WSBX_SNAPSHOT_LAZY : 0, rg, in, &e);
        for (uint32_t i = 0; rc == 0 && *uffd >= 0 && i < n; i++) {
                const uint8_t *src;
                size_t len;
                if (!rg[i].len)
                        continue;
                if ((rc = wsbx_snapshot_memory_source(snap, i, &src, &len)) < 0 ||
                    (rc = wsbx_uffd_register(*uffd, rg[i].base, rg[i].len)) < 0 ||
                    (rc = wsbx_uffd_server_start(*uffd, rg[i].base, rg[i].len, src, len, NULL, NULL,
                                                 &lazy[i].srv)) < 0)
                        snprintf(e.msg, sizeof e.msg, "serving memory %u lazily: %s", i, strerror(-rc));
        }
        free(rg);
        if (rc < 0) {
                fprintf(stderr, "wsbx: %s: %s\n", file, e.msg[0] ? e.msg : strerror(-rc));
                return CLI_EXIT_FAIL;
        }
        return CLI_EXIT_OK;
}

int cli_snapshot_run(const cli_run_opts *o, const char *snap_path)
{
        if (!o->invoke)
                return cli_usage("run", "--snapshot needs --invoke NAME (programs are not restored yet)");
        if (o->ndirs || o->nenv || o->timeout_ns || o->spectest || o->hooks)
                return cli_usage("run", "--snapshot takes no --dir, --env, --timeout or --spectest yet");
        int sfd = open(snap_path, O_RDONLY | O_CLOEXEC);
        if (sfd < 0) {
                fprintf(stderr, "wsbx: %s: %s\n", snap_path, strerror(errno));
                return CLI_EXIT_FAIL;
        }
        wsbx_snapshot *snap = NULL;
        wsbx_lerr e = {{0}};
        int rc = wsbx_snapshot_load(sfd, &snap, &e);
        close(sfd);
        if (rc < 0) {
                fprintf(stderr, "wsbx: %s: %s\n", snap_path, e.msg[0] ? e.msg : strerror(-rc));
                return CLI_EXIT_FAIL;
        }
        wsbx_store *s = NULL;
        wsbx_loaded *l;
        wsbx_instance *in = NULL;
        int uffd = -1;
        uint32_t nm = wsbx_snapshot_nmemories(snap);
        lazy_mem *lazy = calloc(nm + 1, sizeof *lazy);
        wsbx_val_raw *vals = NULL;
        int status = lazy ? load_in_process(o->file, o->no_cache, o->no_sandbox, false, &s, &l, NULL) : CLI_EXIT_FAIL;
        if (status == CLI_EXIT_OK)
                status = restore(snap_path, s, l, snap, &uffd, lazy, &in);
        const wsbx_funcref *f;
        const wsbx_art_type *ty;
        const uint8_t *vt;
        if (status == CLI_EXIT_OK && !find_func(o->file, in, o->invoke, &f, &ty, &vt))
                status = CLI_EXIT_FAIL;
        if (status == CLI_EXIT_OK && (uint32_t)o->nargs != ty->nparams) {
                fprintf(stderr, "wsbx: %s: %s takes %u arguments, %d given\n", o->file, o->invoke, ty->nparams,
                        o->nargs);
                status = CLI_EXIT_USAGE;
        }
        if (status == CLI_EXIT_OK) {
                uint32_t n = ty->nparams > ty->nresults ? ty->nparams : ty->nresults;
                vals = calloc(n ? n : 1, sizeof *vals);
                for (uint32_t i = 0; vals && i < ty->nparams && status == CLI_EXIT_OK; i++)
                        if (!cli_run_parse_arg(o->args[i], vt[i], &vals[i])) {
                                fprintf(stderr, "wsbx: %s: argument %u: '%s' is not a valid %s\n", o->file, i + 1,
                                        o->args[i], wsbx_valtype_name(vt[i]));
                                status = CLI_EXIT_USAGE;
                        }
                wsbx_trap_info t;
                rc = !vals ? -ENOMEM : status == CLI_EXIT_OK ? wsbx_invoke(s, f, vals, n ? n : 1, &t) : 0;
                if (rc > 0) {
                        print_trap(o->file, o->invoke, &t);
                        status = CLI_EXIT_TRAP;
                } else if (rc < 0) {
                        fprintf(stderr, "wsbx: %s: calling %s: %s\n", o->file, o->invoke, strerror(-rc));
                        status = CLI_EXIT_FAIL;
                } else if (status == CLI_EXIT_OK) {
                        for (uint32_t i = 0; i < ty->nresults; i++)
                                cli_run_print_result(vt[ty->nparams + i], &vals[i]);
                }
        }
        fflush(stdout);
        for (uint32_t i = 0; lazy && i < nm; i++)
                wsbx_uffd_server_stop(lazy[i].srv);
        wsbx_store_delete(s);
        if (uffd >= 0)
                close(uffd);
        free(vals);
        free(lazy);
        wsbx_snapshot_delete(snap);
        return status;
}

/* Copies the snapshot memfd to OUT through a temporary name beside it. */
static int write_file(const char *out, int from)
{
        size_t n = strlen(out) + 24;
        char *tmp = malloc(n);
        if (!tmp) {
                fprintf(stderr, "wsbx: %s: out of memory\n", out);
                return -ENOMEM;
        }
        snprintf(tmp, n, "%s.tmp%ld", out, (long)getpid());
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        int rc = fd < 0 ? -errno : 0;
        char buf[65536];
        off_t off = 0;
        while (rc == 0) {
                ssize_t r = pread(from, buf, sizeof buf, off);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0) {
                        rc = r < 0 ? -errno : 0;
                        break;
                }
                for (ssize_t w = 0; rc == 0 && w < r;) {
                        ssize_t k = write(fd, buf + w, (size_t)(r - w));
                        if (k < 0 && errno != EINTR)
                                rc = -errno;
                        else if (k > 0)
                                w += k;
                }
                off += r;
        }
        if (rc == 0 && fsync(fd) != 0)
                rc = -errno;
        if (fd >= 0 && close(fd) != 0 && rc == 0)
                rc = -errno;
        if (rc == 0 && rename(tmp, out) != 0)
                rc = -errno;
        if (rc < 0) {
                fprintf(stderr, "wsbx: %s: %s\n", out, strerror(-rc));
                unlink(tmp);
        }
        free(tmp);
        return rc;
}

/* Prints "wsbx: FILE: reason" for a failed session call; the exit status. */
static int session_failed(const char *file, const char *what, int rc, const wsbx_status *st)
{
        if (rc == WSBX_SESS_TRAP) {
                fprintf(stderr, "wsbx: %s: %s: trap: %s\n", file, what, st->msg);
                if (st->backtrace[0])
                        fputs(st->backtrace, stderr);
                return CLI_EXIT_TRAP;
        }
        if (rc < 0)
                fprintf(stderr, "wsbx: %s: %s: %s%s%s\n", file, what, strerror(-rc), st->msg[0] ? ": " : "",
                        st->msg);
        else
                fprintf(stderr, "wsbx: %s: %s: %s\n", file, what, st->msg);
        return CLI_EXIT_FAIL;
}

/* `wsbx snapshot`: FILE instantiated and FUNC called in a session's worker
 * (jailed, or a thread of this process with no_sandbox), which writes the
 * snapshot into a memfd this process sealed and verified; copied to OUT. */
static int take_in_session(const char *file, const char *init, const char *out, bool no_cache, bool no_sandbox)
{
        cli_load_opts lo = {.no_cache = no_cache, .no_sandbox = no_sandbox};
        int afd = cli_load_artifact(file, &lo);
        if (afd < 0)
                return CLI_EXIT_FAIL;
        wsbx_session_config cfg = {.no_sandbox = no_sandbox};
        wsbx_session *s = NULL;
        wsbx_status st = {0};
        int rc = wsbx_session_open_cfg(&cfg, &s, &st);
        if (rc < 0) {
                fprintf(stderr, "wsbx: cannot start the runtime: %s\n", st.msg[0] ? st.msg : strerror(-rc));
                close(afd);
                return CLI_EXIT_FAIL;
        }
        int status = CLI_EXIT_OK, sfd = -1;
        wsbx_handle mod, inst;
        const wsbx_sess_import *imps;
        uint32_t nimps = 0;
        rc = wsbx_session_load_fd(s, afd, &mod, &st);
        close(afd);
        if (rc != 0) {
                status = session_failed(file, "loading", rc, &st);
                goto out;
        }
        if (wsbx_session_module_imports(s, mod, &imps, &nimps) == 0 && nimps) {
                fprintf(stderr, "wsbx: %s: imports \"%.*s\" \"%.*s\": snapshots of modules with imports "
                                "are not supported yet\n",
                        file, (int)(imps[0].module.len > 64 ? 64 : imps[0].module.len), imps[0].module.ptr,
                        (int)(imps[0].name.len > 64 ? 64 : imps[0].name.len), imps[0].name.ptr);
                status = CLI_EXIT_FAIL;
                goto out;
        }
        rc = wsbx_session_instantiate(s, mod, NULL, 0, &inst, &st);
        if (rc != 0) {
                status = session_failed(file, "instantiation", rc, &st);
                goto out;
        }
        if (init) {
                wsbx_sess_extern x;
                rc = wsbx_session_export(s, inst, init, strlen(init), &x, &st);
                if (rc == WSBX_SESS_NOTFOUND || (rc == 0 && x.kind != WSBX_EXTERN_FUNC)) {
                        fprintf(stderr, "wsbx: %s: no exported function \"%s\"\n", file, init);
                        status = CLI_EXIT_FAIL;
                        goto out;
                }
                if (rc != 0) {
                        status = session_failed(file, init, rc, &st);
                        goto out;
                }
                if (x.type.func.nparams) {
                        fprintf(stderr, "wsbx: %s: --init %s: the function takes %u parameters; it must take none\n",
                                file, init, x.type.func.nparams);
                        status = CLI_EXIT_FAIL;
                        goto out;
                }
                uint32_t nr = x.type.func.nresults;
                wsbx_val_raw *res = calloc((size_t)nr + 1, sizeof *res);
                rc = res ? wsbx_session_invoke(s, x.handle, NULL, NULL, 0, res, NULL, nr, &st) : -ENOMEM;
                free(res);
                if (rc != 0) {
                        status = session_failed(file, init, rc, &st);
                        goto out;
                }
        }
        rc = wsbx_session_snapshot(s, inst, &sfd, &st);
        if (rc != 0) {
                status = session_failed(file, "snapshot", rc, &st);
                goto out;
        }
        /* Verified already; read back for the summary. */
        wsbx_snapshot *snap = NULL;
        wsbx_lerr e = {{0}};
        rc = wsbx_snapshot_load(sfd, &snap, &e);
        if (rc < 0) {
                fprintf(stderr, "wsbx: %s: %s\n", file, e.msg[0] ? e.msg : strerror(-rc));
                status = CLI_EXIT_FAIL;
                goto out;
        }
        if (write_file(out, sfd) < 0) {
                status = CLI_EXIT_FAIL;
        } else {
                uint64_t pages = 0;
                for (uint32_t i = 0; i < wsbx_snapshot_nmemories(snap); i++)
                        pages += wsbx_snapshot_memory_data_pages(snap, i);
                printf("%s: %u memories, %llu non-zero pages\n", out, wsbx_snapshot_nmemories(snap),
                       (unsigned long long)pages);
        }
        wsbx_snapshot_delete(snap);
out:
        if (sfd >= 0)
                close(sfd);
        wsbx_session_close(s);
        return status;
}

/* FILE.wasm / FILE.wat / FILE.cwasm / FILE -> FILE.snap */
static char *default_output(const char *in)
{
        const char *slash = strrchr(in, '/');
        const char *dot = strrchr(in, '.');
        size_t stem = dot && (!slash || dot > slash + 1) ? (size_t)(dot - in) : strlen(in);
        char *out = malloc(stem + 6);
        if (out) {
                memcpy(out, in, stem);
                memcpy(out + stem, ".snap", 6);
        }
        return out;
}

static int run(int argc, char **argv)
{
        const char *in_path = NULL, *out = NULL, *init = NULL;
        bool dashdash = false, no_cache = false, no_sandbox = false;
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (!dashdash && strcmp(a, "--") == 0) {
                        dashdash = true;
                } else if (!dashdash && cli_is_help(a)) {
                        cli_print_help(&cli_snapshot);
                        return CLI_EXIT_OK;
                } else if (!dashdash && (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)) {
                        if (++i == argc)
                                return cli_usage("snapshot", "'%s' needs a file name", a);
                        out = argv[i];
                } else if (!dashdash && strcmp(a, "--init") == 0) {
                        if (++i == argc)
                                return cli_usage("snapshot", "'--init' needs a function name");
                        init = argv[i];
                } else if (!dashdash && strncmp(a, "--init=", 7) == 0) {
                        init = a + 7;
                } else if (!dashdash && strcmp(a, "--no-cache") == 0) {
                        no_cache = true;
                } else if (!dashdash && strcmp(a, "--no-sandbox") == 0) {
                        no_sandbox = true;
                } else if (!dashdash && a[0] == '-' && a[1] != 0) {
                        return cli_usage("snapshot", "unknown option '%s'", a);
                } else if (in_path) {
                        return cli_usage("snapshot", "one input file at a time");
                } else {
                        in_path = a;
                }
        }
        if (!in_path)
                return cli_usage("snapshot", "no input file");
        char *def = NULL;
        if (!out) {
                if (strcmp(in_path, "-") == 0)
                        return cli_usage("snapshot", "reading standard input needs -o");
                out = def = default_output(in_path);
                if (!def) {
                        fprintf(stderr, "wsbx: out of memory\n");
                        return CLI_EXIT_FAIL;
                }
        }
        int status = take_in_session(in_path, init, out, no_cache, no_sandbox);
        free(def);
        return status;
}

const cli_command cli_snapshot = {
        .name = "snapshot",
        .summary = "Run an init function once and save the instance as a snapshot",
        .help =
        "Usage: wsbx snapshot [OPTIONS] FILE [--init FUNC] [-o OUT]\n"
        "\n"
        "Instantiates FILE (.wasm, .wat or an artifact from 'wsbx compile'; its\n"
        "start function runs), calls the exported function FUNC (no parameters)\n"
        "once, and saves the instance's memories (non-zero pages), mutable\n"
        "globals, tables and dropped segments to OUT (default: FILE with the\n"
        "extension .snap). Instances of the same compiled module restore the\n"
        "snapshot instead of initializing again; a snapshot is refused for any\n"
        "other module.\n"
        "\n"
        "The module is compiled in the jailed compile worker, and the start\n"
        "function and FUNC run in a jailed worker, which writes the snapshot\n"
        "into a memfd wsbx seals and checks before writing OUT. Modules with\n"
        "imports are refused, and a table or global holding a host reference\n"
        "cannot be saved.\n"
        "\n"
        "Options:\n"
        "  --init FUNC        The export to call before saving\n"
        "  -o, --output OUT   The snapshot file\n"
        "  --no-cache         Neither look up nor store in the compile cache\n"
        "  --no-sandbox       Compile and run in this process, unjailed (debugging)\n"
        "\n"
        "Exit status: 0 saved, 1 failure, 2 usage error, 3 the guest trapped.\n",
        .run = run,
};
