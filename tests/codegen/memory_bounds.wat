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
;;   f: jb 0x3c
;;   15: mov rsp,r11
;;   18: mov QWORD PTR [rbp-0x8],r14
;;   1c: mov ebx,edi
;;   1e: lea rsi,[rbx+0xc]
;;   22: mov r11,QWORD PTR [r14+0x30]
;;   26: cmp rsi,QWORD PTR [r11+0x8]
;;   2a: ja 0x3e
;;   30: mov ebx,DWORD PTR [r15+rbx*1+0x8]
;;   35: mov eax,ebx
;;   37: mov rsp,rbp
;;   3a: pop rbp
;;   3b: ret
;;   3c: ud2
;;   3e: ud2
