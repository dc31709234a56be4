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
;;   f: jb 0x39
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss DWORD PTR [rbp-0x20],xmm1
;;   26: movss xmm0,DWORD PTR [rbp-0x18]
;;   2b: movss xmm1,DWORD PTR [rbp-0x20]
;;   30: addss xmm0,xmm1
;;   34: mov rsp,rbp
;;   37: pop rbp
;;   38: ret
;;   39: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x49
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd xmm0,QWORD PTR [rbp-0x18]
;;   26: movsd QWORD PTR [rbp-0x30],xmm0
;;   2b: movsd xmm0,QWORD PTR [rbp-0x18]
;;   30: movsd QWORD PTR [rbp-0x40],xmm0
;;   35: jmp 0x3a
;;   3a: movsd xmm0,QWORD PTR [rbp-0x30]
;;   3f: divsd xmm0,QWORD PTR [rbp-0x40]
;;   44: mov rsp,rbp
;;   47: pop rbp
;;   48: ret
;;   49: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss xmm0,DWORD PTR [rbp-0x18]
;;   26: pcmpeqd xmm15,xmm15
;;   2b: pslld xmm15,0x1f
;;   31: xorps xmm0,xmm15
;;   35: mov rsp,rbp
;;   38: pop rbp
;;   39: ret
;;   3a: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3e
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd xmm0,QWORD PTR [rbp-0x18]
;;   26: movsd QWORD PTR [rbp-0x30],xmm0
;;   2b: jmp 0x30
;;   30: and BYTE PTR [rbp-0x29],0x7f
;;   34: movsd xmm0,QWORD PTR [rbp-0x30]
;;   39: mov rsp,rbp
;;   3c: pop rbp
;;   3d: ret
;;   3e: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd QWORD PTR [rbp-0x20],xmm1
;;   26: movsd xmm0,QWORD PTR [rbp-0x18]
;;   2b: movsd xmm1,QWORD PTR [rbp-0x20]
;;   30: pcmpeqd xmm15,xmm15
;;   35: psllq xmm15,0x3f
;;   3b: andps xmm1,xmm15
;;   3f: andnps xmm15,xmm0
;;   43: orps xmm1,xmm15
;;   47: movaps xmm0,xmm1
;;   4a: mov rsp,rbp
;;   4d: pop rbp
;;   4e: ret
;;   4f: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss xmm0,DWORD PTR [rbp-0x18]
;;   26: pcmpeqd xmm15,xmm15
;;   2b: pslld xmm15,0x1f
;;   31: orps xmm0,xmm15
;;   35: mov rsp,rbp
;;   38: pop rbp
;;   39: ret
;;   3a: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x31
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd xmm0,QWORD PTR [rbp-0x18]
;;   26: roundsd xmm0,xmm0,0x8
;;   2c: mov rsp,rbp
;;   2f: pop rbp
;;   30: ret
;;   31: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x31
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss xmm0,DWORD PTR [rbp-0x18]
;;   26: roundss xmm0,xmm0,0x9
;;   2c: mov rsp,rbp
;;   2f: pop rbp
;;   30: ret
;;   31: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss xmm0,DWORD PTR [rbp-0x18]
;;   26: sqrtss xmm0,xmm0
;;   2a: mov rsp,rbp
;;   2d: pop rbp
;;   2e: ret
;;   2f: ud2
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
