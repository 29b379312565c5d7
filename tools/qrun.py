"""`qrun`: run a model in the reference interpreter and print or save its outputs.

    qrun MODEL.mlir|MODEL.circle|MODEL.tflite [--input X.npy ...] [--random SEED]
         [--output OUT.npz|OUT.npy] [--dequantize] [--full]
         [--compare OTHER [--runtime interpreter|litert|onert] [--resolver R]]

Inputs come from `.npy` files, one per function argument in order, or are drawn at
random (`--random SEED`: standard normal floats, uniform storage integers). A float
array given for a quantized argument is quantized with the argument's type (round
half to even, saturate, as `quant.qcast`). Dtype rule for the others: a float argument
takes any real float array (converted to its float type, as numpy rounds); an integer
argument (storage integers of a quantized one included) takes an integer array whose
values all fit its type; a bool argument takes a bool array. Anything else (complex,
an integer array for a float argument...) is refused, naming the argument. Outputs are printed as their IR type,
shape, dtype, range and values (`--full` prints every element; `--dequantize` prints
quantized outputs as real values), or saved with `--output` (`.npz` with keys
`output_0`, `output_1`...; `.npy` for a single output), written atomically.
`--compare OTHER` runs MODEL and OTHER on the same inputs and prints
`compiler.verify.compare`'s report (per output and per named tensor: max |err|, max
LSB, exact share, SQNR); with `--runtime litert|onert`, OTHER (a `.tflite` / `.circle`)
runs in that runtime instead of the interpreter (LiteRT with `--resolver`: BUILTIN_REF,
BUILTIN_WITHOUT_DEFAULT_DELEGATES or AUTO), and when the outputs differ, the runtime is
bisected op by op (`compiler.bisect`): the first op whose output departs from the
interpreter's on the same inputs is printed with its location, builtin, quantization
parameters and how many elements differ by how many steps. Float inputs are quantized
per model.
Errors print `qrun: error: <location>: <message>` and exit with 1; an op without a
kernel exits with 2 and names the op.
"""

from __future__ import annotations

import argparse
import io
import os
import sys

import numpy as np

from compiler.tools.common import fail, write_atomically


def _load_model(path: str):
    from compiler.interpreter import as_module

    with open(path, "rb") as f:
        data = f.read()
    ext = os.path.splitext(path)[1].lower()
    if ext in (".circle", ".tflite") or data[4:8] in (b"CIR0", b"TFL3"):
        return as_module(data)
    from compiler.ir.context import make_context
    from compiler.ir.diagnostics import LocatingParser, verify_module

    module = LocatingParser(make_context(), data.decode("utf-8", "replace"), path).parse_module()
    verify_module(module)
    return module


def _inputs(module, paths: list[str], seed: int | None) -> list[np.ndarray]:
    from compiler.interpreter import entry_function
    from compiler.interpreter.values import quantized, runtime_dtype, shape_of
    from compiler.ir.diagnostics import CompileError

    args = list(entry_function(module).body.blocks.first.args)
    if seed is not None:
        if paths:
            raise CompileError("give either --input files or --random, not both")
        rng = np.random.default_rng(seed)
        out = []
        for a in args:
            dt = runtime_dtype(a)
            if np.issubdtype(dt, np.integer):
                info = np.iinfo(dt)
                out.append(rng.integers(info.min, int(info.max) + 1, shape_of(a)).astype(dt))
            else:
                out.append(rng.standard_normal(shape_of(a)).astype(dt))
        return out
    if len(paths) != len(args):
        raise CompileError(f"the model takes {len(args)} inputs, {len(paths)} --input given")
    out = []
    for i, (a, p) in enumerate(zip(args, paths)):
        x = np.load(p, allow_pickle=False)
        q = quantized(a)
        if q is not None and np.issubdtype(x.dtype, np.floating):
            x = q.quantize(x)
        out.append(_convert(x, np.dtype(runtime_dtype(a)), f"--input {p} (argument #{i})"))
    return out


def _convert(x: np.ndarray, want: np.dtype, what: str) -> np.ndarray:
    """`x` as `want` by the module docstring's rule, or a CompileError saying why not."""
    from compiler.ir.diagnostics import CompileError

    if x.dtype == want:
        return x
    refused = CompileError(f"{what}: a {want} argument does not take {x.dtype} data")
    if np.issubdtype(want, np.floating):
        if not np.issubdtype(x.dtype, np.floating):
            raise refused
        return x.astype(want)
    if np.issubdtype(want, np.integer):
        if not np.issubdtype(x.dtype, np.integer):
            raise refused
        info = np.iinfo(want)
        if x.size and (x.min() < info.min or x.max() > info.max):
            raise CompileError(f"{what}: values [{x.min()}, {x.max()}] do not fit {want}")
        return x.astype(want)
    raise refused


