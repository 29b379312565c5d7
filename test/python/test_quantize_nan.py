"""A float -> integer QUANTIZE of NaN, and a float MAXIMUM / MINIMUM with a NaN first
operand (`quantizes_nan`, `nan_first_operand`, `may_be_nan`).

Measured: PT2E's decomposed quantize_per_tensor and the interpreter store 0 for NaN;
LiteRT's reference and optimized kernels 0 (uint8, zero point 10), 127 (int8, zero point
-3), -32768 (int16); XNNPACK 255 / 127; onert 0 (uint8). `target-legalize` replaces a NaN
by (0 - zp) s before such a QUANTIZE (SELECT_V2(EQUAL(x, x), x, c): builtin kernels in
every runtime), where the float ops before it can make one: a root or logarithm of a
value that may be negative, 0 / 0, an infinity met by a sum or a product, SIN of +-inf.
The reference kernels' and onert's MAXIMUM / MINIMUM give the second operand for a NaN
first one (the op gives NaN): such an op gets its operands swapped."""

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

needs_onert = pytest.mark.skipif(not runtimes.onert_available(), reason="onert not installed")
needs_litert = pytest.mark.skipif(not runtimes.litert_available(),
                                  reason="ai-edge-litert not installed")

U8 = "!quant.uniform<u8:f32, 0.5:10>"
I8 = "!quant.uniform<i8:f32, 0.25:-3>"


def _module(text: str):
    return Parser(make_context(), text).parse_module()


def _run(module, target: str, inputs, resolver: str = "BUILTIN_REF") -> list[np.ndarray]:
    if target == "onert":
        outs = runtimes.run_onert(write_circle(module), inputs)
    else:
        outs = runtimes.run_litert(write_tflite(module), inputs, resolver)
    return [np.asarray(o).reshape(-1).astype(int) for o in outs]


def _names(module) -> list[str]:
    return [o.name for o in module.walk() if o.name.startswith("circle.")
            and o.name != "circle.const"]


@needs_litert
def test_the_runtimes_quantize_nan_their_own_ways():
    import torch
    import torch.ao.quantization.fx._decomposed  # noqa: F401  (registers the ops)

    m = _module(f"""
func.func @main(%x: tensor<2xf32>) -> (tensor<2x{U8}>, tensor<2x{I8}>) {{
  %u = circle.quantize %x : (tensor<2xf32>) -> tensor<2x{U8}>
  %i = circle.quantize %x : (tensor<2xf32>) -> tensor<2x{I8}>
  func.return %u, %i : tensor<2x{U8}>, tensor<2x{I8}>
}}""")
    x = np.array([np.nan, 1.0], np.float32)
    nan = torch.tensor([float("nan")])
    pt2e = [int(torch.ops.quantized_decomposed.quantize_per_tensor(nan, s, zp, lo, hi, dt)[0])
            for s, zp, lo, hi, dt in ((0.5, 10, 0, 255, torch.uint8),
                                      (0.25, -3, -128, 127, torch.int8))]
    assert pt2e == [0, 0]
    assert [int(o[0]) for o in run(m, [x])] == pt2e
    assert [int(o[0]) for o in _run(m, "litert", [x])] == [0, 127]
    assert [int(o[0]) for o in _run(m, "litert", [x], "AUTO")] == [255, 127]


#: the square root of a uint8 DEQUANTIZE with zero point 10: NaN below it
ROOT = f"""
func.func @main(%x: tensor<6x{U8}>) -> (tensor<6x{U8}>, tensor<6x{I8}>) {{
  %d = circle.dequantize %x : (tensor<6x{U8}>) -> tensor<6xf32>
  %r = circle.sqrt %d : (tensor<6xf32>) -> tensor<6xf32>
  %u = circle.quantize %r : (tensor<6xf32>) -> tensor<6x{U8}>
  %i = circle.quantize %r : (tensor<6xf32>) -> tensor<6x{I8}>
  func.return %u, %i : tensor<6x{U8}>, tensor<6x{I8}>
}}"""
X = np.array([0, 9, 10, 11, 50, 255], np.uint8)  # the first two are negative: NaN


