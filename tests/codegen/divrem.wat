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
;;   f: jb 0x51
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov DWORD PTR [rbp-0x20],esi
;;   22: mov rbx,rdi
;;   25: mov r8,rsi
;;   28: mov eax,ebx
;;   2a: test r8d,r8d
;;   2d: je 0x53
;;   33: cmp r8d,0xffffffff
;;   37: jne 0x48
;;   3d: cmp eax,0x80000000
;;   42: je 0x55
;;   48: cdq
;;   49: idiv r8d
;;   4c: mov rsp,rbp
;;   4f: pop rbp
;;   50: ret
;;   51: ud2
;;   53: ud2
;;   55: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x54
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov QWORD PTR [rbp-0x18],rdi
;;   20: mov QWORD PTR [rbp-0x20],rsi
;;   24: mov rbx,rdi
;;   27: mov r8,rsi
;;   2a: mov rax,rbx
;;   2d: test r8,r8
;;   30: je 0x56
;;   36: cmp r8,0xffffffffffffffff
;;   3a: jne 0x47
;;   40: xor edx,edx
;;   42: jmp 0x4c
;;   47: cqo
;;   49: idiv r8
;;   4c: mov rax,rdx
;;   4f: mov rsp,rbp
;;   52: pop rbp
;;   53: ret
;;   54: ud2
;;   56: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x32
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov rbx,rdi
;;   22: mov eax,ebx
;;   24: mov ebx,0xa
;;   29: xor edx,edx
;;   2b: div ebx
;;   2d: mov rsp,rbp
;;   30: pop rbp
;;   31: ret
;;   32: ud2
