"""The xDSL `Context` with every dialect this compiler uses, registered lazily."""

from __future__ import annotations

from collections.abc import Callable

from xdsl.context import Context
from xdsl.ir import Dialect


def _builtin() -> Dialect:
    from xdsl.dialects.builtin import Builtin

    return Builtin


def _func() -> Dialect:
    from xdsl.dialects.func import Func

    return Func


def _quant() -> Dialect:
    from compiler.dialects.quant import Quant

    return Quant


def _aten() -> Dialect:
    """ATen's ops of `compiler.dialects.aten.SCHEMAS` and every one a legalization names,
    so that textual IR (qopt, lit tests) can spell each op the compiler lowers."""
    from compiler.dialects.aten import aten_dialect
    from compiler.transforms.legalize import load_all

    return aten_dialect(load_all())


def _circle() -> Dialect:
    from compiler.dialects.circle import Circle

    return Circle


def _test() -> Dialect:
    from xdsl.dialects.test import Test

    return Test


#: name -> factory; the single source of truth for qopt and the Python API.
DIALECTS: dict[str, Callable[[], Dialect]] = {
    "builtin": _builtin,
    "func": _func,
    "quant": _quant,
    "aten": _aten,
    "circle": _circle,
    # `"test.op"() : () -> T` makes a value of any type in tests.
    "test": _test,
}


def make_context(allow_unregistered: bool = False) -> Context:
    """A context that knows builtin, func, quant, aten and circle."""
    ctx = Context(allow_unregistered=allow_unregistered)
    for name, factory in DIALECTS.items():
        ctx.register_dialect(name, factory)
    return ctx
