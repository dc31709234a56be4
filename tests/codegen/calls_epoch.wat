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
;;   f: jb 0x34
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov r11,QWORD PTR [r14+0x8]
;;   20: mov r11,QWORD PTR [r11]
;;   23: cmp r11,QWORD PTR [r14+0x10]
;;   27: jae 0x36
;;   2d: mov eax,edi
;;   2f: mov rsp,rbp
;;   32: pop rbp
;;   33: ret
;;   34: ud2
;;   36: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0xc5
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov r11,QWORD PTR [r14+0x8]
;;   20: mov r11,QWORD PTR [r11]
;;   23: cmp r11,QWORD PTR [r14+0x10]
;;   27: jae 0xc7
;;   2d: mov DWORD PTR [rbp-0x18],edi
;;   30: lea r12,[r14+0x50]
;;   34: mov r13,r14
;;   37: mov r14,QWORD PTR [r12+0x10]
;;   3c: call QWORD PTR [r12]
;;   40: mov r14,QWORD PTR [rbp-0x8]
;;   44: mov rdi,rax
;;   47: call 0xffffffffffffffc0
;;   4c: mov ebx,0x0
;;   51: mov r11,QWORD PTR [r14+0x40]
;;   55: cmp rbx,QWORD PTR [r11+0x8]
;;   59: jae 0xc9
;;   5f: mov r11,QWORD PTR [r11]
;;   62: mov r12,QWORD PTR [r11+rbx*8]
;;   66: mov r11d,ebx
;;   69: cmp r12,0x1
;;   6d: jbe 0x9d
;;   73: mov r11,QWORD PTR [r14+0x38]
;;   77: mov r11d,DWORD PTR [r11]
;;   7a: cmp r11d,DWORD PTR [r12+0x18]
;;   7f: jne 0xcd
;;   85: mov rdi,rax
;;   88: mov r13,r14
;;   8b: mov r14,QWORD PTR [r12+0x10]
;;   90: call QWORD PTR [r12]
;;   94: mov r14,QWORD PTR [rbp-0x8]
;;   98: mov rsp,rbp
;;   9b: pop rbp
;;   9c: ret
;;   9d: je 0xcb
;;   a3: push rax
;;   a4: push r11
;;   a6: mov rax,QWORD PTR [r14+0x40]
;;   aa: push rax
;;   ab: mov rax,QWORD PTR [r14+0x18]
;;   af: call QWORD PTR [rax+0x58]
;;   b2: pop r12
;;   b4: add rsp,0x8
;;   b8: pop rax
;;   b9: cmp r12,0x1
;;   bd: je 0xcb
;;   c3: jmp 0x73
;;   c5: ud2
;;   c7: ud2
;;   c9: ud2
;;   cb: ud2
;;   cd: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x50
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov r11,QWORD PTR [r14+0x8]
;;   20: mov r11,QWORD PTR [r11]
;;   23: cmp r11,QWORD PTR [r14+0x10]
;;   27: jae 0x52
;;   2d: mov r11,QWORD PTR [r14+0x8]
;;   31: mov r11,QWORD PTR [r11]
;;   34: cmp r11,QWORD PTR [r14+0x10]
;;   38: jae 0x54
;;   3e: lea ebx,[rdi-0x1]
;;   41: mov rsi,rbx
;;   44: test ebx,ebx
;;   46: mov rdi,rsi
;;   49: jne 0x2d
;;   4b: mov rsp,rbp
;;   4e: pop rbp
;;   4f: ret
;;   50: ud2
;;   52: ud2
;;   54: ud2
