"""Checks shared by every op of this project's dialects, and dense payload helpers."""

from __future__ import annotations

import math

import numpy as np
from xdsl.dialects.builtin import (
    BFloat16Type,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    IntegerType,
    Signedness,
    TensorType,
)
from xdsl.ir import Attribute, Operation
from xdsl.traits import OpTrait

from compiler.ir.quant_types import (
    UniformQuantizedPerAxisType,
    UniformQuantizedType,
    _QuantizedTypeBase,
    verify_quantized_tensor,
)


class VerifyQuantizedTensors(OpTrait):
    """Checks each operand and result where a per-axis type meets its tensor.

    A per-axis element type alone does not know the rank; this trait checks
    `axis < rank` and `len(scales) == shape[axis]` on every tensor the op touches.
    """

    def verify(self, op: Operation) -> None:
        # (only a per-axis tensor has something to check: the message is built for those)
        for i, v in enumerate(op.operands):
            if _is_per_axis_tensor(v.type):
                verify_quantized_tensor(v.type, f"operand #{i}")
        for i, v in enumerate(op.results):
            if _is_per_axis_tensor(v.type):
                verify_quantized_tensor(v.type, f"result #{i}")


def _is_per_axis_tensor(t: Attribute) -> bool:
    if not isinstance(t, TensorType):
        return False
    element = t.element_type
    # `isinstance(element, UniformQuantizedPerAxisType)` without an ABC
    # `__instancecheck__` for the common element types: every per-axis type is a
    # `_QuantizedTypeBase` (a plain class: a C-level check), and the per-tensor type
    # is not a per-axis one
    return type(element) is UniformQuantizedPerAxisType or (
        isinstance(element, _QuantizedTypeBase) and type(element) is not UniformQuantizedType
        and isinstance(element, UniformQuantizedPerAxisType))


def numpy_dtype(t: Attribute) -> np.dtype:
    """The numpy dtype of a builtin integer/float element type."""
    if isinstance(t, IntegerType):
        w = t.width.data
        if w == 1:
            return np.dtype(np.bool_)
        kind = "u" if t.signedness.data == Signedness.UNSIGNED else "i"
        return np.dtype(f"{kind}{w // 8}")
    if isinstance(t, Float32Type):
        return np.dtype(np.float32)
    if isinstance(t, Float16Type):
        return np.dtype(np.float16)
    if isinstance(t, Float64Type):
        return np.dtype(np.float64)
    if isinstance(t, BFloat16Type):
        raise TypeError("bf16 payloads are not supported")
    raise TypeError(f"no numpy dtype for {t}")


def dense_as_numpy(value: DenseIntOrFPElementsAttr) -> np.ndarray:
    """A read-only numpy view of a dense attribute's bytes, in its shape."""
    t = value.type
    assert isinstance(t, TensorType)
    dt = numpy_dtype(t.element_type).newbyteorder("<")
    shape = t.get_shape()
    arr = np.frombuffer(value.data.data, dtype=dt)
    n = math.prod(shape)  # (ints: exact; np.prod costs ~5 µs per call)
    if arr.size == 1 and n != 1:  # splat
        arr = np.broadcast_to(arr, (n,))
    return arr.reshape(shape)
