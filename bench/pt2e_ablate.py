"""Which op kinds cost the circle IR its SQNR against PT2E? An ablation.

    python bench/pt2e_ablate.py examples/archs/resnet50.py --scheme uint8 --per-tensor \
        --allow-float [--dither 0.004 --seeds 8]

Compiles the model file as `qcompile FILE -o OUT ...` does, then runs the final circle
IR in the reference interpreter over the model's calibration batches (the last one is
the zoo's held-back batch) several times: as compiled, and with the integer kernel of one
op kind at a time replaced by the ideal PT2E-like computation (inputs dequantized, the
op's float kernel in float64, the output quantized once, round half to even as
`torch.quantize_per_tensor`). Per variant: SQNR against the float model over all batches
and on the held batch, and against PT2E. The kinds whose ideal version recovers the gap
are where the IR departs from PT2E.

`--dither E --seeds N`: the noise floor of that measure. PT2E's own computation (every
op kind ideal) with each rounding threshold moved by uniform noise in [-E, E] steps:
roundings as good as PT2E's, differing from it on a few elements near halves. The spread
of its SQNR against float is how far any lowering with 1-step rounding differences can
land from PT2E by chance.
"""

from __future__ import annotations

import importlib.util
import math
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _sqnr(refs, xs) -> float:
    noise = sum(float(np.sum((r - x) ** 2)) for r, x in zip(refs, xs))
    signal = sum(float(np.sum(r**2)) for r in refs)
    return math.inf if noise == 0 else 10 * math.log10(signal / noise)


class _Ablation:
    """The circle IR run op by op, some op kinds computed ideally (see the module doc)."""

    def __init__(self, module):
        from xdsl.dialects.func import ReturnOp

        from compiler.interpreter.circle_base import FLOAT
        from compiler.interpreter.runner import FUNCTIONS, entry_function, make_interpreter

        self.module, self.func = module, entry_function(module)
        self.interp = make_interpreter(module)
        self.float_kernels = {c: k[FLOAT] for F in FUNCTIONS
                              for c, k in getattr(F, "KERNELS", {}).items() if FLOAT in k}
        self.ret = next(op for op in self.func.body.block.ops if isinstance(op, ReturnOp))

    def kinds(self) -> list[str]:
        return sorted({op.name.removeprefix("circle.") for op in self.func.body.block.ops
                       if self._quantized(op) and type(op) in self.float_kernels})

    @staticmethod
    def _qtype(v):
        from compiler.interpreter.values import element_type
        from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType

        et = element_type(v)
        return et if isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType) else None

    def _quantized(self, op) -> bool:
        return len(op.results) == 1 and self._qtype(op.results[0]) is not None

    def _real(self, v, a):
        q = self._qtype(v)
        return q.dequantize(a).astype(np.float64) if q is not None and a is not None else a

    def run(self, inputs, ideal=frozenset(), dither: float = 0.0, rng=None) -> np.ndarray:
        from compiler.verify import stage_inputs

        env = dict(zip(self.func.body.block.args, map(np.asarray,
                                                      stage_inputs(self.module, inputs))))
        for op in self.func.body.block.ops:
            if op is self.ret:
                break
            args = tuple(env.get(v) for v in op.operands)
            if op.name.removeprefix("circle.") in ideal and self._quantized(op) \
                    and type(op) in self.float_kernels:
                real = tuple(self._real(v, a) for v, a in zip(op.operands, args))
                (y,) = self.float_kernels[type(op)](op, *real)
                q = self._qtype(op.results[0])
                y = np.asarray(y, np.float64)
                if dither:
                    step = float(np.float32(q.scale.data))
                    y = y + rng.uniform(-dither, dither, y.shape) * step
                outs = (q.quantize(y),)
            else:
                outs = self.interp.run_op(op, args)
            for r, o in zip(op.results, outs):
                env[r] = None if o is None else np.asarray(o)
        v = self.ret.operands[0]
        return self._real(v, env[v])


def main(argv: list[str]) -> int:
    import argparse

    from compiler.verify import run_stage
    from tools.qcompile import compile_model, parse_args

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--scheme", help="as qcompile's (uint8 compiles a .circle, else a .tflite)")
    ap.add_argument("--dither", type=float, default=0.0)
    ap.add_argument("--seeds", type=int, default=8)
    args, rest = ap.parse_known_args(argv)
    if args.scheme is not None:
        rest = ["--scheme", args.scheme, *rest]
    suffix = ".circle" if args.scheme == "uint8" and "--per-tensor" not in rest else ".tflite"
    with tempfile.TemporaryDirectory(prefix="pt2e-ablate-") as tmp:
        result = compile_model(parse_args([args.model, "-o", str(Path(tmp) / f"m{suffix}"),
                                           "-q", *rest]))
    spec = importlib.util.spec_from_file_location("_model", args.model)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    batches = [tuple(np.asarray(t) for t in b) for b in mod.calibration_data()]
    fl = [run_stage(result["float_model"], b).outputs[0].real() for b in batches]
    pt = [run_stage(result["program"], b).outputs[0].real() for b in batches]
    ab = _Ablation(result["circle"])

    def row(name: str, ys) -> None:
        print(f"{name:<28} {_sqnr(fl, ys):8.2f} {_sqnr(fl[-1:], ys[-1:]):8.2f} "
              f"{_sqnr(pt, ys):9.2f}", flush=True)

    print(f"{'variant':<28} {'all dB':>8} {'held dB':>8} {'vs PT2E':>9}   "
          f"(SQNR vs float over {len(batches)} batches / the held one; vs PT2E, all)")
    row("PT2E", pt)
    row("circle IR", [ab.run(b) for b in batches])
    kinds = ab.kinds()
    for k in kinds:
        row(f"ideal {k}", [ab.run(b, frozenset([k])) for b in batches])
    row("ideal every kind", [ab.run(b, frozenset(kinds)) for b in batches])
    if args.dither:
        got = []
        for seed in range(args.seeds):
            rng = np.random.default_rng(seed)
            ys = [ab.run(b, frozenset(kinds), args.dither, rng) for b in batches]
            got.append((_sqnr(fl, ys), _sqnr(fl[-1:], ys[-1:])))
            row(f"ideal, dither {args.dither:g} seed {seed}", ys)
        a = np.array(got)
        print(f"dither {args.dither:g} over {args.seeds} seeds: all {a[:, 0].mean():.2f} +- "
              f"{a[:, 0].std():.2f} dB ({a[:, 0].min():.2f}..{a[:, 0].max():.2f}), held "
              f"{a[:, 1].mean():.2f} +- {a[:, 1].std():.2f} dB "
              f"({a[:, 1].min():.2f}..{a[:, 1].max():.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
