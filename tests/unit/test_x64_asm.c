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
        G("add rax, rbx", "48 01 d8", x64_alu_rr(A, X64_ADD, X64_64, RAX, RBX));
        G("add eax, ebx", "01 d8", x64_alu_rr(A, X64_ADD, X64_32, RAX, RBX));
        G("add r8, r15", "4d 01 f8", x64_alu_rr(A, X64_ADD, X64_64, R8, R15));
        G("sub r12d, esp", "41 29 e4", x64_alu_rr(A, X64_SUB, X64_32, R12, RSP));
        G("xor r13d, r13d", "45 31 ed", x64_alu_rr(A, X64_XOR, X64_32, R13, R13));
        G("cmp rsp, rbp", "48 39 ec", x64_alu_rr(A, X64_CMP, X64_64, RSP, RBP));
        G("and rdi, r9", "4c 21 cf", x64_alu_rr(A, X64_AND, X64_64, RDI, R9));
        G("or ecx, edx", "09 d1", x64_alu_rr(A, X64_OR, X64_32, RCX, RDX));
        G("adc rax, rdx", "48 11 d0", x64_alu_rr(A, X64_ADC, X64_64, RAX, RDX));
        G("sbb r10, r11", "4d 19 da", x64_alu_rr(A, X64_SBB, X64_64, R10, R11));
        /* Byte registers 4-7 are spl/bpl/sil/dil only with a REX prefix. */
        G("add al, bl", "00 d8", x64_alu_rr(A, X64_ADD, X64_8, RAX, RBX));
        G("add sil, dil", "40 00 fe", x64_alu_rr(A, X64_ADD, X64_8, RSI, RDI));
        G("cmp spl, al", "40 38 c4", x64_alu_rr(A, X64_CMP, X64_8, RSP, RAX));
        G("add r8b, bpl", "41 00 e8", x64_alu_rr(A, X64_ADD, X64_8, R8, RBP));
        G("add ax, bx", "66 01 d8", x64_alu_rr(A, X64_ADD, X64_16, RAX, RBX));
        G("sub r9w, r10w", "66 45 29 d1", x64_alu_rr(A, X64_SUB, X64_16, R9, R10));
        G("test rax, rax", "48 85 c0", x64_test_rr(A, X64_64, RAX, RAX));
        G("test r11d, ecx", "41 85 cb", x64_test_rr(A, X64_32, R11, RCX));
        G("test dil, sil", "40 84 f7", x64_test_rr(A, X64_8, RDI, RSI));
}

Test(x64_asm, alu_reg_imm)
{
        /* imm8 for -128..127, imm32 beyond; rax has a shorter imm32 form. */
        G("add rax, 0x1", "48 83 c0 01", x64_alu_ri(A, X64_ADD, X64_64, RAX, 1));
        G("add rax, 0x7f", "48 83 c0 7f", x64_alu_ri(A, X64_ADD, X64_64, RAX, 127));
        G("add rax, 0x80", "48 05 80 00 00 00", x64_alu_ri(A, X64_ADD, X64_64, RAX, 128));
        G("add rcx, 0x80", "48 81 c1 80 00 00 00", x64_alu_ri(A, X64_ADD, X64_64, RCX, 128));
        G("sub rcx, 0xffffffffffffff80", "48 83 e9 80", x64_alu_ri(A, X64_SUB, X64_64, RCX, -128));
        G("sub rcx, 0xffffffffffffff7f", "48 81 e9 7f ff ff ff",
          x64_alu_ri(A, X64_SUB, X64_64, RCX, -129));
        G("cmp r9d, 0x7fffffff", "41 81 f9 ff ff ff 7f",
          x64_alu_ri(A, X64_CMP, X64_32, R9, INT32_MAX));
        G("cmp r9, 0xffffffff80000000", "49 81 f9 00 00 00 80",
          x64_alu_ri(A, X64_CMP, X64_64, R9, INT32_MIN));
        G("and eax, 0xffffffff", "83 e0 ff", x64_alu_ri(A, X64_AND, X64_32, RAX, -1));
        G("xor r15, 0x1000", "49 81 f7 00 10 00 00", x64_alu_ri(A, X64_XOR, X64_64, R15, 0x1000));
        G("or esp, 0x10", "83 cc 10", x64_alu_ri(A, X64_OR, X64_32, RSP, 16));
        G("cmp sil, 0x5", "40 80 fe 05", x64_alu_ri(A, X64_CMP, X64_8, RSI, 5));
        G("cmp al, 0x5", "3c 05", x64_alu_ri(A, X64_CMP, X64_8, RAX, 5));
        G("add cx, 0x1234", "66 81 c1 34 12", x64_alu_ri(A, X64_ADD, X64_16, RCX, 0x1234));
        G("cmp ax, 0x1234", "66 3d 34 12", x64_alu_ri(A, X64_CMP, X64_16, RAX, 0x1234));
        G("sub dx, 0x7", "66 83 ea 07", x64_alu_ri(A, X64_SUB, X64_16, RDX, 7));
        G("test eax, 0x100", "a9 00 01 00 00", x64_test_ri(A, X64_32, RAX, 0x100));
        G("test r8, 0x1", "49 f7 c0 01 00 00 00", x64_test_ri(A, X64_64, R8, 1));
        G("test bl, 0x80", "f6 c3 80", x64_test_ri(A, X64_8, RBX, 0x80));
        G("test dil, 0x1", "40 f6 c7 01", x64_test_ri(A, X64_8, RDI, 1));
}

Test(x64_asm, addressing_modes)
{
        G("mov rax, qword ptr [rax]", "48 8b 00", x64_mov_rm(A, X64_64, RAX, M(RAX, 0)));
        G("mov rax, qword ptr [rsp]", "48 8b 04 24", x64_mov_rm(A, X64_64, RAX, M(RSP, 0)));
        G("mov rax, qword ptr [r12]", "49 8b 04 24", x64_mov_rm(A, X64_64, RAX, M(R12, 0)));
        G("mov rax, qword ptr [rbp+0x0]", "48 8b 45 00", x64_mov_rm(A, X64_64, RAX, M(RBP, 0)));
        G("mov rax, qword ptr [r13+0x0]", "49 8b 45 00", x64_mov_rm(A, X64_64, RAX, M(R13, 0)));
        G("mov rax, qword ptr [rsp+0x8]", "48 8b 44 24 08", x64_mov_rm(A, X64_64, RAX, M(RSP, 8)));
        G("mov rax, qword ptr [r12+0x7f]", "49 8b 44 24 7f",
          x64_mov_rm(A, X64_64, RAX, M(R12, 127)));
        G("mov rax, qword ptr [r12+0x80]", "49 8b 84 24 80 00 00 00",
          x64_mov_rm(A, X64_64, RAX, M(R12, 128)));
        G("mov rax, qword ptr [rbx-0x80]", "48 8b 43 80", x64_mov_rm(A, X64_64, RAX, M(RBX, -128)));
        G("mov rax, qword ptr [rbx-0x81]", "48 8b 83 7f ff ff ff",
          x64_mov_rm(A, X64_64, RAX, M(RBX, -129)));
        G("mov r9, qword ptr [r13+0x7fffffff]", "4d 8b 8d ff ff ff 7f",
          x64_mov_rm(A, X64_64, R9, M(R13, INT32_MAX)));
        G("mov rax, qword ptr [rax+rbx*1]", "48 8b 04 18",
          x64_mov_rm(A, X64_64, RAX, MI(RAX, RBX, 1, 0)));
        G("mov rax, qword ptr [rax+rcx*2]", "48 8b 04 48",
          x64_mov_rm(A, X64_64, RAX, MI(RAX, RCX, 2, 0)));
        G("mov rax, qword ptr [rax+rcx*4+0x10]", "48 8b 44 88 10",
          x64_mov_rm(A, X64_64, RAX, MI(RAX, RCX, 4, 16)));
        G("mov rax, qword ptr [rdx+rcx*8+0x1000]", "48 8b 84 ca 00 10 00 00",
          x64_mov_rm(A, X64_64, RAX, MI(RDX, RCX, 8, 0x1000)));
        G("mov rax, qword ptr [rbp+rcx*2+0x0]", "48 8b 44 4d 00",
          x64_mov_rm(A, X64_64, RAX, MI(RBP, RCX, 2, 0)));
        G("mov rax, qword ptr [r13+r14*4+0x0]", "4b 8b 44 b5 00",
          x64_mov_rm(A, X64_64, RAX, MI(R13, R14, 4, 0)));
        G("mov rax, qword ptr [rsp+r12*1]", "4a 8b 04 24",
          x64_mov_rm(A, X64_64, RAX, MI(RSP, R12, 1, 0)));
        G("mov r15, qword ptr [r12+r12*8-0x8]", "4f 8b 7c e4 f8",
          x64_mov_rm(A, X64_64, R15, MI(R12, R12, 8, -8)));
        G("mov rax, qword ptr [rcx*4+0x10]", "48 8b 04 8d 10 00 00 00",
          x64_mov_rm(A, X64_64, RAX, MI(X64_NOREG, RCX, 4, 16)));
        G("mov rax, qword ptr [r9*8+0x0]", "4a 8b 04 cd 00 00 00 00",
          x64_mov_rm(A, X64_64, RAX, MI(X64_NOREG, R9, 8, 0)));
        G("mov eax, dword ptr [rip+0x10]", "8b 05 10 00 00 00",
          x64_mov_rm(A, X64_32, RAX, x64_mem_rip(16)));
        G("mov r10d, dword ptr [rip+0xfffffffffffffff0]", "44 8b 15 f0 ff ff ff",
          x64_mov_rm(A, X64_32, R10, x64_mem_rip(-16)));
}

Test(x64_asm, alu_memory)
{
        G("add rax, qword ptr [rdi+0x8]", "48 03 47 08",
          x64_alu_rm(A, X64_ADD, X64_64, RAX, M(RDI, 8)));
        G("cmp r8d, dword ptr [r14+0x40]", "45 3b 46 40",
          x64_alu_rm(A, X64_CMP, X64_32, R8, M(R14, 64)));
        G("sub rsi, qword ptr [rsp+rax*8]", "48 2b 34 c4",
          x64_alu_rm(A, X64_SUB, X64_64, RSI, MI(RSP, RAX, 8, 0)));
        G("xor dil, byte ptr [rax]", "40 32 38", x64_alu_rm(A, X64_XOR, X64_8, RDI, M(RAX, 0)));
        G("add qword ptr [rdi+0x8], rax", "48 01 47 08",
          x64_alu_mr(A, X64_ADD, X64_64, M(RDI, 8), RAX));
        G("or dword ptr [r13+0x0], r9d", "45 09 4d 00",
          x64_alu_mr(A, X64_OR, X64_32, M(R13, 0), R9));
        G("and byte ptr [rbx], sil", "40 20 33", x64_alu_mr(A, X64_AND, X64_8, M(RBX, 0), RSI));
        G("add qword ptr [rsp], 0x1", "48 83 04 24 01",
          x64_alu_mi(A, X64_ADD, X64_64, M(RSP, 0), 1));
        G("cmp dword ptr [r12+0x10], 0x1000", "41 81 7c 24 10 00 10 00 00",
          x64_alu_mi(A, X64_CMP, X64_32, M(R12, 16), 0x1000));
        G("sub word ptr [rax], 0x80", "66 81 28 80 00",
          x64_alu_mi(A, X64_SUB, X64_16, M(RAX, 0), 0x80));
        G("cmp byte ptr [rax+0x1], 0xff", "80 78 01 ff",
          x64_alu_mi(A, X64_CMP, X64_8, M(RAX, 1), 0xff));
        G("cmp dword ptr [rip+0x20], 0x5", "83 3d 20 00 00 00 05",
          x64_alu_mi(A, X64_CMP, X64_32, x64_mem_rip(32), 5));
        G("test qword ptr [rdi], rcx", "48 85 0f", x64_test_rm(A, X64_64, RCX, M(RDI, 0)));
        G("test dword ptr [rbp+0x0], 0x8000", "f7 45 00 00 80 00 00",
          x64_test_mi(A, X64_32, M(RBP, 0), 0x8000));
        G("test byte ptr [rax], 0x1", "f6 00 01", x64_test_mi(A, X64_8, M(RAX, 0), 1));
}

Test(x64_asm, mov)
{
        G("mov rax, rbx", "48 89 d8", x64_mov_rr(A, X64_64, RAX, RBX));
        G("mov eax, r9d", "44 89 c8", x64_mov_rr(A, X64_32, RAX, R9));
        G("mov r8, rsp", "49 89 e0", x64_mov_rr(A, X64_64, R8, RSP));
        G("mov rbp, rsp", "48 89 e5", x64_mov_rr(A, X64_64, RBP, RSP));
        G("mov sil, al", "40 88 c6", x64_mov_rr(A, X64_8, RSI, RAX));
        /* Constants take the shortest form that gives the same register. */
        G("mov eax, 0x0", "b8 00 00 00 00", x64_mov_ri(A, X64_32, RAX, 0));
        G("mov r10d, 0x1", "41 ba 01 00 00 00", x64_mov_ri(A, X64_32, R10, 1));
        G("mov eax, 0xffffffff", "b8 ff ff ff ff", x64_mov_ri(A, X64_64, RAX, 0xffffffffu));
        G("mov eax, 0x80000000", "b8 00 00 00 80", x64_mov_ri(A, X64_64, RAX, 0x80000000u));
        G("mov rax, 0xffffffffffffffff", "48 c7 c0 ff ff ff ff",
          x64_mov_ri(A, X64_64, RAX, UINT64_MAX));
        G("mov rcx, 0xffffffff80000000", "48 c7 c1 00 00 00 80",
          x64_mov_ri(A, X64_64, RCX, (uint64_t)INT32_MIN));
        G("movabs rax, 0x100000000", "48 b8 00 00 00 00 01 00 00 00",
          x64_mov_ri(A, X64_64, RAX, 0x100000000ull));
        G("movabs r15, 0x123456789abcdef0", "49 bf f0 de bc 9a 78 56 34 12",
          x64_mov_ri(A, X64_64, R15, 0x123456789abcdef0ull));
        G("movabs rdx, 0xffffffff7fffffff", "48 ba ff ff ff 7f ff ff ff ff",
          x64_mov_ri(A, X64_64, RDX, 0xffffffff7fffffffull));
        G("mov r13d, 0x89abcdef", "41 bd ef cd ab 89",
          x64_mov_ri(A, X64_32, R13, 0x0123456789abcdefull));
        G("mov sil, 0x5", "40 b6 05", x64_mov_ri(A, X64_8, RSI, 5));
        G("mov cl, 0x5", "b1 05", x64_mov_ri(A, X64_8, RCX, 5));
        G("mov ax, 0x1234", "66 b8 34 12", x64_mov_ri(A, X64_16, RAX, 0x1234));
        /* Stores of every size. */
        G("mov byte ptr [rax], sil", "40 88 30", x64_mov_mr(A, X64_8, M(RAX, 0), RSI));
        G("mov byte ptr [rax], bl", "88 18", x64_mov_mr(A, X64_8, M(RAX, 0), RBX));
        G("mov byte ptr [r8+0x1], r9b", "45 88 48 01", x64_mov_mr(A, X64_8, M(R8, 1), R9));
        G("mov word ptr [rax], cx", "66 89 08", x64_mov_mr(A, X64_16, M(RAX, 0), RCX));
        G("mov dword ptr [rsp+0x4], edx", "89 54 24 04", x64_mov_mr(A, X64_32, M(RSP, 4), RDX));
        G("mov qword ptr [r12+rbx*8], r11", "4d 89 1c dc",
          x64_mov_mr(A, X64_64, MI(R12, RBX, 8, 0), R11));
        G("mov byte ptr [rax], 0x5", "c6 00 05", x64_mov_mi(A, X64_8, M(RAX, 0), 5));
        G("mov word ptr [rax], 0x1234", "66 c7 00 34 12", x64_mov_mi(A, X64_16, M(RAX, 0), 0x1234));
        G("mov dword ptr [rsp+0x8], 0xffffffff", "c7 44 24 08 ff ff ff ff",
          x64_mov_mi(A, X64_32, M(RSP, 8), -1));
        G("mov qword ptr [rax], 0xffffffffffffffff", "48 c7 00 ff ff ff ff",
          x64_mov_mi(A, X64_64, M(RAX, 0), -1));
        G("mov qword ptr [rip+0x8], 0x7", "48 c7 05 08 00 00 00 07 00 00 00",
          x64_mov_mi(A, X64_64, x64_mem_rip(8), 7));
        G("mov ax, word ptr [rdi]", "66 8b 07", x64_mov_rm(A, X64_16, RAX, M(RDI, 0)));
}

Test(x64_asm, loads_and_extensions)
{
        G("movzx eax, byte ptr [rdi]", "0f b6 07", x64_load(A, X64_ZX8, RAX, M(RDI, 0)));
        G("movsx eax, byte ptr [r8+0x4]", "41 0f be 40 04", x64_load(A, X64_SX8_32, RAX, M(R8, 4)));
        G("movsx r9, byte ptr [rax]", "4c 0f be 08", x64_load(A, X64_SX8_64, R9, M(RAX, 0)));
        G("movzx ecx, word ptr [rsi+rdx*1]", "0f b7 0c 16",
          x64_load(A, X64_ZX16, RCX, MI(RSI, RDX, 1, 0)));
        G("movsx edx, word ptr [rbp+0x0]", "0f bf 55 00", x64_load(A, X64_SX16_32, RDX, M(RBP, 0)));
        G("movsx rdx, word ptr [r13+0x2]", "49 0f bf 55 02",
          x64_load(A, X64_SX16_64, RDX, M(R13, 2)));
        G("mov r12d, dword ptr [rsp]", "44 8b 24 24", x64_load(A, X64_ZX32, R12, M(RSP, 0)));
        G("movsxd rax, dword ptr [rbx+rcx*4]", "48 63 04 8b",
          x64_load(A, X64_SX32_64, RAX, MI(RBX, RCX, 4, 0)));
        G("mov r15, qword ptr [r15+0x100]", "4d 8b bf 00 01 00 00",
          x64_load(A, X64_MOV64, R15, M(R15, 256)));
        G("movzx eax, sil", "40 0f b6 c6", x64_extend(A, X64_ZX8, RAX, RSI));
        G("movzx eax, bl", "0f b6 c3", x64_extend(A, X64_ZX8, RAX, RBX));
        G("movsx r8, dil", "4c 0f be c7", x64_extend(A, X64_SX8_64, R8, RDI));
        G("movsx ecx, r10b", "41 0f be ca", x64_extend(A, X64_SX8_32, RCX, R10));
        G("movzx esi, si", "0f b7 f6", x64_extend(A, X64_ZX16, RSI, RSI));
        G("movsx eax, r11w", "41 0f bf c3", x64_extend(A, X64_SX16_32, RAX, R11));
        G("movsx rax, cx", "48 0f bf c1", x64_extend(A, X64_SX16_64, RAX, RCX));
        G("mov eax, eax", "8b c0", x64_extend(A, X64_ZX32, RAX, RAX));
        G("movsxd rax, ecx", "48 63 c1", x64_extend(A, X64_SX32_64, RAX, RCX));
        G("movsxd r14, r15d", "4d 63 f7", x64_extend(A, X64_SX32_64, R14, R15));
        G("mov rdi, qword ptr [rsi]", "48 8b 3e", x64_load(A, X64_MOV64, RDI, M(RSI, 0)));
}

Test(x64_asm, lea_imul_unary)
{
        G("lea rax, [rbx+rcx*2+0x10]", "48 8d 44 4b 10",
          x64_lea(A, X64_64, RAX, MI(RBX, RCX, 2, 16)));
        G("lea eax, [rdi+rsi*1]", "8d 04 37", x64_lea(A, X64_32, RAX, MI(RDI, RSI, 1, 0)));
        G("lea r8, [r13+0x0]", "4d 8d 45 00", x64_lea(A, X64_64, R8, M(R13, 0)));
        G("lea rsp, [rsp-0x100]", "48 8d a4 24 00 ff ff ff", x64_lea(A, X64_64, RSP, M(RSP, -256)));
        G("lea rax, [rip+0x0]", "48 8d 05 00 00 00 00", x64_lea(A, X64_64, RAX, x64_mem_rip(0)));
        G("imul rax, rbx", "48 0f af c3", x64_imul_rr(A, X64_64, RAX, RBX));
        G("imul r9d, dword ptr [rax]", "44 0f af 08", x64_imul_rm(A, X64_32, R9, M(RAX, 0)));
        G("imul eax, ecx, 0x7f", "6b c1 7f", x64_imul_rri(A, X64_32, RAX, RCX, 127));
        G("imul rax, rcx, 0x80", "48 69 c1 80 00 00 00", x64_imul_rri(A, X64_64, RAX, RCX, 128));
        G("imul r10, r11, 0xffffffffffffffff", "4d 6b d3 ff",
          x64_imul_rri(A, X64_64, R10, R11, -1));
        G("neg rax", "48 f7 d8", x64_unop_r(A, X64_NEG, X64_64, RAX));
        G("not ecx", "f7 d1", x64_unop_r(A, X64_NOT, X64_32, RCX));
        G("div r8", "49 f7 f0", x64_unop_r(A, X64_DIV, X64_64, R8));
        G("idiv r9d", "41 f7 f9", x64_unop_r(A, X64_IDIV, X64_32, R9));
        G("mul rcx", "48 f7 e1", x64_unop_r(A, X64_MUL, X64_64, RCX));
        G("imul rdx", "48 f7 ea", x64_unop_r(A, X64_IMUL1, X64_64, RDX));
        G("neg dil", "40 f6 df", x64_unop_r(A, X64_NEG, X64_8, RDI));
        G("div qword ptr [rsp]", "48 f7 34 24", x64_unop_m(A, X64_DIV, X64_64, M(RSP, 0)));
        G("idiv dword ptr [rbp+0x8]", "f7 7d 08", x64_unop_m(A, X64_IDIV, X64_32, M(RBP, 8)));
        G("cdq", "99", x64_cdq(A, X64_32));
        G("cqo", "48 99", x64_cdq(A, X64_64));
}

