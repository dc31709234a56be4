;; SIMD constants, shuffles, splats and lanes. A v128 constant is built
;; in a register (pxor / pcmpeqd for all-zeros and all-ones, else through
;; r11); a two-source shuffle is two pshufb and a por.
(module
  (func $const_zero (result v128) (v128.const i64x2 0 0))
  (func $const_ones (result v128) (v128.const i32x4 -1 -1 -1 -1))
  (func $const_mixed (result v128) (v128.const i32x4 1 2 3 4))
  (func $shuffle2 (param v128 v128) (result v128)
    (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get 0) (local.get 1)))
  (func $swizzle (param v128 v128) (result v128) (i8x16.swizzle (local.get 0) (local.get 1)))
  (func $splat8 (param i32) (result v128) (i8x16.splat (local.get 0)))
  (func $splat_f32 (param f32) (result v128) (f32x4.splat (local.get 0)))
  (func $extract8_s (param v128) (result i32) (i8x16.extract_lane_s 9 (local.get 0)))
  (func $extract_f32 (param v128) (result f32) (f32x4.extract_lane 3 (local.get 0)))
  (func $replace_f64 (param v128 f64) (result v128) (f64x2.replace_lane 0 (local.get 0) (local.get 1)))
)
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x20]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x25
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: pxor xmm0,xmm0
;;   20: mov rsp,rbp
;;   23: pop rbp
;;   24: ret
;;   25: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x20]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x25
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: pcmpeqd xmm0,xmm0
;;   20: mov rsp,rbp
;;   23: pop rbp
;;   24: ret
;;   25: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x20]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x41
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movabs r11,0x200000001
;;   26: movq xmm0,r11
;;   2b: movabs r11,0x400000003
;;   35: pinsrq xmm0,r11,0x1
;;   3c: mov rsp,rbp
;;   3f: pop rbp
;;   40: ret
;;   41: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x84
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: movabs r11,0x8006800480028000
;;   36: movq xmm15,r11
;;   3b: movabs r11,0x800e800c800a8008
;;   45: pinsrq xmm15,r11,0x1
;;   4c: pshufb xmm2,xmm15
;;   52: movabs r11,0x780058003800180
;;   5c: movq xmm15,r11
;;   61: movabs r11,0xf800d800b800980
;;   6b: pinsrq xmm15,r11,0x1
;;   72: pshufb xmm3,xmm15
;;   78: por xmm2,xmm3
;;   7c: movaps xmm0,xmm2
;;   7f: mov rsp,rbp
;;   82: pop rbp
;;   83: ret
;;   84: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x52
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: movabs r11,0x7070707070707070
;;   36: movq xmm15,r11
;;   3b: punpcklqdq xmm15,xmm15
;;   40: paddusb xmm3,xmm15
;;   45: pshufb xmm2,xmm3
;;   4a: movaps xmm0,xmm2
;;   4d: mov rsp,rbp
;;   50: pop rbp
;;   51: ret
;;   52: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x36
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov rbx,rdi
;;   22: movd xmm0,ebx
;;   26: pxor xmm15,xmm15
;;   2b: pshufb xmm0,xmm15
;;   31: mov rsp,rbp
;;   34: pop rbp
;;   35: ret
;;   36: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x31
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: pshufd xmm1,xmm1,0x0
;;   29: movaps xmm0,xmm1
;;   2c: mov rsp,rbp
;;   2f: pop rbp
;;   30: ret
;;   31: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x34
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: pextrb ebx,xmm1,0x9
;;   2a: movsx ebx,bl
;;   2d: mov eax,ebx
;;   2f: mov rsp,rbp
;;   32: pop rbp
;;   33: ret
;;   34: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x32
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: insertps xmm1,xmm1,0xce
;;   2a: movaps xmm0,xmm1
;;   2d: mov rsp,rbp
;;   30: pop rbp
;;   31: ret
;;   32: ud2
;; function 9:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movsd QWORD PTR [rbp-0x28],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: blendpd xmm2,xmm3,0x1
;;   32: movaps xmm0,xmm2
;;   35: mov rsp,rbp
;;   38: pop rbp
;;   39: ret
;;   3a: ud2
