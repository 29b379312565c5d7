// RUN: qopt %s --split-input-file --verify-diagnostics -p convert-aten-to-circle | filecheck %s

// Comparing a quantized operand with a scalar: the scalar becomes a constant of the
// operand's type whose integer (and comparison) give torch's float comparison on every
// integer of the type. u8, scale 0.1, zp 128: x > 0.26 holds from q = 131 on, so
// q > 130 (rounding 0.26 to the nearest step, 131, would be wrong for q = 131);
// x >= 0.26 is q >= 131; x < -0.35 is q < 125; x == 0.3 is q == 131 (0.3 is on the
// grid in float32); x == 0.25 never holds (q < 0) and x != 0.25 always (q >= 0).
// CHECK-LABEL: func.func @scalar_quantized(
// CHECK-NEXT:    %[[X:.*]] = quant.dcast
// CHECK-NEXT:    %[[C0:.*]] = quant.constant dense<130> : tensor<ui8> to tensor<!quant.uniform<u8:f32, 0.1:128>>
// CHECK-NEXT:    %[[D0:.*]] = quant.dcast %[[C0]] : tensor<!quant.uniform<u8:f32, 0.1:128>> to tensor<f32>
// CHECK-NEXT:    %[[R0:.*]] = circle.greater %[[X]], %[[D0]] : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
// CHECK-NEXT:    quant.constant dense<131>
// CHECK-NEXT:    quant.dcast
// CHECK-NEXT:    %[[R1:.*]] = circle.greater_equal %[[X]]
// CHECK-NEXT:    quant.constant dense<125>
// CHECK-NEXT:    quant.dcast
// CHECK-NEXT:    %[[R2:.*]] = circle.less %[[X]]
// CHECK-NEXT:    quant.constant dense<131>
// CHECK-NEXT:    quant.dcast
// CHECK-NEXT:    %[[R3:.*]] = circle.equal %[[X]]
// CHECK-NEXT:    quant.constant dense<0>
// CHECK-NEXT:    quant.dcast
// CHECK-NEXT:    %[[R4:.*]] = circle.less %[[X]]
// CHECK-NEXT:    quant.constant dense<0>
// CHECK-NEXT:    quant.dcast
// CHECK-NEXT:    %[[R5:.*]] = circle.greater_equal %[[X]]
// CHECK-NEXT:    func.return %[[R0]], %[[R1]], %[[R2]], %[[R3]], %[[R4]], %[[R5]]
func.func @scalar_quantized(%q: tensor<4x!quant.uniform<u8:f32, 0.1:128>>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %x = quant.dcast %q : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xf32>
  %0 = aten.gt.Scalar %x {other = 0.26 : f64} : (tensor<4xf32>) -> tensor<4xi1>
  %1 = aten.ge.Scalar %x {other = 0.26 : f64} : (tensor<4xf32>) -> tensor<4xi1>
  %2 = aten.lt.Scalar %x {other = -0.35 : f64} : (tensor<4xf32>) -> tensor<4xi1>
  %3 = aten.eq.Scalar %x {other = 0.3 : f64} : (tensor<4xf32>) -> tensor<4xi1>
  %4 = aten.eq.Scalar %x {other = 0.25 : f64} : (tensor<4xf32>) -> tensor<4xi1>
  %5 = aten.ne.Scalar %x {other = 0.25 : f64} : (tensor<4xf32>) -> tensor<4xi1>
  func.return %0, %1, %2, %3, %4, %5 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// Against an int64 tensor (torch promotes): a one-valued integer constant is a scalar
// threshold (quantized: the same integer threshold as gt.Scalar 1; swapped when it is
// the lhs: 1 <= x is x >= 1); mixed integer widths compare in the wider (CAST).
// CHECK-LABEL: func.func @int64_operands(
// CHECK:         quant.constant dense<138> : tensor<ui8> to tensor<!quant.uniform<u8:f32, 0.1:128>>
// CHECK:         circle.greater %[[X:.*]], %{{.*}} : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
// CHECK:         quant.constant dense<138> : tensor<ui8> to tensor<!quant.uniform<u8:f32, 0.1:128>>
// CHECK:         circle.greater_equal %[[X]], %{{.*}} : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
// CHECK:         %[[W:.*]] = circle.cast %{{.*}} : (tensor<4xi32>) -> tensor<4xi64>
// CHECK-NEXT:    circle.equal %[[W]], %{{.*}} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
func.func @int64_operands(%q: tensor<4x!quant.uniform<u8:f32, 0.1:128>>, %i: tensor<4xi32>, %j: tensor<4xi64>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %x = quant.dcast %q : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xf32>
  %one = circle.const dense<1> : tensor<i64>
  %0 = aten.gt.Tensor %x, %one : (tensor<4xf32>, tensor<i64>) -> tensor<4xi1>
  %1 = aten.le.Tensor %one, %x : (tensor<i64>, tensor<4xf32>) -> tensor<4xi1>
  %2 = aten.eq.Tensor %i, %j : (tensor<4xi32>, tensor<4xi64>) -> tensor<4xi1>
  func.return %0, %1, %2 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// Float comparisons: tensor operands map one to one (broadcasting kept); a scalar is a
// rank-0 constant of the operand's element type.
// CHECK-LABEL: func.func @float_compare(
// CHECK-NEXT:    %[[A:.*]] = circle.less_equal %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK-NEXT:    %[[B:.*]] = circle.not_equal %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK-NEXT:    %[[C:.*]] = circle.const dense<5.000000e-01> : tensor<f32>
// CHECK-NEXT:    %[[D:.*]] = circle.greater %{{.*}}, %[[C]] : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
// CHECK-NEXT:    func.return %[[A]], %[[B]], %[[D]]
func.func @float_compare(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>) {
  %0 = aten.le.Tensor %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %1 = aten.ne.Tensor %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %2 = aten.gt.Scalar %x {other = 0.5 : f64} : (tensor<2x3xf32>) -> tensor<2x3xi1>
  func.return %0, %1, %2 : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>
}

// -----

// logical_* and the bitwise ops on booleans (`&`, `|`, `~` on masks) are LOGICAL_*.
// CHECK-LABEL: func.func @logic(
// CHECK-NEXT:    %[[A:.*]] = circle.logical_and %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
// CHECK-NEXT:    %[[B:.*]] = circle.logical_or %[[A]], %{{.*}} : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK-NEXT:    %[[C:.*]] = circle.logical_not %[[B]] : (tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK-NEXT:    %[[D:.*]] = circle.logical_and %[[C]], %[[A]]
// CHECK-NEXT:    %[[E:.*]] = circle.logical_or %[[D]], %[[C]]
// CHECK-NEXT:    %[[F:.*]] = circle.logical_not %[[E]]
// CHECK-NEXT:    func.return %[[F]]
func.func @logic(%m: tensor<2x3xi1>, %n: tensor<3xi1>) -> tensor<2x3xi1> {
  %0 = aten.logical_and %m, %n : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %1 = aten.logical_or %0, %m : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %2 = aten.logical_not %1 : (tensor<2x3xi1>) -> tensor<2x3xi1>
  %3 = aten.__and__.Tensor %2, %0 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %4 = aten.bitwise_or.Tensor %3, %2 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %5 = aten.bitwise_not %4 : (tensor<2x3xi1>) -> tensor<2x3xi1>
  func.return %5 : tensor<2x3xi1>
}

// -----

// Float and integer operands of logical ops and any: their truth value `x != 0` first
// (NOT_EQUAL with a 0 constant of the operand's type; quantized: the stored zero point).
// CHECK-LABEL: func.func @logic_float(
// CHECK-NEXT:    %[[Z:.*]] = circle.const dense<0.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[X:.*]] = circle.not_equal %{{.*}}, %[[Z]] : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>
// CHECK-NEXT:    %[[IZ:.*]] = circle.const dense<0> : tensor<i64>
// CHECK-NEXT:    %[[I:.*]] = circle.not_equal %{{.*}}, %[[IZ]] : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
// CHECK-NEXT:    %[[A:.*]] = circle.logical_and %[[X]], %[[I]] : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
// CHECK:         %[[Q:.*]] = circle.not_equal %[[DQ:.*]], %{{.*}} : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>
// CHECK-NEXT:    %[[AX:.*]] = circle.const dense<0> : tensor<1xi32>
// CHECK-NEXT:    circle.reduce_any %[[Q]], %[[AX]] : (tensor<3xi1>, tensor<1xi32>) -> tensor<i1>
func.func @logic_float(%x: tensor<3xf32>, %i: tensor<3xi64>) -> (tensor<3xi1>, tensor<i1>) {
  %0 = aten.logical_and %x, %i : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xi1>
  %q = quant.qcast %x : tensor<3xf32> to tensor<3x!quant.uniform<i8:f32, 0.1:3>>
  %d = quant.dcast %q : tensor<3x!quant.uniform<i8:f32, 0.1:3>> to tensor<3xf32>
  %1 = aten.any.dim %d {dim = 0 : i64, keepdim = false} : (tensor<3xf32>) -> tensor<i1>
  func.return %0, %1 : tensor<3xi1>, tensor<i1>
}

// -----

// where / masked_fill are SELECT_V2 (condition first); scalar operands are rank-0
// constants of the result's element type, quantized later with the result's parameters.
// CHECK-LABEL: func.func @select(
// CHECK-NEXT:    %[[A:.*]] = circle.select_v2 %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %[[Z:.*]] = circle.const dense<0.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[B:.*]] = circle.select_v2 %{{.*}}, %[[A]], %[[Z]] : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %[[O:.*]] = circle.const dense<1.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[C:.*]] = circle.select_v2 %{{.*}}, %[[O]], %[[B]] : (tensor<2x3xi1>, tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %[[I:.*]] = circle.const dense<0xff800000> : tensor<f32>
// CHECK-NEXT:    %[[D:.*]] = circle.select_v2 %{{.*}}, %[[I]], %[[C]] : (tensor<2x3xi1>, tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %[[P:.*]] = circle.const dense<1.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[M:.*]] = circle.const dense<-1.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[E:.*]] = circle.select_v2 %{{.*}}, %[[P]], %[[M]] : (tensor<2x3xi1>, tensor<f32>, tensor<f32>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return %[[D]], %[[E]]
func.func @select(%m: tensor<2x3xi1>, %x: tensor<2x3xf32>, %y: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = aten.where.self %m, %x, %y : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = aten.where.ScalarOther %m, %0 {other = 0.0 : f64} : (tensor<2x3xi1>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = aten.where.ScalarSelf %m, %1 {self = 1.0 : f64} : (tensor<2x3xi1>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = aten.masked_fill.Scalar %2, %m {value = 0xFFF0000000000000 : f64} : (tensor<2x3xf32>, tensor<2x3xi1>) -> tensor<2x3xf32>
  %4 = aten.where.Scalar %m {self = 1.0 : f64, other = -1.0 : f64} : (tensor<2x3xi1>) -> tensor<2x3xf32>
  func.return %3, %4 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// any: REDUCE_ANY over every axis (any.default, any.dims without dims), one axis
// (negative: normalized) or a list, keepdim as keep_dims.
// CHECK-LABEL: func.func @any(
// CHECK-NEXT:    %[[A0:.*]] = circle.const dense<[0, 1, 2]> : tensor<3xi32>
// CHECK-NEXT:    %[[A:.*]] = circle.reduce_any %{{.*}}, %[[A0]] : (tensor<2x3x4xi1>, tensor<3xi32>) -> tensor<i1>
// CHECK-NEXT:    %[[B0:.*]] = circle.const dense<2> : tensor<1xi32>
// CHECK-NEXT:    %[[B:.*]] = circle.reduce_any %{{.*}}, %[[B0]] {keep_dims = true} : (tensor<2x3x4xi1>, tensor<1xi32>) -> tensor<2x3x1xi1>
// CHECK-NEXT:    %[[C0:.*]] = circle.const dense<[0, 2]> : tensor<2xi32>
// CHECK-NEXT:    %[[C:.*]] = circle.reduce_any %{{.*}}, %[[C0]] : (tensor<2x3x4xi1>, tensor<2xi32>) -> tensor<3xi1>
// CHECK-NEXT:    %[[D0:.*]] = circle.const dense<[0, 1, 2]> : tensor<3xi32>
// CHECK-NEXT:    %[[D:.*]] = circle.reduce_any %{{.*}}, %[[D0]] : (tensor<2x3x4xi1>, tensor<3xi32>) -> tensor<i1>
// CHECK-NEXT:    func.return %[[A]], %[[B]], %[[C]], %[[D]]
func.func @any(%m: tensor<2x3x4xi1>) -> (tensor<i1>, tensor<2x3x1xi1>, tensor<3xi1>, tensor<i1>) {
  %0 = aten.any %m : (tensor<2x3x4xi1>) -> tensor<i1>
  %1 = aten.any.dim %m {dim = -1 : i64, keepdim = true} : (tensor<2x3x4xi1>) -> tensor<2x3x1xi1>
  %2 = aten.any.dims %m {dim = array<i64: 2, 0>, keepdim = false} : (tensor<2x3x4xi1>) -> tensor<3xi1>
  %3 = aten.any.dims %m {keepdim = false} : (tensor<2x3x4xi1>) -> tensor<i1>
  func.return %0, %1, %2, %3 : tensor<i1>, tensor<2x3x1xi1>, tensor<3xi1>, tensor<i1>
}

// -----

// A non-boolean condition has no SELECT_V2 form.
func.func @where_float_cond(%c: tensor<3xf32>, %x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @below {{aten.where.self: the condition must be boolean, got tensor<3xf32>}}
  %0 = aten.where.self %c, %x, %x : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  func.return %0 : tensor<3xf32>
}
