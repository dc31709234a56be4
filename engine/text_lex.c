/* text_lex.c - tokens of the WebAssembly text format.
 *
 * The lexer turns UTF-8 source into the token kinds of the spec's text
 * format: parentheses, keywords, identifiers ($name, and $"quoted"),
 * strings, numbers and reserved tokens. Whitespace, line comments (;;),
 * nested block comments ((; ;)) and annotations ((@name ...)) are skipped;
 * annotations are skipped by counting parentheses, never by recursion, so
 * hostile nesting costs nothing but time linear in the input.
 *
 * Invariants: a token's bytes are always inside the source; a STRING token
 * (and the string part of a $"..." identifier) has been checked completely,
 * escapes included, so wsbx_text_string cannot fail on a token the lexer
 * produced. A NUMBER token matches the spec's number grammar exactly (see
 * text_num.c); tokens that start like a number but do not match it are
 * RESERVED, which the parser reports as "unknown operator", as the
 * reference interpreter does.
 *
 * Surprising bits: columns count bytes, not characters (1-based); a lone
 * CR ends a line comment just as LF does; comments may hold any valid
 * UTF-8, control characters included.
 */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>

void wsbx_lexer_init(wsbx_lexer *lx, const char *src, size_t len)
{
        memset(lx, 0, sizeof *lx);
        lx->src = src;
        lx->p = src;
        lx->end = src + len;
        lx->line = 1;
        lx->line_start = src;
}

static bool is_idchar(unsigned char c)
{
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
                return true;
        return c != 0 && strchr("!#$%&'*+-./:<=>?@\\^_`|~", c) != NULL;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is malformed
 * (overlong, surrogate, above U+10FFFF or truncated). */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
        unsigned char c = p[0];
        size_t n;
        uint32_t min, cp;
        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf) {
                n = 2; min = 0x80; cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
                n = 3; min = 0x800; cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
                n = 4; min = 0x10000; cp = c & 0x07;
        } else {
                return 0;
        }
        if ((size_t)(end - p) < n)
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
                return 0;
        return n;
}

bool wsbx_utf8_valid(const uint8_t *p, size_t len)
{
        const uint8_t *end = p + len;
        while (p < end) {
                size_t n = utf8_seq(p, end);
                if (!n)
                        return false;
                p += n;
        }
        return true;
}

static uint32_t col_of(const wsbx_lexer *lx, const char *at)
{
        size_t c = (size_t)(at - lx->line_start) + 1;
        return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

static wsbx_errkind lex_error(wsbx_lexer *lx, const char *at, wsbx_error *err, const char *msg)
{
        wsbx_error_set(err, WSBX_ERR_MALFORMED, SIZE_MAX, "%s", msg);
        if (err) {
                err->line = lx->line;
                err->col = col_of(lx, at);
        }
        return WSBX_ERR_MALFORMED;
}

static void newline(wsbx_lexer *lx, const char *next)
{
        if (lx->line < UINT32_MAX)
                lx->line++;
        lx->line_start = next;
}

/* Steps over one source character of a comment, keeping line counts. */
static wsbx_errkind comment_char(wsbx_lexer *lx, wsbx_error *err)
{
        const unsigned char *p = (const unsigned char *)lx->p;
        if (*p == '\n') {
                lx->p++;
                newline(lx, lx->p);
                return WSBX_OK;
        }
        if (*p == '\r') {
                lx->p++;
                if (lx->p < lx->end && *lx->p == '\n')
                        lx->p++;
                newline(lx, lx->p);
                return WSBX_OK;
        }
        size_t n = utf8_seq(p, (const unsigned char *)lx->end);
        if (!n)
                return lex_error(lx, lx->p, err, "malformed UTF-8 encoding");
        lx->p += n;
        return WSBX_OK;
}

static wsbx_errkind skip_space(wsbx_lexer *lx, wsbx_error *err)
{
        wsbx_errkind k;
        while (lx->p < lx->end) {
                char c = *lx->p;
                if (c == ' ' || c == '\t') {
                        lx->p++;
                } else if (c == '\n' || c == '\r') {
                        if ((k = comment_char(lx, err)))
                                return k;
                } else if (c == ';' && lx->p + 1 < lx->end && lx->p[1] == ';') {
                        lx->p += 2;
                        while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '\r')
                                if ((k = comment_char(lx, err)))
                                        return k;
                } else if (c == '(' && lx->p + 1 < lx->end && lx->p[1] == ';') {
                        const char *open = lx->p;
                        uint32_t open_line = lx->line;
                        const char *open_ls = lx->line_start;
                        size_t depth = 1;
                        lx->p += 2;
                        while (depth) {
                                if (lx->p >= lx->end) {
                                        lx->line = open_line;
                                        lx->line_start = open_ls;
                                        return lex_error(lx, open, err, "unclosed comment");
                                }
                                if (*lx->p == '(' && lx->p + 1 < lx->end && lx->p[1] == ';') {
                                        depth++;
                                        lx->p += 2;
                                } else if (*lx->p == ';' && lx->p + 1 < lx->end && lx->p[1] == ')') {
                                        depth--;
                                        lx->p += 2;
                                } else if ((k = comment_char(lx, err))) {
                                        return k;
                                }
                        }
                } else {
                        break;
                }
        }
        return WSBX_OK;
}

