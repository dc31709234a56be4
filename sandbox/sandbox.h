/* sandbox.h - the sandbox's one interface header.
 *
 * The supervisor drives the runtime only through one message set: load an
 * artifact, instantiate it (binding imports), look up an export, invoke a
 * function with typed arguments (results or a trap come back), read and
 * write globals, create host functions (calls to them travel back to the
 * supervisor as HOST_CALL messages), and drop handles. Messages are
 * fixed-size descriptors on two single-producer, single-consumer rings
 * (requests in, completions out) whose payloads live in a per-direction
 * arena and are addressed by offset, so the same bytes work between two
 * processes over shared memory. Objects of the store are named by
 * store-local handles (small integers); no pointer crosses the boundary.
 *
 * Life cycle of a session (one store, one worker):
 *
 *   wsbx_session *s;
 *   wsbx_status st;
 *   wsbx_session_open(&s);                        // starts the (jailed) worker
 *   wsbx_session_load(s, art, len, &mod, &st);    // an artifact (wsbx_compile)
 *   wsbx_session_module_imports(s, mod, &imps, &n);  // bind them by name
 *   wsbx_session_instantiate(s, mod, imports, n, &inst, &st);
 *   wsbx_session_export(s, inst, "f", 1, &ext, &st);
 *   wsbx_session_invoke(s, ext.handle, types, args, nargs, results, NULL, nres, &st);
 *   wsbx_session_close(s);                        // stops the worker
 *
 * Error convention (docs/error-handling.md): every call returns 0 on
 * success, a positive WSBX_SESS_* outcome when the guest or the request
 * failed in an orderly way (a trap, a link error, an unknown export; `st`
 * then says what), or a negative errno value when the transport failed or
 * the worker broke the protocol (-EPROTO: a completion that is malformed,
 * out of range or out of order; the session is then unusable and every
 * later call fails with -EPIPE). When the worker died (killed by seccomp,
 * out of memory, past its deadline, for breaking the protocol), a call
 * that has a status also gets the cause in st->msg (outcome ERROR) beside
 * its negative return, e.g. "worker killed: forbidden system call socket".
 * Nothing here prints or exits, except the spectest print functions, to
 * the stream they were given.
 *
 * By default the worker is a jailed process over shared rings (process.c,
 * ring.c); with no_sandbox it runs on a thread of the calling process
 * (loopback.c). The layers above the endpoint are the same for both, and
 * everything the worker sends back is validated as if hostile, in
 * loopback too.
 */
#ifndef WSBX_SANDBOX_H
#define WSBX_SANDBOX_H

#include "abi.h"
#include "engine.h"
#include "wasi.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------------------ */
/* session.c - the client (supervisor side)                                 */
/* ------------------------------------------------------------------------ */

/* A store-local handle. 0 is never a valid handle (ref.null for funcref
 * values); valid handles are below WSBX_HANDLE_MAX. */
typedef uint32_t wsbx_handle;
#define WSBX_HANDLE_MAX (1u << 20)

typedef struct wsbx_session wsbx_session;

/* Outcomes that are not transport failures. */
enum {
        WSBX_SESS_OK = 0,
        WSBX_SESS_TRAP = 1,     /* the guest trapped (st->trap, msg, backtrace) */
        WSBX_SESS_LINK = 2,     /* instantiation: an import does not fit (st->msg) */
        WSBX_SESS_ERROR = 3,    /* the worker refused the request (bad handle,
                                 * wrong types, corrupt artifact; st->msg) */
        WSBX_SESS_NOTFOUND = 4, /* no export of that name */
        WSBX_SESS_EXIT = 5,     /* the guest called proc_exit (st->exit_code) */
};

/* What went wrong, for a positive outcome. msg is NUL-terminated. */
#define WSBX_STATUS_MSG_MAX 256
#define WSBX_STATUS_BT_MAX 2048
typedef struct wsbx_status {
        int outcome;                   /* WSBX_SESS_* */
        wsbx_trap trap;                /* TRAP: its kind */
        uint32_t wasm_offset;          /* TRAP: UINT32_MAX when unknown */
        char msg[WSBX_STATUS_MSG_MAX]; /* trap message or error text */
        char backtrace[WSBX_STATUS_BT_MAX]; /* TRAP: one frame per line */
        int exit_code;                 /* EXIT: the guest's exit code */
} wsbx_status;

/* The type of an extern. For functions, params/results point into the
 * session's record of the handle (or module) they came with and stay
 * valid until it is dropped or the session closed. */
typedef union wsbx_sess_externtype {
        struct {
                uint32_t nparams, nresults;
                const wsbx_valtype *params, *results;
        } func;
        wsbx_tabletype table;
        wsbx_memtype memory;
        wsbx_globaltype global;
} wsbx_sess_externtype;

/* An extern as EXPORT reports it. */
typedef struct wsbx_sess_extern {
        wsbx_handle handle;
        wsbx_externkind kind;
        wsbx_sess_externtype type;
} wsbx_sess_extern;

/* An import of a loaded module, as LOAD reports it. Names point into the
 * session's record of the module (not NUL-terminated). */
typedef struct wsbx_sess_import {
        wsbx_name module, name;
        wsbx_externkind kind;
        wsbx_sess_externtype type;
} wsbx_sess_import;

