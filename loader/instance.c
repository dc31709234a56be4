/* instance.c - instantiation, linking, exports, and the table, memory and
 * global objects instances share.
 *
 * wsbx_instantiate() follows the spec's order: match every import against
 * the type the module declares for it (functions by canonical type id,
 * tables and memories by element type and limits subsumption, globals by
 * type and mutability); allocate the vmctx as wsbx_vmctx_layout_of() lays
 * it out and fill its header; build funcrefs for the whole function index
 * space, then memories, tables and globals; evaluate element segments into
 * references; apply the active element segments, then the active data
 * segments, each with the bounds check of table.init / memory.init
 * followed by a drop; run the start function.
 *
 * Invariants and surprises:
 * - Shared objects are never copied: an imported table, memory or global
 *   is the exporter's object, and the importer's vmctx points at the
 *   exporter's definition or cell. An imported function's funcref is a
 *   copy of the provider's record, except that a host function's copy gets
 *   the importer's wasm->array trampoline for the type as wasm_code (the
 *   host function itself has none).
 * - A segment out of bounds traps after the segments before it were
 *   applied, and those writes stay visible through imported tables and
 *   memories; a funcref written into another instance's table must keep
 *   working. So an instance that failed this late is not freed: it stays
 *   in the store (unreachable but alive) until the store goes.
 * - A module compiled for the static memory plan elides bounds checks, so
 *   it may only import a memory whose reservation and guard cover every
 *   32-bit access; anything else is an incompatible import.
 * - Memories whose plan lets them move are followed: a grow that moves the
 *   base updates mem0_base in every instance that uses the memory.
 */
#include "loader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


int wsbx_lerr_set(wsbx_lerr *err, int rc, const char *fmt, ...)
{
        if (err) {
                va_list ap;
                va_start(ap, fmt);
                vsnprintf(err->msg, sizeof err->msg, fmt, ap);
                va_end(ap);
        }
        return rc;
}

static bool is_reftype(uint8_t t)
{
        return t == WSBX_ART_FUNCREF || t == WSBX_ART_EXTERNREF;
}

static bool is_valtype(uint8_t t)
{
        return t == WSBX_ART_I32 || t == WSBX_ART_I64 || t == WSBX_ART_F32 || t == WSBX_ART_F64 ||
               t == WSBX_ART_V128 || is_reftype(t);
}

static const char *kind_name(uint8_t k)
{
        static const char *const names[] = { "func", "table", "memory", "global" };
        return k <= WSBX_ART_EXTERN_GLOBAL ? names[k] : "nothing";
}

/* ------------------------------------------------------------------------ */
/* Tables, memories and globals                                             */
/* ------------------------------------------------------------------------ */

static int table_new(wsbx_store *s, uint8_t elem, uint64_t min, bool has_max, uint64_t max, void *init,
                     wsbx_table_inst **out)
{
        *out = NULL;
        if (!is_reftype(elem) || min > UINT32_MAX || (has_max && (max > UINT32_MAX || max < min)))
                return -EINVAL;
        if (min > s->cfg.max_table_elems)
                return -E2BIG;
        wsbx_table_inst *t = calloc(1, sizeof *t);
        void **e = calloc(min ? min : 1, sizeof *e);
        if (!t || !e) {
                free(t);
                free(e);
                return -ENOMEM;
        }
        /* Zeros are null here: a lazy element of a table without an
         * image (abi.h). */
        if (init) {
                for (uint64_t i = 0; i < min; i++)
                        e[i] = init;
        }
        t->def.elems = e;
        t->def.size = min;
        t->elem = elem;
        t->has_max = has_max;
        t->max = has_max ? (uint32_t)max : UINT32_MAX;
        t->limit = s->cfg.max_table_elems;
        t->next = s->tables;
        s->tables = t;
        *out = t;
        return 0;
}

int wsbx_table_inst_new(wsbx_store *s, uint8_t elem, uint32_t min, bool has_max, uint32_t max,
                        void *init, wsbx_table_inst **out)
{
        return table_new(s, elem, min, has_max, max, init, out);
}

uint8_t wsbx_table_inst_elem(const wsbx_table_inst *t)
{
        return t->elem;
}

uint32_t wsbx_table_inst_size(const wsbx_table_inst *t)
{
        return (uint32_t)t->def.size;
}

wsbx_table_def *wsbx_table_inst_def(wsbx_table_inst *t)
{
        return &t->def;
}

void *wsbx_table_enc(const wsbx_table_inst *t, void *v)
{
        return v || t->elem != WSBX_ART_FUNCREF ? v : (void *)(uintptr_t)WSBX_TABLE_NULL_FUNCREF;
}