Test(x64_asm, shifts_and_bits)
{
        G("shl eax, cl", "d3 e0", x64_shift_cl(A, X64_SHL, X64_32, RAX));
        G("sar r8, cl", "49 d3 f8", x64_shift_cl(A, X64_SAR, X64_64, R8));
        G("shr rdi, cl", "48 d3 ef", x64_shift_cl(A, X64_SHR, X64_64, RDI));
        G("rol r12d, cl", "41 d3 c4", x64_shift_cl(A, X64_ROL, X64_32, R12));
        G("ror rax, cl", "48 d3 c8", x64_shift_cl(A, X64_ROR, X64_64, RAX));
        G("rol rax, 1", "48 d1 c0", x64_shift_ri(A, X64_ROL, X64_64, RAX, 1));
        G("ror r12d, 0x1f", "41 c1 cc 1f", x64_shift_ri(A, X64_ROR, X64_32, R12, 31));
        G("shr rdx, 0x3f", "48 c1 ea 3f", x64_shift_ri(A, X64_SHR, X64_64, RDX, 63));
        G("shl r15, 0x20", "49 c1 e7 20", x64_shift_ri(A, X64_SHL, X64_64, R15, 32));
        G("sar esi, 0x2", "c1 fe 02", x64_shift_ri(A, X64_SAR, X64_32, RSI, 2));
        G("lzcnt eax, ecx", "f3 0f bd c1", x64_bitop_rr(A, X64_LZCNT, X64_32, RAX, RCX));
        G("lzcnt r8, r9", "f3 4d 0f bd c1", x64_bitop_rr(A, X64_LZCNT, X64_64, R8, R9));
        G("tzcnt rax, qword ptr [rdi]", "f3 48 0f bc 07",
          x64_bitop_rm(A, X64_TZCNT, X64_64, RAX, M(RDI, 0)));
        G("tzcnt ebx, esp", "f3 0f bc dc", x64_bitop_rr(A, X64_TZCNT, X64_32, RBX, RSP));
        G("popcnt eax, r15d", "f3 41 0f b8 c7", x64_bitop_rr(A, X64_POPCNT, X64_32, RAX, R15));
        G("popcnt r11, qword ptr [r12]", "f3 4d 0f b8 1c 24",
          x64_bitop_rm(A, X64_POPCNT, X64_64, R11, M(R12, 0)));
        G("bsr rax, rbx", "48 0f bd c3", x64_bitop_rr(A, X64_BSR, X64_64, RAX, RBX));
        G("bsf ecx, edx", "0f bc ca", x64_bitop_rr(A, X64_BSF, X64_32, RCX, RDX));
        G("bswap eax", "0f c8", x64_bswap(A, X64_32, RAX));
        G("bswap r12", "49 0f cc", x64_bswap(A, X64_64, R12));
        G("bswap rdi", "48 0f cf", x64_bswap(A, X64_64, RDI));
        G("bswap r9d", "41 0f c9", x64_bswap(A, X64_32, R9));
        G("xchg rcx, rax", "48 87 c1", x64_xchg_rr(A, X64_64, RCX, RAX));
        G("xchg r8d, r9d", "45 87 c8", x64_xchg_rr(A, X64_32, R8, R9));
        G("xchg qword ptr [rdi], rax", "48 87 07", x64_xchg_mr(A, X64_64, M(RDI, 0), RAX));
        G("xchg byte ptr [rdi], sil", "40 86 37", x64_xchg_mr(A, X64_8, M(RDI, 0), RSI));
        G("shlx eax, ecx, edx", "c4 e2 69 f7 c1", x64_bmi_rrr(A, X64_SHLX, X64_32, RAX, RCX, RDX));
        G("sarx r8, r9, r10", "c4 42 aa f7 c1", x64_bmi_rrr(A, X64_SARX, X64_64, R8, R9, R10));
        G("shrx rax, r12, rcx", "c4 c2 f3 f7 c4", x64_bmi_rrr(A, X64_SHRX, X64_64, RAX, R12, RCX));
        G("andn eax, ebx, ecx", "c4 e2 60 f2 c1", x64_bmi_rrr(A, X64_ANDN, X64_32, RAX, RBX, RCX));
        G("andn r11, r12, r13", "c4 42 98 f2 dd", x64_bmi_rrr(A, X64_ANDN, X64_64, R11, R12, R13));
}

Test(x64_asm, setcc_cmov)
{
        G("sete al", "0f 94 c0", x64_setcc(A, X64_CC_E, RAX));
        G("setne sil", "40 0f 95 c6", x64_setcc(A, X64_CC_NE, RSI));
        G("setb r9b", "41 0f 92 c1", x64_setcc(A, X64_CC_B, R9));
        G("seta dil", "40 0f 97 c7", x64_setcc(A, X64_CC_A, RDI));
        G("setp bl", "0f 9a c3", x64_setcc(A, X64_CC_P, RBX));
        G("setg r15b", "41 0f 9f c7", x64_setcc(A, X64_CC_G, R15));
        G("sete al; movzx eax, al", "0f 94 c0 0f b6 c0", x64_setcc_zx(A, X64_CC_E, RAX));
        G("setl spl; movzx esp, spl", "40 0f 9c c4 40 0f b6 e4", x64_setcc_zx(A, X64_CC_L, RSP));
        G("setae r10b; movzx r10d, r10b", "41 0f 93 c2 45 0f b6 d2",
          x64_setcc_zx(A, X64_CC_AE, R10));
        G("setle bpl; movzx ebp, bpl", "40 0f 9e c5 40 0f b6 ed", x64_setcc_zx(A, X64_CC_LE, RBP));
        G("cmove rax, rbx", "48 0f 44 c3", x64_cmov_rr(A, X64_CC_E, X64_64, RAX, RBX));
        G("cmovl ecx, r15d", "41 0f 4c cf", x64_cmov_rr(A, X64_CC_L, X64_32, RCX, R15));
        G("cmovne r8d, dword ptr [rdi]", "44 0f 45 07",
          x64_cmov_rm(A, X64_CC_NE, X64_32, R8, M(RDI, 0)));
        G("cmovbe r14, qword ptr [rsp+0x10]", "4c 0f 46 74 24 10",
          x64_cmov_rm(A, X64_CC_BE, X64_64, R14, M(RSP, 16)));
        G("cmovs rax, rax", "48 0f 48 c0", x64_cmov_rr(A, X64_CC_S, X64_64, RAX, RAX));
}

Test(x64_asm, stack_calls_misc)
{
        G("push rax", "50", x64_push(A, RAX));
        G("push r12", "41 54", x64_push(A, R12));
        G("push rbp", "55", x64_push(A, RBP));
        G("pop rbp", "5d", x64_pop(A, RBP));
        G("pop r15", "41 5f", x64_pop(A, R15));
        G("push 0x7f", "6a 7f", x64_push_i(A, 127));
        G("push 0x80", "68 80 00 00 00", x64_push_i(A, 128));
        G("push 0xffffffffffffffff", "6a ff", x64_push_i(A, -1));
        G("call 0x105", "e8 00 01 00 00", cr_assert_eq(x64_call_rel32(A, 0x100), 1));
        G("call rax", "ff d0", x64_call_r(A, RAX));
        G("call r11", "41 ff d3", x64_call_r(A, R11));
        G("jmp rcx", "ff e1", x64_jmp_r(A, RCX));
        G("jmp r15", "41 ff e7", x64_jmp_r(A, R15));
        G("call qword ptr [rdi+0x10]", "ff 57 10", x64_call_m(A, M(RDI, 16)));
        G("call qword ptr [r12+rax*8]", "41 ff 14 c4", x64_call_m(A, MI(R12, RAX, 8, 0)));
        G("jmp qword ptr [rip+0x0]", "ff 25 00 00 00 00", x64_jmp_m(A, x64_mem_rip(0)));
        G("jmp qword ptr [r13+0x8]", "41 ff 65 08", x64_jmp_m(A, M(R13, 8)));
        G("ret", "c3", x64_ret(A));
        G("ud2", "0f 0b", x64_ud2(A));
        G("int3", "cc", x64_int3(A));
        G("mfence", "0f ae f0", x64_mfence(A));
        G("lfence", "0f ae e8", x64_lfence(A));
        G("nop", "90", x64_nop(A, 1));
        G("xchg ax, ax", "66 90", x64_nop(A, 2));
        G("nop dword ptr [rax]", "0f 1f 00", x64_nop(A, 3));
        G("nop dword ptr [rax+0x0]", "0f 1f 40 00", x64_nop(A, 4));
        G("nop dword ptr [rax+rax*1+0x0]", "0f 1f 44 00 00", x64_nop(A, 5));
        G("nop word ptr [rax+rax*1+0x0]", "66 0f 1f 44 00 00", x64_nop(A, 6));
        G("nop dword ptr [rax+0x0]", "0f 1f 80 00 00 00 00", x64_nop(A, 7));
        G("nop dword ptr [rax+rax*1+0x0]", "0f 1f 84 00 00 00 00 00", x64_nop(A, 8));
        G("nop word ptr [rax+rax*1+0x0]", "66 0f 1f 84 00 00 00 00 00", x64_nop(A, 9));
        G("nop word ptr [rax+rax*1+0x0]; nop dword ptr [rax+0x0]",
          "66 0f 1f 84 00 00 00 00 00 0f 1f 40 00",
          x64_nop(A, 13));
}

/* ------------------------------------------------------------------------ */
/* Labels                                                                   */
/* ------------------------------------------------------------------------ */

