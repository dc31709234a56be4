;; The "fuzzing-support" module both engines link binaryen's fuzz modules
;; against. Each log-* call folds a type tag and the logged value into a
;; running 64-bit hash, which the test reads through "hash" after every
;; call; so the order and values of everything a module logs are compared,
;; not just its results. NaNs are folded as one fixed value: their bits are
;; not deterministic across engines (spec 4.3.3, NaN propagation).
(module
  (global $h (mut i64) (i64.const 0x6a09e667f3bcc909))
  (func $mix (param $x i64)
    (global.set $h
      (i64.mul
        (i64.xor (i64.rotl (global.get $h) (i64.const 23)) (local.get $x))
        (i64.const 0x100000001b3))))
  (func (export "log-i32") (param $x i32)
    (call $mix (i64.const 1))
    (call $mix (i64.extend_i32_u (local.get $x))))
  (func (export "log-i64") (param $x i64)
    (call $mix (i64.const 2))
    (call $mix (local.get $x)))
  (func (export "log-f32") (param $x f32)
    (call $mix (i64.const 3))
    (call $mix
      (if (result i64) (f32.ne (local.get $x) (local.get $x))
        (then (i64.const 0x7fc00000))
        (else (i64.extend_i32_u (i32.reinterpret_f32 (local.get $x)))))))
  (func (export "log-f64") (param $x f64)
    (call $mix (i64.const 4))
    (call $mix
      (if (result i64) (f64.ne (local.get $x) (local.get $x))
        (then (i64.const 0x7ff8000000000000))
        (else (i64.reinterpret_f64 (local.get $x))))))
  (func (export "log-v128") (param $x v128)
    (call $mix (i64.const 5))
    (call $mix (i64x2.extract_lane 0 (local.get $x)))
    (call $mix (i64x2.extract_lane 1 (local.get $x))))
  (func (export "hash") (result i64)
    (global.get $h)))
