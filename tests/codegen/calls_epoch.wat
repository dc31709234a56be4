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
;;   30: mov ebx,DWORD PTR [rbp-0x18]
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
;;   f: jb 0xa8
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov r11,QWORD PTR [r14+0x8]
;;   23: mov r11,QWORD PTR [r11]
;;   26: cmp r11,QWORD PTR [r14+0x10]
;;   2a: jae 0xaa
;;   30: mov ebx,DWORD PTR [rbp-0x18]
;;   33: mov DWORD PTR [rbp-0x30],ebx
;;   36: lea r12,[r14+0x50]
;;   3a: mov edi,DWORD PTR [rbp-0x30]
;;   3d: mov r13,r14
;;   40: mov r14,QWORD PTR [r12+0x10]
;;   45: call QWORD PTR [r12]
;;   49: mov r14,QWORD PTR [rbp-0x8]
;;   4d: mov DWORD PTR [rbp-0x30],eax
;;   50: mov edi,DWORD PTR [rbp-0x30]
;;   53: call 0xffffffffffffffc0
;;   58: mov ebx,0x0
;;   5d: mov DWORD PTR [rbp-0x30],eax
;;   60: mov r11,QWORD PTR [r14+0x40]
;;   64: cmp rbx,QWORD PTR [r11+0x8]
;;   68: jae 0xac
;;   6e: mov r11,QWORD PTR [r11]
;;   71: mov r12,QWORD PTR [r11+rbx*8]
;;   75: test r12,r12
;;   78: je 0xae
;;   7e: mov r11,QWORD PTR [r14+0x38]
;;   82: mov r11d,DWORD PTR [r11]
;;   85: cmp r11d,DWORD PTR [r12+0x18]
;;   8a: jne 0xb0
;;   90: mov edi,DWORD PTR [rbp-0x30]
;;   93: mov r13,r14
;;   96: mov r14,QWORD PTR [r12+0x10]
;;   9b: call QWORD PTR [r12]
;;   9f: mov r14,QWORD PTR [rbp-0x8]
;;   a3: mov rsp,rbp
;;   a6: pop rbp
;;   a7: ret
;;   a8: ud2
;;   aa: ud2
;;   ac: ud2
;;   ae: ud2
;;   b0: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x53
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov r11,QWORD PTR [r14+0x8]
;;   23: mov r11,QWORD PTR [r11]
;;   26: cmp r11,QWORD PTR [r14+0x10]
;;   2a: jae 0x55
;;   30: mov r11,QWORD PTR [r14+0x8]
;;   34: mov r11,QWORD PTR [r11]
;;   37: cmp r11,QWORD PTR [r14+0x10]
;;   3b: jae 0x57
;;   41: mov ebx,DWORD PTR [rbp-0x18]
;;   44: sub ebx,0x1
;;   47: mov DWORD PTR [rbp-0x18],ebx
;;   4a: test ebx,ebx
;;   4c: jne 0x30
;;   4e: mov rsp,rbp
;;   51: pop rbp
;;   52: ret
;;   53: ud2
;;   55: ud2
;;   57: ud2
