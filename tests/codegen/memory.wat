;; Static plan: [r15 + index + offset] without a check; a constant address
;; becomes a displacement; an offset past the guard gets an explicit check.
(module
  (memory 1)
  (func (export "load") (param i32) (result i32)
    (i32.load offset=8 (local.get 0)))
  (func (export "loadk") (result i64)
    (i64.load (i32.const 1024)))
  (func (export "store8") (param i32 i32)
    (i32.store8 (local.get 0) (local.get 1)))
  (func (export "far") (param i32) (result i32)
    (i32.load offset=0xfffffff0 (local.get 0))))
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
;;   22: mov ebx,DWORD PTR [r15+rbx*1+0x8]
;;   27: mov eax,ebx
;;   29: mov rsp,rbp
;;   2c: pop rbp
;;   2d: ret
;;   2e: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x20]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov rbx,QWORD PTR [r15+0x400]
;;   23: mov rax,rbx
;;   26: mov rsp,rbp
;;   29: pop rbp
;;   2a: ret
;;   2b: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x31
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov DWORD PTR [rbp-0x20],esi
;;   22: mov rbx,rdi
;;   25: mov r8,rsi
;;   28: mov BYTE PTR [r15+rbx*1],r8b
;;   2c: mov rsp,rbp
;;   2f: pop rbp
;;   30: ret
;;   31: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov rbx,rdi
;;   22: mov esi,0xfffffff4
;;   27: add rsi,rbx
;;   2a: mov r11,QWORD PTR [r14+0x30]
;;   2e: cmp rsi,QWORD PTR [r11+0x8]
;;   32: ja 0x4e
;;   38: mov r11d,0xfffffff0
;;   3e: add rbx,r11
;;   41: mov ebx,DWORD PTR [r15+rbx*1]
;;   45: mov eax,ebx
;;   47: mov rsp,rbp
;;   4a: pop rbp
;;   4b: ret
;;   4c: ud2
;;   4e: ud2
