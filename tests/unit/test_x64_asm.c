/* test_x64_asm.c - golden tests of the x86-64 encoder, and code that runs.
 *
 * Each golden case emits one instruction (or a short sequence) and compares
 * the bytes with the expected encoding, written beside the instruction as
 * `objdump -D -b binary -mi386:x86-64 -M intel` prints it. The expected
 * bytes were checked by disassembling them with binutils.
 *
 * With WSBX_X64_GOLDEN=print in the environment, cases print
 * "text<TAB>actual bytes" instead of asserting, so that a new case can be
 * written with "?" as its bytes, printed, checked against a disassembler
 * and filled in.
 */
#include <criterion/criterion.h>

#include "x64/asm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static wsbx_asm asm_;
#define A (&asm_)

static void setup(void)
{
        wsbx_asm_init(A);
}

static void teardown(void)
{
        wsbx_asm_free(A);
}

TestSuite(x64_asm, .init = setup, .fini = teardown);

static void hex_of(const uint8_t *p, size_t n, char *out, size_t cap)
{
        size_t k = 0;
        out[0] = 0;
        for (size_t i = 0; i < n && k + 4 < cap; i++)
                k += (size_t)snprintf(out + k, cap - k, i ? " %02x" : "%02x", p[i]);
}

static void check(const char *text, const char *hex, int line)
{
        char got[256];
        hex_of(wsbx_asm_code(A), wsbx_asm_offset(A), got, sizeof got);
        const char *mode = getenv("WSBX_X64_GOLDEN");
        if (mode && !strcmp(mode, "print")) {
                printf("%s\t%s\n", text, got);
                return;
        }
        cr_expect_eq(A->fail, WSBX_OK, "line %d: %s: assembler failed", line, text);
        cr_expect_str_eq(got, hex, "line %d: %s: got %s, want %s", line, text, got, hex);
}

/* G(text, expected bytes, statements that emit it) */
#define G(text, hex, ...)                         \
        do {                                      \
                wsbx_asm_reset(A);                \
                __VA_ARGS__;                      \
                check(text, hex, __LINE__);       \
        } while (0)

/* Short names for the cases below. */
#define RAX X64_RAX
#define RCX X64_RCX
#define RDX X64_RDX
#define RBX X64_RBX
#define RSP X64_RSP
#define RBP X64_RBP
#define RSI X64_RSI
#define RDI X64_RDI
#define R8 X64_R8
#define R9 X64_R9
#define R10 X64_R10
#define R11 X64_R11
#define R12 X64_R12
#define R13 X64_R13
#define R14 X64_R14
#define R15 X64_R15
#define M(base, disp) x64_mem(base, disp)
#define MI(base, index, scale, disp) x64_mem_idx(base, index, scale, disp)

Test(x64_asm, alu_reg_reg)
{
        G("add rax, rbx", "?", x64_alu_rr(A, X64_ADD, X64_64, RAX, RBX));
        G("add eax, ebx", "?", x64_alu_rr(A, X64_ADD, X64_32, RAX, RBX));
        G("add r8, r15", "?", x64_alu_rr(A, X64_ADD, X64_64, R8, R15));
        G("sub r12d, esp", "?", x64_alu_rr(A, X64_SUB, X64_32, R12, RSP));
        G("xor r13d, r13d", "?", x64_alu_rr(A, X64_XOR, X64_32, R13, R13));
        G("cmp rsp, rbp", "?", x64_alu_rr(A, X64_CMP, X64_64, RSP, RBP));
        G("and rdi, r9", "?", x64_alu_rr(A, X64_AND, X64_64, RDI, R9));
        G("or ecx, edx", "?", x64_alu_rr(A, X64_OR, X64_32, RCX, RDX));
        G("adc rax, rdx", "?", x64_alu_rr(A, X64_ADC, X64_64, RAX, RDX));
        G("sbb r10, r11", "?", x64_alu_rr(A, X64_SBB, X64_64, R10, R11));
        /* Byte registers 4-7 are spl/bpl/sil/dil only with a REX prefix. */
        G("add al, bl", "?", x64_alu_rr(A, X64_ADD, X64_8, RAX, RBX));
        G("add sil, dil", "?", x64_alu_rr(A, X64_ADD, X64_8, RSI, RDI));
        G("cmp spl, al", "?", x64_alu_rr(A, X64_CMP, X64_8, RSP, RAX));
        G("add r8b, bpl", "?", x64_alu_rr(A, X64_ADD, X64_8, R8, RBP));
        G("add ax, bx", "?", x64_alu_rr(A, X64_ADD, X64_16, RAX, RBX));
        G("sub r9w, r10w", "?", x64_alu_rr(A, X64_SUB, X64_16, R9, R10));
        G("test rax, rax", "?", x64_test_rr(A, X64_64, RAX, RAX));
        G("test r11d, ecx", "?", x64_test_rr(A, X64_32, R11, RCX));
        G("test dil, sil", "?", x64_test_rr(A, X64_8, RDI, RSI));
}

Test(x64_asm, alu_reg_imm)
{
        /* imm8 for -128..127, imm32 beyond; rax has a shorter imm32 form. */
        G("add rax, 0x1", "?", x64_alu_ri(A, X64_ADD, X64_64, RAX, 1));
        G("add rax, 0x7f", "?", x64_alu_ri(A, X64_ADD, X64_64, RAX, 127));
        G("add rax, 0x80", "?", x64_alu_ri(A, X64_ADD, X64_64, RAX, 128));
        G("add rcx, 0x80", "?", x64_alu_ri(A, X64_ADD, X64_64, RCX, 128));
        G("sub rcx, 0xffffffffffffff80", "?", x64_alu_ri(A, X64_SUB, X64_64, RCX, -128));
        G("sub rcx, 0xffffffffffffff7f", "?", x64_alu_ri(A, X64_SUB, X64_64, RCX, -129));
        G("cmp r9d, 0x7fffffff", "?", x64_alu_ri(A, X64_CMP, X64_32, R9, INT32_MAX));
        G("cmp r9, 0xffffffff80000000", "?", x64_alu_ri(A, X64_CMP, X64_64, R9, INT32_MIN));
        G("and eax, 0xffffffff", "?", x64_alu_ri(A, X64_AND, X64_32, RAX, -1));
        G("xor r15, 0x1000", "?", x64_alu_ri(A, X64_XOR, X64_64, R15, 0x1000));
        G("or esp, 0x10", "?", x64_alu_ri(A, X64_OR, X64_32, RSP, 16));
        G("cmp sil, 0x5", "?", x64_alu_ri(A, X64_CMP, X64_8, RSI, 5));
        G("cmp al, 0x5", "?", x64_alu_ri(A, X64_CMP, X64_8, RAX, 5));
        G("add cx, 0x1234", "?", x64_alu_ri(A, X64_ADD, X64_16, RCX, 0x1234));
        G("cmp ax, 0x1234", "?", x64_alu_ri(A, X64_CMP, X64_16, RAX, 0x1234));
        G("sub dx, 0x7", "?", x64_alu_ri(A, X64_SUB, X64_16, RDX, 7));
        G("test eax, 0x100", "?", x64_test_ri(A, X64_32, RAX, 0x100));
        G("test r8, 0x1", "?", x64_test_ri(A, X64_64, R8, 1));
        G("test bl, 0x80", "?", x64_test_ri(A, X64_8, RBX, 0x80));
        G("test dil, 0x1", "?", x64_test_ri(A, X64_8, RDI, 1));
}

