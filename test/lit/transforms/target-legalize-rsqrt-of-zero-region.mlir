// RUN: qopt %s -p 'target-legalize{target=litert}' | filecheck %s

// LiteRT: XNNPACK gives NaN for RSQRT of 0. An RSQRT whose result reaches its QUANTIZE
// through other float ops (a float region under allow-float: RSQRT -> SQRT -> NEG) gets
// its input raised to FLT_MIN too, because the ops between, evaluated on +inf, on the
// RSQRT of the least subnormal and on 2^63, quantize all three to the same integers.
// CHECK-LABEL: func.func @region(
// CHECK-NEXT:    %[[TINY:.*]] = circle.const dense<1.17549435e-38> : tensor<1xf32>
// CHECK-NEXT:    %[[X:.*]] = circle.maximum %x, %[[TINY]] : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
// CHECK-NEXT:    %[[R:.*]] = circle.rsqrt %[[X]]
// CHECK-NEXT:    %[[S:.*]] = circle.sqrt %[[R]]
// CHECK-NEXT:    %[[N:.*]] = circle.neg %[[S]]
// CHECK:         circle.minimum
// CHECK-NEXT:    circle.quantize
func.func @region(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %r = circle.rsqrt %x : (tensor<4xf32>) -> tensor<4xf32>
  %s = circle.sqrt %r : (tensor<4xf32>) -> tensor<4xf32>
  %n = circle.neg %s : (tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %n : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}
