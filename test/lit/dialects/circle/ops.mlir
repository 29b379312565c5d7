// Round trip of every circle op (custom -> generic -> custom, and generic -> generic):
// float and quantized (per-tensor, per-axis, storage bounds), non-default options,
// variadic operands and results, `none` bias. Options equal to their default are not
// printed in the custom form; the generic form holds every property.
// RUN: QOPT_ROUNDTRIP
// RUN: QOPT_GENERIC_ROUNDTRIP

// circle.const: float, integer, scalar and splat payloads; quantized payloads (per-tensor
// i8/u8, narrow-range i16, per-axis i8<-127:127>, per-axis i32 bias) print `to <quantized type>`;
// discardable attributes follow the type. circle.no_value is the absent optional operand.
// CHECK-LABEL: func.func @constants(
// CHECK-SAME: ) {
// GENERIC-LABEL: "func.func"() <{sym_name = "constants"
func.func @constants() {
  // CHECK-NEXT: %[[F:[^ ,]+]] = circle.const dense<[1.500000e+00, -2.000000e+00]> : tensor<2xf32>
  // GENERIC-NEXT: %[[G_F:[^ ,]+]] = "circle.const"() <{value = dense<[1.500000e+00, -2.000000e+00]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %f = circle.const dense<[1.5, -2.0]> : tensor<2xf32>
  // CHECK-NEXT: %[[I:[^ ,]+]] = circle.const dense<[1, 4, 4, 2]> : tensor<4xi32>
  // GENERIC-NEXT: %[[G_I:[^ ,]+]] = "circle.const"() <{value = dense<[1, 4, 4, 2]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %i = circle.const dense<[1, 4, 4, 2]> : tensor<4xi32>
  // CHECK-NEXT: %[[S:[^ ,]+]] = circle.const dense<3> : tensor<i32>
  // GENERIC-NEXT: %[[G_S:[^ ,]+]] = "circle.const"() <{value = dense<3> : tensor<i32>}> : () -> tensor<i32>
  %s = circle.const dense<3> : tensor<i32>
  // CHECK-NEXT: %[[SP:[^ ,]+]] = circle.const dense<2.500000e-01> : tensor<2x2xf32>
  // GENERIC-NEXT: %[[G_SP:[^ ,]+]] = "circle.const"() <{value = dense<2.500000e-01> : tensor<2x2xf32>}> : () -> tensor<2x2xf32>
  %sp = circle.const dense<0.25> : tensor<2x2xf32>
  // CHECK-NEXT: %[[Q:[^ ,]+]] = circle.const dense<[-128, 0, 127]> : tensor<3xi8> to tensor<3x!quant.uniform<i8:f32, 0.05:-3>>
  // GENERIC-NEXT: %[[G_Q:[^ ,]+]] = "circle.const"() <{value = dense<[-128, 0, 127]> : tensor<3xi8>}> : () -> tensor<3x!quant.uniform<i8:f32, 0.05:-3>>
  %q = circle.const dense<[-128, 0, 127]> : tensor<3xi8> to tensor<3x!quant.uniform<i8:f32, 0.05:-3>>
  // CHECK-NEXT: %[[U:[^ ,]+]] = circle.const dense<[0, 255]> : tensor<2xui8> to tensor<2x!quant.uniform<u8:f32, 0.5:128>>
  // GENERIC-NEXT: %[[G_U:[^ ,]+]] = "circle.const"() <{value = dense<[0, 255]> : tensor<2xui8>}> : () -> tensor<2x!quant.uniform<u8:f32, 0.5:128>>
  %u = circle.const dense<[0, 255]> : tensor<2xui8> to tensor<2x!quant.uniform<u8:f32, 0.5:128>>
  // CHECK-NEXT: %[[H:[^ ,]+]] = circle.const dense<[-32767, 32767]> : tensor<2xi16> to tensor<2x!quant.uniform<i16<-32767:32767>:f32, 0.001>>
  // GENERIC-NEXT: %[[G_H:[^ ,]+]] = "circle.const"() <{value = dense<[-32767, 32767]> : tensor<2xi16>}> : () -> tensor<2x!quant.uniform<i16<-32767:32767>:f32, 0.001>>
  %h = circle.const dense<[-32767, 32767]> : tensor<2xi16> to tensor<2x!quant.uniform<i16<-32767:32767>:f32, 0.001>>
  // CHECK-NEXT: %[[W:[^ ,]+]] = circle.const dense<{{\[\[}}1, -127], [127, 0], [-3, 4]]> : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>>
  // GENERIC-NEXT: %[[G_W:[^ ,]+]] = "circle.const"() <{value = dense<{{\[\[}}1, -127], [127, 0], [-3, 4]]> : tensor<3x2xi8>}> : () -> tensor<3x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>>
  %w = circle.const dense<[[1, -127], [127, 0], [-3, 4]]> : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>>
  // CHECK-NEXT: %[[B:[^ ,]+]] = circle.const dense<[7, -8, 9]> : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>>
  // GENERIC-NEXT: %[[G_B:[^ ,]+]] = "circle.const"() <{value = dense<[7, -8, 9]> : tensor<3xi32>}> : () -> tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>>
  %b = circle.const dense<[7, -8, 9]> : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>>
  // CHECK-NEXT: %[[A:[^ ,]+]] = circle.const dense<1> : tensor<1xi32> {note = "kept"}
  // GENERIC-NEXT: %[[G_A:[^ ,]+]] = "circle.const"() <{value = dense<1> : tensor<1xi32>}> {note = "kept"} : () -> tensor<1xi32>
  %a = circle.const dense<1> : tensor<1xi32> {note = "kept"}
  // CHECK-NEXT: %[[N:[^ ,]+]] = circle.no_value : none
  // GENERIC-NEXT: %[[G_N:[^ ,]+]] = "circle.no_value"() : () -> none
  %n = circle.no_value : none
  // CHECK-NEXT: func.return
  // GENERIC-NEXT: "func.return"() : () -> ()
  func.return
// CHECK-NEXT: }
}

// -----

// Grouped conv_2d (C = 4 = 2 * I): with every option non-default and a `none` bias
// (dilation_w_factor = 1 is the default: dropped on print, materialized in the generic
// form), and with all options at their defaults (no attribute dictionary).
// CHECK-LABEL: func.func @conv(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x8x8x4xf32>, %[[W:[^:]+]]: tensor<6x3x3x2xf32>, %[[B:[^:]+]]: tensor<6xf32>) -> (tensor<1x4x4x6xf32>, tensor<1x6x6x6xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "conv"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x8x8x4xf32>, %[[G_W:[^:]+]]: tensor<6x3x3x2xf32>, %[[G_B:[^:]+]]: tensor<6xf32>):
func.func @conv(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x2xf32>, %b: tensor<6xf32>) -> (tensor<1x4x4x6xf32>, tensor<1x6x6x6xf32>) {
  // CHECK-NEXT: %[[NONE:[^ ,]+]] = circle.no_value : none
  // GENERIC-NEXT: %[[G_NONE:[^ ,]+]] = "circle.no_value"() : () -> none
  %none = circle.no_value : none
  // CHECK-NEXT: %[[C:[^ ,]+]] = circle.conv_2d %[[X]], %[[W]], %[[NONE]] {padding = "SAME", stride_w = 2 : i32, stride_h = 2 : i32, dilation_h_factor = 3 : i32, fused_activation_function = "RELU6"} : (tensor<1x8x8x4xf32>, tensor<6x3x3x2xf32>, none) -> tensor<1x4x4x6xf32>
  // GENERIC-NEXT: %[[G_C:[^ ,]+]] = "circle.conv_2d"(%[[G_X]], %[[G_W]], %[[G_NONE]]) <{padding = "SAME", stride_w = 2 : i32, stride_h = 2 : i32, dilation_w_factor = 1 : i32, dilation_h_factor = 3 : i32, fused_activation_function = "RELU6"}> : (tensor<1x8x8x4xf32>, tensor<6x3x3x2xf32>, none) -> tensor<1x4x4x6xf32>
  %c = circle.conv_2d %x, %w, %none {padding = "SAME", stride_w = 2 : i32, stride_h = 2 : i32, dilation_w_factor = 1 : i32, dilation_h_factor = 3 : i32, fused_activation_function = "RELU6"} : (tensor<1x8x8x4xf32>, tensor<6x3x3x2xf32>, none) -> tensor<1x4x4x6xf32>
  // CHECK-NEXT: %[[D:[^ ,]+]] = circle.conv_2d %[[X]], %[[W]], %[[B]] : (tensor<1x8x8x4xf32>, tensor<6x3x3x2xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  // GENERIC-NEXT: %[[G_D:[^ ,]+]] = "circle.conv_2d"(%[[G_X]], %[[G_W]], %[[G_B]]) <{padding = "VALID", stride_w = 1 : i32, stride_h = 1 : i32, dilation_w_factor = 1 : i32, dilation_h_factor = 1 : i32, fused_activation_function = "NONE"}> : (tensor<1x8x8x4xf32>, tensor<6x3x3x2xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  %d = circle.conv_2d %x, %w, %b : (tensor<1x8x8x4xf32>, tensor<6x3x3x2xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  // CHECK-NEXT: func.return %[[C]], %[[D]] : tensor<1x4x4x6xf32>, tensor<1x6x6x6xf32>
  // GENERIC-NEXT: "func.return"(%[[G_C]], %[[G_D]]) : (tensor<1x4x4x6xf32>, tensor<1x6x6x6xf32>) -> ()
  func.return %c, %d : tensor<1x4x4x6xf32>, tensor<1x6x6x6xf32>
// CHECK-NEXT: }
}

// -----

