/* abi.h - the compiler/runtime contract.
 *
 * Compiled code (engine/) and the runtime that loads and runs it (loader/)
 * meet only here: the instance context (vmctx) layout, trap codes, the
 * representation of references, the calling conventions of wasm code and of
 * the trampolines around it, the runtime's builtin functions, and the
 * artifact's section names and fixed records. Both sides include this
 * header; neither includes the other. Changing anything here changes
 * WSBX_ABI_VERSION, which artifacts record and the loader checks.
 *
 * Everything is little-endian x86-64 System V. Offsets are checked with
 * _Static_assert so that a change on one side cannot silently break the
 * other.
 */
#ifndef WSBX_ABI_H
#define WSBX_ABI_H

#include <stddef.h>
#include <stdint.h>

#define WSBX_ABI_VERSION 2

/* ------------------------------------------------------------------------ */
/* Traps                                                                    */
/* ------------------------------------------------------------------------ */

/* Trap kinds. The message of each is the spec's wording (wsbx_trap_message
 * in loader/), which `assert_trap` matches on. */
typedef enum wsbx_trap {
        WSBX_TRAP_NONE = 0,
        WSBX_TRAP_UNREACHABLE,           /* "unreachable" */
        WSBX_TRAP_MEMORY_OOB,            /* "out of bounds memory access" */
        WSBX_TRAP_INT_DIV_ZERO,          /* "integer divide by zero" */
        WSBX_TRAP_INT_OVERFLOW,          /* "integer overflow" */
        WSBX_TRAP_BAD_CONVERSION,        /* "invalid conversion to integer" */
        WSBX_TRAP_UNDEFINED_ELEMENT,     /* "undefined element" (call_indirect index >= size) */
        WSBX_TRAP_UNINITIALIZED_ELEMENT, /* "uninitialized element N" (null funcref);
                                          * the trap site holds the table
                                          * index N in r11 (zero-extended) */
        WSBX_TRAP_INDIRECT_CALL_TYPE,    /* "indirect call type mismatch" */
        WSBX_TRAP_TABLE_OOB,             /* "out of bounds table access" */
        WSBX_TRAP_STACK_OVERFLOW,        /* "call stack exhausted" */
        WSBX_TRAP_INTERRUPTED,           /* "interrupted" (epoch deadline passed) */
        WSBX_TRAP_HOST,                  /* a host function failed; message from the host */
        WSBX_TRAP_MEMORY_QUOTA,          /* "memory quota exceeded": a page past the
                                          * instance's quota (sandbox/uffd.c) */
        WSBX_TRAP_COUNT
} wsbx_trap;

/* ------------------------------------------------------------------------ */
/* Values and references                                                    */
/* ------------------------------------------------------------------------ */

/* One value in the array calling convention: 16 bytes so v128 fits. i32
 * and f32 use the low 4 bytes, i64/f64/references the low 8. */
typedef union wsbx_val_raw {
        uint32_t i32;
        uint64_t i64;
        uint32_t f32;
        uint64_t f64;
        uint8_t v128[16];
        void *ref;
} wsbx_val_raw;
_Static_assert(sizeof(wsbx_val_raw) == 16, "wsbx_val_raw is one 16-byte slot");

struct wsbx_vmctx;

/* The array calling convention (System V): host -> wasm entry trampolines
 * and wasm -> host calls both use it. `callee` is the vmctx of the callee
 * (for a host function: its host context pointer, taken from the
 * funcref), `caller` the vmctx of the wasm caller (NULL from the host).
 * Arguments are read from vals[0..nparams); results are written to
 * vals[0..nresults). A host function that fails does not return: it calls
 * the runtime's trap raise function. */
typedef void (*wsbx_array_fn)(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals,
                              uint32_t nvals);

/* A function reference. A funcref *value* (on the operand stack, in a
 * table, in a global) is a pointer to one of these, NULL for ref.null.
 * An externref value is an opaque pointer-sized word, NULL for ref.null.
 *
 * - wasm_code: entry point in the internal wasm convention (below). For a
 *   host function it is a wasm->array trampoline of the function's type.
 * - array_code: entry in the array convention. For a wasm function it is
 *   the function's entry trampoline; for a host function the host code.
 * - vmctx: the instance the function belongs to (host: host context).
 * - type_id: canonical id of the function type within the store, compared
 *   by call_indirect against vmctx->type_ids[typeidx]. */
