"""int16 GELU: TFLite's 513-entry interpolated table (`LUTPopulate<int16_t>`, float32).

The table samples the float32 GELU transform at 512 evenly spaced points over the
input's real range (plus the end point). Each entry is corrected by half the
interpolation error at its segment's midpoint. Everything is float32 arithmetic, as
`LUTPopulateInt16<float>` does it:

    in_min, in_max   = s_in * (-32768 - zp_in), s_in * (32767 - zp_in)
    out_min, out_max = likewise for the output
    step = (in_max - in_min) / 512;  inv = 65536 / (out_max - out_min)
    v, m, n = f(in_min + i*step), f(in_min + i*step + step/2), f(in_min + (i+1)*step)
    bias = round((round((n*inv + round(v*inv)) / 2) - round(m*inv)) / 2)
    lut[i] = clamp(round(v*inv) - bias);   lut[512] = clamp(round(f(in_max)*inv))

`round` is roundf (halves away from zero). The lookup (`LUTLookup`) computes
`lut[256 + (x >> 7)]` plus the rounded slope times the low 7 bits, with int16 wraps.

The transform calls the C library's float `erfcf` / `tanhf`, because LiteRT takes
them from the system libm (glibc) and they are not correctly rounded: with correctly
rounded values, one entry in a few hundred tables comes out one step off. This module
calls the same functions through ctypes. Without a loadable libm it refuses the op
instead of approximating.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import math

import numpy as np

from compiler.dialects import circle
from compiler.interpreter.values import f32_scale, per_tensor

f32 = np.float32


@functools.cache
def _libm():
    name = ctypes.util.find_library("m")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
        for fn in ("erfcf", "tanhf"):
            getattr(lib, fn).restype = ctypes.c_float
            getattr(lib, fn).argtypes = [ctypes.c_float]
    except (OSError, AttributeError):
        return None
    return lib


def _c_float_fn(op, name: str):
    lib = _libm()
    if lib is None:
        raise NotImplementedError(f"{op.name}: the int16 kernel needs the C library's "
                                  f"{name} (as LiteRT uses it), which could not be loaded")
    fn = getattr(lib, name)
    return np.frompyfunc(lambda v: fn(float(v)), 1, 1)


def _roundf(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, f32)
    return (np.sign(v) * np.floor(np.abs(v) + f32(0.5))).astype(f32)


def gelu_transform(op, approximate: bool):
    """TFLite's `GeluTransform[Approximate]` in float32, with libm's erfcf / tanhf."""
    if approximate:
        tanhf = _c_float_fn(op, "tanhf")
        c = f32(2 / math.sqrt(math.pi) * math.sqrt(0.5))  # M_2_SQRTPI * M_SQRT1_2

        def transform(x: np.ndarray) -> np.ndarray:
            inner = (c * (x + f32(0.044715) * x * x * x)).astype(f32)
            return (f32(0.5) * x * (f32(1) + tanhf(inner).astype(f32))).astype(f32)
    else:
        erfcf = _c_float_fn(op, "erfcf")
        k = f32(-math.sqrt(0.5))  # -M_SQRT1_2

        def transform(x: np.ndarray) -> np.ndarray:
            return (f32(0.5) * x * erfcf((x * k).astype(f32)).astype(f32)).astype(f32)
    return transform


def lut_populate_int16(s_in: float, zp_in: int, s_out: float, zp_out: int,
                       transform) -> np.ndarray:
    """The 513-entry int16 table (see the module notes), float32 throughout."""
    s_in, s_out = f32(s_in), f32(s_out)
    in_min, in_max = s_in * f32(-32768 - zp_in), s_in * f32(32767 - zp_in)
    out_min, out_max = s_out * f32(-32768 - zp_out), s_out * f32(32767 - zp_out)
    step = (in_max - in_min) / f32(512)
    half = step / f32(2)
    inv = f32(65536) / (out_max - out_min)
    i = np.arange(512).astype(f32)
    at = (in_min + i * step).astype(f32)
    val = transform(at)
    mid = transform((at + half).astype(f32))
    nxt = transform((in_min + (i + f32(1)) * step).astype(f32))
    sample = _roundf(val * inv)
    interp = _roundf((nxt * inv + sample) / f32(2))
    bias = _roundf((interp - _roundf(mid * inv)) / f32(2))
    lut = np.clip(sample - bias, f32(-32768), f32(32767))
    last = np.clip(_roundf(transform(np.array([in_max], f32)) * inv), f32(-32768), f32(32767))
    return np.concatenate([lut, last]).astype(np.int16)


def lut_lookup_int16(x: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """`LUTLookup` for int16: base entry plus the interpolated slope (int16 wraps)."""
    v = x.astype(np.int32)
    index = 256 + (v >> 7)
    base = lut[index].astype(np.int32)
    slope = (lut[index + 1].astype(np.int32) - base).astype(np.int16).astype(np.int32)
    delta = ((slope * (v & 0x7F) + 64) >> 7).astype(np.int16).astype(np.int32)
    return (base + delta).astype(np.int16)


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
