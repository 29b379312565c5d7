"""Kernels of SOFTMAX and LOG_SOFTMAX (`compiler.dialects.circle_activation`), float and
integer: the fixed-point reference kernels are long enough to keep them out of
`circle_activation`.

Float kernels compute in float64 and round to float32 (see `circle_base`). Integer
kernels are what LiteRT's BUILTIN_REF computes, bit for bit:

- SOFTMAX on int8 / uint8 input: TFLite's reference fixed-point kernel (gemmlowp
  `exp_on_negative_values` in Q5.26, sum in Q12.19, `GetReciprocal`), which ignores
  the output qparams: the output type must be the fixed range (scale 1/256, zp at the
  storage minimum), checked here.
- SOFTMAX on int16: TFLite's `SoftmaxInt16` with its two interpolated 513-entry tables
  (`lut.gen_lut`); the output must be scale 1/32768, zero point 0:

      d = MBQM(x - max(x), s_in * beta / (10 / 65535))      [-65535, 0] stands for [-10, 0]
      e = LUT_exp(clamp(d + 32767))                          Q0.15
      S = sum(e);  h = clz(S);  r = LUT_1/(1+x)(((S << (h - 1)) + 2^13 >> 14) - 3 * 2^15)
      y = (e * r + 2^(30 - h)) >> (31 - h), clamped to [0, 32767]

- LOG_SOFTMAX on int8 / uint8 (int8: `reference_integer_ops::LogSoftmax`, uint8:
  `reference_ops::LogSoftmax` on `SoftmaxParams`; both take the parameters of
  `LogSoftmaxPrepare`, and differ only in the storage range):

  - per row (the last dimension), the differences to the row maximum are scaled to
    Q5.26 with `PreprocessLogSoftmaxScalingExp(beta=1, input_scale, 5)`; differences
    below `-CalculateInputRadius(5, left_shift)` are left out of the sum;
  - the sum of gemmlowp `exp_on_negative_values` in Q12.19, its log in Q5.26
    (`log_x_ge_1`, below);
  - elements whose difference is not above `max(diff_min - 1, (log_sum - 2^31) / scale)`
    (the reverse scaling) take the storage minimum; the others `(diff - log_sum) / 2^22`
    rounded, plus the zero point, clamped.

  The output qparams are not read by the kernel: the output type must be TFLite's fixed
  range (scale 16/256, zero point at the storage maximum), checked here as LiteRT's
  Prepare does. int16 has no LOG_SOFTMAX kernel in LiteRT: refused.
"""

from __future__ import annotations

import math

import numpy as np
from xdsl.interpreter import InterpreterFunctions

from compiler.dialects import circle
from compiler.interpreter.circle_base import (
    FLOAT,
    INTEGER,
    float_result,
    kernel,
    register_kernels,
)
from compiler.interpreter.fixedpoint import (
    INT32_MAX,
    INT32_MIN,
    count_leading_zeros_u32,
    exp_on_negative_values,
    get_reciprocal,
    multiply_by_quantized_multiplier,
    one_over_one_plus_x_for_x_in_0_1,
    quantize_multiplier,
    rescale,
    rounding_divide_by_pot,
    rounding_half_sum,
    srdhm,
    wrap_int32,
)
from compiler.interpreter.lut import gen_lut, generic_int16_table_lookup
from compiler.interpreter.values import eight_bit_io, f32_scale, per_tensor
from compiler.ir.diagnostics import error_at


