"""`circle-fuse-activation`: fold RELU / RELU6 / RELU_N1_TO_1 into the producing op.

Guarantees afterwards: no standalone fusable activation directly follows an op that
can carry it (`HasFusedActivation`, e.g. conv, depthwise, FC, add, mul, pool, concat)
when that op has no other user and the fusion is exact (see the pattern); an
activation separated from such a producer only by data movement (slice, reshape,
transpose, pad) is moved above it first. This matters
beyond speed: onert has no quantized uint8 RELU/RELU6 kernel, so a standalone
activation would make a uint8 model unloadable there.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from compiler.transforms.patterns.activation import (
    FuseActivationIntoProducer,
    HoistActivationAboveDataMovement,
)
from compiler.transforms.utils import apply_patterns


@dataclass(frozen=True)
class CircleFuseActivationPass(ModulePass):
    name = "circle-fuse-activation"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        apply_patterns(op, [HoistActivationAboveDataMovement(), FuseActivationIntoProducer()])
