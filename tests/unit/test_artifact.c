/* test_artifact.c - the artifact writer (engine/artifact.c) and the
 * verifying reader (loader/artifact.c) together: modules decoded from
 * text are written with fake machine code, read back, and every field
 * compared; static-initialization decisions and image alignment; then the
 * reader against corrupt artifacts (each header field, each section
 * header, each metadata table, truncation at every length, thousands of
 * seeded random byte flips) and a foreign-CPU artifact. Accepted corrupt
 * artifacts are walked end to end so that ASan sees any read that the
 * verifier let through. */
#include <criterion/criterion.h>
#include "internal.h"
#include "loader.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* Appends a "name" custom section naming the module and functions. */
static void add_names(wsbx_buf *b, const char *modname, const char *const *fnames, uint32_t n)
{
        wsbx_buf sec = {0}, sub = {0};
        wsbx_buf_uleb(&sec, 4);
        wsbx_buf_put(&sec, "name", 4);
        if (modname) {
                wsbx_buf_uleb(&sub, strlen(modname));
                wsbx_buf_put(&sub, modname, strlen(modname));
                wsbx_buf_u8(&sec, 0);
                wsbx_buf_uleb(&sec, sub.len);
                wsbx_buf_put(&sec, sub.data, sub.len);
                sub.len = 0;
        }
        uint32_t named = 0;
        for (uint32_t i = 0; i < n; i++)
                named += fnames[i] != NULL;
        wsbx_buf_uleb(&sub, named);
        for (uint32_t i = 0; i < n; i++) {
                if (!fnames[i])
                        continue;
                wsbx_buf_uleb(&sub, i);
                wsbx_buf_uleb(&sub, strlen(fnames[i]));
                wsbx_buf_put(&sub, fnames[i], strlen(fnames[i]));
        }
        wsbx_buf_u8(&sec, 1);
        wsbx_buf_uleb(&sec, sub.len);
        wsbx_buf_put(&sec, sub.data, sub.len);
        wsbx_buf_u8(b, 0);
        wsbx_buf_uleb(b, sec.len);
        wsbx_buf_put(b, sec.data, sec.len);
        cr_assert(!b->oom && !sec.oom && !sub.oom);
        wsbx_buf_free(&sec);
        wsbx_buf_free(&sub);
}

static wsbx_module *load_named(const char *wat, const char *modname, const char *const *fnames,
                               uint32_t nnames)
{
        uint8_t *bin;
        size_t len;
        wsbx_error err;
        cr_assert_eq(wsbx_wat_to_binary(wat, strlen(wat), &bin, &len, &err), WSBX_OK, "wat: %u:%u %s",
                     err.line, err.col, err.msg);
        wsbx_buf b = {0};
        wsbx_buf_put(&b, bin, len);
        free(bin);
        if (modname || nnames)
                add_names(&b, modname, fnames, nnames);
        wsbx_module *m;
        cr_assert_eq(wsbx_module_decode(b.data, b.len, NULL, &m, &err), WSBX_OK, "decode: %s", err.msg);
        wsbx_buf_free(&b);
        return m;
}

static wsbx_module *load(const char *wat)
{
        return load_named(wat, NULL, NULL, 0);
}

/* Fake code: defined function k sits at 32*k (16 bytes: int3 then rets),
 * its entry trampoline at 32*k + 16 (8 bytes); type trampolines follow. */
#define FSLOT 32
static uint32_t func_off(const wsbx_module *m, uint32_t f)
{
        return FSLOT * (f - m->nimported_funcs);
}

static uint8_t *build_opts(const wsbx_module *m, size_t *len, uint64_t cpu, bool static_init)
{
        wsbx_error err;
        wsbx_artbuild *b = wsbx_artbuild_new(m);
        cr_assert_not_null(b);
        uint32_t ndef = m->nfuncs - m->nimported_funcs;
        size_t text_len = (size_t)FSLOT * ndef + 16u * m->ntypes;
        uint8_t *text = malloc(text_len + 1);
        memset(text, 0xc3, text_len);
        for (uint32_t k = 0; k < ndef; k++)
                text[FSLOT * k] = 0xcc;
        cr_assert_eq(wsbx_artbuild_set_text(b, text, text_len, &err), WSBX_OK);
        free(text);
        /* Added in reverse so that finish must sort. */
        for (uint32_t f = m->nfuncs; f-- > m->nimported_funcs;) {
                uint32_t o = func_off(m, f);
                cr_assert_eq(wsbx_artbuild_set_func(b, f, o, 16, o + 16, 8, &err), WSBX_OK, "%s", err.msg);
                cr_assert_eq(wsbx_artbuild_add_trap(b, o + 1, WSBX_TRAP_UNREACHABLE, &err), WSBX_OK);
                cr_assert_eq(wsbx_artbuild_add_trap(b, o + 3, WSBX_TRAP_INT_DIV_ZERO, &err), WSBX_OK);
                const wsbx_func *fn = &m->funcs[f - m->nimported_funcs];
                cr_assert_eq(wsbx_artbuild_add_addr(b, o, fn->body_offset, &err), WSBX_OK);
                /* Two entries at one offset: the last one wins. */
                cr_assert_eq(wsbx_artbuild_add_addr(b, o + 4, 1, &err), WSBX_OK);
                cr_assert_eq(wsbx_artbuild_add_addr(b, o + 4, fn->code_offset, &err), WSBX_OK);
        }
        for (uint32_t t = 0; t < m->ntypes; t++)
                cr_assert_eq(wsbx_artbuild_set_type_trampoline(b, t, FSLOT * ndef + 16 * t, 16, &err), WSBX_OK);
        wsbx_artbuild_set_compat(b, cpu, WSBX_ART_SET_EPOCH);
        wsbx_artbuild_set_static_init(b, static_init);
        uint8_t *out;
        cr_assert_eq(wsbx_artbuild_finish(b, &out, len, &err), WSBX_OK, "finish: %s", err.msg);
        wsbx_artbuild_delete(b);
        return out;
}

static uint8_t *build(const wsbx_module *m, size_t *len)
{
        return build_opts(m, len, WSBX_CPU_BASELINE, true);
}

/* Opens a private exact-size copy (so ASan sees any read past the end). */
typedef struct opened {
        uint8_t *copy;
        wsbx_artifact a;
        wsbx_lerr err;
        int rc;
} opened;

static opened open_copy(const uint8_t *bytes, size_t len, uint64_t cpu)
{
        opened o;
        memset(&o, 0, sizeof o);
        o.copy = malloc(len ? len : 1);
        cr_assert_not_null(o.copy);
        memcpy(o.copy, bytes, len);
        o.rc = wsbx_artifact_open(o.copy, len, cpu, &o.a, &o.err);
        return o;
}

static void close_copy(opened *o)
{
        wsbx_artifact_close(&o->a);
        free(o->copy);
}

/* Reads everything a verified view points at, the way a runtime would. */
static uint64_t walk(const wsbx_artifact *a)
{
        uint64_t sum = 0;
        for (uint32_t i = 0; i < a->ntypes; i++) {
                const wsbx_art_type *t = &a->types[i];
                for (uint32_t k = 0; k < t->nparams + t->nresults; k++)
                        sum += a->blob[t->vt_off + k];
                if (t->w2a_offset != WSBX_ART_NONE && t->w2a_size)
                        sum += a->text[t->w2a_offset + t->w2a_size - 1];
        }
        for (uint32_t i = 0; i < a->nimports; i++) {
                const char *s = wsbx_artifact_str(a, a->imports[i].name);
                for (uint32_t k = 0; k < a->imports[i].name.len; k++)
                        sum += (uint8_t)s[k];
                s = wsbx_artifact_str(a, a->imports[i].module);
                for (uint32_t k = 0; k < a->imports[i].module.len; k++)
                        sum += (uint8_t)s[k];
        }
        for (uint32_t i = 0; i < a->nexports; i++) {
                const char *s = wsbx_artifact_str(a, a->exports[i].name);
                for (uint32_t k = 0; k < a->exports[i].name.len; k++)
                        sum += (uint8_t)s[k];
        }
        for (uint32_t i = 0; i < a->nfuncs; i++) {
                const wsbx_art_func *f = &a->funcs[i];
                sum += a->types[f->type].nparams;
                if (f->code_size)
                        sum += a->text[f->code_offset] + a->text[f->code_offset + f->code_size - 1];
                if (f->entry_offset != WSBX_ART_NONE && f->entry_size)
                        sum += a->text[f->entry_offset + f->entry_size - 1];
                uint32_t n;
                const char *s = wsbx_artifact_func_name(a, i, &n);
                for (uint32_t k = 0; k < n; k++)
                        sum += (uint8_t)s[k];
        }
        for (uint32_t i = 0; i < a->ntables; i++) {
                const wsbx_art_table *t = &a->tables[i];
                const uint32_t *img = (const uint32_t *)(const void *)(a->blob + t->image_off);
                for (uint32_t k = 0; k < t->image_count; k++)
                        sum += img[k] == WSBX_ART_NONE ? 0 : a->funcs[img[k]].type;
        }
        for (uint32_t i = 0; i < a->nmemories; i++)
                if (a->images[i].bytes)
                        sum += a->images[i].bytes[0] + a->images[i].bytes[a->images[i].size - 1];
        for (uint32_t i = 0; i < a->nelems; i++)
                for (uint32_t k = 0; k < a->elems[i].count; k++) {
                        const wsbx_art_const *it = &a->items[a->elems[i].items_first + k];
                        if (it->op == WSBX_ART_CONST_REF_FUNC)
                                sum += a->funcs[it->index].type;
                        else if (it->op == WSBX_ART_CONST_GLOBAL_GET)
                                sum += a->globals[it->index].type;
                }
        for (uint32_t i = 0; i < a->ndatas; i++) {
                const wsbx_art_data *d = &a->datas[i];
                if (!(d->flags & WSBX_ART_SEG_IN_IMAGE) && d->size)
                        sum += a->data[d->data_offset] + a->data[d->data_offset + d->size - 1];
        }
        uint32_t w;
        for (uint32_t off = 0; off < a->text_size; off += 7) {
                sum += wsbx_artifact_trap_at(a, off) != NULL;
                sum += wsbx_artifact_wasm_offset(a, off, &w);
                uint32_t f = wsbx_artifact_func_at(a, off);
                if (f != WSBX_ART_NONE)
                        sum += a->funcs[f].code_size;
        }
        return sum;
}

