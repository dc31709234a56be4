/* test_proto.c - the runtime message set: encoding, hostile workers, and
 * sessions end to end.
 *
 * Three groups. `codec` checks payload encoders and decoders on their
 * own, with hand-made descriptors. `hostile` runs the real client against
 * a fake worker (a thread that answers each request with a completion the
 * test chose) and expects every malformed, out-of-range or out-of-order
 * answer to be refused with -EPROTO, and the session to stay refused
 * (-EPIPE) afterwards, never a crash. `session` runs real modules through
 * the compiler and the worker: calls, traps, link errors, globals, host
 * functions, and a host function that calls back into the guest.
 */
#include <criterion/criterion.h>

#include "sandbox.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* codec                                                                    */
/* ------------------------------------------------------------------------ */

Test(codec, descriptor_is_one_cache_line)
{
        cr_assert_eq(sizeof(wsbx_msg), 64);
        cr_assert_str_eq(wsbx_msg_kind_name(WSBX_MSG_INVOKE), "invoke");
        cr_assert_str_eq(wsbx_msg_kind_name(WSBX_MSG_HOST_CALL), "host_call");
        cr_assert_str_eq(wsbx_msg_kind_name(9999), "?");
}

/* Builds a values payload by hand: n slots then n type bytes. */
static size_t make_vals(uint8_t *buf, const wsbx_valtype *t, const wsbx_val_raw *v, uint32_t n)
{
        memcpy(buf, v, n * sizeof *v);
        memcpy(buf + n * sizeof *v, t, n);
        return n * WSBX_VAL_WIRE;
}

Test(codec, values_decode_and_normalize)
{
        uint8_t buf[256];
        wsbx_valtype t[4] = {WSBX_I32, WSBX_F64, WSBX_V128, WSBX_FUNCREF};
        wsbx_val_raw v[4];
        memset(v, 0xee, sizeof v);
        v[0].i32 = 7;
        v[1].f64 = 0x400921fb54442d18ull;
        for (int i = 0; i < 16; i++)
                v[2].v128[i] = (uint8_t)i;
        v[3].i64 = 5;
        wsbx_msg m = {.count = 4, .len = (uint32_t)make_vals(buf, t, v, 4)};
        wsbx_valtype got_t[4];
        wsbx_val_raw got[4];
        cr_assert_eq(wsbx_proto_get_vals(buf, &m, got_t, got, 4), 0);
        cr_assert_eq(memcmp(got_t, t, 4), 0);
        cr_assert_eq(got[0].i32, 7);
        /* The unused upper bytes of an i32 slot are cleared. */
        cr_assert_eq(got[0].i64, 7);
        cr_assert_eq(got[1].f64, 0x400921fb54442d18ull);
        cr_assert_eq(memcmp(got[2].v128, v[2].v128, 16), 0);
        cr_assert_eq(got[3].i64, 5);
}

Test(codec, values_refused_when_inconsistent)
{
        uint8_t buf[256];
        wsbx_valtype t[2] = {WSBX_I32, WSBX_I64};
        wsbx_val_raw v[2] = {{.i32 = 1}, {.i64 = 2}};
        size_t len = make_vals(buf, t, v, 2);
        wsbx_valtype got_t[2];
        wsbx_val_raw got[2];

        wsbx_msg m = {.count = 2, .len = (uint32_t)len};
        cr_assert_eq(wsbx_proto_get_vals(buf, &m, got_t, got, 1), -EPROTO, "more values than room");
        m.len = (uint32_t)len - 1;
        cr_assert_eq(wsbx_proto_get_vals(buf, &m, got_t, got, 2), -EPROTO, "length does not match count");
        m = (wsbx_msg){.count = 2, .len = (uint32_t)len};
        cr_assert_eq(wsbx_proto_get_vals(NULL, &m, got_t, got, 2), -EPROTO, "payload out of the arena");
        buf[2 * 16 + 1] = 0x42; /* not a value type */
        cr_assert_eq(wsbx_proto_get_vals(buf, &m, got_t, got, 2), -EPROTO, "bad type byte");
        wsbx_valtype fr = WSBX_FUNCREF;
        wsbx_val_raw h = {.i64 = WSBX_HANDLE_MAX};
        m = (wsbx_msg){.count = 1, .len = (uint32_t)make_vals(buf, &fr, &h, 1)};
        cr_assert_eq(wsbx_proto_get_vals(buf, &m, got_t, got, 1), -EPROTO, "funcref handle out of range");
}

