/* session.c - the client side of the message set (supervisor).
 *
 * Every wsbx_session_* call builds one request, posts it and waits for its
 * completion. While it waits, the worker may post HOST_CALLs (from inside
 * an INVOKE or from a start function during INSTANTIATE): each runs the
 * host function here and answers with a HOST_RETURN; a host function may
 * itself call the session, so waiting nests, one level per host call.
 *
 * Everything the worker posts is checked before use: the kind and seq
 * must answer the request in flight (or be a HOST_CALL where one may come),
 * the status must be one that request can have, handles must be in range
 * and of the kind the request creates, counts must match the function type
 * the session recorded for the handle, and payloads must lie in the arena
 * and have the length their count implies (proto.c). A violation marks
 * the session broken: the call returns -EPROTO and every later one -EPIPE,
 * as a worker that breaks the protocol is as good as dead.
 *
 * The session keeps one record per handle it was handed (its kind, and for
 * functions the type), indexed by handle; handles are below
 * WSBX_HANDLE_MAX, so the table stays bounded.
 */
#include "loader.h"
#include "sandbox_int.h"
#if WSBX_SANITIZER_BUILD
#include <sanitizer/lsan_interface.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KIND_NONE 0xff
#define TYPE_UNKNOWN UINT32_MAX

struct hrec {
        uint8_t kind;        /* wsbx_externkind, or one of the two below, or KIND_NONE */
        uint32_t nparams;    /* func: TYPE_UNKNOWN when never reported */
        uint32_t nresults;
        wsbx_valtype *types; /* func: params then results (owned) */
        wsbx_sess_import *imports; /* module: its imports (owned) */
        uint32_t nimports;
        uint8_t *blob;       /* module: the bytes the imports point into (owned) */
};
#define KIND_MODULE 0x10
#define KIND_INSTANCE 0x11

struct hostfn {
        wsbx_host_fn fn;
        void *ctx;
        uint32_t nparams, nresults;
        wsbx_valtype *types;
};

struct wsbx_session {
        wsbx_loopback *lb;   /* loopback transport, or */
        wsbx_proc *proc;     /* a jailed worker process */
        struct lb_env *lb_env; /* loopback: what its worker thread starts with (owned) */
        uint64_t deadline_ns;
        bool lb_deadline_hit;  /* loopback: the last timed call met its deadline */
        bool lb_abandoned;     /* loopback: its thread was left running */
        wsbx_endpoint *ep;
        uint32_t seq;
        bool broken;
        uint32_t depth;      /* requests in flight (nesting through host calls) */
        struct hrec *h;
        uint32_t hcap;
        struct hostfn *hosts;
        uint32_t nhosts, hostcap;
        /* Lazy restores: the snapshots the pager serves from (this
         * process's own verified loads), freed after the worker. */
        wsbx_snapshot **snaps;
        uint32_t nsnaps, snapcap;
        uint64_t memory_quota;  /* per instance, bytes; 0 none */
        int quota_group;        /* the pager budget of the instantiation under way; -1 none yet */
};

/* A loopback worker's start: the session's WASI configuration (its
 * strings, arrays and fds borrowed from the caller for the session's life,
 * as wsbx_session_config says). */
struct lb_env {
        wsbx_worker_env env;
        wsbx_wasi_config wasi;
        _Atomic uint64_t epoch;  /* the interruption word (env.epoch) */
};

/* Loopback deadlines: past the deadline the epoch is bumped (compiled
 * code with epoch checks traps "interrupted"); a guest still running
 * LB_GRACE_NS later cannot be stopped (a thread cannot be killed): the
 * call fails with "deadline exceeded", the session is lost and its
 * thread abandoned to run on. */
#define LB_GRACE_NS (50u * 1000000u)

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Host calls nest on the worker's guest stack and on ours; a bound keeps a
 * guest that recurses through a host function from exhausting either. */
#define MAX_DEPTH 64

static void status_clear(wsbx_status *st)
{
        st->outcome = WSBX_SESS_OK;
        st->trap = WSBX_TRAP_NONE;
        st->wasm_offset = UINT32_MAX;
        st->msg[0] = 0;
        st->backtrace[0] = 0;
}

static int status_error(wsbx_status *st, const char *msg)
{
        status_clear(st);
        st->outcome = WSBX_SESS_ERROR;
        snprintf(st->msg, sizeof st->msg, "%s", msg);
        return WSBX_SESS_ERROR;
}

static int broken(wsbx_session *s)
{
        s->broken = true;
        /* A worker that lies is as good as dead: make it so. */
        if (s->proc)
                wsbx_proc_fail(s->proc, "worker killed: it broke the message protocol");
        return -EPROTO;
}

/* A transport failure: st says why when the worker died. */
static int lost(wsbx_session *s, int e, wsbx_status *st)
{
        s->broken = true;
        const char *why = s->proc ? wsbx_proc_cause(s->proc) : "";
        if (st && why[0]) {
                status_clear(st);
                st->outcome = WSBX_SESS_ERROR;
                snprintf(st->msg, sizeof st->msg, "%s", why);
        }
        return e;
}

/* ------------------------------------------------------------------------ */
/* Handle records                                                           */
/* ------------------------------------------------------------------------ */

static struct hrec *rec(wsbx_session *s, wsbx_handle h)
{
        return h < s->hcap && s->h[h].kind != KIND_NONE ? &s->h[h] : NULL;
}

static void rec_clear(struct hrec *r)
{
        free(r->types);
        free(r->imports);
        free(r->blob);
        r->types = NULL;
        r->imports = NULL;
        r->blob = NULL;
        r->nimports = 0;
        r->kind = KIND_NONE;
        r->nparams = r->nresults = TYPE_UNKNOWN;
}

/* Records that the worker handed out h as an object of `kind`. The worker
 * may hand out the same handle again (exports are shared) but not as
 * another kind while the first is live. */
