"""Quantization flows other than `CircleQuantizer`'s: any PT2E quantizer, FX graph mode.

Both end in the same `quantized_decomposed` q/dq program that `import_program` reads;
what differs is the storage conventions (int8 or uint8 activations, narrow or full
int8 weights, per-tensor or per-channel), which `adapt-storage` re-encodes into the
target scheme, and the tensors a backend-specific quantizer leaves unobserved, which
`complete_qparams` fills in from calibration data.

- `quantize_pt2e(model, example_inputs, batches, quantizer, is_qat)`: export, prepare
  with the given quantizer (XNNPACKQuantizer, X86InductorQuantizer, ...), calibrate,
  convert, re-export;
- `fx_qconfig_mapping(scheme, backend, is_qat)`: a QConfigMapping with the qnnpack or
  fbgemm conventions (uint8 activations, int8 weights) whose weights the target
  scheme holds exactly: symmetric narrow [-127, 127] int8, per channel, except
  FULLY_CONNECTED weights per tensor for `uint8` (onert's per-channel FC is wrong);
- `quantize_fx(model, example_inputs, batches, qconfig_mapping, is_qat, scheme)`:
  Hardsigmoid (and for uint8/int16 Hardswish) modules decomposed
  (`decompose_modules_for_fx`), `prepare_fx`/`prepare_qat_fx`, calibrate,
  `_convert_to_reference_decomposed_fx`, and `torch.export` of the reference
  GraphModule;
- `export_fx_reference(graph_module, example_inputs)`: an FX reference-decomposed
  GraphModule as an ExportedProgram (what `import_program` takes).
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterable, Sequence

import torch


def _as_tuple(batch) -> tuple:
    return tuple(batch) if isinstance(batch, (tuple, list)) else (batch,)


def quantize_pt2e(model: torch.nn.Module, example_inputs: Sequence, batches: Iterable,
                  quantizer, is_qat: bool = False) -> torch.export.ExportedProgram:
    """PT2E with any torchao quantizer; calibration batches run forward passes (in
    train mode for QAT, like `compiler.quantize`)."""
    from torchao.quantization.pt2e import move_exported_model_to_eval
    from torchao.quantization.pt2e.quantize_pt2e import (
        convert_pt2e,
        prepare_pt2e,
        prepare_qat_pt2e,
    )

    example_inputs = _as_tuple(example_inputs)
    model = copy.deepcopy(model).train() if is_qat else model.eval()
    exported = torch.export.export(model, example_inputs)
    prepared = (prepare_qat_pt2e if is_qat else prepare_pt2e)(exported.module(), quantizer)
    with torch.no_grad():
        for batch in batches:
            prepared(*_as_tuple(batch))
    if is_qat:
        move_exported_model_to_eval(prepared)
    return torch.export.export(convert_pt2e(prepared), example_inputs)


def fx_qconfig_mapping(scheme: str = "uint8", backend: str = "qnnpack", is_qat: bool = False):
    """The backend's default mapping (its activation observers and fixed-range ops),
    with weights the scheme holds exactly (see the module doc)."""
    from torch.ao.quantization import (
        QConfig,
        get_default_qat_qconfig_mapping,
        get_default_qconfig_mapping,
    )
    from torch.ao.quantization.fake_quantize import FakeQuantize
    from torch.ao.quantization.observer import (
        MinMaxObserver,
        MovingAverageMinMaxObserver,
        MovingAveragePerChannelMinMaxObserver,
        PerChannelMinMaxObserver,
    )

    if backend not in ("qnnpack", "fbgemm"):
        from compiler.ir.diagnostics import CompileError

        raise CompileError(f"unknown FX backend '{backend}' (expected qnnpack or fbgemm)")
    narrow = dict(dtype=torch.qint8, quant_min=-127, quant_max=127)
    if is_qat:
        per_channel = FakeQuantize.with_args(observer=MovingAveragePerChannelMinMaxObserver,
                                             qscheme=torch.per_channel_symmetric, **narrow)
        per_tensor = FakeQuantize.with_args(observer=MovingAverageMinMaxObserver,
                                            qscheme=torch.per_tensor_symmetric, **narrow)
        mapping = get_default_qat_qconfig_mapping(backend)
    else:
        per_channel = PerChannelMinMaxObserver.with_args(qscheme=torch.per_channel_symmetric,
                                                         **narrow)
        per_tensor = MinMaxObserver.with_args(qscheme=torch.per_tensor_symmetric, **narrow)
        mapping = get_default_qconfig_mapping(backend)
    activation = mapping.global_qconfig.activation
    mapping.set_global(QConfig(activation=activation, weight=per_channel))
    if scheme == "uint8":
        fc = QConfig(activation=activation, weight=per_tensor)
        mapping.set_object_type(torch.nn.Linear, fc)
        mapping.set_object_type(torch.nn.functional.linear, fc)
    return mapping


class _Hardsigmoid(torch.nn.Module):
    """`relu6(x + 3) / 6`, the decomposition `decompose_for_circle` applies (no Circle
    builtin computes HARD_SIGMOID)."""

    def forward(self, x):
        return torch.nn.functional.relu6(x + 3.0) * (1.0 / 6.0)


class _Hardswish(torch.nn.Module):
    """`x * relu6(x + 3) / 6`: onert has no HARD_SWISH kernel, LiteRT no int16 one."""

    def forward(self, x):
        return x * torch.nn.functional.relu6(x + 3.0) * (1.0 / 6.0)


def decompose_modules_for_fx(model: torch.nn.Module, scheme: str | None = None
                             ) -> torch.nn.Module:
    """`model` with the activation modules Circle has no builtin for replaced by their
    decompositions, as `decompose_for_circle` does for PT2E (Hardsigmoid always,
    Hardswish for uint8 and int16), so that FX graph mode observes every intermediate.
    FX quantizes modules before tracing to ATen: the swap happens on the modules (the
    functional forms, `F.hardsigmoid`, stay as they are). Changed in place and
    returned."""
    swaps: dict[type, type] = {torch.nn.Hardsigmoid: _Hardsigmoid}
    if scheme in ("uint8", "int16"):
        swaps[torch.nn.Hardswish] = _Hardswish
    for name, child in list(model.named_children()):
        new = swaps.get(type(child))
        if new is not None:
            setattr(model, name, new())
        else:
            decompose_modules_for_fx(child, scheme)
    return model


def quantize_fx(model: torch.nn.Module, example_inputs: Sequence, batches: Iterable,
                qconfig_mapping, is_qat: bool = False, scheme: str | None = None
                ) -> torch.export.ExportedProgram:
    """FX graph mode quantization to the reference decomposed form, exported; the
    modules of `decompose_modules_for_fx(model, scheme)` are decomposed first (on a
    copy)."""
    from torch.ao.quantization.quantize_fx import (
        _convert_to_reference_decomposed_fx,
        prepare_fx,
        prepare_qat_fx,
    )

    example_inputs = _as_tuple(example_inputs)
    model = decompose_modules_for_fx(copy.deepcopy(model), scheme)
    model = model.train() if is_qat else model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FX graph mode's deprecation notice
        prepared = (prepare_qat_fx if is_qat else prepare_fx)(model, qconfig_mapping,
                                                              example_inputs)
        with torch.no_grad():
            for batch in batches:
                prepared(*_as_tuple(batch))
        prepared.eval()
        reference = _convert_to_reference_decomposed_fx(prepared)
    return export_fx_reference(reference, example_inputs)


def export_fx_reference(graph_module: torch.nn.Module,
                        example_inputs: Sequence) -> torch.export.ExportedProgram:
    """An FX reference-decomposed GraphModule (`_convert_to_reference_decomposed_fx`)
    as the ExportedProgram `import_program` reads: its q/dq are the same
    `quantized_decomposed` ops PT2E emits."""
    return torch.export.export(graph_module, _as_tuple(example_inputs))