// Quantized conv_2d: per-tensor activations, per-axis narrow-range weights (axis 0), i32 bias.
// CHECK-LABEL: func.func @conv_q(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x4x4x2x!quant.uniform<i8:f32, 0.015625:-5>>) -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.03125:-128>> {
// GENERIC-LABEL: "func.func"() <{sym_name = "conv_q"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x4x4x2x!quant.uniform<i8:f32, 0.015625:-5>>):
func.func @conv_q(%x: tensor<1x4x4x2x!quant.uniform<i8:f32, 0.015625:-5>>) -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.03125:-128>> {
  // CHECK-NEXT: %[[W:[^ ,]+]] = circle.const dense<{{\[\[}}{{\[\[}}1, -127]]], {{\[\[}}[127, 0]]], {{\[\[}}[-3, 4]]]]> : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>>
  // GENERIC-NEXT: %[[G_W:[^ ,]+]] = "circle.const"() <{value = dense<{{\[\[}}{{\[\[}}1, -127]]], {{\[\[}}[127, 0]]], {{\[\[}}[-3, 4]]]]> : tensor<3x1x1x2xi8>}> : () -> tensor<3x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>>
  %w = circle.const dense<[[[[1, -127]]], [[[127, 0]]], [[[-3, 4]]]]> : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>>
  // CHECK-NEXT: %[[B:[^ ,]+]] = circle.const dense<[7, -8, 9]> : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>>
  // GENERIC-NEXT: %[[G_B:[^ ,]+]] = "circle.const"() <{value = dense<[7, -8, 9]> : tensor<3xi32>}> : () -> tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>>
  %b = circle.const dense<[7, -8, 9]> : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>>
  // CHECK-NEXT: %[[C:[^ ,]+]] = circle.conv_2d %[[X]], %[[W]], %[[B]] {fused_activation_function = "RELU"} : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.015625:-5>>, tensor<3x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>>, tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>>) -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.03125:-128>>
  // GENERIC-NEXT: %[[G_C:[^ ,]+]] = "circle.conv_2d"(%[[G_X]], %[[G_W]], %[[G_B]]) <{fused_activation_function = "RELU", padding = "VALID", stride_w = 1 : i32, stride_h = 1 : i32, dilation_w_factor = 1 : i32, dilation_h_factor = 1 : i32}> : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.015625:-5>>, tensor<3x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>>, tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>>) -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.03125:-128>>
  %c = circle.conv_2d %x, %w, %b {fused_activation_function = "RELU"} : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.015625:-5>>, tensor<3x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25,0.125}>>, tensor<3x!quant.uniform<i32:f32:0, {0.0078125,0.00390625,0.001953125}>>) -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.03125:-128>>
  // CHECK-NEXT: func.return %[[C]] : tensor<1x4x4x3x!quant.uniform<i8:f32, 0.03125:-128>>
  // GENERIC-NEXT: "func.return"(%[[G_C]]) : (tensor<1x4x4x3x!quant.uniform<i8:f32, 0.03125:-128>>) -> ()
  func.return %c : tensor<1x4x4x3x!quant.uniform<i8:f32, 0.03125:-128>>
// CHECK-NEXT: }
}

// -----

// depthwise_conv_2d with depth_multiplier 2 (filter channels = 3 * 2).
// CHECK-LABEL: func.func @depthwise(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x8x8x3xf32>, %[[W:[^:]+]]: tensor<1x3x3x6xf32>, %[[B:[^:]+]]: tensor<6xf32>) -> tensor<1x8x8x6xf32> {
// GENERIC-LABEL: "func.func"() <{sym_name = "depthwise"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x8x8x3xf32>, %[[G_W:[^:]+]]: tensor<1x3x3x6xf32>, %[[G_B:[^:]+]]: tensor<6xf32>):
func.func @depthwise(%x: tensor<1x8x8x3xf32>, %w: tensor<1x3x3x6xf32>, %b: tensor<6xf32>) -> tensor<1x8x8x6xf32> {
  // CHECK-NEXT: %[[D:[^ ,]+]] = circle.depthwise_conv_2d %[[X]], %[[W]], %[[B]] {padding = "SAME", depth_multiplier = 2 : i32, dilation_w_factor = 2 : i32, dilation_h_factor = 2 : i32, fused_activation_function = "RELU_N1_TO_1"} : (tensor<1x8x8x3xf32>, tensor<1x3x3x6xf32>, tensor<6xf32>) -> tensor<1x8x8x6xf32>
  // GENERIC-NEXT: %[[G_D:[^ ,]+]] = "circle.depthwise_conv_2d"(%[[G_X]], %[[G_W]], %[[G_B]]) <{padding = "SAME", stride_w = 1 : i32, depth_multiplier = 2 : i32, dilation_w_factor = 2 : i32, dilation_h_factor = 2 : i32, fused_activation_function = "RELU_N1_TO_1", stride_h = 1 : i32}> : (tensor<1x8x8x3xf32>, tensor<1x3x3x6xf32>, tensor<6xf32>) -> tensor<1x8x8x6xf32>
  %d = circle.depthwise_conv_2d %x, %w, %b {padding = "SAME", stride_w = 1 : i32, depth_multiplier = 2 : i32, dilation_w_factor = 2 : i32, dilation_h_factor = 2 : i32, fused_activation_function = "RELU_N1_TO_1"} : (tensor<1x8x8x3xf32>, tensor<1x3x3x6xf32>, tensor<6xf32>) -> tensor<1x8x8x6xf32>
  // CHECK-NEXT: func.return %[[D]] : tensor<1x8x8x6xf32>
  // GENERIC-NEXT: "func.return"(%[[G_D]]) : (tensor<1x8x8x6xf32>) -> ()
  func.return %d : tensor<1x8x8x6xf32>
// CHECK-NEXT: }
}

// -----

// Quantized depthwise: u8 with per-axis zero points along the filter's axis 3, `none` bias.
// CHECK-LABEL: func.func @depthwise_q(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.03125:128>>) -> tensor<1x2x2x3x!quant.uniform<u8:f32, 0.0625:100>> {
// GENERIC-LABEL: "func.func"() <{sym_name = "depthwise_q"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.03125:128>>):
func.func @depthwise_q(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.03125:128>>) -> tensor<1x2x2x3x!quant.uniform<u8:f32, 0.0625:100>> {
  // CHECK-NEXT: %[[W:[^ ,]+]] = circle.const dense<{{\[\[}}{{\[\[}}1, 2, 3]]]]> : tensor<1x1x1x3xui8> to tensor<1x1x1x3x!quant.uniform<u8:f32:3, {0.5:128,0.25:127,0.125:129}>>
  // GENERIC-NEXT: %[[G_W:[^ ,]+]] = "circle.const"() <{value = dense<{{\[\[}}{{\[\[}}1, 2, 3]]]]> : tensor<1x1x1x3xui8>}> : () -> tensor<1x1x1x3x!quant.uniform<u8:f32:3, {0.5:128,0.25:127,0.125:129}>>
  %w = circle.const dense<[[[[1, 2, 3]]]]> : tensor<1x1x1x3xui8> to tensor<1x1x1x3x!quant.uniform<u8:f32:3, {0.5:128,0.25:127,0.125:129}>>
  // CHECK-NEXT: %[[NONE:[^ ,]+]] = circle.no_value : none
  // GENERIC-NEXT: %[[G_NONE:[^ ,]+]] = "circle.no_value"() : () -> none
  %none = circle.no_value : none
  // CHECK-NEXT: %[[D:[^ ,]+]] = circle.depthwise_conv_2d %[[X]], %[[W]], %[[NONE]] {stride_w = 2 : i32, stride_h = 2 : i32} : (tensor<1x4x4x3x!quant.uniform<u8:f32, 0.03125:128>>, tensor<1x1x1x3x!quant.uniform<u8:f32:3, {0.5:128,0.25:127,0.125:129}>>, none) -> tensor<1x2x2x3x!quant.uniform<u8:f32, 0.0625:100>>
  // GENERIC-NEXT: %[[G_D:[^ ,]+]] = "circle.depthwise_conv_2d"(%[[G_X]], %[[G_W]], %[[G_NONE]]) <{stride_w = 2 : i32, stride_h = 2 : i32, padding = "VALID", depth_multiplier = 1 : i32, dilation_w_factor = 1 : i32, dilation_h_factor = 1 : i32, fused_activation_function = "NONE"}> : (tensor<1x4x4x3x!quant.uniform<u8:f32, 0.03125:128>>, tensor<1x1x1x3x!quant.uniform<u8:f32:3, {0.5:128,0.25:127,0.125:129}>>, none) -> tensor<1x2x2x3x!quant.uniform<u8:f32, 0.0625:100>>
  %d = circle.depthwise_conv_2d %x, %w, %none {stride_w = 2 : i32, stride_h = 2 : i32} : (tensor<1x4x4x3x!quant.uniform<u8:f32, 0.03125:128>>, tensor<1x1x1x3x!quant.uniform<u8:f32:3, {0.5:128,0.25:127,0.125:129}>>, none) -> tensor<1x2x2x3x!quant.uniform<u8:f32, 0.0625:100>>
  // CHECK-NEXT: func.return %[[D]] : tensor<1x2x2x3x!quant.uniform<u8:f32, 0.0625:100>>
  // GENERIC-NEXT: "func.return"(%[[G_D]]) : (tensor<1x2x2x3x!quant.uniform<u8:f32, 0.0625:100>>) -> ()
  func.return %d : tensor<1x2x2x3x!quant.uniform<u8:f32, 0.0625:100>>
// CHECK-NEXT: }
}

// -----

// transpose_conv: operands (output_shape, weights, input, bias).
// CHECK-LABEL: func.func @transpose_conv(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x4x4x2xf32>, %[[W:[^:]+]]: tensor<3x3x3x2xf32>) -> tensor<1x8x8x3xf32> {
// GENERIC-LABEL: "func.func"() <{sym_name = "transpose_conv"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x4x4x2xf32>, %[[G_W:[^:]+]]: tensor<3x3x3x2xf32>):
func.func @transpose_conv(%x: tensor<1x4x4x2xf32>, %w: tensor<3x3x3x2xf32>) -> tensor<1x8x8x3xf32> {
  // CHECK-NEXT: %[[SHAPE:[^ ,]+]] = circle.const dense<[1, 8, 8, 3]> : tensor<4xi32>
  // GENERIC-NEXT: %[[G_SHAPE:[^ ,]+]] = "circle.const"() <{value = dense<[1, 8, 8, 3]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %shape = circle.const dense<[1, 8, 8, 3]> : tensor<4xi32>
  // CHECK-NEXT: %[[NONE:[^ ,]+]] = circle.no_value : none
  // GENERIC-NEXT: %[[G_NONE:[^ ,]+]] = "circle.no_value"() : () -> none
  %none = circle.no_value : none
  // CHECK-NEXT: %[[T:[^ ,]+]] = circle.transpose_conv %[[SHAPE]], %[[W]], %[[X]], %[[NONE]] {padding = "SAME", stride_w = 2 : i32, stride_h = 2 : i32, fused_activation_function = "RELU"} : (tensor<4xi32>, tensor<3x3x3x2xf32>, tensor<1x4x4x2xf32>, none) -> tensor<1x8x8x3xf32>
  // GENERIC-NEXT: %[[G_T:[^ ,]+]] = "circle.transpose_conv"(%[[G_SHAPE]], %[[G_W]], %[[G_X]], %[[G_NONE]]) <{padding = "SAME", stride_w = 2 : i32, stride_h = 2 : i32, fused_activation_function = "RELU"}> : (tensor<4xi32>, tensor<3x3x3x2xf32>, tensor<1x4x4x2xf32>, none) -> tensor<1x8x8x3xf32>
  %t = circle.transpose_conv %shape, %w, %x, %none {padding = "SAME", stride_w = 2 : i32, stride_h = 2 : i32, fused_activation_function = "RELU"} : (tensor<4xi32>, tensor<3x3x3x2xf32>, tensor<1x4x4x2xf32>, none) -> tensor<1x8x8x3xf32>
  // CHECK-NEXT: func.return %[[T]] : tensor<1x8x8x3xf32>
  // GENERIC-NEXT: "func.return"(%[[G_T]]) : (tensor<1x8x8x3xf32>) -> ()
  func.return %t : tensor<1x8x8x3xf32>
// CHECK-NEXT: }
}

// -----

