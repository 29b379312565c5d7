"""Float kernels of the float-only builtins (SIN, COS, ROUND, POW, CONV_3D).

These ops have no integer kernel anywhere (see `compiler.dialects.circle_float_ops`),
so there is no entry for them in the integer tables: a quantized one is a
"no integer kernel" error, never an approximation.

SIN, COS: computed in float32 like TFLite's `std::sin`/`std::cos` on floats (numpy's
float32 sin/cos may differ from libm's by an ulp). ROUND: half to even, exact. POW:
numpy's float32 power, like TFLite's `std::pow` on floats. CONV_3D:
float64 accumulation rounded to float32 (as the other float kernels; TFLite
accumulates in float32, so results agree up to float rounding).
"""

from __future__ import annotations

import numpy as np

from compiler.dialects import circle
from compiler.dialects.circle_float_ops import PowOp
from compiler.interpreter.circle_float import _f32
from compiler.interpreter.values import shape_of
from compiler.interpreter.windows import pad_before


def _unary(fn):
    def kernel(op, x):
        return (_f32(op, fn(np.asarray(x, dtype=np.float32))),)

    return kernel


def conv_3d(op: circle.Conv3DOp, x, w, b):
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
    return (_f32(op, y),)


KERNELS = {
    circle.SinOp: _unary(np.sin),
    circle.CosOp: _unary(np.cos),
    circle.RoundOp: _unary(np.round),  # half to even, like TFLite's ROUND
    circle.Conv3DOp: conv_3d,
    # float32 powf, like TFLite's std::pow on floats (numpy broadcasts like POW)
    PowOp: lambda op, x, y: (_f32(op, np.power(np.asarray(x, dtype=np.float32),
                                               np.asarray(y, dtype=np.float32))),),
}
