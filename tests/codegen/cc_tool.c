/* cc_tool.c - a test helper around the compiler.
 *
 *   cc_tool dump FILE OUT     compile FILE (.wat or .wasm) with the CPU
 *                             features pinned to the x86-64-v2 floor (and
 *                             epoch checks or bounds checks when the text
 *                             holds ";; compile: epoch" or
 *                             ";; compile: bounds_checks"), write
 *                             the raw code to OUT and list, on stdout, each
 *                             function's name, offset and size
 *   cc_tool bench N FILE...   compile each file N times on one thread (CPU
 *                             time) and on every core (wall time); print MB
 *                             of function bodies per second
 *   cc_tool spec FILE...      compile every module of each .wast script
 *                             and count successes, unsupported
 *                             instructions and other failures
 *
 * Exit status 0 unless a file cannot be read or compiling fails in a way
 * other than an unsupported instruction.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint8_t *read_file(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return NULL;
        size_t cap = 1 << 16, n = 0;
        uint8_t *p = malloc(cap);
        for (;;) {
                if (n == cap) {
                        cap *= 2;
                        p = realloc(p, cap);
                }
                size_t r = fread(p + n, 1, cap - n, f);
                if (!r)
                        break;
                n += r;
        }
        fclose(f);
        *len = n;
        return p;
}

/* Single-threaded runs are timed in CPU time of the thread, so that a busy
 * machine does not distort them; parallel runs in wall time. */