// 16x8 transpose_conv: i16 activations, i8 per-axis weights, i64 per-axis bias.
// CHECK-LABEL: func.func @transpose_conv_q(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x4x4x2x!quant.uniform<i16:f32, 0.001>>, %[[W:[^:]+]]: tensor<3x3x3x2x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2,0.3}>>, %[[B:[^:]+]]: tensor<3x!quant.uniform<i64:f32:0, {0.0001,0.0002,0.0003}>>) -> tensor<1x6x6x3x!quant.uniform<i16:f32, 0.002>> {
// GENERIC-LABEL: "func.func"() <{sym_name = "transpose_conv_q"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x4x4x2x!quant.uniform<i16:f32, 0.001>>, %[[G_W:[^:]+]]: tensor<3x3x3x2x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2,0.3}>>, %[[G_B:[^:]+]]: tensor<3x!quant.uniform<i64:f32:0, {0.0001,0.0002,0.0003}>>):
func.func @transpose_conv_q(%x: tensor<1x4x4x2x!quant.uniform<i16:f32, 0.001>>, %w: tensor<3x3x3x2x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2,0.3}>>, %b: tensor<3x!quant.uniform<i64:f32:0, {0.0001,0.0002,0.0003}>>) -> tensor<1x6x6x3x!quant.uniform<i16:f32, 0.002>> {
  // CHECK-NEXT: %[[SHAPE:[^ ,]+]] = circle.const dense<[1, 6, 6, 3]> : tensor<4xi32>
  // GENERIC-NEXT: %[[G_SHAPE:[^ ,]+]] = "circle.const"() <{value = dense<[1, 6, 6, 3]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %shape = circle.const dense<[1, 6, 6, 3]> : tensor<4xi32>
  // CHECK-NEXT: %[[T:[^ ,]+]] = circle.transpose_conv %[[SHAPE]], %[[W]], %[[X]], %[[B]] : (tensor<4xi32>, tensor<3x3x3x2x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2,0.3}>>, tensor<1x4x4x2x!quant.uniform<i16:f32, 0.001>>, tensor<3x!quant.uniform<i64:f32:0, {0.0001,0.0002,0.0003}>>) -> tensor<1x6x6x3x!quant.uniform<i16:f32, 0.002>>
  // GENERIC-NEXT: %[[G_T:[^ ,]+]] = "circle.transpose_conv"(%[[G_SHAPE]], %[[G_W]], %[[G_X]], %[[G_B]]) <{padding = "VALID", stride_w = 1 : i32, stride_h = 1 : i32, fused_activation_function = "NONE"}> : (tensor<4xi32>, tensor<3x3x3x2x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2,0.3}>>, tensor<1x4x4x2x!quant.uniform<i16:f32, 0.001>>, tensor<3x!quant.uniform<i64:f32:0, {0.0001,0.0002,0.0003}>>) -> tensor<1x6x6x3x!quant.uniform<i16:f32, 0.002>>
  %t = circle.transpose_conv %shape, %w, %x, %b : (tensor<4xi32>, tensor<3x3x3x2x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2,0.3}>>, tensor<1x4x4x2x!quant.uniform<i16:f32, 0.001>>, tensor<3x!quant.uniform<i64:f32:0, {0.0001,0.0002,0.0003}>>) -> tensor<1x6x6x3x!quant.uniform<i16:f32, 0.002>>
  // CHECK-NEXT: func.return %[[T]] : tensor<1x6x6x3x!quant.uniform<i16:f32, 0.002>>
  // GENERIC-NEXT: "func.return"(%[[G_T]]) : (tensor<1x6x6x3x!quant.uniform<i16:f32, 0.002>>) -> ()
  func.return %t : tensor<1x6x6x3x!quant.uniform<i16:f32, 0.002>>
// CHECK-NEXT: }
}

// -----

// fully_connected: all four options non-default; and with keep_num_dims false and no bias.
// CHECK-LABEL: func.func @fully_connected(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x8xf32>, %[[W:[^:]+]]: tensor<4x8xf32>, %[[B:[^:]+]]: tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<6x4xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "fully_connected"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<2x3x8xf32>, %[[G_W:[^:]+]]: tensor<4x8xf32>, %[[G_B:[^:]+]]: tensor<4xf32>):
func.func @fully_connected(%x: tensor<2x3x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<6x4xf32>) {
  // CHECK-NEXT: %[[K:[^ ,]+]] = circle.fully_connected %[[X]], %[[W]], %[[B]] {fused_activation_function = "TANH", weights_format = "SHUFFLED4x16INT8", keep_num_dims = true, asymmetric_quantize_inputs = true} : (tensor<2x3x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  // GENERIC-NEXT: %[[G_K:[^ ,]+]] = "circle.fully_connected"(%[[G_X]], %[[G_W]], %[[G_B]]) <{fused_activation_function = "TANH", weights_format = "SHUFFLED4x16INT8", keep_num_dims = true, asymmetric_quantize_inputs = true}> : (tensor<2x3x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %k = circle.fully_connected %x, %w, %b {fused_activation_function = "TANH", weights_format = "SHUFFLED4x16INT8", keep_num_dims = true, asymmetric_quantize_inputs = true} : (tensor<2x3x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  // CHECK-NEXT: %[[NONE:[^ ,]+]] = circle.no_value : none
  // GENERIC-NEXT: %[[G_NONE:[^ ,]+]] = "circle.no_value"() : () -> none
  %none = circle.no_value : none
  // CHECK-NEXT: %[[F:[^ ,]+]] = circle.fully_connected %[[X]], %[[W]], %[[NONE]] : (tensor<2x3x8xf32>, tensor<4x8xf32>, none) -> tensor<6x4xf32>
  // GENERIC-NEXT: %[[G_F:[^ ,]+]] = "circle.fully_connected"(%[[G_X]], %[[G_W]], %[[G_NONE]]) <{fused_activation_function = "NONE", weights_format = "DEFAULT", keep_num_dims = false, asymmetric_quantize_inputs = false}> : (tensor<2x3x8xf32>, tensor<4x8xf32>, none) -> tensor<6x4xf32>
  %f = circle.fully_connected %x, %w, %none : (tensor<2x3x8xf32>, tensor<4x8xf32>, none) -> tensor<6x4xf32>
  // CHECK-NEXT: func.return %[[K]], %[[F]] : tensor<2x3x4xf32>, tensor<6x4xf32>
  // GENERIC-NEXT: "func.return"(%[[G_K]], %[[G_F]]) : (tensor<2x3x4xf32>, tensor<6x4xf32>) -> ()
  func.return %k, %f : tensor<2x3x4xf32>, tensor<6x4xf32>
// CHECK-NEXT: }
}

// -----

// CHECK-LABEL: func.func @fully_connected_q(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x8x!quant.uniform<i8:f32, 0.1:3>>, %[[W:[^:]+]]: tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2,0.3,0.4}>>, %[[B:[^:]+]]: tensor<4x!quant.uniform<i32:f32:0, {0.01,0.02,0.03,0.04}>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>> {
// GENERIC-LABEL: "func.func"() <{sym_name = "fully_connected_q"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x8x!quant.uniform<i8:f32, 0.1:3>>, %[[G_W:[^:]+]]: tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2,0.3,0.4}>>, %[[G_B:[^:]+]]: tensor<4x!quant.uniform<i32:f32:0, {0.01,0.02,0.03,0.04}>>):
func.func @fully_connected_q(%x: tensor<1x8x!quant.uniform<i8:f32, 0.1:3>>, %w: tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2,0.3,0.4}>>, %b: tensor<4x!quant.uniform<i32:f32:0, {0.01,0.02,0.03,0.04}>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>> {
  // CHECK-NEXT: %[[F:[^ ,]+]] = circle.fully_connected %[[X]], %[[W]], %[[B]] {fused_activation_function = "SIGN_BIT"} : (tensor<1x8x!quant.uniform<i8:f32, 0.1:3>>, tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2,0.3,0.4}>>, tensor<4x!quant.uniform<i32:f32:0, {0.01,0.02,0.03,0.04}>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>>
  // GENERIC-NEXT: %[[G_F:[^ ,]+]] = "circle.fully_connected"(%[[G_X]], %[[G_W]], %[[G_B]]) <{fused_activation_function = "SIGN_BIT", weights_format = "DEFAULT", keep_num_dims = false, asymmetric_quantize_inputs = false}> : (tensor<1x8x!quant.uniform<i8:f32, 0.1:3>>, tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2,0.3,0.4}>>, tensor<4x!quant.uniform<i32:f32:0, {0.01,0.02,0.03,0.04}>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>>
  %f = circle.fully_connected %x, %w, %b {fused_activation_function = "SIGN_BIT"} : (tensor<1x8x!quant.uniform<i8:f32, 0.1:3>>, tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2,0.3,0.4}>>, tensor<4x!quant.uniform<i32:f32:0, {0.01,0.02,0.03,0.04}>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>>
  // CHECK-NEXT: func.return %[[F]] : tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>>
  // GENERIC-NEXT: "func.return"(%[[G_F]]) : (tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>>) -> ()
  func.return %f : tensor<1x4x!quant.uniform<i8:f32, 0.5:-1>>
// CHECK-NEXT: }
}

// -----

