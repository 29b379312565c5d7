"""Patterns that move and cancel transposes (shared by `circle-sink-transposes` and
`circle-cleanup`). They are type-generic: they work on float ops between
`quant.dcast`/`quant.qcast` and on quantized ops alike, and remap per-axis quantized
dimensions as they move values across permutations.

The idea is TFLite's: the legalizer wraps each layout-sensitive op in NCHW<->NHWC
transposes; transposes commute with element-wise ops (including the quant casts),
reductions, concatenation and padding, so pushing them down until two meet lets them
cancel, leaving NHWC chains free of transposes.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from xdsl.dialects.builtin import TensorType
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint

from compiler.dialects import circle, quant
from compiler.ir.layout_traits import Elementwise
from compiler.transforms.patterns.constants import reshaped_constant, transposed_constant
from compiler.transforms.utils import (
    helper_location,
    constant_of,
    i32_const,
    matched_classes,
    permute_type,
    shape,
    with_shape,
)


def perm_of(op: circle.TransposeOp) -> list[int] | None:
    """The permutation of a transpose with a constant `perm` operand, else None."""
    owner = op.perm.owner
    if not isinstance(owner, circle.ConstOp | quant.ConstantOp):
        return None
    # The patterns ask this of every transpose on every visit; the payload is an
    # immutable attribute (often shared, see utils.i32_const), so decode it once.
    perm = _PERMS.get(id(owner.value))
    if perm is None or perm[0] is not owner.value:
        if len(_PERMS) > 4096:
            _PERMS.clear()
        arr = constant_of(op.perm)
        assert arr is not None
        perm = _PERMS[id(owner.value)] = (owner.value, [int(v) for v in arr.reshape(-1)])
    return list(perm[1])


#: id(dense attribute) -> (the attribute, kept alive so the id stays its own; the perm)
_PERMS: dict[int, tuple[object, list[int]]] = {}


@functools.cache
def _elementwise(cls: type[Operation]) -> bool:
    """`op.has_trait(Elementwise)`, asked once per class (xDSL's traits, and its
    answer for unregistered ops, are class-level)."""
    return cls.has_trait(Elementwise)


def inverse(perm: Sequence[int]) -> list[int]:
    return [list(perm).index(i) for i in range(len(perm))]


def _transpose_after(rewriter: PatternRewriter, anchor: Operation, v: SSAValue,
                     perm: Sequence[int], result_type) -> SSAValue:
    """Insert `transpose(v, perm)` after `anchor`."""
    c = i32_const(list(perm))
    # `create`: the same op as the IRDL builder makes, for half the cost
    t = circle.TransposeOp.create(operands=[v, c.results[0]], result_types=[result_type])
    t.location = helper_location(anchor.location, "transpose")
    c.location = helper_location(anchor.location, "perm")
    rewriter.insert([c, t], InsertPoint.after(anchor))
    return t.results[0]


class ComposeTransposes(RewritePattern):
    """transpose(transpose(x, p), q) -> transpose(x, p∘q), or x when the identity."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.TransposeOp, rewriter: PatternRewriter) -> None:
        inner = op.input.owner
        if not isinstance(inner, circle.TransposeOp):
            return
        p, q = perm_of(inner), perm_of(op)
        if p is None or q is None:
            return
        composed = [p[i] for i in q]
        if composed == list(range(len(composed))):
            rewriter.replace(op, [], [inner.input])
            return
        c = i32_const(composed)
        c.location = op.location
        new = circle.TransposeOp(operands=[inner.input, c.results[0]], result_types=[op.output.type])
        new.location = op.location
        rewriter.replace(op, [c, new])


class IdentityTranspose(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.TransposeOp, rewriter: PatternRewriter) -> None:
        # (the cheap check first: a layout transpose changes the type)
        if op.input.type != op.output.type:
            return
        p = perm_of(op)
        if p is not None and p == list(range(len(p))):
            rewriter.replace(op, [], [op.input])


