/* cache.c - SHA-256 and the on-disk compile cache.
 *
 * SHA-256 follows FIPS 180-4 directly, with the x86 SHA extensions where
 * the CPU has them (about 4x faster; the key of a large module is hashed
 * on every cached run); tests/unit/test_cache.c checks it against the
 * standard's vectors.
 *
 * The cache is a flat directory:
 *   <64 hex digits>.cwasm   one artifact per key (wsbx_cache_key)
 *   .tmp-<pid>-<n>          an entry being written (renamed when whole)
 *   stats                   counters, five little-endian u64, and the lock
 * Readers open an entry by name and nothing else: rename is atomic, so
 * they see a whole file or none, and an entry evicted while open stays
 * readable through the open fd. Writers write a temporary file, fsync it
 * and rename it over the name; two writers of one key both rename a whole
 * file and the last one stays. Eviction and the counters take an
 * exclusive flock on `stats`; eviction orders entries by mtime, which a
 * hit refreshes (futimens), and unlinks the oldest until the total fits.
 * A crash leaves at most a temporary file, removed by a later eviction
 * pass once it is an hour old. The directory itself is not fsync'ed after
 * a rename: losing an entry in a crash costs one compile, and a damaged
 * entry is refused by the loader's verification and removed by the
 * caller, so nothing here is trusted.
 */
#include "engine.h"
#include "abi.h"

#include <dirent.h>
#include <elf.h>
#include <link.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* SHA-256                                                                  */
/* ------------------------------------------------------------------------ */

static const uint32_t K[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror(uint32_t x, unsigned n)
{
        return x >> n | x << (32 - n);
}

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
                w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
                       p[4 * i + 3];
        for (int i = 16; i < 64; i++) {
                uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
                uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; i++) {
                uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
                uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
                hh = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

#if defined(__x86_64__)
/* The SHA extensions (SHA-NI) do two rounds per instruction. State lives
 * as ABEF and CDGH halves; each group of four rounds adds four schedule
 * words to the constants, and every group after the fourth computes its
 * words from the previous sixteen (msg1: W[t-16] + s0(W[t-15]); plus
 * W[t-7]; msg2: + s1(W[t-2])). */
__attribute__((target("sha,sse4.1,ssse3")))
static void sha256_blocks_ni(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
        const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
        __m128i t = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);   /* D C B A */
        __m128i s1 = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);  /* H G F E */
        t = _mm_shuffle_epi32(t, 0xb1);                 /* C D A B */
        s1 = _mm_shuffle_epi32(s1, 0x1b);               /* E F G H */
        __m128i s0 = _mm_alignr_epi8(t, s1, 8);         /* A B E F */
        s1 = _mm_blend_epi16(s1, t, 0xf0);              /* C D G H */
        for (; nblocks; nblocks--, p += 64) {
                __m128i abef = s0, cdgh = s1, w[4];
                for (int g = 0; g < 16; g++) {
                        __m128i x;
                        if (g < 4)
                                x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * g)),
                                                     bswap);
                        else
                                x = _mm_sha256msg2_epu32(
                                        _mm_add_epi32(_mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]),
                                                      _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4)),
                                        w[(g + 3) & 3]);
                        w[g & 3] = x;
                        __m128i m = _mm_add_epi32(x, _mm_loadu_si128((const __m128i *)(const void *)&K[4 * g]));
                        s1 = _mm_sha256rnds2_epu32(s1, s0, m);
                        s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0e));
                }
                s0 = _mm_add_epi32(s0, abef);
                s1 = _mm_add_epi32(s1, cdgh);
        }
        t = _mm_shuffle_epi32(s0, 0x1b);                /* F E B A */
        s1 = _mm_shuffle_epi32(s1, 0xb1);               /* D C H G */
        s0 = _mm_blend_epi16(t, s1, 0xf0);              /* D C B A */
        s1 = _mm_alignr_epi8(s1, t, 8);                 /* H G F E */
        _mm_storeu_si128((__m128i *)(void *)&h[0], s0);
        _mm_storeu_si128((__m128i *)(void *)&h[4], s1);
}

