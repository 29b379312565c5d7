"""Loading the user's model description for `qcompile`.

A model file is plain Python that defines three functions:

    def model() -> torch.nn.Module            # the float model (put in eval mode for you)
    def example_inputs() -> tuple[Tensor, ...] # one batch, used to export (static shapes)
    def calibration_data() -> Iterable[tuple[Tensor, ...]]   # optional: calibration batches
    def verification_data() -> Iterable[tuple[Tensor, ...]]  # optional: held-out batches
    def quantizer() -> torchao Quantizer       # optional: PT2E with it (XNNPACKQuantizer...)

`MODEL.py:NAME` calls `NAME()` instead of `model()` (several models in one file).
Without `calibration_data()`, calibration uses `example_inputs()` only (a warning says
so: the ranges then fit that one batch). `--calibration-data FILE.npz|DIR` replaces it.
At most `--calibration-batches N` batches are taken (default
`DEFAULT_CALIBRATION_BATCHES`), so an endless generator is fine. Every batch must match
`example_inputs()` (number of tensors, shapes, dtypes) and hold only finite values.

`--verify` measures on inputs calibration did not see: the batches of
`verification_data()` when the file defines it (drawn from the same distribution as the
calibration data; then every calibration batch calibrates), else the last calibration
batch, held back (then calibration sees the others).

Errors inside the user's file (a `sys.exit()` included) are reported at the user's line,
not as a traceback.
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
    verification_data: Callable | None = None  # optional: held-out batches for --verify


#: Calibration batches taken when `--calibration-batches` is not given.
DEFAULT_CALIBRATION_BATCHES = 100


def user_line(path: Path, exc: BaseException) -> str | None:
    """`path:line` of the innermost frame of the user's file in `exc`'s traceback."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if os.path.abspath(f.filename) == os.path.abspath(path)]
    return f"{path}:{frames[-1].lineno}" if frames else None


def user_error(path: Path, what: str, exc: BaseException) -> CompileError:
    """A CompileError at the innermost frame of the user's file in `exc`'s traceback."""
    location = user_line(path, exc) or str(path)
    if isinstance(exc, SystemExit):  # the file's own exit: a user error, not ours
        return CompileError(f"{what}: the model file called sys.exit({exc.code!r})", location)
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
    except (Exception, SystemExit) as e:
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
        verification_data=function("verification_data", False),
    )


def call_user(spec: ModelSpec, fn: Callable, what: str):
    try:
        return fn()
    except (Exception, SystemExit) as e:
        raise user_error(spec.path, f"{what} failed", e) from None


def export_error(spec: ModelSpec, exc: Exception) -> CompileError:
    """A torch.export / PT2E failure as one located sentence (torch's own text can be a
    whole graph dump: only its first line is kept)."""
    location = user_line(spec.path, exc) or str(spec.path)
    kinds = {k.__name__ for k in type(exc).__mro__}
    if "GuardOnDataDependentSymNode" in kinds or "UserError" in kinds and "data-dependent" in str(exc):
        return CompileError(
            "data-dependent control flow: torch.export needs one graph for every input, so a "
            "Python branch or size cannot depend on tensor values (use torch.where, or "
            "torch.cond)", location)
    text = str(exc).strip()
    first = text.splitlines()[0] if text else ""
    return CompileError(f"export/quantization failed: {type(exc).__name__}: {first}", location)


def function_line(spec: ModelSpec, fn: Callable) -> str:
    """`path:line` of the `def` of one of the model file's functions."""
    code = getattr(fn, "__code__", None)
    return f"{spec.path}:{code.co_firstlineno}" if code is not None else str(spec.path)


def as_batch(batch) -> tuple:
    import torch

    if isinstance(batch, torch.Tensor):
        return (batch,)
    if isinstance(batch, (tuple, list)):
        return tuple(batch)
    raise CompileError(f"an input batch must be a tensor or a tuple of tensors, got {type(batch).__name__}")


def calibration_limit(count: int | None) -> int:
    """The number of batches to take: `--calibration-batches` (at least 1) or the default."""
    if count is None:
        return DEFAULT_CALIBRATION_BATCHES
    if count < 1:
        raise CompileError(f"--calibration-batches must be at least 1, got {count}")
    return count


