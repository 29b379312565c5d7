# ConvTranspose2d: torch's weight is IOHW, so per-channel quantization is along axis 1
# (the output channels), and the bias has one scale per output channel.
# RUN: %python %s | filecheck %s
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))
from frontend_lit import print_zoo  # noqa: E402

print_zoo("conv_transpose", "uint8")

# CHECK-LABEL: // conv_transpose: uint8
# CHECK-DAG:     quant.constant dense<"__elided__"> : tensor<4x6x3x3xui8> to tensor<4x6x3x3x!quant.uniform<u8:f32:1, {{[{]([0-9.e-]+:[0-9]+,){5}[0-9.e-]+:[0-9]+[}]}}>>
# CHECK-DAG:     quant.constant dense<"__elided__"> : tensor<6xi32> to tensor<6x!quant.uniform<i32:f32:0, {{[{]([0-9.e-]+,){5}[0-9.e-]+[}]}}>>
# CHECK:         %[[T:.*]] = aten.conv_transpose2d.input %{{.*}}, %{{.*}}, %{{.*}} {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, output_padding = array<i64: 1, 1>, groups = 1 : i64, dilation = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x6x3x3xf32>, tensor<6xf32>) -> tensor<1x6x8x8xf32>
# CHECK-NEXT:    %[[R:.*]] = aten.relu %[[T]]
# CHECK-NEXT:    quant.qcast %[[R]] : tensor<1x6x8x8xf32> to tensor<1x6x8x8x!quant.uniform<u8:f32, {{[0-9.e-]+}}>>
