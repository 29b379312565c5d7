"""Comparison / logic / select kernels: the interpreter vs LiteRT's reference kernels
(BIT-EXACT), the pinned runtime gaps the legalizer works around, and the exact integer
thresholds of scalar comparisons.

- uint8/int8 comparisons rescale each operand (`ComparisonWithScaling`); here with
  different, random scales per operand (scales down to ~1/256, where the kernel's
  1/256 resolution merges neighbouring integers) and broadcasting;
- int16 comparisons compare raw integers (all six in LiteRT 2.3; older TFLite sources
  lack int16 GREATER, LESS_EQUAL and NOT_EQUAL);
- onert has no quantized SELECT_V2 (pinned, and predicted by `onert_problems`).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from xdsl.dialects.builtin import i1, i32

from compiler.dialects import circle
from compiler.interpreter import run
from compiler.interpreter.build import Const, Input, single_op_module, tensor
from compiler.ir.quant_types import make_quantized_type
from compiler.transforms.legalize.compare import integer_threshold

runtimes = pytest.importorskip("runtimes")

COMPARISONS = [circle.EqualOp, circle.NotEqualOp, circle.GreaterOp, circle.GreaterEqualOp,
               circle.LessOp, circle.LessEqualOp]
_ACT = {"int8": "i8", "uint8": "u8", "int16": "i16"}


def _inputs(module, rng, count: int = 4) -> list[list[np.ndarray]]:
    """Random storage integers / booleans, plus all-min and all-max sets."""
    args = list(module.ops.first.body.blocks.first.args)
    sets = []
    for k in range(count + 2):
        one = []
        for a in args:
            et, shape = a.type.element_type, a.type.get_shape()
            if et == i1:
                one.append(rng.integers(0, 2, shape).astype(bool))
                continue
            info = np.iinfo(np.dtype(et.numpy_storage_dtype))
            if k == count:
                one.append(np.full(shape, info.min, et.numpy_storage_dtype))
            elif k == count + 1:
                one.append(np.full(shape, info.max, et.numpy_storage_dtype))
            else:
                one.append(rng.integers(info.min, int(info.max) + 1, shape)
                           .astype(et.numpy_storage_dtype))
        sets.append(one)
    return sets


def _assert_litert_equal(module, rng) -> None:
    if not runtimes.litert_available():
        pytest.skip("ai-edge-litert is not installed")
    from compiler.codegen import write_tflite

    buf = write_tflite(module)
    for xs in _inputs(module, rng):
        for ours, ref in zip(run(module, xs), runtimes.run_litert(buf, xs), strict=True):
            assert ours.dtype == ref.dtype and ours.shape == ref.shape
            np.testing.assert_array_equal(ours, ref)


def _act(scheme: str, scale: float, zp: int):
    return make_quantized_type(_ACT[scheme], float(np.float32(scale)),
                               0 if scheme == "int16" else zp)


@pytest.mark.parametrize("scheme", ["uint8", "int8"])
@pytest.mark.parametrize("op", COMPARISONS)
@pytest.mark.parametrize("broadcast", [False, True])
def test_comparison_rescaling_bit_exact(scheme, op, broadcast):
    rng = np.random.default_rng(3)
    lo = 0 if scheme == "uint8" else -128
    for s1, s2 in [(0.02, 0.013), (0.0041, 0.0039), (0.5, 0.003)]:
        t1 = _act(scheme, s1, int(rng.integers(lo, lo + 256)))
        t2 = _act(scheme, s2, int(rng.integers(lo, lo + 256)))
        shape2 = [1, 1, 5] if broadcast else [2, 3, 5]
        m = single_op_module(op, [Input(tensor([2, 3, 5], t1)), Input(tensor(shape2, t2))],
                             [tensor([2, 3, 5], i1)])
        _assert_litert_equal(m, rng)


@pytest.mark.parametrize("op", COMPARISONS)
def test_int16_comparison_raw_integers_bit_exact(op):
    rng = np.random.default_rng(4)
    t = _act("int16", 1e-3, 0)
    m = single_op_module(op, [Input(tensor([2, 3, 5], t)), Input(tensor([1, 3, 1], t))],
                         [tensor([2, 3, 5], i1)])
    _assert_litert_equal(m, rng)


@pytest.mark.parametrize("op", [circle.LogicalAndOp, circle.LogicalOrOp])
def test_logical_binary_bit_exact(op):
    rng = np.random.default_rng(5)
    m = single_op_module(op, [Input(tensor([2, 3], i1)), Input(tensor([1, 3], i1))],
                         [tensor([2, 3], i1)])
    _assert_litert_equal(m, rng)


def test_logical_not_and_reduce_any_bit_exact():
    rng = np.random.default_rng(6)
    _assert_litert_equal(single_op_module(circle.LogicalNotOp, [Input(tensor([2, 3], i1))],
                                          [tensor([2, 3], i1)]), rng)
    for axes, keep, out in [([1], False, [2, 4]), ([0, 2], True, [1, 3, 1]),
                            ([0, 1, 2], False, [])]:
        m = single_op_module(
            circle.ReduceAnyOp,
            [Input(tensor([2, 3, 4], i1)), Const(np.array(axes, np.int32), tensor([len(axes)], i32))],
            [tensor(out, i1)], keep_dims=keep)
        _assert_litert_equal(m, rng)


@pytest.mark.parametrize("scheme", ["uint8", "int8", "int16"])
def test_select_v2_bit_exact(scheme):
    rng = np.random.default_rng(7)
    t = _act(scheme, 0.02, 3)
    info = np.iinfo(np.dtype(t.numpy_storage_dtype))
    fill = Const(np.array([info.min], t.numpy_storage_dtype), tensor([1], t))  # -inf
    m = single_op_module(
        circle.SelectV2Op, [Input(tensor([2, 1, 4], i1)), Input(tensor([2, 3, 4], t)), fill],
        [tensor([2, 3, 4], t)])
    _assert_litert_equal(m, rng)


def test_onert_refuses_quantized_select_v2():
    """onert 0.1.0 has no u8 SELECT_V2; `onert_problems` says so before emission."""
    from compiler.codegen import write_circle
    from compiler.codegen.onert import onert_problems

    t = _act("uint8", 0.02, 3)
    m = single_op_module(
        circle.SelectV2Op,
        [Input(tensor([2, 4], i1)), Input(tensor([2, 4], t)), Input(tensor([2, 4], t))],
        [tensor([2, 4], t)])
    problems = [str(p) for p in onert_problems(m)]
    assert problems and "no u8 kernel for SELECT_V2" in problems[0]
    if not runtimes.onert_available():
        pytest.skip("onert is not installed")
    xs = _inputs(m, np.random.default_rng(8))[0]
    with pytest.raises(runtimes.RuntimeRefused, match="Select: unsupported data type"):
        runtimes.run_onert(write_circle(m), xs)


@pytest.mark.parametrize("storage,scale,zp", [("u8", 0.0235, 131), ("i8", 0.0117, -5),
                                              ("i16", 9.1e-5, 0)])
@pytest.mark.parametrize("kind", ["eq", "ne", "gt", "ge", "lt", "le"])
def test_integer_threshold_is_torchs_float_comparison(storage, scale, zp, kind):
    """For every stored integer q: cmp(q, t) == torch's kind(dequantize(q), value),
    for values between grid points, on grid points and outside the range."""
    et = make_quantized_type(storage, scale, zp)
    q = np.arange(et.qmin, et.qmax + 1)
    deq = torch.from_numpy(et.dequantize(q))
    grid = et.dequantize(np.array([et.qmin + 3, 0 if storage == "u8" else zp + 7]))
    values = [0.5, -0.3, 0.0, float(grid[0]), float(grid[1]), 1e6, -1e6]
    ops = {circle.EqualOp: np.equal, circle.NotEqualOp: np.not_equal,
           circle.GreaterOp: np.greater, circle.GreaterEqualOp: np.greater_equal,
           circle.LessOp: np.less, circle.LessEqualOp: np.less_equal}
    for v in values:
        cls, t = integer_threshold(kind, v, et)
        assert et.qmin <= t <= et.qmax
        want = getattr(torch, kind)(deq, v).numpy()
        np.testing.assert_array_equal(ops[cls](q, t), want, err_msg=f"{kind} {v}")


@pytest.mark.parametrize("write", ["write_circle", "write_tflite"])
def test_flatbuffer_round_trip(write):
    """BOOL tensors (inputs, results, a REDUCE_ANY output) and every op of the family
    survive writing and reading back: the IR read back prints as the IR written."""
    from xdsl.parser import Parser

    import compiler.codegen as codegen
    from compiler.codegen import read_flatbuffer
    from compiler.ir.context import make_context

    text = """
