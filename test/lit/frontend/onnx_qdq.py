# A hand-written QDQ ONNX graph (fixed scales) imported by compiler.import_onnx: the
# quant-stage IR that PT2E programs import to, located at ONNX node names.
# RUN: %python %s | filecheck %s
import numpy as np
from onnx import TensorProto, helper, numpy_helper

from compiler.frontend.onnx_importer import import_onnx
from compiler.ir.printing import Printer

N = helper.make_node


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


inits = [
    init("s_x", np.float32(0.02)), init("z_x", np.uint8(128)),
    init("s_y", np.float32(0.01)), init("z_y", np.uint8(0)),
    init("w", np.arange(-8, 10, dtype=np.int8).reshape(2, 1, 3, 3)),
    init("s_w", np.array([0.1, 0.05], np.float32)), init("z_w", np.zeros(2, np.int8)),
    init("b", np.array([10, -20], np.int32)),
    init("s_b", np.array([0.002, 0.001], np.float32)), init("z_b", np.zeros(2, np.int32)),
    init("i0", np.array([0], np.int64)), init("minus1", np.array([-1], np.int64)),
    init("sqrt2", np.float32(1.4142135)), init("one", np.float32(1.0)), init("half", np.float32(0.5)),
]
nodes = [
    N("QuantizeLinear", ["x", "s_x", "z_x"], ["xq"], name="x_q"),
    N("DequantizeLinear", ["xq", "s_x", "z_x"], ["xd"], name="x_dq"),
    N("DequantizeLinear", ["w", "s_w", "z_w"], ["wd"], name="w_dq", axis=0),
    N("DequantizeLinear", ["b", "s_b", "z_b"], ["bd"], name="b_dq", axis=0),
    N("Conv", ["xd", "wd", "bd"], ["c"], name="conv", pads=[1, 1, 1, 1]),
    N("Shape", ["c"], ["sh"], name="shape"), N("Gather", ["sh", "i0"], ["n"], name="n", axis=0),
    N("Concat", ["n", "minus1"], ["newshape"], name="newshape", axis=0),
    N("Reshape", ["c", "newshape"], ["r"], name="flatten"),
    N("Div", ["r", "sqrt2"], ["d"], name="gelu_div"), N("Erf", ["d"], ["e"], name="gelu_erf"),
    N("Add", ["e", "one"], ["a"], name="gelu_add"), N("Mul", ["r", "a"], ["m"], name="gelu_mul"),
    N("Mul", ["m", "half"], ["g"], name="gelu"),
    N("QuantizeLinear", ["g", "s_y", "z_y"], ["gq"], name="y_q"),
    N("DequantizeLinear", ["gq", "s_y", "z_y"], ["y"], name="y_dq"),
]
graph = helper.make_graph(nodes, "lit", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 32])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
Printer(print_debuginfo=True).print_op(import_onnx(model))
print()

# CHECK:      func.func @forward(%x: tensor<1x1x4x4xf32> loc("x"(unknown))) -> tensor<1x32xf32> {
# CHECK-NEXT:   %x_q = quant.qcast %x : tensor<1x1x4x4xf32> to tensor<1x1x4x4x!quant.uniform<u8:f32, 0.019999999552965164:128>> loc("x_q"(unknown))
# CHECK-NEXT:   %w = quant.constant dense<{{.*}}> : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.10000000149011612,0.05000000074505806}>> loc("w"(unknown))
# CHECK-NEXT:   %b = quant.constant dense<[10, -20]> : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.0020000000949949026,0.0010000000474974513}>> loc("b"(unknown))
# CHECK-NEXT:   %x_dq = quant.dcast %x_q : {{.*}} to tensor<1x1x4x4xf32> loc("x_dq"(unknown))
# CHECK-NEXT:   %w_dq = quant.dcast %w : {{.*}} to tensor<2x1x3x3xf32> loc("w_dq"(unknown))
# CHECK-NEXT:   %b_dq = quant.dcast %b : {{.*}} to tensor<2xf32> loc("b_dq"(unknown))
# CHECK-NEXT:   %conv = aten.conv2d %x_dq, %w_dq, %b_dq {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("conv"(unknown))
# CHECK-NEXT:   %flatten = aten.reshape %conv {shape = array<i64: 1, 32>} : (tensor<1x2x4x4xf32>) -> tensor<1x32xf32> loc("flatten"(unknown))
# CHECK-NEXT:   %gelu = aten.gelu %flatten {approximate = "none"} : (tensor<1x32xf32>) -> tensor<1x32xf32> loc("gelu"(unknown))
# CHECK-NEXT:   %y_q = quant.qcast %gelu : tensor<1x32xf32> to tensor<1x32x!quant.uniform<u8:f32, 0.009999999776482582>> loc("y_q"(unknown))
# CHECK-NEXT:   %y_dq = quant.dcast %y_q : {{.*}} to tensor<1x32xf32> loc("y_dq"(unknown))
# CHECK-NEXT:   func.return %y_dq : tensor<1x32xf32>
