"""`fold_quantized_weights` gives what torchao's `constant_fold(gm, _quant_node_constraint)`
(convert_pt2e's `fold_quantize=True`) gives, and frees each float weight while folding
rather than after the whole graph."""

from __future__ import annotations

import copy
import gc
import weakref

import torch
import torch.nn as nn
from torchao.quantization.pt2e.constant_fold import constant_fold
from torchao.quantization.pt2e.quantize_pt2e import (
    _quant_node_constraint,
    convert_pt2e,
    prepare_pt2e,
)

import compiler.frontend.fold_weights as fold_weights
from compiler.frontend.fold_weights import fold_quantized_weights
from compiler.frontend.quantizer import CircleQuantizer
from compiler.frontend.workflow import _drop_unused_tensors

torch.set_num_threads(1)


def _unfolded(scheme: str) -> torch.fx.GraphModule:
    """convert_pt2e's module before its folding: conv + batch norm (folded by
    prepare into new float weights), a conv without, a linear."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 8, 3),
                          nn.Flatten(), nn.Linear(8 * 4 * 4, 5)).eval()
    model[1].running_mean.uniform_(-0.2, 0.2)
    model[1].running_var.uniform_(0.5, 1.5)
    x = torch.randn(1, 3, 8, 8)
    prepared = prepare_pt2e(torch.export.export(model, (x,)).module(), CircleQuantizer(scheme))
    prepared(x)
    prepared(x * 0.5)
    return copy.deepcopy(convert_pt2e(prepared, fold_quantize=False))


def _tensors(gm: torch.fx.GraphModule) -> dict[str, torch.Tensor]:
    return dict([*gm.named_parameters(), *gm.named_buffers()])


def test_same_graph_names_and_constants_as_torchao():
    for scheme in ("uint8", "int8", "int16"):
        ours = _unfolded(scheme)
        theirs = copy.deepcopy(ours)
        constant_fold(theirs, _quant_node_constraint)
        fold_quantized_weights(ours)
        # torchao leaves the float weights of submodules registered, unread: what
        # quantize_graph_module drops next; ours are gone already
        assert set(_tensors(theirs)) > set(_tensors(ours))
        _drop_unused_tensors(theirs)
        _drop_unused_tensors(ours)
        assert ours.code == theirs.code
        assert [n.name for n in ours.graph.nodes] == [n.name for n in theirs.graph.nodes]
        a, b = _tensors(ours), _tensors(theirs)
        assert a.keys() == b.keys()
        for name in a:
            assert a[name].dtype == b[name].dtype and torch.equal(a[name], b[name]), name
        assert any(t.dtype == torch.int8 or t.dtype == torch.uint8 or t.dtype == torch.int16
                   for t in a.values())


def test_each_float_weight_is_freed_once_quantized(monkeypatch):
    gm = _unfolded("int8")
    quantizes = [n for n in gm.graph.nodes if _quant_node_constraint(n)
                 and n.all_input_nodes[0].op == "get_attr"]
    tensors = _tensors(gm)
    # a weight or a bias, each read by its quantize op only
    weights = {n: weakref.ref(tensors[n.all_input_nodes[0].target]) for n in quantizes}
    assert len({n.all_input_nodes[0].target for n in quantizes}) == len(weights) == 6
    del tensors
    gc.collect()
    alive_after: list[int] = []
    run_node = fold_weights._ReleasingFolder.run_node

    def recording(self, node):
        out = run_node(self, node)
        if node in weights:
            alive_after.append(sum(ref() is not None for ref in weights.values()))
        return out

    monkeypatch.setattr(fold_weights._ReleasingFolder, "run_node", recording)
    fold_quantized_weights(gm)
    # once the k-th weight is quantized, the k - 1 before it are freed (the k-th itself
    # when the interpreter drops its value, after the node); torchao's constant_fold
    # keeps all 6 registered until it ends
    assert alive_after == [6, 5, 4, 3, 2, 1]
    assert all(ref() is None for ref in weights.values())


def test_quantize_leaves_no_float_weight_alive():
    """Once quantize_graph_module(release_model=True) returns, nothing holds the float
    weights but cyclic garbage (torch.export's and the FX modules' cycles): torchao's
    and torch's device caches (`functools.cache`) no longer keep the export's and
    prepare's modules, with their weights, until the process ends."""
    from compiler.frontend.workflow import quantize_graph_module

    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 8, 3),
                          nn.Flatten(), nn.Linear(8 * 4 * 4, 5)).eval()
    x = torch.randn(1, 3, 8, 8)
    weights = [weakref.ref(p) for p in model.parameters() if p.dim() > 1]
    gm = quantize_graph_module(model, (x,), [(x,)], progress=False, release_model=True)
    gc.collect()
    assert len(weights) == 3 and all(ref() is None for ref in weights)
    assert not any(t.is_floating_point() and t.numel() > 8
                   for t in [*gm.parameters(), *gm.buffers()])
