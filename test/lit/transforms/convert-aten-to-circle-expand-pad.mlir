// RUN: qopt %s --split-input-file --verify-diagnostics -p convert-aten-to-circle | filecheck %s

// expand (broadcast): the input reshaped to the result's rank, then TILE by the ratios.
// CHECK-LABEL: func.func @expand(
// CHECK-NEXT:    %[[S:.*]] = circle.const dense<[1, 5, 1]> : tensor<3xi32>
// CHECK-NEXT:    %[[X:.*]] = circle.reshape %{{.*}}, %[[S]] : (tensor<5x1xf32>, tensor<3xi32>) -> tensor<1x5x1xf32>
// CHECK-NEXT:    %[[M:.*]] = circle.const dense<[2, 1, 3]> : tensor<3xi32>
// CHECK-NEXT:    %[[R:.*]] = circle.tile %[[X]], %[[M]] : (tensor<1x5x1xf32>, tensor<3xi32>) -> tensor<2x5x3xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @expand(%x: tensor<5x1xf32>) -> tensor<2x5x3xf32> {
  %r = aten.expand %x {size = array<i64: 2, -1, 3>, implicit = false} : (tensor<5x1xf32>) -> tensor<2x5x3xf32>
  func.return %r : tensor<2x5x3xf32>
}

// -----

// An expand to its own shape is no op at all.
// CHECK-LABEL: func.func @expand_same(
// CHECK-NEXT:    func.return %{{.*}} : tensor<2x3xf32>
func.func @expand_same(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = aten.expand %x {size = array<i64: 2, 3>, implicit = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// -----

// A non-zero pad value: PADV2 with the value as a rank-0 constant (quantized later with
// the input's parameters, which PADV2 shares).
// CHECK-LABEL: func.func @pad_value(
// CHECK-NEXT:    %[[P:.*]] = circle.const dense<{{\[\[}}0, 0], [1, 2]]> : tensor<2x2xi32>
// CHECK-NEXT:    %[[V:.*]] = circle.const dense<5.000000e-01> : tensor<f32>
// CHECK-NEXT:    %[[R:.*]] = circle.padv2 %{{.*}}, %[[P]], %[[V]] : (tensor<2x3xf32>, tensor<2x2xi32>, tensor<f32>) -> tensor<2x6xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @pad_value(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  %r = aten.constant_pad_nd %x {pad = array<i64: 1, 2>, value = 5.000000e-01 : f64} : (tensor<2x3xf32>) -> tensor<2x6xf32>
  func.return %r : tensor<2x6xf32>
}
