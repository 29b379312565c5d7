// RUN: qopt %s --split-input-file -p quantize-bias 2>&1 | filecheck %s

// A float bias becomes i32, zero point 0, scale s_in * s_w per channel.
// The warning of the overflow case (stderr comes first).
// CHECK: qopt: warning: model.py:9: 'fc': circle.fully_connected: bias does not fit its storage at scale(input) * scale(weight); weight scale raised for channel(s) [0] so it does

// CHECK-LABEL: func.func @float_bias(
// CHECK-NOT:     circle.const
// CHECK:         %[[B:.*]] = quant.constant dense<[8, -40]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.125,0.0625}>>
// CHECK-NEXT:    %[[BD:.*]] = quant.dcast %[[B]]
// CHECK-NEXT:    circle.fully_connected %{{.*}}, %{{.*}}, %[[BD]]
func.func @float_bias(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5:3>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<i8:f32, 0.5:3>> to tensor<1x4xf32>
  %w = quant.constant dense<1> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>
  %wd = quant.dcast %w : tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>> to tensor<2x4xf32>
  %b = circle.const dense<[1.0, -2.5]> : tensor<2xf32>
  %y = circle.fully_connected %d, %wd, %b : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %yq = quant.qcast %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  %yd = quant.dcast %yq : tensor<1x2x!quant.uniform<i8:f32, 1.0>> to tensor<1x2xf32>
  func.return %yd : tensor<1x2xf32>
}

// -----

// 16x8: an i32 bias (what PT2E can express) is widened to the i64 the kernels take.
// CHECK-LABEL: func.func @widen_int16(
// CHECK:         %[[B:.*]] = quant.constant dense<[7, -9]> : tensor<2xi64> to tensor<2x!quant.uniform<i64:f32:0, {0.125,0.0625}>>
// CHECK-NEXT:    %[[BD:.*]] = quant.dcast %[[B]]
// CHECK-NEXT:    circle.fully_connected %{{.*}}, %{{.*}}, %[[BD]]
func.func @widen_int16(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i16:f32, 0.5>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<i16:f32, 0.5>> to tensor<1x4xf32>
  %w = quant.constant dense<1> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>
  %wd = quant.dcast %w : tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>> to tensor<2x4xf32>
  %b = quant.constant dense<[7, -9]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.125,0.0625}>>
  %bd = quant.dcast %b : tensor<2x!quant.uniform<i32:f32:0, {0.125,0.0625}>> to tensor<2xf32>
  %y = circle.fully_connected %d, %wd, %bd : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %yq = quant.qcast %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i16:f32, 1.0>>
  %yd = quant.dcast %yq : tensor<1x2x!quant.uniform<i16:f32, 1.0>> to tensor<1x2xf32>
  func.return %yd : tensor<1x2xf32>
}

// -----

// A bias that does not fit i32 at s_in * s_w: the weight scale of that channel is raised.
// CHECK-LABEL: func.func @overflow(
// CHECK:         %[[W:.*]] = quant.constant dense<{{\[\[}}0, 0, 0, 0], [5, 6, 7, 8]]> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.004656617649494729,0.5}>>
// CHECK-NEXT:    %[[WD:.*]] = quant.dcast %[[W]]
// CHECK-NEXT:    %[[B:.*]] = quant.constant dense<[2147481551, 20000]> : tensor<2xi32>
// CHECK-NEXT:    %[[BD:.*]] = quant.dcast %[[B]]
// CHECK-NEXT:    circle.fully_connected %{{.*}}, %[[WD]], %[[BD]]
func.func @overflow(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 1.0e-04>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<i8:f32, 1.0e-04>> to tensor<1x4xf32>
  %w = quant.constant dense<[[1, 2, 3, 4], [5, 6, 7, 8]]> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {1.0e-06,0.5}>>
  %wd = quant.dcast %w : tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {1.0e-06,0.5}>> to tensor<2x4xf32>
  %b = circle.const dense<[1000.0, 1.0]> : tensor<2xf32>
  %y = circle.fully_connected %d, %wd, %b : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("fc"("model.py":9:0))
  %yq = quant.qcast %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  %yd = quant.dcast %yq : tensor<1x2x!quant.uniform<i8:f32, 1.0>> to tensor<1x2xf32>
  func.return %yd : tensor<1x2xf32>
}

// -----

