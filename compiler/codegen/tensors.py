"""IR tensor types <-> Circle tensor types and quantization parameters.

The Circle tensor type of a quantized value is its storage type (u8 -> UINT8, i8 -> INT8,
i16 -> INT16, i32 -> INT32, i64 -> INT64); the quantization parameters hold the scales,
zero points and, per axis, the quantized dimension. `min`/`max` are left empty.

What the file cannot hold, and how it comes back:
- Scales are float32 in the schema. The IR's arithmetic already uses `float32(scale)`
  (see `compiler.dialects.quant`), so writing `float32(scale)` keeps the semantics; a scale
  that is not a float32 value (`0.02`) reads back as the float32 it denotes
  (`0.019999999552965164`). PT2E scales are float32, so they round-trip exactly.
- Storage bounds are not in the schema. Read back, a signed 8-bit *constant* whose zero
  points are all 0 and that holds no -128 is narrow-range `i8<-127:127>` (TFLite's int8
  weight spec; the MLIR TFLite importer makes the same assumption); everything else gets
  the full storage range.
- A per-axis type with a single scale is written with one scale and reads back as a
  per-tensor type (the file does not distinguish them).
- The expressed type is always f32 in a Circle file; the writer refuses others.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import (
    Float16Type,
    Float32Type,
    Float64Type,
    IntegerType,
    Signedness,
    f32,
)
from xdsl.ir import Attribute

from compiler.codegen.schema import TENSOR_TYPES, schema_class
from compiler.ir.quant_types import (
    UniformQuantizedPerAxisType,
    UniformQuantizedType,
    storage_range,
)

_INT_NAMES = {
    (8, True): "INT8", (8, False): "UINT8",
    (16, True): "INT16", (16, False): "UINT16",
    (32, True): "INT32", (32, False): "UINT32",
    (64, True): "INT64", (64, False): "UINT64",
}
_INT_OF_NAME = {v: k for k, v in _INT_NAMES.items()}


def circle_type_name(element: Attribute) -> str | None:
    """The Circle `TensorType` name of an IR element type, or None if Circle has none."""
    if isinstance(element, (UniformQuantizedType, UniformQuantizedPerAxisType)):
        return _INT_NAMES.get((element.width, element.is_signed))
    if isinstance(element, IntegerType):
        width = element.width.data
        if width == 1:
            return "BOOL"
        return _INT_NAMES.get((width, element.signedness.data != Signedness.UNSIGNED))
    if isinstance(element, Float32Type):
        return "FLOAT32"
    if isinstance(element, Float16Type):
        return "FLOAT16"
    if isinstance(element, Float64Type):
        return "FLOAT64"
    return None


def element_of_circle_type(name: str) -> Attribute | None:
    """The IR element type of a non-quantized Circle tensor type (None if unsupported)."""
    if name == "BOOL":
        return IntegerType(1)
    if name in _INT_OF_NAME:
        width, signed = _INT_OF_NAME[name]
        return IntegerType(width, Signedness.SIGNLESS if signed else Signedness.UNSIGNED)
    return {"FLOAT32": f32, "FLOAT16": Float16Type(), "FLOAT64": Float64Type()}.get(name)


def storage_integer_of(name: str) -> IntegerType | None:
    """The storage integer type of a quantized Circle tensor type (INT8 -> i8, UINT8 -> ui8)."""
    if name not in _INT_OF_NAME:
        return None
    width, signed = _INT_OF_NAME[name]
    return IntegerType(width, Signedness.SIGNLESS if signed else Signedness.UNSIGNED)


def quantization_of(element: Attribute):
    """`QuantizationParametersT` of a quantized element type (None when not quantized)."""
    # numpy vectors: packed as one byte copy each instead of a prepend per element
    # (same bytes: float32 and int64 little-endian, the schema's element types). Each
    # call makes new arrays: the model's objects are the caller's to change.
    # `np.array(floats, dtype=np.float32)` and `astype` round each double to float32 as
    # `np.float32(x)` does.
    if isinstance(element, UniformQuantizedType):
        scale = np.array([element.scale.data], dtype=np.float32)
        zero_point = np.array([element.zero_point.data], dtype=np.int64)
        dim = 0
    elif isinstance(element, UniformQuantizedPerAxisType):
        scale = element.scales.astype(np.float32)  # (a new float64 array, cast)
        zero_point = element.zero_points  # a new int64 array
        dim = element.axis.data
    else:
        return None
    q = schema_class("QuantizationParameters")()
    q.scale = scale
    q.zeroPoint = zero_point
    q.quantizedDimension = dim
    return q


def quantized_element(
    storage: IntegerType,
    scales: list[float],
    zero_points: list[int],
    dimension: int,
    narrow: bool,
) -> UniformQuantizedType | UniformQuantizedPerAxisType:
    """The `!quant.uniform` element type of a file's quantization parameters."""
    signed = storage.signedness.data != Signedness.UNSIGNED
    lo, hi = storage_range(storage.width.data, signed)
    if narrow:
        lo += 1
    if len(scales) == 1:
        return UniformQuantizedType(storage, f32, scales[0], zero_points[0], lo, hi)
    return UniformQuantizedPerAxisType(storage, f32, dimension, scales, zero_points, lo, hi)


def is_narrow_weight(storage: IntegerType, zero_points: list[int], payload: np.ndarray) -> bool:
    """The read-back rule for storage bounds (see the module docstring)."""
    return (
        storage.width.data == 8
        and storage.signedness.data != Signedness.UNSIGNED
        and all(z == 0 for z in zero_points)
        and not bool((payload == -128).any())
    )


def tensor_type_code(name: str) -> int:
    return TENSOR_TYPES[name]

