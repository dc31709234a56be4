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
;;   f: jb 0x85
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   2b: movdqu xmm1,XMMWORD PTR [rbp-0x30]
;;   30: movabs r11,0x8006800480028000
;;   3a: movq xmm15,r11
;;   3f: movabs r11,0x800e800c800a8008
;;   49: pinsrq xmm15,r11,0x1
;;   50: pshufb xmm0,xmm15
;;   56: movabs r11,0x780058003800180
;;   60: movq xmm15,r11
;;   65: movabs r11,0xf800d800b800980
;;   6f: pinsrq xmm15,r11,0x1
;;   76: pshufb xmm1,xmm15
;;   7c: por xmm0,xmm1
;;   80: mov rsp,rbp
;;   83: pop rbp
;;   84: ret
;;   85: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x53
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   2b: movdqu xmm1,XMMWORD PTR [rbp-0x30]
;;   30: movabs r11,0x7070707070707070
;;   3a: movq xmm15,r11
;;   3f: punpcklqdq xmm15,xmm15
;;   44: paddusb xmm1,xmm15
;;   49: pshufb xmm0,xmm1
;;   4e: mov rsp,rbp
;;   51: pop rbp
;;   52: ret
;;   53: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x36
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov ebx,DWORD PTR [rbp-0x18]
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
;;   f: jb 0x30
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss xmm0,DWORD PTR [rbp-0x18]
;;   26: pshufd xmm0,xmm0,0x0
;;   2b: mov rsp,rbp
;;   2e: pop rbp
;;   2f: ret
;;   30: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x36
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: pextrb ebx,xmm0,0x9
;;   2c: movsx ebx,bl
;;   2f: mov eax,ebx
;;   31: mov rsp,rbp
;;   34: pop rbp
;;   35: ret
;;   36: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x31
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: insertps xmm0,xmm0,0xce
;;   2c: mov rsp,rbp
;;   2f: pop rbp
;;   30: ret
;;   31: ud2
;; function 9:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movsd QWORD PTR [rbp-0x28],xmm1
;;   26: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   2b: movsd xmm1,QWORD PTR [rbp-0x28]
;;   30: blendpd xmm0,xmm1,0x1
;;   36: mov rsp,rbp
;;   39: pop rbp
;;   3a: ret
;;   3b: ud2
