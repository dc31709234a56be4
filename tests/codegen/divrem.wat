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
;;   f: jb 0x42
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov eax,edi
;;   1e: test esi,esi
;;   20: je 0x44
;;   26: cmp esi,0xffffffff
;;   29: jne 0x3a
;;   2f: cmp eax,0x80000000
;;   34: je 0x46
;;   3a: cdq
;;   3b: idiv esi
;;   3d: mov rsp,rbp
;;   40: pop rbp
;;   41: ret
;;   42: ud2
;;   44: ud2
;;   46: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x46
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov rax,rdi
;;   1f: test rsi,rsi
;;   22: je 0x48
;;   28: cmp rsi,0xffffffffffffffff
;;   2c: jne 0x39
;;   32: xor edx,edx
;;   34: jmp 0x3e
;;   39: cqo
;;   3b: idiv rsi
;;   3e: mov rax,rdx
;;   41: mov rsp,rbp
;;   44: pop rbp
;;   45: ret
;;   46: ud2
;;   48: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov eax,edi
;;   1e: mov ebx,0xa
;;   23: xor edx,edx
;;   25: div ebx
;;   27: mov rsp,rbp
;;   2a: pop rbp
;;   2b: ret
;;   2c: ud2
