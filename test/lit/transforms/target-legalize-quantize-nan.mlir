// RUN: qopt %s --split-input-file -p 'target-legalize{target=litert}' | filecheck %s
// RUN: qopt %s --split-input-file -p 'target-legalize{target=onert}' | filecheck %s

// A float -> integer QUANTIZE of a value that may be NaN (the square root of a DEQUANTIZE
// that represents negative values): NaN replaced by (0 - zp) s = -5, which stores 0 as
// PT2E does, before the QUANTIZE; the runtimes' own QUANTIZE of NaN differ.
// CHECK-LABEL: func.func @root_of_negative(
// CHECK:         %[[R:.*]] = circle.sqrt
// CHECK-NEXT:    %[[E:.*]] = circle.equal %[[R]], %[[R]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
// CHECK-NEXT:    %[[C:.*]] = circle.const dense<-5.000000e+00> : tensor<1xf32>
// CHECK-NEXT:    %[[S:.*]] = circle.select_v2 %[[E]], %[[R]], %[[C]]
// CHECK-NEXT:    circle.quantize %[[S]]
func.func @root_of_negative(%x: tensor<4x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %d = circle.dequantize %x : (tensor<4x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<4xf32>
  %r = circle.sqrt %d : (tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %r : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// Never negative (zero point 0): no guard.
// CHECK-LABEL: func.func @root_of_non_negative(
// CHECK:         %[[R:.*]] = circle.sqrt
// CHECK-NEXT:    circle.quantize %[[R]]
func.func @root_of_non_negative(%x: tensor<4x!quant.uniform<u8:f32, 0.5>>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %d = circle.dequantize %x : (tensor<4x!quant.uniform<u8:f32, 0.5>>) -> tensor<4xf32>
  %r = circle.sqrt %d : (tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %r : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// A MAXIMUM whose first operand may be NaN: its operands swapped (the runtimes' kernels
// drop a NaN first operand, hand a NaN second one on, as the op does).
// CHECK-LABEL: func.func @maximum_of_nan(
// CHECK:         %[[R:.*]] = circle.sqrt
// CHECK-NEXT:    %[[ONE:.*]] = circle.const dense<1.000000e+00>
// CHECK-NEXT:    %[[M:.*]] = circle.maximum %[[ONE]], %[[R]]
// CHECK-NEXT:    circle.equal %[[M]], %[[M]]
func.func @maximum_of_nan(%x: tensor<4x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %d = circle.dequantize %x : (tensor<4x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<4xf32>
  %r = circle.sqrt %d : (tensor<4xf32>) -> tensor<4xf32>
  %one = circle.const dense<1.0> : tensor<1xf32>
  %m = circle.maximum %r, %one : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  %q = circle.quantize %m : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// A MINIMUM whose first operand may be NaN: swapped like a MAXIMUM.
// CHECK-LABEL: func.func @minimum_of_nan(
// CHECK:         %[[R:.*]] = circle.sqrt
// CHECK-NEXT:    %[[ONE:.*]] = circle.const dense<1.000000e+00>
// CHECK-NEXT:    %[[M:.*]] = circle.minimum %[[ONE]], %[[R]]
// CHECK-NEXT:    circle.equal %[[M]], %[[M]]
func.func @minimum_of_nan(%x: tensor<4x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %d = circle.dequantize %x : (tensor<4x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<4xf32>
  %r = circle.sqrt %d : (tensor<4xf32>) -> tensor<4xf32>
  %one = circle.const dense<1.0> : tensor<1xf32>
  %m = circle.minimum %r, %one : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  %q = circle.quantize %m : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// A TRANSPOSE of a value that may be NaN moves it like any other: not a miscomputation
// (only the QUANTIZE after it is guarded).
// CHECK-LABEL: func.func @transpose_of_nan(
// CHECK:         %[[R:.*]] = circle.sqrt
// CHECK:         %[[T:.*]] = circle.transpose %[[R]]
// CHECK-NEXT:    circle.equal %[[T]], %[[T]]
func.func @transpose_of_nan(%x: tensor<2x2x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<2x2x!quant.uniform<u8:f32, 0.5:10>> {
  %d = circle.dequantize %x : (tensor<2x2x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<2x2xf32>
  %r = circle.sqrt %d : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %p = circle.const dense<[1, 0]> : tensor<2xi32>
  %t = circle.transpose %r, %p : (tensor<2x2xf32>, tensor<2xi32>) -> tensor<2x2xf32>
  %q = circle.quantize %t : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<2x2x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// A constant -0.0 counts as negative: RSQRT makes it -inf, whose SQRT is NaN.
// CHECK-LABEL: func.func @root_of_negative_zero(
// CHECK:         %[[S:.*]] = circle.sqrt
// CHECK-NEXT:    circle.equal %[[S]], %[[S]]
func.func @root_of_negative_zero(%x: tensor<4x!quant.uniform<u8:f32, 0.5>>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %d = circle.dequantize %x : (tensor<4x!quant.uniform<u8:f32, 0.5>>) -> tensor<4xf32>
  %z = circle.const dense<-0.0> : tensor<1xf32>
  %m = circle.mul %d, %z {fused_activation_function = "NONE"} : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  %r = circle.rsqrt %m : (tensor<4xf32>) -> tensor<4xf32>
  %s = circle.sqrt %r : (tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %s : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// RSQRT of a positive value that may be +inf (1 / x raised to 1e-6) is 0 there, so it
// is no nonzero divisor: d / rsqrt(...) is 0 / 0 = NaN where d = 0.
// CHECK-LABEL: func.func @divide_by_rsqrt_of_infinity(
// CHECK:         %[[Z:.*]] = circle.div %{{.*}}, %{{.*}} : (tensor<4xf32>, tensor<4xf32>)
// CHECK-NEXT:    circle.equal %[[Z]], %[[Z]]
func.func @divide_by_rsqrt_of_infinity(%x: tensor<4x!quant.uniform<u8:f32, 0.5>>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %d = circle.dequantize %x : (tensor<4x!quant.uniform<u8:f32, 0.5>>) -> tensor<4xf32>
  %one = circle.const dense<1.0> : tensor<1xf32>
  %inv = circle.div %one, %d {fused_activation_function = "NONE"} : (tensor<1xf32>, tensor<4xf32>) -> tensor<4xf32>
  %eps = circle.const dense<1.0e-06> : tensor<1xf32>
  %m = circle.maximum %inv, %eps : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  %r = circle.rsqrt %m : (tensor<4xf32>) -> tensor<4xf32>
  %z = circle.div %d, %r {fused_activation_function = "NONE"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %z : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}
