"""The torch side of the compiler: PT2E quantization and import of torch.export programs.

- `CircleQuantizer(scheme, per_channel, is_qat)`: a torchao PT2E quantizer
  (`compiler.frontend.quantizer`, specs in `compiler.frontend.schemes`);
- `quantize(model, example_inputs, calibration_data, scheme)`: export, prepare,
  calibrate, convert, re-export (`compiler.frontend.workflow`);
- `quantize_graph_module(...)`: the same without the re-export: `convert_pt2e`'s
  GraphModule, named as its re-export would be;
- `import_program(program)`: ExportedProgram (or `.pt2` path) -> `builtin.module` of
  quant/aten/circle ops (`compiler.frontend.importer`); `import_graph_module(gm)`: the
  same module from the converted GraphModule, without re-exporting it.
- `import_onnx(model)`: an ONNX QDQ model (or `.onnx` path) -> the same IR
  (`compiler.frontend.onnx_importer`, ops in `compiler.frontend.onnx_ops`).

Imported lazily: `import_program` does not need torchao, whose import takes seconds.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "CircleQuantizer": "compiler.frontend.quantizer",
    "SchemeSpecs": "compiler.frontend.schemes",
    "quantize": "compiler.frontend.workflow",
    "quantize_graph_module": "compiler.frontend.workflow",
    "import_program": "compiler.frontend.importer",
    "import_onnx": "compiler.frontend.onnx_importer",
    "import_graph_module": "compiler.frontend.importer",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'compiler.frontend' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
