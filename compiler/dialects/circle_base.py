"""Building blocks of the `circle` dialect: the op base class, option properties, constants.

Every circle op names the Circle `BuiltinOperator` it becomes (`BUILTIN`) and the
builtin options table that holds its properties (`OPTIONS`); what the runtimes do with it
(refuse, miscompute) is declared in its traits (`compiler.ir.runtime_traits`). Property
names are the snake_case spelling of the schema's option fields (`stride_w` is `Conv2DOptions.stride_w`),
so the flatbuffer writer and reader map them without a per-op table. Enumerated options
(`padding`, `fused_activation_function`, `weights_format`) are strings holding the
schema's enumerator names.

Also the bases that several op-family modules share: broadcasting binary ops, same-shape
(unary) ops, reductions, and `elementwise_traits`.
"""

from __future__ import annotations

import functools
from typing import ClassVar

from xdsl.dialects.builtin import (
    BoolAttr,
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    NoneType,
    StringAttr,
    TensorType,
    f32,
    i32,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import ConstantLike, Pure
from xdsl.utils.exceptions import VerifyException

from compiler.dialects.quant import (
    parse_constant_body,
    print_constant_body,
    verify_constant_payload,
)
from compiler.ir.construct import build_op
from compiler.ir.layout_traits import Elementwise
from compiler.ir.verify_tensors import VerifyQuantizedTensors

#: Enumerated options: property name -> allowed values (the schema's enumerators).
ENUM_OPTIONS: dict[str, tuple[str, ...]] = {
    "fused_activation_function": ("NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"),
    "padding": ("SAME", "VALID"),
    "weights_format": ("DEFAULT", "SHUFFLED4x16INT8"),
    # indexing family: ArgMax/ArgMinOptions.output_type (the index result's type)
    "output_type": ("INT32", "INT64"),
}


#: integer options that are sizes, strides or counts
POSITIVE_OPTIONS = frozenset({
    "stride_w", "stride_h", "dilation_w_factor", "dilation_h_factor", "filter_width",
    "filter_height", "depth_multiplier", "num_splits",
})


def act_prop():
    """`fused_activation_function`, default "NONE"."""
    return prop_def(StringAttr, default_value=StringAttr("NONE"))


def padding_prop():
    return enum_prop("VALID")


def enum_prop(default: str):
    """A string option holding one of the schema enumerator names (see ENUM_OPTIONS)."""
    return prop_def(StringAttr, default_value=StringAttr(default))


def i32_prop(default: int | None = None):
    if default is None:
        return prop_def(IntegerAttr)
    return prop_def(IntegerAttr, default_value=IntegerAttr(default, i32))


def bool_prop(default: bool = False):
    return prop_def(BoolAttr, default_value=BoolAttr.from_bool(default))


def f32_prop(default: float | None = None):
    if default is None:
        return prop_def(FloatAttr)
    return prop_def(FloatAttr, default_value=FloatAttr(default, f32))


def opt_i32_prop():
    return opt_prop_def(IntegerAttr)


class CircleOp(IRDLOperation):
    """Base of all `circle.*` ops: generic readable syntax and option checks.

    Syntax: `%r = circle.op %a, %b {option = value} : (T_a, T_b) -> T_r`.
    Options equal to their default are not printed.
    """

    BUILTIN: ClassVar[str | None] = None  # Circle BuiltinOperator name, e.g. "CONV_2D"
    OPTIONS: ClassVar[str | None] = None  # builtin options table, e.g. "Conv2DOptions"

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "operands attr-dict `:` functional-type(operands, results)"

    def verify_(self) -> None:
        for name, value in self.properties.items():
            # Circle's integer options are int32; sizes and strides are positive
            if isinstance(value, IntegerAttr) and (
                isinstance(value.type, IntegerType) and value.type.width.data != 1  # not bool
            ):
                if value.type != i32:
                    raise VerifyException(f"{self.name}: option {name} must be an i32")
                if name in POSITIVE_OPTIONS and value.value.data < 1:
                    raise VerifyException(
                        f"{self.name}: option {name} must be at least 1, got {value.value.data}")
        for name, allowed in ENUM_OPTIONS.items():
            value = self.properties.get(name)
            if isinstance(value, StringAttr) and value.data not in allowed:
                raise VerifyException(
                    f"{self.name}: {name} must be one of {', '.join(allowed)}; "
                    f"got '{value.data}'"
                )
        self.verify_circle()

    def verify_circle(self) -> None:
        """Op-specific checks; override in subclasses."""

    @classmethod
    def from_options(
        cls,
        operands: list[SSAValue],
        result_types: list[Attribute],
        **options: int | float | str | bool,
    ):
        """Create the op from Python option values (`stride_w=1, padding="SAME"`)."""
        return build_op(cls, operands, result_types,
                        {k: option_attribute(v) for k, v in options.items()})

    # Option accessors used by passes and the writer.
    def option(self, name: str) -> int | float | str | bool | None:
        attr = self.properties.get(name)
        if attr is None:
            return None
        return attribute_value(attr)


def attribute_value(attr: Attribute):
    """The Python value of an option attribute."""
    if isinstance(attr, StringAttr):
        return attr.data
    if isinstance(attr, IntegerAttr):
        if isinstance(attr.type, IntegerType) and attr.type.width.data == 1:
            return bool(attr.value.data)
        return attr.value.data
    if isinstance(attr, FloatAttr):
        return attr.value.data
    raise TypeError(f"unsupported option attribute {attr}")


def option_attribute(value: int | float | str | bool) -> Attribute:
    """The attribute of a Python option value: str, bool, i32 or f32."""
    if type(value) in (str, bool, int):
        return _exact_option_attribute(type(value), value)
    return _option_attribute(value)


@functools.lru_cache(maxsize=1024)
def _exact_option_attribute(kind: type, value: int | str | bool) -> Attribute:
    # One attribute per distinct option value (attributes are immutable): the type is in
    # the key since True == 1. Floats are not shared here (-0.0 == 0.0).
    return _option_attribute(value)


def _option_attribute(value: int | float | str | bool) -> Attribute:
    if isinstance(value, str):
        return StringAttr(value)
    if isinstance(value, bool):
        return BoolAttr.from_bool(value)
    if isinstance(value, int):
        return IntegerAttr(value, i32)
    if isinstance(value, float):
        return FloatAttr(value, f32)
    raise TypeError(f"unsupported option value {value!r}")


def circle_traits(*extra):
    return traits_def(Pure(), VerifyQuantizedTensors(), *extra)


def shape_of(v: SSAValue) -> tuple[int, ...]:
    t = v.type
    if not isinstance(t, TensorType):
        raise VerifyException(f"expected a tensor, got {t}")
    return t.get_shape()


def expect_rank(op: Operation, v: SSAValue, rank: int, what: str) -> tuple[int, ...]:
    shape = shape_of(v)
    if len(shape) != rank:
        raise VerifyException(f"{op.name}: {what} must have rank {rank}, got {list(shape)}")
    return shape


def is_none(v: SSAValue) -> bool:
    return isinstance(v.type, NoneType)


# ---- bases shared by the op families (circle.py, circle_activation.py, circle_compare.py)


def elementwise_traits(*extra):
    return circle_traits(Elementwise(), *extra)


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    """NumPy broadcasting of two shapes; -1 for a dimension that is dynamic on either
    side; None when they do not broadcast."""
    rank = max(len(a), len(b))
    a = (1,) * (rank - len(a)) + a
    b = (1,) * (rank - len(b)) + b
    out = []
    for x, y in zip(a, b):
        if x < 0 or y < 0:
            out.append(-1)
        elif x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            return None
    return tuple(out)


def _matches(expected: tuple[int, ...], actual: tuple[int, ...]) -> bool:
    """Shapes equal, a dynamic dimension (-1 or `?`) matching anything."""
    return len(expected) == len(actual) and all(
        e == a or e < 0 or a < 0 for e, a in zip(expected, actual))


class _BinaryOp(CircleOp):
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    output = result_def(TensorType)

    def verify_circle(self) -> None:
        a, b = shape_of(self.lhs), shape_of(self.rhs)
        out = _broadcast(a, b)
        if out is None or not _matches(out, shape_of(self.output)):
            raise VerifyException(
                f"{self.name}: shapes {list(a)} and {list(b)} do not broadcast to "
                f"{list(shape_of(self.output))}"
            )


class _SameShapeOp(CircleOp):
    """One operand, a result of the same shape."""

    input = operand_def(TensorType)
    output = result_def(TensorType)

    def verify_circle(self) -> None:
        if shape_of(self.input) != shape_of(self.output):
            raise VerifyException(
                f"{self.name}: result shape {list(shape_of(self.output))} differs from "
                f"input shape {list(shape_of(self.input))}"
            )


class _UnaryOp(_SameShapeOp):
    """An element-wise unary op."""

    traits = elementwise_traits()


class _ReduceOp(CircleOp):
    OPTIONS: ClassVar[str] = "ReducerOptions"
    input = operand_def(TensorType)
    axis = operand_def(TensorType)
    output = result_def(TensorType)
    keep_dims = bool_prop(False)


@irdl_op_definition
class ConstOp(IRDLOperation):
    """A constant tensor (a Circle buffer). Float and integer payloads have the payload's
    type; quantized constants hold storage integers and a quantized result type:

        %c = circle.const dense<[1, 2]> : tensor<2xi32>
        %w = circle.const dense<[1, -2]> : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.1>>
    """

    name = "circle.const"
    value = prop_def(DenseIntOrFPElementsAttr)
    output = result_def(TensorType)
    traits = traits_def(Pure(), ConstantLike(), VerifyQuantizedTensors())

    def __init__(self, value: DenseIntOrFPElementsAttr, result_type: Attribute | None = None):
        # What IRDL's builder builds for this definition (no operands, one result, one
        # property), without its generic normalization (compiler.ir.construct)
        Operation.__init__(
            self, properties={"value": value}, result_types=[result_type or value.type]
        )

    def verify_(self) -> None:
        verify_constant_payload(self.value, self.output.type, self.name)

    def print(self, printer: Printer) -> None:
        print_constant_body(printer, self.value, self.output.type, self.attributes)

    @classmethod
    def parse(cls, parser: Parser) -> ConstOp:
        value, result, attrs = parse_constant_body(parser)
        op = cls(value, result)
        op.attributes |= attrs
        return op


@irdl_op_definition
class NoValueOp(IRDLOperation):
    """An absent optional operand (Circle tensor index -1), e.g. a conv without bias.

        %none = circle.no_value : none
    """

    name = "circle.no_value"
    output = result_def(NoneType)
    traits = traits_def(Pure(), ConstantLike())
    assembly_format = "attr-dict `:` type($output)"

    def __init__(self):
        super().__init__(result_types=[NoneType()])


__all__ = [
    "CircleOp",
    "ConstOp",
    "ENUM_OPTIONS",
    "NoValueOp",
    "act_prop",
    "attribute_value",
    "bool_prop",
    "circle_traits",
    "elementwise_traits",
    "expect_rank",
    "enum_prop",
    "f32_prop",
    "i32_prop",
    "is_none",
    "opt_i32_prop",
    "option_attribute",
    "padding_prop",
    "shape_of",
]
