/* test_wast.c - the .wast script parser: every command kind, every value
 * form, module forms, recovery after bad commands, line numbers, and the
 * result matcher the runner will compare with. */
#include <criterion/criterion.h>
#include "internal.h"

#include <stdio.h>

static wsbx_script *parse_ok(const char *text)
{
        wsbx_script *s = NULL;
        wsbx_error err = {0};
        wsbx_errkind k = wsbx_script_parse(text, strlen(text), &s, &err);
        cr_assert_eq(k, WSBX_OK, "parse failed: %u:%u %s", err.line, err.col, err.msg);
        cr_assert_not_null(s);
        return s;
}

static bool name_is(wsbx_name n, const char *s)
{
        return n.len == strlen(s) && memcmp(n.ptr, s, n.len) == 0;
}

/* The first result of the first command. */
static wsbx_result first_result(const char *text)
{
        wsbx_script *s = parse_ok(text);
        cr_assert_eq(s->ncmds, 1);
        cr_assert_eq(s->cmds[0].kind, WSBX_CMD_ASSERT_RETURN, "kind %d: %s", s->cmds[0].kind,
                     s->cmds[0].error.msg);
        cr_assert_eq(s->cmds[0].nresults, 1);
        wsbx_result r = s->cmds[0].results[0];
        cr_assert_neq(r.kind, WSBX_RESULT_EITHER, "use parse_ok for either");
        wsbx_script_delete(s);
        return r;
}

Test(wast, empty_script)
{
        wsbx_script *s = parse_ok("  ;; nothing\n (; here ;) ");
        cr_assert_eq(s->ncmds, 0);
        wsbx_script_delete(s);
}

Test(wast, binary_module_with_name)
{
        wsbx_script *s = parse_ok("(module $M binary \"\\00asm\" \"\\01\\00\\00\\00\")");
        cr_assert_eq(s->ncmds, 1);
        const wsbx_command *c = &s->cmds[0];
        cr_assert_eq(c->kind, WSBX_CMD_MODULE);
        cr_assert_eq(c->module->form, WSBX_MODFORM_BINARY);
        cr_assert(name_is(c->module->id, "$M"));
        cr_assert_eq(c->module->len, 8);
        cr_assert_eq(memcmp(c->module->bytes, "\0asm\1\0\0\0", 8), 0);
        cr_assert_not(c->module->definition);
        wsbx_script_delete(s);
}

Test(wast, quote_module_concatenates_text)
{
        wsbx_script *s = parse_ok("(module quote \"(func\" \" (result i32)\" \"\\n)\")");
        const wsbx_command *c = &s->cmds[0];
        cr_assert_eq(c->module->form, WSBX_MODFORM_QUOTE);
        cr_assert_eq(c->module->id.len, 0);
        const char *want = "(func (result i32)\n)";
        cr_assert_eq(c->module->len, strlen(want));
        cr_assert_eq(memcmp(c->module->bytes, want, strlen(want)), 0);
        wsbx_script_delete(s);
}

Test(wast, text_module_is_encoded)
{
        wsbx_script *s = parse_ok("(module $t (func (export \"f\") (result i32) (i32.const 7)))\n"
                                  "(assert_return (invoke $t \"f\") (i32.const 7))");
        cr_assert_eq(s->ncmds, 2);
        const wsbx_script_module *m = s->cmds[0].module;
        cr_assert_eq(m->form, WSBX_MODFORM_TEXT);
        cr_assert_eq(m->error.kind, WSBX_OK, "%s", m->error.msg);
        cr_assert(name_is(m->id, "$t"));
        cr_assert_geq(m->len, 8);
        cr_assert_eq(memcmp(m->bytes, "\0asm\1\0\0\0", 8), 0);
        wsbx_module *mod = NULL;
        wsbx_error err;
        cr_assert_eq(wsbx_module_decode(m->bytes, m->len, NULL, &mod, &err), WSBX_OK, "%s", err.msg);
        cr_assert_eq(mod->nexports, 1);
        wsbx_module_delete(mod);
        cr_assert_eq(s->cmds[1].kind, WSBX_CMD_ASSERT_RETURN);
        cr_assert(name_is(s->cmds[1].action->module, "$t"));
        wsbx_script_delete(s);
}

