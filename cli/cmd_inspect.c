/* cmd_inspect.c - `wsbx inspect [--json] FILE`: what a module contains and
 * what instantiating it takes.
 *
 * Types are printed in the text format's own syntax ("func (param i32)
 * (result f32)", "table 1 10 funcref", "memory 1 2", "global (mut i32)")
 * so that a line can be pasted into an import declaration. The JSON form
 * carries the same facts with the same type strings, plus structured
 * fields; every string from the module goes through cli_put_json_string,
 * so hostile names still give valid JSON.
 *
 * The file is read here; parsing and printing happen in a jailed child
 * (cli_jailed_module), so untrusted bytes are never parsed in this
 * process. The module was validated by wsbx_module_load, so indices are in range;
 * they are still checked before use because printing a wrong type is
 * better than reading out of bounds if that ever stops being true.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void put_functype(FILE *f, const wsbx_module *m, uint32_t type)
{
        fputs("func", f);
        if (type >= m->ntypes) {
                fprintf(f, " (type %" PRIu32 ")", type);
                return;
        }
        const wsbx_functype *t = &m->types[type];
        if (t->nparams) {
                fputs(" (param", f);
                for (uint32_t i = 0; i < t->nparams; i++)
                        fprintf(f, " %s", wsbx_valtype_name(t->params[i]));
                fputc(')', f);
        }
        if (t->nresults) {
                fputs(" (result", f);
                for (uint32_t i = 0; i < t->nresults; i++)
                        fprintf(f, " %s", wsbx_valtype_name(t->results[i]));
                fputc(')', f);
        }
}

static void put_limits(FILE *f, const wsbx_limits *l)
{
        fprintf(f, " %" PRIu64, l->min);
        if (l->has_max)
                fprintf(f, " %" PRIu64, l->max);
}

static void put_tabletype(FILE *f, const wsbx_tabletype *t)
{
        fputs("table", f);
        put_limits(f, &t->limits);
        fprintf(f, " %s", wsbx_valtype_name(t->elem));
}

static void put_memtype(FILE *f, const wsbx_memtype *t)
{
        fputs("memory", f);
        if (t->is64)
                fputs(" i64", f);
        put_limits(f, &t->limits);
        if (t->shared)
                fputs(" shared", f);
}

static void put_globaltype(FILE *f, const wsbx_globaltype *t)
{
        if (t->mut)
                fprintf(f, "global (mut %s)", wsbx_valtype_name(t->type));
        else
                fprintf(f, "global %s", wsbx_valtype_name(t->type));
}

/* The type of an export's target, by index space. */
static void put_export_type(FILE *f, const wsbx_module *m, const wsbx_export *e)
{
        switch (e->kind) {
        case WSBX_EXTERN_FUNC:
                put_functype(f, m, e->index < m->nfuncs ? m->func_types[e->index] : UINT32_MAX);
                return;
        case WSBX_EXTERN_TABLE:
                if (e->index < m->ntables) {
                        put_tabletype(f, &m->tables[e->index]);
                        return;
                }
                break;
        case WSBX_EXTERN_MEMORY:
                if (e->index < m->nmemories) {
                        put_memtype(f, &m->memories[e->index]);
                        return;
                }
                break;
        case WSBX_EXTERN_GLOBAL:
                if (e->index < m->nglobals) {
                        put_globaltype(f, &m->global_types[e->index]);
                        return;
                }
                break;
        }
        fprintf(f, "%s ?", wsbx_externkind_name(e->kind));
}

static void put_import_type(FILE *f, const wsbx_module *m, const wsbx_import *im)
{
        switch (im->kind) {
        case WSBX_EXTERN_FUNC:
                put_functype(f, m, im->u.func_type);
                return;
        case WSBX_EXTERN_TABLE:
                put_tabletype(f, &im->u.table);
                return;
        case WSBX_EXTERN_MEMORY:
                put_memtype(f, &im->u.memory);
                return;
        case WSBX_EXTERN_GLOBAL:
                put_globaltype(f, &im->u.global);
                return;
        }
        fputs("?", f);
}

/* What instantiating the module needs. */
struct resources {
        uint64_t max_mem_pages, max_table_elems;
        uint64_t code_bytes, data_bytes;
};

