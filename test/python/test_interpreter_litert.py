"""The circle integer kernels equal LiteRT's reference kernels BIT-EXACTLY.

Each case is a one-op circle module, emitted as .tflite (`write_tflite`) and run in
LiteRT with the BUILTIN_REF resolver (TFLite's reference kernels) on random inputs
and edge inputs (storage minimum/maximum everywhere, the zero point everywhere),
for the int8 (i8 activations, i8 per-channel narrow-range weights, i32 bias),
uint8 (u8 activations, u8 per-tensor weights, i32 bias) and 16x8 (i16 symmetric
activations, i8 per-channel weights, i64 bias) schemes. Zero points are drawn at
the storage bounds too. Every element must be equal: a one-LSB difference fails.
"""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects.builtin import f32

from compiler.dialects import circle
from compiler.interpreter import run
from compiler.interpreter.build import Const, Input, single_op_module, tensor
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import make_quantized_type

runtimes = pytest.importorskip("runtimes")
if not runtimes.litert_available():  # pragma: no cover
    pytest.skip("ai-edge-litert is not installed", allow_module_level=True)

from compiler.codegen import write_tflite  # noqa: E402

SCHEMES = ("int8", "uint8", "int16")
_ACT = {"int8": "i8", "uint8": "u8", "int16": "i16"}


def f32v(x: float) -> float:
    return float(np.float32(x))


def act(scheme: str, scale: float, zp: int = 0):
    """An activation type of the scheme (int16 is symmetric: zp forced to 0)."""
    return make_quantized_type(_ACT[scheme], f32v(scale), 0 if scheme == "int16" else zp)


