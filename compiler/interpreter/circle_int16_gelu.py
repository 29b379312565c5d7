"""int16 GELU: TFLite's 513-entry interpolated table (`LUTPopulate<int16_t>`, float32).

The table and its lookup are `lut16`'s; the transform is TFLite's float32
`GeluTransform[Approximate]` with the C library's `erfcf` / `tanhf` (glibc's, which
LiteRT calls: with correctly rounded values, one entry in a few hundred tables comes
out one step off).
"""

from __future__ import annotations

import math

import numpy as np

from compiler.dialects import circle
from compiler.interpreter.lut16 import c_float_fn, lut_lookup_int16, lut_populate_int16
from compiler.interpreter.values import f32_scale, per_tensor

f32 = np.float32


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


def gelu16(op: circle.GeluOp, x):
    qi = per_tensor(op, op.operands[0], "the input")
    qo = per_tensor(op, op.results[0], "the output")
    if qi.storage_spelling != "i16" or qo.storage_spelling != "i16":
        raise NotImplementedError(f"{op.name}: int16 GELU needs i16 input and output, got "
                                  f"{qi.storage_spelling} -> {qo.storage_spelling}")
    transform = gelu_transform(op, bool(op.approximate.value.data))
    lut = lut_populate_int16(f32_scale(qi), qi.zero_point.data, f32_scale(qo),
                             qo.zero_point.data, transform)
    return (lut_lookup_int16(x, lut),)
