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

from compiler.dialects import circle
from compiler.ir.runtime_traits import no_integer_kernel

SCHEMES = ("uint8", "int8", "int16")


@dataclass(frozen=True)
class OpCase:
    """`aten`: the ATen op(s) the case covers (README table); `circle`: circle ops that
    must appear in every scheme's lowered module; `lsb`: how many output steps the
    interpreter may differ from torch's converted program (1: the rounding of one
    requantization; `lsb_int16` overrides it for int16); `litert`/`onert`: the schemes each runtime must run bit-exactly
    like the interpreter; `skip`: scheme -> why the case is not compiled in it (or why
    the interpreter cannot run it bit-exactly); `allow_float`: quantize and lower with
    allow-float (ops without integer kernels stay float between DEQUANTIZE and QUANTIZE;
    every other op must still be quantized)."""

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
    #: `lsb` for the int16 scheme, where it differs (None: `lsb`)
    lsb_int16: int | None = None
    #: LiteRT's op resolver for the `litert` schemes: the reference kernels, or
    #: "BUILTIN_WITHOUT_DEFAULT_DELEGATES" for a builtin BUILTIN_REF does not register
    #: (ELU), whose builtin kernel is then the oracle
    litert_resolver: str = "BUILTIN_REF"


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
    normal distribution (seeded), other tensors (indices, masks) reused. A positive
    input (the argument of log, sqrt, rsqrt) stays positive: its redrawn values are
    folded into (min, inf)."""
    batches = [inputs]
    for i in range(1, n):
        batches.append(tuple(_redrawn(x, 100 + i) for x in inputs))
    return batches


def _redrawn(x, seed: int):
    if not (isinstance(x, torch.Tensor) and x.is_floating_point()):
        return x
    r = randn(*x.shape, seed=seed) * x.abs().max().clamp(min=1) / 2
    return r.abs() + x.min() if bool((x > 0).all()) else r


def _conv_relu():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU())


def _seeded(make):
    """`make()` with torch's global seed fixed, so its parameters are deterministic."""
    torch.manual_seed(0)
    return make()


class _BatchNorms(nn.Module):
    """A standalone BatchNorm2d on a 4-D input and a BatchNorm1d on a 2-D one."""

    def __init__(self):
        super().__init__()
        self.bn2, self.bn1 = _with_init(nn.BatchNorm2d(4)), _with_init(nn.BatchNorm1d(3))

    def forward(self, x, y):
        return self.bn2(x), self.bn1(y)


class _ComputedWeights(nn.Module):
    """Weights computed from parameters in the forward: a weight-standardized conv and a
    weight-normalized linear (`compiler.quantize` folds them to constant weights)."""

    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(3)
        self.cw = nn.Parameter(torch.randn(4, 3, 3, 3, generator=g))
        self.cb = nn.Parameter(torch.randn(4, generator=g))
        self.v = nn.Parameter(torch.randn(5, 16, generator=g))
        self.g = nn.Parameter(torch.rand(5, 1, generator=g) + 0.5)

    def forward(self, x):
        w = self.cw - self.cw.mean((1, 2, 3), keepdim=True)
        w = w * torch.rsqrt(w.pow(2).mean((1, 2, 3), keepdim=True) + 1e-5)
        y = F.conv2d(x, w, self.cb, padding=1)
        return F.linear(y.flatten(1)[:, :16], self.v * self.g / self.v.norm(dim=1, keepdim=True))


def _batch_norms():
    return _BatchNorms().eval()


def _with_init(module: nn.Module) -> nn.Module:
    """`module` with every parameter and float buffer redrawn (seeded): norms and PReLU
    start at ones/zeros, which would not exercise their affine parts."""
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for t in [*module.parameters(), *module.buffers()]:
            if t.is_floating_point():
                t.copy_(torch.rand(t.shape, generator=g) + 0.5)
    return module




def _no_u8(op_class) -> str:
    """The uint8 skip of a case whose circle op no runtime runs in uint8, from the op's
    runtime traits (so the interpreter has no oracle for it either)."""
    reason = no_integer_kernel(op_class, "u8")
    assert reason, f"{op_class.__name__} runs in uint8 somewhere: run the case"
    return f"no uint8 kernel in any runtime: {reason}"


