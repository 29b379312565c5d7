# MobileNetV2's inverted residual (uint8): BN folded into each conv, ReLU6 (hardtanh 0..6)
# fused after the expand and depthwise convs, u8 asymmetric per-channel weights, the
# block input dequantized once per consumer (conv and the residual add).
# RUN: %python %s | filecheck %s
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))
from frontend_lit import print_zoo  # noqa: E402

print_zoo("mobilenet_block", "uint8")

# CHECK-LABEL: // mobilenet_block: uint8
# CHECK:       func.func @forward(%[[X:.*]]: tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32> {
# CHECK-DAG:     quant.constant dense<"__elided__"> : tensor<16x8x1x1xui8> to tensor<16x8x1x1x!quant.uniform<u8:f32:0, {{[{]([0-9.e-]+:[0-9]+,){15}[0-9.e-]+:[0-9]+[}]}}>>
# CHECK-DAG:     quant.constant dense<"__elided__"> : tensor<16x1x3x3xui8> to tensor<16x1x3x3x!quant.uniform<u8:f32:0, {{[{]([0-9.e-]+:[0-9]+,){15}[0-9.e-]+:[0-9]+[}]}}>>
# CHECK-DAG:     quant.constant dense<"__elided__"> : tensor<8x16x1x1xui8> to tensor<8x16x1x1x!quant.uniform<u8:f32:0, {{[{]([0-9.e-]+:[0-9]+,){7}[0-9.e-]+:[0-9]+[}]}}>>
# CHECK:         %[[XQ:.*]] = quant.qcast %[[X]] : tensor<1x8x6x6xf32> to tensor<1x8x6x6x!quant.uniform<u8:f32, [[SX:[0-9.e-]+:[0-9]+]]>>
# CHECK-NEXT:    %[[SKIP:.*]] = quant.dcast %[[XQ]]
# CHECK-NEXT:    %[[XF:.*]] = quant.dcast %[[XQ]]
# CHECK:         %[[E:.*]] = aten.conv2d %[[XF]], %{{.*}}, %{{.*}} {stride = array<i64: 1, 1>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x8x6x6xf32>, tensor<16x8x1x1xf32>, tensor<16xf32>) -> tensor<1x16x6x6xf32>
# CHECK-NEXT:    %[[E6:.*]] = aten.hardtanh %[[E]] {min_val = 0.000000e+00 : f64, max_val = 6.000000e+00 : f64}
# CHECK-NEXT:    quant.qcast %[[E6]] : tensor<1x16x6x6xf32> to tensor<1x16x6x6x!quant.uniform<u8:f32, {{[0-9.e-]+}}>>
# CHECK:         %[[D:.*]] = aten.conv2d %{{.*}}, %{{.*}}, %{{.*}} {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 16 : i64} : (tensor<1x16x6x6xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<1x16x6x6xf32>
# CHECK-NEXT:    %[[D6:.*]] = aten.hardtanh %[[D]]
# CHECK-NEXT:    quant.qcast %[[D6]]
# CHECK:         %[[P:.*]] = aten.conv2d {{.*}} -> tensor<1x8x6x6xf32>
# CHECK-NEXT:    %[[PQ:.*]] = quant.qcast %[[P]]
# CHECK-NEXT:    %[[PF:.*]] = quant.dcast %[[PQ]]
# CHECK-NEXT:    %[[SUM:.*]] = aten.add.Tensor %[[SKIP]], %[[PF]] {alpha = 1 : i64}
# CHECK-NOT:   aten.batch_norm
