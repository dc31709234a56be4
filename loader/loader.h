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

/* ------------------------------------------------------------------------ */
/* artifact.c - reading and verifying artifacts                             */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* memory.c, stack.c, trap.c - linear memory, guest stacks, traps           */
/* ------------------------------------------------------------------------ */

#endif
