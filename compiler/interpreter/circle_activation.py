"""Kernels of the activation and element-wise math family (`compiler.dialects.circle_activation`):
LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, PRELU, HARD_SWISH, GELU, ELU, EXP,
LOG, SQRT, RSQRT, ABS, NEG (SOFTMAX and LOG_SOFTMAX are `circle_softmax`).

Float kernels compute in float64 and round to float32 (see `circle_base`). Integer
kernels are what LiteRT's BUILTIN_REF kernels compute, bit for bit:

- RELU / RELU6 / RELU_N1_TO_1 (`QuantizedReluX`): requantize by `s_in / s_out` (a
  float32 division) and clamp to the activation's bounds;
- LEAKY_RELU: one multiplier for x >= 0 (`s_in / s_out`), one for x < 0
  (`s_in * alpha / s_out`), both computed in float32; PRELU likewise with a quantized
  alpha tensor (the alpha of an int16 PRELU is int8);
- LOGISTIC / TANH / GELU on int8 / uint8, EXP and LOG on int8, ELU (int8; uint8 by the
  same construction, as ONE's luci-interpreter builds it): a 256-entry table filled in
  float32 (`lut.lut_8bit`). The float32 exp/tanh is evaluated in double and rounded to
  float32 (the correctly rounded value, which glibc's `expf`/`tanhf` return on the inputs
  tested);
- int16 LOGISTIC / TANH (`reference_integer_ops::Logistic` / `Tanh`): both read
  `lut.SIGMOID_TABLE_UINT16` (sigmoid(i / 24) in unsigned 0.16 fixed point,
  `tanh(x) = 2 sigmoid(2x) - 1`) and interpolate linearly between neighbouring entries
  with 9 (LOGISTIC) or 8 (TANH) fractional bits of the rescaled input. The input is
  first brought to units of 1 / (3 * 4096): a power-of-two input scale uses a shift
  (`input_multiplier == 0`), any other scale the multiplier `Prepare` computes in double
  (`sigmoid16_input_multiplier`). Zero points must be 0 and the output scale 2^-15 (what
  TFLite's `Prepare` enforces, and what the int16 scheme's fixed output qparams are);
- int16 GELU, EXP, LOG and RSQRT: TFLite's 513-entry interpolated tables
  (`lut.lut_populate_int16` over float32 transforms with the C library's `erfcf` /
  `tanhf` / `expf` / `logf`, read with `LUTLookup`). EXP bakes both zero points into the
  table, so an asymmetric int16 EXP is allowed. LOG maps `v <= 0` to the output's real
  minimum `(-32768 - zp_out) * s_out` (float32), so those inputs saturate low; RSQRT
  (`1 / sqrtf(v)`) maps `v <= 0` to `32767 * s_out`. LOG and RSQRT (TFLite's elementwise
  kernels) require zero points 0 on int16, and RSQRT fails on a negative input; the
  interpreter refuses the same models and inputs;
- HARD_SWISH (`HardSwish<T>`, 16-bit fixed point):

      x = (q - zp_in) << 7                                  "hires" input, int16
      y = SRDHM16(x, M_out)                                 x on the pre-shift output scale
      r = x rescaled so that 3.0 maps to 32768 (M_relu, saturating left shifts),
      r = (r + 2^15) >> 1                                   relu6(x + 3) / 6 in [0, 1] (Q15)
      out = RDBPOT(SDHM16(r, y), -exp_out) + zp_out        SDHM: no rounding nudge

  The two multipliers come from float32 products (`hires = s_in / 128`,
  `M_out = hires / s_out`, `M_relu = hires / (3 / 32768)`), quantized to 31 bits and
  rounded down to 16 (`DownScaleInt32ToInt16Multiplier`);
- RSQRT int8 (`RsqrtEvalQuantized`): each input integer `v = q - zp_in` (v == 0 gives the
  storage maximum, v < 0 is an error as in TFLite) gets 1/sqrt(v) as a fixed-point
  multiplier from `GetInvSqrtQuantizedMultiplierExp` (five Newton-Raphson steps in
  gemmlowp Q3.28), applied to 1 << 20, then rescaled by `1 / (sqrt(s_in) * s_out)`
  (float32 sqrt and product, as TFLite's Prepare) with 20 bits of shift taken back;
- SQRT, int8 / int16: LiteRT's quantized element-wise path (measured bit-exact over
  every int8 input and a sweep of int16 ones): dequantize in float32
  (`s_in * (q - zp_in)`), `sqrtf`, divide by `s_out` in float32, truncate toward zero,
  add zp_out, clamp. A negative real input fails in LiteRT ("Sqrt is only defined for
  non-negative values"), and here. LiteRT and onert refuse uint8 SQRT;
- ABS (`AbsEvalQuantized`) requantizes `|x - zp_in|`; NEG negates the stored integers.
"""

