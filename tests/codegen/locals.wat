;; The local cache: locals live in registers, written back to their slots
;; only when needed (dirty entries), and local.get shares the cached
;; register instead of copying it.
;;   sum: a counting loop: i = i + 1 updates i's register in place (the
;;        next instruction sets i), the compare and the memory index read
;;        the cached registers, p (written before it is read) is cached at
;;        the header too and gets i * 4 by lea, and the back edge is one
;;        conditional jump; nothing is stored to the frame inside the loop
;;   find: a br_if that leaves the loop jumps to a stub after the body that
;;        writes the dirty locals back, then on to the block's end
;;   branchy: an if flushes the dirty locals before its conditional jump,
;;        the then-arm before its jump to the end; a call flushes first
;;   scale: an f64 local cached in an xmm register, a constant from the
;;        pool, and lea for the sum of a cached local and a constant
;;   table: br_table's index is copied out of x's register even though
;;        local.set x follows (it never runs), and x is written back
;;        before the jump
(module
  (memory 1)
  (func $sum (export "sum") (param $n i32) (result i32)
    (local $i i32) (local $s i32) (local $p i32)
    (loop $l
      (local.set $p (i32.shl (local.get $i) (i32.const 2)))
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  (func $find (export "find") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.eq (i32.load8_u (local.get $i)) (i32.const 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
    (local.get $i))
  (func $branchy (export "branchy") (param $x i32) (result i32)
    (local $y i32)
    (local.set $y (i32.mul (local.get $x) (i32.const 3)))
    (if (local.get $x)
      (then (local.set $y (i32.add (local.get $y) (i32.const 1))))
      (else (local.set $x (local.tee $y (i32.const 7)))))
    (drop (call $sum (local.get $y)))
    (i32.add (local.get $x) (local.get $y)))
  (func (export "scale") (param $p i32) (param $k f64) (result f64)
    (local $q i32)
    (local.set $q (i32.add (local.get $p) (i32.const 8)))
    (f64.store (local.get $q) (f64.mul (local.get $k) (f64.const 1.5)))
    (f64.add (local.get $k) (f64.load (local.get $p))))
  (func (export "table") (param i32) (result i32)
    (local $x i32)
    (local.set $x (i32.add (local.get 0) (i32.const 0)))
    (block $a
      (block $b
        (local.get $x)
        (br_table $b $a)
        (local.set $x))
      (return (i32.add (local.get $x) (i32.const 100))))
    (i32.add (local.get $x) (i32.const 200))))
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x60]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x59
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: xor r11d,r11d
;;   1f: mov QWORD PTR [rbp-0x28],r11
;;   23: mov QWORD PTR [rbp-0x30],r11
;;   27: mov QWORD PTR [rbp-0x38],r11
;;   2b: mov QWORD PTR [rbp-0x40],r11
;;   2f: mov ebx,DWORD PTR [rbp-0x28]
;;   32: mov esi,DWORD PTR [rbp-0x30]
;;   35: mov r8d,DWORD PTR [rbp-0x38]
;;   39: lea r9d,[rbx*4+0x0]
;;   41: mov r8d,DWORD PTR [r15+r9*1]
;;   45: add esi,r8d
;;   48: add ebx,0x1
;;   4b: cmp ebx,edi
;;   4d: mov r8,r9
;;   50: jb 0x39
;;   52: mov eax,esi
;;   54: mov rsp,rbp
;;   57: pop rbp
;;   58: ret
;;   59: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x56
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: xor r11d,r11d
;;   1f: mov QWORD PTR [rbp-0x28],r11
;;   23: mov QWORD PTR [rbp-0x30],r11
;;   27: mov ebx,DWORD PTR [rbp-0x28]
;;   2a: movzx esi,BYTE PTR [r15+rbx*1]
;;   2f: test esi,esi
;;   31: je 0x4e
;;   37: add ebx,0x1
;;   3a: cmp ebx,edi
;;   3c: jb 0x2a
;;   3e: mov DWORD PTR [rbp-0x28],ebx
;;   41: mov DWORD PTR [rbp-0x18],edi
;;   44: mov ebx,DWORD PTR [rbp-0x28]
;;   47: mov eax,ebx
;;   49: mov rsp,rbp
;;   4c: pop rbp
;;   4d: ret
;;   4e: mov DWORD PTR [rbp-0x28],ebx
;;   51: mov DWORD PTR [rbp-0x18],edi
;;   54: jmp 0x44
;;   56: ud2
;; function 2:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x6c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: xor r11d,r11d
;;   1f: mov QWORD PTR [rbp-0x28],r11
;;   23: mov QWORD PTR [rbp-0x30],r11
;;   27: imul ebx,edi,0x3
;;   2a: mov DWORD PTR [rbp-0x28],ebx
;;   2d: mov DWORD PTR [rbp-0x18],edi
;;   30: test edi,edi
;;   32: je 0x43
;;   38: add ebx,0x1
;;   3b: mov DWORD PTR [rbp-0x28],ebx
;;   3e: jmp 0x52
;;   43: mov DWORD PTR [rbp-0x28],0x7
;;   4a: mov ebx,0x7
;;   4f: mov DWORD PTR [rbp-0x18],ebx
;;   52: mov ebx,DWORD PTR [rbp-0x28]
;;   55: mov rdi,rbx
;;   58: call 0xffffffffffffff40
;;   5d: mov ebx,DWORD PTR [rbp-0x18]
;;   60: mov esi,DWORD PTR [rbp-0x28]
;;   63: add ebx,esi
;;   65: mov eax,ebx
;;   67: mov rsp,rbp
;;   6a: pop rbp
;;   6b: ret
;;   6c: ud2
;; function 3:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x60]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x4d
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: xor r11d,r11d
;;   1f: mov QWORD PTR [rbp-0x28],r11
;;   23: mov QWORD PTR [rbp-0x30],r11
;;   27: lea ebx,[rdi+0x8]
;;   2a: movaps xmm1,xmm0
;;   2d: mulsd xmm1,QWORD PTR [rip+0x1b] # 0x50
;;   35: movsd QWORD PTR [r15+rbx*1],xmm1
;;   3b: movsd xmm1,QWORD PTR [r15+rdi*1]
;;   41: addsd xmm1,xmm0
;;   45: movaps xmm0,xmm1
;;   48: mov rsp,rbp
;;   4b: pop rbp
;;   4c: ret
;;   4d: ud2
;;   4f: nop
;;   50: add BYTE PTR [rax],al
;;   52: add BYTE PTR [rax],al
;;   54: add BYTE PTR [rax],al
;;   56: clc
;;   57: (bad)
;; function 4:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x50]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x75
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: xor r11d,r11d
;;   1f: mov QWORD PTR [rbp-0x28],r11
;;   23: mov QWORD PTR [rbp-0x30],r11
;;   27: lea ebx,[rdi]
;;   29: mov esi,ebx
;;   2b: mov DWORD PTR [rbp-0x28],ebx
;;   2e: mov DWORD PTR [rbp-0x18],edi
;;   31: mov r11d,0x1
;;   37: cmp esi,r11d
;;   3a: cmovae esi,r11d
;;   3e: lea r11,[rip+0xb] # 0x50
;;   45: movsxd rsi,DWORD PTR [r11+rsi*4]
;;   49: add r11,rsi
;;   4c: jmp r11
;;   4f: nop
;;   50: or BYTE PTR [rax],al
;;   52: add BYTE PTR [rax],al
;;   54: adc eax,0x8b000000
;;   59: pop rbp
;;   5a: fadd DWORD PTR [rbx-0x27769b3d]
;;   60: mov rsp,rbp
;;   63: pop rbp
;;   64: ret
;;   65: mov ebx,DWORD PTR [rbp-0x28]
;;   68: add ebx,0xc8
;;   6e: mov eax,ebx
;;   70: mov rsp,rbp
;;   73: pop rbp
;;   74: ret
;;   75: ud2
