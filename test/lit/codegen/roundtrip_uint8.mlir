// uint8 scheme (ONE's default): uint8 asymmetric activations, uint8 per-channel
// asymmetric conv weights, uint8 per-tensor FC weights, int32 bias, an absent FC bias
// (circle.no_value, tensor index -1), a reshape with its i32 shape constant, and
// uint8 model I/O. Round trip through .circle; .tflite refuses the per-channel uint8.
// RUN: qopt %s -t circle | qopt | filecheck %s
// RUN: not qopt %s -t tflite -o %t.tflite 2>&1 | filecheck %s --check-prefix=TFL
// RUN: not ls %t.tflite

func.func @main(%x: tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078125:128>>) -> tensor<1x3x!quant.uniform<u8:f32, 0.125:7>> {
  %w = circle.const dense<[[[[0, 255]]], [[[128, 3]]]]> : tensor<2x1x1x2xui8> to tensor<2x1x1x2x!quant.uniform<u8:f32:0, {0.5:127,0.25:130}>>
  %b = circle.const dense<[-1, 1]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.00390625,0.001953125}>>
  %c = circle.conv_2d %x, %w, %b {fused_activation_function = "RELU"} : (tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078125:128>>, tensor<2x1x1x2x!quant.uniform<u8:f32:0, {0.5:127,0.25:130}>>, tensor<2x!quant.uniform<i32:f32:0, {0.00390625,0.001953125}>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0625>>
  %s = circle.const dense<[1, 8]> : tensor<2xi32>
  %r = circle.reshape %c, %s : (tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0625>>, tensor<2xi32>) -> tensor<1x8x!quant.uniform<u8:f32, 0.0625>>
  %fw = circle.const dense<200> : tensor<3x8xui8> to tensor<3x8x!quant.uniform<u8:f32, 0.03125:128>>
  %none = circle.no_value : none
  %y = circle.fully_connected %r, %fw, %none {keep_num_dims = true} : (tensor<1x8x!quant.uniform<u8:f32, 0.0625>>, tensor<3x8x!quant.uniform<u8:f32, 0.03125:128>>, none) -> tensor<1x3x!quant.uniform<u8:f32, 0.125:7>>
  func.return %y : tensor<1x3x!quant.uniform<u8:f32, 0.125:7>>
}

// CHECK:      func.func @main(%{{.*}}: tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078125:128>>) -> tensor<1x3x!quant.uniform<u8:f32, 0.125:7>> {
// CHECK-NEXT:   %w = circle.const dense<{{\[}}{{\[}}{{\[}}[0, 255]]], {{\[}}{{\[}}[128, 3]]]]> : tensor<2x1x1x2xui8> to tensor<2x1x1x2x!quant.uniform<u8:f32:0, {0.5:127,0.25:130}>>
// CHECK-NEXT:   %b = circle.const dense<[-1, 1]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.00390625,0.001953125}>>
// CHECK-NEXT:   %c = circle.conv_2d %{{.*}}, %w, %b {fused_activation_function = "RELU"} : {{.*}} -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0625>>
// CHECK-NEXT:   %s = circle.const dense<[1, 8]> : tensor<2xi32>
// CHECK-NEXT:   %r = circle.reshape %c, %s : (tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0625>>, tensor<2xi32>) -> tensor<1x8x!quant.uniform<u8:f32, 0.0625>>
// CHECK-NEXT:   %fw = circle.const dense<200> : tensor<3x8xui8> to tensor<3x8x!quant.uniform<u8:f32, 0.03125:128>>
// CHECK-NEXT:   %[[NONE:.*]] = circle.no_value : none
// CHECK-NEXT:   %y = circle.fully_connected %r, %fw, %[[NONE]] {keep_num_dims = true} : (tensor<1x8x!quant.uniform<u8:f32, 0.0625>>, tensor<3x8x!quant.uniform<u8:f32, 0.03125:128>>, none) -> tensor<1x3x!quant.uniform<u8:f32, 0.125:7>>
// CHECK-NEXT:   func.return %y : tensor<1x3x!quant.uniform<u8:f32, 0.125:7>>

// TFL: qopt: error: {{.*}}roundtrip_uint8.mlir:12:{{[0-9]+}}: circle.conv_2d: operand #1: uint8 per-channel weights are not supported by TFLite kernels
