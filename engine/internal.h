/* internal.h - the engine's private header, sectioned by source file.
 *
 * Nothing outside engine/ includes this (tests do, through the internal
 * test library). Read it as the engine's table of contents.
 */
#ifndef WSBX_ENGINE_INTERNAL_H
#define WSBX_ENGINE_INTERNAL_H

#include "engine.h"

#include <stdarg.h>
#include <string.h>

/* "Cannot happen, must not crash" checks (SQLite's ALWAYS/NEVER): in debug
 * builds they assert; in release builds they evaluate to the condition so
 * the caller's fallback path runs. */
#ifdef NDEBUG
#define ALWAYS(x) (x)
#define NEVER(x) (x)
#else
#include <assert.h>
#define ALWAYS(x) (assert(x), 1)
#define NEVER(x) (assert(!(x)), 0)
#endif

#define WSBX_UNUSED __attribute__((unused))

/* ------------------------------------------------------------------------ */
/* arena.c - bump allocation freed in one call                              */
/* ------------------------------------------------------------------------ */

/* An arena hands out memory that lives until wsbx_arena_delete. Modules,
 * and later the compiler's per-function state, allocate from arenas. */
typedef struct wsbx_arena wsbx_arena;

/* Returns a new arena, or NULL when out of memory. */
wsbx_arena *wsbx_arena_new(void);
/* Frees the arena and every allocation made from it. NULL is allowed. */
void wsbx_arena_delete(wsbx_arena *a);
/* Returns `size` bytes aligned to 16, or NULL when out of memory. Memory is
 * not zeroed. */
void *wsbx_arena_alloc(wsbx_arena *a, size_t size);
/* As wsbx_arena_alloc, for `n` elements of `size` bytes, zeroed; NULL on
 * overflow of n * size or out of memory. */
void *wsbx_arena_calloc(wsbx_arena *a, size_t n, size_t size);

/* ------------------------------------------------------------------------ */
/* error.c - error records and small name tables                            */
/* ------------------------------------------------------------------------ */

/* wsbx_error_set is declared in engine.h. This variant takes a va_list. */
wsbx_errkind wsbx_error_vset(wsbx_error *err, wsbx_errkind kind, size_t offset, const char *fmt,
                             va_list ap);

/* ------------------------------------------------------------------------ */
/* reader.h (inline, below) - bounds-checked reading of binary input        */
/* ------------------------------------------------------------------------ */

/* A cursor over a byte range. Every read checks bounds; a failed read sets
 * an error in `err` and returns false. `base` is the offset of `start` in
 * the whole module so that errors carry module offsets. */
typedef struct wsbx_reader {
        const uint8_t *start, *p, *end;
        size_t base;
        wsbx_error *err;
} wsbx_reader;

static inline size_t wsbx_reader_offset(const wsbx_reader *r)
{
        return r->base + (size_t)(r->p - r->start);
}

static inline size_t wsbx_reader_left(const wsbx_reader *r)
{
        return (size_t)(r->end - r->p);
}

/* Reads fail with the spec's wording. "unexpected end" is what the
 * reference interpreter says when a read runs past the input; inside a
 * section or function body callers may rewrite it (see decode.c). */
static inline bool wsbx_read_u8(wsbx_reader *r, uint8_t *out)
{
        if (r->p >= r->end) {
                wsbx_error_set(r->err, WSBX_ERR_MALFORMED, wsbx_reader_offset(r), "unexpected end");
                return false;
        }
        *out = *r->p++;
        return true;
}

/* Unsigned LEB128 of at most `bits` bits (32 or 64). Errors: "unexpected
 * end", "integer representation too long" (more bytes than ceil(bits/7)),
 * "integer too large" (unused bits of the last byte set). */
static inline bool wsbx_read_uleb(wsbx_reader *r, unsigned bits, uint64_t *out)
{
        uint64_t result = 0;
        unsigned shift = 0;
        size_t start = wsbx_reader_offset(r);
        for (;;) {
                if (r->p >= r->end) {
                        wsbx_error_set(r->err, WSBX_ERR_MALFORMED, wsbx_reader_offset(r), "unexpected end");
                        return false;
                }
                uint8_t b = *r->p++;
                if (shift + 7 >= bits) {
                        /* Last allowed byte: bits beyond `bits` must be
                         * zero, then the continuation bit must be clear
                         * (the reference checks in this order, so 0x90 as
                         * the fifth byte of a u32 is "too large"). */
                        unsigned used = bits - shift;
                        if (used < 7 && ((b & 0x7f) >> used) != 0) {
                                wsbx_error_set(r->err, WSBX_ERR_MALFORMED, start, "integer too large");
                                return false;
                        }
                        if (b & 0x80) {
                                wsbx_error_set(r->err, WSBX_ERR_MALFORMED, start,
                                               "integer representation too long");
                                return false;
                        }
                        result |= (uint64_t)b << shift;
                        break;
                }
                result |= (uint64_t)(b & 0x7f) << shift;
                if (!(b & 0x80))
                        break;
                shift += 7;
        }
        *out = result;
        return true;
}

static inline bool wsbx_read_u32(wsbx_reader *r, uint32_t *out)
{
        /* Fast path: one byte. */
        if (r->p < r->end && !(*r->p & 0x80)) {
                *out = *r->p++;
                return true;
        }
        uint64_t v;
        if (!wsbx_read_uleb(r, 32, &v))
                return false;
        *out = (uint32_t)v;
        return true;
}

/* Signed LEB128 of at most `bits` bits (7 for block types, 32, 33, 64).
 * In the last allowed byte the unused bits must all equal the sign bit. */