Test(codec, faults_decode_and_refuse)
{
        uint8_t buf[512];
        wsbx_msg_fault f = {WSBX_TRAP_UNREACHABLE, 0x2a, 11, 5};
        memcpy(buf, &f, sizeof f);
        memcpy(buf + sizeof f, "unreachable", 11);
        memcpy(buf + sizeof f + 11, "0: f\n", 5);
        wsbx_msg m = {.len = sizeof f + 16};
        wsbx_status st;
        cr_assert_eq(wsbx_proto_get_fault(buf, &m, &st), 0);
        cr_assert_eq(st.trap, WSBX_TRAP_UNREACHABLE);
        cr_assert_eq(st.wasm_offset, 0x2a);
        cr_assert_str_eq(st.msg, "unreachable");
        cr_assert_str_eq(st.backtrace, "0: f\n");

        m.len = sizeof f + 15;
        cr_assert_eq(wsbx_proto_get_fault(buf, &m, &st), -EPROTO, "lengths beyond the record");
        m.len = 8;
        cr_assert_eq(wsbx_proto_get_fault(buf, &m, &st), -EPROTO, "shorter than the header");
        f.trap = WSBX_TRAP_COUNT;
        memcpy(buf, &f, sizeof f);
        m.len = sizeof f + 16;
        cr_assert_eq(wsbx_proto_get_fault(buf, &m, &st), -EPROTO, "unknown trap kind");
        f = (wsbx_msg_fault){0, 0, WSBX_STATUS_MSG_MAX, 0};
        memcpy(buf, &f, sizeof f);
        m.len = sizeof f + WSBX_STATUS_MSG_MAX;
        cr_assert_eq(wsbx_proto_get_fault(buf, &m, &st), -EPROTO, "message longer than the status holds");
}

/* An echo worker: answers each request with its own payload. */
static void echo_worker(wsbx_endpoint *ep, void *arg)
{
        (void)arg;
        for (;;) {
                wsbx_msg m;
                if (wsbx_ep_recv(ep, &m) < 0)
                        return;
                const uint8_t *p = wsbx_ep_payload(ep, &m);
                wsbx_msg c = m;
                uint8_t *copy = malloc(m.len + 1);
                if (p)
                        memcpy(copy, p, m.len);
                wsbx_ep_release(ep);
                if (m.kind == WSBX_MSG_CLOSE) {
                        free(copy);
                        return;
                }
                wsbx_proto_put_bytes(ep, &c, copy, p ? m.len : 0);
                free(copy);
                wsbx_ep_send(ep, &c);
        }
}

Test(codec, round_trip_through_the_rings)
{
        wsbx_loopback *lb;
        wsbx_endpoint *ep;
        cr_assert_eq(wsbx_loopback_start(echo_worker, NULL, &lb, &ep), 0);
        /* More messages than ring slots, each with a different payload, so
         * both the ring indices and the arena cursor wrap. */
        for (uint32_t i = 0; i < 3 * WSBX_RING_SLOTS; i++) {
                wsbx_valtype t[3] = {WSBX_I32, WSBX_EXTERNREF, WSBX_F32};
                wsbx_val_raw v[3] = {{.i32 = i}, {.i64 = 0x1234567800000000ull + i}, {.f32 = 0x7fc00000u}};
                wsbx_msg m = {.kind = WSBX_MSG_INVOKE, .seq = i, .handle = i + 1};
                cr_assert_eq(wsbx_proto_put_vals(ep, &m, t, v, 3), 0);
                cr_assert_eq(wsbx_ep_send(ep, &m), 0);
                wsbx_msg c;
                cr_assert_eq(wsbx_ep_recv(ep, &c), 0);
                cr_assert_eq(c.seq, i);
                cr_assert_eq(c.handle, i + 1);
                wsbx_valtype gt[3];
                wsbx_val_raw gv[3];
                cr_assert_eq(wsbx_proto_get_vals(wsbx_ep_payload(ep, &c), &c, gt, gv, 3), 0);
                wsbx_ep_release(ep);
                cr_assert_eq(memcmp(gt, t, 3), 0);
                cr_assert_eq(gv[0].i32, i);
                cr_assert_eq(gv[1].i64, v[1].i64);
                cr_assert_eq(gv[2].f32, 0x7fc00000u);
        }
        /* A payload larger than the arena is refused, not truncated. */
        wsbx_msg big = {.kind = WSBX_MSG_EXPORT};
        static uint8_t huge[WSBX_ARENA_SIZE + 1];
        cr_assert_eq(wsbx_proto_put_bytes(ep, &big, huge, sizeof huge), -E2BIG);
        wsbx_msg close = {.kind = WSBX_MSG_CLOSE};
        wsbx_ep_send(ep, &close);
        wsbx_loopback_stop(lb);
}

/* ------------------------------------------------------------------------ */
/* hostile                                                                  */
/* ------------------------------------------------------------------------ */

