// RUN: qopt %s --split-input-file --verify-diagnostics -p convert-aten-to-circle | filecheck %s

// Indexing family: arg-reductions, max.dim, repeat, gather, index.Tensor, slice_scatter.

// argmax over the last dim with keepdim: ARG_MAX (int64 result, output_type INT64 is
// the default and not printed), then a reshape restoring the kept dimension.
// CHECK-LABEL: func.func @argmax_keepdim(
// CHECK-NEXT:    %[[A:.*]] = circle.const dense<2> : tensor<1xi32>
// CHECK-NEXT:    %[[I:.*]] = circle.arg_max %{{.*}}, %[[A]] : (tensor<2x5x3xf32>, tensor<1xi32>) -> tensor<2x5xi64>
// CHECK-NEXT:    %[[S:.*]] = circle.const dense<[2, 5, 1]> : tensor<3xi32>
// CHECK-NEXT:    %[[R:.*]] = circle.reshape %[[I]], %[[S]] : (tensor<2x5xi64>, tensor<3xi32>) -> tensor<2x5x1xi64>
// CHECK-NEXT:    func.return %[[R]]
func.func @argmax_keepdim(%x: tensor<2x5x3xf32>) -> tensor<2x5x1xi64> {
  %r = aten.argmax %x {dim = -1 : i64, keepdim = true} : (tensor<2x5x3xf32>) -> tensor<2x5x1xi64>
  func.return %r : tensor<2x5x1xi64>
}

// -----

// argmin without dim: over the flattened input, a rank-0 index.
// CHECK-LABEL: func.func @argmin_flat(
// CHECK-NEXT:    %[[S:.*]] = circle.const dense<30> : tensor<1xi32>
// CHECK-NEXT:    %[[F:.*]] = circle.reshape %{{.*}}, %[[S]] : (tensor<2x5x3xf32>, tensor<1xi32>) -> tensor<30xf32>
// CHECK-NEXT:    %[[A:.*]] = circle.const dense<0> : tensor<1xi32>
// CHECK-NEXT:    %[[R:.*]] = circle.arg_min %[[F]], %[[A]] : (tensor<30xf32>, tensor<1xi32>) -> tensor<i64>
// CHECK-NEXT:    func.return %[[R]]
func.func @argmin_flat(%x: tensor<2x5x3xf32>) -> tensor<i64> {
  %r = aten.argmin %x {keepdim = false} : (tensor<2x5x3xf32>) -> tensor<i64>
  func.return %r : tensor<i64>
}

// -----

// max.dim: values by REDUCE_MAX, indices by ARG_MAX, along the same axis.
// CHECK-LABEL: func.func @max_dim(
// CHECK-NEXT:    %[[A:.*]] = circle.const dense<1> : tensor<1xi32>
// CHECK-NEXT:    %[[V:.*]] = circle.reduce_max %[[X:.*]], %[[A]] : (tensor<2x5x3xf32>, tensor<1xi32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %[[B:.*]] = circle.const dense<1> : tensor<1xi32>
// CHECK-NEXT:    %[[I:.*]] = circle.arg_max %[[X]], %[[B]] : (tensor<2x5x3xf32>, tensor<1xi32>) -> tensor<2x3xi64>
// CHECK-NEXT:    func.return %[[V]], %[[I]]
func.func @max_dim(%x: tensor<2x5x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>) {
  %v, %i = aten.max.dim %x {dim = 1 : i64, keepdim = false} : (tensor<2x5x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  func.return %v, %i : tensor<2x3xf32>, tensor<2x3xi64>
}

// -----

// repeat with more repeats than dims: a leading 1 first, then TILE.
// CHECK-LABEL: func.func @repeat(
// CHECK-NEXT:    %[[S:.*]] = circle.const dense<[1, 2, 3, 2]> : tensor<4xi32>
// CHECK-NEXT:    %[[X:.*]] = circle.reshape %{{.*}}, %[[S]] : (tensor<2x3x2xf32>, tensor<4xi32>) -> tensor<1x2x3x2xf32>
// CHECK-NEXT:    %[[M:.*]] = circle.const dense<[2, 1, 2, 3]> : tensor<4xi32>
// CHECK-NEXT:    %[[R:.*]] = circle.tile %[[X]], %[[M]] : (tensor<1x2x3x2xf32>, tensor<4xi32>) -> tensor<2x2x6x6xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @repeat(%x: tensor<2x3x2xf32>) -> tensor<2x2x6x6xf32> {
  %r = aten.repeat %x {repeats = array<i64: 2, 1, 2, 3>} : (tensor<2x3x2xf32>) -> tensor<2x2x6x6xf32>
  func.return %r : tensor<2x2x6x6xf32>
}

