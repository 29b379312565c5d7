"""TFLite's reference fixed-point arithmetic, vectorized over numpy int64 arrays.

Each function is a transcription of the scalar C++ in TFLite's
`kernels/internal/common.{h,cc}`, `quantization_util.cc` and gemmlowp's
`fixedpoint.h`; values are carried in int64 arrays whose contents stay within
int32 where the C++ uses int32, so that no intermediate overflows silently. The
rounding rules are the C++ ones, and they differ from numpy's:

- `round_half_away` is `TfLiteRound` / `std::round` (ties away from zero);
- `srdhm` (SaturatingRoundingDoublingHighMul) nudges by +-2^30 and then divides
  with C's truncation toward zero;
- `rounding_divide_by_pot` rounds ties away from zero;
- `multiply_by_quantized_multiplier` is the double-rounding variant (the
  default build of LiteRT, i.e. without `TFLITE_SINGLE_ROUNDING`).
"""

from __future__ import annotations

import math

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


def round_half_away(x: float) -> int:
    """`TfLiteRound` on a double: ties away from zero."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def quantize_multiplier(real: float) -> tuple[int, int]:
    """`QuantizeMultiplier`: real = q * 2^(shift - 31), q a 31-bit mantissa in [2^30, 2^31).

    `shift` is positive for a left shift. Multipliers too small for 31 bits of
    right shift become (0, 0); too large ones saturate at shift 30 (as TFLite does).
    """
    if real == 0.0:
        return 0, 0
    if real < 0.0 or not math.isfinite(real):
        raise ValueError(f"cannot quantize the multiplier {real}")
    q, shift = math.frexp(real)
    q_fixed = round_half_away(q * (1 << 31))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return INT32_MAX, 30
    return q_fixed, shift


def wrap_int32(x: np.ndarray) -> np.ndarray:
    """Two's-complement wrap to int32 (what the C++ does when an int32 product overflows)."""
    return ((np.asarray(x, dtype=np.int64) + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def _trunc_div_pow2(x: np.ndarray, bits: int) -> np.ndarray:
    """C integer division by 2^bits (truncation toward zero)."""
    return np.where(x >= 0, x >> bits, -((-x) >> bits))


def srdhm(a, b) -> np.ndarray:
    """`SaturatingRoundingDoublingHighMul(a, b)` on int32 values: round(a * b / 2^31)."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    overflow = (a == b) & (a == INT32_MIN)
    ab = a * b  # |a|, |b| <= 2^31: fits in int64
    nudge = np.where(ab >= 0, np.int64(1 << 30), np.int64(1 - (1 << 30)))
    high = _trunc_div_pow2(ab + nudge, 31)
    return np.where(overflow, np.int64(INT32_MAX), high)


def rounding_divide_by_pot(x, exponent) -> np.ndarray:
    """`RoundingDivideByPOT(x, exponent)`: x / 2^exponent, ties away from zero."""
    x = np.asarray(x, dtype=np.int64)
    exponent = np.asarray(exponent, dtype=np.int64)
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def multiply_by_quantized_multiplier(x, multiplier, shift) -> np.ndarray:
    """`MultiplyByQuantizedMultiplier(int32 x, int32 multiplier, int shift)`.

    `multiplier` and `shift` broadcast against `x` (per-channel rescaling passes one
    entry per output channel). The left shift wraps to int32 like the C++.
    """
    x = np.asarray(x, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    return rounding_divide_by_pot(srdhm(wrap_int32(x << left), multiplier), right)


def multiply_by_quantized_multiplier_int64(x, multiplier, shift) -> np.ndarray:
    """`MultiplyByQuantizedMultiplier(int64 x, int32 multiplier, int shift)` (16x8 kernels).

    TFLite reduces the multiplier to 16 bits (rounded) and applies one rounding
    right shift of `15 - shift` bits, ties toward +infinity.
    """
    x = np.asarray(x, dtype=np.int64)
    multiplier = np.asarray(multiplier, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    reduced = np.where(multiplier < 0x7FFF0000, (multiplier + (1 << 15)) >> 16, 0x7FFF)
    total_shift = 15 - shift
    rounding = np.int64(1) << (total_shift - 1)
    return (x * reduced + rounding) >> total_shift


def multiply_by_quantized_multiplier_single(x, multiplier, shift) -> np.ndarray:
    """`x * M / 2^(31 - shift)` rounded ONCE to the nearest integer, ties away from zero,
    with the full 31-bit multiplier M: how LiteRT's FULLY_CONNECTED rescales its
    accumulator, for 8-bit (int32) and 16x8 (int64) alike.

    Measured against ai-edge-litert 2.3 (BUILTIN_REF): on 256x64 random outputs the
    double-rounding `multiply_by_quantized_multiplier` differs on ~0.2 % of elements,
    those whose exact value is within 2^-shift of a half (acc -16965 at 2.387e-3: exact
    -40.4993, LiteRT -40, double rounding -41; 16x8: acc -3647734, M 1945309759, shift
    -8: exact -12907.4989, LiteRT -12907); with dyadic scales giving exact halves (acc/4),
    LiteRT rounds them away from zero in all three schemes (-1.5 -> -2; ties toward
    +infinity would give -1). The convolutions round twice (8-bit) or use the 16-bit
    reduced multiplier (16x8: `multiply_by_quantized_multiplier_int64`).
    """
    x = np.asarray(x, dtype=np.int64)
    m = np.broadcast_to(np.asarray(multiplier, dtype=np.int64), x.shape)
    total_shift = 31 - np.broadcast_to(np.asarray(shift, dtype=np.int64), x.shape)
    if not x.size or np.abs(x).max() < (1 << 31):  # |x * M| < 2^62: exact in int64
        magnitude = (np.abs(x) * m + (np.int64(1) << (total_shift - 1))) >> total_shift
        return np.sign(x) * magnitude

    # a 48-bit accumulator times a 31-bit multiplier does not fit int64: Python integers
    def one(a: int, q: int, ts: int) -> int:
        r = (abs(a) * q + (1 << (ts - 1))) >> ts
        return -r if a < 0 else r

    flat = [one(int(a), int(q), int(t)) for a, q, t in
            zip(x.ravel(), m.ravel(), total_shift.ravel())]
    return np.array(flat, dtype=np.int64).reshape(x.shape)


def saturate(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Clamp to the range of an integer dtype and convert."""
    info = np.iinfo(dtype)
    return np.clip(x, info.min, info.max).astype(dtype)
