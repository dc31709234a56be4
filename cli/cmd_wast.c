/* cmd_wast.c - `wsbx wast FILE...`: runs spec test scripts.
 *
 * Each script is parsed whole (wsbx_script_parse), then its commands run
 * in order against a small bookkeeping of modules: the current module,
 * modules named with $id, module definitions and registrations, as the
 * reference interpreter keeps them. Every command ends as exactly one of
 * passed, failed or skipped.
 *
 * No module is parsed, decoded, validated or compiled in this process:
 * the script is parsed with WSBX_SCRIPT_TEXT_SPANS, so inline text
 * modules are only skipped to their closing paren and kept as written,
 * and every module of a script (binary, quoted or inline text) goes to
 * the run's compile worker
 * (cli_compile_script_module), whose verdict decides assert_malformed and
 * assert_invalid, and whose artifact, verified here as hostile bytes
 * (wsbx_artifact_open), tells the runner the module's imports, exports
 * and types. Execution goes through the runtime's message layer only
 * (sandbox.h): each script gets one session (one store in one worker)
 * with the `spectest` module registered in it; a module's artifact is
 * sent to the session's worker (LOAD, as the sealed memfd), and
 * instantiated there with its imports resolved by name against the
 * registrations (EXPORT of the registered instance; "unknown import"
 * when a name is missing, the worker's "incompatible import type" when a
 * kind or type does not fit).
 * Actions look their export up and INVOKE it or read the global.
 * References cross as the session represents them: funcref values are
 * handles, externref values opaque words, `ref.extern N` being N + 1 so
 * that 0 stays null.
 *
 * The three exec_* functions are the only code that talks to the
 * session. A command counts as skipped only when it did not run: its
 * module failed earlier (that failure is reported once).
 *
 * Checked: every module must decode, validate, compile and instantiate;
 * the modules of assert_malformed and assert_invalid must be rejected with
 * the right kind and a message that starts with the expected text (prefix
 * match, as the reference interpreter's runner does); actions must name a
 * module and an export of the right kind that exist, with arguments of the
 * right types, and return what assert_return expects (NaN classes, lanes,
 * references) or trap with a message that starts with assert_trap's text;
 * assert_exhaustion expects "call stack exhausted"; assert_unlinkable and
 * assert_uninstantiable expect the link error or the trap.
 *
 * Output: one summary line per file and a total line on stdout; one line
 * per failure on stderr, "FILE:LINE: command: expected ..., got ...".
 */
#include "cli.h"
#include "loader.h"
#include "sandbox.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum outcome {
        OUT_PASS,
        OUT_FAIL,
        OUT_SKIP,
} outcome;

/* A module compiled by the compile worker: its sealed artifact memfd and
 * a verified view of it, mapped read-only. */
struct cmod {
        int fd;
        void *map;
        size_t len;
        wsbx_artifact art;
};

/* A module the script defined: compiled (NULL if it failed to load, so
 * later commands on it skip instead of piling up failures). */
struct entry {
        wsbx_name id;          /* $name or len 0 */
        bool definition;       /* (module definition): not instantiated */
        struct cmod *module;   /* owned unless `borrowed` */
        bool borrowed;         /* module instance: shares its definition's module */
        wsbx_handle inst;      /* its instance in the session, 0 if none */
};

struct registration {
        wsbx_name as;          /* the name imports use */
        wsbx_handle inst;
};

struct runner {
        const char *file;
        struct entry *entries;
        uint32_t nentries, cap;
        int64_t current;       /* entry of the current module, or -1 */
        struct registration *regs;
        uint32_t nregs, regcap;
        unsigned long passed, failed, skipped;
        wsbx_session *session; /* one per script, opened on first use */
        bool no_sandbox;       /* loopback worker thread instead of a jailed process */
        FILE *print;           /* where spectest's print functions write */
};

static void fail(struct runner *r, const wsbx_command *c, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void fail(struct runner *r, const wsbx_command *c, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "%s:%u: %s: ", r->file, c->line, wsbx_cmdkind_name(c->kind));
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
}

/* "malformed: msg (at 0x1b)" for failure lines. `where` says what the
 * error's position refers to when it is not this file. */
static void describe(char *buf, size_t size, const wsbx_error *err, const char *where)
{
        char what[WSBX_ERROR_MSG_MAX + 64];
        cli_format_error(what, sizeof what, err);
        if (err->line)
                snprintf(buf, size, "%s (at %s%u:%u)", what, where, err->line, err->col);
        else if (err->offset != SIZE_MAX)
                snprintf(buf, size, "%s (at offset 0x%zx)", what, err->offset);
        else
                snprintf(buf, size, "%s", what);
}

/* ------------------------------------------------------------------------ */
/* Bookkeeping                                                              */
/* ------------------------------------------------------------------------ */

