// v8run.js - the V8 half of the differential test.
//
//   node v8run.js HELPER.wasm LIST.json
//   node v8run.js HELPER.wasm MODULE.wasm
//
// LIST.json is an array of {"id": ..., "path": ...} naming fuzz modules;
// the second form runs one module (reproducing a saved failure).
// For each module this prints one JSON line on stdout recording what V8
// did with it: rejected (with V8's message), not runnable (imports we do
// not provide), an instantiation trap, or the list of calls made and their
// outcomes. driver.js turns the record into a .wast script for wsbx.
//
// Every module gets a fresh instance of the log helper (log-helper.wat,
// assembled by the driver), registered as "fuzzing-support"; after each
// call the record keeps the helper's running hash of everything logged.
//
// Calls, in this order, sharing one instance: every exported function but
// "hangLimitInitializer", first with all-zero arguments, then a second
// pass with fixed per-type values; "hangLimitInitializer" (when exported)
// runs before each call, as binaryen's own fuzz harness does, so every
// call gets the same loop and recursion budget. Functions whose type
// mentions v128 cannot be called from JavaScript; they are called through
// a small wasm wrapper built here (see wrapperBytes) that passes the v128
// arguments itself and stores every result in its memory for us to read.
//
// Values are written in .wast syntax here, exactly: floats as hexadecimal
// literals built from their bits, i64 through BigInt. A NaN result becomes
// "nan:arithmetic": the JS boundary hides NaN payloads, and a NaN result is
// allowed to be any arithmetic NaN (spec 4.3.3). A call that overflows the
// stack ends the module's calls: the two engines may stop at different
// depths, so later state need not agree.
'use strict';

const fs = require('fs');
const path = require('path');

// ---------------------------------------------------------------------------
// Function types of the exports, read from the binary (the JS API does not
// expose them without an experimental flag).

const VALTYPES = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

function exportTypes(bytes) {
        let p = 8;
        const u32 = () => {
                let r = 0, shift = 0, b;
                do {
                        b = bytes[p++];
                        r += (b & 0x7f) * 2 ** shift;
                        shift += 7;
                } while (b & 0x80);
                return r;
        };
        const valtype = () => {
                const b = bytes[p++];
                if (!(b in VALTYPES))
                        throw new Error('unknown value type 0x' + b.toString(16));
                return VALTYPES[b];
        };
        const limits = () => {
                const flags = bytes[p++];
                u32();
                if (flags & 1)
                        u32();
        };
        const types = [], funcs = [], exports = [];
        while (p < bytes.length) {
                const id = bytes[p++];
                const size = u32();
                const end = p + size;
                if (id === 1) {
                        for (let n = u32(); n > 0; n--) {
                                if (bytes[p++] !== 0x60)
                                        throw new Error('not a function type');
                                const params = [], results = [];
                                for (let k = u32(); k > 0; k--)
                                        params.push(valtype());
                                for (let k = u32(); k > 0; k--)
                                        results.push(valtype());
                                types.push({ params, results });
                        }
                } else if (id === 2) {
                        for (let n = u32(); n > 0; n--) {
                                // Module and field names (read the length first: `p += u32()`
                                // would add it to p's old value).
                                for (let k = 0; k < 2; k++) {
                                        const len = u32();
                                        p += len;
                                }
                                const kind = bytes[p++];
                                if (kind === 0) {
                                        funcs.push(u32());
                                } else if (kind === 1) {
                                        valtype();
                                        limits();
                                } else if (kind === 2) {
                                        limits();
                                } else {
                                        valtype();
                                        p++;
                                }
                        }
                } else if (id === 3) {
                        for (let n = u32(); n > 0; n--)
                                funcs.push(u32());
                } else if (id === 7) {
                        for (let n = u32(); n > 0; n--) {
                                const len = u32();
                                const name = Buffer.from(bytes.subarray(p, p + len)).toString('utf8');
                                p += len;
                                const kind = bytes[p++];
                                const index = u32();
                                if (kind === 0)
                                        exports.push({ name, type: types[funcs[index]] });
                        }
                }
                p = end;
        }
        return exports;
}

// ---------------------------------------------------------------------------
// Values in .wast syntax.

const f32buf = new Float32Array(1), f64buf = new Float64Array(1);
const u32buf = new Uint32Array(f32buf.buffer), u64buf = new BigUint64Array(f64buf.buffer);

