/* text_num.c - numeric literals of the text format.
 *
 * One scanner checks a literal against the spec's grammar (sign, decimal
 * or 0x hex digits with single underscores only between digits, fraction,
 * exponent, inf, nan, nan:0x payload) and splits it into its parts; the
 * lexer uses it to decide whether a token is a NUMBER, and the converters
 * below use it again before turning the text into bits.
 *
 * Integers accept the union of the signed and unsigned ranges of their
 * width, as iN does in the spec: an unsigned literal up to 2^N-1, a
 * literal with '+' up to 2^(N-1)-1, with '-' down to -2^(N-1).
 *
 * Floats are rounded exactly once, straight to the target width: glibc's
 * strtof/strtod round correctly (hex literals included), and f32 never
 * goes through double, which could round twice. A finite literal that
 * rounds to infinity is "constant out of range", as is a NaN payload that
 * is zero or wider than the mantissa.
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

typedef enum special {
        NUM_FINITE,
        NUM_INF,
        NUM_NAN,
} special;

typedef struct numparts {
        wsbx_numclass cls;
        bool neg, has_sign;
        bool hex;
        special sp;
        const char *payload; /* hex digits of nan:0x..., or NULL */
        size_t payload_len;
        const char *digits;  /* integer digits (after 0x for hex) */
        size_t digits_len;
} numparts;

static bool is_digit(char c, bool hex)
{
        return hex ? isxdigit((unsigned char)c) != 0 : (c >= '0' && c <= '9');
}

/* digit ('_'? digit)*, advancing *i; false if there is not one digit. */
static bool scan_digits(const char *s, size_t len, size_t *i, bool hex)
{
        size_t start = *i;
        while (*i < len) {
                if (is_digit(s[*i], hex)) {
                        (*i)++;
                } else if (s[*i] == '_' && *i > start && *i + 1 < len && is_digit(s[*i + 1], hex)) {
                        (*i)++;
                } else {
                        break;
                }
        }
        return *i > start;
}

static bool has_prefix(const char *s, size_t len, const char *pre)
{
        size_t n = strlen(pre);
        return len >= n && memcmp(s, pre, n) == 0;
}

static bool scan(const char *s, size_t len, numparts *np)
{
        memset(np, 0, sizeof *np);
        size_t i = 0;
        if (len && (s[0] == '+' || s[0] == '-')) {
                np->has_sign = true;
                np->neg = s[0] == '-';
                i = 1;
        }
        const char *r = s + i;
        size_t rl = len - i;
        if (rl == 3 && memcmp(r, "inf", 3) == 0) {
                np->sp = NUM_INF;
                np->cls = WSBX_NUM_FLOAT;
                return true;
        }
        if (rl == 3 && memcmp(r, "nan", 3) == 0) {
                np->sp = NUM_NAN;
                np->cls = WSBX_NUM_FLOAT;
                return true;
        }
        if (has_prefix(r, rl, "nan:0x")) {
                i += 6;
                size_t st = i;
                if (!scan_digits(s, len, &i, true) || i != len)
                        return false;
                np->sp = NUM_NAN;
                np->payload = s + st;
                np->payload_len = len - st;
                np->cls = WSBX_NUM_FLOAT;
                return true;
        }
        bool hex = has_prefix(r, rl, "0x");
        if (hex)
                i += 2;
        np->hex = hex;
        np->digits = s + i;
        if (!scan_digits(s, len, &i, hex))
                return false;
        np->digits_len = (size_t)(s + i - np->digits);
        bool isfloat = false;
        if (i < len && s[i] == '.') {
                isfloat = true;
                i++;
                if (i < len && is_digit(s[i], hex))
                        scan_digits(s, len, &i, hex);
        }
        if (i < len && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
                isfloat = true;
                i++;
                if (i < len && (s[i] == '+' || s[i] == '-'))
                        i++;
                if (!scan_digits(s, len, &i, false))
                        return false;
        }
        if (i != len)
                return false;
        np->cls = isfloat ? WSBX_NUM_FLOAT : np->has_sign ? WSBX_NUM_INT : WSBX_NUM_NAT;
        return true;
}

wsbx_numclass wsbx_text_numclass(const char *s, size_t len)
{
        numparts np;
        if (!scan(s, len, &np))
                return WSBX_NUM_NONE;
        return np.cls;
}

/* Value of a digit run with underscores; false on overflow of 64 bits. */
static bool digits_value(const char *s, size_t len, bool hex, uint64_t *out)
{
        uint64_t v = 0;
        unsigned base = hex ? 16 : 10;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == '_')
                        continue;
                unsigned d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
                if (v > (UINT64_MAX - d) / base)
                        return false;
                v = v * base + d;
        }
        *out = v;
        return true;
}

/* The reference interpreter's lexer turns a would-be number that breaks
 * the grammar (0x, 1x, nan:1, _100) into an unknown token, which it
 * reports as "unknown operator"; a well-formed token of the wrong kind is
 * "unexpected token". */
