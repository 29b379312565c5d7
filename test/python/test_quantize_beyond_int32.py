"""A float -> integer QUANTIZE of a finite value beyond 2^31 steps of its scale, and the
float sums and products of a quantized model that reach one (`quantizes_infinity`,
`magnitude_bound`, the ops' `Magnitude` traits).

LiteRT's reference and optimized kernels and onert compute `static_cast<int32_t>(round(x
/ scale)) + zero_point`: from |x / scale| >= 2^31 the cast is undefined (INT_MIN on x86),
so a large positive value becomes qmin, like +inf (test_quantize_infinity.py). PT2E, the
interpreter and XNNPACK saturate to qmax. A quantized model's float values are bounded
by what its DEQUANTIZEs and constants admit, through the ops' growth (a sum adds the
bounds, a product multiplies them, a matmul multiplies by its depth): `target-legalize`
clamps a QUANTIZE's input when that bound reaches 2^31 steps. Float ADD / MUL overflow
to +-inf in onert and XNNPACK (FLT_MAX in LiteRT's reference kernels, which clamp to the
fused activation's float range) when the operands' scales are large (a -3.4e38 mask)."""

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

QUANTIZE = """
func.func @main(%x: tensor<6xf32>) -> tensor<6x!quant.uniform<u8:f32, 0.5:10>> {
  %q = circle.quantize %x : (tensor<6xf32>) -> tensor<6x!quant.uniform<u8:f32, 0.5:10>>
  func.return %q : tensor<6x!quant.uniform<u8:f32, 0.5:10>>
}
"""
#: x / 0.5: 2.14e9 (below 2^31), 2.16e9, 4e9, 2e10, 6e38 (beyond), and a negative one
BEYOND = np.array([1.07e9, 1.08e9, 2e9, 1e10, 3e38, -1e10], np.float32)


def _module(text: str):
    return Parser(make_context(), text).parse_module()


def _run(module, target: str, inputs, resolver: str = "BUILTIN_REF") -> np.ndarray:
    if target == "onert":
        got = runtimes.run_onert(write_circle(module), inputs)[0]
    else:
        got = runtimes.run_litert(write_tflite(module), inputs, resolver)[0]
    return np.asarray(got).reshape(-1).astype(int)


@needs_onert
@needs_litert
def test_the_runtimes_quantize_beyond_2_31_steps_to_qmin():
    """Measured: qmin from 2^31 steps on in the reference and optimized kernels and
    onert, qmax (the semantics) in the interpreter and XNNPACK."""
    m = _module(QUANTIZE)
    want = np.array([255, 255, 255, 255, 255, 0])
    np.testing.assert_array_equal(run(m, [BEYOND])[0], want)
    np.testing.assert_array_equal(_run(m, "litert", [BEYOND], "AUTO"), want)
    wrong = np.array([255, 0, 0, 0, 0, 0])
    for resolver in ("BUILTIN_REF", "BUILTIN_WITHOUT_DEFAULT_DELEGATES"):
        np.testing.assert_array_equal(_run(m, "litert", [BEYOND], resolver), wrong)
    np.testing.assert_array_equal(_run(m, "onert", [BEYOND]), wrong)


#: a float island of a uint8 model: the square of a DEQUANTIZE (scale 1e4, so up to
#: 6.5e12) quantized with scale 1: finite, but 3000x beyond 2^31 steps
PRODUCT = """
func.func @main(%x: tensor<4x!quant.uniform<u8:f32, 10000.0>>) -> tensor<4x!quant.uniform<u8:f32, 1.0>> {
  %d = circle.dequantize %x : (tensor<4x!quant.uniform<u8:f32, 10000.0>>) -> tensor<4xf32>
  %m = circle.mul %d, %d {fused_activation_function = "NONE"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %m : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 1.0>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 1.0>>
}
"""
#: a sum of two DEQUANTIZEs with the scale of a -3.4e38 causal mask: overflows to +inf
SUM = """
func.func @main(%x: tensor<4x!quant.uniform<u8:f32, 1.3e36>>) -> tensor<4x!quant.uniform<u8:f32, 1.3e36>> {
  %d = circle.dequantize %x : (tensor<4x!quant.uniform<u8:f32, 1.3e36>>) -> tensor<4xf32>
  %a = circle.add %d, %d {fused_activation_function = "NONE"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = circle.quantize %a : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 1.3e36>>
  func.return %q : tensor<4x!quant.uniform<u8:f32, 1.3e36>>
}
"""
X = np.array([0, 3, 200, 255], np.uint8)


