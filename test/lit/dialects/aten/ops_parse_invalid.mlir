// Parse errors of aten IR, located (with --parsing-diagnostics, on stdout).
// RUN: qopt %s --split-input-file --parsing-diagnostics | filecheck %s
// Every case fails: no module is printed.
// RUN: qopt %s --split-input-file --parsing-diagnostics | filecheck %s --check-prefix=NOMOD
// NOMOD-NOT: builtin.module

// max.dim has two results.
func.func @f(%x: tensor<2x8xf32>) {
  %m:2 = aten.max.dim %x {dim = 1 : i64, keepdim = true} : (tensor<2x8xf32>) -> (tensor<2x1xf32>)
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:82{{$}}
// CHECK: {{^ *}}Expected 2 result types, but got 1{{$}}

// -----

// relu has one operand.
func.func @f(%x: tensor<2x8xf32>) {
  %r = aten.relu %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:18{{$}}
// CHECK: {{^ *}}Expected 1 operand, but got 2{{$}}

// -----

// Ops without operands: `attr-dict : type`.
func.func @f() {
  %r = aten.arange {end = 8 : i64} tensor<8xi64>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:36{{$}}
// CHECK: {{^ *}}Expected ':'{{$}}

// -----

// An ATen overload without a dedicated op is spelled with aten.call.
func.func @f(%x: tensor<2x8xf32>) {
  %r = aten.grid_sampler_2d %x : (tensor<2x8xf32>) -> tensor<2x8xf32>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:29{{$}}
// CHECK: {{^ *}}Operation aten.grid_sampler_2d is not registered{{$}}
