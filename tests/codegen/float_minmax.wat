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
;;   f: jb 0x4e
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm0
;;   1f: movaps xmm3,xmm1
;;   22: ucomiss xmm2,xmm3
;;   25: jp 0x42
;;   2b: je 0x3a
;;   31: minss xmm2,xmm3
;;   35: jmp 0x46
;;   3a: orps xmm2,xmm3
;;   3d: jmp 0x46
;;   42: addss xmm2,xmm3
;;   46: movaps xmm0,xmm2
;;   49: mov rsp,rbp
;;   4c: pop rbp
;;   4d: ret
;;   4e: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm0
;;   1f: movaps xmm3,xmm1
;;   22: ucomisd xmm2,xmm3
;;   26: jp 0x43
;;   2c: je 0x3b
;;   32: maxsd xmm2,xmm3
;;   36: jmp 0x47
;;   3b: andps xmm2,xmm3
;;   3e: jmp 0x47
;;   43: addsd xmm2,xmm3
;;   47: movaps xmm0,xmm2
;;   4a: mov rsp,rbp
;;   4d: pop rbp
;;   4e: ret
;;   4f: ud2
