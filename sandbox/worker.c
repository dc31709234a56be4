/* worker.c - the worker's dispatcher: requests in, completions out.
 *
 * Written as it runs in a jailed process: everything it knows of the
 * supervisor arrives as descriptors and payloads on its endpoint, and
 * everything it hands back is a status, a handle, an offset into its own
 * arena or a copy. The store's objects (modules, instances, functions,
 * tables, memories, globals) are named by handles: indices into one table
 * here, reused after DROP through a free list, never above
 * WSBX_HANDLE_MAX. The same object gets the same handle every time it is
 * handed out (exports, funcref values), found by a linear search; stores
 * are small enough that this has not mattered. DROP forgets a handle
 * only: the loader frees modules, instances and everything they made
 * together with the store, since references cross instances freely.
 *
 * SNAPSHOT and RESTORE take and restore instance snapshots
 * (loader/snapshot.c) through files the supervisor sends along; a lazy
 * RESTORE answers with the memory ranges the supervisor's pager serves.
 *
 * LOAD answers with the module's imports (names and types, from the
 * verified artifact), so the supervisor can bind them by name without
 * reading the artifact itself.
 *
 * Host functions: HOST_FUNC_NEW makes a store function whose code is
 * host_stub below. When the guest calls it, the stub (running on the
 * guest stack, inside the INVOKE or INSTANTIATE being served) posts a
 * HOST_CALL completion and serves requests until the matching HOST_RETURN:
 * the supervisor may INVOKE again meanwhile (host -> guest -> host ...),
 * each nested request served right there. An error reply becomes a trap
 * of kind WSBX_TRAP_HOST with the supervisor's message. The stub keeps
 * nothing on the heap across the trap, since raising does not return.
 *
 * Requests are hostile in the other direction only by mistake (the
 * supervisor is trusted), but they are checked the same way: an unknown
 * handle or a wrong type is an ERROR completion, never a crash.
 */
#include "sandbox.h"
#include "loader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
        OBJ_FREE = 0,
        OBJ_MODULE,
        OBJ_INSTANCE,
        OBJ_FUNC,
        OBJ_TABLE,
        OBJ_MEMORY,
        OBJ_GLOBAL,
        OBJ_WASI,       /* the WASI host module: EXPORT looks functions up by name */
};

struct obj {
        uint8_t kind;
        void *ptr;           /* the loader's object */
        uint32_t next_free;  /* OBJ_FREE: next entry of the free list, 0: end */
};

struct hostrec;

typedef struct worker {
        wsbx_endpoint *ep;
        wsbx_store *store;
        struct obj *objs;    /* objs[0] is never used: handle 0 is null */
        uint32_t nobjs, cap;
        uint32_t free_head;
        uint32_t host_seq;
        bool closing;
        struct hostrec **hosts;
        uint32_t nhosts, hostcap;
        uint8_t *typebuf;    /* st_func_type's joined copy */
        size_t typebuf_cap;
        /* The WASI configuration the worker started with (fds as it sees
         * them), NULL when none: for the WSBX_MSG_WASI handler. */
        const wsbx_wasi_config *wasi;
        wsbx_wasi *wasi_state; /* made by the first WSBX_MSG_WASI */
        const uint64_t *epoch; /* the shared interruption word, or NULL */
        uint64_t epoch_deadline;
        uint32_t pool_instances; /* the store's pool (0: none) */
        uint64_t pool_keep_resident;
        bool memory_quota;       /* announce new memories to the pager */
        uint32_t reg_seq;
} worker;

/* A host function's worker-side record (its host context). */
struct hostrec {
        worker *w;
        uint64_t id;         /* the supervisor's id */
        uint32_t nparams, nresults;
        wsbx_valtype *types; /* params then results */
};

static int serve(worker *w, const wsbx_msg *m);

/* ------------------------------------------------------------------------ */
/* Handles                                                                  */
/* ------------------------------------------------------------------------ */

static struct obj *lookup(worker *w, uint32_t h, uint8_t kind)
{
        if (h == 0 || h >= w->nobjs || w->objs[h].kind != kind)
                return NULL;
        return &w->objs[h];
}

/* The handle of (kind, ptr), made if it has none. 0 when the table is
 * full or out of memory. */
static uint32_t handle_of(worker *w, uint8_t kind, void *ptr)
{
        for (uint32_t i = 1; i < w->nobjs; i++)
                if (w->objs[i].kind == kind && w->objs[i].ptr == ptr)
                        return i;
        uint32_t h = w->free_head;
        if (h) {
                w->free_head = w->objs[h].next_free;
        } else {
                if (w->nobjs == w->cap) {
                        uint32_t cap = w->cap ? 2 * w->cap : 64;
                        if (cap > WSBX_HANDLE_MAX)
                                cap = WSBX_HANDLE_MAX;
                        if (w->nobjs == cap)
                                return 0;
                        struct obj *n = realloc(w->objs, (size_t)cap * sizeof *n);
                        if (!n)
                                return 0;
                        w->objs = n;
                        w->cap = cap;
                }
                if (w->nobjs == 0)
                        w->objs[w->nobjs++] = (struct obj){0};
                h = w->nobjs++;
        }
        w->objs[h] = (struct obj){kind, ptr, 0};
        return h;
}

static void handle_free(worker *w, uint32_t h)
{
        w->objs[h] = (struct obj){OBJ_FREE, NULL, w->free_head};
        w->free_head = h;
}

/* ------------------------------------------------------------------------ */
/* Replies                                                                  */
/* ------------------------------------------------------------------------ */

static int reply(worker *w, const wsbx_msg *req, wsbx_msg *c)
{
        c->kind = req->kind;
        c->seq = req->seq;
        return wsbx_ep_send(w->ep, c);
}

static int reply_fault(worker *w, const wsbx_msg *req, int32_t status, uint32_t trap, uint32_t wasm_offset,
                       const char *msg, const char *bt)
{
        wsbx_msg c = {.status = status};
        if (wsbx_proto_put_fault(w->ep, &c, trap, wasm_offset, msg, bt) < 0)
                wsbx_proto_put_fault(w->ep, &c, trap, wasm_offset, "reply too large", NULL);
        return reply(w, req, &c);
}

static int reply_error(worker *w, const wsbx_msg *req, const char *msg)
{
        return reply_fault(w, req, WSBX_ST_ERROR, 0, UINT32_MAX, msg, NULL);
}

