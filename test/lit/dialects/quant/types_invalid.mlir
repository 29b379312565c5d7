// Each invalid form of !quant.uniform is a located parse error.
// RUN: qopt %s --split-input-file --parsing-diagnostics | filecheck %s

func.func private @f(tensor<1x!quant.uniform<u8:f32, 0.1:256>>)
// CHECK: types_invalid.mlir:4:{{[0-9]+}}
// CHECK: zero point 256 outside storage range [0, 255]

// -----

func.func private @f(tensor<1x!quant.uniform<i8:f32, 0.1:-129>>)
// CHECK: zero point -129 outside storage range [-128, 127]

// -----

func.func private @f(tensor<1x!quant.uniform<i8:f32, 0.0>>)
// CHECK: scale must be finite and positive, got 0.0

// -----

func.func private @f(tensor<1x!quant.uniform<i8:f32, -0.5>>)
// CHECK: scale must be finite and positive, got -0.5

// -----

func.func private @f(tensor<1x!quant.uniform<i8<-200:127>:f32, 0.5>>)
// CHECK: storage bounds [-200, 127] are not within the range [-128, 127] of i8

// -----

func.func private @f(tensor<1x!quant.uniform<i8<10:5>:f32, 0.5>>)
// CHECK: storage bounds [10, 5] are not within the range [-128, 127] of i8

// -----

func.func private @f(tensor<1x!quant.uniform<i8:i32, 0.5>>)
// CHECK: expressed type must be a float type, got i32

// -----

func.func private @f(tensor<1x!quant.uniform<i7:f32, 0.5>>)
// CHECK: unsupported storage width 7 in 'i7'

// -----

func.func private @f(tensor<1x!quant.uniform<x8:f32, 0.5>>)
// CHECK: invalid storage type 'x8', expected e.g. i8 or u8

// -----

func.func private @f(tensor<2x!quant.uniform<i8:f32:0, {0.1:0, 0.2:300}>>)
// CHECK: zero point #1 300 outside storage range [-128, 127]

// -----

func.func private @f(tensor<2x!quant.uniform<i8:f32:0, {}>>)
// CHECK: per-axis quantized type needs at least one scale

// -----

func.func private @f(tensor<2x!quant.uniform<i8:f32, 1e-05>>)
// CHECK: '>' expected
