"""Data-independent tensors, evaluated at import time.

`torch.arange(n)`, `torch.ones_like(x)`, `x.new_zeros(...)`, `torch.full(...)` and the
like do not depend on the model's input *values* (a `_like` or `new_` factory reads only
its argument's shape and dtype), and neither does anything computed only from them (`torch.ones(n, n).tril()`,
`torch.arange(n).unsqueeze(0)`). Circle has no ops for them; TFLite's converter folds
them. The importer does the same: such a node becomes a constant, so that

- PT2E's `quantize_per_*` of it (the q/dq a consumer's annotation put there) becomes a
  quantized constant with the consumer's dtype and scale (`x + torch.ones_like(x)`);
- an integer one is an integer constant (position ids `torch.arange(n)` indexing an
  embedding).

What is folded: the factories of `FACTORIES`, and then any ATen op whose tensor
arguments are *all* folded tensors (never a parameter, a buffer or an input: those stay
ops, so weights are not rewritten here; the importer also counts a program's one-element
lifted constants and buffers, the `torch.tensor(3)` literals of `mask[a:b] = 3`, as folded). Ops that draw random numbers
(`nondeterministic_seeded`) are never folded. Values are computed by torch itself, on
the CPU, so they are exactly what the exported program computes.

`fold_constant_subgraphs(program)` does the same on the exported float program *before
quantization* (`decompose_for_circle`, hence `compiler.quantize`), and there buffers and
lifted constants count as constants too (never a buffer the program mutates; a parameter
only with `parameters`, for post-training quantization: in QAT weights keep their weight
path and stay trainable). That is the stage
that matters for computed tables such as rotary embeddings (`cos`/`sin` of positions x
a buffer of inverse frequencies): folded before `prepare_pt2e`, the whole table is one
constant whose single q/dq (the consumer's annotation) is calibrated on its exact values.
Left to the import-time fold, the quantizer would have annotated the subgraph op by op
(a quantized matmul of positions by frequencies, its cos/sin float-only ops needing
allow-float), rounding the angles before the cos.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.fx import Node
from torch.utils._pytree import tree_flatten, tree_map

aten = torch.ops.aten

#: tensor factories whose value is fixed by their non-tensor arguments (and, for the
#: `_like` and `new_` ones, by their tensor argument's shape and dtype only)
FACTORIES = frozenset({
    aten.arange.default, aten.arange.start, aten.arange.start_step,
    aten.full.default, aten.ones.default, aten.zeros.default, aten.scalar_tensor.default,
    aten.full_like.default, aten.ones_like.default, aten.zeros_like.default,
    aten.new_zeros.default, aten.new_ones.default, aten.new_full.default,
})
_LIKE = frozenset({aten.full_like.default, aten.ones_like.default, aten.zeros_like.default,
                   aten.new_zeros.default, aten.new_ones.default, aten.new_full.default})


def _placeholder_like(node: Node) -> torch.Tensor:
    """A real tensor with the shape and dtype of `node` (its values are never read)."""
    val = node.meta.get("val")
    if not isinstance(val, torch.Tensor):
        raise TypeError(f"'{node.name}' has no tensor metadata")
    return torch.zeros(tuple(int(d) for d in val.shape), dtype=val.dtype)


def fold(node: Node, folded: dict[Node, torch.Tensor]) -> torch.Tensor | None:
    """The value of `node` when it is data-independent (see the module doc), else None.

    `folded` maps the nodes folded so far to their values.
    """
    target = node.target
    if not isinstance(target, torch._ops.OpOverload) or target.namespace != "aten":
        return None
    if torch.Tag.nondeterministic_seeded in target.tags:
        return None
    inputs = [a for a in tree_flatten((node.args, node.kwargs))[0] if isinstance(a, Node)]
    if target in _LIKE:
        def value(a: Any) -> Any:
            return _placeholder_like(a) if isinstance(a, Node) else a
    elif target in FACTORIES or (inputs and all(a in folded for a in inputs)):
        def value(a: Any) -> Any:
            return folded[a] if isinstance(a, Node) else a
    else:
        return None
    args, kwargs = tree_map(value, (node.args, node.kwargs))
    kwargs = {k: v for k, v in kwargs.items() if k != "device"}  # always on the CPU
    with torch.no_grad():
        result = target(*args, **kwargs)
    if not isinstance(result, torch.Tensor):
        return None
    return result.contiguous()


def _constant_inputs(program: torch.export.ExportedProgram, parameters: bool
                     ) -> dict[Node, torch.Tensor]:
    """The placeholders of `program` whose values are fixed: lifted constants, the
    buffers the program does not mutate, and with `parameters` the parameters."""
    from torch.export.graph_signature import InputKind

    sig = program.graph_signature
    mutated = set(sig.buffers_to_mutate.values())
    by_name = {n.name: n for n in program.graph.nodes if n.op == "placeholder"}
    values: dict[Node, torch.Tensor] = {}
    for spec in sig.input_specs:
        target = spec.target
        if spec.kind == InputKind.CONSTANT_TENSOR or (
                spec.kind == InputKind.BUFFER and target not in mutated) or (
                parameters and spec.kind == InputKind.PARAMETER):
            value = program.constants.get(target, program.state_dict.get(target))
            if isinstance(value, torch.Tensor) and spec.arg.name in by_name:
                values[by_name[spec.arg.name]] = value.detach()
    return values


def fold_constant_subgraphs(program: torch.export.ExportedProgram, parameters: bool = False
                            ) -> torch.export.ExportedProgram:
    """Evaluate, with torch, every op of `program` whose value depends on no input
    (`fold`, with unmutated buffers and lifted constants as constants, and parameters
    too when `parameters`: post-training quantization, where a weight computed from
    parameters, as weight normalization or standardization, becomes a constant weight
    quantized per channel like any other), and replace each such subgraph's results that
    non-folded ops use by lifted constants (CONSTANT_TENSOR placeholders named
    `_circle_constant_N`). Changed in place and returned; a graph output is never
    replaced (the output signature names its node)."""
    from torch.export.graph_signature import InputKind, InputSpec, TensorArgument

    graph = program.graph
    constants = _constant_inputs(program, parameters)
    folded: dict[Node, torch.Tensor] = dict(constants)
    for node in graph.nodes:
        if node.op == "call_function":
            value = fold(node, folded)
            if value is not None:
                folded[node] = value
    computed = [n for n in folded if n.op == "call_function"]
    roots = [n for n in computed
             if any(u not in folded and u.op != "output" for u in n.users)]
    if not roots:
        return program
    taken = set(program.constants) | {n.name for n in graph.nodes}
    index = 0
    first = next(n for n in graph.nodes if n.op == "placeholder")
    for position, node in enumerate(roots):
        while f"_circle_constant_{index}" in taken:
            index += 1
        name = f"_circle_constant_{index}"
        taken.add(name)
        with graph.inserting_before(first):
            ph = graph.placeholder(name)
        ph.meta.update(node.meta)
        node.replace_all_uses_with(ph, delete_user_cb=lambda u: u not in folded and u.op != "output")
        program.graph_signature.input_specs.insert(
            position, InputSpec(kind=InputKind.CONSTANT_TENSOR, arg=TensorArgument(name=ph.name),
                                target=name))
        program.constants[name] = folded[node].contiguous()
    for node in reversed(computed):
        if not node.users:
            graph.erase_node(node)
    graph.lint()
    program.graph_module.recompile()
    return program


__all__ = ["FACTORIES", "fold", "fold_constant_subgraphs"]
