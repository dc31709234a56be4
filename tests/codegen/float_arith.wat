;; Scalar float arithmetic: a slot operand used as a memory operand, sign
;; operations as masks built from all-ones (or a patched sign byte for a
;; value still in its slot, and folded when the sign is a constant),
;; rounding with the precision exception suppressed, sqrt in place.
(module
  (func $add (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1)))
  (func $div_slot (param f64) (result f64)
    (f64.div (local.get 0) (block (result f64) (br 0 (local.get 0)))))
  (func $neg (param f32) (result f32) (f32.neg (local.get 0)))
  (func $abs_slot (param f64) (result f64) (f64.abs (block (result f64) (br 0 (local.get 0)))))
  (func $copysign (param f64 f64) (result f64) (f64.copysign (local.get 0) (local.get 1)))
  (func $copysign_k (param f32) (result f32) (f32.copysign (local.get 0) (f32.const -1)))
  (func $nearest (param f64) (result f64) (f64.nearest (local.get 0)))
  (func $floor (param f32) (result f32) (f32.floor (local.get 0)))
  (func $sqrt (param f32) (result f32) (f32.sqrt (local.get 0)))
  (func $const (result f64) (f64.mul (f64.const 0) (f64.const 1.5))))
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x38
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss DWORD PTR [rbp-0x20],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: addss xmm2,xmm3
;;   30: movaps xmm0,xmm2
;;   33: mov rsp,rbp
;;   36: pop rbp
;;   37: ret
;;   38: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x45
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: movsd QWORD PTR [rbp-0x30],xmm1
;;   29: movaps xmm1,xmm0
;;   2c: movsd QWORD PTR [rbp-0x40],xmm1
;;   31: jmp 0x36
;;   36: movsd xmm0,QWORD PTR [rbp-0x30]
;;   3b: divsd xmm0,QWORD PTR [rbp-0x40]
;;   40: mov rsp,rbp
;;   43: pop rbp
;;   44: ret
;;   45: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: pcmpeqd xmm15,xmm15
;;   29: pslld xmm15,0x1f
;;   2f: xorps xmm1,xmm15
;;   33: movaps xmm0,xmm1
;;   36: mov rsp,rbp
;;   39: pop rbp
;;   3a: ret
;;   3b: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: movsd QWORD PTR [rbp-0x30],xmm1
;;   29: jmp 0x2e
;;   2e: and BYTE PTR [rbp-0x29],0x7f
;;   32: movsd xmm0,QWORD PTR [rbp-0x30]
;;   37: mov rsp,rbp
;;   3a: pop rbp
;;   3b: ret
;;   3c: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd QWORD PTR [rbp-0x20],xmm1
;;   26: movaps xmm2,xmm0
;;   29: movaps xmm3,xmm1
;;   2c: pcmpeqd xmm15,xmm15
;;   31: psllq xmm15,0x3f
;;   37: andps xmm3,xmm15
;;   3b: andnps xmm15,xmm2
;;   3f: orps xmm3,xmm15
;;   43: movaps xmm0,xmm3
;;   46: mov rsp,rbp
;;   49: pop rbp
;;   4a: ret
;;   4b: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: pcmpeqd xmm15,xmm15
;;   29: pslld xmm15,0x1f
;;   2f: orps xmm1,xmm15
;;   33: movaps xmm0,xmm1
;;   36: mov rsp,rbp
;;   39: pop rbp
;;   3a: ret
;;   3b: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x32
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: roundsd xmm1,xmm1,0x8
;;   2a: movaps xmm0,xmm1
;;   2d: mov rsp,rbp
;;   30: pop rbp
;;   31: ret
;;   32: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x32
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: roundss xmm1,xmm1,0x9
;;   2a: movaps xmm0,xmm1
;;   2d: mov rsp,rbp
;;   30: pop rbp
;;   31: ret
;;   32: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x30
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: sqrtss xmm1,xmm1
;;   28: movaps xmm0,xmm1
;;   2b: mov rsp,rbp
;;   2e: pop rbp
;;   2f: ret
;;   30: ud2
;; function 9:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x37
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: xorps xmm0,xmm0
;;   1f: movabs r11,0x3ff8000000000000
;;   29: movq xmm1,r11
;;   2e: mulsd xmm0,xmm1
;;   32: mov rsp,rbp
;;   35: pop rbp
;;   36: ret
;;   37: ud2
