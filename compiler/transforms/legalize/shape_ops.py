"""Identities, reshapes, transposes, concatenation, slicing, splitting, padding, gathers."""

from __future__ import annotations

from xdsl.dialects.builtin import Float32Type, IntegerType, TensorType
from xdsl.ir import Operation

from compiler.dialects import circle
from compiler.transforms.legalize import QUANTIZER_TABLES, Emitter, legalizes, normalize_dim, result_type
from compiler.transforms.legalize.elementwise import scalar
from compiler.transforms.utils import element_type, shape, with_shape


@legalizes("aten.alias", "aten.clone", "aten.detach", "aten.contiguous", "aten.dropout",
           produces=())  # no op: the result is the operand
def identity(op: Operation, em: Emitter):
    if op.name == "aten.dropout" and op.arg("train"):
        raise em.error("dropout in training mode has no Circle lowering (export in eval mode)")
    return [op.operands[0]]


@legalizes("aten.to.dtype", "aten._to_copy", produces=QUANTIZER_TABLES)
def to_dtype(op: Operation, em: Emitter):
    """Same type: nothing. Between integer/boolean types: CAST. Boolean to float (a mask
    used in arithmetic, `mask.float()`): SELECT_V2 between the constants 1 and 0, which
    quant-propagate quantizes with the result's parameters (a CAST would copy 1 and 0
    as stored integers, ignoring scale and zero point). Float to integer or boolean: a
    CAST on the float values (truncation toward zero, as torch; non-zero -> true), a
    float island: in a quantized model its float operand is a DEQUANTIZE's result, which
    `verify-quantized` accepts only with allow-float (there is no integer kernel that
    truncates a dequantized value). Integer to float: a CAST too (a float island whose
    result a QUANTIZE takes back to the scheme)."""
    (x,) = op.operands
    src, dst = element_type(x), element_type(op.results[0])
    if src == dst:
        return [x]
    out = result_type(op)
    if isinstance(src, IntegerType) and isinstance(dst, IntegerType):
        return [em.op(circle.CastOp, [x], out)]
    if isinstance(src, IntegerType) and src.width.data == 1 and isinstance(dst, Float32Type):
        one, zero = scalar(em, 1.0, op.results[0]), scalar(em, 0.0, op.results[0])
        return [em.op(circle.SelectV2Op, [x, one, zero], out)]
    if (isinstance(src, Float32Type) and isinstance(dst, IntegerType)) or (
            isinstance(src, IntegerType) and isinstance(dst, Float32Type)):
        return [em.op(circle.CastOp, [x], out)]
    raise em.error(f"conversion from {src} to {dst} has no Circle lowering")


@legalizes(
    "aten.reshape", "aten.view", "aten._unsafe_view", "aten.flatten.using_ints",
    "aten.unflatten.int", "aten.squeeze.dim", "aten.squeeze.dims", "aten.squeeze",
    "aten.unsqueeze", produces=(circle.ReshapeOp,),
)
def reshape(op: Operation, em: Emitter):
    return [em.reshape(op.operands[0], result_type(op).get_shape())]