Test(x64_asm, addressing_modes)
{
        G("mov rax, qword ptr [rax]", "?", x64_mov_rm(A, X64_64, RAX, M(RAX, 0)));
        G("mov rax, qword ptr [rsp]", "?", x64_mov_rm(A, X64_64, RAX, M(RSP, 0)));
        G("mov rax, qword ptr [r12]", "?", x64_mov_rm(A, X64_64, RAX, M(R12, 0)));
        G("mov rax, qword ptr [rbp+0x0]", "?", x64_mov_rm(A, X64_64, RAX, M(RBP, 0)));
        G("mov rax, qword ptr [r13+0x0]", "?", x64_mov_rm(A, X64_64, RAX, M(R13, 0)));
        G("mov rax, qword ptr [rsp+0x8]", "?", x64_mov_rm(A, X64_64, RAX, M(RSP, 8)));
        G("mov rax, qword ptr [r12+0x7f]", "?", x64_mov_rm(A, X64_64, RAX, M(R12, 127)));
        G("mov rax, qword ptr [r12+0x80]", "?", x64_mov_rm(A, X64_64, RAX, M(R12, 128)));
        G("mov rax, qword ptr [rbx-0x80]", "?", x64_mov_rm(A, X64_64, RAX, M(RBX, -128)));
        G("mov rax, qword ptr [rbx-0x81]", "?", x64_mov_rm(A, X64_64, RAX, M(RBX, -129)));
        G("mov r9, qword ptr [r13+0x7fffffff]", "?",
          x64_mov_rm(A, X64_64, R9, M(R13, INT32_MAX)));
        G("mov rax, qword ptr [rax+rbx*1]", "?", x64_mov_rm(A, X64_64, RAX, MI(RAX, RBX, 1, 0)));
        G("mov rax, qword ptr [rax+rcx*2]", "?", x64_mov_rm(A, X64_64, RAX, MI(RAX, RCX, 2, 0)));
        G("mov rax, qword ptr [rax+rcx*4+0x10]", "?",
          x64_mov_rm(A, X64_64, RAX, MI(RAX, RCX, 4, 16)));
        G("mov rax, qword ptr [rdx+rcx*8+0x1000]", "?",
          x64_mov_rm(A, X64_64, RAX, MI(RDX, RCX, 8, 0x1000)));
        G("mov rax, qword ptr [rbp+rcx*2+0x0]", "?",
          x64_mov_rm(A, X64_64, RAX, MI(RBP, RCX, 2, 0)));
        G("mov rax, qword ptr [r13+r14*4+0x0]", "?",
          x64_mov_rm(A, X64_64, RAX, MI(R13, R14, 4, 0)));
        G("mov rax, qword ptr [rsp+r12*1]", "?", x64_mov_rm(A, X64_64, RAX, MI(RSP, R12, 1, 0)));
        G("mov r15, qword ptr [r12+r12*8-0x8]", "?",
          x64_mov_rm(A, X64_64, R15, MI(R12, R12, 8, -8)));
        G("mov rax, qword ptr [rcx*4+0x10]", "?",
          x64_mov_rm(A, X64_64, RAX, MI(X64_NOREG, RCX, 4, 16)));
        G("mov rax, qword ptr [r9*8+0x0]", "?",
          x64_mov_rm(A, X64_64, RAX, MI(X64_NOREG, R9, 8, 0)));
        G("mov eax, dword ptr [rip+0x10]", "?", x64_mov_rm(A, X64_32, RAX, x64_mem_rip(16)));
        G("mov r10d, dword ptr [rip+0xfffffffffffffff0]", "?",
          x64_mov_rm(A, X64_32, R10, x64_mem_rip(-16)));
}

Test(x64_asm, alu_memory)
{
        G("add rax, qword ptr [rdi+0x8]", "?", x64_alu_rm(A, X64_ADD, X64_64, RAX, M(RDI, 8)));
        G("cmp r8d, dword ptr [r14+0x40]", "?", x64_alu_rm(A, X64_CMP, X64_32, R8, M(R14, 64)));
        G("sub rsi, qword ptr [rsp+rax*8]", "?",
          x64_alu_rm(A, X64_SUB, X64_64, RSI, MI(RSP, RAX, 8, 0)));
        G("xor dil, byte ptr [rax]", "?", x64_alu_rm(A, X64_XOR, X64_8, RDI, M(RAX, 0)));
        G("add qword ptr [rdi+0x8], rax", "?", x64_alu_mr(A, X64_ADD, X64_64, M(RDI, 8), RAX));
        G("or dword ptr [r13+0x0], r9d", "?", x64_alu_mr(A, X64_OR, X64_32, M(R13, 0), R9));
        G("and byte ptr [rbx], sil", "?", x64_alu_mr(A, X64_AND, X64_8, M(RBX, 0), RSI));
        G("add qword ptr [rsp], 0x1", "?", x64_alu_mi(A, X64_ADD, X64_64, M(RSP, 0), 1));
        G("cmp dword ptr [r12+0x10], 0x1000", "?",
          x64_alu_mi(A, X64_CMP, X64_32, M(R12, 16), 0x1000));
        G("sub word ptr [rax], 0x80", "?", x64_alu_mi(A, X64_SUB, X64_16, M(RAX, 0), 0x80));
        G("cmp byte ptr [rax+0x1], 0xff", "?", x64_alu_mi(A, X64_CMP, X64_8, M(RAX, 1), 0xff));
        G("cmp dword ptr [rip+0x20], 0x5", "?",
          x64_alu_mi(A, X64_CMP, X64_32, x64_mem_rip(32), 5));
        G("test qword ptr [rdi], rcx", "?", x64_test_rm(A, X64_64, RCX, M(RDI, 0)));
        G("test dword ptr [rbp+0x0], 0x8000", "?", x64_test_mi(A, X64_32, M(RBP, 0), 0x8000));
        G("test byte ptr [rax], 0x1", "?", x64_test_mi(A, X64_8, M(RAX, 0), 1));
}

