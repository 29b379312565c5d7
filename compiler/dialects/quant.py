"""The `quant` dialect: quantized types and the casts between float, quantized and storage.

Types (see `compiler.ir.quant_types` for the full grammar):

    !quant.uniform<u8:f32, 0.0257:123>                        per-tensor
    !quant.uniform<i8<-127:127>:f32:0, {0.002,0.0019}>        per-axis (dimension 0)

They are element types of builtin tensors: `tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>`.

Semantics. A stored integer `q` of a tensor of `!quant.uniform<S:E, scale:zp>` stands for
the real value

    real = (q - zp) * scale          (computed in float32, as torch and TFLite do)

and, per-axis, with the scale and zero point of the slice at the element's index along
the axis.

Rounding and saturation (MLIR leaves them open; this project does not):
`quant.qcast` computes `clamp(round_half_even(x * float32(1 / scale)) + zp, qmin, qmax)`
where the product is a float32 multiply, exactly the arithmetic of
`torch.ops.quantized_decomposed.quantize_per_tensor` (per-axis: `quantize_per_channel`,
reciprocal taken in float32). `qmin`/`qmax` are the type's storage bounds (e.g.
`i8<-127:127>` for narrow range). NaN is not defined behaviour.

Ops:

    %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.1:128>>
    %f = quant.dcast %q : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xf32>
    %s = quant.scast %q : tensor<4x!quant.uniform<u8:f32, 0.1:128>> to tensor<4xui8>
    %w = quant.constant dense<[1, -2]> : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.1>>

`quant.constant` exists because `dense<...>` cannot hold a quantized element type: the
payload is stored in the storage integer type (`i8`, `ui8`, `i16`, `i32`...; signless
for signed storage, `ui*` for unsigned) and the result carries the quantized type.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    IntegerType,
    TensorType,
)
from xdsl.ir import Attribute, Dialect, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import ConstantLike, Pure
from xdsl.utils.exceptions import VerifyException

from compiler.ir.interned import tensor_type_of
from compiler.ir.layout_traits import Elementwise
from compiler.ir.quant_types import (
    UniformQuantizedPerAxisType,
    UniformQuantizedType,
    is_quantized,
)
from compiler.ir.verify_tensors import VerifyQuantizedTensors, dense_as_numpy

def _same_shape(a: TensorType, b: TensorType, op: str) -> None:
    if a.get_shape() != b.get_shape():
        raise VerifyException(
            f"{op}: input shape {list(a.get_shape())} differs from result shape "
            f"{list(b.get_shape())}"
        )


class _CastOp(IRDLOperation):
    """Shared syntax `%r = quant.<cast> %x : T1 to T2`."""

    input = operand_def(TensorType)
    output = result_def(TensorType)
    traits = traits_def(Pure(), VerifyQuantizedTensors(), Elementwise())

    assembly_format = "$input attr-dict `:` type($input) `to` type($output)"

    def __init__(self, input: SSAValue, result_type: Attribute):
        if isinstance(input, SSAValue) and isinstance(result_type, Attribute):
            # what IRDL's builder builds for this definition, without its generic
            # normalization (compiler.ir.construct)
            Operation.__init__(self, operands=[input], result_types=[result_type])
        else:
            super().__init__(operands=[input], result_types=[result_type])


@irdl_op_definition
class QuantizeCastOp(_CastOp):
    """Quantize a float tensor: `clamp(round_half_even(x * f32(1/scale)) + zp, qmin, qmax)`.

    The input's element type must be the quantized type's expressed type.
    """

    name = "quant.qcast"

    def verify_(self) -> None:
        it, ot = self.input.type, self.output.type
        assert isinstance(it, TensorType) and isinstance(ot, TensorType)
        if is_quantized(it) or not is_quantized(ot):
            raise VerifyException("quant.qcast: expected a float input and a quantized result")
        if it.element_type != ot.element_type.expressed_type:
            raise VerifyException(
                f"quant.qcast: input element type {it.element_type} is not the expressed "
                f"type {ot.element_type.expressed_type} of the result"
            )
        _same_shape(it, ot, self.name)


@irdl_op_definition
class DequantizeCastOp(_CastOp):
    """Dequantize: `real = (stored - zp) * scale` in float32 (per slice for per-axis)."""

    name = "quant.dcast"

    def verify_(self) -> None:
        it, ot = self.input.type, self.output.type
        assert isinstance(it, TensorType) and isinstance(ot, TensorType)
        if not is_quantized(it) or is_quantized(ot):
            raise VerifyException("quant.dcast: expected a quantized input and a float result")
        if ot.element_type != it.element_type.expressed_type:
            raise VerifyException(
                f"quant.dcast: result element type {ot.element_type} is not the expressed "
                f"type {it.element_type.expressed_type} of the input"
            )
        _same_shape(it, ot, self.name)


@irdl_op_definition
class StorageCastOp(_CastOp):
    """Reinterpret between a quantized tensor and its storage integers (no value change)."""

    name = "quant.scast"

    def verify_(self) -> None:
        it, ot = self.input.type, self.output.type
        assert isinstance(it, TensorType) and isinstance(ot, TensorType)
        if is_quantized(it) == is_quantized(ot):
            raise VerifyException(
                "quant.scast: exactly one of the input and result must be quantized"
            )
        q, s = (it, ot) if is_quantized(it) else (ot, it)
        if not isinstance(s.element_type, IntegerType) or (
            s.element_type.width != q.element_type.storage_type.width
        ):
            raise VerifyException(
                f"quant.scast: {s.element_type} is not the storage type "
                f"{q.element_type.storage_type} of {q.element_type}"
            )
        _same_shape(it, ot, self.name)


def verify_constant_payload(
    value: DenseIntOrFPElementsAttr, result: Attribute, opname: str
) -> None:
    """Payload shape = result shape, payload type = storage type, values within bounds."""
    if not isinstance(result, TensorType):
        raise VerifyException(f"{opname}: result must be a tensor")
    vt = value.type
    if not isinstance(vt, TensorType) or vt.get_shape() != result.get_shape():
        raise VerifyException(
            f"{opname}: payload shape {list(vt.get_shape())} differs from result shape "
            f"{list(result.get_shape())}"
        )
    et = result.element_type
    if not is_quantized(et):
        if vt.element_type != et:
            raise VerifyException(
                f"{opname}: payload element type {vt.element_type} differs from {et}"
            )
        return
    assert isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType)
    if vt.element_type != et.storage_type:
        raise VerifyException(
            f"{opname}: payload element type {vt.element_type} is not the storage type "
            f"{et.storage_type} of {et}"
        )
    arr = dense_as_numpy(value)
    if arr.size and (arr.min() < et.qmin or arr.max() > et.qmax):
        raise VerifyException(
            f"{opname}: payload values [{arr.min()}, {arr.max()}] exceed the storage "
            f"bounds [{et.qmin}, {et.qmax}]"
        )


def parse_constant_body(parser: Parser) -> tuple[DenseIntOrFPElementsAttr, Attribute, dict]:
    """`dense<...> : T (to Q)? attr-dict`."""
    start = parser.pos
    value = parser.parse_attribute()
    if not isinstance(value, DenseIntOrFPElementsAttr):
        parser.raise_error("expected a dense<...> payload", start, parser.pos)
    result = value.type
    if parser.parse_optional_keyword("to") is not None:
        result = parser.parse_type()
    attrs = parser.parse_optional_attr_dict()
    return value, result, attrs


def print_constant_body(
    printer: Printer, value: DenseIntOrFPElementsAttr, result: Attribute, attrs: dict
) -> None:
    printer.print_string(" ")
    printer.print_attribute(value)
    if result != value.type:
        printer.print_string(" to ")
        printer.print_attribute(result)
    if attrs:
        printer.print_string(" ")
        printer.print_attr_dict(attrs)


@irdl_op_definition
class ConstantOp(IRDLOperation):
    """A constant quantized tensor: storage integers in `value`, quantized result type.

    `%w = quant.constant dense<[1, -2]> : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.1>>`
    """

    name = "quant.constant"
    value = prop_def(DenseIntOrFPElementsAttr)
    output = result_def(TensorType)
    traits = traits_def(Pure(), ConstantLike(), VerifyQuantizedTensors())

    def __init__(self, value: DenseIntOrFPElementsAttr, result_type: Attribute):
        # (as ConstOp: IRDL's builder adds nothing for this definition)
        Operation.__init__(self, properties={"value": value}, result_types=[result_type])

    @staticmethod
    def from_numpy(stored: np.ndarray, qtype: Attribute) -> "ConstantOp":
        """Build from storage integers and a quantized element type."""
        assert isinstance(qtype, UniformQuantizedType | UniformQuantizedPerAxisType)
        arr = np.asarray(stored, dtype=qtype.numpy_storage_dtype)
        return ConstantOp(
            dense_from_numpy(arr, qtype.storage_type),
            TensorType(qtype, list(arr.shape)),
        )

    def verify_(self) -> None:
        if not is_quantized(self.output.type):
            raise VerifyException("quant.constant: the result type must be quantized")
        verify_constant_payload(self.value, self.output.type, self.name)

    def print(self, printer: Printer) -> None:
        print_constant_body(printer, self.value, self.output.type, self.attributes)

    @classmethod
    def parse(cls, parser: Parser) -> "ConstantOp":
        value, result, attrs = parse_constant_body(parser)
        op = cls(value, result)
        op.attributes |= attrs
        return op


def dense_from_numpy(arr: np.ndarray, element_type: Attribute) -> DenseIntOrFPElementsAttr:
    """A bytes-backed dense attribute holding `arr` (no Python lists in between)."""
    from xdsl.dialects.builtin import BytesAttr

    arr = np.asarray(arr)  # (np.ascontiguousarray would make a 0-d array 1-d)
    data = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes(order="C")
    return DenseIntOrFPElementsAttr(tensor_type_of(element_type, arr.shape), BytesAttr(data))


Quant = Dialect(
    "quant",
    [QuantizeCastOp, DequantizeCastOp, StorageCastOp, ConstantOp],
    [UniformQuantizedType],
)

__all__ = [
    "ConstantOp",
    "DequantizeCastOp",
    "Quant",
    "QuantizeCastOp",
    "StorageCastOp",
    "dense_from_numpy",
]
