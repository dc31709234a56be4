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
;;   f: jb 0x2b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm0
;;   1f: addss xmm2,xmm1
;;   23: movaps xmm0,xmm2
;;   26: mov rsp,rbp
;;   29: pop rbp
;;   2a: ret
;;   2b: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x3f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x30],xmm0
;;   21: movsd QWORD PTR [rbp-0x40],xmm0
;;   26: movsd QWORD PTR [rbp-0x18],xmm0
;;   2b: jmp 0x30
;;   30: movsd xmm0,QWORD PTR [rbp-0x30]
;;   35: divsd xmm0,QWORD PTR [rbp-0x40]
;;   3a: mov rsp,rbp
;;   3d: pop rbp
;;   3e: ret
;;   3f: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x36
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: pcmpeqd xmm15,xmm15
;;   24: pslld xmm15,0x1f
;;   2a: xorps xmm1,xmm15
;;   2e: movaps xmm0,xmm1
;;   31: mov rsp,rbp
;;   34: pop rbp
;;   35: ret
;;   36: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x39
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x30],xmm0
;;   21: movsd QWORD PTR [rbp-0x18],xmm0
;;   26: jmp 0x2b
;;   2b: and BYTE PTR [rbp-0x29],0x7f
;;   2f: movsd xmm0,QWORD PTR [rbp-0x30]
;;   34: mov rsp,rbp
;;   37: pop rbp
;;   38: ret
;;   39: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x41
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm2,xmm0
;;   1f: movaps xmm3,xmm1
;;   22: pcmpeqd xmm15,xmm15
;;   27: psllq xmm15,0x3f
;;   2d: andps xmm3,xmm15
;;   31: andnps xmm15,xmm2
;;   35: orps xmm3,xmm15
;;   39: movaps xmm0,xmm3
;;   3c: mov rsp,rbp
;;   3f: pop rbp
;;   40: ret
;;   41: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x36
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: pcmpeqd xmm15,xmm15
;;   24: pslld xmm15,0x1f
;;   2a: orps xmm1,xmm15
;;   2e: movaps xmm0,xmm1
;;   31: mov rsp,rbp
;;   34: pop rbp
;;   35: ret
;;   36: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: roundsd xmm1,xmm1,0x8
;;   25: movaps xmm0,xmm1
;;   28: mov rsp,rbp
;;   2b: pop rbp
;;   2c: ret
;;   2d: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: roundss xmm1,xmm1,0x9
;;   25: movaps xmm0,xmm1
;;   28: mov rsp,rbp
;;   2b: pop rbp
;;   2c: ret
;;   2d: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: sqrtss xmm1,xmm1
;;   23: movaps xmm0,xmm1
;;   26: mov rsp,rbp
;;   29: pop rbp
;;   2a: ret
;;   2b: ud2
;; function 9:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: xorps xmm0,xmm0
;;   1f: mulsd xmm0,QWORD PTR [rip+0x9] # 0x30
;;   27: mov rsp,rbp
;;   2a: pop rbp
;;   2b: ret
;;   2c: ud2
;;   2e: xchg ax,ax
;;   30: add BYTE PTR [rax],al
;;   32: add BYTE PTR [rax],al
;;   34: add BYTE PTR [rax],al
;;   36: clc
;;   37: (bad)
