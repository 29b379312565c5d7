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
