"""Integer kernels of the circle dialect: element-wise arithmetic, casts, ReLUs.

Transcriptions of TFLite's reference kernels:

- ADD / SUB (`AddElementwise`, `SubElementwise`): both inputs are moved to a common
  scale `2 * max(s1, s2)` after a left shift of 20 bits (8-bit) or 15 bits (int16),
  each by its own multiplier, summed, and rescaled to the output;
- MUL: `(x1 - zp1) * (x2 - zp2)` rescaled by `s1 * s2 / s_out` (a float32 ratio);
- QUANTIZE float -> int: `round_half_away(x / scale) + zp` (a float32 division, NOT
  torch's multiply by the reciprocal with ties to even: the two differ on ties);
  int -> int: `MultiplyByQuantizedMultiplier(x - zp_in, s_in / s_out) + zp_out`;
- DEQUANTIZE: `float(double(scale) * (x - zp))`;
- RELU / RELU6 / RELU_N1_TO_1 (`QuantizedReluX`): requantize by `s_in / s_out`
  (a float32 division) and clamp to the activation's bounds;
- LEAKY_RELU: one multiplier for x >= 0 (`s_in / s_out`), one for x < 0
  (`s_in * alpha / s_out`), both computed in float32; PRELU likewise with a quantized
  alpha tensor (the alpha of an int16 PRELU is int8).

All results are clamped to the activation range and saturated to the storage dtype.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation

from compiler.dialects import circle
from compiler.interpreter.fixedpoint import (
    multiply_by_quantized_multiplier,
    quantize_multiplier,
    round_half_away,
    saturate,
    srdhm,
    wrap_int32,
)
from compiler.interpreter.requant import fused_range, ratio_multiplier
from compiler.interpreter.values import f32_scale, per_tensor, quantized, shape_of
from compiler.ir.diagnostics import error_at
from compiler.ir.quant_types import UniformQuantizedPerAxisType


def _io(op: Operation):
    """(lhs, rhs, output) per-tensor types of a binary op, all of one storage type."""
    q1 = per_tensor(op, op.lhs, "the lhs")
    q2 = per_tensor(op, op.rhs, "the rhs")
    qo = per_tensor(op, op.output, "the output")
    if not (q1.storage_type == q2.storage_type == qo.storage_type):
        raise error_at(op, f"operands and result must share the storage type: {q1}, {q2}, {qo}")
    if q1.width == 16 and (q1.zero_point.data or q2.zero_point.data or qo.zero_point.data):
        raise error_at(op, "int16 operands and result must have zero point 0")
    return q1, q2, qo


def _finish(op: Operation, y: np.ndarray) -> tuple[np.ndarray]:
    qo = per_tensor(op, op.results[0], "the output")
    lo, hi = fused_range(op)
    y = saturate(np.clip(y, lo, hi), qo.numpy_storage_dtype)
    return (np.broadcast_to(y, shape_of(op.results[0])).copy(),)


def _add_sub(op: circle.AddOp | circle.SubOp, a, b, sign: int):
    q1, q2, qo = _io(op)
    if q1.width == 16 and op.pot_scale_int16.value.data:
        raise NotImplementedError(
            f"{op.name}: the power-of-two int16 variant (pot_scale_int16) is not bit-exact yet"
        )
    left_shift = 15 if q1.width == 16 else 20
    s1, s2, so = f32_scale(q1), f32_scale(q2), f32_scale(qo)
    twice_max = 2.0 * max(s1, s2)
    m1, sh1 = quantize_multiplier(s1 / twice_max)
    m2, sh2 = quantize_multiplier(s2 / twice_max)
    mo, sho = quantize_multiplier(twice_max / ((1 << left_shift) * so))
    x1 = (a.astype(np.int64) - q1.zero_point.data) << left_shift
    x2 = (b.astype(np.int64) - q2.zero_point.data) << left_shift
    y1 = multiply_by_quantized_multiplier(x1, m1, sh1)
    y2 = multiply_by_quantized_multiplier(x2, m2, sh2)
    raw = multiply_by_quantized_multiplier(y1 + sign * y2, mo, sho) + qo.zero_point.data
    return _finish(op, raw)


def add(op: circle.AddOp, a, b):
    return _add_sub(op, a, b, +1)


def sub(op: circle.SubOp, a, b):
    return _add_sub(op, a, b, -1)


def squared_difference(op: circle.SquaredDifferenceOp, a, b):
    """SQUARED_DIFFERENCE (int8): both inputs shifted left 7 bits and rescaled to
    `2 * max(s1, s2)`, their difference squared, rescaled by `(2 max)^2 / (2^14 s_out)`.
    LiteRT has no uint8/int16 kernel to check against: those are refused."""
    q1, q2, qo = _io(op)
    if q1.storage_spelling != "i8":
        raise NotImplementedError(f"{op.name}: the {q1.storage_spelling} kernel is not "
                                  "bit-exact yet (only int8 is implemented)")
    left_shift = 7
    s1, s2, so = f32_scale(q1), f32_scale(q2), f32_scale(qo)
    twice_max = 2.0 * max(s1, s2)
    m1, sh1 = quantize_multiplier(s1 / twice_max)
    m2, sh2 = quantize_multiplier(s2 / twice_max)
    mo, sho = quantize_multiplier(twice_max * twice_max / ((1 << (2 * left_shift)) * so))
    y1 = multiply_by_quantized_multiplier((a.astype(np.int64) - q1.zero_point.data) << left_shift,
                                          m1, sh1)
    y2 = multiply_by_quantized_multiplier((b.astype(np.int64) - q2.zero_point.data) << left_shift,
                                          m2, sh2)
    raw = multiply_by_quantized_multiplier((y1 - y2) ** 2, mo, sho) + qo.zero_point.data
    return _finish(op, raw)


def _count_leading_sign_bits(x: np.ndarray) -> np.ndarray:
    from compiler.interpreter.gemmlowp import count_leading_zeros_u32

    x = np.asarray(x, dtype=np.int64)
    return np.where(x >= 0, count_leading_zeros_u32(x), count_leading_zeros_u32(~x)) - 1


def division_total_shift(op: circle.DivOp, a, b) -> tuple[np.ndarray, ...]:
    """The pieces of TFLite's `DivElementwise`: (numerator, 1/denominator as a Q0.31
    multiplier, the total shift, output multiplier). Exposed for tests: LiteRT's result
    is undefined where the total right shift exceeds 31 bits."""
    from compiler.interpreter.gemmlowp import get_reciprocal

    q1, q2, qo = _io(op)
    f32 = np.float32
    real = float(f32(f32_scale(q1)) / (f32(f32_scale(q2)) * f32(f32_scale(qo))))
    m, sh = quantize_multiplier(real)
    x1 = a.astype(np.int64) - q1.zero_point.data
    x2 = b.astype(np.int64) - q2.zero_point.data
    if x2.size and (x2 == 0).any():
        raise error_at(op, "division by zero (a divisor equals its zero point)")
    x1, x2 = np.broadcast_arrays(np.where(x2 < 0, -x1, x1), np.abs(x2))
    inverse, recip_shift = get_reciprocal(x2, 31)
    headroom = _count_leading_sign_bits(x1)
    return x1, inverse, headroom, sh - recip_shift - headroom, m


def div(op: circle.DivOp, a, b):
    """DIV (uint8, int8, int16): TFLite's `DivElementwise`: the denominator's reciprocal as
    a fixed-point multiplier (`GetReciprocal`), the numerator shifted left by its headroom,
    both rescaled by `s1 / (s2 * s_out)` (float32). Where the total right shift exceeds 31
    bits (small numerator, large denominator) TFLite's C++ is undefined and LiteRT returns
    garbage; this kernel shifts exactly. int8 and int16 run the same arithmetic in LiteRT
    (measured bit-exact, test_ops_end_to_end's div cases)."""
    per_tensor(op, op.lhs, "the lhs")
    qo = per_tensor(op, op.output, "the output")
    x1, inverse, headroom, total_shift, m = division_total_shift(op, a, b)
    quotient = srdhm(wrap_int32(x1 << headroom), inverse)
    return _finish(op, multiply_by_quantized_multiplier(quotient, m, total_shift)
                   + qo.zero_point.data)


def _quantize_per_axis(qo: UniformQuantizedPerAxisType, x) -> np.ndarray:
    """float -> per-channel (a runtime weight that is a model input): TFLite's
    `PerChannelQuantize`, each channel's `TfLiteRound(x / scale) + zp` in float32."""
    shape = [1] * x.ndim
    shape[qo.quantized_dimension] = -1
    scales = qo.scales.astype(np.float32).reshape(shape)
    zps = np.asarray(qo.zero_points, np.float64).reshape(shape)
    r = x.astype(np.float32) / scales
    q = np.sign(r) * np.floor(np.abs(r) + np.float32(0.5))
    info = np.iinfo(qo.numpy_storage_dtype)
    return np.clip(q.astype(np.float64) + zps, info.min, info.max).astype(qo.numpy_storage_dtype)


def mul(op: circle.MulOp, a, b):
    """MUL: `(x1 - zp1) * (x2 - zp2)` rescaled by `s1 * s2 / s_out`, that ratio computed
    in float32 as TFLite's Prepare does (`input1->params.scale * input2->params.scale /
    output->params.scale`, float operands) before `QuantizeMultiplier`. Computed in
    double, the 31-bit multiplier differs in its last bit for some scales, and the
    result by one step on about 1 element in 10k (measured with int16 and broadcast
    shapes against LiteRT 2.3's BUILTIN_REF; test_interpreter_litert's
    test_mul_multiplier_in_float32)."""
    q1, q2, qo = _io(op)
    f32 = np.float32
    real = float(f32(f32(f32_scale(q1)) * f32(f32_scale(q2))) / f32(f32_scale(qo)))
    m, sh = quantize_multiplier(real)
    prod = (a.astype(np.int64) - q1.zero_point.data) * (b.astype(np.int64) - q2.zero_point.data)
    return _finish(op, multiply_by_quantized_multiplier(prod, m, sh) + qo.zero_point.data)


def quantize(op: circle.QuantizeOp, x):
    qi = quantized(op.input)
    qo_any = quantized(op.output)
    if qi is None and isinstance(qo_any, UniformQuantizedPerAxisType):
        return (_quantize_per_axis(qo_any, x),)
    qo = per_tensor(op, op.output, "the output")
    if qi is None:  # float -> int: AffineQuantize
        scale = np.float32(f32_scale(qo))
        r = x.astype(np.float32) / scale
        q = np.sign(r) * np.floor(np.abs(r) + np.float32(0.5))  # TfLiteRound in float
        y = q.astype(np.float64) + qo.zero_point.data
        info = np.iinfo(qo.numpy_storage_dtype)
        return (np.clip(y, info.min, info.max).astype(qo.numpy_storage_dtype),)
    qi = per_tensor(op, op.input, "the input")
    m, sh = quantize_multiplier(f32_scale(qi) / f32_scale(qo))
    y = multiply_by_quantized_multiplier(x.astype(np.int64) - qi.zero_point.data, m, sh)
    return (saturate(y + qo.zero_point.data, qo.numpy_storage_dtype),)


def dequantize(op: circle.DequantizeOp, x):
    q = quantized(op.input)
    if q is None:
        raise error_at(op, f"the input must be quantized, got {op.input.type}")
    from compiler.interpreter.values import f32_scales

    scales, zps = f32_scales(q), q.zero_points
    if scales.size > 1:
        shape = [1] * x.ndim
        shape[q.axis.data] = -1
        scales, zps = scales.reshape(shape), zps.reshape(shape)
    else:
        scales, zps = scales[0], zps[0]
    return ((scales * (x.astype(np.float64) - zps)).astype(np.float32),)


def _relu_x(op: Operation, x, act_min: float, act_max: float | None):
    qi = per_tensor(op, op.operands[0], "the input")
    qo = per_tensor(op, op.results[0], "the output")
    m, sh = ratio_multiplier(f32_scale(qi), f32_scale(qo), in_float32=True)
    info = np.iinfo(qo.numpy_storage_dtype)
    so, zp = np.float32(f32_scale(qo)), qo.zero_point.data
    lo = max(int(info.min), zp + round_half_away(float(np.float32(act_min) / so)))
    hi = int(info.max) if act_max is None else min(
        int(info.max), zp + round_half_away(float(np.float32(act_max) / so)))
    y = multiply_by_quantized_multiplier(x.astype(np.int64) - qi.zero_point.data, m, sh) + zp
    return (np.clip(y, lo, hi).astype(qo.numpy_storage_dtype),)


def relu(op: circle.ReluOp, x):
    return _relu_x(op, x, 0.0, None)


def relu6(op: circle.Relu6Op, x):
    return _relu_x(op, x, 0.0, 6.0)


def relu_n1_to_1(op: circle.ReluN1To1Op, x):
    return _relu_x(op, x, -1.0, 1.0)


def leaky_relu(op: circle.LeakyReluOp, x):
    qi = per_tensor(op, op.input, "the input")
    qo = per_tensor(op, op.output, "the output")
    s_in, s_out = np.float32(f32_scale(qi)), np.float32(f32_scale(qo))
    alpha = np.float32(op.alpha.value.data)
    m_id, sh_id = quantize_multiplier(float(s_in / s_out))
    m_a, sh_a = quantize_multiplier(float(s_in * alpha / s_out))
    d = x.astype(np.int64) - qi.zero_point.data
    pos = multiply_by_quantized_multiplier(d, m_id, sh_id)
    neg = multiply_by_quantized_multiplier(d, m_a, sh_a)
    y = np.where(d >= 0, pos, neg) + qo.zero_point.data
    return (saturate(y, qo.numpy_storage_dtype),)


def prelu(op: circle.PReluOp, x, alpha):
    """PRELU (uint8, int8, int16): x >= 0 rescaled by `s_in / s_out`, else
    `(x - zp)(a - zp_a)` by `s_in * s_a / s_out` (float32 products, as TFLite's Prepare).

    TFLite reads alpha with the input's storage type for uint8/int8, and as int8 for an
    int16 input (the 16x8 kernel `BroadcastPrelu4DSlow<int16_t, int8_t>`; an int16 alpha
    would be read byte by byte): any other alpha storage is refused."""
    qi = per_tensor(op, op.input, "the input")
    qa = per_tensor(op, op.alpha, "alpha")
    qo = per_tensor(op, op.output, "the output")
    alpha_storage = {"u8": "u8", "i8": "i8", "i16": "i8"}.get(qi.storage_spelling)
    if alpha_storage is None:
        raise NotImplementedError(f"{op.name}: the {qi.storage_spelling} kernel is not "
                                  "bit-exact yet (only uint8/int8/int16 are implemented)")
    if qa.storage_spelling != alpha_storage:
        raise error_at(op, f"a {qi.storage_spelling} PRELU needs a {alpha_storage} alpha "
                           f"(TFLite reads alpha as {alpha_storage}), got {qa}")
    s_in, s_a, s_out = (np.float32(f32_scale(q)) for q in (qi, qa, qo))
    m1, sh1 = quantize_multiplier(float(s_in / s_out))
    m2, sh2 = quantize_multiplier(float(s_in * s_a / s_out))
    d = x.astype(np.int64) - qi.zero_point.data
    a = alpha.astype(np.int64) - qa.zero_point.data
    y = np.where(d >= 0, multiply_by_quantized_multiplier(d, m1, sh1),
                 multiply_by_quantized_multiplier(d * a, m2, sh2))
    return (saturate(y + qo.zero_point.data, qo.numpy_storage_dtype),)


def abs_(op: circle.AbsOp, x):
    """ABS (int8, int16): `|x - zp_in|` requantized by `s_in / s_out` (TFLite's
    `AbsEvalQuantized`)."""
    qi = per_tensor(op, op.input, "the input")
    qo = per_tensor(op, op.output, "the output")
    if qi.storage_spelling not in ("i8", "i16"):
        raise NotImplementedError(f"{op.name}: the {qi.storage_spelling} kernel is not "
                                  "bit-exact yet (LiteRT has int8/int16 only)")
    m, sh = quantize_multiplier(f32_scale(qi) / f32_scale(qo))
    d = np.abs(x.astype(np.int64) - qi.zero_point.data)
    y = multiply_by_quantized_multiplier(d, m, sh) + qo.zero_point.data
    return (saturate(y, qo.numpy_storage_dtype),)


def neg(op: circle.NegOp, x):
    """NEG (int8, int16): TFLite negates the stored integers and ignores the qparams, so
    it is only meaningful (and only accepted here) with zero points 0 and equal scales;
    the storage minimum wraps to itself, as in TFLite."""
    qi = per_tensor(op, op.input, "the input")
    qo = per_tensor(op, op.output, "the output")
    if qi.storage_spelling not in ("i8", "i16") or qi.storage_type != qo.storage_type:
        raise NotImplementedError(f"{op.name}: the {qi.storage_spelling} kernel is not "
                                  "bit-exact yet (LiteRT has int8/int16 only)")
    if qi.zero_point.data or qo.zero_point.data or f32_scale(qi) != f32_scale(qo):
        raise error_at(op, "a quantized NEG needs zero points 0 and equal scales (TFLite "
                           f"negates the integers), got {qi} and {qo}")
    bits = qi.width
    y = -x.astype(np.int64)
    y = ((y + (1 << (bits - 1))) & ((1 << bits) - 1)) - (1 << (bits - 1))
    return (y.astype(qo.numpy_storage_dtype),)


#: op class -> integer kernel `(op, *operand arrays) -> tuple of results`.
KERNELS = {
    circle.AddOp: add,
    circle.SubOp: sub,
    circle.MulOp: mul,
    circle.DivOp: div,
    circle.SquaredDifferenceOp: squared_difference,
    circle.QuantizeOp: quantize,
    circle.DequantizeOp: dequantize,
    circle.ReluOp: relu,
    circle.Relu6Op: relu6,
    circle.ReluN1To1Op: relu_n1_to_1,
    circle.LeakyReluOp: leaky_relu,
    circle.PReluOp: prelu,
    circle.AbsOp: abs_,
    circle.NegOp: neg,
}