/* A host function. Runs on the supervisor side when the guest calls it.
 * args holds nargs values of the function's parameter types, results
 * receives nresults values. Return 0, or fill `err` (NUL-terminated, at
 * most WSBX_STATUS_MSG_MAX bytes) and return nonzero to make the guest
 * trap with that message. It may call back into the session (nested
 * invoke, global get/set) but must not close it. References: funcref
 * values are handles (0 null), externref values opaque words (0 null). */
typedef int (*wsbx_host_fn)(wsbx_session *s, void *ctx, const wsbx_val_raw *args, uint32_t nargs,
                            wsbx_val_raw *results, uint32_t nresults, char *err);

/* Worker entry for wsbx_session_open_worker (tests use it to stand in a
 * hostile worker); the default is wsbx_worker_main. */
struct wsbx_endpoint;
typedef void (*wsbx_worker_fn)(struct wsbx_endpoint *ep, void *arg);

/* Starts a worker with a fresh store and connects to it. On success *out
 * is a new session the caller closes with wsbx_session_close. Returns 0 or
 * -errno. */
int wsbx_session_open(wsbx_session **out);
int wsbx_session_open_worker(wsbx_worker_fn fn, void *arg, wsbx_session **out);

/* How a session's worker is started. Zero-initialize, then set fields;
 * everything pointed to is borrowed for the call only (the fds are
 * duplicated into the worker at spawn). */
typedef struct wsbx_session_config {
        /* Run the worker on a thread of this process over loopback (for
         * debugging only: no process wall; callers should say so). */
        bool no_sandbox;
        /* What the guest's WASI sees: stdio, args, env, preopens. All
         * zero: stdio 0/1/2 of this process (stdio fds of 0 0 0 mean
         * that), no args, no env, no preopens. A jailed worker gets
         * copies; with no_sandbox its strings, arrays and fds are borrowed
         * until wsbx_session_close(). */
        wsbx_wasi_config wasi;
        /* The worker's memory limit in bytes (cgroup); 0 = the default
         * (WSBX_SESSION_MEMORY_DEFAULT). */
        uint64_t memory_max;
        /* Per-call deadline in ns for invoke and instantiate: when it
         * passes the guest is interrupted through the epoch word - code
         * compiled with wsbx_compile_opts.epoch then traps, WSBX_SESS_TRAP
         * with trap WSBX_TRAP_INTERRUPTED and msg "deadline exceeded", and
         * the worker lives on - and a worker that does not answer within
         * 50 ms more is killed: the call fails with -ETIMEDOUT and msg
         * "deadline exceeded" (later calls: -EPIPE). With no_sandbox the
         * same, except that a thread cannot be killed: it is abandoned,
         * running, and the session is lost. 0 = none. */
        uint64_t deadline_ns;
        /* The instance pool of the worker's store (loader/pool.c): how
         * many released instances it keeps for reuse (0: no pool), and
         * how many bytes per memory a reset may restore by copying before
         * it drops pages instead (0: the default, 1 MiB). In a pooled
         * session wsbx_session_drop of an instance handle releases the
         * instance: its memories, tables and globals are reset to their
         * initial state (only dirtied pages are restored), and the next
         * wsbx_session_instantiate of the same module with the same
         * imports reuses it. Handles to its exports then name the reused
         * instance's exports; nothing else may still use the dropped
         * instance (an instance importing its memory, say). */
        uint32_t pool_instances;
        uint64_t pool_keep_resident;
        /* Snapshots restored in this session (wsbx_session_restore) get
         * their memory pages lazily: the supervisor opens /dev/userfaultfd
         * and hands it to the worker, which makes its userfaultfd from it
         * before lockdown (kernel-mode faults included, so a system call
         * touching a lazy page is served too) and hands that back; a
         * thread of this process then serves the worker's first touch of
         * each page from the snapshot. Where /dev/userfaultfd cannot be
         * opened, restores copy (said once through the log hook). Ignored
         * with no_sandbox (copies). */
        bool lazy_snapshots;
        /* A lazy page not served within this many ms of its fault kills the
         * worker ("worker killed: a lazy page was not served in time");
         * 0 = WSBX_SESSION_PAGER_TIMEOUT_MS. */
        uint32_t pager_timeout_ms;
        /* Each instance may have at most this many bytes of its memories'
         * pages (rounded up to pages; 0 = no quota). Sandboxed sessions
         * only (with no_sandbox: -EINVAL), not with pool_instances
         * (-EINVAL); implies the userfaultfd of lazy_snapshots (a session
         * that cannot get one fails to open with -ENOTSUP). Each memory an
         * instance defines is registered with the supervisor's pager over
         * every page it can ever have (it never moves; a grow that would
         * fails) before anything touches it, images are copied in rather
         * than mapped, and the pager counts the pages it serves; the first
         * touch past the quota poisons the page: the guest traps "memory
         * quota exceeded" (also when a builtin or the instantiation's own
         * copying meets it; a system call touching it fails with EFAULT).
         * Where the kernel cannot poison (before 6.6) that touch kills the
         * worker instead. Lazily restored instances count the same way. */
        uint64_t memory_quota;
} wsbx_session_config;
#define WSBX_SESSION_PAGER_TIMEOUT_MS 2000u
#define WSBX_SESSION_MEMORY_DEFAULT (4ull << 30)

/* Starts a worker as cfg says (NULL: the defaults, sandboxed) and
 * connects to it. Sandboxed: a jailed process over shared rings (where
 * the host lacks a namespace or Landlock, the jail degrades and says so
 * once through wsbx_jail_set_log's hook). On failure st (may be NULL)
 * holds a one-line reason. *out is a new session the caller closes with
 * wsbx_session_close. Returns 0 or -errno. wsbx_session_open(out) is
 * wsbx_session_open_cfg(NULL, out, NULL). */