/* Test-side ELF reading (of our own, trusted output). */
static Elf64_Ehdr *ehdr(uint8_t *b)
{
        return (Elf64_Ehdr *)(void *)b;
}

static Elf64_Shdr *shdr_named(uint8_t *b, const char *name)
{
        Elf64_Ehdr *eh = ehdr(b);
        Elf64_Shdr *sh = (Elf64_Shdr *)(void *)(b + eh->e_shoff);
        const char *strs = (const char *)b + sh[eh->e_shstrndx].sh_offset;
        for (unsigned i = 0; i < eh->e_shnum; i++)
                if (strcmp(strs + sh[i].sh_name, name) == 0)
                        return &sh[i];
        return NULL;
}

static void *sec_data(uint8_t *b, const char *name)
{
        Elf64_Shdr *sh = shdr_named(b, name);
        cr_assert_not_null(sh, "section %s", name);
        return b + sh->sh_offset;
}

static const char *FULL =
        "(module\n"
        "  (type $t0 (func (param i32 i64) (result f32)))\n"
        "  (type $t1 (func))\n"
        "  (import \"env\" \"f\" (func $imp (type $t0)))\n"
        "  (import \"env\" \"g\" (global $ig i32))\n"
        "  (import \"env\" \"tab\" (table 4 funcref))\n"
        "  (memory 2 10)\n"
        "  (table $t 10 20 funcref)\n"
        "  (global $g1 (mut i64) (i64.const -5))\n"
        "  (global $g2 f64 (f64.const 1.5))\n"
        "  (global $g3 funcref (ref.func $a))\n"
        "  (global $g4 i32 (global.get $ig))\n"
        "  (func $a (result i32) (i32.const 1))\n"
        "  (func $b (param i32) (result i32) (local.get 0))\n"
        "  (func $s (type $t1))\n"
        "  (start $s)\n"
        "  (export \"a\" (func $a))\n"
        "  (export \"mem\" (memory 0))\n"
        "  (export \"g1\" (global $g1))\n"
        "  (export \"t\" (table $t))\n"
        "  (elem (table $t) (i32.const 1) func $a $b)\n"
        "  (elem (table 0) (i32.const 0) funcref (ref.null func) (ref.func $s))\n"
        "  (elem func $b)\n"
        "  (elem declare func $a)\n"
        "  (data (i32.const 16) \"hello\")\n"
        "  (data (i32.const 70000) \"world\")\n"
        "  (data \"passive bytes\")\n"
        ")";

static const char *const FULL_NAMES[] = {"imported_f", "func_a", NULL, "start"};

/* ------------------------------------------------------------------------ */
/* Round trip                                                               */
/* ------------------------------------------------------------------------ */

Test(artifact, roundtrip_every_field)
{
        wsbx_module *m = load_named(FULL, "full", FULL_NAMES, 4);
        size_t len;
        uint8_t *bytes = build(m, &len);
        opened o = open_copy(bytes, len, WSBX_CPU_ALL);
        cr_assert_eq(o.rc, 0, "%s", o.err.msg);
        const wsbx_artifact *a = &o.a;

        /* compat */
        cr_assert_eq(memcmp(a->compat->magic, WSBX_ART_MAGIC, 8), 0);
        cr_assert_eq(a->compat->abi_version, WSBX_ABI_VERSION);
        cr_assert_str_eq(a->compat->wsbx_version, WSBX_VERSION);
        cr_assert_eq(a->compat->cpu_features, WSBX_CPU_BASELINE);
        cr_assert_eq(a->compat->settings, WSBX_ART_SET_EPOCH);

        /* types */
        cr_assert_eq(a->ntypes, m->ntypes);
        for (uint32_t i = 0; i < m->ntypes; i++) {
                const wsbx_art_type *t = &a->types[i];
                cr_assert_eq(t->nparams, m->types[i].nparams);
                cr_assert_eq(t->nresults, m->types[i].nresults);
                for (uint32_t k = 0; k < t->nparams; k++)
                        cr_assert_eq(a->blob[t->vt_off + k], m->types[i].params[k]);
                for (uint32_t k = 0; k < t->nresults; k++)
                        cr_assert_eq(a->blob[t->vt_off + t->nparams + k], m->types[i].results[k]);
                cr_assert_eq(t->w2a_offset, FSLOT * 3 + 16 * i);
                cr_assert_eq(t->w2a_size, 16);
        }
        cr_assert_eq(a->blob[a->types[0].vt_off + 1], WSBX_ART_I64);

        /* imports */
        cr_assert_eq(a->nimports, 3);
        cr_assert_eq(a->nimported_funcs, 1);
        cr_assert_eq(a->nimported_globals, 1);
        cr_assert_eq(a->nimported_tables, 1);
        cr_assert_eq(a->nimported_memories, 0);
        const char *kinds[] = {"f", "g", "tab"};
        for (uint32_t i = 0; i < 3; i++) {
                const wsbx_art_import *im = &a->imports[i];
                cr_assert_eq(im->module.len, 3);
                cr_assert_eq(memcmp(wsbx_artifact_str(a, im->module), "env", 3), 0);
                cr_assert_eq(im->name.len, strlen(kinds[i]));
                cr_assert_eq(memcmp(wsbx_artifact_str(a, im->name), kinds[i], im->name.len), 0);
                cr_assert_eq(im->kind, m->imports[i].kind);
                cr_assert_eq(im->index, 0);
        }

        /* exports */
        cr_assert_eq(a->nexports, m->nexports);
        for (uint32_t i = 0; i < m->nexports; i++) {
                cr_assert_eq(a->exports[i].kind, m->exports[i].kind);
                cr_assert_eq(a->exports[i].index, m->exports[i].index);
                cr_assert_eq(a->exports[i].name.len, m->exports[i].name.len);
                cr_assert_eq(memcmp(wsbx_artifact_str(a, a->exports[i].name), m->exports[i].name.ptr,
                                    m->exports[i].name.len), 0);
        }

        /* functions */
        cr_assert_eq(a->nfuncs, 4);
        cr_assert_eq(a->funcs[0].flags, WSBX_ART_F_IMPORTED);
        cr_assert_eq(a->funcs[0].type, 0);
        for (uint32_t f = 1; f < 4; f++) {
                const wsbx_art_func *af = &a->funcs[f];
                cr_assert_eq(af->type, m->func_types[f]);
                cr_assert_eq(af->flags, 0);
                cr_assert_eq(af->code_offset, func_off(m, f));
                cr_assert_eq(af->code_size, 16);
                cr_assert_eq(af->entry_offset, func_off(m, f) + 16);
                cr_assert_eq(af->entry_size, 8);
                cr_assert_eq(af->wasm_offset, m->funcs[f - 1].body_offset);
                cr_assert_eq(af->wasm_size, m->funcs[f - 1].body_size);
                cr_assert_eq(a->text[af->code_offset], 0xcc);
        }
        cr_assert_eq(a->start_func, 3);
        cr_assert_eq(a->text_file_offset % WSBX_ART_PAGE, 0);
        cr_assert_eq(a->text_size, FSLOT * 3 + 16 * m->ntypes);

        /* tables: the imported one keeps its segments, the defined one
         * gets an image */
        cr_assert_eq(a->ntables, 2);
        cr_assert_eq(a->tables[0].flags, WSBX_ART_F_IMPORTED);
        cr_assert_eq(a->tables[0].init, WSBX_ART_INIT_SEGMENTS);
        cr_assert_eq(a->tables[0].min, 4);
        cr_assert_eq(a->tables[1].flags, WSBX_ART_F_HAS_MAX);
        cr_assert_eq(a->tables[1].elem, WSBX_ART_FUNCREF);
        cr_assert_eq(a->tables[1].min, 10);
        cr_assert_eq(a->tables[1].max, 20);
        cr_assert_eq(a->tables[1].init, WSBX_ART_INIT_IMAGE);
        cr_assert_eq(a->tables[1].image_count, 3);
        const uint32_t *timg = (const uint32_t *)(const void *)(a->blob + a->tables[1].image_off);
        cr_assert_eq(timg[0], WSBX_ART_NONE);
        cr_assert_eq(timg[1], 1);
        cr_assert_eq(timg[2], 2);

        /* memory */
        cr_assert_eq(a->nmemories, 1);
        const wsbx_art_memory *mem = &a->memories[0];
        cr_assert_eq(mem->flags, WSBX_ART_F_HAS_MAX);
        cr_assert_eq(mem->min, 2);
        cr_assert_eq(mem->max, 10);
        cr_assert_eq(mem->style, WSBX_ART_MEM_STATIC);
        cr_assert_eq(mem->guard_size, WSBX_ART_DEFAULT_GUARD);

        /* globals */
        cr_assert_eq(a->nglobals, 5);
        cr_assert_eq(a->globals[0].flags, WSBX_ART_F_IMPORTED);
        cr_assert_eq(a->globals[0].type, WSBX_ART_I32);
        cr_assert_eq(a->globals[1].type, WSBX_ART_I64);
        cr_assert_eq(a->globals[1].flags, WSBX_ART_F_MUT);
        int64_t i64;
        memcpy(&i64, a->globals[1].init.value, 8);
        cr_assert_eq(a->globals[1].init.op, WSBX_ART_CONST_I64);
        cr_assert_eq(i64, -5);
        double f64;
        memcpy(&f64, a->globals[2].init.value, 8);
        cr_assert_eq(a->globals[2].init.op, WSBX_ART_CONST_F64);
        cr_assert(f64 == 1.5);
        cr_assert_eq(a->globals[3].init.op, WSBX_ART_CONST_REF_FUNC);
        cr_assert_eq(a->globals[3].init.index, 1);
        cr_assert_eq(a->globals[4].init.op, WSBX_ART_CONST_GLOBAL_GET);
        cr_assert_eq(a->globals[4].init.index, 0);

        /* element segments */
        cr_assert_eq(a->nelems, 4);
        cr_assert_eq(a->nitems, 2 + 2 + 1 + 1);
        cr_assert_eq(a->elems[0].mode, WSBX_ART_SEG_ACTIVE);
        cr_assert_eq(a->elems[0].table, 1);
        cr_assert_eq(a->elems[0].flags, WSBX_ART_SEG_IN_IMAGE);
        cr_assert_eq(a->elems[0].offset.op, WSBX_ART_CONST_I32);
        cr_assert_eq(a->elems[0].offset.value[0], 1);
        cr_assert_eq(a->items[0].op, WSBX_ART_CONST_REF_FUNC);
        cr_assert_eq(a->items[0].index, 1);
        cr_assert_eq(a->items[1].index, 2);
        cr_assert_eq(a->elems[1].table, 0);
        cr_assert_eq(a->elems[1].flags, 0);
        cr_assert_eq(a->items[2].op, WSBX_ART_CONST_REF_NULL);
        cr_assert_eq(a->items[2].type, WSBX_ART_FUNCREF);
        cr_assert_eq(a->items[3].index, 3);
        cr_assert_eq(a->elems[2].mode, WSBX_ART_SEG_PASSIVE);
        cr_assert_eq(a->elems[2].items_first, 4);
        cr_assert_eq(a->elems[3].mode, WSBX_ART_SEG_DECLARATIVE);

        /* data: two active ones fold into an image, the passive one's
         * bytes are in .wsbx.data */
        cr_assert_eq(a->ndatas, 3);
        cr_assert_eq(mem->init, WSBX_ART_INIT_IMAGE);
        cr_assert_eq(a->datas[0].flags, WSBX_ART_SEG_IN_IMAGE);
        cr_assert_eq(a->datas[1].flags, WSBX_ART_SEG_IN_IMAGE);
        cr_assert_eq(a->datas[2].mode, WSBX_ART_SEG_PASSIVE);
        cr_assert_eq(a->datas[2].size, 13);
        cr_assert_eq(memcmp(a->data + a->datas[2].data_offset, "passive bytes", 13), 0);
        cr_assert_eq(a->data_size, 13);
        cr_assert_eq(mem->image_offset, 0);
        cr_assert_eq(mem->image_size, 73728); /* pages 0 .. 70005 rounded up */
        const wsbx_art_image *img = &a->images[0];
        cr_assert_not_null(img->bytes);
        cr_assert_eq(img->file_offset % WSBX_ART_PAGE, 0);
        cr_assert_eq(img->file_offset % WSBX_ART_PAGE, img->guest_offset % WSBX_ART_PAGE);
        cr_assert_eq(memcmp(img->bytes + 16, "hello", 5), 0);
        cr_assert_eq(memcmp(img->bytes + 70000, "world", 5), 0);
        cr_assert_eq(img->bytes[15], 0);
        cr_assert_eq(img->bytes[21], 0);

        /* trap table and address map: sorted, deduplicated */
        cr_assert_eq(a->ntraps, 6);
        cr_assert_eq(a->naddrs, 6);
        for (uint32_t i = 1; i < a->ntraps; i++)
                cr_assert_gt(a->traps[i].code_offset, a->traps[i - 1].code_offset);
        for (uint32_t f = 1; f < 4; f++) {
                uint32_t fo = func_off(m, f), w;
                const wsbx_art_trap *t = wsbx_artifact_trap_at(a, fo + 1);
                cr_assert_not_null(t);
                cr_assert_eq(t->trap, WSBX_TRAP_UNREACHABLE);
                cr_assert_eq(wsbx_artifact_trap_at(a, fo + 3)->trap, WSBX_TRAP_INT_DIV_ZERO);
                cr_assert_null(wsbx_artifact_trap_at(a, fo + 2));
                cr_assert(wsbx_artifact_wasm_offset(a, fo + 2, &w));
                cr_assert_eq(w, m->funcs[f - 1].body_offset);
                cr_assert(wsbx_artifact_wasm_offset(a, fo + 9, &w));
                cr_assert_eq(w, m->funcs[f - 1].code_offset);
                cr_assert_eq(wsbx_artifact_func_at(a, fo), f);
                cr_assert_eq(wsbx_artifact_func_at(a, fo + 15), f);
                cr_assert_eq(wsbx_artifact_func_at(a, fo + 16), WSBX_ART_NONE); /* trampoline */
        }
        cr_assert_eq(wsbx_artifact_func_at(a, a->text_size - 1), WSBX_ART_NONE);

        /* names */
        uint32_t n;
        const char *s = wsbx_artifact_func_name(a, 0, &n);
        cr_assert_eq(n, 10);
        cr_assert_eq(memcmp(s, "imported_f", 10), 0);
        s = wsbx_artifact_func_name(a, 1, &n);
        cr_assert_eq(n, 6);
        cr_assert_eq(memcmp(s, "func_a", 6), 0);
        wsbx_artifact_func_name(a, 2, &n);
        cr_assert_eq(n, 0);
        cr_assert_eq(a->module_name.len, 4);
        cr_assert_eq(memcmp(a->names + a->module_name.off, "full", 4), 0);

        walk(a);
        close_copy(&o);
        free(bytes);
        wsbx_module_delete(m);
}

