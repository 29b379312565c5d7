"""Uniform quantized element types with MLIR's `!quant.uniform` spelling.

Two Python classes share the mnemonic `quant.uniform`, exactly as MLIR's
`UniformQuantizedType` and `UniformQuantizedPerAxisType` do:

    !quant.uniform<u8:f32, 0.0257:123>                      per-tensor, zp 123
    !quant.uniform<i8<-127:127>:f32, 0.5>                   narrow range, zp 0
    !quant.uniform<i8<-127:127>:f32:0, {2.0e-03,1.9e-03:1}> per-axis along dim 0

Grammar (MLIR's):

    storage      ::= ("i" | "u") width ("<" min ":" max ">")?
    per-tensor   ::= storage ":" float-type "," scale (":" zero-point)?
    per-axis     ::= storage ":" float-type ":" axis "," "{" scale (":" zp)? ("," ...)* "}"

Printing rules: the zero point is printed only when it is nonzero, storage bounds only
when they differ from the full range of the storage integer, per-axis entries are
joined by `,` without a space. Scales print with Python's shortest round-trip repr,
always with a `.` so that the MLIR lexer reads them as floats.

Semantics: `real = (stored - zero_point) * scale`. `quantize` rounds half to even and
saturates to [storage_min, storage_max] with the arithmetic of
`torch.ops.quantized_decomposed.quantize_per_{tensor,channel}` (float32 multiply by the
reciprocal scale), so that a `quant.qcast` evaluated here is bit-identical to PT2E.

Only the storage types i8, u8, i16, u16, i32, i64 and u32 are accepted (those Circle has).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np
from xdsl.dialects.builtin import (
    AnyFloat,
    ArrayAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatData,
    IntAttr,
    IntegerType,
    Signedness,
    TensorType,
    BFloat16Type,
    f32,
)
from xdsl.ir import Attribute, ParametrizedAttribute, TypeAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.utils.exceptions import VerifyException

from compiler.ir.interned import float_data, int_attr

if TYPE_CHECKING:
    from xdsl.parser import AttrParser
    from xdsl.printer import Printer

_WIDTHS = {8, 16, 32, 64}
_FLOAT_TYPES = (Float16Type, BFloat16Type, Float32Type, Float64Type)


def storage_range(width: int, signed: bool) -> tuple[int, int]:
    """The full value range of a `width`-bit integer."""
    if signed:
        return -(1 << (width - 1)), (1 << (width - 1)) - 1
    return 0, (1 << width) - 1


@functools.cache  # a handful of spellings, asked once per quantized type built
def storage_integer(spelling: str) -> IntegerType:
    """`i8` -> signless i8, `u8` -> unsigned ui8 (the dense payload type of that storage)."""
    if len(spelling) < 2 or spelling[0] not in "iu" or not spelling[1:].isdigit():
        raise ValueError(f"invalid storage type '{spelling}', expected e.g. i8 or u8")
    width = int(spelling[1:])
    if width not in _WIDTHS:
        raise ValueError(f"unsupported storage width {width} in '{spelling}'")
    return IntegerType(width, Signedness.UNSIGNED if spelling[0] == "u" else Signedness.SIGNLESS)


def format_float(value: float) -> str:
    """Shortest round-trip spelling that the MLIR lexer reads as a float (`1.0e-05`)."""
    text = repr(float(value))
    if "inf" in text or "nan" in text:
        return text
    mantissa, sep, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + sep + exponent


_NUMPY_STORAGE = {
    (8, True): np.int8,
    (8, False): np.uint8,
    (16, True): np.int16,
    (16, False): np.uint16,
    (32, True): np.int32,
    (32, False): np.uint32,
    (64, True): np.int64,
    (64, False): np.uint64,
}


class _QuantizedTypeBase:
    """Shared accessors of the per-tensor and per-axis types.

    (No annotations here: IRDL would take them for parameters. The subclasses declare
    `storage_type`, `expressed_type`, `storage_min` and `storage_max`.)
    """


    @property
    def is_signed(self) -> bool:
        return self.storage_type.signedness.data != Signedness.UNSIGNED

    @property
    def width(self) -> int:
        return self.storage_type.width.data

    @property
    def storage_spelling(self) -> str:
        return ("i" if self.is_signed else "u") + str(self.width)

    @property
    def qmin(self) -> int:
        return self.storage_min.data

    @property
    def qmax(self) -> int:
        return self.storage_max.data

    @property
    def numpy_storage_dtype(self) -> type[np.integer]:
        return _NUMPY_STORAGE[(self.width, self.is_signed)]

    def _print_storage(self, printer: Printer) -> None:
        printer.print_string(self.storage_spelling)
        if (self.qmin, self.qmax) != storage_range(self.width, self.is_signed):
            printer.print_string(f"<{self.qmin}:{self.qmax}>")
        printer.print_string(":")
        printer.print_attribute(self.expressed_type)

    def _verify_storage(self) -> None:
        if self.width not in _WIDTHS:
            raise VerifyException(f"unsupported storage width {self.width}")
        lo, hi = storage_range(self.width, self.is_signed)
        if not (lo <= self.qmin <= self.qmax <= hi):
            raise VerifyException(
                f"storage bounds [{self.qmin}, {self.qmax}] are not within the range "
                f"[{lo}, {hi}] of {self.storage_spelling}"
            )
        if not isinstance(self.expressed_type, _FLOAT_TYPES):
            raise VerifyException(
                f"expressed type must be a float type, got {self.expressed_type}"
            )

    def _verify_pair(self, scale: float, zero_point: int, where: str = "") -> None:
        if not math.isfinite(scale) or scale <= 0.0:
            raise VerifyException(f"scale{where} must be finite and positive, got {scale}")
        if not (self.qmin <= zero_point <= self.qmax):
            raise VerifyException(
                f"zero point{where} {zero_point} outside storage range "
                f"[{self.qmin}, {self.qmax}]"
            )


@irdl_attr_definition
class UniformQuantizedType(_QuantizedTypeBase, ParametrizedAttribute, TypeAttribute):
    """`!quant.uniform<storage:expressed, scale(:zero_point)?>`: one scale for the tensor."""

    name = "quant.uniform"

    storage_type: IntegerType
    expressed_type: Attribute
    scale: FloatData
    zero_point: IntAttr
    storage_min: IntAttr
    storage_max: IntAttr

    def __init__(
        self,
        storage_type: IntegerType,
        expressed_type: Attribute,
        scale: float,
        zero_point: int = 0,
        storage_min: int | None = None,
        storage_max: int | None = None,
    ):
        lo, hi = storage_range(
            storage_type.width.data, storage_type.signedness.data != Signedness.UNSIGNED
        )
        super().__init__(
            storage_type,
            expressed_type,
            float_data(float(scale)),
            int_attr(int(zero_point)),
            int_attr(lo if storage_min is None else int(storage_min)),
            int_attr(hi if storage_max is None else int(storage_max)),
        )

    # The parser builds attributes through `new`; a per-axis parameter list (7 entries)
    # is dispatched to the per-axis class, which shares this mnemonic.
    @classmethod
    def new(cls, params: Sequence[Attribute]):  # type: ignore[override]
        if len(params) == 7:
            return UniformQuantizedPerAxisType.new(params)
        return super().new(params)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        start = parser.pos
        with parser.in_angle_brackets():
            params = _parse_parameters(parser)
        # Verify here, where the source span is known: `verify()` errors raised after
        # parsing carry no location.
        try:
            cls.new(params)
        except VerifyException as e:
            parser.raise_error(str(e), start, parser.pos)
        return params

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            self._print_storage(printer)
            printer.print_string(", " + _format_pair(self.scale.data, self.zero_point.data))

    def verify(self) -> None:
        self._verify_storage()
        self._verify_pair(self.scale.data, self.zero_point.data)

    # ---- Python API -------------------------------------------------------------------
    @property
    def scales(self) -> np.ndarray:
        return np.array([self.scale.data], dtype=np.float64)

    @property
    def zero_points(self) -> np.ndarray:
        return np.array([self.zero_point.data], dtype=np.int64)

    def quantize(self, real: np.ndarray) -> np.ndarray:
        """float -> stored integers: round half to even, saturate (torch's arithmetic)."""
        inv_scale = np.float32(1.0 / self.scale.data)
        with np.errstate(over="ignore"):  # an overflow to +-inf saturates below, by design
            x = np.asarray(real, dtype=np.float32) * inv_scale
        q = np.rint(x).astype(np.float64) + self.zero_point.data
        # (np.asarray: a 0-d input stays a 0-d array, not a numpy scalar)
        return np.asarray(np.clip(q, self.qmin, self.qmax).astype(self.numpy_storage_dtype))

    def dequantize(self, stored: np.ndarray) -> np.ndarray:
        """stored integers -> float32: `(stored - zp) * scale` in float32."""
        s = np.asarray(stored).astype(np.float32) - np.float32(self.zero_point.data)
        return (s * np.float32(self.scale.data)).astype(np.float32)

    def with_storage(self, storage: IntegerType, qmin: int | None = None, qmax: int | None = None):
        """The same scale and zero point on another storage type."""
        return UniformQuantizedType(
            storage, self.expressed_type, self.scale.data, self.zero_point.data, qmin, qmax
        )


@irdl_attr_definition
class UniformQuantizedPerAxisType(_QuantizedTypeBase, ParametrizedAttribute, TypeAttribute):
    """`!quant.uniform<storage:expressed:axis, {s0(:zp0)?,s1,...}>`: one scale per slice.

    Not registered in the dialect by itself: the parser reaches it through
    `UniformQuantizedType.new`. The axis and the number of scales are checked against
    a tensor shape by `verify_quantized_tensor`, since the element type alone does not
    know the rank.
    """

    name = "quant.uniform"

    storage_type: IntegerType
    expressed_type: Attribute
    axis: IntAttr
    scales_attr: ArrayAttr[FloatData]
    zero_points_attr: ArrayAttr[IntAttr]
    storage_min: IntAttr
    storage_max: IntAttr

    def __init__(
        self,
        storage_type: IntegerType,
        expressed_type: Attribute,
        axis: int,
        scales: Sequence[float],
        zero_points: Sequence[int] | None = None,
        storage_min: int | None = None,
        storage_max: int | None = None,
    ):
        lo, hi = storage_range(
            storage_type.width.data, storage_type.signedness.data != Signedness.UNSIGNED
        )
        if zero_points is None:
            zero_points = [0] * len(scales)
        super().__init__(
            storage_type,
            expressed_type,
            int_attr(int(axis)),
            ArrayAttr([float_data(float(s)) for s in scales]),
            ArrayAttr([int_attr(int(z)) for z in zero_points]),
            int_attr(lo if storage_min is None else int(storage_min)),
            int_attr(hi if storage_max is None else int(storage_max)),
        )

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            self._print_storage(printer)
            printer.print_string(f":{self.axis.data}, {{")
            printer.print_string(
                ",".join(
                    _format_pair(s.data, z.data)
                    for s, z in zip(self.scales_attr.data, self.zero_points_attr.data)
                )
            )
            printer.print_string("}")

    def verify(self) -> None:
        self._verify_storage()
        if self.axis.data < 0:
            raise VerifyException(f"quantized axis must be non-negative, got {self.axis.data}")
        if len(self.scales_attr.data) == 0:
            raise VerifyException("per-axis quantized type needs at least one scale")
        if len(self.scales_attr.data) != len(self.zero_points_attr.data):
            raise VerifyException("per-axis scales and zero points differ in number")
        for i, (s, z) in enumerate(zip(self.scales_attr.data, self.zero_points_attr.data)):
            self._verify_pair(s.data, z.data, f" #{i}")

    # ---- Python API -------------------------------------------------------------------
    @property
    def scales(self) -> np.ndarray:
        return np.array([s.data for s in self.scales_attr.data], dtype=np.float64)

    @property
    def zero_points(self) -> np.ndarray:
        return np.array([z.data for z in self.zero_points_attr.data], dtype=np.int64)

    @property
    def quantized_dimension(self) -> int:
        return self.axis.data

    def _broadcast(self, values: np.ndarray, rank: int) -> np.ndarray:
        shape = [1] * rank
        shape[self.axis.data] = -1
        return values.reshape(shape)

    def quantize(self, real: np.ndarray) -> np.ndarray:
        """float -> stored integers per slice (torch's quantize_per_channel arithmetic)."""
        x = np.asarray(real, dtype=np.float32)
        inv = self._broadcast(np.float32(1.0) / self.scales.astype(np.float32), x.ndim)
        with np.errstate(over="ignore"):  # saturates below, by design
            q = np.rint(x * inv).astype(np.float64) + self._broadcast(self.zero_points, x.ndim)
        return np.clip(q, self.qmin, self.qmax).astype(self.numpy_storage_dtype)

    def dequantize(self, stored: np.ndarray) -> np.ndarray:
        s = np.asarray(stored)
        zp = self._broadcast(self.zero_points, s.ndim).astype(np.float32)
        sc = self._broadcast(self.scales.astype(np.float32), s.ndim)
        return ((s.astype(np.float32) - zp) * sc).astype(np.float32)

    def with_axis(self, axis: int) -> UniformQuantizedPerAxisType:
        """The same per-slice parameters along another dimension (after a relayout)."""
        # The same parameter attributes, the axis replaced (verified on construction,
        # as the constructor's would be; no per-slice attributes rebuilt).
        return UniformQuantizedPerAxisType.new([
            self.storage_type, self.expressed_type, IntAttr(int(axis)), self.scales_attr,
            self.zero_points_attr, self.storage_min, self.storage_max,
        ])

    def with_storage(self, storage: IntegerType, qmin: int | None = None, qmax: int | None = None):
        return UniformQuantizedPerAxisType(
            storage, self.expressed_type, self.axis.data, list(self.scales),
            list(self.zero_points), qmin, qmax,
        )


QuantizedType = UniformQuantizedType | UniformQuantizedPerAxisType


def _format_pair(scale: float, zero_point: int) -> str:
    text = format_float(scale)
    return f"{text}:{zero_point}" if zero_point != 0 else text


def _parse_storage(parser: AttrParser) -> tuple[IntegerType, IntAttr, IntAttr]:
    start = parser.pos
    ident = parser.parse_identifier(" for the storage type of !quant.uniform")
    try:
        st = storage_integer(ident)
    except ValueError as e:
        parser.raise_error(str(e), start, parser.pos)
    lo, hi = storage_range(st.width.data, st.signedness.data != Signedness.UNSIGNED)
    if parser.parse_optional_punctuation("<") is not None:
        lo = parser.parse_integer(allow_boolean=False)
        parser.parse_punctuation(":")
        hi = parser.parse_integer(allow_boolean=False)
        parser.parse_punctuation(">")
    return st, IntAttr(lo), IntAttr(hi)


def _parse_scale_zp(parser: AttrParser) -> tuple[FloatData, IntAttr]:
    scale = float(parser.parse_number(context_msg=" for a quantization scale"))
    zp = 0
    if parser.parse_optional_punctuation(":") is not None:
        zp = parser.parse_integer(allow_boolean=False)
    return FloatData(scale), IntAttr(zp)


def _parse_parameters(parser: AttrParser) -> list[Attribute]:
    storage, lo, hi = _parse_storage(parser)
    parser.parse_punctuation(":")
    expressed = parser.parse_type()
    if parser.parse_optional_punctuation(":") is not None:
        axis = parser.parse_integer(allow_boolean=False, allow_negative=False)
        parser.parse_punctuation(",")
        pairs = parser.parse_comma_separated_list(
            parser.Delimiter.BRACES, lambda: _parse_scale_zp(parser)
        )
        return [
            storage,
            expressed,
            IntAttr(axis),
            ArrayAttr([s for s, _ in pairs]),
            ArrayAttr([z for _, z in pairs]),
            lo,
            hi,
        ]
    parser.parse_punctuation(",")
    scale, zp = _parse_scale_zp(parser)
    return [storage, expressed, scale, zp, lo, hi]


# ---- helpers used across the compiler ----------------------------------------------------


def is_quantized(t: Attribute) -> bool:
    """True for a quantized element type or a tensor of one."""
    if isinstance(t, TensorType):
        t = t.element_type
    # `_QuantizedTypeBase` is a plain class whose only subclasses are these two types:
    # the same answer as `isinstance(t, (UniformQuantizedType,
    # UniformQuantizedPerAxisType))`, without an ABC `__instancecheck__` per call (this
    # runs for nearly every value of every pass)
    return isinstance(t, _QuantizedTypeBase)


def element_type(t: Attribute) -> Attribute:
    return t.element_type if isinstance(t, TensorType) else t


def verify_quantized_tensor(t: Attribute, what: str = "value") -> None:
    """The checks a per-axis type needs from its tensor: axis < rank, count == dim size."""
    if not isinstance(t, TensorType):
        return
    et = t.element_type
    if not isinstance(et, UniformQuantizedPerAxisType):
        return
    shape = t.get_shape()
    axis = et.axis.data
    if axis >= len(shape):
        raise VerifyException(
            f"{what}: quantized axis {axis} is out of range for a tensor of rank {len(shape)}"
        )
    n = len(et.scales_attr.data)
    if shape[axis] >= 0 and shape[axis] != n:
        raise VerifyException(
            f"{what}: axis {axis} has size {shape[axis]} but {n} scales were given"
        )


_DTYPE_ALIASES = {
    "int8": "i8", "uint8": "u8", "int16": "i16", "uint16": "u16",
    "int32": "i32", "int64": "i64", "uint32": "u32",
}


def make_quantized_type(
    dtype: str | np.dtype | object,
    scale: float | Sequence[float] | np.ndarray,
    zero_point: int | Sequence[int] | np.ndarray = 0,
    axis: int | None = None,
    qmin: int | None = None,
    qmax: int | None = None,
    expressed_type: AnyFloat = f32,
) -> UniformQuantizedType | UniformQuantizedPerAxisType:
    """Build a quantized type from `(dtype, scale, zero_point[, axis])`.

    `dtype` is a storage spelling (`"u8"`, `"i8"`...), a numpy dtype or a torch dtype.
    With `axis`, `scale` and `zero_point` are sequences (one entry per slice).
    The result is verified (a `VerifyException` explains a bad parameter).
    """
    name = str(dtype).replace("torch.", "")
    if not isinstance(dtype, str):
        try:
            name = np.dtype(dtype).name  # numpy dtypes and classes
        except TypeError:
            pass
    storage = storage_integer(_DTYPE_ALIASES.get(name, name))
    if axis is None:
        return UniformQuantizedType(storage, expressed_type, float(cast(float, scale)),
                                    int(cast(int, zero_point)), qmin, qmax)
    # (`tolist`: the same Python floats and ints as converting element by element)
    scales = np.asarray(scale, dtype=np.float64).reshape(-1).tolist()
    zps = np.asarray(zero_point, dtype=np.int64).reshape(-1)
    if zps.size == 1 and len(scales) != 1:
        zps = np.repeat(zps, len(scales))
    return UniformQuantizedPerAxisType(storage, expressed_type, axis, scales,
                                       zps.tolist(), qmin, qmax)
