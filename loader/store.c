/* store.c - stores: the guest stack, the function-type registry, loaded
 * code, host functions, and calls into wasm.
 *
 * A store is the unit of isolation inside a worker: one guest thread, one
 * guest stack, and every object its instances can reach. It owns them all
 * through singly linked lists and frees them only in wsbx_store_delete(),
 * instances first (their vmctxs hold pointers into everything else), then
 * the shared tables, memories, globals and host functions, then the code
 * (nothing can run any more), then the stack.
 *
 * Types are interned in an open-addressing hash table keyed by the value
 * types of parameters and results, so call_indirect compares one 32-bit
 * id, across instances too.
 *
 * Loading code is the one place where guest code becomes executable. The
 * artifact file is mapped read-only and verified as hostile input; .text
 * is then mapped PROT_READ|PROT_EXEC from the same file. No page is ever
 * writable and executable, and no protection is ever changed to add
 * PROT_EXEC, which is what the worker's seccomp filter enforces later.
 * The surprise: verification and execution read the file through two
 * different mappings, so the file must not change in between; artifacts
 * reach workers as sealed memfds for exactly this reason.
 */
#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct wsbx_functype_ent {
        uint32_t nparams, nresults;
        uint32_t hash;
        uint8_t *vt; /* params then results */
};

struct wsbx_host_func {
        wsbx_funcref ref;
        struct wsbx_host_func *next;
};

/* A type registry of more than this many types is a runaway. */
#define MAX_TYPES (1u << 24)

