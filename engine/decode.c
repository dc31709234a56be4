/* decode.c - the binary module decoder and module-level validator.
 *
 * wsbx_module_decode reads a module in one pass, section by section, and
 * validates as it goes: every index, limit, constant expression and export
 * name is checked when it is read, and each function body is handed to the
 * body validator (validate.c) as soon as its local declarations are
 * decoded. Everything the module keeps comes from its arena, starting with
 * a copy of the input; names and segment payloads point into that copy.
 * Constant expressions are read by decode_const.c; export name uniqueness
 * and the "name" section are decode_names.c's. wsbx_module_load, here
 * too, sends text through the text encoder first and maps the decoder's
 * errors back to text positions with the encoder's position map.
 *
 * Invariants:
 * - Reads are bounded by the end of the module, not of the section. The
 *   reference interpreter reads that way and checks a section's size only
 *   after decoding it, so a section whose count overstates its contents
 *   reads on into the next one and fails with whatever the reference would
 *   say ("length out of bounds", "section size mismatch", ...).
 * - Malformed beats invalid. A malformed error returns at once; the first
 *   validation error is remembered in dec.inv and decoding goes on, so a
 *   malformed error later in the module still wins, as it does in the
 *   reference interpreter, which decodes everything before validating.
 * - No allocation is sized by the input before the count has been checked
 *   against the limits and the bytes that remain. Where a count exceeds
 *   the bytes left in its section, the section is bound to fail (every
 *   item takes at least a byte), so its items are decoded into a single
 *   scratch slot only to find out which error the reference would report.
 * - Work is linear in the input: one pass, duplicate export names found by
 *   hashing (with a probe budget, past which a sort takes over, so chosen
 *   names cannot make it quadratic), no backtracking beyond re-reading one
 *   constant expression.
 *
 * Surprises:
 * - A function whose type index is unknown still has its body decoded (a
 *   malformed body must win over the invalid index); it is validated
 *   against type 0 as a stand-in, since only malformedness matters then.
 * - The "name" custom section is parsed after everything else and only
 *   leniently (decode_names.c): the spec does not validate custom
 *   sections, so a malformed name section is ignored, never an error.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

/* Section ids and the order non-custom sections must appear in. The data
 * count section (12) sits between the element (9) and code (10) sections. */
enum {
        SEC_CUSTOM = 0,
        SEC_TYPE = 1,
        SEC_IMPORT = 2,
        SEC_FUNC = 3,
        SEC_TABLE = 4,
        SEC_MEMORY = 5,
        SEC_GLOBAL = 6,
        SEC_EXPORT = 7,
        SEC_START = 8,
        SEC_ELEM = 9,
        SEC_CODE = 10,
        SEC_DATA = 11,
        SEC_DATACOUNT = 12,
        SEC_LAST = 12,
};

static const uint8_t section_rank[SEC_LAST + 1] = {
        [SEC_CUSTOM] = 0,  [SEC_TYPE] = 1,    [SEC_IMPORT] = 2, [SEC_FUNC] = 3,
        [SEC_TABLE] = 4,   [SEC_MEMORY] = 5,  [SEC_GLOBAL] = 6, [SEC_EXPORT] = 7,
        [SEC_START] = 8,   [SEC_ELEM] = 9,    [SEC_DATACOUNT] = 10,
        [SEC_CODE] = 11,   [SEC_DATA] = 12,
};
#define RANK_END 13

#define MAX_PAGES 65536u

wsbx_errkind wsbx_dec_malformed(wsbx_dec *d, size_t at, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        wsbx_error_vset(d->err, WSBX_ERR_MALFORMED, at, fmt, ap);
        va_end(ap);
        return WSBX_ERR_MALFORMED;
}

void wsbx_dec_invalid(wsbx_dec *d, size_t at, const char *fmt, ...)
{
        if (d->has_inv)
                return;
        va_list ap;
        va_start(ap, fmt);
        wsbx_error_vset(&d->inv, WSBX_ERR_INVALID, at, fmt, ap);
        va_end(ap);
        d->has_inv = true;
}

wsbx_errkind wsbx_dec_nomem(wsbx_dec *d)
{
        return wsbx_error_set(d->err, WSBX_ERR_NOMEM, wsbx_dec_off(d), "out of memory");
}

static wsbx_errkind check_limit(wsbx_dec *d, size_t at, const char *what, uint64_t n, uint32_t max)
{
        if (n <= max)
                return WSBX_OK;
        return wsbx_error_set(d->err, WSBX_ERR_LIMIT, at, "limit exceeded: %s (%llu > %u)", what,
                              (unsigned long long)n, max);
}

static void *alloc_array(wsbx_dec *d, uint32_t n, size_t size)
{
        if (n == 0)
                return NULL;
        return wsbx_arena_calloc(d->a, n, size);
}

/* Slots to allocate for `count` items of the current section: `count`
 * itself, or one scratch slot when the count cannot fit in what is left of
 * the section (the section must then fail; see the file comment). */
static uint32_t vec_cap(const wsbx_dec *d, uint32_t count)
{
        size_t p = wsbx_dec_off(d);
        size_t left = d->sec_end > p ? d->sec_end - p : 0;
        return count <= left ? count : 1;
}

/* A section's item count, checked against limit `max` together with the
 * `base` items its index space has already ("limit exceeded: WHAT"), and
 * the slots to allocate for the items (vec_cap). */
static wsbx_errkind read_count(wsbx_dec *d, const char *what, uint32_t base, uint32_t max, uint32_t *n,
                               uint32_t *cap)
{
        size_t at = wsbx_dec_off(d);
        WSBX_TRY(wsbx_dec_read_len(d, n));
        WSBX_TRY(check_limit(d, at, what, (uint64_t)base + *n, max));
        *cap = vec_cap(d, *n);
        return WSBX_OK;
}

