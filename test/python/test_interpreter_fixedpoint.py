"""TFLite's fixed-point primitives: hand-computed values and a scalar transcription.

The scalar reference below is a line-by-line Python transcription of the C++ in
TFLite's `common.h` on Python integers (no numpy), independent of the vectorized
implementation under test.
"""

from __future__ import annotations

import numpy as np
import pytest

from compiler.interpreter.fixedpoint import (
    INT32_MAX,
    INT32_MIN,
    multiply_by_quantized_multiplier,
    quantize_multiplier,
    round_half_away,
    rounding_divide_by_pot,
    srdhm,
)


def ref_srdhm(a: int, b: int) -> int:
    if a == b == INT32_MIN:
        return INT32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    v = ab + nudge
    q = abs(v) // (1 << 31)  # C division truncates toward zero
    return q if v >= 0 else -q


def ref_rdbpot(x: int, exponent: int) -> int:
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def ref_mbqm(x: int, m: int, shift: int) -> int:
    left = shift if shift > 0 else 0
    right = 0 if shift > 0 else -shift
    return ref_rdbpot(ref_srdhm(x * (1 << left), m), right)


def test_quantize_multiplier_hand_values():
    assert quantize_multiplier(0.5) == (1 << 30, 0)
    assert quantize_multiplier(1.0) == (1 << 30, 1)
    assert quantize_multiplier(0.75) == (3 << 29, 0)
    assert quantize_multiplier(0.0) == (0, 0)
    # 1e-12 = 0.55 * 2^-39: beyond 31 bits of right shift -> flushed to zero
    assert quantize_multiplier(1e-12) == (0, 0)
    # a mantissa that rounds up to 2^31 is halved and the exponent bumped
    assert quantize_multiplier(1.0 - 2.0**-34) == (1 << 30, 1)
    # round half away from zero on the 31-bit mantissa: 0.5 + 2^-32 -> 2^30 + 0.5 -> +1
    assert quantize_multiplier(0.5 + 2.0**-32) == ((1 << 30) + 1, 0)


def test_round_half_away():
    assert [round_half_away(v) for v in (0.5, 1.5, 2.5, -0.5, -2.5, 2.4999)] == [
        1, 2, 3, -1, -3, 2]


def test_srdhm_hand_values():
    assert int(srdhm(INT32_MIN, INT32_MIN)) == INT32_MAX  # the one saturating case
    assert int(srdhm(1 << 30, 1 << 30)) == 1 << 29  # 0.5 * 0.5 = 0.25
    assert int(srdhm(1, 1 << 30)) == 1  # +0.5 rounds up
    assert int(srdhm(-1, 1 << 30)) == 0  # -0.5 rounds toward zero: gemmlowp's asymmetry
    assert int(srdhm(-3, 1 << 30)) == -1  # -1.5 -> -1


def test_rounding_divide_by_pot_ties_away_from_zero():
    xs = np.array([5, -5, 3, -3, 7, -6, 4, -4])
    exps = np.array([1, 1, 1, 1, 2, 2, 3, 3])
    assert rounding_divide_by_pot(xs, exps).tolist() == [3, -3, 2, -2, 2, -2, 1, -1]


def test_multiply_by_quantized_multiplier_matches_scalar_transcription():
    rng = np.random.default_rng(0)
    xs = np.concatenate([
        rng.integers(-(1 << 24), 1 << 24, 4000),
        [0, 1, -1, INT32_MAX, INT32_MIN + 1, (1 << 20), -(1 << 20)],
    ])
    for real in (0.5, 0.3337, 1.0 / 3, 2.0**-9, 0.0078125, 1.7, 3.0, 1e-4):
        m, shift = quantize_multiplier(real)
        x = xs if shift <= 0 else xs >> shift  # keep the left shift within int32
        got = multiply_by_quantized_multiplier(x, m, shift)
        want = [ref_mbqm(int(v), m, shift) for v in x]
        assert got.tolist() == want, real


def test_multiply_by_quantized_multiplier_per_channel_broadcast():
    x = np.array([[1000, -1000], [77, -77]])
    m = np.array([1 << 30, 3 << 29])
    shift = np.array([-2, 0])
    got = multiply_by_quantized_multiplier(x, m, shift)
    want = [[ref_mbqm(int(x[i, j]), int(m[j]), int(shift[j])) for j in range(2)]
            for i in range(2)]
    assert got.tolist() == want
    assert got.tolist() == [[125, -750], [10, -58]]  # 9.625 -> 10; -57.75 -> -58


@pytest.mark.parametrize("x,exp", [(6, 2), (-6, 2), (2, 2), (-2, 2), (-10, 2)])
def test_rdbpot_scalar(x, exp):
    assert int(rounding_divide_by_pot(x, exp)) == ref_rdbpot(x, exp)
