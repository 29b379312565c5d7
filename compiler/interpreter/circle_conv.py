"""Kernels of the convolution, matrix product and pooling ops of `compiler.dialects.circle`:
CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, FULLY_CONNECTED (float, integer and hybrid),
BATCH_MATMUL, MAX_POOL_2D and AVERAGE_POOL_2D (NHWC, TFLite's layouts and options).

Float kernels accumulate in float64 (see `circle_base`). The integer kernels are
TFLite's reference integer arithmetic, bit for bit:

    acc  = sum((x - zp_x) * (w - zp_w))          int32; int64 for 16x8
    acc += bias                                  int32 (int64 bias for 16x8)
    y    = MultiplyByQuantizedMultiplier(acc, M[c], shift[c]) + zp_y
    y    = clamp(y, activation range)            CalculateActivationRangeQuantized

except FULLY_CONNECTED, whose reference kernel rescales in double:
`y = round(double(acc) * (double(s_in) * double(s_w[c]) / double(s_out))) + zp_y`.

with one (M, shift) per output channel when the weights are per-channel
(`reference_integer_ops::ConvPerChannel`, `DepthwiseConvPerChannel`,
`FullyConnectedPerChannel`). Sums are computed exactly in int64; an int32 accumulator
that would overflow is reported instead of wrapped (TFLite's behaviour is undefined).
The 16x8 rescale of the int64 accumulator differs per op in LiteRT (see `_rescale`).

Hybrid FULLY_CONNECTED (float input, int8 weights, float bias and output) is TFLite's
`EvalHybrid` (fully_connected.cc) with `asymmetric_quantize_inputs`, in its portable
arithmetic (`PortableAsymmetricQuantizeFloats`,
`PortableMatrixBatchVectorMultiplyAccumulate`):

1. the output starts as the bias (or zeros); an all-zero input leaves it there;
2. each batch row is quantized on its own: `rmin = min(0, min x)`, `rmax = max(0, max x)`
   in double; the zero point is `qmin - rmin / scale` or `qmax - rmax / scale` with the
   double `scale = (rmax - rmin) / 255`, whichever has the smaller error term, clamped
   and rounded; the row's scale is `float32(rmax - rmin) / 255` in float32 (computing it
   in double and rounding differs by an ulp from LiteRT, measured);
   `q = clamp(round_half_away(float32(zp + x * float32(1 / float32(scale)))), -128, 127)`
   (a row of zeros: scale 1, zero point 0);
3. the row's scaling factor `float32(scale) * w_scale` (per channel: times
   `w_scale[o]` per output row instead of the tensor scale), in float32;
4. `acc = sum(w * q) - zp * sum(w)` in int32; `out += float32(acc) * factor` in float32;
5. the fused activation on the float result.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import NoneType
from xdsl.interpreter import InterpreterFunctions
from xdsl.ir import Operation, SSAValue

from compiler.dialects import circle
from compiler.interpreter import windows
from compiler.interpreter.circle_base import (
    FLOAT,
    HYBRID,
    INTEGER,
    apply_activation,
    float_result,
    kernel,
    register_kernels,
)
from compiler.interpreter.fixedpoint import (
    INT32_MAX,
    INT32_MIN,
    channel_multipliers,
    fully_connected_scales,
    fused_range,
    multiply_by_quantized_multiplier,
    multiply_by_quantized_multiplier_int64,
    quantize_multiplier,
    round_scaled_in_double,
    saturate,
)
from compiler.interpreter.values import f32_scale, per_tensor, quantized, shape_of
from compiler.ir.diagnostics import error_at
from compiler.ir.quant_types import UniformQuantizedPerAxisType


@register_kernels
class CircleConvFunctions(InterpreterFunctions):
    """CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, FULLY_CONNECTED, BATCH_MATMUL, pooling."""

    @kernel(circle.Conv2DOp, on=FLOAT)
    def conv_2d_float(op: circle.Conv2DOp, x, w, b):
        _, kh, kw, ci = w.shape
        out_hw = shape_of(op.output)[1:3]
        p = windows.patches(x.astype(np.float64), kh, kw, _stride(op), _dilation(op),
                            op.padding.data, out_hw)
        n, oh, ow, c = p.shape[:4]
        groups = c // ci
        p = p.reshape(n, oh, ow, groups, ci, kh, kw)
        wg = w.astype(np.float64).reshape(groups, -1, kh, kw, ci)
        wt = wg.transpose(0, 1, 4, 2, 3)
        y = np.einsum("nhwgikl,goikl->nhwgo", p, wt).reshape(n, oh, ow, -1)
        if b is not None:
            y = y + b
        return (float_result(op, y),)

    @kernel(circle.Conv2DOp, on=INTEGER)
    def conv_2d_int(op: circle.Conv2DOp, x, w, b):
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

    @kernel(circle.DepthwiseConv2DOp, on=FLOAT)
    def depthwise_conv_2d_float(op: circle.DepthwiseConv2DOp, x, w, b):
        _, kh, kw, oc = w.shape
        c = x.shape[3]
        p = windows.patches(x.astype(np.float64), kh, kw, _stride(op), _dilation(op),
                            op.padding.data, shape_of(op.output)[1:3])
        wm = w.astype(np.float64).reshape(kh, kw, c, oc // c)
        y = np.einsum("nhwckl,klcm->nhwcm", p, wm).reshape(*p.shape[:3], oc)
        if b is not None:
            y = y + b
        return (float_result(op, y),)

    @kernel(circle.DepthwiseConv2DOp, on=INTEGER)
    def depthwise_conv_2d_int(op: circle.DepthwiseConv2DOp, x, w, b):
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

    @kernel(circle.TransposeConvOp, on=FLOAT)
    def transpose_conv_float(op: circle.TransposeConvOp, _output_shape, w, x, b):
        """Scatter each input cell through the OHWI filter (TFLite's reference order)."""
        n, oh, ow, oc = shape_of(op.output)
        _, kh, kw, _ = w.shape
        sh, sw = _stride(op)
        ih, iw = x.shape[1:3]
        top = windows.pad_before(op.padding.data, oh, kh, sh, 1, ih)
        left = windows.pad_before(op.padding.data, ow, kw, sw, 1, iw)
        full = np.zeros((n, (ih - 1) * sh + kh, (iw - 1) * sw + kw, oc))
        contrib = np.einsum("nhwi,okli->nhwklo", x.astype(np.float64), w.astype(np.float64))
        for ky in range(kh):
            for kx in range(kw):
                full[:, ky: ky + (ih - 1) * sh + 1: sh, kx: kx + (iw - 1) * sw + 1: sw] += contrib[
                    :, :, :, ky, kx
                ]
        y = full[:, top: top + oh, left: left + ow]
        if y.shape[1] < oh or y.shape[2] < ow:
            y = np.pad(y, ((0, 0), (0, oh - y.shape[1]), (0, ow - y.shape[2]), (0, 0)))
        if b is not None:
            y = y + b
        return (float_result(op, y),)

    @kernel(circle.TransposeConvOp, on=INTEGER)
    def transpose_conv_int(op: circle.TransposeConvOp, _output_shape, w, x, b):
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

    @kernel(circle.FullyConnectedOp, on=FLOAT)
    def fully_connected_float(op: circle.FullyConnectedOp, x, w, b):
        y = x.reshape(-1, w.shape[1]).astype(np.float64) @ w.astype(np.float64).T
        if b is not None:
            y = y + b
        return (float_result(op, y.reshape(shape_of(op.output))),)

    @kernel(circle.FullyConnectedOp, on=INTEGER)
    def fully_connected_int(op: circle.FullyConnectedOp, x, w, b):
        wide = _is16x8(op, op.input)
        _check_bias(op, op.bias, wide)
        xi = _offsets(op, x).reshape(-1, w.shape[1])
        wi = w.astype(np.int64) - _weight_zero_points(op, op.weights, 0, 2)
        acc = xi @ wi.T
        if b is not None:
            acc = acc + b.astype(np.int64)
        # the reference kernel accumulates in its bias type: int32 unless the bias is int64
        qb = quantized(op.bias)
        _check_accumulator(op, acc, wide and (qb is None or qb.width == 64))
        scaled = round_scaled_in_double(acc, fully_connected_scales(op, op.input, op.weights,
                                                                    op.output))
        if scaled.size and (scaled.min() < INT32_MIN or scaled.max() > INT32_MAX):
            raise error_at(op, "the rescaled accumulator exceeds int32 (TFLite's "
                               "`static_cast<int32_t>(round(...))` is undefined)")
        y = _finish(op, scaled)
        return (y.reshape(shape_of(op.output)),)

    @kernel(circle.FullyConnectedOp, on=HYBRID)
    def fully_connected_hybrid(op: circle.FullyConnectedOp, x, w, b):
        if not op.asymmetric_quantize_inputs.value.data:
            raise NotImplementedError(f"{op.name}: hybrid kernel with symmetric input "
                                      "quantization is not implemented")
        qw = quantized(op.weights)
        if qw is None or qw.storage_spelling != "i8" or qw.zero_points.any():
            raise error_at(op, "hybrid FULLY_CONNECTED needs int8 symmetric weights")
        units, depth = w.shape
        rows = np.asarray(x, np.float32).reshape(-1, depth)
        wi = w.astype(np.int32)
        w_scales = qw.scales.astype(np.float32)
        per_channel = len(w_scales) > 1
        row_sums = wi.sum(axis=1)
        out = np.zeros((rows.shape[0], units), np.float32)
        if b is not None:
            out[:] = np.asarray(b, np.float32)
        if np.any(rows != 0):  # TFLite skips an all-zero input entirely
            for r, row in enumerate(rows):
                q, scale, zp = asymmetric_quantize_row(row)
                if per_channel:
                    factor = (scale * w_scales).astype(np.float32)
                else:
                    factor = np.full(units, np.float32(scale * w_scales[0]), np.float32)
                acc = (wi @ q - row_sums * zp).astype(np.int64)
                out[r] = (out[r] + (acc.astype(np.float32) * factor).astype(np.float32)).astype(
                    np.float32)
        y = apply_activation(op, out).astype(np.float32)
        return (y.reshape(shape_of(op.output)),)

    @kernel(circle.BatchMatMulOp, on=FLOAT)
    def batch_matmul_float(op: circle.BatchMatMulOp, a, b):
        a = np.swapaxes(a, -1, -2) if op.adjoint_lhs.value.data else a
        b = np.swapaxes(b, -1, -2) if op.adjoint_rhs.value.data else b
        return (float_result(op, _sequential_f32_matmul(a, b)),)

    @kernel(circle.BatchMatMulOp, on=INTEGER)
    def batch_matmul_int(op: circle.BatchMatMulOp, a, b):
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

    @kernel(circle.MaxPool2DOp, on=FLOAT)
    def max_pool_2d_float(op: circle.MaxPool2DOp, x):
        kh, kw, stride, padding, out_hw = _pool_args(op)
        p = windows.patches(x, kh, kw, stride, (1, 1), padding, out_hw, fill=-np.inf)
        return (float_result(op, p.max(axis=(4, 5))),)

    @kernel(circle.MaxPool2DOp, on=INTEGER)
    def max_pool_2d_int(op: circle.MaxPool2DOp, x):
        _same_pool_qparams(op)
        kh, kw, stride, padding, out_hw = _pool_args(op)
        lowest = np.iinfo(x.dtype).min
        p = windows.patches(x, kh, kw, stride, (1, 1), padding, out_hw, fill=lowest)
        lo, hi = fused_range(op)
        return (np.clip(p.max(axis=(4, 5)), lo, hi).astype(x.dtype),)

    @kernel(circle.AveragePool2DOp, on=FLOAT)
    def average_pool_2d_float(op: circle.AveragePool2DOp, x):
        kh, kw, stride, padding, out_hw = _pool_args(op)
        p = windows.patches(x.astype(np.float64), kh, kw, stride, (1, 1), padding, out_hw)
        counts = windows.valid_counts(x.shape[1], x.shape[2], kh, kw, stride, padding, out_hw)
        return (float_result(op, p.sum(axis=(4, 5)) / counts[None, :, :, None]),)

    @kernel(circle.AveragePool2DOp, on=INTEGER)
    def average_pool_2d_int(op: circle.AveragePool2DOp, x):
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


# -- shared by the float and integer kernels ------------------------------------------------

def _stride(op) -> tuple[int, int]:
    return op.stride_h.value.data, op.stride_w.value.data


def _dilation(op) -> tuple[int, int]:
    return op.dilation_h_factor.value.data, op.dilation_w_factor.value.data


def _pool_args(op):
    return (op.filter_height.value.data, op.filter_width.value.data,
            (op.stride_h.value.data, op.stride_w.value.data), op.padding.data,
            shape_of(op.output)[1:3])


# -- integer helpers ------------------------------------------------------------------------

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
    op: Operation, acc: np.ndarray, mult, shift, wide: bool
) -> np.ndarray:
    """Accumulator -> output integers: multiplier, output zero point, activation clamp.

    16x8 (`wide`) accumulators are int64, rescaled with TFLite's 16-bit reduced
    multiplier (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV); 8-bit accumulators are
    int32, rounded twice (`MultiplyByQuantizedMultiplier`) — both measured against
    LiteRT. FULLY_CONNECTED does not come here: its reference kernel rescales in double
    (`round_scaled_in_double`).
    """
    _check_accumulator(op, acc, wide)
    if wide:
        scaled = multiply_by_quantized_multiplier_int64(acc, mult, shift)
    else:
        scaled = multiply_by_quantized_multiplier(acc, mult, shift)
    return _finish(op, scaled)