static inline uint32_t slot(uint32_t i, uint32_t cap)
{
        return i < cap ? i : 0;
}

/* ------------------------------------------------------------------------ */
/* Values                                                                   */
/* ------------------------------------------------------------------------ */

wsbx_errkind wsbx_dec_read_len(wsbx_dec *d, uint32_t *n)
{
        size_t at = wsbx_dec_off(d);
        size_t left = wsbx_reader_left(&d->r);
        WSBX_RD(wsbx_read_u32(&d->r, n));
        if (*n > left)
                return wsbx_dec_malformed(d, at, "length out of bounds");
        return WSBX_OK;
}

static wsbx_errkind read_name(wsbx_dec *d, wsbx_name *out)
{
        size_t at = wsbx_dec_off(d);
        uint32_t n;
        const uint8_t *p;
        WSBX_TRY(wsbx_dec_read_len(d, &n));
        WSBX_RD(wsbx_read_bytes(&d->r, n, &p));
        if (!wsbx_dec_all_ascii(p, n) && !wsbx_utf8_valid(p, n))
                return wsbx_dec_malformed(d, at, "malformed UTF-8 encoding");
        out->ptr = (const char *)p;
        out->len = n;
        return WSBX_OK;
}

wsbx_errkind wsbx_dec_bad_type_byte(wsbx_dec *d, size_t at, uint8_t b, const char *what)
{
        if (b & 0x80)
                return wsbx_dec_malformed(d, at, "integer representation too long");
        return wsbx_dec_malformed(d, at, "malformed %s", what);
}

wsbx_errkind wsbx_dec_read_valtype(wsbx_dec *d, wsbx_valtype *out)
{
        size_t at = wsbx_dec_off(d);
        uint8_t b;
        WSBX_RD(wsbx_read_u8(&d->r, &b));
        if (!wsbx_dec_is_valtype(b))
                return wsbx_dec_bad_type_byte(d, at, b, "value type");
        *out = b;
        return WSBX_OK;
}

wsbx_errkind wsbx_dec_read_reftype(wsbx_dec *d, wsbx_valtype *out)
{
        size_t at = wsbx_dec_off(d);
        uint8_t b;
        WSBX_RD(wsbx_read_u8(&d->r, &b));
        if (!wsbx_dec_is_reftype(b))
                return wsbx_dec_bad_type_byte(d, at, b, "reference type");
        *out = b;
        return WSBX_OK;
}

/* Limits: a one-bit LEB128 flag (2.0 has neither shared nor 64-bit
 * memories, so 2 and 3 are "integer too large"), then u32 min and max. */
static wsbx_errkind read_limits(wsbx_dec *d, wsbx_limits *l)
{
        uint64_t flag;
        uint32_t v;
        WSBX_RD(wsbx_read_uleb(&d->r, 1, &flag));
        WSBX_RD(wsbx_read_u32(&d->r, &v));
        l->min = v;
        l->has_max = flag != 0;
        l->max = 0;
        if (l->has_max) {
                WSBX_RD(wsbx_read_u32(&d->r, &v));
                l->max = v;
        }
        return WSBX_OK;
}

static void check_table_limits(wsbx_dec *d, size_t at, const wsbx_limits *l)
{
        /* u32 fields cannot exceed the table range 2^32-1. */
        if (l->has_max && l->min > l->max)
                wsbx_dec_invalid(d, at, "size minimum must not be greater than maximum");
}

static void check_memory_limits(wsbx_dec *d, size_t at, const wsbx_limits *l)
{
        if (l->min > MAX_PAGES || (l->has_max && l->max > MAX_PAGES))
                wsbx_dec_invalid(d, at, "memory size must be at most 65536 pages (4GiB)");
        else if (l->has_max && l->min > l->max)
                wsbx_dec_invalid(d, at, "size minimum must not be greater than maximum");
}

static wsbx_errkind read_tabletype(wsbx_dec *d, wsbx_tabletype *t)
{
        size_t at = wsbx_dec_off(d);
        WSBX_TRY(wsbx_dec_read_reftype(d, &t->elem));
        WSBX_TRY(read_limits(d, &t->limits));
        check_table_limits(d, at, &t->limits);
        return WSBX_OK;
}

static wsbx_errkind read_memtype(wsbx_dec *d, wsbx_memtype *t)
{
        size_t at = wsbx_dec_off(d);
        WSBX_TRY(read_limits(d, &t->limits));
        t->shared = false;
        t->is64 = false;
        check_memory_limits(d, at, &t->limits);
        return WSBX_OK;
}

static wsbx_errkind read_globaltype(wsbx_dec *d, wsbx_globaltype *t)
{
        WSBX_TRY(wsbx_dec_read_valtype(d, &t->type));
        size_t at = wsbx_dec_off(d);
        uint8_t b;
        WSBX_RD(wsbx_read_u8(&d->r, &b));
        if (b > 1)
                return wsbx_dec_malformed(d, at, "malformed mutability");
        t->mut = b;
        return WSBX_OK;
}

/* ------------------------------------------------------------------------ */
/* Index spaces                                                             */
/* ------------------------------------------------------------------------ */

/* Assembles index space `kind`: its imports, then `ndefined` zeroed slots
 * for the definitions. The entries of each index space have the type of
 * the matching member of wsbx_import.u, so imports are copied as bytes. */