Test(x64_asm, labels)
{
        wsbx_label l, t;

        /* Forward uses are rel32 and patched when the label is bound. */
        G("jmp 0x6; nop", "e9 01 00 00 00 90",
          l = wsbx_asm_label_new(A); x64_jmp(A, l); x64_nop(A, 1); wsbx_asm_bind(A, l));
        G("je 0x7; nop", "0f 84 01 00 00 00 90",
          l = wsbx_asm_label_new(A); x64_jcc(A, X64_CC_E, l); x64_nop(A, 1); wsbx_asm_bind(A, l));
        G("jmp 0xb; jne 0xb", "e9 06 00 00 00 0f 85 00 00 00 00",
          l = wsbx_asm_label_new(A); x64_jmp(A, l); x64_jcc(A, X64_CC_NE, l); wsbx_asm_bind(A, l));
        G("call 0x6; int3; ret", "e8 01 00 00 00 cc c3",
          l = wsbx_asm_label_new(A); x64_call(A, l); x64_int3(A); wsbx_asm_bind(A, l); x64_ret(A));
        /* Backward uses of a near label are rel8. */
        G("nop; jmp 0x0", "90 eb fd", l = wsbx_asm_label_new(A); wsbx_asm_bind(A, l); x64_nop(A, 1);
          x64_jmp(A, l));
        G("nop; jne 0x0", "90 75 fd", l = wsbx_asm_label_new(A); wsbx_asm_bind(A, l); x64_nop(A, 1);
          x64_jcc(A, X64_CC_NE, l));
        G("jl 0x0", "7c fe",
          l = wsbx_asm_label_new(A); wsbx_asm_bind(A, l); x64_jcc(A, X64_CC_L, l));
        G("call 0x0", "e8 fb ff ff ff",
          l = wsbx_asm_label_new(A); wsbx_asm_bind(A, l); x64_call(A, l));
        /* RIP-relative operands count the immediate that follows them. */
        G("lea rax, [rip+0x1]; ret", "48 8d 05 01 00 00 00 c3",
          l = wsbx_asm_label_new(A); x64_lea_label(A, RAX, l); x64_ret(A); wsbx_asm_bind(A, l));
        G("cmp dword ptr [rip+0x1], 0x5; nop", "83 3d 01 00 00 00 05 90", l = wsbx_asm_label_new(A);
          x64_alu_mi(A, X64_CMP, X64_32, x64_mem_label(l, 0), 5); x64_nop(A, 1);
          wsbx_asm_bind(A, l));
        G("mov qword ptr [rip+0x5], 0x1; nop", "48 c7 05 05 00 00 00 01 00 00 00 90",
          l = wsbx_asm_label_new(A); x64_mov_mi(A, X64_64, x64_mem_label(l, 4), 1); x64_nop(A, 1);
          wsbx_asm_bind(A, l));
        G("nop; roundsd xmm0, qword ptr [rip+0xfffffffffffffff5], 0x3",
          "90 66 0f 3a 0b 05 f5 ff ff ff 03",
          l = wsbx_asm_label_new(A); wsbx_asm_bind(A, l); x64_nop(A, 1);
          x64_sse_rmi(A, X64_ROUNDSD, 0, x64_mem_label(l, 0), 3));
        G("vpinsrb xmm1, xmm2, byte ptr [rip+0x0], 0x7", "c4 e3 69 20 0d 00 00 00 00 07",
          l = wsbx_asm_label_new(A); x64_avx_rrmi(A, X64_PINSRB, 1, 2, x64_mem_label(l, 0), 7);
          wsbx_asm_bind(A, l));
        /* A table of label-relative entries, some targets bound later. */
        G("lea rax, [rip+0xa]; movsxd rdi, dword ptr [rax+rdi*4]; add rax, rdi; jmp rax; "
          "ret; .long -1, 12, 0",
          "48 8d 05 0a 00 00 00 48 63 3c b8 48 01 f8 ff e0 "
          "c3 ff ff ff ff 0c 00 00 00 00 00 00 00",
          l = wsbx_asm_label_new(A); t = wsbx_asm_label_new(A);
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
        x64_lea(A, X64_64, RAX, MI(RAX, RSP, 1, 0)); /* rsp cannot be an index */
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

/* ------------------------------------------------------------------------ */
/* SSE and AVX: at least one register and one memory case per sse.def row   */
/* ------------------------------------------------------------------------ */

enum sse_form { L_RR, L_RM, L_MR, V_RRR, V_RRM, V_RR, V_RM, V_MR, V_RRRR, V_RRMI };

/* Constant memory operands for the table. */
#define SM(b, d) { .base = (b), .index = X64_NOREG, .disp = (d), .label = WSBX_NO_LABEL }
#define SMI(b, i, s, d) \
        { .base = (b), .index = (i), .shift = (s) == 8 ? 3 : (s) == 4 ? 2 : (s) == 2, \
          .disp = (d), .label = WSBX_NO_LABEL }
#define SRIP(d) { .base = X64_RIP, .index = X64_NOREG, .disp = (d), .label = WSBX_NO_LABEL }

struct sse_case {
        const char *text, *hex;
        enum sse_form form;
        wsbx_x64_sse op;
        unsigned r1, r2, r3, r4;
        wsbx_x64_mem mem;
        uint8_t imm;
};

static const struct sse_case sse_cases[] = {
        { "movss xmm1, xmm10", "f3 41 0f 10 ca", L_RR, X64_MOVSS, 1, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "movss xmm1, dword ptr [rax]", "f3 0f 10 08",
          L_RM, X64_MOVSS, 1, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovss xmm8, xmm5, xmm12", "c4 41 52 10 c4",
          V_RRR, X64_MOVSS, 8, 5, 12, 0, SM(RAX, 0), 0x0 },
        { "vmovss xmm8, dword ptr [rbp+0x0]", "c5 7a 10 45 00",
          V_RM, X64_MOVSS, 8, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "movss xmm6, xmm13", "f3 44 0f 11 ee", L_RR, X64_MOVSS_ST, 6, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "movss dword ptr [rsp+0x8], xmm13", "f3 44 0f 11 6c 24 08",
          L_MR, X64_MOVSS_ST, 13, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vmovss xmm11, xmm10, xmm3", "c4 c1 2a 11 db",
          V_RRR, X64_MOVSS_ST, 11, 10, 3, 0, SM(RAX, 0), 0x0 },
        { "vmovss dword ptr [rip+0x10], xmm3", "c5 fa 11 1d 10 00 00 00",
          V_MR, X64_MOVSS_ST, 3, 0, 0, 0, SRIP(16), 0x0 },
        { "movsd xmm11, xmm0", "f2 44 0f 10 d8", L_RR, X64_MOVSD, 11, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "movsd xmm11, qword ptr [r13+r14*4+0x100]", "f2 47 0f 10 9c b5 00 01 00 00",
          L_RM, X64_MOVSD, 11, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vmovsd xmm14, xmm15, xmm10", "c4 41 03 10 f2",
          V_RRR, X64_MOVSD, 14, 15, 10, 0, SM(RAX, 0), 0x0 },
        { "vmovsd xmm14, qword ptr [r12-0x80]", "c4 41 7b 10 74 24 80",
          V_RM, X64_MOVSD, 14, 0, 0, 0, SM(R12, -128), 0x0 },
        { "movsd xmm0, xmm3", "f2 0f 11 d8", L_RR, X64_MOVSD_ST, 0, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "movsd qword ptr [rbp+0x0], xmm3", "f2 0f 11 5d 00",
          L_MR, X64_MOVSD_ST, 3, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vmovsd xmm1, xmm4, xmm1", "c5 db 11 c9",
          V_RRR, X64_MOVSD_ST, 1, 4, 1, 0, SM(RAX, 0), 0x0 },
        { "vmovsd qword ptr [rbx+rcx*8], xmm1", "c5 fb 11 0c cb",
          V_MR, X64_MOVSD_ST, 1, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "movaps xmm5, xmm6", "0f 28 ee", L_RR, X64_MOVAPS, 5, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "movaps xmm5, xmmword ptr [rip+0x10]", "0f 28 2d 10 00 00 00",
          L_RM, X64_MOVAPS, 5, 0, 0, 0, SRIP(16), 0x0 },
        { "vmovaps xmm4, xmm8", "c4 c1 78 28 e0", V_RR, X64_MOVAPS, 4, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovaps xmm4, xmmword ptr [r8+0x7f]", "c4 c1 78 28 60 7f",
          V_RM, X64_MOVAPS, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "movapd xmm10, xmm9", "66 45 0f 28 d1", L_RR, X64_MOVAPD, 10, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "movapd xmm10, xmmword ptr [r12-0x80]", "66 45 0f 28 54 24 80",
          L_RM, X64_MOVAPD, 10, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vmovapd xmm7, xmm15", "c4 c1 79 28 ff", V_RR, X64_MOVAPD, 7, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovapd xmm7, xmmword ptr [rax]", "c5 f9 28 38",
          V_RM, X64_MOVAPD, 7, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "movups xmm15, xmm12", "45 0f 10 fc", L_RR, X64_MOVUPS, 15, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "movups xmm15, xmmword ptr [rbx+rcx*8]", "44 0f 10 3c cb",
          L_RM, X64_MOVUPS, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vmovups xmm10, xmm6", "c5 78 10 d6", V_RR, X64_MOVUPS, 10, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovups xmm10, xmmword ptr [rsp+0x8]", "c5 78 10 54 24 08",
          V_RM, X64_MOVUPS, 10, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "movups xmm4, xmm15", "44 0f 11 fc", L_RR, X64_MOVUPS_ST, 4, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "movups xmmword ptr [r8+0x7f], xmm15", "45 0f 11 78 7f",
          L_MR, X64_MOVUPS_ST, 15, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vmovups xmm13, xmm13", "c4 41 78 11 ed",
          V_RR, X64_MOVUPS_ST, 13, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovups xmmword ptr [r13+r14*4+0x100], xmm13", "c4 01 78 11 ac b5 00 01 00 00",
          V_MR, X64_MOVUPS_ST, 13, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "movupd xmm9, xmm2", "66 44 0f 10 ca", L_RR, X64_MOVUPD, 9, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "movupd xmm9, xmmword ptr [rax]", "66 44 0f 10 08",
          L_RM, X64_MOVUPD, 9, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovupd xmm0, xmm4", "c5 f9 10 c4", V_RR, X64_MOVUPD, 0, 4, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovupd xmm0, xmmword ptr [rbp+0x0]", "c5 f9 10 45 00",
          V_RM, X64_MOVUPD, 0, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "movupd xmm14, xmm5", "66 41 0f 11 ee",
          L_RR, X64_MOVUPD_ST, 14, 5, 0, 0, SM(RAX, 0), 0x0 },
        { "movupd xmmword ptr [rsp+0x8], xmm5", "66 0f 11 6c 24 08",
          L_MR, X64_MOVUPD_ST, 5, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vmovupd xmm3, xmm11", "c5 79 11 db", V_RR, X64_MOVUPD_ST, 3, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovupd xmmword ptr [rip+0x10], xmm11", "c5 79 11 1d 10 00 00 00",
          V_MR, X64_MOVUPD_ST, 11, 0, 0, 0, SRIP(16), 0x0 },
        { "movdqa xmm3, xmm8", "66 41 0f 6f d8", L_RR, X64_MOVDQA, 3, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "movdqa xmm3, xmmword ptr [r13+r14*4+0x100]", "66 43 0f 6f 9c b5 00 01 00 00",
          L_RM, X64_MOVDQA, 3, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vmovdqa xmm6, xmm2", "c5 f9 6f f2", V_RR, X64_MOVDQA, 6, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovdqa xmm6, xmmword ptr [r12-0x80]", "c4 c1 79 6f 74 24 80",
          V_RM, X64_MOVDQA, 6, 0, 0, 0, SM(R12, -128), 0x0 },
        { "movdqa xmm8, xmm11", "66 45 0f 7f d8",
          L_RR, X64_MOVDQA_ST, 8, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "movdqa xmmword ptr [rbp+0x0], xmm11", "66 44 0f 7f 5d 00",
          L_MR, X64_MOVDQA_ST, 11, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vmovdqa xmm9, xmm9", "c4 41 79 7f c9",
          V_RR, X64_MOVDQA_ST, 9, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovdqa xmmword ptr [rbx+rcx*8], xmm9", "c5 79 7f 0c cb",
          V_MR, X64_MOVDQA_ST, 9, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "movdqu xmm13, xmm14", "f3 45 0f 6f ee",
          L_RR, X64_MOVDQU, 13, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "movdqu xmm13, xmmword ptr [rip+0x10]", "f3 44 0f 6f 2d 10 00 00 00",
          L_RM, X64_MOVDQU, 13, 0, 0, 0, SRIP(16), 0x0 },
        { "vmovdqu xmm12, xmm0", "c5 7a 6f e0", V_RR, X64_MOVDQU, 12, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovdqu xmm12, xmmword ptr [r8+0x7f]", "c4 41 7a 6f 60 7f",
          V_RM, X64_MOVDQU, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "movdqu xmm2, xmm1", "f3 0f 7f ca", L_RR, X64_MOVDQU_ST, 2, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "movdqu xmmword ptr [r12-0x80], xmm1", "f3 41 0f 7f 4c 24 80",
          L_MR, X64_MOVDQU_ST, 1, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vmovdqu xmm15, xmm7", "c4 c1 7a 7f ff",
          V_RR, X64_MOVDQU_ST, 15, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovdqu xmmword ptr [rax], xmm7", "c5 fa 7f 38",
          V_MR, X64_MOVDQU_ST, 7, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "movd xmm7, r15d", "66 41 0f 6e ff", L_RR, X64_MOVD_XG, 7, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "movd xmm7, dword ptr [rbx+rcx*8]", "66 0f 6e 3c cb",
          L_RM, X64_MOVD_XG, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vmovd xmm2, edx", "c5 f9 6e d2", V_RR, X64_MOVD_XG, 2, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovd xmm2, dword ptr [rsp+0x8]", "c5 f9 6e 54 24 08",
          V_RM, X64_MOVD_XG, 2, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "movq xmm12, rsi", "66 4c 0f 6e e6", L_RR, X64_MOVQ_XG, 12, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "movq xmm12, qword ptr [r8+0x7f]", "66 4d 0f 6e 60 7f",
          L_RM, X64_MOVQ_XG, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vmovq xmm5, r9", "c4 c1 f9 6e e9", V_RR, X64_MOVQ_XG, 5, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovq xmm5, qword ptr [r13+r14*4+0x100]", "c4 81 f9 6e ac b5 00 01 00 00",
          V_RM, X64_MOVQ_XG, 5, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "movd ecx, xmm10", "66 44 0f 7e d1", L_RR, X64_MOVD_GX, 1, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "movd dword ptr [rax], xmm10", "66 44 0f 7e 10",
          L_MR, X64_MOVD_GX, 10, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovd eax, xmm12", "c5 79 7e e0", V_RR, X64_MOVD_GX, 0, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovd dword ptr [rbp+0x0], xmm12", "c5 79 7e 65 00",
          V_MR, X64_MOVD_GX, 12, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "movq rdx, xmm13", "66 4c 0f 7e ea", L_RR, X64_MOVQ_GX, 2, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "movq qword ptr [rsp+0x8], xmm13", "66 4c 0f 7e 6c 24 08",
          L_MR, X64_MOVQ_GX, 13, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vmovq r10, xmm3", "c4 c1 f9 7e da", V_RR, X64_MOVQ_GX, 10, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovq qword ptr [rip+0x10], xmm3", "c4 e1 f9 7e 1d 10 00 00 00",
          V_MR, X64_MOVQ_GX, 3, 0, 0, 0, SRIP(16), 0x0 },
        { "movq xmm11, xmm0", "f3 44 0f 7e d8", L_RR, X64_MOVQ, 11, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "movq xmm11, qword ptr [r13+r14*4+0x100]", "f3 47 0f 7e 9c b5 00 01 00 00",
          L_RM, X64_MOVQ, 11, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vmovq xmm14, xmm10", "c4 41 7a 7e f2", V_RR, X64_MOVQ, 14, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovq xmm14, qword ptr [r12-0x80]", "c4 41 7a 7e 74 24 80",
          V_RM, X64_MOVQ, 14, 0, 0, 0, SM(R12, -128), 0x0 },
        { "movq xmm0, xmm3", "66 0f d6 d8", L_RR, X64_MOVQ_ST, 0, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "movq qword ptr [rbp+0x0], xmm3", "66 0f d6 5d 00",
          L_MR, X64_MOVQ_ST, 3, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vmovq xmm1, xmm1", "c5 f9 d6 c9", V_RR, X64_MOVQ_ST, 1, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovq qword ptr [rbx+rcx*8], xmm1", "c5 f9 d6 0c cb",
          V_MR, X64_MOVQ_ST, 1, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "movhlps xmm5, xmm6", "0f 12 ee", L_RR, X64_MOVHLPS, 5, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "movlps xmm5, qword ptr [rip+0x10]", "0f 12 2d 10 00 00 00",
          L_RM, X64_MOVHLPS, 5, 0, 0, 0, SRIP(16), 0x0 },
        { "vmovhlps xmm4, xmm9, xmm8", "c4 c1 30 12 e0",
          V_RRR, X64_MOVHLPS, 4, 9, 8, 0, SM(RAX, 0), 0x0 },
        { "vmovlps xmm4, xmm9, qword ptr [r8+0x7f]", "c4 c1 30 12 60 7f",
          V_RRM, X64_MOVHLPS, 4, 9, 0, 0, SM(R8, 127), 0x0 },
        { "movlhps xmm10, xmm9", "45 0f 16 d1", L_RR, X64_MOVLHPS, 10, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "movhps xmm10, qword ptr [r12-0x80]", "45 0f 16 54 24 80",
          L_RM, X64_MOVLHPS, 10, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vmovlhps xmm7, xmm14, xmm15", "c4 c1 08 16 ff",
          V_RRR, X64_MOVLHPS, 7, 14, 15, 0, SM(RAX, 0), 0x0 },
        { "vmovhps xmm7, xmm14, qword ptr [rax]", "c5 88 16 38",
          V_RRM, X64_MOVLHPS, 7, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "movhps qword ptr [rbx+rcx*8], xmm12", "44 0f 17 24 cb",
          L_MR, X64_MOVHPS_ST, 12, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vmovhps qword ptr [rsp+0x8], xmm6", "c5 f8 17 74 24 08",
          V_MR, X64_MOVHPS_ST, 6, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "movddup xmm4, xmm15", "f2 41 0f 12 e7",
          L_RR, X64_MOVDDUP, 4, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "movddup xmm4, qword ptr [r8+0x7f]", "f2 41 0f 12 60 7f",
          L_RM, X64_MOVDDUP, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vmovddup xmm13, xmm13", "c4 41 7b 12 ed",
          V_RR, X64_MOVDDUP, 13, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovddup xmm13, qword ptr [r13+r14*4+0x100]", "c4 01 7b 12 ac b5 00 01 00 00",
          V_RM, X64_MOVDDUP, 13, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "addss xmm9, xmm2", "f3 44 0f 58 ca", L_RR, X64_ADDSS, 9, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "addss xmm9, dword ptr [rax]", "f3 44 0f 58 08",
          L_RM, X64_ADDSS, 9, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vaddss xmm0, xmm13, xmm4", "c5 92 58 c4",
          V_RRR, X64_ADDSS, 0, 13, 4, 0, SM(RAX, 0), 0x0 },
        { "vaddss xmm0, xmm13, dword ptr [rbp+0x0]", "c5 92 58 45 00",
          V_RRM, X64_ADDSS, 0, 13, 0, 0, SM(RBP, 0), 0x0 },
        { "addsd xmm14, xmm5", "f2 44 0f 58 f5", L_RR, X64_ADDSD, 14, 5, 0, 0, SM(RAX, 0), 0x0 },
        { "addsd xmm14, qword ptr [rsp+0x8]", "f2 44 0f 58 74 24 08",
          L_RM, X64_ADDSD, 14, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vaddsd xmm3, xmm2, xmm11", "c4 c1 6b 58 db",
          V_RRR, X64_ADDSD, 3, 2, 11, 0, SM(RAX, 0), 0x0 },
        { "vaddsd xmm3, xmm2, qword ptr [rip+0x10]", "c5 eb 58 1d 10 00 00 00",
          V_RRM, X64_ADDSD, 3, 2, 0, 0, SRIP(16), 0x0 },
        { "addps xmm3, xmm8", "41 0f 58 d8", L_RR, X64_ADDPS, 3, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "addps xmm3, xmmword ptr [r13+r14*4+0x100]", "43 0f 58 9c b5 00 01 00 00",
          L_RM, X64_ADDPS, 3, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vaddps xmm6, xmm7, xmm2", "c5 c0 58 f2", V_RRR, X64_ADDPS, 6, 7, 2, 0, SM(RAX, 0), 0x0 },
        { "vaddps xmm6, xmm7, xmmword ptr [r12-0x80]", "c4 c1 40 58 74 24 80",
          V_RRM, X64_ADDPS, 6, 7, 0, 0, SM(R12, -128), 0x0 },
        { "addpd xmm8, xmm11", "66 45 0f 58 c3", L_RR, X64_ADDPD, 8, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "addpd xmm8, xmmword ptr [rbp+0x0]", "66 44 0f 58 45 00",
          L_RM, X64_ADDPD, 8, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vaddpd xmm9, xmm12, xmm9", "c4 41 19 58 c9",
          V_RRR, X64_ADDPD, 9, 12, 9, 0, SM(RAX, 0), 0x0 },
        { "vaddpd xmm9, xmm12, xmmword ptr [rbx+rcx*8]", "c5 19 58 0c cb",
          V_RRM, X64_ADDPD, 9, 12, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "subss xmm13, xmm14", "f3 45 0f 5c ee", L_RR, X64_SUBSS, 13, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "subss xmm13, dword ptr [rip+0x10]", "f3 44 0f 5c 2d 10 00 00 00",
          L_RM, X64_SUBSS, 13, 0, 0, 0, SRIP(16), 0x0 },
        { "vsubss xmm12, xmm1, xmm0", "c5 72 5c e0",
          V_RRR, X64_SUBSS, 12, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "vsubss xmm12, xmm1, dword ptr [r8+0x7f]", "c4 41 72 5c 60 7f",
          V_RRM, X64_SUBSS, 12, 1, 0, 0, SM(R8, 127), 0x0 },
        { "subsd xmm2, xmm1", "f2 0f 5c d1", L_RR, X64_SUBSD, 2, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "subsd xmm2, qword ptr [r12-0x80]", "f2 41 0f 5c 54 24 80",
          L_RM, X64_SUBSD, 2, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vsubsd xmm15, xmm6, xmm7", "c5 4b 5c ff",
          V_RRR, X64_SUBSD, 15, 6, 7, 0, SM(RAX, 0), 0x0 },
        { "vsubsd xmm15, xmm6, qword ptr [rax]", "c5 4b 5c 38",
          V_RRM, X64_SUBSD, 15, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "subps xmm7, xmm4", "0f 5c fc", L_RR, X64_SUBPS, 7, 4, 0, 0, SM(RAX, 0), 0x0 },
        { "subps xmm7, xmmword ptr [rbx+rcx*8]", "0f 5c 3c cb",
          L_RM, X64_SUBPS, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vsubps xmm2, xmm11, xmm14", "c4 c1 20 5c d6",
          V_RRR, X64_SUBPS, 2, 11, 14, 0, SM(RAX, 0), 0x0 },
        { "vsubps xmm2, xmm11, xmmword ptr [rsp+0x8]", "c5 a0 5c 54 24 08",
          V_RRM, X64_SUBPS, 2, 11, 0, 0, SM(RSP, 8), 0x0 },
        { "subpd xmm12, xmm7", "66 44 0f 5c e7", L_RR, X64_SUBPD, 12, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "subpd xmm12, xmmword ptr [r8+0x7f]", "66 45 0f 5c 60 7f",
          L_RM, X64_SUBPD, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vsubpd xmm5, xmm0, xmm5", "c5 f9 5c ed", V_RRR, X64_SUBPD, 5, 0, 5, 0, SM(RAX, 0), 0x0 },
        { "vsubpd xmm5, xmm0, xmmword ptr [r13+r14*4+0x100]", "c4 81 79 5c ac b5 00 01 00 00",
          V_RRM, X64_SUBPD, 5, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "mulss xmm1, xmm10", "f3 41 0f 59 ca", L_RR, X64_MULSS, 1, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "mulss xmm1, dword ptr [rax]", "f3 0f 59 08",
          L_RM, X64_MULSS, 1, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vmulss xmm8, xmm5, xmm12", "c4 41 52 59 c4",
          V_RRR, X64_MULSS, 8, 5, 12, 0, SM(RAX, 0), 0x0 },
        { "vmulss xmm8, xmm5, dword ptr [rbp+0x0]", "c5 52 59 45 00",
          V_RRM, X64_MULSS, 8, 5, 0, 0, SM(RBP, 0), 0x0 },
        { "mulsd xmm6, xmm13", "f2 41 0f 59 f5", L_RR, X64_MULSD, 6, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "mulsd xmm6, qword ptr [rsp+0x8]", "f2 0f 59 74 24 08",
          L_RM, X64_MULSD, 6, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vmulsd xmm11, xmm10, xmm3", "c5 2b 59 db",
          V_RRR, X64_MULSD, 11, 10, 3, 0, SM(RAX, 0), 0x0 },
        { "vmulsd xmm11, xmm10, qword ptr [rip+0x10]", "c5 2b 59 1d 10 00 00 00",
          V_RRM, X64_MULSD, 11, 10, 0, 0, SRIP(16), 0x0 },
        { "mulps xmm11, xmm0", "44 0f 59 d8", L_RR, X64_MULPS, 11, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "mulps xmm11, xmmword ptr [r13+r14*4+0x100]", "47 0f 59 9c b5 00 01 00 00",
          L_RM, X64_MULPS, 11, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vmulps xmm14, xmm15, xmm10", "c4 41 00 59 f2",
          V_RRR, X64_MULPS, 14, 15, 10, 0, SM(RAX, 0), 0x0 },
        { "vmulps xmm14, xmm15, xmmword ptr [r12-0x80]", "c4 41 00 59 74 24 80",
          V_RRM, X64_MULPS, 14, 15, 0, 0, SM(R12, -128), 0x0 },
        { "mulpd xmm0, xmm3", "66 0f 59 c3", L_RR, X64_MULPD, 0, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "mulpd xmm0, xmmword ptr [rbp+0x0]", "66 0f 59 45 00",
          L_RM, X64_MULPD, 0, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vmulpd xmm1, xmm4, xmm1", "c5 d9 59 c9", V_RRR, X64_MULPD, 1, 4, 1, 0, SM(RAX, 0), 0x0 },
        { "vmulpd xmm1, xmm4, xmmword ptr [rbx+rcx*8]", "c5 d9 59 0c cb",
          V_RRM, X64_MULPD, 1, 4, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "divss xmm5, xmm6", "f3 0f 5e ee", L_RR, X64_DIVSS, 5, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "divss xmm5, dword ptr [rip+0x10]", "f3 0f 5e 2d 10 00 00 00",
          L_RM, X64_DIVSS, 5, 0, 0, 0, SRIP(16), 0x0 },
        { "vdivss xmm4, xmm9, xmm8", "c4 c1 32 5e e0",
          V_RRR, X64_DIVSS, 4, 9, 8, 0, SM(RAX, 0), 0x0 },
        { "vdivss xmm4, xmm9, dword ptr [r8+0x7f]", "c4 c1 32 5e 60 7f",
          V_RRM, X64_DIVSS, 4, 9, 0, 0, SM(R8, 127), 0x0 },
        { "divsd xmm10, xmm9", "f2 45 0f 5e d1", L_RR, X64_DIVSD, 10, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "divsd xmm10, qword ptr [r12-0x80]", "f2 45 0f 5e 54 24 80",
          L_RM, X64_DIVSD, 10, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vdivsd xmm7, xmm14, xmm15", "c4 c1 0b 5e ff",
          V_RRR, X64_DIVSD, 7, 14, 15, 0, SM(RAX, 0), 0x0 },
        { "vdivsd xmm7, xmm14, qword ptr [rax]", "c5 8b 5e 38",
          V_RRM, X64_DIVSD, 7, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "divps xmm15, xmm12", "45 0f 5e fc", L_RR, X64_DIVPS, 15, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "divps xmm15, xmmword ptr [rbx+rcx*8]", "44 0f 5e 3c cb",
          L_RM, X64_DIVPS, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vdivps xmm10, xmm3, xmm6", "c5 60 5e d6",
          V_RRR, X64_DIVPS, 10, 3, 6, 0, SM(RAX, 0), 0x0 },
        { "vdivps xmm10, xmm3, xmmword ptr [rsp+0x8]", "c5 60 5e 54 24 08",
          V_RRM, X64_DIVPS, 10, 3, 0, 0, SM(RSP, 8), 0x0 },
        { "divpd xmm4, xmm15", "66 41 0f 5e e7", L_RR, X64_DIVPD, 4, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "divpd xmm4, xmmword ptr [r8+0x7f]", "66 41 0f 5e 60 7f",
          L_RM, X64_DIVPD, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vdivpd xmm13, xmm8, xmm13", "c4 41 39 5e ed",
          V_RRR, X64_DIVPD, 13, 8, 13, 0, SM(RAX, 0), 0x0 },
        { "vdivpd xmm13, xmm8, xmmword ptr [r13+r14*4+0x100]", "c4 01 39 5e ac b5 00 01 00 00",
          V_RRM, X64_DIVPD, 13, 8, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "minss xmm9, xmm2", "f3 44 0f 5d ca", L_RR, X64_MINSS, 9, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "minss xmm9, dword ptr [rax]", "f3 44 0f 5d 08",
          L_RM, X64_MINSS, 9, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vminss xmm0, xmm13, xmm4", "c5 92 5d c4",
          V_RRR, X64_MINSS, 0, 13, 4, 0, SM(RAX, 0), 0x0 },
        { "vminss xmm0, xmm13, dword ptr [rbp+0x0]", "c5 92 5d 45 00",
          V_RRM, X64_MINSS, 0, 13, 0, 0, SM(RBP, 0), 0x0 },
        { "minsd xmm14, xmm5", "f2 44 0f 5d f5", L_RR, X64_MINSD, 14, 5, 0, 0, SM(RAX, 0), 0x0 },
        { "minsd xmm14, qword ptr [rsp+0x8]", "f2 44 0f 5d 74 24 08",
          L_RM, X64_MINSD, 14, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vminsd xmm3, xmm2, xmm11", "c4 c1 6b 5d db",
          V_RRR, X64_MINSD, 3, 2, 11, 0, SM(RAX, 0), 0x0 },
        { "vminsd xmm3, xmm2, qword ptr [rip+0x10]", "c5 eb 5d 1d 10 00 00 00",
          V_RRM, X64_MINSD, 3, 2, 0, 0, SRIP(16), 0x0 },
        { "minps xmm3, xmm8", "41 0f 5d d8", L_RR, X64_MINPS, 3, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "minps xmm3, xmmword ptr [r13+r14*4+0x100]", "43 0f 5d 9c b5 00 01 00 00",
          L_RM, X64_MINPS, 3, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vminps xmm6, xmm7, xmm2", "c5 c0 5d f2", V_RRR, X64_MINPS, 6, 7, 2, 0, SM(RAX, 0), 0x0 },
        { "vminps xmm6, xmm7, xmmword ptr [r12-0x80]", "c4 c1 40 5d 74 24 80",
          V_RRM, X64_MINPS, 6, 7, 0, 0, SM(R12, -128), 0x0 },
        { "minpd xmm8, xmm11", "66 45 0f 5d c3", L_RR, X64_MINPD, 8, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "minpd xmm8, xmmword ptr [rbp+0x0]", "66 44 0f 5d 45 00",
          L_RM, X64_MINPD, 8, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vminpd xmm9, xmm12, xmm9", "c4 41 19 5d c9",
          V_RRR, X64_MINPD, 9, 12, 9, 0, SM(RAX, 0), 0x0 },
        { "vminpd xmm9, xmm12, xmmword ptr [rbx+rcx*8]", "c5 19 5d 0c cb",
          V_RRM, X64_MINPD, 9, 12, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "maxss xmm13, xmm14", "f3 45 0f 5f ee", L_RR, X64_MAXSS, 13, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "maxss xmm13, dword ptr [rip+0x10]", "f3 44 0f 5f 2d 10 00 00 00",
          L_RM, X64_MAXSS, 13, 0, 0, 0, SRIP(16), 0x0 },
        { "vmaxss xmm12, xmm1, xmm0", "c5 72 5f e0",
          V_RRR, X64_MAXSS, 12, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "vmaxss xmm12, xmm1, dword ptr [r8+0x7f]", "c4 41 72 5f 60 7f",
          V_RRM, X64_MAXSS, 12, 1, 0, 0, SM(R8, 127), 0x0 },
        { "maxsd xmm2, xmm1", "f2 0f 5f d1", L_RR, X64_MAXSD, 2, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "maxsd xmm2, qword ptr [r12-0x80]", "f2 41 0f 5f 54 24 80",
          L_RM, X64_MAXSD, 2, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vmaxsd xmm15, xmm6, xmm7", "c5 4b 5f ff",
          V_RRR, X64_MAXSD, 15, 6, 7, 0, SM(RAX, 0), 0x0 },
        { "vmaxsd xmm15, xmm6, qword ptr [rax]", "c5 4b 5f 38",
          V_RRM, X64_MAXSD, 15, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "maxps xmm7, xmm4", "0f 5f fc", L_RR, X64_MAXPS, 7, 4, 0, 0, SM(RAX, 0), 0x0 },
        { "maxps xmm7, xmmword ptr [rbx+rcx*8]", "0f 5f 3c cb",
          L_RM, X64_MAXPS, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vmaxps xmm2, xmm11, xmm14", "c4 c1 20 5f d6",
          V_RRR, X64_MAXPS, 2, 11, 14, 0, SM(RAX, 0), 0x0 },
        { "vmaxps xmm2, xmm11, xmmword ptr [rsp+0x8]", "c5 a0 5f 54 24 08",
          V_RRM, X64_MAXPS, 2, 11, 0, 0, SM(RSP, 8), 0x0 },
        { "maxpd xmm12, xmm7", "66 44 0f 5f e7", L_RR, X64_MAXPD, 12, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "maxpd xmm12, xmmword ptr [r8+0x7f]", "66 45 0f 5f 60 7f",
          L_RM, X64_MAXPD, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vmaxpd xmm5, xmm0, xmm5", "c5 f9 5f ed", V_RRR, X64_MAXPD, 5, 0, 5, 0, SM(RAX, 0), 0x0 },
        { "vmaxpd xmm5, xmm0, xmmword ptr [r13+r14*4+0x100]", "c4 81 79 5f ac b5 00 01 00 00",
          V_RRM, X64_MAXPD, 5, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "sqrtss xmm1, xmm10", "f3 41 0f 51 ca", L_RR, X64_SQRTSS, 1, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "sqrtss xmm1, dword ptr [rax]", "f3 0f 51 08",
          L_RM, X64_SQRTSS, 1, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vsqrtss xmm8, xmm5, xmm12", "c4 41 52 51 c4",
          V_RRR, X64_SQRTSS, 8, 5, 12, 0, SM(RAX, 0), 0x0 },
        { "vsqrtss xmm8, xmm5, dword ptr [rbp+0x0]", "c5 52 51 45 00",
          V_RRM, X64_SQRTSS, 8, 5, 0, 0, SM(RBP, 0), 0x0 },
        { "sqrtsd xmm6, xmm13", "f2 41 0f 51 f5", L_RR, X64_SQRTSD, 6, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "sqrtsd xmm6, qword ptr [rsp+0x8]", "f2 0f 51 74 24 08",
          L_RM, X64_SQRTSD, 6, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vsqrtsd xmm11, xmm10, xmm3", "c5 2b 51 db",
          V_RRR, X64_SQRTSD, 11, 10, 3, 0, SM(RAX, 0), 0x0 },
        { "vsqrtsd xmm11, xmm10, qword ptr [rip+0x10]", "c5 2b 51 1d 10 00 00 00",
          V_RRM, X64_SQRTSD, 11, 10, 0, 0, SRIP(16), 0x0 },
        { "sqrtps xmm11, xmm0", "44 0f 51 d8", L_RR, X64_SQRTPS, 11, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "sqrtps xmm11, xmmword ptr [r13+r14*4+0x100]", "47 0f 51 9c b5 00 01 00 00",
          L_RM, X64_SQRTPS, 11, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vsqrtps xmm14, xmm10", "c4 41 78 51 f2",
          V_RR, X64_SQRTPS, 14, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "vsqrtps xmm14, xmmword ptr [r12-0x80]", "c4 41 78 51 74 24 80",
          V_RM, X64_SQRTPS, 14, 0, 0, 0, SM(R12, -128), 0x0 },
        { "sqrtpd xmm0, xmm3", "66 0f 51 c3", L_RR, X64_SQRTPD, 0, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "sqrtpd xmm0, xmmword ptr [rbp+0x0]", "66 0f 51 45 00",
          L_RM, X64_SQRTPD, 0, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vsqrtpd xmm1, xmm1", "c5 f9 51 c9", V_RR, X64_SQRTPD, 1, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "vsqrtpd xmm1, xmmword ptr [rbx+rcx*8]", "c5 f9 51 0c cb",
          V_RM, X64_SQRTPD, 1, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "andps xmm5, xmm6", "0f 54 ee", L_RR, X64_ANDPS, 5, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "andps xmm5, xmmword ptr [rip+0x10]", "0f 54 2d 10 00 00 00",
          L_RM, X64_ANDPS, 5, 0, 0, 0, SRIP(16), 0x0 },
        { "vandps xmm4, xmm9, xmm8", "c4 c1 30 54 e0",
          V_RRR, X64_ANDPS, 4, 9, 8, 0, SM(RAX, 0), 0x0 },
        { "vandps xmm4, xmm9, xmmword ptr [r8+0x7f]", "c4 c1 30 54 60 7f",
          V_RRM, X64_ANDPS, 4, 9, 0, 0, SM(R8, 127), 0x0 },
        { "andpd xmm10, xmm9", "66 45 0f 54 d1", L_RR, X64_ANDPD, 10, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "andpd xmm10, xmmword ptr [r12-0x80]", "66 45 0f 54 54 24 80",
          L_RM, X64_ANDPD, 10, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vandpd xmm7, xmm14, xmm15", "c4 c1 09 54 ff",
          V_RRR, X64_ANDPD, 7, 14, 15, 0, SM(RAX, 0), 0x0 },
        { "vandpd xmm7, xmm14, xmmword ptr [rax]", "c5 89 54 38",
          V_RRM, X64_ANDPD, 7, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "andnps xmm15, xmm12", "45 0f 55 fc", L_RR, X64_ANDNPS, 15, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "andnps xmm15, xmmword ptr [rbx+rcx*8]", "44 0f 55 3c cb",
          L_RM, X64_ANDNPS, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vandnps xmm10, xmm3, xmm6", "c5 60 55 d6",
          V_RRR, X64_ANDNPS, 10, 3, 6, 0, SM(RAX, 0), 0x0 },
        { "vandnps xmm10, xmm3, xmmword ptr [rsp+0x8]", "c5 60 55 54 24 08",
          V_RRM, X64_ANDNPS, 10, 3, 0, 0, SM(RSP, 8), 0x0 },
        { "andnpd xmm4, xmm15", "66 41 0f 55 e7", L_RR, X64_ANDNPD, 4, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "andnpd xmm4, xmmword ptr [r8+0x7f]", "66 41 0f 55 60 7f",
          L_RM, X64_ANDNPD, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vandnpd xmm13, xmm8, xmm13", "c4 41 39 55 ed",
          V_RRR, X64_ANDNPD, 13, 8, 13, 0, SM(RAX, 0), 0x0 },
        { "vandnpd xmm13, xmm8, xmmword ptr [r13+r14*4+0x100]", "c4 01 39 55 ac b5 00 01 00 00",
          V_RRM, X64_ANDNPD, 13, 8, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "orps xmm9, xmm2", "44 0f 56 ca", L_RR, X64_ORPS, 9, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "orps xmm9, xmmword ptr [rax]", "44 0f 56 08",
          L_RM, X64_ORPS, 9, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vorps xmm0, xmm13, xmm4", "c5 90 56 c4", V_RRR, X64_ORPS, 0, 13, 4, 0, SM(RAX, 0), 0x0 },
        { "vorps xmm0, xmm13, xmmword ptr [rbp+0x0]", "c5 90 56 45 00",
          V_RRM, X64_ORPS, 0, 13, 0, 0, SM(RBP, 0), 0x0 },
        { "orpd xmm14, xmm5", "66 44 0f 56 f5", L_RR, X64_ORPD, 14, 5, 0, 0, SM(RAX, 0), 0x0 },
        { "orpd xmm14, xmmword ptr [rsp+0x8]", "66 44 0f 56 74 24 08",
          L_RM, X64_ORPD, 14, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vorpd xmm3, xmm2, xmm11", "c4 c1 69 56 db",
          V_RRR, X64_ORPD, 3, 2, 11, 0, SM(RAX, 0), 0x0 },
        { "vorpd xmm3, xmm2, xmmword ptr [rip+0x10]", "c5 e9 56 1d 10 00 00 00",
          V_RRM, X64_ORPD, 3, 2, 0, 0, SRIP(16), 0x0 },
        { "xorps xmm3, xmm8", "41 0f 57 d8", L_RR, X64_XORPS, 3, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "xorps xmm3, xmmword ptr [r13+r14*4+0x100]", "43 0f 57 9c b5 00 01 00 00",
          L_RM, X64_XORPS, 3, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vxorps xmm6, xmm7, xmm2", "c5 c0 57 f2", V_RRR, X64_XORPS, 6, 7, 2, 0, SM(RAX, 0), 0x0 },
        { "vxorps xmm6, xmm7, xmmword ptr [r12-0x80]", "c4 c1 40 57 74 24 80",
          V_RRM, X64_XORPS, 6, 7, 0, 0, SM(R12, -128), 0x0 },
        { "xorpd xmm8, xmm11", "66 45 0f 57 c3", L_RR, X64_XORPD, 8, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "xorpd xmm8, xmmword ptr [rbp+0x0]", "66 44 0f 57 45 00",
          L_RM, X64_XORPD, 8, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vxorpd xmm9, xmm12, xmm9", "c4 41 19 57 c9",
          V_RRR, X64_XORPD, 9, 12, 9, 0, SM(RAX, 0), 0x0 },
        { "vxorpd xmm9, xmm12, xmmword ptr [rbx+rcx*8]", "c5 19 57 0c cb",
          V_RRM, X64_XORPD, 9, 12, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "cmpeqss xmm13, xmm14", "f3 45 0f c2 ee 00",
          L_RR, X64_CMPSS, 13, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "cmpeqss xmm13, dword ptr [rip+0x10]", "f3 44 0f c2 2d 10 00 00 00 00",
          L_RM, X64_CMPSS, 13, 0, 0, 0, SRIP(16), 0x0 },
        { "vcmpeqss xmm12, xmm1, xmm0", "c5 72 c2 e0 00",
          V_RRR, X64_CMPSS, 12, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "vcmpeqss xmm12, xmm1, dword ptr [r8+0x7f]", "c4 41 72 c2 60 7f 00",
          V_RRM, X64_CMPSS, 12, 1, 0, 0, SM(R8, 127), 0x0 },
        { "cmpeqsd xmm2, xmm1", "f2 0f c2 d1 00", L_RR, X64_CMPSD, 2, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "cmpeqsd xmm2, qword ptr [r12-0x80]", "f2 41 0f c2 54 24 80 00",
          L_RM, X64_CMPSD, 2, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vcmpeqsd xmm15, xmm6, xmm7", "c5 4b c2 ff 00",
          V_RRR, X64_CMPSD, 15, 6, 7, 0, SM(RAX, 0), 0x0 },
        { "vcmpeqsd xmm15, xmm6, qword ptr [rax]", "c5 4b c2 38 00",
          V_RRM, X64_CMPSD, 15, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "cmpeqps xmm7, xmm4", "0f c2 fc 00", L_RR, X64_CMPPS, 7, 4, 0, 0, SM(RAX, 0), 0x0 },
        { "cmpeqps xmm7, xmmword ptr [rbx+rcx*8]", "0f c2 3c cb 00",
          L_RM, X64_CMPPS, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vcmpeqps xmm2, xmm11, xmm14", "c4 c1 20 c2 d6 00",
          V_RRR, X64_CMPPS, 2, 11, 14, 0, SM(RAX, 0), 0x0 },
        { "vcmpeqps xmm2, xmm11, xmmword ptr [rsp+0x8]", "c5 a0 c2 54 24 08 00",
          V_RRM, X64_CMPPS, 2, 11, 0, 0, SM(RSP, 8), 0x0 },
        { "cmpeqpd xmm12, xmm7", "66 44 0f c2 e7 00",
          L_RR, X64_CMPPD, 12, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "cmpeqpd xmm12, xmmword ptr [r8+0x7f]", "66 45 0f c2 60 7f 00",
          L_RM, X64_CMPPD, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vcmpeqpd xmm5, xmm0, xmm5", "c5 f9 c2 ed 00",
          V_RRR, X64_CMPPD, 5, 0, 5, 0, SM(RAX, 0), 0x0 },
        { "vcmpeqpd xmm5, xmm0, xmmword ptr [r13+r14*4+0x100]", "c4 81 79 c2 ac b5 00 01 00 00 00",
          V_RRM, X64_CMPPD, 5, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "ucomiss xmm1, xmm10", "41 0f 2e ca", L_RR, X64_UCOMISS, 1, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "ucomiss xmm1, dword ptr [rax]", "0f 2e 08",
          L_RM, X64_UCOMISS, 1, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vucomiss xmm8, xmm12", "c4 41 78 2e c4",
          V_RR, X64_UCOMISS, 8, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "vucomiss xmm8, dword ptr [rbp+0x0]", "c5 78 2e 45 00",
          V_RM, X64_UCOMISS, 8, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "ucomisd xmm6, xmm13", "66 41 0f 2e f5",
          L_RR, X64_UCOMISD, 6, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "ucomisd xmm6, qword ptr [rsp+0x8]", "66 0f 2e 74 24 08",
          L_RM, X64_UCOMISD, 6, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vucomisd xmm11, xmm3", "c5 79 2e db", V_RR, X64_UCOMISD, 11, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "vucomisd xmm11, qword ptr [rip+0x10]", "c5 79 2e 1d 10 00 00 00",
          V_RM, X64_UCOMISD, 11, 0, 0, 0, SRIP(16), 0x0 },
        { "roundps xmm11, xmm0, 0x8d", "66 44 0f 3a 08 d8 8d",
          L_RR, X64_ROUNDPS, 11, 0, 0, 0, SM(RAX, 0), 0x8d },
        { "roundps xmm11, xmmword ptr [r13+r14*4+0x100], 0x8d",
          "66 47 0f 3a 08 9c b5 00 01 00 00 8d",
          L_RM, X64_ROUNDPS, 11, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x8d },
        { "vroundps xmm14, xmm10, 0x8d", "c4 43 79 08 f2 8d",
          V_RR, X64_ROUNDPS, 14, 10, 0, 0, SM(RAX, 0), 0x8d },
        { "vroundps xmm14, xmmword ptr [r12-0x80], 0x8d", "c4 43 79 08 74 24 80 8d",
          V_RM, X64_ROUNDPS, 14, 0, 0, 0, SM(R12, -128), 0x8d },
        { "roundpd xmm0, xmm3, 0xb2", "66 0f 3a 09 c3 b2",
          L_RR, X64_ROUNDPD, 0, 3, 0, 0, SM(RAX, 0), 0xb2 },
        { "roundpd xmm0, xmmword ptr [rbp+0x0], 0xb2", "66 0f 3a 09 45 00 b2",
          L_RM, X64_ROUNDPD, 0, 0, 0, 0, SM(RBP, 0), 0xb2 },
        { "vroundpd xmm1, xmm1, 0xb2", "c4 e3 79 09 c9 b2",
          V_RR, X64_ROUNDPD, 1, 1, 0, 0, SM(RAX, 0), 0xb2 },
        { "vroundpd xmm1, xmmword ptr [rbx+rcx*8], 0xb2", "c4 e3 79 09 0c cb b2",
          V_RM, X64_ROUNDPD, 1, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0xb2 },
        { "roundss xmm5, xmm6, 0xd7", "66 0f 3a 0a ee d7",
          L_RR, X64_ROUNDSS, 5, 6, 0, 0, SM(RAX, 0), 0xd7 },
        { "roundss xmm5, dword ptr [rip+0x10], 0xd7", "66 0f 3a 0a 2d 10 00 00 00 d7",
          L_RM, X64_ROUNDSS, 5, 0, 0, 0, SRIP(16), 0xd7 },
        { "vroundss xmm4, xmm9, xmm8, 0xd7", "c4 c3 31 0a e0 d7",
          V_RRR, X64_ROUNDSS, 4, 9, 8, 0, SM(RAX, 0), 0xd7 },
        { "vroundss xmm4, xmm9, dword ptr [r8+0x7f], 0xd7", "c4 c3 31 0a 60 7f d7",
          V_RRM, X64_ROUNDSS, 4, 9, 0, 0, SM(R8, 127), 0xd7 },
        { "roundsd xmm10, xmm9, 0xfc", "66 45 0f 3a 0b d1 fc",
          L_RR, X64_ROUNDSD, 10, 9, 0, 0, SM(RAX, 0), 0xfc },
        { "roundsd xmm10, qword ptr [r12-0x80], 0xfc", "66 45 0f 3a 0b 54 24 80 fc",
          L_RM, X64_ROUNDSD, 10, 0, 0, 0, SM(R12, -128), 0xfc },
        { "vroundsd xmm7, xmm14, xmm15, 0xfc", "c4 c3 09 0b ff fc",
          V_RRR, X64_ROUNDSD, 7, 14, 15, 0, SM(RAX, 0), 0xfc },
        { "vroundsd xmm7, xmm14, qword ptr [rax], 0xfc", "c4 e3 09 0b 38 fc",
          V_RRM, X64_ROUNDSD, 7, 14, 0, 0, SM(RAX, 0), 0xfc },
        { "cvtsi2ss xmm15, r15d", "f3 45 0f 2a ff",
          L_RR, X64_CVTSI2SS_32, 15, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "cvtsi2ss xmm15, dword ptr [rbx+rcx*8]", "f3 44 0f 2a 3c cb",
          L_RM, X64_CVTSI2SS_32, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vcvtsi2ss xmm10, xmm3, edx", "c5 62 2a d2",
          V_RRR, X64_CVTSI2SS_32, 10, 3, 2, 0, SM(RAX, 0), 0x0 },
        { "vcvtsi2ss xmm10, xmm3, dword ptr [rsp+0x8]", "c5 62 2a 54 24 08",
          V_RRM, X64_CVTSI2SS_32, 10, 3, 0, 0, SM(RSP, 8), 0x0 },
        { "cvtsi2ss xmm4, rsi", "f3 48 0f 2a e6",
          L_RR, X64_CVTSI2SS_64, 4, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "cvtsi2ss xmm4, qword ptr [r8+0x7f]", "f3 49 0f 2a 60 7f",
          L_RM, X64_CVTSI2SS_64, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vcvtsi2ss xmm13, xmm8, r9", "c4 41 ba 2a e9",
          V_RRR, X64_CVTSI2SS_64, 13, 8, 9, 0, SM(RAX, 0), 0x0 },
        { "vcvtsi2ss xmm13, xmm8, qword ptr [r13+r14*4+0x100]", "c4 01 ba 2a ac b5 00 01 00 00",
          V_RRM, X64_CVTSI2SS_64, 13, 8, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "cvtsi2sd xmm9, ecx", "f2 44 0f 2a c9",
          L_RR, X64_CVTSI2SD_32, 9, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "cvtsi2sd xmm9, dword ptr [rax]", "f2 44 0f 2a 08",
          L_RM, X64_CVTSI2SD_32, 9, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvtsi2sd xmm0, xmm13, eax", "c5 93 2a c0",
          V_RRR, X64_CVTSI2SD_32, 0, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvtsi2sd xmm0, xmm13, dword ptr [rbp+0x0]", "c5 93 2a 45 00",
          V_RRM, X64_CVTSI2SD_32, 0, 13, 0, 0, SM(RBP, 0), 0x0 },
        { "cvtsi2sd xmm14, rdx", "f2 4c 0f 2a f2",
          L_RR, X64_CVTSI2SD_64, 14, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "cvtsi2sd xmm14, qword ptr [rsp+0x8]", "f2 4c 0f 2a 74 24 08",
          L_RM, X64_CVTSI2SD_64, 14, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vcvtsi2sd xmm3, xmm2, r10", "c4 c1 eb 2a da",
          V_RRR, X64_CVTSI2SD_64, 3, 2, 10, 0, SM(RAX, 0), 0x0 },
        { "vcvtsi2sd xmm3, xmm2, qword ptr [rip+0x10]", "c4 e1 eb 2a 1d 10 00 00 00",
          V_RRM, X64_CVTSI2SD_64, 3, 2, 0, 0, SRIP(16), 0x0 },
        { "cvttss2si r9d, xmm8", "f3 45 0f 2c c8",
          L_RR, X64_CVTTSS2SI_32, 9, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "cvttss2si r9d, dword ptr [r13+r14*4+0x100]", "f3 47 0f 2c 8c b5 00 01 00 00",
          L_RM, X64_CVTTSS2SI_32, 9, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vcvttss2si ebx, xmm2", "c5 fa 2c da",
          V_RR, X64_CVTTSS2SI_32, 3, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvttss2si ebx, dword ptr [r12-0x80]", "c4 c1 7a 2c 5c 24 80",
          V_RM, X64_CVTTSS2SI_32, 3, 0, 0, 0, SM(R12, -128), 0x0 },
        { "cvttss2si rax, xmm11", "f3 49 0f 2c c3",
          L_RR, X64_CVTTSS2SI_64, 0, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "cvttss2si rax, dword ptr [rbp+0x0]", "f3 48 0f 2c 45 00",
          L_RM, X64_CVTTSS2SI_64, 0, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vcvttss2si r15, xmm9", "c4 41 fa 2c f9",
          V_RR, X64_CVTTSS2SI_64, 15, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvttss2si r15, dword ptr [rbx+rcx*8]", "c4 61 fa 2c 3c cb",
          V_RM, X64_CVTTSS2SI_64, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "cvttsd2si r10d, xmm14", "f2 45 0f 2c d6",
          L_RR, X64_CVTTSD2SI_32, 10, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "cvttsd2si r10d, qword ptr [rip+0x10]", "f2 44 0f 2c 15 10 00 00 00",
          L_RM, X64_CVTTSD2SI_32, 10, 0, 0, 0, SRIP(16), 0x0 },
        { "vcvttsd2si esi, xmm0", "c5 fb 2c f0",
          V_RR, X64_CVTTSD2SI_32, 6, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvttsd2si esi, qword ptr [r8+0x7f]", "c4 c1 7b 2c 70 7f",
          V_RM, X64_CVTTSD2SI_32, 6, 0, 0, 0, SM(R8, 127), 0x0 },
        { "cvttsd2si rbx, xmm1", "f2 48 0f 2c d9",
          L_RR, X64_CVTTSD2SI_64, 3, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "cvttsd2si rbx, qword ptr [r12-0x80]", "f2 49 0f 2c 5c 24 80",
          L_RM, X64_CVTTSD2SI_64, 3, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vcvttsd2si rcx, xmm7", "c4 e1 fb 2c cf",
          V_RR, X64_CVTTSD2SI_64, 1, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvttsd2si rcx, qword ptr [rax]", "c4 e1 fb 2c 08",
          V_RM, X64_CVTTSD2SI_64, 1, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "cvtss2sd xmm7, xmm4", "f3 0f 5a fc", L_RR, X64_CVTSS2SD, 7, 4, 0, 0, SM(RAX, 0), 0x0 },
        { "cvtss2sd xmm7, dword ptr [rbx+rcx*8]", "f3 0f 5a 3c cb",
          L_RM, X64_CVTSS2SD, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vcvtss2sd xmm2, xmm11, xmm14", "c4 c1 22 5a d6",
          V_RRR, X64_CVTSS2SD, 2, 11, 14, 0, SM(RAX, 0), 0x0 },
        { "vcvtss2sd xmm2, xmm11, dword ptr [rsp+0x8]", "c5 a2 5a 54 24 08",
          V_RRM, X64_CVTSS2SD, 2, 11, 0, 0, SM(RSP, 8), 0x0 },
        { "cvtsd2ss xmm12, xmm7", "f2 44 0f 5a e7",
          L_RR, X64_CVTSD2SS, 12, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "cvtsd2ss xmm12, qword ptr [r8+0x7f]", "f2 45 0f 5a 60 7f",
          L_RM, X64_CVTSD2SS, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vcvtsd2ss xmm5, xmm0, xmm5", "c5 fb 5a ed",
          V_RRR, X64_CVTSD2SS, 5, 0, 5, 0, SM(RAX, 0), 0x0 },
        { "vcvtsd2ss xmm5, xmm0, qword ptr [r13+r14*4+0x100]", "c4 81 7b 5a ac b5 00 01 00 00",
          V_RRM, X64_CVTSD2SS, 5, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "cvtps2pd xmm1, xmm10", "41 0f 5a ca", L_RR, X64_CVTPS2PD, 1, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "cvtps2pd xmm1, qword ptr [rax]", "0f 5a 08",
          L_RM, X64_CVTPS2PD, 1, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvtps2pd xmm8, xmm12", "c4 41 78 5a c4",
          V_RR, X64_CVTPS2PD, 8, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvtps2pd xmm8, qword ptr [rbp+0x0]", "c5 78 5a 45 00",
          V_RM, X64_CVTPS2PD, 8, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "cvtpd2ps xmm6, xmm13", "66 41 0f 5a f5",
          L_RR, X64_CVTPD2PS, 6, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "cvtpd2ps xmm6, xmmword ptr [rsp+0x8]", "66 0f 5a 74 24 08",
          L_RM, X64_CVTPD2PS, 6, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vcvtpd2ps xmm11, xmm3", "c5 79 5a db",
          V_RR, X64_CVTPD2PS, 11, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvtpd2ps xmm11, xmmword ptr [rip+0x10]", "c5 79 5a 1d 10 00 00 00",
          V_RM, X64_CVTPD2PS, 11, 0, 0, 0, SRIP(16), 0x0 },
        { "cvtdq2ps xmm11, xmm0", "44 0f 5b d8", L_RR, X64_CVTDQ2PS, 11, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "cvtdq2ps xmm11, xmmword ptr [r13+r14*4+0x100]", "47 0f 5b 9c b5 00 01 00 00",
          L_RM, X64_CVTDQ2PS, 11, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vcvtdq2ps xmm14, xmm10", "c4 41 78 5b f2",
          V_RR, X64_CVTDQ2PS, 14, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvtdq2ps xmm14, xmmword ptr [r12-0x80]", "c4 41 78 5b 74 24 80",
          V_RM, X64_CVTDQ2PS, 14, 0, 0, 0, SM(R12, -128), 0x0 },
        { "cvttps2dq xmm0, xmm3", "f3 0f 5b c3", L_RR, X64_CVTTPS2DQ, 0, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "cvttps2dq xmm0, xmmword ptr [rbp+0x0]", "f3 0f 5b 45 00",
          L_RM, X64_CVTTPS2DQ, 0, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vcvttps2dq xmm1, xmm1", "c5 fa 5b c9",
          V_RR, X64_CVTTPS2DQ, 1, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvttps2dq xmm1, xmmword ptr [rbx+rcx*8]", "c5 fa 5b 0c cb",
          V_RM, X64_CVTTPS2DQ, 1, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "cvtps2dq xmm5, xmm6", "66 0f 5b ee", L_RR, X64_CVTPS2DQ, 5, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "cvtps2dq xmm5, xmmword ptr [rip+0x10]", "66 0f 5b 2d 10 00 00 00",
          L_RM, X64_CVTPS2DQ, 5, 0, 0, 0, SRIP(16), 0x0 },
        { "vcvtps2dq xmm4, xmm8", "c4 c1 79 5b e0",
          V_RR, X64_CVTPS2DQ, 4, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvtps2dq xmm4, xmmword ptr [r8+0x7f]", "c4 c1 79 5b 60 7f",
          V_RM, X64_CVTPS2DQ, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "cvtdq2pd xmm10, xmm9", "f3 45 0f e6 d1",
          L_RR, X64_CVTDQ2PD, 10, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "cvtdq2pd xmm10, qword ptr [r12-0x80]", "f3 45 0f e6 54 24 80",
          L_RM, X64_CVTDQ2PD, 10, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vcvtdq2pd xmm7, xmm15", "c4 c1 7a e6 ff",
          V_RR, X64_CVTDQ2PD, 7, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvtdq2pd xmm7, qword ptr [rax]", "c5 fa e6 38",
          V_RM, X64_CVTDQ2PD, 7, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "cvttpd2dq xmm15, xmm12", "66 45 0f e6 fc",
          L_RR, X64_CVTTPD2DQ, 15, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "cvttpd2dq xmm15, xmmword ptr [rbx+rcx*8]", "66 44 0f e6 3c cb",
          L_RM, X64_CVTTPD2DQ, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vcvttpd2dq xmm10, xmm6", "c5 79 e6 d6",
          V_RR, X64_CVTTPD2DQ, 10, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "vcvttpd2dq xmm10, xmmword ptr [rsp+0x8]", "c5 79 e6 54 24 08",
          V_RM, X64_CVTTPD2DQ, 10, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "pshufb xmm4, xmm15", "66 41 0f 38 00 e7",
          L_RR, X64_PSHUFB, 4, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "pshufb xmm4, xmmword ptr [r8+0x7f]", "66 41 0f 38 00 60 7f",
          L_RM, X64_PSHUFB, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vpshufb xmm13, xmm8, xmm13", "c4 42 39 00 ed",
          V_RRR, X64_PSHUFB, 13, 8, 13, 0, SM(RAX, 0), 0x0 },
        { "vpshufb xmm13, xmm8, xmmword ptr [r13+r14*4+0x100]", "c4 02 39 00 ac b5 00 01 00 00",
          V_RRM, X64_PSHUFB, 13, 8, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "pshufd xmm9, xmm2, 0xbb", "66 44 0f 70 ca bb",
          L_RR, X64_PSHUFD, 9, 2, 0, 0, SM(RAX, 0), 0xbb },
        { "pshufd xmm9, xmmword ptr [rax], 0xbb", "66 44 0f 70 08 bb",
          L_RM, X64_PSHUFD, 9, 0, 0, 0, SM(RAX, 0), 0xbb },
        { "vpshufd xmm0, xmm4, 0xbb", "c5 f9 70 c4 bb",
          V_RR, X64_PSHUFD, 0, 4, 0, 0, SM(RAX, 0), 0xbb },
        { "vpshufd xmm0, xmmword ptr [rbp+0x0], 0xbb", "c5 f9 70 45 00 bb",
          V_RM, X64_PSHUFD, 0, 0, 0, 0, SM(RBP, 0), 0xbb },
        { "pshuflw xmm14, xmm5, 0xe0", "f2 44 0f 70 f5 e0",
          L_RR, X64_PSHUFLW, 14, 5, 0, 0, SM(RAX, 0), 0xe0 },
        { "pshuflw xmm14, xmmword ptr [rsp+0x8], 0xe0", "f2 44 0f 70 74 24 08 e0",
          L_RM, X64_PSHUFLW, 14, 0, 0, 0, SM(RSP, 8), 0xe0 },
        { "vpshuflw xmm3, xmm11, 0xe0", "c4 c1 7b 70 db e0",
          V_RR, X64_PSHUFLW, 3, 11, 0, 0, SM(RAX, 0), 0xe0 },
        { "vpshuflw xmm3, xmmword ptr [rip+0x10], 0xe0", "c5 fb 70 1d 10 00 00 00 e0",
          V_RM, X64_PSHUFLW, 3, 0, 0, 0, SRIP(16), 0xe0 },
        { "pshufhw xmm3, xmm8, 0x5", "f3 41 0f 70 d8 05",
          L_RR, X64_PSHUFHW, 3, 8, 0, 0, SM(RAX, 0), 0x5 },
        { "pshufhw xmm3, xmmword ptr [r13+r14*4+0x100], 0x5", "f3 43 0f 70 9c b5 00 01 00 00 05",
          L_RM, X64_PSHUFHW, 3, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x5 },
        { "vpshufhw xmm6, xmm2, 0x5", "c5 fa 70 f2 05",
          V_RR, X64_PSHUFHW, 6, 2, 0, 0, SM(RAX, 0), 0x5 },
        { "vpshufhw xmm6, xmmword ptr [r12-0x80], 0x5", "c4 c1 7a 70 74 24 80 05",
          V_RM, X64_PSHUFHW, 6, 0, 0, 0, SM(R12, -128), 0x5 },
        { "shufps xmm8, xmm11, 0x2a", "45 0f c6 c3 2a",
          L_RR, X64_SHUFPS, 8, 11, 0, 0, SM(RAX, 0), 0x2a },
        { "shufps xmm8, xmmword ptr [rbp+0x0], 0x2a", "44 0f c6 45 00 2a",
          L_RM, X64_SHUFPS, 8, 0, 0, 0, SM(RBP, 0), 0x2a },
        { "vshufps xmm9, xmm12, xmm9, 0x2a", "c4 41 18 c6 c9 2a",
          V_RRR, X64_SHUFPS, 9, 12, 9, 0, SM(RAX, 0), 0x2a },
        { "vshufps xmm9, xmm12, xmmword ptr [rbx+rcx*8], 0x2a", "c5 18 c6 0c cb 2a",
          V_RRM, X64_SHUFPS, 9, 12, 0, 0, SMI(RBX, RCX, 8, 0), 0x2a },
        { "shufpd xmm13, xmm14, 0x4f", "66 45 0f c6 ee 4f",
          L_RR, X64_SHUFPD, 13, 14, 0, 0, SM(RAX, 0), 0x4f },
        { "shufpd xmm13, xmmword ptr [rip+0x10], 0x4f", "66 44 0f c6 2d 10 00 00 00 4f",
          L_RM, X64_SHUFPD, 13, 0, 0, 0, SRIP(16), 0x4f },
        { "vshufpd xmm12, xmm1, xmm0, 0x4f", "c5 71 c6 e0 4f",
          V_RRR, X64_SHUFPD, 12, 1, 0, 0, SM(RAX, 0), 0x4f },
        { "vshufpd xmm12, xmm1, xmmword ptr [r8+0x7f], 0x4f", "c4 41 71 c6 60 7f 4f",
          V_RRM, X64_SHUFPD, 12, 1, 0, 0, SM(R8, 127), 0x4f },
        { "palignr xmm2, xmm1, 0x74", "66 0f 3a 0f d1 74",
          L_RR, X64_PALIGNR, 2, 1, 0, 0, SM(RAX, 0), 0x74 },
        { "palignr xmm2, xmmword ptr [r12-0x80], 0x74", "66 41 0f 3a 0f 54 24 80 74",
          L_RM, X64_PALIGNR, 2, 0, 0, 0, SM(R12, -128), 0x74 },
        { "vpalignr xmm15, xmm6, xmm7, 0x74", "c4 63 49 0f ff 74",
          V_RRR, X64_PALIGNR, 15, 6, 7, 0, SM(RAX, 0), 0x74 },
        { "vpalignr xmm15, xmm6, xmmword ptr [rax], 0x74", "c4 63 49 0f 38 74",
          V_RRM, X64_PALIGNR, 15, 6, 0, 0, SM(RAX, 0), 0x74 },
        { "punpcklbw xmm7, xmm4", "66 0f 60 fc", L_RR, X64_PUNPCKLBW, 7, 4, 0, 0, SM(RAX, 0), 0x0 },
        { "punpcklbw xmm7, xmmword ptr [rbx+rcx*8]", "66 0f 60 3c cb",
          L_RM, X64_PUNPCKLBW, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vpunpcklbw xmm2, xmm11, xmm14", "c4 c1 21 60 d6",
          V_RRR, X64_PUNPCKLBW, 2, 11, 14, 0, SM(RAX, 0), 0x0 },
        { "vpunpcklbw xmm2, xmm11, xmmword ptr [rsp+0x8]", "c5 a1 60 54 24 08",
          V_RRM, X64_PUNPCKLBW, 2, 11, 0, 0, SM(RSP, 8), 0x0 },
        { "punpcklwd xmm12, xmm7", "66 44 0f 61 e7",
          L_RR, X64_PUNPCKLWD, 12, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "punpcklwd xmm12, xmmword ptr [r8+0x7f]", "66 45 0f 61 60 7f",
          L_RM, X64_PUNPCKLWD, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vpunpcklwd xmm5, xmm0, xmm5", "c5 f9 61 ed",
          V_RRR, X64_PUNPCKLWD, 5, 0, 5, 0, SM(RAX, 0), 0x0 },
        { "vpunpcklwd xmm5, xmm0, xmmword ptr [r13+r14*4+0x100]", "c4 81 79 61 ac b5 00 01 00 00",
          V_RRM, X64_PUNPCKLWD, 5, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "punpckldq xmm1, xmm10", "66 41 0f 62 ca",
          L_RR, X64_PUNPCKLDQ, 1, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "punpckldq xmm1, xmmword ptr [rax]", "66 0f 62 08",
          L_RM, X64_PUNPCKLDQ, 1, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vpunpckldq xmm8, xmm5, xmm12", "c4 41 51 62 c4",
          V_RRR, X64_PUNPCKLDQ, 8, 5, 12, 0, SM(RAX, 0), 0x0 },
        { "vpunpckldq xmm8, xmm5, xmmword ptr [rbp+0x0]", "c5 51 62 45 00",
          V_RRM, X64_PUNPCKLDQ, 8, 5, 0, 0, SM(RBP, 0), 0x0 },
        { "punpcklqdq xmm6, xmm13", "66 41 0f 6c f5",
          L_RR, X64_PUNPCKLQDQ, 6, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "punpcklqdq xmm6, xmmword ptr [rsp+0x8]", "66 0f 6c 74 24 08",
          L_RM, X64_PUNPCKLQDQ, 6, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vpunpcklqdq xmm11, xmm10, xmm3", "c5 29 6c db",
          V_RRR, X64_PUNPCKLQDQ, 11, 10, 3, 0, SM(RAX, 0), 0x0 },
        { "vpunpcklqdq xmm11, xmm10, xmmword ptr [rip+0x10]", "c5 29 6c 1d 10 00 00 00",
          V_RRM, X64_PUNPCKLQDQ, 11, 10, 0, 0, SRIP(16), 0x0 },
        { "punpckhbw xmm11, xmm0", "66 44 0f 68 d8",
          L_RR, X64_PUNPCKHBW, 11, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "punpckhbw xmm11, xmmword ptr [r13+r14*4+0x100]", "66 47 0f 68 9c b5 00 01 00 00",
          L_RM, X64_PUNPCKHBW, 11, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vpunpckhbw xmm14, xmm15, xmm10", "c4 41 01 68 f2",
          V_RRR, X64_PUNPCKHBW, 14, 15, 10, 0, SM(RAX, 0), 0x0 },
        { "vpunpckhbw xmm14, xmm15, xmmword ptr [r12-0x80]", "c4 41 01 68 74 24 80",
          V_RRM, X64_PUNPCKHBW, 14, 15, 0, 0, SM(R12, -128), 0x0 },
        { "punpckhwd xmm0, xmm3", "66 0f 69 c3", L_RR, X64_PUNPCKHWD, 0, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "punpckhwd xmm0, xmmword ptr [rbp+0x0]", "66 0f 69 45 00",
          L_RM, X64_PUNPCKHWD, 0, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vpunpckhwd xmm1, xmm4, xmm1", "c5 d9 69 c9",
          V_RRR, X64_PUNPCKHWD, 1, 4, 1, 0, SM(RAX, 0), 0x0 },
        { "vpunpckhwd xmm1, xmm4, xmmword ptr [rbx+rcx*8]", "c5 d9 69 0c cb",
          V_RRM, X64_PUNPCKHWD, 1, 4, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "punpckhdq xmm5, xmm6", "66 0f 6a ee", L_RR, X64_PUNPCKHDQ, 5, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "punpckhdq xmm5, xmmword ptr [rip+0x10]", "66 0f 6a 2d 10 00 00 00",
          L_RM, X64_PUNPCKHDQ, 5, 0, 0, 0, SRIP(16), 0x0 },
        { "vpunpckhdq xmm4, xmm9, xmm8", "c4 c1 31 6a e0",
          V_RRR, X64_PUNPCKHDQ, 4, 9, 8, 0, SM(RAX, 0), 0x0 },
        { "vpunpckhdq xmm4, xmm9, xmmword ptr [r8+0x7f]", "c4 c1 31 6a 60 7f",
          V_RRM, X64_PUNPCKHDQ, 4, 9, 0, 0, SM(R8, 127), 0x0 },
        { "punpckhqdq xmm10, xmm9", "66 45 0f 6d d1",
          L_RR, X64_PUNPCKHQDQ, 10, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "punpckhqdq xmm10, xmmword ptr [r12-0x80]", "66 45 0f 6d 54 24 80",
          L_RM, X64_PUNPCKHQDQ, 10, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vpunpckhqdq xmm7, xmm14, xmm15", "c4 c1 09 6d ff",
          V_RRR, X64_PUNPCKHQDQ, 7, 14, 15, 0, SM(RAX, 0), 0x0 },
        { "vpunpckhqdq xmm7, xmm14, xmmword ptr [rax]", "c5 89 6d 38",
          V_RRM, X64_PUNPCKHQDQ, 7, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "unpcklps xmm15, xmm12", "45 0f 14 fc",
          L_RR, X64_UNPCKLPS, 15, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "unpcklps xmm15, xmmword ptr [rbx+rcx*8]", "44 0f 14 3c cb",
          L_RM, X64_UNPCKLPS, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vunpcklps xmm10, xmm3, xmm6", "c5 60 14 d6",
          V_RRR, X64_UNPCKLPS, 10, 3, 6, 0, SM(RAX, 0), 0x0 },
        { "vunpcklps xmm10, xmm3, xmmword ptr [rsp+0x8]", "c5 60 14 54 24 08",
          V_RRM, X64_UNPCKLPS, 10, 3, 0, 0, SM(RSP, 8), 0x0 },
        { "unpckhps xmm4, xmm15", "41 0f 15 e7", L_RR, X64_UNPCKHPS, 4, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "unpckhps xmm4, xmmword ptr [r8+0x7f]", "41 0f 15 60 7f",
          L_RM, X64_UNPCKHPS, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vunpckhps xmm13, xmm8, xmm13", "c4 41 38 15 ed",
          V_RRR, X64_UNPCKHPS, 13, 8, 13, 0, SM(RAX, 0), 0x0 },
        { "vunpckhps xmm13, xmm8, xmmword ptr [r13+r14*4+0x100]", "c4 01 38 15 ac b5 00 01 00 00",
          V_RRM, X64_UNPCKHPS, 13, 8, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "unpcklpd xmm9, xmm2", "66 44 0f 14 ca",
          L_RR, X64_UNPCKLPD, 9, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "unpcklpd xmm9, xmmword ptr [rax]", "66 44 0f 14 08",
          L_RM, X64_UNPCKLPD, 9, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vunpcklpd xmm0, xmm13, xmm4", "c5 91 14 c4",
          V_RRR, X64_UNPCKLPD, 0, 13, 4, 0, SM(RAX, 0), 0x0 },
        { "vunpcklpd xmm0, xmm13, xmmword ptr [rbp+0x0]", "c5 91 14 45 00",
          V_RRM, X64_UNPCKLPD, 0, 13, 0, 0, SM(RBP, 0), 0x0 },
        { "unpckhpd xmm14, xmm5", "66 44 0f 15 f5",
          L_RR, X64_UNPCKHPD, 14, 5, 0, 0, SM(RAX, 0), 0x0 },
        { "unpckhpd xmm14, xmmword ptr [rsp+0x8]", "66 44 0f 15 74 24 08",
          L_RM, X64_UNPCKHPD, 14, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vunpckhpd xmm3, xmm2, xmm11", "c4 c1 69 15 db",
          V_RRR, X64_UNPCKHPD, 3, 2, 11, 0, SM(RAX, 0), 0x0 },
        { "vunpckhpd xmm3, xmm2, xmmword ptr [rip+0x10]", "c5 e9 15 1d 10 00 00 00",
          V_RRM, X64_UNPCKHPD, 3, 2, 0, 0, SRIP(16), 0x0 },
        { "pand xmm3, xmm8", "66 41 0f db d8", L_RR, X64_PAND, 3, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "pand xmm3, xmmword ptr [r13+r14*4+0x100]", "66 43 0f db 9c b5 00 01 00 00",
          L_RM, X64_PAND, 3, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vpand xmm6, xmm7, xmm2", "c5 c1 db f2", V_RRR, X64_PAND, 6, 7, 2, 0, SM(RAX, 0), 0x0 },
        { "vpand xmm6, xmm7, xmmword ptr [r12-0x80]", "c4 c1 41 db 74 24 80",
          V_RRM, X64_PAND, 6, 7, 0, 0, SM(R12, -128), 0x0 },
        { "pandn xmm8, xmm11", "66 45 0f df c3", L_RR, X64_PANDN, 8, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "pandn xmm8, xmmword ptr [rbp+0x0]", "66 44 0f df 45 00",
          L_RM, X64_PANDN, 8, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vpandn xmm9, xmm12, xmm9", "c4 41 19 df c9",
          V_RRR, X64_PANDN, 9, 12, 9, 0, SM(RAX, 0), 0x0 },
        { "vpandn xmm9, xmm12, xmmword ptr [rbx+rcx*8]", "c5 19 df 0c cb",
          V_RRM, X64_PANDN, 9, 12, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "por xmm13, xmm14", "66 45 0f eb ee", L_RR, X64_POR, 13, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "por xmm13, xmmword ptr [rip+0x10]", "66 44 0f eb 2d 10 00 00 00",
          L_RM, X64_POR, 13, 0, 0, 0, SRIP(16), 0x0 },
        { "vpor xmm12, xmm1, xmm0", "c5 71 eb e0", V_RRR, X64_POR, 12, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "vpor xmm12, xmm1, xmmword ptr [r8+0x7f]", "c4 41 71 eb 60 7f",
          V_RRM, X64_POR, 12, 1, 0, 0, SM(R8, 127), 0x0 },
        { "pxor xmm2, xmm1", "66 0f ef d1", L_RR, X64_PXOR, 2, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "pxor xmm2, xmmword ptr [r12-0x80]", "66 41 0f ef 54 24 80",
          L_RM, X64_PXOR, 2, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vpxor xmm15, xmm6, xmm7", "c5 49 ef ff", V_RRR, X64_PXOR, 15, 6, 7, 0, SM(RAX, 0), 0x0 },
        { "vpxor xmm15, xmm6, xmmword ptr [rax]", "c5 49 ef 38",
          V_RRM, X64_PXOR, 15, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "paddb xmm7, xmm4", "66 0f fc fc", L_RR, X64_PADDB, 7, 4, 0, 0, SM(RAX, 0), 0x0 },
        { "paddb xmm7, xmmword ptr [rbx+rcx*8]", "66 0f fc 3c cb",
          L_RM, X64_PADDB, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vpaddb xmm2, xmm11, xmm14", "c4 c1 21 fc d6",
          V_RRR, X64_PADDB, 2, 11, 14, 0, SM(RAX, 0), 0x0 },
        { "vpaddb xmm2, xmm11, xmmword ptr [rsp+0x8]", "c5 a1 fc 54 24 08",
          V_RRM, X64_PADDB, 2, 11, 0, 0, SM(RSP, 8), 0x0 },
        { "paddw xmm12, xmm7", "66 44 0f fd e7", L_RR, X64_PADDW, 12, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "paddw xmm12, xmmword ptr [r8+0x7f]", "66 45 0f fd 60 7f",
          L_RM, X64_PADDW, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vpaddw xmm5, xmm0, xmm5", "c5 f9 fd ed", V_RRR, X64_PADDW, 5, 0, 5, 0, SM(RAX, 0), 0x0 },
        { "vpaddw xmm5, xmm0, xmmword ptr [r13+r14*4+0x100]", "c4 81 79 fd ac b5 00 01 00 00",
          V_RRM, X64_PADDW, 5, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "paddd xmm1, xmm10", "66 41 0f fe ca", L_RR, X64_PADDD, 1, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "paddd xmm1, xmmword ptr [rax]", "66 0f fe 08",
          L_RM, X64_PADDD, 1, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vpaddd xmm8, xmm5, xmm12", "c4 41 51 fe c4",
          V_RRR, X64_PADDD, 8, 5, 12, 0, SM(RAX, 0), 0x0 },
        { "vpaddd xmm8, xmm5, xmmword ptr [rbp+0x0]", "c5 51 fe 45 00",
          V_RRM, X64_PADDD, 8, 5, 0, 0, SM(RBP, 0), 0x0 },
        { "paddq xmm6, xmm13", "66 41 0f d4 f5", L_RR, X64_PADDQ, 6, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "paddq xmm6, xmmword ptr [rsp+0x8]", "66 0f d4 74 24 08",
          L_RM, X64_PADDQ, 6, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vpaddq xmm11, xmm10, xmm3", "c5 29 d4 db",
          V_RRR, X64_PADDQ, 11, 10, 3, 0, SM(RAX, 0), 0x0 },
        { "vpaddq xmm11, xmm10, xmmword ptr [rip+0x10]", "c5 29 d4 1d 10 00 00 00",
          V_RRM, X64_PADDQ, 11, 10, 0, 0, SRIP(16), 0x0 },
        { "paddsb xmm11, xmm0", "66 44 0f ec d8", L_RR, X64_PADDSB, 11, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "paddsb xmm11, xmmword ptr [r13+r14*4+0x100]", "66 47 0f ec 9c b5 00 01 00 00",
          L_RM, X64_PADDSB, 11, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vpaddsb xmm14, xmm15, xmm10", "c4 41 01 ec f2",
          V_RRR, X64_PADDSB, 14, 15, 10, 0, SM(RAX, 0), 0x0 },
        { "vpaddsb xmm14, xmm15, xmmword ptr [r12-0x80]", "c4 41 01 ec 74 24 80",
          V_RRM, X64_PADDSB, 14, 15, 0, 0, SM(R12, -128), 0x0 },
        { "paddsw xmm0, xmm3", "66 0f ed c3", L_RR, X64_PADDSW, 0, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "paddsw xmm0, xmmword ptr [rbp+0x0]", "66 0f ed 45 00",
          L_RM, X64_PADDSW, 0, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vpaddsw xmm1, xmm4, xmm1", "c5 d9 ed c9",
          V_RRR, X64_PADDSW, 1, 4, 1, 0, SM(RAX, 0), 0x0 },
        { "vpaddsw xmm1, xmm4, xmmword ptr [rbx+rcx*8]", "c5 d9 ed 0c cb",
          V_RRM, X64_PADDSW, 1, 4, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "paddusb xmm5, xmm6", "66 0f dc ee", L_RR, X64_PADDUSB, 5, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "paddusb xmm5, xmmword ptr [rip+0x10]", "66 0f dc 2d 10 00 00 00",
          L_RM, X64_PADDUSB, 5, 0, 0, 0, SRIP(16), 0x0 },
        { "vpaddusb xmm4, xmm9, xmm8", "c4 c1 31 dc e0",
          V_RRR, X64_PADDUSB, 4, 9, 8, 0, SM(RAX, 0), 0x0 },
        { "vpaddusb xmm4, xmm9, xmmword ptr [r8+0x7f]", "c4 c1 31 dc 60 7f",
          V_RRM, X64_PADDUSB, 4, 9, 0, 0, SM(R8, 127), 0x0 },
        { "paddusw xmm10, xmm9", "66 45 0f dd d1",
          L_RR, X64_PADDUSW, 10, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "paddusw xmm10, xmmword ptr [r12-0x80]", "66 45 0f dd 54 24 80",
          L_RM, X64_PADDUSW, 10, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vpaddusw xmm7, xmm14, xmm15", "c4 c1 09 dd ff",
          V_RRR, X64_PADDUSW, 7, 14, 15, 0, SM(RAX, 0), 0x0 },
        { "vpaddusw xmm7, xmm14, xmmword ptr [rax]", "c5 89 dd 38",
          V_RRM, X64_PADDUSW, 7, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "psubb xmm15, xmm12", "66 45 0f f8 fc", L_RR, X64_PSUBB, 15, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "psubb xmm15, xmmword ptr [rbx+rcx*8]", "66 44 0f f8 3c cb",
          L_RM, X64_PSUBB, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vpsubb xmm10, xmm3, xmm6", "c5 61 f8 d6",
          V_RRR, X64_PSUBB, 10, 3, 6, 0, SM(RAX, 0), 0x0 },
        { "vpsubb xmm10, xmm3, xmmword ptr [rsp+0x8]", "c5 61 f8 54 24 08",
          V_RRM, X64_PSUBB, 10, 3, 0, 0, SM(RSP, 8), 0x0 },
        { "psubw xmm4, xmm15", "66 41 0f f9 e7", L_RR, X64_PSUBW, 4, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "psubw xmm4, xmmword ptr [r8+0x7f]", "66 41 0f f9 60 7f",
          L_RM, X64_PSUBW, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vpsubw xmm13, xmm8, xmm13", "c4 41 39 f9 ed",
          V_RRR, X64_PSUBW, 13, 8, 13, 0, SM(RAX, 0), 0x0 },
        { "vpsubw xmm13, xmm8, xmmword ptr [r13+r14*4+0x100]", "c4 01 39 f9 ac b5 00 01 00 00",
          V_RRM, X64_PSUBW, 13, 8, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "psubd xmm9, xmm2", "66 44 0f fa ca", L_RR, X64_PSUBD, 9, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "psubd xmm9, xmmword ptr [rax]", "66 44 0f fa 08",
          L_RM, X64_PSUBD, 9, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vpsubd xmm0, xmm13, xmm4", "c5 91 fa c4",
          V_RRR, X64_PSUBD, 0, 13, 4, 0, SM(RAX, 0), 0x0 },
        { "vpsubd xmm0, xmm13, xmmword ptr [rbp+0x0]", "c5 91 fa 45 00",
          V_RRM, X64_PSUBD, 0, 13, 0, 0, SM(RBP, 0), 0x0 },
        { "psubq xmm14, xmm5", "66 44 0f fb f5", L_RR, X64_PSUBQ, 14, 5, 0, 0, SM(RAX, 0), 0x0 },
        { "psubq xmm14, xmmword ptr [rsp+0x8]", "66 44 0f fb 74 24 08",
          L_RM, X64_PSUBQ, 14, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vpsubq xmm3, xmm2, xmm11", "c4 c1 69 fb db",
          V_RRR, X64_PSUBQ, 3, 2, 11, 0, SM(RAX, 0), 0x0 },
        { "vpsubq xmm3, xmm2, xmmword ptr [rip+0x10]", "c5 e9 fb 1d 10 00 00 00",
          V_RRM, X64_PSUBQ, 3, 2, 0, 0, SRIP(16), 0x0 },
        { "psubsb xmm3, xmm8", "66 41 0f e8 d8", L_RR, X64_PSUBSB, 3, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "psubsb xmm3, xmmword ptr [r13+r14*4+0x100]", "66 43 0f e8 9c b5 00 01 00 00",
          L_RM, X64_PSUBSB, 3, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vpsubsb xmm6, xmm7, xmm2", "c5 c1 e8 f2",
          V_RRR, X64_PSUBSB, 6, 7, 2, 0, SM(RAX, 0), 0x0 },
        { "vpsubsb xmm6, xmm7, xmmword ptr [r12-0x80]", "c4 c1 41 e8 74 24 80",
          V_RRM, X64_PSUBSB, 6, 7, 0, 0, SM(R12, -128), 0x0 },
        { "psubsw xmm8, xmm11", "66 45 0f e9 c3", L_RR, X64_PSUBSW, 8, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "psubsw xmm8, xmmword ptr [rbp+0x0]", "66 44 0f e9 45 00",
          L_RM, X64_PSUBSW, 8, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vpsubsw xmm9, xmm12, xmm9", "c4 41 19 e9 c9",
          V_RRR, X64_PSUBSW, 9, 12, 9, 0, SM(RAX, 0), 0x0 },
        { "vpsubsw xmm9, xmm12, xmmword ptr [rbx+rcx*8]", "c5 19 e9 0c cb",
          V_RRM, X64_PSUBSW, 9, 12, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "psubusb xmm13, xmm14", "66 45 0f d8 ee",
          L_RR, X64_PSUBUSB, 13, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "psubusb xmm13, xmmword ptr [rip+0x10]", "66 44 0f d8 2d 10 00 00 00",
          L_RM, X64_PSUBUSB, 13, 0, 0, 0, SRIP(16), 0x0 },
        { "vpsubusb xmm12, xmm1, xmm0", "c5 71 d8 e0",
          V_RRR, X64_PSUBUSB, 12, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "vpsubusb xmm12, xmm1, xmmword ptr [r8+0x7f]", "c4 41 71 d8 60 7f",
          V_RRM, X64_PSUBUSB, 12, 1, 0, 0, SM(R8, 127), 0x0 },
        { "psubusw xmm2, xmm1", "66 0f d9 d1", L_RR, X64_PSUBUSW, 2, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "psubusw xmm2, xmmword ptr [r12-0x80]", "66 41 0f d9 54 24 80",
          L_RM, X64_PSUBUSW, 2, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vpsubusw xmm15, xmm6, xmm7", "c5 49 d9 ff",
          V_RRR, X64_PSUBUSW, 15, 6, 7, 0, SM(RAX, 0), 0x0 },
        { "vpsubusw xmm15, xmm6, xmmword ptr [rax]", "c5 49 d9 38",
          V_RRM, X64_PSUBUSW, 15, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "pmullw xmm7, xmm4", "66 0f d5 fc", L_RR, X64_PMULLW, 7, 4, 0, 0, SM(RAX, 0), 0x0 },
        { "pmullw xmm7, xmmword ptr [rbx+rcx*8]", "66 0f d5 3c cb",
          L_RM, X64_PMULLW, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vpmullw xmm2, xmm11, xmm14", "c4 c1 21 d5 d6",
          V_RRR, X64_PMULLW, 2, 11, 14, 0, SM(RAX, 0), 0x0 },
        { "vpmullw xmm2, xmm11, xmmword ptr [rsp+0x8]", "c5 a1 d5 54 24 08",
          V_RRM, X64_PMULLW, 2, 11, 0, 0, SM(RSP, 8), 0x0 },
        { "pmulhw xmm12, xmm7", "66 44 0f e5 e7", L_RR, X64_PMULHW, 12, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "pmulhw xmm12, xmmword ptr [r8+0x7f]", "66 45 0f e5 60 7f",
          L_RM, X64_PMULHW, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vpmulhw xmm5, xmm0, xmm5", "c5 f9 e5 ed",
          V_RRR, X64_PMULHW, 5, 0, 5, 0, SM(RAX, 0), 0x0 },
        { "vpmulhw xmm5, xmm0, xmmword ptr [r13+r14*4+0x100]", "c4 81 79 e5 ac b5 00 01 00 00",
          V_RRM, X64_PMULHW, 5, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "pmulhuw xmm1, xmm10", "66 41 0f e4 ca",
          L_RR, X64_PMULHUW, 1, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "pmulhuw xmm1, xmmword ptr [rax]", "66 0f e4 08",
          L_RM, X64_PMULHUW, 1, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmulhuw xmm8, xmm5, xmm12", "c4 41 51 e4 c4",
          V_RRR, X64_PMULHUW, 8, 5, 12, 0, SM(RAX, 0), 0x0 },
        { "vpmulhuw xmm8, xmm5, xmmword ptr [rbp+0x0]", "c5 51 e4 45 00",
          V_RRM, X64_PMULHUW, 8, 5, 0, 0, SM(RBP, 0), 0x0 },
        { "pmuludq xmm6, xmm13", "66 41 0f f4 f5",
          L_RR, X64_PMULUDQ, 6, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "pmuludq xmm6, xmmword ptr [rsp+0x8]", "66 0f f4 74 24 08",
          L_RM, X64_PMULUDQ, 6, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vpmuludq xmm11, xmm10, xmm3", "c5 29 f4 db",
          V_RRR, X64_PMULUDQ, 11, 10, 3, 0, SM(RAX, 0), 0x0 },
        { "vpmuludq xmm11, xmm10, xmmword ptr [rip+0x10]", "c5 29 f4 1d 10 00 00 00",
          V_RRM, X64_PMULUDQ, 11, 10, 0, 0, SRIP(16), 0x0 },
        { "pmaddwd xmm11, xmm0", "66 44 0f f5 d8",
          L_RR, X64_PMADDWD, 11, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "pmaddwd xmm11, xmmword ptr [r13+r14*4+0x100]", "66 47 0f f5 9c b5 00 01 00 00",
          L_RM, X64_PMADDWD, 11, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vpmaddwd xmm14, xmm15, xmm10", "c4 41 01 f5 f2",
          V_RRR, X64_PMADDWD, 14, 15, 10, 0, SM(RAX, 0), 0x0 },
        { "vpmaddwd xmm14, xmm15, xmmword ptr [r12-0x80]", "c4 41 01 f5 74 24 80",
          V_RRM, X64_PMADDWD, 14, 15, 0, 0, SM(R12, -128), 0x0 },
        { "pmulld xmm0, xmm3", "66 0f 38 40 c3", L_RR, X64_PMULLD, 0, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "pmulld xmm0, xmmword ptr [rbp+0x0]", "66 0f 38 40 45 00",
          L_RM, X64_PMULLD, 0, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vpmulld xmm1, xmm4, xmm1", "c4 e2 59 40 c9",
          V_RRR, X64_PMULLD, 1, 4, 1, 0, SM(RAX, 0), 0x0 },
        { "vpmulld xmm1, xmm4, xmmword ptr [rbx+rcx*8]", "c4 e2 59 40 0c cb",
          V_RRM, X64_PMULLD, 1, 4, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "pmuldq xmm5, xmm6", "66 0f 38 28 ee", L_RR, X64_PMULDQ, 5, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "pmuldq xmm5, xmmword ptr [rip+0x10]", "66 0f 38 28 2d 10 00 00 00",
          L_RM, X64_PMULDQ, 5, 0, 0, 0, SRIP(16), 0x0 },
        { "vpmuldq xmm4, xmm9, xmm8", "c4 c2 31 28 e0",
          V_RRR, X64_PMULDQ, 4, 9, 8, 0, SM(RAX, 0), 0x0 },
        { "vpmuldq xmm4, xmm9, xmmword ptr [r8+0x7f]", "c4 c2 31 28 60 7f",
          V_RRM, X64_PMULDQ, 4, 9, 0, 0, SM(R8, 127), 0x0 },
        { "pmulhrsw xmm10, xmm9", "66 45 0f 38 0b d1",
          L_RR, X64_PMULHRSW, 10, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "pmulhrsw xmm10, xmmword ptr [r12-0x80]", "66 45 0f 38 0b 54 24 80",
          L_RM, X64_PMULHRSW, 10, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vpmulhrsw xmm7, xmm14, xmm15", "c4 c2 09 0b ff",
          V_RRR, X64_PMULHRSW, 7, 14, 15, 0, SM(RAX, 0), 0x0 },
        { "vpmulhrsw xmm7, xmm14, xmmword ptr [rax]", "c4 e2 09 0b 38",
          V_RRM, X64_PMULHRSW, 7, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "pmaddubsw xmm15, xmm12", "66 45 0f 38 04 fc",
          L_RR, X64_PMADDUBSW, 15, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "pmaddubsw xmm15, xmmword ptr [rbx+rcx*8]", "66 44 0f 38 04 3c cb",
          L_RM, X64_PMADDUBSW, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vpmaddubsw xmm10, xmm3, xmm6", "c4 62 61 04 d6",
          V_RRR, X64_PMADDUBSW, 10, 3, 6, 0, SM(RAX, 0), 0x0 },
        { "vpmaddubsw xmm10, xmm3, xmmword ptr [rsp+0x8]", "c4 62 61 04 54 24 08",
          V_RRM, X64_PMADDUBSW, 10, 3, 0, 0, SM(RSP, 8), 0x0 },
        { "pavgb xmm4, xmm15", "66 41 0f e0 e7", L_RR, X64_PAVGB, 4, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "pavgb xmm4, xmmword ptr [r8+0x7f]", "66 41 0f e0 60 7f",
          L_RM, X64_PAVGB, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vpavgb xmm13, xmm8, xmm13", "c4 41 39 e0 ed",
          V_RRR, X64_PAVGB, 13, 8, 13, 0, SM(RAX, 0), 0x0 },
        { "vpavgb xmm13, xmm8, xmmword ptr [r13+r14*4+0x100]", "c4 01 39 e0 ac b5 00 01 00 00",
          V_RRM, X64_PAVGB, 13, 8, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "pavgw xmm9, xmm2", "66 44 0f e3 ca", L_RR, X64_PAVGW, 9, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "pavgw xmm9, xmmword ptr [rax]", "66 44 0f e3 08",
          L_RM, X64_PAVGW, 9, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vpavgw xmm0, xmm13, xmm4", "c5 91 e3 c4",
          V_RRR, X64_PAVGW, 0, 13, 4, 0, SM(RAX, 0), 0x0 },
        { "vpavgw xmm0, xmm13, xmmword ptr [rbp+0x0]", "c5 91 e3 45 00",
          V_RRM, X64_PAVGW, 0, 13, 0, 0, SM(RBP, 0), 0x0 },
        { "pabsb xmm14, xmm5", "66 44 0f 38 1c f5", L_RR, X64_PABSB, 14, 5, 0, 0, SM(RAX, 0), 0x0 },
        { "pabsb xmm14, xmmword ptr [rsp+0x8]", "66 44 0f 38 1c 74 24 08",
          L_RM, X64_PABSB, 14, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vpabsb xmm3, xmm11", "c4 c2 79 1c db", V_RR, X64_PABSB, 3, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "vpabsb xmm3, xmmword ptr [rip+0x10]", "c4 e2 79 1c 1d 10 00 00 00",
          V_RM, X64_PABSB, 3, 0, 0, 0, SRIP(16), 0x0 },
        { "pabsw xmm3, xmm8", "66 41 0f 38 1d d8", L_RR, X64_PABSW, 3, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "pabsw xmm3, xmmword ptr [r13+r14*4+0x100]", "66 43 0f 38 1d 9c b5 00 01 00 00",
          L_RM, X64_PABSW, 3, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vpabsw xmm6, xmm2", "c4 e2 79 1d f2", V_RR, X64_PABSW, 6, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "vpabsw xmm6, xmmword ptr [r12-0x80]", "c4 c2 79 1d 74 24 80",
          V_RM, X64_PABSW, 6, 0, 0, 0, SM(R12, -128), 0x0 },
        { "pabsd xmm8, xmm11", "66 45 0f 38 1e c3", L_RR, X64_PABSD, 8, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "pabsd xmm8, xmmword ptr [rbp+0x0]", "66 44 0f 38 1e 45 00",
          L_RM, X64_PABSD, 8, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vpabsd xmm9, xmm9", "c4 42 79 1e c9", V_RR, X64_PABSD, 9, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "vpabsd xmm9, xmmword ptr [rbx+rcx*8]", "c4 62 79 1e 0c cb",
          V_RM, X64_PABSD, 9, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "pcmpeqb xmm13, xmm14", "66 45 0f 74 ee",
          L_RR, X64_PCMPEQB, 13, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "pcmpeqb xmm13, xmmword ptr [rip+0x10]", "66 44 0f 74 2d 10 00 00 00",
          L_RM, X64_PCMPEQB, 13, 0, 0, 0, SRIP(16), 0x0 },
        { "vpcmpeqb xmm12, xmm1, xmm0", "c5 71 74 e0",
          V_RRR, X64_PCMPEQB, 12, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "vpcmpeqb xmm12, xmm1, xmmword ptr [r8+0x7f]", "c4 41 71 74 60 7f",
          V_RRM, X64_PCMPEQB, 12, 1, 0, 0, SM(R8, 127), 0x0 },
        { "pcmpeqw xmm2, xmm1", "66 0f 75 d1", L_RR, X64_PCMPEQW, 2, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "pcmpeqw xmm2, xmmword ptr [r12-0x80]", "66 41 0f 75 54 24 80",
          L_RM, X64_PCMPEQW, 2, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vpcmpeqw xmm15, xmm6, xmm7", "c5 49 75 ff",
          V_RRR, X64_PCMPEQW, 15, 6, 7, 0, SM(RAX, 0), 0x0 },
        { "vpcmpeqw xmm15, xmm6, xmmword ptr [rax]", "c5 49 75 38",
          V_RRM, X64_PCMPEQW, 15, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "pcmpeqd xmm7, xmm4", "66 0f 76 fc", L_RR, X64_PCMPEQD, 7, 4, 0, 0, SM(RAX, 0), 0x0 },
        { "pcmpeqd xmm7, xmmword ptr [rbx+rcx*8]", "66 0f 76 3c cb",
          L_RM, X64_PCMPEQD, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vpcmpeqd xmm2, xmm11, xmm14", "c4 c1 21 76 d6",
          V_RRR, X64_PCMPEQD, 2, 11, 14, 0, SM(RAX, 0), 0x0 },
        { "vpcmpeqd xmm2, xmm11, xmmword ptr [rsp+0x8]", "c5 a1 76 54 24 08",
          V_RRM, X64_PCMPEQD, 2, 11, 0, 0, SM(RSP, 8), 0x0 },
        { "pcmpeqq xmm12, xmm7", "66 44 0f 38 29 e7",
          L_RR, X64_PCMPEQQ, 12, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "pcmpeqq xmm12, xmmword ptr [r8+0x7f]", "66 45 0f 38 29 60 7f",
          L_RM, X64_PCMPEQQ, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vpcmpeqq xmm5, xmm0, xmm5", "c4 e2 79 29 ed",
          V_RRR, X64_PCMPEQQ, 5, 0, 5, 0, SM(RAX, 0), 0x0 },
        { "vpcmpeqq xmm5, xmm0, xmmword ptr [r13+r14*4+0x100]", "c4 82 79 29 ac b5 00 01 00 00",
          V_RRM, X64_PCMPEQQ, 5, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "pcmpgtb xmm1, xmm10", "66 41 0f 64 ca",
          L_RR, X64_PCMPGTB, 1, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "pcmpgtb xmm1, xmmword ptr [rax]", "66 0f 64 08",
          L_RM, X64_PCMPGTB, 1, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vpcmpgtb xmm8, xmm5, xmm12", "c4 41 51 64 c4",
          V_RRR, X64_PCMPGTB, 8, 5, 12, 0, SM(RAX, 0), 0x0 },
        { "vpcmpgtb xmm8, xmm5, xmmword ptr [rbp+0x0]", "c5 51 64 45 00",
          V_RRM, X64_PCMPGTB, 8, 5, 0, 0, SM(RBP, 0), 0x0 },
        { "pcmpgtw xmm6, xmm13", "66 41 0f 65 f5",
          L_RR, X64_PCMPGTW, 6, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "pcmpgtw xmm6, xmmword ptr [rsp+0x8]", "66 0f 65 74 24 08",
          L_RM, X64_PCMPGTW, 6, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vpcmpgtw xmm11, xmm10, xmm3", "c5 29 65 db",
          V_RRR, X64_PCMPGTW, 11, 10, 3, 0, SM(RAX, 0), 0x0 },
        { "vpcmpgtw xmm11, xmm10, xmmword ptr [rip+0x10]", "c5 29 65 1d 10 00 00 00",
          V_RRM, X64_PCMPGTW, 11, 10, 0, 0, SRIP(16), 0x0 },
        { "pcmpgtd xmm11, xmm0", "66 44 0f 66 d8",
          L_RR, X64_PCMPGTD, 11, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "pcmpgtd xmm11, xmmword ptr [r13+r14*4+0x100]", "66 47 0f 66 9c b5 00 01 00 00",
          L_RM, X64_PCMPGTD, 11, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vpcmpgtd xmm14, xmm15, xmm10", "c4 41 01 66 f2",
          V_RRR, X64_PCMPGTD, 14, 15, 10, 0, SM(RAX, 0), 0x0 },
        { "vpcmpgtd xmm14, xmm15, xmmword ptr [r12-0x80]", "c4 41 01 66 74 24 80",
          V_RRM, X64_PCMPGTD, 14, 15, 0, 0, SM(R12, -128), 0x0 },
        { "pcmpgtq xmm0, xmm3", "66 0f 38 37 c3", L_RR, X64_PCMPGTQ, 0, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "pcmpgtq xmm0, xmmword ptr [rbp+0x0]", "66 0f 38 37 45 00",
          L_RM, X64_PCMPGTQ, 0, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vpcmpgtq xmm1, xmm4, xmm1", "c4 e2 59 37 c9",
          V_RRR, X64_PCMPGTQ, 1, 4, 1, 0, SM(RAX, 0), 0x0 },
        { "vpcmpgtq xmm1, xmm4, xmmword ptr [rbx+rcx*8]", "c4 e2 59 37 0c cb",
          V_RRM, X64_PCMPGTQ, 1, 4, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "pminsb xmm5, xmm6", "66 0f 38 38 ee", L_RR, X64_PMINSB, 5, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "pminsb xmm5, xmmword ptr [rip+0x10]", "66 0f 38 38 2d 10 00 00 00",
          L_RM, X64_PMINSB, 5, 0, 0, 0, SRIP(16), 0x0 },
        { "vpminsb xmm4, xmm9, xmm8", "c4 c2 31 38 e0",
          V_RRR, X64_PMINSB, 4, 9, 8, 0, SM(RAX, 0), 0x0 },
        { "vpminsb xmm4, xmm9, xmmword ptr [r8+0x7f]", "c4 c2 31 38 60 7f",
          V_RRM, X64_PMINSB, 4, 9, 0, 0, SM(R8, 127), 0x0 },
        { "pminsw xmm10, xmm9", "66 45 0f ea d1", L_RR, X64_PMINSW, 10, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "pminsw xmm10, xmmword ptr [r12-0x80]", "66 45 0f ea 54 24 80",
          L_RM, X64_PMINSW, 10, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vpminsw xmm7, xmm14, xmm15", "c4 c1 09 ea ff",
          V_RRR, X64_PMINSW, 7, 14, 15, 0, SM(RAX, 0), 0x0 },
        { "vpminsw xmm7, xmm14, xmmword ptr [rax]", "c5 89 ea 38",
          V_RRM, X64_PMINSW, 7, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "pminsd xmm15, xmm12", "66 45 0f 38 39 fc",
          L_RR, X64_PMINSD, 15, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "pminsd xmm15, xmmword ptr [rbx+rcx*8]", "66 44 0f 38 39 3c cb",
          L_RM, X64_PMINSD, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vpminsd xmm10, xmm3, xmm6", "c4 62 61 39 d6",
          V_RRR, X64_PMINSD, 10, 3, 6, 0, SM(RAX, 0), 0x0 },
        { "vpminsd xmm10, xmm3, xmmword ptr [rsp+0x8]", "c4 62 61 39 54 24 08",
          V_RRM, X64_PMINSD, 10, 3, 0, 0, SM(RSP, 8), 0x0 },
        { "pminub xmm4, xmm15", "66 41 0f da e7", L_RR, X64_PMINUB, 4, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "pminub xmm4, xmmword ptr [r8+0x7f]", "66 41 0f da 60 7f",
          L_RM, X64_PMINUB, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vpminub xmm13, xmm8, xmm13", "c4 41 39 da ed",
          V_RRR, X64_PMINUB, 13, 8, 13, 0, SM(RAX, 0), 0x0 },
        { "vpminub xmm13, xmm8, xmmword ptr [r13+r14*4+0x100]", "c4 01 39 da ac b5 00 01 00 00",
          V_RRM, X64_PMINUB, 13, 8, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "pminuw xmm9, xmm2", "66 44 0f 38 3a ca", L_RR, X64_PMINUW, 9, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "pminuw xmm9, xmmword ptr [rax]", "66 44 0f 38 3a 08",
          L_RM, X64_PMINUW, 9, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vpminuw xmm0, xmm13, xmm4", "c4 e2 11 3a c4",
          V_RRR, X64_PMINUW, 0, 13, 4, 0, SM(RAX, 0), 0x0 },
        { "vpminuw xmm0, xmm13, xmmword ptr [rbp+0x0]", "c4 e2 11 3a 45 00",
          V_RRM, X64_PMINUW, 0, 13, 0, 0, SM(RBP, 0), 0x0 },
        { "pminud xmm14, xmm5", "66 44 0f 38 3b f5",
          L_RR, X64_PMINUD, 14, 5, 0, 0, SM(RAX, 0), 0x0 },
        { "pminud xmm14, xmmword ptr [rsp+0x8]", "66 44 0f 38 3b 74 24 08",
          L_RM, X64_PMINUD, 14, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vpminud xmm3, xmm2, xmm11", "c4 c2 69 3b db",
          V_RRR, X64_PMINUD, 3, 2, 11, 0, SM(RAX, 0), 0x0 },
        { "vpminud xmm3, xmm2, xmmword ptr [rip+0x10]", "c4 e2 69 3b 1d 10 00 00 00",
          V_RRM, X64_PMINUD, 3, 2, 0, 0, SRIP(16), 0x0 },
        { "pmaxsb xmm3, xmm8", "66 41 0f 38 3c d8", L_RR, X64_PMAXSB, 3, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "pmaxsb xmm3, xmmword ptr [r13+r14*4+0x100]", "66 43 0f 38 3c 9c b5 00 01 00 00",
          L_RM, X64_PMAXSB, 3, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vpmaxsb xmm6, xmm7, xmm2", "c4 e2 41 3c f2",
          V_RRR, X64_PMAXSB, 6, 7, 2, 0, SM(RAX, 0), 0x0 },
        { "vpmaxsb xmm6, xmm7, xmmword ptr [r12-0x80]", "c4 c2 41 3c 74 24 80",
          V_RRM, X64_PMAXSB, 6, 7, 0, 0, SM(R12, -128), 0x0 },
        { "pmaxsw xmm8, xmm11", "66 45 0f ee c3", L_RR, X64_PMAXSW, 8, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "pmaxsw xmm8, xmmword ptr [rbp+0x0]", "66 44 0f ee 45 00",
          L_RM, X64_PMAXSW, 8, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vpmaxsw xmm9, xmm12, xmm9", "c4 41 19 ee c9",
          V_RRR, X64_PMAXSW, 9, 12, 9, 0, SM(RAX, 0), 0x0 },
        { "vpmaxsw xmm9, xmm12, xmmword ptr [rbx+rcx*8]", "c5 19 ee 0c cb",
          V_RRM, X64_PMAXSW, 9, 12, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "pmaxsd xmm13, xmm14", "66 45 0f 38 3d ee",
          L_RR, X64_PMAXSD, 13, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "pmaxsd xmm13, xmmword ptr [rip+0x10]", "66 44 0f 38 3d 2d 10 00 00 00",
          L_RM, X64_PMAXSD, 13, 0, 0, 0, SRIP(16), 0x0 },
        { "vpmaxsd xmm12, xmm1, xmm0", "c4 62 71 3d e0",
          V_RRR, X64_PMAXSD, 12, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmaxsd xmm12, xmm1, xmmword ptr [r8+0x7f]", "c4 42 71 3d 60 7f",
          V_RRM, X64_PMAXSD, 12, 1, 0, 0, SM(R8, 127), 0x0 },
        { "pmaxub xmm2, xmm1", "66 0f de d1", L_RR, X64_PMAXUB, 2, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "pmaxub xmm2, xmmword ptr [r12-0x80]", "66 41 0f de 54 24 80",
          L_RM, X64_PMAXUB, 2, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vpmaxub xmm15, xmm6, xmm7", "c5 49 de ff",
          V_RRR, X64_PMAXUB, 15, 6, 7, 0, SM(RAX, 0), 0x0 },
        { "vpmaxub xmm15, xmm6, xmmword ptr [rax]", "c5 49 de 38",
          V_RRM, X64_PMAXUB, 15, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "pmaxuw xmm7, xmm4", "66 0f 38 3e fc", L_RR, X64_PMAXUW, 7, 4, 0, 0, SM(RAX, 0), 0x0 },
        { "pmaxuw xmm7, xmmword ptr [rbx+rcx*8]", "66 0f 38 3e 3c cb",
          L_RM, X64_PMAXUW, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vpmaxuw xmm2, xmm11, xmm14", "c4 c2 21 3e d6",
          V_RRR, X64_PMAXUW, 2, 11, 14, 0, SM(RAX, 0), 0x0 },
        { "vpmaxuw xmm2, xmm11, xmmword ptr [rsp+0x8]", "c4 e2 21 3e 54 24 08",
          V_RRM, X64_PMAXUW, 2, 11, 0, 0, SM(RSP, 8), 0x0 },
        { "pmaxud xmm12, xmm7", "66 44 0f 38 3f e7",
          L_RR, X64_PMAXUD, 12, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "pmaxud xmm12, xmmword ptr [r8+0x7f]", "66 45 0f 38 3f 60 7f",
          L_RM, X64_PMAXUD, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vpmaxud xmm5, xmm0, xmm5", "c4 e2 79 3f ed",
          V_RRR, X64_PMAXUD, 5, 0, 5, 0, SM(RAX, 0), 0x0 },
        { "vpmaxud xmm5, xmm0, xmmword ptr [r13+r14*4+0x100]", "c4 82 79 3f ac b5 00 01 00 00",
          V_RRM, X64_PMAXUD, 5, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "psllw xmm1, xmm10", "66 41 0f f1 ca", L_RR, X64_PSLLW, 1, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "psllw xmm1, xmmword ptr [rax]", "66 0f f1 08",
          L_RM, X64_PSLLW, 1, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vpsllw xmm8, xmm5, xmm12", "c4 41 51 f1 c4",
          V_RRR, X64_PSLLW, 8, 5, 12, 0, SM(RAX, 0), 0x0 },
        { "vpsllw xmm8, xmm5, xmmword ptr [rbp+0x0]", "c5 51 f1 45 00",
          V_RRM, X64_PSLLW, 8, 5, 0, 0, SM(RBP, 0), 0x0 },
        { "pslld xmm6, xmm13", "66 41 0f f2 f5", L_RR, X64_PSLLD, 6, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "pslld xmm6, xmmword ptr [rsp+0x8]", "66 0f f2 74 24 08",
          L_RM, X64_PSLLD, 6, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vpslld xmm11, xmm10, xmm3", "c5 29 f2 db",
          V_RRR, X64_PSLLD, 11, 10, 3, 0, SM(RAX, 0), 0x0 },
        { "vpslld xmm11, xmm10, xmmword ptr [rip+0x10]", "c5 29 f2 1d 10 00 00 00",
          V_RRM, X64_PSLLD, 11, 10, 0, 0, SRIP(16), 0x0 },
        { "psllq xmm11, xmm0", "66 44 0f f3 d8", L_RR, X64_PSLLQ, 11, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "psllq xmm11, xmmword ptr [r13+r14*4+0x100]", "66 47 0f f3 9c b5 00 01 00 00",
          L_RM, X64_PSLLQ, 11, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vpsllq xmm14, xmm15, xmm10", "c4 41 01 f3 f2",
          V_RRR, X64_PSLLQ, 14, 15, 10, 0, SM(RAX, 0), 0x0 },
        { "vpsllq xmm14, xmm15, xmmword ptr [r12-0x80]", "c4 41 01 f3 74 24 80",
          V_RRM, X64_PSLLQ, 14, 15, 0, 0, SM(R12, -128), 0x0 },
        { "psrlw xmm0, xmm3", "66 0f d1 c3", L_RR, X64_PSRLW, 0, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "psrlw xmm0, xmmword ptr [rbp+0x0]", "66 0f d1 45 00",
          L_RM, X64_PSRLW, 0, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vpsrlw xmm1, xmm4, xmm1", "c5 d9 d1 c9", V_RRR, X64_PSRLW, 1, 4, 1, 0, SM(RAX, 0), 0x0 },
        { "vpsrlw xmm1, xmm4, xmmword ptr [rbx+rcx*8]", "c5 d9 d1 0c cb",
          V_RRM, X64_PSRLW, 1, 4, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "psrld xmm5, xmm6", "66 0f d2 ee", L_RR, X64_PSRLD, 5, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "psrld xmm5, xmmword ptr [rip+0x10]", "66 0f d2 2d 10 00 00 00",
          L_RM, X64_PSRLD, 5, 0, 0, 0, SRIP(16), 0x0 },
        { "vpsrld xmm4, xmm9, xmm8", "c4 c1 31 d2 e0",
          V_RRR, X64_PSRLD, 4, 9, 8, 0, SM(RAX, 0), 0x0 },
        { "vpsrld xmm4, xmm9, xmmword ptr [r8+0x7f]", "c4 c1 31 d2 60 7f",
          V_RRM, X64_PSRLD, 4, 9, 0, 0, SM(R8, 127), 0x0 },
        { "psrlq xmm10, xmm9", "66 45 0f d3 d1", L_RR, X64_PSRLQ, 10, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "psrlq xmm10, xmmword ptr [r12-0x80]", "66 45 0f d3 54 24 80",
          L_RM, X64_PSRLQ, 10, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vpsrlq xmm7, xmm14, xmm15", "c4 c1 09 d3 ff",
          V_RRR, X64_PSRLQ, 7, 14, 15, 0, SM(RAX, 0), 0x0 },
        { "vpsrlq xmm7, xmm14, xmmword ptr [rax]", "c5 89 d3 38",
          V_RRM, X64_PSRLQ, 7, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "psraw xmm15, xmm12", "66 45 0f e1 fc", L_RR, X64_PSRAW, 15, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "psraw xmm15, xmmword ptr [rbx+rcx*8]", "66 44 0f e1 3c cb",
          L_RM, X64_PSRAW, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vpsraw xmm10, xmm3, xmm6", "c5 61 e1 d6",
          V_RRR, X64_PSRAW, 10, 3, 6, 0, SM(RAX, 0), 0x0 },
        { "vpsraw xmm10, xmm3, xmmword ptr [rsp+0x8]", "c5 61 e1 54 24 08",
          V_RRM, X64_PSRAW, 10, 3, 0, 0, SM(RSP, 8), 0x0 },
        { "psrad xmm4, xmm15", "66 41 0f e2 e7", L_RR, X64_PSRAD, 4, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "psrad xmm4, xmmword ptr [r8+0x7f]", "66 41 0f e2 60 7f",
          L_RM, X64_PSRAD, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vpsrad xmm13, xmm8, xmm13", "c4 41 39 e2 ed",
          V_RRR, X64_PSRAD, 13, 8, 13, 0, SM(RAX, 0), 0x0 },
        { "vpsrad xmm13, xmm8, xmmword ptr [r13+r14*4+0x100]", "c4 01 39 e2 ac b5 00 01 00 00",
          V_RRM, X64_PSRAD, 13, 8, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "psllw xmm9, 0x4b", "66 41 0f 71 f1 4b",
          L_RR, X64_PSLLW_I, 9, 9, 0, 0, SM(RAX, 0), 0x4b },
        { "vpsllw xmm0, xmm4, 0x4b", "c5 f9 71 f4 4b",
          V_RR, X64_PSLLW_I, 0, 4, 0, 0, SM(RAX, 0), 0x4b },
        { "pslld xmm14, 0x70", "66 41 0f 72 f6 70",
          L_RR, X64_PSLLD_I, 14, 14, 0, 0, SM(RAX, 0), 0x70 },
        { "vpslld xmm3, xmm11, 0x70", "c4 c1 61 72 f3 70",
          V_RR, X64_PSLLD_I, 3, 11, 0, 0, SM(RAX, 0), 0x70 },
        { "psllq xmm3, 0x95", "66 0f 73 f3 95", L_RR, X64_PSLLQ_I, 3, 3, 0, 0, SM(RAX, 0), 0x95 },
        { "vpsllq xmm6, xmm2, 0x95", "c5 c9 73 f2 95",
          V_RR, X64_PSLLQ_I, 6, 2, 0, 0, SM(RAX, 0), 0x95 },
        { "psrlw xmm8, 0xba", "66 41 0f 71 d0 ba",
          L_RR, X64_PSRLW_I, 8, 8, 0, 0, SM(RAX, 0), 0xba },
        { "vpsrlw xmm9, xmm9, 0xba", "c4 c1 31 71 d1 ba",
          V_RR, X64_PSRLW_I, 9, 9, 0, 0, SM(RAX, 0), 0xba },
        { "psrld xmm13, 0xdf", "66 41 0f 72 d5 df",
          L_RR, X64_PSRLD_I, 13, 13, 0, 0, SM(RAX, 0), 0xdf },
        { "vpsrld xmm12, xmm0, 0xdf", "c5 99 72 d0 df",
          V_RR, X64_PSRLD_I, 12, 0, 0, 0, SM(RAX, 0), 0xdf },
        { "psrlq xmm2, 0x4", "66 0f 73 d2 04", L_RR, X64_PSRLQ_I, 2, 2, 0, 0, SM(RAX, 0), 0x4 },
        { "vpsrlq xmm15, xmm7, 0x4", "c5 81 73 d7 04",
          V_RR, X64_PSRLQ_I, 15, 7, 0, 0, SM(RAX, 0), 0x4 },
        { "psraw xmm7, 0x29", "66 0f 71 e7 29", L_RR, X64_PSRAW_I, 7, 7, 0, 0, SM(RAX, 0), 0x29 },
        { "vpsraw xmm2, xmm14, 0x29", "c4 c1 69 71 e6 29",
          V_RR, X64_PSRAW_I, 2, 14, 0, 0, SM(RAX, 0), 0x29 },
        { "psrad xmm12, 0x4e", "66 41 0f 72 e4 4e",
          L_RR, X64_PSRAD_I, 12, 12, 0, 0, SM(RAX, 0), 0x4e },
        { "vpsrad xmm5, xmm5, 0x4e", "c5 d1 72 e5 4e",
          V_RR, X64_PSRAD_I, 5, 5, 0, 0, SM(RAX, 0), 0x4e },
        { "pslldq xmm1, 0x73", "66 0f 73 f9 73", L_RR, X64_PSLLDQ, 1, 1, 0, 0, SM(RAX, 0), 0x73 },
        { "vpslldq xmm8, xmm12, 0x73", "c4 c1 39 73 fc 73",
          V_RR, X64_PSLLDQ, 8, 12, 0, 0, SM(RAX, 0), 0x73 },
        { "psrldq xmm6, 0x98", "66 0f 73 de 98", L_RR, X64_PSRLDQ, 6, 6, 0, 0, SM(RAX, 0), 0x98 },
        { "vpsrldq xmm11, xmm3, 0x98", "c5 a1 73 db 98",
          V_RR, X64_PSRLDQ, 11, 3, 0, 0, SM(RAX, 0), 0x98 },
        { "pmovsxbw xmm11, xmm0", "66 44 0f 38 20 d8",
          L_RR, X64_PMOVSXBW, 11, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovsxbw xmm11, qword ptr [r13+r14*4+0x100]", "66 47 0f 38 20 9c b5 00 01 00 00",
          L_RM, X64_PMOVSXBW, 11, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vpmovsxbw xmm14, xmm10", "c4 42 79 20 f2",
          V_RR, X64_PMOVSXBW, 14, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovsxbw xmm14, qword ptr [r12-0x80]", "c4 42 79 20 74 24 80",
          V_RM, X64_PMOVSXBW, 14, 0, 0, 0, SM(R12, -128), 0x0 },
        { "pmovsxbd xmm0, xmm3", "66 0f 38 21 c3",
          L_RR, X64_PMOVSXBD, 0, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovsxbd xmm0, dword ptr [rbp+0x0]", "66 0f 38 21 45 00",
          L_RM, X64_PMOVSXBD, 0, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vpmovsxbd xmm1, xmm1", "c4 e2 79 21 c9",
          V_RR, X64_PMOVSXBD, 1, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovsxbd xmm1, dword ptr [rbx+rcx*8]", "c4 e2 79 21 0c cb",
          V_RM, X64_PMOVSXBD, 1, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "pmovsxbq xmm5, xmm6", "66 0f 38 22 ee",
          L_RR, X64_PMOVSXBQ, 5, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovsxbq xmm5, word ptr [rip+0x10]", "66 0f 38 22 2d 10 00 00 00",
          L_RM, X64_PMOVSXBQ, 5, 0, 0, 0, SRIP(16), 0x0 },
        { "vpmovsxbq xmm4, xmm8", "c4 c2 79 22 e0",
          V_RR, X64_PMOVSXBQ, 4, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovsxbq xmm4, word ptr [r8+0x7f]", "c4 c2 79 22 60 7f",
          V_RM, X64_PMOVSXBQ, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "pmovsxwd xmm10, xmm9", "66 45 0f 38 23 d1",
          L_RR, X64_PMOVSXWD, 10, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovsxwd xmm10, qword ptr [r12-0x80]", "66 45 0f 38 23 54 24 80",
          L_RM, X64_PMOVSXWD, 10, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vpmovsxwd xmm7, xmm15", "c4 c2 79 23 ff",
          V_RR, X64_PMOVSXWD, 7, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovsxwd xmm7, qword ptr [rax]", "c4 e2 79 23 38",
          V_RM, X64_PMOVSXWD, 7, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovsxwq xmm15, xmm12", "66 45 0f 38 24 fc",
          L_RR, X64_PMOVSXWQ, 15, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovsxwq xmm15, dword ptr [rbx+rcx*8]", "66 44 0f 38 24 3c cb",
          L_RM, X64_PMOVSXWQ, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vpmovsxwq xmm10, xmm6", "c4 62 79 24 d6",
          V_RR, X64_PMOVSXWQ, 10, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovsxwq xmm10, dword ptr [rsp+0x8]", "c4 62 79 24 54 24 08",
          V_RM, X64_PMOVSXWQ, 10, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "pmovsxdq xmm4, xmm15", "66 41 0f 38 25 e7",
          L_RR, X64_PMOVSXDQ, 4, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovsxdq xmm4, qword ptr [r8+0x7f]", "66 41 0f 38 25 60 7f",
          L_RM, X64_PMOVSXDQ, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vpmovsxdq xmm13, xmm13", "c4 42 79 25 ed",
          V_RR, X64_PMOVSXDQ, 13, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovsxdq xmm13, qword ptr [r13+r14*4+0x100]", "c4 02 79 25 ac b5 00 01 00 00",
          V_RM, X64_PMOVSXDQ, 13, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "pmovzxbw xmm9, xmm2", "66 44 0f 38 30 ca",
          L_RR, X64_PMOVZXBW, 9, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovzxbw xmm9, qword ptr [rax]", "66 44 0f 38 30 08",
          L_RM, X64_PMOVZXBW, 9, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovzxbw xmm0, xmm4", "c4 e2 79 30 c4",
          V_RR, X64_PMOVZXBW, 0, 4, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovzxbw xmm0, qword ptr [rbp+0x0]", "c4 e2 79 30 45 00",
          V_RM, X64_PMOVZXBW, 0, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "pmovzxbd xmm14, xmm5", "66 44 0f 38 31 f5",
          L_RR, X64_PMOVZXBD, 14, 5, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovzxbd xmm14, dword ptr [rsp+0x8]", "66 44 0f 38 31 74 24 08",
          L_RM, X64_PMOVZXBD, 14, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vpmovzxbd xmm3, xmm11", "c4 c2 79 31 db",
          V_RR, X64_PMOVZXBD, 3, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovzxbd xmm3, dword ptr [rip+0x10]", "c4 e2 79 31 1d 10 00 00 00",
          V_RM, X64_PMOVZXBD, 3, 0, 0, 0, SRIP(16), 0x0 },
        { "pmovzxbq xmm3, xmm8", "66 41 0f 38 32 d8",
          L_RR, X64_PMOVZXBQ, 3, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovzxbq xmm3, word ptr [r13+r14*4+0x100]", "66 43 0f 38 32 9c b5 00 01 00 00",
          L_RM, X64_PMOVZXBQ, 3, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vpmovzxbq xmm6, xmm2", "c4 e2 79 32 f2",
          V_RR, X64_PMOVZXBQ, 6, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovzxbq xmm6, word ptr [r12-0x80]", "c4 c2 79 32 74 24 80",
          V_RM, X64_PMOVZXBQ, 6, 0, 0, 0, SM(R12, -128), 0x0 },
        { "pmovzxwd xmm8, xmm11", "66 45 0f 38 33 c3",
          L_RR, X64_PMOVZXWD, 8, 11, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovzxwd xmm8, qword ptr [rbp+0x0]", "66 44 0f 38 33 45 00",
          L_RM, X64_PMOVZXWD, 8, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vpmovzxwd xmm9, xmm9", "c4 42 79 33 c9",
          V_RR, X64_PMOVZXWD, 9, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovzxwd xmm9, qword ptr [rbx+rcx*8]", "c4 62 79 33 0c cb",
          V_RM, X64_PMOVZXWD, 9, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "pmovzxwq xmm13, xmm14", "66 45 0f 38 34 ee",
          L_RR, X64_PMOVZXWQ, 13, 14, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovzxwq xmm13, dword ptr [rip+0x10]", "66 44 0f 38 34 2d 10 00 00 00",
          L_RM, X64_PMOVZXWQ, 13, 0, 0, 0, SRIP(16), 0x0 },
        { "vpmovzxwq xmm12, xmm0", "c4 62 79 34 e0",
          V_RR, X64_PMOVZXWQ, 12, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovzxwq xmm12, dword ptr [r8+0x7f]", "c4 42 79 34 60 7f",
          V_RM, X64_PMOVZXWQ, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "pmovzxdq xmm2, xmm1", "66 0f 38 35 d1",
          L_RR, X64_PMOVZXDQ, 2, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "pmovzxdq xmm2, qword ptr [r12-0x80]", "66 41 0f 38 35 54 24 80",
          L_RM, X64_PMOVZXDQ, 2, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vpmovzxdq xmm15, xmm7", "c4 62 79 35 ff",
          V_RR, X64_PMOVZXDQ, 15, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovzxdq xmm15, qword ptr [rax]", "c4 62 79 35 38",
          V_RM, X64_PMOVZXDQ, 15, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "packsswb xmm7, xmm4", "66 0f 63 fc", L_RR, X64_PACKSSWB, 7, 4, 0, 0, SM(RAX, 0), 0x0 },
        { "packsswb xmm7, xmmword ptr [rbx+rcx*8]", "66 0f 63 3c cb",
          L_RM, X64_PACKSSWB, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "vpacksswb xmm2, xmm11, xmm14", "c4 c1 21 63 d6",
          V_RRR, X64_PACKSSWB, 2, 11, 14, 0, SM(RAX, 0), 0x0 },
        { "vpacksswb xmm2, xmm11, xmmword ptr [rsp+0x8]", "c5 a1 63 54 24 08",
          V_RRM, X64_PACKSSWB, 2, 11, 0, 0, SM(RSP, 8), 0x0 },
        { "packssdw xmm12, xmm7", "66 44 0f 6b e7",
          L_RR, X64_PACKSSDW, 12, 7, 0, 0, SM(RAX, 0), 0x0 },
        { "packssdw xmm12, xmmword ptr [r8+0x7f]", "66 45 0f 6b 60 7f",
          L_RM, X64_PACKSSDW, 12, 0, 0, 0, SM(R8, 127), 0x0 },
        { "vpackssdw xmm5, xmm0, xmm5", "c5 f9 6b ed",
          V_RRR, X64_PACKSSDW, 5, 0, 5, 0, SM(RAX, 0), 0x0 },
        { "vpackssdw xmm5, xmm0, xmmword ptr [r13+r14*4+0x100]", "c4 81 79 6b ac b5 00 01 00 00",
          V_RRM, X64_PACKSSDW, 5, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "packuswb xmm1, xmm10", "66 41 0f 67 ca",
          L_RR, X64_PACKUSWB, 1, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "packuswb xmm1, xmmword ptr [rax]", "66 0f 67 08",
          L_RM, X64_PACKUSWB, 1, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vpackuswb xmm8, xmm5, xmm12", "c4 41 51 67 c4",
          V_RRR, X64_PACKUSWB, 8, 5, 12, 0, SM(RAX, 0), 0x0 },
        { "vpackuswb xmm8, xmm5, xmmword ptr [rbp+0x0]", "c5 51 67 45 00",
          V_RRM, X64_PACKUSWB, 8, 5, 0, 0, SM(RBP, 0), 0x0 },
        { "packusdw xmm6, xmm13", "66 41 0f 38 2b f5",
          L_RR, X64_PACKUSDW, 6, 13, 0, 0, SM(RAX, 0), 0x0 },
        { "packusdw xmm6, xmmword ptr [rsp+0x8]", "66 0f 38 2b 74 24 08",
          L_RM, X64_PACKUSDW, 6, 0, 0, 0, SM(RSP, 8), 0x0 },
        { "vpackusdw xmm11, xmm10, xmm3", "c4 62 29 2b db",
          V_RRR, X64_PACKUSDW, 11, 10, 3, 0, SM(RAX, 0), 0x0 },
        { "vpackusdw xmm11, xmm10, xmmword ptr [rip+0x10]", "c4 62 29 2b 1d 10 00 00 00",
          V_RRM, X64_PACKUSDW, 11, 10, 0, 0, SRIP(16), 0x0 },
        { "pmovmskb r9d, xmm0", "66 44 0f d7 c8", L_RR, X64_PMOVMSKB, 9, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vpmovmskb ebx, xmm10", "c4 c1 79 d7 da",
          V_RR, X64_PMOVMSKB, 3, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "movmskps eax, xmm3", "0f 50 c3", L_RR, X64_MOVMSKPS, 0, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovmskps r15d, xmm1", "c5 78 50 f9", V_RR, X64_MOVMSKPS, 15, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "movmskpd r10d, xmm6", "66 44 0f 50 d6",
          L_RR, X64_MOVMSKPD, 10, 6, 0, 0, SM(RAX, 0), 0x0 },
        { "vmovmskpd esi, xmm8", "c4 c1 79 50 f0",
          V_RR, X64_MOVMSKPD, 6, 8, 0, 0, SM(RAX, 0), 0x0 },
        { "ptest xmm10, xmm9", "66 45 0f 38 17 d1", L_RR, X64_PTEST, 10, 9, 0, 0, SM(RAX, 0), 0x0 },
        { "ptest xmm10, xmmword ptr [r12-0x80]", "66 45 0f 38 17 54 24 80",
          L_RM, X64_PTEST, 10, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vptest xmm7, xmm15", "c4 c2 79 17 ff", V_RR, X64_PTEST, 7, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "vptest xmm7, xmmword ptr [rax]", "c4 e2 79 17 38",
          V_RM, X64_PTEST, 7, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "blendvps xmm15, xmm12, xmm0", "66 45 0f 38 14 fc",
          L_RR, X64_BLENDVPS, 15, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "blendvps xmm15, xmmword ptr [rbx+rcx*8], xmm0", "66 44 0f 38 14 3c cb",
          L_RM, X64_BLENDVPS, 15, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "blendvpd xmm4, xmm15, xmm0", "66 41 0f 38 15 e7",
          L_RR, X64_BLENDVPD, 4, 15, 0, 0, SM(RAX, 0), 0x0 },
        { "blendvpd xmm4, xmmword ptr [r8+0x7f], xmm0", "66 41 0f 38 15 60 7f",
          L_RM, X64_BLENDVPD, 4, 0, 0, 0, SM(R8, 127), 0x0 },
        { "pblendvb xmm9, xmm2, xmm0", "66 44 0f 38 10 ca",
          L_RR, X64_PBLENDVB, 9, 2, 0, 0, SM(RAX, 0), 0x0 },
        { "pblendvb xmm9, xmmword ptr [rax], xmm0", "66 44 0f 38 10 08",
          L_RM, X64_PBLENDVB, 9, 0, 0, 0, SM(RAX, 0), 0x0 },
        { "vblendvps xmm3, xmm2, xmm11, xmm7", "c4 c3 69 4a db 70",
          V_RRRR, X64_VBLENDVPS, 3, 2, 11, 7, SM(RAX, 0), 0x0 },
        { "vblendvps xmm3, xmm2, xmmword ptr [rip+0x10], xmm7", "c4 e3 69 4a 1d 10 00 00 00 70",
          V_RRMI, X64_VBLENDVPS, 3, 2, 0, 0, SRIP(16), 0x70 },
        { "vblendvpd xmm6, xmm7, xmm2, xmm2", "c4 e3 41 4b f2 20",
          V_RRRR, X64_VBLENDVPD, 6, 7, 2, 2, SM(RAX, 0), 0x0 },
        { "vblendvpd xmm6, xmm7, xmmword ptr [r12-0x80], xmm2", "c4 c3 41 4b 74 24 80 20",
          V_RRMI, X64_VBLENDVPD, 6, 7, 0, 0, SM(R12, -128), 0x20 },
        { "vpblendvb xmm9, xmm12, xmm9, xmm13", "c4 43 19 4c c9 d0",
          V_RRRR, X64_VPBLENDVB, 9, 12, 9, 13, SM(RAX, 0), 0x0 },
        { "vpblendvb xmm9, xmm12, xmmword ptr [rbx+rcx*8], xmm13", "c4 63 19 4c 0c cb d0",
          V_RRMI, X64_VPBLENDVB, 9, 12, 0, 0, SMI(RBX, RCX, 8, 0), 0xd0 },
        { "blendps xmm13, xmm14, 0x7f", "66 45 0f 3a 0c ee 7f",
          L_RR, X64_BLENDPS, 13, 14, 0, 0, SM(RAX, 0), 0x7f },
        { "blendps xmm13, xmmword ptr [rip+0x10], 0x7f", "66 44 0f 3a 0c 2d 10 00 00 00 7f",
          L_RM, X64_BLENDPS, 13, 0, 0, 0, SRIP(16), 0x7f },
        { "vblendps xmm12, xmm1, xmm0, 0x7f", "c4 63 71 0c e0 7f",
          V_RRR, X64_BLENDPS, 12, 1, 0, 0, SM(RAX, 0), 0x7f },
        { "vblendps xmm12, xmm1, xmmword ptr [r8+0x7f], 0x7f", "c4 43 71 0c 60 7f 7f",
          V_RRM, X64_BLENDPS, 12, 1, 0, 0, SM(R8, 127), 0x7f },
        { "blendpd xmm2, xmm1, 0xa4", "66 0f 3a 0d d1 a4",
          L_RR, X64_BLENDPD, 2, 1, 0, 0, SM(RAX, 0), 0xa4 },
        { "blendpd xmm2, xmmword ptr [r12-0x80], 0xa4", "66 41 0f 3a 0d 54 24 80 a4",
          L_RM, X64_BLENDPD, 2, 0, 0, 0, SM(R12, -128), 0xa4 },
        { "vblendpd xmm15, xmm6, xmm7, 0xa4", "c4 63 49 0d ff a4",
          V_RRR, X64_BLENDPD, 15, 6, 7, 0, SM(RAX, 0), 0xa4 },
        { "vblendpd xmm15, xmm6, xmmword ptr [rax], 0xa4", "c4 63 49 0d 38 a4",
          V_RRM, X64_BLENDPD, 15, 6, 0, 0, SM(RAX, 0), 0xa4 },
        { "pblendw xmm7, xmm4, 0xc9", "66 0f 3a 0e fc c9",
          L_RR, X64_PBLENDW, 7, 4, 0, 0, SM(RAX, 0), 0xc9 },
        { "pblendw xmm7, xmmword ptr [rbx+rcx*8], 0xc9", "66 0f 3a 0e 3c cb c9",
          L_RM, X64_PBLENDW, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0xc9 },
        { "vpblendw xmm2, xmm11, xmm14, 0xc9", "c4 c3 21 0e d6 c9",
          V_RRR, X64_PBLENDW, 2, 11, 14, 0, SM(RAX, 0), 0xc9 },
        { "vpblendw xmm2, xmm11, xmmword ptr [rsp+0x8], 0xc9", "c4 e3 21 0e 54 24 08 c9",
          V_RRM, X64_PBLENDW, 2, 11, 0, 0, SM(RSP, 8), 0xc9 },
        { "vbroadcastss xmm5, xmm5", "c4 e2 79 18 ed",
          V_RR, X64_VBROADCASTSS, 5, 5, 0, 0, SM(RAX, 0), 0x0 },
        { "vbroadcastss xmm5, dword ptr [r13+r14*4+0x100]", "c4 82 79 18 ac b5 00 01 00 00",
          V_RM, X64_VBROADCASTSS, 5, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x0 },
        { "vpbroadcastb xmm8, xmm12", "c4 42 79 78 c4",
          V_RR, X64_VPBROADCASTB, 8, 12, 0, 0, SM(RAX, 0), 0x0 },
        { "vpbroadcastb xmm8, byte ptr [rbp+0x0]", "c4 62 79 78 45 00",
          V_RM, X64_VPBROADCASTB, 8, 0, 0, 0, SM(RBP, 0), 0x0 },
        { "vpbroadcastw xmm11, xmm3", "c4 62 79 79 db",
          V_RR, X64_VPBROADCASTW, 11, 3, 0, 0, SM(RAX, 0), 0x0 },
        { "vpbroadcastw xmm11, word ptr [rip+0x10]", "c4 62 79 79 1d 10 00 00 00",
          V_RM, X64_VPBROADCASTW, 11, 0, 0, 0, SRIP(16), 0x0 },
        { "vpbroadcastd xmm14, xmm10", "c4 42 79 58 f2",
          V_RR, X64_VPBROADCASTD, 14, 10, 0, 0, SM(RAX, 0), 0x0 },
        { "vpbroadcastd xmm14, dword ptr [r12-0x80]", "c4 42 79 58 74 24 80",
          V_RM, X64_VPBROADCASTD, 14, 0, 0, 0, SM(R12, -128), 0x0 },
        { "vpbroadcastq xmm1, xmm1", "c4 e2 79 59 c9",
          V_RR, X64_VPBROADCASTQ, 1, 1, 0, 0, SM(RAX, 0), 0x0 },
        { "vpbroadcastq xmm1, qword ptr [rbx+rcx*8]", "c4 e2 79 59 0c cb",
          V_RM, X64_VPBROADCASTQ, 1, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x0 },
        { "pextrb r10d, xmm6, 0xa7", "66 41 0f 3a 14 f2 a7",
          L_RR, X64_PEXTRB, 10, 6, 0, 0, SM(RAX, 0), 0xa7 },
        { "pextrb byte ptr [rip+0x10], xmm6, 0xa7", "66 0f 3a 14 35 10 00 00 00 a7",
          L_MR, X64_PEXTRB, 6, 0, 0, 0, SRIP(16), 0xa7 },
        { "vpextrb esi, xmm8, 0xa7", "c4 63 79 14 c6 a7",
          V_RR, X64_PEXTRB, 6, 8, 0, 0, SM(RAX, 0), 0xa7 },
        { "vpextrb byte ptr [r8+0x7f], xmm8, 0xa7", "c4 43 79 14 40 7f a7",
          V_MR, X64_PEXTRB, 8, 0, 0, 0, SM(R8, 127), 0xa7 },
        { "pextrw ebx, xmm9, 0xcc", "66 41 0f c5 d9 cc",
          L_RR, X64_PEXTRW, 3, 9, 0, 0, SM(RAX, 0), 0xcc },
        { "vpextrw ecx, xmm15, 0xcc", "c4 c1 79 c5 cf cc",
          V_RR, X64_PEXTRW, 1, 15, 0, 0, SM(RAX, 0), 0xcc },
        { "pextrw r15d, xmm12, 0xf1", "66 45 0f 3a 15 e7 f1",
          L_RR, X64_PEXTRW_M, 15, 12, 0, 0, SM(RAX, 0), 0xf1 },
        { "pextrw word ptr [rbx+rcx*8], xmm12, 0xf1", "66 44 0f 3a 15 24 cb f1",
          L_MR, X64_PEXTRW_M, 12, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0xf1 },
        { "vpextrw edx, xmm6, 0xf1", "c4 e3 79 15 f2 f1",
          V_RR, X64_PEXTRW_M, 2, 6, 0, 0, SM(RAX, 0), 0xf1 },
        { "vpextrw word ptr [rsp+0x8], xmm6, 0xf1", "c4 e3 79 15 74 24 08 f1",
          V_MR, X64_PEXTRW_M, 6, 0, 0, 0, SM(RSP, 8), 0xf1 },
        { "pextrd esi, xmm15, 0x16", "66 44 0f 3a 16 fe 16",
          L_RR, X64_PEXTRD, 6, 15, 0, 0, SM(RAX, 0), 0x16 },
        { "pextrd dword ptr [r8+0x7f], xmm15, 0x16", "66 45 0f 3a 16 78 7f 16",
          L_MR, X64_PEXTRD, 15, 0, 0, 0, SM(R8, 127), 0x16 },
        { "vpextrd r9d, xmm13, 0x16", "c4 43 79 16 e9 16",
          V_RR, X64_PEXTRD, 9, 13, 0, 0, SM(RAX, 0), 0x16 },
        { "vpextrd dword ptr [r13+r14*4+0x100], xmm13, 0x16", "c4 03 79 16 ac b5 00 01 00 00 16",
          V_MR, X64_PEXTRD, 13, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x16 },
        { "pextrq rcx, xmm2, 0x3b", "66 48 0f 3a 16 d1 3b",
          L_RR, X64_PEXTRQ, 1, 2, 0, 0, SM(RAX, 0), 0x3b },
        { "pextrq qword ptr [rax], xmm2, 0x3b", "66 48 0f 3a 16 10 3b",
          L_MR, X64_PEXTRQ, 2, 0, 0, 0, SM(RAX, 0), 0x3b },
        { "vpextrq rax, xmm4, 0x3b", "c4 e3 f9 16 e0 3b",
          V_RR, X64_PEXTRQ, 0, 4, 0, 0, SM(RAX, 0), 0x3b },
        { "vpextrq qword ptr [rbp+0x0], xmm4, 0x3b", "c4 e3 f9 16 65 00 3b",
          V_MR, X64_PEXTRQ, 4, 0, 0, 0, SM(RBP, 0), 0x3b },
        { "extractps edx, xmm5, 0x60", "66 0f 3a 17 ea 60",
          L_RR, X64_EXTRACTPS, 2, 5, 0, 0, SM(RAX, 0), 0x60 },
        { "extractps dword ptr [rsp+0x8], xmm5, 0x60", "66 0f 3a 17 6c 24 08 60",
          L_MR, X64_EXTRACTPS, 5, 0, 0, 0, SM(RSP, 8), 0x60 },
        { "vextractps r10d, xmm11, 0x60", "c4 43 79 17 da 60",
          V_RR, X64_EXTRACTPS, 10, 11, 0, 0, SM(RAX, 0), 0x60 },
        { "vextractps dword ptr [rip+0x10], xmm11, 0x60", "c4 63 79 17 1d 10 00 00 00 60",
          V_MR, X64_EXTRACTPS, 11, 0, 0, 0, SRIP(16), 0x60 },
        { "pinsrb xmm3, r9d, 0x85", "66 41 0f 3a 20 d9 85",
          L_RR, X64_PINSRB, 3, 9, 0, 0, SM(RAX, 0), 0x85 },
        { "pinsrb xmm3, byte ptr [r13+r14*4+0x100], 0x85", "66 43 0f 3a 20 9c b5 00 01 00 00 85",
          L_RM, X64_PINSRB, 3, 0, 0, 0, SMI(R13, R14, 4, 0x100), 0x85 },
        { "vpinsrb xmm6, xmm7, ebx, 0x85", "c4 e3 41 20 f3 85",
          V_RRR, X64_PINSRB, 6, 7, 3, 0, SM(RAX, 0), 0x85 },
        { "vpinsrb xmm6, xmm7, byte ptr [r12-0x80], 0x85", "c4 c3 41 20 74 24 80 85",
          V_RRM, X64_PINSRB, 6, 7, 0, 0, SM(R12, -128), 0x85 },
        { "pinsrw xmm8, eax, 0xaa", "66 44 0f c4 c0 aa",
          L_RR, X64_PINSRW, 8, 0, 0, 0, SM(RAX, 0), 0xaa },
        { "pinsrw xmm8, word ptr [rbp+0x0], 0xaa", "66 44 0f c4 45 00 aa",
          L_RM, X64_PINSRW, 8, 0, 0, 0, SM(RBP, 0), 0xaa },
        { "vpinsrw xmm9, xmm12, r15d, 0xaa", "c4 41 19 c4 cf aa",
          V_RRR, X64_PINSRW, 9, 12, 15, 0, SM(RAX, 0), 0xaa },
        { "vpinsrw xmm9, xmm12, word ptr [rbx+rcx*8], 0xaa", "c5 19 c4 0c cb aa",
          V_RRM, X64_PINSRW, 9, 12, 0, 0, SMI(RBX, RCX, 8, 0), 0xaa },
        { "pinsrd xmm13, r10d, 0xcf", "66 45 0f 3a 22 ea cf",
          L_RR, X64_PINSRD, 13, 10, 0, 0, SM(RAX, 0), 0xcf },
        { "pinsrd xmm13, dword ptr [rip+0x10], 0xcf", "66 44 0f 3a 22 2d 10 00 00 00 cf",
          L_RM, X64_PINSRD, 13, 0, 0, 0, SRIP(16), 0xcf },
        { "vpinsrd xmm12, xmm1, esi, 0xcf", "c4 63 71 22 e6 cf",
          V_RRR, X64_PINSRD, 12, 1, 6, 0, SM(RAX, 0), 0xcf },
        { "vpinsrd xmm12, xmm1, dword ptr [r8+0x7f], 0xcf", "c4 43 71 22 60 7f cf",
          V_RRM, X64_PINSRD, 12, 1, 0, 0, SM(R8, 127), 0xcf },
        { "pinsrq xmm2, rbx, 0xf4", "66 48 0f 3a 22 d3 f4",
          L_RR, X64_PINSRQ, 2, 3, 0, 0, SM(RAX, 0), 0xf4 },
        { "pinsrq xmm2, qword ptr [r12-0x80], 0xf4", "66 49 0f 3a 22 54 24 80 f4",
          L_RM, X64_PINSRQ, 2, 0, 0, 0, SM(R12, -128), 0xf4 },
        { "vpinsrq xmm15, xmm6, rcx, 0xf4", "c4 63 c9 22 f9 f4",
          V_RRR, X64_PINSRQ, 15, 6, 1, 0, SM(RAX, 0), 0xf4 },
        { "vpinsrq xmm15, xmm6, qword ptr [rax], 0xf4", "c4 63 c9 22 38 f4",
          V_RRM, X64_PINSRQ, 15, 6, 0, 0, SM(RAX, 0), 0xf4 },
        { "insertps xmm7, xmm4, 0x19", "66 0f 3a 21 fc 19",
          L_RR, X64_INSERTPS, 7, 4, 0, 0, SM(RAX, 0), 0x19 },
        { "insertps xmm7, dword ptr [rbx+rcx*8], 0x19", "66 0f 3a 21 3c cb 19",
          L_RM, X64_INSERTPS, 7, 0, 0, 0, SMI(RBX, RCX, 8, 0), 0x19 },
        { "vinsertps xmm2, xmm11, xmm14, 0x19", "c4 c3 21 21 d6 19",
          V_RRR, X64_INSERTPS, 2, 11, 14, 0, SM(RAX, 0), 0x19 },
        { "vinsertps xmm2, xmm11, dword ptr [rsp+0x8], 0x19", "c4 e3 21 21 54 24 08 19",
          V_RRM, X64_INSERTPS, 2, 11, 0, 0, SM(RSP, 8), 0x19 },
};

static void emit_sse_case(const struct sse_case *c)
{
        switch (c->form) {
        case L_RR: x64_sse_rri(A, c->op, c->r1, c->r2, c->imm); break;
        case L_RM: x64_sse_rmi(A, c->op, c->r1, c->mem, c->imm); break;
        case L_MR: x64_sse_mri(A, c->op, c->mem, c->r1, c->imm); break;
        case V_RRR: x64_avx_rrri(A, c->op, c->r1, c->r2, c->r3, c->imm); break;
        case V_RRM: x64_avx_rrmi(A, c->op, c->r1, c->r2, c->mem, c->imm); break;
        case V_RR: x64_avx_rri(A, c->op, c->r1, c->r2, c->imm); break;
        case V_RM: x64_avx_rmi(A, c->op, c->r1, c->mem, c->imm); break;
        case V_MR: x64_avx_mri(A, c->op, c->mem, c->r1, c->imm); break;
        case V_RRRR: x64_avx_rrrr(A, c->op, c->r1, c->r2, c->r3, c->r4); break;
        case V_RRMI: x64_avx_rrmi(A, c->op, c->r1, c->r2, c->mem, c->imm); break;
        }
}

Test(x64_asm, sse_avx_table)
{
        bool legacy[X64_SSE_COUNT] = { 0 }, vex[X64_SSE_COUNT] = { 0 };
        for (size_t i = 0; i < sizeof sse_cases / sizeof sse_cases[0]; i++) {
                const struct sse_case *c = &sse_cases[i];
                G(c->text, c->hex, emit_sse_case(c));
                if (c->form <= L_MR)
                        legacy[c->op] = true;
                else
                        vex[c->op] = true;
        }
        /* Every encoding the table has is covered by a case above. */
        for (int op = 0; op < X64_SSE_COUNT; op++) {
                cr_expect(legacy[op] == (x64_sse_features((wsbx_x64_sse)op) != UINT32_MAX),
                          "legacy coverage of row %d", op);
                cr_expect(vex[op] == (x64_avx_features((wsbx_x64_sse)op) != UINT32_MAX),
                          "VEX coverage of row %d", op);
        }
}
