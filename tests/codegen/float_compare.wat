;; Comparisons: lt/le swap the operands and test "above" so NaN needs no
;; parity check and fuses with br_if; eq/ne combine ZF with PF; two
;; constants fold.
(module
  (func $lt (param f32 f32) (result i32) (f32.lt (local.get 0) (local.get 1)))
  (func $ge64 (param f64 f64) (result i32) (f64.ge (local.get 0) (local.get 1)))
  (func $eq (param f32 f32) (result i32) (f32.eq (local.get 0) (local.get 1)))
  (func $ne64 (param f64 f64) (result i32) (f64.ne (local.get 0) (local.get 1)))
  (func $le_br (param f64 f64) (result i32)
    (block (br_if 0 (f64.le (local.get 0) (local.get 1))) (return (i32.const 1)))
    (i32.const 2))
  (func $fold (result i32) (f32.gt (f32.const nan) (f32.const 0))))
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x40
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss DWORD PTR [rbp-0x20],xmm1
;;   26: movss xmm0,DWORD PTR [rbp-0x18]
;;   2b: movss xmm1,DWORD PTR [rbp-0x20]
;;   30: ucomiss xmm1,xmm0
;;   33: seta bl
;;   36: movzx ebx,bl
;;   39: mov eax,ebx
;;   3b: mov rsp,rbp
;;   3e: pop rbp
;;   3f: ret
;;   40: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x41
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd QWORD PTR [rbp-0x20],xmm1
;;   26: movsd xmm0,QWORD PTR [rbp-0x18]
;;   2b: movsd xmm1,QWORD PTR [rbp-0x20]
;;   30: ucomisd xmm0,xmm1
;;   34: setae bl
;;   37: movzx ebx,bl
;;   3a: mov eax,ebx
;;   3c: mov rsp,rbp
;;   3f: pop rbp
;;   40: ret
;;   41: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss DWORD PTR [rbp-0x20],xmm1
;;   26: movss xmm0,DWORD PTR [rbp-0x18]
;;   2b: movss xmm1,DWORD PTR [rbp-0x20]
;;   30: ucomiss xmm0,xmm1
;;   33: sete bl
;;   36: movzx ebx,bl
;;   39: mov r11d,0x0
;;   3f: cmovp ebx,r11d
;;   43: mov eax,ebx
;;   45: mov rsp,rbp
;;   48: pop rbp
;;   49: ret
;;   4a: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd QWORD PTR [rbp-0x20],xmm1
;;   26: movsd xmm0,QWORD PTR [rbp-0x18]
;;   2b: movsd xmm1,QWORD PTR [rbp-0x20]
;;   30: ucomisd xmm0,xmm1
;;   34: setne bl
;;   37: movzx ebx,bl
;;   3a: mov r11d,0x1
;;   40: cmovp ebx,r11d
;;   44: mov eax,ebx
;;   46: mov rsp,rbp
;;   49: pop rbp
;;   4a: ret
;;   4b: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4e
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd QWORD PTR [rbp-0x20],xmm1
;;   26: movsd xmm0,QWORD PTR [rbp-0x18]
;;   2b: movsd xmm1,QWORD PTR [rbp-0x20]
;;   30: ucomisd xmm1,xmm0
;;   34: jae 0x44
;;   3a: mov eax,0x1
;;   3f: mov rsp,rbp
;;   42: pop rbp
;;   43: ret
;;   44: mov eax,0x2
;;   49: mov rsp,rbp
;;   4c: pop rbp
;;   4d: ret
;;   4e: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x26
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov eax,0x0
;;   21: mov rsp,rbp
;;   24: pop rbp
;;   25: ret
;;   26: ud2
