"""Float values a runtime quantizes or compares its own way, made to compute as the IR says.

`target-legalize` (compiler.transforms.target_legalize) calls these on the ops whose
`Miscomputes` conditions (compiler.ir.float_ranges) hold; each rewrites in place and
returns None, or returns why it cannot (the pass then reports a located error):

- `saturate_infinity`: a QUANTIZE of a value that may be NaN, +-inf or beyond 2^31 steps;
- `nan_last`: a MAXIMUM / MINIMUM whose first operand may be NaN;
- `rsqrt_of_zero`: an RSQRT of a value that may be 0 under XNNPACK (docs/runtimes.md).
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import TensorType, f32, i1
from xdsl.ir import Operation, SSAValue

from compiler.dialects import circle
from compiler.dialects.circle_base import ConstOp, is_none
from compiler.dialects.quant import dense_from_numpy
from compiler.ir.float_ranges import float_cone, may_be_nan, quantizes_infinity, quantizes_nan
from compiler.ir.quant_types import UniformQuantizedType, is_quantized
from compiler.transforms.utils import constant_of, insert_before, shape


def saturate_infinity(op: Operation) -> str | None:
    """A float -> integer QUANTIZE of a value that may be NaN (`quantizes_nan`), +-inf
    or beyond 2^31 steps (`quantizes_infinity`).

    NaN first: SELECT_V2(EQUAL(x, x), x, (0 - zp) s), which stores 0 for NaN, as PT2E's
    decomposed quantize_per_tensor and the interpreter do (the runtimes' QUANTIZE of NaN
    store 0, 127, -32768 or qmax depending on kernel and type); the builtin EQUAL and
    SELECT_V2 kernels run it alike in every runtime and resolver (XNNPACK takes neither).

    Then the clamp: the input limited to the float range its storage type represents,
    MINIMUM(MAXIMUM(x, (qmin - zp) s), (qmax - zp) s). The QUANTIZE saturates every
    finite value outside that range to the same qmin/qmax, so the result is unchanged
    for finite inputs, and +-inf now quantizes to qmax/qmin as the op's semantics (PT2E)
    say; the runtimes' MAXIMUM/MINIMUM are IEEE comparisons, exact on +-inf."""
    x = op.operands[0]
    qo = op.results[0].type.element_type
    if is_quantized(x.type):
        return "it requantizes a quantized tensor"
    if not isinstance(qo, UniformQuantizedType):
        return "its output is not quantized per tensor"
    s, zp = np.float64(np.float32(qo.scale.data)), qo.zero_point.data
    info = np.iinfo(qo.numpy_storage_dtype)
    t = x.type
    nan, clamp = quantizes_nan(op), quantizes_infinity(op)

    def bound(value: float) -> SSAValue:
        return insert_before(ConstOp(dense_from_numpy(np.full([1], value, np.float32), f32),
                               TensorType(f32, [1])), op).results[0]

    if nan:
        same = insert_before(circle.EqualOp(operands=[x, x], result_types=[
            TensorType(i1, t.get_shape())]), op).results[0]
        x = insert_before(circle.SelectV2Op(operands=[same, x, bound(-zp * s)], result_types=[t]),
                    op).results[0]
    if clamp:
        lo = insert_before(circle.MaximumOp(operands=[x, bound((info.min - zp) * s)],
                                      result_types=[t]), op).results[0]
        x = insert_before(circle.MinimumOp(operands=[lo, bound((info.max - zp) * s)],
                                     result_types=[t]), op).results[0]
    op.operands[0] = x
    return None


def nan_last(op: Operation) -> str | None:
    """A float MAXIMUM / MINIMUM whose first operand may be NaN (`nan_first_operand`)
    with its operands swapped: the same value in the op's semantics, and the runtimes,
    which drop a NaN first operand, hand a NaN second one on like the IR."""
    a, b = op.operands
    if may_be_nan(b):
        return "both its operands may be NaN"
    op.operands[0], op.operands[1] = b, a
    return None


#: what a float RSQRT gives for +0 (+inf) and for the least subnormal (2^74.5), and for
#: FLT_MIN, its input once raised (2^63)
_RSQRT_TRIALS = tuple(np.float32(v) for v in (np.inf, 1.0 / np.sqrt(np.float64(
    np.finfo(np.float32).smallest_subnormal)), 2.0**63))


def _raise_keeps_quantized(op: Operation) -> str | None:
    """None when raising the RSQRT's input to FLT_MIN leaves every QUANTIZE its result
    reaches unchanged, else why not. The float ops between are evaluated (the
    interpreter's kernels) with the RSQRT's result set to each of `_RSQRT_TRIALS` in
    turn: every QUANTIZE must give the same integers for all three. (An RSQRT input in
    [0, FLT_MIN) gives +inf or a value between the last two, which a chain of monotone
    ops cannot quantize otherwise. For a non-monotone op between, such as SIN, three equal
    trials are evidence, not proof; such a chain is rare, since the cone must meet only
    constants: a layer norm's RSQRT meets the centred input and is refused above.)"""
    from compiler.interpreter.runner import run_op

    inner, quantizes, escapes = float_cone(op.results[0])
    if escapes:
        return (f"its result also reaches {escapes[0].name} (not a QUANTIZE), where a "
                "raised input could show")
    outputs = []
    for trial in _RSQRT_TRIALS:
        values: dict[SSAValue, np.ndarray] = {op.results[0]: np.full(shape(op.results[0]),
                                                                     trial, np.float32)}
        for o in (*inner, *quantizes):
            args = []
            for v in o.operands:
                arr = values.get(v)
                if arr is None:
                    arr = constant_of(v)
                if arr is None and not is_none(v):
                    return (f"its result meets a computed operand at {o.name}, so what a "
                            "raised input gives there cannot be decided at compile time")
                args.append(arr)
            with np.errstate(all="ignore"):
                values.update(zip(o.results, run_op(o, args)))
        outputs.append([values[q.results[0]] for q in quantizes])
    for q, *got in zip(quantizes, *outputs):
        if any(not np.array_equal(got[0], g) for g in got[1:]):
            return (f"{q.name} quantizes its +inf and the 2^63 of a raised input apart "
                    "(the ops between are not monotone, or its range reaches 2^63)")
    return None


def rsqrt_of_zero(op: Operation) -> str | None:
    """A float RSQRT that `quantized_rsqrt_of_zero` (its result reaches a QUANTIZE): its
    input raised to at least FLT_MIN by a MAXIMUM, when that keeps every QUANTIZE it
    reaches (`_raise_keeps_quantized`). XNNPACK gives NaN for RSQRT of 0 (a layer norm's
    quantized variance + eps can be 0) and of subnormals; 1 / sqrt(FLT_MIN) = 2^63
    quantizes (through SQRT, NEG, a constant MUL...) to the same integers as +inf, so
    the quantized result is unchanged, and every resolver now computes it."""
    why_not = _raise_keeps_quantized(op)
    if why_not is not None:
        return why_not
    x = op.operands[0]
    tiny = insert_before(ConstOp(dense_from_numpy(np.full([1], np.finfo(np.float32).tiny,
                                                    np.float32), f32),
                           TensorType(f32, [1])), op).results[0]
    op.operands[0] = insert_before(circle.MaximumOp(operands=[x, tiny], result_types=[x.type]),
                             op).results[0]
    return None
