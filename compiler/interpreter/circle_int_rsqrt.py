"""Integer RSQRT (int8): TFLite's `RsqrtEvalQuantized`.

Each input integer `v = q - zp_in` (v == 0 gives the storage maximum, v < 0 is an error
as in TFLite) gets 1/sqrt(v) as a fixed-point multiplier from
`GetInvSqrtQuantizedMultiplierExp` (five Newton-Raphson steps in gemmlowp Q3.28),
applied to 1 << 20, then rescaled by `1 / (sqrt(s_in) * s_out)` (float32 sqrt and
product, as TFLite's Prepare) with 20 bits of shift taken back.

int16 RSQRT is a different kernel in TFLite (an interpolated table): `circle_int16_unary`.
"""

from __future__ import annotations

import math

import numpy as np

from compiler.dialects import circle
from compiler.interpreter.fixedpoint import (
    INT32_MAX,
    multiply_by_quantized_multiplier,
    quantize_multiplier,
    srdhm,
    wrap_int32,
)
from compiler.interpreter.circle_int16_unary import rsqrt16
from compiler.interpreter.gemmlowp import rescale, saturating_rounding_multiply_by_pot
from compiler.interpreter.values import f32_scale, per_tensor
from compiler.ir.diagnostics import error_at

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


def rsqrt(op: circle.RsqrtOp, x):
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
    return (np.vectorize(table.__getitem__, otypes=[np.int64])(d).astype(qo.numpy_storage_dtype),)


KERNELS = {circle.RsqrtOp: rsqrt}