/* How the fake worker answers. Each mode breaks one rule. */
enum mode {
        M_GOOD,           /* well-formed answers */
        M_HANDLE_ZERO,    /* LOAD answered with handle 0 */
        M_HANDLE_BIG,     /* LOAD answered with a handle beyond WSBX_HANDLE_MAX */
        M_WRONG_SEQ,      /* completion for another request */
        M_WRONG_KIND,     /* an unknown message kind */
        M_BAD_STATUS,     /* LINK on a LOAD */
        M_FAULT_OOB,      /* an error whose payload lies past the arena */
        M_EXPORT_BADTYPE, /* a function type with a byte that is no type */
        M_EXPORT_BADLEN,  /* a function type whose length is not its count */
        M_RESULT_COUNT,   /* INVOKE returns two values for a one-result function */
        M_RESULT_TYPE,    /* INVOKE returns an i64 for an i32 function */
        M_HOST_UNKNOWN,   /* a HOST_CALL for a host function never created */
        M_HOST_BADARGS,   /* a HOST_CALL whose arguments do not fit the type */
        M_KIND_CHANGE,    /* the same handle reported as a function, then a global */
        M_IMPORT_OOB,     /* LOAD reports an import whose name lies past the payload */
        M_IMPORT_COUNT,   /* LOAD reports more import records than its payload holds */
        M_IMPORT_TYPE,    /* LOAD reports a global import of no value type */
        M_UNASKED_REGISTER, /* a PAGER_REGISTER in a session without a memory quota */
};

static void fake_worker(wsbx_endpoint *ep, void *arg)
{
        enum mode mode = (enum mode)(intptr_t)arg;
        for (;;) {
                wsbx_msg m;
                if (wsbx_ep_recv(ep, &m) < 0)
                        return;
                wsbx_ep_release(ep);
                if (m.kind == WSBX_MSG_CLOSE)
                        return;
                wsbx_msg c = {.kind = m.kind, .seq = m.seq, .status = WSBX_ST_OK};
                switch (m.kind) {
                case WSBX_MSG_LOAD:
                        c.handle = 1;
                        if (mode == M_HANDLE_ZERO)
                                c.handle = 0;
                        if (mode == M_HANDLE_BIG)
                                c.handle = WSBX_HANDLE_MAX;
                        if (mode == M_WRONG_SEQ)
                                c.seq++;
                        if (mode == M_WRONG_KIND)
                                c.kind = 0x7777;
                        if (mode == M_BAD_STATUS)
                                c.status = WSBX_ST_LINK;
                        if (mode == M_FAULT_OOB) {
                                c.status = WSBX_ST_ERROR;
                                c.off = WSBX_ARENA_SIZE - 8;
                                c.len = 64;
                        }
                        if (mode == M_GOOD || mode == M_IMPORT_OOB || mode == M_IMPORT_COUNT ||
                            mode == M_IMPORT_TYPE) {
                                /* One import: "env" "g" (global i64), or a broken one. */
                                uint8_t buf[sizeof(wsbx_msg_import) + 4];
                                wsbx_msg_import r = {.module_off = sizeof r, .module_len = 3,
                                                     .name_off = sizeof r + 3, .name_len = 1,
                                                     .kind = WSBX_EXTERN_GLOBAL};
                                r.xt.type = mode == M_IMPORT_TYPE ? 0x33 : WSBX_I64;
                                if (mode == M_IMPORT_OOB)
                                        r.name_off = sizeof r + 4;
                                memcpy(buf, &r, sizeof r);
                                memcpy(buf + sizeof r, "envg", 4);
                                wsbx_proto_put_bytes(ep, &c, buf, sizeof buf);
                                c.count = mode == M_IMPORT_COUNT ? 2 : 1;
                        }
                        break;
                case WSBX_MSG_INSTANTIATE:
                        c.handle = 2;
                        if (mode == M_UNASKED_REGISTER) {
                                wsbx_msg r = {.kind = WSBX_MSG_PAGER_REGISTER, .seq = 1};
                                wsbx_msg_range rg = {1u << 20, 0, 1u << 16};
                                wsbx_proto_put_bytes(ep, &r, &rg, sizeof rg);
                                wsbx_ep_send(ep, &r);
                        }
                        break;
                case WSBX_MSG_EXPORT: {
                        static uint32_t exports;
                        c.handle = 3;
                        c.arg0 = WSBX_EXTERN_FUNC;
                        c.arg1 = 1;
                        wsbx_valtype t[2] = {WSBX_I32, WSBX_I32};
                        if (mode == M_EXPORT_BADTYPE)
                                t[1] = 0x55;
                        wsbx_proto_put_bytes(ep, &c, t, 2);
                        c.count = mode == M_EXPORT_BADLEN ? 3 : 2;
                        if (mode == M_KIND_CHANGE && exports++ == 1) {
                                wsbx_msg_xtype x = {.type = WSBX_I32};
                                c.arg0 = WSBX_EXTERN_GLOBAL;
                                c.count = 0;
                                wsbx_proto_put_bytes(ep, &c, &x, sizeof x);
                        }
                        break;
                }
                case WSBX_MSG_INVOKE: {
                        if (mode == M_HOST_UNKNOWN || mode == M_HOST_BADARGS) {
                                wsbx_msg h = {.kind = WSBX_MSG_HOST_CALL, .seq = 1, .value = 0};
                                wsbx_valtype t = WSBX_F64;
                                wsbx_val_raw v = {.f64 = 0};
                                if (mode == M_HOST_UNKNOWN)
                                        h.value = 12345;
                                wsbx_proto_put_vals(ep, &h, &t, &v, 1);
                                wsbx_ep_send(ep, &h);
                                break;
                        }
                        wsbx_valtype t[2] = {WSBX_I32, WSBX_I32};
                        wsbx_val_raw v[2] = {{.i32 = 42}, {.i32 = 43}};
                        if (mode == M_RESULT_TYPE)
                                t[0] = WSBX_I64;
                        wsbx_proto_put_vals(ep, &c, t, v, mode == M_RESULT_COUNT ? 2 : 1);
                        break;
                }
                case WSBX_MSG_HOST_FUNC_NEW:
                        c.handle = 4;
                        break;
                default:
                        break;
                }
                wsbx_ep_send(ep, &c);
        }
}

