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

// -----

// A constraint violated in the custom syntax is a located parse error.
func.func @f(%x: tensor<1x3x8x8xf32>) {
  %none = aten.none : none
  %y = aten.conv2d %x, %none, %none {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, none, none) -> tensor<1x4x8x8xf32>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:3
// CHECK-NEXT: {{.*}}
// CHECK-NEXT: {{.*}}
// CHECK-NEXT: none should be of base attribute tensor

// -----

// A constraint violated in the custom syntax is a located parse error.
func.func @f(%x: tensor<2x4xf32>) {
  %y = aten.add.Tensor %x, %x {alpha = "two"} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:3
// CHECK-NEXT: {{.*}}
// CHECK-NEXT: {{.*}}
// CHECK-NEXT: Unexpected attribute "two"

// -----

// A constraint violated in the custom syntax is a located parse error.
func.func @f(%x: tensor<2x8xf32>) {
  %m:2 = aten.max.dim %x {dim = 1 : i64, keepdim = true} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:3
// CHECK-NEXT: {{.*}}
// CHECK-NEXT: {{.*}}
// CHECK-NEXT: Expected 2 result types, but got 1

// -----

// A constraint violated in the custom syntax is a located parse error.
func.func @f() {
  %r = aten.arange {end = 8 : i64} : () -> tensor<8xi64>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:3
// CHECK-NEXT: {{.*}}
// CHECK-NEXT: {{.*}}
// CHECK-NEXT: () -> tensor<8xi64> should be of base attribute tensor

// -----

// A constraint violated in the custom syntax is a located parse error.
func.func @f(%x: tensor<2x4xf32>) {
  %y = aten.gelu %x {approximate = 1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:3
// CHECK: 1 : i64 should be of base attribute string
