"""A float -> integer QUANTIZE of +-inf (issue #18): a uint8 layer norm's float island
computes 1 / sqrt(var + eps) where var + eps may quantize to 0, so its DIV (or RSQRT)
yields +inf. PT2E and the interpreter saturate +inf to qmax; onert's and LiteRT's
QUANTIZE cast `round(inf / scale)` to int32, undefined (INT_MIN on x86: +inf becomes
qmin). `target-legalize` clamps such a QUANTIZE's input to the range its output type
represents (`quantizes_infinity`, `float_guards.saturate_infinity`); measured here in both runtimes
(LiteRT's reference kernels), before and after."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.parser import Parser

from compiler.codegen import write_circle, write_tflite
from compiler.interpreter import run
from compiler.ir.context import make_context
from compiler.transforms.target_legalize import TargetLegalizePass

runtimes = pytest.importorskip("runtimes")

# 1 / x quantized to uint8 (scale 0.5, zero point 10: [-5, 122.5]) and to int8
ISLAND = """
func.func @main(%x: tensor<8xf32>) -> (tensor<8x!quant.uniform<u8:f32, 0.5:10>>,
                                       tensor<8x!quant.uniform<i8:f32, 0.25:-3>>) {
  %one = circle.const dense<1.0> : tensor<1xf32>
  %d = circle.div %one, %x {fused_activation_function = "NONE"} : (tensor<1xf32>, tensor<8xf32>) -> tensor<8xf32>
  %u = circle.quantize %d : (tensor<8xf32>) -> tensor<8x!quant.uniform<u8:f32, 0.5:10>>
  %i = circle.quantize %d : (tensor<8xf32>) -> tensor<8x!quant.uniform<i8:f32, 0.25:-3>>
  func.return %u, %i : tensor<8x!quant.uniform<u8:f32, 0.5:10>>, tensor<8x!quant.uniform<i8:f32, 0.25:-3>>
}
"""
#: +0 and -0 give +inf and -inf; the rest are finite, in and out of the ranges
X = np.array([0.0, -0.0, 0.5, -0.5, 0.004, -0.004, 2.0, -1.0], np.float32)
#: what PT2E computes: torch.quantize_per_tensor saturates +-inf
U8 = np.array([255, 0, 14, 6, 255, 0, 11, 8])
I8 = np.array([127, -128, 5, -11, 127, -128, -1, -7])


def _module(int8: bool = True):
    """The island; without its int8 output for onert (whose f32 -> int8 QUANTIZE clamps
    negative values to 0: a compile-time error, test_target_legalize)."""
    text = ISLAND
    if not int8:
        text = (text.replace(",\n                                       tensor<8x!quant.uniform"
                             "<i8:f32, 0.25:-3>>)", "")
                .replace(", %i : tensor<8x!quant.uniform<u8:f32, 0.5:10>>, tensor<8x!quant."
                         "uniform<i8:f32, 0.25:-3>>", " : tensor<8x!quant.uniform<u8:f32, "
                         "0.5:10>>")
                .replace("-> (tensor<8x!quant.uniform<u8:f32, 0.5:10>>", "-> tensor<8x!quant."
                         "uniform<u8:f32, 0.5:10>>"))
        text = "\n".join(line for line in text.splitlines() if "%i = " not in line)
    return Parser(make_context(), text).parse_module()


def _outputs(run_file, module) -> list[np.ndarray]:
    return [np.asarray(o).reshape(-1).astype(int) for o in run_file(module)]


def _onert(module):
    return runtimes.run_onert(write_circle(module), [X])


def _litert(module):
    return runtimes.run_litert(write_tflite(module), [X], "BUILTIN_REF")


def test_the_interpreter_saturates_like_pt2e():
    import torch

    u8, i8 = (np.asarray(o).astype(int) for o in run(_module(), [X]))
    with np.errstate(divide="ignore"):
        real = torch.from_numpy(np.float32(1) / X)
    assert (torch.quantize_per_tensor(real, 0.5, 10, torch.quint8).int_repr().numpy() == U8).all()
    assert (torch.quantize_per_tensor(real, 0.25, -3, torch.qint8).int_repr().numpy() == I8).all()
    np.testing.assert_array_equal(u8, U8)
    np.testing.assert_array_equal(i8, I8)


@pytest.mark.parametrize("target, run_file", [
    pytest.param("onert", _onert, marks=pytest.mark.skipif(
        not runtimes.onert_available(), reason="onert not installed")),
    pytest.param("litert", _litert, marks=pytest.mark.skipif(
        not runtimes.litert_available(), reason="ai-edge-litert not installed")),
])
def test_runtimes_quantize_infinity_wrongly_until_saturated(target, run_file):
    m = _module(int8=target != "onert")
    want = [np.asarray(o).astype(int) for o in run(m, [X])]
    before = _outputs(run_file, m)
    # measured: uint8 +inf -> 0 in both (INT_MIN + zp clamped to qmin); LiteRT's int8
    # +inf -> 127 but -inf -> 127 too. The finite elements are right.
    for got, exp in zip(before, want):
        assert (got[:2] != exp[:2]).any()
        np.testing.assert_array_equal(got[2:], exp[2:])
    assert before[0][0] == 0
    TargetLegalizePass(target=target).apply(Context(), m)
    names = [o.name for o in m.walk() if o.name.startswith("circle.") and o.name != "circle.const"]
    assert names.count("circle.maximum") == names.count("circle.minimum") == len(want)
    assert [np.asarray(o).astype(int) for o in run(m, [X])][0].tolist() == want[0].tolist()
    for got, exp in zip(_outputs(run_file, m), want):
        np.testing.assert_array_equal(got, exp)


def test_the_bisection_reports_infinite_departures():
    """An island's +inf on one side only is a departure (counted, "inf" steps), the same
    +-inf or NaN on both sides is not; no OverflowError building the histogram."""
    from xdsl.dialects.builtin import f32

    from compiler.bisect import _measure
    from compiler.interpreter.build import Input, single_op_module, tensor
    from compiler.dialects import circle

    m = single_op_module(circle.SqrtOp, [Input(tensor([5], f32))], [tensor([5], f32)])
    value = next(o for o in m.walk() if isinstance(o, circle.SqrtOp)).results[0]
    want = np.array([np.inf, -np.inf, np.nan, 2.0, np.inf], np.float32)
    got = np.array([np.inf, -np.inf, np.nan, 2.0, 3.0], np.float32)
    assert _measure(value, want, got)[:2] == (1, float("inf"))
    assert _measure(value, want, got)[3] == {"inf": 1}
    assert _measure(value, want, want.copy())[0] == 0
    got[3] = np.nextafter(np.float32(2.0), np.float32(3.0))
    n, steps, _, hist, problem = _measure(value, want, got)
    assert (n, steps, hist, problem) == (2, float("inf"), {"1": 1, "inf": 1}, None)


class _RootOfReciprocalRoot(__import__("torch").nn.Module):
    """sqrt(rsqrt(x * x)) + x: in uint8 RSQRT and SQRT have no integer kernel, so with
    allow-float the two ATen ops stay one float region, RSQRT -> SQRT -> QUANTIZE. Where
    x * x quantizes to 0, RSQRT yields +inf and SQRT hands it on to the QUANTIZE."""

    def forward(self, x):
        import torch

        return torch.sqrt(torch.rsqrt(x * x)) + x


@pytest.mark.parametrize("target", [
    pytest.param("onert", marks=pytest.mark.skipif(
        not runtimes.onert_available(), reason="onert not installed")),
    pytest.param("litert", marks=pytest.mark.skipif(
        not runtimes.litert_available(), reason="ai-edge-litert not installed")),
])
def test_an_infinity_handed_on_by_a_float_region_is_saturated(target):
    """PT2E -> circle: the +inf reaches the QUANTIZE through SQRT (`PassesInfinity`); it
    is clamped there, so both runtimes compute what PT2E and the interpreter do (before,
    onert and LiteRT's reference kernels gave 0.0 where PT2E gives 1.41: qmin for +inf)."""
    import torch

    from compiler.dialects import circle
    from compiler.frontend import import_program, quantize
    from compiler.transforms.pipelines import lower

    rng = np.random.default_rng(0)
    batches = [(torch.from_numpy(rng.uniform(0.5, 2, (2, 8)).astype(np.float32)),)
               for _ in range(3)]
    program = quantize(_RootOfReciprocalRoot().eval(), batches[0], batches, scheme="uint8",
                       progress=False, allow_float=True)
    m = lower(import_program(program), scheme="uint8", allow_float=True, target=target)
    ops = [o for o in m.walk() if o.name.startswith("circle.") and o.name != "circle.const"]
    names = [o.name for o in ops]
    # the float region, then the clamp before its QUANTIZE
    i = names.index("circle.sqrt")
    assert names[i - 1] == "circle.rsqrt" and names[i + 1:i + 4] == [
        "circle.maximum", "circle.minimum", "circle.quantize"], names
    x = np.full((2, 8), 1.0, np.float32)
    x[0, :3] = 0.0
    x[1, 0] = 0.001  # x * x = 1e-6 quantizes to 0 too
    pt2e = program.module()(torch.from_numpy(x)).numpy()
    ir = run(m, [x])[0]
    assert np.isfinite(pt2e).all() and pt2e[0, 0] > 1.0
    np.testing.assert_allclose(ir, pt2e, rtol=0, atol=1e-6)
    if target == "onert":
        got = runtimes.run_onert(write_circle(m), [x])[0]
        np.testing.assert_array_equal(np.asarray(got).reshape(ir.shape), ir)
        return
    # LiteRT: XNNPACK's RSQRT gives NaN for 0, which its clamp and QUANTIZE made qmin
    # (0.0 where PT2E gives 1.41, 255 steps); the RSQRT's input is raised to FLT_MIN,
    # which the SQRT and QUANTIZE after it turn into the same qmax as +inf
    assert names[i - 2] == "circle.maximum"
    data = write_tflite(m)
    for resolver in runtimes.RESOLVERS:
        got = runtimes.run_litert(data, [x], resolver)[0]
        np.testing.assert_array_equal(np.asarray(got).reshape(ir.shape), ir, err_msg=resolver)


class _SineOfReciprocalRoot(__import__("torch").nn.Module):
    def forward(self, x):
        import torch

        return torch.sin(torch.rsqrt(x * x)) + x


@pytest.mark.skipif(not runtimes.litert_available(), reason="ai-edge-litert not installed")
def test_an_rsqrt_of_zero_that_no_raise_keeps_is_a_compile_error():
    """sin(rsqrt(x * x)) in uint8: where x * x quantizes to 0 the IR's SIN of +inf is
    NaN and XNNPACK's SIN of its RSQRT's NaN too, but a raised input would give sin(2^63),
    finite: no exact guard, so LiteRT gets a located error (the file would be wrong under
    XNNPACK: measured 0.99 where the IR gives 0.0); onert computes the IR."""
    import torch

    from compiler.frontend import import_program, quantize
    from compiler.ir.diagnostics import CompileError
    from compiler.transforms.pipelines import lower

    rng = np.random.default_rng(0)
    batches = [(torch.from_numpy(rng.uniform(0.5, 2, (2, 8)).astype(np.float32)),)
               for _ in range(3)]
    program = quantize(_SineOfReciprocalRoot().eval(), batches[0], batches, scheme="uint8",
                       progress=False, allow_float=True)
    with pytest.raises(CompileError, match="RSQRT under XNNPACK .* gives NaN for 0.*no exact "
                       "rewrite: circle.quantize quantizes its \\+inf and the 2\\^63") as e:
        lower(import_program(program), scheme="uint8", allow_float=True, target="litert")
    assert "test_quantize_infinity.py" in str(e.value)
    lower(import_program(program), scheme="uint8", allow_float=True, target="onert")


def _unary_float_op_classes():
    import importlib
    import inspect
    import pkgutil

    import compiler.dialects as dialects
    from compiler.dialects.circle_base import _UnaryOp
    from compiler.dialects.circle_float_ops import _FloatUnaryOp
    from compiler.dialects import circle

    found = set()
    for info in pkgutil.iter_modules(dialects.__path__):
        module = importlib.import_module(f"compiler.dialects.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (issubclass(cls, _UnaryOp | _FloatUnaryOp) and not cls.__name__.startswith("_")
                    and cls not in (circle.QuantizeOp, circle.DequantizeOp)):
                found.add(cls)
    return sorted(found, key=lambda c: c.__name__)


def test_passes_infinity_is_declared_where_the_interpreter_hands_one_on():
    """Every float unary op: an infinity among its inputs reaches its result (the
    interpreter, which the runtimes' float kernels agree with) exactly when it declares
    `PassesInfinity` or `YieldsInfinity` (RSQRT and EXP of -inf end one but yield one of
    finite inputs); LOGISTIC, TANH, RELU6, SIN, COS end it."""
    from xdsl.dialects.builtin import f32

    from compiler.interpreter.build import Input, single_op_module, tensor
    from compiler.ir.float_ranges import PassesInfinity, YieldsInfinity

    x = np.array([np.inf, -np.inf, 1.0, -1.0], np.float32)
    classes = _unary_float_op_classes()
    assert len(classes) >= 19
    for cls in classes:
        m = single_op_module(cls, [Input(tensor([4], f32))], [tensor([4], f32)])
        with np.errstate(all="ignore"):
            y = run(m, [x])[0]
        hands_on = bool(np.isinf(y).any())
        if hands_on:
            assert cls.has_trait(PassesInfinity) or cls.has_trait(YieldsInfinity), (cls, y)
        else:
            assert not cls.has_trait(PassesInfinity), (cls, y)
