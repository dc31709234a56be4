/* test_validate.c - the function-body validator, on modules built by hand.
 *
 * Each test fills one wsbx_module directly (no decoder involved) with a
 * fixed environment and one defined function whose instructions it gives
 * as bytes, then checks the verdict, the error kind and the message prefix
 * the spec tests match on.
 *
 * The environment:
 *   types   0: the tested function's type (set per test)
 *           1: [] -> []
 *           2: [i32] -> [i32]
 *           3: [i32 i64] -> [f32]
 *           4: [] -> [i32 i64]
 *   funcs   0: imported, type 1;  1: imported, type 3;  2: the tested one
 *   tables  0: funcref;  1: externref
 *   memory  0 (unless a test removes it)
 *   globals 0: i32 immutable;  1: i64 mutable
 *   elems   0: funcref;  1: externref
 *   data    count section present, 1 segment
 *   ref.func may name function 0 and 2, not 1.
 */
#include <criterion/criterion.h>
#include "internal.h"

#include <stdlib.h>

#define BODY_AT 8 /* the body's offset in the module bytes */

static struct env {
        wsbx_module m;
        wsbx_functype types[5];
        uint32_t func_types[3];
        wsbx_func func;
        wsbx_localgroup groups[8];
        wsbx_tabletype tables[2];
        wsbx_memtype mem;
        wsbx_globaltype globals[2];
        wsbx_elem elems[2];
        uint8_t declared[3];
        uint8_t params[16], results[16];
        wsbx_limits_cfg limits;
        uint8_t *bytes;
} E;

static const uint8_t t_i32[] = {WSBX_I32};
static const uint8_t t_i32_i64[] = {WSBX_I32, WSBX_I64};
static const uint8_t t_f32[] = {WSBX_F32};

static uint8_t vt(char c)
{
        switch (c) {
        case 'i': return WSBX_I32;
        case 'l': return WSBX_I64;
        case 'f': return WSBX_F32;
        case 'd': return WSBX_F64;
        case 'v': return WSBX_V128;
        case 'r': return WSBX_FUNCREF;
        case 'e': return WSBX_EXTERNREF;
        }
        cr_assert_fail("bad type letter %c", c);
        return 0;
}

static void setup(void)
{
        memset(&E, 0, sizeof E);
        wsbx_module *m = &E.m;
        E.types[1] = (wsbx_functype){0, 0, NULL, NULL};
        E.types[2] = (wsbx_functype){1, 1, (wsbx_valtype *)t_i32, (wsbx_valtype *)t_i32};
        E.types[3] = (wsbx_functype){2, 1, (wsbx_valtype *)t_i32_i64, (wsbx_valtype *)t_f32};
        E.types[4] = (wsbx_functype){0, 2, NULL, (wsbx_valtype *)t_i32_i64};
        E.types[0] = (wsbx_functype){0, 0, E.params, E.results};
        m->ntypes = 5;
        m->types = E.types;
        E.func_types[0] = 1;
        E.func_types[1] = 3;
        E.func_types[2] = 0;
        m->nfuncs = 3;
        m->nimported_funcs = 2;
        m->func_types = E.func_types;
        m->funcs = &E.func;
        E.func.type = 0;
        E.func.localgroups = E.groups;
        E.tables[0].elem = WSBX_FUNCREF;
        E.tables[1].elem = WSBX_EXTERNREF;
        m->ntables = 2;
        m->tables = E.tables;
        m->nmemories = 1;
        m->memories = &E.mem;
        E.globals[0] = (wsbx_globaltype){WSBX_I32, false};
        E.globals[1] = (wsbx_globaltype){WSBX_I64, true};
        m->nglobals = 2;
        m->global_types = E.globals;
        E.elems[0].type = WSBX_FUNCREF;
        E.elems[0].mode = WSBX_SEG_PASSIVE;
        E.elems[1].type = WSBX_EXTERNREF;
        E.elems[1].mode = WSBX_SEG_PASSIVE;
        m->nelems = 2;
        m->elems = E.elems;
        m->has_datacount = true;
        m->datacount = 1;
        E.declared[0] = 1;
        E.declared[2] = 1;
        E.limits = wsbx_default_limits;
}

static void teardown(void)
{
        free(E.bytes);
        E.bytes = NULL;
}

TestSuite(validate, .init = setup, .fini = teardown);

static void set_sig(const char *params, const char *results)
{
        E.types[0].nparams = (uint32_t)strlen(params);
        E.types[0].nresults = (uint32_t)strlen(results);
        for (size_t i = 0; params[i]; i++)
                E.params[i] = vt(params[i]);
        for (size_t i = 0; results[i]; i++)
                E.results[i] = vt(results[i]);
}

/* Locals as letters, one group per run of equal letters. */
static void set_locals(const char *locals)
{
        E.func.nlocalgroups = 0;
        E.func.nlocals = 0;
        for (size_t i = 0; locals[i]; i++) {
                uint8_t t = vt(locals[i]);
                if (E.func.nlocalgroups && E.groups[E.func.nlocalgroups - 1].type == t) {
                        E.groups[E.func.nlocalgroups - 1].count++;
                } else {
                        E.groups[E.func.nlocalgroups].type = t;
                        E.groups[E.func.nlocalgroups].count = 1;
                        E.func.nlocalgroups++;
                }
                E.func.nlocals++;
        }
}