@needs_litert
def test_a_root_of_a_negative_value_quantizes_like_pt2e_in_every_resolver():
    m = _module(ROOT)
    want = [o.astype(int) for o in run(m, [X])]
    assert want[0][:2].tolist() == [0, 0] and want[1][:2].tolist() == [0, 0]
    before = {r: _run(m, "litert", [X], r) for r in runtimes.RESOLVERS}
    assert before["BUILTIN_REF"][1][:2].tolist() == [127, 127]  # int8: NaN -> 127
    assert before["AUTO"][0][:2].tolist() == [255, 255]  # XNNPACK uint8: NaN -> 255
    TargetLegalizePass(target="litert").apply(Context(), m)
    assert _names(m)[:4] == ["circle.dequantize", "circle.sqrt", "circle.equal",
                             "circle.select_v2"]
    for resolver in runtimes.RESOLVERS:
        for got, exp in zip(_run(m, "litert", [X], resolver), want):
            np.testing.assert_array_equal(got, exp, err_msg=resolver)


@needs_onert
def test_onert_quantizes_the_guarded_root_like_the_ir():
    m = _module(ROOT.replace(f", tensor<6x{I8}>)", ")").replace(f", %i : tensor<6x{U8}>, "
                                                                f"tensor<6x{I8}>", f" : tensor<6x{U8}>")
                .replace(f"(tensor<6x{U8}>, tensor<6x{I8}>)", f"tensor<6x{U8}>"))
    m = _module("\n".join(line for line in str(m).splitlines() if "%i = " not in line))
    want = run(m, [X])[0].astype(int)
    TargetLegalizePass(target="onert").apply(Context(), m)
    assert "circle.select_v2" in _names(m)
    np.testing.assert_array_equal(_run(m, "onert", [X])[0], want)


def test_no_guard_where_nan_cannot_arise():
    """A root of a uint8 DEQUANTIZE with zero point 0 (never negative), of a clamped
    value, of a variance plus a positive epsilon: nothing added."""
    for body in ("%r = circle.sqrt %d : (tensor<6xf32>) -> tensor<6xf32>",
                 "%e = circle.const dense<1.0e-05> : tensor<1xf32>\n"
                 "  %v = circle.add %d, %e {fused_activation_function = \"NONE\"} : "
                 "(tensor<6xf32>, tensor<1xf32>) -> tensor<6xf32>\n"
                 "  %r = circle.rsqrt %v : (tensor<6xf32>) -> tensor<6xf32>"):
        m = _module(f"""
func.func @main(%x: tensor<6x!quant.uniform<u8:f32, 0.5>>) -> tensor<6x{U8}> {{
  %d = circle.dequantize %x : (tensor<6x!quant.uniform<u8:f32, 0.5>>) -> tensor<6xf32>
  {body}
  %u = circle.quantize %r : (tensor<6xf32>) -> tensor<6x{U8}>
  func.return %u : tensor<6x{U8}>
}}""")
        TargetLegalizePass(target="onert").apply(Context(), m)
        assert "circle.select_v2" not in _names(m), body


@needs_litert
@needs_onert
def test_a_maximum_of_nan_is_swapped_so_the_runtimes_hand_it_on():
    """MAXIMUM(sqrt(x), 1): NaN in the op, 1 in the reference kernels and onert, which
    then quantize 1 where the IR stores 0 for NaN; with the operands swapped every
    runtime hands the NaN on to the guarded QUANTIZE."""
    from compiler.transforms.float_guards import saturate_infinity

    text = f"""
func.func @main(%x: tensor<6x{U8}>) -> tensor<6x{U8}> {{
  %d = circle.dequantize %x : (tensor<6x{U8}>) -> tensor<6xf32>
  %r = circle.sqrt %d : (tensor<6xf32>) -> tensor<6xf32>
  %one = circle.const dense<1.0> : tensor<1xf32>
  %m = circle.maximum %r, %one : (tensor<6xf32>, tensor<1xf32>) -> tensor<6xf32>
  %u = circle.quantize %m : (tensor<6xf32>) -> tensor<6x{U8}>
  func.return %u : tensor<6x{U8}>
}}"""
    want = run(_module(text), [X])[0].astype(int)
    assert want[:2].tolist() == [0, 0]
    for target in ("litert", "onert"):
        # only the QUANTIZE guarded: the reference MAXIMUM and onert's drop the NaN
        t = _module(text)
        saturate_infinity(next(o for o in t.walk() if o.name == "circle.quantize"))
        assert _run(t, target, [X])[0][:2].tolist() == [12, 12]  # 1.0 at scale 0.5 + 10
        m = _module(text)
        TargetLegalizePass(target=target).apply(Context(), m)
        mx = next(o for o in m.walk() if o.name == "circle.maximum")
        assert mx.operands[0].owner.name == "circle.const"
        for resolver in runtimes.RESOLVERS if target == "litert" else ("",):
            np.testing.assert_array_equal(_run(m, target, [X], resolver)[0], want,
                                          err_msg=f"{target} {resolver}")
