;; Dot products of int8 embedding rows with int16 queries, 16 lanes at a time (WebAssembly SIMD).
;; `npm run build:wasm` assembles this file into dot-wasm.ts; vector-index.ts is its only caller.
(module
  (import "env" "memory" (memory 1))

  ;; The dot product of `dims` int8 values at $v with `dims` int16 values at $q (dims: a multiple
  ;; of 16). Products of int8 and int16 summed in pairs cannot overflow int32 below 2^14 dimensions.
  (func $dot (param $v i32) (param $q i32) (param $dims i32) (result i32)
    (local $acc v128)
    (local $x v128)
    (local $end i32)
    (local.set $end (i32.add (local.get $v) (local.get $dims)))
    (loop $next
      (local.set $x (v128.load (local.get $v)))
      (local.set $acc
        (i32x4.add (local.get $acc)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (v128.load (local.get $q)))))
      (local.set $acc
        (i32x4.add (local.get $acc)
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x))
            (v128.load offset=16 (local.get $q)))))
      (local.set $v (i32.add (local.get $v) (i32.const 16)))
      (local.set $q (i32.add (local.get $q) (i32.const 32)))
      (br_if $next (i32.lt_u (local.get $v) (local.get $end))))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))

  ;; For each of `count` int32 slots at $slots and each of `queries` int16 queries at $query:
  ;; out[k * queries + q] = dot(row of slot k, query q) as int32; 0 for a negative slot.
  ;; Rows are `dims` bytes each from $base.
  (func (export "dots")
    (param $base i32) (param $dims i32) (param $slots i32) (param $count i32)
    (param $query i32) (param $queries i32) (param $out i32)
    (local $k i32)
    (local $q i32)
    (local $slot i32)
    (local $row i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $slot (i32.load (i32.add (local.get $slots) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $row (i32.add (local.get $base) (i32.mul (local.get $slot) (local.get $dims))))
        (local.set $q (i32.const 0))
        (block $row_done
          (loop $each
            (br_if $row_done (i32.ge_u (local.get $q) (local.get $queries)))
            (i32.store (local.get $out)
              (if (result i32) (i32.lt_s (local.get $slot) (i32.const 0))
                (then (i32.const 0))
                (else
                  (call $dot
                    (local.get $row)
                    (i32.add (local.get $query)
                      (i32.mul (local.get $q) (i32.shl (local.get $dims) (i32.const 1))))
                    (local.get $dims)))))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $each)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows))))
)