static wsbx_errkind build_space(wsbx_dec *d, wsbx_externkind kind, uint32_t ndefined)
{
        static const char *const what[] = {"functions", "tables", "memories", "globals"};
        static const size_t elem[] = {
                sizeof(uint32_t), sizeof(wsbx_tabletype), sizeof(wsbx_memtype), sizeof(wsbx_globaltype),
        };
        wsbx_module *m = d->m;
        const wsbx_limits_cfg *l = d->lim;
        const uint32_t nimported[] = {
                m->nimported_funcs, m->nimported_tables, m->nimported_memories, m->nimported_globals,
        };
        const uint32_t max[] = {l->max_functions, l->max_tables, l->max_memories, l->max_globals};
        uint64_t total = (uint64_t)nimported[kind] + ndefined;
        WSBX_TRY(check_limit(d, wsbx_dec_off(d), what[kind], total, max[kind]));
        void *arr = alloc_array(d, (uint32_t)total, elem[kind]);
        if (total && !arr)
                return wsbx_dec_nomem(d);
        size_t j = 0;
        for (uint32_t i = 0; i < m->nimports; i++)
                if (m->imports[i].kind == kind)
                        memcpy((uint8_t *)arr + elem[kind] * j++, &m->imports[i].u, elem[kind]);
        switch (kind) {
        case WSBX_EXTERN_FUNC:
                m->nfuncs = (uint32_t)total;
                m->func_types = arr;
                d->ref_declared = alloc_array(d, m->nfuncs, 1);
                if (m->nfuncs && !d->ref_declared)
                        return wsbx_dec_nomem(d);
                break;
        case WSBX_EXTERN_TABLE:
                m->ntables = (uint32_t)total;
                m->tables = arr;
                break;
        case WSBX_EXTERN_MEMORY:
                m->nmemories = (uint32_t)total;
                m->memories = arr;
                break;
        case WSBX_EXTERN_GLOBAL:
                m->nglobals = (uint32_t)total;
                m->global_types = arr;
                break;
        }
        d->built |= 1u << kind;
        return WSBX_OK;
}

/* Assembles, empty of definitions, every index space whose defining
 * section would have come before a section of rank `rank`. */
static wsbx_errkind ensure_spaces(wsbx_dec *d, unsigned rank)
{
        static const uint8_t defined_in[] = {SEC_FUNC, SEC_TABLE, SEC_MEMORY, SEC_GLOBAL};
        for (unsigned kind = 0; kind < sizeof defined_in; kind++)
                if (rank > section_rank[defined_in[kind]] && !(d->built & (1u << kind)))
                        WSBX_TRY(build_space(d, (wsbx_externkind)kind, 0));
        return WSBX_OK;
}

/* ------------------------------------------------------------------------ */
/* Sections                                                                 */
/* ------------------------------------------------------------------------ */

static wsbx_errkind type_section(wsbx_dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        uint32_t cap;
        WSBX_TRY(read_count(d, "types", 0, d->lim->max_types, &n, &cap));
        m->types = alloc_array(d, cap, sizeof *m->types);
        if (cap && !m->types)
                return wsbx_dec_nomem(d);
        for (uint32_t i = 0; i < n; i++) {
                wsbx_functype *ft = &m->types[slot(i, cap)];
                size_t tat = wsbx_dec_off(d);
                uint8_t b;
                WSBX_RD(wsbx_read_u8(&d->r, &b));
                if (b != 0x60)
                        return wsbx_dec_bad_type_byte(d, tat, b, "function type");
                uint32_t np, nr;
                size_t pat = wsbx_dec_off(d);
                WSBX_TRY(wsbx_dec_read_len(d, &np));
                WSBX_TRY(check_limit(d, pat, "params", np, d->lim->max_params));
                const uint8_t *params = d->r.p;
                for (uint32_t k = 0; k < np; k++) {
                        wsbx_valtype t;
                        WSBX_TRY(wsbx_dec_read_valtype(d, &t));
                }
                size_t rat = wsbx_dec_off(d);
                WSBX_TRY(wsbx_dec_read_len(d, &nr));
                WSBX_TRY(check_limit(d, rat, "results", nr, d->lim->max_results));
                const uint8_t *results = d->r.p;
                for (uint32_t k = 0; k < nr; k++) {
                        wsbx_valtype t;
                        WSBX_TRY(wsbx_dec_read_valtype(d, &t));
                }
                /* Value types are their own bytes, so the arrays can point
                 * into the module's copy of the input. */
                ft->nparams = np;
                ft->nresults = nr;
                ft->params = np ? (wsbx_valtype *)params : NULL;
                ft->results = nr ? (wsbx_valtype *)results : NULL;
        }
        m->ntypes = cap == n ? n : 0;
        return WSBX_OK;
}

static uint32_t check_type_index(wsbx_dec *d, size_t at, uint32_t x)
{
        if (x < d->m->ntypes)
                return x;
        wsbx_dec_invalid(d, at, "unknown type %u", x);
        return 0; /* stand-in, see the file comment */
}

