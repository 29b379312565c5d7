"""The PT2E quantization specs of each scheme `CircleQuantizer` implements, built from the
scheme facts in `compiler.ir.schemes` (storage types, symmetry, smallest scales) and the
circle ops' fixed output ranges (`FixedOutputRange`); DESIGN.md, "Schemes".

The bias scale is `float32(s_in * s_w)` with zero point 0 (per channel when the weight is),
derived from the observers of the op's input and weight (`DerivedQuantizationSpec`).

The PT2E graph cannot hold an int64 bias: `quantized_decomposed` has no int64 dtype,
and `convert_pt2e` silently leaves a bias annotated int64 in float. So the `int16` scheme
quantizes the bias to i32 in the graph, with the same derived scale; the backend widens
it to the i64 that 16x8 kernels take (exact: same scale, same integers). A 16x8 bias
outside the i32 range saturates in the PT2E model, and so in the compiled one.

Fixed output ranges are what the runtimes' integer kernels require (TFLite checks them
when preparing LOGISTIC, TANH, SOFTMAX and LOG_SOFTMAX): they are declared once, on the
circle op (`FixedOutputRange`), and `fixed_spec` turns one into a torch spec.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torchao.quantization.pt2e import (
    FakeQuantize,
    MinMaxObserver,
    MovingAverageMinMaxObserver,
    MovingAveragePerChannelMinMaxObserver,
    PerChannelMinMaxObserver,
)
from torchao.quantization.pt2e.quantizer import (
    DerivedQuantizationSpec,
    FixedQParamsQuantizationSpec,
    QuantizationSpec,
)

from compiler.ir.quant_traits import FixedOutputRange
from compiler.ir.schemes import EPS, EPS_INT16, SCHEMES as _SCHEMES, Scheme, spelling_range

__all__ = ["EPS", "EPS_INT16", "SCHEMES", "SchemeSpecs"]

SCHEMES = tuple(_SCHEMES)

#: torch's dtype of each storage spelling
_TORCH_DTYPES = {"u8": torch.uint8, "i8": torch.int8, "i16": torch.int16, "i32": torch.int32}


def _observer(per_channel: bool, is_qat: bool, eps: float = EPS):
    """An observer (PTQ) or fake-quantize (QAT) constructor.

    QAT: everything goes in one `with_args` call (calling `with_args` twice on a
    FakeQuantize breaks `prepare_qat_pt2e`), and the per-channel observer class is
    named in `observer=` so that prepare keeps `ch_axis` (it drops `ch_axis` unless the
    constructor's class name contains "PerChannel"; FakeQuantize's does not, and the
    axis then falls back to the observer's default 0 — see `weight_spec`).
    """
    if is_qat:
        obs = MovingAveragePerChannelMinMaxObserver if per_channel else MovingAverageMinMaxObserver
        return FakeQuantize.with_args(observer=obs, eps=eps)
    obs = PerChannelMinMaxObserver if per_channel else MinMaxObserver
    return obs.with_args(eps=eps)


def _derive_bias_qparams(observers) -> tuple[torch.Tensor, torch.Tensor]:
    """`scale = float32(s_in * s_w)`, zero point 0, from the (input, weight) observers."""
    act_scale, _ = observers[0].calculate_qparams()
    w_scale, _ = observers[1].calculate_qparams()
    scale = (act_scale.to(torch.float32) * w_scale.to(torch.float32)).to(torch.float32)
    return scale, torch.zeros(scale.shape, dtype=torch.int64)


@dataclass(frozen=True)
class SchemeSpecs:
    """The qspecs of one scheme; `weight_spec`/`bias_spec` depend on the op's weight axis."""

    scheme: str
    per_channel: bool
    is_qat: bool

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ValueError(
                f"unknown quantization scheme '{self.scheme}'; expected one of {', '.join(SCHEMES)}"
            )

    @property
    def facts(self) -> Scheme:
        return _SCHEMES[self.scheme]

    @property
    def storage(self) -> str:
        """The activation storage spelling (`u8`)."""
        return self.facts.activation

    # -- activations ------------------------------------------------------------------
    @property
    def activation_dtype(self) -> torch.dtype:
        return _TORCH_DTYPES[self.facts.activation]

    def activation_spec(self) -> QuantizationSpec:
        info = torch.iinfo(self.activation_dtype)
        symmetric = self.facts.activation_symmetric
        return QuantizationSpec(
            dtype=self.activation_dtype,
            observer_or_fake_quant_ctr=_observer(False, self.is_qat, self.facts.activation_eps),
            quant_min=info.min,
            quant_max=info.max,
            qscheme=torch.per_tensor_symmetric if symmetric else torch.per_tensor_affine,
        )

    # -- weights ----------------------------------------------------------------------
    def weight_spec(self, ch_axis: int = 0, per_channel: bool | None = None) -> QuantizationSpec:
        """Weights of conv/linear; `ch_axis` is the output-channel dimension of the weight."""
        per_channel = self.per_channel if per_channel is None else per_channel
        if per_channel and self.is_qat and ch_axis != 0:
            # prepare_qat_pt2e drops ch_axis for FakeQuantize constructors (see _observer).
            raise NotImplementedError(
                "QAT with per-channel weights along an axis other than 0 (e.g. "
                "conv_transpose2d) is not supported by torchao's prepare_qat_pt2e"
            )
        lo, hi = self.facts.weight_range
        if self.facts.weight_narrow:  # symmetric, zero point 0
            qscheme = torch.per_channel_symmetric if per_channel else torch.per_tensor_symmetric
        else:
            qscheme = torch.per_channel_affine if per_channel else torch.per_tensor_affine
        return QuantizationSpec(
            dtype=_TORCH_DTYPES[self.facts.weight],
            observer_or_fake_quant_ctr=_observer(per_channel, self.is_qat),
            quant_min=lo,
            quant_max=hi,
            qscheme=qscheme,
            ch_axis=ch_axis if per_channel else None,
        )

    # -- bias -------------------------------------------------------------------------
    @property
    def bias_dtype(self) -> torch.dtype:
        """The dtype of the bias in the PT2E graph: always int32 (see the module notes)."""
        return torch.int32

    def bias_spec(self, input_edge, weight_edge, per_channel: bool | None = None):
        """Bias derived from the op's input and weight observers (`s_in * s_w`, zp 0)."""
        per_channel = self.per_channel if per_channel is None else per_channel
        lo, hi = spelling_range("i32")
        return DerivedQuantizationSpec(
            derived_from=[input_edge, weight_edge],
            derive_qparams_fn=_derive_bias_qparams,
            dtype=self.bias_dtype,
            quant_min=lo,
            quant_max=hi,
            qscheme=torch.per_channel_symmetric if per_channel else torch.per_tensor_symmetric,
            ch_axis=0 if per_channel else None,
        )

    # -- fixed output ranges ----------------------------------------------------------
    def fixed_spec(self, fixed: FixedOutputRange | None) -> FixedQParamsQuantizationSpec | None:
        """The output spec of an op whose circle op has the fixed output range `fixed`
        (its trait, `compiler.ir.quant_traits`), or None if the range is free in this
        scheme's storage (no trait, or none for it: TFLite has no int16 LOG_SOFTMAX)."""
        qparams = fixed.for_storage(self.storage) if fixed is not None else None
        if qparams is None:
            return None
        scale, zp = qparams
        info = torch.iinfo(self.activation_dtype)
        return FixedQParamsQuantizationSpec(
            dtype=self.activation_dtype,
            scale=scale,
            zero_point=zp,
            quant_min=info.min,
            quant_max=info.max,
            qscheme=torch.per_tensor_affine,
        )