int wsbx_session_open_cfg(const wsbx_session_config *cfg, wsbx_session **out, wsbx_status *st);

/* Where the jail announces, once per process each, what this host cannot
 * give it (a namespace, Landlock, a cgroup) and what that costs: log is
 * called with one sentence; NULL (the default) is silent. */
void wsbx_sandbox_set_log(void (*log)(const char *msg));

/* Why the session's worker died ("worker killed: forbidden system call
 * socket", "deadline exceeded"), "" while it lives or for loopback. */
const char *wsbx_session_error(const wsbx_session *s);

/* Whether the session's worker runs in a separate (jailed) process. */
bool wsbx_session_sandboxed(const wsbx_session *s);
/* The worker process's pid in this process's pid namespace (for perf
 * counters, say), or -1 with no_sandbox. */
int wsbx_session_worker_pid(const wsbx_session *s);

/* The worker's WASI host module: *instance receives an instance whose
 * exports are the wasi_snapshot_preview1 functions, living in the
 * worker's store with the wsbx_wasi_config the session was opened with.
 * WSBX_SESS_ERROR when this build's worker has no WASI. */
int wsbx_session_wasi_instance(wsbx_session *s, wsbx_handle *instance, wsbx_status *st);

/* Stops the worker (everything in its store goes with it) and frees the
 * session. NULL is a no-op. */
void wsbx_session_close(wsbx_session *s);

/* Loads a compiled artifact from memory (small ones travel in the payload
 * arena, larger ones as a sealed memfd the worker maps) or from an
 * artifact file descriptor (borrowed: the worker duplicates it; it must be
 * a file or sealed memfd that will not change).
 * *module receives the module handle. A corrupt or foreign artifact is
 * WSBX_SESS_ERROR with the loader's message. */
int wsbx_session_load(wsbx_session *s, const uint8_t *bytes, size_t len, wsbx_handle *module,
                      wsbx_status *st);
int wsbx_session_load_fd(wsbx_session *s, int fd, wsbx_handle *module, wsbx_status *st);

/* The imports of a loaded module, in order: *imports points at *n records
 * owned by the session, valid until the module handle is dropped or the
 * session closed. -EINVAL when `module` is not a module handle. */
int wsbx_session_module_imports(wsbx_session *s, wsbx_handle module, const wsbx_sess_import **imports,
                                uint32_t *n);

/* Instantiates a module with imports[0..nimports) (extern handles, in the
 * module's import order). Link errors come back as WSBX_SESS_LINK with the
 * spec's wording ("incompatible import type", "unknown import"); a trap
 * while initializing (segment out of bounds, the start function) as
 * WSBX_SESS_TRAP. *instance receives the instance handle. */
int wsbx_session_instantiate(wsbx_session *s, wsbx_handle module, const wsbx_handle *imports,
                             uint32_t nimports, wsbx_handle *instance, wsbx_status *st);

/* Looks up export `name` (len bytes, UTF-8) of an instance.
 * WSBX_SESS_NOTFOUND when there is none. */
int wsbx_session_export(wsbx_session *s, wsbx_handle instance, const char *name, size_t len,
                        wsbx_sess_extern *out, wsbx_status *st);

/* Calls function `func` with nargs arguments of the given types and
 * receives exactly nresults results (the function's result count, else
 * WSBX_SESS_ERROR). result_types (may be NULL) receives their types. */
int wsbx_session_invoke(wsbx_session *s, wsbx_handle func, const wsbx_valtype *types,
                        const wsbx_val_raw *args, uint32_t nargs, wsbx_val_raw *results,
                        wsbx_valtype *result_types, uint32_t nresults, wsbx_status *st);

/* Reads or writes a global (set: WSBX_SESS_ERROR when immutable or of
 * another type). */
int wsbx_session_global_get(wsbx_session *s, wsbx_handle global, wsbx_val_raw *v, wsbx_valtype *type,
                            wsbx_status *st);
int wsbx_session_global_set(wsbx_session *s, wsbx_handle global, wsbx_valtype type,
                            const wsbx_val_raw *v, wsbx_status *st);

/* Creates a function of type `type` in the worker's store that, when
 * called, runs fn(s, ctx, ...) here. *out receives its extern handle, to
 * pass as an import. `type` is copied; ctx is borrowed until close. */
int wsbx_session_host_func_new(wsbx_session *s, const wsbx_functype *type, wsbx_host_fn fn, void *ctx,
                               wsbx_handle *out, wsbx_status *st);

/* Snapshots (loader/snapshot.c) taken and restored in the worker.
 *
 * snapshot: saves instance's state (memories, mutable globals, tables,
 * dropped segments) into a memfd this call creates and hands the worker;
 * once it answers, the memfd is sealed and checked here as hostile bytes
 * (wsbx_snapshot_load). On success *fd is that sealed memfd (the caller
 * owns and closes it; a snapshot file's bytes, to save or restore). A
 * state a snapshot cannot express is WSBX_SESS_ERROR with the loader's
 * message.
 *
 * restore: makes a new instance of `module` in the snapshot's state,
 * without its start function or segments (imports as for instantiate;
 * fd borrowed: a snapshot file, read-only or sealed, that will not
 * change). In a session opened with lazy_snapshots (and a userfaultfd)
 * the pages stay missing in the worker and this process serves each one
 * on first touch, from its own verified load of the same file; otherwise
 * the worker copies them in. A snapshot of another module, or a corrupt
 * file, is WSBX_SESS_ERROR with the loader's message. */
