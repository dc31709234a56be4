;; calc.wat - a small module that shows most of what `wsbx inspect` reports:
;; types, an import, exported functions, a memory with a data segment, a
;; table filled by an element segment, mutable and immutable globals, and a
;; start function.
;;
;;   wsbx inspect examples/calc.wat
;;   wsbx validate examples/calc.wat

(module $calc
  (type $binop (func (param i32 i32) (result i32)))

  ;; The host is told about every call to `apply` (a no-op for inspect).
  (import "env" "trace" (func $trace (param i32)))

  ;; One page of memory; the greeting lives at address 16.
  (memory (export "memory") 1 4)
  (data (i32.const 16) "hello, wsbx\00")

  ;; Operations reachable through `apply`, by index.
  (table $ops 4 funcref)
  (elem (table $ops) (i32.const 0) func $add $sub $mul $div_s)

  (global $calls (export "calls") (mut i32) (i32.const 0))
  (global $greeting (export "greeting") i32 (i32.const 16))

  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))
  ;; Division by zero yields 0 instead of trapping.
  (func $div_s (type $binop)
    (if (result i32) (i32.eqz (local.get 1))
      (then (i32.const 0))
      (else (i32.div_s (local.get 0) (local.get 1)))))

  ;; apply(op, a, b) = ops[op](a, b); counts calls in $calls.
  (func $apply (export "apply") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $trace (local.get $op))
    (call_indirect $ops (type $binop) (local.get $a) (local.get $b) (local.get $op)))

  ;; n! computed iteratively in 64 bits.
  (func (export "factorial") (param $n i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i64.le_s (local.get $n) (i64.const 1)))
        (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $next)))
    (local.get $acc))

  ;; Length of the NUL-terminated string at $p in memory.
  (func (export "strlen") (param $p i32) (result i32)
    (local $q i32)
    (local.set $q (local.get $p))
    (block $end
      (loop $scan
        (br_if $end (i32.eqz (i32.load8_u (local.get $q))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $scan)))
    (i32.sub (local.get $q) (local.get $p)))

  (func $init (global.set $calls (i32.const 0)))
  (start $init))
