// RUN: qopt %s --split-input-file --verify-diagnostics -p fuse-qdq | filecheck %s
// RUN: qopt %s --split-input-file --verify-diagnostics -p 'fuse-qdq{io-dtype=int}' | filecheck %s --check-prefix=INT
// RUN: qopt %s --split-input-file --verify-diagnostics -p 'fuse-qdq{allow-float=true}' | filecheck %s --check-prefix=FLOAT

// The float op between dequantize and quantize becomes the quantized op; the model
// keeps float I/O through QUANTIZE / DEQUANTIZE; a requantization becomes QUANTIZE.
// CHECK-LABEL: func.func @add(
// CHECK-NEXT:    %[[QA:.*]] = circle.quantize %{{.*}} : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.1:128>>
// CHECK-NEXT:    %[[QB:.*]] = circle.quantize %{{.*}} : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.2:128>>
// CHECK-NEXT:    %[[S:.*]] = circle.add %[[QA]], %[[QB]] : {{.*}} -> tensor<4x!quant.uniform<u8:f32, 0.3:120>>
// CHECK-NEXT:    %[[R:.*]] = circle.quantize %[[S]] : (tensor<4x!quant.uniform<u8:f32, 0.3:120>>) -> tensor<4x!quant.uniform<u8:f32, 0.5:100>>
// CHECK-NEXT:    %[[F:.*]] = circle.dequantize %[[R]] : {{.*}} -> tensor<4xf32>
// CHECK-NEXT:    func.return %[[F]]
// With integer I/O, the arguments and results carry the quantized types.
// INT-LABEL: func.func @add(%{{.*}}: tensor<4x!quant.uniform<u8:f32, 0.1:128>>, %{{.*}}: tensor<4x!quant.uniform<u8:f32, 0.2:128>>) -> tensor<4x!quant.uniform<u8:f32, 0.5:100>> {
// INT-NEXT:    circle.add
// INT-NEXT:    %[[R:.*]] = circle.quantize
// INT-NEXT:    func.return %[[R]] : tensor<4x!quant.uniform<u8:f32, 0.5:100>>
func.func @add(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %qa = quant.qcast %a : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.1:128>>
  %da = quant.dcast %qa : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xf32>
  %qb = quant.qcast %b : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.2:128>>
  %db = quant.dcast %qb : tensor<4x!quant.uniform<u8:f32, 0.2:128>> to tensor<4xf32>
  %s = circle.add %da, %db : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %qs = quant.qcast %s : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.3:120>>
  %ds = quant.dcast %qs : tensor<4x!quant.uniform<u8:f32, 0.3:120>> to tensor<4xf32>
  %rq = quant.qcast %ds : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.5:100>>
  %rd = quant.dcast %rq : tensor<4x!quant.uniform<u8:f32, 0.5:100>> to tensor<4xf32>
  func.return %rd : tensor<4xf32>
}

// -----

// Constants become quantized circle.const; shape operands stay i32.
// CHECK-LABEL: func.func @fc(
// CHECK:         %[[W:.*]] = circle.const dense<1> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>
// CHECK:         %[[Y:.*]] = circle.fully_connected %{{.*}}, %[[W]], %{{.*}} : {{.*}} -> tensor<1x2x!quant.uniform<i8:f32, 1.0>>
// CHECK-NEXT:    %[[S:.*]] = circle.const dense<[2, 1]> : tensor<2xi32>
// CHECK-NEXT:    circle.reshape %[[Y]], %[[S]] : (tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<2xi32>) -> tensor<2x1x!quant.uniform<i8:f32, 1.0>>
// CHECK-NOT:     = quant.
func.func @fc(%x: tensor<1x4xf32>) -> tensor<2x1xf32> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5:3>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<i8:f32, 0.5:3>> to tensor<1x4xf32>
  %w = quant.constant dense<1> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>>
  %wd = quant.dcast %w : tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.25,0.125}>> to tensor<2x4xf32>
  %n = circle.no_value : none
  %y = circle.fully_connected %d, %wd, %n : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32>
  %yq = quant.qcast %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  %yd = quant.dcast %yq : tensor<1x2x!quant.uniform<i8:f32, 1.0>> to tensor<1x2xf32>
  %s = circle.const dense<[2, 1]> : tensor<2xi32>
  %r = circle.reshape %yd, %s : (tensor<1x2xf32>, tensor<2xi32>) -> tensor<2x1xf32>
  %rq = quant.qcast %r : tensor<2x1xf32> to tensor<2x1x!quant.uniform<i8:f32, 1.0>>
  %rd = quant.dcast %rq : tensor<2x1x!quant.uniform<i8:f32, 1.0>> to tensor<2x1xf32>
  func.return %rd : tensor<2x1xf32>
}

