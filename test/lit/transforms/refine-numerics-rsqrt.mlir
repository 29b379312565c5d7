// RUN: qopt %s --split-input-file -p refine-numerics | filecheck %s

// hf_gpt2 int16's layer-norm RSQRT: the table's estimate y0 refined by one Newton step,
// y = y0 * (1.5 - 0.5 * (x * y0) * y0), in the RSQRT's own output type. The scales of
// x*y0 (~sqrt(x)) and x*y0^2 (~1) are the table's exact maxima (+1 %).
// CHECK-LABEL: func.func @layer_norm_rsqrt(
// CHECK-NEXT:    %[[Y0:.*]] = circle.rsqrt %[[X:.*]] : {{.*}} -> tensor<1x16x1x!quant.uniform<i16:f32, 0.0014672459801658988>>
// CHECK-NEXT:    %[[T:.*]] = circle.mul %[[X]], %[[Y0]] : {{.*}} -> tensor<1x16x1x!quant.uniform<i16:f32, 5.449559692873862e-06>>
// CHECK-NEXT:    %[[U:.*]] = circle.mul %[[T]], %[[Y0]] : {{.*}} -> tensor<1x16x1x!quant.uniform<i16:f32, 3.102514141086115e-05>>
// CHECK-NEXT:    %[[H:.*]] = circle.const dense<-32767> : tensor<i16> to tensor<!quant.uniform<i16:f32, 1.5259254737998596e-05>>
// CHECK-NEXT:    %[[W:.*]] = circle.mul %[[U]], %[[H]]
// CHECK-NEXT:    %[[C:.*]] = circle.const dense<32767> : tensor<i16> to tensor<!quant.uniform<i16:f32, 4.577776421399579e-05>>
// CHECK-NEXT:    %[[V:.*]] = circle.add %[[W]], %[[C]]
// CHECK-NEXT:    %[[Y:.*]] = circle.mul %[[Y0]], %[[V]] : {{.*}} -> tensor<1x16x1x!quant.uniform<i16:f32, 0.0014672459801658988>>
// CHECK-NEXT:    func.return %[[Y]]
func.func @layer_norm_rsqrt(%v: tensor<1x16x1x!quant.uniform<i16:f32, 9.5367431640625e-07>>) -> tensor<1x16x1x!quant.uniform<i16:f32, 0.0014672459801658988>> {
  %r = circle.rsqrt %v : (tensor<1x16x1x!quant.uniform<i16:f32, 9.5367431640625e-07>>) -> tensor<1x16x1x!quant.uniform<i16:f32, 0.0014672459801658988>>
  func.return %r : tensor<1x16x1x!quant.uniform<i16:f32, 0.0014672459801658988>>
}

// -----

// int8 RSQRT is a Newton-iterated fixed-point kernel already: left alone.
// CHECK-LABEL: func.func @int8_rsqrt(
// CHECK-NEXT:    %[[Y:.*]] = circle.rsqrt
// CHECK-NEXT:    func.return %[[Y]]
func.func @int8_rsqrt(%v: tensor<4x!quant.uniform<i8:f32, 0.01:-128>>) -> tensor<4x!quant.uniform<i8:f32, 0.05:-128>> {
  %r = circle.rsqrt %v : (tensor<4x!quant.uniform<i8:f32, 0.01:-128>>) -> tensor<4x!quant.uniform<i8:f32, 0.05:-128>>
  func.return %r : tensor<4x!quant.uniform<i8:f32, 0.05:-128>>
}
