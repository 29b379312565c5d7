"""`qcompile --verify` and `--report`: numbers about the compiled model.

--verify runs, on held-out inputs (the model file's `verification_data()` batches, else
the last calibration batch, held back; never seen by calibration): the float torch
model, the PT2E-converted torch program, the quant stage and the circle stage in the
reference interpreter, and the real runtime (onert for .circle; LiteRT for .tflite with
its reference kernels, its optimized kernels and the XNNPACK delegate). For each stage
and output, over all held-out batches together: max |error| and SQNR against the float
model, max LSB difference (in the output's quantization step) against the PT2E program,
and for the runtimes the share of elements equal to the circle interpreter's. A runtime
whose outputs differ is bisected op by op (`compiler.bisect`) on the first batch where
they differ; a departure beyond the runtime's tolerance for that op (docs/runtimes.md),
or a refusal, is an error.

--report prints the program's quantization conventions as imported (storage, symmetry,
granularity, ranges, the quantizer they look like) and every adaptation to the target
scheme, op counts by type, the float vs quantized file sizes and a per-layer
SQNR table (circle stage against the float stage, worst layers first); `--report-md`
writes the same as markdown.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from compiler.ir.diagnostics import CompileError


def _fmt(x: float | None, spec: str = ".4g") -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    return format(x, spec)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


#: (label, runtime, LiteRT resolver) of the runs --verify checks, per output suffix:
#: LiteRT as users run it (reference kernels, optimized kernels, XNNPACK), onert
RUNTIME_RUNS = {
    ".tflite": [("LiteRT (.tflite)", "litert", "BUILTIN_REF"),
                ("LiteRT builtin (.tflite)", "litert", "BUILTIN_WITHOUT_DEFAULT_DELEGATES"),
                ("LiteRT XNNPACK (.tflite)", "litert", "AUTO")],
    ".circle": [("onert (.circle)", "onert", None)],
}


def _runtime_runs(args) -> list[tuple[str, str, str | None]]:
    return RUNTIME_RUNS[Path(args.output).suffix]


def verify_rows(args, result) -> tuple[list[str], list[list[str]], dict, dict]:
    """The --verify table (header, rows), every stage's run by label, and the runtime
    refusals by label."""
    from compiler.verify import measure

    held_out = result["held_out"]
    if not held_out:
        raise CompileError("--verify needs example inputs (the .pt2 has none recorded)")
    runs = {}
    refused: dict[str, str] = {}

    def attempt(label: str, stage) -> None:
        # A stage that cannot run (a runtime refusing the model, an interpreter kernel
        # that is not bit-exact yet) is a finding to report, not a crash.
        try:
            runs[label] = joined_runs(stage, held_out)
        except Exception as e:
            first = str(e).splitlines()[0] if str(e) else ""
            refused[label] = f"{type(e).__name__}: {first}"
            print(f"qcompile: warning: {label} could not run the model: {refused[label]}",
                  file=sys.stderr)

    if result["float_model"] is not None:
        attempt("float (torch)", result["float_model"])
    reference = "QDQ (onnxruntime)" if args.model.endswith(".onnx") else "PT2E (torch)"
    attempt(reference, result["program"])
    attempt("quant IR", result["quant"])
    attempt("circle IR", result["circle"])
    for label, runtime, resolver in _runtime_runs(args):
        attempt(label, (runtime, result["data"], resolver or "BUILTIN_REF"))

    header = ["stage", "output", "max|err| vs float", "SQNR dB vs float",
              f"max LSB vs {reference.split()[0]}", "equal to circle IR %"]
    rows = []
    ref_float = runs.get("float (torch)")
    pt2e = runs.get(reference)
    circle_ir = runs.get("circle IR")
    for stage, res in runs.items():
        for i, t in enumerate(res.outputs):
            vf = measure(f"#{i}", ref_float.outputs[i], t) if ref_float and stage != "float (torch)" else None
            lsb = None
            if stage != "float (torch)" and pt2e is not None:
                step = _output_step(result["circle"], i)
                if step:  # both sides dequantized from the same step: count the steps
                    lsb = float(np.abs(np.rint(t.real() / step)
                                       - np.rint(pt2e.outputs[i].real() / step)).max())
            eq = None
            if stage not in ("float (torch)", reference, "quant IR") and circle_ir:
                eq = 100.0 * float((t.real() == circle_ir.outputs[i].real()).mean())
            rows.append([stage, f"#{i}", _fmt(vf.max_abs_error if vf else None),
                         _fmt(vf.sqnr_db if vf else None, ".2f"),
                         _fmt(lsb, "g"),
                         _fmt(eq, ".2f")])
    return header, rows, runs, refused


def _worst_batch(runs, reference) -> int | None:
    """The batch whose outputs depart furthest from the reference's (largest absolute
    difference; inf or NaN on one side only is furthest), or None when all are equal.
    A runtime within its tolerances departs on most batches by a step; a departure
    beyond them shows where the outputs differ most, so that is the batch bisected."""
    worst, worst_diff = None, -1.0
    for i, (r, c) in enumerate(zip(runs, reference)):
        diff = 0.0
        for t, u in zip(r.outputs, c.outputs):
            a, b = np.asarray(t.array), np.asarray(u.array)
            if a.shape != b.shape:  # not the same tensor at all: the furthest departure
                diff = np.inf
                continue
            if np.array_equal(a, b, equal_nan=a.dtype.kind == "f"):
                continue
            with np.errstate(invalid="ignore", over="ignore"):
                d = np.abs(a.astype(np.float64) - b.astype(np.float64))
                same = (a == b) | (np.isnan(a) & np.isnan(b)) if a.dtype.kind == "f" else a == b
            d = np.where(same, 0.0, np.where(np.isnan(d), np.inf, d))
            diff = max(diff, float(d.max()))
        if diff > 0 and diff > worst_diff:
            worst, worst_diff = i, diff
    return worst


def check_runtimes(args, result, runs: dict, refused: dict) -> None:
    """--verify fails loudly: each runtime run whose outputs differ from the circle IR's
    is bisected (`compiler.bisect`, printed), and a departure beyond the runtime's
    documented tolerance (docs/runtimes.md), or a refusal, is a `CompileError` naming the
    first such op. The output file is already written (the user asked for it, and
    `qrun --compare` needs it to look closer): the error says that it was written and
    is wrong for that runtime."""
    from compiler.bisect import bisect

    circle_ir = runs.get("circle IR")
    errors: list[CompileError] = []
    for label, runtime, resolver in _runtime_runs(args):
        if label in refused:
            errors.append(CompileError(
                f"{args.output} was written, but {label} refuses it: {refused[label]}"))
            continue
        run = runs.get(label)
        if run is None or circle_ir is None:
            continue
        worst = _worst_batch(run.per_batch, circle_ir.per_batch)
        if worst is None:
            continue
        try:
            b = bisect(result["data"], result["held_out"][worst], runtime, resolver,
                       source=result["circle"])
        except Exception as e:  # a runtime quirk in the debug run: report, don't crash
            print(f"qcompile: warning: {label}: the bisection could not run: "
                  f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}",
                  file=sys.stderr)
            continue
        print(b.brief())
        d = b.error
        if not b.departures:  # the runtime agrees with the file: the file is not the IR
            errors.append(CompileError(
                f"{args.output} was written, but its outputs in {label} differ from the "
                "circle IR's while every op agrees with the file read back: the written "
                "file does not encode the circle IR"))
        if d is not None:
            errors.append(CompileError(
                f"{args.output} was written, but {label} computes it differently from the "
                f"circle IR: first divergent op {d.builtin} '{d.name}': {d.summary()}, "
                f"beyond its tolerance of {d.tolerance} (docs/runtimes.md)", d.location))
    if errors:
        for e in errors[1:]:
            print(f"qcompile: error: {e}", file=sys.stderr)
        raise errors[0]


@dataclass
class BatchRuns:
    """One stage run on every held-out batch: `outputs` are its outputs joined along
    the batch axis (so every measure covers all batches together), `per_batch` the
    runs one by one."""

    outputs: list
    per_batch: list


def joined_runs(stage, batches) -> BatchRuns:
    """`stage` (as `compiler.verify.run_stage` takes it) run on each batch, its outputs
    also joined along the leading (batch) axis."""
    from compiler.verify import run_stage_batches

    per_batch = run_stage_batches(stage, batches)
    outputs = [dataclasses.replace(ts[0], array=np.concatenate(
        [np.asarray(t.array)[None] if np.ndim(t.array) == 0 else np.asarray(t.array)
         for t in ts]))
        for ts in zip(*(r.outputs for r in per_batch))]
    return BatchRuns(outputs, per_batch)


def _output_step(module, index: int) -> float | None:
    from compiler.dialects import circle
    from compiler.interpreter import entry_function

    ret = entry_function(module).body.blocks.first.last_op
    v = ret.operands[index]
    if isinstance(v.owner, circle.DequantizeOp):
        v = v.owner.input
    et = getattr(v.type, "element_type", None)
    scale = getattr(et, "scale", None)
    return scale.data if scale is not None else None


def print_verify(args, result) -> None:
    """Print the --verify table, then check the runtimes (`check_runtimes`: raises a
    `CompileError` on a departure beyond tolerance or a refusal)."""
    header, rows, runs, refused = verify_rows(args, result)
    n = len(result["held_out"])
    if getattr(args, "held_out_source", None) == "verification_data()":
        # the model's own held-out batches, however many it gave
        print(f"verification on {n} held-out batch{'es' if n != 1 else ''}"
              f" (verification_data()){', together' if n > 1 else ''}:")
    else:
        # the last calibration batch held back (or example_inputs(), or the .onnx input)
        print("verification on held-back inputs:")
    print(_table(header, rows))
    check_runtimes(args, result, runs, refused)


def float_op_rows(module, quantizer_float_ops) -> list[list[str]]:
    """[op, where, reason] for every circle op left float in a quantized `module`
    (`--allow-float`): the reason the quantizer recorded for its FX node
    (`compiler.frontend.float_ops.FloatOp`), or for an op the legalizer added around such
    a node (`conv3d/transpose`) that node's, else "no quantization parameters"."""
    from compiler.dialects import circle
    from compiler.dialects.circle_base import CircleOp, ConstOp, NoValueOp
    from compiler.ir.diagnostics import op_location
    from compiler.ir.quant_types import is_quantized
    from compiler.transforms.target_legalize import FLOAT_ISLAND
    from compiler.transforms.utils import is_float_tensor

    values = [v for o in module.walk() for v in (*o.operands, *o.results)]
    if not any(is_quantized(getattr(v, "type", None)) for v in values):
        return []  # a float model: nothing was "left" float
    by_node = {f.node: f for f in quantizer_float_ops}
    rows = []
    for op in module.walk():
        if not isinstance(op, CircleOp) or isinstance(
            op, ConstOp | NoValueOp | circle.QuantizeOp | circle.DequantizeOp
        ):
            continue
        if not any(is_float_tensor(v) for v in (*op.operands, *op.results)):
            continue
        name = getattr(getattr(op.location, "desc", None), "data", "")
        node = by_node.get(name.split("/", 1)[0])
        if node is not None:
            reason = f"{node.target}: {node.reason}"
            if "/" in name:
                reason = f"part of {reason}"
        elif FLOAT_ISLAND in op.attributes:  # kept float for the target runtime
            reason = op.attributes[FLOAT_ISLAND].data
        else:
            reason = "no quantization parameters (the quantizer did not observe its tensors)"
        rows.append([op.name.removeprefix("circle."), op_location(op) or "<unknown>", reason])
    return rows


