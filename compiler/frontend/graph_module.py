"""`export_view`: a converted GraphModule seen as its torch.export re-export would be.

`convert_pt2e` returns a `torch.fx.GraphModule`. Re-exporting it
(`torch.export.export(converted, example_inputs)`) traces the whole model again, which
costs about as much as the first export, only to give the importer an ExportedProgram.
The converted graph already holds the same nodes in the same order, with the same
targets, arguments and stack traces; two things differ, and `export_view` supplies them
for the duration of an import:

- **names**: torch.export names every traced node after its operator's packet
  (`dequantize_per_channel`, `dequantize_per_channel_1`...), in graph order, in a
  namespace that starts with the user inputs; the converted graph keeps the names PT2E
  gave its nodes (`dequantize_per_channel_default`). The importer's locations and SSA
  names come from node names, so the view renames the nodes as the re-export would.
- **types**: the quantize/dequantize nodes `convert_pt2e` inserts, and the folded
  weights it reads with `get_attr`, carry no `meta["val"]`; the view gives them a meta
  tensor of the shape and dtype the op produces (a quantize keeps its input's shape and
  takes its `dtype` argument; a dequantize gives `out_dtype`, float32 by default).

Both are undone on exit: the GraphModule is left as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch.fx.graph import _Namespace

_qd = torch.ops.quantized_decomposed


def export_names(graph: torch.fx.Graph) -> dict[torch.fx.Node, str]:
    """The name torch.export gives each placeholder and call_function node of `graph`."""
    namespace = _Namespace()
    names: dict[torch.fx.Node, str] = {}
    placeholders = [n for n in graph.nodes if n.op == "placeholder"]
    for node, name in zip(placeholders, _user_input_names(graph, placeholders)):
        names[node] = name  # first, as given (`input` too, which FX would avoid)
        namespace._used_names.add(name)
    candidates: dict[object, str] = {}  # target -> the name its nodes are numbered after
    for node in graph.nodes:
        if node.op != "call_function":
            continue
        target = node.target
        try:
            candidate = candidates.get(target)
        except TypeError:  # an unhashable target
            candidate = None
        if candidate is None:
            packet = getattr(target, "overloadpacket", None)
            base = packet.__name__ if packet is not None else target.__name__
            candidate = graph._target_to_str(base)
            try:
                candidates[target] = candidate
            except TypeError:
                pass
        names[node] = namespace.create_name(candidate, None)
    return names


def _user_input_names(graph: torch.fx.Graph, placeholders: list[torch.fx.Node]) -> list[str]:
    """torch.export names a user input after its `forward` parameter, lower-cased; the
    graph of `ExportedProgram.module()` keeps those names in its pytree codegen (its own
    placeholders may differ: `input_1` for `input`)."""
    info = getattr(graph._codegen, "pytree_info", None)
    args = list(info.orig_args) if info is not None else []
    if len(args) != len(placeholders):
        args = [n.name for n in placeholders]
    return [a.lower() for a in args]


def attribute(module: torch.nn.Module, target: str) -> object:
    """The value a `get_attr` node reads (`target` may be a dotted path)."""
    value: object = module
    for part in target.split("."):
        value = getattr(value, part)
    return value


_INT = {int}


def _as_meta(t: torch.Tensor, dtype: torch.dtype | None = None,
             made: dict[tuple, torch.Tensor] | None = None) -> torch.Tensor:
    """A meta tensor of `t`'s shape and `dtype` (default: `t`'s); one per distinct
    (shape, dtype) in `made` when given (a meta tensor holds no data, and the importer
    reads only its shape and dtype, so nodes can share one)."""
    key = (tuple(t.shape), dtype or t.dtype)
    # (a SymInt dimension: unshared; `set(map(type, ...))`: the test of every
    # dimension's exact type in one C-level pass)
    if made is None or not set(map(type, key[0])) <= _INT:
        return torch.empty(key[0], dtype=key[1], device="meta")
    known = made.get(key)
    if known is None:
        known = made[key] = torch.empty(key[0], dtype=key[1], device="meta")
    return known


#: call target -> `_qdq_result_dtype`'s answer for it (see there)
_QDQ_FACTS: dict[object, tuple[str, int, str, object] | None] = {}


def _qdq_result_dtype(node: torch.fx.Node) -> tuple[bool, torch.dtype | None]:
    """(whether `node` calls a quantize_per_* or dequantize_per_* of quantized_decomposed,
    the dtype of its result: a quantize's `dtype` argument, a dequantize's `out_dtype`,
    float32 when None).

    The argument is found as `bind_arguments` finds it (positional if given so and not
    keyword-only, else the keyword, else the schema default); where it sits in the
    schema is read once per target (schemas do not change while the program lives).
    """
    target = node.target
    try:
        facts = _QDQ_FACTS[target]
    except KeyError:
        facts = _QDQ_FACTS[target] = _find_qdq_facts(target)
    except TypeError:  # an unhashable target: not a quantized_decomposed op
        facts = _find_qdq_facts(target)
    if facts is None:
        return False, None
    kind, index, name, default = facts
    args = node.args
    if index < len(args):
        value = args[index]
    else:
        value = node.kwargs.get(name, default)
    if kind == "dequantize" and value is None:
        value = torch.float32
    return True, value


def _find_qdq_facts(target: object) -> tuple[str, int, str, object] | None:
    """(quantize|dequantize, the dtype argument's positional index (past the end if
    keyword-only), its name, its default) for a q/dq target, None for another target."""
    from compiler.frontend.aten_args import schema_arguments

    packet = getattr(target, "overloadpacket", None)
    if packet in (_qd.quantize_per_tensor, _qd.quantize_per_channel):
        kind, wanted = "quantize", "dtype"
    elif packet in (_qd.dequantize_per_tensor, _qd.dequantize_per_channel):
        kind, wanted = "dequantize", "out_dtype"
    else:
        return None
    for i, (arg, name, kwarg_only, has_default) in enumerate(schema_arguments(target)):
        if name == wanted:
            # (a fresh default each time in `bind_arguments`; a dtype default is an
            # immutable torch.dtype or None, so one object serves)
            return kind, (1 << 30 if kwarg_only else i), name, (
                arg.default_value if has_default else None)
    return kind, 1 << 30, "", None  # (no such argument: None, as `bind_arguments` has none)


def missing_values(gm: torch.fx.GraphModule) -> dict[torch.fx.Node, torch.Tensor]:
    """Meta tensors for the nodes convert_pt2e left without `meta["val"]` (see module doc)."""
    vals: dict[torch.fx.Node, torch.Tensor] = {}
    made: dict[tuple, torch.Tensor] = {}

    for node in gm.graph.nodes:
        if "val" in node.meta:
            continue
        if node.op == "get_attr":
            value = attribute(gm, str(node.target))
            if isinstance(value, torch.Tensor):
                vals[node] = _as_meta(value, made=made)
        elif node.op == "call_function":
            is_qdq, dtype = _qdq_result_dtype(node)
            if not is_qdq:
                continue
            source = node.args[0]
            if not isinstance(source, torch.fx.Node):
                continue
            source_val = vals.get(source, source.meta.get("val"))
            if not isinstance(source_val, torch.Tensor):
                continue
            vals[node] = _as_meta(source_val, dtype, made)
    return vals


def name_as_export(gm: torch.fx.GraphModule) -> None:
    """Rename `gm`'s nodes as its re-export would name them, for good (and recompile).

    Who then runs the GraphModule (`compiler.verify` records tensors by node name) sees
    the names of the imported IR. Nodes the re-export has no counterpart for (`get_attr`,
    `output`) keep their names unless one is taken, then get a fresh one.
    """
    names = export_names(gm.graph)
    namespace = _Namespace()
    for node, name in names.items():
        node.name = namespace.create_name(name, node)
    for node in gm.graph.nodes:
        if node not in names:
            node.name = namespace.create_name(node.name, node)
    gm.graph._graph_namespace = namespace
    gm.recompile()


@contextlib.contextmanager
def export_view(gm: torch.fx.GraphModule) -> Iterator[torch.fx.GraphModule]:
    """`gm` with its nodes named and typed as in its re-export, restored on exit."""
    names = export_names(gm.graph)
    vals = missing_values(gm)
    old = {node: node.name for node in names}
    # `Node.__setattr__` runs the module's replace hooks on a rename and moves the node
    # within the graph's find_nodes table (keyed by op and target, not by name): without
    # hooks, setting the attribute directly is the same rename, and leaves that table's
    # order as it was.
    rename = (torch.fx.Node.__setattr__ if getattr(gm, "_replace_hooks", None)
              else object.__setattr__)
    try:
        for node, name in names.items():
            rename(node, "name", name)
        for node, value in vals.items():
            node.meta["val"] = value
        yield gm
    finally:
        for node, name in old.items():
            rename(node, "name", name)
        for node in vals:
            node.meta.pop("val", None)

