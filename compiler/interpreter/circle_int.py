"""Integer kernels of the circle dialect: CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV,
FULLY_CONNECTED, BATCH_MATMUL, MAX/AVERAGE_POOL_2D, MEAN and SUM.

TFLite's reference integer arithmetic, bit for bit:

    acc  = sum((x - zp_x) * (w - zp_w))          int32; int64 for 16x8
    acc += bias                                  int32 (int64 bias for 16x8)
    y    = MultiplyByQuantizedMultiplier(acc, M[c], shift[c]) + zp_y
    y    = clamp(y, activation range)            CalculateActivationRangeQuantized

with one (M, shift) per output channel when the weights are per-channel
(`reference_integer_ops::ConvPerChannel`, `DepthwiseConvPerChannel`,
`FullyConnectedPerChannel`). Sums are computed exactly in int64; an int32 accumulator
that would overflow is reported instead of wrapped (TFLite's behaviour is undefined).
The 16x8 rescale of the int64 accumulator differs per op in LiteRT (see `_rescale`).
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import NoneType
from xdsl.ir import Operation, SSAValue

from compiler.dialects import circle
from compiler.interpreter import windows
from compiler.interpreter.fixedpoint import (
    INT32_MAX,
    INT32_MIN,
    multiply_by_quantized_multiplier,
    multiply_by_quantized_multiplier_int64,
    multiply_by_quantized_multiplier_single,
    quantize_multiplier,
    saturate,
    wrap_int32,
)
from compiler.interpreter.requant import channel_multipliers, fused_range
from compiler.interpreter.values import f32_scale, per_tensor, quantized, shape_of
from compiler.ir.diagnostics import error_at
from compiler.ir.quant_types import UniformQuantizedPerAxisType


def _is16x8(op: Operation, input: SSAValue) -> bool:
    q = per_tensor(op, input, "the input")
    return q.width == 16


def _is_uint8(op: Operation, input: SSAValue) -> bool:
    """The legacy uint8 kernels derive a per-tensor multiplier with a float32 product."""
    return not per_tensor(op, input, "the input").is_signed


def _weight_zero_points(op: Operation, weights: SSAValue, axis: int, rank: int) -> np.ndarray:
    """The weights' zero points, shaped to broadcast against the weight tensor.

    Per-channel zero points may be nonzero (ONE's asymmetric uint8 per-channel weights,
    which onert runs and TFLite refuses): each channel subtracts its own.
    """
    qw = quantized(weights)
    assert qw is not None
    zps = qw.zero_points
    shape = [1] * rank
    if isinstance(qw, UniformQuantizedPerAxisType):
        if qw.axis.data != axis:
            raise error_at(op, f"weights must be quantized along their output-channel axis "
                               f"{axis}, got axis {qw.axis.data}")
        shape[axis] = -1
    return zps.reshape(shape)


def _check_bias(op: Operation, bias: SSAValue, wide: bool) -> None:
    q = quantized(bias)
    if isinstance(bias.type, NoneType):
        return
    if q is None:
        raise error_at(op, f"a quantized op needs a quantized bias, got {bias.type}")
    allowed = (32, 64) if wide else (32,)
    if q.width not in allowed:
        raise error_at(op, f"bias storage must be i{' or i'.join(map(str, allowed))}, got {q}")


def _rescale(
    op: Operation, acc: np.ndarray, mult, shift, wide: bool, reduced: bool = True
) -> np.ndarray:
    """Accumulator -> output integers: multiplier, output zero point, activation clamp.

    16x8 (`wide`) accumulators are int64; `reduced` picks TFLite's 16-bit reduced
    multiplier (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV) over the full multiplier with
    one rounding (FULLY_CONNECTED), as measured against LiteRT. 8-bit accumulators are
    int32: rounded twice (`MultiplyByQuantizedMultiplier`) for the convolutions, once
    (`reduced=False`: FULLY_CONNECTED) — both measured.
    """
    if wide:
        if acc.size and (acc.min() < -(1 << 47) or acc.max() >= (1 << 47)):
            raise error_at(op, "the int64 accumulator exceeds TFLite's 48-bit range")
        if reduced:
            scaled = multiply_by_quantized_multiplier_int64(acc, mult, shift)
        else:
            scaled = multiply_by_quantized_multiplier_single(acc, mult, shift)
    else:
        if acc.size and (acc.min() < INT32_MIN or acc.max() > INT32_MAX):
            raise error_at(op, "the int32 accumulator overflows (TFLite's result is undefined)")
        if reduced:
            scaled = multiply_by_quantized_multiplier(acc, mult, shift)
        else:
            scaled = multiply_by_quantized_multiplier_single(acc, mult, shift)
    qo = per_tensor(op, op.results[0], "the output")
    lo, hi = fused_range(op)
    y = np.clip(scaled + qo.zero_point.data, lo, hi)
    return saturate(y, qo.numpy_storage_dtype)


def _offsets(op: Operation, x: np.ndarray) -> np.ndarray:
    """The input's integers minus its zero point."""
    qi = per_tensor(op, op.input, "the input")
    return x.astype(np.int64) - qi.zero_point.data


