"""Whole-flow benchmark: what a user waits for, against torch.export alone.

    .venv/bin/python bench/whole_flow.py             # examples, 5 pairs each, + 10k ops
    .venv/bin/python bench/whole_flow.py --quick     # 3 pairs, no 10k-op graph
    .venv/bin/python bench/whole_flow.py --runs 9 --examples mobilenet_v2

1. **Whole process, paired.** For each example, `qcompile EXAMPLE -o OUT.circle -q` (A)
   and a process that only imports torch, builds the same model and runs
   `torch.export.export` on it (B) run in turn, A B A B ...; each process is measured
   from outside (`os.wait4`: wall, user+sys CPU, peak RSS). Printed: the medians and the
   median of the pair-by-pair ratios A/B (a ratio taken within a pair survives the
   machine's speed drifting between pairs).
2. **Phases.** One process per run times, in the order qcompile runs them: imports
   (torch; then compiler + torchao), export (with decompositions), calibrate (prepare +
   batches), convert, import, passes, write; plus the re-export that `compiler.quantize`
   still does and qcompile no longer does (measured after the flow, for reference).
   Medians over the runs.
3. **Memory.** Peak RSS of the qcompile process minus that of a process that only
   imports torch (torch's baseline), against the model's float weight bytes
   (parameters + buffers); the export-only process's peak too.
4. **10k ops.** The compiler proper (import → passes → write) on `conv-840` (10k IR ops,
   the largest graph of `compile_time.py`): ops/s from wall and from CPU time.

Results: bench/results/whole_flow.md. Not a test: nothing asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
EXAMPLES = ["mobilenet_v2", "resnet"]
PHASES = ["import torch", "import compiler", "load model", "export", "calibrate", "convert",
          "import", "passes", "write"]


# ---- child processes ------------------------------------------------------------------


def _load_example(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"example_{name}", ROOT / "examples" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def child_export(name: str, out: str | None = None) -> None:
    """What torch.export alone costs: import torch, build the model, export it (with
    `out`: its phases in CPU seconds, as `child_phases`)."""
    c0 = time.process_time()
    import torch

    torch.set_num_threads(1)
    c1 = time.process_time()
    mod = _load_example(name)
    model, example = mod.model(), tuple(mod.example_inputs())
    c2 = time.process_time()
    torch.export.export(model, example)
    c3 = time.process_time()
    if out:
        Path(out).write_text(json.dumps(dict(times={
            "import torch": c1 - c0, "load model": c2 - c1, "export": c3 - c2})))


def child_torch() -> None:
    import torch  # noqa: F401


def child_phases(name: str, out: str) -> None:
    """qcompile's flow, phase by phase (the same calls as compiler.tools.qcompile), in
    CPU seconds of this process: torch runs one thread, so on an idle machine that is
    the wall time, and on a shared one it is not inflated by other processes. (The
    workflow's own phase clock is `time.perf_counter`: pointed at `process_time` here.)"""
    time.perf_counter = time.process_time
    clock = [time.perf_counter()]
    times: dict[str, float] = {}

    def lap(phase: str) -> None:
        now = time.perf_counter()
        times[phase] = now - clock[0]
        clock[0] = now

    import torch

    torch.set_num_threads(1)
    lap("import torch")
    from compiler.codegen import write_circle
    from compiler.frontend import import_graph_module
    from compiler.frontend.workflow import quantize_graph_module
    from compiler.tools.common import quiet_torch_logs, write_atomically
    from compiler.transforms.pipelines import lower

    quiet_torch_logs()
    lap("import compiler")
    mod = _load_example(name)
    model, example = mod.model(), tuple(mod.example_inputs())
    batches = list(mod.calibration_data())[:-1]  # qcompile holds the last one back
    weights = sum(t.numel() * t.element_size()
                  for t in [*model.parameters(), *model.buffers()] if t.is_floating_point())
    lap("load model")
    flow: dict[str, float] = {}
    gm = quantize_graph_module(model, example, batches, scheme="uint8", progress=False,
                               timings=flow)
    times.update({k: flow[k] for k in ("export", "calibrate", "convert")})
    clock[0] = time.perf_counter()
    module = import_graph_module(gm)
    ops = sum(1 for _ in module.walk())
    lap("import")
    lower(module, scheme="uint8", verify_each=False)  # as qcompile
    lap("passes")
    with tempfile.TemporaryDirectory() as tmp:
        write_atomically(os.path.join(tmp, "out.circle"), write_circle(module))
    lap("write")
    torch.export.export(gm, example)
    lap("(re-export)")
    Path(out).write_text(json.dumps(dict(times=times, ops=ops, weights=weights)))


def child_10k(out: str, repeats: int) -> None:
    """The compiler proper on conv-840 (compile_time.py's largest graph)."""
    import gc

    sys.path.insert(0, str(ROOT / "bench"))
    import torch
    from compile_time import synthetic

    from compiler.codegen import write_circle
    from compiler.frontend import import_graph_module
    from compiler.frontend.workflow import quantize_graph_module
    from compiler.transforms.pipelines import lower

    torch.set_num_threads(1)
    model, ex, cal = synthetic("conv", 840)
    gm = quantize_graph_module(model, ex, cal, scheme="uint8", progress=False)
    runs = []
    for _ in range(repeats):
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        module = import_graph_module(gm)
        ops = sum(1 for _ in module.walk())
        w1, c1 = time.perf_counter(), time.process_time()
        lower(module, scheme="uint8", verify_each=False)  # as qcompile
        w2, c2 = time.perf_counter(), time.process_time()
        write_circle(module)
        w3, c3 = time.perf_counter(), time.process_time()
        runs.append(dict(ops=ops, wall=w3 - w0, cpu=c3 - c0, import_=w1 - w0, passes=w2 - w1,
                         write=w3 - w2))
        del module
    Path(out).write_text(json.dumps(runs))


# ---- measuring processes --------------------------------------------------------------


def run_process(argv: list[str], pythonpath: str | None = None) -> dict[str, float]:
    """Run argv to completion: wall s, cpu s (user+sys), peak RSS MiB."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    start = time.perf_counter()
    # cwd: not the checkout, whose `compiler` would shadow a --baseline's on sys.path
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            cwd=tempfile.gettempdir())
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err}")
    return dict(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss=usage.ru_maxrss / 1024)


def me(*args: str) -> list[str]:
    return [sys.executable, __file__, *args]


def qcompile_argv(name: str, out: str) -> list[str]:
    return [sys.executable, "-m", "compiler.tools.qcompile", str(ROOT / "examples" / f"{name}.py"),
            "-o", out, "-q"]


def med(xs) -> float:
    return statistics.median(xs)


def spread(xs) -> str:
    return f"{med(xs):.2f} ({min(xs):.2f}–{max(xs):.2f})"


def paired(name: str, runs: int, tmp: str, baseline: str | None) -> dict:
    """qcompile and export-only in turn (and the baseline's qcompile, when given)."""
    a = qcompile_argv(name, os.path.join(tmp, f"{name}.circle"))
    b = me("--child", "export", name)
    c = qcompile_argv(name, os.path.join(tmp, f"{name}-baseline.circle"))
    rows = []
    for i in range(runs + 1):  # the first round is a warm-up (file caches, .pyc)
        row = (run_process(a), run_process(b), run_process(c, baseline) if baseline else None)
        if i:
            rows.append(row)
    if baseline and Path(tmp, f"{name}.circle").read_bytes() != Path(
            tmp, f"{name}-baseline.circle").read_bytes():
        raise SystemExit(f"{name}: the baseline wrote a different .circle")
    result = dict(
        qcompile=[r[0] for r in rows], export=[r[1] for r in rows],
        ratio_wall=[r[0]["wall"] / r[1]["wall"] for r in rows],
        ratio_cpu=[r[0]["cpu"] / r[1]["cpu"] for r in rows],
    )
    if baseline:
        result.update(
            baseline=[r[2] for r in rows],
            base_ratio_wall=[r[2]["wall"] / r[1]["wall"] for r in rows],
            base_ratio_cpu=[r[2]["cpu"] / r[1]["cpu"] for r in rows],
        )
    return result


def phases(name: str, runs: int, tmp: str) -> dict:
    results = []
    for i in range(runs):
        out = os.path.join(tmp, f"phases-{name}-{i}.json")
        run_process(me("--child", "phases", name, out))
        results.append(json.loads(Path(out).read_text()))
    keys = list(results[0]["times"])
    exports = []
    for i in range(runs):
        out = os.path.join(tmp, f"export-{name}-{i}.json")
        run_process(me("--child", "export", name, out))
        exports.append(json.loads(Path(out).read_text())["times"])
    return dict(times={k: med([r["times"][k] for r in results]) for k in keys},
                export_only={k: med([r[k] for r in exports]) for k in exports[0]},
                ops=results[0]["ops"], weights=results[0]["weights"])


# ---- report ---------------------------------------------------------------------------


def machine() -> str:
    import platform

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{os.cpu_count()} cores, load average {load:.1f} at start, Python "
            f"{platform.python_version()}, torch 1 thread")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="pairs per example (default 5)")
    ap.add_argument("--examples", nargs="*", default=EXAMPLES)
    ap.add_argument("--quick", action="store_true", help="3 pairs, no 10k-op graph")
    ap.add_argument("--no-10k", action="store_true", help="skip the 10k-op graph")
    ap.add_argument("--baseline", metavar="DIR",
                    help="a source tree of an earlier version (its `compiler` package, with "
                         "tools/ copied to compiler/tools): its qcompile joins the pairs")
    ap.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        {"export": child_export, "torch": child_torch, "phases": child_phases,
         "10k": lambda out, n: child_10k(out, int(n))}[kind](*rest)
        return
    runs = 3 if args.quick else args.runs
    lines = ["# Whole-flow benchmark", "", f"Machine: {machine()}.", ""]

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory() as tmp:
        torch_only = [run_process(me("--child", "torch")) for _ in range(runs)]
        base_rss = med([r["rss"] for r in torch_only])
        say("## Whole process: qcompile vs torch.export alone")
        say()
        say(f"{runs} rounds per example, the processes run in turn after one warm-up round; "
            "medians (min–max) in seconds; ratios are medians of the ratios within a round"
            + (f"; `baseline`: qcompile of {args.baseline} (same .circle bytes checked)"
               if args.baseline else "") + ".")
        say()
        say("| example | process | wall | CPU | ÷ export-only (wall) | ÷ export-only (CPU) |")
        say("| --- | --- | ---: | ---: | ---: | ---: |")
        table: dict[str, dict] = {}
        for name in args.examples:
            p = paired(name, runs, tmp, args.baseline)
            table[name] = p

            def row(label, procs, rw, rc):
                say(f"| {name} | {label} | {spread([r['wall'] for r in procs])} | "
                    f"{spread([r['cpu'] for r in procs])} | "
                    + (f"**{med(rw):.2f}×** ({min(rw):.2f}–{max(rw):.2f}) | "
                       f"**{med(rc):.2f}×** ({min(rc):.2f}–{max(rc):.2f}) |" if rw else "| |"))

            row("qcompile", p["qcompile"], p["ratio_wall"], p["ratio_cpu"])
            if args.baseline:
                row("qcompile (baseline)", p["baseline"], p["base_ratio_wall"], p["base_ratio_cpu"])
            row("export-only", p["export"], None, None)
        say()
        say("## Phases (medians, CPU seconds)")
        say()
        split = {name: phases(name, runs, tmp) for name in args.examples}
        keys = [*PHASES, "(re-export)"]
        say("| phase | " + " | ".join(f"{n} qcompile | {n} export-only" for n in args.examples) + " |")
        say("| --- | " + " | ".join("---: | ---:" for _ in args.examples) + " |")

        def cell(d: dict, k: str) -> str:
            return f"{d[k]:.3f}" if k in d else ""

        for k in [*keys, "total"]:
            row = []
            for n in args.examples:
                t, e = split[n]["times"], split[n]["export_only"]
                if k == "total":
                    row += [f"**{sum(v for x, v in t.items() if not x.startswith('(')):.3f}**",
                            f"**{sum(e.values()):.3f}**"]
                else:
                    row += [cell(t, k), cell(e, k)]
            say(f"| {k} | " + " | ".join(row) + " |")
        say("| (IR ops at import) | " + " | ".join(f"{split[n]['ops']} | " for n in args.examples) + " |")
        say()
        say("(re-export): what `compiler.quantize` still spends after convert and qcompile "
            "no longer does (it imports the converted GraphModule directly).")
        say()
        say("## Peak memory")
        say()
        say(f"torch's baseline (a process that imports torch): {base_rss:.0f} MiB peak RSS.")
        say()
        say("| example | float weights | qcompile peak | export-only peak | qcompile − torch "
            "baseline | ÷ weights | qcompile − export-only | ÷ weights |")
        say("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name in args.examples:
            w = split[name]["weights"] / 2**20
            q = med([r["rss"] for r in table[name]["qcompile"]])
            e = med([r["rss"] for r in table[name]["export"]])
            say(f"| {name} | {w:.2f} MiB | {q:.0f} MiB | {e:.0f} MiB | {q - base_rss:.0f} MiB | "
                f"{(q - base_rss) / w:.0f}× | {q - e:.0f} MiB | {(q - e) / w:.0f}× |")
        say()
        if not (args.quick or args.no_10k):
            out = os.path.join(tmp, "10k.json")
            run_process(me("--child", "10k", out, "2"))
            r10 = json.loads(Path(out).read_text())
            say("## Compiler proper at 10k ops (conv-840: import → passes → write)")
            say()
            say("| run | IR ops | wall s | CPU s | ops/s (wall) | ops/s (CPU) | import | passes | write |")
            say("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            for i, r in enumerate(r10):
                say(f"| {i + 1}{' (cold)' if i == 0 else ''} | {r['ops']} | {r['wall']:.2f} | "
                    f"{r['cpu']:.2f} | {r['ops'] / r['wall']:.0f} | {r['ops'] / r['cpu']:.0f} | "
                    f"{r['import_']:.2f} | {r['passes']:.2f} | {r['write']:.2f} |")
            say()
            say(f"Median: {med([r['ops'] / r['cpu'] for r in r10]):.0f} ops/s of CPU time.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "whole_flow.md").write_text("\n".join(lines) + "\n")
    print(f"\nwrote {RESULTS / 'whole_flow.md'}")


if __name__ == "__main__":
    main()
