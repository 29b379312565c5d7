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

# -- indexing family: indexing, gathering, arg-reductions, tensor creation ----------------
# Runtime support (measured: LiteRT 2.3.0 BUILTIN_REF, onert 0.1.0) decides the tuples:
# LiteRT has no int16 ARG_MAX/ARG_MIN ("Unknown input type: 7"); onert has no GATHER_ND
# at all, no quantized TILE, and no uint8 REDUCE_MAX.
_IDX = torch.tensor([4, 0, 2])
_ROWS = torch.tensor([[0, 2, 1], [3, 3, 0]])
_TABLE = randn(6, 8, seed=7)
_NO_ARG_MAX_I16 = ("int8",)  # LiteRT: no int16 ARG_MAX/ARG_MIN kernel

CASES += [
    OpCase("select", lambda: Fn(lambda m, x: x.select(1, -2) * 2),
           lambda: (randn(2, 5, 3),), aten=("select.int",), circle=("circle.slice",)),
    OpCase("index_select", lambda: Fn(lambda m, x, i: torch.index_select(x, 1, i)),
           lambda: (randn(2, 5, 3), _IDX), aten=("index_select",), circle=("circle.gather",)),
    # constant index: folded into flat positions of the input (GATHER runs everywhere)
    OpCase("gather_const", lambda: Fn(lambda m, x: torch.gather(x, 1, m.i), i=_ROWS),
           lambda: (randn(2, 4),), aten=("gather",), circle=("circle.gather",)),
    # run-time index: GATHER_ND coordinates; onert has no GATHER_ND
    OpCase("gather_runtime", lambda: Fn(lambda m, x, i: torch.gather(x, 1, i)),
           lambda: (randn(2, 4), _ROWS), aten=("gather",), circle=("circle.gather_nd",),
           onert=()),
    OpCase("index_rows", lambda: Fn(lambda m, x, i: x[i]),
           lambda: (randn(5, 3), _IDX), aten=("index.Tensor",), circle=("circle.gather",)),
    # constant index with a negative entry (wrapped at compile time), inner dimension
    OpCase("index_cols_const", lambda: Fn(lambda m, x: x[:, m.i], i=torch.tensor([-1, 0, 2])),
           lambda: (randn(2, 5, 3),), aten=("index.Tensor",), circle=("circle.gather",)),
    OpCase("index_two_const", lambda: Fn(lambda m, x: x[m.i, m.j], i=_IDX, j=torch.tensor([1, -1, 0])),
           lambda: (randn(5, 3, 2),), aten=("index.Tensor",), circle=("circle.gather",)),
    # two run-time index tensors: GATHER_ND (onert has none)
    OpCase("index_two_runtime", lambda: Fn(lambda m, x, i, j: x[i, j]),
           lambda: (randn(5, 3), _IDX, torch.tensor([1, 2, 0])), aten=("index.Tensor",),
           circle=("circle.gather_nd",), onert=()),
    OpCase("argmax", lambda: Fn(lambda m, x: torch.argmax(x, dim=1)),
           lambda: (randn(2, 5, 3),), aten=("argmax",), circle=("circle.arg_max",),
           litert=_NO_ARG_MAX_I16),
    OpCase("argmax_keepdim", lambda: Fn(lambda m, x: torch.argmax(x * 2, dim=-1, keepdim=True)),
           lambda: (randn(2, 5, 3),), aten=("argmax",), circle=("circle.arg_max",),
           litert=_NO_ARG_MAX_I16),
    OpCase("argmin_flat", lambda: Fn(lambda m, x: torch.argmin(x)),
           lambda: (randn(2, 5, 3),), aten=("argmin",), circle=("circle.arg_min",),
           litert=_NO_ARG_MAX_I16),
    # values (REDUCE_MAX, input's qparams) and indices (ARG_MAX); onert has no uint8
    # REDUCE_MAX, LiteRT no int16 ARG_MAX
    OpCase("max_dim", lambda: Fn(lambda m, x: torch.max(x, dim=1)),
           lambda: (randn(2, 5, 3),), aten=("max.dim",),
           circle=("circle.reduce_max", "circle.arg_max"), litert=_NO_ARG_MAX_I16, onert=()),
    # TILE; onert has no quantized TILE
    OpCase("repeat", lambda: Fn(lambda m, x: x.repeat(2, 1, 2, 3)),
           lambda: (randn(2, 3, 2),), aten=("repeat",), circle=("circle.tile",), onert=()),
    OpCase("slice_scatter", lambda: Fn(lambda m, x, y: torch.slice_scatter(x, y, 1, 1, 3)),
           lambda: (randn(2, 5), randn(2, 2, seed=3)), aten=("slice_scatter",),
           circle=("circle.concatenation", "circle.slice")),
    # decomposed before quantization into a linear with a lower-triangular ones weight
    OpCase("cumsum", lambda: Fn(lambda m, x: torch.cumsum(x, 1)),
           lambda: (randn(2, 5, 3),), aten=("cumsum",), circle=("circle.fully_connected",)),
    # tensor creation: folded at import into (quantized) constants
    OpCase("ones_like", lambda: Fn(lambda m, x: x + torch.ones_like(x)),
           lambda: (randn(2, 5),), aten=("ones_like",), circle=("circle.add",)),
    OpCase("full_like", lambda: Fn(lambda m, x: x * torch.full_like(x, -0.5)),
           lambda: (randn(2, 5),), aten=("full_like",), circle=("circle.mul",)),
    OpCase("arange_add", lambda: Fn(lambda m, x: x + torch.arange(5, dtype=torch.float32)),
           lambda: (randn(2, 5),), aten=("arange",), circle=("circle.add",)),
    # position ids: an int64 arange indexing an embedding table (a constant GATHER index)
    OpCase("arange_positions",
           lambda: Fn(lambda m, x: x + F.embedding(torch.arange(1, 5), m.table), table=_TABLE),
           lambda: (randn(4, 8),), aten=("arange.start", "embedding"),
           circle=("circle.gather", "circle.add")),
    OpCase("zeros_ones_full",
           lambda: Fn(lambda m, x: torch.cat(
               [x + torch.zeros_like(x), torch.zeros(2, 3), torch.ones(2, 2),
                torch.full((2, 1), 0.75)], 1)),
           lambda: (randn(2, 4),), aten=("zeros", "ones", "full", "zeros_like"),
           circle=("circle.concatenation",)),
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


# ---- the README's per-op table --------------------------------------------------------

TABLE_HEADER = ("| ATen op(s) | case | quantized in | LiteRT bit-exact | onert bit-exact |\n"
                "| --- | --- | --- | --- | --- |")


def markdown_table() -> str:
    """The README's op table, one row per case (`python test/python/op_cases.py`)."""
    rows = [TABLE_HEADER]
    for c in CASES:
        schemes = [s for s in SCHEMES if s not in c.skip]
        quantized = ", ".join(schemes) if schemes else "-"
        if getattr(c, "allow_float", False):
            quantized += " (float kept: allow-float)"
        rows.append(f"| {', '.join(f'`{a}`' for a in c.aten)} | `{c.name}` | {quantized} | "
                    f"{', '.join(s for s in c.litert if s in schemes) or '-'} | "
                    f"{', '.join(s for s in c.onert if s in schemes) or '-'} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