class FoldConstantTranspose(RewritePattern):
    """transpose(constant) -> the transposed constant (its per-axis dim remapped)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.TransposeOp, rewriter: PatternRewriter) -> None:
        if not _is_constant(op.input):
            return  # (transposed_constant's answer, asked before decoding the perm)
        p = perm_of(op)
        if p is None:
            return
        folded = transposed_constant(rewriter, op.input, p, op)
        if folded is not None:
            rewriter.replace(op, [], [folded])


def _rebuild(op: Operation, operands: Sequence[SSAValue], result_types) -> Operation:
    new = type(op).create(
        operands=list(operands),
        result_types=list(result_types),
        properties=dict(op.properties),
        attributes=dict(op.attributes),
    )
    new.location = op.location
    return new


def _broadcast_to_rank(rewriter, v: SSAValue, rank: int, anchor) -> SSAValue | None:
    """A constant operand reshaped to `rank` dims (leading ones), as broadcasting does."""
    r = len(shape(v))
    if r == rank:
        return v
    return reshaped_constant(rewriter, v, [1] * (rank - r) + list(shape(v)), anchor)


class SinkTransposeThroughElementwise(RewritePattern):
    """f(transpose(x, p), ...) -> transpose(f(x, ...), p) for element-wise f.

    Applies when every user of the transpose is element-wise and each of its other
    operands is the same transpose pattern, a constant (permuted at compile time) or a
    scalar; each user then gets its own transpose after it.
    """

    #: see `follow_chains` (None: one op per rewrite)
    _chain_filters: list | None = None

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.TransposeOp, rewriter: PatternRewriter) -> None:
        # (the users first: most transposes feed a layout-sensitive op and stay)
        output = op.output
        if output.first_use is None:
            return
        users = list({id(u.operation): u.operation for u in output.uses}.values())
        if not all(_elementwise(type(u)) and len(u.results) == 1 for u in users):
            return
        if any(isinstance(u, circle.DequantizeOp) for u in users):
            return  # keep transposes on the (smaller) quantized side of a DEQUANTIZE
        p = perm_of(op)
        if p is None:
            return
        inv = inverse(p)
        if (self._chain_filters is not None and len(users) == 1
                and len(users[0].operands) == 1 and p != list(range(len(p)))):
            self._sink_chain(op, users[0], p, inv, rewriter)
            return
        plans = []
        for user in users:
            operands = self._operands(user, op, p, inv)
            if operands is None:
                return
            plans.append((user, operands))
        for user, operands in plans:
            resolved = []
            for kind, value in operands:
                if kind == "permute":
                    value = transposed_constant(rewriter, value, inv, user)
                elif kind == "broadcast_permute":
                    value = _broadcast_to_rank(rewriter, value, len(p), user)
                    value = transposed_constant(rewriter, value, inv, user)
                resolved.append(value)
            new = _rebuild(user, resolved, [permute_type(user.results[0].type, inv)])
            rewriter.insert(new, InsertPoint.before(user))
            out = _transpose_after(rewriter, new, new.results[0], p, user.results[0].type)
            rewriter.replace_all_uses_with(user.results[0], out)
            rewriter.erase(user)
        if not op.output.uses:
            rewriter.erase(op)

    def follow_chains(self, patterns: Sequence[RewritePattern]) -> None:
        """Sink through a whole chain of unary element-wise ops in one rewrite, as the
        driver running `patterns` (this pattern among them) would one op at a time.

        Why it is the same rewrite: after `f(transpose(x, p)) -> transpose(f'(x), p)`
        for the single user `f` of a transpose, xDSL's driver (a LIFO worklist) next
        pops the users of `f`'s result, the perm constant left dead by the erased
        transpose, then the new transpose `t'`. When the sole user `g` of `f`'s result
        is a unary element-wise op that no pattern of the pass matches (`g`'s pop is
        then a no-op, as is the constant's), and no transpose pattern before this one
        acts on `t'` (`t'` is no identity, its input is no transpose and no constant
        a transpose folds), the driver's next action is this pattern rewriting `t'`
        through `g`; `follow_chains` makes it at once, without building `t'` and its
        perm constant, which the step would create and leave dead (`region_dce` erases
        them after the pass). The ops that remain, their order (each `f'` where `f`
        was, the last transpose and its perm right after the last `f'`), types,
        locations and names (a value's name moves to the transpose replacing it; the
        rebuilt ops have none) are those of the step-by-step rewrite; where the chain
        stops, the last transpose is built and the driver goes on from the same state.
        The conditions on the other patterns are checked here, for `patterns`."""
        filters = [matched_classes(q) for q in patterns]
        mine = next(i for i, q in enumerate(patterns) if q is self)
        for q, f in zip(patterns[:mine], filters[:mine]):
            if (f is None or f(circle.TransposeOp)) and not isinstance(
                    q, IdentityTranspose | ComposeTransposes | FoldConstantTranspose):
                raise ValueError(f"{type(q).__name__} may act on a transpose before "
                                 "SinkTransposeThroughElementwise: chains cannot be followed")
        if any(f is None or f(circle.ConstOp) for f in filters):
            raise ValueError("a pattern acts on constants: the dead perm constants the step "
                             "by step rewrite pops are not no-ops, chains cannot be followed")
        self._chain_filters = filters
        self._matched_classes: dict[type[Operation], bool] = {}

    def _matched(self, cls: type[Operation]) -> bool:
        """Whether some pattern of the pass may act on an op of class `cls`."""
        matched = self._matched_classes.get(cls)
        if matched is None:
            matched = self._matched_classes[cls] = any(
                f is None or f(cls) for f in self._chain_filters)
        return matched

    def _continues(self, done: Operation, new: Operation) -> Operation | None:
        """The next op of the chain after `done` (rebuilt as `new`), or None: the
        sole user of `done`'s result when the driver's next action would be to sink
        the transpose after `new` through it (see `follow_chains`)."""
        result = done.results[0]
        if not result.has_one_use():
            return None
        user = next(iter(result.uses)).operation
        if (len(user.operands) != 1 or len(user.results) != 1 or not _elementwise(type(user))
                or isinstance(user, circle.DequantizeOp)):
            return None
        if self._matched(type(user)):
            return None  # a pattern of the pass acts on `user` first
        # FoldConstantTranspose would fold a transpose of a constant (see constants.py)
        if isinstance(new, circle.ConstOp | circle.TransposeOp) or (
                isinstance(new, quant.DequantizeCastOp)
                and isinstance(new.input.owner, quant.ConstantOp)):
            return None
        return user

    def _sink_chain(self, t: circle.TransposeOp, user: Operation, p, inv,
                    rewriter: PatternRewriter) -> None:
        if _CAN_RETYPE and not self._matched(type(user)):
            self._sink_chain_in_place(t, user, p, inv, rewriter)
            return
        value = t.input
        done = []
        while True:
            new = _rebuild(user, [value], [permute_type(user.results[0].type, inv)])
            rewriter.insert(new, InsertPoint.before(user))
            done.append(user)
            value = new.results[0]
            after = self._continues(user, new)
            if after is None:
                break
            user = after
        out = _transpose_after(rewriter, new, value, p, user.results[0].type)
        rewriter.replace_all_uses_with(user.results[0], out)
        for old in reversed(done):
            rewriter.erase(old)
        rewriter.erase(t)

    def _sink_chain_in_place(self, t: circle.TransposeOp, user: Operation, p, inv,
                             rewriter: PatternRewriter) -> None:
        """`_sink_chain` with the chain's ops changed in place (operand, result types
        and names) instead of rebuilt, when no pattern of the pass acts on their classes.

        Why the result is the same: the rebuilt ops would be equal to the old ones but
        for these (same class, properties, attributes and location, at the same place),
        and the IR around them is built and rewired alike: the uses of the last result
        move to the new transpose in the same order, each use list keeps its order
        (the kept operand use of `t.input` is added as the rebuilt op would add it), and
        the names end where the rebuild puts them (the transpose takes the last result's,
        the chain's results have none). The driver's worklist gets the same ops some
        pattern can act on, in the same order: the new transpose, then the users of the
        last result; the rest it would be given (the chain's ops, old and new, and the
        perm constants) no pattern acts on, so popping them does nothing either way."""
        user.operands[0] = t.input
        rewriter.notify_op_modified(user)
        while True:
            result = user.results[0]
            old_type = result.type
            _retype(result, permute_type(old_type, inv))
            rewriter.notify_op_modified(user)
            after = self._continues(user, user)
            if after is None:
                break
            result.name_hint = None
            user = after
        out = _transpose_after(rewriter, user, result, p, old_type)
        transpose = out.owner
        name = result.name_hint
        rewriter.replace_uses_with_if(result, out, lambda use: use.operation is not transpose)
        result.name_hint = None
        out.name_hint = name
        rewriter.erase(t)

    @staticmethod
    def _operands(user: Operation, t: circle.TransposeOp, p, inv):
        rank = len(p)
        plan = []
        for v in user.operands:
            owner = v.owner
            if owner is t:
                plan.append(("value", t.input))
            elif isinstance(owner, circle.TransposeOp) and perm_of(owner) == p:
                plan.append(("value", owner.input))
            elif not isinstance(v.type, TensorType) or len(shape(v)) == 0:
                plan.append(("value", v))
            elif _is_constant(v) and len(shape(v)) == rank:
                plan.append(("permute", v))
            elif _is_constant(v) and len(shape(v)) < rank:
                plan.append(("broadcast_permute", v))
            else:
                return None
        return plan


def _can_retype() -> bool:
    """Whether xDSL keeps a value's type in the `_type` field its `type` property
    reads (xDSL 0.74), so that `_retype` can set it; otherwise chains are rebuilt."""
    fields = getattr(SSAValue, "__dataclass_fields__", {})
    return "_type" in fields and isinstance(vars(SSAValue).get("type"), property)


_CAN_RETYPE = _can_retype()


def _retype(value: SSAValue, new_type) -> None:
    """Give `value` the type `new_type` in place (MLIR's `Value::setType`; xDSL has
    no setter: its `replace_value_with_new_type` makes a new value, whose uses would
    then be listed in reverse order)."""
    value._type = new_type  # noqa: SLF001 (see _can_retype)


def _is_constant(v: SSAValue) -> bool:
    owner = v.owner
    if isinstance(owner, circle.ConstOp):
        return True
    return isinstance(owner, quant.DequantizeCastOp) and isinstance(owner.input.owner, quant.ConstantOp)


class SinkTransposeThroughReduce(RewritePattern):
    """reduce(transpose(x, p), axes) -> [transpose](reduce(x, p[axes]))."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.MeanOp | circle.SumOp | circle.ReduceMaxOp,
                          rewriter: PatternRewriter) -> None:
        t = op.input.owner
        if not isinstance(t, circle.TransposeOp) or not t.output.has_one_use():
            return
        p, axes = perm_of(t), constant_of(op.axis)
        if p is None or axes is None:
            return
        rank = len(p)
        axes = sorted({int(a) % rank for a in axes.reshape(-1)})
        new_axes = sorted(p[a] for a in axes)
        keep = op.keep_dims.value.data
        x = t.input
        c = i32_const(new_axes)
        c.location = op.location
        if keep:
            inner_shape = [1 if d in new_axes else s for d, s in enumerate(shape(x))]
            new = _rebuild(op, [x, c.results[0]], [with_shape(op.output.type, inner_shape)])
            rewriter.insert([c, new], InsertPoint.before(op))
            out = _transpose_after(rewriter, new, new.results[0], p, op.output.type)
        else:
            remaining_y = [p[i] for i in range(rank) if i not in axes]
            remaining_x = sorted(remaining_y)
            q = [remaining_x.index(d) for d in remaining_y]
            inner_shape = [shape(x)[d] for d in remaining_x]
            new = _rebuild(op, [x, c.results[0]], [with_shape(op.output.type, inner_shape)])
            rewriter.insert([c, new], InsertPoint.before(op))
            out = new.results[0]
            if q != list(range(len(q))):
                out = _transpose_after(rewriter, new, out, q, op.output.type)
        rewriter.replace_all_uses_with(op.output, out)
        rewriter.erase(op)
        rewriter.erase(t)


