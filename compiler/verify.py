"""Numerical verification: run two stages on the same inputs and measure the difference.

    report = compare(float_module, quant_module, [x])          # two IR stages
    report = compare(circle_module, ("litert", tflite_bytes), [x])
    report = compare(exported_program, quant_module, [x])      # torch vs a stage
    print(report)

A *stage* is one of:

- a `ModuleOp` (any stage of the IR), run by the reference interpreter with a
  `Recorder` listening, so every op's output is kept by tensor name;
- flatbuffer `bytes` (`.circle`/`.tflite`), read back and interpreted likewise;
- `("litert", bytes[, resolver])` or `("onert", bytes)`: a real runtime (outputs only;
  `compiler.runtimes` runs it, `compiler.bisect` finds where it departs op by op);
- a torch `nn.Module`, `GraphModule` or `ExportedProgram`, run by torch (an FX graph's
  node outputs are recorded by node name, the name the importer gives each op);
- an `onnx.ModelProto`, run by onnxruntime with graph optimizations off (outputs only;
  `compiler.frontend.onnx_reference`).

`inputs` are the model's real (float) inputs; a stage whose argument is quantized gets
them quantized with its argument type (torch's rounding, as `quant.qcast`); integer
arrays are passed through unchanged. Outputs are matched by position, intermediate
tensors by name (the op's `NameLoc`), wherever both sides recorded one.

For each tensor pair the report gives, on dequantized (real) values:
max |a - b|; the max difference in LSBs of the quantized side's step (storage
integers compared directly when both sides share the qparams; for a float output that
a DEQUANTIZE produces, the step of the value it dequantizes); the share of exactly
equal elements; and the SQNR of b against a in dB (`inf` when equal).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp, NameLoc
from xdsl.interpreter import Interpreter
from xdsl.ir import Attribute, Operation

from compiler.interpreter import as_module, entry_function, run
from compiler.interpreter.values import element_type
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType


@dataclass
class Tensor:
    """A recorded value: the runtime array and its IR type (None when untyped, e.g. torch)."""

    array: np.ndarray
    type: Attribute | None = None
    layout: str | None = None  # "NHWC" for rank-4 circle results, "NCHW" for torch/aten
    step: float | None = None  # a float output's quantization step, when it is dequantized

    @property
    def quantized(self) -> UniformQuantizedType | None:
        et = element_type(self.type) if self.type is not None else None
        return et if isinstance(et, UniformQuantizedType) else None

    def real(self) -> np.ndarray:
        """Dequantized float64 values (storage integers through the type's qparams)."""
        et = element_type(self.type) if self.type is not None else None
        if isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType):
            return et.dequantize(self.array).astype(np.float64)
        return np.asarray(self.array, dtype=np.float64)


def tensor_name(op: Operation) -> str | None:
    """The name of an op's result tensor: its `NameLoc` (the FX node name), if any."""
    loc = op.location
    return loc.desc.data if isinstance(loc, NameLoc) else None


class Recorder(Interpreter.Listener):
    """Records every interpreted op's results, by tensor name and in execution order.

    Ops without a `NameLoc` are recorded in `ordered` only. A multi-result op's
    results are named `name:0`, `name:1`...
    """

    def __init__(self) -> None:
        self.named: dict[str, Tensor] = {}
        self.ordered: list[tuple[Operation, tuple[Tensor, ...]]] = []

    def did_interpret_op(self, op: Operation, results: tuple[Any, ...]) -> None:
        layout = "NHWC" if op.name.startswith("circle.") else "NCHW"
        tensors = tuple(Tensor(np.asarray(v), r.type, layout if np.ndim(v) == 4 else None)
                        for r, v in zip(op.results, results) if v is not None)
        if not tensors:
            return
        self.ordered.append((op, tensors))
        name = tensor_name(op)
        if name is None:
            return
        if len(tensors) == 1:
            self.named[name] = tensors[0]
        else:
            for i, t in enumerate(tensors):
                self.named[f"{name}:{i}"] = t


@dataclass
class TensorReport:
    name: str
    shape: tuple[int, ...]
    max_abs_error: float
    max_lsb: float | None
    exact_share: float
    sqnr_db: float

    def row(self) -> str:
        lsb = "-" if self.max_lsb is None else f"{self.max_lsb:g}"
        return (f"{self.name:<28} {str(list(self.shape)):<16} {self.max_abs_error:<12.4g} "
                f"{lsb:<8} {100 * self.exact_share:<8.2f} {self.sqnr_db:.2f}")