static int rec_add(wsbx_session *s, wsbx_handle h, uint8_t kind, struct hrec **out)
{
        if (h == 0 || h >= WSBX_HANDLE_MAX)
                return broken(s);
        if (h >= s->hcap) {
                uint32_t cap = s->hcap ? s->hcap : 64;
                while (cap <= h)
                        cap *= 2;
                struct hrec *n = realloc(s->h, (size_t)cap * sizeof *n);
                if (!n)
                        return -ENOMEM;
                for (uint32_t i = s->hcap; i < cap; i++)
                        n[i] = (struct hrec){KIND_NONE, TYPE_UNKNOWN, TYPE_UNKNOWN, NULL, NULL, 0, NULL};
                s->h = n;
                s->hcap = cap;
        }
        struct hrec *r = &s->h[h];
        if (r->kind != KIND_NONE && r->kind != kind)
                return broken(s);
        r->kind = kind;
        *out = r;
        return 0;
}

static int rec_set_functype(struct hrec *r, const wsbx_valtype *types, uint32_t nparams, uint32_t nresults)
{
        wsbx_valtype *t = malloc((size_t)nparams + nresults + 1);
        if (!t)
                return -ENOMEM;
        if (nparams + nresults)
                memcpy(t, types, (size_t)nparams + nresults);
        free(r->types);
        r->types = t;
        r->nparams = nparams;
        r->nresults = nresults;
        return 0;
}

/* ------------------------------------------------------------------------ */
/* Round trips                                                              */
/* ------------------------------------------------------------------------ */

/* Which statuses each request may complete with. */
static bool status_allowed(uint32_t kind, int32_t status)
{
        switch (status) {
        case WSBX_ST_OK:
        case WSBX_ST_ERROR:
                return true;
        case WSBX_ST_TRAP:
        case WSBX_ST_EXIT:
                return kind == WSBX_MSG_INVOKE || kind == WSBX_MSG_INSTANTIATE;
        case WSBX_ST_LINK:
                return kind == WSBX_MSG_INSTANTIATE || kind == WSBX_MSG_RESTORE;
        case WSBX_ST_NOTFOUND:
                return kind == WSBX_MSG_EXPORT;
        default:
                return false;
        }
}

static int serve_host_call(wsbx_session *s, const wsbx_msg *m);

/* Posts req and waits for its completion, serving host calls meanwhile.
 * On 0 the completion is in *cmp and still held: decode its payload, then
 * call done(). */
/* The page budget of the instance being made (an instantiation or a lazy
 * restore; its caller sets quota_group to -1 first), made on first use:
 * its id, or -errno. */
static int instance_budget(wsbx_session *s)
{
        if (s->quota_group < 0)
                s->quota_group = wsbx_proc_pager_quota(s->proc, (s->memory_quota + WSBX_SNAPSHOT_PAGE - 1) /
                                                                        WSBX_SNAPSHOT_PAGE);
        return s->quota_group;
}

/* A quota session's memory reach as its worker reports it: page-aligned,
 * at least its size, at most a 32-bit memory's 4 GiB. */
static bool reach_ok(uint64_t reach, uint64_t len)
{
        return reach >= len && reach % WSBX_SNAPSHOT_PAGE == 0 && reach <= (4ull << 30);
}

/* A quota session's worker announces a memory it just reserved (before
 * anything touches it): registered with the pager over its whole reach,
 * its pages counted against the instantiation's budget. A malformed
 * announcement breaks the session; one the pager cannot take kills the
 * worker (its pages would be served by nobody). */
static int serve_register(wsbx_session *s, const wsbx_msg *m, wsbx_status *st)
{
        wsbx_msg_range r;
        const uint8_t *p = wsbx_ep_payload(s->ep, m);
        bool ok = s->memory_quota && s->proc && m->len == sizeof r && p;
        if (ok)
                memcpy(&r, p, sizeof r);
        wsbx_ep_release(s->ep);
        if (!ok || r.base % WSBX_SNAPSHOT_PAGE || r.len || !r.reach || !reach_ok(r.reach, 0))
                return broken(s);
        int e = instance_budget(s);
        if (e >= 0)
                e = wsbx_proc_pager_add(s->proc, r.base, r.reach, NULL, 0, e);
        if (e < 0) {
                char why[WSBX_STATUS_MSG_MAX];
                snprintf(why, sizeof why, "worker killed: a memory could not be registered for its quota: %s",
                         strerror(-e));
                wsbx_proc_fail(s->proc, why);
                return lost(s, e, st);
        }
        wsbx_msg ack = {.kind = WSBX_MSG_PAGER_REGISTER, .seq = m->seq, .status = WSBX_ST_OK};
        e = wsbx_ep_send(s->ep, &ack);
        return e < 0 ? lost(s, e, st) : 0;
}

static int round_trip(wsbx_session *s, wsbx_msg *req, wsbx_msg *cmp, wsbx_status *st)
{
        if (s->broken)
                return lost(s, -EPIPE, st);
        if (s->depth >= MAX_DEPTH)
                return -ELOOP;
        req->seq = ++s->seq;
        int e = wsbx_ep_send(s->ep, req);
        if (e < 0)
                return lost(s, e, st);
        bool timed = (s->proc || s->lb_env) && s->deadline_ns && s->depth == 0 &&
                     (req->kind == WSBX_MSG_INVOKE || req->kind == WSBX_MSG_INSTANTIATE);
        bool lb_grace = false;
        s->lb_deadline_hit = false;
        if (timed && s->proc)
                wsbx_proc_arm(s->proc, s->deadline_ns);
        else if (timed)
                wsbx_ep_set_deadline(s->ep, now_ns() + s->deadline_ns);
        s->depth++;
        for (;;) {
                e = wsbx_ep_recv(s->ep, cmp);
                if (e == -ETIME && !lb_grace) {
                        atomic_fetch_add(&s->lb_env->epoch, 1);
                        s->lb_deadline_hit = lb_grace = true;
                        wsbx_ep_set_deadline(s->ep, now_ns() + LB_GRACE_NS);
                        continue;
                }
                if (e == -ETIME) {
                        wsbx_loopback_abandon(s->lb);
                        s->lb_abandoned = true;
#if WSBX_SANITIZER_BUILD
                        __lsan_ignore_object(s->lb_env); /* its thread keeps it */
#endif
                        s->broken = true;
                        e = -ETIMEDOUT;
                        if (st) {
                                status_clear(st);
                                st->outcome = WSBX_SESS_ERROR;
                                snprintf(st->msg, sizeof st->msg,
                                         "deadline exceeded (the guest has no epoch checks; in a "
                                         "no-sandbox session its thread runs on)");
                        }
                        break;
                }
                if (e < 0) {
                        if (e == -EPROTO && s->proc)
                                wsbx_proc_fail(s->proc, "worker killed: it corrupted its rings");
                        e = lost(s, e == -EPROTO ? -EPROTO : e, st);
                        break;
                }
                if (cmp->kind == WSBX_MSG_HOST_CALL &&
                    (req->kind == WSBX_MSG_INVOKE || req->kind == WSBX_MSG_INSTANTIATE)) {
                        e = serve_host_call(s, cmp);
                        if (e < 0)
                                break;
                        continue;
                }
                if (cmp->kind == WSBX_MSG_PAGER_REGISTER && req->kind == WSBX_MSG_INSTANTIATE) {
                        e = serve_register(s, cmp, st);
                        if (e < 0)
                                break;
                        continue;
                }
                if (cmp->kind != req->kind || cmp->seq != req->seq || !status_allowed(req->kind, cmp->status)) {
                        wsbx_ep_release(s->ep);
                        e = broken(s);
                        break;
                }
                e = 0;
                break;
        }
        s->depth--;
        if (timed && s->proc)
                wsbx_proc_disarm(s->proc);
        else if (timed)
                wsbx_ep_set_deadline(s->ep, 0);
        return e;
}

