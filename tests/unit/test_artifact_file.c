/* test_artifact_file.c - artifacts as files: wsbx_load_fd maps .text and
 * memory images straight from the file (no copy), and refuses, naming the
 * cause, an artifact from another wsbx version, one needing a CPU feature
 * this machine lacks, one with settings this runtime does not know or a
 * run needs, and truncated or corrupted files. */
#include "engine.h"
#include "loader.h"

#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* 64 KiB of data: dense enough for a copy-on-write image. */
#define WAT \
        "(module (memory (export \"mem\") 2)\n"                                                   \
        " (func (export \"at\") (param i32) (result i32) (i32.load8_u (local.get 0)))\n"               \
        " (func (export \"twice\") (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))\n" \
        " (data (i32.const 0) \"%s\"))"

static uint8_t *compile_wat(size_t *len, const wsbx_compile_opts *o)
{
        size_t n = 65536;
        char *fill = malloc(n + 1);
        for (size_t i = 0; i < n; i++)
                fill[i] = (char)('a' + i % 26);
        fill[n] = 0;
        char *src = malloc(n + 512);
        int sl = snprintf(src, n + 512, WAT, fill);
        wsbx_module *m;
        wsbx_error e;
        cr_assert_eq(wsbx_module_load((const uint8_t *)src, (size_t)sl, NULL, &m, &e), WSBX_OK, "%s", e.msg);
        uint8_t *art;
        cr_assert_eq(wsbx_compile(m, o, &art, len, &e), WSBX_OK, "%s", e.msg);
        wsbx_module_delete(m);
        free(src);
        free(fill);
        return art;
}

static char path[64];

static int write_tmp(const uint8_t *p, size_t n)
{
        strcpy(path, "/tmp/wsbx-art-XXXXXX");
        int fd = mkstemp(path);
        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, p, n), (ssize_t)n);
        return fd;
}

static Elf64_Shdr *section(uint8_t *b, const char *name)
{
        Elf64_Ehdr *eh = (Elf64_Ehdr *)(void *)b;
        Elf64_Shdr *sh = (Elf64_Shdr *)(void *)(b + eh->e_shoff);
        const char *names = (const char *)b + sh[eh->e_shstrndx].sh_offset;
        for (unsigned i = 0; i < eh->e_shnum; i++)
                if (strcmp(names + sh[i].sh_name, name) == 0)
                        return &sh[i];
        cr_assert_fail("no section %s", name);
        return NULL;
}

static wsbx_art_compat *compat(uint8_t *b)
{
        return (wsbx_art_compat *)(void *)(b + section(b, ".wsbx.compat")->sh_offset);
}

/* Loads a (changed) copy from a file; returns the rc and the message. */
static int load_copy(const uint8_t *art, size_t len, size_t keep, void (*change)(uint8_t *, size_t), char *msg)
{
        uint8_t *c = malloc(len);
        memcpy(c, art, len);
        if (change)
                change(c, len);
        int fd = write_tmp(c, keep);
        free(c);
        wsbx_store *s;
        cr_assert_eq(wsbx_store_new(NULL, &s), 0);
        wsbx_loaded *l;
        wsbx_lerr le = {{0}};
        int rc = wsbx_load_fd(s, fd, &l, &le);
        strcpy(msg, le.msg);
        wsbx_store_delete(s);
        close(fd);
        unlink(path);
        return rc;
}

static bool mapped_from(const char *file, const char *perms)
{
        FILE *f = fopen("/proc/self/maps", "r");
        char line[512];
        bool found = false;
        while (fgets(line, sizeof line, f))
                if (strstr(line, file) && strstr(line, perms))
                        found = true;
        fclose(f);
        return found;
}

Test(artifact_file, code_and_image_are_mapped_from_the_file)
{
        size_t len;
        uint8_t *art = compile_wat(&len, NULL);
        int fd = write_tmp(art, len);
        wsbx_store *s;
        cr_assert_eq(wsbx_store_new(NULL, &s), 0);
        wsbx_loaded *l;
        wsbx_lerr le;
        cr_assert_eq(wsbx_load_fd(s, fd, &l, &le), 0, "%s", le.msg);
        close(fd);
        cr_assert_not_null(wsbx_loaded_artifact(l)->images[0].bytes, "the data became an image");
        wsbx_instance *in;
        wsbx_trap_info trap;
        cr_assert_eq(wsbx_instantiate(s, l, NULL, 0, &in, &trap, &le), 0, "%s", le.msg);
        /* .text read+execute, the image private, both from the file. */
        cr_assert(mapped_from(path, "r-xp"), "code mapped from %s", path);
        cr_assert(mapped_from(path, "rw-p") || mapped_from(path, "r--p"), "image mapped from %s", path);
        cr_assert_not(mapped_from(path, "rwx"), "never writable and executable");
        wsbx_extern x;
        cr_assert_eq(wsbx_instance_export(in, "at", 2, &x), 0);
        for (uint32_t a = 0; a < 65536; a += 4099) {
                wsbx_val_raw v[1] = {{.i32 = a}};
                cr_assert_eq(wsbx_invoke(s, x.u.func, v, 1, &trap), 0);
                cr_assert_eq(v[0].i32, (uint32_t)('a' + a % 26), "byte %u", a);
        }
        wsbx_store_delete(s);
        unlink(path);
        free(art);
}

static void other_version(uint8_t *b, size_t n)
{
        (void)n;
        memset(compat(b)->wsbx_version, 0, sizeof compat(b)->wsbx_version);
        strcpy(compat(b)->wsbx_version, "0.0.1-other");
}

