"""`AtenFunctions`: ATen ops evaluated by torch itself, so float semantics are torch's.

Every schema-defined `aten.*` op calls `torch.ops.aten.<name>.<overload>` with its
tensor operands as torch tensors and its properties converted back to the Python
values of the schema (`int[]` -> list, `ScalarType` -> `torch.dtype`, ...); an
argument absent from the IR takes the schema's default. `aten.call` (an operator
without a dedicated op) is evaluated through its `target` when all its inputs are
tensors and it has no other arguments; otherwise it raises a located error rather
than guessing arguments from their printed rendering.

torch is imported on first use, so that interpreting circle IR never pays for it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from xdsl.interpreter import Interpreter, InterpreterFunctions, impl, register_impls
from xdsl.ir import Operation, SSAValue

from compiler.dialects import aten
from compiler.interpreter.values import runtime_dtype
from compiler.ir.diagnostics import error_at


def _torch():
    import torch

    return torch


def _to_torch(value: Any):
    if value is None:
        return None
    torch = _torch()
    return torch.from_numpy(np.ascontiguousarray(value))


def _from_torch(op: Operation, result: SSAValue, value: Any) -> np.ndarray:
    """A torch result as the numpy array of the result type's dtype (same kind only)."""
    arr = value.detach().cpu().contiguous().numpy()
    dtype = runtime_dtype(result)
    if dtype is not None and arr.dtype != dtype:
        if arr.dtype.kind != dtype.kind:
            raise error_at(op, f"torch returned {arr.dtype} for a result of type {result.type}")
        arr = arr.astype(dtype)
    return arr


def _property(arg: aten.Argument, value: Any) -> Any:
    if arg.type == "ScalarType":
        return getattr(_torch(), value)
    return value


def _operand_values(op: Operation, args: tuple) -> dict[SSAValue, Any]:
    return dict(zip(op.operands, args))


def _call(op: aten.AtenOp, args: tuple) -> tuple:
    schema = op.SCHEMA
    values = _operand_values(op, args)
    kwargs: dict[str, Any] = {}
    for a in schema.arguments:
        if a.is_tensor:
            field = f"{a.name}_" if a.name in ("self", "input") else a.name
            operand = getattr(op, field)
            if a.type.endswith("[]"):
                kwargs[a.name] = [_to_torch(values[v]) for v in operand]
            else:
                kwargs[a.name] = _to_torch(values[operand])
        else:
            value = op.arg(a.name)
            if value is not None:
                kwargs[a.name] = _property(a, value)
            elif a.optional:  # left out of the IR because it was None
                kwargs[a.name] = None
    overload = getattr(getattr(_torch().ops.aten, schema.name), schema.overload or "default")
    try:
        out = overload(**kwargs)
    except Exception as e:  # torch's message says what was wrong with the arguments
        raise error_at(op, f"torch failed to evaluate {schema.qualified_target}: {e}") from None
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    if len(outs) != len(op.results):
        raise error_at(op, f"torch returned {len(outs)} results, the op has {len(op.results)}")
    return tuple(_from_torch(op, r, v) for r, v in zip(op.results, outs))


def _run_call(op: aten.CallOp, args: tuple) -> tuple:
    target = op.target.data
    rendering = op.args.data if op.args is not None else "()"
    parts = [p.strip() for p in rendering.strip().removeprefix("(").removesuffix(")").split(",")]
    parts = [p for p in parts if p]
    if not (len(parts) == len(op.inputs) and all(p.startswith("%") for p in parts)):
        raise error_at(
            op,
            f"cannot evaluate '{target}': its arguments {rendering} are not all tensors, "
            "and the IR keeps non-tensor arguments only as text; add a dedicated aten op",
        )
    namespace, _, overload = target.removeprefix("aten.").rpartition(".")
    packet = getattr(_torch().ops.aten, namespace, None)
    fn = getattr(packet, overload, None) if packet is not None else None
    if fn is None:
        raise error_at(op, f"torch has no operator '{target}'")
    out = fn(*[_to_torch(a) for a in args])
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    if len(outs) != len(op.results):
        raise error_at(op, f"torch returned {len(outs)} results, the op has {len(op.results)}")
    return tuple(_from_torch(op, r, v) for r, v in zip(op.results, outs))


def _with_schema_impls(cls: type[InterpreterFunctions]) -> type[InterpreterFunctions]:
    """Give every schema-defined op of `aten.ATEN_OPS` an `@impl` running `run_schema_op`
    (keyed by op name: class names can coincide); `register_impls` then collects them.
    The ops are those of `aten.SCHEMAS` and every one a legalization names (`load_all`)."""
    from compiler.transforms.legalize import load_all

    load_all()
    for op_class in aten.ATEN_OPS:
        setattr(cls, f"run_{op_class.name.replace('.', '_')}", impl(op_class)(cls.run_schema_op))
    return cls


@register_impls
@_with_schema_impls
class AtenFunctions(InterpreterFunctions):
    """Schema-defined aten ops through torch, `aten.none` and `aten.call` (see the module
    notes)."""

    def run_schema_op(self, interpreter: Interpreter, op: aten.AtenOp, args: tuple) -> tuple:
        return _call(op, args)

    @impl(aten.NoneOp)
    def run_none(self, interpreter: Interpreter, op: aten.NoneOp, args: tuple) -> tuple:
        return (None,)

    @impl(aten.CallOp)
    def run_call(self, interpreter: Interpreter, op: aten.CallOp, args: tuple) -> tuple:
        return _run_call(op, args)
