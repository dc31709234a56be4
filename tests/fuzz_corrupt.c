/* fuzz_corrupt.c - the binary decoder against thousands of corrupted modules.
 *
 * Starts from valid modules: the sightglass programs (every *.wasm one level
 * below the directory named on the command line) and a few small seeds
 * below that use Wasm 2.0 features real programs rarely do (multi-value,
 * reference types, bulk memory, SIMD, name and custom sections). Each case
 * takes one of them, corrupts a copy (bit flips, bytes overwritten with
 * values decoders care about, truncation, inserted or deleted bytes, a
 * section size, vector count or body size re-encoded as a larger or
 * non-minimal LEB128, a chunk copied over another place) and hands it to
 * wsbx_module_decode. The call must either succeed or fail with a known
 * error kind, a non-empty NUL-terminated message and an offset inside the
 * input; never crash, hang, or trip a sanitizer (meson runs this in the
 * ASan+UBSan build too). One case in eight decodes with small limits so
 * that the limit checks meet hostile input as well. Before corrupting
 * anything, every original must decode successfully.
 *
 * Invariants: each case draws from its own PRNG seeded from (seed, case
 * number), never from state left by earlier cases, so `fuzz_corrupt --case N
 * DIR` replays exactly case N of a run however far a time limit let that run
 * get, and `--dump FILE` writes its bytes out. Inputs are sorted by path so
 * the case-to-module mapping does not depend on directory order.
 *
 * Bounds: a run stops after --count cases or --seconds of wall-clock time,
 * whichever comes first, and prints how many ran; one decode that takes
 * longer than CASE_TIMEOUT seconds is reported as a hang.
 *
 * Exit status: 0 all checks passed; 1 a check failed; 77 (meson's "skipped")
 * when the sightglass directory does not exist.
 */
#include "engine.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#endif

#define DEFAULT_SEED 1
#define DEFAULT_COUNT 20000
#define DEFAULT_SECONDS 20.0
#define CASE_TIMEOUT 30 /* seconds; generous for sanitizer builds on a loaded machine */
#define MAX_GROW 64     /* most bytes a mutation adds */
#define MAX_FILE (64u << 20)
#define MAX_REPORTED 20 /* failures printed in full before the rest are only counted */
#define STR_(x) #x
#define STR(x) STR_(x)

/* ------------------------------------------------------------------------ */
/* Seed modules                                                             */
/* ------------------------------------------------------------------------ */

/* (module
 *   (type $v (func)) (type $ii_i (func (param i32 i32) (result i32)))
 *   (import "env" "log" (func $log (param i32)))
 *   (import "env" "tab" (table 2 10 funcref))
 *   (import "env" "mem" (memory 1 2))
 *   (import "env" "g" (global $g i32))
 *   (global $m (mut i64) (i64.const -1)) (global $f f32 (f32.const 1.5))
 *   (global $d f64 (f64.const -0.25))
 *   (func $sel (type $ii_i) ... br_table over three blocks ...)
 *   (func $loop (param i32) (result i32) (local i64 f32 f64)
 *     ... loop/br_if, i32.store offset=4, memory.grow, select,
 *     call_indirect, call, memory.size, if/else with unreachable ...)
 *   (func $start (global.set $m (i64.const 42)) (nop))
 *   (export "sel" (func $sel)) (export "loop" (func $loop)) (export "mem" (memory 0))
 *   (start $start) (elem (i32.const 0) $sel $sel) (data (i32.const 100) "abc\00\ff"))
 */
