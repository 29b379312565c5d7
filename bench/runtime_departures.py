"""Where LiteRT's kernels depart from the circle IR, op by op, on the zoo's models: the
measurements behind the LiteRT `Tolerance` traits (docs/runtimes.md).

    .venv/bin/python bench/runtime_departures.py -m resnet50 -s uint8-pt
    .venv/bin/python bench/runtime_departures.py -s uint8-pt --batches 3 --json out.json

Each model x scheme compiles as `qcompile --verify` does (`arch_zoo.compile_args`), then
`compiler.bisect` runs the file with each LiteRT resolver on the held-back batch (and,
with `--batches N`, on N - 1 calibration batches too) and judges every op on its own
inputs. Printed per resolver: for each op kind and output storage that departs, the ops
that do out of those compiled, the share of their elements that differ (max over the ops
and batches), the max |steps| and the tolerance declared today (its `Tolerance` traits);
`BEYOND` marks a departure beyond it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict

import common  # noqa: F401  (threads, log noise, test/python on sys.path)
from arch_zoo import MODELS, SCHEMES, compile_args

RESOLVERS = ("BUILTIN_REF", "BUILTIN_WITHOUT_DEFAULT_DELEGATES", "AUTO")


def measure(model: str, scheme: str, batches: int) -> dict:
    """{resolver: {"BUILTIN storage": {...}}} for one cell (see the module doc)."""
    import tempfile

    from compiler.bisect import _operators, _storage, bisect
    from compiler.interpreter import as_module
    from compiler.tools.qcompile import compile_model, parse_args

    common.quiet()
    if SCHEMES[scheme].runtime != "litert":
        raise SystemExit(f"{scheme} is not a .tflite scheme")
    with tempfile.TemporaryDirectory() as tmp:
        args = parse_args(compile_args(model, scheme, f"{tmp}/{model}.tflite"))
        result = compile_model(args)
    data = result["data"]
    inputs = [result["held"]] + [[t.detach().numpy() for t in b]
                                 for b in args.calibration[:max(0, batches - 1)]]
    ops = _operators(as_module(bytes(data)))
    compiled: dict[str, int] = defaultdict(int)
    for op in ops:
        st = _storage(op.results[0]) if op.results else None
        compiled[f"{op.BUILTIN} {st or 'f32'}"] += 1
    out: dict = {"ops": dict(compiled)}
    for resolver in RESOLVERS:
        kinds: dict[str, dict] = {}
        for xs in inputs:
            b = bisect(data, xs, "litert", resolver, source=result["circle"])
            for d in b.departures:
                st = _storage(ops[d.index].results[0]) or "f32"
                k = kinds.setdefault(f"{d.builtin} {st}", {
                    "ops": set(), "max_share": 0.0, "max_steps": 0.0, "tolerance": d.tolerance,
                    "beyond": False})
                k["ops"].add(d.index)
                k["max_share"] = max(k["max_share"], 100.0 * d.differing / max(d.total, 1))
                k["max_steps"] = max(k["max_steps"], d.max_steps if d.max_steps is not None
                                     else float("inf"))
                k["beyond"] |= not d.tolerated
        out[resolver] = {name: {**k, "ops": len(k["ops"])} for name, k in kinds.items()}
    return out


def report(model: str, scheme: str, cell: dict) -> None:
    print(f"== {model} {scheme}")
    for resolver in RESOLVERS:
        kinds = cell[resolver]
        if not kinds:
            print(f"  {resolver}: every op equal")
            continue
        for name, k in sorted(kinds.items()):
            mark = "  BEYOND" if k["beyond"] else ""
            print(f"  {resolver}: {name}: {k['ops']} of {cell['ops'].get(name, '?')} ops, "
                  f"<= {k['max_share']:.2f} % of elements, max {k['max_steps']:g} step(s), "
                  f"tolerance {k['tolerance']}{mark}")
    sys.stdout.flush()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-m", "--model", action="append", choices=list(MODELS))
    p.add_argument("-s", "--scheme", action="append",
                   choices=[s for s, v in SCHEMES.items() if v.runtime == "litert"])
    p.add_argument("--batches", type=int, default=1,
                   help="the held-back batch and N - 1 calibration batches")
    p.add_argument("--json", help="also write every cell's figures here")
    a = p.parse_args()
    cells = {}
    for model in a.model or list(MODELS):
        for scheme in a.scheme or ["uint8-pt"]:
            try:
                cells[f"{model} {scheme}"] = cell = measure(model, scheme, a.batches)
            except Exception as e:  # a compile error is that cell's finding
                print(f"== {model} {scheme}: {type(e).__name__}: {str(e).splitlines()[0]}")
                continue
            report(model, scheme, cell)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(cells, f, indent=1)


if __name__ == "__main__":
    main()
