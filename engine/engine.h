/* engine.h - the engine's one interface header.
 *
 * The engine is pure computation on bytes: it turns WebAssembly binary or
 * text into a decoded, validated module and compiles that into an artifact
 * of x86-64 machine code (wsbx_compile, below). It has no global state and
 * touches no OS resource besides memory, so it runs unchanged inside a
 * jailed compile worker.
 *
 * Life cycle of a module:
 *
 *   wsbx_module *m;
 *   wsbx_error err;
 *   if (wsbx_module_load(bytes, len, NULL, &m, &err) != WSBX_OK)
 *           print err.msg at err.offset (binary) or err.line:err.col (text);
 *   ... read m->imports, m->exports, ...
 *   wsbx_module_delete(m);
 *
 * Error convention (docs/error-handling.md): every fallible engine call
 * returns a wsbx_errkind (WSBX_OK == 0) and fills a caller-provided
 * wsbx_error record. The engine never prints and never exits.
 */
#ifndef WSBX_ENGINE_H
#define WSBX_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

typedef enum wsbx_errkind {
        WSBX_OK = 0,
        WSBX_ERR_MALFORMED,    /* binary or text is not well formed (spec: "malformed") */
        WSBX_ERR_INVALID,      /* well formed but fails validation (spec: "invalid") */
        WSBX_ERR_LIMIT,        /* exceeds a configured implementation limit */
        WSBX_ERR_NOMEM,        /* allocation failed */
        WSBX_ERR_IO,           /* reading a file failed (CLI helpers only) */
} wsbx_errkind;

#define WSBX_ERROR_MSG_MAX 256

/* One error record. `offset` is a byte offset into the binary module (or
 * SIZE_MAX when not applicable); `line`/`col` are 1-based positions in text
 * input (0 when the error came from binary). `msg` starts with the wording
 * the spec tests match on ("type mismatch", "unexpected end", ...), and may
 * continue with detail after that prefix. */
typedef struct wsbx_error {
        wsbx_errkind kind;
        size_t offset;
        uint32_t line, col;
        char msg[WSBX_ERROR_MSG_MAX];
} wsbx_error;

/* Static, human-readable name of an error kind ("malformed", ...). */
const char *wsbx_errkind_name(wsbx_errkind kind);

