// Round trip of the comparison / logic / select ops (custom -> generic -> custom, and
// generic -> generic): quantized comparisons with differing and broadcast operands and a
// boolean (i1) result, logical ops on i1, SELECT_V2 with a rank-0 quantized fill, and
// REDUCE_ANY with keep_dims (printed only when not the default).
// RUN: QOPT_ROUNDTRIP
// RUN: QOPT_GENERIC_ROUNDTRIP

// CHECK-LABEL: func.func @compare(
// GENERIC-LABEL: "func.func"() <{sym_name = "compare"
func.func @compare(%a: tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, %b: tensor<1x3x!quant.uniform<i8:f32, 0.2:-1>>, %x: tensor<2x3xf32>) -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>) {
  // CHECK-NEXT: circle.equal %{{.*}}, %{{.*}} : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<1x3x!quant.uniform<i8:f32, 0.2:-1>>) -> tensor<2x3xi1>
  // GENERIC: "circle.equal"(%{{.*}}, %{{.*}}) : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<1x3x!quant.uniform<i8:f32, 0.2:-1>>) -> tensor<2x3xi1>
  %0 = circle.equal %a, %b : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<1x3x!quant.uniform<i8:f32, 0.2:-1>>) -> tensor<2x3xi1>
  // CHECK-NEXT: circle.not_equal %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  // GENERIC-NEXT: "circle.not_equal"
  %1 = circle.not_equal %x, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK-NEXT: circle.greater %{{.*}}, %{{.*}} : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<1x3x!quant.uniform<i8:f32, 0.2:-1>>) -> tensor<2x3xi1>
  // GENERIC-NEXT: "circle.greater"
  %2 = circle.greater %a, %b : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<1x3x!quant.uniform<i8:f32, 0.2:-1>>) -> tensor<2x3xi1>
  // CHECK-NEXT: circle.greater_equal
  // GENERIC-NEXT: "circle.greater_equal"
  %3 = circle.greater_equal %x, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK-NEXT: circle.less
  // GENERIC-NEXT: "circle.less"
  %4 = circle.less %b, %a : (tensor<1x3x!quant.uniform<i8:f32, 0.2:-1>>, tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<2x3xi1>
  // CHECK-NEXT: circle.less_equal
  // GENERIC-NEXT: "circle.less_equal"
  %5 = circle.less_equal %x, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  func.return %0, %1, %2, %3, %4, %5 : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>
}

// -----

// CHECK-LABEL: func.func @logic_select_any(
// GENERIC-LABEL: "func.func"() <{sym_name = "logic_select_any"
func.func @logic_select_any(%m: tensor<2x3xi1>, %n: tensor<3xi1>, %x: tensor<2x3x!quant.uniform<u8:f32, 0.05:128>>) -> (tensor<2x3x!quant.uniform<u8:f32, 0.05:128>>, tensor<2xi1>, tensor<1x1xi1>) {
  // CHECK-NEXT: %[[AND:[^ ,]+]] = circle.logical_and %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  // GENERIC: "circle.logical_and"(%{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %0 = circle.logical_and %m, %n : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  // CHECK-NEXT: %[[OR:[^ ,]+]] = circle.logical_or %[[AND]], %{{.*}} : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // GENERIC-NEXT: "circle.logical_or"
  %1 = circle.logical_or %0, %m : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK-NEXT: %[[NOT:[^ ,]+]] = circle.logical_not %[[OR]] : (tensor<2x3xi1>) -> tensor<2x3xi1>
  // GENERIC-NEXT: "circle.logical_not"
  %2 = circle.logical_not %1 : (tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK-NEXT: %[[F:[^ ,]+]] = circle.const dense<0> : tensor<ui8> to tensor<!quant.uniform<u8:f32, 0.05:128>>
  // GENERIC-NEXT: "circle.const"
  %f = circle.const dense<0> : tensor<ui8> to tensor<!quant.uniform<u8:f32, 0.05:128>>
  // CHECK-NEXT: circle.select_v2 %[[NOT]], %{{.*}}, %[[F]] : (tensor<2x3xi1>, tensor<2x3x!quant.uniform<u8:f32, 0.05:128>>, tensor<!quant.uniform<u8:f32, 0.05:128>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.05:128>>
  // GENERIC-NEXT: "circle.select_v2"
  %3 = circle.select_v2 %2, %x, %f : (tensor<2x3xi1>, tensor<2x3x!quant.uniform<u8:f32, 0.05:128>>, tensor<!quant.uniform<u8:f32, 0.05:128>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.05:128>>
  // CHECK-NEXT: %[[AX:[^ ,]+]] = circle.const dense<1> : tensor<1xi32>
  // GENERIC-NEXT: "circle.const"
  %ax = circle.const dense<1> : tensor<1xi32>
  // CHECK-NEXT: circle.reduce_any %[[NOT]], %[[AX]] : (tensor<2x3xi1>, tensor<1xi32>) -> tensor<2xi1>
  // GENERIC-NEXT: "circle.reduce_any"(%{{.*}}, %{{.*}}) <{keep_dims = false}>
  %4 = circle.reduce_any %2, %ax : (tensor<2x3xi1>, tensor<1xi32>) -> tensor<2xi1>
  // CHECK-NEXT: %[[AX2:[^ ,]+]] = circle.const dense<[0, 1]> : tensor<2xi32>
  // GENERIC-NEXT: "circle.const"
  %ax2 = circle.const dense<[0, 1]> : tensor<2xi32>
  // CHECK-NEXT: circle.reduce_any %[[NOT]], %[[AX2]] {keep_dims = true} : (tensor<2x3xi1>, tensor<2xi32>) -> tensor<1x1xi1>
  // GENERIC-NEXT: "circle.reduce_any"(%{{.*}}, %{{.*}}) <{keep_dims = true}>
  %5 = circle.reduce_any %2, %ax2 {keep_dims = true} : (tensor<2x3xi1>, tensor<2xi32>) -> tensor<1x1xi1>
  func.return %3, %4, %5 : tensor<2x3x!quant.uniform<u8:f32, 0.05:128>>, tensor<2xi1>, tensor<1x1xi1>
}
