;; array.wat - a loop over an i32 array in memory: load, mix, store, sum.
;; setup fills a[0..N) (N = 1M, at offset 0) from a linear congruential
;; generator; run makes 8 passes, each writing b[i] = f(a[i] + pass, i)
;; (b at offset 4 MiB), and returns the sum of everything it wrote. run
;; reads only a, so every run does the same work.
(module
  (memory 128)
  (func (export "setup")
    (local $i i32) (local $x i32)
    (local.set $x (i32.const 12345))
    (loop $fill
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525))
                             (i32.const 1013904223)))
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $x))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 1048576)))))
  (func (export "run") (result i32)
    (local $pass i32) (local $i i32) (local $p i32) (local $v i32) (local $sum i32)
    (loop $passes
      (local.set $i (i32.const 0))
      (loop $next
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (local.set $v (i32.add (i32.load (local.get $p)) (local.get $pass)))
        (local.set $v
          (i32.add
            (i32.mul (i32.xor (local.get $v) (i32.shr_u (local.get $v) (i32.const 7)))
                     (i32.const 0x9e3779b1))
            (local.get $i)))
        (i32.store offset=4194304 (local.get $p) (local.get $v))
        (local.set $sum (i32.add (local.get $sum)
                                 (i32.rotl (local.get $v) (i32.and (local.get $i) (i32.const 31)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $i) (i32.const 1048576))))
      (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
      (br_if $passes (i32.lt_u (local.get $pass) (i32.const 8))))
    (local.get $sum)))
