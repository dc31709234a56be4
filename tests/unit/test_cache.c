/* test_cache.c - SHA-256 against the standard's vectors; the compile cache:
 * keys, store and lookup, LRU eviction, clearing, refusal of corrupt
 * entries by the loader, and many processes at once. */
#include "engine.h"
#include "loader.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void hex(const uint8_t d[32], char out[65])
{
        for (int i = 0; i < 32; i++)
                sprintf(out + 2 * i, "%02x", d[i]);
}

static void expect_sha(const void *p, size_t n, const char *want)
{
        uint8_t d[32];
        char h[65];
        wsbx_sha256(p, n, d);
        hex(d, h);
        cr_assert_str_eq(h, want, "sha256 of %zu bytes", n);
}

Test(sha256, fips_180_vectors)
{
        expect_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        expect_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        expect_sha(m448, strlen(m448), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                           "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
        expect_sha(m896, strlen(m896), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
        char *a = malloc(1000000);
        memset(a, 'a', 1000000);
        expect_sha(a, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        free(a);
}

Test(sha256, incremental_equals_one_shot)
{
        uint8_t buf[1000], one[32], inc[32];
        for (int i = 0; i < 1000; i++)
                buf[i] = (uint8_t)(i * 7 + 3);
        /* Every length around the 55/56/64-byte padding edges, fed in
         * uneven pieces. */
        for (size_t n = 0; n < 300; n++) {
                wsbx_sha256(buf, n, one);
                wsbx_sha256_ctx c;
                wsbx_sha256_init(&c);
                size_t off = 0, step = 1;
                while (off < n) {
                        size_t k = step < n - off ? step : n - off;
                        wsbx_sha256_update(&c, buf + off, k);
                        off += k;
                        step = step * 3 % 67 + 1;
                }
                wsbx_sha256_final(&c, inc);
                cr_assert_eq(memcmp(one, inc, 32), 0, "length %zu", n);
        }
}

Test(cache, key_covers_bytes_settings_and_cpu)
{
        const uint8_t mod[] = "(module)";
        uint8_t k0[32], k[32];
        wsbx_compile_opts o = {0};
        wsbx_cache_key(mod, 8, NULL, 0x3f, k0);
        wsbx_cache_key(mod, 8, &o, 0x3f, k);
        cr_assert_eq(memcmp(k0, k, 32), 0, "NULL opts are the defaults");
        o.threads = 4;
        wsbx_cache_key(mod, 8, &o, 0x3f, k);
        cr_assert_eq(memcmp(k0, k, 32), 0, "the thread count does not change the code");
        wsbx_cache_key(mod, 7, NULL, 0x3f, k);
        cr_assert_neq(memcmp(k0, k, 32), 0, "bytes");
        wsbx_cache_key(mod, 8, NULL, 0x3e, k);
        cr_assert_neq(memcmp(k0, k, 32), 0, "cpu features available");
        o = (wsbx_compile_opts){.epoch = true};
        wsbx_cache_key(mod, 8, &o, 0x3f, k);
        cr_assert_neq(memcmp(k0, k, 32), 0, "epoch");
        o = (wsbx_compile_opts){.bounds_checks = true};
        wsbx_cache_key(mod, 8, &o, 0x3f, k);
        cr_assert_neq(memcmp(k0, k, 32), 0, "bounds checks");
        o = (wsbx_compile_opts){.cpu_features = 1};
        wsbx_cache_key(mod, 8, &o, 0x3f, k);
        cr_assert_neq(memcmp(k0, k, 32), 0, "pinned cpu features");
}

/* ---- helpers ---- */

static char *tmpdir(void)
{
        char *d = strdup("/tmp/wsbx-cache-test-XXXXXX");
        cr_assert_not_null(mkdtemp(d));
        return d;
}

static void rmtree(const char *d)
{
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
        cr_assert_eq(system(cmd), 0);
}

static int memfd_of(const void *p, size_t n)
{
        int fd = memfd_create("t", MFD_CLOEXEC);
        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, p, n), (ssize_t)n);
        return fd;
}

static void put(wsbx_cache *c, const uint8_t key[32], const void *p, size_t n)
{
        int fd = memfd_of(p, n);
        cr_assert_eq(wsbx_cache_put_fd(c, key, fd, n), 0);
        close(fd);
}

static bool same_content(int fd, const void *p, size_t n)
{
        struct stat st;
        if (fstat(fd, &st) < 0 || (size_t)st.st_size != n)
                return false;
        uint8_t *b = malloc(n ? n : 1);
        bool ok = pread(fd, b, n, 0) == (ssize_t)n && memcmp(b, p, n) == 0;
        free(b);
        return ok;
}

static void key_of(int i, uint8_t key[32])
{
        char s[32];
        snprintf(s, sizeof s, "module %d", i);
        wsbx_cache_key((const uint8_t *)s, strlen(s), NULL, 0, key);
}

static unsigned count_files(const char *dir)
{
        DIR *d = opendir(dir);
        unsigned n = 0;
        struct dirent *de;
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && strcmp(de->d_name, "stats") != 0)
                        n++;
        closedir(d);
        return n;
}

