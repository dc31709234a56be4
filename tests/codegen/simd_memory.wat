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
;;   f: jb 0x2e
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov rbx,rdi
;;   22: movdqu xmm0,XMMWORD PTR [r15+rbx*1+0x10]
;;   29: mov rsp,rbp
;;   2c: pop rbp
;;   2d: ret
;;   2e: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2e
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov rbx,rdi
;;   22: pmovsxbw xmm0,QWORD PTR [r15+rbx*1]
;;   29: mov rsp,rbp
;;   2c: pop rbp
;;   2d: ret
;;   2e: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov rbx,rdi
;;   22: pinsrb xmm0,BYTE PTR [r15+rbx*1],0x0
;;   2a: pxor xmm15,xmm15
;;   2f: pshufb xmm0,xmm15
;;   35: mov rsp,rbp
;;   38: pop rbp
;;   39: ret
;;   3a: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov rbx,rdi
;;   22: movss xmm0,DWORD PTR [r15+rbx*1]
;;   28: mov rsp,rbp
;;   2b: pop rbp
;;   2c: ret
;;   2d: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x39
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: movdqu XMMWORD PTR [rbp-0x30],xmm0
;;   24: mov rbx,rdi
;;   27: movaps xmm1,xmm0
;;   2a: pinsrw xmm1,WORD PTR [r15+rbx*1],0x5
;;   31: movaps xmm0,xmm1
;;   34: mov rsp,rbp
;;   37: pop rbp
;;   38: ret
;;   39: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x35
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: movdqu XMMWORD PTR [rbp-0x30],xmm0
;;   24: mov rbx,rdi
;;   27: movaps xmm1,xmm0
;;   2a: movdqu XMMWORD PTR [r15+rbx*1],xmm1
;;   30: mov rsp,rbp
;;   33: pop rbp
;;   34: ret
;;   35: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x37
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: movdqu XMMWORD PTR [rbp-0x30],xmm0
;;   24: mov rbx,rdi
;;   27: movaps xmm1,xmm0
;;   2a: pextrq QWORD PTR [r15+rbx*1],xmm1,0x1
;;   32: mov rsp,rbp
;;   35: pop rbp
;;   36: ret
;;   37: ud2
