"""LiteRT's uint8 CONV_2D and FULLY_CONNECTED (per-tensor weights) outside the reference
kernels: each resolver's rounding, predicted bit for bit from the kernels' source, and
the 1-step `Tolerance` the ops declare for it (docs/runtimes.md).

- the optimized kernels multiply through `cpu_backend_gemm` (ruy with AVX on x86): the
  accumulator times the 31-bit multiplier M is rounded twice, ties toward +infinity:
  `y1 = (acc M + 2^30) >> 31`, then `(y1 + 2^(e-1)) >> e`. The reference CONV_2D rounds
  twice with ties away from zero (so they differ only on negative ties of the second
  rounding), the reference FULLY_CONNECTED once (they differ also where the first
  rounding reaches a half);
- XNNPACK computes `float32(acc) * float32(s_in s_w / s_out)` rounded to nearest even.

Both are at most 1 step from the IR; `compiler.bisect` tolerates that much and still
reports a departure of 2 steps.
"""

from __future__ import annotations

import numpy as np
import pytest

from compiler import bisect as bisect_module
from compiler import runtimes
from compiler.bisect import bisect
from compiler.codegen import write_tflite
from compiler.dialects import circle
from compiler.interpreter import run
from compiler.interpreter.build import Const, Input, single_op_module, tensor
from compiler.interpreter.fixedpoint import quantize_multiplier
from compiler.ir.quant_types import make_quantized_type

pytestmark = pytest.mark.skipif(not runtimes.litert_available(),
                                reason="ai-edge-litert not installed")

# resnet50's uint8 per-tensor parameters (weight zero point 125); the output zero point
# 128 leaves negative outputs, where the tie directions differ (no fused ReLU)
SX, SW, SY, ZW, ZY = 0.0167, 0.006, 0.0172, 125, 128
X, W, Y = (make_quantized_type("u8", SX, 0), make_quantized_type("u8", SW, ZW),
           make_quantized_type("u8", SY, ZY))
B = make_quantized_type("i32", float(np.float32(SX) * np.float32(SW)), 0)
C = O = 32
K = 3
OPTIMIZED, XNNPACK = "BUILTIN_WITHOUT_DEFAULT_DELEGATES", "AUTO"


def _weights(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(ZW - 30, ZW + 31, shape), rng.integers(-3000, 3000, O).astype(np.int32)


def _conv():
    w, b = _weights((O, K, K, C), 0)
    m = single_op_module(
        circle.Conv2DOp, [Input(tensor([1, 10, 10, C], X)), Const(w, tensor([O, K, K, C], W)),
                          Const(b, tensor([O], B))],
        [tensor([1, 8, 8, O], Y)], padding="VALID")

    def acc(x):
        xs, ws = x.astype(np.int64), w.astype(np.int64) - ZW
        win = np.stack([xs[0, i:i + K, j:j + K] for i in range(8) for j in range(8)])
        return (np.einsum("phwc,ohwc->po", win, ws) + b).reshape(1, 8, 8, O)
    return m, acc, (1, 10, 10, C)


def _fully_connected():
    w, b = _weights((O, C), 1)
    m = single_op_module(
        circle.FullyConnectedOp, [Input(tensor([64, C], X)), Const(w, tensor([O, C], W)),
                                  Const(b, tensor([O], B))],
        [tensor([64, O], Y)])
    return m, (lambda x: x.astype(np.int64) @ (w.astype(np.int64) - ZW).T + b), (64, C)


def _ruy(acc):
    m, shift = quantize_multiplier(float(np.float32(SX) * np.float32(SW)) / float(np.float32(SY)))
    e = -shift
    y1 = (acc * m + (1 << 30)) >> 31
    return np.clip(((y1 + (1 << (e - 1))) >> e) + ZY, 0, 255)


def _xnnpack(acc):
    scale = np.float32(np.float32(SX) * np.float32(SW)) / np.float32(SY)
    return np.clip(np.rint(acc.astype(np.float32) * scale).astype(np.int64) + ZY, 0, 255)


def _inputs(shape, seed):
    return np.random.default_rng(10 + seed).integers(0, 48, shape).astype(np.uint8)


@pytest.mark.parametrize("build", [_conv, _fully_connected], ids=["conv_2d", "fully_connected"])
def test_each_resolver_rounds_as_its_kernel_does(build):
    m, acc, shape = build()
    data = write_tflite(m)
    off = {OPTIMIZED: 0, XNNPACK: 0}
    for seed in range(2):
        x = _inputs(shape, seed)
        ir = run(m, [x])[0].astype(np.int64)
        a = acc(x)
        assert np.array_equal(runtimes.run_litert(data, [x], "BUILTIN_REF")[0], ir)
        opt = runtimes.run_litert(data, [x], OPTIMIZED)[0].astype(np.int64)
        xnn = runtimes.run_litert(data, [x], XNNPACK)[0].astype(np.int64)
        assert np.array_equal(opt, _ruy(a)) and np.array_equal(xnn, _xnnpack(a))
        assert np.abs(opt - ir).max() <= 1 and np.abs(xnn - ir).max() <= 1
        off[OPTIMIZED] += int((opt != ir).sum())
        off[XNNPACK] += int((xnn != ir).sum())
    # the optimized kernels depart on both ops (~0.3-0.5 % here); XNNPACK on the
    # convolution only: it rounds once like the reference FULLY_CONNECTED
    assert off[OPTIMIZED] > 0
    assert (off[XNNPACK] > 0) == (build is _conv)


@pytest.mark.parametrize("build", [_conv, _fully_connected], ids=["conv_2d", "fully_connected"])
@pytest.mark.parametrize("resolver", [OPTIMIZED, XNNPACK])
def test_bisect_tolerates_one_step(build, resolver):
    m, _, shape = build()
    b = bisect(write_tflite(m), [_inputs(shape, 0)], "litert", resolver, source=m)
    assert b.error is None, str(b)
    assert all(d.max_steps == 1 and d.tolerance == 1 for d in b.departures)


def _shift_bias(data: bytes, by: int) -> bytes:
    """`data` with the op's bias (buffer of its operand 2) shifted by `by`."""
    from compiler.codegen.reader import unpack_model
    from compiler.codegen.writer import pack_model

    model = unpack_model(data)
    sg = model.subgraphs[0]
    buf = model.buffers[sg.tensors[sg.operators[0].inputs[2]].buffer]
    values = np.frombuffer(bytes(buf.data), np.int32) + by
    buf.data = np.frombuffer(values.astype(np.int32).tobytes(), np.uint8)
    return pack_model(model, data[4:8])


@pytest.mark.parametrize("build", [_conv, _fully_connected], ids=["conv_2d", "fully_connected"])
def test_a_two_step_departure_is_still_reported(build, monkeypatch):
    """The runtime is given the file with the bias moved by 2 output steps: beyond the
    1-step tolerance, the op is the error."""
    m, _, shape = build()
    real = bisect_module.run_every_tensor
    two_steps = round(2 * SY / float(np.float32(SX) * np.float32(SW)))
    monkeypatch.setattr(bisect_module, "run_every_tensor",
                        lambda rt, data, *a, **k: real(rt, _shift_bias(data, two_steps), *a, **k))
    b = bisect(write_tflite(m), [_inputs(shape, 0)], "litert", OPTIMIZED, source=m)
    d = b.error
    assert d is not None and d.builtin == ("CONV_2D" if build is _conv else "FULLY_CONNECTED")
    assert d.max_steps >= 2 and d.tolerance == 1 and not d.tolerated