typedef struct wsbx_funcref {
        void *wasm_code;
        wsbx_array_fn array_code;
        struct wsbx_vmctx *vmctx;
        uint32_t type_id;
        uint32_t reserved;
} wsbx_funcref;
_Static_assert(sizeof(wsbx_funcref) == 32, "funcref record is 32 bytes");
#define WSBX_FUNCREF_WASM_CODE 0
#define WSBX_FUNCREF_ARRAY_CODE 8
#define WSBX_FUNCREF_VMCTX 16
#define WSBX_FUNCREF_TYPE_ID 24
_Static_assert(offsetof(wsbx_funcref, wasm_code) == WSBX_FUNCREF_WASM_CODE, "");
_Static_assert(offsetof(wsbx_funcref, array_code) == WSBX_FUNCREF_ARRAY_CODE, "");
_Static_assert(offsetof(wsbx_funcref, vmctx) == WSBX_FUNCREF_VMCTX, "");
_Static_assert(offsetof(wsbx_funcref, type_id) == WSBX_FUNCREF_TYPE_ID, "");

/* A memory as compiled code sees it. `base` never moves during the
 * memory's life (32-bit memories reserve their whole range up front);
 * `size` is the current size in bytes, changed only by memory.grow. */
typedef struct wsbx_memory_def {
        uint8_t *base;
        uint64_t size;
} wsbx_memory_def;
#define WSBX_MEMORY_BASE 0
#define WSBX_MEMORY_SIZE 8
_Static_assert(offsetof(wsbx_memory_def, size) == WSBX_MEMORY_SIZE, "");

/* The static memory plan: a 32-bit memory reserves WSBX_MEMORY_RESERVE bytes
 * of address space followed by WSBX_MEMORY_GUARD bytes that are never
 * accessible (and WSBX_MEMORY_PRE_GUARD before the base). Compiled code
 * computes base + zext(index) + offset; when offset + access size <=
 * WSBX_MEMORY_GUARD any out-of-bounds access lands in the reservation's
 * inaccessible tail or in the guard and faults, so no explicit check is
 * emitted. Larger offsets, and memories under the dynamic plan, get an
 * explicit check against wsbx_memory_def.size. */
#define WSBX_MEMORY_RESERVE (1ull << 32)
#define WSBX_MEMORY_GUARD (2ull << 30)
#define WSBX_MEMORY_PRE_GUARD (64ull << 10)
#define WSBX_WASM_PAGE 65536u

/* A table as compiled code sees it: `elems` may move when the table grows,
 * so code reloads it on every access.
 *
 * Externref tables hold externref values as they are (0: null). Funcref
 * tables are initialized lazily, so their elements are stored encoded:
 *   0                       not initialized yet: the element's value is
 *                           the owning instance's precomputed function
 *                           index at that position (its table image), or
 *                           null past the image; WSBX_BUILTIN_TABLE_LAZY
 *                           computes it and stores it in place;
 *   WSBX_TABLE_NULL_FUNCREF null (ref.null func);
 *   otherwise               a wsbx_funcref pointer (32-byte records, so
 *                           never 1).
 * A fresh table is all zeros and costs nothing until an element is used;
 * a funcref value moving into a table is stored as v ? v : 1, and out of
 * one as v == 1 ? 0 : v. */
#define WSBX_TABLE_NULL_FUNCREF 1
typedef struct wsbx_table_def {
        void **elems;
        uint64_t size; /* current number of elements */
} wsbx_table_def;
#define WSBX_TABLE_ELEMS 0
#define WSBX_TABLE_SIZE 8
_Static_assert(offsetof(wsbx_table_def, size) == WSBX_TABLE_SIZE, "");

/* ------------------------------------------------------------------------ */
/* Instance context (vmctx)                                                 */
/* ------------------------------------------------------------------------ */

/* The vmctx starts with a fixed header; a module-shaped tail follows at
 * offsets computed by wsbx_vmctx_layout() from the module's counts, so the
 * compiler and the loader agree without sharing code beyond this header. */
