// The whole lowering on a PT2E-shaped int8 graph: conv -> relu -> max_pool -> conv
// (+ residual add), NCHW in torch's layout. Afterwards: only circle ops, NHWC, no
// transpose between the convolutions and the pool, float I/O at the boundary.
// RUN: qopt %s -p 'lower-to-circle{scheme=int8}' | filecheck %s
// No quant or aten op is left:
// RUN: qopt %s -p 'lower-to-circle{scheme=int8}' | not grep -E '= (quant|aten)[.]'
// RUN: qopt %s -p 'lower-to-circle{scheme=int8 io-dtype=int}' | filecheck %s --check-prefix=INT
// Every stage re-parses and verifies (textual round trip between all passes):
// RUN: qopt %s -p fold-batch-norm | qopt -p fold-qdq | qopt -p convert-aten-to-circle | qopt -p circle-sink-transposes | qopt -p circle-fuse-activation | qopt -p quant-propagate | qopt -p quantize-bias | qopt -p fuse-qdq | qopt -p circle-cleanup | qopt -p 'verify-quantized{scheme=int8}' | filecheck %s
// The scheme is checked: these are int8 tensors.
// RUN: qopt %s -p 'lower-to-circle{scheme=uint8}' | filecheck %s --check-prefix=UINT8

!a = tensor<1x2x4x4x!quant.uniform<i8:f32, 0.05:-3>>
!r = tensor<1x4x4x4x!quant.uniform<i8:f32, 0.04:-128>>
!p = tensor<1x4x2x2x!quant.uniform<i8:f32, 0.04:-128>>
!o = tensor<1x4x2x2x!quant.uniform<i8:f32, 0.06:-10>>

func.func @forward(%x: tensor<1x2x4x4xf32>) -> tensor<1x4x2x2xf32> {
  %q0 = quant.qcast %x : tensor<1x2x4x4xf32> to !a
  %d0 = quant.dcast %q0 : !a to tensor<1x2x4x4xf32>
  %w1 = quant.constant dense<[[[[1]], [[-2]]], [[[3]], [[4]]], [[[-5]], [[6]]], [[[7]], [[-127]]]]> : tensor<4x2x1x1xi8> to tensor<4x2x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.02,0.03,0.04}>>
  %w1d = quant.dcast %w1 : tensor<4x2x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.02,0.03,0.04}>> to tensor<4x2x1x1xf32>
  %b1 = quant.constant dense<[10, -20, 30, 40]> : tensor<4xi32> to tensor<4x!quant.uniform<i32:f32:0, {5.000000e-04,1.000000e-03,1.500000e-03,2.000000e-03}>>
  %b1d = quant.dcast %b1 : tensor<4x!quant.uniform<i32:f32:0, {5.000000e-04,1.000000e-03,1.500000e-03,2.000000e-03}>> to tensor<4xf32>
  %c1 = aten.conv2d %d0, %w1d, %b1d {stride = array<i64: 1, 1>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<4x2x1x1xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %r1 = aten.relu %c1 : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %q1 = quant.qcast %r1 : tensor<1x4x4x4xf32> to !r
  %d1 = quant.dcast %q1 : !r to tensor<1x4x4x4xf32>
  %m = aten.max_pool2d %d1 {kernel_size = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32>
  %q2 = quant.qcast %m : tensor<1x4x2x2xf32> to !p
  %d2 = quant.dcast %q2 : !p to tensor<1x4x2x2xf32>
  %d2b = quant.dcast %q2 : !p to tensor<1x4x2x2xf32>
  %w2 = quant.constant dense<2> : tensor<4x1x3x3xi8> to tensor<4x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.01,0.02,0.02}>>
  %w2d = quant.dcast %w2 : tensor<4x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.01,0.02,0.02}>> to tensor<4x1x3x3xf32>
  %none = aten.none : none
  %c2 = aten.conv2d %d2, %w2d, %none {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 4 : i64} : (tensor<1x4x2x2xf32>, tensor<4x1x3x3xf32>, none) -> tensor<1x4x2x2xf32>
  %q4 = quant.qcast %c2 : tensor<1x4x2x2xf32> to !o
  %d4 = quant.dcast %q4 : !o to tensor<1x4x2x2xf32>
  %s = aten.add.Tensor %d4, %d2b {alpha = 1 : i64} : (tensor<1x4x2x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %q3 = quant.qcast %s : tensor<1x4x2x2xf32> to !o
  %d3 = quant.dcast %q3 : !o to tensor<1x4x2x2xf32>
  func.return %d3 : tensor<1x4x2x2xf32>
}

