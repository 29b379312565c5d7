// RUN: qopt %s -p 'quant-propagate{allow-float=true}' | filecheck %s
// RUN: not qopt %s -p quant-propagate 2>&1 | filecheck %s --check-prefix=STRICT

// A float island (allow-float): an op whose result has no quantization parameters and
// derives none runs in float, so its constants stay exact float operands. Quantized,
// the 1e-5 would be stored with the smallest constant scale (2^-12) and dequantized to 0.
// The quantized add after the island still gets a quantized constant.
// CHECK-LABEL: func.func @island(
// CHECK:         %[[EPS:.*]] = circle.const dense<1.000000e-05> : tensor<f32>
// CHECK-NEXT:    %[[F:.*]] = circle.add %{{.*}}, %[[EPS]] : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
// CHECK-NEXT:    %[[R:.*]] = circle.rsqrt %[[F]] : (tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK-NEXT:    %[[Q:.*]] = quant.qcast %[[R]]
// CHECK-NEXT:    %[[D:.*]] = quant.dcast %[[Q]]
// CHECK-NEXT:    %[[TWO:.*]] = quant.constant dense<255> : tensor<ui8> to tensor<!quant.uniform<u8:f32, 0.0078{{[0-9]*}}>>
// CHECK-NEXT:    %[[TWOD:.*]] = quant.dcast %[[TWO]]
// CHECK-NEXT:    circle.add %[[D]], %[[TWOD]] : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>

// STRICT: quant-propagate-float-island.mlir:22:3: circle.add: result #0 has no quantization parameters
func.func @island(%x: tensor<1x8x!quant.uniform<u8:f32, 0.1:7>>) -> tensor<1x8x!quant.uniform<u8:f32, 0.05:0>> {
  %d = quant.dcast %x : tensor<1x8x!quant.uniform<u8:f32, 0.1:7>> to tensor<1x8xf32>
  %eps = circle.const dense<1.0e-05> : tensor<f32>
  %v = circle.add %d, %eps : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %r = circle.rsqrt %v : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %q = quant.qcast %r : tensor<1x8xf32> to tensor<1x8x!quant.uniform<u8:f32, 0.1:0>>
  %d2 = quant.dcast %q : tensor<1x8x!quant.uniform<u8:f32, 0.1:0>> to tensor<1x8xf32>
  %two = circle.const dense<2.0> : tensor<f32>
  %y = circle.add %d2, %two : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %yq = quant.qcast %y : tensor<1x8xf32> to tensor<1x8x!quant.uniform<u8:f32, 0.05:0>>
  func.return %yq : tensor<1x8x!quant.uniform<u8:f32, 0.05:0>>
}
