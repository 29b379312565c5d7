// RUN: qopt %s --split-input-file -p fold-batch-norm | filecheck %s

// conv -> batch_norm with constant weights and statistics: one conv with folded
// weights W * a and bias (b - mean) * a + beta, a = gamma / sqrt(var + eps).
// Here a = [2, 0.5] (var + eps = 1/4 and 4), so W = [2, 0.5] and b = [2*(1-1)+3, 0.5*(2-0)-1].
// CHECK-LABEL: func.func @conv_bn(
// CHECK-NEXT:    %[[W:.*]] = circle.const dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}5.000000e-01]]]]> : tensor<2x1x1x1xf32>
// CHECK-NEXT:    %[[B:.*]] = circle.const dense<[3.000000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %[[Y:.*]] = aten.conv2d %{{.*}}, %[[W]], %[[B]]
// CHECK-NEXT:    func.return %[[Y]]
func.func @conv_bn(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = circle.const dense<1.0> : tensor<2x1x1x1xf32>
  %b = circle.const dense<[1.0, 2.0]> : tensor<2xf32>
  %c = aten.conv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %g = circle.const dense<[1.0, 1.0]> : tensor<2xf32>
  %beta = circle.const dense<[3.0, -1.0]> : tensor<2xf32>
  %m = circle.const dense<[1.0, 0.0]> : tensor<2xf32>
  %v = circle.const dense<[0.25, 4.0]> : tensor<2xf32>
  %y = aten.batch_norm %c, %g, %beta, %m, %v {training = false, momentum = 0.1 : f64, eps = 0.0 : f64, cudnn_enabled = false} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  func.return %y : tensor<1x2x2x2xf32>
}

// -----

// Negative: the conv's result has another user, so the batch norm stays.
// CHECK-LABEL: func.func @shared(
// CHECK:         aten.conv2d
// CHECK:         aten.batch_norm
func.func @shared(%x: tensor<1x1x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = circle.const dense<1.0> : tensor<2x1x1x1xf32>
  %n = aten.none : none
  %c = aten.conv2d %x, %w, %n {stride = array<i64: 1, 1>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, none) -> tensor<1x2x2x2xf32>
  %s = circle.const dense<[1.0, 1.0]> : tensor<2xf32>
  %y = aten.batch_norm %c, %s, %s, %s, %s {training = false, momentum = 0.1 : f64, eps = 1.0e-05 : f64, cudnn_enabled = false} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  func.return %y, %c : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