static bool name_eq(const wsbx_name *a, const char *p, size_t len)
{
        return a->len == len && (len == 0 || memcmp(a->ptr, p, len) == 0);
}

static struct entry *add_entry(struct runner *r)
{
        if (r->nentries == r->cap) {
                uint32_t cap = r->cap ? 2 * r->cap : 16;
                struct entry *n = cap > r->cap ? realloc(r->entries, cap * sizeof *n) : NULL;
                if (!n)
                        return NULL;
                r->entries = n;
                r->cap = cap;
        }
        struct entry *e = &r->entries[r->nentries++];
        memset(e, 0, sizeof *e);
        return e;
}

/* The newest entry named `id` (a later module may reuse a name), or with
 * an empty id the current module. Returns -1 and explains in `why`. */
static int64_t find_entry(struct runner *r, const wsbx_name *id, bool want_definition, char *why, size_t n)
{
        if (id->len == 0) {
                if (r->current < 0)
                        snprintf(why, n, "no current module");
                return r->current;
        }
        for (uint32_t i = r->nentries; i-- > 0;) {
                const struct entry *e = &r->entries[i];
                if (e->definition == want_definition && name_eq(&e->id, id->ptr, id->len))
                        return i;
        }
        snprintf(why, n, "unknown module %.*s", (int)(id->len > 200 ? 200 : id->len), id->ptr);
        return -1;
}

static void cmod_delete(struct cmod *m)
{
        if (!m)
                return;
        wsbx_artifact_close(&m->art);
        if (m->map)
                munmap(m->map, m->len);
        if (m->fd >= 0)
                close(m->fd);
        free(m);
}

static void runner_reset(struct runner *r)
{
        for (uint32_t i = 0; i < r->nentries; i++)
                if (!r->entries[i].borrowed)
                        cmod_delete(r->entries[i].module);
        free(r->entries);
        free(r->regs);
        wsbx_session_close(r->session);
        r->session = NULL;
        r->entries = NULL;
        r->regs = NULL;
        r->nentries = r->cap = r->nregs = r->regcap = 0;
        r->current = -1;
}

/* ------------------------------------------------------------------------ */
/* Execution                                                                */
/* ------------------------------------------------------------------------ */

typedef enum exec_status {
        EXEC_UNAVAILABLE, /* did not run: its module failed before */
        EXEC_OK,
        EXEC_TRAP,        /* `msg` holds the trap message */
        EXEC_EXHAUSTED,   /* call stack exhausted */
        EXEC_LINK_ERROR,  /* instantiation: an import could not be resolved */
        EXEC_ERROR,       /* the runtime failed (compile, transport): `msg` */
} exec_status;

#define EXEC_MSG_MAX 512

static bool add_registration(struct runner *r, wsbx_name as, wsbx_handle inst)
{
        if (r->nregs == r->regcap) {
                uint32_t cap = r->regcap ? 2 * r->regcap : 8;
                struct registration *n = cap > r->regcap ? realloc(r->regs, cap * sizeof *n) : NULL;
                if (!n)
                        return false;
                r->regs = n;
                r->regcap = cap;
        }
        r->regs[r->nregs++] = (struct registration){as, inst};
        return true;
}

/* Maps a session call's result to a status, filling msg. */
static exec_status outcome_of(int rc, const wsbx_status *st, char *msg)
{
        if (rc < 0) {
                snprintf(msg, EXEC_MSG_MAX, "runtime: %s", st->msg[0] ? st->msg : strerror(-rc));
                return EXEC_ERROR;
        }
        snprintf(msg, EXEC_MSG_MAX, "%s", st->msg);
        switch (rc) {
        case WSBX_SESS_OK:
                return EXEC_OK;
        case WSBX_SESS_TRAP:
                return st->trap == WSBX_TRAP_STACK_OVERFLOW ? EXEC_EXHAUSTED : EXEC_TRAP;
        case WSBX_SESS_LINK:
                return EXEC_LINK_ERROR;
        default:
                snprintf(msg, EXEC_MSG_MAX, "runtime error: %s", st->msg);
                return EXEC_ERROR;
        }
}

/* The script's session, with `spectest` registered. NULL (msg filled)
 * when the runtime cannot start. */
static wsbx_session *session(struct runner *r, char *msg)
{
        if (r->session)
                return r->session;
        wsbx_status st = {0};
        wsbx_handle spectest = 0;
        wsbx_session_config cfg = {.no_sandbox = r->no_sandbox};
        int e = wsbx_session_open_cfg(&cfg, &r->session, &st);
        if (e == 0)
                e = wsbx_spectest_instantiate(r->session, r->print, &spectest, &st);
        if (e == 0 && !add_registration(r, (wsbx_name){"spectest", 8}, spectest))
                e = -ENOMEM;
        if (e != 0) {
                snprintf(msg, EXEC_MSG_MAX, "runtime: cannot start: %s", st.msg[0] ? st.msg : strerror(-e));
                wsbx_session_close(r->session);
                r->session = NULL;
        }
        return r->session;
}

