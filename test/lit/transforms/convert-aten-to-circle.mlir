// RUN: qopt %s --split-input-file --verify-diagnostics -p convert-aten-to-circle | filecheck %s

// Linear over a rank-3 input: FULLY_CONNECTED keeping the leading dims; no bias.
// CHECK-LABEL: func.func @linear3d(
// CHECK-NEXT:    %[[W:.*]] = circle.const dense<1.000000e+00> : tensor<5x4xf32>
// CHECK-NEXT:    %[[N:.*]] = circle.no_value : none
// CHECK-NEXT:    %[[Y:.*]] = circle.fully_connected %{{.*}}, %[[W]], %[[N]] {keep_num_dims = true} : (tensor<2x3x4xf32>, tensor<5x4xf32>, none) -> tensor<2x3x5xf32>
// CHECK-NEXT:    func.return %[[Y]]
func.func @linear3d(%x: tensor<2x3x4xf32>) -> tensor<2x3x5xf32> {
  %w = circle.const dense<1.0> : tensor<5x4xf32>
  %n = aten.none : none
  %y = aten.linear %x, %w, %n : (tensor<2x3x4xf32>, tensor<5x4xf32>, none) -> tensor<2x3x5xf32>
  func.return %y : tensor<2x3x5xf32>
}

// -----

// Torch's symmetric padding 1 with stride 2 on 5x5 is Circle's SAME; the NCHW input is
// transposed to NHWC around the conv and the OIHW filter relaid out to OHWI at compile time.
// CHECK-LABEL: func.func @conv_pad(
// CHECK-NEXT:    %[[P:.*]] = circle.const dense<[0, 2, 3, 1]> : tensor<4xi32>
// CHECK-NEXT:    %[[X:.*]] = circle.transpose %{{.*}}, %[[P]] : (tensor<1x2x5x5xf32>, tensor<4xi32>) -> tensor<1x5x5x2xf32>
// CHECK-NEXT:    %[[W:.*]] = circle.const dense<1.000000e+00> : tensor<3x3x3x2xf32>
// CHECK-NEXT:    %[[N:.*]] = circle.no_value : none
// CHECK-NEXT:    %[[C:.*]] = circle.conv_2d %[[X]], %[[W]], %[[N]] {padding = "SAME", stride_h = 2 : i32, stride_w = 2 : i32} : (tensor<1x5x5x2xf32>, tensor<3x3x3x2xf32>, none) -> tensor<1x3x3x3xf32>
// CHECK-NEXT:    %[[Q:.*]] = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
// CHECK-NEXT:    %[[Y:.*]] = circle.transpose %[[C]], %[[Q]]
// CHECK-NEXT:    func.return %[[Y]]
func.func @conv_pad(%x: tensor<1x2x5x5xf32>) -> tensor<1x3x3x3xf32> {
  %w = circle.const dense<1.0> : tensor<3x2x3x3xf32>
  %n = aten.none : none
  %y = aten.conv2d %x, %w, %n {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>, none) -> tensor<1x3x3x3xf32>
  func.return %y : tensor<1x3x3x3xf32>
}

// -----

