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
xDSL does. The live set holds op ids rather than ops (same membership, no Python-level
`__hash__` call per lookup).
"""

from __future__ import annotations

from xdsl.ir import Operation, Region
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
    classes where that is exact, see the module docstring), and the live set kept as
    op ids (an op's `__hash__` is its id, but a Python-level call per lookup; the ops
    outlive the set, so their ids stay theirs)."""

    def __init__(self) -> None:
        super().__init__()
        self._dead_if_unused: dict[type[Operation], bool] = {}
        self._live_ids: set[int] = set()

    def is_live(self, op: Operation) -> bool:
        return id(op) in self._live_ids

    def set_live(self, op: Operation) -> None:
        if id(op) not in self._live_ids:
            self.changed = True
            self._live_ids.add(id(op))

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
        # LiveSet.propagate_op_liveness, with the memoized query and the id set
        for region in op.regions:
            self.propagate_region_liveness(region)
        live = self._live_ids
        if id(op) in live:
            return
        if not self._would_be_trivially_dead(op) or _has_user_in(op, live):
            self.changed = True
            live.add(id(op))


def _has_user_in(op: Operation, live: set[int]) -> bool:
    """Whether an op whose id is in `live` uses a result of `op` (the use lists walked
    as xDSL's `IRUses` walks them, without a generator per result)."""
    for result in op.results:
        use = result.first_use
        while use is not None:
            if id(use.operation) in live:
                return True
            use = use._next_use  # noqa: SLF001 - the list link IRUses follows
    return False


def region_dce(region: Region, listener: PatternRewriterListener | None = None) -> bool:
    """Erase the ops of `region` that are dead (xDSL's `region_dce`, see above)."""
    live_set = _MemoLiveSet()
    while live_set.changed:
        live_set.changed = False
        live_set.propagate_region_liveness(region)
    live_set.delete_dead(region, listener)
    return live_set.changed
