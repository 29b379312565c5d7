"""Ops the runtimes run in float only: sin, cos, round, floor, pow (element-wise) and conv3d.

They are legalized like any op; what keeps them float in a quantized model is the
quantizer (`compiler.frontend.float_ops`, which refuses them unless allow-float) and
the ops' runtime traits (`float32_only`: fuse-qdq leaves them between DEQUANTIZE and
QUANTIZE).
"""

from __future__ import annotations

from xdsl.ir import Operation

from compiler.dialects import circle
from compiler.dialects.circle_float_ops import FloorOp, PowOp
from compiler.transforms.legalize import Emitter, legalizes, result_type
from compiler.transforms.legalize.conv import _bias, padding_mode
from compiler.transforms.utils import element_type, permute_type, shape, with_shape

_UNARY = {
    "aten.sin": circle.SinOp,
    "aten.cos": circle.CosOp,
    "aten.round": circle.RoundOp,  # both round half to even
    "aten.floor": FloorOp,
}

NCDHW_TO_NDHWC = (0, 2, 3, 4, 1)
NDHWC_TO_NCDHW = (0, 4, 1, 2, 3)
OIDHW_TO_DHWIO = (2, 3, 4, 1, 0)


@legalizes(*_UNARY, produces=_UNARY)
def unary(op: Operation, em: Emitter):
    return [em.op(_UNARY[op.name], [op.operands[0]], result_type(op))]


@legalizes("aten.pow.Tensor_Tensor", produces=(PowOp,))
def pow_tensor(op: Operation, em: Emitter):
    """x ** y for two tensors (y broadcast against x): POW takes two float32 tensors."""
    x, y = op.operands
    if element_type(x) != element_type(y):
        raise em.error(f"pow of a {element_type(x)} tensor by a {element_type(y)} tensor "
                       "has no Circle lowering (POW takes two tensors of one type)")
    return [em.op(PowOp, [x, y], result_type(op))]


@legalizes("aten.conv3d", produces=(circle.Conv3DOp,))
def conv3d(op: Operation, em: Emitter):
    """NCDHW conv3d as NDHWC CONV_3D (filter relaid out to DHWIO at compile time);
    padding other than SAME/VALID becomes an explicit PAD."""
    x, w, b = op.operands
    groups = op.arg("groups")
    if groups != 1:
        raise em.error(f"conv3d with groups={groups}: Circle's CONV_3D has no groups")
    stride, padding, dilation = op.arg("stride"), op.arg("padding"), op.arg("dilation")
    if len(shape(x)) != 5:
        raise em.error(f"conv3d of a rank-{len(shape(x))} input: CONV_3D needs NCDHW (rank 5)")
    out = result_type(op)
    sizes, kernel, outs = shape(x)[2:], shape(w)[2:], out.get_shape()[2:]
    modes = {padding_mode(sizes[d], kernel[d], stride[d], dilation[d], padding[d], padding[d],
                          outs[d]) for d in range(3)}
    xn = em.relayout(x, NCDHW_TO_NDHWC)
    if len(modes) != 1 or None in modes:
        pads = [[0, 0], *([p, p] for p in padding), [0, 0]]
        padded = [s + sum(p) for s, p in zip(shape(xn), pads)]
        xn = em.op(circle.PadOp, [xn, em.i32(pads)], with_shape(xn.type, padded))
        mode = "VALID"
    else:
        mode = modes.pop()
    wf = em.relayout(w, OIDHW_TO_DHWIO)
    y = em.op(
        circle.Conv3DOp, [xn, wf, _bias(em, b)], permute_type(out, NCDHW_TO_NDHWC),
        padding=mode, stride_d=stride[0], stride_h=stride[1], stride_w=stride[2],
        dilation_d_factor=dilation[0], dilation_h_factor=dilation[1],
        dilation_w_factor=dilation[2],
    )
    return [em.transpose(y, NDHWC_TO_NCDHW)]
