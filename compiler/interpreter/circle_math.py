"""Float and integer kernels of the element-wise math ops added with ELU (ops-math).

- ELU, float: x if x > 0 else exp(x) - 1, in float64 rounded to float32.
- ELU, 8-bit: what LiteRT's BUILTIN_REF kernel computes, bit for bit: `EluPrepare`
  fills a 256-entry table with `LUTPopulate` (dequantize, `v < 0 ? expf(v) - 1.0f : v`
  in float32, multiply by 1 / s_out, round half away from zero, add zp, clamp) and
  `EvalUsingLookupTable` indexes it. LiteRT has the int8 kernel only (uint8 and int16
  are refused at prepare); the uint8 table is the same construction (ONE's luci-interpreter
  builds it likewise), int16 raises `NotImplementedError`.
- SQRT, int8 / int16: LiteRT's quantized element-wise path (measured bit-exact over
  every int8 input and a sweep of int16 ones): dequantize in float32
  (`s_in * (q - zp_in)`), `sqrtf`, divide by `s_out` in float32, truncate toward zero,
  add zp_out, clamp. A negative real input fails in LiteRT ("Sqrt is only defined for
  non-negative values"), and here. LiteRT and onert refuse uint8 SQRT.
"""

from __future__ import annotations

import numpy as np

from compiler.dialects import circle
from compiler.interpreter.circle_int_lut import _lut
from compiler.interpreter.values import f32_scale, per_tensor
from compiler.ir.diagnostics import error_at


def elu_float(op: circle.EluOp, x):
    xd = np.asarray(x, dtype=np.float64)
    return (np.where(xd > 0, xd, np.expm1(np.minimum(xd, 0))).astype(np.float32),)


def elu_int(op: circle.EluOp, x):
    f32 = np.float32

    def transform(v: np.ndarray) -> np.ndarray:
        vf = v.astype(f32)
        # expf is correctly rounded on these inputs (see circle_int_lut): exp in float64,
        # rounded to float32, then the float32 subtraction of 1.0f
        e = np.exp(vf.astype(np.float64)).astype(f32) - f32(1)
        return np.where(vf < 0, e, vf).astype(np.float64)

    return _lut(op, x, transform)


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


#: op class -> float kernel
FLOAT_KERNELS = {
    circle.EluOp: elu_float,
}

#: op class -> integer kernel (TFLite reference arithmetic)
INT_KERNELS = {
    circle.EluOp: elu_int,
    circle.SqrtOp: sqrt_int,
}
