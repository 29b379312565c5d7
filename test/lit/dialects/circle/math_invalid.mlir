// Verifier rules of the element-wise math ops, each message pinned with its
// file:line:col.
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s

// ELU keeps the input's shape.
func.func @f(%x: tensor<1x8xf32>) {
  %r = circle.elu %x : (tensor<1x8xf32>) -> tensor<2x8xf32>
  func.return
}
// CHECK: math_invalid.mlir:[[# @LINE - 3]]:3: circle.elu: result shape [2, 8] differs from input shape [1, 8]
