"""gemmlowp's fixed-point transcendental functions on int32 raw values (numpy int64).

A `FixedPoint<int32, I>` holds `raw / 2^(31 - I)`. Products of two fixed-point values
are `srdhm` of the raws (integer bits add up); `rescale` moves between integer-bit
counts with a saturating shift. These are exactly the functions TFLite's reference
SOFTMAX uses (`exp_on_negative_values`, `one_over_one_plus_x_for_x_in_0_1`,
`GetReciprocal`), transcribed from gemmlowp's `fixedpoint.h`.
"""

from __future__ import annotations

import numpy as np

from compiler.interpreter.fixedpoint import (
    INT32_MAX,
    INT32_MIN,
    rounding_divide_by_pot,
    srdhm,
    wrap_int32,
)


def saturating_rounding_multiply_by_pot(x: np.ndarray, exponent: int) -> np.ndarray:
    """`SaturatingRoundingMultiplyByPOT<exponent>`: x * 2^exponent, saturated / rounded."""
    x = np.asarray(x, dtype=np.int64)
    if exponent == 0:
        return x
    if exponent < 0:
        return rounding_divide_by_pot(x, -exponent)
    threshold = (1 << (31 - exponent)) - 1
    out = wrap_int32(x << exponent)
    out = np.where(x > threshold, INT32_MAX, out)
    return np.where(x < -threshold, INT32_MIN, out)


def rescale(x: np.ndarray, src_bits: int, dst_bits: int) -> np.ndarray:
    """`Rescale<dst_bits>` of a FixedPoint with `src_bits` integer bits."""
    return saturating_rounding_multiply_by_pot(x, src_bits - dst_bits)


def _pot(integer_bits: int, exponent: int) -> int:
    """Raw of `ConstantPOT<exponent>` in a FixedPoint with `integer_bits`."""
    return 1 << (31 - integer_bits + exponent)


def _exp_on_interval_between_negative_one_quarter_and_0_excl(a: np.ndarray) -> np.ndarray:
    constant_term = 1895147668  # exp(-1/8), F0
    constant_1_over_3 = 715827883
    x = wrap_int32(a + _pot(0, -3))
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_over_4 = saturating_rounding_multiply_by_pot(x4, -2)
    poly = saturating_rounding_multiply_by_pot(
        wrap_int32(srdhm(wrap_int32(x4_over_4 + x3), constant_1_over_3) + x2), -1
    )
    return wrap_int32(constant_term + srdhm(constant_term, wrap_int32(x + poly)))


_BARREL = ((-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
           (2, 39332535), (3, 720401), (4, 242))


def exp_on_negative_values(a: np.ndarray, integer_bits: int) -> np.ndarray:
    """`exp_on_negative_values` of a FixedPoint<int32, integer_bits> <= 0 -> F0 raw."""
    a = np.asarray(a, dtype=np.int64)
    fractional = 31 - integer_bits
    one_quarter = _pot(integer_bits, -2)
    mask = one_quarter - 1
    a_mod_quarter_minus_one_quarter = wrap_int32((a & mask) - one_quarter)
    result = _exp_on_interval_between_negative_one_quarter_and_0_excl(
        rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0)
    )
    remainder = wrap_int32(a_mod_quarter_minus_one_quarter - a)
    for exponent, multiplier in _BARREL:
        if integer_bits > exponent:
            shift = fractional + exponent
            result = np.where((remainder & (1 << shift)) != 0, srdhm(result, multiplier), result)
    if integer_bits > 5:
        clamp = -(1 << (36 - integer_bits))
        result = np.where(a < clamp, 0, result)
    return np.where(a == 0, INT32_MAX, result)


def rounding_half_sum(a: np.ndarray, b: int) -> np.ndarray:
    s = np.asarray(a, dtype=np.int64) + b
    s = s + np.where(s >= 0, 1, -1)
    return np.where(s >= 0, s // 2, -((-s) // 2))  # C division truncates


def one_over_one_plus_x_for_x_in_0_1(a: np.ndarray) -> np.ndarray:
    """1 / (1 + a) for an F0 `a` in [0, 1): Newton-Raphson in F2; returns an F0 raw."""
    half_denominator = rounding_half_sum(a, INT32_MAX)
    constant_48_over_17 = 1515870810
    constant_neg_32_over_17 = -1010580540
    x = wrap_int32(constant_48_over_17 + srdhm(half_denominator, constant_neg_32_over_17))
    one_f2 = _pot(2, 0)
    for _ in range(3):
        half_denominator_times_x = srdhm(half_denominator, x)
        one_minus = wrap_int32(one_f2 - half_denominator_times_x)
        x = wrap_int32(x + rescale(srdhm(x, one_minus), 4, 2))
    # ExactMulByPot<-1> keeps the raw and makes it an F1; Rescale<0> shifts left by 1.
    return rescale(x, 1, 0)


def count_leading_zeros_u32(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.int64) & 0xFFFFFFFF
    bits = np.zeros_like(x)
    nz = x > 0
    bits[nz] = np.floor(np.log2(x[nz].astype(np.float64))).astype(np.int64) + 1
    # log2 can round up just below a power of two: fix up exactly
    too_big = nz & ((np.int64(1) << (bits - 1).clip(0)) > x)
    bits = np.where(too_big, bits - 1, bits)
    return 32 - bits


def get_reciprocal(x: np.ndarray, x_integer_digits: int) -> tuple[np.ndarray, np.ndarray]:
    """`GetReciprocal`: (F0 raw of the scaled reciprocal, num_bits_over_unit)."""
    x = np.asarray(x, dtype=np.int64)
    headroom_plus_one = count_leading_zeros_u32(x)
    num_bits_over_unit = x_integer_digits - headroom_plus_one
    shifted = ((x & 0xFFFFFFFF) << headroom_plus_one) & 0xFFFFFFFF
    shifted_sum_minus_one = wrap_int32(shifted - (1 << 31))
    return one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one), num_bits_over_unit
