"""`verify-quantized{scheme=auto allow-float=false}`: check the scheme's contract before
emission.

Checks every circle op against the scheme (`compiler.ir.schemes`) and the runtimes'
kernel constraints, using the ops' quantization traits:
- activations use the scheme's storage (u8 / i8 / i16); int16 activations are symmetric
  (zero point 0: LiteRT's and onert's 16-bit kernels require it);
- weights (`WeightOperand`) use the scheme's weight storage; int8/int16 weights are
  symmetric narrow-range and per-channel; a data-movement (`SameScale`) op whose result
  only feeds weights (a runtime weight relaid out, e.g. a conv filter that is a model
  input) is checked by the weight rules;
- the alpha of an int16 PRELU is i8 per tensor (TFLite's 16x8 kernel reads it as int8);
- biases (`BiasOperand`) are i32 (i64 for int16), zero point 0, scale
  float32(s_in * s_w);
- `SameScale` ops keep their operands' parameters; `FixedOutputRange` ops have the
  required range;
- a DEQUANTIZE of a constant that only feeds weights (a float op's quantized weight,
  allow-float) is checked by the weight rules;
- no float tensor is left, except float model inputs/outputs at `circle.quantize` /
  `circle.dequantize` boundaries, unless `allow-float=true`.

All violations are reported at once, each with its op and source location. A float
program (no quantized tensor) passes when the scheme is `auto` or `float`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import IntegerType, ModuleOp, TensorType
from xdsl.ir import Attribute, BlockArgument, Operation, SSAValue
from xdsl.passes import ModulePass

from compiler.dialects import circle
from compiler.dialects.circle_base import CircleOp, ConstOp, NoValueOp
from compiler.ir.diagnostics import CompileError, op_location
from compiler.ir.hybrid import is_hybrid
from compiler.ir.quant_traits import (
    BiasOperand,
    FixedOutputRange,
    NonQuantizedOperands,
    SameScale,
    WeightOperand,
    feeds_only_weights,
    relays_out_weights,
)
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType, is_quantized
from compiler.ir.schemes import SCHEMES, Scheme, resolve_scheme, scheme_named
from compiler.transforms.utils import is_float_tensor, trait_of, walk_ops


def _et(v: SSAValue) -> Attribute | None:
    t = v.type
    return t.element_type if isinstance(t, TensorType) and is_quantized(t) else None


def _params(et: Attribute) -> tuple:
    return (et.storage_spelling, tuple(np.float32(et.scales)), tuple(et.zero_points))


def _nonzero_zero_point(et: Attribute) -> bool:
    """`np.any(et.zero_points)`, read from the type's parameters without building the
    array (a bias or weight check per op)."""
    if isinstance(et, UniformQuantizedPerAxisType):
        return any(z.data for z in et.zero_points_attr.data)
    return et.zero_point.data != 0


def _same_params(a: Attribute, b: Attribute) -> bool:
    """`_params(a) == _params(b)`; at once for one object (a same-scale op's operand
    and result usually share their element type: quant-propagate gives the one to the
    other)."""
    return a is b or _params(a) == _params(b)


class _ClassFacts(NamedTuple):
    """What `_check` asks of an op's class (traits are class-level in xDSL)."""

    skip: tuple[int, ...]  # `NonQuantizedOperands`
    weight: WeightOperand | None
    bias: BiasOperand | None
    same_scale: SameScale | None
    fixed: FixedOutputRange | None
    quantize: bool
    dequantize: bool
    prelu: bool


@functools.cache
def _class_facts(cls: type[Operation]) -> _ClassFacts:
    return _ClassFacts(
        skip=_non_quantized_operands(cls),
        weight=trait_of(cls, WeightOperand),
        bias=trait_of(cls, BiasOperand),
        same_scale=trait_of(cls, SameScale),
        fixed=trait_of(cls, FixedOutputRange),
        quantize=issubclass(cls, circle.QuantizeOp),
        dequantize=issubclass(cls, circle.DequantizeOp),
        prelu=issubclass(cls, circle.PReluOp),
    )


def _is_boundary(op: Operation, facts: _ClassFacts) -> bool:
    """QUANTIZE of a model input, DEQUANTIZE of a model output."""
    if facts.quantize and is_float_tensor(op.input):
        return isinstance(op.input, BlockArgument)
    if facts.dequantize:
        return all(isinstance(u.operation, func.ReturnOp) for u in op.output.uses)
    return False


