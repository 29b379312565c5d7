"""`quantize`: export, prepare, calibrate, convert and re-export in one call.

A convenience over the standard torchao PT2E calls, which stay usable directly with
`CircleQuantizer`; nothing here is required by the rest of the compiler.

`quantize_graph_module` stops before the re-export: `convert_pt2e`'s GraphModule, with
its nodes named as the re-export would name them, goes straight to
`compiler.frontend.importer.import_graph_module`, which imports it to the same module as
`import_program` imports the re-export (the re-export traces the model a second time,
about as long as the first export).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence

import torch

from compiler.frontend.decompose import decompose_for_circle
from compiler.frontend.fold_weights import fold_quantized_weights
from compiler.frontend.graph_module import name_as_export
from compiler.frontend.quantizer import CircleQuantizer


def _as_tuple(batch) -> tuple:
    return tuple(batch) if isinstance(batch, (tuple, list)) else (batch,)


def quantize(
    model: torch.nn.Module,
    example_inputs: Sequence,
    calibration_data: Iterable,
    scheme: str = "uint8",
    is_qat: bool = False,
    per_channel: bool = True,
    progress: bool = True,
    timings: dict[str, float] | None = None,
    allow_float: bool = False,
    float_ops: list | None = None,
    is_dynamic: bool = False,
) -> torch.export.ExportedProgram:
    """Quantize `model` with `CircleQuantizer(scheme)`; the converted program, re-exported.

    `quantize_graph_module` (its arguments are the same), then the converted
    GraphModule is re-exported (`convert_pt2e` does not return an ExportedProgram)
    with `example_inputs`, so shapes stay static. `timings`, when given, receives the
    seconds spent in "export", "calibrate", "convert" and "re-export".
    """
    import time

    converted = quantize_graph_module(
        model, example_inputs, calibration_data, scheme=scheme, is_qat=is_qat,
        per_channel=per_channel, progress=progress, timings=timings,
        allow_float=allow_float, float_ops=float_ops, is_dynamic=is_dynamic)
    start = time.perf_counter()
    program = torch.export.export(converted, _as_tuple(example_inputs))
    if timings is not None:
        timings["re-export"] = time.perf_counter() - start
    return program


def quantize_graph_module(
    model: torch.nn.Module,
    example_inputs: Sequence,
    calibration_data: Iterable,
    scheme: str = "uint8",
    is_qat: bool = False,
    per_channel: bool = True,
    progress: bool = True,
    timings: dict[str, float] | None = None,
    allow_float: bool = False,
    float_ops: list | None = None,
    is_dynamic: bool = False,
    release_model: bool = False,
) -> torch.fx.GraphModule:
    """Quantize `model` with `CircleQuantizer(scheme)`; `convert_pt2e`'s GraphModule.

    `calibration_data` is an iterable of input tuples (a bare tensor counts as a 1-tuple);
    each is run through the prepared model under `torch.no_grad()` with a progress bar
    (tqdm, on stderr; `progress=False` hides it).

    With `is_qat=True` the model is exported in train mode and prepared with
    `prepare_qat_pt2e`; the calibration batches run forward passes in train mode (fake
    quantization and batch-norm statistics update, no weights are trained), then the
    model moves to eval mode and is converted. For real QAT, run the torchao calls
    yourself and train the prepared model. The user's module is deep-copied first in QAT
    (the exported GraphModule shares parameter storage with it); in PTQ it is only put
    into eval mode.

    The converted GraphModule's nodes are named as `torch.export` names them
    (`compiler.frontend.graph_module.name_as_export`), so that the module imported from
    it (`import_graph_module`) and from its re-export (`quantize`) are the same, and
    the tensors `compiler.verify` records by node name meet the IR's.

    `allow_float`: ops no runtime runs as integers in `scheme`
    (`compiler.frontend.float_ops`) stay float instead of raising a `CompileError`;
    `float_ops`, when given, receives them (`FloatOp`: node, target, location, reason).

    `is_dynamic=True` (scheme "int8" only): dynamic quantization of linear layers (int8
    weights, inputs quantized at run time), lowered to hybrid FULLY_CONNECTED; the
    calibration batches only run the model (nothing is observed but the weights).

    `timings`, when given, receives the seconds spent in "export", "calibrate" and
    "convert".

    `release_model=True` (PTQ): the caller gives `model` up. Once exported, its
    parameters and buffers are replaced by meta tensors (the module can no longer run),
    so that the exported program holds the only reference to the float weights and each
    convolution's weights are freed as soon as `prepare_pt2e` has folded its batch norm
    into new ones: the float weights are then held once, not twice (`qcompile` without
    --verify or --report).
    """
    import linecache
    import time

    clock = {"t": time.perf_counter()}

    def lap(stage: str) -> None:
        now = time.perf_counter()
        if timings is not None:
            timings[stage] = now - clock["t"]
        clock["t"] = now

    from torchao.quantization.pt2e import move_exported_model_to_eval
    from torchao.quantization.pt2e.quantize_pt2e import (
        convert_pt2e,
        prepare_pt2e,
        prepare_qat_pt2e,
    )
    from tqdm import tqdm

    example_inputs = _as_tuple(example_inputs)
    quantizer = CircleQuantizer(scheme, per_channel=per_channel, is_qat=is_qat,
                                allow_float=allow_float, is_dynamic=is_dynamic)
    model = copy.deepcopy(model).train() if is_qat else model.eval()
    # Ops Circle lacks are decomposed first, so that calibration observes every
    # intermediate tensor (see compiler.frontend.decompose).
    # PTQ: weights computed from parameters (weight normalization...) fold to constants
    exported = decompose_for_circle(torch.export.export(model, example_inputs), scheme,
                                    fold_parameters=not is_qat)
    lap("export")
    # torch.export reads the source of every file on the stacks it records (torch's
    # own, ~60 files, ~7 MiB of str in `linecache`), then keeps them for the life of
    # the process; nothing after it reads them again. Freed here, prepare, calibrate,
    # convert and the IR reuse the memory (resnet example: peak RSS
    # 384 -> 378-380 MiB).
    linecache.clearcache()
    prepare = prepare_qat_pt2e if is_qat else prepare_pt2e
    graph_module = exported.module()
    del exported
    if release_model and not is_qat:
        release_tensors(model)
    prepared = prepare(graph_module, quantizer)
    del graph_module
    if float_ops is not None:
        float_ops.extend(quantizer.float_ops)
    # PTQ observers only read activations: inference mode (no autograd bookkeeping at
    # all) gives the same statistics as no_grad. QAT updates batch-norm statistics and
    # fake-quant state that later runs in normal mode: no_grad there.
    with torch.no_grad() if is_qat else torch.inference_mode():
        for batch in tqdm(calibration_data, desc=f"calibrating ({scheme})", disable=not progress,
                          leave=False):
            prepared(*_as_tuple(batch))
    if is_qat:
        move_exported_model_to_eval(prepared)
    lap("calibrate")
    # folded here rather than by convert_pt2e (the same result): the prepared module,
    # and torch's caches of the modules it saw, let go first, each float weight is
    # freed as soon as it is quantized instead of after the whole graph
    converted = convert_pt2e(prepared, fold_quantize=False)
    del prepared
    _forget_modules(converted)
    fold_quantized_weights(converted)
    _drop_unused_tensors(converted)
    name_as_export(converted)
    lap("convert")
    return converted


def release_tensors(model: torch.nn.Module) -> None:
    """Point every parameter and buffer of `model` at a meta tensor of its shape: the
    tensors themselves stay alive only where something else holds them (the exported
    program shares the Parameter objects). The module can no longer run. `qcompile`
    also releases the converted GraphModule once imported (the IR holds copies of its
    constants), so that its integer weights are freed at once rather than at the next
    full garbage collection (a GraphModule is cyclic)."""
    for module in model.modules():
        for name, p in module._parameters.items():
            if p is not None:
                module._parameters[name] = torch.nn.Parameter(p.detach().to("meta"),
                                                              p.requires_grad)
        for name, b in module._buffers.items():
            if b is not None:
                module._buffers[name] = b.detach().to("meta")


#: float weight elements above which the replaced modules are collected before folding
_COLLECT_ABOVE = 4 << 20


def _forget_modules(converted: torch.fx.GraphModule) -> None:
    """Let the modules of the export and prepare steps go, so that `converted` holds the
    only reference to the float weights: `prepare_pt2e` and `convert_pt2e` ask
    torchao's and torch's `assert_and_get_unique_device`, whose `functools.cache`
    keeps every module it is given (with its weights) until the process ends (the
    caches only spare recomputing a module's device). The modules' graphs are cyclic:
    only a full collection frees them. It costs ~0.2 s whatever the model (it traverses
    torch's objects too), so it runs only where the weights make it pay, as qcompile's
    collection before the writer: 4M float elements or more (16 MiB). ResNet-18 (43 MiB
    of weights): peak RSS -26 MiB (docs/bench.md)."""
    import gc

    import torch.ao.quantization.fx.utils as fx_utils
    import torchao.utils

    for cached in (getattr(torchao.utils, "_assert_and_get_unique_device", None),
                   getattr(fx_utils, "assert_and_get_unique_device", None)):
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()
    elements = sum(t.numel() for t in [*converted.parameters(), *converted.buffers()]
                   if t.is_floating_point())
    if elements >= _COLLECT_ABOVE:
        gc.collect()


def _drop_unused_tensors(gm: torch.fx.GraphModule) -> None:
    """Delete the parameters and buffers of `gm` that no `get_attr` node reads and that
    belong to no submodule a `call_module` node calls, then the submodules left without
    use.

    `prepare_pt2e` folds each batch norm into its convolution as new float weights and
    `convert_pt2e` folds their quantization into new integer buffers, but leaves the float
    weights registered: a second float copy of the model's convolution weights that the
    converted graph never reads. Released here, it no longer stays alive, next to the
    user's float model, through everything that follows (import, lowering, writing).
    """
    # a called submodule reads its own parameters and buffers (the prefix test below)
    used = {node.target for node in gm.graph.nodes if node.op in ("get_attr", "call_module")}
    for name, _ in [*gm.named_parameters(remove_duplicate=False),
                    *gm.named_buffers(remove_duplicate=False)]:
        parts = name.split(".")  # read itself, or inside a submodule the graph reads
        if any(".".join(parts[:i]) in used for i in range(1, len(parts) + 1)):
            continue
        owner = gm.get_submodule(".".join(parts[:-1]))
        if parts[-1] in owner._parameters or parts[-1] in owner._buffers:  # not yet deleted
            delattr(owner, parts[-1])
    gm.delete_all_unused_submodules()
