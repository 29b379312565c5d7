// RUN: qopt %s --split-input-file -p circle-cleanup | filecheck %s

// Inverse transposes cancel on quantized tensors too; the surviving chain is NHWC.
// CHECK-LABEL: func.func @cancel(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>>)
// CHECK-NEXT:    %[[R:.*]] = circle.relu %[[X]] : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>>
// CHECK-NEXT:    func.return %[[R]]
func.func @cancel(%x: tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>> {
  %p = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
  %t = circle.transpose %x, %p : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4xi32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-3>>
  %r = circle.relu %t : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-3>>
  %p2 = circle.const dense<[0, 2, 3, 1]> : tensor<4xi32>
  %t2 = circle.transpose %r, %p2 : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4xi32>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>>
  func.return %t2 : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>>
}

// -----

// A quantized constant is transposed at compile time, its per-axis dimension remapped.
// CHECK-LABEL: func.func @fold(
// CHECK-NEXT:    %[[W:.*]] = circle.const dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:0, {0.1,0.2,0.3}>>
// CHECK-NEXT:    func.return %[[W]]
func.func @fold() -> tensor<3x2x!quant.uniform<i8:f32:0, {0.1,0.2,0.3}>> {
  %w = circle.const dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:1, {0.1,0.2,0.3}>>
  %p = circle.const dense<[1, 0]> : tensor<2xi32>
  %t = circle.transpose %w, %p : (tensor<2x3x!quant.uniform<i8:f32:1, {0.1,0.2,0.3}>>, tensor<2xi32>) -> tensor<3x2x!quant.uniform<i8:f32:0, {0.1,0.2,0.3}>>
  func.return %t : tensor<3x2x!quant.uniform<i8:f32:0, {0.1,0.2,0.3}>>
}

// -----

// Reshape chains merge, identity reshapes and requantizations to the same type go.
// CHECK-LABEL: func.func @reshapes(
// CHECK-NEXT:    %[[S:.*]] = circle.const dense<[3, 4]> : tensor<2xi32>
// CHECK-NEXT:    %[[R:.*]] = circle.reshape %{{.*}}, %[[S]] : (tensor<2x6x!quant.uniform<u8:f32, 0.5:9>>, tensor<2xi32>) -> tensor<3x4x!quant.uniform<u8:f32, 0.5:9>>
// CHECK-NEXT:    func.return %[[R]]
func.func @reshapes(%x: tensor<2x6x!quant.uniform<u8:f32, 0.5:9>>) -> tensor<3x4x!quant.uniform<u8:f32, 0.5:9>> {
  %s1 = circle.const dense<[12]> : tensor<1xi32>
  %a = circle.reshape %x, %s1 : (tensor<2x6x!quant.uniform<u8:f32, 0.5:9>>, tensor<1xi32>) -> tensor<12x!quant.uniform<u8:f32, 0.5:9>>
  %s2 = circle.const dense<[3, 4]> : tensor<2xi32>
  %b = circle.reshape %a, %s2 : (tensor<12x!quant.uniform<u8:f32, 0.5:9>>, tensor<2xi32>) -> tensor<3x4x!quant.uniform<u8:f32, 0.5:9>>
  %c = circle.reshape %b, %s2 : (tensor<3x4x!quant.uniform<u8:f32, 0.5:9>>, tensor<2xi32>) -> tensor<3x4x!quant.uniform<u8:f32, 0.5:9>>
  %q = circle.quantize %c : (tensor<3x4x!quant.uniform<u8:f32, 0.5:9>>) -> tensor<3x4x!quant.uniform<u8:f32, 0.5:9>>
  func.return %q : tensor<3x4x!quant.uniform<u8:f32, 0.5:9>>
}

// -----

// Negative: a transpose before a DEQUANTIZE stays on the quantized side.
// CHECK-LABEL: func.func @keep_quantized(
// CHECK:         %[[T:.*]] = circle.transpose
// CHECK-NEXT:    circle.dequantize %[[T]]
func.func @keep_quantized(%x: tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x2x4x4xf32> {
  %p = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
  %t = circle.transpose %x, %p : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4xi32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-3>>
  %d = circle.dequantize %t : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x2x4x4xf32>
  func.return %d : tensor<1x2x4x4xf32>
}
