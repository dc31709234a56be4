/* proto.c - payload encoding and the checks every receiver applies.
 *
 * Descriptors are fixed-size (wsbx_msg); what does not fit in one travels
 * as a payload in the sender's arena: values (16-byte raw slots, then one
 * type byte each), failures (a wsbx_msg_fault header, the message, the
 * backtrace text), names and type lists as plain bytes. Decoders treat
 * the payload as hostile: they check the range against the arena
 * (wsbx_ep_payload), the length against the count and the record, every
 * type byte and every handle, and copy each byte out exactly once, since
 * the peer may change shared memory under them. Values are normalized on
 * the way in: bytes a value of its type does not use are cleared, so a
 * worker cannot smuggle state through them.
 */
#include "sandbox.h"

#include <errno.h>
#include <string.h>

static const char *const kind_names[WSBX_MSG_KIND_COUNT] = {
        [WSBX_MSG_NONE] = "none",
        [WSBX_MSG_LOAD] = "load",
        [WSBX_MSG_INSTANTIATE] = "instantiate",
        [WSBX_MSG_EXPORT] = "export",
        [WSBX_MSG_INVOKE] = "invoke",
        [WSBX_MSG_GLOBAL_GET] = "global_get",
        [WSBX_MSG_GLOBAL_SET] = "global_set",
        [WSBX_MSG_HOST_FUNC_NEW] = "host_func_new",
        [WSBX_MSG_HOST_CALL] = "host_call",
        [WSBX_MSG_HOST_RETURN] = "host_return",
        [WSBX_MSG_DROP] = "drop",
        [WSBX_MSG_CLOSE] = "close",
        [WSBX_MSG_WASI] = "wasi",
        [WSBX_MSG_SNAPSHOT] = "snapshot",
        [WSBX_MSG_RESTORE] = "restore",
        [WSBX_MSG_PAGER_REGISTER] = "pager_register",
};

const char *wsbx_msg_kind_name(uint32_t kind)
{
        return kind < WSBX_MSG_KIND_COUNT ? kind_names[kind] : "?";
}

bool wsbx_valtype_ok(uint32_t t)
{
        switch (t) {
        case WSBX_I32:
        case WSBX_I64:
        case WSBX_F32:
        case WSBX_F64:
        case WSBX_V128:
        case WSBX_FUNCREF:
        case WSBX_EXTERNREF:
                return true;
        default:
                return false;
        }
}

int wsbx_proto_put_bytes(wsbx_endpoint *ep, wsbx_msg *m, const void *p, size_t len)
{
        uint32_t off = 0;
        void *dst = wsbx_ep_alloc(ep, len, &off);
        if (!dst)
                return -E2BIG;
        if (len)
                memcpy(dst, p, len);
        m->off = off;
        m->len = (uint32_t)len;
        return 0;
}

int wsbx_proto_put_vals(wsbx_endpoint *ep, wsbx_msg *m, const wsbx_valtype *types, const wsbx_val_raw *vals,
                        uint32_t n)
{
        uint32_t off = 0;
        size_t len = (size_t)n * WSBX_VAL_WIRE;
        uint8_t *dst = wsbx_ep_alloc(ep, len, &off);
        if (!dst)
                return -E2BIG;
        if (n) {
                memcpy(dst, vals, (size_t)n * sizeof *vals);
                memcpy(dst + (size_t)n * sizeof *vals, types, n);
        }
        m->off = off;
        m->len = (uint32_t)len;
        m->count = n;
        return 0;
}

static size_t cut(const char *s, size_t max)
{
        return s ? strnlen(s, max - 1) : 0;
}

int wsbx_proto_put_fault(wsbx_endpoint *ep, wsbx_msg *m, uint32_t trap, uint32_t wasm_offset, const char *msg,
                         const char *bt)
{
        wsbx_msg_fault f = {trap, wasm_offset, (uint32_t)cut(msg, WSBX_STATUS_MSG_MAX),
                            (uint32_t)cut(bt, WSBX_STATUS_BT_MAX)};
        uint32_t off = 0;
        size_t len = sizeof f + f.msg_len + f.bt_len;
        uint8_t *dst = wsbx_ep_alloc(ep, len, &off);
        if (!dst)
                return -E2BIG;
        memcpy(dst, &f, sizeof f);
        if (f.msg_len)
                memcpy(dst + sizeof f, msg, f.msg_len);
        if (f.bt_len)
                memcpy(dst + sizeof f + f.msg_len, bt, f.bt_len);
        m->off = off;
        m->len = (uint32_t)len;
        m->count = 0;
        return 0;
}

int wsbx_proto_get_vals(const uint8_t *p, const wsbx_msg *m, wsbx_valtype *types, wsbx_val_raw *vals,
                        uint32_t max)
{
        uint32_t n = m->count;
        if (n > max || (uint64_t)m->len != (uint64_t)n * WSBX_VAL_WIRE)
                return -EPROTO;
        if (!p)
                return -EPROTO;
        if (n == 0)
                return 0;
        memcpy(vals, p, (size_t)n * sizeof *vals);
        memcpy(types, p + (size_t)n * sizeof *vals, n);
        for (uint32_t i = 0; i < n; i++) {
                wsbx_val_raw v = {0};
                switch (types[i]) {
                case WSBX_I32:
                case WSBX_F32:
                        v.i32 = vals[i].i32;
                        break;
                case WSBX_I64:
                case WSBX_F64:
                case WSBX_EXTERNREF:
                        v.i64 = vals[i].i64;
                        break;
                case WSBX_FUNCREF:
                        if (vals[i].i64 >= WSBX_HANDLE_MAX)
                                return -EPROTO;
                        v.i64 = vals[i].i64;
                        break;
                case WSBX_V128:
                        v = vals[i];
                        break;
                default:
                        return -EPROTO;
                }
                vals[i] = v;
        }
        return 0;
}

int wsbx_proto_get_fault(const uint8_t *p, const wsbx_msg *m, wsbx_status *st)
{
        wsbx_msg_fault f;
        if (!p || m->len < sizeof f)
                return -EPROTO;
        memcpy(&f, p, sizeof f);
        if (f.trap >= WSBX_TRAP_COUNT || f.msg_len >= WSBX_STATUS_MSG_MAX || f.bt_len >= WSBX_STATUS_BT_MAX ||
            (uint64_t)m->len != sizeof f + (uint64_t)f.msg_len + f.bt_len)
                return -EPROTO;
        st->trap = (wsbx_trap)f.trap;
        st->wasm_offset = f.wasm_offset;
        memcpy(st->msg, p + sizeof f, f.msg_len);
        st->msg[f.msg_len] = 0;
        memcpy(st->backtrace, p + sizeof f + f.msg_len, f.bt_len);
        st->backtrace[f.bt_len] = 0;
        /* A NUL inside the text would hide the rest; keep it printable. */
        for (uint32_t i = 0; i < f.msg_len; i++)
                if (st->msg[i] == 0)
                        st->msg[i] = '?';
        for (uint32_t i = 0; i < f.bt_len; i++)
                if (st->backtrace[i] == 0)
                        st->backtrace[i] = '?';
        return 0;
}
