"""`CircleFunctions`: the interpreter implementations of every `circle.*` op.

Each op dispatches on its types: float tensors run the float kernel
(`circle_float`); an op with a quantized operand or result runs the TFLite-reference
integer kernel (`circle_int`: convolutions, fully connected, matmul, pooling, reductions;
`circle_int_eltwise`: element-wise arithmetic, casts, ReLUs; `circle_int_lut`: table and
fixed-point activations, softmax; `circle_int_hardswish`, `circle_int_resize`,
`circle_int_rsqrt`, `circle_int16_softmax`, `circle_int_log_softmax`); data movement has
one kernel for both (`circle_data`). An op without a kernel for its types raises a
`NotImplementedError` that names the op and its location: nothing falls back to an
approximation.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.interpreter import Interpreter, InterpreterFunctions, impl, register_impls
from xdsl.ir import Operation

from compiler.dialects import circle
from compiler.interpreter import (
    circle_compare,
    circle_data,
    circle_float,
    circle_float_ops,
    circle_hybrid,
    circle_index,
    circle_int,
    circle_int_eltwise,
    circle_int_hardswish,
    circle_int_log_softmax,
    circle_int_lut,
    circle_int_resize,
    circle_int_rsqrt,
    circle_math,
)
from compiler.interpreter.values import quantized
from compiler.ir.diagnostics import op_location
from compiler.ir.hybrid import is_hybrid
from compiler.ir.verify_tensors import dense_as_numpy

Kernel = Callable[..., tuple]

INT_KERNELS: dict[type[Operation], Kernel] = {
    **circle_int.KERNELS,
    **circle_int_eltwise.KERNELS,
    **circle_int_lut.KERNELS,
    **circle_int_log_softmax.KERNELS,
    **circle_int_hardswish.KERNELS,
    **circle_int_resize.KERNELS,
    **circle_int_rsqrt.KERNELS,
    **circle_compare.INT_KERNELS,
    **circle_math.INT_KERNELS,
}

FLOAT_KERNELS: dict[type[Operation], Kernel] = {
    **circle_float.KERNELS,
    **circle_compare.FLOAT_KERNELS,  # comparisons, logic, select
    **circle_float_ops.KERNELS,  # float-only family: SIN, COS, ROUND, CONV_3D
    **circle_math.FLOAT_KERNELS,  # element-wise math (ELU)
}


#: data-movement kernels: one kernel for float and quantized tensors
DATA_KERNELS: dict[type[Operation], Kernel] = {
    **circle_data.KERNELS,
    # indexing family
    **circle_index.KERNELS,
}


def _is_integer_op(op: Operation) -> bool:
    """True when any operand or result is quantized (the integer kernel applies)."""
    return any(quantized(v) is not None for v in (*op.operands, *op.results))


def run_circle_op(op: Operation, args: tuple) -> tuple:
    """Run one circle op on numpy arrays (the dispatch `CircleFunctions` uses)."""
    kind = type(op)
    kernel = DATA_KERNELS.get(kind)
    if kernel is None:
        if is_hybrid(op):  # float input, int8 weights (dynamic quantization)
            kernel, what = circle_hybrid.hybrid_fully_connected, "hybrid"
        elif _is_integer_op(op):
            kernel = INT_KERNELS.get(kind)
            what = "integer"
        else:
            kernel = FLOAT_KERNELS.get(kind)
            what = "float"
        if kernel is None:
            where = op_location(op)
            raise NotImplementedError(
                f"{(where + ': ') if where else ''}{op.name}: no {what} kernel in the "
                "reference interpreter"
            )
    try:
        return tuple(kernel(op, *args))
    except NotImplementedError as e:
        where = op_location(op)
        if where and not str(e).startswith(where):
            raise NotImplementedError(f"{where}: {e}") from None
        raise


@register_impls
class _CircleConstants(InterpreterFunctions):
    @impl(circle.ConstOp)
    def run_const(self, interpreter: Interpreter, op: circle.ConstOp, args: tuple):
        return (dense_as_numpy(op.value).copy(),)

    @impl(circle.NoValueOp)
    def run_no_value(self, interpreter: Interpreter, op: circle.NoValueOp, args: tuple):
        return (None,)


def _make_functions() -> type[InterpreterFunctions]:
    def run(self, interpreter: Interpreter, op: Operation, args: tuple) -> tuple:
        return run_circle_op(op, args)

    namespace: dict[str, object] = {"__doc__": __doc__}
    for op_class in circle.CIRCLE_OPS:
        if op_class in (circle.ConstOp, circle.NoValueOp):
            continue
        namespace[f"run_{op_class.name.replace('.', '_')}"] = impl(op_class)(run)
    return register_impls(type("CircleFunctions", (_CircleConstants,), namespace))


CircleFunctions = _make_functions()
