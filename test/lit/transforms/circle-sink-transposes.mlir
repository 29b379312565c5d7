// RUN: qopt %s --split-input-file -p circle-sink-transposes | filecheck %s

!q = tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:-3>>
// Inverse transposes separated by element-wise ops (including the quant casts) cancel.
// CHECK-LABEL: func.func @cancel(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4x4x8xf32>)
// CHECK-NEXT:    %[[R:.*]] = circle.relu %[[X]] : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
// CHECK-NEXT:    %[[Q:.*]] = quant.qcast %[[R]] : tensor<1x4x4x8xf32> to tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:-3>>
// CHECK-NEXT:    %[[D:.*]] = quant.dcast %[[Q]]
// CHECK-NEXT:    func.return %[[D]]
func.func @cancel(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %p = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
  %t = circle.transpose %x, %p : (tensor<1x4x4x8xf32>, tensor<4xi32>) -> tensor<1x8x4x4xf32>
  %r = circle.relu %t : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %q = quant.qcast %r : tensor<1x8x4x4xf32> to tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:-3>>
  %d = quant.dcast %q : tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:-3>> to tensor<1x8x4x4xf32>
  %p2 = circle.const dense<[0, 2, 3, 1]> : tensor<4xi32>
  %t2 = circle.transpose %d, %p2 : (tensor<1x8x4x4xf32>, tensor<4xi32>) -> tensor<1x4x4x8xf32>
  func.return %t2 : tensor<1x4x4x8xf32>
}

// -----

// A constant operand of an element-wise op is permuted at compile time (broadcast to
// the full rank first); a per-channel NCHW constant becomes [1, 1, 1, C].
// CHECK-LABEL: func.func @binary_const(
// CHECK-NEXT:    %[[C:.*]] = circle.const dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00]]]]> : tensor<1x1x1x3xf32>
// CHECK-NEXT:    %[[M:.*]] = circle.mul %{{.*}}, %[[C]] : (tensor<1x2x2x3xf32>, tensor<1x1x1x3xf32>) -> tensor<1x2x2x3xf32>
// CHECK-NEXT:    func.return %[[M]]
func.func @binary_const(%x: tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32> {
  %p = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
  %t = circle.transpose %x, %p : (tensor<1x2x2x3xf32>, tensor<4xi32>) -> tensor<1x3x2x2xf32>
  %c = circle.const dense<[[[1.0]], [[2.0]], [[3.0]]]> : tensor<3x1x1xf32>
  %m = circle.mul %t, %c : (tensor<1x3x2x2xf32>, tensor<3x1x1xf32>) -> tensor<1x3x2x2xf32>
  %p2 = circle.const dense<[0, 2, 3, 1]> : tensor<4xi32>
  %t2 = circle.transpose %m, %p2 : (tensor<1x3x2x2xf32>, tensor<4xi32>) -> tensor<1x2x2x3xf32>
  func.return %t2 : tensor<1x2x2x3xf32>
}

// -----

// A mean over NCHW's H and W of a transposed NHWC tensor is a mean over axes 1 and 2;
// the flattening reshape then needs no transpose at all.
// CHECK-LABEL: func.func @mean_flatten(
// CHECK-NEXT:    %[[A:.*]] = circle.const dense<[1, 2]> : tensor<2xi32>
// CHECK-NEXT:    %[[M:.*]] = circle.mean %{{.*}}, %[[A]] {keep_dims = true} : (tensor<1x4x4x8xf32>, tensor<2xi32>) -> tensor<1x1x1x8xf32>
// CHECK-NOT:     circle.transpose
// CHECK:         circle.reshape %[[M]], %{{.*}} : (tensor<1x1x1x8xf32>, tensor<2xi32>) -> tensor<1x8xf32>
func.func @mean_flatten(%x: tensor<1x4x4x8xf32>) -> tensor<1x8xf32> {
  %p = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
  %t = circle.transpose %x, %p : (tensor<1x4x4x8xf32>, tensor<4xi32>) -> tensor<1x8x4x4xf32>
  %a = circle.const dense<[2, 3]> : tensor<2xi32>
  %m = circle.mean %t, %a {keep_dims = true} : (tensor<1x8x4x4xf32>, tensor<2xi32>) -> tensor<1x8x1x1xf32>
  %s = circle.const dense<[1, 8]> : tensor<2xi32>
  %f = circle.reshape %m, %s : (tensor<1x8x1x1xf32>, tensor<2xi32>) -> tensor<1x8xf32>
  func.return %f : tensor<1x8xf32>
}

// -----

// A transpose of a (dequantized) constant is folded; the per-axis dimension follows.
// CHECK-LABEL: func.func @fold_const(
// CHECK-NEXT:    %[[W:.*]] = quant.constant dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:0, {0.1,0.2,0.3}>>
// CHECK-NEXT:    %[[D:.*]] = quant.dcast %[[W]]
// CHECK-NEXT:    func.return %[[D]]
func.func @fold_const() -> tensor<3x2xf32> {
  %w = quant.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:1, {0.1,0.2,0.3}>>
  %d = quant.dcast %w : tensor<2x3x!quant.uniform<i8:f32:1, {0.1,0.2,0.3}>> to tensor<2x3xf32>
  %p = circle.const dense<[1, 0]> : tensor<2xi32>
  %t = circle.transpose %d, %p : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<3x2xf32>
  func.return %t : tensor<3x2xf32>
}

// -----

// Negative: a transpose feeding a layout-sensitive op (and the function result) stays.
// CHECK-LABEL: func.func @keep(
// CHECK:         %[[T:.*]] = circle.transpose
// CHECK-NEXT:    circle.softmax %[[T]]
func.func @keep(%x: tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32> {
  %p = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
  %t = circle.transpose %x, %p : (tensor<1x4x4x8xf32>, tensor<4xi32>) -> tensor<1x8x4x4xf32>
  %s = circle.softmax %t : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  func.return %s : tensor<1x8x4x4xf32>
}
