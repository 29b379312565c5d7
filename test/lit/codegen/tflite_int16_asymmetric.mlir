// int16 activations must be symmetric for TFLite's 16x8 kernels (onert refuses int16
// CONV_2D/FULLY_CONNECTED altogether).
// RUN: not qopt %s -t tflite -o %t.tflite 2>&1 | filecheck %s

func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i16:f32, 0.5:3>> {
  %q = circle.quantize %x : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i16:f32, 0.5:3>> loc("x_q16")
  func.return %q : tensor<1x4x!quant.uniform<i16:f32, 0.5:3>>
}

// CHECK: qopt: error: 'x_q16': circle.quantize: result #0: int16 quantization must be symmetric (zero point 0) for TFLite's 16x8 kernels
