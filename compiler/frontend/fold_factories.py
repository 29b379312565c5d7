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


__all__ = ["FACTORIES", "fold"]
