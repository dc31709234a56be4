;; SIMD integer operations without a single x86 instruction: byte
;; shifts, i64x2 mul and abs, popcnt, q15mulr, extmul, unsigned compares,
;; bitmask, and all_true feeding a branch on the flags.
(module
  (func $i8x16_shl (param v128 i32) (result v128) (i8x16.shl (local.get 0) (local.get 1)))
  (func $i8x16_shr_s_3 (param v128) (result v128) (i8x16.shr_s (local.get 0) (i32.const 3)))
  (func $i64x2_shr_s (param v128 i32) (result v128) (i64x2.shr_s (local.get 0) (local.get 1)))
  (func $i64x2_mul (param v128 v128) (result v128) (i64x2.mul (local.get 0) (local.get 1)))
  (func $i64x2_abs (param v128) (result v128) (i64x2.abs (local.get 0)))
  (func $popcnt (param v128) (result v128) (i8x16.popcnt (local.get 0)))
  (func $q15mulr (param v128 v128) (result v128) (i16x8.q15mulr_sat_s (local.get 0) (local.get 1)))
  (func $extmul_high_u (param v128 v128) (result v128)
    (i32x4.extmul_high_i16x8_u (local.get 0) (local.get 1)))
  (func $lt_u (param v128 v128) (result v128) (i32x4.lt_u (local.get 0) (local.get 1)))
  (func $bitmask16 (param v128) (result i32) (i16x8.bitmask (local.get 0)))
  (func $all_true_if (param v128) (result i32)
    (if (result i32) (i32x4.all_true (local.get 0)) (then (i32.const 1)) (else (i32.const 2))))
)
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x59
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: mov DWORD PTR [rbp-0x28],edi
;;   24: movaps xmm1,xmm0
;;   27: mov rbx,rdi
;;   2a: and ebx,0x7
;;   2d: lea r11d,[rbx+0x8]
;;   31: movd xmm15,r11d
;;   36: pcmpeqd xmm2,xmm2
;;   3a: psrlw xmm2,xmm15
;;   3f: packuswb xmm2,xmm2
;;   43: movd xmm15,ebx
;;   48: pand xmm1,xmm2
;;   4c: psllw xmm1,xmm15
;;   51: movaps xmm0,xmm1
;;   54: mov rsp,rbp
;;   57: pop rbp
;;   58: ret
;;   59: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x45
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: movaps xmm2,xmm1
;;   27: punpckhbw xmm2,xmm1
;;   2b: punpcklbw xmm1,xmm1
;;   2f: psraw xmm2,0xb
;;   34: psraw xmm1,0xb
;;   39: packsswb xmm1,xmm2
;;   3d: movaps xmm0,xmm1
;;   40: mov rsp,rbp
;;   43: pop rbp
;;   44: ret
;;   45: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x5f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: mov DWORD PTR [rbp-0x28],edi
;;   24: movaps xmm1,xmm0
;;   27: mov rbx,rdi
;;   2a: and ebx,0x3f
;;   2d: movd xmm15,ebx
;;   32: movabs r11,0x8000000000000000
;;   3c: movq xmm2,r11
;;   41: punpcklqdq xmm2,xmm2
;;   45: psrlq xmm2,xmm15
;;   4a: psrlq xmm1,xmm15
;;   4f: pxor xmm1,xmm2
;;   53: psubq xmm1,xmm2
;;   57: movaps xmm0,xmm1
;;   5a: mov rsp,rbp
;;   5d: pop rbp
;;   5e: ret
;;   5f: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x61
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: movaps xmm4,xmm2
;;   2f: psrlq xmm4,0x20
;;   34: pmuludq xmm4,xmm3
;;   38: movaps xmm15,xmm3
;;   3c: psrlq xmm15,0x20
;;   42: pmuludq xmm15,xmm2
;;   47: paddq xmm4,xmm15
;;   4c: psllq xmm4,0x20
;;   51: pmuludq xmm2,xmm3
;;   55: paddq xmm2,xmm4
;;   59: movaps xmm0,xmm2
;;   5c: mov rsp,rbp
;;   5f: pop rbp
;;   60: ret
;;   61: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x42
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: pshufd xmm15,xmm1,0xf5
;;   2a: psrad xmm15,0x1f
;;   30: pxor xmm1,xmm15
;;   35: psubq xmm1,xmm15
;;   3a: movaps xmm0,xmm1
;;   3d: mov rsp,rbp
;;   40: pop rbp
;;   41: ret
;;   42: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x86
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: movabs r11,0xf0f0f0f0f0f0f0f
;;   2e: movq xmm15,r11
;;   33: punpcklqdq xmm15,xmm15
;;   38: movaps xmm2,xmm1
;;   3b: psrlw xmm2,0x4
;;   40: pand xmm2,xmm15
;;   45: pand xmm1,xmm15
;;   4a: movabs r11,0x302020102010100
;;   54: movq xmm3,r11
;;   59: movabs r11,0x403030203020201
;;   63: pinsrq xmm3,r11,0x1
;;   6a: movaps xmm15,xmm3
;;   6e: pshufb xmm15,xmm2
;;   74: pshufb xmm3,xmm1
;;   79: paddb xmm3,xmm15
;;   7e: movaps xmm0,xmm3
;;   81: mov rsp,rbp
;;   84: pop rbp
;;   85: ret
;;   86: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x57
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: pmulhrsw xmm2,xmm3
;;   31: movabs r11,0x8000800080008000
;;   3b: movq xmm15,r11
;;   40: punpcklqdq xmm15,xmm15
;;   45: pcmpeqw xmm15,xmm2
;;   4a: pxor xmm2,xmm15
;;   4f: movaps xmm0,xmm2
;;   52: mov rsp,rbp
;;   55: pop rbp
;;   56: ret
;;   57: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x49
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: movaps xmm15,xmm2
;;   30: pmullw xmm15,xmm3
;;   35: pmulhuw xmm2,xmm3
;;   39: movaps xmm3,xmm15
;;   3d: punpckhwd xmm3,xmm2
;;   41: movaps xmm0,xmm3
;;   44: mov rsp,rbp
;;   47: pop rbp
;;   48: ret
;;   49: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x47
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: pmaxud xmm3,xmm2
;;   31: pcmpeqd xmm3,xmm2
;;   35: pcmpeqd xmm15,xmm15
;;   3a: pxor xmm3,xmm15
;;   3f: movaps xmm0,xmm3
;;   42: mov rsp,rbp
;;   45: pop rbp
;;   46: ret
;;   47: ud2
;; function 9:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x36
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: packsswb xmm1,xmm1
;;   28: pmovmskb ebx,xmm1
;;   2c: movzx ebx,bl
;;   2f: mov eax,ebx
;;   31: mov rsp,rbp
;;   34: pop rbp
;;   35: ret
;;   36: ud2
;; function 10:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x55
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movaps xmm1,xmm0
;;   24: pxor xmm15,xmm15
;;   29: pcmpeqd xmm15,xmm1
;;   2e: ptest xmm15,xmm15
;;   34: jne 0x46
;;   3a: mov DWORD PTR [rbp-0x30],0x1
;;   41: jmp 0x4d
;;   46: mov DWORD PTR [rbp-0x30],0x2
;;   4d: mov eax,DWORD PTR [rbp-0x30]
;;   50: mov rsp,rbp
;;   53: pop rbp
;;   54: ret
;;   55: ud2
