"""Runtime bisection: the first op where a real runtime departs from the circle IR.

    from compiler.bisect import bisect
    b = bisect(data, [x], "onert")                     # or "litert", resolver="AUTO"
    b = bisect(data, [x], "litert", "BUILTIN_REF", source=circle_module)
    print(b)                      # the first divergent op, or "agrees"
    b.error                       # the first departure beyond its tolerance, or None

The flatbuffer `data` runs once in the runtime keeping every intermediate tensor
(`compiler.runtimes.run_every_tensor`) and once in the reference interpreter, read back
(`read_flatbuffer`: its ops are the file's operators in order, so each runtime tensor
is matched to its IR value by position, exactly, whatever the names). Then, in
topological (operator) order, each op's runtime output is compared with what the
interpreter computes **from the runtime's own inputs of that op**: the interpreter's
value when the inputs agree, else the op re-run alone on the runtime's input values. So
every op is judged on its own kernel: a departure upstream is not blamed on the ops
after it, and the first op whose output differs while its inputs agree is the first
departure.

Each departure is checked against the runtime's documented tolerance for that op
(`tolerance`: the op's `Tolerance` traits, `compiler.ir.runtime_traits`; docs/runtimes.md
gives the evidence for each): a departure within it is *tolerated* and the run goes on
with the runtime's values (so a tolerated MEAN in onert is not re-counted at every op
after it); the first departure beyond it is the `error`.
Quantized tensors are compared as storage integers, in steps of their scale; float
tensors in units in the last place (ulp, float32) of the tensor's largest magnitude.

`source` (the circle module the file was written from) gives each op its source
location: the two are matched by position when their operator sequences agree, else by
tensor name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.interpreter import Interpreter
from xdsl.ir import Operation, SSAValue

from compiler.dialects.circle_base import CircleOp, ConstOp, NoValueOp
from compiler.interpreter import as_module, entry_function
from compiler.interpreter.runner import make_interpreter
from compiler.interpreter.values import element_type, runtime_dtype
from compiler.ir.diagnostics import op_location
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType
from compiler.ir.runtime_traits import LITERT, tolerated_steps
from compiler.runtimes import run_every_tensor

# ---- tolerances ----------------------------------------------------------------------------


def tolerance(runtime: str, resolver: str | None, op: Operation) -> int:
    """How many steps `runtime` (with `resolver`) may differ from the IR at `op`: the
    op's `Tolerance` traits (`compiler.ir.runtime_traits`) for its output storage; an op
    without one must be bit-exact. Every value is measured (docs/runtimes.md)."""
    storage = _storage(op.results[0]) if op.results else None
    if storage is None and op.results:
        storage = str(element_type(op.results[0]))  # "f32", "i32", "i1"
    return tolerated_steps(op, runtime, resolver if runtime == LITERT else None, storage)


def _storage(v: SSAValue) -> str | None:
    et = element_type(v)
    if isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType):
        return et.storage_spelling
    return None


# ---- what a departure is -----------------------------------------------------------------


def describe_value(v: SSAValue, name: str | None = None) -> str:
    """`'name' u8 scale 0.0235 zp 128 [1, 8, 8, 16]`: a tensor's quantization and shape."""
    et = element_type(v)
    shape = list(getattr(v.type, "get_shape", lambda: ())())
    if isinstance(et, UniformQuantizedType):
        q = f"{et.storage_spelling} scale {et.scale.data:.6g} zp {et.zero_point.data}"
    elif isinstance(et, UniformQuantizedPerAxisType):
        s = et.scales
        q = (f"{et.storage_spelling} per-axis (dim {et.quantized_dimension}, {len(s)} scales "
             f"{float(s.min()):.4g}..{float(s.max()):.4g})")
    else:
        q = str(et)
    return f"{repr(name) + ' ' if name else ''}{q} {shape}"


