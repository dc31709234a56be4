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
;;   f: jb 0x66
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss xmm0,DWORD PTR [rbp-0x18]
;;   26: cvttss2si ebx,xmm0
;;   2a: cmp ebx,0x1
;;   2d: jno 0x5f
;;   33: ucomiss xmm0,xmm0
;;   36: jp 0x6a
;;   3c: mov r11d,0xcf000001
;;   42: movd xmm15,r11d
;;   47: ucomiss xmm0,xmm15
;;   4b: jbe 0x68
;;   51: xorps xmm15,xmm15
;;   55: ucomiss xmm0,xmm15
;;   59: jae 0x68
;;   5f: mov eax,ebx
;;   61: mov rsp,rbp
;;   64: pop rbp
;;   65: ret
;;   66: ud2
;;   68: ud2
;;   6a: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4e
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd xmm0,QWORD PTR [rbp-0x18]
;;   26: cvttsd2si rbx,xmm0
;;   2b: mov r11,rbx
;;   2e: shr r11,0x20
;;   32: je 0x47
;;   38: ucomisd xmm0,xmm0
;;   3c: jp 0x50
;;   42: jmp 0x52
;;   47: mov eax,ebx
;;   49: mov rsp,rbp
;;   4c: pop rbp
;;   4d: ret
;;   4e: ud2
;;   50: ud2
;;   52: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x81
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd xmm0,QWORD PTR [rbp-0x18]
;;   26: movabs r11,0x43e0000000000000
;;   30: movq xmm15,r11
;;   35: ucomisd xmm0,xmm15
;;   3a: jp 0x85
;;   40: jae 0x59
;;   46: cvttsd2si rbx,xmm0
;;   4b: test rbx,rbx
;;   4e: js 0x83
;;   54: jmp 0x79
;;   59: subsd xmm0,xmm15
;;   5e: cvttsd2si rbx,xmm0
;;   63: test rbx,rbx
;;   66: js 0x83
;;   6c: movabs r11,0x8000000000000000
;;   76: or rbx,r11
;;   79: mov rax,rbx
;;   7c: mov rsp,rbp
;;   7f: pop rbp
;;   80: ret
;;   81: ud2
;;   83: ud2
;;   85: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x5a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss xmm0,DWORD PTR [rbp-0x18]
;;   26: cvttss2si ebx,xmm0
;;   2a: cmp ebx,0x1
;;   2d: jno 0x53
;;   33: xorps xmm15,xmm15
;;   37: ucomiss xmm0,xmm15
;;   3b: jp 0x51
;;   41: jb 0x53
;;   47: mov ebx,0x7fffffff
;;   4c: jmp 0x53
;;   51: xor ebx,ebx
;;   53: mov eax,ebx
;;   55: mov rsp,rbp
;;   58: pop rbp
;;   59: ret
;;   5a: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x57
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd xmm0,QWORD PTR [rbp-0x18]
;;   26: cvttsd2si rbx,xmm0
;;   2b: mov r11,rbx
;;   2e: shr r11,0x20
;;   32: je 0x50
;;   38: xorps xmm15,xmm15
;;   3c: ucomisd xmm0,xmm15
;;   41: mov ebx,0x0
;;   46: mov r11d,0xffffffff
;;   4c: cmova ebx,r11d
;;   50: mov eax,ebx
;;   52: mov rsp,rbp
;;   55: pop rbp
;;   56: ret
;;   57: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x7b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movss DWORD PTR [rbp-0x18],xmm0
;;   21: movss xmm0,DWORD PTR [rbp-0x18]
;;   26: mov r11d,0x5f000000
;;   2c: movd xmm15,r11d
;;   31: ucomiss xmm0,xmm15
;;   35: jae 0x52
;;   3b: cvttss2si rbx,xmm0
;;   40: mov r11d,0x0
;;   46: test rbx,rbx
;;   49: cmovs rbx,r11
;;   4d: jmp 0x73
;;   52: subss xmm0,xmm15
;;   57: cvttss2si rbx,xmm0
;;   5c: mov r11,rbx
;;   5f: sar r11,0x3f
;;   63: or rbx,r11
;;   66: movabs r11,0x8000000000000000
;;   70: or rbx,r11
;;   73: mov rax,rbx
;;   76: mov rsp,rbp
;;   79: pop rbp
;;   7a: ret
;;   7b: ud2
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov ebx,DWORD PTR [rbp-0x18]
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
;;   f: jb 0x54
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov QWORD PTR [rbp-0x18],rdi
;;   20: mov rbx,QWORD PTR [rbp-0x18]
;;   24: xorps xmm0,xmm0
;;   27: test rbx,rbx
;;   2a: js 0x3a
;;   30: cvtsi2sd xmm0,rbx
;;   35: jmp 0x4f
;;   3a: mov r11,rbx
;;   3d: shr r11,1
;;   40: and ebx,0x1
;;   43: or r11,rbx
;;   46: cvtsi2sd xmm0,r11
;;   4b: addsd xmm0,xmm0
;;   4f: mov rsp,rbp
;;   52: pop rbp
;;   53: ret
;;   54: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd xmm0,QWORD PTR [rbp-0x18]
;;   26: cvtsd2ss xmm0,xmm0
;;   2a: mov rsp,rbp
;;   2d: pop rbp
;;   2e: ret
;;   2f: ud2
;; function 9:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x33
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movsd QWORD PTR [rbp-0x18],xmm0
;;   21: movsd xmm0,QWORD PTR [rbp-0x18]
;;   26: movq rbx,xmm0
;;   2b: mov rax,rbx
;;   2e: mov rsp,rbp
;;   31: pop rbp
;;   32: ret
;;   33: ud2
