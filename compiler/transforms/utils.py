"""Helpers shared by the passes: constants, types, locations, pattern driving."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from types import UnionType
from typing import Union, get_args, get_origin

import numpy as np
from xdsl.dialects.builtin import (
    IntegerType,
    ModuleOp,
    NameLoc,
    StringAttr,
    TensorType,
    i32,
)
from xdsl.ir import Attribute, Operation, Region, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)

from compiler.dialects import quant
from compiler.dialects.circle_base import ConstOp
from compiler.ir.interned import tensor_type_of
from compiler.ir.quant_types import (
    UniformQuantizedPerAxisType,
    is_quantized,
)
from compiler.ir.verify_tensors import dense_as_numpy


def apply_patterns(module: ModuleOp, patterns: Sequence[RewritePattern], **walker) -> bool:
    """Run patterns to a fixpoint without the applier's implicit dead-code elimination
    (an unused op is only erased when a pattern says so).

    The driver is xDSL's `PatternRewriteWalker` (worklist, then full sweeps until one
    changes nothing) with `GreedyRewritePatternApplier`'s rule: the patterns are tried
    in order and the first that acts wins. Each op is only offered to the patterns that
    can match its class (`_ClassDispatchApplier`), and the sweeps only put on the
    worklist the ops some pattern can match (`_DispatchWalker`): the same rewrites."""
    return _DispatchWalker(
        _ClassDispatchApplier(list(patterns)),
        apply_recursively=True,
        **walker,
    ).rewrite_module(module)


def matched_classes(pattern: RewritePattern) -> Callable[[type[Operation]], bool] | None:
    """Which op classes `pattern` can act on, as a predicate on the class; None: any.

    A pattern says so with a static/class method `applies_to(cls)` (e.g. "has the
    `FusableActivation` trait"; traits are class-level in xDSL), or by decorating its
    `match_and_rewrite` with xDSL's `op_type_rewrite_pattern`, whose wrapper only calls
    the rule for instances of the annotated type(s) (read from the wrapper's closure)."""
    applies_to = getattr(pattern, "applies_to", None)
    if applies_to is not None:
        return applies_to
    rule = type(pattern).match_and_rewrite
    code = getattr(rule, "__code__", None)
    if (code is not None and rule.__qualname__ == "op_type_rewrite_pattern.<locals>.impl"
            and "expected_type" in code.co_freevars):
        expected = rule.__closure__[code.co_freevars.index("expected_type")].cell_contents
        types = get_args(expected) if get_origin(expected) in (Union, UnionType) else (expected,)
        return lambda cls: issubclass(cls, types)
    return None


class _ClassDispatchApplier(RewritePattern):
    """`GreedyRewritePatternApplier(patterns, dce_enabled=False)` (no folding), with the
    patterns that can act on an op class looked up once per class: on large graphs most
    ops match no pattern of a pass, and each full sweep offered every op to every
    pattern (an isinstance check or a trait scan each)."""

    def __init__(self, patterns: list[RewritePattern]) -> None:
        self.patterns = patterns
        self.filters = [matched_classes(p) for p in patterns]
        self.by_class: dict[type[Operation], list[RewritePattern]] = {}

    def candidates(self, cls: type[Operation]) -> list[RewritePattern]:
        """The patterns, in order, that can act on an op of class `cls`."""
        found = self.by_class.get(cls)
        if found is None:
            found = self.by_class[cls] = [
                p for p, f in zip(self.patterns, self.filters) if f is None or f(cls)
            ]
        return found

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        candidates = self.by_class.get(type(op))
        if candidates is None:
            candidates = self.candidates(type(op))
        for pattern in candidates:
            pattern.match_and_rewrite(op, rewriter)
            if rewriter.has_done_action:
                return


class _DispatchWalker(PatternRewriteWalker):
    """xDSL's `PatternRewriteWalker` whose sweeps (`_populate_worklist`: the first one
    and each confirming one after a sweep that changed something) push only the ops of
    a class some pattern can act on (`_ClassDispatchApplier.candidates`).

    Why the rewrites are the same: an op of a class no pattern can match is a no-op
    for the applier (no pattern is called, the rewriter does nothing), so dropping it
    from a sweep only removes no-op steps; the other ops are pushed in the same
    relative order, so they are popped in the same order, and the listeners push
    whatever a rewrite touches exactly as before. On the 10k-op graphs most ops are
    matched by no pattern of a pass (a cleanup sweep offers ~10 % of them), and every
    step costs the walker a push, a pop and an insertion point."""

    pattern: _ClassDispatchApplier

    def _populate_worklist(self, op) -> None:  # type: ignore[override]
        applier = self.pattern
        by_class = applier.by_class
        push = self._worklist.push
        if isinstance(op, Region) and not self.walk_reverse and not self.walk_regions_first:
            ops = _reverse_post_order(op)  # = op.walk(reverse=True, region_first=True)
        else:
            ops = op.walk(reverse=not self.walk_reverse, region_first=not self.walk_regions_first)
        for sub_op in ops:
            candidates = by_class.get(type(sub_op))
            if candidates is None:
                candidates = applier.candidates(type(sub_op))
            if candidates:
                push(sub_op)


def _reverse_post_order(region: Region) -> list[Operation]:
    """`list(region.walk(reverse=True, region_first=True))`: blocks and ops last to
    first, an op after the ops nested in it (the order the walker's stack needs)."""
    out: list[Operation] = []
    append = out.append

    def visit(r: Region) -> None:
        for block in reversed(r.blocks):
            o = block.last_op
            while o is not None:
                if o.regions:
                    for nested in reversed(o.regions):
                        visit(nested)
                append(o)
                o = o.prev_op

    visit(region)
    return out


def walk_ops(root: Operation) -> list[Operation]:
    """`list(root.walk())`: `root`, then the ops of its regions in order, each op before
    the ops nested in it (the same pre-order as xDSL's `Operation.walk`).

    Built by following the blocks' op links in one function instead of xDSL's three
    nested generators per op (operation -> region -> block): the passes walk the whole
    module several times, and on 10k-op graphs the generators cost more than the work
    done per op. A list, so the caller may rewrite the IR while iterating it."""
    out = [root]
    _collect_nested(root, out)
    return out


def _collect_nested(op: Operation, out: list[Operation]) -> None:
    append = out.append
    for region in op.regions:
        for block in region.blocks:
            o = block.first_op
            while o is not None:
                append(o)
                if o.regions:
                    _collect_nested(o, out)
                o = o.next_op


def ops_of_class(root: Operation, cls: type | tuple[type, ...]) -> list[Operation]:
    """The ops of `walk_ops(root)` that are instances of `cls`, in walk order."""
    return [o for o in walk_ops(root) if isinstance(o, cls)]


@functools.cache
def trait_of(cls: type[Operation], trait: type) -> object | None:
    """`cls.get_trait(trait)` for a trait class, asked once per (op class, trait class).

    Exact: in xDSL an op's traits are a class attribute (`get_trait` is a classmethod
    scanning `cls.traits`), fixed once the class is defined, so the answer depends only
    on the two classes. The passes ask it of every op of 10k-op graphs, several times,
    and each `get_trait` scans the class's trait list."""
    return cls.get_trait(trait)


def shape(v: SSAValue) -> tuple[int, ...]:
    t = v.type
    assert isinstance(t, TensorType), f"expected a tensor, got {t}"
    return t.get_shape()


def element_type(v: SSAValue | Attribute) -> Attribute:
    t = v.type if isinstance(v, SSAValue) else v
    assert isinstance(t, TensorType)
    return t.element_type


def with_shape(t: Attribute, new_shape: Sequence[int]) -> TensorType:
    assert isinstance(t, TensorType)
    return tensor_type_of(t.element_type, tuple(new_shape))


# (shared: see compiler.ir.interned)
@functools.lru_cache(maxsize=1024)
def _i32_payload(shape: tuple[int, ...], data: bytes):
    return quant.dense_from_numpy(np.frombuffer(data, dtype=np.int32).reshape(shape), i32)


def is_float_tensor(v: SSAValue) -> bool:
    t = v.type
    return isinstance(t, TensorType) and not is_quantized(t) and not isinstance(
        t.element_type, IntegerType
    )


# ---- constants ---------------------------------------------------------------------------


def constant_of(v: SSAValue) -> np.ndarray | None:
    """The payload of `circle.const` / `quant.constant` (storage integers when quantized)."""
    owner = v.owner
    if isinstance(owner, ConstOp | quant.ConstantOp):
        return dense_as_numpy(owner.value)
    return None


def dequantized_constant_of(v: SSAValue) -> np.ndarray | None:
    """The real values of a constant, looking through `quant.dcast(quant.constant)`."""
    owner = v.owner
    if isinstance(owner, quant.DequantizeCastOp):
        stored = constant_of(owner.input)
        if stored is None:
            return None
        qt = element_type(owner.input)
        return qt.dequantize(stored)
    arr = constant_of(v)
    if arr is not None and is_quantized(v.type):
        return element_type(v).dequantize(arr)
    return arr


def float_const(arr: np.ndarray, loc: Attribute | None = None) -> ConstOp:
    arr = np.asarray(arr, dtype=np.float32)
    from xdsl.dialects.builtin import f32

    op = ConstOp(quant.dense_from_numpy(arr, f32))
    if loc is not None:
        op.location = loc
    return op


def i32_const(values: Sequence[int] | np.ndarray, loc: Attribute | None = None) -> ConstOp:
    arr = np.asarray(values, dtype=np.int32)
    op = ConstOp(_i32_payload(arr.shape, arr.tobytes()) if arr.size <= 64
                 else quant.dense_from_numpy(arr, i32))
    if loc is not None:
        op.location = loc
    return op


def quantized_const(
    stored: np.ndarray, qtype: Attribute, loc: Attribute | None = None
) -> quant.ConstantOp:
    op = quant.ConstantOp.from_numpy(stored, qtype)
    if loc is not None:
        op.location = loc
    return op


# ---- quantized types through relayouts ---------------------------------------------------


def permute_element_type(et: Attribute, perm: Sequence[int]) -> Attribute:
    """The element type after a transpose with `perm`: a per-axis axis follows its dim."""
    if isinstance(et, UniformQuantizedPerAxisType):
        return et.with_axis(list(perm).index(et.axis.data))
    return et


def permute_type(t: Attribute, perm: Sequence[int]) -> TensorType:
    assert isinstance(t, TensorType)
    return _permuted_type(t, tuple(perm))


# Types and locations are immutable values, equal when their parameters are: the same
# question gets the same answer, built once (building one costs ~10-20 µs, hashing ~1 µs;
# the layout patterns ask the same few thousand times on large graphs).
@functools.lru_cache(maxsize=4096)
def _permuted_type(t: TensorType, perm: tuple[int, ...]) -> TensorType:
    s = t.get_shape()
    return tensor_type_of(permute_element_type(t.element_type, perm), tuple([s[p] for p in perm]))


def reshape_element_type(et: Attribute, old: Sequence[int], new: Sequence[int]) -> Attribute | None:
    """The element type after a reshape; None when a per-axis dim does not survive."""
    if not isinstance(et, UniformQuantizedPerAxisType):
        return et
    axis = et.axis.data
    size = old[axis]
    before = int(np.prod(old[:axis]))
    acc = 1
    for i, d in enumerate(new):
        if acc == before and d == size:
            return et.with_axis(i)
        acc *= d
    return None


def helper_location(location: Attribute, kind: str) -> Attribute:
    """`loc("conv2d"(...))` -> `loc("conv2d/transpose"(...))` for the ops a legalization
    adds around the one that computes the ATen op's value, so tensor names stay unique
    and say where they come from.

    Not memoized: its arguments rarely repeat across ops (each op has its own
    location), and a cache miss costs about three times the build (~3 µs)."""
    if isinstance(location, NameLoc):
        return NameLoc(StringAttr(f"{location.desc.data}/{kind}"), location.location)
    return location


def insert_before(op: Operation, before: Operation) -> Operation:
    """`op` inserted before `before`, with its location (a rewrite's new op is reported
    where the op it serves came from)."""
    op.location = before.location
    Rewriter.insert_op(op, InsertPoint.before(before))
    return op
