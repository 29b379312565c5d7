// Round trip of a representative set of aten ops (custom -> generic -> custom, and
// generic -> generic): tensor arguments are operands (`aten.none` for an absent optional
// tensor), every other argument is a property; variadic operands and results, ops without
// operands, optional properties, and aten.call.
// RUN: QOPT_ROUNDTRIP
// RUN: QOPT_GENERIC_ROUNDTRIP

// conv2d with an absent bias (`aten.none`), and with a bias and groups.
// CHECK-LABEL: func.func @conv2d(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x4x8x8xf32>, %[[W:[^:]+]]: tensor<6x2x3x3xf32>, %[[B:[^:]+]]: tensor<6xf32>) -> (tensor<1x6x8x8xf32>, tensor<1x6x3x3xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "conv2d"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x4x8x8xf32>, %[[G_W:[^:]+]]: tensor<6x2x3x3xf32>, %[[G_B:[^:]+]]: tensor<6xf32>):
func.func @conv2d(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> (tensor<1x6x8x8xf32>, tensor<1x6x3x3xf32>) {
  // CHECK-NEXT: %[[NONE:[^ ,]+]] = aten.none : none
  // GENERIC-NEXT: %[[G_NONE:[^ ,]+]] = "aten.none"() : () -> none
  %none = aten.none : none
  // CHECK-NEXT: %[[Y:[^ ,]+]] = aten.conv2d %[[X]], %[[W]], %[[NONE]] {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, none) -> tensor<1x6x8x8xf32>
  // GENERIC-NEXT: %[[G_Y:[^ ,]+]] = "aten.conv2d"(%[[G_X]], %[[G_W]], %[[G_NONE]]) <{stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 2 : i64}> : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, none) -> tensor<1x6x8x8xf32>
  %y = aten.conv2d %x, %w, %none {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, none) -> tensor<1x6x8x8xf32>
  // CHECK-NEXT: %[[Z:[^ ,]+]] = aten.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x3x3xf32>
  // GENERIC-NEXT: %[[G_Z:[^ ,]+]] = "aten.conv2d"(%[[G_X]], %[[G_W]], %[[G_B]]) <{stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, groups = 2 : i64}> : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x3x3xf32>
  %z = aten.conv2d %x, %w, %b {stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x3x3xf32>
  // CHECK-NEXT: func.return %[[Y]], %[[Z]] : tensor<1x6x8x8xf32>, tensor<1x6x3x3xf32>
  // GENERIC-NEXT: "func.return"(%[[G_Y]], %[[G_Z]]) : (tensor<1x6x8x8xf32>, tensor<1x6x3x3xf32>) -> ()
  func.return %y, %z : tensor<1x6x8x8xf32>, tensor<1x6x3x3xf32>
// CHECK-NEXT: }
}

// -----

// linear with and without bias; add.Tensor with an integer and a float alpha (Scalar).
// CHECK-LABEL: func.func @linear_add(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>, %[[W:[^:]+]]: tensor<4x8xf32>, %[[B:[^:]+]]: tensor<4xf32>) -> tensor<2x4xf32> {
// GENERIC-LABEL: "func.func"() <{sym_name = "linear_add"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<2x8xf32>, %[[G_W:[^:]+]]: tensor<4x8xf32>, %[[G_B:[^:]+]]: tensor<4xf32>):
func.func @linear_add(%x: tensor<2x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  // CHECK-NEXT: %[[L:[^ ,]+]] = aten.linear %[[X]], %[[W]], %[[B]] : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // GENERIC-NEXT: %[[G_L:[^ ,]+]] = "aten.linear"(%[[G_X]], %[[G_W]], %[[G_B]]) : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %l = aten.linear %x, %w, %b : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // CHECK-NEXT: %[[NONE:[^ ,]+]] = aten.none : none
  // GENERIC-NEXT: %[[G_NONE:[^ ,]+]] = "aten.none"() : () -> none
  %none = aten.none : none
  // CHECK-NEXT: %[[M:[^ ,]+]] = aten.linear %[[X]], %[[W]], %[[NONE]] : (tensor<2x8xf32>, tensor<4x8xf32>, none) -> tensor<2x4xf32>
  // GENERIC-NEXT: %[[G_M:[^ ,]+]] = "aten.linear"(%[[G_X]], %[[G_W]], %[[G_NONE]]) : (tensor<2x8xf32>, tensor<4x8xf32>, none) -> tensor<2x4xf32>
  %m = aten.linear %x, %w, %none : (tensor<2x8xf32>, tensor<4x8xf32>, none) -> tensor<2x4xf32>
  // CHECK-NEXT: %[[A:[^ ,]+]] = aten.add.Tensor %[[L]], %[[M]] {alpha = 2 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  // GENERIC-NEXT: %[[G_A:[^ ,]+]] = "aten.add.Tensor"(%[[G_L]], %[[G_M]]) <{alpha = 2 : i64}> : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %a = aten.add.Tensor %l, %m {alpha = 2 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK-NEXT: %[[F:[^ ,]+]] = aten.add.Tensor %[[A]], %[[B]] {alpha = 5.000000e-01 : f64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // GENERIC-NEXT: %[[G_F:[^ ,]+]] = "aten.add.Tensor"(%[[G_A]], %[[G_B]]) <{alpha = 5.000000e-01 : f64}> : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %f = aten.add.Tensor %a, %b {alpha = 5.000000e-01 : f64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // CHECK-NEXT: func.return %[[F]] : tensor<2x4xf32>
  // GENERIC-NEXT: "func.return"(%[[G_F]]) : (tensor<2x4xf32>) -> ()
  func.return %f : tensor<2x4xf32>
// CHECK-NEXT: }
}

// -----

// Multiple results: split.Tensor (Tensor[] result) and max.dim (two named results);
// cat takes a variadic Tensor[] operand.
// CHECK-LABEL: func.func @split_cat(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x1xi64>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "split_cat"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<2x8xf32>):
func.func @split_cat(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x1xi64>) {
  // CHECK-NEXT: %[[S:[^ ,]+]], %[[S_1:[^ ,]+]] = aten.split.Tensor %[[X]] {split_size = 4 : i64, dim = 1 : i64} : (tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>)
  // GENERIC-NEXT: %[[G_S:[^ ,]+]], %[[G_S_1:[^ ,]+]] = "aten.split.Tensor"(%[[G_X]]) <{split_size = 4 : i64, dim = 1 : i64}> : (tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>)
  %s:2 = aten.split.Tensor %x {split_size = 4 : i64, dim = 1 : i64} : (tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>)
  // CHECK-NEXT: %[[C:[^ ,]+]] = aten.cat %[[S_1]], %[[S]] {dim = 1 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  // GENERIC-NEXT: %[[G_C:[^ ,]+]] = "aten.cat"(%[[G_S_1]], %[[G_S]]) <{dim = 1 : i64}> : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  %c = aten.cat %s#1, %s#0 {dim = 1 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  // CHECK-NEXT: %[[C3:[^ ,]+]] = aten.cat %[[S]], %[[S_1]], %[[C]] {dim = 1 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x8xf32>) -> tensor<2x16xf32>
  // GENERIC-NEXT: %[[G_C3:[^ ,]+]] = "aten.cat"(%[[G_S]], %[[G_S_1]], %[[G_C]]) <{dim = 1 : i64}> : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x8xf32>) -> tensor<2x16xf32>
  %c3 = aten.cat %s#0, %s#1, %c {dim = 1 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x8xf32>) -> tensor<2x16xf32>
  // CHECK-NEXT: %[[M:[^ ,]+]], %[[M_1:[^ ,]+]] = aten.max.dim %[[C]] {dim = 1 : i64, keepdim = true} : (tensor<2x8xf32>) -> (tensor<2x1xf32>, tensor<2x1xi64>)
  // GENERIC-NEXT: %[[G_M:[^ ,]+]], %[[G_M_1:[^ ,]+]] = "aten.max.dim"(%[[G_C]]) <{dim = 1 : i64, keepdim = true}> : (tensor<2x8xf32>) -> (tensor<2x1xf32>, tensor<2x1xi64>)
  %m:2 = aten.max.dim %c {dim = 1 : i64, keepdim = true} : (tensor<2x8xf32>) -> (tensor<2x1xf32>, tensor<2x1xi64>)
  // CHECK-NEXT: func.return %[[C]], %[[M_1]] : tensor<2x8xf32>, tensor<2x1xi64>
  // GENERIC-NEXT: "func.return"(%[[G_C]], %[[G_M_1]]) : (tensor<2x8xf32>, tensor<2x1xi64>) -> ()
  func.return %c, %m#1 : tensor<2x8xf32>, tensor<2x1xi64>
// CHECK-NEXT: }
}

// -----

// No tensor operands: `attr-dict : type`.
// CHECK-LABEL: func.func @arange(
// CHECK-SAME: ) -> (tensor<8xi64>, tensor<3xf32>, tensor<2x3xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "arange"
func.func @arange() -> (tensor<8xi64>, tensor<3xf32>, tensor<2x3xf32>) {
  // CHECK-NEXT: %[[R:[^ ,]+]] = aten.arange {end = 8 : i64, dtype = "torch.int64"} : tensor<8xi64>
  // GENERIC-NEXT: %[[G_R:[^ ,]+]] = "aten.arange"() <{end = 8 : i64, dtype = "torch.int64"}> : () -> tensor<8xi64>
  %r = aten.arange {end = 8 : i64, dtype = "torch.int64"} : tensor<8xi64>
  // CHECK-NEXT: %[[S:[^ ,]+]] = aten.arange.start_step {start = 0.000000e+00 : f64, end = 1.500000e+00 : f64, step = 5.000000e-01 : f64} : tensor<3xf32>
  // GENERIC-NEXT: %[[G_S:[^ ,]+]] = "aten.arange.start_step"() <{start = 0.000000e+00 : f64, end = 1.500000e+00 : f64, step = 5.000000e-01 : f64}> : () -> tensor<3xf32>
  %s = aten.arange.start_step {start = 0.000000e+00 : f64, end = 1.500000e+00 : f64, step = 5.000000e-01 : f64} : tensor<3xf32>
  // CHECK-NEXT: %[[F:[^ ,]+]] = aten.full {size = array<i64: 2, 3>, fill_value = -1.000000e+00 : f64} : tensor<2x3xf32>
  // GENERIC-NEXT: %[[G_F:[^ ,]+]] = "aten.full"() <{size = array<i64: 2, 3>, fill_value = -1.000000e+00 : f64}> : () -> tensor<2x3xf32>
  %f = aten.full {size = array<i64: 2, 3>, fill_value = -1.000000e+00 : f64} : tensor<2x3xf32>
  // CHECK-NEXT: func.return %[[R]], %[[S]], %[[F]] : tensor<8xi64>, tensor<3xf32>, tensor<2x3xf32>
  // GENERIC-NEXT: "func.return"(%[[G_R]], %[[G_S]], %[[G_F]]) : (tensor<8xi64>, tensor<3xf32>, tensor<2x3xf32>) -> ()
  func.return %r, %s, %f : tensor<8xi64>, tensor<3xf32>, tensor<2x3xf32>
// CHECK-NEXT: }
}

// -----

// Optional properties: mean.dim with and without `dim` (int[1]?); layer_norm with its
// optional tensors absent; upsample with a float[] and without output_size.
// CHECK-LABEL: func.func @optional(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4x4xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "optional"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<2x3x4x4xf32>):
func.func @optional(%x: tensor<2x3x4x4xf32>) {
  // CHECK-NEXT: %[[M:[^ ,]+]] = aten.mean.dim %[[X]] {dim = array<i64: 2, 3>, keepdim = true} : (tensor<2x3x4x4xf32>) -> tensor<2x3x1x1xf32>
  // GENERIC-NEXT: %[[G_M:[^ ,]+]] = "aten.mean.dim"(%[[G_X]]) <{dim = array<i64: 2, 3>, keepdim = true}> : (tensor<2x3x4x4xf32>) -> tensor<2x3x1x1xf32>
  %m = aten.mean.dim %x {dim = array<i64: 2, 3>, keepdim = true} : (tensor<2x3x4x4xf32>) -> tensor<2x3x1x1xf32>
  // CHECK-NEXT: %[[ALL:[^ ,]+]] = aten.mean.dim %[[X]] {keepdim = false} : (tensor<2x3x4x4xf32>) -> tensor<f32>
  // GENERIC-NEXT: %[[G_ALL:[^ ,]+]] = "aten.mean.dim"(%[[G_X]]) <{keepdim = false}> : (tensor<2x3x4x4xf32>) -> tensor<f32>
  %all = aten.mean.dim %x {keepdim = false} : (tensor<2x3x4x4xf32>) -> tensor<f32>
  // CHECK-NEXT: %[[NONE:[^ ,]+]] = aten.none : none
  // GENERIC-NEXT: %[[G_NONE:[^ ,]+]] = "aten.none"() : () -> none
  %none = aten.none : none
  // CHECK-NEXT: %[[N:[^ ,]+]] = aten.layer_norm %[[X]], %[[NONE]], %[[NONE]] {normalized_shape = array<i64: 4>, eps = 1.000000e-05 : f64, cudnn_enable = true} : (tensor<2x3x4x4xf32>, none, none) -> tensor<2x3x4x4xf32>
  // GENERIC-NEXT: %[[G_N:[^ ,]+]] = "aten.layer_norm"(%[[G_X]], %[[G_NONE]], %[[G_NONE]]) <{normalized_shape = array<i64: 4>, eps = 1.000000e-05 : f64, cudnn_enable = true}> : (tensor<2x3x4x4xf32>, none, none) -> tensor<2x3x4x4xf32>
  %n = aten.layer_norm %x, %none, %none {normalized_shape = array<i64: 4>, eps = 1.000000e-05 : f64, cudnn_enable = true} : (tensor<2x3x4x4xf32>, none, none) -> tensor<2x3x4x4xf32>
  // CHECK-NEXT: %[[U:[^ ,]+]] = aten.upsample_nearest2d.vec %[[X]] {scale_factors = array<f64: 2.000000e+00, 2.000000e+00>} : (tensor<2x3x4x4xf32>) -> tensor<2x3x8x8xf32>
  // GENERIC-NEXT: %[[G_U:[^ ,]+]] = "aten.upsample_nearest2d.vec"(%[[G_X]]) <{scale_factors = array<f64: 2.000000e+00, 2.000000e+00>}> : (tensor<2x3x4x4xf32>) -> tensor<2x3x8x8xf32>
  %u = aten.upsample_nearest2d.vec %x {scale_factors = array<f64: 2.0, 2.0>} : (tensor<2x3x4x4xf32>) -> tensor<2x3x8x8xf32>
  // CHECK-NEXT: %[[G:[^ ,]+]] = aten.gelu %[[X]] {approximate = "tanh"} : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  // GENERIC-NEXT: %[[G_G:[^ ,]+]] = "aten.gelu"(%[[G_X]]) <{approximate = "tanh"}> : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  %g = aten.gelu %x {approximate = "tanh"} : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  // CHECK-NEXT: %[[C:[^ ,]+]] = aten.clamp %[[X]] {min = 0 : i64} : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  // GENERIC-NEXT: %[[G_C:[^ ,]+]] = "aten.clamp"(%[[G_X]]) <{min = 0 : i64}> : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  %c = aten.clamp %x {min = 0 : i64} : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  // CHECK-NEXT: %[[T:[^ ,]+]] = aten.to.dtype %[[X]] {dtype = "torch.float16", non_blocking = false, copy = false} : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf16>
  // GENERIC-NEXT: %[[G_T:[^ ,]+]] = "aten.to.dtype"(%[[G_X]]) <{dtype = "torch.float16", non_blocking = false, copy = false}> : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf16>
  %t = aten.to.dtype %x {dtype = "torch.float16", non_blocking = false, copy = false} : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf16>
  // CHECK-NEXT: func.return
  // GENERIC-NEXT: "func.return"() : () -> ()
  func.return
// CHECK-NEXT: }
}

// -----

// Tensor?[] operand (index.Tensor) with `none` entries; three results.
// CHECK-LABEL: func.func @index_bn(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3xf32>, %[[I:[^:]+]]: tensor<2xi64>, %[[MEAN:[^:]+]]: tensor<3xf32>, %[[VAR:[^:]+]]: tensor<3xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "index_bn"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<2x3xf32>, %[[G_I:[^:]+]]: tensor<2xi64>, %[[G_MEAN:[^:]+]]: tensor<3xf32>, %[[G_VAR:[^:]+]]: tensor<3xf32>):
func.func @index_bn(%x: tensor<2x3xf32>, %i: tensor<2xi64>, %mean: tensor<3xf32>, %var: tensor<3xf32>) {
  // CHECK-NEXT: %[[NONE:[^ ,]+]] = aten.none : none
  // GENERIC-NEXT: %[[G_NONE:[^ ,]+]] = "aten.none"() : () -> none
  %none = aten.none : none
  // CHECK-NEXT: %[[R:[^ ,]+]] = aten.index.Tensor %[[X]], %[[NONE]], %[[I]] : (tensor<2x3xf32>, none, tensor<2xi64>) -> tensor<2x2xf32>
  // GENERIC-NEXT: %[[G_R:[^ ,]+]] = "aten.index.Tensor"(%[[G_X]], %[[G_NONE]], %[[G_I]]) : (tensor<2x3xf32>, none, tensor<2xi64>) -> tensor<2x2xf32>
  %r = aten.index.Tensor %x, %none, %i : (tensor<2x3xf32>, none, tensor<2xi64>) -> tensor<2x2xf32>
  // CHECK-NEXT: %[[BN:[^ ,]+]], %[[BN_1:[^ ,]+]], %[[BN_2:[^ ,]+]] = aten._native_batch_norm_legit_no_training %[[X]], %[[NONE]], %[[NONE]], %[[MEAN]], %[[VAR]] {momentum = 1.000000e-01 : f64, eps = 1.000000e-05 : f64} : (tensor<2x3xf32>, none, none, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<0xf32>, tensor<0xf32>)
  // GENERIC-NEXT: %[[G_BN:[^ ,]+]], %[[G_BN_1:[^ ,]+]], %[[G_BN_2:[^ ,]+]] = "aten._native_batch_norm_legit_no_training"(%[[G_X]], %[[G_NONE]], %[[G_NONE]], %[[G_MEAN]], %[[G_VAR]]) <{momentum = 1.000000e-01 : f64, eps = 1.000000e-05 : f64}> : (tensor<2x3xf32>, none, none, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<0xf32>, tensor<0xf32>)
  %bn:3 = aten._native_batch_norm_legit_no_training %x, %none, %none, %mean, %var {momentum = 1.000000e-01 : f64, eps = 1.000000e-05 : f64} : (tensor<2x3xf32>, none, none, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<0xf32>, tensor<0xf32>)
  // CHECK-NEXT: func.return
  // GENERIC-NEXT: "func.return"() : () -> ()
  func.return
// CHECK-NEXT: }
}

// -----

// aten.call: an operator without a dedicated op, kept by its qualified name.
// CHECK-LABEL: func.func @call(
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x2x4x4xf32>, %[[G:[^:]+]]: tensor<1x4x4x2xf32>) {
// GENERIC-LABEL: "func.func"() <{sym_name = "call"
// GENERIC-NEXT: ^bb0(%[[G_X:[^:]+]]: tensor<1x2x4x4xf32>, %[[G_G:[^:]+]]: tensor<1x4x4x2xf32>):
func.func @call(%x: tensor<1x2x4x4xf32>, %g: tensor<1x4x4x2xf32>) {
  // CHECK-NEXT: %[[Y:[^ ,]+]] = aten.call %[[X]], %[[G]] {target = "aten.grid_sampler_2d.default", args = "interpolation_mode=0, padding_mode=0, align_corners=False"} : (tensor<1x2x4x4xf32>, tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  // GENERIC-NEXT: %[[G_Y:[^ ,]+]] = "aten.call"(%[[G_X]], %[[G_G]]) <{target = "aten.grid_sampler_2d.default", args = "interpolation_mode=0, padding_mode=0, align_corners=False"}> : (tensor<1x2x4x4xf32>, tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %y = aten.call %x, %g {target = "aten.grid_sampler_2d.default", args = "interpolation_mode=0, padding_mode=0, align_corners=False"} : (tensor<1x2x4x4xf32>, tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  // CHECK-NEXT: %[[NONE:[^ ,]+]] = aten.none : none
  // GENERIC-NEXT: %[[G_NONE:[^ ,]+]] = "aten.none"() : () -> none
  %none = aten.none : none
  // CHECK-NEXT: %[[Z:[^ ,]+]], %[[Z_1:[^ ,]+]] = aten.call %[[X]], %[[NONE]] {target = "aten.foo.bar"} : (tensor<1x2x4x4xf32>, none) -> (tensor<1x2x4x4xf32>, tensor<2xi64>)
  // GENERIC-NEXT: %[[G_Z:[^ ,]+]], %[[G_Z_1:[^ ,]+]] = "aten.call"(%[[G_X]], %[[G_NONE]]) <{target = "aten.foo.bar"}> : (tensor<1x2x4x4xf32>, none) -> (tensor<1x2x4x4xf32>, tensor<2xi64>)
  %z:2 = aten.call %x, %none {target = "aten.foo.bar"} : (tensor<1x2x4x4xf32>, none) -> (tensor<1x2x4x4xf32>, tensor<2xi64>)
  // CHECK-NEXT: %[[W:[^ ,]+]] = aten.call {target = "aten.empty.memory_format"} : () -> tensor<3xf32>
  // GENERIC-NEXT: %[[G_W:[^ ,]+]] = "aten.call"() <{target = "aten.empty.memory_format"}> : () -> tensor<3xf32>
  %w = aten.call {target = "aten.empty.memory_format"} : () -> tensor<3xf32>
  // CHECK-NEXT: func.return
  // GENERIC-NEXT: "func.return"() : () -> ()
  func.return
// CHECK-NEXT: }
}