/* The stored value a lazy element i of t stands for. */
static void *lazy_value(const wsbx_table_inst *t, uint32_t i)
{
        uint32_t f = WSBX_ART_NONE;
        if (t->owner && i < t->image_count)
                memcpy(&f, t->image + 4ull * i, 4);
        return f == WSBX_ART_NONE ? (void *)(uintptr_t)WSBX_TABLE_NULL_FUNCREF : wsbx_inst_funcref(t->owner, f);
}

/* Element i (< size) of funcref table t as stored, initialized in place. */
static void *initialized(wsbx_table_inst *t, uint32_t i)
{
        if (!t->def.elems[i])
                t->def.elems[i] = lazy_value(t, i);
        return t->def.elems[i];
}

/* Element i as a value, without storing a lazy one. */
static void *stored(const wsbx_table_inst *t, uint32_t i)
{
        void *v = t->def.elems[i];
        if (t->elem != WSBX_ART_FUNCREF)
                return v;
        if (!v)
                v = lazy_value(t, i);
        return v == (void *)(uintptr_t)WSBX_TABLE_NULL_FUNCREF ? NULL : v;
}

void *wsbx_table_elem_load(wsbx_table_inst *t, uint32_t i)
{
        if (t->elem == WSBX_ART_FUNCREF)
                initialized(t, i);
        return stored(t, i);
}

void wsbx_table_materialize(wsbx_table_inst *t, uint32_t from, uint32_t n)
{
        if (t->elem != WSBX_ART_FUNCREF)
                return;
        for (uint32_t i = from; i < from + n; i++)
                initialized(t, i);
}

void *wsbx_table_lazy_init(wsbx_table_def *def, uint64_t i)
{
        if (i >= def->size)
                return (void *)(uintptr_t)WSBX_TABLE_NULL_FUNCREF;
        return initialized((wsbx_table_inst *)(void *)def, (uint32_t)i);
}

int wsbx_table_inst_get(const wsbx_table_inst *t, uint32_t i, void **out)
{
        if (i >= t->def.size)
                return -EINVAL;
        *out = stored(t, i);
        return 0;
}

int wsbx_table_inst_set(wsbx_table_inst *t, uint32_t i, void *v)
{
        if (i >= t->def.size)
                return -EINVAL;
        t->def.elems[i] = wsbx_table_enc(t, v);
        return 0;
}

int64_t wsbx_table_inst_grow(wsbx_table_inst *t, uint32_t delta, void *init)
{
        uint64_t old = t->def.size, n = old + delta;
        uint64_t cap = t->has_max ? t->max : UINT32_MAX;
        if (cap > t->limit)
                cap = t->limit;
        if (n > cap)
                return -1;
        if (delta == 0)
                return (int64_t)old;
        void **e = realloc(t->def.elems, sizeof *e * n);
        if (!e)
                return -1;
        init = wsbx_table_enc(t, init);
        for (uint64_t i = old; i < n; i++)
                e[i] = init;
        t->def.elems = e;
        t->def.size = n;
        return (int64_t)old;
}

/* rec: the module's memory record when the memory is a module's (its
 * plan decides the reservation), NULL for a host memory. */
static int memory_new(wsbx_store *s, uint32_t min, bool has_max, uint32_t max, const wsbx_art_memory *rec,
                      wsbx_memory_inst **out, wsbx_lerr *err)
{
        *out = NULL;
        wsbx_memory_config cfg = s->cfg.memory;
        if (rec && rec->style == WSBX_ART_MEM_STATIC) {
                /* Code without bounds checks: only the full reservation
                 * and a guard covering every static offset will do. */
                uint64_t g = rec->guard_size > WSBX_MEMORY_GUARD ? rec->guard_size : WSBX_MEMORY_GUARD;
                cfg.plan = WSBX_MEMPLAN_STATIC;
                if (cfg.static_bound < WSBX_MEMORY_RESERVE)
                        cfg.static_bound = WSBX_MEMORY_RESERVE;
                if (cfg.guard_after < g)
                        cfg.guard_after = g;
        }
        wsbx_memory_inst *m = calloc(1, sizeof *m);
        if (!m)
                return wsbx_lerr_set(err, -ENOMEM, "out of memory");
        int rc = wsbx_memory_new(&cfg, min, has_max, max, &m->mem, err);
        if (rc < 0) {
                free(m);
                return rc;
        }
        m->has_max = has_max;
        m->max = has_max ? max : WSBX_WASM_MAX_PAGES;
        m->store = s;
        m->next = s->memories;
        s->memories = m;
        *out = m;
        return 0;
}

int wsbx_memory_inst_new(wsbx_store *s, uint32_t min, bool has_max, uint32_t max,
                         wsbx_memory_inst **out, wsbx_lerr *err)
{
        if (err)
                err->msg[0] = 0;
        return memory_new(s, min, has_max, max, NULL, out, err);
}

