// The float-only ops through a .circle and a .tflite file and back: SIN, COS, ROUND
// (no options) and CONV_3D (Conv3DOptions: every field non-default, written and read
// back field by field), between the QUANTIZE/DEQUANTIZE an allow-float model has.
// RUN: qopt %s -t circle | qopt | filecheck %s
// RUN: qopt %s -t tflite | qopt | filecheck %s

// CHECK-LABEL: func.func @net(
// CHECK-NEXT:    %[[D:[^ ]+]] = circle.dequantize %{{[^ ]+}} : (tensor<1x4x6x6x2x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<1x4x6x6x2xf32>
// CHECK-NEXT:    %[[S:[^ ]+]] = circle.sin %[[D]] : (tensor<1x4x6x6x2xf32>) -> tensor<1x4x6x6x2xf32>
// CHECK-NEXT:    %[[C:[^ ]+]] = circle.cos %[[S]]
// CHECK-NEXT:    %[[R:[^ ]+]] = circle.round %[[C]]
// CHECK-NEXT:    %[[W:[^ ]+]] = circle.const dense<5.000000e-01> : tensor<3x3x3x2x3xf32>
// CHECK-NEXT:    %[[B:[^ ]+]] = circle.const dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK-NEXT:    %[[Y:[^ ]+]] = circle.conv_3d %[[R]], %[[W]], %[[B]] {padding = "SAME", stride_d = 2 : i32, stride_w = 3 : i32, stride_h = 2 : i32, fused_activation_function = "RELU6", dilation_d_factor = 2 : i32, dilation_w_factor = 3 : i32, dilation_h_factor = 4 : i32} : (tensor<1x4x6x6x2xf32>, tensor<3x3x3x2x3xf32>, tensor<3xf32>) -> tensor<1x2x3x2x3xf32>
// CHECK-NEXT:    %[[Q:[^ ]+]] = circle.quantize %[[Y]] : (tensor<1x2x3x2x3xf32>) -> tensor<1x2x3x2x3x!quant.uniform<i8:f32, 0.25:-1>>
// CHECK-NEXT:    func.return %[[Q]]
func.func @net(%x: tensor<1x4x6x6x2x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<1x2x3x2x3x!quant.uniform<i8:f32, 0.25:-1>> {
  %d = circle.dequantize %x : (tensor<1x4x6x6x2x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<1x4x6x6x2xf32>
  %s = circle.sin %d : (tensor<1x4x6x6x2xf32>) -> tensor<1x4x6x6x2xf32>
  %c = circle.cos %s : (tensor<1x4x6x6x2xf32>) -> tensor<1x4x6x6x2xf32>
  %r = circle.round %c : (tensor<1x4x6x6x2xf32>) -> tensor<1x4x6x6x2xf32>
  %w = circle.const dense<0.5> : tensor<3x3x3x2x3xf32>
  %b = circle.const dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %y = circle.conv_3d %r, %w, %b {padding = "SAME", stride_d = 2 : i32, stride_w = 3 : i32, stride_h = 2 : i32, fused_activation_function = "RELU6", dilation_d_factor = 2 : i32, dilation_w_factor = 3 : i32, dilation_h_factor = 4 : i32} : (tensor<1x4x6x6x2xf32>, tensor<3x3x3x2x3xf32>, tensor<3xf32>) -> tensor<1x2x3x2x3xf32>
  %q = circle.quantize %y : (tensor<1x2x3x2x3xf32>) -> tensor<1x2x3x2x3x!quant.uniform<i8:f32, 0.25:-1>>
  func.return %q : tensor<1x2x3x2x3x!quant.uniform<i8:f32, 0.25:-1>>
}
