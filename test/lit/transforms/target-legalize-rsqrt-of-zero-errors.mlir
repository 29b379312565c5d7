// RUN: not qopt %s -p 'target-legalize{target=litert}' 2>&1 | filecheck %s

// LiteRT: an RSQRT of a value that may be 0 whose result reaches a QUANTIZE through an
// op that does not keep +inf and 2^63 apart the same way (SIN: NaN for +inf, a finite
// value for 2^63) cannot be guarded by raising its input: XNNPACK's NaN would reach the
// QUANTIZE. A compile-time error, located at the RSQRT.
// CHECK: error_loc.py:7
// CHECK-SAME: LiteRT's RSQRT under XNNPACK (LiteRT's default delegate) gives NaN for 0
// CHECK-SAME: no exact rewrite: circle.quantize quantizes its +inf and the 2^63 of a raised input apart
func.func @through_sin(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %r = circle.rsqrt %x : (tensor<4xf32>) -> tensor<4xf32> loc("error_loc.py":7:0)
  %s = circle.sin %r : (tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %s : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}
