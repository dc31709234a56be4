;; Direct, imported and indirect calls; epoch checks at entry and loops.
;; compile: epoch
(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (func $g (param i32) (result i32) (local.get 0))
  (func (export "calls") (param i32) (result i32)
    (call $g (call $f (local.get 0)))
    (call_indirect (type $t) (i32.const 0)))
  (func (export "spin") (param i32)
    (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov r11,QWORD PTR [r14+0x8]
;;   23: mov r11,QWORD PTR [r11]
;;   26: cmp r11,QWORD PTR [r14+0x10]
;;   2a: jae 0x3c
;;   30: mov rbx,rdi
;;   33: mov eax,ebx
;;   35: mov rsp,rbp
;;   38: pop rbp
;;   39: ret
;;   3a: ud2
;;   3c: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0xa2
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov r11,QWORD PTR [r14+0x8]
;;   23: mov r11,QWORD PTR [r11]
;;   26: cmp r11,QWORD PTR [r14+0x10]
;;   2a: jae 0xa4
;;   30: mov rbx,rdi
;;   33: lea r12,[r14+0x50]
;;   37: mov rdi,rbx
;;   3a: mov r13,r14
;;   3d: mov r14,QWORD PTR [r12+0x10]
;;   42: call QWORD PTR [r12]
;;   46: mov r14,QWORD PTR [rbp-0x8]
;;   4a: mov rdi,rax
;;   4d: call 0xffffffffffffffc0
;;   52: mov ebx,0x0
;;   57: mov r11,QWORD PTR [r14+0x40]
;;   5b: cmp rbx,QWORD PTR [r11+0x8]
;;   5f: jae 0xa6
;;   65: mov r11,QWORD PTR [r11]
;;   68: mov r12,QWORD PTR [r11+rbx*8]
;;   6c: mov r11d,ebx
;;   6f: test r12,r12
;;   72: je 0xa8
;;   78: mov r11,QWORD PTR [r14+0x38]
;;   7c: mov r11d,DWORD PTR [r11]
;;   7f: cmp r11d,DWORD PTR [r12+0x18]
;;   84: jne 0xaa
;;   8a: mov rdi,rax
;;   8d: mov r13,r14
;;   90: mov r14,QWORD PTR [r12+0x10]
;;   95: call QWORD PTR [r12]
;;   99: mov r14,QWORD PTR [rbp-0x8]
;;   9d: mov rsp,rbp
;;   a0: pop rbp
;;   a1: ret
;;   a2: ud2
;;   a4: ud2
;;   a6: ud2
;;   a8: ud2
;;   aa: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x59
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov r11,QWORD PTR [r14+0x8]
;;   23: mov r11,QWORD PTR [r11]
;;   26: cmp r11,QWORD PTR [r14+0x10]
;;   2a: jae 0x5b
;;   30: mov r11,QWORD PTR [r14+0x8]
;;   34: mov r11,QWORD PTR [r11]
;;   37: cmp r11,QWORD PTR [r14+0x10]
;;   3b: jae 0x5d
;;   41: mov rbx,rdi
;;   44: sub ebx,0x1
;;   47: mov DWORD PTR [rbp-0x18],ebx
;;   4a: mov rsi,rbx
;;   4d: test ebx,ebx
;;   4f: mov rdi,rsi
;;   52: jne 0x30
;;   54: mov rsp,rbp
;;   57: pop rbp
;;   58: ret
;;   59: ud2
;;   5b: ud2
;;   5d: ud2
