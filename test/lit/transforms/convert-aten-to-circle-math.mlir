// Element-wise math legalizations (ops-math): aten.elu -> circle.elu; arguments Circle's
// ELU cannot express are refused with a located error.
// RUN: qopt %s --split-input-file -p convert-aten-to-circle | filecheck %s
// RUN: not qopt %S/Inputs/elu_alpha.mlir -p convert-aten-to-circle 2>&1 | filecheck %s --check-prefix=ALPHA

// CHECK-LABEL: func.func @elu(
// CHECK-NEXT:    %[[Y:.*]] = circle.elu %{{.*}} : (tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK-NEXT:    func.return %[[Y]]
func.func @elu(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %y = aten.elu %x {alpha = 1.0 : f64, scale = 1.0 : f64, input_scale = 1.0 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  func.return %y : tensor<1x8xf32>
}

// ALPHA-NOT: Traceback
// ALPHA: {{^}}qopt: error: {{.*}}elu_alpha.mlir:2:3: aten.elu: elu with alpha/scale other than 1 has no Circle lowering
