/* arena.c - bump allocator freed in one call.
 *
 * Chunks grow geometrically from 4 KiB to 1 MiB; a request larger than a
 * quarter of the current chunk size gets a chunk of its own so that big
 * arrays do not waste the tail of a shared chunk.
 */
#include "internal.h"

#include <stdlib.h>

struct chunk {
        struct chunk *next;
        size_t used, size;
        _Alignas(16) unsigned char data[];
};

struct wsbx_arena {
        struct chunk *head;
        size_t next_size;
};

wsbx_arena *wsbx_arena_new(void)
{
        wsbx_arena *a = calloc(1, sizeof *a);
        if (a)
                a->next_size = 4096;
        return a;
}

void wsbx_arena_delete(wsbx_arena *a)
{
        if (!a)
                return;
        struct chunk *c = a->head;
        while (c) {
                struct chunk *n = c->next;
                free(c);
                c = n;
        }
        free(a);
}

void *wsbx_arena_alloc(wsbx_arena *a, size_t size)
{
        size = (size + 15) & ~(size_t)15;
        if (size == 0)
                size = 16;
        struct chunk *c = a->head;
        if (c && c->size - c->used >= size) {
                void *p = c->data + c->used;
                c->used += size;
                return p;
        }
        if (size > SIZE_MAX / 2)
                return NULL;
        size_t csize = a->next_size;
        if (size > csize / 4) {
                /* Dedicated chunk, linked behind the head so the head's
                 * free tail stays usable. */
                struct chunk *d = malloc(sizeof *d + size);
                if (!d)
                        return NULL;
                d->used = d->size = size;
                if (c) {
                        d->next = c->next;
                        c->next = d;
                } else {
                        d->next = NULL;
                        a->head = d;
                }
                return d->data;
        }
        struct chunk *n = malloc(sizeof *n + csize);
        if (!n)
                return NULL;
        n->size = csize;
        n->used = size;
        n->next = c;
        a->head = n;
        if (a->next_size < (1u << 20))
                a->next_size *= 2;
        return n->data;
}

void *wsbx_arena_calloc(wsbx_arena *a, size_t n, size_t size)
{
        if (size && n > SIZE_MAX / size)
                return NULL;
        void *p = wsbx_arena_alloc(a, n * size);
        if (p)
                memset(p, 0, n * size);
        return p;
}
