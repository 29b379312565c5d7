// Round trip of the float-only ops (SIN, COS, ROUND, FLOOR, POW, CONV_3D): custom -> generic ->
// custom and generic -> generic; non-default CONV_3D options, a `none` bias.
// RUN: QOPT_ROUNDTRIP
// RUN: QOPT_GENERIC_ROUNDTRIP

// CHECK-LABEL: func.func @unary(
// GENERIC-LABEL: "func.func"() <{sym_name = "unary"
func.func @unary(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK-NEXT: %[[S:[^ ,]+]] = circle.sin %{{[^ ,]+}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // GENERIC: "circle.sin"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %s = circle.sin %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %[[C:[^ ,]+]] = circle.cos %[[S]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // GENERIC-NEXT: "circle.cos"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = circle.cos %s : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %[[R:[^ ,]+]] = circle.round %[[C]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // GENERIC-NEXT: "circle.round"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %r = circle.round %c : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %[[F:[^ ,]+]] = circle.floor %[[R]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // GENERIC-NEXT: "circle.floor"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %f = circle.floor %r : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: func.return %[[F]]
  func.return %f : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @conv3d(
// GENERIC-LABEL: "func.func"() <{sym_name = "conv3d"
func.func @conv3d(%x: tensor<1x4x6x6x2xf32>) -> (tensor<1x2x3x3x3xf32>, tensor<1x4x6x6x3xf32>) {
  %w = circle.const dense<0.5> : tensor<3x3x3x2x3xf32>
  %b = circle.const dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %n = circle.no_value : none
  // CHECK: circle.conv_3d %{{[^ ,]+}}, %{{[^ ,]+}}, %{{[^ ,]+}} {padding = "SAME", stride_d = 2 : i32, stride_w = 2 : i32, stride_h = 2 : i32, fused_activation_function = "RELU6", dilation_d_factor = 2 : i32, dilation_w_factor = 3 : i32} : (tensor<1x4x6x6x2xf32>, tensor<3x3x3x2x3xf32>, tensor<3xf32>) -> tensor<1x2x3x3x3xf32>
  // GENERIC: "circle.conv_3d"(%{{.*}}, %{{.*}}, %{{.*}}) <{padding = "SAME", stride_d = 2 : i32, stride_w = 2 : i32, stride_h = 2 : i32, fused_activation_function = "RELU6", dilation_d_factor = 2 : i32, dilation_w_factor = 3 : i32, dilation_h_factor = 1 : i32}>
  %y = circle.conv_3d %x, %w, %b {padding = "SAME", stride_d = 2 : i32, stride_w = 2 : i32, stride_h = 2 : i32, fused_activation_function = "RELU6", dilation_d_factor = 2 : i32, dilation_w_factor = 3 : i32} : (tensor<1x4x6x6x2xf32>, tensor<3x3x3x2x3xf32>, tensor<3xf32>) -> tensor<1x2x3x3x3xf32>
  // CHECK: circle.conv_3d %{{[^ ,]+}}, %{{[^ ,]+}}, %{{[^ ,]+}} {padding = "SAME"} : (tensor<1x4x6x6x2xf32>, tensor<3x3x3x2x3xf32>, none) -> tensor<1x4x6x6x3xf32>
  %z = circle.conv_3d %x, %w, %n {padding = "SAME"} : (tensor<1x4x6x6x2xf32>, tensor<3x3x3x2x3xf32>, none) -> tensor<1x4x6x6x3xf32>
  func.return %y, %z : tensor<1x2x3x3x3xf32>, tensor<1x4x6x6x3xf32>
}

// -----

// CHECK-LABEL: func.func @pow(
// GENERIC-LABEL: "func.func"() <{sym_name = "pow"
func.func @pow(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK-NEXT: %[[P:[^ ,]+]] = circle.pow %{{[^ ,]+}}, %{{[^ ,]+}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // GENERIC: "circle.pow"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %p = circle.pow %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: func.return %[[P]]
  func.return %p : tensor<2x3xf32>
}
