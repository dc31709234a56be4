// driver.js - differential test of wsbx against V8 on binaryen fuzz modules.
//
//   node driver.js --wsbx PATH [--seed N] [--count N] [--time-limit SEC]
//                  [--batch N] [--only INDEX] [--failures DIR] [--keep]
//
// Module i of seed s is `wasm-opt -ttf --denan` applied to a few KB of
// bytes from a PRNG seeded with (s, i), so any module can be rebuilt from
// its two numbers (--only i). Work goes in batches: wasm-opt once per
// module, then one node process (v8run.js) runs the whole batch on V8, the
// driver writes one .wast script per module from V8's record, and one
// `wsbx wast` process runs all the batch's scripts. Modules V8 rejects go
// to one `wsbx validate` instead: wsbx must reject them too.
//
// Feature set: the Wasm 2.0 proposals binaryen knows (sign-ext,
// nontrapping float-to-int, multivalue, bulk memory, SIMD) always, and
// reference types for one module in three. Binaryen 108 (Debian 12) builds
// reference-typed modules against the pre-standard proposal (anyref above
// funcref, non-nullable ref types), so most of those are invalid Wasm 2.0:
// they test the validators, not the compilers, and are counted apart.
//
// What counts as a disagreement (exit status 1): wsbx rejecting a module V8
// accepts or the reverse; a different result, log hash or trap message; a
// return where V8 trapped or the reverse; a crash or a hang of wsbx. V8
// reports some traps under one message where the spec has two (see
// TRAPS); either spec message is accepted there. Exhausting the stack on
// exactly one side is an "exhaustion mismatch", counted but not a failure
// (implementations may choose their depth limits), and nothing after it
// in that module is compared. Each disagreement leaves a folder under
// --failures with the module, its script, V8's record and the commands to
// reproduce it.
//
// Exit status: 0 no disagreement, 1 disagreements, 2 usage or setup error,
// 77 nothing could be compared (wsbx cannot execute modules yet).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const HERE = __dirname;

const FEATURES = [
        '--enable-sign-ext',
        '--enable-nontrapping-float-to-int',
        '--enable-multivalue',
        '--enable-bulk-memory',
        '--enable-simd',
];
const REFTYPES = '--enable-reference-types';

// V8's trap messages and the spec's (the reference interpreter's, which
// .wast scripts match by prefix). V8 merges a few cases the spec keeps
// apart; for those any of the listed messages is right.
const TRAPS = {
        'divide by zero': ['integer divide by zero'],
        'remainder by zero': ['integer divide by zero'],
        'divide result unrepresentable': ['integer overflow'],
        'unreachable': ['unreachable'],
        'memory access out of bounds': ['out of bounds memory access'],
        // trunc of a NaN (invalid conversion) or of a value out of range
        // (overflow): conversions.wast has both
        'float unrepresentable in integer range': ['integer overflow', 'invalid conversion to integer'],
        // call_indirect past the table's end, or table.get/set/fill/copy/init
        'table index is out of bounds': ['undefined element', 'out of bounds table access'],
        // call_indirect to a null entry, or to a function of another type
        'null function or function signature mismatch': ['uninitialized element', 'indirect call type mismatch'],
};

function usage(msg) {
        process.stderr.write('difftest: ' + msg + '\n' +
                'usage: node driver.js --wsbx PATH [--seed N] [--count N] [--time-limit SEC]\n' +
                '                      [--batch N] [--only INDEX] [--failures DIR] [--keep]\n');
        process.exit(2);
}

