"""`quantize-bias`: biases of weighted ops become integers with scale = s_in * s_w.

For every op with a `BiasOperand` (conv, depthwise, fully-connected, transpose-conv):
- a float bias is quantized to i32 (i64 when the input is i16: 16x8 kernels take an
  int64 bias), zero point 0, scale `float32(s_in * s_w)` per channel when the weight is
  per channel — the rule every TFLite/Circle integer kernel assumes;
- a bias PT2E already quantized is checked against that rule; an i32 bias of a 16x8 op
  is widened to i64 (same scale, same integers); a bias with another scale is
  requantized from its real values and reported;
- an absent bias of an op that requires one (`BiasOperand.required`: CONV_2D and
  DEPTHWISE_CONV_2D, which onert and LiteRT refuse without) becomes zeros;
- a bias too large for its storage at that scale is handled as ONE's quantizer does:
  the weight scale of the affected channels is raised until the bias fits, those weight
  channels are requantized, and the change is reported (a warning naming the op).

An op whose result is float (no qcast: a layer left float, kept with allow-float)
computes in float: its bias stays float (a quantized one becomes its real values),
whatever its input and weight are.

Guarantees afterwards: each bias operand of a quantized op is
`quant.dcast(quant.constant)` of the type the rule gives (or `circle.no_value` where
the bias is optional); required biases exist, in float programs too.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, NoneType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from compiler.dialects import quant
from compiler.dialects.circle_base import CircleOp
from compiler.ir.diagnostics import CompileWarning, error_at, op_location
from compiler.ir.quant_traits import BiasOperand
from compiler.ir.quant_types import (
    UniformQuantizedPerAxisType,
    UniformQuantizedType,
    make_quantized_type,
    storage_range,
)
from compiler.transforms.dce import region_dce  # xDSL's, memoized (see dce.py)
from compiler.transforms.quant_propagate import operand_qtype, result_qtype
from compiler.transforms.utils import (
    dequantized_constant_of,
    float_const,
    quantized_const,
    trait_of,
    walk_ops,
)


def _scales(et: Attribute) -> np.ndarray:
    return np.asarray(et.scales, dtype=np.float32)


def expected_bias_type(in_t: Attribute, w_t: Attribute, channels: int) -> Attribute:
    """i32 (i64 for i16 inputs), zero point 0, scale float32(s_in * s_w) per channel."""
    storage, scales = _bias_rule(in_t, w_t)
    if isinstance(w_t, UniformQuantizedPerAxisType):
        return make_quantized_type(storage, scales.astype(np.float64), 0, axis=0)
    return make_quantized_type(storage, float(scales[0]), 0)


def _bias_rule(in_t: Attribute, w_t: Attribute) -> tuple[str, np.ndarray]:
    """The storage and the float32 scales `expected_bias_type` gives the bias."""
    storage = "i64" if in_t.storage_spelling == "i16" else "i32"
    s_in = np.float32(in_t.scale.data)
    return storage, (s_in * _scales(w_t)).astype(np.float32)


def _follows_bias_rule(have: Attribute, in_t: Attribute, w_t: Attribute) -> bool:
    """Whether `have` is `expected_bias_type(in_t, w_t, ...)` up to its storage range:
    the same class (per-axis exactly when the weight is), storage and float32 scales,
    and zero points 0. Asked without building the expected type (a per-channel type of
    float attributes, verified when built; the expected type stores the float32 scales
    as float64, which read back as float32 unchanged): most biases PT2E quantized
    already follow the rule, and the type would be thrown away."""
    want_class = (UniformQuantizedPerAxisType if isinstance(w_t, UniformQuantizedPerAxisType)
                  else UniformQuantizedType)
    if type(have) is not want_class:
        return False
    storage, scales = _bias_rule(in_t, w_t)
    return (have.storage_spelling == storage and np.array_equal(_scales(have), scales)
            and not np.any(have.zero_points))


def _zero_bias(op: Operation, trait: BiasOperand) -> SSAValue:
    """A float zero bias (one per output channel) for an op that must have one; it is
    quantized below like any float bias."""
    channels = op.results[0].type.get_shape()[-1]
    c = float_const(np.zeros(channels, np.float32), op.location)
    Rewriter.insert_op(c, InsertPoint.before(op))
    op.operands[trait.index] = c.output
    return c.output


def _warn(op: Operation, message: str) -> None:
    where = op_location(op)
    warnings.warn(CompileWarning(f"{where}: {op.name}: {message}" if where else
                                 f"{op.name}: {message}"), stacklevel=2)


@dataclass(frozen=True)
class QuantizeBiasPass(ModulePass):
    name = "quantize-bias"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for o in walk_ops(op):
            trait = trait_of(type(o), BiasOperand)
            if trait is None or not isinstance(o, CircleOp):
                continue
            bias = o.operands[trait.index]
            if isinstance(bias.type, NoneType):
                if not trait.required:
                    continue
                bias = _zero_bias(o, trait)
            in_t = operand_qtype(o.operands[trait.input_index])
            w_t = operand_qtype(o.operands[trait.weight_index])
            if in_t is None or w_t is None:
                continue  # a float op: its bias stays float
            if result_qtype(o.results[0]) is None:
                # quantized input and weight, float result: the op computes in float
                # (a layer the quantizer left float, allow-float) on a float bias
                self._float_bias(o, trait, bias)
                continue
            if not isinstance(in_t, UniformQuantizedType):
                raise error_at(o, "a per-axis quantized input has no bias rule")
            self._quantize(o, trait, bias, in_t, w_t)
        region_dce(op.body)  # replaced biases and weights

    @staticmethod
    def _float_bias(op: Operation, trait: BiasOperand, bias: SSAValue) -> None:
        """A bias the program quantized becomes its real values (the float32 a
        DEQUANTIZE would compute); a float bias stays as it is."""
        if operand_qtype(bias) is None:
            return
        real = dequantized_constant_of(bias)
        if real is None:
            raise error_at(op, "the bias is not a constant; Circle kernels need a constant bias")
        c = float_const(real, bias.owner.location)
        Rewriter.insert_op(c, InsertPoint.before(op))
        op.operands[trait.index] = c.output

    def _quantize(self, op: Operation, trait: BiasOperand, bias: SSAValue,
                  in_t: Attribute, w_t: Attribute) -> None:
        channels = bias.type.get_shape()[0]
        have = operand_qtype(bias)
        if have is not None and _follows_bias_rule(have, in_t, w_t):
            return
        want = expected_bias_type(in_t, w_t, channels)
        real = dequantized_constant_of(bias)
        if real is None:
            raise error_at(op, "the bias is not a constant; Circle kernels need a constant bias")
        if have is not None and have.storage_spelling == want.storage_spelling:
            _warn(op, "bias scale differs from scale(input) * scale(weight); requantized "
                      "from its real values")
        scales = np.broadcast_to(_scales(want), (channels,)).astype(np.float64)
        lo, hi = storage_range(want.width, True)
        stored = np.rint(real.astype(np.float64) / scales)
        overflow = (stored < lo) | (stored > hi)
        if overflow.any():
            want = self._widen_weight_scales(op, trait, real, in_t, w_t, overflow, hi)
            scales = np.broadcast_to(_scales(want), (channels,)).astype(np.float64)
            stored = np.rint(real.astype(np.float64) / scales)
        stored = np.clip(stored, lo, hi).astype(np.int64 if want.width == 64 else np.int32)
        c = quantized_const(stored, want, bias.owner.location)
        d = quant.DequantizeCastOp(c.output, bias.type)
        d.location = bias.owner.location
        Rewriter.insert_op([c, d], InsertPoint.before(op))
        op.operands[trait.index] = d.output

    def _widen_weight_scales(self, op, trait, real, in_t, w_t, overflow, hi) -> Attribute:
        """Raise the weight scale of overflowing channels so that |bias| fits (ONE's
        approach); requantize those weight channels from their real values."""
        weight = op.operands[trait.weight_index]
        w_real = dequantized_constant_of(weight)
        if w_real is None:
            raise error_at(op, "bias overflows its storage and the weight is not constant")
        s_in = np.float32(in_t.scale.data)
        scales = _scales(w_t).astype(np.float64).copy()
        needed = np.abs(real.astype(np.float64)) / (float(s_in) * hi) * (1 + 1e-6)
        if isinstance(w_t, UniformQuantizedPerAxisType):
            scales = np.where(overflow, np.maximum(scales, needed), scales)
            new_w = make_quantized_type(w_t.storage_spelling, scales, w_t.zero_points,
                                        axis=w_t.axis.data, qmin=w_t.qmin, qmax=w_t.qmax)
        else:
            scales = np.array([max(scales[0], needed.max())])
            new_w = make_quantized_type(w_t.storage_spelling, float(scales[0]), w_t.zero_point.data,
                                        qmin=w_t.qmin, qmax=w_t.qmax)
        wc = quantized_const(new_w.quantize(w_real), new_w, weight.owner.location)
        wd = quant.DequantizeCastOp(wc.output, weight.type)
        wd.location = weight.owner.location
        Rewriter.insert_op([wc, wd], InsertPoint.before(op))
        op.operands[trait.weight_index] = wd.output
        channels = [int(i) for i in np.flatnonzero(overflow)]
        _warn(op, f"bias does not fit its storage at scale(input) * scale(weight); weight "
                  f"scale raised for channel(s) {channels} so it does")
        return expected_bias_type(in_t, new_w, len(real))