static void done(wsbx_session *s)
{
        wsbx_ep_release(s->ep);
}

/* Turns a non-OK completion into its outcome (releasing it). */
static int failed(wsbx_session *s, const wsbx_msg *cmp, wsbx_status *st)
{
        status_clear(st);
        static const int outcome[WSBX_ST_COUNT] = {
                [WSBX_ST_TRAP] = WSBX_SESS_TRAP,
                [WSBX_ST_LINK] = WSBX_SESS_LINK,
                [WSBX_ST_ERROR] = WSBX_SESS_ERROR,
                [WSBX_ST_NOTFOUND] = WSBX_SESS_NOTFOUND,
                [WSBX_ST_EXIT] = WSBX_SESS_EXIT,
        };
        if (cmp->status != WSBX_ST_NOTFOUND && wsbx_proto_get_fault(wsbx_ep_payload(s->ep, cmp), cmp, st) < 0) {
                done(s);
                return broken(s);
        }
        done(s);
        if (cmp->status == WSBX_ST_EXIT) {
                st->exit_code = (int)st->wasm_offset;
                st->wasm_offset = UINT32_MAX;
        }
        if (cmp->status != WSBX_ST_TRAP)
                st->trap = WSBX_TRAP_NONE;
        else if (st->trap == WSBX_TRAP_INTERRUPTED &&
                 ((s->proc && wsbx_proc_deadline_hit(s->proc)) || s->lb_deadline_hit))
                snprintf(st->msg, sizeof st->msg, "deadline exceeded");
        st->outcome = outcome[cmp->status];
        return st->outcome;
}

/* A completion that must carry nothing but a status and maybe a handle. */
static int expect_empty(wsbx_session *s, const wsbx_msg *cmp)
{
        if (cmp->len != 0 || cmp->count != 0) {
                done(s);
                return broken(s);
        }
        done(s);
        return 0;
}

/* A HOST_CALL: check it, run the host function, answer. */
static int serve_host_call(wsbx_session *s, const wsbx_msg *m)
{
        if (m->value >= s->nhosts) {
                wsbx_ep_release(s->ep);
                return broken(s);
        }
        const struct hostfn *h = &s->hosts[m->value];
        uint32_t n = h->nparams > h->nresults ? h->nparams : h->nresults;
        wsbx_val_raw *vals = calloc((size_t)n * 2 + 2, sizeof *vals);
        wsbx_valtype *types = malloc((size_t)n + 1);
        char *err = calloc(1, WSBX_STATUS_MSG_MAX);
        int e = vals && types && err ? 0 : -ENOMEM;
        if (e == 0 && (wsbx_proto_get_vals(wsbx_ep_payload(s->ep, m), m, types, vals, h->nparams) < 0 ||
                       m->count != h->nparams || memcmp(types, h->types, h->nparams) != 0))
                e = broken(s);
        wsbx_ep_release(s->ep);
        if (e < 0) {
                free(vals);
                free(types);
                free(err);
                return e;
        }
        wsbx_val_raw *results = vals + n + 1;
        wsbx_msg ret = {.kind = WSBX_MSG_HOST_RETURN, .seq = m->seq};
        int rc = h->fn(s, h->ctx, vals, h->nparams, results, h->nresults, err);
        if (rc == 0) {
                ret.status = WSBX_ST_OK;
                e = wsbx_proto_put_vals(s->ep, &ret, h->types + h->nparams, results, h->nresults);
        } else {
                ret.status = WSBX_ST_ERROR;
                err[WSBX_STATUS_MSG_MAX - 1] = 0;
                e = wsbx_proto_put_fault(s->ep, &ret, WSBX_TRAP_HOST, UINT32_MAX, err[0] ? err : "host error",
                                         NULL);
        }
        if (e == 0)
                e = wsbx_ep_send(s->ep, &ret);
        if (e < 0)
                s->broken = true;
        free(vals);
        free(types);
        free(err);
        return e;
}

/* ------------------------------------------------------------------------ */
/* The API                                                                  */
/* ------------------------------------------------------------------------ */

int wsbx_session_open_worker(wsbx_worker_fn fn, void *arg, wsbx_session **out)
{
        wsbx_session *s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        int e = wsbx_loopback_start(fn, arg, &s->lb, &s->ep);
        if (e < 0) {
                free(s);
                return e;
        }
        *out = s;
        return 0;
}

