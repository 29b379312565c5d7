// RUN: qopt %s --split-input-file --verify-diagnostics -p convert-aten-to-circle | filecheck %s

// sin, cos, round: one float-only element-wise circle op each (round is half to even in
// both torch and Circle).
// CHECK-LABEL: func.func @unary(
// CHECK-NEXT:    %[[S:.*]] = circle.sin %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %[[C:.*]] = circle.cos %[[S]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %[[R:.*]] = circle.round %[[C]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @unary(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %s = aten.sin %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = aten.cos %s : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %r = aten.round %c : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// -----

// conv3d with torch padding 1 on a 3x3x3 kernel is Circle's SAME: NCDHW -> NDHWC around
// CONV_3D, the OIDHW filter [4, 2, 3, 3, 3] relaid out to DHWIO [3, 3, 3, 2, 4] at compile
// time, strides and dilations in D, H, W order.
// CHECK-LABEL: func.func @conv3d_same(
// CHECK:         %[[P:.*]] = circle.const dense<[0, 2, 3, 4, 1]> : tensor<5xi32>
// CHECK-NEXT:    %[[X:.*]] = circle.transpose %{{.*}}, %[[P]] : (tensor<1x2x4x5x5xf32>, tensor<5xi32>) -> tensor<1x4x5x5x2xf32>
// CHECK-NEXT:    %[[W:.*]] = circle.const dense<1.000000e+00> : tensor<3x3x3x2x4xf32>
// CHECK-NEXT:    %[[C:.*]] = circle.conv_3d %[[X]], %[[W]], %{{.*}} {padding = "SAME", stride_h = 2 : i32, stride_w = 2 : i32} : (tensor<1x4x5x5x2xf32>, tensor<3x3x3x2x4xf32>, tensor<4xf32>) -> tensor<1x4x3x3x4xf32>
// CHECK-NEXT:    %[[Q:.*]] = circle.const dense<[0, 4, 1, 2, 3]> : tensor<5xi32>
// CHECK-NEXT:    %[[Y:.*]] = circle.transpose %[[C]], %[[Q]] : (tensor<1x4x3x3x4xf32>, tensor<5xi32>) -> tensor<1x4x4x3x3xf32>
// CHECK-NEXT:    func.return %[[Y]]
func.func @conv3d_same(%x: tensor<1x2x4x5x5xf32>) -> tensor<1x4x4x3x3xf32> {
  %w = circle.const dense<1.0> : tensor<4x2x3x3x3xf32>
  %b = circle.const dense<0.5> : tensor<4xf32>
  %y = aten.conv3d %x, %w, %b {stride = array<i64: 1, 2, 2>, padding = array<i64: 1, 1, 1>, dilation = array<i64: 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x5x5xf32>, tensor<4x2x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x3x3xf32>
  func.return %y : tensor<1x4x4x3x3xf32>
}

// -----

// Padding that is neither SAME nor VALID (0 in D, 2 in H on a 3-tap kernel) becomes an
// explicit PAD of the NDHWC input, then a VALID CONV_3D; no bias is circle.no_value.
// CHECK-LABEL: func.func @conv3d_pad(
// CHECK:         %[[PADS:.*]] = circle.const dense<{{\[\[}}0, 0], [0, 0], [2, 2], [1, 1], [0, 0]]> : tensor<5x2xi32>
// CHECK-NEXT:    %[[XP:.*]] = circle.pad %{{.*}}, %[[PADS]] : (tensor<1x4x5x5x2xf32>, tensor<5x2xi32>) -> tensor<1x4x9x7x2xf32>
// CHECK:         %[[N:.*]] = circle.no_value : none
// CHECK-NEXT:    circle.conv_3d %[[XP]], %{{.*}}, %[[N]] {dilation_d_factor = 2 : i32} : (tensor<1x4x9x7x2xf32>, tensor<3x3x3x2x1xf32>, none) -> tensor<1x2x7x5x1xf32>
func.func @conv3d_pad(%x: tensor<1x2x4x5x5xf32>) -> tensor<1x1x2x7x5xf32> {
  %w = circle.const dense<1.0> : tensor<1x2x3x3x3xf32>
  %n = aten.none : none
  %y = aten.conv3d %x, %w, %n {stride = array<i64: 1, 1, 1>, padding = array<i64: 0, 2, 1>, dilation = array<i64: 2, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x5x5xf32>, tensor<1x2x3x3x3xf32>, none) -> tensor<1x1x2x7x5xf32>
  func.return %y : tensor<1x1x2x7x5xf32>
}

// -----

// Grouped conv3d: CONV_3D has no groups; located error.
func.func @conv3d_groups(%x: tensor<1x4x3x3x3xf32>) -> tensor<1x4x1x1x1xf32> {
  %w = circle.const dense<1.0> : tensor<4x2x3x3x3xf32>
  %n = aten.none : none
  %y = aten.conv3d %x, %w, %n {stride = array<i64: 1, 1, 1>, padding = array<i64: 0, 0, 0>, dilation = array<i64: 1, 1, 1>, groups = 2 : i64} : (tensor<1x4x3x3x3xf32>, tensor<4x2x3x3x3xf32>, none) -> tensor<1x4x1x1x1xf32> loc("conv3d"("m.py":3:0))
  func.return %y : tensor<1x4x1x1x1xf32>
}
// CHECK: m.py:3: 'conv3d': aten.conv3d: conv3d with groups=2: Circle's CONV_3D has no groups

// -----

// pow of two tensors: one POW, the exponent broadcast against the base as in torch.
// CHECK-LABEL: func.func @pow_tensor(
// CHECK-NEXT:    %[[P:.*]] = circle.pow %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return %[[P]]
func.func @pow_tensor(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %p = aten.pow.Tensor_Tensor %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %p : tensor<2x3xf32>
}

// -----

// POW takes two tensors of one type: an integer exponent is a located error.
func.func @pow_mixed(%x: tensor<3xf32>, %y: tensor<3xi64>) -> tensor<3xf32> {
  %p = aten.pow.Tensor_Tensor %x, %y : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32> loc("pow"("m.py":5:0))
  func.return %p : tensor<3xf32>
}
// CHECK: m.py:5: 'pow': aten.pow.Tensor_Tensor: pow of a f32 tensor by a i64 tensor has no Circle lowering (POW takes two tensors of one type)

// -----

// floor: an ATen op defined from ATen's own schema (no schema line in the aten dialect),
// one float-only FLOOR.
// CHECK-LABEL: func.func @floor(
// CHECK-NEXT:    %[[F:.*]] = circle.floor %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return %[[F]]
func.func @floor(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %f = aten.floor %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %f : tensor<2x3xf32>
}
