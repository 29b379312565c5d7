// The verifiers of the float-only ops: no quantized tensor (no runtime has an integer
// kernel), shapes, CONV_3D without groups and with positive D stride/dilation.
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s --check-prefix=NOMOD
// NOMOD-NOT: builtin.module

func.func @f(%x: tensor<4x!quant.uniform<i8:f32, 0.5:0>>) {
  %y = circle.sin %x : (tensor<4x!quant.uniform<i8:f32, 0.5:0>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:0>>
  func.return
}
// CHECK: float_ops_invalid.mlir:[[# @LINE - 3]]:3: circle.sin: operand is quantized (tensor<4x!quant.uniform<i8:f32, 0.5>>), but SIN has float kernels only (keep it float with allow-float)

// -----

func.func @f(%x: tensor<4xf32>) {
  %y = circle.round %x : (tensor<4xf32>) -> tensor<5xf32>
  func.return
}
// CHECK: float_ops_invalid.mlir:[[# @LINE - 3]]:3: circle.round: result shape [5] differs from input shape [4]

// -----

func.func @f(%x: tensor<1x4x6x6x4xf32>, %w: tensor<3x3x3x2x3xf32>, %b: tensor<3xf32>) {
  %y = circle.conv_3d %x, %w, %b : (tensor<1x4x6x6x4xf32>, tensor<3x3x3x2x3xf32>, tensor<3xf32>) -> tensor<1x2x4x4x3xf32>
  func.return
}
// CHECK: float_ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_3d: input channels 4 differ from the filter's 2 (CONV_3D has no groups)

// -----

func.func @f(%x: tensor<1x4x6x6x2xf32>, %w: tensor<3x3x3x2x3xf32>, %b: tensor<4xf32>) {
  %y = circle.conv_3d %x, %w, %b : (tensor<1x4x6x6x2xf32>, tensor<3x3x3x2x3xf32>, tensor<4xf32>) -> tensor<1x2x4x4x3xf32>
  func.return
}
// CHECK: float_ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_3d: bias must have shape [3], got [4]

// -----

func.func @f(%x: tensor<1x4x6x6x2xf32>, %w: tensor<3x3x3x2x3xf32>, %n: none) {
  %y = circle.conv_3d %x, %w, %n {stride_d = 0 : i32} : (tensor<1x4x6x6x2xf32>, tensor<3x3x3x2x3xf32>, none) -> tensor<1x2x4x4x3xf32>
  func.return
}
// CHECK: float_ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_3d: option stride_d must be at least 1

// -----

func.func @f(%x: tensor<4x!quant.uniform<i8:f32, 0.5:0>>, %y: tensor<4xf32>) {
  %p = circle.pow %x, %y : (tensor<4x!quant.uniform<i8:f32, 0.5:0>>, tensor<4xf32>) -> tensor<4xf32>
  func.return
}
// CHECK: float_ops_invalid.mlir:[[# @LINE - 3]]:3: circle.pow: operand is quantized (tensor<4x!quant.uniform<i8:f32, 0.5>>), but POW has float kernels only (keep it float with allow-float)

// -----

func.func @f(%x: tensor<2x3xf32>, %y: tensor<4xf32>) {
  %p = circle.pow %x, %y : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  func.return
}
// CHECK: float_ops_invalid.mlir:[[# @LINE - 3]]:3: circle.pow: shapes [2, 3] and [4] do not broadcast to [2, 3]
