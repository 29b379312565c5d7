"""One Newton-Raphson step after every int16 RSQRT (part of `refine-numerics`).

TFLite's int16 RSQRT (`circle_activation.rsqrt16`) is a 513-entry interpolated table
over the whole int16 input range. 1/sqrt(x) is steep near 0, so between the first
entries the chord is far above the curve: for a layer norm's `var + eps` (hf_gpt2,
hf_vit) inputs 100..1000 steps above 0 are up to 3.3 % off, about 1000 output steps
(the circle IR lost 25-30 dB against PT2E's float rsqrt there; compiler.accuracy_bisect).

The pass keeps the table as the first estimate y0 and refines it with integer ops the
runtimes compute exactly as the interpreter does:

    t = MUL(x, y0)            ~ sqrt(x)
    u = MUL(t, y0)            ~ 1     (x y0^2)
    v = ADD(MUL(u, -0.5), 1.5)
    y = MUL(y0, v)            the RSQRT's own output type

i.e. y = y0 (3 - x y0^2) / 2: the relative error e of y0 becomes about 1.5 e^2 (3.3 %
-> 0.16 %) plus the intermediates' rounding. The intermediate scales are exact bounds:
the table is evaluated at compile time on all 32768 non-negative inputs (the kernel,
bit for bit), and each product's maximum (1 % headroom) sets its symmetric int16 scale.
At x = 0 the table saturates (y0 = max) and v = 1.5: y saturates to the output's
maximum, as PT2E's quantized inf does.

Guarantee afterwards: every int16 RSQRT with per-tensor zero-point-0 types feeds only
the refinement; its former users read `y`, of the RSQRT's former result type.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from compiler.dialects import circle
from compiler.dialects.circle_base import ConstOp
from compiler.dialects.quant import dense_from_numpy
from compiler.ir.quant_types import UniformQuantizedType, make_quantized_type

#: headroom over each intermediate's exact maximum (the products' roundings)
_HEADROOM = 1.01


def _i16(op: Operation, v: SSAValue) -> UniformQuantizedType | None:
    t = getattr(v.type, "element_type", None)
    if (isinstance(t, UniformQuantizedType) and t.storage_spelling == "i16"
            and t.zero_point.data == 0):
        return t
    return None


def _table(op: circle.RsqrtOp) -> np.ndarray:
    """y0 (real) of the op's int16 kernel for every stored input 0..32767."""
    from compiler.interpreter.circle_activation import rsqrt16

    (y,) = rsqrt16(op, np.arange(32768, dtype=np.int16))
    return y.astype(np.float64) * float(np.float32(op.results[0].type.element_type.scale.data))


def _typed(shape, bound: float) -> TensorType:
    return TensorType(make_quantized_type("i16", max(bound, 1e-30) * _HEADROOM / 32767, 0),
                      shape)


def _scalar(value: float, before: Operation, loc) -> SSAValue:
    qt = make_quantized_type("i16", abs(value) / 32767, 0)
    stored = np.array(32767 if value > 0 else -32767, dtype=np.int16)
    return _insert(ConstOp(dense_from_numpy(stored, qt.storage_type), TensorType(qt, [])),
                   before, loc).results[0]


def _insert(op: Operation, before: Operation, loc) -> Operation:
    op.location = loc  # the RSQRT's: the refinement computes the same node
    Rewriter.insert_op(op, InsertPoint.before(before))
    return op


def refine(op: circle.RsqrtOp) -> bool:
    """Add the Newton step after `op` (see the module doc); False when not int16."""
    qx, qy = _i16(op, op.operands[0]), _i16(op, op.results[0])
    if qx is None or qy is None:
        return False
    y0 = _table(op)
    x = np.arange(32768, dtype=np.float64) * float(np.float32(qx.scale.data))
    t, u = x * y0, x * y0 * y0
    if float(t.max()) <= 0.0:
        return False
    shape = op.results[0].type.get_shape()
    users = list(op.results[0].uses)
    anchor = op.next_op
    assert anchor is not None  # a function body ends with its return

    def mul(a: SSAValue, b: SSAValue, t: TensorType) -> SSAValue:
        return _insert(circle.MulOp(operands=[a, b], result_types=[t]), anchor,
                       op.location).results[0]

    y0v = op.results[0]
    tv = mul(op.operands[0], y0v, _typed(shape, float(t.max())))
    uv = mul(tv, y0v, _typed(shape, float(u.max())))
    wv = mul(uv, _scalar(-0.5, anchor, op.location), _typed(shape, 0.5 * float(u.max())))
    v_bound = max(1.5, abs(1.5 - 0.5 * float(u.max())))
    vv = _insert(circle.AddOp(operands=[wv, _scalar(1.5, anchor, op.location)],
                              result_types=[_typed(shape, v_bound)]), anchor,
                 op.location).results[0]
    y = _insert(circle.MulOp(operands=[y0v, vv], result_types=[op.results[0].type]),
                anchor, op.location)
    for use in users:
        use.operation.operands[use.index] = y.results[0]
    return True


__all__ = ["refine"]