wsbx_memory *wsbx_memory_inst_memory(wsbx_memory_inst *m)
{
        return m->mem;
}

int64_t wsbx_memory_inst_grow(wsbx_memory_inst *m, uint32_t delta_pages)
{
        uint8_t *before = wsbx_memory_def_of(m->mem)->base;
        int64_t r = wsbx_memory_grow(m->mem, delta_pages);
        if (r >= 0 && wsbx_memory_def_of(m->mem)->base != before)
                wsbx_store_memory_moved(m->store, m);
        return r;
}

int wsbx_global_inst_new(wsbx_store *s, uint8_t type, bool mut, const wsbx_val_raw *init,
                         wsbx_global_inst **out)
{
        *out = NULL;
        if (!is_valtype(type))
                return -EINVAL;
        wsbx_global_inst *g = aligned_alloc(16, sizeof *g);
        if (!g)
                return -ENOMEM;
        memset(g, 0, sizeof *g);
        g->cell = &g->own;
        g->type = type;
        g->mut = mut;
        if (init)
                g->own = *init;
        g->next = s->globals;
        s->globals = g;
        *out = g;
        return 0;
}

uint8_t wsbx_global_inst_type(const wsbx_global_inst *g)
{
        return g->type;
}

bool wsbx_global_inst_mut(const wsbx_global_inst *g)
{
        return g->mut;
}

void wsbx_global_inst_get(const wsbx_global_inst *g, wsbx_val_raw *out)
{
        *out = *g->cell;
}

int wsbx_global_inst_set(wsbx_global_inst *g, const wsbx_val_raw *v)
{
        if (!g->mut)
                return -EPERM;
        *g->cell = *v;
        return 0;
}

/* ------------------------------------------------------------------------ */
/* Import matching                                                          */
/* ------------------------------------------------------------------------ */

/* Limits {min1, max1?} match {min2, max2?} when min1 >= min2 and, if max2
 * exists, max1 exists and max1 <= max2 (the spec's subsumption). */
static bool limits_match(uint64_t min1, bool has_max1, uint64_t max1, uint64_t min2, bool has_max2,
                         uint64_t max2)
{
        if (min1 < min2)
                return false;
        return !has_max2 || (has_max1 && max1 <= max2);
}

/* Why import i (with the names for the message) does not match, or NULL. */
static const char *import_mismatch(const wsbx_loaded *l, uint32_t i, const wsbx_extern *x)
{
        const wsbx_artifact *a = &l->art;
        const wsbx_art_import *im = &a->imports[i];
        uint32_t idx = im->index;
        if (x->kind != im->kind)
                return "wrong kind";
        switch (im->kind) {
        case WSBX_ART_EXTERN_FUNC:
                if (!x->u.func)
                        return "no function";
                if (x->u.func->type_id != l->type_ids[a->funcs[idx].type])
                        return "function type mismatch";
                return NULL;
        case WSBX_ART_EXTERN_TABLE: {
                const wsbx_art_table *t = &a->tables[idx];
                const wsbx_table_inst *p = x->u.table;
                if (!p)
                        return "no table";
                if (p->elem != t->elem)
                        return "element type mismatch";
                if (!limits_match(p->def.size, p->has_max, p->max, t->min, t->flags & WSBX_ART_F_HAS_MAX,
                                  t->max))
                        return "table limits mismatch";
                return NULL;
        }
        case WSBX_ART_EXTERN_MEMORY: {
                const wsbx_art_memory *m = &a->memories[idx];
                const wsbx_memory_inst *p = x->u.memory;
                if (!p)
                        return "no memory";
                if (!limits_match(wsbx_memory_pages(p->mem), p->has_max, p->max, m->min,
                                  m->flags & WSBX_ART_F_HAS_MAX, m->max))
                        return "memory limits mismatch";
                if (m->style == WSBX_ART_MEM_STATIC) {
                        const wsbx_memory_plan *pl = wsbx_memory_plan_of(p->mem);
                        uint64_t g = m->guard_size > WSBX_MEMORY_GUARD ? m->guard_size : WSBX_MEMORY_GUARD;
                        if (pl->kind != WSBX_MEMPLAN_STATIC || !pl->elide_checks || pl->guard_after < g)
                                return "memory reservation too small for code without bounds checks";
                }
                return NULL;
        }
        case WSBX_ART_EXTERN_GLOBAL: {
                const wsbx_art_global *g = &a->globals[idx];
                const wsbx_global_inst *p = x->u.global;
                if (!p)
                        return "no global";
                if (p->type != g->type)
                        return "global type mismatch";
                if (p->mut != !!(g->flags & WSBX_ART_F_MUT))
                        return "global mutability mismatch";
                return NULL;
        }
        }
        return "bad kind";
}