@register_kernels
class CircleSoftmaxFunctions(InterpreterFunctions):
    """SOFTMAX and LOG_SOFTMAX, float and integer."""

    @kernel(circle.SoftmaxOp, on=FLOAT)
    def softmax_float(op: circle.SoftmaxOp, x):
        z = x.astype(np.float64) * op.beta.value.data
        z = np.exp(z - z.max(axis=-1, keepdims=True))
        return (float_result(op, z / z.sum(axis=-1, keepdims=True)),)

    @kernel(circle.SoftmaxOp, on=INTEGER)
    def softmax_int(op: circle.SoftmaxOp, x):
        """`reference_ops::Softmax` for 8-bit inputs (gemmlowp fixed point); int16 inputs
        take `SoftmaxInt16` (`_softmax16`)."""
        if per_tensor(op, op.input, "the input").width == 16:
            return _softmax16(op, x)
        qi, qo = eight_bit_io(op)
        out_info = np.iinfo(qo.numpy_storage_dtype)
        if f32_scale(qo) != 1.0 / 256 or qo.zero_point.data != out_info.min:
            raise error_at(
                op, f"the quantized output must be scale 1/256, zero point {out_info.min}; got {qo}"
            )
        beta = float(np.float32(op.beta.value.data))
        real = min(beta * f32_scale(qi) * (1 << (31 - _SCALED_DIFF_INTEGER_BITS)), (1 << 31) - 1.0)
        multiplier, left_shift = quantize_multiplier(real)
        if left_shift < 0:
            raise NotImplementedError(f"{op.name}: input scale * beta too small for the kernel")
        radius = math.floor(
            ((1 << _SCALED_DIFF_INTEGER_BITS) - 1) * (1 << (31 - _SCALED_DIFF_INTEGER_BITS))
            / (1 << left_shift)
        )
        diff_min = -radius
        xi = x.astype(np.int64)
        diff = xi - xi.max(axis=-1, keepdims=True)
        use = diff >= diff_min
        rescaled = srdhm(wrap_int32(diff << left_shift), multiplier)
        exps = exp_on_negative_values(rescaled, _SCALED_DIFF_INTEGER_BITS)
        terms = rescale(exps, 0, _ACCUMULATION_INTEGER_BITS)
        sum_of_exps = wrap_int32(np.where(use, terms, 0).sum(axis=-1, keepdims=True))
        shifted_scale, num_bits_over_unit = get_reciprocal(sum_of_exps, _ACCUMULATION_INTEGER_BITS)
        unsat = rounding_divide_by_pot(srdhm(shifted_scale, exps), num_bits_over_unit + 31 - 8)
        out = np.clip(unsat + int(out_info.min), out_info.min, out_info.max)
        out = np.where(use, out, out_info.min)
        return (out.astype(qo.numpy_storage_dtype),)

    @kernel(circle.LogSoftmaxOp, on=FLOAT)
    def log_softmax_float(op: circle.LogSoftmaxOp, x):
        z = x.astype(np.float64)
        z = z - z.max(axis=-1, keepdims=True)
        return (float_result(op, z - np.log(np.exp(z).sum(axis=-1, keepdims=True))),)

    @kernel(circle.LogSoftmaxOp, on=INTEGER)
    def log_softmax_int(op: circle.LogSoftmaxOp, x):
        qi = per_tensor(op, op.operands[0], "the input")
        qo = per_tensor(op, op.results[0], "the output")
        if qi.width != 8 or qo.width != 8:
            raise NotImplementedError(
                f"{op.name}: LiteRT has no {qi.storage_spelling} LOG_SOFTMAX kernel "
                "(only int8/uint8)"
            )
        info = np.iinfo(qo.numpy_storage_dtype)
        if f32_scale(qo) != 16.0 / 256 or qo.zero_point.data != info.max:
            raise error_at(
                op, f"the quantized output must be scale 16/256, zero point {info.max}; got {qo}"
            )
        multiplier, left_shift, rev_multiplier, rev_shift, diff_min = _prepare(op, f32_scale(qi))

        xi = x.astype(np.int64)
        diff = xi - xi.max(axis=-1, keepdims=True)
        # differences below diff_min would overflow the left shift: clamp them before scaling
        # (they are masked out of the sum and of the output anyway)
        in_range = diff >= diff_min
        scaled = multiply_by_quantized_multiplier(np.where(in_range, diff, 0), multiplier,
                                                  left_shift)
        exps = rescale(exp_on_negative_values(scaled, _INPUT_BITS), 0, _ACCUM_BITS)
        sum_of_exps = wrap_int32(np.where(in_range, exps, 0).sum(axis=-1, keepdims=True))
        log_sum = log_x_ge_1(sum_of_exps, _ACCUM_BITS, _INPUT_BITS)

        # the smallest Q5.26 value plus log_sum, back in input steps: below it, diff - log_sum
        # would not be representable
        reverse = multiply_by_quantized_multiplier(
            wrap_int32(log_sum + INT32_MIN), rev_multiplier, rev_shift
        )
        adjusted_diff_min = np.maximum(diff_min - 1, reverse)
        out = rounding_divide_by_pot(
            wrap_int32(scaled - log_sum), 31 - _INPUT_BITS - _OUTPUT_BITS
        ) + int(info.max)
        out = np.clip(out, info.min, info.max)
        out = np.where(diff > adjusted_diff_min, out, info.min)
        return (out.astype(qo.numpy_storage_dtype),)