static wsbx_session *fake(enum mode mode)
{
        wsbx_session *s;
        cr_assert_eq(wsbx_session_open_worker(fake_worker, (void *)(intptr_t)mode, &s), 0);
        return s;
}

/* Loads anything (the fake worker does not look at it). */
static int load(wsbx_session *s, wsbx_handle *h)
{
        wsbx_status st;
        static const uint8_t bytes[] = "not really an artifact";
        return wsbx_session_load(s, bytes, sizeof bytes, h, &st);
}

Test(hostile, well_formed_answers_are_taken)
{
        wsbx_session *s = fake(M_GOOD);
        wsbx_handle mod, inst;
        wsbx_status st;
        wsbx_sess_extern x;
        cr_assert_eq(load(s, &mod), 0);
        cr_assert_eq(mod, 1);
        const wsbx_sess_import *imps;
        uint32_t nimps;
        cr_assert_eq(wsbx_session_module_imports(s, mod, &imps, &nimps), 0);
        cr_assert_eq(nimps, 1);
        cr_assert_eq(imps[0].module.len, 3);
        cr_assert_eq(memcmp(imps[0].module.ptr, "env", 3), 0);
        cr_assert_eq(imps[0].name.len, 1);
        cr_assert_eq(imps[0].kind, WSBX_EXTERN_GLOBAL);
        cr_assert_eq(imps[0].type.global.type, WSBX_I64);
        cr_assert_eq(wsbx_session_instantiate(s, mod, NULL, 0, &inst, &st), 0);
        cr_assert_eq(wsbx_session_export(s, inst, "f", 1, &x, &st), 0);
        cr_assert_eq(x.kind, WSBX_EXTERN_FUNC);
        cr_assert_eq(x.type.func.nparams, 1);
        cr_assert_eq(x.type.func.nresults, 1);
        wsbx_valtype t = WSBX_I32, rt = 0;
        wsbx_val_raw a = {.i32 = 1}, r = {0};
        cr_assert_eq(wsbx_session_invoke(s, x.handle, &t, &a, 1, &r, &rt, 1, &st), 0);
        cr_assert_eq(r.i32, 42);
        cr_assert_eq(rt, WSBX_I32);
        /* The client checks the call against the recorded type itself. */
        cr_assert_eq(wsbx_session_invoke(s, x.handle, &t, &a, 1, &r, &rt, 2, &st), WSBX_SESS_ERROR);
        cr_assert_eq(wsbx_session_invoke(s, 77, &t, &a, 1, &r, &rt, 1, &st), WSBX_SESS_ERROR);
        wsbx_session_close(s);
}

static void expect_refused(enum mode mode, int (*step)(wsbx_session *s))
{
        wsbx_session *s = fake(mode);
        cr_assert_eq(step(s), -EPROTO, "mode %d accepted", mode);
        /* Once broken, always broken. */
        wsbx_handle h;
        cr_assert_eq(load(s, &h), -EPIPE);
        wsbx_session_close(s);
}

