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
| log1p        | add 1, log                                                         |
| roll         | per dimension: cat of the last `shift` and the first `n - shift` slices |
| copy         | (functionalized `dst.copy_(src)`) src cast to dst's dtype, expanded to its shape |
| _safe_softmax | softmax (equal but for rows of only -inf: 0 there, NaN in softmax) |
| instance_norm | the layer-norm steps over H, W per (N, C), per-channel affine     |
| scaled_dot_product_attention | matmul, mul scale, add a float mask, softmax, matmul; causal/boolean mask: masked logits set to their row's minimum - 20 before the softmax (exact) |
| pow.Tensor_Scalar | 2, 3: muls; 0.5: sqrt; -0.5: rsqrt; -1: reciprocal; 1: identity |
| clamp.Tensor | maximum, minimum                                                   |

With `scheme="uint8"` (ONE's scheme, run by onert) and `scheme="int16"`, also:

| hardswish    | x * relu6(x + 3) * 1/6 (onert has no HARD_SWISH kernel, LiteRT no int16 one) |

With the 8-bit schemes (`uint8`, `int8`; also when no scheme is given), also:

| neg          | mul -1 (TFLite's NEG negates the stored integers: it needs zero point 0, which only the symmetric int16 activations have) |

Arguments a decomposition cannot express exactly (dropout, other pow exponents) raise a
`CompileError` located at the node.
"""

from __future__ import annotations

import torch

from compiler.frontend.variants import functionalize

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


def _roll(x, shifts, dims=()):
    """roll = per rolled dimension, the concatenation of its last `shift` and first
    `n - shift` slices (exact: data movement only; SLICE and CONCATENATION keep the
    quantization parameters). No dims: roll of the flattened tensor."""
    shifts = [shifts] if isinstance(shifts, int) else list(shifts)
    dims = [dims] if isinstance(dims, int) else list(dims)
    if not dims:
        return _roll(x.reshape(-1), shifts, [0]).reshape(x.shape)
    for shift, dim in zip(shifts, dims):
        n = x.shape[dim]
        shift %= n
        if shift:
            x = torch.cat([x.narrow(dim, n - shift, shift), x.narrow(dim, 0, n - shift)], dim)
    return x


def _copy(dst, src, non_blocking=False):
    """copy(dst, src) (a functionalized `dst.copy_(src)`): src in dst's dtype, broadcast
    to dst's shape; dst's values are not read."""
    return src.to(dst.dtype).expand(dst.shape).clone()


#: ATen op -> its decomposition into ops that Circle (and the quantizer) support
CIRCLE_DECOMPOSITIONS = {
    aten.roll.default: _roll,
    aten.copy.default: _copy,
    aten.layer_norm.default: _layer_norm,
    aten.rms_norm.default: _rms_norm,
    aten.group_norm.default: _group_norm,
    aten.hardsigmoid.default: _hardsigmoid,
    # indexing family
    aten.cumsum.default: _cumsum,
}


# -- element-wise math, norms, attention --------------------------------------


def _log1p(x):
    return torch.log(x + 1.0)


def _instance_norm(x, weight, bias, running_mean, running_var, use_input_stats, momentum,
                   eps, cudnn_enabled):
    c = x.shape[1]
    shape = [1, c] + [1] * (x.dim() - 2)
    if use_input_stats:
        y = _normalize(x, list(range(2, x.dim())), eps)
    else:  # eval with tracked statistics: a per-channel affine of constants
        y = (x - running_mean.reshape(shape)) * torch.rsqrt(running_var.reshape(shape) + eps)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def _repeat_heads(x, heads: int):
    """Grouped-query attention: each of x's key/value heads repeated for its group of
    query heads (torch's repeat_interleave on dim -3), as a broadcast and a reshape."""
    *lead, kv, seq, dim = x.shape
    group = heads // kv
    x = x.unsqueeze(-3).expand(*lead, kv, group, seq, dim)
    return x.reshape(*lead, kv * group, seq, dim)


#: how far (in logit units) below its row's smallest logit a masked logit is put
#: (`_masked_logits`): far enough that every runtime's softmax gives it exactly the
#: probability it gives a -inf logit, with a margin for the requantizations of the fill
MASKED_LOGIT_MARGIN = 20.0


def _masked_logits(scores, keep):
    """`scores` where `keep`, else `rowmin(scores) - MASKED_LOGIT_MARGIN`: a finite fill that
    the softmax turns into probability 0, as torch's -inf fill.

    Why it is exact. Every masked logit lies at least 20 below every logit of its row, so
    at least 20 below the row's maximum kept logit, which the softmax subtracts first:
    - in float, its share exp(-20) < 2.1e-9 vanishes against the kept logits' (the row
      maximum contributes 1), below float32's relative precision 6e-8;
    - int8 (TFLite's reference SOFTMAX): a difference below -14 gives a fixed-point exp
      under 2^-20, which the kernel's rescale to the 12-integer-bit accumulator rounds to
      0 (and below the kernel's `diff_min`, about -16 to -31, it is skipped outright);
      its output is the zero probability (the output zero point). The fill is the result
      of a few requantized ops (each at most a step or two of its range), hence the margin;
    - int16: TFLite's SOFTMAX clamps differences below -10 to its exp table's first entry
      (exp(-10), 1 raw unit of Q0.15), like any logit 10 below the row maximum: the
      interpreter computes the same table, bit-exactly.
    The fill is data-dependent (the row minimum, as `-max(-scores)`: REDUCE_MAX of a MUL by
    -1), so calibration gives the SELECT_V2 (whose values and output share one range) a
    range of width `max - min + 20`, never a huge constant's; torch's finfo.min or -inf
    fills would make the scale useless. A row with nothing kept is a softmax of its logits
    lowered by 20 (uniform-ish) where torch gives NaN."""
    row_min_neg = torch.max(scores * -1.0, -1, keepdim=True).values
    fill = (row_min_neg + MASKED_LOGIT_MARGIN) * -1.0
    return torch.where(keep, scores, fill)


def _sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
          enable_gqa=False):
    """softmax(q k^T * scale + mask) v; a float mask is added to the scores. A causal
    or boolean mask masks the logits before the softmax (`_masked_logits`), so that no
    tensor holds the -inf (or huge negative) values a masked fill needs, which calibration
    cannot quantize, and no SUM/DIV renormalization is needed (LiteRT's reference SUM
    wraps a sum above its range; its DIV refuses a zero divisor). Causal: `keep` (lower
    triangular) is built by ops that `fold_constants` turns into one constant."""
    if scale is None:
        scale = 1.0 / float(q.shape[-1]) ** 0.5
    if enable_gqa and k.shape[-3] != q.shape[-3]:
        k, v = _repeat_heads(k, q.shape[-3]), _repeat_heads(v, q.shape[-3])
    scores = torch.matmul(q, k.transpose(-2, -1)) * scale
    boolean = attn_mask is not None and attn_mask.dtype == torch.bool
    if attn_mask is not None and not boolean:
        scores = scores + attn_mask
    if boolean:
        scores = _masked_logits(scores, attn_mask)
    if is_causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
        scores = _masked_logits(scores, keep)
    return torch.matmul(torch.softmax(scores, -1), v)


def _pow_scalar(x, exponent):
    if exponent == 2:
        return x * x
    if exponent == 3:
        return x * x * x
    if exponent == 0.5:
        return torch.sqrt(x)
    if exponent == -0.5:
        return torch.rsqrt(x)
    if exponent == -1:
        return torch.reciprocal(x)
    assert exponent == 1, exponent  # `_unsupported` refused every other exponent
    return x.clone()


def _clamp_tensor(x, min=None, max=None):
    y = x
    if min is not None:
        y = torch.maximum(y, min)
    if max is not None:
        y = torch.minimum(y, max)
    return y


#: exponents `_pow_scalar` decomposes exactly
POW_EXPONENTS = (1, 2, 3, 0.5, -0.5, -1)


def _safe_softmax(x, dim, dtype=None):
    """torch's `_safe_softmax` (what `run_decompositions` makes of masked attention):
    softmax, except that a row of -inf only gives 0 instead of NaN. A row with a finite
    value is the softmax exactly; quantized, no row is all -inf (the observers clamp the
    fill to the range's lowest value), so the softmax is what runs either way."""
    if dtype is not None and dtype != x.dtype:
        x = x.to(dtype)
    return torch.softmax(x, dim)


CIRCLE_DECOMPOSITIONS.update({
    aten._safe_softmax.default: _safe_softmax,
    aten.log1p.default: _log1p,
    aten.instance_norm.default: _instance_norm,
    aten.scaled_dot_product_attention.default: _sdpa,
    aten.pow.Tensor_Scalar: _pow_scalar,
    aten.clamp.Tensor: _clamp_tensor,
})


def _neg(x):
    return x * -1.0


#: decompositions for the schemes with asymmetric (8-bit) activations
EIGHT_BIT_DECOMPOSITIONS = {
    aten.neg.default: _neg,
}


def _unsupported(node: torch.fx.Node) -> str | None:
    """Why `node`'s decomposition cannot express it exactly, or None."""
    args = list(node.args)
    if node.target is aten.scaled_dot_product_attention.default:
        dropout = args[4] if len(args) > 4 else node.kwargs.get("dropout_p", 0.0)
        if dropout:
            return f"scaled_dot_product_attention with dropout_p={dropout} (train mode)"
    if node.target is aten.pow.Tensor_Scalar and args[1] not in POW_EXPONENTS:
        return (f"pow with exponent {args[1]} (exponents {', '.join(map(str, POW_EXPONENTS))} "
                "are lowered)")
    return None


def fold_constants(program: torch.export.ExportedProgram, parameters: bool = False
                   ) -> torch.export.ExportedProgram:
    """Data-independent subgraphs (the causal mask a decomposition builds, masks built from
    `arange`, rotary tables from buffers; with `parameters`, weights computed from
    parameters) as lifted constants
    (`compiler.frontend.fold_factories.fold_constant_subgraphs`)."""
    from compiler.frontend.fold_factories import fold_constant_subgraphs

    return fold_constant_subgraphs(program, parameters)


def _check_decomposable(graph: torch.fx.Graph) -> None:
    from compiler.frontend.locations import node_location
    from compiler.ir.diagnostics import CompileError, location_str

    for node in graph.nodes:
        if node.op == "call_function" and node.target in CIRCLE_DECOMPOSITIONS:
            why = _unsupported(node)
            if why is not None:
                loc = node_location(node.name, node.meta.get("stack_trace"))
                raise CompileError(f"{why} has no Circle lowering", location_str(loc))


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
    program: torch.export.ExportedProgram, scheme: str | None = None,
    fold_parameters: bool = False,
) -> torch.export.ExportedProgram:
    """`program` with the ops of `CIRCLE_DECOMPOSITIONS` decomposed (others untouched),
    and those of `SCHEME_DECOMPOSITIONS[scheme]` and, for the 8-bit schemes,
    `EIGHT_BIT_DECOMPOSITIONS` too, and every data-independent subgraph folded to a lifted
    constant (`fold_constants`; `fold_parameters`: parameters count as constants, for
    post-training quantization; `compiler.quantize` sets it unless QAT).

    In-place and `_copy` variants are first replaced by their functional ops
    (`compiler.frontend.variants.functionalize`); data-independent subgraphs are folded
    before the decompositions and again after them (for the masks they build).

    Run it on the exported float program before `prepare_pt2e` (`compiler.quantize`
    does); a program without such ops or subgraphs comes back unchanged.
    """
    program = functionalize(program)  # in-place and _copy variants: their functional ops
    _check_decomposable(program.graph)
    # first, so that decompositions see constant masks and nothing of a constant subgraph
    # is decomposed, then for the constants the decompositions build
    program = fold_constants(program, fold_parameters)
    table = _table(program.graph, scheme)
    if not table:
        return program
    return fold_constants(program.run_decompositions(table))


def _table(graph: torch.fx.Graph, scheme: str | None) -> dict:
    """The decompositions of `scheme` for the ops present in `graph`."""
    present = {n.target for n in graph.nodes if n.op == "call_function"
               and not _integer_only(n)}
    candidates = dict(CIRCLE_DECOMPOSITIONS)
    candidates.update(SCHEME_DECOMPOSITIONS.get(scheme or "", {}))
    if scheme != "int16":
        candidates.update(EIGHT_BIT_DECOMPOSITIONS)
    return {op: fn for op, fn in candidates.items() if op in present}


def decompose_graph_module(model: torch.fx.GraphModule, scheme: str | None = None
                           ) -> torch.fx.GraphModule:
    """The decompositions of `decompose_for_circle`, on the GraphModule that torchao's
    `prepare_pt2e` annotates (`CircleQuantizer.transform_for_annotation` calls it), for
    programs that were not run through `decompose_for_circle` first: the ops arrive
    decomposed before observers are placed, exactly as `compiler.quantize` would have
    them, instead of as single ATen ops (group/instance norm, log1p, attention) between
    q/dq that no Circle builtin computes. Each op is traced through its decomposition
    (`make_fx`, pre-dispatch ATen like `torch.export`'s) and inlined in its place; the new
    nodes keep the op's source location. Changed in place and returned."""
    from torch.fx.experimental.proxy_tensor import make_fx
    from torch.fx.passes.fake_tensor_prop import FakeTensorProp
    from torch.utils._pytree import tree_flatten, tree_unflatten

    graph = model.graph
    _check_decomposable(graph)
    table = _table(graph, scheme)
    if not table:
        return model
    changed = False
    for node in list(graph.nodes):
        if node.op != "call_function" or node.target not in table or _integer_only(node):
            continue
        flat, spec = tree_flatten((node.args, node.kwargs))
        slots = [i for i, a in enumerate(flat) if isinstance(a, torch.fx.Node)]
        examples = [_example(model, flat[i]) for i in slots]
        fn = table[node.target]

        def traced(*tensors, flat=flat, spec=spec, slots=slots, fn=fn):
            values = list(flat)
            for i, t in zip(slots, tensors):
                values[i] = t
            args, kwargs = tree_unflatten(values, spec)
            return fn(*args, **kwargs)

        sub = make_fx(traced, pre_dispatch=True)(*examples)
        _inline(model, node, sub, [flat[i] for i in slots])
        changed = True
    if changed:
        graph.lint()
        model.recompile()
        # fresh fake values for every node (the quantizer reads their dtypes and shapes)
        inputs = [n.meta.get("val") for n in graph.nodes if n.op == "placeholder"]
        modes = [v.fake_mode for v in inputs if hasattr(v, "fake_mode")]
        if modes:
            FakeTensorProp(model, modes[0]).propagate_dont_convert_inputs(*inputs)
    return model


def _example(model: torch.fx.GraphModule, node: torch.fx.Node) -> torch.Tensor:
    """A real tensor shaped like `node` (decompositions never read input values)."""
    val = node.meta.get("val")
    if val is None and node.op == "get_attr":
        val = model
        for part in node.target.split("."):
            val = getattr(val, part)
    return torch.zeros(tuple(int(d) for d in val.shape), dtype=val.dtype)


def _inline(model: torch.fx.GraphModule, node: torch.fx.Node, sub: torch.fx.GraphModule,
            operands: list) -> None:
    """Replace `node` by the graph of `sub` (its placeholders bound to `operands`)."""
    graph = model.graph
    env: dict[torch.fx.Node, object] = {}
    placeholders = [n for n in sub.graph.nodes if n.op == "placeholder"]
    env.update(zip(placeholders, operands))
    keep = {k: v for k, v in node.meta.items() if k in ("stack_trace", "nn_module_stack",
                                                          "source_fn_stack")}
    result = None
    with graph.inserting_before(node):
        for n in sub.graph.nodes:
            if n.op == "placeholder":
                continue
            if n.op == "output":
                result = torch.fx.map_arg(n.args[0], lambda a: env[a])
                continue
            if n.op == "get_attr":  # a tensor the decomposition built (traced constant)
                name = f"_circle_decomposed_{len([k for k in dir(model) if k.startswith('_circle_decomposed_')])}"
                model.register_buffer(name, getattr(sub, n.target))
                new = graph.get_attr(name)
            else:
                new = graph.node_copy(n, lambda a: env[a])
            # shapes for later decompositions; FakeTensorProp replaces the values
            new.meta = {**keep, **({"val": n.meta["val"]} if "val" in n.meta else {})}
            env[n] = new
    node.replace_all_uses_with(result)
    graph.erase_node(node)