/* The extern an import names, or 0 (msg says "unknown import"). */
static wsbx_handle resolve_import(struct runner *r, const wsbx_artifact *a, const wsbx_art_import *imp,
                                  char *msg, exec_status *s)
{
        const char *mod = wsbx_artifact_str(a, imp->module), *name = wsbx_artifact_str(a, imp->name);
        for (uint32_t i = r->nregs; i-- > 0;) {
                const struct registration *g = &r->regs[i];
                if (!name_eq(&g->as, mod, imp->module.len))
                        continue;
                wsbx_sess_extern x;
                wsbx_status st;
                int rc = wsbx_session_export(r->session, g->inst, name, imp->name.len, &x, &st);
                if (rc == WSBX_SESS_OK)
                        return x.handle;
                if (rc != WSBX_SESS_NOTFOUND) {
                        *s = outcome_of(rc, &st, msg);
                        return 0;
                }
                break;
        }
        snprintf(msg, EXEC_MSG_MAX, "unknown import \"%.*s\" \"%.*s\"", (int)(imp->module.len > 100 ? 100 : imp->module.len),
                 mod, (int)(imp->name.len > 100 ? 100 : imp->name.len), name);
        *s = EXEC_LINK_ERROR;
        return 0;
}

/* Instantiates entry `e` (imports resolved through r->regs). */
static exec_status exec_instantiate(struct runner *r, struct entry *e, char *msg)
{
        if (!session(r, msg))
                return EXEC_ERROR;
        wsbx_status st;
        wsbx_handle mod;
        int rc = wsbx_session_load_fd(r->session, e->module->fd, &mod, &st);
        if (rc != WSBX_SESS_OK)
                return outcome_of(rc, &st, msg);
        const wsbx_artifact *a = &e->module->art;
        uint32_t n = a->nimports;
        wsbx_handle *imports = calloc(n ? n : 1, sizeof *imports);
        if (!imports) {
                snprintf(msg, EXEC_MSG_MAX, "out of memory");
                return EXEC_ERROR;
        }
        exec_status s = EXEC_OK;
        for (uint32_t i = 0; i < n && s == EXEC_OK; i++)
                imports[i] = resolve_import(r, a, &a->imports[i], msg, &s);
        if (s == EXEC_OK) {
                rc = wsbx_session_instantiate(r->session, mod, imports, n, &e->inst, &st);
                s = outcome_of(rc, &st, msg);
        }
        free(imports);
        return s;
}

/* Script values <-> the session's raw values. */
static wsbx_val_raw raw_of(const wsbx_value *v)
{
        wsbx_val_raw x = {0};
        switch (v->type) {
        case WSBX_I32:
        case WSBX_F32:
                x.i32 = v->u.i32;
                break;
        case WSBX_I64:
        case WSBX_F64:
                x.i64 = v->u.i64;
                break;
        case WSBX_V128:
                memcpy(x.v128, v->u.v128, 16);
                break;
        case WSBX_EXTERNREF:
                x.i64 = v->is_null ? 0 : (uint64_t)v->u.ref + 1;
                break;
        default:
                /* funcref arguments can only be written as ref.null */
                x.i64 = 0;
                break;
        }
        return x;
}

static wsbx_value value_of(wsbx_valtype t, const wsbx_val_raw *x)
{
        wsbx_value v = {.type = t};
        switch (t) {
        case WSBX_I32:
        case WSBX_F32:
                v.u.i32 = x->i32;
                break;
        case WSBX_I64:
        case WSBX_F64:
                v.u.i64 = x->i64;
                break;
        case WSBX_V128:
                v.shape = WSBX_SHAPE_I32X4;
                memcpy(v.u.v128, x->v128, 16);
                break;
        case WSBX_EXTERNREF:
                v.is_null = x->i64 == 0;
                v.u.ref = v.is_null ? 0 : (uint32_t)(x->i64 - 1);
                break;
        default:
                v.is_null = x->i64 == 0;
                v.u.ref = (uint32_t)x->i64;
                break;
        }
        return v;
}

/* Looks up export `a->field` of `e`, which must be of `kind`. */
static exec_status find_extern(struct runner *r, struct entry *e, const wsbx_action *a, wsbx_externkind kind,
                               wsbx_sess_extern *x, char *msg)
{
        if (!e->inst || !r->session)
                return EXEC_UNAVAILABLE;
        wsbx_status st;
        int rc = wsbx_session_export(r->session, e->inst, a->field.ptr, a->field.len, x, &st);
        if (rc == WSBX_SESS_NOTFOUND || (rc == WSBX_SESS_OK && x->kind != kind)) {
                snprintf(msg, EXEC_MSG_MAX, "runtime: no %s export \"%.100s\"", wsbx_externkind_name(kind),
                         a->field.ptr);
                return EXEC_ERROR;
        }
        return outcome_of(rc, &st, msg);
}

