;; SIMD memory accesses: whole vectors, extending, splat, zero and lane
;; loads and stores. Under the static plan the address is [r15 + index +
;; offset] and the access itself is the instruction that may fault.
(module
  (memory 1)
  (func $load (param i32) (result v128) (v128.load offset=16 (local.get 0)))
  (func $load8x8_s (param i32) (result v128) (v128.load8x8_s (local.get 0)))
  (func $load8_splat (param i32) (result v128) (v128.load8_splat (local.get 0)))
  (func $load32_zero (param i32) (result v128) (v128.load32_zero (local.get 0)))
  (func $load16_lane (param i32 v128) (result v128) (v128.load16_lane 5 (local.get 0) (local.get 1)))
  (func $store (param i32 v128) (v128.store (local.get 0) (local.get 1)))
  (func $store64_lane (param i32 v128) (v128.store64_lane 1 (local.get 0) (local.get 1)))
)
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x28
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movdqu xmm0,XMMWORD PTR [r15+rdi*1+0x10]
;;   23: mov rsp,rbp
;;   26: pop rbp
;;   27: ret
;;   28: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x28
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: pmovsxbw xmm0,QWORD PTR [r15+rdi*1]
;;   23: mov rsp,rbp
;;   26: pop rbp
;;   27: ret
;;   28: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x34
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: pinsrb xmm0,BYTE PTR [r15+rdi*1],0x0
;;   24: pxor xmm15,xmm15
;;   29: pshufb xmm0,xmm15
;;   2f: mov rsp,rbp
;;   32: pop rbp
;;   33: ret
;;   34: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x27
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss xmm0,DWORD PTR [r15+rdi*1]
;;   22: mov rsp,rbp
;;   25: pop rbp
;;   26: ret
;;   27: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2e
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: pinsrw xmm1,WORD PTR [r15+rdi*1],0x5
;;   26: movaps xmm0,xmm1
;;   29: mov rsp,rbp
;;   2c: pop rbp
;;   2d: ret
;;   2e: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: movdqu XMMWORD PTR [r15+rdi*1],xmm1
;;   25: mov rsp,rbp
;;   28: pop rbp
;;   29: ret
;;   2a: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: pextrq QWORD PTR [r15+rdi*1],xmm1,0x1
;;   27: mov rsp,rbp
;;   2a: pop rbp
;;   2b: ret
;;   2c: ud2
