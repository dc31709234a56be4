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
;;   f: jb 0x28
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov ebx,DWORD PTR [r15+rdi*1+0x8]
;;   21: mov eax,ebx
;;   23: mov rsp,rbp
;;   26: pop rbp
;;   27: ret
;;   28: ud2
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
;;   f: jb 0x25
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov BYTE PTR [r15+rdi*1],sil
;;   20: mov rsp,rbp
;;   23: pop rbp
;;   24: ret
;;   25: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x48
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov ebx,edi
;;   1e: mov esi,0xfffffff4
;;   23: add rsi,rbx
;;   26: mov r11,QWORD PTR [r14+0x30]
;;   2a: cmp rsi,QWORD PTR [r11+0x8]
;;   2e: ja 0x4a
;;   34: mov r11d,0xfffffff0
;;   3a: add rbx,r11
;;   3d: mov ebx,DWORD PTR [r15+rbx*1]
;;   41: mov eax,ebx
;;   43: mov rsp,rbp
;;   46: pop rbp
;;   47: ret
;;   48: ud2
;;   4a: ud2
