"""What onert (ONE's runtime, PyPI `onert` 0.1.0) refuses or gets wrong, as a static check.

`write_circle` does not apply it: a `.circle` file is also for ONE's other tools and
backends. `lower(..., target="onert")` (qcompile for a `.circle`) legalizes what it can
and refuses the rest at compile time (`compiler.transforms.target_legalize`); a user
holding a module calls `check_onert(module)`, or `onert_problems(module)` to list
everything at once.

The facts are the circle ops' runtime traits (`compiler.ir.runtime_traits`: `Refuses` /
`Miscomputes` for `ONERT`, and onert running no int16 tensor at all), each a measurement
pinned by test/python/test_runtimes.py against onert with its own message.
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp

from compiler.codegen.writer import model_function
from compiler.dialects.circle_base import CircleOp
from compiler.ir.diagnostics import CompileError, error_at
from compiler.ir.runtime_traits import ONERT, RUNTIME_REFUSES, problem, storage


def onert_problems(module: ModuleOp) -> list[CompileError]:
    """Every reason onert would refuse `module` or compute it wrongly, each located at
    its op, in IR order."""
    func = model_function(module)
    problems: list[CompileError] = []
    for i, arg in enumerate(func.body.block.args):
        reason = RUNTIME_REFUSES[ONERT].get(storage(arg))
        if reason:
            problems.append(error_at(func, f"input #{i}: {reason}"))
    for op in func.body.block.ops:
        if not isinstance(op, CircleOp) or op.BUILTIN is None:
            continue
        reason = problem(op, ONERT)
        if reason:
            problems.append(error_at(op, reason))
    return problems


def check_onert(module: ModuleOp) -> None:
    """Raise the first of `onert_problems(module)`, if any."""
    problems = onert_problems(module)
    if problems:
        raise problems[0]


__all__ = ["check_onert", "onert_problems"]