def conv_2d(op: circle.Conv2DOp, x, w, b):
    wide = _is16x8(op, op.input)
    _check_bias(op, op.bias, wide)
    _, kh, kw, ci = w.shape
    xi = _offsets(op, x)
    wi = w.astype(np.int64) - _weight_zero_points(op, op.filter, 0, 4)
    p = windows.patches(xi, kh, kw, (op.stride_h.value.data, op.stride_w.value.data),
                        (op.dilation_h_factor.value.data, op.dilation_w_factor.value.data),
                        op.padding.data, shape_of(op.output)[1:3])
    n, oh, ow, c = p.shape[:4]
    groups = c // ci
    p = p.reshape(n, oh, ow, groups, ci, kh, kw)
    wg = wi.reshape(groups, -1, kh, kw, ci).transpose(0, 1, 4, 2, 3)
    acc = np.einsum("nhwgikl,goikl->nhwgo", p, wg).reshape(n, oh, ow, -1)
    if b is not None:
        acc = acc + b.astype(np.int64)
    mult, shift = channel_multipliers(op, op.input, op.filter, op.output,
                                      per_tensor_f32=_is_uint8(op, op.input))
    return (_rescale(op, acc, mult, shift, wide),)


def depthwise_conv_2d(op: circle.DepthwiseConv2DOp, x, w, b):
    wide = _is16x8(op, op.input)
    _check_bias(op, op.bias, wide)
    _, kh, kw, oc = w.shape
    c = x.shape[3]
    xi = _offsets(op, x)
    wi = w.astype(np.int64) - _weight_zero_points(op, op.filter, 3, 4)
    p = windows.patches(xi, kh, kw, (op.stride_h.value.data, op.stride_w.value.data),
                        (op.dilation_h_factor.value.data, op.dilation_w_factor.value.data),
                        op.padding.data, shape_of(op.output)[1:3])
    acc = np.einsum("nhwckl,klcm->nhwcm", p, wi.reshape(kh, kw, c, oc // c))
    acc = acc.reshape(*p.shape[:3], oc)
    if b is not None:
        acc = acc + b.astype(np.int64)
    mult, shift = channel_multipliers(op, op.input, op.filter, op.output,
                                      per_tensor_f32=_is_uint8(op, op.input))
    return (_rescale(op, acc, mult, shift, wide),)


def fully_connected(op: circle.FullyConnectedOp, x, w, b):
    wide = _is16x8(op, op.input)
    _check_bias(op, op.bias, wide)
    xi = _offsets(op, x).reshape(-1, w.shape[1])
    wi = w.astype(np.int64) - _weight_zero_points(op, op.weights, 0, 2)
    acc = xi @ wi.T
    if b is not None:
        acc = acc + b.astype(np.int64)
    mult, shift = channel_multipliers(op, op.input, op.weights, op.output, per_tensor_f32=True)
    y = _rescale(op, acc, mult, shift, wide, reduced=False)
    return (y.reshape(shape_of(op.output)),)


def sum_(op: circle.SumOp, x, axis):
    """SUM: `MBQM(sum(x) - zp_in * n, s_in / s_out) + zp_out`, TFLite's reference formula
    (`QuantizedMeanOrSum` with compute_sum). LiteRT's BUILTIN_REF runs it bit-exactly for
    uint8 and its optimized kernels for int16, but its reference int8 SUM reads the int8
    bytes as uint8 (a LiteRT bug, pinned in test_interpreter_litert.py)."""
    qi = per_tensor(op, op.input, "the input")
    qo = per_tensor(op, op.output, "the output")
    axes = tuple(sorted({int(a) % x.ndim for a in np.asarray(axis).reshape(-1)}))
    n = int(np.prod([x.shape[a] for a in axes])) if axes else 1
    m, sh = quantize_multiplier(f32_scale(qi) / f32_scale(qo))
    total = x.astype(np.int64).sum(axis=axes, keepdims=True) - qi.zero_point.data * n
    y = multiply_by_quantized_multiplier(wrap_int32(total), m, sh) + qo.zero_point.data
    return (saturate(y, qo.numpy_storage_dtype).reshape(shape_of(op.output)),)


def transpose_conv(op: circle.TransposeConvOp, _output_shape, w, x, b):
    """`reference_integer_ops::TransposeConv`: scatter (x - zp_x) * (w - zp_w) into an
    int32 (int64 for 16x8) scratch, add the bias, rescale per output channel."""
    wide = _is16x8(op, op.input)
    _check_bias(op, op.bias, wide)
    n, oh, ow, oc = shape_of(op.output)
    _, kh, kw, _ = w.shape
    sh, sw = op.stride_h.value.data, op.stride_w.value.data
    ih, iw = x.shape[1:3]
    padding = op.padding.data
    top = windows.pad_before(padding, oh, kh, sh, 1, windows.out_size(padding, oh, kh, sh))
    left = windows.pad_before(padding, ow, kw, sw, 1, windows.out_size(padding, ow, kw, sw))
    xi = _offsets(op, x)
    wi = w.astype(np.int64) - _weight_zero_points(op, op.weights, 0, 4)
    contrib = np.einsum("nhwi,okli->nhwklo", xi, wi)
    full = np.zeros((n, max((ih - 1) * sh + kh, top + oh), max((iw - 1) * sw + kw, left + ow),
                     oc), dtype=np.int64)
    for ky in range(kh):
        for kx in range(kw):
            full[:, ky: ky + (ih - 1) * sh + 1: sh, kx: kx + (iw - 1) * sw + 1: sw] += contrib[
                :, :, :, ky, kx]
    acc = full[:, top: top + oh, left: left + ow]
    if b is not None:
        acc = acc + b.astype(np.int64)
    mult, shift = channel_multipliers(op, op.input, op.weights, op.output,
                                      per_tensor_f32=_is_uint8(op, op.input))
    return (_rescale(op, acc, mult, shift, wide),)


def batch_matmul(op: circle.BatchMatMulOp, a, b):
    """`reference_ops::BatchMatMul` on integers: sum((a - zp_a)(b - zp_b)), one per-tensor
    multiplier `float32(s_a * s_b) / s_out`, output zero point, clamp. int8 accumulates in
    int32; int16 in int64 with TFLite's reduced 16-bit multiplier (measured)."""
    qa = per_tensor(op, op.x, "the lhs")
    qb = per_tensor(op, op.y, "the rhs")
    qo = per_tensor(op, op.output, "the output")
    if qa.storage_spelling not in ("i8", "i16"):
        raise NotImplementedError(f"{op.name}: the {qa.storage_spelling} kernel is not "
                                  "bit-exact yet (LiteRT has int8/int16 only)")
    xa = a.astype(np.int64) - qa.zero_point.data
    xb = b.astype(np.int64) - qb.zero_point.data
    if op.adjoint_lhs.value.data:
        xa = np.swapaxes(xa, -1, -2)
    if op.adjoint_rhs.value.data:
        xb = np.swapaxes(xb, -1, -2)
    acc = np.matmul(xa, xb)
    real = float(np.float32(f32_scale(qa)) * np.float32(f32_scale(qb))) / f32_scale(qo)
    m, sh = quantize_multiplier(real)
    if qa.width == 16:
        if acc.size and (acc.min() < -(1 << 47) or acc.max() >= (1 << 47)):
            raise error_at(op, "the int64 accumulator exceeds TFLite's 48-bit range")
        scaled = multiply_by_quantized_multiplier_int64(acc, m, sh)
    else:
        if acc.size and (acc.min() < INT32_MIN or acc.max() > INT32_MAX):
            raise error_at(op, "the int32 accumulator overflows (TFLite's result is undefined)")
        scaled = multiply_by_quantized_multiplier(acc, m, sh)
    y = scaled + qo.zero_point.data
    return (saturate(y, qo.numpy_storage_dtype).reshape(shape_of(op.output)),)


def _same_pool_qparams(op: Operation) -> None:
    qi = per_tensor(op, op.operands[0], "the input")
    qo = per_tensor(op, op.results[0], "the output")
    if (qi.storage_type, np.float32(qi.scale.data), qi.zero_point.data) != (
        qo.storage_type, np.float32(qo.scale.data), qo.zero_point.data
    ):
        raise error_at(
            op,
            "quantized pooling needs equal input and output qparams (TFLite's kernels "
            f"ignore the output's), got {qi} and {qo}",
        )


def _pool_args(op):
    return (op.filter_height.value.data, op.filter_width.value.data,
            (op.stride_h.value.data, op.stride_w.value.data), op.padding.data,
            shape_of(op.output)[1:3])


def max_pool_2d(op: circle.MaxPool2DOp, x):
    _same_pool_qparams(op)
    kh, kw, stride, padding, out_hw = _pool_args(op)
    lowest = np.iinfo(x.dtype).min
    p = windows.patches(x, kh, kw, stride, (1, 1), padding, out_hw, fill=lowest)
    lo, hi = fused_range(op)
    return (np.clip(p.max(axis=(4, 5)), lo, hi).astype(x.dtype),)


def average_pool_2d(op: circle.AveragePool2DOp, x):
    """Sum of the in-bounds cells, divided rounding half away from zero (C division)."""
    _same_pool_qparams(op)
    kh, kw, stride, padding, out_hw = _pool_args(op)
    p = windows.patches(x.astype(np.int64), kh, kw, stride, (1, 1), padding, out_hw)
    acc = p.sum(axis=(4, 5))
    count = windows.valid_counts(x.shape[1], x.shape[2], kh, kw, stride, padding, out_hw)
    count = count[None, :, :, None]
    half = count // 2
    avg = np.where(acc > 0, (acc + half) // count, -((-acc + half) // count))
    lo, hi = fused_range(op)
    return (np.clip(avg, lo, hi).astype(x.dtype),)


def mean(op: circle.MeanOp, x, axis):
    """`reference_ops::QuantizedMeanOrSum` (compute_sum=false) with its integer rescale.

    The multiplier of `s_in / s_out` absorbs `1 / n` (n = reduced element count):
    `shift = min(floor(log2 n), 32, 31 + shift_out)`, `M' = (M << shift) // n`;
    then `MBQM(sum(x) - zp_in * n, M', shift_out - shift) + zp_out`, clamped to the
    storage range (no fused activation).
    """
    qi = per_tensor(op, op.input, "the input")
    qo = per_tensor(op, op.output, "the output")
    axes = tuple(sorted({int(a) % x.ndim for a in np.asarray(axis).reshape(-1)}))
    n = int(np.prod([x.shape[a] for a in axes])) if axes else 1
    m, sh = quantize_multiplier(f32_scale(qi) / f32_scale(qo))
    shift = min(n.bit_length() - 1, 32, 31 + sh)
    m = (m << shift) // n
    sh -= shift
    total = x.astype(np.int64).sum(axis=axes, keepdims=True) - qi.zero_point.data * n
    y = multiply_by_quantized_multiplier(wrap_int32(total), m, sh) + qo.zero_point.data
    return (saturate(y, qo.numpy_storage_dtype).reshape(shape_of(op.output)),)


#: op class -> integer kernel `(op, *operand arrays) -> tuple of results`.
KERNELS = {
    circle.Conv2DOp: conv_2d,
    circle.DepthwiseConv2DOp: depthwise_conv_2d,
    circle.FullyConnectedOp: fully_connected,
    circle.TransposeConvOp: transpose_conv,
    circle.BatchMatMulOp: batch_matmul,
    circle.MaxPool2DOp: max_pool_2d,
    circle.AveragePool2DOp: average_pool_2d,
    circle.MeanOp: mean,
    circle.SumOp: sum_,
}
