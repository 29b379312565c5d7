"""(part of `refine-numerics`, LiteRT target) An 8-bit 1x1 CONV_2D with stride 1 as a
FULLY_CONNECTED over the channels, which rounds its rescale once.

The convolution's integer kernel (LiteRT's and onert's) rescales the accumulator with
`MultiplyByQuantizedMultiplier`: a rounding doubling high multiply, then a rounding
right shift, so `acc * M` is rounded twice. With M ~ 2^-8 (the zoo's uint8 convs with
per-tensor weights) an output whose exact value lies within 2^-9 step below a half is
rounded one step up (away from zero): 0.02-0.23 % of each conv's outputs, one step
from PT2E's float conv rounded once. Through a ReLU network those steps compound:
resnet50 uint8 with per-tensor weights ends 25.8 dB from PT2E and 1.0 dB further from
the float model over its calibration batches (docs/numerics.md).

LiteRT's FULLY_CONNECTED rounds `acc * M` once (its reference kernel in double, see
`compiler.interpreter.fixedpoint.round_scaled_in_double`). A 1x1
convolution with stride 1 is the same dot products over the channel axis: FULLY_CONNECTED
with `keep_num_dims` on the NHWC input ([N, H, W, C] -> [N, H, W, O]), the filter
[O, 1, 1, I] as weights [O, I] with the same stored integers and parameters (per-tensor,
or per-channel along axis 0), the same bias (scale `s_in * s_w`: the rule both kernels
share) and the same fused activation. Padding does not matter for a 1x1 window with
stride 1; dilation does not apply.

`rewrite` applies to a CONV_2D whose input and output are per-tensor int8 or uint8 with
a constant [O, 1, 1, C] filter (not grouped) and stride 1. Only for LiteRT: onert
rounds its FULLY_CONNECTED twice too (and refuses an int8 one), and int16 (16x8) keeps
the convolution (LiteRT's optimized 16x8 FULLY_CONNECTED is 1 step off its reference on
rare elements).
"""

from __future__ import annotations

from xdsl.dialects.builtin import TensorType
from xdsl.rewriter import InsertPoint, Rewriter

from compiler.dialects import circle
from compiler.dialects.circle_base import ConstOp, option_attribute
from compiler.dialects.quant import dense_from_numpy
from compiler.ir.quant_types import UniformQuantizedType
from compiler.transforms.utils import constant_of, shape

_EIGHT_BIT = ("u8", "i8")


def _rewritable(op: circle.Conv2DOp) -> bool:
    qi = getattr(op.input.type, "element_type", None)
    qo = getattr(op.output.type, "element_type", None)
    if not (isinstance(qi, UniformQuantizedType) and isinstance(qo, UniformQuantizedType)
            and qi.storage_spelling in _EIGHT_BIT and qo.storage_spelling == qi.storage_spelling):
        return False
    if not isinstance(op.filter.owner, ConstOp):
        return False
    o, kh, kw, i = shape(op.filter)
    if (kh, kw) != (1, 1) or shape(op.input)[-1] != i:
        return False
    return (op.stride_h.value.data, op.stride_w.value.data) == (1, 1)


def rewrite(op: circle.Conv2DOp) -> bool:
    """`op` as a FULLY_CONNECTED when it qualifies (see the module doc); True if rewritten."""
    if not _rewritable(op):
        return False
    o, _, _, i = shape(op.filter)
    w_type = op.filter.type.element_type
    stored = constant_of(op.filter).reshape(o, i)
    weights = ConstOp(dense_from_numpy(stored, w_type.storage_type), TensorType(w_type, [o, i]))
    weights.location = op.filter.owner.location
    fc = circle.FullyConnectedOp(
        operands=[op.input, weights.output, op.bias], result_types=[op.output.type],
        properties={"keep_num_dims": option_attribute(True),
                    "fused_activation_function": op.fused_activation_function})
    fc.location = op.location
    Rewriter.insert_op([weights, fc], InsertPoint.before(op))
    op.output.replace_all_uses_with(fc.output)
    op.detach()
    op.erase()
    return True


__all__ = ["rewrite"]