static wsbx_errkind import_section(wsbx_dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        size_t at = wsbx_dec_off(d);
        uint32_t cap;
        WSBX_TRY(read_count(d, "imports", 0, d->lim->max_imports, &n, &cap));
        m->imports = alloc_array(d, cap, sizeof *m->imports);
        if (cap && !m->imports)
                return wsbx_dec_nomem(d);
        uint32_t counts[4] = {0};
        for (uint32_t i = 0; i < n; i++) {
                wsbx_import *im = &m->imports[slot(i, cap)];
                WSBX_TRY(read_name(d, &im->module));
                WSBX_TRY(read_name(d, &im->name));
                size_t kat = wsbx_dec_off(d);
                uint8_t kind;
                WSBX_RD(wsbx_read_u8(&d->r, &kind));
                if (kind > WSBX_EXTERN_GLOBAL)
                        return wsbx_dec_malformed(d, kat, "malformed import kind");
                im->kind = kind;
                counts[kind]++;
                switch (kind) {
                case WSBX_EXTERN_FUNC: {
                        uint32_t x;
                        size_t xat = wsbx_dec_off(d);
                        WSBX_RD(wsbx_read_u32(&d->r, &x));
                        im->u.func_type = check_type_index(d, xat, x);
                        break;
                }
                case WSBX_EXTERN_TABLE:
                        WSBX_TRY(read_tabletype(d, &im->u.table));
                        break;
                case WSBX_EXTERN_MEMORY:
                        WSBX_TRY(read_memtype(d, &im->u.memory));
                        if (counts[WSBX_EXTERN_MEMORY] > 1)
                                wsbx_dec_invalid(d, kat, "multiple memories");
                        break;
                case WSBX_EXTERN_GLOBAL:
                        WSBX_TRY(read_globaltype(d, &im->u.global));
                        break;
                }
        }
        if (cap != n)
                return WSBX_OK; /* the section fails its size check */
        m->nimports = n;
        WSBX_TRY(check_limit(d, at, "functions", counts[WSBX_EXTERN_FUNC], d->lim->max_functions));
        WSBX_TRY(check_limit(d, at, "tables", counts[WSBX_EXTERN_TABLE], d->lim->max_tables));
        WSBX_TRY(check_limit(d, at, "memories", counts[WSBX_EXTERN_MEMORY], d->lim->max_memories));
        WSBX_TRY(check_limit(d, at, "globals", counts[WSBX_EXTERN_GLOBAL], d->lim->max_globals));
        m->nimported_funcs = counts[WSBX_EXTERN_FUNC];
        m->nimported_tables = counts[WSBX_EXTERN_TABLE];
        m->nimported_memories = counts[WSBX_EXTERN_MEMORY];
        m->nimported_globals = counts[WSBX_EXTERN_GLOBAL];
        return WSBX_OK;
}

static wsbx_errkind func_section(wsbx_dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        uint32_t cap;
        WSBX_TRY(read_count(d, "functions", m->nimported_funcs, d->lim->max_functions, &n, &cap));
        if (cap != n) {
                /* Doomed section: decode the indices only. */
                for (uint32_t i = 0; i < n; i++) {
                        uint32_t x;
                        WSBX_RD(wsbx_read_u32(&d->r, &x));
                }
                return WSBX_OK;
        }
        WSBX_TRY(build_space(d, WSBX_EXTERN_FUNC, n));
        m->funcs = alloc_array(d, n, sizeof *m->funcs);
        if (n && !m->funcs)
                return wsbx_dec_nomem(d);
        for (uint32_t i = 0; i < n; i++) {
                uint32_t x;
                size_t xat = wsbx_dec_off(d);
                WSBX_RD(wsbx_read_u32(&d->r, &x));
                x = check_type_index(d, xat, x);
                m->funcs[i].type = x;
                m->func_types[m->nimported_funcs + i] = x;
        }
        d->nfunc_decls = n;
        return WSBX_OK;
}

static wsbx_errkind table_section(wsbx_dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        uint32_t cap;
        WSBX_TRY(read_count(d, "tables", m->nimported_tables, d->lim->max_tables, &n, &cap));
        wsbx_tabletype dummy;
        if (cap == n)
                WSBX_TRY(build_space(d, WSBX_EXTERN_TABLE, n));
        for (uint32_t i = 0; i < n; i++)
                WSBX_TRY(read_tabletype(d, cap == n ? &m->tables[m->nimported_tables + i] : &dummy));
        return WSBX_OK;
}

static wsbx_errkind memory_section(wsbx_dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        uint32_t cap;
        WSBX_TRY(read_count(d, "memories", m->nimported_memories, d->lim->max_memories, &n, &cap));
        wsbx_memtype dummy;
        if (cap == n)
                WSBX_TRY(build_space(d, WSBX_EXTERN_MEMORY, n));
        for (uint32_t i = 0; i < n; i++) {
                size_t mat = wsbx_dec_off(d);
                WSBX_TRY(read_memtype(d, cap == n ? &m->memories[m->nimported_memories + i] : &dummy));
                /* Wasm 2.0 allows one memory, imported or defined. */
                if (m->nimported_memories + i >= 1)
                        wsbx_dec_invalid(d, mat, "multiple memories");
        }
        return WSBX_OK;
}

static wsbx_errkind global_section(wsbx_dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        uint32_t cap;
        WSBX_TRY(read_count(d, "globals", m->nimported_globals, d->lim->max_globals, &n, &cap));
        if (cap == n)
                WSBX_TRY(build_space(d, WSBX_EXTERN_GLOBAL, n));
        else
                WSBX_TRY(build_space(d, WSBX_EXTERN_GLOBAL, 0)); /* imports only: constant expressions need them */
        m->globals = alloc_array(d, cap, sizeof *m->globals);
        if (cap && !m->globals)
                return wsbx_dec_nomem(d);
        for (uint32_t i = 0; i < n; i++) {
                wsbx_global *g = &m->globals[slot(i, cap)];
                WSBX_TRY(read_globaltype(d, &g->type));
                WSBX_TRY(wsbx_dec_read_const(d, g->type.type, &g->init));
                if (cap == n)
                        m->global_types[m->nimported_globals + i] = g->type;
        }
        return WSBX_OK;
}

