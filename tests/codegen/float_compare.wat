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
;;   f: jb 0x3c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss DWORD PTR [rbp-0x20],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: ucomiss xmm3,xmm2
;;   2f: seta bl
;;   32: movzx ebx,bl
;;   35: mov eax,ebx
;;   37: mov rsp,rbp
;;   3a: pop rbp
;;   3b: ret
;;   3c: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd QWORD PTR [rbp-0x20],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: ucomisd xmm2,xmm3
;;   30: setae bl
;;   33: movzx ebx,bl
;;   36: mov eax,ebx
;;   38: mov rsp,rbp
;;   3b: pop rbp
;;   3c: ret
;;   3d: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x46
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss DWORD PTR [rbp-0x20],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: ucomiss xmm2,xmm3
;;   2f: sete bl
;;   32: movzx ebx,bl
;;   35: mov r11d,0x0
;;   3b: cmovp ebx,r11d
;;   3f: mov eax,ebx
;;   41: mov rsp,rbp
;;   44: pop rbp
;;   45: ret
;;   46: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x47
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd QWORD PTR [rbp-0x20],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: ucomisd xmm2,xmm3
;;   30: setne bl
;;   33: movzx ebx,bl
;;   36: mov r11d,0x1
;;   3c: cmovp ebx,r11d
;;   40: mov eax,ebx
;;   42: mov rsp,rbp
;;   45: pop rbp
;;   46: ret
;;   47: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd QWORD PTR [rbp-0x20],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: ucomisd xmm3,xmm2
;;   30: jae 0x40
;;   36: mov eax,0x1
;;   3b: mov rsp,rbp
;;   3e: pop rbp
;;   3f: ret
;;   40: mov eax,0x2
;;   45: mov rsp,rbp
;;   48: pop rbp
;;   49: ret
;;   4a: ud2
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
