// RUN: qopt %s --split-input-file -p 'target-legalize{target=litert}' | filecheck %s
// RUN: qopt %s --split-input-file -p 'target-legalize{target=onert}' | filecheck %s --check-prefix=ONERT

// LiteRT: XNNPACK does not give +inf for RSQRT of 0. A float RSQRT whose every use is a
// QUANTIZE gets its input raised to FLT_MIN (1 / sqrt(FLT_MIN) = 2^63 quantizes to qmax
// like +inf); the QUANTIZE's input is clamped too (+-inf in the reference kernels).
// onert's RSQRT gives +inf: only the QUANTIZE's clamp (after the NaN guard: an RSQRT of
// a model input, which may be negative, may be NaN; target-legalize-quantize-nan.mlir).
// CHECK-LABEL: func.func @layer_norm_island(
// CHECK-NEXT:    %[[TINY:.*]] = circle.const dense<1.17549435e-38> : tensor<1xf32>
// CHECK-NEXT:    %[[X:.*]] = circle.maximum %{{.*}}, %[[TINY]] : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
// CHECK-NEXT:    %[[R:.*]] = circle.rsqrt %[[X]]
// CHECK:         circle.minimum
// CHECK-NEXT:    circle.quantize
// ONERT-LABEL: func.func @layer_norm_island(
// ONERT-NEXT:    %[[R:.*]] = circle.rsqrt %x
// ONERT-NEXT:    %[[E:.*]] = circle.equal %[[R]], %[[R]]
// ONERT-NEXT:    circle.const
// ONERT-NEXT:    %[[G:.*]] = circle.select_v2 %[[E]], %[[R]]
// ONERT-NEXT:    circle.const
// ONERT-NEXT:    circle.maximum %[[G]]
func.func @layer_norm_island(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %r = circle.rsqrt %x : (tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %r : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// A float RSQRT with a float use is left alone (its +inf may matter to the float op).
// CHECK-LABEL: func.func @float_use(
// CHECK-NEXT:    %[[R:.*]] = circle.rsqrt %x
// CHECK-NEXT:    %[[A:.*]] = circle.add %[[R]], %[[R]]
func.func @float_use(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = circle.rsqrt %x : (tensor<4xf32>) -> tensor<4xf32>
  %a = circle.add %r, %r {fused_activation_function = "NONE"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %a : tensor<4xf32>
}

// -----

// A MAXIMUM before the RSQRT that does not raise its input to FLT_MIN (a clamp_min(0))
// is no guard: the FLT_MIN MAXIMUM is still inserted.
// CHECK-LABEL: func.func @clamped_at_zero(
// CHECK:         %[[M:.*]] = circle.maximum %x, %{{.*}}
// CHECK-NEXT:    %[[TINY:.*]] = circle.const dense<1.17549435e-38> : tensor<1xf32>
// CHECK-NEXT:    %[[G:.*]] = circle.maximum %[[M]], %[[TINY]]
// CHECK-NEXT:    circle.rsqrt %[[G]]
func.func @clamped_at_zero(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %zero = circle.const dense<0.0> : tensor<1xf32>
  %m = circle.maximum %x, %zero : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  %r = circle.rsqrt %m : (tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %r : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}
