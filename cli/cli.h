/* cli.h - the wsbx command's one internal header, sectioned by file.
 *
 * Exit statuses, shared by every subcommand: 0 success, 1 a file failed
 * (invalid module, failing test, unreadable file), 2 usage error, 3 the
 * guest trapped (`wsbx run`, `wsbx bench`); run and bench exit with the
 * guest's proc_exit code when it calls proc_exit.
 */
#ifndef WSBX_CLI_H
#define WSBX_CLI_H

#include "engine.h"
#include "sandbox.h"

#include <stdio.h>

enum {
        CLI_EXIT_OK = 0,
        CLI_EXIT_FAIL = 1,
        CLI_EXIT_USAGE = 2,
        CLI_EXIT_TRAP = 3,
};

/* ------------------------------------------------------------------------ */
/* main.c - dispatch                                                        */
/* ------------------------------------------------------------------------ */

/* One subcommand: `run` gets argv with argv[0] the subcommand's name. */
typedef struct cli_command {
        const char *name;
        const char *summary; /* one line for `wsbx --help` */
        const char *help;    /* full text for `wsbx help NAME` / NAME --help */
        int (*run)(int argc, char **argv);
} cli_command;

extern const cli_command cli_validate, cli_inspect, cli_wast, cli_run, cli_compile;
extern const cli_command cli_cache, cli_bench;
extern const cli_command cli_snapshot;

/* ------------------------------------------------------------------------ */
/* util.c - files, errors, output helpers                                   */
/* ------------------------------------------------------------------------ */

/* Largest file any subcommand reads. */
#define CLI_FILE_MAX ((size_t)256 << 20)

/* Reads a whole file (or stdin for "-") into a malloc'ed buffer that is
 * NUL-terminated past `*len` (the caller frees it). On failure prints
 * "wsbx: FILE: reason" to stderr and returns false. */
bool cli_read_file(const char *path, uint8_t **out, size_t *len);

/* Decodes and validates a module (binary or text) from bytes the caller
 * keeps. On success *out is the module (the caller frees it with
 * wsbx_module_delete); on failure prints "FILE:...: kind: msg" to stderr,
 * leaves *out NULL and returns false. */
bool cli_decode_module(const char *path, const uint8_t *bytes, size_t len, wsbx_module **out);

/* Reads FILE here, then decodes and validates it in a jailed child process
 * (wsbx_run_jailed: untrusted bytes are never parsed in this one) and
 * calls use(path, module, ctx) there, which prints what it finds on
 * stdout and returns an exit status. Returns use's status, or
 * CLI_EXIT_FAIL after printing the error (the file cannot be read, the
 * module is malformed or invalid, the child died and why). */
int cli_jailed_module(const char *path, int (*use)(const char *path, const wsbx_module *m, void *ctx), void *ctx);

/* The one module-loading path of `run` and `wast`. */
typedef struct cli_load_opts {
        const wsbx_compile_opts *compile; /* NULL: the defaults */
        bool no_sandbox;  /* compile in this process instead of a jailed worker */
        bool no_cache;    /* neither look up nor store in the compile cache */
} cli_load_opts;

/* Turns FILE into an artifact fd for wsbx_session_load_fd: a .cwasm (ELF)
 * file is opened read-only and handed on as is (the loader maps and
 * verifies it, never copies it); a module (.wasm/.wat, or "-") is looked
 * up in the compile cache (an entry is verified here first; a refused one
 * is removed), else compiled in a jailed compile worker
 * (sandbox/compiler.c; a sealed, verified memfd) and stored in the cache.
 * Returns the fd (the caller closes it), or -1 after printing
 * "FILE:...: reason" to stderr. */
int cli_load_artifact(const char *path, const cli_load_opts *o);

/* The same for module bytes the caller holds (a module of a .wast script):
 * cache, then compile worker; never an artifact. `path` names the bytes
 * in messages. */
int cli_artifact_from_bytes(const char *path, const uint8_t *bytes, size_t len, const cli_load_opts *o);

/* Compiles the bytes of a module a .wast script defines (text when
 * `text`, else binary) in the process's persistent compile worker
 * (spawned on first use, closed at exit; in this process when
 * no_sandbox, which the first call fixes). Returns a sealed, verified
 * artifact memfd (the caller closes it), or -1 with err filled (the
 * engine's error, or the worker's failure as WSBX_ERR_IO). */
int cli_compile_script_module(const uint8_t *bytes, size_t len, bool text, bool no_sandbox, wsbx_error *err);

/* Prints an engine error as "FILE:LINE:COL: kind: msg" (text positions),
 * "FILE:0xOFFSET: kind: msg" (binary) or "FILE: kind: msg", plus newline. */
void cli_print_error(FILE *f, const char *file, const wsbx_error *err);

/* The "kind: msg" part of the above, without position, into buf. */
void cli_format_error(char *buf, size_t size, const wsbx_error *err);