// Negative: a bias of the right type is left alone; a float op keeps a float bias.
// CHECK-LABEL: func.func @unchanged(
// CHECK:         %[[B:.*]] = quant.constant dense<[3, 4]> : tensor<2xi32>
// CHECK-NEXT:    %[[BD:.*]] = quant.dcast %[[B]]
// CHECK-NEXT:    circle.fully_connected %{{.*}}, %{{.*}}, %[[BD]]
// CHECK:         %[[FB:.*]] = circle.const dense<5.000000e-01> : tensor<2xf32>
// CHECK-NEXT:    circle.fully_connected %{{.*}}, %{{.*}}, %[[FB]]
func.func @unchanged(%x: tensor<1x4xf32>, %f: tensor<1x4xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5:3>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<i8:f32, 0.5:3>> to tensor<1x4xf32>
  %w = quant.constant dense<1> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>
  %wd = quant.dcast %w : tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>> to tensor<2x4xf32>
  %b = quant.constant dense<[3, 4]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.125,0.0625}>>
  %bd = quant.dcast %b : tensor<2x!quant.uniform<i32:f32:0, {0.125,0.0625}>> to tensor<2xf32>
  %y = circle.fully_connected %d, %wd, %bd : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %yq = quant.qcast %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  %yd = quant.dcast %yq : tensor<1x2x!quant.uniform<i8:f32, 1.0>> to tensor<1x2xf32>
  %fw = circle.const dense<1.0> : tensor<2x4xf32>
  %fb = circle.const dense<0.5> : tensor<2xf32>
  %z = circle.fully_connected %f, %fw, %fb : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  func.return %yd, %z : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// A conv without bias gets zeros: onert and LiteRT refuse CONV_2D without one.
// CHECK-LABEL: func.func @required_bias(
// CHECK:         %[[B:.*]] = quant.constant dense<0> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.125,0.0625}>>
// CHECK-NEXT:    %[[BD:.*]] = quant.dcast %[[B]]
// CHECK-NEXT:    circle.conv_2d %{{.*}}, %{{.*}}, %[[BD]]
func.func @required_bias(%x: tensor<1x2x2x4xf32>) -> tensor<1x2x2x2xf32> {
  %q = quant.qcast %x : tensor<1x2x2x4xf32> to tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>
  %d = quant.dcast %q : tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>> to tensor<1x2x2x4xf32>
  %w = quant.constant dense<1> : tensor<2x1x1x4xi8> to tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>
  %wd = quant.dcast %w : tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>> to tensor<2x1x1x4xf32>
  %n = circle.no_value : none
  %y = circle.conv_2d %d, %wd, %n : (tensor<1x2x2x4xf32>, tensor<2x1x1x4xf32>, none) -> tensor<1x2x2x2xf32>
  %yq = quant.qcast %y : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8:f32, 1.0>>
  %yd = quant.dcast %yq : tensor<1x2x2x2x!quant.uniform<i8:f32, 1.0>> to tensor<1x2x2x2xf32>
  func.return %yd : tensor<1x2x2x2xf32>
}

// -----

// A float result (a layer the quantizer left float, kept with allow-float): the op
// computes in float, so its bias stays float; a bias the program quantized becomes its
// real values. The quantized input and weight stay as they are.
// CHECK-LABEL: func.func @float_result(
// CHECK:         %[[B:.*]] = circle.const dense<[1.000000e+00, -2.500000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %{{.*}} = circle.fully_connected %{{.*}}, %{{.*}}, %[[B]] : {{.*}} -> tensor<1x2xf32>
// CHECK-NOT:     i32
// CHECK:         func.return
// CHECK-LABEL: func.func @float_result_quantized_bias(
// CHECK:         %[[B:.*]] = circle.const dense<[1.000000e+00, -2.500000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %{{.*}} = circle.fully_connected %{{.*}}, %{{.*}}, %[[B]] : {{.*}} -> tensor<1x2xf32>
func.func @float_result(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<u8:f32, 0.5:3>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<u8:f32, 0.5:3>> to tensor<1x4xf32>
  %w = quant.constant dense<1> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>
  %wd = quant.dcast %w : tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>> to tensor<2x4xf32>
  %b = circle.const dense<[1.0, -2.5]> : tensor<2xf32>
  %y = circle.fully_connected %d, %wd, %b : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  func.return %y : tensor<1x2xf32>
}
func.func @float_result_quantized_bias(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<u8:f32, 0.5:3>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<u8:f32, 0.5:3>> to tensor<1x4xf32>
  %w = quant.constant dense<1> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>
  %wd = quant.dcast %w : tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>> to tensor<2x4xf32>
  %b = quant.constant dense<[8, -40]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.125,0.0625}>>
  %bd = quant.dcast %b : tensor<2x!quant.uniform<i32:f32:0, {0.125,0.0625}>> to tensor<2xf32>
  %y = circle.fully_connected %d, %wd, %bd : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  func.return %y : tensor<1x2xf32>
}
