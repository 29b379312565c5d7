"""int16 EXP, LOG and RSQRT: TFLite's 513-entry interpolated tables (`lut16`).

LiteRT builds each table once with `LUTPopulate<int16_t>` over float32 transforms and
reads it with `LUTLookup`:

- EXP: `expf(v)` (the C library's). Both zero points are baked into the table, so an
  asymmetric int16 EXP is allowed.
- LOG: `logf(v)`, and for `v <= 0` the output's real minimum
  `(-32768 - zp_out) * s_out` (float32), so those inputs saturate low.
- RSQRT: `1 / sqrtf(v)` (both IEEE float32 operations, so numpy gives the same), and
  for `v <= 0` the real value `32767 * s_out`.

LOG and RSQRT (TFLite's elementwise kernels) require zero points 0 on int16, and RSQRT
fails on a negative input; the interpreter refuses the same models and inputs.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation

from compiler.dialects import circle
from compiler.interpreter.lut16 import c_float_fn, lut_lookup_int16, lut_populate_int16
from compiler.interpreter.values import f32_scale, per_tensor
from compiler.ir.diagnostics import error_at

f32 = np.float32


def _qparams(op: Operation, symmetric: bool):
    qi = per_tensor(op, op.operands[0], "the input")
    qo = per_tensor(op, op.results[0], "the output")
    if qi.storage_spelling != "i16" or qo.storage_spelling != "i16":
        raise NotImplementedError(f"{op.name}: the int16 kernel needs i16 input and output, "
                                  f"got {qi.storage_spelling} -> {qo.storage_spelling}")
    if symmetric and (qi.zero_point.data != 0 or qo.zero_point.data != 0):
        raise error_at(op, "int16 input and output need zero point 0 (TFLite refuses others)")
    return qi, qo


def _run(qi, qo, x: np.ndarray, transform) -> tuple[np.ndarray]:
    lut = lut_populate_int16(f32_scale(qi), qi.zero_point.data, f32_scale(qo),
                             qo.zero_point.data, transform)
    return (lut_lookup_int16(x, lut),)


def exp16(op: circle.ExpOp, x):
    qi, qo = _qparams(op, symmetric=False)
    return _run(qi, qo, x, c_float_fn(op, "expf"))


def log16(op: circle.LogOp, x):
    qi, qo = _qparams(op, symmetric=True)
    logf = c_float_fn(op, "logf")
    out_min = f32(-32768 - qo.zero_point.data) * f32(f32_scale(qo))

    def transform(v: np.ndarray) -> np.ndarray:
        positive = v > 0
        out = np.full(v.shape, out_min, f32)
        out[positive] = logf(v[positive])
        return out

    return _run(qi, qo, x, transform)


def rsqrt16(op: circle.RsqrtOp, x):
    qi, qo = _qparams(op, symmetric=True)
    if x.size and int(x.min()) < 0:
        raise error_at(op, "RSQRT is only defined for non-negative inputs (TFLite fails too)")
    saturated = f32(32767) * f32(f32_scale(qo))

    def transform(v: np.ndarray) -> np.ndarray:
        positive = v > 0
        out = np.full(v.shape, saturated, f32)
        out[positive] = f32(1) / np.sqrt(v[positive])
        return out

    return _run(qi, qo, x, transform)
