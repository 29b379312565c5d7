"""Loading the user's model description for `qcompile`.

A model file is plain Python that defines three functions:

    def model() -> torch.nn.Module            # the float model (put in eval mode for you)
    def example_inputs() -> tuple[Tensor, ...] # one batch, used to export (static shapes)
    def calibration_data() -> Iterable[tuple[Tensor, ...]]   # optional: calibration batches
    def quantizer() -> torchao Quantizer       # optional: PT2E with it (XNNPACKQuantizer...)

`MODEL.py:NAME` calls `NAME()` instead of `model()` (several models in one file).
Without `calibration_data()`, calibration uses `example_inputs()` only (a warning says
so: the ranges then fit that one batch). `--calibration-data FILE.npz|DIR` replaces it.

Errors inside the user's file are reported at the user's line, not as a traceback.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from compiler.ir.diagnostics import CompileError


@dataclass
class ModelSpec:
    path: Path
    name: str
    model: Callable
    example_inputs: Callable
    calibration_data: Callable | None
    quantizer: Callable | None = None  # optional: a PT2E quantizer instead of CircleQuantizer


def user_error(path: Path, what: str, exc: BaseException) -> CompileError:
    """A CompileError at the innermost frame of the user's file in `exc`'s traceback."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if os.path.abspath(f.filename) == os.path.abspath(path)]
    location = f"{path}:{frames[-1].lineno}" if frames else str(path)
    return CompileError(f"{what}: {type(exc).__name__}: {exc}", location)


def load_model_file(target: str) -> ModelSpec:
    """`path.py[:NAME]` -> its functions (the file is executed as a module)."""
    path_text, name = target, "model"
    if ":" in target and target.rsplit(":", 1)[0].endswith(".py"):
        path_text, name = target.rsplit(":", 1)
    path = Path(path_text)
    if not path.is_file():
        raise CompileError(f"no such model file: {path}")
    spec = importlib.util.spec_from_file_location(f"qcompile_model_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise CompileError(f"cannot load {path} as Python")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent.resolve()))  # the model may import its neighbours
    try:
        spec.loader.exec_module(module)
    except SyntaxError as e:
        raise CompileError(f"syntax error: {e.msg}", f"{path}:{e.lineno}") from None
    except Exception as e:
        raise user_error(path, "loading the model file failed", e) from None
    finally:
        sys.path.pop(0)

    def function(fname: str, required: bool) -> Callable | None:
        fn = getattr(module, fname, None)
        if fn is None and required:
            defined = sorted(k for k, v in vars(module).items()
                             if callable(v) and not k.startswith("_")
                             and getattr(v, "__module__", None) == module.__name__)
            raise CompileError(
                f"{path} defines no function '{fname}()' (it defines: "
                f"{', '.join(defined) or 'nothing callable'}); see `qcompile --help` for "
                "the model file contract"
            )
        if fn is not None and not callable(fn):
            raise CompileError(f"'{fname}' in {path} is not a function")
        return fn

    return ModelSpec(
        path=path,
        name=name,
        model=function(name, True),
        example_inputs=function("example_inputs", True),
        calibration_data=function("calibration_data", False),
        quantizer=function("quantizer", False),
    )


def call_user(spec: ModelSpec, fn: Callable, what: str):
    try:
        return fn()
    except Exception as e:
        raise user_error(spec.path, f"{what} failed", e) from None


def as_batch(batch) -> tuple:
    import torch

    if isinstance(batch, torch.Tensor):
        return (batch,)
    if isinstance(batch, (tuple, list)):
        return tuple(batch)
    raise CompileError(f"an input batch must be a tensor or a tuple of tensors, got {type(batch).__name__}")


def load_calibration_file(path: str, count: int | None) -> list[tuple]:
    """`FILE.npz` (arrays `x0`, `x1`... stacked along a leading batch axis, or one array
    per batch named `b0`, `b1`...) or a DIR of `.npy`/`.npz` files, one batch each."""
    import numpy as np
    import torch

    p = Path(path)
    if not p.exists():
        raise CompileError(f"no such calibration data: {path}")
    batches: list[tuple] = []

    def from_npz(f) -> list[tuple]:
        with np.load(f) as z:
            keys = sorted(z.files)
            return [tuple(torch.from_numpy(z[k]) for k in keys)]

    try:
        if p.is_dir():
            for f in sorted(p.iterdir()):
                if f.suffix == ".npy":
                    batches.append((torch.from_numpy(np.load(f)),))
                elif f.suffix == ".npz":
                    batches += from_npz(f)
        else:
            with np.load(p) as z:
                arrays = [z[k] for k in sorted(z.files)]
            n = arrays[0].shape[0]
            batches = [tuple(torch.from_numpy(a[i]) for a in arrays) for i in range(n)]
    except (OSError, ValueError) as e:
        raise CompileError(f"cannot read calibration data {path}: {e}") from None
    if not batches:
        raise CompileError(f"no calibration batches in {path}")
    return batches[:count] if count else batches


def take(batches: Iterable, count: int | None) -> list[tuple]:
    out = []
    for i, b in enumerate(batches):
        if count is not None and i >= count:
            break
        out.append(as_batch(b))
    return out
