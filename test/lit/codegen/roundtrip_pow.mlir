// POW (PowOptions, no fields) through a .circle and a .tflite file and back, between the
// DEQUANTIZE and QUANTIZE an allow-float model has; the exponent broadcasts.
// RUN: qopt %s -t circle | qopt | filecheck %s
// RUN: qopt %s -t tflite | qopt | filecheck %s

// CHECK-LABEL: func.func @net(
// CHECK-NEXT:    %[[D:[^ ]+]] = circle.dequantize %{{[^ ]+}} : (tensor<2x3x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<2x3xf32>
// CHECK-NEXT:    %[[P:[^ ]+]] = circle.pow %[[D]], %{{[^ ]+}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %[[Q:[^ ]+]] = circle.quantize %[[P]] : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32, 0.25:-1>>
// CHECK-NEXT:    func.return %[[Q]]
func.func @net(%x: tensor<2x3x!quant.uniform<i8:f32, 0.5:3>>, %y: tensor<3xf32>) -> tensor<2x3x!quant.uniform<i8:f32, 0.25:-1>> {
  %d = circle.dequantize %x : (tensor<2x3x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<2x3xf32>
  %p = circle.pow %d, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %q = circle.quantize %p : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32, 0.25:-1>>
  func.return %q : tensor<2x3x!quant.uniform<i8:f32, 0.25:-1>>
}
