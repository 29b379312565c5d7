"""Circle op properties <-> builtin options tables, generically.

A circle op names its options table in `OPTIONS` (e.g. "Conv2DOptions"); each property
is the snake_case spelling of a field of that table (`stride_w` <-> `Conv2DOptionsT.strideW`).
Enumerated fields (`padding`, `fused_activation_function`, `weights_format`) are
enumerator-name strings in the IR and integers in the file. Nothing here is per-op,
except the one table below of schema fields the dialect deliberately does not model.

Guarantees:
- the writer writes every property of the op and leaves every other field of the table at
  its schema default;
- the reader refuses (rather than drops) any field whose value the op cannot represent,
  except the redundant fields listed in `REDUNDANT_FIELDS`, which it checks for consistency.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.dialects.builtin import TensorType
from xdsl.ir import Attribute

from compiler.codegen.schema import (
    ENUM_FIELDS,
    OPTIONS_NAMES,
    OPTIONS_TAGS,
    options_class,
    snake_to_camel,
)
from compiler.dialects.circle_base import CircleOp, attribute_value, option_attribute
from compiler.ir.diagnostics import CompileError, error_at


def _new_shape_matches_output(value, results: list[TensorType]) -> str | None:
    """`ReshapeOptions.new_shape` repeats the shape operand (TFLite's converter writes
    both); the dialect keeps only the operand. Accept it when it agrees with the result."""
    if value is None or len(value) == 0:
        return None
    shape = list(results[0].get_shape()) if results else []
    given = [int(d) for d in value]
    if len(given) == len(shape) and all(g in (d, -1) for g, d in zip(given, shape)):
        return None
    return f"new_shape {given} disagrees with the result shape {shape}"


#: (options table, object-API field) -> check of a field the dialect does not model because
#: the same information is carried elsewhere. The check returns an error or None.
REDUNDANT_FIELDS: dict[tuple[str, str], Callable[[object, list[TensorType]], str | None]] = {
    ("ReshapeOptions", "newShape"): _new_shape_matches_output,
}


def property_names(op_class: type[CircleOp]) -> list[str]:
    return list(op_class.get_irdl_definition().properties)


def options_to_table(op: CircleOp) -> tuple[int, object | None]:
    """The (BuiltinOptions union tag, `<Options>T` object) of `op`; (0, None) without one."""
    table = op.OPTIONS
    if table is None:
        return 0, None
    if table not in OPTIONS_TAGS:
        raise error_at(op, f"options table '{table}' is not in the Circle schema")
    obj = options_class(table)()
    for name in property_names(type(op)):
        attr = op.properties.get(name)
        if attr is None:
            continue
        field = snake_to_camel(name)
        if not hasattr(obj, field):
            raise error_at(op, f"property '{name}' is not a field of {table}")
        value = attribute_value(attr)
        if name in ENUM_FIELDS:
            try:
                value = ENUM_FIELDS[name][value]
            except KeyError:
                raise error_at(op, f"{name} '{value}' is not an enumerator of the schema") from None
        setattr(obj, field, value)
    return OPTIONS_TAGS[table], obj


def table_to_properties(
    op_class: type[CircleOp],
    tag: int,
    obj: object | None,
    results: list[Attribute],
    where: str,
) -> dict[str, Attribute]:
    """The properties of a `op_class` op read from a file's options (`tag`, `obj`).

    `where` names the operator in error messages. A missing table means the schema
    defaults of the op's table (that is what the file says).
    """
    table = op_class.OPTIONS
    expected_tag = OPTIONS_TAGS.get(table, 0) if table else 0
    if tag not in (0, expected_tag):
        # Some writers attach an empty table even where the dialect has none
        # (QuantizeOptions, HardSwishOptions...): fine when it carries nothing.
        other = OPTIONS_NAMES.get(tag, f"#{tag}")
        if table is None and obj is not None and _all_default(other, obj):
            return {}
        raise CompileError(f"{where}: unexpected builtin options {other} (expected {table})")
    if table is None:
        return {}
    default_of = options_class(table)()
    if obj is None:
        obj = default_of
    props: dict[str, Attribute] = {}
    modeled = set()
    for name in property_names(op_class):
        field = snake_to_camel(name)
        modeled.add(field)
        value = getattr(obj, field)
        if name in ENUM_FIELDS:
            names = {v: k for k, v in ENUM_FIELDS[name].items()}
            if value not in names:
                raise CompileError(f"{where}: {name} value {value} is not in the schema")
            value = names[value]
        props[name] = option_attribute(value)
    for field, value in vars(obj).items():
        if field in modeled:
            continue
        check = REDUNDANT_FIELDS.get((table, field))
        if check is not None:
            problem = check(value, [r for r in results if isinstance(r, TensorType)])
            if problem:
                raise CompileError(f"{where}: {problem}")
            continue
        if not _equal(value, getattr(default_of, field)):
            raise CompileError(
                f"{where}: {table}.{field} = {value!r} is not supported "
                f"(the circle dialect has no property for it)"
            )
    return props


def _equal(a, b) -> bool:
    """Field equality where an absent vector equals an empty one (numpy or list)."""

    def empty(x) -> bool:
        return x is None or (hasattr(x, "__len__") and len(x) == 0)

    if empty(a) or empty(b):
        return empty(a) and empty(b)
    if hasattr(a, "__len__"):
        return list(a) == list(b)
    return a == b


def _all_default(table: str, obj: object) -> bool:
    default = options_class(table)()
    return all(_equal(v, getattr(default, k)) for k, v in vars(obj).items())
