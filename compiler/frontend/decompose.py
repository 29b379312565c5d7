"""Decompose, before quantization, the ATen ops Circle has no builtin for.

Step 1 of the PT2E → Circle pipeline (seeds/004): an op that the backend would have to
decompose *after* quantization leaves its intermediate tensors without calibrated
ranges. Decomposing it in the exported program, before `prepare_pt2e`, lets the
observers see every intermediate tensor, so each op that reaches Circle carries
quantization parameters.

`decompose_for_circle(program)` runs `ExportedProgram.run_decompositions` with only the
table below: every other op (conv2d, linear, ...) is left exactly as exported.

| ATen op      | becomes                                                            |
| ------------ | ------------------------------------------------------------------ |
| layer_norm   | mean, sub, mul, mean, add eps, rsqrt, mul (, mul weight, add bias) |
| rms_norm     | mul, mean, add eps, rsqrt, mul (, mul weight)                      |
| group_norm   | reshape to groups, the layer-norm steps, reshape, per-channel affine |
| hardsigmoid  | add 3, clamp 0..6 (relu6), mul 1/6                                 |
| cumsum       | 2-D linear with a constant lower-triangular ones weight along dim  |
|              | (permute/reshape around it); float inputs only                     |

With `scheme="uint8"` (ONE's scheme, run by onert) and `scheme="int16"`, also:

| hardswish    | x * relu6(x + 3) * 1/6 (onert has no HARD_SWISH kernel, LiteRT no int16 one) |
"""

from __future__ import annotations

import torch

aten = torch.ops.aten


def _normalize(x: torch.Tensor, dims: list[int], eps: float) -> torch.Tensor:
    mean = torch.mean(x, dims, keepdim=True)
    centered = x - mean
    var = torch.mean(centered * centered, dims, keepdim=True)
    return centered * torch.rsqrt(var + eps)


def _layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):
    dims = list(range(x.dim() - len(normalized_shape), x.dim()))
    y = _normalize(x, dims, eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def _rms_norm(x, normalized_shape, weight=None, eps=None):
    dims = list(range(x.dim() - len(normalized_shape), x.dim()))
    if eps is None:
        eps = torch.finfo(x.dtype).eps
    y = x * torch.rsqrt(torch.mean(x * x, dims, keepdim=True) + eps)
    return y * weight if weight is not None else y


def _group_norm(x, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    n, c = x.shape[0], x.shape[1]
    rest = list(x.shape[2:])
    grouped = x.reshape([n, num_groups, -1])
    y = _normalize(grouped, [2], eps).reshape([n, c, *rest])
    shape = [1, c] + [1] * len(rest)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def _hardsigmoid(x):
    return torch.nn.functional.relu6(x + 3.0) * (1.0 / 6.0)


def _cumsum(x, dim, dtype=None):
    """cumsum(x, dim) = linear(x moved to dim -1, W) with W[j, i] = 1 for i <= j.

    TFLite's CUMSUM has no int8/int16 kernel; as a linear it is quantized like any
    linear: W (zeros and ones) is a weight, exactly representable in every scheme
    (per-channel int8: scale 1/127, 1 -> 127; per-tensor uint8: [0, 1] -> 0..255). In
    float the result is the cumulative sum up to float32 summation order; quantized,
    it is one FULLY_CONNECTED requantization (<= 1 output step). W is built from
    `ones().tril()`, which the importer folds into a constant
    (`compiler.frontend.fold_factories`)."""
    if dtype is not None and dtype != x.dtype:
        x = x.to(dtype)
    n = x.shape[dim]
    w = torch.ones(n, n, dtype=x.dtype, device=x.device).tril()
    moved = x.movedim(dim, -1)
    # a 2-D linear: onert refuses a rank-3 FULLY_CONNECTED (keep_num_dims) at prepare
    # ("StaticShapeInferer failed, bad rank size: 3")
    y = torch.nn.functional.linear(moved.reshape(-1, n), w).reshape(moved.shape)
    return y.movedim(-1, dim)


#: ATen op -> its decomposition into ops that Circle (and the quantizer) support
CIRCLE_DECOMPOSITIONS = {
    aten.layer_norm.default: _layer_norm,
    aten.rms_norm.default: _rms_norm,
    aten.group_norm.default: _group_norm,
    aten.hardsigmoid.default: _hardsigmoid,
    # indexing family
    aten.cumsum.default: _cumsum,
}


def _hardswish(x):
    return x * torch.nn.functional.relu6(x + 3.0) * (1.0 / 6.0)


#: decompositions for schemes whose runtime lacks these kernels: onert (uint8) has no
#: HARD_SWISH at all, LiteRT no int16 HARD_SWISH ("Only float32, uint8 and int8 are
#: supported currently, got INT16")
SCHEME_DECOMPOSITIONS = {
    "uint8": {aten.hardswish.default: _hardswish},
    "int16": {aten.hardswish.default: _hardswish},
}


#: ops decomposed only when they compute on floating-point tensors (an integer cumsum
#: cannot become a quantized linear)
_FLOAT_ONLY = {aten.cumsum.default}


def _integer_only(node) -> bool:
    val = node.meta.get("val")
    return node.target in _FLOAT_ONLY and isinstance(val, torch.Tensor) and (
        not val.is_floating_point())


def decompose_for_circle(
    program: torch.export.ExportedProgram, scheme: str | None = None
) -> torch.export.ExportedProgram:
    """`program` with the ops of `CIRCLE_DECOMPOSITIONS` decomposed (others untouched),
    and those of `SCHEME_DECOMPOSITIONS[scheme]` too.

    Run it on the exported float program before `prepare_pt2e` (`compiler.quantize`
    does); a program without such ops comes back unchanged.
    """
    present = {n.target for n in program.graph.nodes if n.op == "call_function"
               and not _integer_only(n)}
    candidates = dict(CIRCLE_DECOMPOSITIONS)
    candidates.update(SCHEME_DECOMPOSITIONS.get(scheme or "", {}))
    table = {op: fn for op, fn in candidates.items() if op in present}
    if not table:
        return program
    return program.run_decompositions(table)
