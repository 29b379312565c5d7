"""The circle integer kernels against onert on the `.circle` emission of one-op modules.

onert runs most ops bit-exactly like the interpreter (and LiteRT). Where it does not,
the test pins the measured difference as evidence:

- uint8 MEAN: onert is off by one LSB on some elements. TFLite's kernel (which the
  interpreter and LiteRT share) rescales with MultiplyByQuantizedMultiplier's DOUBLE
  rounding: sum 710 (zp removed) over n = 30, s_in/s_out = 5/3 gives
  srdhm = round(315.56) = 316, then 316 / 8 = 39.5 -> 40 (exact: 39.44); onert says 39;
- uint8 FULLY_CONNECTED with per-channel weights: onert applies channel 0's scale and
  zero point to every channel (wrong by up to tens of LSBs);
- int8 float -> QUANTIZE: onert clamps to the uint8 range and reinterprets the byte as
  int8 (negative inputs become 0, 143 becomes -113): an onert bug.

Ops onert refuses for a type (int8 FULLY_CONNECTED / MAX_POOL_2D / MEAN / TRANSPOSE /
LOGISTIC / TANH / LOG_SOFTMAX, int->int QUANTIZE, HARD_SWISH at all) are not run here; see
docs/interpreter.md.
"""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects.builtin import f32

from compiler.dialects import circle
from compiler.interpreter import run
from compiler.interpreter.build import Const, Input, single_op_module, tensor
from test_interpreter_litert import _log_softmax_rows, act, bias, inputs_for, rand_act, weights

runtimes = pytest.importorskip("runtimes")
if not runtimes.onert_available():  # pragma: no cover
    pytest.skip("onert is not installed", allow_module_level=True)

from compiler.codegen import write_circle  # noqa: E402


def _cases(scheme: str, rng):
    ti, to, t2 = rand_act(scheme, rng), rand_act(scheme, rng), rand_act(scheme, rng)
    w, tw = weights(scheme, rng, (4, 3, 3, 3), 0)
    b, tb = bias(scheme, rng, ti, tw, 4)
    yield "conv_2d", single_op_module(
        circle.Conv2DOp, [Input(tensor([1, 7, 7, 3], ti)), Const(w, tensor(w.shape, tw)),
                          Const(b, tensor([4], tb))],
        [tensor([1, 7, 7, 4], to)], padding="SAME", fused_activation_function="RELU")
    w, tw = weights(scheme, rng, (1, 3, 3, 3), 3)
    b, tb = bias(scheme, rng, ti, tw, 3)
    yield "depthwise_conv_2d", single_op_module(
        circle.DepthwiseConv2DOp, [Input(tensor([1, 6, 6, 3], ti)),
                                   Const(w, tensor(w.shape, tw)), Const(b, tensor([3], tb))],
        [tensor([1, 6, 6, 3], to)], padding="SAME")
    for op in (circle.AddOp, circle.SubOp, circle.MulOp):
        yield op.name, single_op_module(op, [Input(tensor([1, 4, 4, 3], ti)),
                                             Input(tensor([1, 4, 4, 3], t2))],
                                        [tensor([1, 4, 4, 3], to)])
    yield "average_pool_2d", single_op_module(
        circle.AveragePool2DOp, [Input(tensor([1, 5, 5, 2], ti))], [tensor([1, 3, 3, 2], ti)],
        padding="SAME", stride_h=2, stride_w=2, filter_height=3, filter_width=3)
    yield "dequantize", single_op_module(circle.DequantizeOp, [Input(tensor([64], ti))],
                                         [tensor([64], f32)])
    storage_min = -128 if scheme == "int8" else 0
    yield "softmax", single_op_module(circle.SoftmaxOp, [Input(tensor([4, 10], ti))],
                                      [tensor([4, 10], act(scheme, 1 / 256, storage_min))])
    yield "concatenation", single_op_module(
        circle.ConcatenationOp, [Input(tensor([1, 2, 3], ti)), Input(tensor([1, 4, 3], ti))],
        [tensor([1, 6, 3], ti)], axis=1)
    yield "pad", single_op_module(
        circle.PadOp, [Input(tensor([1, 4, 4, 3], ti)),
                       Const(np.array([[0, 0], [1, 1], [1, 1], [0, 0]], np.int32))],
        [tensor([1, 6, 6, 3], ti)])
    if scheme == "uint8":
        w, tw = weights(scheme, rng, (5, 16), 0)
        b, tb = bias(scheme, rng, ti, tw, 5)
        yield "fully_connected", single_op_module(
            circle.FullyConnectedOp, [Input(tensor([2, 16], ti)),
                                      Const(w, tensor(w.shape, tw)), Const(b, tensor([5], tb))],
            [tensor([2, 5], to)])
        yield "max_pool_2d", single_op_module(
            circle.MaxPool2DOp, [Input(tensor([1, 5, 5, 2], ti))], [tensor([1, 3, 3, 2], ti)],
            padding="SAME", stride_h=2, stride_w=2, filter_height=3, filter_width=3)
        yield "logistic", single_op_module(circle.LogisticOp, [Input(tensor([64], ti))],
                                           [tensor([64], act(scheme, 1 / 256, 0))])
        yield "tanh", single_op_module(circle.TanhOp, [Input(tensor([64], ti))],
                                       [tensor([64], act(scheme, 1 / 128, 128))])
        yield "quantize", single_op_module(circle.QuantizeOp, [Input(tensor([64], f32))],
                                           [tensor([64], to)])
        yield "transpose", single_op_module(
            circle.TransposeOp, [Input(tensor([1, 4, 4, 3], ti)),
                                 Const(np.array([0, 3, 1, 2], np.int32))],
            [tensor([1, 3, 4, 4], ti)])


