"""Indexing, gathering, arg-reductions and tiling: argmax/argmin, max.dim, gather,
index.Tensor, repeat, slice_scatter.

Index tensors stay as torch gives them (int64): LiteRT's GATHER and GATHER_ND take int32
or int64 indices, onert's GATHER int32 or int64 (measured), so no CAST is needed. A
*constant* index is checked and normalized (negative indices wrap, as in torch) at
compile time and emitted as int32. A run-time index must be in range: the runtimes
reject out-of-range indices (LiteRT fails the invoke), they do not wrap negative ones.

Where a constant index allows it, the lowering is a GATHER on the flattened input
(`gather`, multi-tensor `index`): GATHER runs in every runtime (onert has no
GATHER_ND). Every op here moves elements, so quantized results share the data input's
qparams (the quantizer annotates them so; see `compiler.frontend.quantizer`).
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import IntegerType, TensorType, i64
from xdsl.ir import Operation, SSAValue

from compiler.dialects import circle, quant
from compiler.dialects.circle_base import ConstOp, is_none
from compiler.transforms.legalize import QUANTIZER_TABLES, Emitter, legalizes, normalize_dim, result_type
from compiler.transforms.utils import constant_of, element_type, shape, with_shape


def _int_const(em: Emitter, values: np.ndarray, like: TensorType | None = None) -> SSAValue:
    """An integer constant: int32, or the integer element type of `like` (to be
    concatenated with a run-time index tensor of that type)."""
    et = like.element_type if like is not None else None
    if isinstance(et, IntegerType) and et.width.data == 64:
        return em.emit(ConstOp(quant.dense_from_numpy(np.asarray(values, np.int64), i64))).results[0]
    return em.i32(np.asarray(values))


def _constant_index(em: Emitter, v: SSAValue, size: int, wrap: bool) -> np.ndarray | None:
    """The values of a constant index along a dimension of `size`, negatives wrapped
    when `wrap` (torch's indexing does, gather/index_select do not); None if `v` is
    computed at run time. Out-of-range values are a compile error."""
    arr = constant_of(v)
    if arr is None:
        return None
    arr = np.asarray(arr, np.int64)
    low = -size if wrap else 0
    if arr.size and (arr.min() < low or arr.max() >= size):
        raise em.error(f"index out of range [{low}, {size}): {arr.min()}..{arr.max()}")
    return np.where(arr < 0, arr + size, arr)


def _index_width(out: TensorType) -> str:
    et = out.element_type
    if not isinstance(et, IntegerType) or et.width.data not in (32, 64):
        raise ValueError(f"expected an i32 or i64 index result, got {out}")
    return "INT64" if et.width.data == 64 else "INT32"


def _arg_reduce(em: Emitter, cls, x: SSAValue, axis: int, out: TensorType) -> SSAValue:
    """ARG_MAX/ARG_MIN of `x` along `axis`, reshaped to `out` (keepdim, flattening)."""
    reduced = [d for i, d in enumerate(shape(x)) if i != axis]
    idx_type = TensorType(out.element_type, reduced)
    r = em.op(cls, [x, em.i32([axis])], idx_type, output_type=_index_width(out))
    return em.reshape(r, out.get_shape())


@legalizes("aten.argmax", "aten.argmin", produces=QUANTIZER_TABLES)
def arg_reduce(op: Operation, em: Emitter):
    """ARG_MAX/ARG_MIN with an int64 result (torch's dtype). Ties: both give the first
    index (TFLite's kernel replaces the running index only on a strict comparison)."""
    (x,) = op.operands
    dim = op.arg("dim")
    if dim is None:  # over all elements: the flattened input
        x = em.reshape(x, [int(np.prod(shape(x)))])
        axis = 0
    else:
        axis = normalize_dim(dim, len(shape(x)))
    cls = circle.ArgMaxOp if op.name == "aten.argmax" else circle.ArgMinOp
    return [_arg_reduce(em, cls, x, axis, result_type(op))]


@legalizes("aten.max.dim", produces=QUANTIZER_TABLES)
def max_dim(op: Operation, em: Emitter):
    """values: REDUCE_MAX (input's qparams); indices: ARG_MAX (int64)."""
    (x,) = op.operands
    axis = normalize_dim(op.arg("dim"), len(shape(x)))
    keep = bool(op.arg("keepdim"))
    values = em.op(circle.ReduceMaxOp, [x, em.i32([axis])], result_type(op, 0), keep_dims=keep)
    indices = _arg_reduce(em, circle.ArgMaxOp, x, axis, result_type(op, 1))
    return [values, indices]


@legalizes("aten.repeat", produces=(circle.TileOp, circle.ReshapeOp))
def repeat(op: Operation, em: Emitter):
    """TILE; extra leading repeats first add leading dimensions of size 1 (torch)."""
    (x,) = op.operands
    reps = [int(r) for r in op.arg("repeats")]
    rank = len(shape(x))
    if len(reps) < rank:
        raise em.error(f"repeat needs at least {rank} repeats, got {reps}")
    x = em.reshape(x, [1] * (len(reps) - rank) + list(shape(x)))
    out = result_type(op)
    if all(r == 1 for r in reps):
        return [em.reshape(x, out.get_shape())]
    return [em.op(circle.TileOp, [x, em.i32(reps)], out)]


def _flat_gather(em: Emitter, x: SSAValue, k: int, coords: list[np.ndarray],
                 out: TensorType) -> SSAValue:
    """x[coords[0], ..., coords[k-1]] for constant coordinates of the first k dims: a
    GATHER on x reshaped to [prod(shape[:k]), *shape[k:]] at the flat row indices."""
    dims = list(shape(x))
    flat = np.ravel_multi_index(tuple(coords), dims[:k]) if k else np.zeros((), np.int64)
    rows = em.reshape(x, [int(np.prod(dims[:k]))] + dims[k:])
    return em.op(circle.GatherOp, [rows, em.i32(flat)], out, axis=0)


@legalizes("aten.gather",
           produces=(circle.GatherNdOp, circle.GatherOp, circle.ConcatenationOp,
                     circle.ReshapeOp))
def gather(op: Operation, em: Emitter):
    """out[i..] = x[i.. with dim replaced by index[i..]].

    A constant index is folded into flat positions of x: reshape x to 1-D, GATHER at
    those positions (all runtimes). A run-time index becomes GATHER_ND coordinates: the
    index as the `dim` coordinate, compile-time iota grids for the other dimensions,
    concatenated on a last axis (LiteRT; onert has no GATHER_ND).
    """
    x, index = op.operands
    rank = len(shape(x))
    dim = normalize_dim(op.arg("dim"), rank)
    ishape = list(shape(index))
    if len(ishape) != rank:
        raise em.error(f"gather index must have the input's rank {rank}, got {ishape}")
    if any(ishape[d] > shape(x)[d] for d in range(rank) if d != dim):
        raise em.error(f"gather index {ishape} is larger than the input {list(shape(x))} "
                       f"outside dim {dim}")
    grids = np.indices(ishape, dtype=np.int64) if ishape else np.zeros((0,), np.int64)
    out = result_type(op)
    const = _constant_index(em, index, shape(x)[dim], wrap=False)
    if const is not None:
        coords = [const if d == dim else grids[d] for d in range(rank)]
        return [_flat_gather(em, x, rank, coords, out)]
    parts = [
        em.reshape(index, ishape + [1]) if d == dim
        else _int_const(em, grids[d][..., None], index.type)
        for d in range(rank)
    ]
    coords_type = TensorType(element_type(index), ishape + [rank])
    coords = em.op(circle.ConcatenationOp, [parts], coords_type, axis=rank)
    return [em.op(circle.GatherNdOp, [x, coords], out)]


@legalizes("aten.index.Tensor", produces=(circle.GatherNdOp, circle.GatherOp,
                                          circle.ConcatenationOp, circle.ReshapeOp))
def index(op: Operation, em: Emitter):
    """x[..., idx, ...] with integer index tensors.

    One index tensor (at any dimension d): GATHER along d (the result has idx's shape in
    place of d, as in torch). Several: they must index the leading dimensions (x[i, j],
    x[i, j, :]) and broadcast together; constant ones become a GATHER at flat positions,
    run-time ones GATHER_ND coordinates (same shapes required). Boolean masks have a
    data-dependent shape and are refused.
    """
    x, *indices = op.operands
    dims = list(shape(x))
    used = [d for d, v in enumerate(indices) if not is_none(v)]
    for d in used:
        et = element_type(indices[d])
        if not isinstance(et, IntegerType) or et.width.data == 1:
            raise em.error("boolean-mask indexing has a data-dependent shape: no Circle "
                           "lowering (index with integer tensors)")
    out = result_type(op)
    if len(used) == 1:
        (d,) = used
        idx = indices[d]
        const = _constant_index(em, idx, dims[d], wrap=True)
        value = em.i32(const) if const is not None else idx
        return [em.op(circle.GatherOp, [x, value], out, axis=d)]
    k = len(used)
    if used != list(range(k)):
        raise em.error("indexing with several tensors is lowered only when they index the "
                       f"leading dimensions (x[i, j, ...]); got dimensions {used}")
    consts = [_constant_index(em, indices[d], dims[d], wrap=True) for d in used]
    if all(c is not None for c in consts):
        return [_flat_gather(em, x, k, list(np.broadcast_arrays(*consts)), out)]
    shapes = {tuple(shape(indices[d])) for d in used}
    if len(shapes) != 1:
        raise em.error("run-time index tensors of different shapes (broadcast) have no "
                       "Circle lowering yet")
    (bshape,) = shapes
    like = next(indices[d].type for d, c in zip(used, consts) if c is None)
    parts = [
        em.reshape(indices[d], [*bshape, 1]) if c is None
        else _int_const(em, c.reshape(*bshape, 1), like)
        for d, c in zip(used, consts)
    ]
    coords = em.op(circle.ConcatenationOp, [parts],
                   TensorType(like.element_type, [*bshape, k]), axis=len(bshape))
    for d, c in zip(used, consts):
        if c is None and element_type(indices[d]) != like.element_type:
            raise em.error("run-time index tensors of different integer types")
    return [em.op(circle.GatherNdOp, [x, coords], out)]


@legalizes("aten.slice_scatter", produces=QUANTIZER_TABLES)
def slice_scatter(op: Operation, em: Emitter):
    """self with src written into self[start:end] along dim: the slices of self before
    and after, and src, concatenated along dim. CONCATENATION copies integers, so self,
    src and the result share one quantization (the quantizer annotates them like cat).
    A step other than 1 (interleaving) is refused."""
    x, src = op.operands
    rank = len(shape(x))
    dim = normalize_dim(op.arg("dim"), rank)
    if op.arg("step") != 1:
        raise em.error(f"slice_scatter with step {op.arg('step')} has no Circle lowering "
                       "(only step 1)")
    size = shape(x)[dim]

    def clamp(v, default):
        v = default if v is None else v
        v = v + size if v < 0 else v
        return max(0, min(size, v))

    start, end = clamp(op.arg("start"), 0), clamp(op.arg("end"), size)
    end = max(start, end)
    pieces = []
    for lo, hi in ((0, start), (end, size)):
        if hi <= lo:
            pieces.append(None)
            continue
        begin, sizes = [0] * rank, list(shape(x))
        begin[dim], sizes[dim] = lo, hi - lo
        pieces.append(em.op(circle.SliceOp, [x, em.i32(begin), em.i32(sizes)],
                            with_shape(x.type, sizes)))
    values = [v for v in (pieces[0], src, pieces[1]) if v is not None and shape(v)[dim] > 0]
    if len(values) == 1:
        return [values[0]]
    return [em.op(circle.ConcatenationOp, [values], result_type(op), axis=dim)]
