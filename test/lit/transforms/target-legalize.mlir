// RUN: qopt %s --split-input-file -p 'target-legalize{target=onert}' | filecheck %s

// A grouped uint8 CONV_2D (onert computes it wrongly): one CONV_2D per group on a SLICE
// of the input channels, with the group's filter rows and bias, joined on channels.
// CHECK-LABEL: func.func @grouped_conv(
// CHECK:         %[[X0:.*]] = circle.slice %{{.*}}, %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x3x3x2x!quant.uniform<u8:f32, 0.02:3>>
// CHECK:         %[[W0:.*]] = circle.const dense<{{\[}}{{\[}}{{\[}}[1, 2]]]]> : tensor<1x1x1x2xui8> to tensor<1x1x1x2x!quant.uniform<u8:f32, 0.01:128>>
// CHECK:         %[[B0:.*]] = circle.const dense<5> : tensor<1xi32>
// CHECK:         %[[C0:.*]] = circle.conv_2d %[[X0]], %[[W0]], %[[B0]] {fused_activation_function = "RELU"}
// CHECK:         %[[X1:.*]] = circle.slice
// CHECK:         %[[W1:.*]] = circle.const dense<{{\[}}{{\[}}{{\[}}[3, 4]]]]>
// CHECK:         %[[B1:.*]] = circle.const dense<6>
// CHECK:         %[[C1:.*]] = circle.conv_2d %[[X1]], %[[W1]], %[[B1]] {fused_activation_function = "RELU"}
// CHECK:         %[[Y:.*]] = circle.concatenation %[[C0]], %[[C1]] {axis = 3 : i32}
// CHECK-NEXT:    func.return %[[Y]]
func.func @grouped_conv(%x: tensor<1x3x3x4x!quant.uniform<u8:f32, 0.02:3>>) -> tensor<1x3x3x2x!quant.uniform<u8:f32, 0.05:7>> {
  %w = circle.const dense<[[[[1, 2]]], [[[3, 4]]]]> : tensor<2x1x1x2xui8> to tensor<2x1x1x2x!quant.uniform<u8:f32, 0.01:128>>
  %b = circle.const dense<[5, 6]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 0.0002>>
  %y = circle.conv_2d %x, %w, %b {fused_activation_function = "RELU"} : (tensor<1x3x3x4x!quant.uniform<u8:f32, 0.02:3>>, tensor<2x1x1x2x!quant.uniform<u8:f32, 0.01:128>>, tensor<2x!quant.uniform<i32:f32, 0.0002>>) -> tensor<1x3x3x2x!quant.uniform<u8:f32, 0.05:7>>
  func.return %y : tensor<1x3x3x2x!quant.uniform<u8:f32, 0.05:7>>
}

// -----

// uint8 SPLIT_V (wrong in onert): one SLICE per output.
// CHECK-LABEL: func.func @split_v(
// CHECK:         %[[B0:.*]] = circle.const dense<0> : tensor<2xi32>
// CHECK-NEXT:    %[[S0:.*]] = circle.const dense<[2, 3]> : tensor<2xi32>
// CHECK-NEXT:    %[[A:.*]] = circle.slice %{{.*}}, %[[B0]], %[[S0]] : {{.*}} -> tensor<2x3x!quant.uniform<u8:f32, 0.1:5>>
// CHECK-NEXT:    %[[B1:.*]] = circle.const dense<[0, 3]> : tensor<2xi32>
// CHECK-NEXT:    %[[S1:.*]] = circle.const dense<[2, 1]> : tensor<2xi32>
// CHECK-NEXT:    %[[B:.*]] = circle.slice %{{.*}}, %[[B1]], %[[S1]] : {{.*}} -> tensor<2x1x!quant.uniform<u8:f32, 0.1:5>>
// CHECK-NEXT:    func.return %[[A]], %[[B]]
func.func @split_v(%x: tensor<2x4x!quant.uniform<u8:f32, 0.1:5>>) -> (tensor<2x3x!quant.uniform<u8:f32, 0.1:5>>, tensor<2x1x!quant.uniform<u8:f32, 0.1:5>>) {
  %sizes = circle.const dense<[3, 1]> : tensor<2xi32>
  %axis = circle.const dense<1> : tensor<i32>
  %a, %b = circle.split_v %x, %sizes, %axis {num_splits = 2 : i32} : (tensor<2x4x!quant.uniform<u8:f32, 0.1:5>>, tensor<2xi32>, tensor<i32>) -> (tensor<2x3x!quant.uniform<u8:f32, 0.1:5>>, tensor<2x1x!quant.uniform<u8:f32, 0.1:5>>)
  func.return %a, %b : tensor<2x3x!quant.uniform<u8:f32, 0.1:5>>, tensor<2x1x!quant.uniform<u8:f32, 0.1:5>>
}

