"""TFLite's lookup tables: how its table-driven kernels build and read them.

- **256-entry 8-bit tables** (`LUTPopulate` on int8 / uint8, `EvalUsingLookupTable`):
  `lut_8bit` dequantizes every storage value, applies a float32 transform, multiplies by
  `1 / s_out`, rounds half away from zero, adds the zero point and clamps. The 8-bit
  LOGISTIC, TANH, GELU, ELU, EXP and LOG kernels are such a table.

- **513-entry interpolated int16 tables** (`LUTPopulate<int16_t>`, `LUTLookup`), shared
  by the int16 GELU, EXP, LOG and RSQRT kernels. The table samples a float32
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

- **int16 SOFTMAX's tables** (`gen_lut`, `generic_int16_table_lookup`): 512 samples of
  a function over its input range, each corrected by half the interpolation error at
  the midpoint, evaluated in double.

- **`SIGMOID_TABLE_UINT16`**, the table the int16 LOGISTIC and TANH kernels
  interpolate in (`sigmoid_table_interpolate`): sigmoid(i / 24) in unsigned 0.16 fixed
  point. No closed formula reproduces it (round(65536 sigmoid(i / 24)) differs in 35 of
  the first 81 entries), so it was recovered from LiteRT itself: at inputs whose
  rescaled value is a multiple of 256, int16 TANH returns `table[i] - 32768` exactly
  (no interpolation term), which gives entries 0..254; entry 255 only appears as an
  interpolation end point and is the one value consistent with every TANH output in
  the last segment.
  `test/python/test_interpreter_litert.py::test_int16_sigmoid_table_recovered_from_litert`
  repeats the recovery against the installed LiteRT and compares.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import math

import numpy as np
from xdsl.ir import Operation

from compiler.interpreter.values import eight_bit_io, f32_scale

f32 = np.float32


# -- 256-entry 8-bit tables -----------------------------------------------------------------

def lut_8bit(op: Operation, x: np.ndarray, fn) -> tuple[np.ndarray]:
    """An 8-bit op's result through its 256-entry table of the float transform `fn`
    (`LUTPopulate`, float32; see the module notes)."""
    qi, qo = eight_bit_io(op)
    info = np.iinfo(qi.numpy_storage_dtype)
    values = np.arange(int(info.min), int(info.max) + 1)
    dequantized = np.float32(f32_scale(qi)) * (values - qi.zero_point.data).astype(np.float32)
    transformed = fn(dequantized.astype(np.float64)).astype(np.float32)
    inverse_scale = np.float32(1) / np.float32(f32_scale(qo))
    prod = transformed * inverse_scale
    rounded = np.sign(prod) * np.floor(np.abs(prod) + np.float32(0.5))
    out_info = np.iinfo(qo.numpy_storage_dtype)
    # clamp in float: an infinite value (log of 0) saturates instead of overflowing
    quantized = np.clip(rounded.astype(np.float64) + qo.zero_point.data, out_info.min,
                        out_info.max)
    table = quantized.astype(qo.numpy_storage_dtype)
    return (table[x.astype(np.int64) - int(info.min)],)


# -- 513-entry interpolated int16 tables ----------------------------------------------------

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


# -- int16 SOFTMAX's tables -----------------------------------------------------------------

def _round(v: float) -> float:
    return math.copysign(math.floor(abs(v) + 0.5), v)


def gen_lut(func, input_min: float, input_max: float, output_min: float,
            output_max: float) -> np.ndarray:
    """TFLite's int16 `gen_lut`: 512 interpolation-corrected samples plus the end value."""
    steps = 512
    step = (input_max - input_min) / steps
    half = step / 2
    scaling = 65536.0 / (output_max - output_min)
    lut = np.zeros(steps + 1, dtype=np.int64)
    for i in range(steps):
        val = func(input_min + i * step)
        mid = func(input_min + i * step + half)
        nxt = func(input_min + (i + 1) * step)
        sample = _round(val * scaling)
        interp = _round((nxt * scaling + _round(val * scaling)) / 2)
        bias = _round((interp - _round(mid * scaling)) / 2)
        lut[i] = min(max(sample - bias, -32768.0), 32767.0)
    lut[steps] = min(max(_round(func(input_max) * scaling), -32768.0), 32767.0)
    return lut


def generic_int16_table_lookup(value: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """`generic_int16_table_lookup`: base + rounded slope * 7-bit offset."""
    index = 256 + (value >> 7)
    offset = value & 0x7F
    base = lut[index]
    slope = lut[index + 1] - base
    return base + ((slope * offset + 64) >> 7)


# -- the int16 sigmoid table ----------------------------------------------------------------

SIGMOID_TABLE_UINT16 = np.array([
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535
], dtype=np.int64)


def sigmoid_table_interpolate(magnitude: np.ndarray, frac_bits: int, saturated: int) -> np.ndarray:
    """(table[h] << frac_bits) + t * (table[h + 1] - table[h]) for h = magnitude >>
    frac_bits and t its fraction; `saturated` from h = 255 on."""
    h = magnitude >> frac_bits
    safe = np.minimum(h, 254)
    a, b = SIGMOID_TABLE_UINT16[safe], SIGMOID_TABLE_UINT16[safe + 1]
    t = magnitude & ((1 << frac_bits) - 1)
    return np.where(h >= 255, saturated, (a << frac_bits) + t * (b - a))