Test(artifact, empty_module)
{
        wsbx_module *m = load("(module)");
        size_t len;
        uint8_t *bytes = build(m, &len);
        opened o = open_copy(bytes, len, WSBX_CPU_ALL);
        cr_assert_eq(o.rc, 0, "%s", o.err.msg);
        cr_assert_eq(o.a.nfuncs, 0);
        cr_assert_eq(o.a.text_size, 0);
        cr_assert_eq(o.a.start_func, WSBX_ART_NONE);
        cr_assert_eq(wsbx_artifact_func_at(&o.a, 0), WSBX_ART_NONE);
        uint32_t w;
        cr_assert(!wsbx_artifact_wasm_offset(&o.a, 0, &w));
        close_copy(&o);
        free(bytes);
        wsbx_module_delete(m);
}

/* ------------------------------------------------------------------------ */
/* Static initialization decisions                                          */
/* ------------------------------------------------------------------------ */

/* Builds, opens and returns memory 0's plan (and the open view). */
static opened build_open(const char *wat, bool static_init, wsbx_module **mp, uint8_t **bp)
{
        wsbx_module *m = load(wat);
        size_t len;
        uint8_t *bytes = build_opts(m, &len, WSBX_CPU_BASELINE, static_init);
        opened o = open_copy(bytes, len, WSBX_CPU_ALL);
        cr_assert_eq(o.rc, 0, "%s", o.err.msg);
        *mp = m;
        *bp = bytes;
        return o;
}

static void done(opened *o, wsbx_module *m, uint8_t *bytes)
{
        walk(&o->a);
        close_copy(o);
        free(bytes);
        wsbx_module_delete(m);
}

Test(artifact, image_page_aligned_in_the_middle)
{
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open("(memory 4) (data (i32.const 131077) \"abc\") (data (i32.const 135000) \"z\")",
                              true, &m, &b);
        const wsbx_art_memory *mem = &o.a.memories[0];
        cr_assert_eq(mem->init, WSBX_ART_INIT_IMAGE);
        cr_assert_eq(mem->image_offset, 131072);
        cr_assert_eq(mem->image_size, 4096);
        const wsbx_art_image *img = &o.a.images[0];
        cr_assert_eq(img->guest_offset, 131072);
        cr_assert_eq(img->file_offset % WSBX_ART_PAGE, 0);
        cr_assert_eq(memcmp(img->bytes + 5, "abc", 3), 0);
        cr_assert_eq(img->bytes[135000 - 131072], 'z');
        /* The section is named after the memory and lies where the view says. */
        Elf64_Shdr *sh = shdr_named(o.copy, ".wsbx.image.0");
        cr_assert_not_null(sh);
        cr_assert_eq(sh->sh_offset, img->file_offset);
        cr_assert_eq(sh->sh_size, 4096);
        cr_assert_eq(o.a.data_size, 0);
        done(&o, m, b);
}

Test(artifact, overlapping_segments_apply_in_order)
{
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open("(memory 1) (data (i32.const 10) \"aaaa\") (data (i32.const 12) \"bb\")", true,
                              &m, &b);
        cr_assert_eq(o.a.memories[0].init, WSBX_ART_INIT_IMAGE);
        cr_assert_eq(memcmp(o.a.images[0].bytes + 10, "aabb", 4), 0);
        done(&o, m, b);
}

Test(artifact, sparse_and_large_uses_segments)
{
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open("(memory 100) (data (i32.const 0) \"a\") (data (i32.const 5242880) \"b\")", true,
                              &m, &b);
        cr_assert_eq(o.a.memories[0].init, WSBX_ART_INIT_SEGMENTS);
        cr_assert_null(o.a.images[0].bytes);
        cr_assert_null(shdr_named(o.copy, ".wsbx.image.0"));
        cr_assert_eq(o.a.datas[0].flags, 0);
        cr_assert_eq(o.a.datas[1].flags, 0);
        cr_assert_eq(o.a.data_size, 2);
        cr_assert_eq(o.a.data[o.a.datas[1].data_offset], 'b');
        done(&o, m, b);
}

