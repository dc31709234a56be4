;; sieve.wat - the sieve of Eratosthenes over 2^22 byte flags: a clearing
;; loop of i64 stores, then byte stores with a data-dependent stride, then
;; a counting loop of byte loads. run returns the number of primes below
;; 2^22 (295947).
(module
  (memory 65)
  (func (export "run") (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    (loop $clear
      (i64.store (local.get $i) (i64.const 0x0101010101010101))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $clear (i32.lt_u (local.get $i) (i32.const 4194304))))
    (i32.store16 (i32.const 0) (i32.const 0))
    (local.set $i (i32.const 2))
    (loop $outer
      (if (i32.load8_u (local.get $i))
        (then
          (local.set $j (i32.mul (local.get $i) (local.get $i)))
          (block $done
            (loop $inner
              (br_if $done (i32.ge_u (local.get $j) (i32.const 4194304)))
              (i32.store8 (local.get $j) (i32.const 0))
              (local.set $j (i32.add (local.get $j) (local.get $i)))
              (br $inner)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (i32.mul (local.get $i) (local.get $i)) (i32.const 4194304))))
    (local.set $i (i32.const 0))
    (loop $countl
      (local.set $count (i32.add (local.get $count) (i32.load8_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $countl (i32.lt_u (local.get $i) (i32.const 4194304))))
    (local.get $count)))
