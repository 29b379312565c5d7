"""The reference interpreter: numpy semantics for the aten, quant and circle dialects.

`run(module_or_flatbuffer, inputs) -> list[np.ndarray]` executes a module's entry
function on xDSL's interpreter framework, with the `InterpreterFunctions` classes that
`runner.FUNCTIONS` lists: xDSL's func, `QuantFunctions`, `AtenFunctions`, and one class
per circle op family, in modules mirroring `compiler.dialects` (`circle`, `circle_conv`,
`circle_activation`, `circle_softmax`, `circle_compare`, `circle_index`,
`circle_float_ops`; registration and dispatch in `circle_base`). Runtime values are
numpy arrays; quantized tensors are arrays of their storage integers, their qparams come
from the IR types (see `values`). Circle integer kernels follow TFLite's reference
integer arithmetic bit for bit, with the shared arithmetic in `fixedpoint` (rounding,
multipliers, gemmlowp, requantization parameters) and `lut` (lookup tables).
"""

from compiler.interpreter.runner import as_module, entry_function, make_interpreter, run

__all__ = ["as_module", "entry_function", "make_interpreter", "run"]
