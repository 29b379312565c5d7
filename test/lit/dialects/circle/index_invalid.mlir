// One case per verifier rule of the indexing family's ops (ARG_MAX/ARG_MIN, TILE,
// GATHER_ND), each message pinned with its file:line:col.
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s --check-prefix=NOMOD
// NOMOD-NOT: builtin.module

func.func @f(%x: tensor<2x5xf32>, %a: tensor<1xi32>) {
  %r = circle.arg_max %x, %a {output_type = "FLOAT32"} : (tensor<2x5xf32>, tensor<1xi32>) -> tensor<2xi64>
  func.return
}
// CHECK: index_invalid.mlir:[[# @LINE - 3]]:3: circle.arg_max: output_type must be one of INT32, INT64; got 'FLOAT32'

// -----

func.func @f(%x: tensor<2x5xf32>, %a: tensor<1xi32>) {
  %r = circle.arg_max %x, %a {output_type = "INT32"} : (tensor<2x5xf32>, tensor<1xi32>) -> tensor<2xi64>
  func.return
}
// CHECK: index_invalid.mlir:[[# @LINE - 3]]:3: circle.arg_max: result must be an i32 tensor (output_type INT32), got tensor<2xi64>

// -----

func.func @f(%x: tensor<2x5xf32>, %a: tensor<2xi32>) {
  %r = circle.arg_min %x, %a : (tensor<2x5xf32>, tensor<2xi32>) -> tensor<2xi64>
  func.return
}
// CHECK: index_invalid.mlir:[[# @LINE - 3]]:3: circle.arg_min: axis must be one i32 or i64 element

// -----

func.func @f(%x: tensor<2x5xf32>, %a: tensor<1xi32>) {
  %r = circle.arg_max %x, %a : (tensor<2x5xf32>, tensor<1xi32>) -> tensor<2x1xi64>
  func.return
}
// CHECK: index_invalid.mlir:[[# @LINE - 3]]:3: circle.arg_max: result rank must be the input rank minus one (1)

// -----

func.func @f(%x: tensor<2x5xf32>, %m: tensor<3xi32>) {
  %r = circle.tile %x, %m : (tensor<2x5xf32>, tensor<3xi32>) -> tensor<2x5xf32>
  func.return
}
// CHECK: index_invalid.mlir:[[# @LINE - 3]]:3: circle.tile: multiples must have one entry per input dimension (2)

// -----

func.func @f(%x: tensor<2x5xf32>, %i: tensor<3x3xi32>) {
  %r = circle.gather_nd %x, %i : (tensor<2x5xf32>, tensor<3x3xi32>) -> tensor<3xf32>
  func.return
}
// CHECK: index_invalid.mlir:[[# @LINE - 3]]:3: circle.gather_nd: the last indices dimension must be in [1, 2]

// -----

func.func @f(%x: tensor<2x5xf32>, %i: tensor<3x1xi32>) {
  %r = circle.gather_nd %x, %i : (tensor<2x5xf32>, tensor<3x1xi32>) -> tensor<3xf32>
  func.return
}
// CHECK: index_invalid.mlir:[[# @LINE - 3]]:3: circle.gather_nd: result shape must be [3, 5], got [3]

// -----

func.func @f(%x: tensor<2x5xf32>, %i: tensor<3x1xf32>) {
  %r = circle.gather_nd %x, %i : (tensor<2x5xf32>, tensor<3x1xf32>) -> tensor<3x5xf32>
  func.return
}
// CHECK: index_invalid.mlir:[[# @LINE - 3]]:3: circle.gather_nd: indices must be an i16, i32 or i64 tensor
