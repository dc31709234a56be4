/* buf.c - growable byte buffer used by the text-to-binary encoder.
 *
 * Allocation failure is sticky: the buffer sets `oom` and drops later
 * writes, so encoders check once at the end instead of after every byte.
 */
#include "internal.h"

#include <stdlib.h>

void wsbx_buf_reserve(wsbx_buf *b, size_t extra)
{
        if (b->oom)
                return;
        if (b->cap - b->len >= extra)
                return;
        size_t need = b->len + extra;
        if (need < b->len) {
                b->oom = true;
                return;
        }
        size_t cap = b->cap ? b->cap : 64;
        while (cap < need) {
                if (cap > SIZE_MAX / 2) {
                        cap = need;
                        break;
                }
                cap *= 2;
        }
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
                b->oom = true;
                return;
        }
        b->data = d;
        b->cap = cap;
}

void wsbx_buf_put(wsbx_buf *b, const void *p, size_t n)
{
        wsbx_buf_reserve(b, n);
        if (b->oom || n == 0)
                return;
        memcpy(b->data + b->len, p, n);
        b->len += n;
}

void wsbx_buf_u8(wsbx_buf *b, uint8_t v)
{
        wsbx_buf_put(b, &v, 1);
}

void wsbx_buf_uleb(wsbx_buf *b, uint64_t v)
{
        uint8_t tmp[10];
        size_t n = 0;
        do {
                uint8_t byte = v & 0x7f;
                v >>= 7;
                if (v)
                        byte |= 0x80;
                tmp[n++] = byte;
        } while (v);
        wsbx_buf_put(b, tmp, n);
}

void wsbx_buf_sleb(wsbx_buf *b, int64_t v)
{
        uint8_t tmp[10];
        size_t n = 0;
        for (;;) {
                uint8_t byte = v & 0x7f;
                v >>= 7; /* arithmetic shift: GCC and Clang define it */
                bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
                if (!done)
                        byte |= 0x80;
                tmp[n++] = byte;
                if (done)
                        break;
        }
        wsbx_buf_put(b, tmp, n);
}

void wsbx_buf_free(wsbx_buf *b)
{
        free(b->data);
        memset(b, 0, sizeof *b);
}
