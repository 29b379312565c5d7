"""ATen call arguments as the `aten` dialect's operands and properties.

An FX node's arguments are bound to names with the operator's own schema
(`node.target._schema`): positional arguments, keyword arguments, then the schema's
defaults for the rest, so the IR always spells every non-optional argument. The dialect
op's schema (parsed from the same ATen schema string) then decides what is an operand
(tensors) and what is a property, converted as:

| ATen type   | property                                      |
| ----------- | --------------------------------------------- |
| int         | `IntegerAttr(v, i64)`                         |
| int[]       | `array<i64: ...>` (a single int is repeated to the declared length, `int[2] padding=0`) |
| float       | `FloatAttr(v, f64)`                           |
| float[]     | `array<f64: ...>`                             |
| bool        | `BoolAttr`                                    |
| str         | `StringAttr`                                  |
| ScalarType  | `StringAttr` of the dtype name (`"float32"`)  |
| Scalar      | `IntegerAttr(v, i64)` or `FloatAttr(v, f64)`  |

An optional argument that is None is left out. A symbolic value (SymInt) means a dynamic
shape and is refused.
"""

from __future__ import annotations

from typing import Any

import torch
from xdsl.dialects.builtin import (
    BoolAttr,
    DenseArrayBase,
    FloatAttr,
    IntegerAttr,
    StringAttr,
    f64,
    i64,
)
from xdsl.ir import Attribute

from compiler.dialects.aten import Argument
from compiler.frontend.tensor_types import dtype_name
from compiler.ir.diagnostics import CompileError

_SYMBOLIC = (torch.SymInt, torch.SymFloat, torch.SymBool)


def bind_arguments(node: torch.fx.Node, target: Any = None) -> dict[str, tuple[Any, Any]]:
    """name -> (torch schema Argument, value) for every argument of the node's operator,
    or of `target`, an operator with the same arguments under other names (the
    functional twin of an in-place or `_copy` variant, `compiler.frontend.variants`)."""
    kwargs = node.kwargs
    if target is not None and target is not node.target:
        from compiler.frontend.variants import rename_kwargs

        kwargs = rename_kwargs(node, target)
    args = node.args
    positional = len(args)
    bound: dict[str, tuple[Any, Any]] = {}
    for i, (arg, name, kwarg_only, has_default) in enumerate(
            schema_arguments(target or node.target)):
        if i < positional and not kwarg_only:
            value = args[i]
        elif name in kwargs:
            value = kwargs[name]
        elif has_default:
            value = arg.default_value  # (a fresh object each time: callers may keep it)
        else:
            value = None
        bound[name] = (arg, value)
    return bound


#: operator -> its schema's arguments as `schema_arguments` gives them
_SCHEMA_ARGUMENTS: dict[Any, tuple[tuple[Any, str, bool, bool], ...]] = {}


def schema_arguments(target: Any) -> tuple[tuple[Any, str, bool, bool], ...]:
    """(Argument, name, kwarg_only, has a default) of each argument of `target`'s schema.

    Read once per operator: every `schema.arguments` builds new Python objects for the
    C++ schema's arguments (several µs per node); a schema never changes once the
    operator is registered, so the tuple is exact for the operator's lifetime.
    """
    try:
        known = _SCHEMA_ARGUMENTS.get(target)
        hashable = True
    except TypeError:  # an unhashable target: read its schema every time
        known, hashable = None, False
    if known is None:
        known = tuple((a, a.name, a.kwarg_only, a.has_default_value())
                      for a in target._schema.arguments)  # type: ignore[union-attr]
        if hashable:
            _SCHEMA_ARGUMENTS[target] = known
    return known


def _refuse_symbolic(value: Any, where: str) -> None:
    values = value if isinstance(value, (list, tuple)) else [value]
    if any(isinstance(v, _SYMBOLIC) for v in values):
        raise CompileError(
            f"{where} is symbolic ({value}): only static shapes are supported; export "
            "without dynamic_shapes"
        )


def property_attribute(arg: Argument, torch_arg: Any, value: Any, where: str) -> Attribute:
    """The property attribute of a non-tensor argument `value` (not None)."""
    _refuse_symbolic(value, where)
    t = arg.type
    try:
        if t == "int":
            return IntegerAttr(int(value), i64)
        if t == "int[]":
            if isinstance(value, int):
                value = [value] * (getattr(torch_arg, "N", None) or 1)
            return DenseArrayBase.from_list(i64, [int(v) for v in value])
        if t == "float":
            return FloatAttr(float(value), f64)
        if t == "float[]":
            if isinstance(value, (int, float)):
                value = [value] * (getattr(torch_arg, "N", None) or 1)
            return DenseArrayBase.from_list(f64, [float(v) for v in value])
        if t == "bool":
            return BoolAttr.from_bool(bool(value))
        if t == "str":
            return StringAttr(str(value))
        if t == "ScalarType":
            return StringAttr(dtype_name(value))
        if t == "Scalar":
            if isinstance(value, float):
                return FloatAttr(value, f64)
            return IntegerAttr(int(value), i64)
    except (TypeError, ValueError) as e:
        raise CompileError(f"{where}: cannot convert {value!r} to {t}: {e}") from None
    raise CompileError(f"{where}: unsupported argument type {t}")


def render_arguments(node: torch.fx.Node) -> str:
    """A readable rendering of a call's arguments, tensors as `%name` (for `aten.call`)."""

    def show(v: Any) -> str:
        if isinstance(v, torch.fx.Node):
            return f"%{v.name}"
        if isinstance(v, (list, tuple)):
            inner = ", ".join(show(x) for x in v)
            return f"[{inner}]" if isinstance(v, list) else f"({inner}{',' if len(v) == 1 else ''})"
        if isinstance(v, torch.dtype):
            return dtype_name(v)
        return repr(v)

    parts = [show(a) for a in node.args]
    parts += [f"{k}={show(v)}" for k, v in node.kwargs.items()]
    return "(" + ", ".join(parts) + ")"