Test(x64_asm, mov)
{
        G("mov rax, rbx", "?", x64_mov_rr(A, X64_64, RAX, RBX));
        G("mov eax, r9d", "?", x64_mov_rr(A, X64_32, RAX, R9));
        G("mov r8, rsp", "?", x64_mov_rr(A, X64_64, R8, RSP));
        G("mov rbp, rsp", "?", x64_mov_rr(A, X64_64, RBP, RSP));
        G("mov sil, al", "?", x64_mov_rr(A, X64_8, RSI, RAX));
        /* Constants take the shortest form that gives the same register. */
        G("mov eax, 0x0", "?", x64_mov_ri(A, X64_32, RAX, 0));
        G("mov r10d, 0x1", "?", x64_mov_ri(A, X64_32, R10, 1));
        G("mov eax, 0xffffffff", "?", x64_mov_ri(A, X64_64, RAX, 0xffffffffu));
        G("mov eax, 0x80000000", "?", x64_mov_ri(A, X64_64, RAX, 0x80000000u));
        G("mov rax, 0xffffffffffffffff", "?", x64_mov_ri(A, X64_64, RAX, UINT64_MAX));
        G("mov rcx, 0xffffffff80000000", "?", x64_mov_ri(A, X64_64, RCX, (uint64_t)INT32_MIN));
        G("movabs rax, 0x100000000", "?", x64_mov_ri(A, X64_64, RAX, 0x100000000ull));
        G("movabs r15, 0x123456789abcdef0", "?", x64_mov_ri(A, X64_64, R15, 0x123456789abcdef0ull));
        G("movabs rdx, 0xffffffff7fffffff", "?", x64_mov_ri(A, X64_64, RDX, 0xffffffff7fffffffull));
        G("mov r13d, 0x89abcdef", "?", x64_mov_ri(A, X64_32, R13, 0x0123456789abcdefull));
        G("mov sil, 0x5", "?", x64_mov_ri(A, X64_8, RSI, 5));
        G("mov cl, 0x5", "?", x64_mov_ri(A, X64_8, RCX, 5));
        G("mov ax, 0x1234", "?", x64_mov_ri(A, X64_16, RAX, 0x1234));
        /* Stores of every size. */
        G("mov byte ptr [rax], sil", "?", x64_mov_mr(A, X64_8, M(RAX, 0), RSI));
        G("mov byte ptr [rax], bl", "?", x64_mov_mr(A, X64_8, M(RAX, 0), RBX));
        G("mov byte ptr [r8+0x1], r9b", "?", x64_mov_mr(A, X64_8, M(R8, 1), R9));
        G("mov word ptr [rax], cx", "?", x64_mov_mr(A, X64_16, M(RAX, 0), RCX));
        G("mov dword ptr [rsp+0x4], edx", "?", x64_mov_mr(A, X64_32, M(RSP, 4), RDX));
        G("mov qword ptr [r12+rbx*8], r11", "?", x64_mov_mr(A, X64_64, MI(R12, RBX, 8, 0), R11));
        G("mov byte ptr [rax], 0x5", "?", x64_mov_mi(A, X64_8, M(RAX, 0), 5));
        G("mov word ptr [rax], 0x1234", "?", x64_mov_mi(A, X64_16, M(RAX, 0), 0x1234));
        G("mov dword ptr [rsp+0x8], 0xffffffff", "?", x64_mov_mi(A, X64_32, M(RSP, 8), -1));
        G("mov qword ptr [rax], 0xffffffffffffffff", "?", x64_mov_mi(A, X64_64, M(RAX, 0), -1));
        G("mov qword ptr [rip+0x8], 0x7", "?", x64_mov_mi(A, X64_64, x64_mem_rip(8), 7));
        G("mov ax, word ptr [rdi]", "?", x64_mov_rm(A, X64_16, RAX, M(RDI, 0)));
}

Test(x64_asm, loads_and_extensions)
{
        G("movzx eax, byte ptr [rdi]", "?", x64_load(A, X64_ZX8, RAX, M(RDI, 0)));
        G("movsx eax, byte ptr [r8+0x4]", "?", x64_load(A, X64_SX8_32, RAX, M(R8, 4)));
        G("movsx r9, byte ptr [rax]", "?", x64_load(A, X64_SX8_64, R9, M(RAX, 0)));
        G("movzx ecx, word ptr [rsi+rdx*1]", "?", x64_load(A, X64_ZX16, RCX, MI(RSI, RDX, 1, 0)));
        G("movsx edx, word ptr [rbp+0x0]", "?", x64_load(A, X64_SX16_32, RDX, M(RBP, 0)));
        G("movsx rdx, word ptr [r13+0x2]", "?", x64_load(A, X64_SX16_64, RDX, M(R13, 2)));
        G("mov r12d, dword ptr [rsp]", "?", x64_load(A, X64_ZX32, R12, M(RSP, 0)));
        G("movsxd rax, dword ptr [rbx+rcx*4]", "?",
          x64_load(A, X64_SX32_64, RAX, MI(RBX, RCX, 4, 0)));
        G("mov r15, qword ptr [r15+0x100]", "?", x64_load(A, X64_MOV64, R15, M(R15, 256)));
        G("movzx eax, sil", "?", x64_extend(A, X64_ZX8, RAX, RSI));
        G("movzx eax, bl", "?", x64_extend(A, X64_ZX8, RAX, RBX));
        G("movsx r8, dil", "?", x64_extend(A, X64_SX8_64, R8, RDI));
        G("movsx ecx, r10b", "?", x64_extend(A, X64_SX8_32, RCX, R10));
        G("movzx esi, si", "?", x64_extend(A, X64_ZX16, RSI, RSI));
        G("movsx eax, r11w", "?", x64_extend(A, X64_SX16_32, RAX, R11));
        G("movsx rax, cx", "?", x64_extend(A, X64_SX16_64, RAX, RCX));
        G("mov eax, eax", "?", x64_extend(A, X64_ZX32, RAX, RAX));
        G("movsxd rax, ecx", "?", x64_extend(A, X64_SX32_64, RAX, RCX));
        G("movsxd r14, r15d", "?", x64_extend(A, X64_SX32_64, R14, R15));
        G("mov rdi, qword ptr [rsi]", "?", x64_load(A, X64_MOV64, RDI, M(RSI, 0)));
}

