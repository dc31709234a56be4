/* cmd_validate.c - `wsbx validate FILE...`: decode and validate modules.
 *
 * Each file is checked on its own, so one bad file does not hide the
 * verdict on the next: one line per file on stdout ("FILE: valid") or the
 * error on stderr, and exit status 1 if any file failed. The file is read
 * here and parsed in a jailed child (cli_jailed_module).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* In the jailed child (cli_jailed_module). */
static int say_valid(const char *path, const wsbx_module *m, void *ctx)
{
        (void)m, (void)ctx;
        printf("%s: valid\n", path);
        return CLI_EXIT_OK;
}

static bool validate_one(const char *path)
{
        return cli_jailed_module(path, say_valid, NULL) == CLI_EXIT_OK;
}

static int run(int argc, char **argv)
{
        /* Options may come anywhere before "--"; files are checked only
         * once the whole command line is known to be well formed. */
        int nfiles = 0;
        bool dashdash = false;
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (!dashdash && strcmp(a, "--") == 0) {
                        dashdash = true;
                } else if (!dashdash && cli_is_help(a)) {
                        cli_print_help(&cli_validate);
                        return CLI_EXIT_OK;
                } else if (!dashdash && a[0] == '-' && a[1] != 0) {
                        return cli_usage("validate", "unknown option '%s'", a);
                } else {
                        nfiles++;
                }
        }
        if (nfiles == 0)
                return cli_usage("validate", "no input files");
        bool ok = true;
        dashdash = false;
        for (int i = 1; i < argc; i++) {
                if (!dashdash && strcmp(argv[i], "--") == 0) {
                        dashdash = true;
                        continue;
                }
                if (!validate_one(argv[i]))
                        ok = false;
        }
        return ok ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

const cli_command cli_validate = {
        .name = "validate",
        .summary = "Check that modules are well formed and valid",
        .help =
        "Usage: wsbx validate [--] FILE...\n"
        "\n"
        "Decodes and validates each module (binary .wasm or text .wat; '-' reads\n"
        "standard input). Prints 'FILE: valid' on stdout for each valid module and\n"
        "the error for each other one on stderr:\n"
        "  FILE:0xOFFSET: malformed: MESSAGE     (binary; byte offset in hex)\n"
        "  FILE:LINE:COL: malformed: MESSAGE     (text)\n"
        "  FILE:0xOFFSET: invalid: MESSAGE       (fails validation)\n"
        "\n"
        "Options:\n"
        "  -h, --help  Show this help\n"
        "\n"
        "Exit status: 0 all valid, 1 any file failed or could not be read, 2 usage error.\n",
        .run = run,
};
