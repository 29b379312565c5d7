func.func @f(%x: tensor<2xf32>) -> tensor<3xf32> {
  func.return %x : tensor<2xf32>
}

// -----

func.func private @g()
func.func private @g()
