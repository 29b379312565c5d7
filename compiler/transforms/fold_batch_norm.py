"""`fold-batch-norm`: fold an inference batch norm into the convolution before it.

PT2E folds batch norm into convolutions when it quantizes (`prepare_pt2e`); a float
program still has them. For `batch_norm(conv(x, W, b))` with constant float weights and
statistics, the convolution becomes `conv(x, W * a, (b - mean) * a + beta)` with
`a = gamma / sqrt(var + eps)` per output channel, computed in float64 and rounded to
float32 once.

Guarantees afterwards: no inference batch norm is left directly after a convolution
whose weights, bias and the batch norm's statistics are float constants and whose
result has no other user. Others are left to `convert-aten-to-circle` (a per-channel
multiply-add).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, NoneType
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from compiler.dialects.aten import aten_op
from compiler.dialects.circle_base import ConstOp
from compiler.transforms.dce import region_dce  # xDSL's, memoized (see dce.py)
from compiler.transforms.utils import apply_patterns, constant_of, float_const

_CONVS = ("aten.conv2d", "aten.conv1d", "aten.convolution")


def _float_constant(v: SSAValue) -> np.ndarray | None:
    if isinstance(v.type, NoneType) or not isinstance(v.owner, ConstOp):
        return None
    arr = constant_of(v)
    return arr if arr.dtype == np.float32 else None


_BATCH_NORMS = ("aten.batch_norm", "aten._native_batch_norm_legit_no_training")


class FoldBatchNormIntoConv(RewritePattern):
    @staticmethod
    def applies_to(cls: type[Operation]) -> bool:
        """Only the inference batch norms are folded (see apply_patterns)."""
        return getattr(cls, "name", None) in _BATCH_NORMS

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name == "aten.batch_norm":
            if op.arg("training"):
                return
        elif op.name != "aten._native_batch_norm_legit_no_training":
            return
        if any(r.uses for r in op.results[1:]):
            return
        conv = op.operands[0].owner
        if not isinstance(conv, Operation) or conv.name not in _CONVS:
            return
        if conv.name == "aten.convolution" and conv.arg("transposed"):
            return
        if not conv.results[0].has_one_use():
            return
        x, w_v, b_v = conv.operands
        w = _float_constant(w_v)
        if w is None or (b_v.type != NoneType() and _float_constant(b_v) is None):
            return
        channels = w.shape[0]
        stats = []
        for v, default in zip(op.operands[1:5], (1.0, 0.0, None, None)):
            arr = _float_constant(v)
            if arr is None:
                if default is None or not isinstance(v.type, NoneType):
                    return
                arr = np.full(channels, default, np.float32)
            stats.append(arr.astype(np.float64))
        gamma, beta, mean, var = stats
        a = gamma / np.sqrt(var + op.arg("eps"))
        bias = _float_constant(b_v)
        b = np.zeros(channels) if bias is None else bias.astype(np.float64)
        new_w = (w.astype(np.float64) * a.reshape([-1] + [1] * (w.ndim - 1))).astype(np.float32)
        new_b = ((b - mean) * a + beta).astype(np.float32)
        cw, cb = float_const(new_w, w_v.owner.location), float_const(new_b, conv.location)
        folded = aten_op(conv.name).create(
            operands=[x, cw.output, cb.output],
            result_types=[op.results[0].type],
            properties=dict(conv.properties),
        )
        folded.location = op.location  # the folded conv computes the batch norm's value
        rewriter.insert([cw, cb, folded], _before(conv))
        rewriter.replace_all_uses_with(op.results[0], folded.results[0])
        rewriter.erase(op)
        rewriter.erase(conv)


def _before(op: Operation):
    from xdsl.rewriter import InsertPoint

    return InsertPoint.before(op)


@dataclass(frozen=True)
class FoldBatchNormPass(ModulePass):
    name = "fold-batch-norm"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        apply_patterns(op, [FoldBatchNormIntoConv()])
        region_dce(op.body)
