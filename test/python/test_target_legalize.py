"""`target-legalize`: every op × scheme × runtime combination the runtime refuses or
computes wrongly is lowered to a form it computes exactly, kept float (allow-float), or
refused at compile time; each proven in the runtime.

The op-coverage suite (`test_ops_end_to_end`) lowers with the runtime as target and
compares bit-exactly; the cases below are those the target legalization changes:

- REWRITTEN (onert, uint8): without the target the runtime refuses the file or computes
  it wrongly (shown here), with it onert equals the interpreter bit for bit;
- FLOAT_ISLANDS (onert, uint8): no integer form exists; without allow-float a located
  `CompileError` names the op and the runtime's reason, with it the op runs in float
  between DEQUANTIZE and QUANTIZE and onert equals the interpreter bit for bit;
- REFUSED (onert, uint8): onert does not run the op even in float: a `CompileError`
  with allow-float too;
- LITERT_INT16_FLOAT_ISLANDS: LiteRT has no int16 ARG_MAX/ARG_MIN: an error, or float
  with allow-float, bit-exact in LiteRT. (Every other op case lowers for LiteRT in int8 and
  int16 unchanged and runs bit-exactly: test_ops_end_to_end with target="litert".)
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import compiler
from compiler.codegen import write_circle, write_tflite
from compiler.interpreter import run
from compiler.interpreter.build import Const, Input, single_op_module, tensor
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import make_quantized_type
from compiler.transforms.target_legalize import TargetLegalizePass
from compiler.verify import stage_inputs

op_cases = pytest.importorskip("op_cases")
runtimes = pytest.importorskip("runtimes")
torch.set_num_threads(1)

needs_onert = pytest.mark.skipif(not runtimes.onert_available(), reason="onert not installed")
needs_litert = pytest.mark.skipif(not runtimes.litert_available(),
                                  reason="ai-edge-litert not installed")

#: case -> what onert does to it without the target legalization (measured)
REWRITTEN = {
    "conv2d_same_grouped": "wrong",    # grouped CONV_2D -> per-group CONV_2Ds + CONCATENATION
    "split_chunk": "wrong",            # SPLIT / SPLIT_V -> SLICEs
    "clamp": "Quantize: Unsupported",  # u8 -> u8 QUANTIZE -> DEQUANTIZE + QUANTIZE
    "maximum_minimum": "Quantize: Unsupported",
    "relu6_hardtanh": "Quantize: Unsupported",
    "clamp_tensor": "Quantize: Unsupported",
    "sum_dim": "ShapeValidator failed",  # rank-4 SUM without keep_dims -> keep_dims + RESHAPE
    # -> CONCATENATIONs of copies
    "upsample_nearest": "NYI for operation 'ResizeNearestNeighbor'",
    # kernel = stride -> 1x1 CONV_2D + RESHAPE / TRANSPOSE
    "conv_transpose2d_k2s2": "Invalid number of input tensors",
}
#: case -> the op onert refuses in uint8 (kept float with allow-float)
FLOAT_ISLANDS = {
    "div": "DIV", "reciprocal": "DIV", "pow_reciprocal": "DIV", "leaky_relu": "LEAKY_RELU",
    "gelu": "GELU", "elu": "ELU", "sum_dim": "SUM", "max_dim": "REDUCE_MAX",
    "repeat": "TILE", "expand": "TILE", "where_tensor": "SELECT_V2",
    "where_scalar": "SELECT_V2", "masked_fill_softmax": "SELECT_V2",
    "conv_mask_where": "SELECT_V2", "to_dtype": "SELECT_V2",
}
#: case -> the builtin onert refuses even in float
REFUSED = {
    "prelu": "PRELU", "conv_transpose2d": "TRANSPOSE_CONV",  # overlapping taps
    "gather_runtime": "GATHER_ND", "conv3d_same": "CONV_3D",
}


def _program(name: str):
    from test_ops_end_to_end import converted

    return converted(name, "uint8")


def _lower(name: str, target: str | None, allow_float: bool = False):
    case = op_cases.BY_NAME[name]
    return compiler.lower(compiler.import_program(_program(name)), scheme="uint8",
                          io_dtype="int", allow_float=case.allow_float or allow_float,
                          target=target)


def _assert_onert_exact(module, name: str) -> None:
    xs = stage_inputs(module, [x.numpy() for x in op_cases.BY_NAME[name].inputs()])
    for ours, theirs in zip(run(module, xs), runtimes.run_onert(write_circle(module), xs),
                            strict=True):
        np.testing.assert_array_equal(ours, np.asarray(theirs).reshape(ours.shape))


@needs_onert
@pytest.mark.parametrize("name", sorted(REWRITTEN))
def test_onert_rewrites_are_needed_and_exact(name):
    before = _lower(name, None)
    xs = stage_inputs(before, [x.numpy() for x in op_cases.BY_NAME[name].inputs()])
    if REWRITTEN[name] == "wrong":
        got = runtimes.run_onert(write_circle(before), xs)
        assert any(not np.array_equal(a, np.asarray(b).reshape(a.shape))
                   for a, b in zip(run(before, xs), got))
    else:
        with pytest.raises(runtimes.RuntimeRefused, match=REWRITTEN[name]):
            runtimes.run_onert(write_circle(before), xs)
    _assert_onert_exact(_lower(name, "onert", allow_float=name == "sum_dim"), name)


@needs_onert
@pytest.mark.parametrize("name", sorted(FLOAT_ISLANDS))
def test_onert_float_islands_with_allow_float_else_located_error(name):
    if not op_cases.BY_NAME[name].allow_float:
        with pytest.raises(CompileError, match=f"onert has no u8 kernel for {FLOAT_ISLANDS[name]}"
                           ".*allow-float keeps it float") as e:
            _lower(name, "onert")
        assert e.value.location  # at the user's source line
    module = _lower(name, "onert", allow_float=True)
    from compiler.transforms.utils import is_float_tensor

    kept = [o for o in module.walk() if getattr(o, "BUILTIN", None) == FLOAT_ISLANDS[name]]
    assert kept and all(is_float_tensor(o.results[0]) for o in kept)
    _assert_onert_exact(module, name)


@pytest.mark.parametrize("allow_float", [False, True])
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_onert_refusals_even_in_float_are_compile_errors(name, allow_float):
    builtin = REFUSED[name]
    with pytest.raises(CompileError, match=f"onert does not support {builtin}|"
                       f"{builtin}.*allow-float cannot keep it"):
        _lower(name, "onert", allow_float=allow_float)


#: case -> the op LiteRT refuses in int16 (kept float with allow-float)
LITERT_INT16_FLOAT_ISLANDS = {"argmax": "ARG_MAX", "argmax_keepdim": "ARG_MAX",
                              "argmin_flat": "ARG_MIN", "max_dim": "ARG_MAX"}


@needs_litert
@pytest.mark.parametrize("name", sorted(LITERT_INT16_FLOAT_ISLANDS))
def test_litert_int16_float_islands_with_allow_float_else_located_error(name):
    from test_ops_end_to_end import converted

    builtin = LITERT_INT16_FLOAT_ISLANDS[name]

    def lower(allow_float):
        return compiler.lower(compiler.import_program(converted(name, "int16")), scheme="int16",
                              io_dtype="int", allow_float=allow_float, target="litert")

    with pytest.raises(CompileError, match=f"int16 {builtin} is not supported by TFLite "
                       "kernels.*allow-float keeps it float"):
        lower(False)
    module = lower(True)
    xs = stage_inputs(module, [x.numpy() for x in op_cases.BY_NAME[name].inputs()])
    for ours, theirs in zip(run(module, xs), runtimes.run_litert(write_tflite(module), xs),
                            strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_qcompile_refuses_int16_for_onert(tmp_path, capsys):
    from compiler.tools.qcompile import main

    model = tmp_path / "m.py"
    model.write_text("import torch\n"
                     "def model(): return torch.nn.Linear(4, 2)\n"
                     "def example_inputs(): return (torch.randn(1, 4),)\n")
    assert main([str(model), "-o", str(tmp_path / "m.circle"), "--scheme", "int16", "-q"]) == 1
    assert "onert does not run int16 quantized tensors" in capsys.readouterr().err
    assert not (tmp_path / "m.circle").exists()


@needs_litert
def test_litert_div_by_a_constant_zero_point_is_refused_before_writing():
    """LiteRT's quantized DIV refuses a divisor element equal to its zero point at invoke
    time; the DIV trait says so, and the writer refuses the file."""
    t = make_quantized_type("i8", 0.05, 3)
    m = single_op_module(compiler.dialects.circle.DivOp,
                         [Input(tensor([4], t)), Const(np.array([5, 3, 7, 9], np.int8),
                                                       tensor([4], t))], [tensor([4], t)])
    data = compiler.codegen.writer.pack_model(compiler.codegen.writer.build_model(m), b"TFL3")
    with pytest.raises(runtimes.RuntimeRefused, match="zero_point"):
        runtimes.run_litert(data, [np.arange(4, dtype=np.int8)])
    with pytest.raises(CompileError, match="divisor element equal to its zero point"):
        write_tflite(m)
    from xdsl.context import Context

    with pytest.raises(CompileError, match="divisor element equal to its zero point"):
        TargetLegalizePass(target="litert").apply(Context(), m)


def _fc_then_add(batch: list[int]):
    """FULLY_CONNECTED [*batch, 16] -> [*batch, 8] (keep_num_dims) then ADD with an
    input of the same shape, uint8, per-tensor weights."""
    from xdsl.builder import ImplicitBuilder
    from xdsl.dialects.builtin import ModuleOp
    from xdsl.dialects.func import FuncOp, ReturnOp

    from compiler.dialects import circle
    from compiler.interpreter.build import _const, option_attribute

    t = make_quantized_type("u8", 0.05, 128)
    rng = np.random.default_rng(0)
    out = tensor([*batch, 8], t)
    func = FuncOp("main", ([tensor([*batch, 16], t), out], [out]))
    with ImplicitBuilder(func.body) as (x, y):
        w = _const(Const(rng.integers(0, 256, (8, 16), dtype=np.uint8),
                         tensor([8, 16], make_quantized_type("u8", 0.01, 128)))).output
        b = _const(Const(rng.integers(-100, 100, (8,), dtype=np.int32),
                         tensor([8], make_quantized_type("i32", 0.0005, 0)))).output
        none = option_attribute("NONE")
        fc = circle.FullyConnectedOp(operands=[x, w, b], result_types=[out], properties={
            "keep_num_dims": option_attribute(True), "fused_activation_function": none})
        add = circle.AddOp(operands=[fc.output, y], result_types=[out],
                           properties={"fused_activation_function": none})
        ReturnOp(add.output)
    module = ModuleOp([func])
    module.verify()
    inputs = [rng.integers(0, 256, size=(*batch, n), dtype=np.uint8) for n in (16, 8)]
    return module, inputs


@needs_onert
@pytest.mark.parametrize("batch", [[2, 4], [1, 2, 4]])
def test_onert_fully_connected_keeping_batch_dims_is_flattened_exactly(batch):
    """onert ignores keep_num_dims (its FULLY_CONNECTED outputs [N, O]), so an ADD of
    that output with a [*batch, O] tensor is refused at prepare (ConvNeXt's and Swin's
    MLPs on NHWC activations); target-legalize's 1x1 CONV_2D between RESHAPEs keeps the
    shape, and onert computes the rewritten IR bit-exactly."""
    from xdsl.context import Context

    module, inputs = _fc_then_add(batch)
    with pytest.raises(runtimes.RuntimeRefused, match="Incompatible shapes for broadcast"):
        runtimes.run_onert(write_circle(module), inputs)
    before = run(module, inputs)[0]
    TargetLegalizePass(target="onert").apply(Context(), module)
    names = [o.name for o in module.walk() if o.name.startswith("circle.")
             and o.name != "circle.const"]
    assert names == ["circle.reshape", "circle.conv_2d", "circle.reshape", "circle.add"]
    want = run(module, inputs)[0]
    got = runtimes.run_onert(write_circle(module), inputs)[0]
    np.testing.assert_array_equal(np.asarray(got).reshape(np.shape(want)), want)
    assert np.abs(np.asarray(want).astype(int) - np.asarray(before).astype(int)).max() <= 1


def _fc_module(rng, n: int, i: int, o: int, per_channel: bool, bias: bool, act: str):
    """A uint8 FULLY_CONNECTED [n, i] -> [n, o] with vit-like scales (a right shift of
    8, where the two roundings part on near-half values) and random weights and bias."""
    from compiler.dialects import circle

    s_in = 0.025508705526590347
    ti = make_quantized_type("u8", s_in, 113)
    to = make_quantized_type("u8", 0.021380510181188583, 131)
    if per_channel:
        ws = rng.uniform(0.001, 0.003, o)
        tw = make_quantized_type("u8", ws, 127, axis=0)
        tb = make_quantized_type("i32", (np.float32(s_in) * ws.astype(np.float32))
                                 .astype(np.float64), 0, axis=0)
    else:
        tw = make_quantized_type("u8", 0.0016977915074676275, 127)
        tb = make_quantized_type("i32", float(np.float32(s_in)
                                              * np.float32(0.0016977915074676275)), 0)
    operands = [Input(tensor([n, i], ti)),
                Const(rng.integers(0, 256, (o, i), dtype=np.uint8), tensor([o, i], tw))]
    operands.append(Const(rng.integers(-20000, 20000, (o,), dtype=np.int32), tensor([o], tb))
                    if bias else None)
    return single_op_module(circle.FullyConnectedOp, operands, [tensor([n, o], to)],
                            fused_activation_function=act)


def test_onert_int8_fully_connected_is_refused_not_rewritten():
    """onert refuses an int8 FULLY_CONNECTED; the convolution rewrite is for uint8 only
    (onert's int8 CONV_2D rounding in its place is not measured), so the refusal stays a
    located compile error instead of an unproven int8 convolution."""
    from xdsl.context import Context

    from compiler.dialects import circle

    ti = make_quantized_type("i8", 0.05, -3)
    tw = make_quantized_type("i8", 0.01, 0)
    m = single_op_module(circle.FullyConnectedOp,
                         [Input(tensor([2, 4], ti)),
                          Const(np.ones((3, 4), np.int8), tensor([3, 4], tw)), None],
                         [tensor([2, 3], ti)], fused_activation_function="NONE")
    with pytest.raises(CompileError, match="FullyConnected: unsupported data type.*"
                       "only a uint8 FULLY_CONNECTED"):
        TargetLegalizePass(target="onert").apply(Context(), m)
    assert not any(isinstance(o, circle.Conv2DOp) for o in m.walk())


@needs_onert
def test_onert_uint8_fully_connected_rounds_twice():
    """onert's uint8 FULLY_CONNECTED requantizes with gemmlowp's two roundings: with
    vit's scales (M = 0.0020256, a right shift of 8) an accumulator of -1234 gives
    -2.4996 -> -2.5 -> -3, one step from the IR's single rounding (-2): a `Miscomputes`
    fact for onert, which target-legalize rewrites away (the test below)."""
    from compiler.dialects import circle
    from compiler.ir.runtime_traits import miscomputation

    ti = make_quantized_type("u8", 0.025508705526590347, 113)
    tw = make_quantized_type("u8", 0.0016977915074676275, 127)
    tb = make_quantized_type("i32", 4.330846422817558e-05, 0)
    to = make_quantized_type("u8", 0.021380510181188583, 131)
    accs = np.array([-1234, -36779, -1233, 1234], np.int32)  # x - zx = 1, w - zw = 0
    m = single_op_module(circle.FullyConnectedOp,
                         [Input(tensor([1, 1], ti)),
                          Const(np.full((4, 1), 127, np.uint8), tensor([4, 1], tw)),
                          Const(accs, tensor([4], tb))],
                         [tensor([1, 4], to)], fused_activation_function="NONE")
    x = np.array([[113]], np.uint8)
    want = np.asarray(run(m, [x])[0]).view(np.uint8).reshape(-1)
    got = np.asarray(runtimes.run_onert(write_circle(m), [x])[0]).reshape(-1)
    np.testing.assert_array_equal(want, [129, 57, 129, 133])  # round(131 + acc * M)
    np.testing.assert_array_equal(got, [128, 56, 129, 134])
    fc = next(o for o in m.walk() if isinstance(o, circle.FullyConnectedOp))
    assert "two roundings" in miscomputation(fc, "onert")


@needs_onert
@pytest.mark.parametrize("per_channel, bias, act", [
    (False, True, "NONE"), (True, True, "NONE"), (False, False, "RELU"), (True, False, "RELU6")])
def test_onert_fully_connected_as_conv_is_bit_exact(per_channel, bias, act):
    """target-legalize computes a uint8 FULLY_CONNECTED as a 1x1 CONV_2D: onert equals
    the interpreter on the rewritten IR bit for bit (per-channel weights, which onert's
    FULLY_CONNECTED misreads, and a missing bias included), while onert's own
    FULLY_CONNECTED departs from the FC; the rewritten IR is within 1 step of the FC
    (its rescale rounds twice, as a convolution's) on under 1 % of the elements."""
    from xdsl.context import Context

    rng = np.random.default_rng(7)
    m = _fc_module(rng, 64, 96, 128, per_channel, bias, act)
    x = rng.integers(0, 256, (64, 96), dtype=np.uint8)
    before = np.asarray(run(m, [x])[0]).view(np.uint8).astype(int)
    as_fc = np.asarray(runtimes.run_onert(write_circle(m), [x])[0]).astype(int)
    assert (as_fc.reshape(before.shape) != before).any()  # what the rewrite is for
    TargetLegalizePass(target="onert").apply(Context(), m)
    assert [o.name for o in m.walk() if o.name in ("circle.conv_2d", "circle.fully_connected")
            ] == ["circle.conv_2d"]
    want = np.asarray(run(m, [x])[0]).view(np.uint8).astype(int)
    got = np.asarray(runtimes.run_onert(write_circle(m), [x])[0]).astype(int)
    np.testing.assert_array_equal(got.reshape(want.shape), want)
    moved = np.abs(want - before)
    assert moved.max() <= 1 and (moved > 0).mean() < 0.01


@needs_onert
@pytest.mark.parametrize("shape, axes, keep", [
    ((2, 9, 7, 32), [1, 2], True), ((1, 8, 8, 64), [2, 1], False),
    ((2, 50, 96), [-1], True), ((64, 96), [1], False), ((1, 48, 4, 4), [3, 2], True),
    ((2, 16, 32), [1], False), ((2, 6, 5, 4), [1], True)])
def test_onert_mean_as_conv_is_bit_exact(shape, axes, keep):
    """onert computes a uint8 MEAN in float (1 step off on a few % of elements);
    target-legalize computes a MEAN over the trailing axes (a layer norm's; an NCHW
    squeeze-excite pool's) as a 1x1 CONV_2D and one over other contiguous axes (H and W
    of NHWC; a sequence) as a DEPTHWISE_CONV_2D (weight 255 at scale 1/(255 n)): onert equals the
    interpreter on the rewritten IR bit for bit, and the IR stays within 1 step of the
    MEAN."""
    from xdsl.context import Context

    from compiler.dialects import circle

    rng = np.random.default_rng(3)
    rank = len(shape)
    reduced = {a % rank for a in axes}
    out = [1 if d in reduced else n for d, n in enumerate(shape)]
    if not keep:
        out = [n for d, n in enumerate(shape) if d not in reduced]
    m = single_op_module(circle.MeanOp, [
        Input(tensor(list(shape), make_quantized_type("u8", 0.05, 100))),
        Const(np.array(axes, np.int32), tensor([len(axes)], "i32"))],
        [tensor(out, make_quantized_type("u8", 0.013, 90))], keep_dims=keep)
    xs = [rng.integers(0, 256, shape, dtype=np.uint8) for _ in range(4)]
    before = [np.asarray(run(m, [x])[0]).view(np.uint8).astype(int) for x in xs]
    as_mean = [np.asarray(runtimes.run_onert(write_circle(m), [x])[0]).astype(int) for x in xs]
    TargetLegalizePass(target="onert").apply(Context(), m)
    trailing = reduced == set(range(rank - len(reduced), rank))
    conv = "circle.conv_2d" if trailing else "circle.depthwise_conv_2d"
    names = [o.name for o in m.walk() if o.name.startswith("circle.") and o.name != "circle.const"]
    assert conv in names and "circle.mean" not in names
    data = write_circle(m)
    for x, b, a in zip(xs, before, as_mean):
        want = np.asarray(run(m, [x])[0]).view(np.uint8).astype(int)
        got = np.asarray(runtimes.run_onert(data, [x])[0]).astype(int)
        np.testing.assert_array_equal(got.reshape(want.shape), want)
        assert np.abs(want - b).max() <= 1 and np.abs(a.reshape(b.shape) - b).max() <= 1


@needs_onert
def test_onert_mean_as_conv_rounds_once_like_pt2e():
    """A layer norm's uint8 MEAN over 32 channels (vit uint8's first one: s_in / (n s_out)
    is about 1/4): the rewritten convolution rounds the mean once, as PT2E quantizes
    torch's float mean (`quantize_per_tensor`, half to even), except where the exact
    mean is within 2^-7 step of a half; onert computes it bit-exactly. With weight 1 at
    scale 1/n the rescale's first rounding was at the accumulator's integer (a right
    shift of 2 bits): ~22 % of rows a step off PT2E, upward on ties."""
    from xdsl.context import Context

    from compiler.dialects import circle

    s_in, zp_in, s_out, zp_out = 0.016372520476579666, 126, 0.0020546328742057085, 111
    rows, n = 4096, 32
    m = single_op_module(circle.MeanOp, [
        Input(tensor([1, rows, n], make_quantized_type("u8", s_in, zp_in))),
        Const(np.array([-1], np.int32), tensor([1], "i32"))],
        [tensor([1, rows, 1], make_quantized_type("u8", s_out, zp_out))], keep_dims=True)
    TargetLegalizePass(target="onert").apply(Context(), m)
    x = np.clip(np.random.default_rng(5).normal(zp_in, 20, (1, rows, n)), 0, 255).astype(np.uint8)
    got = np.asarray(run(m, [x])[0]).view(np.uint8).astype(int).reshape(-1)
    onert = np.asarray(runtimes.run_onert(write_circle(m), [x])[0]).astype(int).reshape(-1)
    np.testing.assert_array_equal(onert, got)
    real = (torch.from_numpy(x).float() - zp_in) * s_in  # PT2E: dequantize, mean, quantize
    pt2e = torch.quantize_per_tensor(real.mean(-1), s_out, zp_out, torch.quint8)
    want = pt2e.int_repr().numpy().astype(int).reshape(-1)
    exact = (x.astype(np.int64) - zp_in).sum(-1).reshape(-1) * (s_in / n / s_out)
    near_half = np.abs(exact - np.floor(exact) - 0.5) < 2.0**-7
    off = got != want
    assert not (off & ~near_half).any()
    assert off.mean() < 0.01 and np.abs(got - want).max() <= 1


@needs_onert
def test_onert_uint8_mean_departs_without_the_rewrite():
    """The fact behind MEAN's `Miscomputes` for onert: its uint8 MEAN over the last axis
    (a layer norm's) is 1 step off the IR on some rows."""
    from compiler.dialects import circle

    rng = np.random.default_rng(3)
    m = single_op_module(circle.MeanOp, [
        Input(tensor([256, 96], make_quantized_type("u8", 0.05, 100))),
        Const(np.array([1], np.int32), tensor([1], "i32"))],
        [tensor([256, 1], make_quantized_type("u8", 0.013, 90))], keep_dims=True)
    x = rng.integers(0, 256, (256, 96), dtype=np.uint8)
    want = np.asarray(run(m, [x])[0]).view(np.uint8).astype(int)
    got = np.asarray(runtimes.run_onert(write_circle(m), [x])[0]).astype(int).reshape(want.shape)
    assert np.abs(got - want).max() == 1


@needs_onert
def test_onert_float_rsqrt_is_the_interpreters():
    """onert's float32 RSQRT computes `1.f / std::sqrt(x)` like TFLite's and the
    interpreter's (every uint8 layer norm's float island), bit for bit on random and
    edge inputs: target-legalize leaves it alone."""
    from xdsl.context import Context
    from xdsl.dialects.builtin import f32

    from compiler.dialects import circle

    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(1e-6, 50, 8192), np.exp(rng.uniform(-87, 88, 8192)),
                        [0.0, 1e-45, 1e-38, 1.0, 0.25, 3.4e38, np.inf]]).astype(np.float32)
    m = single_op_module(circle.RsqrtOp, [Input(tensor([x.size], f32))], [tensor([x.size], f32)])
    TargetLegalizePass(target="onert").apply(Context(), m)
    names = [o.name for o in m.walk() if o.name.startswith("circle.")]
    assert names == ["circle.rsqrt"]
    want = np.asarray(run(m, [x])[0])
    got = np.asarray(runtimes.run_onert(write_circle(m), [x])[0]).reshape(-1)
    np.testing.assert_array_equal(got.view(np.int32), want.view(np.int32))


