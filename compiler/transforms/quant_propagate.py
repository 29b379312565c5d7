"""`quant-propagate`: give every float tensor of every circle op its quantization parameters.

PT2E observed the tensors of the ATen graph; legalization added tensors it never saw
(layout transposes, reshapes of a conv1d, the logistic inside SiLU...) and constants PT2E
left float. This pass completes and reconciles the parameters, using only the ops'
quantization traits:

1. backward, then forward, through `SameScale` ops (transpose, reshape, pooling, pad,
   slicing...): a result takes its operand's parameters and vice versa, with per-axis
   dimensions remapped through transposes and reshapes;
2. `FixedOutputRange` ops (logistic, tanh, softmax) get the range their kernels require;
   when PT2E chose other parameters, a requantization to them is inserted after the op;
3. float constants are quantized: weights (`WeightOperand`) per channel with the
   scheme's weight type (per tensor where the scheme allows it and the program's own
   weights all are), other constants per tensor (in the shared type for `SameScale`
   ops); biases are left to `quantize-bias`, shape operands stay integers; the
   constants of an op that stays float (allow-float: no parameters on its results, none
   derivable) stay float, exact;
4. where a `SameScale` constraint cannot hold as observed (e.g. concatenation inputs
   with different scales), the operand is requantized to the result's parameters
   (`quant.qcast(quant.dcast(x))` with a new type, later `circle.quantize`); a further
   result of a multi-result op (a split) observed with other parameters than the first
   is produced with its operand's and requantized to the observed ones.

Guarantees afterwards: every float operand of a circle op (other than biases and
non-quantized operands) is a `quant.dcast` result, every float result feeds only
`quant.qcast` ops, and same-scale / fixed-range constraints hold. A tensor whose
parameters cannot be derived is an error at its op unless `allow-float=true`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import Attribute, Operation, OpResult, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from compiler.dialects import circle, quant
from compiler.dialects.circle_base import CircleOp, ConstOp, NoValueOp
from compiler.ir.diagnostics import error_at
from compiler.ir.hybrid import is_hybrid
from compiler.ir.interned import tensor_type_of
from compiler.ir.quant_traits import (
    BiasOperand,
    FixedOutputRange,
    SameScale,
    NonQuantizedOperands,
    WeightOperand,
)
from compiler.ir.quant_types import (
    UniformQuantizedPerAxisType,
    UniformQuantizedType,
    make_quantized_type,
    storage_integer,
    storage_range,
)
from compiler.ir.runtime_traits import float_only
from compiler.ir.schemes import Scheme, resolve_scheme
from compiler.transforms.dce import region_dce  # xDSL's, memoized (see dce.py)
from compiler.transforms.utils import (
    constant_of,
    element_type,
    is_float_tensor,
    permute_element_type,
    quantized_const,
    reshape_element_type,
    shape,
    trait_of,
    walk_ops,
)

#: the smallest scale given to a constant (PT2E's observers use the same eps)
EPS = 2.0**-12
#: the same for 16-bit constants, like the int16 observers (with 2^-12, a scalar such as
#: hardsigmoid's 1/6 would be stored as 683 * 2^-12, 5e-4 off: 16 int16 output steps)
EPS_16 = 2.0**-20


def operand_qtype(v: SSAValue) -> Attribute | None:
    owner = v.owner
    if isinstance(owner, quant.DequantizeCastOp):
        return element_type(owner.input)
    return None


def _weights_per_tensor(ops: list[Operation]) -> bool:
    """Whether the program's own quantized weights (PT2E's) are all per tensor, as with
    `qcompile --per-tensor`: a weight the lowering added (a standalone batch norm's
    depthwise filter) then is too, where a per-channel uint8 one is a file LiteRT has
    no kernel for."""
    seen = False
    for o in ops:
        w = trait_of(type(o), WeightOperand)
        if w is None or w.index >= len(o.operands):
            continue
        et = operand_qtype(o.operands[w.index])
        if isinstance(et, UniformQuantizedPerAxisType):
            return False
        seen = seen or et is not None
    return seen


def result_qtype(r: SSAValue) -> Attribute | None:
    for use in r.uses:
        if isinstance(use.operation, quant.QuantizeCastOp):
            return element_type(use.operation.output)
    return None


def _qtensor_type(et: Attribute, shape: tuple[int, ...]) -> TensorType:
    """`TensorType(et, shape)`: the interned one (an equal attribute, built once; see
    compiler.ir.interned) unless per-axis quantized, whose per-slice parameters make the
    cache key cost about as much as building the type (as in patterns/constants.py)."""
    if isinstance(et, UniformQuantizedPerAxisType):
        return TensorType(et, shape)
    return tensor_type_of(et, tuple(shape))


def attach(r: SSAValue, et: Attribute) -> None:
    """Mark float value `r` as quantized with `et`: r -> qcast -> dcast -> (old users)."""
    t = r.type
    assert isinstance(t, TensorType)
    q = quant.QuantizeCastOp(r, _qtensor_type(et, t.get_shape()))
    d = quant.DequantizeCastOp(q.output, t)
    anchor = r.owner if isinstance(r, OpResult) else None
    q.location = d.location = anchor.location if anchor is not None else q.location
    if anchor is not None:
        Rewriter.insert_op([q, d], InsertPoint.after(anchor))
    else:
        Rewriter.insert_op([q, d], InsertPoint.at_start(r.owner))
    for use in list(r.uses):
        if use.operation is not q:
            use.operation.operands[use.index] = d.output


def requantize_operand(op: Operation, index: int, et: Attribute) -> None:
    """Feed operand `index` of `op` through a requantization to `et`."""
    v = op.operands[index]
    t = v.type
    assert isinstance(t, TensorType)
    q = quant.QuantizeCastOp(v, _qtensor_type(et, t.get_shape()))
    d = quant.DequantizeCastOp(q.output, t)
    q.location = d.location = op.location
    Rewriter.insert_op([q, d], InsertPoint.before(op))
    op.operands[index] = d.output


def _quantized_operand_indices(op: Operation) -> list[int]:
    skip = _skipped_operands(type(op))
    return [i for i, v in enumerate(op.operands) if i not in skip and is_float_tensor(v)]


@functools.cache
def _skipped_operands(cls: type[Operation]) -> frozenset[int]:
    """The operands of an op class that are not given activation parameters: its
    `NonQuantizedOperands` and its `BiasOperand` (a function of the class: traits are
    class-level, see `trait_of`)."""
    skip = set()
    t = trait_of(cls, NonQuantizedOperands)
    if t is not None:
        skip.update(t.indices)
    bias = trait_of(cls, BiasOperand)
    if bias is not None:
        skip.add(bias.index)
    return frozenset(skip)


def _same_scale_operands(op: Operation, trait: SameScale) -> list[int]:
    if trait.operands == (-1,):
        return _quantized_operand_indices(op)
    return [i for i in trait.operands if i < len(op.operands) and is_float_tensor(op.operands[i])]


def forward_type(op: Operation, et: Attribute, operand_index: int, result_index: int) -> Attribute | None:
    """The element type a same-scale op's result takes from an operand's."""
    if not isinstance(et, UniformQuantizedPerAxisType):
        return et
    if isinstance(op, circle.TransposeOp):
        perm = constant_of(op.perm)
        return None if perm is None else permute_element_type(et, [int(p) for p in perm])
    if isinstance(op, circle.ReshapeOp):
        return reshape_element_type(et, shape(op.operands[operand_index]), shape(op.results[result_index]))
    return None


def backward_type(op: Operation, et: Attribute, operand_index: int, result_index: int) -> Attribute | None:
    """The element type a same-scale op's operand takes from its result's."""
    if not isinstance(et, UniformQuantizedPerAxisType):
        return et
    if isinstance(op, circle.TransposeOp):
        perm = constant_of(op.perm)
        if perm is None:
            return None
        inv = [list(perm).index(i) for i in range(len(perm))]
        return permute_element_type(et, inv)
    if isinstance(op, circle.ReshapeOp):
        return reshape_element_type(et, shape(op.results[result_index]), shape(op.operands[operand_index]))
    return None


def fixed_type(op: Operation, trait: FixedOutputRange, scheme: Scheme) -> Attribute | None:
    storage = None
    for v in op.operands:
        et = operand_qtype(v)
        if et is not None:
            storage = et.storage_spelling
            break
    storage = storage or scheme.activation
    rng = trait.for_storage(storage)
    if rng is None:
        return None
    return UniformQuantizedType(storage_integer(storage), f32, rng[0], rng[1])


def constant_qtype(values: np.ndarray, storage: str, symmetric: bool, narrow: bool,
                   axis: int | None) -> Attribute:
    """Min/max quantization parameters of a constant (per slice along `axis`)."""
    st = storage_integer(storage)
    lo, hi = storage_range(st.width.data, storage[0] == "i")
    if narrow:
        lo = -hi
    if axis is None:
        mins, maxs = np.array([values.min(initial=0.0)]), np.array([values.max(initial=0.0)])
    else:
        moved = np.moveaxis(values, axis, 0).reshape(values.shape[axis], -1)
        mins, maxs = moved.min(axis=1, initial=0.0), moved.max(axis=1, initial=0.0)
    mins, maxs = np.minimum(mins, 0.0), np.maximum(maxs, 0.0)
    eps = EPS_16 if st.width.data == 16 else EPS
    if symmetric:
        scales = np.maximum(np.maximum(-mins, maxs) / ((hi - lo) / 2), eps)
        zps = np.zeros_like(scales, dtype=np.int64) if lo < 0 else np.full(
            scales.shape, (lo + hi + 1) // 2, dtype=np.int64)
    else:
        scales = np.maximum((maxs - mins) / (hi - lo), eps)
        zps = np.clip(lo - np.round(mins / scales), lo, hi).astype(np.int64)
    scales = scales.astype(np.float32).astype(np.float64)
    if axis is None:
        return make_quantized_type(storage, float(scales[0]), int(zps[0]), qmin=lo, qmax=hi)
    return make_quantized_type(storage, scales, zps, axis=axis, qmin=lo, qmax=hi)


def quantize_constant(op: Operation, index: int, et: Attribute) -> None:
    v = op.operands[index]
    owner = v.owner
    assert isinstance(owner, ConstOp)
    stored = et.quantize(constant_of(v))
    c = quantized_const(stored, et, owner.location)
    d = quant.DequantizeCastOp(c.output, v.type)
    d.location = owner.location
    Rewriter.insert_op([c, d], InsertPoint.before(op))
    op.operands[index] = d.output


@dataclass(frozen=True)
class QuantPropagatePass(ModulePass):
    name = "quant-propagate"

    scheme: str = "auto"
    allow_float: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        scheme = resolve_scheme(self.scheme, op)
        if scheme is None:
            return  # a float program: nothing to propagate
        ops = [o for o in walk_ops(op)
               if isinstance(o, CircleOp) and not isinstance(o, ConstOp | NoValueOp)]
        for o in ops:
            _route_through_existing_qcast(o)
        for o in reversed(ops):
            self._backward(o)
        per_tensor = _weights_per_tensor(ops)
        for o in ops:
            self._constants(o, scheme, per_tensor)
            self._forward(o, scheme)
        for o in ops:
            self._enforce(o, scheme)
        region_dce(op.body)  # the float constants that were quantized

    # -- 1. same-scale propagation -------------------------------------------------------
    def _backward(self, op: Operation) -> None:
        """An operand without parameters takes those of a same-scale op's result."""
        trait = trait_of(type(op), SameScale)
        if trait is None or not op.results:
            return
        et = result_qtype(op.results[0])
        if et is None:
            return
        for i in _same_scale_operands(op, trait):
            v = op.operands[i]
            if operand_qtype(v) is None and isinstance(v, OpResult) and not isinstance(
                v.owner, ConstOp
            ) and result_qtype(v) is None:
                t = backward_type(op, et, i, 0)
                if t is not None:
                    attach(v, t)

    def _forward(self, op: Operation, scheme: Scheme) -> None:
        if is_hybrid(op):
            return  # float in and out by design (compiler.ir.hybrid)
        for r in op.results:
            if not is_float_tensor(r) or result_qtype(r) is not None:
                continue
            t = self._derive_result(op, r, scheme)
            if t is None:
                if self.allow_float:
                    continue
                raise error_at(
                    op,
                    f"result #{r.index} has no quantization parameters: PT2E did not "
                    "observe this tensor (annotate the op in the quantizer, or decompose "
                    "it before quantization), and none can be derived",
                )
            attach(r, t)

    def _derive_result(self, op: Operation, r: SSAValue, scheme: Scheme) -> Attribute | None:
        fixed = trait_of(type(op), FixedOutputRange)
        if fixed is not None:
            return fixed_type(op, fixed, scheme)
        trait = trait_of(type(op), SameScale)
        if trait is not None:
            for i in _same_scale_operands(op, trait):
                et = operand_qtype(op.operands[i])
                if et is not None:
                    return forward_type(op, et, i, r.index)
        return None

    # -- 3. constants ----------------------------------------------------------------------
    def _constants(self, op: Operation, scheme: Scheme, per_tensor: bool = False) -> None:
        if float_only(type(op)):
            return  # no integer kernel in any runtime (SIN, CONV_3D...): constants stay float
        if self._stays_float(op, scheme):
            return  # a float island (allow-float): its constants are exact float operands
        weight = trait_of(type(op), WeightOperand)
        same = trait_of(type(op), SameScale)
        for i in _quantized_operand_indices(op):
            v = op.operands[i]
            if not isinstance(v.owner, ConstOp):
                continue
            values = constant_of(v).astype(np.float32)
            if weight is not None and weight.index == i:
                per_channel = scheme.weight_per_channel_required or (
                    values.ndim > 1 and not per_tensor)
                et = constant_qtype(values, scheme.weight, scheme.weight_narrow,
                                    scheme.weight_narrow,
                                    weight.channel_axis if per_channel else None)
            elif same is not None and i in _same_scale_operands(op, same):
                et = self._shared_type(op, same, i) or constant_qtype(
                    values, scheme.activation, scheme.activation_symmetric, False, None)
            else:
                et = constant_qtype(values, scheme.activation, scheme.activation_symmetric,
                                    False, None)
            quantize_constant(op, i, et)

    def _stays_float(self, op: Operation, scheme: Scheme) -> bool:
        """Whether `op` will run in float (allow-float): no result has or can derive
        parameters. Quantizing its constants would only round them (a 1e-5 epsilon or a
        polynomial coefficient to a multiple of 2^-12) before DEQUANTIZE gives them back."""
        return self.allow_float and bool(op.results) and all(
            is_float_tensor(r) and result_qtype(r) is None
            and self._derive_result(op, r, scheme) is None for r in op.results)

    @staticmethod
    def _shared_type(op: Operation, trait: SameScale, skip: int) -> Attribute | None:
        if op.results and (et := result_qtype(op.results[0])) is not None:
            return et
        for i in _same_scale_operands(op, trait):
            if i != skip and (et := operand_qtype(op.operands[i])) is not None:
                return et
        return None

    # -- 2 and 4. fixed ranges and same-scale constraints -----------------------------------
    def _enforce(self, op: Operation, scheme: Scheme) -> None:
        fixed = trait_of(type(op), FixedOutputRange)
        if fixed is not None:
            for r in op.results:
                want = fixed_type(op, fixed, scheme)
                have = result_qtype(r)
                if want is not None and have is not None and have != want:
                    # The op produces `want`; its consumers reach the parameters PT2E
                    # chose through a requantization (the old qcast now reads `want`).
                    attach(r, want)
        trait = trait_of(type(op), SameScale)
        if trait is None or not op.results:
            return
        out = result_qtype(op.results[0])
        if out is None:
            return
        indices = _same_scale_operands(op, trait)
        for i in indices:
            have = operand_qtype(op.operands[i])
            want = backward_type(op, out, i, 0)
            if have is not None and want is not None and have != want:
                requantize_operand(op, i, want)
        # the other results of a multi-result op (SPLIT, SPLIT_V, UNPACK) copy the same
        # integers: where a quantizer observed them apart (FX's chunk), each result
        # gets its operand's parameters and its consumers a requantization
        source = operand_qtype(op.operands[indices[0]]) if indices else None
        for r in op.results[1:]:
            have = result_qtype(r)
            want = forward_type(op, source, indices[0], r.index) if source is not None else None
            if have is not None and want is not None and have != want:
                attach(r, want)


def _route_through_existing_qcast(op: Operation) -> None:
    """A result that has a qcast and other float users: route those users through a
    dequantize of the qcast, so every float use of the result is quantized."""
    for r in op.results:
        if not r.has_more_than_one_use():
            continue  # (most results: a qcast and another user take two uses)
        users = [u for u in r.uses]
        qcasts = [u.operation for u in users if isinstance(u.operation, quant.QuantizeCastOp)]
        others = [u for u in users if not isinstance(u.operation, quant.QuantizeCastOp)]
        if not qcasts or not others:
            continue
        q = qcasts[0]
        d = quant.DequantizeCastOp(q.output, r.type)
        d.location = q.location
        Rewriter.insert_op(d, InsertPoint.after(q))
        for use in others:
            use.operation.operands[use.index] = d.output