// batch_matmul, plain and with both adjoints (contraction over the transposed dims).
// CHECK-LABEL: func.func @batch_matmul(
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x3x4xf32>, %[[B:[^:]+]]: tensor<2x4x5xf32>, %[[AT:[^:]+]]: tensor<2x4x3xf32>, %[[BT:[^:]+]]: tensor<1x5x4xf32>) -> (tensor<2x3x5xf32>, tensor<2x3x5xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "batch_matmul"
// GENERIC-NEXT: ^bb0(%[[G_A:[^:]+]]: tensor<2x3x4xf32>, %[[G_B:[^:]+]]: tensor<2x4x5xf32>, %[[G_AT:[^:]+]]: tensor<2x4x3xf32>, %[[G_BT:[^:]+]]: tensor<1x5x4xf32>):
func.func @batch_matmul(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>, %at: tensor<2x4x3xf32>, %bt: tensor<1x5x4xf32>) -> (tensor<2x3x5xf32>, tensor<2x3x5xf32>) {
  // CHECK-NEXT: %[[M:[^ ,]+]] = circle.batch_matmul %[[A]], %[[B]] : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  // GENERIC-NEXT: %[[G_M:[^ ,]+]] = "circle.batch_matmul"(%[[G_A]], %[[G_B]]) <{adjoint_lhs = false, adjoint_rhs = false, asymmetric_quantize_inputs = false}> : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  %m = circle.batch_matmul %a, %b : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  // CHECK-NEXT: %[[N:[^ ,]+]] = circle.batch_matmul %[[AT]], %[[BT]] {adjoint_lhs = true, adjoint_rhs = true, asymmetric_quantize_inputs = true} : (tensor<2x4x3xf32>, tensor<1x5x4xf32>) -> tensor<2x3x5xf32>
  // GENERIC-NEXT: %[[G_N:[^ ,]+]] = "circle.batch_matmul"(%[[G_AT]], %[[G_BT]]) <{adjoint_lhs = true, adjoint_rhs = true, asymmetric_quantize_inputs = true}> : (tensor<2x4x3xf32>, tensor<1x5x4xf32>) -> tensor<2x3x5xf32>
  %n = circle.batch_matmul %at, %bt {adjoint_lhs = true, adjoint_rhs = true, asymmetric_quantize_inputs = true} : (tensor<2x4x3xf32>, tensor<1x5x4xf32>) -> tensor<2x3x5xf32>
  // CHECK-NEXT: func.return %[[M]], %[[N]] : tensor<2x3x5xf32>, tensor<2x3x5xf32>
  // GENERIC-NEXT: "func.return"(%[[G_M]], %[[G_N]]) : (tensor<2x3x5xf32>, tensor<2x3x5xf32>) -> ()
  func.return %m, %n : tensor<2x3x5xf32>, tensor<2x3x5xf32>
// CHECK-NEXT: }
}

// -----

// CHECK-LABEL: func.func @batch_matmul_q(
// CHECK-SAME: %[[A:[^:]+]]: tensor<1x3x4x!quant.uniform<i16:f32, 0.001>>, %[[B:[^:]+]]: tensor<1x4x5x!quant.uniform<i16:f32, 0.002>>) -> tensor<1x3x5x!quant.uniform<i16:f32, 0.004>> {
// GENERIC-LABEL: "func.func"() <{sym_name = "batch_matmul_q"
// GENERIC-NEXT: ^bb0(%[[G_A:[^:]+]]: tensor<1x3x4x!quant.uniform<i16:f32, 0.001>>, %[[G_B:[^:]+]]: tensor<1x4x5x!quant.uniform<i16:f32, 0.002>>):
func.func @batch_matmul_q(%a: tensor<1x3x4x!quant.uniform<i16:f32, 0.001>>, %b: tensor<1x4x5x!quant.uniform<i16:f32, 0.002>>) -> tensor<1x3x5x!quant.uniform<i16:f32, 0.004>> {
  // CHECK-NEXT: %[[M:[^ ,]+]] = circle.batch_matmul %[[A]], %[[B]] : (tensor<1x3x4x!quant.uniform<i16:f32, 0.001>>, tensor<1x4x5x!quant.uniform<i16:f32, 0.002>>) -> tensor<1x3x5x!quant.uniform<i16:f32, 0.004>>
  // GENERIC-NEXT: %[[G_M:[^ ,]+]] = "circle.batch_matmul"(%[[G_A]], %[[G_B]]) <{adjoint_lhs = false, adjoint_rhs = false, asymmetric_quantize_inputs = false}> : (tensor<1x3x4x!quant.uniform<i16:f32, 0.001>>, tensor<1x4x5x!quant.uniform<i16:f32, 0.002>>) -> tensor<1x3x5x!quant.uniform<i16:f32, 0.004>>
  %m = circle.batch_matmul %a, %b : (tensor<1x3x4x!quant.uniform<i16:f32, 0.001>>, tensor<1x4x5x!quant.uniform<i16:f32, 0.002>>) -> tensor<1x3x5x!quant.uniform<i16:f32, 0.004>>
  // CHECK-NEXT: func.return %[[M]] : tensor<1x3x5x!quant.uniform<i16:f32, 0.004>>
  // GENERIC-NEXT: "func.return"(%[[G_M]]) : (tensor<1x3x5x!quant.uniform<i16:f32, 0.004>>) -> ()
  func.return %m : tensor<1x3x5x!quant.uniform<i16:f32, 0.004>>
// CHECK-NEXT: }
}

// -----

// max_pool_2d and average_pool_2d, float and quantized.
// CHECK-LABEL: func.func @pool(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x8x8x3xf32>, %[[Q:[^:]+]]: tensor<1x8x8x3x!quant.uniform<i8:f32, 0.1:-2>>) -> (tensor<1x4x4x3xf32>, tensor<1x7x7x3x!quant.uniform<i8:f32, 0.1:-2>>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "pool"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x8x8x3xf32>, %[[G_Q:[^:]+]]: tensor<1x8x8x3x!quant.uniform<i8:f32, 0.1:-2>>):
func.func @pool(%x: tensor<1x8x8x3xf32>, %q: tensor<1x8x8x3x!quant.uniform<i8:f32, 0.1:-2>>) -> (tensor<1x4x4x3xf32>, tensor<1x7x7x3x!quant.uniform<i8:f32, 0.1:-2>>) {
  // CHECK-NEXT: %[[M:[^ ,]+]] = circle.max_pool_2d %[[X]] {padding = "SAME", stride_w = 2 : i32, stride_h = 2 : i32, filter_width = 3 : i32, filter_height = 3 : i32, fused_activation_function = "RELU"} : (tensor<1x8x8x3xf32>) -> tensor<1x4x4x3xf32>
  // GENERIC-NEXT: %[[G_M:[^ ,]+]] = "circle.max_pool_2d"(%[[G_X]]) <{padding = "SAME", stride_w = 2 : i32, stride_h = 2 : i32, filter_width = 3 : i32, filter_height = 3 : i32, fused_activation_function = "RELU"}> : (tensor<1x8x8x3xf32>) -> tensor<1x4x4x3xf32>
  %m = circle.max_pool_2d %x {padding = "SAME", stride_w = 2 : i32, stride_h = 2 : i32, filter_width = 3 : i32, filter_height = 3 : i32, fused_activation_function = "RELU"} : (tensor<1x8x8x3xf32>) -> tensor<1x4x4x3xf32>
  // CHECK-NEXT: %[[A:[^ ,]+]] = circle.average_pool_2d %[[Q]] {filter_width = 2 : i32, filter_height = 2 : i32} : (tensor<1x8x8x3x!quant.uniform<i8:f32, 0.1:-2>>) -> tensor<1x7x7x3x!quant.uniform<i8:f32, 0.1:-2>>
  // GENERIC-NEXT: %[[G_A:[^ ,]+]] = "circle.average_pool_2d"(%[[G_Q]]) <{filter_width = 2 : i32, filter_height = 2 : i32, padding = "VALID", stride_w = 1 : i32, stride_h = 1 : i32, fused_activation_function = "NONE"}> : (tensor<1x8x8x3x!quant.uniform<i8:f32, 0.1:-2>>) -> tensor<1x7x7x3x!quant.uniform<i8:f32, 0.1:-2>>
  %a = circle.average_pool_2d %q {filter_width = 2 : i32, filter_height = 2 : i32} : (tensor<1x8x8x3x!quant.uniform<i8:f32, 0.1:-2>>) -> tensor<1x7x7x3x!quant.uniform<i8:f32, 0.1:-2>>
  // CHECK-NEXT: %[[M2:[^ ,]+]] = circle.max_pool_2d %[[Q]] : (tensor<1x8x8x3x!quant.uniform<i8:f32, 0.1:-2>>) -> tensor<1x8x8x3x!quant.uniform<i8:f32, 0.1:-2>>
  // GENERIC-NEXT: %[[G_M2:[^ ,]+]] = "circle.max_pool_2d"(%[[G_Q]]) <{padding = "VALID", stride_w = 1 : i32, stride_h = 1 : i32, filter_width = 1 : i32, filter_height = 1 : i32, fused_activation_function = "NONE"}> : (tensor<1x8x8x3x!quant.uniform<i8:f32, 0.1:-2>>) -> tensor<1x8x8x3x!quant.uniform<i8:f32, 0.1:-2>>
  %m2 = circle.max_pool_2d %q : (tensor<1x8x8x3x!quant.uniform<i8:f32, 0.1:-2>>) -> tensor<1x8x8x3x!quant.uniform<i8:f32, 0.1:-2>>
  // CHECK-NEXT: %[[A2:[^ ,]+]] = circle.average_pool_2d %[[X]] {padding = "SAME", stride_w = 2 : i32, stride_h = 2 : i32, filter_width = 2 : i32, filter_height = 2 : i32, fused_activation_function = "RELU6"} : (tensor<1x8x8x3xf32>) -> tensor<1x4x4x3xf32>
  // GENERIC-NEXT: %[[G_A2:[^ ,]+]] = "circle.average_pool_2d"(%[[G_X]]) <{padding = "SAME", stride_w = 2 : i32, stride_h = 2 : i32, filter_width = 2 : i32, filter_height = 2 : i32, fused_activation_function = "RELU6"}> : (tensor<1x8x8x3xf32>) -> tensor<1x4x4x3xf32>
  %a2 = circle.average_pool_2d %x {padding = "SAME", stride_w = 2 : i32, stride_h = 2 : i32, filter_width = 2 : i32, filter_height = 2 : i32, fused_activation_function = "RELU6"} : (tensor<1x8x8x3xf32>) -> tensor<1x4x4x3xf32>
  // CHECK-NEXT: func.return %[[M]], %[[A]] : tensor<1x4x4x3xf32>, tensor<1x7x7x3x!quant.uniform<i8:f32, 0.1:-2>>
  // GENERIC-NEXT: "func.return"(%[[G_M]], %[[G_A]]) : (tensor<1x4x4x3xf32>, tensor<1x7x7x3x!quant.uniform<i8:f32, 0.1:-2>>) -> ()
  func.return %m, %a : tensor<1x4x4x3xf32>, tensor<1x7x7x3x!quant.uniform<i8:f32, 0.1:-2>>
// CHECK-NEXT: }
}

// -----

// Binary element-wise ops with broadcasting and fused activations.
// CHECK-LABEL: func.func @binary(
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x3xf32>, %[[B:[^:]+]]: tensor<3xf32>, %[[C:[^:]+]]: tensor<2x1xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "binary"
// GENERIC-NEXT: ^bb0(%[[G_A:[^:]+]]: tensor<2x3xf32>, %[[G_B:[^:]+]]: tensor<3xf32>, %[[G_C:[^:]+]]: tensor<2x1xf32>):
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>) {
  // CHECK-NEXT: %[[ADD:[^ ,]+]] = circle.add %[[A]], %[[B]] {fused_activation_function = "RELU", pot_scale_int16 = true} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // GENERIC-NEXT: %[[G_ADD:[^ ,]+]] = "circle.add"(%[[G_A]], %[[G_B]]) <{fused_activation_function = "RELU", pot_scale_int16 = true}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %add = circle.add %a, %b {fused_activation_function = "RELU", pot_scale_int16 = true} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %[[SUB:[^ ,]+]] = circle.sub %[[A]], %[[C]] {fused_activation_function = "RELU6", pot_scale_int16 = true} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  // GENERIC-NEXT: %[[G_SUB:[^ ,]+]] = "circle.sub"(%[[G_A]], %[[G_C]]) <{fused_activation_function = "RELU6", pot_scale_int16 = true}> : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %sub = circle.sub %a, %c {fused_activation_function = "RELU6", pot_scale_int16 = true} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %[[MUL:[^ ,]+]] = circle.mul %[[C]], %[[B]] {fused_activation_function = "TANH"} : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // GENERIC-NEXT: %[[G_MUL:[^ ,]+]] = "circle.mul"(%[[G_C]], %[[G_B]]) <{fused_activation_function = "TANH"}> : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %mul = circle.mul %c, %b {fused_activation_function = "TANH"} : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %[[DIV:[^ ,]+]] = circle.div %[[A]], %[[A]] {fused_activation_function = "RELU_N1_TO_1"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // GENERIC-NEXT: %[[G_DIV:[^ ,]+]] = "circle.div"(%[[G_A]], %[[G_A]]) <{fused_activation_function = "RELU_N1_TO_1"}> : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %div = circle.div %a, %a {fused_activation_function = "RELU_N1_TO_1"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %[[MAX:[^ ,]+]] = circle.maximum %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // GENERIC-NEXT: %[[G_MAX:[^ ,]+]] = "circle.maximum"(%[[G_A]], %[[G_B]]) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %max = circle.maximum %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %[[MIN:[^ ,]+]] = circle.minimum %[[B]], %[[A]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // GENERIC-NEXT: %[[G_MIN:[^ ,]+]] = "circle.minimum"(%[[G_B]], %[[G_A]]) : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %min = circle.minimum %b, %a : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %[[SQD:[^ ,]+]] = circle.squared_difference %[[A]], %[[C]] : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  // GENERIC-NEXT: %[[G_SQD:[^ ,]+]] = "circle.squared_difference"(%[[G_A]], %[[G_C]]) : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %sqd = circle.squared_difference %a, %c : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: func.return
  // GENERIC-NEXT: "func.return"() : () -> ()
  func.return
// CHECK-NEXT: }
}