// An exact hexadecimal literal for a finite or infinite float, given its
// bits, its mantissa width and exponent bias.
function hexFloat(bits, mbits, bias) {
        const ebits = bias === 127 ? 8 : 11;
        const neg = (bits >> BigInt(mbits + ebits)) & 1n;
        const exp = Number((bits >> BigInt(mbits)) & ((1n << BigInt(ebits)) - 1n));
        let mant = bits & ((1n << BigInt(mbits)) - 1n);
        const sign = neg ? '-' : '';
        if (exp === (1 << ebits) - 1)
                return sign + (mant === 0n ? 'inf' : 'nan:0x' + mant.toString(16));
        // Pad the mantissa to whole hex digits, then drop trailing zeros.
        const digits = Math.ceil(mbits / 4);
        mant <<= BigInt(digits * 4 - mbits);
        let m = mant.toString(16).padStart(digits, '0').replace(/0+$/, '');
        const lead = exp === 0 ? '0' : '1';
        const e = exp === 0 ? 1 - bias : exp - bias;
        if (exp === 0 && mant === 0n)
                return sign + '0x0p+0';
        return sign + '0x' + lead + (m ? '.' + m : '') + 'p' + (e < 0 ? '' : '+') + e;
}

function f32Text(x) {
        f32buf[0] = x;
        return hexFloat(BigInt(u32buf[0]), 23, 127);
}

function f64Text(x) {
        f64buf[0] = x;
        return hexFloat(u64buf[0], 52, 1023);
}

// A result pattern for `v` of type `t`.
function resultText(t, v) {
        switch (t) {
        case 'i32': return '(i32.const ' + (v | 0) + ')';
        case 'i64': return '(i64.const ' + BigInt.asIntN(64, v) + ')';
        case 'f32': return '(f32.const ' + (Number.isNaN(v) ? 'nan:arithmetic' : f32Text(v)) + ')';
        case 'f64': return '(f64.const ' + (Number.isNaN(v) ? 'nan:arithmetic' : f64Text(v)) + ')';
        case 'funcref': return v === null ? '(ref.null func)' : '(ref.func)';
        case 'externref': return v === null ? '(ref.null extern)' : '(ref.extern)';
        }
        throw new Error('no result syntax for ' + t);
}

// Arguments: pass 0 is all zeros (nulls for references), pass 1 takes the
// k-th parameter's value from a fixed list per type. Float values are
// exactly representable so JS, V8 and the script mean the same number.
const FIXED = {
        i32: [1, -1, 0x7fffffff, -0x80000000, 42, 65536, 255, -65536],
        i64: [1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x100000000n, 7n],
        f32: [1.5, -0, Infinity, -Infinity, Math.fround(3.4028234663852886e38), Math.fround(1e-45), -100.25],
        f64: [-2.5, 0.1, -Infinity, 5e-324, 1.7976931348623157e308, Infinity, -0],
};

function argValue(t, pass, k) {
        if (t === 'funcref' || t === 'externref' || t === 'v128')
                return null;
        if (pass === 0)
                return t === 'i64' ? 0n : 0;
        const list = FIXED[t];
        return list[k % list.length];
}

function argText(t, v) {
        switch (t) {
        case 'i32': return '(i32.const ' + v + ')';
        case 'i64': return '(i64.const ' + v + ')';
        case 'f32': return '(f32.const ' + f32Text(v) + ')';
        case 'f64': return '(f64.const ' + f64Text(v) + ')';
        case 'funcref': return '(ref.null func)';
        case 'externref': return '(ref.null extern)';
        }
        throw new Error('no argument syntax for ' + t);
}

// ---------------------------------------------------------------------------
// Calling functions with v128 in their type: a wrapper module imports the
// function as "m" "f" and exports "call", taking the non-v128 parameters
// from JavaScript and passing v128 ones as constants. It stores result k at
// byte 16*k of its exported memory "mem" (a reference as its ref.is_null),
// so results are read back bit for bit.

const TYPECODE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f };

function uleb(n) {
        const out = [];
        do {
                let b = n & 0x7f;
                n >>>= 7;
                if (n)
                        b |= 0x80;
                out.push(b);
        } while (n);
        return out;
}

function sleb(n) {
        const out = [];
        for (;;) {
                const b = n & 0x7f;
                n >>= 7;
                if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) {
                        out.push(b);
                        return out;
                }
                out.push(b | 0x80);
        }
}

function section(id, body) {
        return [id, ...uleb(body.length), ...body];
}

function vec(items) {
        return [...uleb(items.length), ...items.flat()];
}

function functype(params, results) {
        return [0x60, ...vec(params.map((t) => [TYPECODE[t]])), ...vec(results.map((t) => [TYPECODE[t]]))];
}

function nameBytes(s) {
        const b = [...Buffer.from(s, 'utf8')];
        return [...uleb(b.length), ...b];
}

