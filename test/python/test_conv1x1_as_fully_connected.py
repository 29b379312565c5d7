"""`refine-numerics` (LiteRT) on a 1x1 CONV_2D with stride 1: the convolution's
`MultiplyByQuantizedMultiplier` rounds `acc * M` twice (one step high on the outputs
within 2^-(R+1) of a half below it, R its right shift), the FULLY_CONNECTED it becomes
rounds once, as PT2E's float convolution followed by one quantize does; LiteRT's
reference kernels compute the rewritten op bit for bit as the interpreter does.

The uint8 types are like resnet50's with per-tensor weights (weight zero point 125,
M ~ 0.019: R = 6, ~0.8 % of a conv's ReLU outputs one step high).
"""

from __future__ import annotations

import numpy as np
import pytest

from compiler import runtimes
from compiler.codegen import write_tflite
from compiler.dialects import circle
from compiler.interpreter import run
from compiler.interpreter.build import Const, Input, single_op_module, tensor
from compiler.ir.quant_types import UniformQuantizedPerAxisType, make_quantized_type
from compiler.transforms import conv1x1_as_fully_connected
from compiler.transforms.utils import constant_of

C, O = 64, 32
U8 = dict(x=make_quantized_type("u8", 0.0167, 0), y=make_quantized_type("u8", 0.0172, 0),
          w=make_quantized_type("u8", 0.02, 125))
I8 = dict(x=make_quantized_type("i8", 0.0167, -128), y=make_quantized_type("i8", 0.0172, -128),
          w=make_quantized_type("i8", np.linspace(0.004, 0.02, O), [0] * O, axis=0,
                                qmin=-127, qmax=127))


def _conv(t: dict, stride: int = 1, seed: int = 0):
    rng = np.random.default_rng(seed)
    w_t = t["w"]
    zp = np.asarray(w_t.zero_points)[0]
    w = rng.integers(zp - 30, zp + 31, (O, 1, 1, C))  # like trained weights: near zero
    s_acc = np.float32(t["x"].scale.data) * np.asarray(w_t.scales, np.float32)
    if isinstance(w_t, UniformQuantizedPerAxisType):
        b_t = make_quantized_type("i32", s_acc.astype(np.float64), [0] * O, axis=0)
    else:
        b_t = make_quantized_type("i32", float(s_acc[0]), 0)
    b = rng.integers(-3000, 3000, O).astype(np.int32)
    out = 8 // stride
    return single_op_module(
        circle.Conv2DOp,
        [Input(tensor([1, 8, 8, C], t["x"])), Const(w, tensor([O, 1, 1, C], w_t)),
         Const(b, tensor([O], b_t))],
        [tensor([1, out, out, O], t["y"])],
        fused_activation_function="RELU", stride_h=stride, stride_w=stride, padding="VALID")


def _op(m, cls):
    return [o for o in m.walk() if isinstance(o, cls)]


def _inputs(t: dict, seed: int) -> np.ndarray:
    rng = np.random.default_rng(100 + seed)
    x = t["x"]
    # like ReLU activations: mostly small
    zp = x.zero_point.data
    return rng.integers(zp, zp + 32, (1, 8, 8, C)).astype(x.numpy_storage_dtype)


def _pt2e(m, t: dict, x: np.ndarray) -> np.ndarray:
    """PT2E's computation: the float convolution of the dequantized operands, quantized
    once (round half to even), ReLU."""
    (conv,) = _op(m, circle.Conv2DOp)
    wq = constant_of(conv.filter).reshape(O, C).astype(np.float64)
    bq = constant_of(conv.bias).astype(np.float64)
    w_t = t["w"]
    wr = (wq - np.asarray(w_t.zero_points)[:, None]) * np.asarray(w_t.scales, np.float32)[:, None]
    xr = t["x"].dequantize(x).astype(np.float64).reshape(-1, C)
    s_acc = np.float32(t["x"].scale.data) * np.asarray(w_t.scales, np.float32)
    y = xr @ wr.T + bq * s_acc
    return t["y"].quantize(np.maximum(y, 0).astype(np.float32)).reshape(1, 8, 8, O)


@pytest.mark.parametrize("t", [U8, I8], ids=["uint8-per-tensor", "int8-per-channel"])
def test_the_rewrite_rounds_once(t):
    m = _conv(t)
    xs = [_inputs(t, s) for s in range(4)]
    want = [_pt2e(m, t, x).astype(np.int64) for x in xs]
    before = [run(m, [x])[0].astype(np.int64) for x in xs]
    assert conv1x1_as_fully_connected.rewrite(_op(m, circle.Conv2DOp)[0])
    assert not _op(m, circle.Conv2DOp) and len(_op(m, circle.FullyConnectedOp)) == 1
    after = [run(m, [x])[0].astype(np.int64) for x in xs]
    off_before = np.mean([np.mean(a != b) for a, b in zip(before, want)])
    off_after = np.mean([np.mean(a != b) for a, b in zip(after, want)])
    # the convolution: every difference one step up (double rounding away from zero)
    assert all(((a - b) >= 0).all() and (a - b).max() <= 1 for a, b in zip(before, want))
    assert off_before > 0.002, off_before
    # the FULLY_CONNECTED rounds once: equal but where float32 rounds across a tie
    assert off_after < 1e-3 and all(np.abs(a - b).max() <= 1 for a, b in zip(after, want))


def test_only_1x1_stride_1_8_bit():
    for m in (_conv(U8, stride=2),):
        assert not conv1x1_as_fully_connected.rewrite(_op(m, circle.Conv2DOp)[0])


@pytest.mark.skipif(not runtimes.litert_available(), reason="ai-edge-litert not installed")
@pytest.mark.parametrize("t", [U8, I8], ids=["uint8-per-tensor", "int8-per-channel"])
def test_litert_runs_the_rewrite_bit_exactly(t):
    m = _conv(t)
    assert conv1x1_as_fully_connected.rewrite(_op(m, circle.Conv2DOp)[0])
    data = write_tflite(m)
    for seed in range(3):
        x = _inputs(t, seed)
        (theirs,) = runtimes.run_runtime("litert", data, [x], "BUILTIN_REF", isolated=True)
        np.testing.assert_array_equal(run(m, [x])[0], theirs)
