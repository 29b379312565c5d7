# Fixed output ranges (int16: 1/32768, zero point 0, for sigmoid, tanh and softmax),
# split outputs and pad/interpolate keeping their input's qparams, and cat: one range
# for all its inputs and its output, wide enough for all of them (its first input is
# the fixed-range sigmoid, the others are requantized into the shared range).
# RUN: %python %s | filecheck %s
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))
from frontend_lit import print_zoo  # noqa: E402

print_zoo("activations", "int16")

# CHECK-LABEL: // activations: int16
# CHECK:         %[[C:.*]] = aten.conv2d {{.*}} -> tensor<1x4x4x4xf32>
# CHECK-NEXT:    quant.qcast %[[C]] : tensor<1x4x4x4xf32> to tensor<1x4x4x4x!quant.uniform<i16:f32, [[SC:[0-9.e-]+]]>>
# CHECK:         %[[A:.*]], %[[B:.*]] = aten.split.Tensor %{{.*}} {split_size = 2 : i64, dim = 1 : i64} : (tensor<1x4x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>)
# CHECK-NEXT:    quant.qcast %[[A]] : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<i16:f32, [[SC]]>>
# CHECK:         quant.qcast %[[B]] : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<i16:f32, [[SC]]>>
# CHECK:         %[[SIG:.*]] = aten.sigmoid
# CHECK-NEXT:    quant.qcast %[[SIG]] : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<i16:f32, 3.0517578125e-05>>
# CHECK:         %[[TANH:.*]] = aten.tanh
# CHECK-NEXT:    quant.qcast %[[TANH]] : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<i16:f32, 3.0517578125e-05>>
# CHECK:         %[[CAT:.*]] = aten.cat %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {dim = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x12x4x4xf32>
# CHECK-NEXT:    quant.qcast %[[CAT]] : tensor<1x12x4x4xf32> to tensor<1x12x4x4x!quant.uniform<i16:f32, [[SCAT:[0-9.e-]+]]>>
# CHECK:         %[[PAD:.*]] = aten.pad %{{.*}} {pad = array<i64: 1, 1, 1, 1>, mode = "constant"}
# CHECK-NEXT:    quant.qcast %[[PAD]] : tensor<1x12x6x6xf32> to tensor<1x12x6x6x!quant.uniform<i16:f32, [[SCAT]]>>
# CHECK:         aten.leaky_relu %{{.*}} {negative_slope = 1.000000e-01 : f64}
# CHECK:         %[[UP:.*]] = aten.upsample_nearest2d.vec %{{.*}} {scale_factors = array<f64: 2.000000e+00, 2.000000e+00>} : (tensor<1x12x6x6xf32>) -> tensor<1x12x12x12xf32>
# CHECK:         aten.mean.dim %{{.*}} {dim = array<i64: 2, 3>, keepdim = false}
# CHECK:         %[[SM:.*]] = aten.softmax.int
# CHECK-NEXT:    quant.qcast %[[SM]] : tensor<1x12xf32> to tensor<1x12x!quant.uniform<i16:f32, 3.0517578125e-05>>