static const uint8_t seed_mvp[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x13, 0x04, 0x60,
        0x00, 0x00, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00,
        0x60, 0x01, 0x7f, 0x01, 0x7f, 0x02, 0x2d, 0x04, 0x03, 0x65, 0x6e, 0x76,
        0x03, 0x6c, 0x6f, 0x67, 0x00, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x74,
        0x61, 0x62, 0x01, 0x70, 0x01, 0x02, 0x0a, 0x03, 0x65, 0x6e, 0x76, 0x03,
        0x6d, 0x65, 0x6d, 0x02, 0x01, 0x01, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x01,
        0x67, 0x03, 0x7f, 0x00, 0x03, 0x04, 0x03, 0x01, 0x03, 0x00, 0x06, 0x1a,
        0x03, 0x7e, 0x01, 0x42, 0x7f, 0x0b, 0x7d, 0x00, 0x43, 0x00, 0x00, 0xc0,
        0x3f, 0x0b, 0x7c, 0x00, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xd0,
        0xbf, 0x0b, 0x07, 0x14, 0x03, 0x03, 0x73, 0x65, 0x6c, 0x00, 0x01, 0x04,
        0x6c, 0x6f, 0x6f, 0x70, 0x00, 0x02, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00,
        0x08, 0x01, 0x03, 0x09, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x01,
        0x01, 0x0a, 0x75, 0x03, 0x1a, 0x00, 0x02, 0x40, 0x02, 0x40, 0x02, 0x40,
        0x20, 0x00, 0x0e, 0x02, 0x00, 0x01, 0x02, 0x0b, 0x41, 0x0a, 0x0f, 0x0b,
        0x20, 0x01, 0x0f, 0x0b, 0x41, 0x1e, 0x0b, 0x50, 0x03, 0x01, 0x7e, 0x01,
        0x7d, 0x01, 0x7c, 0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00,
        0x20, 0x00, 0x41, 0x00, 0x4a, 0x0d, 0x00, 0x0b, 0x41, 0x00, 0x20, 0x00,
        0x36, 0x01, 0x04, 0x41, 0x08, 0x41, 0x00, 0x40, 0x00, 0xad, 0x37, 0x03,
        0x00, 0x23, 0x01, 0xb9, 0x1a, 0x43, 0x00, 0x00, 0x80, 0x3f, 0x23, 0x02,
        0x20, 0x00, 0x1b, 0x1a, 0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x11, 0x01,
        0x00, 0x1a, 0x3f, 0x00, 0x10, 0x00, 0x23, 0x00, 0x04, 0x7f, 0x41, 0x01,
        0x05, 0x00, 0x0b, 0x0b, 0x07, 0x00, 0x42, 0x2a, 0x24, 0x01, 0x01, 0x0b,
        0x0b, 0x0c, 0x01, 0x00, 0x41, 0xe4, 0x00, 0x0b, 0x05, 0x61, 0x62, 0x63,
        0x00, 0xff,
};

/* (module
 *   (type $t (func (param i32) (result i32 i64)))
 *   (memory 1) (table $a 1 funcref) (table $b 2 externref)
 *   (global $r (mut funcref) (ref.null func))
 *   (global $v v128 (v128.const i32x4 1 2 3 4))
 *   (data $p "passive") (data (i32.const 0) "act")
 *   (elem $e funcref (ref.func $multi) (ref.null func)) (elem declare func $refs)
 *   (func $multi (type $t) (local.get 0) (i64.const 7))
 *   (func $refs (param externref) (result i32)
 *     ... table.set/grow/get/init/copy, elem.drop, ref.func, select (result
 *     externref), ref.is_null ...)
 *   (func $bulk (param i32)
 *     ... memory.init/copy/fill, data.drop, i32.trunc_sat_f32_s,
 *     i64.extend8_s, a (result i32 i64) block calling $multi ...)
 *   (func $simd (param v128) (result v128)
 *     ... i8x16.shuffle, i32x4.add, v128.load offset=16, f32x4.replace_lane,
 *     v128.store64_lane, i16x8.extract_lane_s ...)
 *   (export "multi" ...) (export "refs" ...) (export "bulk" ...) (export "simd" ...))
 */
