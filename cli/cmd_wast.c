/* cmd_wast.c - `wsbx wast FILE...`: runs spec test scripts.
 *
 * Each script is parsed whole (wsbx_script_parse), then its commands run
 * in order against a small bookkeeping of modules: the current module,
 * modules named with $id, module definitions and registrations, as the
 * reference interpreter keeps them. Every command ends as exactly one of
 * passed, failed or skipped.
 *
 * Execution sits behind three functions (exec_instantiate, exec_invoke,
 * exec_get, below the bookkeeping). They report EXEC_UNAVAILABLE until the
 * runtime exists, which turns every command that needs an instance into a
 * skip with the reason "needs execution"; nothing that was not checked is
 * ever counted as passed. Everything around them (resolving $names and
 * exports, checking argument types, comparing results by NaN class, prefix
 * matching of trap messages) is already in place, so backing them with the
 * supervisor's message layer (load, instantiate, invoke) changes nothing
 * else here.
 *
 * What is checked today: every module must decode and validate; the
 * modules of assert_malformed and assert_invalid must be rejected with the
 * right kind and a message that starts with the expected text (prefix
 * match, as the reference interpreter's runner does); actions must name a
 * module and an export of the right kind that exist, with arguments of the
 * right types. The modules of assert_unlinkable, assert_uninstantiable and
 * assert_trap must at least be valid.
 *
 * Output: one summary line per file and a total line on stdout; one line
 * per failure on stderr, "FILE:LINE: command: expected ..., got ...".
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef enum outcome {
        OUT_PASS,
        OUT_FAIL,
        OUT_SKIP,
} outcome;

/* A module the script defined: decoded (NULL if it failed to load, so
 * later commands on it skip instead of piling up failures). */
struct entry {
        wsbx_name id;          /* $name or len 0 */
        bool definition;       /* (module definition): not instantiated */
        wsbx_module *module;   /* owned unless `borrowed` */
        bool borrowed;         /* module instance: shares its definition's module */
        /* The instance handle of the execution layer goes here. */
};

struct registration {
        wsbx_name as;          /* the name imports use */
        uint32_t entry;
};

