"""TFLite's 513-entry interpolated int16 tables (`LUTPopulate<int16_t>`, `LUTLookup`).

Shared by the int16 GELU, EXP, LOG and RSQRT kernels. The table samples a float32
transform at 512 evenly spaced points over the input's real range (plus the end
point). Each entry is corrected by half the interpolation error at its segment's
midpoint. Everything is float32 arithmetic, as `LUTPopulateInt16<float>` does it:

    in_min, in_max   = s_in * (-32768 - zp_in), s_in * (32767 - zp_in)
    out_min, out_max = likewise for the output
    step = (in_max - in_min) / 512;  inv = 65536 / (out_max - out_min)
    v, m, n = f(in_min + i*step), f(in_min + i*step + step/2), f(in_min + (i+1)*step)
    bias = round((round((n*inv + round(v*inv)) / 2) - round(m*inv)) / 2)
    lut[i] = clamp(round(v*inv) - bias);   lut[512] = clamp(round(f(in_max)*inv))

`round` is roundf (halves away from zero). Where the transform overflows (exp of a
large input, or a value times `inv` beyond float32), the entry's arithmetic gives
inf - inf = NaN, which the clamp keeps and the C cast to int16 turns into 0 on x86-64
(`cvttss2si` gives 0x80000000, whose low 16 bits are 0); LiteRT's tables hold 0 there
and so does ours. The lookup (`LUTLookup`) computes `lut[256 + (x >> 7)]` plus the
rounded slope times the low 7 bits, with int16 wraps.

The transforms call the C library's float functions (`erfcf`, `tanhf`, `expf`,
`logf`), because LiteRT takes them from the system libm (glibc) and they are not
correctly rounded: with correctly rounded values, some entries come out one step off.
`c_float_fn` loads them through ctypes; without a loadable libm the op is refused
instead of approximated.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

import numpy as np

f32 = np.float32

_LIBM_FUNCTIONS = ("erfcf", "tanhf", "expf", "logf")


@functools.cache
def _libm():
    name = ctypes.util.find_library("m")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
        for fn in _LIBM_FUNCTIONS:
            getattr(lib, fn).restype = ctypes.c_float
            getattr(lib, fn).argtypes = [ctypes.c_float]
    except (OSError, AttributeError):
        return None
    return lib


def c_float_fn(op, name: str):
    """The C library's float function `name`, elementwise on a float32 array."""
    lib = _libm()
    if lib is None:
        raise NotImplementedError(f"{op.name}: the int16 kernel needs the C library's "
                                  f"{name} (as LiteRT uses it), which could not be loaded")
    fn = getattr(lib, name)
    ufunc = np.frompyfunc(lambda v: fn(float(v)), 1, 1)
    return lambda x: np.asarray(ufunc(np.asarray(x, f32)), dtype=f32)


def roundf(v: np.ndarray) -> np.ndarray:
    """C `roundf`: halves away from zero (inf and NaN pass through)."""
    v = np.asarray(v, f32)
    return (np.sign(v) * np.floor(np.abs(v) + f32(0.5))).astype(f32)


def _to_int16(v: np.ndarray) -> np.ndarray:
    """The C cast of an already clamped float to int16; NaN becomes 0 (x86-64)."""
    return np.where(np.isnan(v), f32(0), v).astype(np.int16)


def lut_populate_int16(s_in: float, zp_in: int, s_out: float, zp_out: int,
                       transform) -> np.ndarray:
    """The 513-entry int16 table (see the module notes), float32 throughout."""
    with np.errstate(over="ignore", invalid="ignore"):
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
        sample = roundf(val * inv)
        interp = roundf((nxt * inv + sample) / f32(2))
        bias = roundf((interp - roundf(mid * inv)) / f32(2))
        lut = np.clip(sample - bias, f32(-32768), f32(32767))
        last = np.clip(roundf(transform(np.array([in_max], f32)) * inv),
                       f32(-32768), f32(32767))
        return _to_int16(np.concatenate([lut, last]).astype(f32))


def lut_lookup_int16(x: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """`LUTLookup` for int16: base entry plus the interpolated slope (int16 wraps)."""
    v = x.astype(np.int32)
    index = 256 + (v >> 7)
    base = lut[index].astype(np.int32)
    slope = (lut[index + 1].astype(np.int32) - base).astype(np.int16).astype(np.int32)
    delta = ((slope * (v & 0x7F) + 64) >> 7).astype(np.int16).astype(np.int32)
    return (base + delta).astype(np.int16)