typedef struct wsbx_uffd_stats wsbx_uffd_stats; /* below, with uffd.c */
int wsbx_session_snapshot(wsbx_session *s, wsbx_handle instance, int *fd, wsbx_status *st);
int wsbx_session_restore(wsbx_session *s, wsbx_handle module, int fd, const wsbx_handle *imports,
                         uint32_t nimports, wsbx_handle *instance, wsbx_status *st);
/* Whether this session's restores are lazy (a jailed worker that handed
 * over a userfaultfd; the first call takes it, waiting for the worker to
 * have started). */
bool wsbx_session_lazy(wsbx_session *s);
/* The lazy pager's counters (faults, pages copied, zero pages, failures),
 * all zero when there is none. */
void wsbx_session_pager_stats(const wsbx_session *s, wsbx_uffd_stats *out);
/* Tests: make the pager wait ns before each answer (past the timeout the
 * worker is killed), or (stop) stop it: the worker is killed first, so
 * its faults never turn into zero pages. No-ops without a pager. */
void wsbx_session_pager_test_delay(wsbx_session *s, uint64_t ns);
void wsbx_session_pager_test_stop(wsbx_session *s);

/* Forgets a handle (the worker frees what only it kept alive). Handles
 * are shared: an export looked up twice yields the same handle, and
 * dropping it drops it for both. */
int wsbx_session_drop(wsbx_session *s, wsbx_handle h, wsbx_status *st);

/* ------------------------------------------------------------------------ */
/* compiler.c - the compile worker                                          */
/* ------------------------------------------------------------------------ */

/* Decoding, validation and compilation of untrusted module bytes run in a
 * jailed process (jail.c, seccomp allowlist as for every worker): the
 * module arrives in a sealed memfd, the artifact leaves through a memfd
 * the supervisor sealed once the worker is gone, and the supervisor
 * verifies it as hostile bytes (wsbx_artifact_open) before handing it
 * out. The worker compiles on one thread: its seccomp filter, loaded
 * before any thread could start, has no clone. */
typedef struct wsbx_compile_worker_opts {
        const wsbx_compile_opts *compile; /* NULL: the defaults (threads is ignored) */
        /* Compile in this process (debugging only: no process wall). */
        bool no_sandbox;
        /* Wall-clock limit for the worker; 0: WSBX_COMPILE_TIMEOUT_DEFAULT. */
        uint64_t timeout_ns;
        /* The worker's memory limit (cgroup); 0: WSBX_COMPILE_MEMORY_DEFAULT. */
        uint64_t memory_max;
        /* Told once per process, in one sentence, when the jail cannot be
         * built and compiling falls back to this process; NULL: silent. */
        void (*log)(const char *msg);
} wsbx_compile_worker_opts;
#define WSBX_COMPILE_TIMEOUT_DEFAULT (120ull * 1000000000ull)
#define WSBX_COMPILE_MEMORY_DEFAULT (2ull << 30)

/* Compiles len module bytes (binary or text, as wsbx_module_load) in a
 * compile worker. Returns 0 with *artifact_fd a sealed memfd holding a
 * verified artifact (the caller closes it); a positive wsbx_errkind when
 * the module is malformed, invalid or beyond a limit (err as the engine
 * filled it, text positions included, copied from the worker and
 * checked); or -errno when the worker failed: it died (err names the
 * signal, or the denied syscall), ran out of memory, passed its time
 * limit (-ETIMEDOUT), or sent back something malformed (-EPROTO). o may
 * be NULL (the defaults). The worker is a copy of the caller made without
 * fork handlers (wsbx_jail_spawn): call this while no other thread of the
 * process can hold the malloc lock, e.g. before starting threads (a
 * worker that deadlocks on such a lock is killed at the time limit). */
int wsbx_compile_in_worker(const uint8_t *bytes, size_t len, const wsbx_compile_worker_opts *o,
                           int *artifact_fd, wsbx_error *err);

/* A persistent compile worker: one jailed process serving many requests
 * over its socket (the module in a sealed memfd, the artifact back in a
 * memfd this process creates, then seals and verifies once the worker has
 * unmapped and closed it: sealing fails while a writable mapping is
 * left). The worker is spawned by open (same caveat about threads as
 * above). A request whose worker crashes, passes the time limit (per
 * request) or breaks the protocol fails as wsbx_compile_in_worker says,
 * and that worker is killed; the next request spawns a fresh one, as it
 * does when the worker died while idle. Where the jail cannot be built
 * (or o->no_sandbox) every request compiles in this process, said once
 * through o->log. open copies *o (and *o->compile); returns 0 or -ENOMEM
 * with *out owned by the caller (wsbx_compile_worker_close). */
typedef struct wsbx_compile_worker wsbx_compile_worker;
int wsbx_compile_worker_open(const wsbx_compile_worker_opts *o, wsbx_compile_worker **out);
/* As wsbx_compile_in_worker, in w's worker. */
int wsbx_compile_worker_compile(wsbx_compile_worker *w, const uint8_t *bytes, size_t len, int *artifact_fd,
                                wsbx_error *err);
/* What a request's bytes are: ANY is text unless they start with the
 * binary magic (as wsbx_module_load); BINARY is decoded as binary only
 * (no magic: "magic header not detected"); TEXT is parsed as text only. */