// -----

// Standalone uint8 RELU6 at shared parameters: MAXIMUM(x, zp), MINIMUM(., zp + round(6/s)).
// CHECK-LABEL: func.func @relu6(
// CHECK:         %[[Z:.*]] = circle.const dense<5> : tensor<1xui8>
// CHECK:         %[[M:.*]] = circle.maximum %{{.*}}, %[[Z]]
// CHECK:         %[[S:.*]] = circle.const dense<65> : tensor<1xui8>
// CHECK:         %[[Y:.*]] = circle.minimum %[[M]], %[[S]]
// CHECK-NEXT:    func.return %[[Y]]
func.func @relu6(%x: tensor<4x!quant.uniform<u8:f32, 0.1:5>>) -> tensor<4x!quant.uniform<u8:f32, 0.1:5>> {
  %y = circle.relu6 %x : (tensor<4x!quant.uniform<u8:f32, 0.1:5>>) -> tensor<4x!quant.uniform<u8:f32, 0.1:5>>
  func.return %y : tensor<4x!quant.uniform<u8:f32, 0.1:5>>
}

// -----

// A uint8 -> uint8 QUANTIZE (refused by onert): DEQUANTIZE + QUANTIZE.
// CHECK-LABEL: func.func @requantize(
// CHECK-NEXT:    %[[D:.*]] = circle.dequantize %{{.*}} : (tensor<4x!quant.uniform<u8:f32, 0.1:5>>) -> tensor<4xf32>
// CHECK-NEXT:    %[[Q:.*]] = circle.quantize %[[D]] : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.3:9>>
// CHECK-NEXT:    func.return %[[Q]]
func.func @requantize(%x: tensor<4x!quant.uniform<u8:f32, 0.1:5>>) -> tensor<4x!quant.uniform<u8:f32, 0.3:9>> {
  %y = circle.quantize %x : (tensor<4x!quant.uniform<u8:f32, 0.1:5>>) -> tensor<4x!quant.uniform<u8:f32, 0.3:9>>
  func.return %y : tensor<4x!quant.uniform<u8:f32, 0.3:9>>
}

// -----

// A rank-5 SLICE (onert returns wrong elements above rank 4): each sliced dimension
// merged with the whole ones after it (here all: rank 1), sliced, reshaped back.
// CHECK-LABEL: func.func @slice_rank5(
// CHECK:         %[[F:.*]] = circle.reshape %{{.*}}, %{{.*}} : {{.*}} -> tensor<1536x!quant.uniform<u8:f32, 0.1:5>>
// CHECK-NEXT:    %[[B:.*]] = circle.const dense<512> : tensor<1xi32>
// CHECK-NEXT:    %[[S:.*]] = circle.const dense<512> : tensor<1xi32>
// CHECK-NEXT:    %[[P:.*]] = circle.slice %[[F]], %[[B]], %[[S]]
// CHECK:         %[[Y:.*]] = circle.reshape %[[P]], %{{.*}} : {{.*}} -> tensor<1x1x4x16x8x!quant.uniform<u8:f32, 0.1:5>>
// CHECK-NEXT:    func.return %[[Y]]
func.func @slice_rank5(%x: tensor<3x1x4x16x8x!quant.uniform<u8:f32, 0.1:5>>) -> tensor<1x1x4x16x8x!quant.uniform<u8:f32, 0.1:5>> {
  %b = circle.const dense<[1, 0, 0, 0, 0]> : tensor<5xi32>
  %s = circle.const dense<[1, 1, 4, 16, 8]> : tensor<5xi32>
  %y = circle.slice %x, %b, %s : (tensor<3x1x4x16x8x!quant.uniform<u8:f32, 0.1:5>>, tensor<5xi32>, tensor<5xi32>) -> tensor<1x1x4x16x8x!quant.uniform<u8:f32, 0.1:5>>
  func.return %y : tensor<1x1x4x16x8x!quant.uniform<u8:f32, 0.1:5>>
}

// -----