function parseArgs(argv) {
        const o = { seed: 1, count: 150, timeLimit: 0, batch: 25, only: -1, keep: false,
                    failures: path.join(HERE, 'failures'), wsbx: null };
        for (let i = 0; i < argv.length; i++) {
                const a = argv[i];
                const val = () => {
                        if (i + 1 >= argv.length)
                                usage(a + ' needs a value');
                        return argv[++i];
                };
                const num = () => {
                        const v = val();
                        if (!/^\d+$/.test(v))
                                usage(a + ' needs a number, not ' + v);
                        return Number(v);
                };
                if (a === '--wsbx') o.wsbx = val();
                else if (a === '--seed') o.seed = num();
                else if (a === '--count') o.count = num();
                else if (a === '--time-limit') o.timeLimit = num();
                else if (a === '--batch') o.batch = Math.max(1, num());
                else if (a === '--only') o.only = num();
                else if (a === '--failures') o.failures = path.resolve(val());
                else if (a === '--keep') o.keep = true;
                else usage('unknown option ' + a);
        }
        if (!o.wsbx)
                usage('--wsbx is required');
        o.wsbx = path.resolve(o.wsbx);
        return o;
}

// ---------------------------------------------------------------------------
// Generation

// mulberry32: small, fast and good enough to feed wasm-opt's byte reader.
function prng(seed) {
        let a = seed >>> 0;
        return () => {
                a = (a + 0x6d2b79f5) >>> 0;
                let t = a;
                t = Math.imul(t ^ (t >>> 15), t | 1);
                t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
                return ((t ^ (t >>> 14)) >>> 0);
        };
}

function moduleSeed(seed, index) {
        let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
        h ^= h >>> 16;
        return Math.imul(h, 0x27d4eb2f) >>> 0;
}

// Writes module `index`'s input bytes and runs wasm-opt on them.
function generate(o, work, index) {
        const next = prng(moduleSeed(o.seed, index));
        const size = 1024 + (next() % 7168);
        const bytes = Buffer.alloc(size);
        for (let k = 0; k < size; k += 4)
                bytes.writeUInt32LE(next(), Math.min(k, size - 4));
        const refs = next() % 3 === 0;
        const m = { index, refs, id: 's' + o.seed + '-m' + index };
        m.input = path.join(work, m.id + '.bin');
        m.path = path.join(work, m.id + '.wasm');
        fs.writeFileSync(m.input, bytes);
        const flags = refs ? FEATURES.concat([REFTYPES]) : FEATURES;
        const r = spawnSync('wasm-opt', [m.input, '-ttf', '--denan', ...flags, '-o', m.path],
                            { encoding: 'utf8', timeout: 60000 });
        m.ok = r.status === 0 && fs.existsSync(m.path);
        m.genCommand = 'wasm-opt INPUT -ttf --denan ' + flags.join(' ') + ' -o OUT';
        return m;
}

// ---------------------------------------------------------------------------
// Scripts

function binaryString(bytes) {
        let s = '';
        for (const b of bytes)
                s += '\\' + b.toString(16).padStart(2, '0');
        return '"' + s + '"';
}

// Turns V8's record of module `m` into a .wast script. Returns the text
// and a map from line number to what the command on that line checks.
function writeScript(m, rec, helperBytes) {
        const lines = [];
        const what = new Map();
        const add = (text, info) => {
                lines.push(text);
                what.set(lines.length, info);
        };
        const modText = binaryString(fs.readFileSync(m.path));
        add(';; difftest ' + m.id + (m.refs ? ' (reference types)' : ''), { kind: 'comment' });
        add('(module $fs binary ' + binaryString(helperBytes) + ')', { kind: 'helper' });
        add('(register "fuzzing-support" $fs)', { kind: 'helper' });
        if (rec.status === 'instantiate-trap') {
                const alts = TRAPS[rec.trap] || [];
                add('(assert_trap (module binary ' + modText + ') "' + (alts[0] || '') + '")',
                    { kind: 'trap', alts, v8: rec.trap });
                return { text: lines.join('\n') + '\n', what };
        }
        add('(module $m binary ' + modText + ')', { kind: 'module' });
        rec.calls.forEach((c, ci) => {
                const inv = '(invoke $m "' + c.fn + '"' + c.args.map((a) => ' ' + a).join('') + ')';
                if (c.outcome === 'error')
                        return;
                if (c.init)
                        add('(invoke $m "hangLimitInitializer")', { kind: 'init', call: ci });
                if (c.outcome === 'return') {
                        add('(assert_return ' + inv + c.results.map((r) => ' ' + r).join('') + ')',
                            { kind: 'return', call: ci, fn: c.fn });
                } else if (c.outcome === 'trap') {
                        const alts = TRAPS[c.trap] || [];
                        add('(assert_trap ' + inv + ' "' + (alts[0] || '') + '")',
                            { kind: 'trap', call: ci, alts, v8: c.trap, fn: c.fn });
                } else if (c.outcome === 'exhaustion') {
                        add('(assert_exhaustion ' + inv + ' "call stack exhausted")',
                            { kind: 'exhaustion', call: ci, fn: c.fn });
                        return;
                }
                add('(assert_return (invoke $fs "hash") (i64.const ' + c.hash + '))',
                    { kind: 'hash', call: ci, fn: c.fn });
        });
        return { text: lines.join('\n') + '\n', what };
}

