"""ONNX operators as the ATen-level ops the circle legalizations take.

One function per ONNX operator (`CONVERSIONS[op_type]`), `(importer, node) -> None`,
binding the node's outputs in `importer.env`. ONNX and ATen share the NCHW layout, so
the conversions are direct: attributes become the ATen op's properties, constant
inputs (shapes, axes, pads, scales) are read at import time, and result types come
from onnx's shape inference. Semantics ONNX has and ATen lacks (asymmetric padding,
Gemm's alpha/beta) are spelled with an extra exact op (`aten.constant_pad_nd`,
`aten.mul.Scalar`); what cannot be represented exactly is an error naming the node.

`find_patterns` recognizes multi-node patterns before the walk: torch's exact GELU
(`Div(x, sqrt 2) -> Erf -> Add 1 -> Mul x -> Mul 0.5`) without Q/DQ between its steps
becomes one `aten.gelu` (the same float function). When the quantizer put Q/DQ pairs
between the steps (onnxruntime's default), the pattern is imported node by node so
that every rounding the graph has is kept: `aten.erf` (lowered to float ops) and
quantized ADD/MUL.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from xdsl.dialects.builtin import (
    BoolAttr,
    DenseArrayBase,
    FloatAttr,
    IntegerAttr,
    StringAttr,
    TensorType,
    f64,
    i64,
)
from xdsl.ir import SSAValue

from compiler.dialects import aten
from compiler.frontend.onnx_importer import Quantized, attr, node_name

CONVERSIONS: dict[str, Callable] = {}


def converts(*op_types: str):
    def register(fn):
        for t in op_types:
            CONVERSIONS[t] = fn
        return fn

    return register


# -- building ATen ops ----------------------------------------------------------------------
def _prop(arg: aten.Argument, value):
    t = arg.type
    if t == "bool":
        return BoolAttr.from_bool(bool(value))
    if t == "int":
        return IntegerAttr(int(value), i64)
    if t == "float":
        return FloatAttr(float(value), f64)
    if t in ("str", "ScalarType"):
        return StringAttr(str(value))
    if t == "Scalar":
        if isinstance(value, (bool, int, np.integer)):
            return IntegerAttr(int(value), i64)
        return FloatAttr(float(value), f64)
    if t == "int[]":
        return DenseArrayBase.from_list(i64, [int(v) for v in value])
    if t == "float[]":
        return DenseArrayBase.from_list(f64, [float(v) for v in value])
    raise TypeError(f"unsupported ATen argument type {t}")


def emit(imp, node, name: str, operands: list, result_types, helper: str | None = None,
         **args) -> list[SSAValue]:
    """`aten.<name>` with `operands` (None: an absent optional tensor) and non-tensor
    `args` (defaults of the schema filled in), located at `node` (`<node>/<helper>`)."""
    cls = aten.aten_op(name)
    props = {}
    for arg in cls.SCHEMA.attribute_args:
        value = args.pop(arg.name, None)
        if value is None and arg.default not in (None, "None") and not arg.optional:
            value = _default(arg)
        if value is not None:
            props[arg.name] = _prop(arg, value)
    if args:
        raise TypeError(f"aten.{name} has no argument(s) {sorted(args)}")
    ops = []
    for v in operands:
        if isinstance(v, list):
            ops.append(v)
        elif v is None:
            ops.append(_none(imp))
        else:
            ops.append(v)
    types = result_types if isinstance(result_types, list) else [result_types]
    if len(cls.SCHEMA.returns) == 1 and cls.SCHEMA.returns[0].endswith("[]"):
        types = [types]
    op = cls(operands=ops, result_types=types, properties=props)
    imp.add(op, node, name=f"{node_name(node)}/{helper}" if helper else None)
    return list(op.results)


def _default(arg: aten.Argument):
    d = arg.default
    if arg.type == "bool":
        return d == "True"
    if arg.type in ("int", "Scalar"):
        return int(d) if d.lstrip("-").isdigit() else float(d)
    if arg.type == "float":
        return float(d)
    if arg.type == "str":
        return d.strip('"')
    if arg.type == "int[]":
        inner = d.strip("[]")
        return [int(x) for x in inner.split(",") if x.strip()] if inner else []
    return None


def _none(imp) -> SSAValue:
    if imp.none_value is None:
        imp.none_value = imp._add(aten.NoneOp(), "none").results[0]
    return imp.none_value


def out(imp, node, value: SSAValue, index: int = 0) -> None:
    imp.env[node.output[index]] = value


def with_shape(t: TensorType, shape) -> TensorType:
    return TensorType(t.element_type, list(shape))


def simple(name: str, **fixed):
    def convert(imp, node):
        x = imp.operand(node, 0)
        out(imp, node, emit(imp, node, name, [x], imp.result_type(node), **fixed)[0])

    return convert


# -- element-wise -------------------------------------------------------------------------
for _op, _name in {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "HardSwish": "hardswish",
                   "Exp": "exp", "Log": "log", "Sqrt": "sqrt", "Abs": "abs", "Neg": "neg",
                   "Reciprocal": "reciprocal", "Sin": "sin", "Cos": "cos", "Erf": "erf"}.items():
    CONVERSIONS[_op] = simple(_name)

_BINARY = {"Add": "add.Tensor", "Sub": "sub.Tensor", "Mul": "mul.Tensor", "Div": "div.Tensor",
           "Max": "maximum", "Min": "minimum", "Equal": "eq.Tensor", "Greater": "gt.Tensor",
           "Less": "lt.Tensor", "GreaterOrEqual": "ge.Tensor", "LessOrEqual": "le.Tensor",
           "And": "logical_and", "Or": "logical_or"}


@converts(*_BINARY)
def binary(imp, node):
    if len(node.input) != 2:
        raise imp.error(node, f"{node.op_type} with {len(node.input)} inputs is not supported")
    a, b = imp.operand(node, 0), imp.operand(node, 1)
    if node.op_type == "Div" and _is_integer(a):
        raise imp.error(node, "integer division is not supported")
    out(imp, node, emit(imp, node, _BINARY[node.op_type], [a, b], imp.result_type(node))[0])


@converts("Not")
def logical_not(imp, node):
    out(imp, node, emit(imp, node, "logical_not", [imp.operand(node, 0)], imp.result_type(node))[0])


@converts("Pow")
def power(imp, node):
    exponent = imp.constant(node, 1, "exponent")
    x = imp.operand(node, 0)
    out(imp, node, emit(imp, node, "pow.Tensor_Scalar", [x], imp.result_type(node),
                        exponent=float(exponent.reshape(())))[0])


@converts("Clip")
def clip(imp, node):
    lo = imp.constant(node, 1, "minimum")
    hi = imp.constant(node, 2, "maximum")
    lo = None if lo is None else float(lo.reshape(()))
    hi = None if hi is None else float(hi.reshape(()))
    x = imp.operand(node, 0)
    if lo == 0.0 and hi == 6.0:
        y = emit(imp, node, "relu6", [x], imp.result_type(node))[0]
    elif lo == 0.0 and hi is None:
        y = emit(imp, node, "relu", [x], imp.result_type(node))[0]
    else:
        y = emit(imp, node, "clamp", [x], imp.result_type(node), min=lo, max=hi)[0]
    out(imp, node, y)


@converts("LeakyRelu")
def leaky_relu(imp, node):
    out(imp, node, emit(imp, node, "leaky_relu", [imp.operand(node, 0)], imp.result_type(node),
                        negative_slope=attr(node, "alpha", 0.01))[0])


@converts("PRelu")
def prelu(imp, node):
    x = imp.operand(node, 0)
    shape = list(x.type.get_shape())
    slope_shape = imp.shape_of(node, 1)
    n = int(np.prod(slope_shape))
    # ONNX broadcasts the slope against x (numpy rules); ATen's prelu takes one slope,
    # or one per channel (dim 1): the slope must broadcast as [1, C, 1, ...].
    padded = [1] * (len(shape) - len(slope_shape)) + list(slope_shape)
    if n > 1 and (len(shape) < 2 or padded != [1, shape[1]] + [1] * (len(shape) - 2)):
        raise imp.error(node, f"PRelu slope of shape {slope_shape} is not one per channel")
    w = imp.operand(node, 1)
    if list(slope_shape) != [n]:
        w = emit(imp, node, "reshape", [w], with_shape(w.type, [n]), helper="slope", shape=[n])[0]
    out(imp, node, emit(imp, node, "prelu", [x, w], imp.result_type(node))[0])


@converts("HardSigmoid")
def hard_sigmoid(imp, node):
    """max(0, min(1, alpha x + beta)). When the input is dequantized and the output
    quantized (a QuantizeLinear with an 8-bit per-tensor type Y follows) it is spelled relu6-style, (clamp(x + beta/alpha, 0, 1/alpha))
    * alpha, with both inner results in the type T = (scale(Y) / alpha, zero_point(Y)):
    T's integers of x + beta/alpha are round((alpha x + beta) / scale(Y)) + zp(Y), the
    integers onnxruntime stores, so the clamp (at the quantized bounds) and the final
    multiplication by alpha (a rescale from T to Y that keeps the integers) add no
    rounding: the quantized ADD, MINIMUM/MAXIMUM and MUL compute what the graph's one
    Q/DQ pair says. Otherwise float steps (allow-float)."""
    alpha, beta = attr(node, "alpha", 0.2), attr(node, "beta", 0.5)
    x = imp.operand(node, 0)
    t = imp.result_type(node)
    y_type = _quantized_output_type(imp, node)
    if y_type is None or alpha <= 0 or not isinstance(imp.env_value(node, 0), Quantized):
        y = emit(imp, node, "mul.Scalar", [x], t, helper="scale", other=alpha)[0]
        y = emit(imp, node, "add.Scalar", [y], t, helper="shift", other=beta)[0]
        out(imp, node, emit(imp, node, "clamp", [y], t, min=0.0, max=1.0)[0])
        return
    from compiler.ir.quant_types import make_quantized_type

    inner = make_quantized_type(y_type.numpy_storage_dtype, float(y_type.scales[0]) / alpha,
                                int(y_type.zero_points[0]))
    y = emit(imp, node, "add.Scalar", [x], t, helper="shift", other=beta / alpha)[0]
    y = _requantized(imp, node, y, inner, "shift")
    y = emit(imp, node, "clamp", [y], t, helper="clamp", min=0.0, max=1.0 / alpha)[0]
    y = _requantized(imp, node, y, inner, "clamp")
    out(imp, node, emit(imp, node, "mul.Scalar", [y], t, other=alpha)[0])


def _quantized_output_type(imp, node):
    """The per-tensor type of the QuantizeLinear that is the only user of the node's
    output (None when the output stays float)."""
    users = [n for n in imp.graph.node if node.output[0] in n.input]
    if len(users) != 1 or users[0].op_type != "QuantizeLinear":
        return None
    qtype = imp.qtype(users[0])
    return qtype if qtype.scales.size == 1 and qtype.width == 8 else None


def _requantized(imp, node, value, qtype, helper: str):
    """`value` rounded to `qtype`: quant.qcast then quant.dcast, located at the node."""
    from compiler.dialects.quant import DequantizeCastOp, QuantizeCastOp

    name = f"{node_name(node)}/{helper}"
    q = imp.add(QuantizeCastOp(value, TensorType(qtype, value.type.get_shape())), node, name)
    d = imp.add(DequantizeCastOp(q.results[0], value.type), node, name)
    return d.results[0]


@converts("Gelu")
def gelu(imp, node):
    approximate = attr(node, "approximate", "none")
    out(imp, node, emit(imp, node, "gelu", [imp.operand(node, 0)], imp.result_type(node),
                        approximate=approximate)[0])


@converts("Where")
def where(imp, node):
    c, a, b = (imp.operand(node, i) for i in range(3))
    out(imp, node, emit(imp, node, "where.self", [c, a, b], imp.result_type(node))[0])


@converts("Cast")
def cast(imp, node):
    import torch

    from compiler.ir.quant_types import is_quantized

    dtype = imp.onnx.helper.tensor_dtype_to_np_dtype(attr(node, "to"))
    value = imp.env_value(node, 0)
    if isinstance(value, SSAValue) and is_quantized(value.type):
        # torch's exporter writes QuantizeLinear -> Cast(to its own storage type) ->
        # DequantizeLinear: an identity on the stored integers
        if np.dtype(value.type.element_type.numpy_storage_dtype) != dtype:
            raise imp.error(node, f"Cast of a quantized value to {dtype} (its storage is "
                                  f"{value.type.element_type.storage_spelling}) is not supported")
        out(imp, node, value)
        return
    x = imp.operand(node, 0)
    t = imp.result_type(node)
    name = str(torch.from_numpy(np.zeros((), dtype)).dtype).removeprefix("torch.")
    out(imp, node, emit(imp, node, "to.dtype", [x], t, dtype=name)[0])


def _is_integer(v: SSAValue) -> bool:
    from xdsl.dialects.builtin import IntegerType

    return isinstance(v.type.element_type, IntegerType)


# -- convolution, linear algebra ------------------------------------------------------------
def _pads(imp, node, spatial: list[int], kernel: list[int], strides, dilations) -> list[int]:
    """ONNX pads [b1, b2.., e1, e2..] (auto_pad resolved)."""
    n = len(spatial)
    auto = attr(node, "auto_pad", "NOTSET")
    if auto in ("NOTSET", ""):
        pads = list(attr(node, "pads", [0] * (2 * n)))
    elif auto == "VALID":
        pads = [0] * (2 * n)
    elif auto in ("SAME_UPPER", "SAME_LOWER"):
        pads = [0] * (2 * n)
        for i in range(n):
            o = -(-spatial[i] // strides[i])
            total = max(0, (o - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - spatial[i])
            small, big = total // 2, total - total // 2
            pads[i], pads[i + n] = (small, big) if auto == "SAME_UPPER" else (big, small)
    else:
        raise imp.error(node, f"auto_pad '{auto}' is not supported")
    return pads


def _explicit_pad(imp, node, x: SSAValue, pads: list[int], value: float = 0.0) -> SSAValue:
    """An `aten.constant_pad_nd` of the spatial dims (for asymmetric ONNX pads)."""
    n = len(pads) // 2
    shape = list(x.type.get_shape())
    torch_pad: list[int] = []
    for i in reversed(range(n)):
        torch_pad += [pads[i], pads[i + n]]
    padded = shape[:2] + [shape[2 + i] + pads[i] + pads[i + n] for i in range(n)]
    return emit(imp, node, "constant_pad_nd", [x], with_shape(x.type, padded), helper="pad",
                pad=torch_pad, value=value)[0]


def _symmetric(imp, node, x: SSAValue, pads: list[int], pad_value: float = 0.0):
    n = len(pads) // 2
    if pads[:n] == pads[n:]:
        return x, pads[:n]
    return _explicit_pad(imp, node, x, pads, pad_value), [0] * n


@converts("Conv")
def conv(imp, node):
    x, w, b = imp.operand(node, 0), imp.operand(node, 1), imp.operand(node, 2)
    wshape = w.type.get_shape()
    n = len(wshape) - 2
    if n not in (1, 2, 3):
        raise imp.error(node, f"{n}-D convolution is not supported")
    kernel = list(attr(node, "kernel_shape", wshape[2:]))
    strides = list(attr(node, "strides", [1] * n))
    dilations = list(attr(node, "dilations", [1] * n))
    pads = _pads(imp, node, list(x.type.get_shape()[2:]), kernel, strides, dilations)
    x, padding = _symmetric(imp, node, x, pads)
    name = {1: "conv1d", 2: "conv2d", 3: "conv3d"}[n]
    out(imp, node, emit(imp, node, name, [x, w, b], imp.result_type(node), stride=strides,
                        padding=padding, dilation=dilations, groups=attr(node, "group", 1))[0])


@converts("ConvTranspose")
def conv_transpose(imp, node):
    x, w, b = imp.operand(node, 0), imp.operand(node, 1), imp.operand(node, 2)
    wshape = w.type.get_shape()
    if len(wshape) != 4:
        raise imp.error(node, "only 2-D ConvTranspose is supported")
    strides = list(attr(node, "strides", [1, 1]))
    dilations = list(attr(node, "dilations", [1, 1]))
    if attr(node, "auto_pad", "NOTSET") not in ("NOTSET", "") or _has(node, "output_shape"):
        raise imp.error(node, "ConvTranspose with auto_pad or output_shape is not supported "
                              "(give explicit pads)")
    pads = list(attr(node, "pads", [0, 0, 0, 0]))
    if pads[:2] != pads[2:]:
        raise imp.error(node, f"ConvTranspose with asymmetric pads {pads} is not supported")
    out(imp, node, emit(imp, node, "conv_transpose2d.input", [x, w, b], imp.result_type(node),
                        stride=strides, padding=pads[:2],
                        output_padding=list(attr(node, "output_padding", [0, 0])),
                        groups=attr(node, "group", 1), dilation=dilations)[0])


def _has(node, name: str) -> bool:
    return any(a.name == name for a in node.attribute)


@converts("Gemm")
def gemm(imp, node):
    """alpha * A' B' + beta * C: `aten.linear` (transB = 1, torch's Linear) or
    `aten.addmm`/`aten.mm`; alpha and beta other than 1 scale with `aten.mul.Scalar`."""
    if attr(node, "transA", 0):
        raise imp.error(node, "Gemm with transA = 1 is not supported")
    a, b = imp.operand(node, 0), imp.operand(node, 1)
    c = imp.operand(node, 2)
    alpha, beta = attr(node, "alpha", 1.0), attr(node, "beta", 1.0)
    t = imp.result_type(node)
    if alpha != 1.0:
        a = emit(imp, node, "mul.Scalar", [a], a.type, helper="alpha", other=alpha)[0]
    if c is not None and beta != 1.0:
        c = emit(imp, node, "mul.Scalar", [c], c.type, helper="beta", other=beta)[0]
    if c is not None and len(c.type.get_shape()) != 1 and attr(node, "transB", 0):
        y = emit(imp, node, "linear", [a, b, None], t, helper="linear")[0]
        y = emit(imp, node, "add.Tensor", [y, c], t)[0]
    elif attr(node, "transB", 0):
        y = emit(imp, node, "linear", [a, b, c], t)[0]
    elif c is None:
        y = emit(imp, node, "mm", [a, b], t)[0]
    else:
        y = emit(imp, node, "addmm", [c, a, b], t)[0]
    out(imp, node, y)


@converts("MatMul")
def matmul(imp, node):
    a, b = imp.operand(node, 0), imp.operand(node, 1)
    out(imp, node, emit(imp, node, "matmul", [a, b], imp.result_type(node))[0])


# -- normalization --------------------------------------------------------------------------
@converts("BatchNormalization")
def batch_norm(imp, node):
    if len(node.output) > 1 and any(node.output[1:]) or attr(node, "training_mode", 0):
        raise imp.error(node, "BatchNormalization in training mode is not supported")
    x, scale, bias, mean, var = (imp.operand(node, i) for i in range(5))
    out(imp, node, emit(imp, node, "batch_norm", [x, scale, bias, mean, var],
                        imp.result_type(node), training=False,
                        momentum=attr(node, "momentum", 0.9),
                        eps=attr(node, "epsilon", 1e-5), cudnn_enabled=False)[0])


@converts("LayerNormalization")
def layer_norm(imp, node):
    if any(node.output[1:]):
        raise imp.error(node, "LayerNormalization's mean and inverse-deviation outputs are "
                              "not supported")
    x = imp.operand(node, 0)
    shape = list(x.type.get_shape())
    axis = attr(node, "axis", -1)
    axis = axis + len(shape) if axis < 0 else axis
    # the legalization computes in float: fold quantized weight and bias to floats
    w, b = imp.float_operand(node, 1), imp.float_operand(node, 2)
    out(imp, node, emit(imp, node, "layer_norm", [x, w, b], imp.result_type(node),
                        normalized_shape=shape[axis:], eps=attr(node, "epsilon", 1e-5),
                        cudnn_enable=True)[0])


# -- pooling, reductions, resizing ----------------------------------------------------------
def _pool_args(imp, node, x):
    kernel = list(attr(node, "kernel_shape"))
    if len(kernel) != 2:
        raise imp.error(node, f"{len(kernel)}-D pooling is not supported (2-D only)")
    strides = list(attr(node, "strides", [1, 1]))
    dilations = list(attr(node, "dilations", [1, 1]))
    pads = _pads(imp, node, list(x.type.get_shape()[2:]), kernel, strides, dilations)
    return kernel, strides, dilations, pads


@converts("MaxPool")
def max_pool(imp, node):
    if any(node.output[1:]):
        raise imp.error(node, "MaxPool's indices output is not supported")
    x = imp.operand(node, 0)
    kernel, strides, dilations, pads = _pool_args(imp, node, x)
    x, padding = _symmetric(imp, node, x, pads, pad_value=-math.inf)
    out(imp, node, emit(imp, node, "max_pool2d", [x], imp.result_type(node), kernel_size=kernel,
                        stride=strides, padding=padding, dilation=dilations,
                        ceil_mode=bool(attr(node, "ceil_mode", 0)))[0])


@converts("AveragePool")
def avg_pool(imp, node):
    x = imp.operand(node, 0)
    kernel, strides, dilations, pads = _pool_args(imp, node, x)
    if dilations != [1, 1]:
        raise imp.error(node, "AveragePool with dilations is not supported")
    include = bool(attr(node, "count_include_pad", 0))
    n = len(pads) // 2
    if pads[:n] != pads[n:]:
        if not include:
            raise imp.error(node, f"AveragePool with asymmetric pads {pads} and "
                                  "count_include_pad = 0 is not supported")
        x, pads = _explicit_pad(imp, node, x, pads), [0] * (2 * n)
    out(imp, node, emit(imp, node, "avg_pool2d", [x], imp.result_type(node), kernel_size=kernel,
                        stride=strides, padding=pads[:n],
                        ceil_mode=bool(attr(node, "ceil_mode", 0)),
                        count_include_pad=include)[0])


@converts("GlobalAveragePool")
def global_avg_pool(imp, node):
    x = imp.operand(node, 0)
    if len(x.type.get_shape()) != 4:
        raise imp.error(node, "GlobalAveragePool of a non-4-D tensor is not supported")
    out(imp, node, emit(imp, node, "adaptive_avg_pool2d", [x], imp.result_type(node),
                        output_size=[1, 1])[0])


@converts("ReduceMean", "ReduceSum")
def reduce(imp, node):
    x = imp.operand(node, 0)
    rank = len(x.type.get_shape())
    axes = attr(node, "axes", None)
    if axes is None and len(node.input) > 1 and node.input[1]:
        axes = [int(a) for a in imp.constant(node, 1, "axes").reshape(-1)]
    if axes is None or len(axes) == 0:
        if attr(node, "noop_with_empty_axes", 0):
            out(imp, node, x)
            return
        axes = list(range(rank))
    axes = sorted(a + rank if a < 0 else a for a in axes)
    name = "mean.dim" if node.op_type == "ReduceMean" else "sum.dim_IntList"
    out(imp, node, emit(imp, node, name, [x], imp.result_type(node), dim=axes,
                        keepdim=bool(attr(node, "keepdims", 1)))[0])


@converts("Softmax")
def softmax(imp, node):
    x = imp.operand(node, 0)
    rank = len(x.type.get_shape())
    axis = attr(node, "axis", -1 if imp.opset >= 13 else 1)
    axis = axis + rank if axis < 0 else axis
    if imp.opset < 13 and axis != rank - 1:
        raise imp.error(node, "Softmax before opset 13 over an axis other than the last "
                              "(a flattened softmax) is not supported")
    out(imp, node, emit(imp, node, "softmax.int", [x], imp.result_type(node), dim=axis)[0])


@converts("Resize", "Upsample")
def resize(imp, node):
    x = imp.operand(node, 0)
    t = imp.result_type(node)
    if len(t.get_shape()) != 4 or t.get_shape()[:2] != x.type.get_shape()[:2]:
        raise imp.error(node, "Resize other than of the spatial dims of a 4-D tensor is not "
                              "supported")
    mode = attr(node, "mode", "nearest")
    ctm = attr(node, "coordinate_transformation_mode", "half_pixel")
    size = list(t.get_shape()[2:])
    if mode == "nearest":
        nearest = attr(node, "nearest_mode", "round_prefer_floor")
        if ctm != "asymmetric" or nearest != "floor":
            raise imp.error(node, f"nearest Resize with coordinate_transformation_mode '{ctm}' "
                                  f"and nearest_mode '{nearest}' is not supported (asymmetric, "
                                  "floor: torch's nearest)")
        y = emit(imp, node, "upsample_nearest2d", [x], t, output_size=size)[0]
    elif mode == "linear":
        if ctm not in ("half_pixel", "pytorch_half_pixel", "align_corners"):
            raise imp.error(node, f"linear Resize with coordinate_transformation_mode '{ctm}' "
                                  "is not supported")
        y = emit(imp, node, "upsample_bilinear2d", [x], t, output_size=size,
                 align_corners=ctm == "align_corners")[0]
    else:
        raise imp.error(node, f"Resize mode '{mode}' is not supported")
    out(imp, node, y)


# -- shape and data movement ------------------------------------------------------------------
@converts("Reshape", "Flatten", "Squeeze", "Unsqueeze")
def reshape(imp, node):
    x = imp.operand(node, 0)
    t = imp.result_type(node)
    out(imp, node, emit(imp, node, "reshape", [x], t, shape=list(t.get_shape()))[0])


@converts("Transpose")
def transpose(imp, node):
    x = imp.operand(node, 0)
    perm = attr(node, "perm", None)
    if perm is None:
        perm = list(reversed(range(len(x.type.get_shape()))))
    out(imp, node, emit(imp, node, "permute", [x], imp.result_type(node), dims=list(perm))[0])


@converts("Concat")
def concat(imp, node):
    xs = [imp.operand(node, i) for i in range(len(node.input))]
    rank = len(xs[0].type.get_shape())
    axis = attr(node, "axis")
    out(imp, node, emit(imp, node, "cat", [xs], imp.result_type(node),
                        dim=axis + rank if axis < 0 else axis)[0])


@converts("Slice")
def slice_(imp, node):
    x = imp.operand(node, 0)
    shape = list(x.type.get_shape())
    rank = len(shape)
    starts = imp.constant(node, 1, "starts").reshape(-1)
    ends = imp.constant(node, 2, "ends").reshape(-1)
    axes = imp.constant(node, 3, "axes")
    steps = imp.constant(node, 4, "steps")
    axes = list(range(len(starts))) if axes is None else [int(a) for a in axes.reshape(-1)]
    steps = [1] * len(starts) if steps is None else [int(s) for s in steps.reshape(-1)]
    y = x
    for i, (s, e, a, st) in enumerate(zip(starts, ends, axes, steps)):
        a = a + rank if a < 0 else a
        if st <= 0:
            raise imp.error(node, f"Slice with step {st} is not supported (positive steps only)")
        begin, end, _ = slice(int(s), int(e), st).indices(shape[a])
        if begin == 0 and end >= shape[a] and st == 1:
            continue
        size = len(range(begin, end, st))
        shape[a] = size
        last = i == len(starts) - 1
        y = emit(imp, node, "slice.Tensor", [y], with_shape(x.type, shape),
                 helper=None if last else f"slice{i}", dim=a, start=begin, end=end, step=st)[0]
    if y is x:
        y = emit(imp, node, "alias", [x], imp.result_type(node))[0]
    elif list(y.type.get_shape()) != list(imp.result_type(node).get_shape()):
        raise imp.error(node, "Slice result shape differs from shape inference")
    out(imp, node, y)


@converts("Split")
def split(imp, node):
    x = imp.operand(node, 0)
    shape = list(x.type.get_shape())
    axis = attr(node, "axis", 0)
    axis = axis + len(shape) if axis < 0 else axis
    sizes = [imp.result_type(node, i).get_shape()[axis] for i in range(len(node.output))]
    types = [imp.result_type(node, i) for i in range(len(node.output))]
    results = emit(imp, node, "split_with_sizes", [x], types, split_sizes=sizes, dim=axis)
    for i, r in enumerate(results):
        out(imp, node, r, i)


@converts("Pad")
def pad(imp, node):
    x = imp.operand(node, 0)
    rank = len(x.type.get_shape())
    pads = [int(p) for p in imp.constant(node, 1, "pads").reshape(-1)]
    value = imp.constant(node, 2, "constant value")
    axes = imp.constant(node, 3, "axes")
    axes = list(range(rank)) if axes is None else [int(a) % rank for a in axes.reshape(-1)]
    full = [0] * (2 * rank)
    for i, a in enumerate(axes):
        full[a], full[a + rank] = pads[i], pads[i + len(axes)]
    if any(p < 0 for p in full):
        raise imp.error(node, "Pad with negative pads is not supported")
    torch_pad: list[int] = []
    last = max([a for a in range(rank) if full[a] or full[a + rank]], default=rank - 1)
    for a in reversed(range(last + 1)):
        torch_pad += [full[a], full[a + rank]]
    mode = attr(node, "mode", "constant")
    t = imp.result_type(node)
    if mode == "constant":
        v = 0.0 if value is None else float(np.asarray(value).reshape(()))
        y = emit(imp, node, "constant_pad_nd", [x], t, pad=torch_pad, value=v)[0]
    elif mode in ("reflect", "edge"):
        y = emit(imp, node, "pad", [x], t, pad=torch_pad,
                 mode="reflect" if mode == "reflect" else "replicate")[0]
    else:
        raise imp.error(node, f"Pad mode '{mode}' is not supported")
    out(imp, node, y)


@converts("Gather")
def gather(imp, node):
    axis = attr(node, "axis", 0)
    data = imp.env_value(node, 0)
    indices = imp.env_value(node, 1)
    t = imp.result_type(node)
    rank = len(imp.shape_of(node, 0))
    axis = axis + rank if axis < 0 else axis
    if isinstance(indices, np.ndarray):
        size = imp.shape_of(node, 0)[axis]
        idx = np.where(indices < 0, indices + size, indices).astype(np.int64)
        x = imp.operand(node, 0)
        if idx.ndim == 0:
            y = emit(imp, node, "select.int", [x], t, dim=axis, index=int(idx))[0]
        else:
            flat = idx.reshape(-1)
            shape = list(x.type.get_shape())
            shape[axis] = flat.size
            y = emit(imp, node, "index_select", [x, imp.const(flat, f"{node_name(node)}/indices")],
                     with_shape(x.type, shape), helper=None if idx.ndim == 1 else "select",
                     dim=axis)[0]
            if idx.ndim != 1:
                y = emit(imp, node, "reshape", [y], t, shape=list(t.get_shape()))[0]
        out(imp, node, y)
        return
    if axis != 0:
        raise imp.error(node, "Gather along axis > 0 with run-time indices is not supported")
    w = imp.operand(node, 0)
    out(imp, node, emit(imp, node, "embedding", [w, imp.operand(node, 1)], t)[0])


# -- patterns -------------------------------------------------------------------------------
def find_patterns(imp) -> None:
    """Mark the nodes of each GELU-by-Erf pattern: the last Mul emits `aten.gelu`."""
    nodes = list(imp.graph.node)
    producer = {o: n for n in nodes for o in n.output}
    consumers: dict[str, list] = {}
    for n in nodes:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    graph_outputs = {o.name for o in imp.graph.output}

    def through_qdq(name: str) -> tuple[str, list]:
        """Follow a single-use Q->DQ pair forward: (the tensor after it, the Q/DQ nodes)."""
        skipped = []
        users = consumers.get(name, [])
        if len(users) == 1 and users[0].op_type == "QuantizeLinear":
            q = users[0]
            dq_users = consumers.get(q.output[0], [])
            if len(dq_users) == 1 and dq_users[0].op_type == "DequantizeLinear":
                skipped = [q, dq_users[0]]
                name = dq_users[0].output[0]
        return name, skipped

    def only_user(name: str, op_type: str):
        users = consumers.get(name, [])
        if name in graph_outputs or len(users) != 1 or users[0].op_type != op_type:
            return None
        return users[0]

    def const_value(name: str):
        value = imp.env.get(name)
        node = producer.get(name)
        if value is None and node is not None and node.op_type == "Constant":
            value = imp._evaluate(node, [])[0]
        if value is None and node is not None and node.op_type == "DequantizeLinear":
            # a quantized constant (onnxruntime quantizes the 1 and the 0.5 too)
            src = imp.env.get(node.input[0])
            scale = imp.env.get(node.input[1])
            zp = imp.env.get(node.input[2]) if len(node.input) > 2 else None
            inner = producer.get(node.input[0])
            if src is None and inner is not None and inner.op_type == "QuantizeLinear":
                return const_value(inner.input[0])
            if src is not None and scale is not None:
                zp = 0 if zp is None else zp.astype(np.float32)
                return (src.astype(np.float32) - zp) * scale
        return value

    def other_input(node, name: str) -> str:
        return node.input[1] if node.input[0] == name else node.input[0]

    def is_const(name: str, target: float, tol: float = 2e-3) -> bool:
        v = const_value(name)
        return v is not None and np.size(v) == 1 and abs(float(np.asarray(v).reshape(())) - target) <= tol

    for erf in nodes:
        if erf.op_type != "Erf":
            continue
        div = producer.get(erf.input[0])
        if div is None or div.op_type not in ("Div", "Mul") or only_user(div.output[0], "Erf") is None:
            continue
        x = div.input[0]
        if div.op_type == "Div" and not is_const(div.input[1], math.sqrt(2)):
            continue
        if div.op_type == "Mul" and not is_const(div.input[1], 1 / math.sqrt(2)):
            continue
        t, skip1 = through_qdq(erf.output[0])
        add = only_user(t, "Add")
        if add is None or not is_const(other_input(add, t), 1.0):
            continue
        t, skip2 = through_qdq(add.output[0])
        mul1 = only_user(t, "Mul")
        if mul1 is None or not _same_source(other_input(mul1, t), x, producer):
            continue
        t, skip3 = through_qdq(mul1.output[0])
        mul2 = only_user(t, "Mul")
        if mul2 is None or not is_const(other_input(mul2, t), 0.5):
            continue
        if skip1 or skip2 or skip3:
            # the quantizer rounded the pattern's intermediates: import it op by op, each
            # Q/DQ as the graph has it (Erf lowers to float ops), so that the result is
            # what onnxruntime computes; one GELU would skip those roundings
            continue
        for n in (div, erf, add, mul1):
            imp.skipped.add(node_name(n))
        imp.fused[node_name(mul2)] = _gelu_of(x)


def _same_source(a: str, b: str, producer) -> bool:
    """Whether tensors a and b are the same value (or DQs of the same quantized value)."""
    if a == b:
        return True
    pa, pb = producer.get(a), producer.get(b)
    return (pa is not None and pb is not None and pa.op_type == pb.op_type == "DequantizeLinear"
            and list(pa.input) == list(pb.input))


def _gelu_of(x: str):
    def convert(imp, node):
        value = imp.env[x]
        operand = imp.dequantized(value) if isinstance(value, Quantized) else value
        out(imp, node, emit(imp, node, "gelu", [operand], imp.result_type(node),
                            approximate="none")[0])

    return convert