// Two sliced dimensions of a rank-6 input: rank 2 after merging.
// CHECK-LABEL: func.func @slice_rank6(
// CHECK:         circle.reshape %{{.*}}, %{{.*}} : {{.*}} -> tensor<2x360xf32>
// CHECK:         %[[B:.*]] = circle.const dense<[1, 120]> : tensor<2xi32>
// CHECK-NEXT:    %[[S:.*]] = circle.const dense<[1, 240]> : tensor<2xi32>
func.func @slice_rank6(%x: tensor<2x3x4x5x6x1xf32>) -> tensor<1x2x4x5x6x1xf32> {
  %b = circle.const dense<[1, 1, 0, 0, 0, 0]> : tensor<6xi32>
  %s = circle.const dense<[1, 2, 4, 5, 6, 1]> : tensor<6xi32>
  %y = circle.slice %x, %b, %s : (tensor<2x3x4x5x6x1xf32>, tensor<6xi32>, tensor<6xi32>) -> tensor<1x2x4x5x6x1xf32>
  func.return %y : tensor<1x2x4x5x6x1xf32>
}

// -----

// A uint8 FULLY_CONNECTED (onert rounds its rescale twice, ignores keep_num_dims, and
// misreads per-channel weights): a 1x1 CONV_2D between RESHAPEs, its rows the batch,
// the weights as an [O, 1, 1, I] filter with the same (per-channel) parameters.
// CHECK-LABEL: func.func @fully_connected(
// CHECK:         %[[S:.*]] = circle.const dense<[1, 1, 6, 3]> : tensor<4xi32>
// CHECK-NEXT:    %[[X:.*]] = circle.reshape %{{.*}}, %[[S]] : {{.*}} -> tensor<1x1x6x3x!quant.uniform<u8:f32, 0.02:3>>
// CHECK-NEXT:    %[[W:.*]] = circle.const dense<{{\[}}{{\[}}{{\[}}[1, 2, 3]]], {{\[}}{{\[}}[4, 5, 6]]]]> : tensor<2x1x1x3xui8> to tensor<2x1x1x3x!quant.uniform<u8:f32:0, {0.01:128,0.02:128}>>
// CHECK-NEXT:    %[[C:.*]] = circle.conv_2d %[[X]], %[[W]], %b {fused_activation_function = "RELU"} : {{.*}} -> tensor<1x1x6x2x!quant.uniform<u8:f32, 0.05:7>>
// CHECK-NEXT:    %[[B:.*]] = circle.const dense<[2, 3, 2]> : tensor<3xi32>
// CHECK-NEXT:    %[[Y:.*]] = circle.reshape %[[C]], %[[B]] : {{.*}} -> tensor<2x3x2x!quant.uniform<u8:f32, 0.05:7>>
// CHECK-NEXT:    func.return %[[Y]]
func.func @fully_connected(%x: tensor<2x3x3x!quant.uniform<u8:f32, 0.02:3>>) -> tensor<2x3x2x!quant.uniform<u8:f32, 0.05:7>> {
  %w = circle.const dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xui8> to tensor<2x3x!quant.uniform<u8:f32:0, {0.01:128, 0.02:128}>>
  %b = circle.const dense<[5, 6]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.0002, 0.0004}>>
  %y = circle.fully_connected %x, %w, %b {fused_activation_function = "RELU", keep_num_dims = true} : (tensor<2x3x3x!quant.uniform<u8:f32, 0.02:3>>, tensor<2x3x!quant.uniform<u8:f32:0, {0.01:128, 0.02:128}>>, tensor<2x!quant.uniform<i32:f32:0, {0.0002, 0.0004}>>) -> tensor<2x3x2x!quant.uniform<u8:f32, 0.05:7>>
  func.return %y : tensor<2x3x2x!quant.uniform<u8:f32, 0.05:7>>
}

// -----

// Without a bias (onert's loader needs one for CONV_2D): a zero bias at scale
// float32(s_in * s_w) (0.02 * 0.01).
// CHECK-LABEL: func.func @fully_connected_no_bias(
// CHECK:         %[[B:.*]] = circle.const dense<0> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 0.00019999999494757503>>
// CHECK-NEXT:    %[[C:.*]] = circle.conv_2d %{{.*}}, %{{.*}}, %[[B]] : {{.*}} -> tensor<1x1x4x2x!quant.uniform<u8:f32, 0.05:7>>
// CHECK:         circle.reshape %[[C]], %{{.*}} : {{.*}} -> tensor<4x2x!quant.uniform<u8:f32, 0.05:7>>
func.func @fully_connected_no_bias(%x: tensor<4x3x!quant.uniform<u8:f32, 0.02:3>>) -> tensor<4x2x!quant.uniform<u8:f32, 0.05:7>> {
  %w = circle.const dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xui8> to tensor<2x3x!quant.uniform<u8:f32, 0.01:128>>
  %none = circle.no_value : none
  %y = circle.fully_connected %x, %w, %none : (tensor<4x3x!quant.uniform<u8:f32, 0.02:3>>, tensor<2x3x!quant.uniform<u8:f32, 0.01:128>>, none) -> tensor<4x2x!quant.uniform<u8:f32, 0.05:7>>
  func.return %y : tensor<4x2x!quant.uniform<u8:f32, 0.05:7>>
}

