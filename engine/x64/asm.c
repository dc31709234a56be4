/* asm.c - x86-64 instruction encoder: code buffer, labels, instructions.
 *
 * Every instruction goes through the same few steps: reserve room once
 * (begin), write [legacy prefix] [REX] [0F [38|3A]] opcode ModRM [SIB]
 * [disp] [imm] or VEX ... through a cursor without further bounds checks,
 * then publish the new length (end). Invariant: after begin() at least
 * MAX_INSN bytes are writable, so no single emitter may write more. Most
 * choices between encodings are arithmetic on table values rather than
 * branches, and nothing is allocated per instruction except the amortised
 * growth of the code, label and fixup arrays.
 *
 * Operation descriptors ("enc") pack the mandatory prefix in bits 0-1 (the
 * VEX.pp numbering: none, 66, F3, F2), the opcode map in bits 2-3 (the
 * VEX.mmmmm numbering: one-byte, 0F, 0F38, 0F3A), REX.W/VEX.W in bit 4 and
 * the opcode byte in bits 8-15, so one descriptor yields both the legacy
 * and the VEX encoding. The 16-bit operand-size prefix of integer
 * instructions travels in the same field as the mandatory 66.
 *
 * Labels: a use of an unbound label records a fixup {where the 32-bit
 * field is, what the value is relative to}, chained per label; binding the
 * label patches the chain. Uses of a bound label are resolved at once.
 *
 * Failure is sticky (see asm.h): once memory runs out (or the code grows
 * past its limit), emission continues into `scratch`, which MAX_INSN fits,
 * and nothing is patched any more.
 * A failure never moves `code` while an instruction is being written: only
 * grow(), called from begin(), does that.
 */
#include "asm.h"

#include <stdlib.h>
#include <string.h>
#ifdef __x86_64__
#include <cpuid.h>
#include <pthread.h>
#endif

#define MAX_INSN 32u
#define NONE UINT32_MAX

_Static_assert(sizeof(((wsbx_asm *)0)->scratch) >= MAX_INSN, "scratch must hold an instruction");

struct wsbx_asm_label {
        uint32_t offset; /* NONE while unbound */
        uint32_t head;   /* first pending fixup, NONE if none */
};

struct wsbx_asm_fixup {
        uint32_t pos;  /* code offset of the 32-bit field */
        uint32_t ref;  /* the field receives target - ref */
        uint32_t next;
};

static inline uint8_t *put32(uint8_t *p, uint32_t v)
{
        memcpy(p, &v, 4);
        return p + 4;
}

/* ------------------------------------------------------------------------ */
/* Buffer                                                                   */
/* ------------------------------------------------------------------------ */

static void fail(wsbx_asm *a, wsbx_errkind kind)
{
        if (a->fail == WSBX_OK)
                a->fail = kind;
}

/* Makes room for `need` bytes, or switches to the scratch area for good. */
static __attribute__((noinline)) void grow(wsbx_asm *a, size_t need)
{
        if (a->fail == WSBX_OK) {
                size_t want = (size_t)a->len + need;
                if (want > WSBX_ASM_MAX_CODE) {
                        a->fail = WSBX_ERR_LIMIT;
                } else {
                        size_t cap = a->heap_cap ? a->heap_cap : 4096;
                        while (cap < want)
                                cap *= 2;
                        uint8_t *d = realloc(a->heap, cap);
                        if (d) {
                                a->heap = a->code = d;
                                a->cap = a->heap_cap = (uint32_t)cap;
                                return;
                        }
                        a->fail = WSBX_ERR_NOMEM;
                }
        }
        a->code = a->scratch;
        a->cap = sizeof a->scratch;
        a->len = 0;
}

static inline uint8_t *begin(wsbx_asm *a)
{
        if (__builtin_expect(a->cap - a->len < MAX_INSN, 0))
                grow(a, MAX_INSN);
        return a->code + a->len;
}

static inline void end(wsbx_asm *a, uint8_t *p)
{
        a->len = (uint32_t)(p - a->code);
}

void wsbx_asm_init(wsbx_asm *a)
{
        memset(a, 0, sizeof *a);
        a->code = a->scratch;
}

void wsbx_asm_free(wsbx_asm *a)
{
        free(a->heap);
        free(a->labels);
        free(a->fixups);
        wsbx_asm_init(a);
}

void wsbx_asm_reset(wsbx_asm *a)
{
        a->code = a->heap ? a->heap : a->scratch;
        a->cap = a->heap_cap;
        a->len = 0;
        a->fail = WSBX_OK;
        a->pending = 0;
        a->nlabels = 0;
        a->nfixups = 0;
}

wsbx_errkind wsbx_asm_finish(const wsbx_asm *a, wsbx_error *err)
{
        switch (a->fail) {
        case WSBX_OK:
                break;
        case WSBX_ERR_NOMEM:
                return wsbx_error_set(err, WSBX_ERR_NOMEM, 0, "out of memory while emitting code");
        case WSBX_ERR_LIMIT:
                return wsbx_error_set(err, WSBX_ERR_LIMIT, 0, "code larger than %u bytes",
                                      WSBX_ASM_MAX_CODE);
        default:
                return wsbx_error_set(err, WSBX_ERR_INVALID, 0,
                                      "assembler misuse: unknown or twice-bound label, unbound "
                                      "jump-table base, or an encoding that does not exist");
        }
        if (a->pending) {
                for (uint32_t i = 0; i < a->nlabels; i++) {
                        uint32_t h = a->labels[i].head;
                        if (h != NONE)
                                return wsbx_error_set(err, WSBX_ERR_INVALID, a->fixups[h].pos,
                                                      "label %u used but never bound", i);
                }
        }
        return WSBX_OK;
}

