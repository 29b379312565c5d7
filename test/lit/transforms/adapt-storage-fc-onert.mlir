// RUN: qopt %s -p 'adapt-storage{scheme=uint8 target=onert}' | filecheck %s --check-prefix=KEEP
// RUN: qopt %s -p 'lower-to-circle{scheme=uint8 target=onert}' | filecheck %s --check-prefix=ONERT
// RUN: not qopt %s -p 'lower-to-circle{scheme=uint8}' 2>&1 | filecheck %s --check-prefix=ERR

// Per-channel uint8 FULLY_CONNECTED weights for onert: kept exactly (only moved to u8 by
// +128), since target-legalize for onert computes every uint8 FULLY_CONNECTED as a 1x1
// CONV_2D, which onert runs bit-exactly with per-channel weights. Without a target the
// file could reach onert as a per-channel FC (channel 0's scale for every channel):
// still refused (adapt-storage-errors.mlir has the --requantize path).
// KEEP: quant.constant dense<{{\[\[}}129, 123, 128, 255], [130, 131, 132, 133]]> : tensor<2x4xui8> to tensor<2x4x!quant.uniform<u8:f32:0, {0.01:128,0.02:128}>>
// KEEP: aten.linear
// ONERT-NOT: circle.fully_connected
// ONERT: circle.reshape {{.*}} -> tensor<1x1x1x4x!quant.uniform<u8:f32, 0.1:64>>
// ONERT: circle.const {{.*}} to tensor<2x1x1x4x!quant.uniform<u8:f32:0, {0.01:128,0.02:128}>>
// ONERT: circle.conv_2d {{.*}} -> tensor<1x1x1x2x!quant.uniform<u8:f32, 0.05:120>>
// ONERT-NOT: circle.fully_connected
// ERR: m.py:5: 'linear': w: i8 per-channel(2) zp 0 -> u8 per-tensor: per-channel FULLY_CONNECTED weights: onert applies channel 0's scale
func.func @fc(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<u8:f32, 0.1:64>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<u8:f32, 0.1:64>> to tensor<1x4xf32>
  %w = quant.constant dense<[[1, -5, 0, 127], [2, 3, 4, 5]]> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32:0, {0.01,0.02}>> loc("w"("m.py":3:0))
  %wd = quant.dcast %w : tensor<2x4x!quant.uniform<i8:f32:0, {0.01,0.02}>> to tensor<2x4xf32>
  %n = aten.none : none
  %y = aten.linear %d, %wd, %n : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32> loc("linear"("m.py":5:0))
  %yq = quant.qcast %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<u8:f32, 0.05:120>>
  %yd = quant.dcast %yq : tensor<1x2x!quant.uniform<u8:f32, 0.05:120>> to tensor<1x2xf32>
  func.return %yd : tensor<1x2xf32>
}
