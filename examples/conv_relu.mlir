// A float conv + relu in the circle dialect (NHWC): `qopt examples/conv_relu.mlir`
// parses, verifies and prints it; `-p circle-fuse-activation` folds the relu.
func.func @conv_relu(%x: tensor<1x8x8x3xf32>) -> tensor<1x8x8x16xf32> {
  %w = circle.const dense<0.5> : tensor<16x3x3x3xf32>
  %b = circle.const dense<0.0> : tensor<16xf32>
  %y = circle.conv_2d %x, %w, %b {padding = "SAME"} : (tensor<1x8x8x3xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x8x8x16xf32>
  %r = circle.relu %y : (tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  func.return %r : tensor<1x8x8x16xf32>
}
