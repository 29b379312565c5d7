"""Dynamic quantization of linear (`compiler.quantize(..., is_dynamic=True)`): PT2E's
choose_qparams pattern imported and lowered to hybrid FULLY_CONNECTED.

- LiteRT (BUILTIN_REF) runs the hybrid op bit-exactly like the interpreter's hybrid
  kernel (per-tensor and per-channel weights, rank-3 inputs, an all-zero row, a fused ReLU);
- against torch's converted program the outputs differ by design (torch quantizes the
  whole input tensor with `choose_qparams`, TFLite each row with its own rule): within
  2 % of the output range, measured ~0.1-0.5 % here;
- schemes other than int8 are refused with a clear error.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import compiler
from compiler.ir.diagnostics import CompileError

torch.set_num_threads(1)
runtimes = pytest.importorskip("runtimes")


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.fc1, self.fc2 = torch.nn.Linear(16, 8), torch.nn.Linear(8, 4, bias=False)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def _compile(x: torch.Tensor, per_channel: bool):
    model = Mlp().eval()
    program = compiler.quantize(model, (x,), [(x,)], scheme="int8", is_dynamic=True,
                                per_channel=per_channel, progress=False)
    module = compiler.lower(compiler.import_program(program), scheme="int8")
    return model, program, module


@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("shape", [(3, 16), (2, 3, 16)])
def test_hybrid_fully_connected_bit_exact_with_litert(per_channel, shape):
    from compiler.codegen import write_tflite
    from compiler.dialects import circle
    from compiler.interpreter import entry_function

    x = torch.randn(*shape, generator=torch.Generator().manual_seed(1)) * 3
    x[0, ...] = 0.0  # an all-zero row: TFLite's zero scale path / skipped rows
    model, program, module = _compile(x, per_channel)
    fcs = [o for o in entry_function(module).body.walk() if isinstance(o, circle.FullyConnectedOp)]
    assert len(fcs) == 2
    for fc in fcs:  # float input and output, int8 weights, inputs quantized per row
        assert fc.asymmetric_quantize_inputs.value.data
        assert "f32" in str(fc.input.type) and "i8" in str(fc.weights.type)
    assert fcs[0].fused_activation_function.data == "RELU"
    xs = [x.numpy()]
    (ours,) = compiler.run(module, xs)
    (theirs,) = runtimes.run_litert(write_tflite(module), xs)
    np.testing.assert_array_equal(ours, theirs)
    # vs torch's converted (dynamically quantized) program: different input
    # quantization rules, so a stated tolerance, not LSBs
    torch_out = program.module()(x).detach().numpy()
    span = float(np.ptp(model(x).detach().numpy()))
    assert np.abs(ours - torch_out).max() <= 0.02 * span


@pytest.mark.parametrize("scheme", ["uint8", "int16"])
def test_dynamic_quantization_is_int8_only(scheme):
    x = torch.randn(2, 16)
    with pytest.raises(CompileError, match=f"int8 scheme only, not {scheme}"):
        compiler.quantize(Mlp(), (x,), [(x,)], scheme=scheme, is_dynamic=True, progress=False)


def test_dynamic_import_marks_the_linear():
    x = torch.randn(2, 16)
    program = compiler.quantize(Mlp(), (x,), [(x,)], scheme="int8", is_dynamic=True,
                                progress=False)
    text = str(compiler.import_program(program))
    assert text.count('{dynamic_input = "int8"}') == 2
    assert "choose_qparams" not in text and "aten.call" not in text