Test(cache, store_lookup_remove_clear)
{
        char *d = tmpdir();
        char sub[300];
        snprintf(sub, sizeof sub, "%s/a/b/wsbx", d);
        wsbx_cache *c;
        cr_assert_eq(wsbx_cache_open(sub, 1 << 20, &c), 0, "creates missing parents");
        cr_assert_str_eq(wsbx_cache_dir(c), sub);
        uint8_t k1[32], k2[32];
        key_of(1, k1);
        key_of(2, k2);
        cr_assert_eq(wsbx_cache_get(c, k1), -ENOENT);
        put(c, k1, "hello", 5);
        int fd = wsbx_cache_get(c, k1);
        cr_assert_geq(fd, 0);
        cr_assert(same_content(fd, "hello", 5));
        close(fd);
        /* Overwriting a key replaces the entry whole. */
        put(c, k1, "goodbye", 7);
        fd = wsbx_cache_get(c, k1);
        cr_assert(same_content(fd, "goodbye", 7));
        close(fd);
        cr_assert_eq(wsbx_cache_get(c, k2), -ENOENT);
        wsbx_cache_stats st;
        cr_assert_eq(wsbx_cache_stats_get(c, &st), 0);
        cr_assert_eq(st.entries, 1);
        cr_assert_eq(st.bytes, 7);
        cr_assert_eq(st.hits, 2);
        cr_assert_eq(st.misses, 2);
        cr_assert_eq(st.stores, 2);
        cr_assert_eq(st.max_bytes, 1 << 20);
        cr_assert_eq(count_files(sub), 1, "no temporary file left behind");
        cr_assert_eq(wsbx_cache_remove(c, k1), 0);
        cr_assert_eq(wsbx_cache_remove(c, k1), -ENOENT);
        put(c, k2, "x", 1);
        cr_assert_eq(wsbx_cache_clear(c), 0);
        cr_assert_eq(wsbx_cache_stats_get(c, &st), 0);
        cr_assert_eq(st.entries + st.hits + st.misses + st.stores, 0);
        cr_assert_eq(wsbx_cache_get(c, k2), -ENOENT);
        /* An entry larger than the whole bound is not stored. */
        wsbx_cache_close(c);
        cr_assert_eq(wsbx_cache_open(sub, 4, &c), 0);
        int big = memfd_of("0123456789", 10);
        cr_assert_eq(wsbx_cache_put_fd(c, k1, big, 10), -EFBIG);
        close(big);
        wsbx_cache_close(c);
        rmtree(d);
        free(d);
}

Test(cache, default_dir_and_size_from_environment)
{
        char buf[256];
        setenv("XDG_CACHE_HOME", "/x/y", 1);
        cr_assert_eq(wsbx_cache_default_dir(buf, sizeof buf), 0);
        cr_assert_str_eq(buf, "/x/y/wsbx");
        setenv("XDG_CACHE_HOME", "relative", 1);
        setenv("HOME", "/home/u", 1);
        cr_assert_eq(wsbx_cache_default_dir(buf, sizeof buf), 0);
        cr_assert_str_eq(buf, "/home/u/.cache/wsbx");
        unsetenv("XDG_CACHE_HOME");
        unsetenv("HOME");
        cr_assert_eq(wsbx_cache_default_dir(buf, sizeof buf), -ENOENT);
        char *d = tmpdir();
        wsbx_cache *c;
        wsbx_cache_stats st;
        setenv("WSBX_CACHE_SIZE", "3M", 1);
        cr_assert_eq(wsbx_cache_open(d, 0, &c), 0);
        cr_assert_eq(wsbx_cache_stats_get(c, &st), 0);
        cr_assert_eq(st.max_bytes, 3 << 20);
        wsbx_cache_close(c);
        setenv("WSBX_CACHE_SIZE", "nonsense", 1);
        cr_assert_eq(wsbx_cache_open(d, 0, &c), 0);
        cr_assert_eq(wsbx_cache_stats_get(c, &st), 0);
        cr_assert_eq(st.max_bytes, WSBX_CACHE_MAX_DEFAULT);
        wsbx_cache_close(c);
        rmtree(d);
        free(d);
}

Test(cache, least_recently_used_is_evicted)
{
        char *d = tmpdir();
        wsbx_cache *c;
        cr_assert_eq(wsbx_cache_open(d, 3000, &c), 0);
        uint8_t k[4][32];
        char blob[1000];
        memset(blob, 'z', sizeof blob);
        for (int i = 0; i < 3; i++) {
                key_of(i, k[i]);
                put(c, k[i], blob, sizeof blob);
                /* Distinct mtimes even on coarse clocks. */
                struct timespec ts = {0, 20 * 1000 * 1000};
                nanosleep(&ts, NULL);
        }
        /* Use entry 0: entry 1 becomes the least recently used. */
        int fd = wsbx_cache_get(c, k[0]);
        cr_assert_geq(fd, 0);
        close(fd);
        key_of(3, k[3]);
        put(c, k[3], blob, sizeof blob);
        fd = wsbx_cache_get(c, k[1]);
        cr_assert_eq(fd, -ENOENT, "the least recently used entry was evicted");
        for (int i = 0; i < 4; i++) {
                if (i == 1)
                        continue;
                fd = wsbx_cache_get(c, k[i]);
                cr_assert_geq(fd, 0, "entry %d kept", i);
                close(fd);
        }
        wsbx_cache_stats st;
        cr_assert_eq(wsbx_cache_stats_get(c, &st), 0);
        cr_assert_eq(st.evictions, 1);
        cr_assert_leq(st.bytes, 3000);
        wsbx_cache_close(c);
        rmtree(d);
        free(d);
}

