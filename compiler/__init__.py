"""A quantizing compiler from PyTorch 2 Export (PT2E) to Circle, on xDSL.

The public API is imported lazily, so that `import compiler` (and `qopt`) does not pay
for importing torch:

- `compiler.CircleQuantizer`, `compiler.quantize`: PT2E quantization (torchao);
- `compiler.import_program`: torch.export program -> quant/aten IR;
- `compiler.complete_qparams`: observe what a quantizer left unobserved (calibration);
- `compiler.lower`: the `lower-to-circle` pipeline in process;
- `compiler.write_circle`, `compiler.write_tflite`, `compiler.read_flatbuffer`;
- `compiler.run`: the reference interpreter.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "CircleQuantizer": "compiler.frontend",
    "quantize": "compiler.frontend",
    "import_program": "compiler.frontend",
    "complete_qparams": "compiler.frontend.complete_qparams",
    "lower": "compiler.transforms.pipelines",
    "write_circle": "compiler.codegen",
    "write_tflite": "compiler.codegen",
    "read_flatbuffer": "compiler.codegen",
    "run": "compiler.interpreter",
    "make_context": "compiler.ir.context",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'compiler' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