void wsbx_asm_data(wsbx_asm *a, const void *src, size_t n)
{
        if (a->cap - a->len < n)
                grow(a, n);
        if (a->cap - a->len < n)
                return; /* failed: the bytes would be meaningless anyway */
        if (n)
                memcpy(a->code + a->len, src, n);
        a->len += (uint32_t)n;
}

/* ------------------------------------------------------------------------ */
/* Labels                                                                   */
/* ------------------------------------------------------------------------ */

wsbx_label wsbx_asm_label_new(wsbx_asm *a)
{
        if (a->nlabels == a->labels_cap) {
                uint32_t cap = a->labels_cap ? a->labels_cap * 2 : 64;
                void *n = cap <= (1u << 26) ? realloc(a->labels, cap * sizeof *a->labels) : NULL;
                if (!n) {
                        fail(a, WSBX_ERR_NOMEM);
                        return WSBX_NO_LABEL;
                }
                a->labels = n;
                a->labels_cap = cap;
        }
        a->labels[a->nlabels] = (struct wsbx_asm_label){ NONE, NONE };
        return a->nlabels++;
}

uint32_t wsbx_asm_label_offset(const wsbx_asm *a, wsbx_label l)
{
        return l < a->nlabels ? a->labels[l].offset : NONE;
}

void wsbx_asm_bind(wsbx_asm *a, wsbx_label l)
{
        if (l >= a->nlabels || a->labels[l].offset != NONE) {
                fail(a, WSBX_ERR_INVALID);
                return;
        }
        struct wsbx_asm_label *lb = &a->labels[l];
        lb->offset = a->len;
        for (uint32_t i = lb->head; i != NONE; i = a->fixups[i].next) {
                const struct wsbx_asm_fixup *f = &a->fixups[i];
                /* After a failure positions may point past the scratch area. */
                if (a->fail == WSBX_OK) {
                        uint32_t v = a->len - f->ref;
                        memcpy(a->code + f->pos, &v, 4);
                }
                a->pending--;
        }
        lb->head = NONE;
}

/* Records that the 32-bit field at `pos` waits for label l. */
static void add_fixup(wsbx_asm *a, wsbx_label l, uint32_t pos, uint32_t ref)
{
        if (a->nfixups == a->fixups_cap) {
                uint32_t cap = a->fixups_cap ? a->fixups_cap * 2 : 64;
                void *n = cap <= (1u << 28) ? realloc(a->fixups, cap * sizeof *a->fixups) : NULL;
                if (!n) {
                        fail(a, WSBX_ERR_NOMEM);
                        return;
                }
                a->fixups = n;
                a->fixups_cap = cap;
        }
        struct wsbx_asm_label *lb = &a->labels[l];
        a->fixups[a->nfixups] = (struct wsbx_asm_fixup){ pos, ref, lb->head };
        lb->head = a->nfixups++;
        a->pending++;
}

/* Writes the 32-bit value target(l) - ref at p, now or when l is bound. */
static uint8_t *put_ref32(wsbx_asm *a, uint8_t *p, wsbx_label l, uint32_t ref)
{
        uint32_t v = 0;
        if (l >= a->nlabels)
                fail(a, WSBX_ERR_INVALID);
        else if (a->labels[l].offset != NONE)
                v = a->labels[l].offset - ref;
        else
                add_fixup(a, l, (uint32_t)(p - a->code), ref);
        return put32(p, v);
}

/* The field at p is relative to the end of itself plus `after` bytes. */
static inline uint8_t *put_rel32(wsbx_asm *a, uint8_t *p, wsbx_label l, unsigned after)
{
        return put_ref32(a, p, l, (uint32_t)(p - a->code) + 4 + after);
}

void wsbx_asm_table_entry(wsbx_asm *a, wsbx_label table, wsbx_label target)
{
        uint32_t base = wsbx_asm_label_offset(a, table);
        if (base == NONE)
                fail(a, WSBX_ERR_INVALID);
        uint8_t *p = begin(a);
        end(a, put_ref32(a, p, target, base));
}

/* ------------------------------------------------------------------------ */
/* Encoding core                                                            */
/* ------------------------------------------------------------------------ */

enum { PP_NP, PP_66, PP_F3, PP_F2 };
enum { MAP_1B, MAP_0F, MAP_0F38, MAP_0F3A };
#define ENC_W (1u << 4)
#define ENC(pp, map, op) ((uint32_t)(pp) | (uint32_t)(map) << 2 | (uint32_t)(op) << 8)

static inline bool is_imm8(int32_t v)
{
        return v == (int8_t)v;
}

/* Registers 4-7 as byte registers are spl/bpl/sil/dil only with a REX. */
static inline bool byte_needs_rex(unsigned r)
{
        return (r & ~3u) == 4;
}

/* Writes a little-endian immediate of len 1, 2 or 4 bytes. */
static inline uint8_t *put_imm(uint8_t *p, int32_t v, unsigned len)
{
        memcpy(p, &v, 4);
        return p + len;
}

/* [prefix] [REX] [map] opcode. rxb holds REX.R/X/B in bits 2/1/0. */
static inline uint8_t *put_op(uint8_t *p, uint32_t enc, unsigned rxb, bool force_rex)
{
        static const uint8_t pp_byte[4] = { 0, 0x66, 0xf3, 0xf2 };
        static const uint8_t map_len[4] = { 0, 1, 2, 2 };
        unsigned pp = enc & 3, map = enc >> 2 & 3;
        unsigned rex = 0x40 | (enc & ENC_W) >> 1 | rxb;

        *p = pp_byte[pp];
        p += pp != 0;
        *p = (uint8_t)rex;
        p += rex != 0x40 || force_rex;
        p[0] = 0x0f;
        p[1] = map == MAP_0F38 ? 0x38 : 0x3a;
        p += map_len[map];
        *p++ = (uint8_t)(enc >> 8);
        return p;
}