Test(artifact, small_sparse_still_gets_an_image)
{
        /* 2 bytes written in a 1 MiB image: kept because it is small. */
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open("(memory 20) (data (i32.const 0) \"a\") (data (i32.const 1048575) \"b\")", true,
                              &m, &b);
        cr_assert_eq(o.a.memories[0].init, WSBX_ART_INIT_IMAGE);
        cr_assert_eq(o.a.memories[0].image_size, 1048576);
        cr_assert_eq(o.a.images[0].bytes[1048575], 'b');
        done(&o, m, b);
}

Test(artifact, large_dense_gets_an_image)
{
        /* 1.5 MiB written densely: bigger than "small" but over half full. */
        size_t n = 1536 * 1024;
        char *wat = malloc(n + 200);
        cr_assert_not_null(wat);
        int h = sprintf(wat, "(memory 60) (data (i32.const 4096) \"");
        memset(wat + h, 'q', n);
        strcpy(wat + h + n, "\") (data (i32.const 3000000) \"x\")");
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open(wat, true, &m, &b);
        free(wat);
        const wsbx_art_memory *mem = &o.a.memories[0];
        cr_assert_eq(mem->init, WSBX_ART_INIT_IMAGE);
        cr_assert_eq(mem->image_offset, 4096);
        cr_assert_eq(mem->image_size, 3002368 - 4096); /* up to the page after 3000000 */
        cr_assert_eq(o.a.images[0].bytes[0], 'q');
        cr_assert_eq(o.a.images[0].bytes[3000000 - 4096], 'x');
        done(&o, m, b);
}

Test(artifact, large_half_empty_uses_segments)
{
        size_t n = 1024 * 1024;
        char *wat = malloc(n + 200);
        cr_assert_not_null(wat);
        int h = sprintf(wat, "(memory 80) (data (i32.const 0) \"");
        memset(wat + h, 'q', n);
        strcpy(wat + h + n, "\") (data (i32.const 4000000) \"x\")");
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open(wat, true, &m, &b);
        free(wat);
        cr_assert_eq(o.a.memories[0].init, WSBX_ART_INIT_SEGMENTS);
        cr_assert_eq(o.a.data_size, n + 1);
        done(&o, m, b);
}

Test(artifact, non_constant_offset_uses_segments)
{
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open("(import \"e\" \"g\" (global i32)) (memory 1) (table 4 funcref) (func)"
                              "(elem (i32.const 0) func 0)"
                              "(data (i32.const 0) \"a\") (data (global.get 0) \"b\")",
                              true, &m, &b);
        cr_assert_eq(o.a.memories[0].init, WSBX_ART_INIT_SEGMENTS);
        /* One segment that may trap keeps everything as segments, the
         * table's included: an image would apply writes out of order. */
        cr_assert_eq(o.a.tables[0].init, WSBX_ART_INIT_SEGMENTS);
        cr_assert_eq(o.a.datas[1].offset.op, WSBX_ART_CONST_GLOBAL_GET);
        cr_assert_eq(o.a.data_size, 2);
        done(&o, m, b);
}

Test(artifact, out_of_bounds_segment_uses_segments)
{
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open("(memory 1) (data (i32.const 0) \"a\") (data (i32.const 65535) \"bc\")", true, &m,
                              &b);
        cr_assert_eq(o.a.memories[0].init, WSBX_ART_INIT_SEGMENTS);
        done(&o, m, b);
}

Test(artifact, trapping_elem_blocks_memory_image)
{
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open("(memory 1) (table 1 funcref) (func)"
                              "(elem (i32.const 1) func 0)" /* out of bounds: traps */
                              "(data (i32.const 0) \"a\")",
                              true, &m, &b);
        cr_assert_eq(o.a.memories[0].init, WSBX_ART_INIT_SEGMENTS);
        done(&o, m, b);
}

Test(artifact, static_init_off_and_passive_only)
{
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open("(memory 1) (data (i32.const 0) \"a\")", false, &m, &b);
        cr_assert_eq(o.a.memories[0].init, WSBX_ART_INIT_SEGMENTS);
        done(&o, m, b);
        o = build_open("(memory 1) (data \"pp\")", true, &m, &b);
        cr_assert_eq(o.a.memories[0].init, WSBX_ART_INIT_NONE);
        cr_assert_eq(o.a.data_size, 2);
        done(&o, m, b);
        /* Only empty segments: nothing to map. */
        o = build_open("(memory 1) (data (i32.const 8) \"\")", true, &m, &b);
        cr_assert_eq(o.a.memories[0].init, WSBX_ART_INIT_SEGMENTS);
        done(&o, m, b);
}

Test(artifact, imported_memory_never_gets_an_image)
{
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open("(import \"e\" \"m\" (memory 1)) (data (i32.const 0) \"a\")", true, &m, &b);
        cr_assert_eq(o.a.memories[0].flags, WSBX_ART_F_IMPORTED);
        cr_assert_eq(o.a.memories[0].init, WSBX_ART_INIT_SEGMENTS);
        done(&o, m, b);
}

Test(artifact, table_image_with_empty_segment)
{
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open("(table 10 funcref) (func) (func)"
                              "(elem (i32.const 2) func 1 0) (elem (i32.const 9) func)",
                              true, &m, &b);
        const wsbx_art_table *t = &o.a.tables[0];
        cr_assert_eq(t->init, WSBX_ART_INIT_IMAGE);
        cr_assert_eq(t->image_count, 9);
        const uint32_t *img = (const uint32_t *)(const void *)(o.a.blob + t->image_off);
        cr_assert_eq(img[0], WSBX_ART_NONE);
        cr_assert_eq(img[2], 1);
        cr_assert_eq(img[3], 0);
        cr_assert_eq(img[8], WSBX_ART_NONE);
        cr_assert_eq(o.a.elems[1].flags, WSBX_ART_SEG_IN_IMAGE);
        done(&o, m, b);
}

Test(artifact, table_with_global_get_item_uses_segments)
{
        wsbx_module *m;
        uint8_t *b;
        opened o = build_open("(import \"e\" \"g\" (global funcref)) (table 4 funcref)"
                              "(elem (i32.const 0) funcref (global.get 0))",
                              true, &m, &b);
        cr_assert_eq(o.a.tables[0].init, WSBX_ART_INIT_SEGMENTS);
        cr_assert_eq(o.a.items[0].op, WSBX_ART_CONST_GLOBAL_GET);
        done(&o, m, b);
}

Test(artifact, memory_plans)
{
        wsbx_module *m = load("(memory 1)");
        wsbx_error err;
        wsbx_artbuild *b = wsbx_artbuild_new(m);
        cr_assert_eq(wsbx_artbuild_set_memory_plan(b, 1, WSBX_ART_MEM_STATIC, 0, &err), WSBX_ERR_INVALID);
        cr_assert(strstr(err.msg, "memory 1 out of range"), "%s", err.msg);
        cr_assert_eq(wsbx_artbuild_set_memory_plan(b, 0, 7, 0, &err), WSBX_ERR_INVALID);
        cr_assert_eq(wsbx_artbuild_set_memory_plan(b, 0, WSBX_ART_MEM_DYNAMIC, 100, &err), WSBX_ERR_INVALID);
        cr_assert_eq(wsbx_artbuild_set_memory_plan(b, 0, WSBX_ART_MEM_DYNAMIC, 65536, &err), WSBX_OK);
        uint8_t *out;
        size_t len;
        cr_assert_eq(wsbx_artbuild_finish(b, &out, &len, &err), WSBX_OK, "%s", err.msg);
        opened o = open_copy(out, len, WSBX_CPU_ALL);
        cr_assert_eq(o.rc, 0, "%s", o.err.msg);
        cr_assert_eq(o.a.memories[0].style, WSBX_ART_MEM_DYNAMIC);
        cr_assert_eq(o.a.memories[0].guard_size, 65536);
        close_copy(&o);
        free(out);
        wsbx_artbuild_delete(b);
        wsbx_module_delete(m);
}

/* ------------------------------------------------------------------------ */
/* The builder refuses inconsistent input                                   */
/* ------------------------------------------------------------------------ */

