/* main.c - the wsbx command: global options and subcommand dispatch.
 *
 * `wsbx [--help|--version]`, `wsbx help [CMD]` and `wsbx CMD ARGS...`.
 * Each subcommand lives in its own cmd_*.c file and is listed once in the
 * table below; help text comes from the same table, so `wsbx --help` never
 * names a subcommand that does not exist.
 */
#include "cli.h"

#include <string.h>

#ifndef WSBX_VERSION
#error "WSBX_VERSION comes from meson.build"
#endif

static const cli_command *const commands[] = {
        &cli_run,
        &cli_compile,
        &cli_validate,
        &cli_inspect,
        &cli_wast,
        &cli_cache,
        &cli_bench,
        &cli_snapshot,
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const cli_command *find(const char *name)
{
        for (size_t i = 0; i < NCOMMANDS; i++)
                if (strcmp(commands[i]->name, name) == 0)
                        return commands[i];
        return NULL;
}

static void usage(FILE *f)
{
        fprintf(f, "Usage: wsbx COMMAND [OPTIONS] [ARGS]\n"
                   "\n"
                   "A WebAssembly runtime. Modules may be binary (.wasm) or text (.wat).\n"
                   "\n"
                   "Commands:\n");
        for (size_t i = 0; i < NCOMMANDS; i++)
                fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
        fprintf(f, "  %-10s %s\n", "help", "Show help for a command");
        fprintf(f, "\n"
                   "Options:\n"
                   "  -h, --help     Show this help\n"
                   "  -V, --version  Show the version\n"
                   "\n"
                   "Exit status: 0 success, 1 failure, 2 usage error, 3 the guest trapped.\n"
                   "Run 'wsbx help COMMAND' for a command's options.\n");
}

int main(int argc, char **argv)
{
        wsbx_trace("main");
        if (argc < 2) {
                usage(stderr);
                return CLI_EXIT_USAGE;
        }
        const char *arg = argv[1];
        if (cli_is_help(arg)) {
                usage(stdout);
                return CLI_EXIT_OK;
        }
        if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
                printf("wsbx %s\n", WSBX_VERSION);
                return CLI_EXIT_OK;
        }
        if (strcmp(arg, "help") == 0) {
                if (argc == 2) {
                        usage(stdout);
                        return CLI_EXIT_OK;
                }
                if (argc > 3)
                        return cli_usage("help", "too many arguments");
                const cli_command *c = find(argv[2]);
                if (!c)
                        return cli_usage(NULL, "unknown command '%s'", argv[2]);
                cli_print_help(c);
                return CLI_EXIT_OK;
        }
        if (arg[0] == '-')
                return cli_usage(NULL, "unknown option '%s'", arg);
        const cli_command *c = find(arg);
        if (!c)
                return cli_usage(NULL, "unknown command '%s'", arg);
        return c->run(argc - 1, argv + 1);
}
