// RUN: qopt %s --split-input-file --verify-diagnostics -p convert-aten-to-circle | filecheck %s

// Integer to integer: CAST.
// CHECK-LABEL: func.func @int_cast(
// CHECK-NEXT:    %[[R:.*]] = circle.cast %{{.*}} : (tensor<2xi64>) -> tensor<2xi32>
// CHECK-NEXT:    func.return %[[R]]
func.func @int_cast(%i: tensor<2xi64>) -> tensor<2xi32> {
  %r = aten.to.dtype %i {dtype = "int32", non_blocking = false, copy = false} : (tensor<2xi64>) -> tensor<2xi32>
  func.return %r : tensor<2xi32>
}

// -----

// Boolean to float: SELECT_V2 between 1 and 0 (quantizable, unlike a CAST).
// CHECK-LABEL: func.func @mask_to_float(
// CHECK-NEXT:    %[[ONE:.*]] = circle.const dense<1.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[ZERO:.*]] = circle.const dense<0.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[R:.*]] = circle.select_v2 %{{.*}}, %[[ONE]], %[[ZERO]] : (tensor<2x3xi1>, tensor<f32>, tensor<f32>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @mask_to_float(%m: tensor<2x3xi1>) -> tensor<2x3xf32> {
  %r = aten.to.dtype %m {dtype = "float32", non_blocking = false, copy = false} : (tensor<2x3xi1>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// -----

// Float to integer: CAST (truncation toward zero, as torch), and integer to float: CAST;
// both compute on float values (a float island in a quantized model: fuse-qdq.mlir).
// CHECK-LABEL: func.func @float_to_int(
// CHECK-NEXT:    %[[R:.*]] = circle.cast %{{.*}} : (tensor<2xf32>) -> tensor<2xi32>
// CHECK-NEXT:    %[[F:.*]] = circle.cast %[[R]] : (tensor<2xi32>) -> tensor<2xf32>
// CHECK-NEXT:    func.return %[[F]]
func.func @float_to_int(%x: tensor<2xf32>) -> tensor<2xf32> {
  %r = aten.to.dtype %x {dtype = "int32", non_blocking = false, copy = false} : (tensor<2xf32>) -> tensor<2xi32>
  %f = aten.to.dtype %r {dtype = "float32", non_blocking = false, copy = false} : (tensor<2xi32>) -> tensor<2xf32>
  func.return %f : tensor<2xf32>
}
