"""Whole-flow benchmark: what a user waits for, against torch.export alone.

    .venv/bin/python bench/whole_flow.py             # examples, 5 pairs each, + 10k ops
    .venv/bin/python bench/whole_flow.py --quick     # 3 pairs, one 10k-op run
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
3. **Memory.** Peak RSS of the qcompile process against the model's float weight bytes
   (parameters + buffers), above torch's own baseline (the export-only process of the
   same model) and above a bare `import torch`; split into the fixed cost of importing
   the compiler (an export-only process that also imports what qcompile imports) and
   the rest. On the largest shipped example (`resnet`, 2.7 MiB) and on `resnet18.py`
   (the same graph at full width, 43 MiB), where the weights outweigh the fixed cost;
   the two share their graph, so their difference is what grows with the weights.
4. **10k ops.** The compiler proper (import → passes → write) on `conv-840` (10k IR ops,
   the largest graph of `compile_time.py`): ops/s from wall and from CPU time.
5. **Acceptance (#22)**: every target with its figure and "met" / "not met". Times are
   compared in CPU seconds (user + sys): the machine is shared, and torch runs one
   thread, so on an idle machine CPU time is the wall time.

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
#: memory: the largest shipped example, and the same graph at full width (43 MiB)
MEMORY_MODELS = ["resnet", "bench/resnet18.py"]
RATIO_TARGET, OPS_TARGET, MEMORY_TARGET = 1.25, 5000, 2.0
PHASES = ["import torch", "import compiler", "load model", "export", "calibrate", "convert",
          "import", "passes", "write"]


# ---- child processes ------------------------------------------------------------------


def model_path(name: str) -> Path:
    """An example's name (`examples/NAME.py`) or a model file's path from the checkout."""
    return ROOT / name if name.endswith(".py") else ROOT / "examples" / f"{name}.py"


def label(name: str) -> str:
    return Path(name).stem


def _load_example(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"example_{label(name)}", model_path(name))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _import_compiler() -> None:
    """What a qcompile process imports besides torch (also what `compiler.frontend`
    imports lazily: the importer and the dialects, ~3 MiB of the fixed part)."""
    import compiler.codegen  # noqa: F401
    import compiler.frontend  # noqa: F401
    from compiler.frontend import import_graph_module  # noqa: F401
    import compiler.frontend.workflow  # noqa: F401
    import compiler.tools.model_file  # noqa: F401
    import compiler.tools.qcompile  # noqa: F401
    import compiler.tools.qcompile_adapt  # noqa: F401
    import compiler.tools.qcompile_report  # noqa: F401
    import compiler.transforms.pipelines  # noqa: F401


def child_export(name: str, out: str | None = None, imports: bool = False) -> None:
    """What torch.export alone costs: import torch, build the model, export it (with
    `out`: its phases in CPU seconds, as `child_phases`; with `imports`: the compiler's
    modules imported too, for the fixed part of qcompile's memory)."""
    c0 = time.process_time()
    import torch

    torch.set_num_threads(1)
    if imports:
        _import_compiler()
    c1 = time.process_time()
    mod = _load_example(name)
    model, example = mod.model(), tuple(mod.example_inputs())
    c2 = time.process_time()
    torch.export.export(model, example)
    c3 = time.process_time()
    if out:
        Path(out).write_text(json.dumps(dict(times={
            "import torch": c1 - c0, "load model": c2 - c1, "export": c3 - c2})))


def child_torch(imports: str = "") -> None:
    import torch  # noqa: F401

    if imports:
        _import_compiler()


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
    return [sys.executable, "-m", "compiler.tools.qcompile", str(model_path(name)), "-o", out,
            "-q"]


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


def memory(name: str, runs: int, tmp: str, baseline: str | None) -> dict:
    """Peak RSS (MiB, medians over `runs` rounds) of qcompile, export-only and export-only
    with the compiler's imports (and the baseline's qcompile), in turn; the model's float
    weight bytes."""
    argvs = dict(qcompile=qcompile_argv(name, os.path.join(tmp, f"mem-{label(name)}.circle")),
                 export=me("--child", "export", name),
                 imports=me("--child", "export", name, "", "imports"))
    if baseline:
        argvs["baseline"] = qcompile_argv(name, os.path.join(tmp, f"mem-{label(name)}-b.circle"))
    peaks: dict[str, list[float]] = {k: [] for k in argvs}
    for _ in range(runs):
        for k, argv in argvs.items():
            peaks[k].append(run_process(argv, baseline if k == "baseline" else None)["rss"])
    out = os.path.join(tmp, f"weights-{label(name)}.json")
    run_process(me("--child", "weights", name, out))
    return dict({k: med(v) for k, v in peaks.items()},
                weights=json.loads(Path(out).read_text()) / 2**20)


def child_weights(name: str, out: str) -> None:
    mod = _load_example(name)
    model = mod.model()
    Path(out).write_text(json.dumps(sum(
        t.numel() * t.element_size() for t in [*model.parameters(), *model.buffers()]
        if t.is_floating_point())))


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


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
    ap.add_argument("--quick", action="store_true", help="3 pairs, one 10k-op run")
    ap.add_argument("--no-10k", action="store_true", help="skip the 10k-op graph")
    ap.add_argument("--baseline", metavar="DIR",
                    help="a source tree of an earlier version (its `compiler` package, with "
                         "tools/ copied to compiler/tools): its qcompile joins the pairs")
    ap.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        {"export": lambda n, out="", imports="": child_export(n, out or None, bool(imports)),
         "torch": child_torch, "phases": child_phases, "weights": child_weights,
         "10k": lambda out, n: child_10k(out, int(n))}[kind](*rest)
        return
    runs = 3 if args.quick else args.runs
    start = time.perf_counter()
    lines = ["# Whole-flow benchmark", "",
             f"Machine: {machine()}; `{' '.join(['whole_flow.py', *sys.argv[1:]])}`.", ""]
    accept: list[tuple[str, str, str, bool]] = []  # (figure, target, measured, met)

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory() as tmp:
        base_rss = med([run_process(me("--child", "torch"))["rss"] for _ in range(runs)])
        imports_rss = med([run_process(me("--child", "torch", "imports"))["rss"]
                           for _ in range(runs)])
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
            rc = med(p["ratio_cpu"])
            accept.append((f"whole flow ÷ torch.export alone, {name} (CPU)",
                           f"≤ {RATIO_TARGET}×", f"{rc:.2f}× (wall {med(p['ratio_wall']):.2f}×)",
                           rc <= RATIO_TARGET))
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
        say(f"Peak RSS, medians of {runs} rounds (the processes in turn). Bare `import torch`: "
            f"{base_rss:.0f} MiB; `import torch` + the compiler's modules: {imports_rss:.0f} MiB "
            f"(+{imports_rss - base_rss:.0f} MiB, much of it torch modules torch.export loads "
            "anyway). torch's own baseline for a model: the export-only process (import "
            "torch, build the model, torch.export); *fixed*: what importing the compiler adds "
            "to it (the same process importing the compiler too); *rest*: qcompile above "
            "that.")
        say()
        say("| model | float weights | qcompile | export-only | export + imports | "
            "qcompile − export-only | fixed | rest | qcompile − bare torch |")
        say("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        mem = {name: memory(name, runs, tmp, args.baseline) for name in MEMORY_MODELS}
        for name, m in mem.items():
            for tag, q in [("", m["qcompile"])] + (
                    [(" (baseline)", m["baseline"])] if args.baseline else []):
                w, e, i_ = m["weights"], m["export"], m["imports"]
                say(f"| {label(name)}{tag} | {w:.2f} MiB | {q:.0f} | {e:.0f} | {i_:.0f} | "
                    f"{q - e:.0f} MiB = **{(q - e) / w:.2f}×** | {i_ - e:.0f} MiB | "
                    f"{q - i_:.0f} MiB = {(q - i_) / w:.2f}× | {q - base_rss:.0f} MiB = "
                    f"{(q - base_rss) / w:.2f}× |")
        (small, big) = (mem[n] for n in MEMORY_MODELS)
        slope = ((big["qcompile"] - big["export"]) - (small["qcompile"] - small["export"])) / (
            big["weights"] - small["weights"])
        say()
        say(f"The two models share their graph ({label(MEMORY_MODELS[0])} is "
            f"{label(MEMORY_MODELS[1])} at quarter width): what qcompile holds above "
            f"export-only grows by **{slope:.2f} MiB per MiB of float weights**; the rest "
            "does not depend on the weights (the compiler's imports, the FX graphs of "
            "prepare/convert, the IR's objects).")
        say()
        w, q, e = big["weights"], big["qcompile"], big["export"]
        accept.append((f"peak RSS above torch's baseline, {label(MEMORY_MODELS[1])} "
                       f"({w:.0f} MiB of float weights)", f"≤ {MEMORY_TARGET:g}× weights",
                       f"{(q - e) / w:.2f}× ({q - e:.0f} MiB)", (q - e) / w <= MEMORY_TARGET))
        accept.append(("… of which what grows with the weights", f"≤ {MEMORY_TARGET:g}×",
                       f"{slope:.2f}× (MiB per MiB)", slope <= MEMORY_TARGET))
        w, q, e = small["weights"], small["qcompile"], small["export"]
        accept.append((f"peak RSS above torch's baseline, {label(MEMORY_MODELS[0])} "
                       f"(the largest shipped example, {w:.1f} MiB)",
                       f"≤ {MEMORY_TARGET:g}× weights", f"{(q - e) / w:.0f}× ({q - e:.0f} MiB, "
                       "fixed cost)", (q - e) / w <= MEMORY_TARGET))
        if not args.no_10k:
            out = os.path.join(tmp, "10k.json")
            run_process(me("--child", "10k", out, "1" if args.quick else "2"))
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
            ops = med([r['ops'] / r['cpu'] for r in r10])
            say(f"Median: {ops:.0f} ops/s of CPU time.")
            accept.append((f"compiler proper at {r10[0]['ops']} IR ops (CPU)",
                           f"≥ {OPS_TARGET} ops/s", f"{ops:.0f} ops/s", ops >= OPS_TARGET))
        say()
        say("## Acceptance (issue #22)")
        say()
        say("Times in CPU seconds (user + sys) of single-threaded processes: the machine is "
            "shared, and CPU time is what the wall time would be on an idle one.")
        say()
        say("| figure | target | measured | |")
        say("| --- | --- | ---: | --- |")
        for figure, target, measured, ok in accept:
            say(f"| {figure} | {target} | {measured} | {verdict(ok)} |")
        say()
        say(f"Load average {os.getloadavg()[0]:.1f} at the end; the run took "
            f"{time.perf_counter() - start:.0f} s.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "whole_flow.md").write_text("\n".join(lines) + "\n")
    print(f"\nwrote {RESULTS / 'whole_flow.md'}")


if __name__ == "__main__":
    main()