/* VEX.128 prefix and opcode; vvvv names a register (0 when unused). The
 * two-byte form exists only for map 0F with W0 and no REX.X/B. */
static inline uint8_t *put_vex(uint8_t *p, uint32_t enc, unsigned rxb, unsigned vvvv)
{
        unsigned pp = enc & 3, map = enc >> 2 & 3, w = enc >> 4 & 1;
        unsigned tail = (~vvvv & 15) << 3 | pp;

        if (map == MAP_0F && !w && !(rxb & 3)) {
                p[0] = 0xc5;
                p[1] = (uint8_t)((~rxb & 4) << 5 | tail);
                p += 2;
        } else {
                p[0] = 0xc4;
                p[1] = (uint8_t)((~rxb & 7) << 5 | map);
                p[2] = (uint8_t)(w << 7 | tail);
                p += 3;
        }
        *p++ = (uint8_t)(enc >> 8);
        return p;
}

static inline unsigned rxb_rr(unsigned reg, unsigned rm)
{
        return (reg >> 3 & 1) << 2 | (rm >> 3 & 1);
}

/* X64_NOREG and X64_RIP have bit 3 clear, so they add no REX bit. */
static inline unsigned rxb_rm(unsigned reg, wsbx_x64_mem m)
{
        return (reg >> 3 & 1) << 2 | (m.index >> 3 & 1) << 1 | (m.base >> 3 & 1);
}

static inline uint8_t *put_modrm_rr(uint8_t *p, unsigned reg, unsigned rm)
{
        *p++ = (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7));
        return p;
}

/* ModRM, SIB and displacement of a memory operand. `immlen` bytes of
 * immediate follow; RIP-relative displacements count them. The special
 * cases: rm=100 means "SIB follows", so rsp/r12 bases need a SIB; mod=00
 * with base 101 means "disp32, no base" (or RIP-relative without a SIB),
 * so rbp/r13 bases need an explicit zero displacement. */
static uint8_t *put_mem(wsbx_asm *a, uint8_t *p, unsigned reg, wsbx_x64_mem m, unsigned immlen)
{
        static const uint8_t disp_len[3] = { 0, 1, 4 };
        unsigned r = (reg & 7) << 3;

        if (m.base == X64_RIP) {
                *p++ = (uint8_t)(0x05 | r);
                if (m.label == WSBX_NO_LABEL)
                        return put32(p, (uint32_t)m.disp);
                return put_ref32(a, p, m.label,
                                 (uint32_t)(p - a->code) + 4 + immlen - (uint32_t)m.disp);
        }
        if (m.base == X64_NOREG) {
                p[0] = (uint8_t)(0x04 | r);
                p[1] = (uint8_t)(m.shift << 6 | (m.index & 7) << 3 | 5);
                return put32(p + 2, (uint32_t)m.disp);
        }
        if (m.index == X64_RSP)
                fail(a, WSBX_ERR_INVALID); /* its SIB code means "no index" */
        unsigned base = m.base & 7;
        bool sib = m.index != X64_NOREG || base == 4;
        unsigned mod = (m.disp == 0 && base != 5) ? 0 : is_imm8(m.disp) ? 1 : 2;

        *p++ = (uint8_t)(mod << 6 | r | (sib ? 4 : base));
        *p = (uint8_t)(m.shift << 6 | (m.index & 7) << 3 | base);
        p += sib;
        put32(p, (uint32_t)m.disp);
        return p + disp_len[mod];
}

static inline uint8_t *enc_rr(uint8_t *p, uint32_t enc, unsigned reg, unsigned rm, bool force_rex)
{
        p = put_op(p, enc, rxb_rr(reg, rm), force_rex);
        return put_modrm_rr(p, reg, rm);
}

static inline uint8_t *enc_rm(wsbx_asm *a, uint8_t *p, uint32_t enc, unsigned reg, wsbx_x64_mem m,
                              unsigned immlen, bool force_rex)
{
        p = put_op(p, enc, rxb_rm(reg, m), force_rex);
        return put_mem(a, p, reg, m, immlen);
}

/* Operand-size part of an integer descriptor. */
static const uint32_t sz_enc[4] = { 0, PP_66, 0, ENC_W };
static const uint8_t imm_len[4] = { 1, 2, 4, 4 };

/* Descriptor of a one-byte-map instruction whose 8-bit form is opcode - 1
 * (the classic "w" bit). */
static inline uint32_t op_sz(wsbx_x64_size sz, unsigned opcode)
{
        return sz_enc[sz] | ENC(0, MAP_1B, opcode - (sz == X64_8));
}

/* ------------------------------------------------------------------------ */
/* Integer instructions                                                     */
/* ------------------------------------------------------------------------ */

void x64_alu_rr(wsbx_asm *a, wsbx_x64_alu op, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src)
{
        bool force = sz == X64_8 && (byte_needs_rex(dst) || byte_needs_rex(src));
        uint8_t *p = begin(a);
        end(a, enc_rr(p, op_sz(sz, op << 3 | 1), src, dst, force));
}

void x64_alu_ri(wsbx_asm *a, wsbx_x64_alu op, wsbx_x64_size sz, wsbx_gpr dst, int32_t imm)
{
        uint8_t *p = begin(a);
        unsigned len = imm_len[sz];
        if (sz != X64_8 && is_imm8(imm)) {
                p = enc_rr(p, sz_enc[sz] | ENC(0, MAP_1B, 0x83), op, dst, false);
                len = 1;
        } else if (dst == X64_RAX) {
                p = put_op(p, op_sz(sz, op << 3 | 5), 0, false);
        } else {
                p = enc_rr(p, op_sz(sz, 0x81), op, dst, sz == X64_8 && byte_needs_rex(dst));
        }
        end(a, put_imm(p, imm, len));
}