int wsbx_session_open_cfg(const wsbx_session_config *cfg, wsbx_session **out, wsbx_status *st)
{
        static const wsbx_session_config defaults;
        if (!cfg)
                cfg = &defaults;
        if (st)
                status_clear(st);
        *out = NULL;
        if (cfg->memory_quota && (cfg->no_sandbox || cfg->pool_instances)) {
                if (st) {
                        st->outcome = WSBX_SESS_ERROR;
                        snprintf(st->msg, sizeof st->msg, "a memory quota needs a sandboxed session without an "
                                                          "instance pool");
                }
                return -EINVAL;
        }
        if (cfg->no_sandbox) {
                struct lb_env *le = calloc(1, sizeof *le);
                if (!le)
                        return -ENOMEM;
                le->wasi = cfg->wasi;
                le->env.wasi = &le->wasi;
                le->env.epoch = (const uint64_t *)&le->epoch;
                le->env.pool_instances = cfg->pool_instances;
                le->env.pool_keep_resident = cfg->pool_keep_resident;
                int e = wsbx_session_open_worker(wsbx_worker_main, &le->env, out);
                if (e == 0) {
                        (*out)->lb_env = le;
                        (*out)->deadline_ns = cfg->deadline_ns;
                } else {
                        free(le);
                }
                if (e < 0 && st) {
                        st->outcome = WSBX_SESS_ERROR;
                        snprintf(st->msg, sizeof st->msg, "cannot start the worker thread: %s", strerror(-e));
                }
                return e;
        }
        wsbx_session *s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        char err[WSBX_STATUS_MSG_MAX];
        s->memory_quota = cfg->memory_quota;
        s->quota_group = -1;
        int e = wsbx_proc_start(cfg, &s->proc, &s->ep, err);
        if (e < 0) {
                if (st) {
                        st->outcome = WSBX_SESS_ERROR;
                        snprintf(st->msg, sizeof st->msg, "%s", err);
                }
                free(s);
                return e;
        }
        s->deadline_ns = cfg->deadline_ns;
        if (s->memory_quota && !wsbx_proc_lazy(s->proc)) {
                /* The quota is kept by the pager: no userfaultfd, no quota. */
                wsbx_session_close(s);
                if (st) {
                        st->outcome = WSBX_SESS_ERROR;
                        snprintf(st->msg, sizeof st->msg, "a memory quota needs a userfaultfd for the worker "
                                                          "(/dev/userfaultfd cannot be opened here)");
                }
                return -ENOTSUP;
        }
        *out = s;
        return 0;
}

int wsbx_session_open(wsbx_session **out)
{
        return wsbx_session_open_cfg(NULL, out, NULL);
}

int wsbx_session_worker_pid(const wsbx_session *s)
{
        return s->proc ? wsbx_proc_pid(s->proc) : -1;
}

bool wsbx_session_sandboxed(const wsbx_session *s)
{
        return s->proc != NULL;
}

void wsbx_session_close(wsbx_session *s)
{
        if (!s)
                return;
        if (!s->broken) {
                wsbx_msg m = {.kind = WSBX_MSG_CLOSE, .seq = ++s->seq};
                wsbx_ep_send(s->ep, &m);
        }
        if (s->lb)
                wsbx_loopback_stop(s->lb);
        else
                wsbx_proc_stop(s->proc);
        /* The pager is stopped with the worker: nothing reads these now. */
        for (uint32_t i = 0; i < s->nsnaps; i++)
                wsbx_snapshot_delete(s->snaps[i]);
        free(s->snaps);
        /* After the worker thread has ended; an abandoned one keeps it. */
        if (!s->lb || !s->lb_abandoned)
                free(s->lb_env);
        for (uint32_t i = 0; i < s->hcap; i++)
                rec_clear(&s->h[i]);
        free(s->h);
        for (uint32_t i = 0; i < s->nhosts; i++)
                free(s->hosts[i].types);
        free(s->hosts);
        free(s);
}

/* A sealed memfd holding bytes, for LOAD: the worker maps code from it. */
static int memfd_of(const uint8_t *bytes, size_t len)
{
        int fd = memfd_create("wsbx-artifact", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return -errno;
        size_t done_n = 0;
        while (done_n < len) {
                ssize_t w = write(fd, bytes + done_n, len - done_n);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        int e = -errno;
                        close(fd);
                        return e;
                }
                done_n += (size_t)w;
        }
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        return fd;
}

/* A table, memory or global type as the worker describes it. */
static bool xtype_decode(wsbx_externkind kind, const wsbx_msg_xtype *x, wsbx_sess_externtype *out)
{
        bool has_max = x->flags & WSBX_XT_HAS_MAX;
        if ((has_max && x->max < x->min) || (x->flags & ~0xfu))
                return false;
        wsbx_limits lim = {x->min, has_max ? x->max : 0, has_max};
        switch (kind) {
        case WSBX_EXTERN_TABLE:
                if (x->type != WSBX_FUNCREF && x->type != WSBX_EXTERNREF)
                        return false;
                out->table = (wsbx_tabletype){x->type, lim};
                return true;
        case WSBX_EXTERN_MEMORY:
                out->memory = (wsbx_memtype){lim, (x->flags & WSBX_XT_SHARED) != 0, (x->flags & WSBX_XT_IS64) != 0};
                return true;
        case WSBX_EXTERN_GLOBAL:
                if (!wsbx_valtype_ok(x->type))
                        return false;
                out->global = (wsbx_globaltype){x->type, (x->flags & WSBX_XT_MUT) != 0};
                return true;
        default:
                return false;
        }
}

static bool range_ok(uint64_t off, uint64_t len, uint64_t size)
{
        return off <= size && len <= size - off;
}

/* The import list of a LOAD completion, copied out once and checked:
 * every record's kind and type, every (offset, length) inside the
 * payload. On success the module record owns the copy. */
