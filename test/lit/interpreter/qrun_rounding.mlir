// The two quantizers round ties differently, and qrun shows it: quant.qcast is torch's
// (multiply by 1/scale, ties to even), circle.quantize is TFLite's (divide, ties away).
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([0.25, -0.25, 0.75, 1.25, -0.75, 100.0, -100.0, 0.0], np.float32))"
// RUN: qrun %s --input %t.npy --full | filecheck %s

func.func @main(%x: tensor<8xf32>) -> (tensor<8x!quant.uniform<i8:f32, 0.5:-1>>, tensor<8x!quant.uniform<i8:f32, 0.5:-1>>) {
  %torch = quant.qcast %x : tensor<8xf32> to tensor<8x!quant.uniform<i8:f32, 0.5:-1>>
  %tflite = circle.quantize %x : (tensor<8xf32>) -> tensor<8x!quant.uniform<i8:f32, 0.5:-1>>
  func.return %torch, %tflite : tensor<8x!quant.uniform<i8:f32, 0.5:-1>>, tensor<8x!quant.uniform<i8:f32, 0.5:-1>>
}

// x / 0.5 = 0.5, -0.5, 1.5, 2.5, -1.5, 200 (saturates), -200 (saturates), 0
// CHECK:      output #0: tensor<8x!quant.uniform<i8:f32, 0.5:-1>>
// CHECK-NEXT:   shape [8] dtype int8 min -128 max 127
// CHECK-NEXT:   [  -1   -1    1    1   -3  127 -128   -1]
// CHECK:      output #1: tensor<8x!quant.uniform<i8:f32, 0.5:-1>>
// CHECK-NEXT:   shape [8] dtype int8 min -128 max 127
// CHECK-NEXT:   [   0   -2    1    2   -3  127 -128   -1]
