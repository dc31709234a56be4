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
;;   f: jb 0x58
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: mov DWORD PTR [rbp-0x28],edi
;;   24: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   29: mov ebx,DWORD PTR [rbp-0x28]
;;   2c: and ebx,0x7
;;   2f: lea r11d,[rbx+0x8]
;;   33: movd xmm15,r11d
;;   38: pcmpeqd xmm1,xmm1
;;   3c: psrlw xmm1,xmm15
;;   41: packuswb xmm1,xmm1
;;   45: movd xmm15,ebx
;;   4a: pand xmm0,xmm1
;;   4e: psllw xmm0,xmm15
;;   53: mov rsp,rbp
;;   56: pop rbp
;;   57: ret
;;   58: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x44
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: movaps xmm1,xmm0
;;   29: punpckhbw xmm1,xmm0
;;   2d: punpcklbw xmm0,xmm0
;;   31: psraw xmm1,0xb
;;   36: psraw xmm0,0xb
;;   3b: packsswb xmm0,xmm1
;;   3f: mov rsp,rbp
;;   42: pop rbp
;;   43: ret
;;   44: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x5e
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: mov DWORD PTR [rbp-0x28],edi
;;   24: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   29: mov ebx,DWORD PTR [rbp-0x28]
;;   2c: and ebx,0x3f
;;   2f: movd xmm15,ebx
;;   34: movabs r11,0x8000000000000000
;;   3e: movq xmm1,r11
;;   43: punpcklqdq xmm1,xmm1
;;   47: psrlq xmm1,xmm15
;;   4c: psrlq xmm0,xmm15
;;   51: pxor xmm0,xmm1
;;   55: psubq xmm0,xmm1
;;   59: mov rsp,rbp
;;   5c: pop rbp
;;   5d: ret
;;   5e: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x62
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   2b: movdqu xmm1,XMMWORD PTR [rbp-0x30]
;;   30: movaps xmm2,xmm0
;;   33: psrlq xmm2,0x20
;;   38: pmuludq xmm2,xmm1
;;   3c: movaps xmm15,xmm1
;;   40: psrlq xmm15,0x20
;;   46: pmuludq xmm15,xmm0
;;   4b: paddq xmm2,xmm15
;;   50: psllq xmm2,0x20
;;   55: pmuludq xmm0,xmm1
;;   59: paddq xmm0,xmm2
;;   5d: mov rsp,rbp
;;   60: pop rbp
;;   61: ret
;;   62: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x41
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: pshufd xmm15,xmm0,0xf5
;;   2c: psrad xmm15,0x1f
;;   32: pxor xmm0,xmm15
;;   37: psubq xmm0,xmm15
;;   3c: mov rsp,rbp
;;   3f: pop rbp
;;   40: ret
;;   41: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x88
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: movabs r11,0xf0f0f0f0f0f0f0f
;;   30: movq xmm15,r11
;;   35: punpcklqdq xmm15,xmm15
;;   3a: movaps xmm1,xmm0
;;   3d: psrlw xmm1,0x4
;;   42: pand xmm1,xmm15
;;   47: pand xmm0,xmm15
;;   4c: movabs r11,0x302020102010100
;;   56: movq xmm2,r11
;;   5b: movabs r11,0x403030203020201
;;   65: pinsrq xmm2,r11,0x1
;;   6c: movaps xmm15,xmm2
;;   70: pshufb xmm15,xmm1
;;   76: pshufb xmm2,xmm0
;;   7b: paddb xmm2,xmm15
;;   80: movaps xmm0,xmm2
;;   83: mov rsp,rbp
;;   86: pop rbp
;;   87: ret
;;   88: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x58
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   2b: movdqu xmm1,XMMWORD PTR [rbp-0x30]
;;   30: pmulhrsw xmm0,xmm1
;;   35: movabs r11,0x8000800080008000
;;   3f: movq xmm15,r11
;;   44: punpcklqdq xmm15,xmm15
;;   49: pcmpeqw xmm15,xmm0
;;   4e: pxor xmm0,xmm15
;;   53: mov rsp,rbp
;;   56: pop rbp
;;   57: ret
;;   58: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   2b: movdqu xmm1,XMMWORD PTR [rbp-0x30]
;;   30: movaps xmm15,xmm0
;;   34: pmullw xmm15,xmm1
;;   39: pmulhuw xmm0,xmm1
;;   3d: movaps xmm1,xmm15
;;   41: punpckhwd xmm1,xmm0
;;   45: movaps xmm0,xmm1
;;   48: mov rsp,rbp
;;   4b: pop rbp
;;   4c: ret
;;   4d: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu XMMWORD PTR [rbp-0x30],xmm1
;;   26: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   2b: movdqu xmm1,XMMWORD PTR [rbp-0x30]
;;   30: pmaxud xmm1,xmm0
;;   35: pcmpeqd xmm1,xmm0
;;   39: pcmpeqd xmm15,xmm15
;;   3e: pxor xmm1,xmm15
;;   43: movaps xmm0,xmm1
;;   46: mov rsp,rbp
;;   49: pop rbp
;;   4a: ret
;;   4b: ud2
;; function 9:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x38
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: packsswb xmm0,xmm0
;;   2a: pmovmskb ebx,xmm0
;;   2e: movzx ebx,bl
;;   31: mov eax,ebx
;;   33: mov rsp,rbp
;;   36: pop rbp
;;   37: ret
;;   38: ud2
;; function 10:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x57
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu XMMWORD PTR [rbp-0x20],xmm0
;;   21: movdqu xmm0,XMMWORD PTR [rbp-0x20]
;;   26: pxor xmm15,xmm15
;;   2b: pcmpeqd xmm15,xmm0
;;   30: ptest xmm15,xmm15
;;   36: jne 0x48
;;   3c: mov DWORD PTR [rbp-0x30],0x1
;;   43: jmp 0x4f
;;   48: mov DWORD PTR [rbp-0x30],0x2
;;   4f: mov eax,DWORD PTR [rbp-0x30]
;;   52: mov rsp,rbp
;;   55: pop rbp
;;   56: ret
;;   57: ud2