// -----

// Quantized binary ops (i8 per-tensor, i16 symmetric).
// CHECK-LABEL: func.func @binary_q(
// CHECK-SAME: %[[A:[^:]+]]: tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, %[[B:[^:]+]]: tensor<4x!quant.uniform<i8:f32, 0.2:3>>, %[[H:[^:]+]]: tensor<1x4x!quant.uniform<i16:f32, 0.0001>>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "binary_q"
// GENERIC-NEXT: ^bb0(%[[G_A:[^:]+]]: tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, %[[G_B:[^:]+]]: tensor<4x!quant.uniform<i8:f32, 0.2:3>>, %[[G_H:[^:]+]]: tensor<1x4x!quant.uniform<i16:f32, 0.0001>>):
func.func @binary_q(%a: tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, %b: tensor<4x!quant.uniform<i8:f32, 0.2:3>>, %h: tensor<1x4x!quant.uniform<i16:f32, 0.0001>>) {
  // CHECK-NEXT: %[[ADD:[^ ,]+]] = circle.add %[[A]], %[[B]] : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<4x!quant.uniform<i8:f32, 0.2:3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.3:-128>>
  // GENERIC-NEXT: %[[G_ADD:[^ ,]+]] = "circle.add"(%[[G_A]], %[[G_B]]) <{pot_scale_int16 = false, fused_activation_function = "NONE"}> : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<4x!quant.uniform<i8:f32, 0.2:3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.3:-128>>
  %add = circle.add %a, %b : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<4x!quant.uniform<i8:f32, 0.2:3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.3:-128>>
  // CHECK-NEXT: %[[SUB:[^ ,]+]] = circle.sub %[[H]], %[[H]] : (tensor<1x4x!quant.uniform<i16:f32, 0.0001>>, tensor<1x4x!quant.uniform<i16:f32, 0.0001>>) -> tensor<1x4x!quant.uniform<i16:f32, 0.0002>>
  // GENERIC-NEXT: %[[G_SUB:[^ ,]+]] = "circle.sub"(%[[G_H]], %[[G_H]]) <{pot_scale_int16 = false, fused_activation_function = "NONE"}> : (tensor<1x4x!quant.uniform<i16:f32, 0.0001>>, tensor<1x4x!quant.uniform<i16:f32, 0.0001>>) -> tensor<1x4x!quant.uniform<i16:f32, 0.0002>>
  %sub = circle.sub %h, %h : (tensor<1x4x!quant.uniform<i16:f32, 0.0001>>, tensor<1x4x!quant.uniform<i16:f32, 0.0001>>) -> tensor<1x4x!quant.uniform<i16:f32, 0.0002>>
  // CHECK-NEXT: %[[MUL:[^ ,]+]] = circle.mul %[[A]], %[[B]] : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<4x!quant.uniform<i8:f32, 0.2:3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.02>>
  // GENERIC-NEXT: %[[G_MUL:[^ ,]+]] = "circle.mul"(%[[G_A]], %[[G_B]]) <{fused_activation_function = "NONE"}> : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<4x!quant.uniform<i8:f32, 0.2:3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.02>>
  %mul = circle.mul %a, %b : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<4x!quant.uniform<i8:f32, 0.2:3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.02>>
  // CHECK-NEXT: %[[MAX:[^ ,]+]] = circle.maximum %[[A]], %[[A]] : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>
  // GENERIC-NEXT: %[[G_MAX:[^ ,]+]] = "circle.maximum"(%[[G_A]], %[[G_A]]) : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>
  %max = circle.maximum %a, %a : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>
  // CHECK-NEXT: %[[MIN:[^ ,]+]] = circle.minimum %[[A]], %[[A]] : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>
  // GENERIC-NEXT: %[[G_MIN:[^ ,]+]] = "circle.minimum"(%[[G_A]], %[[G_A]]) : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>
  %min = circle.minimum %a, %a : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>
  // CHECK-NEXT: %[[SQD:[^ ,]+]] = circle.squared_difference %[[A]], %[[B]] : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<4x!quant.uniform<i8:f32, 0.2:3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.05:-128>>
  // GENERIC-NEXT: %[[G_SQD:[^ ,]+]] = "circle.squared_difference"(%[[G_A]], %[[G_B]]) : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<4x!quant.uniform<i8:f32, 0.2:3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.05:-128>>
  %sqd = circle.squared_difference %a, %b : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<4x!quant.uniform<i8:f32, 0.2:3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.05:-128>>
  // CHECK-NEXT: func.return
  // GENERIC-NEXT: "func.return"() : () -> ()
  func.return
// CHECK-NEXT: }
}

// -----

// Unary ops, float; alpha/beta/approximate non-default and at their defaults.
// CHECK-LABEL: func.func @unary(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x8xf32>, %[[S:[^:]+]]: tensor<8xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "unary"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x8xf32>, %[[G_S:[^:]+]]: tensor<8xf32>):
func.func @unary(%x: tensor<1x8xf32>, %s: tensor<8xf32>) {
  // CHECK-NEXT: %[[V0:[^ ,]+]] = circle.logistic %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V0:[^ ,]+]] = "circle.logistic"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %0 = circle.logistic %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V1:[^ ,]+]] = circle.tanh %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V1:[^ ,]+]] = "circle.tanh"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %1 = circle.tanh %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V2:[^ ,]+]] = circle.relu %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V2:[^ ,]+]] = "circle.relu"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %2 = circle.relu %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V3:[^ ,]+]] = circle.relu6 %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V3:[^ ,]+]] = "circle.relu6"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %3 = circle.relu6 %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V4:[^ ,]+]] = circle.relu_n1_to_1 %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V4:[^ ,]+]] = "circle.relu_n1_to_1"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %4 = circle.relu_n1_to_1 %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V5:[^ ,]+]] = circle.leaky_relu %[[X]] {alpha = 2.000000e-01 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V5:[^ ,]+]] = "circle.leaky_relu"(%[[G_X]]) <{alpha = 2.000000e-01 : f32}> : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %5 = circle.leaky_relu %x {alpha = 2.000000e-01 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V6:[^ ,]+]] = circle.prelu %[[X]], %[[S]] : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V6:[^ ,]+]] = "circle.prelu"(%[[G_X]], %[[G_S]]) : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  %6 = circle.prelu %x, %s : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V7:[^ ,]+]] = circle.hard_swish %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V7:[^ ,]+]] = "circle.hard_swish"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %7 = circle.hard_swish %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V8:[^ ,]+]] = circle.gelu %[[X]] {approximate = true} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V8:[^ ,]+]] = "circle.gelu"(%[[G_X]]) <{approximate = true}> : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %8 = circle.gelu %x {approximate = true} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V9:[^ ,]+]] = circle.exp %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V9:[^ ,]+]] = "circle.exp"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %9 = circle.exp %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V10:[^ ,]+]] = circle.log %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V10:[^ ,]+]] = "circle.log"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %10 = circle.log %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V11:[^ ,]+]] = circle.sqrt %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V11:[^ ,]+]] = "circle.sqrt"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %11 = circle.sqrt %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V12:[^ ,]+]] = circle.rsqrt %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V12:[^ ,]+]] = "circle.rsqrt"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %12 = circle.rsqrt %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V13:[^ ,]+]] = circle.abs %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V13:[^ ,]+]] = "circle.abs"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %13 = circle.abs %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V14:[^ ,]+]] = circle.neg %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V14:[^ ,]+]] = "circle.neg"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %14 = circle.neg %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V15:[^ ,]+]] = circle.softmax %[[X]] {beta = 5.000000e-01 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V15:[^ ,]+]] = "circle.softmax"(%[[G_X]]) <{beta = 5.000000e-01 : f32}> : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %15 = circle.softmax %x {beta = 5.000000e-01 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V16:[^ ,]+]] = circle.log_softmax %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V16:[^ ,]+]] = "circle.log_softmax"(%[[G_X]]) : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %16 = circle.log_softmax %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V17:[^ ,]+]] = circle.gelu %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V17:[^ ,]+]] = "circle.gelu"(%[[G_X]]) <{approximate = false}> : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %17 = circle.gelu %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V18:[^ ,]+]] = circle.leaky_relu %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V18:[^ ,]+]] = "circle.leaky_relu"(%[[G_X]]) <{alpha = 1.000000e-02 : f32}> : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %18 = circle.leaky_relu %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V19:[^ ,]+]] = circle.softmax %[[X]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V19:[^ ,]+]] = "circle.softmax"(%[[G_X]]) <{beta = 1.000000e+00 : f32}> : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %19 = circle.softmax %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: func.return
  // GENERIC-NEXT: "func.return"() : () -> ()
  func.return
// CHECK-NEXT: }
}

// -----

