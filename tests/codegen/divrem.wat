;; Division: explicit checks branch to ud2 stubs (divide by zero,
;; INT_MIN / -1); rem_s by -1 yields 0 without dividing.
(module
  (func (export "div_s") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i64 i64) (result i64)
    (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "div_u_k") (param i32) (result i32)
    (i32.div_u (local.get 0) (i32.const 10))))
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4e
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov DWORD PTR [rbp-0x20],esi
;;   22: mov ebx,DWORD PTR [rbp-0x18]
;;   25: mov esi,DWORD PTR [rbp-0x20]
;;   28: mov eax,ebx
;;   2a: test esi,esi
;;   2c: je 0x50
;;   32: cmp esi,0xffffffff
;;   35: jne 0x46
;;   3b: cmp eax,0x80000000
;;   40: je 0x52
;;   46: cdq
;;   47: idiv esi
;;   49: mov rsp,rbp
;;   4c: pop rbp
;;   4d: ret
;;   4e: ud2
;;   50: ud2
;;   52: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x56
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov QWORD PTR [rbp-0x18],rdi
;;   20: mov QWORD PTR [rbp-0x20],rsi
;;   24: mov rbx,QWORD PTR [rbp-0x18]
;;   28: mov rsi,QWORD PTR [rbp-0x20]
;;   2c: mov rax,rbx
;;   2f: test rsi,rsi
;;   32: je 0x58
;;   38: cmp rsi,0xffffffffffffffff
;;   3c: jne 0x49
;;   42: xor edx,edx
;;   44: jmp 0x4e
;;   49: cqo
;;   4b: idiv rsi
;;   4e: mov rax,rdx
;;   51: mov rsp,rbp
;;   54: pop rbp
;;   55: ret
;;   56: ud2
;;   58: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x32
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov ebx,DWORD PTR [rbp-0x18]
;;   22: mov eax,ebx
;;   24: mov ebx,0xa
;;   29: xor edx,edx
;;   2b: div ebx
;;   2d: mov rsp,rbp
;;   30: pop rbp
;;   31: ret
;;   32: ud2
