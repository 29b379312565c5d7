// RUN: qopt %s --split-input-file -p 'refine-numerics{target=litert}' | filecheck %s
// RUN: qopt %s --split-input-file -p 'refine-numerics{target=onert}' | filecheck %s --check-prefix=ONERT
// RUN: qopt %s --split-input-file -p refine-numerics | filecheck %s --check-prefix=ONERT

// For LiteRT, a uint8 1x1 CONV_2D with stride 1 (per-tensor weights with a zero point, a
// fused RELU) becomes a FULLY_CONNECTED over the channels keeping the dims: the filter's
// stored integers as [O, I] weights with the same parameters, the same bias and
// activation. The convolution rounds its rescale twice, LiteRT's FULLY_CONNECTED once.
// onert rounds its FULLY_CONNECTED twice too: the convolution stays.
// CHECK-LABEL: func.func @conv1x1(
// CHECK-SAME:    %[[X:[^:]*]]:
// CHECK:         %[[B:.*]] = circle.const dense<[5, -7]> : tensor<2xi32>
// CHECK-NEXT:    %[[W:.*]] = circle.const dense<{{\[\[}}1, 2, 3], [4, 5, 6]]> : tensor<2x3xui8> to tensor<2x3x!quant.uniform<u8:f32, 0.02:125>>
// CHECK-NEXT:    %[[Y:.*]] = circle.fully_connected %[[X]], %[[W]], %[[B]] {keep_num_dims = true, fused_activation_function = "RELU"} : (tensor<1x4x4x3x!quant.uniform<u8:f32, 0.0167>>, tensor<2x3x!quant.uniform<u8:f32, 0.02:125>>, tensor<2x!quant.uniform<i32:f32, 0.000334>>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.0172>>
// CHECK-NEXT:    func.return %[[Y]]
// CHECK-NOT:     circle.conv_2d
// ONERT-LABEL: func.func @conv1x1(
// ONERT:         circle.conv_2d
// ONERT-NOT:     circle.fully_connected
func.func @conv1x1(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.0167>>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.0172>> {
  %w = circle.const dense<[[[[1, 2, 3]]], [[[4, 5, 6]]]]> : tensor<2x1x1x3xui8> to tensor<2x1x1x3x!quant.uniform<u8:f32, 0.02:125>>
  %b = circle.const dense<[5, -7]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 0.000334>>
  %y = circle.conv_2d %x, %w, %b {fused_activation_function = "RELU"} : (tensor<1x4x4x3x!quant.uniform<u8:f32, 0.0167>>, tensor<2x1x1x3x!quant.uniform<u8:f32, 0.02:125>>, tensor<2x!quant.uniform<i32:f32, 0.000334>>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.0172>>
  func.return %y : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.0172>>
}

// -----

// Left alone: a strided 1x1 CONV_2D, a 3x3 one, a grouped 1x1 one, int16 (16x8), and a
// float one.
// CHECK-LABEL: func.func @others(
// CHECK-COUNT-5: circle.conv_2d
// CHECK-NOT:     circle.fully_connected
func.func @others(%x: tensor<1x4x4x4x!quant.uniform<i8:f32, 0.02:-128>>, %h: tensor<1x4x4x4x!quant.uniform<i16:f32, 0.001>>, %f: tensor<1x4x4x4xf32>) -> (tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-128>>, tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-128>>, tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-128>>, tensor<1x4x4x2x!quant.uniform<i16:f32, 0.002>>, tensor<1x4x4x2xf32>) {
  %w = circle.const dense<1> : tensor<2x1x1x4xi8> to tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.02}>>
  %b = circle.const dense<0> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.0002,0.0004}>>
  %s = circle.conv_2d %x, %w, %b {stride_h = 2 : i32, stride_w = 2 : i32} : (tensor<1x4x4x4x!quant.uniform<i8:f32, 0.02:-128>>, tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.02}>>, tensor<2x!quant.uniform<i32:f32:0, {0.0002,0.0004}>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-128>>
  %w3 = circle.const dense<1> : tensor<2x3x3x4xi8> to tensor<2x3x3x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.02}>>
  %k = circle.conv_2d %x, %w3, %b : (tensor<1x4x4x4x!quant.uniform<i8:f32, 0.02:-128>>, tensor<2x3x3x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.02}>>, tensor<2x!quant.uniform<i32:f32:0, {0.0002,0.0004}>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-128>>
  %wg = circle.const dense<1> : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.02}>>
  %g = circle.conv_2d %x, %wg, %b : (tensor<1x4x4x4x!quant.uniform<i8:f32, 0.02:-128>>, tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.02}>>, tensor<2x!quant.uniform<i32:f32:0, {0.0002,0.0004}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-128>>
  %b64 = circle.const dense<0> : tensor<2xi64> to tensor<2x!quant.uniform<i64:f32:0, {0.00001,0.00002}>>
  %i = circle.conv_2d %h, %w, %b64 : (tensor<1x4x4x4x!quant.uniform<i16:f32, 0.001>>, tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.02}>>, tensor<2x!quant.uniform<i64:f32:0, {0.00001,0.00002}>>) -> tensor<1x4x4x2x!quant.uniform<i16:f32, 0.002>>
  %wf = circle.const dense<1.0> : tensor<2x1x1x4xf32>
  %bf = circle.const dense<0.0> : tensor<2xf32>
  %v = circle.conv_2d %f, %wf, %bf : (tensor<1x4x4x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  func.return %s, %k, %g, %i, %v : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-128>>, tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-128>>, tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-128>>, tensor<1x4x4x2x!quant.uniform<i16:f32, 0.002>>, tensor<1x4x4x2xf32>
}
