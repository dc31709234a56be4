/* validate.c - the function-body validator.
 *
 * One pass over a body's instructions decodes and type-checks them
 * together, following the spec's appendix "Validation Algorithm": an
 * operand stack of value types, a control stack of frames, and a bottom
 * type (T_UNKNOWN) that stands for any value once code is unreachable
 * (after unreachable, br, br_table, return). The opcode table drives it:
 * every instruction's immediates are decoded by shape (wsbx_ops[].imm), the
 * instructions with a signature in sigs.def are typed generically from it,
 * and only the `x` ones (control, variables, references, tables, select,
 * calls) have hand-written rules, one case each in the main loop. There is
 * no second opcode list here: the per-opcode tables below are expanded
 * from opcodes.def.
 *
 * Invariants: every instruction's immediates are fully decoded before any
 * of its typing rules runs, and no control frame is pushed or popped before
 * the checks that could reject it. So when a typing rule fails, the reader
 * stands at the next instruction and the control stack still describes
 * the failing one; that is what lets the rest of the body be scanned for
 * syntax alone. The operand stack only holds types whose frame is open;
 * the top frame's `height` is where its own values start.
 *
 * Surprises:
 * - Malformed beats invalid. The reference interpreter decodes a whole
 *   module before validating it, so after the first typing error the rest
 *   of the body is still decoded (skim()) and a malformed error found there
 *   wins. "data count section required" is checked by the reference at the
 *   very end of the module, so it loses to any other malformed error in
 *   the body and wins over every invalid one.
 * - The reference decoder does not stop at a body's declared end: it reads
 *   on into whatever follows. Where a body runs out of bytes we report what
 *   it would (see set_truncated()).
 * - Resources come from the caller's reusable scratch; the operand stack is
 *   bounded by MAX_STACK so no input can make it grow without limit, and
 *   locals are expanded into a type array only when that is cheap compared
 *   with the body's size (else looked up by binary search over the local
 *   groups), so validation time stays linear in the input.
 * - Speed: the main loop dispatches once per instruction, on a class
 *   computed at compile time from the opcode table (op_class): one case
 *   per signature of sigs.def (so every pop and push there has a constant
 *   type), one per immediate shape, one per hand-typed instruction. The
 *   hot helpers are forced inline.
 */
#include "internal.h"

#include <stdlib.h>

/* For the helpers of the hot loop, which the compiler would otherwise keep
 * out of line in a function this large: a call costs more than most of
 * them. */
#define HOT static inline __attribute__((always_inline))

/* The bottom type: a value left by unreachable code, matching anything. */
#define T_UNKNOWN 0

/* Operand stack bound. Every value costs at least one byte of input except
 * the results of calls and block parameters, which a hostile body can
 * multiply; no real code comes near this. */
#define MAX_STACK (1u << 22)

/* Locals beyond the parameters are expanded into an array when there are
 * at most this many per byte of body (or few in absolute terms). */
#define EXPAND_PER_BYTE 16
#define EXPAND_ALWAYS 256

enum {
        FRAME_FUNC,
        FRAME_BLOCK,
        FRAME_LOOP,
        FRAME_IF,
        FRAME_ELSE,
};

struct frame {
        const uint8_t *params, *results;
        uint32_t nparams, nresults;
        uint32_t height;  /* operand stack height when the frame's body began */
        uint8_t kind;     /* FRAME_* */
        bool unreachable; /* the rest of this frame's body is unreachable */
};

/* Operand stack slots hold a value type. They are deliberately not a char
 * type: a store through a char pointer may alias any object, which would
 * make the compiler reload the validator's state after every push. */
typedef uint16_t slot;

struct wsbx_valscratch {
        slot *vals;
        uint32_t vcap;
        struct frame *ctrl;
        uint32_t ccap;
        uint8_t *locals;
        uint32_t lcap;
        uint64_t *group_end;
        uint32_t gcap;
};

/* Decoded immediates of one instruction. */
struct imm {
        uint32_t a, b;      /* indices, label, lane, align, type byte */
        uint32_t count;     /* br_table targets, select types */
        const uint8_t *ptr; /* br_table targets, shuffle lanes */
        uint8_t bt;         /* block type kind: BT_* */
        uint8_t lane;
};

enum { BT_EMPTY, BT_VAL, BT_INDEX };

struct vstate {
        const wsbx_module *m;
        const wsbx_limits_cfg *lim;
        const uint8_t *ref_declared;
        wsbx_valscratch *s;
        wsbx_error *err;
        wsbx_reader r;
        size_t at;         /* offset of the instruction being checked */
        size_t body_end;   /* module offset one past the body */

        slot *vals;
        uint32_t sp, vcap;
        struct frame *ctrl, *top;
        uint32_t nctrl, ccap;

        const wsbx_functype *ft;
        uint32_t nparams;     /* ft->nparams */
        const uint8_t *ltypes; /* types of locals 0 .. nltypes-1 */
        uint32_t nltypes;     /* all locals, or just the parameters */
        uint64_t nlocals;     /* declared locals */
        const wsbx_func *f;

        size_t datacount_missing_at; /* SIZE_MAX unless memory.init/data.drop seen without one */
};

/* A value type's own encoding, so a one-result block can point at its type
 * without storage of its own. */
static const uint8_t valtype_self[256] = {
        [WSBX_I32] = WSBX_I32, [WSBX_I64] = WSBX_I64, [WSBX_F32] = WSBX_F32,
        [WSBX_F64] = WSBX_F64, [WSBX_V128] = WSBX_V128,
        [WSBX_FUNCREF] = WSBX_FUNCREF, [WSBX_EXTERNREF] = WSBX_EXTERNREF,
};

static inline bool is_valtype(uint8_t b)
{
        return b != 0 && valtype_self[b] == b;
}

static inline bool is_numvec(uint8_t t)
{
        return t == WSBX_I32 || t == WSBX_I64 || t == WSBX_F32 || t == WSBX_F64 || t == WSBX_V128;
}

static inline bool is_ref(uint8_t t)
{
        return t == WSBX_FUNCREF || t == WSBX_EXTERNREF;
}

static const char *tname(uint8_t t)
{
        return t == T_UNKNOWN ? "unknown" : wsbx_valtype_name(t);
}

/* ------------------------------------------------------------------------ */
/* Scratch                                                                  */
/* ------------------------------------------------------------------------ */

