"""What every circle op family of the interpreter shares: kernel registration and dispatch,
`circle.const` / `circle.no_value`, and the helpers kernels of several families use.

A family (one module per op family, mirroring `compiler.dialects`) is an
`InterpreterFunctions` subclass decorated with `register_kernels`; each kernel is a
method marked with `@kernel(OpClass, FLOAT | INTEGER | HYBRID | ANY)`, a plain function
`(op, *operand arrays) -> tuple of results` (a static method, callable as
`CircleFunctions.add_int(op, a, b)`). `register_kernels` gives each op class one xDSL
`@impl` that dispatches on the op's types:

- an `ANY` kernel serves float and quantized tensors alike (data movement);
- a hybrid FULLY_CONNECTED (float input, quantized weights) runs its `HYBRID` kernel;
- an op with a quantized operand or result runs its `INTEGER` kernel (TFLite's reference
  integer arithmetic, bit for bit);
- otherwise the `FLOAT` kernel runs.

An op without a kernel for its types raises a `NotImplementedError` that names the op and
its location: nothing falls back to an approximation. Float kernels accumulate in
float64 and round the result to float32 (`float_result`): TFLite's float kernels
accumulate in float32 in an implementation-defined order, so float results agree with
runtimes up to float rounding, not bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from xdsl.interpreter import Interpreter, InterpreterFunctions, impl, register_impls
from xdsl.ir import Operation, SSAValue

from compiler.dialects import circle
from compiler.interpreter.values import quantized, shape_of
from compiler.ir.diagnostics import error_at, op_location
from compiler.ir.hybrid import is_hybrid
from compiler.ir.verify_tensors import dense_as_numpy

#: `(op, *operand arrays) -> tuple of result arrays`
Kernel = Callable[..., tuple]

FLOAT = "float"  # every operand and result unquantized
INTEGER = "integer"  # a quantized operand or result
HYBRID = "hybrid"  # float input and output, quantized weights
ANY = "any"  # one kernel for float and quantized tensors
KINDS = (FLOAT, INTEGER, HYBRID, ANY)

_MARK = "__circle_kernel__"


def kernel(*op_classes: type[Operation], on: str) -> Callable[[Kernel], staticmethod]:
    """Mark a method of a `register_kernels` class as the `on` kernel of `op_classes`.

    The method takes no `self`: it is made a static method, `(op, *operand arrays)`.
    """
    if on not in KINDS:
        raise ValueError(f"unknown kernel kind {on!r}; expected one of {KINDS}")

    def mark(fn: Kernel) -> staticmethod:
        setattr(fn, _MARK, tuple((c, on) for c in op_classes))
        return staticmethod(fn)

    return mark


def _run(self: InterpreterFunctions, interpreter: Interpreter, op: Operation,
         args: tuple) -> tuple:
    return run_kernel(type(self).KERNELS[type(op)], op, args)  # type: ignore[attr-defined]


def register_kernels(cls: type[InterpreterFunctions]) -> type[InterpreterFunctions]:
    """Collect the class's `@kernel` methods into `cls.KERNELS` (op class -> kind ->
    kernel), give each op class an xDSL `@impl` running `run_kernel`, and
    `register_impls` the class. Two kernels of one kind for one op are an error."""
    table: dict[type[Operation], dict[str, Kernel]] = {}
    for name, value in list(vars(cls).items()):
        fn = value.__func__ if isinstance(value, staticmethod) else value
        for op_class, kind in getattr(fn, _MARK, ()):
            kinds = table.setdefault(op_class, {})
            if kind in kinds:
                raise TypeError(f"{cls.__name__}: two {kind} kernels for {op_class.name}")
            kinds[kind] = fn
    cls.KERNELS = table  # type: ignore[attr-defined]
    for op_class in table:
        setattr(cls, f"run_{op_class.name.replace('.', '_')}", impl(op_class)(_run))
    return register_impls(cls)


def is_integer_op(op: Operation) -> bool:
    """True when any operand or result is quantized (the integer kernel applies)."""
    return any(quantized(v) is not None for v in (*op.operands, *op.results))


def run_kernel(kernels: dict[str, Kernel], op: Operation, args: tuple) -> tuple:
    """Run the kernel of `kernels` (kind -> kernel) that `op`'s types select."""
    kernel_fn = kernels.get(ANY)
    if kernel_fn is None:
        if is_hybrid(op):  # float input, int8 weights (dynamic quantization)
            what = HYBRID
        elif is_integer_op(op):
            what = INTEGER
        else:
            what = FLOAT
        kernel_fn = kernels.get(what)
        if kernel_fn is None:
            where = op_location(op)
            raise NotImplementedError(
                f"{(where + ': ') if where else ''}{op.name}: no {what} kernel in the "
                "reference interpreter"
            )
    try:
        return tuple(kernel_fn(op, *args))
    except NotImplementedError as e:
        where = op_location(op)
        if where and not str(e).startswith(where):
            raise NotImplementedError(f"{where}: {e}") from None
        raise