static wsbx_errkind export_section(wsbx_dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        uint32_t cap;
        WSBX_TRY(read_count(d, "exports", 0, d->lim->max_exports, &n, &cap));
        m->exports = alloc_array(d, cap, sizeof *m->exports);
        wsbx_dec_export_key *keys = cap > 1 ? malloc((size_t)cap * sizeof *keys) : NULL;
        if (cap && (!m->exports || (cap > 1 && !keys))) {
                free(keys);
                return wsbx_dec_nomem(d);
        }
        wsbx_errkind k = WSBX_OK;
        for (uint32_t i = 0; i < n; i++) {
                wsbx_export *ex = &m->exports[slot(i, cap)];
                size_t eat = wsbx_dec_off(d);
                if ((k = read_name(d, &ex->name)) != WSBX_OK)
                        break;
                size_t kat = wsbx_dec_off(d);
                uint8_t kind;
                if (!wsbx_read_u8(&d->r, &kind) || !wsbx_read_u32(&d->r, &ex->index)) {
                        k = WSBX_ERR_MALFORMED;
                        break;
                }
                if (kind > WSBX_EXTERN_GLOBAL) {
                        k = wsbx_dec_malformed(d, kat, "malformed export kind");
                        break;
                }
                ex->kind = kind;
                uint32_t x = ex->index;
                switch (kind) {
                case WSBX_EXTERN_FUNC:
                        if (x >= m->nfuncs)
                                wsbx_dec_invalid(d, kat, "unknown function %u", x);
                        else
                                d->ref_declared[x] = 1;
                        break;
                case WSBX_EXTERN_TABLE:
                        if (x >= m->ntables)
                                wsbx_dec_invalid(d, kat, "unknown table %u", x);
                        break;
                case WSBX_EXTERN_MEMORY:
                        if (x >= m->nmemories)
                                wsbx_dec_invalid(d, kat, "unknown memory %u", x);
                        break;
                case WSBX_EXTERN_GLOBAL:
                        if (x >= m->nglobals)
                                wsbx_dec_invalid(d, kat, "unknown global %u", x);
                        break;
                }
                if (keys && cap == n)
                        keys[i] = (wsbx_dec_export_key){ex->name, i, (uint32_t)eat};
        }
        if (k == WSBX_OK && cap == n) {
                m->nexports = n;
                k = wsbx_dec_export_names(d, keys, n);
        }
        free(keys);
        return k;
}

static wsbx_errkind start_section(wsbx_dec *d)
{
        wsbx_module *m = d->m;
        size_t at = wsbx_dec_off(d);
        uint32_t x;
        WSBX_RD(wsbx_read_u32(&d->r, &x));
        m->has_start = true;
        m->start = x;
        if (x >= m->nfuncs) {
                wsbx_dec_invalid(d, at, "unknown function %u", x);
                return WSBX_OK;
        }
        if (!m->ntypes)
                return WSBX_OK; /* its type index is already invalid */
        const wsbx_functype *ft = &m->types[m->func_types[x]];
        if (ft->nparams || ft->nresults)
                wsbx_dec_invalid(d, at, "start function must not have parameters or results");
        return WSBX_OK;
}

static wsbx_errkind elem_section(wsbx_dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        uint32_t cap;
        WSBX_TRY(read_count(d, "element segments", 0, d->lim->max_elem_segments, &n, &cap));
        m->elems = alloc_array(d, cap, sizeof *m->elems);
        if (cap && !m->elems)
                return wsbx_dec_nomem(d);
        for (uint32_t i = 0; i < n; i++) {
                wsbx_elem *e = &m->elems[slot(i, cap)];
                size_t sat = wsbx_dec_off(d);
                uint32_t flags;
                WSBX_RD(wsbx_read_u32(&d->r, &flags));
                if (flags > 7)
                        return wsbx_dec_malformed(d, sat, "malformed elements segment kind");
                /* Bit 0: passive or declarative; bit 1: explicit table
                 * (active) or declarative (otherwise); bit 2: items are
                 * expressions rather than function indices. */
                bool exprs = flags & 4;
                e->table = 0;
                e->type = WSBX_FUNCREF;
                size_t tat = sat;
                if (flags & 1) {
                        e->mode = flags & 2 ? WSBX_SEG_DECLARATIVE : WSBX_SEG_PASSIVE;
                } else {
                        e->mode = WSBX_SEG_ACTIVE;
                        if (flags & 2) {
                                tat = wsbx_dec_off(d);
                                WSBX_RD(wsbx_read_u32(&d->r, &e->table));
                        }
                        WSBX_TRY(wsbx_dec_read_const(d, WSBX_I32, &e->offset));
                }
                if (flags & 3) {
                        if (exprs) {
                                WSBX_TRY(wsbx_dec_read_reftype(d, &e->type));
                        } else {
                                size_t kat = wsbx_dec_off(d);
                                uint8_t kind;
                                WSBX_RD(wsbx_read_u8(&d->r, &kind));
                                if (kind != 0)
                                        return wsbx_dec_malformed(d, kat, "malformed element kind");
                        }
                }
                uint32_t count;
                size_t cat = wsbx_dec_off(d);
                WSBX_TRY(wsbx_dec_read_len(d, &count));
                WSBX_TRY(check_limit(d, cat, "element items", count, d->lim->max_elem_items));
                uint32_t icap = vec_cap(d, count);
                e->items = alloc_array(d, icap, sizeof *e->items);
                if (icap && !e->items)
                        return wsbx_dec_nomem(d);
                for (uint32_t k = 0; k < count; k++) {
                        wsbx_constexpr *it = &e->items[slot(k, icap)];
                        if (exprs) {
                                WSBX_TRY(wsbx_dec_read_const(d, e->type, it));
                                continue;
                        }
                        size_t xat = wsbx_dec_off(d);
                        uint32_t x;
                        WSBX_RD(wsbx_read_u32(&d->r, &x));
                        it->op = WSBX_CONST_REF_FUNC;
                        it->u.index = x;
                        if (x >= m->nfuncs)
                                wsbx_dec_invalid(d, xat, "unknown function %u", x);
                        else
                                d->ref_declared[x] = 1;
                }
                e->count = icap == count ? count : 0;
                if (e->mode == WSBX_SEG_ACTIVE) {
                        if (e->table >= m->ntables)
                                wsbx_dec_invalid(d, tat, "unknown table %u", e->table);
                        else if (m->tables[e->table].elem != e->type)
                                wsbx_dec_invalid(d, sat, "type mismatch: element segment's type %s does not "
                                        "match table's element type %s", wsbx_valtype_name(e->type),
                                        wsbx_valtype_name(m->tables[e->table].elem));
                }
        }
        m->nelems = cap == n ? n : 0;
        return WSBX_OK;
}