/* Calls export `a->field` of `e` with `a->args`; stores `nresults` values
 * (the function type's count) in `results`. */
static exec_status exec_invoke(struct runner *r, struct entry *e, const wsbx_action *a, wsbx_value *results,
                               uint32_t nresults, char *msg)
{
        wsbx_sess_extern x;
        exec_status s = find_extern(r, e, a, WSBX_EXTERN_FUNC, &x, msg);
        if (s != EXEC_OK)
                return s;
        uint32_t n = a->nargs > nresults ? a->nargs : nresults;
        wsbx_val_raw *raw = calloc(2 * (size_t)n + 1, sizeof *raw);
        wsbx_valtype *types = malloc(2 * (size_t)n + 1);
        if (!raw || !types) {
                free(raw);
                free(types);
                snprintf(msg, EXEC_MSG_MAX, "out of memory");
                return EXEC_ERROR;
        }
        for (uint32_t i = 0; i < a->nargs; i++) {
                raw[i] = raw_of(&a->args[i]);
                types[i] = a->args[i].type;
        }
        wsbx_status st;
        int rc = wsbx_session_invoke(r->session, x.handle, types, raw, a->nargs, raw + n, types + n, nresults, &st);
        s = outcome_of(rc, &st, msg);
        for (uint32_t i = 0; s == EXEC_OK && i < nresults; i++)
                results[i] = value_of(types[n + i], &raw[n + i]);
        free(raw);
        free(types);
        return s;
}

/* Reads global export `a->field` of `e` into *result. */
static exec_status exec_get(struct runner *r, struct entry *e, const wsbx_action *a, wsbx_value *result,
                            char *msg)
{
        wsbx_sess_extern x;
        exec_status s = find_extern(r, e, a, WSBX_EXTERN_GLOBAL, &x, msg);
        if (s != EXEC_OK)
                return s;
        wsbx_status st;
        wsbx_val_raw v;
        wsbx_valtype t;
        int rc = wsbx_session_global_get(r->session, x.handle, &v, &t, &st);
        s = outcome_of(rc, &st, msg);
        if (s == EXEC_OK)
                *result = value_of(t, &v);
        return s;
}

/* ------------------------------------------------------------------------ */
/* Modules                                                                  */
/* ------------------------------------------------------------------------ */

/* Compiles a script module in whatever form it was written, in the
 * compile worker, and verifies the artifact it sends back. `where`
 * receives what err's line:col refers to. */
static wsbx_errkind load(struct runner *r, const wsbx_script_module *sm, struct cmod **out, wsbx_error *err,
                         const char **where)
{
        *out = NULL;
        *where = "";
        if (sm->form == WSBX_MODFORM_TEXT && sm->error.kind != WSBX_OK) {
                *err = sm->error;
                return err->kind;
        }
        if (sm->form == WSBX_MODFORM_QUOTE)
                *where = "quoted text ";
        else if (sm->form != WSBX_MODFORM_TEXT && sm->form != WSBX_MODFORM_BINARY)
                return wsbx_error_set(err, WSBX_ERR_MALFORMED, SIZE_MAX, "unknown module form");
        int fd;
        if (sm->form == WSBX_MODFORM_TEXT && sm->text) {
                /* Kept as written (WSBX_SCRIPT_TEXT_SPANS): parsed by the
                 * compile worker; its positions are mapped back onto the
                 * script. */
                static const char head[] = "(module ";
                size_t n = sizeof head - 1 + sm->text_len + 2;
                char *src = malloc(n + 1);
                if (!src)
                        return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
                snprintf(src, n + 1, "%s%s\n)", head, sm->text);
                fd = cli_compile_script_module((const uint8_t *)src, n, true, r->no_sandbox, err);
                free(src);
                if (fd < 0 && err->line == 1 && err->col > sizeof head - 1) {
                        err->line = sm->text_line;
                        err->col = sm->text_col + err->col - (uint32_t)sizeof head;
                } else if (fd < 0 && err->line > 1) {
                        err->line += sm->text_line - 1;
                }
        } else {
                /* Binary, quoted text, or text the parser encoded. */
                fd = cli_compile_script_module(sm->bytes, sm->len, sm->form == WSBX_MODFORM_QUOTE, r->no_sandbox,
                                               err);
        }
        if (fd < 0)
                return err->kind != WSBX_OK ? err->kind : WSBX_ERR_IO;
        *where = "";
        struct cmod *m = calloc(1, sizeof *m);
        struct stat st;
        wsbx_lerr lerr = {{0}};
        if (!m || fstat(fd, &st) < 0 || st.st_size <= 0) {
                free(m);
                close(fd);
                return wsbx_error_set(err, WSBX_ERR_IO, SIZE_MAX, "compile worker: no artifact");
        }
        m->fd = fd;
        m->len = (size_t)st.st_size;
        m->map = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m->map == MAP_FAILED) {
                m->map = NULL;
                cmod_delete(m);
                return wsbx_error_set(err, WSBX_ERR_IO, SIZE_MAX, "artifact: %s", strerror(errno));
        }
        if (wsbx_artifact_open(m->map, m->len, wsbx_cpu_features(), &m->art, &lerr) < 0) {
                cmod_delete(m);
                return wsbx_error_set(err, WSBX_ERR_IO, SIZE_MAX, "artifact refused: %s", lerr.msg);
        }
        *out = m;
        return WSBX_OK;
}

