"""LiteRT's optimized int8 and int16 ADD, predicted bit for bit from the kernel's source,
and the 1-step `Tolerance` ADD declares for it (docs/runtimes.md).

`add.cc` sends a same-shape int8 ADD to `optimized_integer_ops::AddElementwiseInt8` and
a same-shape int16 one (general scales) to `AddElementwiseInt16`; a broadcasting int16
ADD runs the reference `BroadcastAdd6DSlow`. x86 builds take their NEON paths (through
NEON_2_SSE; the int16 AVX2 path is not compiled in), 16 elements at a time, the rest in
a scalar loop identical to the reference. Each input is rescaled from `x << left_shift`
(20 for 8-bit, 15 for int16) by the multiplier `s_i / (2 max(s1, s2))`:

- reference (`MultiplyByQuantizedMultiplierSmallerThanOneExp`): the rounding doubling
  high multiply of `x << left_shift`, then a rounding right shift by `-shift`: two
  roundings;
- NEON: `vshlq_s32(x, left_shift + shift)` (a smaller, still exact, left shift), then
  `vqrdmulhq_n_s32`: one rounding.

The larger-scale input's multiplier is exactly 0.5 (2^30, shift 0): both compute it
exactly. Only the smaller-scale input can be 1 unit (2^-left_shift of the larger input's
step) apart, which moves the output by one step only where the sum sits on a rounding
boundary of the output rescaling: at most 1 step, rarely (never with equal scales).
"""

from __future__ import annotations

import numpy as np
import pytest

from compiler import runtimes
from compiler.bisect import bisect
from compiler.codegen import write_tflite
from compiler.dialects import circle
from compiler.interpreter import run
from compiler.interpreter.build import Input, single_op_module, tensor
from compiler.interpreter.fixedpoint import quantize_multiplier, rounding_divide_by_pot, srdhm
from compiler.ir.quant_types import make_quantized_type
from compiler.ir.runtime_traits import tolerated_steps

pytestmark = pytest.mark.skipif(not runtimes.litert_available(),
                                reason="ai-edge-litert not installed")

OPTIMIZED = "BUILTIN_WITHOUT_DEFAULT_DELEGATES"
#: scales with small rational ratios put many exact sums on a half step of the output
#: (20 a + 13 b = 15 (2k + 1)): the rounding of the smaller input then decides it
CASES = {
    "i8": ((0.02, 0.013, 0.03), (3, -5, -2), 20),
    "i16": ((0.002, 0.0013, 0.003), (0, 0, 0), 15),
}
DTYPE = {"i8": np.int8, "i16": np.int16}


def _multipliers(scales, left_shift):
    s1, s2, so = (float(np.float32(s)) for s in scales)
    twice_max = 2 * max(s1, s2)
    return (quantize_multiplier(s1 / twice_max), quantize_multiplier(s2 / twice_max),
            quantize_multiplier(twice_max / ((1 << left_shift) * so)))


def _neon(a, b, scales, zps, left_shift):
    """`AddElementwiseInt8/Int16`'s NEON loop: each input shifted left by
    `left_shift + shift` and rounded once by `vqrdmulhq_n_s32`; the output rescaled as
    the reference does (`vqrdmulhq_n_s32`, then `RoundingDivideByPOT`)."""
    (m1, h1), (m2, h2), (mo, ho) = _multipliers(scales, left_shift)
    x1 = (a.astype(np.int64) - zps[0]) << (left_shift + h1)
    x2 = (b.astype(np.int64) - zps[1]) << (left_shift + h2)
    raw = rounding_divide_by_pot(srdhm(srdhm(x1, m1) + srdhm(x2, m2), mo), -ho) + zps[2]
    info = np.iinfo(a.dtype)
    return np.clip(raw, info.min, info.max)


def _optimized_prediction(a, b, scales, zps, left_shift, reference):
    """The vector loop on the first 16 * (n // 16) elements, the scalar one (the
    reference's arithmetic) on the rest."""
    n = a.size - a.size % 16
    return np.concatenate([_neon(a[:n], b[:n], scales, zps, left_shift), reference[n:]])


def _add(storage, scales, zps, shape_a, shape_b, op=circle.AddOp):
    t = [make_quantized_type(storage, s, z) for s, z in zip(scales, zps)]
    out = list(np.broadcast_shapes(tuple(shape_a), tuple(shape_b)))
    return single_op_module(op, [Input(tensor(shape_a, t[0])), Input(tensor(shape_b, t[1]))],
                            [tensor(out, t[2])])