struct runner {
        const char *file;
        struct entry *entries;
        uint32_t nentries, cap;
        int64_t current;       /* entry of the current module, or -1 */
        struct registration *regs;
        uint32_t nregs, regcap;
        unsigned long passed, failed, skipped;
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

static void runner_reset(struct runner *r)
{
        for (uint32_t i = 0; i < r->nentries; i++)
                if (!r->entries[i].borrowed)
                        wsbx_module_delete(r->entries[i].module);
        free(r->entries);
        free(r->regs);
        r->entries = NULL;
        r->regs = NULL;
        r->nentries = r->cap = r->nregs = r->regcap = 0;
        r->current = -1;
}

/* ------------------------------------------------------------------------ */
/* Execution (not yet available)                                            */
/* ------------------------------------------------------------------------ */

typedef enum exec_status {
        EXEC_UNAVAILABLE, /* no runtime: the command is skipped */
        EXEC_OK,
        EXEC_TRAP,        /* `msg` holds the trap message */
        EXEC_EXHAUSTED,   /* call stack exhausted */
        EXEC_LINK_ERROR,  /* instantiation: an import could not be resolved */
} exec_status;

#define EXEC_MSG_MAX 256

/* Instantiates entry `e` (imports resolved through r->regs). */
static exec_status exec_instantiate(struct runner *r, struct entry *e, char *msg)
{
        (void)r;
        (void)e;
        (void)msg;
        return EXEC_UNAVAILABLE;
}

/* Calls export `a->field` of `e` with `a->args`; stores `nresults` values
 * (the function type's count) in `results`. */
static exec_status exec_invoke(struct runner *r, struct entry *e, const wsbx_action *a, wsbx_value *results,
                               char *msg)
{
        (void)r;
        (void)e;
        (void)a;
        (void)results;
        (void)msg;
        return EXEC_UNAVAILABLE;
}

/* Reads global export `a->field` of `e` into *result. */
static exec_status exec_get(struct runner *r, struct entry *e, const wsbx_action *a, wsbx_value *result,
                            char *msg)
{
        (void)r;
        (void)e;
        (void)a;
        (void)result;
        (void)msg;
        return EXEC_UNAVAILABLE;
}

/* ------------------------------------------------------------------------ */
/* Modules                                                                  */
/* ------------------------------------------------------------------------ */

/* Decodes and validates a script module in whatever form it was written.
 * `where` receives what err's line:col refers to. */
static wsbx_errkind load(const wsbx_script_module *sm, wsbx_module **out, wsbx_error *err, const char **where)
{
        *out = NULL;
        *where = "";
        switch (sm->form) {
        case WSBX_MODFORM_TEXT:
                if (sm->error.kind != WSBX_OK) {
                        *err = sm->error;
                        return err->kind;
                }
                return wsbx_module_decode(sm->bytes, sm->len, NULL, out, err);
        case WSBX_MODFORM_BINARY:
                return wsbx_module_decode(sm->bytes, sm->len, NULL, out, err);
        case WSBX_MODFORM_QUOTE: {
                uint8_t *bin = NULL;
                size_t len = 0;
                *where = "quoted text ";
                wsbx_errkind k = wsbx_wat_to_binary((const char *)sm->bytes, sm->len, &bin, &len, err);
                if (k != WSBX_OK) {
                        free(bin);
                        return k;
                }
                *where = "";
                k = wsbx_module_decode(bin, len, NULL, out, err);
                free(bin);
                return k;
        }
        }
        return wsbx_error_set(err, WSBX_ERR_MALFORMED, SIZE_MAX, "unknown module form");
}

/* Loads a module the script expects to be valid; on failure reports it.
 * Returns the module (owned by the caller) or NULL. */
static wsbx_module *load_valid(struct runner *r, const wsbx_command *c)
{
        wsbx_module *m;
        wsbx_error err = {0};
        const char *where;
        if (load(c->module, &m, &err, &where) == WSBX_OK)
                return m;
        char got[WSBX_ERROR_MSG_MAX + 128];
        describe(got, sizeof got, &err, where);
        fail(r, c, "expected a valid module, got %s", got);
        return NULL;
}

static outcome run_module(struct runner *r, const wsbx_command *c)
{
        wsbx_module *m = load_valid(r, c);
        struct entry *e = add_entry(r);
        if (!e) {
                wsbx_module_delete(m);
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
        /* Decoding and validation passed; until instances exist that is
         * all a module command can check. */
        char msg[EXEC_MSG_MAX] = "";
        switch (exec_instantiate(r, e, msg)) {
        case EXEC_UNAVAILABLE:
        case EXEC_OK:
                return OUT_PASS;
        case EXEC_TRAP:
        case EXEC_EXHAUSTED:
        case EXEC_LINK_ERROR:
                break;
        }
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
        wsbx_module *m = r->entries[d].module;
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
        return exec_instantiate(r, e, msg) == EXEC_OK ? OUT_PASS : OUT_SKIP;
}

/* assert_malformed / assert_invalid: the module must be rejected with
 * `want` and a message starting with the expected text. */
static outcome run_reject(struct runner *r, const wsbx_command *c, wsbx_errkind want)
{
        wsbx_module *m;
        wsbx_error err = {0};
        const char *where;
        wsbx_errkind k = load(c->module, &m, &err, &where);
        const char *wname = wsbx_errkind_name(want);
        if (k == WSBX_OK) {
                wsbx_module_delete(m);
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
 * the module must be valid; what instantiation does needs a runtime. */
static outcome run_bad_instance(struct runner *r, const wsbx_command *c, exec_status want)
{
        wsbx_module *m = load_valid(r, c);
        if (!m)
                return OUT_FAIL;
        struct entry e = {.id = c->module->id, .module = m};
        char msg[EXEC_MSG_MAX] = "";
        exec_status s = exec_instantiate(r, &e, msg);
        wsbx_module_delete(m);
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

static const wsbx_export *find_export(const wsbx_module *m, const wsbx_name *field)
{
        for (uint32_t i = 0; i < m->nexports; i++)
                if (name_eq(&m->exports[i].name, field->ptr, field->len))
                        return &m->exports[i];
        return NULL;
}

/* An action made ready to run: its module and the type it returns. */
struct target {
        struct entry *e;
        const wsbx_functype *type; /* invoke */
        wsbx_globaltype global;    /* get */
};

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
        const wsbx_module *m = t->e->module;
        if (!m)
                return OUT_SKIP;
        const wsbx_export *x = find_export(m, &a->field);
        wsbx_externkind want = a->kind == WSBX_ACTION_INVOKE ? WSBX_EXTERN_FUNC : WSBX_EXTERN_GLOBAL;
        if (!x || x->kind != want) {
                fail(r, c, "no %s export \"%s\"", wsbx_externkind_name(want), a->field.ptr);
                return OUT_FAIL;
        }
        if (a->kind == WSBX_ACTION_GET) {
                if (x->index >= m->nglobals)
                        goto bad_index;
                t->global = m->global_types[x->index];
                return OUT_PASS;
        }
        if (x->index >= m->nfuncs || m->func_types[x->index] >= m->ntypes)
                goto bad_index;
        t->type = &m->types[m->func_types[x->index]];
        bool ok = t->type->nparams == a->nargs;
        for (uint32_t k = 0; ok && k < a->nargs; k++)
                ok = t->type->params[k] == a->args[k].type;
        if (!ok) {
                fail(r, c, "wrong number or types of arguments for \"%s\"", a->field.ptr);
                return OUT_FAIL;
        }
        return OUT_PASS;
bad_index:
        fail(r, c, "export \"%s\" has an index out of range", a->field.ptr);
        return OUT_FAIL;
}

/* Runs an action. On EXEC_OK stores its results (malloc'ed) in *res. */
static exec_status perform(struct runner *r, struct target *t, const wsbx_action *a, wsbx_value **res,
                           uint32_t *nres, char *msg)
{
        uint32_t n = a->kind == WSBX_ACTION_GET ? 1 : t->type->nresults;
        wsbx_value *v = calloc(n ? n : 1, sizeof *v);
        if (!v) {
                snprintf(msg, EXEC_MSG_MAX, "out of memory");
                return EXEC_TRAP;
        }
        exec_status s = a->kind == WSBX_ACTION_GET ? exec_get(r, t->e, a, v, msg)
                                                   : exec_invoke(r, t->e, a, v, msg);
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
        uint32_t want = c->action->kind == WSBX_ACTION_GET ? 1 : t.type->nresults;
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
        if (r->nregs == r->regcap) {
                uint32_t cap = r->regcap ? 2 * r->regcap : 8;
                struct registration *n = cap > r->regcap ? realloc(r->regs, cap * sizeof *n) : NULL;
                if (!n) {
                        fail(r, c, "out of memory");
                        return OUT_FAIL;
                }
                r->regs = n;
                r->regcap = cap;
        }
        r->regs[r->nregs++] = (struct registration){c->text, (uint32_t)i};
        /* Registering names an instance; without instances there is
         * nothing to check yet. */
        return OUT_SKIP;
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
                if (wsbx_script_parse((const char *)text, len, &s, &err) != WSBX_OK) {
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

static int run(int argc, char **argv)
{
        int nfiles = 0;
        bool dashdash = false;
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (!dashdash && strcmp(a, "--") == 0) {
                        dashdash = true;
                } else if (!dashdash && cli_is_help(a)) {
                        cli_print_help(&cli_wast);
                        return CLI_EXIT_OK;
                } else if (!dashdash && a[0] == '-' && a[1] != 0) {
                        return cli_usage("wast", "unknown option '%s'", a);
                } else {
                        nfiles++;
                }
        }
        if (nfiles == 0)
                return cli_usage("wast", "no script files");

        struct runner r = {.current = -1};
        dashdash = false;
        for (int i = 1; i < argc; i++) {
                if (!dashdash && strcmp(argv[i], "--") == 0) {
                        dashdash = true;
                        continue;
                }
                run_file(&r, argv[i]);
        }
        printf("%lu passed, %lu failed, %lu skipped\n", r.passed, r.failed, r.skipped);
        return r.failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

const cli_command cli_wast = {
        .name = "wast",
        .summary = "Run WebAssembly spec test scripts (.wast)",
        .help =
        "Usage: wsbx wast [--] FILE...\n"
        "\n"
        "Runs each .wast script ('-' reads standard input) and counts every command\n"
        "as passed, failed or skipped. Checked today: every module decodes and\n"
        "validates; assert_malformed and assert_invalid modules (binary, quote or\n"
        "text) are rejected with a message that starts with the expected text;\n"
        "actions name an existing export with matching argument types. Commands\n"
        "that need execution (register, invoke, get, assert_return, assert_trap,\n"
        "assert_exhaustion, assert_unlinkable, assert_uninstantiable) are skipped.\n"
        "\n"
        "Output: 'FILE: N passed, N failed, N skipped' per file on stdout, then the\n"
        "totals as 'N passed, N failed, N skipped' on the last line. Each failure\n"
        "is described on stderr as 'FILE:LINE: COMMAND: expected ..., got ...'.\n"
        "\n"
        "Options:\n"
        "  -h, --help  Show this help\n"
        "\n"
        "Exit status: 0 nothing failed, 1 any command failed or a script could not\n"
        "be read or parsed, 2 usage error.\n",
        .run = run,
};
