/* bench_util.h - what the benchmark programs share: a clock, reading a
 * whole file, and the house method of timing (calibrate a repeat count so
 * one run lasts at least a minimum time, then take the median of several
 * runs). bench/README.md explains why medians.
 */
#ifndef WSBX_BENCH_UTIL_H
#define WSBX_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic time in milliseconds, and in nanoseconds (for latencies
 * collected one by one). */
double bench_now_ms(void);
uint64_t bench_now_ns(void);

/* Sorts t[0..n) ascending (latency samples, before reading percentiles). */
void bench_sort_u64(uint64_t *t, size_t n);

/* Reads a whole file (at most 256 MiB) into a new malloc'ed buffer the
 * caller frees. Returns 0 or -errno. */
int bench_read_file(const char *path, uint8_t **out, size_t *len);

/* Sorts v[0..n) and returns its median (n > 0). */
double bench_median(double *v, unsigned n);

/* Does `iters` repetitions of the work being measured and returns the
 * milliseconds they took, or a negative value when the work failed. */
typedef double (*bench_timed_fn)(void *ctx, unsigned long iters);

/* The house method: double the repeat count until one batch takes a tenth
 * of min_ms, scale it to min_ms, then time `runs` batches of that count
 * (rescaled and timed again when the median batch took under half of
 * min_ms: the calibration met a slow spell). Stores the count in *iters
 * and each batch's milliseconds per repetition in ms_per_iter[0..runs)
 * (sorted), and returns the median of those, or a negative value when fn
 * failed. */
double bench_measure(bench_timed_fn fn, void *ctx, unsigned runs, double min_ms, unsigned long *iters,
                     double *ms_per_iter);

#endif