from __future__ import annotations

import math

import numpy as np
from xdsl.interpreter import InterpreterFunctions
from xdsl.ir import Operation

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
    multiply_by_quantized_multiplier,
    quantize_multiplier,
    ratio_multiplier,
    rescale,
    round_half_away,
    rounding_divide_by_pot,
    saturate,
    saturating_rounding_multiply_by_pot,
    srdhm,
    wrap_int32,
)
from compiler.interpreter.lut import (
    SIGMOID_TABLE_UINT16,
    c_float_fn,
    lut_8bit,
    lut_lookup_int16,
    lut_populate_int16,
    sigmoid_table_interpolate,
)
from compiler.interpreter.values import f32_scale, per_tensor
from compiler.ir.diagnostics import error_at

f32 = np.float32


@register_kernels
class CircleActivationFunctions(InterpreterFunctions):
    """Activations and unary element-wise math, float and integer."""

    # -- ReLUs ----------------------------------------------------------------------------

    @kernel(circle.ReluOp, on=FLOAT)
    def relu_float(op: circle.ReluOp, x):
        return _float_unary(op, x, lambda x: np.maximum(x, 0))

    @kernel(circle.ReluOp, on=INTEGER)
    def relu_int(op: circle.ReluOp, x):
        return _relu_x(op, x, 0.0, None)

    @kernel(circle.Relu6Op, on=FLOAT)
    def relu6_float(op: circle.Relu6Op, x):
        return _float_unary(op, x, _relu6)

    @kernel(circle.Relu6Op, on=INTEGER)
    def relu6_int(op: circle.Relu6Op, x):
        return _relu_x(op, x, 0.0, 6.0)

    @kernel(circle.ReluN1To1Op, on=FLOAT)
    def relu_n1_to_1_float(op: circle.ReluN1To1Op, x):
        return _float_unary(op, x, lambda x: np.clip(x, -1, 1))

    @kernel(circle.ReluN1To1Op, on=INTEGER)
    def relu_n1_to_1_int(op: circle.ReluN1To1Op, x):
        return _relu_x(op, x, -1.0, 1.0)

    @kernel(circle.LeakyReluOp, on=FLOAT)
    def leaky_relu_float(op: circle.LeakyReluOp, x):
        x = x.astype(np.float64)
        return (float_result(op, np.where(x >= 0, x, x * op.alpha.value.data)),)

    @kernel(circle.LeakyReluOp, on=INTEGER)
    def leaky_relu_int(op: circle.LeakyReluOp, x):
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

    @kernel(circle.PReluOp, on=FLOAT)
    def prelu_float(op: circle.PReluOp, x, alpha):
        x = x.astype(np.float64)
        return (float_result(op, np.where(x >= 0, x, x * alpha)),)

    @kernel(circle.PReluOp, on=INTEGER)
    def prelu_int(op: circle.PReluOp, x, alpha):
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

    @kernel(circle.EluOp, on=FLOAT)
    def elu_float(op: circle.EluOp, x):
        xd = np.asarray(x, dtype=np.float64)
        return (np.where(xd > 0, xd, np.expm1(np.minimum(xd, 0))).astype(np.float32),)

    @kernel(circle.EluOp, on=INTEGER)
    def elu_int(op: circle.EluOp, x):
        f32 = np.float32

        def transform(v: np.ndarray) -> np.ndarray:
            vf = v.astype(f32)
            # expf is correctly rounded on these inputs (see the module notes): exp in float64,
            # rounded to float32, then the float32 subtraction of 1.0f
            e = np.exp(vf.astype(np.float64)).astype(f32) - f32(1)
            return np.where(vf < 0, e, vf).astype(np.float64)

        return lut_8bit(op, x, transform)

    @kernel(circle.HardSwishOp, on=FLOAT)
    def hard_swish_float(op: circle.HardSwishOp, x):
        return _float_unary(op, x, lambda x: x * _relu6(x + 3) / 6)

    @kernel(circle.HardSwishOp, on=INTEGER)
    def hard_swish_int(op: circle.HardSwishOp, x):
        qi = per_tensor(op, op.input, "the input")
        qo = per_tensor(op, op.output, "the output")
        if qi.width != 8 or qo.width != 8:
            raise NotImplementedError(f"{op.name}: the {qi.storage_spelling} kernel is not "
                                      "bit-exact yet (only int8/uint8 are implemented)")
        hires = np.float32(1.0 / 128.0) * np.float32(f32_scale(qi))
        m_out, e_out = quantize_multiplier(float(hires / np.float32(f32_scale(qo))))
        m_relu, e_relu = quantize_multiplier(float(hires / np.float32(3.0 / 32768.0)))
        if e_out > 0:
            raise NotImplementedError(f"{op.name}: output scale below input scale / 128 "
                                      "(TFLite refuses it)")
        m_out16, m_relu16 = _to_int16_multiplier(m_out), _to_int16_multiplier(m_relu)

        hires_x = (x.astype(np.int64) - qi.zero_point.data) * (1 << 7)
        preshift = _srdhm16(hires_x, m_out16)
        r = hires_x
        if e_relu > 0:
            r = _saturating_left_shift(r, e_relu - 1)
        r = _srdhm16(r, m_relu16)
        if e_relu > 0:
            r = _saturating_left_shift(r, 1)
        if e_relu < 0:
            r = rounding_divide_by_pot(r, -e_relu)
        r = (r + (1 << 15)) >> 1
        y = rounding_divide_by_pot(_sdhm16(r, preshift), -e_out) + qo.zero_point.data
        info = np.iinfo(qo.numpy_storage_dtype)
        return (np.clip(y, info.min, info.max).astype(qo.numpy_storage_dtype),)

    # -- sigmoid-shaped -------------------------------------------------------------------

    @kernel(circle.LogisticOp, on=FLOAT)
    def logistic_float(op: circle.LogisticOp, x):
        return _float_unary(op, x, lambda x: 1 / (1 + np.exp(-x)))

    @kernel(circle.LogisticOp, on=INTEGER)
    def logistic_int(op: circle.LogisticOp, x):
        if per_tensor(op, op.operands[0], "the input").width == 16:
            return _logistic16(op, x)
        # float32 arithmetic as in TFLite: 1.0f / (1.0f + expf(-v))
        def sigmoid(v: np.ndarray) -> np.ndarray:
            e = np.exp(-v).astype(np.float32)
            return (np.float32(1) / (np.float32(1) + e)).astype(np.float64)

        return lut_8bit(op, x, sigmoid)

    @kernel(circle.TanhOp, on=FLOAT)
    def tanh_float(op: circle.TanhOp, x):
        return _float_unary(op, x, np.tanh)

    @kernel(circle.TanhOp, on=INTEGER)
    def tanh_int(op: circle.TanhOp, x):
        if per_tensor(op, op.operands[0], "the input").width == 16:
            return _tanh16(op, x)
        return lut_8bit(op, x, np.tanh)

    @kernel(circle.GeluOp, on=FLOAT)
    def gelu_float(op: circle.GeluOp, x):
        x = x.astype(np.float64)
        if op.approximate.value.data:
            y = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
        else:
            y = 0.5 * x * (1 + _erf(x / math.sqrt(2)))
        return (float_result(op, y),)

    @kernel(circle.GeluOp, on=INTEGER)
    def gelu_int(op: circle.GeluOp, x):
        """GELU's table, with TFLite's float32 formulas (`GeluTransform[Approximate]`);
        int16: `_gelu16` (an interpolated 513-entry table)."""
        if per_tensor(op, op.operands[0], "the input").width == 16:
            return _gelu16(op, x)
        f32 = np.float32

        def exact(v: np.ndarray) -> np.ndarray:  # 0.5f * x * erfcf(x * -sqrt(1/2))
            xf = v.astype(f32)
            e = _erfc((xf * f32(-math.sqrt(0.5))).astype(np.float64)).astype(f32)
            return (f32(0.5) * xf * e).astype(np.float64)

        def approximate(v: np.ndarray) -> np.ndarray:  # tanh form, float32 throughout
            xf = v.astype(f32)
            inner = (f32(math.sqrt(2 / math.pi)) * (xf + f32(0.044715) * xf * xf * xf)).astype(f32)
            t = np.tanh(inner.astype(np.float64)).astype(f32)
            return (f32(0.5) * xf * (f32(1) + t)).astype(np.float64)

        return lut_8bit(op, x, approximate if op.approximate.value.data else exact)

    # -- exponentials, logarithms, roots --------------------------------------------------

    @kernel(circle.ExpOp, on=FLOAT)
    def exp_float(op: circle.ExpOp, x):
        return _float_unary(op, x, np.exp)

    @kernel(circle.ExpOp, on=INTEGER)
    def exp_int(op: circle.ExpOp, x):
        """EXP (int8): the table of float32 `exp`; int16: `_exp16` (an
        interpolated 513-entry table). LiteRT has no uint8 EXP to check."""
        if per_tensor(op, op.input, "the input").storage_spelling == "i16":
            return _exp16(op, x)
        if per_tensor(op, op.input, "the input").storage_spelling != "i8":
            raise NotImplementedError(f"{op.name}: only the int8 kernel is implemented")
        return lut_8bit(op, x, lambda v: np.exp(v.astype(np.float32)).astype(np.float64))

    @kernel(circle.LogOp, on=FLOAT)
    def log_float(op: circle.LogOp, x):
        with np.errstate(divide="ignore"):  # log(0) = -inf, as in IEEE float32
            return _float_unary(op, x, np.log)

    @kernel(circle.LogOp, on=INTEGER)
    def log_int(op: circle.LogOp, x):
        """LOG (int8): the table of float32 `log`; inputs whose real value is <= 0 map to the
        storage minimum (log -> -inf), as LiteRT gives. int16: `_log16`."""
        if per_tensor(op, op.input, "the input").storage_spelling == "i16":
            return _log16(op, x)
        if per_tensor(op, op.input, "the input").storage_spelling != "i8":
            raise NotImplementedError(f"{op.name}: only the int8 kernel is implemented")

        def transform(v: np.ndarray) -> np.ndarray:
            vf = v.astype(np.float32)
            out = np.full(vf.shape, -np.inf)
            positive = vf > 0
            out[positive] = np.log(vf[positive]).astype(np.float64)
            return out

        with np.errstate(invalid="ignore", over="ignore"):
            return lut_8bit(op, x, transform)

    @kernel(circle.SqrtOp, on=FLOAT)
    def sqrt_float(op: circle.SqrtOp, x):
        return _float_unary(op, x, np.sqrt)

    @kernel(circle.SqrtOp, on=INTEGER)
    def sqrt_int(op: circle.SqrtOp, x):
        qi = per_tensor(op, op.input, "the input")
        qo = per_tensor(op, op.output, "the output")
        if qi.storage_spelling not in ("i8", "i16"):
            raise NotImplementedError(f"{op.name}: no {qi.storage_spelling} SQRT kernel (LiteRT "
                                      "and onert have none to check)")
        d = x.astype(np.int64) - qi.zero_point.data
        if d.size and d.min() < 0:
            raise error_at(op, "SQRT is only defined for non-negative inputs (LiteRT fails too)")
        f32 = np.float32
        real = f32(f32_scale(qi)) * d.astype(f32)
        root = np.sqrt(real.astype(np.float64)).astype(f32)  # sqrtf is correctly rounded
        q = np.trunc(root / f32(f32_scale(qo))).astype(np.int64) + qo.zero_point.data
        info = np.iinfo(qo.numpy_storage_dtype)
        return (np.clip(q, info.min, info.max).astype(qo.numpy_storage_dtype),)

    @kernel(circle.RsqrtOp, on=FLOAT)
    def rsqrt_float(op: circle.RsqrtOp, x):
        """`1.f / std::sqrt(x)` in float32, as TFLite's `Rsqrt` (elementwise.cc) and
        onert compute it: two float32 roundings (the square root, then the quotient).
        Rounding 1 / sqrt(x) once from float64 is an ulp off on ~27 % of elements."""
        f32 = np.float32
        with np.errstate(divide="ignore", invalid="ignore"):  # IEEE: rsqrt(0) = +inf, rsqrt(x < 0) = NaN
            return (float_result(op, f32(1) / np.sqrt(np.asarray(x, f32))),)

    @kernel(circle.RsqrtOp, on=INTEGER)
    def rsqrt_int(op: circle.RsqrtOp, x):
        qi = per_tensor(op, op.input, "the input")
        qo = per_tensor(op, op.output, "the output")
        if qi.storage_spelling == "i16":
            return rsqrt16(op, x)
        if qi.storage_spelling != "i8":  # uint8: no runtime has one to check against
            raise NotImplementedError(f"{op.name}: the {qi.storage_spelling} kernel is not "
                                      "bit-exact yet (only int8 and int16 are implemented)")
        d = x.astype(np.int64) - qi.zero_point.data
        if d.size and d.min() < 0:
            raise error_at(op, "RSQRT is only defined for non-negative inputs (TFLite fails too)")
        f32 = np.float32
        real = 1.0 / float(f32(math.sqrt(f32(f32_scale(qi)))) * f32(f32_scale(qo)))
        m, sh = quantize_multiplier(real)
        info = np.iinfo(qo.numpy_storage_dtype)
        table = {}
        for v in np.unique(d):
            v = int(v)
            if v == 0:
                table[v] = int(info.max)
                continue
            im, ish = _inv_sqrt_multiplier(v)
            data = int(multiply_by_quantized_multiplier(1, im, ish + _SHIFT))
            out = int(multiply_by_quantized_multiplier(data, m, sh - _SHIFT)) + qo.zero_point.data
            table[v] = min(max(out, int(info.min)), int(info.max))
        y = np.vectorize(table.__getitem__, otypes=[np.int64])(d)
        return (y.astype(qo.numpy_storage_dtype),)

    # -- sign -----------------------------------------------------------------------------

    @kernel(circle.AbsOp, on=FLOAT)
    def abs_float(op: circle.AbsOp, x):
        return _float_unary(op, x, np.abs)

    @kernel(circle.AbsOp, on=INTEGER)
    def abs_int(op: circle.AbsOp, x):
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

    @kernel(circle.NegOp, on=FLOAT)
    def neg_float(op: circle.NegOp, x):
        return _float_unary(op, x, np.negative)

    @kernel(circle.NegOp, on=INTEGER)
    def neg_int(op: circle.NegOp, x):
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


