"""`refine-numerics`: formulations that round closer to the PT2E program than the
runtime kernels a plain lowering picks, in ops every runtime computes exactly as the
interpreter does. Runs on the quantized circle IR, after `fuse-qdq`:

- an int16 RSQRT gets one Newton-Raphson step in int16 MUL/ADD
  (`compiler.transforms.refine_rsqrt`): TFLite's interpolated table is up to 3.3 %
  off near 0 (a layer norm's variance);
- a layer norm's centering int8 MEAN over the last axis becomes a FULLY_CONNECTED with
  one constant row (`compiler.transforms.mean_as_fully_connected`): TFLite's MEAN rounds
  twice, the FULLY_CONNECTED once;
- for LiteRT (`target=litert`), an 8-bit 1x1 CONV_2D with stride 1 becomes a
  FULLY_CONNECTED (`compiler.transforms.conv1x1_as_fully_connected`): the convolution
  rounds its rescale twice, LiteRT's FULLY_CONNECTED once.

Each rewrite states its own guarantee; ops they do not match are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from compiler.dialects import circle
from compiler.ir.runtime_traits import LITERT
from compiler.transforms import conv1x1_as_fully_connected, mean_as_fully_connected, refine_rsqrt
from compiler.transforms.utils import ops_of_class


@dataclass(frozen=True)
class RefineNumericsPass(ModulePass):
    name = "refine-numerics"

    #: the runtime the model is for (`onert`, `litert` or `none`): rewrites into ops
    #: that round better in one runtime only apply for that runtime
    target: str = "none"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for o in ops_of_class(op, (circle.RsqrtOp, circle.MeanOp, circle.Conv2DOp)):
            if isinstance(o, circle.RsqrtOp):
                refine_rsqrt.refine(o)
            elif isinstance(o, circle.MeanOp) and mean_as_fully_connected.is_centering(o):
                mean_as_fully_connected.rewrite(o)
            elif isinstance(o, circle.Conv2DOp) and self.target == LITERT:
                conv1x1_as_fully_connected.rewrite(o)


__all__ = ["RefineNumericsPass"]
