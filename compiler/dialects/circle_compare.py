"""Circle builtins of the comparison family: comparisons, logic, select.

EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS, LESS_EQUAL (broadcasting, boolean
result), LOGICAL_AND, LOGICAL_OR, LOGICAL_NOT (boolean tensors), SELECT_V2 and
REDUCE_ANY. Kept out of `circle.py` so the family stays one file; `circle.py` imports
these classes, lists them in `CIRCLE_OPS` and re-exports them (`circle.EqualOp`, ...).

Booleans are `i1` tensors, never quantized. Quantized comparison operands are compared
as the reals they stand for (see `_ComparisonOp`); SELECT_V2 copies elements, so its
quantized x, y and result share one scale and zero point (`SameScale`).
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import TensorType
from xdsl.irdl import irdl_op_definition, operand_def, result_def
from xdsl.utils.exceptions import VerifyException

from compiler.dialects.circle_base import (
    CircleOp,
    _BinaryOp,
    _broadcast,
    _matches,
    _ReduceOp,
    _SameShapeOp,
    circle_traits,
    elementwise_traits,
    shape_of,
)
from compiler.ir.quant_traits import NonQuantizedOperands, SameScale
from compiler.ir.quant_types import is_quantized
from compiler.ir.float_ranges import PassesInfinity
from compiler.ir.runtime_traits import ONERT, DataOperand, refuses


def _is_bool(v) -> bool:
    from xdsl.dialects.builtin import IntegerType

    et = v.type.element_type if isinstance(v.type, TensorType) else None
    return isinstance(et, IntegerType) and et.width.data == 1


def _expect_bool(op: CircleOp, v, what: str) -> None:
    if not _is_bool(v):
        raise VerifyException(f"{op.name}: {what} must be a boolean (i1) tensor, got {v.type}")


class _ComparisonOp(_BinaryOp):
    """A broadcasting comparison: operands of one element type, a boolean result.

    Quantized operands are compared as the real values they stand for: TFLite's uint8/
    int8 kernels rescale both operands (input offsets, a left shift of 8, one multiplier
    per operand), so their parameters may differ; its int16 kernels compare the raw
    integers, so int16 operands must share their scale and zero point.

    Not `Elementwise` (nor the logical ops): a layout transpose sunk through a
    comparison would end up on its boolean result, and onert has no boolean TRANSPOSE.
    """

    traits = circle_traits()

    def verify_circle(self) -> None:
        super().verify_circle()
        _expect_bool(self, self.output, "the result")
        a, b = self.lhs.type.element_type, self.rhs.type.element_type
        qa, qb = is_quantized(self.lhs.type), is_quantized(self.rhs.type)
        if qa != qb or (not qa and a != b) or (
                qa and a.storage_spelling != b.storage_spelling):
            raise VerifyException(
                f"{self.name}: operands must have the same element type, got {a} and {b}")
        if qa and a.storage_spelling == "i16" and (
                a.scale != b.scale or a.zero_point != b.zero_point):
            raise VerifyException(
                f"{self.name}: int16 operands must share scale and zero point (TFLite "
                f"compares their raw integers), got {a} and {b}")


@irdl_op_definition
class EqualOp(_ComparisonOp):
    """EQUAL: lhs == rhs, broadcasting, boolean result."""

    name = "circle.equal"
    BUILTIN: ClassVar[str] = "EQUAL"
    OPTIONS: ClassVar[str] = "EqualOptions"


@irdl_op_definition
class NotEqualOp(_ComparisonOp):
    """NOT_EQUAL: lhs != rhs, broadcasting, boolean result."""

    name = "circle.not_equal"
    BUILTIN: ClassVar[str] = "NOT_EQUAL"
    OPTIONS: ClassVar[str] = "NotEqualOptions"


@irdl_op_definition
class GreaterOp(_ComparisonOp):
    """GREATER: lhs > rhs, broadcasting, boolean result."""

    name = "circle.greater"
    BUILTIN: ClassVar[str] = "GREATER"
    OPTIONS: ClassVar[str] = "GreaterOptions"


@irdl_op_definition
class GreaterEqualOp(_ComparisonOp):
    """GREATER_EQUAL: lhs >= rhs, broadcasting, boolean result."""

    name = "circle.greater_equal"
    BUILTIN: ClassVar[str] = "GREATER_EQUAL"
    OPTIONS: ClassVar[str] = "GreaterEqualOptions"


@irdl_op_definition
class LessOp(_ComparisonOp):
    """LESS: lhs < rhs, broadcasting, boolean result."""

    name = "circle.less"
    BUILTIN: ClassVar[str] = "LESS"
    OPTIONS: ClassVar[str] = "LessOptions"


@irdl_op_definition
class LessEqualOp(_ComparisonOp):
    """LESS_EQUAL: lhs <= rhs, broadcasting, boolean result."""

    name = "circle.less_equal"
    BUILTIN: ClassVar[str] = "LESS_EQUAL"
    OPTIONS: ClassVar[str] = "LessEqualOptions"


class _LogicalBinaryOp(_BinaryOp):
    traits = circle_traits()  # not Elementwise: see _ComparisonOp

    def verify_circle(self) -> None:
        super().verify_circle()
        for v, what in ((self.lhs, "lhs"), (self.rhs, "rhs"), (self.output, "the result")):
            _expect_bool(self, v, what)


@irdl_op_definition
class LogicalAndOp(_LogicalBinaryOp):
    """LOGICAL_AND of boolean tensors, broadcasting."""

    name = "circle.logical_and"
    BUILTIN: ClassVar[str] = "LOGICAL_AND"
    OPTIONS: ClassVar[str] = "LogicalAndOptions"


@irdl_op_definition
class LogicalOrOp(_LogicalBinaryOp):
    """LOGICAL_OR of boolean tensors, broadcasting."""

    name = "circle.logical_or"
    BUILTIN: ClassVar[str] = "LOGICAL_OR"
    OPTIONS: ClassVar[str] = "LogicalOrOptions"


@irdl_op_definition
class LogicalNotOp(_SameShapeOp):
    """LOGICAL_NOT of a boolean tensor."""

    name = "circle.logical_not"
    BUILTIN: ClassVar[str] = "LOGICAL_NOT"
    OPTIONS: ClassVar[str] = "LogicalNotOptions"
    traits = circle_traits()  # not Elementwise: see _ComparisonOp

    def verify_circle(self) -> None:
        super().verify_circle()
        _expect_bool(self, self.input, "the input")
        _expect_bool(self, self.output, "the result")


@irdl_op_definition
class SelectV2Op(CircleOp):
    """SELECT_V2: `condition ? x : y` element-wise, all three broadcasting together.

    The kernel copies elements without rescaling: quantized x, y and the result share
    one scale and zero point."""

    name = "circle.select_v2"
    BUILTIN: ClassVar[str] = "SELECT_V2"
    OPTIONS: ClassVar[str] = "SelectV2Options"
    condition = operand_def(TensorType)
    x = operand_def(TensorType)
    y = operand_def(TensorType)
    output = result_def(TensorType)
    traits = elementwise_traits(
        SameScale((1, 2)),
        NonQuantizedOperands((0,)),
        refuses(ONERT, ("u8", "i8"), "Select: unsupported data type"),
        DataOperand(1),
        PassesInfinity(),
    )

    def verify_circle(self) -> None:
        _expect_bool(self, self.condition, "the condition")
        c, x, y = shape_of(self.condition), shape_of(self.x), shape_of(self.y)
        xy = _broadcast(x, y)
        out = _broadcast(c, xy) if xy is not None else None
        if out is None or not _matches(out, shape_of(self.output)):
            raise VerifyException(
                f"{self.name}: shapes {list(c)}, {list(x)} and {list(y)} do not broadcast "
                f"to {list(shape_of(self.output))}")
        ex, ey, eo = (v.type.element_type for v in (self.x, self.y, self.output))
        if not ex == ey == eo and not (is_quantized(self.x.type) and is_quantized(
                self.y.type) and is_quantized(self.output.type)):
            raise VerifyException(
                f"{self.name}: x, y and the result must have one element type, got "
                f"{ex}, {ey} and {eo}")


@irdl_op_definition
class ReduceAnyOp(_ReduceOp):
    """REDUCE_ANY: logical or of a boolean tensor over the axes in `axis` (i32[k])."""

    name = "circle.reduce_any"
    BUILTIN: ClassVar[str] = "REDUCE_ANY"
    traits = circle_traits(NonQuantizedOperands((1,)))

    def verify_circle(self) -> None:
        _expect_bool(self, self.input, "the input")
        _expect_bool(self, self.output, "the result")