func.func @main(%a: tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, %b: tensor<3x!quant.uniform<i8:f32, 0.2:-1>>, %m: tensor<2x3xi1>) -> (tensor<2x3xi1>, tensor<2xi1>, tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>) {
  %0 = circle.equal %a, %b : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<3x!quant.uniform<i8:f32, 0.2:-1>>) -> tensor<2x3xi1>
  %1 = circle.not_equal %a, %b : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<3x!quant.uniform<i8:f32, 0.2:-1>>) -> tensor<2x3xi1>
  %2 = circle.greater %a, %b : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<3x!quant.uniform<i8:f32, 0.2:-1>>) -> tensor<2x3xi1>
  %3 = circle.greater_equal %a, %b : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<3x!quant.uniform<i8:f32, 0.2:-1>>) -> tensor<2x3xi1>
  %4 = circle.less %a, %b : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<3x!quant.uniform<i8:f32, 0.2:-1>>) -> tensor<2x3xi1>
  %5 = circle.less_equal %a, %b : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<3x!quant.uniform<i8:f32, 0.2:-1>>) -> tensor<2x3xi1>
  %6 = circle.logical_and %0, %1 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %7 = circle.logical_or %6, %2 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %8 = circle.logical_or %3, %4 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %9 = circle.logical_and %7, %8 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %10 = circle.logical_and %9, %5 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %11 = circle.logical_not %10 : (tensor<2x3xi1>) -> tensor<2x3xi1>
  %12 = circle.logical_or %11, %m : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %ax = circle.const dense<1> : tensor<1xi32>
  %13 = circle.reduce_any %12, %ax : (tensor<2x3xi1>, tensor<1xi32>) -> tensor<2xi1>
  %f = circle.const dense<-128> : tensor<1xi8> to tensor<1x!quant.uniform<i8:f32, 0.1:3>>
  %14 = circle.select_v2 %12, %a, %f : (tensor<2x3xi1>, tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<1x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>
  func.return %12, %13, %14 : tensor<2x3xi1>, tensor<2xi1>, tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>
}
"""
    module = Parser(make_context(), text).parse_module()
    module.verify()
    back = read_flatbuffer(getattr(codegen, write)(module))
    ops = [op.name for op in back.walk() if op.name.startswith("circle.")]
    assert ops == [op.name for op in module.walk() if op.name.startswith("circle.")]
    rng = np.random.default_rng(9)
    for xs in _inputs(module, rng):
        for ours, theirs in zip(run(module, xs), run(back, xs), strict=True):
            np.testing.assert_array_equal(ours, theirs)


def test_onert_refuses_boolean_transpose():
    """Why comparisons are not `Elementwise` (no transpose is sunk onto a boolean)."""
    from compiler.codegen import write_circle
    from compiler.codegen.onert import onert_problems

    m = single_op_module(
        circle.TransposeOp,
        [Input(tensor([2, 3], i1)), Const(np.array([1, 0], np.int32), tensor([2], i32))],
        [tensor([3, 2], i1)])
    problems = [str(p) for p in onert_problems(m)]
    assert problems and "no boolean kernel for TRANSPOSE" in problems[0]
    if not runtimes.onert_available():
        pytest.skip("onert is not installed")
    with pytest.raises(runtimes.RuntimeRefused, match="Transpose: unsupported data type"):
        runtimes.run_onert(write_circle(m), [np.array([[1, 0, 1], [0, 0, 1]], bool)])


def _dequant_params(program, target) -> list[tuple]:
    """(scale, zero point) of each dequantize feeding the `target` nodes' inputs."""
    params = []
    for n in program.graph.nodes:
        if n.op == "call_function" and n.target == target:
            for a in n.args:
                if hasattr(a, "target") and "dequantize" in str(a.target):
                    params.append(tuple(a.args[1:3]))
    return params