@register_impls
class CircleBaseFunctions(InterpreterFunctions):
    """`circle.const` (its payload) and `circle.no_value` (`None`)."""

    @impl(circle.ConstOp)
    def run_const(self, interpreter: Interpreter, op: circle.ConstOp, args: tuple):
        return (dense_as_numpy(op.value).copy(),)

    @impl(circle.NoValueOp)
    def run_no_value(self, interpreter: Interpreter, op: circle.NoValueOp, args: tuple):
        return (None,)


# -- float results ----------------------------------------------------------------------------

_ACTIVATIONS = {
    "NONE": lambda x: x,
    "RELU": lambda x: np.maximum(x, 0),
    "RELU6": lambda x: np.clip(x, 0, 6),
    "RELU_N1_TO_1": lambda x: np.clip(x, -1, 1),
    "TANH": np.tanh,
    "SIGN_BIT": lambda x: np.signbit(x).astype(x.dtype),
}


def apply_activation(op: Operation, x: np.ndarray) -> np.ndarray:
    """The op's `fused_activation_function` on a float result."""
    return _ACTIVATIONS[op.fused_activation_function.data](x)


def float_result(op: Operation, x: np.ndarray) -> np.ndarray:
    """Activation, float32, and the result type's shape (a kernel bug if it differs)."""
    out = np.asarray(x)
    if op.properties.get("fused_activation_function") is not None:
        out = apply_activation(op, out)
    out = out.astype(np.float32)
    if tuple(out.shape) != shape_of(op.results[0]):
        raise error_at(op, f"computed shape {list(out.shape)} differs from the result type")
    return out


# -- shapes, axes and shared qparams ----------------------------------------------------------

def same_qparams(op: Operation, src: SSAValue, dst: SSAValue) -> None:
    """A located error unless `src` and `dst` are both unquantized or share storage type,
    float32 scales and zero points (for kernels that copy the stored integers)."""
    a, b = quantized(src), quantized(dst)
    if (a is None) != (b is None):
        raise error_at(op, f"mixes quantized and unquantized tensors: {src.type} -> {dst.type}")
    if a is not None and b is not None:
        same = (
            a.storage_type == b.storage_type
            and np.array_equal(a.scales.astype(np.float32), b.scales.astype(np.float32))
            and np.array_equal(a.zero_points, b.zero_points)
        )
        if not same:
            raise error_at(
                op,
                f"quantized operand and result must share qparams (the runtimes copy the "
                f"integers), got {a} and {b}",
            )


def as_result(op: Operation, value: np.ndarray, index: int = 0) -> np.ndarray:
    """Check the computed shape against the result type (a kernel bug otherwise)."""
    expected = shape_of(op.results[index])
    if tuple(value.shape) != expected:
        raise error_at(
            op, f"computed shape {list(value.shape)} differs from the result type {list(expected)}"
        )
    return value


def normalize_axis(axis: int, rank: int) -> int:
    """A possibly negative axis as its index in `range(rank)`."""
    return axis + rank if axis < 0 else axis
