"""Compile-time relayout of constants: a transposed or reshaped copy of a constant
instead of a TRANSPOSE/RESHAPE op. Works on `circle.const` (float, integer or
quantized) and on `quant.dcast(quant.constant)`, whose per-axis quantized dimension
follows the relayout. Shared by the legalizer and the layout patterns."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import InsertPoint

from compiler.dialects import circle, quant
from compiler.dialects.quant import dense_from_numpy
from compiler.ir.interned import tensor_type_of
from compiler.ir.quant_types import UniformQuantizedPerAxisType
from compiler.transforms.utils import (
    constant_of,
    element_type,
    permute_element_type,
    quantized_const,
    reshape_element_type,
    shape,
)


def _relaid_out(rewriter: PatternRewriter, v: SSAValue, anchor: Operation, new_shape,
                move, element) -> SSAValue | None:
    """`move(payload)` as a new constant before `anchor`, of element type
    `element(old element type)` (None when it cannot follow)."""
    owner = v.owner
    if isinstance(owner, quant.DequantizeCastOp) and isinstance(owner.input.owner, quant.ConstantOp):
        et = element(element_type(owner.input))
        if et is None:
            return None
        c = quantized_const(move(constant_of(owner.input)), et, owner.input.owner.location)
        d = quant.DequantizeCastOp(c.results[0], _tensor_type(element_type(v), new_shape))
        d.location = owner.location
        rewriter.insert([c, d], InsertPoint.before(anchor))
        return d.results[0]
    if isinstance(owner, circle.ConstOp):
        et = element(element_type(v))
        if et is None:
            return None
        payload = owner.value.type.element_type
        new = circle.ConstOp(dense_from_numpy(move(constant_of(v)), payload),
                             _tensor_type(et, new_shape))
        new.location = owner.location
        rewriter.insert(new, InsertPoint.before(anchor))
        return new.results[0]
    return None


def _tensor_type(element: Attribute, new_shape: Sequence[int]) -> TensorType:
    """`TensorType(element, new_shape)`: the interned one (an equal attribute, built once;
    see compiler.ir.interned) unless per-axis quantized, whose per-slice parameters would
    make the cache key cost about as much as building the type (and rarely repeat)."""
    if isinstance(element, UniformQuantizedPerAxisType):
        return TensorType(element, list(new_shape))
    return tensor_type_of(element, tuple(new_shape))


def _permuted_element_type(et: Attribute, perm: Sequence[int]) -> Attribute:
    """`permute_element_type(et, perm)`; a per-axis type whose dimension stays in place
    (conv weights OIHW -> OHWI keep axis 0) is returned as is, the attribute the
    rebuild would make an equal copy of."""
    if isinstance(et, UniformQuantizedPerAxisType) and perm[et.axis.data] == et.axis.data:
        return et
    return permute_element_type(et, perm)


def transposed_constant(rewriter: PatternRewriter, v: SSAValue, perm: Sequence[int],
                        anchor: Operation) -> SSAValue | None:
    """`v` transposed by `perm` at compile time, or None if `v` is not a constant."""
    if not isinstance(v.owner, quant.DequantizeCastOp | circle.ConstOp):
        return None  # (what _relaid_out answers, without computing the shape)
    s = shape(v)
    perm = tuple(perm)
    new_shape = [s[p] for p in perm]
    return _relaid_out(rewriter, v, anchor, new_shape,
                       lambda a: np.transpose(a, perm),
                       lambda et: _permuted_element_type(et, perm))


def reshaped_constant(rewriter: PatternRewriter, v: SSAValue, new_shape: Sequence[int],
                      anchor: Operation) -> SSAValue | None:
    """`v` reshaped at compile time, or None if `v` is not a constant (or a per-axis
    dimension would not survive the reshape)."""
    old = shape(v)
    return _relaid_out(rewriter, v, anchor, list(new_shape),
                       lambda a: a.reshape(new_shape),
                       lambda et: reshape_element_type(et, old, new_shape))