class ReshapeOfTranspose(RewritePattern):
    """reshape(transpose(x, p)) -> reshape(x) when p only moves size-1 dimensions."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.ReshapeOp, rewriter: PatternRewriter) -> None:
        t = op.input.owner
        if not isinstance(t, circle.TransposeOp):
            return
        p = perm_of(t)
        if p is None:
            return
        sizes = shape(t.input)
        moved = [d for d in p if sizes[d] != 1]
        if moved != sorted(moved):
            return
        new = _rebuild(op, [t.input, op.shape], [op.output.type])
        rewriter.replace(op, [new])


class ComposeReshapes(RewritePattern):
    """reshape(reshape(x)) -> reshape(x); a reshape to the same shape -> x."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.ReshapeOp, rewriter: PatternRewriter) -> None:
        if op.input.type == op.output.type:
            rewriter.replace(op, [], [op.input])
            return
        inner = op.input.owner
        if isinstance(inner, circle.ReshapeOp):
            new = _rebuild(op, [inner.input, op.shape], [op.output.type])
            rewriter.replace(op, [new])


class SinkTransposeThroughConcat(RewritePattern):
    """concat(transpose(a, p), transpose(b, p), axis) -> transpose(concat(a, b, p[axis]), p)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.ConcatenationOp, rewriter: PatternRewriter) -> None:
        owners = [v.owner for v in op.values]
        if not all(isinstance(o, circle.TransposeOp) for o in owners):
            return
        perms = [perm_of(o) for o in owners]
        p = perms[0]
        if p is None or any(q != p for q in perms):
            return
        rank = len(p)
        axis = op.axis.value.data % rank
        new = circle.ConcatenationOp.from_options(
            [[o.input for o in owners]],
            [permute_type(op.output.type, inverse(p))],
            axis=p[axis],
            fused_activation_function=op.fused_activation_function.data,
        )
        new.location = op.location
        rewriter.insert(new, InsertPoint.before(op))
        out = _transpose_after(rewriter, new, new.results[0], p, op.output.type)
        rewriter.replace_all_uses_with(op.output, out)
        rewriter.erase(op)
        for o in owners:
            if not o.output.uses:
                rewriter.erase(o)


class SinkTransposeThroughPad(RewritePattern):
    """pad(transpose(x, p), paddings) -> transpose(pad(x, paddings permuted back), p)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: circle.PadOp, rewriter: PatternRewriter) -> None:
        t = op.input.owner
        if not isinstance(t, circle.TransposeOp) or not t.output.has_one_use():
            return
        p, pads = perm_of(t), constant_of(op.paddings)
        if p is None or pads is None:
            return
        inv = inverse(p)
        new_pads = pads[inv]
        c = i32_const(new_pads)
        c.location = op.location
        new = _rebuild(op, [t.input, c.results[0]], [permute_type(op.output.type, inv)])
        rewriter.insert([c, new], InsertPoint.before(op))
        out = _transpose_after(rewriter, new, new.results[0], p, op.output.type)
        rewriter.replace_all_uses_with(op.output, out)
        rewriter.erase(op)
        rewriter.erase(t)


LAYOUT_PATTERNS: list[RewritePattern] = [
    IdentityTranspose(),
    ComposeTransposes(),
    FoldConstantTranspose(),
    SinkTransposeThroughElementwise(),
    SinkTransposeThroughReduce(),
    SinkTransposeThroughConcat(),
    SinkTransposeThroughPad(),
    ReshapeOfTranspose(),
    ComposeReshapes(),
]


def sink_patterns() -> list[RewritePattern]:
    """`LAYOUT_PATTERNS` with element-wise chains followed in one rewrite (the same
    rewrites, see `SinkTransposeThroughElementwise.follow_chains`), for
    `circle-sink-transposes`."""
    patterns = [SinkTransposeThroughElementwise() if isinstance(p, SinkTransposeThroughElementwise)
                else p for p in LAYOUT_PATTERNS]
    for p in patterns:
        if isinstance(p, SinkTransposeThroughElementwise):
            p.follow_chains(patterns)
    return patterns
