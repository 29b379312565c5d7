"""IR infrastructure shared by the dialects: quantized types, quantization traits, context."""

from compiler.ir.context import DIALECTS, make_context
from compiler.ir.quant_types import (
    QuantizedType,
    UniformQuantizedPerAxisType,
    UniformQuantizedType,
    format_float,
    is_quantized,
    make_quantized_type,
    storage_range,
    verify_quantized_tensor,
)

__all__ = [
    "DIALECTS",
    "QuantizedType",
    "UniformQuantizedPerAxisType",
    "UniformQuantizedType",
    "format_float",
    "is_quantized",
    "make_context",
    "make_quantized_type",
    "storage_range",
    "verify_quantized_tensor",
]
