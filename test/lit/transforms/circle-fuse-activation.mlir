// RUN: qopt %s --split-input-file -p circle-fuse-activation | filecheck %s

// CHECK-LABEL: func.func @conv_relu6(
// CHECK-NEXT:    %[[Y:.*]] = circle.conv_2d %{{.*}}, %{{.*}}, %{{.*}} {fused_activation_function = "RELU6"} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    func.return %[[Y]]
func.func @conv_relu6(%x: tensor<1x4x4x2xf32>, %w: tensor<3x1x1x2xf32>, %b: tensor<3xf32>) -> tensor<1x4x4x3xf32> {
  %y = circle.conv_2d %x, %w, %b : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  %r = circle.relu6 %y : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  func.return %r : tensor<1x4x4x3xf32>
}

// -----

// On quantized tensors the fusion is exact when the activation keeps the type.
// CHECK-LABEL: func.func @add_relu_quantized(
// CHECK-NEXT:    %[[S:.*]] = circle.add %{{.*}}, %{{.*}} {fused_activation_function = "RELU"} : {{.*}} -> tensor<4x!quant.uniform<u8:f32, 0.2>>
// CHECK-NEXT:    func.return %[[S]]
func.func @add_relu_quantized(%a: tensor<4x!quant.uniform<u8:f32, 0.1:10>>) -> tensor<4x!quant.uniform<u8:f32, 0.2>> {
  %s = circle.add %a, %a : (tensor<4x!quant.uniform<u8:f32, 0.1:10>>, tensor<4x!quant.uniform<u8:f32, 0.1:10>>) -> tensor<4x!quant.uniform<u8:f32, 0.2>>
  %r = circle.relu %s : (tensor<4x!quant.uniform<u8:f32, 0.2>>) -> tensor<4x!quant.uniform<u8:f32, 0.2>>
  func.return %r : tensor<4x!quant.uniform<u8:f32, 0.2>>
}

// -----

// Negative: the producer's result is also used elsewhere.
// CHECK-LABEL: func.func @other_user(
// CHECK-NEXT:    %[[S:.*]] = circle.add %{{.*}}, %{{.*}} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT:    %[[R:.*]] = circle.relu %[[S]]
// CHECK-NEXT:    func.return %[[R]], %[[S]]
func.func @other_user(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %s = circle.add %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %r = circle.relu %s : (tensor<4xf32>) -> tensor<4xf32>
  func.return %r, %s : tensor<4xf32>, tensor<4xf32>
}

// -----

// Negative: the activation requantizes (0.2:3 -> 0.05); fusing would change numerics.
// CHECK-LABEL: func.func @requantizing_relu(
// CHECK:         circle.add
// CHECK-NOT:     fused_activation_function
// CHECK-NEXT:    circle.relu
func.func @requantizing_relu(%a: tensor<4x!quant.uniform<u8:f32, 0.1:10>>) -> tensor<4x!quant.uniform<u8:f32, 0.05>> {
  %s = circle.add %a, %a : (tensor<4x!quant.uniform<u8:f32, 0.1:10>>, tensor<4x!quant.uniform<u8:f32, 0.1:10>>) -> tensor<4x!quant.uniform<u8:f32, 0.2:3>>
  %r = circle.relu %s : (tensor<4x!quant.uniform<u8:f32, 0.2:3>>) -> tensor<4x!quant.uniform<u8:f32, 0.05>>
  func.return %r : tensor<4x!quant.uniform<u8:f32, 0.05>>
}

// -----

// An activation separated from its producer by data movement is moved above it, then fused.
// CHECK-LABEL: func.func @through_slice(
// CHECK:         %[[Y:.*]] = circle.transpose_conv {{.*}} {stride_h = 2 : i32, stride_w = 2 : i32, fused_activation_function = "RELU"}
// CHECK:         %[[R:.*]] = circle.slice %[[Y]], %{{.*}}, %{{.*}} : (tensor<1x5x5x4xf32>, tensor<4xi32>, tensor<4xi32>) -> tensor<1x3x3x4xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @through_slice(%x: tensor<1x2x2x4xf32>, %w: tensor<4x3x3x4xf32>) -> tensor<1x3x3x4xf32> {
  %n = circle.no_value : none
  %s = circle.const dense<[1, 5, 5, 4]> : tensor<4xi32>
  %y = circle.transpose_conv %s, %w, %x, %n {stride_h = 2 : i32, stride_w = 2 : i32} : (tensor<4xi32>, tensor<4x3x3x4xf32>, tensor<1x2x2x4xf32>, none) -> tensor<1x5x5x4xf32>
  %b = circle.const dense<[0, 1, 1, 0]> : tensor<4xi32>
  %z = circle.const dense<[1, 3, 3, 4]> : tensor<4xi32>
  %c = circle.slice %y, %b, %z : (tensor<1x5x5x4xf32>, tensor<4xi32>, tensor<4xi32>) -> tensor<1x3x3x4xf32>
  %r = circle.relu %c : (tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
  func.return %r : tensor<1x3x3x4xf32>
}
