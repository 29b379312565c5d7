"""`build_op`: an IRDL op built without IRDL's generic builder when that is the same.

IRDL's builder (`irdl_op_init`) normalizes operands, results, regions and successors
against the op definition (variadic and optional groups, segment sizes) before calling
`Operation.__init__`; for an op without any of those it only checks counts and copies
the lists, at ~10 µs per op, for every op a pass emits. `build_op` calls
`Operation.create` directly for such ops (same operands, result types and properties,
so the same op), and IRDL's builder otherwise, including for every call whose
arguments IRDL would reject, so that its error stays the one raised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xdsl.dialects.builtin import TensorType
from xdsl.ir import Attribute, OpResult, Operation, SSAValue

#: op class -> (operand count, result count) when its builder is plain, else None
_PLAIN: dict[type, tuple[int, int] | None] = {}


def plain_arity(cls: type) -> tuple[int, int] | None:
    """(operands, results) when `cls(operands=..., result_types=..., properties=...)`
    builds exactly what `cls.create(...)` builds from lists of these lengths: the class
    keeps IRDL's constructor and defines no variadic or optional operand or result, no
    region or successor, no segment-size or same-size option."""
    if cls in _PLAIN:
        return _PLAIN[cls]
    from xdsl.irdl import IRDLOperation
    from xdsl.irdl.operations import (
        AttrSizedSegments,
        OptionalDef,
        SameVariadicSize,
        VariadicDef,
    )

    op_def = cls.get_irdl_definition()
    plain = (
        cls.__init__ is IRDLOperation.__init__
        and not op_def.regions and not op_def.successors
        and not any(isinstance(o, (AttrSizedSegments, SameVariadicSize)) for o in op_def.options)
        and not any(isinstance(d, (VariadicDef, OptionalDef))
                    for _, d in (*op_def.operands, *op_def.results))
    )
    _PLAIN[cls] = (len(op_def.operands), len(op_def.results)) if plain else None
    return _PLAIN[cls]


def build_op(cls: type[Operation], operands: Sequence[SSAValue], result_types: Sequence[Attribute],
             properties: Mapping[str, Attribute]) -> Operation:
    """`cls(operands=operands, result_types=result_types, properties=properties)`."""
    arity = plain_arity(cls)
    if (arity is not None and len(operands) == arity[0] and len(result_types) == arity[1]
            # (`type(...) is` first: an ABC check only for other classes, which an
            # `OpResult` and a `TensorType` are not)
            and all(type(v) is OpResult or isinstance(v, SSAValue) for v in operands)
            and all(type(t) is TensorType or isinstance(t, Attribute) for t in result_types)
            and all(p is not None for p in properties.values())):
        return cls.create(operands=operands, result_types=result_types, properties=properties)
    return cls(operands=operands, result_types=result_types, properties=properties)