typedef enum wsbx_compile_form {
        WSBX_COMPILE_ANY = 0,
        WSBX_COMPILE_BINARY = 1,
        WSBX_COMPILE_TEXT = 2,
} wsbx_compile_form;
/* As wsbx_compile_worker_compile, for bytes of the given form; -EINVAL
 * for a form not listed above. */
int wsbx_compile_worker_compile_as(wsbx_compile_worker *w, const uint8_t *bytes, size_t len,
                                   wsbx_compile_form form, int *artifact_fd, wsbx_error *err);
/* Kills and reaps the worker, frees w. NULL is ignored. */
void wsbx_compile_worker_close(wsbx_compile_worker *w);
/* The running worker's pid (in this process's pid namespace), or -1 when
 * none runs (between a failure and the next request, or compiling here). */
int wsbx_compile_worker_pid(const wsbx_compile_worker *w);
/* How many workers w has spawned so far. */
unsigned wsbx_compile_worker_spawns(const wsbx_compile_worker *w);

/* Runs fn(arg) in a jailed child process, a copy of this one jailed as a
 * compile worker is (namespaces, Landlock, no_new_privs, the seccomp
 * allowlist, its memory limit), that keeps only stdin, stdout and stderr
 * (flushed here first; the child flushes its own): for tools that parse
 * untrusted bytes already in memory and print what they find (wsbx
 * validate, inspect). Returns fn's return value (0-255, the child's exit
 * status), or -errno with why (why_len bytes) naming the cause when the
 * child died: killed by seccomp (the syscall), out of memory, a signal.
 * Where the jail cannot be built fn runs in this process, said once
 * through log (NULL: silent). Same caveat about threads as
 * wsbx_compile_in_worker. */
int wsbx_run_jailed(int (*fn)(void *), void *arg, void (*log)(const char *msg), char *why, size_t why_len);

/* ------------------------------------------------------------------------ */
/* spectest.c - the spec tests' `spectest` host module                      */
/* ------------------------------------------------------------------------ */

/* Instantiates the module the spec's reference interpreter provides as
 * `spectest`: print, print_i32, print_i64, print_f32, print_f64,
 * print_i32_f32, print_f64_f64 (host functions; each argument is written
 * to `out` as the reference does, "42 : i32", nothing when out is NULL),
 * globals global_i32 = 666, global_i64 = 666, global_f32 = 666.6,
 * global_f64 = 666.6, table (10 20 funcref) and memory (1 2). *instance
 * receives an instance handle whose exports the caller binds by name.
 * Returns as wsbx_session_instantiate; compile errors become -EINVAL. */
int wsbx_spectest_instantiate(wsbx_session *s, FILE *out, wsbx_handle *instance, wsbx_status *st);

/* Writes one value as the reference interpreter's print does, e.g.
 * "666.6 : f32", plus a newline. */
void wsbx_spectest_print_value(FILE *out, wsbx_valtype t, const wsbx_val_raw *v);

/* Writes x as the shortest decimal that reads back as the same value (as a
 * float when `single`, else as a double); no newline. NaN and infinity come
 * out as "nan"/"inf"; callers that show NaN payloads test for NaN first. */
void wsbx_print_float(FILE *out, double x, bool single);

/* ------------------------------------------------------------------------ */
/* proto.c - descriptors, payloads, validation                              */
/* ------------------------------------------------------------------------ */

/* Message kinds. A request's completion carries the request's kind and
 * seq; HOST_CALL is the one message the worker starts (in the middle of
 * an INVOKE), answered by a HOST_RETURN request with the same seq. */
typedef enum wsbx_msg_kind {
        WSBX_MSG_NONE = 0,
        WSBX_MSG_LOAD,          /* flags FD: value = fd; else payload = artifact bytes
                                 * -> handle = module, payload = count import
                                 * records, then their strings and types */
        WSBX_MSG_INSTANTIATE,   /* handle = module, payload = count u32 extern handles
                                 * -> handle = instance */
        WSBX_MSG_EXPORT,        /* handle = instance, payload = name
                                 * -> handle, arg0 = kind, payload = type (below) */
        WSBX_MSG_INVOKE,        /* handle = func, payload = count values
                                 * -> payload = count values */
        WSBX_MSG_GLOBAL_GET,    /* handle -> payload = 1 value */
        WSBX_MSG_GLOBAL_SET,    /* handle, payload = 1 value -> nothing */
        WSBX_MSG_HOST_FUNC_NEW, /* value = host id, arg0 = nparams, payload = count
                                 * types (params then results) -> handle */
        WSBX_MSG_HOST_CALL,     /* worker -> supervisor: value = host id, payload =
                                 * count values */
        WSBX_MSG_HOST_RETURN,   /* supervisor -> worker, seq of the HOST_CALL: status
                                 * OK + count values, or ERROR + fault */
        WSBX_MSG_DROP,          /* handle -> nothing */
        WSBX_MSG_CLOSE,         /* the worker frees its store and exits */
        WSBX_MSG_WASI,          /* nothing -> handle = the WASI host instance */
        WSBX_MSG_SNAPSHOT,      /* handle = instance, value = fd (an empty memfd)
                                 * -> value = bytes of snapshot file written to it */
        WSBX_MSG_RESTORE,       /* handle = module, value = fd (snapshot file), flags
                                 * LAZY, payload = count u32 extern handles
                                 * -> handle = instance; LAZY: payload = count
                                 * wsbx_msg_range, one per snapshot memory */
        WSBX_MSG_PAGER_REGISTER, /* worker -> supervisor, during an INSTANTIATE of a
                                 * session with a memory quota: payload = 1
                                 * wsbx_msg_range (len 0) of a new memory, before
                                 * anything touches it -> the same kind and seq,
                                 * status OK once its pages are counted */
        WSBX_MSG_KIND_COUNT
} wsbx_msg_kind;

