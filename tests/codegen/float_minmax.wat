;; min and max: ucomis splits unordered (add gives a quiet NaN), equal
;; (or/and of the bits orders -0 below +0) and the ordinary case.
(module
  (func $min32 (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
  (func $max64 (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1))))
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x59
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss DWORD PTR [rbp-0x20],xmm1
;;   26: movss xmm0,DWORD PTR [rbp-0x18]
;;   2b: movss xmm1,DWORD PTR [rbp-0x20]
;;   30: ucomiss xmm0,xmm1
;;   33: jp 0x50
;;   39: je 0x48
;;   3f: minss xmm0,xmm1
;;   43: jmp 0x54
;;   48: orps xmm0,xmm1
;;   4b: jmp 0x54
;;   50: addss xmm0,xmm1
;;   54: mov rsp,rbp
;;   57: pop rbp
;;   58: ret
;;   59: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x5a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd QWORD PTR [rbp-0x20],xmm1
;;   26: movsd xmm0,QWORD PTR [rbp-0x18]
;;   2b: movsd xmm1,QWORD PTR [rbp-0x20]
;;   30: ucomisd xmm0,xmm1
;;   34: jp 0x51
;;   3a: je 0x49
;;   40: maxsd xmm0,xmm1
;;   44: jmp 0x55
;;   49: andps xmm0,xmm1
;;   4c: jmp 0x55
;;   51: addsd xmm0,xmm1
;;   55: mov rsp,rbp
;;   58: pop rbp
;;   59: ret
;;   5a: ud2