static int decode_imports(wsbx_session *s, const wsbx_msg *cmp, struct hrec *r)
{
        const uint8_t *src = wsbx_ep_payload(s->ep, cmp);
        uint32_t n = cmp->count;
        size_t len = cmp->len;
        if (!src || n > len / sizeof(wsbx_msg_import))
                return -EPROTO;
        uint8_t *blob = malloc(len + 1);
        wsbx_sess_import *imps = calloc((size_t)n + 1, sizeof *imps);
        if (!blob || !imps) {
                free(blob);
                free(imps);
                return -ENOMEM;
        }
        memcpy(blob, src, len);
        for (uint32_t i = 0; i < n; i++) {
                wsbx_msg_import rec;
                wsbx_sess_import *imp = &imps[i];
                memcpy(&rec, blob + (size_t)i * sizeof rec, sizeof rec);
                if (!range_ok(rec.module_off, rec.module_len, len) || !range_ok(rec.name_off, rec.name_len, len) ||
                    rec.kind > WSBX_EXTERN_GLOBAL)
                        goto bad;
                imp->module = (wsbx_name){(const char *)blob + rec.module_off, rec.module_len};
                imp->name = (wsbx_name){(const char *)blob + rec.name_off, rec.name_len};
                imp->kind = (wsbx_externkind)rec.kind;
                if (imp->kind != WSBX_EXTERN_FUNC) {
                        if (!xtype_decode(imp->kind, &rec.xt, &imp->type))
                                goto bad;
                        continue;
                }
                if (!range_ok(rec.types_off, (uint64_t)rec.nparams + rec.nresults, len))
                        goto bad;
                const wsbx_valtype *t = blob + rec.types_off;
                for (uint64_t k = 0; k < (uint64_t)rec.nparams + rec.nresults; k++)
                        if (!wsbx_valtype_ok(t[k]))
                                goto bad;
                imp->type.func.nparams = rec.nparams;
                imp->type.func.nresults = rec.nresults;
                imp->type.func.params = t;
                imp->type.func.results = t + rec.nparams;
        }
        free(r->imports);
        free(r->blob);
        r->imports = imps;
        r->nimports = n;
        r->blob = blob;
        return 0;
bad:
        free(blob);
        free(imps);
        return -EPROTO;
}

int wsbx_session_module_imports(wsbx_session *s, wsbx_handle module, const wsbx_sess_import **imports,
                                uint32_t *n)
{
        const struct hrec *r = rec(s, module);
        if (!r || r->kind != KIND_MODULE)
                return -EINVAL;
        *imports = r->imports;
        *n = r->nimports;
        return 0;
}

static int finish_handle(wsbx_session *s, const wsbx_msg *cmp, uint8_t kind, wsbx_handle *out)
{
        struct hrec *r;
        int e = expect_empty(s, cmp);
        if (e < 0)
                return e;
        e = rec_add(s, cmp->handle, kind, &r);
        if (e < 0)
                return e;
        *out = cmp->handle;
        return 0;
}

/* Sends a LOAD and takes the module handle and its imports. */
static int load_request(wsbx_session *s, wsbx_msg *req, wsbx_handle *module, wsbx_status *st)
{
        wsbx_msg cmp;
        int e = round_trip(s, req, &cmp, st);
        if (e < 0)
                return e;
        if (cmp.status != WSBX_ST_OK)
                return failed(s, &cmp, st);
        struct hrec *r;
        e = rec_add(s, cmp.handle, KIND_MODULE, &r);
        if (e == 0) {
                e = decode_imports(s, &cmp, r);
                if (e < 0)
                        rec_clear(r);
        }
        done(s);
        if (e == -EPROTO)
                return broken(s);
        if (e < 0)
                return e;
        *module = cmp.handle;
        return 0;
}

int wsbx_session_load_fd(wsbx_session *s, int fd, wsbx_handle *module, wsbx_status *st)
{
        status_clear(st);
        if (fd < 0)
                return -EBADF;
        if (s->broken)
                return lost(s, -EPIPE, st);
        wsbx_msg req = {.kind = WSBX_MSG_LOAD, .flags = WSBX_MSG_F_FD};
        /* A jailed worker maps code from this descriptor: it must not be
         * able to write the file through it (a shared writable mapping
         * would show through the private executable one). A writable fd
         * without F_SEAL_WRITE goes over as a read-only reopening. */
        int ro = -1;
        if (!wsbx_ep_is_local(s->ep)) {
                int fl = fcntl(fd, F_GETFL);
                int seals = fcntl(fd, F_GET_SEALS);
                if (fl < 0)
                        return -errno;
                if ((fl & O_ACCMODE) != O_RDONLY && (seals < 0 || !(seals & F_SEAL_WRITE))) {
                        char path[64];
                        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
                        ro = open(path, O_RDONLY | O_CLOEXEC);
                        if (ro < 0)
                                return -errno;
                        fd = ro;
                }
        }
        int e = wsbx_ep_send_fd(s->ep, fd, &req.value);
        if (ro >= 0)
                close(ro);
        if (e < 0)
                return e;
        return load_request(s, &req, module, st);
}

int wsbx_session_load(wsbx_session *s, const uint8_t *bytes, size_t len, wsbx_handle *module, wsbx_status *st)
{
        status_clear(st);
        if (s->broken)
                return lost(s, -EPIPE, st);
        /* Small artifacts travel in the arena (the worker seals them into a
         * memfd of its own); large ones would crowd it out. */
        /* A jailed worker cannot make memfds: it always gets one. */
        if (len > 0 && len <= WSBX_ARENA_SIZE / 4 && wsbx_ep_is_local(s->ep)) {
                wsbx_msg req = {.kind = WSBX_MSG_LOAD};
                if (wsbx_proto_put_bytes(s->ep, &req, bytes, len) == 0)
                        return load_request(s, &req, module, st);
        }
        int fd = memfd_of(bytes, len);
        if (fd < 0)
                return fd;
        /* Loopback shares the descriptor table; the cross-process transport
         * sends fd with SCM_RIGHTS and the worker sees its own number. */
        int e = wsbx_session_load_fd(s, fd, module, st);
        close(fd);
        return e;
}

int wsbx_session_instantiate(wsbx_session *s, wsbx_handle module, const wsbx_handle *imports, uint32_t nimports,
                             wsbx_handle *instance, wsbx_status *st)
{
        status_clear(st);
        wsbx_msg req = {.kind = WSBX_MSG_INSTANTIATE, .handle = module, .count = nimports}, cmp;
        if (s->broken)
                return lost(s, -EPIPE, st);
        if (wsbx_proto_put_bytes(s->ep, &req, imports, (size_t)nimports * sizeof *imports) < 0)
                return status_error(st, "too many imports for one message");
        s->quota_group = -1; /* a budget of its own, made at its first memory */
        int e = round_trip(s, &req, &cmp, st);
        if (e < 0)
                return e;
        if (cmp.status != WSBX_ST_OK)
                return failed(s, &cmp, st);
        return finish_handle(s, &cmp, KIND_INSTANCE, instance);
}

