"""The quantization specs of each scheme `CircleQuantizer` implements (DESIGN.md, "Schemes").

| scheme  | activations                    | weights                                  | bias |
| ------- | ------------------------------ | ---------------------------------------- | ---- |
| `uint8` | u8 asymmetric [0, 255]         | u8 asymmetric, per-channel or per-tensor | i32  |
| `int8`  | i8 asymmetric [-128, 127]      | i8 symmetric narrow [-127, 127]          | i32  |
| `int16` | i16 symmetric (zp 0)           | i8 symmetric narrow [-127, 127]          | i64* |

The bias scale is `float32(s_in * s_w)` with zero point 0 (per channel when the weight is),
derived from the observers of the op's input and weight (`DerivedQuantizationSpec`).

(*) The PT2E graph cannot hold an int64 bias: `quantized_decomposed` has no int64 dtype,
and `convert_pt2e` silently leaves a bias annotated int64 in float. So the `int16` scheme
quantizes the bias to i32 in the graph, with the same derived scale; the backend widens
it to the i64 that 16x8 kernels take (exact: same scale, same integers). A 16x8 bias
outside the i32 range saturates in the PT2E model, and so in the compiled one.

Fixed output ranges are what the runtimes' integer kernels require (TFLite checks them
when preparing LOGISTIC, TANH, SOFTMAX and LOG_SOFTMAX): see `fixed_qparams`.

Every observer has a smallest scale `eps`, so that a constant or all-zero tensor still
gets a usable (exactly representable) scale: `2**-12` for 8-bit tensors and weights, as
the research notes recommend, but `2**-20` for int16 activations. With `2**-12`, every
i16 tensor whose values stay within +-8 would get the scale 2**-12 (a range of +-8 for
32768 steps) instead of max|x| / 32767.5, throwing away up to 8 bits of the resolution
16x8 quantization exists for.
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

SCHEMES = ("uint8", "int8", "int16")

#: smallest scale an observer may produce (see the research notes on all-zero tensors)
EPS = 2.0**-12
#: the same for int16 activations (see the module notes)
EPS_INT16 = 2.0**-20

_I32 = (-(2**31), 2**31 - 1)


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

    # -- activations ------------------------------------------------------------------
    @property
    def activation_dtype(self) -> torch.dtype:
        return {"uint8": torch.uint8, "int8": torch.int8, "int16": torch.int16}[self.scheme]

    def activation_spec(self) -> QuantizationSpec:
        info = torch.iinfo(self.activation_dtype)
        symmetric = self.scheme == "int16"
        return QuantizationSpec(
            dtype=self.activation_dtype,
            observer_or_fake_quant_ctr=_observer(
                False, self.is_qat, EPS_INT16 if self.scheme == "int16" else EPS
            ),
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
        if self.scheme == "uint8":
            return QuantizationSpec(
                dtype=torch.uint8,
                observer_or_fake_quant_ctr=_observer(per_channel, self.is_qat),
                quant_min=0,
                quant_max=255,
                qscheme=torch.per_channel_affine if per_channel else torch.per_tensor_affine,
                ch_axis=ch_axis if per_channel else None,
            )
        return QuantizationSpec(
            dtype=torch.int8,
            observer_or_fake_quant_ctr=_observer(per_channel, self.is_qat),
            quant_min=-127,
            quant_max=127,
            qscheme=torch.per_channel_symmetric if per_channel else torch.per_tensor_symmetric,
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
        lo, hi = _I32
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
    def fixed_qparams(self, kind: str) -> FixedQParamsQuantizationSpec | None:
        """The output spec the runtimes require for `kind`, or None if the range is free.

        u8: logistic/softmax 1/256 zp 0, tanh 1/128 zp 128, log_softmax 16/256 zp 255;
        i8: logistic/softmax 1/256 zp -128, tanh 1/128 zp 0, log_softmax 16/256 zp 127;
        i16: logistic/tanh/softmax 1/32768 zp 0 (TFLite has no int16 LOG_SOFTMAX, so its
        range is left to the observer).
        """
        table = {
            "uint8": {"sigmoid": (1 / 256, 0), "softmax": (1 / 256, 0),
                      "tanh": (1 / 128, 128), "log_softmax": (16 / 256, 255)},
            "int8": {"sigmoid": (1 / 256, -128), "softmax": (1 / 256, -128),
                     "tanh": (1 / 128, 0), "log_softmax": (16 / 256, 127)},
            "int16": {"sigmoid": (1 / 32768, 0), "softmax": (1 / 32768, 0),
                      "tanh": (1 / 32768, 0)},
        }[self.scheme]
        if kind not in table:
            return None
        scale, zp = table[kind]
        info = torch.iinfo(self.activation_dtype)
        return FixedQParamsQuantizationSpec(
            dtype=self.activation_dtype,
            scale=scale,
            zero_point=zp,
            quant_min=info.min,
            quant_max=info.max,
            qscheme=torch.per_tensor_affine,
        )
