/* wasi.h - wasi_snapshot_preview1 inside the worker: the one interface
 * header of wasi/.
 *
 * The configuration a guest program starts with. The supervisor fills it
 * (the session carries it to the worker at spawn, with the descriptors
 * renumbered to what the worker inherited); the WASI host module in the
 * worker's store reads it. Everything in it is borrowed by whoever it is
 * handed to, for as long as the session (or worker) lives.
 */
#ifndef WSBX_WASI_H
#define WSBX_WASI_H

#include <stddef.h>
#include <stdint.h>

typedef struct wsbx_wasi_preopen {
        int fd;                 /* host directory descriptor (borrowed; O_PATH or O_DIRECTORY) */
        const char *guest_path; /* the name the guest sees: ".", "/data", ... */
} wsbx_wasi_preopen;

typedef struct wsbx_wasi_config {
        const char *const *argv; uint32_t argc;   /* argv[0] is the program name */
        const char *const *envp; uint32_t envc;   /* "KEY=VALUE" strings */
        int stdio[3];                             /* host fds for guest fds 0,1,2 (borrowed) */
        const wsbx_wasi_preopen *preopens;        /* guest fds 3, 4, ... in this order */
        uint32_t npreopens;
        /* Listening sockets (borrowed) the guest may sock_accept on: guest
         * fds after the preopens, in this order (wasmtime's --tcplisten). */
        const int *sockets;
        uint32_t nsockets;
} wsbx_wasi_config;

/* The WASI host state for one guest program: a descriptor table (guest
 * fds 0-2 are cfg->stdio, then the preopens in order), copies of argv and
 * envp, and the exit code once the guest called proc_exit. */
typedef struct wsbx_wasi wsbx_wasi;
struct wsbx_store;
struct wsbx_funcref;

/* Makes the state from cfg, copying the strings; the descriptors stay
 * borrowed (the caller keeps them open while *out lives and closes them
 * after wsbx_wasi_delete). Returns 0, -EINVAL (a bad config) or -ENOMEM. */
int wsbx_wasi_new(const wsbx_wasi_config *cfg, wsbx_wasi **out);
/* Frees w (NULL is fine); descriptors the guest opened are closed. */
void wsbx_wasi_delete(wsbx_wasi *w);

/* The host function implementing wasi_snapshot_preview1.NAME (len bytes,
 * not NUL-terminated), created in store s on first use with w as its
 * context; *out is owned by the store, which must not outlive w. Returns
 * 0, -ENOENT (no such function) or -ENOMEM. */
int wsbx_wasi_func(wsbx_wasi *w, struct wsbx_store *s, const char *name, size_t len,
                   const struct wsbx_funcref **out);

/* After a guest call trapped with WSBX_TRAP_HOST: true when the trap was
 * proc_exit, with *code its exit code. */
int wsbx_wasi_exited(const wsbx_wasi *w, int *code);

#endif