Test(x64_asm, lea_imul_unary)
{
        G("lea rax, [rbx+rcx*2+0x10]", "?", x64_lea(A, X64_64, RAX, MI(RBX, RCX, 2, 16)));
        G("lea eax, [rdi+rsi*1]", "?", x64_lea(A, X64_32, RAX, MI(RDI, RSI, 1, 0)));
        G("lea r8, [r13+0x0]", "?", x64_lea(A, X64_64, R8, M(R13, 0)));
        G("lea rsp, [rsp-0x100]", "?", x64_lea(A, X64_64, RSP, M(RSP, -256)));
        G("lea rax, [rip+0x0]", "?", x64_lea(A, X64_64, RAX, x64_mem_rip(0)));
        G("imul rax, rbx", "?", x64_imul_rr(A, X64_64, RAX, RBX));
        G("imul r9d, dword ptr [rax]", "?", x64_imul_rm(A, X64_32, R9, M(RAX, 0)));
        G("imul eax, ecx, 0x7f", "?", x64_imul_rri(A, X64_32, RAX, RCX, 127));
        G("imul rax, rcx, 0x80", "?", x64_imul_rri(A, X64_64, RAX, RCX, 128));
        G("imul r10, r11, 0xffffffffffffffff", "?", x64_imul_rri(A, X64_64, R10, R11, -1));
        G("neg rax", "?", x64_unop_r(A, X64_NEG, X64_64, RAX));
        G("not ecx", "?", x64_unop_r(A, X64_NOT, X64_32, RCX));
        G("div r8", "?", x64_unop_r(A, X64_DIV, X64_64, R8));
        G("idiv r9d", "?", x64_unop_r(A, X64_IDIV, X64_32, R9));
        G("mul rcx", "?", x64_unop_r(A, X64_MUL, X64_64, RCX));
        G("imul rdx", "?", x64_unop_r(A, X64_IMUL1, X64_64, RDX));
        G("neg dil", "?", x64_unop_r(A, X64_NEG, X64_8, RDI));
        G("div qword ptr [rsp]", "?", x64_unop_m(A, X64_DIV, X64_64, M(RSP, 0)));
        G("idiv dword ptr [rbp+0x8]", "?", x64_unop_m(A, X64_IDIV, X64_32, M(RBP, 8)));
        G("cdq", "?", x64_cdq(A, X64_32));
        G("cqo", "?", x64_cdq(A, X64_64));
}

Test(x64_asm, shifts_and_bits)
{
        G("shl eax, cl", "?", x64_shift_cl(A, X64_SHL, X64_32, RAX));
        G("sar r8, cl", "?", x64_shift_cl(A, X64_SAR, X64_64, R8));
        G("shr rdi, cl", "?", x64_shift_cl(A, X64_SHR, X64_64, RDI));
        G("rol r12d, cl", "?", x64_shift_cl(A, X64_ROL, X64_32, R12));
        G("ror rax, cl", "?", x64_shift_cl(A, X64_ROR, X64_64, RAX));
        G("rol rax, 1", "?", x64_shift_ri(A, X64_ROL, X64_64, RAX, 1));
        G("ror r12d, 0x1f", "?", x64_shift_ri(A, X64_ROR, X64_32, R12, 31));
        G("shr rdx, 0x3f", "?", x64_shift_ri(A, X64_SHR, X64_64, RDX, 63));
        G("shl r15, 0x20", "?", x64_shift_ri(A, X64_SHL, X64_64, R15, 32));
        G("sar esi, 0x2", "?", x64_shift_ri(A, X64_SAR, X64_32, RSI, 2));
        G("lzcnt eax, ecx", "?", x64_bitop_rr(A, X64_LZCNT, X64_32, RAX, RCX));
        G("lzcnt r8, r9", "?", x64_bitop_rr(A, X64_LZCNT, X64_64, R8, R9));
        G("tzcnt rax, qword ptr [rdi]", "?", x64_bitop_rm(A, X64_TZCNT, X64_64, RAX, M(RDI, 0)));
        G("tzcnt ebx, esp", "?", x64_bitop_rr(A, X64_TZCNT, X64_32, RBX, RSP));
        G("popcnt eax, r15d", "?", x64_bitop_rr(A, X64_POPCNT, X64_32, RAX, R15));
        G("popcnt r11, qword ptr [r12]", "?",
          x64_bitop_rm(A, X64_POPCNT, X64_64, R11, M(R12, 0)));
        G("bsr rax, rbx", "?", x64_bitop_rr(A, X64_BSR, X64_64, RAX, RBX));
        G("bsf ecx, edx", "?", x64_bitop_rr(A, X64_BSF, X64_32, RCX, RDX));
        G("bswap eax", "?", x64_bswap(A, X64_32, RAX));
        G("bswap r12", "?", x64_bswap(A, X64_64, R12));
        G("bswap rdi", "?", x64_bswap(A, X64_64, RDI));
        G("bswap r9d", "?", x64_bswap(A, X64_32, R9));
        G("xchg rcx, rax", "?", x64_xchg_rr(A, X64_64, RCX, RAX));
        G("xchg r8d, r9d", "?", x64_xchg_rr(A, X64_32, R8, R9));
        G("xchg qword ptr [rdi], rax", "?", x64_xchg_mr(A, X64_64, M(RDI, 0), RAX));
        G("xchg byte ptr [rdi], sil", "?", x64_xchg_mr(A, X64_8, M(RDI, 0), RSI));
        G("shlx eax, ecx, edx", "?", x64_bmi_rrr(A, X64_SHLX, X64_32, RAX, RCX, RDX));
        G("sarx r8, r9, r10", "?", x64_bmi_rrr(A, X64_SARX, X64_64, R8, R9, R10));
        G("shrx rax, r12, rcx", "?", x64_bmi_rrr(A, X64_SHRX, X64_64, RAX, R12, RCX));
        G("andn eax, ebx, ecx", "?", x64_bmi_rrr(A, X64_ANDN, X64_32, RAX, RBX, RCX));
        G("andn r11, r12, r13", "?", x64_bmi_rrr(A, X64_ANDN, X64_64, R11, R12, R13));
}