// -----

// gather with a constant index: flat positions (row * 4 + index) into the flattened input.
// CHECK-LABEL: func.func @gather_const(
// CHECK:         %[[S:.*]] = circle.const dense<8> : tensor<1xi32>
// CHECK-NEXT:    %[[F:.*]] = circle.reshape %{{.*}}, %[[S]] : (tensor<2x4xf32>, tensor<1xi32>) -> tensor<8xf32>
// CHECK-NEXT:    %[[P:.*]] = circle.const dense<{{\[\[}}0, 2, 1], [7, 7, 4]]> : tensor<2x3xi32>
// CHECK-NEXT:    %[[R:.*]] = circle.gather %[[F]], %[[P]] : (tensor<8xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @gather_const(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %i = circle.const dense<[[0, 2, 1], [3, 3, 0]]> : tensor<2x3xi64>
  %r = aten.gather %x, %i {dim = 1 : i64, sparse_grad = false} : (tensor<2x4xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// -----

// gather with a run-time index: GATHER_ND coordinates = (row iota, index), int64 like
// the index.
// CHECK-LABEL: func.func @gather_runtime(
// CHECK-NEXT:    %[[G:.*]] = circle.const dense<{{\[\[\[}}0], [0], [0]], {{\[\[}}1], [1], [1]]]> : tensor<2x3x1xi64>
// CHECK-NEXT:    %[[S:.*]] = circle.const dense<[2, 3, 1]> : tensor<3xi32>
// CHECK-NEXT:    %[[I:.*]] = circle.reshape %{{.*}}, %[[S]] : (tensor<2x3xi64>, tensor<3xi32>) -> tensor<2x3x1xi64>
// CHECK-NEXT:    %[[C:.*]] = circle.concatenation %[[G]], %[[I]] {axis = 2 : i32} : (tensor<2x3x1xi64>, tensor<2x3x1xi64>) -> tensor<2x3x2xi64>
// CHECK-NEXT:    %[[R:.*]] = circle.gather_nd %{{.*}}, %[[C]] : (tensor<2x4xf32>, tensor<2x3x2xi64>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @gather_runtime(%x: tensor<2x4xf32>, %i: tensor<2x3xi64>) -> tensor<2x3xf32> {
  %r = aten.gather %x, %i {dim = 1 : i64, sparse_grad = false} : (tensor<2x4xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// -----

// x[:, idx] with a constant index: GATHER on axis 1, the negative index wrapped.
// CHECK-LABEL: func.func @index_cols(
// CHECK-NEXT:    %[[I:.*]] = circle.const dense<[4, 0, 2]> : tensor<3xi32>
// CHECK-NEXT:    %[[R:.*]] = circle.gather %{{.*}}, %[[I]] {axis = 1 : i32} : (tensor<2x5x3xf32>, tensor<3xi32>) -> tensor<2x3x3xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @index_cols(%x: tensor<2x5x3xf32>) -> tensor<2x3x3xf32> {
  %n = aten.none : none
  %i = circle.const dense<[-1, 0, 2]> : tensor<3xi64>
  %r = aten.index.Tensor %x, %n, %i : (tensor<2x5x3xf32>, none, tensor<3xi64>) -> tensor<2x3x3xf32>
  func.return %r : tensor<2x3x3xf32>
}

// -----

// x[i] with a run-time index: GATHER with the int64 index as is.
// CHECK-LABEL: func.func @index_rows(
// CHECK-NEXT:    %[[R:.*]] = circle.gather %{{.*}}, %{{.*}} : (tensor<5x3xf32>, tensor<4xi64>) -> tensor<4x3xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @index_rows(%x: tensor<5x3xf32>, %i: tensor<4xi64>) -> tensor<4x3xf32> {
  %r = aten.index.Tensor %x, %i : (tensor<5x3xf32>, tensor<4xi64>) -> tensor<4x3xf32>
  func.return %r : tensor<4x3xf32>
}

