"""Convolutions, fully-connected and matrix products."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import NoneType
from xdsl.ir import Operation, SSAValue

from compiler.dialects import circle, quant
from compiler.dialects.quant import dense_from_numpy
from compiler.ir.hybrid import DYNAMIC_ATTR
from compiler.ir.quant_types import UniformQuantizedPerAxisType, make_quantized_type
from compiler.transforms.legalize import (
    QUANTIZER_TABLES,
    Emitter,
    legalizes,
    nhwc_type,
    result_type,
)
from compiler.transforms.legalize.dynamic import hybrid_linear
from compiler.transforms.utils import (
    constant_of,
    dequantized_constant_of,
    element_type,
    quantized_const,
    shape,
    with_shape,
)


def _bias(em: Emitter, b: SSAValue) -> SSAValue:
    return em.none() if isinstance(b.type, NoneType) else b


#: what conv2d_nchw builds: the convolution (or its depthwise form) and layout helpers
_CONV_2D = (circle.Conv2DOp, circle.DepthwiseConv2DOp, circle.PadOp, circle.TransposeOp)


def padding_mode(
    in_size: int, k: int, s: int, d: int, before: int, after: int, out: int
) -> str | None:
    """"VALID" or "SAME" when Circle's padding rule gives exactly these pads, else None."""
    eff = (k - 1) * d + 1
    if before == 0 and after == 0 and out == (in_size - eff) // s + 1:
        return "VALID"
    same_out = math.ceil(in_size / s)
    total = max((same_out - 1) * s + eff - in_size, 0)
    if (before, after) == (total // 2, total - total // 2) and out == same_out:
        return "SAME"
    return None


def _torch_same_pads(k: int, d: int) -> tuple[int, int]:
    total = d * (k - 1)
    return total // 2, total - total // 2


def conv2d_nchw(
    em: Emitter,
    x: SSAValue,
    w: SSAValue,
    b: SSAValue,
    stride: Sequence[int],
    pads: Sequence[tuple[int, int]],
    dilation: Sequence[int],
    groups: int,
    out_nchw,
) -> SSAValue:
    """A 2-D convolution of NCHW `x` by OIHW `w` as CONV_2D or DEPTHWISE_CONV_2D (NHWC)."""
    _, c, h, wd = shape(x)
    o, i, kh, kw = shape(w)
    _, _, ho, wo = out_nchw.get_shape()
    mode_h = padding_mode(h, kh, stride[0], dilation[0], *pads[0], ho)
    mode_w = padding_mode(wd, kw, stride[1], dilation[1], *pads[1], wo)
    xn = em.to_nhwc(x)
    if mode_h is None or mode_w is None or mode_h != mode_w:
        # Explicit zero padding (the zero point once quantized), then VALID.
        paddings = em.i32([[0, 0], list(pads[0]), list(pads[1]), [0, 0]])
        padded = [shape(xn)[0], h + sum(pads[0]), wd + sum(pads[1]), c]
        xn = em.op(circle.PadOp, [xn, paddings], with_shape(xn.type, padded))
        mode = "VALID"
    else:
        mode = mode_h
    options = dict(
        padding=mode,
        stride_h=stride[0],
        stride_w=stride[1],
        dilation_h_factor=dilation[0],
        dilation_w_factor=dilation[1],
    )
    out_nhwc = nhwc_type(out_nchw)
    if groups == 1 or (groups != c or i != 1):
        # Grouped convolution is CONV_2D with filter channels = C / groups.
        wf = em.relayout(w, (0, 2, 3, 1))  # OIHW -> OHWI
        y = em.op(circle.Conv2DOp, [xn, wf, _bias(em, b)], out_nhwc, **options)
    else:
        wf = em.relayout(w, (1, 2, 3, 0))  # [C*m, 1, kh, kw] -> 1HWC (per-axis 0 -> 3)
        y = em.op(
            circle.DepthwiseConv2DOp, [xn, wf, _bias(em, b)], out_nhwc,
            depth_multiplier=o // c, **options,
        )
    return em.to_nchw(y)


def _pads_from(padding, kernel: Sequence[int], dilation: Sequence[int]):
    if isinstance(padding, str):
        if padding == "valid":
            return [(0, 0)] * len(kernel)
        return [_torch_same_pads(k, d) for k, d in zip(kernel, dilation)]
    return [(p, p) for p in padding]


@legalizes("aten.conv2d", "aten.conv2d.padding", produces=_CONV_2D)
def conv2d(op: Operation, em: Emitter):
    x, w, b = op.operands
    kernel = shape(w)[2:]
    dilation = op.arg("dilation")
    pads = _pads_from(op.arg("padding"), kernel, dilation)
    return [
        conv2d_nchw(em, x, w, b, op.arg("stride"), pads, dilation, op.arg("groups"),
                    result_type(op))
    ]


@legalizes("aten.conv1d", "aten.conv1d.padding", produces=(*_CONV_2D, circle.ReshapeOp))
def conv1d(op: Operation, em: Emitter):
    """NCW conv as a 2-D conv over [N, C, 1, W] (H = 1)."""
    x, w, b = op.operands
    n, c, wd = shape(x)
    o, i, k = shape(w)
    dilation = op.arg("dilation")
    (pad,) = _pads_from(op.arg("padding"), [k], dilation)
    x4 = em.reshape(x, [n, c, 1, wd])
    w4 = em.reshape_const_or_value(w, [o, i, 1, k])
    out = result_type(op)
    out4 = with_shape(out, [n, o, 1, out.get_shape()[2]])
    y = conv2d_nchw(em, x4, w4, b, [1, op.arg("stride")[0]], [(0, 0), pad],
                    [1, dilation[0]], op.arg("groups"), out4)
    return [em.reshape(y, out.get_shape())]


@legalizes("aten.convolution", produces=QUANTIZER_TABLES)
def convolution(op: Operation, em: Emitter):
    x, w, b = op.operands
    if op.arg("transposed"):
        return _transpose_conv(op, em, x, w, b, op.arg("stride"), op.arg("padding"),
                               op.arg("output_padding"), op.arg("groups"), op.arg("dilation"))
    rank = len(shape(x))
    dilation = op.arg("dilation")
    pads = [(p, p) for p in op.arg("padding")]
    if rank == 4:
        return [conv2d_nchw(em, x, w, b, op.arg("stride"), pads, dilation,
                            op.arg("groups"), result_type(op))]
    raise em.error(f"{rank - 2}-D convolution has no Circle lowering yet")


@legalizes("aten.conv_transpose2d.input",
           produces=(circle.TransposeConvOp, circle.SliceOp, circle.TransposeOp))
def conv_transpose2d(op: Operation, em: Emitter):
    x, w, b = op.operands
    return _transpose_conv(op, em, x, w, b, op.arg("stride"), op.arg("padding"),
                           op.arg("output_padding"), op.arg("groups"), op.arg("dilation"))


def _transpose_conv(op, em: Emitter, x, w, b, stride, padding, output_padding, groups, dilation):
    """TRANSPOSE_CONV with SAME or VALID padding; torch's other paddings are the VALID
    result (size (in - 1) * s + k) cropped to rows [p, p + out) by a SLICE."""
    if groups != 1 or any(d != 1 for d in dilation):
        raise em.error("transposed convolution with groups or dilation has no Circle lowering")
    _, _, h, wd = shape(x)
    _, _, kh, kw = shape(w)
    out = result_type(op)
    n, co, ho, wo = out.get_shape()
    dims = ((h, kh, stride[0], padding[0], ho), (wd, kw, stride[1], padding[1], wo))
    modes = set()
    for size, k, s, p, o in dims:
        if p == 0 and o == (size - 1) * s + k:
            modes.add("VALID")
        elif k - s == 2 * p and o == size * s:
            modes.add("SAME")
        else:
            modes.add(None)
    wf = em.relayout(w, (1, 2, 3, 0))  # IOHW -> OHWI (per-axis 1 -> 0)
    xn = em.to_nhwc(x)
    options = dict(stride_h=stride[0], stride_w=stride[1])
    if len(modes) == 1 and None not in modes:
        y = em.op(circle.TransposeConvOp, [em.i32([n, ho, wo, co]), wf, xn, _bias(em, b)],
                  nhwc_type(out), padding=modes.pop(), **options)
        return [em.to_nchw(y)]
    full = [(size - 1) * s + k for size, k, s, _, _ in dims]
    if any(p + o > f for (_, _, _, p, o), f in zip(dims, full)):
        raise em.error(
            f"transposed convolution with padding {list(padding)} and output_padding "
            f"{list(output_padding)} reaches past the VALID result; no Circle lowering"
        )
    full_t = with_shape(nhwc_type(out), [n, full[0], full[1], co])
    y = em.op(circle.TransposeConvOp, [em.i32([n, full[0], full[1], co]), wf, xn, _bias(em, b)],
              full_t, padding="VALID", **options)
    y = em.op(circle.SliceOp, [y, em.i32([0, padding[0], padding[1], 0]), em.i32([n, ho, wo, co])],
              nhwc_type(out))
    return [em.to_nchw(y)]


@legalizes("aten.linear", produces=(circle.FullyConnectedOp, circle.ReshapeOp))
def linear(op: Operation, em: Emitter):
    if DYNAMIC_ATTR in op.attributes:  # dynamic quantization: hybrid FULLY_CONNECTED
        return hybrid_linear(op, em)
    x, w, b = op.operands
    return [_fully_connected(em, x, w, _bias(em, b), result_type(op))]


def _fully_connected(em: Emitter, x: SSAValue, w: SSAValue, b: SSAValue, out) -> SSAValue:
    rank = len(shape(x))
    if rank == 1:
        x2 = em.reshape(x, [1, shape(x)[0]])
        y = em.op(circle.FullyConnectedOp, [x2, w, b], with_shape(out, [1, out.get_shape()[0]]))
        return em.reshape(y, out.get_shape())
    return em.op(circle.FullyConnectedOp, [x, w, b], out, keep_num_dims=rank > 2)


def _is_constant(v: SSAValue) -> bool:
    return constant_of(v) is not None or dequantized_constant_of(v) is not None


@legalizes("aten.matmul", "aten.mm", "aten.bmm",
           produces=(circle.FullyConnectedOp, circle.BatchMatMulOp))
def matmul(op: Operation, em: Emitter):
    a, b = op.operands
    out = result_type(op)
    if len(shape(b)) == 2 and len(shape(a)) >= 2 and _is_constant(b):
        # x @ B with a constant B is a fully-connected layer with weights B^T.
        return [_fully_connected(em, a, em.relayout(b, (1, 0)), em.none(), out)]
    if len(shape(a)) < 2 or len(shape(b)) < 2:
        raise em.error("matrix products of 1-D operands have no Circle lowering yet")
    return [em.op(circle.BatchMatMulOp, [a, b], out)]


@legalizes("aten.addmm", produces=QUANTIZER_TABLES)
def addmm(op: Operation, em: Emitter):
    """beta * bias + alpha * (m1 @ m2), m2 constant: FULLY_CONNECTED. alpha is folded into
    the weights exactly (quantized: the same stored integers with every scale times
    |alpha|; a negative alpha negates the integers of a symmetric weight), beta into the
    bias, which becomes a float constant beta * bias that `quantize-bias` quantizes to
    the FULLY_CONNECTED's bias scale (s_in * alpha * s_w)."""
    bias, m1, m2 = op.operands
    if len(shape(bias)) != 1:
        raise em.error("addmm with a non-vector bias has no Circle lowering")
    alpha, beta = float(op.arg("alpha")), float(op.arg("beta"))
    if (alpha, beta) != (1.0, 1.0):
        if not _is_constant(m2) or alpha == 0:
            raise em.error(f"addmm with alpha={op.arg('alpha')} has no Circle lowering "
                           "unless the second matrix is a constant and alpha != 0")
        m2 = _scaled_constant(em, m2, alpha)
        if beta != 1.0:
            bias = _scaled_bias(em, bias, beta)
    return [_fully_connected(em, m1, em.relayout(m2, (1, 0)), bias, result_type(op))]


def _scaled_constant(em: Emitter, w: SSAValue, alpha: float) -> SSAValue:
    """`alpha * w` for a constant `w` (float: the values; quantized: the scales)."""
    values = constant_of(w)
    if values is not None:  # a float constant
        scaled = (values.astype(np.float32) * np.float32(alpha)).astype(np.float32)
        return em.emit(circle.ConstOp(dense_from_numpy(scaled, element_type(w)))).results[0]
    stored_v = w.owner.input
    stored, qt = constant_of(stored_v), element_type(stored_v)
    per_axis = isinstance(qt, UniformQuantizedPerAxisType)
    scales = np.asarray(qt.scales if per_axis else [qt.scale.data], np.float64)
    zps = np.asarray(qt.zero_points if per_axis else [qt.zero_point.data], np.int64)
    if alpha < 0:
        if zps.any() or qt.qmin != -qt.qmax:
            raise em.error(f"addmm with alpha={alpha} and an asymmetric weight type {qt} has "
                           "no exact Circle lowering")
        stored = -stored.astype(np.int64)
    new_scales = [float(np.float32(s * abs(alpha))) for s in scales]
    if per_axis:
        nt = make_quantized_type(qt.storage_spelling, new_scales, zps, axis=qt.quantized_dimension,
                                 qmin=qt.qmin, qmax=qt.qmax)
    else:
        nt = make_quantized_type(qt.storage_spelling, new_scales[0], int(zps[0]), qmin=qt.qmin,
                                 qmax=qt.qmax)
    c = em.emit(quantized_const(np.asarray(stored).astype(nt.numpy_storage_dtype), nt))
    return em.emit(quant.DequantizeCastOp(c.results[0], w.type)).results[0]


def _scaled_bias(em: Emitter, b: SSAValue, beta: float) -> SSAValue:
    """`beta * b` as a float constant (its real values; quantize-bias quantizes it)."""
    values = constant_of(b)
    if values is None:
        values = dequantized_constant_of(b)
    if values is None:
        raise em.error(f"addmm with beta={beta} needs a constant bias")
    scaled = (values.astype(np.float64) * beta).astype(np.float32)
    return em.emit(circle.ConstOp(dense_from_numpy(scaled, b.type.element_type))).results[0]