typedef struct wsbx_vmctx_header {
        uint64_t stack_limit;          /* prologues trap if rsp - frame < this */
        const uint64_t *epoch_ptr;     /* current epoch (shared with the supervisor later) */
        uint64_t epoch_deadline;       /* trap "interrupted" once *epoch_ptr >= this */
        const void *const *builtins;   /* wsbx_builtin table, below */
        void *instance;                /* runtime-private back pointer */
        uint8_t *mem0_base;            /* memory 0's base, for the pinned register */
        wsbx_memory_def *mem0;         /* memory 0's definition (its size) */
        const uint32_t *type_ids;      /* canonical type id per module type */
} wsbx_vmctx_header;

#define WSBX_VMCTX_STACK_LIMIT 0
#define WSBX_VMCTX_EPOCH_PTR 8
#define WSBX_VMCTX_EPOCH_DEADLINE 16
#define WSBX_VMCTX_BUILTINS 24
#define WSBX_VMCTX_INSTANCE 32
#define WSBX_VMCTX_MEM0_BASE 40
#define WSBX_VMCTX_MEM0 48
#define WSBX_VMCTX_TYPE_IDS 56
#define WSBX_VMCTX_HEADER_SIZE 64
_Static_assert(offsetof(wsbx_vmctx_header, stack_limit) == WSBX_VMCTX_STACK_LIMIT, "");
_Static_assert(offsetof(wsbx_vmctx_header, epoch_ptr) == WSBX_VMCTX_EPOCH_PTR, "");
_Static_assert(offsetof(wsbx_vmctx_header, epoch_deadline) == WSBX_VMCTX_EPOCH_DEADLINE, "");
_Static_assert(offsetof(wsbx_vmctx_header, builtins) == WSBX_VMCTX_BUILTINS, "");
_Static_assert(offsetof(wsbx_vmctx_header, instance) == WSBX_VMCTX_INSTANCE, "");
_Static_assert(offsetof(wsbx_vmctx_header, mem0_base) == WSBX_VMCTX_MEM0_BASE, "");
_Static_assert(offsetof(wsbx_vmctx_header, mem0) == WSBX_VMCTX_MEM0, "");
_Static_assert(offsetof(wsbx_vmctx_header, type_ids) == WSBX_VMCTX_TYPE_IDS, "");
_Static_assert(sizeof(wsbx_vmctx_header) == WSBX_VMCTX_HEADER_SIZE, "");

/* The tail, in this order, each region 16-byte aligned:
 *
 *   memories[nmemories]       wsbx_memory_def *   (defined ones point into
 *                                                  the instance, imported
 *                                                  ones at the exporter's)
 *   tables[ntables]           wsbx_table_def *    (same rule)
 *   imported_globals[nimp]    void *              (cell of the exporter)
 *   defined_globals[ndef]     16-byte cells       (value stored inline)
 *   funcrefs[nfuncs]          wsbx_funcref        (every function in the
 *                                                  index space; ref.func x
 *                                                  yields &funcrefs[x])
 *   data_sizes[ndatas]        uint32_t            (0 once dropped)
 *   elem_sizes[nelems]        uint32_t            (0 once dropped)
 */
typedef struct wsbx_vmctx_layout {
        uint32_t memories, tables, imported_globals, defined_globals, funcrefs, data_sizes,
                elem_sizes, size;
} wsbx_vmctx_layout;

static inline uint32_t wsbx_align16_(uint64_t x)
{
        return (uint32_t)((x + 15) & ~(uint64_t)15);
}

/* Computes the layout. Counts are bounded by the engine's limits, so the
 * 64-bit sums cannot overflow; the caller checks .size against its own cap. */
static inline wsbx_vmctx_layout wsbx_vmctx_layout_of(uint32_t nmemories, uint32_t ntables,
                                                     uint32_t nimported_globals,
                                                     uint32_t ndefined_globals, uint32_t nfuncs,
                                                     uint32_t ndatas, uint32_t nelems)
{
        wsbx_vmctx_layout l;
        uint64_t o = WSBX_VMCTX_HEADER_SIZE;
        l.memories = (uint32_t)o;
        o = wsbx_align16_(o + 8ull * nmemories);
        l.tables = (uint32_t)o;
        o = wsbx_align16_(o + 8ull * ntables);
        l.imported_globals = (uint32_t)o;
        o = wsbx_align16_(o + 8ull * nimported_globals);
        l.defined_globals = (uint32_t)o;
        o = wsbx_align16_(o + 16ull * ndefined_globals);
        l.funcrefs = (uint32_t)o;
        o = wsbx_align16_(o + sizeof(wsbx_funcref) * (uint64_t)nfuncs);
        l.data_sizes = (uint32_t)o;
        o = wsbx_align16_(o + 4ull * ndatas);
        l.elem_sizes = (uint32_t)o;
        o = wsbx_align16_(o + 4ull * nelems);
        l.size = o > UINT32_MAX ? UINT32_MAX : (uint32_t)o;
        return l;
}