// -----

// x[i, j] with constant indices: rows i * 3 + j of x reshaped to [15, 2].
// CHECK-LABEL: func.func @index_two_const(
// CHECK:         %[[S:.*]] = circle.const dense<[15, 2]> : tensor<2xi32>
// CHECK-NEXT:    %[[F:.*]] = circle.reshape %{{.*}}, %[[S]] : (tensor<5x3x2xf32>, tensor<2xi32>) -> tensor<15x2xf32>
// CHECK-NEXT:    %[[P:.*]] = circle.const dense<[13, 2, 6]> : tensor<3xi32>
// CHECK-NEXT:    %[[R:.*]] = circle.gather %[[F]], %[[P]] : (tensor<15x2xf32>, tensor<3xi32>) -> tensor<3x2xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @index_two_const(%x: tensor<5x3x2xf32>) -> tensor<3x2xf32> {
  %i = circle.const dense<[4, 0, 2]> : tensor<3xi64>
  %j = circle.const dense<[1, -1, 0]> : tensor<3xi64>
  %r = aten.index.Tensor %x, %i, %j : (tensor<5x3x2xf32>, tensor<3xi64>, tensor<3xi64>) -> tensor<3x2xf32>
  func.return %r : tensor<3x2xf32>
}

// -----

// x[i, j] with run-time indices: GATHER_ND on the stacked coordinates.
// CHECK-LABEL: func.func @index_two_runtime(
// CHECK:         %[[I:.*]] = circle.reshape %{{.*}}, %{{.*}} : (tensor<3xi64>, tensor<2xi32>) -> tensor<3x1xi64>
// CHECK:         %[[J:.*]] = circle.reshape %{{.*}}, %{{.*}} : (tensor<3xi64>, tensor<2xi32>) -> tensor<3x1xi64>
// CHECK-NEXT:    %[[C:.*]] = circle.concatenation %[[I]], %[[J]] {axis = 1 : i32} : (tensor<3x1xi64>, tensor<3x1xi64>) -> tensor<3x2xi64>
// CHECK-NEXT:    %[[R:.*]] = circle.gather_nd %{{.*}}, %[[C]] : (tensor<5x3xf32>, tensor<3x2xi64>) -> tensor<3xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @index_two_runtime(%x: tensor<5x3xf32>, %i: tensor<3xi64>, %j: tensor<3xi64>) -> tensor<3xf32> {
  %r = aten.index.Tensor %x, %i, %j : (tensor<5x3xf32>, tensor<3xi64>, tensor<3xi64>) -> tensor<3xf32>
  func.return %r : tensor<3xf32>
}

// -----