@dataclass
class Departure:
    """One op whose runtime output differs from the interpreter's on the same inputs."""

    index: int  # position among the file's operators
    builtin: str
    name: str  # the output tensor's name
    location: str | None
    inputs: list[str]  # describe_value of each input
    output: str
    differing: int
    total: int
    max_steps: float | None  # None for a shape mismatch
    max_abs: float
    histogram: dict[str, int] = field(default_factory=dict)  # |steps| bin -> elements
    tolerance: int = 0
    inputs_agree: bool = True  # False: judged by re-running the op on the runtime's inputs
    problem: str | None = None  # e.g. a shape the runtime returned that does not fit
    is_float: bool = False  # a float tensor: steps are units in the last place (f32)

    @property
    def tolerated(self) -> bool:
        return (self.problem is None and self.max_steps is not None
                and self.max_steps <= self.tolerance)

    def headline(self) -> str:
        where = f" at {self.location}" if self.location else f" '{self.name}'"
        return f"op #{self.index} {self.builtin}{where}"

    def summary(self) -> str:
        """How much it differs: `120 of 4096 elements (2.93 %), max 1 step (1: 120)`."""
        if self.problem:
            return self.problem
        share = 100.0 * self.differing / self.total if self.total else 0.0
        head = f"{self.differing} of {self.total} elements ({share:.2f} %)"
        hist = ", ".join(f"{k}: {n}" for k, n in self.histogram.items())
        unit = "step" if self.max_steps == 1 else "steps"
        if self.is_float:
            unit = f"ulp (|diff| {self.max_abs:.3g})"
        return f"{head}, max {self.max_steps:g} {unit} (|steps|: elements {hist})"

    def lines(self) -> list[str]:
        verdict = (f"within the tolerance ({self.tolerance} step)" if self.tolerated
                   else f"beyond the tolerance ({self.tolerance} steps)")
        out = [self.headline(),
               *[f"  input #{i}: {s}" for i, s in enumerate(self.inputs)],
               f"  output:   {self.output}",
               f"  differs:  {self.summary()}; {verdict}"]
        if not self.inputs_agree:
            out.append("  (its inputs already differed: compared with the op re-run on the "
                       "runtime's inputs)")
        return out


@dataclass
class Bisection:
    runtime: str
    resolver: str | None
    compared: int  # ops compared
    outputs_equal: bool
    departures: list[Departure] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.runtime} ({self.resolver})" if self.runtime == "litert" else self.runtime

    @property
    def first(self) -> Departure | None:
        return self.departures[0] if self.departures else None

    @property
    def error(self) -> Departure | None:
        """The first departure beyond its tolerance."""
        return next((d for d in self.departures if not d.tolerated), None)

    def brief(self) -> str:
        """One line when nothing is beyond tolerance (else the full `str`)."""
        if self.error is not None or not self.departures:
            return str(self)
        by: dict[str, list[Departure]] = {}
        for d in self.departures:
            by.setdefault(d.builtin, []).append(d)
        parts = [f"{b} x{len(ds)} (max {max(d.max_steps or 0 for d in ds):g})"
                 for b, ds in by.items()]
        return (f"bisection: {self.label}: {len(self.departures)} op(s) depart from the "
                f"interpreter, all within their tolerance: {', '.join(parts)}")

    def __str__(self) -> str:
        head = f"bisection: {self.label} vs the interpreter, {self.compared} ops compared"
        if not self.departures:
            return f"{head}: every tensor equal"
        lines = [f"{head}: {len(self.departures)} op(s) depart, "
                 f"{sum(not d.tolerated for d in self.departures)} beyond tolerance",
                 "first divergent " + "\n".join(self.departures[0].lines())]
        err = self.error
        if err is not None and err is not self.departures[0]:
            lines.append("first beyond tolerance: " + "\n".join(err.lines()))
        rest = [d for d in self.departures[1:] if d is not err]
        for d in rest[:8]:
            mark = "tolerated" if d.tolerated else "BEYOND"
            lines.append(f"  also {d.headline()}: {d.summary()} [{mark}]")
        if len(rest) > 8:
            lines.append(f"  ... and {len(rest) - 8} more")
        return "\n".join(lines)


# ---- the walk ------------------------------------------------------------------------------