/* Fills `err` (if non-NULL) and returns `kind`. printf-style. */
wsbx_errkind wsbx_error_set(wsbx_error *err, wsbx_errkind kind, size_t offset, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Step timestamps for people measuring startup (trace.c): with WSBX_TRACE
 * in the environment, wsbx_trace prints "wsbx: trace: MS ms  STEP" on
 * stderr, MS counted from the process's first trace call; wsbx_trace_at
 * prints a step that happened at CLOCK_MONOTONIC time `at` (ns; 0 prints
 * nothing), e.g. in a worker. Not thread-safe before the first call;
 * silent (and nearly free) without WSBX_TRACE. */
bool wsbx_trace_on(void);
uint64_t wsbx_trace_clock(void);
void wsbx_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void wsbx_trace_at(uint64_t at, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------------ */
/* Limits                                                                   */
/* ------------------------------------------------------------------------ */

/* Implementation limits applied while decoding hostile input. Exceeding one
 * yields WSBX_ERR_LIMIT with a message naming the limit, e.g.
 * "limit exceeded: functions (1000001 > 1000000)". */
typedef struct wsbx_limits_cfg {
        uint32_t max_types;
        uint32_t max_functions;      /* imported + defined */
        uint32_t max_imports;
        uint32_t max_exports;
        uint32_t max_globals;
        uint32_t max_tables;
        uint32_t max_memories;
        uint32_t max_elem_segments;
        uint32_t max_data_segments;
        uint32_t max_locals;         /* per function, params included */
        uint32_t max_params;         /* per function type */
        uint32_t max_results;        /* per function type */
        uint32_t max_body_size;      /* bytes per function body */
        uint32_t max_nesting;        /* control nesting depth per function */
        uint32_t max_br_table;       /* targets per br_table */
        uint32_t max_elem_items;     /* items per element segment */
} wsbx_limits_cfg;

/* The defaults (generous, as in V8's wasm-limits.h). */
extern const wsbx_limits_cfg wsbx_default_limits;

/* ------------------------------------------------------------------------ */
/* Types                                                                    */
/* ------------------------------------------------------------------------ */

/* Value types carry their binary encoding. */
enum {
        WSBX_I32 = 0x7f,
        WSBX_I64 = 0x7e,
        WSBX_F32 = 0x7d,
        WSBX_F64 = 0x7c,
        WSBX_V128 = 0x7b,
        WSBX_FUNCREF = 0x70,
        WSBX_EXTERNREF = 0x6f,
};
typedef uint8_t wsbx_valtype;

/* Static name of a value type ("i32", ..., "funcref"); "?" if unknown. */
const char *wsbx_valtype_name(wsbx_valtype t);

typedef struct wsbx_functype {
        uint32_t nparams, nresults;
        wsbx_valtype *params;  /* nparams entries */
        wsbx_valtype *results; /* nresults entries */
} wsbx_functype;

typedef struct wsbx_limits {
        uint64_t min, max;
        bool has_max;
} wsbx_limits;

typedef struct wsbx_tabletype {
        wsbx_valtype elem; /* WSBX_FUNCREF or WSBX_EXTERNREF */
        wsbx_limits limits;
} wsbx_tabletype;

typedef struct wsbx_memtype {
        wsbx_limits limits; /* in 64 KiB pages */
        bool shared;
        bool is64;
} wsbx_memtype;

typedef struct wsbx_globaltype {
        wsbx_valtype type;
        bool mut;
} wsbx_globaltype;

typedef enum wsbx_externkind {
        WSBX_EXTERN_FUNC = 0,
        WSBX_EXTERN_TABLE = 1,
        WSBX_EXTERN_MEMORY = 2,
        WSBX_EXTERN_GLOBAL = 3,
} wsbx_externkind;

/* Static name of an extern kind ("func", "table", "memory", "global"). */
const char *wsbx_externkind_name(wsbx_externkind k);

/* A constant expression. Wasm 2.0 allows exactly one instruction. */
typedef enum wsbx_constop {
        WSBX_CONST_I32,
        WSBX_CONST_I64,
        WSBX_CONST_F32,
        WSBX_CONST_F64,
        WSBX_CONST_V128,
        WSBX_CONST_REF_NULL,
        WSBX_CONST_REF_FUNC,
        WSBX_CONST_GLOBAL_GET,
} wsbx_constop;

typedef struct wsbx_constexpr {
        wsbx_constop op;
        union {
                uint32_t i32;
                uint64_t i64;
                uint32_t f32_bits;
                uint64_t f64_bits;
                uint8_t v128[16];
                wsbx_valtype reftype; /* REF_NULL */
                uint32_t index;       /* REF_FUNC, GLOBAL_GET */
        } u;
} wsbx_constexpr;

/* ------------------------------------------------------------------------ */
/* Module                                                                   */
/* ------------------------------------------------------------------------ */

/* Names are byte strings taken from the module: not NUL-terminated inside
 * the module bytes, so they carry a length. They are valid UTF-8. */
typedef struct wsbx_name {
        const char *ptr;
        uint32_t len;
} wsbx_name;

typedef struct wsbx_import {
        wsbx_name module, name;
        wsbx_externkind kind;
        union {
                uint32_t func_type; /* index into types */
                wsbx_tabletype table;
                wsbx_memtype memory;
                wsbx_globaltype global;
        } u;
} wsbx_import;

typedef struct wsbx_export {
        wsbx_name name;
        wsbx_externkind kind;
        uint32_t index;
} wsbx_export;

typedef struct wsbx_global {
        wsbx_globaltype type;
        wsbx_constexpr init;
} wsbx_global;

/* A run of locals of one type, as in the binary's code section. */
typedef struct wsbx_localgroup {
        uint32_t count;
        wsbx_valtype type;
} wsbx_localgroup;

/* A function defined in the module. Offsets are into wsbx_module.bytes. */
typedef struct wsbx_func {
        uint32_t type;          /* index into types */
        uint32_t body_offset;   /* first byte of the body (its local declarations) */
        uint32_t body_size;     /* bytes of the body, locals included */
        uint32_t code_offset;   /* first instruction byte */
        uint32_t nlocals;       /* declared locals, params excluded */
        uint32_t nlocalgroups;
        wsbx_localgroup *localgroups;
} wsbx_func;

typedef enum wsbx_segmode {
        WSBX_SEG_ACTIVE,
        WSBX_SEG_PASSIVE,
        WSBX_SEG_DECLARATIVE, /* element segments only */
} wsbx_segmode;

typedef struct wsbx_elem {
        wsbx_segmode mode;
        uint32_t table;        /* active only */
        wsbx_constexpr offset; /* active only */
        wsbx_valtype type;     /* WSBX_FUNCREF or WSBX_EXTERNREF */
        uint32_t count;
        wsbx_constexpr *items; /* REF_FUNC, REF_NULL or GLOBAL_GET each */
} wsbx_elem;

typedef struct wsbx_data {
        wsbx_segmode mode;
        uint32_t memory;       /* active only */
        wsbx_constexpr offset; /* active only */
        uint32_t data_offset;  /* into wsbx_module.bytes */
        uint32_t size;
} wsbx_data;

typedef struct wsbx_custom {
        wsbx_name name;
        uint32_t offset; /* payload, into wsbx_module.bytes */
        uint32_t size;
} wsbx_custom;

/* A decoded, validated module. Index spaces (functions, tables, memories,
 * globals) list imports first, as the spec does: function i < nimported_funcs
 * is an import; the others are funcs[i - nimported_funcs].
 * All memory is owned by the module and freed by wsbx_module_delete. */
typedef struct wsbx_module {
        const uint8_t *bytes; /* the module's own copy of its binary */
        size_t size;

        uint32_t ntypes;
        wsbx_functype *types;

        uint32_t nimports;
        wsbx_import *imports;

        /* Index spaces. */
        uint32_t nfuncs, nimported_funcs;
        uint32_t *func_types; /* nfuncs entries: type index of every function */
        wsbx_func *funcs;     /* nfuncs - nimported_funcs defined functions */

        uint32_t ntables, nimported_tables;
        wsbx_tabletype *tables; /* ntables entries, imports first */

        uint32_t nmemories, nimported_memories;
        wsbx_memtype *memories; /* nmemories entries, imports first */

        uint32_t nglobals, nimported_globals;
        wsbx_globaltype *global_types; /* nglobals entries, imports first */
        wsbx_global *globals;          /* nglobals - nimported_globals defined */

        uint32_t nexports;
        wsbx_export *exports;

        bool has_start;
        uint32_t start;

        uint32_t nelems;
        wsbx_elem *elems;

        bool has_datacount;
        uint32_t datacount;
        uint32_t ndatas;
        wsbx_data *datas;

        uint32_t ncustoms;
        wsbx_custom *customs;

        /* From the "name" custom section when present and well formed. */
        wsbx_name name;          /* module name; len 0 if none */
        wsbx_name *func_names;   /* nfuncs entries (len 0 if unnamed) or NULL */

        struct wsbx_arena *arena; /* owns everything above */
} wsbx_module;

/* Decodes and validates a binary module. Copies `bytes`; the caller keeps
 * ownership of its buffer. `limits` may be NULL for wsbx_default_limits.
 * On success stores a new module in *out (free with wsbx_module_delete). On
 * failure *out is NULL and `err` says why. Malformed errors take priority
 * over validation errors, as in the spec's reference interpreter. */
wsbx_errkind wsbx_module_decode(const uint8_t *bytes, size_t len, const wsbx_limits_cfg *limits,
                                wsbx_module **out, wsbx_error *err);

/* As wsbx_module_decode, but also accepts the text format: input that does
 * not start with the binary magic "\0asm" is parsed as a .wat module.
 * Errors in text input carry a text position (err->line/col, 1-based):
 * syntax errors with err->offset SIZE_MAX; errors the decoder or the
 * validator finds in the text's binary encoding (wsbx_wat_to_binary's
 * output) with the position of the token that produced the offending
 * bytes, and err->offset still the offset into that encoding. */
wsbx_errkind wsbx_module_load(const uint8_t *bytes, size_t len, const wsbx_limits_cfg *limits,
                              wsbx_module **out, wsbx_error *err);

/* Frees a module and everything it owns. NULL is allowed. */
void wsbx_module_delete(wsbx_module *m);

/* Validates function body `defined_index` (an index into m->funcs). Used by
 * wsbx_module_decode; exposed for tools and tests. */
wsbx_errkind wsbx_validate_func(const wsbx_module *m, uint32_t defined_index,
                                const wsbx_limits_cfg *limits, wsbx_error *err);

/* ------------------------------------------------------------------------ */
/* Text format                                                              */
/* ------------------------------------------------------------------------ */

/* Parses one module in the text format (`(module ...)`, or a bare sequence
 * of module fields) into its binary encoding. On success stores a malloc'ed
 * buffer in *out / *out_len (the caller frees it with free()). On failure
 * err->kind is WSBX_ERR_MALFORMED and err->line/col locate the problem.
 * The binary is not validated: pass it to wsbx_module_decode. */
wsbx_errkind wsbx_wat_to_binary(const char *text, size_t len, uint8_t **out, size_t *out_len,
                                wsbx_error *err);

/* A position map: which token of a text module produced which bytes of
 * its binary encoding. Every instruction, every module field and every
 * type use is mapped; bytes between two mapped tokens belong to the
 * earlier one. Opaque; owned by whoever received it. */
typedef struct wsbx_posmap wsbx_posmap;

/* As wsbx_wat_to_binary, and on success also stores in *map a new
 * position map of the binary (the caller frees it with
 * wsbx_posmap_delete). On failure *map is NULL. The map of a
 * `(module binary ...)` maps nothing. */
wsbx_errkind wsbx_wat_to_binary_map(const char *text, size_t len, uint8_t **out, size_t *out_len,
                                    wsbx_posmap **map, wsbx_error *err);

/* The 1-based line and byte column of the token that produced byte
 * `offset` of the binary. False, leaving *line and *col alone, when no
 * token did (the module header) or `offset` is past the binary's end. */
bool wsbx_posmap_find(const wsbx_posmap *map, size_t offset, uint32_t *line, uint32_t *col);

/* Gives an error found in the binary (err->offset) the text position
 * that produced its bytes: sets err->line/col when wsbx_posmap_find
 * finds one; err->offset stays the offset into the binary. NULL map or
 * err, or an error that has a line already: no change. */
void wsbx_posmap_locate(const wsbx_posmap *map, wsbx_error *err);

/* Frees a position map. NULL is allowed. */
void wsbx_posmap_delete(wsbx_posmap *map);

/* ------------------------------------------------------------------------ */
/* wast scripts                                                             */
/* ------------------------------------------------------------------------ */

/* A .wast script (the spec tests' format) parsed into a list of commands.
 * Parsing checks the script's own syntax and encodes inline text modules;
 * it executes nothing. Life cycle:
 *
 *   wsbx_script *s;
 *   if (wsbx_script_parse(text, len, &s, &err) != WSBX_OK)
 *           the script is unreadable as a whole (err.line:err.col);
 *   for (i = 0; i < s->ncmds; i++) run s->cmds[i];
 *   wsbx_script_delete(s);
 *
 * One wsbx_script owns every command, module, value and string reachable
 * from it; all of it stays valid until wsbx_script_delete. */

/* How a module was written in the script. */
typedef enum wsbx_modform {
        WSBX_MODFORM_TEXT,   /* (module field...): encoded while parsing */
        WSBX_MODFORM_BINARY, /* (module binary "..."...) */
        WSBX_MODFORM_QUOTE,  /* (module quote "..."...): parsed when run */
} wsbx_modform;

typedef struct wsbx_script_module {
        wsbx_modform form;
        bool definition;     /* (module definition ...): define, do not instantiate */
        wsbx_name id;        /* $name as written ('$' included), len 0 if none */
        uint32_t line;       /* line of the module's opening paren */
        /* TEXT: its binary encoding; BINARY: the strings' bytes joined;
         * QUOTE: the strings' bytes joined, text to parse as a module. */
        const uint8_t *bytes;
        size_t len;
        /* TEXT only: kind != WSBX_OK when the text failed to parse (bytes
         * is then NULL); line/col point into the script. */
        wsbx_error error;
        /* TEXT with WSBX_SCRIPT_TEXT_SPANS: not encoded (bytes NULL, len
         * 0); text holds the module's fields as written (text_len bytes,
         * owned by the script), starting at text_line:text_col of the
         * script, for whoever encodes "(module " text ")" elsewhere. */
        const char *text;
        size_t text_len;
        uint32_t text_line, text_col;
} wsbx_script_module;

/* A value as written in the script: an argument, or the value part of an
 * expected result. Floats are kept as bit patterns; v128 as its 16 bytes
 * in memory order plus the lane shape it was written in. */
typedef enum wsbx_v128shape {
        WSBX_SHAPE_I8X16,
        WSBX_SHAPE_I16X8,
        WSBX_SHAPE_I32X4,
        WSBX_SHAPE_I64X2,
        WSBX_SHAPE_F32X4,
        WSBX_SHAPE_F64X2,
} wsbx_v128shape;

typedef struct wsbx_value {
        wsbx_valtype type;   /* WSBX_I32 ... WSBX_EXTERNREF */
        uint8_t shape;       /* v128: wsbx_v128shape */
        bool is_null;        /* references: ref.null */
        union {
                uint32_t i32;
                uint64_t i64;
                uint32_t f32;    /* bits */
                uint64_t f64;    /* bits */
                uint8_t v128[16];
                uint32_t ref;    /* non-null externref: the N of ref.extern N */
        } u;
} wsbx_value;

/* What a float (or a float lane) must be. */
typedef enum wsbx_nanpat {
        WSBX_NAN_NONE = 0,   /* exactly the bits in the value */
        WSBX_NAN_CANONICAL,  /* nan:canonical: sign free, payload = only the top bit */
        WSBX_NAN_ARITHMETIC, /* nan:arithmetic: sign free, top payload bit set */
} wsbx_nanpat;

typedef enum wsbx_resultkind {
        WSBX_RESULT_VALUE,      /* `value`, with `nan` patterns for float lanes */
        WSBX_RESULT_ANY_FUNC,   /* (ref.func): any non-null funcref */
        WSBX_RESULT_ANY_EXTERN, /* (ref.extern): any non-null externref */
        WSBX_RESULT_ANY_NULL,   /* (ref.null): a null reference of any type */
        WSBX_RESULT_EITHER,     /* (either r...): one of `alts` (never nested) */
} wsbx_resultkind;

typedef struct wsbx_result {
        wsbx_resultkind kind;
        wsbx_value value;
        /* VALUE: per lane, wsbx_nanpat. f32/f64 use nan[0]; v128 f32x4 uses
         * nan[0..3], f64x2 nan[0..1]; everything else is NONE. A lane with
         * a pattern holds the canonical NaN's bits in `value`. */
        uint8_t nan[4];
        uint32_t nalts;
        struct wsbx_result *alts; /* EITHER */
} wsbx_result;

typedef enum wsbx_actionkind {
        WSBX_ACTION_INVOKE,
        WSBX_ACTION_GET,
} wsbx_actionkind;

typedef struct wsbx_action {
        wsbx_actionkind kind;
        wsbx_name module;    /* $name as written, len 0: the current module */
        wsbx_name field;     /* export name, UTF-8 bytes */
        uint32_t nargs;
        wsbx_value *args;    /* INVOKE */
} wsbx_action;

typedef enum wsbx_cmdkind {
        WSBX_CMD_MODULE,                /* module */
        WSBX_CMD_MODULE_INSTANCE,       /* (module instance $inst $def?) */
        WSBX_CMD_REGISTER,              /* text: the name; modname: $M or current */
        WSBX_CMD_ACTION,                /* a bare invoke or get */
        WSBX_CMD_ASSERT_RETURN,         /* action, results */
        WSBX_CMD_ASSERT_TRAP,           /* action, or module (instantiation traps), text */
        WSBX_CMD_ASSERT_EXHAUSTION,     /* action, text */
        WSBX_CMD_ASSERT_MALFORMED,      /* module, text */
        WSBX_CMD_ASSERT_INVALID,        /* module, text */
        WSBX_CMD_ASSERT_UNLINKABLE,     /* module, text */
        WSBX_CMD_ASSERT_UNINSTANTIABLE, /* module, text */
        WSBX_CMD_ERROR,                 /* did not parse: see error */
} wsbx_cmdkind;

typedef struct wsbx_command {
        wsbx_cmdkind kind;
        uint32_t line;               /* line of the command's opening paren */
        wsbx_script_module *module;  /* or NULL */
        wsbx_action *action;         /* or NULL */
        uint32_t nresults;
        wsbx_result *results;        /* ASSERT_RETURN */
        /* Expected message (assertions) or registered name (REGISTER);
         * NUL-terminated as well as counted. */
        wsbx_name text;
        wsbx_name modname;           /* REGISTER, MODULE_INSTANCE: $name or len 0 */
        wsbx_name instname;          /* MODULE_INSTANCE: the instance's $name */
        wsbx_error error;            /* ERROR: why (text position in the script) */
} wsbx_command;

typedef struct wsbx_script {
        uint32_t ncmds;
        wsbx_command *cmds;
        struct wsbx_arena *arena; /* owns everything above */
} wsbx_script;

/* Parses a script. A command that does not parse becomes WSBX_CMD_ERROR
 * and parsing resumes after its closing paren; a text module that does
 * not parse keeps its error in the module (its command stays as written).
 * Fails as a whole only when the script cannot be split into commands
 * (unbalanced parens, an unreadable token outside any command, out of
 * memory): then *out is NULL. A script that is only module fields
 * ("(func) (memory 1)") is one module command, as in the reference
 * interpreter. On success *out is a new script the caller frees with
 * wsbx_script_delete. The input is not kept. */
wsbx_errkind wsbx_script_parse(const char *text, size_t len, wsbx_script **out, wsbx_error *err);
/* As wsbx_script_parse; flags WSBX_SCRIPT_TEXT_SPANS: text modules are
 * not parsed (only skipped to their closing paren) but kept as their
 * source text (wsbx_script_module.text), so that a jailed worker can
 * parse them (wsbx wast). */
#define WSBX_SCRIPT_TEXT_SPANS 1u
wsbx_errkind wsbx_script_parse_flags(const char *text, size_t len, unsigned flags, wsbx_script **out,
                                     wsbx_error *err);

/* Frees a script and everything it owns. NULL is allowed. */
void wsbx_script_delete(wsbx_script *s);

/* Static name of a command kind as written ("assert_return", ...). */
const char *wsbx_cmdkind_name(wsbx_cmdkind k);

/* Whether `v` satisfies `r` (bitwise for exact floats, by NaN class for
 * patterns, lane by lane for v128 whatever shape either side uses). */
bool wsbx_result_matches(const wsbx_result *r, const wsbx_value *v);

/* Writes `v` as the script would ("i32.const 7", "v128.const i32x4 1 2 3 4",
 * "ref.null extern"), truncating to `size` bytes (NUL included). Returns
 * the length the full text needs, as snprintf does. */
size_t wsbx_value_format(const wsbx_value *v, char *buf, size_t size);

/* As wsbx_value_format for an expected result (NaN patterns, either). */
size_t wsbx_result_format(const wsbx_result *r, char *buf, size_t size);

/* ------------------------------------------------------------------------ */
/* Compiler                                                                 */
/* ------------------------------------------------------------------------ */

/* How to compile. A zeroed struct (or NULL) means: the features of this
 * CPU, guard pages instead of bounds checks where the memory allows, no
 * epoch checks, one thread per core. */
typedef struct wsbx_compile_opts {
        /* WSBX_CPU_* bits (abi.h) the code may use; 0: this CPU's. The
         * x86-64-v2 floor is always assumed. Pin it for reproducible code
         * and for artifacts that must run on other machines. */
        uint64_t cpu_features;
        bool epoch;         /* epoch checks at function entries and loop headers */
        bool bounds_checks; /* explicit bounds checks on every memory access */
        uint32_t threads;   /* compile threads; 0: one per core */
} wsbx_compile_opts;

/* Compiles a validated module into an artifact (an ELF64 file, abi.h). On
 * success *artifact is a malloc'ed buffer of *len bytes the caller frees
 * with free(). Fails with WSBX_ERR_LIMIT for an instruction the compiler
 * does not support yet (the message names it), WSBX_ERR_NOMEM when out of
 * memory. */
wsbx_errkind wsbx_compile(const wsbx_module *m, const wsbx_compile_opts *opts, uint8_t **artifact,
                          size_t *len, wsbx_error *err);

/* ------------------------------------------------------------------------ */
/* cache.c - SHA-256 and the on-disk compile cache                          */
/* ------------------------------------------------------------------------ */

/* SHA-256 (FIPS 180-4), incremental: init, update any number of times,
 * final writes 32 bytes. wsbx_sha256 hashes one buffer. */
typedef struct wsbx_sha256_ctx {
        uint32_t h[8];
        uint64_t len;           /* bytes hashed so far */
        uint8_t block[64];
        uint32_t used;          /* bytes in block */
} wsbx_sha256_ctx;
void wsbx_sha256_init(wsbx_sha256_ctx *c);
void wsbx_sha256_update(wsbx_sha256_ctx *c, const void *data, size_t len);
void wsbx_sha256_final(wsbx_sha256_ctx *c, uint8_t out[32]);
void wsbx_sha256(const void *data, size_t len, uint8_t out[32]);

/* The compile cache: one artifact file per key in a directory
 * ($XDG_CACHE_HOME/wsbx, else $HOME/.cache/wsbx), named by the key in hex.
 * Entries are written to a temporary file, fsync'ed and renamed into
 * place, so any number of processes may read and write at once and a
 * reader sees a whole entry or none. A hit touches the entry's mtime; a
 * store that takes the directory over its size bound evicts the least
 * recently used entries (under an flock on the directory's lock file).
 * Entries are never trusted: the caller verifies what it loads (the
 * loader does) and removes an entry it refuses. Functions return 0 or
 * -errno (OS-facing, like the loader). */
typedef struct wsbx_cache wsbx_cache;

#define WSBX_CACHE_MAX_DEFAULT ((uint64_t)1 << 30) /* 1 GiB */

/* The key of a module: SHA-256 over the module bytes, the settings that
 * change the code (opts; NULL the defaults), the CPU features the
 * compiler may use (cpu_available: what this machine has, the loader's
 * wsbx_cpu_features()), the wsbx version, the ABI version and the GNU
 * build id of the binary this code is linked into (empty without one). */
void wsbx_cache_key(const uint8_t *bytes, size_t len, const wsbx_compile_opts *opts,
                    uint64_t cpu_available, uint8_t key[32]);

/* The default directory into buf ("" and -ENOENT when neither
 * XDG_CACHE_HOME nor HOME is set, -ENAMETOOLONG when it does not fit). */
int wsbx_cache_default_dir(char *buf, size_t size);

/* Opens (creating it, mode 0700) the cache in dir (NULL: the default).
 * max_bytes bounds the total size of the entries (0: the value of
 * $WSBX_CACHE_SIZE, a byte count with an optional K/M/G suffix, else
 * WSBX_CACHE_MAX_DEFAULT). *out is owned by the caller: wsbx_cache_close. */
int wsbx_cache_open(const char *dir, uint64_t max_bytes, wsbx_cache **out);
/* A byte count with an optional K/M/G suffix (KiB, MiB, GiB; "B" and
 * "iB" allowed after it), as $WSBX_CACHE_SIZE takes; 0 when s is not
 * one (or says 0). */
uint64_t wsbx_parse_size(const char *s);
void wsbx_cache_close(wsbx_cache *c);
/* The cache's directory (borrowed). */
const char *wsbx_cache_dir(const wsbx_cache *c);

/* Looks the key up: returns a read-only fd of the entry (the caller
 * closes it) and touches its mtime, or -ENOENT. Counts a hit or a miss. */
int wsbx_cache_get(wsbx_cache *c, const uint8_t key[32]);
/* Stores len bytes of fd (read from offset 0) under key: temporary file,
 * fsync, rename; then evicts while the total exceeds the bound. */
int wsbx_cache_put_fd(wsbx_cache *c, const uint8_t key[32], int fd, uint64_t len);
/* Removes the entry for key (refused on verification); -ENOENT if none. */
int wsbx_cache_remove(wsbx_cache *c, const uint8_t key[32]);
/* Removes every entry and temporary file and zeroes the counters. */
int wsbx_cache_clear(wsbx_cache *c);

typedef struct wsbx_cache_stats {
        uint64_t entries, bytes;        /* what is in the directory now */
        uint64_t max_bytes;             /* the bound */
        uint64_t hits, misses, stores, evictions, refused; /* since the last clear */
} wsbx_cache_stats;
int wsbx_cache_stats_get(wsbx_cache *c, wsbx_cache_stats *st);
/* Counts an entry the caller refused (and removed): its lookup becomes a
 * miss. */
void wsbx_cache_count_refused(wsbx_cache *c);

#endif