@pytest.mark.parametrize("scheme", ["uint8", "int8", "int16"])
def test_quantizer_shares_comparison_operand_spec(scheme):
    """x > y with very different ranges: both operands reach the comparison with one
    (scale, zero point); the bool result is not quantized."""
    import compiler

    class M(torch.nn.Module):
        def forward(self, x, y):
            return x > y * 10

    xs = (torch.linspace(-1, 1, 12).reshape(3, 4), torch.linspace(-2, 2, 12).reshape(3, 4))
    prog = compiler.quantize(M(), xs, [xs], scheme=scheme, progress=False)
    params = _dequant_params(prog, torch.ops.aten.gt.Tensor)
    assert len(params) == 2 and params[0] == params[1]


@pytest.mark.parametrize("scheme", ["uint8", "int8", "int16"])
def test_quantizer_masked_fill_minus_inf_keeps_a_finite_scale(scheme):
    """The -inf fill is not observed: the group's range is the tensor's own."""
    import compiler

    class M(torch.nn.Module):
        def forward(self, x, mask):
            return x.masked_fill(mask, float("-inf"))

    x = torch.linspace(-1, 1, 12).reshape(3, 4)
    xs = (x, x > 0.5)
    prog = compiler.quantize(M(), xs, [xs], scheme=scheme, progress=False)
    (scale, zp), = _dequant_params(prog, torch.ops.aten.masked_fill.Scalar)
    assert np.isfinite(scale) and scale < 2.0 / 255 * 1.01