static wsbx_errkind datacount_section(wsbx_dec *d)
{
        wsbx_module *m = d->m;
        WSBX_RD(wsbx_read_u32(&d->r, &m->datacount));
        m->has_datacount = true;
        return WSBX_OK;
}

/* Reads one body's local declarations and hands the body to the body
 * validator. `i` counts bodies; those beyond the function section are
 * decoded but not validated (the module fails with "function and code
 * section have inconsistent lengths" anyway). */
static wsbx_errkind code_entry(wsbx_dec *d, uint32_t i)
{
        wsbx_module *m = d->m;
        size_t at = wsbx_dec_off(d);
        uint32_t size;
        WSBX_TRY(wsbx_dec_read_len(d, &size));
        WSBX_TRY(check_limit(d, at, "function body size", size, d->lim->max_body_size));
        size_t body = wsbx_dec_off(d);
        size_t body_end = body + size;

        size_t lat = wsbx_dec_off(d);
        uint32_t ngroups;
        WSBX_TRY(wsbx_dec_read_len(d, &ngroups));
        /* Each group takes at least two bytes of the body. */
        size_t body_left = body_end > wsbx_dec_off(d) ? body_end - wsbx_dec_off(d) : 0;
        uint32_t gcap = ngroups <= body_left / 2 ? ngroups : (ngroups ? 1 : 0);
        wsbx_localgroup *groups = alloc_array(d, gcap, sizeof *groups);
        if (gcap && !groups)
                return wsbx_dec_nomem(d);
        uint64_t total = 0;
        for (uint32_t k = 0; k < ngroups; k++) {
                wsbx_localgroup *g = &groups[slot(k, gcap)];
                WSBX_RD(wsbx_read_u32(&d->r, &g->count));
                WSBX_TRY(wsbx_dec_read_valtype(d, &g->type));
                total += g->count;
        }
        if (total >= (uint64_t)1 << 32)
                return wsbx_dec_malformed(d, lat, "too many locals");
        if (wsbx_dec_off(d) > body_end) {
                /* The declarations ran past the body; the reference reads
                 * on and ends up at a different place than declared. */
                if (body_end >= m->size)
                        return wsbx_dec_malformed(d, m->size, "unexpected end of section or function");
                return wsbx_dec_malformed(d, body, "section size mismatch");
        }
        size_t code_start = wsbx_dec_off(d);
        /* Sizes are checked against the bytes left before the size field,
         * so a body may claim a few bytes past the module's end. */
        bool clamped = body_end > m->size;
        if (clamped)
                body_end = m->size;
        d->r.p = d->r.start + body_end;
        if (i >= d->nfunc_decls) {
                /* Not validated: the module fails anyway ("function and
                 * code section have inconsistent lengths"). */
                if (clamped)
                        return wsbx_dec_malformed(d, m->size, "unexpected end of section or function");
                return WSBX_OK;
        }
        wsbx_func *f = &m->funcs[i];
        const wsbx_functype *ft = m->ntypes ? &m->types[f->type] : NULL;
        uint64_t all = total + (ft ? ft->nparams : 0);
        if (all > d->lim->max_locals)
                return wsbx_error_set(d->err, WSBX_ERR_LIMIT, lat,
                                      "too many locals (limit exceeded: locals %llu > %u)",
                                      (unsigned long long)all, d->lim->max_locals);
        f->body_offset = (uint32_t)body;
        f->body_size = (uint32_t)(body_end - body);
        f->code_offset = (uint32_t)code_start;
        f->nlocals = (uint32_t)total;
        f->nlocalgroups = ngroups;
        f->localgroups = groups;
        if (!ft)
                return clamped ? wsbx_dec_malformed(d, m->size, "unexpected end of section or function")
                               : WSBX_OK; /* no types at all: the index is already invalid */

        if (!d->scratch && !(d->scratch = wsbx_valscratch_new()))
                return wsbx_dec_nomem(d);
        wsbx_errkind k = wsbx_validate_body(m, i, d->ref_declared, d->lim, d->scratch, d->err);
        if (k == WSBX_ERR_INVALID) {
                if (!d->has_inv) {
                        d->inv = *d->err;
                        d->has_inv = true;
                }
                k = WSBX_OK;
        }
        /* A clamped body that decoded fine ended at the module's end, not
         * where its size said. */
        if (k == WSBX_OK && clamped)
                return wsbx_dec_malformed(d, body, "section size mismatch");
        return k;
}

static wsbx_errkind code_section(wsbx_dec *d)
{
        uint32_t n;
        WSBX_TRY(wsbx_dec_read_len(d, &n));
        d->ncode = n;
        for (uint32_t i = 0; i < n; i++)
                WSBX_TRY(code_entry(d, i));
        return WSBX_OK;
}