static bool have_sha_ni(void)
{
        /* 0 unknown, 1 no, 2 yes; racing first callers store the same. */
        static _Atomic int known;
        int k = atomic_load_explicit(&known, memory_order_relaxed);
        if (!k) {
                unsigned a, b, c, d;
                bool sse = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) && (c & bit_SSSE3);
                bool sha = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
                k = sse && sha ? 2 : 1;
                atomic_store_explicit(&known, k, memory_order_relaxed);
        }
        return k == 2;
}
#endif

static void sha256_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
#if defined(__x86_64__)
        if (have_sha_ni()) {
                sha256_blocks_ni(h, p, nblocks);
                return;
        }
#endif
        for (; nblocks; nblocks--, p += 64)
                sha256_block(h, p);
}

void wsbx_sha256_init(wsbx_sha256_ctx *c)
{
        static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
        memcpy(c->h, iv, sizeof iv);
        c->len = 0;
        c->used = 0;
}

void wsbx_sha256_update(wsbx_sha256_ctx *c, const void *data, size_t len)
{
        const uint8_t *p = data;
        c->len += len;
        if (c->used) {
                size_t n = 64 - c->used < len ? 64 - c->used : len;
                memcpy(c->block + c->used, p, n);
                c->used += (uint32_t)n;
                p += n;
                len -= n;
                if (c->used < 64)
                        return;
                sha256_blocks(c->h, c->block, 1);
                c->used = 0;
        }
        if (len >= 64) {
                sha256_blocks(c->h, p, len / 64);
                p += len / 64 * 64;
                len %= 64;
        }
        memcpy(c->block, p, len);
        c->used = (uint32_t)len;
}

void wsbx_sha256_final(wsbx_sha256_ctx *c, uint8_t out[32])
{
        uint64_t bits = c->len * 8;
        uint8_t pad[72] = {0x80};
        size_t n = (c->used < 56 ? 56 : 120) - c->used;
        for (int i = 0; i < 8; i++)
                pad[n + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
        wsbx_sha256_update(c, pad, n + 8);
        for (int i = 0; i < 8; i++) {
                out[4 * i] = (uint8_t)(c->h[i] >> 24);
                out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
                out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
                out[4 * i + 3] = (uint8_t)c->h[i];
        }
}

void wsbx_sha256(const void *data, size_t len, uint8_t out[32])
{
        wsbx_sha256_ctx c;
        wsbx_sha256_init(&c);
        wsbx_sha256_update(&c, data, len);
        wsbx_sha256_final(&c, out);
}

/* ------------------------------------------------------------------------ */
/* Keys                                                                     */
/* ------------------------------------------------------------------------ */

static void put_u64(wsbx_sha256_ctx *c, uint64_t v)
{
        uint8_t b[8];
        for (int i = 0; i < 8; i++)
                b[i] = (uint8_t)(v >> (8 * i));
        wsbx_sha256_update(c, b, 8);
}

/* The GNU build id of the program or library this code is in: a rebuilt
 * compiler with an unchanged version string must not find the old one's
 * artifacts. Empty when the linker wrote none. */
struct build_id {
        const void *self;
        const uint8_t *id;
        size_t len;
};

static int find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
        struct build_id *b = arg;
        uintptr_t self = (uintptr_t)b->self;
        bool mine = false;
        (void)size;
        for (int i = 0; i < info->dlpi_phnum && !mine; i++) {
                const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
                uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
                mine = ph->p_type == PT_LOAD && self >= lo && self - lo < ph->p_memsz;
        }
        if (!mine)
                return 0;
        for (int i = 0; i < info->dlpi_phnum; i++) {
                const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
                if (ph->p_type != PT_NOTE)
                        continue;
                const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;
                while (end - p >= (ptrdiff_t)sizeof(ElfW(Nhdr))) {
                        const ElfW(Nhdr) *n = (const void *)p;
                        size_t name = (n->n_namesz + 3u) & ~3u, desc = (n->n_descsz + 3u) & ~3u;
                        const uint8_t *d = p + sizeof *n + name;
                        if ((size_t)(end - p) < sizeof *n + name + desc)
                                break;
                        if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
                            !memcmp(p + sizeof *n, "GNU", 4)) {
                                b->id = d;
                                b->len = n->n_descsz;
                                return 1;
                        }
                        p = d + desc;
                }
        }
        return 1;
}

