"""LiteRT's int16 SOFTMAX wraps int32 when its input scale is huge (`SoftmaxInt16`
shifts `x - max(x)` left by the shift of `s_in * beta / (10 / 65535)`, over 15 for
s_in * beta >= 5). A Hugging Face decoder's causal mask (-3.4e38) added to the
attention scores gives such a scale (~1e34 per tensor): the interpreter, bit-exact
with LiteRT, then gives every position 1/n, masked or not, where torch's PT2E program
gives the causal rows 1, 1/2, 1/3... (hf_gpt2 int16: the attention output at 2 dB SQNR
against PT2E).

The SOFTMAX trait (`softmax16_shift_overflows`) marks it as miscomputed by LiteRT;
`target-legalize` folds the mask ADD (its score operand's multiplier is flushed) and
then the SOFTMAX of that constant to the constant it means (float64 softmax of the
dequantized input, quantized as PT2E does), which LiteRT reads back bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.builder import ImplicitBuilder
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import FuncOp, ReturnOp

from compiler import runtimes
from compiler.codegen import write_tflite
from compiler.codegen.writer import build_model, pack_model
from compiler.dialects import circle
from compiler.dialects.circle_base import ConstOp
from compiler.dialects.quant import dense_from_numpy
from compiler.interpreter import run
from compiler.interpreter.build import Input, single_op_module, tensor
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import make_quantized_type
from compiler.ir.runtime_traits import softmax16_shift_overflows
from compiler.transforms.target_legalize import TargetLegalizePass

needs_litert = pytest.mark.skipif(not runtimes.litert_available(),
                                  reason="ai-edge-litert not installed")

#: hf_gpt2 int16: scores (scale from its PT2E program) + the causal mask, and softmax
SCORES = make_quantized_type("i16", 2.529837502152077e-06, 0)
MASK = make_quantized_type("i16", 1.0384752173394684e34, 0)
PROBS = make_quantized_type("i16", 1.0 / 32768, 0)
N = 4
CAUSAL = np.where(np.tri(N, dtype=bool), 0, -32767).astype(np.int16).reshape(1, 1, N, N)


def _softmax(in_scale: float):
    t = make_quantized_type("i16", in_scale, 0)
    return single_op_module(circle.SoftmaxOp, [Input(tensor([1, 2, N, N], t))],
                            [tensor([1, 2, N, N], PROBS)], beta=1.0)


def _masked_attention() -> ModuleOp:
    """main(scores) = SOFTMAX(ADD(scores, causal mask constant))."""
    shape = [1, 2, N, N]
    f = FuncOp("main", ([tensor(shape, SCORES)], [tensor(shape, PROBS)]))
    with ImplicitBuilder(f.body) as (scores,):
        mask = ConstOp(dense_from_numpy(CAUSAL, MASK.storage_type), tensor([1, 1, N, N], MASK))
        add = circle.AddOp(operands=[scores, mask.output], result_types=[tensor(shape, MASK)])
        sm = circle.SoftmaxOp(operands=[add.results[0]], result_types=[tensor(shape, PROBS)])
        ReturnOp(sm.results[0])
    return ModuleOp([f])


def _op(module):
    return next(o for o in module.walk() if isinstance(o, circle.SoftmaxOp))


@pytest.mark.parametrize("scale, wraps", [(1e-3, False), (4.9, False), (5.1, True),
                                          (1.0384752173394684e34, True)])
def test_condition_is_a_shift_above_15(scale, wraps):
    assert softmax16_shift_overflows(_op(_softmax(scale))) is wraps


@needs_litert
def test_litert_and_the_interpreter_agree_on_the_wrapped_kernel_far_from_softmax():
    """The raw op: LiteRT equals the interpreter bit for bit, and both are far from the
    softmax (every position 1/n): the reason the op is a miscomputation."""
    m = _softmax(MASK.scale.data)
    x = np.broadcast_to(CAUSAL, (1, 2, N, N)).copy()
    ours = run(m, [x])[0]
    (theirs,) = runtimes.run_runtime("litert", pack_model(build_model(m), b"TFL3"), [x],
                                     isolated=True)
    np.testing.assert_array_equal(ours, theirs)
    row0 = PROBS.dequantize(ours[0, 0, 0])
    assert abs(float(row0[0]) - 1.0) > 0.5  # softmax gives the only kept position 1


@needs_litert
def test_target_legalize_folds_mask_and_softmax_to_the_causal_probabilities():
    m = _masked_attention()
    rng = np.random.default_rng(0)
    xs = [rng.integers(-2000, 2000, (1, 2, N, N), dtype=np.int16) for _ in range(2)]
    TargetLegalizePass(target="litert").apply(Context(), m)
    assert not any(isinstance(o, circle.AddOp | circle.SoftmaxOp) for o in m.walk())
    data = write_tflite(m)
    # the scores' multiplier is flushed to 0 in the ADD: PT2E's softmax sees the mask
    # only, so row i keeps positions 0..i with probability 1/(i+1) each
    want = np.zeros((1, 2, N, N))
    for i in range(N):
        want[..., i, : i + 1] = 1.0 / (i + 1)
    for x in xs:
        ours = run(m, [x])[0]
        np.testing.assert_array_equal(ours, PROBS.quantize(want.astype(np.float32)))
        (theirs,) = runtimes.run_runtime("litert", data, [x], isolated=True)
        np.testing.assert_array_equal(ours, theirs)


def test_a_wrapping_softmax_of_a_tensor_is_a_located_error():
    with pytest.raises(CompileError, match="int16 SOFTMAX overflows its input rescaling.*"
                                           "no exact rewrite: its input is not a constant"):
        TargetLegalizePass(target="litert").apply(Context(), _softmax(MASK.scale.data))


def test_with_allow_float_a_wrapping_softmax_of_a_tensor_is_a_float_island():
    m = _softmax(MASK.scale.data)
    TargetLegalizePass(target="litert", allow_float=True).apply(Context(), m)
    sm = _op(m)
    assert str(sm.results[0].type.element_type) == "f32"