static wsbx_errkind data_section(wsbx_dec *d)
{
        wsbx_module *m = d->m;
        uint32_t n;
        uint32_t cap;
        WSBX_TRY(read_count(d, "data segments", 0, d->lim->max_data_segments, &n, &cap));
        m->datas = alloc_array(d, cap, sizeof *m->datas);
        if (cap && !m->datas)
                return wsbx_dec_nomem(d);
        for (uint32_t i = 0; i < n; i++) {
                wsbx_data *ds = &m->datas[slot(i, cap)];
                size_t sat = wsbx_dec_off(d);
                uint32_t flags;
                WSBX_RD(wsbx_read_u32(&d->r, &flags));
                if (flags > 2)
                        return wsbx_dec_malformed(d, sat, "malformed data segment kind");
                ds->memory = 0;
                size_t mat = sat;
                if (flags == 1) {
                        ds->mode = WSBX_SEG_PASSIVE;
                } else {
                        ds->mode = WSBX_SEG_ACTIVE;
                        if (flags == 2) {
                                mat = wsbx_dec_off(d);
                                WSBX_RD(wsbx_read_u32(&d->r, &ds->memory));
                        }
                        if (ds->memory >= m->nmemories)
                                wsbx_dec_invalid(d, mat, "unknown memory %u", ds->memory);
                        WSBX_TRY(wsbx_dec_read_const(d, WSBX_I32, &ds->offset));
                }
                uint32_t len;
                const uint8_t *p;
                WSBX_TRY(wsbx_dec_read_len(d, &len));
                WSBX_RD(wsbx_read_bytes(&d->r, len, &p));
                ds->data_offset = (uint32_t)(p - d->r.start);
                ds->size = len;
        }
        m->ndatas = cap == n ? n : 0;
        return WSBX_OK;
}

static wsbx_errkind custom_section(wsbx_dec *d, size_t start, uint32_t size)
{
        wsbx_module *m = d->m;
        wsbx_custom c;
        WSBX_TRY(read_name(d, &c.name));
        size_t used = wsbx_dec_off(d) - start;
        /* A name running past the declared size leaves a negative payload
         * length, which the reference reports as running out of input. */
        if (used > size || start + size > m->size)
                return wsbx_dec_malformed(d, m->size, "unexpected end of section or function");
        c.offset = (uint32_t)wsbx_dec_off(d);
        c.size = (uint32_t)(size - used);
        d->r.p += c.size;
        if (m->ncustoms == d->customs_cap) {
                uint32_t ncap = d->customs_cap ? d->customs_cap * 2 : 4;
                wsbx_custom *a = wsbx_arena_alloc(d->a, (size_t)ncap * sizeof *a);
                if (!a)
                        return wsbx_dec_nomem(d);
                if (m->ncustoms)
                        memcpy(a, m->customs, (size_t)m->ncustoms * sizeof *a);
                m->customs = a;
                d->customs_cap = ncap;
        }
        m->customs[m->ncustoms++] = c;
        return WSBX_OK;
}

/* ------------------------------------------------------------------------ */
/* Module                                                                   */
/* ------------------------------------------------------------------------ */

static wsbx_errkind section(wsbx_dec *d, uint8_t id, size_t start, uint32_t size)
{
        switch (id) {
        case SEC_CUSTOM: return custom_section(d, start, size);
        case SEC_TYPE: return type_section(d);
        case SEC_IMPORT: return import_section(d);
        case SEC_FUNC: return func_section(d);
        case SEC_TABLE: return table_section(d);
        case SEC_MEMORY: return memory_section(d);
        case SEC_GLOBAL: return global_section(d);
        case SEC_EXPORT: return export_section(d);
        case SEC_START: return start_section(d);
        case SEC_ELEM: return elem_section(d);
        case SEC_CODE: return code_section(d);
        case SEC_DATA: return data_section(d);
        case SEC_DATACOUNT: return datacount_section(d);
        }
        return WSBX_OK;
}

static wsbx_errkind decode_module(wsbx_dec *d)
{
        wsbx_module *m = d->m;
        const uint8_t *b = m->bytes;
        size_t len = m->size;
        /* The reference reads the whole magic word before comparing it. */
        if (len < 4)
                return wsbx_dec_malformed(d, len, "unexpected end");
        if (memcmp(b, "\0asm", 4) != 0)
                return wsbx_dec_malformed(d, 0, "magic header not detected");
        if (len < 8)
                return wsbx_dec_malformed(d, len, "unexpected end");
        if (wsbx_dec_le32(b + 4) != 1)
                return wsbx_dec_malformed(d, 4, "unknown binary version");
        d->r.p += 8;

        unsigned last_rank = 0;
        while (d->r.p < d->r.end) {
                size_t at = wsbx_dec_off(d);
                uint8_t id = *d->r.p;
                if (id > SEC_LAST)
                        return wsbx_dec_malformed(d, at, "malformed section id %u", id);
                unsigned rank = section_rank[id];
                if (id != SEC_CUSTOM && rank <= last_rank)
                        return wsbx_dec_malformed(d, at, "unexpected content after last section");
                d->r.p++;
                uint32_t size;
                WSBX_TRY(wsbx_dec_read_len(d, &size));
                size_t start = wsbx_dec_off(d);
                /* Section sizes are checked against the bytes left before
                 * the size field, so the end may lie a few bytes past the
                 * module's end; the decoder then runs out first. */
                d->sec_end = start + size <= len ? start + size : len;
                if (id != SEC_CUSTOM) {
                        WSBX_TRY(ensure_spaces(d, rank));
                        last_rank = rank;
                }
                WSBX_TRY(section(d, id, start, size));
                if (wsbx_dec_off(d) != start + size)
                        return wsbx_dec_malformed(d, start, "section size mismatch");
        }
        WSBX_TRY(ensure_spaces(d, RANK_END));
        if (d->nfunc_decls != d->ncode)
                return wsbx_dec_malformed(d, len, "function and code section have inconsistent lengths");
        if (m->has_datacount && m->datacount != m->ndatas)
                return wsbx_dec_malformed(d, len, "data count and data section have inconsistent lengths");
        if (d->has_inv) {
                *d->err = d->inv;
                return WSBX_ERR_INVALID;
        }
        for (uint32_t i = 0; i < m->ncustoms; i++) {
                const wsbx_custom *c = &m->customs[i];
                if (c->name.len == 4 && memcmp(c->name.ptr, "name", 4) == 0) {
                        if (!wsbx_dec_parse_names(m, c))
                                return wsbx_dec_nomem(d);
                        break;
                }
        }
        return WSBX_OK;
}