static const struct build_id *build_id(void)
{
        static struct build_id b;
        static atomic_bool done;
        if (!atomic_load_explicit(&done, memory_order_acquire)) {
                struct build_id t = { .self = (const void *)build_id };
                dl_iterate_phdr(find_build_id, &t);
                b = t;
                atomic_store_explicit(&done, true, memory_order_release);
        }
        return &b;
}

void wsbx_cache_key(const uint8_t *bytes, size_t len, const wsbx_compile_opts *opts,
                    uint64_t cpu_available, uint8_t key[32])
{
        static const wsbx_compile_opts defaults = {0};
        if (!opts)
                opts = &defaults;
        wsbx_sha256_ctx c;
        wsbx_sha256_init(&c);
        /* Fixed-width fields first, then the version string with its
         * length, then the module: no two inputs share an encoding. */
        static const char tag[16] = "wsbx-cache-key1";
        wsbx_sha256_update(&c, tag, sizeof tag);
        put_u64(&c, WSBX_ABI_VERSION);
        put_u64(&c, opts->cpu_features);
        put_u64(&c, cpu_available);
        put_u64(&c, (opts->epoch ? 1u : 0u) | (opts->bounds_checks ? 2u : 0u));
        put_u64(&c, strlen(WSBX_VERSION));
        wsbx_sha256_update(&c, WSBX_VERSION, strlen(WSBX_VERSION));
        const struct build_id *b = build_id();
        put_u64(&c, b->len);
        wsbx_sha256_update(&c, b->id, b->len);
        put_u64(&c, len);
        wsbx_sha256_update(&c, bytes, len);
        wsbx_sha256_final(&c, key);
}

/* ------------------------------------------------------------------------ */
/* The directory                                                            */
/* ------------------------------------------------------------------------ */

enum { ST_HITS, ST_MISSES, ST_STORES, ST_EVICTIONS, ST_REFUSED, ST_N };

struct wsbx_cache {
        int dirfd;
        int statsfd;            /* counters and the lock */
        uint64_t max_bytes;
        char dir[];
};

#define ENTRY_SUFFIX ".cwasm"
#define ENTRY_NAME_LEN (64 + sizeof ENTRY_SUFFIX - 1)
#define TMP_PREFIX ".tmp-"
#define TMP_MAX_AGE 3600        /* seconds before an orphan is removed */

int wsbx_cache_default_dir(char *buf, size_t size)
{
        const char *x = getenv("XDG_CACHE_HOME");
        int n;
        /* The spec says a relative XDG path is to be ignored. */
        if (x && x[0] == '/')
                n = snprintf(buf, size, "%s/wsbx", x);
        else if ((x = getenv("HOME")) && x[0])
                n = snprintf(buf, size, "%s/.cache/wsbx", x);
        else {
                if (size)
                        buf[0] = 0;
                return -ENOENT;
        }
        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* "123", "64K", "512M", "1G" -> bytes; 0 when malformed. */
uint64_t wsbx_parse_size(const char *s)
{
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || end == s)
                return 0;
        unsigned shift = 0;
        switch (*end) {
        case 'k': case 'K': shift = 10; end++; break;
        case 'm': case 'M': shift = 20; end++; break;
        case 'g': case 'G': shift = 30; end++; break;
        default: break;
        }
        if (*end == 'i' || *end == 'B')
                end += *end == 'i' && end[1] == 'B' ? 2 : 1;
        if (*end || v > (UINT64_MAX >> shift))
                return 0;
        return (uint64_t)v << shift;
}

