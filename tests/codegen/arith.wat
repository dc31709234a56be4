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
;;   f: jb 0x2c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov rbx,rdi
;;   22: add ebx,0x5
;;   25: mov eax,ebx
;;   27: mov rsp,rbp
;;   2a: pop rbp
;;   2b: ret
;;   2c: ud2
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
;;   f: jb 0x3b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov DWORD PTR [rbp-0x20],esi
;;   22: mov rbx,rdi
;;   25: mov r8,rsi
;;   28: cmp ebx,r8d
;;   2b: jb 0x31
;;   31: mov eax,0x1
;;   36: mov rsp,rbp
;;   39: pop rbp
;;   3a: ret
;;   3b: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x38
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov QWORD PTR [rbp-0x18],rdi
;;   20: mov QWORD PTR [rbp-0x20],rsi
;;   24: mov rbx,rdi
;;   27: mov r8,rsi
;;   2a: mov rcx,r8
;;   2d: shl rbx,cl
;;   30: mov rax,rbx
;;   33: mov rsp,rbp
;;   36: pop rbp
;;   37: ret
;;   38: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x39
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov rbx,rdi
;;   22: bsr ebx,ebx
;;   25: mov r11d,0x3f
;;   2b: cmove ebx,r11d
;;   2f: xor ebx,0x1f
;;   32: mov eax,ebx
;;   34: mov rsp,rbp
;;   37: pop rbp
;;   38: ret
;;   39: ud2
