"""How `CircleQuantizer` annotates an ATen op, derived from the circle ops it lowers to.

An ATen op's legalization declares the circle ops it produces
(`@legalizes(..., produces=...)`, `compiler.transforms.legalize.PRODUCES`): the first
computes the result, the others are alternatives of the same kind or data-movement
helpers (transposes, reshapes, pads). The quantization traits of those ops
(`compiler.ir.quant_traits`) say how the ATen op's tensors are quantized:

| kind       | the result op                              | annotation                               |
| ---------- | ------------------------------------------ | ---------------------------------------- |
| `WEIGHTED` | has a `WeightOperand` (conv, FC)            | input, weight, bias derived from both    |
| `FIXED`    | has a `FixedOutputRange` (logistic, tanh, softmax) | the output range the kernel requires |
| `SHARED`   | `SameScale` of operand 0 (data movement), or no op at all | output shares input 0's spec |
| `CONCAT`   | `SameScale` of every operand (concatenation) | inputs and output share one spec       |
| `OWN`      | none of these                              | float inputs and an observed output      |

A lowering whose ops disagree (SiLU's LOGISTIC then MUL, a matmul that is a
FULLY_CONNECTED or a BATCH_MATMUL) has no derived kind: what the quantizer does with it
is written in its own tables, each entry saying why (`compiler.frontend.quantizer`).
"""

from __future__ import annotations

from enum import Enum

from compiler.ir.quant_traits import FixedOutputRange, SameScale, WeightOperand
from compiler.ir.runtime_traits import float_only


class Kind(Enum):
    WEIGHTED = "weighted"
    FIXED = "fixed"
    SHARED = "shared"
    CONCAT = "concat"
    OWN = "own"


def op_kind(cls: type) -> Kind | None:
    """The annotation one circle op class calls for (None: a SameScale over other
    operands, which no ATen-level rule expresses)."""
    if cls.get_trait(WeightOperand) is not None:
        return Kind.WEIGHTED
    if cls.get_trait(FixedOutputRange) is not None:
        return Kind.FIXED
    same = cls.get_trait(SameScale)
    if same is not None:
        if same.operands == (0,):
            return Kind.SHARED
        if same.operands == (-1,):
            return Kind.CONCAT
        return None
    return Kind.OWN


def lowering_kind(classes: tuple[type, ...]) -> Kind | None:
    """The kind of a lowering to `classes` (the result op first); None when its ops
    disagree (a helper that is neither of the result op's kind nor data movement,
    `SameScale`) or when no runtime runs the result op quantized at all (SIN, CONV_3D)."""
    if not classes:
        return Kind.SHARED  # no op: the result is the operand
    kind = op_kind(classes[0])
    if kind is None:
        return None
    if float_only(classes[0]):
        return None  # no integer kernel in any scheme: nothing to annotate
    for other in classes[1:]:
        if op_kind(other) != kind and other.get_trait(SameScale) is None:
            return None
    return kind


def fixed_range(target: object) -> FixedOutputRange | None:
    """The output range the result op of ATen `target` requires, if any."""
    from compiler.frontend.float_ops import lowers_to

    classes = lowers_to(target)
    return classes[0].get_trait(FixedOutputRange) if classes else None


def derived_kind(target: object) -> Kind | None:
    """The kind of ATen `target` (an `OpOverload` or its name) from the circle ops its
    legalization declares, or None if undeclared or the ops disagree."""
    from compiler.frontend.float_ops import declared, lowers_to

    if not declared(target):
        return None
    return lowering_kind(lowers_to(target))


def derived_targets() -> dict[str, Kind]:
    """Qualified ATen target (`aten.relu.default`) -> derived kind, for every declared
    legalization with one."""
    from compiler.dialects.aten import BY_NAME
    from compiler.transforms.legalize import PRODUCES, load_all

    load_all()
    out: dict[str, Kind] = {}
    for name, classes in PRODUCES.items():
        kind = lowering_kind(classes)
        if kind is not None and name in BY_NAME:
            out[BY_NAME[name].SCHEMA.qualified_target] = kind
    return dict(sorted(out.items()))
