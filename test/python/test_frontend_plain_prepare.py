"""Programs prepared with plain torchao `prepare_pt2e(model, CircleQuantizer(scheme))`,
without `decompose_for_circle` first: `CircleQuantizer.transform_for_annotation` applies
the same decompositions (`decompose.decompose_graph_module`), so group/instance norm,
log1p, `_safe_softmax` and attention are observed op by op and lower exactly as with
`compiler.quantize` (before, they reached the compiler as single ATen ops between q/dq:
"has no Circle lowering"). End to end: interpreter vs torch's converted program, LiteRT
BUILTIN_REF bit-exact with the interpreter."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import compiler
from compiler.interpreter import entry_function
from compiler.verify import run_stage, stage_inputs

torch.set_num_threads(1)


class _Model(nn.Module):
    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(0)
        self.gn, self.inorm = nn.GroupNorm(2, 4), nn.InstanceNorm2d(4, affine=True)
        with torch.no_grad():
            for p in [*self.gn.parameters(), *self.inorm.parameters()]:
                p.copy_(torch.rand(p.shape, generator=g) + 0.5)

    def forward(self, x, q):
        a = F.scaled_dot_product_attention(q, q * 2, q, is_causal=True)
        return (self.gn(x), self.inorm(x), torch.log1p(x.abs()),
                torch.ops.aten._safe_softmax.default(a, -1))


def _inputs(seed: int):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(1, 4, 3, 3, generator=g), torch.randn(1, 2, 4, 8, generator=g)


@pytest.mark.parametrize("scheme", ["int8", "int16"])
def test_plain_prepare_pt2e_decomposes_and_lowers(scheme):
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    from compiler.frontend.quantizer import CircleQuantizer

    xs = _inputs(0)
    exported = torch.export.export(_Model().eval(), xs)
    targets = {n.target for n in exported.graph.nodes if n.op == "call_function"}
    assert torch.ops.aten.group_norm.default in targets  # not decomposed by the user
    prepared = prepare_pt2e(exported.module(), CircleQuantizer(scheme))
    for seed in range(4):
        prepared(*_inputs(seed))
    program = torch.export.export(convert_pt2e(prepared), xs)
    module = compiler.lower(compiler.import_program(program), scheme=scheme)
    numpy_xs = [x.numpy() for x in xs]
    ours = run_stage(module, numpy_xs).outputs
    theirs = run_stage(program, numpy_xs).outputs
    ret = entry_function(module).body.blocks.first.last_op
    # within the op cases' tolerances, in output steps: norms 2 (the fixed-point RSQRT),
    # log1p of abs 4 in int16 (log1p alone: 3), attention and softmax 8 in int16 (TFLite's
    # table-based int16 SOFTMAX)
    wide = scheme == "int16"
    for a, b, out, lsb in zip(ours, theirs, ret.operands, (2, 2, 4 if wide else 1,
                                                            8 if wide else 1), strict=True):
        step = out.owner.input.type.element_type.scale.data  # the output DEQUANTIZE's
        steps = np.abs(np.rint(a.real() / step) - np.rint(np.asarray(b.real()) / step))
        assert steps.max() <= lsb

    runtimes = pytest.importorskip("runtimes")
    from compiler.codegen import write_tflite

    int_module = compiler.lower(compiler.import_program(program), scheme=scheme, io_dtype="int")
    ints = stage_inputs(int_module, numpy_xs)
    for a, b in zip(compiler.run(int_module, ints),
                    runtimes.run_litert(write_tflite(int_module), ints), strict=True):
        np.testing.assert_array_equal(a, b)
