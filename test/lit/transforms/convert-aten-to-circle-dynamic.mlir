// RUN: qopt %s --split-input-file --verify-diagnostics -p convert-aten-to-circle | filecheck %s

// A dynamically quantized linear (`dynamic_input`): hybrid FULLY_CONNECTED on the float
// input with the int8 weight constant itself (no DEQUANTIZE), float bias and result,
// inputs quantized per row at run time.
// CHECK-LABEL: func.func @hybrid(
// CHECK:         %[[W:.*]] = circle.const dense<{{.*}}> : tensor<3x4xi8> to tensor<3x4x!quant.uniform<i8<-127:127>:f32, 0.5>>
// CHECK-NEXT:    %[[Y:.*]] = circle.fully_connected %{{.*}}, %[[W]], %{{.*}} {asymmetric_quantize_inputs = true} : (tensor<2x4xf32>, tensor<3x4x!quant.uniform<i8<-127:127>:f32, 0.5>>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return %[[Y]]
func.func @hybrid(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %wq = quant.constant dense<[[1, -2, 3, 127], [0, 0, 0, -127], [5, 6, 7, 8]]> : tensor<3x4xi8> to tensor<3x4x!quant.uniform<i8<-127:127>:f32, 0.5>>
  %w = quant.dcast %wq : tensor<3x4x!quant.uniform<i8<-127:127>:f32, 0.5>> to tensor<3x4xf32>
  %b = circle.const dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %y = aten.linear %x, %w, %b {dynamic_input = "int8"} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// -----

// An asymmetric (uint8) weight cannot feed a hybrid FULLY_CONNECTED: located error.
func.func @asymmetric(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %wq = quant.constant dense<1> : tensor<3x4xui8> to tensor<3x4x!quant.uniform<u8:f32, 0.5:128>>
  %w = quant.dcast %wq : tensor<3x4x!quant.uniform<u8:f32, 0.5:128>> to tensor<3x4xf32>
  %n = aten.none : none
  %y = aten.linear %x, %w, %n {dynamic_input = "int8"} : (tensor<2x4xf32>, tensor<3x4xf32>, none) -> tensor<2x3xf32> loc("linear"("m.py":4:0))
  func.return %y : tensor<2x3xf32>
}
// CHECK: m.py:4: 'linear': aten.linear: hybrid FULLY_CONNECTED needs int8 symmetric weights, not !quant.uniform<u8:f32, 0.5:128>
