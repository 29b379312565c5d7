// Integer circle kernels on hand-checkable values, printed raw and dequantized.
// RUN: %python -c "import numpy as np; np.save('%t.a.npy', np.array([1, 2, -1, 127, -128], np.int8)); np.save('%t.b.npy', np.array([0, 1, -2, 127, -128], np.int8))"
// RUN: qrun %s --input %t.a.npy --input %t.b.npy | filecheck %s
// RUN: qrun %s --input %t.a.npy --input %t.b.npy --dequantize | filecheck %s --check-prefix=REAL

func.func @main(%a: tensor<5x!quant.uniform<i8:f32, 0.5>>, %b: tensor<5x!quant.uniform<i8:f32, 0.5>>) -> tensor<5x!quant.uniform<i8:f32, 1.0>> {
  %s = circle.add %a, %b {fused_activation_function = "RELU"} : (tensor<5x!quant.uniform<i8:f32, 0.5>>, tensor<5x!quant.uniform<i8:f32, 0.5>>) -> tensor<5x!quant.uniform<i8:f32, 1.0>>
  func.return %s : tensor<5x!quant.uniform<i8:f32, 1.0>>
}

// Real sums 0.5, 1.5, -1.5, 127, -128: ties round away from zero, RELU clamps at 0.
// CHECK:      output #0: tensor<5x!quant.uniform<i8:f32, 1.0>>
// CHECK-NEXT:   shape [5] dtype int8 min 0 max 127
// CHECK-NEXT:   [  1   2   0 127   0]
// REAL:         [  1.   2.   0. 127.   0.]