static int check_imports(const wsbx_loaded *l, const wsbx_extern *imports, wsbx_lerr *err)
{
        const wsbx_artifact *a = &l->art;
        for (uint32_t i = 0; i < a->nimports; i++) {
                const wsbx_art_import *im = &a->imports[i];
                const wsbx_extern *x = &imports[i];
                int ml = im->module.len > 64 ? 64 : (int)im->module.len;
                int nl = im->name.len > 64 ? 64 : (int)im->name.len;
                const char *mod = wsbx_artifact_str(a, im->module), *name = wsbx_artifact_str(a, im->name);
                if (x->kind == WSBX_EXTERN_MISSING)
                        return wsbx_lerr_set(err, -ENOENT, "unknown import \"%.*s\" \"%.*s\"", ml, mod, nl, name);
                const char *why = import_mismatch(l, i, x);
                if (why)
                        return wsbx_lerr_set(err, -EINVAL,
                                         "incompatible import type: \"%.*s\" \"%.*s\": %s (expected %s, got %s)",
                                         ml, mod, nl, name, why, kind_name(im->kind), kind_name(x->kind));
        }
        return 0;
}

/* ------------------------------------------------------------------------ */
/* Instantiation                                                            */
/* ------------------------------------------------------------------------ */

void wsbx_instance_free(wsbx_instance *in)
{
        if (!in)
                return;
        if (in->elem_refs) {
                for (uint32_t i = 0; i < in->mod->art.nelems; i++)
                        free(in->elem_refs[i]);
                free(in->elem_refs);
        }
        free(in->memories);
        free(in->tables);
        free(in->globals);
        free(in->own_globals);
        free(in->imports);
        free(in->vmctx);
        free(in);
}

/* The value of a constant expression (already verified against the
 * module's index spaces). */
static void eval_const(const wsbx_instance *in, const wsbx_art_const *k, wsbx_val_raw *out)
{
        memset(out, 0, sizeof *out);
        switch (k->op) {
        case WSBX_ART_CONST_REF_NULL:
                break;
        case WSBX_ART_CONST_REF_FUNC:
                out->ref = wsbx_inst_funcref(in, k->index);
                break;
        case WSBX_ART_CONST_GLOBAL_GET:
                *out = *in->globals[k->index]->cell;
                break;
        default:
                memcpy(out, k->value, sizeof k->value);
                break;
        }
}

static int trap_out(wsbx_trap_info *t, wsbx_trap kind, void *owner)
{
        memset(t, 0, sizeof *t);
        t->kind = kind;
        t->wasm_offset = UINT32_MAX;
        t->owner = owner;
        return (int)kind;
}

/* Funcrefs for the whole function index space. */
static int init_funcrefs(wsbx_instance *in, const wsbx_extern *imports, wsbx_lerr *err)
{
        const wsbx_loaded *l = in->mod;
        const wsbx_artifact *a = &l->art;
        uint32_t fi = 0;
        for (uint32_t i = 0; i < a->nimports; i++) {
                if (a->imports[i].kind != WSBX_ART_EXTERN_FUNC)
                        continue;
                uint32_t f = fi++;
                wsbx_funcref *r = wsbx_inst_funcref(in, f);
                *r = *imports[i].u.func;
                if (r->wasm_code)
                        continue;
                /* A host function: our trampoline for its type. */
                const wsbx_art_type *t = &a->types[a->funcs[f].type];
                if (!l->text || t->w2a_offset == WSBX_ART_NONE)
                        return wsbx_lerr_set(err, -ENOEXEC, "import %u: no host trampoline for type %u", i,
                                         a->funcs[f].type);
                r->wasm_code = l->text + t->w2a_offset;
        }
        for (uint32_t f = a->nimported_funcs; f < a->nfuncs; f++) {
                const wsbx_art_func *af = &a->funcs[f];
                wsbx_funcref *r = wsbx_inst_funcref(in, f);
                r->wasm_code = l->text + af->code_offset;
                r->array_code = af->entry_offset == WSBX_ART_NONE
                                        ? NULL
                                        : (wsbx_array_fn)(void *)(l->text + af->entry_offset);
                r->vmctx = (struct wsbx_vmctx *)(void *)in->vmctx;
                r->type_id = l->type_ids[af->type];
        }
        return 0;
}

