"""`compiler.accuracy_bisect`: the circle IR compared op by op with torch's PT2E program.

A small int16 model (linear, layer norm, softmax) is quantized by PT2E, imported and
lowered; every IR op named after an FX node is compared with that node's carried-forward
value. Then one op's quantization is spoiled on purpose: the bisection must name it as
the first loss, and not the ops after it (they only inherit the error).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from compiler.accuracy_bisect import accuracy_bisect, sqnr_db
from compiler.dialects import circle
from compiler.frontend import import_program, quantize
from compiler.ir.quant_types import make_quantized_type
from compiler.transforms.pipelines import lower

torch.set_num_threads(1)


class _Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.fc = torch.nn.Linear(16, 16)
        self.norm = torch.nn.LayerNorm(16)

    def forward(self, x):
        return torch.softmax(self.norm(self.fc(x)) * 2.0, -1)


@pytest.fixture(scope="module")
def compiled():
    rng = np.random.default_rng(0)
    batches = [(torch.from_numpy(rng.standard_normal((2, 16)).astype(np.float32)),)
               for _ in range(4)]
    program = quantize(_Block().eval(), batches[0], batches, scheme="int16", progress=False)
    module = lower(import_program(program), scheme="int16")
    return program, module, [b[0].numpy() for b in batches[:1]]


def test_sqnr():
    assert sqnr_db(np.ones(4), np.ones(4)) == math.inf
    assert sqnr_db(np.array([1.0, 1.0]), np.array([1.0, 1.1])) == pytest.approx(
        10 * math.log10(2 / 0.01))


def test_every_named_op_is_compared_and_close(compiled):
    program, module, xs = compiled
    b = accuracy_bisect(program, module, xs)
    names = [o.name for o in b.ops]
    for node in ("linear", "rsqrt", "softmax"):
        assert any(n.startswith(node) for n in names), names
    # int16 against PT2E's own q/dq: every op well above 40 dB, none losing
    assert min(o.sqnr_db for o in b.ops) > 40, str(b)
    assert b.first_loss is None, str(b)
    assert "first loss: none" in str(b)


def test_a_spoiled_op_is_the_first_loss(compiled):
    program, module, xs = compiled
    module = module.clone()
    mean = next(o for o in module.walk() if isinstance(o, circle.MeanOp))
    # the layer norm's MEAN with a 64x coarser output scale: its values lose 6 bits
    qt = mean.results[0].type.element_type
    coarse = make_quantized_type("i16", float(qt.scale.data) * 64, 0)
    from xdsl.dialects.builtin import TensorType
    from xdsl.rewriter import Rewriter

    Rewriter.replace_value_with_new_type(
        mean.results[0], TensorType(coarse, mean.results[0].type.get_shape()))
    b = accuracy_bisect(program, module, xs, drop_db=6.0, floor_db=60.0)
    first = b.first_loss
    assert first is not None and first.op == "mean", str(b)
    assert first.local_db is not None and first.local_db < 60, str(b)  # its own doing
    later = [o for o in b.ops if o.index > first.index]
    assert later and all(o.drop_db < 6.0 for o in later), str(b)


def test_sqnr_of_a_diverged_output_is_the_worst_not_lossless():
    """NaN or inf where the reference is finite is a total loss; equal non-finite
    elements (a -inf mask on both sides) are no noise."""
    ref = np.array([1.0, 2.0, -np.inf])
    assert sqnr_db(ref, np.array([1.0, np.nan, -np.inf])) == -math.inf
    assert sqnr_db(ref, np.array([1.0, np.inf, -np.inf])) == -math.inf
    assert sqnr_db(ref, ref.copy()) == math.inf
    assert 10 < sqnr_db(ref, np.array([1.1, 2.0, -np.inf])) < 30


def test_a_node_lowered_to_several_ops_is_measured_whole():
    """onert's uint8 MEAN is a CONV_2D between RESHAPEs (`target-legalize`), all named
    after the FX node: the local figure re-runs that whole lowering on PT2E's input, so
    the layer norm's mean gets one (the last RESHAPE alone has no operand PT2E computes)
    and it is exact: the weight-255 convolution rounds the mean once, as PT2E does."""
    rng = np.random.default_rng(0)
    batches = [(torch.from_numpy(rng.standard_normal((8, 16)).astype(np.float32)),)
               for _ in range(4)]
    program = quantize(_Block().eval(), batches[0], batches, scheme="uint8", progress=False,
                       allow_float=True)
    module = lower(import_program(program), scheme="uint8", allow_float=True, target="onert")
    assert not any(isinstance(o, circle.MeanOp) for o in module.walk())
    b = accuracy_bisect(program, module, [batches[-1][0].numpy()])
    means = [o for o in b.ops if o.name.startswith("mean")]
    assert means and all(o.op == "reshape" for o in means), str(b)
    centering = means[0]
    assert centering.local_db == math.inf and centering.local_steps == 0, str(b)
