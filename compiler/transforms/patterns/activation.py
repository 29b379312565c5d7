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

    @staticmethod
    def applies_to(cls: type[Operation]) -> bool:
        """Only activations are rewritten (traits are class-level; see apply_patterns)."""
        return cls.has_trait(FusableActivation)

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
        # The fused result is the activation's output: it keeps the activation's name
        # (the tensor name in the flatbuffer and in numeric comparisons).
        fused.location = op.location
        rewriter.replace(producer, [fused])
        rewriter.replace(op, [], [fused.results[0]])


#: data-movement ops an activation commutes with (they copy elements; f(0) = 0 for the
#: fusable activations, so padding commutes too)
_MOVES_DATA = ("circle.slice", "circle.strided_slice", "circle.reshape", "circle.transpose",
               "circle.pad")


class HoistActivationAboveDataMovement(RewritePattern):
    """act(move(op(...))) -> move(act(op(...))), so that `act` can then fuse into `op`
    (e.g. a transpose-conv cropped by a SLICE, followed by a RELU)."""

    @staticmethod
    def applies_to(cls: type[Operation]) -> bool:
        """Only activations are rewritten (traits are class-level; see apply_patterns)."""
        return cls.has_trait(FusableActivation)

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.get_trait(FusableActivation) is None or len(op.operands) != 1:
            return
        move = op.operands[0].owner
        if not isinstance(move, CircleOp) or move.name not in _MOVES_DATA:
            return
        if not move.results[0].has_one_use():
            return
        producer = move.operands[0].owner
        if not isinstance(producer, CircleOp) or not producer.has_trait(HasFusedActivation):
            return
        if is_quantized(op.results[0].type) or is_quantized(move.operands[0].type):
            return  # float domain only: types of the moved value stay unchanged
        act = type(op).create(
            operands=[move.operands[0]], result_types=[move.operands[0].type],
            properties=dict(op.properties), attributes=dict(op.attributes),
        )
        act.location = op.location
        new_move = type(move).create(
            operands=[act.results[0], *move.operands[1:]], result_types=[op.results[0].type],
            properties=dict(move.properties), attributes=dict(move.attributes),
        )
        new_move.location = move.location
        rewriter.replace(op, [act, new_move])
        rewriter.erase(move)
