"""The quantization schemes as contracts on IR types (the torch side is
`compiler.frontend.schemes`; this is what the backend checks and completes).

| scheme  | activations            | weights                                   | bias |
| ------- | ---------------------- | ----------------------------------------- | ---- |
| `uint8` | u8 asymmetric          | u8 asymmetric, per-channel or per-tensor  | i32  |
| `int8`  | i8 asymmetric          | i8 symmetric [-127, 127], per-channel     | i32  |
| `int16` | i16 symmetric (zp 0)   | i8 symmetric [-127, 127], per-channel     | i64  |
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import ModuleOp, TensorType

from compiler.ir.quant_types import (
    UniformQuantizedPerAxisType,
    UniformQuantizedType,
)


@dataclass(frozen=True)
class Scheme:
    name: str
    activation: str  # storage spelling
    activation_symmetric: bool
    weight: str
    weight_narrow: bool  # symmetric [-(2^(n-1) - 1), 2^(n-1) - 1], zero point 0
    weight_per_channel_required: bool
    bias: str


SCHEMES: dict[str, Scheme] = {
    "uint8": Scheme("uint8", "u8", False, "u8", False, False, "i32"),
    "int8": Scheme("int8", "i8", False, "i8", True, True, "i32"),
    "int16": Scheme("int16", "i16", True, "i8", True, True, "i64"),
}

_BY_ACTIVATION = {s.activation: s for s in SCHEMES.values()}


def scheme_named(name: str) -> Scheme:
    try:
        return SCHEMES[name]
    except KeyError:
        from compiler.ir.diagnostics import CompileError

        raise CompileError(
            f"unknown scheme '{name}' (expected one of {', '.join(SCHEMES)}, or auto)"
        ) from None


def infer_scheme(module: ModuleOp) -> Scheme | None:
    """The scheme whose activation storage the module's quantize casts use (the most
    common one), or None for a float program."""
    from compiler.dialects import quant

    counts: dict[str, int] = {}
    for op in module.walk():
        if isinstance(op, quant.QuantizeCastOp):
            t = op.output.type
            assert isinstance(t, TensorType)
            et = t.element_type
            if isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType):
                counts[et.storage_spelling] = counts.get(et.storage_spelling, 0) + 1
    known = {k: v for k, v in counts.items() if k in _BY_ACTIVATION}
    if not known:
        return None
    return _BY_ACTIVATION[max(known, key=known.get)]


def resolve_scheme(name: str, module: ModuleOp) -> Scheme | None:
    """`auto` infers the scheme from the module; a float program has none."""
    if name == "auto":
        return infer_scheme(module)
    return scheme_named(name)