def _summary(i: int, value: np.ndarray, type_, dequantize: bool, full: bool) -> str:
    from compiler.interpreter.values import element_type

    shown = value
    et = element_type(type_)
    if dequantize and hasattr(et, "dequantize"):
        shown = et.dequantize(value)
    lines = [f"output #{i}: {type_}",
             f"  shape {list(value.shape)} dtype {value.dtype}"
             + (f" min {shown.min():g} max {shown.max():g} mean {shown.astype(np.float64).mean():g}"
                if value.size else "")]
    opts = {"threshold": sys.maxsize} if full else {"threshold": 64, "edgeitems": 3}
    with np.printoptions(**opts, linewidth=100):
        lines += ["  " + line for line in np.array2string(shown).splitlines()]
    return "\n".join(lines)


def _save(path: str, outputs: list[np.ndarray]) -> None:
    from compiler.ir.diagnostics import CompileError

    buf = io.BytesIO()
    if path.endswith(".npy"):
        if len(outputs) != 1:
            raise CompileError(f"{len(outputs)} outputs: save them as .npz, not .npy")
        np.save(buf, outputs[0])
    else:
        np.savez(buf, **{f"output_{i}": o for i, o in enumerate(outputs)})
    write_atomically(path, buf.getvalue())


def _compare(module, other_path: str, runtime: str, resolver: str,
             inputs: list[np.ndarray]) -> None:
    from compiler.ir.diagnostics import CompileError
    from compiler.verify import compare

    if runtime == "interpreter":
        print(compare(module, _load_model(other_path), inputs))
        return
    with open(other_path, "rb") as f:
        data = f.read()
    if data[4:8] not in (b"CIR0", b"TFL3"):
        raise CompileError(f"--runtime {runtime} needs a .tflite or .circle file")
    from compiler.bisect import bisect
    from compiler.runtimes import RuntimeRefused

    try:
        report = compare(module, (runtime, data, resolver), inputs)
        print(report)
        if all(r.max_abs_error == 0 for r in report.outputs):
            return
        # the outputs differ: find the first op where the runtime departs from the IR
        print(bisect(data, inputs, runtime, resolver, source=module))
    except RuntimeRefused as e:
        raise CompileError(f"{other_path}: {e.runtime} refused the model: {e.message}") from None


def _main(argv: list[str] | None) -> None:
    parser = argparse.ArgumentParser(
        prog="qrun", description="run a model in the reference interpreter")
    parser.add_argument("model", help=".mlir, .circle or .tflite")
    parser.add_argument("--input", "-i", action="append", default=[], metavar="X.npy",
                        help="an input array, once per argument, in order")
    parser.add_argument("--random", type=int, metavar="SEED", default=None,
                        help="draw random inputs with this seed")
    parser.add_argument("--output", "-o", metavar="OUT", help="save outputs (.npz or .npy)")
    parser.add_argument("--dequantize", action="store_true",
                        help="print quantized outputs as real values")
    parser.add_argument("--full", action="store_true", help="print every element")
    parser.add_argument("--compare", metavar="OTHER",
                        help="compare MODEL with OTHER on the same inputs")
    parser.add_argument("--runtime", choices=("interpreter", "litert", "onert"),
                        default="interpreter", help="where OTHER runs (with --compare)")
    parser.add_argument("--resolver", default="BUILTIN_REF",
                        choices=("BUILTIN_REF", "BUILTIN_WITHOUT_DEFAULT_DELEGATES", "AUTO"),
                        help="LiteRT's kernels (with --runtime litert): reference, "
                             "optimized, optimized + XNNPACK")
    args = parser.parse_args(argv)
    if args.output and os.path.splitext(args.output)[1] not in (".npz", ".npy"):
        parser.error(f"--output must end in .npz or .npy, not '{args.output}'")

    from compiler.interpreter import entry_function, run

    module = _load_model(args.model)
    inputs = _inputs(module, args.input, args.random)
    if args.compare:
        _compare(module, args.compare, args.runtime, args.resolver, inputs)
        return
    outputs = run(module, inputs)
    if args.output:
        _save(args.output, outputs)
        return
    types = entry_function(module).function_type.outputs.data
    for i, (o, t) in enumerate(zip(outputs, types)):
        print(_summary(i, o, t, args.dequantize, args.full))


def main(argv: list[str] | None = None) -> int:
    def body() -> None:
        try:
            _main(argv)
        except NotImplementedError as e:
            print(f"qrun: error: {e}", file=sys.stderr)
            raise SystemExit(2) from None
        except ValueError as e:  # bad input arrays: a user error, not a compiler bug
            from compiler.ir.diagnostics import CompileError

            raise CompileError(str(e)) from None

    return fail.guard("qrun", body)


def main_exit() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    main_exit()
