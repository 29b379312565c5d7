"""Comparisons, logic, select and any: ATen -> EQUAL ... LESS_EQUAL, LOGICAL_AND/OR/NOT,
SELECT_V2, REDUCE_ANY (layout-agnostic: no transposes).

Quantization (see `CircleQuantizer._annotate_comparison` / `_annotate_select`):

- a comparison's float operands share one (scale, zero point), so the integer comparison
  is the real one. A scalar operand (`x > 0.5`) becomes a constant of the other
  operand's quantized type whose integer is chosen, with the comparison, so that the
  result is exactly torch's `dequantize(q) > float32(0.5)` for every integer `q` of the
  type (rounding the scalar to the nearest step would flip the elements between the
  scalar and that step);
- int16: LiteRT compares the raw integers (all six comparisons, LiteRT 2.3), which the
  shared parameters make exact;
- where/masked_fill: SELECT_V2, its scalar operands float constants that
  `quant-propagate` quantizes with the result's parameters (saturating: -inf becomes the
  lowest integer, as `quantize_per_tensor` makes it in torch).
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import IntegerType, TensorType
from xdsl.ir import Attribute, Operation, SSAValue

from compiler.dialects import circle, quant
from compiler.dialects.quant import dense_from_numpy
from compiler.ir.quant_types import UniformQuantizedType
from compiler.ir.verify_tensors import numpy_dtype
from compiler.transforms.legalize import QUANTIZER_TABLES, Emitter, legalizes, normalize_dim, result_type
from compiler.transforms.utils import constant_of, element_type, quantized_const, shape

_COMPARE: dict[str, type[circle.CircleOp]] = {
    "eq": circle.EqualOp,
    "ne": circle.NotEqualOp,
    "gt": circle.GreaterOp,
    "ge": circle.GreaterEqualOp,
    "lt": circle.LessOp,
    "le": circle.LessEqualOp,
}

_NUMPY_COMPARE = {
    "eq": np.equal, "ne": np.not_equal, "gt": np.greater, "ge": np.greater_equal,
    "lt": np.less, "le": np.less_equal,
}


def _qtype(v: SSAValue) -> Attribute | None:
    """The quantized type of a float operand that is a `quant.dcast`, else None."""
    owner = v.owner
    if isinstance(owner, quant.DequantizeCastOp):
        return element_type(owner.input)
    return None


def _is_bool(v: SSAValue) -> bool:
    et = element_type(v)
    return isinstance(et, IntegerType) and et.width.data == 1


def _constant(em: Emitter, value, et: Attribute) -> SSAValue:
    """A rank-0 constant of element type `et` (float or integer)."""
    arr = np.asarray(value).astype(numpy_dtype(et))
    return em.emit(circle.ConstOp(dense_from_numpy(arr, et))).results[0]


def integer_threshold(kind: str, value: float, et: UniformQuantizedType) -> tuple[type, int]:
    """(comparison, stored integer t) such that `cmp(q, t)` equals torch's
    `kind(dequantize(q), float32(value))` for every integer q of `et`.

    The dequantized grid is increasing in q, so the set where the float comparison holds
    is empty, everything, a suffix, a prefix, one integer (==) or all but one (!=).
    """
    lo, hi = et.qmin, et.qmax
    grid = et.dequantize(np.arange(lo, hi + 1))
    truth = _NUMPY_COMPARE[kind](grid, np.float32(value))
    idx = np.flatnonzero(truth)
    n = truth.size
    if idx.size == n:
        return circle.GreaterEqualOp, lo  # always true
    if idx.size == 0:
        return circle.LessOp, lo  # always false
    first, last = int(idx[0]), int(idx[-1])
    contiguous = last - first + 1 == idx.size
    if idx.size == 1 and kind == "eq":
        return circle.EqualOp, lo + first
    if idx.size == n - 1 and kind == "ne":
        return circle.NotEqualOp, lo + int(np.flatnonzero(~truth)[0])
    if contiguous and last == n - 1:  # a suffix: q > t or q >= t
        if kind == "ge":
            return circle.GreaterEqualOp, lo + first
        return circle.GreaterOp, lo + first - 1
    if contiguous and first == 0:  # a prefix: q < t or q <= t
        if kind == "le":
            return circle.LessEqualOp, lo + last
        return circle.LessOp, lo + last + 1
    if idx.size == 1:
        return circle.EqualOp, lo + first
    if idx.size == n - 1:
        return circle.NotEqualOp, lo + int(np.flatnonzero(~truth)[0])
    raise AssertionError(f"{kind} {value} on {et}: not a threshold set")  # grid not monotone


#: the comparison with its operands swapped
_SWAPPED = {"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}


def _single_value(v: SSAValue):
    """The value of a constant integer operand with one distinct element (a 0-d int64
    tensor, `torch.tensor(2)`), else None."""
    values = constant_of(v)
    if values is None or not isinstance(element_type(v), IntegerType) or values.size == 0:
        return None
    flat = np.unique(values)
    return int(flat[0]) if flat.size == 1 else None


@legalizes(*(f"aten.{k}.Tensor" for k in _COMPARE), produces=QUANTIZER_TABLES)
def compare_tensor(op: Operation, em: Emitter):
    """Operands of one element type: the comparison. Of two types (torch promotes): an
    integer constant with one value against the other operand is the scalar comparison
    (`x > torch.tensor(1)`: exact on a quantized grid); integers of two widths are
    compared in the wider (a CAST of the narrower: exact); an integer tensor against a
    float one is CAST to float first (a float island in a quantized model)."""
    a, b = op.operands
    kind = op.name.split(".")[1]
    out = result_type(op)
    ta, tb = element_type(a), element_type(b)
    if ta == tb:
        return [em.op(_COMPARE[kind], [a, b], out)]
    # a one-valued constant that broadcasting adds no dimension to: a scalar
    vb, va = _single_value(b), _single_value(a)
    if vb is not None and list(out.get_shape()) == list(shape(a)):
        return [_compare_with_scalar(em, kind, a, vb, out)]
    if va is not None and list(out.get_shape()) == list(shape(b)):
        return [_compare_with_scalar(em, _SWAPPED[kind], b, va, out)]
    if isinstance(ta, IntegerType) and isinstance(tb, IntegerType):
        wide = ta if ta.width.data >= tb.width.data else tb
        a, b = (v if element_type(v) == wide else
                em.op(circle.CastOp, [v], TensorType(wide, shape(v))) for v in (a, b))
        return [em.op(_COMPARE[kind], [a, b], out)]
    floating = ta if not isinstance(ta, IntegerType) else tb
    a, b = (v if element_type(v) == floating else
            em.op(circle.CastOp, [v], TensorType(floating, shape(v))) for v in (a, b))
    return [em.op(_COMPARE[kind], [a, b], out)]


@legalizes(*(f"aten.{k}.Scalar" for k in _COMPARE), produces=QUANTIZER_TABLES)
def compare_scalar(op: Operation, em: Emitter):
    (a,) = op.operands
    kind = op.name.split(".")[1]
    return [_compare_with_scalar(em, kind, a, op.arg("other"), result_type(op))]


def _compare_with_scalar(em: Emitter, kind: str, a: SSAValue, value, out) -> SSAValue:
    et = _qtype(a)
    if et is None:  # a float or integer program: the scalar in the operand's type
        c = _constant(em, value, element_type(a))
        return em.op(_COMPARE[kind], [a, c], out)
    if not isinstance(et, UniformQuantizedType):
        raise em.error("a per-axis quantized operand cannot be compared")
    cls, stored = integer_threshold(kind, float(value), et)
    c = em.emit(quantized_const(np.asarray(stored, dtype=et.numpy_storage_dtype), et))
    d = em.emit(quant.DequantizeCastOp(c.results[0], TensorType(element_type(a), [])))
    return em.op(cls, [a, d.results[0]], out)


# ---- logic --------------------------------------------------------------------------------


def _bools(op: Operation, em: Emitter) -> list[SSAValue]:
    """The operands as booleans: a float or integer operand becomes `x != 0` (torch's
    truth value; a quantized one compares its stored integers with the zero's, exactly:
    `integer_threshold`)."""
    bools = []
    for v in op.operands:
        if not _is_bool(v):
            if not isinstance(v.type, TensorType):
                raise em.error(f"a {v.type} operand has no Circle lowering")
            out = TensorType(IntegerType(1), v.type.get_shape())
            v = _compare_with_scalar(em, "ne", v, 0, out)
        bools.append(v)
    return bools


@legalizes("aten.logical_and", "aten.bitwise_and.Tensor", "aten.__and__.Tensor", produces=QUANTIZER_TABLES)
def logical_and(op: Operation, em: Emitter):
    return [em.op(circle.LogicalAndOp, _bools(op, em), result_type(op))]


@legalizes("aten.logical_or", "aten.bitwise_or.Tensor", "aten.__or__.Tensor", produces=QUANTIZER_TABLES)
def logical_or(op: Operation, em: Emitter):
    return [em.op(circle.LogicalOrOp, _bools(op, em), result_type(op))]


@legalizes("aten.logical_not", "aten.bitwise_not", produces=QUANTIZER_TABLES)
def logical_not(op: Operation, em: Emitter):
    return [em.op(circle.LogicalNotOp, _bools(op, em), result_type(op))]


@legalizes("aten.any", "aten.any.dim", "aten.any.dims", produces=QUANTIZER_TABLES)
def any_(op: Operation, em: Emitter):
    (x,) = _bools(op, em)
    rank = len(shape(x))
    dim = op.arg("dim")
    if dim is None or dim == []:
        axes = list(range(rank))  # any.default; any.dims with dim=None or []
    else:
        dims = dim if isinstance(dim, list) else [dim]
        axes = sorted({normalize_dim(int(d), rank) for d in dims})
    keep = bool(op.arg("keepdim")) if op.arg("keepdim") is not None else False
    return [em.op(circle.ReduceAnyOp, [x, em.i32(axes)], result_type(op), keep_dims=keep)]


# ---- select -------------------------------------------------------------------------------


def _select(op: Operation, em: Emitter, cond: SSAValue, x, y):
    """SELECT_V2(cond, x, y); a Python scalar among x, y becomes a rank-0 constant of
    the result's element type."""
    out = result_type(op)
    et = out.element_type
    x = x if isinstance(x, SSAValue) else _constant(em, x, et)
    y = y if isinstance(y, SSAValue) else _constant(em, y, et)
    if not _is_bool(cond):
        raise em.error(f"the condition must be boolean, got {cond.type}")
    return [em.op(circle.SelectV2Op, [cond, x, y], out)]


@legalizes("aten.where.self", produces=QUANTIZER_TABLES)
def where(op: Operation, em: Emitter):
    cond, x, y = op.operands
    return _select(op, em, cond, x, y)


@legalizes("aten.where.ScalarOther", produces=QUANTIZER_TABLES)
def where_scalar_other(op: Operation, em: Emitter):
    cond, x = op.operands
    return _select(op, em, cond, x, op.arg("other"))


@legalizes("aten.where.ScalarSelf", produces=QUANTIZER_TABLES)
def where_scalar_self(op: Operation, em: Emitter):
    cond, y = op.operands
    return _select(op, em, cond, op.arg("self"), y)


@legalizes("aten.where.Scalar", produces=QUANTIZER_TABLES)
def where_scalar(op: Operation, em: Emitter):
    (cond,) = op.operands
    return _select(op, em, cond, op.arg("self"), op.arg("other"))


@legalizes("aten.masked_fill.Scalar", produces=QUANTIZER_TABLES)
def masked_fill(op: Operation, em: Emitter):
    x, mask = op.operands
    return _select(op, em, mask, op.arg("value"), x)
