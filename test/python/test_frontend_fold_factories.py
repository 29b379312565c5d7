"""Data-independent tensors (arange/full/ones/zeros(_like) and ops on them only) become
constants at import (`compiler.frontend.fold_factories`); nothing else does."""

from __future__ import annotations

import numpy as np
import torch

import compiler
from compiler.dialects import aten as aten_dialect
from compiler.dialects import quant
from compiler.dialects.circle_base import ConstOp

torch.set_num_threads(1)


class _Fn(torch.nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


def _ops(module):
    return [op for op in module.walk()]


def test_factories_and_ops_on_them_become_constants():
    # ones(n, n).tril() is what the cumsum decomposition builds; arange + 1 an id table
    model = _Fn(lambda x: (x @ torch.ones(3, 3).tril(), torch.arange(4) + 1))
    m = compiler.import_program(torch.export.export(model, (torch.randn(2, 3),)))
    assert not [o for o in _ops(m) if o.name in ("aten.ones", "aten.tril", "aten.arange",
                                                 "aten.add.Tensor")]
    consts = {tuple(o.output.type.get_shape()): o for o in _ops(m) if isinstance(o, ConstOp)}
    from compiler.ir.verify_tensors import dense_as_numpy

    np.testing.assert_array_equal(dense_as_numpy(consts[(3, 3)].value),
                                  np.tril(np.ones((3, 3), np.float32)))
    np.testing.assert_array_equal(dense_as_numpy(consts[(4,)].value), np.arange(1, 5))


def test_like_factories_read_only_the_shape_and_inputs_stay_ops():
    model = _Fn(lambda x: x + torch.full_like(x, 2.0) * x)
    m = compiler.import_program(torch.export.export(model, (torch.randn(2, 3),)))
    names = [o.name for o in _ops(m)]
    assert "aten.full_like" not in names
    assert names.count("aten.add.Tensor") == 1 and names.count("aten.mul.Tensor") == 1


def test_random_factories_are_not_folded():
    model = _Fn(lambda x: x + torch.rand_like(x))
    m = compiler.import_program(torch.export.export(model, (torch.randn(2, 3),)))
    assert any(isinstance(o, aten_dialect.CallOp) or o.name.startswith("aten.rand")
               for o in _ops(m))


def test_quantized_use_of_a_factory_is_a_quantized_constant():
    xs = (torch.randn(2, 5),)
    program = compiler.quantize(_Fn(lambda x: x + torch.ones_like(x)), xs, [xs],
                                scheme="int8", progress=False)
    m = compiler.import_program(program)
    (c,) = [o for o in _ops(m) if isinstance(o, quant.ConstantOp)]
    q = c.output.type.element_type
    np.testing.assert_allclose(q.dequantize(np.asarray(c.value.get_values()).reshape(2, 5)),
                               np.ones((2, 5)), atol=q.scale.data / 2)


class _Rotary(torch.nn.Module):
    """A Llama-style rotary table from a buffer of inverse frequencies and positions
    (`arange`), a parameter, and a buffer the forward mutates."""

    def __init__(self):
        super().__init__()
        self.register_buffer("inv_freq", 1.0 / 10000 ** (torch.arange(0, 8, 2) / 8.0),
                             persistent=False)
        self.register_buffer("steps", torch.zeros(1))
        self.w = torch.nn.Parameter(torch.randn(8, generator=torch.Generator().manual_seed(0)))

    def forward(self, x):
        pos = torch.arange(x.shape[1], dtype=torch.float32)
        freqs = pos[:, None] * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), -1)
        self.steps.add_(1)  # mutated: stays a buffer, and its uses stay ops
        return x * emb.cos() + x * emb.sin() + self.w * 2 + self.steps


def test_constant_subgraphs_fold_before_quantization():
    """`decompose_for_circle` folds every data-independent subgraph (buffers and lifted
    constants count, parameters and mutated buffers do not) into one lifted constant per
    use, with torch's values: the rotary table reaches `prepare_pt2e` as a constant, so a
    Llama-style model needs no allow-float for cos/sin, and its q/dq is calibrated on the
    exact table."""
    from compiler.frontend.decompose import decompose_for_circle

    model, x = _Rotary(), torch.randn(1, 5, 8)
    program = torch.export.export(model, (x,))
    want = _Rotary()(x)
    folded = decompose_for_circle(program, "int8")
    targets = {str(n.target) for n in folded.graph.nodes if n.op == "call_function"}
    assert not targets & {"aten.cos.default", "aten.sin.default", "aten.arange.start_step",
                          "aten.arange.default", "aten.cat.default"}, targets
    assert "aten.add_.Tensor" in targets or "aten.add.Tensor" in targets  # the mutation
    assert "aten.mul.Tensor" in targets  # the parameter's `w * 2` is not folded
    assert any(name.startswith("_circle_constant_") for name in folded.constants)
    torch.testing.assert_close(folded.module()(x), want)


def test_rotary_model_quantizes_without_allow_float():
    """The cos/sin of the table were float-only ops (allow-float) before folding."""
    class M(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("inv_freq", 1.0 / 10000 ** (torch.arange(0, 8, 2) / 8.0),
                                 persistent=False)

        def forward(self, x):
            freqs = torch.arange(x.shape[1], dtype=torch.float32)[:, None] * self.inv_freq
            emb = torch.cat((freqs, freqs), -1)
            return x * emb.cos() + x * emb.sin()

    x = torch.randn(1, 5, 8, generator=torch.Generator().manual_seed(1))
    program = compiler.quantize(M(), (x,), [(x,)], scheme="int8", progress=False)
    module = compiler.lower(compiler.import_program(program), scheme="int8")
    names = {o.name for o in module.walk()}
    assert "circle.cos" not in names and "circle.sin" not in names
    (ours,) = compiler.run(module, [x.numpy()])
    np.testing.assert_allclose(ours, M()(x).numpy(), atol=0.05)