def _kinds(types) -> str:
    """`u8 [0, 127] asymmetric per-tensor` for a list of quantized element types."""
    from compiler.ir.quant_types import UniformQuantizedPerAxisType

    kinds = Counter()
    for et in types:
        zps = {int(z) for z in et.zero_points}
        sym = "symmetric" if zps in ({0}, {128}) and et.storage_spelling in ("i8", "u8") and (
            zps == {0} if et.is_signed else zps == {128}) else "asymmetric"
        grain = "per-channel" if isinstance(et, UniformQuantizedPerAxisType) else "per-tensor"
        kinds[f"{et.storage_spelling} [{et.qmin}, {et.qmax}] {sym} {grain}"] += 1
    return "; ".join(f"{k} x{n}" for k, n in kinds.most_common()) or "-"


def program_conventions(module) -> list[list[str]]:
    """[what, conventions] rows for the imported program, before any adaptation:
    activation/weight/bias storage, symmetry, granularity, ranges, unobserved tensors,
    and which quantizer those conventions look like."""
    from xdsl.dialects.builtin import TensorType

    from compiler.dialects import quant
    from compiler.dialects.aten import AtenOp
    from compiler.frontend.complete_qparams import unobserved_tensors
    from compiler.ir.quant_types import is_quantized

    acts, weights, biases, float_biases = [], [], [], 0
    for op in module.walk():
        if isinstance(op, quant.QuantizeCastOp):
            acts.append(op.output.type.element_type)
        if isinstance(op, AtenOp):
            for arg, v in zip(op.SCHEMA.tensor_args, op.operands):
                if arg.name not in ("weight", "bias") or not isinstance(v.type, TensorType):
                    continue
                q = v.owner.input if isinstance(v.owner, quant.DequantizeCastOp) else None
                if arg.name == "weight" and q is not None:
                    weights.append(q.type.element_type)
                elif arg.name == "bias":
                    if q is not None and is_quantized(q.type):
                        biases.append(q.type.element_type)
                    else:
                        float_biases += 1
    unobserved = unobserved_tensors(module)
    rows = [["activations", _kinds(acts)], ["weights", _kinds(weights)],
            ["biases", (_kinds(biases) if biases else "") +
             (f"{'; ' if biases else ''}float x{float_biases}" if float_biases else "")],
            ["unobserved tensors", str(len(unobserved))],
            ["looks like", _looks_like(acts, weights, biases, unobserved)]]
    return rows