static const uint8_t seed_v2[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x1a, 0x05, 0x60,
        0x01, 0x7f, 0x02, 0x7f, 0x7e, 0x60, 0x01, 0x6f, 0x01, 0x7f, 0x60, 0x01,
        0x7f, 0x00, 0x60, 0x00, 0x02, 0x7f, 0x7e, 0x60, 0x01, 0x7b, 0x01, 0x7b,
        0x03, 0x05, 0x04, 0x00, 0x01, 0x02, 0x04, 0x04, 0x07, 0x02, 0x70, 0x00,
        0x01, 0x6f, 0x00, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01, 0x06, 0x1b, 0x02,
        0x70, 0x01, 0xd0, 0x70, 0x0b, 0x7b, 0x00, 0xfd, 0x0c, 0x01, 0x00, 0x00,
        0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00,
        0x00, 0x0b, 0x07, 0x1e, 0x04, 0x05, 0x6d, 0x75, 0x6c, 0x74, 0x69, 0x00,
        0x00, 0x04, 0x72, 0x65, 0x66, 0x73, 0x00, 0x01, 0x04, 0x62, 0x75, 0x6c,
        0x6b, 0x00, 0x02, 0x04, 0x73, 0x69, 0x6d, 0x64, 0x00, 0x03, 0x09, 0x0e,
        0x02, 0x05, 0x70, 0x02, 0xd2, 0x00, 0x0b, 0xd0, 0x70, 0x0b, 0x03, 0x00,
        0x01, 0x01, 0x0c, 0x01, 0x02, 0x0a, 0xb8, 0x01, 0x04, 0x06, 0x00, 0x20,
        0x00, 0x42, 0x07, 0x0b, 0x3d, 0x00, 0x41, 0x01, 0x20, 0x00, 0x26, 0x01,
        0xd0, 0x6f, 0x41, 0x01, 0xfc, 0x0f, 0x01, 0x1a, 0xd2, 0x01, 0x24, 0x00,
        0x41, 0x00, 0x25, 0x00, 0x1a, 0x41, 0x00, 0x41, 0x00, 0x41, 0x01, 0xfc,
        0x0c, 0x00, 0x00, 0xfc, 0x0d, 0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00,
        0xfc, 0x0e, 0x00, 0x00, 0x20, 0x00, 0xd0, 0x6f, 0x41, 0x01, 0x1c, 0x01,
        0x6f, 0x1a, 0x20, 0x00, 0xd1, 0x0b, 0x38, 0x00, 0x41, 0x00, 0x41, 0x00,
        0x41, 0x07, 0xfc, 0x08, 0x00, 0x00, 0xfc, 0x09, 0x00, 0x41, 0x01, 0x41,
        0x00, 0x20, 0x00, 0xfc, 0x0a, 0x00, 0x00, 0x41, 0x00, 0x41, 0x00, 0x41,
        0x03, 0xfc, 0x0b, 0x00, 0x43, 0x00, 0x00, 0x60, 0x40, 0xfc, 0x00, 0x1a,
        0x42, 0xff, 0x01, 0xc2, 0x1a, 0x02, 0x03, 0x20, 0x00, 0x10, 0x00, 0x0b,
        0x1a, 0x1a, 0x0b, 0x38, 0x00, 0x20, 0x00, 0x23, 0x01, 0xfd, 0x0d, 0x00,
        0x11, 0x02, 0x13, 0x04, 0x15, 0x06, 0x17, 0x08, 0x19, 0x0a, 0x1b, 0x0c,
        0x1d, 0x0e, 0x1f, 0x41, 0x00, 0xfd, 0x00, 0x04, 0x10, 0xfd, 0xae, 0x01,
        0x43, 0x00, 0x00, 0x00, 0x40, 0xfd, 0x20, 0x02, 0x41, 0x20, 0x20, 0x00,
        0xfd, 0x5b, 0x03, 0x00, 0x01, 0x20, 0x00, 0xfd, 0x18, 0x03, 0x1a, 0x0b,
        0x0b, 0x12, 0x02, 0x01, 0x07, 0x70, 0x61, 0x73, 0x73, 0x69, 0x76, 0x65,
        0x00, 0x41, 0x00, 0x0b, 0x03, 0x61, 0x63, 0x74,
};

/* A custom section "wsbx.note" first, then
 * (module $named
 *   (func $empty)
 *   (func $locals (param $x i32) (local $a i32) (local $b i64) (local $c i64) (local $d v128)
 *     (local.set $a (local.get $x)))
 *   (func $deep (result i32)
 *     (block (result i32) (loop (result i32) (block (result i32) (i32.const 1)))))
 *   (export "deep" (func $deep)))
 * with its "name" section (module, function and local names), and last an
 * empty custom section with an empty name. */
static const uint8_t seed_names[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x00, 0x15, 0x09, 0x77,
        0x73, 0x62, 0x78, 0x2e, 0x6e, 0x6f, 0x74, 0x65, 0x73, 0x65, 0x65, 0x64,
        0x20, 0x6d, 0x6f, 0x64, 0x75, 0x6c, 0x65, 0x01, 0x0c, 0x03, 0x60, 0x00,
        0x00, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x04, 0x03,
        0x00, 0x01, 0x02, 0x07, 0x08, 0x01, 0x04, 0x64, 0x65, 0x65, 0x70, 0x00,
        0x02, 0x0a, 0x1f, 0x03, 0x02, 0x00, 0x0b, 0x0c, 0x03, 0x01, 0x7f, 0x02,
        0x7e, 0x01, 0x7b, 0x20, 0x00, 0x21, 0x01, 0x0b, 0x0d, 0x00, 0x02, 0x7f,
        0x03, 0x7f, 0x02, 0x7f, 0x41, 0x01, 0x0b, 0x0b, 0x0b, 0x0b, 0x00, 0x3d,
        0x04, 0x6e, 0x61, 0x6d, 0x65, 0x00, 0x06, 0x05, 0x6e, 0x61, 0x6d, 0x65,
        0x64, 0x01, 0x16, 0x03, 0x00, 0x05, 0x65, 0x6d, 0x70, 0x74, 0x79, 0x01,
        0x06, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x73, 0x02, 0x04, 0x64, 0x65, 0x65,
        0x70, 0x02, 0x16, 0x03, 0x00, 0x00, 0x01, 0x05, 0x00, 0x01, 0x78, 0x01,
        0x01, 0x61, 0x02, 0x01, 0x62, 0x03, 0x01, 0x63, 0x04, 0x01, 0x64, 0x02,
        0x00, 0x00, 0x01, 0x00,
};

/* The smallest valid module: header only. */
static const uint8_t seed_empty[] = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };

/* ------------------------------------------------------------------------ */
/* Inputs                                                                   */
/* ------------------------------------------------------------------------ */

/* A LEB128 field of the original module worth inflating: a section size, a
 * vector count, a function body size or a custom section's name length. */