/* ------------------------------------------------------------------------ */
/* The internal wasm calling convention                                     */
/* ------------------------------------------------------------------------ */

/* Calls between wasm functions (direct calls, call_indirect, calls to
 * imports through their funcref):
 *
 * - r14 holds the callee's vmctx and r15 its memory 0 base (undefined when
 *   the instance has no memory). Wasm code never changes r14/r15 except
 *   around a call through a funcref, after which it restores both (r14 from
 *   its frame, r15 from vmctx->mem0_base).
 * - For calls through a funcref (imports, call_indirect), r13 holds the
 *   caller's vmctx, so a host trampoline can hand it to the host.
 * - Parameters: the first six of class integer (i32, i64, funcref,
 *   externref) in rdi, rsi, rdx, rcx, r8, r9; the first eight of class
 *   float (f32, f64, v128) in xmm0..xmm7; the rest in 16-byte stack slots
 *   pushed by the caller, the first one lowest, at [rsp + 8] on entry.
 * - Results: one result in rax (integer class) or xmm0 (float class). With
 *   more than one result, the caller passes a pointer to a return area of
 *   16-byte slots as a hidden first integer parameter (so the real integer
 *   parameters start at rsi) and the callee writes every result there.
 * - Every register other than rsp, rbp, r14 and r15 may be clobbered.
 *   rbp is the frame pointer: every function sets up a frame so traps can
 *   walk the stack.
 * - Prologue: `lea rax, [rsp - frame]; cmp rax, [r14 + STACK_LIMIT]; jb
 *   stack_overflow`, with the frame size including outgoing arguments.
 *   The runtime places stack_limit above the guard region with headroom
 *   for builtins and host calls.
 * - Epoch checks at function entries and loop headers compare
 *   *epoch_ptr with epoch_deadline and trap "interrupted" when reached.
 */
#define WSBX_REG_VMCTX 14     /* r14 */
#define WSBX_REG_MEMBASE 15   /* r15 */
#define WSBX_REG_CALLER 13    /* r13, calls through funcrefs only */
/* Calls through a funcref also pass the funcref's address in r12, so that
 * a host function's wasm_code (a wasm -> array trampoline of its type) can
 * reach its array_code. */
#define WSBX_REG_FUNCREF 12   /* r12, calls through funcrefs only */
#define WSBX_NUM_INT_ARG_REGS 6
#define WSBX_NUM_FLOAT_ARG_REGS 8

/* Headroom kept between stack_limit and the real end of the guest stack,
 * for builtins, host calls and the signal handler's caller frames. */
#define WSBX_STACK_HEADROOM (64 * 1024)

/* ------------------------------------------------------------------------ */
/* Builtins: runtime functions compiled code calls (System V)               */
/* ------------------------------------------------------------------------ */

/* vmctx->builtins[i] is the function for builtin i. Every builtin takes the
 * calling instance's vmctx first. Builtins that trap do not return. */