class _Values(Interpreter.Listener):
    def __init__(self) -> None:
        self.values: dict[SSAValue, np.ndarray | None] = {}

    def did_interpret_op(self, op: Operation, results) -> None:
        for r, v in zip(op.results, results):
            self.values[r] = None if v is None else np.asarray(v)


def _operators(module: ModuleOp) -> list[CircleOp]:
    func = entry_function(module)
    return [op for op in func.body.block.ops  # type: ignore[union-attr]
            if isinstance(op, CircleOp) and not isinstance(op, ConstOp | NoValueOp)
            and op.BUILTIN is not None]


def _source_ops(read_back: list[CircleOp], source: ModuleOp | None) -> list[Operation]:
    """The op of `source` each read-back operator came from (itself when unknown)."""
    if source is None:
        return list(read_back)
    theirs = _operators(source)
    if [o.BUILTIN for o in theirs] == [o.BUILTIN for o in read_back]:
        return list(theirs)
    from compiler.codegen.writer import location_name

    by_name = {}
    for o in theirs:
        by_name.setdefault(location_name(o.location), o)
    return [by_name.get(location_name(o.location), o) for o in read_back]


def _histogram(steps: np.ndarray) -> dict[str, int]:
    """Elements per |steps| bin: 1, 2, 3-4, 5-8, ... (powers of two), empty bins left out;
    "inf" counts the elements that are +-inf or NaN on one side only."""
    out: dict[str, int] = {}
    infinite = int((~np.isfinite(steps)).sum())
    steps = steps[np.isfinite(steps)]
    lo = 1
    while steps.size:
        hi = max(lo, 2 * lo - 2) if lo > 2 else lo
        n = int(((steps >= lo) & (steps <= hi)).sum())
        if n:
            out[str(lo) if lo == hi else f"{lo}-{hi}"] = n
        steps = steps[steps > hi]
        lo = hi + 1
    if infinite:
        out["inf"] = infinite
    return out


def _steps(expected: np.ndarray, got: np.ndarray) -> np.ndarray:
    return np.abs(expected.astype(np.int64) - got.astype(np.int64))


def _measure(value: SSAValue, expected: np.ndarray, got: np.ndarray):
    """(differing, max_steps or None, max_abs, histogram, problem)."""
    if got.shape != expected.shape:
        return (expected.size, None, float("inf"), {},
                f"shape {list(got.shape)} from the runtime, {list(expected.shape)} in the IR")
    if np.issubdtype(expected.dtype, np.floating):
        # float tensors: steps are units in the last place (ulp) of the tensor's largest
        # magnitude, so that an element near 0 (a DEQUANTIZE of the zero point computed as
        # scale*q - scale*zp) is not counted in its own tiny ulps
        e64, g64 = expected.astype(np.float64), got.astype(np.float64)
        with np.errstate(invalid="ignore"):  # inf - inf: NaN, equal values (below)
            diff = np.abs(e64 - g64)
        # (+-inf on both sides is equal; inf - inf is NaN)
        same = (e64 == g64) | (np.isnan(e64) & np.isnan(g64))
        n = int((~same).sum())
        if not n:
            return 0, 0.0, 0.0, {}, None
        top = np.float32(np.nanmax(np.abs(e64[np.isfinite(e64)]), initial=0.0))
        ulp = float(np.spacing(top)) if top > 0 else float(np.finfo(np.float32).tiny)
        diff = np.where(same, 0.0, np.where(np.isnan(diff), np.inf, diff))  # inf vs x: inf
        steps = np.ceil(diff / ulp)
        max_abs = float(diff.max())
        return n, float(steps.max()), max_abs, _histogram(steps[steps != 0]), None
    d = _steps(expected, got)
    n = int((d != 0).sum())
    hist = _histogram(d[d != 0]) if n else {}
    max_steps = float(d.max()) if d.size else 0.0
    scale = 1.0
    et = element_type(value)
    if isinstance(et, UniformQuantizedType):
        scale = float(et.scale.data)
    return n, max_steps, max_steps * scale, hist, None


