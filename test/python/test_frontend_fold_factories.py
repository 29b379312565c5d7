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
