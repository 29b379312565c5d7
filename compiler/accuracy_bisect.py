"""Accuracy bisection: the first op where the circle IR loses precision against PT2E.

    from compiler.accuracy_bisect import accuracy_bisect
    b = accuracy_bisect(program, circle_module, [x])   # torch's converted PT2E program
    print(b)                  # per op: SQNR vs PT2E, and the first op that loses
    b.first_loss              # the first op whose SQNR drops by > `drop_db` below its inputs'

`compiler.bisect` finds where a *runtime* departs from the IR; this finds where the IR
(the compiler's lowering) departs from the program it was compiled from. Torch's
converted PT2E program (q/dq in float) runs node by node (`torch.fx.Interpreter`) and
the circle IR op by op in the reference interpreter. Every imported op keeps its FX node
name as its location (`compiler.frontend.locations`), and the ops a legalization creates
keep it too; the op of each name that the IR computes last is the node's value. It is
compared with the value PT2E carries forward from that node: the dequantized result of
the `quantize_per_tensor` that follows it, when one does (the IR op's output is that
quantized tensor), else the node's own output. Rank-4 circle values of image ops are
NHWC: when the shapes differ by that layout the IR value is transposed to NCHW first.

Each compared op gets the SQNR (dB) of the IR value against PT2E's, the share of equal
elements, and max |difference| in steps of the IR's quantization. Its *drop* is how much
worse it is than its worst compared input (an op whose inputs already agree badly is not
blamed for them); the first op whose drop exceeds `drop_db` and whose SQNR is below
`floor_db` is `first_loss`. Its *local* SQNR and steps are the op's own doing: the op
re-run alone in the interpreter on PT2E's values of its inputs (quantized with the
operand types), against PT2E's output (a node lowered to several ops of its name is
re-run whole); an op whose local figures are near exact only carries differences that
arrived from upstream.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.interpreter import Interpreter
from xdsl.ir import Operation, SSAValue

from compiler.dialects.circle_base import ConstOp
from compiler.interpreter import entry_function
from compiler.interpreter.runner import make_interpreter
from compiler.interpreter.values import element_type
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType


def sqnr_db(ref: np.ndarray, x: np.ndarray) -> float:
    """SQNR of `x` against `ref` in dB (`inf` when equal; `-inf` when an element is
    NaN or infinite in one and not the same in the other: a diverged op is the worst
    loss, never none)."""
    ref, x = np.asarray(ref, np.float64), np.asarray(x, np.float64)
    finite = np.isfinite(ref) & np.isfinite(x)
    same = (ref == x) | (np.isnan(ref) & np.isnan(x))
    if np.any(~finite & ~same):
        return -math.inf
    with np.errstate(invalid="ignore"):  # inf - inf where both are the same infinity
        noise = float(np.sum(np.where(same, 0.0, ref - x) ** 2))
    if noise == 0.0:
        return math.inf
    signal = float(np.sum(np.where(finite, ref, 0.0) ** 2))
    return 10 * math.log10(signal / noise) if signal > 0 else -math.inf


@dataclass
class OpAccuracy:
    """One IR op compared with the PT2E node of the same name."""

    index: int  # position among the compared ops
    name: str  # the FX node name (the op's location)
    op: str  # the circle op
    shape: tuple[int, ...]
    sqnr_db: float
    equal: float  # share of elements equal to PT2E's, %
    max_steps: float | None  # max |IR - PT2E| in steps of the IR's scale
    drop_db: float  # worst compared input's SQNR minus this op's (positive: it loses)
    type: str = ""  # the IR output's quantization
    local_db: float | None = None  # the op re-run alone on PT2E's own inputs, vs PT2E
    local_steps: float | None = None  # its max |difference| in steps

    def row(self) -> str:
        steps = "-" if self.max_steps is None else f"{self.max_steps:g}"
        local = "-" if self.local_db is None else f"{self.local_db:.2f}"
        lsteps = "-" if self.local_steps is None else f"{self.local_steps:g}"
        return (f"{self.index:>4} {self.name:<28} {self.op:<22} {self.sqnr_db:>8.2f} "
                f"{self.drop_db:>7.2f} {self.equal:>7.2f} {steps:>8} {local:>8} {lsteps:>6}"
                f"  {self.type}")


@dataclass
class AccuracyBisection:
    ops: list[OpAccuracy] = field(default_factory=list)
    drop_db: float = 6.0
    floor_db: float = 30.0

    @property
    def first_loss(self) -> OpAccuracy | None:
        """The first op losing more than `drop_db` against its inputs, below `floor_db`."""
        return next((o for o in self.ops
                     if o.drop_db > self.drop_db and o.sqnr_db < self.floor_db), None)

    def __str__(self) -> str:
        head = (f"{'#':>4} {'node':<28} {'circle op':<22} {'SQNR dB':>8} {'drop':>7} "
                f"{'equal %':>7} {'steps':>8} {'local dB':>8} {'steps':>6}  IR type")
        lines = ["accuracy bisection: circle IR vs PT2E, op by op", head,
                 *(o.row() for o in self.ops)]
        first = self.first_loss
        lines.append(f"first loss: #{first.index} {first.name} ({first.op}): SQNR "
                     f"{first.sqnr_db:.2f} dB, {first.drop_db:.2f} dB below its inputs"
                     if first else
                     f"first loss: none (no op loses > {self.drop_db:g} dB below "
                     f"{self.floor_db:g} dB)")
        return "\n".join(lines)


# ---- PT2E side -----------------------------------------------------------------------------

_Q = {"quantize_per_tensor", "quantize_per_channel"}


def _pt2e_values(program: Any, inputs: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """Every node's carried-forward value (see the module doc), by node name."""
    import torch
    import torch.fx

    if isinstance(program, torch.export.ExportedProgram):
        program = program.module()
    raw: dict[torch.fx.Node, Any] = {}

    class _Recording(torch.fx.Interpreter):
        def run_node(self, n):
            out = super().run_node(n)
            if isinstance(out, torch.Tensor):
                raw[n] = out.detach()
            return out

    with torch.no_grad():
        _Recording(program).run(*[torch.from_numpy(np.ascontiguousarray(x)) for x in inputs])
    values: dict[str, np.ndarray] = {}
    for node, out in raw.items():
        if not out.is_floating_point():
            continue
        carried = out
        for user in node.users:
            name = getattr(user.target, "__name__", str(user.target)).split(".")[0]
            if name in _Q:
                deq = next((u for u in user.users if u in raw), None)
                if deq is not None:
                    carried = raw[deq]
                break
        values[node.name] = carried.numpy().astype(np.float64)
    return values


