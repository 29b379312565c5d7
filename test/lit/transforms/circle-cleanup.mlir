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

// -----

// An 8-bit MEAN over H and W with equal input/output parameters becomes AVERAGE_POOL_2D
// (one window over H x W), which rounds once; without keep_dims a RESHAPE follows. A MEAN
// that requantizes, or over other axes, stays.
// CHECK-LABEL: func.func @spatial_mean(
// CHECK-NEXT:    %[[P:.*]] = circle.average_pool_2d %{{.*}} {filter_height = 3 : i32, filter_width = 3 : i32} : (tensor<1x3x3x4x!quant.uniform<i8:f32, 0.5:-1>>) -> tensor<1x1x1x4x!quant.uniform<i8:f32, 0.5:-1>>
// CHECK-NOT:     circle.mean
// CHECK:         func.return %[[P]]
// CHECK-LABEL: func.func @spatial_mean_drop_dims(
// CHECK-NEXT:    %[[P:.*]] = circle.average_pool_2d %{{.*}} {filter_height = 2 : i32, filter_width = 5 : i32} : {{.*}} -> tensor<1x1x1x4x!quant.uniform<u8:f32, 0.5:3>>
// CHECK-NEXT:    %[[S:.*]] = circle.const dense<[1, 4]> : tensor<2xi32>
// CHECK-NEXT:    %[[R:.*]] = circle.reshape %[[P]], %[[S]] : {{.*}} -> tensor<1x4x!quant.uniform<u8:f32, 0.5:3>>
// CHECK-NEXT:    func.return %[[R]]
// CHECK-LABEL: func.func @mean_stays(
// CHECK:         circle.mean
// CHECK:         circle.mean
// CHECK:         circle.mean
// CHECK-NOT:     circle.average_pool_2d
func.func @spatial_mean(%x: tensor<1x3x3x4x!quant.uniform<i8:f32, 0.5:-1>>) -> tensor<1x1x1x4x!quant.uniform<i8:f32, 0.5:-1>> {
  %a = circle.const dense<[1, 2]> : tensor<2xi32>
  %m = circle.mean %x, %a {keep_dims = true} : (tensor<1x3x3x4x!quant.uniform<i8:f32, 0.5:-1>>, tensor<2xi32>) -> tensor<1x1x1x4x!quant.uniform<i8:f32, 0.5:-1>>
  func.return %m : tensor<1x1x1x4x!quant.uniform<i8:f32, 0.5:-1>>
}
func.func @spatial_mean_drop_dims(%x: tensor<1x2x5x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x4x!quant.uniform<u8:f32, 0.5:3>> {
  %a = circle.const dense<[2, 1]> : tensor<2xi32>
  %m = circle.mean %x, %a : (tensor<1x2x5x4x!quant.uniform<u8:f32, 0.5:3>>, tensor<2xi32>) -> tensor<1x4x!quant.uniform<u8:f32, 0.5:3>>
  func.return %m : tensor<1x4x!quant.uniform<u8:f32, 0.5:3>>
}
func.func @mean_stays(%x: tensor<1x3x3x4x!quant.uniform<i8:f32, 0.5:-1>>, %s: tensor<1x3x3x4x!quant.uniform<i16:f32, 0.5>>) -> (tensor<1x1x1x4x!quant.uniform<i8:f32, 0.25:-1>>, tensor<1x3x1x4x!quant.uniform<i8:f32, 0.5:-1>>, tensor<1x1x1x4x!quant.uniform<i16:f32, 0.5>>) {
  %a = circle.const dense<[1, 2]> : tensor<2xi32>
  %b = circle.const dense<[2]> : tensor<1xi32>
  %requant = circle.mean %x, %a {keep_dims = true} : (tensor<1x3x3x4x!quant.uniform<i8:f32, 0.5:-1>>, tensor<2xi32>) -> tensor<1x1x1x4x!quant.uniform<i8:f32, 0.25:-1>>
  %width = circle.mean %x, %b {keep_dims = true} : (tensor<1x3x3x4x!quant.uniform<i8:f32, 0.5:-1>>, tensor<1xi32>) -> tensor<1x3x1x4x!quant.uniform<i8:f32, 0.5:-1>>
  %wide = circle.mean %s, %a {keep_dims = true} : (tensor<1x3x3x4x!quant.uniform<i16:f32, 0.5>>, tensor<2xi32>) -> tensor<1x1x1x4x!quant.uniform<i16:f32, 0.5>>
  func.return %requant, %width, %wide : tensor<1x1x1x4x!quant.uniform<i8:f32, 0.25:-1>>, tensor<1x3x1x4x!quant.uniform<i8:f32, 0.5:-1>>, tensor<1x1x1x4x!quant.uniform<i16:f32, 0.5>>
}
