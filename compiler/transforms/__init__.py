"""Passes, one per file, each file named after its pass (`quantize_bias.py` holds the
pass `quantize-bias`). The registry below is built from the file names, so adding a
pass is adding a file; `pipelines.py` holds the named pipelines (`lower-to-circle`).
Subpackages (`legalize/`) and `utils.py` hold patterns and helpers, not passes."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from xdsl.passes import ModulePass

_NOT_PASSES = {"pipelines", "utils"}


def _loader(module_name: str, pass_name: str) -> Callable[[], type[ModulePass]]:
    def load() -> type[ModulePass]:
        module = importlib.import_module(f"{__name__}.{module_name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, ModulePass)
                and getattr(value, "name", None) == pass_name
            ):
                return value
        raise LookupError(f"{module.__name__} defines no pass named '{pass_name}'")

    return load


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """pass name -> factory, for every pass file and every pipeline."""
    passes: dict[str, Callable[[], type[ModulePass]]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.ispkg or info.name.startswith("_") or info.name in _NOT_PASSES:
            continue
        name = info.name.replace("_", "-")
        passes[name] = _loader(info.name, name)
    try:
        from compiler.transforms.pipelines import PIPELINES
    except ImportError:  # pipelines not written yet
        PIPELINES = {}
    passes.update(PIPELINES)  # name -> factory, like the pass files
    return passes