static struct resources count_resources(const wsbx_module *m)
{
        struct resources r = {0};
        for (uint32_t i = 0; i < m->nmemories; i++)
                if (m->memories[i].limits.min > r.max_mem_pages)
                        r.max_mem_pages = m->memories[i].limits.min;
        for (uint32_t i = 0; i < m->ntables; i++)
                if (m->tables[i].limits.min > r.max_table_elems)
                        r.max_table_elems = m->tables[i].limits.min;
        for (uint32_t i = 0; i < m->nfuncs - m->nimported_funcs; i++)
                r.code_bytes += m->funcs[i].body_size;
        for (uint32_t i = 0; i < m->ndatas; i++)
                r.data_bytes += m->datas[i].size;
        return r;
}

static void print_text(const char *path, const wsbx_module *m)
{
        FILE *f = stdout;
        struct resources r = count_resources(m);

        printf("module: %s\n", path);
        printf("name: ");
        if (m->name.len)
                cli_put_name(f, m->name.ptr, m->name.len);
        else
                printf("(none)");
        printf("\ntypes: %" PRIu32 "\n", m->ntypes);

        printf("imports: %" PRIu32 "\n", m->nimports);
        for (uint32_t i = 0; i < m->nimports; i++) {
                const wsbx_import *im = &m->imports[i];
                printf("  ");
                cli_put_name(f, im->module.ptr, im->module.len);
                printf(" ");
                cli_put_name(f, im->name.ptr, im->name.len);
                printf(": ");
                put_import_type(f, m, im);
                printf("\n");
        }

        printf("exports: %" PRIu32 "\n", m->nexports);
        for (uint32_t i = 0; i < m->nexports; i++) {
                const wsbx_export *e = &m->exports[i];
                printf("  ");
                cli_put_name(f, e->name.ptr, e->name.len);
                printf(": ");
                put_export_type(f, m, e);
                printf(" ;; %s %" PRIu32 "\n", wsbx_externkind_name(e->kind), e->index);
        }

        printf("functions: %" PRIu32 " (%" PRIu32 " imported, %" PRIu32 " defined)\n", m->nfuncs,
               m->nimported_funcs, m->nfuncs - m->nimported_funcs);
        printf("tables: %" PRIu32 "\n", m->ntables);
        for (uint32_t i = 0; i < m->ntables; i++) {
                printf("  %" PRIu32 ": ", i);
                put_tabletype(f, &m->tables[i]);
                printf("%s\n", i < m->nimported_tables ? " (imported)" : "");
        }
        printf("memories: %" PRIu32 "\n", m->nmemories);
        for (uint32_t i = 0; i < m->nmemories; i++) {
                printf("  %" PRIu32 ": ", i);
                put_memtype(f, &m->memories[i]);
                printf("%s\n", i < m->nimported_memories ? " (imported)" : "");
        }
        printf("globals: %" PRIu32 "\n", m->nglobals);
        for (uint32_t i = 0; i < m->nglobals; i++) {
                printf("  %" PRIu32 ": ", i);
                put_globaltype(f, &m->global_types[i]);
                printf("%s\n", i < m->nimported_globals ? " (imported)" : "");
        }
        if (m->has_start)
                printf("start: func %" PRIu32 "\n", m->start);
        printf("element segments: %" PRIu32 "\n", m->nelems);
        printf("data segments: %" PRIu32 " (%" PRIu64 " bytes)\n", m->ndatas, r.data_bytes);
        printf("custom sections: %" PRIu32 "\n", m->ncustoms);
        for (uint32_t i = 0; i < m->ncustoms; i++) {
                printf("  ");
                cli_put_name(f, m->customs[i].name.ptr, m->customs[i].name.len);
                printf(": %" PRIu32 " bytes\n", m->customs[i].size);
        }

        printf("resources:\n");
        printf("  memories: %" PRIu32 "\n", m->nmemories);
        printf("  tables: %" PRIu32 "\n", m->ntables);
        printf("  largest initial memory: %" PRIu64 " pages (%" PRIu64 " bytes)\n", r.max_mem_pages,
               r.max_mem_pages > (UINT64_MAX >> 16) ? UINT64_MAX : r.max_mem_pages << 16);
        printf("  largest initial table: %" PRIu64 " elements\n", r.max_table_elems);
        printf("  functions: %" PRIu32 "\n", m->nfuncs);
        printf("  globals: %" PRIu32 "\n", m->nglobals);
        printf("  code size: %" PRIu64 " bytes\n", r.code_bytes);
        printf("  data segment bytes: %" PRIu64 "\n", r.data_bytes);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */
/* ------------------------------------------------------------------------ */

/* A type string, for the JSON "type" fields. `put` writes into a memory
 * stream; a failed stream gives "?" rather than a broken document. */
static void json_type(FILE *out, const wsbx_module *m, const wsbx_import *im, const wsbx_export *e)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *s = open_memstream(&buf, &len);
        if (s) {
                if (im)
                        put_import_type(s, m, im);
                else
                        put_export_type(s, m, e);
        }
        if (!s || fclose(s) != 0 || !buf) {
                fputs("\"?\"", out);
        } else {
                cli_put_json_string(out, buf, len);
        }
        free(buf);
}