typedef struct leb_site {
        uint32_t off;
        uint32_t value;
        uint8_t len;
} leb_site;

typedef struct input {
        char *name;
        uint8_t *bytes;
        size_t len;
        leb_site *sites;
        size_t nsites, cap_sites;
} input;

static input *inputs;
static size_t ninputs, cap_inputs;
static size_t nseeds; /* inputs[0 .. nseeds) are the built-in seeds */

static void *xrealloc(void *p, size_t n)
{
        p = realloc(p, n);
        if (!p) {
                fprintf(stderr, "fuzz_corrupt: out of memory\n");
                exit(1);
        }
        return p;
}

static char *xstrdup(const char *s)
{
        size_t n = strlen(s) + 1;
        return memcpy(xrealloc(NULL, n), s, n);
}

/* Reads an unsigned LEB128 of at most 5 bytes at *p; false if it runs past
 * `len` or is longer. Only used on the originals, which are valid. */
static bool peek_uleb(const uint8_t *b, size_t len, size_t *p, uint32_t *value, uint8_t *nbytes)
{
        uint64_t v = 0;
        for (unsigned i = 0; i < 5; i++) {
                if (*p + i >= len)
                        return false;
                uint8_t c = b[*p + i];
                v |= (uint64_t)(c & 0x7f) << (7 * i);
                if (!(c & 0x80)) {
                        *value = (uint32_t)v;
                        *nbytes = (uint8_t)(i + 1);
                        *p += i + 1;
                        return true;
                }
        }
        return false;
}

static void add_site(input *in, size_t off, uint32_t value, uint8_t len)
{
        if (in->nsites == in->cap_sites) {
                in->cap_sites = in->cap_sites ? 2 * in->cap_sites : 16;
                in->sites = xrealloc(in->sites, in->cap_sites * sizeof *in->sites);
        }
        in->sites[in->nsites++] = (leb_site){ .off = (uint32_t)off, .value = value, .len = len };
}

/* Records the LEB128 fields of a module's section structure. Stops quietly
 * at anything unexpected: the sites only steer mutations. */
static void find_sites(input *in)
{
        const uint8_t *b = in->bytes;
        size_t len = in->len, p = 8;
        while (p < len) {
                uint8_t id = b[p++];
                size_t at = p;
                uint32_t size, v;
                uint8_t n;
                if (!peek_uleb(b, len, &p, &size, &n))
                        return;
                add_site(in, at, size, n);
                size_t end = p + size;
                if (end > len)
                        return;
                /* Every section but start (8) opens with a vector count or,
                 * for custom sections, a name length; datacount (12) is a
                 * count too. */
                if (id != 8 && p < end) {
                        at = p;
                        if (!peek_uleb(b, end, &p, &v, &n))
                                return;
                        add_site(in, at, v, n);
                        if (id == 10) {
                                for (uint32_t i = 0; i < v && p < end; i++) {
                                        uint32_t body;
                                        at = p;
                                        if (!peek_uleb(b, end, &p, &body, &n))
                                                break;
                                        add_site(in, at, body, n);
                                        if (body > end - p)
                                                break;
                                        p += body;
                                }
                        }
                }
                p = end;
        }
}

static void add_input(const char *name, const uint8_t *bytes, size_t len)
{
        if (ninputs == cap_inputs) {
                cap_inputs = cap_inputs ? 2 * cap_inputs : 32;
                inputs = xrealloc(inputs, cap_inputs * sizeof *inputs);
        }
        input *in = &inputs[ninputs++];
        memset(in, 0, sizeof *in);
        in->name = xstrdup(name);
        /* Never empty, so that mutations can always pick a position. */
        in->bytes = xrealloc(NULL, len ? len : 1);
        memcpy(in->bytes, bytes, len);
        in->len = len;
        find_sites(in);
}

static bool read_file(const char *path, uint8_t **out, size_t *len)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return false;
        uint8_t *buf = NULL;
        size_t n = 0, cap = 0;
        for (;;) {
                if (n == cap) {
                        if (cap >= MAX_FILE) {
                                fclose(f);
                                free(buf);
                                errno = EFBIG;
                                return false;
                        }
                        cap = cap ? 2 * cap : 65536;
                        buf = xrealloc(buf, cap);
                }
                size_t got = fread(buf + n, 1, cap - n, f);
                n += got;
                if (got == 0)
                        break;
        }
        bool ok = !ferror(f);
        fclose(f);
        if (!ok) {
                free(buf);
                return false;
        }
        *out = buf;
        *len = n;
        return true;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
        size_t n = strlen(s), k = strlen(suffix);
        return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Collects the .wasm files one level below `dir`, sorted by path. Returns
 * false on a read error. */
