"""Pooling, reductions and resizing."""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Operation, SSAValue

from compiler.dialects import circle
from compiler.transforms.legalize import (
    QUANTIZER_TABLES,
    Emitter,
    legalizes,
    nhwc_type,
    normalize_dim,
    result_type,
)
from compiler.transforms.legalize.conv import padding_mode
from compiler.transforms.legalize.elementwise import scalar
from compiler.transforms.utils import shape, with_shape


def _pool(op: Operation, em: Emitter, cls, x: SSAValue, kernel, stride, padding, out: TensorType,
          pad_counts: bool):
    """A 2-D pool on NCHW `x` as a Circle NHWC pool.

    Circle's pools never count padded cells: max pooling then equals torch's (-inf
    padding); average pooling equals torch only with `count_include_pad=False`, so
    with `pad_counts` the padding is made explicit (zeros) and the pool is VALID.
    """
    stride = stride or kernel
    n, c, h, w = shape(x)
    _, _, ho, wo = out.get_shape()
    modes = {
        padding_mode(h, kernel[0], stride[0], 1, padding[0], padding[0], ho),
        padding_mode(w, kernel[1], stride[1], 1, padding[1], padding[1], wo),
    }
    xn = em.to_nhwc(x)
    if len(modes) == 1 and None not in modes and not (pad_counts and "SAME" in modes):
        mode = modes.pop()
    elif cls is circle.MaxPool2DOp or (any(padding) and pad_counts):
        # Explicit padding, then VALID: zeros for an average that counts them, the
        # lowest value for max pooling (torch pads with -inf; once quantized, the
        # lowest value saturates to the storage minimum, which never wins a max). Max
        # pooling is padded after by at least as much, and as far as its last window
        # reaches (ceil_mode's extra window; torch starts every window on an input cell
        # or the padding before it, so none is all padding).
        after = [padding[i] for i in (0, 1)]
        if cls is circle.MaxPool2DOp:
            after = [max(p, (o - 1) * s + k - size - p) for o, s, k, size, p in
                     zip((ho, wo), stride, kernel, (h, w), padding)]
        paddings = em.i32([[0, 0], [padding[0], after[0]], [padding[1], after[1]], [0, 0]])
        padded = with_shape(xn.type, [n, h + padding[0] + after[0], w + padding[1] + after[1], c])
        if cls is circle.MaxPool2DOp:
            lowest = scalar(em, float(np.finfo(np.float32).min), x)
            xn = em.op(circle.PadV2Op, [xn, paddings, lowest], padded)
        else:
            xn = em.op(circle.PadOp, [xn, paddings], padded)
        mode = "VALID"
        _, hp, wp, _ = padded.get_shape()
        if padding_mode(hp, kernel[0], stride[0], 1, 0, 0, ho) != "VALID" or (
            padding_mode(wp, kernel[1], stride[1], 1, 0, 0, wo) != "VALID"
        ):
            raise em.error("pooling with ceil_mode has no Circle lowering for this shape")
    else:
        raise em.error(
            f"pooling with padding {list(padding)}, kernel {list(kernel)} and stride "
            f"{list(stride)} matches neither SAME nor VALID"
        )
    y = em.op(cls, [xn], nhwc_type(out), padding=mode, filter_height=kernel[0],
              filter_width=kernel[1], stride_h=stride[0], stride_w=stride[1])
    return em.to_nchw(y)


@legalizes("aten.max_pool2d", "aten.max_pool2d_with_indices",
           produces=(circle.MaxPool2DOp, circle.PadV2Op, circle.TransposeOp))
def max_pool2d(op: Operation, em: Emitter):
    if any(d != 1 for d in op.arg("dilation")):
        raise em.error("dilated max pooling has no Circle lowering")
    if len(op.results) > 1 and op.results[1].uses:
        raise em.error("max pooling indices have no Circle lowering")
    padding = op.arg("padding")
    padding = padding * 2 if len(padding) == 1 else padding
    y = _pool(op, em, circle.MaxPool2DOp, op.operands[0], op.arg("kernel_size"),
              op.arg("stride"), padding, result_type(op), pad_counts=False)
    return [y] + ([None] if len(op.results) > 1 else [])


@legalizes("aten.avg_pool2d", produces=(circle.AveragePool2DOp, circle.PadOp, circle.TransposeOp))
def avg_pool2d(op: Operation, em: Emitter):
    if op.arg("divisor_override") is not None:
        raise em.error("average pooling with divisor_override has no Circle lowering")
    padding = op.arg("padding")
    padding = padding * 2 if len(padding) == 1 else padding
    return [_pool(op, em, circle.AveragePool2DOp, op.operands[0], op.arg("kernel_size"),
                  op.arg("stride"), padding, result_type(op),
                  pad_counts=bool(op.arg("count_include_pad")))]


@legalizes("aten.adaptive_avg_pool2d", "aten._adaptive_avg_pool2d", produces=QUANTIZER_TABLES)
def adaptive_avg_pool2d(op: Operation, em: Emitter):
    (x,) = op.operands
    n, c, h, w = shape(x)
    oh, ow = op.arg("output_size")
    out = result_type(op)
    if (oh, ow) == (1, 1):
        return [em.op(circle.MeanOp, [x, em.i32([2, 3])], out, keep_dims=True)]
    if h % oh or w % ow:
        raise em.error("adaptive pooling to a size that does not divide the input")
    k = [h // oh, w // ow]
    return [_pool(op, em, circle.AveragePool2DOp, x, k, k, [0, 0], out, pad_counts=False)]


def _reduce(op: Operation, em: Emitter, cls, dims):
    (x,) = op.operands
    rank = len(shape(x))
    dims = list(range(rank)) if not dims else [normalize_dim(d, rank) for d in dims]
    keep = bool(op.arg("keepdim")) if "keepdim" in op.properties else False
    return [em.op(cls, [x, em.i32(sorted(dims))], result_type(op), keep_dims=keep)]


@legalizes("aten.mean.dim", "aten.mean", produces=(circle.MeanOp,))
def mean(op: Operation, em: Emitter):
    return _reduce(op, em, circle.MeanOp, op.arg("dim") if "dim" in op.properties else None)


@legalizes("aten.sum.dim_IntList", "aten.sum", produces=(circle.SumOp,))
def sum_(op: Operation, em: Emitter):
    return _reduce(op, em, circle.SumOp, op.arg("dim") if "dim" in op.properties else None)


@legalizes("aten.upsample_nearest2d.vec", "aten.upsample_nearest2d",
           "aten.upsample_bilinear2d.vec", "aten.upsample_bilinear2d",
           produces=(circle.ResizeBilinearOp, circle.ResizeNearestNeighborOp, circle.TransposeOp))
def upsample(op: Operation, em: Emitter):
    (x,) = op.operands
    out = result_type(op)
    _, _, ho, wo = out.get_shape()
    bilinear = "bilinear" in op.name
    align = bool(op.arg("align_corners")) if bilinear else False
    cls = circle.ResizeBilinearOp if bilinear else circle.ResizeNearestNeighborOp
    # torch: bilinear without align_corners samples at half-pixel centers; nearest
    # uses floor(dst * in / out), which is Circle's legacy (no half-pixel) rule.
    y = em.op(cls, [em.to_nhwc(x), em.i32([ho, wo])], nhwc_type(out),
              align_corners=align, half_pixel_centers=bilinear and not align)
    return [em.to_nchw(y)]