# -- float helpers --------------------------------------------------------------------------

def _float_unary(op: Operation, x, fn):
    return (float_result(op, fn(x.astype(np.float64))),)


def _relu6(x):
    return np.clip(x, 0, 6)


def _erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[np.float64])(x)


# -- 8-bit helpers --------------------------------------------------------------------------

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


_erfc = np.vectorize(math.erfc, otypes=[np.float64])


# -- HARD_SWISH: 16-bit fixed point ---------------------------------------------------------

_I16_MIN, _I16_MAX = -(1 << 15), (1 << 15) - 1


def _to_int16_multiplier(m: int) -> int:
    if m >= (1 << 31) - 1 - (1 << 15):
        return _I16_MAX
    return (m + (1 << 15)) >> 16


def _trunc_div(x: np.ndarray, d: int) -> np.ndarray:
    return np.where(x >= 0, x // d, -((-x) // d))


def _srdhm16(a: np.ndarray, b: int) -> np.ndarray:
    ab = a.astype(np.int64) * b
    nudge = np.where(ab >= 0, 1 << 14, 1 - (1 << 14))
    out = _trunc_div(ab + nudge, 1 << 15)
    return np.where((a == b) & (a == _I16_MIN), _I16_MAX, out)


def _sdhm16(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = _trunc_div(a.astype(np.int64) * b, 1 << 15)
    return np.where((a == b) & (a == _I16_MIN), _I16_MAX, out)


def _saturating_left_shift(v: np.ndarray, amount: int) -> np.ndarray:
    return np.clip(v * (1 << amount), _I16_MIN, _I16_MAX)


# -- RSQRT int8: Newton-Raphson inverse square root -----------------------------------------

_SHIFT = 20


def _inv_sqrt_multiplier(value: int) -> tuple[int, int]:
    """`GetInvSqrtQuantizedMultiplierExp(value, reverse_shift=-1)` on one positive int."""
    if value <= 1:
        return INT32_MAX, 0
    shift = 11
    while value >= (1 << 29):
        value //= 4
        shift += 1
    clz = 32 - value.bit_length()
    left_pairs = (clz - 1) // 2 - 1
    shift -= left_pairs
    value <<= 2 * left_pairs
    x_in = np.int64(value >> 1)  # F3
    half_in = saturating_rounding_multiply_by_pot(x_in, -1)
    half_three = np.int64((1 << 28) + (1 << 27))
    x = np.int64(1 << 28)  # F3 one
    for _ in range(5):
        x3 = rescale(srdhm(srdhm(x, x), x), 9, 3)
        x = rescale(wrap_int32(srdhm(half_three, x) - srdhm(half_in, x3)), 6, 3)
    out = int(srdhm(x, 1518500250))
    if shift < 0:
        out <<= -shift
        shift = 0
    return out, -shift


# -- int16 LOGISTIC and TANH: the sigmoid table ---------------------------------------------

def _checked_log2(scale: float) -> tuple[bool, int]:
    """TFLite's `CheckedLog2` in float32: (is a power of two within 1e-3, rounded log2)."""
    s = np.float32(scale)
    log2 = np.float32(np.log(s)) * (np.float32(1.0) / np.float32(np.log(np.float32(2.0))))
    rounded = np.round(log2)
    return bool(abs(log2 - rounded) < np.float32(1e-3)), int(rounded)


def sigmoid16_input_multiplier(op: Operation, pot_shifts: tuple[int, ...]) -> tuple[int, int]:
    """(multiplier, right shift) taking the stored input to units of 1 / (3 * 4096),
    as the int16 branch of TFLite's Sigmoid/TanhPrepare followed by the kernel's
    power-of-two fallback (`input_multiplier = 3 << input_left_shift`)."""
    qi = per_tensor(op, op.operands[0], "the input")
    qo = per_tensor(op, op.results[0], "the output")
    if qi.zero_point.data != 0 or qo.zero_point.data != 0:
        raise error_at(op, "int16 kernel needs zero points 0 (TFLite's Prepare)")
    pot_out, log2_out = _checked_log2(f32_scale(qo))
    if not pot_out or log2_out != -15:
        raise error_at(op, "int16 kernel needs the output scale 2^-15 (TFLite's Prepare)")
    pot, log2 = _checked_log2(f32_scale(qi))
    shift = 12 + log2  # (15 - kInputIntegerBits) + log2(scale), kInputIntegerBits = 3
    if pot and shift in pot_shifts:
        return 3 << shift, 0
    multiplier = f32_scale(qi) * 4096.0 * 3.0
    shift = 0
    while multiplier <= 32767.0 / 2.0 and shift <= 30:
        shift += 1
        multiplier *= 2.0
    return int(multiplier), shift


def sigmoid16_rescale(x: np.ndarray, multiplier: int, shift: int) -> np.ndarray:
    """The stored int16 input in units of 1 / (3 * 4096): `(x * multiplier + round) >> shift`
    with the `(multiplier, shift)` of `sigmoid16_input_multiplier`."""
    rnd = (1 << (shift - 1)) if shift > 0 else 0
    return (x.astype(np.int64) * multiplier + rnd) >> shift


def _logistic16(op: circle.LogisticOp, x: np.ndarray) -> tuple[np.ndarray]:
    v = sigmoid16_rescale(x, *sigmoid16_input_multiplier(op, (0,)))
    r = sigmoid_table_interpolate(np.abs(v), 9, 0x7FFF << 10)
    r = np.where(v >= 0, r + (1 << 9), (1 << 25) - r + (1 << 9) - 1)
    # uint32 arithmetic, then the low 16 bits stored into int16
    return (((r >> 10) & 0xFFFF).astype(np.uint16).view(np.int16),)


def _tanh16(op: circle.TanhOp, x: np.ndarray) -> tuple[np.ndarray]:
    v = sigmoid16_rescale(x, *sigmoid16_input_multiplier(op, (0, 1)))
    r = sigmoid_table_interpolate(np.abs(v), 8, 0xFFFF << 8)
    r = np.where(v >= 0, r - (1 << 23) + (1 << 7), -r + (1 << 23) + (1 << 7) - 1)
    return (((r >> 8) & 0xFFFF).astype(np.uint16).view(np.int16),)


# -- int16 GELU, EXP, LOG, RSQRT: 513-entry interpolated tables -----------------------------

def _int16_qparams(op: Operation, symmetric: bool):
    qi = per_tensor(op, op.operands[0], "the input")
    qo = per_tensor(op, op.results[0], "the output")
    if qi.storage_spelling != "i16" or qo.storage_spelling != "i16":
        raise NotImplementedError(f"{op.name}: the int16 kernel needs i16 input and output, "
                                  f"got {qi.storage_spelling} -> {qo.storage_spelling}")
    if symmetric and (qi.zero_point.data != 0 or qo.zero_point.data != 0):
        raise error_at(op, "int16 input and output need zero point 0 (TFLite refuses others)")
    return qi, qo


def _lut16(qi, qo, x: np.ndarray, transform) -> tuple[np.ndarray]:
    lut = lut_populate_int16(f32_scale(qi), qi.zero_point.data, f32_scale(qo),
                             qo.zero_point.data, transform)
    return (lut_lookup_int16(x, lut),)


def gelu_transform(op, approximate: bool):
    """TFLite's `GeluTransform[Approximate]` in float32, with libm's erfcf / tanhf."""
    if approximate:
        tanhf = c_float_fn(op, "tanhf")
        c = f32(2 / math.sqrt(math.pi) * math.sqrt(0.5))  # M_2_SQRTPI * M_SQRT1_2

        def transform(x: np.ndarray) -> np.ndarray:
            inner = (c * (x + f32(0.044715) * x * x * x)).astype(f32)
            return (f32(0.5) * x * (f32(1) + tanhf(inner).astype(f32))).astype(f32)
    else:
        erfcf = c_float_fn(op, "erfcf")
        k = f32(-math.sqrt(0.5))  # -M_SQRT1_2

        def transform(x: np.ndarray) -> np.ndarray:
            return (f32(0.5) * x * erfcf((x * k).astype(f32)).astype(f32)).astype(f32)
    return transform


def _gelu16(op: circle.GeluOp, x):
    qi = per_tensor(op, op.operands[0], "the input")
    qo = per_tensor(op, op.results[0], "the output")
    if qi.storage_spelling != "i16" or qo.storage_spelling != "i16":
        raise NotImplementedError(f"{op.name}: int16 GELU needs i16 input and output, got "
                                  f"{qi.storage_spelling} -> {qo.storage_spelling}")
    transform = gelu_transform(op, bool(op.approximate.value.data))
    lut = lut_populate_int16(f32_scale(qi), qi.zero_point.data, f32_scale(qo),
                             qo.zero_point.data, transform)
    return (lut_lookup_int16(x, lut),)


def _exp16(op: circle.ExpOp, x):
    qi, qo = _int16_qparams(op, symmetric=False)
    return _lut16(qi, qo, x, c_float_fn(op, "expf"))


def _log16(op: circle.LogOp, x):
    qi, qo = _int16_qparams(op, symmetric=True)
    logf = c_float_fn(op, "logf")
    out_min = f32(-32768 - qo.zero_point.data) * f32(f32_scale(qo))

    def transform(v: np.ndarray) -> np.ndarray:
        positive = v > 0
        out = np.full(v.shape, out_min, f32)
        out[positive] = logf(v[positive])
        return out

    return _lut16(qi, qo, x, transform)


def rsqrt16(op: circle.RsqrtOp, x):
    """LiteRT's int16 RSQRT of the stored values `x`: its interpolated 513-entry table
    (refine-numerics reads it to bound the table's error)."""
    qi, qo = _int16_qparams(op, symmetric=True)
    if x.size and int(x.min()) < 0:
        raise error_at(op, "RSQRT is only defined for non-negative inputs (TFLite fails too)")
    saturated = f32(32767) * f32(f32_scale(qo))

    def transform(v: np.ndarray) -> np.ndarray:
        positive = v > 0
        out = np.full(v.shape, saturated, f32)
        out[positive] = f32(1) / np.sqrt(v[positive])
        return out

    return _lut16(qi, qo, x, transform)
