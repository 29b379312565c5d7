// qrun's user errors: wrong input count, a kernel that does not exist, unreadable input.
// RUN: not qrun %s 2>&1 | filecheck %s --check-prefix=COUNT
// RUN: not qrun %s --random 0 2>&1 | filecheck %s --check-prefix=KERNEL
// RUN: not qrun %s --input %t.missing.npy 2>&1 | filecheck %s --check-prefix=MISSING

func.func @main(%x: tensor<2x!quant.uniform<i16:f32, 0.001>>) -> tensor<2x!quant.uniform<i16:f32, 0.001>> {
  %y = circle.log_softmax %x : (tensor<2x!quant.uniform<i16:f32, 0.001>>) -> tensor<2x!quant.uniform<i16:f32, 0.001>>
  func.return %y : tensor<2x!quant.uniform<i16:f32, 0.001>>
}

// COUNT: qrun: error: the model takes 1 inputs, 0 --input given
// KERNEL: qrun: error: {{.*}}qrun_errors.mlir:7:3: circle.log_softmax: LiteRT has no i16 LOG_SOFTMAX kernel (only int8/uint8)
// MISSING: qrun: error: cannot access '{{.*}}.missing.npy': No such file or directory