int wsbx_session_export(wsbx_session *s, wsbx_handle instance, const char *name, size_t len, wsbx_sess_extern *out,
                        wsbx_status *st)
{
        status_clear(st);
        wsbx_msg req = {.kind = WSBX_MSG_EXPORT, .handle = instance}, cmp;
        if (s->broken)
                return lost(s, -EPIPE, st);
        if (wsbx_proto_put_bytes(s->ep, &req, name, len) < 0)
                return status_error(st, "export name too long for one message");
        int e = round_trip(s, &req, &cmp, st);
        if (e < 0)
                return e;
        if (cmp.status != WSBX_ST_OK)
                return failed(s, &cmp, st);

        const uint8_t *p = wsbx_ep_payload(s->ep, &cmp);
        struct hrec *r;
        memset(out, 0, sizeof *out);
        if (!p || cmp.arg0 > WSBX_EXTERN_GLOBAL)
                goto bad;
        out->kind = (wsbx_externkind)cmp.arg0;
        if (out->kind == WSBX_EXTERN_FUNC) {
                uint32_t np = cmp.arg1, n = cmp.count;
                if (cmp.len != n || np > n || n > WSBX_ARENA_SIZE)
                        goto bad;
                wsbx_valtype *t = malloc((size_t)n + 1);
                if (!t) {
                        done(s);
                        return -ENOMEM;
                }
                memcpy(t, p, n);
                done(s);
                for (uint32_t i = 0; i < n; i++)
                        if (!wsbx_valtype_ok(t[i])) {
                                free(t);
                                return broken(s);
                        }
                e = rec_add(s, cmp.handle, WSBX_EXTERN_FUNC, &r);
                if (e == 0)
                        e = rec_set_functype(r, t, np, n - np);
                free(t);
                if (e < 0)
                        return e;
                out->type.func.nparams = r->nparams;
                out->type.func.nresults = r->nresults;
                out->type.func.params = r->types;
                out->type.func.results = r->types + r->nparams;
        } else {
                wsbx_msg_xtype x;
                if (cmp.len != sizeof x || cmp.count != 0)
                        goto bad;
                memcpy(&x, p, sizeof x);
                done(s);
                if (!xtype_decode(out->kind, &x, &out->type))
                        return broken(s);
                e = rec_add(s, cmp.handle, (uint8_t)out->kind, &r);
                if (e < 0)
                        return e;
        }
        out->handle = cmp.handle;
        return 0;
bad:
        done(s);
        return broken(s);
}

int wsbx_session_invoke(wsbx_session *s, wsbx_handle func, const wsbx_valtype *types, const wsbx_val_raw *args,
                        uint32_t nargs, wsbx_val_raw *results, wsbx_valtype *result_types, uint32_t nresults,
                        wsbx_status *st)
{
        status_clear(st);
        const struct hrec *r = rec(s, func);
        if (!r || r->kind != WSBX_EXTERN_FUNC)
                return status_error(st, "not a function handle");
        if (r->nparams != TYPE_UNKNOWN &&
            (r->nparams != nargs || r->nresults != nresults || (nargs && memcmp(r->types, types, nargs) != 0)))
                return status_error(st, "type mismatch: arguments or results do not fit the function");
        wsbx_msg req = {.kind = WSBX_MSG_INVOKE, .handle = func}, cmp;
        if (s->broken)
                return lost(s, -EPIPE, st);
        if (wsbx_proto_put_vals(s->ep, &req, types, args, nargs) < 0)
                return status_error(st, "too many arguments for one message");
        int e = round_trip(s, &req, &cmp, st);
        if (e < 0)
                return e;
        if (cmp.status != WSBX_ST_OK)
                return failed(s, &cmp, st);
        wsbx_valtype *rt = malloc((size_t)nresults + 1);
        if (!rt) {
                done(s);
                return -ENOMEM;
        }
        e = wsbx_proto_get_vals(wsbx_ep_payload(s->ep, &cmp), &cmp, rt, results, nresults);
        done(s);
        /* The record may have been dropped by a nested call meanwhile. */
        r = rec(s, func);
        if (e == 0 && (cmp.count != nresults ||
                       (r && r->nparams != TYPE_UNKNOWN && nresults &&
                        memcmp(rt, r->types + r->nparams, nresults) != 0)))
                e = -EPROTO;
        for (uint32_t i = 0; e == 0 && i < nresults; i++) {
                struct hrec *fr;
                if (rt[i] == WSBX_FUNCREF && results[i].i64 != 0)
                        e = rec_add(s, (wsbx_handle)results[i].i64, WSBX_EXTERN_FUNC, &fr);
        }
        if (e == 0 && result_types && nresults)
                memcpy(result_types, rt, nresults);
        free(rt);
        if (e == -EPROTO)
                return broken(s);
        return e;
}

int wsbx_session_global_get(wsbx_session *s, wsbx_handle global, wsbx_val_raw *v, wsbx_valtype *type,
                            wsbx_status *st)
{
        status_clear(st);
        wsbx_msg req = {.kind = WSBX_MSG_GLOBAL_GET, .handle = global}, cmp;
        int e = round_trip(s, &req, &cmp, st);
        if (e < 0)
                return e;
        if (cmp.status != WSBX_ST_OK)
                return failed(s, &cmp, st);
        wsbx_valtype t = 0;
        e = wsbx_proto_get_vals(wsbx_ep_payload(s->ep, &cmp), &cmp, &t, v, 1);
        done(s);
        if (e < 0 || cmp.count != 1)
                return broken(s);
        struct hrec *fr;
        if (t == WSBX_FUNCREF && v->i64 != 0 && (e = rec_add(s, (wsbx_handle)v->i64, WSBX_EXTERN_FUNC, &fr)) < 0)
                return e;
        *type = t;
        return 0;
}

int wsbx_session_global_set(wsbx_session *s, wsbx_handle global, wsbx_valtype type, const wsbx_val_raw *v,
                            wsbx_status *st)
{
        status_clear(st);
        wsbx_msg req = {.kind = WSBX_MSG_GLOBAL_SET, .handle = global}, cmp;
        if (s->broken)
                return lost(s, -EPIPE, st);
        if (wsbx_proto_put_vals(s->ep, &req, &type, v, 1) < 0)
                return -E2BIG;
        int e = round_trip(s, &req, &cmp, st);
        if (e < 0)
                return e;
        if (cmp.status != WSBX_ST_OK)
                return failed(s, &cmp, st);
        return expect_empty(s, &cmp);
}

