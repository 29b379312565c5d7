"""Integer kernels with fixed output ranges or tables: LOGISTIC, TANH, GELU, SOFTMAX (8-bit).

What LiteRT's BUILTIN_REF kernels compute, bit for bit:

- LOGISTIC / TANH / GELU on int8 / uint8 (EXP, LOG on int8): a 256-entry lookup table filled in float32
  (`LUTPopulate`: dequantize, `1 / (1 + exp(-x))` or `tanh(x)`, multiply by
  `1 / s_out`, round half away from zero, add zp, clamp). The float32 exp/tanh is
  evaluated in double and rounded to float32 (the correctly rounded value, which
  glibc's `expf`/`tanhf` return on the inputs tested);
- SOFTMAX on int8 / uint8 input: TFLite's reference fixed-point kernel (gemmlowp
  `exp_on_negative_values` in Q5.26, sum in Q12.19, `GetReciprocal`), which ignores
  the output qparams: the output type must be the fixed range (scale 1/256, zp at the
  storage minimum), checked here.

int16 SOFTMAX is `circle_int16_softmax`; int16 LOGISTIC / TANH are `circle_int16_sigmoid`
(TFLite's interpolated `sigmoid_table_uint16`); int16 GELU is `circle_int16_gelu`; int16 EXP / LOG are `circle_int16_unary` (all three
use `lut16`, TFLite's interpolated 513-entry tables).
"""

from __future__ import annotations

import math

import numpy as np
from xdsl.ir import Operation

from compiler.dialects import circle
from compiler.interpreter.fixedpoint import (
    quantize_multiplier,
    rounding_divide_by_pot,
    srdhm,
    wrap_int32,
)
from compiler.interpreter.circle_int16_gelu import gelu16
from compiler.interpreter.circle_int16_sigmoid import logistic16, tanh16
from compiler.interpreter.circle_int16_unary import exp16, log16
from compiler.interpreter.circle_int16_softmax import softmax16
from compiler.interpreter.gemmlowp import exp_on_negative_values, get_reciprocal, rescale
from compiler.interpreter.values import f32_scale, per_tensor
from compiler.ir.diagnostics import error_at


def _eight_bit(op: Operation):
    qi = per_tensor(op, op.operands[0], "the input")
    qo = per_tensor(op, op.results[0], "the output")
    if qi.width != 8 or qo.width != 8:
        raise NotImplementedError(
            f"{op.name}: the {qi.storage_spelling} kernel is not bit-exact yet "
            "(only int8/uint8 are implemented)"
        )
    return qi, qo


def _lut(op: Operation, x: np.ndarray, fn) -> tuple[np.ndarray]:
    qi, qo = _eight_bit(op)
    info = np.iinfo(qi.numpy_storage_dtype)
    values = np.arange(int(info.min), int(info.max) + 1)
    dequantized = np.float32(f32_scale(qi)) * (values - qi.zero_point.data).astype(np.float32)
    transformed = fn(dequantized.astype(np.float64)).astype(np.float32)
    inverse_scale = np.float32(1) / np.float32(f32_scale(qo))
    prod = transformed * inverse_scale
    rounded = np.sign(prod) * np.floor(np.abs(prod) + np.float32(0.5))
    out_info = np.iinfo(qo.numpy_storage_dtype)
    # clamp in float: an infinite value (log of 0) saturates instead of overflowing
    quantized = np.clip(rounded.astype(np.float64) + qo.zero_point.data, out_info.min,
                        out_info.max)
    table = quantized.astype(qo.numpy_storage_dtype)
    return (table[x.astype(np.int64) - int(info.min)],)


def logistic(op: circle.LogisticOp, x):
    if per_tensor(op, op.operands[0], "the input").width == 16:
        return logistic16(op, x)
    # float32 arithmetic as in TFLite: 1.0f / (1.0f + expf(-v))
    def sigmoid(v: np.ndarray) -> np.ndarray:
        e = np.exp(-v).astype(np.float32)
        return (np.float32(1) / (np.float32(1) + e)).astype(np.float64)

    return _lut(op, x, sigmoid)


def tanh(op: circle.TanhOp, x):
    if per_tensor(op, op.operands[0], "the input").width == 16:
        return tanh16(op, x)
    return _lut(op, x, np.tanh)


def exp(op: circle.ExpOp, x):
    """EXP (int8): the table of float32 `exp`; int16: `circle_int16_unary` (an
    interpolated 513-entry table). LiteRT has no uint8 EXP to check."""
    if per_tensor(op, op.input, "the input").storage_spelling == "i16":
        return exp16(op, x)
    if per_tensor(op, op.input, "the input").storage_spelling != "i8":
        raise NotImplementedError(f"{op.name}: only the int8 kernel is implemented")
    return _lut(op, x, lambda v: np.exp(v.astype(np.float32)).astype(np.float64))


def log(op: circle.LogOp, x):
    """LOG (int8): the table of float32 `log`; inputs whose real value is <= 0 map to the
    storage minimum (log -> -inf), as LiteRT gives. int16: `circle_int16_unary`."""
    if per_tensor(op, op.input, "the input").storage_spelling == "i16":
        return log16(op, x)
    if per_tensor(op, op.input, "the input").storage_spelling != "i8":
        raise NotImplementedError(f"{op.name}: only the int8 kernel is implemented")

    def transform(v: np.ndarray) -> np.ndarray:
        vf = v.astype(np.float32)
        out = np.full(vf.shape, -np.inf)
        positive = vf > 0
        out[positive] = np.log(vf[positive]).astype(np.float64)
        return out

    with np.errstate(invalid="ignore", over="ignore"):
        return _lut(op, x, transform)


_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def gelu(op: circle.GeluOp, x):
    """GELU's table, with TFLite's float32 formulas (`GeluTransform[Approximate]`);
    int16: `circle_int16_gelu` (an interpolated 513-entry table)."""
    if per_tensor(op, op.operands[0], "the input").width == 16:
        return gelu16(op, x)
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

    return _lut(op, x, approximate if op.approximate.value.data else exact)


_SCALED_DIFF_INTEGER_BITS = 5
_ACCUMULATION_INTEGER_BITS = 12


def softmax(op: circle.SoftmaxOp, x):
    """`reference_ops::Softmax` for 8-bit inputs (gemmlowp fixed point); int16 inputs
    take `SoftmaxInt16` (see `circle_int16_softmax`)."""
    if per_tensor(op, op.input, "the input").width == 16:
        return softmax16(op, x)
    qi, qo = _eight_bit(op)
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


#: op class -> integer kernel.
KERNELS = {
    circle.LogisticOp: logistic,
    circle.TanhOp: tanh,
    circle.SoftmaxOp: softmax,
    circle.GeluOp: gelu,
    circle.ExpOp: exp,
    circle.LogOp: log,
}