def load_calibration_file(path: str, count: int | None) -> list[tuple]:
    """`FILE.npz` (arrays `x0`, `x1`... stacked along a leading batch axis, or one array
    per batch named `b0`, `b1`...) or a DIR of `.npy`/`.npz` files, one batch each."""
    import zipfile

    import numpy as np
    import torch

    limit = calibration_limit(count)
    p = Path(path)
    if not p.exists():
        raise CompileError(f"no such calibration data: {path}")
    batches: list[tuple] = []

    def from_npz(f) -> list[tuple]:
        with np.load(f) as z:
            keys = sorted(z.files)
            return [tuple(torch.from_numpy(z[k]) for k in keys)] if keys else []

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
            if arrays:
                if any(a.ndim == 0 for a in arrays):
                    raise CompileError(f"calibration data {path}: the arrays need a leading "
                                       "batch axis (they are scalars)")
                n = arrays[0].shape[0]
                if any(a.shape[0] != n for a in arrays):
                    raise CompileError(
                        f"calibration data {path}: the arrays have different batch counts "
                        f"({', '.join(str(a.shape[0]) for a in arrays)})")
                batches = [tuple(torch.from_numpy(a[i]) for a in arrays) for i in range(n)]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        reason = str(e) or type(e).__name__
        if isinstance(e, EOFError) or p.is_file() and p.stat().st_size == 0:
            reason = "the file is empty"
        raise CompileError(f"cannot read calibration data {path}: {reason}") from None
    if not batches:
        raise CompileError(f"no calibration batches in {path} (it holds no arrays)")
    if count is None and len(batches) > limit:
        _note_default_limit(f"calibration data {path}", None)
    return batches[:limit]


def take(spec: ModelSpec, batches: Iterable, count: int | None,
         source: str = "calibration_data") -> list[tuple]:
    """The first `count` (default `DEFAULT_CALIBRATION_BATCHES`) batches of what the
    model file's function `source` (`calibration_data` or `verification_data`)
    returned; an error if there are none. Stops at the limit, so an endless generator
    is fine; an exception raised while iterating is the user's."""
    limit = calibration_limit(count)
    where = function_line(spec, getattr(spec, source))
    try:
        iterator = iter(batches)
    except TypeError:
        raise CompileError(f"{source}() must return an iterable of batches, got "
                           f"{type(batches).__name__}", where) from None
    out = []
    try:
        while len(out) < limit:
            try:
                batch = next(iterator)
            except StopIteration:
                break
            out.append(as_batch(batch))
    except CompileError:
        raise
    except (Exception, SystemExit) as e:
        raise user_error(spec.path, f"{source}() failed", e) from None
    if not out:
        raise CompileError(f"{source}() gave no batches", where)
    if count is None and len(out) == limit and _has_more(iterator):
        _note_default_limit(f"{source}()", where,
                            "verifying" if source == "verification_data" else "calibrating")
    return out


def _has_more(iterator) -> bool:
    try:
        next(iterator)
        return True
    except Exception:  # exhausted (or failing: the batches taken are what counts)
        return False


def _note_default_limit(source: str, where: str | None, verb: str = "calibrating") -> None:
    """Say so when the default limit, not the user, cut the calibration (or verification)
    data short."""
    # --calibration-batches limits calibration data only: verification_data() chooses
    # its own number by how many batches it yields
    choose = ("make verification_data() yield fewer to silence this" if verb == "verifying"
              else "--calibration-batches N to choose")
    print(f"qcompile: warning: {where + ': ' if where else ''}{source} has more than "
          f"{DEFAULT_CALIBRATION_BATCHES} batches: {verb} on the first "
          f"{DEFAULT_CALIBRATION_BATCHES} ({choose})", file=sys.stderr)


def check_batches(batches: list[tuple], example: tuple, source: str, where: str | None) -> None:
    """Every calibration batch is shaped like `example_inputs()` and holds finite values:
    a CompileError naming the batch, the input and what differs, at `where`."""
    import torch

    for i, batch in enumerate(batches):
        if len(batch) != len(example):
            raise CompileError(f"{source}: batch {i} has {len(batch)} input(s), "
                               f"example_inputs() has {len(example)}", where)
        for j, (x, e) in enumerate(zip(batch, example)):
            if not isinstance(x, torch.Tensor):
                raise CompileError(f"{source}: batch {i} input {j} is a {type(x).__name__}, "
                                   "not a tensor", where)
            if not isinstance(e, torch.Tensor):
                continue
            if tuple(x.shape) != tuple(e.shape) or x.dtype != e.dtype:
                raise CompileError(
                    f"{source}: batch {i} input {j} is {_describe(x)}, example_inputs() "
                    f"has {_describe(e)}", where)
            if x.is_floating_point() and not bool(torch.isfinite(x).all()):
                what = "NaN" if bool(torch.isnan(x).any()) else "infinite"
                raise CompileError(
                    f"{source}: batch {i} input {j} holds {what} values: calibration needs "
                    "finite data (the ranges it measures become the quantization scales)",
                    where)


def _describe(x) -> str:
    return f"{list(x.shape)} {str(x.dtype).removeprefix('torch.')}"
