// Invalid aten ops: missing required properties, `none` for a non-optional tensor,
// properties of the wrong type, result and operand counts. Each message is pinned.
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s
// Every case fails: no module is printed.
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s --check-prefix=NOMOD
// NOMOD-NOT: builtin.module

// A required property missing (`groups` has a schema default, but import always sets it).
func.func @f(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  %none = aten.none : none
  %y = aten.conv2d %x, %w, %none {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: aten.conv2d: property 'groups' expected in operation 'aten.conv2d'

// -----

// ...on an op without operands.
func.func @f() {
  %s = aten.arange {dtype = "torch.int64"} : tensor<8xi64>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: aten.arange: property 'end' expected in operation 'aten.arange'

// -----

// ...aten.call needs its target.
func.func @f(%x: tensor<2x4xf32>) {
  %y = aten.call %x {args = "x"} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: aten.call: property 'target' expected in operation 'aten.call'

// -----

// A non-optional tensor argument given `none` (generic form: located).
func.func @f(%x: tensor<1x3x8x8xf32>) {
  %none = "aten.none"() : () -> none
  %y = "aten.conv2d"(%x, %none, %none) <{stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64}> : (tensor<1x3x8x8xf32>, none, none) -> tensor<1x4x8x8xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: aten.conv2d: operand 'weight' at position 1 does not verify:
// CHECK-NEXT: none should be of base attribute tensor

// -----

func.func @f(%x: tensor<2x4xf32>) {
  %none = "aten.none"() : () -> none
  %y = "aten.add.Tensor"(%none, %x) <{alpha = 1 : i64}> : (none, tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: aten.add.Tensor: operand 'self_' at position 0 does not verify:
// CHECK-NEXT: none should be of base attribute tensor

// -----

// A property of the wrong type: Scalar is an integer or a float, not a string...
func.func @f(%x: tensor<2x4xf32>) {
  %y = "aten.add.Tensor"(%x, %x) <{alpha = "two"}> : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: aten.add.Tensor: Unexpected attribute "two"

// -----

// ...int[] is an array<i64>, not an integer...
func.func @f(%x: tensor<2x4xf32>) {
  %y = "aten.mean.dim"(%x) <{dim = 1 : i64, keepdim = false}> : (tensor<2x4xf32>) -> tensor<2xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: aten.mean.dim: 1 : i64 should be of base attribute array

// -----

// ...bool is an i1...
func.func @f(%x: tensor<2x4xf32>) {
  %y:2 = "aten.max.dim"(%x) <{dim = 1 : i64, keepdim = "yes"}> : (tensor<2x4xf32>) -> (tensor<2x1xf32>, tensor<2x1xi64>)
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: aten.max.dim: "yes" should be of base attribute integer

// -----

// ...and str is a string.
func.func @f(%x: tensor<2x4xf32>) {
  %y = "aten.gelu"(%x) <{approximate = 1 : i64}> : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: aten.gelu: 1 : i64 should be of base attribute string

// -----

// Results are tensors.
func.func @f(%x: tensor<2x8xf32>) {
  %s:2 = "aten.split.Tensor"(%x) <{split_size = 4 : i64, dim = 1 : i64}> : (tensor<2x8xf32>) -> (tensor<2x4xf32>, none)
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: aten.split.Tensor: result 'results_' at positions 0 to 1 does not verify:
// CHECK-NEXT: none should be of base attribute tensor

// -----

// The number of operands and results follows the schema.
func.func @f(%x: tensor<2x8xf32>) {
  %m = "aten.max.dim"(%x) <{dim = 1 : i64, keepdim = true}> : (tensor<2x8xf32>) -> tensor<2x1xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: aten.max.dim: Expected 2 results, but got 1

// -----

func.func @f(%x: tensor<2x8xf32>) {
  %r = "aten.relu"(%x, %x) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  func.return
}
// CHECK: ops_invalid.mlir:[[# @LINE - 3]]:3: aten.relu: Expected 1 operand, but got 2
