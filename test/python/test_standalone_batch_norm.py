"""A standalone batch norm (one PT2E cannot fold into a convolution: DenseNet's
pre-activation BN-ReLU after a concat) lowers to a 1x1 DEPTHWISE_CONV_2D
(`legalize/norm.py`):

- its filter, a weight the lowering adds after PT2E, takes the granularity of the
  program's own weights: with per-tensor weights (`qcompile --per-tensor`, the only
  uint8 LiteRT runs) it is per tensor too, so the .tflite is written and LiteRT runs it
  like the interpreter (before, it was per channel and `write_tflite` refused the model:
  zoo `densenet_inception` uint8-pt);
- a ReLU after it is annotated with it (one observed output, like a convolution's
  ReLU) and fuses into the depthwise convolution (before, an unfused uint8 RELU, which
  onert has no kernel for: a float island in zoo `densenet_inception` uint8).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn as nn

import compiler
from compiler.codegen import write_tflite
from compiler.dialects import circle
from compiler.interpreter import run
from compiler.ir.quant_types import UniformQuantizedPerAxisType
from compiler.verify import stage_inputs

runtimes = pytest.importorskip("runtimes")
torch.set_num_threads(1)


class _PreActivation(nn.Module):
    """conv, then a batch norm PT2E cannot fold (after a concat), ReLU, conv."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.norm = nn.BatchNorm2d(7)
        self.conv2 = nn.Conv2d(7, 5, 1)

    def forward(self, x):
        y = torch.cat([x, self.conv1(x)], 1)
        return self.conv2(torch.relu(self.norm(y)))


def _lowered(per_channel: bool):
    torch.manual_seed(0)
    model = _PreActivation()
    with torch.no_grad():
        model.norm.running_mean.uniform_(-0.5, 0.5)
        model.norm.running_var.uniform_(0.5, 2.0)
        model.norm.weight.uniform_(0.5, 1.5)
    model.eval()
    g = torch.Generator().manual_seed(1)
    batches = [(torch.randn(1, 3, 6, 6, generator=g),) for _ in range(8)]
    program = compiler.quantize(model, batches[0], batches, scheme="uint8",
                                per_channel=per_channel, progress=False)
    return compiler.lower(compiler.import_program(program), scheme="uint8"), batches[0][0]


def _weight_types(module):
    return [o.operands[1].type.element_type for o in module.walk()
            if isinstance(o, circle.Conv2DOp | circle.DepthwiseConv2DOp)]


@pytest.mark.skipif(not runtimes.litert_available(), reason="ai-edge-litert not installed")
def test_batch_norm_relu_per_tensor_is_one_fused_op_litert_runs():
    module, x = _lowered(per_channel=False)
    assert not any(isinstance(t, UniformQuantizedPerAxisType) for t in _weight_types(module))
    (dw,) = [o for o in module.walk() if isinstance(o, circle.DepthwiseConv2DOp)]
    assert dw.option("fused_activation_function") == "RELU"
    assert not any(isinstance(o, circle.ReluOp) for o in module.walk())
    xs = stage_inputs(module, [x.numpy()])
    got = runtimes.run_litert(write_tflite(module), xs, "BUILTIN_REF")
    for ours, theirs in zip(run(module, xs), got):
        np.testing.assert_array_equal(np.asarray(theirs).reshape(np.shape(ours)), ours)


@pytest.mark.slow  # another export and calibration (~15 s); the default keeps per channel
def test_per_channel_program_keeps_per_channel_batch_norm_weights():
    module, _ = _lowered(per_channel=True)
    dw = [o for o in module.walk() if isinstance(o, circle.DepthwiseConv2DOp)]
    assert dw and isinstance(dw[0].operands[1].type.element_type, UniformQuantizedPerAxisType)
