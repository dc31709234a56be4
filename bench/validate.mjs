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

function usage() {
  process.stderr.write('usage: node validate.mjs [--runs N] [--min-ms MS] FILE...\n');
  process.exit(2);
}

let runs = 7;
let minMs = 50;
const files = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs' && i + 1 < args.length) runs = Number(args[++i]);
  else if (args[i] === '--min-ms' && i + 1 < args.length) minMs = Number(args[++i]);
  else if (args[i].startsWith('-')) usage();
  else files.push(args[i]);
}
if (files.length === 0 || !(runs > 0) || !(minMs > 0)) usage();

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

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

  let iters = 1;
  let t;
  while ((t = timeValidates(bytes, iters)) >= 0 && t < minMs / 10 && iters < 2 ** 30) iters *= 2;
  if (t > 0) iters = Math.floor(iters * minMs / t) + 1;

  const mbps = [];
  for (let k = 0; k < runs && t >= 0; k++) {
    t = timeValidates(bytes, iters);
    if (t > 0) mbps.push(bytes.length * iters / (t * 1e3));
  }
  if (mbps.length !== runs) {
    console.log(`${path}\t${bytes.length}\terror\tvalidate failed while timing`);
    status = 1;
    continue;
  }
  mbps.sort((a, b) => a - b);
  const med = runs % 2 ? mbps[(runs - 1) / 2] : (mbps[runs / 2 - 1] + mbps[runs / 2]) / 2;
  console.log(`${path}\t${bytes.length}\t${med.toFixed(2)}\t${(bytes.length / (med * 1e3)).toFixed(4)}`);
}
process.exit(status);
