// The indexing family's circle ops (ARG_MAX, ARG_MIN, TILE, GATHER_ND): custom -> generic
// -> custom round trip, and through .circle and .tflite files (read back unchanged;
// output_type INT64 is the default and is not printed, but is written to the file).
// RUN: QOPT_ROUNDTRIP
// RUN: QOPT_GENERIC_ROUNDTRIP
// RUN: qopt %s -t circle | qopt | filecheck %s
// RUN: qopt %s -t tflite | qopt | filecheck %s

// CHECK-LABEL: func.func @index(
// GENERIC-LABEL: "func.func"() <{sym_name = "index"
func.func @index(%x: tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, %i: tensor<2x2x2xi64>) -> (tensor<2x3xi64>, tensor<2x5xi32>, tensor<2x10x9x!quant.uniform<i8:f32, 0.015625:3>>, tensor<2x2x3x!quant.uniform<i8:f32, 0.015625:3>>) {
  // CHECK: %[[A:[^ ]+]] = circle.const dense<1> : tensor<1xi32>
  %a = circle.const dense<1> : tensor<1xi32>
  // CHECK-NEXT: %[[AM:[^ ]+]] = circle.arg_max %{{[^,]+}}, %[[A]] : (tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, tensor<1xi32>) -> tensor<2x3xi64>
  // GENERIC: "circle.arg_max"(%{{.*}}, %{{.*}}) <{output_type = "INT64"}> : (tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, tensor<1xi32>) -> tensor<2x3xi64>
  %am = circle.arg_max %x, %a : (tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, tensor<1xi32>) -> tensor<2x3xi64>
  // CHECK-NEXT: %[[B:[^ ]+]] = circle.const dense<2> : tensor<1xi64>
  %b = circle.const dense<2> : tensor<1xi64>
  // CHECK-NEXT: %[[AN:[^ ]+]] = circle.arg_min %{{[^,]+}}, %[[B]] {output_type = "INT32"} : (tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, tensor<1xi64>) -> tensor<2x5xi32>
  // GENERIC: "circle.arg_min"(%{{.*}}, %{{.*}}) <{output_type = "INT32"}> : (tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, tensor<1xi64>) -> tensor<2x5xi32>
  %an = circle.arg_min %x, %b {output_type = "INT32"} : (tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, tensor<1xi64>) -> tensor<2x5xi32>
  // CHECK-NEXT: %[[M:[^ ]+]] = circle.const dense<[1, 2, 3]> : tensor<3xi32>
  %m = circle.const dense<[1, 2, 3]> : tensor<3xi32>
  // CHECK-NEXT: %[[T:[^ ]+]] = circle.tile %{{[^,]+}}, %[[M]] : (tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, tensor<3xi32>) -> tensor<2x10x9x!quant.uniform<i8:f32, 0.015625:3>>
  // GENERIC: "circle.tile"(%{{.*}}, %{{.*}}) : (tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, tensor<3xi32>) -> tensor<2x10x9x!quant.uniform<i8:f32, 0.015625:3>>
  %t = circle.tile %x, %m : (tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, tensor<3xi32>) -> tensor<2x10x9x!quant.uniform<i8:f32, 0.015625:3>>
  // CHECK-NEXT: %[[G:[^ ]+]] = circle.gather_nd %{{[^,]+}}, %{{[^ ]+}} : (tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, tensor<2x2x2xi64>) -> tensor<2x2x3x!quant.uniform<i8:f32, 0.015625:3>>
  // GENERIC: "circle.gather_nd"(%{{.*}}, %{{.*}}) : (tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, tensor<2x2x2xi64>) -> tensor<2x2x3x!quant.uniform<i8:f32, 0.015625:3>>
  %g = circle.gather_nd %x, %i : (tensor<2x5x3x!quant.uniform<i8:f32, 0.015625:3>>, tensor<2x2x2xi64>) -> tensor<2x2x3x!quant.uniform<i8:f32, 0.015625:3>>
  // CHECK-NEXT: func.return %[[AM]], %[[AN]], %[[T]], %[[G]]
  func.return %am, %an, %t, %g : tensor<2x3xi64>, tensor<2x5xi32>, tensor<2x10x9x!quant.uniform<i8:f32, 0.015625:3>>, tensor<2x2x3x!quant.uniform<i8:f32, 0.015625:3>>
}