/* images false: the memories stay zero (snapshot restore fills them). */
static int init_memories(wsbx_instance *in, const wsbx_extern *imports, bool images, wsbx_lerr *err)
{
        wsbx_store *s = in->store;
        const wsbx_loaded *l = in->mod;
        const wsbx_artifact *a = &l->art;
        for (uint32_t i = 0, k = 0; i < a->nimports; i++)
                if (a->imports[i].kind == WSBX_ART_EXTERN_MEMORY)
                        in->memories[k++] = imports[i].u.memory;
        for (uint32_t i = a->nimported_memories; i < a->nmemories; i++) {
                const wsbx_art_memory *m = &a->memories[i];
                int rc = memory_new(s, (uint32_t)m->min, m->flags & WSBX_ART_F_HAS_MAX, (uint32_t)m->max, m,
                                    &in->memories[i], err);
                if (rc < 0)
                        return rc;
                if (images && s->cfg.memory_placed &&
                    (rc = s->cfg.memory_placed(s->cfg.memory_placed_ctx, in->memories[i]->mem)) < 0)
                        return wsbx_lerr_set(err, rc, "memory %u: %s", i, strerror(-rc));
                /* Copied images are copied in finish (guarded: see there). */
                if (images && m->init == WSBX_ART_INIT_IMAGE && l->images[i] && !s->cfg.copy_images) {
                        rc = wsbx_memory_map_image(in->memories[i]->mem, l->images[i], err);
                        if (rc < 0)
                                return rc;
                }
        }
        wsbx_memory_def **defs = (wsbx_memory_def **)(void *)(in->vmctx + in->lay.memories);
        for (uint32_t i = 0; i < a->nmemories; i++)
                defs[i] = wsbx_memory_def_of(in->memories[i]->mem);
        if (a->nmemories) {
                wsbx_vmctx_header *h = wsbx_inst_header(in);
                h->mem0 = defs[0];
                h->mem0_base = defs[0]->base;
        }
        return 0;
}

/* Defined table i's precomputed function-index array, if it has one: its
 * elements stay 0 (abi.h) and take their values from it on first use. */
static void table_set_image(wsbx_instance *in, uint32_t i)
{
        const wsbx_artifact *a = &in->mod->art;
        const wsbx_art_table *t = &a->tables[i];
        wsbx_table_inst *ti = in->tables[i];
        ti->owner = in;
        ti->image = NULL;
        ti->image_count = 0;
        if (t->init == WSBX_ART_INIT_IMAGE) {
                ti->image = a->blob + t->image_off;
                ti->image_count = t->image_count;
        }
}

static int init_tables(wsbx_instance *in, const wsbx_extern *imports, wsbx_lerr *err)
{
        const wsbx_artifact *a = &in->mod->art;
        for (uint32_t i = 0, k = 0; i < a->nimports; i++)
                if (a->imports[i].kind == WSBX_ART_EXTERN_TABLE)
                        in->tables[k++] = imports[i].u.table;
        for (uint32_t i = a->nimported_tables; i < a->ntables; i++) {
                const wsbx_art_table *t = &a->tables[i];
                int rc = table_new(in->store, t->elem, t->min, t->flags & WSBX_ART_F_HAS_MAX, t->max, NULL,
                                   &in->tables[i]);
                if (rc == -E2BIG)
                        return wsbx_lerr_set(err, rc, "table %u: %llu elements exceed the limit of %u", i,
                                         (unsigned long long)t->min, in->store->cfg.max_table_elems);
                if (rc < 0)
                        return wsbx_lerr_set(err, rc, "table %u: %s", i, strerror(-rc));
                table_set_image(in, i);
        }
        wsbx_table_def **defs = (wsbx_table_def **)(void *)(in->vmctx + in->lay.tables);
        for (uint32_t i = 0; i < a->ntables; i++)
                defs[i] = &in->tables[i]->def;
        return 0;
}

static void init_globals(wsbx_instance *in, const wsbx_extern *imports)
{
        const wsbx_artifact *a = &in->mod->art;
        void **cells = (void **)(void *)(in->vmctx + in->lay.imported_globals);
        for (uint32_t i = 0, k = 0; i < a->nimports; i++) {
                if (a->imports[i].kind != WSBX_ART_EXTERN_GLOBAL)
                        continue;
                in->globals[k] = imports[i].u.global;
                cells[k] = in->globals[k]->cell;
                k++;
        }
        /* Initializers read imported globals only, so any order works. */
        for (uint32_t i = a->nimported_globals; i < a->nglobals; i++) {
                const wsbx_art_global *ag = &a->globals[i];
                wsbx_global_inst *g = &in->own_globals[i - a->nimported_globals];
                g->cell = (wsbx_val_raw *)(void *)(in->vmctx + in->lay.defined_globals +
                                                   16ull * (i - a->nimported_globals));
                g->type = ag->type;
                g->mut = ag->flags & WSBX_ART_F_MUT;
                eval_const(in, &ag->init, g->cell);
                in->globals[i] = g;
        }
}

/* Segment sizes and evaluated element references. A segment folded into an
 * image, and a declarative one, starts out dropped. */
