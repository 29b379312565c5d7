# Conv2d + BatchNorm2d + ReLU: BN folded into the conv by PT2E, ReLU fused (no q/dq
# between conv and relu), locations naming the FX node and the model's source line.
# RUN: %python %s | filecheck %s
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))
from frontend_lit import print_zoo  # noqa: E402

print_zoo("conv_bn_relu", "int8", debuginfo=True)
print_zoo("conv_bn_relu", None)

# CHECK-LABEL: // conv_bn_relu: int8
# CHECK:       func.func @forward(%[[X:.*]]: tensor<1x3x8x8xf32> loc("x"(unknown))) -> tensor<1x8x8x8xf32> {
# CHECK-DAG:     %[[W:.*]] = quant.constant dense<"__elided__"> : tensor<8x3x3x3xi8> to tensor<8x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {{[{]([0-9.e-]+,){7}[0-9.e-]+[}]}}>> loc("_frozen_param{{[0-9]+}}"(unknown))
# CHECK-DAG:     %[[B:.*]] = quant.constant dense<"__elided__"> : tensor<8xi32> to tensor<8x!quant.uniform<i32:f32:0, {{[{]([0-9.e-]+,){7}[0-9.e-]+[}]}}>> loc("_frozen_param{{[0-9]+}}"(unknown))
# CHECK-DAG:     %[[WF:.*]] = quant.dcast %[[W]] : {{.*}} to tensor<8x3x3x3xf32> loc("dequantize_per_channel
# CHECK-DAG:     %[[BF:.*]] = quant.dcast %[[B]] : {{.*}} to tensor<8xf32> loc("dequantize_per_channel
# CHECK-DAG:     %[[XQ:.*]] = quant.qcast %[[X]] : tensor<1x3x8x8xf32> to tensor<1x3x8x8x!quant.uniform<i8:f32, {{[0-9.e-]+}}:{{-?[0-9]+}}>> loc("quantize_per_tensor"(unknown))
# CHECK-DAG:     %[[XF:.*]] = quant.dcast %[[XQ]]
# CHECK:         %[[C:.*]] = aten.conv2d %[[XF]], %[[WF]], %[[BF]] {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32> loc("conv2d"("{{.*}}test/python/zoo.py":[[LINE:[0-9]+]]:0))
# CHECK-NEXT:    %[[R:.*]] = aten.relu %[[C]] : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> loc("relu"("{{.*}}test/python/zoo.py":[[LINE]]:0))
# ReLU output: the zero point is the storage minimum
# CHECK-NEXT:    %[[RQ:.*]] = quant.qcast %[[R]] : tensor<1x8x8x8xf32> to tensor<1x8x8x8x!quant.uniform<i8:f32, {{[0-9.e-]+}}:-128>>
# CHECK-NEXT:    %[[RF:.*]] = quant.dcast %[[RQ]]
# CHECK-NEXT:    func.return %[[RF]] : tensor<1x8x8x8xf32>
# CHECK-NOT:   aten.batch_norm

# The float program: parameters as circle.const, the absent conv bias as aten.none.
# CHECK-LABEL: // conv_bn_relu: float
# CHECK:       func.func @forward(%[[X:.*]]: tensor<1x3x8x8xf32>) -> tensor<1x8x8x8xf32> {
# CHECK-NEXT:    %[[W:.*]] = circle.const dense<"__elided__"> : tensor<8x3x3x3xf32>
# CHECK-NEXT:    %[[N:.*]] = aten.none : none
# CHECK-NEXT:    %[[C:.*]] = aten.conv2d %[[X]], %[[W]], %[[N]] {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, none) -> tensor<1x8x8x8xf32>
# CHECK-COUNT-4: circle.const dense<"__elided__"> : tensor<8xf32>
# CHECK-NEXT:    %[[BN:.*]] = aten.batch_norm %[[C]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {training = false, momentum = 1.000000e-01 : f64, eps = 1.000000e-05 : f64, cudnn_enabled = false}
# CHECK-NEXT:    %[[R:.*]] = aten.relu %[[BN]]
# CHECK-NEXT:    func.return %[[R]] : tensor<1x8x8x8xf32>
