"""int16 SOFTMAX: TFLite's `SoftmaxInt16` with its two interpolated 513-entry tables.

    d = MBQM(x - max(x), s_in * beta / (10 / 65535))      [-65535, 0] stands for [-10, 0]
    e = LUT_exp(clamp(d + 32767))                          Q0.15
    S = sum(e);  h = clz(S);  r = LUT_1/(1+x)(((S << (h - 1)) + 2^13 >> 14) - 3 * 2^15)
    y = (e * r + 2^(30 - h)) >> (31 - h), clamped to [0, 32767]

The tables come from `gen_lut` (512 samples of the function over its input range,
each corrected by half the interpolation error at the midpoint), evaluated in double.
The output must be scale 1/32768, zero point 0.
"""

from __future__ import annotations

import math

import numpy as np

from compiler.dialects import circle
from compiler.interpreter.fixedpoint import multiply_by_quantized_multiplier, quantize_multiplier
from compiler.interpreter.gemmlowp import count_leading_zeros_u32
from compiler.interpreter.values import f32_scale, per_tensor
from compiler.ir.diagnostics import error_at


def _round(v: float) -> float:
    return math.copysign(math.floor(abs(v) + 0.5), v)


def gen_lut(func, input_min: float, input_max: float, output_min: float,
            output_max: float) -> np.ndarray:
    """TFLite's int16 `gen_lut`: 512 interpolation-corrected samples plus the end value."""
    steps = 512
    step = (input_max - input_min) / steps
    half = step / 2
    scaling = 65536.0 / (output_max - output_min)
    lut = np.zeros(steps + 1, dtype=np.int64)
    for i in range(steps):
        val = func(input_min + i * step)
        mid = func(input_min + i * step + half)
        nxt = func(input_min + (i + 1) * step)
        sample = _round(val * scaling)
        interp = _round((nxt * scaling + _round(val * scaling)) / 2)
        bias = _round((interp - _round(mid * scaling)) / 2)
        lut[i] = min(max(sample - bias, -32768.0), 32767.0)
    lut[steps] = min(max(_round(func(input_max) * scaling), -32768.0), 32767.0)
    return lut


_EXP_LUT = gen_lut(math.exp, -10.0, 0.0, -1.0, 1.0)
_RECIPROCAL_LUT = gen_lut(lambda v: 1.0 / (1.0 + v), 0.0, 1.0, -1.0, 1.0)


def _lookup(value: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """`generic_int16_table_lookup`: base + rounded slope * 7-bit offset."""
    index = 256 + (value >> 7)
    offset = value & 0x7F
    base = lut[index]
    slope = lut[index + 1] - base
    return base + ((slope * offset + 64) >> 7)


def softmax16(op: circle.SoftmaxOp, x):
    qi = per_tensor(op, op.input, "the input")
    qo = per_tensor(op, op.output, "the output")
    if qo.zero_point.data != 0 or f32_scale(qo) != 1.0 / 32768:
        raise error_at(op, f"the int16 output must be scale 1/32768, zero point 0; got {qo}")
    real = f32_scale(qi) * float(np.float32(op.beta.value.data)) / (10.0 / 65535.0)
    m, shift = quantize_multiplier(real)
    xi = x.astype(np.int64)
    diff = xi - xi.max(axis=-1, keepdims=True)
    scaled = multiply_by_quantized_multiplier(diff, m, shift)
    e = _lookup(np.clip(scaled + 32767, -32768, 32767), _EXP_LUT)
    total = e.sum(axis=-1, keepdims=True)
    h = count_leading_zeros_u32(total)
    shifted = ((total << (h - 1)) + (1 << 13)) >> 14
    r = _lookup(np.clip(shifted - ((1 << 15) + (1 << 16)), -32768, 32767), _RECIPROCAL_LUT)
    right = 31 - h
    y = (e * r + (np.int64(1) << (right - 1))) >> right
    return (np.clip(y, 0, 32767).astype(np.int16),)