static void json_limits(FILE *f, const wsbx_limits *l)
{
        fprintf(f, "\"min\": %" PRIu64 ", \"max\": ", l->min);
        if (l->has_max)
                fprintf(f, "%" PRIu64, l->max);
        else
                fputs("null", f);
}

static void print_json(const char *path, const wsbx_module *m)
{
        FILE *f = stdout;
        struct resources r = count_resources(m);

        fputs("{\n  \"file\": ", f);
        cli_put_json_string(f, path, strlen(path));
        fputs(",\n  \"name\": ", f);
        if (m->name.len)
                cli_put_json_string(f, m->name.ptr, m->name.len);
        else
                fputs("null", f);
        fprintf(f, ",\n  \"types\": %" PRIu32 ",\n", m->ntypes);

        fputs("  \"imports\": [", f);
        for (uint32_t i = 0; i < m->nimports; i++) {
                const wsbx_import *im = &m->imports[i];
                fprintf(f, "%s\n    {\"module\": ", i ? "," : "");
                cli_put_json_string(f, im->module.ptr, im->module.len);
                fputs(", \"name\": ", f);
                cli_put_json_string(f, im->name.ptr, im->name.len);
                fprintf(f, ", \"kind\": \"%s\", \"type\": ", wsbx_externkind_name(im->kind));
                json_type(f, m, im, NULL);
                fputc('}', f);
        }
        fputs(m->nimports ? "\n  ],\n" : "],\n", f);

        fputs("  \"exports\": [", f);
        for (uint32_t i = 0; i < m->nexports; i++) {
                const wsbx_export *e = &m->exports[i];
                fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
                cli_put_json_string(f, e->name.ptr, e->name.len);
                fprintf(f, ", \"kind\": \"%s\", \"index\": %" PRIu32 ", \"type\": ",
                        wsbx_externkind_name(e->kind), e->index);
                json_type(f, m, NULL, e);
                fputc('}', f);
        }
        fputs(m->nexports ? "\n  ],\n" : "],\n", f);

        fprintf(f, "  \"functions\": {\"total\": %" PRIu32 ", \"imported\": %" PRIu32 "},\n", m->nfuncs,
                m->nimported_funcs);

        fputs("  \"tables\": [", f);
        for (uint32_t i = 0; i < m->ntables; i++) {
                fprintf(f, "%s\n    {\"index\": %" PRIu32 ", \"imported\": %s, ", i ? "," : "", i,
                        i < m->nimported_tables ? "true" : "false");
                json_limits(f, &m->tables[i].limits);
                fprintf(f, ", \"element\": \"%s\"}", wsbx_valtype_name(m->tables[i].elem));
        }
        fputs(m->ntables ? "\n  ],\n" : "],\n", f);

        fputs("  \"memories\": [", f);
        for (uint32_t i = 0; i < m->nmemories; i++) {
                const wsbx_memtype *t = &m->memories[i];
                fprintf(f, "%s\n    {\"index\": %" PRIu32 ", \"imported\": %s, ", i ? "," : "", i,
                        i < m->nimported_memories ? "true" : "false");
                json_limits(f, &t->limits);
                fprintf(f, ", \"shared\": %s, \"memory64\": %s}", t->shared ? "true" : "false",
                        t->is64 ? "true" : "false");
        }
        fputs(m->nmemories ? "\n  ],\n" : "],\n", f);

        fputs("  \"globals\": [", f);
        for (uint32_t i = 0; i < m->nglobals; i++) {
                const wsbx_globaltype *t = &m->global_types[i];
                fprintf(f, "%s\n    {\"index\": %" PRIu32 ", \"imported\": %s, \"type\": \"%s\", \"mutable\": %s}",
                        i ? "," : "", i, i < m->nimported_globals ? "true" : "false",
                        wsbx_valtype_name(t->type), t->mut ? "true" : "false");
        }
        fputs(m->nglobals ? "\n  ],\n" : "],\n", f);

        if (m->has_start)
                fprintf(f, "  \"start\": %" PRIu32 ",\n", m->start);
        else
                fputs("  \"start\": null,\n", f);
        fprintf(f, "  \"element_segments\": %" PRIu32 ",\n", m->nelems);
        fprintf(f, "  \"data_segments\": %" PRIu32 ",\n", m->ndatas);

        fputs("  \"custom_sections\": [", f);
        for (uint32_t i = 0; i < m->ncustoms; i++) {
                fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
                cli_put_json_string(f, m->customs[i].name.ptr, m->customs[i].name.len);
                fprintf(f, ", \"size\": %" PRIu32 "}", m->customs[i].size);
        }
        fputs(m->ncustoms ? "\n  ],\n" : "],\n", f);

        fprintf(f,
                "  \"resources\": {\n"
                "    \"memories\": %" PRIu32 ",\n"
                "    \"tables\": %" PRIu32 ",\n"
                "    \"max_initial_memory_pages\": %" PRIu64 ",\n"
                "    \"max_initial_table_elements\": %" PRIu64 ",\n"
                "    \"functions\": %" PRIu32 ",\n"
                "    \"defined_functions\": %" PRIu32 ",\n"
                "    \"globals\": %" PRIu32 ",\n"
                "    \"code_size\": %" PRIu64 ",\n"
                "    \"data_segment_bytes\": %" PRIu64 "\n"
                "  }\n}\n",
                m->nmemories, m->ntables, r.max_mem_pages, r.max_table_elems, m->nfuncs,
                m->nfuncs - m->nimported_funcs, m->nglobals, r.code_bytes, r.data_bytes);
}