static int step_load(wsbx_session *s)
{
        wsbx_handle h;
        return load(s, &h);
}

static int step_export(wsbx_session *s)
{
        wsbx_handle mod, inst;
        wsbx_status st;
        wsbx_sess_extern x;
        int e = load(s, &mod);
        if (e == 0)
                e = wsbx_session_instantiate(s, mod, NULL, 0, &inst, &st);
        if (e == 0)
                e = wsbx_session_export(s, inst, "f", 1, &x, &st);
        return e;
}

static int step_invoke(wsbx_session *s)
{
        wsbx_handle mod, inst, host;
        wsbx_status st;
        wsbx_sess_extern x;
        /* A host function of type (i32) -> () for the HOST_CALL modes. */
        wsbx_valtype p = WSBX_I32;
        wsbx_functype ht = {1, 0, &p, NULL};
        int e = wsbx_session_host_func_new(s, &ht, NULL, NULL, &host, &st);
        if (e == 0)
                e = load(s, &mod);
        if (e == 0)
                e = wsbx_session_instantiate(s, mod, NULL, 0, &inst, &st);
        if (e == 0)
                e = wsbx_session_export(s, inst, "f", 1, &x, &st);
        wsbx_valtype t = WSBX_I32;
        wsbx_val_raw a = {.i32 = 1}, r[2];
        if (e == 0)
                e = wsbx_session_invoke(s, x.handle, &t, &a, 1, r, NULL, 1, &st);
        return e;
}

static int step_export_twice(wsbx_session *s)
{
        int e = step_export(s);
        wsbx_sess_extern x;
        wsbx_status st;
        if (e == 0)
                e = wsbx_session_export(s, 2, "g", 1, &x, &st);
        return e;
}

Test(hostile, handle_zero) { expect_refused(M_HANDLE_ZERO, step_load); }
Test(hostile, handle_out_of_range) { expect_refused(M_HANDLE_BIG, step_load); }
Test(hostile, wrong_seq) { expect_refused(M_WRONG_SEQ, step_load); }
Test(hostile, unknown_kind) { expect_refused(M_WRONG_KIND, step_load); }
Test(hostile, status_not_allowed) { expect_refused(M_BAD_STATUS, step_load); }
Test(hostile, payload_beyond_arena) { expect_refused(M_FAULT_OOB, step_load); }
Test(hostile, export_bad_type) { expect_refused(M_EXPORT_BADTYPE, step_export); }
Test(hostile, export_bad_length) { expect_refused(M_EXPORT_BADLEN, step_export); }
Test(hostile, result_count) { expect_refused(M_RESULT_COUNT, step_invoke); }
Test(hostile, result_type) { expect_refused(M_RESULT_TYPE, step_invoke); }
Test(hostile, host_call_unknown) { expect_refused(M_HOST_UNKNOWN, step_invoke); }
Test(hostile, host_call_bad_args) { expect_refused(M_HOST_BADARGS, step_invoke); }
Test(hostile, handle_changes_kind) { expect_refused(M_KIND_CHANGE, step_export_twice); }
Test(hostile, pager_register_unasked) { expect_refused(M_UNASKED_REGISTER, step_export); }
Test(hostile, import_name_out_of_range) { expect_refused(M_IMPORT_OOB, step_load); }
Test(hostile, import_count_beyond_payload) { expect_refused(M_IMPORT_COUNT, step_load); }
Test(hostile, import_bad_type) { expect_refused(M_IMPORT_TYPE, step_load); }

/* A worker that dies mid-request: the call fails, it does not hang. */
static void dying_worker(wsbx_endpoint *ep, void *arg)
{
        (void)arg;
        wsbx_msg m;
        if (wsbx_ep_recv(ep, &m) == 0)
                wsbx_ep_release(ep);
}

Test(hostile, worker_gone)
{
        wsbx_session *s;
        cr_assert_eq(wsbx_session_open_worker(dying_worker, NULL, &s), 0);
        wsbx_handle h;
        cr_assert_eq(load(s, &h), -EPIPE);
        cr_assert_eq(load(s, &h), -EPIPE);
        wsbx_session_close(s);
}

/* ------------------------------------------------------------------------ */
/* session                                                                  */
/* ------------------------------------------------------------------------ */

static wsbx_session *sess;

static void open_session(void)
{
        cr_assert_eq(wsbx_session_open(&sess), 0);
}

static void close_session(void)
{
        wsbx_session_close(sess);
}

