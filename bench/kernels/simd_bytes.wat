;; simd_bytes.wat - byte-wise SIMD, 64 passes over 1 MiB: v128.xor with a
;; rolling key, i8x16.popcnt, and widening pairwise adds into i32x4 sums
;; (i16x8.extadd_pairwise_i8x16_u, i32x4.extadd_pairwise_i16x8_u). setup
;; fills the data from a linear congruential generator; run returns the
;; lanes of both sums mixed into one i32.
(module
  (memory 16)
  (func (export "setup")
    (local $i i32) (local $x i32)
    (local.set $x (i32.const 99))
    (loop $fill
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223)))
      (i32.store (local.get $i) (local.get $x))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 1048576)))))
  (func (export "run") (result i32)
    (local $pass i32) (local $p i32) (local $key v128) (local $x v128) (local $sum v128)
    (local $bits v128)
    (local.set $key (v128.const i8x16 1 2 3 5 7 11 13 17 19 23 29 31 37 41 43 47))
    (loop $passes
      (local.set $p (i32.const 0))
      (loop $next
        (local.set $x (v128.xor (v128.load (local.get $p)) (local.get $key)))
        (local.set $key (i8x16.add (local.get $key) (i8x16.shr_u (local.get $x) (i32.const 5))))
        (local.set $sum (i32x4.add (local.get $sum)
          (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $x)))))
        (local.set $bits (i32x4.add (local.get $bits)
          (i32x4.extadd_pairwise_i16x8_u
            (i16x8.extadd_pairwise_i8x16_u (i8x16.popcnt (local.get $x))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br_if $next (i32.lt_u (local.get $p) (i32.const 1048576))))
      (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
      (br_if $passes (i32.lt_u (local.get $pass) (i32.const 64))))
    (local.set $sum (v128.xor (local.get $sum) (i32x4.shl (local.get $bits) (i32.const 7))))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $sum))
               (i32.rotl (i32x4.extract_lane 1 (local.get $sum)) (i32.const 8)))
      (i32.add (i32.rotl (i32x4.extract_lane 2 (local.get $sum)) (i32.const 16))
               (i32.rotl (i32x4.extract_lane 3 (local.get $sum)) (i32.const 24))))))
