"""A quantizing compiler from PyTorch 2 Export (PT2E) to Circle, on xDSL.

The public API is imported lazily, so that `import compiler` (and `qopt`) does not pay
for importing torch:

- `compiler.CircleQuantizer`, `compiler.quantize`: PT2E quantization (torchao);
- `compiler.import_program`: torch.export program -> quant/aten IR;
- `compiler.import_onnx`: ONNX QDQ model -> the same quant/aten IR;
- `compiler.complete_qparams`: observe what a quantizer left unobserved (calibration);
- `compiler.lower`: the `lower-to-circle` pipeline in process;
- `compiler.write_circle`, `compiler.write_tflite`, `compiler.read_flatbuffer`;
- `compiler.run`: the reference interpreter.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

__version__ = "0.1.0"


class _DropImportNoise(logging.Filter):
    """Drops the import-time log lines of torchao and torch that say nothing about the
    user's model: torchao's optional CUDA/CUTLASS kernels failing to load on a CPU
    build ("Failed to load .../_C_mxfp8...so"), and pytree's deprecation notice for
    torchao's enum constants. Every other record passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.msg)
        if text.startswith("Failed to load ") and ".so" in text:
            return False
        return "is an Enum subclass and is now natively supported" not in text


# Logger filters apply to records logged on that very logger (set before torch or
# torchao are imported: `compiler`'s public API imports them lazily).
for _name in ("torchao", "torch.utils._pytree"):
    logging.getLogger(_name).addFilter(_DropImportNoise())

_LAZY = {
    "CircleQuantizer": "compiler.frontend",
    "quantize": "compiler.frontend",
    "import_program": "compiler.frontend",
    "import_onnx": "compiler.frontend",
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
