# A transformer encoder block (int8): layer_norm decomposed before quantization
# (compiler.frontend.decompose: every step observed, gamma/beta quantized), attention
# with matmul and a softmax at the fixed output range TFLite's kernel requires
# (1/256, zero point -128), q/k/v unbound with their input's qparams, a GELU MLP.
# RUN: %python %s | filecheck %s
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))
from frontend_lit import print_zoo  # noqa: E402

print_zoo("transformer_block", "int8", elide=1)

# CHECK-LABEL: // transformer_block: int8
# CHECK:       func.func @forward(%[[X:.*]]: tensor<1x6x16xf32>) -> tensor<1x6x16xf32> {
# LayerNorm's weight and bias: per-tensor i8 constants
# CHECK:         %[[G:.*]] = quant.constant dense<"__elided__"> : tensor<16xi8> to tensor<16x!quant.uniform<i8:f32, {{[0-9.e-]+}}:{{-?[0-9]+}}>>
# CHECK:         %[[GF:.*]] = quant.dcast %[[G]]
# CHECK:         %[[BE:.*]] = quant.constant dense<"__elided__"> : tensor<16xi8> to tensor<16x!quant.uniform<i8:f32, {{[0-9.e-]+}}:{{-?[0-9]+}}>>
# CHECK:         %[[BEF:.*]] = quant.dcast %[[BE]]
# CHECK:         quant.constant dense<"__elided__"> : tensor<48x16xi8> to tensor<48x16x!quant.uniform<i8<-127:127>:f32:0, {{[{]([0-9.e-]+,){47}[0-9.e-]+[}]}}>>
# layer_norm, decomposed: mean, x - mean, mean of squares, + eps, rsqrt, scale, * gamma, + beta
# CHECK:         aten.mean.dim %{{.*}} {dim = array<i64: 2>, keepdim = true} : (tensor<1x6x16xf32>) -> tensor<1x6x1xf32>
# CHECK:         aten.sub.Tensor
# CHECK:         aten.mul.Tensor %[[D:.*]], %[[D]] : (tensor<1x6x16xf32>, tensor<1x6x16xf32>) -> tensor<1x6x16xf32>
# CHECK:         aten.mean.dim
# CHECK:         %[[EPS:.*]] = circle.const dense<1.000000e-05> : tensor<f32>
# CHECK-NEXT:    aten.add.Tensor %{{.*}}, %[[EPS]] {alpha = 1 : i64} : (tensor<1x6x1xf32>, tensor<f32>) -> tensor<1x6x1xf32>
# CHECK:         %[[RS:.*]] = aten.rsqrt %{{.*}} : (tensor<1x6x1xf32>) -> tensor<1x6x1xf32>
# CHECK-NEXT:    quant.qcast %[[RS]]
# CHECK:         aten.mul.Tensor {{.*}} : (tensor<1x6x16xf32>, tensor<1x6x1xf32>) -> tensor<1x6x16xf32>
# CHECK:         aten.mul.Tensor %{{.*}}, %[[GF]] : (tensor<1x6x16xf32>, tensor<16xf32>) -> tensor<1x6x16xf32>
# CHECK:         aten.add.Tensor %{{.*}}, %[[BEF]] {alpha = 1 : i64} : (tensor<1x6x16xf32>, tensor<16xf32>) -> tensor<1x6x16xf32>
# CHECK:         aten.linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x6x16xf32>, tensor<48x16xf32>, tensor<48xf32>) -> tensor<1x6x48xf32>
# CHECK-NEXT:    quant.qcast {{.*}} to tensor<1x6x48x!quant.uniform<i8:f32, [[QKV:[0-9.e-]+:-?[0-9]+]]>>
# CHECK:         aten.{{reshape|view}} %{{.*}} {{[{](shape|size)}} = array<i64: 1, 6, 3, 2, 8>}
# CHECK-NEXT:    quant.qcast {{.*}} to tensor<1x6x3x2x8x!quant.uniform<i8:f32, [[QKV]]>>
# CHECK:         aten.permute %{{.*}} {dims = array<i64: 2, 0, 3, 1, 4>}
# CHECK-NEXT:    quant.qcast {{.*}} to tensor<3x1x2x6x8x!quant.uniform<i8:f32, [[QKV]]>>
# CHECK:         %[[Q:.*]], %[[K:.*]], %[[V:.*]] = aten.unbind.int %{{.*}} {dim = 0 : i64} : (tensor<3x1x2x6x8xf32>) -> (tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32>)
# CHECK-NEXT:    quant.qcast %[[Q]] : tensor<1x2x6x8xf32> to tensor<1x2x6x8x!quant.uniform<i8:f32, [[QKV]]>>
# CHECK:         quant.qcast %[[K]] : tensor<1x2x6x8xf32> to tensor<1x2x6x8x!quant.uniform<i8:f32, [[QKV]]>>
# CHECK:         quant.qcast %[[V]] : tensor<1x2x6x8xf32> to tensor<1x2x6x8x!quant.uniform<i8:f32, [[QKV]]>>
# CHECK:         aten.transpose.int %{{.*}} {dim0 = -2 : i64, dim1 = -1 : i64} : (tensor<1x2x6x8xf32>) -> tensor<1x2x8x6xf32>
# CHECK:         aten.matmul %{{.*}}, %{{.*}} : (tensor<1x2x6x8xf32>, tensor<1x2x8x6xf32>) -> tensor<1x2x6x6xf32>
# The Python scalar 1/sqrt(d) is a rank-0 constant
# CHECK:         %[[SCALE:.*]] = circle.const dense<0.353553385> : tensor<f32>
# CHECK-NEXT:    aten.mul.Tensor %{{.*}}, %[[SCALE]] : (tensor<1x2x6x6xf32>, tensor<f32>) -> tensor<1x2x6x6xf32>
# CHECK:         %[[SM:.*]] = aten.softmax.int %{{.*}} {dim = -1 : i64} : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
# CHECK-NEXT:    quant.qcast %[[SM]] : tensor<1x2x6x6xf32> to tensor<1x2x6x6x!quant.uniform<i8:f32, 0.00390625:-128>>
# CHECK:         aten.matmul %{{.*}}, %{{.*}} : (tensor<1x2x6x6xf32>, tensor<1x2x6x8xf32>) -> tensor<1x2x6x8xf32>
# CHECK:         aten.add.Tensor %{{.*}}, %{{.*}} {alpha = 1 : i64} : (tensor<1x6x16xf32>, tensor<1x6x16xf32>) -> tensor<1x6x16xf32>
# CHECK:         aten.rsqrt
# CHECK:         aten.linear {{.*}} -> tensor<1x6x32xf32>
# CHECK:         aten.gelu %{{.*}} {approximate = "none"} : (tensor<1x6x32xf32>) -> tensor<1x6x32xf32>
# CHECK:         aten.linear {{.*}} -> tensor<1x6x16xf32>
# CHECK:         aten.add.Tensor
# CHECK-NEXT:    %[[OUTQ:.*]] = quant.qcast
# CHECK-NEXT:    %[[OUT:.*]] = quant.dcast %[[OUTQ]]
# CHECK-NEXT:    func.return %[[OUT]] : tensor<1x6x16xf32>
# CHECK-NOT:   aten.call
# CHECK-NOT:   aten.layer_norm
