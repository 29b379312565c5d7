// RUN: qopt %s --split-input-file -p 'target-legalize{target=onert}' | filecheck %s
// RUN: qopt %s --split-input-file -p 'target-legalize{target=litert}' | filecheck %s

// A uint8 layer norm's float island: 1 / sqrt(var + eps), where var + eps may quantize
// to 0. The DIV yields +inf there; onert's and LiteRT's QUANTIZE cast round(inf / s) to
// int32 (undefined: qmin on x86), PT2E saturates to qmax. The QUANTIZE's input is
// clamped to the range uint8 (s = 0.5, zp = 10) represents: [(0 - 10) 0.5, (255 - 10) 0.5].
// CHECK-LABEL: func.func @reciprocal(
// CHECK:         %[[D:.*]] = circle.div
// CHECK-NEXT:    %[[LO:.*]] = circle.const dense<-5.000000e+00> : tensor<1xf32>
// CHECK-NEXT:    %[[MAX:.*]] = circle.maximum %[[D]], %[[LO]] : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
// CHECK-NEXT:    %[[HI:.*]] = circle.const dense<1.225000e+02> : tensor<1xf32>
// CHECK-NEXT:    %[[MIN:.*]] = circle.minimum %[[MAX]], %[[HI]] : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
// CHECK-NEXT:    %[[Q:.*]] = circle.quantize %[[MIN]] : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
// CHECK-NEXT:    func.return %[[Q]]
func.func @reciprocal(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %one = circle.const dense<1.0> : tensor<1xf32>
  %d = circle.div %one, %x {fused_activation_function = "NONE"} : (tensor<1xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %d : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// A QUANTIZE of an op that cannot yield +-inf on finite inputs (ADD) is left alone.
// CHECK-LABEL: func.func @finite(
// CHECK-NEXT:    %[[A:.*]] = circle.add
// CHECK-NEXT:    %[[Q:.*]] = circle.quantize %[[A]] :
// CHECK-NEXT:    func.return %[[Q]]
func.func @finite(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %a = circle.add %x, %x {fused_activation_function = "NONE"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %a : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// Consecutive float-only ATen ops stay one float region (allow-float): a uint8
// torch.floor(1 / x) or sqrt(exp(x)) lowers to DIV -> FLOOR -> QUANTIZE. FLOOR (like SQRT,
// ROUND, a RESHAPE or a TRANSPOSE: `PassesInfinity`) hands the DIV's +inf on, so the
// QUANTIZE is clamped after it.
// CHECK-LABEL: func.func @through_floor_and_reshape(
// CHECK:         %[[D:.*]] = circle.div
// CHECK-NEXT:    %[[F:.*]] = circle.floor %[[D]]
// CHECK:         %[[R:.*]] = circle.reshape %[[F]]
// CHECK-NEXT:    %[[LO:.*]] = circle.const dense<-5.000000e+00> : tensor<1xf32>
// CHECK-NEXT:    %[[MAX:.*]] = circle.maximum %[[R]], %[[LO]]
// CHECK-NEXT:    %[[HI:.*]] = circle.const dense<1.225000e+02> : tensor<1xf32>
// CHECK-NEXT:    %[[MIN:.*]] = circle.minimum %[[MAX]], %[[HI]]
// CHECK-NEXT:    %[[Q:.*]] = circle.quantize %[[MIN]] : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<u8:f32, 0.5:10>>
// CHECK-NEXT:    func.return %[[Q]]
func.func @through_floor_and_reshape(%x: tensor<4xf32>) -> tensor<2x2x!quant.uniform<u8:f32, 0.5:10>> {
  %one = circle.const dense<1.0> : tensor<1xf32>
  %d = circle.div %one, %x {fused_activation_function = "NONE"} : (tensor<1xf32>, tensor<4xf32>) -> tensor<4xf32>
  %f = circle.floor %d : (tensor<4xf32>) -> tensor<4xf32>
  %s = circle.const dense<[2, 2]> : tensor<2xi32>
  %r = circle.reshape %f, %s : (tensor<4xf32>, tensor<2xi32>) -> tensor<2x2xf32>
  %q = circle.quantize %r : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<2x2x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// The same float region from a dequantized (finite, never negative: zero point 0)
// value: no op on the way yields an infinity or NaN, so the QUANTIZE is left alone.
// CHECK-LABEL: func.func @finite_region(
// CHECK:         %[[F:.*]] = circle.floor
// CHECK-NEXT:    %[[Q:.*]] = circle.quantize %[[F]] :
// CHECK-NEXT:    func.return %[[Q]]
func.func @finite_region(%x: tensor<4x!quant.uniform<u8:f32, 0.5>>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %dq = circle.dequantize %x : (tensor<4x!quant.uniform<u8:f32, 0.5>>) -> tensor<4xf32>
  %s = circle.sqrt %dq : (tensor<4xf32>) -> tensor<4xf32>
  %f = circle.floor %s : (tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %f : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// SIN of an infinity is NaN, not an infinity: no clamp after a SIN, but the NaN guard
// (target-legalize-quantize-nan.mlir).
// CHECK-LABEL: func.func @not_through_sin(
// CHECK:         %[[S:.*]] = circle.sin
// CHECK-NEXT:    %[[E:.*]] = circle.equal %[[S]], %[[S]]
// CHECK-NEXT:    circle.const
// CHECK-NEXT:    %[[G:.*]] = circle.select_v2 %[[E]], %[[S]]
// CHECK-NEXT:    %[[Q:.*]] = circle.quantize %[[G]] :
// CHECK-NEXT:    func.return %[[Q]]
func.func @not_through_sin(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %one = circle.const dense<1.0> : tensor<1xf32>
  %d = circle.div %one, %x {fused_activation_function = "NONE"} : (tensor<1xf32>, tensor<4xf32>) -> tensor<4xf32>
  %s = circle.sin %d : (tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %s : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// AVERAGE_POOL_2D (a mean of +inf is +inf) and SELECT_V2 (either branch, unchanged) hand
// an infinity on as well (PRELU too: target-legalize-quantize-infinity-litert.mlir, onert
// has no PRELU).
// CHECK-LABEL: func.func @through_pool_select(
// (A mean of +inf and -inf is NaN: the NaN guard first, target-legalize-quantize-nan.mlir.)
// CHECK:         %[[S:.*]] = circle.select_v2 %c
// CHECK-NEXT:    %[[E:.*]] = circle.equal %[[S]], %[[S]]
// CHECK-NEXT:    circle.const
// CHECK-NEXT:    %[[G:.*]] = circle.select_v2 %[[E]], %[[S]]
// CHECK-NEXT:    %[[LO:.*]] = circle.const dense<-5.000000e+00> : tensor<1xf32>
// CHECK-NEXT:    %[[MAX:.*]] = circle.maximum %[[G]], %[[LO]]
// CHECK-NEXT:    %[[HI:.*]] = circle.const dense<1.225000e+02> : tensor<1xf32>
// CHECK-NEXT:    %[[MIN:.*]] = circle.minimum %[[MAX]], %[[HI]]
// CHECK-NEXT:    %[[Q:.*]] = circle.quantize %[[MIN]]
// CHECK-NEXT:    func.return %[[Q]]
func.func @through_pool_select(%x: tensor<1x2x2x1xf32>, %c: tensor<1x1x1x1xi1>) -> tensor<1x1x1x1x!quant.uniform<u8:f32, 0.5:10>> {
  %one = circle.const dense<1.0> : tensor<1xf32>
  %d = circle.div %one, %x {fused_activation_function = "NONE"} : (tensor<1xf32>, tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %m = circle.average_pool_2d %d {filter_height = 2 : i32, filter_width = 2 : i32, stride_h = 2 : i32, stride_w = 2 : i32} : (tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32>
  %s = circle.select_v2 %c, %m, %m : (tensor<1x1x1x1xi1>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %q = circle.quantize %s : (tensor<1x1x1x1xf32>) -> tensor<1x1x1x1x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<1x1x1x1x!quant.uniform<u8:f32, 0.5:10>>
}
