# QAT Conv-BN-ReLU (prepare_qat_pt2e, fake-quant training forward passes, convert): BN is
# folded into the conv, the folded bias of the bias-less conv is an i32 constant, and the
# IR has the same form as the PTQ import.
# RUN: %python %s | filecheck %s
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))
from frontend_lit import print_zoo  # noqa: E402

print_zoo("qat_conv_bn", "int8")

# CHECK-LABEL: // qat_conv_bn: int8
# CHECK:       func.func @forward(%[[X:.*]]: tensor<2x3x8x8xf32>) -> tensor<2x8x8x8xf32> {
# CHECK-DAG:     %[[W:.*]] = quant.constant dense<"__elided__"> : tensor<8x3x3x3xi8> to tensor<8x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {{[{]([0-9.e-]+,){7}[0-9.e-]+[}]}}>>
# CHECK-DAG:     %[[B:.*]] = quant.constant dense<"__elided__"> : tensor<8xi32> to tensor<8x!quant.uniform<i32:f32:0, {{[{]([0-9.e-]+,){7}[0-9.e-]+[}]}}>>
# CHECK-DAG:     %[[WF:.*]] = quant.dcast %[[W]]
# CHECK-DAG:     %[[BF:.*]] = quant.dcast %[[B]]
# CHECK-DAG:     %[[XQ:.*]] = quant.qcast %[[X]]
# CHECK-DAG:     %[[XF:.*]] = quant.dcast %[[XQ]]
# CHECK:         %[[C:.*]] = aten.conv2d %[[XF]], %[[WF]], %[[BF]]
# CHECK-NEXT:    %[[R:.*]] = aten.relu %[[C]]
# CHECK-NEXT:    quant.qcast %[[R]] : tensor<2x8x8x8xf32> to tensor<2x8x8x8x!quant.uniform<i8:f32, {{[0-9.e-]+}}:-128>>
# CHECK-NOT:   circle.const
# CHECK-NOT:   aten.batch_norm