/* Completion statuses (the wire form of WSBX_SESS_*). */
enum {
        WSBX_ST_OK = 0,
        WSBX_ST_TRAP = 1,     /* payload: fault */
        WSBX_ST_LINK = 2,     /* payload: fault (message only) */
        WSBX_ST_ERROR = 3,    /* payload: fault (message only) */
        WSBX_ST_NOTFOUND = 4, /* no payload */
        WSBX_ST_EXIT = 5,     /* proc_exit; payload: fault, wasm_offset = exit code */
        WSBX_ST_COUNT
};

enum {
        WSBX_MSG_F_FD = 1u << 0, /* LOAD: the artifact is the descriptor in `value` */
        WSBX_MSG_F_LAZY = 1u << 1, /* RESTORE: leave pages missing for the pager */
        WSBX_MSG_F_PIN = 1u << 2,  /* RESTORE (with LAZY): memories never move; reach is all they can have */
};

/* A lazily restored memory in a RESTORE completion: where it lies in the
 * worker's address space, its size in bytes, and (WSBX_MSG_F_PIN) how
 * many bytes from base it can ever occupy (else len). */
typedef struct wsbx_msg_range {
        uint64_t base, len, reach;
} wsbx_msg_range;

/* One descriptor. Both rings carry the same 64-byte shape. */
typedef struct wsbx_msg {
        uint16_t kind;   /* wsbx_msg_kind */
        uint16_t flags;  /* WSBX_MSG_F_* */
        uint32_t seq;    /* request number; completions repeat it */
        int32_t status;  /* completions and HOST_RETURN: WSBX_ST_* */
        uint32_t handle;
        uint32_t arg0, arg1;
        uint32_t count;  /* items in the payload */
        uint32_t off;    /* payload: [off, off + len) of the sender's arena */
        uint32_t len;
        uint32_t reserved0;
        uint64_t value;
        uint8_t reserved[16];
} wsbx_msg;
_Static_assert(sizeof(wsbx_msg) == 64, "descriptors are one cache line");

/* Payload records. Values travel as `count` 16-byte raw slots followed by
 * `count` type bytes (len = 17 * count exactly). References: funcref =
 * handle in the low 32 bits (0 null), externref = opaque 64-bit word (0
 * null). */
#define WSBX_VAL_WIRE 17u

/* Failures: this header, then msg_len bytes of message, then bt_len bytes
 * of backtrace text. */
typedef struct wsbx_msg_fault {
        uint32_t trap;        /* wsbx_trap (TRAP only) */
        uint32_t wasm_offset; /* UINT32_MAX unknown */
        uint32_t msg_len;     /* < WSBX_STATUS_MSG_MAX */
        uint32_t bt_len;      /* < WSBX_STATUS_BT_MAX */
} wsbx_msg_fault;

/* Non-function extern types (EXPORT of a table, memory, global). A
 * function's type is nparams (arg1) + nresults type bytes. */
enum {
        WSBX_XT_HAS_MAX = 1u << 0,
        WSBX_XT_MUT = 1u << 1,
        WSBX_XT_SHARED = 1u << 2,
        WSBX_XT_IS64 = 1u << 3,
};
typedef struct wsbx_msg_xtype {
        uint8_t type;  /* table: element type; global: value type */
        uint8_t flags; /* WSBX_XT_* */
        uint8_t pad[6];
        uint64_t min, max;
} wsbx_msg_xtype;
_Static_assert(sizeof(wsbx_msg_xtype) == 24, "");

/* One import in a LOAD completion: `count` of these, then the bytes the
 * offsets point into (offsets are from the start of the payload). */
typedef struct wsbx_msg_import {
        uint32_t module_off, module_len;
        uint32_t name_off, name_len;
        uint8_t kind;          /* WSBX_EXTERN_* */
        uint8_t pad[3];
        uint32_t nparams;      /* func: nparams + nresults type bytes at types_off */
        uint32_t nresults;
        uint32_t types_off;
        wsbx_msg_xtype xt;     /* table, memory, global */
} wsbx_msg_import;
_Static_assert(sizeof(wsbx_msg_import) == 56, "");

/* Static name of a message kind ("invoke"), "?" when out of range. */
const char *wsbx_msg_kind_name(uint32_t kind);

/* Whether t is a value type (i32 ... externref). */
bool wsbx_valtype_ok(uint32_t t);

struct wsbx_endpoint;

/* Encoders: write a payload into the sender's arena and set m->off, len
 * and count. Return 0, or -E2BIG when the arena cannot hold it. */
int wsbx_proto_put_bytes(struct wsbx_endpoint *ep, wsbx_msg *m, const void *p, size_t len);
int wsbx_proto_put_vals(struct wsbx_endpoint *ep, wsbx_msg *m, const wsbx_valtype *types,
                        const wsbx_val_raw *vals, uint32_t n);
/* msg and bt may be NULL; both are cut to fit the wsbx_status fields. */
int wsbx_proto_put_fault(struct wsbx_endpoint *ep, wsbx_msg *m, uint32_t trap, uint32_t wasm_offset,
                         const char *msg, const char *bt);

