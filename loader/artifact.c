/* artifact.c - reading and verifying compiled artifacts.
 *
 * An artifact comes back from a compile worker, so every byte of it is
 * hostile. wsbx_artifact_open checks it from the outside in: the ELF
 * header, every section header, the set of sections, the compat record,
 * then every record of .wsbx.meta, .wsbx.traps, .wsbx.addrmap and
 * .wsbx.names, and last the memory images. Each check compares a number
 * from the file against a bound already verified, with 64-bit arithmetic
 * where a sum of two 32-bit fields could wrap, so there is no point after
 * which a later read can run out of the buffer. Loops run over counts that
 * have been checked against section sizes, so the work is linear in the
 * input; the one allocation (the image array) is bounded the same way.
 * Reserved and padding fields must be zero: they are free to carry a
 * meaning in a later version only if today's writer never sets them.
 *
 * The view keeps typed pointers into the caller's bytes, so the buffer and
 * every record table must be 8-byte aligned; the writer aligns them and we
 * refuse what is not.
 *
 * Errors: -ENOEXEC when the file is not ours to run (not ELF, another
 * machine, ABI, version or CPU), -EINVAL when it is corrupt. The message
 * always starts with "artifact: " and names the section, record and field.
 */
#include "loader.h"

#include <cpuid.h>
#include <pthread.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "artifact records are read in host order, which must be little-endian"
#endif

/* ------------------------------------------------------------------------ */
/* CPU features                                                             */
/* ------------------------------------------------------------------------ */

static const char *const cpu_names[] = {"sse4.1", "sse4.2", "popcnt", "lzcnt", "bmi1",
                                        "bmi2",   "avx",    "avx2",   "fma"};

const char *wsbx_cpu_feature_name(uint64_t bit)
{
        for (unsigned i = 0; i < sizeof cpu_names / sizeof cpu_names[0]; i++)
                if (bit == (1ull << i))
                        return cpu_names[i];
        return "?";
}

static uint64_t cpu_features_uncached(void)
{
        unsigned a, b, c, d;
        uint64_t f = 0;
        if (!__get_cpuid(1, &a, &b, &c, &d))
                return 0;
        if (c & bit_SSE4_1)
                f |= WSBX_CPU_SSE41;
        if (c & bit_SSE4_2)
                f |= WSBX_CPU_SSE42;
        if (c & bit_POPCNT)
                f |= WSBX_CPU_POPCNT;
        if (c & bit_FMA)
                f |= WSBX_CPU_FMA;
        /* AVX needs the OS to save ymm state too (OSXSAVE + XCR0 bits 1-2). */
        bool ymm = false;
        if ((c & bit_OSXSAVE) && (c & bit_AVX)) {
                unsigned lo, hi;
                __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
                ymm = (lo & 6) == 6;
        }
        if (ymm)
                f |= WSBX_CPU_AVX;
        else
                f &= ~(uint64_t)WSBX_CPU_FMA;
        if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
                if (b & bit_BMI)
                        f |= WSBX_CPU_BMI1;
                if (b & bit_BMI2)
                        f |= WSBX_CPU_BMI2;
                if ((b & bit_AVX2) && ymm)
                        f |= WSBX_CPU_AVX2;
        }
        if (__get_cpuid(0x80000001, &a, &b, &c, &d) && (c & bit_LZCNT))
                f |= WSBX_CPU_LZCNT;
        return f;
}

/* Every artifact load asks; cpuid traps to the hypervisor in a VM and costs
 * microseconds, and the answer is fixed for the process, so ask once. */
static uint64_t cpu_features_cached;
static pthread_once_t cpu_features_once = PTHREAD_ONCE_INIT;

static void cpu_features_init(void)
{
        cpu_features_cached = cpu_features_uncached();
}

uint64_t wsbx_cpu_features(void)
{
        pthread_once(&cpu_features_once, cpu_features_init);
        return cpu_features_cached;
}

/* ------------------------------------------------------------------------ */
/* Verification helpers                                                     */
/* ------------------------------------------------------------------------ */

typedef struct ctx {
        const uint8_t *bytes;
        size_t len;
        wsbx_artifact *a;
        wsbx_lerr *err;
} ctx;