# -- SOFTMAX, 8-bit -------------------------------------------------------------------------

_SCALED_DIFF_INTEGER_BITS = 5
_ACCUMULATION_INTEGER_BITS = 12


# -- SOFTMAX, int16 -------------------------------------------------------------------------

_EXP_LUT = gen_lut(math.exp, -10.0, 0.0, -1.0, 1.0)
_RECIPROCAL_LUT = gen_lut(lambda v: 1.0 / (1.0 + v), 0.0, 1.0, -1.0, 1.0)


def _softmax16(op: circle.SoftmaxOp, x):
    qi = per_tensor(op, op.input, "the input")
    qo = per_tensor(op, op.output, "the output")
    if qo.zero_point.data != 0 or f32_scale(qo) != 1.0 / 32768:
        raise error_at(op, f"the int16 output must be scale 1/32768, zero point 0; got {qo}")
    real = f32_scale(qi) * float(np.float32(op.beta.value.data)) / (10.0 / 65535.0)
    m, shift = quantize_multiplier(real)
    xi = x.astype(np.int64)
    diff = xi - xi.max(axis=-1, keepdims=True)
    scaled = multiply_by_quantized_multiplier(diff, m, shift)
    e = generic_int16_table_lookup(np.clip(scaled + 32767, -32768, 32767), _EXP_LUT)
    total = e.sum(axis=-1, keepdims=True)
    h = count_leading_zeros_u32(total)
    shifted = ((total << (h - 1)) + (1 << 13)) >> 14
    r = generic_int16_table_lookup(np.clip(shifted - ((1 << 15) + (1 << 16)), -32768, 32767),
                                   _RECIPROCAL_LUT)
    right = 31 - h
    y = (e * r + (np.int64(1) << (right - 1))) >> right
    return (np.clip(y, 0, 32767).astype(np.int16),)


# -- LOG_SOFTMAX ----------------------------------------------------------------------------

_INPUT_BITS = 5  # Q5.26 differences: exp(-16) is negligible next to the row maximum
_ACCUM_BITS = 12  # Q12.19 sum: room for 2^12 terms of at most 1
_OUTPUT_BITS = 4  # the output's 16/256 scale: [-16, 0) in 256 steps


def _mul_pot(x: np.ndarray, exponent: np.ndarray | int) -> np.ndarray:
    """`SaturatingRoundingMultiplyByPOTParam` for exponents >= 0 (a saturating left
    shift); the exponent may differ per element."""
    x = np.asarray(x, dtype=np.int64)
    e = np.asarray(exponent, dtype=np.int64)
    threshold = (np.int64(1) << (31 - e)) - 1
    out = wrap_int32(x << e)
    out = np.where(x > threshold, INT32_MAX, out)
    return np.where(x < -threshold, INT32_MIN, out)


def _saturate32(x: np.ndarray) -> np.ndarray:
    return np.clip(x, INT32_MIN, INT32_MAX)