/* Decoders: check a received payload as hostile and copy it out. `p` is
 * the payload (wsbx_ep_payload, or a private copy of it), NULL when its
 * range was out of bounds. Values: m->count must be at most max and len
 * exactly WSBX_VAL_WIRE * count; every type byte a value type; funcref
 * handles below WSBX_HANDLE_MAX; bytes a value of its type does not use
 * are cleared. Faults: lengths within the record and the status fields, a
 * known trap kind. Return 0 or -EPROTO. */
int wsbx_proto_get_vals(const uint8_t *p, const wsbx_msg *m, wsbx_valtype *types, wsbx_val_raw *vals,
                        uint32_t max);
int wsbx_proto_get_fault(const uint8_t *p, const wsbx_msg *m, wsbx_status *st);

/* ------------------------------------------------------------------------ */
/* loopback.c - rings, arenas, doorbells; the in-process transport          */
/* ------------------------------------------------------------------------ */

#define WSBX_RING_SLOTS 64u          /* power of two */
#define WSBX_ARENA_SIZE (1u << 20)   /* bytes of payload per direction */

/* One side's view of the channel. Senders write descriptors to their
 * outgoing ring and payloads to their own arena; receivers copy each
 * descriptor out once, read its payload from the peer's arena (bounds
 * checked here), and then release the slot. A payload stays valid until
 * the receiver releases its descriptor. */
typedef struct wsbx_endpoint wsbx_endpoint;

/* Reserves len bytes (16-byte aligned) in the sender's arena and returns a
 * pointer to write them at, or NULL when the arena cannot hold them. *off
 * receives the offset to put in the descriptor. */
void *wsbx_ep_alloc(wsbx_endpoint *ep, size_t len, uint32_t *off);

/* Posts a descriptor (and rings the peer's doorbell if it sleeps).
 * Returns 0, -EPIPE when the peer is gone, -EAGAIN when the ring is full. */
int wsbx_ep_send(wsbx_endpoint *ep, const wsbx_msg *m);

/* Waits for the next descriptor from the peer and copies it to *m.
 * Returns 0 or -EPIPE (peer gone). */
int wsbx_ep_recv(wsbx_endpoint *ep, wsbx_msg *m);

/* The payload of a received descriptor: a pointer into the peer's arena,
 * after checking [m->off, m->off + m->len) lies inside it. NULL with a
 * non-zero length means out of bounds. Read it once (copy out): the peer
 * may be writing to it. */
const uint8_t *wsbx_ep_payload(const wsbx_endpoint *ep, const wsbx_msg *m);

/* Releases the oldest received descriptor (and with it its payload). */
void wsbx_ep_release(wsbx_endpoint *ep);

/* Statistics: messages received, how many of them came while the
 * receiver was still spinning (no sleep), and how often it slept. */
typedef struct wsbx_ep_stats {
        uint64_t received, spun, slept;
} wsbx_ep_stats;
void wsbx_ep_get_stats(const wsbx_endpoint *ep, wsbx_ep_stats *out);

/* A loopback channel: the supervisor's endpoint, and a thread running
 * fn(worker endpoint, arg). Returns 0 or -errno. On success *out owns the
 * channel, the thread and both endpoints (*sup points into it and stays
 * valid until wsbx_loopback_stop); `arg` stays the caller's. */
typedef struct wsbx_loopback wsbx_loopback;
int wsbx_loopback_start(wsbx_worker_fn fn, void *arg, wsbx_loopback **out, wsbx_endpoint **sup);
/* Waits for the worker thread to end (after it received CLOSE or saw the
 * supervisor hang up) and frees the channel; after
 * wsbx_loopback_abandon, detaches the thread instead and leaves it the
 * channel (a guest that cannot be interrupted runs on until the process
 * ends). */
void wsbx_loopback_stop(wsbx_loopback *lb);
void wsbx_loopback_abandon(wsbx_loopback *lb);
/* Loopback endpoints: recv fails with -ETIME once CLOCK_MONOTONIC passes
 * at_ns (0: no deadline). The ring transport ignores it (process.c
 * arms deadlines in its event loop). */
void wsbx_ep_set_deadline(wsbx_endpoint *ep, uint64_t at_ns);
/* Marks the caller's side closed: the peer's recv then fails with -EPIPE. */
void wsbx_ep_hangup(wsbx_endpoint *ep);

/* Descriptors travel beside a message: the sender calls send_fd (fd
 * borrowed) before posting the descriptor and puts *value in it; the
 * receiver calls recv_fd(value) when it handles the descriptor and owns
 * the fd it returns (close-on-exec). Loopback shares the descriptor table
 * (value is the number; recv_fd duplicates it); the ring transport passes
 * it over the control socket with SCM_RIGHTS. Return 0 / an fd, or -errno. */
int wsbx_ep_send_fd(wsbx_endpoint *ep, int fd, uint64_t *value);
int wsbx_ep_recv_fd(wsbx_endpoint *ep, uint64_t value);

/* Whether the peer is a thread of this process (loopback). */
bool wsbx_ep_is_local(const wsbx_endpoint *ep);

/* ------------------------------------------------------------------------ */
/* worker.c - the dispatcher (worker side)                                  */
/* ------------------------------------------------------------------------ */

/* What a worker starts with (wsbx_worker_main's arg; NULL: nothing). All
 * borrowed for the worker's life. */