static inline bool wsbx_read_sleb(wsbx_reader *r, unsigned bits, int64_t *out)
{
        uint64_t result = 0;
        unsigned shift = 0;
        size_t start = wsbx_reader_offset(r);
        uint8_t b;
        for (;;) {
                if (r->p >= r->end) {
                        wsbx_error_set(r->err, WSBX_ERR_MALFORMED, wsbx_reader_offset(r), "unexpected end");
                        return false;
                }
                b = *r->p++;
                if (shift + 7 >= bits) {
                        /* Bits [used-1 .. 6] must be a sign extension;
                         * checked before the continuation bit, as the
                         * reference does. */
                        unsigned used = bits - shift;
                        if (used < 7) {
                                int8_t sb = (int8_t)(b << 1) >> 1; /* sign-extend 7 bits */
                                int8_t top = (int8_t)(sb >> (used - 1));
                                if (top != 0 && top != -1) {
                                        wsbx_error_set(r->err, WSBX_ERR_MALFORMED, start, "integer too large");
                                        return false;
                                }
                        }
                        if (b & 0x80) {
                                wsbx_error_set(r->err, WSBX_ERR_MALFORMED, start,
                                               "integer representation too long");
                                return false;
                        }
                        result |= (uint64_t)(b & 0x7f) << shift;
                        shift += 7;
                        break;
                }
                result |= (uint64_t)(b & 0x7f) << shift;
                shift += 7;
                if (!(b & 0x80))
                        break;
        }
        if (shift < 64 && (b & 0x40))
                result |= ~(uint64_t)0 << shift;
        *out = (int64_t)result;
        return true;
}

static inline bool wsbx_read_bytes(wsbx_reader *r, size_t n, const uint8_t **out)
{
        if (wsbx_reader_left(r) < n) {
                wsbx_error_set(r->err, WSBX_ERR_MALFORMED, wsbx_reader_offset(r), "unexpected end");
                return false;
        }
        *out = r->p;
        r->p += n;
        return true;
}

/* ------------------------------------------------------------------------ */
/* opcodes.def / sigs.def - the instruction table                           */
/* ------------------------------------------------------------------------ */

/* Immediate shapes. */
typedef enum wsbx_imm {
        WSBX_IMM_NONE,
        WSBX_IMM_BLOCKTYPE,     /* s33 block type */
        WSBX_IMM_LABEL,         /* u32 label depth */
        WSBX_IMM_BR_TABLE,      /* vec(u32) u32 */
        WSBX_IMM_FUNC,          /* u32 function index */
        WSBX_IMM_CALL_INDIRECT, /* u32 type index, u32 table index */
        WSBX_IMM_LOCAL,         /* u32 */
        WSBX_IMM_GLOBAL,        /* u32 */
        WSBX_IMM_TABLE,         /* u32 table index */
        WSBX_IMM_MEMARG,        /* u32 align, u32 offset */
        WSBX_IMM_MEMARG_LANE,   /* memarg, u8 lane */
        WSBX_IMM_MEMORY,        /* u8 memory index (must be 0: "zero byte expected") */
        WSBX_IMM_MEMORY_INIT,   /* u32 data index, u8 0 */
        WSBX_IMM_MEMORY_COPY,   /* u8 0, u8 0 */
        WSBX_IMM_DATA,          /* u32 data index */
        WSBX_IMM_ELEM,          /* u32 elem index */
        WSBX_IMM_TABLE_INIT,    /* u32 elem index, u32 table index */
        WSBX_IMM_TABLE_COPY,    /* u32 dst table, u32 src table */
        WSBX_IMM_I32,           /* s32 */
        WSBX_IMM_I64,           /* s64 */
        WSBX_IMM_F32,           /* 4 bytes */
        WSBX_IMM_F64,           /* 8 bytes */
        WSBX_IMM_V128,          /* 16 bytes */
        WSBX_IMM_LANE,          /* u8 lane index */
        WSBX_IMM_SHUFFLE,       /* 16 u8 lane indices */
        WSBX_IMM_SELECT_T,      /* vec(valtype) */
        WSBX_IMM_REFTYPE,       /* reftype byte */
} wsbx_imm;

typedef enum wsbx_sig {
#define SIG(id, np, p0, p1, p2, nr, r0) WSBX_SIG_##id,
#include "sigs.def"
#undef SIG
        WSBX_SIG_COUNT
} wsbx_sig;

typedef enum wsbx_opcode {
#define OP(id, name, prefix, code, imm, sig, arg) WSBX_OP_##id,
#include "opcodes.def"
#undef OP
        WSBX_OP_COUNT,
        WSBX_OP_INVALID = 0xffff
} wsbx_opcode;

typedef struct wsbx_opinfo {
        const char *name;
        uint8_t prefix;
        uint8_t code;
        uint8_t imm;  /* wsbx_imm */
        uint8_t sig;  /* wsbx_sig */
        uint8_t arg;
} wsbx_opinfo;

typedef struct wsbx_siginfo {
        uint8_t nparams, nresults;
        wsbx_valtype params[3];
        wsbx_valtype result;
} wsbx_siginfo;

/* Indexed by wsbx_opcode / wsbx_sig (defined in opcodes.c). */
extern const wsbx_opinfo wsbx_ops[WSBX_OP_COUNT];
extern const wsbx_siginfo wsbx_sigs[WSBX_SIG_COUNT];
/* Opcode lookup by byte: one-byte opcodes, 0xFC sub-opcodes (< 32) and
 * 0xFD sub-opcodes (< 256). WSBX_OP_INVALID where none exists. */
extern const uint16_t wsbx_op_by_byte[256];
extern const uint16_t wsbx_op_by_fc[32];
extern const uint16_t wsbx_op_by_fd[256];

