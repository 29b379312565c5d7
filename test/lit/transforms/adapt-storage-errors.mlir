// RUN: not qopt %s -p 'adapt-storage{scheme=uint8}' 2>&1 | filecheck %s --check-prefix=ERR
// RUN: qopt %s -p 'adapt-storage{scheme=uint8 requantize=true}' | filecheck %s --check-prefix=RQ
// RUN: qopt %s -p 'adapt-storage{scheme=int8}' | filecheck %s --check-prefix=I8

// Per-channel FULLY_CONNECTED weights cannot go to onert's uint8 exactly: refused with
// the reason, or requantized per tensor (asymmetric u8 from the weights' real range).
// ERR: 1 tensor(s) of the program cannot be held exactly by the uint8 scheme
// ERR: m.py:5: 'linear': w: i8 per-channel(2) zp 0 -> u8 per-tensor: per-channel FULLY_CONNECTED weights: onert applies channel 0's scale
// RQ: quant.constant {{.*}} to tensor<2x4x!quant.uniform<u8:f32, {{.*}}>>
// I8: tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.02}>>
func.func @fc(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<u8:f32, 0.1:64>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<u8:f32, 0.1:64>> to tensor<1x4xf32>
  %w = quant.constant dense<[[1, -5, 0, 127], [2, 3, 4, 5]]> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32:0, {0.01,0.02}>> loc("w"("m.py":3:0))
  %wd = quant.dcast %w : tensor<2x4x!quant.uniform<i8:f32:0, {0.01,0.02}>> to tensor<2x4xf32>
  %n = aten.none : none
  %y = aten.linear %d, %wd, %n : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32> loc("linear"("m.py":5:0))
  func.return %y : tensor<1x2xf32>
}
