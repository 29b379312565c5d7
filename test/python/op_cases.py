"""One tiny model per ATen op (family), for the end-to-end op-coverage suite.

`test_ops_end_to_end.py` takes every `OpCase` of `CASES` through the whole flow, per
scheme: `compiler.quantize` (CircleQuantizer, calibration) -> `import_program` ->
`lower` (fully quantized: `verify-quantized` refuses a float op) -> the interpreter,
compared with torch running the converted program, and -> the runtimes, compared with
the interpreter. Adding an op to the compiler means adding its case here.

A case is deterministic: its model and inputs come from fixed seeds, its calibration
batches too (`calibration`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

SCHEMES = ("uint8", "int8", "int16")


@dataclass(frozen=True)
class OpCase:
    """`aten`: the ATen op(s) the case covers (README table); `circle`: circle ops that
    must appear in every scheme's lowered module; `lsb`: how many output steps the
    interpreter may differ from torch's converted program (1: the rounding of one
    requantization); `litert`/`onert`: the schemes each runtime must run bit-exactly
    like the interpreter; `skip`: scheme -> why the case is not compiled in it;
    `allow_float`: quantize and lower with allow-float (ops without integer kernels stay
    float between DEQUANTIZE and QUANTIZE; every other op must still be quantized)."""

    name: str
    model: Callable[[], nn.Module]
    inputs: Callable[[], tuple]
    aten: tuple[str, ...]
    circle: tuple[str, ...] = ()
    lsb: int = 1
    litert: tuple[str, ...] = ("int8", "int16")
    onert: tuple[str, ...] = ("uint8",)
    skip: dict[str, str] = field(default_factory=dict)
    allow_float: bool = False


class Fn(nn.Module):
    """A module around a function of the inputs (and optional constant tensors)."""

    def __init__(self, fn, **params):
        super().__init__()
        self.fn = fn
        for k, v in params.items():
            self.register_buffer(k, v)

    def forward(self, *xs):
        return self.fn(self, *xs)


def randn(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def calibration(inputs: tuple, n: int = 4) -> list[tuple]:
    """The example inputs and `n - 1` batches like them: float tensors redrawn from a
    normal distribution (seeded), other tensors (indices, masks) reused."""
    batches = [inputs]
    for i in range(1, n):
        batches.append(tuple(
            randn(*x.shape, seed=100 + i) * x.abs().max().clamp(min=1) / 2
            if isinstance(x, torch.Tensor) and x.is_floating_point() else x
            for x in inputs))
    return batches


def _conv_relu():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU())


CASES: list[OpCase] = [
    OpCase("conv2d_relu", _conv_relu, lambda: (randn(1, 3, 6, 6),),
           aten=("conv2d", "relu"), circle=("circle.conv_2d",)),
    OpCase("add_mul", lambda: Fn(lambda m, x, y: (x + y) * y),
           lambda: (randn(1, 8, seed=1), randn(1, 8, seed=2)),
           aten=("add.Tensor", "mul.Tensor"), circle=("circle.add", "circle.mul")),
]

# -- float-only family: ops with float kernels only, compiled with allow-float --------------
# LiteRT runs SIN/COS/ROUND/CONV_3D in float (the quantized neighbours bit-exactly);
# onert runs float SIN/COS/ROUND but refuses CONV_3D ("Unsupported operation: CONV_3D").


class _Conv3dAdd(nn.Module):
    """conv3d (float) feeding a quantized add, so the output is quantized."""

    def __init__(self, **kw):
        super().__init__()
        torch.manual_seed(0)
        self.conv = nn.Conv3d(2, 3, 3, **kw)

    def forward(self, x):
        return self.conv(x) + x.mean()


CASES += [
    OpCase("sin", lambda: Fn(lambda m, x: torch.sin(x * 3) + x), lambda: (randn(1, 16, seed=3),),
           aten=("sin",), circle=("circle.sin", "circle.dequantize", "circle.quantize"),
           allow_float=True),
    OpCase("cos", lambda: Fn(lambda m, x: torch.cos(x * 3) + x), lambda: (randn(1, 16, seed=4),),
           aten=("cos",), circle=("circle.cos",), allow_float=True),
    OpCase("round", lambda: Fn(lambda m, x: torch.round(x * 4) + x),
           lambda: (randn(2, 8, seed=5),), aten=("round",), circle=("circle.round",),
           allow_float=True,
           # LiteRT's BUILTIN_REF resolver has no ROUND ("Didn't find op for builtin
           # opcode 'ROUND'"): test_float_ops.py runs it with the BUILTIN kernels instead
           litert=()),
    OpCase("conv3d_same", lambda: _Conv3dAdd(padding=1), lambda: (randn(1, 2, 4, 5, 5, seed=6),),
           aten=("conv3d",), circle=("circle.conv_3d",), allow_float=True,
           onert=()),  # onert: "Unsupported operation: CONV_3D"
    OpCase("conv3d_strided_pad", lambda: _Conv3dAdd(stride=(1, 2, 2), padding=(0, 2, 1)),
           lambda: (randn(1, 2, 4, 6, 5, seed=7),), aten=("conv3d",),
           circle=("circle.conv_3d", "circle.pad"), allow_float=True,
           onert=()),  # onert: "Unsupported operation: CONV_3D"
]

BY_NAME = {c.name: c for c in CASES}
