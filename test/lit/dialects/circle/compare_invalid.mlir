// One case per verifier rule of the comparison / logic / select ops, each message pinned
// with its file:line:col.
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s --check-prefix=NOMOD
// NOMOD-NOT: builtin.module

// A comparison's result is boolean.
func.func @f(%a: tensor<2x3xf32>) {
  %r = circle.greater %a, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return
}
// CHECK: compare_invalid.mlir:[[# @LINE - 3]]:3: circle.greater: the result must be a boolean (i1) tensor, got tensor<2x3xf32>

// -----

// Operands broadcast to the result.
func.func @f(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  %r = circle.equal %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xi1>
  func.return
}
// CHECK: compare_invalid.mlir:[[# @LINE - 3]]:3: circle.equal: shapes [2, 3] and [4] do not broadcast to [2, 3]

// -----

// Operands have one element type (quantized: one storage type).
func.func @f(%a: tensor<3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<3xf32>) {
  %r = circle.less %a, %b : (tensor<3x!quant.uniform<i8:f32, 0.1>>, tensor<3xf32>) -> tensor<3xi1>
  func.return
}
// CHECK: compare_invalid.mlir:[[# @LINE - 3]]:3: circle.less: operands must have the same element type, got !quant.uniform<i8:f32, 0.1> and f32

// -----

// int16 comparisons compare raw integers: one scale and zero point.
func.func @f(%a: tensor<3x!quant.uniform<i16:f32, 0.001>>, %b: tensor<3x!quant.uniform<i16:f32, 0.002>>) {
  %r = circle.greater_equal %a, %b : (tensor<3x!quant.uniform<i16:f32, 0.001>>, tensor<3x!quant.uniform<i16:f32, 0.002>>) -> tensor<3xi1>
  func.return
}
// CHECK: compare_invalid.mlir:[[# @LINE - 3]]:3: circle.greater_equal: int16 operands must share scale and zero point (TFLite compares their raw integers)

// -----

// Logical ops take booleans.
func.func @f(%a: tensor<3xi1>, %b: tensor<3xi32>) {
  %r = circle.logical_or %a, %b : (tensor<3xi1>, tensor<3xi32>) -> tensor<3xi1>
  func.return
}
// CHECK: compare_invalid.mlir:[[# @LINE - 3]]:3: circle.logical_or: rhs must be a boolean (i1) tensor, got tensor<3xi32>

// -----

func.func @f(%a: tensor<3xf32>) {
  %r = circle.logical_not %a : (tensor<3xf32>) -> tensor<3xi1>
  func.return
}
// CHECK: compare_invalid.mlir:[[# @LINE - 3]]:3: circle.logical_not: the input must be a boolean (i1) tensor, got tensor<3xf32>

// -----

// SELECT_V2: a boolean condition; condition, x and y broadcast to the result.
func.func @f(%c: tensor<3xf32>, %x: tensor<3xf32>) {
  %r = circle.select_v2 %c, %x, %x : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  func.return
}
// CHECK: compare_invalid.mlir:[[# @LINE - 3]]:3: circle.select_v2: the condition must be a boolean (i1) tensor, got tensor<3xf32>

// -----

func.func @f(%c: tensor<2x1xi1>, %x: tensor<4xf32>) {
  %r = circle.select_v2 %c, %x, %x : (tensor<2x1xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  func.return
}
// CHECK: compare_invalid.mlir:[[# @LINE - 3]]:3: circle.select_v2: shapes [2, 1], [4] and [4] do not broadcast to [2, 3]

// -----

// x, y and the result have one element type.
func.func @f(%c: tensor<3xi1>, %x: tensor<3xf32>, %y: tensor<3xi32>) {
  %r = circle.select_v2 %c, %x, %y : (tensor<3xi1>, tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  func.return
}
// CHECK: compare_invalid.mlir:[[# @LINE - 3]]:3: circle.select_v2: x, y and the result must have one element type, got f32, i32 and f32

// -----

// REDUCE_ANY reduces booleans.
func.func @f(%x: tensor<2x3xf32>) {
  %ax = circle.const dense<1> : tensor<1xi32>
  %r = circle.reduce_any %x, %ax : (tensor<2x3xf32>, tensor<1xi32>) -> tensor<2xi1>
  func.return
}
// CHECK: compare_invalid.mlir:[[# @LINE - 3]]:3: circle.reduce_any: the input must be a boolean (i1) tensor, got tensor<2x3xf32>
