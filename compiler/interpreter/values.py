"""How IR values are represented at run time, and the accessors kernels share.

Runtime values are numpy arrays:

- a float tensor is a float32 array (other float element types use their dtype);
- a quantized tensor (`tensor<...x!quant.uniform<...>>`) is the array of its
  STORAGE integers, dtype `numpy_storage_dtype` of the element type; its scale and
  zero point are read from the SSA value's type, never carried with the array;
- an integer tensor is an array of the integer's dtype;
- a `none` value is `None`.

Circle kernels read scales through `f32_scales`: the flatbuffer stores scales as
float32, and TFLite derives every multiplier from those float32 values, so the
interpreter must too to stay bit-exact.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import NoneType, TensorType
from xdsl.ir import Attribute, Operation, SSAValue

from compiler.ir.diagnostics import error_at
from compiler.ir.quant_types import (
    UniformQuantizedPerAxisType,
    UniformQuantizedType,
    QuantizedType,
)
from compiler.ir.verify_tensors import numpy_dtype


def element_type(value: SSAValue | Attribute) -> Attribute:
    t = value.type if isinstance(value, SSAValue) else value
    return t.element_type if isinstance(t, TensorType) else t


def quantized(value: SSAValue) -> QuantizedType | None:
    """The quantized element type of a value, or None."""
    et = element_type(value)
    if isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType):
        return et
    return None


def per_tensor(op: Operation, value: SSAValue, what: str) -> UniformQuantizedType:
    """The per-tensor quantized type of `value`; a located error otherwise."""
    q = quantized(value)
    if not isinstance(q, UniformQuantizedType):
        raise error_at(op, f"{what} must be quantized per tensor, got {value.type}")
    return q


def eight_bit_io(op: Operation) -> tuple[UniformQuantizedType, UniformQuantizedType]:
    """The per-tensor (input, output) types of an op whose integer kernel exists for 8-bit
    storage only; a `NotImplementedError` naming the storage type otherwise."""
    qi = per_tensor(op, op.operands[0], "the input")
    qo = per_tensor(op, op.results[0], "the output")
    if qi.width != 8 or qo.width != 8:
        raise NotImplementedError(
            f"{op.name}: the {qi.storage_spelling} kernel is not bit-exact yet "
            "(only int8/uint8 are implemented)"
        )
    return qi, qo


def runtime_dtype(value: SSAValue | Attribute) -> np.dtype | None:
    """The numpy dtype an array of this value has at run time (None for `none`)."""
    t = value.type if isinstance(value, SSAValue) else value
    if isinstance(t, NoneType):
        return None
    et = element_type(t)
    if isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType):
        return np.dtype(et.numpy_storage_dtype)
    return numpy_dtype(et)


def shape_of(value: SSAValue) -> tuple[int, ...]:
    t = value.type
    assert isinstance(t, TensorType)
    return tuple(t.get_shape())


def f32_scales(q: QuantizedType) -> np.ndarray:
    """Scales rounded to float32 (as stored in the flatbuffer), as float64 values."""
    return q.scales.astype(np.float32).astype(np.float64)


def f32_scale(q: UniformQuantizedType) -> float:
    return float(np.float32(q.scale.data))


def zero_point(q: UniformQuantizedType) -> int:
    return q.zero_point.data


def check_input(value: SSAValue, array: object, what: str) -> np.ndarray:
    """Convert a caller-provided array to the value's runtime dtype and check its shape.

    Integer data for a quantized or integer value must already be in range: values
    are never wrapped silently.
    """
    dtype = runtime_dtype(value)
    arr = np.asarray(array)
    shape = shape_of(value)
    if tuple(arr.shape) != shape:
        raise ValueError(f"{what}: expected shape {list(shape)}, got {list(arr.shape)}")
    assert dtype is not None
    if np.issubdtype(dtype, np.integer):
        if not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(
                f"{what}: expected integers ({dtype}) for {value.type}, got {arr.dtype}; "
                "quantize float data first"
            )
        info = np.iinfo(dtype)
        if arr.size and (arr.min() < info.min or arr.max() > info.max):
            raise ValueError(f"{what}: values [{arr.min()}, {arr.max()}] do not fit {dtype}")
    return arr.astype(dtype)