Test(wast, bare_fields_are_one_module)
{
        wsbx_script *s = parse_ok(";; inline\n(func) (memory 0)\n(func (export \"f\"))\n");
        cr_assert_eq(s->ncmds, 1);
        const wsbx_command *c = &s->cmds[0];
        cr_assert_eq(c->kind, WSBX_CMD_MODULE);
        cr_assert_eq(c->line, 2);
        cr_assert_eq(c->module->form, WSBX_MODFORM_TEXT);
        cr_assert_eq(c->module->error.kind, WSBX_OK, "%s", c->module->error.msg);
        cr_assert_geq(c->module->len, 8);
        cr_assert_eq(memcmp(c->module->bytes, "\0asm", 4), 0);
        wsbx_script_delete(s);
}

Test(wast, module_definition_and_instance)
{
        wsbx_script *s = parse_ok("(module definition $D binary \"\\00asm\\01\\00\\00\\00\")\n"
                                  "(module instance $I $D)\n(module instance $J)");
        cr_assert_eq(s->ncmds, 3);
        cr_assert_eq(s->cmds[0].kind, WSBX_CMD_MODULE);
        cr_assert(s->cmds[0].module->definition);
        cr_assert(name_is(s->cmds[0].module->id, "$D"));
        cr_assert_eq(s->cmds[1].kind, WSBX_CMD_MODULE_INSTANCE);
        cr_assert(name_is(s->cmds[1].instname, "$I"));
        cr_assert(name_is(s->cmds[1].modname, "$D"));
        cr_assert(name_is(s->cmds[2].instname, "$J"));
        cr_assert_eq(s->cmds[2].modname.len, 0);
        wsbx_script_delete(s);
}

Test(wast, register_invoke_get)
{
        wsbx_script *s = parse_ok("(register \"spec\\74est\" $M)\n(register \"x\")\n"
                                  "(invoke \"f\" (i32.const 1) (i64.const -2))\n"
                                  "(get $G \"g\")\n(invoke $M \"caf\\c3\\a9\")");
        cr_assert_eq(s->ncmds, 5);
        cr_assert_eq(s->cmds[0].kind, WSBX_CMD_REGISTER);
        cr_assert(name_is(s->cmds[0].text, "spectest"));
        cr_assert(name_is(s->cmds[0].modname, "$M"));
        cr_assert_eq(s->cmds[1].modname.len, 0);

        const wsbx_action *a = s->cmds[2].action;
        cr_assert_eq(s->cmds[2].kind, WSBX_CMD_ACTION);
        cr_assert_eq(a->kind, WSBX_ACTION_INVOKE);
        cr_assert_eq(a->module.len, 0);
        cr_assert(name_is(a->field, "f"));
        cr_assert_eq(a->nargs, 2);
        cr_assert_eq(a->args[0].type, WSBX_I32);
        cr_assert_eq(a->args[0].u.i32, 1);
        cr_assert_eq(a->args[1].type, WSBX_I64);
        cr_assert_eq(a->args[1].u.i64, (uint64_t)-2);

        a = s->cmds[3].action;
        cr_assert_eq(a->kind, WSBX_ACTION_GET);
        cr_assert(name_is(a->module, "$G"));
        cr_assert(name_is(a->field, "g"));
        cr_assert_eq(a->nargs, 0);

        /* Field names are bytes with a length: UTF-8 kept as is. */
        cr_assert(name_is(s->cmds[4].action->field, "caf\xc3\xa9"));
        wsbx_script_delete(s);
}

Test(wast, integer_forms)
{
        wsbx_script *s = parse_ok("(invoke \"f\" (i32.const 0xffff_ffff) (i32.const -0x80000000)"
                                  " (i32.const 1_000) (i64.const 0x8000000000000000)"
                                  " (i64.const -1) (i64.const 18446744073709551615))");
        const wsbx_action *a = s->cmds[0].action;
        cr_assert_eq(s->cmds[0].kind, WSBX_CMD_ACTION, "%s", s->cmds[0].error.msg);
        cr_assert_eq(a->nargs, 6);
        cr_assert_eq(a->args[0].u.i32, 0xffffffffu);
        cr_assert_eq(a->args[1].u.i32, 0x80000000u);
        cr_assert_eq(a->args[2].u.i32, 1000);
        cr_assert_eq(a->args[3].u.i64, 0x8000000000000000ull);
        cr_assert_eq(a->args[4].u.i64, UINT64_MAX);
        cr_assert_eq(a->args[5].u.i64, UINT64_MAX);
        wsbx_script_delete(s);
}