static int fail(ctx *c, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(ctx *c, int errnum, const char *fmt, ...)
{
        if (c->err) {
                int n = snprintf(c->err->msg, sizeof c->err->msg, "artifact: ");
                va_list ap;
                va_start(ap, fmt);
                vsnprintf(c->err->msg + n, sizeof c->err->msg - (size_t)n, fmt, ap);
                va_end(ap);
        }
        return -errnum;
}

#define CORRUPT(...) fail(c, EINVAL, __VA_ARGS__)

static bool utf8_valid(const uint8_t *p, size_t len)
{
        size_t i = 0;
        while (i < len) {
                uint8_t b = p[i];
                if (b < 0x80) {
                        i++;
                        continue;
                }
                size_t n;
                uint32_t cp;
                if (b >= 0xc2 && b <= 0xdf) {
                        n = 1;
                        cp = b & 0x1f;
                } else if (b >= 0xe0 && b <= 0xef) {
                        n = 2;
                        cp = b & 0x0f;
                } else if (b >= 0xf0 && b <= 0xf4) {
                        n = 3;
                        cp = b & 0x07;
                } else {
                        return false;
                }
                if (len - i <= n)
                        return false;
                for (size_t k = 1; k <= n; k++) {
                        if ((p[i + k] & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (p[i + k] & 0x3f);
                }
                if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
                    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
                        return false;
                i += n + 1;
        }
        return true;
}

static bool is_valtype(uint8_t t)
{
        return t == WSBX_ART_I32 || t == WSBX_ART_I64 || t == WSBX_ART_F32 || t == WSBX_ART_F64 ||
               t == WSBX_ART_V128 || t == WSBX_ART_FUNCREF || t == WSBX_ART_EXTERNREF;
}

static bool is_reftype(uint8_t t)
{
        return t == WSBX_ART_FUNCREF || t == WSBX_ART_EXTERNREF;
}

static bool zero(const void *p, size_t n)
{
        const uint8_t *b = p;
        for (size_t i = 0; i < n; i++)
                if (b[i])
                        return false;
        return true;
}

/* A code range (offset, size) inside .text; WSBX_ART_NONE/0 is "absent"
 * when `optional`. */
static bool code_ok(const wsbx_artifact *a, uint32_t off, uint32_t size, bool optional)
{
        if (off == WSBX_ART_NONE)
                return optional && size == 0;
        return off <= a->text_size && size <= a->text_size - off;
}

static int check_str(ctx *c, wsbx_art_str s, const char *what, uint32_t i)
{
        const wsbx_artifact *a = c->a;
        if (s.off > a->blob_size || s.len > a->blob_size - s.off)
                return CORRUPT("section .wsbx.meta: %s %u: string 0x%x+0x%x beyond blob size 0x%x", what,
                               i, s.off, s.len, a->blob_size);
        if (!utf8_valid(a->blob + s.off, s.len))
                return CORRUPT("section .wsbx.meta: %s %u: name is not valid UTF-8", what, i);
        return 0;
}

/* Checks a constant expression that must produce a value of type `type`
 * (0: the op decides; used for element items, whose type is the
 * segment's). */
static int check_const(ctx *c, const wsbx_art_const *k, uint8_t type, const char *what, uint32_t i)
{
        const wsbx_artifact *a = c->a;
        if (k->pad[0] || k->pad[1])
                return CORRUPT("section .wsbx.meta: %s %u: padding not zero", what, i);
        uint8_t got;
        size_t used = 0;
        switch (k->op) {
        case WSBX_ART_CONST_I32: got = WSBX_ART_I32; used = 4; break;
        case WSBX_ART_CONST_I64: got = WSBX_ART_I64; used = 8; break;
        case WSBX_ART_CONST_F32: got = WSBX_ART_F32; used = 4; break;
        case WSBX_ART_CONST_F64: got = WSBX_ART_F64; used = 8; break;
        case WSBX_ART_CONST_V128: got = WSBX_ART_V128; used = 16; break;
        case WSBX_ART_CONST_REF_NULL:
                if (!is_reftype(k->type))
                        return CORRUPT("section .wsbx.meta: %s %u: ref.null of bad type 0x%02x", what, i,
                                       k->type);
                got = k->type;
                break;
        case WSBX_ART_CONST_REF_FUNC:
                if (k->index >= a->nfuncs)
                        return CORRUPT("section .wsbx.meta: %s %u: ref.func %u out of range (%u functions)",
                                       what, i, k->index, a->nfuncs);
                got = WSBX_ART_FUNCREF;
                break;
        case WSBX_ART_CONST_GLOBAL_GET:
                /* Wasm 2.0: constant expressions read imported globals only. */
                if (k->index >= a->nimported_globals)
                        return CORRUPT("section .wsbx.meta: %s %u: global.get %u is not an imported global",
                                       what, i, k->index);
                got = a->globals[k->index].type;
                break;
        default:
                return CORRUPT("section .wsbx.meta: %s %u: unknown constant op %u", what, i, k->op);
        }
        if (k->op != WSBX_ART_CONST_REF_NULL && k->type)
                return CORRUPT("section .wsbx.meta: %s %u: constant type byte not zero", what, i);
        bool indexed = k->op == WSBX_ART_CONST_REF_FUNC || k->op == WSBX_ART_CONST_GLOBAL_GET;
        if (!indexed && k->index)
                return CORRUPT("section .wsbx.meta: %s %u: constant index not zero", what, i);
        if (!zero(k->value + used, sizeof k->value - used))
                return CORRUPT("section .wsbx.meta: %s %u: unused constant bytes not zero", what, i);
        if (type && got != type)
                return CORRUPT("section .wsbx.meta: %s %u: constant of type 0x%02x where 0x%02x is expected",
                               what, i, got, type);
        return 0;
}

/* ------------------------------------------------------------------------ */
/* ELF                                                                      */
/* ------------------------------------------------------------------------ */

enum { F_TEXT, F_COMPAT, F_META, F_TRAPS, F_ADDRMAP, F_NAMES, F_DATA, F_COUNT };
static const char *const fixed_names[F_COUNT] = {
        WSBX_ART_SEC_TEXT,  WSBX_ART_SEC_COMPAT, WSBX_ART_SEC_META, WSBX_ART_SEC_TRAPS,
        WSBX_ART_SEC_ADDRMAP, WSBX_ART_SEC_NAMES, WSBX_ART_SEC_DATA,
};

struct secinfo {
        uint64_t offset, size;
        uint32_t index;
        bool found;
};

static void shdr_at(const ctx *c, const Elf64_Ehdr *eh, uint32_t i, Elf64_Shdr *sh)
{
        memcpy(sh, c->bytes + eh->e_shoff + (uint64_t)i * sizeof *sh, sizeof *sh);
}

static const char *sec_name(const ctx *c, const Elf64_Shdr *shstr, const Elf64_Shdr *sh)
{
        if (sh->sh_name >= shstr->sh_size)
                return NULL;
        const char *s = (const char *)c->bytes + shstr->sh_offset + sh->sh_name;
        if (!memchr(s, 0, shstr->sh_size - sh->sh_name))
                return NULL;
        return s;
}

/* Parses ".wsbx.image.N" (N decimal, no leading zero); false if malformed. */
static bool image_index(const char *s, uint32_t *out)
{
        uint64_t v = 0;
        if (!*s || (s[0] == '0' && s[1]))
                return false;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return false;
                v = v * 10 + (uint64_t)(*s - '0');
                if (v > UINT32_MAX)
                        return false;
        }
        *out = (uint32_t)v;
        return true;
}

static int check_elf(ctx *c, Elf64_Ehdr *eh, struct secinfo *fixed)
{
        if (c->len < sizeof *eh)
                return fail(c, ENOEXEC, "file of %zu bytes is too small for an ELF header", c->len);
        memcpy(eh, c->bytes, sizeof *eh);
        if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
                return fail(c, ENOEXEC, "not an ELF file (bad magic)");
        if (eh->e_ident[EI_CLASS] != ELFCLASS64)
                return fail(c, ENOEXEC, "ELF header: class %u is not ELFCLASS64", eh->e_ident[EI_CLASS]);
        if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
                return fail(c, ENOEXEC, "ELF header: data encoding %u is not little-endian",
                            eh->e_ident[EI_DATA]);
        if (eh->e_machine != EM_X86_64)
                return fail(c, ENOEXEC, "ELF header: machine %u is not x86-64", eh->e_machine);
        if (eh->e_type != ET_REL)
                return fail(c, ENOEXEC, "ELF header: type %u is not ET_REL", eh->e_type);
        if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
                return CORRUPT("ELF header: bad version");
        if (eh->e_ident[EI_OSABI] != ELFOSABI_NONE)
                return CORRUPT("ELF header: OS ABI %u is not ELFOSABI_NONE", eh->e_ident[EI_OSABI]);
        if (!zero(eh->e_ident + EI_ABIVERSION, EI_NIDENT - EI_ABIVERSION) || eh->e_entry || eh->e_flags)
                return CORRUPT("ELF header: ABI version, padding, entry or flags not zero");
        if (eh->e_ehsize != sizeof *eh)
                return CORRUPT("ELF header: e_ehsize %u is not %zu", eh->e_ehsize, sizeof *eh);
        if (eh->e_phnum != 0 || eh->e_phoff != 0)
                return CORRUPT("ELF header: a relocatable artifact has no program headers");
        if (eh->e_shentsize != sizeof(Elf64_Shdr))
                return CORRUPT("ELF header: e_shentsize %u is not %zu", eh->e_shentsize, sizeof(Elf64_Shdr));
        if (eh->e_shnum == 0 || eh->e_shnum >= SHN_LORESERVE)
                return CORRUPT("ELF header: e_shnum %u out of range", eh->e_shnum);
        if (eh->e_shoff % 8 || eh->e_shoff < sizeof *eh || eh->e_shoff > c->len ||
            (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > c->len - eh->e_shoff)
                return CORRUPT("ELF header: section headers at 0x%llx (%u of them) beyond file size 0x%zx",
                               (unsigned long long)eh->e_shoff, eh->e_shnum, c->len);
        if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum)
                return CORRUPT("ELF header: e_shstrndx %u out of range", eh->e_shstrndx);

        Elf64_Shdr sh, shstr;
        shdr_at(c, eh, 0, &sh);
        if (!zero(&sh, sizeof sh))
                return CORRUPT("section header 0 is not null");
        /* Bounds of every section first, so names can be read after. */
        for (uint32_t i = 1; i < eh->e_shnum; i++) {
                shdr_at(c, eh, i, &sh);
                /* A relocatable file's sections have no address yet. */
                if (sh.sh_addr)
                        return CORRUPT("section header %u: address 0x%llx in a relocatable file", i,
                                       (unsigned long long)sh.sh_addr);
                if (sh.sh_type == SHT_NULL || sh.sh_type == SHT_NOBITS)
                        continue;
                if (sh.sh_offset > c->len || sh.sh_size > c->len - sh.sh_offset)
                        return CORRUPT("section header %u: contents 0x%llx+0x%llx beyond file size 0x%zx", i,
                                       (unsigned long long)sh.sh_offset, (unsigned long long)sh.sh_size,
                                       c->len);
                if (sh.sh_addralign & (sh.sh_addralign - 1))
                        return CORRUPT("section header %u: alignment 0x%llx is not a power of two", i,
                                       (unsigned long long)sh.sh_addralign);
                if (sh.sh_addralign > 1 && sh.sh_offset % sh.sh_addralign)
                        return CORRUPT("section header %u: offset 0x%llx not aligned to 0x%llx", i,
                                       (unsigned long long)sh.sh_offset, (unsigned long long)sh.sh_addralign);
        }
        shdr_at(c, eh, eh->e_shstrndx, &shstr);
        if (shstr.sh_type != SHT_STRTAB || shstr.sh_size == 0 ||
            c->bytes[shstr.sh_offset + shstr.sh_size - 1] != 0)
                return CORRUPT("section header %u (.shstrtab): not a NUL-terminated string table",
                               eh->e_shstrndx);

        for (uint32_t i = 1; i < eh->e_shnum; i++) {
                shdr_at(c, eh, i, &sh);
                const char *name = sec_name(c, &shstr, &sh);
                if (!name)
                        return CORRUPT("section header %u: name offset 0x%x beyond .shstrtab", i, sh.sh_name);
                int f = -1;
                for (int k = 0; k < F_COUNT; k++)
                        if (strcmp(name, fixed_names[k]) == 0)
                                f = k;
                if (f < 0) {
                        if (strncmp(name, ".wsbx.", 6) != 0)
                                continue; /* .symtab, .strtab, a tool's .comment: not ours */
                        uint32_t n;
                        if (strncmp(name, WSBX_ART_SEC_IMAGE_PREFIX, strlen(WSBX_ART_SEC_IMAGE_PREFIX)) != 0 ||
                            !image_index(name + strlen(WSBX_ART_SEC_IMAGE_PREFIX), &n))
                                return CORRUPT("section %s: unknown wsbx section", name);
                        if (sh.sh_type != SHT_PROGBITS)
                                return CORRUPT("section %s: type %u is not SHT_PROGBITS", name, sh.sh_type);
                        continue; /* matched with its memory after the metadata */
                }
                if (fixed[f].found)
                        return CORRUPT("section %s appears twice", name);
                if (sh.sh_type != SHT_PROGBITS)
                        return CORRUPT("section %s: type %u is not SHT_PROGBITS", name, sh.sh_type);
                if (f != F_TEXT && f != F_DATA && sh.sh_offset % 8)
                        return CORRUPT("section %s: offset 0x%llx is not 8-byte aligned", name,
                                       (unsigned long long)sh.sh_offset);
                fixed[f] = (struct secinfo){sh.sh_offset, sh.sh_size, i, true};
        }
        for (int k = 0; k < F_COUNT; k++)
                if (!fixed[k].found)
                        return CORRUPT("section %s is missing", fixed_names[k]);

        shdr_at(c, eh, fixed[F_TEXT].index, &sh);
        if (!(sh.sh_flags & SHF_EXECINSTR))
                return CORRUPT("section .text: not executable (flags 0x%llx)", (unsigned long long)sh.sh_flags);
        if (fixed[F_TEXT].offset % WSBX_ART_PAGE)
                return CORRUPT("section .text: file offset 0x%llx is not page-aligned",
                               (unsigned long long)fixed[F_TEXT].offset);
        if (fixed[F_TEXT].size > UINT32_MAX || fixed[F_DATA].size > UINT32_MAX ||
            fixed[F_META].size > UINT32_MAX || fixed[F_NAMES].size > UINT32_MAX)
                return CORRUPT("a section exceeds 4 GiB");
        return 0;
}

static int check_compat(ctx *c, const struct secinfo *s, uint64_t cpu_available)
{
        if (s->size != sizeof(wsbx_art_compat))
                return CORRUPT("section .wsbx.compat: size 0x%llx is not %zu", (unsigned long long)s->size,
                               sizeof(wsbx_art_compat));
        const wsbx_art_compat *k = (const wsbx_art_compat *)(const void *)(c->bytes + s->offset);
        c->a->compat = k;
        if (memcmp(k->magic, WSBX_ART_MAGIC, 8) != 0)
                return fail(c, ENOEXEC, "section .wsbx.compat: bad magic (not a wsbx artifact)");
        if (k->abi_version != WSBX_ABI_VERSION)
                return fail(c, ENOEXEC, "section .wsbx.compat: ABI version %u, this runtime speaks %u",
                            k->abi_version, WSBX_ABI_VERSION);
        if (memchr(k->wsbx_version, 0, sizeof k->wsbx_version) == NULL)
                return CORRUPT("section .wsbx.compat: wsbx version is not NUL-terminated");
        size_t vl = strlen(k->wsbx_version);
        if (!zero(k->wsbx_version + vl, sizeof k->wsbx_version - vl))
                return CORRUPT("section .wsbx.compat: wsbx version is not NUL-padded");
        if (strcmp(k->wsbx_version, WSBX_VERSION) != 0)
                return fail(c, ENOEXEC, "section .wsbx.compat: compiled by wsbx %s, this is wsbx %s",
                            k->wsbx_version, WSBX_VERSION);
        if (k->settings & ~(uint32_t)WSBX_ART_SET_ALL)
                return fail(c, ENOEXEC, "section .wsbx.compat: unknown settings 0x%x",
                            k->settings & ~(uint32_t)WSBX_ART_SET_ALL);
        if (k->cpu_features & ~(uint64_t)WSBX_CPU_ALL)
                return fail(c, ENOEXEC, "section .wsbx.compat: unknown CPU feature bits 0x%llx",
                            (unsigned long long)(k->cpu_features & ~(uint64_t)WSBX_CPU_ALL));
        uint64_t missing = k->cpu_features & ~cpu_available;
        if (missing) {
                uint64_t bit = missing & -missing;
                return fail(c, ENOEXEC, "code needs CPU feature %s, which this CPU lacks",
                            wsbx_cpu_feature_name(bit));
        }
        return 0;
}

/* ------------------------------------------------------------------------ */
/* .wsbx.meta                                                               */
/* ------------------------------------------------------------------------ */

static const size_t rec_size[WSBX_ART_T_COUNT] = {
        [WSBX_ART_T_TYPES] = sizeof(wsbx_art_type),       [WSBX_ART_T_IMPORTS] = sizeof(wsbx_art_import),
        [WSBX_ART_T_EXPORTS] = sizeof(wsbx_art_export),   [WSBX_ART_T_FUNCS] = sizeof(wsbx_art_func),
        [WSBX_ART_T_TABLES] = sizeof(wsbx_art_table),     [WSBX_ART_T_MEMORIES] = sizeof(wsbx_art_memory),
        [WSBX_ART_T_GLOBALS] = sizeof(wsbx_art_global),   [WSBX_ART_T_ELEMS] = sizeof(wsbx_art_elem),
        [WSBX_ART_T_ITEMS] = sizeof(wsbx_art_const),      [WSBX_ART_T_DATAS] = sizeof(wsbx_art_data),
        [WSBX_ART_T_BLOB] = 1,
};
static const char *const table_names[WSBX_ART_T_COUNT] = {
        "types", "imports", "exports", "funcs", "tables", "memories",
        "globals", "elems", "items", "datas", "blob",
};

static int check_meta_layout(ctx *c, const struct secinfo *s)
{
        wsbx_artifact *a = c->a;
        if (s->size < sizeof(wsbx_art_meta))
                return CORRUPT("section .wsbx.meta: size 0x%llx is smaller than its header",
                               (unsigned long long)s->size);
        const uint8_t *base = c->bytes + s->offset;
        const wsbx_art_meta *h = (const wsbx_art_meta *)(const void *)base;
        a->meta = h;
        if (h->magic != WSBX_ART_META_MAGIC)
                return CORRUPT("section .wsbx.meta: bad magic 0x%08x", h->magic);
        if (h->version != WSBX_ART_META_VERSION)
                return fail(c, ENOEXEC, "section .wsbx.meta: version %u, this runtime reads %u", h->version,
                            WSBX_ART_META_VERSION);
        if (h->size != s->size)
                return CORRUPT("section .wsbx.meta: header size 0x%x differs from section size 0x%llx",
                               h->size, (unsigned long long)s->size);
        if (h->reserved[0] || h->reserved[1])
                return CORRUPT("section .wsbx.meta: reserved header field not zero");
        uint64_t prev = sizeof *h;
        for (int i = 0; i < WSBX_ART_T_COUNT; i++) {
                wsbx_art_range r = h->tables[i];
                if (r.offset % 8)
                        return CORRUPT("section .wsbx.meta: table %s: offset 0x%x is not 8-byte aligned",
                                       table_names[i], r.offset);
                if (r.offset < prev)
                        return CORRUPT("section .wsbx.meta: table %s: offset 0x%x overlaps what precedes it",
                                       table_names[i], r.offset);
                uint64_t end = r.offset + (uint64_t)r.count * rec_size[i];
                if (end > h->size)
                        return CORRUPT("section .wsbx.meta: table %s: %u records at 0x%x beyond section size 0x%x",
                                       table_names[i], r.count, r.offset, h->size);
                prev = end;
        }
#define TAB(field, id, type)                                                                 \
        do {                                                                                 \
                a->field = (const type *)(const void *)(base + h->tables[id].offset);       \
                a->n##field = h->tables[id].count;                                           \
        } while (0)
        TAB(types, WSBX_ART_T_TYPES, wsbx_art_type);
        TAB(imports, WSBX_ART_T_IMPORTS, wsbx_art_import);
        TAB(exports, WSBX_ART_T_EXPORTS, wsbx_art_export);
        TAB(funcs, WSBX_ART_T_FUNCS, wsbx_art_func);
        TAB(tables, WSBX_ART_T_TABLES, wsbx_art_table);
        TAB(memories, WSBX_ART_T_MEMORIES, wsbx_art_memory);
        TAB(globals, WSBX_ART_T_GLOBALS, wsbx_art_global);
        TAB(elems, WSBX_ART_T_ELEMS, wsbx_art_elem);
        TAB(items, WSBX_ART_T_ITEMS, wsbx_art_const);
        TAB(datas, WSBX_ART_T_DATAS, wsbx_art_data);
#undef TAB
        a->blob = base + h->tables[WSBX_ART_T_BLOB].offset;
        a->blob_size = h->tables[WSBX_ART_T_BLOB].count;
        a->nimported_funcs = h->nimported_funcs;
        a->nimported_tables = h->nimported_tables;
        a->nimported_memories = h->nimported_memories;
        a->nimported_globals = h->nimported_globals;
        a->start_func = h->start_func;
        if (a->nimported_funcs > a->nfuncs || a->nimported_tables > a->ntables ||
            a->nimported_memories > a->nmemories || a->nimported_globals > a->nglobals)
                return CORRUPT("section .wsbx.meta: more imported than total functions, tables, memories or globals");
        return 0;
}

static int check_types(ctx *c)
{
        const wsbx_artifact *a = c->a;
        for (uint32_t i = 0; i < a->ntypes; i++) {
                const wsbx_art_type *t = &a->types[i];
                uint64_t n = (uint64_t)t->nparams + t->nresults;
                if (t->vt_off > a->blob_size || n > a->blob_size - t->vt_off)
                        return CORRUPT("section .wsbx.meta: type %u: value types 0x%x+0x%llx beyond blob size 0x%x",
                                       i, t->vt_off, (unsigned long long)n, a->blob_size);
                for (uint64_t k = 0; k < n; k++)
                        if (!is_valtype(a->blob[t->vt_off + k]))
                                return CORRUPT("section .wsbx.meta: type %u: bad value type 0x%02x", i,
                                               a->blob[t->vt_off + k]);
                if (!code_ok(a, t->w2a_offset, t->w2a_size, true))
                        return CORRUPT("section .wsbx.meta: type %u: trampoline 0x%x+0x%x beyond .text size 0x%x",
                                       i, t->w2a_offset, t->w2a_size, a->text_size);
                if (t->reserved)
                        return CORRUPT("section .wsbx.meta: type %u: reserved field not zero", i);
        }
        return 0;
}

static uint32_t space_count(const wsbx_artifact *a, uint8_t kind)
{
        switch (kind) {
        case WSBX_ART_EXTERN_FUNC: return a->nfuncs;
        case WSBX_ART_EXTERN_TABLE: return a->ntables;
        case WSBX_ART_EXTERN_MEMORY: return a->nmemories;
        default: return a->nglobals;
        }
}

static int check_imports_exports(ctx *c)
{
        const wsbx_artifact *a = c->a;
        static const char *const kinds[4] = {"func", "table", "memory", "global"};
        uint32_t seen[4] = {0, 0, 0, 0};
        int r;
        for (uint32_t i = 0; i < a->nimports; i++) {
                const wsbx_art_import *im = &a->imports[i];
                if (im->kind > WSBX_ART_EXTERN_GLOBAL)
                        return CORRUPT("section .wsbx.meta: import %u: bad kind %u", i, im->kind);
                if (!zero(im->pad, sizeof im->pad))
                        return CORRUPT("section .wsbx.meta: import %u: padding not zero", i);
                if ((r = check_str(c, im->module, "import", i)) || (r = check_str(c, im->name, "import", i)))
                        return r;
                if (im->index != seen[im->kind])
                        return CORRUPT("section .wsbx.meta: import %u: %s index %u, expected %u", i,
                                       kinds[im->kind], im->index, seen[im->kind]);
                seen[im->kind]++;
        }
        if (seen[0] != a->nimported_funcs || seen[1] != a->nimported_tables ||
            seen[2] != a->nimported_memories || seen[3] != a->nimported_globals)
                return CORRUPT("section .wsbx.meta: imports (%u func, %u table, %u memory, %u global) disagree "
                               "with the header's counts", seen[0], seen[1], seen[2], seen[3]);
        for (uint32_t i = 0; i < a->nexports; i++) {
                const wsbx_art_export *ex = &a->exports[i];
                if (ex->kind > WSBX_ART_EXTERN_GLOBAL)
                        return CORRUPT("section .wsbx.meta: export %u: bad kind %u", i, ex->kind);
                if (!zero(ex->pad, sizeof ex->pad))
                        return CORRUPT("section .wsbx.meta: export %u: padding not zero", i);
                if ((r = check_str(c, ex->name, "export", i)))
                        return r;
                if (ex->index >= space_count(a, ex->kind))
                        return CORRUPT("section .wsbx.meta: export %u: %s index %u out of range", i,
                                       kinds[ex->kind], ex->index);
        }
        return 0;
}

static int check_funcs(ctx *c)
{
        const wsbx_artifact *a = c->a;
        uint64_t prev_end = 0;
        for (uint32_t i = 0; i < a->nfuncs; i++) {
                const wsbx_art_func *f = &a->funcs[i];
                if (f->type >= a->ntypes)
                        return CORRUPT("section .wsbx.meta: function %u: type %u out of range (%u types)", i,
                                       f->type, a->ntypes);
                if (i < a->nimported_funcs) {
                        if (f->flags != WSBX_ART_F_IMPORTED || f->code_offset || f->code_size ||
                            f->entry_offset != WSBX_ART_NONE || f->entry_size || f->wasm_offset ||
                            f->wasm_size)
                                return CORRUPT("section .wsbx.meta: function %u: imported function with code", i);
                        continue;
                }
                if (f->flags)
                        return CORRUPT("section .wsbx.meta: function %u: bad flags 0x%x", i, f->flags);
                if (f->code_size == 0 || !code_ok(a, f->code_offset, f->code_size, false))
                        return CORRUPT("section .wsbx.meta: function %u: code offset 0x%x size 0x%x beyond "
                                       ".text size 0x%x", i, f->code_offset, f->code_size, a->text_size);
                if (f->code_offset < prev_end)
                        return CORRUPT("section .wsbx.meta: function %u: code at 0x%x overlaps the previous function",
                                       i, f->code_offset);
                prev_end = (uint64_t)f->code_offset + f->code_size;
                if (!code_ok(a, f->entry_offset, f->entry_size, true))
                        return CORRUPT("section .wsbx.meta: function %u: entry trampoline 0x%x+0x%x beyond "
                                       ".text size 0x%x", i, f->entry_offset, f->entry_size, a->text_size);
        }
        if (a->start_func != WSBX_ART_NONE) {
                if (a->start_func >= a->nfuncs)
                        return CORRUPT("section .wsbx.meta: start function %u out of range", a->start_func);
                const wsbx_art_type *t = &a->types[a->funcs[a->start_func].type];
                if (t->nparams || t->nresults)
                        return CORRUPT("section .wsbx.meta: start function %u takes or returns values",
                                       a->start_func);
        }
        return 0;
}

static uint64_t mem_bytes(const wsbx_art_memory *m)
{
        return m->min * WSBX_ART_WASM_PAGE; /* min <= 2^48 checked first */
}

static int check_tables_memories(ctx *c)
{
        const wsbx_artifact *a = c->a;
        for (uint32_t i = 0; i < a->ntables; i++) {
                const wsbx_art_table *t = &a->tables[i];
                bool imported = i < a->nimported_tables;
                if (!is_reftype(t->elem))
                        return CORRUPT("section .wsbx.meta: table %u: bad element type 0x%02x", i, t->elem);
                if (t->flags & ~(WSBX_ART_F_IMPORTED | WSBX_ART_F_HAS_MAX) ||
                    !!(t->flags & WSBX_ART_F_IMPORTED) != imported)
                        return CORRUPT("section .wsbx.meta: table %u: bad flags 0x%x", i, t->flags);
                if (t->pad || t->reserved)
                        return CORRUPT("section .wsbx.meta: table %u: reserved field not zero", i);
                if (t->min > UINT32_MAX || (t->flags & WSBX_ART_F_HAS_MAX && (t->max > UINT32_MAX || t->max < t->min)) ||
                    (!(t->flags & WSBX_ART_F_HAS_MAX) && t->max))
                        return CORRUPT("section .wsbx.meta: table %u: bad limits %llu..%llu", i,
                                       (unsigned long long)t->min, (unsigned long long)t->max);
                if (t->init > WSBX_ART_INIT_IMAGE || (imported && t->init == WSBX_ART_INIT_IMAGE))
                        return CORRUPT("section .wsbx.meta: table %u: bad init kind %u", i, t->init);
                if (t->init != WSBX_ART_INIT_IMAGE) {
                        if (t->image_off || t->image_count)
                                return CORRUPT("section .wsbx.meta: table %u: image fields set without an image", i);
                        continue;
                }
                if (t->image_off % 4 || t->image_off > a->blob_size ||
                    4ull * t->image_count > a->blob_size - t->image_off)
                        return CORRUPT("section .wsbx.meta: table %u: image 0x%x+%u entries beyond blob size 0x%x",
                                       i, t->image_off, t->image_count, a->blob_size);
                if (t->image_count == 0 || t->image_count > t->min)
                        return CORRUPT("section .wsbx.meta: table %u: image of %u entries beyond its %llu elements",
                                       i, t->image_count, (unsigned long long)t->min);
                const uint32_t *img = (const uint32_t *)(const void *)(a->blob + t->image_off);
                for (uint32_t k = 0; k < t->image_count; k++)
                        if (img[k] != WSBX_ART_NONE && (img[k] >= a->nfuncs || t->elem != WSBX_ART_FUNCREF))
                                return CORRUPT("section .wsbx.meta: table %u: image entry %u: bad function %u", i,
                                               k, img[k]);
        }
        for (uint32_t i = 0; i < a->nmemories; i++) {
                const wsbx_art_memory *m = &a->memories[i];
                bool imported = i < a->nimported_memories, is64 = m->flags & WSBX_ART_F_IS64;
                if (m->flags & ~(WSBX_ART_F_IMPORTED | WSBX_ART_F_HAS_MAX | WSBX_ART_F_SHARED | WSBX_ART_F_IS64) ||
                    !!(m->flags & WSBX_ART_F_IMPORTED) != imported)
                        return CORRUPT("section .wsbx.meta: memory %u: bad flags 0x%x", i, m->flags);
                if (m->pad || m->reserved)
                        return CORRUPT("section .wsbx.meta: memory %u: reserved field not zero", i);
                uint64_t cap = is64 ? 1ull << 48 : 65536;
                if (m->min > cap || (m->flags & WSBX_ART_F_HAS_MAX && (m->max > cap || m->max < m->min)) ||
                    (!(m->flags & WSBX_ART_F_HAS_MAX) && m->max))
                        return CORRUPT("section .wsbx.meta: memory %u: bad limits %llu..%llu pages", i,
                                       (unsigned long long)m->min, (unsigned long long)m->max);
                if (m->style > WSBX_ART_MEM_DYNAMIC || (m->style == WSBX_ART_MEM_STATIC && is64))
                        return CORRUPT("section .wsbx.meta: memory %u: bad reservation style %u", i, m->style);
                if (m->guard_size % WSBX_ART_PAGE || m->guard_size > WSBX_ART_MAX_GUARD)
                        return CORRUPT("section .wsbx.meta: memory %u: bad guard size 0x%llx", i,
                                       (unsigned long long)m->guard_size);
                if (m->init > WSBX_ART_INIT_IMAGE || (imported && m->init == WSBX_ART_INIT_IMAGE))
                        return CORRUPT("section .wsbx.meta: memory %u: bad init kind %u", i, m->init);
                if (m->init != WSBX_ART_INIT_IMAGE) {
                        if (m->image_offset || m->image_size)
                                return CORRUPT("section .wsbx.meta: memory %u: image fields set without an image", i);
                        continue;
                }
                if (m->image_offset % WSBX_ART_PAGE || m->image_size % WSBX_ART_PAGE || m->image_size == 0)
                        return CORRUPT("section .wsbx.meta: memory %u: image 0x%llx+0x%llx is not page-aligned", i,
                                       (unsigned long long)m->image_offset, (unsigned long long)m->image_size);
                if (m->image_offset > mem_bytes(m) || m->image_size > mem_bytes(m) - m->image_offset)
                        return CORRUPT("section .wsbx.meta: memory %u: image 0x%llx+0x%llx beyond initial size 0x%llx",
                                       i, (unsigned long long)m->image_offset, (unsigned long long)m->image_size,
                                       (unsigned long long)mem_bytes(m));
        }
        return 0;
}

static int check_globals(ctx *c)
{
        const wsbx_artifact *a = c->a;
        int r;
        for (uint32_t i = 0; i < a->nglobals; i++) {
                const wsbx_art_global *g = &a->globals[i];
                bool imported = i < a->nimported_globals;
                if (!is_valtype(g->type))
                        return CORRUPT("section .wsbx.meta: global %u: bad type 0x%02x", i, g->type);
                if (g->flags & ~(WSBX_ART_F_IMPORTED | WSBX_ART_F_MUT) ||
                    !!(g->flags & WSBX_ART_F_IMPORTED) != imported)
                        return CORRUPT("section .wsbx.meta: global %u: bad flags 0x%x", i, g->flags);
                if (!zero(g->pad, sizeof g->pad) || g->reserved)
                        return CORRUPT("section .wsbx.meta: global %u: reserved field not zero", i);
                if (imported) {
                        if (!zero(&g->init, sizeof g->init))
                                return CORRUPT("section .wsbx.meta: global %u: imported global with an initializer", i);
                } else if ((r = check_const(c, &g->init, g->type, "global", i))) {
                        return r;
                }
        }
        return 0;
}

/* The constant offset of an active segment, if it has one. */
static bool const_offset(const wsbx_art_const *k, uint64_t *out)
{
        uint32_t v32;
        uint64_t v64;
        if (k->op == WSBX_ART_CONST_I32) {
                memcpy(&v32, k->value, 4);
                *out = v32;
                return true;
        }
        if (k->op == WSBX_ART_CONST_I64) {
                memcpy(&v64, k->value, 8);
                *out = v64;
                return true;
        }
        return false;
}

static int check_segments(ctx *c)
{
        const wsbx_artifact *a = c->a;
        int r;
        uint64_t next_item = 0;
        for (uint32_t i = 0; i < a->nelems; i++) {
                const wsbx_art_elem *e = &a->elems[i];
                if (e->mode > WSBX_ART_SEG_DECLARATIVE)
                        return CORRUPT("section .wsbx.meta: elem %u: bad mode %u", i, e->mode);
                if (!is_reftype(e->type))
                        return CORRUPT("section .wsbx.meta: elem %u: bad type 0x%02x", i, e->type);
                if (e->flags & ~WSBX_ART_SEG_IN_IMAGE || e->pad)
                        return CORRUPT("section .wsbx.meta: elem %u: bad flags 0x%x", i, e->flags);
                /* Items of consecutive segments are consecutive, so the
                 * total work is the number of items, not a product. */
                if (e->items_first != next_item || e->count > a->nitems - next_item)
                        return CORRUPT("section .wsbx.meta: elem %u: items %u+%u do not follow the previous "
                                       "segment's within %u items", i, e->items_first, e->count, a->nitems);
                next_item += e->count;
                for (uint32_t k = 0; k < e->count; k++) {
                        const wsbx_art_const *it = &a->items[e->items_first + k];
                        if (it->op != WSBX_ART_CONST_REF_FUNC && it->op != WSBX_ART_CONST_REF_NULL &&
                            it->op != WSBX_ART_CONST_GLOBAL_GET)
                                return CORRUPT("section .wsbx.meta: elem %u: item %u: bad op %u", i, k, it->op);
                        if ((r = check_const(c, it, e->type, "element item", e->items_first + k)))
                                return r;
                }
                if (e->mode != WSBX_ART_SEG_ACTIVE) {
                        if (e->table || e->flags || !zero(&e->offset, sizeof e->offset))
                                return CORRUPT("section .wsbx.meta: elem %u: inactive segment with a table", i);
                        continue;
                }
                if (e->table >= a->ntables)
                        return CORRUPT("section .wsbx.meta: elem %u: table %u out of range", i, e->table);
                const wsbx_art_table *t = &a->tables[e->table];
                if (t->elem != e->type)
                        return CORRUPT("section .wsbx.meta: elem %u: type 0x%02x differs from table %u's", i,
                                       e->type, e->table);
                if ((r = check_const(c, &e->offset, WSBX_ART_I32, "elem offset", i)))
                        return r;
                if (t->init == WSBX_ART_INIT_NONE)
                        return CORRUPT("section .wsbx.meta: elem %u: active on table %u, which has no initializer",
                                       i, e->table);
                bool in_image = e->flags & WSBX_ART_SEG_IN_IMAGE;
                if (in_image != (t->init == WSBX_ART_INIT_IMAGE))
                        return CORRUPT("section .wsbx.meta: elem %u: image flag disagrees with table %u", i, e->table);
                uint64_t off;
                /* An empty segment is in the image wherever it points
                 * inside the table. */
                if (in_image && (!const_offset(&e->offset, &off) ||
                                 (e->count ? off + e->count > t->image_count : off > t->min)))
                        return CORRUPT("section .wsbx.meta: elem %u: outside table %u's image", i, e->table);
        }
        if (next_item != a->nitems)
                return CORRUPT("section .wsbx.meta: %u element items, segments use %llu", a->nitems,
                               (unsigned long long)next_item);

        for (uint32_t i = 0; i < a->ndatas; i++) {
                const wsbx_art_data *d = &a->datas[i];
                if (d->mode > WSBX_ART_SEG_PASSIVE)
                        return CORRUPT("section .wsbx.meta: data %u: bad mode %u", i, d->mode);
                if (d->flags & ~WSBX_ART_SEG_IN_IMAGE || !zero(d->pad, sizeof d->pad))
                        return CORRUPT("section .wsbx.meta: data %u: bad flags 0x%x", i, d->flags);
                bool in_image = d->flags & WSBX_ART_SEG_IN_IMAGE;
                if (in_image ? d->data_offset != 0
                             : (d->data_offset > a->data_size || d->size > a->data_size - d->data_offset))
                        return CORRUPT("section .wsbx.meta: data %u: bytes 0x%x+0x%x beyond .wsbx.data size 0x%x",
                                       i, d->data_offset, d->size, a->data_size);
                if (d->mode != WSBX_ART_SEG_ACTIVE) {
                        if (d->memory || in_image || !zero(&d->offset, sizeof d->offset))
                                return CORRUPT("section .wsbx.meta: data %u: passive segment with a memory", i);
                        continue;
                }
                if (d->memory >= a->nmemories)
                        return CORRUPT("section .wsbx.meta: data %u: memory %u out of range", i, d->memory);
                const wsbx_art_memory *m = &a->memories[d->memory];
                uint8_t ot = m->flags & WSBX_ART_F_IS64 ? WSBX_ART_I64 : WSBX_ART_I32;
                if ((r = check_const(c, &d->offset, ot, "data offset", i)))
                        return r;
                if (m->init == WSBX_ART_INIT_NONE)
                        return CORRUPT("section .wsbx.meta: data %u: active on memory %u, which has no initializer",
                                       i, d->memory);
                if (in_image != (m->init == WSBX_ART_INIT_IMAGE))
                        return CORRUPT("section .wsbx.meta: data %u: image flag disagrees with memory %u", i,
                                       d->memory);
                uint64_t off;
                if (in_image && (!const_offset(&d->offset, &off) ||
                                 (d->size && (off < m->image_offset ||
                                              off - m->image_offset > m->image_size ||
                                              d->size > m->image_size - (off - m->image_offset))) ||
                                 off > mem_bytes(m)))
                        return CORRUPT("section .wsbx.meta: data %u: outside memory %u's image", i, d->memory);
        }
        return 0;
}

/* ------------------------------------------------------------------------ */
/* Trap table, address map, names, images                                   */
/* ------------------------------------------------------------------------ */

static int check_traps_addrs(ctx *c, const struct secinfo *ts, const struct secinfo *as)
{
        wsbx_artifact *a = c->a;
        if (ts->size % sizeof(wsbx_art_trap))
                return CORRUPT("section .wsbx.traps: size 0x%llx is not a multiple of %zu",
                               (unsigned long long)ts->size, sizeof(wsbx_art_trap));
        if (as->size % sizeof(wsbx_art_addr))
                return CORRUPT("section .wsbx.addrmap: size 0x%llx is not a multiple of %zu",
                               (unsigned long long)as->size, sizeof(wsbx_art_addr));
        if (ts->size / sizeof(wsbx_art_trap) > UINT32_MAX || as->size / sizeof(wsbx_art_addr) > UINT32_MAX)
                return CORRUPT("trap table or address map too large");
        a->traps = (const wsbx_art_trap *)(const void *)(c->bytes + ts->offset);
        a->ntraps = (uint32_t)(ts->size / sizeof(wsbx_art_trap));
        a->addrs = (const wsbx_art_addr *)(const void *)(c->bytes + as->offset);
        a->naddrs = (uint32_t)(as->size / sizeof(wsbx_art_addr));
        for (uint32_t i = 0; i < a->ntraps; i++) {
                const wsbx_art_trap *t = &a->traps[i];
                if (t->code_offset >= a->text_size)
                        return CORRUPT("section .wsbx.traps: record %u code offset 0x%x beyond .text size 0x%x", i,
                                       t->code_offset, a->text_size);
                if (i && t->code_offset <= a->traps[i - 1].code_offset)
                        return CORRUPT("section .wsbx.traps: record %u code offset 0x%x not above record %u's 0x%x",
                                       i, t->code_offset, i - 1, a->traps[i - 1].code_offset);
                if (t->trap == WSBX_TRAP_NONE || t->trap >= WSBX_TRAP_COUNT)
                        return CORRUPT("section .wsbx.traps: record %u: unknown trap kind %u", i, t->trap);
        }
        for (uint32_t i = 0; i < a->naddrs; i++) {
                const wsbx_art_addr *t = &a->addrs[i];
                if (t->code_offset >= a->text_size)
                        return CORRUPT("section .wsbx.addrmap: record %u code offset 0x%x beyond .text size 0x%x",
                                       i, t->code_offset, a->text_size);
                if (i && t->code_offset <= a->addrs[i - 1].code_offset)
                        return CORRUPT("section .wsbx.addrmap: record %u code offset 0x%x not above record %u's 0x%x",
                                       i, t->code_offset, i - 1, a->addrs[i - 1].code_offset);
        }
        return 0;
}

static int check_names(ctx *c, const struct secinfo *s)
{
        wsbx_artifact *a = c->a;
        a->names = c->bytes + s->offset;
        a->names_size = (uint32_t)s->size;
        if (s->size < sizeof(wsbx_art_names))
                return CORRUPT("section .wsbx.names: size 0x%llx is smaller than its header",
                               (unsigned long long)s->size);
        const wsbx_art_names *h = (const wsbx_art_names *)(const void *)a->names;
        if (h->count != a->nfuncs)
                return CORRUPT("section .wsbx.names: %u names for %u functions", h->count, a->nfuncs);
        if (h->reserved)
                return CORRUPT("section .wsbx.names: reserved field not zero");
        if ((uint64_t)h->count * sizeof(wsbx_art_str) > s->size - sizeof *h)
                return CORRUPT("section .wsbx.names: %u records beyond section size 0x%llx", h->count,
                               (unsigned long long)s->size);
        a->func_names = (const wsbx_art_str *)(const void *)(a->names + sizeof *h);
        a->module_name = h->module;
        for (uint64_t i = 0; i <= a->nfuncs; i++) {
                /* Record nfuncs stands for the module name. */
                wsbx_art_str n = i < a->nfuncs ? a->func_names[i] : h->module;
                if (n.off > s->size || n.len > s->size - n.off)
                        return CORRUPT("section .wsbx.names: name %llu: 0x%x+0x%x beyond section size 0x%llx",
                                       (unsigned long long)i, n.off, n.len, (unsigned long long)s->size);
                if (!utf8_valid(a->names + n.off, n.len))
                        return CORRUPT("section .wsbx.names: name %llu is not valid UTF-8", (unsigned long long)i);
        }
        return 0;
}

static int find_images(ctx *c, const Elf64_Ehdr *eh)
{
        wsbx_artifact *a = c->a;
        Elf64_Shdr sh, shstr;
        /* nmemories * 48 bytes of records exist, so this allocation is
         * bounded by the input's size. */
        a->images = calloc((size_t)a->nmemories + 1, sizeof *a->images);
        if (!a->images)
                return fail(c, ENOMEM, "out of memory");
        shdr_at(c, eh, eh->e_shstrndx, &shstr);
        size_t plen = strlen(WSBX_ART_SEC_IMAGE_PREFIX);
        for (uint32_t i = 1; i < eh->e_shnum; i++) {
                shdr_at(c, eh, i, &sh);
                const char *name = sec_name(c, &shstr, &sh);
                uint32_t n;
                if (!name || strncmp(name, WSBX_ART_SEC_IMAGE_PREFIX, plen) != 0 || !image_index(name + plen, &n))
                        continue;
                if (n >= a->nmemories)
                        return CORRUPT("section %s: memory %u out of range (%u memories)", name, n, a->nmemories);
                const wsbx_art_memory *m = &a->memories[n];
                wsbx_art_image *img = &a->images[n];
                if (img->bytes)
                        return CORRUPT("section %s appears twice", name);
                if (m->init != WSBX_ART_INIT_IMAGE)
                        return CORRUPT("section %s: memory %u has no image", name, n);
                if (sh.sh_offset % WSBX_ART_PAGE)
                        return CORRUPT("section %s: file offset 0x%llx is not page-aligned", name,
                                       (unsigned long long)sh.sh_offset);
                if (sh.sh_size != m->image_size)
                        return CORRUPT("section %s: size 0x%llx differs from memory %u's image size 0x%llx", name,
                                       (unsigned long long)sh.sh_size, n, (unsigned long long)m->image_size);
                *img = (wsbx_art_image){c->bytes + sh.sh_offset, sh.sh_offset, m->image_offset, m->image_size};
        }
        for (uint32_t i = 0; i < a->nmemories; i++)
                if (a->memories[i].init == WSBX_ART_INIT_IMAGE && !a->images[i].bytes)
                        return CORRUPT("section %s%u is missing", WSBX_ART_SEC_IMAGE_PREFIX, i);
        return 0;
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                             */
/* ------------------------------------------------------------------------ */

int wsbx_artifact_open(const uint8_t *bytes, size_t len, uint64_t cpu_features_available,
                       wsbx_artifact *out, wsbx_lerr *err)
{
        memset(out, 0, sizeof *out);
        ctx cx = {bytes, len, out, err};
        ctx *c = &cx;
        if (err)
                err->msg[0] = 0;
        if (!bytes || (uintptr_t)bytes % 8)
                return CORRUPT("buffer is not 8-byte aligned");
        out->bytes = bytes;
        out->len = len;
        Elf64_Ehdr eh;
        struct secinfo fixed[F_COUNT];
        memset(fixed, 0, sizeof fixed);
        int r;
        if ((r = check_elf(c, &eh, fixed)) || (r = check_compat(c, &fixed[F_COMPAT], cpu_features_available)))
                goto bad;
        out->text = bytes + fixed[F_TEXT].offset;
        out->text_size = (uint32_t)fixed[F_TEXT].size;
        out->text_file_offset = fixed[F_TEXT].offset;
        out->data = bytes + fixed[F_DATA].offset;
        out->data_size = (uint32_t)fixed[F_DATA].size;
        out->data_file_offset = fixed[F_DATA].offset;
        /* Order matters: each step relies on the counts the ones before
         * verified (globals before constants, tables and memories before
         * segments). */
        if ((r = check_meta_layout(c, &fixed[F_META])) || (r = check_types(c)) ||
            (r = check_imports_exports(c)) || (r = check_funcs(c)) || (r = check_tables_memories(c)) ||
            (r = check_globals(c)) || (r = check_segments(c)) ||
            (r = check_traps_addrs(c, &fixed[F_TRAPS], &fixed[F_ADDRMAP])) ||
            (r = check_names(c, &fixed[F_NAMES])) || (r = find_images(c, &eh)))
                goto bad;
        return 0;
bad:
        wsbx_artifact_close(out);
        memset(out, 0, sizeof *out);
        return r;
}

void wsbx_artifact_close(wsbx_artifact *a)
{
        free(a->images);
        a->images = NULL;
}

int wsbx_artifact_require_settings(const wsbx_artifact *a, uint32_t need, wsbx_lerr *err)
{
        static const struct {
                uint32_t bit;
                const char *what;
        } names[] = {
                {WSBX_ART_SET_EPOCH, "epoch checks (interruptible code; compile with --epoch)"},
                {WSBX_ART_SET_BOUNDS_CHECKS, "explicit bounds checks (compile with --bounds-checks)"},
        };
        uint32_t missing = need & ~a->compat->settings;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
                if (missing & names[i].bit) {
                        if (err)
                                snprintf(err->msg, sizeof err->msg,
                                         "artifact: compiled without %s, which this run needs", names[i].what);
                        return -ENOEXEC;
                }
        }
        if (missing) {
                if (err)
                        snprintf(err->msg, sizeof err->msg, "artifact: compiled without settings 0x%x, which this run needs",
                                 missing);
                return -ENOEXEC;
        }
        return 0;
}

const wsbx_art_trap *wsbx_artifact_trap_at(const wsbx_artifact *a, uint32_t code_offset)
{
        uint32_t lo = 0, hi = a->ntraps;
        while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (a->traps[mid].code_offset < code_offset)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < a->ntraps && a->traps[lo].code_offset == code_offset ? &a->traps[lo] : NULL;
}

bool wsbx_artifact_wasm_offset(const wsbx_artifact *a, uint32_t code_offset, uint32_t *wasm_offset)
{
        /* First entry above code_offset; the one before it covers it. */
        uint32_t lo = 0, hi = a->naddrs;
        while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (a->addrs[mid].code_offset <= code_offset)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (lo == 0)
                return false;
        *wasm_offset = a->addrs[lo - 1].wasm_offset;
        return true;
}

uint32_t wsbx_artifact_func_at(const wsbx_artifact *a, uint32_t code_offset)
{
        /* Defined functions ascend by code offset (checked by open). */
        uint32_t lo = a->nimported_funcs, hi = a->nfuncs;
        while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (a->funcs[mid].code_offset <= code_offset)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (lo == a->nimported_funcs)
                return WSBX_ART_NONE;
        const wsbx_art_func *f = &a->funcs[lo - 1];
        return code_offset - f->code_offset < f->code_size ? lo - 1 : WSBX_ART_NONE;
}