int wsbx_session_host_func_new(wsbx_session *s, const wsbx_functype *type, wsbx_host_fn fn, void *ctx,
                               wsbx_handle *out, wsbx_status *st)
{
        status_clear(st);
        uint32_t n = type->nparams + type->nresults;
        if (type->nparams > WSBX_ARENA_SIZE || type->nresults > WSBX_ARENA_SIZE)
                return status_error(st, "host function type too large");
        if (s->nhosts == s->hostcap) {
                uint32_t cap = s->hostcap ? 2 * s->hostcap : 16;
                struct hostfn *h = realloc(s->hosts, (size_t)cap * sizeof *h);
                if (!h)
                        return -ENOMEM;
                s->hosts = h;
                s->hostcap = cap;
        }
        wsbx_valtype *t = malloc((size_t)n + 1);
        if (!t)
                return -ENOMEM;
        if (type->nparams)
                memcpy(t, type->params, type->nparams);
        if (type->nresults)
                memcpy(t + type->nparams, type->results, type->nresults);
        for (uint32_t i = 0; i < n; i++)
                if (!wsbx_valtype_ok(t[i])) {
                        free(t);
                        return status_error(st, "host function type: not a value type");
                }
        uint32_t id = s->nhosts;
        s->hosts[id] = (struct hostfn){fn, ctx, type->nparams, type->nresults, t};
        s->nhosts++;

        wsbx_msg req = {.kind = WSBX_MSG_HOST_FUNC_NEW, .value = id, .arg0 = type->nparams}, cmp;
        int e = -EPIPE;
        if (!s->broken && (e = wsbx_proto_put_bytes(s->ep, &req, t, n)) == 0) {
                req.count = n;
                e = round_trip(s, &req, &cmp, st);
        }
        if (e < 0)
                return e;
        if (cmp.status != WSBX_ST_OK)
                return failed(s, &cmp, st);
        e = finish_handle(s, &cmp, WSBX_EXTERN_FUNC, out);
        if (e < 0)
                return e;
        return rec_set_functype(&s->h[*out], t, type->nparams, type->nresults);
}

int wsbx_session_drop(wsbx_session *s, wsbx_handle h, wsbx_status *st)
{
        status_clear(st);
        wsbx_msg req = {.kind = WSBX_MSG_DROP, .handle = h}, cmp;
        int e = round_trip(s, &req, &cmp, st);
        if (e < 0)
                return e;
        if (cmp.status != WSBX_ST_OK)
                return failed(s, &cmp, st);
        e = expect_empty(s, &cmp);
        if (e == 0 && h < s->hcap)
                rec_clear(&s->h[h]);
        return e;
}

int wsbx_session_wasi_instance(wsbx_session *s, wsbx_handle *instance, wsbx_status *st)
{
        status_clear(st);
        wsbx_msg req = {.kind = WSBX_MSG_WASI}, cmp;
        int e = round_trip(s, &req, &cmp, st);
        if (e < 0)
                return e;
        if (cmp.status != WSBX_ST_OK)
                return failed(s, &cmp, st);
        return finish_handle(s, &cmp, KIND_INSTANCE, instance);
}

const char *wsbx_session_error(const wsbx_session *s)
{
        return s->proc ? wsbx_proc_cause(s->proc) : "";
}

/* ------------------------------------------------------------------------ */
/* Snapshots                                                                */
/* ------------------------------------------------------------------------ */

int wsbx_session_snapshot(wsbx_session *s, wsbx_handle instance, int *fd, wsbx_status *st)
{
        status_clear(st);
        *fd = -1;
        if (s->broken)
                return lost(s, -EPIPE, st);
        /* The worker cannot make memfds: it writes into this one, which is
         * sealed and checked here once it answered. The worker's memory
         * limit (its cgroup is charged for the pages) bounds its size. */
        int mfd = memfd_create("wsbx-snapshot", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (mfd < 0)
                return -errno;
        wsbx_msg req = {.kind = WSBX_MSG_SNAPSHOT, .handle = instance}, cmp;
        int e = wsbx_ep_send_fd(s->ep, mfd, &req.value);
        if (e == 0)
                e = round_trip(s, &req, &cmp, st);
        if (e < 0) {
                close(mfd);
                return e;
        }
        if (cmp.status != WSBX_ST_OK) {
                close(mfd);
                return failed(s, &cmp, st);
        }
        uint64_t size = cmp.value;
        e = expect_empty(s, &cmp);
        if (e < 0) {
                close(mfd);
                return e;
        }
        struct stat sb;
        if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0 ||
            fstat(mfd, &sb) != 0 || (uint64_t)sb.st_size != size) {
                /* Still mapped writable, or not the size it said: the
                 * worker did not play by the rules. */
                close(mfd);
                return broken(s);
        }
        wsbx_snapshot *snap = NULL;
        wsbx_lerr le = {""};
        e = wsbx_snapshot_load(mfd, &snap, &le);
        wsbx_snapshot_delete(snap);
        if (e < 0) {
                close(mfd);
                if (e == -ENOMEM)
                        return e;
                /* A snapshot we cannot read back came from a broken worker. */
                e = broken(s);
                status_clear(st);
                st->outcome = WSBX_SESS_ERROR;
                snprintf(st->msg, sizeof st->msg, "the worker's snapshot is corrupt: %s", le.msg);
                return e;
        }
        *fd = mfd;
        return 0;
}

/* fd as the worker may have it: a writable file without F_SEAL_WRITE goes
 * over as a read-only reopening (*ro, closed by the caller). */
static int readonly_fd(wsbx_session *s, int fd, int *ro)
{
        *ro = -1;
        if (wsbx_ep_is_local(s->ep))
                return fd;
        int fl = fcntl(fd, F_GETFL);
        int seals = fcntl(fd, F_GET_SEALS);
        if (fl < 0)
                return -errno;
        if ((fl & O_ACCMODE) == O_RDONLY || (seals >= 0 && (seals & F_SEAL_WRITE)))
                return fd;
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        *ro = open(path, O_RDONLY | O_CLOEXEC);
        return *ro < 0 ? -errno : *ro;
}

