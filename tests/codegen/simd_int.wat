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
;;   f: jb 0x50
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: mov ebx,edi
;;   21: and ebx,0x7
;;   24: lea r11d,[rbx+0x8]
;;   28: movd xmm15,r11d
;;   2d: pcmpeqd xmm2,xmm2
;;   31: psrlw xmm2,xmm15
;;   36: packuswb xmm2,xmm2
;;   3a: movd xmm15,ebx
;;   3f: pand xmm1,xmm2
;;   43: psllw xmm1,xmm15
;;   48: movaps xmm0,xmm1
;;   4b: mov rsp,rbp
;;   4e: pop rbp
;;   4f: ret
;;   50: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x40
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: movaps xmm2,xmm1
;;   22: punpckhbw xmm2,xmm1
;;   26: punpcklbw xmm1,xmm1
;;   2a: psraw xmm2,0xb
;;   2f: psraw xmm1,0xb
;;   34: packsswb xmm1,xmm2
;;   38: movaps xmm0,xmm1
;;   3b: mov rsp,rbp
;;   3e: pop rbp
;;   3f: ret
;;   40: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: mov ebx,edi
;;   21: and ebx,0x3f
;;   24: movd xmm15,ebx
;;   29: movdqa xmm2,XMMWORD PTR [rip+0x1f] # 0x50
;;   31: psrlq xmm2,xmm15
;;   36: psrlq xmm1,xmm15
;;   3b: pxor xmm1,xmm2
;;   3f: psubq xmm1,xmm2
;;   43: movaps xmm0,xmm1
;;   46: mov rsp,rbp
;;   49: pop rbp
;;   4a: ret
;;   4b: ud2
;;   4d: nop DWORD PTR [rax]
;;   50: add BYTE PTR [rax],al
;;   52: add BYTE PTR [rax],al
;;   54: add BYTE PTR [rax],al
;;   56: add BYTE PTR [rax+0x0],al
;;   5c: add BYTE PTR [rax],al
;;   5e: .byte 0x0
;;   5f: .byte 0x80
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x57
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm1
;;   1f: movaps xmm3,xmm0
;;   22: movaps xmm4,xmm3
;;   25: psrlq xmm4,0x20
;;   2a: pmuludq xmm4,xmm2
;;   2e: movaps xmm15,xmm2
;;   32: psrlq xmm15,0x20
;;   38: pmuludq xmm15,xmm3
;;   3d: paddq xmm4,xmm15
;;   42: psllq xmm4,0x20
;;   47: pmuludq xmm3,xmm2
;;   4b: paddq xmm3,xmm4
;;   4f: movaps xmm0,xmm3
;;   52: mov rsp,rbp
;;   55: pop rbp
;;   56: ret
;;   57: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: pshufd xmm15,xmm1,0xf5
;;   25: psrad xmm15,0x1f
;;   2b: pxor xmm1,xmm15
;;   30: psubq xmm1,xmm15
;;   35: movaps xmm0,xmm1
;;   38: mov rsp,rbp
;;   3b: pop rbp
;;   3c: ret
;;   3d: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x5e
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: movdqa xmm15,XMMWORD PTR [rip+0x38] # 0x60
;;   28: movaps xmm2,xmm1
;;   2b: psrlw xmm2,0x4
;;   30: pand xmm2,xmm15
;;   35: pand xmm1,xmm15
;;   3a: movdqa xmm3,XMMWORD PTR [rip+0x2e] # 0x70
;;   42: movaps xmm15,xmm3
;;   46: pshufb xmm15,xmm2
;;   4c: pshufb xmm3,xmm1
;;   51: paddb xmm3,xmm15
;;   56: movaps xmm0,xmm3
;;   59: mov rsp,rbp
;;   5c: pop rbp
;;   5d: ret
;;   5e: ud2
;;   60: (bad)
;;   61: (bad)
;;   62: (bad)
;;   63: (bad)
;;   64: (bad)
;;   65: (bad)
;;   66: (bad)
;;   67: (bad)
;;   68: (bad)
;;   69: (bad)
;;   6a: (bad)
;;   6b: (bad)
;;   6c: (bad)
;;   6d: (bad)
;;   6e: (bad)
;;   6f: sldt WORD PTR [rcx]
;;   72: add DWORD PTR [rdx],eax
;;   74: add DWORD PTR [rdx],eax
;;   76: add al,BYTE PTR [rbx]
;;   78: add DWORD PTR [rdx],eax
;;   7a: add al,BYTE PTR [rbx]
;;   7c: add al,BYTE PTR [rbx]
;;   7e: .byte 0x3
;;   7f: .byte 0x4
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x42
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm1
;;   1f: movaps xmm3,xmm0
;;   22: pmulhrsw xmm3,xmm2
;;   27: movdqa xmm15,XMMWORD PTR [rip+0x20] # 0x50
;;   30: pcmpeqw xmm15,xmm3
;;   35: pxor xmm3,xmm15
;;   3a: movaps xmm0,xmm3
;;   3d: mov rsp,rbp
;;   40: pop rbp
;;   41: ret
;;   42: ud2
;;   44: nop WORD PTR [rax+rax*1+0x0]
;;   4d: nop DWORD PTR [rax]
;;   50: add BYTE PTR [rax-0x7fff8000],al
;;   56: add BYTE PTR [rax-0x7fff8000],al
;;   5c: .byte 0x0
;;   5d: add BYTE PTR [rax],0x80
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm1
;;   1f: movaps xmm3,xmm0
;;   22: movaps xmm15,xmm3
;;   26: pmullw xmm15,xmm2
;;   2b: pmulhuw xmm3,xmm2
;;   2f: movaps xmm2,xmm15
;;   33: punpckhwd xmm2,xmm3
;;   37: movaps xmm0,xmm2
;;   3a: mov rsp,rbp
;;   3d: pop rbp
;;   3e: ret
;;   3f: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm1
;;   1f: movaps xmm3,xmm0
;;   22: pmaxud xmm2,xmm3
;;   27: pcmpeqd xmm2,xmm3
;;   2b: pcmpeqd xmm15,xmm15
;;   30: pxor xmm2,xmm15
;;   35: movaps xmm0,xmm2
;;   38: mov rsp,rbp
;;   3b: pop rbp
;;   3c: ret
;;   3d: ud2
;; function 9:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x31
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: packsswb xmm1,xmm1
;;   23: pmovmskb ebx,xmm1
;;   27: movzx ebx,bl
;;   2a: mov eax,ebx
;;   2c: mov rsp,rbp
;;   2f: pop rbp
;;   30: ret
;;   31: ud2
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