// Quantized unary ops, quantize (float -> i8 and requantize i8 -> i16), dequantize.
// An explicit option equal to its default (softmax beta = 1.0) is not printed.
// CHECK-LABEL: func.func @unary_q(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>, %[[U:[^:]+]]: tensor<1x8x!quant.uniform<u8:f32, 0.1:128>>, %[[H:[^:]+]]: tensor<1x8x!quant.uniform<i16:f32, 0.0005>>, %[[F:[^:]+]]: tensor<1x8xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "unary_q"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>, %[[G_U:[^:]+]]: tensor<1x8x!quant.uniform<u8:f32, 0.1:128>>, %[[G_H:[^:]+]]: tensor<1x8x!quant.uniform<i16:f32, 0.0005>>, %[[G_F:[^:]+]]: tensor<1x8xf32>):
func.func @unary_q(%x: tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>, %u: tensor<1x8x!quant.uniform<u8:f32, 0.1:128>>, %h: tensor<1x8x!quant.uniform<i16:f32, 0.0005>>, %f: tensor<1x8xf32>) {
  // CHECK-NEXT: %[[V0:[^ ,]+]] = circle.logistic %[[X]] : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.00390625:-128>>
  // GENERIC-NEXT: %[[G_V0:[^ ,]+]] = "circle.logistic"(%[[G_X]]) : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.00390625:-128>>
  %0 = circle.logistic %x : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.00390625:-128>>
  // CHECK-NEXT: %[[V1:[^ ,]+]] = circle.tanh %[[U]] : (tensor<1x8x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<1x8x!quant.uniform<u8:f32, 0.0078125:128>>
  // GENERIC-NEXT: %[[G_V1:[^ ,]+]] = "circle.tanh"(%[[G_U]]) : (tensor<1x8x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<1x8x!quant.uniform<u8:f32, 0.0078125:128>>
  %1 = circle.tanh %u : (tensor<1x8x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<1x8x!quant.uniform<u8:f32, 0.0078125:128>>
  // CHECK-NEXT: %[[V2:[^ ,]+]] = circle.softmax %[[H]] : (tensor<1x8x!quant.uniform<i16:f32, 0.0005>>) -> tensor<1x8x!quant.uniform<i16:f32, 3.0517578125e-05>>
  // GENERIC-NEXT: %[[G_V2:[^ ,]+]] = "circle.softmax"(%[[G_H]]) <{beta = 1.000000e+00 : f32}> : (tensor<1x8x!quant.uniform<i16:f32, 0.0005>>) -> tensor<1x8x!quant.uniform<i16:f32, 3.0517578125e-05>>
  %2 = circle.softmax %h {beta = 1.000000e+00 : f32} : (tensor<1x8x!quant.uniform<i16:f32, 0.0005>>) -> tensor<1x8x!quant.uniform<i16:f32, 3.0517578125e-05>>
  // CHECK-NEXT: %[[V3:[^ ,]+]] = circle.log_softmax %[[X]] : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.0625:127>>
  // GENERIC-NEXT: %[[G_V3:[^ ,]+]] = "circle.log_softmax"(%[[G_X]]) : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.0625:127>>
  %3 = circle.log_softmax %x : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.0625:127>>
  // CHECK-NEXT: %[[V4:[^ ,]+]] = circle.quantize %[[F]] : (tensor<1x8xf32>) -> tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>
  // GENERIC-NEXT: %[[G_V4:[^ ,]+]] = "circle.quantize"(%[[G_F]]) : (tensor<1x8xf32>) -> tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>
  %4 = circle.quantize %f : (tensor<1x8xf32>) -> tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>
  // CHECK-NEXT: %[[V5:[^ ,]+]] = circle.quantize %[[X]] : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i16:f32, 0.0005>>
  // GENERIC-NEXT: %[[G_V5:[^ ,]+]] = "circle.quantize"(%[[G_X]]) : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i16:f32, 0.0005>>
  %5 = circle.quantize %x : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i16:f32, 0.0005>>
  // CHECK-NEXT: %[[V6:[^ ,]+]] = circle.dequantize %[[U]] : (tensor<1x8x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<1x8xf32>
  // GENERIC-NEXT: %[[G_V6:[^ ,]+]] = "circle.dequantize"(%[[G_U]]) : (tensor<1x8x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<1x8xf32>
  %6 = circle.dequantize %u : (tensor<1x8x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<1x8xf32>
  // CHECK-NEXT: %[[V7:[^ ,]+]] = circle.relu %[[X]] : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.05:-128>>
  // GENERIC-NEXT: %[[G_V7:[^ ,]+]] = "circle.relu"(%[[G_X]]) : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.05:-128>>
  %7 = circle.relu %x : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.05:-128>>
  // CHECK-NEXT: %[[V8:[^ ,]+]] = circle.prelu %[[X]], %[[X]] : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>
  // GENERIC-NEXT: %[[G_V8:[^ ,]+]] = "circle.prelu"(%[[G_X]], %[[G_X]]) : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>
  %8 = circle.prelu %x, %x : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.1:-1>>
  // CHECK-NEXT: func.return
  // GENERIC-NEXT: "func.return"() : () -> ()
  func.return
// CHECK-NEXT: }
}

// -----

// Shape and data-movement ops with their i32 shape/axis operands; padv2 pads with the
// lowest f32 (how max pooling with -inf padding is lowered).
// CHECK-LABEL: func.func @shapes(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x2x3x4xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "shapes"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x2x3x4xf32>):
func.func @shapes(%x: tensor<1x2x3x4xf32>) {
  // CHECK-NEXT: %[[SHAPE:[^ ,]+]] = circle.const dense<[2, 12]> : tensor<2xi32>
  // GENERIC-NEXT: %[[G_SHAPE:[^ ,]+]] = "circle.const"() <{value = dense<[2, 12]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %shape = circle.const dense<[2, 12]> : tensor<2xi32>
  // CHECK-NEXT: %[[R:[^ ,]+]] = circle.reshape %[[X]], %[[SHAPE]] : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<2x12xf32>
  // GENERIC-NEXT: %[[G_R:[^ ,]+]] = "circle.reshape"(%[[G_X]], %[[G_SHAPE]]) : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<2x12xf32>
  %r = circle.reshape %x, %shape : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<2x12xf32>
  // CHECK-NEXT: %[[PERM:[^ ,]+]] = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
  // GENERIC-NEXT: %[[G_PERM:[^ ,]+]] = "circle.const"() <{value = dense<[0, 3, 1, 2]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %perm = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
  // CHECK-NEXT: %[[T:[^ ,]+]] = circle.transpose %[[X]], %[[PERM]] : (tensor<1x2x3x4xf32>, tensor<4xi32>) -> tensor<1x4x2x3xf32>
  // GENERIC-NEXT: %[[G_T:[^ ,]+]] = "circle.transpose"(%[[G_X]], %[[G_PERM]]) : (tensor<1x2x3x4xf32>, tensor<4xi32>) -> tensor<1x4x2x3xf32>
  %t = circle.transpose %x, %perm : (tensor<1x2x3x4xf32>, tensor<4xi32>) -> tensor<1x4x2x3xf32>
  // CHECK-NEXT: %[[BEGIN:[^ ,]+]] = circle.const dense<[0, 0, 1, 0]> : tensor<4xi32>
  // GENERIC-NEXT: %[[G_BEGIN:[^ ,]+]] = "circle.const"() <{value = dense<[0, 0, 1, 0]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %begin = circle.const dense<[0, 0, 1, 0]> : tensor<4xi32>
  // CHECK-NEXT: %[[SIZE:[^ ,]+]] = circle.const dense<[1, 2, 2, 4]> : tensor<4xi32>
  // GENERIC-NEXT: %[[G_SIZE:[^ ,]+]] = "circle.const"() <{value = dense<[1, 2, 2, 4]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %size = circle.const dense<[1, 2, 2, 4]> : tensor<4xi32>
  // CHECK-NEXT: %[[S:[^ ,]+]] = circle.slice %[[X]], %[[BEGIN]], %[[SIZE]] : (tensor<1x2x3x4xf32>, tensor<4xi32>, tensor<4xi32>) -> tensor<1x2x2x4xf32>
  // GENERIC-NEXT: %[[G_S:[^ ,]+]] = "circle.slice"(%[[G_X]], %[[G_BEGIN]], %[[G_SIZE]]) : (tensor<1x2x3x4xf32>, tensor<4xi32>, tensor<4xi32>) -> tensor<1x2x2x4xf32>
  %s = circle.slice %x, %begin, %size : (tensor<1x2x3x4xf32>, tensor<4xi32>, tensor<4xi32>) -> tensor<1x2x2x4xf32>
  // CHECK-NEXT: %[[END:[^ ,]+]] = circle.const dense<[1, 2, 3, 4]> : tensor<4xi32>
  // GENERIC-NEXT: %[[G_END:[^ ,]+]] = "circle.const"() <{value = dense<[1, 2, 3, 4]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %end = circle.const dense<[1, 2, 3, 4]> : tensor<4xi32>
  // CHECK-NEXT: %[[STRIDES:[^ ,]+]] = circle.const dense<[1, 1, 2, 2]> : tensor<4xi32>
  // GENERIC-NEXT: %[[G_STRIDES:[^ ,]+]] = "circle.const"() <{value = dense<[1, 1, 2, 2]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %strides = circle.const dense<[1, 1, 2, 2]> : tensor<4xi32>
  // CHECK-NEXT: %[[SS:[^ ,]+]] = circle.strided_slice %[[X]], %[[BEGIN]], %[[END]], %[[STRIDES]] {begin_mask = 1 : i32, end_mask = 2 : i32, new_axis_mask = 4 : i32, shrink_axis_mask = 8 : i32, offset = true} : (tensor<1x2x3x4xf32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) -> tensor<1x2x1x2xf32>
  // GENERIC-NEXT: %[[G_SS:[^ ,]+]] = "circle.strided_slice"(%[[G_X]], %[[G_BEGIN]], %[[G_END]], %[[G_STRIDES]]) <{begin_mask = 1 : i32, end_mask = 2 : i32, ellipsis_mask = 0 : i32, new_axis_mask = 4 : i32, shrink_axis_mask = 8 : i32, offset = true}> : (tensor<1x2x3x4xf32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) -> tensor<1x2x1x2xf32>
  %ss = circle.strided_slice %x, %begin, %end, %strides {begin_mask = 1 : i32, end_mask = 2 : i32, ellipsis_mask = 0 : i32, new_axis_mask = 4 : i32, shrink_axis_mask = 8 : i32, offset = true} : (tensor<1x2x3x4xf32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) -> tensor<1x2x1x2xf32>
  // CHECK-NEXT: %[[PADS:[^ ,]+]] = circle.const dense<{{\[\[}}0, 0], [1, 1], [0, 2], [0, 0]]> : tensor<4x2xi32>
  // GENERIC-NEXT: %[[G_PADS:[^ ,]+]] = "circle.const"() <{value = dense<{{\[\[}}0, 0], [1, 1], [0, 2], [0, 0]]> : tensor<4x2xi32>}> : () -> tensor<4x2xi32>
  %pads = circle.const dense<[[0, 0], [1, 1], [0, 2], [0, 0]]> : tensor<4x2xi32>
  // CHECK-NEXT: %[[P:[^ ,]+]] = circle.pad %[[X]], %[[PADS]] : (tensor<1x2x3x4xf32>, tensor<4x2xi32>) -> tensor<1x4x5x4xf32>
  // GENERIC-NEXT: %[[G_P:[^ ,]+]] = "circle.pad"(%[[G_X]], %[[G_PADS]]) : (tensor<1x2x3x4xf32>, tensor<4x2xi32>) -> tensor<1x4x5x4xf32>
  %p = circle.pad %x, %pads : (tensor<1x2x3x4xf32>, tensor<4x2xi32>) -> tensor<1x4x5x4xf32>
  // CHECK-NEXT: %[[LOWEST:[^ ,]+]] = circle.const dense<-3.40282347e+38> : tensor<f32>
  // GENERIC-NEXT: %[[G_LOWEST:[^ ,]+]] = "circle.const"() <{value = dense<-3.40282347e+38> : tensor<f32>}> : () -> tensor<f32>
  %lowest = circle.const dense<-3.40282347E+38> : tensor<f32>
  // CHECK-NEXT: %[[P2:[^ ,]+]] = circle.padv2 %[[X]], %[[PADS]], %[[LOWEST]] : (tensor<1x2x3x4xf32>, tensor<4x2xi32>, tensor<f32>) -> tensor<1x4x5x4xf32>
  // GENERIC-NEXT: %[[G_P2:[^ ,]+]] = "circle.padv2"(%[[G_X]], %[[G_PADS]], %[[G_LOWEST]]) : (tensor<1x2x3x4xf32>, tensor<4x2xi32>, tensor<f32>) -> tensor<1x4x5x4xf32>
  %p2 = circle.padv2 %x, %pads, %lowest : (tensor<1x2x3x4xf32>, tensor<4x2xi32>, tensor<f32>) -> tensor<1x4x5x4xf32>
  // CHECK-NEXT: %[[IDX:[^ ,]+]] = circle.const dense<[3, 0]> : tensor<2xi32>
  // GENERIC-NEXT: %[[G_IDX:[^ ,]+]] = "circle.const"() <{value = dense<[3, 0]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %idx = circle.const dense<[3, 0]> : tensor<2xi32>
  // CHECK-NEXT: %[[G:[^ ,]+]] = circle.gather %[[X]], %[[IDX]] {axis = 3 : i32} : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x2x3x2xf32>
  // GENERIC-NEXT: %[[G_G:[^ ,]+]] = "circle.gather"(%[[G_X]], %[[G_IDX]]) <{axis = 3 : i32, batch_dims = 0 : i32}> : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x2x3x2xf32>
  %g = circle.gather %x, %idx {axis = 3 : i32, batch_dims = 0 : i32} : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x2x3x2xf32>
  // CHECK-NEXT: %[[HW:[^ ,]+]] = circle.const dense<[4, 6]> : tensor<2xi32>
  // GENERIC-NEXT: %[[G_HW:[^ ,]+]] = "circle.const"() <{value = dense<[4, 6]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %hw = circle.const dense<[4, 6]> : tensor<2xi32>
  // CHECK-NEXT: %[[RB:[^ ,]+]] = circle.resize_bilinear %[[X]], %[[HW]] {align_corners = true} : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x4x6x4xf32>
  // GENERIC-NEXT: %[[G_RB:[^ ,]+]] = "circle.resize_bilinear"(%[[G_X]], %[[G_HW]]) <{align_corners = true, half_pixel_centers = false}> : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x4x6x4xf32>
  %rb = circle.resize_bilinear %x, %hw {align_corners = true} : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x4x6x4xf32>
  // CHECK-NEXT: %[[RN:[^ ,]+]] = circle.resize_nearest_neighbor %[[X]], %[[HW]] {half_pixel_centers = true} : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x4x6x4xf32>
  // GENERIC-NEXT: %[[G_RN:[^ ,]+]] = "circle.resize_nearest_neighbor"(%[[G_X]], %[[G_HW]]) <{half_pixel_centers = true, align_corners = false}> : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x4x6x4xf32>
  %rn = circle.resize_nearest_neighbor %x, %hw {half_pixel_centers = true} : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x4x6x4xf32>
  // CHECK-NEXT: %[[AXES:[^ ,]+]] = circle.const dense<[1, 2]> : tensor<2xi32>
  // GENERIC-NEXT: %[[G_AXES:[^ ,]+]] = "circle.const"() <{value = dense<[1, 2]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %axes = circle.const dense<[1, 2]> : tensor<2xi32>
  // CHECK-NEXT: %[[M:[^ ,]+]] = circle.mean %[[X]], %[[AXES]] {keep_dims = true} : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x1x1x4xf32>
  // GENERIC-NEXT: %[[G_M:[^ ,]+]] = "circle.mean"(%[[G_X]], %[[G_AXES]]) <{keep_dims = true}> : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x1x1x4xf32>
  %m = circle.mean %x, %axes {keep_dims = true} : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x1x1x4xf32>
  // CHECK-NEXT: %[[SUM:[^ ,]+]] = circle.sum %[[X]], %[[AXES]] : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x4xf32>
  // GENERIC-NEXT: %[[G_SUM:[^ ,]+]] = "circle.sum"(%[[G_X]], %[[G_AXES]]) <{keep_dims = false}> : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x4xf32>
  %sum = circle.sum %x, %axes : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x4xf32>
  // CHECK-NEXT: %[[MX:[^ ,]+]] = circle.reduce_max %[[X]], %[[AXES]] {keep_dims = true} : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x1x1x4xf32>
  // GENERIC-NEXT: %[[G_MX:[^ ,]+]] = "circle.reduce_max"(%[[G_X]], %[[G_AXES]]) <{keep_dims = true}> : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x1x1x4xf32>
  %mx = circle.reduce_max %x, %axes {keep_dims = true} : (tensor<1x2x3x4xf32>, tensor<2xi32>) -> tensor<1x1x1x4xf32>
  // CHECK-NEXT: func.return
  // GENERIC-NEXT: "func.return"() : () -> ()
  func.return
// CHECK-NEXT: }
}

// -----

// Variadic operands (concatenation of 3 and of 1) and results (split, split_v).
// CHECK-LABEL: func.func @variadic(
// CHECK-SAME: %[[A:[^:]+]]: tensor<1x2x4xf32>, %[[B:[^:]+]]: tensor<1x3x4xf32>, %[[C:[^:]+]]: tensor<1x1x4xf32>) -> (tensor<1x6x4xf32>, tensor<1x3x4xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "variadic"
// GENERIC-NEXT: ^bb0(%[[G_A:[^:]+]]: tensor<1x2x4xf32>, %[[G_B:[^:]+]]: tensor<1x3x4xf32>, %[[G_C:[^:]+]]: tensor<1x1x4xf32>):
func.func @variadic(%a: tensor<1x2x4xf32>, %b: tensor<1x3x4xf32>, %c: tensor<1x1x4xf32>) -> (tensor<1x6x4xf32>, tensor<1x3x4xf32>) {
  // CHECK-NEXT: %[[CAT:[^ ,]+]] = circle.concatenation %[[A]], %[[B]], %[[C]] {axis = 1 : i32, fused_activation_function = "RELU"} : (tensor<1x2x4xf32>, tensor<1x3x4xf32>, tensor<1x1x4xf32>) -> tensor<1x6x4xf32>
  // GENERIC-NEXT: %[[G_CAT:[^ ,]+]] = "circle.concatenation"(%[[G_A]], %[[G_B]], %[[G_C]]) <{axis = 1 : i32, fused_activation_function = "RELU"}> : (tensor<1x2x4xf32>, tensor<1x3x4xf32>, tensor<1x1x4xf32>) -> tensor<1x6x4xf32>
  %cat = circle.concatenation %a, %b, %c {axis = 1 : i32, fused_activation_function = "RELU"} : (tensor<1x2x4xf32>, tensor<1x3x4xf32>, tensor<1x1x4xf32>) -> tensor<1x6x4xf32>
  // CHECK-NEXT: %[[ONE:[^ ,]+]] = circle.concatenation %[[A]] {axis = -1 : i32} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  // GENERIC-NEXT: %[[G_ONE:[^ ,]+]] = "circle.concatenation"(%[[G_A]]) <{axis = -1 : i32, fused_activation_function = "NONE"}> : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %one = circle.concatenation %a {axis = -1 : i32} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  // CHECK-NEXT: %[[AXIS:[^ ,]+]] = circle.const dense<1> : tensor<i32>
  // GENERIC-NEXT: %[[G_AXIS:[^ ,]+]] = "circle.const"() <{value = dense<1> : tensor<i32>}> : () -> tensor<i32>
  %axis = circle.const dense<1> : tensor<i32>
  // CHECK-NEXT: %[[S:[^ ,]+]], %[[S_1:[^ ,]+]], %[[S_2:[^ ,]+]] = circle.split %[[AXIS]], %[[CAT]] {num_splits = 3 : i32} : (tensor<i32>, tensor<1x6x4xf32>) -> (tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  // GENERIC-NEXT: %[[G_S:[^ ,]+]], %[[G_S_1:[^ ,]+]], %[[G_S_2:[^ ,]+]] = "circle.split"(%[[G_AXIS]], %[[G_CAT]]) <{num_splits = 3 : i32}> : (tensor<i32>, tensor<1x6x4xf32>) -> (tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  %s:3 = circle.split %axis, %cat {num_splits = 3 : i32} : (tensor<i32>, tensor<1x6x4xf32>) -> (tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  // CHECK-NEXT: %[[SIZES:[^ ,]+]] = circle.const dense<[1, 2, 3]> : tensor<3xi32>
  // GENERIC-NEXT: %[[G_SIZES:[^ ,]+]] = "circle.const"() <{value = dense<[1, 2, 3]> : tensor<3xi32>}> : () -> tensor<3xi32>
  %sizes = circle.const dense<[1, 2, 3]> : tensor<3xi32>
  // CHECK-NEXT: %[[V:[^ ,]+]], %[[V_1:[^ ,]+]], %[[V_2:[^ ,]+]] = circle.split_v %[[CAT]], %[[SIZES]], %[[AXIS]] {num_splits = 3 : i32} : (tensor<1x6x4xf32>, tensor<3xi32>, tensor<i32>) -> (tensor<1x1x4xf32>, tensor<1x2x4xf32>, tensor<1x3x4xf32>)
  // GENERIC-NEXT: %[[G_V:[^ ,]+]], %[[G_V_1:[^ ,]+]], %[[G_V_2:[^ ,]+]] = "circle.split_v"(%[[G_CAT]], %[[G_SIZES]], %[[G_AXIS]]) <{num_splits = 3 : i32}> : (tensor<1x6x4xf32>, tensor<3xi32>, tensor<i32>) -> (tensor<1x1x4xf32>, tensor<1x2x4xf32>, tensor<1x3x4xf32>)
  %v:3 = circle.split_v %cat, %sizes, %axis {num_splits = 3 : i32} : (tensor<1x6x4xf32>, tensor<3xi32>, tensor<i32>) -> (tensor<1x1x4xf32>, tensor<1x2x4xf32>, tensor<1x3x4xf32>)
  // CHECK-NEXT: func.return %[[CAT]], %[[V_2]] : tensor<1x6x4xf32>, tensor<1x3x4xf32>
  // GENERIC-NEXT: "func.return"(%[[G_CAT]], %[[G_V_2]]) : (tensor<1x6x4xf32>, tensor<1x3x4xf32>) -> ()
  func.return %cat, %v#2 : tensor<1x6x4xf32>, tensor<1x3x4xf32>
// CHECK-NEXT: }
}

// -----

// Quantized shape ops keep the input's qparams; mean may change them.
// CHECK-LABEL: func.func @shapes_q(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, %[[Y:[^:]+]]: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "shapes_q"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, %[[G_Y:[^:]+]]: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>):
func.func @shapes_q(%x: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, %y: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>) {
  // CHECK-NEXT: %[[SHAPE:[^ ,]+]] = circle.const dense<4> : tensor<2xi32>
  // GENERIC-NEXT: %[[G_SHAPE:[^ ,]+]] = "circle.const"() <{value = dense<4> : tensor<2xi32>}> : () -> tensor<2xi32>
  %shape = circle.const dense<[4, 4]> : tensor<2xi32>
  // CHECK-NEXT: %[[R:[^ ,]+]] = circle.reshape %[[X]], %[[SHAPE]] : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<2xi32>) -> tensor<4x4x!quant.uniform<i8:f32, 0.1:-1>>
  // GENERIC-NEXT: %[[G_R:[^ ,]+]] = "circle.reshape"(%[[G_X]], %[[G_SHAPE]]) : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<2xi32>) -> tensor<4x4x!quant.uniform<i8:f32, 0.1:-1>>
  %r = circle.reshape %x, %shape : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<2xi32>) -> tensor<4x4x!quant.uniform<i8:f32, 0.1:-1>>
  // CHECK-NEXT: %[[CAT:[^ ,]+]] = circle.concatenation %[[X]], %[[Y]] {axis = 3 : i32} : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x2x2x8x!quant.uniform<i8:f32, 0.1:-1>>
  // GENERIC-NEXT: %[[G_CAT:[^ ,]+]] = "circle.concatenation"(%[[G_X]], %[[G_Y]]) <{axis = 3 : i32, fused_activation_function = "NONE"}> : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x2x2x8x!quant.uniform<i8:f32, 0.1:-1>>
  %cat = circle.concatenation %x, %y {axis = 3 : i32} : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x2x2x8x!quant.uniform<i8:f32, 0.1:-1>>
  // CHECK-NEXT: %[[AXIS:[^ ,]+]] = circle.const dense<3> : tensor<i32>
  // GENERIC-NEXT: %[[G_AXIS:[^ ,]+]] = "circle.const"() <{value = dense<3> : tensor<i32>}> : () -> tensor<i32>
  %axis = circle.const dense<3> : tensor<i32>
  // CHECK-NEXT: %[[S:[^ ,]+]], %[[S_1:[^ ,]+]] = circle.split %[[AXIS]], %[[CAT]] {num_splits = 2 : i32} : (tensor<i32>, tensor<1x2x2x8x!quant.uniform<i8:f32, 0.1:-1>>) -> (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>)
  // GENERIC-NEXT: %[[G_S:[^ ,]+]], %[[G_S_1:[^ ,]+]] = "circle.split"(%[[G_AXIS]], %[[G_CAT]]) <{num_splits = 2 : i32}> : (tensor<i32>, tensor<1x2x2x8x!quant.uniform<i8:f32, 0.1:-1>>) -> (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>)
  %s:2 = circle.split %axis, %cat {num_splits = 2 : i32} : (tensor<i32>, tensor<1x2x2x8x!quant.uniform<i8:f32, 0.1:-1>>) -> (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>)
  // CHECK-NEXT: %[[AXES:[^ ,]+]] = circle.const dense<[1, 2]> : tensor<2xi32>
  // GENERIC-NEXT: %[[G_AXES:[^ ,]+]] = "circle.const"() <{value = dense<[1, 2]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %axes = circle.const dense<[1, 2]> : tensor<2xi32>
  // CHECK-NEXT: %[[M:[^ ,]+]] = circle.mean %[[X]], %[[AXES]] : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<2xi32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.05:2>>
  // GENERIC-NEXT: %[[G_M:[^ ,]+]] = "circle.mean"(%[[G_X]], %[[G_AXES]]) <{keep_dims = false}> : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<2xi32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.05:2>>
  %m = circle.mean %x, %axes : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<2xi32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.05:2>>
  // CHECK-NEXT: %[[PADS:[^ ,]+]] = circle.const dense<{{\[\[}}0, 0], [1, 1], [1, 1], [0, 0]]> : tensor<4x2xi32>
  // GENERIC-NEXT: %[[G_PADS:[^ ,]+]] = "circle.const"() <{value = dense<{{\[\[}}0, 0], [1, 1], [1, 1], [0, 0]]> : tensor<4x2xi32>}> : () -> tensor<4x2xi32>
  %pads = circle.const dense<[[0, 0], [1, 1], [1, 1], [0, 0]]> : tensor<4x2xi32>
  // CHECK-NEXT: %[[LOW:[^ ,]+]] = circle.const dense<-128> : tensor<i8> to tensor<!quant.uniform<i8:f32, 0.1:-1>>
  // GENERIC-NEXT: %[[G_LOW:[^ ,]+]] = "circle.const"() <{value = dense<-128> : tensor<i8>}> : () -> tensor<!quant.uniform<i8:f32, 0.1:-1>>
  %low = circle.const dense<-128> : tensor<i8> to tensor<!quant.uniform<i8:f32, 0.1:-1>>
  // CHECK-NEXT: %[[P:[^ ,]+]] = circle.padv2 %[[X]], %[[PADS]], %[[LOW]] : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<4x2xi32>, tensor<!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1:-1>>
  // GENERIC-NEXT: %[[G_P:[^ ,]+]] = "circle.padv2"(%[[G_X]], %[[G_PADS]], %[[G_LOW]]) : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<4x2xi32>, tensor<!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1:-1>>
  %p = circle.padv2 %x, %pads, %low : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1:-1>>, tensor<4x2xi32>, tensor<!quant.uniform<i8:f32, 0.1:-1>>) -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1:-1>>
  // CHECK-NEXT: func.return
  // GENERIC-NEXT: "func.return"() : () -> ()
  func.return
// CHECK-NEXT: }
}