/* The ranges of a lazy RESTORE completion, checked against the snapshot
 * (one per memory, page-aligned, its size) and handed to the pager. A
 * failure here leaves an instance whose pages nobody serves: the worker
 * is killed. */
static int serve_ranges(wsbx_session *s, const wsbx_msg *cmp, wsbx_snapshot *snap, wsbx_status *st)
{
        uint32_t nm = wsbx_snapshot_nmemories(snap);
        const uint8_t *p = wsbx_ep_payload(s->ep, cmp);
        if (cmp->count != nm || cmp->len != (uint64_t)nm * sizeof(wsbx_msg_range) || (nm && !p)) {
                done(s);
                return broken(s);
        }
        wsbx_msg_range *r = malloc((size_t)nm * sizeof *r + 1);
        if (!r) {
                done(s);
                wsbx_proc_fail(s->proc, "worker killed: its lazy pages could not be served (out of memory)");
                return lost(s, -ENOMEM, st);
        }
        if (nm)
                memcpy(r, p, (size_t)nm * sizeof *r);
        done(s);
        int e = 0;
        /* With a quota, a memory is served over all it can ever occupy
         * (at most a 32-bit memory's 4 GiB), every page counted. */
        for (uint32_t i = 0; i < nm && e == 0; i++)
                if (r[i].base % WSBX_SNAPSHOT_PAGE ||
                    r[i].len != (uint64_t)wsbx_snapshot_memory_pages(snap, i) * WSBX_WASM_PAGE ||
                    (s->memory_quota ? !reach_ok(r[i].reach, r[i].len) : r[i].reach != r[i].len))
                        e = -EPROTO;
        if (e < 0) {
                free(r);
                return broken(s);
        }
        int quota = -1;
        if (s->memory_quota && (quota = instance_budget(s)) < 0)
                e = quota;
        for (uint32_t i = 0; i < nm && e == 0; i++) {
                const uint8_t *src;
                size_t len;
                if (!r[i].reach)
                        continue;
                e = wsbx_snapshot_memory_source(snap, i, &src, &len);
                if (e == 0)
                        e = wsbx_proc_pager_add(s->proc, r[i].base, r[i].reach, src, len, quota);
        }
        free(r);
        if (e < 0) {
                char why[WSBX_STATUS_MSG_MAX];
                snprintf(why, sizeof why, "worker killed: its lazy pages could not be registered: %s", strerror(-e));
                wsbx_proc_fail(s->proc, why);
                return lost(s, e, st);
        }
        return 0;
}

int wsbx_session_restore(wsbx_session *s, wsbx_handle module, int fd, const wsbx_handle *imports, uint32_t nimports,
                         wsbx_handle *instance, wsbx_status *st)
{
        status_clear(st);
        if (fd < 0)
                return -EBADF;
        if (s->broken)
                return lost(s, -EPIPE, st);
        bool lazy = s->proc && wsbx_proc_lazy(s->proc);
        wsbx_snapshot *snap = NULL;
        if (lazy) {
                /* The pager serves from this process's own reading of the
                 * file, verified here: nothing the worker says about it. */
                if (s->nsnaps == s->snapcap) {
                        uint32_t cap = s->snapcap ? 2 * s->snapcap : 8;
                        wsbx_snapshot **n = realloc(s->snaps, (size_t)cap * sizeof *n);
                        if (!n)
                                return -ENOMEM;
                        s->snaps = n;
                        s->snapcap = cap;
                }
                wsbx_lerr le = {""};
                int e = wsbx_snapshot_load(fd, &snap, &le);
                if (e < 0)
                        return e == -ENOMEM ? e : status_error(st, le.msg[0] ? le.msg : strerror(-e));
        }
        s->quota_group = -1; /* a budget of its own */
        wsbx_msg req = {.kind = WSBX_MSG_RESTORE, .handle = module, .count = nimports,
                        .flags = lazy ? WSBX_MSG_F_LAZY | (s->memory_quota ? WSBX_MSG_F_PIN : 0u) : 0},
                 cmp;
        if (wsbx_proto_put_bytes(s->ep, &req, imports, (size_t)nimports * sizeof *imports) < 0) {
                wsbx_snapshot_delete(snap);
                return status_error(st, "too many imports for one message");
        }
        int ro;
        int wfd = readonly_fd(s, fd, &ro);
        int e = wfd < 0 ? wfd : wsbx_ep_send_fd(s->ep, wfd, &req.value);
        if (ro >= 0)
                close(ro);
        if (e == 0)
                e = round_trip(s, &req, &cmp, st);
        if (e < 0) {
                wsbx_snapshot_delete(snap);
                return e;
        }
        if (cmp.status != WSBX_ST_OK) {
                wsbx_snapshot_delete(snap);
                return failed(s, &cmp, st);
        }
        wsbx_handle h = cmp.handle;
        if (lazy) {
                /* Kept until close, whatever happens: once a range may be
                 * registered, the pager may read it. */
                s->snaps[s->nsnaps++] = snap;
                e = serve_ranges(s, &cmp, snap, st);
        } else {
                e = expect_empty(s, &cmp);
        }
        if (e < 0)
                return e;
        struct hrec *r;
        e = rec_add(s, h, KIND_INSTANCE, &r);
        if (e < 0)
                return e;
        *instance = h;
        return 0;
}

bool wsbx_session_lazy(wsbx_session *s)
{
        return s->proc && wsbx_proc_lazy(s->proc);
}

void wsbx_session_pager_stats(const wsbx_session *s, wsbx_uffd_stats *out)
{
        memset(out, 0, sizeof *out);
        if (s->proc)
                wsbx_proc_pager_stats(s->proc, out);
}

void wsbx_session_pager_test_delay(wsbx_session *s, uint64_t ns)
{
        if (s->proc)
                wsbx_proc_pager_test_delay(s->proc, ns);
}

void wsbx_session_pager_test_stop(wsbx_session *s)
{
        if (s->proc)
                wsbx_proc_pager_test_stop(s->proc);
}