static bool load_dir(const char *dir)
{
        char **paths = NULL;
        size_t npaths = 0, cap = 0;
        DIR *top = opendir(dir);
        if (!top)
                return false;
        struct dirent *d;
        while ((d = readdir(top))) {
                if (d->d_name[0] == '.')
                        continue;
                char sub[4096];
                snprintf(sub, sizeof sub, "%s/%s", dir, d->d_name);
                DIR *s = opendir(sub);
                if (!s)
                        continue;
                struct dirent *e;
                while ((e = readdir(s))) {
                        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".wasm"))
                                continue;
                        if (npaths == cap) {
                                cap = cap ? 2 * cap : 64;
                                paths = xrealloc(paths, cap * sizeof *paths);
                        }
                        char path[8192];
                        snprintf(path, sizeof path, "%s/%s", sub, e->d_name);
                        paths[npaths++] = xstrdup(path);
                }
                closedir(s);
        }
        closedir(top);
        qsort(paths, npaths, sizeof *paths, cmp_str);

        bool ok = true;
        for (size_t i = 0; i < npaths; i++) {
                uint8_t *bytes;
                size_t len;
                if (!read_file(paths[i], &bytes, &len)) {
                        fprintf(stderr, "fuzz_corrupt: cannot read %s: %s\n", paths[i], strerror(errno));
                        ok = false;
                } else {
                        /* Name modules by their last two path components. */
                        const char *name = paths[i] + strlen(dir) + 1;
                        add_input(name, bytes, len);
                        free(bytes);
                }
                free(paths[i]);
        }
        free(paths);
        return ok;
}

/* ------------------------------------------------------------------------ */
/* Random numbers and mutations                                             */
/* ------------------------------------------------------------------------ */

