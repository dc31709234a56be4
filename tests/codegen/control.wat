;; br_table through a jump table, and multi-value results through the
;; return area.
(module
  (func (export "table") (param i32) (result i32)
    (block (block (block
      (br_table 0 1 2 (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 11)))
    (i32.const 12))
  (func (export "pair") (param i32) (result i32 i32)
    (local.get 0) (i32.const 1)))
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x6a
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov ebx,edi
;;   1e: mov DWORD PTR [rbp-0x18],edi
;;   21: mov r11d,0x2
;;   27: cmp ebx,r11d
;;   2a: cmovae ebx,r11d
;;   2e: lea r11,[rip+0xb] # 0x40
;;   35: movsxd rbx,DWORD PTR [r11+rbx*4]
;;   39: add r11,rbx
;;   3c: jmp r11
;;   3f: nop
;;   40: or al,0x0
;;   42: add BYTE PTR [rax],al
;;   44: (bad)
;;   45: add BYTE PTR [rax],al
;;   47: add BYTE PTR [rax],ah
;;   49: add BYTE PTR [rax],al
;;   4b: add BYTE PTR [rax+0xa],bh
;;   51: mov rsp,rbp
;;   54: pop rbp
;;   55: ret
;;   56: mov eax,0xb
;;   5b: mov rsp,rbp
;;   5e: pop rbp
;;   5f: ret
;;   60: mov eax,0xc
;;   65: mov rsp,rbp
;;   68: pop rbp
;;   69: ret
;;   6a: ud2
;; function 1:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x40]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x34
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov QWORD PTR [rbp-0x10],rdi
;;   20: mov r11,QWORD PTR [rbp-0x10]
;;   24: mov DWORD PTR [r11],esi
;;   27: mov DWORD PTR [r11+0x10],0x1
;;   2f: mov rsp,rbp
;;   32: pop rbp
;;   33: ret
;;   34: ud2
