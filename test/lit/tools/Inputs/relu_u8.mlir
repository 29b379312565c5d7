func.func @main(%x: tensor<4x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<4x!quant.uniform<u8:f32, 0.1:128>> {
  %y = circle.relu %x : (tensor<4x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<4x!quant.uniform<u8:f32, 0.1:128>>
  func.return %y : tensor<4x!quant.uniform<u8:f32, 0.1:128>>
}
