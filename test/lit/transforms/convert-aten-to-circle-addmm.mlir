// RUN: qopt %s --split-input-file --verify-diagnostics -p convert-aten-to-circle | filecheck %s

// addmm(b, x, w, beta, alpha): FULLY_CONNECTED with alpha folded into the weights' scales
// (same stored integers; alpha -0.5 on a symmetric weight: the integers negated, scales
// times 0.5) and beta into a float bias constant (quantize-bias quantizes it later).
// CHECK-LABEL: func.func @alpha_beta(
// CHECK-NEXT:    %[[B:.*]] = circle.const dense<[6.000000e-01, -1.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %[[WQ:.*]] = quant.constant dense<{{\[}}[-2, -6, -10], [4, 8, 12]]> : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {0.05000000074505806,0.10000000149011612}>>
// CHECK-NEXT:    %[[W:.*]] = quant.dcast %[[WQ]]
// CHECK-NEXT:    circle.fully_connected %{{.*}}, %[[W]], %[[B]] : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
func.func @alpha_beta(%x: tensor<4x3xf32>, %b: tensor<2xf32>) -> tensor<4x2xf32> {
  %wq = quant.constant dense<[[2, -4], [6, -8], [10, -12]]> : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2}>>
  %w = quant.dcast %wq : tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2}>> to tensor<3x2xf32>
  %bc = circle.const dense<[0.3, -0.5]> : tensor<2xf32>
  %r = aten.addmm %bc, %x, %w {beta = 2.0 : f64, alpha = -0.5 : f64} : (tensor<2xf32>, tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  func.return %r : tensor<4x2xf32>
}

// -----

// A negative alpha on an asymmetric (uint8) weight has no exact form.
func.func @negative_alpha_uint8(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %wq = quant.constant dense<[[2, 4], [6, 8], [10, 12]]> : tensor<3x2xui8> to tensor<3x2x!quant.uniform<u8:f32, 0.1:3>>
  %w = quant.dcast %wq : tensor<3x2x!quant.uniform<u8:f32, 0.1:3>> to tensor<3x2xf32>
  %bc = circle.const dense<[0.3, -0.5]> : tensor<2xf32>
  // expected-error @below {{aten.addmm: addmm with alpha=-0.5 and an asymmetric weight type}}
  %r = aten.addmm %bc, %x, %w {beta = 1 : i64, alpha = -0.5 : f64} : (tensor<2xf32>, tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  func.return %r : tensor<4x2xf32>
}
