// One case per verifier rule of the circle ops: enumerated options, the shape checks of
// each op's verify_circle, bias shapes, constant payloads, per-axis types on operands,
// results and constants. Each message is pinned with its file:line:col.
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s
// Every case fails: no module is printed.
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s --check-prefix=NOMOD
// NOMOD-NOT: builtin.module

// Enumerated options (ENUM_OPTIONS): fused_activation_function.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b {fused_activation_function = "GELU"} : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: fused_activation_function must be one of NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT; got 'GELU'

// -----

// Enumerator names are case-sensitive.
func.func @f(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  %r = circle.sub %a, %b {fused_activation_function = "relu"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.sub: fused_activation_function must be one of NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT; got 'relu'

// -----

// padding.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b {padding = "same"} : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: padding must be one of SAME, VALID; got 'same'

// -----

func.func @f(%x: tensor<1x8x8x3xf32>) {
  %m = circle.max_pool_2d %x {padding = "FULL"} : (tensor<1x8x8x3xf32>) -> tensor<1x8x8x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.max_pool_2d: padding must be one of SAME, VALID; got 'FULL'

// -----

// weights_format.
func.func @f(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>) {
  %c = circle.fully_connected %x, %w, %b {weights_format = "SHUFFLED"} : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.fully_connected: weights_format must be one of DEFAULT, SHUFFLED4x16INT8; got 'SHUFFLED'

// -----

// Generic form: the enum check applies to properties however they are spelled.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<6xf32>) {
  %c = "circle.conv_2d"(%x, %w, %b) <{padding = "VALID ", fused_activation_function = "NONE"}> : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: padding must be one of SAME, VALID; got 'VALID '

// -----

func.func @f(%a: tensor<2x3xf32>) {
  %r = circle.concatenation %a, %a {axis = 0 : i32, fused_activation_function = "LEAKY_RELU"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.concatenation: fused_activation_function must be one of NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT; got 'LEAKY_RELU'

// -----

// conv_2d: input rank 4.
func.func @f(%x: tensor<8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b : (tensor<8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: input must have rank 4, got [8, 8, 4]

// -----

// conv_2d: filter rank 4.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x4xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b : (tensor<1x8x8x4xf32>, tensor<6x3x4xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: filter must have rank 4, got [6, 3, 4]

// -----

// conv_2d: input channels a multiple of the filter's (groups).
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x3xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b : (tensor<1x8x8x4xf32>, tensor<6x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: input channels 4 are not a multiple of filter channels 3

// -----

// conv_2d: a filter with 0 input channels.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x0xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b : (tensor<1x8x8x4xf32>, tensor<6x3x3x0xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: input channels 4 are not a multiple of filter channels 0

// -----

// conv_2d: output rank 4.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>) -> tensor<6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: output must have rank 4, got [6, 6, 6]

// -----

// conv_2d: output channels = number of filters.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>) -> tensor<1x6x6x5xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: output shape [1, 6, 6, 5] does not match batch 1 and 6 filters

// -----

// conv_2d: output batch = input batch.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>) -> tensor<2x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: output shape [2, 6, 6, 6] does not match batch 1 and 6 filters

// -----

// conv_2d: bias [O].
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<5xf32>) {
  %c = circle.conv_2d %x, %w, %b : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<5xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: bias must have shape [6], got [5]

// -----

// conv_2d: a bias of rank 2 (even with O elements).
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<1x6xf32>) {
  %c = circle.conv_2d %x, %w, %b : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<1x6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: bias must have shape [6], got [1, 6]

// -----

// depthwise_conv_2d: input rank 4.
func.func @f(%x: tensor<8x8x3xf32>, %w: tensor<1x3x3x6xf32>, %b: tensor<6xf32>) {
  %d = circle.depthwise_conv_2d %x, %w, %b {depth_multiplier = 2 : i32} : (tensor<8x8x3xf32>, tensor<1x3x3x6xf32>, tensor<6xf32>) -> tensor<1x8x8x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.depthwise_conv_2d: input must have rank 4, got [8, 8, 3]

// -----

// depthwise_conv_2d: filter rank 4.
func.func @f(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x6xf32>, %b: tensor<6xf32>) {
  %d = circle.depthwise_conv_2d %x, %w, %b {depth_multiplier = 2 : i32} : (tensor<1x8x8x3xf32>, tensor<3x3x6xf32>, tensor<6xf32>) -> tensor<1x8x8x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.depthwise_conv_2d: filter must have rank 4, got [3, 3, 6]

// -----

// depthwise_conv_2d: filter channels = input channels * depth_multiplier (default 1).
func.func @f(%x: tensor<1x8x8x3xf32>, %w: tensor<1x3x3x6xf32>, %b: tensor<6xf32>) {
  %d = circle.depthwise_conv_2d %x, %w, %b : (tensor<1x8x8x3xf32>, tensor<1x3x3x6xf32>, tensor<6xf32>) -> tensor<1x8x8x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.depthwise_conv_2d: filter must be [1, H, W, 3] for 3 input channels and depth_multiplier 1, got [1, 3, 3, 6]

// -----

// depthwise_conv_2d: the filter's first dimension is 1.
func.func @f(%x: tensor<1x8x8x3xf32>, %w: tensor<2x3x3x3xf32>, %b: tensor<3xf32>) {
  %d = circle.depthwise_conv_2d %x, %w, %b : (tensor<1x8x8x3xf32>, tensor<2x3x3x3xf32>, tensor<3xf32>) -> tensor<1x8x8x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.depthwise_conv_2d: filter must be [1, H, W, 3] for 3 input channels and depth_multiplier 1, got [2, 3, 3, 3]

// -----

// depthwise_conv_2d: output rank 4.
func.func @f(%x: tensor<1x8x8x3xf32>, %w: tensor<1x3x3x6xf32>, %b: tensor<6xf32>) {
  %d = circle.depthwise_conv_2d %x, %w, %b {depth_multiplier = 2 : i32} : (tensor<1x8x8x3xf32>, tensor<1x3x3x6xf32>, tensor<6xf32>) -> tensor<8x8x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.depthwise_conv_2d: output must have rank 4, got [8, 8, 6]

// -----

// depthwise_conv_2d: output channels = filter channels.
func.func @f(%x: tensor<1x8x8x3xf32>, %w: tensor<1x3x3x6xf32>, %b: tensor<6xf32>) {
  %d = circle.depthwise_conv_2d %x, %w, %b {depth_multiplier = 2 : i32} : (tensor<1x8x8x3xf32>, tensor<1x3x3x6xf32>, tensor<6xf32>) -> tensor<1x8x8x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.depthwise_conv_2d: output has 3 channels, expected 6

// -----

// depthwise_conv_2d: bias [C * multiplier].
func.func @f(%x: tensor<1x8x8x3xf32>, %w: tensor<1x3x3x6xf32>, %b: tensor<3xf32>) {
  %d = circle.depthwise_conv_2d %x, %w, %b {depth_multiplier = 2 : i32} : (tensor<1x8x8x3xf32>, tensor<1x3x3x6xf32>, tensor<3xf32>) -> tensor<1x8x8x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.depthwise_conv_2d: bias must have shape [6], got [3]

// -----

// transpose_conv: input rank 4.
func.func @f(%s: tensor<4xi32>, %w: tensor<3x3x3x2xf32>, %x: tensor<4x4x2xf32>, %b: tensor<3xf32>) {
  %t = circle.transpose_conv %s, %w, %x, %b : (tensor<4xi32>, tensor<3x3x3x2xf32>, tensor<4x4x2xf32>, tensor<3xf32>) -> tensor<1x8x8x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.transpose_conv: input must have rank 4, got [4, 4, 2]

// -----

// transpose_conv: weights rank 4.
func.func @f(%s: tensor<4xi32>, %w: tensor<3x3x2xf32>, %x: tensor<1x4x4x2xf32>, %b: tensor<3xf32>) {
  %t = circle.transpose_conv %s, %w, %x, %b : (tensor<4xi32>, tensor<3x3x2xf32>, tensor<1x4x4x2xf32>, tensor<3xf32>) -> tensor<1x8x8x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.transpose_conv: weights must have rank 4, got [3, 3, 2]

// -----

// transpose_conv: output rank 4.
func.func @f(%s: tensor<4xi32>, %w: tensor<3x3x3x2xf32>, %x: tensor<1x4x4x2xf32>, %b: tensor<3xf32>) {
  %t = circle.transpose_conv %s, %w, %x, %b : (tensor<4xi32>, tensor<3x3x3x2xf32>, tensor<1x4x4x2xf32>, tensor<3xf32>) -> tensor<8x8x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.transpose_conv: output must have rank 4, got [8, 8, 3]

// -----

// transpose_conv: output channels = weights' O.
func.func @f(%s: tensor<4xi32>, %w: tensor<3x3x3x2xf32>, %x: tensor<1x4x4x2xf32>, %b: tensor<3xf32>) {
  %t = circle.transpose_conv %s, %w, %x, %b : (tensor<4xi32>, tensor<3x3x3x2xf32>, tensor<1x4x4x2xf32>, tensor<3xf32>) -> tensor<1x8x8x2xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.transpose_conv: output has 2 channels, expected 3

// -----

// transpose_conv: bias [O].
func.func @f(%s: tensor<4xi32>, %w: tensor<3x3x3x2xf32>, %x: tensor<1x4x4x2xf32>, %b: tensor<2xf32>) {
  %t = circle.transpose_conv %s, %w, %x, %b : (tensor<4xi32>, tensor<3x3x3x2xf32>, tensor<1x4x4x2xf32>, tensor<2xf32>) -> tensor<1x8x8x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.transpose_conv: bias must have shape [3], got [2]

// -----

// fully_connected: weights rank 2.
func.func @f(%x: tensor<1x8xf32>, %w: tensor<4x8x1xf32>, %b: tensor<4xf32>) {
  %f = circle.fully_connected %x, %w, %b : (tensor<1x8xf32>, tensor<4x8x1xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.fully_connected: weights must have rank 2, got [4, 8, 1]

// -----

// fully_connected: input features = weights' I.
func.func @f(%x: tensor<1x7xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>) {
  %f = circle.fully_connected %x, %w, %b : (tensor<1x7xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.fully_connected: input [1, 7] does not end in the weights' 8 input features

// -----

// fully_connected: a 0-d input has no features.
func.func @f(%x: tensor<f32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>) {
  %f = circle.fully_connected %x, %w, %b : (tensor<f32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.fully_connected: input [] does not end in the weights' 8 input features

// -----

// fully_connected: output features = weights' O.
func.func @f(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>) {
  %f = circle.fully_connected %x, %w, %b : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x1xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.fully_connected: output [4, 1] must end in 4 features

// -----

// fully_connected: bias [O].
func.func @f(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>, %b: tensor<8xf32>) {
  %f = circle.fully_connected %x, %w, %b : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<1x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.fully_connected: bias must have shape [4], got [8]

// -----

// batch_matmul: operands of rank >= 2.
func.func @f(%a: tensor<3xf32>, %b: tensor<3x5xf32>) {
  %m = circle.batch_matmul %a, %b : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<5xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.batch_matmul: operands need rank >= 2

// -----

// batch_matmul: contraction sizes (no adjoint: x[-1] vs y[-2]).
func.func @f(%a: tensor<2x3x4xf32>, %b: tensor<2x3x5xf32>) {
  %m = circle.batch_matmul %a, %b : (tensor<2x3x4xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.batch_matmul: contraction sizes 4 and 3 differ

// -----

// batch_matmul: adjoint_lhs contracts x[-2].
func.func @f(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) {
  %m = circle.batch_matmul %a, %b {adjoint_lhs = true} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.batch_matmul: contraction sizes 3 and 4 differ

// -----

// batch_matmul: adjoint_rhs contracts y[-1].
func.func @f(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) {
  %m = circle.batch_matmul %a, %b {adjoint_rhs = true} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.batch_matmul: contraction sizes 4 and 5 differ

// -----

// max_pool_2d: input rank 4.
func.func @f(%x: tensor<8x8x3xf32>) {
  %m = circle.max_pool_2d %x : (tensor<8x8x3xf32>) -> tensor<1x8x8x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.max_pool_2d: input must have rank 4, got [8, 8, 3]

// -----

// average_pool_2d: output rank 4.
func.func @f(%x: tensor<1x8x8x3xf32>) {
  %m = circle.average_pool_2d %x : (tensor<1x8x8x3xf32>) -> tensor<8x8x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.average_pool_2d: output must have rank 4, got [8, 8, 3]

// -----

// pooling keeps channels...
func.func @f(%x: tensor<1x8x8x3xf32>) {
  %m = circle.max_pool_2d %x : (tensor<1x8x8x3xf32>) -> tensor<1x4x4x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.max_pool_2d: pooling keeps batch and channels

// -----

// ...and batch.
func.func @f(%x: tensor<1x8x8x3xf32>) {
  %m = circle.average_pool_2d %x : (tensor<1x8x8x3xf32>) -> tensor<2x4x4x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.average_pool_2d: pooling keeps batch and channels

// -----

// Binary ops: operands must broadcast...
func.func @f(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  %r = circle.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.add: shapes [2, 3] and [4] do not broadcast to [2, 3]

// -----

// ...to the result shape.
func.func @f(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  %r = circle.mul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.mul: shapes [2, 3] and [3] do not broadcast to [3]

// -----

func.func @f(%a: tensor<2x1xf32>, %b: tensor<1x3xf32>) {
  %r = circle.maximum %a, %b : (tensor<2x1xf32>, tensor<1x3xf32>) -> tensor<2x1xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.maximum: shapes [2, 1] and [1, 3] do not broadcast to [2, 1]

// -----

func.func @f(%a: tensor<2x1xf32>, %b: tensor<4xf32>) {
  %r = circle.squared_difference %a, %b : (tensor<2x1xf32>, tensor<4xf32>) -> tensor<2x1xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.squared_difference: shapes [2, 1] and [4] do not broadcast to [2, 1]

// -----

// Unary and softmax ops: result shape = input shape.
func.func @f(%x: tensor<1x8xf32>) {
  %r = circle.logistic %x : (tensor<1x8xf32>) -> tensor<8xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.logistic: result shape [8] differs from input shape [1, 8]

// -----

func.func @f(%x: tensor<1x8x!quant.uniform<i8:f32, 0.1>>) {
  %r = circle.dequantize %x : (tensor<1x8x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x9xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.dequantize: result shape [1, 9] differs from input shape [1, 8]

// -----

func.func @f(%x: tensor<1x8xf32>) {
  %r = circle.softmax %x : (tensor<1x8xf32>) -> tensor<1x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.softmax: result shape [1, 4] differs from input shape [1, 8]

// -----

// prelu: alpha broadcasts to the input...
func.func @f(%x: tensor<1x8xf32>, %s: tensor<3xf32>) {
  %r = circle.prelu %x, %s : (tensor<1x8xf32>, tensor<3xf32>) -> tensor<1x8xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.prelu: alpha does not broadcast to the input

// -----

// ...without growing it.
func.func @f(%x: tensor<8xf32>, %s: tensor<2x8xf32>) {
  %r = circle.prelu %x, %s : (tensor<8xf32>, tensor<2x8xf32>) -> tensor<8xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.prelu: alpha does not broadcast to the input

// -----

// reshape keeps the element count.
func.func @f(%x: tensor<2x3xf32>, %s: tensor<2xi32>) {
  %r = circle.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<4x2xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.reshape: cannot reshape [2, 3] (6 elements) to [4, 2]

// -----

// transpose: perm [rank].
func.func @f(%x: tensor<2x3xf32>, %p: tensor<3xi32>) {
  %r = circle.transpose %x, %p : (tensor<2x3xf32>, tensor<3xi32>) -> tensor<3x2xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.transpose: perm must have one entry per input dimension

// -----

// concatenation: at least one input.
func.func @f() {
  %r = circle.concatenation {axis = 0 : i32} : () -> tensor<2xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.concatenation: needs at least one input

// -----

// concatenation: axis < rank...
func.func @f(%a: tensor<2x3xf32>) {
  %r = circle.concatenation %a, %a {axis = 2 : i32} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.concatenation: axis 2 out of range

// -----

// ...and >= -rank.
func.func @f(%a: tensor<2x3xf32>) {
  %r = circle.concatenation %a, %a {axis = -3 : i32} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.concatenation: axis -3 out of range

// -----

// concatenation: inputs match the output outside the axis...
func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) {
  %r = circle.concatenation %a, %b {axis = 1 : i32} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.concatenation: input [3, 3] does not match output [2, 6] outside axis 1

// -----

// ...and in rank.
func.func @f(%a: tensor<2x3xf32>, %b: tensor<6xf32>) {
  %r = circle.concatenation %a, %b {axis = 1 : i32} : (tensor<2x3xf32>, tensor<6xf32>) -> tensor<2x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.concatenation: input [6] does not match output [2, 6] outside axis 1

// -----

// concatenation: input sizes sum to the output's along the axis (negative axis normalized).
func.func @f(%a: tensor<2x3xf32>, %b: tensor<2x2xf32>) {
  %r = circle.concatenation %a, %b {axis = -1 : i32} : (tensor<2x3xf32>, tensor<2x2xf32>) -> tensor<2x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.concatenation: inputs sum to 5 along axis 1

// -----

// concatenation: axis is required (no default).
func.func @f(%a: tensor<2x3xf32>) {
  %r = circle.concatenation %a, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.concatenation: property 'axis' expected in operation 'circle.concatenation'

// -----

// split: num_splits = number of results.
func.func @f(%axis: tensor<i32>, %x: tensor<4x2xf32>) {
  %r:2 = circle.split %axis, %x {num_splits = 3 : i32} : (tensor<i32>, tensor<4x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>)
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.split: num_splits differs from the result count

// -----

// split_v: num_splits = number of results.
func.func @f(%axis: tensor<i32>, %sizes: tensor<2xi32>, %x: tensor<4x2xf32>) {
  %r:2 = circle.split_v %x, %sizes, %axis {num_splits = 1 : i32} : (tensor<4x2xf32>, tensor<2xi32>, tensor<i32>) -> (tensor<1x2xf32>, tensor<3x2xf32>)
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.split_v: num_splits differs from the result count

// -----

// split: num_splits is required.
func.func @f(%axis: tensor<i32>, %x: tensor<4x2xf32>) {
  %r:2 = circle.split %axis, %x : (tensor<i32>, tensor<4x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>)
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.split: property 'num_splits' expected in operation 'circle.split'

// -----

// resize_bilinear: input rank 4.
func.func @f(%x: tensor<8x8x3xf32>, %s: tensor<2xi32>) {
  %r = circle.resize_bilinear %x, %s : (tensor<8x8x3xf32>, tensor<2xi32>) -> tensor<1x16x16x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.resize_bilinear: input must have rank 4, got [8, 8, 3]

// -----

// resize_nearest_neighbor: output rank 4.
func.func @f(%x: tensor<1x8x8x3xf32>, %s: tensor<2xi32>) {
  %r = circle.resize_nearest_neighbor %x, %s : (tensor<1x8x8x3xf32>, tensor<2xi32>) -> tensor<16x16x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.resize_nearest_neighbor: output must have rank 4, got [16, 16, 3]

// -----

// align_corners and half_pixel_centers are exclusive.
func.func @f(%x: tensor<1x8x8x3xf32>, %s: tensor<2xi32>) {
  %r = circle.resize_bilinear %x, %s {align_corners = true, half_pixel_centers = true} : (tensor<1x8x8x3xf32>, tensor<2xi32>) -> tensor<1x16x16x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.resize_bilinear: align_corners and half_pixel_centers are exclusive

// -----

func.func @f(%x: tensor<1x8x8x3xf32>, %s: tensor<2xi32>) {
  %r = circle.resize_nearest_neighbor %x, %s {align_corners = true, half_pixel_centers = true} : (tensor<1x8x8x3xf32>, tensor<2xi32>) -> tensor<1x16x16x3xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.resize_nearest_neighbor: align_corners and half_pixel_centers are exclusive

// -----

// circle.const: payload shape = result shape.
func.func @f() {
  %c = circle.const dense<[1, 2]> : tensor<2xi32> to tensor<3xi32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.const: payload shape [2] differs from result shape [3]

// -----

func.func @f() {
  %c = circle.const dense<[1, 2]> : tensor<2xi8> to tensor<3x!quant.uniform<i8:f32, 0.1>>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.const: payload shape [2] differs from result shape [3]

// -----

// circle.const: a float/integer payload has the result's element type.
func.func @f() {
  %c = circle.const dense<[1.0, 2.0]> : tensor<2xf32> to tensor<2xf16>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.const: payload element type f32 differs from f16

// -----

func.func @f() {
  %c = "circle.const"() <{value = dense<[1, 2]> : tensor<2xi32>}> : () -> tensor<2xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.const: payload element type i32 differs from f32

// -----

// circle.const: a quantized payload has the storage type (signless i8 for i8)...
func.func @f() {
  %c = circle.const dense<[1, 2]> : tensor<2xi32> to tensor<2x!quant.uniform<i8:f32, 0.1>>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.const: payload element type i32 is not the storage type i8 of !quant.uniform<i8:f32, 0.1>

// -----

// ...(ui8 for u8)...
func.func @f() {
  %c = circle.const dense<[1, 2]> : tensor<2xi8> to tensor<2x!quant.uniform<u8:f32, 0.1>>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.const: payload element type i8 is not the storage type ui8 of !quant.uniform<u8:f32, 0.1>

// -----

// ...and values within the storage bounds (narrow range here).
func.func @f() {
  %c = circle.const dense<[-128, 127]> : tensor<2xi8> to tensor<2x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2}>>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.const: payload values [-128, 127] exceed the storage bounds [-127, 127]

// -----

func.func @f() {
  %c = circle.const dense<[0, 32767]> : tensor<2xi16> to tensor<2x!quant.uniform<i16<-32767:32000>:f32, 0.001>>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.const: payload values [0, 32767] exceed the storage bounds [-32767, 32000]

// -----

// circle.const: the result is a tensor.
func.func @f() {
  %c = "circle.const"() <{value = dense<[1, 2]> : tensor<2xi32>}> : () -> none
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.const: result 'output' at position 0 does not verify:
// CHECK-NEXT: none should be of base attribute tensor

// -----

// circle.no_value: the result is `none`.
func.func @f() {
  %c = "circle.no_value"() : () -> tensor<1xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.no_value: result 'output' at position 0 does not verify:
// CHECK-NEXT: tensor<1xf32> should be of base attribute none_type

// -----

// Per-axis types: scale count = size of the quantized dimension, on a constant...
func.func @f() {
  %c = circle.const dense<[1, 2, 3]> : tensor<3xi8> to tensor<3x!quant.uniform<i8:f32:0, {0.1,0.2}>>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.const: result #0: axis 0 has size 3 but 2 scales were given

// -----

// ...on an operand...
func.func @f(%x: tensor<1x4x!quant.uniform<i8:f32:1, {0.1,0.2,0.3}>>) {
  %r = circle.relu %x : (tensor<1x4x!quant.uniform<i8:f32:1, {0.1,0.2,0.3}>>) -> tensor<1x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.relu: operand #0: axis 1 has size 4 but 3 scales were given

// -----

// ...on a result.
func.func @f(%x: tensor<1x4xf32>) {
  %r = circle.quantize %x : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32:0, {0.1,0.2}>>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.quantize: result #0: axis 0 has size 1 but 2 scales were given

// -----

// Per-axis types: the quantized axis < rank, on a constant, a result and an operand.
func.func @f() {
  %c = circle.const dense<[1, 2]> : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32:1, {0.1,0.2}>>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.const: result #0: quantized axis 1 is out of range for a tensor of rank 1

// -----

func.func @f(%x: tensor<1x4xf32>) {
  %r = circle.quantize %x : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32:2, {0.1}>>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.quantize: result #0: quantized axis 2 is out of range for a tensor of rank 2

// -----

func.func @f(%x: tensor<1x4xf32>, %y: tensor<4x!quant.uniform<i8:f32:1, {0.1}>>) {
  %r = circle.add %x, %y : (tensor<1x4xf32>, tensor<4x!quant.uniform<i8:f32:1, {0.1}>>) -> tensor<1x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.add: operand #1: quantized axis 1 is out of range for a tensor of rank 1

// -----

// A bias operand that is neither a tensor nor `none` (IRDL operand constraint).
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %i: i32) {
  %c = "circle.conv_2d"(%x, %w, %i) : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, i32) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: operand 'bias' at position 2 does not verify:
// CHECK-NEXT: Unexpected attribute i32

// -----

// An option of the wrong attribute type, generic form: located.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<6xf32>) {
  %c = "circle.conv_2d"(%x, %w, %b) <{stride_w = 2.0 : f32}> : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: 2.000000e+00 : f32 should be of base attribute integer

// -----

// Circle's integer options are i32, and sizes and strides are positive.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b {stride_w = 0 : i32} : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: option stride_w must be at least 1, got 0

// -----

func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b {stride_w = 1 : i64} : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.conv_2d: option stride_w must be an i32

// -----

func.func @f(%x: tensor<4xf32>) {
  %d = circle.dequantize %x : (tensor<4xf32>) -> tensor<4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.dequantize: expected a quantized input and a float result

// -----

func.func @f(%x: tensor<4xf32>) {
  %q = circle.quantize %x : (tensor<4xf32>) -> tensor<4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: circle.quantize: the result must be quantized