def _check_accumulator(op: Operation, acc: np.ndarray, wide: bool) -> None:
    """An accumulator TFLite would overflow is reported, not wrapped (undefined in C++)."""
    if wide:
        if acc.size and (acc.min() < -(1 << 47) or acc.max() >= (1 << 47)):
            raise error_at(op, "the int64 accumulator exceeds TFLite's 48-bit range")
    elif acc.size and (acc.min() < INT32_MIN or acc.max() > INT32_MAX):
        raise error_at(op, "the int32 accumulator overflows (TFLite's result is undefined)")


def _finish(op: Operation, scaled: np.ndarray) -> np.ndarray:
    """Rescaled accumulator + output zero point, clamped to the fused activation."""
    qo = per_tensor(op, op.results[0], "the output")
    lo, hi = fused_range(op)
    y = np.clip(scaled + qo.zero_point.data, lo, hi)
    return saturate(y, qo.numpy_storage_dtype)


def _offsets(op: Operation, x: np.ndarray) -> np.ndarray:
    """The input's integers minus its zero point."""
    qi = per_tensor(op, op.input, "the input")
    return x.astype(np.int64) - qi.zero_point.data


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


# -- hybrid helpers -------------------------------------------------------------------------

def _round_half_away(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def asymmetric_quantize_row(row: np.ndarray) -> tuple[np.ndarray, np.float32, int]:
    """`PortableAsymmetricQuantizeFloats` on one row: (int8 values, scale, zero point)."""
    qmin, qmax = -128.0, 127.0
    rmin = float(min(0.0, float(row.min())))
    rmax = float(max(0.0, float(row.max())))
    if rmin == rmax:
        return np.zeros(row.shape, np.int32), np.float32(1.0), 0
    scale = (rmax - rmin) / (qmax - qmin)
    zp_from_min = qmin - rmin / scale
    zp_from_max = qmax - rmax / scale
    err_min = abs(qmin) + abs(rmin / scale)
    err_max = abs(qmax) + abs(rmax / scale)
    zp_double = zp_from_min if err_min < err_max else zp_from_max
    if zp_double <= qmin:
        zp = -128
    elif zp_double >= qmax:
        zp = 127
    else:
        zp = int(_round_half_away(np.float64(zp_double)))
    scale32 = np.float32(np.float32(rmax - rmin) / np.float32(qmax - qmin))  # TFLite: float
    inv = np.float32(1.0) / scale32
    v = np.float32(zp) + row.astype(np.float32) * inv  # float32 arithmetic, as in C++
    q = np.clip(_round_half_away(v.astype(np.float32)), qmin, qmax).astype(np.int32)
    return q, scale32, zp


def _sequential_f32_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`reference_ops::BatchMatMul` on float32 (batch_matmul.h): per output element
    `total += lhs[k] * rhs[k]` for k = 0..K-1 in float32, each product rounded to float32
    before the sum (no fused multiply-add); batch dims broadcast. A float64 matmul
    rounded once differs by 1-2 ulps on most elements of a transformer's attention."""
    a = np.asarray(a, np.float32)
    b = np.asarray(b, np.float32)
    total = np.zeros(np.broadcast_shapes(a.shape[:-1] + (1,), b.shape[:-2] + (1, b.shape[-1])),
                     np.float32)
    for k in range(a.shape[-1]):
        total += a[..., :, k:k + 1] * b[..., k:k + 1, :]
    return total