/* Looks an instruction up by its text name (e.g. "i32.add"); returns
 * WSBX_OP_INVALID if there is none. "select" returns WSBX_OP_select. */
wsbx_opcode wsbx_op_by_name(const char *name, size_t len);

/* ------------------------------------------------------------------------ */
/* decode.c - binary module decoder                                         */
/* ------------------------------------------------------------------------ */

/* The body validator (validate.c) reports through the same error record.
 * wsbx_validate_body validates one function body whose bytes are
 * [m->bytes + f->code_offset, body end). It is called by the decoder while
 * the code section is read, after all sections it depends on are decoded;
 * m->funcs[i].type, m->func_types and every index space are filled, and
 * m->elems / m->datacount are known. `ref_declared` says which functions may
 * be named by ref.func (declared in an element segment, exported or used in
 * a global initializer): one flag per function in the index space.
 * `scratch` is reused across bodies to avoid per-function allocation. */
typedef struct wsbx_valscratch wsbx_valscratch;
wsbx_valscratch *wsbx_valscratch_new(void);
void wsbx_valscratch_delete(wsbx_valscratch *s);

wsbx_errkind wsbx_validate_body(const wsbx_module *m, uint32_t defined_index,
                                const uint8_t *ref_declared, const wsbx_limits_cfg *limits,
                                wsbx_valscratch *scratch, wsbx_error *err);

/* ------------------------------------------------------------------------ */
/* decode.c - decoder state shared with decode_const.c and decode_names.c   */
/* ------------------------------------------------------------------------ */

/* The decoder is three files: decode.c (the module, its sections and index
 * spaces), decode_const.c (constant expressions) and decode_names.c (export
 * name uniqueness and the "name" section). They share one state. */
typedef struct wsbx_dec {
        wsbx_reader r;          /* over the whole module */
        wsbx_module *m;
        wsbx_arena *a;
        const wsbx_limits_cfg *lim;
        wsbx_error *err;
        wsbx_error inv;         /* first validation error, if has_inv */
        bool has_inv;
        size_t sec_end;         /* declared end of the current section, clamped */
        unsigned built;         /* 1 << wsbx_externkind: index spaces assembled */
        uint32_t nfunc_decls;   /* entries of the function section */
        uint32_t ncode;         /* entries of the code section */
        uint8_t *ref_declared;  /* nfuncs flags (C.refs) */
        uint8_t *frames;        /* kinds of open blocks in a const expression */
        uint32_t frames_cap;
        uint32_t customs_cap;
        wsbx_valscratch *scratch;
} wsbx_dec;

/* Returns a failed wsbx_errkind from the enclosing function. */
#define WSBX_TRY(e)                             \
        do {                                    \
                wsbx_errkind k_ = (e);          \
                if (k_ != WSBX_OK)              \
                        return k_;              \
        } while (0)

/* Reader calls report through d->err and return false. */
#define WSBX_RD(e)                                      \
        do {                                            \
                if (!(e))                               \
                        return WSBX_ERR_MALFORMED;      \
        } while (0)

/* The offset of the decoder's cursor in the module. */
static inline size_t wsbx_dec_off(const wsbx_dec *d)
{
        return (size_t)(d->r.p - d->r.start);
}

static inline bool wsbx_dec_is_reftype(uint8_t b)
{
        return b == WSBX_FUNCREF || b == WSBX_EXTERNREF;
}

static inline bool wsbx_dec_is_valtype(uint8_t b)
{
        return (b >= WSBX_V128 && b <= WSBX_I32) || wsbx_dec_is_reftype(b);
}

