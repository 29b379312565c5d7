// int8 scheme: int8 per-tensor activations, int8 per-channel narrow-range symmetric
// weights (OHWI axis 0, depthwise 1HWC axis 3), int32 bias, float I/O.
// Written as .circle and as .tflite, read back, printed: the module comes back unchanged.
// RUN: qopt %s -t circle | qopt | filecheck %s
// RUN: qopt %s -t tflite | qopt | filecheck %s
// RUN: qopt %s -t circle -o %t.circle && qopt %t.circle | filecheck %s
// RUN: qopt %t.circle -t tflite -o %t.tflite && qopt %t.tflite | filecheck %s
// RUN: qopt %s -t circle | qopt --print-debuginfo | filecheck %s --check-prefix=LOC

func.func @net(%x: tensor<1x4x4x2xf32> loc("x")) -> tensor<1x2x2x3xf32> {
  %q = circle.quantize %x : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.015625:-5>> loc("x_q")
  %w = circle.const dense<[[[[1, -127]]], [[[127, 0]]], [[[-3, 4]]]]> : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>> loc("conv_w")
  %b = circle.const dense<[7, -8, 9]> : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>> loc("conv_b")
  %c = circle.conv_2d %q, %w, %b {padding = "SAME", fused_activation_function = "RELU6", stride_w = 1 : i32} : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.015625:-5>>, tensor<3x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>>, tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>>) -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.03125:-128>> loc("conv")
  %dw = circle.const dense<[[[[1, 2, 3]]]]> : tensor<1x1x1x3xi8> to tensor<1x1x1x3x!quant.uniform<i8<-127:127>:f32:3, {0.5,0.25,0.125}>> loc("dw_w")
  %db = circle.const dense<[1, 2, 3]> : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32:0, {0.015625,0.0078125,0.00390625}>> loc("dw_b")
  %d = circle.depthwise_conv_2d %c, %dw, %db {padding = "VALID", depth_multiplier = 1 : i32} : (tensor<1x4x4x3x!quant.uniform<i8:f32, 0.03125:-128>>, tensor<1x1x1x3x!quant.uniform<i8<-127:127>:f32:3, {0.5,0.25,0.125}>>, tensor<3x!quant.uniform<i32:f32:0, {0.015625,0.0078125,0.00390625}>>) -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.0625:1>> loc("dwconv")
  %p = circle.max_pool_2d %d {filter_width = 2 : i32, filter_height = 2 : i32, stride_w = 2 : i32, stride_h = 2 : i32} : (tensor<1x4x4x3x!quant.uniform<i8:f32, 0.0625:1>>) -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.0625:1>> loc("pool")
  %y = circle.dequantize %p : (tensor<1x2x2x3x!quant.uniform<i8:f32, 0.0625:1>>) -> tensor<1x2x2x3xf32> loc("y")
  func.return %y : tensor<1x2x2x3xf32>
}

// CHECK:      func.func @net(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x2x3xf32> {
// CHECK-NEXT:   %x_q = circle.quantize %x : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.015625:-5>>
// CHECK-NEXT:   %conv_w = circle.const dense<{{\[}}{{\[}}{{\[}}[1, -127]]], {{\[}}{{\[}}[127, 0]]], {{\[}}{{\[}}[-3, 4]]]]> : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>>
// CHECK-NEXT:   %conv_b = circle.const dense<[7, -8, 9]> : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>>
// CHECK-NEXT:   %conv = circle.conv_2d %x_q, %conv_w, %conv_b {padding = "SAME", fused_activation_function = "RELU6"} : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.015625:-5>>, tensor<3x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>>, tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>>) -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.03125:-128>>
// CHECK-NEXT:   %dw_w = circle.const dense<{{\[}}{{\[}}{{\[}}[1, 2, 3]]]]> : tensor<1x1x1x3xi8> to tensor<1x1x1x3x!quant.uniform<i8<-127:127>:f32:3, {0.5,0.25,0.125}>>
// CHECK-NEXT:   %dw_b = circle.const dense<[1, 2, 3]> : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32:0, {0.015625,0.0078125,0.00390625}>>
// CHECK-NEXT:   %dwconv = circle.depthwise_conv_2d %conv, %dw_w, %dw_b : (tensor<1x4x4x3x!quant.uniform<i8:f32, 0.03125:-128>>, tensor<1x1x1x3x!quant.uniform<i8<-127:127>:f32:3, {0.5,0.25,0.125}>>, tensor<3x!quant.uniform<i32:f32:0, {0.015625,0.0078125,0.00390625}>>) -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.0625:1>>
// CHECK-NEXT:   %pool = circle.max_pool_2d %dwconv {stride_w = 2 : i32, stride_h = 2 : i32, filter_width = 2 : i32, filter_height = 2 : i32} : (tensor<1x4x4x3x!quant.uniform<i8:f32, 0.0625:1>>) -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.0625:1>>
// CHECK-NEXT:   %y = circle.dequantize %pool : (tensor<1x2x2x3x!quant.uniform<i8:f32, 0.0625:1>>) -> tensor<1x2x2x3xf32>
// CHECK-NEXT:   func.return %y : tensor<1x2x2x3xf32>
// CHECK-NEXT: }

// Tensor names come back as the producers' locations.
// LOC: func.func @net(%x: tensor<1x4x4x2xf32> loc("x"))
// LOC: circle.quantize {{.*}} loc("x_q")
// LOC: circle.const {{.*}} loc("conv_w")
// LOC: circle.conv_2d {{.*}} loc("conv")
// LOC: circle.dequantize {{.*}} loc("y")
