"""TFLite's fixed-point arithmetic, and the multipliers its kernels derive at Prepare time.

Three layers, each a transcription of the scalar C++ vectorized over numpy int64 arrays
whose contents stay within int32 where the C++ uses int32, so that no intermediate
overflows silently:

- **Rounding and multipliers** (TFLite's `kernels/internal/common.{h,cc}`,
  `quantization_util.cc`): the rounding rules are the C++ ones, and they differ from
  numpy's:

  - `round_half_away` is `TfLiteRound` / `std::round` (ties away from zero);
  - `srdhm` (SaturatingRoundingDoublingHighMul) nudges by +-2^30 and then divides
    with C's truncation toward zero;
  - `rounding_divide_by_pot` rounds ties away from zero;
  - `multiply_by_quantized_multiplier` is the double-rounding variant (the
    default build of LiteRT, i.e. without `TFLITE_SINGLE_ROUNDING`).

- **gemmlowp's fixed-point functions** (`fixedpoint.h`) on int32 raw values. A
  `FixedPoint<int32, I>` holds `raw / 2^(31 - I)`. Products of two fixed-point values
  are `srdhm` of the raws (integer bits add up); `rescale` moves between integer-bit
  counts with a saturating shift. These are exactly the functions TFLite's reference
  SOFTMAX and LOG_SOFTMAX use (`exp_on_negative_values`,
  `one_over_one_plus_x_for_x_in_0_1`, `GetReciprocal`).

- **Requantization parameters** (`kernel_util.cc` and the per-op `Prepare`):
  activation ranges and per-channel multipliers read from the IR's quantized types,
  including where TFLite multiplies in float32 and where in double: those choices
  change the 31-bit multiplier in rare cases, and with it the last bit of the output.
"""

from __future__ import annotations

import math

import numpy as np
from xdsl.ir import Operation, SSAValue

from compiler.interpreter.values import f32_scale, f32_scales, per_tensor, quantized
from compiler.ir.diagnostics import error_at
from compiler.ir.quant_types import UniformQuantizedType

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


# -- rounding and multipliers ---------------------------------------------------------------

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


def round_scaled_in_double(acc, effective) -> np.ndarray:
    """`round(double(acc) * effective)`, ties away from zero: how LiteRT's reference
    FULLY_CONNECTED (`reference_integer_ops::FullyConnected[PerChannel]`,
    `reference_ops::FullyConnected`; "requant in float", LiteRT since April 2025, in
    ai-edge-litert 2.3) rescales its accumulator, for uint8, int8 and 16x8 alike.

    `effective` is `fully_connected_scales`: one double per output channel (broadcast
    against `acc`). The accumulator (int32, or int64 within 48 bits for 16x8) converts
    to double exactly; the product is one IEEE double multiplication, as in the C++.
    There is no 31-bit multiplier: rounding `acc * M / 2^(31 - shift)` instead differs
    when the exact value is within about |y| 2^-31 of a half (swin int16 `linear_6`:
    1.6e-6 from a half; 224 of 1024 crafted near-half outputs in
    `test_interpreter_litert.py::test_fully_connected_requantizes_in_double`).
    """
    y = np.asarray(acc, dtype=np.int64).astype(np.float64) * np.asarray(effective, np.float64)
    whole = np.trunc(y)
    frac = y - whole  # exact for doubles: C `round` without the floor(|y| + 0.5) error
    return (whole + np.sign(y) * (np.abs(frac) >= 0.5)).astype(np.int64)


