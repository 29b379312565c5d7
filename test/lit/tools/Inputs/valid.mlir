func.func @f(%x: tensor<5xf32>) -> tensor<5xf32> {
  %four = circle.const dense<[1, 2, 3, 4]> : tensor<4xi32>
  %five = circle.const dense<[1.0, 2.0, 3.0, 4.0, 5.0]> : tensor<5xf32>
  %q = circle.const dense<[1, -2, 3, -4, 5, -6]> : tensor<6xi8> to tensor<6x!quant.uniform<i8:f32, 0.5:-1>>
  %y = circle.add %x, %five {fused_activation_function = "RELU"} : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xf32>
  func.return %y : tensor<5xf32>
}