Test(x64_asm, setcc_cmov)
{
        G("sete al", "?", x64_setcc(A, X64_CC_E, RAX));
        G("setne sil", "?", x64_setcc(A, X64_CC_NE, RSI));
        G("setb r9b", "?", x64_setcc(A, X64_CC_B, R9));
        G("seta dil", "?", x64_setcc(A, X64_CC_A, RDI));
        G("setp bl", "?", x64_setcc(A, X64_CC_P, RBX));
        G("setg r15b", "?", x64_setcc(A, X64_CC_G, R15));
        G("sete al; movzx eax, al", "?", x64_setcc_zx(A, X64_CC_E, RAX));
        G("setl spl; movzx esp, spl", "?", x64_setcc_zx(A, X64_CC_L, RSP));
        G("setae r10b; movzx r10d, r10b", "?", x64_setcc_zx(A, X64_CC_AE, R10));
        G("setle bpl; movzx ebp, bpl", "?", x64_setcc_zx(A, X64_CC_LE, RBP));
        G("cmove rax, rbx", "?", x64_cmov_rr(A, X64_CC_E, X64_64, RAX, RBX));
        G("cmovl ecx, r15d", "?", x64_cmov_rr(A, X64_CC_L, X64_32, RCX, R15));
        G("cmovne r8d, dword ptr [rdi]", "?", x64_cmov_rm(A, X64_CC_NE, X64_32, R8, M(RDI, 0)));
        G("cmovbe r14, qword ptr [rsp+0x10]", "?",
          x64_cmov_rm(A, X64_CC_BE, X64_64, R14, M(RSP, 16)));
        G("cmovs rax, rax", "?", x64_cmov_rr(A, X64_CC_S, X64_64, RAX, RAX));
}

Test(x64_asm, stack_calls_misc)
{
        G("push rax", "?", x64_push(A, RAX));
        G("push r12", "?", x64_push(A, R12));
        G("push rbp", "?", x64_push(A, RBP));
        G("pop rbp", "?", x64_pop(A, RBP));
        G("pop r15", "?", x64_pop(A, R15));
        G("push 0x7f", "?", x64_push_i(A, 127));
        G("push 0x80", "?", x64_push_i(A, 128));
        G("push 0xffffffffffffffff", "?", x64_push_i(A, -1));
        G("call rax", "?", x64_call_r(A, RAX));
        G("call r11", "?", x64_call_r(A, R11));
        G("jmp rcx", "?", x64_jmp_r(A, RCX));
        G("jmp r15", "?", x64_jmp_r(A, R15));
        G("call qword ptr [rdi+0x10]", "?", x64_call_m(A, M(RDI, 16)));
        G("call qword ptr [r12+rax*8]", "?", x64_call_m(A, MI(R12, RAX, 8, 0)));
        G("jmp qword ptr [rip+0x0]", "?", x64_jmp_m(A, x64_mem_rip(0)));
        G("jmp qword ptr [r13+0x8]", "?", x64_jmp_m(A, M(R13, 8)));
        G("ret", "?", x64_ret(A));
        G("ud2", "?", x64_ud2(A));
        G("int3", "?", x64_int3(A));
        G("mfence", "?", x64_mfence(A));
        G("lfence", "?", x64_lfence(A));
        G("nop", "?", x64_nop(A, 1));
        G("xchg ax, ax", "?", x64_nop(A, 2));
        G("nop dword ptr [rax]", "?", x64_nop(A, 3));
        G("nop dword ptr [rax+0x0]", "?", x64_nop(A, 4));
        G("nop dword ptr [rax+rax*1+0x0]", "?", x64_nop(A, 5));
        G("nop word ptr [rax+rax*1+0x0]", "?", x64_nop(A, 6));
        G("nop dword ptr [rax+0x0] (7)", "?", x64_nop(A, 7));
        G("nop dword ptr [rax+rax*1+0x0] (8)", "?", x64_nop(A, 8));
        G("nop word ptr [rax+rax*1+0x0] (9)", "?", x64_nop(A, 9));
        G("nop word ptr [rax+rax*1+0x0]; nop dword ptr [rax+0x0]", "?", x64_nop(A, 13));
}

/* ------------------------------------------------------------------------ */
/* Labels                                                                   */
/* ------------------------------------------------------------------------ */

Test(x64_asm, labels)
{
        wsbx_label l, t;

        /* Forward uses are rel32 and patched when the label is bound. */
        G("jmp 0x6; nop", "?", l = wsbx_asm_label_new(A); x64_jmp(A, l); x64_nop(A, 1);
          wsbx_asm_bind(A, l));
        G("je 0x7; nop", "?", l = wsbx_asm_label_new(A); x64_jcc(A, X64_CC_E, l); x64_nop(A, 1);
          wsbx_asm_bind(A, l));
        G("jmp 0xb; jne 0xb", "?", l = wsbx_asm_label_new(A); x64_jmp(A, l);
          x64_jcc(A, X64_CC_NE, l); wsbx_asm_bind(A, l));
        G("call 0x6; int3; ret", "?", l = wsbx_asm_label_new(A); x64_call(A, l); x64_int3(A);
          wsbx_asm_bind(A, l); x64_ret(A));
        /* Backward uses of a near label are rel8. */
        G("nop; jmp 0x0", "?", l = wsbx_asm_label_new(A); wsbx_asm_bind(A, l); x64_nop(A, 1);
          x64_jmp(A, l));
        G("nop; jne 0x0", "?", l = wsbx_asm_label_new(A); wsbx_asm_bind(A, l); x64_nop(A, 1);
          x64_jcc(A, X64_CC_NE, l));
        G("jl 0x0", "?", l = wsbx_asm_label_new(A); wsbx_asm_bind(A, l); x64_jcc(A, X64_CC_L, l));
        G("call 0x0", "?", l = wsbx_asm_label_new(A); wsbx_asm_bind(A, l); x64_call(A, l));
        /* RIP-relative operands count the immediate that follows them. */
        G("lea rax, [rip+0x1]; ret", "?", l = wsbx_asm_label_new(A); x64_lea_label(A, RAX, l);
          x64_ret(A); wsbx_asm_bind(A, l));
        G("cmp dword ptr [rip+0x1], 0x5; nop", "?", l = wsbx_asm_label_new(A);
          x64_alu_mi(A, X64_CMP, X64_32, x64_mem_label(l, 0), 5); x64_nop(A, 1);
          wsbx_asm_bind(A, l));
        G("mov qword ptr [rip+0x5], 0x1; nop", "?", l = wsbx_asm_label_new(A);
          x64_mov_mi(A, X64_64, x64_mem_label(l, 4), 1); x64_nop(A, 1); wsbx_asm_bind(A, l));
        G("nop; roundsd xmm0, qword ptr [rip+0xfffffffffffffff5], 0x3", "?",
          l = wsbx_asm_label_new(A); wsbx_asm_bind(A, l); x64_nop(A, 1);
          x64_sse_rmi(A, X64_ROUNDSD, 0, x64_mem_label(l, 0), 3));
        G("vpinsrb xmm1, xmm2, byte ptr [rip+0x0], 0x7", "?", l = wsbx_asm_label_new(A);
          x64_avx_rrmi(A, X64_PINSRB, 1, 2, x64_mem_label(l, 0), 7); wsbx_asm_bind(A, l));
        /* A table of label-relative entries, some targets bound later. */
        G("lea rax, [rip+0x9]; movsxd rdi, dword ptr [rax+rdi*4]; add rax, rdi; jmp rax; "
          "ret; (bad)...",
          "?", l = wsbx_asm_label_new(A); t = wsbx_asm_label_new(A);
          wsbx_label c = wsbx_asm_label_new(A);
          x64_jump_table(A, RDI, RAX, t); wsbx_asm_bind(A, l); x64_ret(A); wsbx_asm_bind(A, t);
          wsbx_asm_table_entry(A, t, l); wsbx_asm_table_entry(A, t, c);
          wsbx_asm_table_entry(A, t, t); wsbx_asm_bind(A, c));
}