/* Loads a module the script expects to be valid; on failure reports it.
 * Returns the module (owned by the caller) or NULL. */
static struct cmod *load_valid(struct runner *r, const wsbx_command *c)
{
        struct cmod *m;
        wsbx_error err = {0};
        const char *where;
        if (load(r, c->module, &m, &err, &where) == WSBX_OK)
                return m;
        char got[WSBX_ERROR_MSG_MAX + 128];
        describe(got, sizeof got, &err, where);
        fail(r, c, "expected a valid module, got %s", got);
        return NULL;
}

static outcome run_module(struct runner *r, const wsbx_command *c)
{
        struct cmod *m = load_valid(r, c);
        struct entry *e = add_entry(r);
        if (!e) {
                cmod_delete(m);
                fail(r, c, "out of memory");
                return OUT_FAIL;
        }
        e->id = c->module->id;
        e->definition = c->module->definition;
        e->module = m;
        /* A module that failed still becomes current, so the commands
         * meant for it skip rather than run against its predecessor. */
        if (!e->definition)
                r->current = r->nentries - 1;
        if (!m)
                return OUT_FAIL;
        if (e->definition)
                return OUT_PASS;
        char msg[EXEC_MSG_MAX] = "";
        if (exec_instantiate(r, e, msg) == EXEC_OK)
                return OUT_PASS;
        fail(r, c, "instantiation failed: %s", msg);
        return OUT_FAIL;
}

static outcome run_module_instance(struct runner *r, const wsbx_command *c)
{
        char why[256] = "";
        int64_t d = find_entry(r, &c->modname, true, why, sizeof why);
        if (d < 0 && c->modname.len == 0) {
                /* No name: the most recent definition. */
                for (uint32_t i = r->nentries; i-- > 0;)
                        if (r->entries[i].definition) {
                                d = i;
                                break;
                        }
        }
        if (d < 0) {
                fail(r, c, "%s", why[0] ? why : "no module definition");
                return OUT_FAIL;
        }
        struct cmod *m = r->entries[d].module;
        struct entry *e = add_entry(r);
        if (!e) {
                fail(r, c, "out of memory");
                return OUT_FAIL;
        }
        e->id = c->instname;
        e->module = m;
        e->borrowed = true;
        r->current = r->nentries - 1;
        if (!m)
                return OUT_SKIP; /* its definition already failed */
        char msg[EXEC_MSG_MAX] = "";
        if (exec_instantiate(r, e, msg) == EXEC_OK)
                return OUT_PASS;
        fail(r, c, "instantiation failed: %s", msg);
        return OUT_FAIL;
}

/* assert_malformed / assert_invalid: the module must be rejected with
 * `want` and a message starting with the expected text. */
static outcome run_reject(struct runner *r, const wsbx_command *c, wsbx_errkind want)
{
        struct cmod *m;
        wsbx_error err = {0};
        const char *where;
        wsbx_errkind k = load(r, c->module, &m, &err, &where);
        const char *wname = wsbx_errkind_name(want);
        if (k == WSBX_OK) {
                cmod_delete(m);
                fail(r, c, "expected %s \"%s\", got a valid module", wname, c->text.ptr);
                return OUT_FAIL;
        }
        size_t n = strlen(err.msg);
        if (k == want && n >= c->text.len && memcmp(err.msg, c->text.ptr, c->text.len) == 0)
                return OUT_PASS;
        char got[WSBX_ERROR_MSG_MAX + 128];
        describe(got, sizeof got, &err, where);
        fail(r, c, "expected %s \"%s\", got %s", wname, c->text.ptr, got);
        return OUT_FAIL;
}

/* assert_unlinkable / assert_uninstantiable / assert_trap with a module:
 * the module must be valid, and instantiating it must fail as expected. */
