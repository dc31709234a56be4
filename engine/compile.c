/* compile.c - the target-independent compiler driver.
 *
 * Compiles every defined function of a validated module with the target's
 * code generator (engine/x64/ behind wsbx_target), in parallel: the
 * functions are cut into contiguous chunks of about equal body size, and
 * one thread per core takes chunks in order from a shared counter, each
 * with its own target context (assembler, buffers) and its own sink per
 * chunk. Then, on one thread: the trampolines, the layout (chunks back to
 * back in function order, so the records stay sorted), the patching of
 * direct calls (a rel32 from each call site to its callee), and, for
 * wsbx_compile, the artifact.
 *
 * Invariants: the output does not depend on the number of threads (every
 * function starts 16-byte aligned, padding is int3, and chunks are laid out
 * in function order, so chunk boundaries leave no trace); the first error
 * in function order is the one reported (every chunk runs to its first
 * error).
 */
#include "internal.h"
#include "x64/target.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static const wsbx_target *the_target(void)
{
        return &wsbx_x64_target;
}

wsbx_vmctx_layout wsbx_module_vmctx_layout(const wsbx_module *m)
{
        return wsbx_vmctx_layout_of(m->nmemories, m->ntables, m->nimported_globals,
                                    m->nglobals - m->nimported_globals, m->nfuncs, m->ndatas,
                                    m->nelems);
}

void wsbx_module_escapes(const wsbx_module *m, uint8_t *out)
{
        memset(out, 0, m->nfuncs);
        for (uint32_t i = 0; i < m->nexports; i++) {
                if (m->exports[i].kind == WSBX_EXTERN_FUNC && m->exports[i].index < m->nfuncs)
                        out[m->exports[i].index] = 1;
        }
        for (uint32_t i = 0; i < m->nelems; i++) {
                const wsbx_elem *e = &m->elems[i];
                for (uint32_t k = 0; k < e->count; k++) {
                        if (e->items[k].op == WSBX_CONST_REF_FUNC && e->items[k].u.index < m->nfuncs)
                                out[e->items[k].u.index] = 1;
                }
        }
        for (uint32_t i = 0; i < m->nglobals - m->nimported_globals; i++) {
                const wsbx_constexpr *e = &m->globals[i].init;
                if (e->op == WSBX_CONST_REF_FUNC && e->u.index < m->nfuncs)
                        out[e->u.index] = 1;
        }
        if (m->has_start && m->start < m->nfuncs)
                out[m->start] = 1;
}

/* ------------------------------------------------------------------------ */
/* Parallel compilation                                                     */
/* ------------------------------------------------------------------------ */

typedef struct chunk {
        uint32_t first, end;    /* defined function indices [first, end) */
        wsbx_csink sink;
        uint32_t *offset;       /* per function of the chunk, into sink.code */
        wsbx_errkind kind;
        wsbx_error err;
} chunk;

typedef struct job {
        const wsbx_module *m;
        const wsbx_compile_opts *opts;
        uint64_t features;
        chunk *chunks;
        uint32_t nchunks;
        atomic_uint next;
        uint64_t used_features; /* written by each thread under `lock` */
        pthread_mutex_t lock;
} job;

static void sink_free(wsbx_csink *s)
{
        wsbx_buf_free(&s->code);
        wsbx_buf_free(&s->traps);
        wsbx_buf_free(&s->addrs);
        wsbx_buf_free(&s->relocs);
}

static void pad16(wsbx_buf *b)
{
        static const uint8_t int3[16] = { 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
                                          0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc };
        size_t n = (16 - (b->len & 15)) & 15;
        if (n)
                wsbx_buf_put(b, int3, n);
}