// ---------------------------------------------------------------------------
// Running wsbx

const SUMMARY = /^(.*): (\d+) passed, (\d+) failed, (\d+) skipped$/;
const FAILURE = /^(.*?\.wast):(\d+): ([a-z_ ]+): (.*)$/;

function runWast(o, files, timeout) {
        const r = spawnSync(o.wsbx, ['wast', '--', ...files],
                            { encoding: 'utf8', timeout, maxBuffer: 1 << 28 });
        const out = { summary: new Map(), failures: new Map(), signal: r.signal, status: r.status,
                      timedOut: r.error && r.error.code === 'ETIMEDOUT' };
        for (const line of (r.stdout || '').split('\n')) {
                const s = SUMMARY.exec(line);
                if (s && files.includes(s[1]))
                        out.summary.set(s[1], { passed: +s[2], failed: +s[3], skipped: +s[4] });
        }
        for (const line of (r.stderr || '').split('\n')) {
                const f = FAILURE.exec(line);
                if (!f)
                        continue;
                if (!out.failures.has(f[1]))
                        out.failures.set(f[1], []);
                out.failures.get(f[1]).push({ line: +f[2], cmd: f[3], detail: f[4], text: line });
        }
        return out;
}

// The message wsbx reported in a failure line, if it names one.
function gotMessage(detail) {
        const g = /got "(.*)"$/.exec(detail);
        return g ? g[1] : null;
}

function isExhaustionMsg(msg) {
        return msg !== null && /exhaust|stack overflow/i.test(msg);
}

// Compares one script's outcome on wsbx with V8's record. Fills `res`.
function classify(script, summary, failures, res) {
        const lines = script.what;
        const sorted = failures.slice().sort((a, b) => a.line - b.line);
        let cut = Infinity;
        for (const f of sorted) {
                if (f.line > cut)
                        break;
                const info = lines.get(f.line) || { kind: 'unknown' };
                const got = gotMessage(f.detail);
                if (info.kind === 'exhaustion') {
                        res.exhaustionMismatch.push(f.text);
                        cut = f.line;
                } else if (isExhaustionMsg(got) && info.kind !== 'helper' && info.kind !== 'module') {
                        res.exhaustionMismatch.push(f.text);
                        cut = f.line;
                } else if (info.kind === 'trap' && got !== null &&
                           info.alts.some((a) => got.startsWith(a)) && info.alts.length > 1) {
                        // The other spec message for a trap V8 reports ambiguously.
                        continue;
                } else {
                        res.disagreements.push(f.text +
                                (info.v8 !== undefined ? ' [V8: "' + info.v8 + '"]' : ''));
                }
        }
        // Commands before the cut that did not fail passed.
        const failed = new Set(sorted.map((f) => f.line));
        for (const [line, info] of lines) {
                if (line >= cut || failed.has(line))
                        continue;
                if (info.kind === 'return')
                        res.returned++;
                else if (info.kind === 'trap')
                        res.traps++;
                else if (info.kind === 'exhaustion')
                        res.exhausted++;
        }
        res.skipped = summary.skipped;
}

