"""`_drop_unused_tensors`: after `convert_pt2e`, the parameters and buffers the graph
does not read are released; everything the graph reads stays."""

from __future__ import annotations

import torch

from compiler.frontend.workflow import _drop_unused_tensors


class _Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.called = torch.nn.Linear(3, 2)  # reached through call_module
        self.read = torch.nn.Linear(3, 3)  # only its weight read through get_attr
        self.unused = torch.nn.Linear(3, 3)  # never read
        self.register_buffer("scale", torch.tensor(2.0))  # read through get_attr

    def forward(self, x):
        x = torch.nn.functional.linear(x, self.read.weight) * self.scale
        return self.called(x)


def test_parameters_of_called_submodules_and_read_tensors_are_kept():
    gm = torch.fx.symbolic_trace(_Net())  # leaf modules stay call_module nodes
    assert {n.op for n in gm.graph.nodes} >= {"call_module", "get_attr"}
    x = torch.randn(4, 3)
    want = gm(x)
    _drop_unused_tensors(gm)
    names = {name for name, _ in gm.named_parameters()} | {n for n, _ in gm.named_buffers()}
    assert names == {"called.weight", "called.bias", "read.weight", "scale"}
    assert not hasattr(gm, "unused")
    torch.testing.assert_close(gm(x), want, rtol=0, atol=0)
