func.func @elu(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %y = aten.elu %x {alpha = 0.5 : f64, scale = 1.0 : f64, input_scale = 1.0 : f64} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  func.return %y : tensor<1x8xf32>
}
