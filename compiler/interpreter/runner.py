"""`run`: execute a module's entry function (or a Circle/TFLite model) on numpy arrays."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import FuncOp
from xdsl.interpreter import Interpreter, InterpreterFunctions
from xdsl.ir import Operation
from xdsl.interpreters.func import FuncFunctions

from compiler.interpreter.aten import AtenFunctions
from compiler.interpreter.circle import CircleFunctions
from compiler.interpreter.circle_activation import CircleActivationFunctions
from compiler.interpreter.circle_base import CircleBaseFunctions
from compiler.interpreter.circle_compare import CircleCompareFunctions
from compiler.interpreter.circle_conv import CircleConvFunctions
from compiler.interpreter.circle_float_ops import CircleFloatOpsFunctions
from compiler.interpreter.circle_index import CircleIndexFunctions
from compiler.interpreter.circle_softmax import CircleSoftmaxFunctions
from compiler.interpreter.quant import QuantFunctions
from compiler.interpreter.values import check_input
from compiler.ir.diagnostics import CompileError

#: The implementations every interpreter registers: xDSL's func, then one class per dialect,
#: and for `circle` one per op family (each op is implemented by exactly one of them).
FUNCTIONS: tuple[type[InterpreterFunctions], ...] = (
    FuncFunctions,
    QuantFunctions,
    AtenFunctions,
    CircleBaseFunctions,
    CircleFunctions,
    CircleConvFunctions,
    CircleActivationFunctions,
    CircleSoftmaxFunctions,
    CircleCompareFunctions,
    CircleIndexFunctions,
    CircleFloatOpsFunctions,
)

#: Entry points tried, in order, when a module holds more than one function.
ENTRY_NAMES = ("forward", "main")


def entry_function(module: ModuleOp) -> FuncOp:
    """The function `run` executes: the only one, else `@forward`, else `@main`."""
    funcs = [op for op in module.ops if isinstance(op, FuncOp) and op.body.blocks]
    if len(funcs) == 1:
        return funcs[0]
    for name in ENTRY_NAMES:
        for f in funcs:
            if f.sym_name.data == name:
                return f
    names = ", ".join(f"@{f.sym_name.data}" for f in funcs) or "none"
    raise CompileError(
        f"cannot choose the function to run: expected one function, @forward or @main; "
        f"found {names}"
    )


def run_op(op: Operation, args: Sequence[np.ndarray]) -> tuple:
    """One circle op's kernel on numpy operands (the arrays `run` would hand it): for
    compile-time questions about what an op computes on given values."""
    from compiler.interpreter.circle_base import run_kernel

    for functions in FUNCTIONS:
        kernels = getattr(functions, "KERNELS", {}).get(type(op))
        if kernels is not None:
            return run_kernel(kernels, op, tuple(args))
    raise NotImplementedError(f"{op.name}: no kernel in the reference interpreter")


def make_interpreter(
    module: ModuleOp, listeners: Sequence[Interpreter.Listener] = ()
) -> Interpreter:
    """An xDSL interpreter with the implementations of `FUNCTIONS`."""
    interpreter = Interpreter(module, listeners=tuple(listeners))
    for functions in FUNCTIONS:
        interpreter.register_implementations(functions())
    return interpreter


def as_module(model: ModuleOp | bytes | bytearray) -> ModuleOp:
    """A module, or the circle-dialect module of `.circle`/`.tflite` flatbuffer bytes."""
    if isinstance(model, ModuleOp):
        return model
    if isinstance(model, (bytes, bytearray, memoryview)):
        from compiler.codegen import read_flatbuffer

        return read_flatbuffer(bytes(model))
    raise TypeError(f"expected a ModuleOp or flatbuffer bytes, got {type(model).__name__}")


def run(
    model: ModuleOp | bytes,
    inputs: Sequence[np.ndarray],
    listeners: Sequence[Interpreter.Listener] = (),
) -> list[np.ndarray]:
    """Run the entry function on `inputs`; returns its results as numpy arrays.

    Inputs follow the argument types: float32 arrays for float tensors, storage
    integers for quantized tensors (quantize float data first), integer arrays for
    integer tensors. Shapes must match exactly. Quantized results are returned as
    their storage integers. `listeners` observe every op (see
    `compiler.verify.Recorder`).
    """
    module = as_module(model)
    func = entry_function(module)
    arg_values = list(func.body.blocks.first.args)  # type: ignore[union-attr]
    if len(inputs) != len(arg_values):
        raise ValueError(
            f"@{func.sym_name.data} takes {len(arg_values)} inputs, got {len(inputs)}"
        )
    arrays = [
        check_input(v, x, f"input #{i} of @{func.sym_name.data}")
        for i, (v, x) in enumerate(zip(arg_values, inputs))
    ]
    interpreter = make_interpreter(module, listeners)
    results = interpreter.call_op(func, tuple(arrays))
    return [np.asarray(r) if r is not None else r for r in results]
