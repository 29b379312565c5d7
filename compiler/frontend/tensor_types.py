"""torch dtypes and tensors as xDSL types and numpy arrays (static shapes only).

| torch                         | IR element type | numpy   |
| ----------------------------- | --------------- | ------- |
| float32 / float16 / float64   | f32 / f16 / f64 | same    |
| bfloat16                      | bf16            | (none: refused as a constant payload) |
| int8 / int16 / int32 / int64  | i8 / i16 / i32 / i64 (signless) | same |
| uint8 / uint16 / uint32       | ui8 / ui16 / ui32 | same  |
| bool                          | i1              | bool    |

Real quantized torch dtypes (`torch.qint8`, `torch.quint8`, `torch.qint32`...) are refused:
PT2E programs represent quantization with integer tensors and `quantized_decomposed`
q/dq ops, which this importer understands; a quantized torch tensor carries its qparams
inside the tensor object and is the old eager/FX quantization path.
"""

from __future__ import annotations

import numpy as np
import torch
from xdsl.dialects.builtin import (
    BFloat16Type,
    BytesAttr,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    IntegerType,
    Signedness,
    TensorType,
    i1,
)
from xdsl.ir import Attribute

from compiler.dialects.quant import ConstantOp
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import QuantizedType

_ELEMENT_TYPES: dict[torch.dtype, Attribute] = {
    torch.float32: Float32Type(),
    torch.float16: Float16Type(),
    torch.float64: Float64Type(),
    torch.bfloat16: BFloat16Type(),
    torch.int8: IntegerType(8),
    torch.int16: IntegerType(16),
    torch.int32: IntegerType(32),
    torch.int64: IntegerType(64),
    torch.uint8: IntegerType(8, Signedness.UNSIGNED),
    torch.uint16: IntegerType(16, Signedness.UNSIGNED),
    torch.uint32: IntegerType(32, Signedness.UNSIGNED),
    torch.bool: i1,
}

_QUANTIZED_DTYPES = {torch.qint8, torch.quint8, torch.qint32, torch.quint4x2, torch.quint2x4}


def dtype_name(dtype: torch.dtype) -> str:
    """`torch.float32` -> `"float32"` (the spelling of ScalarType properties)."""
    return str(dtype).removeprefix("torch.")


def refuse_quantized_dtype(dtype: torch.dtype, what: str) -> None:
    if dtype in _QUANTIZED_DTYPES:
        raise CompileError(
            f"{what} is a quantized torch tensor ({dtype}); this compiler imports PT2E "
            "programs, where quantization is explicit integer tensors with "
            "quantized_decomposed quantize/dequantize ops (quantize with CircleQuantizer "
            "and torchao's prepare_pt2e/convert_pt2e, or compiler.quantize)"
        )


def element_type(dtype: torch.dtype, what: str) -> Attribute:
    refuse_quantized_dtype(dtype, what)
    try:
        return _ELEMENT_TYPES[dtype]
    except KeyError:
        raise CompileError(f"{what} has dtype {dtype}, which this compiler does not support") from None


def static_shape(shape, what: str) -> list[int]:
    """The shape as ints; a symbolic (dynamic) dimension is refused, naming `what`.

    A SymInt is never converted with `int()`: that would specialize it (add a guard)
    instead of reporting it.
    """
    dims: list[int] = []
    for i, d in enumerate(shape):
        if isinstance(d, torch.SymInt):
            constant = d.node.maybe_as_int()
            if constant is None:
                # An unbacked symbol (u0, u1...) is a size torch computes from tensor
                # values; a backed one (s0...) comes from export's dynamic_shapes.
                why = ("a size that depends on tensor values (boolean-mask indexing, "
                       "nonzero, unique...): compute a fixed-size result instead, e.g. "
                       "with torch.where" if str(d.node).startswith("u") else
                       "export without dynamic_shapes (or with static sizes)")
                raise CompileError(
                    f"{what} has a dynamic dimension {i} ({d.node}); only static shapes "
                    f"are supported: {why}"
                )
            d = constant
        dims.append(int(d))
    return dims


def tensor_type(value: object, what: str) -> TensorType:
    """The tensor type of a (fake) tensor: element type and static shape."""
    if not isinstance(value, torch.Tensor):
        raise CompileError(f"{what} is not a tensor (got {type(value).__name__})")
    return TensorType(element_type(value.dtype, what), static_shape(value.shape, what))


def to_numpy(t: torch.Tensor, what: str) -> np.ndarray:
    """A constant's values as a numpy array of the same dtype (bf16 is refused)."""
    refuse_quantized_dtype(t.dtype, what)
    if t.dtype == torch.bfloat16:
        raise CompileError(f"{what}: bfloat16 constants are not supported")
    return t.detach().cpu().contiguous().numpy()


def dense(arr: np.ndarray, element: Attribute) -> DenseIntOrFPElementsAttr:
    """A bytes-backed dense payload of `arr` in its shape, rank 0 included.

    (Like `compiler.dialects.quant.dense_from_numpy`, which turns a rank-0 array into
    shape [1] because `np.ascontiguousarray` returns at least one dimension.)
    """
    return DenseIntOrFPElementsAttr(TensorType(element, list(np.shape(arr))),
                                    BytesAttr(dense_bytes(arr)))


def dense_bytes(arr: np.ndarray) -> bytes:
    """The bytes of a dense payload of `arr`: its elements in C order, little-endian."""
    data = np.ascontiguousarray(arr)
    return data.astype(data.dtype.newbyteorder("<"), copy=False).tobytes()


def quant_constant(stored: np.ndarray, qtype: QuantizedType) -> ConstantOp:
    """`quant.constant` of storage integers `stored` with element type `qtype` (any rank)."""
    stored = np.asarray(stored).astype(qtype.numpy_storage_dtype, copy=False)
    return ConstantOp(dense(stored, qtype.storage_type), TensorType(qtype, list(stored.shape)))
