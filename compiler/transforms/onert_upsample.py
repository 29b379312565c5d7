"""Exact rewrites of the two upsampling ops onert refuses (`target-legalize`, onert):

- RESIZE_NEAREST_NEIGHBOR by integer factors (fh, fw), without align_corners (what
  torch's `upsample_nearest2d` / `nn.Upsample(mode="nearest")` lowers to): every output
  pixel (fh i + ry, fw j + rx) is a copy of input pixel (i, j), so the result is the
  input repeated by CONCATENATION of copies along a new width axis, then along a new
  height axis, between RESHAPEs (`nearest_as_concat`);
- TRANSPOSE_CONV whose kernel equals its stride, VALID padding (a U-Net's or a
  decoder's `ConvTranspose2d(k, stride=k)`): no two input pixels reach the same output
  pixel, so each output pixel (s i + a, s j + b) is one dot product of input pixel
  (i, j) with filter tap (a, b): a 1x1 CONV_2D with KH KW O output channels (the taps'
  filters side by side, their per-channel parameters and bias repeated), then RESHAPE /
  TRANSPOSE / RESHAPE putting tap (a, b) at its pixel (`transpose_conv_as_conv`).

Both compute exactly what the op computes: the nearest resize copies values (same
parameters in and out), and the convolution sums the same products with the same bias
and requantizes with the same per-channel multipliers (TFLite's transposed convolution
rescales its int32 scratch per output channel as a convolution rescales its
accumulator). Each returns None when done, else why it does not apply.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Attribute, Operation, SSAValue

from compiler.dialects import circle
from compiler.dialects.circle_base import ConstOp, is_none
from compiler.dialects.quant import dense_from_numpy
from compiler.ir.quant_types import UniformQuantizedPerAxisType
from compiler.transforms.utils import constant_of, i32_const, insert_before, shape


def _replace(op: Operation, value: SSAValue) -> None:
    value.name_hint = op.results[0].name_hint
    op.results[0].replace_all_uses_with(value)
    op.detach()
    op.erase()


def _reshape(v: SSAValue, dims: list[int], anchor: Operation) -> SSAValue:
    target = insert_before(i32_const(dims), anchor).results[0]
    return insert_before(circle.ReshapeOp(operands=[v, target], result_types=[
        TensorType(v.type.element_type, dims)]), anchor).results[0]


def _repeat(v: SSAValue, times: int, axis: int, anchor: Operation) -> SSAValue:
    dims = list(shape(v))
    dims[axis] *= times
    return insert_before(circle.ConcatenationOp.from_options(
        [[v] * times], [TensorType(v.type.element_type, dims)], axis=axis), anchor).results[0]


def _transpose(v: SSAValue, perm: list[int], anchor: Operation) -> SSAValue:
    dims = [shape(v)[k] for k in perm]
    p = insert_before(i32_const(perm), anchor).results[0]
    return insert_before(circle.TransposeOp(operands=[v, p], result_types=[
        TensorType(v.type.element_type, dims)]), anchor).results[0]


def nearest_as_concat(op: Operation) -> str | None:
    """RESIZE_NEAREST_NEIGHBOR upsampling [n, h, w, c] by integer factors (fh, fw)
    without align_corners: [n h, 1, w, 1, c] copies (as rank-4 [n h, w, 1, c] and
    [n h, 1, fw w, c]) concatenated fw times, then fh times, reshaped to the output.
    TFLite's source index is floor((d + offset) / f) = floor(d / f) for an integer
    factor f with or without half-pixel centers (offset 0.5 < 1), i.e. a copy."""
    if op.option("align_corners"):
        return "it aligns corners"
    n, h, w, c = shape(op.operands[0])
    out = op.results[0].type
    _, oh, ow, _ = out.get_shape()
    if oh % h or ow % w:
        return "it is not an integer-factor upsampling"
    fh, fw = oh // h, ow // w
    y = _repeat(_reshape(op.operands[0], [n * h, w, 1, c], op), fw, 2, op)
    y = _repeat(_reshape(y, [n * h, 1, ow, c], op), fh, 1, op)
    back = insert_before(circle.ReshapeOp(operands=[y, insert_before(i32_const([n, oh, ow, c]), op).results[0]],
                                    result_types=[out]), op)
    _replace(op, back.results[0])
    return None


def _tiled_type(t: Attribute, times: int, dims: list[int]) -> TensorType:
    """`t` for a constant whose axis 0 is its old axis 0 repeated `times` times."""
    et = t.element_type
    if isinstance(et, UniformQuantizedPerAxisType) and len(et.scales) > 1:
        assert et.quantized_dimension == 0
        et = UniformQuantizedPerAxisType(
            et.storage_type, et.expressed_type, et.quantized_dimension,
            list(et.scales) * times, list(et.zero_points) * times, et.qmin, et.qmax)
    return TensorType(et, dims)


def _const(v: SSAValue, arr: np.ndarray, t: TensorType, anchor: Operation) -> SSAValue:
    storage = v.owner.value.type.element_type
    return insert_before(ConstOp(dense_from_numpy(np.ascontiguousarray(arr), storage), t),
                   anchor).results[0]


def transpose_conv_as_conv(op: Operation) -> str | None:
    """TRANSPOSE_CONV of [n, h, w, i] by OHWI weights [o, kh, kw, i] with strides (kh, kw)
    and VALID padding: CONV_2D 1x1 with filter [(a, b, o), 1, 1, i] = weights[o, a, b, i]
    and bias[(a, b, o)] = bias[o] (per-channel parameters repeated the same way), giving
    [n, h, w, (a, b, o)]; RESHAPE [n h, w, kh, kw o], TRANSPOSE to [n h, kh, w, kw o] and
    RESHAPE [n, kh h, kw w, o] put tap (a, b) of pixel (i, j) at (kh i + a, kw j + b)."""
    _, wv, x, bias = op.operands
    o, kh, kw, ci = shape(wv)
    if (op.stride_h.value.data, op.stride_w.value.data) != (kh, kw):
        return "its strides differ from its kernel size (outputs overlap)"
    if op.padding.data != "VALID":
        return "its padding is not VALID"
    n, h, w, _ = shape(x)
    out = op.results[0].type
    if list(out.get_shape()) != [n, h * kh, w * kw, o]:
        return "its output is not the input upsampled by the strides"
    weights = constant_of(wv)
    if weights is None or (not is_none(bias) and constant_of(bias) is None):
        return "its weights or bias are not constants"
    taps = kh * kw
    filt = _const(wv, weights.transpose(1, 2, 0, 3).reshape(taps * o, 1, 1, ci),
                  _tiled_type(wv.type, taps, [taps * o, 1, 1, ci]), op)
    b = bias if is_none(bias) else _const(bias, np.tile(constant_of(bias), taps),
                                          _tiled_type(bias.type, taps, [taps * o]), op)
    act = op.option("fused_activation_function")
    conv = insert_before(circle.Conv2DOp.from_options(
        [x, filt, b], [TensorType(out.element_type, [n, h, w, taps * o])], padding="VALID",
        stride_h=1, stride_w=1, **({} if act is None else {"fused_activation_function": act})),
        op).results[0]
    y = _transpose(_reshape(conv, [n * h, w, kh, kw * o], op), [0, 2, 1, 3], op)
    back = insert_before(circle.ReshapeOp(operands=[y, insert_before(i32_const([n, h * kh, w * kw, o]),
                                                          op).results[0]],
                                    result_types=[out]), op)
    _replace(op, back.results[0])
    return None