def log_x_ge_1(x: np.ndarray, input_bits: int, output_bits: int) -> np.ndarray:
    """`log_x_for_x_greater_than_or_equal_to_1<output_bits>` of a Q(input_bits) raw: the
    raw of log(x) in Q(output_bits), TFLite's `common.h` arithmetic step by step.

    x = 2^k * m is split twice (m in [1/2, 1) and in [sqrt(1/2), sqrt 2)), the pair
    whose mantissa is closer to 2^-1/4 is kept, and log(m) comes from a rational
    approximation around it; k * log 2 is added in an accumulator with one more
    integer bit.
    """
    x = np.asarray(x, dtype=np.int64)
    accum_bits = output_bits + 1
    log_2, sqrt_sqrt_half, sqrt_half = 1488522236, 1805811301, 1518500250
    alpha_n, alpha_d, alpha_i, alpha_f = 117049297, 127690142, 1057819769, 638450708
    shifted_quarter = int(rescale(np.int64(1 << 29), 0, accum_bits))  # 1/4

    # reading the raw as Q0.31: the normalizing shift is found from the leading zeros
    z_a_headroom_plus_1 = count_leading_zeros_u32(x)
    r_a_tmp = _mul_pot(x, z_a_headroom_plus_1 - 1)
    r_a = _mul_pot(srdhm(r_a_tmp, sqrt_half), 1)
    z_a_pow_2_adj = _saturate32(
        _mul_pot(input_bits - z_a_headroom_plus_1, 31 - accum_bits) + shifted_quarter
    )
    z_b = srdhm(x, sqrt_half)
    z_b_headroom = count_leading_zeros_u32(z_b) - 1
    r_b = _mul_pot(x, z_b_headroom)
    z_b_pow_2_adj = _saturate32(
        _mul_pot(input_bits - z_b_headroom, 31 - accum_bits) - shifted_quarter
    )
    r = np.minimum(r_a, r_b)
    z_pow_2_adj = np.maximum(z_a_pow_2_adj, z_b_pow_2_adj)

    # Q0.31 arithmetic: FixedPoint + and - wrap, * is SaturatingRoundingDoublingHighMul
    p = rounding_half_sum(r, sqrt_sqrt_half)
    q = wrap_int32(r - sqrt_sqrt_half)
    q = wrap_int32(q + q)
    common_sq = srdhm(q, q)
    num = wrap_int32(srdhm(q, r) + srdhm(srdhm(q, common_sq), alpha_n))
    denom_minus_one = wrap_int32(
        srdhm(p, wrap_int32(alpha_i + q + srdhm(alpha_d, common_sq))) + srdhm(alpha_f, q)
    )
    recip_denom = one_over_one_plus_x_for_x_in_0_1(denom_minus_one)
    num_scaled = rescale(num, 0, accum_bits)
    total = wrap_int32(srdhm(z_pow_2_adj, log_2) + srdhm(num_scaled, recip_denom))
    return rescale(total, accum_bits, output_bits)


def _prepare(op: circle.LogSoftmaxOp, input_scale: float) -> tuple[int, int, int, int, int]:
    """`LogSoftmaxPrepare`: (input multiplier, left shift, reverse multiplier, reverse
    shift (<= 0, a right shift), diff_min)."""
    real = min(input_scale * (1 << (31 - _INPUT_BITS)), (1 << 31) - 1.0)
    multiplier, left_shift = quantize_multiplier(real)
    # TFLite aborts (QuantizeMultiplierGreaterThanOne / SmallerThanOneExp checks) or shifts
    # by 31 (undefined) outside these bounds, i.e. scales < 2^-25 or >= 16: nothing to match.
    if not 2.0 <= real < 2.0**30 or not 1 <= left_shift <= 30:
        raise NotImplementedError(
            f"{op.name}: input scale {input_scale} out of the range LiteRT's kernel accepts"
        )
    reverse_real = (1 << (31 - left_shift)) / multiplier
    reverse_multiplier, reverse_shift = quantize_multiplier(reverse_real)
    if reverse_real >= 1.0 or reverse_shift > 0:
        raise NotImplementedError(
            f"{op.name}: input scale {input_scale} out of the range LiteRT's kernel accepts"
        )
    radius = math.floor(
        ((1 << _INPUT_BITS) - 1) * (1 << (31 - _INPUT_BITS)) / (1 << left_shift)
    )
    return multiplier, left_shift, reverse_multiplier, reverse_shift, -radius