static int init_segments(wsbx_instance *in, wsbx_lerr *err)
{
        const wsbx_artifact *a = &in->mod->art;
        uint32_t *ds = wsbx_inst_data_sizes(in), *es = wsbx_inst_elem_sizes(in);
        for (uint32_t i = 0; i < a->ndatas; i++)
                ds[i] = a->datas[i].flags & WSBX_ART_SEG_IN_IMAGE ? 0 : a->datas[i].size;
        for (uint32_t i = 0; i < a->nelems; i++) {
                const wsbx_art_elem *e = &a->elems[i];
                es[i] = 0;
                if (e->mode == WSBX_ART_SEG_DECLARATIVE || (e->flags & WSBX_ART_SEG_IN_IMAGE) || !e->count)
                        continue;
                void **refs = malloc(sizeof *refs * e->count);
                if (!refs)
                        return wsbx_lerr_set(err, -ENOMEM, "out of memory");
                for (uint32_t k = 0; k < e->count; k++) {
                        wsbx_val_raw v;
                        eval_const(in, &a->items[e->items_first + k], &v);
                        refs[k] = v.ref;
                }
                in->elem_refs[i] = refs;
                es[i] = e->count;
        }
        return 0;
}

/* Active segments, in order; the first that traps ends instantiation. */
static wsbx_trap apply_segments(wsbx_instance *in)
{
        const wsbx_artifact *a = &in->mod->art;
        for (uint32_t i = 0; i < a->nelems; i++) {
                const wsbx_art_elem *e = &a->elems[i];
                if (e->mode != WSBX_ART_SEG_ACTIVE || (e->flags & WSBX_ART_SEG_IN_IMAGE))
                        continue;
                wsbx_val_raw off;
                eval_const(in, &e->offset, &off);
                wsbx_trap t = wsbx_inst_table_init(in, e->table, i, off.i32, 0, e->count);
                if (t != WSBX_TRAP_NONE)
                        return t;
                wsbx_inst_elem_drop(in, i);
        }
        for (uint32_t i = 0; i < a->ndatas; i++) {
                const wsbx_art_data *d = &a->datas[i];
                if (d->mode != WSBX_ART_SEG_ACTIVE || (d->flags & WSBX_ART_SEG_IN_IMAGE))
                        continue;
                wsbx_val_raw off;
                eval_const(in, &d->offset, &off);
                wsbx_trap t = wsbx_inst_memory_init(in, d->memory, i, off.i32, 0, d->size);
                if (t != WSBX_TRAP_NONE)
                        return t;
                wsbx_inst_data_drop(in, i);
        }
        return WSBX_TRAP_NONE;
}

static int finish(wsbx_instance *in, wsbx_trap_info *trap, wsbx_lerr *err);

static wsbx_instance *instance_alloc(wsbx_store *s, wsbx_loaded *l, wsbx_lerr *err, int *rc)
{
        const wsbx_artifact *a = &l->art;
        uint32_t ndef = a->nglobals - a->nimported_globals;
        wsbx_vmctx_layout lay = wsbx_vmctx_layout_of(a->nmemories, a->ntables, a->nimported_globals, ndef,
                                                     a->nfuncs, a->ndatas, a->nelems);
        if (lay.size == UINT32_MAX) {
                *rc = wsbx_lerr_set(err, -E2BIG, "instance context too large");
                return NULL;
        }
        wsbx_instance *in = calloc(1, sizeof *in);
        if (!in) {
                *rc = wsbx_lerr_set(err, -ENOMEM, "out of memory");
                return NULL;
        }
        in->store = s;
        in->mod = l;
        in->lay = lay;
        in->vmctx = aligned_alloc(16, lay.size);
        in->memories = calloc(a->nmemories + 1, sizeof *in->memories);
        in->tables = calloc(a->ntables + 1, sizeof *in->tables);
        in->globals = calloc(a->nglobals + 1, sizeof *in->globals);
        in->own_globals = aligned_alloc(16, sizeof *in->own_globals * (ndef + 1));
        in->elem_refs = calloc(a->nelems + 1, sizeof *in->elem_refs);
        if (!in->vmctx || !in->memories || !in->tables || !in->globals || !in->own_globals ||
            !in->elem_refs) {
                wsbx_instance_free(in);
                *rc = wsbx_lerr_set(err, -ENOMEM, "out of memory");
                return NULL;
        }
        memset(in->vmctx, 0, lay.size);
        memset(in->own_globals, 0, sizeof *in->own_globals * (ndef + 1));
        wsbx_vmctx_header *h = wsbx_inst_header(in);
        h->stack_limit = wsbx_stack_limit(s->stack);
        h->epoch_ptr = s->epoch_ptr;
        h->epoch_deadline = s->deadline;
        h->builtins = wsbx_builtins;
        h->instance = in;
        h->type_ids = l->type_ids;
        return in;
}

/* What both instantiation paths check first: the store, the import count
 * and every import's kind and type. */
