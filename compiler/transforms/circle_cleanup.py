"""`circle-cleanup`: tidy the quantized circle graph.

Runs after `fuse-qdq`, on quantized ops. Guarantees afterwards:
- inverse transposes cancelled, transposes of constants folded (per-axis dims remapped),
  transposes sunk through element-wise ops, reductions, concatenation and padding;
- chains of reshapes merged, identity reshapes/transposes/requantizations dropped;
- standalone RELU/RELU6/RELU_N1_TO_1 fused into their producer where exact (again:
  the layout moves may have made producer and activation adjacent);
- an 8-bit MEAN over H and W with equal input and output parameters is an
  AVERAGE_POOL_2D, which rounds the mean once where MEAN rounds twice
  (`patterns/spatial_mean.py`);
- no dead op left.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from compiler.dialects import circle
from compiler.transforms.dce import region_dce  # xDSL's, memoized (see dce.py)
from compiler.transforms.patterns.activation import FuseActivationIntoProducer
from compiler.transforms.patterns.layout import LAYOUT_PATTERNS
from compiler.transforms.patterns.spatial_mean import SpatialMeanAsAveragePool
from compiler.transforms.utils import apply_patterns


class DropIdentityQuantize(RewritePattern):
    """circle.quantize from a type to itself is a no-op."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.QuantizeOp, rewriter: PatternRewriter) -> None:
        if op.input.type == op.output.type:
            rewriter.replace(op, [], [op.input])


@dataclass(frozen=True)
class CircleCleanupPass(ModulePass):
    name = "circle-cleanup"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        apply_patterns(op, [*LAYOUT_PATTERNS, DropIdentityQuantize(), FuseActivationIntoProducer(),
                            SpatialMeanAsAveragePool()])
        region_dce(op.body)