typedef enum wsbx_builtin {
        /* uint32_t (vmctx, uint32_t mem, uint32_t delta_pages): old size or -1 */
        WSBX_BUILTIN_MEMORY_GROW,
        /* void (vmctx, uint32_t mem, uint32_t dst, uint32_t val, uint32_t len) */
        WSBX_BUILTIN_MEMORY_FILL,
        /* void (vmctx, uint32_t dst_mem, uint32_t src_mem, uint32_t dst, uint32_t src, uint32_t len) */
        WSBX_BUILTIN_MEMORY_COPY,
        /* void (vmctx, uint32_t mem, uint32_t data, uint32_t dst, uint32_t src, uint32_t len) */
        WSBX_BUILTIN_MEMORY_INIT,
        /* void (vmctx, uint32_t data) */
        WSBX_BUILTIN_DATA_DROP,
        /* uint32_t (vmctx, uint32_t table, void *init, uint32_t delta): old size or -1 */
        WSBX_BUILTIN_TABLE_GROW,
        /* void (vmctx, uint32_t table, uint32_t dst, void *val, uint32_t len) */
        WSBX_BUILTIN_TABLE_FILL,
        /* void (vmctx, uint32_t dst_table, uint32_t src_table, uint32_t dst, uint32_t src, uint32_t len) */
        WSBX_BUILTIN_TABLE_COPY,
        /* void (vmctx, uint32_t table, uint32_t elem, uint32_t dst, uint32_t src, uint32_t len) */
        WSBX_BUILTIN_TABLE_INIT,
        /* void (vmctx, uint32_t elem) */
        WSBX_BUILTIN_ELEM_DROP,
        /* _Noreturn void (vmctx, uint32_t trap): raise a trap from code that
         * cannot use a trap-table site (e.g. inside a trampoline) */
        WSBX_BUILTIN_RAISE,
        /* Not System V: initializes one funcref table element (see
         * wsbx_table_def) from code whose registers are all live. The
         * caller pushes the element index (zero-extended to 64 bits), then
         * the wsbx_table_def pointer, and calls; every register and flag
         * but the two stack slots is preserved, and the stored (encoded)
         * value replaces the pointer's slot, so the caller pops the value,
         * then drops the index. The index must be below the size. */
        WSBX_BUILTIN_TABLE_LAZY,
        WSBX_BUILTIN_COUNT
} wsbx_builtin;

/* ------------------------------------------------------------------------ */
/* Artifact                                                                 */
/* ------------------------------------------------------------------------ */

/* A compiled artifact is an ELF64 (ET_REL, EM_X86_64) file, so objdump -d
 * and readelf work on it. Sections (names are part of the contract):
 *
 *   .text            machine code; file offset page-aligned so it can be
 *                    mapped straight from the file (read+execute)
 *   .wsbx.compat     wsbx_art_compat: version, ABI, CPU features, settings
 *   .wsbx.meta       module metadata: types, imports, exports, functions
 *                    (code offsets, trampolines), memory and table plans,
 *                    globals, element and data segments, start function
 *   .wsbx.traps      sorted wsbx_art_trap records
 *   .wsbx.addrmap    sorted wsbx_art_addr records
 *   .wsbx.names      function names
 *   .wsbx.data       bytes of data segments initialized one by one
 *   .wsbx.image.N    memory N's initial image, page-aligned, file offset
 *                    congruent to its guest offset modulo the page size
 *   .symtab/.strtab  one symbol per function, for disassemblers
 *
 * The loader verifies every offset and length before use and refuses a
 * foreign or corrupt artifact with a message naming what is wrong. */
#define WSBX_ART_SEC_TEXT ".text"
#define WSBX_ART_SEC_COMPAT ".wsbx.compat"
#define WSBX_ART_SEC_META ".wsbx.meta"
#define WSBX_ART_SEC_TRAPS ".wsbx.traps"
#define WSBX_ART_SEC_ADDRMAP ".wsbx.addrmap"
#define WSBX_ART_SEC_NAMES ".wsbx.names"
#define WSBX_ART_SEC_DATA ".wsbx.data"
#define WSBX_ART_SEC_IMAGE_PREFIX ".wsbx.image."

#define WSBX_ART_MAGIC "wsbx-art"

/* CPU features an artifact's code may use (recorded in compat; the loader
 * refuses an artifact that needs a feature this CPU lacks). */
enum {
        WSBX_CPU_SSE41 = 1u << 0,
        WSBX_CPU_SSE42 = 1u << 1,
        WSBX_CPU_POPCNT = 1u << 2,
        WSBX_CPU_LZCNT = 1u << 3,
        WSBX_CPU_BMI1 = 1u << 4,
        WSBX_CPU_BMI2 = 1u << 5,
        WSBX_CPU_AVX = 1u << 6,
        WSBX_CPU_AVX2 = 1u << 7,
        WSBX_CPU_FMA = 1u << 8,
};
/* The floor: x86-64-v2. */
#define WSBX_CPU_BASELINE (WSBX_CPU_SSE41 | WSBX_CPU_SSE42 | WSBX_CPU_POPCNT)

typedef struct wsbx_art_compat {
        char magic[8];          /* WSBX_ART_MAGIC, not NUL-terminated */
        uint32_t abi_version;   /* WSBX_ABI_VERSION */
        uint32_t settings;      /* WSBX_ART_SET_* */
        uint64_t cpu_features;  /* WSBX_CPU_* the code uses */
        char wsbx_version[32];  /* NUL-padded */
} wsbx_art_compat;
_Static_assert(sizeof(wsbx_art_compat) == 56, "");