// -----

// An op whose operand has no quantization parameters cannot be quantized: an error...
// CHECK: model.py:4: 'add': circle.add: could not be quantized: an operand or result has no quantization parameters (1 float op(s) left; allow-float=true keeps them float)
// ... unless floats are allowed: then the casts around it become Circle ops.
// FLOAT-LABEL: func.func @float_left(
// FLOAT-NEXT:    %[[Q:.*]] = circle.quantize
// FLOAT-NEXT:    %[[D:.*]] = circle.dequantize %[[Q]] : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
// FLOAT-NEXT:    circle.add %[[D]], %{{.*}} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
func.func @float_left(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.1>> to tensor<4xf32>
  %s = circle.add %d, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("add"("model.py":4:0))
  func.return %s : tensor<4xf32>
}

// -----

// A uint8 RSQRT has no kernel in any runtime (RsqrtOp.NO_INTEGER_KERNEL): even between
// casts it is not quantized; an error, or with allow-float, float between DEQUANTIZE and
// QUANTIZE. An int8 RSQRT in the same place is quantized (@int8_rsqrt below).
// CHECK: model.py:7: 'rsqrt': circle.rsqrt: could not be quantized: an operand or result has no quantization parameters (1 float op(s) left; allow-float=true keeps them float)
// FLOAT-LABEL: func.func @uint8_rsqrt(
// FLOAT:         %[[D:.*]] = circle.dequantize %{{.*}} : (tensor<4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<4xf32>
// FLOAT-NEXT:    %[[R:.*]] = circle.rsqrt %[[D]] : (tensor<4xf32>) -> tensor<4xf32>
// FLOAT-NEXT:    circle.quantize %[[R]] : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.2:1>>
func.func @uint8_rsqrt(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.1:3>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<u8:f32, 0.1:3>> to tensor<4xf32>
  %r = circle.rsqrt %d : (tensor<4xf32>) -> tensor<4xf32> loc("rsqrt"("model.py":7:0))
  %rq = quant.qcast %r : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.2:1>>
  %rd = quant.dcast %rq : tensor<4x!quant.uniform<u8:f32, 0.2:1>> to tensor<4xf32>
  func.return %rd : tensor<4xf32>
}

// -----

// An int16 HARD_SWISH has no kernel in any runtime (LiteRT: "Only float32, uint8 and int8
// are supported currently, got INT16"; HardSwishOp.NO_INTEGER_KERNEL): not quantized,
// an error without allow-float instead of a file LiteRT refuses.
// CHECK: model.py:9: 'hardswish': circle.hard_swish: could not be quantized: an operand or result has no quantization parameters (1 float op(s) left; allow-float=true keeps them float)
// FLOAT-LABEL: func.func @int16_hard_swish(
// FLOAT:         %[[D:.*]] = circle.dequantize %{{.*}} : (tensor<4x!quant.uniform<i16:f32, 0.001>>) -> tensor<4xf32>
// FLOAT-NEXT:    %[[R:.*]] = circle.hard_swish %[[D]] : (tensor<4xf32>) -> tensor<4xf32>
// FLOAT-NEXT:    circle.quantize %[[R]] : (tensor<4xf32>) -> tensor<4x!quant.uniform<i16:f32, 0.002>>
func.func @int16_hard_swish(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i16:f32, 0.001>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i16:f32, 0.001>> to tensor<4xf32>
  %r = circle.hard_swish %d : (tensor<4xf32>) -> tensor<4xf32> loc("hardswish"("model.py":9:0))
  %rq = quant.qcast %r : tensor<4xf32> to tensor<4x!quant.uniform<i16:f32, 0.002>>
  %rd = quant.dcast %rq : tensor<4x!quant.uniform<i16:f32, 0.002>> to tensor<4xf32>
  func.return %rd : tensor<4xf32>
}

