"""apply_patterns offers each op only the patterns that can match its class, and rewrites
exactly as xDSL's GreedyRewritePatternApplier (dce off) in the same walker does."""

from pathlib import Path

import pytest
from xdsl.parser import Parser
from xdsl.pattern_rewriter import GreedyRewritePatternApplier, PatternRewriteWalker

from compiler.dialects import circle, quant
from compiler.ir import make_context
from compiler.transforms.circle_cleanup import DropIdentityQuantize
from compiler.transforms.fold_qdq import CancelQuantizeOfDequantize
from compiler.transforms.patterns.activation import (
    FuseActivationIntoProducer,
    HoistActivationAboveDataMovement,
)
from compiler.transforms.patterns.layout import (
    LAYOUT_PATTERNS,
    ComposeTransposes,
    SinkTransposeThroughReduce,
)
from compiler.transforms.patterns.spatial_mean import SpatialMeanAsAveragePool
from compiler.transforms.utils import apply_patterns, matched_classes

LIT = Path(__file__).resolve().parents[1] / "lit" / "transforms"
CLEANUP = [*LAYOUT_PATTERNS, DropIdentityQuantize(), FuseActivationIntoProducer(),
           SpatialMeanAsAveragePool()]
ACTIVATION = [HoistActivationAboveDataMovement(), FuseActivationIntoProducer()]


@pytest.mark.parametrize("pattern", [*CLEANUP, *ACTIVATION, CancelQuantizeOfDequantize()],
                         ids=lambda p: type(p).__name__)
def test_every_pass_pattern_declares_its_classes(pattern):
    # None would mean "offer every op" (correct, but the speed-up is lost silently,
    # e.g. if xDSL's op_type_rewrite_pattern changed how it keeps the type)
    assert matched_classes(pattern) is not None


def test_class_filters():
    compose = matched_classes(ComposeTransposes())
    assert compose(circle.TransposeOp) and not compose(circle.ReluOp)
    reduce = matched_classes(SinkTransposeThroughReduce())
    assert reduce(circle.MeanOp) and reduce(circle.SumOp) and reduce(circle.ReduceMaxOp)
    assert not reduce(circle.TransposeOp)
    fuse = matched_classes(FuseActivationIntoProducer())
    assert fuse(circle.ReluOp) and fuse(circle.Relu6Op) and not fuse(circle.AddOp)
    assert not matched_classes(CancelQuantizeOfDequantize())(quant.DequantizeCastOp)


def _cases(name: str) -> list[str]:
    text = (LIT / name).read_text()
    return [c for c in text.split("// -----") if "func.func" in c]


def _xdsl(module, patterns) -> None:
    PatternRewriteWalker(GreedyRewritePatternApplier(list(patterns), dce_enabled=False),
                         apply_recursively=True).rewrite_module(module)


@pytest.mark.parametrize("name,patterns", [
    ("circle-sink-transposes.mlir", LAYOUT_PATTERNS),
    ("circle-cleanup.mlir", CLEANUP),
    ("circle-fuse-activation.mlir", ACTIVATION),
])
def test_same_rewrites_as_xdsl_applier(name, patterns):
    cases = _cases(name)
    assert cases
    rewritten = 0
    for case in cases:
        ours = Parser(make_context(), case).parse_module()
        theirs = Parser(make_context(), case).parse_module()
        before = str(ours)
        changed = apply_patterns(ours, patterns)
        _xdsl(theirs, patterns)
        assert str(ours) == str(theirs)
        if str(ours) != before:
            assert changed
            rewritten += 1
    assert rewritten > len(cases) // 2  # the cases exercise the patterns
