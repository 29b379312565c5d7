"""Circle and TFLite flatbuffers: write a circle-dialect module, read a model back.

- `write_circle(module) -> bytes`: a `.circle` model (identifier `CIR0`, schema 0.10);
- `write_tflite(module) -> bytes`: the same model as `.tflite` (identifier `TFL3`), for
  modules that use only TFLite builtins and quantization TFLite kernels run; anything
  else is refused with a located `CompileError` naming the op or tensor and the reason;
- `serialize_circle(module)` / `serialize_tflite(module)`: the same files as a
  `Flatbuffer` whose `chunks()` write them without a copy of the weights;
- `read_flatbuffer(data) -> ModuleOp`: any single-subgraph Circle or TFLite model as
  circle-dialect IR with quantized types.

The flatbuffers are built with circle-schema's generated object API (`ModelT`), packed
to its bytes by `compiler.codegen.pack` (the per-tensor and per-operator tables in bulk).

Imported lazily: writing a `.circle` does not load the reader or the TFLite checks.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "read_flatbuffer": "compiler.codegen.reader",
    "write_tflite": "compiler.codegen.tflite",
    "write_circle": "compiler.codegen.writer",
    "serialize_tflite": "compiler.codegen.tflite",
    "serialize_circle": "compiler.codegen.writer",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'compiler.codegen' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
