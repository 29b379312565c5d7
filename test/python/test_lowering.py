"""The lowering pipeline on the model zoo: structure after `lower-to-circle`.

For every zoo model and scheme (and the float program):
- the IR after every pass prints, re-parses to an equivalent module and verifies;
- nothing but circle ops is left (no `aten.*`, no `quant.*`), and no float tensor
  except the model's float inputs/outputs at QUANTIZE/DEQUANTIZE;
- no transpose sits between two layout-sensitive (NHWC) ops: conv -> conv,
  conv -> pool -> conv chains are transpose-free.
Numeric agreement with torch is `test_interpreter_pt2e.py`'s job.
"""

from __future__ import annotations

import io

import pytest
import torch
from xdsl.dialects import func
from xdsl.parser import Parser
from compiler.ir.runtime_traits import no_integer_kernel
from compiler.ir.printing import Printer

from compiler import lower
from compiler.dialects import circle
from compiler.frontend import import_program
from compiler.ir import make_context
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import is_quantized
from compiler.transforms.utils import is_float_tensor

zoo = pytest.importorskip("zoo")
torch.set_num_threads(1)

NAMES = [n for n in zoo.MODELS if not n.startswith("qat")]
SCHEMES = ["uint8", "int8", "int16", "float"]

#: Known gaps: (model, scheme or None) -> why. A different failure still fails.
GAPS: dict[tuple[str, str | None], str] = {}

NHWC_OPS = (circle.Conv2DOp, circle.DepthwiseConv2DOp, circle.TransposeConvOp,
            circle.MaxPool2DOp, circle.AveragePool2DOp, circle.ResizeBilinearOp,
            circle.ResizeNearestNeighborOp)


def program(name: str, scheme: str):
    return zoo.float_program(name) if scheme == "float" else zoo.quantized_program(name, scheme)


def reparse(module):
    text = io.StringIO()
    Printer(stream=text, print_debuginfo=True).print_op(module)
    again = Parser(make_context(), text.getvalue()).parse_module()
    again.verify()
    assert again.is_structurally_equivalent(module)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", NAMES)
def test_zoo_lowers_to_circle_only(name, scheme):
    module = import_program(program(name, scheme))
    stages = []
    gap = GAPS.get((name, scheme))
    if gap:
        with pytest.raises(CompileError, match="no quantization parameters"):
            lower(module)
        pytest.xfail(gap)
    # ops no runtime runs as integers in this scheme stay float (allow-float)
    floats = scheme != "float" and zoo.allow_float(name, scheme)
    lower(module, allow_float=floats,
          callback=lambda p, m: (stages.append(p.name), reparse(m)))
    assert stages[-1] == "verify-quantized" and len(stages) == 12

    storage = {"uint8": "u8", "int8": "i8", "int16": "i16"}.get(scheme)
    kept_float = {c.name for c in circle.CIRCLE_OPS if no_integer_kernel(c, storage)}
    for op in module.walk():
        assert not op.name.startswith(("aten.", "quant.")), op.name
        if isinstance(op, func.FuncOp | func.ReturnOp) or op.name == "builtin.module":
            continue
        assert op.name.startswith("circle."), op.name
        if scheme == "float":
            continue
        boundary = isinstance(op, circle.QuantizeOp | circle.DequantizeOp) or (
            floats and op.name in kept_float)
        for v in (*op.operands, *op.results):
            if is_float_tensor(v):
                assert boundary, f"float tensor at {op.name}"

    if scheme != "float":
        assert any(is_quantized(r.type) for op in module.walk() for r in op.results)


@pytest.mark.parametrize("scheme", ["uint8", "int8", "float"])
@pytest.mark.parametrize("name", ["conv_bn_relu", "depthwise", "residual_add", "pools",
                                  "mobilenet_block", "conv_transpose"])
def test_no_transpose_inside_nhwc_chains(name, scheme):
    module = lower(import_program(program(name, scheme)))
    for op in module.walk():
        if not isinstance(op, circle.TransposeOp):
            continue
        producer = op.input.owner
        consumers = [u.operation for u in op.output.uses]
        between = isinstance(producer, NHWC_OPS) and any(
            isinstance(c, NHWC_OPS) for c in consumers)
        assert not between, f"transpose between {producer.name} and its NHWC consumer"
    transposes = [o for o in module.walk() if isinstance(o, circle.TransposeOp)]
    # One at the NCHW input and one at the NCHW output at most (pools' output is 2-D).
    assert len(transposes) <= 2, [str(t) for t in transposes]


def test_verify_once_gives_the_same_module():
    """`verify_each=False` (qcompile's default) changes when the IR is verified, not
    what the passes produce."""
    each = lower(import_program(program("mobilenet_block", "int8")), scheme="int8")
    once = lower(import_program(program("mobilenet_block", "int8")), scheme="int8",
                 verify_each=False)
    assert once.is_structurally_equivalent(each)


@pytest.mark.parametrize("verify_each", [True, False])
def test_invalid_ir_is_reported_with_or_without_verify_each(verify_each, monkeypatch):
    """A pass that breaks an op's invariant is caught: after that pass with
    `verify_each`, after the last pass without."""
    from compiler.transforms import pipelines

    passes = pipelines.lowering_passes

    class Breaker:
        name = "break-a-conv"

        def apply(self, ctx, module):
            conv = next(o for o in module.walk() if isinstance(o, circle.Conv2DOp))
            conv.properties["stride_w"] = conv.properties["stride_h"].__class__(0, 32)

    def with_breaker(*args, **kwargs):
        ps = passes(*args, **kwargs)
        return [*ps[:-1], Breaker(), ps[-1]] if verify_each else [*ps, Breaker()]

    monkeypatch.setattr(pipelines, "lowering_passes", with_breaker)
    seen = []
    with pytest.raises(CompileError, match="stride"):
        lower(import_program(program("conv_bn_relu", "int8")), scheme="int8",
              verify_each=verify_each, callback=lambda p, m: seen.append(p.name))
    # with verify_each the error stops the pipeline right after the breaking pass
    assert ("break-a-conv" not in seen) if verify_each else seen[-1] == "verify-quantized"
