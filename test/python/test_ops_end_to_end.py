"""Every op of `op_cases.CASES`, per scheme, from a float nn.Module to the runtimes.

1. quantized with PT2E (`compiler.quantize`), imported and lowered: every op in the
   lowered module is quantized (`verify-quantized` would refuse otherwise; a case with
   `allow_float` keeps its float-only ops float) and the case's circle ops are present;
2. the interpreter on the lowered module vs torch on the converted program: within the
   case's `lsb` output quantization steps on every element (integer and boolean outputs:
   equal);
3. LiteRT (BUILTIN_REF, `.tflite`) for the case's `litert` schemes and onert (`.circle`)
   for its `onert` schemes, on integer I/O: bit-exact with the interpreter.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch

import compiler
from compiler.interpreter import entry_function, run
from compiler.verify import run_stage, stage_inputs

op_cases = pytest.importorskip("op_cases")
torch.set_num_threads(1)

PARAMS = [pytest.param(c.name, s, id=f"{c.name}-{s}")
          for c in op_cases.CASES for s in op_cases.SCHEMES]


@functools.cache
def converted(name: str, scheme: str) -> torch.export.ExportedProgram:
    case = op_cases.BY_NAME[name]
    model, xs = case.model(), case.inputs()
    return compiler.quantize(model, xs, op_cases.calibration(xs), scheme=scheme, progress=False,
                             allow_float=case.allow_float)


def numpy_inputs(name: str) -> list[np.ndarray]:
    return [x.numpy() for x in op_cases.BY_NAME[name].inputs()]


def lowered(name: str, scheme: str, io_dtype: str = "float", target: str | None = None):
    case = op_cases.BY_NAME[name]
    if scheme in case.skip:
        pytest.skip(case.skip[scheme])
    return compiler.lower(compiler.import_program(converted(name, scheme)), scheme=scheme,
                          io_dtype=io_dtype, allow_float=case.allow_float, target=target)


def _output_steps(module) -> list[float | None]:
    from compiler.dialects import circle

    ret = entry_function(module).body.blocks.first.last_op
    steps = []
    for v in ret.operands:
        op = v.owner
        et = op.input.type.element_type if isinstance(op, circle.DequantizeOp) else None
        steps.append(getattr(getattr(et, "scale", None), "data", None))
    return steps


@pytest.mark.parametrize("name,scheme", PARAMS)
def test_interpreter_matches_converted_torch(name, scheme):
    case = op_cases.BY_NAME[name]
    module = lowered(name, scheme)
    present = {op.name for op in entry_function(module).body.walk()}
    missing = [c for c in case.circle if c not in present]
    assert not missing, f"{missing} not in the lowered module: {sorted(present)}"
    xs = numpy_inputs(name)
    ours = run_stage(module, xs).outputs
    theirs = run_stage(converted(name, scheme), xs).outputs
    assert len(ours) == len(theirs)
    for a, b, step in zip(ours, theirs, _output_steps(module)):
        a_real, b_real = a.real(), np.asarray(b.real())
        assert a_real.shape == b_real.shape
        if step is None:  # integer or boolean output: exact
            np.testing.assert_array_equal(a_real, b_real.astype(a_real.dtype))
            continue
        lsb = np.abs(np.rint(a_real / step) - np.rint(b_real / step)).max()
        allowed = case.lsb_int16 if scheme == "int16" and case.lsb_int16 is not None \
            else case.lsb
        assert lsb <= allowed, f"{lsb} LSB (allowed {allowed})"


def _runtime_params(attr: str):
    return [pytest.param(c.name, s, id=f"{c.name}-{s}")
            for c in op_cases.CASES for s in getattr(c, attr)]


@pytest.mark.parametrize("name,scheme", _runtime_params("litert"))
def test_litert_bit_exact_with_interpreter(name, scheme):
    runtimes = pytest.importorskip("runtimes")
    from compiler.codegen import write_tflite

    case = op_cases.BY_NAME[name]
    module = lowered(name, scheme, io_dtype="int", target="litert")
    xs = stage_inputs(module, numpy_inputs(name))
    for ours, theirs in zip(run(module, xs), runtimes.run_litert(write_tflite(module), xs,
                                                              resolver=case.litert_resolver),
                            strict=True):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("name,scheme", _runtime_params("onert"))
def test_onert_bit_exact_with_interpreter(name, scheme):
    runtimes = pytest.importorskip("runtimes")
    from compiler.codegen import write_circle

    module = lowered(name, scheme, io_dtype="int", target="onert")
    xs = stage_inputs(module, numpy_inputs(name))
    for ours, theirs in zip(run(module, xs), runtimes.run_onert(write_circle(module), xs),
                            strict=True):
        np.testing.assert_array_equal(ours, theirs)