// -----

// A uint8 MEAN over the trailing axis (onert computes it in float): a 1x1 CONV_2D with
// one filter of stored 255s at scale 1/(255 * 4) and a zero bias, between RESHAPEs (255,
// not 1: the rescale's first rounding falls 8 bits below the output step, so the mean
// is rounded once).
// CHECK-LABEL: func.func @mean_last_axis(
// CHECK:         %[[X:.*]] = circle.reshape %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x1x6x4x!quant.uniform<u8:f32, 0.05:100>>
// CHECK-NEXT:    %[[W:.*]] = circle.const dense<255> : tensor<1x1x1x4xui8> to tensor<1x1x1x4x!quant.uniform<u8:f32, 0.0009803922148421407>>
// CHECK-NEXT:    %[[B:.*]] = circle.const dense<0> : tensor<1xi32> to tensor<1x!quant.uniform<i32:f32, 4.9019610742107034e-05>>
// CHECK-NEXT:    %[[C:.*]] = circle.conv_2d %[[X]], %[[W]], %[[B]] : {{.*}} -> tensor<1x1x6x1x!quant.uniform<u8:f32, 0.013:90>>
// CHECK:         %[[Y:.*]] = circle.reshape %[[C]], %{{.*}} : {{.*}} -> tensor<2x3x1x!quant.uniform<u8:f32, 0.013:90>>
// CHECK-NEXT:    func.return %[[Y]]
func.func @mean_last_axis(%x: tensor<2x3x4x!quant.uniform<u8:f32, 0.05:100>>) -> tensor<2x3x1x!quant.uniform<u8:f32, 0.013:90>> {
  %axis = circle.const dense<[-1]> : tensor<1xi32>
  %y = circle.mean %x, %axis {keep_dims = true} : (tensor<2x3x4x!quant.uniform<u8:f32, 0.05:100>>, tensor<1xi32>) -> tensor<2x3x1x!quant.uniform<u8:f32, 0.013:90>>
  func.return %y : tensor<2x3x1x!quant.uniform<u8:f32, 0.013:90>>
}

// -----

// A MEAN over 40000 elements: the largest stored weight whose int32 sum cannot overflow,
// (2^31 - 1) // (255 * 40000) = 210, at scale 1/(210 * 40000).
// CHECK-LABEL: func.func @mean_long_axis(
// CHECK:         circle.const dense<210> : tensor<1x1x1x40000xui8> to tensor<1x1x1x40000x!quant.uniform<u8:f32, 1.19047{{[0-9]*}}e-07>>
// CHECK:         circle.conv_2d
func.func @mean_long_axis(%x: tensor<1x40000x!quant.uniform<u8:f32, 0.05:100>>) -> tensor<1x1x!quant.uniform<u8:f32, 0.013:90>> {
  %axis = circle.const dense<[1]> : tensor<1xi32>
  %y = circle.mean %x, %axis {keep_dims = true} : (tensor<1x40000x!quant.uniform<u8:f32, 0.05:100>>, tensor<1xi32>) -> tensor<1x1x!quant.uniform<u8:f32, 0.013:90>>
  func.return %y : tensor<1x1x!quant.uniform<u8:f32, 0.013:90>>
}

// -----

