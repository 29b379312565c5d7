"""`may_be_infinite` decides each value once: asked of every QUANTIZE along a long float
chain (a residual stream under allow-float), inside `infinity_memo()` (as target-legalize
asks it), it visits each value once instead of once per QUANTIZE; and its answers are
those of the search over each QUANTIZE's producers."""

from __future__ import annotations

from xdsl.parser import Parser

from compiler.dialects import circle
from compiler.ir import float_ranges
from compiler.ir.context import make_context
from compiler.ir.float_ranges import infinity_memo, may_be_infinite

Q = "!quant.uniform<u8:f32, 0.5:10>"


def _chain(n: int, every: int, head: str) -> str:
    """`head` (x, or 1 / x) then n ABS ops, a QUANTIZE of every `every`-th."""
    lines = ["func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {"]
    if head == "div":
        lines += ['  %one = circle.const dense<1.0> : tensor<1xf32>',
                  '  %v0 = circle.div %one, %x {fused_activation_function = "NONE"} : '
                  '(tensor<1xf32>, tensor<4xf32>) -> tensor<4xf32>']
    else:
        lines += ["  %v0 = circle.floor %x : (tensor<4xf32>) -> tensor<4xf32>"]
    for i in range(1, n + 1):
        lines.append(f"  %v{i} = circle.abs %v{i - 1} : (tensor<4xf32>) -> tensor<4xf32>")
        if i % every == 0:
            lines.append(f"  %q{i} = circle.quantize %v{i} : (tensor<4xf32>) -> tensor<4x{Q}>")
    lines += [f"  func.return %v{n} : tensor<4xf32>", "}"]
    return "\n".join(lines)


def _quantizes(head: str, n: int = 400, every: int = 10):
    module = Parser(make_context(), _chain(n, every, head)).parse_module()
    return [op for op in module.walk() if isinstance(op, circle.QuantizeOp)]


def _counting(monkeypatch) -> list:
    calls: list = []
    clamped = float_ranges._clamped
    monkeypatch.setattr(float_ranges, "_clamped", lambda v: calls.append(v) or clamped(v))
    return calls


def test_each_value_is_decided_once_within_the_memo(monkeypatch):
    qs = _quantizes("div")
    calls = _counting(monkeypatch)
    with infinity_memo():
        assert all(may_be_infinite(q.operands[0]) for q in qs)
        assert all(may_be_infinite(q.operands[0]) for q in qs)  # asked again: no visit
    assert len(calls) == len({id(v) for v in calls}) == 401  # the 400 ABS and the DIV


def test_without_the_memo_each_call_searches_afresh(monkeypatch):
    qs = _quantizes("div")
    calls = _counting(monkeypatch)
    assert all(may_be_infinite(q.operands[0]) for q in qs)
    assert len(calls) == sum(10 * k + 1 for k in range(1, 41))


def test_a_finite_chain_is_finite():
    """FLOOR of a model input then ABS: no op on the way yields an infinity."""
    with infinity_memo():
        assert not any(may_be_infinite(q.operands[0]) for q in _quantizes("floor"))