void x64_alu_rm(wsbx_asm *a, wsbx_x64_alu op, wsbx_x64_size sz, wsbx_gpr dst, wsbx_x64_mem src)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, op_sz(sz, op << 3 | 3), dst, src, 0,
                      sz == X64_8 && byte_needs_rex(dst)));
}

void x64_alu_mr(wsbx_asm *a, wsbx_x64_alu op, wsbx_x64_size sz, wsbx_x64_mem dst, wsbx_gpr src)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, op_sz(sz, op << 3 | 1), src, dst, 0,
                      sz == X64_8 && byte_needs_rex(src)));
}

void x64_alu_mi(wsbx_asm *a, wsbx_x64_alu op, wsbx_x64_size sz, wsbx_x64_mem dst, int32_t imm)
{
        uint8_t *p = begin(a);
        unsigned len = imm_len[sz];
        uint32_t enc = op_sz(sz, 0x81);
        if (sz != X64_8 && is_imm8(imm)) {
                enc = sz_enc[sz] | ENC(0, MAP_1B, 0x83);
                len = 1;
        }
        p = enc_rm(a, p, enc, op, dst, len, false);
        end(a, put_imm(p, imm, len));
}

void x64_test_rr(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr r1, wsbx_gpr r2)
{
        bool force = sz == X64_8 && (byte_needs_rex(r1) || byte_needs_rex(r2));
        uint8_t *p = begin(a);
        end(a, enc_rr(p, op_sz(sz, 0x85), r2, r1, force));
}

void x64_test_ri(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr r, int32_t imm)
{
        uint8_t *p = begin(a);
        if (r == X64_RAX)
                p = put_op(p, op_sz(sz, 0xa9), 0, false);
        else
                p = enc_rr(p, op_sz(sz, 0xf7), 0, r, sz == X64_8 && byte_needs_rex(r));
        end(a, put_imm(p, imm, imm_len[sz]));
}

void x64_test_rm(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr r, wsbx_x64_mem m)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, op_sz(sz, 0x85), r, m, 0, sz == X64_8 && byte_needs_rex(r)));
}

void x64_test_mi(wsbx_asm *a, wsbx_x64_size sz, wsbx_x64_mem m, int32_t imm)
{
        uint8_t *p = begin(a);
        p = enc_rm(a, p, op_sz(sz, 0xf7), 0, m, imm_len[sz], false);
        end(a, put_imm(p, imm, imm_len[sz]));
}

void x64_mov_rr(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src)
{
        bool force = sz == X64_8 && (byte_needs_rex(dst) || byte_needs_rex(src));
        uint8_t *p = begin(a);
        end(a, enc_rr(p, op_sz(sz, 0x89), src, dst, force));
}

void x64_mov_ri(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, uint64_t imm)
{
        uint8_t *p = begin(a);
        unsigned low = dst & 7, rxb = dst >> 3 & 1;

        if (sz == X64_64 && imm > UINT32_MAX) {
                if ((int64_t)imm == (int32_t)imm) {
                        p = enc_rr(p, ENC_W | ENC(0, MAP_1B, 0xc7), 0, dst, false);
                        p = put32(p, (uint32_t)imm);
                } else {
                        p = put_op(p, ENC_W | ENC(0, MAP_1B, 0xb8 + low), rxb, false);
                        memcpy(p, &imm, 8);
                        p += 8;
                }
        } else if (sz == X64_8) {
                p = put_op(p, ENC(0, MAP_1B, 0xb0 + low), rxb, byte_needs_rex(dst));
                *p++ = (uint8_t)imm;
        } else {
                /* 32-bit mov clears the upper half, so it serves X64_64. */
                p = put_op(p, (sz == X64_16 ? PP_66 : 0) | ENC(0, MAP_1B, 0xb8 + low), rxb, false);
                p = put_imm(p, (int32_t)imm, sz == X64_16 ? 2 : 4);
        }
        end(a, p);
}

void x64_mov_rm(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, wsbx_x64_mem src)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, op_sz(sz, 0x8b), dst, src, 0, sz == X64_8 && byte_needs_rex(dst)));
}

void x64_mov_mr(wsbx_asm *a, wsbx_x64_size sz, wsbx_x64_mem dst, wsbx_gpr src)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, op_sz(sz, 0x89), src, dst, 0, sz == X64_8 && byte_needs_rex(src)));
}

void x64_mov_mi(wsbx_asm *a, wsbx_x64_size sz, wsbx_x64_mem dst, int32_t imm)
{
        uint8_t *p = begin(a);
        p = enc_rm(a, p, op_sz(sz, 0xc7), 0, dst, imm_len[sz], false);
        end(a, put_imm(p, imm, imm_len[sz]));
}

static const struct {
        uint32_t enc;
        bool byte_src;
} ext_tab[] = {
        [X64_ZX8] = { ENC(0, MAP_0F, 0xb6), true },
        [X64_SX8_32] = { ENC(0, MAP_0F, 0xbe), true },
        [X64_SX8_64] = { ENC_W | ENC(0, MAP_0F, 0xbe), true },
        [X64_ZX16] = { ENC(0, MAP_0F, 0xb7), false },
        [X64_SX16_32] = { ENC(0, MAP_0F, 0xbf), false },
        [X64_SX16_64] = { ENC_W | ENC(0, MAP_0F, 0xbf), false },
        [X64_ZX32] = { ENC(0, MAP_1B, 0x8b), false },
        [X64_SX32_64] = { ENC_W | ENC(0, MAP_1B, 0x63), false },
        [X64_MOV64] = { ENC_W | ENC(0, MAP_1B, 0x8b), false },
};

