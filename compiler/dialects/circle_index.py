"""Circle builtins of the indexing family: ARG_MAX, ARG_MIN, TILE, GATHER_ND.

Kept out of `circle.py` so the family stays one file; `circle.py` imports these classes
and lists them in `CIRCLE_OPS` (and they are re-exported as `circle.ArgMaxOp`, ...).

Quantization: TILE and GATHER_ND move elements, so a quantized result has the
params' qparams (`SameScale`); ARG_MAX/ARG_MIN compare the stored integers (the order of
quantized values is the order of their reals, the scale being positive) and produce
integer indices, never quantized. Index, multiples and axis operands are integer
tensors (`NonQuantizedOperands`).
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import IntegerType, StringAttr, TensorType
from xdsl.irdl import irdl_op_definition, operand_def, prop_def, result_def
from xdsl.utils.exceptions import VerifyException

from compiler.dialects.circle_base import CircleOp, circle_traits, shape_of
from compiler.ir.quant_traits import NonQuantizedOperands, SameScale
from compiler.ir.quant_types import is_quantized
from compiler.ir.float_ranges import PassesInfinity
from compiler.ir.runtime_traits import EVERY, LITERT, ONERT, miscomputes, refuses

_ARG_I16 = "Unknown input type: 7, only float32, int types and bool are supported"

#: ArgMax/ArgMinOptions.output_type (a schema TensorType) -> integer width of the result
ARG_OUTPUT_TYPES = {"INT32": 32, "INT64": 64}


def _integer_width(v) -> int | None:
    et = v.type.element_type if isinstance(v.type, TensorType) else None
    return et.width.data if isinstance(et, IntegerType) and not is_quantized(v.type) else None


class _ArgOp(CircleOp):
    """ARG_MAX / ARG_MIN: operands (input, axis: i32/i64 with one element); the result
    is `input` without that axis, holding int32 or int64 indices (`output_type`)."""

    input = operand_def(TensorType)
    axis = operand_def(TensorType)
    output = result_def(TensorType)
    output_type = prop_def(StringAttr, default_value=StringAttr("INT64"))
    traits = circle_traits(NonQuantizedOperands((1,)))

    def verify_circle(self) -> None:
        kind = self.output_type.data
        if kind not in ARG_OUTPUT_TYPES:
            raise VerifyException(
                f"{self.name}: output_type must be one of INT32, INT64; got '{kind}'")
        width = _integer_width(self.output)
        if width != ARG_OUTPUT_TYPES[kind]:
            raise VerifyException(
                f"{self.name}: result must be an i{ARG_OUTPUT_TYPES[kind]} tensor "
                f"(output_type {kind}), got {self.output.type}")
        if _integer_width(self.axis) not in (32, 64) or len(
                [d for d in shape_of(self.axis) if d != 1]) or len(shape_of(self.axis)) > 1:
            raise VerifyException(f"{self.name}: axis must be one i32 or i64 element")
        rank = len(shape_of(self.input))
        if len(shape_of(self.output)) != rank - 1:
            raise VerifyException(
                f"{self.name}: result rank must be the input rank minus one ({rank - 1})")


@irdl_op_definition
class ArgMaxOp(_ArgOp):
    """ARG_MAX along `axis`: the index of the first largest element."""

    name = "circle.arg_max"
    BUILTIN: ClassVar[str] = "ARG_MAX"
    traits = circle_traits(
        NonQuantizedOperands((1,)),
        refuses(LITERT, "i16", _ARG_I16),
        miscomputes(ONERT, "i8", "returns wrong indices for int8 inputs"),
    )
    OPTIONS: ClassVar[str] = "ArgMaxOptions"


@irdl_op_definition
class ArgMinOp(_ArgOp):
    """ARG_MIN along `axis`: the index of the first smallest element."""

    name = "circle.arg_min"
    BUILTIN: ClassVar[str] = "ARG_MIN"
    traits = circle_traits(
        NonQuantizedOperands((1,)),
        refuses(LITERT, "i16", _ARG_I16),
        miscomputes(ONERT, "i8", "returns wrong indices for int8 inputs"),
    )
    OPTIONS: ClassVar[str] = "ArgMinOptions"


@irdl_op_definition
class TileOp(CircleOp):
    """TILE: `input` repeated `multiples[i]` times along each dimension i
    (multiples: i32/i64, one per input dimension)."""

    name = "circle.tile"
    BUILTIN: ClassVar[str] = "TILE"
    OPTIONS: ClassVar[str] = "TileOptions"
    input = operand_def(TensorType)
    multiples = operand_def(TensorType)
    output = result_def(TensorType)
    traits = circle_traits(
        PassesInfinity(),
        SameScale(),
        NonQuantizedOperands((1,)),
        refuses(ONERT, ("u8", "i8"), "NYI (at run time)"),
    )

    def verify_circle(self) -> None:
        rank = len(shape_of(self.input))
        if shape_of(self.multiples) != (rank,):
            raise VerifyException(
                f"{self.name}: multiples must have one entry per input dimension ({rank})")
        if len(shape_of(self.output)) != rank:
            raise VerifyException(f"{self.name}: result rank must be the input rank ({rank})")


@irdl_op_definition
class GatherNdOp(CircleOp):
    """GATHER_ND: `indices` [..., k] holds coordinates into the first k dimensions of
    `params`; the result is indices.shape[:-1] + params.shape[k:]."""

    name = "circle.gather_nd"
    BUILTIN: ClassVar[str] = "GATHER_ND"
    OPTIONS: ClassVar[str] = "GatherNdOptions"
    params = operand_def(TensorType)
    indices = operand_def(TensorType)
    output = result_def(TensorType)
    traits = circle_traits(
        PassesInfinity(),
        SameScale(),
        NonQuantizedOperands((1,)),
        refuses(ONERT, EVERY, "Unsupported operation: GATHER_ND"),
    )

    def verify_circle(self) -> None:
        p, i = shape_of(self.params), shape_of(self.indices)
        if _integer_width(self.indices) not in (16, 32, 64):
            raise VerifyException(f"{self.name}: indices must be an i16, i32 or i64 tensor")
        if not i or not 1 <= i[-1] <= len(p):
            raise VerifyException(
                f"{self.name}: the last indices dimension must be in [1, {len(p)}]")
        want = tuple(i[:-1]) + tuple(p[i[-1]:])
        if shape_of(self.output) != want:
            raise VerifyException(
                f"{self.name}: result shape must be {list(want)}, got "
                f"{list(shape_of(self.output))}")


#: the family's ops, appended to `circle.CIRCLE_OPS`
INDEX_OPS = [ArgMaxOp, ArgMinOp, TileOp, GatherNdOp]
