"""Integer HARD_SWISH: TFLite's reference `HardSwish<T>` on 16-bit fixed point.

    x = (q - zp_in) << 7                                    "hires" input, int16
    y = SRDHM16(x, M_out)                                   x on the pre-shift output scale
    r = x rescaled so that 3.0 maps to 32768 (M_relu, saturating left shifts),
    r = (r + 2^15) >> 1                                     relu6(x + 3) / 6 in [0, 1] (Q15)
    out = RDBPOT(SDHM16(r, y), -exp_out) + zp_out          SDHM: no rounding nudge

The two multipliers come from float32 products (`hires = s_in / 128`,
`M_out = hires / s_out`, `M_relu = hires / (3 / 32768)`), quantized to 31 bits and
rounded down to 16 (`DownScaleInt32ToInt16Multiplier`).
"""

from __future__ import annotations

import numpy as np

from compiler.dialects import circle
from compiler.interpreter.fixedpoint import quantize_multiplier, rounding_divide_by_pot
from compiler.interpreter.values import f32_scale, per_tensor

_I16_MIN, _I16_MAX = -(1 << 15), (1 << 15) - 1


def _to_int16_multiplier(m: int) -> int:
    if m >= (1 << 31) - 1 - (1 << 15):
        return _I16_MAX
    return (m + (1 << 15)) >> 16


def _trunc_div(x: np.ndarray, d: int) -> np.ndarray:
    return np.where(x >= 0, x // d, -((-x) // d))


def _srdhm16(a: np.ndarray, b: int) -> np.ndarray:
    ab = a.astype(np.int64) * b
    nudge = np.where(ab >= 0, 1 << 14, 1 - (1 << 14))
    out = _trunc_div(ab + nudge, 1 << 15)
    return np.where((a == b) & (a == _I16_MIN), _I16_MAX, out)


def _sdhm16(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = _trunc_div(a.astype(np.int64) * b, 1 << 15)
    return np.where((a == b) & (a == _I16_MIN), _I16_MAX, out)


def _saturating_left_shift(v: np.ndarray, amount: int) -> np.ndarray:
    return np.clip(v * (1 << amount), _I16_MIN, _I16_MAX)


def hard_swish(op: circle.HardSwishOp, x):
    qi = per_tensor(op, op.input, "the input")
    qo = per_tensor(op, op.output, "the output")
    if qi.width != 8 or qo.width != 8:
        raise NotImplementedError(f"{op.name}: the {qi.storage_spelling} kernel is not "
                                  "bit-exact yet (only int8/uint8 are implemented)")
    hires = np.float32(1.0 / 128.0) * np.float32(f32_scale(qi))
    m_out, e_out = quantize_multiplier(float(hires / np.float32(f32_scale(qo))))
    m_relu, e_relu = quantize_multiplier(float(hires / np.float32(3.0 / 32768.0)))
    if e_out > 0:
        raise NotImplementedError(f"{op.name}: output scale below input scale / 128 "
                                  "(TFLite refuses it)")
    m_out16, m_relu16 = _to_int16_multiplier(m_out), _to_int16_multiplier(m_relu)

    hires_x = (x.astype(np.int64) - qi.zero_point.data) * (1 << 7)
    preshift = _srdhm16(hires_x, m_out16)
    r = hires_x
    if e_relu > 0:
        r = _saturating_left_shift(r, e_relu - 1)
    r = _srdhm16(r, m_relu16)
    if e_relu > 0:
        r = _saturating_left_shift(r, 1)
    if e_relu < 0:
        r = rounding_divide_by_pot(r, -e_relu)
    r = (r + (1 << 15)) >> 1
    y = rounding_divide_by_pot(_sdhm16(r, preshift), -e_out) + qo.zero_point.data
    info = np.iinfo(qo.numpy_storage_dtype)
    return (np.clip(y, info.min, info.max).astype(qo.numpy_storage_dtype),)


KERNELS = {circle.HardSwishOp: hard_swish}