/* Places the code at BODY_AT followed by `after` (bytes of whatever comes
 * next in the module) and validates it. */
static wsbx_errkind run_after(const uint8_t *code, size_t n, const uint8_t *after, size_t nafter,
                              wsbx_error *err)
{
        free(E.bytes);
        E.bytes = calloc(1, BODY_AT + n + nafter);
        memcpy(E.bytes + BODY_AT, code, n);
        if (nafter)
                memcpy(E.bytes + BODY_AT + n, after, nafter);
        E.m.bytes = E.bytes;
        E.m.size = BODY_AT + n + nafter;
        E.func.body_offset = BODY_AT;
        E.func.code_offset = BODY_AT;
        E.func.body_size = (uint32_t)n;
        wsbx_valscratch *s = wsbx_valscratch_new();
        cr_assert_not_null(s);
        memset(err, 0, sizeof *err);
        wsbx_errkind k = wsbx_validate_body(&E.m, 0, E.declared, &E.limits, s, err);
        wsbx_valscratch_delete(s);
        return k;
}

static wsbx_errkind run(const uint8_t *code, size_t n, wsbx_error *err)
{
        return run_after(code, n, NULL, 0, err);
}

#define CODE(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

#define OK(...)                                                                         \
        do {                                                                            \
                wsbx_error err_;                                                        \
                wsbx_errkind k_ = run(CODE(__VA_ARGS__), &err_);                        \
                cr_assert_eq(k_, WSBX_OK, "expected valid, got %s: %s at %zu",          \
                             wsbx_errkind_name(k_), err_.msg, err_.offset);             \
        } while (0)

#define FAILS(kind_, prefix, ...)                                                        \
        do {                                                                            \
                wsbx_error err_;                                                        \
                wsbx_errkind k_ = run(CODE(__VA_ARGS__), &err_);                        \
                cr_assert_eq(k_, kind_, "expected %s \"%s\", got %s: %s",                \
                             wsbx_errkind_name(kind_), prefix, wsbx_errkind_name(k_),    \
                             err_.msg);                                                 \
                cr_assert_eq(err_.kind, kind_);                                          \
                cr_assert_eq(strncmp(err_.msg, prefix, strlen(prefix)), 0,              \
                             "expected \"%s\", got \"%s\"", prefix, err_.msg);          \
        } while (0)

#define INVALID(prefix, ...) FAILS(WSBX_ERR_INVALID, prefix, __VA_ARGS__)
#define MALFORMED(prefix, ...) FAILS(WSBX_ERR_MALFORMED, prefix, __VA_ARGS__)

/* Opcodes used below. */
enum {
        UNREACHABLE = 0x00, NOP = 0x01, BLOCK = 0x02, LOOP = 0x03, IF = 0x04, ELSE = 0x05,
        END = 0x0b, BR = 0x0c, BR_IF = 0x0d, BR_TABLE = 0x0e, RETURN = 0x0f, CALL = 0x10,
        CALL_INDIRECT = 0x11, DROP = 0x1a, SELECT = 0x1b, SELECT_T = 0x1c,
        LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22, GLOBAL_GET = 0x23,
        GLOBAL_SET = 0x24, TABLE_GET = 0x25, TABLE_SET = 0x26, I32_LOAD = 0x28,
        I64_LOAD = 0x29, I32_STORE = 0x36, MEMORY_SIZE = 0x3f, MEMORY_GROW = 0x40,
        I32_CONST = 0x41, I64_CONST = 0x42, F32_CONST = 0x43, I32_EQZ = 0x45, I32_ADD = 0x6a,
        I64_ADD = 0x7c, REF_NULL = 0xd0, REF_IS_NULL = 0xd1, REF_FUNC = 0xd2,
        FC = 0xfc, FD = 0xfd,
        I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, V128 = 0x7b, FUNCREF = 0x70, EXTERNREF = 0x6f,
        EMPTY = 0x40,
};

/* ------------------------------------------------------------------------ */

Test(validate, empty_body)
{
        OK(END);
}

Test(validate, simple_arithmetic)
{
        set_sig("ii", "i");
        OK(LOCAL_GET, 0, LOCAL_GET, 1, I32_ADD, END);
}

Test(validate, stack_underflow)
{
        INVALID("type mismatch", I32_CONST, 1, I32_ADD, DROP, END);
        INVALID("type mismatch", DROP, END);
}

Test(validate, wrong_operand_type)
{
        INVALID("type mismatch", I32_CONST, 1, I64_CONST, 1, I32_ADD, DROP, END);
        INVALID("type mismatch", I64_CONST, 0, I32_EQZ, DROP, END);
}

Test(validate, function_results)
{
        set_sig("", "i");
        OK(I32_CONST, 7, END);
        INVALID("type mismatch", END);
        INVALID("type mismatch", I64_CONST, 7, END);
        INVALID("type mismatch", I32_CONST, 7, I32_CONST, 7, END);
}

