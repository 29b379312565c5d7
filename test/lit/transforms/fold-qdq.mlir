// RUN: qopt %s --split-input-file -p fold-qdq | filecheck %s

// qcast(dcast(x)) to the same type is the identity on stored values.
// CHECK-LABEL: func.func @identity(
// CHECK-SAME:    %[[X:.*]]: tensor<4x!quant.uniform<u8:f32, 0.1:128>>)
// CHECK-NEXT:    func.return %[[X]]
func.func @identity(%x: tensor<4x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<4x!quant.uniform<u8:f32, 0.1:128>> {
  %d = quant.dcast %x : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xf32>
  %q = quant.qcast %d : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.1:128>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.1:128>>
}

// -----

// A genuine requantization (another scale) is never cancelled.
// CHECK-LABEL: func.func @requantize(
// CHECK-NEXT:    %[[D:.*]] = quant.dcast %{{.*}} : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xf32>
// CHECK-NEXT:    %[[Q:.*]] = quant.qcast %[[D]] : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.2:128>>
// CHECK-NEXT:    func.return %[[Q]]
func.func @requantize(%x: tensor<4x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<4x!quant.uniform<u8:f32, 0.2:128>> {
  %d = quant.dcast %x : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xf32>
  %q = quant.qcast %d : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.2:128>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 0.2:128>>
}

// -----

// PT2E's one-dequantize-per-consumer (DuplicateDQPass) is merged; the dcast(qcast)
// pair that carries the activation's parameters stays.
// CHECK-LABEL: func.func @duplicates(
// CHECK-NEXT:    %[[Q:.*]] = quant.qcast %{{.*}} : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5:-1>>
// CHECK-NEXT:    %[[D:.*]] = quant.dcast %[[Q]]
// CHECK-NOT:     quant.dcast
// CHECK-NEXT:    %[[A:.*]] = aten.relu %[[D]]
// CHECK-NEXT:    %[[B:.*]] = aten.neg %[[D]]
// CHECK-NEXT:    func.return %[[A]], %[[B]]
func.func @duplicates(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5:-1>>
  %d1 = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5:-1>> to tensor<4xf32>
  %d2 = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5:-1>> to tensor<4xf32>
  %a = aten.relu %d1 : (tensor<4xf32>) -> tensor<4xf32>
  %b = aten.neg %d2 : (tensor<4xf32>) -> tensor<4xf32>
  func.return %a, %b : tensor<4xf32>, tensor<4xf32>
}