def saturate(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Clamp to the range of an integer dtype and convert."""
    info = np.iinfo(dtype)
    return np.clip(x, info.min, info.max).astype(dtype)


# -- gemmlowp's fixed-point functions -------------------------------------------------------

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
    """gemmlowp's `RoundingHalfSum`: (a + b) / 2, ties away from zero."""
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
    """`CountLeadingZeros` of each value read as a uint32 (32 for 0)."""
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


# -- requantization parameters (Prepare) ----------------------------------------------------

def activation_range(op: Operation, output: SSAValue, activation: str = "NONE") -> tuple[int, int]:
    """`CalculateActivationRangeQuantized`: the fused activation's bounds in the output's
    integers (float32 `f / scale`, rounded half away from zero), within the storage
    dtype's full range."""
    q = per_tensor(op, output, "the output")
    info = np.iinfo(q.numpy_storage_dtype)
    lo, hi = int(info.min), int(info.max)
    scale, zp = np.float32(f32_scale(q)), q.zero_point.data

    def quant(f: float) -> int:
        return zp + round_half_away(float(np.float32(f) / scale))

    if activation == "NONE":
        return lo, hi
    if activation == "RELU":
        return max(lo, quant(0.0)), hi
    if activation == "RELU6":
        return max(lo, quant(0.0)), min(hi, quant(6.0))
    if activation == "RELU_N1_TO_1":
        return max(lo, quant(-1.0)), min(hi, quant(1.0))
    raise NotImplementedError(
        f"{op.name}: fused activation {activation} on quantized tensors is not bit-exact yet"
    )


def fused_range(op: Operation) -> tuple[int, int]:
    """The activation range of `op`'s first result under its fused activation."""
    act = op.properties.get("fused_activation_function")
    return activation_range(op, op.results[0], act.data if act is not None else "NONE")


def _operand_scales(op: Operation, input: SSAValue, weights: SSAValue, output: SSAValue):
    """(input scale, the weights' quantized type, output scale) of a conv / FC op, the
    activation scales as the file's float32 values."""
    qi = per_tensor(op, input, "the input")
    qo = per_tensor(op, output, "the output")
    qw = quantized(weights)
    if qw is None:
        raise error_at(op, f"weights must be quantized, got {weights.type}")
    return f32_scale(qi), qw, f32_scale(qo)


def channel_multipliers(
    op: Operation, input: SSAValue, weights: SSAValue, output: SSAValue, per_tensor_f32: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Per-output-channel (multiplier, shift) of a conv / depthwise / fully-connected op.

    `effective = s_in * s_w[c] / s_out` in double (`PopulateConvolutionQuantizationParams`).
    With `per_tensor_f32` and a per-tensor weight, the product `s_in * s_w` is taken in
    float32 first, as `GetQuantizedConvolutionMultipler` does for the uint8 conv kernel.
    (FULLY_CONNECTED uses no multiplier in LiteRT's reference kernel:
    `fully_connected_scales`.)
    """
    s_in, qw, s_out = _operand_scales(op, input, weights, output)
    w_scales = f32_scales(qw)
    if per_tensor_f32 and isinstance(qw, UniformQuantizedType):
        reals = [float(np.float32(s_in) * np.float32(w_scales[0])) / s_out]
    else:
        reals = [s_in * s_w / s_out for s_w in w_scales]
    pairs = [quantize_multiplier(r) for r in reals]
    return (np.array([m for m, _ in pairs], dtype=np.int64),
            np.array([s for _, s in pairs], dtype=np.int64))


def fully_connected_scales(
    op: Operation, input: SSAValue, weights: SSAValue, output: SSAValue
) -> np.ndarray:
    """Per-output-channel `double(s_in) * double(s_w[c]) / double(s_out)` of a quantized
    FULLY_CONNECTED, the scales being the file's float32 values: the effective scale
    LiteRT's reference kernel multiplies the accumulator by (`round_scaled_in_double`).
    A per-tensor weight gives one entry; its product is in double too (the float32
    product of `GetQuantizedConvolutionMultipler` only feeds the optimized kernels).
    """
    s_in, qw, s_out = _operand_scales(op, input, weights, output)
    return np.array([s_in * s_w / s_out for s_w in f32_scales(qw)], dtype=np.float64)


def ratio_multiplier(a: float, b: float, in_float32: bool = False) -> tuple[int, int]:
    """(multiplier, shift) of `a / b`, divided in double or (as some kernels do) float32."""
    real = float(np.float32(a) / np.float32(b)) if in_float32 else float(a) / float(b)
    return quantize_multiplier(real)