_NO_U8_ABS = _no_u8(circle.AbsOp)
_NO_U8_BMM = _no_u8(circle.BatchMatMulOp)
_NO_U8_EXP = _no_u8(circle.ExpOp)
_NO_U8_LOG = _no_u8(circle.LogOp)
_NO_U8_SQRT = _no_u8(circle.SqrtOp)
_NO_U8_RSQRT = _no_u8(circle.RsqrtOp)
#: int16 LOG / RSQRT: LiteRT interpolates a 513-entry table (the interpreter reproduces it
#: bit for bit) whose entries are clamped to the output range before the interpolation: in
#: the segment where the curve leaves the range (at the calibrated input minimum, where
#: log is at its output minimum and rsqrt at its maximum) the output is interpolated
#: towards the unclamped next entry. Measured on these cases: LOG 162 steps (~0.005) at
#: the input minimum, RSQRT 116 (~0.007); inside the range, 3 at most (LOG1P)
_LOG16_LSB, _RSQRT16_LSB, _LOG1P16_LSB = 162, 116, 3
#: norms: the rsqrt of the variance goes through a fixed-point RSQRT whose result can
#: differ from torch's float rsqrt by one step, which the following muls amplify
_NORM_LSB = 2
#: attention: TFLite's int16 SOFTMAX works from 513-entry exp and reciprocal tables with
#: linear interpolation, a step or two from torch's float softmax, which the product with
#: V sums over the keys (measured: 7 int16 steps; int8: within 1)
_ATTENTION_LSB = 8


