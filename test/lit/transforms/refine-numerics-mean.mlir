// RUN: qopt %s --split-input-file -p refine-numerics | filecheck %s

// ConvNeXt int8's layer-norm centering MEAN over 48 channels (its result is subtracted
// from its input): a FULLY_CONNECTED with one row of 127s at scale 1/(127*48) (the exact
// mean's weights, per channel as the int8 scheme has every weight), a zero bias at
// float32(s_in * s_w), keeping the dims; the SUB takes it.
// CHECK-LABEL: func.func @centering_mean(
// CHECK-SAME:    %[[X:[^:]*]]:
// CHECK:         %[[W:.*]] = circle.const dense<127> : tensor<1x48xi8> to tensor<1x48x!quant.uniform<i8<-127:127>:f32:0, {0.00016404199413955212}>>
// CHECK-NEXT:    %[[B:.*]] = circle.const dense<0> : tensor<1xi32> to tensor<1x!quant.uniform<i32:f32:0, {3.366141754668206e-06}>>
// CHECK-NEXT:    %[[M:.*]] = circle.fully_connected %[[X]], %[[W]], %[[B]] {keep_num_dims = true} : {{.*}} -> tensor<1x64x1x!quant.uniform<i8:f32, 0.004233:-12>>
// CHECK-NEXT:    %[[D:.*]] = circle.sub %[[X]], %[[M]]
// CHECK-NEXT:    func.return %[[D]]
// CHECK-NOT:     circle.mean
func.func @centering_mean(%x: tensor<1x64x48x!quant.uniform<i8:f32, 0.02052:9>>) -> tensor<1x64x48x!quant.uniform<i8:f32, 0.02:0>> {
  %a = circle.const dense<[2]> : tensor<1xi32>
  %m = circle.mean %x, %a {keep_dims = true} : (tensor<1x64x48x!quant.uniform<i8:f32, 0.02052:9>>, tensor<1xi32>) -> tensor<1x64x1x!quant.uniform<i8:f32, 0.004233:-12>>
  %d = circle.sub %x, %m {fused_activation_function = "NONE"} : (tensor<1x64x48x!quant.uniform<i8:f32, 0.02052:9>>, tensor<1x64x1x!quant.uniform<i8:f32, 0.004233:-12>>) -> tensor<1x64x48x!quant.uniform<i8:f32, 0.02:0>>
  func.return %d : tensor<1x64x48x!quant.uniform<i8:f32, 0.02:0>>
}

// -----

// A last-axis MEAN that centers nothing (a layer norm's variance, RMSNorm's mean square),
// a MEAN over H, W (global average pooling), and uint8 (onert's MEAN rounds once already):
// left alone.
// CHECK-LABEL: func.func @others(
// CHECK:         circle.mean
// CHECK:         circle.mean
// CHECK:         circle.mean
// CHECK-NOT:     circle.fully_connected
func.func @others(%x: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.02:3>>, %u: tensor<1x8x16x!quant.uniform<u8:f32, 0.02:128>>, %v: tensor<1x64x48x!quant.uniform<i8:f32, 0.02:-128>>) -> (tensor<1x1x1x8x!quant.uniform<i8:f32, 0.01:-5>>, tensor<1x8x1x!quant.uniform<u8:f32, 0.01:128>>, tensor<1x64x1x!quant.uniform<i8:f32, 0.002:-128>>) {
  %hw = circle.const dense<[1, 2]> : tensor<2xi32>
  %a = circle.mean %x, %hw {keep_dims = true} : (tensor<1x4x4x8x!quant.uniform<i8:f32, 0.02:3>>, tensor<2xi32>) -> tensor<1x1x1x8x!quant.uniform<i8:f32, 0.01:-5>>
  %last = circle.const dense<[2]> : tensor<1xi32>
  %b = circle.mean %u, %last {keep_dims = true} : (tensor<1x8x16x!quant.uniform<u8:f32, 0.02:128>>, tensor<1xi32>) -> tensor<1x8x1x!quant.uniform<u8:f32, 0.01:128>>
  %c = circle.mean %v, %last {keep_dims = true} : (tensor<1x64x48x!quant.uniform<i8:f32, 0.02:-128>>, tensor<1xi32>) -> tensor<1x64x1x!quant.uniform<i8:f32, 0.002:-128>>
  func.return %a, %b, %c : tensor<1x1x1x8x!quant.uniform<i8:f32, 0.01:-5>>, tensor<1x8x1x!quant.uniform<u8:f32, 0.01:128>>, tensor<1x64x1x!quant.uniform<i8:f32, 0.002:-128>>
}
