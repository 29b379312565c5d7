// RUN: qopt %s -p 'target-legalize{target=litert}' | filecheck %s

// PRELU hands an infinity on (+inf stays +inf, -inf becomes alpha * -inf): the QUANTIZE
// after DIV -> PRELU is clamped (target-legalize-quantize-infinity.mlir has the other
// cases; onert has no PRELU kernel).
// CHECK-LABEL: func.func @through_prelu(
// CHECK:         %[[P:.*]] = circle.prelu
// CHECK-NEXT:    %[[LO:.*]] = circle.const dense<-5.000000e+00> : tensor<1xf32>
// CHECK-NEXT:    %[[MAX:.*]] = circle.maximum %[[P]], %[[LO]]
// CHECK-NEXT:    %[[HI:.*]] = circle.const dense<1.225000e+02> : tensor<1xf32>
// CHECK-NEXT:    %[[MIN:.*]] = circle.minimum %[[MAX]], %[[HI]]
// CHECK-NEXT:    %[[Q:.*]] = circle.quantize %[[MIN]]
// CHECK-NEXT:    func.return %[[Q]]
func.func @through_prelu(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %one = circle.const dense<1.0> : tensor<1xf32>
  %d = circle.div %one, %x {fused_activation_function = "NONE"} : (tensor<1xf32>, tensor<4xf32>) -> tensor<4xf32>
  %a = circle.const dense<0.25> : tensor<1xf32>
  %p = circle.prelu %d, %a : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  %q = circle.quantize %p : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}

// PRELU hands a non-negative x on unscaled: its bound is |x| max(1, |alpha|), not
// |x| |alpha|. x up to 255 * 1e7 = 2.55e9 is beyond 2^31 steps of scale 1 (a slope of
// 0.25 would have bounded it by 6.4e8): clamped.
// CHECK-LABEL: func.func @prelu_small_slope(
// CHECK:         %[[P:.*]] = circle.prelu
// CHECK-NEXT:    %[[LO:.*]] = circle.const
// CHECK-NEXT:    circle.maximum %[[P]], %[[LO]]
func.func @prelu_small_slope(%x: tensor<4x!quant.uniform<u8:f32, 1.0e7>>) -> tensor<4x!quant.uniform<u8:f32, 1.0>> {
  %d = circle.dequantize %x : (tensor<4x!quant.uniform<u8:f32, 1.0e7>>) -> tensor<4xf32>
  %a = circle.const dense<0.25> : tensor<4xf32>
  %p = circle.prelu %d, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %p : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 1.0>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 1.0>>
}

// LEAKY_RELU with a slope above 1 grows a negative x: its bound is |x| max(1, |alpha|).
// x down to -128 * 1e7 = -1.28e9 is within 2^31 steps of scale 1, alpha 4 x = -5.12e9
// is not: clamped.
// CHECK-LABEL: func.func @leaky_relu_steep(
// CHECK:         %[[L:.*]] = circle.leaky_relu
// CHECK-NEXT:    %[[LO:.*]] = circle.const
// CHECK-NEXT:    circle.maximum %[[L]], %[[LO]]
func.func @leaky_relu_steep(%x: tensor<4x!quant.uniform<i8:f32, 1.0e7>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  %d = circle.dequantize %x : (tensor<4x!quant.uniform<i8:f32, 1.0e7>>) -> tensor<4xf32>
  %l = circle.leaky_relu %d {alpha = 4.000000e+00 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %l : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  func.return %q : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// The same with the default slope 0.01: within range, no clamp.
// CHECK-LABEL: func.func @leaky_relu_gentle(
// CHECK:         circle.leaky_relu
// CHECK-NEXT:    circle.quantize
func.func @leaky_relu_gentle(%x: tensor<4x!quant.uniform<i8:f32, 1.0e7>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  %d = circle.dequantize %x : (tensor<4x!quant.uniform<i8:f32, 1.0e7>>) -> tensor<4xf32>
  %l = circle.leaky_relu %d {alpha = 1.000000e-02 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %l : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  func.return %q : tensor<4x!quant.uniform<i8:f32, 1.0>>
}
