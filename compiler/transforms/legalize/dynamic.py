"""Dynamically quantized linear -> hybrid FULLY_CONNECTED (see compiler.frontend.dynamic).

The aten.linear carries `dynamic_input`; its weight is `quant.dcast(quant.constant)` of
int8 symmetric integers. The result is a `circle.fully_connected` on the float input with
the int8 weight constant itself (no DEQUANTIZE), the float bias, a float result and
`asymmetric_quantize_inputs = true` (TFLite then quantizes each input row with its own
zero point at run time, like torch's `choose_qparams`).
"""

from __future__ import annotations

from xdsl.dialects.builtin import NoneType
from xdsl.ir import Operation, SSAValue

from compiler.dialects import circle, quant
from compiler.dialects.circle_base import ConstOp
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType
from compiler.transforms.legalize import Emitter, result_type
from compiler.transforms.utils import shape, with_shape


def _int8_weight(em: Emitter, w: SSAValue) -> SSAValue:
    d = w.owner
    c = d.input.owner if isinstance(d, quant.DequantizeCastOp) else None
    if not isinstance(c, quant.ConstantOp):
        raise em.error("a dynamically quantized linear needs a constant quantized weight")
    et = c.output.type.element_type
    if not isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType) or (
        et.storage_spelling != "i8" or et.zero_points.any()
    ):
        raise em.error(f"hybrid FULLY_CONNECTED needs int8 symmetric weights, not {et}")
    return em.emit(ConstOp(c.value, c.output.type)).results[0]


def hybrid_linear(op: Operation, em: Emitter):
    x, w, b = op.operands
    weights = _int8_weight(em, w)
    bias = em.none() if isinstance(b.type, NoneType) else b
    out = result_type(op)
    rank = len(shape(x))
    if rank == 1:
        x2 = em.reshape(x, [1, shape(x)[0]])
        y = em.op(circle.FullyConnectedOp, [x2, weights, bias],
                  with_shape(out, [1, out.get_shape()[0]]), asymmetric_quantize_inputs=True)
        return [em.reshape(y, out.get_shape())]
    return [em.op(circle.FullyConnectedOp, [x, weights, bias], out, keep_num_dims=rank > 2,
                  asymmetric_quantize_inputs=True)]
