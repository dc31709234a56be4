/* test_runtime.c - linear memory, guest stacks and traps, with real faults.
 *
 * The code that traps is a hand-written blob of x86-64 functions in the
 * array calling convention (rdi = callee vmctx, rdx = vals), mapped
 * read+execute and registered with a hand-made trap table, address map and
 * function list, as an artifact's would be. Each function is listed below
 * with the `objdump -d -M intel` text it was assembled from (GNU as), so
 * the offsets in the tables can be checked by eye.
 *
 * Tests that expect a crash run the crashing code in a forked child and
 * look at how it died. Under AddressSanitizer, whose own SIGSEGV handler
 * sits behind ours, "died" means anything but a clean exit.
 */
#include <criterion/criterion.h>

#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* clang-format off */
static const uint8_t blob[] = {
        /* load: vals[0].i32 = *(u32 *)(vmctx->mem0_base + vals[0].i32) */
        0x55,                           /* 00 push rbp                        */
        0x48, 0x89, 0xe5,               /* 01 mov rbp,rsp                     */
        0x4c, 0x8b, 0x47, 0x28,         /* 04 mov r8,[rdi+0x28]  (mem0_base)  */
        0x44, 0x8b, 0x0a,               /* 08 mov r9d,[rdx]                   */
        0x43, 0x8b, 0x04, 0x08,         /* 0b mov eax,[r8+r9]    MEMORY_OOB   */
        0x89, 0x02,                     /* 0f mov [rdx],eax                   */
        0x5d,                           /* 11 pop rbp                         */
        0xc3,                           /* 12 ret                             */
        /* unreach */
        0x55,                           /* 13 push rbp                        */
        0x48, 0x89, 0xe5,               /* 14 mov rbp,rsp                     */
        0x0f, 0x0b,                     /* 17 ud2                UNREACHABLE  */
        /* div: vals[0].i32 /= vals[1].i32 (unsigned) */
        0x55,                           /* 19 push rbp                        */
        0x48, 0x89, 0xe5,               /* 1a mov rbp,rsp                     */
        0x49, 0x89, 0xd0,               /* 1d mov r8,rdx                      */
        0x41, 0x8b, 0x00,               /* 20 mov eax,[r8]                    */
        0x41, 0x8b, 0x48, 0x10,         /* 23 mov ecx,[r8+0x10]               */
        0x31, 0xd2,                     /* 27 xor edx,edx                     */
        0xf7, 0xf1,                     /* 29 div ecx            INT_DIV_ZERO */
        0x41, 0x89, 0x00,               /* 2b mov [r8],eax                    */
        0x5d,                           /* 2e pop rbp                         */
        0xc3,                           /* 2f ret                             */
        /* idiv: vals[0].i32 /= vals[1].i32 (signed) */
        0x55,                           /* 30 push rbp                        */
        0x48, 0x89, 0xe5,               /* 31 mov rbp,rsp                     */
        0x49, 0x89, 0xd0,               /* 34 mov r8,rdx                      */
        0x41, 0x8b, 0x00,               /* 37 mov eax,[r8]                    */
        0x41, 0x8b, 0x48, 0x10,         /* 3a mov ecx,[r8+0x10]               */
        0x99,                           /* 3e cdq                             */
        0xf7, 0xf9,                     /* 3f idiv ecx           INT_OVERFLOW */
        0x41, 0x89, 0x00,               /* 41 mov [r8],eax                    */
        0x5d,                           /* 44 pop rbp                         */
        0xc3,                           /* 45 ret                             */
        /* rec: endless recursion with the abi.h prologue check */
        0x55,                           /* 46 push rbp                        */
        0x48, 0x89, 0xe5,               /* 47 mov rbp,rsp                     */
        0x48, 0x8d, 0x44, 0x24, 0xc0,   /* 4a lea rax,[rsp-0x40]              */
        0x48, 0x3b, 0x07,               /* 4f cmp rax,[rdi]      (stack_limit) */
        0x72, 0x0b,                     /* 52 jb 5f                           */
        0x48, 0x83, 0xec, 0x40,         /* 54 sub rsp,0x40                    */
        0xe8, 0xe9, 0xff, 0xff, 0xff,   /* 58 call 46 <rec>                   */
        0xc9,                           /* 5d leave                           */
        0xc3,                           /* 5e ret                             */
        0x0f, 0x0b,                     /* 5f ud2                STACK_OVERFLOW */
        /* rec2: endless recursion without a check: runs into the guard */
        0x55,                           /* 61 push rbp                        */
        0x48, 0x89, 0xe5,               /* 62 mov rbp,rsp                     */
        0x48, 0x81, 0xec, 0x00, 0x01, 0x00, 0x00, /* 65 sub rsp,0x100        */
        0xe8, 0xf0, 0xff, 0xff, 0xff,   /* 6c call 61 <rec2>                  */
        0xc9,                           /* 71 leave                           */
        0xc3,                           /* 72 ret                             */
        /* outer: calls inner */
        0x55,                           /* 73 push rbp                        */
        0x48, 0x89, 0xe5,               /* 74 mov rbp,rsp                     */
        0xe8, 0x02, 0x00, 0x00, 0x00,   /* 77 call 7e <inner>                 */
        0x5d,                           /* 7c pop rbp                         */
        0xc3,                           /* 7d ret                             */
        /* inner */
        0x55,                           /* 7e push rbp                        */
        0x48, 0x89, 0xe5,               /* 7f mov rbp,rsp                     */
        0x0f, 0x0b,                     /* 82 ud2                UNREACHABLE  */
        /* caller: calls tramp */
        0x55,                           /* 84 push rbp                        */
        0x48, 0x89, 0xe5,               /* 85 mov rbp,rsp                     */
        0xe8, 0x02, 0x00, 0x00, 0x00,   /* 88 call 8f <tramp>                 */
        0x5d,                           /* 8d pop rbp                         */
        0xc3,                           /* 8e ret                             */
        /* tramp: calls the host function in vals[1] with its own arguments */
        0x55,                           /* 8f push rbp                        */
        0x48, 0x89, 0xe5,               /* 90 mov rbp,rsp                     */
        0x48, 0x8b, 0x42, 0x10,         /* 93 mov rax,[rdx+0x10]              */
        0xff, 0xd0,                     /* 97 call rax                        */
        0x5d,                           /* 99 pop rbp                         */
        0xc3,                           /* 9a ret                             */
        /* getsp: vals[0].i64 = rsp */
        0x48, 0x89, 0x22,               /* 9b mov [rdx],rsp                   */
        0xc3,                           /* 9e ret                             */
};
/* clang-format on */