def _looks_like(acts, weights, biases, unobserved) -> str:
    from compiler.ir.quant_types import UniformQuantizedPerAxisType

    if not acts:
        return "a float program"
    a = Counter(et.storage_spelling for et in acts).most_common(1)[0][0]
    reduce_range = a == "u8" and all(et.qmax == 127 for et in acts if et.storage_spelling == "u8")
    w = {et.storage_spelling for et in weights}
    narrow = all(et.qmin == -127 for et in weights if et.storage_spelling == "i8")
    per_channel = any(isinstance(et, UniformQuantizedPerAxisType) for et in weights)
    if a == "i16":
        return "CircleQuantizer int16"
    if a == "u8" and w <= {"u8"}:
        return "CircleQuantizer uint8"
    if reduce_range:
        return "FX graph mode, fbgemm qconfig (reduce_range activations [0, 127])"
    if a == "u8" and unobserved:
        return "X86InductorQuantizer (conv outputs left to conv+add fusion unobserved)"
    if a == "u8":
        return ("FX graph mode / X86-style (uint8 activations, int8 weights, "
                f"{'per-channel' if per_channel else 'per-tensor'})")
    if a == "i8" and unobserved:
        return "ArmInductorQuantizer (int8, fusion intermediates unobserved)"
    if a == "i8" and narrow:
        return ("XNNPACKQuantizer (ExecuTorch) or CircleQuantizer int8, "
                f"{'per-channel' if per_channel else 'per-tensor'} weights")
    return f"{a} activations with {'/'.join(sorted(w)) or 'no'} weights"


