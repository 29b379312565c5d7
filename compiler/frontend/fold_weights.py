"""`fold_quantized_weights`: torchao's `constant_fold(gm, _quant_node_constraint)` (what
`convert_pt2e` runs when `fold_quantize=True`), letting each float weight go as soon as
it is quantized.

torchao's folder keeps every float weight registered on the GraphModule until the whole
graph has been folded, so its peak holds all the float weights, all the integer ones
and the temporaries of quantizing the largest layer. Here a `get_attr` tensor is
deleted from the module once every node reading it has been folded into a constant
that will replace it (a quantize op whose users are all dequantize ops, which the
folder never folds): its float data then lives only until the interpreter's last use.

Guarantee: the same graph, constants, attribute names and node names as
`constant_fold(gm, _quant_node_constraint)`: the same folder computes the same values in
the same order and the same replacement code applies them; only when a float tensor
the folded graph no longer reads is unregistered changes. A weight read any other way
(a pure op before the quantize, a non-quantize user) stays until the end, as there.
"""

from __future__ import annotations

import torch
from torchao.quantization.pt2e.constant_fold import ConstantFolder, replace_node_with_constant
from torchao.quantization.pt2e.quantize_pt2e import _quant_node_constraint


class _ReleasingFolder(ConstantFolder):
    """torchao's `ConstantFolder`, unregistering a weight from the module once it has
    been folded for good (see the module docstring)."""

    def __init__(self, gm: torch.fx.GraphModule) -> None:
        super().__init__(gm, skip_constructors=True)
        self._readers: dict[str, list[torch.fx.Node]] = {}
        for node in gm.graph.find_nodes(op="get_attr"):
            self._readers.setdefault(node.target, []).append(node)

    def _folded_for_good(self, node: torch.fx.Node) -> bool:
        # replaced at the end: a quantize op with a folded value that no later fold can
        # take back (the folder drops a replacement when all its users fold; these
        # users are dequantize ops, which it never folds)
        return (node in self.node_replacements and _quant_node_constraint(node)
                and all(self.is_impure(user) for user in node.users))

    def run_node(self, node: torch.fx.Node):
        out = super().run_node(node)
        if node in self.node_replacements:
            for source in node.all_input_nodes:
                if source.op == "get_attr":
                    self._release(source.target)
        return out

    def _release(self, target: str) -> None:
        readers = self._readers.get(target, [])
        # a `_frozen_param` name left free would change the names given to the folded
        # constants (the first free one is taken)
        if (target.startswith("_frozen_param") or not readers
                or not all(self._folded_for_good(user)
                           for reader in readers for user in reader.users)):
            return
        *path, name = target.split(".")
        owner = self.module.get_submodule(".".join(path))
        if name in owner._parameters or name in owner._buffers or name in owner.__dict__:
            delattr(owner, name)
        del self._readers[target]


def fold_quantized_weights(gm: torch.fx.GraphModule) -> None:
    """What `convert_pt2e` does last with `fold_quantize=True` (torchao's
    `constant_fold(gm, _quant_node_constraint)`), each float weight unregistered once
    quantized."""
    with torch.utils._python_dispatch._disable_current_modes():
        folder = _ReleasingFolder(gm)
        folder.run()
        for node, constant in folder.node_replacements.items():
            if _quant_node_constraint(node):
                replace_node_with_constant(gm, node, constant)
        erased = []
        for node in gm.graph.find_nodes(op="get_attr"):
            if len(node.users) == 0:
                if hasattr(gm, node.target):
                    delattr(gm, node.target)
                erased.append(node)
        for node in erased:
            gm.graph.erase_node(node)
        gm.graph.eliminate_dead_code()
        gm.graph.lint()
        gm.recompile()