enum {
        WSBX_ART_SET_EPOCH = 1u << 0,        /* epoch checks compiled in */
        WSBX_ART_SET_BOUNDS_CHECKS = 1u << 1 /* explicit bounds checks everywhere */
};

/* Trap table entry: the instruction at code_offset (in .text) may trap
 * with `trap` (a wsbx_trap). Sorted by code_offset. */
typedef struct wsbx_art_trap {
        uint32_t code_offset;
        uint32_t trap;
} wsbx_art_trap;

/* Address map entry: code from code_offset on comes from the wasm
 * instruction at wasm_offset (a byte offset into the module). Sorted. */
typedef struct wsbx_art_addr {
        uint32_t code_offset;
        uint32_t wasm_offset;
} wsbx_art_addr;

/* --- Metadata records (.wsbx.meta, .wsbx.names) -------------------------
 *
 * .wsbx.meta starts with a wsbx_art_meta header followed by tables of
 * fixed-size little-endian records, each table 8-byte aligned, in the order
 * of wsbx_art_table_id, none overlapping the next, and a blob (strings,
 * value-type lists, table images) last. Every reference from a record is
 * an index into another table or an (offset, length) pair inside the blob,
 * so a reader verifies each with one comparison. docs/artifact-format.md
 * describes every field and what the loader checks. A change to a record
 * changes WSBX_ART_META_VERSION. */
#define WSBX_ART_META_MAGIC 0x4d425357u /* "WSBM" read as little-endian */
#define WSBX_ART_META_VERSION 1
#define WSBX_ART_NONE 0xffffffffu       /* "no such offset / function" */
#define WSBX_ART_PAGE 4096u             /* host page: image and .text alignment */
#define WSBX_ART_WASM_PAGE 65536u
#define WSBX_ART_MAX_GUARD (4ull << 30) /* largest guard a memory plan may ask for */
#define WSBX_CPU_ALL 0x1ffu             /* every WSBX_CPU_* bit defined above */
#define WSBX_ART_SET_ALL 0x3u           /* every WSBX_ART_SET_* bit defined above */

/* Value types use their binary encoding. */
enum {
        WSBX_ART_I32 = 0x7f,
        WSBX_ART_I64 = 0x7e,
        WSBX_ART_F32 = 0x7d,
        WSBX_ART_F64 = 0x7c,
        WSBX_ART_V128 = 0x7b,
        WSBX_ART_FUNCREF = 0x70,
        WSBX_ART_EXTERNREF = 0x6f,
};

/* Extern kinds as in the binary format. */
enum {
        WSBX_ART_EXTERN_FUNC = 0,
        WSBX_ART_EXTERN_TABLE = 1,
        WSBX_ART_EXTERN_MEMORY = 2,
        WSBX_ART_EXTERN_GLOBAL = 3,
};

/* Tables of .wsbx.meta, in file order. */
typedef enum wsbx_art_table_id {
        WSBX_ART_T_TYPES,    /* wsbx_art_type */
        WSBX_ART_T_IMPORTS,  /* wsbx_art_import */
        WSBX_ART_T_EXPORTS,  /* wsbx_art_export */
        WSBX_ART_T_FUNCS,    /* wsbx_art_func, whole index space */
        WSBX_ART_T_TABLES,   /* wsbx_art_table, whole index space */
        WSBX_ART_T_MEMORIES, /* wsbx_art_memory, whole index space */
        WSBX_ART_T_GLOBALS,  /* wsbx_art_global, whole index space */
        WSBX_ART_T_ELEMS,    /* wsbx_art_elem */
        WSBX_ART_T_ITEMS,    /* wsbx_art_const: element items of all segments */
        WSBX_ART_T_DATAS,    /* wsbx_art_data */
        WSBX_ART_T_BLOB,     /* bytes */
        WSBX_ART_T_COUNT
} wsbx_art_table_id;

/* A table: `offset` from the start of .wsbx.meta, `count` records (bytes
 * for the blob). */
typedef struct wsbx_art_range {
        uint32_t offset;
        uint32_t count;
} wsbx_art_range;

