/* cmd_compile.c - `wsbx compile FILE [-o OUT]`: ahead-of-time compilation.
 *
 * Decodes, validates and compiles one module, in the jailed compile worker
 * (sandbox/compiler.c) unless --no-sandbox, into an artifact: an ELF64
 * file (docs/artifact-format.md) that `objdump -d` and `readelf -S` read,
 * and that `wsbx run` loads without compiling again. The artifact records
 * the CPU features its code uses; `--baseline` pins them to x86-64-v2 so
 * the file runs on any machine of that level. The output is written to a
 * temporary name beside OUT and renamed into place, so a failed run never
 * leaves a truncated artifact behind.
 */
#include "cli.h"
#include "abi.h"
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool cli_is_artifact(const uint8_t *bytes, size_t len)
{
        return len >= 4 && memcmp(bytes, "\x7f" "ELF", 4) == 0;
}

bool cli_compile_module(const char *path, const uint8_t *bytes, size_t len, const wsbx_compile_opts *opts,
                        uint8_t **art, size_t *art_len)
{
        wsbx_module *m;
        wsbx_error err = {0};
        if (!cli_decode_module(path, bytes, len, &m))
                return false;
        if (wsbx_compile(m, opts, art, art_len, &err) != WSBX_OK) {
                /* Compile errors have no position in the input. */
                err.offset = SIZE_MAX;
                err.line = 0;
                cli_print_error(stderr, path, &err);
                wsbx_module_delete(m);
                return false;
        }
        wsbx_module_delete(m);
        return true;
}

static bool write_file(const char *out, const uint8_t *p, size_t len);

static bool write_all(int fd, const uint8_t *p, size_t len)
{
        while (len) {
                ssize_t w = write(fd, p, len);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return false;
                }
                p += w;
                len -= (size_t)w;
        }
        return true;
}

/* Copies the artifact memfd into OUT (temporary name, then rename). */
static bool write_file_fd(const char *out, int afd, size_t *len)
{
        struct stat st;
        if (fstat(afd, &st) < 0) {
                fprintf(stderr, "wsbx: %s: %s\n", out, strerror(errno));
                return false;
        }
        *len = (size_t)st.st_size;
        uint8_t *p = malloc(*len ? *len : 1);
        size_t got = 0;
        while (p && got < *len) {
                ssize_t r = pread(afd, p + got, *len - got, (off_t)got);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        break;
                got += (size_t)r;
        }
        bool ok = p && got == *len;
        if (!ok)
                fprintf(stderr, "wsbx: %s: reading the artifact failed\n", out);
        ok = ok && write_file(out, p, *len);
        free(p);
        return ok;
}

static bool write_file(const char *out, const uint8_t *p, size_t len)
{
        size_t n = strlen(out) + 16;
        char *tmp = malloc(n);
        if (!tmp) {
                fprintf(stderr, "wsbx: %s: out of memory\n", out);
                return false;
        }
        snprintf(tmp, n, "%s.tmp%ld", out, (long)getpid());
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        bool ok = fd >= 0 && write_all(fd, p, len);
        int e = errno;
        if (fd >= 0 && close(fd) < 0 && ok) {
                ok = false;
                e = errno;
        }
        if (ok && rename(tmp, out) < 0) {
                ok = false;
                e = errno;
        }
        if (!ok) {
                fprintf(stderr, "wsbx: %s: %s\n", out, strerror(e));
                unlink(tmp);
        }
        free(tmp);
        return ok;
}

/* FILE.wasm / FILE.wat / FILE -> FILE.cwasm */
static char *default_output(const char *in)
{
        const char *slash = strrchr(in, '/');
        const char *dot = strrchr(in, '.');
        size_t stem = dot && (!slash || dot > slash + 1) ? (size_t)(dot - in) : strlen(in);
        char *out = malloc(stem + 7);
        if (out) {
                memcpy(out, in, stem);
                memcpy(out + stem, ".cwasm", 7);
        }
        return out;
}

