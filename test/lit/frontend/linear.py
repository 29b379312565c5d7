# The Linear(16, 8) model of the zoo, imported for each scheme.
# RUN: %python %s | filecheck %s
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))
from frontend_lit import print_zoo, zoo  # noqa: E402

for scheme in zoo.SCHEMES:
    print_zoo("linear", scheme)

# Weights: uint8: u8 asymmetric per tensor (onert, the uint8 runtime, applies channel 0's
# scale to every channel of a per-channel FULLY_CONNECTED); int8 and int16: i8 narrow-range
# symmetric per channel along the output dimension (axis 0). Bias: i32, zero point 0, per
# channel when the weight is. Activations per tensor (i16 symmetric: no zero point printed).

# CHECK-LABEL: // linear: uint8
# CHECK-NEXT:  builtin.module {
# CHECK-NEXT:    func.func @forward(%[[X:.*]]: tensor<4x16xf32>) -> tensor<4x8xf32> {
# CHECK-NEXT:      %[[W:.*]] = quant.constant dense<"__elided__"> : tensor<8x16xui8> to tensor<8x16x!quant.uniform<u8:f32, {{[0-9.e-]+}}:{{[0-9]+}}>>
# CHECK-NEXT:      %[[WF:.*]] = quant.dcast %[[W]] : {{.*}} to tensor<8x16xf32>
# CHECK-NEXT:      %[[B:.*]] = quant.constant dense<"__elided__"> : tensor<8xi32> to tensor<8x!quant.uniform<i32:f32, {{[0-9.e-]+}}>>
# CHECK-NEXT:      %[[BF:.*]] = quant.dcast %[[B]] : {{.*}} to tensor<8xf32>
# CHECK-NEXT:      %[[XQ:.*]] = quant.qcast %[[X]] : tensor<4x16xf32> to tensor<4x16x!quant.uniform<u8:f32, [[S0:[0-9.e-]+]]:[[Z0:[0-9]+]]>>
# CHECK-NEXT:      %[[XF:.*]] = quant.dcast %[[XQ]] : tensor<4x16x!quant.uniform<u8:f32, [[S0]]:[[Z0]]>> to tensor<4x16xf32>
# CHECK-NEXT:      %[[Y:.*]] = aten.linear %[[XF]], %[[WF]], %[[BF]] : (tensor<4x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<4x8xf32>
# CHECK-NEXT:      %[[YQ:.*]] = quant.qcast %[[Y]] : tensor<4x8xf32> to tensor<4x8x!quant.uniform<u8:f32, [[S1:[0-9.e-]+]]:[[Z1:[0-9]+]]>>
# CHECK-NEXT:      %[[YF:.*]] = quant.dcast %[[YQ]] : tensor<4x8x!quant.uniform<u8:f32, [[S1]]:[[Z1]]>> to tensor<4x8xf32>
# CHECK-NEXT:      func.return %[[YF]] : tensor<4x8xf32>
# CHECK-NEXT:    }
# CHECK-NEXT:  }

# CHECK-LABEL: // linear: int8
# CHECK:         quant.constant dense<"__elided__"> : tensor<8x16xi8> to tensor<8x16x!quant.uniform<i8<-127:127>:f32:0, {{[{]([0-9.e-]+,){7}[0-9.e-]+[}]}}>>
# CHECK:         quant.constant dense<"__elided__"> : tensor<8xi32> to tensor<8x!quant.uniform<i32:f32:0, {{[{]([0-9.e-]+,){7}[0-9.e-]+[}]}}>>
# CHECK:         quant.qcast %{{.*}} : tensor<4x16xf32> to tensor<4x16x!quant.uniform<i8:f32, {{[0-9.e-]+}}:{{-?[0-9]+}}>>
# CHECK:         aten.linear
# CHECK-NEXT:    quant.qcast %{{.*}} : tensor<4x8xf32> to tensor<4x8x!quant.uniform<i8:f32, {{[0-9.e-]+}}:{{-?[0-9]+}}>>

# CHECK-LABEL: // linear: int16
# CHECK:         quant.constant dense<"__elided__"> : tensor<8x16xi8> to tensor<8x16x!quant.uniform<i8<-127:127>:f32:0, {{[{]([0-9.e-]+,){7}[0-9.e-]+[}]}}>>
# CHECK:         quant.constant dense<"__elided__"> : tensor<8xi32> to tensor<8x!quant.uniform<i32:f32:0, {{[{]([0-9.e-]+,){7}[0-9.e-]+[}]}}>>
# CHECK:         quant.qcast %{{.*}} : tensor<4x16xf32> to tensor<4x16x!quant.uniform<i16:f32, {{[0-9.e-]+}}>>
# CHECK:         aten.linear
# CHECK-NEXT:    quant.qcast %{{.*}} : tensor<4x8xf32> to tensor<4x8x!quant.uniform<i16:f32, {{[0-9.e-]+}}>>
