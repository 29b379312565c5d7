"""The reference interpreter: numpy semantics for the aten, quant and circle dialects.

`run(module_or_flatbuffer, inputs) -> list[np.ndarray]` executes a module's entry
function on xDSL's interpreter framework, with one `InterpreterFunctions` class per
dialect (`AtenFunctions`, `QuantFunctions`, `CircleFunctions`, plus xDSL's func).
Runtime values are numpy arrays; quantized tensors are arrays of their storage
integers, their qparams come from the IR types (see `values`). Circle integer
kernels follow TFLite's reference integer arithmetic bit for bit (see `circle_int`).
"""

from compiler.interpreter.runner import as_module, entry_function, make_interpreter, run

__all__ = ["as_module", "entry_function", "make_interpreter", "run"]