static int reply_handle(worker *w, const wsbx_msg *req, uint32_t h)
{
        if (!h)
                return reply_error(w, req, "too many handles");
        wsbx_msg c = {.status = WSBX_ST_OK, .handle = h};
        return reply(w, req, &c);
}

/* ------------------------------------------------------------------------ */
/* The store (loader)                                                       */
/* ------------------------------------------------------------------------ */

/* The worker reaches the loader only through the st_* functions below;
 * `void *` objects are the loader's (a module, an instance, a function,
 * a table, a memory, a global). */

struct st_extern {
        uint8_t kind; /* OBJ_FUNC ... OBJ_GLOBAL */
        void *ptr;
};

typedef struct st_result {
        int32_t status;       /* WSBX_ST_OK, TRAP, LINK, ERROR */
        uint32_t trap;
        uint32_t wasm_offset;
        char msg[WSBX_STATUS_MSG_MAX];
        char *bt;             /* malloc'ed backtrace text or NULL */
} st_result;

static void st_result_free(st_result *r)
{
        free(r->bt);
        r->bt = NULL;
}

static void st_fail(st_result *r, int32_t status, const char *msg)
{
        r->status = status;
        r->trap = 0;
        r->wasm_offset = UINT32_MAX;
        r->bt = NULL;
        snprintf(r->msg, sizeof r->msg, "%s", msg);
}

static wsbx_store *store_of(worker *w)
{
        return w->store;
}

/* The store's memory_placed hook in a quota session: the new memory is
 * pinned and announced to the supervisor, whose pager registers it over
 * all it can ever occupy; nothing has touched it yet. */
static int announce_memory(void *ctx, wsbx_memory *m)
{
        worker *w = ctx;
        wsbx_msg_range r = {(uint64_t)(uintptr_t)wsbx_memory_def_of(m)->base, 0, wsbx_memory_pin(m)};
        wsbx_msg req = {.kind = WSBX_MSG_PAGER_REGISTER, .seq = ++w->reg_seq};
        if (wsbx_proto_put_bytes(w->ep, &req, &r, sizeof r) < 0 || wsbx_ep_send(w->ep, &req) < 0)
                return -EPIPE;
        /* The answer; nothing else is sent while an instantiation waits. */
        wsbx_msg a;
        if (wsbx_ep_recv(w->ep, &a) < 0)
                return -EPIPE;
        bool ok = a.kind == WSBX_MSG_PAGER_REGISTER && a.seq == req.seq && a.status == WSBX_ST_OK;
        wsbx_ep_release(w->ep);
        return ok ? 0 : -EPROTO;
}

static int st_open(worker *w, char *err)
{
        wsbx_store *s;
        wsbx_store_config cfg;
        wsbx_store_config_default(&cfg);
        cfg.epoch_ptr = w->epoch;
        cfg.pool_instances = w->pool_instances;
        if (w->pool_keep_resident)
                cfg.pool_keep_resident = w->pool_keep_resident;
        if (w->memory_quota) {
                cfg.memory_placed = announce_memory;
                cfg.memory_placed_ctx = w;
                cfg.copy_images = true;
        }
        int e = wsbx_store_new(&cfg, &s);
        if (e < 0) {
                snprintf(err, WSBX_STATUS_MSG_MAX, "cannot create the store: %s", strerror(-e));
                return e;
        }
        w->store = s;
        if (w->epoch) {
                w->epoch_deadline = __atomic_load_n(w->epoch, __ATOMIC_ACQUIRE) + 1;
                wsbx_store_set_epoch_deadline(s, w->epoch_deadline);
        }
        return 0;
}

/* Before running guest code: when the supervisor moved the epoch past the
 * deadline (an earlier call's deadline, possibly after it finished), arm
 * the next one, so that only a bump during this call interrupts it. */
static void st_arm_epoch(worker *w)
{
        if (!w->epoch)
                return;
        uint64_t now = __atomic_load_n(w->epoch, __ATOMIC_ACQUIRE);
        if (now >= w->epoch_deadline) {
                w->epoch_deadline = now + 1;
                wsbx_store_set_epoch_deadline(store_of(w), w->epoch_deadline);
        }
}

static void st_close(worker *w)
{
        wsbx_store_delete(store_of(w));
        w->store = NULL;
        /* After the store: its WASI host functions point at the state. */
        wsbx_wasi_delete(w->wasi_state);
        w->wasi_state = NULL;
}

/* From fd when it is not negative, else from bytes. */
static int st_load(worker *w, int fd, const uint8_t *bytes, size_t len, void **mod, char *err)
{
        wsbx_loaded *l;
        wsbx_lerr le = {""};
        int e = fd >= 0 ? wsbx_load_fd(store_of(w), fd, &l, &le) : wsbx_load_bytes(store_of(w), bytes, len, &l, &le);
        if (e < 0) {
                snprintf(err, WSBX_STATUS_MSG_MAX, "%s", le.msg[0] ? le.msg : strerror(-e));
                return e;
        }
        *mod = l;
        return 0;
}

/* "  #0 name (wasm offset 0x2a)" lines, innermost first. Frames without a
 * function name are trampolines and host code: left out. */
static char *backtrace_text(const wsbx_trap_info *t)
{
        size_t cap = 160 * (size_t)t->nframes + 1, len = 0;
        char *bt = malloc(cap);
        if (!bt)
                return NULL;
        bt[0] = 0;
        for (uint32_t i = 0, k = 0; i < t->nframes && i < WSBX_BACKTRACE_MAX; i++) {
                const wsbx_trap_frame *f = &t->frames[i];
                if (!f->name)
                        continue;
                char off[40] = "";
                if (f->wasm_offset != UINT32_MAX)
                        snprintf(off, sizeof off, " (wasm offset 0x%x)", f->wasm_offset);
                int n = snprintf(bt + len, cap - len, "  #%u %.96s%s\n", k++, f->name, off);
                if (n < 0 || (size_t)n >= cap - len)
                        break;
                len += (size_t)n;
        }
        return bt;
}

static void st_trapped(st_result *res, int kind, const wsbx_trap_info *t)
{
        res->status = WSBX_ST_TRAP;
        res->trap = (uint32_t)kind < WSBX_TRAP_COUNT ? (uint32_t)kind : WSBX_TRAP_HOST;
        res->wasm_offset = t->wasm_offset;
        if (kind == WSBX_TRAP_HOST && t->host_msg[0])
                snprintf(res->msg, sizeof res->msg, "%s", t->host_msg);
        else if (kind == WSBX_TRAP_UNINITIALIZED_ELEMENT && t->has_elem)
                snprintf(res->msg, sizeof res->msg, "%s %u", wsbx_trap_message(WSBX_TRAP_UNINITIALIZED_ELEMENT),
                         t->elem);
        else
                snprintf(res->msg, sizeof res->msg, "%s", wsbx_trap_message((wsbx_trap)res->trap));
        res->bt = backtrace_text(t);
}

