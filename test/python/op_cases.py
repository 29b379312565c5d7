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
    like the interpreter; `skip`: scheme -> why the case is not compiled in it."""

    name: str
    model: Callable[[], nn.Module]
    inputs: Callable[[], tuple]
    aten: tuple[str, ...]
    circle: tuple[str, ...] = ()
    lsb: int = 1
    litert: tuple[str, ...] = ("int8", "int16")
    onert: tuple[str, ...] = ("uint8",)
    skip: dict[str, str] = field(default_factory=dict)


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

# -- comparisons, logic, select (family: comparisons) ----------------------------------------
# Boolean outputs must equal torch's exactly (lsb does not apply to them).
_MASK = randn(2, 3, 4, seed=7) > 0.3


def _conv_mask_where(m, x):
    y = F.conv2d(x, m.w, padding=1)
    return torch.where(y > 0.1, y, 0.0)

CASES += [
    OpCase("compare_tensor",
           lambda: Fn(lambda m, x, y: (x > y, x >= y, x < y, x <= y, x == y, x != y)),
           lambda: (randn(2, 3, 4, seed=3), randn(1, 3, 1, seed=4)),
           aten=("gt.Tensor", "ge.Tensor", "lt.Tensor", "le.Tensor", "eq.Tensor", "ne.Tensor"),
           circle=("circle.greater", "circle.greater_equal", "circle.less",
                   "circle.less_equal", "circle.equal", "circle.not_equal")),
    OpCase("compare_scalar",
           lambda: Fn(lambda m, x: tuple(op(x, c) for op in (torch.gt, torch.ge, torch.lt,
                                                              torch.le)
                                         for c in (0.5, -0.3, 0.27, 0.11))
                      + (x == 0.0, x != 0.0)),
           # dense around the scalars, so the grid points between a scalar and its
           # nearest quantization step are hit (torch: dequantize(q) > 0.5 exactly;
           # rounding the scalar to the nearest step fails here for uint8 and int8)
           lambda: (torch.linspace(-1, 1, 240).reshape(2, 3, 40),),
           aten=("gt.Scalar", "ge.Scalar", "lt.Scalar", "le.Scalar", "eq.Scalar", "ne.Scalar")),
    OpCase("logical",
           lambda: Fn(lambda m, x, mask: (torch.logical_and(x > 0, mask), (x < 0) | mask,
                                          ~mask, torch.logical_not(x > 0.2),
                                          torch.logical_or(x > 1, mask) & mask)),
           lambda: (randn(2, 3, 4, seed=6), _MASK),
           aten=("logical_and", "__or__.Tensor", "bitwise_not", "logical_not",
                 "logical_or", "__and__.Tensor"),
           circle=("circle.logical_and", "circle.logical_or", "circle.logical_not")),
    OpCase("where_tensor", lambda: Fn(lambda m, x, y: torch.where(x > y, x * 2, y)),
           lambda: (randn(2, 3, 4, seed=8), randn(2, 1, 4, seed=9)),
           aten=("where.self", "gt.Tensor"), circle=("circle.select_v2",),
           # onert 0.1.0 refuses quantized SELECT_V2: "Select: unsupported data type"
           onert=()),
    OpCase("where_scalar",
           lambda: Fn(lambda m, x, mask: (torch.where(x > 0.5, x, 0.0),
                                          torch.where(mask, -1.0, x + 1),
                                          torch.where(x < 0, 1.0, -1.0))),
           lambda: (randn(2, 3, 4, seed=10), _MASK),
           aten=("where.ScalarOther", "where.ScalarSelf", "where.Scalar"),
           circle=("circle.select_v2",),
           # onert 0.1.0 refuses quantized SELECT_V2: "Select: unsupported data type"
           onert=()),
    OpCase("masked_fill_softmax",
           lambda: Fn(lambda m, x, mask: (x.masked_fill(mask, float("-inf")).softmax(-1),
                                          x.masked_fill(~mask, -4.0))),
           lambda: (randn(2, 3, 4, seed=11), _MASK),
           aten=("masked_fill.Scalar",), circle=("circle.select_v2",),
           # onert 0.1.0 refuses quantized SELECT_V2: "Select: unsupported data type"
           onert=()),
    # a mask computed from a conv's (NHWC) output: the layout transposes sink through the
    # comparison and SELECT_V2 (element-wise) and cancel
    OpCase("conv_mask_where", lambda: Fn(_conv_mask_where, w=randn(4, 3, 3, 3, seed=13) / 4),
           lambda: (randn(1, 3, 6, 6, seed=14),),
           aten=("conv2d", "gt.Scalar", "where.ScalarOther"),
           circle=("circle.conv_2d", "circle.greater", "circle.select_v2"),
           # onert 0.1.0 refuses quantized SELECT_V2: "Select: unsupported data type"
           onert=()),
    # a boolean model output computed from a conv's output: the NHWC->NCHW transpose
    # sinks through the comparison and runs on the boolean tensor
    OpCase("conv_mask", lambda: Fn(lambda m, x: F.conv2d(x, m.w, padding=1) > 0.1,
                                   w=randn(4, 3, 3, 3, seed=13) / 4),
           lambda: (randn(1, 3, 6, 6, seed=14),),
           aten=("conv2d", "gt.Scalar"), circle=("circle.conv_2d", "circle.greater")),
    OpCase("any", lambda: Fn(lambda m, x: (torch.any(x > 0.5), torch.any(x > 1.0, dim=1),
                                           torch.any(x < -1.0, dim=(0, 2), keepdim=True))),
           lambda: (randn(2, 3, 4, seed=12),),
           aten=("any", "any.dim", "any.dims"), circle=("circle.reduce_any",)),
]

BY_NAME = {c.name: c for c in CASES}
