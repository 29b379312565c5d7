"""The quantization schemes: the one home of their facts (names, storage types, symmetry,
smallest observer scales). The backend checks and completes IR types against them; the
torch side (`compiler.frontend.schemes.SchemeSpecs`) builds its PT2E specs from them;
fixed output ranges are declared on the circle ops (`FixedOutputRange`), per storage.

| scheme  | activations            | weights                                   | bias |
| ------- | ---------------------- | ----------------------------------------- | ---- |
| `uint8` | u8 asymmetric          | u8 asymmetric, per-channel or per-tensor  | i32  |
| `int8`  | i8 asymmetric          | i8 symmetric [-127, 127], per-channel     | i32  |
| `int16` | i16 symmetric (zp 0)   | i8 symmetric [-127, 127], per-channel     | i64  |

Every observer has a smallest scale `eps`, so that a constant or all-zero tensor still
gets a usable (exactly representable) scale: `2**-12` for 8-bit tensors and weights, as
PT2E's XNNPACKQuantizer uses, but `2**-20` for int16 activations. With `2**-12`, every
i16 tensor whose values stay within +-8 would get the scale 2**-12 (a range of +-8 for
32768 steps) instead of max|x| / 32767.5, throwing away up to 8 bits of the resolution
16x8 quantization exists for.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import ModuleOp, TensorType

from compiler.ir.quant_types import (
    UniformQuantizedPerAxisType,
    UniformQuantizedType,
    storage_range,
)

#: smallest scale an observer may produce (see the module notes)
EPS = 2.0**-12
#: the same for int16 activations (see the module notes)
EPS_INT16 = 2.0**-20


@dataclass(frozen=True)
class Scheme:
    name: str
    activation: str  # storage spelling
    activation_symmetric: bool
    weight: str
    weight_narrow: bool  # symmetric [-(2^(n-1) - 1), 2^(n-1) - 1], zero point 0
    weight_per_channel_required: bool
    bias: str
    activation_eps: float = EPS  # smallest activation scale an observer produces

    @property
    def activation_range(self) -> tuple[int, int]:
        return spelling_range(self.activation)

    @property
    def weight_range(self) -> tuple[int, int]:
        lo, hi = spelling_range(self.weight)
        return (lo + 1, hi) if self.weight_narrow else (lo, hi)


def spelling_range(spelling: str) -> tuple[int, int]:
    """The integer range of a storage spelling (`u8` -> (0, 255))."""
    return storage_range(int(spelling[1:]), spelling.startswith("i"))


SCHEMES: dict[str, Scheme] = {
    "uint8": Scheme("uint8", "u8", False, "u8", False, False, "i32"),
    "int8": Scheme("int8", "i8", False, "i8", True, True, "i32"),
    "int16": Scheme("int16", "i16", True, "i8", True, True, "i64", EPS_INT16),
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
