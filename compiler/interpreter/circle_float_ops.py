"""Kernels of the float-only builtins (`compiler.dialects.circle_float_ops`): SIN, COS,
ROUND, FLOOR, POW, CONV_3D.

These ops have no integer kernel anywhere, so none is registered here: a quantized one
is a "no integer kernel" error, never an approximation.

SIN, COS: computed in float32 like TFLite's `std::sin`/`std::cos` on floats (numpy's
float32 sin/cos may differ from libm's by an ulp). ROUND: half to even, exact. FLOOR: exact. POW:
numpy's float32 power, like TFLite's `std::pow` on floats. CONV_3D:
float64 accumulation rounded to float32 (as the other float kernels; TFLite
accumulates in float32, so results agree up to float rounding).
"""

from __future__ import annotations

import numpy as np
from xdsl.interpreter import InterpreterFunctions
from xdsl.ir import Operation

from compiler.dialects import circle
from compiler.dialects.circle_float_ops import FloorOp, PowOp
from compiler.interpreter.circle_base import FLOAT, float_result, kernel, register_kernels
from compiler.interpreter.values import shape_of
from compiler.interpreter.windows import pad_before


@register_kernels
class CircleFloatOpsFunctions(InterpreterFunctions):
    """SIN, COS, ROUND, FLOOR, POW and CONV_3D, float only."""

    @kernel(circle.SinOp, on=FLOAT)
    def sin_float(op: circle.SinOp, x):
        return _float32_unary(op, x, np.sin)

    @kernel(circle.CosOp, on=FLOAT)
    def cos_float(op: circle.CosOp, x):
        return _float32_unary(op, x, np.cos)

    @kernel(circle.RoundOp, on=FLOAT)
    def round_float(op: circle.RoundOp, x):
        return _float32_unary(op, x, np.round)  # half to even, like TFLite's ROUND

    @kernel(FloorOp, on=FLOAT)
    def floor_float(op: FloorOp, x):
        return _float32_unary(op, x, np.floor)  # exact, like TFLite's std::floor

    @kernel(PowOp, on=FLOAT)
    def pow_float(op: PowOp, x, y):
        """float32 powf, like TFLite's std::pow on floats (numpy broadcasts as POW does)."""
        return (float_result(op, np.power(np.asarray(x, dtype=np.float32),
                                          np.asarray(y, dtype=np.float32))),)

    @kernel(circle.Conv3DOp, on=FLOAT)
    def conv_3d_float(op: circle.Conv3DOp, x, w, b):
        """NDHWC input, DHWIO filter; TFLite's SAME/VALID padding per spatial dimension."""
        n, od, oh, ow, oc = shape_of(op.output)
        kd, kh, kw, ci, _ = w.shape
        strides = (op.option("stride_d"), op.option("stride_h"), op.option("stride_w"))
        dil = (op.option("dilation_d_factor"), op.option("dilation_h_factor"),
               op.option("dilation_w_factor"))
        padding = op.option("padding")
        sizes, kernel, outs = x.shape[1:4], (kd, kh, kw), (od, oh, ow)
        before = [pad_before(padding, sizes[i], kernel[i], strides[i], dil[i], outs[i])
                  for i in range(3)]
        # pad generously with zeros (which contribute nothing), then index the taps
        after = [max((outs[i] - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1
                     - before[i] - sizes[i], 0) for i in range(3)]
        xp = np.pad(x.astype(np.float64),
                    ((0, 0), *((before[i], after[i]) for i in range(3)), (0, 0)))
        y = np.zeros((n, od, oh, ow, oc))
        wf = w.astype(np.float64)
        for a in range(kd):
            for c in range(kh):
                for e in range(kw):
                    d0, h0, w0 = a * dil[0], c * dil[1], e * dil[2]
                    tap = xp[:, d0: d0 + (od - 1) * strides[0] + 1: strides[0],
                             h0: h0 + (oh - 1) * strides[1] + 1: strides[1],
                             w0: w0 + (ow - 1) * strides[2] + 1: strides[2], :]
                    y += np.einsum("ndhwi,io->ndhwo", tap, wf[a, c, e])
        if b is not None:
            y = y + b
        return (float_result(op, y),)


def _float32_unary(op: Operation, x, fn):
    """`fn` on the float32 input (not float64, unlike the other float kernels)."""
    return (float_result(op, fn(np.asarray(x, dtype=np.float32))),)