static void st_instantiate(worker *w, void *mod, const struct st_extern *imports, uint32_t n, void **inst,
                           st_result *res)
{
        wsbx_loaded *l = mod;
        const wsbx_artifact *a = wsbx_loaded_artifact(l);
        res->status = WSBX_ST_OK;
        res->bt = NULL;
        if (n > a->nimports) {
                st_fail(res, WSBX_ST_LINK, "incompatible import type: more imports given than the module has");
                return;
        }
        /* Imports the caller left out are unresolved: the loader names the
         * first one in its "unknown import" message. */
        uint32_t total = a->nimports;
        wsbx_extern *ext = calloc((size_t)total + 1, sizeof *ext);
        wsbx_trap_info *trap = malloc(sizeof *trap);
        if (!ext || !trap) {
                free(ext);
                free(trap);
                st_fail(res, WSBX_ST_ERROR, "out of memory");
                return;
        }
        for (uint32_t i = 0; i < total; i++) {
                ext[i].kind = WSBX_EXTERN_MISSING;
                if (i >= n || !imports[i].ptr)
                        continue;
                switch (imports[i].kind) {
                case OBJ_FUNC:
                        ext[i].kind = WSBX_ART_EXTERN_FUNC;
                        ext[i].u.func = imports[i].ptr;
                        break;
                case OBJ_TABLE:
                        ext[i].kind = WSBX_ART_EXTERN_TABLE;
                        ext[i].u.table = imports[i].ptr;
                        break;
                case OBJ_MEMORY:
                        ext[i].kind = WSBX_ART_EXTERN_MEMORY;
                        ext[i].u.memory = imports[i].ptr;
                        break;
                default:
                        ext[i].kind = WSBX_ART_EXTERN_GLOBAL;
                        ext[i].u.global = imports[i].ptr;
                        break;
                }
        }
        wsbx_instance *in = NULL;
        wsbx_lerr le = {""};
        st_arm_epoch(w);
        int e = wsbx_instantiate(store_of(w), l, ext, total, &in, trap, &le);
        if (e == 0)
                *inst = in;
        else if (e > 0)
                st_trapped(res, e, trap);
        else if (e == -ENOENT || e == -EINVAL)
                st_fail(res, WSBX_ST_LINK, le.msg[0] ? le.msg : "incompatible import type");
        else
                st_fail(res, WSBX_ST_ERROR, le.msg[0] ? le.msg : strerror(-e));
        free(ext);
        free(trap);
}

static bool st_export(worker *w, void *inst, const char *name, uint32_t len, struct st_extern *out)
{
        (void)w;
        wsbx_extern x;
        if (wsbx_instance_export(inst, name, len, &x) < 0)
                return false;
        switch (x.kind) {
        case WSBX_ART_EXTERN_FUNC:
                *out = (struct st_extern){OBJ_FUNC, (void *)x.u.func};
                return true;
        case WSBX_ART_EXTERN_TABLE:
                *out = (struct st_extern){OBJ_TABLE, x.u.table};
                return true;
        case WSBX_ART_EXTERN_MEMORY:
                *out = (struct st_extern){OBJ_MEMORY, x.u.memory};
                return true;
        case WSBX_ART_EXTERN_GLOBAL:
                *out = (struct st_extern){OBJ_GLOBAL, x.u.global};
                return true;
        default:
                return false;
        }
}

static void st_func_type(worker *w, void *func, const wsbx_valtype **types, uint32_t *np, uint32_t *nr)
{
        const wsbx_funcref *f = func;
        const uint8_t *params, *results;
        if (!wsbx_store_functype(store_of(w), f->type_id, &params, np, &results, nr)) {
                *types = (const wsbx_valtype *)"";
                *np = *nr = 0;
                return;
        }
        /* The registry keeps params and results apart; the wire wants them
         * back to back. Keep one joined copy per worker. */
        size_t n = (size_t)*np + *nr;
        if (n > w->typebuf_cap) {
                uint8_t *b = realloc(w->typebuf, n);
                if (!b) {
                        *types = (const wsbx_valtype *)"";
                        *np = *nr = 0;
                        return;
                }
                w->typebuf = b;
                w->typebuf_cap = n;
        }
        if (*np)
                memcpy(w->typebuf, params, *np);
        if (*nr)
                memcpy(w->typebuf + *np, results, *nr);
        *types = w->typebuf;
}

static void st_extern_type(worker *w, const struct st_extern *x, wsbx_msg_xtype *t)
{
        (void)w;
        memset(t, 0, sizeof *t);
        switch (x->kind) {
        case OBJ_TABLE: {
                const wsbx_table_inst *tb = x->ptr;
                t->type = wsbx_table_inst_elem(tb);
                t->min = wsbx_table_inst_size(tb);
                t->flags = tb->has_max ? WSBX_XT_HAS_MAX : 0;
                t->max = tb->has_max ? tb->max : 0;
                break;
        }
        case OBJ_MEMORY: {
                wsbx_memory_inst *m = x->ptr;
                t->min = wsbx_memory_pages(wsbx_memory_inst_memory(m));
                t->flags = m->has_max ? WSBX_XT_HAS_MAX : 0;
                t->max = m->has_max ? m->max : 0;
                break;
        }
        default: {
                const wsbx_global_inst *g = x->ptr;
                t->type = wsbx_global_inst_type(g);
                t->flags = wsbx_global_inst_mut(g) ? WSBX_XT_MUT : 0;
                break;
        }
        }
}

static void *st_func_ref(worker *w, void *func)
{
        (void)w;
        return func; /* a function object is its funcref */
}

static void *st_func_of_ref(worker *w, void *ref)
{
        (void)w;
        return ref;
}