/* Compiles wat text and loads it; skips when this build has no runtime. */
static wsbx_handle load_wat(const char *wat)
{
        wsbx_module *m;
        wsbx_error err;
        uint8_t *art;
        size_t len;
        cr_assert_eq(wsbx_module_load((const uint8_t *)wat, strlen(wat), NULL, &m, &err), WSBX_OK, "%s",
                     err.msg);
        cr_assert_eq(wsbx_compile(m, NULL, &art, &len, &err), WSBX_OK, "%s", err.msg);
        wsbx_module_delete(m);
        wsbx_handle h = 0;
        wsbx_status st;
        int e = wsbx_session_load(sess, art, len, &h, &st);
        free(art);
        if (e == WSBX_SESS_ERROR && strstr(st.msg, "no instance layer"))
                cr_skip_test("the loader has no instances in this build: %s", st.msg);
        cr_assert_eq(e, 0, "load: %d %s", e, st.msg);
        return h;
}

static wsbx_handle instantiate(const char *wat, const wsbx_handle *imports, uint32_t n)
{
        wsbx_handle mod = load_wat(wat), inst = 0;
        wsbx_status st;
        int e = wsbx_session_instantiate(sess, mod, imports, n, &inst, &st);
        cr_assert_eq(e, 0, "instantiate: %d %s", e, st.msg);
        return inst;
}

static wsbx_sess_extern export(wsbx_handle inst, const char *name)
{
        wsbx_sess_extern x;
        wsbx_status st;
        int e = wsbx_session_export(sess, inst, name, strlen(name), &x, &st);
        cr_assert_eq(e, 0, "export %s: %d %s", name, e, st.msg);
        return x;
}

static int call_i32(wsbx_handle f, uint32_t a, uint32_t b, uint32_t *r, wsbx_status *st)
{
        wsbx_valtype t[2] = {WSBX_I32, WSBX_I32};
        wsbx_val_raw args[2] = {{.i32 = a}, {.i32 = b}}, res = {0};
        int e = wsbx_session_invoke(sess, f, t, args, 2, &res, NULL, 1, st);
        *r = res.i32;
        return e;
}

static const char calc_wat[] =
        "(module\n"
        "  (global (export \"g\") (mut i32) (i32.const 5))\n"
        "  (func (export \"add\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))\n"
        "  (func (export \"div\") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))\n"
        "  (func (export \"boom\") unreachable))\n";

Test(session, call_and_trap, .init = open_session, .fini = close_session)
{
        wsbx_handle inst = instantiate(calc_wat, NULL, 0);
        wsbx_sess_extern add = export(inst, "add");
        cr_assert_eq(add.kind, WSBX_EXTERN_FUNC);
        cr_assert_eq(add.type.func.nparams, 2);
        cr_assert_eq(add.type.func.nresults, 1);
        wsbx_status st;
        uint32_t r;
        cr_assert_eq(call_i32(add.handle, 40, 2, &r, &st), 0);
        cr_assert_eq(r, 42);

        wsbx_sess_extern div = export(inst, "div");
        cr_assert_eq(call_i32(div.handle, 1, 0, &r, &st), WSBX_SESS_TRAP);
        cr_assert_eq(st.trap, WSBX_TRAP_INT_DIV_ZERO);
        cr_assert_str_eq(st.msg, "integer divide by zero");

        wsbx_sess_extern boom = export(inst, "boom");
        cr_assert_eq(wsbx_session_invoke(sess, boom.handle, NULL, NULL, 0, NULL, NULL, 0, &st), WSBX_SESS_TRAP);
        cr_assert_str_eq(st.msg, "unreachable");
        /* A trap does not hurt the store: calls go on. */
        cr_assert_eq(call_i32(add.handle, 1, 2, &r, &st), 0);
        cr_assert_eq(r, 3);

        /* Same export, same handle. */
        cr_assert_eq(export(inst, "add").handle, add.handle);
        cr_assert_eq(wsbx_session_export(sess, inst, "nope", 4, &add, &st), WSBX_SESS_NOTFOUND);
}

