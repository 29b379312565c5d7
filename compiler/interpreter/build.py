"""Build small circle modules from numpy arrays: one op, its inputs and constants.

Used to check single kernels (against numpy references, LiteRT and onert) without a
frontend: `single_op_module(circle.AddOp, [Input(t1), Input(t2)], [t_out], act="RELU")`
makes `func.func @main(%a: t1, %b: t2) -> t_out` with one `circle.add`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from xdsl.builder import ImplicitBuilder
from xdsl.dialects.builtin import (
    IntegerType,
    ModuleOp,
    NoneType,
    Signedness,
    TensorType,
    f32,
    i32,
    i64,
)
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Attribute
from xdsl.irdl import VarOperandDef

from compiler.dialects.circle_base import ConstOp, NoValueOp, option_attribute
from compiler.dialects.quant import dense_from_numpy
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType


@dataclass(frozen=True)
class Input:
    """A function argument of type `type`."""

    type: TensorType


@dataclass(frozen=True)
class Const:
    """A `circle.const` holding `value` (storage integers when `type` is quantized)."""

    value: np.ndarray
    type: TensorType | None = None


NONE = None  # an absent optional operand (`circle.no_value`)

_PAYLOAD = {
    np.dtype(np.float32): f32,
    np.dtype(np.int32): i32,
    np.dtype(np.int64): i64,
}


def tensor(shape: Sequence[int], element: Attribute) -> TensorType:
    return TensorType(element, list(shape))


def _const(c: Const) -> ConstOp:
    arr = np.ascontiguousarray(c.value)
    if c.type is not None and isinstance(
        c.type.element_type, UniformQuantizedType | UniformQuantizedPerAxisType
    ):
        q = c.type.element_type
        arr = arr.astype(q.numpy_storage_dtype)
        return ConstOp(dense_from_numpy(arr, q.storage_type), c.type)
    if arr.dtype in _PAYLOAD:
        element = _PAYLOAD[arr.dtype]
    elif np.issubdtype(arr.dtype, np.integer):
        element = IntegerType(arr.dtype.itemsize * 8, Signedness.UNSIGNED
                              if arr.dtype.kind == "u" else Signedness.SIGNLESS)
    else:
        raise TypeError(f"unsupported constant dtype {arr.dtype}")
    return ConstOp(dense_from_numpy(arr, element))


def single_op_module(
    op_class: type,
    operands: Sequence[Input | Const | None],
    result_types: Sequence[TensorType],
    **options: int | float | str | bool,
) -> ModuleOp:
    """`@main` taking the `Input` operands as arguments and returning the op's results."""
    arg_types = [o.type for o in operands if isinstance(o, Input)]
    func = FuncOp("main", (arg_types, list(result_types)))
    with ImplicitBuilder(func.body) as args:
        values = []
        remaining = list(args)
        for o in operands:
            if isinstance(o, Input):
                values.append(remaining.pop(0))
            elif isinstance(o, Const):
                values.append(_const(o).output)
            else:
                values.append(NoValueOp().output)
        defs = op_class.get_irdl_definition().operands
        if len(defs) == 1 and isinstance(defs[0][1], VarOperandDef):
            values = [values]  # one variadic operand group (concatenation)
        op = op_class(
            operands=values,
            result_types=list(result_types),
            properties={k: option_attribute(v) for k, v in options.items()},
        )
        ReturnOp(*op.results)
    module = ModuleOp([func])
    module.verify()
    return module


__all__ = ["Const", "Input", "NONE", "NoneType", "single_op_module", "tensor"]
