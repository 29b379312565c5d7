"""The `aten` dialect knows every ATen op a legalization names without a schema line of
its own: `compiler.dialects.aten.define` builds it from ATen's schema, read from the
`native_functions.yaml` torch generates `torch.ops.aten.*._schema` from (no torch import).
These tests pin that the file and torch agree, that textual IR can spell every legalized
op, and that doing so does not import torch."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from compiler.dialects import aten
from compiler.ir.context import make_context
from compiler.transforms.legalize import load_all


def _signature(schema: aten.Schema):
    """What an op class is made of (defaults are spelled differently by the two)."""
    return (schema.op_name, [(a.name, a.type, a.optional) for a in schema.arguments],
            schema.returns)


@pytest.mark.parametrize("name", sorted(load_all()))
def test_every_legalized_op_is_in_the_dialect_and_is_torchs(name):
    assert make_context().get_optional_op(name) is aten.BY_NAME[name]
    head = name.removeprefix("aten.")
    op, _, overload = head.partition(".")
    torch_schema = str(getattr(getattr(torch.ops.aten, op), overload or "default")._schema)
    assert _signature(aten.parse_schema(aten.aten_schema(name))) == _signature(
        aten.parse_schema(torch_schema.removeprefix("aten::")))
    assert _signature(aten.BY_NAME[name].SCHEMA) == _signature(
        aten.parse_schema(torch_schema.removeprefix("aten::")))


def test_define_refuses_a_name_that_is_not_an_aten_op():
    with pytest.raises(ValueError, match="ATen has no operator 'aten.no_such_op'"):
        aten.define(["aten.no_such_op"])
    with pytest.raises(ValueError, match="did you mean 'aten.neg'"):
        aten.define(["aten.neg.default"])


def test_parsing_aten_ir_does_not_import_torch():
    """qopt's start-up stays torch-free: the dialect reads schemas from the yaml file."""
    code = (
        "import sys\n"
        "from compiler.ir.context import make_context\n"
        "from compiler.transforms.legalize import LEGALIZATIONS\n"
        "ctx = make_context()\n"
        "assert ctx.get_optional_op('aten.relu') is not None\n"
        "assert all(ctx.get_optional_op(n) is not None for n in LEGALIZATIONS)\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