Test(validate, error_offset_is_the_instruction)
{
        wsbx_error err;
        cr_assert_eq(run(CODE(NOP, NOP, I64_CONST, 0, I32_EQZ, DROP, END), &err), WSBX_ERR_INVALID);
        cr_assert_eq(err.offset, BODY_AT + 4);
}

Test(validate, block_results)
{
        OK(BLOCK, I32, I32_CONST, 1, END, DROP, END);
        INVALID("type mismatch", BLOCK, I32, END, DROP, END);
        INVALID("type mismatch", BLOCK, I32, I64_CONST, 1, END, DROP, END);
        /* A value left over inside a block. */
        INVALID("type mismatch", BLOCK, EMPTY, I32_CONST, 1, END, END);
        /* A block cannot reach the values outside it. */
        INVALID("type mismatch", I32_CONST, 1, BLOCK, EMPTY, DROP, END, END);
}

Test(validate, multi_value_blocks)
{
        /* type 4: [] -> [i32 i64] */
        OK(BLOCK, 4, I32_CONST, 1, I64_CONST, 2, END, DROP, DROP, END);
        INVALID("type mismatch", BLOCK, 4, I64_CONST, 2, I32_CONST, 1, END, DROP, DROP, END);
        /* type 2: [i32] -> [i32] takes its parameter from outside. */
        OK(I32_CONST, 1, BLOCK, 2, I32_CONST, 1, I32_ADD, END, DROP, END);
        INVALID("type mismatch", BLOCK, 2, END, DROP, END);
        INVALID("unknown type", BLOCK, 9, END, END);
}

Test(validate, block_type_encodings)
{
        /* A negative s33 that is not a value type is malformed. */
        MALFORMED("malformed value type", BLOCK, 0x7a, END, END);
        /* A type index written in two bytes is still an index. */
        OK(BLOCK, 0x81, 0x00, END, END);
        /* ...and runs into the LEB rules. */
        MALFORMED("integer representation too long", BLOCK, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, END, END);
}

Test(validate, br_to_block_and_loop_labels)
{
        /* A block's label carries its results, a loop's its parameters. */
        INVALID("type mismatch", BLOCK, I32, BR, 0, END, DROP, END);
        OK(BLOCK, I32, I32_CONST, 1, BR, 0, END, DROP, END);
        OK(LOOP, I32, BR, 0, END, DROP, END);
        OK(I32_CONST, 1, LOOP, 2, BR, 0, END, DROP, END);
        INVALID("type mismatch", I32_CONST, 1, LOOP, 2, DROP, BR, 0, END, DROP, END);
        /* br_if leaves the label's values on the stack. */
        OK(BLOCK, I32, I32_CONST, 1, I32_CONST, 0, BR_IF, 0, END, DROP, END);
        INVALID("type mismatch", BLOCK, I32, I32_CONST, 0, BR_IF, 0, END, DROP, END);
        INVALID("unknown label", BLOCK, EMPTY, BR, 2, END, END);
        OK(BLOCK, EMPTY, BR, 1, END, END);
}

Test(validate, br_table)
{
        OK(BLOCK, EMPTY, BLOCK, EMPTY, I32_CONST, 0, BR_TABLE, 2, 0, 1, 0, END, END, END);
        /* Targets of different arity. */
        INVALID("type mismatch", BLOCK, I32, BLOCK, EMPTY, I32_CONST, 1, I32_CONST, 0, BR_TABLE,
                1, 0, 1, END, I32_CONST, 1, END, DROP, END);
        /* Same arity, different types. */
        INVALID("type mismatch", BLOCK, I32, BLOCK, I64, I32_CONST, 1, I32_CONST, 0, BR_TABLE,
                1, 0, 1, END, DROP, I32_CONST, 1, END, DROP, END);
        OK(BLOCK, I32, BLOCK, I32, I32_CONST, 1, I32_CONST, 0, BR_TABLE, 1, 0, 1, END, END, DROP, END);
        INVALID("unknown label", BLOCK, EMPTY, I32_CONST, 0, BR_TABLE, 1, 5, 0, END, END);
        INVALID("unknown label", BLOCK, EMPTY, I32_CONST, 0, BR_TABLE, 0, 5, END, END);
        /* The index operand must be an i32. */
        INVALID("type mismatch", BLOCK, EMPTY, I64_CONST, 0, BR_TABLE, 0, 0, END, END);
        /* After unreachable, missing operands are of any type. */
        OK(BLOCK, I32, BLOCK, I64, UNREACHABLE, BR_TABLE, 1, 0, 1, END, DROP, I32_CONST, 1, END, DROP, END);
        INVALID("type mismatch", BLOCK, I32, BLOCK, I64, UNREACHABLE, F32_CONST, 0, 0, 0, 0,
                I32_CONST, 0, BR_TABLE, 1, 0, 1, END, DROP, I32_CONST, 1, END, DROP, END);
}

