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
;;   f: jb 0x56
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   2b: movdqu xmm1,XMMWORD PTR [rbp-0x30]
;;   30: movaps xmm15,xmm1
;;   34: minps xmm15,xmm0
;;   38: minps xmm0,xmm1
;;   3b: orps xmm15,xmm0
;;   3f: cmpunordps xmm0,xmm15
;;   44: orps xmm15,xmm0
;;   48: psrld xmm0,0xa
;;   4d: andnps xmm0,xmm15
;;   51: mov rsp,rbp
;;   54: pop rbp
;;   55: ret
;;   56: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x61
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   2b: movdqu xmm1,XMMWORD PTR [rbp-0x30]
;;   30: movaps xmm15,xmm1
;;   34: maxpd xmm15,xmm0
;;   39: maxpd xmm0,xmm1
;;   3d: xorpd xmm0,xmm15
;;   42: orpd xmm15,xmm0
;;   47: subpd xmm15,xmm0
;;   4c: cmpunordpd xmm0,xmm15
;;   52: psrlq xmm0,0xd
;;   57: andnpd xmm0,xmm15
;;   5c: mov rsp,rbp
;;   5f: pop rbp
;;   60: ret
;;   61: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   2b: movdqu xmm1,XMMWORD PTR [rbp-0x30]
;;   30: minps xmm1,xmm0
;;   33: movaps xmm0,xmm1
;;   36: mov rsp,rbp
;;   39: pop rbp
;;   3a: ret
;;   3b: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: pcmpeqd xmm15,xmm15
;;   2b: psrld xmm15,0x1
;;   31: andps xmm0,xmm15
;;   35: mov rsp,rbp
;;   38: pop rbp
;;   39: ret
;;   3a: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x31
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: roundpd xmm0,xmm0,0x0
;;   2c: mov rsp,rbp
;;   2f: pop rbp
;;   30: ret
;;   31: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x6a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: xorps xmm15,xmm15
;;   2a: maxps xmm0,xmm15
;;   2e: pcmpeqd xmm15,xmm15
;;   33: psrld xmm15,0x1
;;   39: cvtdq2ps xmm15,xmm15
;;   3d: movaps xmm1,xmm0
;;   40: subps xmm1,xmm15
;;   44: cmpleps xmm15,xmm1
;;   49: cvttps2dq xmm1,xmm1
;;   4d: pxor xmm1,xmm15
;;   52: pxor xmm15,xmm15
;;   57: pmaxsd xmm1,xmm15
;;   5d: cvttps2dq xmm0,xmm0
;;   61: paddd xmm0,xmm1
;;   65: mov rsp,rbp
;;   68: pop rbp
;;   69: ret
;;   6a: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: pxor xmm15,xmm15
;;   2b: pblendw xmm15,xmm0,0x55
;;   32: psubd xmm0,xmm15
;;   37: cvtdq2ps xmm15,xmm15
;;   3b: psrld xmm0,0x1
;;   40: cvtdq2ps xmm0,xmm0
;;   43: addps xmm0,xmm0
;;   46: addps xmm0,xmm15
;;   4a: mov rsp,rbp
;;   4d: pop rbp
;;   4e: ret
;;   4f: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x76
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: xorpd xmm15,xmm15
;;   2b: maxpd xmm0,xmm15
;;   30: movabs r11,0x41efffffffe00000
;;   3a: movq xmm15,r11
;;   3f: punpcklqdq xmm15,xmm15
;;   44: minpd xmm0,xmm15
;;   49: roundpd xmm0,xmm0,0x3
;;   4f: movabs r11,0x4330000000000000
;;   59: movq xmm15,r11
;;   5e: punpcklqdq xmm15,xmm15
;;   63: addpd xmm0,xmm15
;;   68: xorps xmm15,xmm15
;;   6c: shufps xmm0,xmm15,0x88
;;   71: mov rsp,rbp
;;   74: pop rbp
;;   75: ret
;;   76: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x5c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: movabs r11,0x4330000043300000
;;   30: movq xmm15,r11
;;   35: punpcklqdq xmm15,xmm15
;;   3a: unpcklps xmm0,xmm15
;;   3e: movabs r11,0x4330000000000000
;;   48: movq xmm15,r11
;;   4d: punpcklqdq xmm15,xmm15
;;   52: subpd xmm0,xmm15
;;   57: mov rsp,rbp
;;   5a: pop rbp
;;   5b: ret
;;   5c: ud2