/* mkdir -p, each level 0700. */
static int make_dirs(char *path)
{
        for (char *p = path + 1;; p++) {
                if (*p != '/' && *p != 0)
                        continue;
                char c = *p;
                *p = 0;
                int r = mkdir(path, 0700);
                int e = errno;
                *p = c;
                if (r < 0 && e != EEXIST)
                        return -e;
                if (!c)
                        return 0;
        }
}

int wsbx_cache_open(const char *dir, uint64_t max_bytes, wsbx_cache **out)
{
        char def[4096];
        *out = NULL;
        if (!dir) {
                int r = wsbx_cache_default_dir(def, sizeof def);
                if (r < 0)
                        return r;
                dir = def;
        }
        size_t dl = strlen(dir);
        if (dl == 0)
                return -EINVAL;
        wsbx_cache *c = calloc(1, sizeof *c + dl + 1);
        if (!c)
                return -ENOMEM;
        memcpy(c->dir, dir, dl + 1);
        c->statsfd = -1;
        int rc = make_dirs(c->dir);
        if (rc < 0)
                goto fail;
        c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (c->dirfd < 0) {
                rc = -errno;
                goto fail;
        }
        c->statsfd = openat(c->dirfd, "stats", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (c->statsfd < 0) {
                rc = -errno;
                close(c->dirfd);
                goto fail;
        }
        const char *env = getenv("WSBX_CACHE_SIZE");
        c->max_bytes = max_bytes ? max_bytes : env && wsbx_parse_size(env) ? wsbx_parse_size(env) : WSBX_CACHE_MAX_DEFAULT;
        *out = c;
        return 0;
fail:
        free(c);
        return rc;
}

void wsbx_cache_close(wsbx_cache *c)
{
        if (!c)
                return;
        close(c->statsfd);
        close(c->dirfd);
        free(c);
}

const char *wsbx_cache_dir(const wsbx_cache *c)
{
        return c->dir;
}

static void entry_name(const uint8_t key[32], char name[ENTRY_NAME_LEN + 1])
{
        static const char hex[] = "0123456789abcdef";
        for (int i = 0; i < 32; i++) {
                name[2 * i] = hex[key[i] >> 4];
                name[2 * i + 1] = hex[key[i] & 15];
        }
        memcpy(name + 64, ENTRY_SUFFIX, sizeof ENTRY_SUFFIX);
}

static bool is_entry_name(const char *n)
{
        if (strlen(n) != ENTRY_NAME_LEN || strcmp(n + 64, ENTRY_SUFFIX) != 0)
                return false;
        for (int i = 0; i < 64; i++)
                if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
                        return false;
        return true;
}

/* Counters: read-modify-write under the lock the caller holds. A short or
 * damaged file reads as zeros. */
static void stats_read(wsbx_cache *c, uint64_t v[ST_N])
{
        uint8_t b[ST_N * 8] = {0};
        ssize_t r = pread(c->statsfd, b, sizeof b, 0);
        if (r != (ssize_t)sizeof b)
                memset(b, 0, sizeof b);
        for (int i = 0; i < ST_N; i++) {
                v[i] = 0;
                for (int j = 0; j < 8; j++)
                        v[i] |= (uint64_t)b[8 * i + j] << (8 * j);
        }
}

static void stats_write(wsbx_cache *c, const uint64_t v[ST_N])
{
        uint8_t b[ST_N * 8];
        for (int i = 0; i < ST_N; i++)
                for (int j = 0; j < 8; j++)
                        b[8 * i + j] = (uint8_t)(v[i] >> (8 * j));
        if (pwrite(c->statsfd, b, sizeof b, 0) != (ssize_t)sizeof b)
                return; /* counters are advisory */
}

static void lock(wsbx_cache *c)
{
        while (flock(c->statsfd, LOCK_EX) < 0 && errno == EINTR)
                ;
}

static void unlock(wsbx_cache *c)
{
        flock(c->statsfd, LOCK_UN);
}

static void count(wsbx_cache *c, int which, uint64_t n)
{
        uint64_t v[ST_N];
        lock(c);
        stats_read(c, v);
        v[which] += n;
        stats_write(c, v);
        unlock(c);
}

void wsbx_cache_count_refused(wsbx_cache *c)
{
        /* The lookup that found it counted a hit; it was a miss. */
        uint64_t v[ST_N];
        lock(c);
        stats_read(c, v);
        v[ST_REFUSED]++;
        if (v[ST_HITS]) {
                v[ST_HITS]--;
                v[ST_MISSES]++;
        }
        stats_write(c, v);
        unlock(c);
}

int wsbx_cache_get(wsbx_cache *c, const uint8_t key[32])
{
        char name[ENTRY_NAME_LEN + 1];
        entry_name(key, name);
        int fd = openat(c->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
                int e = errno;
                count(c, ST_MISSES, 1);
                return e == ENOENT ? -ENOENT : -e;
        }
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                close(fd);
                count(c, ST_MISSES, 1);
                return -ENOENT;
        }
        /* Most recently used: mtime is the eviction order. */
        futimens(fd, NULL);
        count(c, ST_HITS, 1);
        return fd;
}