static void st_invoke(worker *w, void *func, wsbx_val_raw *vals, uint32_t nvals, st_result *res)
{
        res->status = WSBX_ST_OK;
        res->bt = NULL;
        wsbx_trap_info *trap = malloc(sizeof *trap);
        if (!trap) {
                st_fail(res, WSBX_ST_ERROR, "out of memory");
                return;
        }
        st_arm_epoch(w);
        int e = wsbx_invoke(store_of(w), func, vals, nvals, trap);
        int code;
        if (e == WSBX_TRAP_HOST && wsbx_wasi_exited(w->wasi_state, &code)) {
                st_fail(res, WSBX_ST_EXIT, "proc_exit");
                res->wasm_offset = (uint32_t)code;
        } else if (e > 0)
                st_trapped(res, e, trap);
        else if (e < 0)
                st_fail(res, WSBX_ST_ERROR, strerror(-e));
        free(trap);
}

static void st_global_get(worker *w, void *g, wsbx_val_raw *v)
{
        (void)w;
        wsbx_global_inst_get(g, v);
}

static void st_global_set(worker *w, void *g, const wsbx_val_raw *v)
{
        (void)w;
        wsbx_global_inst_set(g, v);
}

static void host_stub(struct hostrec *h, wsbx_val_raw *vals);

/* The store calls host functions in the array convention with the host
 * context as `callee`. */
static void host_entry(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals, uint32_t nvals)
{
        (void)caller, (void)nvals;
        host_stub((struct hostrec *)(void *)callee, vals);
}

static int st_host_func_new(worker *w, struct hostrec *h, void **func, char *err)
{
        const wsbx_funcref *f;
        int e = wsbx_host_func_new(store_of(w), h->types, h->nparams, h->types + h->nparams, h->nresults, host_entry,
                                   h, &f);
        if (e < 0) {
                snprintf(err, WSBX_STATUS_MSG_MAX, "host_func_new: %s", strerror(-e));
                return e;
        }
        *func = (void *)f;
        return 0;
}

static _Noreturn void st_trap(worker *w, const char *msg)
{
        (void)w;
        wsbx_trap_raise_msg(WSBX_TRAP_HOST, msg);
}

/* ------------------------------------------------------------------------ */
/* Values crossing the boundary                                             */
/* ------------------------------------------------------------------------ */

/* Wire -> store: funcref handles become the store's funcref pointers.
 * False when a handle is not a function. */
static bool vals_in(worker *w, const wsbx_valtype *t, wsbx_val_raw *v, uint32_t n)
{
        for (uint32_t i = 0; i < n; i++) {
                if (t[i] == WSBX_FUNCREF) {
                        uint32_t h = (uint32_t)v[i].i64;
                        if (h == 0) {
                                v[i].ref = NULL;
                                continue;
                        }
                        struct obj *o = lookup(w, h, OBJ_FUNC);
                        if (!o)
                                return false;
                        v[i].ref = st_func_ref(w, o->ptr);
                } else if (t[i] == WSBX_EXTERNREF) {
                        v[i].ref = (void *)(uintptr_t)v[i].i64;
                }
        }
        return true;
}

/* Store -> wire. False when out of handles. */
static bool vals_out(worker *w, const wsbx_valtype *t, wsbx_val_raw *v, uint32_t n)
{
        for (uint32_t i = 0; i < n; i++) {
                if (t[i] == WSBX_FUNCREF) {
                        void *f = v[i].ref;
                        wsbx_val_raw r = {0};
                        if (f) {
                                r.i64 = handle_of(w, OBJ_FUNC, st_func_of_ref(w, f));
                                if (!r.i64)
                                        return false;
                        }
                        v[i] = r;
                } else if (t[i] == WSBX_EXTERNREF) {
                        uint64_t x = (uint64_t)(uintptr_t)v[i].ref;
                        v[i] = (wsbx_val_raw){0};
                        v[i].i64 = x;
                }
        }
        return true;
}

/* ------------------------------------------------------------------------ */
/* Host functions                                                           */
/* ------------------------------------------------------------------------ */

/* Called by the store when the guest calls a host function (on the guest
 * stack). Fills vals with the results, or leaves through a trap. */
