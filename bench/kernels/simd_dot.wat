;; simd_dot.wat - f32x4 dot product of two 64K-element f32 arrays (x at 0,
;; y at 256 KiB), 1024 passes per run: v128 loads, f32x4.mul and f32x4.add
;; with four accumulators in flight. setup fills x and y with small exact
;; values; run returns the bits of the final sum. Wasm fixes the order and
;; rounding of every lane operation, so both engines must agree.
(module
  (memory 8)
  (func (export "setup")
    (local $i i32)
    (loop $fill
      (f32.store (i32.shl (local.get $i) (i32.const 2))
        (f32.mul (f32.convert_i32_u (i32.rem_u (local.get $i) (i32.const 17))) (f32.const 0.125)))
      (f32.store offset=262144 (i32.shl (local.get $i) (i32.const 2))
        (f32.sub (f32.convert_i32_u (i32.rem_u (i32.mul (local.get $i) (i32.const 3)) (i32.const 29)))
                 (f32.const 14)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 65536)))))
  (func (export "run") (result i32)
    (local $pass i32) (local $p i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s v128)
    (loop $passes
      (local.set $p (i32.const 0))
      (loop $next
        (local.set $a0 (f32x4.add (local.get $a0)
          (f32x4.mul (v128.load (local.get $p)) (v128.load offset=262144 (local.get $p)))))
        (local.set $a1 (f32x4.add (local.get $a1)
          (f32x4.mul (v128.load offset=16 (local.get $p)) (v128.load offset=262160 (local.get $p)))))
        (local.set $a2 (f32x4.add (local.get $a2)
          (f32x4.mul (v128.load offset=32 (local.get $p)) (v128.load offset=262176 (local.get $p)))))
        (local.set $a3 (f32x4.add (local.get $a3)
          (f32x4.mul (v128.load offset=48 (local.get $p)) (v128.load offset=262192 (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br_if $next (i32.lt_u (local.get $p) (i32.const 262144))))
      (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
      (br_if $passes (i32.lt_u (local.get $pass) (i32.const 1024))))
    (local.set $s (f32x4.add (f32x4.add (local.get $a0) (local.get $a1))
                             (f32x4.add (local.get $a2) (local.get $a3))))
    (i32.reinterpret_f32
      (f32.add (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
               (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s)))))))