def bisect(
    data: bytes,
    inputs: Sequence[np.ndarray],
    runtime: str,
    resolver: str | None = "BUILTIN_REF",
    source: ModuleOp | None = None,
    isolated: bool = True,
) -> Bisection:
    """Run `data` in `runtime` and in the interpreter on `inputs` (the model's real
    inputs: float arrays are quantized for quantized arguments) and list where the
    runtime departs (see the module docstring). `isolated`: the runtime runs in a child
    process, so that its crash is a `RuntimeRefused`, not the caller's end."""
    from compiler.codegen.reader import unpack_model
    from compiler.verify import stage_inputs

    module = as_module(bytes(data))
    xs = stage_inputs(module, inputs)
    resolver = resolver if runtime == "litert" else None
    rt = run_every_tensor(runtime, data, xs, resolver or "BUILTIN_REF", isolated=isolated)

    listener = _Values()
    interp = make_interpreter(module, [listener])
    func = entry_function(module)
    ref_outputs = interp.call_op(func, tuple(xs))
    for arg, x in zip(func.body.block.args, xs):  # type: ignore[union-attr]
        listener.values[arg] = np.asarray(x)

    # runtime values by SSA value: the block arguments are the graph inputs, operator k
    # of the file is read-back op k
    sg = unpack_model(bytes(data)).subgraphs[0]
    ops = _operators(module)
    theirs: dict[SSAValue, np.ndarray] = {}
    for arg, idx in zip(func.body.block.args, sg.inputs):  # type: ignore[union-attr]
        if int(idx) in rt.tensors:
            theirs[arg] = rt.tensors[int(idx)]
    for op, fb_op in zip(ops, sg.operators):
        for r, idx in zip(op.results, fb_op.outputs):
            if int(idx) in rt.tensors:
                theirs[r] = rt.tensors[int(idx)]

    alone = make_interpreter(module)  # re-runs single ops; no listener: keeps `listener`'s
    sources = _source_ops(ops, source)
    departures: list[Departure] = []
    compared = 0
    for k, (op, src) in enumerate(zip(ops, sources)):
        ins = [theirs.get(v, listener.values.get(v)) for v in op.operands]
        agree = all(v not in theirs or np.array_equal(theirs[v], listener.values.get(v))
                    for v in op.operands)
        if not any(r in theirs for r in op.results):
            continue
        if agree:
            expected = [listener.values.get(r) for r in op.results]
        else:
            local = tuple(None if x is None else np.asarray(x, dtype=runtime_dtype(v))
                          for x, v in zip(ins, op.operands))
            expected = [None if e is None else np.asarray(e)
                        for e in alone.run_op(op, local)]
        compared += 1
        for j, (r, e) in enumerate(zip(op.results, expected)):
            got = theirs.get(r)
            if got is None or e is None:
                continue
            n, steps, max_abs, hist, problem = _measure(r, e, got)
            if n == 0 and problem is None:
                continue
            from compiler.codegen.writer import location_name

            name = location_name(op.location) or r.name_hint or f"t{k}"
            in_names = [location_name(v.owner.location) if isinstance(v.owner, Operation)
                        else v.name_hint for v in op.operands]
            departures.append(Departure(
                index=k, builtin=op.BUILTIN or op.name, name=name,
                location=op_location(src), inputs=[describe_value(v, nm)
                                                   for v, nm in zip(op.operands, in_names)],
                output=describe_value(r, name), differing=n, total=int(e.size),
                max_steps=steps, max_abs=max_abs, histogram=hist,
                tolerance=tolerance(runtime, resolver, op), inputs_agree=agree,
                problem=problem, is_float=np.issubdtype(e.dtype, np.floating)))
            break  # one departure per op: its first differing result
    outputs_equal = all(
        np.array_equal(np.asarray(o), x) for o, x in zip(ref_outputs, rt.outputs)
    )
    return Bisection(runtime, resolver, compared, outputs_equal, departures)


__all__ = ["Bisection", "Departure", "bisect", "describe_value", "tolerance"]
