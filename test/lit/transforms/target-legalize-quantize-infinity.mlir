// RUN: qopt %s --split-input-file -p 'target-legalize{target=onert}' | filecheck %s
// RUN: qopt %s --split-input-file -p 'target-legalize{target=litert}' | filecheck %s

// A uint8 layer norm's float island: 1 / sqrt(var + eps), where var + eps may quantize
// to 0. The DIV yields +inf there; onert's and LiteRT's QUANTIZE cast round(inf / s) to
// int32 (undefined: qmin on x86), PT2E saturates to qmax. The QUANTIZE's input is
// clamped to the range uint8 (s = 0.5, zp = 10) represents: [(0 - 10) 0.5, (255 - 10) 0.5].
// CHECK-LABEL: func.func @reciprocal(
// CHECK:         %[[D:.*]] = circle.div
// CHECK-NEXT:    %[[LO:.*]] = circle.const dense<-5.000000e+00> : tensor<1xf32>
// CHECK-NEXT:    %[[MAX:.*]] = circle.maximum %[[D]], %[[LO]] : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
// CHECK-NEXT:    %[[HI:.*]] = circle.const dense<1.225000e+02> : tensor<1xf32>
// CHECK-NEXT:    %[[MIN:.*]] = circle.minimum %[[MAX]], %[[HI]] : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
// CHECK-NEXT:    %[[Q:.*]] = circle.quantize %[[MIN]] : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
// CHECK-NEXT:    func.return %[[Q]]
func.func @reciprocal(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %one = circle.const dense<1.0> : tensor<1xf32>
  %d = circle.div %one, %x {fused_activation_function = "NONE"} : (tensor<1xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %d : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// A QUANTIZE of an op that cannot yield +-inf on finite inputs (ADD) is left alone.
// CHECK-LABEL: func.func @finite(
// CHECK-NEXT:    %[[A:.*]] = circle.add
// CHECK-NEXT:    %[[Q:.*]] = circle.quantize %[[A]] :
// CHECK-NEXT:    func.return %[[Q]]
func.func @finite(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>> {
  %a = circle.add %x, %x {fused_activation_function = "NONE"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %a : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>>
}
