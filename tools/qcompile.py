"""`qcompile`: a PyTorch model to a quantized `.circle` / `.tflite`, in one command.

    qcompile MODEL.py[:NAME] -o OUT.circle|OUT.tflite [--scheme uint8|int8|int16] [--qat]
             [--calibration-batches N] [--calibration-data FILE.npz|DIR]
             [--io-dtype float|int] [--allow-float] [--dump-dir DIR]
             [--verify] [--report] [--report-md FILE]
    qcompile PROGRAM.pt2 -o OUT.circle      # an already converted PT2E program
    qcompile MODEL.onnx -o OUT.circle       # a prequantized (QDQ) ONNX model

Stages: export → quantize (PT2E with CircleQuantizer: prepare, calibrate, convert) →
import → lower-to-circle (each pass) → write; one line per stage with its time.
`--dump-dir` writes each stage's IR (`00-import.mlir`, `01-adapt-storage.mlir`, ...) that
`qopt` can re-run from any point. `--verify` runs the float, quant and circle stages
and the real runtime (onert for .circle, LiteRT for .tflite) on held-out inputs
(`verification_data()`, else the last calibration batch held back); `--report` prints
op counts, sizes and a per-layer SQNR table.

Model file contract: see `compiler.tools.model_file` (functions `model()`,
`example_inputs()`, optional `calibration_data()` and `verification_data()`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from compiler.ir.diagnostics import CompileError
from compiler.tools.common import (
    fail,
    quiet_torch_logs,
    without_graph_dumps,
    write_atomically,
)

SCHEMES = ("uint8", "int8", "int16")
TARGETS = (".circle", ".tflite")

_CONTRACT = """model file contract:
  def model() -> torch.nn.Module                 # the float model
  def example_inputs() -> tuple[Tensor, ...]      # one batch (static shapes)
  def calibration_data() -> Iterable[tuple]       # optional calibration batches
  def verification_data() -> Iterable[tuple]      # optional held-out batches for --verify
