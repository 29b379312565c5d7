"""Accuracy benchmark: float vs quantized top-1 on a real dataset, and SQNR per example.

    .venv/bin/python bench/accuracy.py            # digits CNN + every example model
    .venv/bin/python bench/accuracy.py --quick    # fewer epochs/test images, two examples

1. A small CNN is trained at bench time on scikit-learn's `digits` (1,797 8x8 images of
   handwritten digits, shipped inside the package: no download), split 75/25 stratified
   with a fixed seed. For each scheme (uint8, int8, int16) it is quantized with PT2E
   (calibration on 32 training images), compiled, and its top-1 accuracy on the test
   split is measured in: torch (the PT2E converted program), our reference interpreter
   (the compiled flatbuffer read back), onert (`.circle`) and LiteRT (`.tflite`,
   reference kernels). Where a runtime refuses the scheme the cell says why.
2. For each example model (examples/*.py), float vs quantized output SQNR (dB) on its
   held-back calibration batch, per scheme and per engine.

Targets: quantized accuracy within 1 percentage point of float for int8/uint8, 0.3 for
int16. Results: bench/results/accuracy.md and accuracy.png. Not a test.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import time

import numpy as np
import torch
import torch.nn as nn

from common import RESULTS, ROOT, have, machine, quiet, table

# (label, scheme, per-channel weights): uint8 per-tensor is the variant LiteRT runs.
VARIANTS = {"uint8": ("uint8", True), "uint8 per-tensor": ("uint8", False),
            "int8": ("int8", True), "int16": ("int16", True)}
SCHEMES = tuple(VARIANTS)
TARGET_PP = {"uint8": 1.0, "uint8 per-tensor": 1.0, "int8": 1.0, "int16": 0.3}
ENGINES = ("torch PT2E", "interpreter", "onert .circle", "LiteRT .tflite")


# ---- data and model -------------------------------------------------------------------


def load_digits(seed: int = 0):
    try:
        from sklearn.datasets import load_digits as _load
        from sklearn.model_selection import train_test_split
    except ImportError:
        return None
    d = _load()
    x = (d.images.astype(np.float32) / 16.0 - 0.5)[:, None]  # N,1,8,8 in [-0.5, 0.5]
    y = d.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(32, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def train(xtr, ytr, epochs: int, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    model = DigitsCNN()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    x, y = torch.from_numpy(xtr), torch.from_numpy(ytr)
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
        sched.step()
    return model.eval()


# ---- engines ---------------------------------------------------------------------------


class Refused(Exception):
    pass


def _first_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return (text[:90] + "…") if len(text) > 90 else text or type(e).__name__


def predict_torch(program, xs):
    m = program.module()
    with torch.no_grad():
        return [m(torch.from_numpy(x))[0].numpy() for x in xs]


def predict_interpreter(data: bytes, xs):
    from compiler.interpreter import run
    from compiler.interpreter.runner import as_module

    module = as_module(data)
    try:
        return [run(module, [x])[0] for x in xs]
    except NotImplementedError as e:
        raise Refused(f"not available: {_first_line(e)}") from None
    except Exception as e:
        raise Refused(f"error: {type(e).__name__}: {_first_line(e)}") from None


def predict_litert(data: bytes, xs):
    return _predict("litert", data, xs)


def predict_onert(data: bytes, xs):
    return _predict("onert", data, xs)


def _predict(runtime: str, data: bytes, xs):
    from compiler.runtimes import RuntimeRefused, run_batches

    try:  # in a child process: onert segfaults on some models
        return [outs[0] for outs in run_batches(runtime, data, [[x] for x in xs],
                                                isolated=True)]
    except RuntimeRefused as e:
        raise Refused(f"refused: {_first_line(e.message)}") from None


def compile_to(program, scheme: str, target: str) -> bytes:
    from compiler.codegen import write_circle, write_tflite
    from compiler.frontend import import_program
    from compiler.transforms.pipelines import lower

    module = import_program(program)
    lower(module, scheme=scheme)
    return (write_tflite if target == "tflite" else write_circle)(module)


def engines_for(program, scheme: str):
    """{engine: callable(xs) -> outputs} for one quantized program."""
    circle = compile_to(program, scheme, "circle")
    try:
        tflite = compile_to(program, scheme, "tflite")
    except Exception as e:  # uint8 per-channel: write_tflite refuses (LiteRT would)
        why = "uint8 per-channel weights" if "per-channel" in str(e) else _first_line(e)
        tflite = Refused(f"refused: write_tflite: {why}")

    def litert(xs):
        if isinstance(tflite, Refused):
            raise tflite
        return predict_litert(tflite, xs)

    return {
        "torch PT2E": lambda xs: predict_torch(program, xs),
        "interpreter": lambda xs: predict_interpreter(circle, xs),
        "onert .circle": lambda xs: predict_onert(circle, xs),
        "LiteRT .tflite": litert,
    }


# ---- part 1: digits ----------------------------------------------------------------------


def digits_accuracy(args):
    from compiler.frontend.workflow import quantize

    split = load_digits()
    if split is None:
        print("skipped: scikit-learn is not installed (.venv/bin/pip install scikit-learn)")
        return None
    xtr, xte, ytr, yte = split
    if args.quick:
        xte, yte = xte[:200], yte[:200]
    t0 = time.perf_counter()
    model = train(xtr, ytr, epochs=args.epochs or (15 if args.quick else 40))
    train_s = time.perf_counter() - t0
    with torch.no_grad():
        float_pred = model(torch.from_numpy(xte)).argmax(1).numpy()
    float_acc = 100.0 * float((float_pred == yte).mean())
    print(f"digits: train {len(xtr)}, test {len(xte)}; trained in {train_s:.1f} s; "
          f"float top-1 {float_acc:.2f} %")
    xs = [xte[i:i + 1] for i in range(len(xte))]
    calib = [(torch.from_numpy(xtr[i:i + 1]),) for i in range(32)]
    example = (torch.from_numpy(xtr[:1]),)
    results: dict[str, dict[str, float | str]] = {}
    for label, (scheme, per_channel) in VARIANTS.items():
        program = quantize(model, example, calib, scheme=scheme, per_channel=per_channel,
                           progress=False)
        results[label] = {}
        for engine, fn in engines_for(program, scheme).items():
            t0 = time.perf_counter()
            try:
                outs = fn(xs)
                pred = np.array([int(np.argmax(o)) for o in outs])
                acc = 100.0 * float((pred == yte).mean())
                agree = 100.0 * float((pred == float_pred).mean())
                results[label][engine] = (acc, agree)
                msg = f"{acc:.2f} % (agrees with float on {agree:.1f} %)"
            except Refused as e:
                results[label][engine] = str(e)
                msg = str(e)
            print(f"  {label:<16} {engine:<15} {msg}  [{time.perf_counter() - t0:.1f} s]",
                  flush=True)
    return dict(float_acc=float_acc, n_test=len(xte), n_train=len(xtr), train_s=train_s,
                results=results)


# ---- part 2: SQNR per example -------------------------------------------------------------


def example(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}",
                                                  ROOT / "examples" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    model = mod.model().eval()
    ex = tuple(mod.example_inputs())
    cal = [tuple(b) for b in mod.calibration_data()] if hasattr(mod, "calibration_data") else [ex]
    return model, ex, cal


def sqnr(ref: np.ndarray, out: np.ndarray) -> float:
    ref, out = np.asarray(ref, np.float64), np.asarray(out, np.float64)
    noise = float(np.sum((ref - out) ** 2))
    return math.inf if noise == 0 else 10 * math.log10(float(np.sum(ref ** 2)) / noise)


def example_sqnr(names):
    from compiler.frontend.workflow import quantize

    rows = {}
    for name in names:
        model, ex, cal = example(name)
        held = cal[-1] if len(cal) > 1 else ex
        calib = cal[:-1] if len(cal) > 1 else cal
        xs = [tuple(t.numpy() for t in held)]
        with torch.no_grad():
            ref = model(*held)
        ref = ref.numpy()
        for label, (scheme, per_channel) in VARIANTS.items():
            program = quantize(model, ex, calib, scheme=scheme, per_channel=per_channel,
                               progress=False)
            cells = {}
            for engine, fn in engines_for(program, scheme).items():
                try:
                    if engine == "torch PT2E":
                        with torch.no_grad():
                            out = program.module()(*held).numpy()
                    else:
                        out = fn([xs[0][0]] if len(xs[0]) == 1 else xs[0])[0]
                    cells[engine] = sqnr(ref, out)
                except Refused as e:
                    cells[engine] = str(e)
            rows[(name, label)] = cells
            print(f"  {name:<13} {label:<16} " + "  ".join(
                f"{k}: {v:.2f} dB" if isinstance(v, float) else f"{k}: {v[:40]}"
                for k, v in cells.items()), flush=True)
    return rows


# ---- report --------------------------------------------------------------------------------


def cell(v, fmt="{:.2f}"):
    if isinstance(v, tuple):
        return fmt.format(v[0])
    if isinstance(v, float):
        return fmt.format(v)
    return "n/a" + (f" ({v.split(':', 1)[0]})" if v else "")


def plot(digits, path) -> bool:
    if digits is None or not have("matplotlib"):
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9.5, 4))
    w = 0.2
    for j, engine in enumerate(ENGINES):
        vals = [digits["results"][s].get(engine) for s in SCHEMES]
        ys = [v[0] if isinstance(v, tuple) else np.nan for v in vals]
        xs = np.arange(len(SCHEMES)) + (j - 1.5) * w
        ax.bar(xs, ys, w, label=engine)
        for x, y in zip(xs, ys):
            if np.isnan(y):
                ax.text(x, digits["float_acc"] - 4, "n/a", ha="center", fontsize=7, rotation=90)
    ax.axhline(digits["float_acc"], color="k", lw=1, label=f"float {digits['float_acc']:.2f} %")
    ax.axhline(digits["float_acc"] - 1.0, color="red", lw=0.8, ls="--", label="float − 1 pp")
    ax.set_xticks(range(len(SCHEMES)), SCHEMES, fontsize=8)
    lo = min([v[0] for s in SCHEMES for v in digits["results"][s].values()
              if isinstance(v, tuple)] + [digits["float_acc"]])
    ax.set_ylim(max(0, lo - 6), 100.5)
    ax.set_ylabel("top-1 accuracy %")
    ax.set_title(f"digits CNN, {digits['n_test']} test images")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="15 epochs, 200 test images, tiny_cnn + mobilenet_v2 only")
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--skip-examples", action="store_true")
    args = ap.parse_args()
    quiet()
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    t_start = time.perf_counter()

    digits = digits_accuracy(args)
    md = [f"# Accuracy ({'quick' if args.quick else 'full'} run)\n",
          f"Machine: {machine()}.\n"]
    if digits is not None:
        head = ["scheme"] + [f"{e} %" for e in ENGINES] + ["worst drop vs float (pp)", "target",
                                                          ""]
        rows = []
        for s in SCHEMES:
            r = digits["results"][s]
            compiled = [digits["float_acc"] - v[0] for k, v in r.items()
                        if isinstance(v, tuple) and k != "torch PT2E"]
            worst = max(compiled) if compiled else float("nan")
            ok = "met" if compiled and worst <= TARGET_PP[s] + 1e-9 else "MISSED"
            rows.append([s] + [cell(r[e]) for e in ENGINES] +
                        [f"{worst:+.2f}", f"≤ {TARGET_PP[s]}", ok])
        t1, m1 = table(head, [["float (torch)", f"{digits['float_acc']:.2f}", "", "", "", "",
                               "", ""]] + rows)
        notes = sorted({f"{s} / {e}: {v}" for s in SCHEMES
                        for e, v in digits["results"][s].items() if isinstance(v, str)})
        agree = [[s] + [cell((v[1],)) if isinstance(v, tuple) else "n/a"
                        for v in (digits["results"][s][e] for e in ENGINES)] for s in SCHEMES]
        t1b, m1b = table(["scheme"] + [f"{e}: same top-1 as float %" for e in ENGINES], agree)
        print("\n== digits: top-1 accuracy on the test split ==")
        print(t1)
        print()
        print(t1b)
        for n in notes:
            print("  " + n)
        md += [f"## Digits CNN (scikit-learn `load_digits`, train {digits['n_train']}, "
               f"test {digits['n_test']}; trained in {digits['train_s']:.1f} s)\n",
               m1 + "\n", m1b + "\n",
               "\n".join(f"- {n}" for n in notes) + "\n"]

    if not args.skip_examples:
        names = ["tiny_cnn", "mobilenet_v2"] if args.quick else [
            "tiny_cnn", "mobilenet_v2", "resnet", "transformer"]
        print("\n== examples: SQNR (dB) of the output vs float ==")
        sq = example_sqnr(names)
        rows = [[n, s] + [cell(sq[(n, s)][e]) for e in ENGINES] for (n, s) in sq]
        t2, m2 = table(["model", "scheme"] + [f"{e} dB" for e in ENGINES], rows)
        print(t2)
        notes = sorted({f"{n} {s} / {e}: {v}" for (n, s), c in sq.items()
                        for e, v in c.items() if isinstance(v, str)})
        for n in notes:
            print("  " + n)
        md += ["## Examples: output SQNR vs float (dB, held-back calibration batch)\n",
               m2 + "\n", "\n".join(f"- {n}" for n in notes) + "\n"]

    png = RESULTS / ("accuracy_quick.png" if args.quick else "accuracy.png")
    if plot(digits, png):
        md.append(f"![accuracy]({png.name})\n")
    else:
        md.append("(no plot: matplotlib or scikit-learn missing)\n")
    path = RESULTS / ("accuracy_quick.md" if args.quick else "accuracy.md")
    path.write_text("\n".join(md))
    print(f"\nwrote {path.relative_to(ROOT)} in {time.perf_counter() - t_start:.0f} s total")


if __name__ == "__main__":
    main()
