// qrun runs .tflite and .circle flatbuffers too (read back into the circle dialect).
// RUN: qopt %s -t tflite -o %t.tflite
// RUN: qopt %s -t circle -o %t.circle
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[10, 20, 30, 40]], np.uint8))"
// RUN: qrun %t.tflite --input %t.npy | filecheck %s
// RUN: qrun %t.circle --input %t.npy | filecheck %s
// RUN: qrun %s --input %t.npy | filecheck %s

func.func @main(%x: tensor<1x4x!quant.uniform<u8:f32, 0.125:10>>) -> tensor<1x2x!quant.uniform<u8:f32, 0.25:5>> {
  %w = circle.const dense<[[130, 128, 130, 128], [128, 129, 128, 129]]> : tensor<2x4xui8> to tensor<2x4x!quant.uniform<u8:f32, 0.5:128>>
  %b = circle.const dense<[2, -46]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 0.0625>>
  %y = circle.fully_connected %x, %w, %b : (tensor<1x4x!quant.uniform<u8:f32, 0.125:10>>, tensor<2x4x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x!quant.uniform<i32:f32, 0.0625>>) -> tensor<1x2x!quant.uniform<u8:f32, 0.25:5>>
  func.return %y : tensor<1x2x!quant.uniform<u8:f32, 0.25:5>>
}

// x - 10 = [0, 10, 20, 30]; w - 128 = [[2, 0, 2, 0], [0, 1, 0, 1]]
// acc = [40 + 2, 40 - 46] = [42, -6]; * (0.125 * 0.5 / 0.25 = 0.25) = [10.5, -1.5]
// ties away from zero: [11, -2]; + 5 = [16, 3]
// CHECK:      output #0: tensor<1x2x!quant.uniform<u8:f32, 0.25:5>>
// CHECK-NEXT:   shape [1, 2] dtype uint8 min 3 max 16
// CHECK-NEXT:   {{\[\[}}16  3]]