// slice_scatter of columns 1..3: x[:, :1], src, x[:, 3:] concatenated.
// CHECK-LABEL: func.func @slice_scatter(
// CHECK:         %[[A:.*]] = circle.slice %[[X:[^,]*]], %{{.*}}, %{{.*}} : (tensor<2x5xf32>, tensor<2xi32>, tensor<2xi32>) -> tensor<2x1xf32>
// CHECK:         %[[B:.*]] = circle.slice %[[X]], %{{.*}}, %{{.*}} : (tensor<2x5xf32>, tensor<2xi32>, tensor<2xi32>) -> tensor<2x2xf32>
// CHECK-NEXT:    %[[R:.*]] = circle.concatenation %[[A]], %[[Y:[^ ]*]], %[[B]] {axis = 1 : i32} : (tensor<2x1xf32>, tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x5xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @slice_scatter(%x: tensor<2x5xf32>, %y: tensor<2x2xf32>) -> tensor<2x5xf32> {
  %r = aten.slice_scatter %x, %y {dim = 1 : i64, start = 1 : i64, end = 3 : i64, step = 1 : i64} : (tensor<2x5xf32>, tensor<2x2xf32>) -> tensor<2x5xf32>
  func.return %r : tensor<2x5xf32>
}

// -----

// A prefix slice_scatter (start 0): src then the rest of x.
// CHECK-LABEL: func.func @slice_scatter_prefix(
// CHECK:         %[[B:.*]] = circle.slice %{{.*}} -> tensor<3x4xf32>
// CHECK-NEXT:    %[[R:.*]] = circle.concatenation %{{.*}}, %[[B]] {axis = 0 : i32} : (tensor<1x4xf32>, tensor<3x4xf32>) -> tensor<4x4xf32>
func.func @slice_scatter_prefix(%x: tensor<4x4xf32>, %y: tensor<1x4xf32>) -> tensor<4x4xf32> {
  %r = aten.slice_scatter %x, %y {dim = 0 : i64, start = 0 : i64, end = 1 : i64, step = 1 : i64} : (tensor<4x4xf32>, tensor<1x4xf32>) -> tensor<4x4xf32>
  func.return %r : tensor<4x4xf32>
}

// -----

// CHECK: m.py:3: 'ss': aten.slice_scatter: slice_scatter with step 2 has no Circle lowering (only step 1)
func.func @slice_scatter_step(%x: tensor<2x6xf32>, %y: tensor<2x3xf32>) -> tensor<2x6xf32> {
  %r = aten.slice_scatter %x, %y {dim = 1 : i64, start = 0 : i64, end = 6 : i64, step = 2 : i64} : (tensor<2x6xf32>, tensor<2x3xf32>) -> tensor<2x6xf32> loc("ss"("m.py":3:0))
  func.return %r : tensor<2x6xf32>
}

// -----

// CHECK: m.py:4: 'idx': aten.index.Tensor: boolean-mask indexing has a data-dependent shape: no Circle lowering (index with integer tensors)
func.func @index_mask(%x: tensor<4xf32>, %m: tensor<4xi1>) -> tensor<2xf32> {
  %r = aten.index.Tensor %x, %m : (tensor<4xf32>, tensor<4xi1>) -> tensor<2xf32> loc("idx"("m.py":4:0))
  func.return %r : tensor<2xf32>
}

// -----

// CHECK: m.py:5: 'idx': aten.index.Tensor: indexing with several tensors is lowered only when they index the leading dimensions (x[i, j, ...]); got dimensions [1, 2]
func.func @index_inner_pair(%x: tensor<2x5x3xf32>, %i: tensor<4xi64>, %j: tensor<4xi64>) -> tensor<2x4xf32> {
  %n = aten.none : none
  %r = aten.index.Tensor %x, %n, %i, %j : (tensor<2x5x3xf32>, none, tensor<4xi64>, tensor<4xi64>) -> tensor<2x4xf32> loc("idx"("m.py":5:0))
  func.return %r : tensor<2x4xf32>
}

// -----

// CHECK: m.py:6: 'g': aten.gather: index out of range [0, 4): 0..4
func.func @gather_out_of_range(%x: tensor<2x4xf32>) -> tensor<2x1xf32> {
  %i = circle.const dense<[[0], [4]]> : tensor<2x1xi64>
  %r = aten.gather %x, %i {dim = 1 : i64, sparse_grad = false} : (tensor<2x4xf32>, tensor<2x1xi64>) -> tensor<2x1xf32> loc("g"("m.py":6:0))
  func.return %r : tensor<2x1xf32>
}