static double now_clock(clockid_t id)
{
        struct timespec ts;
        clock_gettime(id, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int dump(const char *in, const char *out)
{
        size_t len;
        uint8_t *bytes = read_file(in, &len);
        if (!bytes) {
                fprintf(stderr, "%s: cannot read\n", in);
                return 2;
        }
        wsbx_module *m;
        wsbx_error err;
        if (wsbx_module_load(bytes, len, NULL, &m, &err) != WSBX_OK) {
                fprintf(stderr, "%s: %s\n", in, err.msg);
                return 1;
        }
        wsbx_compile_opts o = { .cpu_features = WSBX_CPU_BASELINE, .threads = 1 };
        /* Settings a golden file asks for in a comment of its own. */
        if (memmem(bytes, len, ";; compile: epoch", 17))
                o.epoch = true;
        if (memmem(bytes, len, ";; compile: bounds_checks", 25))
                o.bounds_checks = true;
        wsbx_compiled *c;
        if (wsbx_compile_module(m, &o, &c, &err) != WSBX_OK) {
                fprintf(stderr, "%s: compile: %s (offset %zu)\n", in, err.msg, err.offset);
                return 1;
        }
        FILE *f = fopen(out, "wb");
        if (!f || fwrite(c->code, 1, c->code_len, f) != c->code_len) {
                fprintf(stderr, "%s: cannot write\n", out);
                return 2;
        }
        fclose(f);
        for (uint32_t i = 0; i < c->nfuncs; i++) {
                uint32_t fi = m->nimported_funcs + i;
                if (m->func_names && m->func_names[fi].len)
                        printf("func %.*s", (int)m->func_names[fi].len, m->func_names[fi].ptr);
                else
                        printf("func %u", fi);
                printf(" %#x %u\n", c->func_offset[i], c->func_size[i]);
        }
        for (uint32_t i = 0; i < c->ntraps; i++)
                printf("trap %#x %u\n", c->traps[i].code_offset, c->traps[i].trap);
        wsbx_compiled_delete(c);
        wsbx_module_delete(m);
        free(bytes);
        return 0;
}

static int bench(int reps, int nfiles, char **files)
{
        double total_bytes = 0, t1 = 0, tn = 0;
        for (int i = 0; i < nfiles; i++) {
                size_t len;
                uint8_t *bytes = read_file(files[i], &len);
                wsbx_module *m;
                wsbx_error err;
                if (!bytes || wsbx_module_load(bytes, len, NULL, &m, &err) != WSBX_OK) {
                        fprintf(stderr, "%s: cannot load\n", files[i]);
                        return 2;
                }
                uint64_t code = 0;
                for (uint32_t f = 0; f < m->nfuncs - m->nimported_funcs; f++)
                        code += m->funcs[f].body_size;
                double best[2] = { 1e9, 1e9 };
                uint32_t codelen = 0;
                for (int th = 0; th < 2; th++) {
                        wsbx_compile_opts o = { .threads = th == 0 ? 1 : 0 };
                        for (int r = 0; r < reps; r++) {
                                wsbx_compiled *c;
                                clockid_t id = th == 0 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
                                double t0 = now_clock(id);
                                wsbx_errkind k = wsbx_compile_module(m, &o, &c, &err);
                                double dt = now_clock(id) - t0;
                                if (k != WSBX_OK) {
                                        printf("%-60s %s\n", files[i], err.msg);
                                        goto next;
                                }
                                codelen = c->code_len;
                                wsbx_compiled_delete(c);
                                if (dt < best[th])
                                        best[th] = dt;
                        }
                }
                printf("%-60s %8.1f KB wasm code -> %8.1f KB x86: %7.1f MB/s (1 thread) %7.1f MB/s (all)\n",
                       files[i], (double)code / 1024, (double)codelen / 1024,
                       (double)code / best[0] / 1e6, (double)code / best[1] / 1e6);
                total_bytes += (double)code;
                t1 += best[0];
                tn += best[1];
next:
                wsbx_module_delete(m);
                free(bytes);
        }
        if (t1 > 0)
                printf("total %.1f MB: %.1f MB/s (1 thread), %.1f MB/s (all cores)\n", total_bytes / 1e6,
                       total_bytes / t1 / 1e6, total_bytes / tn / 1e6);
        return 0;
}

static int spec(int nfiles, char **files)
{
        unsigned ok = 0, unsup = 0, bad = 0;
        for (int i = 0; i < nfiles; i++) {
                size_t len;
                uint8_t *text = read_file(files[i], &len);
                wsbx_script *s;
                wsbx_error err;
                if (!text || wsbx_script_parse((const char *)text, len, &s, &err) != WSBX_OK) {
                        fprintf(stderr, "%s: cannot parse\n", files[i]);
                        return 2;
                }
                for (uint32_t k = 0; k < s->ncmds; k++) {
                        const wsbx_command *cmd = &s->cmds[k];
                        if (cmd->kind != WSBX_CMD_MODULE || !cmd->module || !cmd->module->bytes ||
                            cmd->module->form == WSBX_MODFORM_QUOTE)
                                continue;
                        wsbx_module *m;
                        if (wsbx_module_decode(cmd->module->bytes, cmd->module->len, NULL, &m, &err) != WSBX_OK)
                                continue;
                        wsbx_compiled *c;
                        wsbx_compile_opts o = { .threads = 1 };
                        wsbx_errkind r = wsbx_compile_module(m, &o, &c, &err);
                        if (r == WSBX_OK) {
                                ok++;
                                wsbx_compiled_delete(c);
                        } else if (!strncmp(err.msg, "not supported yet", 17)) {
                                unsup++;
                                if (getenv("WSBX_CC_VERBOSE"))
                                        printf("%s:%u: %s\n", files[i], cmd->line, err.msg);
                        } else {
                                bad++;
                                printf("%s:%u: FAILED: %s (offset %zu)\n", files[i], cmd->line, err.msg, err.offset);
                        }
                        wsbx_module_delete(m);
                }
                wsbx_script_delete(s);
                free(text);
        }
        printf("modules: %u compiled, %u not supported yet, %u failed\n", ok, unsup, bad);
        return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
        if (argc >= 4 && !strcmp(argv[1], "dump"))
                return dump(argv[2], argv[3]);
        if (argc >= 4 && !strcmp(argv[1], "bench"))
                return bench(atoi(argv[2]), argc - 3, argv + 3);
        if (argc >= 3 && !strcmp(argv[1], "spec"))
                return spec(argc - 2, argv + 2);
        fprintf(stderr, "usage: cc_tool dump FILE OUT | bench N FILE... | spec FILE...\n");
        return 2;
}