/* Scans a string starting at the opening quote; leaves lx->p after the
 * closing quote. Checks every escape and character. */
static wsbx_errkind scan_string(wsbx_lexer *lx, wsbx_error *err)
{
        const char *open = lx->p;
        lx->p++;
        for (;;) {
                if (lx->p >= lx->end)
                        return lex_error(lx, open, err, "unclosed string");
                unsigned char c = (unsigned char)*lx->p;
                if (c == '"') {
                        lx->p++;
                        return WSBX_OK;
                }
                if (c == '\n' || c == '\r')
                        return lex_error(lx, open, err, "unclosed string");
                if (c < 0x20 || c == 0x7f)
                        return lex_error(lx, lx->p, err, "illegal control character");
                if (c >= 0x80) {
                        size_t n = utf8_seq((const unsigned char *)lx->p, (const unsigned char *)lx->end);
                        if (!n)
                                return lex_error(lx, lx->p, err, "malformed UTF-8 encoding");
                        lx->p += n;
                        continue;
                }
                if (c != '\\') {
                        lx->p++;
                        continue;
                }
                const char *esc = lx->p;
                lx->p++;
                if (lx->p >= lx->end)
                        return lex_error(lx, open, err, "unclosed string");
                c = (unsigned char)*lx->p;
                if (strchr("tnr\"'\\", c) && c) {
                        lx->p++;
                } else if (c == 'u') {
                        lx->p++;
                        if (lx->p >= lx->end || *lx->p != '{')
                                return lex_error(lx, esc, err, "illegal escape");
                        lx->p++;
                        uint32_t cp = 0;
                        size_t ndig = 0;
                        while (lx->p < lx->end && (isxdigit((unsigned char)*lx->p) || *lx->p == '_')) {
                                if (*lx->p == '_') {
                                        /* Underscores only between digits. */
                                        if (!ndig || lx->p + 1 >= lx->end ||
                                            !isxdigit((unsigned char)lx->p[1]))
                                                return lex_error(lx, esc, err, "illegal escape");
                                        lx->p++;
                                        continue;
                                }
                                unsigned char d = (unsigned char)*lx->p++;
                                unsigned v = d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10;
                                if (cp > 0x10ffff)
                                        continue; /* already out of range; keep scanning */
                                cp = cp * 16 + v;
                                ndig++;
                        }
                        if (!ndig || lx->p >= lx->end || *lx->p != '}' || cp > 0x10ffff ||
                            (cp >= 0xd800 && cp < 0xe000))
                                return lex_error(lx, esc, err, "illegal escape");
                        lx->p++;
                } else if (isxdigit(c) && lx->p + 1 < lx->end && isxdigit((unsigned char)lx->p[1])) {
                        lx->p += 2;
                } else {
                        return lex_error(lx, esc, err, "illegal escape");
                }
        }
}

