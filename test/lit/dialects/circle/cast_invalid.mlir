// Verifier rules of CAST, each message pinned with its file:line:col.
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s

// A CAST copies values: it cannot stand for a quantized conversion.
func.func @f(%x: tensor<2x!quant.uniform<i8:f32, 0.1>>) {
  %r = circle.cast %x : (tensor<2x!quant.uniform<i8:f32, 0.1>>) -> tensor<2xi32>
  func.return
}
// CHECK: cast_invalid.mlir:[[# @LINE - 3]]:3: circle.cast: the input must not be quantized
