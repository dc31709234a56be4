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
;;   f: jb 0x5d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: cvttss2si ebx,xmm1
;;   23: cmp ebx,0x1
;;   26: jno 0x56
;;   2c: ucomiss xmm1,xmm1
;;   2f: jp 0x61
;;   35: movss xmm15,DWORD PTR [rip+0x32] # 0x70
;;   3e: ucomiss xmm1,xmm15
;;   42: jbe 0x5f
;;   48: xorps xmm15,xmm15
;;   4c: ucomiss xmm1,xmm15
;;   50: jae 0x5f
;;   56: mov eax,ebx
;;   58: mov rsp,rbp
;;   5b: pop rbp
;;   5c: ret
;;   5d: ud2
;;   5f: ud2
;;   61: ud2
;;   63: nop WORD PTR [rax+rax*1+0x0]
;;   6c: nop DWORD PTR [rax+0x0]
;;   70: add DWORD PTR [rax],eax
;;   72: add bh,cl
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x47
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: cvttsd2si rbx,xmm1
;;   24: mov r11,rbx
;;   27: shr r11,0x20
;;   2b: je 0x40
;;   31: ucomisd xmm1,xmm1
;;   35: jp 0x49
;;   3b: jmp 0x4b
;;   40: mov eax,ebx
;;   42: mov rsp,rbp
;;   45: pop rbp
;;   46: ret
;;   47: ud2
;;   49: ud2
;;   4b: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x74
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: movsd xmm15,QWORD PTR [rip+0x58] # 0x80
;;   28: ucomisd xmm1,xmm15
;;   2d: jp 0x78
;;   33: jae 0x4c
;;   39: cvttsd2si rbx,xmm1
;;   3e: test rbx,rbx
;;   41: js 0x76
;;   47: jmp 0x6c
;;   4c: subsd xmm1,xmm15
;;   51: cvttsd2si rbx,xmm1
;;   56: test rbx,rbx
;;   59: js 0x76
;;   5f: movabs r11,0x8000000000000000
;;   69: or rbx,r11
;;   6c: mov rax,rbx
;;   6f: mov rsp,rbp
;;   72: pop rbp
;;   73: ret
;;   74: ud2
;;   76: ud2
;;   78: ud2
;;   7a: nop WORD PTR [rax+rax*1+0x0]
;;   80: add BYTE PTR [rax],al
;;   82: add BYTE PTR [rax],al
;;   84: add BYTE PTR [rax],al
;;   86: loopne 0xcb
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x53
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: cvttss2si ebx,xmm1
;;   23: cmp ebx,0x1
;;   26: jno 0x4c
;;   2c: xorps xmm15,xmm15
;;   30: ucomiss xmm1,xmm15
;;   34: jp 0x4a
;;   3a: jb 0x4c
;;   40: mov ebx,0x7fffffff
;;   45: jmp 0x4c
;;   4a: xor ebx,ebx
;;   4c: mov eax,ebx
;;   4e: mov rsp,rbp
;;   51: pop rbp
;;   52: ret
;;   53: ud2
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x50
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: cvttsd2si rbx,xmm1
;;   24: mov r11,rbx
;;   27: shr r11,0x20
;;   2b: je 0x49
;;   31: xorps xmm15,xmm15
;;   35: ucomisd xmm1,xmm15
;;   3a: mov ebx,0x0
;;   3f: mov r11d,0xffffffff
;;   45: cmova ebx,r11d
;;   49: mov eax,ebx
;;   4b: mov rsp,rbp
;;   4e: pop rbp
;;   4f: ret
;;   50: ud2
;; function 5:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x72
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: movss xmm15,DWORD PTR [rip+0x58] # 0x80
;;   28: ucomiss xmm1,xmm15
;;   2c: jae 0x49
;;   32: cvttss2si rbx,xmm1
;;   37: mov r11d,0x0
;;   3d: test rbx,rbx
;;   40: cmovs rbx,r11
;;   44: jmp 0x6a
;;   49: subss xmm1,xmm15
;;   4e: cvttss2si rbx,xmm1
;;   53: mov r11,rbx
;;   56: sar r11,0x3f
;;   5a: or rbx,r11
;;   5d: movabs r11,0x8000000000000000
;;   67: or rbx,r11
;;   6a: mov rax,rbx
;;   6d: mov rsp,rbp
;;   70: pop rbp
;;   71: ret
;;   72: ud2
;;   74: nop WORD PTR [rax+rax*1+0x0]
;;   7d: nop DWORD PTR [rax]
;;   80: add BYTE PTR [rax],al
;;   82: add BYTE PTR [rdi+0x0],bl
;; function 6:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov ebx,edi
;;   1e: xorps xmm0,xmm0
;;   21: cvtsi2ss xmm0,rbx
;;   26: mov rsp,rbp
;;   29: pop rbp
;;   2a: ret
;;   2b: ud2
;; function 7:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4f
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov rbx,rdi
;;   1f: xorps xmm0,xmm0
;;   22: test rbx,rbx
;;   25: js 0x35
;;   2b: cvtsi2sd xmm0,rbx
;;   30: jmp 0x4a
;;   35: mov r11,rbx
;;   38: shr r11,1
;;   3b: and ebx,0x1
;;   3e: or r11,rbx
;;   41: cvtsi2sd xmm0,r11
;;   46: addsd xmm0,xmm0
;;   4a: mov rsp,rbp
;;   4d: pop rbp
;;   4e: ret
;;   4f: ud2
;; function 8:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x2b
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movaps xmm1,xmm0
;;   1f: cvtsd2ss xmm1,xmm1
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
;;   f: jb 0x29
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: movq rbx,xmm0
;;   21: mov rax,rbx
;;   24: mov rsp,rbp
;;   27: pop rbp
;;   28: ret
;;   29: ud2