// CHECK-LABEL: func.func @forward(%{{.*}}: tensor<1x2x4x4xf32>) -> tensor<1x4x2x2xf32> {
// CHECK:         %[[Q:.*]] = circle.quantize %{{.*}} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.05:-3>>
// CHECK-DAG:     %[[B1:.*]] = circle.const dense<[10, -20, 30, 40]> : tensor<4xi32> to tensor<4x!quant.uniform<i32:f32:0, {0.0005,0.001,0.0015,0.002}>>
// CHECK-DAG:     %[[W1:.*]] = circle.const dense<{{\[\[\[\[}}1, -2]]], {{\[\[\[}}3, 4]]], {{\[\[\[}}-5, 6]]], {{\[\[\[}}7, -127]]]]> : tensor<4x1x1x2xi8> to tensor<4x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.02,0.03,0.04}>>
// CHECK-DAG:     %[[XT:.*]] = circle.transpose %[[Q]], %{{.*}} : {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-3>>
// CHECK:         %[[C1:.*]] = circle.conv_2d %[[XT]], %[[W1]], %[[B1]] {fused_activation_function = "RELU"} : {{.*}} -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.04:-128>>
// CHECK-NEXT:    %[[P:.*]] = circle.max_pool_2d %[[C1]] {filter_height = 2 : i32, filter_width = 2 : i32, stride_h = 2 : i32, stride_w = 2 : i32} : {{.*}} -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.04:-128>>
// Depthwise weights 1HWC: the per-axis dimension moved from 0 to 3.
// CHECK-NEXT:    %[[W2:.*]] = circle.const dense<2> : tensor<1x3x3x4xi8> to tensor<1x3x3x4x!quant.uniform<i8<-127:127>:f32:3, {0.01,0.01,0.02,0.02}>>
// A depthwise conv without bias gets a zero one (onert and LiteRT require it).
// CHECK-NEXT:    %[[NB:.*]] = circle.const dense<0> : tensor<4xi32> to tensor<4x!quant.uniform<i32:f32:0, {0.00039999998989515007,0.00039999998989515007,0.0007999999797903001,0.0007999999797903001}>>
// CHECK-NEXT:    %[[C2:.*]] = circle.depthwise_conv_2d %[[P]], %[[W2]], %[[NB]] {padding = "SAME"} : {{.*}} -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.06:-10>>
// CHECK-NEXT:    %[[S:.*]] = circle.add %[[C2]], %[[P]] : {{.*}} -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.06:-10>>
// CHECK-NEXT:    %{{.*}} = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
// CHECK-NEXT:    %[[OT:.*]] = circle.transpose %[[S]], %{{.*}} : {{.*}} -> tensor<1x4x2x2x!quant.uniform<i8:f32, 0.06:-10>>
// CHECK-NEXT:    %[[F:.*]] = circle.dequantize %[[OT]] : {{.*}} -> tensor<1x4x2x2xf32>
// CHECK-NEXT:    func.return %[[F]] : tensor<1x4x2x2xf32>

// INT-LABEL: func.func @forward(%{{.*}}: tensor<1x2x4x4x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x4x2x2x!quant.uniform<i8:f32, 0.06:-10>> {
// INT-NOT:     circle.quantize
// INT-NOT:     circle.dequantize
// INT:         func.return %{{.*}} : tensor<1x4x2x2x!quant.uniform<i8:f32, 0.06:-10>>

// The int8 program for the uint8 scheme: re-encoded exactly by adapt-storage (zero
// points + 128, same scales), not refused.
// UINT8: circle.conv_2d {{.*}} : (tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:125>>, tensor<4x1x1x2x!quant.uniform<u8<1:255>:f32:0, {0.01:128,0.02:128,0.03:128,0.04:128}>>
// UINT8: circle.depthwise_conv_2d {{.*}} -> tensor<1x2x2x4x!quant.uniform<u8:f32, 0.06:118>>
