// RUN: qopt %s --split-input-file -p 'adapt-storage{scheme=uint8}' | filecheck %s --check-prefix=U8
// RUN: qopt %s --split-input-file -p 'adapt-storage{scheme=int8}' | filecheck %s --check-prefix=I8

// XNNPACK-style int8 program (int8 activations, symmetric per-tensor weights, i32 bias).
// uint8: activations and weights move by +128; the scales and the bias stay.
// U8-LABEL: func.func @xnnpack
// U8:      quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<u8:f32, 0.1:125>>
// U8:      quant.constant dense<{{\[\[}}129, 1, 128, 255], [130, 131, 132, 133]]> : tensor<2x4xui8> to tensor<2x4x!quant.uniform<u8<1:255>:f32, 0.01:128>>
// U8:      quant.constant dense<[7, -7]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 0.001>>
// U8:      quant.qcast %{{.*}} : tensor<1x2xf32> to tensor<1x2x!quant.uniform<u8:f32, 0.2:138>>
// int8: activations already int8; the weight is made per-channel (same scale), its
// bias too (same integers); -127 is the smallest stored value, so narrowing is exact.
// I8-LABEL: func.func @xnnpack
// I8:      quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.1:-3>>
// I8:      quant.constant dense<{{\[\[}}1, -127, 0, 127], [2, 3, 4, 5]]> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.01}>>
// I8:      quant.constant dense<[7, -7]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.001,0.001}>>
func.func @xnnpack(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.1:-3>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<i8:f32, 0.1:-3>> to tensor<1x4xf32>
  %w = quant.constant dense<[[1, -127, 0, 127], [2, 3, 4, 5]]> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32, 0.01>>
  %wd = quant.dcast %w : tensor<2x4x!quant.uniform<i8<-127:127>:f32, 0.01>> to tensor<2x4xf32>
  %b = quant.constant dense<[7, -7]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 0.001>>
  %bd = quant.dcast %b : tensor<2x!quant.uniform<i32:f32, 0.001>> to tensor<2xf32>
  %y = aten.linear %d, %wd, %bd : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %yq = quant.qcast %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.2:10>>
  %yd = quant.dcast %yq : tensor<1x2x!quant.uniform<i8:f32, 0.2:10>> to tensor<1x2xf32>
  func.return %yd : tensor<1x2xf32>
}

// -----

// FX/X86-style: uint8 activations (fbgemm's reduce_range bounds move too); int8:
// activations move by -128.
// U8-LABEL: func.func @fbgemm
// U8:      quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<u8<0:127>:f32, 0.1:64>>
// I8-LABEL: func.func @fbgemm
// I8:      quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8<-128:-1>:f32, 0.1:-64>>
// I8:      quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8<-128:-1>:f32, 0.05:-128>>
func.func @fbgemm(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<u8<0:127>:f32, 0.1:64>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<u8<0:127>:f32, 0.1:64>> to tensor<1x4xf32>
  %y = aten.relu %d : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %yq = quant.qcast %y : tensor<1x4xf32> to tensor<1x4x!quant.uniform<u8<0:127>:f32, 0.05>>
  %yd = quant.dcast %yq : tensor<1x4x!quant.uniform<u8<0:127>:f32, 0.05>> to tensor<1x4xf32>
  func.return %yd : tensor<1x4xf32>
}
