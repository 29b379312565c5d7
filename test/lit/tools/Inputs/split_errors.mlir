func.func private @ok()

// -----

func.func @parse_error( {

// -----

func.func @verify_error(%x: tensor<2xf32>) {
  %r = circle.relu %x : (tensor<2xf32>) -> tensor<3xf32>
  func.return
}
