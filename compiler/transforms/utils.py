"""Helpers shared by the passes: constants, types, locations, pattern driving."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import (
    IntegerType,
    ModuleOp,
    NameLoc,
    StringAttr,
    TensorType,
    i32,
)
from xdsl.ir import Attribute, SSAValue
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriteWalker,
    RewritePattern,
)

from compiler.dialects import quant
from compiler.dialects.circle_base import ConstOp
from compiler.ir.interned import tensor_type_of
from compiler.ir.quant_types import (
    UniformQuantizedPerAxisType,
    is_quantized,
)
from compiler.ir.verify_tensors import dense_as_numpy


def apply_patterns(module: ModuleOp, patterns: Sequence[RewritePattern], **walker) -> bool:
    """Run patterns to a fixpoint without the applier's implicit dead-code elimination
    (an unused op is only erased when a pattern says so)."""
    return PatternRewriteWalker(
        GreedyRewritePatternApplier(list(patterns), dce_enabled=False),
        apply_recursively=True,
        **walker,
    ).rewrite_module(module)


def shape(v: SSAValue) -> tuple[int, ...]:
    t = v.type
    assert isinstance(t, TensorType), f"expected a tensor, got {t}"
    return t.get_shape()


def element_type(v: SSAValue | Attribute) -> Attribute:
    t = v.type if isinstance(v, SSAValue) else v
    assert isinstance(t, TensorType)
    return t.element_type


def with_shape(t: Attribute, new_shape: Sequence[int]) -> TensorType:
    assert isinstance(t, TensorType)
    return tensor_type_of(t.element_type, tuple(new_shape))


# (shared: see compiler.ir.interned)
@functools.lru_cache(maxsize=1024)
def _i32_payload(shape: tuple[int, ...], data: bytes):
    return quant.dense_from_numpy(np.frombuffer(data, dtype=np.int32).reshape(shape), i32)


def is_float_tensor(v: SSAValue) -> bool:
    t = v.type
    return isinstance(t, TensorType) and not is_quantized(t) and not isinstance(
        t.element_type, IntegerType
    )


# ---- constants ---------------------------------------------------------------------------


def constant_of(v: SSAValue) -> np.ndarray | None:
    """The payload of `circle.const` / `quant.constant` (storage integers when quantized)."""
    owner = v.owner
    if isinstance(owner, ConstOp | quant.ConstantOp):
        return dense_as_numpy(owner.value)
    return None


def dequantized_constant_of(v: SSAValue) -> np.ndarray | None:
    """The real values of a constant, looking through `quant.dcast(quant.constant)`."""
    owner = v.owner
    if isinstance(owner, quant.DequantizeCastOp):
        stored = constant_of(owner.input)
        if stored is None:
            return None
        qt = element_type(owner.input)
        return qt.dequantize(stored)
    arr = constant_of(v)
    if arr is not None and is_quantized(v.type):
        return element_type(v).dequantize(arr)
    return arr


def float_const(arr: np.ndarray, loc: Attribute | None = None) -> ConstOp:
    arr = np.asarray(arr, dtype=np.float32)
    from xdsl.dialects.builtin import f32

    op = ConstOp(quant.dense_from_numpy(arr, f32))
    if loc is not None:
        op.location = loc
    return op


def i32_const(values: Sequence[int] | np.ndarray, loc: Attribute | None = None) -> ConstOp:
    arr = np.asarray(values, dtype=np.int32)
    op = ConstOp(_i32_payload(arr.shape, arr.tobytes()) if arr.size <= 64
                 else quant.dense_from_numpy(arr, i32))
    if loc is not None:
        op.location = loc
    return op


def quantized_const(
    stored: np.ndarray, qtype: Attribute, loc: Attribute | None = None
) -> quant.ConstantOp:
    op = quant.ConstantOp.from_numpy(stored, qtype)
    if loc is not None:
        op.location = loc
    return op


# ---- quantized types through relayouts ---------------------------------------------------


def permute_element_type(et: Attribute, perm: Sequence[int]) -> Attribute:
    """The element type after a transpose with `perm`: a per-axis axis follows its dim."""
    if isinstance(et, UniformQuantizedPerAxisType):
        return et.with_axis(list(perm).index(et.axis.data))
    return et


def permute_type(t: Attribute, perm: Sequence[int]) -> TensorType:
    assert isinstance(t, TensorType)
    s = t.get_shape()
    return tensor_type_of(permute_element_type(t.element_type, perm), tuple([s[p] for p in perm]))


def reshape_element_type(et: Attribute, old: Sequence[int], new: Sequence[int]) -> Attribute | None:
    """The element type after a reshape; None when a per-axis dim does not survive."""
    if not isinstance(et, UniformQuantizedPerAxisType):
        return et
    axis = et.axis.data
    size = old[axis]
    before = int(np.prod(old[:axis]))
    acc = 1
    for i, d in enumerate(new):
        if acc == before and d == size:
            return et.with_axis(i)
        acc *= d
    return None


def helper_location(location: Attribute, kind: str) -> Attribute:
    """`loc("conv2d"(...))` -> `loc("conv2d/transpose"(...))` for the ops a legalization
    adds around the one that computes the ATen op's value, so tensor names stay unique
    and say where they come from."""
    if isinstance(location, NameLoc):
        return NameLoc(StringAttr(f"{location.desc.data}/{kind}"), location.location)
    return location