@dataclass
class Report:
    """Outputs first, then the intermediate tensors both sides named."""

    outputs: list[TensorReport] = field(default_factory=list)
    tensors: list[TensorReport] = field(default_factory=list)

    def __str__(self) -> str:
        head = (f"{'tensor':<28} {'shape':<16} {'max|err|':<12} {'max LSB':<8} "
                f"{'exact %':<8} SQNR dB")
        lines = [head] + [r.row() for r in self.outputs]
        if self.tensors:
            lines.append("-- intermediate tensors --")
            lines += [r.row() for r in self.tensors]
        return "\n".join(lines)

    def output(self, i: int = 0) -> TensorReport:
        return self.outputs[i]


def measure(name: str, a: Tensor, b: Tensor) -> TensorReport:
    """Compare `b` against the reference `a`."""
    ra, rb = a.real(), b.real()
    if ra.shape != rb.shape:
        raise ValueError(f"{name}: shapes differ: {list(ra.shape)} vs {list(rb.shape)}")
    err = np.abs(ra - rb)
    max_abs = float(err.max()) if err.size else 0.0
    qa, qb = a.quantized, b.quantized
    same_q = qa is not None and qb is not None and (
        np.float32(qa.scale.data) == np.float32(qb.scale.data)
        and qa.zero_point.data == qb.zero_point.data
    )
    if same_q:
        d = np.abs(a.array.astype(np.int64) - b.array.astype(np.int64))
        max_lsb: float | None = float(d.max()) if d.size else 0.0
        exact = float((d == 0).mean()) if d.size else 1.0
    else:
        q = qb or qa
        step = q.scale.data if q is not None else (b.step or a.step)
        max_lsb = max_abs / step if step else None
        exact = float((err == 0).mean()) if err.size else 1.0
    noise = float(np.sum((ra - rb) ** 2))
    signal = float(np.sum(ra**2))
    if noise == 0.0:
        sqnr = math.inf
    elif signal == 0.0:
        sqnr = -math.inf
    else:
        sqnr = 10 * math.log10(signal / noise)
    return TensorReport(name, tuple(ra.shape), max_abs, max_lsb, exact, sqnr)


# ---- running one stage ------------------------------------------------------------------


@dataclass
class StageResult:
    outputs: list[Tensor]
    named: dict[str, Tensor]