def _inputs(storage):
    """int8: every pair of values; int16: 2^17 random pairs. Then 15 elements for the
    scalar tail: copies of pairs the vector loop computes differently."""
    if storage == "i8":
        g = np.arange(-128, 128)
        a, b = (v.reshape(-1).astype(np.int8) for v in np.meshgrid(g, g))
    else:
        rng = np.random.default_rng(1)
        a, b = (rng.integers(-32768, 32768, 1 << 17).astype(np.int16) for _ in range(2))
    scales, zps, ls = CASES[storage]
    i = np.nonzero(_neon(a, b, scales, zps, ls) != run(
        _add(storage, scales, zps, [a.size], [b.size]), [a, b])[0])[0][:15]
    assert i.size == 15
    return np.concatenate([a, a[i]]), np.concatenate([b, b[i]])


@pytest.mark.parametrize("storage", ["i8", "i16"])
def test_optimized_add_rounds_the_smaller_input_once(storage):
    scales, zps, ls = CASES[storage]
    a, b = _inputs(storage)
    m = _add(storage, scales, zps, [a.size], [b.size])
    data = write_tflite(m)
    ir = run(m, [a, b])[0].astype(np.int64)
    assert np.array_equal(runtimes.run_litert(data, [a, b], "BUILTIN_REF")[0], ir)
    opt = runtimes.run_litert(data, [a, b], OPTIMIZED)[0].astype(np.int64)
    np.testing.assert_array_equal(opt, _optimized_prediction(a, b, scales, zps, ls, ir))
    off = opt != ir
    # measured: int8 75 of 65536 pairs, int16 ~25 of 2^17; the tail's copies are exact
    assert off.sum() > 0 and np.abs(opt - ir).max() == 1
    assert not off[-15:].any()
    (_, h1), (_, h2), _ = _multipliers(scales, ls)
    assert h1 == 0 and h2 < 0  # only the smaller-scale input's rescaling has a shift


def test_optimized_int16_add_is_exact_when_broadcasting_or_with_equal_scales():
    """Every int16 value plus one that departs with it: as a same-shape ADD the vector
    loop departs; broadcast from one row (the reference `BroadcastAdd6DSlow`), or with
    equal input scales (both multipliers 2^30, shift 0: nothing to round), it is exact."""
    scales, zps, ls = CASES["i16"]
    a, b = _inputs("i16")
    b0 = b[-1]  # a tail copy: a pair that departs
    a = np.arange(-32768, 32768, dtype=np.int16).reshape(-1, 16)
    row = np.full((1, 16), b0, np.int16)
    same = np.broadcast_to(row, a.shape).copy()
    m = _add("i16", scales, zps, list(a.shape), list(same.shape))
    ir = run(m, [a, same])[0]
    opt = runtimes.run_litert(write_tflite(m), [a, same], OPTIMIZED)[0]
    assert (opt != ir).sum() > 0
    mb = _add("i16", scales, zps, list(a.shape), [1, 16])
    np.testing.assert_array_equal(runtimes.run_litert(write_tflite(mb), [a, row], OPTIMIZED)[0],
                                  run(mb, [a, row])[0])
    equal = (0.002, 0.002, 0.003)
    me = _add("i16", equal, zps, list(a.shape), list(same.shape))
    np.testing.assert_array_equal(
        runtimes.run_litert(write_tflite(me), [a, same], OPTIMIZED)[0], run(me, [a, same])[0])


@pytest.mark.parametrize("storage", ["i8", "i16"])
def test_optimized_sub_is_exact(storage):
    """SUB takes the reference kernels for int8, and for int16 a vector path only under
    AVX2 (not compiled in): its scalar loop is the reference's. No tolerance."""
    scales, zps, _ = CASES[storage]
    a, b = _inputs(storage)
    m = _add(storage, scales, zps, [a.size], [b.size], op=circle.SubOp)
    np.testing.assert_array_equal(runtimes.run_litert(write_tflite(m), [a, b], OPTIMIZED)[0],
                                  run(m, [a, b])[0])


@pytest.mark.parametrize("storage", ["i8", "i16"])
def test_bisect_tolerates_the_optimized_add(storage):
    scales, zps, _ = CASES[storage]
    a, b = _inputs(storage)
    m = _add(storage, scales, zps, [a.size], [b.size])
    add = next(o for o in m.walk() if isinstance(o, circle.AddOp))
    assert tolerated_steps(add, "litert", OPTIMIZED, storage) == 1
    assert tolerated_steps(add, "litert", "BUILTIN_REF", storage) == 0
    result = bisect(write_tflite(m), [a, b], "litert", OPTIMIZED, source=m)
    assert result.error is None, str(result)
    assert [d.max_steps for d in result.departures] == [1]
