// compile.mjs - V8's compile throughput, for comparison with
// bench_compile.c: same method (bench.mjs), same units.
//
// Run it under the baseline compiler only, compiling everything up front,
// with V8's cache of compiled modules off (it would hand back the previous
// compile of the same bytes):
//   node --liftoff-only --no-wasm-lazy-compilation \
//        --no-wasm-native-module-cache-enabled bench/compile.mjs FILE...
// One repetition is `new WebAssembly.Module(bytes)`: decode, validate and
// compile every function with Liftoff. It returns when the whole module
// is compiled; V8 compiles on the calling thread and, in parallel, on its
// background workers (--wasm-num-compilation-tasks=0 keeps it to the
// calling thread), so this is the wall time of the whole compile.
//
// Prints, tab-separated, per file:
//   FILE  SIZE-BYTES  MEDIAN-MB/S  MEDIAN-MS-PER-COMPILE
// or `FILE  SIZE  error  MESSAGE`. MB are 10^6 bytes of module.
import { readFileSync } from 'node:fs';
import { measure, nowMs, parseArgs } from './bench.mjs';

const { opts, names } = parseArgs('usage: node compile.mjs [--runs N] [--min-ms MS] FILE...\n');

function timeCompiles(bytes, iters) {
  const t0 = nowMs();
  for (let i = 0; i < iters; i++) {
    try {
      new WebAssembly.Module(bytes);
    } catch {
      return -1;
    }
  }
  return nowMs() - t0;
}

let status = 0;
for (const path of names) {
  let bytes;
  try {
    // A copy with its own ArrayBuffer: Node pools small file buffers.
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    console.log(`${path}\t0\terror\t${e.message}`);
    status = 1;
    continue;
  }
  try {
    new WebAssembly.Module(bytes);
  } catch (e) {
    console.log(`${path}\t${bytes.length}\terror\t${e.message}`);
    status = 1;
    continue;
  }
  // Collect what the check left behind between files, outside the timing.
  if (globalThis.gc) globalThis.gc();
  const r = measure((n) => timeCompiles(bytes, n), opts.runs, opts.minMs);
  if (!r) {
    console.log(`${path}\t${bytes.length}\terror\tcompile failed while timing`);
    status = 1;
    continue;
  }
  console.log(`${path}\t${bytes.length}\t${(bytes.length / (r.ms * 1e3)).toFixed(2)}\t${r.ms.toFixed(4)}`);
}
process.exit(status);
