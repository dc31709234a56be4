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
;;   f: jb 0x55
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: movaps xmm15,xmm3
;;   30: minps xmm15,xmm2
;;   34: minps xmm2,xmm3
;;   37: orps xmm15,xmm2
;;   3b: cmpunordps xmm2,xmm15
;;   40: orps xmm15,xmm2
;;   44: psrld xmm2,0xa
;;   49: andnps xmm2,xmm15
;;   4d: movaps xmm0,xmm2
;;   50: mov rsp,rbp
;;   53: pop rbp
;;   54: ret
;;   55: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x60
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: movaps xmm15,xmm3
;;   30: maxpd xmm15,xmm2
;;   35: maxpd xmm2,xmm3
;;   39: xorpd xmm2,xmm15
;;   3e: orpd xmm15,xmm2
;;   43: subpd xmm15,xmm2
;;   48: cmpunordpd xmm2,xmm15
;;   4e: psrlq xmm2,0xd
;;   53: andnpd xmm2,xmm15
;;   58: movaps xmm0,xmm2
;;   5b: mov rsp,rbp
;;   5e: pop rbp
;;   5f: ret
;;   60: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x37
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: minps xmm3,xmm2
;;   2f: movaps xmm0,xmm3
;;   32: mov rsp,rbp
;;   35: pop rbp
;;   36: ret
;;   37: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: pcmpeqd xmm15,xmm15
;;   29: psrld xmm15,0x1
;;   2f: andps xmm1,xmm15
;;   33: movaps xmm0,xmm1
;;   36: mov rsp,rbp
;;   39: pop rbp
;;   3a: ret
;;   3b: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x32
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: roundpd xmm1,xmm1,0x0
;;   2a: movaps xmm0,xmm1
;;   2d: mov rsp,rbp
;;   30: pop rbp
;;   31: ret
;;   32: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x6b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: xorps xmm15,xmm15
;;   28: maxps xmm1,xmm15
;;   2c: pcmpeqd xmm15,xmm15
;;   31: psrld xmm15,0x1
;;   37: cvtdq2ps xmm15,xmm15
;;   3b: movaps xmm2,xmm1
;;   3e: subps xmm2,xmm15
;;   42: cmpleps xmm15,xmm2
;;   47: cvttps2dq xmm2,xmm2
;;   4b: pxor xmm2,xmm15
;;   50: pxor xmm15,xmm15
;;   55: pmaxsd xmm2,xmm15
;;   5b: cvttps2dq xmm1,xmm1
;;   5f: paddd xmm1,xmm2
;;   63: movaps xmm0,xmm1
;;   66: mov rsp,rbp
;;   69: pop rbp
;;   6a: ret
;;   6b: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x50
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: pxor xmm15,xmm15
;;   29: pblendw xmm15,xmm1,0x55
;;   30: psubd xmm1,xmm15
;;   35: cvtdq2ps xmm15,xmm15
;;   39: psrld xmm1,0x1
;;   3e: cvtdq2ps xmm1,xmm1
;;   41: addps xmm1,xmm1
;;   44: addps xmm1,xmm15
;;   48: movaps xmm0,xmm1
;;   4b: mov rsp,rbp
;;   4e: pop rbp
;;   4f: ret
;;   50: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x77
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: xorpd xmm15,xmm15
;;   29: maxpd xmm1,xmm15
;;   2e: movabs r11,0x41efffffffe00000
;;   38: movq xmm15,r11
;;   3d: punpcklqdq xmm15,xmm15
;;   42: minpd xmm1,xmm15
;;   47: roundpd xmm1,xmm1,0x3
;;   4d: movabs r11,0x4330000000000000
;;   57: movq xmm15,r11
;;   5c: punpcklqdq xmm15,xmm15
;;   61: addpd xmm1,xmm15
;;   66: xorps xmm15,xmm15
;;   6a: shufps xmm1,xmm15,0x88
;;   6f: movaps xmm0,xmm1
;;   72: mov rsp,rbp
;;   75: pop rbp
;;   76: ret
;;   77: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x5d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: movabs r11,0x4330000043300000
;;   2e: movq xmm15,r11
;;   33: punpcklqdq xmm15,xmm15
;;   38: unpcklps xmm1,xmm15
;;   3c: movabs r11,0x4330000000000000
;;   46: movq xmm15,r11
;;   4b: punpcklqdq xmm15,xmm15
;;   50: subpd xmm1,xmm15
;;   55: movaps xmm0,xmm1
;;   58: mov rsp,rbp
;;   5b: pop rbp
;;   5c: ret
;;   5d: ud2
