"""LiteRT aborts the process preparing a quantized ADD/SUB whose scales overflow its
float32 rescaling (add.cc / sub.cc: `(1 << left_shift) * s_out` is computed in float32,
and a multiplier of 0 or >= 1 fails a `TFLITE_CHECK`). A Hugging Face decoder's causal
mask (-3.4e38, scale ~1.3e36 per tensor) added to the attention scores is such an op.

The ADD/SUB trait (`add_rescale_aborts`) refuses it at compile time; where the op's own
integer semantics make the result a constant (the other operand's multiplier is
flushed to 0, as the mask's is), `target-legalize` writes that constant, and LiteRT's
reference kernels equal the interpreter bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.context import Context

from compiler import runtimes
from compiler.codegen import write_tflite
from compiler.codegen.writer import build_model, pack_model
from compiler.dialects import circle
from compiler.interpreter import run
from compiler.interpreter.build import Const, Input, single_op_module, tensor
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import make_quantized_type
from compiler.ir.runtime_traits import add_rescale_aborts
from compiler.transforms.target_legalize import TargetLegalizePass

needs_litert = pytest.mark.skipif(not runtimes.litert_available(),
                                  reason="ai-edge-litert not installed")

#: the GPT-2 int8 attention-mask ADD: scores [1,2,4,4] + mask constant [1,1,4,4]
SCORES = make_quantized_type("i8", 0.00048472, -44)
MASK = make_quantized_type("i8", 1.3344406e36, 127)
CAUSAL = np.where(np.tri(4, dtype=bool), 127, -128).astype(np.int8).reshape(1, 1, 4, 4)


def _mask_add(op_class=circle.AddOp, mask_scale: float = 1.3344406e36):
    mask = make_quantized_type("i8", mask_scale, 127)
    return single_op_module(op_class, [Input(tensor([1, 2, 4, 4], SCORES)),
                                       Const(CAUSAL, tensor([1, 1, 4, 4], mask))],
                            [tensor([1, 2, 4, 4], mask)])


def _raw(module) -> bytes:
    """The flatbuffer as written without the writer's checks."""
    return pack_model(build_model(module), b"TFL3")


def _op(module):
    return next(o for o in module.walk() if isinstance(o, circle.AddOp | circle.SubOp))


@pytest.mark.parametrize("scale, aborts", [(2.0**107, False), (2.0**108 * 1.01, True),
                                           (1.3344406e36, True)])
def test_condition_matches_the_float32_overflow(scale, aborts):
    assert add_rescale_aborts(_op(_mask_add(mask_scale=scale))) is aborts


@needs_litert
@pytest.mark.parametrize("op_class", [circle.AddOp, circle.SubOp])
def test_litert_aborts_on_the_raw_op_and_the_writer_refuses_it(op_class):
    m = _mask_add(op_class)
    x = np.arange(-16, 16, dtype=np.int8).reshape(1, 2, 4, 4)
    with pytest.raises(runtimes.RuntimeRefused, match="SIGABRT"):
        runtimes.run_runtime("litert", _raw(m), [x], isolated=True)
    with pytest.raises(CompileError, match="LiteRT aborts the process preparing this"):
        write_tflite(m)


@needs_litert
def test_just_below_the_overflow_litert_runs_it():
    m = _mask_add(mask_scale=2.0**107)
    x = np.arange(-16, 16, dtype=np.int8).reshape(1, 2, 4, 4)
    (theirs,) = runtimes.run_runtime("litert", write_tflite(m), [x], isolated=True)
    np.testing.assert_array_equal(run(m, [x])[0], theirs)


@needs_litert
@pytest.mark.parametrize("op_class", [circle.AddOp, circle.SubOp])
def test_target_legalize_writes_the_constant_bit_exactly(op_class):
    m = _mask_add(op_class)
    rng = np.random.default_rng(0)
    xs = [rng.integers(-128, 128, (1, 2, 4, 4), dtype=np.int8) for _ in range(3)]
    before = [run(m, [x])[0] for x in xs]
    TargetLegalizePass(target="litert").apply(Context(), m)
    assert not any(isinstance(o, circle.AddOp | circle.SubOp) for o in m.walk())
    data = write_tflite(m)
    for x, ours in zip(xs, before, strict=True):
        (theirs,) = runtimes.run_runtime("litert", data, [x], isolated=True)
        np.testing.assert_array_equal(ours, theirs)
    # the masked positions keep the mask's minimum, the others its zero point
    assert set(np.unique(before[0])) <= {-128, 127}


def test_no_constant_operand_stays_a_located_error():
    m = single_op_module(circle.AddOp, [Input(tensor([1, 2, 4, 4], SCORES)),
                                        Input(tensor([1, 1, 4, 4], MASK))],
                         [tensor([1, 2, 4, 4], MASK)])
    with pytest.raises(CompileError, match="no exact rewrite: no operand is both flushed"):
        TargetLegalizePass(target="litert").apply(Context(), m)


@pytest.mark.skipif(not runtimes.onert_available(), reason="onert not installed")
@pytest.mark.parametrize("op_class", [circle.AddOp])
def test_onert_miscomputes_the_raw_op_and_runs_the_constant_exactly(op_class):
    """The uint8 form (a Hugging Face decoder's mask ADD for onert): onert runs the raw
    op but departs from its integer semantics (its SUB of the same operands saturates
    as the IR does); target-legalize writes the constant,
    which onert returns exactly."""
    from compiler.codegen import write_circle

    scores = make_quantized_type("u8", 0.00048472, 84)
    mask = make_quantized_type("u8", 1.3344406e36, 255)
    causal = np.where(np.tri(4, dtype=bool), 255, 0).astype(np.uint8).reshape(1, 1, 4, 4)
    m = single_op_module(op_class, [Input(tensor([1, 2, 4, 4], scores)),
                                    Const(causal, tensor([1, 1, 4, 4], mask))],
                         [tensor([1, 2, 4, 4], mask)])
    assert add_rescale_aborts(_op(m))
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (1, 2, 4, 4), dtype=np.uint8)
    ours = run(m, [x])[0]
    (raw,) = runtimes.run_runtime("onert", write_circle(m), [x], isolated=True)
    assert not np.array_equal(ours, raw.reshape(ours.shape))
    TargetLegalizePass(target="onert").apply(Context(), m)
    assert not any(isinstance(o, circle.AddOp | circle.SubOp) for o in m.walk())
    (theirs,) = runtimes.run_runtime("onert", write_circle(m), [x], isolated=True)
    np.testing.assert_array_equal(ours, theirs.reshape(ours.shape))