// -----

// A float -> int CAST of a dequantized value is a float island (CastOp.FLOAT_ONLY: a CAST
// of the stored integers would ignore the scale): an error, or with allow-float,
// DEQUANTIZE then CAST.
// CHECK: model.py:4: 'to': circle.cast: could not be quantized: an operand or result has no quantization parameters (1 float op(s) left; allow-float=true keeps them float)
// FLOAT-LABEL: func.func @float_to_int_cast(
// FLOAT:         %[[D:.*]] = circle.dequantize %{{.*}} : (tensor<4x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<4xf32>
// FLOAT-NEXT:    circle.cast %[[D]] : (tensor<4xf32>) -> tensor<4xi32>
func.func @float_to_int_cast(%x: tensor<4xf32>) -> tensor<4xi32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1:3>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.1:3>> to tensor<4xf32>
  %c = circle.cast %d : (tensor<4xf32>) -> tensor<4xi32> loc("to"("model.py":4:0))
  func.return %c : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @int8_rsqrt(
// CHECK:         circle.rsqrt %{{.*}} : (tensor<4x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.2:1>>
func.func @int8_rsqrt(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1:3>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.1:3>> to tensor<4xf32>
  %r = circle.rsqrt %d : (tensor<4xf32>) -> tensor<4xf32>
  %rq = quant.qcast %r : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.2:1>>
  %rd = quant.dcast %rq : tensor<4x!quant.uniform<i8:f32, 0.2:1>> to tensor<4xf32>
  func.return %rd : tensor<4xf32>
}

// -----

// A quantized parameter requantized straight into an op (a class token whose expand
// folded away, concatenated with activations): the constant is a circle.const too; no
// quant.constant may reach the writer.
// CHECK-LABEL: func.func @requantized_constant(
// CHECK:         %[[C:.*]] = circle.const dense<{{\[\[1, 2\]\]}}> : tensor<1x2xi8> to tensor<1x2x!quant.uniform<i8:f32, 0.5:3>>
// CHECK:         %[[Q:.*]] = circle.quantize %[[C]] : {{.*}} -> tensor<1x2x!quant.uniform<i8:f32, 0.25:1>>
// CHECK:         circle.concatenation %[[Q]], %{{.*}} {axis = 0 : i32}
// CHECK-NOT:     = quant.
func.func @requantized_constant(%x: tensor<1x2xf32>) -> tensor<2x2xf32> {
  %c = quant.constant dense<[[1, 2]]> : tensor<1x2xi8> to tensor<1x2x!quant.uniform<i8:f32, 0.5:3>>
  %dc = quant.dcast %c : tensor<1x2x!quant.uniform<i8:f32, 0.5:3>> to tensor<1x2xf32>
  %rq = quant.qcast %dc : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.25:1>>
  %drq = quant.dcast %rq : tensor<1x2x!quant.uniform<i8:f32, 0.25:1>> to tensor<1x2xf32>
  %qx = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.25:1>>
  %dx = quant.dcast %qx : tensor<1x2x!quant.uniform<i8:f32, 0.25:1>> to tensor<1x2xf32>
  %cat = circle.concatenation %drq, %dx {axis = 0 : i32} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<2x2xf32>
  %qc = quant.qcast %cat : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i8:f32, 0.25:1>>
  %dcat = quant.dcast %qc : tensor<2x2x!quant.uniform<i8:f32, 0.25:1>> to tensor<2x2xf32>
  func.return %dcat : tensor<2x2xf32>
}
