"""`circle-sink-transposes` follows chains of unary element-wise ops in one rewrite
(`SinkTransposeThroughElementwise.follow_chains`); the IR it leaves, locations and
names included, is the step-by-step rewrite's (LAYOUT_PATTERNS, then region_dce)."""

import io
from pathlib import Path

import pytest
from xdsl.parser import Parser
from xdsl.pattern_rewriter import RewritePattern, op_type_rewrite_pattern
from xdsl.printer import Printer

from compiler.dialects import circle
from compiler.ir import make_context
from compiler.transforms.dce import region_dce
from compiler.transforms.patterns.layout import (
    LAYOUT_PATTERNS,
    SinkTransposeThroughElementwise,
    sink_patterns,
)
from compiler.transforms.utils import apply_patterns

LIT = Path(__file__).resolve().parents[1] / "lit" / "transforms"

# A transpose in front of a chain relu -> qcast -> dcast -> tanh whose result meets an
# NHWC value (the transpose stops there), and a transpose in front of a DEQUANTIZE (not
# crossed).
CHAINS = """
func.func @f(%x: tensor<1x4x8x8xf32>, %y: tensor<1x8x8x4xf32>,
             %q: tensor<1x8x8x4x!quant.uniform<u8:f32, 0.1:3>>)
    -> (tensor<1x8x8x4xf32>, tensor<1x4x8x8xf32>) {
  %p = circle.const dense<[0, 2, 3, 1]> : tensor<4xi32> loc("p")
  %i = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32> loc("i")
  %t = circle.transpose %x, %p : (tensor<1x4x8x8xf32>, tensor<4xi32>) -> tensor<1x8x8x4xf32> loc("t")
  %r = circle.relu %t : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> loc("r")
  %qq = quant.qcast %r : tensor<1x8x8x4xf32> to tensor<1x8x8x4x!quant.uniform<u8:f32, 0.01>> loc("qq")
  %dq = quant.dcast %qq : tensor<1x8x8x4x!quant.uniform<u8:f32, 0.01>> to tensor<1x8x8x4xf32> loc("dq")
  %th = circle.tanh %dq : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> loc("th")
  %a = circle.add %th, %y : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> loc("a")
  %t2 = circle.transpose %q, %i : (tensor<1x8x8x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<4xi32>) -> tensor<1x4x8x8x!quant.uniform<u8:f32, 0.1:3>> loc("t2")
  %d = circle.dequantize %t2 : (tensor<1x4x8x8x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x4x8x8xf32> loc("d")
  %e = circle.exp %d : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("e")
  func.return %a, %e : tensor<1x8x8x4xf32>, tensor<1x4x8x8xf32>
}
"""


def _cases() -> list[str]:
    found = [CHAINS]
    for name in ("circle-sink-transposes.mlir", "circle-cleanup.mlir"):
        found += [c for c in (LIT / name).read_text().split("// -----") if "func.func" in c]
    return found


def _run(text: str, patterns) -> str:
    """The IR after the rewrite, with locations, and the order of every value's uses
    (which later rewrites may depend on, e.g. the order users are visited in)."""
    module = Parser(make_context(), text).parse_module()
    apply_patterns(module, patterns)
    region_dce(module.body)
    out = io.StringIO()
    Printer(stream=out, print_debuginfo=True).print_op(module)
    index = {op: i for i, op in enumerate(module.walk())}
    uses = [[(index[u.operation], u.index) for u in r.uses]
            for op in module.walk() for r in op.results]
    return out.getvalue() + repr(uses)


@pytest.mark.parametrize("index", range(len(_cases())))
def test_chains_rewrite_as_one_op_at_a_time(index):
    text = _cases()[index]
    assert _run(text, sink_patterns()) == _run(text, LAYOUT_PATTERNS)


def test_the_chain_case_is_followed():
    out = _run(CHAINS, sink_patterns())
    # one transpose after the rebuilt relu -> qcast -> dcast -> tanh chain, named
    # and located after what it replaces; none crossed the DEQUANTIZE
    assert out.count("circle.transpose") == 2, out
    assert '%th = circle.transpose' in out and 'loc("th/transpose")' in out


class _OnConstants(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.ConstOp, rewriter) -> None:
        pass


class _OnTransposes(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.TransposeOp, rewriter) -> None:
        pass


def test_chains_are_refused_when_another_pattern_could_act_first():
    sink = SinkTransposeThroughElementwise()
    with pytest.raises(ValueError, match="constants"):
        sink.follow_chains([sink, _OnConstants()])
    sink = SinkTransposeThroughElementwise()
    with pytest.raises(ValueError, match="before"):
        sink.follow_chains([_OnTransposes(), sink])
    sink = SinkTransposeThroughElementwise()
    sink.follow_chains([sink, _OnTransposes()])  # after it: fine
