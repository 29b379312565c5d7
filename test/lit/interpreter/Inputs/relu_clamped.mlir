// The model of qrun_compare.mlir with its RELU output clamped at 0.75 (a MINIMUM with
// the constant 0.75): the "other" side of a comparison that differs.
func.func @main(%x: tensor<8x!quant.uniform<i8:f32, 0.25:-3>>) -> tensor<8x!quant.uniform<i8:f32, 0.125:-128>> {
  %m = circle.const dense<-122> : tensor<1xi8> to tensor<1x!quant.uniform<i8:f32, 0.125:-128>>
  %y = circle.relu %x : (tensor<8x!quant.uniform<i8:f32, 0.25:-3>>) -> tensor<8x!quant.uniform<i8:f32, 0.125:-128>>
  %z = circle.minimum %y, %m : (tensor<8x!quant.uniform<i8:f32, 0.125:-128>>, tensor<1x!quant.uniform<i8:f32, 0.125:-128>>) -> tensor<8x!quant.uniform<i8:f32, 0.125:-128>>
  func.return %z : tensor<8x!quant.uniform<i8:f32, 0.125:-128>>
}