Test(wast, float_forms)
{
        wsbx_script *s = parse_ok("(invoke \"f\" (f32.const 1.5) (f32.const -0x1p-1) (f32.const inf)"
                                  " (f32.const -nan:0x200000) (f64.const 0.1) (f64.const -inf)"
                                  " (f64.const nan) (f32.const -0))");
        const wsbx_action *a = s->cmds[0].action;
        cr_assert_eq(s->cmds[0].kind, WSBX_CMD_ACTION, "%s", s->cmds[0].error.msg);
        cr_assert_eq(a->nargs, 8);
        cr_assert_eq(a->args[0].type, WSBX_F32);
        cr_assert_eq(a->args[0].u.f32, 0x3fc00000u);
        cr_assert_eq(a->args[1].u.f32, 0xbf000000u);
        cr_assert_eq(a->args[2].u.f32, 0x7f800000u);
        cr_assert_eq(a->args[3].u.f32, 0xffa00000u);
        cr_assert_eq(a->args[4].type, WSBX_F64);
        cr_assert_eq(a->args[4].u.f64, 0x3fb999999999999aull);
        cr_assert_eq(a->args[5].u.f64, 0xfff0000000000000ull);
        cr_assert_eq(a->args[6].u.f64, 0x7ff8000000000000ull);
        cr_assert_eq(a->args[7].u.f32, 0x80000000u);
        wsbx_script_delete(s);
}

Test(wast, nan_patterns)
{
        wsbx_result r = first_result("(assert_return (invoke \"f\") (f32.const nan:canonical))");
        cr_assert_eq(r.kind, WSBX_RESULT_VALUE);
        cr_assert_eq(r.value.type, WSBX_F32);
        cr_assert_eq(r.nan[0], WSBX_NAN_CANONICAL);
        r = first_result("(assert_return (invoke \"f\") (f64.const nan:arithmetic))");
        cr_assert_eq(r.value.type, WSBX_F64);
        cr_assert_eq(r.nan[0], WSBX_NAN_ARITHMETIC);
        r = first_result("(assert_return (invoke \"f\") (f64.const nan:0x4))");
        cr_assert_eq(r.nan[0], WSBX_NAN_NONE);
        cr_assert_eq(r.value.u.f64, 0x7ff0000000000004ull);
}

Test(wast, nan_pattern_is_not_an_argument)
{
        wsbx_script *s = parse_ok("(invoke \"f\" (f32.const nan:canonical))\n(invoke \"g\")");
        cr_assert_eq(s->ncmds, 2);
        cr_assert_eq(s->cmds[0].kind, WSBX_CMD_ERROR);
        cr_assert_eq(s->cmds[0].error.line, 1);
        cr_assert_eq(s->cmds[1].kind, WSBX_CMD_ACTION);
        wsbx_script_delete(s);
}