static void host_stub(struct hostrec *h, wsbx_val_raw *vals)
{
        worker *w = h->w;
        char msg[WSBX_STATUS_MSG_MAX];
        wsbx_msg call = {.kind = WSBX_MSG_HOST_CALL, .seq = ++w->host_seq, .value = h->id};
        uint32_t seq = call.seq;
        if (!vals_out(w, h->types, vals, h->nparams)) {
                st_trap(w, "host call: out of handles");
        }
        if (wsbx_proto_put_vals(w->ep, &call, h->types, vals, h->nparams) < 0)
                st_trap(w, "host call: arguments too large");
        if (wsbx_ep_send(w->ep, &call) < 0)
                st_trap(w, "host call: supervisor gone");
        for (;;) {
                wsbx_msg m;
                if (wsbx_ep_recv(w->ep, &m) < 0)
                        st_trap(w, "host call: supervisor gone");
                if (m.kind != WSBX_MSG_HOST_RETURN) {
                        /* A nested request (or CLOSE, which must wait for
                         * the outermost call to finish). */
                        if (serve(w, &m) < 0 || w->closing)
                                st_trap(w, "host call: supervisor gone");
                        continue;
                }
                if (m.seq != seq) {
                        wsbx_ep_release(w->ep);
                        st_trap(w, "host call: reply out of order");
                }
                const uint8_t *p = wsbx_ep_payload(w->ep, &m);
                if (m.status == WSBX_ST_OK) {
                        bool ok = m.count == h->nresults;
                        wsbx_valtype *types = ok ? malloc((size_t)h->nresults + 1) : NULL;
                        ok = ok && types && wsbx_proto_get_vals(p, &m, types, vals, h->nresults) == 0 &&
                             memcmp(types, h->types + h->nparams, h->nresults) == 0 &&
                             vals_in(w, types, vals, h->nresults);
                        free(types);
                        wsbx_ep_release(w->ep);
                        if (!ok)
                                st_trap(w, "host call: results do not match the function's type");
                        return;
                }
                wsbx_status *st = malloc(sizeof *st);
                if (st && wsbx_proto_get_fault(p, &m, st) == 0)
                        snprintf(msg, sizeof msg, "%s", st->msg);
                else
                        snprintf(msg, sizeof msg, "host function failed");
                free(st);
                wsbx_ep_release(w->ep);
                st_trap(w, msg);
        }
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                 */
/* ------------------------------------------------------------------------ */

/* Each handler gets the descriptor and a private copy of its payload `p`
 * (serve made it and released the slot, so nested requests can arrive
 * while it runs) and sends exactly one completion. */

/* The LOAD completion's payload: one wsbx_msg_import per import, then the
 * names and function types they point at. */
static int put_imports(worker *w, wsbx_msg *c, const wsbx_artifact *a)
{
        size_t size = (size_t)a->nimports * sizeof(wsbx_msg_import);
        for (uint32_t i = 0; i < a->nimports; i++) {
                const wsbx_art_import *imp = &a->imports[i];
                size += (size_t)imp->module.len + imp->name.len;
                if (imp->kind == WSBX_ART_EXTERN_FUNC) {
                        const wsbx_art_type *t = &a->types[a->funcs[imp->index].type];
                        size += (size_t)t->nparams + t->nresults;
                }
                if (size > WSBX_ARENA_SIZE)
                        return -E2BIG;
        }
        uint32_t off;
        uint8_t *p = wsbx_ep_alloc(w->ep, size, &off);
        if (!p)
                return -E2BIG;
        size_t at = (size_t)a->nimports * sizeof(wsbx_msg_import);
        for (uint32_t i = 0; i < a->nimports; i++) {
                const wsbx_art_import *imp = &a->imports[i];
                wsbx_msg_import r = {.kind = imp->kind};
                r.module_off = (uint32_t)at;
                r.module_len = imp->module.len;
                memcpy(p + at, wsbx_artifact_str(a, imp->module), imp->module.len);
                at += imp->module.len;
                r.name_off = (uint32_t)at;
                r.name_len = imp->name.len;
                memcpy(p + at, wsbx_artifact_str(a, imp->name), imp->name.len);
                at += imp->name.len;
                switch (imp->kind) {
                case WSBX_ART_EXTERN_FUNC: {
                        const wsbx_art_type *t = &a->types[a->funcs[imp->index].type];
                        r.nparams = t->nparams;
                        r.nresults = t->nresults;
                        r.types_off = (uint32_t)at;
                        memcpy(p + at, a->blob + t->vt_off, (size_t)t->nparams + t->nresults);
                        at += (size_t)t->nparams + t->nresults;
                        break;
                }
                case WSBX_ART_EXTERN_TABLE: {
                        const wsbx_art_table *t = &a->tables[imp->index];
                        r.xt.type = t->elem;
                        r.xt.flags = t->flags & WSBX_ART_F_HAS_MAX ? WSBX_XT_HAS_MAX : 0;
                        r.xt.min = t->min;
                        r.xt.max = t->max;
                        break;
                }
                case WSBX_ART_EXTERN_MEMORY: {
                        const wsbx_art_memory *mm = &a->memories[imp->index];
                        r.xt.flags = (mm->flags & WSBX_ART_F_HAS_MAX ? WSBX_XT_HAS_MAX : 0) |
                                     (mm->flags & WSBX_ART_F_SHARED ? WSBX_XT_SHARED : 0) |
                                     (mm->flags & WSBX_ART_F_IS64 ? WSBX_XT_IS64 : 0);
                        r.xt.min = mm->min;
                        r.xt.max = mm->max;
                        break;
                }
                default: {
                        const wsbx_art_global *g = &a->globals[imp->index];
                        r.xt.type = g->type;
                        r.xt.flags = g->flags & WSBX_ART_F_MUT ? WSBX_XT_MUT : 0;
                        break;
                }
                }
                memcpy(p + (size_t)i * sizeof r, &r, sizeof r);
        }
        c->off = off;
        c->len = (uint32_t)size;
        c->count = a->nimports;
        return 0;
}

static int do_load(worker *w, const wsbx_msg *m, const uint8_t *p)
{
        bool fd = m->flags & WSBX_MSG_F_FD;
        char err[WSBX_STATUS_MSG_MAX] = "";
        /* Take the descriptor first, whatever follows: one left behind on
         * the control socket would be taken by the next LOAD. */
        int afd = -1;
        if (fd) {
                afd = wsbx_ep_recv_fd(w->ep, m->value);
                if (afd < 0) {
                        snprintf(err, sizeof err, "load: no artifact descriptor: %s", strerror(-afd));
                        return reply_error(w, m, err);
                }
        }
        if (m->count || (fd && (m->len || m->value > INT32_MAX)) || (!fd && !m->len)) {
                if (afd >= 0)
                        close(afd);
                return reply_error(w, m, "load: malformed request");
        }
        void *mod = NULL;
        int le = st_load(w, afd, p, m->len, &mod, err);
        if (afd >= 0)
                close(afd);
        if (le < 0)
                return reply_error(w, m, err);
        uint32_t h = handle_of(w, OBJ_MODULE, mod);
        if (!h)
                return reply_error(w, m, "too many handles");
        wsbx_msg c = {.status = WSBX_ST_OK, .handle = h};
        if (put_imports(w, &c, wsbx_loaded_artifact(mod)) < 0)
                return reply_error(w, m, "load: too many imports for one message");
        return reply(w, m, &c);
}

static int do_instantiate(worker *w, const wsbx_msg *m, const uint8_t *p)
{
        struct obj *mo = lookup(w, m->handle, OBJ_MODULE);
        if (!mo)
                return reply_error(w, m, "instantiate: not a module handle");
        if (m->len != (uint64_t)m->count * 4)
                return reply_error(w, m, "instantiate: malformed request");
        uint32_t n = m->count;
        struct st_extern *ext = calloc((size_t)n + 1, sizeof *ext);
        if (!ext)
                return reply_error(w, m, "out of memory");
        for (uint32_t i = 0; i < n; i++) {
                uint32_t h;
                memcpy(&h, p + 4 * (size_t)i, 4);
                if (h == 0)
                        continue; /* unresolved: the store says "unknown import" */
                if (h >= w->nobjs || w->objs[h].kind < OBJ_FUNC) {
                        free(ext);
                        return reply_error(w, m, "instantiate: an import is not an extern handle");
                }
                ext[i].kind = w->objs[h].kind;
                ext[i].ptr = w->objs[h].ptr;
        }
        void *inst = NULL;
        st_result res;
        st_instantiate(w, mo->ptr, ext, n, &inst, &res);
        free(ext);
        if (res.status != WSBX_ST_OK) {
                int e = reply_fault(w, m, res.status, res.trap, res.wasm_offset, res.msg, res.bt);
                st_result_free(&res);
                return e;
        }
        return reply_handle(w, m, handle_of(w, OBJ_INSTANCE, inst));
}

static int do_export(worker *w, const wsbx_msg *m, const uint8_t *p)
{
        struct obj *io = lookup(w, m->handle, OBJ_INSTANCE);
        struct obj *wo = lookup(w, m->handle, OBJ_WASI);
        if (!io && !wo)
                return reply_error(w, m, "export: not an instance handle");
        struct st_extern x = {OBJ_FUNC, NULL};
        const wsbx_funcref *wf = NULL;
        if (wo ? wsbx_wasi_func(wo->ptr, store_of(w), (const char *)p, m->len, &wf) < 0
               : !st_export(w, io->ptr, (const char *)p, m->len, &x)) {
                wsbx_msg c = {.status = WSBX_ST_NOTFOUND};
                return reply(w, m, &c);
        }
        if (wo)
                x.ptr = (void *)wf;
        uint32_t h = handle_of(w, x.kind, x.ptr);
        if (!h)
                return reply_error(w, m, "too many handles");
        wsbx_msg c = {.status = WSBX_ST_OK, .handle = h};
        int e;
        if (x.kind == OBJ_FUNC) {
                const wsbx_valtype *types;
                uint32_t np, nr;
                st_func_type(w, x.ptr, &types, &np, &nr);
                c.arg0 = WSBX_EXTERN_FUNC;
                c.arg1 = np;
                c.count = np + nr;
                e = wsbx_proto_put_bytes(w->ep, &c, types, (size_t)np + nr);
        } else {
                wsbx_msg_xtype t = {0};
                st_extern_type(w, &x, &t);
                c.arg0 = x.kind == OBJ_TABLE ? WSBX_EXTERN_TABLE
                         : x.kind == OBJ_MEMORY ? WSBX_EXTERN_MEMORY
                                                : WSBX_EXTERN_GLOBAL;
                e = wsbx_proto_put_bytes(w->ep, &c, &t, sizeof t);
        }
        if (e < 0)
                return reply_error(w, m, "export type too large");
        return reply(w, m, &c);
}

static int do_invoke(worker *w, const wsbx_msg *m, const uint8_t *p)
{
        struct obj *fo = lookup(w, m->handle, OBJ_FUNC);
        if (!fo)
                return reply_error(w, m, "invoke: not a function handle");
        const wsbx_valtype *ft;
        uint32_t np, nr;
        void *fptr = fo->ptr;
        st_func_type(w, fptr, &ft, &np, &nr);
        uint32_t n = np > nr ? np : nr;
        wsbx_val_raw *vals = calloc((size_t)n + 1, sizeof *vals);
        wsbx_valtype *types = malloc((size_t)n + 1);
        if (!vals || !types) {
                free(vals);
                free(types);
                return reply_error(w, m, "out of memory");
        }
        const char *bad = NULL;
        if (wsbx_proto_get_vals(p, m, types, vals, np) < 0 || m->count != np)
                bad = "invoke: wrong number of arguments";
        else if (np && memcmp(types, ft, np) != 0)
                bad = "invoke: argument type mismatch";
        else if (!vals_in(w, types, vals, np))
                bad = "invoke: a funcref argument is not a function handle";
        /* Keep the result types: a nested DROP may take the handle away
         * while the call runs. */
        if (nr)
                memcpy(types, ft + np, nr);
        int e;
        if (bad) {
                e = reply_error(w, m, bad);
        } else {
                st_result res;
                st_invoke(w, fptr, vals, n, &res);
                if (res.status != WSBX_ST_OK) {
                        e = reply_fault(w, m, res.status, res.trap, res.wasm_offset, res.msg, res.bt);
                        st_result_free(&res);
                } else if (!vals_out(w, types, vals, nr)) {
                        e = reply_error(w, m, "too many handles");
                } else {
                        wsbx_msg c = {.status = WSBX_ST_OK};
                        e = wsbx_proto_put_vals(w->ep, &c, types, vals, nr);
                        e = e < 0 ? reply_error(w, m, "results too large") : reply(w, m, &c);
                }
        }
        free(vals);
        free(types);
        return e;
}

static int do_global(worker *w, const wsbx_msg *m, const uint8_t *p)
{
        struct obj *go = lookup(w, m->handle, OBJ_GLOBAL);
        if (!go)
                return reply_error(w, m, "global: not a global handle");
        wsbx_msg_xtype xt = {0};
        struct st_extern x = {OBJ_GLOBAL, go->ptr};
        st_extern_type(w, &x, &xt);
        wsbx_valtype t = xt.type;
        wsbx_val_raw v = {0};
        if (m->kind == WSBX_MSG_GLOBAL_GET) {
                st_global_get(w, go->ptr, &v);
                if (!vals_out(w, &t, &v, 1))
                        return reply_error(w, m, "too many handles");
                wsbx_msg c = {.status = WSBX_ST_OK};
                wsbx_proto_put_vals(w->ep, &c, &t, &v, 1);
                return reply(w, m, &c);
        }
        wsbx_valtype vt = 0;
        if (wsbx_proto_get_vals(p, m, &vt, &v, 1) < 0 || m->count != 1)
                return reply_error(w, m, "global_set: malformed request");
        if (vt != t)
                return reply_error(w, m, "global_set: type mismatch");
        if (!(xt.flags & WSBX_XT_MUT))
                return reply_error(w, m, "global_set: global is immutable");
        if (!vals_in(w, &vt, &v, 1))
                return reply_error(w, m, "global_set: not a function handle");
        st_global_set(w, go->ptr, &v);
        wsbx_msg c = {.status = WSBX_ST_OK};
        return reply(w, m, &c);
}

static int do_host_func_new(worker *w, const wsbx_msg *m, const uint8_t *p)
{
        if (m->len != m->count || m->arg0 > m->count)
                return reply_error(w, m, "host_func_new: malformed request");
        for (uint32_t i = 0; i < m->count; i++)
                if (!wsbx_valtype_ok(p[i]))
                        return reply_error(w, m, "host_func_new: not a value type");
        if (w->nhosts == w->hostcap) {
                uint32_t cap = w->hostcap ? 2 * w->hostcap : 16;
                struct hostrec **n = cap > w->hostcap ? realloc(w->hosts, (size_t)cap * sizeof *n) : NULL;
                if (!n)
                        return reply_error(w, m, "out of memory");
                w->hosts = n;
                w->hostcap = cap;
        }
        struct hostrec *h = calloc(1, sizeof *h);
        wsbx_valtype *t = malloc((size_t)m->count + 1);
        if (!h || !t) {
                free(h);
                free(t);
                return reply_error(w, m, "out of memory");
        }
        memcpy(t, p, m->count);
        *h = (struct hostrec){w, m->value, m->arg0, m->count - m->arg0, t};
        w->hosts[w->nhosts++] = h;
        void *f = NULL;
        char err[WSBX_STATUS_MSG_MAX] = "";
        if (st_host_func_new(w, h, &f, err) < 0)
                return reply_error(w, m, err);
        return reply_handle(w, m, handle_of(w, OBJ_FUNC, f));
}

/* WSBX_MSG_WASI: the WASI host module, made once from the worker's
 * configuration; its handle answers EXPORT by function name. */
static int do_wasi(worker *w, const wsbx_msg *m)
{
        static const wsbx_wasi_config none = {.stdio = {0, 1, 2}};
        if (!w->wasi_state && wsbx_wasi_new(w->wasi ? w->wasi : &none, &w->wasi_state) < 0)
                return reply_error(w, m, "wasi: bad configuration or out of memory");
        uint32_t h = handle_of(w, OBJ_WASI, w->wasi_state);
        if (!h)
                return reply_error(w, m, "too many handles");
        return reply_handle(w, m, h);
}

static int do_drop(worker *w, const wsbx_msg *m)
{
        uint32_t h = m->handle;
        if (h == 0 || h >= w->nobjs || w->objs[h].kind == OBJ_FREE)
                return reply_error(w, m, "drop: not a handle");
        /* Modules and instances stay alive in the store (other instances
         * may use their code, memories and tables); the handle goes. In a
         * pooled store an instance goes back to the pool: reset to its
         * initial state, it serves the next instantiation of its module
         * with the same imports. */
        if (w->objs[h].kind == OBJ_INSTANCE && w->pool_instances) {
                int e = wsbx_instance_release(w->objs[h].ptr);
                if (e < 0) {
                        char why[96];
                        snprintf(why, sizeof why, "drop: the instance could not be reset: %s", strerror(-e));
                        handle_free(w, h);
                        return reply_error(w, m, why);
                }
        }
        handle_free(w, h);
        wsbx_msg c = {.status = WSBX_ST_OK};
        return reply(w, m, &c);
}

/* The loader's externs for a request's import handles (n u32 at p) of a
 * module with `total` imports, the ones left out missing. NULL with *why
 * set when a handle is not an extern (or out of memory). */
static wsbx_extern *externs_of(worker *w, const uint8_t *p, uint32_t n, uint32_t total, const char **why)
{
        if (n > total) {
                *why = "incompatible import type: more imports given than the module has";
                return NULL;
        }
        wsbx_extern *ext = calloc((size_t)total + 1, sizeof *ext);
        if (!ext) {
                *why = "out of memory";
                return NULL;
        }
        for (uint32_t i = 0; i < total; i++) {
                ext[i].kind = WSBX_EXTERN_MISSING;
                uint32_t h = 0;
                if (i < n)
                        memcpy(&h, p + 4 * (size_t)i, 4);
                if (h == 0)
                        continue;
                if (h >= w->nobjs || w->objs[h].kind < OBJ_FUNC || w->objs[h].kind > OBJ_GLOBAL) {
                        free(ext);
                        *why = "an import is not an extern handle";
                        return NULL;
                }
                void *ptr = w->objs[h].ptr;
                switch (w->objs[h].kind) {
                case OBJ_FUNC:
                        ext[i].kind = WSBX_ART_EXTERN_FUNC;
                        ext[i].u.func = ptr;
                        break;
                case OBJ_TABLE:
                        ext[i].kind = WSBX_ART_EXTERN_TABLE;
                        ext[i].u.table = ptr;
                        break;
                case OBJ_MEMORY:
                        ext[i].kind = WSBX_ART_EXTERN_MEMORY;
                        ext[i].u.memory = ptr;
                        break;
                default:
                        ext[i].kind = WSBX_ART_EXTERN_GLOBAL;
                        ext[i].u.global = ptr;
                        break;
                }
        }
        return ext;
}

/* SNAPSHOT: the instance's state, saved into the (empty) memfd the
 * supervisor sent along; the completion says how many bytes it holds. */
static int do_snapshot(worker *w, const wsbx_msg *m)
{
        char err[WSBX_STATUS_MSG_MAX];
        int fd = wsbx_ep_recv_fd(w->ep, m->value);
        if (fd < 0) {
                snprintf(err, sizeof err, "snapshot: no file descriptor: %s", strerror(-fd));
                return reply_error(w, m, err);
        }
        struct obj *io = lookup(w, m->handle, OBJ_INSTANCE);
        if (!io || m->len || m->count) {
                close(fd);
                return reply_error(w, m, io ? "snapshot: malformed request" : "snapshot: not an instance handle");
        }
        wsbx_snapshot *snap = NULL;
        wsbx_lerr le = {""};
        int e = wsbx_snapshot_take(io->ptr, &snap, &le);
        if (e == 0)
                e = wsbx_snapshot_save(snap, fd, &le);
        wsbx_snapshot_delete(snap);
        struct stat sb;
        if (e == 0 && fstat(fd, &sb) != 0) {
                e = -errno;
                snprintf(le.msg, sizeof le.msg, "snapshot: %s", strerror(errno));
        }
        close(fd);
        if (e < 0) {
                snprintf(err, sizeof err, "%s", le.msg[0] ? le.msg : strerror(-e));
                return reply_error(w, m, err);
        }
        wsbx_msg c = {.status = WSBX_ST_OK, .value = (uint64_t)sb.st_size};
        return reply(w, m, &c);
}

/* RESTORE: a new instance of the module in the state of the snapshot file
 * sent along. LAZY: its memories' pages are left missing for the
 * supervisor's pager (which registers the ranges this answers with
 * before anything here touches them); else they are copied in. */
static int do_restore(worker *w, const wsbx_msg *m, const uint8_t *p)
{
        char err[WSBX_STATUS_MSG_MAX];
        int fd = wsbx_ep_recv_fd(w->ep, m->value);
        if (fd < 0) {
                snprintf(err, sizeof err, "restore: no snapshot descriptor: %s", strerror(-fd));
                return reply_error(w, m, err);
        }
        struct obj *mo = lookup(w, m->handle, OBJ_MODULE);
        if (!mo || m->len != (uint64_t)m->count * 4 || (m->flags & ~(WSBX_MSG_F_LAZY | WSBX_MSG_F_PIN)) ||
            (m->flags & (WSBX_MSG_F_LAZY | WSBX_MSG_F_PIN)) == WSBX_MSG_F_PIN) {
                close(fd);
                return reply_error(w, m, mo ? "restore: malformed request" : "restore: not a module handle");
        }
        bool lazy = m->flags & WSBX_MSG_F_LAZY;
        wsbx_snapshot *snap = NULL;
        wsbx_lerr le = {""};
        int e = wsbx_snapshot_load(fd, &snap, &le);
        close(fd);
        if (e < 0) {
                snprintf(err, sizeof err, "%s", le.msg[0] ? le.msg : strerror(-e));
                return reply_error(w, m, err);
        }
        const wsbx_artifact *a = wsbx_loaded_artifact(mo->ptr);
        const char *why = NULL;
        wsbx_extern *ext = externs_of(w, p, m->count, a->nimports, &why);
        uint32_t nm = wsbx_snapshot_nmemories(snap);
        wsbx_snapshot_range *rg = calloc((size_t)nm + 1, sizeof *rg);
        wsbx_instance *in = NULL;
        int32_t status = WSBX_ST_OK;
        if (!ext) {
                status = strncmp(why, "out", 3) == 0 ? WSBX_ST_ERROR : WSBX_ST_LINK;
                snprintf(err, sizeof err, "restore: %s", why);
        } else if (!rg) {
                status = WSBX_ST_ERROR;
                snprintf(err, sizeof err, "out of memory");
        } else {
                uint32_t fl = lazy ? WSBX_SNAPSHOT_LAZY | (m->flags & WSBX_MSG_F_PIN ? WSBX_SNAPSHOT_PIN : 0u) : 0u;
                e = wsbx_snapshot_restore(store_of(w), mo->ptr, snap, ext, a->nimports, fl, rg, &in, &le);
                if (e < 0) {
                        status = e == -ENOENT ? WSBX_ST_LINK : WSBX_ST_ERROR;
                        snprintf(err, sizeof err, "%s", le.msg[0] ? le.msg : strerror(-e));
                }
        }
        free(ext);
        /* The instance keeps nothing of the snapshot: copied pages are its
         * own, lazy ones come from the supervisor. */
        wsbx_snapshot_delete(snap);
        if (status != WSBX_ST_OK) {
                free(rg);
                return reply_fault(w, m, status, 0, UINT32_MAX, err, NULL);
        }
        uint32_t h = handle_of(w, OBJ_INSTANCE, in);
        if (!h) {
                free(rg);
                return reply_error(w, m, "too many handles");
        }
        wsbx_msg c = {.status = WSBX_ST_OK, .handle = h};
        if (lazy) {
                wsbx_msg_range *r = calloc((size_t)nm + 1, sizeof *r);
                e = r ? 0 : -ENOMEM;
                for (uint32_t i = 0; r && i < nm; i++)
                        r[i] = (wsbx_msg_range){(uint64_t)(uintptr_t)rg[i].base, rg[i].len, rg[i].reach};
                if (e == 0)
                        e = wsbx_proto_put_bytes(w->ep, &c, r, (size_t)nm * sizeof *r);
                c.count = nm;
                free(r);
                if (e < 0) {
                        free(rg);
                        return reply_error(w, m, "restore: too many memories for one message");
                }
        }
        free(rg);
        return reply(w, m, &c);
}

/* Serves one received request: copies its payload out once, releases the
 * slot, and dispatches. Returns what the transport said. */
static int serve(worker *w, const wsbx_msg *m)
{
        const uint8_t *src = wsbx_ep_payload(w->ep, m);
        uint8_t *p = src ? malloc((size_t)m->len + 1) : NULL;
        if (p)
                memcpy(p, src, m->len);
        wsbx_ep_release(w->ep);
        if (!p)
                return m->kind == WSBX_MSG_CLOSE ? (w->closing = true, 0)
                                                 : reply_error(w, m, src ? "out of memory" : "payload out of bounds");
        int e;
        switch (m->kind) {
        case WSBX_MSG_LOAD:
                e = do_load(w, m, p);
                break;
        case WSBX_MSG_INSTANTIATE:
                e = do_instantiate(w, m, p);
                break;
        case WSBX_MSG_EXPORT:
                e = do_export(w, m, p);
                break;
        case WSBX_MSG_INVOKE:
                e = do_invoke(w, m, p);
                break;
        case WSBX_MSG_GLOBAL_GET:
        case WSBX_MSG_GLOBAL_SET:
                e = do_global(w, m, p);
                break;
        case WSBX_MSG_HOST_FUNC_NEW:
                e = do_host_func_new(w, m, p);
                break;
        case WSBX_MSG_DROP:
                e = do_drop(w, m);
                break;
        case WSBX_MSG_WASI:
                e = do_wasi(w, m);
                break;
        case WSBX_MSG_SNAPSHOT:
                e = do_snapshot(w, m);
                break;
        case WSBX_MSG_RESTORE:
                e = do_restore(w, m, p);
                break;
        case WSBX_MSG_CLOSE:
                w->closing = true;
                e = 0;
                break;
        default:
                e = reply_error(w, m, "unknown request");
                break;
        }
        free(p);
        return e;
}

void wsbx_worker_main(wsbx_endpoint *ep, void *arg)
{
        const wsbx_worker_env *env = arg;
        worker w = {.ep = ep};
        if (env) {
                w.wasi = env->wasi;
                w.epoch = env->epoch;
                w.pool_instances = env->pool_instances;
                w.pool_keep_resident = env->pool_keep_resident;
                w.memory_quota = env->memory_quota;
        }
        char err[WSBX_STATUS_MSG_MAX] = "";
        bool ok = st_open(&w, err) == 0;
        if (env && env->ready && env->ready(env->ready_ctx) != 0) {
                if (ok)
                        st_close(&w);
                return;
        }
        while (!w.closing) {
                wsbx_msg m;
                if (wsbx_ep_recv(ep, &m) < 0)
                        break;
                if (!ok && m.kind != WSBX_MSG_CLOSE) {
                        wsbx_ep_release(ep);
                        reply_error(&w, &m, err);
                        continue;
                }
                serve(&w, &m);
        }
        if (env && env->no_teardown)
                return;
        if (ok)
                st_close(&w);
        for (uint32_t i = 0; i < w.nhosts; i++) {
                free(w.hosts[i]->types);
                free(w.hosts[i]);
        }
        free(w.hosts);
        free(w.objs);
        free(w.typebuf);
}