static void lerr_set(wsbx_lerr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lerr_set(wsbx_lerr *err, const char *fmt, ...)
{
        if (!err)
                return;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
}

static size_t page_size(void)
{
        long p = sysconf(_SC_PAGESIZE);
        return p > 0 ? (size_t)p : 4096;
}

/* ------------------------------------------------------------------------ */
/* Stores                                                                   */
/* ------------------------------------------------------------------------ */

void wsbx_store_config_default(wsbx_store_config *cfg)
{
        memset(cfg, 0, sizeof *cfg);
        wsbx_memory_config_default(&cfg->memory);
        cfg->max_table_elems = WSBX_DEFAULT_MAX_TABLE_ELEMS;
        cfg->pool_keep_resident = 1024 * 1024;
}

int wsbx_store_new(const wsbx_store_config *cfg, wsbx_store **out)
{
        *out = NULL;
        /* Handlers and the alternate stack now, before a sandbox forbids
         * sigaction and mmap. */
        int rc = wsbx_trap_init();
        if (rc == 0)
                rc = wsbx_trap_thread_init();
        if (rc < 0)
                return rc;
        wsbx_store *s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        if (cfg)
                s->cfg = *cfg;
        else
                wsbx_store_config_default(&s->cfg);
        if (!s->cfg.max_table_elems)
                s->cfg.max_table_elems = WSBX_DEFAULT_MAX_TABLE_ELEMS;
        s->epoch_ptr = s->cfg.epoch_ptr ? s->cfg.epoch_ptr : &s->epoch;
        s->deadline = UINT64_MAX;
        if (s->cfg.pool_instances) {
                rc = wsbx_pool_check(&s->cfg, NULL);
                s->pool = rc < 0 ? NULL : calloc(s->cfg.pool_instances, sizeof *s->pool);
                if (!s->pool) {
                        free(s);
                        return rc < 0 ? rc : -ENOMEM;
                }
        }
        rc = wsbx_stack_new(s->cfg.stack_size, s->cfg.stack_guard, &s->stack);
        if (rc < 0) {
                free(s->pool);
                free(s);
                return rc;
        }
        *out = s;
        return 0;
}

static void loaded_free(wsbx_loaded *l)
{
        wsbx_code_unregister(l->reg);
        if (l->images) {
                for (uint32_t i = 0; i < l->art.nmemories; i++)
                        wsbx_image_delete(l->images[i]);
                free(l->images);
        }
        if (l->text)
                munmap(l->text, l->text_map_len);
        wsbx_artifact_close(&l->art);
        if (l->map)
                munmap(l->map, l->map_len);
        if (l->fd >= 0)
                close(l->fd);
        free(l->funcs);
        free(l->names);
        free(l->type_ids);
        free(l);
}

void wsbx_store_delete(wsbx_store *s)
{
        if (!s)
                return;
        for (wsbx_instance *in = s->instances, *next; in; in = next) {
                next = in->next;
                wsbx_instance_free(in);
        }
        for (wsbx_table_inst *t = s->tables, *next; t; t = next) {
                next = t->next;
                free(t->def.elems);
                free(t);
        }
        for (wsbx_memory_inst *m = s->memories, *next; m; m = next) {
                next = m->next;
                wsbx_memory_delete(m->mem);
                free(m);
        }
        for (wsbx_global_inst *g = s->globals, *next; g; g = next) {
                next = g->next;
                free(g);
        }
        for (struct wsbx_host_func *h = s->host_funcs, *next; h; h = next) {
                next = h->next;
                free(h);
        }
        for (wsbx_loaded *l = s->loaded, *next; l; l = next) {
                next = l->next;
                loaded_free(l);
        }
        for (uint32_t i = 0; i < s->ntypes; i++)
                free(s->types[i].vt);
        free(s->types);
        free(s->type_hash);
        wsbx_stack_delete(s->stack);
        free(s->pool);
        free(s);
}

wsbx_stack *wsbx_store_stack(wsbx_store *s)
{
        return s->stack;
}

void wsbx_store_set_epoch_deadline(wsbx_store *s, uint64_t deadline)
{
        s->deadline = deadline;
        for (wsbx_instance *in = s->instances; in; in = in->next)
                wsbx_inst_header(in)->epoch_deadline = deadline;
}

void wsbx_store_epoch_increment(wsbx_store *s)
{
        __atomic_add_fetch(&s->epoch, 1, __ATOMIC_RELAXED);
}

void wsbx_store_memory_moved(wsbx_store *s, wsbx_memory_inst *m)
{
        wsbx_memory_def *d = wsbx_memory_def_of(m->mem);
        for (wsbx_instance *in = s->instances; in; in = in->next) {
                wsbx_vmctx_header *h = wsbx_inst_header(in);
                if (h->mem0 == d)
                        h->mem0_base = d->base;
        }
}

/* ------------------------------------------------------------------------ */
/* Type registry                                                            */
/* ------------------------------------------------------------------------ */

static uint32_t type_hash(const uint8_t *p, uint32_t np, const uint8_t *r, uint32_t nr)
{
        /* FNV-1a over the counts and the value types. */
        uint32_t h = 2166136261u;
        uint32_t counts[2] = { np, nr };
        const uint8_t *c = (const uint8_t *)counts;
        for (size_t i = 0; i < sizeof counts; i++)
                h = (h ^ c[i]) * 16777619u;
        for (uint32_t i = 0; i < np; i++)
                h = (h ^ p[i]) * 16777619u;
        for (uint32_t i = 0; i < nr; i++)
                h = (h ^ r[i]) * 16777619u;
        return h;
}

static bool type_equal(const struct wsbx_functype_ent *e, const uint8_t *p, uint32_t np,
                       const uint8_t *r, uint32_t nr)
{
        return e->nparams == np && e->nresults == nr && (!np || !memcmp(e->vt, p, np)) &&
               (!nr || !memcmp(e->vt + np, r, nr));
}

static int rehash(wsbx_store *s, uint32_t cap)
{
        uint32_t *h = calloc(cap, sizeof *h);
        if (!h)
                return -ENOMEM;
        for (uint32_t id = 0; id < s->ntypes; id++) {
                uint32_t k = s->types[id].hash & (cap - 1);
                while (h[k])
                        k = (k + 1) & (cap - 1);
                h[k] = id + 1;
        }
        free(s->type_hash);
        s->type_hash = h;
        s->type_hash_cap = cap;
        return 0;
}

int wsbx_store_intern_type(wsbx_store *s, const uint8_t *params, uint32_t nparams,
                           const uint8_t *results, uint32_t nresults, uint32_t *id)
{
        uint32_t h = type_hash(params, nparams, results, nresults);
        if (s->type_hash_cap) {
                for (uint32_t k = h & (s->type_hash_cap - 1);; k = (k + 1) & (s->type_hash_cap - 1)) {
                        uint32_t e = s->type_hash[k];
                        if (!e)
                                break;
                        if (s->types[e - 1].hash == h &&
                            type_equal(&s->types[e - 1], params, nparams, results, nresults)) {
                                *id = e - 1;
                                return 0;
                        }
                }
        }
        if (s->ntypes >= MAX_TYPES || (uint64_t)nparams + nresults > UINT32_MAX / 2)
                return -E2BIG;
        /* Keep the table at most half full. */
        if (2ull * (s->ntypes + 1) > s->type_hash_cap) {
                int rc = rehash(s, s->type_hash_cap ? 2 * s->type_hash_cap : 64);
                if (rc < 0)
                        return rc;
        }
        if (s->ntypes == s->types_cap) {
                uint32_t cap = s->types_cap ? 2 * s->types_cap : 16;
                struct wsbx_functype_ent *t = realloc(s->types, sizeof *t * cap);
                if (!t)
                        return -ENOMEM;
                s->types = t;
                s->types_cap = cap;
        }
        size_t n = (size_t)nparams + nresults;
        uint8_t *vt = malloc(n ? n : 1);
        if (!vt)
                return -ENOMEM;
        if (nparams)
                memcpy(vt, params, nparams);
        if (nresults)
                memcpy(vt + nparams, results, nresults);
        uint32_t nid = s->ntypes++;
        s->types[nid] = (struct wsbx_functype_ent){ nparams, nresults, h, vt };
        uint32_t k = h & (s->type_hash_cap - 1);
        while (s->type_hash[k])
                k = (k + 1) & (s->type_hash_cap - 1);
        s->type_hash[k] = nid + 1;
        *id = nid;
        return 0;
}

bool wsbx_store_functype(const wsbx_store *s, uint32_t id, const uint8_t **params,
                         uint32_t *nparams, const uint8_t **results, uint32_t *nresults)
{
        if (id >= s->ntypes)
                return false;
        const struct wsbx_functype_ent *e = &s->types[id];
        if (params)
                *params = e->vt;
        if (nparams)
                *nparams = e->nparams;
        if (results)
                *results = e->vt + e->nparams;
        if (nresults)
                *nresults = e->nresults;
        return true;
}

/* ------------------------------------------------------------------------ */
/* Loading code                                                             */
/* ------------------------------------------------------------------------ */

int wsbx_memfd_from_bytes(const void *bytes, size_t len, const char *name)
{
        int fd = memfd_create(name ? name : "wsbx-artifact", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return -errno;
        const uint8_t *p = bytes;
        size_t left = len;
        while (left) {
                ssize_t n = write(fd, p, left);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        int e = -errno;
                        close(fd);
                        return e;
                }
                p += n;
                left -= (size_t)n;
        }
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        return fd;
}

/* Function ranges and NUL-terminated names for the trap registry; unnamed
 * functions are called "wasm-function[N]" as other engines do. */
static int make_code_funcs(wsbx_loaded *l)
{
        const wsbx_artifact *a = &l->art;
        uint32_t n = a->nfuncs - a->nimported_funcs;
        size_t bytes = 0;
        for (uint32_t f = a->nimported_funcs; f < a->nfuncs; f++) {
                uint32_t len;
                wsbx_artifact_func_name(a, f, &len);
                bytes += (len ? len : 32) + 1;
        }
        l->funcs = calloc(n ? n : 1, sizeof *l->funcs);
        l->names = malloc(bytes ? bytes : 1);
        if (!l->funcs || !l->names)
                return -ENOMEM;
        char *p = l->names;
        for (uint32_t f = a->nimported_funcs, i = 0; f < a->nfuncs; f++, i++) {
                uint32_t len;
                const char *name = wsbx_artifact_func_name(a, f, &len);
                if (len) {
                        memcpy(p, name, len);
                        p[len] = 0;
                } else {
                        len = (uint32_t)snprintf(p, 33, "wasm-function[%u]", f);
                }
                l->funcs[i] = (wsbx_code_func){ a->funcs[f].code_offset, a->funcs[f].code_size, p };
                p += len + 1;
        }
        return 0;
}

static int load_checked(wsbx_store *s, wsbx_loaded *l, wsbx_lerr *err)
{
        const wsbx_artifact *a = &l->art;
        for (uint32_t i = 0; i < a->nmemories; i++) {
                if (a->memories[i].flags & (WSBX_ART_F_IS64 | WSBX_ART_F_SHARED)) {
                        lerr_set(err, "memory %u: 64-bit and shared memories are not supported", i);
                        return -ENOTSUP;
                }
        }
        if (a->text_size) {
                size_t ps = page_size();
                l->text_map_len = (a->text_size + ps - 1) / ps * ps;
                void *t = mmap(NULL, l->text_map_len, PROT_READ | PROT_EXEC, MAP_PRIVATE, l->fd,
                               (off_t)a->text_file_offset);
                if (t == MAP_FAILED) {
                        int e = errno;
                        lerr_set(err, "mapping .text: %s", strerror(e));
                        return -e;
                }
                l->text = t;
        }
        l->type_ids = calloc(a->ntypes ? a->ntypes : 1, sizeof *l->type_ids);
        l->images = calloc(a->nmemories ? a->nmemories : 1, sizeof *l->images);
        if (!l->type_ids || !l->images) {
                lerr_set(err, "out of memory");
                return -ENOMEM;
        }
        for (uint32_t t = 0; t < a->ntypes; t++) {
                const wsbx_art_type *ty = &a->types[t];
                const uint8_t *vt = a->blob + ty->vt_off;
                int rc = wsbx_store_intern_type(s, vt, ty->nparams, vt + ty->nparams, ty->nresults,
                                                &l->type_ids[t]);
                if (rc < 0) {
                        lerr_set(err, "interning type %u: %s", t, strerror(-rc));
                        return rc;
                }
        }
        for (uint32_t i = 0; i < a->nmemories; i++) {
                const wsbx_art_image *im = &a->images[i];
                if (!im->bytes)
                        continue;
                int rc = wsbx_image_new_fd(l->fd, im->file_offset, im->size, im->guest_offset,
                                           &l->images[i], err);
                if (rc < 0)
                        return rc;
        }
        if (a->text_size) {
                int rc = make_code_funcs(l);
                if (rc < 0) {
                        lerr_set(err, "out of memory");
                        return rc;
                }
                wsbx_code_info info = {
                        .start = l->text, .len = a->text_size,
                        .traps = a->traps, .ntraps = a->ntraps,
                        .addrs = a->addrs, .naddrs = a->naddrs,
                        .funcs = l->funcs, .nfuncs = a->nfuncs - a->nimported_funcs,
                        .owner = l,
                };
                rc = wsbx_code_register(&info, &l->reg);
                if (rc < 0) {
                        lerr_set(err, "registering code: %s", strerror(-rc));
                        return rc;
                }
        }
        return 0;
}

int wsbx_load_fd(wsbx_store *s, int fd, wsbx_loaded **out, wsbx_lerr *err)
{
        *out = NULL;
        if (err)
                err->msg[0] = 0;
        wsbx_loaded *l = calloc(1, sizeof *l);
        if (!l) {
                lerr_set(err, "out of memory");
                return -ENOMEM;
        }
        l->store = s;
        l->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        int rc;
        struct stat st;
        if (l->fd < 0 || fstat(l->fd, &st) != 0) {
                rc = -errno;
                lerr_set(err, "artifact file: %s", strerror(-rc));
                goto fail;
        }
        if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
                rc = -ENOEXEC;
                lerr_set(err, "artifact file: not a regular file, or empty");
                goto fail;
        }
        l->map_len = (size_t)st.st_size;
        void *map = mmap(NULL, l->map_len, PROT_READ, MAP_PRIVATE, l->fd, 0);
        if (map == MAP_FAILED) {
                rc = -errno;
                lerr_set(err, "mapping artifact: %s", strerror(-rc));
                goto fail;
        }
        l->map = map;
        rc = wsbx_artifact_open(l->map, l->map_len, wsbx_cpu_features(), &l->art, err);
        if (rc < 0)
                goto fail;
        rc = load_checked(s, l, err);
        if (rc < 0)
                goto fail;
        l->next = s->loaded;
        s->loaded = l;
        *out = l;
        return 0;
fail:
        loaded_free(l);
        return rc;
}