/* In the jailed child (cli_jailed_module): the module was parsed there. */
static int inspect_json(const char *path, const wsbx_module *m, void *ctx)
{
        (void)ctx;
        print_json(path, m);
        return CLI_EXIT_OK;
}

static int inspect_text(const char *path, const wsbx_module *m, void *ctx)
{
        (void)ctx;
        print_text(path, m);
        return CLI_EXIT_OK;
}

static int run(int argc, char **argv)
{
        bool json = false, dashdash = false;
        const char *path = NULL;
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (!dashdash && strcmp(a, "--") == 0) {
                        dashdash = true;
                } else if (!dashdash && cli_is_help(a)) {
                        cli_print_help(&cli_inspect);
                        return CLI_EXIT_OK;
                } else if (!dashdash && strcmp(a, "--json") == 0) {
                        json = true;
                } else if (!dashdash && a[0] == '-' && a[1] != 0) {
                        return cli_usage("inspect", "unknown option '%s'", a);
                } else if (path) {
                        return cli_usage("inspect", "expects exactly one file");
                } else {
                        path = a;
                }
        }
        if (!path)
                return cli_usage("inspect", "no input file");

        return cli_jailed_module(path, json ? inspect_json : inspect_text, NULL);
}

const cli_command cli_inspect = {
        .name = "inspect",
        .summary = "Show a module's imports, exports, types and resource needs",
        .help =
        "Usage: wsbx inspect [--json] [--] FILE\n"
        "\n"
        "Decodes and validates one module (binary .wasm or text .wat; '-' reads\n"
        "standard input) and prints its name, imports and exports with their types\n"
        "(in text-format syntax, e.g. 'func (param i32 i64) (result f32)',\n"
        "'table 1 10 funcref', 'memory 1 2', 'global (mut i32)'), its tables,\n"
        "memories and globals, custom sections with their sizes, and the resources\n"
        "an instance needs (memories, tables, largest initial sizes, functions,\n"
        "globals, code size, data segment bytes).\n"
        "\n"
        "Options:\n"
        "  --json      Print one JSON object instead of text\n"
        "  -h, --help  Show this help\n"
        "\n"
        "Exit status: 0 success, 1 the module is invalid or unreadable, 2 usage error.\n",
        .run = run,
};