static void run_chunk(job *j, void *ctx, chunk *ch)
{
        const wsbx_target *t = the_target();
        const wsbx_module *m = j->m;
        for (uint32_t i = ch->first; i < ch->end; i++) {
                pad16(&ch->sink.code);
                ch->offset[i - ch->first] = (uint32_t)ch->sink.code.len;
                ch->kind = t->compile_function(ctx, m->nimported_funcs + i, &ch->sink, &ch->err);
                if (ch->kind == WSBX_OK && ch->sink.code.len > WSBX_ASM_MAX_CODE)
                        ch->kind = wsbx_error_set(&ch->err, WSBX_ERR_LIMIT, SIZE_MAX, "code too large");
                if (ch->kind != WSBX_OK)
                        return;
        }
        pad16(&ch->sink.code);
}

static void *worker(void *arg)
{
        job *j = arg;
        const wsbx_target *t = the_target();
        void *ctx = t->ctx_new(j->m, j->opts, j->features);
        for (;;) {
                unsigned k = atomic_fetch_add(&j->next, 1);
                if (k >= j->nchunks)
                        break;
                chunk *ch = &j->chunks[k];
                if (!ctx) {
                        ch->kind = wsbx_error_set(&ch->err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
                        continue;
                }
                run_chunk(j, ctx, ch);
        }
        if (ctx) {
                pthread_mutex_lock(&j->lock);
                j->used_features |= t->used_features(ctx);
                pthread_mutex_unlock(&j->lock);
                t->ctx_delete(ctx);
        }
        return NULL;
}

/* Chunk boundaries by body size: about four chunks per thread so that a
 * thread finishing early takes more, never fewer than 64 KiB of bodies
 * per chunk so that small modules stay on one thread. */
static uint32_t make_chunks(const wsbx_module *m, uint32_t nthreads, chunk **out)
{
        uint32_t n = m->nfuncs - m->nimported_funcs;
        uint64_t total = 0;
        for (uint32_t i = 0; i < n; i++)
                total += m->funcs[i].body_size;
        uint64_t want = (uint64_t)nthreads * 4;
        if (want > total / 65536 + 1)
                want = total / 65536 + 1;
        if (want > n)
                want = n ? n : 1;
        chunk *ch = calloc(want, sizeof *ch);
        if (!ch)
                return 0;
        uint32_t k = 0, first = 0;
        uint64_t acc = 0;
        for (uint32_t i = 0; i < n; i++) {
                acc += m->funcs[i].body_size;
                if (k + 1 < want && acc * want >= (k + 1) * total) {
                        ch[k].first = first;
                        ch[k].end = i + 1;
                        first = i + 1;
                        k++;
                }
        }
        ch[k].first = first;
        ch[k].end = n;
        *out = ch;
        return k + 1;
}

static uint32_t cpu_count(void)
{
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        return n < 1 ? 1 : n > 256 ? 256 : (uint32_t)n;
}

void wsbx_compiled_delete(wsbx_compiled *c)
{
        if (!c)
                return;
        free(c->code);
        free(c->func_offset);
        free(c->func_size);
        free(c->entry_offset);
        free(c->entry_size);
        free(c->host_offset);
        free(c->host_size);
        free(c->traps);
        free(c->addrs);
        free(c);
}

static int cmp_trap(const void *a, const void *b)
{
        const wsbx_art_trap *x = a, *y = b;
        return x->code_offset < y->code_offset ? -1 : x->code_offset > y->code_offset;
}

static int cmp_addr(const void *a, const void *b)
{
        const wsbx_art_addr *x = a, *y = b;
        return x->code_offset < y->code_offset ? -1 : x->code_offset > y->code_offset;
}

/* Appends sink s at the end of the output, shifting its records: each
 * array is copied whole, then the copies' offsets are adjusted in place
 * (records are fixed-size, so the copies start at a record boundary). */
static void append_sink(wsbx_csink *all, const wsbx_csink *s)
{
        uint32_t base = (uint32_t)all->code.len;
        wsbx_buf_put(&all->code, s->code.data, s->code.len);

        size_t at = all->traps.len;
        wsbx_buf_put(&all->traps, s->traps.data, s->traps.len);
        if (!all->traps.oom) {
                wsbx_art_trap *t = (void *)(all->traps.data + at);
                for (size_t i = 0; i < s->traps.len / sizeof *t; i++)
                        t[i].code_offset += base;
        }
        at = all->addrs.len;
        wsbx_buf_put(&all->addrs, s->addrs.data, s->addrs.len);
        if (!all->addrs.oom) {
                wsbx_art_addr *a = (void *)(all->addrs.data + at);
                for (size_t i = 0; i < s->addrs.len / sizeof *a; i++)
                        a[i].code_offset += base;
        }
        at = all->relocs.len;
        wsbx_buf_put(&all->relocs, s->relocs.data, s->relocs.len);
        if (!all->relocs.oom) {
                wsbx_reloc *l = (void *)(all->relocs.data + at);
                for (size_t i = 0; i < s->relocs.len / sizeof *l; i++)
                        l[i].offset += base;
        }
}

/* Trampolines, on the calling thread, into their own sink. */
static wsbx_errkind compile_trampolines(const wsbx_module *m, const wsbx_compile_opts *opts,
                                        uint64_t features, wsbx_compiled *out, wsbx_csink *s,
                                        uint64_t *used, wsbx_error *err)
{
        const wsbx_target *t = the_target();
        uint32_t nimp = m->nimported_funcs;
        uint8_t *esc = malloc(m->nfuncs ? m->nfuncs : 1);
        void *ctx = t->ctx_new(m, opts, features);
        wsbx_errkind k = WSBX_OK;
        if (!esc || !ctx) {
                k = wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
                goto out;
        }
        wsbx_module_escapes(m, esc);
        for (uint32_t i = 0; i < out->nfuncs; i++) {
                out->entry_offset[i] = WSBX_ART_NONE;
                if (!esc[nimp + i])
                        continue;
                pad16(&s->code);
                out->entry_offset[i] = (uint32_t)s->code.len;
                if ((k = t->entry_trampoline(ctx, nimp + i, s, err)) != WSBX_OK)
                        goto out;
                out->entry_size[i] = (uint32_t)s->code.len - out->entry_offset[i];
        }
        for (uint32_t i = 0; i < m->ntypes; i++) {
                pad16(&s->code);
                out->host_offset[i] = (uint32_t)s->code.len;
                if ((k = t->host_trampoline(ctx, i, s, err)) != WSBX_OK)
                        goto out;
                out->host_size[i] = (uint32_t)s->code.len - out->host_offset[i];
        }
        pad16(&s->code);
        *used |= t->used_features(ctx);
out:
        if (ctx)
                t->ctx_delete(ctx);
        free(esc);
        return k;
}

wsbx_errkind wsbx_compile_module(const wsbx_module *m, const wsbx_compile_opts *opts_in,
                                 wsbx_compiled **out, wsbx_error *err)
{
        static const wsbx_compile_opts defaults;
        const wsbx_compile_opts *opts = opts_in ? opts_in : &defaults;
        const wsbx_target *t = the_target();
        *out = NULL;
        uint64_t features = (opts->cpu_features ? opts->cpu_features : t->host_features()) |
                            WSBX_CPU_BASELINE;
        uint32_t nthreads = opts->threads ? opts->threads : cpu_count();
        if (nthreads > 256)
                nthreads = 256;

        wsbx_compiled *c = calloc(1, sizeof *c);
        job j = { .m = m, .opts = opts, .features = features };
        wsbx_csink all = { 0 }, tramp = { 0 };
        wsbx_errkind k = WSBX_OK;
        atomic_init(&j.next, 0);
        pthread_mutex_init(&j.lock, NULL);
        if (!c)
                goto nomem;
        c->nfuncs = m->nfuncs - m->nimported_funcs;
        c->ntypes = m->ntypes;
        size_t nf = c->nfuncs ? c->nfuncs : 1, nt = c->ntypes ? c->ntypes : 1;
        c->func_offset = calloc(nf, sizeof(uint32_t));
        c->func_size = calloc(nf, sizeof(uint32_t));
        c->entry_offset = calloc(nf, sizeof(uint32_t));
        c->entry_size = calloc(nf, sizeof(uint32_t));
        c->host_offset = calloc(nt, sizeof(uint32_t));
        c->host_size = calloc(nt, sizeof(uint32_t));
        if (!c->func_offset || !c->func_size || !c->entry_offset || !c->entry_size ||
            !c->host_offset || !c->host_size)
                goto nomem;

        j.nchunks = make_chunks(m, nthreads, &j.chunks);
        if (!j.nchunks)
                goto nomem;
        for (uint32_t i = 0; i < j.nchunks; i++) {
                chunk *ch = &j.chunks[i];
                ch->offset = malloc(sizeof(uint32_t) * (ch->end - ch->first + 1));
                if (!ch->offset)
                        goto nomem;
        }
        if (nthreads > j.nchunks)
                nthreads = j.nchunks;
        pthread_t tid[256];
        uint32_t started = 0;
        for (uint32_t i = 1; i < nthreads; i++) {
                if (pthread_create(&tid[started], NULL, worker, &j) != 0)
                        break;
                started++;
        }
        worker(&j);
        for (uint32_t i = 0; i < started; i++)
                pthread_join(tid[i], NULL);
        for (uint32_t i = 0; i < j.nchunks; i++) {
                if (j.chunks[i].kind != WSBX_OK) {
                        if (err)
                                *err = j.chunks[i].err;
                        k = j.chunks[i].kind;
                        goto fail;
                }
        }

        /* Layout. */
        for (uint32_t i = 0; i < j.nchunks; i++) {
                chunk *ch = &j.chunks[i];
                uint32_t base = (uint32_t)all.code.len;
                for (uint32_t f = ch->first; f < ch->end; f++) {
                        uint32_t next = f + 1 < ch->end ? ch->offset[f + 1 - ch->first]
                                                        : (uint32_t)ch->sink.code.len;
                        c->func_offset[f] = base + ch->offset[f - ch->first];
                        c->func_size[f] = next - ch->offset[f - ch->first];
                }
                append_sink(&all, &ch->sink);
        }
        uint64_t used = j.used_features;
        if ((k = compile_trampolines(m, opts, features, c, &tramp, &used, err)) != WSBX_OK)
                goto fail;
        uint32_t tbase = (uint32_t)all.code.len;
        append_sink(&all, &tramp);
        for (uint32_t i = 0; i < c->nfuncs; i++) {
                if (c->entry_offset[i] != WSBX_ART_NONE)
                        c->entry_offset[i] += tbase;
        }
        for (uint32_t i = 0; i < c->ntypes; i++)
                c->host_offset[i] += tbase;
        if (all.code.oom || all.traps.oom || all.addrs.oom || all.relocs.oom)
                goto nomem;
        if (all.code.len > WSBX_ASM_MAX_CODE) {
                k = wsbx_error_set(err, WSBX_ERR_LIMIT, SIZE_MAX, "limit exceeded: code size");
                goto fail;
        }

        /* Direct calls. */
        const wsbx_reloc *rel = (const void *)all.relocs.data;
        for (size_t i = 0; i < all.relocs.len / sizeof *rel; i++) {
                uint32_t f = rel[i].func;
                if (f < m->nimported_funcs || f >= m->nfuncs || (uint64_t)rel[i].offset + 4 > all.code.len) {
                        k = wsbx_error_set(err, WSBX_ERR_INVALID, SIZE_MAX, "bad relocation");
                        goto fail;
                }
                int32_t d = (int32_t)(c->func_offset[f - m->nimported_funcs] - (rel[i].offset + 4));
                memcpy(all.code.data + rel[i].offset, &d, 4);
        }

        c->code_len = (uint32_t)all.code.len;
        c->code = all.code.data;
        all.code.data = NULL;
        c->ntraps = (uint32_t)(all.traps.len / sizeof(wsbx_art_trap));
        c->traps = (wsbx_art_trap *)all.traps.data;
        all.traps.data = NULL;
        c->naddrs = (uint32_t)(all.addrs.len / sizeof(wsbx_art_addr));
        c->addrs = (wsbx_art_addr *)all.addrs.data;
        all.addrs.data = NULL;
        /* Records come out in code order; sorting is a safety net. */
        for (uint32_t i = 1; i < c->ntraps; i++) {
                if (c->traps[i].code_offset < c->traps[i - 1].code_offset) {
                        qsort(c->traps, c->ntraps, sizeof *c->traps, cmp_trap);
                        break;
                }
        }
        for (uint32_t i = 1; i < c->naddrs; i++) {
                if (c->addrs[i].code_offset < c->addrs[i - 1].code_offset) {
                        qsort(c->addrs, c->naddrs, sizeof *c->addrs, cmp_addr);
                        break;
                }
        }
        c->cpu_features = used;
        c->settings = (opts->epoch ? WSBX_ART_SET_EPOCH : 0) |
                      (opts->bounds_checks ? WSBX_ART_SET_BOUNDS_CHECKS : 0);
        c->layout = wsbx_module_vmctx_layout(m);
        *out = c;
        c = NULL;
        goto done;

nomem:
        k = wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
fail:
        wsbx_compiled_delete(c);
done:
        for (uint32_t i = 0; i < j.nchunks; i++) {
                sink_free(&j.chunks[i].sink);
                free(j.chunks[i].offset);
        }
        free(j.chunks);
        sink_free(&all);
        sink_free(&tramp);
        pthread_mutex_destroy(&j.lock);
        return k;
}

/* ------------------------------------------------------------------------ */
/* The artifact                                                             */
/* ------------------------------------------------------------------------ */

static wsbx_errkind build_artifact(const wsbx_module *m, const wsbx_compile_opts *opts,
                                   const wsbx_compiled *c, wsbx_artbuild *b, wsbx_error *err)
{
        wsbx_errkind k;
        if ((k = wsbx_artbuild_set_text(b, c->code, c->code_len, err)) != WSBX_OK)
                return k;
        for (uint32_t i = 0; i < c->nfuncs; i++) {
                k = wsbx_artbuild_set_func(b, m->nimported_funcs + i, c->func_offset[i], c->func_size[i],
                                           c->entry_offset[i], c->entry_size[i], err);
                if (k != WSBX_OK)
                        return k;
        }
        for (uint32_t i = 0; i < c->ntypes; i++) {
                k = wsbx_artbuild_set_type_trampoline(b, i, c->host_offset[i], c->host_size[i], err);
                if (k != WSBX_OK)
                        return k;
        }
        for (uint32_t i = 0; i < c->ntraps; i++) {
                k = wsbx_artbuild_add_trap(b, c->traps[i].code_offset, (wsbx_trap)c->traps[i].trap, err);
                if (k != WSBX_OK)
                        return k;
        }
        for (uint32_t i = 0; i < c->naddrs; i++) {
                k = wsbx_artbuild_add_addr(b, c->addrs[i].code_offset, c->addrs[i].wasm_offset, err);
                if (k != WSBX_OK)
                        return k;
        }
        wsbx_artbuild_set_compat(b, c->cpu_features, c->settings);
        if (opts && opts->bounds_checks) {
                for (uint32_t i = 0; i < m->nmemories; i++) {
                        k = wsbx_artbuild_set_memory_plan(b, i, WSBX_ART_MEM_DYNAMIC, 0, err);
                        if (k != WSBX_OK)
                                return k;
                }
        }
        return WSBX_OK;
}

wsbx_errkind wsbx_compile(const wsbx_module *m, const wsbx_compile_opts *opts, uint8_t **artifact,
                          size_t *len, wsbx_error *err)
{
        wsbx_compiled *c;
        *artifact = NULL;
        *len = 0;
        wsbx_errkind k = wsbx_compile_module(m, opts, &c, err);
        if (k != WSBX_OK)
                return k;
        wsbx_artbuild *b = wsbx_artbuild_new(m);
        if (!b) {
                wsbx_compiled_delete(c);
                return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
        }
        k = build_artifact(m, opts, c, b, err);
        if (k == WSBX_OK)
                k = wsbx_artbuild_finish(b, artifact, len, err);
        wsbx_artbuild_delete(b);
        wsbx_compiled_delete(c);
        return k;
}