def stage_inputs(module: ModuleOp, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The model's inputs as `module`'s entry function takes them: float arrays for a
    quantized argument are quantized with its type (torch's rounding); others pass."""
    func = entry_function(module)
    out = []
    for arg, x in zip(func.body.blocks.first.args, inputs):  # type: ignore[union-attr]
        et = element_type(arg.type)
        x = np.asarray(x)
        if isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType) and (
            np.issubdtype(x.dtype, np.floating)
        ):
            x = et.quantize(x)
        out.append(x)
    return out


def _output_steps(module: ModuleOp) -> list[float | None]:
    """The quantization step of each float output that a DEQUANTIZE / `quant.dcast` of a
    per-tensor quantized value produces (so a report can count LSBs on float outputs)."""
    from compiler.dialects.circle import DequantizeOp
    from compiler.dialects.quant import DequantizeCastOp

    ret = entry_function(module).body.blocks.first.last_op  # type: ignore[union-attr]
    steps: list[float | None] = []
    for v in ret.operands:
        owner = v.owner
        et = element_type(owner.input.type) if isinstance(
            owner, DequantizeOp | DequantizeCastOp) else None
        steps.append(et.scale.data if isinstance(et, UniformQuantizedType) else None)
    return steps


def _run_module(module: ModuleOp, inputs: Sequence[np.ndarray], named: bool = True) -> StageResult:
    recorder = Recorder()
    results = run(module, stage_inputs(module, inputs), listeners=[recorder] if named else [])
    func = entry_function(module)
    types = func.function_type.outputs.data
    outs = [Tensor(r, t, step=st) for r, t, st in zip(results, types, _output_steps(module))]
    return StageResult(outs, recorder.named)


def _run_runtime(kind: str, data: bytes, inputs: Sequence[np.ndarray], resolver: str):
    from compiler.runtimes import run_runtime

    module = as_module(data)
    xs = stage_inputs(module, inputs)
    types = entry_function(module).function_type.outputs.data
    # in a child process: a runtime that crashes on a model is a refusal, not our end
    outs = run_runtime(kind, data, xs, resolver, isolated=True)
    return StageResult([Tensor(o, t) for o, t in zip(outs, types)], {})


def _run_torch(model: Any, inputs: Sequence[np.ndarray], record: bool = True) -> StageResult:
    import torch
    import torch.fx

    if isinstance(model, torch.export.ExportedProgram):
        model = model.module()
    xs = [torch.from_numpy(np.ascontiguousarray(x)) for x in inputs]
    named: dict[str, Tensor] = {}
    with torch.no_grad():
        if record and isinstance(model, torch.fx.GraphModule):

            class _Recording(torch.fx.Interpreter):
                def run_node(self, n):
                    out = super().run_node(n)
                    if isinstance(out, torch.Tensor) and out.is_floating_point():
                        arr = out.detach().numpy().copy()
                        named[n.name] = Tensor(arr, None, "NCHW" if arr.ndim == 4 else None)
                    return out

            out = _Recording(model).run(*xs)
        else:
            out = model(*xs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    return StageResult([Tensor(o.detach().numpy()) for o in outs], named)


def _same_layout(t: Tensor) -> Tensor:
    """A rank-4 NCHW tensor as NHWC, to meet a circle tensor of the same name.

    Circle ops are NHWC and keep the FX node's name; torch and aten tensors are NCHW.
    A per-tensor quantized type carries over; anything else is dequantized first.
    """
    if t.layout != "NCHW":
        return t
    q = t.quantized
    if q is not None:
        return Tensor(np.transpose(t.array, (0, 2, 3, 1)), q, "NHWC")
    return Tensor(np.transpose(t.real(), (0, 2, 3, 1)), None, "NHWC")


def run_stage(stage: Any, inputs: Sequence[np.ndarray], resolver: str = "BUILTIN_REF",
              named: bool = True):
    """Run one stage (see the module docstring) and collect its outputs and, if `named`,
    its named tensors."""
    if isinstance(stage, ModuleOp):
        return _run_module(stage, inputs, named)
    if isinstance(stage, (bytes, bytearray)):
        return _run_module(as_module(bytes(stage)), inputs, named)
    if isinstance(stage, tuple) and stage and isinstance(stage[0], str):
        kind, data, *rest = stage
        return _run_runtime(kind, data, inputs, rest[0] if rest else resolver)
    if type(stage).__name__ == "ModelProto":  # onnx, without importing it
        from compiler.frontend.onnx_reference import run_onnxruntime

        return StageResult([Tensor(o) for o in run_onnxruntime(stage, inputs)], {})
    return _run_torch(stage, inputs, named)


def run_stage_batches(
    stage: Any, batches: Sequence[Sequence[np.ndarray]], resolver: str = "BUILTIN_REF",
) -> list[StageResult]:
    """`run_stage` on each input list of `batches`, outputs only (no named tensors); a
    runtime loads the model once, in one child process for all batches (a process per
    run costs about a second)."""
    if isinstance(stage, tuple) and stage and isinstance(stage[0], str):
        from compiler.runtimes import run_batches

        kind, data, *rest = stage
        module = as_module(data)
        types = entry_function(module).function_type.outputs.data
        runs = run_batches(kind, data, [stage_inputs(module, b) for b in batches],
                           rest[0] if rest else resolver, isolated=True)
        return [StageResult([Tensor(o, t) for o, t in zip(outs, types)], {}) for outs in runs]
    return [run_stage(stage, b, resolver, named=False) for b in batches]


def compare(
    a: Any, b: Any, inputs: Sequence[np.ndarray], per_tensor: bool = True,
    resolver: str = "BUILTIN_REF",
) -> Report:
    """Run `a` (the reference) and `b` on `inputs` and report their differences."""
    ra, rb = run_stage(a, inputs, resolver), run_stage(b, inputs, resolver)
    if len(ra.outputs) != len(rb.outputs):
        raise ValueError(f"the stages have {len(ra.outputs)} and {len(rb.outputs)} outputs")
    report = Report([measure(f"output #{i}", x, y)
                     for i, (x, y) in enumerate(zip(ra.outputs, rb.outputs))])
    if per_tensor:
        for name, x in ra.named.items():
            y = rb.named.get(name)
            if y is None:
                continue
            if x.layout != y.layout:
                x, y = _same_layout(x), _same_layout(y)
            if x.array.shape == y.array.shape:
                report.tensors.append(measure(name, x, y))
    return report


__all__ = ["Recorder", "Report", "Tensor", "TensorReport", "compare", "measure", "run_stage",
           "run_stage_batches", "stage_inputs", "tensor_name"]