Test(wast, v128_shapes)
{
        static const struct {
                const char *text;
                uint8_t shape;
                uint8_t bytes[16];
        } cases[] = {
                {"i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 -1 0xff", WSBX_SHAPE_I8X16,
                 {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0xff, 0xff}},
                {"i16x8 0x0102 -1 0 0 0 0 0 65535", WSBX_SHAPE_I16X8,
                 {2, 1, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}},
                {"i32x4 0x01020304 0 -2 0", WSBX_SHAPE_I32X4,
                 {4, 3, 2, 1, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0, 0, 0, 0}},
                {"i64x2 0x0102030405060708 -1", WSBX_SHAPE_I64X2,
                 {8, 7, 6, 5, 4, 3, 2, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
                {"f32x4 1.0 -0 inf 0x1p-149", WSBX_SHAPE_F32X4,
                 {0, 0, 0x80, 0x3f, 0, 0, 0, 0x80, 0, 0, 0x80, 0x7f, 1, 0, 0, 0}},
                {"f64x2 1.0 -inf", WSBX_SHAPE_F64X2,
                 {0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0xf0, 0xff}},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char text[256];
                snprintf(text, sizeof text, "(invoke \"f\" (v128.const %s))", cases[i].text);
                wsbx_script *s = parse_ok(text);
                cr_assert_eq(s->cmds[0].kind, WSBX_CMD_ACTION, "%s: %s", cases[i].text,
                             s->cmds[0].error.msg);
                const wsbx_value *v = &s->cmds[0].action->args[0];
                cr_assert_eq(v->type, WSBX_V128);
                cr_assert_eq(v->shape, cases[i].shape);
                cr_assert_eq(memcmp(v->u.v128, cases[i].bytes, 16), 0, "%s", cases[i].text);
                wsbx_script_delete(s);
        }
}

Test(wast, v128_lane_count_and_range_checked)
{
        wsbx_script *s = parse_ok("(invoke \"f\" (v128.const i32x4 1 2 3))\n"
                                  "(invoke \"f\" (v128.const i32x4 1 2 3 4 5))\n"
                                  "(invoke \"f\" (v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))\n"
                                  "(invoke \"f\" (v128.const i3x4 1 2 3 4))\n"
                                  "(invoke \"ok\")");
        cr_assert_eq(s->ncmds, 5);
        for (int i = 0; i < 4; i++) {
                cr_assert_eq(s->cmds[i].kind, WSBX_CMD_ERROR, "command %d", i);
                cr_assert_eq(s->cmds[i].line, (uint32_t)i + 1);
        }
        cr_assert_eq(s->cmds[4].kind, WSBX_CMD_ACTION);
        wsbx_script_delete(s);
}

Test(wast, v128_lane_nan_patterns)
{
        wsbx_result r = first_result("(assert_return (invoke \"f\")"
                                     " (v128.const f32x4 nan:canonical 1.0 nan:arithmetic -0))");
        cr_assert_eq(r.value.shape, WSBX_SHAPE_F32X4);
        cr_assert_eq(r.nan[0], WSBX_NAN_CANONICAL);
        cr_assert_eq(r.nan[1], WSBX_NAN_NONE);
        cr_assert_eq(r.nan[2], WSBX_NAN_ARITHMETIC);
        cr_assert_eq(r.nan[3], WSBX_NAN_NONE);
        r = first_result("(assert_return (invoke \"f\") (v128.const f64x2 0 nan:arithmetic))");
        cr_assert_eq(r.value.shape, WSBX_SHAPE_F64X2);
        cr_assert_eq(r.nan[0], WSBX_NAN_NONE);
        cr_assert_eq(r.nan[1], WSBX_NAN_ARITHMETIC);
}

Test(wast, references)
{
        wsbx_script *s = parse_ok("(assert_return (invoke \"f\" (ref.null func) (ref.null extern) (ref.extern 7))"
                                  " (ref.null func) (ref.extern 3) (ref.extern) (ref.func) (ref.null))");
        const wsbx_command *c = &s->cmds[0];
        cr_assert_eq(c->kind, WSBX_CMD_ASSERT_RETURN, "%s", c->error.msg);
        const wsbx_value *a = c->action->args;
        cr_assert_eq(c->action->nargs, 3);
        cr_assert_eq(a[0].type, WSBX_FUNCREF);
        cr_assert(a[0].is_null);
        cr_assert_eq(a[1].type, WSBX_EXTERNREF);
        cr_assert(a[1].is_null);
        cr_assert_eq(a[2].type, WSBX_EXTERNREF);
        cr_assert_not(a[2].is_null);
        cr_assert_eq(a[2].u.ref, 7);

        cr_assert_eq(c->nresults, 5);
        cr_assert_eq(c->results[0].kind, WSBX_RESULT_VALUE);
        cr_assert(c->results[0].value.is_null);
        cr_assert_eq(c->results[1].value.u.ref, 3);
        cr_assert_eq(c->results[2].kind, WSBX_RESULT_ANY_EXTERN);
        cr_assert_eq(c->results[3].kind, WSBX_RESULT_ANY_FUNC);
        cr_assert_eq(c->results[4].kind, WSBX_RESULT_ANY_NULL);
        wsbx_script_delete(s);
}

Test(wast, either_results)
{
        wsbx_script *s = parse_ok("(assert_return (invoke \"f\") (either (i32.const 1) (i32.const 2)))\n"
                                  "(assert_return (invoke \"f\") (either))\n"
                                  "(assert_return (invoke \"f\") (either (either (i32.const 1))))");
        cr_assert_eq(s->ncmds, 3);
        const wsbx_result *r = &s->cmds[0].results[0];
        cr_assert_eq(r->kind, WSBX_RESULT_EITHER);
        cr_assert_eq(r->nalts, 2);
        wsbx_value v = {.type = WSBX_I32};
        v.u.i32 = 2;
        cr_assert(wsbx_result_matches(r, &v));
        v.u.i32 = 3;
        cr_assert_not(wsbx_result_matches(r, &v));
        cr_assert_eq(s->cmds[1].kind, WSBX_CMD_ERROR);
        cr_assert_eq(s->cmds[2].kind, WSBX_CMD_ERROR, "either does not nest");
        wsbx_script_delete(s);
}

Test(wast, every_assertion_kind)
{
        wsbx_script *s = parse_ok(
                "(assert_trap (invoke \"f\" (i32.const 0)) \"integer divide by zero\")\n"
                "(assert_trap (module binary \"\\00asm\\01\\00\\00\\00\") \"out of bounds\")\n"
                "(assert_exhaustion (invoke \"f\") \"call stack exhausted\")\n"
                "(assert_malformed (module quote \"(func\") \"unexpected end\")\n"
                "(assert_invalid (module binary \"\\00asm\\01\\00\\00\\00\") \"type mismatch\")\n"
                "(assert_unlinkable (module binary \"\\00asm\\01\\00\\00\\00\") \"unknown import\")\n"
                "(assert_uninstantiable (module binary \"\\00asm\\01\\00\\00\\00\") \"unreachable\")\n"
                "(assert_return (get \"g\"))\n");
        static const wsbx_cmdkind kinds[] = {
                WSBX_CMD_ASSERT_TRAP, WSBX_CMD_ASSERT_TRAP, WSBX_CMD_ASSERT_EXHAUSTION,
                WSBX_CMD_ASSERT_MALFORMED, WSBX_CMD_ASSERT_INVALID, WSBX_CMD_ASSERT_UNLINKABLE,
                WSBX_CMD_ASSERT_UNINSTANTIABLE, WSBX_CMD_ASSERT_RETURN,
        };
        static const char *const msgs[] = {
                "integer divide by zero", "out of bounds", "call stack exhausted", "unexpected end",
                "type mismatch", "unknown import", "unreachable", "",
        };
        cr_assert_eq(s->ncmds, 8);
        for (uint32_t i = 0; i < 8; i++) {
                const wsbx_command *c = &s->cmds[i];
                cr_assert_eq(c->kind, kinds[i], "command %u: %d (%s)", i, c->kind, c->error.msg);
                cr_assert_eq(c->line, i + 1);
                if (msgs[i][0]) {
                        cr_assert(name_is(c->text, msgs[i]));
                        cr_assert_eq(c->text.ptr[c->text.len], 0, "NUL-terminated");
                }
        }
        cr_assert_not_null(s->cmds[0].action);
        cr_assert_null(s->cmds[0].module);
        cr_assert_null(s->cmds[1].action);
        cr_assert_not_null(s->cmds[1].module);
        cr_assert_eq(s->cmds[3].module->form, WSBX_MODFORM_QUOTE);
        cr_assert_eq(s->cmds[7].nresults, 0);
        cr_assert_eq(s->cmds[7].action->kind, WSBX_ACTION_GET);
        wsbx_script_delete(s);
}

Test(wast, bad_text_module_recovers)
{
        wsbx_script *s = parse_ok("(module $a (func (nonsense.op)) (memory 1))\n"
                                  "(assert_invalid\n  (module (func (undefined.instr)))\n  \"type mismatch\")\n"
                                  "(module $b binary \"\")\n");
        cr_assert_eq(s->ncmds, 3);
        const wsbx_command *c = &s->cmds[0];
        cr_assert_eq(c->kind, WSBX_CMD_MODULE);
        cr_assert_neq(c->module->error.kind, WSBX_OK, "the bad module keeps its error");
        cr_assert_eq(c->module->error.line, 1);
        cr_assert_null(c->module->bytes);
        cr_assert(name_is(c->module->id, "$a"));

        c = &s->cmds[1];
        cr_assert_eq(c->kind, WSBX_CMD_ASSERT_INVALID, "the assertion survives: %s", c->error.msg);
        cr_assert_eq(c->line, 2);
        cr_assert_eq(c->module->line, 3);
        cr_assert_neq(c->module->error.kind, WSBX_OK);
        cr_assert_eq(c->module->error.line, 3);
        cr_assert(name_is(c->text, "type mismatch"));

        cr_assert_eq(s->cmds[2].kind, WSBX_CMD_MODULE);
        cr_assert_eq(s->cmds[2].line, 5);
        cr_assert(name_is(s->cmds[2].module->id, "$b"));
        wsbx_script_delete(s);
}

Test(wast, unknown_command_recovers)
{
        wsbx_script *s = parse_ok("(thread $T (invoke \"x\" (i32.const 1)))\n"
                                  "(assert_return (invoke \"f\") (i32.const oops))\n"
                                  "stray\n"
                                  "(invoke \"g\")\n");
        cr_assert_eq(s->ncmds, 4);
        cr_assert_eq(s->cmds[0].kind, WSBX_CMD_ERROR);
        cr_assert(strstr(s->cmds[0].error.msg, "unknown command") != NULL, "%s", s->cmds[0].error.msg);
        cr_assert_eq(s->cmds[1].kind, WSBX_CMD_ERROR);
        cr_assert_eq(s->cmds[1].error.line, 2);
        cr_assert_eq(s->cmds[2].kind, WSBX_CMD_ERROR);
        cr_assert_eq(s->cmds[2].line, 3);
        cr_assert_eq(s->cmds[3].kind, WSBX_CMD_ACTION);
        cr_assert_eq(s->cmds[3].line, 4);
        wsbx_script_delete(s);
}

Test(wast, out_of_range_constant_is_an_error)
{
        wsbx_script *s = parse_ok("(invoke \"f\" (i32.const 0x1_0000_0000))");
        cr_assert_eq(s->cmds[0].kind, WSBX_CMD_ERROR);
        cr_assert(strstr(s->cmds[0].error.msg, "out of range") != NULL, "%s", s->cmds[0].error.msg);
        wsbx_script_delete(s);
}

Test(wast, unbalanced_script_fails_whole)
{
        static const char *const bad[] = {
                "(module binary \"\"",
                "(assert_return (invoke \"f\") (i32.const 1)",
                "(invoke \"f\" \"unterminated",
                "(module (func)",
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                wsbx_script *s = (wsbx_script *)1;
                wsbx_error err = {0};
                wsbx_errkind k = wsbx_script_parse(bad[i], strlen(bad[i]), &s, &err);
                cr_assert_neq(k, WSBX_OK, "%s", bad[i]);
                cr_assert_null(s);
                cr_assert_eq(err.kind, k);
                cr_assert_geq(err.line, 1);
        }
}

Test(wast, line_numbers)
{
        wsbx_script *s = parse_ok(";; header\n\n(invoke \"a\")\n  (; block\n comment ;)\n"
                                  "(get \"b\") (get \"c\")\n\n\n(register \"r\")");
        cr_assert_eq(s->ncmds, 4);
        cr_assert_eq(s->cmds[0].line, 3);
        cr_assert_eq(s->cmds[1].line, 6);
        cr_assert_eq(s->cmds[2].line, 6);
        cr_assert_eq(s->cmds[3].line, 9);
        wsbx_script_delete(s);
}

Test(wast, match_floats_by_nan_class)
{
        wsbx_result canon = {.kind = WSBX_RESULT_VALUE, .value = {.type = WSBX_F32},
                             .nan = {WSBX_NAN_CANONICAL}};
        wsbx_result arith = canon;
        arith.nan[0] = WSBX_NAN_ARITHMETIC;
        wsbx_value v = {.type = WSBX_F32};
        v.u.f32 = 0x7fc00000;
        cr_assert(wsbx_result_matches(&canon, &v));
        cr_assert(wsbx_result_matches(&arith, &v));
        v.u.f32 = 0xffc00000; /* sign is free */
        cr_assert(wsbx_result_matches(&canon, &v));
        v.u.f32 = 0x7fc00001; /* arithmetic, not canonical */
        cr_assert_not(wsbx_result_matches(&canon, &v));
        cr_assert(wsbx_result_matches(&arith, &v));
        v.u.f32 = 0x7f800001; /* signalling NaN: neither */
        cr_assert_not(wsbx_result_matches(&canon, &v));
        cr_assert_not(wsbx_result_matches(&arith, &v));
        v.u.f32 = 0x3f800000;
        cr_assert_not(wsbx_result_matches(&arith, &v));
        v.type = WSBX_F64;
        v.u.f64 = 0x7ff8000000000000ull;
        cr_assert_not(wsbx_result_matches(&canon, &v), "type must match");

        wsbx_result exact = {.kind = WSBX_RESULT_VALUE, .value = {.type = WSBX_F64}};
        exact.value.u.f64 = 0x8000000000000000ull; /* -0 */
        v.u.f64 = 0;
        cr_assert_not(wsbx_result_matches(&exact, &v), "exact floats compare bits");
        v.u.f64 = 0x8000000000000000ull;
        cr_assert(wsbx_result_matches(&exact, &v));
}

Test(wast, match_v128_lanes)
{
        wsbx_script *s = parse_ok("(assert_return (invoke \"f\")"
                                  " (v128.const f32x4 nan:canonical 1.0 nan:arithmetic 2.0)"
                                  " (v128.const i16x8 1 2 3 4 5 6 7 -1))");
        const wsbx_result *r = &s->cmds[0].results[0];
        wsbx_value v = {.type = WSBX_V128, .shape = WSBX_SHAPE_I8X16};
        uint32_t lanes[4] = {0xffc00000u, 0x3f800000u, 0x7fc12345u, 0x40000000u};
        memcpy(v.u.v128, lanes, 16); /* x86-64 is little-endian, as v128 lanes are */
        cr_assert(wsbx_result_matches(r, &v), "shape of the value does not matter");
        lanes[2] = 0x7f812345u;
        memcpy(v.u.v128, lanes, 16);
        cr_assert_not(wsbx_result_matches(r, &v));
        lanes[2] = 0x7fc00000u;
        lanes[1] = 0x3f800001u;
        memcpy(v.u.v128, lanes, 16);
        cr_assert_not(wsbx_result_matches(r, &v));

        r = &s->cmds[0].results[1];
        uint16_t h[8] = {1, 2, 3, 4, 5, 6, 7, 0xffff};
        memcpy(v.u.v128, h, 16);
        cr_assert(wsbx_result_matches(r, &v));
        h[7] = 0x7fff;
        memcpy(v.u.v128, h, 16);
        cr_assert_not(wsbx_result_matches(r, &v));
        wsbx_script_delete(s);
}

Test(wast, match_references)
{
        wsbx_value null_func = {.type = WSBX_FUNCREF, .is_null = true};
        wsbx_value null_ext = {.type = WSBX_EXTERNREF, .is_null = true};
        wsbx_value ext5 = {.type = WSBX_EXTERNREF};
        ext5.u.ref = 5;
        wsbx_value fn = {.type = WSBX_FUNCREF};
        wsbx_result any_null = {.kind = WSBX_RESULT_ANY_NULL};
        wsbx_result any_ext = {.kind = WSBX_RESULT_ANY_EXTERN};
        wsbx_result any_func = {.kind = WSBX_RESULT_ANY_FUNC};
        wsbx_result want_null_func = {.kind = WSBX_RESULT_VALUE, .value = null_func};
        wsbx_result want_ext5 = {.kind = WSBX_RESULT_VALUE, .value = ext5};

        cr_assert(wsbx_result_matches(&any_null, &null_func));
        cr_assert(wsbx_result_matches(&any_null, &null_ext));
        cr_assert_not(wsbx_result_matches(&any_null, &ext5));
        cr_assert(wsbx_result_matches(&any_ext, &ext5));
        cr_assert_not(wsbx_result_matches(&any_ext, &null_ext));
        cr_assert(wsbx_result_matches(&any_func, &fn));
        cr_assert_not(wsbx_result_matches(&any_func, &null_func));
        cr_assert(wsbx_result_matches(&want_null_func, &null_func));
        cr_assert_not(wsbx_result_matches(&want_null_func, &null_ext));
        cr_assert(wsbx_result_matches(&want_ext5, &ext5));
        ext5.u.ref = 6;
        cr_assert_not(wsbx_result_matches(&want_ext5, &ext5));
}

Test(wast, format_values)
{
        char buf[128];
        wsbx_value v = {.type = WSBX_I32};
        v.u.i32 = 0xffffffffu;
        wsbx_value_format(&v, buf, sizeof buf);
        cr_assert_str_eq(buf, "i32.const -1");
        v.type = WSBX_F32;
        v.u.f32 = 0x7fa00000u;
        wsbx_value_format(&v, buf, sizeof buf);
        cr_assert_str_eq(buf, "f32.const nan:0x200000");
        v.type = WSBX_EXTERNREF;
        v.is_null = true;
        wsbx_value_format(&v, buf, sizeof buf);
        cr_assert_str_eq(buf, "ref.null extern");

        wsbx_script *s = parse_ok("(assert_return (invoke \"f\") (v128.const f64x2 nan:canonical -1.5)"
                                  " (either (i64.const 1) (ref.func)))");
        wsbx_result_format(&s->cmds[0].results[0], buf, sizeof buf);
        cr_assert_str_eq(buf, "v128.const f64x2 nan:canonical -1.5");
        wsbx_result_format(&s->cmds[0].results[1], buf, sizeof buf);
        cr_assert_str_eq(buf, "either (i64.const 1) (ref.func)");
        /* Truncation keeps the NUL and reports the full length. */
        size_t n = wsbx_result_format(&s->cmds[0].results[1], buf, 8);
        cr_assert_eq(n, strlen("either (i64.const 1) (ref.func)"));
        cr_assert_eq(strlen(buf), 7);
        wsbx_script_delete(s);
}

/* WSBX_SCRIPT_TEXT_SPANS: text modules are kept as written, not encoded
 * (wsbx wast lets the compile worker parse them); other forms as usual. */
Test(wast, text_spans)
{
        const char *text = "(module $m\n  (func (export \"f\") (result i32) i32.const 1) ;; tail\n)\n"
                           "(module binary \"\\00asm\\01\\00\\00\\00\")\n"
                           "(assert_return (invoke \"f\") (i32.const 1))\n";
        wsbx_script *s = NULL;
        wsbx_error err = {0};
        cr_assert_eq(wsbx_script_parse_flags(text, strlen(text), WSBX_SCRIPT_TEXT_SPANS, &s, &err), WSBX_OK,
                     "%s", err.msg);
        cr_assert_eq(s->ncmds, 3);
        const wsbx_script_module *m = s->cmds[0].module;
        cr_assert_eq(m->form, WSBX_MODFORM_TEXT);
        cr_assert_null(m->bytes);
        cr_assert(name_is(m->id, "$m"));
        cr_assert_str_eq(m->text, "(func (export \"f\") (result i32) i32.const 1) ;; tail\n");
        cr_assert_eq(m->text_len, strlen(m->text));
        cr_assert_eq(m->text_line, 2);
        cr_assert_eq(m->text_col, 3);
        cr_assert_eq(s->cmds[1].module->form, WSBX_MODFORM_BINARY);
        cr_assert_eq(s->cmds[1].module->len, 8);
        cr_assert_eq(s->cmds[2].kind, WSBX_CMD_ASSERT_RETURN);
        wsbx_script_delete(s);
        /* A script that is only module fields: the whole text. */
        const char *bare = "(func) (memory 1)";
        cr_assert_eq(wsbx_script_parse_flags(bare, strlen(bare), WSBX_SCRIPT_TEXT_SPANS, &s, &err), WSBX_OK);
        cr_assert_eq(s->ncmds, 1);
        cr_assert_str_eq(s->cmds[0].module->text, bare);
        cr_assert_null(s->cmds[0].module->bytes);
        wsbx_script_delete(s);
}
