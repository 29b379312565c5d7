// qrun --compare: the same model in the interpreter, read back from .tflite, in LiteRT.
// RUN: qopt %s -t tflite -o %t.tflite
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.linspace(-2, 2, 8).astype(np.float32))"
// RUN: qrun %s --input %t.npy --compare %t.tflite | filecheck %s
// RUN: qrun %s --input %t.npy --compare %t.tflite --runtime litert | filecheck %s
// RUN: qrun %s --input %t.npy --compare %S/Inputs/relu_clamped.mlir | filecheck %s --check-prefix=DIFF

func.func @main(%x: tensor<8x!quant.uniform<i8:f32, 0.25:-3>>) -> tensor<8x!quant.uniform<i8:f32, 0.125:-128>> {
  %y = circle.relu %x : (tensor<8x!quant.uniform<i8:f32, 0.25:-3>>) -> tensor<8x!quant.uniform<i8:f32, 0.125:-128>>
  func.return %y : tensor<8x!quant.uniform<i8:f32, 0.125:-128>>
}

// CHECK:      tensor                       shape            max|err|     max LSB  exact %  SQNR dB
// CHECK-NEXT: output #0                    [8]              0            0        100.00   inf

// The other model clamps at 6 * 0.125 = 0.75. Quantized to steps of 0.25 the inputs
// above 0.75 are 1.5 and 2.0 (0.857 rounds to 0.75): 2 of 8 elements differ, by up to
// 2.0 - 0.75 = 1.25 (10 output steps of 0.125).
// DIFF:      output #0                    [8]              1.25         10       75.00    5.10
