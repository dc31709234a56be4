/* codegen_float.c - float arithmetic, comparisons and conversions
 * (placeholder).
 *
 * The code generator routes every f32/f64 instruction that is not a
 * constant, a load, a store or a move to x64_float_op (target.h describes
 * the API a handler uses). Until the float code lands, each such
 * instruction is reported as not supported, and the module fails to
 * compile with a message naming it.
 */
#include "x64/target.h"

wsbx_errkind x64_float_op(x64_cc *c, wsbx_opcode op, const x64_imm *imm)
{
        (void)imm;
        return x64_unsupported(c, op);
}
