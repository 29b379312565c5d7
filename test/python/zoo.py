"""A zoo of tiny deterministic models, float and PT2E-quantized, for every test suite.

    from zoo import MODELS, example_inputs, float_program, quantized_program
    ep = quantized_program("conv_bn_relu", "int8")     # torch.export.ExportedProgram
    y = ep.module()(*example_inputs("conv_bn_relu"))   # the converted (q/dq) torch model

Every model is built from a fixed seed and fed fixed inputs, so two processes get the
same weights, qparams and outputs. Each is small enough that export + prepare +
calibrate + convert + re-export takes well under a second (after the first export of a
process, which costs ~0.6 s). Results are cached per process: treat the returned
programs as read-only.

QAT models are the exception: torchao's `convert_pt2e` folds conv+BN by strict-exporting
114 pattern graphs (~15 s on this machine, whatever the model's size). Their converted
programs are therefore also cached on disk (`torch.export.save`, in
`$PT2E_ZOO_CACHE` or the temp directory), keyed by the torch/torchao versions and a hash
of this file and of the quantizer's sources, so a change to either re-quantizes.

| name              | what it covers                                                  |
| ----------------- | --------------------------------------------------------------- |
| linear            | Linear(16, 8)                                                   |
| conv_bn_relu      | Conv2d(no bias) + BatchNorm2d (folded) + ReLU                   |
| depthwise         | depthwise Conv2d (groups = channels) + ReLU6                    |
| residual_add      | conv-relu-conv + skip connection, add + relu                    |
| pools             | conv, max_pool2d, avg_pool2d, adaptive_avg_pool2d, flatten, linear |
| mobilenet_block   | MobileNetV2 inverted residual (expand, depthwise, project, add) |
| transformer_block | encoder block: layer_norm, attention (matmul, softmax), gelu MLP |
| activations       | sigmoid, tanh, hardswish, silu, leaky_relu, cat, split, pad, interpolate, mean |
| conv_transpose    | ConvTranspose2d (IOHW weight: per-channel along axis 1) + ReLU  |
| embedding         | Embedding (int64 index input, table range shared by the rows), mean, Linear |
| qat_conv_bn       | Conv-BN-ReLU through prepare_qat_pt2e (fake-quant), then converted |
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

SCHEMES = ("uint8", "int8", "int16")
SEED = 0


class Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 8)

    def forward(self, x):
        return self.fc(x)


class ConvBnRelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class Depthwise(nn.Module):
    def __init__(self):
        super().__init__()
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.act = nn.ReLU6()

    def forward(self, x):
        return self.act(self.dw(x))


class ResidualAdd(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1)

    def forward(self, x):
        y = F.relu(self.conv1(x))
        y = self.conv2(y)
        return F.relu(y + x)


class Pools(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        y = F.relu(self.conv(x))
        y = F.max_pool2d(y, 2)
        y = F.avg_pool2d(y, 2)
        y = F.adaptive_avg_pool2d(y, 1)
        return self.fc(torch.flatten(y, 1))


class InvertedResidual(nn.Module):
    """MobileNetV2's block: 1x1 expand + ReLU6, 3x3 depthwise + ReLU6, 1x1 project, add."""

    def __init__(self, channels: int = 8, expansion: int = 2):
        super().__init__()
        hidden = channels * expansion
        self.expand = nn.Sequential(
            nn.Conv2d(channels, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6()
        )
        self.depthwise = nn.Sequential(
            nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU6(),
        )
        self.project = nn.Sequential(nn.Conv2d(hidden, channels, 1, bias=False), nn.BatchNorm2d(channels))

    def forward(self, x):
        return x + self.project(self.depthwise(self.expand(x)))


class TransformerBlock(nn.Module):
    """A pre-norm encoder block: LN, 2-head self-attention, residual, LN, GELU MLP, residual."""

    def __init__(self, dim: int = 16, heads: int = 2):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, 2 * dim)
        self.fc2 = nn.Linear(2 * dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.ln1(x)).reshape(b, n, 3, h, d // h).permute(2, 0, 3, 1, 4)
        att = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / (d // h) ** 0.5)
        att = torch.softmax(att, dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, n, d)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class Activations(nn.Module):
    """Fixed-range activations, concatenation, splitting, padding and resizing."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)

    def forward(self, x):
        y = self.conv(x)
        a, b = torch.split(y, 2, dim=1)
        z = torch.cat([torch.sigmoid(a), torch.tanh(b), F.hardswish(y), F.silu(y)], dim=1)
        z = F.leaky_relu(F.pad(z, (1, 1, 1, 1)), 0.1)
        z = F.interpolate(z, scale_factor=2.0, mode="nearest")
        return torch.softmax(z.mean(dim=(2, 3)), dim=-1)


class ConvTranspose(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1)

    def forward(self, x):
        return F.relu(self.up(x))


class EmbeddingMean(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(16, 8)
        self.fc = nn.Linear(8, 4)

    def forward(self, idx):
        return self.fc(self.emb(idx).mean(dim=1))


@dataclass(frozen=True)
class ZooModel:
    build: Callable[[], nn.Module]
    input_shapes: tuple[tuple[int, ...], ...]
    is_qat: bool = False
    #: inputs are int64 indices in [0, index_range) instead of float32 samples
    index_range: int | None = None
    #: schemes in which some op has no integer kernel in any runtime
    #: (`compiler.frontend.float_ops`): quantized with allow-float, those ops stay float
    float_in: tuple[str, ...] = ()


def allow_float(name: str, scheme: str) -> bool:
    """Whether `name` is quantized (and must be lowered) with allow-float in `scheme`."""
    return scheme in MODELS[name].float_in


MODELS: dict[str, ZooModel] = {
    "linear": ZooModel(Linear, ((4, 16),)),
    "conv_bn_relu": ZooModel(ConvBnRelu, ((1, 3, 8, 8),)),
    "depthwise": ZooModel(Depthwise, ((1, 8, 6, 6),)),
    "residual_add": ZooModel(ResidualAdd, ((1, 4, 6, 6),)),
    "pools": ZooModel(Pools, ((1, 3, 8, 8),)),
    "mobilenet_block": ZooModel(InvertedResidual, ((1, 8, 6, 6),)),
    # uint8: no runtime has a uint8 RSQRT (layer norm) or activation-by-activation
    # BATCH_MATMUL (attention)
    "transformer_block": ZooModel(TransformerBlock, ((1, 6, 16),), float_in=("uint8",)),
    "activations": ZooModel(Activations, ((1, 3, 4, 4),)),
    "conv_transpose": ZooModel(ConvTranspose, ((1, 4, 4, 4),)),
    "embedding": ZooModel(EmbeddingMean, ((2, 5),), index_range=16),
    "qat_conv_bn": ZooModel(ConvBnRelu, ((2, 3, 8, 8),), is_qat=True),
}


def _randomize_batch_norms(model: nn.Module) -> None:
    """Non-trivial BN statistics, so that folding them changes the weights."""
    g = torch.Generator().manual_seed(SEED + 1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=g) * 0.1)


def float_model(name: str) -> nn.Module:
    """A fresh float model (eval mode; train mode for QAT models), same weights every call."""
    torch.manual_seed(SEED)
    spec = MODELS[name]
    model = spec.build()
    with torch.no_grad():
        _randomize_batch_norms(model)
    return model.train() if spec.is_qat else model.eval()


def _inputs(name: str, seed: int) -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(seed)
    spec = MODELS[name]
    if spec.index_range is not None:
        return tuple(torch.randint(0, spec.index_range, s, generator=g) for s in spec.input_shapes)
    return tuple(torch.randn(s, generator=g) for s in spec.input_shapes)


def example_inputs(name: str) -> tuple[torch.Tensor, ...]:
    """The inputs the model is exported with (and tests run on)."""
    return _inputs(name, SEED + 100)


def calibration_data(name: str, batches: int = 4) -> list[tuple[torch.Tensor, ...]]:
    """Calibration batches (distinct from `example_inputs`)."""
    return [_inputs(name, SEED + 200 + i) for i in range(batches)]


@functools.cache
def float_program(name: str) -> torch.export.ExportedProgram:
    """`torch.export.export` of the float model in eval mode (QAT models too)."""
    torch.set_num_threads(1)
    return torch.export.export(float_model(name).eval(), example_inputs(name))


@functools.cache
def quantized_program(name: str, scheme: str, per_channel: bool = True) -> torch.export.ExportedProgram:
    """The model quantized with `CircleQuantizer(scheme)`, converted and re-exported.

    QAT models go through `prepare_qat_pt2e`: calibration runs in train mode (fake
    quantization, BN statistics), then the model is moved to eval mode and converted.
    """
    from compiler.frontend import quantize

    torch.set_num_threads(1)

    def run() -> torch.export.ExportedProgram:
        return quantize(
            float_model(name),
            example_inputs(name),
            calibration_data(name),
            scheme=scheme,
            is_qat=MODELS[name].is_qat,
            per_channel=per_channel,
            allow_float=allow_float(name, scheme),
            progress=False,
        )

    if not MODELS[name].is_qat:
        return run()
    return _disk_cached(f"{name}-{scheme}-{'pc' if per_channel else 'pt'}", run)


def _cache_key() -> str:
    import compiler.frontend.decompose as decompose
    import compiler.frontend.quantizer as quantizer
    import compiler.frontend.schemes as schemes
    import compiler.frontend.variants as variants
    import compiler.frontend.workflow as workflow
    import torchao

    h = hashlib.sha256(f"{torch.__version__}|{torchao.__version__}".encode())
    # the annotations derive from the legalizations' declared circle ops and their traits
    compiler_root = Path(quantizer.__file__).parents[1]
    derived_from = sorted([*(compiler_root / "transforms" / "legalize").glob("*.py"),
                           *(compiler_root / "dialects").glob("*.py"),
                           *(compiler_root / "ir").glob("*.py")])
    for module_file in (__file__, quantizer.__file__, schemes.__file__, workflow.__file__,
                        decompose.__file__, variants.__file__, *derived_from,
                        compiler_root / "frontend" / "annotation_kinds.py",
                        compiler_root / "frontend" / "float_ops.py"):
        h.update(Path(module_file).read_bytes())
    return h.hexdigest()[:16]


def _disk_cached(tag: str, run: Callable[[], torch.export.ExportedProgram]):
    import torch.ao.quantization.fx._decomposed  # noqa: F401  (ops needed to load)

    root = Path(os.environ.get("PT2E_ZOO_CACHE") or Path(tempfile.gettempdir()) / (
        f"pt2e-circle-zoo-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    ))
    path = root / f"{tag}-{_cache_key()}.pt2"
    if path.is_file():
        try:
            return torch.export.load(path)
        except Exception:
            pass  # a partial or foreign file: rebuild it
    ep = run()
    root.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".tmp-", suffix=".pt2")
    os.close(fd)
    torch.export.save(ep, tmp)
    os.replace(tmp, path)  # atomic: concurrent test processes never see a partial file
    return ep
