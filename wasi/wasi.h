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
} wsbx_wasi_config;

#endif