typedef struct wsbx_worker_env {
        /* The WASI configuration the session was opened with, fds as the
         * worker sees them; NULL: none. The WSBX_MSG_WASI handler reads it. */
        const wsbx_wasi_config *wasi;
        /* The interruption epoch word compiled code polls (the ring's);
         * NULL: the store's own counter. The worker arms every call to
         * trap "interrupted" once the word moves past where it stood. */
        const uint64_t *epoch;
        /* Called once the store exists and before the first request (the
         * jailed worker locks itself down here); nonzero ends the worker. */
        int (*ready)(void *ctx);
        void *ready_ctx;
        /* The worker is a process about to exit: leave the store for the
         * kernel to free (faster) instead of tearing it down. */
        bool no_teardown;
        /* The store's instance pool (wsbx_session_config's fields). */
        uint32_t pool_instances;
        uint64_t pool_keep_resident;
        /* A memory quota session (wsbx_session_config.memory_quota): each
         * memory an instantiation defines is pinned and announced to the
         * supervisor (WSBX_MSG_PAGER_REGISTER) before anything touches it,
         * and images are copied in. */
        bool memory_quota;
} wsbx_worker_env;

/* Serves requests on ep against a fresh store until CLOSE or hangup. All
 * it knows of the supervisor is what arrives on ep; all it hands back is
 * handles, offsets and copies. arg: a const wsbx_worker_env *, or NULL. */
void wsbx_worker_main(wsbx_endpoint *ep, void *arg);

/* ------------------------------------------------------------------------ */
/* uffd.c - lazy paging through userfaultfd                                 */
/* ------------------------------------------------------------------------ */

/* Opens a userfaultfd (/dev/userfaultfd, else the syscall; without
 * kernel_faults the syscall is asked for user-mode faults only, which
 * needs no privilege) and negotiates the API (with UFFD_FEATURE_POISON
 * where the kernel has it, 6.6). Returns the fd (the caller closes it;
 * O_NONBLOCK, O_CLOEXEC) or -errno. */
int wsbx_uffd_open(bool kernel_faults);
/* UFFDIO_API on a new userfaultfd, asking for UFFD_FEATURE_POISON when
 * the kernel offers it. 0 or -errno. */
int wsbx_uffd_api(int uffd);
/* Registers [addr, addr + len) (page-aligned, anonymous private memory)
 * for MISSING faults. 0 or -errno. */
int wsbx_uffd_register(int uffd, void *addr, size_t len);

typedef struct wsbx_uffd_server wsbx_uffd_server;
typedef struct wsbx_uffd_stats {
        uint64_t faults;       /* fault messages read */
        uint64_t copied_pages; /* answered with UFFDIO_COPY */
        uint64_t zero_pages;   /* answered with UFFDIO_ZEROPAGE */
        uint64_t failures;     /* faults that could not be served */
        uint64_t poisoned_pages; /* past a quota: answered with UFFDIO_POISON */
} wsbx_uffd_stats;

/* Starts a thread serving uffd's faults in [base, base + len): page i
 * gets source bytes [i*page, (i+1)*page) (src and src_len borrowed, must
 * outlive the server; zero past src_len; all-zero pages as zero pages).
 * A fault that cannot be served calls on_fail(ctx) and ends the server;
 * on_fail NULL kills the process with SIGKILL, so a faulting thread is
 * never left hanging nor handed a wrong page. uffd stays the caller's.
 * Returns 0 with *out (free with wsbx_uffd_server_stop) or -errno. */
int wsbx_uffd_server_start(int uffd, void *base, size_t len, const void *src, size_t src_len,
                           void (*on_fail)(void *ctx), void *ctx, wsbx_uffd_server **out);
void wsbx_uffd_server_stats(const wsbx_uffd_server *s, wsbx_uffd_stats *out);
/* Adds [base, base + len) (an address in the faulting process, page
 * aligned) served from src as above; src borrowed as for start. 0,
 * -EINVAL, -EEXIST (overlaps a served range) or -ENOMEM. */
int wsbx_uffd_server_add(wsbx_uffd_server *s, uint64_t base, size_t len, const void *src, size_t src_len);
/* A page budget for the ranges added with it (wsbx_uffd_server_add_quota):
 * once `pages` of their pages have been served, each further first touch
 * is answered with UFFDIO_POISON, so the access raises SIGBUS
 * (BUS_MCEERR_AR), which trap.c turns into WSBX_TRAP_MEMORY_QUOTA, and a
 * system call touching the page fails with EFAULT. On a uffd without the
 * poison feature such a fault is a failure (on_fail: the worker is
 * killed). Returns the budget's id (>= 0) or -ENOMEM. */
int wsbx_uffd_server_quota(wsbx_uffd_server *s, uint64_t pages);
/* wsbx_uffd_server_add, with the range counted against budget `quota`. */
int wsbx_uffd_server_add_quota(wsbx_uffd_server *s, uint64_t base, size_t len, const void *src, size_t src_len,
                               int quota);
/* A fault not answered within ns of its arrival (0: no limit) is a
 * failure (-ETIMEDOUT): on_fail runs and the server ends. */
void wsbx_uffd_server_set_timeout(wsbx_uffd_server *s, uint64_t ns);
/* Tests: wait ns before answering each fault (a slow server). */
void wsbx_uffd_server_set_delay(wsbx_uffd_server *s, uint64_t ns);
/* -errno of the fault that ended the server (-ETIMEDOUT, -EFAULT outside
 * every range, an ioctl's error), 0 while none did. */
int wsbx_uffd_server_failure(const wsbx_uffd_server *s);
/* Stops and joins the thread and frees the server. NULL is a no-op. */
void wsbx_uffd_server_stop(wsbx_uffd_server *s);

#endif