/* Prints "wsbx CMD: <message>" and a hint to stderr; returns
 * CLI_EXIT_USAGE for the caller to return. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether arg is -h or --help. */
bool cli_is_help(const char *arg);
/* Prints the command's full help text to stdout. */
void cli_print_help(const cli_command *c);

/* Writes a name (bytes with a length) as a quoted string with escapes:
 * text form "\xx" for anything unprintable, JSON form \uXXXX and a U+FFFD
 * for bytes that are not UTF-8. */
void cli_put_name(FILE *f, const char *p, size_t len);
void cli_put_json_string(FILE *f, const char *p, size_t len);

/* ------------------------------------------------------------------------ */
/* cmd_run.c - programs and functions; cmd_bench.c runs programs through it */
/* ------------------------------------------------------------------------ */

#define CLI_RUN_MAX_DIRS 64
#define CLI_RUN_MAX_LISTEN 3
#define CLI_RUN_MAX_ENV 256

/* Extra imports a caller provides (cmd_bench.c: bench.start/end). bind is
 * asked first for every import; it returns 1 and sets *out to a handle it
 * created in s, 0 when it does not provide the import, -1 after printing
 * an error. */
typedef struct cli_run_hooks {
        int (*bind)(void *ctx, wsbx_session *s, const wsbx_sess_import *imp, wsbx_handle *out);
        void *ctx;
} cli_run_hooks;

/* `wsbx run`'s options (also `wsbx bench`'s). Strings are borrowed: they
 * point into argv, or into cli_run_parse_opt's static buffers (the host
 * part of HOST::GUEST, a KEY=VALUE built from the host's environment). */
typedef struct cli_run_opts {
        const char *invoke;      /* NULL: run the program (_initialize, _start) */
        bool spectest;
        bool trap_unknown;
        bool no_cache;           /* --no-cache */
        bool no_sandbox;         /* --no-sandbox: worker on a thread, no jail */
        uint64_t timeout_ns;     /* --timeout; 0 none */
        const char *dir_host[CLI_RUN_MAX_DIRS], *dir_guest[CLI_RUN_MAX_DIRS];
        uint32_t ndirs;
        const char *env[CLI_RUN_MAX_ENV];
        uint32_t nenv;
        const char *listen[CLI_RUN_MAX_LISTEN]; /* --tcplisten HOST:PORT */
        uint32_t nlisten;
        const char *file;
        char **args;
        int nargs;
        const cli_run_hooks *hooks; /* NULL: none */
        const char *snapshot;    /* --snapshot SNAP: restore it (cmd_snapshot.c) */
        uint64_t memory_quota;   /* --memory-quota: bytes per instance; 0 none */
} cli_run_opts;

/* Parses one of the options `run` and `bench` share at argv[*i] (advancing
 * *i past a separate value). Returns 1 when it was one, 0 when not, or
 * CLI_EXIT_USAGE after printing a usage error for `cmd`. */
int cli_run_parse_opt(cli_run_opts *o, const char *cmd, int argc, char **argv, int *i);

/* Runs o->file as `wsbx run` does (hooks included) and returns the exit
 * status: the guest's exit code, CLI_EXIT_TRAP, CLI_EXIT_FAIL, ... */
int cli_run_file(const cli_run_opts *o);

/* One --invoke argument parsed by its type; one result printed on its
 * own line (the formats `wsbx run --help` describes). */
bool cli_run_parse_arg(const char *s, wsbx_valtype t, wsbx_val_raw *v);
void cli_run_print_result(wsbx_valtype t, const wsbx_val_raw *v);

/* ------------------------------------------------------------------------ */
/* cmd_snapshot.c - instance snapshots                                      */
/* ------------------------------------------------------------------------ */

/* `wsbx run --no-sandbox --snapshot SNAP --invoke NAME FILE ARGS`:
 * restores SNAP into an instance of FILE in this process (lazily through a
 * userfaultfd when one can be opened) and calls NAME; also reports the
 * usage error of --snapshot without --invoke. (Without --no-sandbox,
 * cli_run_file restores in the jailed worker.) Returns the exit status. */
int cli_snapshot_run(const cli_run_opts *o, const char *snap_path);

/* ------------------------------------------------------------------------ */
/* cmd_compile.c - modules to artifacts                                     */
/* ------------------------------------------------------------------------ */

/* Whether bytes are a compiled artifact (an ELF file) rather than a module. */
bool cli_is_artifact(const uint8_t *bytes, size_t len);

/* Decodes, validates and compiles a module (binary or text) read from
 * `path`; the caller keeps `bytes`. On success *art / *art_len hold the
 * artifact (the caller frees it with free()). On failure prints
 * "FILE:...: kind: msg" to stderr and returns false. */
bool cli_compile_module(const char *path, const uint8_t *bytes, size_t len, const wsbx_compile_opts *opts,
                        uint8_t **art, size_t *art_len);

#endif
