/* loader.h - the loader's one interface header.
 *
 * The loader turns a compiled artifact into running code in the current
 * process: it verifies the artifact, maps its code write-xor-execute,
 * registers code ranges so a faulting PC can be mapped to a trap, and builds
 * instances (vmctx, memories, tables, globals). It is the runtime that lives
 * inside a worker.
 *
 * Error convention (docs/error-handling.md): loader functions are OS-facing,
 * so they return 0 or a negative errno value; where a caller needs to know
 * *what* was wrong (a corrupt artifact), they also fill a wsbx_lerr record
 * with a one-line message. They never print and never exit.
 */
#ifndef WSBX_LOADER_H
#define WSBX_LOADER_H

#include "abi.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wsbx_lerr {
        char msg[256];
} wsbx_lerr;

/* Fills err->msg printf-style (err may be NULL) and returns rc: how
 * loader functions fail (instance.c). */
int wsbx_lerr_set(wsbx_lerr *err, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* pwrite()s all len bytes of buf at offset off, retrying short writes and
 * EINTR (memory.c). Returns 0 or -errno. */
int wsbx_pwrite_all(int fd, const void *buf, size_t len, uint64_t off);

/* ------------------------------------------------------------------------ */
/* artifact.c - reading and verifying artifacts                             */
/* ------------------------------------------------------------------------ */

/* An artifact arrives as bytes (a mapped file or memfd) that a worker
 * produced, so it is hostile until verified. wsbx_artifact_open checks the
 * ELF headers, every section header, the compat record and every metadata
 * record (docs/artifact-format.md lists each check) and fills a parsed
 * view. The view points into the caller's bytes, which must stay mapped
 * and unchanged until wsbx_artifact_close; the only memory it owns is the
 * `images` array, freed by wsbx_artifact_close.
 *
 *   wsbx_artifact a;
 *   wsbx_lerr e;
 *   if (wsbx_artifact_open(bytes, len, wsbx_cpu_features(), &a, &e) < 0)
 *           report e.msg ("artifact: section .wsbx.traps: record 3 ...");
 *   ... a.funcs[i], a.memories[i], wsbx_artifact_trap_at(&a, pc - text) ...
 *   wsbx_artifact_close(&a);
 *
 * Every index and (offset, length) in the records is in range once open
 * succeeds: callers index a.types[a.funcs[i].type], read blob strings
 * with wsbx_artifact_str and so on without checking again. */

/* Memory N's initial image: section .wsbx.image.N. */
typedef struct wsbx_art_image {
        const uint8_t *bytes;        /* NULL: the memory has no image */
        uint64_t file_offset;        /* of the section; a multiple of WSBX_ART_PAGE */
        uint64_t guest_offset, size; /* where it goes in the memory */
} wsbx_art_image;

typedef struct wsbx_artifact {
        const uint8_t *bytes;
        size_t len;
        const wsbx_art_compat *compat;

        const uint8_t *text;         /* .text: file offset page-aligned */
        uint32_t text_size;
        uint64_t text_file_offset;

        const wsbx_art_meta *meta;
        const wsbx_art_type *types;
        const wsbx_art_import *imports;
        const wsbx_art_export *exports;
        const wsbx_art_func *funcs;     /* whole index space, imports first */
        const wsbx_art_table *tables;   /* same */
        const wsbx_art_memory *memories;
        const wsbx_art_global *globals;
        const wsbx_art_elem *elems;
        const wsbx_art_const *items;    /* element items, elems[i].items_first on */
        const wsbx_art_data *datas;
        const uint8_t *blob;
        uint32_t ntypes, nimports, nexports, nfuncs, ntables, nmemories, nglobals, nelems, nitems,
                ndatas, blob_size;
        uint32_t nimported_funcs, nimported_tables, nimported_memories, nimported_globals;
        uint32_t start_func;            /* or WSBX_ART_NONE */

        const wsbx_art_trap *traps;     /* strictly increasing code offsets */
        uint32_t ntraps;
        const wsbx_art_addr *addrs;     /* strictly increasing code offsets */
        uint32_t naddrs;

        const uint8_t *data;            /* .wsbx.data */
        uint32_t data_size;
        uint64_t data_file_offset;

        const uint8_t *names;           /* .wsbx.names: header at the start */
        uint32_t names_size;
        const wsbx_art_str *func_names; /* nfuncs entries, offsets into `names` */
        wsbx_art_str module_name;

        wsbx_art_image *images;         /* nmemories entries (owned) */
} wsbx_artifact;

/* Verifies `bytes` (len bytes, 8-byte aligned) as an artifact whose code
 * may use at most the CPU features in `cpu_features_available`
 * (WSBX_CPU_*) and fills *out. Returns 0; -ENOEXEC for a file that is not
 * a wsbx artifact for this machine and version (not ELF, another machine,
 * another ABI or wsbx version, a CPU feature this machine lacks); -EINVAL
 * for a corrupt one; -ENOMEM. On failure err->msg names what is wrong and
 * *out owns nothing. */
int wsbx_artifact_open(const uint8_t *bytes, size_t len, uint64_t cpu_features_available,
                       wsbx_artifact *out, wsbx_lerr *err);
/* Frees what the view owns (not the bytes). Safe on a zeroed view. */
void wsbx_artifact_close(wsbx_artifact *a);

/* Refuses an artifact compiled with other settings than a run needs:
 * `need` is the WSBX_ART_SET_* bits that must be set (a run with a
 * deadline needs WSBX_ART_SET_EPOCH, or its guest cannot be interrupted).
 * Returns 0, or -ENOEXEC with err->msg naming the first missing setting. */
int wsbx_artifact_require_settings(const wsbx_artifact *a, uint32_t need, wsbx_lerr *err);

/* The WSBX_CPU_* features of the CPU we run on (cpuid, and xgetbv for AVX
 * state). */
uint64_t wsbx_cpu_features(void);
/* Static lower-case name of one WSBX_CPU_* bit ("avx2"), "?" if unknown. */
const char *wsbx_cpu_feature_name(uint64_t bit);

/* A string of the metadata blob (verified by open). */
static inline const char *wsbx_artifact_str(const wsbx_artifact *a, wsbx_art_str s)
{
        return (const char *)a->blob + s.off;
}

/* Name of function `func` (len 0 when unnamed), pointing into .wsbx.names. */
static inline const char *wsbx_artifact_func_name(const wsbx_artifact *a, uint32_t func, uint32_t *len)
{
        *len = a->func_names[func].len;
        return (const char *)a->names + a->func_names[func].off;
}

/* The trap site at exactly `code_offset` (a .text offset), or NULL. */
const wsbx_art_trap *wsbx_artifact_trap_at(const wsbx_artifact *a, uint32_t code_offset);
/* The wasm offset of the code at `code_offset`: from the last address-map
 * entry at or before it. False when no entry precedes it. */
bool wsbx_artifact_wasm_offset(const wsbx_artifact *a, uint32_t code_offset, uint32_t *wasm_offset);
/* The defined function whose code contains `code_offset`, or WSBX_ART_NONE
 * (trampolines and gaps). */
uint32_t wsbx_artifact_func_at(const wsbx_artifact *a, uint32_t code_offset);

/* ------------------------------------------------------------------------ */
/* memory.c, stack.c, trap.c - linear memory, guest stacks, traps           */
/* ------------------------------------------------------------------------ */

/* --- memory.c: 32-bit linear memories -------------------------------------
 *
 * Life cycle: wsbx_memory_new() reserves address space by a plan and makes
 * the initial pages read/write (zero); wsbx_memory_map_image() and
 * wsbx_memory_write() give it its initial contents; compiled code reads
 * base and size through wsbx_memory_def_of(); wsbx_memory_grow() adds
 * pages; wsbx_memory_reset() puts it back to its initial state for the
 * next instance; wsbx_memory_delete() unmaps it.
 *
 * Base stability: under the static plan the base never moves. Under the
 * dynamic plan it stays put while the size fits in the reservation; a grow
 * past the reservation moves the memory (wsbx_memory_grow then returns
 * with def->base changed), so whoever caches the base (vmctx->mem0_base,
 * the pinned register) must reload it after every grow of a memory whose
 * plan says may_move. */

#define WSBX_WASM_PAGE 65536u
#define WSBX_WASM_MAX_PAGES 65536u /* 4 GiB: the most a 32-bit memory holds */

typedef enum wsbx_memplan_kind {
        WSBX_MEMPLAN_AUTO = 0, /* configuration only: let the chooser decide */
        WSBX_MEMPLAN_STATIC,   /* reserve the whole bound up front; never moves */
        WSBX_MEMPLAN_DYNAMIC,  /* small reservation; code checks every access */
} wsbx_memplan_kind;

/* Settings shared by every memory of a store. Start from
 * wsbx_memory_config_default() and change fields. Sizes are in bytes and
 * are rounded up to the host page size. */
typedef struct wsbx_memory_config {
        wsbx_memplan_kind plan;   /* AUTO: static when possible, else dynamic */
        uint64_t static_bound;    /* static plan: bytes reserved (default 4 GiB) */
        uint64_t guard_after;     /* static plan: PROT_NONE after the bound (default 2 GiB) */
        uint64_t guard_before;    /* PROT_NONE before the base (default 64 KiB) */
        uint64_t dynamic_reserve; /* dynamic plan: bytes reserved at least (default 16 MiB),
                                   * never less than the initial size nor more than the maximum */
        uint64_t dynamic_guard;   /* dynamic plan: PROT_NONE after the reservation (default 64 KiB) */
        uint32_t limit_pages;     /* per-memory cap on grow (0: none beyond the type's maximum) */
} wsbx_memory_config;

/* What the chooser decided for one memory. */
typedef struct wsbx_memory_plan {
        wsbx_memplan_kind kind;   /* STATIC or DYNAMIC, never AUTO */
        uint64_t reserve;         /* bytes reserved for the memory itself */
        uint64_t guard_before;
        uint64_t guard_after;
        /* Compiled code may omit bounds checks for an access whose end
         * (32-bit index + offset + width) is below 4 GiB + guard_after:
         * true only for a static plan whose reserve covers 4 GiB. */
        bool elide_checks;
        /* Whether the base may move on grow (dynamic plan only). */
        bool may_move;
} wsbx_memory_plan;

typedef struct wsbx_memory wsbx_memory;
typedef struct wsbx_image wsbx_image;

/* Fills *cfg with the defaults above. */
void wsbx_memory_config_default(wsbx_memory_config *cfg);

/* The plan chooser (as wasmtime's MemoryPlan): static when the
 * configuration allows it, the memory's maximum (4 GiB without one) fits
 * in static_bound, and RLIMIT_AS leaves room for the reservation and its
 * guards; dynamic otherwise. cfg may be NULL for the defaults. Pure apart
 * from reading RLIMIT_AS. */
wsbx_memory_plan wsbx_memory_plan_choose(const wsbx_memory_config *cfg, uint32_t min_pages,
                                         bool has_max, uint32_t max_pages);

/* Creates a memory of min_pages zeroed pages that may grow to max_pages
 * (has_max false: 65536). cfg may be NULL for the defaults. With an AUTO
 * plan a static reservation the kernel refuses (ENOMEM) falls back to the
 * dynamic plan. On success *out owns the mapping; free it with
 * wsbx_memory_delete(). Returns 0, -EINVAL (limits out of range), -ENOMEM
 * or another -errno from mmap/mprotect. */
int wsbx_memory_new(const wsbx_memory_config *cfg, uint32_t min_pages, bool has_max,
                    uint32_t max_pages, wsbx_memory **out, wsbx_lerr *err);

/* Unmaps the memory and drops its image reference. NULL is a no-op. */
void wsbx_memory_delete(wsbx_memory *m);

/* The definition compiled code reads (vmctx->mem0 / memories[i] point at
 * it). It lives inside the memory object: the pointer is stable for the
 * memory's life even when the dynamic plan moves the base. */
wsbx_memory_def *wsbx_memory_def_of(wsbx_memory *m);
const wsbx_memory_plan *wsbx_memory_plan_of(const wsbx_memory *m);
uint32_t wsbx_memory_pages(const wsbx_memory *m);
uint32_t wsbx_memory_max_pages(const wsbx_memory *m); /* after the per-memory limit */
/* From now on m never moves (a grow that would move it fails instead);
 * returns how many bytes from its base it can ever occupy (page-aligned). */
uint64_t wsbx_memory_pin(wsbx_memory *m);
/* As wsbx_memory_map_image, but the image's bytes are copied in. */
int wsbx_memory_copy_image(wsbx_memory *m, wsbx_image *img, wsbx_lerr *err);

/* memory.grow: adds delta_pages zeroed pages. Returns the old size in
 * pages, or -1 when the new size would pass the maximum or the configured
 * limit, or the kernel refuses the pages; the memory is then unchanged.
 * grow(0) returns the size. Not thread-safe against other users of m. */
int64_t wsbx_memory_grow(wsbx_memory *m, uint64_t delta_pages);

/* Maps img copy-on-write at its guest offset (MAP_PRIVATE|MAP_FIXED) and
 * keeps a reference to it for wsbx_memory_reset(). At most one image per
 * memory, mapped before anything else writes the pages it covers (those
 * writes are replaced). Returns 0, -EINVAL when the image does not fit in
 * the initial size or the memory already has one, or -errno from mmap. */
int wsbx_memory_map_image(wsbx_memory *m, wsbx_image *img, wsbx_lerr *err);

/* Copies len bytes to guest offset off (data segments that are not part
 * of an image). -EINVAL when [off, off+len) is outside the current size.
 * Bytes written this way are not restored by wsbx_memory_reset(): the
 * instance that reuses the memory writes its segments again. */
int wsbx_memory_write(wsbx_memory *m, uint64_t off, const void *bytes, size_t len);

/* Puts the memory back to its initial state: initial size, zero pages,
 * the image's bytes. Private pages are dropped with MADV_DONTNEED so the
 * image pages fault back in from the file (no copy); a memory that the
 * dynamic plan moved has its image mapped again. Returns 0 or -errno. */
int wsbx_memory_reset(wsbx_memory *m);

/* Dirty-page reset, for pooled instances: like wsbx_memory_reset, but it
 * asks the kernel (PAGEMAP_SCAN on /proc/self/pagemap) which pages the
 * guest wrote and restores only those: by copying (image bytes or zero,
 * the page stays resident) while the total stays within keep_resident
 * bytes, with MADV_DONTNEED beyond it. Pages only read cost nothing.
 * Without PAGEMAP_SCAN (older kernel, no /proc), keep_resident 0, or a
 * memory the dynamic plan moved, it falls back to wsbx_memory_reset and
 * sets st->whole. st may be NULL. Returns 0 or -errno. */
typedef struct wsbx_memory_reset_stats {
        uint64_t dirty_pages;    /* host pages found written */
        uint64_t restored_pages; /* of those, restored by copying */
        uint64_t dropped_pages;  /* dropped with MADV_DONTNEED */
        bool whole;              /* no scan: the whole used range was dropped */
} wsbx_memory_reset_stats;
int wsbx_memory_reset_dirty(wsbx_memory *m, uint64_t keep_resident, wsbx_memory_reset_stats *st);
/* Whether this process can scan for dirty pages (opens /proc/self/pagemap
 * on first call; a kernel without the ioctl is noticed on first reset). */
bool wsbx_memory_dirty_scan_available(void);
/* The descriptor dirty resets scan: a /proc/self/pagemap of this process
 * opened before a jail hid /proc (owned by the loader from then on), or
 * -1: reset whole memories instead of scanning (never open /proc). Call
 * before the first reset. */
void wsbx_memory_set_pagemap(int fd);
/* The PAGEMAP_SCAN ioctl request (Linux 6.7), for seccomp policies. */
#define WSBX_PAGEMAP_SCAN_IOCTL 0xc0606610u

/* An initial memory image: bytes destined for guest offset guest_offset
 * (a multiple of the host page size), mapped copy-on-write from a file.
 *
 * wsbx_image_new_bytes copies the bytes into a sealed memfd
 * (F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE|F_SEAL_SEAL); guest_offset may be
 * any value, the memfd starts with zero padding up to it.
 * wsbx_image_new_fd maps len bytes of fd at file_offset (both offsets
 * page-aligned); it dups fd, checks the file is long enough, and copies a
 * final partial page at map time so bytes past len never reach the guest.
 * The file must not shrink afterwards (an artifact memfd is sealed).
 *
 * Images are reference counted: each memory holding one keeps a
 * reference; wsbx_image_clone() adds one, wsbx_image_delete() drops one
 * and frees the image with the last. -ENOSYS when memfd_create is
 * missing. */
int wsbx_image_new_bytes(const void *bytes, size_t len, uint64_t guest_offset, wsbx_image **out,
                         wsbx_lerr *err);
int wsbx_image_new_fd(int fd, uint64_t file_offset, uint64_t len, uint64_t guest_offset,
                      wsbx_image **out, wsbx_lerr *err);
wsbx_image *wsbx_image_clone(wsbx_image *img);
void wsbx_image_delete(wsbx_image *img);
int wsbx_image_fd(const wsbx_image *img); /* borrowed; for inspection */

/* --- stack.c: guest stacks -----------------------------------------------
 *
 * Compiled code runs on a stack of its own: a mapping with a PROT_NONE
 * guard region below it. vmctx->stack_limit is the stack's limit (usable
 * bottom + WSBX_STACK_HEADROOM), so function prologues trap before the
 * guard is reached while builtins, host functions and the trap machinery
 * still have the headroom to run in. A stack serves one thread at a time.
 */
typedef struct wsbx_stack wsbx_stack;

#define WSBX_STACK_DEFAULT_SIZE (1024u * 1024u)
#define WSBX_STACK_DEFAULT_GUARD (64u * 1024u)

/* Maps a stack with size usable bytes (0: the default; at least twice
 * the headroom) and guard bytes of PROT_NONE below (0: the default; at
 * least one page). Returns 0 or -errno; free with wsbx_stack_delete(). */
int wsbx_stack_new(size_t size, size_t guard, wsbx_stack **out);
/* Unmaps it. The stack must not be in use. NULL is a no-op. */
void wsbx_stack_delete(wsbx_stack *s);

/* The value for vmctx->stack_limit. */
uint64_t wsbx_stack_limit(const wsbx_stack *s);
/* Bounds: [lo, hi) is the usable stack, [guard_lo, lo) the guard. */
void wsbx_stack_bounds(const wsbx_stack *s, uintptr_t *guard_lo, uintptr_t *lo, uintptr_t *hi);

/* Calls fn in the array convention on the guest stack and returns on the
 * host stack. Reentrant: when the caller already runs on s (a host
 * function called from wasm calling into wasm again), fn is called right
 * there, below the current frame, on the same stack. Returns 0, or -EBUSY
 * when s is in use by code that is not on it (another thread). A trap
 * leaves through wsbx_call_guarded(), never through here. */
int wsbx_stack_call(wsbx_stack *s, wsbx_array_fn fn, struct wsbx_vmctx *callee,
                    struct wsbx_vmctx *caller, wsbx_val_raw *vals, uint32_t nvals);

/* For trap.c: how many calls are active on s, and restoring that count
 * when a trap unwinds past wsbx_stack_call(). */
uint32_t wsbx_stack_depth(const wsbx_stack *s);
void wsbx_stack_unwound(wsbx_stack *s, uint32_t depth);

/* --- trap.c: code registry, signal handlers, guarded calls ---------------
 *
 * Registered code ranges let a faulting PC be mapped to its module, trap
 * kind, wasm offset and function. Registration is thread-safe; lookups
 * (from signal handlers too) take no lock. */

/* One function of a code range, for backtraces. */
typedef struct wsbx_code_func {
        uint32_t start;   /* code offset */
        uint32_t len;
        const char *name; /* may be NULL */
} wsbx_code_func;

/* What to register. The arrays are borrowed: they, the names and the
 * code must stay valid and unchanged until wsbx_code_unregister(). traps
 * and addrs are sorted by code_offset, funcs by start without overlap;
 * every offset lies inside [0, len). */
typedef struct wsbx_code_info {
        const uint8_t *start;
        size_t len;
        const wsbx_art_trap *traps;
        size_t ntraps;
        const wsbx_art_addr *addrs;
        size_t naddrs;
        const wsbx_code_func *funcs;
        size_t nfuncs;
        void *owner; /* opaque (the module); reported with traps */
} wsbx_code_info;

typedef struct wsbx_code_reg wsbx_code_reg;

/* Registers a code range. Returns 0, -EINVAL (unsorted or out-of-range
 * tables), -EEXIST (overlaps a registered range) or -ENOMEM. */
int wsbx_code_register(const wsbx_code_info *info, wsbx_code_reg **out);
/* Unregisters and frees the handle. No thread may be running the code.
 * Waits for signal handlers still reading the old registry. NULL: no-op. */
void wsbx_code_unregister(wsbx_code_reg *reg);

#define WSBX_BACKTRACE_MAX 32

typedef struct wsbx_trap_frame {
        uintptr_t pc;         /* faulting PC (frame 0) or return address */
        const char *name;     /* function name, NULL if unknown; valid while registered */
        void *owner;
        uint32_t wasm_offset; /* UINT32_MAX when the address map has no entry */
} wsbx_trap_frame;

/* A trap, as wsbx_call_guarded() reports it. */
typedef struct wsbx_trap_info {
        wsbx_trap kind;       /* WSBX_TRAP_NONE when the call returned */
        int signo;            /* signal that caused it; 0 for wsbx_trap_raise() */
        uintptr_t pc;         /* faulting PC (0 when raised) */
        uintptr_t fault_addr; /* si_addr for SIGSEGV/SIGBUS */
        uint32_t wasm_offset; /* of the trapping instruction; UINT32_MAX unknown */
        void *owner;          /* module of the trapping code, NULL unknown */
        uint32_t nframes;
        wsbx_trap_frame frames[WSBX_BACKTRACE_MAX]; /* innermost first */
        char host_msg[128];   /* WSBX_TRAP_HOST: the host's message */
        bool has_elem;        /* UNINITIALIZED_ELEMENT: elem is the table index */
        uint32_t elem;
} wsbx_trap_info;

/* The spec's wording for kind ("out of bounds memory access", ...). */
const char *wsbx_trap_message(wsbx_trap kind);

/* Installs the SIGSEGV/SIGBUS/SIGILL/SIGFPE handlers once per process
 * (chaining to the handlers found), and an alternate signal stack for the
 * calling thread if it has none big enough (freed when the thread exits).
 * wsbx_call_guarded() calls both; call them early to do the work before a
 * sandbox forbids it. Return 0 or -errno. */
int wsbx_trap_init(void);
int wsbx_trap_thread_init(void);

/* Runs fn(callee, caller, vals, nvals) on stack s (see wsbx_stack_call)
 * with traps caught: returns 0 when fn returned (trap->kind is
 * WSBX_TRAP_NONE), the positive wsbx_trap kind when it trapped (*trap
 * filled, vals unspecified), or -errno when the call could not be made.
 * Nested guarded calls (host -> wasm -> host -> wasm) each catch the traps
 * of their own callee. trap must not be NULL. */
int wsbx_call_guarded(wsbx_stack *s, wsbx_array_fn fn, struct wsbx_vmctx *callee,
                      struct wsbx_vmctx *caller, wsbx_val_raw *vals, uint32_t nvals,
                      wsbx_trap_info *trap);

/* Raise a trap from a builtin or host function running under
 * wsbx_call_guarded() (on the guest stack): unwinds to the innermost
 * guarded call, which returns kind. The backtrace walks the rbp chain from
 * here, so it is complete when the host code between keeps frame
 * pointers. msg (may be NULL) is copied into host_msg. Outside a guarded
 * call this aborts: there is nowhere to unwind to. */
_Noreturn void wsbx_trap_raise(wsbx_trap kind);
_Noreturn void wsbx_trap_raise_msg(wsbx_trap kind, const char *msg);

/* Looks pc up in the registry: the owner of the range holding it (NULL if
 * none), its function name and wasm offset (UINT32_MAX when unknown). */
void *wsbx_code_lookup(uintptr_t pc, const char **name, uint32_t *wasm_offset);

/* ------------------------------------------------------------------------ */
/* store.c, instance.c, builtins.c - stores, loaded code, instances         */
/* ------------------------------------------------------------------------ */

/* Life cycle:
 *
 *   wsbx_store *s;
 *   wsbx_store_new(NULL, &s);                       one guest stack, one thread
 *   wsbx_loaded *l;
 *   wsbx_load_fd(s, artifact_fd, &l, &lerr);        code mapped read+execute
 *   wsbx_extern imports[...];                       the caller resolves names
 *   wsbx_instance *in;
 *   rc = wsbx_instantiate(s, l, imports, n, &in, &trap, &lerr);
 *   wsbx_instance_export(in, "f", 1, &ext);
 *   rc = wsbx_invoke(s, ext.u.func, vals, nvals, &trap);
 *   wsbx_store_delete(s);                           frees everything above
 *
 * Ownership: a store owns every object created in it (loaded code,
 * instances, host functions, tables, memories, globals) and frees each of
 * them exactly once, in wsbx_store_delete(). Nothing is freed earlier,
 * because references cross instances freely (a funcref of one instance
 * stored in another's table, an instance whose start function trapped
 * after it had written into an imported table), so the store is the only
 * lifetime that covers all of them. Handles returned by the functions
 * below are borrowed from the store.
 *
 * A store is used by one thread at a time (its guest stack refuses a
 * second one with -EBUSY). Host functions may call wsbx_invoke() again on
 * the same store (host -> wasm -> host -> wasm).
 *
 * Errors: functions return 0 or -errno and, where they take one, fill a
 * wsbx_lerr with a one-line message. Link errors start with the spec's
 * wording ("unknown import", "incompatible import type"). Calls and
 * instantiation return a positive wsbx_trap when the guest trapped. */

typedef struct wsbx_store wsbx_store;
typedef struct wsbx_loaded wsbx_loaded;
typedef struct wsbx_instance wsbx_instance;
typedef struct wsbx_table_inst wsbx_table_inst;
typedef struct wsbx_memory_inst wsbx_memory_inst;
typedef struct wsbx_global_inst wsbx_global_inst;

/* --- store.c ------------------------------------------------------------- */

typedef struct wsbx_store_config {
        wsbx_memory_config memory;  /* memories this store creates */
        size_t stack_size;          /* guest stack; 0: WSBX_STACK_DEFAULT_SIZE */
        size_t stack_guard;         /* 0: WSBX_STACK_DEFAULT_GUARD */
        uint32_t max_table_elems;   /* per table, at creation and on grow */
        /* Interruption epoch read by compiled code; NULL: the store's own
         * counter (wsbx_store_epoch_increment). Must outlive the store. */
        const uint64_t *epoch_ptr;
        /* Instance pool (pool.c): how many released instances the store
         * keeps for reuse (0: no pooling), and how many bytes per memory
         * a reset may restore by copying before it drops pages instead. */
        uint32_t pool_instances;
        uint64_t pool_keep_resident;
        /* Called for each memory an instantiation defines (not for a
         * snapshot restore's), right after it is reserved and before
         * anything touches it; a negative return fails the instantiation
         * ("memory: ..." with strerror). With copy_images the memory's
         * image is copied in rather than mapped copy-on-write, so that its
         * pages are the memory's own (a pager that counts them). */
        int (*memory_placed)(void *ctx, wsbx_memory *m);
        void *memory_placed_ctx;
        bool copy_images;
} wsbx_store_config;

#define WSBX_DEFAULT_MAX_TABLE_ELEMS 10000000u

/* Fills *cfg with the defaults (no pooling; keep_resident 1 MiB). */
void wsbx_store_config_default(wsbx_store_config *cfg);

/* Creates a store (cfg NULL: the defaults): maps its guest stack and
 * installs the trap handlers. Returns 0, -ENOMEM or -errno; free with
 * wsbx_store_delete(). */
int wsbx_store_new(const wsbx_store_config *cfg, wsbx_store **out);
/* Frees the store and everything it owns: instances, their memories and
 * tables, host objects, code mappings and their registrations. No call may
 * be running in it. NULL is a no-op. */
void wsbx_store_delete(wsbx_store *s);

/* The store's guest stack (borrowed). */
wsbx_stack *wsbx_store_stack(wsbx_store *s);
/* Compiled code traps "interrupted" once *epoch_ptr >= deadline; the
 * default deadline is UINT64_MAX (never). Applies to every instance. */
void wsbx_store_set_epoch_deadline(wsbx_store *s, uint64_t deadline);
/* Adds one to the store's own epoch counter (not to an external one). */
void wsbx_store_epoch_increment(wsbx_store *s);

/* The canonical function-type registry: equal types (value types as in
 * the binary format) get equal ids within one store, and call_indirect
 * compares these ids. Returns 0 or -ENOMEM / -E2BIG. */
int wsbx_store_intern_type(wsbx_store *s, const uint8_t *params, uint32_t nparams,
                           const uint8_t *results, uint32_t nresults, uint32_t *id);
/* The type behind an id (pointers into the store); false if unknown. */
bool wsbx_store_functype(const wsbx_store *s, uint32_t id, const uint8_t **params,
                         uint32_t *nparams, const uint8_t **results, uint32_t *nresults);

/* Copies len bytes into a new memfd sealed against writes, shrinking and
 * growing (F_SEAL_SEAL too). Returns the fd (the caller closes it) or
 * -errno. */
int wsbx_memfd_from_bytes(const void *bytes, size_t len, const char *name);

/* Loads the artifact in file fd (an artifact file, or a sealed memfd):
 * maps the file read-only, verifies it (wsbx_artifact_open), maps .text
 * with mmap(PROT_READ|PROT_EXEC, MAP_PRIVATE) straight from fd (never
 * writable), registers it with the trap registry, interns its types and
 * prepares its memory images. fd is borrowed (the loader keeps a dup);
 * its contents must not change afterwards. *out is owned by the store.
 * Returns 0, -ENOEXEC / -EINVAL for a foreign or corrupt artifact,
 * -ENOTSUP for features the runtime lacks (64-bit or shared memories),
 * -ENOMEM or -errno; err says what. */
int wsbx_load_fd(wsbx_store *s, int fd, wsbx_loaded **out, wsbx_lerr *err);
/* The same for an artifact in memory: copies it into a sealed memfd. */
int wsbx_load_bytes(wsbx_store *s, const void *bytes, size_t len, wsbx_loaded **out,
                    wsbx_lerr *err);
/* The verified view (imports, exports, types...), valid for the store's life. */
const wsbx_artifact *wsbx_loaded_artifact(const wsbx_loaded *l);
/* Canonical type id of the module's type `type` (< ntypes). */
uint32_t wsbx_loaded_type_id(const wsbx_loaded *l, uint32_t type);

/* Creates a host function of the given type: called as fn(ctx, caller
 * vmctx or NULL, vals, n) in the array convention, n = max(params,
 * results). It may call wsbx_invoke() and may trap with
 * wsbx_trap_raise_msg(WSBX_TRAP_HOST, "why"). The funcref's wasm_code is
 * NULL until an instance imports it: the importer's copy gets the
 * importer's wasm->array trampoline for the type. *out is owned by the
 * store. Returns 0 or -ENOMEM. */
int wsbx_host_func_new(wsbx_store *s, const uint8_t *params, uint32_t nparams,
                       const uint8_t *results, uint32_t nresults, wsbx_array_fn fn, void *ctx,
                       const wsbx_funcref **out);

/* Calls f with vals (arguments in, results out; at least max(params,
 * results) slots) on the store's stack with traps caught. Returns 0, a
 * positive wsbx_trap with *trap filled (kind, wasm offset, backtrace, host
 * message), -EINVAL (too few slots, or f cannot be called from the host),
 * or -EBUSY (another thread is running the store). Nested calls from host
 * functions are allowed. trap must not be NULL. */
int wsbx_invoke(wsbx_store *s, const wsbx_funcref *f, wsbx_val_raw *vals, uint32_t nvals,
                wsbx_trap_info *trap);

/* --- instance.c ---------------------------------------------------------- */

/* Something an instance exports or imports. kind is a WSBX_ART_EXTERN_*
 * value, or WSBX_EXTERN_MISSING for an import the caller could not
 * resolve. Every pointer is owned by the store. */
#define WSBX_EXTERN_MISSING 0xffu
typedef struct wsbx_extern {
        uint8_t kind;
        union {
                const wsbx_funcref *func;
                wsbx_table_inst *table;
                wsbx_memory_inst *memory;
                wsbx_global_inst *global;
        } u;
} wsbx_extern;

/* Instantiates l with imports[0..nimports) (one per import of the module,
 * in order, every one created in store s: type ids and stacks are per
 * store) as the spec says: checks each import's type, builds the vmctx,
 * memories (copy-on-write image or segments), tables, globals and
 * funcrefs, applies element then data segments in order (a segment out of
 * bounds traps; the ones before it stay applied), and runs the start
 * function. Returns 0 with *out set (owned by the store); a positive
 * wsbx_trap when a segment or the start function trapped (*trap filled,
 * *out NULL; the instance's effects on imported tables and memories stay,
 * and the store keeps what it needs); -ENOENT "unknown import"; -EINVAL
 * "incompatible import type" (or a wrong import count); -ENOMEM, -E2BIG
 * (a table above the store's limit), -errno from memory creation. trap
 * may be NULL when the caller does not need it. In a pooled store
 * (cfg.pool_instances) an instance of l made with the same imports and
 * released (wsbx_instance_release) is reused instead of a new one: the
 * returned pointer may equal an earlier instance's. */
int wsbx_instantiate(wsbx_store *s, wsbx_loaded *l, const wsbx_extern *imports,
                     uint32_t nimports, wsbx_instance **out, wsbx_trap_info *trap,
                     wsbx_lerr *err);

/* Looks an export up by name (len bytes, not NUL-terminated). Returns 0
 * or -ENOENT. */
int wsbx_instance_export(const wsbx_instance *in, const char *name, size_t len, wsbx_extern *out);
/* The store and the loaded module the instance belongs to; both borrowed
 * (the store owns them and the instance). */
wsbx_store *wsbx_instance_store(const wsbx_instance *in);
wsbx_loaded *wsbx_instance_loaded(const wsbx_instance *in);
/* The instance's vmctx, and back: a host function reaches its caller's
 * instance (and store) from the caller vmctx it receives. NULL -> NULL. */
struct wsbx_vmctx *wsbx_instance_vmctx(const wsbx_instance *in);
wsbx_instance *wsbx_vmctx_instance(struct wsbx_vmctx *vmctx);

/* Host-created tables, memories and globals (the spectest module's, an
 * embedder's), owned by the store. A table starts with min elements of
 * init; a memory uses the store's memory configuration. Return 0, -EINVAL
 * (bad type or limits), -E2BIG (above the store's limits), -ENOMEM. */
int wsbx_table_inst_new(wsbx_store *s, uint8_t elem, uint32_t min, bool has_max, uint32_t max,
                        void *init, wsbx_table_inst **out);
int wsbx_memory_inst_new(wsbx_store *s, uint32_t min, bool has_max, uint32_t max,
                         wsbx_memory_inst **out, wsbx_lerr *err);
int wsbx_global_inst_new(wsbx_store *s, uint8_t type, bool mut, const wsbx_val_raw *init,
                         wsbx_global_inst **out);

/* Tables: elements are funcref pointers or externref words (NULL: null),
 * as values: these functions encode and decode the stored form (abi.h). */
uint8_t wsbx_table_inst_elem(const wsbx_table_inst *t);
uint32_t wsbx_table_inst_size(const wsbx_table_inst *t);
wsbx_table_def *wsbx_table_inst_def(wsbx_table_inst *t);
/* -EINVAL (index out of bounds) or 0. */
int wsbx_table_inst_get(const wsbx_table_inst *t, uint32_t i, void **out);
int wsbx_table_inst_set(wsbx_table_inst *t, uint32_t i, void *v);
/* table.grow: the old size, or -1 past the maximum or the store's limit. */
int64_t wsbx_table_inst_grow(wsbx_table_inst *t, uint32_t delta, void *init);

/* The stored form of value v in t (funcref null is WSBX_TABLE_NULL_FUNCREF). */
void *wsbx_table_enc(const wsbx_table_inst *t, void *v);
/* Element i (< size) as a value, initializing a lazy one in place. */
void *wsbx_table_elem_load(wsbx_table_inst *t, uint32_t i);
/* Initializes every lazy element of [from, from + n) (in bounds), so that
 * they can be copied as stored. */
void wsbx_table_materialize(wsbx_table_inst *t, uint32_t from, uint32_t n);

/* Memories: read and write through wsbx_memory_def_of(); grow with
 * wsbx_memory_inst_grow so instances that cache the base follow a move. */
wsbx_memory *wsbx_memory_inst_memory(wsbx_memory_inst *m);
int64_t wsbx_memory_inst_grow(wsbx_memory_inst *m, uint32_t delta_pages);

/* Globals: the value lives in a 16-byte cell (i32/f32 in the low 4 bytes,
 * i64/f64/references in the low 8). set fails with -EPERM on an
 * immutable global. */
uint8_t wsbx_global_inst_type(const wsbx_global_inst *g);
bool wsbx_global_inst_mut(const wsbx_global_inst *g);
void wsbx_global_inst_get(const wsbx_global_inst *g, wsbx_val_raw *out);
int wsbx_global_inst_set(wsbx_global_inst *g, const wsbx_val_raw *v);

/* --- pool.c: instance pooling ---------------------------------------------
 *
 * With cfg.pool_instances > 0 a store keeps released instances as slots
 * for reuse: wsbx_instance_release() resets an instance's memories right
 * away (only the pages it dirtied, see wsbx_memory_reset_dirty) and parks
 * it; the next wsbx_instantiate() of the same loaded module with the same
 * imports takes it back and re-initializes only what instantiation sets
 * (globals, tables, segment state, active segments, start function)
 * instead of creating memories and a vmctx. Each memory slot keeps its
 * reservation [guard | 4 GiB | guard] for the store's life. */

typedef struct wsbx_pool_stats {
        uint64_t reused;         /* instantiations served from the pool */
        uint64_t released;       /* instances parked by release */
        uint64_t dirty_pages;    /* summed over resets */
        uint64_t restored_pages;
        uint64_t dropped_pages;
        uint64_t whole_resets;   /* resets without a dirty-page scan */
} wsbx_pool_stats;

/* Checks a pool configuration against the kernel's limits: the slots'
 * mappings (about 8 each) against vm.max_map_count and their address
 * space against the 47-bit user space. Returns 0 or -E2BIG with err
 * saying which. wsbx_store_new runs it. */
int wsbx_pool_check(const wsbx_store_config *cfg, wsbx_lerr *err);

/* Gives an instance back to its store. With pooling and a free slot it
 * is reset and parked for reuse; otherwise it stays in the store, unused,
 * until the store goes. Either way the caller must no longer use it or
 * anything it exported (its funcrefs, tables, memories and globals are
 * reused). An instance whose instantiation trapped is never parked.
 * Returns 0 (parked), 1 (kept, not pooled) or -errno from the reset (the
 * instance is then not parked). */
int wsbx_instance_release(wsbx_instance *in);
/* The store's pool counters. */
void wsbx_store_pool_stats(const wsbx_store *s, wsbx_pool_stats *out);

/* --- snapshot.c: instance snapshots ---------------------------------------
 *
 * A snapshot is an instance's state after some initialization ran: each
 * defined memory's size and its non-zero 4 KiB pages (page numbers and
 * bytes), the defined mutable globals, the defined tables (as function
 * indices of the module) and which segments were dropped. Restoring it
 * makes a new instance of the same artifact in that state without running
 * the start function or any segment initialization:
 *
 *   wsbx_snapshot *snap;
 *   wsbx_snapshot_take(in, &snap, &lerr);          after in's init function ran
 *   wsbx_snapshot_restore(s, l, snap, imports, n, 0, NULL, &in2, &lerr);
 *   ... or mapped copy-on-write (flags WSBX_SNAPSHOT_COW), or lazily,
 *   pages arriving on first touch:
 *   wsbx_snapshot_range r[wsbx_snapshot_nmemories(snap)];
 *   wsbx_snapshot_restore(s, l, snap, imports, n, WSBX_SNAPSHOT_LAZY, r, &in2, &lerr);
 *   for each i: register [r[i].base, r[i].base + r[i].len) with a userfaultfd
 *   (MISSING) and serve it from wsbx_snapshot_memory_source(snap, i, ...),
 *   all before the instance's memory is touched.
 *   wsbx_snapshot_delete(snap);                    after every server stopped
 *
 * What a snapshot cannot express is refused by take with -ENOTSUP and a
 * message: a funcref of another instance (or a host function's) in a
 * table or global, a non-null externref. Imported memories, tables and
 * globals are not part of it: they are the caller's to provide.
 *
 * A restored instance is not pooled (wsbx_instance_release keeps it):
 * resetting a lazily restored memory would drop pages back to its
 * userfaultfd. A lazily restored page touched by the kernel (a syscall
 * reading or writing guest memory) faults too: a userfaultfd opened for
 * user-mode faults only answers that access with EFAULT, so a caller
 * whose host functions pass guest memory to syscalls needs one that takes
 * kernel faults. A snapshot is not thread-safe: one thread at a time
 * (sources and copy-on-write memfds are made on first use). */

typedef struct wsbx_snapshot wsbx_snapshot;

/* Captures in's state into a new snapshot (owned by the caller, freed
 * with wsbx_snapshot_delete; it borrows nothing from in or its store).
 * It reads every page of in's memories: a lazily restored instance's
 * server must still be running. Returns 0, -ENOTSUP (state a snapshot
 * cannot express; err says what), -ENOMEM. */
int wsbx_snapshot_take(wsbx_instance *in, wsbx_snapshot **out, wsbx_lerr *err);
/* Frees a snapshot and its mappings. No server may still read its
 * sources. NULL is a no-op. */
void wsbx_snapshot_delete(wsbx_snapshot *snap);

/* Defined memories in the snapshot (the number of ranges a lazy restore
 * reports), and memory i's module index and size in wasm pages. */
uint32_t wsbx_snapshot_nmemories(const wsbx_snapshot *snap);
uint32_t wsbx_snapshot_memory_index(const wsbx_snapshot *snap, uint32_t i);
uint32_t wsbx_snapshot_memory_pages(const wsbx_snapshot *snap, uint32_t i);
/* How many non-zero 4 KiB pages memory i holds. */
uint64_t wsbx_snapshot_memory_data_pages(const wsbx_snapshot *snap, uint32_t i);
/* A flat read-only view of memory i's whole contents (len = its size in
 * bytes; absent pages read as zero and cost no memory), made on first
 * call and owned by the snapshot: the source for a userfaultfd server.
 * Returns 0, -EINVAL (no such memory), -ENOMEM or -errno from mmap. */
int wsbx_snapshot_memory_source(wsbx_snapshot *snap, uint32_t i, const uint8_t **src, size_t *len);

#define WSBX_SNAPSHOT_LAZY 1u   /* restore: leave memory pages missing */
/* With LAZY: the memories never move (wsbx_memory_pin), and each range's
 * reach covers every page they can ever have, for a pager that counts
 * them all (a memory quota). */
#define WSBX_SNAPSHOT_PIN 4u
#define WSBX_SNAPSHOT_COW 2u    /* restore: map pages copy-on-write from a sealed memfd */
#define WSBX_SNAPSHOT_PAGE 4096u /* the unit of a snapshot's page lists */

typedef struct wsbx_snapshot_range {
        uint8_t *base;  /* memory i's base */
        size_t len;     /* its size in bytes at restore (the snapshot's) */
        size_t reach;   /* WSBX_SNAPSHOT_PIN: bytes it can ever occupy; else len */
} wsbx_snapshot_range;

/* Makes a new instance of l (imports as for wsbx_instantiate) in snap's
 * state. l must be the artifact the snapshot was taken from (same
 * identity hash, checked: -ESTALE "snapshot of another module"). No start
 * function, no segment initialization: globals, tables and segment drops
 * come from the snapshot. Memories: without flags the snapshot's pages
 * are copied in; with WSBX_SNAPSHOT_COW each memory is one MAP_PRIVATE
 * mapping of a sealed memfd the snapshot makes on first use (the page
 * cache is shared by every instance restored from it; a page is copied
 * when the guest first writes it); with WSBX_SNAPSHOT_LAZY (not with
 * COW) they are left missing (untouched anonymous pages) and ranges[i]
 * (nmemories entries, caller's array) says where each is; the caller
 * must register them with a userfaultfd before anything touches them.
 * *out is owned by the store (so is a half-restored instance left
 * behind by a failure past instantiation, unused). Returns 0, -ESTALE,
 * -EINVAL (a snapshot that does not fit the module; err says what),
 * -ENOMEM / -E2BIG (a memory or table that cannot grow to its size), or
 * what wsbx_instantiate returns for links. */
int wsbx_snapshot_restore(wsbx_store *s, wsbx_loaded *l, wsbx_snapshot *snap,
                          const wsbx_extern *imports, uint32_t nimports, uint32_t flags,
                          wsbx_snapshot_range *ranges, wsbx_instance **out, wsbx_lerr *err);

/* Snapshot files (docs/artifact-format.md, "Snapshot files"). save
 * truncates fd (a regular file or memfd; fd stays the caller's) and
 * writes snap from offset 0; returns 0 or -errno. load reads and checks a snapshot
 * file: every offset and count bounds-checked, page data page-aligned and
 * mapped from fd, not copied (fd is borrowed; the snapshot keeps a dup and
 * the file must not change afterwards). Returns 0 with *out (owned by the
 * caller), -EINVAL with err naming what is wrong for a corrupt file,
 * -ENOEXEC for another format or version, -ENOMEM or -errno. */
int wsbx_snapshot_save(const wsbx_snapshot *snap, int fd, wsbx_lerr *err);
int wsbx_snapshot_load(int fd, wsbx_snapshot **out, wsbx_lerr *err);

/* --- builtins.c ---------------------------------------------------------- */

/* The table every vmctx's header points at (abi.h, wsbx_builtin). */
extern const void *const wsbx_builtins[WSBX_BUILTIN_COUNT];

/* The operations behind the bulk builtins, returning the trap instead of
 * raising it, for instantiation (active segments) and for the builtins
 * themselves. Bounds follow the spec exactly: [x, x+n) must lie inside
 * the memory, table or segment, so n = 0 at exactly the end is fine and
 * one past it traps. Indices are the instance's. */
wsbx_trap wsbx_inst_memory_init(wsbx_instance *in, uint32_t mem, uint32_t data, uint32_t dst,
                                uint32_t src, uint32_t len);
wsbx_trap wsbx_inst_table_init(wsbx_instance *in, uint32_t table, uint32_t elem, uint32_t dst,
                               uint32_t src, uint32_t len);
void wsbx_inst_data_drop(wsbx_instance *in, uint32_t data);
/* WSBX_BUILTIN_TABLE_LAZY's work, behind the register-saving thunk in
 * builtins.c: the stored value of element i of the table (a
 * wsbx_table_inst's def), initialized in place. */
void *wsbx_table_lazy_init(wsbx_table_def *def, uint64_t i);
void wsbx_inst_elem_drop(wsbx_instance *in, uint32_t elem);

/* --- private to store.c, instance.c and builtins.c ------------------------
 *
 * The objects' layouts, shared by the three files. Other code uses the
 * functions above. */

struct wsbx_table_inst {
        wsbx_table_def def;       /* what vmctx->tables[i] points at; first */
        uint8_t elem;             /* WSBX_ART_FUNCREF / WSBX_ART_EXTERNREF */
        /* A funcref table's lazy elements (abi.h, wsbx_table_def) take
         * their values from here: the defining instance and its image of
         * image_count function indices (u32, WSBX_ART_NONE for null) in
         * its artifact. owner NULL: no image, lazy elements are null. */
        struct wsbx_instance *owner;
        const uint8_t *image;
        uint32_t image_count;
        bool has_max;
        uint32_t max;
        uint32_t limit;           /* the store's cap on the size */
        struct wsbx_table_inst *next; /* store list */
};

struct wsbx_memory_inst {
        wsbx_memory *mem;
        bool has_max;
        uint32_t max;             /* declared maximum, for import matching */
        wsbx_store *store;
        struct wsbx_memory_inst *next;
};

struct wsbx_global_inst {
        wsbx_val_raw *cell;       /* in the owner's vmctx, or &own */
        uint8_t type;
        bool mut;
        struct wsbx_global_inst *next; /* store list (host globals only) */
        _Alignas(16) wsbx_val_raw own;
};

struct wsbx_loaded {
        wsbx_store *store;
        struct wsbx_loaded *next;
        int fd;                   /* our dup of the artifact file */
        uint8_t *map;             /* the whole file, read-only */
        size_t map_len;
        wsbx_artifact art;        /* view into map */
        uint8_t *text;            /* .text, read+execute; NULL when empty */
        size_t text_map_len;
        wsbx_code_reg *reg;
        wsbx_code_func *funcs;    /* registered function ranges */
        char *names;              /* their NUL-terminated names */
        uint32_t *type_ids;       /* canonical id per module type */
        wsbx_image **images;      /* per memory, NULL without an image */
        uint64_t ident[2];        /* snapshot.c: identity hash of map, once ident_done */
        bool ident_done;
};

struct wsbx_instance {
        wsbx_store *store;
        wsbx_loaded *mod;
        struct wsbx_instance *next;
        uint8_t *vmctx;           /* 16-byte aligned, lay.size bytes */
        wsbx_vmctx_layout lay;
        wsbx_memory_inst **memories;  /* index space, imports first */
        wsbx_table_inst **tables;
        wsbx_global_inst **globals;
        wsbx_global_inst *own_globals; /* the defined ones */
        void ***elem_refs;        /* per element segment: its references, NULL once dropped */
        bool ready;               /* instantiation finished */
        bool parked;              /* idle in the store's pool */
        wsbx_extern *imports;     /* pooling: the imports it was made with */
        uint32_t nimports;
};

struct wsbx_host_func;
struct wsbx_functype_ent;

struct wsbx_store {
        wsbx_store_config cfg;
        wsbx_stack *stack;
        uint64_t epoch;           /* own counter, atomic */
        const uint64_t *epoch_ptr;
        uint64_t deadline;
        struct wsbx_functype_ent *types;
        uint32_t ntypes, types_cap;
        uint32_t *type_hash;      /* open addressing: id + 1, 0 empty */
        uint32_t type_hash_cap;   /* power of two */
        wsbx_loaded *loaded;
        wsbx_instance *instances;
        wsbx_memory_inst *memories;
        wsbx_table_inst *tables;
        wsbx_global_inst *globals;
        struct wsbx_host_func *host_funcs;
        wsbx_instance **pool;     /* parked instances, pool_n of cfg.pool_instances */
        uint32_t pool_n;
        wsbx_pool_stats pool_stats;
};

/* vmctx regions of an instance. */
static inline wsbx_vmctx_header *wsbx_inst_header(const wsbx_instance *in)
{
        return (wsbx_vmctx_header *)(void *)in->vmctx;
}
static inline wsbx_funcref *wsbx_inst_funcref(const wsbx_instance *in, uint32_t f)
{
        return (wsbx_funcref *)(void *)(in->vmctx + in->lay.funcrefs) + f;
}
static inline uint32_t *wsbx_inst_data_sizes(const wsbx_instance *in)
{
        return (uint32_t *)(void *)(in->vmctx + in->lay.data_sizes);
}
static inline uint32_t *wsbx_inst_elem_sizes(const wsbx_instance *in)
{
        return (uint32_t *)(void *)(in->vmctx + in->lay.elem_sizes);
}

/* instance.c: frees what an instance owns itself (its vmctx and arrays,
 * not the shared objects in the store's lists); called by the store. */
void wsbx_instance_free(wsbx_instance *in);
/* instance.c: sets up a parked instance again as wsbx_instantiate would
 * (globals, tables, segment state, active segments, start function); its
 * memories were reset by release. Returns as wsbx_instantiate. */
int wsbx_instance_reinit(wsbx_instance *in, wsbx_trap_info *trap, wsbx_lerr *err);
/* instance.c: for snapshot restore: wsbx_instantiate without the pool,
 * memory images, active segments or the start function (memories zero,
 * tables from their images, globals from their initializers, segments
 * evaluated). The instance is not ready, so never pooled. Returns 0 with
 * *out (owned by the store) or as wsbx_instantiate. */
int wsbx_instantiate_bare(wsbx_store *s, wsbx_loaded *l, const wsbx_extern *imports,
                          uint32_t nimports, wsbx_instance **out, wsbx_lerr *err);
/* pool.c: a parked instance of l made with these imports, unparked, or
 * NULL. */
wsbx_instance *wsbx_pool_take(wsbx_store *s, wsbx_loaded *l, const wsbx_extern *imports,
                              uint32_t nimports);
/* store.c: after memory m's base moved, every instance whose memory 0 it
 * is reloads vmctx->mem0_base. */
void wsbx_store_memory_moved(wsbx_store *s, wsbx_memory_inst *m);


#endif