Test(validate, br_table_limit)
{
        E.limits.max_br_table = 2;
        OK(BLOCK, EMPTY, I32_CONST, 0, BR_TABLE, 2, 0, 0, 0, END, END);
        FAILS(WSBX_ERR_LIMIT, "limit exceeded", BLOCK, EMPTY, I32_CONST, 0, BR_TABLE, 3, 0, 0, 0, 0, END, END);
}

Test(validate, return_checks_function_results)
{
        set_sig("", "l");
        OK(I64_CONST, 1, RETURN, END);
        OK(BLOCK, EMPTY, I64_CONST, 1, RETURN, END, UNREACHABLE, END);
        INVALID("type mismatch", I32_CONST, 1, RETURN, END);
}

Test(validate, unreachable_is_polymorphic)
{
        OK(UNREACHABLE, I32_ADD, DROP, END);
        set_sig("", "i");
        OK(UNREACHABLE, END);
        OK(UNREACHABLE, I32_EQZ, END);
        INVALID("type mismatch", UNREACHABLE, I64_CONST, 0, I32_ADD, END);
        /* Known values left over are still an error. */
        INVALID("type mismatch", UNREACHABLE, I32_CONST, 0, I32_CONST, 0, END);
        /* The bottom type only lives until the end of the block. */
        INVALID("type mismatch", BLOCK, EMPTY, UNREACHABLE, END, I32_ADD, END);
        /* br makes the rest of the block unreachable too. */
        OK(BLOCK, I64, I64_CONST, 0, BR, 0, I64_ADD, END, DROP, I32_CONST, 0, END);
        INVALID("type mismatch", BLOCK, I64, I64_CONST, 0, BR, 0, I32_ADD, END, DROP, I32_CONST, 0, END);
}

Test(validate, if_else)
{
        OK(I32_CONST, 1, IF, I32, I32_CONST, 1, ELSE, I32_CONST, 2, END, DROP, END);
        INVALID("type mismatch", I32_CONST, 1, IF, I32, I32_CONST, 1, ELSE, I64_CONST, 2, END, DROP, END);
        INVALID("type mismatch", I64_CONST, 1, IF, EMPTY, END, END);
        /* Without else, the results must equal the parameters. */
        INVALID("type mismatch", I32_CONST, 1, IF, I32, I32_CONST, 1, END, DROP, END);
        OK(I32_CONST, 5, I32_CONST, 1, IF, 2, END, DROP, END);
        /* else outside an if is malformed, whatever the types. */
        MALFORMED("END opcode expected", BLOCK, EMPTY, ELSE, END, END);
        MALFORMED("END opcode expected", I32_CONST, 1, IF, EMPTY, ELSE, ELSE, END, END);
        MALFORMED("END opcode expected", ELSE, END);
}

Test(validate, select_untyped_and_typed)
{
        OK(I32_CONST, 1, I32_CONST, 2, I32_CONST, 0, SELECT, DROP, END);
        INVALID("type mismatch", I32_CONST, 1, I64_CONST, 2, I32_CONST, 0, SELECT, DROP, END);
        INVALID("type mismatch", I32_CONST, 1, I32_CONST, 2, I64_CONST, 0, SELECT, DROP, END);
        /* Untyped select takes no references. */
        INVALID("type mismatch", REF_NULL, FUNCREF, REF_NULL, FUNCREF, I32_CONST, 0, SELECT, DROP, END);
        OK(REF_NULL, FUNCREF, REF_NULL, FUNCREF, I32_CONST, 0, SELECT_T, 1, FUNCREF, DROP, END);
        INVALID("type mismatch", REF_NULL, FUNCREF, REF_NULL, EXTERNREF, I32_CONST, 0, SELECT_T, 1,
                FUNCREF, DROP, END);
        INVALID("invalid result arity", I32_CONST, 1, I32_CONST, 2, I32_CONST, 0, SELECT_T, 2, I32,
                I32, DROP, END);
        INVALID("invalid result arity", I32_CONST, 1, I32_CONST, 2, I32_CONST, 0, SELECT_T, 0, DROP, END);
        MALFORMED("malformed value type", I32_CONST, 1, I32_CONST, 2, I32_CONST, 0, SELECT_T, 1, 0x01,
                  DROP, END);
        /* Operands of unknown type take the other's type. */
        set_sig("", "l");
        OK(UNREACHABLE, I64_CONST, 0, I32_CONST, 0, SELECT, END);
        INVALID("type mismatch", UNREACHABLE, I32_CONST, 0, I32_CONST, 0, SELECT, END);
        OK(UNREACHABLE, SELECT, END);
}

Test(validate, locals)
{
        set_sig("i", "l");
        set_locals("lf");
        OK(LOCAL_GET, 1, END);
        OK(LOCAL_GET, 0, DROP, F32_CONST, 0, 0, 0, 0, LOCAL_SET, 2, LOCAL_GET, 1, LOCAL_TEE, 1, END);
        INVALID("type mismatch", LOCAL_GET, 0, END);
        INVALID("type mismatch", I32_CONST, 0, LOCAL_SET, 1, I64_CONST, 0, END);
        INVALID("unknown local", LOCAL_GET, 3, DROP, I64_CONST, 0, END);
        INVALID("unknown local", I32_CONST, 0, LOCAL_SET, 0x80, 0x80, 0x04, I64_CONST, 0, END);
}

