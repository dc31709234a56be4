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
;;   f: jb 0x32
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm1
;;   1f: movaps xmm3,xmm0
;;   22: ucomiss xmm2,xmm3
;;   25: seta bl
;;   28: movzx ebx,bl
;;   2b: mov eax,ebx
;;   2d: mov rsp,rbp
;;   30: pop rbp
;;   31: ret
;;   32: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x33
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm0
;;   1f: movaps xmm3,xmm1
;;   22: ucomisd xmm2,xmm3
;;   26: setae bl
;;   29: movzx ebx,bl
;;   2c: mov eax,ebx
;;   2e: mov rsp,rbp
;;   31: pop rbp
;;   32: ret
;;   33: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm0
;;   1f: movaps xmm3,xmm1
;;   22: ucomiss xmm2,xmm3
;;   25: sete bl
;;   28: movzx ebx,bl
;;   2b: mov r11d,0x0
;;   31: cmovp ebx,r11d
;;   35: mov eax,ebx
;;   37: mov rsp,rbp
;;   3a: pop rbp
;;   3b: ret
;;   3c: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm0
;;   1f: movaps xmm3,xmm1
;;   22: ucomisd xmm2,xmm3
;;   26: setne bl
;;   29: movzx ebx,bl
;;   2c: mov r11d,0x1
;;   32: cmovp ebx,r11d
;;   36: mov eax,ebx
;;   38: mov rsp,rbp
;;   3b: pop rbp
;;   3c: ret
;;   3d: ud2
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
;;   26: movaps xmm2,xmm1
;;   29: movaps xmm3,xmm0
;;   2c: ucomisd xmm2,xmm3
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
