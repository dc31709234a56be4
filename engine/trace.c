/* trace.c - WSBX_TRACE: timestamps of the steps of a run, on stderr.
 *
 * With WSBX_TRACE set in the environment (any value), wsbx_trace prints
 * one line per step, "wsbx: trace: 12.345 ms  STEP", the time since the
 * first trace call of the process (the CLI makes that at the top of
 * main). Steps measured in another process (a worker's setup) are
 * printed by the supervisor with wsbx_trace_at and that process's
 * CLOCK_MONOTONIC time, which is the same clock. Off, a call costs one
 * load and a branch. For people measuring startup (bench/coldstart.sh
 * prints the breakdown); nothing depends on its output.
 */
#include "engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* -1: not looked at yet; 0 off; 1 on. */
static int trace_state = -1;
static uint64_t trace_origin;

uint64_t wsbx_trace_clock(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool wsbx_trace_on(void)
{
        if (trace_state < 0) {
                trace_state = getenv("WSBX_TRACE") != NULL;
                trace_origin = wsbx_trace_clock();
        }
        return trace_state == 1;
}

static void vtrace(uint64_t at, const char *fmt, va_list ap)
{
        char what[160];
        vsnprintf(what, sizeof what, fmt, ap);
        double ms = at >= trace_origin ? (double)(at - trace_origin) / 1e6 : -(double)(trace_origin - at) / 1e6;
        fprintf(stderr, "wsbx: trace: %9.3f ms  %s\n", ms, what);
}

void wsbx_trace(const char *fmt, ...)
{
        if (!wsbx_trace_on())
                return;
        va_list ap;
        va_start(ap, fmt);
        vtrace(wsbx_trace_clock(), fmt, ap);
        va_end(ap);
}

void wsbx_trace_at(uint64_t at, const char *fmt, ...)
{
        if (!wsbx_trace_on() || !at)
                return;
        va_list ap;
        va_start(ap, fmt);
        vtrace(at, fmt, ap);
        va_end(ap);
}