@needs_onert
@pytest.mark.parametrize("size, out, align, half", [
    ((8, 8), (64, 64), False, True), ((1, 1), (8, 8), False, True),
    ((5, 7), (13, 9), False, True), ((5, 7), (13, 9), False, False),
    ((4, 4), (8, 8), True, False)])
def test_onert_uint8_resize_bilinear_truncates(size, out, align, half):
    """onert's uint8 RESIZE_BILINEAR (cker `ResizeBilinearGenericSmallChannel`) computes
    the interpolation in float32 as TFLite does, half-pixel centers included, but
    truncates it (`static_cast<uint8_t>`) where TFLite rounds it (+0.5): every element
    is the truncation of its float value, so 1 step off on ~45 % of them, the
    `Tolerance` onert has for the op (deeplab_v3's upsampling). A 1x1 input (image
    pooling broadcast) is exact."""
    from compiler.dialects import circle
    from compiler.interpreter.circle import bilinear_positions_float
    from compiler.ir.runtime_traits import tolerated_steps

    rng = np.random.default_rng(5)
    t = make_quantized_type("u8", 0.05, 100)
    x = rng.integers(0, 256, (1, *size, 6), dtype=np.uint8)
    m = single_op_module(circle.ResizeBilinearOp, [
        Input(tensor([1, *size, 6], t)), Const(np.array(out, np.int32), tensor([2], "i32"))],
        [tensor([1, *out, 6], t)], align_corners=align, half_pixel_centers=half)
    want = np.asarray(run(m, [x])[0]).view(np.uint8).astype(int)
    got = np.asarray(runtimes.run_onert(write_circle(m), [x])[0]).reshape(want.shape).astype(int)
    f32 = np.float32
    py, y0, y1 = bilinear_positions_float(out[0], size[0], align, half)
    px, x0, x1 = bilinear_positions_float(out[1], size[1], align, half)
    fy = (py - y0.astype(f32))[None, :, None, None]
    fx = (px - x0.astype(f32))[None, None, :, None]
    xf = x.astype(f32)
    v = (xf[:, y0][:, :, x0] * ((f32(1) - fy) * (f32(1) - fx))
         + xf[:, y0][:, :, x1] * ((f32(1) - fy) * fx)
         + xf[:, y1][:, :, x0] * (fy * (f32(1) - fx)) + xf[:, y1][:, :, x1] * (fy * fx))
    np.testing.assert_array_equal(got, np.trunc(v).astype(int))
    steps = np.abs(got - want)
    resize = next(o for o in m.walk() if isinstance(o, circle.ResizeBilinearOp))
    assert steps.max() <= tolerated_steps(resize, "onert", None, "u8") == 1
    if size == (1, 1):
        assert steps.max() == 0


