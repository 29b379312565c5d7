"""`qcompile` for programs from any quantizer: the other flows and the adaptation step.

- `quantize_other_flow`: a model file's own PT2E `quantizer()` (XNNPACKQuantizer,
  X86InductorQuantizer, ...) or `--fx` (FX graph mode, reference decomposed);
- `adapt_imported`: after import, before `lower-to-circle`: record the program's
  conventions (for `--report`), observe the tensors the quantizer left unobserved on
  the calibration batches (`compiler.frontend.complete_qparams`), and re-encode the
  storage types into the target scheme (`adapt-storage`; lossy ones only with
  `--requantize`). Every parameter the compiler chose and every requantized tensor is
  printed (a note each), exact re-encodings are counted; `--report` lists them all.
"""

from __future__ import annotations

import sys
import time

from compiler.ir.diagnostics import CompileError


def quantize_other_flow(args, spec, model, example, calibration, progress):
    from compiler.frontend.flows import fx_qconfig_mapping, quantize_fx, quantize_pt2e
    from compiler.tools.model_file import call_user

    start = time.perf_counter()
    try:
        if args.fx:
            mapping = fx_qconfig_mapping(args.scheme, args.fx, args.qat)
            program = quantize_fx(model, example, calibration, mapping, is_qat=args.qat,
                                  scheme=args.scheme)
            what = f"FX graph mode ({args.fx})"
        else:
            quantizer = call_user(spec, spec.quantizer, "quantizer()")
            program = quantize_pt2e(model, example, calibration, quantizer, is_qat=args.qat)
            what = type(quantizer).__name__
    except CompileError:
        raise
    except Exception as e:  # torch.export / prepare errors name the user's code in their text
        text = str(e).strip().splitlines()
        raise CompileError(f"quantization ({'fx' if args.fx else 'quantizer()'}) failed: "
                           f"{type(e).__name__}: {text[0] if text else ''}") from None
    progress.line("quantize", time.perf_counter() - start,
                  f"{what}, {len(calibration)} batches")
    return program


def adapt_imported(args, module, progress) -> None:
    from compiler.frontend.complete_qparams import (
        complete_qparams,
        require_complete,
        unobserved_tensors,
    )
    from compiler.tools.qcompile_report import program_conventions
    from compiler.transforms.adapt_storage import adapt_storage

    start = time.perf_counter()
    args.conventions = program_conventions(module)
    args.chosen_qparams = []
    batches = getattr(args, "calibration", None) or []
    # --allow-float keeps the outputs the program computes in float as they are
    keep = args.allow_float
    if unobserved_tensors(module, keep):
        if batches:
            args.chosen_qparams = complete_qparams(module, batches, keep)
        elif not args.allow_float:
            require_complete(module)
    from compiler.tools.qcompile import target_runtime

    args.adaptations = adapt_storage(module, args.scheme, getattr(args, "requantize", False),
                                     target_runtime(args.output))
    exact = sum(a.exact for a in args.adaptations)
    if args.chosen_qparams or args.adaptations:
        progress.line("adapt", time.perf_counter() - start,
                      f"{exact} re-encoded exactly, "
                      f"{len(args.adaptations) - exact} requantized, "
                      f"{len(args.chosen_qparams)} observed")
    if args.quiet:
        return
    if args.chosen_qparams:
        print(f"qcompile: note: {len(args.chosen_qparams)} tensor(s) had no quantization "
              "parameters; observed on the calibration data:", file=sys.stderr)
        for c in args.chosen_qparams:
            print(f"  {c.line()}", file=sys.stderr)
    lossy = [a for a in args.adaptations if not a.exact]
    if lossy:
        print(f"qcompile: note: {len(lossy)} tensor(s) requantized (--requantize):",
              file=sys.stderr)
        for a in lossy:
            print(f"  {a.where or '<unknown>'}: {a.line()}", file=sys.stderr)
