/* wat_posmap.c - where each byte of a text module's binary came from.
 *
 * The text encoder writes into several buffers before the binary exists:
 * one per section, a function body, the operator bytes of folded
 * instructions parked until their operands are written (P->pend), segment
 * offsets and items. Each is a wsbx_wat_buf, which carries marks: "from
 * this byte on, the bytes came from the token at line:col". Whenever bytes
 * move from one buffer to another their marks move with them, shifted to
 * their new offsets, so when the sections are joined into the binary its
 * marks say where every byte came from. Those marks become the position
 * map that wsbx_module_load uses to put a text position on an error the
 * decoder or the validator finds in the binary.
 *
 * Invariants: a buffer's marks are in strictly increasing offset order and
 * none lies past its end once bytes have moved (a mark that no byte
 * followed is dropped when its buffer's bytes move on). Two neighbouring
 * marks never carry the same position. Bytes are moved as a stack
 * discipline allows (a buffer's tail to the end of another), so finding
 * the marks to move is a binary search and every mark is copied once per
 * move of its bytes: the work stays linear in the output.
 *
 * Marks are only kept while the parser tracks positions (P->track), so a
 * caller that wants no map pays nothing but a branch per mark.
 */
#include "internal.h"

#include <stdlib.h>

struct wsbx_posmap {
        size_t len; /* bytes of the binary */
        size_t n;
        wsbx_posmark *marks;
};

static bool same_pos(wsbx_wat_pos a, wsbx_wat_pos b)
{
        return a.line == b.line && a.col == b.col;
}

static void push_mark(wsbx_wat_buf *o, size_t off, wsbx_wat_pos at)
{
        if (o->nmarks) {
                wsbx_posmark *l = &o->marks[o->nmarks - 1];
                if (l->off == off) {
                        /* Nothing was written since: the newer token is
                         * the more precise one. */
                        l->at = at;
                        if (o->nmarks >= 2 && same_pos(o->marks[o->nmarks - 2].at, at))
                                o->nmarks--;
                        return;
                }
                if (same_pos(l->at, at))
                        return;
        }
        if (o->nmarks == o->marks_cap) {
                wsbx_posmark *m = wsbx_wat_grow(o->marks, &o->marks_cap, sizeof *m);
                if (!m) {
                        o->b.oom = true;
                        return;
                }
                o->marks = m;
        }
        o->marks[o->nmarks++] = (wsbx_posmark){off, at};
}

void wsbx_wat_mark(wsbx_wat *P, wsbx_wat_buf *o, wsbx_wat_pos at)
{
        if (P->track)
                push_mark(o, o->b.len, at);
}

/* Index of the first mark at or after `off`. */
static size_t first_at(const wsbx_posmark *m, size_t n, size_t off)
{
        size_t lo = 0, hi = n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (m[mid].off < off)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

/* The mark that covers byte `off`, or NULL. */
static const wsbx_posmark *covering(const wsbx_posmark *m, size_t n, size_t off)
{
        size_t i = first_at(m, n, off);
        if (i < n && m[i].off == off)
                return &m[i];
        return i ? &m[i - 1] : NULL;
}

bool wsbx_wat_buf_pos(const wsbx_wat_buf *o, size_t off, wsbx_wat_pos *at)
{
        const wsbx_posmark *c = covering(o->marks, o->nmarks, off);
        if (!c)
                return false;
        *at = c->at;
        return true;
}

void wsbx_wat_buf_put(wsbx_wat *P, wsbx_wat_buf *dst, const wsbx_wat_buf *src, size_t from)
{
        size_t base = dst->b.len;
        size_t end = src->b.len;
        if (src->b.oom)
                dst->b.oom = true;
        if (from >= end)
                return;
        wsbx_buf_put(&dst->b, src->b.data + from, end - from);
        if (!P->track || !src->nmarks || dst->b.oom)
                return;
        /* Bytes before the first mark in the range belong to the mark
         * before it, if any. */
        size_t i = first_at(src->marks, src->nmarks, from);
        if (i > 0 && (i == src->nmarks || src->marks[i].off > from))
                push_mark(dst, base, src->marks[i - 1].at);
        for (; i < src->nmarks && src->marks[i].off < end; i++)
                push_mark(dst, base + (src->marks[i].off - from), src->marks[i].at);
}

void wsbx_wat_buf_cut(wsbx_wat_buf *o, size_t len)
{
        if (len < o->b.len)
                o->b.len = len;
        o->nmarks = first_at(o->marks, o->nmarks, len);
}

void wsbx_wat_buf_move(wsbx_wat *P, wsbx_wat_buf *dst, wsbx_wat_buf *src, size_t from)
{
        wsbx_wat_buf_put(P, dst, src, from);
        wsbx_wat_buf_cut(src, from);
}

void wsbx_wat_buf_free(wsbx_wat_buf *o)
{
        wsbx_buf_free(&o->b);
        free(o->marks);
        memset(o, 0, sizeof *o);
}

wsbx_posmap *wsbx_posmap_take(wsbx_wat_buf *o)
{
        wsbx_posmap *map = calloc(1, sizeof *map);
        if (!map)
                return NULL;
        map->len = o->b.len;
        /* Marks no byte followed map nothing. */
        map->n = first_at(o->marks, o->nmarks, o->b.len);
        map->marks = o->marks;
        o->marks = NULL;
        o->nmarks = o->marks_cap = 0;
        return map;
}

bool wsbx_posmap_find(const wsbx_posmap *map, size_t offset, uint32_t *line, uint32_t *col)
{
        if (!map || offset >= map->len)
                return false;
        const wsbx_posmark *c = covering(map->marks, map->n, offset);
        if (!c)
                return false;
        *line = c->at.line;
        *col = c->at.col;
        return true;
}

void wsbx_posmap_locate(const wsbx_posmap *map, wsbx_error *err)
{
        if (!map || !err || err->line || err->offset == SIZE_MAX)
                return;
        uint32_t line, col;
        if (wsbx_posmap_find(map, err->offset, &line, &col)) {
                err->line = line;
                err->col = col;
        }
}

void wsbx_posmap_delete(wsbx_posmap *map)
{
        if (!map)
                return;
        free(map->marks);
        free(map);
}