static wsbx_errkind lex_raw(wsbx_lexer *lx, wsbx_token *tok, wsbx_error *err)
{
        wsbx_errkind k = skip_space(lx, err);
        if (k)
                return k;
        tok->start = lx->p;
        tok->line = lx->line;
        tok->col = col_of(lx, lx->p);
        if (lx->p >= lx->end) {
                tok->kind = WSBX_TOK_EOF;
                tok->len = 0;
                return WSBX_OK;
        }
        unsigned char c = (unsigned char)*lx->p;
        if (c == '(' || c == ')') {
                tok->kind = c == '(' ? WSBX_TOK_LPAREN : WSBX_TOK_RPAREN;
                lx->p++;
                tok->len = 1;
                return WSBX_OK;
        }
        /* A token is a maximal run of idchars, strings and the reserved
         * punctuation; only a lone string or a lone run of idchars (or
         * $ followed by one string) is something other than reserved. */
        size_t nstrings = 0, nother = 0;
        bool punct = false;
        while (lx->p < lx->end) {
                c = (unsigned char)*lx->p;
                if (c == '"') {
                        if ((k = scan_string(lx, err)))
                                return k;
                        nstrings++;
                } else if (is_idchar(c)) {
                        lx->p++;
                        nother++;
                } else if (c == ',' || c == ';' || c == '[' || c == ']' || c == '{' || c == '}') {
                        /* ";;" right after a token starts a comment. */
                        if (c == ';' && lx->p + 1 < lx->end && lx->p[1] == ';')
                                break;
                        lx->p++;
                        punct = true;
                } else {
                        break;
                }
        }
        tok->len = (size_t)(lx->p - tok->start);
        if (tok->len == 0) {
                if (c >= 0x80 && !utf8_seq((const unsigned char *)lx->p, (const unsigned char *)lx->end))
                        return lex_error(lx, lx->p, err, "malformed UTF-8 encoding");
                return lex_error(lx, lx->p, err, "unexpected character");
        }
        const char *s = tok->start;
        if (punct) {
                tok->kind = WSBX_TOK_RESERVED;
        } else if (nstrings == 1 && nother == 0) {
                tok->kind = WSBX_TOK_STRING;
        } else if (nstrings == 1 && nother == 1 && s[0] == '$') {
                tok->kind = WSBX_TOK_ID;
        } else if (nstrings) {
                tok->kind = WSBX_TOK_RESERVED;
        } else if (s[0] == '$' && tok->len > 1) {
                tok->kind = WSBX_TOK_ID;
        } else if (wsbx_text_numclass(s, tok->len) != WSBX_NUM_NONE) {
                tok->kind = WSBX_TOK_NUMBER;
        } else if (s[0] >= 'a' && s[0] <= 'z') {
                tok->kind = WSBX_TOK_KEYWORD;
        } else {
                tok->kind = WSBX_TOK_RESERVED;
        }
        return WSBX_OK;
}

/* Skips an annotation whose "(" has been read and whose "@" is next, by
 * counting parentheses over raw tokens. */
static wsbx_errkind skip_annotation(wsbx_lexer *lx, const wsbx_token *open, wsbx_error *err)
{
        size_t depth = 1;
        wsbx_token t;
        while (depth) {
                wsbx_errkind k = lex_raw(lx, &t, err);
                if (k)
                        return k;
                if (t.kind == WSBX_TOK_EOF)
                        return wsbx_text_error(err, open, "unclosed annotation");
                if (t.kind == WSBX_TOK_LPAREN)
                        depth++;
                else if (t.kind == WSBX_TOK_RPAREN)
                        depth--;
        }
        return WSBX_OK;
}

static wsbx_errkind lex_token(wsbx_lexer *lx, wsbx_token *tok, wsbx_error *err)
{
        for (;;) {
                wsbx_errkind k = lex_raw(lx, tok, err);
                if (k)
                        return k;
                if (tok->kind != WSBX_TOK_LPAREN || lx->p >= lx->end || *lx->p != '@')
                        return WSBX_OK;
                if (lx->p + 1 >= lx->end || !is_idchar((unsigned char)lx->p[1]))
                        return wsbx_text_error(err, tok, "malformed annotation id");
                if ((k = skip_annotation(lx, tok, err)))
                        return k;
        }
}

wsbx_errkind wsbx_lex_next(wsbx_lexer *lx, wsbx_token *tok, wsbx_error *err)
{
        if (lx->has_peek) {
                lx->has_peek = false;
                *tok = lx->peek;
                if (lx->peek_status && err)
                        *err = lx->peek_err;
                return lx->peek_status;
        }
        return lex_token(lx, tok, err);
}