void x64_load(wsbx_asm *a, wsbx_x64_ext kind, wsbx_gpr dst, wsbx_x64_mem src)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, ext_tab[kind].enc, dst, src, 0, false));
}

void x64_extend(wsbx_asm *a, wsbx_x64_ext kind, wsbx_gpr dst, wsbx_gpr src)
{
        bool force = ext_tab[kind].byte_src && byte_needs_rex(src);
        uint8_t *p = begin(a);
        end(a, enc_rr(p, ext_tab[kind].enc, dst, src, force));
}

void x64_lea(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, wsbx_x64_mem m)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, sz_enc[sz] | ENC(0, MAP_1B, 0x8d), dst, m, 0, false));
}

void x64_lea_label(wsbx_asm *a, wsbx_gpr dst, wsbx_label l)
{
        x64_lea(a, X64_64, dst, x64_mem_label(l, 0));
}

void x64_imul_rr(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src)
{
        uint8_t *p = begin(a);
        end(a, enc_rr(p, sz_enc[sz] | ENC(0, MAP_0F, 0xaf), dst, src, false));
}

void x64_imul_rm(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, wsbx_x64_mem src)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, sz_enc[sz] | ENC(0, MAP_0F, 0xaf), dst, src, 0, false));
}

void x64_imul_rri(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src, int32_t imm)
{
        uint8_t *p = begin(a);
        bool short_form = is_imm8(imm);
        p = enc_rr(p, sz_enc[sz] | ENC(0, MAP_1B, short_form ? 0x6b : 0x69), dst, src, false);
        end(a, put_imm(p, imm, short_form ? 1 : imm_len[sz]));
}

void x64_unop_r(wsbx_asm *a, wsbx_x64_unop op, wsbx_x64_size sz, wsbx_gpr r)
{
        uint8_t *p = begin(a);
        end(a, enc_rr(p, op_sz(sz, 0xf7), op, r, sz == X64_8 && byte_needs_rex(r)));
}

void x64_unop_m(wsbx_asm *a, wsbx_x64_unop op, wsbx_x64_size sz, wsbx_x64_mem m)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, op_sz(sz, 0xf7), op, m, 0, false));
}

void x64_cdq(wsbx_asm *a, wsbx_x64_size sz)
{
        uint8_t *p = begin(a);
        end(a, put_op(p, sz_enc[sz] | ENC(0, MAP_1B, 0x99), 0, false));
}

void x64_shift_cl(wsbx_asm *a, wsbx_x64_shift op, wsbx_x64_size sz, wsbx_gpr r)
{
        uint8_t *p = begin(a);
        end(a, enc_rr(p, op_sz(sz, 0xd3), op, r, sz == X64_8 && byte_needs_rex(r)));
}

void x64_shift_ri(wsbx_asm *a, wsbx_x64_shift op, wsbx_x64_size sz, wsbx_gpr r, uint8_t imm)
{
        uint8_t *p = begin(a);
        bool one = imm == 1;
        p = enc_rr(p, op_sz(sz, one ? 0xd1 : 0xc1), op, r, sz == X64_8 && byte_needs_rex(r));
        *p = imm;
        end(a, p + !one);
}

static const uint32_t bitop_enc[] = {
        [X64_LZCNT] = ENC(PP_F3, MAP_0F, 0xbd),
        [X64_TZCNT] = ENC(PP_F3, MAP_0F, 0xbc),
        [X64_POPCNT] = ENC(PP_F3, MAP_0F, 0xb8),
        [X64_BSR] = ENC(PP_NP, MAP_0F, 0xbd),
        [X64_BSF] = ENC(PP_NP, MAP_0F, 0xbc),
};

void x64_bitop_rr(wsbx_asm *a, wsbx_x64_bitop op, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src)
{
        uint8_t *p = begin(a);
        end(a, enc_rr(p, bitop_enc[op] | (sz == X64_64 ? ENC_W : 0), dst, src, false));
}

void x64_bitop_rm(wsbx_asm *a, wsbx_x64_bitop op, wsbx_x64_size sz, wsbx_gpr dst, wsbx_x64_mem src)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, bitop_enc[op] | (sz == X64_64 ? ENC_W : 0), dst, src, 0, false));
}

void x64_bswap(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr r)
{
        uint8_t *p = begin(a);
        end(a, put_op(p, (sz == X64_64 ? ENC_W : 0) | ENC(0, MAP_0F, 0xc8 + (r & 7)), r >> 3 & 1,
                      false));
}

void x64_xchg_rr(wsbx_asm *a, wsbx_x64_size sz, wsbx_gpr r1, wsbx_gpr r2)
{
        bool force = sz == X64_8 && (byte_needs_rex(r1) || byte_needs_rex(r2));
        uint8_t *p = begin(a);
        end(a, enc_rr(p, op_sz(sz, 0x87), r2, r1, force));
}

void x64_xchg_mr(wsbx_asm *a, wsbx_x64_size sz, wsbx_x64_mem m, wsbx_gpr r)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, op_sz(sz, 0x87), r, m, 0, sz == X64_8 && byte_needs_rex(r)));
}

void x64_setcc(wsbx_asm *a, wsbx_x64_cc cc, wsbx_gpr r)
{
        uint8_t *p = begin(a);
        end(a, enc_rr(p, ENC(0, MAP_0F, 0x90 + cc), 0, r, byte_needs_rex(r)));
}

void x64_setcc_zx(wsbx_asm *a, wsbx_x64_cc cc, wsbx_gpr r)
{
        uint8_t *p = begin(a);
        p = enc_rr(p, ENC(0, MAP_0F, 0x90 + cc), 0, r, byte_needs_rex(r));
        end(a, enc_rr(p, ENC(0, MAP_0F, 0xb6), r, r, byte_needs_rex(r)));
}