wsbx_errkind wsbx_module_decode(const uint8_t *bytes, size_t len, const wsbx_limits_cfg *limits,
                                wsbx_module **out, wsbx_error *err)
{
        wsbx_error local;
        if (!err)
                err = &local;
        *out = NULL;
        /* Offsets in wsbx_func and wsbx_data are 32-bit. */
        if (len > UINT32_MAX)
                return wsbx_error_set(err, WSBX_ERR_LIMIT, 0, "limit exceeded: module size (%zu > %u)",
                                      len, UINT32_MAX);
        wsbx_arena *a = wsbx_arena_new();
        wsbx_module *m = a ? wsbx_arena_calloc(a, 1, sizeof *m) : NULL;
        uint8_t *copy = m && len ? wsbx_arena_alloc(a, len) : NULL;
        if (!m || (len && !copy)) {
                wsbx_arena_delete(a);
                return wsbx_error_set(err, WSBX_ERR_NOMEM, 0, "out of memory");
        }
        if (len)
                memcpy(copy, bytes, len);
        m->arena = a;
        m->bytes = copy;
        m->size = len;

        wsbx_dec d = {
                .r = {.start = copy, .p = copy, .end = copy + len, .base = 0, .err = err},
                .m = m,
                .a = a,
                .lim = limits ? limits : &wsbx_default_limits,
                .err = err,
        };
        wsbx_errkind k = decode_module(&d);
        wsbx_valscratch_delete(d.scratch);
        if (k != WSBX_OK) {
                /* Reads inside the module run out only at its end; the
                 * reference's wording for that is the longer one. */
                if (k == WSBX_ERR_MALFORMED && err->offset >= 8 && strcmp(err->msg, "unexpected end") == 0)
                        snprintf(err->msg, sizeof err->msg, "unexpected end of section or function");
                wsbx_arena_delete(a);
                return k;
        }
        *out = m;
        return WSBX_OK;
}

wsbx_errkind wsbx_module_load(const uint8_t *bytes, size_t len, const wsbx_limits_cfg *limits,
                              wsbx_module **out, wsbx_error *err)
{
        if (len >= 4 && memcmp(bytes, "\0asm", 4) == 0)
                return wsbx_module_decode(bytes, len, limits, out, err);
        *out = NULL;
        uint8_t *bin = NULL;
        size_t bin_len = 0;
        wsbx_posmap *map = NULL;
        wsbx_errkind k = wsbx_wat_to_binary_map((const char *)bytes, len, &bin, &bin_len, &map, err);
        if (k != WSBX_OK)
                return k;
        k = wsbx_module_decode(bin, bin_len, limits, out, err);
        /* An offset into a binary the user never saw means little: name
         * the token that produced the bytes. */
        if (k != WSBX_OK)
                wsbx_posmap_locate(map, err);
        wsbx_posmap_delete(map);
        free(bin);
        return k;
}

void wsbx_module_delete(wsbx_module *m)
{
        if (m)
                wsbx_arena_delete(m->arena);
}

static void mark_ref(uint8_t *refs, const wsbx_module *m, const wsbx_constexpr *ce)
{
        if (ce->op == WSBX_CONST_REF_FUNC && ce->u.index < m->nfuncs)
                refs[ce->u.index] = 1;
}

wsbx_errkind wsbx_validate_func(const wsbx_module *m, uint32_t defined_index,
                                const wsbx_limits_cfg *limits, wsbx_error *err)
{
        if (!m || defined_index >= m->nfuncs - m->nimported_funcs)
                return wsbx_error_set(err, WSBX_ERR_INVALID, SIZE_MAX, "unknown function %u",
                                      defined_index);
        /* C.refs is not kept in the module; rebuild it from the places a
         * function can be declared: globals, element segments, exports. */
        uint8_t *refs = calloc(m->nfuncs ? m->nfuncs : 1, 1);
        wsbx_valscratch *s = wsbx_valscratch_new();
        if (!refs || !s) {
                free(refs);
                wsbx_valscratch_delete(s);
                return wsbx_error_set(err, WSBX_ERR_NOMEM, SIZE_MAX, "out of memory");
        }
        for (uint32_t i = 0; i < m->nglobals - m->nimported_globals; i++)
                mark_ref(refs, m, &m->globals[i].init);
        for (uint32_t i = 0; i < m->nelems; i++) {
                mark_ref(refs, m, &m->elems[i].offset);
                for (uint32_t k = 0; k < m->elems[i].count; k++)
                        mark_ref(refs, m, &m->elems[i].items[k]);
        }
        for (uint32_t i = 0; i < m->nexports; i++)
                if (m->exports[i].kind == WSBX_EXTERN_FUNC && m->exports[i].index < m->nfuncs)
                        refs[m->exports[i].index] = 1;
        wsbx_errkind k = wsbx_validate_body(m, defined_index, refs, limits, s, err);
        wsbx_valscratch_delete(s);
        free(refs);
        return k;
}
