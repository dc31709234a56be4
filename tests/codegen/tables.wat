;; Funcref tables store elements encoded (abi.h, wsbx_table_def): table.get
;; sends 0 (not initialized) and 1 (null) out of line, where a lazy one goes
;; through WSBX_BUILTIN_TABLE_LAZY (call [rax+0x58]) with rax, the index and
;; the table pushed, and null becomes 0; table.set stores null as 1
;; (cmp/adc). Externref tables are read and written as they are.
(module
  (table $f 4 funcref)
  (table $e 4 externref)
  (func (export "fget") (param i32) (result funcref) (table.get $f (local.get 0)))
  (func (export "fset") (param i32 funcref) (table.set $f (local.get 0) (local.get 1)))
  (func (export "eget") (param i32) (result externref) (table.get $e (local.get 0)))
  (func (export "eset") (param i32 externref) (table.set $e (local.get 0) (local.get 1))))
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x69
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov ebx,edi
;;   1e: mov r11,QWORD PTR [r14+0x40]
;;   22: cmp rbx,QWORD PTR [r11+0x8]
;;   26: jae 0x6b
;;   2c: mov r11,QWORD PTR [r11]
;;   2f: mov rsi,QWORD PTR [r11+rbx*8]
;;   33: cmp rsi,0x1
;;   37: jbe 0x45
;;   3d: mov rax,rsi
;;   40: mov rsp,rbp
;;   43: pop rbp
;;   44: ret
;;   45: je 0x65
;;   4b: push rax
;;   4c: push rbx
;;   4d: mov rax,QWORD PTR [r14+0x40]
;;   51: push rax
;;   52: mov rax,QWORD PTR [r14+0x18]
;;   56: call QWORD PTR [rax+0x58]
;;   59: pop rsi
;;   5a: add rsp,0x8
;;   5e: pop rax
;;   5f: cmp rsi,0x1
;;   63: jne 0x3d
;;   65: xor esi,esi
;;   67: jmp 0x3d
;;   69: ud2
;;   6b: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x44
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov rbx,rsi
;;   1f: mov r8d,edi
;;   22: cmp rbx,0x1
;;   26: adc rbx,0x0
;;   2a: mov r11,QWORD PTR [r14+0x40]
;;   2e: cmp r8,QWORD PTR [r11+0x8]
;;   32: jae 0x46
;;   38: mov r11,QWORD PTR [r11]
;;   3b: mov QWORD PTR [r11+r8*8],rbx
;;   3f: mov rsp,rbp
;;   42: pop rbp
;;   43: ret
;;   44: ud2
;;   46: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov ebx,edi
;;   1e: mov r11,QWORD PTR [r14+0x48]
;;   22: cmp rbx,QWORD PTR [r11+0x8]
;;   26: jae 0x3d
;;   2c: mov r11,QWORD PTR [r11]
;;   2f: mov rbx,QWORD PTR [r11+rbx*8]
;;   33: mov rax,rbx
;;   36: mov rsp,rbp
;;   39: pop rbp
;;   3a: ret
;;   3b: ud2
;;   3d: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov rbx,rsi
;;   1f: mov r8d,edi
;;   22: mov r11,QWORD PTR [r14+0x48]
;;   26: cmp r8,QWORD PTR [r11+0x8]
;;   2a: jae 0x3e
;;   30: mov r11,QWORD PTR [r11]
;;   33: mov QWORD PTR [r11+r8*8],rbx
;;   37: mov rsp,rbp
;;   3a: pop rbp
;;   3b: ret
;;   3c: ud2
;;   3e: ud2