// -----

// Dynamic dimensions (`?`) where the verifiers accept them.
// FIXME: broadcasting against a dynamic dimension is rejected, e.g.
// `circle.add %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>` fails with
// "shapes [-9223372036854775808, 3] and [3] do not broadcast to [-9223372036854775808, 3]";
// concatenation along a dynamic axis fails too. Not pinned here (see the report).
// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x8x8x4xf32>, %[[W:[^:]+]]: tensor<6x3x3x4xf32>, %[[V:[^:]+]]: tensor<?x8xf32>, %[[FW:[^:]+]]: tensor<4x8xf32>, %[[A:[^:]+]]: tensor<?x3xf32>, %[[B:[^:]+]]: tensor<?x2xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "dynamic"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<?x8x8x4xf32>, %[[G_W:[^:]+]]: tensor<6x3x3x4xf32>, %[[G_V:[^:]+]]: tensor<?x8xf32>, %[[G_FW:[^:]+]]: tensor<4x8xf32>, %[[G_A:[^:]+]]: tensor<?x3xf32>, %[[G_B:[^:]+]]: tensor<?x2xf32>):
func.func @dynamic(%x: tensor<?x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %v: tensor<?x8xf32>, %fw: tensor<4x8xf32>, %a: tensor<?x3xf32>, %b: tensor<?x2xf32>) {
  // CHECK-NEXT: %[[NONE:[^ ,]+]] = circle.no_value : none
  // GENERIC-NEXT: %[[G_NONE:[^ ,]+]] = "circle.no_value"() : () -> none
  %none = circle.no_value : none
  // CHECK-NEXT: %[[C:[^ ,]+]] = circle.conv_2d %[[X]], %[[W]], %[[NONE]] : (tensor<?x8x8x4xf32>, tensor<6x3x3x4xf32>, none) -> tensor<?x6x6x6xf32>
  // GENERIC-NEXT: %[[G_C:[^ ,]+]] = "circle.conv_2d"(%[[G_X]], %[[G_W]], %[[G_NONE]]) <{padding = "VALID", stride_w = 1 : i32, stride_h = 1 : i32, dilation_w_factor = 1 : i32, dilation_h_factor = 1 : i32, fused_activation_function = "NONE"}> : (tensor<?x8x8x4xf32>, tensor<6x3x3x4xf32>, none) -> tensor<?x6x6x6xf32>
  %c = circle.conv_2d %x, %w, %none : (tensor<?x8x8x4xf32>, tensor<6x3x3x4xf32>, none) -> tensor<?x6x6x6xf32>
  // CHECK-NEXT: %[[F:[^ ,]+]] = circle.fully_connected %[[V]], %[[FW]], %[[NONE]] : (tensor<?x8xf32>, tensor<4x8xf32>, none) -> tensor<?x4xf32>
  // GENERIC-NEXT: %[[G_F:[^ ,]+]] = "circle.fully_connected"(%[[G_V]], %[[G_FW]], %[[G_NONE]]) <{fused_activation_function = "NONE", weights_format = "DEFAULT", keep_num_dims = false, asymmetric_quantize_inputs = false}> : (tensor<?x8xf32>, tensor<4x8xf32>, none) -> tensor<?x4xf32>
  %f = circle.fully_connected %v, %fw, %none : (tensor<?x8xf32>, tensor<4x8xf32>, none) -> tensor<?x4xf32>
  // CHECK-NEXT: %[[S:[^ ,]+]] = circle.add %[[A]], %[[A]] : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  // GENERIC-NEXT: %[[G_S:[^ ,]+]] = "circle.add"(%[[G_A]], %[[G_A]]) <{pot_scale_int16 = false, fused_activation_function = "NONE"}> : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %s = circle.add %a, %a : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  // CHECK-NEXT: %[[CAT:[^ ,]+]] = circle.concatenation %[[A]], %[[B]] {axis = 1 : i32} : (tensor<?x3xf32>, tensor<?x2xf32>) -> tensor<?x5xf32>
  // GENERIC-NEXT: %[[G_CAT:[^ ,]+]] = "circle.concatenation"(%[[G_A]], %[[G_B]]) <{axis = 1 : i32, fused_activation_function = "NONE"}> : (tensor<?x3xf32>, tensor<?x2xf32>) -> tensor<?x5xf32>
  %cat = circle.concatenation %a, %b {axis = 1 : i32} : (tensor<?x3xf32>, tensor<?x2xf32>) -> tensor<?x5xf32>
  // CHECK-NEXT: func.return
  // GENERIC-NEXT: "func.return"() : () -> ()
  func.return
// CHECK-NEXT: }
}

// -----

// Dynamic dimensions match anything in the shape checks (broadcast, concat, reshape);
// a size-0 dimension broadcasts against 1.
// CHECK-LABEL: func.func @dynamic(
func.func @dynamic(%a: tensor<?x3xf32>, %b: tensor<3xf32>, %z: tensor<0x3xf32>, %o: tensor<1x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>, tensor<2x?xf32>, tensor<0x3xf32>) {
  // CHECK: circle.add %{{.*}}, %{{.*}} : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %s = circle.add %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %c = circle.concatenation %a, %a {axis = 0 : i32} : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %sh = circle.const dense<[2, -1]> : tensor<2xi32>
  %r = circle.reshape %a, %sh : (tensor<?x3xf32>, tensor<2xi32>) -> tensor<2x?xf32>
  // CHECK: circle.mul %{{.*}}, %{{.*}} : (tensor<0x3xf32>, tensor<1x3xf32>) -> tensor<0x3xf32>
  %m = circle.mul %z, %o : (tensor<0x3xf32>, tensor<1x3xf32>) -> tensor<0x3xf32>
  func.return %s, %c, %r, %m : tensor<?x3xf32>, tensor<?x3xf32>, tensor<2x?xf32>, tensor<0x3xf32>
}
