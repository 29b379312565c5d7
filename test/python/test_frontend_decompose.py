"""`decompose_for_circle`: ops Circle lacks are decomposed before quantization."""

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from compiler.frontend.decompose import CIRCLE_DECOMPOSITIONS, decompose_for_circle

torch.set_num_threads(1)


class Norms(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(8)
        self.gn = nn.GroupNorm(2, 4)
        self.rms = nn.RMSNorm(8)
        with torch.no_grad():
            for p in self.parameters():
                p.uniform_(0.5, 1.5)

    def forward(self, x):
        y = self.gn(x)  # [1, 4, 2, 8]
        return F.hardsigmoid(self.rms(self.ln(y)))


def _targets(ep):
    return {n.target for n in ep.graph.nodes if n.op == "call_function"}


def test_decomposed_ops_are_gone_and_values_equal():
    model = Norms().eval()
    x = torch.randn(1, 4, 2, 8, generator=torch.Generator().manual_seed(0)) * 3 + 1
    ep = torch.export.export(model, (x,))
    assert _targets(ep) & set(CIRCLE_DECOMPOSITIONS)
    dec = decompose_for_circle(ep)
    assert not _targets(dec) & set(CIRCLE_DECOMPOSITIONS)
    assert torch.ops.aten.rsqrt.default in _targets(dec)
    with torch.no_grad():
        torch.testing.assert_close(dec.module()(x), model(x), rtol=1e-5, atol=1e-5)


def test_a_program_without_such_ops_is_returned_as_is():
    ep = torch.export.export(nn.Linear(4, 2).eval(), (torch.randn(1, 4),))
    assert decompose_for_circle(ep) is ep


@pytest.mark.parametrize("scheme", ["uint8", "int8", "int16"])
def test_quantize_observes_every_layer_norm_tensor(scheme):
    """After `compiler.quantize`, each decomposed step carries its own qparams."""
    from compiler import quantize

    model = nn.Sequential(nn.Linear(8, 8), nn.LayerNorm(8)).eval()
    data = [(torch.randn(2, 8, generator=torch.Generator().manual_seed(i)),) for i in range(4)]
    # uint8 has no RSQRT kernel in any runtime: it stays float (allow-float), and its
    # output is still observed where its consumer (mul) is quantized
    ep = quantize(model, data[0], data, scheme=scheme, progress=False,
                  allow_float=scheme == "uint8")
    q = torch.ops.quantized_decomposed.quantize_per_tensor.default
    quantized = {n.args[0].target for n in ep.graph.nodes if n.target == q and n.args[0].op == "call_function"}
    for op in ("mean.dim", "sub.Tensor", "rsqrt.default", "mul.Tensor", "add.Tensor"):
        overload = getattr(getattr(torch.ops.aten, op.split(".")[0]), op.split(".")[1])
        assert overload in quantized, f"{op} output is not quantized"


@pytest.mark.parametrize("scheme", ["uint8", "int16"])
def test_hardswish_is_decomposed_where_the_runtime_lacks_it(scheme):
    model = nn.Sequential(nn.Linear(4, 4), nn.Hardswish()).eval()
    ep = torch.export.export(model, (torch.randn(2, 4),))
    hardswish = torch.ops.aten.hardswish.default
    assert hardswish in _targets(decompose_for_circle(ep, "int8"))  # LiteRT's int8 kernel
    # onert has no HARD_SWISH kernel; LiteRT none for int16
    dec = decompose_for_circle(ep, scheme)
    assert hardswish not in _targets(dec)
    x = torch.randn(2, 4, generator=torch.Generator().manual_seed(3)) * 4
    with torch.no_grad():
        torch.testing.assert_close(dec.module()(x), model(x), rtol=1e-6, atol=1e-6)