typedef struct ent {
        char name[ENTRY_NAME_LEN + 1];
        uint64_t size;
        struct timespec mtime;
} ent;

static int by_mtime(const void *a, const void *b)
{
        const ent *x = a, *y = b;
        if (x->mtime.tv_sec != y->mtime.tv_sec)
                return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
        if (x->mtime.tv_nsec != y->mtime.tv_nsec)
                return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
        return strcmp(x->name, y->name);
}

/* Lists the entries (and, with reap_tmp, removes temporaries older than
 * TMP_MAX_AGE, or all of them with reap_tmp > 1). *out is malloc'ed. */
static int scan(wsbx_cache *c, ent **out, size_t *n, uint64_t *total, int reap_tmp)
{
        *out = NULL;
        *n = 0;
        *total = 0;
        int fd = openat(c->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        DIR *d = fdopendir(fd);
        if (!d) {
                int e = errno;
                close(fd);
                return -e;
        }
        size_t cap = 0;
        ent *v = NULL;
        time_t now = time(NULL);
        struct dirent *de;
        int rc = 0;
        while ((de = readdir(d))) {
                struct stat st;
                bool tmp = strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0;
                if (!tmp && !is_entry_name(de->d_name))
                        continue;
                if (fstatat(c->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;       /* gone meanwhile */
                if (tmp) {
                        if (reap_tmp > 1 || (reap_tmp && now - st.st_mtime > TMP_MAX_AGE))
                                unlinkat(c->dirfd, de->d_name, 0);
                        continue;
                }
                if (*n == cap) {
                        size_t nc = cap ? cap * 2 : 64;
                        ent *nv = realloc(v, nc * sizeof *v);
                        if (!nv) {
                                rc = -ENOMEM;
                                break;
                        }
                        v = nv;
                        cap = nc;
                }
                memcpy(v[*n].name, de->d_name, ENTRY_NAME_LEN + 1);
                v[*n].size = (uint64_t)st.st_size;
                v[*n].mtime = st.st_mtim;
                *total += (uint64_t)st.st_size;
                (*n)++;
        }
        closedir(d);
        if (rc < 0) {
                free(v);
                *n = 0;
                return rc;
        }
        *out = v;
        return 0;
}

/* Under the lock: unlink least recently used entries while over the bound. */
static void evict(wsbx_cache *c)
{
        ent *v;
        size_t n;
        uint64_t total;
        if (scan(c, &v, &n, &total, 1) < 0)
                return;
        uint64_t evicted = 0;
        if (total > c->max_bytes) {
                qsort(v, n, sizeof *v, by_mtime);
                for (size_t i = 0; i < n && total > c->max_bytes; i++) {
                        if (unlinkat(c->dirfd, v[i].name, 0) == 0)
                                evicted++;
                        total -= v[i].size;
                }
        }
        free(v);
        if (evicted) {
                uint64_t s[ST_N];
                stats_read(c, s);
                s[ST_EVICTIONS] += evicted;
                stats_write(c, s);
        }
}

static int copy_fd(int dst, int src, uint64_t len)
{
        char buf[1 << 16];
        uint64_t off = 0;
        while (off < len) {
                size_t want = len - off < sizeof buf ? (size_t)(len - off) : sizeof buf;
                ssize_t r = pread(src, buf, want, (off_t)off);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                if (r == 0)
                        return -EIO;    /* shorter than it said */
                for (ssize_t w = 0; w < r;) {
                        ssize_t k = write(dst, buf + w, (size_t)(r - w));
                        if (k < 0 && errno == EINTR)
                                continue;
                        if (k < 0)
                                return -errno;
                        w += k;
                }
                off += (uint64_t)r;
        }
        return 0;
}

int wsbx_cache_put_fd(wsbx_cache *c, const uint8_t key[32], int fd, uint64_t len)
{
        static _Atomic unsigned seq;
        char name[ENTRY_NAME_LEN + 1], tmp[64];
        entry_name(key, name);
        if (len > c->max_bytes)
                return -EFBIG;  /* would evict everything, itself included */
        snprintf(tmp, sizeof tmp, TMP_PREFIX "%ld-%u", (long)getpid(), seq++);
        int t = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (t < 0)
                return -errno;
        int rc = copy_fd(t, fd, len);
        if (!rc && fsync(t) < 0)
                rc = -errno;
        if (close(t) < 0 && !rc)
                rc = -errno;
        if (!rc && renameat(c->dirfd, tmp, c->dirfd, name) < 0)
                rc = -errno;
        if (rc) {
                unlinkat(c->dirfd, tmp, 0);
                return rc;
        }
        lock(c);
        uint64_t s[ST_N];
        stats_read(c, s);
        s[ST_STORES]++;
        stats_write(c, s);
        evict(c);
        unlock(c);
        return 0;
}

int wsbx_cache_remove(wsbx_cache *c, const uint8_t key[32])
{
        char name[ENTRY_NAME_LEN + 1];
        entry_name(key, name);
        return unlinkat(c->dirfd, name, 0) < 0 ? -errno : 0;
}

int wsbx_cache_clear(wsbx_cache *c)
{
        lock(c);
        ent *v;
        size_t n;
        uint64_t total;
        int rc = scan(c, &v, &n, &total, 2);
        for (size_t i = 0; rc == 0 && i < n; i++)
                if (unlinkat(c->dirfd, v[i].name, 0) < 0 && errno != ENOENT)
                        rc = -errno;
        free(v);
        uint64_t s[ST_N] = {0};
        stats_write(c, s);
        unlock(c);
        return rc;
}

int wsbx_cache_stats_get(wsbx_cache *c, wsbx_cache_stats *st)
{
        memset(st, 0, sizeof *st);
        ent *v;
        size_t n;
        uint64_t total, s[ST_N];
        lock(c);
        int rc = scan(c, &v, &n, &total, 0);
        stats_read(c, s);
        unlock(c);
        if (rc < 0)
                return rc;
        free(v);
        st->entries = n;
        st->bytes = total;
        st->max_bytes = c->max_bytes;
        st->hits = s[ST_HITS];
        st->misses = s[ST_MISSES];
        st->stores = s[ST_STORES];
        st->evictions = s[ST_EVICTIONS];
        st->refused = s[ST_REFUSED];
        return 0;
}