wsbx_valscratch *wsbx_valscratch_new(void)
{
        return calloc(1, sizeof(wsbx_valscratch));
}

void wsbx_valscratch_delete(wsbx_valscratch *s)
{
        if (!s)
                return;
        free(s->vals);
        free(s->ctrl);
        free(s->locals);
        free(s->group_end);
        free(s);
}

/* Grows *p (elements of `size` bytes, capacity *cap) to hold `need`,
 * doubling so repeated growth is amortized. */
static bool grow_array(void **p, uint32_t *cap, uint64_t need, size_t size)
{
        uint64_t n = *cap ? *cap : 64;
        while (n < need)
                n *= 2;
        if (n > UINT32_MAX)
                n = need;
        void *q = realloc(*p, (size_t)n * size);
        if (!q)
                return false;
        *p = q;
        *cap = (uint32_t)n;
        return true;
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

/* The error helpers are macros whose value is a constant false, so that
 * the compiler sees that a failed read leaves no output behind. */
#define invalid(v, ...) (set_invalid((v), __VA_ARGS__), false)
#define malformed(v, off, ...) (set_malformed((v), (off), __VA_ARGS__), false)
#define truncated(v, at_boundary) (set_truncated((v), (at_boundary)), false)
#define read_failed(v) (set_read_failed(v), false)
#define limit(v, what, n, max) (set_limit((v), (what), (n), (max)), false)
#define nomem(v) (wsbx_error_set((v)->err, WSBX_ERR_NOMEM, (v)->at, "out of memory"), false)
#define mismatch(v, want, got, empty) (set_mismatch((v), (want), (got), (empty)), false)

static void set_invalid(struct vstate *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_invalid(struct vstate *v, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        wsbx_error_vset(v->err, WSBX_ERR_INVALID, v->at, fmt, ap);
        va_end(ap);
}

static void set_malformed(struct vstate *v, size_t off, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void set_malformed(struct vstate *v, size_t off, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        wsbx_error_vset(v->err, WSBX_ERR_MALFORMED, off, fmt, ap);
        va_end(ap);
}

/* The body ran out of bytes. The reference decoder would have read on past
 * the body: at the end of the module that is "unexpected end of section or
 * function"; between two instructions of the function's own block, a
 * following 0x0b (the next section's id, for the last body) ends the
 * function and leaves the section too long; anything else there is not the
 * END that must close the body. */
static void set_truncated(struct vstate *v, bool at_boundary)
{
        size_t end = v->body_end;
        if (end >= v->m->size || !at_boundary)
                set_malformed(v, end, "unexpected end of section or function");
        else if (v->nctrl == 1 && v->m->bytes[end] == 0x0b)
                set_malformed(v, end, "section size mismatch");
        else
                set_malformed(v, end, "END opcode expected");
}

/* A read from the body failed: running out is reported as truncated(). */
static void set_read_failed(struct vstate *v)
{
        if (strncmp(v->err->msg, "unexpected end", 14) == 0)
                set_truncated(v, false);
}

static void set_limit(struct vstate *v, const char *what, uint64_t n, uint64_t max)
{
        wsbx_error_set(v->err, WSBX_ERR_LIMIT, v->at, "limit exceeded: %s (%llu > %llu)", what,
                       (unsigned long long)n, (unsigned long long)max);
}

static void set_mismatch(struct vstate *v, uint8_t want, uint8_t got, bool empty)
{
        if (empty)
                set_invalid(v, "type mismatch: expected %s but nothing is on the stack", tname(want));
        else
                set_invalid(v, "type mismatch: expected %s but got %s", tname(want), tname(got));
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */
/* ------------------------------------------------------------------------ */

HOT bool rd_u32(struct vstate *v, uint32_t *out)
{
        /* One and two bytes (indices, offsets) inline: neither can break
         * an encoding rule, which only the fifth byte carries. */
        const uint8_t *p = v->r.p;
        if (__builtin_expect(p < v->r.end && !(*p & 0x80), 1)) {
                *out = *p;
                v->r.p = p + 1;
                return true;
        }
        if (v->r.end - p >= 2 && !(p[1] & 0x80)) {
                *out = (uint32_t)(p[0] & 0x7f) | (uint32_t)p[1] << 7;
                v->r.p = p + 2;
                return true;
        }
        if (__builtin_expect(wsbx_read_u32(&v->r, out), 1))
                return true;
        return read_failed(v);
}

HOT bool rd_byte(struct vstate *v, uint8_t *out)
{
        if (__builtin_expect(v->r.p < v->r.end, 1)) {
                *out = *v->r.p++;
                return true;
        }
        return truncated(v, false);
}

static inline bool rd_skip(struct vstate *v, size_t n)
{
        if (__builtin_expect(wsbx_reader_left(&v->r) >= n, 1)) {
                v->r.p += n;
                return true;
        }
        return truncated(v, false);
}

/* Skips a signed LEB128 constant of `bits` bits, checking its encoding.
 * Only the last allowed byte carries encoding rules, so a constant that
 * ends before it is well formed whatever its bytes; the rest (and bodies
 * too short to hold a constant of the longest form) take the full reader,
 * which reports errors exactly as before. */
HOT bool rd_sleb_skip(struct vstate *v, unsigned bits)
{
        const uint8_t *p = v->r.p;
        const unsigned max = (bits + 6) / 7;
        if (__builtin_expect(p < v->r.end && !(*p & 0x80), 1)) {
                v->r.p = p + 1;
                return true;
        }
        if (__builtin_expect((size_t)(v->r.end - p) >= max, 1)) {
                for (unsigned i = 1; i + 1 < max; i++) {
                        if (!(p[i] & 0x80)) {
                                v->r.p = p + i + 1;
                                return true;
                        }
                }
                /* The last byte: no continuation, and its bits from the
                 * constant's sign bit up all equal (used >= 1 here). */
                const unsigned used = bits - 7 * (max - 1);
                const uint8_t mask = (uint8_t)(0x7f & ~((1u << (used - 1)) - 1));
                uint8_t b = p[max - 1];
                if (!(b & 0x80) && ((b & mask) == 0 || (b & mask) == mask)) {
                        v->r.p = p + max;
                        return true;
                }
        }
        int64_t x;
        if (wsbx_read_sleb(&v->r, bits, &x))
                return true;
        return read_failed(v);
}

static bool rd_zero(struct vstate *v)
{
        uint8_t b;
        if (!rd_byte(v, &b))
                return false;
        if (b != 0)
                return malformed(v, wsbx_reader_offset(&v->r) - 1, "zero byte expected");
        return true;
}

/* Reads an opcode at the reader (which the caller checked is not at the
 * end): one byte, or a 0xFC/0xFD prefix and its u32 sub-opcode. */
HOT bool read_op(struct vstate *v, unsigned *out)
{
        uint8_t b = *v->r.p++;
        unsigned op = wsbx_op_by_byte[b];
        if (__builtin_expect(op != WSBX_OP_INVALID, 1)) {
                *out = op;
                return true;
        }
        if (b == 0xfc || b == 0xfd) {
                uint32_t sub;
                if (!rd_u32(v, &sub))
                        return false;
                if (b == 0xfc && sub < 32)
                        op = wsbx_op_by_fc[sub];
                else if (b == 0xfd && sub < 256)
                        op = wsbx_op_by_fd[sub];
                if (op != WSBX_OP_INVALID) {
                        *out = op;
                        return true;
                }
                return malformed(v, v->at, "illegal opcode %02x %x", b, sub);
        }
        return malformed(v, v->at, "illegal opcode %02x", b);
}

/* Block types: 0x40, a value type, or a type index as a non-negative s33.
 * The reference decoder tries the index first, so a negative s33 that is
 * not a value type is malformed. */
static bool read_blocktype_index(struct vstate *v, struct imm *im)
{
        size_t off = wsbx_reader_offset(&v->r);
        int64_t x;
        if (!wsbx_read_sleb(&v->r, 33, &x))
                return read_failed(v);
        if (x < 0)
                return malformed(v, off, "malformed value type");
        im->bt = BT_INDEX;
        im->a = (uint32_t)x;
        return true;
}

/* The common forms inline; a type index goes out of line. */
HOT bool read_blocktype(struct vstate *v, struct imm *im)
{
        if (v->r.p >= v->r.end)
                return truncated(v, false);
        uint8_t b = *v->r.p;
        if (b == 0x40) {
                v->r.p++;
                im->bt = BT_EMPTY;
                return true;
        }
        if (is_valtype(b)) {
                v->r.p++;
                im->bt = BT_VAL;
                im->a = b;
                return true;
        }
        return read_blocktype_index(v, im);
}

static bool need_datacount(struct vstate *v)
{
        if (!v->m->has_datacount && v->datacount_missing_at == SIZE_MAX)
                v->datacount_missing_at = v->at;
        return true;
}

/* Decodes immediates of shape `shape`: everything that can make the body
 * malformed, nothing that makes it invalid. Inlined where the shape is a
 * constant, so only its own case remains. */
HOT bool decode_shape(struct vstate *v, wsbx_imm shape, struct imm *im)
{
        wsbx_reader *r = &v->r;
        uint8_t b;
        switch (shape) {
        case WSBX_IMM_NONE:
                return true;
        case WSBX_IMM_BLOCKTYPE:
                return read_blocktype(v, im);
        case WSBX_IMM_LABEL:
        case WSBX_IMM_FUNC:
        case WSBX_IMM_LOCAL:
        case WSBX_IMM_GLOBAL:
        case WSBX_IMM_TABLE:
        case WSBX_IMM_ELEM:
                return rd_u32(v, &im->a);
        case WSBX_IMM_DATA:
                return rd_u32(v, &im->a) && need_datacount(v);
        case WSBX_IMM_CALL_INDIRECT:
        case WSBX_IMM_TABLE_INIT:
        case WSBX_IMM_TABLE_COPY:
                return rd_u32(v, &im->a) && rd_u32(v, &im->b);
        case WSBX_IMM_BR_TABLE: {
                if (!rd_u32(v, &im->count))
                        return false;
                if (im->count > v->lim->max_br_table)
                        return limit(v, "br_table targets", im->count, v->lim->max_br_table);
                im->ptr = r->p;
                uint32_t x;
                for (uint32_t i = 0; i < im->count; i++)
                        if (!rd_u32(v, &x))
                                return false;
                return rd_u32(v, &im->b);
        }
        case WSBX_IMM_MEMARG:
        case WSBX_IMM_MEMARG_LANE: {
                uint32_t offset;
                if (!rd_u32(v, &im->a))
                        return false;
                /* The alignment exponent is a u32, but anything from 32 up
                 * is a malformed flags field, not an invalid alignment. */
                if (im->a >= 32)
                        return malformed(v, wsbx_reader_offset(r) - 1, "malformed memop flags");
                if (!rd_u32(v, &offset))
                        return false;
                if (shape == WSBX_IMM_MEMARG_LANE)
                        return rd_byte(v, &im->lane);
                return true;
        }
        case WSBX_IMM_MEMORY:
                return rd_zero(v);
        case WSBX_IMM_MEMORY_INIT:
                return rd_u32(v, &im->a) && rd_zero(v) && need_datacount(v);
        case WSBX_IMM_MEMORY_COPY:
                return rd_zero(v) && rd_zero(v);
        case WSBX_IMM_I32:
                return rd_sleb_skip(v, 32);
        case WSBX_IMM_I64:
                return rd_sleb_skip(v, 64);
        case WSBX_IMM_F32:
                return rd_skip(v, 4);
        case WSBX_IMM_F64:
                return rd_skip(v, 8);
        case WSBX_IMM_V128:
                return rd_skip(v, 16);
        case WSBX_IMM_SHUFFLE:
                im->ptr = r->p;
                return rd_skip(v, 16);
        case WSBX_IMM_LANE:
                return rd_byte(v, &im->lane);
        case WSBX_IMM_SELECT_T:
                if (!rd_u32(v, &im->count))
                        return false;
                for (uint32_t i = 0; i < im->count; i++) {
                        if (!rd_byte(v, &b))
                                return false;
                        if (!is_valtype(b))
                                return malformed(v, wsbx_reader_offset(r) - 1, "malformed value type");
                        if (i == 0)
                                im->a = b;
                }
                return true;
        case WSBX_IMM_REFTYPE:
                if (!rd_byte(v, &b))
                        return false;
                if (!is_ref(b))
                        return malformed(v, wsbx_reader_offset(r) - 1, "malformed reference type");
                im->a = b;
                return true;
        }
        /* The switch names every shape of the table. */
        return malformed(v, v->at, "illegal opcode");
}

static bool decode_imm(struct vstate *v, unsigned op, struct imm *im)
{
        return decode_shape(v, (wsbx_imm)wsbx_ops[op].imm, im);
}

/* ------------------------------------------------------------------------ */
/* Operand and control stacks                                               */
/* ------------------------------------------------------------------------ */

static bool grow_vals(struct vstate *v, uint32_t n)
{
        uint64_t need = (uint64_t)v->sp + n;
        if (need > MAX_STACK)
                return limit(v, "operand stack height", need, MAX_STACK);
        if (!grow_array((void **)&v->s->vals, &v->s->vcap, need, sizeof(slot)))
                return nomem(v);
        v->vals = v->s->vals;
        v->vcap = v->s->vcap;
        return true;
}

HOT bool push(struct vstate *v, uint8_t t)
{
        if (__builtin_expect(v->sp >= v->vcap, 0) && !grow_vals(v, 1))
                return false;
        v->vals[v->sp++] = t;
        return true;
}

HOT bool push_n(struct vstate *v, const uint8_t *ts, uint32_t n)
{
        if (v->vcap - v->sp < n && !grow_vals(v, n))
                return false;
        for (uint32_t i = 0; i < n; i++)
                v->vals[v->sp + i] = ts[i];
        v->sp += n;
        return true;
}

HOT bool pop_expect(struct vstate *v, uint8_t want)
{
        if (__builtin_expect(v->sp > v->top->height, 1)) {
                uint8_t got = (uint8_t)v->vals[--v->sp];
                if (__builtin_expect(got == want, 1) || got == T_UNKNOWN)
                        return true;
                return mismatch(v, want, got, false);
        }
        if (v->top->unreachable)
                return true;
        return mismatch(v, want, 0, true);
}

/* Pops any value; *out is T_UNKNOWN for the bottom type. */
HOT bool pop_any(struct vstate *v, uint8_t *out)
{
        if (v->sp > v->top->height) {
                *out = (uint8_t)v->vals[--v->sp];
                return true;
        }
        if (v->top->unreachable) {
                *out = T_UNKNOWN;
                return true;
        }
        return invalid(v, "type mismatch: expected a value but nothing is on the stack");
}

HOT bool pop_n(struct vstate *v, const uint8_t *ts, uint32_t n)
{
        for (uint32_t i = n; i-- > 0;)
                if (!pop_expect(v, ts[i]))
                        return false;
        return true;
}

HOT bool push_frame(struct vstate *v, uint8_t kind, const uint8_t *params, uint32_t np,
                       const uint8_t *results, uint32_t nr)
{
        /* The function's own frame is not a nesting level. */
        if (v->nctrl > v->lim->max_nesting)
                return limit(v, "nesting depth", v->nctrl, v->lim->max_nesting);
        if (v->nctrl >= v->ccap) {
                if (!grow_array((void **)&v->s->ctrl, &v->s->ccap, (uint64_t)v->nctrl + 1,
                                sizeof(struct frame)))
                        return nomem(v);
                v->ctrl = v->s->ctrl;
                v->ccap = v->s->ccap;
        }
        struct frame *f = &v->ctrl[v->nctrl++];
        f->params = params;
        f->results = results;
        f->nparams = np;
        f->nresults = nr;
        f->height = v->sp;
        f->kind = kind;
        f->unreachable = false;
        v->top = f;
        return true;
}

static inline void set_unreachable(struct vstate *v)
{
        v->sp = v->top->height;
        v->top->unreachable = true;
}

/* The types a branch to label `l` carries; false if there is no such label. */
HOT bool label_types(struct vstate *v, uint32_t l, const uint8_t **ts, uint32_t *n)
{
        if (l >= v->nctrl)
                return invalid(v, "unknown label %u", l);
        const struct frame *f = &v->ctrl[v->nctrl - 1 - l];
        if (f->kind == FRAME_LOOP) {
                *ts = f->params;
                *n = f->nparams;
        } else {
                *ts = f->results;
                *n = f->nresults;
        }
        return true;
}

/* Checks that the top frame's results, and nothing else, are on its stack
 * (leaving them popped). */
HOT bool check_frame_end(struct vstate *v)
{
        if (!pop_n(v, v->top->results, v->top->nresults))
                return false;
        if (v->sp != v->top->height)
                return invalid(v, "type mismatch: %u value(s) left on the stack at the end of a block",
                               v->sp - v->top->height);
        return true;
}

/* ------------------------------------------------------------------------ */
/* Index spaces                                                             */
/* ------------------------------------------------------------------------ */

static bool local_type_slow(struct vstate *v, uint32_t idx, uint8_t *out)
{
        uint64_t i = (uint64_t)idx - v->nparams;
        if (idx < v->nparams || i >= v->nlocals)
                return invalid(v, "unknown local %u", idx);
        /* Binary search for the first group ending past i. */
        uint32_t lo = 0, hi = v->f->nlocalgroups;
        while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (v->s->group_end[mid] <= i)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (!ALWAYS(lo < v->f->nlocalgroups))
                return invalid(v, "unknown local %u", idx);
        *out = v->f->localgroups[lo].type;
        return true;
}

HOT bool local_type(struct vstate *v, uint32_t idx, uint8_t *out)
{
        if (__builtin_expect(idx < v->nltypes, 1)) {
                *out = v->ltypes[idx];
                return true;
        }
        return local_type_slow(v, idx, out);
}

static bool setup_locals(struct vstate *v)
{
        const wsbx_func *f = v->f;
        uint64_t n = 0;
        for (uint32_t i = 0; i < f->nlocalgroups; i++)
                n += f->localgroups[i].count;
        v->nlocals = n;
        v->ltypes = v->ft->params;
        v->nltypes = v->nparams;
        /* The decoder has checked this; indices are u32 below. */
        if (!ALWAYS(n + v->nparams <= UINT32_MAX))
                return malformed(v, f->body_offset, "too many locals");
        if (n == 0)
                return true;
        /* Parameters and locals in one array, so a local's type is one
         * bounds check away; the parameters count against the budget too,
         * as they are copied for every body. */
        uint64_t all = n + v->nparams;
        if (all <= EXPAND_ALWAYS || all <= (uint64_t)f->body_size * EXPAND_PER_BYTE) {
                if (all > v->s->lcap && !grow_array((void **)&v->s->locals, &v->s->lcap, all, 1))
                        return nomem(v);
                uint8_t *p = v->s->locals;
                if (v->nparams)
                        memcpy(p, v->ft->params, v->nparams);
                p += v->nparams;
                for (uint32_t i = 0; i < f->nlocalgroups; i++) {
                        if (f->localgroups[i].count)
                                memset(p, f->localgroups[i].type, f->localgroups[i].count);
                        p += f->localgroups[i].count;
                }
                v->ltypes = v->s->locals;
                v->nltypes = (uint32_t)all;
                return true;
        }
        if (f->nlocalgroups > v->s->gcap &&
            !grow_array((void **)&v->s->group_end, &v->s->gcap, f->nlocalgroups, sizeof(uint64_t)))
                return nomem(v);
        uint64_t end = 0;
        for (uint32_t i = 0; i < f->nlocalgroups; i++) {
                end += f->localgroups[i].count;
                v->s->group_end[i] = end;
        }
        return true;
}

static bool check_memory(struct vstate *v)
{
        if (v->m->nmemories == 0)
                return invalid(v, "unknown memory 0");
        return true;
}

static bool check_align(struct vstate *v, const struct imm *im, unsigned natural)
{
        if (!check_memory(v))
                return false;
        if (im->a > natural)
                return invalid(v, "alignment must not be larger than natural");
        return true;
}

static bool check_table(struct vstate *v, uint32_t x)
{
        if (x >= v->m->ntables)
                return invalid(v, "unknown table %u", x);
        return true;
}

static bool check_data(struct vstate *v, uint32_t x)
{
        /* Without a data count section the body is malformed anyway (see
         * need_datacount); the data section is not known yet. */
        if (v->m->has_datacount && x >= v->m->datacount)
                return invalid(v, "unknown data segment %u", x);
        return true;
}

static bool check_elem(struct vstate *v, uint32_t x)
{
        if (x >= v->m->nelems)
                return invalid(v, "unknown elem segment %u", x);
        return true;
}

static bool check_func(struct vstate *v, uint32_t x)
{
        if (x >= v->m->nfuncs)
                return invalid(v, "unknown function %u", x);
        if (!ALWAYS(v->m->func_types[x] < v->m->ntypes))
                return invalid(v, "unknown type %u", v->m->func_types[x]);
        return true;
}

/* Resolves a block type into parameter and result types. */
static bool block_sig(struct vstate *v, const struct imm *im, const uint8_t **params,
                      uint32_t *np, const uint8_t **results, uint32_t *nr)
{
        switch (im->bt) {
        case BT_EMPTY:
                *params = *results = NULL;
                *np = *nr = 0;
                return true;
        case BT_VAL:
                *params = NULL;
                *np = 0;
                *results = &valtype_self[im->a];
                *nr = 1;
                return true;
        default:
                if (im->a >= v->m->ntypes)
                        return invalid(v, "unknown type %u", im->a);
                const wsbx_functype *t = &v->m->types[im->a];
                *params = t->params;
                *np = t->nparams;
                *results = t->results;
                *nr = t->nresults;
                return true;
        }
}

/* ------------------------------------------------------------------------ */
/* Syntax-only scan after a typing error                                    */
/* ------------------------------------------------------------------------ */

/* Applies the block structure of `op` to the control stack (kinds only).
 * Returns -1 on a (malformed or limit) error, 1 when the function's block
 * closed, else 0. */
static int apply_structure(struct vstate *v, unsigned op)
{
        switch (op) {
        case WSBX_OP_block:
        case WSBX_OP_loop:
        case WSBX_OP_if:
                if (!push_frame(v, op == WSBX_OP_block ? FRAME_BLOCK :
                                op == WSBX_OP_loop ? FRAME_LOOP : FRAME_IF,
                                NULL, 0, NULL, 0))
                        return -1;
                return 0;
        case WSBX_OP_else:
                if (v->top->kind != FRAME_IF) {
                        set_malformed(v, v->at, "END opcode expected");
                        return -1;
                }
                v->top->kind = FRAME_ELSE;
                return 0;
        case WSBX_OP_end:
                v->nctrl--;
                if (v->nctrl == 0)
                        return 1;
                v->top = &v->ctrl[v->nctrl - 1];
                return 0;
        }
        return 0;
}

/* After the function's block closed: the body must end there too. */
static bool check_body_end(struct vstate *v)
{
        if (v->r.p != v->r.end)
                return malformed(v, wsbx_reader_offset(&v->r), "section size mismatch");
        return true;
}

/* Decodes the rest of the body after the instruction at v->at failed to
 * validate with op `op`. Returns true if the body is well formed. Operand
 * types are no longer tracked; frames keep only their kind. */
static bool skim(struct vstate *v, unsigned op)
{
        struct imm im;
        for (;;) {
                int done = apply_structure(v, op);
                if (done < 0)
                        return false;
                if (done)
                        return check_body_end(v);
                if (v->r.p >= v->r.end)
                        return truncated(v, true);
                v->at = wsbx_reader_offset(&v->r);
                if (!read_op(v, &op) || !decode_imm(v, op, &im))
                        return false;
        }
}

/* ------------------------------------------------------------------------ */
/* The validator                                                            */
/* ------------------------------------------------------------------------ */

/* Rules of the instructions with a generic signature that also depend on
 * their immediates. */
HOT bool check_imm_rules(struct vstate *v, const wsbx_opinfo *info, const struct imm *im)
{
        switch ((wsbx_imm)info->imm) {
        case WSBX_IMM_MEMARG:
                return check_align(v, im, info->arg);
        case WSBX_IMM_MEMARG_LANE:
                if (!check_align(v, im, info->arg))
                        return false;
                /* arg is log2 of the lane size in bytes. */
                if (im->lane >= (16u >> info->arg))
                        return invalid(v, "invalid lane index %u", im->lane);
                return true;
        case WSBX_IMM_LANE:
                if (im->lane >= info->arg)
                        return invalid(v, "invalid lane index %u", im->lane);
                return true;
        case WSBX_IMM_SHUFFLE:
                for (unsigned i = 0; i < 16; i++)
                        if (im->ptr[i] >= info->arg)
                                return invalid(v, "invalid lane index %u", im->ptr[i]);
                return true;
        case WSBX_IMM_MEMORY:
        case WSBX_IMM_MEMORY_COPY:
                return check_memory(v);
        case WSBX_IMM_MEMORY_INIT:
                return check_memory(v) && check_data(v, im->a);
        case WSBX_IMM_DATA:
                return check_data(v, im->a);
        case WSBX_IMM_ELEM:
                return check_elem(v, im->a);
        default:
                return true;
        }
}

/* br_table: every target must exist and carry as many values as the
 * default; the values on the stack must suit each of them. Labels are
 * looked up before any operand is popped, as the reference does, so an
 * unknown label is reported as such. */
static bool check_br_table(struct vstate *v, const struct imm *im)
{
        const uint8_t *dts, *ts = NULL;
        uint32_t n, nt = 0;
        if (!label_types(v, im->b, &dts, &n))
                return false;
        wsbx_reader rr = {.start = im->ptr, .p = im->ptr, .end = v->r.end, .err = v->err};
        for (uint32_t i = 0; i < im->count; i++) {
                uint32_t l;
                if (!ALWAYS(wsbx_read_u32(&rr, &l)))
                        return false;
                if (!label_types(v, l, &ts, &nt))
                        return false;
                if (nt != n)
                        return invalid(v, "type mismatch: br_table target %u carries %u value(s), "
                                       "the default %u", l, nt, n);
        }
        if (!pop_expect(v, WSBX_I32))
                return false;
        uint32_t avail = v->sp - v->top->height;
        rr.p = im->ptr;
        uint32_t last = UINT32_MAX;
        for (uint32_t i = 0; i < im->count; i++) {
                uint32_t l;
                if (!ALWAYS(wsbx_read_u32(&rr, &l)))
                        return false;
                if (l == last)
                        continue;
                last = l;
                label_types(v, l, &ts, &nt);
                if (ts == dts)
                        continue;
                /* Compare without popping: value k of the label sits at
                 * sp - n + k; missing ones are the bottom type only if
                 * the frame is unreachable. */
                for (uint32_t k = 0; k < n; k++) {
                        uint32_t depth = n - k;
                        if (depth > avail) {
                                if (!v->top->unreachable)
                                        return mismatch(v, ts[k], 0, true);
                                continue;
                        }
                        uint8_t got = (uint8_t)v->vals[v->sp - depth];
                        if (got != ts[k] && got != T_UNKNOWN)
                                return mismatch(v, ts[k], got, false);
                }
        }
        if (!pop_n(v, dts, n))
                return false;
        set_unreachable(v);
        return true;
}

HOT bool check_call(struct vstate *v, const wsbx_functype *t)
{
        return pop_n(v, t->params, t->nparams) && push_n(v, t->results, t->nresults);
}

/* Dispatch: the main loop switches once per instruction on its class,
 * computed here from the opcode table. Instructions typed by a signature
 * and without immediates go straight to their signature's case; those
 * with immediates to their immediate shape's case, which then types them
 * by signature; the `x` ones each have their own case. */
enum {
        CLASS_SIG = 0,                                   /* + wsbx_sig */
        CLASS_IMM = CLASS_SIG + WSBX_SIG_COUNT,          /* + wsbx_imm */
        CLASS_X = CLASS_IMM + WSBX_IMM_REFTYPE + 1,      /* + wsbx_opcode */
};

static const uint16_t op_class[WSBX_OP_COUNT] = {
#define OP(id, name, prefix, code, imm, sig, arg)                                               \
        [WSBX_OP_##id] = WSBX_SIG_##sig == WSBX_SIG_x ? CLASS_X + WSBX_OP_##id :                 \
                         WSBX_IMM_##imm == WSBX_IMM_NONE ? CLASS_SIG + WSBX_SIG_##sig :           \
                         CLASS_IMM + WSBX_IMM_##imm,
#include "opcodes.def"
#undef OP
};

/* Each instruction's immediate shape, in this file so that the compiler
 * folds op_imm[WSBX_OP_br] to a constant in the cases below. */
static const uint8_t op_imm[WSBX_OP_COUNT] = {
#define OP(id, name, prefix, code, imm, sig, arg) [WSBX_OP_##id] = WSBX_IMM_##imm,
#include "opcodes.def"
#undef OP
};

static wsbx_errkind finish(struct vstate *v, wsbx_error *err)
{
        wsbx_errkind kind = v->err->kind;
        /* The reference reports a missing data count section after the
         * whole module decoded, so only another malformed error beats it. */
        if (v->datacount_missing_at != SIZE_MAX && kind != WSBX_ERR_MALFORMED &&
            kind != WSBX_ERR_LIMIT && kind != WSBX_ERR_NOMEM)
                kind = wsbx_error_set(v->err, WSBX_ERR_MALFORMED, v->datacount_missing_at,
                                      "data count section required");
        if (kind != WSBX_OK && err)
                *err = *v->err;
        return kind;
}

wsbx_errkind wsbx_validate_body(const wsbx_module *m, uint32_t defined_index,
                                const uint8_t *ref_declared, const wsbx_limits_cfg *limits,
                                wsbx_valscratch *scratch, wsbx_error *err)
{
        wsbx_error local_err = {.kind = WSBX_OK};
        struct vstate vs = {
                .m = m,
                .lim = limits ? limits : &wsbx_default_limits,
                .ref_declared = ref_declared,
                .s = scratch,
                .err = &local_err,
                .datacount_missing_at = SIZE_MAX,
        };
        struct vstate *v = &vs;

        if (!ALWAYS(m && scratch && defined_index < m->nfuncs - m->nimported_funcs))
                return wsbx_error_set(err, WSBX_ERR_INVALID, SIZE_MAX, "unknown function");
        const wsbx_func *f = &m->funcs[defined_index];
        v->f = f;
        size_t body_end = (size_t)f->body_offset + f->body_size;
        if (!ALWAYS(body_end <= m->size && f->code_offset <= body_end && f->type < m->ntypes))
                return wsbx_error_set(err, WSBX_ERR_MALFORMED, f->body_offset,
                                      "unexpected end of section or function");
        v->body_end = body_end;
        v->r = (wsbx_reader){.start = m->bytes, .p = m->bytes + f->code_offset,
                             .end = m->bytes + body_end, .base = 0, .err = v->err};
        v->at = f->code_offset;
        v->ft = &m->types[f->type];
        v->nparams = v->ft->nparams;
        v->vals = scratch->vals;
        v->vcap = scratch->vcap;
        v->ctrl = scratch->ctrl;
        v->ccap = scratch->ccap;

        if (!setup_locals(v) ||
            !push_frame(v, FRAME_FUNC, NULL, 0, v->ft->results, v->ft->nresults))
                return finish(v, err);

        struct imm im = {0};
        /* In a register: a store through the reader's pointer could
         * otherwise alias m->bytes and force a reload per instruction. */
        const uint8_t *const base = m->bytes;
        unsigned op;
        const uint8_t *ps, *rs;
        uint32_t np, nr;
        uint8_t t, t1, t2;
        for (;;) {
                if (__builtin_expect(v->r.p >= v->r.end, 0)) {
                        set_truncated(v, true);
                        return finish(v, err);
                }
                v->at = (size_t)(v->r.p - base);
                if (!read_op(v, &op))
                        return finish(v, err);

/* Decodes the immediates of the `x` instruction `id` (a constant shape). */
#define DECODE(id)                                                                      \
        do {                                                                            \
                if (!decode_shape(v, (wsbx_imm)op_imm[WSBX_OP_##id], &im))              \
                        return finish(v, err);                                          \
        } while (0)
#define CHECK(e)                                                                        \
        do {                                                                            \
                if (!(e))                                                               \
                        goto failed;                                                    \
        } while (0)
#define X(id) case CLASS_X + WSBX_OP_##id
/* The generic rule: each case pops and pushes constant types. */
#define SIG(id, np_, p0, p1, p2, nr_, r0)                                               \
        case CLASS_SIG + WSBX_SIG_##id:                                                 \
                CHECK((np_ < 3 || pop_expect(v, p2)) && (np_ < 2 || pop_expect(v, p1)) &&\
                      (np_ < 1 || pop_expect(v, p0)) && (!nr_ || push(v, r0)));          \
                continue;

                switch (op_class[op]) {
#include "sigs.def"

                case CLASS_IMM + WSBX_IMM_I32:
                        if (!rd_sleb_skip(v, 32))
                                return finish(v, err);
                        CHECK(push(v, WSBX_I32));
                        continue;
                case CLASS_IMM + WSBX_IMM_I64:
                        if (!rd_sleb_skip(v, 64))
                                return finish(v, err);
                        CHECK(push(v, WSBX_I64));
                        continue;
                case CLASS_IMM + WSBX_IMM_MEMARG:
                        if (!decode_shape(v, WSBX_IMM_MEMARG, &im))
                                return finish(v, err);
                        CHECK(check_align(v, &im, wsbx_ops[op].arg));
                        break;
                default:
                        /* A hand-typed instruction without a case would
                         * otherwise pass unchecked. */
                        if (NEVER(op_class[op] >= CLASS_X)) {
                                set_malformed(v, v->at, "illegal opcode");
                                return finish(v, err);
                        }
                        /* Other immediates of signature-typed instructions. */
                        if (!decode_imm(v, op, &im))
                                return finish(v, err);
                        CHECK(check_imm_rules(v, &wsbx_ops[op], &im));
                        break;

                X(local_get):
                        DECODE(local_get);
                        CHECK(local_type(v, im.a, &t) && push(v, t));
                        continue;
                X(local_set):
                        DECODE(local_set);
                        CHECK(local_type(v, im.a, &t) && pop_expect(v, t));
                        continue;
                X(local_tee):
                        DECODE(local_tee);
                        CHECK(local_type(v, im.a, &t) && pop_expect(v, t) && push(v, t));
                        continue;
                X(global_get):
                        DECODE(global_get);
                        if (im.a >= m->nglobals)
                                CHECK(invalid(v, "unknown global %u", im.a));
                        CHECK(push(v, m->global_types[im.a].type));
                        continue;
                X(global_set):
                        DECODE(global_set);
                        if (im.a >= m->nglobals)
                                CHECK(invalid(v, "unknown global %u", im.a));
                        if (!m->global_types[im.a].mut)
                                CHECK(invalid(v, "global is immutable: %u", im.a));
                        CHECK(pop_expect(v, m->global_types[im.a].type));
                        continue;

                X(unreachable):
                        set_unreachable(v);
                        continue;
                X(block):
                        DECODE(block);
                        CHECK(block_sig(v, &im, &ps, &np, &rs, &nr) && pop_n(v, ps, np) &&
                              push_frame(v, FRAME_BLOCK, ps, np, rs, nr) && push_n(v, ps, np));
                        continue;
                X(loop):
                        DECODE(loop);
                        CHECK(block_sig(v, &im, &ps, &np, &rs, &nr) && pop_n(v, ps, np) &&
                              push_frame(v, FRAME_LOOP, ps, np, rs, nr) && push_n(v, ps, np));
                        continue;
                X(if):
                        DECODE(if);
                        CHECK(block_sig(v, &im, &ps, &np, &rs, &nr) && pop_expect(v, WSBX_I32) &&
                              pop_n(v, ps, np) && push_frame(v, FRAME_IF, ps, np, rs, nr) &&
                              push_n(v, ps, np));
                        continue;
                X(else):
                        /* Malformed, so checked before any typing rule. */
                        if (v->top->kind != FRAME_IF) {
                                set_malformed(v, v->at, "END opcode expected");
                                return finish(v, err);
                        }
                        CHECK(check_frame_end(v));
                        v->top->kind = FRAME_ELSE;
                        v->top->unreachable = false;
                        CHECK(push_n(v, v->top->params, v->top->nparams));
                        continue;
                X(end): {
                        CHECK(check_frame_end(v));
                        struct frame *fr = v->top;
                        /* An if without else passes its parameters through
                         * the missing branch, so they must be its results. */
                        if (fr->kind == FRAME_IF &&
                            (fr->nparams != fr->nresults ||
                             (fr->nparams && memcmp(fr->params, fr->results, fr->nparams) != 0)))
                                CHECK(invalid(v, "type mismatch: if without else must have "
                                              "results equal to its parameters"));
                        if (--v->nctrl == 0) {
                                check_body_end(v);
                                return finish(v, err);
                        }
                        v->top = &v->ctrl[v->nctrl - 1];
                        CHECK(push_n(v, fr->results, fr->nresults));
                        continue;
                }
                X(br):
                        DECODE(br);
                        CHECK(label_types(v, im.a, &rs, &nr) && pop_n(v, rs, nr));
                        set_unreachable(v);
                        continue;
                X(br_if):
                        DECODE(br_if);
                        CHECK(label_types(v, im.a, &rs, &nr) && pop_expect(v, WSBX_I32) &&
                              pop_n(v, rs, nr) && push_n(v, rs, nr));
                        continue;
                X(br_table):
                        DECODE(br_table);
                        CHECK(check_br_table(v, &im));
                        continue;
                X(return):
                        CHECK(pop_n(v, v->ctrl[0].results, v->ctrl[0].nresults));
                        set_unreachable(v);
                        continue;
                X(call):
                        DECODE(call);
                        CHECK(check_func(v, im.a) && check_call(v, &m->types[m->func_types[im.a]]));
                        continue;
                X(call_indirect):
                        DECODE(call_indirect);
                        CHECK(check_table(v, im.b));
                        if (im.a >= m->ntypes)
                                CHECK(invalid(v, "unknown type %u", im.a));
                        if (m->tables[im.b].elem != WSBX_FUNCREF)
                                CHECK(invalid(v, "type mismatch: call_indirect needs a table of "
                                              "funcref, table %u holds %s", im.b,
                                              tname(m->tables[im.b].elem)));
                        CHECK(pop_expect(v, WSBX_I32) && check_call(v, &m->types[im.a]));
                        continue;
                X(drop):
                        CHECK(pop_any(v, &t));
                        continue;
                X(select):
                        CHECK(pop_expect(v, WSBX_I32) && pop_any(v, &t1) && pop_any(v, &t2));
                        if ((t1 != T_UNKNOWN && !is_numvec(t1)) || (t2 != T_UNKNOWN && !is_numvec(t2)))
                                CHECK(invalid(v, "type mismatch: select without a type needs "
                                              "numeric or vector operands, got %s and %s",
                                              tname(t2), tname(t1)));
                        if (t1 != T_UNKNOWN && t2 != T_UNKNOWN && t1 != t2)
                                CHECK(invalid(v, "type mismatch: select operands %s and %s differ",
                                              tname(t2), tname(t1)));
                        CHECK(push(v, t1 != T_UNKNOWN ? t1 : t2));
                        continue;
                X(select_t):
                        DECODE(select_t);
                        if (im.count != 1)
                                CHECK(invalid(v, "invalid result arity %u for select", im.count));
                        t = (uint8_t)im.a;
                        CHECK(pop_expect(v, WSBX_I32) && pop_expect(v, t) && pop_expect(v, t) &&
                              push(v, t));
                        continue;

                X(table_get):
                        DECODE(table_get);
                        CHECK(check_table(v, im.a) && pop_expect(v, WSBX_I32) &&
                              push(v, m->tables[im.a].elem));
                        continue;
                X(table_set):
                        DECODE(table_set);
                        CHECK(check_table(v, im.a) && pop_expect(v, m->tables[im.a].elem) &&
                              pop_expect(v, WSBX_I32));
                        continue;
                X(table_size):
                        DECODE(table_size);
                        CHECK(check_table(v, im.a) && push(v, WSBX_I32));
                        continue;
                X(table_grow):
                        DECODE(table_grow);
                        CHECK(check_table(v, im.a) && pop_expect(v, WSBX_I32) &&
                              pop_expect(v, m->tables[im.a].elem) && push(v, WSBX_I32));
                        continue;
                X(table_fill):
                        DECODE(table_fill);
                        CHECK(check_table(v, im.a) && pop_expect(v, WSBX_I32) &&
                              pop_expect(v, m->tables[im.a].elem) && pop_expect(v, WSBX_I32));
                        continue;
                X(table_copy):
                        /* a is the destination, b the source. */
                        DECODE(table_copy);
                        CHECK(check_table(v, im.a) && check_table(v, im.b));
                        if (m->tables[im.a].elem != m->tables[im.b].elem)
                                CHECK(invalid(v, "type mismatch: table.copy from a table of %s to "
                                              "one of %s", tname(m->tables[im.b].elem),
                                              tname(m->tables[im.a].elem)));
                        CHECK(pop_expect(v, WSBX_I32) && pop_expect(v, WSBX_I32) &&
                              pop_expect(v, WSBX_I32));
                        continue;
                X(table_init):
                        /* a is the element segment, b the table. */
                        DECODE(table_init);
                        CHECK(check_table(v, im.b) && check_elem(v, im.a));
                        if (m->tables[im.b].elem != m->elems[im.a].type)
                                CHECK(invalid(v, "type mismatch: table.init of a table of %s from "
                                              "a segment of %s", tname(m->tables[im.b].elem),
                                              tname(m->elems[im.a].type)));
                        CHECK(pop_expect(v, WSBX_I32) && pop_expect(v, WSBX_I32) &&
                              pop_expect(v, WSBX_I32));
                        continue;

                X(ref_null):
                        DECODE(ref_null);
                        CHECK(push(v, (uint8_t)im.a));
                        continue;
                X(ref_is_null):
                        CHECK(pop_any(v, &t));
                        if (t != T_UNKNOWN && !is_ref(t))
                                CHECK(invalid(v, "type mismatch: ref.is_null needs a reference, "
                                              "got %s", tname(t)));
                        CHECK(push(v, WSBX_I32));
                        continue;
                X(ref_func):
                        /* ref_declared NULL: no function may be referenced. */
                        DECODE(ref_func);
                        if (im.a >= m->nfuncs)
                                CHECK(invalid(v, "unknown function %u", im.a));
                        if (!v->ref_declared || !v->ref_declared[im.a])
                                CHECK(invalid(v, "undeclared function reference %u", im.a));
                        CHECK(push(v, WSBX_FUNCREF));
                        continue;
                }

                /* Instructions with immediates, typed by their signature. */
                switch (CLASS_SIG + (unsigned)wsbx_ops[op].sig) {
#include "sigs.def"
                default:
                        break;
                }
                continue;
#undef SIG
#undef X
#undef CHECK
#undef DECODE
failed:
                if (v->err->kind != WSBX_ERR_INVALID)
                        return finish(v, err);
                /* Remember the typing error; a malformed one later wins. */
                wsbx_error first = *v->err;
                if (skim(v, op))
                        *v->err = first;
                return finish(v, err);
        }
}