Test(artifact, builder_misuse)
{
        wsbx_module *m = load("(import \"e\" \"f\" (func)) (func) (func)");
        wsbx_error err;
        uint8_t code[64], *out;
        size_t len;
        memset(code, 0xc3, sizeof code);
        wsbx_artbuild *b = wsbx_artbuild_new(m);
        cr_assert_eq(wsbx_artbuild_set_func(b, 0, 0, 4, WSBX_ART_NONE, 0, &err), WSBX_ERR_INVALID);
        cr_assert(strstr(err.msg, "not a defined function"), "%s", err.msg);
        cr_assert_eq(wsbx_artbuild_set_func(b, 3, 0, 4, WSBX_ART_NONE, 0, &err), WSBX_ERR_INVALID);
        cr_assert_eq(wsbx_artbuild_set_func(b, 1, 0, 0, WSBX_ART_NONE, 0, &err), WSBX_ERR_INVALID);
        cr_assert_eq(wsbx_artbuild_add_trap(b, 0, WSBX_TRAP_NONE, &err), WSBX_ERR_INVALID);
        cr_assert_eq(wsbx_artbuild_set_text(b, code, sizeof code, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_finish(b, &out, &len, &err), WSBX_ERR_INVALID);
        cr_assert(strstr(err.msg, "function 1 has no code"), "%s", err.msg);
        cr_assert_null(out);
        cr_assert_eq(wsbx_artbuild_set_func(b, 1, 16, 8, WSBX_ART_NONE, 0, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_set_func(b, 2, 20, 8, WSBX_ART_NONE, 0, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_finish(b, &out, &len, &err), WSBX_ERR_INVALID);
        cr_assert(strstr(err.msg, "overlaps"), "%s", err.msg);
        cr_assert_eq(wsbx_artbuild_set_func(b, 2, 60, 8, WSBX_ART_NONE, 0, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_finish(b, &out, &len, &err), WSBX_ERR_INVALID);
        cr_assert(strstr(err.msg, "beyond .text"), "%s", err.msg);
        cr_assert_eq(wsbx_artbuild_set_func(b, 2, 32, 8, WSBX_ART_NONE, 0, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_add_trap(b, 64, WSBX_TRAP_UNREACHABLE, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_finish(b, &out, &len, &err), WSBX_ERR_INVALID);
        cr_assert(strstr(err.msg, "trap site 0x40 beyond .text"), "%s", err.msg);
        wsbx_artbuild_delete(b);

        b = wsbx_artbuild_new(m);
        cr_assert_eq(wsbx_artbuild_set_text(b, code, sizeof code, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_set_func(b, 1, 0, 8, WSBX_ART_NONE, 0, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_set_func(b, 2, 8, 8, WSBX_ART_NONE, 0, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_add_trap(b, 3, WSBX_TRAP_UNREACHABLE, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_add_trap(b, 3, WSBX_TRAP_MEMORY_OOB, &err), WSBX_OK);
        cr_assert_eq(wsbx_artbuild_finish(b, &out, &len, &err), WSBX_ERR_INVALID);
        cr_assert(strstr(err.msg, "two trap kinds"), "%s", err.msg);
        wsbx_artbuild_delete(b);
        wsbx_module_delete(m);
}

/* ------------------------------------------------------------------------ */
/* Tools read it                                                            */
/* ------------------------------------------------------------------------ */

static int run_tool(const char *cmd, const char *path, char *out, size_t cap)
{
        char line[512];
        snprintf(line, sizeof line, "%s %s 2>&1", cmd, path);
        FILE *p = popen(line, "r");
        cr_assert_not_null(p);
        size_t n = fread(out, 1, cap - 1, p);
        out[n] = 0;
        return pclose(p);
}

Test(artifact, readelf_and_objdump_read_it)
{
        if (system("command -v readelf >/dev/null 2>&1 && command -v objdump >/dev/null 2>&1") != 0)
                cr_skip_test("binutils not installed");
        wsbx_module *m = load_named(FULL, "full", FULL_NAMES, 4);
        size_t len;
        uint8_t *bytes = build(m, &len);
        char path[] = "/tmp/wsbx-art-XXXXXX";
        int fd = mkstemp(path);
        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, bytes, len), (ssize_t)len);
        close(fd);
        static char out[1 << 16];
        cr_assert_eq(run_tool("readelf -W -S -s", path, out, sizeof out), 0, "%s", out);
        cr_assert_null(strstr(out, "Warning"), "%s", out);
        cr_assert_null(strstr(out, "Error"), "%s", out);
        cr_assert(strstr(out, ".wsbx.meta"), "%s", out);
        cr_assert(strstr(out, ".wsbx.image.0"), "%s", out);
        cr_assert(strstr(out, "func_a"), "%s", out);
        cr_assert(strstr(out, "wasm_func_2"), "%s", out);
        cr_assert(strstr(out, "start.array_entry"), "%s", out);
        cr_assert(strstr(out, "wasm_to_array_type_1"), "%s", out);
        cr_assert_eq(run_tool("objdump -d", path, out, sizeof out), 0, "%s", out);
        cr_assert(strstr(out, "<func_a>:"), "%s", out);
        cr_assert(strstr(out, "int3"), "%s", out);
        cr_assert(strstr(out, "ret"), "%s", out);
        unlink(path);
        free(bytes);
        wsbx_module_delete(m);
}

/* ------------------------------------------------------------------------ */
/* Corruption                                                               */
/* ------------------------------------------------------------------------ */

typedef struct fixture {
        wsbx_module *m;
        uint8_t *bytes;
        size_t len;
} fixture;

static fixture make_fixture(void)
{
        fixture f;
        f.m = load_named(FULL, "full", FULL_NAMES, 4);
        f.bytes = build(f.m, &f.len);
        return f;
}

static void free_fixture(fixture *f)
{
        free(f->bytes);
        wsbx_module_delete(f->m);
}

/* Applies `mutate` to a copy and expects refusal `rc` naming `what`. */
#define EXPECT_REFUSED(f, rc_, what, ...)                                                       \
        do {                                                                                    \
                uint8_t *c_ = malloc((f)->len);                                                 \
                memcpy(c_, (f)->bytes, (f)->len);                                               \
                uint8_t *B = c_;                                                                \
                (void)B;                                                                        \
                __VA_ARGS__;                                                                    \
                opened o_ = open_copy(c_, (f)->len, WSBX_CPU_BASELINE);                        \
                cr_assert_eq(o_.rc, (rc_), "%s: rc %d, msg \"%s\"", #__VA_ARGS__, o_.rc,       \
                             o_.err.msg);                                                       \
                cr_assert(strstr(o_.err.msg, (what)), "%s: message \"%s\" does not name \"%s\"", \
                          #__VA_ARGS__, o_.err.msg, (what));                                    \
                cr_assert(strncmp(o_.err.msg, "artifact: ", 10) == 0, "%s", o_.err.msg);        \
                cr_assert_null(o_.a.images);                                                    \
                close_copy(&o_);                                                                \
                free(c_);                                                                       \
        } while (0)

#define META(B) ((wsbx_art_meta *)sec_data((B), ".wsbx.meta"))
#define MTAB(B, id, type) ((type *)(void *)((uint8_t *)META(B) + META(B)->tables[id].offset))

Test(artifact, corrupt_elf_header)
{
        fixture f = make_fixture();
        EXPECT_REFUSED(&f, -ENOEXEC, "bad magic", B[1] = 'X');
        EXPECT_REFUSED(&f, -ENOEXEC, "ELFCLASS64", B[EI_CLASS] = ELFCLASS32);
        EXPECT_REFUSED(&f, -ENOEXEC, "little-endian", B[EI_DATA] = ELFDATA2MSB);
        EXPECT_REFUSED(&f, -EINVAL, "version", B[EI_VERSION] = 2);
        EXPECT_REFUSED(&f, -EINVAL, "OS ABI", B[EI_OSABI] = ELFOSABI_LINUX);
        EXPECT_REFUSED(&f, -ENOEXEC, "machine 183", ehdr(B)->e_machine = EM_AARCH64);
        EXPECT_REFUSED(&f, -ENOEXEC, "type 2", ehdr(B)->e_type = ET_EXEC);
        EXPECT_REFUSED(&f, -EINVAL, "bad version", ehdr(B)->e_version = 7);
        EXPECT_REFUSED(&f, -EINVAL, "e_ehsize", ehdr(B)->e_ehsize = 52);
        EXPECT_REFUSED(&f, -EINVAL, "program headers", ehdr(B)->e_phnum = 1);
        EXPECT_REFUSED(&f, -EINVAL, "program headers", ehdr(B)->e_phoff = 64);
        EXPECT_REFUSED(&f, -EINVAL, "e_shentsize", ehdr(B)->e_shentsize = 40);
        EXPECT_REFUSED(&f, -EINVAL, "e_shnum", ehdr(B)->e_shnum = 0);
        EXPECT_REFUSED(&f, -EINVAL, "section headers", ehdr(B)->e_shnum = 0xfeff);
        EXPECT_REFUSED(&f, -EINVAL, "section headers", ehdr(B)->e_shoff = f.len);
        EXPECT_REFUSED(&f, -EINVAL, "section headers", ehdr(B)->e_shoff = UINT64_MAX - 7);
        EXPECT_REFUSED(&f, -EINVAL, "section headers", ehdr(B)->e_shoff += 4);
        EXPECT_REFUSED(&f, -EINVAL, "e_shstrndx", ehdr(B)->e_shstrndx = ehdr(B)->e_shnum);
        EXPECT_REFUSED(&f, -EINVAL, "e_shstrndx", ehdr(B)->e_shstrndx = 0);
        EXPECT_REFUSED(&f, -EINVAL, ".shstrtab", ehdr(B)->e_shstrndx = 1);
        EXPECT_REFUSED(&f, -ENOEXEC, "too small", ehdr(B)->e_shnum = 1; f.len = 40);
        f.len = (size_t)ehdr(f.bytes)->e_shoff + ehdr(f.bytes)->e_shnum * sizeof(Elf64_Shdr);
        free_fixture(&f);
}

Test(artifact, corrupt_section_headers)
{
        fixture f = make_fixture();
        EXPECT_REFUSED(&f, -EINVAL, "section header 0", ((Elf64_Shdr *)(void *)(B + ehdr(B)->e_shoff))->sh_size = 1);
        EXPECT_REFUSED(&f, -EINVAL, "not aligned to 0x1000", shdr_named(B, ".text")->sh_offset += 16);
        EXPECT_REFUSED(&f, -EINVAL, "not page-aligned", shdr_named(B, ".text")->sh_offset += 16;
                       shdr_named(B, ".text")->sh_addralign = 16);
        EXPECT_REFUSED(&f, -EINVAL, "not executable", shdr_named(B, ".text")->sh_flags = SHF_ALLOC);
        EXPECT_REFUSED(&f, -EINVAL, "beyond file size", shdr_named(B, ".wsbx.traps")->sh_size = f.len);
        EXPECT_REFUSED(&f, -EINVAL, "beyond file size", shdr_named(B, ".wsbx.traps")->sh_offset = UINT64_MAX - 3);
        EXPECT_REFUSED(&f, -EINVAL, "not a power of two", shdr_named(B, ".wsbx.meta")->sh_addralign = 24);
        EXPECT_REFUSED(&f, -EINVAL, "not 8-byte aligned", shdr_named(B, ".wsbx.meta")->sh_offset += 4;
                       shdr_named(B, ".wsbx.meta")->sh_addralign = 4);
        EXPECT_REFUSED(&f, -EINVAL, "differs from section size", shdr_named(B, ".wsbx.meta")->sh_size -= 8);
        EXPECT_REFUSED(&f, -EINVAL, "SHT_PROGBITS", shdr_named(B, ".wsbx.meta")->sh_type = SHT_NOTE);
        EXPECT_REFUSED(&f, -EINVAL, "SHT_PROGBITS", shdr_named(B, ".wsbx.image.0")->sh_type = SHT_NOBITS);
        EXPECT_REFUSED(&f, -EINVAL, "name offset", shdr_named(B, ".wsbx.meta")->sh_name = 0x7fffffff);
        /* Renaming sections: missing, duplicated, unknown. */
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.traps is missing", ((char *)sec_data(B, ".shstrtab"))
                       [shdr_named(B, ".wsbx.traps")->sh_name + 1] = 'x');
        EXPECT_REFUSED(&f, -EINVAL, ".wsbx.traps appears twice",
                       shdr_named(B, ".wsbx.addrmap")->sh_name = shdr_named(B, ".wsbx.traps")->sh_name);
        EXPECT_REFUSED(&f, -EINVAL, "unknown wsbx section", ((char *)sec_data(B, ".shstrtab"))
                       [shdr_named(B, ".wsbx.meta")->sh_name + 7] = 'x');
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.image.0 is missing", ((char *)sec_data(B, ".shstrtab"))
                       [shdr_named(B, ".wsbx.image.0")->sh_name + 1] = 'x');
        EXPECT_REFUSED(&f, -EINVAL, "unknown wsbx section", ((char *)sec_data(B, ".shstrtab"))
                       [shdr_named(B, ".wsbx.image.0")->sh_name + 12] = 'x');
        EXPECT_REFUSED(&f, -EINVAL, "memory 7 out of range", ((char *)sec_data(B, ".shstrtab"))
                       [shdr_named(B, ".wsbx.image.0")->sh_name + 12] = '7');
        EXPECT_REFUSED(&f, -EINVAL, "image.0: size 0x11000 differs from memory 0's image size 0x12000",
                       shdr_named(B, ".wsbx.image.0")->sh_size -= 4096);
        EXPECT_REFUSED(&f, -EINVAL, "not aligned", shdr_named(B, ".wsbx.image.0")->sh_offset -= 8);
        EXPECT_REFUSED(&f, -EINVAL, "image.0: file offset", shdr_named(B, ".wsbx.image.0")->sh_offset -= 8;
                       shdr_named(B, ".wsbx.image.0")->sh_addralign = 8);
        free_fixture(&f);
}

Test(artifact, corrupt_compat)
{
        fixture f = make_fixture();
#define COMPAT(B) ((wsbx_art_compat *)sec_data((B), ".wsbx.compat"))
        EXPECT_REFUSED(&f, -ENOEXEC, "not a wsbx artifact", COMPAT(B)->magic[0] = 'W');
        EXPECT_REFUSED(&f, -ENOEXEC, "ABI version 99", COMPAT(B)->abi_version = 99);
        EXPECT_REFUSED(&f, -ENOEXEC, "compiled by wsbx 9.9.9", strcpy(COMPAT(B)->wsbx_version, "9.9.9"));
        EXPECT_REFUSED(&f, -EINVAL, "not NUL-terminated", memset(COMPAT(B)->wsbx_version, 'a', 32));
        EXPECT_REFUSED(&f, -EINVAL, "not NUL-padded", COMPAT(B)->wsbx_version[31] = 'a');
        EXPECT_REFUSED(&f, -ENOEXEC, "unknown settings", COMPAT(B)->settings = 0x80);
        EXPECT_REFUSED(&f, -ENOEXEC, "unknown CPU feature bits 0x200", COMPAT(B)->cpu_features |= 0x200);
        EXPECT_REFUSED(&f, -ENOEXEC, "CPU feature bmi2", COMPAT(B)->cpu_features |= WSBX_CPU_BMI2);
        EXPECT_REFUSED(&f, -EINVAL, ".wsbx.compat: size", shdr_named(B, ".wsbx.compat")->sh_size = 48);
#undef COMPAT
        free_fixture(&f);
}

Test(artifact, foreign_cpu_is_refused)
{
        wsbx_module *m = load("(func)");
        size_t len;
        uint8_t *bytes = build_opts(m, &len, WSBX_CPU_BASELINE | WSBX_CPU_AVX | WSBX_CPU_AVX2, true);
        opened o = open_copy(bytes, len, WSBX_CPU_BASELINE | WSBX_CPU_AVX);
        cr_assert_eq(o.rc, -ENOEXEC);
        cr_assert_str_eq(o.err.msg, "artifact: code needs CPU feature avx2, which this CPU lacks");
        close_copy(&o);
        o = open_copy(bytes, len, WSBX_CPU_ALL);
        cr_assert_eq(o.rc, 0, "%s", o.err.msg);
        close_copy(&o);
        /* This machine: the baseline artifact opens wherever wsbx runs. */
        uint64_t here = wsbx_cpu_features();
        cr_assert_eq(here & ~(uint64_t)WSBX_CPU_ALL, 0);
        cr_assert_str_eq(wsbx_cpu_feature_name(WSBX_CPU_LZCNT), "lzcnt");
        cr_assert_str_eq(wsbx_cpu_feature_name(3), "?");
        free(bytes);
        wsbx_module_delete(m);
}

Test(artifact, corrupt_meta_header)
{
        fixture f = make_fixture();
        EXPECT_REFUSED(&f, -EINVAL, ".wsbx.meta: bad magic", META(B)->magic ^= 1);
        EXPECT_REFUSED(&f, -ENOEXEC, ".wsbx.meta: version 2", META(B)->version = 2);
        EXPECT_REFUSED(&f, -EINVAL, "header size", META(B)->size += 8);
        EXPECT_REFUSED(&f, -EINVAL, "reserved header field", META(B)->reserved[1] = 1);
        EXPECT_REFUSED(&f, -EINVAL, "start function 99", META(B)->start_func = 99);
        EXPECT_REFUSED(&f, -EINVAL, "start function 1 takes or returns", META(B)->start_func = 1);
        EXPECT_REFUSED(&f, -EINVAL, "more imported", META(B)->nimported_funcs = 5);
        EXPECT_REFUSED(&f, -EINVAL, "disagree", META(B)->nimported_funcs = 2);
        EXPECT_REFUSED(&f, -EINVAL, "smaller than its header", shdr_named(B, ".wsbx.meta")->sh_size = 100);
        static const char *const tn[] = {"types", "imports", "exports", "funcs", "tables", "memories",
                                         "globals", "elems", "items", "datas", "blob"};
        for (int t = 0; t < WSBX_ART_T_COUNT; t++) {
                char what[64];
                snprintf(what, sizeof what, "table %s: offset", tn[t]);
                EXPECT_REFUSED(&f, -EINVAL, what, META(B)->tables[t].offset += 4);
                snprintf(what, sizeof what, "table %s: ", tn[t]);
                EXPECT_REFUSED(&f, -EINVAL, what, META(B)->tables[t].count = 0x40000000);
                if (t > 0) {
                        snprintf(what, sizeof what, "table %s: offset", tn[t]);
                        EXPECT_REFUSED(&f, -EINVAL, "overlaps", META(B)->tables[t].offset = 120);
                }
        }
        free_fixture(&f);
}

Test(artifact, corrupt_meta_records)
{
        fixture f = make_fixture();
        /* types */
        EXPECT_REFUSED(&f, -EINVAL, "type 1: value types", MTAB(B, WSBX_ART_T_TYPES, wsbx_art_type)[1].vt_off = 1u << 30);
        EXPECT_REFUSED(&f, -EINVAL, "type 0: value types", MTAB(B, WSBX_ART_T_TYPES, wsbx_art_type)[0].nparams = 0xffffffff);
        EXPECT_REFUSED(&f, -EINVAL, "type 0: bad value type 0x40",
                       ((uint8_t *)(MTAB(B, WSBX_ART_T_BLOB, uint8_t)))[MTAB(B, WSBX_ART_T_TYPES, wsbx_art_type)[0].vt_off] = 0x40);
        EXPECT_REFUSED(&f, -EINVAL, "type 1: trampoline", MTAB(B, WSBX_ART_T_TYPES, wsbx_art_type)[1].w2a_offset = 0x5000);
        EXPECT_REFUSED(&f, -EINVAL, "type 1: trampoline", MTAB(B, WSBX_ART_T_TYPES, wsbx_art_type)[1].w2a_offset = WSBX_ART_NONE);
        EXPECT_REFUSED(&f, -EINVAL, "type 0: reserved", MTAB(B, WSBX_ART_T_TYPES, wsbx_art_type)[0].reserved = 1);
        /* imports and exports */
        EXPECT_REFUSED(&f, -EINVAL, "import 2: bad kind 4", MTAB(B, WSBX_ART_T_IMPORTS, wsbx_art_import)[2].kind = 4);
        EXPECT_REFUSED(&f, -EINVAL, "import 1: global index 1, expected 0",
                       MTAB(B, WSBX_ART_T_IMPORTS, wsbx_art_import)[1].index = 1);
        EXPECT_REFUSED(&f, -EINVAL, "import 0: string", MTAB(B, WSBX_ART_T_IMPORTS, wsbx_art_import)[0].name.len = 1u << 31);
        EXPECT_REFUSED(&f, -EINVAL, "import 0: string", MTAB(B, WSBX_ART_T_IMPORTS, wsbx_art_import)[0].module.off = 0xfffffff0);
        EXPECT_REFUSED(&f, -EINVAL, "import 0: name is not valid UTF-8",
                       MTAB(B, WSBX_ART_T_BLOB, uint8_t)[MTAB(B, WSBX_ART_T_IMPORTS, wsbx_art_import)[0].name.off] = 0xff);
        EXPECT_REFUSED(&f, -EINVAL, "export 1: memory index 1 out of range",
                       MTAB(B, WSBX_ART_T_EXPORTS, wsbx_art_export)[1].index = 1);
        EXPECT_REFUSED(&f, -EINVAL, "export 0: bad kind", MTAB(B, WSBX_ART_T_EXPORTS, wsbx_art_export)[0].kind = 9);
        EXPECT_REFUSED(&f, -EINVAL, "export 0: padding", MTAB(B, WSBX_ART_T_EXPORTS, wsbx_art_export)[0].pad[1] = 9);
        /* functions */
        EXPECT_REFUSED(&f, -EINVAL, "function 2: type 7 out of range", MTAB(B, WSBX_ART_T_FUNCS, wsbx_art_func)[2].type = 7);
        EXPECT_REFUSED(&f, -EINVAL, "function 3: code offset 0x5000 size 0x10 beyond .text size 0xa0",
                       MTAB(B, WSBX_ART_T_FUNCS, wsbx_art_func)[3].code_offset = 0x5000);
        EXPECT_REFUSED(&f, -EINVAL, "function 1: code offset 0x0 size 0xffffffff",
                       MTAB(B, WSBX_ART_T_FUNCS, wsbx_art_func)[1].code_size = 0xffffffff);
        EXPECT_REFUSED(&f, -EINVAL, "function 1: code offset", MTAB(B, WSBX_ART_T_FUNCS, wsbx_art_func)[1].code_size = 0);
        EXPECT_REFUSED(&f, -EINVAL, "function 2: code at 0x8 overlaps",
                       MTAB(B, WSBX_ART_T_FUNCS, wsbx_art_func)[2].code_offset = 8);
        EXPECT_REFUSED(&f, -EINVAL, "function 2: entry trampoline",
                       MTAB(B, WSBX_ART_T_FUNCS, wsbx_art_func)[2].entry_size = 0x1000);
        EXPECT_REFUSED(&f, -EINVAL, "function 0: imported function with code",
                       MTAB(B, WSBX_ART_T_FUNCS, wsbx_art_func)[0].code_size = 1);
        EXPECT_REFUSED(&f, -EINVAL, "function 1: bad flags", MTAB(B, WSBX_ART_T_FUNCS, wsbx_art_func)[1].flags = 1);
        /* tables */
        EXPECT_REFUSED(&f, -EINVAL, "table 1: bad element type", MTAB(B, WSBX_ART_T_TABLES, wsbx_art_table)[1].elem = 0x7f);
        EXPECT_REFUSED(&f, -EINVAL, "table 0: bad flags", MTAB(B, WSBX_ART_T_TABLES, wsbx_art_table)[0].flags = 0);
        EXPECT_REFUSED(&f, -EINVAL, "table 1: bad limits", MTAB(B, WSBX_ART_T_TABLES, wsbx_art_table)[1].max = 5);
        EXPECT_REFUSED(&f, -EINVAL, "table 1: image of 3 entries beyond its 2 elements",
                       MTAB(B, WSBX_ART_T_TABLES, wsbx_art_table)[1].min = 2);
        EXPECT_REFUSED(&f, -EINVAL, "table 1: image", MTAB(B, WSBX_ART_T_TABLES, wsbx_art_table)[1].image_count = 1u << 30);
        EXPECT_REFUSED(&f, -EINVAL, "table 1: image entry 1: bad function 9",
                       ((uint32_t *)(void *)(MTAB(B, WSBX_ART_T_BLOB, uint8_t) +
                                             MTAB(B, WSBX_ART_T_TABLES, wsbx_art_table)[1].image_off))[1] = 9);
        EXPECT_REFUSED(&f, -EINVAL, "table 0: bad init kind", MTAB(B, WSBX_ART_T_TABLES, wsbx_art_table)[0].init = 2);
        EXPECT_REFUSED(&f, -EINVAL, "elem 1: active on table 0, which has no initializer",
                       MTAB(B, WSBX_ART_T_TABLES, wsbx_art_table)[0].init = 0);
        /* memories */
        EXPECT_REFUSED(&f, -EINVAL, "memory 0: image 0x0+0x12000 beyond initial size 0x10000",
                       MTAB(B, WSBX_ART_T_MEMORIES, wsbx_art_memory)[0].min = 1);
        EXPECT_REFUSED(&f, -EINVAL, "memory 0: bad limits", MTAB(B, WSBX_ART_T_MEMORIES, wsbx_art_memory)[0].min = 70000);
        EXPECT_REFUSED(&f, -EINVAL, "memory 0: image 0x8+0x12000 is not page-aligned",
                       MTAB(B, WSBX_ART_T_MEMORIES, wsbx_art_memory)[0].image_offset = 8);
        EXPECT_REFUSED(&f, -EINVAL, "memory 0: bad guard size", MTAB(B, WSBX_ART_T_MEMORIES, wsbx_art_memory)[0].guard_size = 12);
        EXPECT_REFUSED(&f, -EINVAL, "memory 0: bad guard size",
                       MTAB(B, WSBX_ART_T_MEMORIES, wsbx_art_memory)[0].guard_size = 1ull << 40);
        EXPECT_REFUSED(&f, -EINVAL, "memory 0: bad reservation style",
                       MTAB(B, WSBX_ART_T_MEMORIES, wsbx_art_memory)[0].flags |= WSBX_ART_F_IS64);
        EXPECT_REFUSED(&f, -EINVAL, "memory 0: bad flags", MTAB(B, WSBX_ART_T_MEMORIES, wsbx_art_memory)[0].flags |= 0x80);
        EXPECT_REFUSED(&f, -EINVAL, "data 0: image flag disagrees",
                       MTAB(B, WSBX_ART_T_MEMORIES, wsbx_art_memory)[0].init = 1;
                       MTAB(B, WSBX_ART_T_MEMORIES, wsbx_art_memory)[0].image_offset = 0;
                       MTAB(B, WSBX_ART_T_MEMORIES, wsbx_art_memory)[0].image_size = 0);
        EXPECT_REFUSED(&f, -EINVAL, "memory 0: image fields set without an image",
                       MTAB(B, WSBX_ART_T_MEMORIES, wsbx_art_memory)[0].init = 1);
        /* globals */
        EXPECT_REFUSED(&f, -EINVAL, "global 1: constant of type 0x7f where 0x7e is expected",
                       MTAB(B, WSBX_ART_T_GLOBALS, wsbx_art_global)[1].init.op = WSBX_ART_CONST_I32;
                       MTAB(B, WSBX_ART_T_GLOBALS, wsbx_art_global)[1].init.value[4] = 0;
                       memset(MTAB(B, WSBX_ART_T_GLOBALS, wsbx_art_global)[1].init.value + 4, 0, 12));
        EXPECT_REFUSED(&f, -EINVAL, "global 1: unknown constant op 200",
                       MTAB(B, WSBX_ART_T_GLOBALS, wsbx_art_global)[1].init.op = 200);
        EXPECT_REFUSED(&f, -EINVAL, "global 3: ref.func 50 out of range",
                       MTAB(B, WSBX_ART_T_GLOBALS, wsbx_art_global)[3].init.index = 50);
        EXPECT_REFUSED(&f, -EINVAL, "global 4: global.get 3 is not an imported global",
                       MTAB(B, WSBX_ART_T_GLOBALS, wsbx_art_global)[4].init.index = 3);
        EXPECT_REFUSED(&f, -EINVAL, "global 2: unused constant bytes",
                       MTAB(B, WSBX_ART_T_GLOBALS, wsbx_art_global)[2].init.value[12] = 1);
        EXPECT_REFUSED(&f, -EINVAL, "global 0: imported global with an initializer",
                       MTAB(B, WSBX_ART_T_GLOBALS, wsbx_art_global)[0].init.op = 1);
        EXPECT_REFUSED(&f, -EINVAL, "global 2: bad type", MTAB(B, WSBX_ART_T_GLOBALS, wsbx_art_global)[2].type = 0);
        /* element segments */
        EXPECT_REFUSED(&f, -EINVAL, "elem 0: table 9 out of range", MTAB(B, WSBX_ART_T_ELEMS, wsbx_art_elem)[0].table = 9);
        EXPECT_REFUSED(&f, -EINVAL, "elem 1: items 3+2 do not follow",
                       MTAB(B, WSBX_ART_T_ELEMS, wsbx_art_elem)[1].items_first = 3);
        EXPECT_REFUSED(&f, -EINVAL, "elem 3: items 5+1000", MTAB(B, WSBX_ART_T_ELEMS, wsbx_art_elem)[3].count = 1000);
        EXPECT_REFUSED(&f, -EINVAL, "6 element items, segments use 5",
                       MTAB(B, WSBX_ART_T_ELEMS, wsbx_art_elem)[3].count = 0);
        EXPECT_REFUSED(&f, -EINVAL, "elem 0: outside table 1's image",
                       MTAB(B, WSBX_ART_T_ELEMS, wsbx_art_elem)[0].offset.value[0] = 2);
        EXPECT_REFUSED(&f, -EINVAL, "elem 1: image flag disagrees",
                       MTAB(B, WSBX_ART_T_ELEMS, wsbx_art_elem)[1].flags = WSBX_ART_SEG_IN_IMAGE);
        EXPECT_REFUSED(&f, -EINVAL, "elem 2: inactive segment", MTAB(B, WSBX_ART_T_ELEMS, wsbx_art_elem)[2].table = 1);
        EXPECT_REFUSED(&f, -EINVAL, "elem 0: bad mode", MTAB(B, WSBX_ART_T_ELEMS, wsbx_art_elem)[0].mode = 3);
        EXPECT_REFUSED(&f, -EINVAL, "element item 3: ref.func 77", MTAB(B, WSBX_ART_T_ITEMS, wsbx_art_const)[3].index = 77);
        EXPECT_REFUSED(&f, -EINVAL, "elem 0: item 1: bad op", MTAB(B, WSBX_ART_T_ITEMS, wsbx_art_const)[1].op = WSBX_ART_CONST_I32);
        EXPECT_REFUSED(&f, -EINVAL, "element item 2: constant of type 0x6f",
                       MTAB(B, WSBX_ART_T_ITEMS, wsbx_art_const)[2].type = WSBX_ART_EXTERNREF);
        EXPECT_REFUSED(&f, -EINVAL, "elem offset 1: constant of type 0x7e",
                       MTAB(B, WSBX_ART_T_ELEMS, wsbx_art_elem)[1].offset.op = WSBX_ART_CONST_I64);
        /* data segments */
        EXPECT_REFUSED(&f, -EINVAL, "data 2: bytes 0x5+0xd beyond .wsbx.data size 0xd",
                       MTAB(B, WSBX_ART_T_DATAS, wsbx_art_data)[2].data_offset = 5);
        EXPECT_REFUSED(&f, -EINVAL, "data 2: bytes", MTAB(B, WSBX_ART_T_DATAS, wsbx_art_data)[2].size = 0xfffffff8);
        EXPECT_REFUSED(&f, -EINVAL, "data 0: bytes", MTAB(B, WSBX_ART_T_DATAS, wsbx_art_data)[0].data_offset = 1);
        EXPECT_REFUSED(&f, -EINVAL, "data 1: outside memory 0's image",
                       MTAB(B, WSBX_ART_T_DATAS, wsbx_art_data)[1].offset.value[2] = 0x7f);
        EXPECT_REFUSED(&f, -EINVAL, "data 1: memory 3 out of range", MTAB(B, WSBX_ART_T_DATAS, wsbx_art_data)[1].memory = 3);
        EXPECT_REFUSED(&f, -EINVAL, "data 2: passive segment with a memory",
                       MTAB(B, WSBX_ART_T_DATAS, wsbx_art_data)[2].offset.op = 1);
        EXPECT_REFUSED(&f, -EINVAL, "data 0: bad mode 2", MTAB(B, WSBX_ART_T_DATAS, wsbx_art_data)[0].mode = 2);
        EXPECT_REFUSED(&f, -EINVAL, "data 0: bad flags", MTAB(B, WSBX_ART_T_DATAS, wsbx_art_data)[0].flags = 4);
        free_fixture(&f);
}

Test(artifact, corrupt_traps_addrmap_names)
{
        fixture f = make_fixture();
#define TRAPS(B) ((wsbx_art_trap *)sec_data((B), ".wsbx.traps"))
#define ADDRS(B) ((wsbx_art_addr *)sec_data((B), ".wsbx.addrmap"))
#define NAMES(B) ((wsbx_art_names *)sec_data((B), ".wsbx.names"))
        EXPECT_REFUSED(&f, -EINVAL, "artifact: section .wsbx.traps: record 3 code offset 0x5000 beyond .text size 0xa0",
                       TRAPS(B)[3].code_offset = 0x5000);
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.traps: record 2 code offset 0x1 not above record 1's 0x3",
                       TRAPS(B)[2].code_offset = 1);
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.traps: record 1 code offset 0x1 not above",
                       TRAPS(B)[1].code_offset = 1);
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.traps: record 0: unknown trap kind 0", TRAPS(B)[0].trap = 0);
        EXPECT_REFUSED(&f, -EINVAL, "unknown trap kind 14", TRAPS(B)[4].trap = WSBX_TRAP_COUNT);
        EXPECT_REFUSED(&f, -EINVAL, ".wsbx.traps: size 0x2c is not a multiple of 8",
                       shdr_named(B, ".wsbx.traps")->sh_size -= 4);
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.addrmap: record 5 code offset 0xa0 beyond .text size 0xa0",
                       ADDRS(B)[5].code_offset = 0xa0);
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.addrmap: record 1 code offset 0x0 not above",
                       ADDRS(B)[1].code_offset = 0);
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.names: 5 names for 4 functions", NAMES(B)->count = 5);
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.names: reserved", NAMES(B)->reserved = 5);
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.names: name 1: 0x47+0x6 beyond section size 0x49",
                       ((wsbx_art_str *)(NAMES(B) + 1))[1].off = (uint32_t)shdr_named(B, ".wsbx.names")->sh_size - 2);
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.names: name 0:", ((wsbx_art_str *)(NAMES(B) + 1))[0].len = 1000);
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.names: name 4:", NAMES(B)->module.off = 0xfffffffe);
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.names: name 1 is not valid UTF-8",
                       ((uint8_t *)NAMES(B))[((wsbx_art_str *)(NAMES(B) + 1))[1].off] = 0xc0);
        EXPECT_REFUSED(&f, -EINVAL, "section .wsbx.names: size", shdr_named(B, ".wsbx.names")->sh_size = 8);
#undef TRAPS
#undef ADDRS
#undef NAMES
        free_fixture(&f);
}

Test(artifact, unaligned_buffer_is_refused)
{
        fixture f = make_fixture();
        uint8_t *c = malloc(f.len + 8);
        memcpy(c + 4, f.bytes, f.len);
        wsbx_artifact a;
        wsbx_lerr e;
        cr_assert_eq(wsbx_artifact_open(c + 4, f.len, WSBX_CPU_ALL, &a, &e), -EINVAL);
        cr_assert(strstr(e.msg, "aligned"), "%s", e.msg);
        free(c);
        free_fixture(&f);
}

Test(artifact, truncated_at_every_length)
{
        fixture f = make_fixture();
        for (size_t n = 0; n < f.len; n++) {
                opened o = open_copy(f.bytes, n, WSBX_CPU_ALL);
                cr_assert_lt(o.rc, 0, "truncated to %zu bytes: accepted", n);
                cr_assert(strncmp(o.err.msg, "artifact: ", 10) == 0 && o.err.msg[10], "%zu: %s", n, o.err.msg);
                close_copy(&o);
        }
        free_fixture(&f);
}

/* Every 32-bit word of the metadata, each section header and the ELF
 * header, XORed with a few patterns: refused with a message or, when the
 * change is harmless (a constant's value, a string's bytes, a wasm
 * offset), accepted with a view that stays in bounds. */
Test(artifact, every_word_mutated)
{
        fixture f = make_fixture();
        static const uint32_t pats[] = {1, 0x80, 0x8000, 0xffffffff, 0x7fffffff};
        Elf64_Shdr *meta = shdr_named(f.bytes, ".wsbx.meta");
        size_t ranges[][2] = {
                {0, sizeof(Elf64_Ehdr)},
                {(size_t)ehdr(f.bytes)->e_shoff, f.len},
                {meta->sh_offset, meta->sh_offset + meta->sh_size},
                {shdr_named(f.bytes, ".wsbx.names")->sh_offset, shdr_named(f.bytes, ".wsbx.names")->sh_offset + 48},
        };
        uint32_t accepted = 0, refused = 0;
        for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
                for (size_t off = ranges[r][0]; off + 4 <= ranges[r][1]; off += 4)
                        for (size_t p = 0; p < sizeof pats / sizeof pats[0]; p++) {
                                uint8_t *c = malloc(f.len);
                                memcpy(c, f.bytes, f.len);
                                uint32_t w;
                                memcpy(&w, c + off, 4);
                                w ^= pats[p];
                                memcpy(c + off, &w, 4);
                                opened o = open_copy(c, f.len, WSBX_CPU_ALL);
                                if (o.rc == 0) {
                                        walk(&o.a);
                                        accepted++;
                                } else {
                                        cr_assert(strncmp(o.err.msg, "artifact: ", 10) == 0 && o.err.msg[10],
                                                  "offset %zu: rc %d without a message", off, o.rc);
                                        refused++;
                                }
                                close_copy(&o);
                                free(c);
                        }
        /* Most words are load-bearing; some are not (constant values,
         * wasm offsets, section flags and links, .symtab's place). */
        cr_assert_gt(refused, 3 * accepted, "refused %u, accepted %u", refused, accepted);
        free_fixture(&f);
}

Test(artifact, random_flips)
{
        fixture f = make_fixture();
        uint64_t s = 0x9e3779b97f4a7c15ull;
        uint32_t refused = 0;
        for (int it = 0; it < 4000; it++) {
                uint8_t *c = malloc(f.len);
                memcpy(c, f.bytes, f.len);
                int nflips = 1 + it % 4;
                for (int k = 0; k < nflips; k++) {
                        s ^= s << 13;
                        s ^= s >> 7;
                        s ^= s << 17;
                        size_t at = s % f.len;
                        /* Aim half the flips at the headers and metadata
                         * (the first page and the end), where they matter. */
                        if (it & 1)
                                at = (s >> 20) % 4096 < f.len ? (s >> 20) % 4096 : at;
                        c[at] ^= (uint8_t)(1u << ((s >> 40) & 7));
                }
                opened o = open_copy(c, f.len, WSBX_CPU_ALL);
                if (o.rc == 0)
                        walk(&o.a);
                else {
                        cr_assert(o.err.msg[10], "iteration %d: no message", it);
                        refused++;
                }
                close_copy(&o);
                free(c);
        }
        cr_assert_gt(refused, 100);
        free_fixture(&f);
}
