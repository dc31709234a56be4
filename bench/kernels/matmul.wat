;; matmul.wat - C = A x B for 256 x 256 f64 matrices (row-major; A at 0,
;; B at 512 KiB, C at 1 MiB), the i-k-j loop order. setup fills A and B
;; with small values; run clears C, multiplies (16.8 million
;; multiply-adds) and returns the sum of C's bits folded to an i32. Wasm
;; fixes the rounding of every operation, so both engines must agree.
(module
  (memory 24)
  (func (export "setup")
    (local $i i32) (local $j i32) (local $p i32)
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $p (i32.shl (i32.add (i32.shl (local.get $i) (i32.const 8)) (local.get $j))
                               (i32.const 3)))
        (f64.store (local.get $p)
          (f64.mul (f64.convert_i32_s
                     (i32.sub (i32.rem_u (i32.add (i32.mul (local.get $i) (i32.const 7)) (local.get $j))
                                         (i32.const 13))
                              (i32.const 6)))
                   (f64.const 0.25)))
        (f64.store offset=524288 (local.get $p)
          (f64.div (f64.convert_i32_u
                     (i32.rem_u (i32.add (i32.mul (local.get $j) (i32.const 5)) (local.get $i))
                                (i32.const 11)))
                   (f64.const 3)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (i32.const 256))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (i32.const 256)))))
  (func (export "run") (result i32)
    (local $i i32) (local $j i32) (local $k i32) (local $a f64) (local $crow i32) (local $brow i32)
    (local $sum f64) (local $bits i64)
    (loop $clear
      (f64.store offset=1048576 (local.get $i) (f64.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $clear (i32.lt_u (local.get $i) (i32.const 524288))))
    (local.set $i (i32.const 0))
    (loop $li
      (local.set $crow (i32.shl (local.get $i) (i32.const 11)))
      (local.set $k (i32.const 0))
      (loop $lk
        (local.set $a (f64.load (i32.add (local.get $crow) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $brow (i32.shl (local.get $k) (i32.const 11)))
        (local.set $j (i32.const 0))
        (loop $lj
          (f64.store offset=1048576 (i32.add (local.get $crow) (local.get $j))
            (f64.add (f64.load offset=1048576 (i32.add (local.get $crow) (local.get $j)))
                     (f64.mul (local.get $a)
                              (f64.load offset=524288 (i32.add (local.get $brow) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br_if $lj (i32.lt_u (local.get $j) (i32.const 2048))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $lk (i32.lt_u (local.get $k) (i32.const 256))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $li (i32.lt_u (local.get $i) (i32.const 256))))
    (local.set $i (i32.const 0))
    (loop $sum
      (local.set $sum (f64.add (local.get $sum) (f64.load offset=1048576 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $sum (i32.lt_u (local.get $i) (i32.const 524288))))
    (local.set $bits (i64.reinterpret_f64 (local.get $sum)))
    (i32.wrap_i64 (i64.xor (local.get $bits) (i64.shr_u (local.get $bits) (i64.const 32))))))