CASES: list[OpCase] = [
    OpCase("conv2d_relu", _conv_relu, lambda: (randn(1, 3, 6, 6),),
           aten=("conv2d", "relu"), circle=("circle.conv_2d",)),
    OpCase("add_mul", lambda: Fn(lambda m, x, y: (x + y) * y),
           lambda: (randn(1, 8, seed=1), randn(1, 8, seed=2)),
           aten=("add.Tensor", "mul.Tensor"), circle=("circle.add", "circle.mul")),

    # -- element-wise math, norms, attention, dtype conversions; cases for existing ops --
    # Why a scheme or runtime is left out is said next to it; "no integer
    # kernel" means the interpreter refuses rather than approximates (docs/interpreter.md).
    OpCase("abs_neg", lambda: Fn(lambda m, x: torch.neg(torch.abs(x))),
           lambda: (randn(1, 8, seed=3),), aten=("abs", "neg"), circle=("circle.abs",),
           onert=(), skip={"uint8": _NO_U8_ABS}),
    OpCase("scalar_add_mul", lambda: Fn(lambda m, x: (x + 1) * 0.5 - 2),
           lambda: (randn(2, 8, seed=4),), aten=("add.Scalar", "mul.Scalar", "sub.Tensor"),
           circle=("circle.add", "circle.mul")),
    OpCase("sub", lambda: Fn(lambda m, x, y: x - y),
           lambda: (randn(2, 8, seed=5), randn(2, 8, seed=6)), aten=("sub.Tensor",),
           circle=("circle.sub",)),
    OpCase("div", lambda: Fn(lambda m, x, y: x / y / 4),
           lambda: (randn(2, 8, seed=5), randn(2, 8, seed=6).abs() + 0.5),
           aten=("div.Tensor", "div.Scalar"), circle=("circle.div",),
           onert=()),  # onert: no quantized DIV ("does not support non-float data types")
    OpCase("bmm_matmul", lambda: Fn(lambda m, x, y: (torch.bmm(x, y), x @ y)),
           lambda: (randn(2, 4, 6, seed=9), randn(2, 6, 3, seed=10)),
           aten=("bmm", "matmul"), circle=("circle.batch_matmul",),
           onert=(), skip={"uint8": _NO_U8_BMM}),
    # by a constant matrix: FULLY_CONNECTED with it as (per-channel) weights
    OpCase("mm_addmm",
           lambda: Fn(lambda m, x: (torch.mm(x, m.w), torch.addmm(m.b, x, m.w)),
                      w=randn(6, 5, seed=7), b=randn(5, seed=8)),
           lambda: (randn(4, 6, seed=9),), aten=("mm", "addmm"),
           circle=("circle.fully_connected",)),
    # weights computed from parameters (standardization, weight normalization): folded
    # to constant weights before quantization (a per-channel q/dq of a run-time tensor
    # has no kernel)
    OpCase("computed_weights", _ComputedWeights, lambda: (randn(1, 3, 4, 4, seed=63),),
           aten=("conv2d", "linear"), circle=("circle.conv_2d", "circle.fully_connected")),
    # alpha folded into the weights' scales (negative: the symmetric integers negated;
    # uint8's asymmetric weights refuse it), beta into the float bias quantize-bias quantizes
    OpCase("addmm_alpha_beta",
           lambda: Fn(lambda m, x: (torch.addmm(m.b, x, m.w, beta=0.5, alpha=2.0),
                                    torch.addmm(m.b, x, m.w, beta=-1.5, alpha=0.25)),
                      w=randn(6, 5, seed=7), b=randn(5, seed=8)),
           lambda: (randn(4, 6, seed=9),), aten=("addmm",),
           circle=("circle.fully_connected",)),
    OpCase("addmm_negative_alpha",
           lambda: Fn(lambda m, x: torch.addmm(m.b, x, m.w, beta=2.0, alpha=-0.5),
                      w=randn(6, 5, seed=7), b=randn(5, seed=8)),
           lambda: (randn(4, 6, seed=9),), aten=("addmm",),
           circle=("circle.fully_connected",), onert=(),
           skip={"uint8": "a negative alpha with asymmetric uint8 weights: a located error"}),
    OpCase("clamp", lambda: Fn(lambda m, x: torch.clamp(x, -0.5, 0.8)),
           lambda: (randn(1, 8, seed=11),), aten=("clamp",),
           circle=("circle.maximum", "circle.minimum"),
           # onert refuses a uint8->uint8 QUANTIZE: target-legalize requantizes in float
    ),
    OpCase("conv1d", lambda: _seeded(lambda: nn.Conv1d(3, 4, 3, padding=1)),
           lambda: (randn(1, 3, 8, seed=12),), aten=("conv1d",),
           circle=("circle.conv_2d",)),
    OpCase("conv2d_valid_depthwise",
           lambda: _seeded(lambda: nn.Conv2d(4, 8, 3, padding="valid", groups=4)),
           lambda: (randn(1, 4, 6, 6, seed=13),), aten=("conv2d.padding",),
           circle=("circle.depthwise_conv_2d",)),
    OpCase("conv2d_same_grouped",
           lambda: _seeded(lambda: nn.Conv2d(4, 4, 3, padding="same", groups=2)),
           lambda: (randn(1, 4, 6, 6, seed=13),), aten=("conv2d.padding",),
           circle=("circle.conv_2d",),
           # onert computes a grouped CONV_2D wrongly: target-legalize splits the groups
    ),
    OpCase("exp", lambda: Fn(lambda m, x: torch.exp(x)),
           lambda: (randn(1, 8, seed=14),), aten=("exp",), circle=("circle.exp",),
           onert=(), skip={"uint8": _NO_U8_EXP}),
    OpCase("log", lambda: Fn(lambda m, x: torch.log(x)),
           lambda: (randn(1, 8, seed=15).abs() + 0.2,), aten=("log",), circle=("circle.log",),
           lsb_int16=_LOG16_LSB, onert=(), skip={"uint8": _NO_U8_LOG}),
    OpCase("sqrt", lambda: Fn(lambda m, x: torch.sqrt(x)),
           lambda: (randn(1, 8, seed=15).abs() + 0.2,), aten=("sqrt",),
           circle=("circle.sqrt",), onert=(),
           skip={"uint8": _NO_U8_SQRT}),
    OpCase("rsqrt", lambda: Fn(lambda m, x: torch.rsqrt(x)),
           lambda: (randn(1, 8, seed=16).abs() + 0.2,), aten=("rsqrt",),
           circle=("circle.rsqrt",), lsb_int16=_RSQRT16_LSB, onert=(),
           skip={"uint8": _NO_U8_RSQRT}),
    OpCase("reciprocal", lambda: Fn(lambda m, x: torch.reciprocal(x)),
           lambda: (randn(1, 8, seed=17).abs() + 0.5,), aten=("reciprocal",),
           circle=("circle.div",), onert=()),  # onert: no quantized DIV
    OpCase("maximum_minimum",
           lambda: Fn(lambda m, x, y: (torch.maximum(x, y), torch.minimum(x, y))),
           lambda: (randn(1, 8, seed=18), randn(1, 8, seed=19)),
           aten=("maximum", "minimum"), circle=("circle.maximum", "circle.minimum"),
           # onert refuses a uint8->uint8 QUANTIZE: target-legalize requantizes in float
    ),
    OpCase("leaky_relu", lambda: Fn(lambda m, x: F.leaky_relu(x, 0.2)),
           lambda: (randn(1, 8, seed=20),), aten=("leaky_relu",),
           circle=("circle.leaky_relu",), onert=()),  # onert: no quantized LEAKY_RELU
    OpCase("prelu", lambda: _seeded(lambda: _with_init(nn.PReLU(4))),
           lambda: (randn(1, 4, 3, 3, seed=21),), aten=("prelu",),
           circle=("circle.prelu",),  # int16: 16x8, the slope is int8
           onert=()),  # onert: "KernelGenerator: NYI for operation 'PReLU'"
    OpCase("relu6_hardtanh",
           lambda: Fn(lambda m, x: (F.relu6(x * 4), F.hardtanh(x, -0.5, 0.5))),
           lambda: (randn(1, 8, seed=22),), aten=("relu6", "hardtanh"),
           circle=("circle.mul",),
           # onert refuses a uint8->uint8 QUANTIZE: target-legalize requantizes in float
    ),
    OpCase("sigmoid_tanh", lambda: Fn(lambda m, x: (torch.sigmoid(x), torch.tanh(x))),
           lambda: (randn(1, 8, seed=23),), aten=("sigmoid", "tanh"),
           circle=("circle.logistic", "circle.tanh"),
           # int16: TFLite interpolates a 256-entry sigmoid table; measured 2 steps (of
           # 2^-15) from torch's exact sigmoid/tanh at most (LiteRT agrees bit for bit)
           lsb=2),
    OpCase("silu", lambda: Fn(lambda m, x: F.silu(x)),
           lambda: (randn(1, 8, seed=24),), aten=("silu",),
           circle=("circle.logistic", "circle.mul")),
    OpCase("gelu", lambda: Fn(lambda m, x: (F.gelu(x), F.gelu(x, approximate="tanh"))),
           lambda: (randn(1, 8, seed=25),), aten=("gelu",), circle=("circle.gelu",),
           onert=()),  # onert: no quantized GELU ("OperationValidator")
    OpCase("softmax", lambda: Fn(lambda m, x: (F.softmax(x, -1), F.softmax(x, 1))),
           lambda: (randn(1, 3, 5, seed=26),), aten=("softmax.int",),
           circle=("circle.softmax",)),
    OpCase("log_softmax", lambda: Fn(lambda m, x: F.log_softmax(x, -1)),
           lambda: (randn(2, 6, seed=27),), aten=("log_softmax.int",),
           # onert refuses int8 ("LogSoftmax : unsupported data type")
           circle=("circle.log_softmax",), litert=("int8", "uint8"), onert=("uint8",),
           skip={"int16": "LiteRT has no int16 LOG_SOFTMAX (nor the interpreter)"}),
    OpCase("mean_dim", lambda: Fn(lambda m, x: x.mean((2, 3), keepdim=True)),
           lambda: (randn(1, 3, 4, 4, seed=28),), aten=("mean.dim",),
           circle=("circle.mean",), onert=()),  # onert's uint8 MEAN rounds once: 1 LSB off
    # LiteRT's reference SUM is wrong in int8 (it reads the int8 bytes as uint8, see
    # CircleFunctions.sum_int) and in int16 (measured: every output differs): its builtin
    # kernels are the oracle. onert: no uint8 SUM.
    OpCase("sum_dim", lambda: Fn(lambda m, x: (x.sum(1), x.sum(-1, keepdim=True))),
           lambda: (randn(1, 3, 4, 4, seed=28),), aten=("sum.dim_IntList",),
           circle=("circle.sum",), onert=(),
           litert_resolver="BUILTIN_WITHOUT_DEFAULT_DELEGATES"),
    OpCase("layer_norm", lambda: _seeded(lambda: _with_init(nn.LayerNorm(8))),
           lambda: (randn(2, 3, 8, seed=29),), aten=("layer_norm",),
           circle=("circle.rsqrt", "circle.mean"), lsb=_NORM_LSB,
           onert=(), skip={"uint8": _NO_U8_RSQRT}),
    OpCase("group_norm", lambda: _seeded(lambda: _with_init(nn.GroupNorm(2, 4))),
           lambda: (randn(1, 4, 3, 3, seed=30),), aten=("group_norm",),
           circle=("circle.rsqrt", "circle.mean"), lsb=_NORM_LSB,
           onert=(), skip={"uint8": _NO_U8_RSQRT}),
    OpCase("rms_norm", lambda: _seeded(lambda: _with_init(nn.RMSNorm(8, eps=1e-5))),
           lambda: (randn(2, 8, seed=31),), aten=("rms_norm",),
           circle=("circle.rsqrt", "circle.mean"), lsb=_NORM_LSB,
           onert=(), skip={"uint8": _NO_U8_RSQRT}),
    # standalone (not after a conv): one 1x1 DEPTHWISE_CONV_2D per batch norm
    OpCase("batch_norm", _batch_norms,
           lambda: (randn(1, 4, 3, 3, seed=32), randn(5, 3, seed=60)), aten=("batch_norm",),
           circle=("circle.depthwise_conv_2d",)),
    OpCase("interpolate",
           lambda: Fn(lambda m, x: (F.interpolate(x, scale_factor=2, mode="nearest"),
                                    F.interpolate(x, size=(5, 7), mode="bilinear",
                                                  align_corners=True))),
           lambda: (randn(1, 2, 3, 4, seed=33),),
           aten=("upsample_nearest2d.vec", "upsample_bilinear2d.vec"),
           circle=("circle.resize_nearest_neighbor", "circle.resize_bilinear"),
           onert=()),  # onert: "NYI for operation 'ResizeNearestNeighbor'"
    # a YOLO neck's nn.Upsample(scale_factor=2): onert refuses RESIZE_NEAREST_NEIGHBOR;
    # its target-legalize rewrite concatenates copies
    OpCase("upsample_nearest",
           lambda: Fn(lambda m, x: (nn.functional.interpolate(x, scale_factor=(2, 3),
                                                              mode="nearest"),)),
           lambda: (randn(1, 2, 3, 4, seed=33),), aten=("upsample_nearest2d.vec",),
           circle=("circle.resize_nearest_neighbor",), onert=()),
    # half-pixel bilinear: in int16 LiteRT's kernel (which the interpreter reproduces bit
    # for bit) is up to 59 output steps (~0.006) from torch's dequantize-resize-quantize
    OpCase("interpolate_bilinear_half_pixel",
           lambda: Fn(lambda m, x: F.interpolate(x, size=(5, 7), mode="bilinear",
                                                 align_corners=False)),
           lambda: (randn(1, 2, 3, 4, seed=33),), aten=("upsample_bilinear2d.vec",),
           circle=("circle.resize_bilinear",), lsb=64,
           onert=()),  # onert's uint8 RESIZE_BILINEAR truncates: 1 step (its tolerance)
    OpCase("shape_ops",
           lambda: Fn(lambda m, x: (x.permute(0, 2, 3, 1).transpose(1, 2).reshape(1, 12, 2)
                                    .view(1, 24).unflatten(1, (4, 6)).unsqueeze(0)
                                    .squeeze(0).flatten() * 2)),
           lambda: (randn(1, 2, 3, 4, seed=34),),
           aten=("permute", "transpose.int", "reshape", "view", "flatten.using_ints",
                 "unflatten.int", "squeeze", "unsqueeze"),
           circle=("circle.transpose", "circle.reshape")),
    OpCase("slice_cat", lambda: Fn(lambda m, x: torch.cat([x[:, 1:3], x[:, :1]], 1)),
           lambda: (randn(1, 4, 3, seed=35),), aten=("slice.Tensor", "cat"),
           circle=("circle.concatenation",)),
    OpCase("split_chunk",
           lambda: Fn(lambda m, x: torch.cat(
               [*torch.split(x, 2, 1), *torch.split(x, [1, 3], 1), *torch.chunk(x, 2, 1)], 1)),
           lambda: (randn(1, 4, 3, seed=35),),
           aten=("split.Tensor", "split_with_sizes", "chunk"),
           circle=("circle.concatenation",),
           # onert's uint8 SPLIT/SPLIT_V come out as zeros: target-legalize slices instead
    ),
    OpCase("constant_pad_nd", lambda: Fn(lambda m, x: F.pad(x, (1, 1, 2, 0))),
           lambda: (randn(1, 2, 3, 3, seed=37),), aten=("constant_pad_nd",),
           circle=("circle.pad",)),
    OpCase("embedding", lambda: _seeded(lambda: nn.Embedding(10, 4)),
           lambda: (torch.tensor([[1, 3, 9, 0]]),), aten=("embedding",),
           circle=("circle.gather",)),
    # ceil_mode (GoogLeNet's, Inception's): the extra last window, padded explicitly
    OpCase("max_pool_ceil",
           lambda: Fn(lambda m, x: (F.max_pool2d(x, 3, 2, 0, ceil_mode=True),
                                    F.max_pool2d(x, 3, 2, 1, ceil_mode=True))),
           lambda: (randn(1, 3, 8, 6, seed=38),), aten=("max_pool2d",),
           circle=("circle.max_pool_2d", "circle.padv2")),
    OpCase("pools", lambda: Fn(lambda m, x: (F.avg_pool2d(x, 2), F.max_pool2d(x, 3, 2, 1))),
           lambda: (randn(1, 3, 6, 6, seed=38),), aten=("avg_pool2d", "max_pool2d"),
           circle=("circle.average_pool_2d", "circle.max_pool_2d")),
    OpCase("adaptive_avg_pool2d", lambda: Fn(lambda m, x: F.adaptive_avg_pool2d(x, 1)),
           lambda: (randn(1, 3, 6, 6, seed=38),), aten=("adaptive_avg_pool2d",),
           circle=("circle.mean",), onert=()),  # onert's uint8 MEAN: 1 LSB off
    OpCase("conv_transpose2d",
           lambda: _seeded(lambda: nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1,
                                                      output_padding=1)),
           lambda: (randn(1, 4, 3, 3, seed=39),), aten=("conv_transpose2d.input",),
           circle=("circle.transpose_conv",),
           onert=()),  # onert: no quantized TRANSPOSE_CONV
    # kernel = stride (a U-Net's upsampling): onert refuses TRANSPOSE_CONV; its
    # target-legalize rewrite is a 1x1 CONV_2D and a depth-to-space reordering
    OpCase("conv_transpose2d_k2s2",
           lambda: _seeded(lambda: nn.Sequential(nn.ConvTranspose2d(4, 3, 2, stride=2),
                                                 nn.ReLU())),
           lambda: (randn(1, 4, 3, 5, seed=39),), aten=("conv_transpose2d.input",),
           circle=("circle.transpose_conv",), onert=()),  # circle: before target-legalize
    # LiteRT's BUILTIN_REF resolver does not register ELU; its builtin int8 ELU is the
    # same lookup table. uint8: no runtime has the kernel (onert refuses the model).
    OpCase("elu", lambda: Fn(lambda m, x: F.elu(x)),
           lambda: (randn(1, 16, seed=40) * 2,), aten=("elu",), circle=("circle.elu",),
           litert=("int8",), onert=(), litert_resolver="BUILTIN_WITHOUT_DEFAULT_DELEGATES",
           # int16: no runtime has an ELU kernel (compiler.frontend.float_ops): an error
           # unless allow-float
           skip={"int16": "LiteRT has no int16 ELU: float-only in int16"}),
    # decomposed before quantization (compiler/frontend/decompose.py)
    OpCase("log1p", lambda: Fn(lambda m, x: torch.log1p(x)),
           lambda: (randn(1, 8, seed=41).abs(),), aten=("log1p",),
           circle=("circle.add", "circle.log"), lsb_int16=_LOG1P16_LSB, onert=(),
           skip={"uint8": _NO_U8_LOG}),
    OpCase("instance_norm", lambda: _seeded(lambda: _with_init(nn.InstanceNorm2d(3, affine=True))),
           lambda: (randn(2, 3, 4, 4, seed=42),), aten=("instance_norm",),
           circle=("circle.rsqrt", "circle.mean"), lsb=_NORM_LSB,
           onert=(), skip={"uint8": _NO_U8_RSQRT}),
    OpCase("sdpa", lambda: Fn(lambda m, q, k, v, mask: (
               F.scaled_dot_product_attention(q, k, v),
               F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=0.5))),
           lambda: (randn(1, 2, 4, 8, seed=43), randn(1, 2, 5, 8, seed=44),
                    randn(1, 2, 5, 8, seed=45), randn(4, 5, seed=46)),
           aten=("scaled_dot_product_attention",),
           circle=("circle.batch_matmul", "circle.softmax"), lsb=_ATTENTION_LSB,
           onert=(), skip={"uint8": _NO_U8_BMM}),
    # causal: the masked logits set below their row's minimum before the softmax
    # (decompose._masked_logits: exact), no SUM/DIV renormalization, so LiteRT's reference
    # kernels run it (its reference SUM wraps above the range; see sum_dim)
    OpCase("sdpa_causal", lambda: Fn(lambda m, q, k, v: F.scaled_dot_product_attention(
               q, k, v, is_causal=True)),
           lambda: (randn(1, 2, 4, 8, seed=47), randn(1, 2, 4, 8, seed=48),
                    randn(1, 2, 4, 8, seed=49)),
           aten=("scaled_dot_product_attention",),
           circle=("circle.batch_matmul", "circle.softmax", "circle.select_v2",
                   "circle.reduce_max"),
           lsb=_ATTENTION_LSB, onert=(), skip={"uint8": _NO_U8_BMM}),
    # a boolean mask (True = attend): the masked logits set below their row's minimum by
    # SELECT_V2 before the softmax (exact; see decompose._masked_logits)
    OpCase("sdpa_bool_mask", lambda: Fn(lambda m, q, k, v, mask: F.scaled_dot_product_attention(
               q, k, v, attn_mask=mask)),
           lambda: (randn(1, 2, 4, 8, seed=50), randn(1, 2, 5, 8, seed=51),
                    randn(1, 2, 5, 8, seed=52), randn(4, 5, seed=53) > -0.5),
           aten=("scaled_dot_product_attention",),
           circle=("circle.batch_matmul", "circle.softmax", "circle.select_v2"),
           lsb=_ATTENTION_LSB, onert=(), skip={"uint8": _NO_U8_BMM}),
    # grouped-query attention: key/value heads broadcast (TILE) to their query groups
    OpCase("sdpa_gqa", lambda: Fn(lambda m, q, k, v: F.scaled_dot_product_attention(
               q, k, v, enable_gqa=True)),
           lambda: (randn(1, 4, 3, 8, seed=54), randn(1, 2, 5, 8, seed=55),
                    randn(1, 2, 5, 8, seed=56)),
           aten=("scaled_dot_product_attention",),
           circle=("circle.batch_matmul", "circle.softmax", "circle.tile"),
           lsb=_ATTENTION_LSB, onert=(), skip={"uint8": _NO_U8_BMM}),
    # SQRT truncates (LiteRT) where torch rounds: with the ADD before it, up to 2 steps
    OpCase("pow", lambda: Fn(lambda m, x: (x ** 2, x ** 3, torch.pow(x.abs() + 0.5, 0.5))),
           lambda: (randn(1, 8, seed=50),), aten=("pow.Tensor_Scalar",),
           circle=("circle.mul", "circle.sqrt"), lsb=2,
           onert=(),  # onert: no uint8 SQRT (and the interpreter no uint8 ABS)
           skip={"uint8": _NO_U8_ABS}),
    # `2 - x`: torch.export records aten.rsub.Scalar (a SUB from a constant)
    OpCase("rsub_scalar", lambda: Fn(lambda m, x: (2 - x, torch.relu(0.5 - x))),
           lambda: (randn(1, 8, seed=52),), aten=("rsub.Scalar",), circle=("circle.sub",)),
    OpCase("pow_reciprocal", lambda: Fn(lambda m, x: x ** -1),
           lambda: (randn(1, 8, seed=51).abs() + 0.5,), aten=("pow.Tensor_Scalar",),
           circle=("circle.div",), onert=()),  # onert: no quantized DIV
    OpCase("clamp_tensor", lambda: Fn(lambda m, x, lo, hi: torch.clamp(x, lo, hi)),
           lambda: (randn(2, 8, seed=52), randn(1, 8, seed=53) - 1, randn(1, 8, seed=54) + 1),
           aten=("clamp.Tensor",), circle=("circle.maximum", "circle.minimum"),
           # onert refuses a uint8->uint8 QUANTIZE: target-legalize requantizes in float
    ),
    OpCase("hardsigmoid", lambda: Fn(lambda m, x: F.hardsigmoid(x)),
           lambda: (randn(1, 8, seed=55) * 3,), aten=("hardsigmoid",),
           circle=("circle.add", "circle.mul")),
    OpCase("to_float", lambda: Fn(lambda m, x: x.to(torch.float32) * 2),
           lambda: (randn(1, 8, seed=56),), aten=("to.dtype",), circle=("circle.mul",)),
    # runtime weights: a weight that is a model input, quantized per channel (per tensor
    # for linear in the uint8 scheme)
    OpCase("runtime_weights",
           lambda: Fn(lambda m, x, w, cw: (F.linear(x, w), F.conv2d(x.reshape(1, 2, 2, 2), cw))),
           lambda: (randn(1, 8, seed=57), randn(4, 8, seed=58), randn(3, 2, 1, 1, seed=59)),
           aten=("linear", "conv2d"), circle=("circle.fully_connected", "circle.conv_2d"),
           onert=()),  # onert crashes (segmentation fault) on weights that are model inputs
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
    # position ids: an int64 arange indexing an embedding table; data-independent, so the
    # embedded positions fold into one constant before quantization (no GATHER left)
    OpCase("arange_positions",
           lambda: Fn(lambda m, x: x + F.embedding(torch.arange(1, 5), m.table), table=_TABLE),
           lambda: (randn(4, 8),), aten=("arange.start", "embedding"),
           circle=("circle.add",)),
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
    # FLOOR: an op the aten dialect had no schema line for (defined from ATen's schema)
    OpCase("floor", lambda: Fn(lambda m, x: torch.floor(x * 4) + x),
           lambda: (randn(2, 8, seed=6),), aten=("floor",),
           circle=("circle.floor", "circle.dequantize", "circle.quantize"), allow_float=True),
    # x ** y of two tensors (the base kept positive: a negative one with a fractional
    # exponent is NaN); float-only, so POW stays float between DEQUANTIZE and QUANTIZE
    OpCase("pow_tensor", lambda: Fn(lambda m, x, y: torch.pow(x * x + 1, y) + x),
           lambda: (randn(2, 8, seed=8), randn(2, 8, seed=9)), aten=("pow.Tensor_Tensor",),
           circle=("circle.pow", "circle.dequantize", "circle.quantize"), allow_float=True),
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
    # truth values of float and integer tensors: `x != 0` (exact on the quantized grid),
    # then REDUCE_ANY / logical ops; the float input has exact zeros
    OpCase("any_logic_nonbool",
           lambda: Fn(lambda m, x, i: (torch.any(x, dim=-1), torch.any(i, dim=0),
                                       torch.logical_not(x), torch.logical_and(x, i))),
           lambda: (randn(2, 3, 4, seed=61) * (randn(2, 3, 4, seed=62) > 0), torch.tensor([[0, 1, 0, 2], [0, 0, 0, 3]] * 3)
                    .reshape(2, 3, 4)),
           aten=("any.dim", "logical_not", "logical_and"),
           circle=("circle.reduce_any", "circle.not_equal")),
    # comparisons with int64 tensors (torch promotes): a one-valued constant is a scalar
    # threshold (exact on the quantized grid), mixed integer widths compare in the wider
    OpCase("compare_int64",
           lambda: Fn(lambda m, x, i: (x > m.one, m.one <= x, i.to(torch.int32) == m.two),
                      one=torch.tensor(1), two=torch.tensor(2)),
           lambda: (torch.linspace(-3, 3, 48).reshape(2, 3, 8), torch.tensor([[1, 2, 3, 2]])),
           aten=("gt.Tensor", "le.Tensor", "eq.Tensor"),
           circle=("circle.greater", "circle.cast")),
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