# ---- IR side -------------------------------------------------------------------------------


def _name(op: Operation) -> str | None:
    from compiler.codegen.writer import location_name

    return location_name(op.location)


def _real(v: SSAValue, arr: np.ndarray) -> np.ndarray:
    et = element_type(v)
    if isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType):
        return et.dequantize(np.asarray(arr)).astype(np.float64)
    return np.asarray(arr, np.float64)


def _type(v: SSAValue) -> tuple[str, float | None]:
    et = element_type(v)
    if isinstance(et, UniformQuantizedType):
        s = float(et.scale.data)
        return f"{et.storage_spelling} scale {s:.4g} zp {et.zero_point.data}", s
    return str(et), None


def _candidates(ir: np.ndarray, ref: np.ndarray):
    """(layout, IR value in PT2E's layout): as is, NHWC -> NCHW, or a moved reshape."""
    if ir.shape == ref.shape:
        yield "same", ir
    if ir.ndim == 4 and ir.transpose(0, 3, 1, 2).shape == ref.shape:
        yield "nhwc", ir.transpose(0, 3, 1, 2)
    if ir.shape != ref.shape and ir.size == ref.size:  # e.g. around a FULLY_CONNECTED
        yield "reshape", ir.reshape(ref.shape)


def _align(ir: np.ndarray, ref: np.ndarray) -> tuple[str, np.ndarray] | None:
    """The IR value in PT2E's layout. A rank-4 circle value is NHWC when it comes from
    an image op and in torch's order otherwise (attention scores); when both fit (H = W
    = C) the layout that agrees better is taken."""
    found = list(_candidates(ir, ref))
    if not found:
        return None
    return max(found, key=lambda c: sqnr_db(ref, c[1]))


def _unalign(ref: np.ndarray, layout: str, shape: tuple[int, ...]) -> np.ndarray:
    """`ref` (PT2E's layout) in the IR value's `shape` (`_align`'s inverse)."""
    if layout == "nhwc":
        return ref.transpose(0, 2, 3, 1)
    return ref.reshape(shape)


def _unalign_back(ir: np.ndarray, layout: str, shape: tuple[int, ...]) -> np.ndarray:
    """An IR value in PT2E's layout, by the layout `_align` chose for it."""
    if layout == "nhwc":
        return ir.transpose(0, 3, 1, 2)
    return ir.reshape(shape)


def _stored(v: SSAValue, real: np.ndarray, like: np.ndarray) -> np.ndarray:
    """PT2E's real values as `v`'s runtime array (quantized with its type)."""
    et = element_type(v)
    if isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType):
        return et.quantize(real.astype(np.float32))
    return real.astype(like.dtype)


