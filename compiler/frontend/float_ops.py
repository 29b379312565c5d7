"""ATen ops that no runtime runs as integer kernels, per scheme, and what to do with them.

Whether an ATen op can be quantized in a scheme is a fact about the circle ops it
lowers to: its legalization declares them (`@legalizes(..., produces=...)`,
`compiler.transforms.legalize.PRODUCES`), and each circle op declares in its runtime
traits (`compiler.ir.runtime_traits`) which storage types LiteRT and onert refuse. An ATen
op is float-only in a scheme when one of its circle ops has no integer kernel in that
scheme's storage in any runtime (`no_integer_kernel`). `CircleQuantizer` asks before
annotating:

- without allow-float, such an op is a `CompileError` at the op's source line that names
  the op, the scheme and why, and says that allow-float keeps it float;
- with allow-float, the op is left unannotated, so it stays float between DEQUANTIZE and
  QUANTIZE in the lowered model (its consumers observe its output as usual), and is
  recorded in `CircleQuantizer.float_ops` as a `FloatOp` (reported by `qcompile`).

`float_only_table()` lists the result for every declared ATen op (docs, tests).
"""

from __future__ import annotations

from dataclasses import dataclass

from torch.fx import Node

from compiler.frontend.schemes import SCHEMES
from compiler.ir.diagnostics import CompileError, location_str
from compiler.ir.runtime_traits import SCHEME_STORAGE, no_integer_kernel


def _declared_name(target: object) -> str | None:
    from compiler.dialects.aten import BY_TARGET
    from compiler.transforms.legalize import PRODUCES, load_all

    load_all()
    op = BY_TARGET.get(str(target))
    return op.SCHEMA.op_name if op is not None and op.SCHEMA.op_name in PRODUCES else None


def declared(target: object) -> bool:
    """Whether the legalization of ATen `target` declares the circle ops it produces."""
    return _declared_name(target) is not None


def lowers_to(target: object) -> tuple[type, ...]:
    """The circle op classes the legalization of ATen `target` may produce (the one
    computing the result first; `()` if it produces none or is undeclared)."""
    from compiler.transforms.legalize import PRODUCES

    name = _declared_name(target)
    return PRODUCES[name] if name is not None else ()


def float_only_reason_of(target: object, scheme: str) -> str | None:
    """Why ATen `target` cannot be quantized in `scheme`, or None. An in-place or `_copy`
    variant (`hardswish_`, which reaches the quantizer undecomposed through plain
    `prepare_pt2e`) answers as its functional op."""
    from compiler.frontend.variants import functional_overload

    target = functional_overload(target) or target
    st = SCHEME_STORAGE.get(scheme)
    for cls in lowers_to(target):
        reason = no_integer_kernel(cls, st)
        if reason:
            return reason
    return None


def float_only_table() -> dict[str, dict[str, str]]:
    """ATen op name -> {scheme: reason} for every op some scheme keeps float."""
    from compiler.dialects.aten import BY_NAME
    from compiler.transforms.legalize import PRODUCES, load_all

    load_all()
    table: dict[str, dict[str, str]] = {}
    for name in sorted(PRODUCES):
        target = BY_NAME[name].SCHEMA.qualified_target if name in BY_NAME else None
        if target is None:
            continue
        rows = {s: r for s in SCHEMES if (r := float_only_reason_of(target, s))}
        if rows:
            table[target] = rows
    return table


@dataclass(frozen=True)
class FloatOp:
    """An op the quantizer left float: its FX node name, ATen target, source location
    (`file:line`, or None) and the reason."""

    node: str
    target: str
    location: str | None
    reason: str


def float_only_reason(node: Node, scheme: str) -> str | None:
    """Why `node` cannot be quantized in `scheme`, or None if it can."""
    return float_only_reason_of(node.target, scheme)


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