/* rel8 reaches back exactly 128 bytes from the end of the jump. */
Test(x64_asm, short_jump_boundary)
{
        static const uint8_t near[] = { 0xeb, 0x80 };
        static const uint8_t far[] = { 0xe9, 0x7c, 0xff, 0xff, 0xff };
        static const uint8_t jcc_near[] = { 0x74, 0x80 };
        static const uint8_t jcc_far[] = { 0x0f, 0x84, 0x7b, 0xff, 0xff, 0xff };

        wsbx_label l = wsbx_asm_label_new(A);
        wsbx_asm_bind(A, l);
        x64_nop(A, 126);
        x64_jmp(A, l); /* jmp 0x0: 126 + 2 = 128 bytes back */
        cr_assert_eq(wsbx_asm_offset(A), 128);
        cr_assert_arr_eq(wsbx_asm_code(A) + 126, near, 2);

        wsbx_asm_reset(A);
        l = wsbx_asm_label_new(A);
        wsbx_asm_bind(A, l);
        x64_nop(A, 127);
        x64_jmp(A, l); /* 129 bytes back: rel32 -132 */
        cr_assert_eq(wsbx_asm_offset(A), 132);
        cr_assert_arr_eq(wsbx_asm_code(A) + 127, far, 5);

        wsbx_asm_reset(A);
        l = wsbx_asm_label_new(A);
        wsbx_asm_bind(A, l);
        x64_nop(A, 126);
        x64_jcc(A, X64_CC_E, l);
        cr_assert_arr_eq(wsbx_asm_code(A) + 126, jcc_near, 2);

        wsbx_asm_reset(A);
        l = wsbx_asm_label_new(A);
        wsbx_asm_bind(A, l);
        x64_nop(A, 127);
        x64_jcc(A, X64_CC_E, l); /* 0 - (127 + 6) = -133 */
        cr_assert_arr_eq(wsbx_asm_code(A) + 127, jcc_far, 6);
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_OK);
}

/* Many forward uses across buffer growth all land on the label. */
Test(x64_asm, fixups_survive_growth)
{
        enum { N = 50000 };
        wsbx_label l = wsbx_asm_label_new(A);
        wsbx_label back = wsbx_asm_label_new(A);
        wsbx_asm_bind(A, back);
        for (int i = 0; i < N; i++) {
                x64_jcc(A, (wsbx_x64_cc)(i & 15), l);
                x64_jmp(A, back);
        }
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_ERR_INVALID);
        wsbx_asm_bind(A, l);
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_OK);
        uint32_t end = wsbx_asm_offset(A);
        const uint8_t *c = wsbx_asm_code(A);
        uint32_t pos = 0;
        for (int i = 0; i < N; i++) {
                cr_assert_eq(c[pos], 0x0f);
                cr_assert_eq(c[pos + 1], 0x80 + (i & 15));
                int32_t rel;
                memcpy(&rel, c + pos + 2, 4);
                cr_assert_eq(pos + 6 + rel, end, "jcc %d lands at %u", i, pos + 6 + rel);
                pos += 6;
                /* Backward jumps: short while in reach, rel32 after. */
                if (c[pos] == 0xeb) {
                        cr_assert_eq(pos + 2 + (int8_t)c[pos + 1], 0);
                        pos += 2;
                } else {
                        cr_assert_eq(c[pos], 0xe9);
                        memcpy(&rel, c + pos + 1, 4);
                        cr_assert_eq((int64_t)pos + 5 + rel, 0);
                        pos += 5;
                }
        }
        cr_assert_eq(pos, end);
}

/* ------------------------------------------------------------------------ */
/* Failures                                                                 */
/* ------------------------------------------------------------------------ */

Test(x64_asm, unbound_label_is_reported)
{
        wsbx_error err;
        wsbx_label l = wsbx_asm_label_new(A);
        x64_nop(A, 3);
        x64_jmp(A, l);
        cr_assert_eq(wsbx_asm_finish(A, &err), WSBX_ERR_INVALID);
        cr_assert_eq(err.offset, 4);
        cr_assert_str_eq(err.msg, "label 0 used but never bound");
        wsbx_asm_reset(A);
        cr_assert_eq(wsbx_asm_finish(A, &err), WSBX_OK);
        cr_assert_eq(wsbx_asm_offset(A), 0);
}

Test(x64_asm, misuse_is_reported)
{
        wsbx_label l = wsbx_asm_label_new(A);
        wsbx_asm_bind(A, l);
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_OK);
        wsbx_asm_bind(A, l);
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_ERR_INVALID);

        wsbx_asm_reset(A);
        x64_jmp(A, 7); /* never created */
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_ERR_INVALID);

        wsbx_asm_reset(A);
        wsbx_label t = wsbx_asm_label_new(A);
        wsbx_asm_table_entry(A, t, t); /* table base not bound */
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_ERR_INVALID);

        /* Encodings that do not exist. */
        wsbx_asm_reset(A);
        x64_avx_rrr(A, X64_BLENDVPS, 1, 2, 3);
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_ERR_INVALID);
        wsbx_asm_reset(A);
        x64_sse_rr(A, X64_VPBROADCASTB, 1, 2);
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_ERR_INVALID);
        wsbx_asm_reset(A);
        x64_avx_rrr(A, X64_PSHUFD, 1, 2, 3); /* two-operand row */
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_ERR_INVALID);
        wsbx_asm_reset(A);
        x64_avx_rr(A, X64_ADDPS, 1, 2); /* three-operand row */
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_ERR_INVALID);
        wsbx_asm_reset(A);
        x64_avx_rrm(A, X64_MOVSS, 1, 2, x64_mem(RAX, 0)); /* vmovss has no such form */
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_ERR_INVALID);
        wsbx_asm_reset(A);
        wsbx_asm_align(A, 3);
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_ERR_INVALID);
}