@pytest.mark.parametrize("scheme", ["uint8", "int8"])
def test_bit_exact_with_onert(scheme):
    rng = np.random.default_rng(20)
    for name, m in _cases(scheme, rng):
        buf = write_circle(m)
        for xs in inputs_for(m, rng, 2):
            ours, theirs = run(m, xs)[0], runtimes.run_onert(buf, xs)[0]
            assert ours.dtype == theirs.dtype, name
            np.testing.assert_array_equal(ours, theirs, err_msg=f"{scheme} {name}")


@pytest.mark.parametrize("in_scale", [0.003, 0.0625, 0.5, 2.0])
@pytest.mark.parametrize("depth", [1, 10, 300])
def test_uint8_log_softmax_bit_exact_with_onert(in_scale, depth):
    """onert's uint8 LOG_SOFTMAX equals TFLite's fixed-point kernel (onert refuses int8:
    "LogSoftmax : unsupported data type")."""
    ti, to = act("uint8", in_scale, 120), act("uint8", 16 / 256, 255)
    x = _log_softmax_rows(np.uint8, depth, np.random.default_rng(16))
    m = single_op_module(circle.LogSoftmaxOp, [Input(tensor(list(x.shape), ti))],
                         [tensor(list(x.shape), to)])
    np.testing.assert_array_equal(run(m, [x])[0], runtimes.run_onert(write_circle(m), [x])[0])


def test_uint8_mean_differs_from_onert_by_tflite_double_rounding():
    ti, to = act("uint8", 0.05, 120), act("uint8", 0.03, 100)
    m = single_op_module(circle.MeanOp, [Input(tensor([1, 5, 6, 1], ti)),
                                         Const(np.array([1, 2], np.int32))],
                         [tensor([1, 1, 1, 1], to)], keep_dims=True)
    x = np.full((1, 5, 6, 1), 120, np.uint8)
    x.reshape(-1)[:10] = 191  # sum - 30 * zp = 710
    x.reshape(-1)[10] = 120
    assert int(x.astype(np.int64).sum()) - 30 * 120 == 710
    assert run(m, [x])[0].item() == 140  # TFLite's double rounding (39.44 -> 316/8 -> 40)
    assert runtimes.run_onert(write_circle(m), [x])[0].item() == 139  # onert: nearest


