/* test_opcodes.c - sanity of the instruction table (opcodes.def, sigs.def)
 * and its lookups in opcodes.c: encodings and names map both ways, counts
 * match the Wasm 2.0 instruction set, and the per-instruction facts the
 * validator relies on (natural alignment, lane counts, signatures) agree
 * with the instructions' names. */
#include <criterion/criterion.h>
#include "internal.h"

#include <stdio.h>

static bool valtype_ok(uint8_t t)
{
        return t == WSBX_I32 || t == WSBX_I64 || t == WSBX_F32 || t == WSBX_F64 || t == WSBX_V128;
}

Test(opcodes, encodings_map_back)
{
        for (unsigned i = 0; i < WSBX_OP_COUNT; i++) {
                const wsbx_opinfo *o = &wsbx_ops[i];
                uint16_t back;
                if (o->prefix == 0)
                        back = wsbx_op_by_byte[o->code];
                else if (o->prefix == 0xfc)
                        back = o->code < 32 ? wsbx_op_by_fc[o->code] : WSBX_OP_INVALID;
                else if (o->prefix == 0xfd)
                        back = wsbx_op_by_fd[o->code];
                else
                        back = WSBX_OP_INVALID;
                cr_assert_eq(back, i, "%s (%02x %02x) looks up as %u", o->name, o->prefix, o->code, back);
        }
}

Test(opcodes, lookup_tables_hold_only_their_own)
{
        for (unsigned b = 0; b < 256; b++) {
                uint16_t op = wsbx_op_by_byte[b];
                if (op == WSBX_OP_INVALID)
                        continue;
                cr_assert_lt(op, WSBX_OP_COUNT);
                cr_assert_eq(wsbx_ops[op].prefix, 0, "byte %02x -> %s", b, wsbx_ops[op].name);
                cr_assert_eq(wsbx_ops[op].code, b, "byte %02x -> %s", b, wsbx_ops[op].name);
        }
        cr_assert_eq(wsbx_op_by_byte[0xfc], WSBX_OP_INVALID);
        cr_assert_eq(wsbx_op_by_byte[0xfd], WSBX_OP_INVALID);
        cr_assert_eq(wsbx_op_by_byte[0x06], WSBX_OP_INVALID);
        cr_assert_eq(wsbx_op_by_byte[0x0b], WSBX_OP_end);
        for (unsigned b = 0; b < 32; b++) {
                uint16_t op = wsbx_op_by_fc[b];
                if (op == WSBX_OP_INVALID)
                        continue;
                cr_assert_eq(wsbx_ops[op].prefix, 0xfc);
                cr_assert_eq(wsbx_ops[op].code, b);
        }
        for (unsigned b = 0; b < 256; b++) {
                uint16_t op = wsbx_op_by_fd[b];
                if (op == WSBX_OP_INVALID)
                        continue;
                cr_assert_eq(wsbx_ops[op].prefix, 0xfd);
                cr_assert_eq(wsbx_ops[op].code, b);
        }
}

Test(opcodes, counts)
{
        unsigned plain = 0, fc = 0, fd = 0;
        for (unsigned i = 0; i < WSBX_OP_COUNT; i++) {
                switch (wsbx_ops[i].prefix) {
                case 0: plain++; break;
                case 0xfc: fc++; break;
                case 0xfd: fd++; break;
                default: cr_assert_fail("%s has prefix %02x", wsbx_ops[i].name, wsbx_ops[i].prefix);
                }
        }
        cr_assert_eq(fd, 236, "SIMD ops: %u", fd);
        /* 8 saturating truncations, 5 bulk memory, 5 table ops. */
        cr_assert_eq(fc, 18, "0xFC ops: %u", fc);
        /* MVP 172 + 5 sign extension + select t, table.get/set, 3 ref ops. */
        cr_assert_eq(plain, 183, "one-byte ops: %u", plain);
}

