"""Passes, one per file, each file named after its pass (`quantize_bias.py` holds the
pass `quantize-bias`), and the registry `qopt -p` resolves names with.

Registration is explicit: `PASSES` names every pass class by its module and class
name, and is imported lazily (qopt's start-up does not import torch-side modules).
A pass that is not listed cannot be run by name; `test_pass_registry` fails when a
pass file and `PASSES` disagree. `pipelines.py` holds the named pipelines
(`lower-to-circle`). Subpackages (`legalize/`, `patterns/`) and `utils.py` hold
patterns and helpers, not passes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from xdsl.passes import ModulePass

#: pass name -> (module in this package, class name)
PASSES: dict[str, tuple[str, str]] = {
    "adapt-storage": ("adapt_storage", "AdaptStoragePass"),
    "fold-batch-norm": ("fold_batch_norm", "FoldBatchNormPass"),
    "fold-qdq": ("fold_qdq", "FoldQdqPass"),
    "convert-aten-to-circle": ("convert_aten_to_circle", "ConvertAtenToCirclePass"),
    "circle-sink-transposes": ("circle_sink_transposes", "CircleSinkTransposesPass"),
    "circle-fuse-activation": ("circle_fuse_activation", "CircleFuseActivationPass"),
    "quant-propagate": ("quant_propagate", "QuantPropagatePass"),
    "quantize-bias": ("quantize_bias", "QuantizeBiasPass"),
    "fuse-qdq": ("fuse_qdq", "FuseQdqPass"),
    "refine-numerics": ("refine_numerics", "RefineNumericsPass"),
    "circle-cleanup": ("circle_cleanup", "CircleCleanupPass"),
    "verify-quantized": ("verify_quantized", "VerifyQuantizedPass"),
    "target-legalize": ("target_legalize", "TargetLegalizePass"),
    "lower-to-circle": ("pipelines", "LowerToCirclePass"),
}


def _loader(module_name: str, class_name: str) -> Callable[[], type[ModulePass]]:
    def load() -> type[ModulePass]:
        module = importlib.import_module(f"{__name__}.{module_name}")
        return getattr(module, class_name)

    return load


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """pass name -> factory (the class, imported on first use), for every pass and pipeline."""
    return {name: _loader(*where) for name, where in PASSES.items()}
