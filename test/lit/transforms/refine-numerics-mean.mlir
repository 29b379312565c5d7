// RUN: qopt %s --split-input-file -p refine-numerics | filecheck %s

// ConvNeXt int8's layer-norm MEAN over 48 channels: a FULLY_CONNECTED with one row of
// 127s at scale 1/(127*48) (the exact mean's weights, per channel as the int8 scheme
// has every weight), a zero bias at float32(s_in * s_w), keeping the dims.
// CHECK-LABEL: func.func @layer_norm_mean(
// CHECK:         %[[W:.*]] = circle.const dense<127> : tensor<1x48xi8> to tensor<1x48x!quant.uniform<i8<-127:127>:f32:0, {0.00016404199413955212}>>
// CHECK-NEXT:    %[[B:.*]] = circle.const dense<0> : tensor<1xi32> to tensor<1x!quant.uniform<i32:f32:0, {3.366141754668206e-06}>>
// CHECK-NEXT:    %[[Y:.*]] = circle.fully_connected %[[X:.*]], %[[W]], %[[B]] {keep_num_dims = true} : {{.*}} -> tensor<1x64x1x!quant.uniform<i8:f32, 0.004233:-12>>
// CHECK-NEXT:    func.return %[[Y]]
// CHECK-NOT:     circle.mean
func.func @layer_norm_mean(%x: tensor<1x64x48x!quant.uniform<i8:f32, 0.02052:9>>) -> tensor<1x64x1x!quant.uniform<i8:f32, 0.004233:-12>> {
  %a = circle.const dense<[2]> : tensor<1xi32>
  %m = circle.mean %x, %a {keep_dims = true} : (tensor<1x64x48x!quant.uniform<i8:f32, 0.02052:9>>, tensor<1xi32>) -> tensor<1x64x1x!quant.uniform<i8:f32, 0.004233:-12>>
  func.return %m : tensor<1x64x1x!quant.uniform<i8:f32, 0.004233:-12>>
}

// -----

// Not the last axis (global average pooling over H, W), and uint8 (onert's MEAN rounds
// once already): left alone.
// CHECK-LABEL: func.func @others(
// CHECK:         circle.mean
// CHECK:         circle.mean
// CHECK-NOT:     circle.fully_connected
func.func @others(%x: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.02:3>>, %u: tensor<1x8x16x!quant.uniform<u8:f32, 0.02:128>>) -> (tensor<1x1x1x8x!quant.uniform<i8:f32, 0.01:-5>>, tensor<1x8x1x!quant.uniform<u8:f32, 0.01:128>>) {
  %hw = circle.const dense<[1, 2]> : tensor<2xi32>
  %a = circle.mean %x, %hw {keep_dims = true} : (tensor<1x4x4x8x!quant.uniform<i8:f32, 0.02:3>>, tensor<2xi32>) -> tensor<1x1x1x8x!quant.uniform<i8:f32, 0.01:-5>>
  %last = circle.const dense<[2]> : tensor<1xi32>
  %b = circle.mean %u, %last {keep_dims = true} : (tensor<1x8x16x!quant.uniform<u8:f32, 0.02:128>>, tensor<1xi32>) -> tensor<1x8x1x!quant.uniform<u8:f32, 0.01:128>>
  func.return %a, %b : tensor<1x1x1x8x!quant.uniform<i8:f32, 0.01:-5>>, tensor<1x8x1x!quant.uniform<u8:f32, 0.01:128>>
}