static inline uint32_t wsbx_dec_le32(const uint8_t *p)
{
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* True when every byte is ASCII: then it is valid UTF-8 without a look. */
static inline bool wsbx_dec_all_ascii(const uint8_t *p, size_t n)
{
        uint8_t acc = 0;
        for (size_t i = 0; i < n; i++)
                acc |= p[i];
        return acc < 0x80;
}

/* A malformed error at `at`: returns WSBX_ERR_MALFORMED. */
wsbx_errkind wsbx_dec_malformed(wsbx_dec *d, size_t at, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Remembers the first validation error; decoding goes on (malformed
 * errors found later still win). */
void wsbx_dec_invalid(wsbx_dec *d, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
wsbx_errkind wsbx_dec_nomem(wsbx_dec *d);
/* A length or count: the reference compares it with the bytes left from
 * where the number starts, and says "length out of bounds" if it exceeds
 * them. */
wsbx_errkind wsbx_dec_read_len(wsbx_dec *d, uint32_t *n);
/* Type bytes are one-byte signed LEB128s in the reference, so a byte with
 * the continuation bit set is a too-long integer, not a bad type:
 * "integer representation too long", else "malformed WHAT". */
wsbx_errkind wsbx_dec_bad_type_byte(wsbx_dec *d, size_t at, uint8_t b, const char *what);
wsbx_errkind wsbx_dec_read_valtype(wsbx_dec *d, wsbx_valtype *out);
wsbx_errkind wsbx_dec_read_reftype(wsbx_dec *d, wsbx_valtype *out);

/* ------------------------------------------------------------------------ */
/* decode_const.c - constant expressions                                    */
/* ------------------------------------------------------------------------ */

/* Reads a constant expression of type `want` up to and including its END
 * into *ce, recording validation errors with wsbx_dec_invalid and marking
 * the function a ref.func names in d->ref_declared. */
wsbx_errkind wsbx_dec_read_const(wsbx_dec *d, wsbx_valtype want, wsbx_constexpr *ce);

/* ------------------------------------------------------------------------ */
/* decode_names.c - export name uniqueness and the "name" section           */
/* ------------------------------------------------------------------------ */

/* One export, for the duplicate-name check: its name, its position in the
 * export section and the module offset of its entry. */
typedef struct wsbx_dec_export_key {
        wsbx_name name;
        uint32_t index;
        uint32_t offset;
} wsbx_dec_export_key;

/* Records "duplicate export name" (wsbx_dec_invalid) for the first export
 * whose name an earlier one has, as the reference reports it. May reorder
 * `keys`. Fails only when out of memory. */
wsbx_errkind wsbx_dec_export_names(wsbx_dec *d, wsbx_dec_export_key *keys, uint32_t n);
/* Fills m->name and m->func_names from "name" custom section `c`, or leaves
 * both empty if any part of it is malformed (custom sections are never an
 * error). Returns false only when out of memory. */
bool wsbx_dec_parse_names(wsbx_module *m, const wsbx_custom *c);

/* ------------------------------------------------------------------------ */
/* text_lex.c - tokens of the text format (shared by wat.c and wast.c)      */
/* ------------------------------------------------------------------------ */

typedef enum wsbx_tokkind {
        WSBX_TOK_EOF,
        WSBX_TOK_LPAREN,
        WSBX_TOK_RPAREN,
        WSBX_TOK_KEYWORD,  /* starts with a lowercase letter: module, i32.add, offset=4 */
        WSBX_TOK_ID,       /* $name (also $"quoted name") */
        WSBX_TOK_STRING,   /* "..." as written, quotes included */
        WSBX_TOK_NUMBER,   /* integer or float literal, sign included */
        WSBX_TOK_RESERVED, /* anything else made of idchars */
} wsbx_tokkind;

typedef struct wsbx_token {
        wsbx_tokkind kind;
        const char *start;
        size_t len;
        uint32_t line, col;
} wsbx_token;

typedef struct wsbx_lexer {
        const char *src, *p, *end;
        uint32_t line;
        const char *line_start;
        /* One token of lookahead. */
        bool has_peek;
        wsbx_token peek;
        wsbx_errkind peek_status;
        wsbx_error peek_err;
} wsbx_lexer;

void wsbx_lexer_init(wsbx_lexer *lx, const char *src, size_t len);
/* Reads the next token, skipping whitespace, line comments (;; ...),
 * nested block comments ((; ... ;)) and annotations ((@id ...)).
 * Errors (malformed, with line:col): unclosed comment or string,
 * "malformed UTF-8 encoding", illegal characters. */
wsbx_errkind wsbx_lex_next(wsbx_lexer *lx, wsbx_token *tok, wsbx_error *err);
/* Returns the next token without consuming it. */
wsbx_errkind wsbx_lex_peek(wsbx_lexer *lx, wsbx_token *tok, wsbx_error *err);

/* True if [p, p+len) is well-formed UTF-8 (no overlongs, surrogates or
 * code points above U+10FFFF). Names in the text format must be. */
bool wsbx_utf8_valid(const uint8_t *p, size_t len);

/* Fills err with a text error at tok's position. */
wsbx_errkind wsbx_text_error(wsbx_error *err, const wsbx_token *tok, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Decodes a string token's escapes into `buf` (which must hold tok->len
 * bytes); stores the byte length in *out_len. */
wsbx_errkind wsbx_text_string(const wsbx_token *tok, uint8_t *buf, size_t *out_len, wsbx_error *err);

/* ------------------------------------------------------------------------ */
/* text_num.c - numeric literals                                            */
/* ------------------------------------------------------------------------ */

/* Integer literal of `bits` bits (8, 16, 32, 64) accepting both the signed
 * and unsigned ranges, as i32.const does; result is the two's complement
 * bit pattern. Underscores and hex allowed. Error: "constant out of range"
 * (the caller may prefix "i32 "), or "unexpected token" if not a number. */
wsbx_errkind wsbx_text_int(const wsbx_token *tok, unsigned bits, uint64_t *out, wsbx_error *err);
/* Unsigned integer only (indices, alignments, offsets): nat literal. */
wsbx_errkind wsbx_text_nat(const wsbx_token *tok, uint64_t max, uint64_t *out, wsbx_error *err);
/* Float literals (decimal, hex, inf, nan, nan:0x...), correctly rounded. */
wsbx_errkind wsbx_text_f32(const wsbx_token *tok, uint32_t *bits, wsbx_error *err);
wsbx_errkind wsbx_text_f64(const wsbx_token *tok, uint64_t *bits, wsbx_error *err);

/* The shape of a numeric literal by the spec's grammar. */
typedef enum wsbx_numclass {
        WSBX_NUM_NONE,  /* not a number */
        WSBX_NUM_NAT,   /* unsigned integer: 12, 0x1_F */
        WSBX_NUM_INT,   /* signed integer: +12, -0x1F */
        WSBX_NUM_FLOAT, /* anything else: 1.5, 1e3, 0x1p3, inf, -nan, nan:0x1 */
} wsbx_numclass;
wsbx_numclass wsbx_text_numclass(const char *s, size_t len);

/* ------------------------------------------------------------------------ */
/* wat.c - text module parser and binary encoder                            */
/* ------------------------------------------------------------------------ */

/* Parses module fields from `lx` up to and including the `)` that closes
 * the enclosing `(module`, which the caller has consumed together with an
 * optional $id. Produces the binary (malloc'ed, caller frees). */
wsbx_errkind wsbx_wat_parse_fields(wsbx_lexer *lx, uint8_t **out, size_t *out_len, wsbx_error *err);
/* As wsbx_wat_parse_fields, and on success a position map of the binary
 * in *map (positions are the lexer's, so in the whole script). */
wsbx_errkind wsbx_wat_parse_fields_map(wsbx_lexer *lx, uint8_t **out, size_t *out_len,
                                       wsbx_posmap **map, wsbx_error *err);

/* ------------------------------------------------------------------------ */
/* util: growable byte buffer (buf.c)                                       */
/* ------------------------------------------------------------------------ */

typedef struct wsbx_buf {
        uint8_t *data;
        size_t len, cap;
        bool oom; /* set on allocation failure; later writes are dropped */
} wsbx_buf;

void wsbx_buf_reserve(wsbx_buf *b, size_t extra);
void wsbx_buf_put(wsbx_buf *b, const void *p, size_t n);
void wsbx_buf_u8(wsbx_buf *b, uint8_t v);
void wsbx_buf_uleb(wsbx_buf *b, uint64_t v);
void wsbx_buf_sleb(wsbx_buf *b, int64_t v);
/* Frees the buffer's memory and resets it. */
void wsbx_buf_free(wsbx_buf *b);

/* ------------------------------------------------------------------------ */
/* wat*.c - the text parser's shared state (nothing else uses it)           */
/* ------------------------------------------------------------------------ */

/* The text parser is four files: wat.c (module fields, sections, the two
 * passes), wat_ident.c (tokens, identifiers, references), wat_types.c
 * (value types, function types, type uses) and wat_instr.c
 * (instructions); wat_posmap.c keeps the position map they write. */

/* Identifier map: name bytes -> index, open addressing. Names point into
 * the source or into the parser's arena; the map never copies them. */
typedef struct wsbx_idslot {
        const char *name; /* NULL: empty slot */
        uint32_t len;
        uint32_t index;
} wsbx_idslot;

typedef struct wsbx_idmap {
        wsbx_idslot *slots;
        uint32_t cap, count;
} wsbx_idmap;

#define WSBX_NO_INDEX UINT32_MAX

/* Index spaces of a module, in the order of their error names. */
enum {
        WSBX_SP_FUNC,
        WSBX_SP_TABLE,
        WSBX_SP_MEMORY,
        WSBX_SP_GLOBAL,
        WSBX_SP_TYPE,
        WSBX_SP_ELEM,
        WSBX_SP_DATA,
        WSBX_SP_COUNT
};

/* A text position: 1-based line and byte column of a token. */
typedef struct wsbx_wat_pos {
        uint32_t line, col;
} wsbx_wat_pos;

static inline wsbx_wat_pos wsbx_wat_tokpos(const wsbx_token *t)
{
        return (wsbx_wat_pos){t->line, t->col};
}

/* One entry of a position map: the bytes from `off` up to the next mark
 * were produced by the token at `at`. */
typedef struct wsbx_posmark {
        size_t off;
        wsbx_wat_pos at;
} wsbx_posmark;

/* An output buffer that remembers which token produced which bytes. Marks
 * are in increasing offset order, each at most b.len. Marks are only kept
 * when the parser tracks positions (P->track); otherwise this is a plain
 * buffer. Bytes are written through `b` with the wsbx_buf_* functions. */
typedef struct wsbx_wat_buf {
        wsbx_buf b;
        wsbx_posmark *marks;
        size_t nmarks, marks_cap;
} wsbx_wat_buf;

typedef struct wsbx_wat_type {
        uint32_t nparams, nresults;
        const uint8_t *vt; /* params then results */
        wsbx_wat_pos at;   /* its definition, or the type use that added it */
} wsbx_wat_type;

/* A type use as written: (type x)? (param ...)* (result ...)*. */
typedef struct wsbx_wat_typeuse {
        bool has_type;     /* (type x) present */
        bool written;      /* any of the three lists present */
        uint32_t type;     /* its index (may be out of range if numeric) */
        uint32_t nparams, nresults; /* inline ones */
        uint32_t type_nparams;      /* params of the resolved type */
        wsbx_wat_pos at;   /* its first keyword; where the parser stood if empty */
} wsbx_wat_typeuse;

typedef struct wsbx_wat_label {
        const char *name; /* NULL if unnamed */
        uint32_t len;
        uint32_t prev;    /* the binding this label shadows */
} wsbx_wat_label;

typedef struct wsbx_wat_frame {
        uint8_t kind;
        bool done;
        size_t pend_off;
        const char *label;
        uint32_t label_len;
} wsbx_wat_frame;

/* Parser state for one module. */
typedef struct wsbx_wat {
        wsbx_lexer *lx;
        wsbx_error *err;
        wsbx_arena *arena;
        bool track;         /* record positions in wsbx_wat_buf marks */
        wsbx_wat_pos last;  /* the token wsbx_wat_next returned last */

        wsbx_idmap ids[WSBX_SP_COUNT];
        uint32_t counts[WSBX_SP_COUNT];

        wsbx_wat_type *types;
        uint32_t ntypes;
        size_t types_cap;
        wsbx_idmap sigs;    /* encoded function type -> first index */

        /* Scratch value types of the type use being parsed. */
        uint8_t *vt;
        uint32_t nvt;
        size_t vt_cap;

        /* The function being parsed. */
        wsbx_idmap locals;
        uint32_t nlocals;
        wsbx_wat_label *labels;
        uint32_t nlabels;
        size_t labels_cap;
        wsbx_idmap label_ids; /* name -> innermost label position */
        wsbx_wat_frame *frames;
        uint32_t nframes;
        size_t frames_cap;
        wsbx_wat_buf pend;    /* folded instructions waiting for their operands */

        bool uses_datacount;
} wsbx_wat;

/* ------------------------------------------------------------------------ */
/* wat_ident.c - tokens, identifiers and references                         */
/* ------------------------------------------------------------------------ */

/* "out of memory", with no position. */
wsbx_errkind wsbx_wat_nomem(wsbx_wat *P);
/* Returns `arr` reallocated to twice *cap elements of `elem` bytes (16 if
 * *cap is 0) and updates *cap; NULL (and `arr` untouched) on failure. */
void *wsbx_wat_grow(void *arr, size_t *cap, size_t elem);

/* Returns the slot for `name`, inserting it with index WSBX_NO_INDEX if it
 * is new; NULL when out of memory. */
wsbx_idslot *wsbx_idmap_slot(wsbx_idmap *m, const char *name, uint32_t len);
/* Returns the index bound to `name`, or WSBX_NO_INDEX. */
uint32_t wsbx_idmap_get(const wsbx_idmap *m, const char *name, uint32_t len);
void wsbx_idmap_free(wsbx_idmap *m);

/* Token helpers. wsbx_wat_next records the token's position in P->last.
 * wsbx_wat_peek2 looks past the next token (a "(" usually) without
 * consuming either. */
wsbx_errkind wsbx_wat_next(wsbx_wat *P, wsbx_token *t);
wsbx_errkind wsbx_wat_peek(wsbx_wat *P, wsbx_token *t);
wsbx_errkind wsbx_wat_peek2(wsbx_wat *P, wsbx_token *t1, wsbx_token *t2);
bool wsbx_wat_is(const wsbx_token *t, const char *kw);
/* "offset=N" and "align=N": true if `t` starts with `pre`; `num` is then
 * the rest as a token of its own, a NUMBER if it is a well-formed nat. */
bool wsbx_wat_kw_num(const wsbx_token *t, const char *pre, wsbx_token *num);
/* "unknown operator NAME" for reserved tokens and words that are neither
 * instructions nor keywords of the format, else "unexpected token". */
wsbx_errkind wsbx_wat_unexpected(wsbx_wat *P, const wsbx_token *t);
wsbx_errkind wsbx_wat_expect(wsbx_wat *P, wsbx_tokkind kind, wsbx_token *t);
wsbx_errkind wsbx_wat_expect_kw(wsbx_wat *P, const char *kw);
/* True when the next two tokens are "(" and keyword `kw`; open_list
 * consumes both, close_list expects ")". */
bool wsbx_wat_at_list(wsbx_wat *P, const char *kw);
wsbx_errkind wsbx_wat_open_list(wsbx_wat *P);
wsbx_errkind wsbx_wat_close_list(wsbx_wat *P);

/* A token's text for "%.*s" in messages, cut to 64 bytes. */
#define WSBX_WAT_TOKFMT(t) (int)((t)->len > 64 ? 64 : (t)->len), (t)->start

/* The name an ID token binds: the bytes after '$', or the decoded string
 * of $"..." (copied into the arena). */
wsbx_errkind wsbx_wat_idname(wsbx_wat *P, const wsbx_token *t, const char **name, uint32_t *len);
/* A reference: a number as written, or an $id bound in `ids` ("unknown
 * WHAT $id" otherwise). *t receives the token, so callers can tell which. */
wsbx_errkind wsbx_wat_ref(wsbx_wat *P, const wsbx_idmap *ids, const char *what, wsbx_token *t,
                          uint32_t *out);
/* An index or $id in `space`. */
wsbx_errkind wsbx_wat_var(wsbx_wat *P, unsigned space, uint32_t *out);
bool wsbx_wat_at_var(wsbx_wat *P);
/* Binds ID token `t` to `index` in `ids`; "duplicate WHAT $id" if bound. */
wsbx_errkind wsbx_wat_bind(wsbx_wat *P, wsbx_idmap *ids, const char *what, const wsbx_token *t,
                           uint32_t index);
/* Consumes the next token into *t if it is an $id, and says so in *found. */
wsbx_errkind wsbx_wat_opt_id(wsbx_wat *P, wsbx_token *t, bool *found);
/* Binds an optional $id at the next token to index `index` of `space`;
 * skip_opt_id consumes one without binding it (pass 2). */
wsbx_errkind wsbx_wat_bind_opt_id(wsbx_wat *P, unsigned space, uint32_t index);
wsbx_errkind wsbx_wat_skip_opt_id(wsbx_wat *P);

/* ------------------------------------------------------------------------ */
/* wat_types.c - value types, function types and type uses                  */
/* ------------------------------------------------------------------------ */

/* Value type keyword; "unexpected token" (or "unknown operator") else. */
wsbx_errkind wsbx_wat_valtype(wsbx_wat *P, uint8_t *out);
/* funcref or externref. */
wsbx_errkind wsbx_wat_reftype(wsbx_wat *P, uint8_t *out);
/* Adds a function type (params then results in vt) made at `at`. With
 * `reuse`, an existing identical type is returned instead (implicit type
 * uses). */
wsbx_errkind wsbx_wat_add_type(wsbx_wat *P, const uint8_t *vt, uint32_t np, uint32_t nr, bool reuse,
                               wsbx_wat_pos at, uint32_t *out);
/* (param ...)* (result ...)* into P->vt, appended. With `names`, a param
 * may carry one $id; bound as a local when `bind`. */
wsbx_errkind wsbx_wat_params_results(wsbx_wat *P, bool names, bool bind, uint32_t *np, uint32_t *nr);
/* Parses a type use; inline params and results land in P->vt. Names of
 * params are bound as locals when `bind_locals`; when !allow_names a named
 * param is an error (block types, call_indirect). */
wsbx_errkind wsbx_wat_parse_typeuse(wsbx_wat *P, bool allow_names, bool bind_locals, wsbx_wat_typeuse *tu);
/* The type index for a parsed type use: (type x) as written, else the
 * first matching type, appended when there is none. */
wsbx_errkind wsbx_wat_typeuse_index(wsbx_wat *P, const wsbx_wat_typeuse *tu, uint32_t *out);

/* ------------------------------------------------------------------------ */
/* wat_instr.c - instructions                                               */
/* ------------------------------------------------------------------------ */

enum {
        WSBX_WAT_BODY,   /* instructions up to and including the closing ")" */
        WSBX_WAT_FOLDED, /* exactly one folded instruction "(...)" */
};

/* Parses instructions into `out` (no trailing `end`). Labels, locals and
 * every index space of P must be set up. Never recurses on nesting. */
wsbx_errkind wsbx_wat_instrs(wsbx_wat *P, int mode, wsbx_wat_buf *out);
/* An expression: a fresh label scope, wsbx_wat_instrs, then `end`, which
 * maps to the last token read (the closing ")"). */
wsbx_errkind wsbx_wat_expr(wsbx_wat *P, int mode, wsbx_wat_buf *out);
/* Resets the per-function state: labels, frames and local names. */
void wsbx_wat_labels_reset(wsbx_wat *P);

/* ------------------------------------------------------------------------ */
/* wat_posmap.c - where each output byte came from                          */
/* ------------------------------------------------------------------------ */

/* Marks the bytes written to `o` from now on as coming from `at` (when
 * P->track). Out of memory sets o->b.oom. */
void wsbx_wat_mark(wsbx_wat *P, wsbx_wat_buf *o, wsbx_wat_pos at);
/* The position of byte `off` of `o`: that of the last mark at or before
 * it; false if there is none. */
bool wsbx_wat_buf_pos(const wsbx_wat_buf *o, size_t off, wsbx_wat_pos *at);
/* Appends bytes [from, len) of `src` to `dst`, marks included. */
void wsbx_wat_buf_put(wsbx_wat *P, wsbx_wat_buf *dst, const wsbx_wat_buf *src, size_t from);
/* Truncates `o` to `len` bytes, dropping the marks past it. */
void wsbx_wat_buf_cut(wsbx_wat_buf *o, size_t len);
/* Moves bytes [from, len) of `src` to the end of `dst`, marks included. */
void wsbx_wat_buf_move(wsbx_wat *P, wsbx_wat_buf *dst, wsbx_wat_buf *src, size_t from);
void wsbx_wat_buf_free(wsbx_wat_buf *o);
/* A position map made from `o`'s marks for its `len`-byte binary. The
 * marks move into the map (o keeps its bytes). NULL when out of memory. */
wsbx_posmap *wsbx_posmap_take(wsbx_wat_buf *o);

/* ------------------------------------------------------------------------ */
/* artifact.c - writing compiled artifacts (ELF64, see abi.h)               */
/* ------------------------------------------------------------------------ */

#include "abi.h"

/* The compiler drives a builder: it creates one per module, hands it the
 * machine code and the positions of everything in it, and asks for the
 * finished ELF image. Everything else (types, imports, exports, globals,
 * segments, names) is taken from the module.
 *
 *   wsbx_artbuild *b = wsbx_artbuild_new(m);
 *   wsbx_artbuild_set_text(b, code, len, &err);
 *   for each defined function f: wsbx_artbuild_set_func(b, f, ...);
 *   wsbx_artbuild_add_trap(b, off, WSBX_TRAP_..., &err); ...
 *   wsbx_artbuild_finish(b, &bytes, &len, &err);   (free(bytes) later)
 *   wsbx_artbuild_delete(b);
 *
 * Setters check their arguments against the module and fail with
 * WSBX_ERR_INVALID ("artifact: ...") on misuse; finish checks that the
 * whole picture is consistent (every defined function has code, every
 * offset lies in .text) before it writes anything. */
typedef struct wsbx_artbuild wsbx_artbuild;

/* Returns a new builder for `m`, or NULL when out of memory. The module is
 * borrowed: it must outlive the builder. Defaults: compat records
 * WSBX_CPU_BASELINE and no settings; 32-bit memories use
 * WSBX_ART_MEM_STATIC with a WSBX_ART_DEFAULT_GUARD guard, 64-bit ones
 * WSBX_ART_MEM_DYNAMIC without one; static initialization is on. */
wsbx_artbuild *wsbx_artbuild_new(const wsbx_module *m);
/* Frees the builder and its copies. NULL is allowed. */
void wsbx_artbuild_delete(wsbx_artbuild *b);

#define WSBX_ART_DEFAULT_GUARD (2ull << 30)

/* Copies `len` bytes of machine code (the whole .text). */
wsbx_errkind wsbx_artbuild_set_text(wsbx_artbuild *b, const uint8_t *code, size_t len,
                                    wsbx_error *err);
/* Places defined function `func_index` (an index in the function index
 * space, not an import) at [code_offset, +code_size) and its entry
 * trampoline at [entry_offset, +entry_size) (WSBX_ART_NONE, 0: none). */
wsbx_errkind wsbx_artbuild_set_func(wsbx_artbuild *b, uint32_t func_index, uint32_t code_offset,
                                    uint32_t code_size, uint32_t entry_offset, uint32_t entry_size,
                                    wsbx_error *err);
/* Places the wasm->array trampoline of type `type_index`. */
wsbx_errkind wsbx_artbuild_set_type_trampoline(wsbx_artbuild *b, uint32_t type_index,
                                               uint32_t offset, uint32_t size, wsbx_error *err);
/* Trap sites and address-map entries, in any order: finish sorts them.
 * Two address entries at one code offset keep the one added last (an
 * instruction that emitted no code); two trap sites at one offset must
 * agree on the trap. */
wsbx_errkind wsbx_artbuild_add_trap(wsbx_artbuild *b, uint32_t code_offset, wsbx_trap trap,
                                    wsbx_error *err);
wsbx_errkind wsbx_artbuild_add_addr(wsbx_artbuild *b, uint32_t code_offset, uint32_t wasm_offset,
                                    wsbx_error *err);
/* The CPU features (WSBX_CPU_*) the code uses and the settings
 * (WSBX_ART_SET_*) it was compiled with. */
void wsbx_artbuild_set_compat(wsbx_artbuild *b, uint64_t cpu_features, uint32_t settings);
/* Memory `mem`'s reservation style (WSBX_ART_MEM_*) and guard size (a
 * multiple of WSBX_ART_PAGE); STATIC is for 32-bit memories only. */
wsbx_errkind wsbx_artbuild_set_memory_plan(wsbx_artbuild *b, uint32_t mem, uint8_t style,
                                           uint64_t guard_size, wsbx_error *err);
/* Turns static memory and table initialization on or off (default on). */
void wsbx_artbuild_set_static_init(wsbx_artbuild *b, bool enable);

/* Writes the artifact. On success *out is a malloc'ed buffer of *out_len
 * bytes the caller frees with free(); on failure *out is NULL. The builder
 * is left as it was and may be finished again or deleted. */
wsbx_errkind wsbx_artbuild_finish(wsbx_artbuild *b, uint8_t **out, size_t *out_len,
                                  wsbx_error *err);

/* ------------------------------------------------------------------------ */
/* compile.c - the target-independent compiler driver                       */
/* ------------------------------------------------------------------------ */

/* A call whose rel32 field (at code offset `offset`) must reach the body of
 * function `func` (an index in the function index space, never an import);
 * patched once every function has its place. */
typedef struct wsbx_reloc {
        uint32_t offset;
        uint32_t func;
} wsbx_reloc;

/* Where a target writes code and records. Offsets in the records are
 * relative to the start of `code`. Records are wsbx_art_trap, wsbx_art_addr
 * and wsbx_reloc values appended back to back. */
typedef struct wsbx_csink {
        wsbx_buf code, traps, addrs, relocs;
} wsbx_csink;

/* A code generator behind a small interface. A context is per thread:
 * compile_function and the trampolines may run on several contexts of the
 * same module at once. Each appends its code at the end of the sink
 * (which the driver has aligned) and returns WSBX_OK or an error. */
typedef struct wsbx_target {
        const char *name;
        /* WSBX_CPU_* features of the CPU this runs on. */
        uint64_t (*host_features)(void);
        /* NULL when out of memory. `features` is the allowed WSBX_CPU_* set. */
        void *(*ctx_new)(const wsbx_module *m, const wsbx_compile_opts *opts, uint64_t features);
        void (*ctx_delete)(void *ctx);
        /* `func` is a defined function's index in the function index space. */
        wsbx_errkind (*compile_function)(void *ctx, uint32_t func, wsbx_csink *out, wsbx_error *err);
        /* The array -> wasm entry of defined function `func` (wsbx_array_fn). */
        wsbx_errkind (*entry_trampoline)(void *ctx, uint32_t func, wsbx_csink *out, wsbx_error *err);
        /* The wasm -> array trampoline of function type `type`. */
        wsbx_errkind (*host_trampoline)(void *ctx, uint32_t type, wsbx_csink *out, wsbx_error *err);
        /* WSBX_CPU_* features the context's code actually uses so far. */
        uint64_t (*used_features)(void *ctx);
} wsbx_target;

/* A compiled module, before it becomes an artifact: the input of the
 * artifact writer. Code offsets are into `code`. Owned by the struct, freed
 * with wsbx_compiled_delete. */
typedef struct wsbx_compiled {
        uint8_t *code;
        uint32_t code_len;
        uint32_t nfuncs;          /* defined functions */
        uint32_t *func_offset;    /* [nfuncs] start of each defined function */
        uint32_t *func_size;      /* [nfuncs] */
        uint32_t *entry_offset;   /* [nfuncs] entry trampoline, or UINT32_MAX */
        uint32_t *entry_size;     /* [nfuncs] 0 when there is none */
        uint32_t ntypes;
        uint32_t *host_offset;    /* [ntypes] wasm -> array trampoline per type */
        uint32_t *host_size;      /* [ntypes] */
        wsbx_art_trap *traps;     /* sorted by code offset */
        uint32_t ntraps;
        wsbx_art_addr *addrs;     /* sorted by code offset */
        uint32_t naddrs;
        uint64_t cpu_features;    /* WSBX_CPU_* the code uses */
        uint32_t settings;        /* WSBX_ART_SET_* */
        wsbx_vmctx_layout layout; /* the vmctx layout the code assumes */
} wsbx_compiled;

/* Compiles every function of a validated module, and the trampolines.
 * opts may be NULL (defaults: this CPU's features, no epoch checks, guard
 * pages, one thread per core). On success *out is a new wsbx_compiled. */
wsbx_errkind wsbx_compile_module(const wsbx_module *m, const wsbx_compile_opts *opts,
                                 wsbx_compiled **out, wsbx_error *err);
void wsbx_compiled_delete(wsbx_compiled *c);

/* The vmctx layout of a module (abi.h). */
wsbx_vmctx_layout wsbx_module_vmctx_layout(const wsbx_module *m);

/* The escaping functions of a module: exported, named by an element
 * segment or a global initializer, or the start function. One flag per
 * function in the index space, written to `out`. */
void wsbx_module_escapes(const wsbx_module *m, uint8_t *out);

#endif