static outcome run_bad_instance(struct runner *r, const wsbx_command *c, exec_status want)
{
        struct cmod *m = load_valid(r, c);
        if (!m)
                return OUT_FAIL;
        struct entry e = {.id = c->module->id, .module = m};
        char msg[EXEC_MSG_MAX] = "";
        exec_status s = exec_instantiate(r, &e, msg);
        cmod_delete(m);
        if (s == EXEC_UNAVAILABLE)
                return OUT_SKIP;
        if (s == want && strncmp(msg, c->text.ptr, c->text.len) == 0)
                return OUT_PASS;
        if (s == EXEC_OK)
                fail(r, c, "expected \"%s\", got a successful instantiation", c->text.ptr);
        else
                fail(r, c, "expected \"%s\", got \"%s\"", c->text.ptr, msg);
        return OUT_FAIL;
}

/* ------------------------------------------------------------------------ */
/* Actions                                                                  */
/* ------------------------------------------------------------------------ */

static const wsbx_art_export *find_export(const wsbx_artifact *a, const wsbx_name *field)
{
        for (uint32_t i = 0; i < a->nexports; i++) {
                const wsbx_art_export *x = &a->exports[i];
                if (name_eq(field, wsbx_artifact_str(a, x->name), x->name.len))
                        return x;
        }
        return NULL;
}

/* A function's type as the artifact records it: value type bytes,
 * params first. */
struct ftype {
        uint32_t nparams, nresults;
        const uint8_t *vt;
};

/* An action made ready to run: its module and the type it returns. */
struct target {
        struct entry *e;
        struct ftype type; /* invoke */
};

static outcome bad_index(struct runner *r, const wsbx_command *c, const wsbx_action *a)
{
        fail(r, c, "export \"%s\" has an index out of range", a->field.ptr);
        return OUT_FAIL;
}

/* Resolves an action's module and export and checks its arguments.
 * Returns OUT_PASS when ready, OUT_SKIP when the module did not load
 * (reported already), OUT_FAIL when the script and module disagree. */
static outcome resolve(struct runner *r, const wsbx_command *c, const wsbx_action *a, struct target *t)
{
        char why[256] = "";
        int64_t i = find_entry(r, &a->module, false, why, sizeof why);
        if (i < 0) {
                fail(r, c, "%s", why);
                return OUT_FAIL;
        }
        t->e = &r->entries[i];
        if (!t->e->module)
                return OUT_SKIP;
        const wsbx_artifact *m = &t->e->module->art;
        const wsbx_art_export *x = find_export(m, &a->field);
        wsbx_externkind want = a->kind == WSBX_ACTION_INVOKE ? WSBX_EXTERN_FUNC : WSBX_EXTERN_GLOBAL;
        if (!x || x->kind != (uint8_t)want) {
                fail(r, c, "no %s export \"%s\"", wsbx_externkind_name(want), a->field.ptr);
                return OUT_FAIL;
        }
        /* Indices and types were checked by wsbx_artifact_open. */
        if (a->kind == WSBX_ACTION_GET)
                return x->index < m->nglobals ? OUT_PASS : bad_index(r, c, a);
        if (x->index >= m->nfuncs || m->funcs[x->index].type >= m->ntypes)
                return bad_index(r, c, a);
        const wsbx_art_type *ty = &m->types[m->funcs[x->index].type];
        t->type = (struct ftype){ty->nparams, ty->nresults, m->blob + ty->vt_off};
        bool ok = t->type.nparams == a->nargs;
        for (uint32_t k = 0; ok && k < a->nargs; k++)
                ok = t->type.vt[k] == (uint8_t)a->args[k].type;
        if (!ok) {
                fail(r, c, "wrong number or types of arguments for \"%s\"", a->field.ptr);
                return OUT_FAIL;
        }
        return OUT_PASS;
}

/* Runs an action. On EXEC_OK stores its results (malloc'ed) in *res. */
static exec_status perform(struct runner *r, struct target *t, const wsbx_action *a, wsbx_value **res,
                           uint32_t *nres, char *msg)
{
        uint32_t n = a->kind == WSBX_ACTION_GET ? 1 : t->type.nresults;
        wsbx_value *v = calloc(n ? n : 1, sizeof *v);
        if (!v) {
                snprintf(msg, EXEC_MSG_MAX, "out of memory");
                return EXEC_ERROR;
        }
        exec_status s = a->kind == WSBX_ACTION_GET ? exec_get(r, t->e, a, v, msg)
                                                   : exec_invoke(r, t->e, a, v, n, msg);
        if (s != EXEC_OK) {
                free(v);
                return s;
        }
        *res = v;
        *nres = n;
        return s;
}

