"""`fold-qdq`: normalize the quantize/dequantize pairs PT2E inserted.

PT2E marks every quantized activation with `dcast(qcast(x))`, and gives each consumer
of a quantized value its own dequantize (DuplicateDQPass). After this pass:
- `dcast(qcast(x))` pairs remain: they carry activation qparams until `fuse-qdq`;
- `qcast(dcast(x))` with equal types is gone (it is the identity on stored values);
  with different types it is a genuine requantization and is kept (it becomes
  `circle.quantize`);
- each quantized value has at most one `dcast` per result type (duplicates merged), so
  later patterns see single-use chains.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from compiler.dialects import quant
from compiler.transforms.utils import apply_patterns, ops_of_class


class CancelQuantizeOfDequantize(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: quant.QuantizeCastOp, rewriter: PatternRewriter) -> None:
        d = op.input.owner
        if isinstance(d, quant.DequantizeCastOp) and d.input.type == op.output.type:
            rewriter.replace(op, [], [d.input])
            if not d.output.uses:
                rewriter.erase(d)


@dataclass(frozen=True)
class FoldQdqPass(ModulePass):
    name = "fold-qdq"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        merge_duplicate_dequantize(op)
        apply_patterns(op, [CancelQuantizeOfDequantize()])


def merge_duplicate_dequantize(module: ModuleOp) -> None:
    """Keep the first `dcast` of each (value, type); later ones forward to it (one walk:
    a definition always comes before its uses in a block)."""
    # value (by identity) -> the dcasts kept for it, one per distinct result type. The
    # types are compared by equality, as a dict keyed on (value, type) would, but only
    # among the dcasts of one value (most values have one): hashing a tensor type
    # hashes its whole element type, per-channel scales included.
    first: dict[int, list[quant.DequantizeCastOp]] = {}
    for op in ops_of_class(module, quant.DequantizeCastOp):
        kept_for_value = first.setdefault(id(op.input), [])
        t = op.output.type
        for j, kept in enumerate(kept_for_value):
            if kept.output.type == t:
                break
        else:
            kept_for_value.append(op)
            continue
        if kept.parent_block() is not op.parent_block():
            kept_for_value[j] = op
            continue
        op.output.replace_all_uses_with(kept.output)
        op.detach()
        op.erase()
