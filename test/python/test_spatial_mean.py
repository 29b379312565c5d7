"""A quantized global average pool rounds its mean once in both runtimes.

The 8-bit MEAN of TFLite folds 1/n into a fixed-point multiplier and rounds twice. Over
3x3 cells at equal scales it rounds a mean whose fraction is in [0.375, 0.5) up to the
next integer. `circle-cleanup` therefore lowers an H x W MEAN with equal parameters to
AVERAGE_POOL_2D (compiler/transforms/patterns/spatial_mean.py). Here the model is only
that MEAN, with integer I/O. After `circle-cleanup`, LiteRT (BUILTIN_REF) and onert must
both return round(mean) of the stored integers exactly, ties away from zero. The inputs
are chosen so that many means have the fraction 4/9, which MEAN would round up.
"""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.parser import Parser

import compiler
from compiler.codegen import write_circle, write_tflite
from compiler.ir.context import make_context
from compiler.transforms.circle_cleanup import CircleCleanupPass
from runtimes import run_litert, run_onert

PROGRAM = """
func.func @forward(%x: tensor<1x3x3x64x!quant.uniform<{t}:f32, 0.02:{zp}>>) -> tensor<1x64x!quant.uniform<{t}:f32, 0.02:{zp}>> {{
  %a = circle.const dense<[1, 2]> : tensor<2xi32>
  %m = circle.mean %x, %a : (tensor<1x3x3x64x!quant.uniform<{t}:f32, 0.02:{zp}>>, tensor<2xi32>) -> tensor<1x64x!quant.uniform<{t}:f32, 0.02:{zp}>>
  func.return %m : tensor<1x64x!quant.uniform<{t}:f32, 0.02:{zp}>>
}}
"""


def rounded_mean(q: np.ndarray, zp: int) -> np.ndarray:
    """round(mean(q - zp)) + zp over H and W (NHWC), ties away from zero."""
    d = q.astype(np.int64) - zp
    s, n = d.sum(axis=(1, 2)), d.shape[1] * d.shape[2]
    return np.where(s >= 0, (s + n // 2) // n, -((-s + n // 2) // n)) + zp


@pytest.mark.parametrize("storage,zp,target", [("i8", -1, ".tflite"), ("u8", 127, ".circle")])
def test_global_average_pool_rounds_once(storage, zp, target):
    module = Parser(make_context(), PROGRAM.format(t=storage, zp=zp)).parse_module()
    before = module.clone()
    CircleCleanupPass().apply(make_context(), module)
    ops = [o.name for o in module.walk() if o.name.startswith("circle.")]
    assert "circle.average_pool_2d" in ops and "circle.mean" not in ops
    dtype = np.int8 if storage == "i8" else np.uint8
    info = np.iinfo(dtype)
    x = np.random.default_rng(0).integers(info.min, info.max + 1, (8, 3, 3, 64)).astype(dtype)
    want = rounded_mean(x, zp)
    fraction = np.abs(x.astype(np.int64) - zp).sum(axis=(1, 2)) % 9
    assert np.count_nonzero(fraction == 4) > 20
    data = write_tflite(module) if target == ".tflite" else write_circle(module)
    mean_data = write_tflite(before) if target == ".tflite" else None
    mean_high = 0
    for i in range(len(x)):
        xi = x[i:i + 1]
        interp = compiler.run(module, [xi])[0]
        np.testing.assert_array_equal(interp.reshape(-1), want[i])
        got = (run_litert(data, [xi], resolver="BUILTIN_REF") if target == ".tflite"
               else run_onert(data, [xi]))[0]
        np.testing.assert_array_equal(got, interp)
        # what the MEAN computes (TFLite's kernel; the interpreter equals LiteRT's)
        mean = compiler.run(before, [xi])[0]
        if mean_data is not None:
            np.testing.assert_array_equal(run_litert(mean_data, [xi], resolver="BUILTIN_REF")[0],
                                          mean)
        mean_high += int(np.count_nonzero(mean.reshape(-1) != want[i]))
    assert mean_high > 20
