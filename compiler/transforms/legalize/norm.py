"""Normalizations Circle has no builtin for, expressed with the builtins it has.

PT2E folds batch norm into the preceding convolution; what reaches here is a standalone
batch norm (an affine map per channel: one 1x1 depthwise convolution) or a layer norm. Their decompositions introduce
intermediate tensors: in a float program that is all there is to it; in a quantized
program those tensors have no calibrated range, so `quant-propagate` rejects them with
the op's location (decompose them before quantization, as `compiler.quantize` does).
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import NoneType
from xdsl.ir import Operation, SSAValue

from compiler.dialects import circle
from compiler.transforms.legalize import QUANTIZER_TABLES, Emitter, legalizes, result_type
from compiler.transforms.legalize.elementwise import scalar
from compiler.transforms.utils import dequantized_constant_of, float_const, shape, with_shape


def _const_or_none(v: SSAValue) -> np.ndarray | None:
    return None if isinstance(v.type, NoneType) else dequantized_constant_of(v)


@legalizes("aten.batch_norm", "aten._native_batch_norm_legit_no_training", produces=QUANTIZER_TABLES)
def batch_norm(op: Operation, em: Emitter):
    """Inference batch norm: x * a + b with per-channel constants a, b (dim 1), as one
    1x1 DEPTHWISE_CONV_2D with weights a and bias b over the channels-last input: a
    single op whose output is the batch norm's own (calibrated) tensor, its weights
    quantized per channel and its bias derived like any depthwise conv's (a MUL + ADD
    pair would leave the product uncalibrated)."""
    if op.name == "aten.batch_norm" and op.arg("training"):
        raise em.error("batch norm in training mode has no Circle lowering (export in eval mode)")
    x, weight, bias, mean, var = op.operands[:5]
    rank = len(shape(x))
    if rank < 2:
        raise em.error("batch norm of a tensor without a channel dimension has no Circle lowering")
    c = shape(x)[1]
    stats = [_const_or_none(v) for v in (weight, bias, mean, var)]
    if any(s is None and not isinstance(v.type, NoneType) for s, v in zip(stats, (weight, bias, mean, var))):
        raise em.error("batch norm with non-constant statistics has no Circle lowering")
    gamma = stats[0] if stats[0] is not None else np.ones(c, np.float32)
    beta = stats[1] if stats[1] is not None else np.zeros(c, np.float32)
    a = (gamma / np.sqrt(stats[3] + np.float32(op.arg("eps")))).astype(np.float32)
    b = (beta - stats[2] * a).astype(np.float32)
    out = result_type(op)
    # channels last: NHWC for a 4-D input (its transposes then cancel with its
    # neighbours'), else [N, *rest, C] viewed as [N, 1, prod(rest), C]
    perm = [0, *range(2, rank), 1]
    inverse = [perm.index(d) for d in range(rank)]
    xt = em.relayout(x, perm)
    last = list(shape(xt))
    nhwc = last if rank == 4 else [last[0], 1, int(np.prod(last[1:-1])), c]
    w = em.emit(float_const(a.reshape(1, 1, 1, c))).results[0]
    bc = em.emit(float_const(b)).results[0]
    y4 = em.op(circle.DepthwiseConv2DOp, [em.reshape(xt, nhwc), w, bc], with_shape(out, nhwc),
               depth_multiplier=1, padding="VALID")
    y = em.transpose(em.reshape(y4, last), inverse)
    extra = [None] * (len(op.results) - 1)  # saved statistics: unused in inference
    return [y, *extra]


@legalizes("aten.layer_norm", produces=QUANTIZER_TABLES)
def layer_norm(op: Operation, em: Emitter):
    """(x - mean) * rsqrt(mean((x - mean)^2) + eps) * weight + bias over the last dims."""
    x, weight, bias = op.operands
    rank = len(shape(x))
    k = len(op.arg("normalized_shape"))
    axes = list(range(rank - k, rank))
    t = x.type
    reduced = with_shape(t, [1 if d in axes else s for d, s in enumerate(shape(x))])
    mean = em.op(circle.MeanOp, [x, em.i32(axes)], reduced, keep_dims=True)
    centered = em.op(circle.SubOp, [x, mean], t)
    var = em.op(circle.MeanOp, [em.op(circle.MulOp, [centered, centered], t), em.i32(axes)],
                reduced, keep_dims=True)
    inv = em.op(circle.RsqrtOp, [em.op(circle.AddOp, [var, scalar(em, op.arg("eps"), x)], reduced)],
                reduced)
    y = em.op(circle.MulOp, [centered, inv], t)
    if not isinstance(weight.type, NoneType):
        y = em.op(circle.MulOp, [y, weight], t)
    if not isinstance(bias.type, NoneType):
        y = em.op(circle.AddOp, [y, bias], result_type(op))
    return [y]
