"""Kernels of the comparison family (`compiler.dialects.circle_compare`): EQUAL,
NOT_EQUAL, GREATER, GREATER_EQUAL, LESS, LESS_EQUAL, LOGICAL_AND/OR/NOT, SELECT_V2,
REDUCE_ANY.

Quantized comparisons follow TFLite's reference kernels (`comparisons.cc`,
`reference/comparisons.h`) bit for bit:

- uint8/int8 (`ComparisonWithScaling`): each operand becomes
  `MultiplyByQuantizedMultiplierSmallerThanOneExp((q - zp) << 8, M, shift)` with
  `(M, shift) = QuantizeMultiplier(float32 scale)`, and the two int32 values are
  compared. That is the real-valued comparison at a resolution of about 1/256: two
  operands closer than that may compare equal even where their real values differ.
- int16: the raw integers are compared (the kernel ignores scale and zero point; all six
  comparisons in LiteRT 2.3), which is right only for operands sharing their
  parameters; the dialect's verifier and this kernel insist on it.

Broadcasting is numpy's (TFLite's `BroadcastComparison4DSlow` is the same for the ranks
it accepts). Logical ops and REDUCE_ANY work on booleans; SELECT_V2 copies elements (its
quantized value operands and result share their parameters, checked).
"""

from __future__ import annotations

import numpy as np
from xdsl.interpreter import InterpreterFunctions
from xdsl.ir import Operation, SSAValue

from compiler.dialects import circle
from compiler.interpreter.circle_base import (
    ANY,
    FLOAT,
    INTEGER,
    as_result,
    kernel,
    normalize_axis,
    register_kernels,
    same_qparams,
)
from compiler.interpreter.fixedpoint import quantize_multiplier, rounding_divide_by_pot, srdhm
from compiler.interpreter.values import f32_scale, per_tensor

#: TFLite's `left_shift` of the quantized comparison kernels
LEFT_SHIFT = 8

_COMPARE = {
    circle.EqualOp: np.equal,
    circle.NotEqualOp: np.not_equal,
    circle.GreaterOp: np.greater,
    circle.GreaterEqualOp: np.greater_equal,
    circle.LessOp: np.less,
    circle.LessEqualOp: np.less_equal,
}


@register_kernels
class CircleCompareFunctions(InterpreterFunctions):
    """Comparisons (float and quantized), logic and REDUCE_ANY (boolean), SELECT_V2."""

    @kernel(circle.EqualOp, circle.NotEqualOp, circle.GreaterOp, circle.GreaterEqualOp,
            circle.LessOp, circle.LessEqualOp, on=FLOAT)
    def compare_float(op: Operation, a: np.ndarray, b: np.ndarray):
        return (as_result(op, _COMPARE[type(op)](a, b)),)

    @kernel(circle.EqualOp, circle.NotEqualOp, circle.GreaterOp, circle.GreaterEqualOp,
            circle.LessOp, circle.LessEqualOp, on=INTEGER)
    def compare_int(op: Operation, a: np.ndarray, b: np.ndarray):
        """A quantized comparison (see the module notes)."""
        qa = per_tensor(op, op.lhs, "the lhs")
        if qa.storage_spelling == "i16":
            same_qparams(op, op.lhs, op.rhs)  # the kernel compares raw integers
            return (as_result(op, _COMPARE[type(op)](a, b)),)
        return (as_result(op, _COMPARE[type(op)](_rescaled(op, op.lhs, a),
                                                  _rescaled(op, op.rhs, b))),)

    @kernel(circle.LogicalAndOp, on=FLOAT)
    def logical_and(op: circle.LogicalAndOp, a, b):
        return (as_result(op, np.logical_and(a, b)),)

    @kernel(circle.LogicalOrOp, on=FLOAT)
    def logical_or(op: circle.LogicalOrOp, a, b):
        return (as_result(op, np.logical_or(a, b)),)

    @kernel(circle.LogicalNotOp, on=FLOAT)
    def logical_not(op: circle.LogicalNotOp, x):
        return (as_result(op, np.logical_not(x)),)

    @kernel(circle.SelectV2Op, on=ANY)
    def select_v2(op: circle.SelectV2Op, cond, x, y):
        """`cond ? x : y`, broadcasting; quantized x, y and result must share qparams."""
        same_qparams(op, op.x, op.output)
        same_qparams(op, op.y, op.output)
        return (as_result(op, np.where(np.asarray(cond, dtype=bool), x, y)),)

    @kernel(circle.ReduceAnyOp, on=FLOAT)
    def reduce_any(op: circle.ReduceAnyOp, x, axis):
        axes = tuple(sorted({normalize_axis(int(a), x.ndim) for a in np.asarray(axis).reshape(-1)}))
        return (as_result(op, np.any(x, axis=axes, keepdims=op.keep_dims.value.data)),)


def _rescaled(op: Operation, v: SSAValue, x: np.ndarray) -> np.ndarray:
    """One operand of `ComparisonWithScaling`, as the int32 values the kernel compares."""
    q = per_tensor(op, v, "a quantized comparison operand")
    multiplier, shift = quantize_multiplier(f32_scale(q))
    if shift > 0:
        # QuantizeMultiplierGreaterThanOne gives a left shift, which
        # MultiplyByQuantizedMultiplierSmallerThanOneExp then uses as a negative right
        # shift: undefined behaviour in the C++ kernel, so nothing to be exact with.
        raise NotImplementedError(
            f"{op.name}: quantized comparison with scale {f32_scale(q)} >= 1 (TFLite's "
            "kernel has undefined behaviour there)")
    shifted = (x.astype(np.int64) - q.zero_point.data) * (1 << LEFT_SHIFT)
    return rounding_divide_by_pot(srdhm(shifted, multiplier), -shift)