def adaptation_rows(args) -> list[list[str]]:
    rows = [[c.tensor, c.where or "-", "parameters chosen from calibration",
             f"[{c.minimum:.4g}, {c.maximum:.4g}] -> {c.qtype}"]
            for c in getattr(args, "chosen_qparams", [])]
    exact = Counter()
    for a in getattr(args, "adaptations", []):
        if a.exact:  # many alike: one row per kind of re-encoding
            exact[(_kind(a.before), _kind(a.after), a.reason)] += 1
            continue
        rows.append([a.tensor, a.where or "-", f"{a.before} -> {a.after}",
                     f"requantized, SQNR {_fmt(a.sqnr_db, '.1f')} dB: {a.reason}"])
    rows += [[f"{n} tensor(s)", "-", f"{b} -> {af}", f"exact: {why}"]
             for (b, af, why), n in exact.most_common()]
    return rows


def _kind(brief: str) -> str:
    """`u8<1:255> per-channel(16) zp 128` -> `u8<1:255> per-channel`."""
    import re

    return re.sub(r"\(\d+\)| zp -?\d+| scale \S+", "", brief)


def report_sections(args, result) -> list[tuple[str, list[str], list[list[str]]]]:
    from compiler.dialects.circle_base import ConstOp, NoValueOp
    from compiler.verify import compare

    counts = Counter(op.name.removeprefix("circle.") for op in result["circle"].walk()
                     if op.name.startswith("circle.") and not isinstance(op, ConstOp | NoValueOp))
    ops = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    sections = [("operators", ["op", "count"], [[k, str(v)] for k, v in ops])]
    if getattr(args, "conventions", None):
        sections.insert(0, ("program conventions (as imported)", ["what", "conventions"],
                            args.conventions))
        sections.insert(1, (f"adaptations to the {args.scheme} scheme",
                            ["tensor", "location", "change", "how"], adaptation_rows(args)))
    floats = float_op_rows(result["circle"], getattr(args, "float_ops", []))
    if floats:
        sections.append(("ops left float (--allow-float)", ["op", "location", "reason"], floats))

    float_bytes = 0
    if result["float_model"] is not None:
        float_bytes = sum(p.numel() * p.element_size() for p in result["float_model"].parameters())
    size_rows = [["quantized " + Path(args.output).suffix, f"{len(result['data']):,}"]]
    if float_bytes:
        size_rows.insert(0, ["float parameters", f"{float_bytes:,}"])
        size_rows.append(["ratio", f"{len(result['data']) / float_bytes:.3f}"])
    sections.append(("size (bytes)", ["what", "bytes"], size_rows))

    if result["float_model"] is not None and result["held"] is not None:
        reference = float_reference(result["float_model"], result["held"])
        report = compare(reference, result["circle"], result["held"])
        layers = sorted(report.tensors, key=lambda t: t.sqnr_db)
        rows = [[t.name, str(list(t.shape)), _fmt(t.sqnr_db, ".2f"), _fmt(t.max_abs_error)]
                for t in layers]
        rows += [[f"output {t.name}", str(list(t.shape)), _fmt(t.sqnr_db, ".2f"),
                  _fmt(t.max_abs_error)] for t in report.outputs]
        sections.append(("per-layer SQNR vs float (worst first)",
                         ["tensor", "shape", "SQNR dB", "max|err|"], rows))
    return sections


def float_reference(model, held):
    """The float model as the FX graph PT2E quantized: exported, decomposed like
    `compiler.quantize` does, and with batch norm folded into the convolutions, so its
    node names (the names the quantized ops keep) hold the float values of the same
    tensors."""
    import torch
    from torchao.quantization.pt2e.utils import _fuse_conv_bn_

    from compiler.frontend.decompose import decompose_for_circle

    example = tuple(torch.from_numpy(x) for x in held)
    gm = decompose_for_circle(torch.export.export(model.eval(), example)).module()
    _fuse_conv_bn_(gm)
    return gm


def print_report(args, result) -> None:
    sections = report_sections(args, result)
    if args.report:
        for title, header, rows in sections:
            print(f"{title}:")
            print(_table(header, rows))
            print()
    if args.report_md:
        from compiler.tools.common import write_atomically

        text = [f"# qcompile report: {args.model} ({args.scheme})", ""]
        for title, header, rows in sections:
            text += [f"## {title}", "", _markdown(header, rows), ""]
        write_atomically(args.report_md, "\n".join(text).encode())