static outcome run_action(struct runner *r, const wsbx_command *c)
{
        struct target t;
        outcome o = resolve(r, c, c->action, &t);
        if (o != OUT_PASS)
                return o;
        wsbx_value *res = NULL;
        uint32_t n = 0;
        char msg[EXEC_MSG_MAX] = "";
        exec_status s = perform(r, &t, c->action, &res, &n, msg);
        free(res);

        switch (c->kind) {
        case WSBX_CMD_ACTION:
                if (s == EXEC_UNAVAILABLE)
                        return OUT_SKIP;
                if (s == EXEC_OK)
                        return OUT_PASS;
                fail(r, c, "\"%s\" failed: %s", c->action->field.ptr, msg);
                return OUT_FAIL;
        case WSBX_CMD_ASSERT_TRAP:
        case WSBX_CMD_ASSERT_EXHAUSTION: {
                exec_status want = c->kind == WSBX_CMD_ASSERT_TRAP ? EXEC_TRAP : EXEC_EXHAUSTED;
                if (s == EXEC_UNAVAILABLE)
                        return OUT_SKIP;
                if (s == want && strncmp(msg, c->text.ptr, c->text.len) == 0)
                        return OUT_PASS;
                if (s == EXEC_OK)
                        fail(r, c, "expected \"%s\", got a normal return", c->text.ptr);
                else
                        fail(r, c, "expected \"%s\", got \"%s\"", c->text.ptr, msg);
                return OUT_FAIL;
        }
        default:
                break;
        }
        return OUT_FAIL;
}

static outcome run_assert_return(struct runner *r, const wsbx_command *c)
{
        struct target t;
        outcome o = resolve(r, c, c->action, &t);
        if (o != OUT_PASS)
                return o;
        uint32_t want = c->action->kind == WSBX_ACTION_GET ? 1 : t.type.nresults;
        if (want != c->nresults) {
                fail(r, c, "\"%s\" returns %u values, the script expects %u", c->action->field.ptr, want,
                     c->nresults);
                return OUT_FAIL;
        }
        wsbx_value *res = NULL;
        uint32_t n = 0;
        char msg[EXEC_MSG_MAX] = "";
        exec_status s = perform(r, &t, c->action, &res, &n, msg);
        if (s == EXEC_UNAVAILABLE)
                return OUT_SKIP;
        if (s != EXEC_OK) {
                fail(r, c, "expected a return, got \"%s\"", msg);
                return OUT_FAIL;
        }
        o = OUT_PASS;
        for (uint32_t i = 0; i < n && i < c->nresults; i++) {
                if (wsbx_result_matches(&c->results[i], &res[i]))
                        continue;
                char exp[512], got[512];
                wsbx_result_format(&c->results[i], exp, sizeof exp);
                wsbx_value_format(&res[i], got, sizeof got);
                fail(r, c, "result %u: expected (%s), got (%s)", i, exp, got);
                o = OUT_FAIL;
        }
        free(res);
        return o;
}

static outcome run_register(struct runner *r, const wsbx_command *c)
{
        char why[256] = "";
        int64_t i = find_entry(r, &c->modname, false, why, sizeof why);
        if (i < 0) {
                fail(r, c, "%s", why);
                return OUT_FAIL;
        }
        const struct entry *e = &r->entries[i];
        if (!e->inst)
                return OUT_SKIP; /* its module failed: reported there */
        if (!add_registration(r, c->text, e->inst)) {
                fail(r, c, "out of memory");
                return OUT_FAIL;
        }
        return OUT_PASS;
}

static outcome run_command(struct runner *r, const wsbx_command *c)
{
        switch (c->kind) {
        case WSBX_CMD_MODULE:
                return run_module(r, c);
        case WSBX_CMD_MODULE_INSTANCE:
                return run_module_instance(r, c);
        case WSBX_CMD_REGISTER:
                return run_register(r, c);
        case WSBX_CMD_ACTION:
        case WSBX_CMD_ASSERT_EXHAUSTION:
                return run_action(r, c);
        case WSBX_CMD_ASSERT_TRAP:
                if (c->module)
                        return run_bad_instance(r, c, EXEC_TRAP);
                return run_action(r, c);
        case WSBX_CMD_ASSERT_RETURN:
                return run_assert_return(r, c);
        case WSBX_CMD_ASSERT_MALFORMED:
                return run_reject(r, c, WSBX_ERR_MALFORMED);
        case WSBX_CMD_ASSERT_INVALID:
                return run_reject(r, c, WSBX_ERR_INVALID);
        case WSBX_CMD_ASSERT_UNLINKABLE:
                return run_bad_instance(r, c, EXEC_LINK_ERROR);
        case WSBX_CMD_ASSERT_UNINSTANTIABLE:
                return run_bad_instance(r, c, EXEC_TRAP);
        case WSBX_CMD_ERROR: {
                char what[WSBX_ERROR_MSG_MAX + 64];
                describe(what, sizeof what, &c->error, "");
                fail(r, c, "script error: %s", what);
                return OUT_FAIL;
        }
        }
        fail(r, c, "unknown command kind");
        return OUT_FAIL;
}

/* ------------------------------------------------------------------------ */
/* Files                                                                    */
/* ------------------------------------------------------------------------ */