static wsbx_errkind not_a_number(const wsbx_token *tok, wsbx_error *err)
{
        bool bad_literal = tok->kind == WSBX_TOK_RESERVED;
        if (tok->kind == WSBX_TOK_KEYWORD && (has_prefix(tok->start, tok->len, "nan") ||
                                              has_prefix(tok->start, tok->len, "inf"))) {
                bool known = (tok->len == 13 && memcmp(tok->start, "nan:canonical", 13) == 0) ||
                             (tok->len == 14 && memcmp(tok->start, "nan:arithmetic", 14) == 0);
                bad_literal = !known;
        }
        return wsbx_text_error(err, tok, bad_literal ? "unknown operator" : "unexpected token");
}

wsbx_errkind wsbx_text_int(const wsbx_token *tok, unsigned bits, uint64_t *out, wsbx_error *err)
{
        numparts np;
        if (tok->kind != WSBX_TOK_NUMBER || !scan(tok->start, tok->len, &np) ||
            (np.cls != WSBX_NUM_NAT && np.cls != WSBX_NUM_INT))
                return not_a_number(tok, err);
        uint64_t mag;
        uint64_t umax = bits >= 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
        uint64_t smax = umax >> 1;
        if (!digits_value(np.digits, np.digits_len, np.hex, &mag))
                return wsbx_text_error(err, tok, "constant out of range");
        if (np.neg ? mag > smax + 1 : np.has_sign ? mag > smax : mag > umax)
                return wsbx_text_error(err, tok, "constant out of range");
        *out = (np.neg ? (uint64_t)0 - mag : mag) & umax;
        return WSBX_OK;
}

wsbx_errkind wsbx_text_nat(const wsbx_token *tok, uint64_t max, uint64_t *out, wsbx_error *err)
{
        numparts np;
        if (tok->kind != WSBX_TOK_NUMBER || !scan(tok->start, tok->len, &np) || np.cls != WSBX_NUM_NAT)
                return not_a_number(tok, err);
        uint64_t v;
        if (!digits_value(np.digits, np.digits_len, np.hex, &v) || v > max)
                return wsbx_text_error(err, tok, "constant out of range");
        *out = v;
        return WSBX_OK;
}

/* Copies the literal without underscores (and with "inf"/"nan" handled by
 * the caller) into a NUL-terminated buffer for strtof/strtod. Small
 * literals use `small`; long ones a heap copy the caller frees. */
static char *strip(const wsbx_token *tok, char *small, size_t small_size)
{
        char *buf = tok->len < small_size ? small : malloc(tok->len + 1);
        if (!buf)
                return NULL;
        size_t n = 0;
        for (size_t i = 0; i < tok->len; i++)
                if (tok->start[i] != '_')
                        buf[n++] = tok->start[i];
        buf[n] = 0;
        return buf;
}

/* Shared by f32 and f64: `mant_bits` is 23 or 52, `exp_mask` the exponent
 * field in place, `sign` the sign bit. */
static wsbx_errkind text_float(const wsbx_token *tok, unsigned mant_bits, uint64_t *bits, wsbx_error *err)
{
        numparts np;
        if (tok->kind != WSBX_TOK_NUMBER || !scan(tok->start, tok->len, &np))
                return not_a_number(tok, err);
        uint64_t sign = (uint64_t)1 << (mant_bits == 23 ? 31 : 63);
        uint64_t exp_mask = (mant_bits == 23 ? (uint64_t)0xff : (uint64_t)0x7ff) << mant_bits;
        uint64_t mant_mask = ((uint64_t)1 << mant_bits) - 1;
        uint64_t s = np.neg ? sign : 0;
        if (np.sp == NUM_INF) {
                *bits = s | exp_mask;
                return WSBX_OK;
        }
        if (np.sp == NUM_NAN) {
                uint64_t payload = (uint64_t)1 << (mant_bits - 1);
                if (np.payload &&
                    (!digits_value(np.payload, np.payload_len, true, &payload) || payload == 0 ||
                     payload > mant_mask))
                        return wsbx_text_error(err, tok, "constant out of range");
                *bits = s | exp_mask | payload;
                return WSBX_OK;
        }
        char small[128];
        char *buf = strip(tok, small, sizeof small);
        if (!buf)
                return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
        char *end;
        bool inf;
        if (mant_bits == 23) {
                float f = strtof(buf, &end);
                uint32_t b;
                memcpy(&b, &f, sizeof b);
                *bits = b;
                inf = isinf(f);
        } else {
                double d = strtod(buf, &end);
                memcpy(bits, &d, sizeof *bits);
                inf = isinf(d);
        }
        bool whole = *end == 0;
        if (buf != small)
                free(buf);
        if (!whole)
                return wsbx_text_error(err, tok, "unexpected token");
        if (inf)
                return wsbx_text_error(err, tok, "constant out of range");
        return WSBX_OK;
}

wsbx_errkind wsbx_text_f32(const wsbx_token *tok, uint32_t *bits, wsbx_error *err)
{
        uint64_t b;
        wsbx_errkind k = text_float(tok, 23, &b, err);
        if (k == WSBX_OK)
                *bits = (uint32_t)b;
        return k;
}

wsbx_errkind wsbx_text_f64(const wsbx_token *tok, uint64_t *bits, wsbx_error *err)
{
        return text_float(tok, 52, bits, err);
}
