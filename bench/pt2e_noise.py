"""How much does a model's SQNR move when only its near-tie roundings change?

    python bench/pt2e_noise.py examples/archs/vit.py --scheme uint8 [--fresh 64] [qcompile options]

Compiles the model file as `qcompile FILE -o OUT ...` does, then prints the SQNR (dB)
against the float model of

- torch's PT2E program and the circle IR (reference interpreter) on the held-back batch
  (what the zoo judges), on all of the model's calibration batches (the held one
  included; qcompile calibrates on the others), and on `--fresh` new inputs (normal
  floats of the batches' shapes), with the per-input IR - PT2E difference (mean,
  standard deviation);
- the PT2E program with every activation `quantize_per_tensor` input moved by a uniform
  random amount of at most `eps` steps (`--eps`, `--seeds` draws): only values within
  `eps` of a rounding tie change their integer, which is the size of the differences
  between two correct integer lowerings of the same program (a float32 product rounded
  the other way, a fixed-point rescale). The spread of these SQNRs is the measure's
  noise: an IR - PT2E gap inside it is not a lowering defect.

docs/numerics.md records what it found (vit uint8).
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _sqnr(ref: np.ndarray, x: np.ndarray) -> float:
    noise = float(np.sum((ref - x) ** 2))
    return math.inf if noise == 0 else 10 * math.log10(float(np.sum(ref**2)) / noise)


def _perturbed(program, eps: float, seed: int):
    """`program` (an FX graph) run with every activation quantization's input moved by
    at most `eps` of its step."""
    import torch
    import torch.fx

    gen = torch.Generator().manual_seed(seed)

    class Perturbed(torch.fx.Interpreter):
        def call_function(self, target, args, kwargs):
            name = getattr(target, "__name__", str(target))
            if name.startswith("quantize_per_tensor") and args[0].is_floating_point():
                x, scale = args[0], args[1]
                shift = (torch.rand(x.shape, generator=gen) - 0.5) * (2 * eps * float(scale))
                args = (x + shift, *args[1:])
            return super().call_function(target, args, kwargs)

    def run(*xs):
        with torch.no_grad():
            return Perturbed(program).run(*[torch.from_numpy(np.ascontiguousarray(x))
                                            for x in xs]).numpy()
    return run


def main(argv: list[str]) -> int:
    import argparse

    import torch

    from compiler.tools.qcompile import compile_model, parse_args
    from compiler.verify import run_stage

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--scheme", help="as qcompile's (uint8 compiles a .circle, else a .tflite)")
    ap.add_argument("--fresh", type=int, default=64, help="new inputs (default 64)")
    ap.add_argument("--eps", type=float, nargs="+", default=[1e-4, 1e-3])
    ap.add_argument("--seeds", type=int, default=12)
    args, rest = ap.parse_known_args(argv)
    if args.scheme is not None:
        rest = ["--scheme", args.scheme, *rest]
    suffix = ".circle" if args.scheme == "uint8" and "--per-tensor" not in rest else ".tflite"
    with tempfile.TemporaryDirectory(prefix="pt2e-noise-") as tmp:
        options = parse_args([args.model, "-o", str(Path(tmp) / f"m{suffix}"), "-q", *rest])
        result = compile_model(options)
    program = result["program"]
    program = program.module() if hasattr(program, "module") else program
    # the batches the quantizer calibrated on, then the held-back one (qcompile's split)
    calibration = [tuple(np.asarray(a) for a in b) for b in options.calibration]
    calibration.append(tuple(np.asarray(a) for a in result["held"]))
    gen = torch.Generator().manual_seed(1234)
    fresh = [tuple(torch.randn(a.shape, generator=gen).numpy() for a in calibration[0])
             for _ in range(args.fresh)]

    def outs(stage, batches):
        return [run_stage(stage, b).outputs[0].real() for b in batches]

    print(f"{'inputs':<26} {'PT2E dB':>8} {'IR dB':>8} {'IR - PT2E':>10}  per input: mean, sd")
    for label, batches in (("held (the zoo's)", calibration[-1:]),
                           (f"{len(calibration)} calibration batches", calibration),
                           (f"{len(fresh)} fresh inputs", fresh)):
        ref = outs(result["float_model"], batches)
        pt2e, ir = outs(program, batches), outs(result["circle"], batches)
        per = np.array([_sqnr(r, i) - _sqnr(r, p) for r, p, i in zip(ref, pt2e, ir)])
        a, b = _sqnr(np.concatenate(ref), np.concatenate(pt2e)), _sqnr(
            np.concatenate(ref), np.concatenate(ir))
        spread = f"{per.mean():+.2f}, {per.std():.2f}" if len(per) > 1 else ""
        print(f"{label:<26} {a:>8.2f} {b:>8.2f} {b - a:>+10.2f}  {spread}", flush=True)
    print(f"PT2E with its roundings moved by <= eps steps ({args.seeds} draws): mean, sd "
          "[min, max]")
    for label, batches in (("held", calibration[-1:]),
                           ("calibration", calibration), ("fresh", fresh)):
        ref = np.concatenate(outs(result["float_model"], batches))
        for eps in args.eps:
            got = [_sqnr(ref, np.concatenate([_perturbed(program, eps, s)(*b) for b in batches]))
                   for s in range(args.seeds)]
            print(f"  {label:<12} eps {eps:<7g} {np.mean(got):6.2f} {np.std(got):5.2f} "
                  f"[{min(got):.2f}, {max(got):.2f}]", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