static void run_file(struct runner *r, const char *path)
{
        unsigned long p0 = r->passed, f0 = r->failed, s0 = r->skipped;
        uint8_t *text;
        size_t len;
        wsbx_script *s = NULL;
        wsbx_error err = {0};
        r->file = path;
        if (!cli_read_file(path, &text, &len)) {
                r->failed++;
        } else {
                /* Sandboxed, text modules stay text here: the compile
                 * worker parses them. */
                unsigned flags = r->no_sandbox ? 0 : WSBX_SCRIPT_TEXT_SPANS;
                if (wsbx_script_parse_flags((const char *)text, len, flags, &s, &err) != WSBX_OK) {
                        cli_print_error(stderr, path, &err);
                        r->failed++;
                }
                free(text);
        }
        for (uint32_t i = 0; s && i < s->ncmds; i++) {
                switch (run_command(r, &s->cmds[i])) {
                case OUT_PASS:
                        r->passed++;
                        break;
                case OUT_FAIL:
                        r->failed++;
                        break;
                case OUT_SKIP:
                        r->skipped++;
                        break;
                }
        }
        runner_reset(r);
        wsbx_script_delete(s);
        printf("%s: %lu passed, %lu failed, %lu skipped\n", path, r->passed - p0, r->failed - f0,
               r->skipped - s0);
        fflush(stdout);
}

static void jail_log(const char *msg)
{
        fprintf(stderr, "%s\n", msg);
}

static int run(int argc, char **argv)
{
        int nfiles = 0;
        bool dashdash = false, print = false, no_sandbox = false;
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (!dashdash && strcmp(a, "--") == 0) {
                        dashdash = true;
                } else if (!dashdash && cli_is_help(a)) {
                        cli_print_help(&cli_wast);
                        return CLI_EXIT_OK;
                } else if (!dashdash && strcmp(a, "--print") == 0) {
                        print = true;
                } else if (!dashdash && strcmp(a, "--no-sandbox") == 0) {
                        no_sandbox = true;
                } else if (!dashdash && a[0] == '-' && a[1] != 0) {
                        return cli_usage("wast", "unknown option '%s'", a);
                } else {
                        nfiles++;
                }
        }
        if (nfiles == 0)
                return cli_usage("wast", "no script files");

        struct runner r = {.current = -1, .print = print ? stdout : NULL, .no_sandbox = no_sandbox};
        if (no_sandbox)
                fprintf(stderr, "wsbx: --no-sandbox: guest code runs inside this process, unsandboxed\n");
        else
                wsbx_sandbox_set_log(jail_log);
        /* A script keeps one artifact descriptor per module it defined
         * (the worker keeps as many): lift the soft limit to the hard. */
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                setrlimit(RLIMIT_NOFILE, &rl);
        }
        dashdash = false;
        for (int i = 1; i < argc; i++) {
                if (!dashdash && strcmp(argv[i], "--") == 0) {
                        dashdash = true;
                        continue;
                }
                if (!dashdash && (strcmp(argv[i], "--print") == 0 || strcmp(argv[i], "--no-sandbox") == 0))
                        continue;
                run_file(&r, argv[i]);
        }
        printf("%lu passed, %lu failed, %lu skipped\n", r.passed, r.failed, r.skipped);
        return r.failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

const cli_command cli_wast = {
        .name = "wast",
        .summary = "Run WebAssembly spec test scripts (.wast)",
        .help =
        "Usage: wsbx wast [--print] [--no-sandbox] [--] FILE...\n"
        "\n"
        "Runs each .wast script ('-' reads standard input) and counts every command\n"
        "as passed, failed or skipped. Each script runs in a fresh store, in a\n"
        "jailed worker process of its own, with the spec's 'spectest' module\n"
        "registered. Modules are decoded, validated and compiled in a jailed\n"
        "compile worker and instantiated; assert_malformed and assert_invalid modules\n"
        "(binary, quote or text) must be rejected with a message that starts with\n"
        "the expected text; actions run, and assert_return, assert_trap,\n"
        "assert_exhaustion, assert_unlinkable and assert_uninstantiable check what\n"
        "they returned or how they failed. A command is skipped only when it did\n"
        "not run because the module it needs failed earlier.\n"
        "\n"
        "Output: 'FILE: N passed, N failed, N skipped' per file on stdout, then the\n"
        "totals as 'N passed, N failed, N skipped' on the last line. Each failure\n"
        "is described on stderr as 'FILE:LINE: COMMAND: expected ..., got ...'.\n"
        "\n"
        "Options:\n"
        "  --print     Let spectest's print functions write to stdout, as the\n"
        "              reference interpreter does (\"13 : i32\"); silent by default\n"
        "  --no-sandbox  Run guest code on a thread of this process instead of a\n"
        "              jailed worker (debugging only; says so on stderr)\n"
        "  -h, --help  Show this help\n"
        "\n"
        "Exit status: 0 nothing failed, 1 any command failed or a script could not\n"
        "be read or parsed, 2 usage error.\n",
        .run = run,
};
