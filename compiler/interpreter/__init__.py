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

# Resolved on first use (PEP 562): the compile path imports single kernels and helpers
# (`compiler.interpreter.fixedpoint`, `circle`), and a package `__init__`
# that imported the runner would pull every kernel module and xDSL's interpreters
# package (all of its dialects, RISC-V's included: ~0.1 s) into every `qcompile`.
__all__ = ["as_module", "entry_function", "make_interpreter", "run"]


def __getattr__(name: str):
    if name in __all__:
        from compiler.interpreter import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
