// 16x8 scheme: int16 symmetric activations (zero point 0), int8 per-channel weights,
// int64 bias, int16 model I/O. Both formats round-trip.
// RUN: qopt %s -t circle | qopt | filecheck %s
// RUN: qopt %s -t tflite | qopt | filecheck %s

func.func @main(%x: tensor<2x4x!quant.uniform<i16:f32, 3.0517578125e-05>>) -> tensor<2x3x!quant.uniform<i16:f32, 0.0001220703125>> {
  %w = circle.const dense<[[1, 2, 3, 4], [-1, -2, -3, -4], [127, -127, 0, 5]]> : tensor<3x4xi8> to tensor<3x4x!quant.uniform<i8<-127:127>:f32:0, {0.0078125,0.015625,0.03125}>>
  %b = circle.const dense<[4294967296, -1, 0]> : tensor<3xi64> to tensor<3x!quant.uniform<i64:f32:0, {2.384185791015625e-07,4.76837158203125e-07,9.5367431640625e-07}>>
  %y = circle.fully_connected %x, %w, %b : (tensor<2x4x!quant.uniform<i16:f32, 3.0517578125e-05>>, tensor<3x4x!quant.uniform<i8<-127:127>:f32:0, {0.0078125,0.015625,0.03125}>>, tensor<3x!quant.uniform<i64:f32:0, {2.384185791015625e-07,4.76837158203125e-07,9.5367431640625e-07}>>) -> tensor<2x3x!quant.uniform<i16:f32, 0.0001220703125>>
  func.return %y : tensor<2x3x!quant.uniform<i16:f32, 0.0001220703125>>
}

// CHECK:      func.func @main(%x: tensor<2x4x!quant.uniform<i16:f32, 3.0517578125e-05>>) -> tensor<2x3x!quant.uniform<i16:f32, 0.0001220703125>> {
// CHECK-NEXT:   %w = circle.const dense<{{\[}}[1, 2, 3, 4], [-1, -2, -3, -4], [127, -127, 0, 5]]> : tensor<3x4xi8> to tensor<3x4x!quant.uniform<i8<-127:127>:f32:0, {0.0078125,0.015625,0.03125}>>
// CHECK-NEXT:   %b = circle.const dense<[4294967296, -1, 0]> : tensor<3xi64> to tensor<3x!quant.uniform<i64:f32:0, {2.384185791015625e-07,4.76837158203125e-07,9.5367431640625e-07}>>
// CHECK-NEXT:   %y = circle.fully_connected %x, %w, %b : {{.*}} -> tensor<2x3x!quant.uniform<i16:f32, 0.0001220703125>>
// CHECK-NEXT:   func.return %y