int wsbx_load_bytes(wsbx_store *s, const void *bytes, size_t len, wsbx_loaded **out,
                    wsbx_lerr *err)
{
        *out = NULL;
        int fd = wsbx_memfd_from_bytes(bytes, len, "wsbx-artifact");
        if (fd < 0) {
                lerr_set(err, "artifact memfd: %s", strerror(-fd));
                return fd;
        }
        int rc = wsbx_load_fd(s, fd, out, err);
        close(fd);
        return rc;
}

const wsbx_artifact *wsbx_loaded_artifact(const wsbx_loaded *l)
{
        return &l->art;
}

uint32_t wsbx_loaded_type_id(const wsbx_loaded *l, uint32_t type)
{
        return type < l->art.ntypes ? l->type_ids[type] : UINT32_MAX;
}

/* ------------------------------------------------------------------------ */
/* Host functions and calls                                                 */
/* ------------------------------------------------------------------------ */

int wsbx_host_func_new(wsbx_store *s, const uint8_t *params, uint32_t nparams,
                       const uint8_t *results, uint32_t nresults, wsbx_array_fn fn, void *ctx,
                       const wsbx_funcref **out)
{
        *out = NULL;
        if (!fn)
                return -EINVAL;
        uint32_t id;
        int rc = wsbx_store_intern_type(s, params, nparams, results, nresults, &id);
        if (rc < 0)
                return rc;
        struct wsbx_host_func *h = calloc(1, sizeof *h);
        if (!h)
                return -ENOMEM;
        h->ref.wasm_code = NULL;
        h->ref.array_code = fn;
        h->ref.vmctx = ctx;
        h->ref.type_id = id;
        h->next = s->host_funcs;
        s->host_funcs = h;
        *out = &h->ref;
        return 0;
}

int wsbx_invoke(wsbx_store *s, const wsbx_funcref *f, wsbx_val_raw *vals, uint32_t nvals,
                wsbx_trap_info *trap)
{
        uint32_t np, nr;
        memset(trap, 0, sizeof *trap);
        trap->wasm_offset = UINT32_MAX;
        if (!f || !f->array_code || !wsbx_store_functype(s, f->type_id, NULL, &np, NULL, &nr))
                return -EINVAL;
        uint32_t need = np > nr ? np : nr;
        if (nvals < need || (need && !vals))
                return -EINVAL;
        return wsbx_call_guarded(s->stack, f->array_code, f->vmctx, NULL, vals, need, trap);
}