static uint64_t lacking;
static void needs_lacking_cpu(uint8_t *b, size_t n)
{
        (void)n;
        compat(b)->cpu_features |= lacking;
}

static void unknown_settings(uint8_t *b, size_t n)
{
        (void)n;
        compat(b)->settings |= 1u << 9;
}

static void corrupt_meta(uint8_t *b, size_t n)
{
        (void)n;
        Elf64_Shdr *m = section(b, ".wsbx.meta");
        /* The metadata's version word and a table offset. */
        memset(b + m->sh_offset, 0xee, 16);
}

static void corrupt_text_offset(uint8_t *b, size_t n)
{
        section(b, ".text")->sh_offset = n + 4096;
}

Test(artifact_file, refusals_name_the_cause)
{
        size_t len;
        char msg[256];
        uint8_t *art = compile_wat(&len, NULL);

        cr_assert_eq(load_copy(art, len, len, NULL, msg), 0, "%s", msg);

        cr_assert_eq(load_copy(art, len, len, other_version, msg), -ENOEXEC);
        cr_assert(strstr(msg, "compiled by wsbx 0.0.1-other"), "%s", msg);
        cr_assert(strstr(msg, WSBX_VERSION), "names this version too: %s", msg);

        cr_assert_eq(load_copy(art, len, len, unknown_settings, msg), -ENOEXEC);
        cr_assert(strstr(msg, "unknown settings 0x200"), "%s", msg);

        uint64_t have = wsbx_cpu_features();
        lacking = 0;
        for (uint64_t bit = 1; bit & WSBX_CPU_ALL; bit <<= 1)
                if (!(have & bit)) {
                        lacking = bit;
                        break;
                }
        if (lacking) {
                char want[96];
                snprintf(want, sizeof want, "code needs CPU feature %s, which this CPU lacks",
                         wsbx_cpu_feature_name(lacking));
                cr_assert_eq(load_copy(art, len, len, needs_lacking_cpu, msg), -ENOEXEC);
                cr_assert(strstr(msg, want), "%s", msg);
        } else {
                /* This CPU has every feature the compiler uses: the same
                 * check on a read-only mapping of the file, as if avx2
                 * were missing. */
                lacking = WSBX_CPU_AVX2;
                uint8_t *c = malloc(len);
                memcpy(c, art, len);
                needs_lacking_cpu(c, len);
                int fd = write_tmp(c, len);
                free(c);
                void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
                cr_assert_neq(map, MAP_FAILED);
                wsbx_artifact a;
                wsbx_lerr le;
                cr_assert_eq(wsbx_artifact_open(map, len, WSBX_CPU_ALL & ~(uint64_t)WSBX_CPU_AVX2, &a, &le),
                             -ENOEXEC);
                cr_assert(strstr(le.msg, "code needs CPU feature avx2, which this CPU lacks"), "%s", le.msg);
                cr_assert_eq(wsbx_artifact_open(map, len, WSBX_CPU_ALL, &a, &le), 0, "%s", le.msg);
                wsbx_artifact_close(&a);
                munmap(map, len);
                close(fd);
                unlink(path);
        }

        for (size_t keep = 0; keep < len; keep += keep < 256 ? 1 : 4093) {
                int rc = load_copy(art, len, keep, NULL, msg);
                cr_assert(rc == -ENOEXEC || rc == -EINVAL, "truncated to %zu: rc %d", keep, rc);
                cr_assert(strncmp(msg, "artifact", 8) == 0, "truncated to %zu: %s", keep, msg);
        }

        int rc = load_copy(art, len, len, corrupt_meta, msg);
        cr_assert(rc == -EINVAL || rc == -ENOEXEC, "rc %d: %s", rc, msg);
        cr_assert(strstr(msg, ".wsbx.meta"), "%s", msg);
        rc = load_copy(art, len, len, corrupt_text_offset, msg);
        cr_assert_eq(rc, -EINVAL, "%s", msg);
        cr_assert(strstr(msg, "artifact: "), "%s", msg);
        free(art);
}

Test(artifact_file, settings_a_run_needs)
{
        size_t len;
        wsbx_lerr le;
        wsbx_artifact a;
        uint8_t *plain = compile_wat(&len, NULL);
        cr_assert_eq(wsbx_artifact_open(plain, len, wsbx_cpu_features(), &a, &le), 0, "%s", le.msg);
        cr_assert_eq(wsbx_artifact_require_settings(&a, 0, &le), 0);
        cr_assert_eq(wsbx_artifact_require_settings(&a, WSBX_ART_SET_EPOCH, &le), -ENOEXEC);
        cr_assert(strstr(le.msg, "compiled without epoch checks"), "%s", le.msg);
        wsbx_artifact_close(&a);
        free(plain);
        wsbx_compile_opts o = {.epoch = true};
        uint8_t *ep = compile_wat(&len, &o);
        cr_assert_eq(wsbx_artifact_open(ep, len, wsbx_cpu_features(), &a, &le), 0, "%s", le.msg);
        cr_assert_eq(wsbx_artifact_require_settings(&a, WSBX_ART_SET_EPOCH, &le), 0);
        cr_assert_eq(wsbx_artifact_require_settings(&a, WSBX_ART_SET_BOUNDS_CHECKS, &le), -ENOEXEC);
        cr_assert(strstr(le.msg, "bounds checks"), "%s", le.msg);
        wsbx_artifact_close(&a);
        free(ep);
}
