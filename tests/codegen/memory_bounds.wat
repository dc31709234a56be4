;; Explicit bounds checks on every access.
;; compile: bounds_checks
(module
  (memory 1)
  (func (export "load") (param i32) (result i32)
    (i32.load offset=8 (local.get 0))))
;; ---- expected: tests/codegen/golden.sh --bless rewrites below ----
;; function 0:
;;   0: push rbp
;;   1: mov rbp,rsp
;;   4: lea r11,[rsp-0x30]
;;   c: cmp r11,QWORD PTR [r14]
;;   f: jb 0x40
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov DWORD PTR [rbp-0x18],edi
;;   1f: mov rbx,rdi
;;   22: lea rsi,[rbx+0xc]
;;   26: mov r11,QWORD PTR [r14+0x30]
;;   2a: cmp rsi,QWORD PTR [r11+0x8]
;;   2e: ja 0x42
;;   34: mov ebx,DWORD PTR [r15+rbx*1+0x8]
;;   39: mov eax,ebx
;;   3b: mov rsp,rbp
;;   3e: pop rbp
;;   3f: ret
;;   40: ud2
;;   42: ud2
