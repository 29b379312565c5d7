"""Quantization rules declared on ops, queried by the passes.

A pass never switches on op names to learn how an op is quantized; it asks the op's
traits (TFLite's converter does the same with `AffineQuantizedOpInterface`,
`SameOperandsAndResultsScale` and `FixedOutputRangeInterface`). A new op joins the
quantization passes by declaring these traits.

- `WeightOperand(index, channel_axis)`: operand `index` is a weight, quantized per
  channel along `channel_axis` of that operand (in the op's own layout).
- `BiasOperand(index, input_index, weight_index, required)`: operand `index` is a bias
  whose scale is scale(input) * scale(weight), per channel when the weight is;
  `required` when the runtimes refuse the op without one.
- `SameScale(operands)`: results share the quantization parameters of the listed
  operands (reshape, transpose, pooling, concatenation, slicing...). Runtimes require it.
- `FixedOutputRange`: results have a scale/zero point fixed by the storage type
  (logistic, tanh, softmax), as the runtimes' kernels demand.
- `NonQuantizedOperands(indices)`: operands that stay integer/float as they are (shapes,
  permutations, axes, sizes).
- `HasFusedActivation`: the op carries a `fused_activation_function` property.
- `FusableActivation(name)`: a standalone activation that can be folded into a producer's
  `fused_activation_function` under that name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.ir import Operation, SSAValue
from xdsl.traits import OpTrait


@dataclass(frozen=True)
class WeightOperand(OpTrait):
    index: int
    channel_axis: int = 0


@dataclass(frozen=True)
class BiasOperand(OpTrait):
    index: int
    input_index: int = 0
    weight_index: int = 1
    #: the runtimes refuse the op without a bias tensor (onert and LiteRT for
    #: CONV_2D / DEPTHWISE_CONV_2D): an absent bias is materialized as zeros
    required: bool = False


@dataclass(frozen=True)
class SameScale(OpTrait):
    """Results take the qparams of `operands` (default: operand 0).

    `operands=(-1,)` means every tensor operand (concatenation).
    """

    operands: tuple[int, ...] = (0,)


@dataclass(frozen=True)
class FixedOutputRange(OpTrait):
    """Storage spelling -> (scale, zero point) for the op's results.

    Values are the runtimes' kernel requirements (TFLite `logistic.cc`, `tanh` and
    `softmax` kernels, ONE's `luci` quantizer).
    """

    ranges: tuple[tuple[str, float, int], ...] = field(default=())

    def for_storage(self, storage: str) -> tuple[float, int] | None:
        for name, scale, zp in self.ranges:
            if name == storage:
                return scale, zp
        return None


# The ranges of the runtimes' kernels, shared by the ops that need them.
LOGISTIC_RANGE = FixedOutputRange(
    (("u8", 1.0 / 256, 0), ("i8", 1.0 / 256, -128), ("i16", 1.0 / 32768, 0))
)
SOFTMAX_RANGE = LOGISTIC_RANGE
TANH_RANGE = FixedOutputRange(
    (("u8", 1.0 / 128, 128), ("i8", 1.0 / 128, 0), ("i16", 1.0 / 32768, 0))
)


@dataclass(frozen=True)
class NonQuantizedOperands(OpTrait):
    indices: tuple[int, ...] = ()


@dataclass(frozen=True)
class ConvertsValues(OpTrait):
    """The op converts element values between types and has no quantized form (CAST: it
    copies values, ignoring scales and zero points): fuse-qdq never folds a DEQUANTIZE
    or QUANTIZE into it, so between float and integer it stays a float island."""


@dataclass(frozen=True)
class HasFusedActivation(OpTrait):
    """The op has a `fused_activation_function` property (Circle's builtin options)."""


@dataclass(frozen=True)
class FusableActivation(OpTrait):
    """A standalone activation that a producer may absorb as `fused_activation_function`."""

    function: str = "RELU"


def non_quantized_operands(op: Operation) -> tuple[int, ...]:
    t = op.get_trait(NonQuantizedOperands)
    return t.indices if t is not None else ()


# -- questions the passes and writers ask about a value, from its users' traits ---------


def feeds_only_weights(v: SSAValue) -> bool:
    """`v` is used, and only as a weight operand, directly or through data-movement
    (`SameScale`) ops: a runtime weight (e.g. a conv filter that is a model input)."""
    if not v.uses:
        return False
    for use in v.uses:
        user = use.operation
        w = user.get_trait(WeightOperand)
        if w is not None and use.index == w.index:
            continue
        if not relays_out_weights(user):
            return False
    return True


def relays_out_weights(op: Operation) -> bool:
    """A data-movement op whose results only feed weights."""
    if op.get_trait(SameScale) is None or not op.results:
        return False
    return all(feeds_only_weights(r) for r in op.results)
