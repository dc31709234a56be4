// kernels.mjs - run time of the compute kernels on V8, for comparison with
// bench_kernels.c: same kernels (the binaries bench_kernels --emit-wasm
// wrote), same method (bench.mjs), same output.
//
// V8 runs with its default tiers: Liftoff first, TurboFan for functions
// that run hot. Each kernel is instantiated once and `setup` called; the
// first `run` gives the checksum; then `run` is called for --warmup-ms
// milliseconds (at least 5 calls) so the hot code has tiered up before
// anything is timed, and V8 is measured at its best. Every result is
// checked against the checksum.
//
// Usage: node bench/kernels.mjs [--runs N] [--min-ms MS] [--warmup-ms MS] FILE.wasm...
// Prints, tab-separated, per kernel:
//   NAME  CHECKSUM  MEDIAN-MS-PER-RUN  FASTEST-MS  SLOWEST-MS
// or `NAME  error  MESSAGE`.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { measure, nowMs, parseArgs } from './bench.mjs';

const { opts, names } = parseArgs(
  'usage: node kernels.mjs [--runs N] [--min-ms MS] [--warmup-ms MS] FILE.wasm...\n',
  { 'warmup-ms': 1000 });
if (!process.argv.includes('--min-ms')) opts.minMs = 200;
const warmupMs = Number(opts['warmup-ms']);

// Milliseconds for `iters` calls, or -1 when a result differs.
function timeRuns(run, checksum, iters) {
  const t0 = nowMs();
  for (let i = 0; i < iters; i++) {
    if (run() >>> 0 !== checksum) return -1;
  }
  return nowMs() - t0;
}

let status = 0;
for (const path of names) {
  const name = basename(path).replace(/\.[^.]*$/, '');
  let run, checksum;
  try {
    const module = new WebAssembly.Module(readFileSync(path));
    const { exports } = new WebAssembly.Instance(module, {});
    if (typeof exports.run !== 'function') throw new Error('no function export run');
    if (typeof exports.setup === 'function') exports.setup();
    run = exports.run;
    checksum = run() >>> 0;
    const t0 = nowMs();
    for (let n = 1; n < 5 || nowMs() - t0 < warmupMs; n++) {
      const got = run() >>> 0;
      if (got !== checksum) throw new Error(`run returned ${checksum}, then ${got}`);
    }
  } catch (e) {
    console.log(`${name}\terror\t${e.message}`);
    status = 1;
    continue;
  }
  const r = measure((n) => timeRuns(run, checksum, n), opts.runs, opts.minMs);
  if (!r) {
    console.log(`${name}\terror\trun returned another checksum while timing`);
    status = 1;
    continue;
  }
  console.log(`${name}\t${checksum}\t${r.ms.toFixed(6)}\t${r.per[0].toFixed(6)}\t${r.per[r.per.length - 1].toFixed(6)}`);
}
process.exit(status);
