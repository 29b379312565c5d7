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

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, NoneType, TensorType
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


def _is_boundary(op: Operation) -> bool:
    """QUANTIZE of a model input, DEQUANTIZE of a model output."""
    if isinstance(op, circle.QuantizeOp) and is_float_tensor(op.input):
        return isinstance(op.input, BlockArgument)
    if isinstance(op, circle.DequantizeOp):
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
        out: list[str] = []
        if _is_boundary(op) or is_hybrid(op):  # hybrid: float activations by design
            return out
        skip = _non_quantized_operands(type(op))
        weight = trait_of(type(op), WeightOperand)
        bias = trait_of(type(op), BiasOperand)
        if trait_of(type(op), SameScale) is not None and relays_out_weights(op):
            # (relays_out_weights is False for any op without SameScale)
            return [m for what, v in [*((f"operand #{i}", v) for i, v in enumerate(op.operands)
                                        if i not in skip),
                                      *((f"result #{r.index}", r) for r in op.results)]
                    if (et := _et(v)) is not None for m in self._weight(et, scheme, what)]
        if _dequantizes_weight(op):
            # a float op's quantized constant weight (allow-float: a quantized program
            # whose layer stays float, X86InductorQuantizer's last linear): the stored
            # weight keeps the weight rules, per channel included (DEQUANTIZE computes
            # per-channel weights in LiteRT and onert alike)
            return self._weight(_et(op.input), scheme, "operand #0")
        values = [(f"operand #{i}", i, v) for i, v in enumerate(op.operands) if i not in skip]
        values += [(f"result #{r.index}", None, r) for r in op.results]
        for what, index, v in values:
            if isinstance(v.type, NoneType):
                continue
            if is_float_tensor(v):
                if not self.allow_float:
                    out.append(f"{what} is a float tensor ({v.type}): the {scheme.name} "
                               "scheme quantizes every tensor")
                continue
            et = _et(v)
            if et is None:
                continue  # integer data (indices, shapes)
            if weight is not None and index == weight.index:
                out += self._weight(et, scheme, what)
            elif isinstance(op, circle.PReluOp) and index == 1 and scheme.activation == "i16":
                out += self._prelu_alpha_16x8(et, what)
            elif bias is not None and index == bias.index:
                out += self._bias(op, et, bias, scheme, what)
            elif isinstance(op, circle.QuantizeOp) and isinstance(et, UniformQuantizedPerAxisType):
                out.append(
                    f"{what}: a tensor computed at run time is quantized per channel (a "
                    "weight computed from parameters, as weight normalization or "
                    "standardization), which no runtime kernel does; in post-training "
                    "quantization compiler.quantize folds such weights to constants "
                    "(decompose_for_circle(..., fold_parameters=True) before prepare_pt2e)")
            else:
                out += self._activation(et, scheme, what)
        out += self._same_scale(op)
        fixed = trait_of(type(op), FixedOutputRange)
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
        if scheme.weight_narrow and (et.qmin != -et.qmax or np.any(et.zero_points)):
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
        if np.any(et.zero_points):
            out.append(f"{what} (bias) must have zero point 0")
        in_et, w_et = _et(op.operands[trait.input_index]), _et(op.operands[trait.weight_index])
        if isinstance(in_et, UniformQuantizedType) and w_et is not None:
            want = (np.float32(in_et.scale.data) * np.asarray(w_et.scales, np.float32)).astype(np.float32)
            have = np.asarray(et.scales, np.float32)
            n = max(want.size, have.size)
            if not np.array_equal(np.broadcast_to(have, (n,)), np.broadcast_to(want, (n,))):
                out.append(f"{what} (bias) scale must be float32(scale(input) * scale(weight))")
        return out

    @staticmethod
    def _same_scale(op: Operation) -> list[str]:
        trait = trait_of(type(op), SameScale)
        if trait is None or not op.results or _et(op.results[0]) is None:
            return []
        res = _et(op.results[0])
        if isinstance(res, UniformQuantizedPerAxisType):
            return []  # weights being relaid out: the axis moves, the values do not
        idx = range(len(op.operands)) if trait.operands == (-1,) else trait.operands
        out = []
        for i in idx:
            if i >= len(op.operands) or i in _non_quantized_operands(type(op)):
                continue
            et = _et(op.operands[i])
            if et is not None and _params(et) != _params(res):
                out.append(f"operand #{i} and the result must share quantization parameters "
                           f"(the runtimes' kernels assume it): {et} vs {res}")
        for r in op.results[1:]:  # a split's results copy the same integers
            et = _et(r)
            if et is not None and _params(et) != _params(res):
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
