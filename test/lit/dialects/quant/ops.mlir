// RUN: QOPT_ROUNDTRIP
// RUN: QOPT_GENERIC_ROUNDTRIP

// CHECK-LABEL: func.func @casts(
func.func @casts(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: %[[Q:.*]] = quant.qcast %{{.*}} : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.1:128>>
  // GENERIC: "quant.qcast"(%{{.*}}) : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.1:128>>
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.1:128>>
  // CHECK-NEXT: %{{.*}} = quant.scast %[[Q]] : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xui8>
  // GENERIC: "quant.scast"
  %s = quant.scast %q : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xui8>
  // CHECK-NEXT: %{{.*}} = quant.scast %{{.*}} : tensor<4xui8> to tensor<4x!quant.uniform<u8:f32, 0.1:128>>
  %q2 = quant.scast %s : tensor<4xui8> to tensor<4x!quant.uniform<u8:f32, 0.1:128>>
  // CHECK-NEXT: %{{.*}} = quant.dcast %{{.*}} : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xf32>
  // GENERIC: "quant.dcast"
  %f = quant.dcast %q2 : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xf32>
  func.return %f : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @constants(
func.func @constants() -> (tensor<2x3xf32>, tensor<3xf32>) {
  // CHECK-NEXT: quant.constant dense<{{\[}}[1, -2, 127], [0, 5, -127]]> : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.1,0.2,0.3}>>
  // GENERIC: "quant.constant"() <{value = dense<{{\[}}[1, -2, 127], [0, 5, -127]]> : tensor<2x3xi8>}> : () -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.1,0.2,0.3}>>
  %w = quant.constant dense<[[1, -2, 127], [0, 5, -127]]> : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.1,0.2,0.3}>>
  // CHECK-NEXT: quant.constant dense<[0, 255, 7]> : tensor<3xui8> to tensor<3x!quant.uniform<u8:f32, 0.5:7>>
  %u = quant.constant dense<[0, 255, 7]> : tensor<3xui8> to tensor<3x!quant.uniform<u8:f32, 0.5:7>>
  // CHECK-NEXT: quant.constant dense<[1000, -7]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.0e-05,2.0e-05}>>
  %b = quant.constant dense<[1000, -7]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.0e-05,2.0e-05}>>
  %wf = quant.dcast %w : tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.1,0.2,0.3}>> to tensor<2x3xf32>
  %uf = quant.dcast %u : tensor<3x!quant.uniform<u8:f32, 0.5:7>> to tensor<3xf32>
  func.return %wf, %uf : tensor<2x3xf32>, tensor<3xf32>
}
