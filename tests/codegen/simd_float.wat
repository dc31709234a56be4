;; SIMD float operations: min/max with Wasm's NaN and -0 rules (both
;; orders of minps merged, NaN made canonical), pmin (minps with the
;; operands swapped), sign masks, rounding, and the saturating and
;; unsigned conversions.
(module
  (func $f32x4_min (param v128 v128) (result v128) (f32x4.min (local.get 0) (local.get 1)))
  (func $f64x2_max (param v128 v128) (result v128) (f64x2.max (local.get 0) (local.get 1)))
  (func $f32x4_pmin (param v128 v128) (result v128) (f32x4.pmin (local.get 0) (local.get 1)))
  (func $f32x4_abs (param v128) (result v128) (f32x4.abs (local.get 0)))
  (func $f64x2_nearest (param v128) (result v128) (f64x2.nearest (local.get 0)))
  (func $trunc_sat_u (param v128) (result v128) (i32x4.trunc_sat_f32x4_u (local.get 0)))
  (func $convert_u (param v128) (result v128) (f32x4.convert_i32x4_u (local.get 0)))
  (func $trunc_sat_f64_u (param v128) (result v128) (i32x4.trunc_sat_f64x2_u_zero (local.get 0)))
  (func $convert_low_u (param v128) (result v128) (f64x2.convert_low_i32x4_u (local.get 0)))
)
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm1
;;   1f: movaps xmm3,xmm0
;;   22: movaps xmm15,xmm2
;;   26: minps xmm15,xmm3
;;   2a: minps xmm3,xmm2
;;   2d: orps xmm15,xmm3
;;   31: cmpunordps xmm3,xmm15
;;   36: orps xmm15,xmm3
;;   3a: psrld xmm3,0xa
;;   3f: andnps xmm3,xmm15
;;   43: movaps xmm0,xmm3
;;   46: mov rsp,rbp
;;   49: pop rbp
;;   4a: ret
;;   4b: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x56
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm1
;;   1f: movaps xmm3,xmm0
;;   22: movaps xmm15,xmm2
;;   26: maxpd xmm15,xmm3
;;   2b: maxpd xmm3,xmm2
;;   2f: xorpd xmm3,xmm15
;;   34: orpd xmm15,xmm3
;;   39: subpd xmm15,xmm3
;;   3e: cmpunordpd xmm3,xmm15
;;   44: psrlq xmm3,0xd
;;   49: andnpd xmm3,xmm15
;;   4e: movaps xmm0,xmm3
;;   51: mov rsp,rbp
;;   54: pop rbp
;;   55: ret
;;   56: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm1
;;   1f: movaps xmm3,xmm0
;;   22: minps xmm2,xmm3
;;   25: movaps xmm0,xmm2
;;   28: mov rsp,rbp
;;   2b: pop rbp
;;   2c: ret
;;   2d: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x36
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: pcmpeqd xmm15,xmm15
;;   24: psrld xmm15,0x1
;;   2a: andps xmm1,xmm15
;;   2e: movaps xmm0,xmm1
;;   31: mov rsp,rbp
;;   34: pop rbp
;;   35: ret
;;   36: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: roundpd xmm1,xmm1,0x0
;;   25: movaps xmm0,xmm1
;;   28: mov rsp,rbp
;;   2b: pop rbp
;;   2c: ret
;;   2d: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x66
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: xorps xmm15,xmm15
;;   23: maxps xmm1,xmm15
;;   27: pcmpeqd xmm15,xmm15
;;   2c: psrld xmm15,0x1
;;   32: cvtdq2ps xmm15,xmm15
;;   36: movaps xmm2,xmm1
;;   39: subps xmm2,xmm15
;;   3d: cmpleps xmm15,xmm2
;;   42: cvttps2dq xmm2,xmm2
;;   46: pxor xmm2,xmm15
;;   4b: pxor xmm15,xmm15
;;   50: pmaxsd xmm2,xmm15
;;   56: cvttps2dq xmm1,xmm1
;;   5a: paddd xmm1,xmm2
;;   5e: movaps xmm0,xmm1
;;   61: mov rsp,rbp
;;   64: pop rbp
;;   65: ret
;;   66: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: pxor xmm15,xmm15
;;   24: pblendw xmm15,xmm1,0x55
;;   2b: psubd xmm1,xmm15
;;   30: cvtdq2ps xmm15,xmm15
;;   34: psrld xmm1,0x1
;;   39: cvtdq2ps xmm1,xmm1
;;   3c: addps xmm1,xmm1
;;   3f: addps xmm1,xmm15
;;   43: movaps xmm0,xmm1
;;   46: mov rsp,rbp
;;   49: pop rbp
;;   4a: ret
;;   4b: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x5c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: xorpd xmm15,xmm15
;;   24: maxpd xmm1,xmm15
;;   29: movdqa xmm15,XMMWORD PTR [rip+0x2e] # 0x60
;;   32: minpd xmm1,xmm15
;;   37: roundpd xmm1,xmm1,0x3
;;   3d: movdqa xmm15,XMMWORD PTR [rip+0x2a] # 0x70
;;   46: addpd xmm1,xmm15
;;   4b: xorps xmm15,xmm15
;;   4f: shufps xmm1,xmm15,0x88
;;   54: movaps xmm0,xmm1
;;   57: mov rsp,rbp
;;   5a: pop rbp
;;   5b: ret
;;   5c: ud2
;;   5e: xchg ax,ax
;;   60: add BYTE PTR [rax],al
;;   62: loopne 0x63
;;   64: (bad)
;;   65: (bad)
;;   66: out dx,eax
;;   67: add BYTE PTR [r8],al
;;   6a: loopne 0x6b
;;   6c: (bad)
;;   6d: (bad)
;;   6e: out dx,eax
;;   6f: add BYTE PTR [r8],al
;;   72: add BYTE PTR [rax],al
;;   74: add BYTE PTR [rax],al
;;   76: xor BYTE PTR [rbx+0x0],al
;;   79: add BYTE PTR [rax],al
;;   7b: add BYTE PTR [rax],al
;;   7d: add BYTE PTR [rax],dh
;;   7f: rex.XB
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x42
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: movdqa xmm15,XMMWORD PTR [rip+0x28] # 0x50
;;   28: unpcklps xmm1,xmm15
;;   2c: movdqa xmm15,XMMWORD PTR [rip+0x2b] # 0x60
;;   35: subpd xmm1,xmm15
;;   3a: movaps xmm0,xmm1
;;   3d: mov rsp,rbp
;;   40: pop rbp
;;   41: ret
;;   42: ud2
;;   44: nop WORD PTR [rax+rax*1+0x0]
;;   4d: nop DWORD PTR [rax]
;;   50: add BYTE PTR [rax],al
;;   52: xor BYTE PTR [rbx+0x0],al
;;   55: add BYTE PTR [rax],dh
;;   57: rex.XB add BYTE PTR [r8],al
;;   5a: xor BYTE PTR [rbx+0x0],al
;;   5d: add BYTE PTR [rax],dh
;;   5f: rex.XB add BYTE PTR [r8],al
;;   62: add BYTE PTR [rax],al
;;   64: add BYTE PTR [rax],al
;;   66: xor BYTE PTR [rbx+0x0],al
;;   69: add BYTE PTR [rax],al
;;   6b: add BYTE PTR [rax],al
;;   6d: add BYTE PTR [rax],dh
;;   6f: rex.XB
