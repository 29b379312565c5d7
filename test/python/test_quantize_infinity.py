"""A float -> integer QUANTIZE of +-inf (issue #18): a uint8 layer norm's float island
computes 1 / sqrt(var + eps) where var + eps may quantize to 0, so its DIV (or RSQRT)
yields +inf. PT2E and the interpreter saturate +inf to qmax; onert's and LiteRT's
QUANTIZE cast `round(inf / scale)` to int32, undefined (INT_MIN on x86: +inf becomes
qmin). `target-legalize` clamps such a QUANTIZE's input to the range its output type
represents (`quantizes_infinity`, `_saturate_infinity`); measured here in both runtimes
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
