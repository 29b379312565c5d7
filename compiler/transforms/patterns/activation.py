"""Folding a standalone activation into its producer's `fused_activation_function`."""

from __future__ import annotations

from xdsl.ir import Operation
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from compiler.dialects.circle_base import CircleOp
from compiler.ir.quant_traits import FusableActivation, HasFusedActivation
from compiler.ir.quant_types import is_quantized


class FuseActivationIntoProducer(RewritePattern):
    """act(op(...)) -> op(...) {fused_activation_function = ACT}.

    Requires: `op` declares `HasFusedActivation` with no activation yet, its result feeds
    only the activation, and the fusion does not change numerics: in float, always; on
    quantized tensors only when the activation's input and output types are equal (the
    fused kernel clamps in the output's quantized domain, which is then the same).
    """

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        act = op.get_trait(FusableActivation)
        if act is None or len(op.operands) != 1:
            return
        producer = op.operands[0].owner
        if not isinstance(producer, CircleOp) or not producer.has_trait(HasFusedActivation):
            return
        if len(producer.results) != 1 or not producer.results[0].has_one_use():
            return
        if producer.option("fused_activation_function") != "NONE":
            return
        in_t, out_t = op.operands[0].type, op.results[0].type
        if (is_quantized(in_t) or is_quantized(out_t)) and in_t != out_t:
            return
        fused = type(producer).create(
            operands=list(producer.operands),
            result_types=[out_t],
            properties={**producer.properties},
            attributes=dict(producer.attributes),
        )
        from xdsl.dialects.builtin import StringAttr

        fused.properties["fused_activation_function"] = StringAttr(act.function)
        fused.location = producer.location
        rewriter.replace(producer, [fused])
        rewriter.replace(op, [], [fused.results[0]])