def rand_act(scheme: str, rng, zp_edge: str | None = None):
    """A random activation type; `zp_edge` puts the zero point at the storage bound."""
    info = np.iinfo(np.dtype(make_quantized_type(_ACT[scheme], 1.0).numpy_storage_dtype))
    if zp_edge == "min":
        zp = int(info.min)
    elif zp_edge == "max":
        zp = int(info.max)
    else:
        zp = int(rng.integers(info.min // 2, info.max // 2 + 1)) if scheme != "int16" else 0
    scale = f32v(rng.uniform(0.005, 0.05) if scheme != "int16" else rng.uniform(1e-5, 2e-4))
    return act(scheme, scale, zp)


def weights(scheme: str, rng, shape, axis: int):
    """(storage values, quantized type) of a weight tensor, per-channel along `axis`."""
    n = shape[axis]
    scales = [f32v(s) for s in rng.uniform(0.002, 0.02, n)]
    if scheme == "uint8":
        zp = int(rng.integers(100, 156))
        t = make_quantized_type("u8", scales[0], zp)
        return rng.integers(0, 256, shape), t
    t = make_quantized_type("i8", scales, 0, axis=axis, qmin=-127, qmax=127)
    return rng.integers(-127, 128, shape), t


def bias(scheme: str, rng, in_t, w_t, n: int):
    bits = "i64" if scheme == "int16" else "i32"
    scales = [f32v(in_t.scale.data * s) for s in w_t.scales]
    if len(scales) == 1:
        t = make_quantized_type(bits, scales[0], 0)
    else:
        t = make_quantized_type(bits, scales, 0, axis=0)
    return rng.integers(-3000, 3000, n), t


def inputs_for(module, rng, count: int = 3) -> list[list[np.ndarray]]:
    """Random inputs and the edge inputs (all min, all max, all zero point)."""
    func = module.ops.first
    sets: list[list[np.ndarray]] = []
    args = list(func.body.blocks.first.args)
    for k in range(count + 3):
        one = []
        for a in args:
            q = a.type.element_type
            shape = a.type.get_shape()
            if not hasattr(q, "numpy_storage_dtype"):
                one.append(rng.normal(0, 2, shape).astype(np.float32))
                continue
            dt = q.numpy_storage_dtype
            info = np.iinfo(dt)
            if k == count:
                one.append(np.full(shape, info.min, dt))
            elif k == count + 1:
                one.append(np.full(shape, info.max, dt))
            elif k == count + 2:
                one.append(np.full(shape, q.zero_point.data, dt))
            else:
                one.append(rng.integers(info.min, int(info.max) + 1, shape).astype(dt))
        sets.append(one)
    return sets


def assert_bit_exact(module, rng, count: int = 3, resolvers=("BUILTIN_REF",)):
    """Equal to LiteRT on every element, for each resolver (AUTO only where it agrees:
    XNNPACK rounds differently for conv, depthwise, MUL, transpose conv, resize...)."""
    buf = write_tflite(module)
    for xs in inputs_for(module, rng, count):
        ours = run(module, xs)
        for resolver in resolvers:
            ref = runtimes.run_litert(buf, xs, resolver=resolver)
            for a, b in zip(ours, ref):
                assert a.dtype == b.dtype and a.shape == b.shape
                diff = np.abs(a.astype(np.int64) - b.astype(np.int64))
                assert diff.max() == 0, (
                    f"{resolver}: {int((diff != 0).sum())} of {diff.size} elements differ, "
                    f"max {diff.max()} LSB"
                )


BOTH = ("BUILTIN_REF", "AUTO")


# ---- convolutions and fully connected ---------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(
    "opts",
    [
        dict(padding="SAME"),
        dict(padding="VALID", stride_h=2, stride_w=2, fused_activation_function="RELU"),
        dict(padding="SAME", dilation_h_factor=2, dilation_w_factor=2,
             fused_activation_function="RELU6"),
    ],
    ids=["same", "valid_s2_relu", "dil2_relu6"],
)
def test_conv_2d(scheme, opts):
    rng = np.random.default_rng(1)
    ti, to = rand_act(scheme, rng), rand_act(scheme, rng)
    w, tw = weights(scheme, rng, (4, 3, 3, 3), 0)
    b, tb = bias(scheme, rng, ti, tw, 4)
    h = 7
    s = opts.get("stride_h", 1)
    oh = (h + s - 1) // s if opts["padding"] == "SAME" else (h - 3) // s + 1
    m = single_op_module(
        circle.Conv2DOp,
        [Input(tensor([1, h, h, 3], ti)), Const(w, tensor(w.shape, tw)), Const(b, tensor([4], tb))],
        [tensor([1, oh, oh, 4], to)], **opts,
    )
    assert_bit_exact(m, rng)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("multiplier", [1, 2])
def test_depthwise_conv_2d(scheme, multiplier):
    rng = np.random.default_rng(2)
    ti, to = rand_act(scheme, rng), rand_act(scheme, rng)
    oc = 3 * multiplier
    w, tw = weights(scheme, rng, (1, 3, 3, oc), 3)
    b, tb = bias(scheme, rng, ti, tw, oc)
    m = single_op_module(
        circle.DepthwiseConv2DOp,
        [Input(tensor([1, 6, 6, 3], ti)), Const(w, tensor(w.shape, tw)),
         Const(b, tensor([oc], tb))],
        [tensor([1, 6, 6, oc], to)], padding="SAME", depth_multiplier=multiplier,
        fused_activation_function="RELU",
    )
    assert_bit_exact(m, rng)


def _fully_connected(scheme: str, rng, rows: int, depth: int, outs: int, zp_edge=None):
    ti, to = rand_act(scheme, rng, zp_edge), rand_act(scheme, rng, zp_edge)
    w, tw = weights(scheme, rng, (outs, depth), 0)
    b, tb = bias(scheme, rng, ti, tw, outs)
    return single_op_module(
        circle.FullyConnectedOp,
        [Input(tensor([rows, depth], ti)), Const(w, tensor(w.shape, tw)),
         Const(b, tensor([outs], tb))],
        [tensor([rows, outs], to)],
    )


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("zp_edge", [None, "min", "max"])
def test_fully_connected(scheme, zp_edge):
    rng = np.random.default_rng(3)
    assert_bit_exact(_fully_connected(scheme, rng, 2, 16, 5, zp_edge), rng, resolvers=BOTH)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_fully_connected_rounds_once(scheme):
    """16,384 outputs: enough exact values within 2^-shift of a half (~0.2 %) to tell
    LiteRT's single rounding from the double rounding of MultiplyByQuantizedMultiplier
    (which the convolutions use)."""
    rng = np.random.default_rng(7)
    assert_bit_exact(_fully_connected(scheme, rng, 256, 32, 64), rng, count=1)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_fully_connected_exact_halves_round_away_from_zero(scheme):
    """Dyadic scales (s_in s_w / s_out = 1/4): a quarter of the outputs are exact halves,
    which LiteRT rounds away from zero (-1.5 -> -2), not toward +infinity."""
    rng = np.random.default_rng(0)
    zp = 0 if scheme == "int16" else 3
    ti, to = act(scheme, 0.125, zp), act(scheme, 0.25, zp)
    if scheme == "uint8":
        tw, w = make_quantized_type("u8", 0.5, 128), rng.integers(-20, 21, (16, 8)) + 128
    else:
        tw = make_quantized_type("i8", 0.5, 0, qmin=-127, qmax=127)
        w = rng.integers(-20, 21, (16, 8))
    tb = make_quantized_type("i64" if scheme == "int16" else "i32", 0.0625, 0)
    m = single_op_module(
        circle.FullyConnectedOp,
        [Input(tensor([64, 8], ti)), Const(w, tensor(w.shape, tw)),
         Const(rng.integers(-50, 51, 16), tensor([16], tb))],
        [tensor([64, 16], to)],
    )
    x = (rng.integers(-30, 31, (64, 8)) + zp).astype(ti.numpy_storage_dtype)
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    np.testing.assert_array_equal(run(m, [x])[0], ref)


@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
def test_fully_connected_requantizes_in_double(per_channel):
    """16x8 outputs whose exact value is within ~3e-5 of a half (biases chosen per
    channel so that `bias * s_in s_w / s_out` lands there): LiteRT's reference kernel
    computes `round(double(acc) * (s_in * s_w / s_out))` in double; rounding
    `acc * M / 2^(31 - shift)` with the 31-bit multiplier M differs on ~20 % of them
    (224 of 1024 per-channel, 1 of 1024 per-tensor)."""
    rng = np.random.default_rng(11)
    outs = 512
    s_in, s_out = f32v(rng.uniform(1e-5, 2e-4)), f32v(rng.uniform(1e-5, 2e-4))
    s_w = [f32v(s) for s in rng.uniform(0.002, 0.02, outs if per_channel else 1)]
    effective = np.array([s_in * s / s_out for s in s_w])[:, None]
    halves = np.arange(-30000, 30000)[None, :] + 0.5
    candidates = np.round(halves / effective)  # per channel, the accumulator nearest each half
    best = np.abs(candidates * effective - halves).argmin(axis=1)
    b = np.broadcast_to(candidates[np.arange(len(s_w)), best], (outs,)).astype(np.int64)
    if not per_channel:
        b = b + rng.integers(-3, 4, outs) * int(round(1 / effective[0, 0]))  # other halves
    tw = (make_quantized_type("i8", s_w, 0, axis=0, qmin=-127, qmax=127) if per_channel
          else make_quantized_type("i8", s_w[0], 0, qmin=-127, qmax=127))
    tb = (make_quantized_type("i64", [f32v(s_in * s) for s in s_w], 0, axis=0) if per_channel
          else make_quantized_type("i64", f32v(s_in * s_w[0]), 0))
    w = rng.integers(-127, 128, (outs, 4))
    m = single_op_module(
        circle.FullyConnectedOp,
        [Input(tensor([2, 4], act("int16", s_in))), Const(w, tensor(w.shape, tw)),
         Const(b, tensor([outs], tb))],
        [tensor([2, outs], act("int16", s_out))],
    )
    x = np.zeros((2, 4), np.int16)  # row 0: acc = bias, near a half
    x[1] = rng.integers(-300, 300, 4)
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    np.testing.assert_array_equal(run(m, [x])[0], ref)


# ---- element-wise ------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("op", [circle.AddOp, circle.SubOp, circle.MulOp])
@pytest.mark.parametrize("broadcast", [False, True])
def test_binary(scheme, op, broadcast):
    rng = np.random.default_rng(4)
    t1, t2, to = rand_act(scheme, rng), rand_act(scheme, rng), rand_act(scheme, rng)
    shape2 = [1, 1, 1, 3] if broadcast else [1, 4, 4, 3]
    m = single_op_module(
        op, [Input(tensor([1, 4, 4, 3], t1)), Input(tensor(shape2, t2))],
        [tensor([1, 4, 4, 3], to)], fused_activation_function="RELU" if broadcast else "NONE",
    )
    assert_bit_exact(m, rng)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_mul_multiplier_in_float32(scheme):
    """TFLite computes MUL's rescale `s1 * s2 / s_out` in float32; in double, the 31-bit
    multiplier's last bit differs for some scales (int16: 3 of 21504 elements over these
    60 scale draws before the interpreter did the same), with broadcasting or without."""
    rng = np.random.default_rng(0)
    shapes = [([2, 8, 16], [2, 8, 16]), ([2, 8, 16], [1, 1, 16]), ([2, 8, 16], [2, 8, 1]),
              ([1, 4, 8, 16], [1, 4, 1, 16]), ([4, 1, 16], [1, 8, 16])]
    lo, hi = (-5, -2) if scheme == "int16" else (-3, -1)
    for trial in range(60):
        s1, s2 = shapes[trial % len(shapes)]
        zp0 = 128 if scheme == "uint8" else 0
        t1, t2, to = (act(scheme, 10 ** rng.uniform(lo, hi), zp0 + int(rng.integers(-20, 20)))
                      for _ in range(3))
        m = single_op_module(circle.MulOp, [Input(tensor(s1, t1)), Input(tensor(s2, t2))],
                             [tensor(list(np.broadcast_shapes(s1, s2)), to)])
        assert_bit_exact(m, rng, count=1)


@pytest.mark.parametrize("scheme", ["int8", "uint8"])
def test_add_rounding_ties(scheme):
    """Scales in ratios of powers of two put rescaled values exactly on .5 ties."""
    rng = np.random.default_rng(5)
    t1, t2, to = act(scheme, 0.25, 3), act(scheme, 0.5, -5 if scheme == "int8" else 7), act(
        scheme, 1.0, 1)
    m = single_op_module(circle.AddOp, [Input(tensor([64], t1)), Input(tensor([64], t2))],
                         [tensor([64], to)])
    assert_bit_exact(m, rng)


# ---- pooling -----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("op", [circle.MaxPool2DOp, circle.AveragePool2DOp])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_pool(scheme, op, padding):
    rng = np.random.default_rng(6)
    t = rand_act(scheme, rng)
    oh = 3 if padding == "SAME" else 2
    m = single_op_module(op, [Input(tensor([1, 5, 5, 2], t))], [tensor([1, oh, oh, 2], t)],
                         padding=padding, stride_h=2, stride_w=2, filter_height=3,
                         filter_width=3)
    assert_bit_exact(m, rng, resolvers=BOTH)


# ---- casts and activations ---------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
def test_quantize_float(scheme):
    rng = np.random.default_rng(7)
    t = rand_act(scheme, rng)
    m = single_op_module(circle.QuantizeOp, [Input(tensor([4, 32], f32))], [tensor([4, 32], t)])
    buf = write_tflite(m)
    s, zp = np.float32(t.scale.data), t.zero_point.data
    ties = (np.arange(-64, 64, dtype=np.float32) + np.float32(0.5)) * s  # exact .5 ties
    for x in (rng.normal(0, 200 * float(s), (4, 32)).astype(np.float32),
              ties.reshape(4, 32)):
        ours = run(m, [x])[0]
        ref = runtimes.run_litert(buf, [x], resolver="BUILTIN_REF")[0]
        np.testing.assert_array_equal(ours, ref)
    del zp


@pytest.mark.parametrize("scheme", SCHEMES)
def test_requantize(scheme):
    rng = np.random.default_rng(8)
    ti, to = rand_act(scheme, rng), rand_act(scheme, rng)
    m = single_op_module(circle.QuantizeOp, [Input(tensor([64], ti))], [tensor([64], to)])
    assert_bit_exact(m, rng)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_dequantize(scheme):
    rng = np.random.default_rng(9)
    t = rand_act(scheme, rng)
    m = single_op_module(circle.DequantizeOp, [Input(tensor([64], t))], [tensor([64], f32)])
    buf = write_tflite(m)
    for xs in inputs_for(m, rng):
        np.testing.assert_array_equal(run(m, xs)[0], runtimes.run_litert(buf, xs)[0])


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("op", [circle.ReluOp, circle.Relu6Op, circle.LeakyReluOp])
def test_relu_family(scheme, op):
    rng = np.random.default_rng(10)
    ti = rand_act(scheme, rng)
    to = act(scheme, f32v(ti.scale.data * 0.7), 0 if op is not circle.LeakyReluOp else 10)
    opts = {"alpha": 0.1} if op is circle.LeakyReluOp else {}
    m = single_op_module(op, [Input(tensor([2, 32], ti))], [tensor([2, 32], to)], **opts)
    assert_bit_exact(m, rng)


# ---- data movement -----------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
def test_data_movement(scheme):
    rng = np.random.default_rng(11)
    t = rand_act(scheme, rng)
    x = Input(tensor([1, 4, 4, 3], t))
    cases = [
        (circle.ReshapeOp, [x, Const(np.array([1, 16, 3], np.int32))], [1, 16, 3], {}),
        (circle.TransposeOp, [x, Const(np.array([0, 3, 1, 2], np.int32))], [1, 3, 4, 4], {}),
        (circle.PadOp, [x, Const(np.array([[0, 0], [1, 2], [0, 1], [0, 0]], np.int32))],
         [1, 7, 5, 3], {}),
        (circle.SliceOp, [x, Const(np.array([0, 1, 0, 1], np.int32)),
                          Const(np.array([1, 2, -1, 2], np.int32))], [1, 2, 4, 2], {}),
        (circle.StridedSliceOp, [x, Const(np.array([0, 0, 1, 0], np.int32)),
                                 Const(np.array([1, 4, 4, 3], np.int32)),
                                 Const(np.array([1, 2, 2, 1], np.int32))], [1, 2, 2, 3], {}),
        (circle.PadV2Op, [x, Const(np.array([[0, 0], [1, 0], [0, 2], [0, 0]], np.int32)),
                          Const(np.array([int(np.iinfo(t.numpy_storage_dtype).min)]), tensor(
                              [1], t))], [1, 5, 6, 3], {}),
        (circle.GatherOp, [x, Const(np.array([2, 0], np.int32))], [1, 4, 2, 3], {"axis": 2}),
        (circle.ResizeNearestNeighborOp, [x, Const(np.array([7, 9], np.int32))], [1, 7, 9, 3],
         {}),
    ]
    for op, operands, shape, opts in cases:
        m = single_op_module(op, operands, [tensor(shape, t)], **opts)
        assert_bit_exact(m, rng, count=1, resolvers=BOTH)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_concatenation(scheme):
    rng = np.random.default_rng(12)
    t = rand_act(scheme, rng)
    m = single_op_module(circle.ConcatenationOp,
                         [Input(tensor([1, 2, 3], t)), Input(tensor([1, 4, 3], t))],
                         [tensor([1, 6, 3], t)], axis=1)
    assert_bit_exact(m, rng, resolvers=BOTH)


# ---- fixed-output-range ops --------------------------------------------------------------

_FIXED = {  # (op, storage) -> output (scale, zero point): the runtimes' required ranges
    ("logistic", "i8"): (1 / 256, -128), ("logistic", "u8"): (1 / 256, 0),
    ("tanh", "i8"): (1 / 128, 0), ("tanh", "u8"): (1 / 128, 128),
    ("softmax", "i8"): (1 / 256, -128), ("softmax", "u8"): (1 / 256, 0),
}


@pytest.mark.parametrize("scheme", ["int8", "uint8"])
@pytest.mark.parametrize("name,op", [("logistic", circle.LogisticOp), ("tanh", circle.TanhOp)])
@pytest.mark.parametrize("in_scale", [0.01, 0.0625, 0.3])
def test_logistic_tanh_exhaustive(scheme, name, op, in_scale):
    """Every one of the 256 input integers, for small, power-of-two and large scales."""
    storage = _ACT[scheme]
    ti = act(scheme, in_scale, 5 if scheme == "int8" else 130)
    s, zp = _FIXED[(name, storage)]
    to = act(scheme, s, zp)
    m = single_op_module(op, [Input(tensor([256], ti))], [tensor([256], to)])
    dt = ti.numpy_storage_dtype
    x = np.arange(np.iinfo(dt).min, int(np.iinfo(dt).max) + 1).astype(dt)
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    np.testing.assert_array_equal(run(m, [x])[0], ref)


@pytest.mark.parametrize("scheme", ["int8", "uint8"])
@pytest.mark.parametrize("in_scale,beta", [(0.02, 1.0), (0.1, 1.0), (0.05, 0.5), (0.5, 1.0)])
def test_softmax(scheme, in_scale, beta):
    rng = np.random.default_rng(13)
    ti = act(scheme, in_scale, 3 if scheme == "int8" else 120)
    s, zp = _FIXED[("softmax", _ACT[scheme])]
    m = single_op_module(circle.SoftmaxOp, [Input(tensor([6, 10], ti))],
                         [tensor([6, 10], act(scheme, s, zp))], beta=beta)
    assert_bit_exact(m, rng, count=5, resolvers=BOTH)


def _log_softmax_rows(dt, depth: int, rng) -> np.ndarray:
    """Random rows and the edge rows: all equal, the storage min/max, one max among
    minima, a narrow spread just under the maximum (differences near the thresholds)."""
    info = np.iinfo(dt)
    lo, hi = int(info.min), int(info.max)
    rows = [rng.integers(lo, hi + 1, depth) for _ in range(4)]
    rows += [np.full(depth, 7), np.full(depth, lo), np.full(depth, hi)]
    rows += [np.where(np.arange(depth) % 2 == 0, lo, hi), np.r_[hi, np.full(depth - 1, lo)]]
    rows += [hi - rng.integers(0, 48, depth) for _ in range(3)]
    return np.array(rows).astype(dt)


@pytest.mark.parametrize("scheme", ["int8", "uint8"])
@pytest.mark.parametrize("in_scale", [0.003, 0.02, 0.0625, 0.1, 0.5, 2.0])
@pytest.mark.parametrize("depth", [1, 10, 300])
def test_log_softmax(scheme, in_scale, depth):
    """TFLite's fixed-point LOG_SOFTMAX (uint8 and int8 kernels): every element equal."""
    rng = np.random.default_rng(15)
    ti = act(scheme, in_scale, 3 if scheme == "int8" else 120)
    to = act(scheme, 16 / 256, 127 if scheme == "int8" else 255)
    dt = ti.numpy_storage_dtype
    x = _log_softmax_rows(dt, depth, rng)
    m = single_op_module(circle.LogSoftmaxOp, [Input(tensor(list(x.shape), ti))],
                         [tensor(list(x.shape), to)])
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    ours = run(m, [x])[0]
    assert ours.dtype == ref.dtype
    diff = np.abs(ours.astype(np.int64) - ref.astype(np.int64))
    assert diff.max() == 0, f"{int((diff != 0).sum())} of {diff.size} differ, max {diff.max()}"
    if depth > 1:  # the rows reach more than the two ends of the output range
        assert len(np.unique(ours)) > 2


@pytest.mark.parametrize("scheme", ["int8", "uint8"])
def test_log_softmax_needs_the_fixed_output_range(scheme):
    """LiteRT's Prepare requires scale 16/256 and zp at the storage max: both refuse others."""
    ti = act(scheme, 0.1, 0)
    to = act(scheme, 16 / 256, 0)
    m = single_op_module(circle.LogSoftmaxOp, [Input(tensor([2, 3], ti))], [tensor([2, 3], to)])
    x = np.zeros((2, 3), ti.numpy_storage_dtype)
    with pytest.raises(runtimes.RuntimeRefused):
        runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")
    with pytest.raises(CompileError, match="scale 16/256"):
        run(m, [x])


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("axes,keep", [([1, 2], True), ([1, 2], False), ([3], True),
                                       ([0, 1, 2, 3], False)])
def test_mean(scheme, axes, keep):
    """Different input/output qparams: the integer rescale absorbs 1/n."""
    rng = np.random.default_rng(14)
    ti, to = rand_act(scheme, rng), rand_act(scheme, rng)
    shape = [1, 5, 6, 3]
    out = [1 if i in axes else d for i, d in enumerate(shape)] if keep else [
        d for i, d in enumerate(shape) if i not in axes]
    m = single_op_module(circle.MeanOp, [Input(tensor(shape, ti)),
                                         Const(np.array(axes, np.int32))],
                         [tensor(out, to)], keep_dims=keep)
    assert_bit_exact(m, rng, count=4)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("padding,out", [("SAME", 10), ("VALID", 11)])
def test_transpose_conv(scheme, padding, out):
    rng = np.random.default_rng(15)
    ti, to = rand_act(scheme, rng), rand_act(scheme, rng)
    w, tw = weights(scheme, rng, (4, 3, 3, 3), 0)
    b, tb = bias(scheme, rng, ti, tw, 4)
    m = single_op_module(
        circle.TransposeConvOp,
        [Const(np.array([1, out, out, 4], np.int32)), Const(w, tensor(w.shape, tw)),
         Input(tensor([1, 5, 5, 3], ti)), Const(b, tensor([4], tb))],
        [tensor([1, out, out, 4], to)], padding=padding, stride_h=2, stride_w=2,
    )
    assert_bit_exact(m, rng)


@pytest.mark.parametrize("scheme", ["int8", "uint8"])
@pytest.mark.parametrize("in_scale,out_scale", [(0.05, 0.03), (0.1, 0.1), (0.01, 0.02),
                                                (0.5, 0.3)])
def test_hard_swish_exhaustive(scheme, in_scale, out_scale):
    """All 256 inputs: left-shifting and right-shifting reluish multipliers."""
    ti = act(scheme, in_scale, -10 if scheme == "int8" else 120)
    to = act(scheme, out_scale, -100 if scheme == "int8" else 20)
    m = single_op_module(circle.HardSwishOp, [Input(tensor([256], ti))], [tensor([256], to)])
    dt = ti.numpy_storage_dtype
    x = np.arange(np.iinfo(dt).min, int(np.iinfo(dt).max) + 1).astype(dt)
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    np.testing.assert_array_equal(run(m, [x])[0], ref)


@pytest.mark.parametrize("scheme", ["int8", "int16"])  # LiteRT refuses uint8 BATCH_MATMUL
@pytest.mark.parametrize("adj", [(False, False), (False, True), (True, False)])
def test_batch_matmul(scheme, adj):
    rng = np.random.default_rng(16)
    ta, tb, to = rand_act(scheme, rng), rand_act(scheme, rng), rand_act(scheme, rng)
    if scheme == "int16":
        to = act(scheme, to.scale.data * 30)  # products of two int16 need the range
    sa = [2, 5, 4] if adj[0] else [2, 4, 5]
    sb = [2, 3, 5] if adj[1] else [2, 5, 3]
    m = single_op_module(circle.BatchMatMulOp, [Input(tensor(sa, ta)), Input(tensor(sb, tb))],
                         [tensor([2, 4, 3], to)], adjoint_lhs=adj[0], adjoint_rhs=adj[1])
    assert_bit_exact(m, rng)


@pytest.mark.parametrize("scheme", ["int8", "uint8"])
@pytest.mark.parametrize("approximate", [False, True])
@pytest.mark.parametrize("in_scale,out_scale", [(0.05, 0.03), (0.1, 0.05)])
def test_gelu_exhaustive(scheme, approximate, in_scale, out_scale):
    ti = act(scheme, in_scale, -10 if scheme == "int8" else 120)
    to = act(scheme, out_scale, -100 if scheme == "int8" else 20)
    m = single_op_module(circle.GeluOp, [Input(tensor([256], ti))], [tensor([256], to)],
                         approximate=approximate)
    dt = ti.numpy_storage_dtype
    x = np.arange(np.iinfo(dt).min, int(np.iinfo(dt).max) + 1).astype(dt)
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    np.testing.assert_array_equal(run(m, [x])[0], ref)


@pytest.mark.parametrize("approximate", [False, True])
@pytest.mark.parametrize("in_scale,out_scale", [
    (1e-4, 1e-4), (3e-4, 2e-4), (2e-3, 1e-3),
    # a pair where correctly rounded erfc/tanh give one table entry off from LiteRT's
    # (glibc's erfcf/tanhf, which LiteRT calls): the test fails without them
    (1.0510781976336148e-05, 1.8531689420342445e-05),
])
def test_gelu_int16_exhaustive(approximate, in_scale, out_scale):
    """int16 GELU (TFLite's interpolated 513-entry table) on all 65536 inputs."""
    ti, to = act("int16", in_scale), act("int16", out_scale)
    m = single_op_module(circle.GeluOp, [Input(tensor([65536], ti))], [tensor([65536], to)],
                         approximate=approximate)
    x = np.arange(-32768, 32768).astype(np.int16)
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    np.testing.assert_array_equal(run(m, [x])[0], ref)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("align,half", [(False, False), (False, True), (True, False)])
def test_resize_bilinear(scheme, align, half):
    rng = np.random.default_rng(17)
    t = rand_act(scheme, rng)
    m = single_op_module(circle.ResizeBilinearOp, [Input(tensor([1, 5, 6, 2], t)),
                                                   Const(np.array([9, 13], np.int32))],
                         [tensor([1, 9, 13, 2], t)], align_corners=align, half_pixel_centers=half)
    assert_bit_exact(m, rng)


@pytest.mark.parametrize("scheme", ["int8", "uint8"])
def test_prelu(scheme):
    rng = np.random.default_rng(18)
    ti, to = rand_act(scheme, rng), rand_act(scheme, rng)
    ta = act(scheme, 0.01, 3)
    info = np.iinfo(ta.numpy_storage_dtype)
    alpha = rng.integers(info.min, int(info.max) + 1, (3,))
    m = single_op_module(circle.PReluOp, [Input(tensor([1, 4, 4, 3], ti)),
                                          Const(alpha, tensor([3], ta))],
                         [tensor([1, 4, 4, 3], to)])
    assert_bit_exact(m, rng)

def _alpha_i8(rng, shape, zp: int):
    """int8 alphas with the storage bounds and the zero point among random values."""
    a = rng.integers(-128, 128, shape).ravel()
    a[:3] = [-128, 127, zp][: a.size]
    return a.reshape(shape)


@pytest.mark.parametrize("alpha_shape", [(3,), (1, 1, 3), (4, 1, 1), (1, 4, 4, 3)],
                         ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("in_scale,alpha_scale,out_scale,alpha_zp", [
    (1e-4, 0.01, 1e-4, 0),       # identity rescale, symmetric alpha
    (3e-5, 0.004, 2e-4, -7),     # shrinking output, asymmetric alpha
    (2e-4, 0.02, 3e-5, 100),     # growing output: saturates at the storage bounds
    (1e-3, 1.5e-4, 1e-3, -128),  # alpha zero point at the storage minimum
])
def test_prelu_int16(alpha_shape, in_scale, alpha_scale, out_scale, alpha_zp):
    """16x8 PRELU: int16 input/output, int8 alpha (broadcast or same shape: TFLite's
    `BroadcastPrelu4DSlow` and `Prelu` paths)."""
    rng = np.random.default_rng(40)
    ti, to = act("int16", in_scale), act("int16", out_scale)
    ta = make_quantized_type("i8", f32v(alpha_scale), alpha_zp)
    m = single_op_module(circle.PReluOp, [Input(tensor([1, 4, 4, 3], ti)),
                                          Const(_alpha_i8(rng, alpha_shape, alpha_zp),
                                                tensor(list(alpha_shape), ta))],
                         [tensor([1, 4, 4, 3], to)])
    assert_bit_exact(m, rng, count=4)


def test_prelu_int16_all_inputs():
    """Every int16 input, each against several int8 alpha values (the 256 alphas run
    along the last axis; the inputs are rotated between runs)."""
    ti, to = act("int16", 7e-5), act("int16", 1.1e-4)
    ta = make_quantized_type("i8", f32v(0.009), 5)
    m = single_op_module(circle.PReluOp, [Input(tensor([256, 256], ti)),
                                          Const(np.arange(-128, 128), tensor([256], ta))],
                         [tensor([256, 256], to)])
    buf = write_tflite(m)
    for shift in (0, 1, 77):
        x = np.roll(np.arange(-32768, 32768), shift).astype(np.int16).reshape(256, 256)
        ref = runtimes.run_litert(buf, [x], resolver="BUILTIN_REF")[0]
        np.testing.assert_array_equal(run(m, [x])[0], ref)


def test_prelu_int16_refuses_int16_alpha():
    """LiteRT reads an int16 PRELU's alpha as int8 whatever its type (an int16 alpha's
    bytes become two int8 slopes): the interpreter refuses the module instead."""
    ti = act("int16", 1e-4)
    ta = make_quantized_type("i16", 0.01, 0)
    m = single_op_module(circle.PReluOp, [Input(tensor([1, 2, 2, 3], ti)),
                                          Const(np.array([5, -20, 30]), tensor([3], ta))],
                         [tensor([1, 2, 2, 3], ti)])
    x = np.full((1, 2, 2, 3), -1000, np.int16)
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    # the slopes LiteRT applied are the int8 bytes of [5, -20, 30]: 5, 0 and -20
    assert ref[0, 0, 0].tolist() == [-50, 0, 200]
    with pytest.raises(CompileError, match="needs a i8 alpha"):
        run(m, [x])



@pytest.mark.parametrize("in_scale,beta", [(1e-4, 1.0), (3e-4, 1.0), (1e-3, 0.5), (5e-5, 1.0)])
def test_softmax_int16(in_scale, beta):
    rng = np.random.default_rng(19)
    m = single_op_module(circle.SoftmaxOp, [Input(tensor([8, 12], act("int16", in_scale)))],
                         [tensor([8, 12], act("int16", 1 / 32768))], beta=beta)
    assert_bit_exact(m, rng, count=5)


def test_fully_connected_16x8_rounds_once():
    """acc = -3647734 at multiplier 1945309759 * 2^-8 is -12907.4989 exactly: LiteRT gives
    -12907 (one rounding); the double-rounding int32 formula would give -12908."""
    ti = make_quantized_type("i16", 0.00011494442878756672)
    to = make_quantized_type("i16", 6.108957313699648e-05)
    tw = make_quantized_type("i8", [0.0018806072184816003], 0, axis=0, qmin=-127, qmax=127)
    tb = make_quantized_type("i64", [f32v(ti.scale.data * tw.scales[0])], 0, axis=0)
    m = single_op_module(circle.FullyConnectedOp,
                         [Input(tensor([1, 1], ti)), Const(np.array([[100]]), tensor([1, 1], tw)),
                          Const(np.array([-3647734 - 10000]), tensor([1], tb))],
                         [tensor([1, 1], to)])
    x = np.array([[100]], np.int16)
    assert run(m, [x])[0].item() == -12907
    assert runtimes.run_litert(write_tflite(m), [x])[0].item() == -12907


# ---- float kernels -------------------------------------------------------------------------


def _float_cases():
    t = tensor([1, 4, 4, 3], f32)
    x = Input(t)
    two = [Input(t), Input(tensor([1, 1, 1, 3], f32))]
    yield circle.FullyConnectedOp, [Input(tensor([2, 6], f32)),
                                    Const(np.linspace(-1, 1, 30).reshape(5, 6).astype(np.float32)),
                                    Const(np.arange(5, dtype=np.float32))], [2, 5], {}
    yield circle.BatchMatMulOp, [Input(tensor([2, 4, 5], f32)), Input(tensor([2, 5, 3], f32))], [
        2, 4, 3], {}
    for op in (circle.AddOp, circle.SubOp, circle.MulOp, circle.DivOp, circle.MaximumOp,
               circle.MinimumOp, circle.SquaredDifferenceOp):
        yield op, two, [1, 4, 4, 3], {}
    for op in (circle.LogisticOp, circle.TanhOp, circle.ReluOp, circle.Relu6Op,
               circle.ReluN1To1Op, circle.HardSwishOp, circle.ExpOp, circle.AbsOp, circle.NegOp,
               circle.LogSoftmaxOp):
        yield op, [x], [1, 4, 4, 3], {}
    yield circle.GeluOp, [x], [1, 4, 4, 3], {"approximate": True}
    yield circle.GeluOp, [x], [1, 4, 4, 3], {}
    yield circle.LeakyReluOp, [x], [1, 4, 4, 3], {"alpha": 0.2}
    yield circle.PReluOp, [x, Const(np.array([0.1, 0.2, -0.3], np.float32))], [1, 4, 4, 3], {}
    yield circle.MeanOp, [x, Const(np.array([1, 2], np.int32))], [1, 1, 1, 3], {"keep_dims": True}
    yield circle.SumOp, [x, Const(np.array([3], np.int32))], [1, 4, 4], {}
    yield circle.ReduceMaxOp, [x, Const(np.array([1], np.int32))], [1, 4, 3], {}


@pytest.mark.parametrize("case", list(_float_cases()),
                         ids=lambda c: c[0].name + ("_" + "_".join(map(str, c[3].values()))
                                                    if c[3] else ""))
def test_float_kernels_match_litert(case):
    op, operands, shape, opts = case
    m = single_op_module(op, operands, [tensor(shape, f32)], **opts)
    rng = np.random.default_rng(21)
    xs = [rng.normal(0, 2, a.type.get_shape()).astype(np.float32)
          for a in m.ops.first.body.blocks.first.args]
    ref = runtimes.run_litert(write_tflite(m), xs, resolver="BUILTIN_REF")[0]
    np.testing.assert_allclose(run(m, xs)[0], ref, rtol=1e-5, atol=1e-5)


def test_squared_difference_int8():
    rng = np.random.default_rng(22)
    t1, t2, to = rand_act("int8", rng), rand_act("int8", rng), rand_act("int8", rng)
    to = act("int8", to.scale.data * 20, to.zero_point.data)  # squares need a wider range
    m = single_op_module(circle.SquaredDifferenceOp, [Input(tensor([1, 4, 4, 3], t1)),
                                                      Input(tensor([1, 1, 1, 3], t2))],
                         [tensor([1, 4, 4, 3], to)])
    assert_bit_exact(m, rng)


@pytest.mark.parametrize("s_in,zp_in,s_out,zp_out", [(0.05, -128, 0.02, -100),
                                                     (0.01, -100, 0.1, -128),
                                                     (0.003, -128, 0.05, -128),
                                                     (1.5, -128, 0.004, -128)])
def test_rsqrt_int8_every_valid_input(s_in, zp_in, s_out, zp_out):
    """Every input from the zero point up (TFLite fails on negative values, as we do)."""
    x = np.arange(zp_in, 128).astype(np.int8)
    m = single_op_module(circle.RsqrtOp, [Input(tensor([x.size], act("int8", s_in, zp_in)))],
                         [tensor([x.size], act("int8", s_out, zp_out))])
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    np.testing.assert_array_equal(run(m, [x])[0], ref)


def test_rsqrt_int8_refuses_negative_inputs_like_litert():
    m = single_op_module(circle.RsqrtOp, [Input(tensor([2], act("int8", 0.01, -100)))],
                         [tensor([2], act("int8", 0.1, -128))])
    x = np.array([-101, 0], np.int8)  # -101 - zp = -1
    with pytest.raises(runtimes.RuntimeRefused, match="only defined for positive values"):
        runtimes.run_litert(write_tflite(m), [x])
    with pytest.raises(CompileError, match="only defined for non-negative inputs"):
        run(m, [x])


@pytest.mark.parametrize("scheme", ["int8", "int16"])
@pytest.mark.parametrize("op", [circle.AbsOp, circle.NegOp])
def test_abs_neg(scheme, op):
    """NEG only with zero points 0 and equal scales (TFLite negates the integers)."""
    ti = act(scheme, 0.05, -10 if op is circle.AbsOp else 0)
    to = act(scheme, 0.1 if op is circle.AbsOp else 0.05, -100 if op is circle.AbsOp else 0)
    m = single_op_module(op, [Input(tensor([256], ti))], [tensor([256], to)])
    dt = ti.numpy_storage_dtype
    x = np.linspace(np.iinfo(dt).min, np.iinfo(dt).max, 256).astype(dt)  # both extremes
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    np.testing.assert_array_equal(run(m, [x])[0], ref)


def test_exp_int8_exhaustive():
    m = single_op_module(circle.ExpOp, [Input(tensor([256], act("int8", 0.05, -10)))],
                         [tensor([256], act("int8", 0.1, -100))])
    x = np.arange(-128, 128).astype(np.int8)
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    np.testing.assert_array_equal(run(m, [x])[0], ref)


def _int16_unary_exhaustive(op, in_scale: float, out_scale: float, low: int = -32768):
    """All int16 inputs from `low` up through a one-op module, LiteRT vs the interpreter."""
    x = np.arange(low, 32768).astype(np.int16)
    m = single_op_module(op, [Input(tensor([x.size], act("int16", in_scale)))],
                         [tensor([x.size], act("int16", out_scale))])
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    got = run(m, [x])[0]
    np.testing.assert_array_equal(got, ref)
    return x, got


@pytest.mark.parametrize("in_scale,out_scale", [
    (1e-4, 1e-3), (3e-4, 2e-4), (1e-3, 1e-4),
    # exp overflows float32 above ~88.7: those table entries are inf - inf = NaN in
    # TFLite's float32 arithmetic, which its cast turns into 0
    (1e-2, 1e-3),
])
def test_exp_int16_exhaustive(in_scale, out_scale):
    """int16 EXP (TFLite's interpolated 513-entry table of expf) on all 65536 inputs."""
    _int16_unary_exhaustive(circle.ExpOp, in_scale, out_scale)


@pytest.mark.parametrize("in_scale,out_scale", [(1e-4, 1e-4), (1e-3, 1e-4), (3e-4, 2e-4),
                                                (1e-5, 1e-3)])
def test_log_int16_exhaustive(in_scale, out_scale):
    """int16 LOG on all 65536 inputs (reals <= 0 saturate to the output minimum)."""
    x, got = _int16_unary_exhaustive(circle.LogOp, in_scale, out_scale)
    assert (got[x < -128] == -32768).all()


@pytest.mark.parametrize("in_scale,out_scale", [(1e-3, 1e-3), (1e-4, 1e-3), (3e-4, 2e-4),
                                                (1e-5, 0.1)])
def test_rsqrt_int16_every_valid_input(in_scale, out_scale):
    """int16 RSQRT is a table too (not int8's Newton-Raphson): inputs 0..32767."""
    x, got = _int16_unary_exhaustive(circle.RsqrtOp, in_scale, out_scale, low=0)
    if (in_scale, out_scale) == (1e-3, 1e-3):  # interpolated between 32767 and 1/sqrt(0.128)
        assert got[:5].tolist() == [25860, 25679, 25499, 25318, 25138]


def test_rsqrt_int16_refuses_negative_inputs_like_litert():
    m = single_op_module(circle.RsqrtOp, [Input(tensor([2], act("int16", 1e-3)))],
                         [tensor([2], act("int16", 1e-3))])
    x = np.array([-1, 5], np.int16)
    with pytest.raises(runtimes.RuntimeRefused, match="only defined for positive values"):
        runtimes.run_litert(write_tflite(m), [x])
    with pytest.raises(CompileError, match="only defined for non-negative inputs"):
        run(m, [x])


@pytest.mark.parametrize("scheme,resolver", [("uint8", "BUILTIN_REF"), ("int16", "BUILTIN"),
                                             ("int16", "AUTO")])
def test_sum(scheme, resolver):
    rng = np.random.default_rng(23)
    ti, to = rand_act(scheme, rng), rand_act(scheme, rng)
    if scheme != "int16":
        to = act(scheme, to.scale.data * 8, to.zero_point.data)  # sums need the range
    m = single_op_module(circle.SumOp, [Input(tensor([1, 5, 6, 3], ti)),
                                        Const(np.array([1, 2], np.int32))],
                         [tensor([1, 1, 1, 3], to)], keep_dims=True)
    assert_bit_exact(m, rng, resolvers=(resolver,))


def test_litert_reference_int8_sum_reads_int8_as_uint8():
    """Evidence of a LiteRT bug: BUILTIN_REF's int8 SUM equals the interpreter's SUM run
    on the same bytes reinterpreted as uint8 (with the int8 qparams' numbers)."""
    ti, to = act("int8", 0.02, 5), act("int8", 0.2, -3)
    m = single_op_module(circle.SumOp, [Input(tensor([1, 2, 2, 1], ti)),
                                        Const(np.array([1, 2], np.int32))],
                         [tensor([1, 1, 1, 1], to)], keep_dims=True)
    x = np.array([-1, -2, 3, 4], np.int8).reshape(1, 2, 2, 1)
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    # as uint8: 255 + 254 + 3 + 4 = 516; 516 - 4*5 = 496; * 0.1 = 49.6 -> 50; - 3 = 47
    assert ref.item() == 47
    # the right answer: (-1 - 2 + 3 + 4) - 4*5 = -16; * 0.1 = -1.6 -> -2; - 3 = -5
    assert run(m, [x])[0].item() == -5


@pytest.mark.parametrize("src,dst", [("int8", "int16"), ("int16", "int8"), ("uint8", "int8"),
                                     ("int8", "uint8")])
def test_requantize_between_storage_types(src, dst):
    rng = np.random.default_rng(24)
    ti, to = rand_act(src, rng), rand_act(dst, rng)
    m = single_op_module(circle.QuantizeOp, [Input(tensor([64], ti))], [tensor([64], to)])
    assert_bit_exact(m, rng)


def test_div_uint8_where_litert_is_defined():
    """Equal to LiteRT wherever TFLite's total right shift is at most 31 bits; beyond, the
    C++ shifts by 32+ bits (undefined) and LiteRT saturates: x1 = 1 over x2 = 199 gives
    255 there, the interpreter the true quotient."""
    from compiler.interpreter.circle import division_total_shift

    rng = np.random.default_rng(25)
    for _ in range(4):
        q1, q2, qo = rand_act("uint8", rng), rand_act("uint8", rng), rand_act("uint8", rng)
        m = single_op_module(circle.DivOp, [Input(tensor([256], q1)), Input(tensor([256], q2))],
                             [tensor([256], qo)])
        a = rng.integers(0, 256, 256).astype(np.uint8)
        b = rng.integers(0, 256, 256).astype(np.uint8)
        b[b == q2.zero_point.data] = q2.zero_point.data + 1
        ref = runtimes.run_litert(write_tflite(m), [a, b], resolver="BUILTIN_REF")[0]
        ours = run(m, [a, b])[0]
        op = next(o for o in m.walk() if isinstance(o, circle.DivOp))
        defined = division_total_shift(op, a, b)[3] >= -31
        np.testing.assert_array_equal(ours[defined], ref[defined])
    q1, q2, qo = act("uint8", 0.018432101, 107), act("uint8", 0.041640159, 33), act(
        "uint8", 0.032004524, 57)
    m = single_op_module(circle.DivOp, [Input(tensor([1], q1)), Input(tensor([1], q2))],
                         [tensor([1], qo)])
    a, b = np.array([108], np.uint8), np.array([232], np.uint8)  # 1 / 199 in real terms
    assert runtimes.run_litert(write_tflite(m), [a, b])[0].item() == 255
    assert run(m, [a, b])[0].item() == 57  # 0.0184 / (199 * 0.0416) / 0.032 = 0.07 -> 57


@pytest.mark.parametrize("s_in,zp_in,s_out,zp_out", [(0.05, -10, 0.1, -100),
                                                     (0.02, -128, 0.05, 0)])
def test_log_int8_exhaustive(s_in, zp_in, s_out, zp_out):
    """All 256 inputs; those at or below the zero point (log of a real <= 0) saturate to
    the storage minimum, as in LiteRT."""
    m = single_op_module(circle.LogOp, [Input(tensor([256], act("int8", s_in, zp_in)))],
                         [tensor([256], act("int8", s_out, zp_out))])
    x = np.arange(-128, 128).astype(np.int8)
    ref = runtimes.run_litert(write_tflite(m), [x], resolver="BUILTIN_REF")[0]
    np.testing.assert_array_equal(run(m, [x])[0], ref)


# ---- int16 LOGISTIC / TANH (interpolated sigmoid table) -------------------------------


def _int16_unary(op, in_scale: float):
    ti = make_quantized_type("i16", f32v(in_scale), 0)
    to = make_quantized_type("i16", 1 / 32768, 0)
    return single_op_module(op, [Input(tensor([65536], ti))], [tensor([65536], to)])


_ALL_INT16 = np.arange(-32768, 32768).astype(np.int16)


@pytest.mark.parametrize("op", [circle.LogisticOp, circle.TanhOp])
@pytest.mark.parametrize("in_scale", [2**-12, 2**-11, 2**-10, 1e-4, 3.05e-5, 2.7e-4, 1e-3])
def test_int16_logistic_tanh_exhaustive(op, in_scale):
    """All 65536 inputs; power-of-two scales (shift path: 2^-12 for both, 2^-11 for TANH)
    and general scales (the multiplier path), small to saturating."""
    m = _int16_unary(op, in_scale)
    ref = runtimes.run_litert(write_tflite(m), [_ALL_INT16], resolver="BUILTIN_REF")[0]
    np.testing.assert_array_equal(run(m, [_ALL_INT16])[0], ref)


def test_int16_sigmoid_table_recovered_from_litert():
    """Recover TFLite's `sigmoid_table_uint16` from LiteRT's int16 TANH and compare it with
    the interpreter's copy: where the rescaled input v is a multiple of 256, TANH returns
    table[v >> 8] - 32768 exactly. Input scales m / 2^k (exact in float32, and
    scale * 3 * 4096 * 2^shift an exact integer multiplier) are added until every entry
    0..254 has been seen; entry 255 (an interpolation end point only) is covered by the
    exhaustive tests above."""
    from compiler.interpreter.circle_activation import (
        sigmoid16_input_multiplier,
        sigmoid16_rescale,
    )
    from compiler.interpreter.lut import SIGMOID_TABLE_UINT16

    seen: dict[int, int] = {}
    x = _ALL_INT16.astype(np.int64)
    for m3 in range(5462, 10922, 7):
        for k in (24, 25, 26):
            module = _int16_unary(circle.TanhOp, m3 / 2**k)
            tanh = next(o for o in module.walk() if isinstance(o, circle.TanhOp))
            v = sigmoid16_rescale(x, *sigmoid16_input_multiplier(tanh, (0, 1)))
            exact = (v >= 0) & (v % 256 == 0) & ((v >> 8) < 255)
            if set((v[exact] >> 8).tolist()) <= seen.keys():
                continue
            y = runtimes.run_litert(write_tflite(module), [_ALL_INT16], resolver="BUILTIN_REF")[0]
            for index, out in zip((v[exact] >> 8).tolist(), y[exact].tolist()):
                assert seen.setdefault(index, out + 32768) == out + 32768
        if len(seen) == 255:
            break
    assert sorted(seen) == list(range(255))
    np.testing.assert_array_equal(SIGMOID_TABLE_UINT16[:255], [seen[i] for i in range(255)])


def _rsqrt_and_batch_matmul():
    rng = np.random.default_rng(23)
    x = np.concatenate([rng.uniform(1e-6, 50, 4096), np.exp(rng.uniform(-80, 80, 4096)),
                        [0.0, 1.0, 0.25, 1e-38, 3.4e38]]).astype(np.float32)
    yield single_op_module(circle.RsqrtOp, [Input(tensor([x.size], f32))],
                           [tensor([x.size], f32)]), [x]
    a = rng.normal(0, 1, (1, 4, 50, 64)).astype(np.float32)  # attention's Q K^T shapes
    b = rng.normal(0, 1, (1, 4, 64, 50)).astype(np.float32)
    yield single_op_module(circle.BatchMatMulOp, [Input(tensor(list(a.shape), f32)),
                                                  Input(tensor(list(b.shape), f32))],
                           [tensor([1, 4, 50, 50], f32)]), [a, b]
    c = rng.normal(0, 1, (3, 20, 80)).astype(np.float32)  # broadcast rhs
    d = rng.normal(0, 1, (80, 7)).astype(np.float32)
    yield single_op_module(circle.BatchMatMulOp, [Input(tensor(list(c.shape), f32)),
                                                  Input(tensor(list(d.shape), f32))],
                           [tensor([3, 20, 7], f32)]), [c, d]


@pytest.mark.parametrize("case", list(_rsqrt_and_batch_matmul()), ids=["rsqrt", "bmm", "bmm_bcast"])
def test_float_rsqrt_and_batch_matmul_are_bit_exact(case):
    """The float islands' RSQRT and BATCH_MATMUL: the reference kernels compute
    `1.f / std::sqrt(x)` and `total += lhs * rhs` in float32; the interpreter does the
    same, bit for bit (rounded once from float64 they were 1-2 ulps off on ~27 % / ~75 %
    of these elements)."""
    m, xs = case
    ref = runtimes.run_litert(write_tflite(m), xs, resolver="BUILTIN_REF")[0]
    got = np.asarray(run(m, xs)[0])
    np.testing.assert_array_equal(got.view(np.int32), np.asarray(ref).reshape(got.shape).view(np.int32))
