// Every spelling of !quant.uniform prints back as MLIR prints it.
// RUN: QOPT_ROUNDTRIP

// CHECK-LABEL: func.func private @per_tensor(
// CHECK-SAME: tensor<1x!quant.uniform<u8:f32, 0.0257:123>>
// CHECK-SAME: tensor<1x!quant.uniform<i8:f32, 0.05:-3>>
// CHECK-SAME: tensor<1x!quant.uniform<i8:f32, 0.5>>
// CHECK-SAME: tensor<1x!quant.uniform<i8<-127:127>:f32, 0.25>>
// CHECK-SAME: tensor<1x!quant.uniform<i16:f32, 3.0517578125e-05>>
// CHECK-SAME: tensor<1x!quant.uniform<u16:f32, 1.0:32768>>
// CHECK-SAME: tensor<1x!quant.uniform<i32:f32, 1.0e-06>>
// CHECK-SAME: tensor<1x!quant.uniform<i64:f32, 2.0>>
// CHECK-SAME: tensor<1x!quant.uniform<i8:f16, 0.125>>
func.func private @per_tensor(
  tensor<1x!quant.uniform<u8:f32, 0.0257:123>>,
  tensor<1x!quant.uniform<i8:f32, 0.05:-3>>,
  tensor<1x!quant.uniform<i8:f32, 0.5:0>>,
  tensor<1x!quant.uniform<i8<-127:127>:f32, 0.25>>,
  tensor<1x!quant.uniform<i16:f32, 3.0517578125e-05>>,
  tensor<1x!quant.uniform<u16:f32, 1:32768>>,
  tensor<1x!quant.uniform<i32:f32, 1.0e-06>>,
  tensor<1x!quant.uniform<i64:f32, 2.0>>,
  tensor<1x!quant.uniform<i8<-128:127>:f16, 0.125>>)

// -----

// CHECK-LABEL: func.func private @per_axis(
// CHECK-SAME: tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {0.002,0.0019:1}>>
// CHECK-SAME: tensor<2x3x!quant.uniform<u8:f32:1, {0.1:128,0.2:3,0.3}>>
// CHECK-SAME: tensor<4x!quant.uniform<i32:f32:0, {1.0,2.0,3.0,4.0}>>
func.func private @per_axis(
  tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {2.0e-03, 1.9e-03:1}>>,
  tensor<2x3x!quant.uniform<u8:f32:1, {0.1:128, 0.2:3, 0.3}>>,
  tensor<4x!quant.uniform<i32:f32:0, {1.0, 2.0, 3.0, 4.0}>>)
