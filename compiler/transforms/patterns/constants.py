"""Compile-time relayout of constants: a transposed or reshaped copy of a constant
instead of a TRANSPOSE/RESHAPE op. Works on `circle.const` (float, integer or
quantized) and on `quant.dcast(quant.constant)`, whose per-axis quantized dimension
follows the relayout. Shared by the legalizer and the layout patterns."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import InsertPoint

from compiler.dialects import circle, quant
from compiler.dialects.quant import dense_from_numpy
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
        d = quant.DequantizeCastOp(c.results[0], TensorType(element_type(v), new_shape))
        d.location = owner.location
        rewriter.insert([c, d], InsertPoint.before(anchor))
        return d.results[0]
    if isinstance(owner, circle.ConstOp):
        et = element(element_type(v))
        if et is None:
            return None
        payload = owner.value.type.element_type
        new = circle.ConstOp(dense_from_numpy(move(constant_of(v)), payload),
                             TensorType(et, new_shape))
        new.location = owner.location
        rewriter.insert(new, InsertPoint.before(anchor))
        return new.results[0]
    return None


def transposed_constant(rewriter: PatternRewriter, v: SSAValue, perm: Sequence[int],
                        anchor: Operation) -> SSAValue | None:
    """`v` transposed by `perm` at compile time, or None if `v` is not a constant."""
    if not isinstance(v.owner, quant.DequantizeCastOp | circle.ConstOp):
        return None  # (what _relaid_out answers, without computing the shape)
    s = shape(v)
    new_shape = [s[p] for p in perm]
    return _relaid_out(rewriter, v, anchor, new_shape,
                       lambda a: np.transpose(a, perm),
                       lambda et: permute_element_type(et, perm))


def reshaped_constant(rewriter: PatternRewriter, v: SSAValue, new_shape: Sequence[int],
                      anchor: Operation) -> SSAValue | None:
    """`v` reshaped at compile time, or None if `v` is not a constant (or a per-axis
    dimension would not survive the reshape)."""
    old = shape(v)
    return _relaid_out(rewriter, v, anchor, list(new_shape),
                       lambda a: a.reshape(new_shape),
                       lambda et: reshape_element_type(et, old, new_shape))