def _local(interp, op: Operation, name_of: dict[SSAValue, str], ref: dict[str, np.ndarray],
           values: dict[SSAValue, np.ndarray], layout: dict[SSAValue, str]
           ) -> np.ndarray | None:
    """`op` re-run alone with every operand that PT2E computes replaced by PT2E's value
    (quantized with the operand's type); None when no operand has one.

    An operand computed by an op of the same name (a node lowered to several ops: a
    FULLY_CONNECTED or MEAN as a CONV_2D between RESHAPEs, a float island) is re-run too,
    from PT2E's values of its inputs, so the node's whole lowering is measured, not only
    its last op."""
    name = _name(op)

    def value(v: SSAValue, memo: dict[SSAValue, np.ndarray | None]) -> tuple[Any, bool]:
        arr = values.get(v)
        theirs = name_of.get(v)
        if arr is not None and theirs is not None and v in layout:
            return _stored(v, _unalign(ref[theirs], layout[v], arr.shape), arr), True
        owner = v.owner
        if (isinstance(owner, Operation) and not isinstance(owner, ConstOp)
                and _name(owner) == name and len(owner.results) == 1):
            if v not in memo:
                memo[v] = rerun(owner, memo)
            if memo[v] is not None:
                return memo[v], True
        return arr, False

    def rerun(o: Operation, memo) -> np.ndarray | None:
        inputs, replaced = [], False
        for v in o.operands:
            arr, theirs = value(v, memo)
            inputs.append(arr)
            replaced |= theirs
        if not replaced or any(a is None for a in inputs):
            return None
        (out, *_) = interp.run_op(o, tuple(inputs))
        return np.asarray(out)

    return rerun(op, {})


def accuracy_bisect(program: Any, module: ModuleOp, inputs: Sequence[np.ndarray],
                    drop_db: float = 6.0, floor_db: float = 30.0) -> AccuracyBisection:
    """Compare `module` (circle IR at any stage) with torch's PT2E `program` op by op on
    the model's real `inputs` (see the module docstring)."""
    from compiler.verify import stage_inputs

    ref = _pt2e_values(program, inputs)
    values: dict[SSAValue, np.ndarray] = {}

    class _Values(Interpreter.Listener):
        def did_interpret_op(self, op: Operation, results) -> None:
            for r, v in zip(op.results, results):
                if v is not None:
                    values[r] = np.asarray(v)

    listener = _Values()
    interp = make_interpreter(module, [listener])
    func = entry_function(module)
    interp.call_op(func, tuple(stage_inputs(module, inputs)))

    # the last op of each name computes the node's value
    last: dict[str, Operation] = {}
    for op in func.body.block.ops:  # type: ignore[union-attr]
        name = _name(op)
        if isinstance(op, ConstOp):  # nothing computed: a weight, a folded constant
            continue
        if name in ref and len(op.results) == 1 and op.results[0] in values:
            last[name] = op
    chosen = set(map(id, last.values()))
    name_of = {op.results[0]: name for name, op in last.items()}
    layout: dict[SSAValue, str] = {}
    alone = make_interpreter(module)  # re-runs single ops
    result = AccuracyBisection(drop_db=drop_db, floor_db=floor_db)
    sqnr_of: dict[SSAValue, float] = {}
    for op in func.body.block.ops:  # type: ignore[union-attr]
        if id(op) not in chosen:
            # an op without its own comparison passes its inputs' worst SQNR on
            ins = [sqnr_of[v] for v in op.operands if v in sqnr_of]
            for r in op.results:
                if ins:
                    sqnr_of[r] = min(ins)
            continue
        r = op.results[0]
        name = _name(op)
        expected = ref[name]
        aligned = _align(_real(r, values[r]), expected)
        if aligned is None:
            continue
        layout[r], got = aligned
        s = sqnr_db(expected, got)
        sqnr_of[r] = s
        ins = [sqnr_of[v] for v in op.operands if v in sqnr_of]
        worst_in = min(ins) if ins else math.inf
        drop = 0.0 if math.isinf(s) else (worst_in - s if not math.isinf(worst_in) else 200.0 - s)
        spelling, scale = _type(r)
        steps = float(np.abs(got - expected).max() / scale) if scale and got.size else None
        local_db = local_steps = None
        again = _local(alone, op, name_of, ref, values, layout)
        if again is not None:
            mine = _unalign_back(_real(r, again), layout[r], expected.shape)
            local_db = sqnr_db(expected, mine)
            if scale and mine.size:
                local_steps = float(np.abs(mine - expected).max() / scale)
        result.ops.append(OpAccuracy(
            index=len(result.ops), name=name, op=op.name.removeprefix("circle."),
            shape=tuple(expected.shape), sqnr_db=s,
            equal=100.0 * float((got == expected).mean()) if got.size else 100.0,
            max_steps=steps, drop_db=drop, type=spelling, local_db=local_db,
            local_steps=local_steps))
    return result


__all__ = ["AccuracyBisection", "OpAccuracy", "accuracy_bisect", "sqnr_db"]
