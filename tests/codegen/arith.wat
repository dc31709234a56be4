;; Constants fold into immediates; both-constant operations fold away;
;; a compare feeding br_if leaves its result in the flags.
(module
  (func (export "addk") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 5)))
  (func (export "fold") (result i64)
    (i64.mul (i64.const 6) (i64.const 7)))
  (func (export "cmpbr") (param i32 i32) (result i32)
    (block (br_if 0 (i32.lt_u (local.get 0) (local.get 1))))
    (i32.const 1))
  (func (export "shift") (param i64 i64) (result i64)
    (i64.shl (local.get 0) (local.get 1)))
  (func (export "clz") (param i32) (result i32)
    (i32.clz (local.get 0))))
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x26
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: lea ebx,[rdi+0x5]
;;   1f: mov eax,ebx
;;   21: mov rsp,rbp
;;   24: pop rbp
;;   25: ret
;;   26: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x26
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov eax,0x2a
;;   21: mov rsp,rbp
;;   24: pop rbp
;;   25: ret
;;   26: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x34
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x20],esi
;;   1f: mov DWORD PTR [rbp-0x18],edi
;;   22: cmp edi,esi
;;   24: jb 0x2a
;;   2a: mov eax,0x1
;;   2f: mov rsp,rbp
;;   32: pop rbp
;;   33: ret
;;   34: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov rcx,rsi
;;   1f: mov rbx,rdi
;;   22: shl rbx,cl
;;   25: mov rax,rbx
;;   28: mov rsp,rbp
;;   2b: pop rbp
;;   2c: ret
;;   2d: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x35
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov ebx,edi
;;   1e: bsr ebx,ebx
;;   21: mov r11d,0x3f
;;   27: cmove ebx,r11d
;;   2b: xor ebx,0x1f
;;   2e: mov eax,ebx
;;   30: mov rsp,rbp
;;   33: pop rbp
;;   34: ret
;;   35: ud2
