/* codegen_simd.c - the 0xFD (SIMD) instructions (placeholder).
 *
 * The code generator routes every 0xFD-prefixed instruction to
 * x64_simd_op (target.h describes the API a handler uses). Until the SIMD
 * code lands, each is reported as not supported, and the module fails to
 * compile with a message naming it.
 */
#include "x64/target.h"

wsbx_errkind x64_simd_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm)
{
        (void)imm;
        return x64_unsupported(c, op);
}