enum {
        F_LOAD = 0x00, F_UNREACH = 0x13, F_DIV = 0x19, F_IDIV = 0x30, F_REC = 0x46,
        F_REC2 = 0x61, F_OUTER = 0x73, F_INNER = 0x7e, F_CALLER = 0x84, F_TRAMP = 0x8f,
        F_GETSP = 0x9b,
};

static const wsbx_art_trap traps[] = {
        { 0x0b, WSBX_TRAP_MEMORY_OOB },   { 0x17, WSBX_TRAP_UNREACHABLE },
        { 0x29, WSBX_TRAP_INT_DIV_ZERO }, { 0x3f, WSBX_TRAP_INT_OVERFLOW },
        { 0x5f, WSBX_TRAP_STACK_OVERFLOW }, { 0x82, WSBX_TRAP_UNREACHABLE },
};

static const wsbx_art_addr addrs[] = {
        { 0x00, 0x10 }, { 0x0b, 0x42 }, { 0x0f, 0x45 }, { 0x13, 0x50 }, { 0x17, 0x52 },
        { 0x19, 0x60 }, { 0x29, 0x66 }, { 0x30, 0x70 }, { 0x3f, 0x77 }, { 0x46, 0x80 },
        { 0x5f, 0x8f }, { 0x61, 0x90 }, { 0x73, 0xa0 }, { 0x77, 0xa3 }, { 0x7c, 0xa8 },
        { 0x7e, 0xb0 }, { 0x82, 0xb4 }, { 0x84, 0xc0 }, { 0x88, 0xc3 }, { 0x8d, 0xc8 },
        { 0x8f, 0xd0 }, { 0x9b, 0xe0 },
};

