"""`circle-sink-transposes`: move layout transposes down until they cancel.

Runs right after `convert-aten-to-circle`, in the float domain, so that activation
fusion and quantization parameter propagation see NHWC chains (conv -> relu -> q/dq ->
conv) without transposes in between.

Guarantees afterwards: no transpose of a constant (folded at compile time, per-axis
dimensions remapped); no two adjacent transposes; no identity transpose or reshape; a
transpose remains only where a layout-sensitive consumer or a function result needs
the other layout (e.g. an NHWC feature map flattened in NCHW order).

The result is that of `LAYOUT_PATTERNS` run to a fixpoint by xDSL's driver, one op per
rewrite, then dead-code elimination: the same ops, order, types, names and locations.
A transpose is moved through a whole chain of unary element-wise ops (relu -> qcast ->
dcast, ...) in one rewrite instead of one op at a time, which is that driver's own next
steps (`SinkTransposeThroughElementwise.follow_chains` states the argument; a test
compares both on the lit cases).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from compiler.transforms.dce import region_dce  # xDSL's, memoized (see dce.py)
from compiler.transforms.patterns.layout import sink_patterns
from compiler.transforms.utils import apply_patterns


@dataclass(frozen=True)
class CircleSinkTransposesPass(ModulePass):
    name = "circle-sink-transposes"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        apply_patterns(op, sink_patterns())
        region_dce(op.body)