Test(cache, corrupt_entry_is_refused_by_the_loader)
{
        /* The cache hands out whatever is in the file; the loader's
         * verification is what refuses a damaged one. */
        wsbx_module *m;
        wsbx_error err;
        const char *wat = "(module (func (export \"f\") (result i32) i32.const 7))";
        cr_assert_eq(wsbx_module_load((const uint8_t *)wat, strlen(wat), NULL, &m, &err), WSBX_OK);
        uint8_t *art;
        size_t len;
        cr_assert_eq(wsbx_compile(m, NULL, &art, &len, &err), WSBX_OK);
        wsbx_module_delete(m);
        char *d = tmpdir();
        wsbx_cache *c;
        cr_assert_eq(wsbx_cache_open(d, 0, &c), 0);
        uint8_t key[32];
        wsbx_cache_key((const uint8_t *)wat, strlen(wat), NULL, wsbx_cpu_features(), key);
        art[len / 2] ^= 0xff;
        art[100] ^= 0x55;
        put(c, key, art, len / 2); /* truncated and flipped */
        int fd = wsbx_cache_get(c, key);
        cr_assert_geq(fd, 0);
        void *map = mmap(NULL, len / 2, PROT_READ, MAP_PRIVATE, fd, 0);
        cr_assert_neq(map, MAP_FAILED);
        wsbx_artifact a;
        wsbx_lerr le;
        cr_assert_lt(wsbx_artifact_open(map, len / 2, wsbx_cpu_features(), &a, &le), 0);
        cr_assert(strncmp(le.msg, "artifact: ", 10) == 0, "%s", le.msg);
        munmap(map, len / 2);
        close(fd);
        free(art);
        wsbx_cache_close(c);
        rmtree(d);
        free(d);
}

/* Eight processes on one small cache directory: four modules (so two
 * processes share each key), each process looking up and storing many
 * times while eviction runs; every hit must be exactly its module's
 * artifact, whole. */
#define PROCS 8
#define ROUNDS 150

static void blob_of(int mod, uint8_t *b, size_t n)
{
        for (size_t i = 0; i < n; i++)
                b[i] = (uint8_t)(mod * 31 + i * 7 + i / 251);
}

Test(cache, eight_processes_at_once, .timeout = 60)
{
        char *d = tmpdir();
        enum { N = 200000 };
        pid_t pids[PROCS];
        for (int p = 0; p < PROCS; p++) {
                pids[p] = fork();
                cr_assert_geq(pids[p], 0);
                if (pids[p])
                        continue;
                int bad = 0;
                uint8_t *want = malloc(N), *got = malloc(N);
                wsbx_cache *c;
                /* Room for two of the four entries: eviction all along. */
                if (wsbx_cache_open(d, 2 * N + N / 2, &c) < 0)
                        _exit(2);
                for (int r = 0; r < ROUNDS; r++) {
                        int mod = (p + r) % 4;
                        uint8_t key[32];
                        key_of(mod, key);
                        blob_of(mod, want, N);
                        int fd = wsbx_cache_get(c, key);
                        if (fd >= 0) {
                                struct stat st;
                                if (fstat(fd, &st) < 0 || st.st_size != N ||
                                    pread(fd, got, N, 0) != N || memcmp(got, want, N) != 0)
                                        bad++;
                                close(fd);
                        } else {
                                int mfd = memfd_create("t", MFD_CLOEXEC);
                                if (write(mfd, want, N) != N || wsbx_cache_put_fd(c, key, mfd, N) < 0)
                                        bad++;
                                close(mfd);
                        }
                }
                wsbx_cache_close(c);
                free(want);
                free(got);
                _exit(bad ? 1 : 0);
        }
        for (int p = 0; p < PROCS; p++) {
                int st;
                cr_assert_eq(waitpid(pids[p], &st, 0), pids[p]);
                cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "process %d saw a bad entry (status 0x%x)", p,
                          st);
        }
        wsbx_cache *c;
        wsbx_cache_stats st;
        cr_assert_eq(wsbx_cache_open(d, 2 * N + N / 2, &c), 0);
        cr_assert_eq(wsbx_cache_stats_get(c, &st), 0);
        cr_assert_eq(st.hits + st.misses, PROCS * ROUNDS, "every lookup counted");
        cr_assert_gt(st.hits, 0);
        cr_assert_gt(st.evictions, 0);
        cr_assert_leq(st.bytes, 2 * N + N / 2);
        wsbx_cache_close(c);
        cr_assert_leq(count_files(d), 2, "no temporary files left, at most two entries");
        rmtree(d);
        free(d);
}
