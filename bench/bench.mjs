// bench.mjs - what the Node.js benchmark scripts share: the clock and the
// house method of timing, the same as bench_util.c on the wsbx side.
//
// measure(fn, runs, minMs): fn(iters) does `iters` repetitions of the work
// and returns the milliseconds they took (negative: the work failed).
// Double the count until one batch takes a tenth of minMs, scale it to
// minMs, then time `runs` batches of that count (rescaled and timed again
// when the median batch took under half of minMs). Returns { iters, ms, per }:
// the median milliseconds per repetition and every batch's (sorted), or
// null when fn failed.
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export function median(v) {
  v.sort((a, b) => a - b);
  const n = v.length;
  return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

export function measure(fn, runs, minMs) {
  let iters = 1;
  let t;
  while ((t = fn(iters)) >= 0 && t < minMs / 10 && iters < 2 ** 30) iters *= 2;
  if (t < 0) return null;
  // A zero reading (a coarse clock) keeps the doubled count.
  if (t > 0) iters = Math.floor(iters * minMs / t) + 1;
  // A slow calibration batch leaves the count too small: rescale from
  // the median of the runs and time them again (as bench_util.c).
  let per, ms;
  for (let again = 0; again < 3; again++) {
    per = [];
    for (let k = 0; k < runs; k++) {
      t = fn(iters);
      if (t < 0) return null;
      per.push(t / iters);
    }
    ms = median(per);
    if (ms * iters >= minMs / 2 || !(ms > 0) || iters >= 2 ** 30) break;
    iters = Math.min(Math.floor(minMs / ms) + 1, 16 * iters); // the slow spell may come back
  }
  return { iters, ms, per };
}

// Parses `--runs N --min-ms MS` and the names after them; `extra` maps
// further options taking one value to their defaults.
export function parseArgs(usage, extra = {}) {
  const opts = { runs: 7, minMs: 50, ...extra };
  const names = [];
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--runs' && i + 1 < args.length) opts.runs = Number(args[++i]);
    else if (a === '--min-ms' && i + 1 < args.length) opts.minMs = Number(args[++i]);
    else if (a.startsWith('--') && a.slice(2) in extra && i + 1 < args.length) opts[a.slice(2)] = args[++i];
    else if (a.startsWith('-')) { process.stderr.write(usage); process.exit(2); }
    else names.push(a);
  }
  if (names.length === 0 || !(opts.runs > 0) || !(opts.minMs > 0)) {
    process.stderr.write(usage);
    process.exit(2);
  }
  return { opts, names };
}