static const wsbx_code_func funcs[] = {
        { 0x00, 0x13, "load" },  { 0x13, 0x06, "unreach" }, { 0x19, 0x17, "div" },
        { 0x30, 0x16, "idiv" },  { 0x46, 0x1b, "rec" },     { 0x61, 0x12, "rec2" },
        { 0x73, 0x0b, "outer" }, { 0x7e, 0x06, "inner" },   { 0x84, 0x0b, "caller" },
        { 0x8f, 0x0c, "tramp" }, { 0x9b, 0x04, "getsp" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int owner_tag;
static uint8_t *code;
static size_t code_len;
static wsbx_code_reg *reg;
static wsbx_stack *stack;
static wsbx_vmctx_header vmctx;

static uint8_t *map_code(const uint8_t *bytes, size_t len, size_t *mapped)
{
        size_t sz = (len + 4095) & ~(size_t)4095;
        uint8_t *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        cr_assert(p != MAP_FAILED);
        memcpy(p, bytes, len);
        cr_assert(mprotect(p, sz, PROT_READ | PROT_EXEC) == 0);
        *mapped = sz;
        return p;
}

static wsbx_array_fn fn_at(size_t off)
{
        wsbx_array_fn f;
        void *p = code + off;
        memcpy(&f, &p, sizeof f);
        return f;
}

static struct wsbx_vmctx *vm(void)
{
        return (struct wsbx_vmctx *)(void *)&vmctx;
}

static void setup(void)
{
        code = map_code(blob, sizeof blob, &code_len);
        wsbx_code_info info = {
                .start = code, .len = sizeof blob,
                .traps = traps, .ntraps = N(traps),
                .addrs = addrs, .naddrs = N(addrs),
                .funcs = funcs, .nfuncs = N(funcs),
                .owner = &owner_tag,
        };
        cr_assert_eq(wsbx_code_register(&info, &reg), 0);
        cr_assert_eq(wsbx_stack_new(0, 0, &stack), 0);
        memset(&vmctx, 0, sizeof vmctx);
        vmctx.stack_limit = wsbx_stack_limit(stack);
}

static void teardown(void)
{
        wsbx_code_unregister(reg);
        wsbx_stack_delete(stack);
        munmap(code, code_len);
}

TestSuite(runtime, .init = setup, .fini = teardown);

static int call(size_t off, wsbx_val_raw *vals, uint32_t n, wsbx_trap_info *t)
{
        return wsbx_call_guarded(stack, fn_at(off), vm(), NULL, vals, n, t);
}

/* --- messages and registry --------------------------------------------- */

Test(runtime, messages)
{
        cr_assert_str_eq(wsbx_trap_message(WSBX_TRAP_MEMORY_OOB), "out of bounds memory access");
        cr_assert_str_eq(wsbx_trap_message(WSBX_TRAP_INT_DIV_ZERO), "integer divide by zero");
        cr_assert_str_eq(wsbx_trap_message(WSBX_TRAP_INT_OVERFLOW), "integer overflow");
        cr_assert_str_eq(wsbx_trap_message(WSBX_TRAP_STACK_OVERFLOW), "call stack exhausted");
        cr_assert_str_eq(wsbx_trap_message(WSBX_TRAP_UNREACHABLE), "unreachable");
        cr_assert_str_eq(wsbx_trap_message(WSBX_TRAP_BAD_CONVERSION), "invalid conversion to integer");
        cr_assert_str_eq(wsbx_trap_message(WSBX_TRAP_UNDEFINED_ELEMENT), "undefined element");
        cr_assert_str_eq(wsbx_trap_message(WSBX_TRAP_UNINITIALIZED_ELEMENT), "uninitialized element");
        cr_assert_str_eq(wsbx_trap_message(WSBX_TRAP_INDIRECT_CALL_TYPE), "indirect call type mismatch");
        cr_assert_str_eq(wsbx_trap_message(WSBX_TRAP_TABLE_OOB), "out of bounds table access");
        cr_assert_str_eq(wsbx_trap_message(WSBX_TRAP_INTERRUPTED), "interrupted");
        for (int k = WSBX_TRAP_UNREACHABLE; k < WSBX_TRAP_COUNT; k++)
                cr_assert_str_neq(wsbx_trap_message((wsbx_trap)k), "unknown trap");
        cr_assert_str_eq(wsbx_trap_message((wsbx_trap)99), "unknown trap");
}

Test(runtime, lookup)
{
        const char *name;
        uint32_t wo;

        cr_assert_eq(wsbx_code_lookup((uintptr_t)code + 0x0b, &name, &wo), &owner_tag);
        cr_assert_str_eq(name, "load");
        cr_assert_eq(wo, 0x42);
        cr_assert_eq(wsbx_code_lookup((uintptr_t)code + 0x0c, &name, &wo), &owner_tag);
        cr_assert_eq(wo, 0x42, "between map entries the earlier one holds");
        cr_assert_eq(wsbx_code_lookup((uintptr_t)code + 0x9e, &name, &wo), &owner_tag);
        cr_assert_str_eq(name, "getsp");
        cr_assert_null(wsbx_code_lookup((uintptr_t)code + sizeof blob, &name, &wo));
        cr_assert_null(name);
        cr_assert_eq(wo, UINT32_MAX);
        cr_assert_null(wsbx_code_lookup((uintptr_t)code - 1, NULL, NULL));
}

Test(runtime, register_rejects_bad_tables)
{
        wsbx_code_reg *r;
        wsbx_code_info info = { .start = code, .len = sizeof blob };
        cr_assert_eq(wsbx_code_register(&info, &r), -EEXIST, "overlaps the suite's range");

        static const uint8_t other[64];
        wsbx_code_info o = { .start = other, .len = sizeof other };
        wsbx_art_trap unsorted[] = { { 8, WSBX_TRAP_UNREACHABLE }, { 4, WSBX_TRAP_UNREACHABLE } };
        o.traps = unsorted;
        o.ntraps = 2;
        cr_assert_eq(wsbx_code_register(&o, &r), -EINVAL);
        wsbx_art_trap past[] = { { 64, WSBX_TRAP_UNREACHABLE } };
        o.traps = past;
        o.ntraps = 1;
        cr_assert_eq(wsbx_code_register(&o, &r), -EINVAL);
        wsbx_art_trap badkind[] = { { 4, WSBX_TRAP_COUNT } };
        o.traps = badkind;
        cr_assert_eq(wsbx_code_register(&o, &r), -EINVAL);
        o.traps = NULL;
        o.ntraps = 0;
        wsbx_code_func overl[] = { { 0, 10, "a" }, { 8, 4, "b" } };
        o.funcs = overl;
        o.nfuncs = 2;
        cr_assert_eq(wsbx_code_register(&o, &r), -EINVAL);
        wsbx_code_func longf[] = { { 60, 8, "a" } };
        o.funcs = longf;
        o.nfuncs = 1;
        cr_assert_eq(wsbx_code_register(&o, &r), -EINVAL);
        o.funcs = NULL;
        o.nfuncs = 0;
        cr_assert_eq(wsbx_code_register(&o, &r), 0);
        cr_assert_null(wsbx_code_lookup((uintptr_t)other + 3, NULL, NULL));
        wsbx_code_unregister(r);
}

struct churn {
        volatile int stop;
        int iterations;
};

static void *churn_thread(void *arg)
{
        struct churn *c = arg;
        static uint8_t area[8][32];
        wsbx_code_reg *regs[8];
        while (!c->stop) {
                for (int i = 0; i < 8; i++) {
                        wsbx_code_info info = { .start = area[i], .len = sizeof area[i],
                                                .owner = area[i] };
                        if (wsbx_code_register(&info, &regs[i]) != 0)
                                return (void *)1;
                }
                for (int i = 0; i < 8; i++)
                        wsbx_code_unregister(regs[i]);
                c->iterations++;
        }
        return NULL;
}

/* Lookups (and traps) keep working while another thread registers and
 * unregisters ranges all the time. */
Test(runtime, registry_concurrent)
{
        struct churn c = { 0 };
        pthread_t th;
        cr_assert_eq(pthread_create(&th, NULL, churn_thread, &c), 0);
        for (int i = 0; i < 20000 || c.iterations < 50; i++) {
                const char *name;
                uint32_t wo;
                cr_assert_eq(wsbx_code_lookup((uintptr_t)code + 0x82, &name, &wo), &owner_tag);
                cr_assert_str_eq(name, "inner");
                cr_assert_eq(wo, 0xb4);
                if (i % 1000 == 0) {
                        wsbx_val_raw v[2] = { 0 };
                        wsbx_trap_info t;
                        cr_assert_eq(call(F_UNREACH, v, 2, &t), WSBX_TRAP_UNREACHABLE);
                }
        }
        c.stop = 1;
        void *ret;
        pthread_join(th, &ret);
        cr_assert_null(ret);
        cr_assert_gt(c.iterations, 0);
}

/* --- traps through the guarded call -------------------------------------- */

static wsbx_memory *make_mem(uint32_t pages, const wsbx_memory_config *cfg)
{
        wsbx_memory *m;
        wsbx_lerr err = { { 0 } };
        int rc = wsbx_memory_new(cfg, pages, false, 0, &m, &err);
        cr_assert_eq(rc, 0, "memory_new: %d %s", rc, err.msg);
        vmctx.mem0 = wsbx_memory_def_of(m);
        vmctx.mem0_base = vmctx.mem0->base;
        return m;
}

Test(runtime, load_out_of_bounds_then_grow)
{
        wsbx_memory *m = make_mem(1, NULL);
        cr_assert(wsbx_memory_plan_of(m)->elide_checks);
        uint8_t *base = wsbx_memory_def_of(m)->base;
        wsbx_trap_info t;
        wsbx_val_raw v[1];

        uint32_t x = 0xdeadbeef;
        cr_assert_eq(wsbx_memory_write(m, 65532, &x, 4), 0);
        v[0].i64 = 65532;
        cr_assert_eq(call(F_LOAD, v, 1, &t), 0);
        cr_assert_eq(t.kind, WSBX_TRAP_NONE);
        cr_assert_eq(v[0].i32, 0xdeadbeef);

        /* Straddling the end: the 4-byte load at 65533 touches 65536. */
        v[0].i64 = 65533;
        cr_assert_eq(call(F_LOAD, v, 1, &t), WSBX_TRAP_MEMORY_OOB);
        v[0].i64 = 65536;
        cr_assert_eq(call(F_LOAD, v, 1, &t), WSBX_TRAP_MEMORY_OOB);
        cr_assert_eq(t.kind, WSBX_TRAP_MEMORY_OOB);
        cr_assert_str_eq(wsbx_trap_message(t.kind), "out of bounds memory access");
        cr_assert_eq(t.signo, SIGSEGV);
        cr_assert_eq(t.wasm_offset, 0x42);
        cr_assert_eq(t.pc, (uintptr_t)code + 0x0b);
        cr_assert_eq(t.fault_addr, (uintptr_t)base + 65536);
        cr_assert_eq(t.owner, &owner_tag);
        cr_assert_geq(t.nframes, 1);
        cr_assert_str_eq(t.frames[0].name, "load");

        /* The very top of the 4 GiB index space runs into the guard. */
        v[0].i64 = 0xffffffffu;
        cr_assert_eq(call(F_LOAD, v, 1, &t), WSBX_TRAP_MEMORY_OOB);

        cr_assert_eq(wsbx_memory_grow(m, 1), 1);
        cr_assert_eq(wsbx_memory_def_of(m)->base, base, "static memories never move");
        cr_assert_eq(wsbx_memory_def_of(m)->size, 2 * 65536);
        x = 0x01020304;
        cr_assert_eq(wsbx_memory_write(m, 65536, &x, 4), 0);
        v[0].i64 = 65536;
        cr_assert_eq(call(F_LOAD, v, 1, &t), 0);
        cr_assert_eq(v[0].i32, 0x01020304);
        v[0].i64 = 2 * 65536;
        cr_assert_eq(call(F_LOAD, v, 1, &t), WSBX_TRAP_MEMORY_OOB);
        wsbx_memory_delete(m);
}

Test(runtime, unreachable_and_backtrace)
{
        wsbx_val_raw v[1] = { 0 };
        wsbx_trap_info t;
        cr_assert_eq(call(F_OUTER, v, 1, &t), WSBX_TRAP_UNREACHABLE);
        cr_assert_eq(t.signo, SIGILL);
        cr_assert_eq(t.wasm_offset, 0xb4);
        cr_assert_eq(t.nframes, 2, "inner, outer, then the host: %u", t.nframes);
        cr_assert_str_eq(t.frames[0].name, "inner");
        cr_assert_eq(t.frames[0].pc, (uintptr_t)code + 0x82);
        cr_assert_str_eq(t.frames[1].name, "outer");
        cr_assert_eq(t.frames[1].pc, (uintptr_t)code + 0x7c, "return address");
        cr_assert_eq(t.frames[1].wasm_offset, 0xa3, "the call instruction's offset");

        /* The same stack is reusable after the unwind. */
        cr_assert_eq(wsbx_stack_depth(stack), 0);
        cr_assert_eq(call(F_UNREACH, v, 1, &t), WSBX_TRAP_UNREACHABLE);
        cr_assert_eq(t.wasm_offset, 0x52);
        cr_assert_eq(t.nframes, 1);
}

Test(runtime, divide)
{
        wsbx_val_raw v[2] = { 0 };
        wsbx_trap_info t;
        v[0].i32 = 100;
        v[1].i32 = 7;
        cr_assert_eq(call(F_DIV, v, 2, &t), 0);
        cr_assert_eq(v[0].i32, 14);

        v[0].i32 = 100;
        v[1].i32 = 0;
        cr_assert_eq(call(F_DIV, v, 2, &t), WSBX_TRAP_INT_DIV_ZERO);
        cr_assert_eq(t.signo, SIGFPE);
        cr_assert_eq(t.wasm_offset, 0x66);
        cr_assert_str_eq(wsbx_trap_message(t.kind), "integer divide by zero");

        v[0].i32 = 0x80000000u;
        v[1].i32 = 0xffffffffu;
        cr_assert_eq(call(F_IDIV, v, 2, &t), WSBX_TRAP_INT_OVERFLOW);
        cr_assert_eq(t.signo, SIGFPE);
        cr_assert_eq(t.wasm_offset, 0x77);

        v[0].i32 = (uint32_t)-100;
        v[1].i32 = 7;
        cr_assert_eq(call(F_IDIV, v, 2, &t), 0);
        cr_assert_eq((int32_t)v[0].i32, -14);
}

Test(runtime, stack_limit_check)
{
        uintptr_t glo, lo, hi;
        wsbx_stack_bounds(stack, &glo, &lo, &hi);
        cr_assert_eq(wsbx_stack_limit(stack), lo + WSBX_STACK_HEADROOM);
        cr_assert_eq(lo - glo, WSBX_STACK_DEFAULT_GUARD);
        cr_assert_eq(hi - lo, WSBX_STACK_DEFAULT_SIZE);

        wsbx_val_raw v[1] = { 0 };
        wsbx_trap_info t;
        cr_assert_eq(call(F_REC, v, 1, &t), WSBX_TRAP_STACK_OVERFLOW);
        cr_assert_str_eq(wsbx_trap_message(t.kind), "call stack exhausted");
        cr_assert_eq(t.signo, SIGILL);
        cr_assert_eq(t.wasm_offset, 0x8f);
        cr_assert_eq(t.nframes, WSBX_BACKTRACE_MAX, "a deep stack fills the backtrace");
        for (uint32_t i = 0; i < t.nframes; i++)
                cr_assert_str_eq(t.frames[i].name, "rec");
        wsbx_val_raw d[2] = { { .i32 = 9 }, { .i32 = 0 } };
        cr_assert_eq(call(F_DIV, d, 2, &t), WSBX_TRAP_INT_DIV_ZERO, "the stack still works");
}

Test(runtime, stack_guard_hit)
{
        uintptr_t glo, lo;
        wsbx_stack_bounds(stack, &glo, &lo, NULL);
        wsbx_val_raw v[1] = { 0 };
        wsbx_trap_info t;
        cr_assert_eq(call(F_REC2, v, 1, &t), WSBX_TRAP_STACK_OVERFLOW);
        cr_assert_eq(t.signo, SIGSEGV);
        cr_assert(t.fault_addr >= glo && t.fault_addr < lo, "fault in the guard");
        cr_assert_str_eq(t.frames[0].name, "rec2");
        /* Twice: the alternate signal stack and the guest stack recover. */
        cr_assert_eq(call(F_REC2, v, 1, &t), WSBX_TRAP_STACK_OVERFLOW);
        wsbx_memory *m = make_mem(1, NULL);
        v[0].i64 = 0;
        cr_assert_eq(call(F_LOAD, v, 1, &t), 0);
        wsbx_memory_delete(m);
}

/* --- host functions, raising, nesting ---------------------------------- */

static void host_raise(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals,
                       uint32_t nvals)
{
        (void)callee;
        (void)caller;
        (void)nvals;
        vals[2].i32 = 1;
        wsbx_trap_raise_msg(WSBX_TRAP_HOST, "boom from the host");
}

static wsbx_val_raw host_fn_val(wsbx_array_fn f)
{
        wsbx_val_raw r;
        memset(&r, 0, sizeof r);
        memcpy(&r.i64, &f, sizeof f);
        return r;
}

static const wsbx_trap_frame *find_frame(const wsbx_trap_info *t, const char *name)
{
        for (uint32_t i = 0; i < t->nframes; i++)
                if (t->frames[i].name && strcmp(t->frames[i].name, name) == 0)
                        return &t->frames[i];
        return NULL;
}

Test(runtime, raise_from_host)
{
        wsbx_val_raw v[3] = { 0 };
        v[1] = host_fn_val(host_raise);
        wsbx_trap_info t;
        cr_assert_eq(call(F_CALLER, v, 3, &t), WSBX_TRAP_HOST);
        cr_assert_eq(v[2].i32, 1, "the host function ran");
        cr_assert_eq(t.signo, 0);
        cr_assert_str_eq(t.host_msg, "boom from the host");
        /* Whether the trampoline shows up depends on whether the host
         * function keeps a frame pointer; the wasm caller always does. */
        const wsbx_trap_frame *f = find_frame(&t, "caller");
        cr_assert_not_null(f, "caller in the backtrace (%u frames)", t.nframes);
        cr_assert_eq(f->wasm_offset, 0xc3);
        cr_assert_eq(t.owner, &owner_tag);
        cr_assert_eq(wsbx_stack_depth(stack), 0);

        wsbx_val_raw w[1] = { 0 };
        cr_assert_eq(call(F_UNREACH, w, 1, &t), WSBX_TRAP_UNREACHABLE);
}

static void host_nested(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals,
                        uint32_t nvals)
{
        (void)caller;
        (void)nvals;
        wsbx_trap_info inner;
        wsbx_val_raw w[2] = { 0 };

        /* Inner call 1: traps, caught by the inner guard. */
        vals[2].i32 = (uint32_t)wsbx_call_guarded(stack, fn_at(F_OUTER), callee, callee, w, 2, &inner);
        vals[3].i32 = inner.nframes;
        /* Inner call 2: reports its rsp, which must be on the same stack,
         * below this frame. */
        vals[4].i32 = (uint32_t)wsbx_call_guarded(stack, fn_at(F_GETSP), callee, callee, w, 2, &inner);
        vals[5].i64 = w[0].i64;
        vals[6].i64 = (uintptr_t)__builtin_frame_address(0);
        vals[7].i32 = wsbx_stack_depth(stack);
        if (vals[8].i32)
                wsbx_trap_raise(WSBX_TRAP_UNDEFINED_ELEMENT);
}

Test(runtime, nested_calls)
{
        wsbx_val_raw v[9] = { 0 };
        v[1] = host_fn_val(host_nested);
        wsbx_trap_info t;
        cr_assert_eq(call(F_CALLER, v, 9, &t), 0);
        cr_assert_eq(t.kind, WSBX_TRAP_NONE);
        cr_assert_eq(v[2].i32, WSBX_TRAP_UNREACHABLE, "inner trap caught by the inner call");
        cr_assert_eq(v[3].i32, 2, "inner backtrace: inner, outer");
        cr_assert_eq(v[4].i32, 0);
        uintptr_t lo, hi;
        wsbx_stack_bounds(stack, NULL, &lo, &hi);
        cr_assert(v[5].i64 >= lo && v[5].i64 < hi, "nested call on the guest stack");
        cr_assert(v[5].i64 < v[6].i64, "below the host function's frame");
        cr_assert_eq(v[7].i32, 1, "depth back to the outer call only");
        cr_assert_eq(wsbx_stack_depth(stack), 0);

        /* The outer call still catches its own trap after inner ones. */
        memset(v, 0, sizeof v);
        v[1] = host_fn_val(host_nested);
        v[8].i32 = 1;
        cr_assert_eq(call(F_CALLER, v, 9, &t), WSBX_TRAP_UNDEFINED_ELEMENT);
        cr_assert_eq(v[2].i32, WSBX_TRAP_UNREACHABLE);
        cr_assert_not_null(find_frame(&t, "caller"));
        cr_assert_eq(wsbx_stack_depth(stack), 0);
}

static void *thread_trap(void *arg)
{
        (void)arg;
        wsbx_stack *s;
        if (wsbx_stack_new(0, 0, &s) != 0)
                return (void *)1;
        wsbx_vmctx_header h = { .stack_limit = wsbx_stack_limit(s) };
        wsbx_val_raw v[1] = { 0 };
        wsbx_trap_info t;
        int rc = wsbx_call_guarded(s, fn_at(F_REC2), (struct wsbx_vmctx *)(void *)&h, NULL, v, 1, &t);
        int rc2 = wsbx_call_guarded(s, fn_at(F_OUTER), (struct wsbx_vmctx *)(void *)&h, NULL, v, 1, &t);
        wsbx_stack_delete(s);
        return (void *)(uintptr_t)(rc == WSBX_TRAP_STACK_OVERFLOW && rc2 == WSBX_TRAP_UNREACHABLE ? 0 : 2);
}

Test(runtime, traps_on_other_threads)
{
        pthread_t th[3];
        for (int i = 0; i < 3; i++)
                cr_assert_eq(pthread_create(&th[i], NULL, thread_trap, NULL), 0);
        for (int i = 0; i < 3; i++) {
                void *r;
                pthread_join(th[i], &r);
                cr_assert_null(r, "thread %d: %p", i, r);
        }
}

Test(runtime, stack_busy_on_other_thread)
{
        /* A stack in use by code not running on it (as another thread
         * would be) is refused rather than shared. */
        wsbx_stack_unwound(stack, 1);
        wsbx_val_raw v[1] = { 0 };
        cr_assert_eq(wsbx_stack_call(stack, fn_at(F_GETSP), vm(), NULL, v, 1), -EBUSY);
        wsbx_stack_unwound(stack, 0);
        cr_assert_eq(wsbx_stack_call(stack, fn_at(F_GETSP), vm(), NULL, v, 1), 0);
        uintptr_t lo, hi;
        wsbx_stack_bounds(stack, NULL, &lo, &hi);
        cr_assert(v[0].i64 >= lo && v[0].i64 < hi);
        cr_assert_eq((v[0].i64 + 8) % 16, 0, "callee entry sees rsp = 8 mod 16");
}

/* --- faults that are not traps ------------------------------------------- */

static void *bad_page;

static void host_segv(struct wsbx_vmctx *callee, struct wsbx_vmctx *caller, wsbx_val_raw *vals,
                      uint32_t nvals)
{
        (void)callee;
        (void)caller;
        (void)vals;
        (void)nvals;
        *(volatile int *)bad_page = 1;
}

/* Runs fn in a child; returns its wait status. */
static int in_child(void (*fn)(void))
{
        fflush(NULL);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                fn();
                _exit(0);
        }
        int st;
        cr_assert_eq(waitpid(pid, &st, 0), pid);
        return st;
}

static void expect_crash(int st)
{
#ifdef UNDER_ASAN
        /* ASan's handler, behind ours, reports and aborts or exits. */
        cr_assert(!(WIFEXITED(st) && WEXITSTATUS(st) == 0), "the fault was swallowed");
#else
        cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %#x", st);
#endif
}

static void child_host_fault(void)
{
        wsbx_val_raw v[3] = { 0 };
        v[1] = host_fn_val(host_segv);
        wsbx_trap_info t;
        call(F_CALLER, v, 3, &t);
}

static void child_unguarded_oob(void)
{
        /* A registered memory-access site, but no guarded call. */
        wsbx_memory *m = make_mem(1, NULL);
        wsbx_val_raw v[1];
        v[0].i64 = 65536;
        fn_at(F_LOAD)(vm(), NULL, v, 1);
        wsbx_memory_delete(m);
}

Test(runtime, foreign_faults_are_not_swallowed)
{
        bad_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        cr_assert(bad_page != MAP_FAILED);
        cr_assert_eq(wsbx_trap_init(), 0);
        expect_crash(in_child(child_host_fault));
        expect_crash(in_child(child_unguarded_oob));
        munmap(bad_page, 4096);
}

/* --- linear memory -------------------------------------------------------- */

Test(runtime, plan_chooser)
{
        wsbx_memory_config c;
        wsbx_memory_config_default(&c);
        wsbx_memory_plan p = wsbx_memory_plan_choose(&c, 1, false, 0);
        cr_assert_eq(p.kind, WSBX_MEMPLAN_STATIC);
        cr_assert(p.elide_checks);
        cr_assert(!p.may_move);
        cr_assert_eq(p.reserve, 4ull << 30);
        cr_assert_eq(p.guard_after, 2ull << 30);
        cr_assert_eq(p.guard_before, 64 * 1024);

        c.static_bound = 1ull << 30;
        p = wsbx_memory_plan_choose(&c, 1, false, 0);
        cr_assert_eq(p.kind, WSBX_MEMPLAN_DYNAMIC, "no maximum does not fit 1 GiB");
        cr_assert(!p.elide_checks);
        cr_assert(p.may_move);
        cr_assert_eq(p.reserve, 16 << 20);

        p = wsbx_memory_plan_choose(&c, 1, true, 100);
        cr_assert_eq(p.kind, WSBX_MEMPLAN_STATIC, "a 100-page maximum fits");
        cr_assert(!p.elide_checks, "but less than 4 GiB is reserved");

        c.plan = WSBX_MEMPLAN_DYNAMIC;
        p = wsbx_memory_plan_choose(&c, 2, true, 3);
        cr_assert_eq(p.kind, WSBX_MEMPLAN_DYNAMIC);
        cr_assert_eq(p.reserve, 3 * 65536, "reserve capped by the maximum");
        cr_assert(!p.may_move);
        p = wsbx_memory_plan_choose(&c, 400, false, 0);
        cr_assert_eq(p.reserve, 400 * 65536, "reserve at least the minimum");
}

static __attribute__((unused)) void child_small_as(void)
{
        struct rlimit rl = { 1ull << 30, 1ull << 30 };
        if (setrlimit(RLIMIT_AS, &rl) != 0)
                _exit(10);
        wsbx_memory_plan p = wsbx_memory_plan_choose(NULL, 1, false, 0);
        if (p.kind != WSBX_MEMPLAN_DYNAMIC)
                _exit(11);
        wsbx_memory *m;
        if (wsbx_memory_new(NULL, 1, false, 0, &m, NULL) != 0)
                _exit(12);
        if (wsbx_memory_plan_of(m)->kind != WSBX_MEMPLAN_DYNAMIC)
                _exit(13);
        if (wsbx_memory_grow(m, 300) != 1 || wsbx_memory_def_of(m)->size != 301 * 65536ull)
                _exit(14);
        wsbx_memory_def_of(m)->base[301 * 65536 - 1] = 1;
        wsbx_memory_delete(m);
}

Test(runtime, plan_under_small_address_space)
{
#ifdef UNDER_ASAN
        cr_skip_test("ASan's shadow memory does not fit under a 1 GiB RLIMIT_AS");
#else
        int st = in_child(child_small_as);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
#endif
}

Test(runtime, memory_limits_and_grow)
{
        wsbx_memory *m;
        wsbx_lerr err;
        cr_assert_eq(wsbx_memory_new(NULL, 2, true, 1, &m, &err), -EINVAL);
        cr_assert_eq(wsbx_memory_new(NULL, 65537, false, 0, &m, &err), -EINVAL);

        wsbx_memory_config c;
        wsbx_memory_config_default(&c);
        c.limit_pages = 5;
        cr_assert_eq(wsbx_memory_new(&c, 6, false, 0, &m, &err), -ENOMEM);
        cr_assert_eq(wsbx_memory_new(&c, 1, true, 10, &m, &err), 0);
        cr_assert_eq(wsbx_memory_max_pages(m), 5);
        cr_assert_eq(wsbx_memory_grow(m, 0), 1);
        cr_assert_eq(wsbx_memory_grow(m, 5), -1, "past the limit");
        cr_assert_eq(wsbx_memory_pages(m), 1, "a failed grow changes nothing");
        cr_assert_eq(wsbx_memory_grow(m, 4), 1);
        cr_assert_eq(wsbx_memory_grow(m, 1), -1);
        cr_assert_eq(wsbx_memory_grow(m, UINT64_MAX), -1);
        cr_assert_eq(wsbx_memory_def_of(m)->size, 5 * 65536);
        uint8_t *b = wsbx_memory_def_of(m)->base;
        b[5 * 65536 - 1] = 7;
        cr_assert_eq(wsbx_memory_write(m, 5 * 65536 - 1, "x", 1), 0);
        cr_assert_eq(wsbx_memory_write(m, 5 * 65536 - 1, "xy", 2), -EINVAL);
        cr_assert_eq(wsbx_memory_write(m, UINT64_MAX, "x", 1), -EINVAL);

        b[10] = 3;
        cr_assert_eq(wsbx_memory_reset(m), 0);
        cr_assert_eq(wsbx_memory_pages(m), 1);
        cr_assert_eq(b[10], 0, "reset zeroes");
        cr_assert_eq(wsbx_memory_grow(m, 4), 1);
        cr_assert_eq(b[5 * 65536 - 1], 0, "regrown pages are zero");
        wsbx_memory_delete(m);

        /* Zero pages, and a maximum of zero. */
        cr_assert_eq(wsbx_memory_new(NULL, 0, true, 0, &m, &err), 0);
        cr_assert_eq(wsbx_memory_def_of(m)->size, 0);
        cr_assert_eq(wsbx_memory_grow(m, 1), -1);
        cr_assert_eq(wsbx_memory_grow(m, 0), 0);
        wsbx_memory_delete(m);
}

Test(runtime, dynamic_plan_moves_past_its_reservation)
{
        wsbx_memory_config c;
        wsbx_memory_config_default(&c);
        c.plan = WSBX_MEMPLAN_DYNAMIC;
        c.dynamic_reserve = 2 * 65536;
        static const char hello[] = "hello, image";
        wsbx_image *img;
        wsbx_lerr err;
        int rc = wsbx_image_new_bytes(hello, sizeof hello, 65536 + 8, &img, &err);
        if (rc == -ENOSYS)
                cr_skip_test("memfd_create is not available");
        cr_assert_eq(rc, 0, "%s", err.msg);

        wsbx_memory *m;
        cr_assert_eq(wsbx_memory_new(&c, 2, true, 64, &m, &err), 0);
        const wsbx_memory_plan *p = wsbx_memory_plan_of(m);
        cr_assert_eq(p->kind, WSBX_MEMPLAN_DYNAMIC);
        cr_assert(p->may_move);
        cr_assert_eq(wsbx_memory_map_image(m, img, &err), 0, "%s", err.msg);
        wsbx_memory_def *d = wsbx_memory_def_of(m);
        uint8_t *old = d->base;
        cr_assert_str_eq((char *)d->base + 65536 + 8, hello);
        d->base[0] = 42;
        d->base[65536 + 8] = 'J';

        cr_assert_eq(wsbx_memory_grow(m, 3), 2);
        cr_assert_eq(wsbx_memory_def_of(m), d, "the definition stays put");
        cr_assert_neq(d->base, old, "the base moved");
        cr_assert_eq(d->base[0], 42, "contents moved along");
        cr_assert_str_eq((char *)d->base + 65536 + 8, "Jello, image");
        d->base[5 * 65536 - 1] = 1;

        cr_assert_eq(wsbx_memory_reset(m), 0);
        cr_assert_eq(d->size, 2 * 65536);
        cr_assert_eq(d->base[0], 0);
        cr_assert_str_eq((char *)d->base + 65536 + 8, hello, "image mapped again");
        wsbx_memory_delete(m);
        wsbx_image_delete(img);
}

Test(runtime, cow_image_from_bytes)
{
        uint8_t bytes[10000];
        for (size_t i = 0; i < sizeof bytes; i++)
                bytes[i] = (uint8_t)(i * 7 + 1);
        wsbx_image *img;
        wsbx_lerr err;
        int rc = wsbx_image_new_bytes(bytes, sizeof bytes, 100, &img, &err);
        if (rc == -ENOSYS)
                cr_skip_test("memfd_create is not available");
        cr_assert_eq(rc, 0, "%s", err.msg);

        int seals = fcntl(wsbx_image_fd(img), F_GET_SEALS);
        cr_assert_eq(seals, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
        cr_assert_eq(pwrite(wsbx_image_fd(img), "x", 1, 0), -1, "sealed against writes");

        wsbx_memory *m;
        cr_assert_eq(wsbx_memory_new(NULL, 1, false, 0, &m, &err), 0);
        cr_assert_eq(wsbx_memory_map_image(m, img, &err), 0, "%s", err.msg);
        cr_assert_eq(wsbx_memory_map_image(m, img, &err), -EINVAL, "one image per memory");

        uint8_t *b = wsbx_memory_def_of(m)->base;
        for (int i = 0; i < 100; i++)
                cr_assert_eq(b[i], 0);
        cr_assert_eq(memcmp(b + 100, bytes, sizeof bytes), 0);
        for (size_t i = 100 + sizeof bytes; i < 65536; i++)
                cr_assert_eq(b[i], 0, "byte %zu", i);

        /* Writes stay private. */
        memset(b, 0xee, 65536);
        uint8_t back[16];
        cr_assert_eq(pread(wsbx_image_fd(img), back, sizeof back, 100), (ssize_t)sizeof back);
        cr_assert_eq(memcmp(back, bytes, sizeof back), 0);
        wsbx_image_delete(img); /* the memory keeps its own reference */
        cr_assert_eq(wsbx_memory_grow(m, 1), 1);
        b[65536] = 9;

        cr_assert_eq(wsbx_memory_reset(m), 0);
        cr_assert_eq(wsbx_memory_pages(m), 1);
        cr_assert_eq(b[0], 0);
        cr_assert_eq(memcmp(b + 100, bytes, sizeof bytes), 0);
        cr_assert_eq(b[65535], 0);

        /* After reset the shrunk page is inaccessible again. */
        wsbx_trap_info t;
        wsbx_val_raw v[1];
        vmctx.mem0 = wsbx_memory_def_of(m);
        vmctx.mem0_base = b;
        v[0].i64 = 65536;
        cr_assert_eq(call(F_LOAD, v, 1, &t), WSBX_TRAP_MEMORY_OOB);
        v[0].i64 = 100;
        cr_assert_eq(call(F_LOAD, v, 1, &t), 0);
        cr_assert_eq(v[0].i32, bytes[0] | bytes[1] << 8 | bytes[2] << 16 | (uint32_t)bytes[3] << 24);
        wsbx_memory_delete(m);
}

Test(runtime, cow_image_from_file)
{
        int fd = memfd_create("test-artifact", MFD_CLOEXEC);
        if (fd < 0 && errno == ENOSYS)
                cr_skip_test("memfd_create is not available");
        cr_assert_geq(fd, 0);
        /* Page 0: unrelated bytes; pages 1-2: 4096 + 10 image bytes, then
         * bytes of the next section that must not reach the guest. */
        uint8_t file[3 * 4096];
        memset(file, 0x55, sizeof file);
        for (int i = 0; i < 4096 + 10; i++)
                file[4096 + i] = (uint8_t)(i ^ 0x3c);
        cr_assert_eq(pwrite(fd, file, sizeof file, 0), (ssize_t)sizeof file);

        wsbx_image *img;
        wsbx_lerr err;
        cr_assert_eq(wsbx_image_new_fd(fd, 100, 10, 0, &img, &err), -EINVAL, "unaligned");
        cr_assert_eq(wsbx_image_new_fd(fd, 4096, 3 * 4096, 0, &img, &err), -EINVAL, "past EOF");
        cr_assert_eq(wsbx_image_new_fd(fd, 4096, 4096 + 10, 8192, &img, &err), 0, "%s", err.msg);
        close(fd); /* the image holds its own descriptor */

        wsbx_memory *m;
        cr_assert_eq(wsbx_memory_new(NULL, 1, false, 0, &m, &err), 0);
        cr_assert_eq(wsbx_memory_map_image(m, img, &err), 0, "%s", err.msg);
        uint8_t *b = wsbx_memory_def_of(m)->base;
        cr_assert_eq(b[8191], 0);
        cr_assert_eq(memcmp(b + 8192, file + 4096, 4096 + 10), 0);
        for (int i = 8192 + 4096 + 10; i < 4 * 4096; i++)
                cr_assert_eq(b[i], 0, "byte %d after the image", i);

        b[8192] ^= 0xff;
        b[8192 + 4096 + 5] ^= 0xff;
        b[8192 + 4096 + 20] = 1;
        cr_assert_eq(wsbx_memory_reset(m), 0);
        cr_assert_eq(memcmp(b + 8192, file + 4096, 4096 + 10), 0, "reset restores both parts");
        cr_assert_eq(b[8192 + 4096 + 20], 0);
        wsbx_memory_delete(m);

        /* An image larger than the initial size is refused. */
        cr_assert_eq(wsbx_memory_new(NULL, 0, false, 0, &m, &err), 0);
        cr_assert_eq(wsbx_memory_map_image(m, img, &err), -EINVAL);
        wsbx_memory_delete(m);
        wsbx_image_delete(img);
}