void x64_cmov_rr(wsbx_asm *a, wsbx_x64_cc cc, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src)
{
        uint8_t *p = begin(a);
        end(a, enc_rr(p, sz_enc[sz] | ENC(0, MAP_0F, 0x40 + cc), dst, src, false));
}

void x64_cmov_rm(wsbx_asm *a, wsbx_x64_cc cc, wsbx_x64_size sz, wsbx_gpr dst, wsbx_x64_mem src)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, sz_enc[sz] | ENC(0, MAP_0F, 0x40 + cc), dst, src, 0, false));
}

void x64_push(wsbx_asm *a, wsbx_gpr r)
{
        uint8_t *p = begin(a);
        end(a, put_op(p, ENC(0, MAP_1B, 0x50 + (r & 7)), r >> 3 & 1, false));
}

void x64_pop(wsbx_asm *a, wsbx_gpr r)
{
        uint8_t *p = begin(a);
        end(a, put_op(p, ENC(0, MAP_1B, 0x58 + (r & 7)), r >> 3 & 1, false));
}

void x64_push_i(wsbx_asm *a, int32_t imm)
{
        uint8_t *p = begin(a);
        bool short_form = is_imm8(imm);
        *p++ = short_form ? 0x6a : 0x68;
        end(a, put_imm(p, imm, short_form ? 1 : 4));
}

/* ------------------------------------------------------------------------ */
/* Control flow                                                             */
/* ------------------------------------------------------------------------ */

/* The rel8 displacement to a bound label from an instruction of two bytes
 * at p, or a value outside int8 when there is none. */
static inline int32_t short_disp(const wsbx_asm *a, const uint8_t *p, wsbx_label l)
{
        if (l >= a->nlabels || a->labels[l].offset == NONE)
                return INT32_MAX;
        return (int32_t)(a->labels[l].offset - ((uint32_t)(p - a->code) + 2));
}

void x64_jmp(wsbx_asm *a, wsbx_label l)
{
        uint8_t *p = begin(a);
        int32_t d = short_disp(a, p, l);
        if (is_imm8(d)) {
                p[0] = 0xeb;
                p[1] = (uint8_t)d;
                end(a, p + 2);
                return;
        }
        *p++ = 0xe9;
        end(a, put_rel32(a, p, l, 0));
}

void x64_jcc(wsbx_asm *a, wsbx_x64_cc cc, wsbx_label l)
{
        uint8_t *p = begin(a);
        int32_t d = short_disp(a, p, l);
        if (is_imm8(d)) {
                p[0] = (uint8_t)(0x70 + cc);
                p[1] = (uint8_t)d;
                end(a, p + 2);
                return;
        }
        p[0] = 0x0f;
        p[1] = (uint8_t)(0x80 + cc);
        end(a, put_rel32(a, p + 2, l, 0));
}

void x64_call(wsbx_asm *a, wsbx_label l)
{
        uint8_t *p = begin(a);
        *p++ = 0xe8;
        end(a, put_rel32(a, p, l, 0));
}

uint32_t x64_call_rel32(wsbx_asm *a, int32_t rel)
{
        uint8_t *p = begin(a);
        *p++ = 0xe8;
        uint32_t field = (uint32_t)(p - a->code);
        end(a, put32(p, (uint32_t)rel));
        return field;
}

/* Indirect call and jmp default to 64-bit operands: no REX.W. */
void x64_jmp_r(wsbx_asm *a, wsbx_gpr r)
{
        uint8_t *p = begin(a);
        end(a, enc_rr(p, ENC(0, MAP_1B, 0xff), 4, r, false));
}

void x64_jmp_m(wsbx_asm *a, wsbx_x64_mem m)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, ENC(0, MAP_1B, 0xff), 4, m, 0, false));
}

void x64_call_r(wsbx_asm *a, wsbx_gpr r)
{
        uint8_t *p = begin(a);
        end(a, enc_rr(p, ENC(0, MAP_1B, 0xff), 2, r, false));
}

void x64_call_m(wsbx_asm *a, wsbx_x64_mem m)
{
        uint8_t *p = begin(a);
        end(a, enc_rm(a, p, ENC(0, MAP_1B, 0xff), 2, m, 0, false));
}

static void put_fixed(wsbx_asm *a, const uint8_t *bytes, unsigned n)
{
        uint8_t *p = begin(a);
        memcpy(p, bytes, n);
        end(a, p + n);
}

void x64_ret(wsbx_asm *a)
{
        put_fixed(a, (const uint8_t[]){ 0xc3 }, 1);
}

void x64_ud2(wsbx_asm *a)
{
        put_fixed(a, (const uint8_t[]){ 0x0f, 0x0b }, 2);
}

void x64_int3(wsbx_asm *a)
{
        put_fixed(a, (const uint8_t[]){ 0xcc }, 1);
}

void x64_mfence(wsbx_asm *a)
{
        put_fixed(a, (const uint8_t[]){ 0x0f, 0xae, 0xf0 }, 3);
}

void x64_lfence(wsbx_asm *a)
{
        put_fixed(a, (const uint8_t[]){ 0x0f, 0xae, 0xe8 }, 3);
}

