// Round trip of the element-wise math ops: circle.elu, float and int8.
// RUN: QOPT_ROUNDTRIP
// RUN: QOPT_GENERIC_ROUNDTRIP

// CHECK-LABEL: func.func @elu(
// CHECK-NEXT: %[[F:[^ ,]+]] = circle.elu %{{.*}} : (tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK-NEXT: %[[Q:[^ ,]+]] = circle.elu %{{.*}} : (tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.02:-80>>
// GENERIC: "circle.elu"(%{{.*}}) : (tensor<1x8xf32>) -> tensor<1x8xf32>
// GENERIC: "circle.elu"(%{{.*}}) : (tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.02:-80>>
func.func @elu(%x: tensor<1x8xf32>, %q: tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>) {
  %y = circle.elu %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %z = circle.elu %q : (tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.02:-80>>
  func.return
}
