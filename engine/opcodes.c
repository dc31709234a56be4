/* opcodes.c - the instruction and signature tables, expanded from
 * opcodes.def and sigs.def, plus lookup by byte and by text name.
 *
 * The by-byte tables are built at compile time with designated
 * initializers; every slot not named by opcodes.def must read
 * WSBX_OP_INVALID, so the tables start from a range initializer that the
 * entries then override (GCC/Clang allow the override; -Woverride-init is
 * disabled for this file only in meson.build).
 */
#include "internal.h"

const wsbx_opinfo wsbx_ops[WSBX_OP_COUNT] = {
#define OP(id, name, prefix, code, imm, sig, arg) \
        [WSBX_OP_##id] = {name, prefix, code, WSBX_IMM_##imm, WSBX_SIG_##sig, arg},
#include "opcodes.def"
#undef OP
};

const wsbx_siginfo wsbx_sigs[WSBX_SIG_COUNT] = {
#define SIG(id, np, p0, p1, p2, nr, r0) [WSBX_SIG_##id] = {np, nr, {p0, p1, p2}, r0},
#include "sigs.def"
#undef SIG
};

const uint16_t wsbx_op_by_byte[256] = {
        [0 ... 255] = WSBX_OP_INVALID,
#define OP(id, name, prefix, code, imm, sig, arg) [prefix == 0 ? code : 0x0b] = prefix == 0 ? WSBX_OP_##id : WSBX_OP_end,
#include "opcodes.def"
#undef OP
};

const uint16_t wsbx_op_by_fc[32] = {
        [0 ... 31] = WSBX_OP_INVALID,
#define OP(id, name, prefix, code, imm, sig, arg) [prefix == 0xfc ? code : 31] = prefix == 0xfc ? WSBX_OP_##id : WSBX_OP_INVALID,
#include "opcodes.def"
#undef OP
};

const uint16_t wsbx_op_by_fd[256] = {
        [0 ... 255] = WSBX_OP_INVALID,
#define OP(id, name, prefix, code, imm, sig, arg) [prefix == 0xfd ? code : 0xff] = prefix == 0xfd ? WSBX_OP_##id : WSBX_OP_f64x2_convert_low_i32x4_u,
#include "opcodes.def"
#undef OP
};

/* Text names, sorted once at compile time would need a generator; instead
 * a binary search runs over this index, which is sorted by the first call
 * through a thread-safe once-initializer. The table is immutable after. */
#include <pthread.h>
#include <stdlib.h>

static uint16_t by_name[WSBX_OP_COUNT];
static pthread_once_t by_name_once = PTHREAD_ONCE_INIT;

static int cmp_name(const void *a, const void *b)
{
        const wsbx_opinfo *x = &wsbx_ops[*(const uint16_t *)a];
        const wsbx_opinfo *y = &wsbx_ops[*(const uint16_t *)b];
        int c = strcmp(x->name, y->name);
        if (c)
                return c;
        /* "select" appears twice: the plain form sorts first. */
        return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static void build_by_name(void)
{
        for (unsigned i = 0; i < WSBX_OP_COUNT; i++)
                by_name[i] = (uint16_t)i;
        qsort(by_name, WSBX_OP_COUNT, sizeof by_name[0], cmp_name);
}

wsbx_opcode wsbx_op_by_name(const char *name, size_t len)
{
        pthread_once(&by_name_once, build_by_name);
        size_t lo = 0, hi = WSBX_OP_COUNT;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                const char *n = wsbx_ops[by_name[mid]].name;
                size_t nl = strlen(n);
                int c = memcmp(n, name, nl < len ? nl : len);
                if (c == 0)
                        c = nl < len ? -1 : nl > len ? 1 : 0;
                if (c == 0) {
                        /* Return the first of equal names. */
                        while (mid > 0 && strcmp(wsbx_ops[by_name[mid - 1]].name, n) == 0)
                                mid--;
                        return (wsbx_opcode)by_name[mid];
                }
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return WSBX_OP_INVALID;
}
