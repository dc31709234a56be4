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
;;   f: jb 0x58
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss DWORD PTR [rbp-0x20],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: ucomiss xmm2,xmm3
;;   2f: jp 0x4c
;;   35: je 0x44
;;   3b: minss xmm2,xmm3
;;   3f: jmp 0x50
;;   44: orps xmm2,xmm3
;;   47: jmp 0x50
;;   4c: addss xmm2,xmm3
;;   50: movaps xmm0,xmm2
;;   53: mov rsp,rbp
;;   56: pop rbp
;;   57: ret
;;   58: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x59
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd QWORD PTR [rbp-0x20],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: ucomisd xmm2,xmm3
;;   30: jp 0x4d
;;   36: je 0x45
;;   3c: maxsd xmm2,xmm3
;;   40: jmp 0x51
;;   45: andps xmm2,xmm3
;;   48: jmp 0x51
;;   4d: addsd xmm2,xmm3
;;   51: movaps xmm0,xmm2
;;   54: mov rsp,rbp
;;   57: pop rbp
;;   58: ret
;;   59: ud2