static int check_call(wsbx_store *s, wsbx_loaded *l, const wsbx_extern *imports, uint32_t nimports,
                      wsbx_lerr *err)
{
        const wsbx_artifact *a = &l->art;
        if (err)
                err->msg[0] = 0;
        if (l->store != s)
                return wsbx_lerr_set(err, -EINVAL, "the code was loaded into another store");
        if (nimports != a->nimports || (nimports && !imports))
                return wsbx_lerr_set(err, -EINVAL, "incompatible import type: %u imports given, the module has %u",
                                 nimports, a->nimports);
        return check_imports(l, imports, err);
}

/* A new instance of l: funcrefs, memories (mapping their images when
 * `images`), tables, globals and segment state; not yet in the store's
 * list of instances. Nothing shared is touched. */
static int build(wsbx_store *s, wsbx_loaded *l, const wsbx_extern *imports, bool images, wsbx_instance **out,
                 wsbx_lerr *err)
{
        int rc;
        wsbx_instance *in = instance_alloc(s, l, err, &rc);
        if (!in)
                return rc;
        if ((rc = init_funcrefs(in, imports, err)) < 0 || (rc = init_memories(in, imports, images, err)) < 0 ||
            (rc = init_tables(in, imports, err)) < 0) {
                /* What was created is in the store's lists. */
                wsbx_instance_free(in);
                return rc;
        }
        init_globals(in, imports);
        if ((rc = init_segments(in, err)) < 0) {
                wsbx_instance_free(in);
                return rc;
        }
        *out = in;
        return 0;
}

int wsbx_instantiate(wsbx_store *s, wsbx_loaded *l, const wsbx_extern *imports,
                     uint32_t nimports, wsbx_instance **out, wsbx_trap_info *trap,
                     wsbx_lerr *err)
{
        wsbx_trap_info local;
        int rc = 0;
        if (!trap)
                trap = &local;
        trap_out(trap, WSBX_TRAP_NONE, NULL);
        *out = NULL;
        if ((rc = check_call(s, l, imports, nimports, err)) < 0)
                return rc;

        wsbx_instance *in = s->cfg.pool_instances ? wsbx_pool_take(s, l, imports, nimports) : NULL;
        if (in) {
                rc = wsbx_instance_reinit(in, trap, err);
                if (rc == 0)
                        *out = in;
                return rc;
        }
        if ((rc = build(s, l, imports, true, &in, err)) < 0)
                return rc;
        if (s->cfg.pool_instances && nimports) {
                in->imports = malloc(sizeof *imports * nimports);
                if (!in->imports) {
                        wsbx_instance_free(in);
                        return wsbx_lerr_set(err, -ENOMEM, "out of memory");
                }
                memcpy(in->imports, imports, sizeof *imports * nimports);
        }
        in->nimports = nimports;

        /* From here on, other instances may end up holding our funcrefs. */
        in->next = s->instances;
        s->instances = in;
        rc = finish(in, trap, err);
        if (rc == 0)
                *out = in;
        return rc;
}

int wsbx_instantiate_bare(wsbx_store *s, wsbx_loaded *l, const wsbx_extern *imports,
                          uint32_t nimports, wsbx_instance **out, wsbx_lerr *err)
{
        *out = NULL;
        int rc = check_call(s, l, imports, nimports, err);
        wsbx_instance *in;
        if (rc < 0 || (rc = build(s, l, imports, false, &in, err)) < 0)
                return rc;
        in->nimports = nimports;
        in->next = s->instances;
        s->instances = in;
        *out = in;
        return 0;
}

/* Copies the images of a store with copy_images, then applies the
 * segments; run by wsbx_call_guarded so that a page a pager poisons (a
 * memory quota) becomes a trap, not a crash. vals[0]: the instance in,
 * the segments' trap (or 0) out; vals[1] out: -errno of a failed image
 * copy, else 0. */
static void init_contents(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals, uint32_t n)
{
        (void)callee, (void)caller, (void)n;
        wsbx_instance *in = vals[0].ref;
        const wsbx_artifact *a = &in->mod->art;
        vals[1].i64 = 0;
        for (uint32_t i = a->nimported_memories; i < a->nmemories && in->store->cfg.copy_images; i++) {
                wsbx_lerr e;
                if (a->memories[i].init == WSBX_ART_INIT_IMAGE && in->mod->images[i]) {
                        int rc = wsbx_memory_copy_image(in->memories[i]->mem, in->mod->images[i], &e);
                        if (rc < 0) {
                                vals[0].i64 = 0;
                                vals[1].i64 = (uint64_t)(int64_t)rc;
                                return;
                        }
                }
        }
        vals[0].i64 = (uint64_t)apply_segments(in);
}

