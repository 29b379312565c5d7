"""(part of `refine-numerics`) An int8 MEAN over the last axis as a FULLY_CONNECTED
with one constant output row, which rounds the mean once.

TFLite's quantized MEAN (`reference_ops::QuantizedMeanOrSum`, `compiler.interpreter.circle` `mean_int`) folds
1/n into its multiplier by shifting it right by floor(log2 n), so its
`MultiplyByQuantizedMultiplier` keeps only a few bits below the result's step before
the second rounding: the mean is rounded twice, up to ~0.7 step off (a layer norm's
mean over 48 channels, 0.02052 -> 0.004233: 11 % of rows one step from PT2E's
float mean, all in one direction on ties). ConvNeXt int8 lost 1.0 dB against PT2E
through its layer norms (compiler.accuracy_bisect).

FULLY_CONNECTED computes `sum((x - zp) * 127)` exactly in int32 with weights 127 at
scale 1 / (127 n) (the exact mean's weights), a zero bias, then one
`MultiplyByQuantizedMultiplier` of `s_in / (127 n s_out)`: that multiplier has a right
shift of about 7 + log2 n bits, so the double rounding is below 2^-10 step.

`rewrite` applies to a per-tensor int8 MEAN reducing exactly the last axis with
keep_dims and n * 255 * 127 < 2^31. `refine-numerics` calls it on a layer norm's
*centering* mean only (`is_centering`: the MEAN of x whose result is subtracted from
that x): its rounding error shifts every element of the row alike and passes through the
normalization. The variance (or RMSNorm's mean-square) MEAN stays a MEAN: rounding it
once too brings the IR nearer PT2E but, measured, not nearer the float model (vit int8:
-0.85 -> +0.03 dB below PT2E over 32 fresh inputs; hf_llama int8's RMSNorm +0.9 dB on
the held batch; docs/numerics.md), which is not understood yet. Other MEANs (global
average pooling over H, W; uint8, which onert runs as MEAN rounding once; int16) are
left alone.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import TensorType
from xdsl.rewriter import InsertPoint, Rewriter

from compiler.dialects import circle
from compiler.dialects.circle_base import ConstOp, option_attribute
from compiler.dialects.quant import dense_from_numpy
from compiler.ir.quant_types import UniformQuantizedType, make_quantized_type
from compiler.transforms.utils import constant_of

_W = 127  # the weight's stored value: 1/n at scale 1/(127 n), exactly


def _rewritable(op: circle.MeanOp) -> int | None:
    """n (the reduced length) when `op` is rewritten, else None."""
    qi = getattr(op.input.type, "element_type", None)
    qo = getattr(op.output.type, "element_type", None)
    if not (isinstance(qi, UniformQuantizedType) and isinstance(qo, UniformQuantizedType)
            and qi.storage_spelling == "i8" and qo.storage_spelling == "i8"):
        return None
    axes = constant_of(op.axis)
    shape = op.input.type.get_shape()
    rank = len(shape)
    if axes is None or not op.keep_dims.value.data or rank < 2:
        return None
    if sorted({int(a) % rank for a in np.asarray(axes).reshape(-1)}) != [rank - 1]:
        return None
    n = int(shape[-1])
    if n < 2 or n * 255 * _W >= 2**31:
        return None
    return n


def is_centering(op: circle.MeanOp) -> bool:
    """`op` is a layer norm's centering mean: some SUB computes `input - MEAN(input)`."""
    return any(isinstance(u.operation, circle.SubOp) and u.operation.lhs == op.input
               and u.operation.rhs == op.output for u in op.output.uses)


def rewrite(op: circle.MeanOp) -> bool:
    """`op` as a FULLY_CONNECTED when it qualifies (see the module doc); True if rewritten."""
    n = _rewritable(op)
    if n is None:
        return False
    qi = op.input.type.element_type
    # per channel (one output channel), as the int8 scheme has every weight
    w_scale = np.float32(1.0 / (_W * n))
    w_type = make_quantized_type("i8", np.array([w_scale], np.float64), [0], axis=0,
                                 qmin=-127, qmax=127)
    # quantize-bias's convention: float32(s_in * s_w)
    b_scale = np.float32(np.float32(qi.scale.data) * w_scale)
    b_type = make_quantized_type("i32", np.array([b_scale], np.float64), [0], axis=0)
    weights = ConstOp(dense_from_numpy(np.full((1, n), _W, np.int8), w_type.storage_type),
                      TensorType(w_type, [1, n]))
    bias = ConstOp(dense_from_numpy(np.zeros(1, np.int32), b_type.storage_type),
                   TensorType(b_type, [1]))
    fc = circle.FullyConnectedOp(
        operands=[op.input, weights.output, bias.output], result_types=[op.output.type],
        properties={"keep_num_dims": option_attribute(True)})
    for new in (weights, bias, fc):
        new.location = op.location
        Rewriter.insert_op(new, InsertPoint.before(op))
    op.output.replace_all_uses_with(fc.output)
    op.detach()
    op.erase()
    return True


__all__ = ["is_centering", "rewrite"]
