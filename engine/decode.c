/* decode.c - the binary module decoder and module-level validator.
 *
 * wsbx_module_decode reads a module in one pass, section by section, and
 * validates as it goes: every index, limit, constant expression and export
 * name is checked when it is read, and each function body is handed to the
 * body validator (validate.c) as soon as its local declarations are
 * decoded. Everything the module keeps comes from its arena, starting with
 * a copy of the input; names and segment payloads point into that copy.
 *
 * Invariants:
 * - Reads are bounded by the end of the module, not of the section. The
 *   reference interpreter reads that way and checks a section's size only
 *   after decoding it, so a section whose count overstates its contents
 *   reads on into the next one and fails with whatever the reference would
 *   say ("length out of bounds", "section size mismatch", ...).
 * - Malformed beats invalid. A malformed error returns at once; the first
 *   validation error is remembered in dec.inv and decoding goes on, so a
 *   malformed error later in the module still wins, as it does in the
 *   reference interpreter, which decodes everything before validating.
 * - No allocation is sized by the input before the count has been checked
 *   against the limits and the bytes that remain. Where a count exceeds
 *   the bytes left in its section, the section is bound to fail (every
 *   item takes at least a byte), so its items are decoded into a single
 *   scratch slot only to find out which error the reference would report.
 * - Work is linear in the input: one pass, duplicate export names found by
 *   hashing (with a probe budget, past which a sort takes over, so chosen
 *   names cannot make it quadratic), no backtracking beyond re-reading one
 *   constant expression.
 *
 * Surprises:
 * - A function whose type index is unknown still has its body decoded (a
 *   malformed body must win over the invalid index); it is validated
 *   against type 0 as a stand-in, since only malformedness matters then.
 * - The "name" custom section is parsed after everything else and only
 *   leniently: the spec does not validate custom sections, so a malformed
 *   name section is ignored, never an error.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

/* Section ids and the order non-custom sections must appear in. The data
 * count section (12) sits between the element (9) and code (10) sections. */
enum {
        SEC_CUSTOM = 0,
        SEC_TYPE = 1,
        SEC_IMPORT = 2,
        SEC_FUNC = 3,
        SEC_TABLE = 4,
        SEC_MEMORY = 5,
        SEC_GLOBAL = 6,
        SEC_EXPORT = 7,
        SEC_START = 8,
        SEC_ELEM = 9,
        SEC_CODE = 10,
        SEC_DATA = 11,
        SEC_DATACOUNT = 12,
        SEC_LAST = 12,
};

static const uint8_t section_rank[SEC_LAST + 1] = {
        [SEC_CUSTOM] = 0,  [SEC_TYPE] = 1,    [SEC_IMPORT] = 2, [SEC_FUNC] = 3,
        [SEC_TABLE] = 4,   [SEC_MEMORY] = 5,  [SEC_GLOBAL] = 6, [SEC_EXPORT] = 7,
        [SEC_START] = 8,   [SEC_ELEM] = 9,    [SEC_DATACOUNT] = 10,
        [SEC_CODE] = 11,   [SEC_DATA] = 12,
};
#define RANK_END 13

/* Index spaces are assembled (imports first) once their defining section
 * has been read or skipped. */
enum {
        SPACE_FUNCS = 1 << 0,
        SPACE_TABLES = 1 << 1,
        SPACE_MEMORIES = 1 << 2,
        SPACE_GLOBALS = 1 << 3,
};

#define MAX_PAGES 65536u

typedef struct dec {
        wsbx_reader r;          /* over the whole module */
        wsbx_module *m;
        wsbx_arena *a;
        const wsbx_limits_cfg *lim;
        wsbx_error *err;
        wsbx_error inv;         /* first validation error, if has_inv */
        bool has_inv;
        size_t sec_end;         /* declared end of the current section, clamped */
        unsigned built;         /* SPACE_* already assembled */
        uint32_t nfunc_decls;   /* entries of the function section */
        uint32_t ncode;         /* entries of the code section */
        uint8_t *ref_declared;  /* nfuncs flags (C.refs) */
        uint8_t *frames;        /* kinds of open blocks in a const expression */
        uint32_t frames_cap;
        uint32_t customs_cap;
        wsbx_valscratch *scratch;
} dec;

#define TRY(e)                                  \
        do {                                    \
                wsbx_errkind k_ = (e);          \
                if (k_ != WSBX_OK)              \
                        return k_;              \
        } while (0)

/* Reader calls report through d->err and return false. */
#define RD(e)                                           \
        do {                                            \
                if (!(e))                               \
                        return WSBX_ERR_MALFORMED;      \
        } while (0)

static inline size_t off(const dec *d)
{
        return (size_t)(d->r.p - d->r.start);
}

