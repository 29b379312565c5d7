"""`region_dce`: xDSL's dead-code elimination, with its per-op trait queries memoized.

Same contract, same algorithm and the same result as
`xdsl.transforms.dead_code_elimination.region_dce` (liveness to a fixpoint, then every
op not live is erased, through `listener` if given): a drop-in for the passes' calls.

Why: the passes run it after their rewrites (8 times in `lower-to-circle`), and xDSL
asks `would_be_trivially_dead` of every op on every call: two trait lookups and a
memory-effect query, each a scan of the op class's traits (~15 % of the pipeline's
time at 10k ops). For an op without regions whose memory-effect traits are all
`NoMemoryEffect` (what `Pure` is) or that has none, the answer depends only on the op's
class, so it is asked once per class and call. Ops with regions, or with any other
memory-effect trait (whose effects may depend on the op), are asked every time, as
xDSL does.

And one sweep instead of three: xDSL sweeps the region to a fixpoint (at least twice,
the last sweep confirming) and then once more to erase. Here the first sweep records
the ops it leaves dead, in its order; if none of them has a live user, the live set is
already the fixpoint (every op was marked live for the same reason xDSL marks it, and
no dead op has a reason left), and the recorded ops are erased in that order, which is
xDSL's erasure order when every region has one block and no dead op has regions.
Otherwise (a user marked live after its operand was judged, a multi-block region, a
dead op with regions) the sweeps continue, and the erasure walks, exactly as xDSL's.
"""

from __future__ import annotations

from xdsl.dialects import func
from xdsl.ir import Operation, Region
from xdsl.ir.post_order import PostOrderIterator
from xdsl.pattern_rewriter import PatternRewriterListener
from xdsl.traits import MemoryEffect, NoMemoryEffect
from xdsl.transforms.dead_code_elimination import LiveSet, would_be_trivially_dead

_NO_EFFECTS = NoMemoryEffect.get_effects.__func__  # type: ignore[attr-defined]


def _class_determined(op: Operation) -> bool:
    """Whether `would_be_trivially_dead(op)` is a function of `type(op)` alone."""
    if op.regions:
        return False
    return all(
        getattr(type(t).get_effects, "__func__", None) is _NO_EFFECTS
        for t in op.get_traits_of_type(MemoryEffect)
    )


class _MemoLiveSet(LiveSet):
    """xDSL's `LiveSet` with `would_be_trivially_dead` memoized per op class (for the
    classes where that is exact, see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._dead_if_unused: dict[type[Operation], bool] = {}

    def _would_be_trivially_dead(self, op: Operation) -> bool:
        cls = type(op)
        known = self._dead_if_unused.get(cls)
        if known is not None and not op.regions:
            return known
        answer = would_be_trivially_dead(op)
        if _class_determined(op):
            self._dead_if_unused[cls] = answer
        return answer

    def propagate_op_liveness(self, op: Operation) -> None:
        # LiveSet.propagate_op_liveness, with the memoized query
        for region in op.regions:
            self.propagate_region_liveness(region)
        if self.is_live(op):
            return
        if not self._would_be_trivially_dead(op):
            self.set_live(op)
            return
        if any(self.is_live(use.operation) for result in op.results for use in result.uses):
            self.set_live(op)


    def sweep(self, region: Region, dead: list[Operation]) -> bool:
        """One `propagate_region_liveness` sweep that appends the ops it leaves dead to
        `dead`, in its order; False when that order may not be xDSL's erasure order
        (a region with several blocks, a dead op with regions)."""
        first = region.first_block
        if first is None:
            return True
        simple = first.next_block is None
        live = self._live_ops
        by_class = self._dead_if_unused
        for block in PostOrderIterator(first):
            op = block.last_op
            while op is not None:
                regions = op.regions
                if regions:
                    for r in regions:
                        simple = self.sweep(r, dead) and simple
                    dead_if_unused = self._would_be_trivially_dead(op)
                else:
                    dead_if_unused = by_class.get(type(op))
                    if dead_if_unused is None:
                        dead_if_unused = self._would_be_trivially_dead(op)
                if not dead_if_unused:
                    live.add(op)
                else:
                    # _has_live_user, inlined (most ops have one result and one use)
                    for result in op.results:
                        use = result.first_use
                        while use is not None:
                            if use._operation in live:  # noqa: SLF001 (Use.operation)
                                break
                            use = use._next_use  # noqa: SLF001
                        else:
                            continue
                        live.add(op)
                        break
                    else:
                        dead.append(op)
                        simple = simple and not regions
                op = op.prev_op
        return simple

    def nothing_dead(self, region: Region, ssacfg: bool = False) -> bool:
        """True only if xDSL's liveness would find every op of `region` live: then
        `region_dce` erases nothing and needs no sweep. One forward walk, no live set.

        Sound because in a region whose every use comes after its definition (the body of
        a `func.func`, an SSACFG region: `ssacfg`) the uses are acyclic: walking back
        from the end, an op is live if it is not trivially dead or one of its users (all
        later, so already live) is; so every op is live unless some op that would be
        trivially dead has no use at all, which is what is looked for. Anything else
        answers False and the sweeps decide: a region with several blocks, an op with
        regions other than a `func.func` (which is never trivially dead: a symbol), and
        in other regions (the module's, where a use may precede its definition) any op
        that would be trivially dead."""
        block = region.first_block
        if block is None:
            return True
        if block.next_block is not None:
            return False
        op = block.first_op
        while op is not None:
            if op.regions:
                if type(op) is not func.FuncOp or self._would_be_trivially_dead(op):
                    return False
                if not self.nothing_dead(op.body, ssacfg=True):
                    return False
            elif ssacfg:
                for result in op.results:
                    if result.first_use is not None:
                        break  # used: live if its users are (see above)
                else:
                    if self._would_be_trivially_dead(op):
                        return False  # unused: dead
            elif self._would_be_trivially_dead(op):
                return False
            op = op.next_op
        return True


def _has_live_user(op: Operation, live: set[Operation]) -> bool:
    for result in op.results:
        use = result.first_use
        while use is not None:  # (IRUses' own walk, without its generator)
            if use.operation in live:
                return True
            use = use._next_use  # noqa: SLF001
    return False


def region_dce(region: Region, listener: PatternRewriterListener | None = None) -> bool:
    """Erase the ops of `region` that are dead (xDSL's `region_dce`, see above)."""
    live_set = _MemoLiveSet()
    if live_set.nothing_dead(region):
        return False  # (most calls: the passes' rewrites left nothing dead)
    dead: list[Operation] = []
    simple = live_set.sweep(region, dead)
    live = live_set._live_ops
    if any(_has_live_user(op, live) for op in dead):
        simple = False  # not a fixpoint yet: continue as xDSL does
        live_set.changed = True
        while live_set.changed:
            live_set.changed = False
            live_set.propagate_region_liveness(region)
    if not simple:
        live_set.changed = False
        live_set.delete_dead(region, listener)
        return live_set.changed
    for op in dead:
        if listener is not None:
            listener.handle_operation_removal(op)
        block = op.parent
        assert block is not None
        block.erase_op(op, safe_erase=False)
    return bool(dead)
