"""Compile-time benchmark: import → lower-to-circle (each pass) → write .circle.

    .venv/bin/python bench/compile_time.py            # examples + synthetic up to ~10k ops
    .venv/bin/python bench/compile_time.py --quick    # smaller sweep, fewer repeats
    .venv/bin/python bench/compile_time.py --profile  # + cProfile (and pyinstrument) of
                                                      #   the largest graph's compile
    .venv/bin/python bench/compile_time.py --verify-each  # verify the IR after every pass

For each model, torch.export + PT2E calibration/conversion run once (their time is
reported but is not compile time); then the compiler proper (`import_program`, the
passes of `lower`, `write_circle`) runs `--repeats` times, verifying the IR once after
the last pass as `qcompile` does (`--verify-each`: after every pass). "cold" is the first
run in the process, "warm" the fastest of the others; the phase breakdown is the warm
run's. Peak memory is traced in a separate run (`tracemalloc`: Python allocations of
the compile only; ru_maxrss: the whole process, torch included).

Synthetic models: `conv-N` is a stack of N residual blocks `x + relu(conv3x3(x))`
(4 channels, 8x8), `linear-N` a stack of N `x + relu(linear(x))` (32 features); both
give 12 IR ops per block at import. Results: bench/results/compile_time.md and
compile_time.png. Not a test: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import resource
import time
import tracemalloc

import numpy as np
import torch
import torch.nn as nn

from common import RESULTS, ROOT, have, machine, quiet, table

EXAMPLES = ["tiny_cnn", "mobilenet_v2", "resnet", "transformer"]
# The pass list comes from the pipeline at run time; this is only the preferred order
# and the short column names.
PHASES = ["import", "fold-batch-norm", "fold-qdq", "convert-aten-to-circle", "circle-sink-transposes",
          "circle-fuse-activation", "quant-propagate", "quantize-bias", "fuse-qdq",
          "circle-cleanup", "verify-quantized", "write"]
SHORT = {"import": "import", "fold-batch-norm": "fold-bn", "fold-qdq": "fold-qdq", "convert-aten-to-circle": "legalize",
         "circle-sink-transposes": "sink-T", "circle-fuse-activation": "fuse-act",
         "quant-propagate": "q-prop", "quantize-bias": "q-bias", "fuse-qdq": "fuse-qdq",
         "circle-cleanup": "cleanup", "verify-quantized": "verify", "write": "write"}


# ---- models ---------------------------------------------------------------------------


class ConvBlock(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return x + torch.relu(self.conv(x))


class LinearBlock(nn.Module):
    def __init__(self, f: int):
        super().__init__()
        self.fc = nn.Linear(f, f)

    def forward(self, x):
        return x + torch.relu(self.fc(x))


def synthetic(kind: str, n: int):
    torch.manual_seed(n)
    g = torch.Generator().manual_seed(1)
    if kind == "conv":
        model = nn.Sequential(*[ConvBlock(4) for _ in range(n)])
        shape = (1, 4, 8, 8)
    else:
        model = nn.Sequential(*[LinearBlock(32) for _ in range(n)])
        shape = (1, 32)
    for m in model.modules():  # keep activations bounded through deep residual stacks
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.weight.data.mul_(0.1)
    return model.eval(), (torch.randn(*shape, generator=g),), [(torch.randn(*shape, generator=g),)
                                                              for _ in range(2)]


def example(name: str):
    path = ROOT / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    model = mod.model().eval()
    ex = tuple(mod.example_inputs())
    cal = list(mod.calibration_data()) if hasattr(mod, "calibration_data") else [ex]
    return model, ex, cal


# ---- one compile ----------------------------------------------------------------------


def compile_once(program, scheme: str) -> tuple[dict[str, float], int, int, int]:
    """(seconds per phase, IR ops at import, circle ops at the end, bytes written)."""
    times: dict[str, float] = {}
    if GC_OFF:
        gc.disable()
    try:
        return _compile(program, scheme, times)
    finally:
        gc.enable()


GC_OFF = False
#: lower(verify_each=...): qcompile's default is False (verify once, after the last pass)
VERIFY_EACH = False
VERIFY_MODE = "once, after the last pass"


def _compile(program, scheme, times):
    from compiler.codegen import write_circle
    from compiler.frontend import import_program
    from compiler.transforms.pipelines import lower

    t0 = time.perf_counter()
    module = import_program(program)
    times["import"] = time.perf_counter() - t0
    n_import = sum(1 for _ in module.walk())
    clock = [time.perf_counter()]

    def after(p, m):
        now = time.perf_counter()
        times[p.name] = now - clock[0]
        clock[0] = now

    # Time the IR verification `lower` runs (after the last pass, or after every pass
    # with --verify-each; it is inside the pass figures above, reported separately as
    # "verify_module").
    import compiler.transforms.pipelines as pipelines

    original = getattr(pipelines, "verify_module", None)
    spent = [0.0]
    if original is not None:
        def timed_verify(m):
            t = time.perf_counter()
            try:
                return original(m)
            finally:
                spent[0] += time.perf_counter() - t

        pipelines.verify_module = timed_verify
    clock[0] = time.perf_counter()
    try:
        lower(module, scheme=scheme, callback=after, verify_each=VERIFY_EACH)
    finally:
        if original is not None:
            pipelines.verify_module = original
    times["(verify_module)"] = spent[0]
    n_final = sum(1 for _ in module.walk())
    t0 = time.perf_counter()
    data = write_circle(module)
    times["write"] = time.perf_counter() - t0
    return times, n_import, n_final, len(data)


def peak_memory(program, scheme: str) -> float:
    """Peak traced Python allocation (MiB) of one compile."""
    gc.collect()
    tracemalloc.start()
    try:
        compile_once(program, scheme)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def bench_model(name, model, ex, cal, scheme, repeats, memory=True):
    from compiler.frontend.workflow import quantize

    front: dict[str, float] = {}
    program = quantize(model, ex, cal, scheme=scheme, progress=False, timings=front)
    del model, cal
    gc.collect()
    runs = []
    for _ in range(repeats):
        gc.collect()
        runs.append(compile_once(program, scheme))
    totals = [sum(v for k, v in r[0].items() if not k.startswith("(")) for r in runs]
    warm_i = min(range(1, len(runs)), key=lambda i: totals[i]) if len(runs) > 1 else 0
    phases, n_import, n_final, size = runs[warm_i]
    mem = peak_memory(program, scheme) if memory else float("nan")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return dict(name=name, scheme=scheme, front=front, cold=totals[0], warm=totals[warm_i],
                phases=phases, ops=n_import, circle_ops=n_final, bytes=size, mem=mem,
                rss=rss, program=program)


# ---- report ---------------------------------------------------------------------------


def fmt_s(x: float) -> str:
    return f"{x:.3f}"


def fit(rows):
    """Least-squares t = a*ops + b and the log-log slope (1.0 = linear)."""
    x = np.array([r["ops"] for r in rows], float)
    y = np.array([r["warm"] for r in rows], float)
    a, b = np.polyfit(x, y, 1)
    big = x >= np.median(x)
    slope = np.polyfit(np.log(x[big]), np.log(y[big]), 1)[0] if big.sum() >= 2 else float("nan")
    slope_all = np.polyfit(np.log(x), np.log(y), 1)[0]
    return a, b, slope, slope_all


def plot(rows_by_kind, path):
    if not have("matplotlib"):
        print("(matplotlib not installed: no plot)")
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for kind, rows in rows_by_kind.items():
        x = [r["ops"] for r in rows]
        ax1.plot(x, [r["warm"] for r in rows], "o-", label=f"{kind}: warm compile")
        ax2.plot(x, [1e6 * r["warm"] / r["ops"] for r in rows], "o-", label=kind)
    ax1.axhline(10.0, color="red", lw=0.8, ls="--", label="target: 10k ops in 10 s")
    ax1.axvline(10000, color="red", lw=0.8, ls=":")
    ax1.set_xlabel("IR ops at import")
    ax1.set_ylabel("seconds (import + passes + write)")
    ax1.set_title("compile time vs graph size")
    ax1.legend(fontsize=8)
    ax1.grid(alpha=0.3)
    ax2.set_xscale("log")
    ax2.set_ylim(bottom=0)
    ax2.set_xlabel("IR ops at import")
    ax2.set_ylabel("µs per op")
    ax2.set_title("cost per op (flat = linear)")
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sweep, 2 repeats (~1-2 min)")
    ap.add_argument("--repeats", type=int, default=None, help="compiles per model (default 3)")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile (and pyinstrument if installed) of the largest conv graph")
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    ap.add_argument("--scheme", default="uint8", choices=("uint8", "int8", "int16"))
    ap.add_argument("--gc-off", action="store_true",
                    help="disable Python's cyclic GC during each compile (measures its share)")
    ap.add_argument("--verify-each", action="store_true",
                    help="verify the IR after every pass (default: once at the end, as qcompile)")
    ap.add_argument("--cpu", action="store_true",
                    help="time with this process's CPU clock instead of the wall clock: on "
                         "a shared machine the wall clock counts other processes' turns, "
                         "and torch runs one thread here, so CPU time is the idle wall time")
    args = ap.parse_args()
    if args.cpu:
        # Every phase clock here and in compiler.frontend.workflow reads perf_counter.
        time.perf_counter = time.process_time
    load = os.getloadavg()[0]
    global GC_OFF, VERIFY_EACH, VERIFY_MODE
    GC_OFF = args.gc_off
    VERIFY_EACH = args.verify_each
    VERIFY_MODE = "after each pass" if VERIFY_EACH else "once, after the last pass"
    quiet()
    repeats = args.repeats or (2 if args.quick else 3)
    conv_sizes = [10, 25, 50, 100] if args.quick else [25, 50, 100, 200, 400, 840]
    linear_sizes = [10, 25, 50, 100] if args.quick else [25, 50, 100, 200, 400]
    examples = ["tiny_cnn", "mobilenet_v2"] if args.quick else EXAMPLES
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")

    from compiler.ir.diagnostics import CompileError

    ex_rows = []
    refused: list[str] = []  # examples the scheme refuses (e.g. transformer's RSQRT in uint8)
    for name in examples:
        print(f"... {name}", flush=True)
        try:
            ex_rows.append(bench_model(name, *example(name), args.scheme, repeats,
                                       memory=not args.no_memory))
        except CompileError as e:
            refused.append(f"{name}: {str(e).split(' (')[0].replace(str(ROOT) + '/', '')}")
            print(f"    not measured: {refused[-1]}")
            continue
        del ex_rows[-1]["program"]
    syn: dict[str, list] = {"conv": [], "linear": []}
    for kind, sizes in (("conv", conv_sizes), ("linear", linear_sizes)):
        for n in sizes:
            print(f"... {kind}-{n}", flush=True)
            syn[kind].append(bench_model(f"{kind}-{n}", *synthetic(kind, n), args.scheme,
                                         repeats, memory=not args.no_memory))
            if not (kind == "conv" and n == max(conv_sizes)):
                del syn[kind][-1]["program"]  # free it: live objects make every GC slower

    all_rows = ex_rows + syn["conv"] + syn["linear"]
    seen = [p for r in all_rows for p in r["phases"]]
    phases = [p for p in PHASES if p in seen] + [p for p in dict.fromkeys(seen)
                                                 if p not in PHASES]
    head = ["model", "IR ops", "circle ops", "export s", "calib s", "convert s", "cold s",
            "warm s", "ops/s", "µs/op", "peak MiB (traced)", "max RSS MiB"]
    rows = [[r["name"], r["ops"], r["circle_ops"], fmt_s(r["front"]["export"]),
             fmt_s(r["front"]["calibrate"]), fmt_s(r["front"]["convert"]), fmt_s(r["cold"]),
             fmt_s(r["warm"]), f"{r['ops'] / r['warm']:,.0f}", f"{1e6 * r['warm'] / r['ops']:.0f}",
             f"{r['mem']:.1f}", f"{r['rss']:.0f}"] for r in all_rows]
    t1, m1 = table(head, rows)
    phases = [p for p in phases if not p.startswith("(")]
    head2 = ["model"] + [SHORT.get(p, p) for p in phases] + ["total", "verify_module"]
    rows2 = [[r["name"]] + [f"{r['phases'].get(p, 0.0):.3f}" for p in phases] + [fmt_s(r["warm"])]
             + [f"{r['phases'].get('(verify_module)', 0.0):.3f} "
                f"({100 * r['phases'].get('(verify_module)', 0.0) / r['warm']:.0f}%)"]
             for r in all_rows]
    t2, m2 = table(head2, rows2)
    # share of each phase in the largest conv graph
    big = syn["conv"][-1]
    share = sorted(((t / big["warm"], p) for p, t in big["phases"].items()
                    if not p.startswith("(")), reverse=True)
    verify_share = big["phases"].get("(verify_module)", 0.0) / big["warm"]

    fits = []
    for kind, rs in syn.items():
        a, b, slope, slope_all = fit(rs)
        fits.append([kind, f"{1e6 * a:.0f}", f"{b:.3f}", f"{slope_all:.2f}", f"{slope:.2f}",
                     f"{(rs[-1]['warm'] / rs[-1]['ops']) / (rs[0]['warm'] / rs[0]['ops']):.2f}"])
    t3, m3 = table(["family", "fit µs/op", "fit intercept s", "log-log slope (all)",
                    "log-log slope (upper half)", "µs/op largest ÷ smallest"], fits)

    mnv2 = next((r for r in ex_rows if r["name"] == "mobilenet_v2"), None)
    biggest = max(syn["conv"], key=lambda r: r["ops"])
    at10k = biggest["warm"] * 10000 / biggest["ops"]
    targets = []
    if mnv2:
        targets.append(["MobileNetV2-size compiles in ≤ 1 s warm", f"{mnv2['warm']:.3f} s "
                        f"({mnv2['ops']} ops)", "met" if mnv2["warm"] <= 1.0 else "MISSED"])
    targets.append(["10k-op graph in ≤ 10 s", f"{biggest['warm']:.2f} s at {biggest['ops']} ops "
                    f"({at10k:.2f} s scaled to 10,000)",
                    "met" if at10k <= 10.0 else "MISSED"])
    slope = float(fits[0][4])
    targets.append(["cost linear in graph size", f"log-log slope {fits[0][4]} (conv), "
                    f"{fits[1][4]} (linear)",
                    "met" if max(slope, float(fits[1][4])) <= 1.15 else "MISSED"])
    t4, m4 = table(["target", "measured", ""], targets)

    print("\n== compile time (scheme %s; export/calibrate/convert are torch, not compile) ==" %
          args.scheme)
    print(t1)
    print("\n== warm phase breakdown (seconds) ==")
    print(t2)
    print(f"\nlargest graph ({big['name']}): " + ", ".join(f"{p} {100 * s:.0f}%"
                                                           for s, p in share[:5])
          + f"; verify_module ({VERIFY_MODE}) {100 * verify_share:.0f}% of the total")
    print("\n== scaling ==")
    print(t3)
    print("\n== targets ==")
    print(t4)

    tag = (("_quick" if args.quick else "") + ("_gc_off" if args.gc_off else "")
           + ("_verify_each" if args.verify_each else ""))
    png = RESULTS / f"compile_time{tag}.png"
    has_plot = plot(syn, png)
    md = RESULTS / f"compile_time{tag}.md"
    md.write_text(
        f"# Compile time ({'quick' if args.quick else 'full'} run"
        f"{', cyclic GC off during compiles' if args.gc_off else ''}"
        f"{', IR verified after every pass' if args.verify_each else ''})\n\n"
        f"Machine: {machine()}; load average {load:.1f} at start. Scheme {args.scheme}; "
        f"{repeats} compiles per model, warm = fastest after the first; times in "
        f"{'CPU seconds of the process (--cpu)' if args.cpu else 'wall-clock seconds'}.\n\n"
        "## End to end (import → .circle)\n\n" + m1 + "\n\n"
        + "".join(f"Not measured, refused in {args.scheme}: {r}.\n\n" for r in refused)
        + "## Warm phase breakdown (seconds)\n\n" + m2 + "\n\n"
        f"Largest graph ({big['name']}): " + ", ".join(f"{p} {100 * s:.0f}%"
                                                       for s, p in share[:5])
        + f"; verify_module ({VERIFY_MODE}): {100 * verify_share:.0f}% of the total.\n\n"
        "## Scaling\n\n" + m3 + "\n\n## Targets\n\n" + m4 + "\n\n"
        + (f"![compile time]({png.name})\n" if has_plot else "(no plot: matplotlib missing)\n"))
    print(f"\nwrote {md.relative_to(ROOT)}" + (f" and {png.relative_to(ROOT)}" if has_plot else ""))

    if args.profile:
        profile(biggest, args.scheme, args.quick)


def profile(row, scheme: str, quick: bool) -> None:
    import cProfile
    import io
    import pstats

    program = row["program"]
    prof = cProfile.Profile()
    prof.enable()
    compile_once(program, scheme)
    prof.disable()
    out = io.StringIO()
    st = pstats.Stats(prof, stream=out)
    st.sort_stats("cumulative").print_stats(45)
    out.write("\n\n---- by own time ----\n")
    st.sort_stats("tottime").print_stats(30)
    suffix = "_quick" if quick else ""
    path = RESULTS / f"compile_profile{suffix}.txt"
    path.write_text(f"cProfile of one compile of {row['name']} ({row['ops']} IR ops)\n\n"
                    + out.getvalue())
    print(f"wrote {path.relative_to(ROOT)}")
    if have("pyinstrument"):
        from pyinstrument import Profiler

        p = Profiler(interval=0.002)
        p.start()
        compile_once(program, scheme)
        p.stop()
        path = RESULTS / f"compile_pyinstrument{suffix}.txt"
        path.write_text(p.output_text(unicode=True, color=False, show_all=False))
        print(f"wrote {path.relative_to(ROOT)}")
    else:
        print("(pyinstrument not installed: cProfile only)")


if __name__ == "__main__":
    main()