static wsbx_errkind malformed(dec *d, size_t at, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static wsbx_errkind malformed(dec *d, size_t at, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        wsbx_error_vset(d->err, WSBX_ERR_MALFORMED, at, fmt, ap);
        va_end(ap);
        return WSBX_ERR_MALFORMED;
}

/* Remembers the first validation error; decoding goes on. */
static void invalid(dec *d, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void invalid(dec *d, size_t at, const char *fmt, ...)
{
        if (d->has_inv)
                return;
        va_list ap;
        va_start(ap, fmt);
        wsbx_error_vset(&d->inv, WSBX_ERR_INVALID, at, fmt, ap);
        va_end(ap);
        d->has_inv = true;
}

static wsbx_errkind nomem(dec *d)
{
        return wsbx_error_set(d->err, WSBX_ERR_NOMEM, off(d), "out of memory");
}

static wsbx_errkind check_limit(dec *d, size_t at, const char *what, uint64_t n, uint32_t max)
{
        if (n <= max)
                return WSBX_OK;
        return wsbx_error_set(d->err, WSBX_ERR_LIMIT, at, "limit exceeded: %s (%llu > %u)", what,
                              (unsigned long long)n, max);
}

static void *alloc_array(dec *d, uint32_t n, size_t size)
{
        if (n == 0)
                return NULL;
        return wsbx_arena_calloc(d->a, n, size);
}

/* Slots to allocate for `count` items of the current section: `count`
 * itself, or one scratch slot when the count cannot fit in what is left of
 * the section (the section must then fail; see the file comment). */
static uint32_t vec_cap(const dec *d, uint32_t count)
{
        size_t p = off(d);
        size_t left = d->sec_end > p ? d->sec_end - p : 0;
        return count <= left ? count : 1;
}

static inline uint32_t slot(uint32_t i, uint32_t cap)
{
        return i < cap ? i : 0;
}

/* ------------------------------------------------------------------------ */
/* Values                                                                   */
/* ------------------------------------------------------------------------ */

/* A length or count: the reference compares it with the bytes left from
 * where the number starts, and says "length out of bounds" if it exceeds
 * them. */
static wsbx_errkind read_len(dec *d, uint32_t *n)
{
        size_t at = off(d);
        size_t left = wsbx_reader_left(&d->r);
        RD(wsbx_read_u32(&d->r, n));
        if (*n > left)
                return malformed(d, at, "length out of bounds");
        return WSBX_OK;
}

static bool all_ascii(const uint8_t *p, size_t n)
{
        uint8_t acc = 0;
        for (size_t i = 0; i < n; i++)
                acc |= p[i];
        return acc < 0x80;
}

static wsbx_errkind read_name(dec *d, wsbx_name *out)
{
        size_t at = off(d);
        uint32_t n;
        const uint8_t *p;
        TRY(read_len(d, &n));
        RD(wsbx_read_bytes(&d->r, n, &p));
        if (!all_ascii(p, n) && !wsbx_utf8_valid(p, n))
                return malformed(d, at, "malformed UTF-8 encoding");
        out->ptr = (const char *)p;
        out->len = n;
        return WSBX_OK;
}

static bool is_reftype(uint8_t b)
{
        return b == WSBX_FUNCREF || b == WSBX_EXTERNREF;
}

static bool is_valtype(uint8_t b)
{
        return (b >= WSBX_V128 && b <= WSBX_I32) || is_reftype(b);
}

/* Type bytes are one-byte signed LEB128s in the reference, so a byte with
 * the continuation bit set is a too-long integer, not a bad type. */
static wsbx_errkind bad_type_byte(dec *d, size_t at, uint8_t b, const char *what)
{
        if (b & 0x80)
                return malformed(d, at, "integer representation too long");
        return malformed(d, at, "malformed %s", what);
}

static wsbx_errkind read_valtype(dec *d, wsbx_valtype *out)
{
        size_t at = off(d);
        uint8_t b;
        RD(wsbx_read_u8(&d->r, &b));
        if (!is_valtype(b))
                return bad_type_byte(d, at, b, "value type");
        *out = b;
        return WSBX_OK;
}

static wsbx_errkind read_reftype(dec *d, wsbx_valtype *out)
{
        size_t at = off(d);
        uint8_t b;
        RD(wsbx_read_u8(&d->r, &b));
        if (!is_reftype(b))
                return bad_type_byte(d, at, b, "reference type");
        *out = b;
        return WSBX_OK;
}

/* Limits: a one-bit LEB128 flag (2.0 has neither shared nor 64-bit
 * memories, so 2 and 3 are "integer too large"), then u32 min and max. */
static wsbx_errkind read_limits(dec *d, wsbx_limits *l)
{
        uint64_t flag;
        uint32_t v;
        RD(wsbx_read_uleb(&d->r, 1, &flag));
        RD(wsbx_read_u32(&d->r, &v));
        l->min = v;
        l->has_max = flag != 0;
        l->max = 0;
        if (l->has_max) {
                RD(wsbx_read_u32(&d->r, &v));
                l->max = v;
        }
        return WSBX_OK;
}

static void check_table_limits(dec *d, size_t at, const wsbx_limits *l)
{
        /* u32 fields cannot exceed the table range 2^32-1. */
        if (l->has_max && l->min > l->max)
                invalid(d, at, "size minimum must not be greater than maximum");
}

static void check_memory_limits(dec *d, size_t at, const wsbx_limits *l)
{
        if (l->min > MAX_PAGES || (l->has_max && l->max > MAX_PAGES))
                invalid(d, at, "memory size must be at most 65536 pages (4GiB)");
        else if (l->has_max && l->min > l->max)
                invalid(d, at, "size minimum must not be greater than maximum");
}

static wsbx_errkind read_tabletype(dec *d, wsbx_tabletype *t)
{
        size_t at = off(d);
        TRY(read_reftype(d, &t->elem));
        TRY(read_limits(d, &t->limits));
        check_table_limits(d, at, &t->limits);
        return WSBX_OK;
}

static wsbx_errkind read_memtype(dec *d, wsbx_memtype *t)
{
        size_t at = off(d);
        TRY(read_limits(d, &t->limits));
        t->shared = false;
        t->is64 = false;
        check_memory_limits(d, at, &t->limits);
        return WSBX_OK;
}

static wsbx_errkind read_globaltype(dec *d, wsbx_globaltype *t)
{
        TRY(read_valtype(d, &t->type));
        size_t at = off(d);
        uint8_t b;
        RD(wsbx_read_u8(&d->r, &b));
        if (b > 1)
                return malformed(d, at, "malformed mutability");
        t->mut = b;
        return WSBX_OK;
}

static uint32_t get_le32(const uint8_t *p)
{
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ------------------------------------------------------------------------ */
/* Instructions inside constant expressions                                 */
/* ------------------------------------------------------------------------ */

/* Decodes an opcode (prefixed ones included) into a wsbx_opcode. */
static wsbx_errkind read_opcode(dec *d, unsigned *op)
{
        *op = WSBX_OP_INVALID;
        size_t at = off(d);
        uint8_t b;
        RD(wsbx_read_u8(&d->r, &b));
        uint16_t o;
        if (b == 0xfc || b == 0xfd) {
                uint32_t sub;
                RD(wsbx_read_u32(&d->r, &sub));
                if (b == 0xfc)
                        o = sub < 32 ? wsbx_op_by_fc[sub] : WSBX_OP_INVALID;
                else
                        o = sub < 256 ? wsbx_op_by_fd[sub] : WSBX_OP_INVALID;
                if (o == WSBX_OP_INVALID)
                        return malformed(d, at, "illegal opcode %02x %x", b, sub);
        } else {
                o = wsbx_op_by_byte[b];
                if (o == WSBX_OP_INVALID)
                        return malformed(d, at, "illegal opcode %02x", b);
        }
        *op = o;
        return WSBX_OK;
}

static wsbx_errkind zero_byte(dec *d)
{
        size_t at = off(d);
        uint8_t b;
        RD(wsbx_read_u8(&d->r, &b));
        if (b != 0)
                return malformed(d, at, "zero byte expected");
        return WSBX_OK;
}

static wsbx_errkind skip_memarg(dec *d)
{
        uint32_t align, offset;
        size_t at = off(d);
        RD(wsbx_read_u32(&d->r, &align));
        if (align >= 32)
                return malformed(d, at, "malformed memop flags");
        RD(wsbx_read_u32(&d->r, &offset));
        return WSBX_OK;
}

/* Skips the immediates of `op`, checking them for well-formedness only. */
static wsbx_errkind skip_imm(dec *d, unsigned op)
{
        uint32_t u;
        int64_t s;
        const uint8_t *p;
        uint8_t b;
        switch ((wsbx_imm)wsbx_ops[op].imm) {
        case WSBX_IMM_NONE:
                return WSBX_OK;
        case WSBX_IMM_BLOCKTYPE: {
                size_t at = off(d);
                if (d->r.p < d->r.end && (*d->r.p == 0x40 || is_valtype(*d->r.p))) {
                        d->r.p++;
                        return WSBX_OK;
                }
                b = d->r.p < d->r.end ? *d->r.p : 0;
                RD(wsbx_read_sleb(&d->r, 33, &s));
                if (s < 0)
                        return bad_type_byte(d, at, b, "value type");
                return WSBX_OK;
        }
        case WSBX_IMM_LABEL:
        case WSBX_IMM_FUNC:
        case WSBX_IMM_LOCAL:
        case WSBX_IMM_GLOBAL:
        case WSBX_IMM_TABLE:
        case WSBX_IMM_DATA:
        case WSBX_IMM_ELEM:
                RD(wsbx_read_u32(&d->r, &u));
                return WSBX_OK;
        case WSBX_IMM_CALL_INDIRECT:
        case WSBX_IMM_TABLE_INIT:
        case WSBX_IMM_TABLE_COPY:
                RD(wsbx_read_u32(&d->r, &u));
                RD(wsbx_read_u32(&d->r, &u));
                return WSBX_OK;
        case WSBX_IMM_BR_TABLE: {
                uint32_t n;
                TRY(read_len(d, &n));
                for (uint32_t i = 0; i <= n; i++)
                        RD(wsbx_read_u32(&d->r, &u));
                return WSBX_OK;
        }
        case WSBX_IMM_MEMARG:
                return skip_memarg(d);
        case WSBX_IMM_MEMARG_LANE:
                TRY(skip_memarg(d));
                RD(wsbx_read_u8(&d->r, &b));
                return WSBX_OK;
        case WSBX_IMM_MEMORY:
                return zero_byte(d);
        case WSBX_IMM_MEMORY_INIT:
                RD(wsbx_read_u32(&d->r, &u));
                return zero_byte(d);
        case WSBX_IMM_MEMORY_COPY:
                TRY(zero_byte(d));
                return zero_byte(d);
        case WSBX_IMM_I32:
                RD(wsbx_read_sleb(&d->r, 32, &s));
                return WSBX_OK;
        case WSBX_IMM_I64:
                RD(wsbx_read_sleb(&d->r, 64, &s));
                return WSBX_OK;
        case WSBX_IMM_F32:
                RD(wsbx_read_bytes(&d->r, 4, &p));
                return WSBX_OK;
        case WSBX_IMM_F64:
                RD(wsbx_read_bytes(&d->r, 8, &p));
                return WSBX_OK;
        case WSBX_IMM_V128:
        case WSBX_IMM_SHUFFLE:
                RD(wsbx_read_bytes(&d->r, 16, &p));
                return WSBX_OK;
        case WSBX_IMM_LANE:
                RD(wsbx_read_u8(&d->r, &b));
                return WSBX_OK;
        case WSBX_IMM_SELECT_T: {
                uint32_t n;
                wsbx_valtype t;
                TRY(read_len(d, &n));
                for (uint32_t i = 0; i < n; i++)
                        TRY(read_valtype(d, &t));
                return WSBX_OK;
        }
        case WSBX_IMM_REFTYPE: {
                wsbx_valtype t;
                return read_reftype(d, &t);
        }
        }
        return WSBX_OK;
}

enum { FR_BLOCK, FR_IF, FR_ELSE };

static wsbx_errkind push_frame(dec *d, uint32_t depth, uint8_t kind)
{
        if (depth >= d->frames_cap) {
                uint32_t cap = d->frames_cap ? d->frames_cap * 2 : 64;
                uint8_t *f = wsbx_arena_alloc(d->a, cap);
                if (!f)
                        return nomem(d);
                if (d->frames_cap)
                        memcpy(f, d->frames, d->frames_cap);
                d->frames = f;
                d->frames_cap = cap;
        }
        d->frames[depth] = kind;
        return WSBX_OK;
}

/* The general case of a constant expression: anything but a single
 * constant instruction followed by END. The reference decodes any
 * instruction sequence here and only then validates it, so decode
 * everything (malformed errors win), then report what its validator would:
 * the first non-constant instruction ("constant expression required", or
 * "unknown global" for a global.get it cannot resolve), else the first
 * unknown function, else "type mismatch" for a sequence that does not
 * leave exactly one value of the wanted type. */
static wsbx_errkind const_general(dec *d, size_t start, wsbx_valtype want)
{
        enum { OK, NOT_CONST, UNKNOWN_GLOBAL, UNKNOWN_FUNC } problem = OK, func_problem = OK;
        size_t problem_at = start, func_at = start;
        uint32_t problem_index = 0, func_index = 0;
        uint32_t nvals = 0;
        wsbx_valtype last = 0;
        uint32_t depth = 0;
        const wsbx_module *m = d->m;

        for (;;) {
                size_t at = off(d);
                if (d->r.p >= d->r.end)
                        return malformed(d, at, "unexpected end");
                uint8_t b = *d->r.p;
                if (b == 0x0b) {
                        d->r.p++;
                        if (depth == 0)
                                break;
                        depth--;
                        continue;
                }
                if (b == 0x05) {
                        /* Only an if without its else may continue here;
                         * anywhere else the reference wants the END. */
                        if (depth == 0 || d->frames[depth - 1] != FR_IF)
                                return malformed(d, at, "END opcode expected");
                        d->frames[depth - 1] = FR_ELSE;
                        d->r.p++;
                        continue;
                }
                bool top = depth == 0;
                unsigned op = 0;
                TRY(read_opcode(d, &op));
                const uint8_t *imm = d->r.p;
                TRY(skip_imm(d, op));
                if (op == WSBX_OP_block || op == WSBX_OP_loop || op == WSBX_OP_if) {
                        TRY(push_frame(d, depth, op == WSBX_OP_if ? FR_IF : FR_BLOCK));
                        depth++;
                }
                /* Only top-level instructions are checked: a nested one
                 * sits inside a block, which is not constant already. */
                if (!top)
                        continue;
                /* A top-level instruction: re-read its index immediate. */
                wsbx_reader sub = {.start = d->r.start, .p = imm, .end = d->r.end, .err = NULL};
                uint32_t x = 0;
                wsbx_valtype t = 0;
                switch (op) {
                case WSBX_OP_i32_const: t = WSBX_I32; break;
                case WSBX_OP_i64_const: t = WSBX_I64; break;
                case WSBX_OP_f32_const: t = WSBX_F32; break;
                case WSBX_OP_f64_const: t = WSBX_F64; break;
                case WSBX_OP_v128_const: t = WSBX_V128; break;
                case WSBX_OP_ref_null: t = *imm; break;
                case WSBX_OP_ref_func:
                        (void)wsbx_read_u32(&sub, &x);
                        t = WSBX_FUNCREF;
                        if (x >= m->nfuncs && func_problem == OK) {
                                func_problem = UNKNOWN_FUNC;
                                func_at = at;
                                func_index = x;
                        }
                        break;
                case WSBX_OP_global_get:
                        (void)wsbx_read_u32(&sub, &x);
                        if (x >= m->nimported_globals) {
                                if (problem == OK) {
                                        problem = UNKNOWN_GLOBAL;
                                        problem_at = at;
                                        problem_index = x;
                                }
                        } else if (m->global_types[x].mut) {
                                if (problem == OK) {
                                        problem = NOT_CONST;
                                        problem_at = at;
                                }
                        } else {
                                t = m->global_types[x].type;
                        }
                        break;
                default:
                        if (problem == OK) {
                                problem = NOT_CONST;
                                problem_at = at;
                        }
                        break;
                }
                if (t) {
                        nvals++;
                        last = t;
                }
        }
        if (problem == UNKNOWN_GLOBAL)
                invalid(d, problem_at, "unknown global %u", problem_index);
        else if (problem == NOT_CONST)
                invalid(d, problem_at, "constant expression required");
        else if (func_problem == UNKNOWN_FUNC)
                invalid(d, func_at, "unknown function %u", func_index);
        else if (nvals != 1 || last != want)
                invalid(d, start, "type mismatch");
        return WSBX_OK;
}

/* Reads a constant expression of type `want` up to and including its END.
 * Fast path: the one constant instruction Wasm 2.0 allows, then END. */
static wsbx_errkind read_const(dec *d, wsbx_valtype want, wsbx_constexpr *ce)
{
        const uint8_t *begin = d->r.p;
        size_t start = off(d);
        const wsbx_module *m = d->m;
        wsbx_error *saved = d->r.err;
        wsbx_error scratch;
        uint8_t op;
        int64_t s;
        const uint8_t *p;
        wsbx_valtype got;

        /* Errors on the fast path are not final: the general path re-reads
         * the expression and reports them in the reference's order. */
        d->r.err = &scratch;
        memset(ce, 0, sizeof *ce);
        if (!wsbx_read_u8(&d->r, &op))
                goto general;
        switch (op) {
        case 0x41:
                if (!wsbx_read_sleb(&d->r, 32, &s))
                        goto general;
                ce->op = WSBX_CONST_I32;
                ce->u.i32 = (uint32_t)s;
                got = WSBX_I32;
                break;
        case 0x42:
                if (!wsbx_read_sleb(&d->r, 64, &s))
                        goto general;
                ce->op = WSBX_CONST_I64;
                ce->u.i64 = (uint64_t)s;
                got = WSBX_I64;
                break;
        case 0x43:
                if (!wsbx_read_bytes(&d->r, 4, &p))
                        goto general;
                ce->op = WSBX_CONST_F32;
                ce->u.f32_bits = get_le32(p);
                got = WSBX_F32;
                break;
        case 0x44:
                if (!wsbx_read_bytes(&d->r, 8, &p))
                        goto general;
                ce->op = WSBX_CONST_F64;
                ce->u.f64_bits = get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
                got = WSBX_F64;
                break;
        case 0xfd: {
                uint32_t sub;
                if (!wsbx_read_u32(&d->r, &sub) || sub != 0x0c || !wsbx_read_bytes(&d->r, 16, &p))
                        goto general;
                ce->op = WSBX_CONST_V128;
                memcpy(ce->u.v128, p, 16);
                got = WSBX_V128;
                break;
        }
        case 0xd0:
                if (d->r.p >= d->r.end || !is_reftype(*d->r.p))
                        goto general;
                ce->op = WSBX_CONST_REF_NULL;
                ce->u.reftype = got = *d->r.p++;
                break;
        case 0xd2:
                if (!wsbx_read_u32(&d->r, &ce->u.index))
                        goto general;
                ce->op = WSBX_CONST_REF_FUNC;
                got = WSBX_FUNCREF;
                break;
        case 0x23:
                if (!wsbx_read_u32(&d->r, &ce->u.index))
                        goto general;
                ce->op = WSBX_CONST_GLOBAL_GET;
                got = 0;
                break;
        default:
                goto general;
        }
        if (d->r.p >= d->r.end || *d->r.p != 0x0b)
                goto general;
        d->r.p++;
        d->r.err = saved;

        if (ce->op == WSBX_CONST_GLOBAL_GET) {
                /* Wasm 2.0: only imported globals, and only immutable ones. */
                uint32_t x = ce->u.index;
                if (x >= m->nimported_globals) {
                        invalid(d, start, "unknown global %u", x);
                        return WSBX_OK;
                }
                if (m->global_types[x].mut) {
                        invalid(d, start, "constant expression required");
                        return WSBX_OK;
                }
                got = m->global_types[x].type;
        } else if (ce->op == WSBX_CONST_REF_FUNC) {
                if (ce->u.index >= m->nfuncs) {
                        invalid(d, start, "unknown function %u", ce->u.index);
                        return WSBX_OK;
                }
                d->ref_declared[ce->u.index] = 1;
        }
        if (got != want)
                invalid(d, start, "type mismatch");
        return WSBX_OK;

general:
        d->r.err = saved;
        d->r.p = begin;
        return const_general(d, start, want);
}

/* ------------------------------------------------------------------------ */
/* Index spaces                                                             */
/* ------------------------------------------------------------------------ */

static wsbx_errkind build_funcs(dec *d, uint32_t ndefined)
{
        wsbx_module *m = d->m;
        uint64_t total = (uint64_t)m->nimported_funcs + ndefined;
        TRY(check_limit(d, off(d), "functions", total, d->lim->max_functions));
        m->nfuncs = (uint32_t)total;
        m->func_types = alloc_array(d, m->nfuncs, sizeof *m->func_types);
        d->ref_declared = alloc_array(d, m->nfuncs, 1);
        if (m->nfuncs && (!m->func_types || !d->ref_declared))
                return nomem(d);
        uint32_t j = 0;
        for (uint32_t i = 0; i < m->nimports; i++)
                if (m->imports[i].kind == WSBX_EXTERN_FUNC)
                        m->func_types[j++] = m->imports[i].u.func_type;
        d->built |= SPACE_FUNCS;
        return WSBX_OK;
}

static wsbx_errkind build_tables(dec *d, uint32_t ndefined)
{
        wsbx_module *m = d->m;
        uint64_t total = (uint64_t)m->nimported_tables + ndefined;
        TRY(check_limit(d, off(d), "tables", total, d->lim->max_tables));
        m->ntables = (uint32_t)total;
        m->tables = alloc_array(d, m->ntables, sizeof *m->tables);
        if (m->ntables && !m->tables)
                return nomem(d);
        uint32_t j = 0;
        for (uint32_t i = 0; i < m->nimports; i++)
                if (m->imports[i].kind == WSBX_EXTERN_TABLE)
                        m->tables[j++] = m->imports[i].u.table;
        d->built |= SPACE_TABLES;
        return WSBX_OK;
}

static wsbx_errkind build_memories(dec *d, uint32_t ndefined)
{
        wsbx_module *m = d->m;
        uint64_t total = (uint64_t)m->nimported_memories + ndefined;
        TRY(check_limit(d, off(d), "memories", total, d->lim->max_memories));
        m->nmemories = (uint32_t)total;
        m->memories = alloc_array(d, m->nmemories, sizeof *m->memories);
        if (m->nmemories && !m->memories)
                return nomem(d);
        uint32_t j = 0;
        for (uint32_t i = 0; i < m->nimports; i++)
                if (m->imports[i].kind == WSBX_EXTERN_MEMORY)
                        m->memories[j++] = m->imports[i].u.memory;
        d->built |= SPACE_MEMORIES;
        return WSBX_OK;
}

static wsbx_errkind build_globals(dec *d, uint32_t ndefined)
{
        wsbx_module *m = d->m;
        uint64_t total = (uint64_t)m->nimported_globals + ndefined;
        TRY(check_limit(d, off(d), "globals", total, d->lim->max_globals));
        m->nglobals = (uint32_t)total;
        m->global_types = alloc_array(d, m->nglobals, sizeof *m->global_types);
        if (m->nglobals && !m->global_types)
                return nomem(d);
        uint32_t j = 0;
        for (uint32_t i = 0; i < m->nimports; i++)
                if (m->imports[i].kind == WSBX_EXTERN_GLOBAL)
                        m->global_types[j++] = m->imports[i].u.global;
        d->built |= SPACE_GLOBALS;
        return WSBX_OK;
}

/* Assembles, empty of definitions, every index space whose defining
 * section would have come before a section of rank `rank`. */
static wsbx_errkind ensure_spaces(dec *d, unsigned rank)
{
        if (rank > section_rank[SEC_FUNC] && !(d->built & SPACE_FUNCS))
                TRY(build_funcs(d, 0));
        if (rank > section_rank[SEC_TABLE] && !(d->built & SPACE_TABLES))
                TRY(build_tables(d, 0));
        if (rank > section_rank[SEC_MEMORY] && !(d->built & SPACE_MEMORIES))
                TRY(build_memories(d, 0));
        if (rank > section_rank[SEC_GLOBAL] && !(d->built & SPACE_GLOBALS))
                TRY(build_globals(d, 0));
        return WSBX_OK;
}

/* ------------------------------------------------------------------------ */
/* Sections                                                                 */
/* ------------------------------------------------------------------------ */

static wsbx_errkind type_section(dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        size_t at = off(d);
        TRY(read_len(d, &n));
        TRY(check_limit(d, at, "types", n, d->lim->max_types));
        uint32_t cap = vec_cap(d, n);
        m->types = alloc_array(d, cap, sizeof *m->types);
        if (cap && !m->types)
                return nomem(d);
        for (uint32_t i = 0; i < n; i++) {
                wsbx_functype *ft = &m->types[slot(i, cap)];
                size_t tat = off(d);
                uint8_t b;
                RD(wsbx_read_u8(&d->r, &b));
                if (b != 0x60)
                        return bad_type_byte(d, tat, b, "function type");
                uint32_t np, nr;
                size_t pat = off(d);
                TRY(read_len(d, &np));
                TRY(check_limit(d, pat, "params", np, d->lim->max_params));
                const uint8_t *params = d->r.p;
                for (uint32_t k = 0; k < np; k++) {
                        wsbx_valtype t;
                        TRY(read_valtype(d, &t));
                }
                size_t rat = off(d);
                TRY(read_len(d, &nr));
                TRY(check_limit(d, rat, "results", nr, d->lim->max_results));
                const uint8_t *results = d->r.p;
                for (uint32_t k = 0; k < nr; k++) {
                        wsbx_valtype t;
                        TRY(read_valtype(d, &t));
                }
                /* Value types are their own bytes, so the arrays can point
                 * into the module's copy of the input. */
                ft->nparams = np;
                ft->nresults = nr;
                ft->params = np ? (wsbx_valtype *)params : NULL;
                ft->results = nr ? (wsbx_valtype *)results : NULL;
        }
        m->ntypes = cap == n ? n : 0;
        return WSBX_OK;
}

static uint32_t check_type_index(dec *d, size_t at, uint32_t x)
{
        if (x < d->m->ntypes)
                return x;
        invalid(d, at, "unknown type %u", x);
        return 0; /* stand-in, see the file comment */
}

static wsbx_errkind import_section(dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        size_t at = off(d);
        TRY(read_len(d, &n));
        TRY(check_limit(d, at, "imports", n, d->lim->max_imports));
        uint32_t cap = vec_cap(d, n);
        m->imports = alloc_array(d, cap, sizeof *m->imports);
        if (cap && !m->imports)
                return nomem(d);
        uint32_t counts[4] = {0};
        for (uint32_t i = 0; i < n; i++) {
                wsbx_import *im = &m->imports[slot(i, cap)];
                TRY(read_name(d, &im->module));
                TRY(read_name(d, &im->name));
                size_t kat = off(d);
                uint8_t kind;
                RD(wsbx_read_u8(&d->r, &kind));
                if (kind > WSBX_EXTERN_GLOBAL)
                        return malformed(d, kat, "malformed import kind");
                im->kind = kind;
                counts[kind]++;
                switch (kind) {
                case WSBX_EXTERN_FUNC: {
                        uint32_t x;
                        size_t xat = off(d);
                        RD(wsbx_read_u32(&d->r, &x));
                        im->u.func_type = check_type_index(d, xat, x);
                        break;
                }
                case WSBX_EXTERN_TABLE:
                        TRY(read_tabletype(d, &im->u.table));
                        break;
                case WSBX_EXTERN_MEMORY:
                        TRY(read_memtype(d, &im->u.memory));
                        if (counts[WSBX_EXTERN_MEMORY] > 1)
                                invalid(d, kat, "multiple memories");
                        break;
                case WSBX_EXTERN_GLOBAL:
                        TRY(read_globaltype(d, &im->u.global));
                        break;
                }
        }
        if (cap != n)
                return WSBX_OK; /* the section fails its size check */
        m->nimports = n;
        TRY(check_limit(d, at, "functions", counts[WSBX_EXTERN_FUNC], d->lim->max_functions));
        TRY(check_limit(d, at, "tables", counts[WSBX_EXTERN_TABLE], d->lim->max_tables));
        TRY(check_limit(d, at, "memories", counts[WSBX_EXTERN_MEMORY], d->lim->max_memories));
        TRY(check_limit(d, at, "globals", counts[WSBX_EXTERN_GLOBAL], d->lim->max_globals));
        m->nimported_funcs = counts[WSBX_EXTERN_FUNC];
        m->nimported_tables = counts[WSBX_EXTERN_TABLE];
        m->nimported_memories = counts[WSBX_EXTERN_MEMORY];
        m->nimported_globals = counts[WSBX_EXTERN_GLOBAL];
        return WSBX_OK;
}

static wsbx_errkind func_section(dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        size_t at = off(d);
        TRY(read_len(d, &n));
        TRY(check_limit(d, at, "functions", (uint64_t)m->nimported_funcs + n,
                        d->lim->max_functions));
        uint32_t cap = vec_cap(d, n);
        if (cap != n) {
                /* Doomed section: decode the indices only. */
                for (uint32_t i = 0; i < n; i++) {
                        uint32_t x;
                        RD(wsbx_read_u32(&d->r, &x));
                }
                return WSBX_OK;
        }
        TRY(build_funcs(d, n));
        m->funcs = alloc_array(d, n, sizeof *m->funcs);
        if (n && !m->funcs)
                return nomem(d);
        for (uint32_t i = 0; i < n; i++) {
                uint32_t x;
                size_t xat = off(d);
                RD(wsbx_read_u32(&d->r, &x));
                x = check_type_index(d, xat, x);
                m->funcs[i].type = x;
                m->func_types[m->nimported_funcs + i] = x;
        }
        d->nfunc_decls = n;
        return WSBX_OK;
}

static wsbx_errkind table_section(dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        size_t at = off(d);
        TRY(read_len(d, &n));
        TRY(check_limit(d, at, "tables", (uint64_t)m->nimported_tables + n, d->lim->max_tables));
        uint32_t cap = vec_cap(d, n);
        wsbx_tabletype dummy;
        if (cap == n)
                TRY(build_tables(d, n));
        for (uint32_t i = 0; i < n; i++)
                TRY(read_tabletype(d, cap == n ? &m->tables[m->nimported_tables + i] : &dummy));
        return WSBX_OK;
}

static wsbx_errkind memory_section(dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        size_t at = off(d);
        TRY(read_len(d, &n));
        TRY(check_limit(d, at, "memories", (uint64_t)m->nimported_memories + n,
                        d->lim->max_memories));
        uint32_t cap = vec_cap(d, n);
        wsbx_memtype dummy;
        if (cap == n)
                TRY(build_memories(d, n));
        for (uint32_t i = 0; i < n; i++) {
                size_t mat = off(d);
                TRY(read_memtype(d, cap == n ? &m->memories[m->nimported_memories + i] : &dummy));
                /* Wasm 2.0 allows one memory, imported or defined. */
                if (m->nimported_memories + i >= 1)
                        invalid(d, mat, "multiple memories");
        }
        return WSBX_OK;
}

static wsbx_errkind global_section(dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        size_t at = off(d);
        TRY(read_len(d, &n));
        TRY(check_limit(d, at, "globals", (uint64_t)m->nimported_globals + n, d->lim->max_globals));
        uint32_t cap = vec_cap(d, n);
        if (cap == n)
                TRY(build_globals(d, n));
        else
                TRY(build_globals(d, 0)); /* imports only: constant expressions need them */
        m->globals = alloc_array(d, cap, sizeof *m->globals);
        if (cap && !m->globals)
                return nomem(d);
        for (uint32_t i = 0; i < n; i++) {
                wsbx_global *g = &m->globals[slot(i, cap)];
                TRY(read_globaltype(d, &g->type));
                TRY(read_const(d, g->type.type, &g->init));
                if (cap == n)
                        m->global_types[m->nimported_globals + i] = g->type;
        }
        return WSBX_OK;
}

typedef struct export_key {
        wsbx_name name;
        uint32_t index;
        uint32_t offset;
} export_key;

static int cmp_export(const void *pa, const void *pb)
{
        const export_key *a = pa, *b = pb;
        uint32_t n = a->name.len < b->name.len ? a->name.len : b->name.len;
        int c = n ? memcmp(a->name.ptr, b->name.ptr, n) : 0;
        if (c)
                return c;
        if (a->name.len != b->name.len)
                return a->name.len < b->name.len ? -1 : 1;
        return a->index < b->index ? -1 : a->index > b->index;
}

/* Duplicate names, the slow but sure way: sorting. The reference reports
 * the first export whose name was seen before: the smallest index that is
 * not first among its equals. */
static void export_dups_by_sort(dec *d, export_key *keys, uint32_t n)
{
        qsort(keys, n, sizeof *keys, cmp_export);
        uint32_t dup = UINT32_MAX;
        size_t dup_at = 0;
        for (uint32_t i = 1; i < n; i++) {
                if (keys[i].name.len == keys[i - 1].name.len &&
                    memcmp(keys[i].name.ptr, keys[i - 1].name.ptr, keys[i].name.len) == 0 &&
                    keys[i].index < dup) {
                        dup = keys[i].index;
                        dup_at = keys[i].offset;
                }
        }
        if (dup != UINT32_MAX)
                invalid(d, dup_at, "duplicate export name");
}

static uint64_t name_hash(const char *p, uint32_t n)
{
        uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
        uint64_t w;
        for (; n >= 8; p += 8, n -= 8) {
                memcpy(&w, p, 8);
                h = (h ^ w) * 0xff51afd7ed558ccdull;
                h ^= h >> 32;
        }
        w = 0;
        memcpy(&w, p, n);
        /* MurmurHash3's finalizer: every input bit reaches every output bit. */
        h ^= w;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53ull;
        return h ^ (h >> 33);
}

/* Duplicate names by hashing, in export order, so the first repeat found
 * is the one the reference reports. Names are chosen by the input, so the
 * probes are budgeted: past the budget the sort takes over and the whole
 * check stays O(n log n) whatever the names. */
static wsbx_errkind check_export_names(dec *d, export_key *keys, uint32_t n)
{
        if (n < 2)
                return WSBX_OK;
        uint32_t cap = 16;
        while (cap < 2 * (uint64_t)n)
                cap *= 2;
        uint32_t *slots = calloc(cap, 2 * sizeof *slots); /* index + 1, then hash tag */
        if (!slots)
                return nomem(d);
        uint64_t budget = 16 * (uint64_t)n + 1024;
        for (uint32_t i = 0; i < n; i++) {
                const wsbx_name *nm = &keys[i].name;
                uint64_t h = name_hash(nm->ptr, nm->len);
                /* The high half of a multiplicative hash mixes best. */
                uint32_t tag = (uint32_t)h;
                for (uint32_t s = (uint32_t)(h >> 32) & (cap - 1);; s = (s + 1) & (cap - 1)) {
                        if (!slots[2 * s]) {
                                slots[2 * s] = i + 1;
                                slots[2 * s + 1] = tag;
                                break;
                        }
                        const wsbx_name *o = &keys[slots[2 * s] - 1].name;
                        if (slots[2 * s + 1] == tag && o->len == nm->len &&
                            memcmp(o->ptr, nm->ptr, nm->len) == 0) {
                                free(slots);
                                invalid(d, keys[i].offset, "duplicate export name");
                                return WSBX_OK;
                        }
                        if (--budget == 0) {
                                free(slots);
                                export_dups_by_sort(d, keys, n);
                                return WSBX_OK;
                        }
                }
        }
        free(slots);
        return WSBX_OK;
}

static wsbx_errkind export_section(dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        size_t at = off(d);
        TRY(read_len(d, &n));
        TRY(check_limit(d, at, "exports", n, d->lim->max_exports));
        uint32_t cap = vec_cap(d, n);
        m->exports = alloc_array(d, cap, sizeof *m->exports);
        export_key *keys = cap > 1 ? malloc((size_t)cap * sizeof *keys) : NULL;
        if (cap && (!m->exports || (cap > 1 && !keys))) {
                free(keys);
                return nomem(d);
        }
        wsbx_errkind k = WSBX_OK;
        for (uint32_t i = 0; i < n; i++) {
                wsbx_export *ex = &m->exports[slot(i, cap)];
                size_t eat = off(d);
                if ((k = read_name(d, &ex->name)) != WSBX_OK)
                        break;
                size_t kat = off(d);
                uint8_t kind;
                if (!wsbx_read_u8(&d->r, &kind) || !wsbx_read_u32(&d->r, &ex->index)) {
                        k = WSBX_ERR_MALFORMED;
                        break;
                }
                if (kind > WSBX_EXTERN_GLOBAL) {
                        k = malformed(d, kat, "malformed export kind");
                        break;
                }
                ex->kind = kind;
                uint32_t x = ex->index;
                switch (kind) {
                case WSBX_EXTERN_FUNC:
                        if (x >= m->nfuncs)
                                invalid(d, kat, "unknown function %u", x);
                        else
                                d->ref_declared[x] = 1;
                        break;
                case WSBX_EXTERN_TABLE:
                        if (x >= m->ntables)
                                invalid(d, kat, "unknown table %u", x);
                        break;
                case WSBX_EXTERN_MEMORY:
                        if (x >= m->nmemories)
                                invalid(d, kat, "unknown memory %u", x);
                        break;
                case WSBX_EXTERN_GLOBAL:
                        if (x >= m->nglobals)
                                invalid(d, kat, "unknown global %u", x);
                        break;
                }
                if (keys && cap == n)
                        keys[i] = (export_key){ex->name, i, (uint32_t)eat};
        }
        if (k == WSBX_OK && cap == n) {
                m->nexports = n;
                k = check_export_names(d, keys, n);
        }
        free(keys);
        return k;
}

static wsbx_errkind start_section(dec *d)
{
        wsbx_module *m = d->m;
        size_t at = off(d);
        uint32_t x;
        RD(wsbx_read_u32(&d->r, &x));
        m->has_start = true;
        m->start = x;
        if (x >= m->nfuncs) {
                invalid(d, at, "unknown function %u", x);
                return WSBX_OK;
        }
        if (!m->ntypes)
                return WSBX_OK; /* its type index is already invalid */
        const wsbx_functype *ft = &m->types[m->func_types[x]];
        if (ft->nparams || ft->nresults)
                invalid(d, at, "start function must not have parameters or results");
        return WSBX_OK;
}

static wsbx_errkind elem_section(dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        size_t at = off(d);
        TRY(read_len(d, &n));
        TRY(check_limit(d, at, "element segments", n, d->lim->max_elem_segments));
        uint32_t cap = vec_cap(d, n);
        m->elems = alloc_array(d, cap, sizeof *m->elems);
        if (cap && !m->elems)
                return nomem(d);
        for (uint32_t i = 0; i < n; i++) {
                wsbx_elem *e = &m->elems[slot(i, cap)];
                size_t sat = off(d);
                uint32_t flags;
                RD(wsbx_read_u32(&d->r, &flags));
                if (flags > 7)
                        return malformed(d, sat, "malformed elements segment kind");
                /* Bit 0: passive or declarative; bit 1: explicit table
                 * (active) or declarative (otherwise); bit 2: items are
                 * expressions rather than function indices. */
                bool exprs = flags & 4;
                e->table = 0;
                e->type = WSBX_FUNCREF;
                size_t tat = sat;
                if (flags & 1) {
                        e->mode = flags & 2 ? WSBX_SEG_DECLARATIVE : WSBX_SEG_PASSIVE;
                } else {
                        e->mode = WSBX_SEG_ACTIVE;
                        if (flags & 2) {
                                tat = off(d);
                                RD(wsbx_read_u32(&d->r, &e->table));
                        }
                        TRY(read_const(d, WSBX_I32, &e->offset));
                }
                if (flags & 3) {
                        if (exprs) {
                                TRY(read_reftype(d, &e->type));
                        } else {
                                size_t kat = off(d);
                                uint8_t kind;
                                RD(wsbx_read_u8(&d->r, &kind));
                                if (kind != 0)
                                        return malformed(d, kat, "malformed element kind");
                        }
                }
                uint32_t count;
                size_t cat = off(d);
                TRY(read_len(d, &count));
                TRY(check_limit(d, cat, "element items", count, d->lim->max_elem_items));
                uint32_t icap = vec_cap(d, count);
                e->items = alloc_array(d, icap, sizeof *e->items);
                if (icap && !e->items)
                        return nomem(d);
                for (uint32_t k = 0; k < count; k++) {
                        wsbx_constexpr *it = &e->items[slot(k, icap)];
                        if (exprs) {
                                TRY(read_const(d, e->type, it));
                                continue;
                        }
                        size_t xat = off(d);
                        uint32_t x;
                        RD(wsbx_read_u32(&d->r, &x));
                        it->op = WSBX_CONST_REF_FUNC;
                        it->u.index = x;
                        if (x >= m->nfuncs)
                                invalid(d, xat, "unknown function %u", x);
                        else
                                d->ref_declared[x] = 1;
                }
                e->count = icap == count ? count : 0;
                if (e->mode == WSBX_SEG_ACTIVE) {
                        if (e->table >= m->ntables)
                                invalid(d, tat, "unknown table %u", e->table);
                        else if (m->tables[e->table].elem != e->type)
                                invalid(d, sat, "type mismatch: element segment's type %s does not "
                                        "match table's element type %s", wsbx_valtype_name(e->type),
                                        wsbx_valtype_name(m->tables[e->table].elem));
                }
        }
        m->nelems = cap == n ? n : 0;
        return WSBX_OK;
}

static wsbx_errkind datacount_section(dec *d)
{
        wsbx_module *m = d->m;
        RD(wsbx_read_u32(&d->r, &m->datacount));
        m->has_datacount = true;
        return WSBX_OK;
}

/* Reads one body's local declarations and hands the body to the body
 * validator. `i` counts bodies; those beyond the function section are
 * decoded but not validated (the module fails with "function and code
 * section have inconsistent lengths" anyway). */
static wsbx_errkind code_entry(dec *d, uint32_t i)
{
        wsbx_module *m = d->m;
        size_t at = off(d);
        uint32_t size;
        TRY(read_len(d, &size));
        TRY(check_limit(d, at, "function body size", size, d->lim->max_body_size));
        size_t body = off(d);
        size_t body_end = body + size;

        size_t lat = off(d);
        uint32_t ngroups;
        TRY(read_len(d, &ngroups));
        /* Each group takes at least two bytes of the body. */
        size_t body_left = body_end > off(d) ? body_end - off(d) : 0;
        uint32_t gcap = ngroups <= body_left / 2 ? ngroups : (ngroups ? 1 : 0);
        wsbx_localgroup *groups = alloc_array(d, gcap, sizeof *groups);
        if (gcap && !groups)
                return nomem(d);
        uint64_t total = 0;
        for (uint32_t k = 0; k < ngroups; k++) {
                wsbx_localgroup *g = &groups[slot(k, gcap)];
                RD(wsbx_read_u32(&d->r, &g->count));
                TRY(read_valtype(d, &g->type));
                total += g->count;
        }
        if (total >= (uint64_t)1 << 32)
                return malformed(d, lat, "too many locals");
        if (off(d) > body_end) {
                /* The declarations ran past the body; the reference reads
                 * on and ends up at a different place than declared. */
                if (body_end >= m->size)
                        return malformed(d, m->size, "unexpected end of section or function");
                return malformed(d, body, "section size mismatch");
        }
        size_t code_start = off(d);
        /* Sizes are checked against the bytes left before the size field,
         * so a body may claim a few bytes past the module's end. */
        bool clamped = body_end > m->size;
        if (clamped)
                body_end = m->size;
        d->r.p = d->r.start + body_end;
        if (i >= d->nfunc_decls) {
                /* Not validated: the module fails anyway ("function and
                 * code section have inconsistent lengths"). */
                if (clamped)
                        return malformed(d, m->size, "unexpected end of section or function");
                return WSBX_OK;
        }
        wsbx_func *f = &m->funcs[i];
        const wsbx_functype *ft = m->ntypes ? &m->types[f->type] : NULL;
        uint64_t all = total + (ft ? ft->nparams : 0);
        if (all > d->lim->max_locals)
                return wsbx_error_set(d->err, WSBX_ERR_LIMIT, lat,
                                      "too many locals (limit exceeded: locals %llu > %u)",
                                      (unsigned long long)all, d->lim->max_locals);
        f->body_offset = (uint32_t)body;
        f->body_size = (uint32_t)(body_end - body);
        f->code_offset = (uint32_t)code_start;
        f->nlocals = (uint32_t)total;
        f->nlocalgroups = ngroups;
        f->localgroups = groups;
        if (!ft)
                return clamped ? malformed(d, m->size, "unexpected end of section or function")
                               : WSBX_OK; /* no types at all: the index is already invalid */

        if (!d->scratch && !(d->scratch = wsbx_valscratch_new()))
                return nomem(d);
        wsbx_errkind k = wsbx_validate_body(m, i, d->ref_declared, d->lim, d->scratch, d->err);
        if (k == WSBX_ERR_INVALID) {
                if (!d->has_inv) {
                        d->inv = *d->err;
                        d->has_inv = true;
                }
                k = WSBX_OK;
        }
        /* A clamped body that decoded fine ended at the module's end, not
         * where its size said. */
        if (k == WSBX_OK && clamped)
                return malformed(d, body, "section size mismatch");
        return k;
}

static wsbx_errkind code_section(dec *d)
{
        uint32_t n;
        TRY(read_len(d, &n));
        d->ncode = n;
        for (uint32_t i = 0; i < n; i++)
                TRY(code_entry(d, i));
        return WSBX_OK;
}

static wsbx_errkind data_section(dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        size_t at = off(d);
        TRY(read_len(d, &n));
        TRY(check_limit(d, at, "data segments", n, d->lim->max_data_segments));
        uint32_t cap = vec_cap(d, n);
        m->datas = alloc_array(d, cap, sizeof *m->datas);
        if (cap && !m->datas)
                return nomem(d);
        for (uint32_t i = 0; i < n; i++) {
                wsbx_data *ds = &m->datas[slot(i, cap)];
                size_t sat = off(d);
                uint32_t flags;
                RD(wsbx_read_u32(&d->r, &flags));
                if (flags > 2)
                        return malformed(d, sat, "malformed data segment kind");
                ds->memory = 0;
                size_t mat = sat;
                if (flags == 1) {
                        ds->mode = WSBX_SEG_PASSIVE;
                } else {
                        ds->mode = WSBX_SEG_ACTIVE;
                        if (flags == 2) {
                                mat = off(d);
                                RD(wsbx_read_u32(&d->r, &ds->memory));
                        }
                        if (ds->memory >= m->nmemories)
                                invalid(d, mat, "unknown memory %u", ds->memory);
                        TRY(read_const(d, WSBX_I32, &ds->offset));
                }
                uint32_t len;
                const uint8_t *p;
                TRY(read_len(d, &len));
                RD(wsbx_read_bytes(&d->r, len, &p));
                ds->data_offset = (uint32_t)(p - d->r.start);
                ds->size = len;
        }
        m->ndatas = cap == n ? n : 0;
        return WSBX_OK;
}

static wsbx_errkind custom_section(dec *d, size_t start, uint32_t size)
{
        wsbx_module *m = d->m;
        wsbx_custom c;
        TRY(read_name(d, &c.name));
        size_t used = off(d) - start;
        /* A name running past the declared size leaves a negative payload
         * length, which the reference reports as running out of input. */
        if (used > size || start + size > m->size)
                return malformed(d, m->size, "unexpected end of section or function");
        c.offset = (uint32_t)off(d);
        c.size = (uint32_t)(size - used);
        d->r.p += c.size;
        if (m->ncustoms == d->customs_cap) {
                uint32_t ncap = d->customs_cap ? d->customs_cap * 2 : 4;
                wsbx_custom *a = wsbx_arena_alloc(d->a, (size_t)ncap * sizeof *a);
                if (!a)
                        return nomem(d);
                if (m->ncustoms)
                        memcpy(a, m->customs, (size_t)m->ncustoms * sizeof *a);
                m->customs = a;
                d->customs_cap = ncap;
        }
        m->customs[m->ncustoms++] = c;
        return WSBX_OK;
}

/* ------------------------------------------------------------------------ */
/* The "name" section                                                       */
/* ------------------------------------------------------------------------ */

static bool lenient_name(wsbx_reader *r, wsbx_name *out)
{
        uint32_t n;
        const uint8_t *p;
        if (!wsbx_read_u32(r, &n) || !wsbx_read_bytes(r, n, &p) ||
            (!all_ascii(p, n) && !wsbx_utf8_valid(p, n)))
                return false;
        out->ptr = (const char *)p;
        out->len = n;
        return true;
}

/* Fills m->name and m->func_names from a "name" section, or leaves both
 * empty if any part of it is malformed. Returns false only when out of
 * memory. */
static bool parse_names(wsbx_module *m, const wsbx_custom *c)
{
        wsbx_error scratch;
        wsbx_reader r = {.start = m->bytes + c->offset, .p = m->bytes + c->offset,
                         .end = m->bytes + c->offset + c->size, .base = c->offset, .err = &scratch};
        wsbx_name modname = {NULL, 0};
        wsbx_name *names = NULL;
        int last_id = -1;
        while (r.p < r.end) {
                uint8_t id;
                uint32_t size;
                if (!wsbx_read_u8(&r, &id) || !wsbx_read_u32(&r, &size) ||
                    size > wsbx_reader_left(&r) || (int)id <= last_id)
                        goto bad;
                last_id = id;
                wsbx_reader sub = r;
                sub.start = r.p;
                sub.base = wsbx_reader_offset(&r);
                sub.end = r.p + size;
                r.p += size;
                if (id == 0) {
                        if (!lenient_name(&sub, &modname))
                                goto bad;
                } else if (id == 1) {
                        uint32_t n;
                        if (!wsbx_read_u32(&sub, &n) || n > wsbx_reader_left(&sub))
                                goto bad;
                        if (m->nfuncs && !names) {
                                names = wsbx_arena_calloc(m->arena, m->nfuncs, sizeof *names);
                                if (!names)
                                        return false;
                        }
                        for (uint32_t i = 0; i < n; i++) {
                                uint32_t x;
                                wsbx_name nm;
                                if (!wsbx_read_u32(&sub, &x) || !lenient_name(&sub, &nm))
                                        goto bad;
                                if (x < m->nfuncs)
                                        names[x] = nm;
                        }
                } else {
                        continue; /* local names and later subsections: not kept */
                }
                if (sub.p != sub.end)
                        goto bad;
        }
        m->name = modname;
        m->func_names = names;
        return true;
bad:
        m->name = (wsbx_name){NULL, 0};
        m->func_names = NULL;
        return true;
}

/* ------------------------------------------------------------------------ */
/* Module                                                                   */
/* ------------------------------------------------------------------------ */

static wsbx_errkind section(dec *d, uint8_t id, size_t start, uint32_t size)
{
        switch (id) {
        case SEC_CUSTOM: return custom_section(d, start, size);
        case SEC_TYPE: return type_section(d);
        case SEC_IMPORT: return import_section(d);
        case SEC_FUNC: return func_section(d);
        case SEC_TABLE: return table_section(d);
        case SEC_MEMORY: return memory_section(d);
        case SEC_GLOBAL: return global_section(d);
        case SEC_EXPORT: return export_section(d);
        case SEC_START: return start_section(d);
        case SEC_ELEM: return elem_section(d);
        case SEC_CODE: return code_section(d);
        case SEC_DATA: return data_section(d);
        case SEC_DATACOUNT: return datacount_section(d);
        }
        return WSBX_OK;
}

static wsbx_errkind decode_module(dec *d)
{
        wsbx_module *m = d->m;
        const uint8_t *b = m->bytes;
        size_t len = m->size;
        /* The reference reads the whole magic word before comparing it. */
        if (len < 4)
                return malformed(d, len, "unexpected end");
        if (memcmp(b, "\0asm", 4) != 0)
                return malformed(d, 0, "magic header not detected");
        if (len < 8)
                return malformed(d, len, "unexpected end");
        if (get_le32(b + 4) != 1)
                return malformed(d, 4, "unknown binary version");
        d->r.p += 8;

        unsigned last_rank = 0;
        while (d->r.p < d->r.end) {
                size_t at = off(d);
                uint8_t id = *d->r.p;
                if (id > SEC_LAST)
                        return malformed(d, at, "malformed section id %u", id);
                unsigned rank = section_rank[id];
                if (id != SEC_CUSTOM && rank <= last_rank)
                        return malformed(d, at, "unexpected content after last section");
                d->r.p++;
                uint32_t size;
                TRY(read_len(d, &size));
                size_t start = off(d);
                /* Section sizes are checked against the bytes left before
                 * the size field, so the end may lie a few bytes past the
                 * module's end; the decoder then runs out first. */
                d->sec_end = start + size <= len ? start + size : len;
                if (id != SEC_CUSTOM) {
                        TRY(ensure_spaces(d, rank));
                        last_rank = rank;
                }
                TRY(section(d, id, start, size));
                if (off(d) != start + size)
                        return malformed(d, start, "section size mismatch");
        }
        TRY(ensure_spaces(d, RANK_END));
        if (d->nfunc_decls != d->ncode)
                return malformed(d, len, "function and code section have inconsistent lengths");
        if (m->has_datacount && m->datacount != m->ndatas)
                return malformed(d, len, "data count and data section have inconsistent lengths");
        if (d->has_inv) {
                *d->err = d->inv;
                return WSBX_ERR_INVALID;
        }
        for (uint32_t i = 0; i < m->ncustoms; i++) {
                const wsbx_custom *c = &m->customs[i];
                if (c->name.len == 4 && memcmp(c->name.ptr, "name", 4) == 0) {
                        if (!parse_names(m, c))
                                return nomem(d);
                        break;
                }
        }
        return WSBX_OK;
}

wsbx_errkind wsbx_module_decode(const uint8_t *bytes, size_t len, const wsbx_limits_cfg *limits,
                                wsbx_module **out, wsbx_error *err)
{
        wsbx_error local;
        if (!err)
                err = &local;
        *out = NULL;
        /* Offsets in wsbx_func and wsbx_data are 32-bit. */
        if (len > UINT32_MAX)
                return wsbx_error_set(err, WSBX_ERR_LIMIT, 0, "limit exceeded: module size (%zu > %u)",
                                      len, UINT32_MAX);
        wsbx_arena *a = wsbx_arena_new();
        wsbx_module *m = a ? wsbx_arena_calloc(a, 1, sizeof *m) : NULL;
        uint8_t *copy = m && len ? wsbx_arena_alloc(a, len) : NULL;
        if (!m || (len && !copy)) {
                wsbx_arena_delete(a);
                return wsbx_error_set(err, WSBX_ERR_NOMEM, 0, "out of memory");
        }
        if (len)
                memcpy(copy, bytes, len);
        m->arena = a;
        m->bytes = copy;
        m->size = len;

        dec d = {
                .r = {.start = copy, .p = copy, .end = copy + len, .base = 0, .err = err},
                .m = m,
                .a = a,
                .lim = limits ? limits : &wsbx_default_limits,
                .err = err,
        };
        wsbx_errkind k = decode_module(&d);
        wsbx_valscratch_delete(d.scratch);
        if (k != WSBX_OK) {
                /* Reads inside the module run out only at its end; the
                 * reference's wording for that is the longer one. */
                if (k == WSBX_ERR_MALFORMED && err->offset >= 8 && strcmp(err->msg, "unexpected end") == 0)
                        snprintf(err->msg, sizeof err->msg, "unexpected end of section or function");
                wsbx_arena_delete(a);
                return k;
        }
        *out = m;
        return WSBX_OK;
}

wsbx_errkind wsbx_module_load(const uint8_t *bytes, size_t len, const wsbx_limits_cfg *limits,
                              wsbx_module **out, wsbx_error *err)
{
        if (len >= 4 && memcmp(bytes, "\0asm", 4) == 0)
                return wsbx_module_decode(bytes, len, limits, out, err);
        *out = NULL;
        uint8_t *bin = NULL;
        size_t bin_len = 0;
        wsbx_errkind k = wsbx_wat_to_binary((const char *)bytes, len, &bin, &bin_len, err);
        if (k != WSBX_OK)
                return k;
        k = wsbx_module_decode(bin, bin_len, limits, out, err);
        free(bin);
        return k;
}

void wsbx_module_delete(wsbx_module *m)
{
        if (m)
                wsbx_arena_delete(m->arena);
}

static void mark_ref(uint8_t *refs, const wsbx_module *m, const wsbx_constexpr *ce)
{
        if (ce->op == WSBX_CONST_REF_FUNC && ce->u.index < m->nfuncs)
                refs[ce->u.index] = 1;
}

wsbx_errkind wsbx_validate_func(const wsbx_module *m, uint32_t defined_index,
                                const wsbx_limits_cfg *limits, wsbx_error *err)
{
        if (!m || defined_index >= m->nfuncs - m->nimported_funcs)
                return wsbx_error_set(err, WSBX_ERR_INVALID, SIZE_MAX, "unknown function %u",
                                      defined_index);
        /* C.refs is not kept in the module; rebuild it from the places a
         * function can be declared: globals, element segments, exports. */
        uint8_t *refs = calloc(m->nfuncs ? m->nfuncs : 1, 1);
        wsbx_valscratch *s = wsbx_valscratch_new();
        if (!refs || !s) {
                free(refs);
                wsbx_valscratch_delete(s);
                return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
        }
        for (uint32_t i = 0; i < m->nglobals - m->nimported_globals; i++)
                mark_ref(refs, m, &m->globals[i].init);
        for (uint32_t i = 0; i < m->nelems; i++) {
                mark_ref(refs, m, &m->elems[i].offset);
                for (uint32_t k = 0; k < m->elems[i].count; k++)
                        mark_ref(refs, m, &m->elems[i].items[k]);
        }
        for (uint32_t i = 0; i < m->nexports; i++)
                if (m->exports[i].kind == WSBX_EXTERN_FUNC && m->exports[i].index < m->nfuncs)
                        refs[m->exports[i].index] = 1;
        wsbx_errkind k = wsbx_validate_body(m, defined_index, refs, limits, s, err);
        wsbx_valscratch_delete(s);
        free(refs);
        return k;
}