// A uint8 global average pool (MEAN over H and W, without keep_dims): the input as
// [N, H W, 1, C], a VALID DEPTHWISE_CONV_2D with an [1, H W, 1, C] filter of stored 255s
// at scale 1/(255 H W).
// CHECK-LABEL: func.func @mean_spatial(
// CHECK:         %[[X:.*]] = circle.reshape %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x8x1x3x!quant.uniform<u8:f32, 0.05:100>>
// CHECK-NEXT:    %[[W:.*]] = circle.const dense<255> : tensor<1x8x1x3xui8> to tensor<1x8x1x3x!quant.uniform<u8:f32, 0.0004901961074210703>>
// CHECK-NEXT:    %[[B:.*]] = circle.const dense<0> : tensor<3xi32>
// CHECK-NEXT:    %[[C:.*]] = circle.depthwise_conv_2d %[[X]], %[[W]], %[[B]] : {{.*}} -> tensor<1x1x1x3x!quant.uniform<u8:f32, 0.013:90>>
// CHECK:         %[[Y:.*]] = circle.reshape %[[C]], %{{.*}} : {{.*}} -> tensor<1x3x!quant.uniform<u8:f32, 0.013:90>>
// CHECK-NEXT:    func.return %[[Y]]
func.func @mean_spatial(%x: tensor<1x2x4x3x!quant.uniform<u8:f32, 0.05:100>>) -> tensor<1x3x!quant.uniform<u8:f32, 0.013:90>> {
  %axes = circle.const dense<[1, 2]> : tensor<2xi32>
  %y = circle.mean %x, %axes : (tensor<1x2x4x3x!quant.uniform<u8:f32, 0.05:100>>, tensor<2xi32>) -> tensor<1x3x!quant.uniform<u8:f32, 0.013:90>>
  func.return %y : tensor<1x3x!quant.uniform<u8:f32, 0.013:90>>
}

// -----

// A uint8 2x half-pixel RESIZE_BILINEAR (onert truncates it): the input edge-replicated
// (rows, then columns), a 3x3 DEPTHWISE_CONV_2D with one output channel per phase
// (ry, rx) holding wy[ry] x wx[rx] in 16ths (wy = [1, 3, 0] / 4, [0, 3, 1] / 4), and the
// phases moved to their output pixels.
// CHECK-LABEL: func.func @resize_bilinear(
// CHECK:         %[[R:.*]] = circle.concatenation %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i32} : {{.*}} -> tensor<1x4x2x1x!quant.uniform<u8:f32, 0.05:100>>
// CHECK:         %[[P:.*]] = circle.concatenation %{{.*}}, %[[R]], %{{.*}} {axis = 2 : i32} : {{.*}} -> tensor<1x4x4x1x!quant.uniform<u8:f32, 0.05:100>>
// CHECK-NEXT:    %[[W:.*]] = circle.const dense<{{\[}}{{\[}}{{\[}}[1, 0, 0, 0], [3, 3, 0, 0], [0, 1, 0, 0]], {{\[}}[3, 0, 3, 0], [9, 9, 9, 9], [0, 3, 0, 3]], {{\[}}[0, 0, 1, 0], [0, 0, 3, 3], [0, 0, 0, 1]]]]> : tensor<1x3x3x4xui8> to tensor<1x3x3x4x!quant.uniform<u8:f32, 0.0625>>
// CHECK-NEXT:    %[[B:.*]] = circle.const dense<0> : tensor<4xi32>
// CHECK-NEXT:    %[[D:.*]] = circle.depthwise_conv_2d %[[P]], %[[W]], %[[B]] {depth_multiplier = 4 : i32} : {{.*}} -> tensor<1x2x2x4x!quant.uniform<u8:f32, 0.05:100>>
// CHECK:         circle.reshape %[[D]], %{{.*}} -> tensor<4x1x4x
// CHECK:         circle.transpose {{.*}} -> tensor<4x4x1x
// CHECK:         circle.reshape {{.*}} -> tensor<2x2x2x2x
// CHECK:         circle.transpose {{.*}} -> tensor<2x2x2x2x
// CHECK:         %[[Y:.*]] = circle.reshape {{.*}} -> tensor<1x4x4x1x!quant.uniform<u8:f32, 0.05:100>>
// CHECK-NEXT:    func.return %[[Y]]
func.func @resize_bilinear(%x: tensor<1x2x2x1x!quant.uniform<u8:f32, 0.05:100>>) -> tensor<1x4x4x1x!quant.uniform<u8:f32, 0.05:100>> {
  %size = circle.const dense<[4, 4]> : tensor<2xi32>
  %y = circle.resize_bilinear %x, %size {half_pixel_centers = true} : (tensor<1x2x2x1x!quant.uniform<u8:f32, 0.05:100>>, tensor<2xi32>) -> tensor<1x4x4x1x!quant.uniform<u8:f32, 0.05:100>>
  func.return %y : tensor<1x4x4x1x!quant.uniform<u8:f32, 0.05:100>>
}