Test(session, load_from_fd_and_refuse_garbage, .init = open_session, .fini = close_session)
{
        /* The load path large artifacts take: a sealed memfd. */
        load_wat("(module)"); /* skips when there is no runtime */
        wsbx_module *m;
        wsbx_error err;
        uint8_t *art;
        size_t len;
        cr_assert_eq(wsbx_module_load((const uint8_t *)calc_wat, strlen(calc_wat), NULL, &m, &err), WSBX_OK);
        cr_assert_eq(wsbx_compile(m, NULL, &art, &len, &err), WSBX_OK);
        wsbx_module_delete(m);
        int fd = memfd_create("test-artifact", MFD_CLOEXEC);
        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, art, len), (ssize_t)len);
        wsbx_handle mod, inst;
        wsbx_status st;
        cr_assert_eq(wsbx_session_load_fd(sess, fd, &mod, &st), 0, "%s", st.msg);
        close(fd);
        cr_assert_eq(wsbx_session_instantiate(sess, mod, NULL, 0, &inst, &st), 0, "%s", st.msg);
        uint32_t r;
        cr_assert_eq(call_i32(export(inst, "add").handle, 20, 22, &r, &st), 0);
        cr_assert_eq(r, 42);

        /* A corrupt artifact is the loader's error, reported, not fatal. */
        art[len / 2] ^= 0xff;
        memset(art + 64, 0xa5, 64);
        cr_assert_eq(wsbx_session_load(sess, art, len, &mod, &st), WSBX_SESS_ERROR);
        cr_assert(st.msg[0] != 0);
        cr_assert_eq(wsbx_session_load(sess, (const uint8_t *)"\x7f" "ELF", 4, &mod, &st), WSBX_SESS_ERROR);
        free(art);
        /* The session still works. */
        cr_assert_eq(call_i32(export(inst, "add").handle, 1, 1, &r, &st), 0);
        cr_assert_eq(r, 2);
}

Test(session, globals, .init = open_session, .fini = close_session)
{
        wsbx_handle inst = instantiate(calc_wat, NULL, 0);
        wsbx_sess_extern g = export(inst, "g");
        cr_assert_eq(g.kind, WSBX_EXTERN_GLOBAL);
        cr_assert_eq(g.type.global.type, WSBX_I32);
        cr_assert(g.type.global.mut);
        wsbx_status st;
        wsbx_val_raw v;
        wsbx_valtype t;
        cr_assert_eq(wsbx_session_global_get(sess, g.handle, &v, &t, &st), 0);
        cr_assert_eq(v.i32, 5);
        v.i32 = 9;
        cr_assert_eq(wsbx_session_global_set(sess, g.handle, WSBX_I32, &v, &st), 0);
        v.i32 = 0;
        cr_assert_eq(wsbx_session_global_get(sess, g.handle, &v, &t, &st), 0);
        cr_assert_eq(v.i32, 9);
        cr_assert_eq(wsbx_session_global_set(sess, g.handle, WSBX_I64, &v, &st), WSBX_SESS_ERROR);
}

Test(session, link_errors, .init = open_session, .fini = close_session)
{
        wsbx_handle inst = instantiate(calc_wat, NULL, 0);
        wsbx_sess_extern g = export(inst, "g");
        wsbx_handle mod = load_wat("(module (import \"m\" \"f\" (func (param i32))))");
        wsbx_handle out;
        wsbx_status st;
        /* LOAD reported the import. */
        const wsbx_sess_import *imps;
        uint32_t nimps;
        cr_assert_eq(wsbx_session_module_imports(sess, mod, &imps, &nimps), 0);
        cr_assert_eq(nimps, 1);
        cr_assert_eq(imps[0].kind, WSBX_EXTERN_FUNC);
        cr_assert_eq(imps[0].type.func.nparams, 1);
        cr_assert_eq(imps[0].type.func.params[0], WSBX_I32);
        cr_assert_eq(imps[0].type.func.nresults, 0);
        cr_assert(imps[0].name.len == 1 && imps[0].name.ptr[0] == 'f');
        cr_assert_eq(wsbx_session_instantiate(sess, mod, &g.handle, 1, &out, &st), WSBX_SESS_LINK);
        cr_assert(strncmp(st.msg, "incompatible import type", 24) == 0, "%s", st.msg);
        wsbx_handle none = 0;
        cr_assert_eq(wsbx_session_instantiate(sess, mod, &none, 1, &out, &st), WSBX_SESS_LINK);
        cr_assert(strncmp(st.msg, "unknown import", 14) == 0, "%s", st.msg);
}

/* Host function: adds 1000 to its argument after calling the guest's
 * "add" (a nested invoke) with (arg, 1). */
static int host_fn(wsbx_session *s, void *ctx, const wsbx_val_raw *args, uint32_t nargs, wsbx_val_raw *results,
                   uint32_t nresults, char *err)
{
        wsbx_handle *add = ctx;
        cr_assert_eq(nargs, 1);
        cr_assert_eq(nresults, 1);
        if (args[0].i32 == 13) {
                snprintf(err, WSBX_STATUS_MSG_MAX, "unlucky");
                return 1;
        }
        wsbx_status st;
        uint32_t r;
        if (*add == 0) {
                results[0].i32 = args[0].i32 + 1000;
                return 0;
        }
        int e = call_i32(*add, args[0].i32, 1, &r, &st);
        if (e != 0) {
                snprintf(err, WSBX_STATUS_MSG_MAX, "nested call failed: %d %.200s", e, st.msg);
                return 1;
        }
        results[0].i32 = r + 1000;
        (void)s;
        return 0;
}

