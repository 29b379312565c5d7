"""compiler.transforms.dce.region_dce erases exactly what xDSL's region_dce erases."""

from xdsl.parser import Parser
from xdsl.transforms.dead_code_elimination import region_dce as xdsl_region_dce

from compiler.ir import make_context
from compiler.transforms.dce import region_dce

T = "tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>>"
TT = "tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-3>>"

# Dead chains of pure ops (circle, quant), a live chain, an op without memory-effect
# traits (func.call: kept although unused), a nested function with its own dead code.
IR = f"""
func.func @callee(%x: {T}) -> {T} {{
  %p = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
  %dead = circle.transpose %x, %p : ({T}, tensor<4xi32>) -> {TT}
  %r = circle.relu %x : ({T}) -> {T}
  func.return %r : {T}
}}
func.func @main(%x: {T}) -> {T} {{
  %p = circle.const dense<[0, 3, 1, 2]> : tensor<4xi32>
  %t = circle.transpose %x, %p : ({T}, tensor<4xi32>) -> {TT}
  %r = circle.relu %t : ({TT}) -> {TT}
  %d = quant.dcast %r : {TT} to tensor<1x2x4x4xf32>
  %kept = func.call @callee(%x) : ({T}) -> {T}
  %live = circle.relu %x : ({T}) -> {T}
  %unused = circle.relu %kept : ({T}) -> {T}
  func.return %live : {T}
}}
"""


def _run(dce) -> tuple[str, bool]:
    module = Parser(make_context(), IR).parse_module()
    changed = dce(module.body)
    return str(module), changed


def test_same_ops_erased_as_xdsl():
    ours, ours_changed = _run(region_dce)
    theirs, theirs_changed = _run(xdsl_region_dce)
    assert ours == theirs
    assert ours_changed == theirs_changed
    assert "circle.transpose" not in ours and "quant.dcast" not in ours
    assert "func.call @callee" in ours  # no memory-effect trait: not removable
    assert ours.count("circle.relu") == 2  # @callee's result and %live


class _Removals:
    """A listener recording the ops removed, in order, as printed before removal."""

    def __init__(self):
        self.removed: list[str] = []

    def handle_operation_removal(self, op):
        self.removed.append(str(op))


def _run_listened(dce, text: str) -> tuple[str, bool, list[str]]:
    module = Parser(make_context(), text).parse_module()
    listener = _Removals()
    changed = dce(module.body, listener)
    return str(module), changed, listener.removed


def test_same_removal_order_as_xdsl():
    """The one-sweep path notifies the listener of the same ops, in the same order."""
    ours = _run_listened(region_dce, IR)
    theirs = _run_listened(xdsl_region_dce, IR)
    assert ours == theirs
    assert len(ours[2]) == 7  # @callee: 2 dead ops, @main: 5


# A use before its definition (a graph region): the first sweep judges %v dead before
# its user is marked live, so the sweeps must continue to the fixpoint; a dead op with
# a region (test.pureop) is erased whole, as xDSL erases it.
IR_FIXPOINT = f"""
func.func @main(%x: {T}) -> {T} {{
  "test.op"() ({{
    "test.op"(%v) : ({T}) -> ()
    %v = circle.relu %x : ({T}) -> {T}
    %w = circle.relu %x : ({T}) -> {T}
  }}) : () -> ()
  %p = "test.pureop"() ({{
    %q = circle.relu %x : ({T}) -> {T}
    "test.termop"() : () -> ()
  }}) : () -> ({T})
  func.return %x : {T}
}}
"""


def test_fixpoint_and_regions_as_xdsl():
    ours = _run_listened(region_dce, IR_FIXPOINT)
    theirs = _run_listened(xdsl_region_dce, IR_FIXPOINT)
    assert ours == theirs
    text, changed, removed = ours
    assert changed and "%v = circle.relu" in text  # its user, before it, is live
    assert "%w" not in text and "test.pureop" not in text
    assert len(removed) == 2  # %w and the pure op (its region goes with it)