Test(x64_asm, limit_is_sticky_and_harmless)
{
        wsbx_error err;
        static const uint8_t b[1];
        x64_ret(A);
        /* The length is checked before the source is read. */
        wsbx_asm_data(A, b, (size_t)WSBX_ASM_MAX_CODE + 1);
        cr_assert_eq(wsbx_asm_finish(A, &err), WSBX_ERR_LIMIT);
        /* Emitting and binding after the failure must not crash. */
        wsbx_label l = wsbx_asm_label_new(A);
        for (int i = 0; i < 1000; i++) {
                x64_jmp(A, l);
                x64_mov_ri(A, X64_64, R15, 0x123456789abcdef0ull);
                x64_avx_rrmi(A, X64_VBLENDVPS, 15, 14, MI(R13, R12, 8, 0x10000), 0xd0);
        }
        wsbx_asm_data(A, b, 1);
        wsbx_asm_bind(A, l);
        cr_assert_eq(wsbx_asm_finish(A, &err), WSBX_ERR_LIMIT);
        cr_assert_str_eq(err.msg, "code larger than 1073741824 bytes");
        wsbx_asm_reset(A);
        x64_ret(A);
        cr_assert_eq(wsbx_asm_finish(A, &err), WSBX_OK);
        cr_assert_eq(wsbx_asm_offset(A), 1);
        cr_assert_eq(wsbx_asm_code(A)[0], 0xc3);
}

Test(x64_asm, align_and_data)
{
        static const uint8_t k[3] = { 1, 2, 3 };
        x64_ret(A);
        wsbx_asm_align(A, 16);
        cr_assert_eq(wsbx_asm_offset(A), 16);
        wsbx_asm_align(A, 16);
        cr_assert_eq(wsbx_asm_offset(A), 16);
        wsbx_asm_data(A, k, 3);
        cr_assert_arr_eq(wsbx_asm_code(A) + 16, k, 3);
        wsbx_asm_align(A, 8);
        cr_assert_eq(wsbx_asm_offset(A), 24);
        /* 15 bytes of padding: a 9-byte nop and a 6-byte nop. */
        static const uint8_t pad[] = { 0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0,
                                       0x66, 0x0f, 0x1f, 0x44, 0, 0 };
        cr_assert_arr_eq(wsbx_asm_code(A) + 1, pad, 15);
}

/* ------------------------------------------------------------------------ */
/* Code that runs                                                           */
/* ------------------------------------------------------------------------ */

/* Maps the assembled code read+execute (written while read+write). The
 * caller unmaps it with munmap(p, *size). */
static void *map_code(size_t *size)
{
        cr_assert_eq(wsbx_asm_finish(A, NULL), WSBX_OK);
        size_t n = (wsbx_asm_offset(A) + 4095) & ~(size_t)4095;
        void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        cr_assert_neq(p, MAP_FAILED);
        memcpy(p, wsbx_asm_code(A), wsbx_asm_offset(A));
        cr_assert_eq(mprotect(p, n, PROT_READ | PROT_EXEC), 0);
        *size = n;
        return p;
}

Test(x64_asm, run_lea)
{
        /* f(a, b) = a + b * 3 */
        x64_lea(A, X64_64, RAX, MI(RDI, RSI, 2, 0));
        x64_alu_rr(A, X64_ADD, X64_64, RAX, RSI);
        x64_ret(A);
        size_t n;
        void *p = map_code(&n);
        int64_t (*f)(int64_t, int64_t) = (int64_t (*)(int64_t, int64_t))p;
        cr_assert_eq(f(1, 2), 7);
        cr_assert_eq(f(-10, 4), 2);
        cr_assert_eq(f(INT64_MAX / 4, 1), INT64_MAX / 4 + 3);
        munmap(p, n);
}

Test(x64_asm, run_sse_and_avx)
{
        x64_sse_rr(A, X64_ADDSD, 0, 1);
        x64_ret(A);
        size_t n;
        void *p = map_code(&n);
        double (*f)(double, double) = (double (*)(double, double))p;
        cr_assert_eq(f(1.5, 2.25), 3.75);
        cr_assert_eq(f(-1.0, 0.5), -0.5);
        munmap(p, n);

        if (!(wsbx_x64_cpu_features() & X64_FEAT_AVX))
                return; /* no AVX here: the encoding is covered by the golden tests */
        wsbx_asm_reset(A);
        /* (a + b) * a, through high registers so VEX needs its 3-byte form. */
        x64_avx_rrr(A, X64_ADDSD, 9, 0, 1);
        x64_avx_rrr(A, X64_MULSD, 12, 9, 0);
        x64_avx_rr(A, X64_MOVAPD, 0, 12);
        x64_ret(A);
        p = map_code(&n);
        f = (double (*)(double, double))p;
        cr_assert_eq(f(1.5, 2.5), 6.0);
        cr_assert_eq(f(-2.0, 0.5), 3.0);
        munmap(p, n);
}

/* i64 division with cqo, and a trap through ud2 avoided by a branch. */
Test(x64_asm, run_div_and_branches)
{
        wsbx_label zero = wsbx_asm_label_new(A);
        x64_test_rr(A, X64_64, RSI, RSI);
        x64_jcc(A, X64_CC_E, zero);
        x64_mov_rr(A, X64_64, RAX, RDI);
        x64_cdq(A, X64_64);
        x64_unop_r(A, X64_IDIV, X64_64, RSI);
        x64_ret(A);
        wsbx_asm_bind(A, zero);
        x64_mov_ri(A, X64_64, RAX, 0x7777777777777777ull);
        x64_ret(A);
        size_t n;
        void *p = map_code(&n);
        int64_t (*f)(int64_t, int64_t) = (int64_t (*)(int64_t, int64_t))p;
        cr_assert_eq(f(100, 7), 14);
        cr_assert_eq(f(-100, 7), -14);
        cr_assert_eq(f(5, 0), 0x7777777777777777ll);
        munmap(p, n);
}

/* A loop (backward rel8 jump) summing 1..n, and a switch through a jump
 * table whose entries point both forward and backward. */