def test_int8_float_quantize_in_onert_wraps_through_uint8():
    to = act("int8", 0.05, 3)
    m = single_op_module(circle.QuantizeOp, [Input(tensor([4], f32))], [tensor([4], to)])
    x = np.array([-1.0, 0.5, 2.0, 7.0], np.float32)
    assert run(m, [x])[0].tolist() == [-17, 13, 43, 127]
    assert runtimes.run_onert(write_circle(m), [x])[0].tolist() == [0, 13, 43, -113]


def test_uint8_per_channel_fully_connected_in_onert_uses_channel_0_qparams():
    """onert runs a FULLY_CONNECTED with uint8 per-channel weights as if every channel
    had channel 0's scale and zero point: its output equals the interpreter's on the same
    model with channel 0's qparams copied to all channels, not on the real one."""
    from compiler.ir.quant_types import make_quantized_type

    rng = np.random.default_rng(0)
    ti, to = act("uint8", 0.02, 120), act("uint8", 0.05, 100)
    scales, zps = [0.004, 0.002, 0.003], [123, 131, 129]
    w = rng.integers(0, 256, (3, 8))
    tb = make_quantized_type("i32", [float(np.float32(0.02 * s)) for s in scales], 0, axis=0)
    b = rng.integers(-500, 500, 3)

    def fc(s, z):
        tw = make_quantized_type("u8", s, z, axis=0)
        return single_op_module(circle.FullyConnectedOp,
                                [Input(tensor([2, 8], ti)), Const(w, tensor([3, 8], tw)),
                                 Const(b, tensor([3], tb))], [tensor([2, 3], to)])

    real, channel0 = fc(scales, zps), fc([scales[0]] * 3, [zps[0]] * 3)
    x = rng.integers(0, 256, (2, 8)).astype(np.uint8)
    theirs = runtimes.run_onert(write_circle(real), [x])[0]
    np.testing.assert_array_equal(theirs, run(channel0, [x])[0])
    assert np.abs(theirs.astype(int) - run(real, [x])[0].astype(int)).max() > 10


def test_uint8_fully_connected_in_onert_rounds_twice():
    """LiteRT rescales FULLY_CONNECTED with one rounding (the interpreter follows it,
    test_interpreter_litert.py::test_fully_connected_rounds_once); onert rounds twice
    (`MultiplyByQuantizedMultiplier`), so the two differ by one step exactly where the
    exact value lies within 2^-shift of a half (25 of 16,384 outputs here)."""
    from compiler.interpreter.fixedpoint import (
        channel_multipliers,
        multiply_by_quantized_multiplier,
    )

    rng = np.random.default_rng(7)
    ti, to = rand_act("uint8", rng), rand_act("uint8", rng)
    w, tw = weights("uint8", rng, (64, 32), 0)
    b, tb = bias("uint8", rng, ti, tw, 64)
    m = single_op_module(
        circle.FullyConnectedOp,
        [Input(tensor([256, 32], ti)), Const(w, tensor(w.shape, tw)), Const(b, tensor([64], tb))],
        [tensor([256, 64], to)],
    )
    x = rng.integers(0, 256, (256, 32)).astype(np.uint8)
    theirs = runtimes.run_onert(write_circle(m), [x])[0]
    ours = run(m, [x])[0]
    op = next(o for o in m.walk() if isinstance(o, circle.FullyConnectedOp))
    mult, shift = channel_multipliers(op, op.input, op.weights, op.output, per_tensor_f32=True)
    acc = ((x.astype(np.int64) - ti.zero_point.data)
           @ (w.astype(np.int64) - tw.zero_point.data).T + b)
    twice = np.clip(multiply_by_quantized_multiplier(acc, mult, shift) + to.zero_point.data,
                    0, 255)
    np.testing.assert_array_equal(theirs, twice)
    differ = ours != theirs
    assert 0 < differ.sum() < 0.01 * differ.size
    assert np.abs(ours.astype(int) - theirs.astype(int)).max() == 1
