// Element-wise math and norm legalizations: aten.elu -> circle.elu (arguments
// Circle's ELU cannot express are refused with a located error); a standalone batch norm.
// RUN: qopt %s --split-input-file -p convert-aten-to-circle | filecheck %s
// RUN: not qopt %S/Inputs/elu_alpha.mlir -p convert-aten-to-circle 2>&1 | filecheck %s --check-prefix=ALPHA

// CHECK-LABEL: func.func @elu(
// CHECK-NEXT:    %[[Y:.*]] = circle.elu %{{.*}} : (tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK-NEXT:    func.return %[[Y]]
func.func @elu(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %y = aten.elu %x {alpha = 1.0 : f64, scale = 1.0 : f64, input_scale = 1.0 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  func.return %y : tensor<1x8xf32>
}

// ALPHA-NOT: Traceback
// ALPHA: {{^}}qopt: error: {{.*}}elu_alpha.mlir:2:3: aten.elu: elu with alpha/scale other than 1 has no Circle lowering

// -----

// A standalone inference batch norm is one 1x1 DEPTHWISE_CONV_2D (weights gamma/sqrt(var+eps),
// bias beta - mean * that) on the NHWC input: one op, whose output PT2E calibrated.
// CHECK-LABEL: func.func @batch_norm(
// CHECK-NEXT:    %[[P:.*]] = circle.const dense<[0, 2, 3, 1]> : tensor<4xi32>
// CHECK-NEXT:    %[[X:.*]] = circle.transpose %{{.*}}, %[[P]] : (tensor<1x2x3x3xf32>, tensor<4xi32>) -> tensor<1x3x3x2xf32>
// CHECK-NEXT:    %[[W:.*]] = circle.const dense<{{\[\[\[\[}}5.000000e-01, 2.000000e+00]]]]> : tensor<1x1x1x2xf32>
// CHECK-NEXT:    %[[B:.*]] = circle.const dense<[1.000000e+00, -3.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %[[C:.*]] = circle.depthwise_conv_2d %[[X]], %[[W]], %[[B]] : (tensor<1x3x3x2xf32>, tensor<1x1x1x2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
// CHECK-NEXT:    %[[Q:.*]] = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
// CHECK-NEXT:    %[[Y:.*]] = circle.transpose %[[C]], %[[Q]]
// CHECK-NEXT:    func.return %[[Y]]
func.func @batch_norm(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %g = circle.const dense<[1.0, 4.0]> : tensor<2xf32>
  %b = circle.const dense<[2.0, 1.0]> : tensor<2xf32>
  %m = circle.const dense<[2.0, 2.0]> : tensor<2xf32>
  %v = circle.const dense<[4.0, 4.0]> : tensor<2xf32>
  %y = aten.batch_norm %x, %g, %b, %m, %v {training = false, momentum = 0.1 : f64, eps = 0.0 : f64, cudnn_enabled = false} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  func.return %y : tensor<1x2x3x3xf32>
}

// -----

// BatchNorm1d on [N, C]: viewed as [N, 1, 1, C] for the depthwise conv.
// CHECK-LABEL: func.func @batch_norm_1d(
// CHECK-NEXT:    %[[W:.*]] = circle.const {{.*}} : tensor<1x1x1x2xf32>
// CHECK-NEXT:    %[[B:.*]] = circle.const {{.*}} : tensor<2xf32>
// CHECK-NEXT:    %[[S:.*]] = circle.const dense<[4, 1, 1, 2]> : tensor<4xi32>
// CHECK-NEXT:    %[[X:.*]] = circle.reshape %{{.*}}, %[[S]] : (tensor<4x2xf32>, tensor<4xi32>) -> tensor<4x1x1x2xf32>
// CHECK-NEXT:    %[[C:.*]] = circle.depthwise_conv_2d %[[X]], %[[W]], %[[B]] : (tensor<4x1x1x2xf32>, tensor<1x1x1x2xf32>, tensor<2xf32>) -> tensor<4x1x1x2xf32>
// CHECK-NEXT:    %[[T:.*]] = circle.const dense<[4, 2]> : tensor<2xi32>
// CHECK-NEXT:    %[[Y:.*]] = circle.reshape %[[C]], %[[T]] : (tensor<4x1x1x2xf32>, tensor<2xi32>) -> tensor<4x2xf32>
// CHECK-NEXT:    func.return %[[Y]]
func.func @batch_norm_1d(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %s = circle.const dense<[1.0, 2.0]> : tensor<2xf32>
  %y = aten.batch_norm %x, %s, %s, %s, %s {training = false, momentum = 0.1 : f64, eps = 1.0e-05 : f64, cudnn_enabled = false} : (tensor<4x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  func.return %y : tensor<4x2xf32>
}

// -----

// aten.erf (ONNX Erf; Circle has no ERF) is Eigen's float rational approximation:
// x clamped to [-4, 4], x * P(x^2) / Q(x^2) by Horner steps (P: 7 coefficients, Q: 5).
// CHECK-LABEL: func.func @erf(
// CHECK-NEXT:    %[[FOUR:.*]] = circle.const dense<4.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[LO:.*]] = circle.minimum %{{.*}}, %[[FOUR]] : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
// CHECK-NEXT:    %[[MFOUR:.*]] = circle.const dense<-4.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[C:.*]] = circle.maximum %[[LO]], %[[MFOUR]]
// CHECK-NEXT:    %[[X2:.*]] = circle.mul %[[C]], %[[C]]
// CHECK-NEXT:    %[[A13:.*]] = circle.const dense<-2.72614237e-10> : tensor<f32>
// CHECK-NEXT:    %{{.*}} = circle.mul %[[X2]], %[[A13]]
// CHECK-COUNT-5: circle.mul %[[X2]], %{{.*}} : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK:         %[[A1:.*]] = circle.const dense<-0.0160960332> : tensor<f32>
// CHECK-NEXT:    %[[PA:.*]] = circle.add %{{.*}}, %[[A1]]
// CHECK-NEXT:    %[[P:.*]] = circle.mul %[[C]], %[[PA]]
// CHECK-NEXT:    %[[B8:.*]] = circle.const dense<-1.45660715e-05> : tensor<f32>
// CHECK-NEXT:    %{{.*}} = circle.mul %[[X2]], %[[B8]]
// CHECK:         %[[B0:.*]] = circle.const dense<-0.0142647391> : tensor<f32>
// CHECK-NEXT:    %[[Q:.*]] = circle.add %{{.*}}, %[[B0]]
// CHECK-NEXT:    %[[Y:.*]] = circle.div %[[P]], %[[Q]] : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK-NEXT:    func.return %[[Y]]
func.func @erf(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %y = aten.erf %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  func.return %y : tensor<1x8xf32>
}