@legalizes("aten.expand", produces=(circle.TileOp, circle.ReshapeOp))
def expand(op: Operation, em: Emitter):
    """A broadcast: size-1 dimensions (and new leading ones) repeated with TILE, which
    copies the integers (the result shares the input's qparams, like torch's view)."""
    (x,) = op.operands
    out = result_type(op).get_shape()
    if shape(x) == out:
        return [x]
    padded = [1] * (len(out) - len(shape(x))) + list(shape(x))
    if any(d != o and d != 1 for d, o in zip(padded, out)):
        raise em.error(f"expand of shape {list(shape(x))} to {list(out)}")
    x = em.reshape(x, padded)
    return [em.op(circle.TileOp, [x, em.i32([o // d for d, o in zip(padded, out)])],
                  result_type(op))]


@legalizes("aten.permute", produces=(circle.TransposeOp,))
def permute(op: Operation, em: Emitter):
    (x,) = op.operands
    rank = len(shape(x))
    return [em.transpose(x, [normalize_dim(d, rank) for d in op.arg("dims")])]


@legalizes("aten.transpose.int", "aten.t", produces=(circle.TransposeOp,))
def transpose(op: Operation, em: Emitter):
    (x,) = op.operands
    rank = len(shape(x))
    perm = list(range(rank))
    if op.name == "aten.t":
        perm = perm[::-1]
    else:
        a, b = normalize_dim(op.arg("dim0"), rank), normalize_dim(op.arg("dim1"), rank)
        perm[a], perm[b] = perm[b], perm[a]
    return [em.transpose(x, perm)]


@legalizes("aten.cat", produces=(circle.ConcatenationOp,))
def cat(op: Operation, em: Emitter):
    out = result_type(op)
    axis = normalize_dim(op.arg("dim"), len(out.get_shape()))
    inputs = [v for v in op.operands if 0 not in shape(v)]  # torch allows empty pieces
    if len(inputs) == 1:
        # cat(empty cache, x) is x: LiteRT aborts the process on a one-input CONCATENATION
        return [inputs[0]]
    return [em.op(circle.ConcatenationOp, [inputs], out, axis=axis)]


def _slice(em: Emitter, x, dim: int, start: int, end: int, step: int, out: TensorType):
    rank = len(shape(x))
    size = shape(x)[dim]
    start = max(0, min(size, start + size if start < 0 else start))
    end = max(0, min(size, end + size if end < 0 else end))
    if step == 1:
        begin = [0] * rank
        begin[dim] = start
        sizes = list(shape(x))
        sizes[dim] = end - start
        return em.op(circle.SliceOp, [x, em.i32(begin), em.i32(sizes)], out)
    begin, ends, strides = [0] * rank, list(shape(x)), [1] * rank
    begin[dim], ends[dim], strides[dim] = start, end, step
    return em.op(circle.StridedSliceOp, [x, em.i32(begin), em.i32(ends), em.i32(strides)], out)


@legalizes("aten.slice.Tensor", produces=(circle.StridedSliceOp, circle.SliceOp))
def slice_(op: Operation, em: Emitter):
    (x,) = op.operands
    rank = len(shape(x))
    dim = normalize_dim(op.arg("dim"), rank)
    start = op.arg("start") or 0
    end = op.arg("end")
    size = shape(x)[dim]
    end = size if end is None or end > size else end
    if start == 0 and end == size and op.arg("step") == 1:
        return [x]
    return [_slice(em, x, dim, start, end, op.arg("step"), result_type(op))]


@legalizes("aten.select.int",
           produces=(circle.StridedSliceOp, circle.SliceOp, circle.ReshapeOp))
def select(op: Operation, em: Emitter):
    (x,) = op.operands
    rank = len(shape(x))
    dim = normalize_dim(op.arg("dim"), rank)
    index = op.arg("index")
    index = index + shape(x)[dim] if index < 0 else index
    kept = list(shape(x))
    kept[dim] = 1
    piece = _slice(em, x, dim, index, index + 1, 1, with_shape(x.type, kept))
    return [em.reshape(piece, result_type(op).get_shape())]


@legalizes("aten.split.Tensor", "aten.split_with_sizes", "aten.chunk", produces=(circle.SplitVOp,))
def split(op: Operation, em: Emitter):
    (x,) = op.operands
    rank = len(shape(x))
    dim = normalize_dim(op.arg("dim"), rank)
    sizes = [r.type.get_shape()[dim] for r in op.results]
    types = [r.type for r in op.results]
    new = em.emit(
        circle.SplitVOp.from_options(
            [x, em.i32(sizes), em.i32(dim)], [types], num_splits=len(sizes)
        )
    )
    return list(new.results)


@legalizes("aten.unbind.int", produces=(circle.SplitOp, circle.ReshapeOp))
def unbind(op: Operation, em: Emitter):
    """Slices of size 1 along `dim`, with `dim` removed."""
    (x,) = op.operands
    rank = len(shape(x))
    dim = normalize_dim(op.arg("dim"), rank)
    n = shape(x)[dim]
    piece = list(shape(x))
    piece[dim] = 1
    parts = em.emit(
        circle.SplitOp.from_options(
            [em.i32(dim), x], [[with_shape(x.type, piece)] * n], num_splits=n
        )
    )
    return [em.reshape(p, r.type.get_shape()) for p, r in zip(parts.results, op.results)]


@legalizes("aten.constant_pad_nd", "aten.pad", produces=(circle.PadOp, circle.PadV2Op))
def pad(op: Operation, em: Emitter):
    """PAD (zeros), or PADV2 with the value as a scalar constant that quant-propagate
    quantizes with the input's parameters (PADV2 shares them): a value outside the
    calibrated range saturates, as torch's dequantize-pad-quantize does."""
    (x,) = op.operands
    if op.name == "aten.pad" and op.arg("mode") != "constant":
        raise em.error(f"'{op.arg('mode')}' padding has no Circle lowering yet")
    value = op.arg("value") or 0
    rank = len(shape(x))
    flat = op.arg("pad")
    paddings = [[0, 0] for _ in range(rank)]
    for i in range(len(flat) // 2):  # torch lists pairs from the last dimension
        paddings[rank - 1 - i] = [flat[2 * i], flat[2 * i + 1]]
    if any(p < 0 for pair in paddings for p in pair):
        raise em.error("negative padding (cropping) has no Circle lowering yet")
    if value != 0:
        return [em.op(circle.PadV2Op, [x, em.i32(paddings), scalar(em, float(value), x)],
                      result_type(op))]
    return [em.op(circle.PadOp, [x, em.i32(paddings)], result_type(op))]


@legalizes("aten.embedding", produces=(circle.GatherOp,))
def embedding(op: Operation, em: Emitter):
    weight, indices = op.operands
    return [em.op(circle.GatherOp, [weight, indices], result_type(op), axis=0)]


@legalizes("aten.index_select", produces=(circle.GatherOp,))
def index_select(op: Operation, em: Emitter):
    x, index = op.operands
    dim = normalize_dim(op.arg("dim"), len(shape(x)))
    return [em.op(circle.GatherOp, [x, index], result_type(op), axis=dim)]
