;; Conversions: trapping truncations with a slow path only when cvtt gives
;; the minimum integer, unsigned ones through 64 bits or a 2^63 offset,
;; saturating forms, u64 -> float with a sticky bit, demote, reinterpret.
(module
  (func $i32_trunc_f32_s (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  (func $i32_trunc_f64_u (param f64) (result i32) (i32.trunc_f64_u (local.get 0)))
  (func $i64_trunc_f64_u (param f64) (result i64) (i64.trunc_f64_u (local.get 0)))
  (func $i32_trunc_sat_f32_s (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0)))
  (func $i32_trunc_sat_f64_u (param f64) (result i32) (i32.trunc_sat_f64_u (local.get 0)))
  (func $i64_trunc_sat_f32_u (param f32) (result i64) (i64.trunc_sat_f32_u (local.get 0)))
  (func $f32_convert_i32_u (param i32) (result f32) (f32.convert_i32_u (local.get 0)))
  (func $f64_convert_i64_u (param i64) (result f64) (f64.convert_i64_u (local.get 0)))
  (func $demote (param f64) (result f32) (f32.demote_f64 (local.get 0)))
  (func $bits (param f64) (result i64) (i64.reinterpret_f64 (local.get 0))))
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x64
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: cvttss2si ebx,xmm1
;;   28: cmp ebx,0x1
;;   2b: jno 0x5d
;;   31: ucomiss xmm1,xmm1
;;   34: jp 0x68
;;   3a: mov r11d,0xcf000001
;;   40: movd xmm15,r11d
;;   45: ucomiss xmm1,xmm15
;;   49: jbe 0x66
;;   4f: xorps xmm15,xmm15
;;   53: ucomiss xmm1,xmm15
;;   57: jae 0x66
;;   5d: mov eax,ebx
;;   5f: mov rsp,rbp
;;   62: pop rbp
;;   63: ret
;;   64: ud2
;;   66: ud2
;;   68: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: cvttsd2si rbx,xmm1
;;   29: mov r11,rbx
;;   2c: shr r11,0x20
;;   30: je 0x45
;;   36: ucomisd xmm1,xmm1
;;   3a: jp 0x4e
;;   40: jmp 0x50
;;   45: mov eax,ebx
;;   47: mov rsp,rbp
;;   4a: pop rbp
;;   4b: ret
;;   4c: ud2
;;   4e: ud2
;;   50: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x7f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: movabs r11,0x43e0000000000000
;;   2e: movq xmm15,r11
;;   33: ucomisd xmm1,xmm15
;;   38: jp 0x83
;;   3e: jae 0x57
;;   44: cvttsd2si rbx,xmm1
;;   49: test rbx,rbx
;;   4c: js 0x81
;;   52: jmp 0x77
;;   57: subsd xmm1,xmm15
;;   5c: cvttsd2si rbx,xmm1
;;   61: test rbx,rbx
;;   64: js 0x81
;;   6a: movabs r11,0x8000000000000000
;;   74: or rbx,r11
;;   77: mov rax,rbx
;;   7a: mov rsp,rbp
;;   7d: pop rbp
;;   7e: ret
;;   7f: ud2
;;   81: ud2
;;   83: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x58
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: cvttss2si ebx,xmm1
;;   28: cmp ebx,0x1
;;   2b: jno 0x51
;;   31: xorps xmm15,xmm15
;;   35: ucomiss xmm1,xmm15
;;   39: jp 0x4f
;;   3f: jb 0x51
;;   45: mov ebx,0x7fffffff
;;   4a: jmp 0x51
;;   4f: xor ebx,ebx
;;   51: mov eax,ebx
;;   53: mov rsp,rbp
;;   56: pop rbp
;;   57: ret
;;   58: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x55
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: cvttsd2si rbx,xmm1
;;   29: mov r11,rbx
;;   2c: shr r11,0x20
;;   30: je 0x4e
;;   36: xorps xmm15,xmm15
;;   3a: ucomisd xmm1,xmm15
;;   3f: mov ebx,0x0
;;   44: mov r11d,0xffffffff
;;   4a: cmova ebx,r11d
;;   4e: mov eax,ebx
;;   50: mov rsp,rbp
;;   53: pop rbp
;;   54: ret
;;   55: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x79
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: mov r11d,0x5f000000
;;   2a: movd xmm15,r11d
;;   2f: ucomiss xmm1,xmm15
;;   33: jae 0x50
;;   39: cvttss2si rbx,xmm1
;;   3e: mov r11d,0x0
;;   44: test rbx,rbx
;;   47: cmovs rbx,r11
;;   4b: jmp 0x71
;;   50: subss xmm1,xmm15
;;   55: cvttss2si rbx,xmm1
;;   5a: mov r11,rbx
;;   5d: sar r11,0x3f
;;   61: or rbx,r11
;;   64: movabs r11,0x8000000000000000
;;   6e: or rbx,r11
;;   71: mov rax,rbx
;;   74: mov rsp,rbp
;;   77: pop rbp
;;   78: ret
;;   79: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov rbx,rdi
;;   22: xorps xmm0,xmm0
;;   25: cvtsi2ss xmm0,rbx
;;   2a: mov rsp,rbp
;;   2d: pop rbp
;;   2e: ret
;;   2f: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x53
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov QWORD PTR [rbp-0x18],rdi
;;   20: mov rbx,rdi
;;   23: xorps xmm0,xmm0
;;   26: test rbx,rbx
;;   29: js 0x39
;;   2f: cvtsi2sd xmm0,rbx
;;   34: jmp 0x4e
;;   39: mov r11,rbx
;;   3c: shr r11,1
;;   3f: and ebx,0x1
;;   42: or r11,rbx
;;   45: cvtsi2sd xmm0,r11
;;   4a: addsd xmm0,xmm0
;;   4e: mov rsp,rbp
;;   51: pop rbp
;;   52: ret
;;   53: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x30
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: cvtsd2ss xmm1,xmm1
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
;;   f: jb 0x31
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movaps xmm1,xmm0
;;   24: movq rbx,xmm1
;;   29: mov rax,rbx
;;   2c: mov rsp,rbp
;;   2f: pop rbp
;;   30: ret
;;   31: ud2
