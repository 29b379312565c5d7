"""Hybrid FULLY_CONNECTED: float input, int8 weights, float bias and output.

TFLite's `EvalHybrid` (fully_connected.cc) with `asymmetric_quantize_inputs`, in its
portable arithmetic (`PortableAsymmetricQuantizeFloats`,
`PortableMatrixBatchVectorMultiplyAccumulate`):

1. the output starts as the bias (or zeros); an all-zero input leaves it there;
2. each batch row is quantized on its own: `rmin = min(0, min x)`, `rmax = max(0, max x)`
   in double; the zero point is `qmin - rmin / scale` or `qmax - rmax / scale` with the
   double `scale = (rmax - rmin) / 255`, whichever has the smaller error term, clamped
   and rounded; the row's scale is `float32(rmax - rmin) / 255` in float32 (computing it
   in double and rounding differs by an ulp from LiteRT, measured);
   `q = clamp(round_half_away(float32(zp + x * float32(1 / float32(scale)))), -128, 127)`
   (a row of zeros: scale 1, zero point 0);
3. the row's scaling factor `float32(scale) * w_scale` (per channel: times
   `w_scale[o]` per output row instead of the tensor scale), in float32;
4. `acc = sum(w * q) - zp * sum(w)` in int32; `out += float32(acc) * factor` in float32;
5. the fused activation on the float result.
"""

from __future__ import annotations

import numpy as np

from compiler.dialects import circle
from compiler.interpreter.circle_float import apply_activation
from compiler.interpreter.values import quantized, shape_of
from compiler.ir.diagnostics import error_at


def _round_half_away(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def asymmetric_quantize_row(row: np.ndarray) -> tuple[np.ndarray, np.float32, int]:
    """`PortableAsymmetricQuantizeFloats` on one row: (int8 values, scale, zero point)."""
    qmin, qmax = -128.0, 127.0
    rmin = float(min(0.0, float(row.min())))
    rmax = float(max(0.0, float(row.max())))
    if rmin == rmax:
        return np.zeros(row.shape, np.int32), np.float32(1.0), 0
    scale = (rmax - rmin) / (qmax - qmin)
    zp_from_min = qmin - rmin / scale
    zp_from_max = qmax - rmax / scale
    err_min = abs(qmin) + abs(rmin / scale)
    err_max = abs(qmax) + abs(rmax / scale)
    zp_double = zp_from_min if err_min < err_max else zp_from_max
    if zp_double <= qmin:
        zp = -128
    elif zp_double >= qmax:
        zp = 127
    else:
        zp = int(_round_half_away(np.float64(zp_double)))
    scale32 = np.float32(np.float32(rmax - rmin) / np.float32(qmax - qmin))  # TFLite: float
    inv = np.float32(1.0) / scale32
    v = np.float32(zp) + row.astype(np.float32) * inv  # float32 arithmetic, as in C++
    q = np.clip(_round_half_away(v.astype(np.float32)), qmin, qmax).astype(np.int32)
    return q, scale32, zp


def hybrid_fully_connected(op: circle.FullyConnectedOp, x, w, b):
    if not op.asymmetric_quantize_inputs.value.data:
        raise NotImplementedError(f"{op.name}: hybrid kernel with symmetric input "
                                  "quantization is not implemented")
    qw = quantized(op.weights)
    if qw is None or qw.storage_spelling != "i8" or qw.zero_points.any():
        raise error_at(op, "hybrid FULLY_CONNECTED needs int8 symmetric weights")
    units, depth = w.shape
    rows = np.asarray(x, np.float32).reshape(-1, depth)
    wi = w.astype(np.int32)
    w_scales = qw.scales.astype(np.float32)
    per_channel = len(w_scales) > 1
    row_sums = wi.sum(axis=1)
    out = np.zeros((rows.shape[0], units), np.float32)
    if b is not None:
        out[:] = np.asarray(b, np.float32)
    if np.any(rows != 0):  # TFLite skips an all-zero input entirely
        for r, row in enumerate(rows):
            q, scale, zp = asymmetric_quantize_row(row)
            if per_channel:
                factor = (scale * w_scales).astype(np.float32)
            else:
                factor = np.full(units, np.float32(scale * w_scales[0]), np.float32)
            acc = (wi @ q - row_sums * zp).astype(np.int64)
            out[r] = (out[r] + (acc.astype(np.float32) * factor).astype(np.float32)).astype(
                np.float32)
    y = apply_activation(op, out).astype(np.float32)
    return (y.reshape(shape_of(op.output)),)
