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