/* The multi-byte nops the Intel and AMD optimization manuals recommend. */
static const uint8_t nops[9][9] = {
        { 0x90 },
        { 0x66, 0x90 },
        { 0x0f, 0x1f, 0x00 },
        { 0x0f, 0x1f, 0x40, 0x00 },
        { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
        { 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

void x64_nop(wsbx_asm *a, uint32_t n)
{
        while (n) {
                unsigned k = n < 9 ? n : 9;
                put_fixed(a, nops[k - 1], k);
                n -= k;
        }
}

void wsbx_asm_align(wsbx_asm *a, uint32_t align)
{
        if (align == 0 || align > 4096 || (align & (align - 1))) {
                fail(a, WSBX_ERR_INVALID);
                return;
        }
        x64_nop(a, -a->len & (align - 1));
}

void x64_jump_table(wsbx_asm *a, wsbx_gpr index, wsbx_gpr tmp, wsbx_label table)
{
        x64_lea_label(a, tmp, table);
        x64_load(a, X64_SX32_64, index, x64_mem_idx(tmp, index, 4, 0));
        x64_alu_rr(a, X64_ADD, X64_64, tmp, index);
        x64_jmp_r(a, tmp);
}

/* ------------------------------------------------------------------------ */
/* SSE and AVX                                                              */
/* ------------------------------------------------------------------------ */

enum { F_MR = 1, F_W = 2, F_I = 4, F_VEXONLY = 8 };
enum { VN = 0, V3 = 1, V2 = 2, VM = 4 };
enum { EXT_0, EXT_1, EXT_2, EXT_3, EXT_4, EXT_5, EXT_6, EXT_7, EXT_R };
#define FEAT_SSE2 0u
#define FEAT_SSE3 X64_FEAT_SSE3
#define FEAT_SSSE3 X64_FEAT_SSSE3
#define FEAT_SSE41 X64_FEAT_SSE41
#define FEAT_SSE42 X64_FEAT_SSE42
#define FEAT_AVX X64_FEAT_AVX
#define FEAT_AVX2 (X64_FEAT_AVX | X64_FEAT_AVX2)

struct sse_row {
        uint32_t enc;
        uint8_t ext;   /* EXT_R or the ModRM.reg opcode extension */
        uint8_t flags;
        uint8_t vex;   /* V3, V2, VM or VN */
        uint16_t feat;
};

static const struct sse_row sse_rows[X64_SSE_COUNT] = {
#define SSE(id, pp, map, op, ext, ops, vex, flags, feat)                                      \
        [X64_##id] = { ENC(PP_##pp, MAP_##map, op) | (((flags) & F_W) ? ENC_W : 0), EXT_##ext, \
                       (flags), vex, FEAT_##feat },
#include "sse.def"
#undef SSE
};

uint32_t x64_sse_features(wsbx_x64_sse op)
{
        const struct sse_row *s = &sse_rows[op];
        return s->flags & F_VEXONLY ? UINT32_MAX : s->feat;
}

uint32_t x64_avx_features(wsbx_x64_sse op)
{
        const struct sse_row *s = &sse_rows[op];
        if (s->vex == VN)
                return UINT32_MAX;
        return X64_FEAT_AVX | (s->feat & X64_FEAT_AVX2);
}

/* An immediate byte when the row takes one. */
static inline uint8_t *put_sse_imm(uint8_t *p, const struct sse_row *s, uint8_t imm)
{
        *p = imm;
        return p + ((s->flags & F_I) != 0);
}

static inline const struct sse_row *legacy_row(wsbx_asm *a, wsbx_x64_sse op)
{
        const struct sse_row *s = &sse_rows[op];
        if (s->flags & F_VEXONLY)
                fail(a, WSBX_ERR_INVALID);
        return s;
}

/* `forms` are the vex-column values the calling function can encode. */
static inline const struct sse_row *vex_row(wsbx_asm *a, wsbx_x64_sse op, unsigned forms)
{
        const struct sse_row *s = &sse_rows[op];
        if (!(s->vex & forms))
                fail(a, WSBX_ERR_INVALID);
        return s;
}

void x64_sse_rri(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src, uint8_t imm)
{
        const struct sse_row *s = legacy_row(a, op);
        unsigned reg = dst, rm = src;
        if (s->flags & F_MR) {
                reg = src;
                rm = dst;
        }
        if (s->ext != EXT_R) {
                reg = s->ext;
                rm = dst;
        }
        uint8_t *p = begin(a);
        p = enc_rr(p, s->enc, reg, rm, false);
        end(a, put_sse_imm(p, s, imm));
}

void x64_sse_rmi(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, wsbx_x64_mem src, uint8_t imm)
{
        const struct sse_row *s = legacy_row(a, op);
        uint8_t *p = begin(a);
        p = enc_rm(a, p, s->enc, dst, src, (s->flags & F_I) != 0, false);
        end(a, put_sse_imm(p, s, imm));
}

void x64_sse_mri(wsbx_asm *a, wsbx_x64_sse op, wsbx_x64_mem dst, unsigned src, uint8_t imm)
{
        const struct sse_row *s = legacy_row(a, op);
        uint8_t *p = begin(a);
        p = enc_rm(a, p, s->enc, src, dst, (s->flags & F_I) != 0, false);
        end(a, put_sse_imm(p, s, imm));
}

static inline uint8_t *vex_rr(uint8_t *p, const struct sse_row *s, unsigned reg, unsigned vvvv,
                              unsigned rm, uint8_t imm)
{
        p = put_vex(p, s->enc, rxb_rr(reg, rm), vvvv);
        p = put_modrm_rr(p, reg, rm);
        return put_sse_imm(p, s, imm);
}

static inline uint8_t *vex_rm(wsbx_asm *a, uint8_t *p, const struct sse_row *s, unsigned reg,
                              unsigned vvvv, wsbx_x64_mem m, uint8_t imm)
{
        unsigned immlen = (s->flags & F_I) != 0;
        p = put_vex(p, s->enc, rxb_rm(reg, m), vvvv);
        p = put_mem(a, p, reg, m, immlen);
        return put_sse_imm(p, s, imm);
}

void x64_avx_rrri(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src1, unsigned src2,
                  uint8_t imm)
{
        const struct sse_row *s = vex_row(a, op, V3 | VM);
        unsigned reg = dst, rm = src2;
        if (s->flags & F_MR) {
                reg = src2;
                rm = dst;
        }
        uint8_t *p = begin(a);
        end(a, vex_rr(p, s, reg, src1, rm, imm));
}

void x64_avx_rri(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src, uint8_t imm)
{
        const struct sse_row *s = vex_row(a, op, V2);
        unsigned reg = dst, vvvv = 0, rm = src;
        if (s->flags & F_MR) {
                reg = src;
                rm = dst;
        }
        if (s->ext != EXT_R) {
                reg = s->ext;
                vvvv = dst;
        }
        uint8_t *p = begin(a);
        end(a, vex_rr(p, s, reg, vvvv, rm, imm));
}

void x64_avx_rrmi(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, unsigned src1, wsbx_x64_mem src2,
                  uint8_t imm)
{
        const struct sse_row *s = vex_row(a, op, V3);
        uint8_t *p = begin(a);
        end(a, vex_rm(a, p, s, dst, src1, src2, imm));
}

void x64_avx_rmi(wsbx_asm *a, wsbx_x64_sse op, unsigned dst, wsbx_x64_mem src, uint8_t imm)
{
        const struct sse_row *s = vex_row(a, op, V2 | VM);
        uint8_t *p = begin(a);
        end(a, vex_rm(a, p, s, dst, 0, src, imm));
}

void x64_avx_mri(wsbx_asm *a, wsbx_x64_sse op, wsbx_x64_mem dst, unsigned src, uint8_t imm)
{
        const struct sse_row *s = vex_row(a, op, V2 | VM);
        uint8_t *p = begin(a);
        end(a, vex_rm(a, p, s, src, 0, dst, imm));
}

/* ------------------------------------------------------------------------ */
/* BMI                                                                      */
/* ------------------------------------------------------------------------ */

static const struct {
        uint32_t enc;
        bool count_in_vvvv; /* shifts: vvvv is the count, rm the value */
} bmi_tab[] = {
        [X64_SHLX] = { ENC(PP_66, MAP_0F38, 0xf7), true },
        [X64_SHRX] = { ENC(PP_F2, MAP_0F38, 0xf7), true },
        [X64_SARX] = { ENC(PP_F3, MAP_0F38, 0xf7), true },
        [X64_ANDN] = { ENC(PP_NP, MAP_0F38, 0xf2), false },
};

void x64_bmi_rrr(wsbx_asm *a, wsbx_x64_bmi op, wsbx_x64_size sz, wsbx_gpr dst, wsbx_gpr src1,
                 wsbx_gpr src2)
{
        uint32_t enc = bmi_tab[op].enc | (sz == X64_64 ? ENC_W : 0);
        unsigned vvvv = src1, rm = src2;
        if (bmi_tab[op].count_in_vvvv) {
                vvvv = src2;
                rm = src1;
        }
        uint8_t *p = begin(a);
        p = put_vex(p, enc, rxb_rr(dst, rm), vvvv);
        end(a, put_modrm_rr(p, dst, rm));
}

/* ------------------------------------------------------------------------ */
/* CPU features                                                             */
/* ------------------------------------------------------------------------ */

static uint32_t cpu_features_uncached(void)
{
        uint32_t f = 0;
#ifdef __x86_64__
        unsigned eax, ebx, ecx, edx;
        if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
                return 0;
        f |= ecx & bit_SSE3 ? X64_FEAT_SSE3 : 0;
        f |= ecx & bit_SSSE3 ? X64_FEAT_SSSE3 : 0;
        f |= ecx & bit_SSE4_1 ? X64_FEAT_SSE41 : 0;
        f |= ecx & bit_SSE4_2 ? X64_FEAT_SSE42 : 0;
        f |= ecx & bit_POPCNT ? X64_FEAT_POPCNT : 0;
        f |= ecx & bit_MOVBE ? X64_FEAT_MOVBE : 0;

        /* AVX needs the CPU, the OS saving YMM state (OSXSAVE, then XCR0
         * bits 1 and 2: SSE and AVX state) - else VEX code faults. */
        bool avx = false;
        if ((ecx & bit_OSXSAVE) && (ecx & bit_AVX)) {
                uint32_t lo, hi;
                __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
                avx = (lo & 6) == 6;
        }
        f |= avx ? X64_FEAT_AVX : 0;
        f |= avx && (ecx & bit_FMA) ? X64_FEAT_FMA : 0;

        if (__get_cpuid_max(0, NULL) >= 7) {
                __cpuid_count(7, 0, eax, ebx, ecx, edx);
                /* BMI instructions use VEX on general registers only, so
                 * they need no OS support for YMM state. */
                f |= ebx & bit_BMI ? X64_FEAT_BMI1 : 0;
                f |= ebx & bit_BMI2 ? X64_FEAT_BMI2 : 0;
                f |= avx && (ebx & bit_AVX2) ? X64_FEAT_AVX2 : 0;
        }
        if (__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx))
                f |= ecx & bit_LZCNT ? X64_FEAT_LZCNT : 0;
#endif
        return f;
}

/* cpuid traps to the hypervisor in a VM and costs microseconds, which
 * dominated compiling small modules; the answer never changes while the
 * process runs, so it is computed once. */
static uint32_t cpu_features_cached;
static pthread_once_t cpu_features_once = PTHREAD_ONCE_INIT;

static void cpu_features_init(void)
{
        cpu_features_cached = cpu_features_uncached();
}

uint32_t wsbx_x64_cpu_features(void)
{
        pthread_once(&cpu_features_once, cpu_features_init);
        return cpu_features_cached;
}