typedef struct wsbx_art_meta {
        uint32_t magic;              /* WSBX_ART_META_MAGIC */
        uint32_t version;            /* WSBX_ART_META_VERSION */
        uint32_t size;               /* bytes of .wsbx.meta, header included */
        uint32_t start_func;         /* function index, or WSBX_ART_NONE */
        uint32_t nimported_funcs, nimported_tables, nimported_memories, nimported_globals;
        wsbx_art_range tables[WSBX_ART_T_COUNT];
        uint32_t reserved[2];        /* zero */
} wsbx_art_meta;
_Static_assert(sizeof(wsbx_art_meta) == 128, "");

/* A string or byte run inside the blob. */
typedef struct wsbx_art_str {
        uint32_t off, len;
} wsbx_art_str;

/* Function type. Its value types are nparams + nresults bytes at vt_off in
 * the blob, params first. w2a is the wasm->array trampoline for host
 * functions of this type (WSBX_ART_NONE/0 when not compiled). */
typedef struct wsbx_art_type {
        uint32_t nparams, nresults;
        uint32_t vt_off;
        uint32_t w2a_offset, w2a_size;
        uint32_t reserved;
} wsbx_art_type;
_Static_assert(sizeof(wsbx_art_type) == 24, "");

/* Import: the i-th import of a kind is index i of that kind's space. */
typedef struct wsbx_art_import {
        wsbx_art_str module, name;
        uint8_t kind;                /* WSBX_ART_EXTERN_* */
        uint8_t pad[3];
        uint32_t index;
} wsbx_art_import;
_Static_assert(sizeof(wsbx_art_import) == 24, "");

typedef struct wsbx_art_export {
        wsbx_art_str name;
        uint8_t kind;
        uint8_t pad[3];
        uint32_t index;
} wsbx_art_export;
_Static_assert(sizeof(wsbx_art_export) == 16, "");

/* Flags of index-space records. */
enum {
        WSBX_ART_F_IMPORTED = 1u << 0,
        WSBX_ART_F_HAS_MAX = 1u << 1,
        WSBX_ART_F_MUT = 1u << 2,
        WSBX_ART_F_SHARED = 1u << 3,
        WSBX_ART_F_IS64 = 1u << 4,
};

/* Function. Defined functions have code [code_offset, +code_size) in
 * .text, in ascending order of function index without overlap, and an
 * entry trampoline (array convention) or WSBX_ART_NONE/0. wasm_offset and
 * wasm_size locate the body in the original module. Imported functions
 * carry only their type. */
typedef struct wsbx_art_func {
        uint32_t type;
        uint32_t flags;              /* WSBX_ART_F_IMPORTED */
        uint32_t code_offset, code_size;
        uint32_t entry_offset, entry_size;
        uint32_t wasm_offset, wasm_size;
} wsbx_art_func;
_Static_assert(sizeof(wsbx_art_func) == 32, "");

/* How a memory or table gets its initial contents. */
enum {
        WSBX_ART_INIT_NONE = 0,      /* no active segments (or imported) */
        WSBX_ART_INIT_SEGMENTS = 1,  /* apply active segments one by one */
        WSBX_ART_INIT_IMAGE = 2,     /* precomputed image */
};

/* Table plan. With INIT_IMAGE, elements [0, image_count) start as the
 * functions whose indices are the image_count u32 words at image_off in
 * the blob (WSBX_ART_NONE: null); the segments folded into it are marked
 * WSBX_ART_SEG_IN_IMAGE. */
typedef struct wsbx_art_table {
        uint8_t elem;                /* WSBX_ART_FUNCREF or WSBX_ART_EXTERNREF */
        uint8_t flags;               /* IMPORTED, HAS_MAX */
        uint8_t init;                /* WSBX_ART_INIT_* */
        uint8_t pad;
        uint32_t image_off, image_count;
        uint32_t reserved;
        uint64_t min, max;           /* elements */
} wsbx_art_table;
_Static_assert(sizeof(wsbx_art_table) == 32, "");

/* Memory reservation styles. */
enum {
        /* 32-bit only: reserve 4 GiB plus guard_size bytes of guard, so
         * code checks no bounds for offsets below the guard. */
        WSBX_ART_MEM_STATIC = 0,
        /* Explicit bounds checks against wsbx_memory_def.size. */
        WSBX_ART_MEM_DYNAMIC = 1,
};

