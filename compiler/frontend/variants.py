"""In-place (`relu_`) and `_copy` (`slice_copy`) ATen variants, as their functional ops.

torch.export's training IR keeps the in-place ops of the user's code (`nn.ReLU(inplace=
True)` is `relu_`, `out += identity` is `add_`, `nn.Dropout(inplace=True)` is `dropout_`)
and some programs carry the `_copy` variants of view ops (`slice_copy`, `alias_copy`,
`expand_copy`, `select_copy`, `lift_fresh_copy`, from `torch.ops.aten.*_copy` or a
functionalized graph). Each computes the value of one functional op. Everything that
keys on an op (decompositions, the quantizer's annotations, the dialect, the
legalizations) knows the functional op only, so a variant is mapped to it in one place:

- `functional_overload(target)`: the functional twin of a variant overload, or None;
- `functionalize(program)`: the exported program with every variant replaced by its
  functional op. A mutation through a view (`mask[a:b, c:d] = k`, a `fill_` on a
  `slice`) is rewritten by torch's own functionalization (`run_decompositions({})`,
  which keeps every other op as it is): the `slice_scatter` of the filled slice into its
  base, exactly as torch computes it;
- `rename_kwargs(node, functional)`: a variant node's keyword arguments under the
  functional schema's names (an in-place schema names its first argument `self` where the
  functional one may say `input`, as `dropout_`/`dropout` do); positions are the same.
"""

from __future__ import annotations

from typing import Any

import torch

aten = torch.ops.aten

#: `_copy` variants whose functional op is not named by dropping the suffix
_COPY_TWINS = {
    "aten::lift_fresh_copy": aten.clone.default,  # lift_fresh_copy(self) == clone(self)
}


def _overload(name: str, overload: str) -> torch._ops.OpOverload | None:
    namespace, op = name.split("::")
    packet = getattr(getattr(torch.ops, namespace), op, None)
    if packet is None:
        return None
    return getattr(packet, overload, None)


def functional_overload(target: Any) -> torch._ops.OpOverload | None:
    """`aten.relu_.default` -> `aten.relu.default`, `aten.slice_copy.Tensor` ->
    `aten.slice.Tensor`, `aten.lift_fresh_copy.default` -> `aten.clone.default`; None
    for a functional op (or anything else). The twin takes the same arguments in the same
    order (checked: same count and types)."""
    if not isinstance(target, torch._ops.OpOverload):
        return None
    name = target._schema.name
    overload = target._overloadname or "default"
    if name in _COPY_TWINS:
        return _COPY_TWINS[name]
    if name.endswith("_copy"):
        twin = _overload(name[: -len("_copy")], overload)
    elif name.endswith("_") and not name.endswith("__") and target._schema.is_mutable:
        twin = _overload(name[:-1], overload)
    else:
        return None
    if twin is None or not _same_signature(target, twin):
        return None
    return twin


def _same_signature(a: torch._ops.OpOverload, b: torch._ops.OpOverload) -> bool:
    xs, ys = a._schema.arguments, b._schema.arguments
    return len(xs) == len(ys) and all(
        str(x.type) == str(y.type) and x.kwarg_only == y.kwarg_only for x, y in zip(xs, ys)
    )


def has_variants(graph: torch.fx.Graph) -> bool:
    """Whether any node of `graph` calls an in-place or `_copy` variant."""
    return any(n.op == "call_function" and functional_overload(n.target) is not None
               for n in graph.nodes)


def is_view(node: torch.fx.Node) -> bool:
    """Whether `node`'s result is a view of its input (slice, select, view...; an
    in-place op's result is its mutated input itself, not a view)."""
    schema = getattr(node.target, "_schema", None)
    return node.op == "call_function" and schema is not None and any(
        r.alias_info is not None and not r.alias_info.is_write for r in schema.returns)


def functionalize(program: torch.export.ExportedProgram) -> torch.export.ExportedProgram:
    """`program` with its in-place and `_copy` variants replaced by their functional ops
    (see the module doc); returned unchanged when it has none.

    An in-place op on an intermediate tensor that is not a view is retargeted: torch.export
    routes every later use of the tensor through the op's result. One on a view (its base
    is read later) makes the whole program go through torch's functionalization. One on a
    placeholder (a buffer's running statistics in a QAT program) is a state update that is
    left as it is (torch's QAT flow removes it; the importer refuses what is left).
    """
    if not has_variants(program.graph):
        return program
    through_torch = False
    for node in program.graph.nodes:
        twin = functional_overload(node.target) if node.op == "call_function" else None
        if twin is None:
            continue
        if node.target._schema.is_mutable:
            base = node.args[0] if node.args else None
            if not isinstance(base, torch.fx.Node) or base.op == "placeholder":
                continue
            if is_view(base):
                through_torch = True
                continue
        node.kwargs = rename_kwargs(node, twin)
        node.target = twin
    program.graph_module.recompile()
    if through_torch:
        program = functionalize(program.run_decompositions({}))
    return program


def rename_kwargs(node: torch.fx.Node, twin: torch._ops.OpOverload) -> dict[str, Any]:
    """`node`'s keyword arguments under `twin`'s argument names (same positions)."""
    names = {a.name: b.name for a, b in zip(node.target._schema.arguments,
                                               twin._schema.arguments)}
    return {names.get(k, k): v for k, v in node.kwargs.items()}


__all__ = ["functional_overload", "functionalize", "has_variants", "is_view", "rename_kwargs"]