def _clamps(module) -> int:
    names = [o.name for o in module.walk()]
    assert names.count("circle.maximum") == names.count("circle.minimum")
    return names.count("circle.minimum")


@pytest.mark.parametrize("text, target, departs", [
    pytest.param(PRODUCT, "onert", [False, False, True, True], marks=needs_onert),
    pytest.param(PRODUCT, "litert", [False, False, True, True], marks=needs_litert),
    # onert's float ADD gives +inf (qmin after the cast); LiteRT's reference kernel clamps
    # the sum to FLT_MAX, which its QUANTIZE takes (FLT_MAX / 1.3e36 is in range)
    pytest.param(SUM, "onert", [False, False, True, True], marks=needs_onert),
])
def test_a_float_island_beyond_2_31_steps_is_clamped(text, target, departs):
    m = _module(text)
    want = run(m, [X])[0].astype(int)
    assert want[-1] == 255
    before = _run(m, target, [X])
    np.testing.assert_array_equal(before != want, departs)
    TargetLegalizePass(target=target).apply(Context(), m)
    assert _clamps(m) == 1
    np.testing.assert_array_equal(run(m, [X])[0], want)
    resolvers = runtimes.RESOLVERS if target == "litert" else (None,)
    for resolver in resolvers:
        np.testing.assert_array_equal(_run(m, target, [X], resolver), want, err_msg=resolver)


def test_a_bounded_float_island_is_not_clamped():
    """The same island with scale 0.1 (products up to 650, 6.5e3 steps of the output's
    0.1): no clamp, nothing added."""
    m = _module(PRODUCT.replace("10000.0", "0.1").replace("u8:f32, 1.0>", "u8:f32, 0.1>"))
    for target in ("onert", "litert"):
        TargetLegalizePass(target=target).apply(Context(), m)
        assert _clamps(m) == 0


def test_magnitude_bounds_follow_the_ops_growth():
    """The bounds `quantizes_infinity` compares: a DEQUANTIZE's range, a sum's and a
    product's, a matmul's depth, a bounded op's limit, a clamp's bounds."""
    from compiler.dialects import circle
    from compiler.ir.float_ranges import magnitude_bound

    m = _module("""
func.func @main(%x: tensor<2x8x!quant.uniform<i8:f32, 0.5:-28>>) -> tensor<2x2xf32> {
  %d = circle.dequantize %x : (tensor<2x8x!quant.uniform<i8:f32, 0.5:-28>>) -> tensor<2x8xf32>
  %a = circle.add %d, %d {fused_activation_function = "NONE"} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %s = circle.logistic %a : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %c = circle.const dense<3.0> : tensor<8x2xf32>
  %b = circle.batch_matmul %d, %c : (tensor<2x8xf32>, tensor<8x2xf32>) -> tensor<2x2xf32>
  func.return %b : tensor<2x2xf32>
}""")
    ops = {o.name: o for o in m.walk()}
    d = ops["circle.dequantize"].results[0]
    assert magnitude_bound(d) == (127 + 28) * 0.5  # |-128 + 28| < 127 + 28
    assert magnitude_bound(ops["circle.add"].results[0]) == 2 * 77.5
    assert magnitude_bound(ops["circle.logistic"].results[0]) == 1.0
    assert magnitude_bound(ops["circle.batch_matmul"].results[0]) == 77.5 * 3.0 * 8
    assert isinstance(ops["circle.batch_matmul"], circle.BatchMatMulOp)
