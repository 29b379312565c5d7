"""The shipped examples compile with qcompile and run in the real runtimes: onert for
`.circle` (uint8), LiteRT for `.tflite` (int8), within a few output steps of torch's
converted (PT2E) program on the held-back batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from compiler.tools.qcompile import compile_model, parse_args
from compiler.tools.qcompile_report import _output_step
from runtimes import run_litert, run_onert

torch.set_num_threads(1)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _check(result, outputs) -> None:
    program = result["program"]  # convert_pt2e's GraphModule (an ExportedProgram from .pt2)
    model = program.module() if isinstance(program, torch.export.ExportedProgram) else program
    with torch.no_grad():
        ref = model(*[torch.from_numpy(x) for x in result["held"]])
    ref = ref.numpy() if isinstance(ref, torch.Tensor) else ref[0].numpy()
    step = _output_step(result["circle"], 0)
    lsb = np.abs(np.rint(outputs[0] / step) - np.rint(ref / step)).max()
    assert outputs[0].shape == ref.shape
    assert lsb <= 3, f"{lsb} output steps from torch's converted program"


@pytest.mark.parametrize("name", ["mobilenet_v2", "resnet", "transformer"])
def test_tflite_int8_runs_in_litert(name, tmp_path):
    out = tmp_path / f"{name}.tflite"
    result = compile_model(parse_args([str(EXAMPLES / f"{name}.py"), "-o", str(out), "-q"]))
    _check(result, run_litert(out.read_bytes(), result["held"]))


@pytest.mark.parametrize("name", ["mobilenet_v2", "resnet"])
def test_circle_uint8_runs_in_onert(name, tmp_path):
    out = tmp_path / f"{name}.circle"
    result = compile_model(parse_args([str(EXAMPLES / f"{name}.py"), "-o", str(out), "-q"]))
    _check(result, run_onert(out.read_bytes(), result["held"]))


def test_transformer_circle_needs_allow_float_and_runs_in_onert(tmp_path):
    """uint8 has no RSQRT (layer norm) or activation-by-activation BATCH_MATMUL in any
    runtime: an error naming the op and the way out, then with allow-float those ops stay
    float, onert's refusals become float islands (GELU) and what it computes wrongly is
    rewritten (rank-5 SLICE of the fused q/k/v, rank-4 MEAN, FULLY_CONNECTED and MEAN as
    convolutions): every op runs in onert as the interpreter computes it (the float
    RSQRT as it is), within onert's documented tolerance."""
    from onert_per_op import departures

    from compiler.ir.diagnostics import CompileError
    from compiler.verify import stage_inputs

    out = tmp_path / "transformer.circle"
    with pytest.raises(CompileError, match="'rsqrt'.*no integer kernel in the uint8 scheme"):
        compile_model(parse_args([str(EXAMPLES / "transformer.py"), "-o", str(out), "-q"]))
    assert not out.exists()
    result = compile_model(parse_args([str(EXAMPLES / "transformer.py"), "-o", str(out), "-q",
                                       "--allow-float"]))
    module = result["circle"]
    ops = {op.name for op in module.walk()}
    assert {"circle.rsqrt", "circle.batch_matmul", "circle.dequantize"} <= ops
    assert not {"circle.fully_connected", "circle.mean"} & ops
    xs = stage_inputs(module, result["held"])
    assert departures(module, xs) == []
    _check(result, run_onert(out.read_bytes(), result["held"]))