Test(x64_asm, run_loop_and_jump_table)
{
        wsbx_label loop = wsbx_asm_label_new(A), done = wsbx_asm_label_new(A);
        x64_alu_rr(A, X64_XOR, X64_32, RAX, RAX);
        wsbx_asm_bind(A, loop);
        x64_test_rr(A, X64_64, RDI, RDI);
        x64_jcc(A, X64_CC_E, done);
        x64_alu_rr(A, X64_ADD, X64_64, RAX, RDI);
        x64_alu_ri(A, X64_SUB, X64_64, RDI, 1);
        x64_jmp(A, loop);
        wsbx_asm_bind(A, done);
        x64_ret(A);
        size_t n;
        void *p = map_code(&n);
        uint64_t (*sum)(uint64_t) = (uint64_t (*)(uint64_t))p;
        cr_assert_eq(sum(0), 0);
        cr_assert_eq(sum(100), 5050);
        munmap(p, n);

        wsbx_asm_reset(A);
        wsbx_label table = wsbx_asm_label_new(A), dflt = wsbx_asm_label_new(A);
        wsbx_label c0 = wsbx_asm_label_new(A), c1 = wsbx_asm_label_new(A);
        wsbx_label c2 = wsbx_asm_label_new(A);
        x64_alu_ri(A, X64_CMP, X64_32, RDI, 3);
        x64_jcc(A, X64_CC_AE, dflt);
        x64_extend(A, X64_ZX32, RDI, RDI);
        x64_jump_table(A, RDI, RCX, table);
        wsbx_asm_bind(A, c0);
        x64_mov_ri(A, X64_32, RAX, 10);
        x64_ret(A);
        wsbx_asm_bind(A, c1);
        x64_mov_ri(A, X64_32, RAX, 11);
        x64_ret(A);
        wsbx_asm_align(A, 4);
        wsbx_asm_bind(A, table);
        wsbx_asm_table_entry(A, table, c0);
        wsbx_asm_table_entry(A, table, c1);
        wsbx_asm_table_entry(A, table, c2);
        wsbx_asm_bind(A, c2);
        x64_mov_ri(A, X64_32, RAX, 12);
        x64_ret(A);
        wsbx_asm_bind(A, dflt);
        x64_mov_ri(A, X64_32, RAX, 99);
        x64_ret(A);
        p = map_code(&n);
        int (*sw)(int) = (int (*)(int))p;
        cr_assert_eq(sw(0), 10);
        cr_assert_eq(sw(1), 11);
        cr_assert_eq(sw(2), 12);
        cr_assert_eq(sw(3), 99);
        cr_assert_eq(sw(-1), 99);
        munmap(p, n);
}

/* Bit counting and setcc against the compiler's own builtins. */
Test(x64_asm, run_bits_and_setcc)
{
        uint32_t feat = wsbx_x64_cpu_features();
        x64_bitop_rr(A, (feat & X64_FEAT_POPCNT) ? X64_POPCNT : X64_BSR, X64_64, RAX, RDI);
        x64_ret(A);
        size_t n;
        void *p = map_code(&n);
        uint64_t (*f)(uint64_t) = (uint64_t (*)(uint64_t))p;
        if (feat & X64_FEAT_POPCNT)
                cr_assert_eq(f(0xf0f0000000000001ull), 9);
        else
                cr_assert_eq(f(0xf0f0000000000001ull), 63);
        munmap(p, n);

        /* f(a, b) = (int64)a < (int64)b, via spl-free registers sil/dil. */
        wsbx_asm_reset(A);
        x64_alu_rr(A, X64_CMP, X64_64, RDI, RSI);
        x64_setcc_zx(A, X64_CC_L, RSI);
        x64_mov_rr(A, X64_32, RAX, RSI);
        x64_ret(A);
        p = map_code(&n);
        int64_t (*lt)(int64_t, int64_t) = (int64_t (*)(int64_t, int64_t))p;
        cr_assert_eq(lt(1, 2), 1);
        cr_assert_eq(lt(2, 1), 0);
        cr_assert_eq(lt(-5, 3), 1);
        cr_assert_eq(lt(0x100, 0x100), 0);
        munmap(p, n);
}

/* ------------------------------------------------------------------------ */
/* CPU features                                                             */
/* ------------------------------------------------------------------------ */

Test(x64_asm, cpu_features_match_the_compiler)
{
        uint32_t f = wsbx_x64_cpu_features();
        __builtin_cpu_init();
        cr_assert_eq(!!(f & X64_FEAT_SSE3), !!__builtin_cpu_supports("sse3"));
        cr_assert_eq(!!(f & X64_FEAT_SSSE3), !!__builtin_cpu_supports("ssse3"));
        cr_assert_eq(!!(f & X64_FEAT_SSE41), !!__builtin_cpu_supports("sse4.1"));
        cr_assert_eq(!!(f & X64_FEAT_SSE42), !!__builtin_cpu_supports("sse4.2"));
        cr_assert_eq(!!(f & X64_FEAT_POPCNT), !!__builtin_cpu_supports("popcnt"));
        cr_assert_eq(!!(f & X64_FEAT_AVX), !!__builtin_cpu_supports("avx"));
        cr_assert_eq(!!(f & X64_FEAT_AVX2), !!__builtin_cpu_supports("avx2"));
        cr_assert_eq(!!(f & X64_FEAT_FMA), !!__builtin_cpu_supports("fma"));
        cr_assert_eq(!!(f & X64_FEAT_BMI1), !!__builtin_cpu_supports("bmi"));
        cr_assert_eq(!!(f & X64_FEAT_BMI2), !!__builtin_cpu_supports("bmi2"));
        /* Every row's feature set is a subset of what some CPU can have. */
        for (int op = 0; op < X64_SSE_COUNT; op++) {
                uint32_t l = x64_sse_features((wsbx_x64_sse)op);
                uint32_t v = x64_avx_features((wsbx_x64_sse)op);
                cr_assert(l != UINT32_MAX || v != UINT32_MAX, "row %d has no encoding", op);
                if (v != UINT32_MAX)
                        cr_assert(v & X64_FEAT_AVX);
        }
        cr_assert_eq(x64_sse_features(X64_PCMPGTQ), X64_FEAT_SSE42);
        cr_assert_eq(x64_sse_features(X64_ADDPD), 0);
        cr_assert_eq(x64_avx_features(X64_BLENDVPS), UINT32_MAX);
        cr_assert_eq(x64_sse_features(X64_VPBROADCASTD), UINT32_MAX);
        cr_assert_eq(x64_avx_features(X64_VPBROADCASTD), X64_FEAT_AVX | X64_FEAT_AVX2);
}