@dataclass(frozen=True)
class VerifyQuantizedPass(ModulePass):
    name = "verify-quantized"

    scheme: str = "auto"
    allow_float: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.scheme == "float":
            return
        scheme = resolve_scheme(self.scheme, op) if self.scheme == "auto" else scheme_named(self.scheme)
        if scheme is None:
            scheme = _scheme_from_types(op)
            if scheme is None:
                return  # a float program
        problems: list[tuple[Operation, str]] = []
        for o in walk_ops(op):
            if isinstance(o, CircleOp) and not isinstance(o, ConstOp | NoValueOp):
                problems += [(o, m) for m in self._check(o, scheme)]
        if problems:
            lines = [
                f"{op_location(o) or '<unknown>'}: {o.name}: {m}" for o, m in problems
            ]
            if len(lines) == 1:
                o, m = problems[0]
                raise CompileError(f"{o.name}: {m}", op_location(o))
            raise CompileError(
                f"{len(lines)} violations of the {scheme.name} scheme:\n  " + "\n  ".join(lines)
            )

    def _check(self, op: Operation, scheme: Scheme) -> list[str]:
        facts = _class_facts(type(op))
        if _is_boundary(op, facts) or is_hybrid(op):  # hybrid: float activations by design
            return []
        skip = facts.skip
        if facts.same_scale is not None and relays_out_weights(op):
            # (relays_out_weights is False for any op without SameScale)
            return [m for what, v in [*((f"operand #{i}", v) for i, v in enumerate(op.operands)
                                        if i not in skip),
                                      *((f"result #{r.index}", r) for r in op.results)]
                    if (et := _et(v)) is not None for m in self._weight(et, scheme, what)]
        if facts.dequantize and _dequantizes_weight(op):
            # a float op's quantized constant weight (allow-float: a quantized program
            # whose layer stays float, X86InductorQuantizer's last linear): the stored
            # weight keeps the weight rules, per channel included (DEQUANTIZE computes
            # per-channel weights in LiteRT and onert alike)
            return self._weight(_et(op.input), scheme, "operand #0")
        out: list[str] = []
        for i, v in enumerate(op.operands):
            if i not in skip:
                self._value(op, facts, i, v, scheme, out)
        for r in op.results:
            self._value(op, facts, None, r, scheme, out)
        if facts.same_scale is not None:
            out += self._same_scale(op, facts)
        fixed = facts.fixed
        if fixed is not None:
            for r in op.results:
                et = _et(r)
                if et is None:
                    continue
                want = fixed.for_storage(et.storage_spelling)
                if want and (et.scale.data != want[0] or et.zero_point.data != want[1]):
                    out.append(f"result #{r.index} must have scale {want[0]} and zero point "
                               f"{want[1]} (the kernel's fixed range), has {et}")
        return out

    def _value(self, op: Operation, facts: _ClassFacts, index: int | None, v: SSAValue,
               scheme: Scheme, out: list[str]) -> None:
        """The problems of operand `index` (None: a result) `v` of `op`, added to `out`."""
        t = v.type
        if type(t) is not TensorType and not isinstance(t, TensorType):
            return  # (NoneType: an absent optional operand) neither float nor quantized
        what = f"operand #{index}" if index is not None else f"result #{v.index}"
        et = t.element_type
        if not is_quantized(et):
            if not isinstance(et, IntegerType) and not self.allow_float:  # a float tensor
                out.append(f"{what} is a float tensor ({t}): the {scheme.name} "
                           "scheme quantizes every tensor")
            return  # (or integer data: indices, shapes)
        if facts.weight is not None and index == facts.weight.index:
            out += self._weight(et, scheme, what)
        elif facts.prelu and index == 1 and scheme.activation == "i16":
            out += self._prelu_alpha_16x8(et, what)
        elif facts.bias is not None and index == facts.bias.index:
            out += self._bias(op, et, facts.bias, scheme, what)
        elif facts.quantize and isinstance(et, UniformQuantizedPerAxisType):
            out.append(
                f"{what}: a tensor computed at run time is quantized per channel (a "
                "weight computed from parameters, as weight normalization or "
                "standardization), which no runtime kernel does; in post-training "
                "quantization compiler.quantize folds such weights to constants "
                "(decompose_for_circle(..., fold_parameters=True) before prepare_pt2e)")
        else:
            out += self._activation(et, scheme, what)

    @staticmethod
    def _activation(et, scheme: Scheme, what: str) -> list[str]:
        out = []
        if et.storage_spelling != scheme.activation:
            out.append(f"{what} is {et.storage_spelling}; {scheme.name} activations are "
                       f"{scheme.activation}")
        if isinstance(et, UniformQuantizedPerAxisType):
            out.append(f"{what}: activations must be quantized per tensor")
        elif scheme.activation_symmetric and et.zero_point.data != 0:
            out.append(f"{what}: {scheme.name} activations are symmetric (zero point 0), "
                       f"got {et.zero_point.data}")
        return out

    @staticmethod
    def _prelu_alpha_16x8(et, what: str) -> list[str]:
        """TFLite's int16 PRELU reads its alpha as int8 (16x8), one scale for all."""
        out = []
        if et.storage_spelling != "i8":
            out.append(f"{what} (alpha of an int16 PRELU) is {et.storage_spelling}; TFLite "
                       "reads it as i8")
        if isinstance(et, UniformQuantizedPerAxisType):
            out.append(f"{what} (alpha of an int16 PRELU) must be quantized per tensor")
        return out

    @staticmethod
    def _weight(et, scheme: Scheme, what: str) -> list[str]:
        out = []
        if et.storage_spelling != scheme.weight:
            out.append(f"{what} (weight) is {et.storage_spelling}; {scheme.name} weights are "
                       f"{scheme.weight}")
        if scheme.weight_narrow and (et.qmin != -et.qmax or _nonzero_zero_point(et)):
            out.append(f"{what} (weight) must be symmetric narrow-range (zero point 0, "
                       f"[-{et.qmax}, {et.qmax}])")
        if scheme.weight_per_channel_required and not isinstance(et, UniformQuantizedPerAxisType):
            out.append(f"{what} (weight) must be quantized per channel")
        return out

    @staticmethod
    def _bias(op, et, trait: BiasOperand, scheme: Scheme, what: str) -> list[str]:
        out = []
        if et.storage_spelling != scheme.bias:
            out.append(f"{what} (bias) is {et.storage_spelling}; {scheme.name} biases are "
                       f"{scheme.bias}")
        if _nonzero_zero_point(et):
            out.append(f"{what} (bias) must have zero point 0")
        in_et, w_et = _et(op.operands[trait.input_index]), _et(op.operands[trait.weight_index])
        if isinstance(in_et, UniformQuantizedType) and w_et is not None:
            # float32 * float32 array: a float32 array, each product rounded once
            want = np.float32(in_et.scale.data) * np.asarray(w_et.scales, np.float32)
            have = np.asarray(et.scales, np.float32)
            if want.size == have.size:
                equal = bool((have == want).all())
            else:  # one of them per tensor (size 1, broadcast), or a size mismatch
                n = max(want.size, have.size)
                equal = np.array_equal(np.broadcast_to(have, (n,)), np.broadcast_to(want, (n,)))
            if not equal:
                out.append(f"{what} (bias) scale must be float32(scale(input) * scale(weight))")
        return out

    @staticmethod
    def _same_scale(op: Operation, facts: _ClassFacts) -> list[str]:
        trait = facts.same_scale
        if trait is None or not op.results or _et(op.results[0]) is None:
            return []
        res = _et(op.results[0])
        if isinstance(res, UniformQuantizedPerAxisType):
            return []  # weights being relaid out: the axis moves, the values do not
        idx = range(len(op.operands)) if trait.operands == (-1,) else trait.operands
        out = []
        for i in idx:
            if i >= len(op.operands) or i in facts.skip:
                continue
            et = _et(op.operands[i])
            if et is not None and not _same_params(et, res):
                out.append(f"operand #{i} and the result must share quantization parameters "
                           f"(the runtimes' kernels assume it): {et} vs {res}")
        for r in op.results[1:]:  # a split's results copy the same integers
            et = _et(r)
            if et is not None and not _same_params(et, res):
                out.append(f"result #{r.index} and result #0 must share quantization "
                           f"parameters (the runtimes copy the integers): {et} vs {res}")
        return out


def _non_quantized_operands(cls: type[Operation]) -> tuple[int, ...]:
    """`compiler.ir.quant_traits.non_quantized_operands`, from the class's trait."""
    t = trait_of(cls, NonQuantizedOperands)
    return t.indices if t is not None else ()


def _dequantizes_weight(op: Operation) -> bool:
    """A DEQUANTIZE of a constant whose result only feeds weights (of float ops)."""
    return (isinstance(op, circle.DequantizeOp) and isinstance(op.input.owner, ConstOp)
            and _et(op.input) is not None and feeds_only_weights(op.output))


def _scheme_from_types(module: ModuleOp) -> Scheme | None:
    """The scheme of an already lowered module, from its activation storage."""
    for o in module.walk():
        if isinstance(o, circle.QuantizeOp) and is_float_tensor(o.input):
            et = _et(o.output)
            for s in SCHEMES.values():
                if et is not None and s.activation == et.storage_spelling:
                    return s
    for o in module.walk():
        for r in o.results:
            et = _et(r)
            if et is not None and not isinstance(o, ConstOp):
                for s in SCHEMES.values():
                    if s.activation == et.storage_spelling:
                        return s
    return None
