"""A quantized global average pool as AVERAGE_POOL_2D, which rounds once.

TFLite's (and the interpreter's) 8-bit MEAN folds `1/n` into its fixed-point
multiplier, `M' = (M << k) // n` with `k = floor(log2 n)`, and rounds twice
(`SaturatingRoundingDoublingHighMul`, then a rounding shift): the first rounding keeps
only a few fractional bits of the mean (2 for 3x3 cells at equal scales), so a mean just
under a half rounds up: over 3x3 cells a fraction in [0.375, 0.5) (4/9) becomes the next
integer (sum 130 of 9 cells: mean 14.44, MEAN gives 15). Measured on
the MobileNetV2 example, 6.7 % of the pooled features one step high, always away from
zero. That bias is systematic (same sign on every channel after ReLU6) and reaches the
logits through the classifier: 2.2 dB of SQNR (docs/quantizers.md). AVERAGE_POOL_2D
computes `(sum + n/2) / n` in integers, rounded once, ties away from zero; onert's
MEAN rounds once too (its documented one-step tolerance), so the pool is what both
runtimes compute alike.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import IntegerAttr, StringAttr, TensorType, i32
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from compiler.dialects import circle
from compiler.ir.quant_types import UniformQuantizedType
from compiler.transforms.utils import constant_of, i32_const, with_shape


class SpatialMeanAsAveragePool(RewritePattern):
    """MEAN over H and W of an 8-bit NHWC tensor -> AVERAGE_POOL_2D (VALID, one window
    covering H x W), followed by a RESHAPE when MEAN drops the reduced dims.

    Requires per-tensor u8/i8 input and output with equal parameters (the pool's kernels
    keep the input's; a MEAN that also requantizes stays a MEAN). Exact: for every input
    the pool's integer is the mean rounded to nearest, where MEAN's may be one higher in
    magnitude."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.MeanOp, rewriter: PatternRewriter) -> None:
        x, out = op.input, op.output
        if not isinstance(x.type, TensorType) or len(x.type.get_shape()) != 4:
            return
        et = x.type.element_type
        if not isinstance(et, UniformQuantizedType) or et.storage_spelling not in ("i8", "u8"):
            return
        if out.type.element_type != et:
            return
        axes = constant_of(op.axis)
        if axes is None or sorted(int(a) % 4 for a in np.asarray(axes).reshape(-1)) != [1, 2]:
            return
        n, h, w, c = x.type.get_shape()
        pooled_type = with_shape(x.type, [n, 1, 1, c])
        pool = circle.AveragePool2DOp.create(
            operands=[x], result_types=[pooled_type],
            properties={"padding": StringAttr("VALID"), "filter_height": IntegerAttr(h, i32),
                        "filter_width": IntegerAttr(w, i32), "stride_h": IntegerAttr(1, i32),
                        "stride_w": IntegerAttr(1, i32),
                        "fused_activation_function": StringAttr("NONE")},
            attributes=dict(op.attributes))
        pool.location = op.location
        if out.type == pooled_type:
            rewriter.replace_op(op, pool)
            return
        shape = i32_const(out.type.get_shape(), op.location)
        reshape = circle.ReshapeOp.create(operands=[pool.output, shape.output],
                                          result_types=[out.type])
        reshape.location = op.location
        rewriter.replace_op(op, [pool, shape, reshape])