// Circle's softmax works on the last dimension: the softmax dimension is moved there and back.
// CHECK-LABEL: func.func @softmax_dim1(
// CHECK:         circle.transpose %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<3xi32>) -> tensor<2x4x3xf32>
// CHECK-NEXT:    circle.softmax %{{.*}} : (tensor<2x4x3xf32>) -> tensor<2x4x3xf32>
// CHECK:         circle.transpose %{{.*}}, %{{.*}} : (tensor<2x4x3xf32>, tensor<3xi32>) -> tensor<2x3x4xf32>
func.func @softmax_dim1(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %y = aten.softmax.int %x {dim = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  func.return %y : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @shapes(
// CHECK:         circle.const dense<[6, 4]> : tensor<2xi32>
// CHECK-NEXT:    circle.reshape %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<2xi32>) -> tensor<6x4xf32>
// CHECK-NEXT:    circle.const dense<[2, 1, 0]> : tensor<3xi32>
// CHECK-NEXT:    circle.transpose %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<3xi32>) -> tensor<4x3x2xf32>
// CHECK-NEXT:    %[[SIZES:.*]] = circle.const dense<2> : tensor<2xi32>
// CHECK-NEXT:    %[[AXIS:.*]] = circle.const dense<2> : tensor<i32>
// CHECK-NEXT:    circle.split_v %{{.*}}, %[[SIZES]], %[[AXIS]] {num_splits = 2 : i32} : (tensor<2x3x4xf32>, tensor<2xi32>, tensor<i32>) -> (tensor<2x3x2xf32>, tensor<2x3x2xf32>)
// CHECK-NEXT:    circle.concatenation %{{.*}}, %{{.*}} {axis = 2 : i32} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x8xf32>
func.func @shapes(%x: tensor<2x3x4xf32>) -> (tensor<6x4xf32>, tensor<4x3x2xf32>, tensor<2x3x2xf32>, tensor<2x3x2xf32>, tensor<2x3x8xf32>) {
  %a = aten.view %x {size = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %b = aten.permute %x {dims = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %c, %d = aten.split.Tensor %x {split_size = 2 : i64, dim = -1 : i64} : (tensor<2x3x4xf32>) -> (tensor<2x3x2xf32>, tensor<2x3x2xf32>)
  %e = aten.cat %x, %x {dim = 2 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x8xf32>
  func.return %a, %b, %c, %d, %e : tensor<6x4xf32>, tensor<4x3x2xf32>, tensor<2x3x2xf32>, tensor<2x3x2xf32>, tensor<2x3x8xf32>
}

// -----

// cat with an empty piece (GPT-2's empty key/value cache) is its other input: no
// one-input CONCATENATION (LiteRT aborts the process on one).
// CHECK-LABEL: func.func @cat_empty_piece(
// CHECK-SAME:    %[[X:.*]]: tensor<1x2x3xf32>
// CHECK-NOT:     circle.concatenation
// CHECK:         func.return %[[X]]
func.func @cat_empty_piece(%x: tensor<1x2x3xf32>, %empty: tensor<1x0x3xf32>) -> tensor<1x2x3xf32> {
  %e = aten.cat %empty, %x {dim = 1 : i64} : (tensor<1x0x3xf32>, tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
  func.return %e : tensor<1x2x3xf32>
}

// -----

// Torch's max pool pads with -inf (1 on each side here), which Circle's SAME does not
// match: PADV2 with the lowest float, then VALID. A global average pool is a MEAN.
// CHECK-LABEL: func.func @pool(
// CHECK:         %[[PADS:.*]] = circle.const dense<{{\[\[}}0, 0], [1, 1], [1, 1], [0, 0]]> : tensor<4x2xi32>
// CHECK-NEXT:    %[[LOW:.*]] = circle.const dense<-3.40282347e+38> : tensor<f32>
// CHECK-NEXT:    %[[P:.*]] = circle.padv2 %{{.*}}, %[[PADS]], %[[LOW]] : (tensor<1x8x8x4xf32>, tensor<4x2xi32>, tensor<f32>) -> tensor<1x10x10x4xf32>
// CHECK-NEXT:    circle.max_pool_2d %[[P]] {filter_height = 3 : i32, filter_width = 3 : i32, stride_h = 2 : i32, stride_w = 2 : i32} : (tensor<1x10x10x4xf32>) -> tensor<1x4x4x4xf32>
// CHECK:         %[[AX:.*]] = circle.const dense<[2, 3]> : tensor<2xi32>
// CHECK-NEXT:    circle.mean %{{.*}}, %[[AX]] {keep_dims = true} : (tensor<1x4x8x8xf32>, tensor<2xi32>) -> tensor<1x4x1x1xf32>
func.func @pool(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>) {
  %m = aten.max_pool2d %x {kernel_size = array<i64: 3, 3>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %a = aten.adaptive_avg_pool2d %x {output_size = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32>
  func.return %m, %a : tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>
}

// -----

// An op without lowering is reported with the FX node and the user's source line.
// CHECK: model.py:12: 'erfinv': ATen operator aten.erfinv.default has no Circle lowering
func.func @unknown(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = aten.call %x {target = "aten.erfinv.default"} : (tensor<4xf32>) -> tensor<4xf32> loc("erfinv"("model.py":12:0))
  func.return %y : tensor<4xf32>
}

// -----

// CHECK: model.py:7: 'pow_1': aten.pow.Tensor_Scalar: pow with exponent 3 has no Circle lowering (2, 0.5 and -0.5 do)
func.func @bad_args(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = aten.pow.Tensor_Scalar %x {exponent = 3 : i64} : (tensor<4xf32>) -> tensor<4xf32> loc("pow_1"("model.py":7:0))
  func.return %y : tensor<4xf32>
}

// -----

// All unsupported ops are reported at once.
// CHECK:      2 operators have no Circle lowering:
// CHECK-NEXT:   m.py:1: 'a': ATen operator aten.erfinv.default has no Circle lowering
// CHECK-NEXT:   m.py:2: 'b': ATen operator aten.digamma.default has no Circle lowering
func.func @two_unknown(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = aten.call %x {target = "aten.erfinv.default"} : (tensor<4xf32>) -> tensor<4xf32> loc("a"("m.py":1:0))
  %z = aten.call %y {target = "aten.digamma.default"} : (tensor<4xf32>) -> tensor<4xf32> loc("b"("m.py":2:0))
  func.return %z : tensor<4xf32>
}