Test(opcodes, names_unique_and_found)
{
        for (unsigned i = 0; i < WSBX_OP_COUNT; i++) {
                const char *n = wsbx_ops[i].name;
                cr_assert_not_null(n);
                wsbx_opcode found = wsbx_op_by_name(n, strlen(n));
                if (strcmp(n, "select") == 0) {
                        cr_assert_eq(found, WSBX_OP_select);
                        continue;
                }
                cr_assert_eq(found, i, "%s found as %u", n, found);
                for (unsigned j = i + 1; j < WSBX_OP_COUNT; j++)
                        cr_assert_str_neq(n, wsbx_ops[j].name);
        }
        cr_assert_eq(wsbx_ops[WSBX_OP_select_t].code, 0x1c);
}

Test(opcodes, name_lookup_respects_length)
{
        cr_assert_eq(wsbx_op_by_name("i32.add", 7), WSBX_OP_i32_add);
        /* Not NUL-terminated at the given length. */
        cr_assert_eq(wsbx_op_by_name("i32.addx", 7), WSBX_OP_i32_add);
        cr_assert_eq(wsbx_op_by_name("i32.ad", 6), WSBX_OP_INVALID);
        cr_assert_eq(wsbx_op_by_name("i32.addx", 8), WSBX_OP_INVALID);
        cr_assert_eq(wsbx_op_by_name("", 0), WSBX_OP_INVALID);
        cr_assert_eq(wsbx_op_by_name("get_local", 9), WSBX_OP_INVALID);
        cr_assert_eq(wsbx_op_by_name("zzz", 3), WSBX_OP_INVALID);
}

/* log2 of the bytes a memory instruction touches, from its name. */
static int natural_align(const char *name)
{
        static const struct { const char *part; int align; } parts[] = {
                {"8x8", 3}, {"16x4", 3}, {"32x2", 3},
                {"load8", 0}, {"store8", 0}, {"load16", 1}, {"store16", 1},
                {"load32", 2}, {"store32", 2}, {"load64", 3}, {"store64", 3},
        };
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
                if (strstr(name, parts[i].part))
                        return parts[i].align;
        if (strncmp(name, "v128.", 5) == 0)
                return 4;
        if (strncmp(name, "i32.", 4) == 0 || strncmp(name, "f32.", 4) == 0)
                return 2;
        if (strncmp(name, "i64.", 4) == 0 || strncmp(name, "f64.", 4) == 0)
                return 3;
        return -1;
}

Test(opcodes, memory_ops_natural_alignment)
{
        unsigned n = 0;
        for (unsigned i = 0; i < WSBX_OP_COUNT; i++) {
                const wsbx_opinfo *o = &wsbx_ops[i];
                if (o->imm != WSBX_IMM_MEMARG && o->imm != WSBX_IMM_MEMARG_LANE)
                        continue;
                n++;
                cr_assert(strstr(o->name, "load") || strstr(o->name, "store"), "%s", o->name);
                cr_assert_eq(o->arg, natural_align(o->name), "%s: align %u", o->name, o->arg);
                /* Loads take an address and give a value; stores take both. */
                const wsbx_siginfo *s = &wsbx_sigs[o->sig];
                cr_assert_eq(s->params[0], WSBX_I32, "%s", o->name);
                if (strstr(o->name, "store"))
                        cr_assert_eq(s->nresults, 0, "%s", o->name);
                else
                        cr_assert_eq(s->nresults, 1, "%s", o->name);
        }
        cr_assert_eq(n, 23 + 14 + 8, "memory accesses: %u", n);
        cr_assert_eq(wsbx_ops[WSBX_OP_i64_load32_u].arg, 2);
        cr_assert_eq(wsbx_ops[WSBX_OP_v128_load].arg, 4);
        cr_assert_eq(wsbx_ops[WSBX_OP_v128_load64_lane].arg, 3);
}