# -- broadcast: expand is a TILE of the reshaped input (shares its qparams); a non-zero
# pad value is PADV2 with the value quantized with the input's qparams
CASES += [
    OpCase("pad_value", lambda: Fn(lambda m, x: F.pad(x, (1, 2, 0, 1), value=0.5)),
           lambda: (randn(1, 2, 3, 4, seed=42),), aten=("constant_pad_nd",),
           circle=("circle.padv2",)),
    OpCase("expand", lambda: Fn(lambda m, x, y: (x.expand(2, 3, 4), y.expand(2, 5, 3) + 1)),
           lambda: (randn(1, 3, 1, seed=40), randn(5, 1, seed=41)), aten=("expand",),
           circle=("circle.tile",),
           onert=()),  # onert 0.1.0: quantized TILE fails at run time ("NYI" for uint8)
]

# -- conversions: integer/bool CAST; bool -> float as SELECT_V2 of quantized 1 and 0


def _conversions(m, x, idx):
    return ((x > 0).to(torch.float32) * x + x,            # a mask used in arithmetic
            idx.to(torch.int32), (idx > 2).to(torch.int64),
            F.embedding(idx.to(torch.int32), m.table))


CASES += [
    OpCase("to_dtype", lambda: Fn(_conversions, table=randn(8, 3, seed=44)),
           lambda: (randn(2, 4, seed=43), torch.tensor([[1, 5, 2, 7]])),
           aten=("_to_copy",), circle=("circle.cast", "circle.select_v2"),
           onert=()),  # onert 0.1.0 refuses quantized SELECT_V2 ("unsupported data type")
    # float -> int (truncation) and int -> float: CASTs on float values, a float island
    # between DEQUANTIZE and QUANTIZE (allow-float; an error without it)
    OpCase("cast_float_int", lambda: Fn(lambda m, x: (
               (x * 4).to(torch.int32), (x * 4).to(torch.int64).to(torch.float32) * 0.5)),
           lambda: (randn(2, 8, seed=60),), aten=("to.dtype",), circle=("circle.cast",),
           allow_float=True),
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
