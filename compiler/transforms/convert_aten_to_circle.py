"""`convert-aten-to-circle`: legalize every `aten.*` op to float `circle.*` ops in NHWC.

Guarantees afterwards:
- no `aten.*` op is left; every ATen op was replaced by circle ops computing the same
  float function (quantization is still carried by `quant.dcast`/`quant.qcast`);
- layout-sensitive ops run in NHWC between `circle.transpose` ops, constant weights are
  relaid out at compile time (conv OHWI, depthwise 1HWC, FC OI, transpose-conv OHWI)
  with their per-axis quantized dimension remapped (depthwise 0 -> 3);
- absent optional operands are `circle.no_value`.

An ATen op without a legalization (or with arguments Circle cannot express) is an error
naming the op, the FX node and the user's source line; all such ops are reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, NameLoc
from xdsl.ir import Operation, OpResult
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern


from compiler.dialects import circle
from compiler.dialects.aten import AtenOp, CallOp
from compiler.ir.diagnostics import CompileError, op_location
from compiler.transforms.dce import region_dce  # xDSL's, memoized (see dce.py)
from compiler.transforms.legalize import Emitter, load_all
from compiler.transforms.utils import apply_patterns, walk_ops


class LegalizeAtenOp(RewritePattern):
    def __init__(self):
        self.legalizations = load_all()

    @staticmethod
    def applies_to(cls: type[Operation]) -> bool:
        """Only ATen ops are legalized (see apply_patterns)."""
        return issubclass(cls, AtenOp)

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not isinstance(op, AtenOp):
            return
        results = self.legalizations[op.name](op, Emitter(rewriter, op))
        for old, new in zip(op.results, results, strict=True):
            if new is None:
                assert not old.uses, f"{op.name}: result #{old.index} is used but has no lowering"
                continue
            primary = _computing_op(new, op)
            if primary is not None:
                # The op computing the ATen op's value carries its name (looking
                # through the layout transposes/reshapes wrapped around it).
                primary.location = op.location
            if not new.name_hint:
                new.name_hint = old.name_hint
            rewriter.replace_all_uses_with(old, new)
        rewriter.erase(op)


def _computing_op(value, anchor: Operation) -> Operation | None:
    """The op a legalization emitted that computes `value`, behind layout ops."""
    owner = value.owner if isinstance(value, OpResult) else None
    while isinstance(owner, circle.TransposeOp | circle.ReshapeOp) and isinstance(
        owner.input, OpResult
    ) and owner.input.op.location != anchor.location and _emitted_for(owner.input.op, anchor):
        owner = owner.input.op
    if owner is None or owner.parent is not anchor.parent or not _emitted_for(owner, anchor):
        return None
    return owner


def _emitted_for(op: Operation, anchor: Operation) -> bool:
    """Whether `op` was emitted while legalizing `anchor` (its name is `<node>/...`)."""
    loc, mine = op.location, anchor.location
    return (isinstance(loc, NameLoc) and isinstance(mine, NameLoc)
            and loc.desc.data.startswith(mine.desc.data + "/"))


def _unsupported(module: ModuleOp, legalizations) -> list[tuple[str | None, str]]:
    """(location, message) of every ATen op that has no legalization."""
    problems = []
    for op in walk_ops(module):
        if isinstance(op, CallOp):
            target = op.target.data
        elif isinstance(op, AtenOp) and op.name not in legalizations:
            target = op.SCHEMA.qualified_target
        else:
            continue
        problems.append((op_location(op), f"ATen operator {target} has no Circle lowering"))
    return problems


@dataclass(frozen=True)
class ConvertAtenToCirclePass(ModulePass):
    name = "convert-aten-to-circle"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        legalizations = load_all()
        problems = _unsupported(op, legalizations)
        if len(problems) == 1:
            location, message = problems[0]
            raise CompileError(message, location)
        if problems:
            raise CompileError(
                f"{len(problems)} operators have no Circle lowering:\n  "
                + "\n  ".join(f"{loc or '<unknown>'}: {msg}" for loc, msg in problems)
            )
        apply_patterns(op, [LegalizeAtenOp()])
        # The replaced weights (relaid-out copies exist now) and `aten.none` values.
        region_dce(op.body)
