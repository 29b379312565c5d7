// RUN: qopt %s --split-input-file --verify-diagnostics -p 'verify-quantized{scheme=int8}' | filecheck %s
// RUN: qopt %s --split-input-file --verify-diagnostics -p 'verify-quantized{scheme=int16}' | filecheck %s --check-prefix=I16
// RUN: qopt %s --split-input-file --verify-diagnostics -p 'verify-quantized{scheme=int8 allow-float=true}' | filecheck %s --check-prefix=ALLOW

// A conforming int8 model passes and is printed unchanged.
// CHECK-LABEL: func.func @ok(
// CHECK:         circle.fully_connected
func.func @ok(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %q = circle.quantize %x : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5:3>>
  %w = circle.const dense<1> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>
  %b = circle.const dense<[1, 2]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.125,0.0625}>>
  %y = circle.fully_connected %q, %w, %b : (tensor<1x4x!quant.uniform<i8:f32, 0.5:3>>, tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>, tensor<2x!quant.uniform<i32:f32:0, {0.125,0.0625}>>) -> tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  %f = circle.dequantize %y : (tensor<1x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x2xf32>
  func.return %f : tensor<1x2xf32>
}

// -----

// Every violation of the int8 contract is listed, each at its op.
// CHECK:      11 violations of the int8 scheme:
// CHECK-NEXT:   model.py:3: 'fc': circle.fully_connected: operand #0 is u8; int8 activations are i8
// CHECK-NEXT:   model.py:3: 'fc': circle.fully_connected: operand #1 (weight) must be symmetric narrow-range (zero point 0, [-127, 127])
// CHECK-NEXT:   model.py:3: 'fc': circle.fully_connected: operand #1 (weight) must be quantized per channel
// CHECK-NEXT:   model.py:3: 'fc': circle.fully_connected: operand #2 (bias) scale must be float32(scale(input) * scale(weight))
// CHECK-NEXT:   model.py:4: 't': circle.transpose: operand #0 and the result must share quantization parameters (the runtimes' kernels assume it): !quant.uniform<i8:f32, 1.0> vs !quant.uniform<i8:f32, 0.5>
// CHECK-NEXT:   model.py:5: 'sig': circle.logistic: result #0 must have scale 0.00390625 and zero point -128 (the kernel's fixed range), has !quant.uniform<i8:f32, 0.5>
// CHECK-NEXT:   verify-quantized.mlir:{{[0-9]+}}:3: circle.dequantize: result #0 is a float tensor (tensor<2x1xf32>): the int8 scheme quantizes every tensor
// CHECK-NEXT:   model.py:6: 'exp': circle.exp: operand #0 is a float tensor (tensor<2x1xf32>): the int8 scheme quantizes every tensor
// With allow-float, the float tensors are accepted but the rest still is not.
// ALLOW:      6 violations of the int8 scheme:
// ALLOW-NOT:  float tensor
func.func @bad(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %q = circle.quantize %x : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<u8:f32, 0.5:3>>
  %w = circle.const dense<1> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 0.25:1>>
  %b = circle.const dense<[1, 2]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 0.5>>
  %y = circle.fully_connected %q, %w, %b : (tensor<1x4x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x4x!quant.uniform<i8:f32, 0.25:1>>, tensor<2x!quant.uniform<i32:f32, 0.5>>) -> tensor<1x2x!quant.uniform<i8:f32, 1.0>> loc("fc"("model.py":3:0))
  %p = circle.const dense<[1, 0]> : tensor<2xi32>
  %t = circle.transpose %y, %p : (tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<2xi32>) -> tensor<2x1x!quant.uniform<i8:f32, 0.5>> loc("t"("model.py":4:0))
  %s = circle.logistic %t : (tensor<2x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x1x!quant.uniform<i8:f32, 0.5>> loc("sig"("model.py":5:0))
  %f = circle.dequantize %s : (tensor<2x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x1xf32>
  %e = circle.exp %f : (tensor<2x1xf32>) -> tensor<2x1xf32> loc("exp"("model.py":6:0))
  %r = circle.const dense<[1, 2]> : tensor<2xi32>
  %o = circle.reshape %e, %r : (tensor<2x1xf32>, tensor<2xi32>) -> tensor<1x2xf32>
  func.return %o : tensor<1x2xf32>
}

// -----

// int16 activations must be symmetric.
// CHECK:      2 violations of the int8 scheme:
// I16:        2 violations of the int16 scheme:
// I16-NEXT:     model.py:2: 'relu': circle.relu: operand #0: int16 activations are symmetric (zero point 0), got 7
// I16-NEXT:     model.py:2: 'relu': circle.relu: result #0: int16 activations are symmetric (zero point 0), got 7
func.func @int16(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = circle.quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i16:f32, 0.5:7>>
  %r = circle.relu %q : (tensor<4x!quant.uniform<i16:f32, 0.5:7>>) -> tensor<4x!quant.uniform<i16:f32, 0.5:7>> loc("relu"("model.py":2:0))
  %f = circle.dequantize %r : (tensor<4x!quant.uniform<i16:f32, 0.5:7>>) -> tensor<4xf32>
  func.return %f : tensor<4xf32>
}