/* Memory plan. With INIT_IMAGE, section .wsbx.image.N (N the memory
 * index) holds image_size bytes that start at guest byte image_offset;
 * both are multiples of WSBX_ART_PAGE, and so is the section's file
 * offset, so the image can be mapped MAP_PRIVATE straight from the file. */
typedef struct wsbx_art_memory {
        uint8_t flags;               /* IMPORTED, HAS_MAX, SHARED, IS64 */
        uint8_t style;               /* WSBX_ART_MEM_* */
        uint8_t init;                /* WSBX_ART_INIT_* */
        uint8_t pad;
        uint32_t reserved;
        uint64_t min, max;           /* 64 KiB pages */
        uint64_t guard_size;         /* bytes, multiple of WSBX_ART_PAGE */
        uint64_t image_offset, image_size;
} wsbx_art_memory;
_Static_assert(sizeof(wsbx_art_memory) == 48, "");

/* Constant expression ops. */
enum {
        WSBX_ART_CONST_I32 = 0,
        WSBX_ART_CONST_I64,
        WSBX_ART_CONST_F32,
        WSBX_ART_CONST_F64,
        WSBX_ART_CONST_V128,
        WSBX_ART_CONST_REF_NULL,     /* type: WSBX_ART_FUNCREF / EXTERNREF */
        WSBX_ART_CONST_REF_FUNC,     /* index: function */
        WSBX_ART_CONST_GLOBAL_GET,   /* index: imported global */
        WSBX_ART_CONST_COUNT
};

/* A constant expression: numbers as little-endian bytes in value[] (i32 and
 * f32 in the first 4, i64 and f64 in the first 8), unused bytes zero. */
typedef struct wsbx_art_const {
        uint8_t op;                  /* WSBX_ART_CONST_* */
        uint8_t type;                /* REF_NULL only, else 0 */
        uint8_t pad[2];
        uint32_t index;              /* REF_FUNC, GLOBAL_GET, else 0 */
        uint8_t value[16];
} wsbx_art_const;
_Static_assert(sizeof(wsbx_art_const) == 24, "");

typedef struct wsbx_art_global {
        uint8_t type;                /* value type */
        uint8_t flags;               /* IMPORTED, MUT */
        uint8_t pad[2];
        wsbx_art_const init;         /* defined globals only */
        uint32_t reserved;
} wsbx_art_global;
_Static_assert(sizeof(wsbx_art_global) == 32, "");

/* Segment modes and flags. */
enum {
        WSBX_ART_SEG_ACTIVE = 0,
        WSBX_ART_SEG_PASSIVE = 1,
        WSBX_ART_SEG_DECLARATIVE = 2, /* element segments only */
};
enum {
        /* Active segment already applied by its memory's or table's
         * image: instantiation skips it and drops it. */
        WSBX_ART_SEG_IN_IMAGE = 1u << 0,
};

/* Element segment: items [items_first, +count) of the ITEMS table, each a
 * REF_FUNC, REF_NULL or GLOBAL_GET constant. */
typedef struct wsbx_art_elem {
        uint8_t mode;
        uint8_t type;                /* WSBX_ART_FUNCREF or EXTERNREF */
        uint8_t flags;               /* WSBX_ART_SEG_IN_IMAGE */
        uint8_t pad;
        uint32_t table;              /* active only */
        uint32_t items_first, count;
        wsbx_art_const offset;       /* active only */
} wsbx_art_elem;
_Static_assert(sizeof(wsbx_art_elem) == 40, "");

/* Data segment: bytes [data_offset, +size) of .wsbx.data, except for
 * segments folded into an image, whose bytes live only in the image
 * (data_offset is then 0). */
typedef struct wsbx_art_data {
        uint8_t mode;
        uint8_t flags;               /* WSBX_ART_SEG_IN_IMAGE */
        uint8_t pad[2];
        uint32_t memory;             /* active only */
        uint32_t data_offset, size;
        wsbx_art_const offset;       /* active only */
} wsbx_art_data;
_Static_assert(sizeof(wsbx_art_data) == 40, "");

/* .wsbx.names: this header, then `count` wsbx_art_str (one per function
 * in the index space, len 0: unnamed), then the name bytes; every offset
 * is from the start of the section. */
typedef struct wsbx_art_names {
        uint32_t count;
        uint32_t reserved;
        wsbx_art_str module;         /* module name, len 0 if none */
} wsbx_art_names;
_Static_assert(sizeof(wsbx_art_names) == 16, "");

#endif
