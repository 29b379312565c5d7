"""ATen ops that no runtime runs as integer kernels, per scheme, and what to do with them.

`FLOAT_ONLY` maps an ATen target to `{scheme: reason}` for each scheme in which neither
LiteRT (its reference/builtin kernels) nor onert has an integer kernel for the op's
Circle builtin. `CircleQuantizer` consults it before annotating:

- without allow-float, such an op is a `CompileError` at the op's source line that names
  the op, the scheme and why, and says that allow-float keeps it float;
- with allow-float, the op is left unannotated, so it stays float between DEQUANTIZE and
  QUANTIZE in the lowered model (its consumers observe its output as usual), and is
  recorded in `CircleQuantizer.float_ops` as a `FloatOp` (reported by `qcompile`).

The table is a measurement of the runtimes' kernels (docs/codegen.md, RUNTIMES.md):
SIN/COS (elementwise.cc), ROUND (round.cc) and CONV_3D (conv3d.cc) take float32 only in
LiteRT, onert has no quantized kernel for them; LOG_SOFTMAX has uint8/int8 kernels
but no int16 one (log_softmax.cc), and onert runs no int16 tensor at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.fx import Node

from compiler.frontend.schemes import SCHEMES
from compiler.ir.diagnostics import CompileError, location_str

aten = torch.ops.aten


def _every_scheme(reason: str) -> dict[str, str]:
    return {s: reason for s in SCHEMES}


_FLOAT32_ONLY = "the runtimes' {} kernels take float32 only"

#: ATen target -> {scheme: why no runtime has an integer kernel for it}
FLOAT_ONLY: dict[object, dict[str, str]] = {
    aten.sin.default: _every_scheme(_FLOAT32_ONLY.format("SIN")),
    aten.cos.default: _every_scheme(_FLOAT32_ONLY.format("COS")),
    aten.round.default: _every_scheme(_FLOAT32_ONLY.format("ROUND")),
    aten.conv3d.default: _every_scheme(_FLOAT32_ONLY.format("CONV_3D")),
    aten.log_softmax.int: {"int16": "LiteRT's LOG_SOFTMAX has no int16 kernel and onert "
                                    "runs no int16 tensor"},
    aten._log_softmax.default: {"int16": "LiteRT's LOG_SOFTMAX has no int16 kernel and "
                                         "onert runs no int16 tensor"},
}

_NO_UINT8 = "neither LiteRT nor onert has a uint8 {} kernel"
FLOAT_ONLY.update({
    aten.rsqrt.default: {"uint8": _NO_UINT8.format("RSQRT")},
    aten.exp.default: {"uint8": _NO_UINT8.format("EXP")},
    aten.log.default: {"uint8": _NO_UINT8.format("LOG")},
    aten.sqrt.default: {"uint8": _NO_UINT8.format("SQRT")},
    aten.abs.default: {"uint8": _NO_UINT8.format("ABS")},
    # of two activations (the quantizer checks `_is_matmul_by_constant` first)
    aten.matmul.default: {"uint8": _NO_UINT8.format("BATCH_MATMUL")},
    aten.bmm.default: {"uint8": _NO_UINT8.format("BATCH_MATMUL")},
    aten.mm.default: {"uint8": _NO_UINT8.format("BATCH_MATMUL")},
    aten.elu.default: {"int16": "LiteRT's ELU has no int16 kernel and onert runs no int16 "
                                "tensor"},
})

# int16 hardswish is decomposed before annotation (decompose.py, by compiler.quantize and
# by CircleQuantizer.transform_for_annotation); these rows catch what reaches the
# quantizer undecomposed (the in-place form) instead of an int16 HARD_SWISH
_NO_INT16_HARD_SWISH = ("LiteRT's HARD_SWISH has no int16 kernel ('Only float32, uint8 and "
                        "int8 are supported currently, got INT16') and onert runs no int16 "
                        "tensor; the functional hardswish is decomposed into quantized ops, "
                        "this form is not")
FLOAT_ONLY.update({
    aten.hardswish.default: {"int16": _NO_INT16_HARD_SWISH},
    aten.hardswish_.default: {"int16": _NO_INT16_HARD_SWISH},
})


@dataclass(frozen=True)
class FloatOp:
    """An op the quantizer left float: its FX node name, ATen target, source location
    (`file:line`, or None) and the reason."""

    node: str
    target: str
    location: str | None
    reason: str


def float_only_reason(node: Node, scheme: str) -> str | None:
    """Why `node` cannot be quantized in `scheme`, or None if it can (as far as the
    table knows)."""
    return FLOAT_ONLY.get(node.target, {}).get(scheme)


def _aten_name(target: object) -> str:
    # torch prints `aten.sin.default`
    return str(target)


def node_location(node: Node) -> str | None:
    from compiler.frontend.locations import node_location as loc

    return location_str(loc(node.name, node.meta.get("stack_trace")))


def float_op(node: Node, reason: str) -> FloatOp:
    return FloatOp(node.name, _aten_name(node.target), node_location(node), reason)


def no_integer_kernel_error(node: Node, scheme: str, reason: str) -> CompileError:
    """The error for a float-only op quantized without allow-float."""
    return CompileError(
        f"{_aten_name(node.target)} has no integer kernel in the {scheme} scheme ({reason}); "
        "allow-float (qcompile --allow-float, compiler.quantize(..., allow_float=True)) "
        "keeps it float between DEQUANTIZE and QUANTIZE",
        node_location(node),
    )