MODEL.py:NAME calls NAME() instead of model()."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="qcompile",
        description="Quantize a PyTorch model with PT2E and compile it to Circle or TFLite.",
        epilog=_CONTRACT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", help="MODEL.py[:NAME], a converted PROGRAM.pt2 or a QDQ MODEL.onnx")
    p.add_argument("-o", "--output", required=True, help="OUT.circle or OUT.tflite")
    p.add_argument("--scheme", choices=SCHEMES, default=None,
                   help="quantization scheme (default: uint8 for .circle, int8 for .tflite)")
    p.add_argument("--qat", action="store_true", help="prepare with prepare_qat_pt2e")
    p.add_argument("--fx", nargs="?", const="qnnpack", choices=("qnnpack", "fbgemm"),
                   help="quantize with FX graph mode (prepare_fx, reference decomposed) and "
                        "the backend's conventions (default qnnpack) instead of PT2E")
    p.add_argument("--requantize", action="store_true",
                   help="requantize tensors the target scheme cannot hold exactly (each "
                        "one reported with its SQNR) instead of failing")
    p.add_argument("--per-tensor", action="store_true", help="per-tensor weights (uint8 only)")
    p.add_argument("--calibration-batches", type=int, default=None, metavar="N",
                   help="use at most N calibration batches")
    p.add_argument("--calibration-data", metavar="FILE.npz|DIR",
                   help="calibration batches from .npz/.npy files instead of calibration_data()")
    p.add_argument("--io-dtype", choices=("float", "int"), default="float",
                   help="model inputs/outputs float with QUANTIZE/DEQUANTIZE (default), or integer")
    p.add_argument("--allow-float", action="store_true",
                   help="keep ops that cannot be quantized (no integer kernel in the scheme, "
                        "or no quantization parameters) in float between DEQUANTIZE and "
                        "QUANTIZE instead of failing; the ops are listed with their reason")
    p.add_argument("--dump-dir", metavar="DIR", help="write the IR of every stage to DIR")
    p.add_argument("--verify-each", action="store_true",
                   help="verify the IR after every pass (default: once, after the last pass)")
    p.add_argument("--verify", action="store_true",
                   help="compare the float, quant and circle stages and the runtime")
    p.add_argument("--report", action="store_true",
                   help="print op counts, sizes and a per-layer SQNR table")
    p.add_argument("--report-md", metavar="FILE",
                   help="also write the report as markdown (implies --report)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = p.parse_args(argv)
    suffix = Path(args.output).suffix
    if suffix not in TARGETS:
        p.error(f"the output must end in .circle or .tflite, not '{suffix or args.output}'")
    if args.scheme is None:
        args.scheme = "int8" if suffix == ".tflite" else "uint8"
    if args.calibration_batches is not None and args.calibration_batches < 1:
        p.error(f"--calibration-batches must be at least 1, got {args.calibration_batches}")
    if args.report_md:
        args.report = True
    return args


class Progress:
    """One line per stage: `  name  1.23 s  detail`."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.total = 0.0

    def line(self, name: str, seconds: float, detail: str = "") -> None:
        self.total += seconds
        if not self.quiet:
            print(f"  {name:<24} {seconds:7.3f} s  {detail}".rstrip(), file=sys.stderr, flush=True)


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before any work, an output whose directory cannot take it (so that a bad
    --report-md path cannot fail after the model file is written)."""
    import os

    for flag, path in (("-o", args.output), ("--report-md", args.report_md)):
        if not path:
            continue
        directory = os.path.dirname(os.path.abspath(path))
        if os.path.isdir(path):
            raise CompileError(f"{flag} {path}: is a directory")
        if not os.path.isdir(directory):
            raise CompileError(f"{flag} {path}: no such directory '{directory}'")
        if not os.access(directory, os.W_OK | os.X_OK):
            raise CompileError(f"{flag} {path}: directory '{directory}' is not writable")


def target_runtime(output: str) -> str:
    """The runtime a file is for: onert runs .circle, LiteRT .tflite."""
    return "litert" if output.endswith(".tflite") else "onert"


def _check_target(args: argparse.Namespace) -> None:
    """Refuse, before any work, a scheme the target's runtime cannot run."""
    from compiler.ir.runtime_traits import RUNTIME_REFUSES, SCHEME_STORAGE

    refused = RUNTIME_REFUSES[target_runtime(args.output)].get(SCHEME_STORAGE.get(args.scheme))
    if refused:
        raise CompileError(f"--scheme {args.scheme} cannot target {args.output}: {refused} "
                           "(write a .tflite for LiteRT)")
    if Path(args.output).suffix == ".tflite" and args.scheme == "uint8" and not args.per_tensor:
        raise CompileError(
            "uint8 per-channel weights are not supported by TFLite kernels: use "
            "--scheme int8 (TFLite's spec), --scheme int16, or --per-tensor, or write a .circle"
        )


def quantized_program(args, progress: Progress, keep_model: bool = True):
    """(converted program: an ExportedProgram from a .pt2, else convert_pt2e's GraphModule;
    float model or None; the held-out batches for --verify, each a list of numpy inputs,
    or None: a .pt2 recording no example inputs). `keep_model=False` (nothing will be
    measured): the float model is given up to the quantization
    (`quantize_graph_module(release_model=True)`) and None is returned for it, and
    `verification_data()` is not called (no held-out batches when the model file has it)."""
    import torch

    torch.set_num_threads(1)
    from compiler.tools.model_file import load_calibration_file

    if args.model.endswith(".pt2"):
        from compiler.frontend.importer import load_program

        start = time.perf_counter()
        if not Path(args.model).is_file():
            raise CompileError(f"no such program file: {args.model}")
        program = load_program(args.model)
        progress.line("load .pt2", time.perf_counter() - start)
        args.calibration = (load_calibration_file(args.calibration_data, args.calibration_batches)
                            if args.calibration_data else [])
        example = [t.detach().numpy() for t in program.example_inputs[0]] if (
            program.example_inputs) else None
        return program, None, None if example is None else [example]

    from compiler.frontend.workflow import quantize_graph_module
    from compiler.tools.model_file import (
        as_batch,
        call_user,
        check_batches,
        export_error,
        function_line,
        load_calibration_file,
        load_model_file,
        take,
    )

    start = time.perf_counter()
    spec = load_model_file(args.model)
    model = call_user(spec, spec.model, f"{spec.name}()")
    if not isinstance(model, torch.nn.Module):
        raise CompileError(f"{spec.name}() must return a torch.nn.Module, got {type(model).__name__}",
                           str(spec.path))
    example = as_batch(call_user(spec, spec.example_inputs, "example_inputs()"))
    if args.calibration_data:
        batches = load_calibration_file(args.calibration_data, args.calibration_batches)
        check_batches(batches, example, f"calibration data {args.calibration_data}", None)
    elif spec.calibration_data is not None:
        batches = take(spec, call_user(spec, spec.calibration_data, "calibration_data()"),
                       args.calibration_batches)
        check_batches(batches, example, "calibration_data()",
                      function_line(spec, spec.calibration_data))
    else:
        print("qcompile: warning: no calibration_data(): calibrating on example_inputs() only",
              file=sys.stderr)
        batches = [example]
        check_batches(batches, example, "example_inputs()",
                      function_line(spec, spec.example_inputs))
    if spec.verification_data is not None:
        # held-out batches of their own: every calibration batch calibrates. Only a
        # caller that measures the stages reads them (`keep_model`: --verify/--report,
        # or compile_model's default for callers in process): a plain qcompile neither
        # runs the model's verification_data() nor keeps its batches alive
        held_out = []
        args.held_out_source = "verification_data()"
        if keep_model:
            held_out = take(spec, call_user(spec, spec.verification_data,
                                            "verification_data()"),
                            None, "verification_data")
            check_batches(held_out, example, "verification_data()",
                          function_line(spec, spec.verification_data))
        calibration = batches
    else:
        # hold one batch back for --verify when there are several
        args.held_out_source = None
        held_out = [batches[-1] if len(batches) > 1 else example]
        calibration = batches[:-1] if len(batches) > 1 else batches
    progress.line("load model", time.perf_counter() - start, f"{spec.path}:{spec.name}")

    args.calibration = calibration  # for parameters the quantizer left out
    timings: dict[str, float] = {}
    if args.fx or spec.quantizer is not None:
        from compiler.tools.qcompile_adapt import quantize_other_flow

        return quantize_other_flow(args, spec, model, example, calibration, progress), model, [
            [t.detach().numpy() for t in batch] for batch in held_out]
    try:
        with without_graph_dumps():
            program = quantize_graph_module(
                model, example, calibration, scheme=args.scheme, is_qat=args.qat,
                per_channel=not args.per_tensor,
                progress=not args.quiet and sys.stderr.isatty(),
                timings=timings, allow_float=args.allow_float, float_ops=args.float_ops,
                release_model=not keep_model)
    except CompileError:
        raise
    except Exception as e:  # torch.export / PT2E errors: at the user's line when known
        raise export_error(spec, e) from None
    progress.line("export", timings.get("export", 0.0))
    progress.line("calibrate", timings.get("calibrate", 0.0), f"{len(calibration)} batches")
    progress.line("convert", timings.get("convert", 0.0))
    return (program, model if keep_model else None,
            [[t.detach().numpy() for t in batch] for batch in held_out])


#: constant elements above which qcompile collects the replaced IR before writing
_COLLECT_ABOVE = 4 << 20


def _constant_elements(module) -> int:
    """How many elements the module's constants hold (from their types: no data read)."""
    import math

    from compiler.dialects.circle_base import ConstOp
    from compiler.dialects.quant import ConstantOp

    return sum(math.prod(op.results[0].type.get_shape()) for op in module.walk()
               if isinstance(op, ConstOp | ConstantOp))


def compile_model(args: argparse.Namespace, keep_sources: bool = True) -> dict:
    """Compile `args.model` to `args.output`; the stages, for --verify and --report.

    `keep_sources=False`: the float model and the converted program are let go once
    imported (`None` in the result; the converted GraphModule's tensors are released
    then), so that their tensors do not stay alive through lowering and writing, the
    file is written from the IR's payloads without the bytes being kept (`data` is
    None), and the model file's `verification_data()` is not called (`main`, without
    --verify or --report)."""
    from compiler.codegen import serialize_circle, serialize_tflite
    from compiler.frontend import import_graph_module, import_program
    from compiler.transforms.pipelines import lower

    progress = Progress(args.quiet)
    _check_outputs(args)
    _check_target(args)
    args.float_ops = []  # what the quantizer left float (--allow-float)
    if not args.quiet:
        print(f"qcompile: {args.model} -> {args.output} (scheme {args.scheme})", file=sys.stderr)
    if args.model.endswith(".onnx"):
        from compiler.tools.qcompile_onnx import onnx_program

        program, float_model, held = onnx_program(args, progress)
        held_out = [held]
    else:
        program, float_model, held_out = quantized_program(args, progress, keep_sources)

    dump = Path(args.dump_dir) if args.dump_dir else None
    if dump is not None:
        dump.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    import torch
    from torch.export import ExportedProgram

    if args.model.endswith(".onnx"):
        from compiler.frontend.onnx_importer import import_onnx

        module = import_onnx(program, path=args.model)
    elif isinstance(program, ExportedProgram):
        module = import_program(program)
    else:  # convert_pt2e's GraphModule, imported without a re-export (frontend.workflow)
        module = import_graph_module(program)
    if not keep_sources:
        if isinstance(program, torch.fx.GraphModule):
            from compiler.frontend.workflow import release_tensors

            release_tensors(program)  # its weights now live in the IR
        program = float_model = None
    n_ops = sum(1 for _ in module.walk())
    progress.line("import", time.perf_counter() - start, f"{n_ops} ops")
    from compiler.tools.qcompile_adapt import adapt_imported

    adapt_imported(args, module, progress)  # any quantizer's conventions -> the scheme's
    stages = ["import"]
    if dump is not None:
        _dump(dump, 0, "import", module)
    quant_module = module.clone() if (args.verify or args.report) else None

    clock = {"t": time.perf_counter()}

    def after_pass(p, m) -> None:
        now = time.perf_counter()
        progress.line(p.name, now - clock["t"])
        stages.append(p.name)
        if dump is not None:
            _dump(dump, len(stages) - 1, p.name, m)
        clock["t"] = time.perf_counter()

    lower(module, scheme=args.scheme, io_dtype=args.io_dtype, allow_float=args.allow_float,
          callback=after_pass, verify_each=args.verify_each or dump is not None,
          target=target_runtime(args.output))

    from compiler.tools.qcompile_report import float_op_rows

    floats = float_op_rows(module, args.float_ops)
    if floats and not args.quiet:
        # --allow-float kept these float: say which and why (also in --report)
        print(f"qcompile: note: {len(floats)} op(s) left float (--allow-float):", file=sys.stderr)
        for op, where, reason in floats:
            print(f"  {op:<20} {where}: {reason}", file=sys.stderr)

    start = time.perf_counter()
    serialize = serialize_tflite if args.output.endswith(".tflite") else serialize_circle
    # the constants the passes replaced are cyclic garbage (an erased op and its
    # results), weights-sized: free them before the writer runs. Only a full
    # collection finds them: most were built by the importer, whose `gc_paused` hands
    # them to the oldest generation, and the young ones the passes made are referenced
    # from those (a young collection freed 0 objects on resnet18, a full one ~6000;
    # peak RSS 473 -> 465 MiB for ~0.2 s of CPU: docs/bench.md). The collection costs
    # the same on any model (it traverses torch's objects too), so it runs only where
    # the weights make it pay: constants of 4M elements or more (16 MiB in float).
    if _constant_elements(module) >= _COLLECT_ABOVE:
        import gc

        gc.collect()
    # the file is written from the builder's bytes and the IR's payloads (no copy of
    # the weights: `Flatbuffer.chunks`); the bytes are kept only for --verify/--report
    flatbuffer = serialize(module)
    size = flatbuffer.size
    write_atomically(args.output, flatbuffer.chunks())
    data = flatbuffer.tobytes() if keep_sources else None
    del flatbuffer
    progress.line(f"write {Path(args.output).suffix}", time.perf_counter() - start,
                  f"{size:,} bytes")
    if not args.quiet:
        print(f"qcompile: wrote {args.output} ({size:,} bytes) in {progress.total:.2f} s",
              file=sys.stderr)
    # held_out: every batch --verify measures on; held: the first (a runtime that differs
    # is bisected on it, --report's per-layer table)
    return dict(program=program, float_model=float_model, quant=quant_module, circle=module,
                data=data, held_out=held_out, held=held_out[0] if held_out else None)


def _dump(directory: Path, index: int, name: str, module) -> None:
    import io

    from compiler.ir.printing import Printer

    text = io.StringIO()
    Printer(stream=text, print_debuginfo=True).print_op(module)
    text.write("\n")
    write_atomically(str(directory / f"{index:02d}-{name}.mlir"), text.getvalue().encode())


def main(argv: list[str] | None = None) -> int:
    def body() -> None:
        args = parse_args(argv)
        quiet_torch_logs()
        result = compile_model(args, keep_sources=args.verify or args.report)
        if args.verify or args.report:  # (--report-md implies --report)
            from compiler.tools.qcompile_report import print_report, print_verify

            if args.verify:
                # a failed --verify keeps the file: it is the file that was checked, the
                # error says it was written and is wrong for that runtime, and
                # `qrun --compare` needs it (docs/runtimes.md)
                print_verify(args, result)
            if args.report:
                try:
                    print_report(args, result)
                except BaseException:
                    Path(args.output).unlink(missing_ok=True)  # a failed command leaves no output
                    raise

    return fail.guard("qcompile", body)


def main_exit() -> None:
    """The `qcompile` command: `main`, then a fast exit (no interpreter teardown; see
    `exit_now`). Tests call `main`."""
    from compiler.tools.common import exit_now, return_freed_memory

    return_freed_memory()
    exit_now(main())


if __name__ == "__main__":
    main_exit()