/* Active segments and the start function: the part of instantiation that
 * runs guest-visible effects, shared with pooled reuse. */
static int finish(wsbx_instance *in, wsbx_trap_info *trap, wsbx_lerr *err)
{
        wsbx_store *s = in->store;
        wsbx_loaded *l = in->mod;
        const wsbx_artifact *a = &l->art;
        int rc;
        wsbx_trap t;
        if (s->cfg.memory_placed) {
                wsbx_val_raw v[2] = { { .ref = in } };
                rc = wsbx_call_guarded(s->stack, init_contents, NULL, NULL, v, 2, trap);
                if (rc != 0) {
                        if (rc < 0)
                                wsbx_lerr_set(err, rc, "initializing memories: %s", strerror(-rc));
                        return rc;
                }
                if ((int64_t)v[1].i64 < 0)
                        return wsbx_lerr_set(err, (int)(int64_t)v[1].i64, "copying a memory image: %s",
                                             strerror((int)-(int64_t)v[1].i64));
                t = (wsbx_trap)v[0].i64;
        } else {
                t = apply_segments(in);
        }
        if (t != WSBX_TRAP_NONE)
                return trap_out(trap, t, l);
        if (a->start_func != WSBX_ART_NONE) {
                const wsbx_funcref *f = wsbx_inst_funcref(in, a->start_func);
                if (!f->array_code)
                        return wsbx_lerr_set(err, -ENOEXEC, "start function %u has no entry trampoline",
                                         a->start_func);
                wsbx_val_raw none[1];
                rc = wsbx_call_guarded(s->stack, f->array_code, f->vmctx, NULL, none, 0, trap);
                if (rc != 0) {
                        if (rc < 0)
                                wsbx_lerr_set(err, rc, "calling the start function: %s", strerror(-rc));
                        return rc;
                }
        }
        in->ready = true;
        return 0;
}

int wsbx_instance_reinit(wsbx_instance *in, wsbx_trap_info *trap, wsbx_lerr *err)
{
        wsbx_store *s = in->store;
        const wsbx_artifact *a = &in->mod->art;
        wsbx_vmctx_header *h = wsbx_inst_header(in);
        in->ready = false;
        h->stack_limit = wsbx_stack_limit(s->stack);
        h->epoch_ptr = s->epoch_ptr;
        h->epoch_deadline = s->deadline;
        if (a->nmemories)
                h->mem0_base = h->mem0->base;
        for (uint32_t i = a->nimported_tables; i < a->ntables; i++) {
                wsbx_table_def *d = &in->tables[i]->def;
                d->size = a->tables[i].min;
                if (d->size)
                        memset(d->elems, 0, sizeof *d->elems * d->size);
        }
        for (uint32_t i = a->nimported_globals; i < a->nglobals; i++)
                eval_const(in, &a->globals[i].init, in->globals[i]->cell);
        for (uint32_t i = 0; i < a->nelems; i++) {
                free(in->elem_refs[i]);
                in->elem_refs[i] = NULL;
        }
        int rc = init_segments(in, err);
        if (rc < 0)
                return rc;
        return finish(in, trap, err);
}

/* ------------------------------------------------------------------------ */
/* Exports and accessors                                                    */
/* ------------------------------------------------------------------------ */

int wsbx_instance_export(const wsbx_instance *in, const char *name, size_t len, wsbx_extern *out)
{
        const wsbx_artifact *a = &in->mod->art;
        for (uint32_t i = 0; i < a->nexports; i++) {
                const wsbx_art_export *e = &a->exports[i];
                if (e->name.len != len || memcmp(wsbx_artifact_str(a, e->name), name, len) != 0)
                        continue;
                out->kind = e->kind;
                switch (e->kind) {
                case WSBX_ART_EXTERN_FUNC:
                        out->u.func = wsbx_inst_funcref(in, e->index);
                        break;
                case WSBX_ART_EXTERN_TABLE:
                        out->u.table = in->tables[e->index];
                        break;
                case WSBX_ART_EXTERN_MEMORY:
                        out->u.memory = in->memories[e->index];
                        break;
                default:
                        out->u.global = in->globals[e->index];
                        break;
                }
                return 0;
        }
        return -ENOENT;
}

wsbx_store *wsbx_instance_store(const wsbx_instance *in)
{
        return in->store;
}

wsbx_loaded *wsbx_instance_loaded(const wsbx_instance *in)
{
        return in->mod;
}

struct wsbx_vmctx *wsbx_instance_vmctx(const wsbx_instance *in)
{
        return in ? (struct wsbx_vmctx *)(void *)in->vmctx : NULL;
}

wsbx_instance *wsbx_vmctx_instance(struct wsbx_vmctx *vmctx)
{
        return vmctx ? ((wsbx_vmctx_header *)(void *)vmctx)->instance : NULL;
}
