// Round trip of CAST (custom -> generic -> custom, and generic -> generic).
// RUN: QOPT_ROUNDTRIP
// RUN: QOPT_GENERIC_ROUNDTRIP

// CHECK-LABEL: func.func @cast(
// GENERIC-LABEL: "func.func"() <{sym_name = "cast"
func.func @cast(%i: tensor<2xi64>, %m: tensor<2xi1>) -> (tensor<2xi32>, tensor<2xi32>) {
  // CHECK-NEXT: circle.cast %{{.*}} : (tensor<2xi64>) -> tensor<2xi32>
  // GENERIC: "circle.cast"(%{{.*}}) : (tensor<2xi64>) -> tensor<2xi32>
  %0 = circle.cast %i : (tensor<2xi64>) -> tensor<2xi32>
  // CHECK-NEXT: circle.cast %{{.*}} : (tensor<2xi1>) -> tensor<2xi32>
  // GENERIC-NEXT: "circle.cast"(%{{.*}}) : (tensor<2xi1>) -> tensor<2xi32>
  %1 = circle.cast %m : (tensor<2xi1>) -> tensor<2xi32>
  func.return %0, %1 : tensor<2xi32>, tensor<2xi32>
}