// The v128 argument of pass 0 is all zeros, of pass 1 a fixed pattern.
function v128Arg(pass) {
        const b = new Uint8Array(16);
        if (pass === 1)
                for (let i = 0; i < 16; i++)
                        b[i] = (i * 0x35 + 0x11) & 0xff;
        return b;
}

function wrapperBytes(sig, pass) {
        const outer = sig.params.filter((t) => t !== 'v128');
        const np = outer.length;
        const body = [];
        // Locals for the results, one each, after the outer parameters.
        const locals = vec(sig.results.map((t) => [1, TYPECODE[t]]));
        let k = 0;
        for (const t of sig.params) {
                if (t === 'v128')
                        body.push(0xfd, ...uleb(12), ...v128Arg(pass));
                else
                        body.push(0x20, ...uleb(k++));
        }
        body.push(0x10, 0);
        for (let j = sig.results.length - 1; j >= 0; j--)
                body.push(0x21, ...uleb(np + j));
        sig.results.forEach((t, j) => {
                body.push(0x41, ...sleb(16 * j), 0x20, ...uleb(np + j));
                switch (t) {
                case 'i32': body.push(0x36, 2, 0); break;
                case 'i64': body.push(0x37, 3, 0); break;
                case 'f32': body.push(0x38, 2, 0); break;
                case 'f64': body.push(0x39, 3, 0); break;
                case 'v128': body.push(0xfd, ...uleb(11), 4, 0); break;
                default: body.push(0xd1, 0x36, 2, 0); break; // ref.is_null, i32.store
                }
        });
        body.push(0x0b);
        const code = [...locals, ...body];
        const pages = Math.max(1, Math.ceil(16 * sig.results.length / 65536));
        return new Uint8Array([
                0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                ...section(1, vec([functype(sig.params, sig.results), functype(outer, [])])),
                ...section(2, vec([[...nameBytes('m'), ...nameBytes('f'), 0x00, 0x00]])),
                ...section(3, vec([[1]])),
                ...section(5, vec([[0x00, ...uleb(pages)]])),
                ...section(7, vec([[...nameBytes('call'), 0x00, 1], [...nameBytes('mem'), 0x02, 0]])),
                ...section(10, vec([[...uleb(code.length), ...code]])),
        ]);
}

// Result k of a wrapper call, as a .wast result pattern.
function storedResult(t, view, k) {
        const at = 16 * k;
        switch (t) {
        case 'i32': return '(i32.const ' + view.getInt32(at, true) + ')';
        case 'i64': return '(i64.const ' + view.getBigInt64(at, true) + ')';
        case 'f32': return '(f32.const ' + floatBits(BigInt(view.getUint32(at, true)), 23, 127) + ')';
        case 'f64': return '(f64.const ' + floatBits(view.getBigUint64(at, true), 52, 1023) + ')';
        case 'v128': {
                const lanes = [];
                for (let i = 0; i < 4; i++)
                        lanes.push('0x' + view.getUint32(at + 4 * i, true).toString(16).padStart(8, '0'));
                return '(v128.const i32x4 ' + lanes.join(' ') + ')';
        }
        case 'funcref': return view.getInt32(at, true) ? '(ref.null func)' : '(ref.func)';
        case 'externref': return view.getInt32(at, true) ? '(ref.null extern)' : '(ref.extern)';
        }
        throw new Error('no result syntax for ' + t);
}

// A float result from its bits: quiet NaNs as nan:arithmetic (their
// payload may differ, spec 4.3.3), signalling ones exactly (only
// non-arithmetic instructions make them, and those keep bits).
function floatBits(bits, mbits, bias) {
        const ebits = bias === 127 ? 8 : 11;
        const exp = (bits >> BigInt(mbits)) & ((1n << BigInt(ebits)) - 1n);
        const quiet = (bits >> BigInt(mbits - 1)) & 1n;
        if (exp === (1n << BigInt(ebits)) - 1n && (bits & ((1n << BigInt(mbits)) - 1n)) && quiet)
                return 'nan:arithmetic';
        return hexFloat(bits, mbits, bias);
}

function v128Text(b) {
        const lanes = [];
        const view = new DataView(b.buffer);
        for (let i = 0; i < 4; i++)
                lanes.push('0x' + view.getUint32(4 * i, true).toString(16).padStart(8, '0'));
        return '(v128.const i32x4 ' + lanes.join(' ') + ')';
}

// ---------------------------------------------------------------------------

function isExhaustion(e) {
        return e instanceof RangeError && /call stack size/i.test(e.message);
}

