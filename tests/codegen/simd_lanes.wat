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
;;   f: jb 0x29
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqa xmm0,XMMWORD PTR [rip+0xc] # 0x30
;;   24: mov rsp,rbp
;;   27: pop rbp
;;   28: ret
;;   29: ud2
;;   2b: nop DWORD PTR [rax+rax*1+0x0]
;;   30: add DWORD PTR [rax],eax
;;   32: add BYTE PTR [rax],al
;;   34: add al,BYTE PTR [rax]
;;   36: add BYTE PTR [rax],al
;;   38: add eax,DWORD PTR [rax]
;;   3a: add BYTE PTR [rax],al
;;   3c: add al,0x0
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm1
;;   1f: movaps xmm3,xmm0
;;   22: movdqa xmm15,XMMWORD PTR [rip+0x25] # 0x50
;;   2b: pshufb xmm3,xmm15
;;   31: movdqa xmm15,XMMWORD PTR [rip+0x26] # 0x60
;;   3a: pshufb xmm2,xmm15
;;   40: por xmm3,xmm2
;;   44: movaps xmm0,xmm3
;;   47: mov rsp,rbp
;;   4a: pop rbp
;;   4b: ret
;;   4c: ud2
;;   4e: xchg ax,ax
;;   50: add BYTE PTR [rax-0x7ffb7ffe],al
;;   56: (bad)
;;   57: or BYTE PTR [rax],0x80
;;   5a: or al,BYTE PTR [rax-0x7ff17ff4]
;;   60: add BYTE PTR [rcx],0x80
;;   63: add eax,DWORD PTR [rax-0x7ff87ffb]
;;   69: or DWORD PTR [rax-0x7ff27ff5],eax
;;   6f: .byte 0xf
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x37
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm1
;;   1f: movaps xmm3,xmm0
;;   22: paddusb xmm2,XMMWORD PTR [rip+0x16] # 0x40
;;   2a: pshufb xmm3,xmm2
;;   2f: movaps xmm0,xmm3
;;   32: mov rsp,rbp
;;   35: pop rbp
;;   36: ret
;;   37: ud2
;;   39: nop DWORD PTR [rax+0x0]
;;   40: jo 0xb2
;;   42: jo 0xb4
;;   44: jo 0xb6
;;   46: jo 0xb8
;;   48: jo 0xba
;;   4a: jo 0xbc
;;   4c: jo 0xbe
;;   4e: jo 0xc0
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x30
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movd xmm0,edi
;;   20: pxor xmm15,xmm15
;;   25: pshufb xmm0,xmm15
;;   2b: mov rsp,rbp
;;   2e: pop rbp
;;   2f: ret
;;   30: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: pshufd xmm1,xmm1,0x0
;;   24: movaps xmm0,xmm1
;;   27: mov rsp,rbp
;;   2a: pop rbp
;;   2b: ret
;;   2c: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: pextrb ebx,xmm1,0x9
;;   25: movsx ebx,bl
;;   28: mov eax,ebx
;;   2a: mov rsp,rbp
;;   2d: pop rbp
;;   2e: ret
;;   2f: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: insertps xmm1,xmm1,0xce
;;   25: movaps xmm0,xmm1
;;   28: mov rsp,rbp
;;   2b: pop rbp
;;   2c: ret
;;   2d: ud2
;; function 9:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x30
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm1
;;   1f: movaps xmm3,xmm0
;;   22: blendpd xmm3,xmm2,0x1
;;   28: movaps xmm0,xmm3
;;   2b: mov rsp,rbp
;;   2e: pop rbp
;;   2f: ret
;;   30: ud2
