;; crc32.wat - table-driven CRC-32 (the zlib polynomial) of 4 MiB: a byte
;; load, a table load and shifts per byte, a loop-carried dependency.
;; setup builds the 256-entry table at offset 0 and fills 1 MiB of data
;; (at 4 KiB) from a linear congruential generator; run returns the CRC of
;; that data repeated four times.
(module
  (memory 17)
  (func (export "setup")
    (local $n i32) (local $c i32) (local $k i32) (local $x i32)
    (loop $entries
      (local.set $c (local.get $n))
      (local.set $k (i32.const 8))
      (loop $bits
        (local.set $c
          (if (result i32) (i32.and (local.get $c) (i32.const 1))
            (then (i32.xor (i32.const 0xedb88320) (i32.shr_u (local.get $c) (i32.const 1))))
            (else (i32.shr_u (local.get $c) (i32.const 1)))))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br_if $bits (local.get $k)))
      (i32.store (i32.shl (local.get $n) (i32.const 2)) (local.get $c))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $entries (i32.lt_u (local.get $n) (i32.const 256))))
    (local.set $x (i32.const 7))
    (local.set $n (i32.const 0))
    (loop $fill
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
      (i32.store8 offset=4096 (local.get $n) (i32.shr_u (local.get $x) (i32.const 16)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $n) (i32.const 1048576)))))
  (func (export "run") (result i32)
    (local $n i32) (local $i i32) (local $crc i32)
    (local.set $crc (i32.const -1))
    (loop $passes
      (local.set $i (i32.const 0))
      (loop $next
        (local.set $crc
          (i32.xor
            (i32.load
              (i32.shl (i32.and (i32.xor (local.get $crc)
                                         (i32.load8_u offset=4096 (local.get $i)))
                                (i32.const 255))
                       (i32.const 2)))
            (i32.shr_u (local.get $crc) (i32.const 8))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $i) (i32.const 1048576))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $passes (i32.lt_u (local.get $n) (i32.const 4))))
    (i32.xor (local.get $crc) (i32.const -1))))
