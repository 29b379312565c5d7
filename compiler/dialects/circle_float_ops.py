"""Circle builtins that the runtimes only run in float: SIN, COS, ROUND, FLOOR, POW, CONV_3D.

LiteRT's kernels for these accept float32 only (elementwise.cc: Sin/Cos; round.cc;
conv3d.cc; floor.cc), and onert has no quantized kernel for them either (their `Refuses`
traits, `compiler.ir.runtime_traits.float_only`). A quantized model keeps
them float between DEQUANTIZE and QUANTIZE when compiled with `allow-float` (see
`compiler.frontend.float_ops`); the verifiers below therefore refuse quantized tensors,
so that no pass can produce a model no runtime runs.

Layouts are TFLite's: CONV_3D takes an NDHWC input and a DHWIO filter
([depth, height, width, in channels, out channels], unlike CONV_2D's OHWI), an optional
bias [O] and no groups.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import NoneType, TensorType
from xdsl.irdl import irdl_op_definition, operand_def, result_def
from xdsl.utils.exceptions import VerifyException

from compiler.dialects.circle_base import (
    CircleOp,
    _BinaryOp,
    act_prop,
    circle_traits,
    expect_rank,
    i32_prop,
    is_none,
    padding_prop,
    shape_of,
)
from compiler.ir.layout_traits import Elementwise
from compiler.ir.quant_types import is_quantized
from compiler.ir.float_ranges import (
    YieldsNaN,
    infinite_operand,
    negative_operand,
    WEIGHTED_SUM_BOUND,
    bounded_by,
    PassesInfinity,
    YieldsInfinity,
)
from compiler.ir.runtime_traits import (
    EVERY,
    LITERT,
    LITERT_OPTIMIZED,
    LITERT_REF,
    LITERT_XNNPACK,
    ONERT,
    float32_only,
    refuses,
    tolerance,
)

#: The runtimes' float SIN and COS kernels against numpy's float32 (the interpreter),
#: measured on the op cases sin, cos (allow-float): 1 ulp, XNNPACK's 2 ulp.
_TRIG_TOLERANCES = (
    tolerance(ONERT, "f32", 1, "float kernel differs from numpy's float32 by an ulp"),
    tolerance(LITERT, "f32", 1, "float kernel differs from numpy's float32 by an ulp",
              LITERT_REF | LITERT_OPTIMIZED),
    tolerance(LITERT, "f32", 2, "float kernel (XNNPACK) differs from numpy's float32",
              LITERT_XNNPACK),
)


def _refuse_quantized(op: CircleOp) -> None:
    for what, v in [*(("operand", o) for o in op.operands), *(("result", r) for r in op.results)]:
        if isinstance(v.type, TensorType) and is_quantized(v.type):
            raise VerifyException(
                f"{op.name}: {what} is quantized ({v.type}), but {op.BUILTIN} has float "
                "kernels only (keep it float with allow-float)"
            )


class _FloatUnaryOp(CircleOp):
    """An element-wise unary op with float kernels only."""

    input = operand_def(TensorType)
    output = result_def(TensorType)
    traits = circle_traits(Elementwise())

    def verify_circle(self) -> None:
        if shape_of(self.input) != shape_of(self.output):
            raise VerifyException(
                f"{self.name}: result shape {list(shape_of(self.output))} differs from "
                f"input shape {list(shape_of(self.input))}"
            )
        _refuse_quantized(self)


@irdl_op_definition
class SinOp(_FloatUnaryOp):
    """SIN: element-wise sine (float32 only)."""

    name = "circle.sin"
    BUILTIN: ClassVar[str] = "SIN"
    traits = circle_traits(YieldsNaN(infinite_operand), bounded_by(1.0), Elementwise(), *float32_only("SIN"), *_TRIG_TOLERANCES)


@irdl_op_definition
class CosOp(_FloatUnaryOp):
    """COS: element-wise cosine (float32 only)."""

    name = "circle.cos"
    BUILTIN: ClassVar[str] = "COS"
    traits = circle_traits(YieldsNaN(infinite_operand), bounded_by(1.0), Elementwise(), *float32_only("COS"), *_TRIG_TOLERANCES)


@irdl_op_definition
class RoundOp(_FloatUnaryOp):
    """ROUND: element-wise round half to even, like torch.round (float32 only)."""

    name = "circle.round"
    BUILTIN: ClassVar[str] = "ROUND"
    traits = circle_traits(PassesInfinity(), Elementwise(), *float32_only("ROUND"))


@irdl_op_definition
class FloorOp(_FloatUnaryOp):
    """FLOOR: element-wise round toward -inf, like torch.floor (float32 only)."""

    name = "circle.floor"
    BUILTIN: ClassVar[str] = "FLOOR"
    traits = circle_traits(PassesInfinity(), Elementwise(), *float32_only("FLOOR"))


@irdl_op_definition
class PowOp(_BinaryOp):
    """POW: x ** y element-wise, y broadcast against x (float32 only). A negative base
    with a non-integer exponent is NaN, as in torch."""

    name = "circle.pow"
    BUILTIN: ClassVar[str] = "POW"
    OPTIONS: ClassVar[str] = "PowOptions"
    traits = circle_traits(YieldsNaN(infinite_operand), YieldsNaN(negative_operand), Elementwise(), YieldsInfinity(), *float32_only("POW"))

    def verify_circle(self) -> None:
        super().verify_circle()
        _refuse_quantized(self)


@irdl_op_definition
class Conv3DOp(CircleOp):
    """CONV_3D: NDHWC input, DHWIO filter, optional bias [O]; no groups (float only)."""

    name = "circle.conv_3d"
    BUILTIN: ClassVar[str] = "CONV_3D"
    OPTIONS: ClassVar[str] = "Conv3DOptions"
    input = operand_def(TensorType)
    filter = operand_def(TensorType)
    bias = operand_def(TensorType | NoneType)
    output = result_def(TensorType)
    padding = padding_prop()
    stride_d = i32_prop(1)
    stride_w = i32_prop(1)
    stride_h = i32_prop(1)
    fused_activation_function = act_prop()
    dilation_d_factor = i32_prop(1)
    dilation_w_factor = i32_prop(1)
    dilation_h_factor = i32_prop(1)
    traits = circle_traits(YieldsNaN(infinite_operand), WEIGHTED_SUM_BOUND, 
        PassesInfinity(),
        *float32_only("CONV_3D"),
        refuses(ONERT, EVERY, "Unsupported operation: CONV_3D"),
        # measured on the op cases conv3d_*: up to 3 ulp with every resolver
        tolerance(LITERT, "f32", 3, "float kernel accumulates in another order than "
                  "numpy's float32", LITERT_REF | LITERT_OPTIMIZED | LITERT_XNNPACK),
    )

    def verify_circle(self) -> None:
        for name in ("stride_d", "dilation_d_factor"):  # not in POSITIVE_OPTIONS
            if self.option(name) < 1:
                raise VerifyException(f"{self.name}: option {name} must be at least 1")
        n, _, _, _, c = expect_rank(self, self.input, 5, "input")
        _, _, _, i, o = expect_rank(self, self.filter, 5, "filter")
        if c != i:
            raise VerifyException(
                f"{self.name}: input channels {c} differ from the filter's {i} "
                "(CONV_3D has no groups)"
            )
        out = expect_rank(self, self.output, 5, "output")
        if out[0] != n or out[4] != o:
            raise VerifyException(
                f"{self.name}: output shape {list(out)} does not match batch {n} and "
                f"{o} filters"
            )
        if not is_none(self.bias) and shape_of(self.bias) != (o,):
            raise VerifyException(
                f"{self.name}: bias must have shape [{o}], got {list(shape_of(self.bias))}"
            )
        _refuse_quantized(self)


FLOAT_ONLY_OPS = [SinOp, CosOp, RoundOp, FloorOp, PowOp, Conv3DOp]