wsbx_errkind wsbx_lex_peek(wsbx_lexer *lx, wsbx_token *tok, wsbx_error *err)
{
        if (!lx->has_peek) {
                memset(&lx->peek, 0, sizeof lx->peek);
                memset(&lx->peek_err, 0, sizeof lx->peek_err);
                lx->peek_status = lex_token(lx, &lx->peek, &lx->peek_err);
                lx->has_peek = true;
        }
        *tok = lx->peek;
        if (lx->peek_status && err)
                *err = lx->peek_err;
        return lx->peek_status;
}

wsbx_errkind wsbx_text_error(wsbx_error *err, const wsbx_token *tok, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        wsbx_error_vset(err, WSBX_ERR_MALFORMED, SIZE_MAX, fmt, ap);
        va_end(ap);
        if (err && tok) {
                err->line = tok->line;
                err->col = tok->col;
        }
        return WSBX_ERR_MALFORMED;
}

static unsigned hexval(unsigned char c)
{
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static size_t put_utf8(uint8_t *out, uint32_t cp)
{
        if (cp < 0x80) {
                out[0] = (uint8_t)cp;
                return 1;
        }
        if (cp < 0x800) {
                out[0] = (uint8_t)(0xc0 | (cp >> 6));
                out[1] = (uint8_t)(0x80 | (cp & 0x3f));
                return 2;
        }
        if (cp < 0x10000) {
                out[0] = (uint8_t)(0xe0 | (cp >> 12));
                out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
                out[2] = (uint8_t)(0x80 | (cp & 0x3f));
                return 3;
        }
        out[0] = (uint8_t)(0xf0 | (cp >> 18));
        out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
        out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        out[3] = (uint8_t)(0x80 | (cp & 0x3f));
        return 4;
}

wsbx_errkind wsbx_text_string(const wsbx_token *tok, uint8_t *buf, size_t *out_len, wsbx_error *err)
{
        const char *p = tok->start, *end = tok->start + tok->len;
        /* $"..." identifiers decode like strings. */
        if (p < end && *p == '$')
                p++;
        if (end - p < 2 || *p != '"' || end[-1] != '"')
                return wsbx_text_error(err, tok, "unexpected token");
        p++;
        end--;
        size_t n = 0;
        while (p < end) {
                if (*p != '\\') {
                        buf[n++] = (uint8_t)*p++;
                        continue;
                }
                p++;
                if (p >= end)
                        return wsbx_text_error(err, tok, "illegal escape");
                char c = *p++;
                switch (c) {
                case 't': buf[n++] = '\t'; break;
                case 'n': buf[n++] = '\n'; break;
                case 'r': buf[n++] = '\r'; break;
                case '"': buf[n++] = '"'; break;
                case '\'': buf[n++] = '\''; break;
                case '\\': buf[n++] = '\\'; break;
                case 'u': {
                        /* \u{...} is at least 4 bytes of source and at most
                         * 4 bytes of output, so buf (tok->len bytes) holds it. */
                        if (p >= end || *p != '{')
                                return wsbx_text_error(err, tok, "illegal escape");
                        p++;
                        uint32_t cp = 0;
                        size_t nd = 0;
                        while (p < end && *p != '}') {
                                if (*p != '_') {
                                        if (!isxdigit((unsigned char)*p))
                                                return wsbx_text_error(err, tok, "illegal escape");
                                        cp = cp * 16 + hexval((unsigned char)*p);
                                        nd++;
                                        if (cp > 0x10ffff)
                                                return wsbx_text_error(err, tok, "illegal escape");
                                }
                                p++;
                        }
                        if (p >= end || !nd || (cp >= 0xd800 && cp < 0xe000))
                                return wsbx_text_error(err, tok, "illegal escape");
                        p++;
                        n += put_utf8(buf + n, cp);
                        break;
                }
                default:
                        if (p >= end || !isxdigit((unsigned char)c) || !isxdigit((unsigned char)*p))
                                return wsbx_text_error(err, tok, "illegal escape");
                        buf[n++] = (uint8_t)(hexval((unsigned char)c) * 16 + hexval((unsigned char)*p));
                        p++;
                        break;
                }
        }
        *out_len = n;
        return WSBX_OK;
}
