"""Circle builtins of the activation and element-wise math family.

LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, PRELU, HARD_SWISH, GELU, ELU,
EXP, LOG, SQRT, RSQRT, ABS, NEG, SOFTMAX, LOG_SOFTMAX: one input, a result of its
shape (PRELU's alpha broadcasts against the input). Kept out of `circle.py` so the
family stays one file; `circle.py` imports these classes, lists them in `CIRCLE_OPS`
and re-exports them (`circle.ReluOp`, ...).

Quantization: LOGISTIC, TANH, SOFTMAX and LOG_SOFTMAX have fixed output ranges
(`FixedOutputRange`); RELU, RELU6 and RELU_N1_TO_1 can be fused into their producer
(`FusableActivation`); the others requantize to their own output range.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import TensorType
from xdsl.irdl import irdl_op_definition, operand_def, result_def
from xdsl.utils.exceptions import VerifyException

from compiler.dialects.circle_base import (
    CircleOp,
    _broadcast,
    _matches,
    _SameShapeOp,
    _UnaryOp,
    bool_prop,
    circle_traits,
    elementwise_traits,
    f32_prop,
    shape_of,
)
from compiler.ir.quant_traits import (
    LOGISTIC_RANGE,
    SOFTMAX_RANGE,
    TANH_RANGE,
    FixedOutputRange,
    FusableActivation,
)
from compiler.ir.float_ranges import (
    scaled_infinity,
    FollowsSign,
    MayNegate,
    NonNegative,
    YieldsNaN,
    infinite_operand,
    negative_operand,
    LEAKY_RELU_BOUND,
    PRELU_BOUND,
    bounded_by,
    PassesInfinity,
    YieldsInfinity,
    quantized_rsqrt_of_zero,
)
from compiler.ir.runtime_traits import (
    EVERY,
    LITERT,
    LITERT_OPTIMIZED,
    LITERT_XNNPACK,
    ONERT,
    miscomputes,
    refuses,
    softmax16_shift_overflows,
    tolerance,
    xnnpack_rounding,
)

#: a standalone quantized RELU/RELU6 in onert
_FUSE_IT = ("onert has no quantized kernel for a standalone {builtin} (onert: "
            "\"ElementwiseActivationLayer(ReLU): unsupported data type\"; fuse it into the "
            "producer's fused_activation_function)")
_STANDALONE_RELU = refuses(ONERT, ("u8", "i8"),
                           "ElementwiseActivationLayer(ReLU): unsupported data type",
                           reason=_FUSE_IT)


@irdl_op_definition
class LogisticOp(_UnaryOp):
    """LOGISTIC: 1 / (1 + exp(-x)); quantized output fixed to 1/256 (1/32768 for i16)."""

    name = "circle.logistic"
    BUILTIN: ClassVar[str] = "LOGISTIC"
    traits = elementwise_traits(NonNegative(), bounded_by(1.0), 
        LOGISTIC_RANGE,
        refuses(ONERT, "i8", "ElementwiseActivationLayer(Logistic): unsupported data type"),
    )


@irdl_op_definition
class TanhOp(_UnaryOp):
    """TANH; quantized output fixed to 1/128 (zp 128 for u8; 1/32768 for i16)."""

    name = "circle.tanh"
    BUILTIN: ClassVar[str] = "TANH"
    traits = elementwise_traits(bounded_by(1.0), 
        TANH_RANGE,
        refuses(ONERT, "i8", "ElementwiseActivationLayer(Tanh): unsupported data type"),
    )


@irdl_op_definition
class ReluOp(_UnaryOp):
    """RELU: max(x, 0)."""

    name = "circle.relu"
    BUILTIN: ClassVar[str] = "RELU"
    traits = elementwise_traits(NonNegative(), 
        PassesInfinity(),
        FusableActivation("RELU"),
        _STANDALONE_RELU,
    )


@irdl_op_definition
class Relu6Op(_UnaryOp):
    """RELU6: min(max(x, 0), 6)."""

    name = "circle.relu6"
    BUILTIN: ClassVar[str] = "RELU6"
    traits = elementwise_traits(NonNegative(), bounded_by(6.0), 
        FusableActivation("RELU6"),
        _STANDALONE_RELU,
    )


@irdl_op_definition
class ReluN1To1Op(_UnaryOp):
    """RELU_N1_TO_1: min(max(x, -1), 1)."""

    name = "circle.relu_n1_to_1"
    BUILTIN: ClassVar[str] = "RELU_N1_TO_1"
    traits = elementwise_traits(bounded_by(1.0), FusableActivation("RELU_N1_TO_1"))


@irdl_op_definition
class LeakyReluOp(_UnaryOp):
    """LEAKY_RELU: x if x >= 0 else alpha * x."""

    name = "circle.leaky_relu"
    BUILTIN: ClassVar[str] = "LEAKY_RELU"
    traits = elementwise_traits(
        LEAKY_RELU_BOUND,
        PassesInfinity(),
        refuses(
            ONERT,
            ("u8", "i8"),
            "ElementwiseActivationLayer(LeakyReLU): unsupported data type",
        ),
        xnnpack_rounding(("i8", "u8")),
    )
    OPTIONS: ClassVar[str] = "LeakyReluOptions"
    alpha = f32_prop(0.01)


@irdl_op_definition
class PReluOp(CircleOp):
    """PRELU: x if x >= 0 else alpha * x, alpha broadcast against x (a constant slope)."""

    name = "circle.prelu"
    BUILTIN: ClassVar[str] = "PRELU"
    input = operand_def(TensorType)
    alpha = operand_def(TensorType)
    output = result_def(TensorType)
    traits = elementwise_traits(YieldsNaN(scaled_infinity), PRELU_BOUND, 
        PassesInfinity(),
        refuses(ONERT, EVERY, "KernelGenerator: NYI for operation 'PReLU'"),
    )

    def verify_circle(self) -> None:
        out = _broadcast(shape_of(self.input), shape_of(self.alpha))
        if out is None or not _matches(out, shape_of(self.input)):
            raise VerifyException(f"{self.name}: alpha does not broadcast to the input")


@irdl_op_definition
class HardSwishOp(_UnaryOp):
    """HARD_SWISH: x * relu6(x + 3) / 6."""

    name = "circle.hard_swish"
    BUILTIN: ClassVar[str] = "HARD_SWISH"
    traits = elementwise_traits(YieldsNaN(infinite_operand), 
        PassesInfinity(),
        refuses(LITERT, "i16", "Only float32, uint8 and int8 are supported currently, got INT16"),
        refuses(ONERT, EVERY, "Unsupported operation: HARD_SWISH"),
    )


@irdl_op_definition
class GeluOp(_UnaryOp):
    """GELU: x * Phi(x), or the tanh approximation when `approximate`."""

    name = "circle.gelu"
    BUILTIN: ClassVar[str] = "GELU"
    traits = elementwise_traits(YieldsNaN(infinite_operand), 
        PassesInfinity(),
        refuses(ONERT, ("u8", "i8"), "OperationValidator failed"),
        # float island of uint8 models (measured on the transformer example: 1 ulp)
        tolerance(ONERT, "f32", 1, "float kernel differs from numpy's float32 by an ulp"),
    )
    OPTIONS: ClassVar[str] = "GeluOptions"
    approximate = bool_prop(False)


@irdl_op_definition
class ExpOp(_UnaryOp):
    """EXP: e^x."""

    name = "circle.exp"
    BUILTIN: ClassVar[str] = "EXP"
    traits = elementwise_traits(NonNegative(), 
        YieldsInfinity(),
        refuses(LITERT, "u8", "Type 3 is currently not supported by Exp"),
        refuses(ONERT, "u8", "Exp: Unsupported data type"),
    )
    OPTIONS: ClassVar[str] = "ExpOptions"


@irdl_op_definition
class LogOp(_UnaryOp):
    """LOG: natural logarithm."""

    name = "circle.log"
    BUILTIN: ClassVar[str] = "LOG"
    traits = elementwise_traits(YieldsNaN(negative_operand), 
        YieldsInfinity(),
        refuses(LITERT, "u8", "Type UINT8 is unsupported by op Log"),
        refuses(ONERT, "u8", "Log: Unsupported data type"),
    )


@irdl_op_definition
class SqrtOp(_UnaryOp):
    """SQRT."""

    name = "circle.sqrt"
    BUILTIN: ClassVar[str] = "SQRT"
    traits = elementwise_traits(YieldsNaN(negative_operand), NonNegative(), 
        PassesInfinity(),
        refuses(LITERT, "u8", "Type UINT8 is unsupported by op Sqrt"),
        refuses(ONERT, "u8", "Sqrt: Unsupported data type"),
    )


@irdl_op_definition
class RsqrtOp(_UnaryOp):
    """RSQRT: 1 / sqrt(x)."""

    name = "circle.rsqrt"
    BUILTIN: ClassVar[str] = "RSQRT"
    traits = elementwise_traits(FollowsSign(), YieldsNaN(negative_operand), 
        YieldsInfinity(),
        miscomputes(LITERT, "f32", "under XNNPACK (LiteRT's default delegate) gives NaN "
                    "for 0 and subnormal inputs where the op gives +inf (~1e22), so the "
                    "QUANTIZE its result reaches departs there",
                    when=quantized_rsqrt_of_zero),
        refuses(LITERT, "u8", "Type UINT8 is unsupported by op Rsqrt"),
        refuses(ONERT, "u8", "RSqrt: Unsupported data type"),
        # float island of uint8 layer norm: onert, the reference and optimized kernels
        # compute `1.f / std::sqrt(x)` like the interpreter (bit-exact); XNNPACK its own
        # way, up to 2 ulps off on ~32 % of elements (docs/runtimes.md)
        tolerance(LITERT, "f32", 2, "XNNPACK's float kernel approximates 1 / sqrt(x) its "
                  "own way", LITERT_XNNPACK),
    )


@irdl_op_definition
class AbsOp(_UnaryOp):
    """ABS."""

    name = "circle.abs"
    BUILTIN: ClassVar[str] = "ABS"
    traits = elementwise_traits(NonNegative(), 
        PassesInfinity(),
        refuses(LITERT, "u8", "Type UINT8 is unsupported by op Abs"),
        refuses(ONERT, "u8", "Abs: Unsupported data type"),
    )
    OPTIONS: ClassVar[str] = "AbsOptions"


@irdl_op_definition
class NegOp(_UnaryOp):
    """NEG: -x."""

    name = "circle.neg"
    BUILTIN: ClassVar[str] = "NEG"
    OPTIONS: ClassVar[str] = "NegOptions"
    traits = elementwise_traits(MayNegate(), PassesInfinity())


@irdl_op_definition
class SoftmaxOp(_SameShapeOp):
    """SOFTMAX over the last dimension: exp(beta x) / sum(exp(beta x))."""

    name = "circle.softmax"
    BUILTIN: ClassVar[str] = "SOFTMAX"
    OPTIONS: ClassVar[str] = "SoftmaxOptions"
    beta = f32_prop(1.0)
    traits = circle_traits(YieldsNaN(infinite_operand), NonNegative(), bounded_by(1.0), 
        SOFTMAX_RANGE,
        miscomputes(LITERT, "i16", "LiteRT's int16 SOFTMAX overflows its input rescaling "
                    "(s_in * beta >= 5: a shift above 15 wraps int32), so large differences "
                    "give arbitrary probabilities", when=softmax16_shift_overflows),
        # measured: zoo hf_t5_encoder int8, 1 of 1024 elements on one held-out batch
        tolerance(LITERT, "i8", 1, "the optimized int8 SOFTMAX looks exp up in a table "
                  "computed in float (SoftmaxInt8LUT) where the reference computes it in "
                  "fixed point", LITERT_OPTIMIZED | LITERT_XNNPACK),
    )


@irdl_op_definition
class LogSoftmaxOp(_SameShapeOp):
    """LOG_SOFTMAX over the last dimension; quantized output fixed to 16/256, zp max-0."""

    name = "circle.log_softmax"
    BUILTIN: ClassVar[str] = "LOG_SOFTMAX"
    OPTIONS: ClassVar[str] = "LogSoftmaxOptions"
    traits = circle_traits(YieldsNaN(infinite_operand), 
        FixedOutputRange((("u8", 16.0 / 256, 255), ("i8", 16.0 / 256, 127))),
        refuses(LITERT, "i16", "Only float32, uint8 and int8 are supported currently, got INT16"),
        refuses(ONERT, "i8", "LogSoftmax : unsupported data type"),
    )


@irdl_op_definition
class EluOp(_UnaryOp):
    """ELU: x if x > 0 else exp(x) - 1 (alpha 1). Quantized, LiteRT runs int8 only (a
    256-entry table); the output has its own range."""

    name = "circle.elu"
    BUILTIN: ClassVar[str] = "ELU"
    traits = elementwise_traits(
        PassesInfinity(),
        refuses(LITERT, "i16", "no int16 ELU kernel (activations.cc: float32 and int8)"),
        refuses(ONERT, "u8", "OperationValidator failed"),
    )
