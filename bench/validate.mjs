// validate.mjs - V8's decode+validate throughput, for comparison with
// bench_validate.c: same method, same output.
//
// Times WebAssembly.validate only. `new WebAssembly.Module` would also
// compile (V8 starts Liftoff on every function), which is not the work
// wsbx_module_decode does; validate decodes and validates every function
// body and stops there.
//
// For each file: validate once (a module V8 rejects is reported), then
// `--runs` timed runs of as many calls as fit in `--min-ms` milliseconds
// (count fixed by calibration), and print the median, as
//   FILE  SIZE-BYTES  MEDIAN-MB/S  MEDIAN-MS-PER-VALIDATE
// tab-separated (MB = 10^6 bytes), or `FILE  SIZE  error  MESSAGE`.
//
// Usage: node bench/validate.mjs [--runs N] [--min-ms MS] FILE...
import { readFileSync } from 'node:fs';
import { measure, nowMs, parseArgs } from './bench.mjs';

const { opts, names: files } = parseArgs('usage: node validate.mjs [--runs N] [--min-ms MS] FILE...\n');

// Returns milliseconds for `iters` validations, or -1 if one said false.
function timeValidates(bytes, iters) {
  const t0 = nowMs();
  for (let i = 0; i < iters; i++) {
    if (!WebAssembly.validate(bytes)) return -1;
  }
  return nowMs() - t0;
}

let status = 0;
for (const path of files) {
  let bytes;
  try {
    // A copy with its own ArrayBuffer: Node pools small file buffers.
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    console.log(`${path}\t0\terror\t${e.message}`);
    status = 1;
    continue;
  }
  if (!WebAssembly.validate(bytes)) {
    let why = 'invalid';
    try { new WebAssembly.Module(bytes); } catch (e) { why = e.message; }
    console.log(`${path}\t${bytes.length}\terror\t${why}`);
    status = 1;
    continue;
  }

  const r = measure((n) => timeValidates(bytes, n), opts.runs, opts.minMs);
  if (!r || !(r.ms > 0)) {
    console.log(`${path}\t${bytes.length}\terror\tvalidate failed while timing`);
    status = 1;
    continue;
  }
  const med = bytes.length / (r.ms * 1e3);
  console.log(`${path}\t${bytes.length}\t${med.toFixed(2)}\t${(bytes.length / (med * 1e3)).toFixed(4)}`);
}
process.exit(status);