function runModule(helperBytes, item) {
        const rec = { id: item.id };
        let bytes;
        try {
                bytes = fs.readFileSync(item.path);
        } catch (e) {
                rec.status = 'unreadable';
                rec.error = String(e.message);
                return rec;
        }
        let mod;
        try {
                mod = new WebAssembly.Module(bytes);
        } catch (e) {
                rec.status = 'invalid';
                rec.error = e.message;
                return rec;
        }
        const helper = new WebAssembly.Instance(new WebAssembly.Module(helperBytes), {});
        for (const imp of WebAssembly.Module.imports(mod)) {
                if (imp.module !== 'fuzzing-support' || imp.kind !== 'function' ||
                    !(imp.name in helper.exports) || imp.name === 'hash') {
                        rec.status = 'unsupported-import';
                        rec.error = imp.module + '.' + imp.name + ' (' + imp.kind + ')';
                        return rec;
                }
        }
        let types;
        try {
                types = exportTypes(bytes);
        } catch (e) {
                rec.status = 'unparsed';
                rec.error = e.message;
                return rec;
        }
        const hash = () => BigInt.asIntN(64, helper.exports.hash()).toString();
        let inst;
        try {
                inst = new WebAssembly.Instance(mod, { 'fuzzing-support': helper.exports });
        } catch (e) {
                if (e instanceof WebAssembly.RuntimeError || isExhaustion(e)) {
                        rec.status = 'instantiate-trap';
                        rec.trap = isExhaustion(e) ? null : e.message;
                        rec.exhausted = isExhaustion(e);
                        return rec;
                }
                rec.status = 'link-error';
                rec.error = e.message;
                return rec;
        }
        rec.status = 'ran';
        rec.calls = [];
        rec.skipped = 0;
        rec.wrapped = 0;
        const init = inst.exports.hangLimitInitializer;
        const hasInit = typeof init === 'function';
        for (let pass = 0; pass < 2; pass++) {
                for (const ex of types) {
                        if (ex.name === 'hangLimitInitializer')
                                continue;
                        const sig = ex.type;
                        const viaWrapper = sig.params.includes('v128') || sig.results.includes('v128');
                        const vals = sig.params.map((t, k) => argValue(t, pass, k));
                        const call = {
                                fn: ex.name,
                                args: sig.params.map((t, k) => t === 'v128' ? v128Text(v128Arg(pass))
                                                                            : argText(t, vals[k])),
                                init: hasInit,
                        };
                        let wrap = null;
                        if (viaWrapper) {
                                try {
                                        wrap = new WebAssembly.Instance(new WebAssembly.Module(wrapperBytes(sig, pass)),
                                                                        { m: { f: inst.exports[ex.name] } });
                                } catch (e) {
                                        rec.skipped++;
                                        rec.wrapperError = e.message;
                                        continue;
                                }
                                rec.wrapped++;
                        }
                        if (hasInit)
                                init();
                        try {
                                if (wrap) {
                                        wrap.exports.call(...vals.filter((v, k) => sig.params[k] !== 'v128'));
                                        const view = new DataView(wrap.exports.mem.buffer);
                                        call.results = sig.results.map((t, k) => storedResult(t, view, k));
                                } else {
                                        const r = inst.exports[ex.name](...vals);
                                        const rs = sig.results.length === 1 ? [r] : sig.results.length ? r : [];
                                        call.results = sig.results.map((t, k) => resultText(t, rs[k]));
                                }
                                call.outcome = 'return';
                        } catch (e) {
                                if (isExhaustion(e)) {
                                        call.outcome = 'exhaustion';
                                } else if (e instanceof WebAssembly.RuntimeError) {
                                        call.outcome = 'trap';
                                        call.trap = e.message;
                                } else {
                                        call.outcome = 'error';
                                        call.trap = String(e && e.message);
                                }
                        }
                        call.hash = hash();
                        rec.calls.push(call);
                        if (call.outcome === 'exhaustion' || call.outcome === 'error')
                                return rec;
                }
        }
        return rec;
}

function main() {
        const [helperPath, listPath] = process.argv.slice(2);
        if (!helperPath || !listPath) {
                process.stderr.write('usage: node v8run.js HELPER.wasm LIST.json|MODULE.wasm\n');
                process.exit(2);
        }
        const helperBytes = fs.readFileSync(helperPath);
        const list = listPath.endsWith('.wasm') ? [{ id: path.basename(listPath), path: listPath }]
                                                : JSON.parse(fs.readFileSync(listPath, 'utf8'));
        for (const item of list) {
                let rec;
                try {
                        rec = runModule(helperBytes, item);
                } catch (e) {
                        rec = { id: item.id, status: 'runner-error', error: String(e && e.stack) };
                }
                process.stdout.write(JSON.stringify(rec) + '\n');
        }
}

main();