@needs_onert
@pytest.mark.parametrize("size, out, half", [
    ((8, 8), (64, 64), True), ((3, 5), (9, 10), True), ((2, 3), (16, 6), True),
    ((4, 4), (8, 8), False), ((3, 5), (9, 10), False)])
def test_onert_resize_bilinear_as_depthwise_conv_is_bit_exact(size, out, half):
    """target-legalize computes a uint8 RESIZE_BILINEAR upsampling by integer factors
    (deeplab_v3's 8x) as an edge-replicated 3x3 DEPTHWISE_CONV_2D with one output
    channel per phase and a reordering: onert equals the interpreter on the rewritten IR
    bit for bit, where it truncates the resize; the IR stays within 1 step of the
    resize (the convolution rounds ties away from the zero point, the resize up)."""
    from xdsl.context import Context

    from compiler.dialects import circle

    rng = np.random.default_rng(11)
    t = make_quantized_type("u8", 0.05, 100)
    m = single_op_module(circle.ResizeBilinearOp, [
        Input(tensor([1, *size, 5], t)), Const(np.array(out, np.int32), tensor([2], "i32"))],
        [tensor([1, *out, 5], t)], align_corners=False, half_pixel_centers=half)
    xs = [rng.integers(0, 256, (1, *size, 5), dtype=np.uint8) for _ in range(3)]
    before = [np.asarray(run(m, [x])[0]).view(np.uint8).astype(int) for x in xs]
    TargetLegalizePass(target="onert").apply(Context(), m)
    names = [o.name for o in m.walk() if o.name.startswith("circle.") and o.name != "circle.const"]
    assert "circle.depthwise_conv_2d" in names and "circle.resize_bilinear" not in names
    data = write_circle(m)
    for x, b in zip(xs, before):
        want = np.asarray(run(m, [x])[0]).view(np.uint8).astype(int)
        got = np.asarray(runtimes.run_onert(data, [x])[0]).reshape(want.shape).astype(int)
        np.testing.assert_array_equal(got, want)
        assert np.abs(want - b).max() <= 1 and (want != b).mean() < 0.15


def test_bilinear_phase_weights_are_torchs_interpolation():
    """The phase weights reproduce F.interpolate's bilinear upsampling (align_corners
    False) exactly, edges included, with and without half-pixel centers (float64)."""
    from compiler.ir.runtime_traits import bilinear_phase_weights

    x = torch.arange(5, dtype=torch.float64).reshape(1, 1, 5, 1) ** 2
    for f in (2, 3, 8):
        (w, den) = bilinear_phase_weights(5, 5 * f, True)
        padded = np.concatenate([[0.0], np.arange(5.0) ** 2, [16.0]])
        ours = np.array([sum(w[r][a] * padded[i + a] for a in range(3)) / den
                         for i in range(5) for r in range(f)])
        theirs = torch.nn.functional.interpolate(x, size=(5 * f, 1), mode="bilinear",
                                                 align_corners=False).reshape(-1).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
