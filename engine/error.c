/* error.c - error records and the engine's small name tables. */
#include "internal.h"

#include <stdio.h>

const wsbx_limits_cfg wsbx_default_limits = {
        /* As V8's wasm-limits.h, which browsers agree on. */
        .max_types = 1000000,
        .max_functions = 1000000,
        .max_imports = 100000,
        .max_exports = 100000,
        .max_globals = 1000000,
        .max_tables = 100000,
        .max_memories = 100,
        .max_elem_segments = 10000000,
        .max_data_segments = 100000,
        .max_locals = 50000,
        .max_params = 1000,
        .max_results = 1000,
        .max_body_size = 7654321,
        .max_nesting = 10000,
        .max_br_table = 65520,
        .max_elem_items = 10000000,
};

const char *wsbx_errkind_name(wsbx_errkind kind)
{
        switch (kind) {
        case WSBX_OK: return "ok";
        case WSBX_ERR_MALFORMED: return "malformed";
        case WSBX_ERR_INVALID: return "invalid";
        case WSBX_ERR_LIMIT: return "limit exceeded";
        case WSBX_ERR_NOMEM: return "out of memory";
        case WSBX_ERR_IO: return "i/o error";
        }
        return "error";
}

wsbx_errkind wsbx_error_vset(wsbx_error *err, wsbx_errkind kind, size_t offset, const char *fmt, va_list ap)
{
        if (err) {
                err->kind = kind;
                err->offset = offset;
                err->line = err->col = 0;
                vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        }
        return kind;
}

wsbx_errkind wsbx_error_set(wsbx_error *err, wsbx_errkind kind, size_t offset, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        wsbx_error_vset(err, kind, offset, fmt, ap);
        va_end(ap);
        return kind;
}

const char *wsbx_valtype_name(wsbx_valtype t)
{
        switch (t) {
        case WSBX_I32: return "i32";
        case WSBX_I64: return "i64";
        case WSBX_F32: return "f32";
        case WSBX_F64: return "f64";
        case WSBX_V128: return "v128";
        case WSBX_FUNCREF: return "funcref";
        case WSBX_EXTERNREF: return "externref";
        }
        return "?";
}

const char *wsbx_externkind_name(wsbx_externkind k)
{
        switch (k) {
        case WSBX_EXTERN_FUNC: return "func";
        case WSBX_EXTERN_TABLE: return "table";
        case WSBX_EXTERN_MEMORY: return "memory";
        case WSBX_EXTERN_GLOBAL: return "global";
        }
        return "?";
}
