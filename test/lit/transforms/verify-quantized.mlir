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

// -----

// The alpha of an int16 PRELU is i8 per tensor, any zero point (TFLite's 16x8 kernel
// reads it as int8): 'ok' passes, an i16 or per-channel alpha does not.
// CHECK:      violations of the int8 scheme:
// I16:        2 violations of the int16 scheme:
// I16-NEXT:     model.py:3: 'i16_alpha': circle.prelu: operand #1 (alpha of an int16 PRELU) is i16; TFLite reads it as i8
// I16-NEXT:     model.py:4: 'per_channel': circle.prelu: operand #1 (alpha of an int16 PRELU) must be quantized per tensor
func.func @prelu16(%x: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %q = circle.quantize %x : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i16:f32, 0.5>>
  %a8 = circle.const dense<[3, -4]> : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.25:5>>
  %ok = circle.prelu %q, %a8 : (tensor<1x2x!quant.uniform<i16:f32, 0.5>>, tensor<2x!quant.uniform<i8:f32, 0.25:5>>) -> tensor<1x2x!quant.uniform<i16:f32, 0.5>> loc("ok"("model.py":2:0))
  %a16 = circle.const dense<[3, -4]> : tensor<2xi16> to tensor<2x!quant.uniform<i16:f32, 0.25>>
  %bad = circle.prelu %q, %a16 : (tensor<1x2x!quant.uniform<i16:f32, 0.5>>, tensor<2x!quant.uniform<i16:f32, 0.25>>) -> tensor<1x2x!quant.uniform<i16:f32, 0.5>> loc("i16_alpha"("model.py":3:0))
  %ac = circle.const dense<[3, -4]> : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32:0, {0.25,0.5}>>
  %pc = circle.prelu %q, %ac : (tensor<1x2x!quant.uniform<i16:f32, 0.5>>, tensor<2x!quant.uniform<i8:f32:0, {0.25,0.5}>>) -> tensor<1x2x!quant.uniform<i16:f32, 0.5>> loc("per_channel"("model.py":4:0))
  %f1 = circle.dequantize %ok : (tensor<1x2x!quant.uniform<i16:f32, 0.5>>) -> tensor<1x2xf32>
  %f2 = circle.dequantize %bad : (tensor<1x2x!quant.uniform<i16:f32, 0.5>>) -> tensor<1x2xf32>
  %f3 = circle.dequantize %pc : (tensor<1x2x!quant.uniform<i16:f32, 0.5>>) -> tensor<1x2xf32>
  func.return %f1, %f2, %f3 : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// A weight computed at run time (weight normalization: w * g) quantized per channel by
// a plain prepare_pt2e: no runtime quantizes per channel at run time; the error says that
// compiler.quantize folds such weights in post-training quantization.
// CHECK: model.py:7: 'quantize_per_channel': circle.quantize: result #0: a tensor computed at run time is quantized per channel (a weight computed from parameters, as weight normalization or standardization), which no runtime kernel does; in post-training quantization compiler.quantize folds such weights to constants (decompose_for_circle(..., fold_parameters=True) before prepare_pt2e)
func.func @computed_per_channel_weight(%w: tensor<2x4xf32>, %g: tensor<2x1xf32>) -> tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>> {
  %wg = circle.mul %w, %g : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %q = circle.quantize %wg : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>> loc("quantize_per_channel"("model.py":7:0))
  func.return %q : tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>
}

// -----

// A layer the quantizer left float (allow-float): a float FULLY_CONNECTED on a
// DEQUANTIZE of a constant per-channel weight. That DEQUANTIZE is checked by the weight
// rules, not the activation rules (per channel is right for a weight); without
// allow-float only the float tensors are reported.
// CHECK:      5 violations of the int8 scheme:
// CHECK-NOT:  per tensor
// CHECK:      model.py:4: 'fc': circle.fully_connected: result #0 is a float tensor
// ALLOW-LABEL: func.func @float_layer(
// ALLOW:         circle.dequantize %{{.*}} : (tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>) -> tensor<2x4xf32>
// ALLOW:         circle.fully_connected
func.func @float_layer(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %q = circle.quantize %x : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5:3>>
  %d = circle.dequantize %q : (tensor<1x4x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<1x4xf32> loc("x_dq"("model.py":2:0))
  %w = circle.const dense<1> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>
  %wd = circle.dequantize %w : (tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>) -> tensor<2x4xf32> loc("w_dq"("model.py":3:0))
  %b = circle.const dense<[1.0, -2.5]> : tensor<2xf32>
  %y = circle.fully_connected %d, %wd, %b : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("fc"("model.py":4:0))
  func.return %y : tensor<1x2xf32>
}

// -----

// The weight rules hold there too: an asymmetric per-tensor weight is reported.
// CHECK:      6 violations of the int8 scheme:
// CHECK-NEXT:   model.py:3: 'w_dq': circle.dequantize: operand #0 (weight) must be symmetric narrow-range (zero point 0, [-127, 127])
// CHECK-NEXT:   model.py:3: 'w_dq': circle.dequantize: operand #0 (weight) must be quantized per channel
// ALLOW:      2 violations of the int8 scheme:
// ALLOW-NEXT:   model.py:3: 'w_dq': circle.dequantize: operand #0 (weight) must be symmetric narrow-range (zero point 0, [-127, 127])
// ALLOW-NEXT:   model.py:3: 'w_dq': circle.dequantize: operand #0 (weight) must be quantized per channel
func.func @float_layer_bad_weight(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = circle.const dense<1> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 0.25:1>>
  %wd = circle.dequantize %w : (tensor<2x4x!quant.uniform<i8:f32, 0.25:1>>) -> tensor<2x4xf32> loc("w_dq"("model.py":3:0))
  %b = circle.const dense<[1.0, -2.5]> : tensor<2xf32>
  %y = circle.fully_connected %x, %wd, %b : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("fc"("model.py":4:0))
  func.return %y : tensor<1x2xf32>
}

// -----

// A split copies the integers: every result must share the first one's parameters.
// CHECK:      model.py:7: 'chunk': circle.split_v: result #1 and result #0 must share quantization parameters (the runtimes copy the integers): !quant.uniform<i8:f32, 0.25:-128> vs !quant.uniform<i8:f32, 0.5:-128>
// ALLOW:      model.py:7: 'chunk': circle.split_v: result #1 and result #0 must share
func.func @split_apart(%x: tensor<1x4x2xf32>) -> (tensor<1x2x2xf32>, tensor<1x2x2xf32>) {
  %q = circle.quantize %x : (tensor<1x4x2xf32>) -> tensor<1x4x2x!quant.uniform<i8:f32, 0.5:-128>>
  %sizes = circle.const dense<[2, 2]> : tensor<2xi32>
  %axis = circle.const dense<1> : tensor<i32>
  %v:2 = circle.split_v %q, %sizes, %axis {num_splits = 2 : i32} : (tensor<1x4x2x!quant.uniform<i8:f32, 0.5:-128>>, tensor<2xi32>, tensor<i32>) -> (tensor<1x2x2x!quant.uniform<i8:f32, 0.5:-128>>, tensor<1x2x2x!quant.uniform<i8:f32, 0.25:-128>>) loc("chunk"("model.py":7:0))
  %d0 = circle.dequantize %v#0 : (tensor<1x2x2x!quant.uniform<i8:f32, 0.5:-128>>) -> tensor<1x2x2xf32>
  %d1 = circle.dequantize %v#1 : (tensor<1x2x2x!quant.uniform<i8:f32, 0.25:-128>>) -> tensor<1x2x2xf32>
  func.return %d0, %d1 : tensor<1x2x2xf32>, tensor<1x2x2xf32>
}
