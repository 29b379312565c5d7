// Parse errors of circle IR: reported (with --parsing-diagnostics, on stdout) at the
// exact file:line:col, also in later chunks of a split file.
// RUN: qopt %s --split-input-file --parsing-diagnostics | filecheck %s
// Every case fails: no module is printed.
// RUN: qopt %s --split-input-file --parsing-diagnostics | filecheck %s --check-prefix=NOMOD
// NOMOD-NOT: builtin.module

// circle.const takes a dense<...> payload.
func.func @f() {
  %c = circle.const 5 : i32
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:21{{$}}
// CHECK: {{^ *}}expected a dense<...> payload{{$}}

// -----

// Operand count against the op definition (conv_2d has 3 operands; the bias may be `none`).
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>) {
  %c = circle.conv_2d %x, %w : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:23{{$}}
// CHECK: {{^ *}}Expected 3 operands, but got 2{{$}}

// -----

// Result count against the functional type.
func.func @f(%axis: tensor<i32>, %x: tensor<4x2xf32>) {
  %r:2 = circle.split %axis, %x {num_splits = 2 : i32} : (tensor<i32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:3{{$}}
// CHECK: {{^ *}}Operation has 1 results, but was given 2 to bind.{{$}}

// -----

// The functional type is mandatory.
func.func @f(%a: tensor<2xf32>) {
  %r = circle.add %a, %a
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 2]]:3{{$}}
// CHECK: {{^ *}}Expected ':'{{$}}

// -----

// Quantized types are checked while parsing, with their location.
func.func @f(%a: tensor<2xf32>) {
  %r = circle.add %a, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2x!quant.uniform<i8:f32, 0.1:-129>>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:85{{$}}
// CHECK: {{^ *}}zero point -129 outside storage range [-128, 127]{{$}}

// -----

func.func @f() {
  %c = circle.const dense<[1, 2]> : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32:0, {0.1,-0.2}>>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:76{{$}}
// CHECK: {{^ *}}scale #1 must be finite and positive, got -0.2{{$}}

// -----

// circle.no_value spells its `none` type.
func.func @f() {
  %n = circle.no_value
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 2]]:3{{$}}
// CHECK: {{^ *}}Expected ':'{{$}}

// -----

// Unknown ops.
func.func @f(%a: tensor<2xf32>) {
  %r = circle.nonexistent %a : (tensor<2xf32>) -> tensor<2xf32>
  func.return
}
// CHECK: ops_parse_invalid.mlir:[[# @LINE - 3]]:27{{$}}
// CHECK: {{^ *}}Operation circle.nonexistent is not registered{{$}}

// -----

// Constraint errors of the custom syntax are located parse errors too.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b {stride_w = 2.0 : f32} : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: [[# @LINE - 3]]:3
// CHECK: 2.000000e+00 : f32 should be of base attribute integer

// -----

// Constraint errors of the custom syntax are located parse errors too.
func.func @f(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %b: tensor<6xf32>) {
  %c = circle.conv_2d %x, %w, %b {padding = 1 : i32} : (tensor<1x8x8x4xf32>, tensor<6x3x3x4xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  func.return
}
// CHECK: [[# @LINE - 3]]:3
// CHECK: 1 : i32 should be of base attribute string
