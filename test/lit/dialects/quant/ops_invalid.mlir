// One case per verifier rule of the quant ops (and of per-axis types in tensors).
// RUN: qopt %s --split-input-file --verify-diagnostics | filecheck %s

func.func @f(%x: tensor<4xf32>) {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4xf32>
  func.return
}
// CHECK: ops_invalid.mlir:5:3: quant.qcast: expected a float input and a quantized result

// -----

func.func @f(%x: tensor<4xf16>) {
  %q = quant.qcast %x : tensor<4xf16> to tensor<4x!quant.uniform<u8:f32, 0.1>>
  func.return
}
// CHECK: quant.qcast: input element type f16 is not the expressed type f32 of the result

// -----

func.func @f(%x: tensor<4xf32>) {
  %q = quant.qcast %x : tensor<4xf32> to tensor<5x!quant.uniform<u8:f32, 0.1>>
  func.return
}
// CHECK: quant.qcast: input shape [4] differs from result shape [5]

// -----

func.func @f(%x: tensor<4x!quant.uniform<u8:f32, 0.1>>) {
  %q = quant.dcast %x : tensor<4x!quant.uniform<u8:f32, 0.1>> to tensor<4x!quant.uniform<u8:f32, 0.1>>
  func.return
}
// CHECK: quant.dcast: expected a quantized input and a float result

// -----

func.func @f(%x: tensor<4x!quant.uniform<u8:f32, 0.1>>) {
  %q = quant.dcast %x : tensor<4x!quant.uniform<u8:f32, 0.1>> to tensor<4xf16>
  func.return
}
// CHECK: quant.dcast: result element type f16 is not the expressed type f32 of the input

// -----

func.func @f(%x: tensor<4x!quant.uniform<u8:f32, 0.1>>) {
  %q = quant.scast %x : tensor<4x!quant.uniform<u8:f32, 0.1>> to tensor<4xi16>
  func.return
}
// CHECK: quant.scast: i16 is not the storage type ui8 of !quant.uniform<u8:f32, 0.1>

// -----

func.func @f(%x: tensor<4xi8>) {
  %q = quant.scast %x : tensor<4xi8> to tensor<4xi8>
  func.return
}
// CHECK: quant.scast: exactly one of the input and result must be quantized

// -----

func.func @f() {
  %w = quant.constant dense<[1, 2]> : tensor<2xi8> to tensor<3x!quant.uniform<i8:f32, 0.1>>
  func.return
}
// CHECK: quant.constant: payload shape [2] differs from result shape [3]

// -----

func.func @f() {
  %w = quant.constant dense<[1, 2]> : tensor<2xi16> to tensor<2x!quant.uniform<i8:f32, 0.1>>
  func.return
}
// CHECK: quant.constant: payload element type i16 is not the storage type i8

// -----

func.func @f() {
  %w = quant.constant dense<[-128, 2]> : tensor<2xi8> to tensor<2x!quant.uniform<i8<-127:127>:f32, 0.1>>
  func.return
}
// CHECK: quant.constant: payload values [-128, 2] exceed the storage bounds [-127, 127]

// -----

func.func @f() {
  %w = quant.constant dense<[1, 2]> : tensor<2xi8> to tensor<2xi8>
  func.return
}
// CHECK: quant.constant: the result type must be quantized

// -----

func.func @f(%x: tensor<2x3xf32>) {
  %q = quant.qcast %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32:1, {0.1,0.2}>>
  func.return
}
// CHECK: result #0: axis 1 has size 3 but 2 scales were given

// -----

func.func @f(%x: tensor<3xf32>) {
  %q = quant.qcast %x : tensor<3xf32> to tensor<3x!quant.uniform<i8:f32:1, {0.1,0.2,0.3}>>
  func.return
}
// CHECK: result #0: quantized axis 1 is out of range for a tensor of rank 1