// The line of the command during which wsbx dies or hangs on script `s`:
// the shortest prefix of the script that still does, found by bisection.
function firstBadLine(o, s) {
        const lines = s.text.split('\n');
        const file = s.file.replace(/\.wast$/, '.prefix.wast');
        const bad = (n) => {
                fs.writeFileSync(file, lines.slice(0, n).join('\n') + '\n');
                const r = runWast(o, [file], 30000);
                return !r.summary.has(file);
        };
        let lo = 1, hi = lines.length;
        if (!bad(hi))
                return 0;
        while (lo < hi) {
                const mid = (lo + hi) >> 1;
                if (bad(mid))
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return lo;
}

// ---------------------------------------------------------------------------

function saveFailure(o, m, rec, scriptText, helperBytes, problems) {
        const dir = path.join(o.failures, m.id);
        fs.mkdirSync(dir, { recursive: true });
        fs.copyFileSync(m.path, path.join(dir, 'module.wasm'));
        fs.copyFileSync(m.input, path.join(dir, 'input.bin'));
        fs.writeFileSync(path.join(dir, 'helper.wasm'), helperBytes);
        if (scriptText)
                fs.writeFileSync(path.join(dir, 'test.wast'), scriptText);
        fs.writeFileSync(path.join(dir, 'v8.json'), JSON.stringify(rec, null, 1) + '\n');
        const repro = scriptText
                ? o.wsbx + ' wast ' + path.join(dir, 'test.wast')
                : o.wsbx + ' validate ' + path.join(dir, 'module.wasm');
        fs.writeFileSync(path.join(dir, 'README'),
                'difftest disagreement, seed ' + o.seed + ', module ' + m.index + '\n' +
                'generated by: ' + m.genCommand + '\n\n' +
                problems.join('\n') + '\n\n' +
                'reproduce:     ' + repro + '\n' +
                'V8 side:       node ' + path.join(HERE, 'v8run.js') + ' ' + path.join(dir, 'helper.wasm') + ' ' +
                path.join(dir, 'module.wasm') + '\n' +
                'whole run:     node ' + path.join(HERE, 'driver.js') + ' --wsbx ' + o.wsbx +
                ' --seed ' + o.seed + ' --only ' + m.index + '\n');
        return repro;
}

function main() {
        const o = parseArgs(process.argv.slice(2));
        if (!fs.existsSync(o.wsbx))
                usage('no wsbx at ' + o.wsbx);
        const start = Date.now();
        const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbx-difftest-'));
        const helperPath = path.join(work, 'helper.wasm');
        const h = spawnSync('wasm-opt', [path.join(HERE, 'log-helper.wat'), '--enable-simd', '-o', helperPath],
                            { encoding: 'utf8' });
        if (h.status !== 0) {
                process.stderr.write('difftest: cannot assemble log-helper.wat:\n' + h.stderr);
                process.exit(2);
        }
        const helperBytes = fs.readFileSync(helperPath);

        const t = { generated: 0, genFailed: 0, v8Invalid: 0, bothRejected: 0, unsupported: 0,
                    instTrap: 0, run: 0, withReturn: 0, returned: 0, traps: 0, exhausted: 0,
                    skippedCalls: 0, notExecuted: 0, exhaustionMismatch: 0, disagreeModules: 0,
                    disagreements: 0, v8Problems: 0, refsRun: 0 };
        // What V8 did, whatever wsbx can do: calls by outcome, traps by message.
        const v8 = { return: 0, exhaustion: 0, error: 0, traps: new Map() };
        const indices = o.only >= 0 ? [o.only] : [...Array(o.count).keys()];
        const report = [];
        let timeUp = false;

        for (let b = 0; b < indices.length && !timeUp; b += o.batch) {
                const mods = [];
                for (const index of indices.slice(b, b + o.batch)) {
                        if (o.timeLimit && (Date.now() - start) / 1000 > o.timeLimit) {
                                timeUp = true;
                                break;
                        }
                        const m = generate(o, work, index);
                        t.generated++;
                        if (m.ok)
                                mods.push(m);
                        else
                                t.genFailed++;
                }
                if (mods.length === 0)
                        continue;

                // V8, one process for the batch.
                const listPath = path.join(work, 'batch.json');
                fs.writeFileSync(listPath, JSON.stringify(mods.map((m) => ({ id: m.id, path: m.path }))));
                const v = spawnSync(process.execPath, [path.join(HERE, 'v8run.js'), helperPath, listPath],
                                    { encoding: 'utf8', timeout: 600000, maxBuffer: 1 << 28 });
                const recs = new Map();
                for (const line of (v.stdout || '').split('\n'))
                        if (line.startsWith('{')) {
                                const r = JSON.parse(line);
                                recs.set(r.id, r);
                        }

                const invalid = [], scripts = [];
                for (const m of mods) {
                        const rec = recs.get(m.id);
                        if (!rec || rec.status === 'runner-error' || rec.status === 'unparsed' ||
                            rec.status === 'unreadable' || rec.status === 'link-error') {
                                t.v8Problems++;
                                report.push('note: ' + m.id + ': V8 runner: ' +
                                            (rec ? rec.status + ': ' + rec.error : 'no record (' +
                                             (v.signal || 'status ' + v.status) + ')'));
                                continue;
                        }
                        if (rec.status === 'invalid') {
                                t.v8Invalid++;
                                invalid.push({ m, rec });
                                continue;
                        }
                        if (rec.status === 'unsupported-import') {
                                t.unsupported++;
                                continue;
                        }
                        if (rec.status === 'instantiate-trap' && rec.exhausted) {
                                t.instTrap++;
                                continue;
                        }
                        if (rec.status === 'instantiate-trap')
                                t.instTrap++;
                        for (const c of rec.calls || []) {
                                if (c.outcome === 'trap')
                                        v8.traps.set(c.trap, (v8.traps.get(c.trap) || 0) + 1);
                                else
                                        v8[c.outcome]++;
                        }
                        if (rec.status === 'instantiate-trap' && rec.trap !== null)
                                v8.traps.set(rec.trap, (v8.traps.get(rec.trap) || 0) + 1);
                        const s = writeScript(m, rec, helperBytes);
                        s.file = path.join(work, m.id + '.wast');
                        s.m = m;
                        s.rec = rec;
                        fs.writeFileSync(s.file, s.text);
                        scripts.push(s);
                        t.skippedCalls += rec.skipped || 0;
                }

                // V8 rejected these: wsbx must too.
                if (invalid.length) {
                        const r = spawnSync(o.wsbx, ['validate', '--', ...invalid.map((x) => x.m.path)],
                                            { encoding: 'utf8', timeout: 120000, maxBuffer: 1 << 26 });
                        const accepted = new Set();
                        for (const line of (r.stdout || '').split('\n'))
                                if (line.endsWith(': valid'))
                                        accepted.add(line.slice(0, -': valid'.length));
                        const crashed = r.signal || r.status === null;
                        for (const { m, rec } of invalid) {
                                if (!accepted.has(m.path) && !crashed) {
                                        t.bothRejected++;
                                        continue;
                                }
                                const what = crashed ? 'wsbx validate crashed or hung (' + r.signal + ')'
                                        : 'wsbx accepts a module V8 rejects: ' + rec.error;
                                t.disagreements++;
                                t.disagreeModules++;
                                const repro = saveFailure(o, m, rec, null, helperBytes, [what]);
                                report.push('DISAGREE ' + m.id + ': ' + what + '\n  repro: ' + repro);
                        }
                }

                if (scripts.length === 0)
                        continue;
                const files = scripts.map((s) => s.file);
                let out = runWast(o, files, 60000 + 5000 * files.length);
                for (const s of scripts) {
                        let sum = out.summary.get(s.file);
                        let fails = out.failures.get(s.file) || [];
                        const problems = [];
                        if (!sum) {
                                // wsbx died or hung in this batch: run the script alone.
                                const one = runWast(o, [s.file], 60000);
                                sum = one.summary.get(s.file);
                                fails = one.failures.get(s.file) || [];
                                if (!sum) {
                                        const at = firstBadLine(o, s);
                                        problems.push(s.file + (at ? ':' + at : '') + ': wsbx ' +
                                                (one.timedOut ? 'timed out' : 'died' +
                                                 (one.signal ? ' by ' + one.signal : ' with status ' + one.status)) +
                                                (at ? ' at: ' + s.text.split('\n')[at - 1].slice(0, 160) : ''));
                                }
                        }
                        const res = { disagreements: problems, exhaustionMismatch: [], returned: 0, traps: 0,
                                      exhausted: 0, skipped: 0 };
                        if (sum)
                                classify(s, sum, fails, res);
                        // Skips without failures: this wsbx cannot execute the
                        // script at all (skips after a failure follow from it).
                        if (sum && res.skipped > 0 && !res.disagreements.length && !res.exhaustionMismatch.length) {
                                t.notExecuted++;
                                continue;
                        }
                        t.run++;
                        if (s.m.refs)
                                t.refsRun++;
                        t.returned += res.returned;
                        t.traps += res.traps;
                        t.exhausted += res.exhausted;
                        if (res.returned > 0)
                                t.withReturn++;
                        if (res.exhaustionMismatch.length) {
                                t.exhaustionMismatch++;
                                report.push('note: ' + s.m.id + ': exhaustion mismatch: ' + res.exhaustionMismatch[0]);
                        }
                        if (res.disagreements.length) {
                                t.disagreements += res.disagreements.length;
                                t.disagreeModules++;
                                // Name the saved copy of the script, not the work folder's.
                                const saved = path.join(o.failures, s.m.id, 'test.wast');
                                res.disagreements = res.disagreements.map((d) => d.split(s.file).join(saved));
                                const repro = saveFailure(o, s.m, s.rec, s.text, helperBytes, res.disagreements);
                                report.push('DISAGREE ' + s.m.id + ' (' + res.disagreements.length + '):\n  ' +
                                            res.disagreements.slice(0, 5).join('\n  ') +
                                            (res.disagreements.length > 5 ? '\n  ...' : '') +
                                            '\n  repro: ' + repro);
                        }
                }
        }

        for (const line of report)
                process.stdout.write(line + '\n');
        const secs = ((Date.now() - start) / 1000).toFixed(1);
        process.stdout.write(
                'difftest: seed ' + o.seed + ', ' + secs + ' s' + (timeUp ? ' (time limit reached)' : '') + '\n' +
                '  modules generated:            ' + t.generated + (t.genFailed ? ' (' + t.genFailed + ' failed in wasm-opt)' : '') + '\n' +
                '  rejected by V8:               ' + t.v8Invalid + ' (wsbx rejects ' + t.bothRejected + ')\n' +
                '  unsupported imports:          ' + t.unsupported + '\n' +
                '  V8 runner problems:           ' + t.v8Problems + '\n' +
                '  run on both:                  ' + t.run + ' (' + t.refsRun + ' with reference types, ' +
                        t.instTrap + ' trapped in instantiation)\n' +
                '  not executed by wsbx:         ' + t.notExecuted + '\n' +
                '  with an export that returned: ' + t.withReturn + '\n' +
                '  calls: returned ' + t.returned + ', trapped ' + t.traps + ', exhausted ' + t.exhausted +
                        ', not called (v128 wrapper failed) ' + t.skippedCalls + '\n' +
                '  exhaustion mismatches:        ' + t.exhaustionMismatch + '\n' +
                '  V8 calls: returned ' + v8.return + ', exhausted ' + v8.exhaustion +
                        (v8.error ? ', JS errors ' + v8.error : '') + ', trapped ' +
                        [...v8.traps].map(([msg, n]) => n + ' "' + msg + '"' +
                                          (TRAPS[msg] ? '' : ' (unmapped)')).join(', ') + '\n' +
                '  disagreements:                ' + t.disagreements + ' in ' + t.disagreeModules + ' modules\n');

        if (!o.keep)
                fs.rmSync(work, { recursive: true, force: true });
        else
                process.stdout.write('  work folder kept: ' + work + '\n');
        if (t.disagreements)
                process.exit(1);
        if (t.run === 0) {
                process.stdout.write('difftest: SKIP: wsbx executed none of the scripts' +
                                     (t.notExecuted ? ' (`wsbx wast` reports "needs execution")' : '') + '\n');
                process.exit(77);
        }
        process.exit(0);
}

main();
