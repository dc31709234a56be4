// sightglass_node.mjs FILE.wasm RUNS - runs a Sightglass-protocol program on
// V8 (node:wasi, preview1) in the current folder preopened as ".", with a
// `bench` import whose start/end take process.hrtime.bigint() stamps, RUNS
// times (fresh instance each; compiled once). The program's stdout/stderr
// pass through; the last line on stderr is JSON: {"median_ns": N, "samples_ns": [...]}.
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";

const [file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 10);
const mod = await WebAssembly.compile(readFileSync(file));
const samples = [];
for (let r = 0; r < runs; r++) {
  const wasi = new WASI({ version: "preview1", args: [file], env: {}, preopens: { ".": "." }, returnOnExit: true });
  let t0 = 0n, t1 = 0n;
  const bench = { start() { t0 = process.hrtime.bigint(); }, end() { t1 = process.hrtime.bigint(); } };
  const inst = await WebAssembly.instantiate(mod, { wasi_snapshot_preview1: wasi.wasiImport, bench });
  const code = wasi.start(inst);
  if (code !== 0 && code !== undefined) {
    process.stderr.write(`node: ${file}: exit code ${code}\n`);
    process.exit(1);
  }
  samples.push(Number(t1 - t0));
}
samples.sort((a, b) => a - b);
const n = samples.length;
const median = n % 2 ? samples[(n - 1) / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
process.stderr.write(JSON.stringify({ median_ns: median, samples_ns: samples }) + "\n");