Test(opcodes, lane_counts)
{
        for (unsigned i = 0; i < WSBX_OP_COUNT; i++) {
                const wsbx_opinfo *o = &wsbx_ops[i];
                if (o->imm != WSBX_IMM_LANE)
                        continue;
                unsigned lanes = 0;
                cr_assert_eq(sscanf(o->name, "%*c%*u%*[x]%u", &lanes), 1, "%s", o->name);
                cr_assert_eq(o->arg, lanes, "%s: %u lanes", o->name, o->arg);
        }
        cr_assert_eq(wsbx_ops[WSBX_OP_i8x16_shuffle].arg, 32);
}

Test(opcodes, signatures_are_defined)
{
        for (unsigned i = 0; i < WSBX_OP_COUNT; i++) {
                const wsbx_opinfo *o = &wsbx_ops[i];
                cr_assert_lt(o->sig, WSBX_SIG_COUNT, "%s", o->name);
                cr_assert_lt(o->imm, WSBX_IMM_REFTYPE + 1, "%s", o->name);
        }
        for (unsigned s = 0; s < WSBX_SIG_COUNT; s++) {
                const wsbx_siginfo *g = &wsbx_sigs[s];
                cr_assert_leq(g->nparams, 3);
                cr_assert_leq(g->nresults, 1);
                for (unsigned k = 0; k < g->nparams; k++)
                        cr_assert(valtype_ok(g->params[k]), "sig %u param %u", s, k);
                if (g->nresults)
                        cr_assert(valtype_ok(g->result), "sig %u", s);
                else
                        cr_assert_eq(g->result, 0);
        }
        /* Spot checks against the spec's types. */
        const wsbx_siginfo *add = &wsbx_sigs[wsbx_ops[WSBX_OP_i64_add].sig];
        cr_assert_eq(add->nparams, 2);
        cr_assert_eq(add->params[0], WSBX_I64);
        cr_assert_eq(add->result, WSBX_I64);
        const wsbx_siginfo *cvt = &wsbx_sigs[wsbx_ops[WSBX_OP_f32_demote_f64].sig];
        cr_assert_eq(cvt->params[0], WSBX_F64);
        cr_assert_eq(cvt->result, WSBX_F32);
        const wsbx_siginfo *sel = &wsbx_sigs[wsbx_ops[WSBX_OP_v128_bitselect].sig];
        cr_assert_eq(sel->nparams, 3);
}

Test(opcodes, hand_typed_instructions)
{
        /* The validator types exactly these by hand; a new `x` entry
         * needs a rule there. */
        static const uint16_t expect[] = {
                WSBX_OP_unreachable, WSBX_OP_block, WSBX_OP_loop, WSBX_OP_if, WSBX_OP_else,
                WSBX_OP_end, WSBX_OP_br, WSBX_OP_br_if, WSBX_OP_br_table, WSBX_OP_return,
                WSBX_OP_call, WSBX_OP_call_indirect, WSBX_OP_drop, WSBX_OP_select,
                WSBX_OP_select_t, WSBX_OP_local_get, WSBX_OP_local_set, WSBX_OP_local_tee,
                WSBX_OP_global_get, WSBX_OP_global_set, WSBX_OP_table_get, WSBX_OP_table_set,
                WSBX_OP_ref_null, WSBX_OP_ref_is_null, WSBX_OP_ref_func, WSBX_OP_table_init,
                WSBX_OP_table_copy, WSBX_OP_table_grow, WSBX_OP_table_size, WSBX_OP_table_fill,
        };
        unsigned n = 0;
        for (unsigned i = 0; i < WSBX_OP_COUNT; i++) {
                if (wsbx_ops[i].sig != WSBX_SIG_x)
                        continue;
                bool listed = false;
                for (size_t k = 0; k < sizeof expect / sizeof expect[0]; k++)
                        listed |= expect[k] == i;
                cr_assert(listed, "%s is typed by hand but not listed", wsbx_ops[i].name);
                n++;
        }
        cr_assert_eq(n, sizeof expect / sizeof expect[0]);
}
