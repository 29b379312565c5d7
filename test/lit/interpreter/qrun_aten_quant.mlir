// The q/dq stage: aten ops run by torch between quant casts, on hand-checkable values.
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[-1.0, 0.3, 1.2, 2.6]], np.float32))"
// RUN: qrun %s --input %t.npy --full | filecheck %s

func.func @main(%x: tensor<1x4xf32>) -> (tensor<1x2xf32>, tensor<1x4xf32>) {
  %w = quant.constant dense<[[2, 0, -2, 1], [1, 1, 1, 1]]> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25}>>
  %wf = quant.dcast %w : tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25}>> to tensor<2x4xf32>
  %none = aten.none : none
  %xq = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<u8:f32, 0.5:2>>
  %xf = quant.dcast %xq : tensor<1x4x!quant.uniform<u8:f32, 0.5:2>> to tensor<1x4xf32>
  %y = aten.linear %xf, %wf, %none : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32>
  %r = aten.hardtanh %xf {min_val = 0.0 : f64, max_val = 1.0 : f64} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  func.return %y, %r : tensor<1x2xf32>, tensor<1x4xf32>
}

// x / 0.5 = -2, 0.6, 2.4, 5.2 -> rounded -2, 1, 2, 5 -> + zp 2 = 0, 3, 4, 7
// dequantized: -1.0, 0.5, 1.0, 2.5
// w = [[1, 0, -1, 0.5], [0.25, 0.25, 0.25, 0.25]]
// y = [-1 - 1 + 1.25, 0.25 * 3] = [-0.75, 0.75]; hardtanh(0, 1) = [0, 0.5, 1, 1]
// CHECK:      output #0: tensor<1x2xf32>
// CHECK-NEXT:   shape [1, 2] dtype float32 min -0.75 max 0.75
// CHECK-NEXT:   {{\[\[}}-0.75  0.75]]
// CHECK:      output #1: tensor<1x4xf32>
// CHECK-NEXT:   shape [1, 4] dtype float32 min 0 max 1
// CHECK-NEXT:   {{\[\[}}0.  0.5 1.  1. ]]