static int run(int argc, char **argv)
{
        const char *in = NULL, *out = NULL;
        wsbx_compile_opts opts = {0};
        bool dashdash = false, no_sandbox = false;
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (!dashdash && strcmp(a, "--") == 0) {
                        dashdash = true;
                } else if (!dashdash && cli_is_help(a)) {
                        cli_print_help(&cli_compile);
                        return CLI_EXIT_OK;
                } else if (!dashdash && (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)) {
                        if (++i == argc)
                                return cli_usage("compile", "'%s' needs a file name", a);
                        out = argv[i];
                } else if (!dashdash && strcmp(a, "--baseline") == 0) {
                        opts.cpu_features = WSBX_CPU_BASELINE;
                } else if (!dashdash && strcmp(a, "--bounds-checks") == 0) {
                        opts.bounds_checks = true;
                } else if (!dashdash && strcmp(a, "--epoch") == 0) {
                        opts.epoch = true;
                } else if (!dashdash && strcmp(a, "--no-sandbox") == 0) {
                        no_sandbox = true;
                } else if (!dashdash && a[0] == '-' && a[1] != 0) {
                        return cli_usage("compile", "unknown option '%s'", a);
                } else if (in) {
                        return cli_usage("compile", "one input file at a time");
                } else {
                        in = a;
                }
        }
        if (!in)
                return cli_usage("compile", "no input file");
        char *def = NULL;
        if (!out) {
                if (strcmp(in, "-") == 0)
                        return cli_usage("compile", "reading standard input needs -o");
                out = def = default_output(in);
                if (!def) {
                        fprintf(stderr, "wsbx: out of memory\n");
                        return CLI_EXIT_FAIL;
                }
        }
        uint8_t *bytes = NULL;
        size_t len, art_len = 0;
        int afd = -1;
        bool ok = cli_read_file(in, &bytes, &len);
        if (ok && cli_is_artifact(bytes, len)) {
                fprintf(stderr, "wsbx: %s: already a compiled artifact\n", in);
                ok = false;
        }
        if (ok) {
                /* The module is untrusted: it is parsed and compiled in
                 * the compile worker, never in this process. */
                cli_load_opts lo = {.compile = &opts, .no_sandbox = no_sandbox, .no_cache = true};
                afd = cli_artifact_from_bytes(in, bytes, len, &lo);
                ok = afd >= 0;
        }
        ok = ok && write_file_fd(out, afd, &art_len);
        if (ok)
                printf("%s: %zu bytes\n", out, art_len);
        if (afd >= 0)
                close(afd);
        free(bytes);
        free(def);
        return ok ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

const cli_command cli_compile = {
        .name = "compile",
        .summary = "Compile a module ahead of time into an artifact (.cwasm)",
        .help =
        "Usage: wsbx compile [OPTIONS] [--] FILE\n"
        "\n"
        "Decodes, validates and compiles FILE (.wasm or .wat; '-' reads standard\n"
        "input) into an artifact: an ELF64 file that 'wsbx run' loads without\n"
        "compiling, and that 'objdump -d' and 'readelf -S' can read. Prints\n"
        "'OUT: N bytes' on success.\n"
        "\n"
        "Options:\n"
        "  -o, --output OUT  Write the artifact to OUT (default: FILE with its\n"
        "                    extension replaced by .cwasm)\n"
        "  --baseline        Use only x86-64-v2 instructions, so the artifact runs\n"
        "                    on any such machine (default: this CPU's features)\n"
        "  --bounds-checks   Check every memory access explicitly instead of\n"
        "                    relying on guard pages\n"
        "  --epoch           Compile in epoch checks (interruptible code)\n"
        "  --no-sandbox      Compile in this process instead of a jailed compile\n"
        "                    worker (debugging only)\n"
        "  -h, --help        Show this help\n"
        "\n"
        "Exit status: 0 written, 1 the module is invalid, cannot be compiled or the\n"
        "file cannot be read or written, 2 usage error.\n",
        .run = run,
};