Test(validate, many_locals_are_looked_up_by_group)
{
        /* Far more locals than the body has bytes: they are not expanded. */
        E.groups[0] = (wsbx_localgroup){40000, WSBX_I32};
        E.groups[1] = (wsbx_localgroup){30000, WSBX_I64};
        E.groups[2] = (wsbx_localgroup){1, WSBX_F32};
        E.func.nlocalgroups = 3;
        E.func.nlocals = 70001;
        set_sig("d", "");
        /* local 40000 (the param is local 0) is the last i32 */
        OK(LOCAL_GET, 0xc0, 0xb8, 0x02, I32_EQZ, DROP, END);
        /* local 40001 is the first i64 */
        OK(LOCAL_GET, 0xc1, 0xb8, 0x02, I64_CONST, 0, I64_ADD, DROP, END);
        INVALID("type mismatch", LOCAL_GET, 0xc1, 0xb8, 0x02, I32_EQZ, DROP, END);
        /* local 70001 is the f32 */
        OK(LOCAL_GET, 0xf1, 0xa2, 0x04, LOCAL_SET, 0xf1, 0xa2, 0x04, END);
        INVALID("unknown local", LOCAL_GET, 0xf2, 0xa2, 0x04, DROP, END);
        OK(LOCAL_GET, 0, DROP, END);
}

Test(validate, globals)
{
        OK(GLOBAL_GET, 0, DROP, I64_CONST, 1, GLOBAL_SET, 1, END);
        INVALID("global is immutable", I32_CONST, 1, GLOBAL_SET, 0, END);
        INVALID("type mismatch", I32_CONST, 1, GLOBAL_SET, 1, END);
        INVALID("unknown global", GLOBAL_GET, 2, DROP, END);
        INVALID("unknown global", I32_CONST, 0, GLOBAL_SET, 7, END);
}

Test(validate, calls)
{
        OK(CALL, 0, END);
        OK(I32_CONST, 1, I64_CONST, 2, CALL, 1, DROP, END);
        INVALID("type mismatch", I64_CONST, 2, I32_CONST, 1, CALL, 1, DROP, END);
        INVALID("unknown function", CALL, 3, END);
        /* call_indirect: type 3, table 0, index operand last. */
        OK(I32_CONST, 1, I64_CONST, 2, I32_CONST, 0, CALL_INDIRECT, 3, 0, DROP, END);
        INVALID("type mismatch", I32_CONST, 1, I64_CONST, 2, CALL_INDIRECT, 3, 0, DROP, END);
        INVALID("unknown type", I32_CONST, 0, CALL_INDIRECT, 9, 0, END);
        INVALID("unknown table", I32_CONST, 0, CALL_INDIRECT, 1, 2, END);
        /* Table 1 holds externrefs. */
        INVALID("type mismatch", I32_CONST, 0, CALL_INDIRECT, 1, 1, END);
}

Test(validate, memory_access)
{
        OK(I32_CONST, 0, I32_LOAD, 2, 0, DROP, END);
        OK(I32_CONST, 0, I64_CONST, 0, 0x37, 3, 8, END);                   /* i64.store */
        INVALID("alignment must not be larger than natural", I32_CONST, 0, I32_LOAD, 3, 0, DROP, END);
        INVALID("alignment must not be larger than natural", I32_CONST, 0, 0x2c, 1, 0, DROP, END);
        INVALID("alignment must not be larger than natural", I32_CONST, 0, I32_LOAD, 31, 0, DROP, END);
        MALFORMED("malformed memop flags", I32_CONST, 0, I32_LOAD, 32, 0, DROP, END);
        MALFORMED("malformed memop flags", I32_CONST, 0, I32_LOAD, 0x40, 0, DROP, END);
        INVALID("type mismatch", I64_CONST, 0, I32_LOAD, 2, 0, DROP, END);
        OK(MEMORY_SIZE, 0, MEMORY_GROW, 0, DROP, END);
        MALFORMED("zero byte expected", MEMORY_SIZE, 1, DROP, END);
        MALFORMED("zero byte expected", MEMORY_SIZE, 0x80, 0x00, DROP, END);
        OK(I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x0b, 0, END);   /* memory.fill */
        OK(I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x0a, 0, 0, END); /* memory.copy */
        MALFORMED("zero byte expected", I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x0a, 0, 1, END);
}

Test(validate, no_memory)
{
        E.m.nmemories = 0;
        INVALID("unknown memory", I32_CONST, 0, I32_LOAD, 2, 0, DROP, END);
        INVALID("unknown memory", MEMORY_SIZE, 0, DROP, END);
        INVALID("unknown memory", I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x0b, 0, END);
        INVALID("unknown memory", I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x08, 0, 0, END);
        /* Malformed flags still win over the missing memory. */
        MALFORMED("malformed memop flags", I32_CONST, 0, I32_LOAD, 32, 0, DROP, END);
}

