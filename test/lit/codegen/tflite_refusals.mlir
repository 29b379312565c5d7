// `-t tflite` refuses what LiteRT's kernels cannot run, naming the op, the tensor and
// the reason, and writes nothing (not even over an existing file); `-t circle` writes
// the same module.
// RUN: rm -f %t.tflite %t.circle
// RUN: not qopt %s -t tflite -o %t.tflite 2>&1 | filecheck %s
// RUN: not ls %t.tflite
// RUN: qopt %s -t circle -o %t.circle && qopt %t.circle | filecheck %s --check-prefix=CIRCLE
// An existing output file is left untouched by a refused run.
// RUN: echo keep > %t.tflite
// RUN: not qopt %s -t tflite -o %t.tflite
// RUN: cat %t.tflite | filecheck %s --check-prefix=KEEP

// uint8 activations with int8 weights: what PT2E's X86 quantizer produces as is.
func.func @main(%x: tensor<1x4x!quant.uniform<u8:f32, 0.0078125:128>>) -> tensor<1x2x!quant.uniform<u8:f32, 0.0625:3>> {
  %w = circle.const dense<1> : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32:0, {0.5,0.25}>>
  %b = circle.const dense<0> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.00390625,0.001953125}>>
  %y = circle.fully_connected %x, %w, %b : (tensor<1x4x!quant.uniform<u8:f32, 0.0078125:128>>, tensor<2x4x!quant.uniform<i8:f32:0, {0.5,0.25}>>, tensor<2x!quant.uniform<i32:f32:0, {0.00390625,0.001953125}>>) -> tensor<1x2x!quant.uniform<u8:f32, 0.0625:3>>
  func.return %y : tensor<1x2x!quant.uniform<u8:f32, 0.0625:3>>
}

// CHECK: qopt: error: {{.*}}tflite_refusals.mlir:17:{{[0-9]+}}: circle.fully_connected: uint8 activations with int8 weights are not supported by TFLite kernels
// CHECK-NOT: Traceback
// CIRCLE: circle.fully_connected
// KEEP: keep
