"""Circle and TFLite flatbuffers: write a circle-dialect module, read a model back.

- `write_circle(module) -> bytes`: a `.circle` model (identifier `CIR0`, schema 0.10);
- `write_tflite(module) -> bytes`: the same model as `.tflite` (identifier `TFL3`), for
  modules that use only TFLite builtins and quantization TFLite kernels run; anything
  else is refused with a located `CompileError` naming the op or tensor and the reason;
- `read_flatbuffer(data) -> ModuleOp`: any single-subgraph Circle or TFLite model as
  circle-dialect IR with quantized types.

The flatbuffers are built with circle-schema's generated object API (`ModelT.Pack`).
"""

from compiler.codegen.reader import read_flatbuffer
from compiler.codegen.tflite import write_tflite
from compiler.codegen.writer import write_circle

__all__ = ["read_flatbuffer", "write_circle", "write_tflite"]