Test(validate, data_segments)
{
        OK(I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x08, 0, 0, FC, 0x09, 0, END);
        INVALID("unknown data segment", I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x08, 1, 0, END);
        INVALID("unknown data segment", FC, 0x09, 1, END);
        MALFORMED("zero byte expected", I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x08, 0, 1, END);
}

Test(validate, data_count_required)
{
        E.m.has_datacount = false;
        E.m.datacount = 0;
        MALFORMED("data count section required", FC, 0x09, 0, END);
        MALFORMED("data count section required", I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x08,
                  0, 0, END);
        /* It beats a typing error, before or after it... */
        MALFORMED("data count section required", I64_CONST, 0, I32_EQZ, DROP, FC, 0x09, 0, END);
        MALFORMED("data count section required", FC, 0x09, 0, I64_CONST, 0, I32_EQZ, DROP, END);
        /* ...but loses to another malformed error later in the body. */
        MALFORMED("illegal opcode", FC, 0x09, 0, 0x06, END);
}

Test(validate, tables)
{
        OK(I32_CONST, 0, TABLE_GET, 0, DROP, END);
        OK(I32_CONST, 0, REF_NULL, EXTERNREF, TABLE_SET, 1, END);
        INVALID("type mismatch", I32_CONST, 0, REF_NULL, FUNCREF, TABLE_SET, 1, END);
        INVALID("unknown table", I32_CONST, 0, TABLE_GET, 2, DROP, END);
        OK(FC, 0x10, 1, DROP, END);                                            /* table.size */
        INVALID("unknown table", FC, 0x10, 2, DROP, END);
        OK(REF_NULL, FUNCREF, I32_CONST, 1, FC, 0x0f, 0, DROP, END);           /* table.grow */
        INVALID("type mismatch", REF_NULL, EXTERNREF, I32_CONST, 1, FC, 0x0f, 0, DROP, END);
        OK(I32_CONST, 0, REF_NULL, EXTERNREF, I32_CONST, 1, FC, 0x11, 1, END); /* table.fill */
        INVALID("type mismatch", I32_CONST, 0, REF_NULL, FUNCREF, I32_CONST, 1, FC, 0x11, 1, END);
}

Test(validate, table_copy_and_init)
{
        OK(I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x0e, 0, 0, END);
        INVALID("type mismatch", I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x0e, 0, 1, END);
        INVALID("unknown table", I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x0e, 0, 2, END);
        /* table.init elem, table */
        OK(I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x0c, 1, 1, END);
        INVALID("type mismatch", I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x0c, 1, 0, END);
        INVALID("unknown elem segment", I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x0c, 2, 0, END);
        INVALID("unknown table", I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, FC, 0x0c, 0, 2, END);
        OK(FC, 0x0d, 1, END);
        INVALID("unknown elem segment", FC, 0x0d, 7, END);
}

Test(validate, references)
{
        OK(REF_NULL, FUNCREF, REF_IS_NULL, DROP, END);
        OK(UNREACHABLE, REF_IS_NULL, DROP, END);
        INVALID("type mismatch", I32_CONST, 0, REF_IS_NULL, DROP, END);
        MALFORMED("malformed reference type", REF_NULL, I32, DROP, END);
        OK(REF_FUNC, 0, DROP, REF_FUNC, 2, DROP, END);
        INVALID("undeclared function reference", REF_FUNC, 1, DROP, END);
        INVALID("unknown function", REF_FUNC, 3, DROP, END);
        set_sig("", "e");
        INVALID("type mismatch", REF_FUNC, 0, END);
}

Test(validate, simd_lanes_and_alignment)
{
        /* v128.const, i8x16.extract_lane_s 15 */
        OK(FD, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, FD, 0x15, 15, DROP, END);
        INVALID("invalid lane index", FD, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                FD, 0x15, 16, DROP, END);
        /* f64x2.replace_lane: 2 lanes */
        OK(FD, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x44, 0, 0, 0, 0, 0, 0, 0, 0,
           FD, 0x22, 1, DROP, END);
        INVALID("invalid lane index", FD, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0x44, 0, 0, 0, 0, 0, 0, 0, 0, FD, 0x22, 2, DROP, END);
        /* i8x16.shuffle: lanes below 32 */
        OK(FD, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           FD, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           FD, 0x0d, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31, DROP, END);
        INVALID("invalid lane index", FD, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                FD, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                FD, 0x0d, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 32, DROP, END);
        /* v128.load align 4 is natural, 5 is not. */
        OK(I32_CONST, 0, FD, 0x00, 4, 0, DROP, END);
        INVALID("alignment must not be larger than natural", I32_CONST, 0, FD, 0x00, 5, 0, DROP, END);
        /* v128.load16_lane: align <= 1, lane < 8 */
        OK(I32_CONST, 0, FD, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           FD, 0x55, 1, 0, 7, DROP, END);
        INVALID("invalid lane index", I32_CONST, 0, FD, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, FD, 0x55, 1, 0, 8, DROP, END);
        INVALID("alignment must not be larger than natural", I32_CONST, 0, FD, 0x0c, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, FD, 0x55, 2, 0, 0, DROP, END);
        /* A sub-opcode written in more bytes than needed is fine. */
        OK(I32_CONST, 0, FD, 0x80, 0x00, 4, 0, DROP, END);
        INVALID("type mismatch", I32_CONST, 0, FD, 0x15, 0, DROP, END);
}

