"""The Circle schema as the codegen sees it: enums by name, option tables, tensor types.

Everything here comes from the `circle-schema` package's generated object API
(`circle_schema.v0_10.circle`); this module only turns its generated enum classes into
name <-> value dictionaries and locates the generated `<Options>T` classes, so the writer
and the reader never spell a schema number themselves.

Circle 0.10 is a superset of TFLite's schema (same table layouts and enum values for
everything TFLite has, plus negative builtin codes and a few extra slots), which is why
the same object API also writes `.tflite` files.
"""

from __future__ import annotations

import importlib
from functools import cache

import numpy as np
from circle_schema.v0_10.circle import (
    ActivationFunctionType,
    BuiltinOperator,
    BuiltinOptions,
    FullyConnectedOptionsWeightsFormat,
    Padding,
    TensorType,
)

#: Schema version written to `Model.version`. LiteRT refuses anything but 3
#: ("Model provided is schema version X not equal to supported version 3");
#: ONE's tools write and accept the same number.
SCHEMA_VERSION = 3

#: `BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES`: the value of the legacy int8
#: `deprecated_builtin_code` field for operators whose code does not fit in it.
PLACEHOLDER_FOR_GREATER_OP_CODES = 127

CIRCLE_IDENTIFIER = b"CIR0"
TFLITE_IDENTIFIER = b"TFL3"


def _enum(cls: type) -> dict[str, int]:
    return {k: v for k, v in vars(cls).items() if not k.startswith("_") and isinstance(v, int)}


#: BuiltinOperator name -> code ("CONV_2D" -> 3); Circle-only operators are negative.
BUILTIN_CODES = _enum(BuiltinOperator.BuiltinOperator)
BUILTIN_NAMES = {v: k for k, v in BUILTIN_CODES.items()}

#: BuiltinOptions union: table name -> union tag ("Conv2DOptions" -> 1).
OPTIONS_TAGS = _enum(BuiltinOptions.BuiltinOptions)
OPTIONS_NAMES = {v: k for k, v in OPTIONS_TAGS.items()}

TENSOR_TYPES = _enum(TensorType.TensorType)
TENSOR_TYPE_NAMES = {v: k for k, v in TENSOR_TYPES.items()}

#: Enumerated option fields (snake_case property name) -> the schema enum's name -> value.
#: The circle dialect stores these as enumerator-name strings (see `ENUM_OPTIONS`).
ENUM_FIELDS: dict[str, dict[str, int]] = {
    "fused_activation_function": _enum(ActivationFunctionType.ActivationFunctionType),
    "padding": _enum(Padding.Padding),
    "weights_format": _enum(FullyConnectedOptionsWeightsFormat.FullyConnectedOptionsWeightsFormat),
    # indexing family: ArgMax/ArgMinOptions.output_type, a TensorType (INT32 or INT64)
    "output_type": {k: v for k, v in _enum(TensorType.TensorType).items() if k in ("INT32", "INT64")},
}

#: Storage numpy dtype of each Circle tensor type this compiler reads and writes.
NUMPY_OF_TENSOR_TYPE: dict[str, np.dtype] = {
    "FLOAT32": np.dtype("<f4"),
    "FLOAT16": np.dtype("<f2"),
    "FLOAT64": np.dtype("<f8"),
    "INT8": np.dtype("i1"),
    "UINT8": np.dtype("u1"),
    "INT16": np.dtype("<i2"),
    "UINT16": np.dtype("<u2"),
    "INT32": np.dtype("<i4"),
    "UINT32": np.dtype("<u4"),
    "INT64": np.dtype("<i8"),
    "UINT64": np.dtype("<u8"),
    "BOOL": np.dtype("?"),
}


@cache
def snake_to_camel(name: str) -> str:
    """`stride_w` -> `strideW`, `dilation_w_factor` -> `dilationWFactor` (the object
    API's field spelling of a schema field)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@cache  # the writer asks once per tensor and operator
def schema_class(table: str) -> type:
    """The generated object-API class of a schema table: `schema_class("Tensor")` is
    `TensorT`, `schema_class("Conv2DOptions")` is `Conv2DOptionsT`."""
    module = importlib.import_module(f"circle_schema.v0_10.circle.{table}")
    return getattr(module, f"{table}T")


#: Options tables are schema tables like any other.
options_class = schema_class


def builtin_code_of(opcode) -> int:
    """The builtin operator of an `OperatorCodeT`, across schema generations.

    Old files only set the int8 `deprecated_builtin_code`; new ones set `builtin_code`
    and put 127 (PLACEHOLDER_FOR_GREATER_OP_CODES) into the deprecated field when the
    code does not fit. Circle-only operators have negative codes in both fields.
    """
    deprecated, code = opcode.deprecatedBuiltinCode, opcode.builtinCode
    if deprecated == PLACEHOLDER_FOR_GREATER_OP_CODES:
        return code
    if code == 0 or code == deprecated:
        return deprecated
    return code


def deprecated_code_for(code: int) -> int:
    """The value for the legacy int8 `deprecated_builtin_code` of builtin `code`."""
    return code if code < PLACEHOLDER_FOR_GREATER_OP_CODES else PLACEHOLDER_FOR_GREATER_OP_CODES