/* splitmix64: tiny, and good enough to pick positions and values. */
static uint64_t rnd_next(uint64_t *s)
{
        uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. The bias of the modulo does not matter here. */
static size_t rnd_below(uint64_t *s, size_t n)
{
        return (size_t)(rnd_next(s) % n);
}

/* Bytes with a meaning to a decoder: zero, LEB128 boundaries, end, block
 * types, prefixes and reference types. */
static const uint8_t interesting[] = {
        0x00, 0x01, 0x0b, 0x40, 0x41, 0x7f, 0x80, 0x81, 0xff, 0xfc, 0xfd, 0x70, 0x6f, 0x7b,
};

enum {
        MUT_BITFLIP,
        MUT_OVERWRITE,
        MUT_TRUNCATE,
        MUT_INSERT,
        MUT_DELETE,
        MUT_LEB,
        MUT_SPLICE,
        MUT_COUNT
};

static const char *const mut_names[MUT_COUNT] = {
        [MUT_BITFLIP] = "bit flips",
        [MUT_OVERWRITE] = "byte overwrite",
        [MUT_TRUNCATE] = "truncation",
        [MUT_INSERT] = "insertion",
        [MUT_DELETE] = "deletion",
        [MUT_LEB] = "LEB128 inflation",
        [MUT_SPLICE] = "splice",
};

static void mut_bitflip(uint64_t *s, uint8_t *buf, size_t n)
{
        unsigned k = 1 + (unsigned)rnd_below(s, 4);
        for (unsigned i = 0; i < k; i++)
                buf[rnd_below(s, n)] ^= (uint8_t)(1u << rnd_below(s, 8));
}

static void mut_overwrite(uint64_t *s, uint8_t *buf, size_t n)
{
        unsigned k = 1 + (unsigned)rnd_below(s, 4);
        for (unsigned i = 0; i < k; i++)
                buf[rnd_below(s, n)] = interesting[rnd_below(s, sizeof interesting)];
}

/* Replaces one recorded LEB128 field with another value, sometimes padded
 * to a non-minimal (but still legal, up to 5 bytes) encoding, so that
 * lengths and counts point past the data that follows them. */
static size_t mut_leb(uint64_t *s, const input *in, uint8_t *buf, size_t n)
{
        const leb_site *site = &in->sites[rnd_below(s, in->nsites)];
        uint32_t v;
        switch (rnd_below(s, 7)) {
        case 0: v = site->value + 1; break;
        case 1: v = site->value + 2 + (uint32_t)rnd_below(s, 64); break;
        case 2: v = site->value ? site->value - 1 : 1; break;
        case 3: v = 0xffffffffu; break;
        case 4: v = 0x7fffffffu; break;
        case 5: v = 1u << (20 + rnd_below(s, 12)); break;
        default: v = (uint32_t)rnd_next(s); break;
        }
        uint8_t enc[5];
        unsigned len = 0;
        unsigned minlen = 1;
        for (uint32_t t = v >> 7; t; t >>= 7)
                minlen++;
        unsigned want = rnd_below(s, 4) == 0 ? minlen + (unsigned)rnd_below(s, 6 - minlen) : minlen;
        uint32_t t = v;
        for (len = 0; len < want; len++) {
                enc[len] = (uint8_t)((t & 0x7f) | (len + 1 < want ? 0x80 : 0));
                t >>= 7;
        }
        /* buf holds the original bytes; rebuild around the field. */
        size_t tail = n - (site->off + site->len);
        memmove(buf + site->off + len, buf + site->off + site->len, tail);
        memcpy(buf + site->off, enc, len);
        return site->off + len + tail;
}

/* Applies one mutation of kind `kind` to buf (n bytes, capacity n +
 * MAX_GROW) and returns the new length. */
static size_t mutate(uint64_t *s, int kind, const input *in, uint8_t *buf, size_t n)
{
        size_t pos, k;
        switch (kind) {
        case MUT_BITFLIP:
                mut_bitflip(s, buf, n);
                return n;
        case MUT_OVERWRITE:
                mut_overwrite(s, buf, n);
                return n;
        case MUT_TRUNCATE:
                return rnd_below(s, n);
        case MUT_INSERT:
                pos = rnd_below(s, n + 1);
                k = 1 + rnd_below(s, 16);
                memmove(buf + pos + k, buf + pos, n - pos);
                for (size_t i = 0; i < k; i++)
                        buf[pos + i] = rnd_below(s, 2) ? interesting[rnd_below(s, sizeof interesting)]
                                                       : (uint8_t)rnd_next(s);
                return n + k;
        case MUT_DELETE:
                pos = rnd_below(s, n);
                k = 1 + rnd_below(s, 16);
                if (k > n - pos)
                        k = n - pos;
                memmove(buf + pos, buf + pos + k, n - pos - k);
                return n - k;
        case MUT_SPLICE: {
                size_t from = rnd_below(s, n), to = rnd_below(s, n);
                k = 1 + rnd_below(s, 64);
                if (k > n - from)
                        k = n - from;
                if (k > n - to)
                        k = n - to;
                memmove(buf + to, buf + from, k);
                return n;
        }
        case MUT_LEB:
                if (in->nsites)
                        return mut_leb(s, in, buf, n);
                mut_bitflip(s, buf, n);
                return n;
        }
        return n;
}

/* ------------------------------------------------------------------------ */
/* Checking one decode                                                      */
/* ------------------------------------------------------------------------ */

/* What the current case is, for the hang and crash reports: written before
 * every case so a signal handler only has to write(2) it. */
static char current[512];

static void write_current(const char *why)
{
        ssize_t r = write(2, why, strlen(why));
        r = write(2, current, strlen(current));
        (void)r;
}

static void on_alarm(int sig)
{
        (void)sig;
        write_current("fuzz_corrupt: FAIL: decode hangs (over " STR(CASE_TIMEOUT) " s) in ");
        _exit(1);
}

#ifdef __SANITIZE_ADDRESS__
static void on_sanitizer_death(void)
{
        write_current("fuzz_corrupt: sanitizer report above is from ");
}
#else
static void on_crash(int sig)
{
        write_current("fuzz_corrupt: FAIL: crashed in ");
        /* SA_RESETHAND restored the default action: die of the same signal. */
        raise(sig);
}
#endif

static void install_handlers(void)
{
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigaction(SIGALRM, &sa, NULL);
#ifdef __SANITIZE_ADDRESS__
        /* The sanitizer's own SEGV handler prints the better report. */
        __sanitizer_set_death_callback(on_sanitizer_death);
#else
        static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
        sa.sa_handler = on_crash;
        sa.sa_flags = SA_RESETHAND | SA_NODEFER;
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
                sigaction(sigs[i], &sa, NULL);
#endif
}

typedef struct stats {
        unsigned long long kinds[WSBX_ERR_IO + 1];
        unsigned long long failures;
} stats;

static void fail(stats *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(stats *st, const char *fmt, ...)
{
        if (st->failures++ < MAX_REPORTED) {
                va_list ap;
                fprintf(stderr, "fuzz_corrupt: FAIL: ");
                va_start(ap, fmt);
                vfprintf(stderr, fmt, ap);
                va_end(ap);
                fprintf(stderr, "\n    in %s", current);
        }
}

/* Small limits, used by one case in eight so that the limit checks meet
 * hostile input too (the originals then often fail with "limit exceeded",
 * which is a correct answer). */
static const wsbx_limits_cfg tight_limits = {
        .max_types = 16,
        .max_functions = 64,
        .max_imports = 16,
        .max_exports = 16,
        .max_globals = 16,
        .max_tables = 2,
        .max_memories = 1,
        .max_elem_segments = 4,
        .max_data_segments = 4,
        .max_locals = 32,
        .max_params = 4,
        .max_results = 2,
        .max_body_size = 2048,
        .max_nesting = 6,
        .max_br_table = 8,
        .max_elem_items = 32,
};

/* A sentinel that no decoder would store: *out must become NULL or a real
 * module. */
static wsbx_module sentinel_module;

/* Decodes buf and checks the result; returns the kind it got. */
static wsbx_errkind decode_checked(stats *st, const uint8_t *buf, size_t n,
                                   const wsbx_limits_cfg *limits, wsbx_error *err)
{
        wsbx_module *m = &sentinel_module;
        /* Garbage in every field, so one the decoder forgot to fill shows. */
        memset(err, 0xa5, sizeof *err);
        wsbx_errkind k = wsbx_module_decode(buf, n, limits, &m, err);

        if (k == WSBX_OK) {
                if (!m || m == &sentinel_module) {
                        fail(st, "returned OK without a module");
                        return k;
                }
                if (m->size != n || (n && memcmp(m->bytes, buf, n) != 0))
                        fail(st, "module's copy of its bytes differs from the input");
                wsbx_module_delete(m);
                return k;
        }

        if (m != NULL)
                fail(st, "*out is not NULL after an error");
        if (k != WSBX_ERR_MALFORMED && k != WSBX_ERR_INVALID && k != WSBX_ERR_LIMIT &&
            k != WSBX_ERR_NOMEM) {
                fail(st, "unexpected error kind %d", (int)k);
                return k;
        }
        if (err->kind != k)
                fail(st, "error record says kind %d, call returned %d", (int)err->kind, (int)k);
        if (!memchr(err->msg, 0, sizeof err->msg))
                fail(st, "error message is not NUL-terminated");
        else if (err->msg[0] == 0)
                fail(st, "empty error message");
        if (err->offset > n && err->offset != SIZE_MAX)
                fail(st, "error offset %zu beyond the input's %zu bytes (%s)", err->offset, n,
                     memchr(err->msg, 0, sizeof err->msg) ? err->msg : "?");
        if (err->line != 0 || err->col != 0)
                fail(st, "binary error with a text position %u:%u", err->line, err->col);
        return k;
}

/* ------------------------------------------------------------------------ */
/* Driver                                                                   */
/* ------------------------------------------------------------------------ */

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Builds case `c` into buf and returns its length; names it in `current`
 * and picks the limits it is decoded with. */
static size_t make_case(uint64_t seed, unsigned long long c, uint8_t *buf,
                        const wsbx_limits_cfg **limits)
{
        uint64_t s = seed ^ (c * 0xd1b54a32d192ed03ull);
        rnd_next(&s);

        /* A third of the cases go to the small seeds: corruption there
         * lands on rarer features far more often. */
        size_t i = (nseeds && (ninputs == nseeds || rnd_below(&s, 3) == 0))
                           ? rnd_below(&s, nseeds)
                           : nseeds + rnd_below(&s, ninputs - nseeds);
        const input *in = &inputs[i];
        memcpy(buf, in->bytes, in->len);
        size_t n = in->len;

        /* LEB128 inflation works on the original layout, so it goes first;
         * a quarter of the cases stack a few flips or overwrites on top. */
        int kind = (int)rnd_below(&s, MUT_COUNT);
        n = mutate(&s, kind, in, buf, n);
        int extra = rnd_below(&s, 4) == 0 ? 1 + (int)rnd_below(&s, 2) : 0;
        for (int e = 0; e < extra && n > 0; e++)
                n = mutate(&s, rnd_below(&s, 2) ? MUT_BITFLIP : MUT_OVERWRITE, in, buf, n);

        *limits = rnd_below(&s, 8) == 0 ? &tight_limits : NULL;

        snprintf(current, sizeof current, "case %llu (seed %llu): %s, %s%s%s, %zu bytes\n", c,
                 (unsigned long long)seed, in->name, mut_names[kind], extra ? " + more" : "",
                 *limits ? ", tight limits" : "", n);
        return n;
}

static void usage(void)
{
        fprintf(stderr,
                "usage: fuzz_corrupt [--seed N] [--count N] [--seconds S] [--case N [--dump FILE]] DIR\n"
                "  DIR        the sightglass folder: every DIR/*/*.wasm is a starting module\n"
                "  --seed     PRNG seed (default %d)\n"
                "  --count    most cases to run (default %d)\n"
                "  --seconds  wall-clock budget (default %.0f)\n"
                "  --case     run only case N of the seed, e.g. to replay a failure\n"
                "  --dump     with --case: write the corrupted module to FILE\n",
                DEFAULT_SEED, DEFAULT_COUNT, DEFAULT_SECONDS);
}

int main(int argc, char **argv)
{
        uint64_t seed = DEFAULT_SEED;
        unsigned long long count = DEFAULT_COUNT, only = 0;
        bool has_only = false;
        double seconds = DEFAULT_SECONDS;
        const char *dir = NULL, *dump = NULL;

        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                const char *v = i + 1 < argc ? argv[i + 1] : NULL;
                if (a[0] != '-') {
                        dir = a;
                        continue;
                }
                if (!v) {
                        usage();
                        return 2;
                }
                i++;
                if (!strcmp(a, "--seed")) {
                        seed = strtoull(v, NULL, 0);
                } else if (!strcmp(a, "--count")) {
                        count = strtoull(v, NULL, 0);
                } else if (!strcmp(a, "--seconds")) {
                        seconds = strtod(v, NULL);
                } else if (!strcmp(a, "--case")) {
                        only = strtoull(v, NULL, 0);
                        has_only = true;
                } else if (!strcmp(a, "--dump")) {
                        dump = v;
                } else {
                        usage();
                        return 2;
                }
        }
        if (!dir || (dump && !has_only)) {
                usage();
                return 2;
        }

        struct stat stbuf;
        if (stat(dir, &stbuf) != 0 || !S_ISDIR(stbuf.st_mode)) {
                printf("fuzz_corrupt: SKIP: sightglass directory %s not found\n", dir);
                return 77;
        }

        add_input("seed:mvp", seed_mvp, sizeof seed_mvp);
        add_input("seed:v2", seed_v2, sizeof seed_v2);
        add_input("seed:names", seed_names, sizeof seed_names);
        add_input("seed:empty", seed_empty, sizeof seed_empty);
        nseeds = ninputs;
        if (!load_dir(dir))
                return 1;
        if (ninputs == nseeds) {
                fprintf(stderr, "fuzz_corrupt: FAIL: no */*.wasm under %s\n", dir);
                return 1;
        }

        install_handlers();
        stats st;
        memset(&st, 0, sizeof st);
        wsbx_error err;

        /* The originals must all be accepted before their corruptions mean
         * anything. */
        size_t maxlen = 0;
        for (size_t i = 0; i < ninputs; i++) {
                if (inputs[i].len > maxlen)
                        maxlen = inputs[i].len;
                snprintf(current, sizeof current, "original %s (%zu bytes)\n", inputs[i].name,
                         inputs[i].len);
                alarm(CASE_TIMEOUT);
                if (decode_checked(&st, inputs[i].bytes, inputs[i].len, NULL, &err) != WSBX_OK)
                        fail(&st, "valid module rejected: %s at offset %zu", err.msg, err.offset);
        }
        alarm(0);

        uint8_t *buf = xrealloc(NULL, maxlen + MAX_GROW);
        unsigned long long first = has_only ? only : 0, last = has_only ? only + 1 : count;
        unsigned long long c;
        double t0 = now(), elapsed = 0;
        bool out_of_time = false;

        for (c = first; c < last; c++) {
                /* Checking the clock every case costs nothing next to a
                 * decode and keeps the budget exact. */
                elapsed = now() - t0;
                if (!has_only && elapsed >= seconds) {
                        out_of_time = true;
                        break;
                }
                const wsbx_limits_cfg *limits;
                size_t n = make_case(seed, c, buf, &limits);
                if (dump) {
                        FILE *f = fopen(dump, "wb");
                        if (!f || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
                                fprintf(stderr, "fuzz_corrupt: cannot write %s\n", dump);
                                return 1;
                        }
                }
                alarm(CASE_TIMEOUT);
                wsbx_errkind k = decode_checked(&st, buf, n, limits, &err);
                if (k >= WSBX_OK && k <= WSBX_ERR_IO)
                        st.kinds[k]++;
                if (has_only)
                        printf("%s-> %s: %s (offset %zu)\n", current, wsbx_errkind_name(k),
                               k == WSBX_OK ? "" : err.msg, k == WSBX_OK ? (size_t)0 : err.offset);

                /* Every 16th case decodes twice: the same bytes must give
                 * the same answer (catches reads of uninitialized state). */
                if ((c & 15) == 0 && k != WSBX_OK) {
                        wsbx_error again;
                        wsbx_errkind k2 = decode_checked(&st, buf, n, limits, &again);
                        if (k2 != k || again.offset != err.offset || strcmp(again.msg, err.msg) != 0)
                                fail(&st, "second decode disagrees: %s at %zu, then %s at %zu",
                                     err.msg, err.offset, again.msg, again.offset);
                }
        }
        alarm(0);
        elapsed = now() - t0;
        free(buf);

        printf("fuzz_corrupt: %llu cases in %.1f s (%s) over %zu modules, seed %llu: "
               "%llu ok, %llu malformed, %llu invalid, %llu limit, %llu nomem; %llu failures\n",
               c - first, elapsed, out_of_time ? "time limit" : "count reached", ninputs,
               (unsigned long long)seed, st.kinds[WSBX_OK], st.kinds[WSBX_ERR_MALFORMED],
               st.kinds[WSBX_ERR_INVALID], st.kinds[WSBX_ERR_LIMIT], st.kinds[WSBX_ERR_NOMEM],
               st.failures);

        for (size_t i = 0; i < ninputs; i++) {
                free(inputs[i].name);
                free(inputs[i].bytes);
                free(inputs[i].sites);
        }
        free(inputs);
        return st.failures ? 1 : 0;
}