Test(session, host_functions_and_nested_calls, .init = open_session, .fini = close_session)
{
        static wsbx_handle add_handle;
        wsbx_valtype i32 = WSBX_I32;
        wsbx_functype ht = {1, 1, &i32, &i32};
        wsbx_handle host;
        wsbx_status st;
        cr_assert_eq(wsbx_session_host_func_new(sess, &ht, host_fn, &add_handle, &host, &st), 0);
        wsbx_handle inst = instantiate("(module (import \"host\" \"f\" (func $f (param i32) (result i32)))\n"
                                       "  (func (export \"add\") (param i32 i32) (result i32)\n"
                                       "    (i32.add (local.get 0) (local.get 1)))\n"
                                       "  (func (export \"via_host\") (param i32 i32) (result i32)\n"
                                       "    (i32.add (call $f (local.get 0)) (local.get 1))))\n",
                                       &host, 1);
        wsbx_sess_extern via = export(inst, "via_host");
        uint32_t r;
        /* Plain host call: (5 + 1000) + 2. */
        add_handle = 0;
        cr_assert_eq(call_i32(via.handle, 5, 2, &r, &st), 0, "%s", st.msg);
        cr_assert_eq(r, 1007);
        /* Nested: the host calls add(5, 1) in the guest: (6 + 1000) + 2. */
        add_handle = export(inst, "add").handle;
        cr_assert_eq(call_i32(via.handle, 5, 2, &r, &st), 0, "%s", st.msg);
        cr_assert_eq(r, 1008);
        /* A failing host function traps the guest with its message. */
        cr_assert_eq(call_i32(via.handle, 13, 2, &r, &st), WSBX_SESS_TRAP);
        cr_assert_eq(st.trap, WSBX_TRAP_HOST);
        cr_assert_str_eq(st.msg, "unlucky");
        /* The host function is itself a function handle the session can call. */
        wsbx_valtype t = WSBX_I32;
        wsbx_val_raw a = {.i32 = 1}, res;
        add_handle = 0;
        cr_assert_eq(wsbx_session_invoke(sess, host, &t, &a, 1, &res, NULL, 1, &st), 0, "%s", st.msg);
        cr_assert_eq(res.i32, 1001);
}

Test(session, drop_handles, .init = open_session, .fini = close_session)
{
        wsbx_handle inst = instantiate(calc_wat, NULL, 0);
        wsbx_sess_extern add = export(inst, "add");
        wsbx_status st;
        uint32_t r;
        cr_assert_eq(wsbx_session_drop(sess, add.handle, &st), 0);
        cr_assert_eq(call_i32(add.handle, 1, 2, &r, &st), WSBX_SESS_ERROR, "a dropped handle is gone");
        cr_assert_eq(wsbx_session_drop(sess, add.handle, &st), WSBX_SESS_ERROR);
        /* Looking it up again gives a working handle. */
        add = export(inst, "add");
        cr_assert_eq(call_i32(add.handle, 1, 2, &r, &st), 0);
        cr_assert_eq(r, 3);
}

Test(session, spectest_module, .init = open_session, .fini = close_session)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buf, &size);
        wsbx_handle spectest = 0;
        wsbx_status st;
        int e = wsbx_spectest_instantiate(sess, out, &spectest, &st);
        if (e == WSBX_SESS_ERROR && strstr(st.msg, "no instance layer"))
                cr_skip_test("the loader has no instances in this build");
        cr_assert_eq(e, 0, "%d %s", e, st.msg);
        wsbx_sess_extern g = export(spectest, "global_i32");
        wsbx_val_raw v;
        wsbx_valtype t;
        cr_assert_eq(wsbx_session_global_get(sess, g.handle, &v, &t, &st), 0);
        cr_assert_eq(v.i32, 666);
        cr_assert_eq(export(spectest, "table").type.table.limits.max, 20);
        cr_assert_eq(export(spectest, "memory").type.memory.limits.min, 1);
        wsbx_sess_extern p = export(spectest, "print_i32_f32");
        wsbx_valtype pt[2] = {WSBX_I32, WSBX_F32};
        wsbx_val_raw a[2] = {{.i32 = (uint32_t)-7}, {.f32 = 0x3fc00000u}};
        cr_assert_eq(wsbx_session_invoke(sess, p.handle, pt, a, 2, NULL, NULL, 0, &st), 0, "%s", st.msg);
        fclose(out);
        cr_assert_str_eq(buf, "-7 : i32\n1.5 : f32\n");
        free(buf);
}