Test(validate, illegal_opcodes)
{
        MALFORMED("illegal opcode", 0x06, END);
        MALFORMED("illegal opcode", 0x27, END);
        MALFORMED("illegal opcode", FC, 0x12, END);
        MALFORMED("illegal opcode", FC, 0x80, 0x01, END);
        MALFORMED("illegal opcode", FD, 0x80, 0x02, END);
        MALFORMED("illegal opcode", FD, 0x9a, 0x01, END); /* a gap in the SIMD numbering */
        MALFORMED("integer representation too long", FC, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, END);
        /* A constant's LEB errors come from the reader. */
        MALFORMED("integer too large", I32_CONST, 0xff, 0xff, 0xff, 0xff, 0x4f, DROP, END);
        OK(I32_CONST, 0xff, 0xff, 0xff, 0xff, 0x7f, DROP, END);
}

Test(validate, malformed_beats_invalid)
{
        /* A typing error first, an illegal opcode later. */
        MALFORMED("illegal opcode", I64_CONST, 0, I32_EQZ, DROP, 0x06, END);
        /* ...inside a block opened after the error. */
        MALFORMED("illegal opcode", I64_CONST, 0, I32_EQZ, DROP, BLOCK, EMPTY, 0xff, END, END);
        /* ...the error in a block's own type, the bad byte inside it. */
        MALFORMED("zero byte expected", BLOCK, 9, MEMORY_SIZE, 1, DROP, END, END);
        /* ...an else misplaced after the error. */
        MALFORMED("END opcode expected", I64_CONST, 0, I32_EQZ, DROP, BLOCK, EMPTY, ELSE, END, END);
        /* ...running out of bytes after the error. */
        MALFORMED("unexpected end", I64_CONST, 0, I32_EQZ, DROP, BLOCK, EMPTY, END);
        /* ...trailing bytes after the function's end, the error at that end. */
        set_sig("", "i");
        MALFORMED("section size mismatch", END, NOP);
        /* Without a malformed error the first typing error is reported. */
        INVALID("type mismatch", I64_CONST, 0, I32_EQZ, DROP, GLOBAL_GET, 9, DROP, I32_CONST, 0, END);
        INVALID("unknown global", GLOBAL_GET, 9, DROP, I64_CONST, 0, I32_EQZ, END);
}

Test(validate, nesting_limit)
{
        E.limits.max_nesting = 3;
        OK(BLOCK, EMPTY, BLOCK, EMPTY, BLOCK, EMPTY, END, END, END, END);
        FAILS(WSBX_ERR_LIMIT, "limit exceeded: nesting depth", BLOCK, EMPTY, LOOP, EMPTY, BLOCK, EMPTY,
              I32_CONST, 0, IF, EMPTY, END, END, END, END, END);
        /* The limit also holds while skimming after a typing error. */
        FAILS(WSBX_ERR_LIMIT, "limit exceeded: nesting depth", I64_CONST, 0, I32_EQZ, DROP, BLOCK,
              EMPTY, LOOP, EMPTY, BLOCK, EMPTY, BLOCK, EMPTY, END, END, END, END, END);
}

Test(validate, truncated_bodies)
{
        wsbx_error err;
        /* At the end of the module. */
        MALFORMED("unexpected end of section or function", I32_CONST, 1, DROP);
        MALFORMED("unexpected end of section or function", BLOCK, EMPTY, END);
        MALFORMED("unexpected end of section or function", I32_CONST);
        MALFORMED("unexpected end of section or function", I32_CONST, 0x80);
        MALFORMED("unexpected end of section or function", FD, 0x0c, 0, 0, 0);
        MALFORMED("unexpected end of section or function", BLOCK);
        /* Followed by another function's bytes. */
        cr_assert_eq(run_after(CODE(I32_CONST, 1, DROP), CODE(0x05, 0x00, 0x41, 0x01, 0x1a, 0x0b), &err),
                     WSBX_ERR_MALFORMED);
        cr_assert_str_eq(err.msg, "END opcode expected");
        /* Followed by the next section, whose id 0x0b reads as an end. */
        cr_assert_eq(run_after(CODE(I32_CONST, 1, DROP), CODE(0x0b, 0x03, 0x01, 0x01, 0x00), &err),
                     WSBX_ERR_MALFORMED);
        cr_assert_str_eq(err.msg, "section size mismatch");
        /* Trailing bytes after the function's end. */
        MALFORMED("section size mismatch", END, END);
        MALFORMED("section size mismatch", NOP, END, NOP);
}

