"""Integer RESIZE_BILINEAR, as LiteRT's reference kernels compute it.

- int8 / int16 (`ResizeBilinearInteger`): positions in 10-bit fixed point
  (`scale_10 = round(2^10 * in / out)`, half-pixel: `v * scale_10 + scale_10 / 2 - 2^9`),
  the four weighted corners summed in int64 (20 fractional bits) and divided by 2^20
  rounding half away from zero;
- uint8 (the float template `ResizeBilinear<uint8_t>`): float32 positions and weights as
  in the float kernel, the result rounded half up (`floor(v + 0.5)`).

Input and output share their qparams (the kernels copy the scale), checked here.
"""

from __future__ import annotations

import numpy as np

from compiler.dialects import circle
from compiler.interpreter.circle_data import _same_qparams
from compiler.interpreter.values import per_tensor, shape_of


def _c_div(a: np.ndarray, d: int) -> np.ndarray:
    return np.where(a >= 0, a // d, -((-a) // d))


def _positions_10bit(out_size: int, in_size: int, align: bool, half: bool):
    if align and out_size > 1:
        scale = ((1 << 10) * (in_size - 1) + (out_size - 1) // 2) // (out_size - 1)
    else:
        scale = ((1 << 10) * in_size + out_size // 2) // out_size
    v = np.arange(out_size, dtype=np.int64)
    scaled = v * scale + scale // 2 - (1 << 9) if half else v * scale
    lo = np.maximum(_c_div(scaled, 1 << 10), 0)
    hi = np.minimum(_c_div(scaled + (1 << 10) - 1, 1 << 10), in_size - 1)
    return scaled, lo, hi


def _bilinear_integer(x: np.ndarray, oh: int, ow: int, align: bool, half: bool) -> np.ndarray:
    sy, y0, y1 = _positions_10bit(oh, x.shape[1], align, half)
    sx, x0, x1 = _positions_10bit(ow, x.shape[2], align, half)
    xi = x.astype(np.int64)
    dy = (sy - (y0 << 10))[None, :, None, None]
    dx = (sx - (x0 << 10))[None, None, :, None]
    one = 1 << 10
    total = (xi[:, y0][:, :, x0] * (one - dy) * (one - dx) + xi[:, y1][:, :, x0] * dy * (one - dx)
             + xi[:, y0][:, :, x1] * (one - dy) * dx + xi[:, y1][:, :, x1] * dy * dx)
    rounding = np.where(total > 0, 1 << 19, -(1 << 19))
    return _c_div(total + rounding, 1 << 20)


def _positions_float(out_size: int, in_size: int, align: bool, half: bool):
    f32 = np.float32
    if align and out_size > 1:
        scale = f32(in_size - 1) / f32(out_size - 1)
    else:
        scale = f32(in_size) / f32(out_size)
    v = np.arange(out_size, dtype=f32)
    pos = (v + f32(0.5)) * scale - f32(0.5) if half else v * scale
    lo = np.maximum(np.floor(pos).astype(np.int64), 0)
    hi = np.minimum(np.ceil(pos).astype(np.int64), in_size - 1)
    return pos, lo, hi


def _bilinear_float_rounded(x: np.ndarray, oh: int, ow: int, align: bool, half: bool):
    f32 = np.float32
    py, y0, y1 = _positions_float(oh, x.shape[1], align, half)
    px, x0, x1 = _positions_float(ow, x.shape[2], align, half)
    xf = x.astype(f32)
    fy = (py - y0.astype(f32))[None, :, None, None]
    fx = (px - x0.astype(f32))[None, None, :, None]
    v = (xf[:, y0][:, :, x0] * (f32(1) - fy) * (f32(1) - fx) + xf[:, y1][:, :, x0] * fy * (f32(1) - fx)
         + xf[:, y0][:, :, x1] * (f32(1) - fy) * fx + xf[:, y1][:, :, x1] * fy * fx)
    return np.floor(v.astype(f32) + f32(0.5)).astype(np.int64)


def resize_bilinear(op: circle.ResizeBilinearOp, x, size):
    _same_qparams(op, op.input, op.output)
    q = per_tensor(op, op.input, "the input")
    oh, ow = shape_of(op.output)[1:3]
    align, half = op.align_corners.value.data, op.half_pixel_centers.value.data
    if q.is_signed:
        y = _bilinear_integer(x, oh, ow, align, half)
    else:
        y = _bilinear_float_rounded(x, oh, ow, align, half)
    info = np.iinfo(q.numpy_storage_dtype)
    return (np.clip(y, info.min, info.max).astype(q.numpy_storage_dtype),)


KERNELS = {circle.ResizeBilinearOp: resize_bilinear}
