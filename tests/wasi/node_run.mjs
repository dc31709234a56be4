// node_run.mjs FILE [ARGS...] - runs a wasm32-wasi program under Node's
// node:wasi with the current folder preopened as ".", as tests/wasi/run.sh
// runs it under wsbx; the exit status is the program's.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({
        version: 'preview1',
        args: [file, ...args],
        env: { WASI_KEEP_GOING: '1' },
        preopens: { '.': process.cwd() },
        returnOnExit: true,
});
const mod = await WebAssembly.compile(await readFile(file));
const inst = await WebAssembly.instantiate(mod, wasi.getImportObject());
process.exitCode = wasi.start(inst);