Test(validate, deep_stack_and_scratch_reuse)
{
        /* 3000 values, then one i32.add per pair: grows the stack well
         * past its first allocation. */
        size_t n = 3000 * 2 + 1500 + 1500 + 1;
        uint8_t *code = malloc(n), *p = code;
        for (int i = 0; i < 3000; i++) {
                *p++ = I32_CONST;
                *p++ = 1;
        }
        for (int i = 0; i < 1500; i++)
                *p++ = I32_ADD;
        for (int i = 0; i < 1500; i++)
                *p++ = DROP;
        *p++ = END;
        wsbx_error err;
        cr_assert_eq(run(code, n, &err), WSBX_OK, "%s", err.msg);
        /* Drop one drop: a value is left over. */
        code[n - 2] = END;
        cr_assert_eq(run(code, n - 1, &err), WSBX_ERR_INVALID);
        free(code);
}

Test(validate, one_scratch_many_bodies)
{
        /* The same scratch validates a deep body, then a shallow one whose
         * verdict must not depend on what the first left behind. */
        static const uint8_t deep[] = {BLOCK, I32, BLOCK, I32, I32_CONST, 1, END, END, DROP, END};
        static const uint8_t bad[] = {DROP, END};
        uint8_t *bytes = calloc(1, 64);
        memcpy(bytes + BODY_AT, deep, sizeof deep);
        memcpy(bytes + 32, bad, sizeof bad);
        E.m.bytes = bytes;
        E.m.size = 64;
        wsbx_valscratch *s = wsbx_valscratch_new();
        wsbx_error err;
        E.func.body_offset = E.func.code_offset = BODY_AT;
        E.func.body_size = sizeof deep;
        cr_assert_eq(wsbx_validate_body(&E.m, 0, E.declared, NULL, s, &err), WSBX_OK, "%s", err.msg);
        E.func.body_offset = E.func.code_offset = 32;
        E.func.body_size = sizeof bad;
        cr_assert_eq(wsbx_validate_body(&E.m, 0, E.declared, NULL, s, &err), WSBX_ERR_INVALID);
        cr_assert_eq(err.offset, 32);
        E.func.body_offset = E.func.code_offset = BODY_AT;
        E.func.body_size = sizeof deep;
        cr_assert_eq(wsbx_validate_body(&E.m, 0, E.declared, NULL, s, &err), WSBX_OK, "%s", err.msg);
        wsbx_valscratch_delete(s);
        free(bytes);
}

Test(validate, null_error_record)
{
        static const uint8_t bad[] = {DROP, END};
        uint8_t bytes[BODY_AT + sizeof bad] = {0};
        memcpy(bytes + BODY_AT, bad, sizeof bad);
        E.m.bytes = bytes;
        E.m.size = sizeof bytes;
        E.func.body_offset = E.func.code_offset = BODY_AT;
        E.func.body_size = sizeof bad;
        wsbx_valscratch *s = wsbx_valscratch_new();
        cr_assert_eq(wsbx_validate_body(&E.m, 0, E.declared, NULL, s, NULL), WSBX_ERR_INVALID);
        wsbx_valscratch_delete(s);
}

Test(validate, generic_signatures)
{
        /* A few from each family, typed from sigs.def. */
        OK(0x43, 0, 0, 0, 0, 0x43, 0, 0, 0, 0, 0x5b, DROP, END);            /* f32.eq */
        OK(I64_CONST, 1, 0xa7, DROP, END);                                  /* i32.wrap_i64 */
        INVALID("type mismatch", I32_CONST, 1, 0xa7, DROP, END);
        OK(I32_CONST, 1, 0xc0, DROP, END);                                  /* i32.extend8_s */
        OK(0x43, 0, 0, 0, 0, FC, 0x00, DROP, END);                          /* i32.trunc_sat_f32_s */
        INVALID("type mismatch", I32_CONST, 0, FC, 0x00, DROP, END);
        OK(I32_CONST, 1, FD, 0x0f, FD, 0x63, DROP, END);                    /* splat, all_true */
        OK(I32_CONST, 1, FD, 0x0f, I32_CONST, 1, FD, 0x6b, DROP, END);      /* i8x16.shl */
        INVALID("type mismatch", I32_CONST, 1, FD, 0x0f, FD, 0x0f, DROP, END);
}

Test(validate, operand_stack_is_bounded)
{
        /* Calls of a function with 1000 results multiply the stack far
         * beyond the body's size; the validator stops at its bound. */
        static uint8_t many[1000];
        memset(many, WSBX_I32, sizeof many);
        E.types[1] = (wsbx_functype){0, 1000, NULL, many};
        size_t calls = 5000, n = calls * 2 + 1;
        uint8_t *code = malloc(n);
        for (size_t i = 0; i < calls; i++) {
                code[2 * i] = CALL;
                code[2 * i + 1] = 0;
        }
        code[n - 1] = END;
        wsbx_error err;
        cr_assert_eq(run(code, n, &err), WSBX_ERR_LIMIT, "%s", err.msg);
        cr_assert_eq(strncmp(err.msg, "limit exceeded: operand stack height", 36), 0, "%s", err.msg);
        /* A few such calls are fine (and leave values behind: invalid). */
        cr_assert_eq(run(code + n - 5, 5, &err), WSBX_ERR_INVALID, "%s", err.msg);
        free(code);
}
