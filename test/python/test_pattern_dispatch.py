"""apply_patterns offers each op only the patterns that can match its class, and rewrites
exactly as xDSL's GreedyRewritePatternApplier (dce off) in the same walker does."""

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from xdsl.parser import Parser
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriteWalker,
    RewritePattern,
)

from compiler.dialects import circle, quant
from compiler.ir import make_context
from compiler.dialects.aten import aten_op
from compiler.transforms.circle_cleanup import DropIdentityQuantize
from compiler.transforms.convert_aten_to_circle import LegalizeAtenOp
from compiler.transforms.fold_batch_norm import FoldBatchNormIntoConv
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
from compiler.transforms.utils import _ClassDispatchApplier, apply_patterns, matched_classes

LIT = Path(__file__).resolve().parents[1] / "lit" / "transforms"
CLEANUP = [*LAYOUT_PATTERNS, DropIdentityQuantize(), FuseActivationIntoProducer(),
           SpatialMeanAsAveragePool()]
ACTIVATION = [HoistActivationAboveDataMovement(), FuseActivationIntoProducer()]


def _pattern_classes() -> list[type[RewritePattern]]:
    """Every RewritePattern class defined in a module of compiler.transforms (the
    dispatching applier itself aside): a new pattern is checked without being listed."""
    import compiler.transforms

    found = []
    for info in pkgutil.walk_packages(compiler.transforms.__path__, "compiler.transforms."):
        module = importlib.import_module(info.name)
        found += [c for c in vars(module).values()
                  if inspect.isclass(c) and issubclass(c, RewritePattern)
                  and c.__module__ == module.__name__ and c is not _ClassDispatchApplier]
    return found


PATTERN_CLASSES = _pattern_classes()


def test_the_pattern_walk_finds_the_passes_patterns():
    names = {c.__name__ for c in PATTERN_CLASSES}
    assert {type(p).__name__ for p in [*CLEANUP, *ACTIVATION]} <= names
    assert {"CancelQuantizeOfDequantize", "LegalizeAtenOp", "FoldBatchNormIntoConv"} <= names


@pytest.mark.parametrize("cls", PATTERN_CLASSES, ids=lambda c: c.__name__)
def test_every_pass_pattern_declares_its_classes(cls):
    # None would mean "offer every op" (correct, but the speed-up is lost silently,
    # e.g. if xDSL's op_type_rewrite_pattern changed how it keeps the type). The
    # declaration is class-level: an uninitialised instance is enough to ask.
    assert matched_classes(object.__new__(cls)) is not None


def test_class_filters():
    compose = matched_classes(ComposeTransposes())
    assert compose(circle.TransposeOp) and not compose(circle.ReluOp)
    reduce = matched_classes(SinkTransposeThroughReduce())
    assert reduce(circle.MeanOp) and reduce(circle.SumOp) and reduce(circle.ReduceMaxOp)
    assert not reduce(circle.TransposeOp)
    fuse = matched_classes(FuseActivationIntoProducer())
    assert fuse(circle.ReluOp) and fuse(circle.Relu6Op) and not fuse(circle.AddOp)
    assert not matched_classes(CancelQuantizeOfDequantize())(quant.DequantizeCastOp)
    legalize = matched_classes(object.__new__(LegalizeAtenOp))
    assert legalize(aten_op("aten.relu")) and not legalize(circle.ReluOp)
    fold = matched_classes(FoldBatchNormIntoConv())
    assert fold(aten_op("aten._native_batch_norm_legit_no_training"))
    assert not fold(aten_op("aten.relu")) and not fold(circle.ReluOp)


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


def test_walk_helpers_follow_xdsl_orders():
    """walk_ops is Operation.walk's pre-order; the walker's sweep list is
    Region.walk(reverse=True, region_first=True); ops_of_class filters walk_ops."""
    from compiler.transforms.utils import _reverse_post_order, ops_of_class, walk_ops

    total = 0
    for case in [c for name in ("circle-cleanup.mlir", "circle-sink-transposes.mlir",
                                "circle-fuse-activation.mlir") for c in _cases(name)]:
        module = Parser(make_context(), case).parse_module()
        total += sum(1 for _ in module.walk())
        assert [id(o) for o in walk_ops(module)] == [id(o) for o in module.walk()]
        assert [id(o) for o in _reverse_post_order(module.body)] == [
            id(o) for o in module.body.walk(reverse=True, region_first=True)]
        assert [id(o) for o in ops_of_class(module, circle.TransposeOp)] == [
            id(o) for o in module.walk() if isinstance(o, circle.TransposeOp)]
    assert total > 50


def test_trait_of_is_get_trait():
    from compiler.ir.quant_traits import BiasOperand, SameScale
    from compiler.transforms.utils import trait_of

    for cls in (circle.Conv2DOp, circle.TransposeOp, circle.AddOp, quant.DequantizeCastOp):
        for trait in (BiasOperand, SameScale):
            assert trait_of(cls, trait) is cls.get_trait(trait)
    assert trait_of(circle.Conv2DOp, BiasOperand) is not None
    assert trait_of(circle.AddOp, BiasOperand) is None
