func.func private @first()

// -----

func.func private @second(tensor<2xf32>)

// -----

func.func @third(%x: tensor<2xf32>) -> tensor<2xf32> {
  %r = circle.relu %x : (tensor<2xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}
