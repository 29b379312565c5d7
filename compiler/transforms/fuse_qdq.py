"""`fuse-qdq`: float circle ops between dequantize/quantize become quantized ops.

Every circle op whose float operands are all `quant.dcast` results (shape operands and
integer tensors aside) and whose float results all feed `quant.qcast` becomes quantized
in place: its operands become the dequantized values themselves (constants become
quantized `circle.const`), its result types the qcast types. Then the remaining casts
become Circle ops:
- `qcast(dcast(x))` with another type: `circle.quantize` (a requantization);
- model inputs: `io-dtype=float` (default) keeps float arguments with a
  `circle.quantize` after them; `io-dtype=int` makes the arguments quantized;
- model outputs: `circle.dequantize` before the return (float), or the quantized value
  returned as is (int);
- with `allow-float=true`, casts around ops left float become `circle.quantize` /
  `circle.dequantize`.

Guarantees afterwards: no `quant.*` op is left (`quant.constant` became `circle.const`);
an op that could not be quantized is an error naming it, unless `allow-float=true`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, ModuleOp, TensorType
from xdsl.ir import OpResult, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from compiler.dialects import circle, quant
from compiler.dialects.circle_base import CircleOp, ConstOp, NoValueOp
from compiler.ir.diagnostics import CompileError, error_at
from compiler.ir.hybrid import is_hybrid
from compiler.ir.quant_traits import ConvertsValues
from compiler.ir.quant_types import is_quantized
from compiler.ir.runtime_traits import float_only, no_integer_kernel
from compiler.transforms.dce import region_dce  # xDSL's, memoized (see dce.py)
from compiler.transforms.utils import is_float_tensor, ops_of_class, trait_of, walk_ops


def _quantized_source(v: SSAValue) -> SSAValue | None:
    """The quantized value a float operand dequantizes (constants become circle.const)."""
    owner = v.owner
    if not isinstance(owner, quant.DequantizeCastOp):
        return None
    src = owner.input
    if isinstance(src.owner, quant.ConstantOp):
        c = src.owner
        new = ConstOp(c.value, c.output.type)
        new.location = c.location
        Rewriter.insert_op(new, InsertPoint.before(c))
        c.output.replace_all_uses_with(new.output)
        c.detach()
        c.erase()
        return new.output
    return src


def _storage(t) -> str | None:
    et = t.element_type if isinstance(t, TensorType) else None
    return getattr(et, "storage_spelling", None)


def _quantize_op(op: CircleOp) -> bool:
    if float_only(type(op)):  # no integer kernel in any runtime (SIN, CONV_3D...)
        return False
    if trait_of(type(op), ConvertsValues) is not None:  # CAST: a float island, never a quantized copy
        return False
    float_operands = [i for i, v in enumerate(op.operands) if is_float_tensor(v)]
    for i in float_operands:
        if not isinstance(op.operands[i].owner, quant.DequantizeCastOp):
            return False
    result_types = []
    for r in op.results:
        if not is_float_tensor(r):
            result_types.append(r.type)
            continue
        qcasts = [u.operation for u in r.uses if isinstance(u.operation, quant.QuantizeCastOp)]
        if not qcasts or len(qcasts) != len(list(r.uses)):
            return False
        result_types.append(qcasts[0].output.type)
    if not float_operands and result_types == [r.type for r in op.results]:
        return False  # nothing quantized about this op
    # no runtime has this op's integer kernel in this storage type (its runtime traits;
    # the quantizer reads the same traits: compiler.frontend.float_ops)
    if any(no_integer_kernel(type(op), _storage(t)) for t in result_types):
        return False
    # The op becomes quantized in place: its float operands are re-pointed to the
    # quantized values and its float results retyped. Rebuilding it instead (a new op
    # of the same class with the same properties, attributes and location, inserted at
    # the same place) gave the same IR at the cost of an op creation and erasure per op:
    # an op is its class, operands, result types, properties and attributes, and none of
    # these differs. (A retyped op is verified again: `verify_module`'s memo compares
    # the operands and result types it verified with, see compiler.ir.diagnostics.)
    sources = [_quantized_source(op.operands[i]) for i in float_operands]
    for i, source in zip(float_operands, sources):
        dcast = op.operands[i].owner
        op.operands[i] = source
        if dcast.output.first_use is None:
            # dead now (a pure op without uses): erased here rather than found by the
            # sweep of `region_dce`, which then has nothing to erase
            dcast.detach()
            dcast.erase()
    for r, t in zip(list(op.results), result_types):
        if is_float_tensor(r):
            _retype_result(r, t)
    return True


def _retype_result(r: OpResult, t: TensorType) -> None:
    """Give float result `r`, whose uses are all `quant.qcast`s, the quantized type `t`
    (its first qcast's): the qcasts to `t` are replaced by the result, the others by a
    `circle.quantize` from it. The qcasts are taken in `r`'s use order, as the rebuilt
    op's were, so the uses of the result come out in the same order."""
    qcasts = [u.operation for u in r.uses]
    # xDSL's way to change a value's type: a new OpResult in the op, with r's uses and
    # name (the op's own name is kept, not its qcast's)
    res = Rewriter.replace_value_with_new_type(r, t)
    for q in qcasts:
        assert isinstance(q, quant.QuantizeCastOp)
        if q.output.type == res.type:
            q.output.replace_all_uses_with(res)
        else:  # a second consumer type: requantize from the op's result
            rq = circle.QuantizeOp(operands=[res], result_types=[q.output.type])
            rq.location = q.location
            Rewriter.insert_op(rq, InsertPoint.before(q))
            q.output.replace_all_uses_with(rq.output)
        q.detach()
        q.erase()


@dataclass(frozen=True)
class FuseQdqPass(ModulePass):
    name = "fuse-qdq"

    io_dtype: str = "float"
    allow_float: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.io_dtype not in ("float", "int"):
            raise CompileError(f"fuse-qdq: io-dtype must be 'float' or 'int', not '{self.io_dtype}'")
        left_float = []
        for o in walk_ops(op):
            if isinstance(o, CircleOp) and not isinstance(o, ConstOp | NoValueOp):
                if not _quantize_op(o) and _is_float_op(o):
                    left_float.append(o)
        region_dce(op.body)
        if self.io_dtype == "int":  # (the boundaries of float I/O stay as they are)
            for f in ops_of_class(op, func.FuncOp):
                self._boundaries(f)
        if self._remaining_casts(op):
            region_dce(op.body)
        left_float = [o for o in left_float if o.parent is not None and _is_float_op(o)
                      and not is_hybrid(o)]  # hybrid: float activations by design
        if left_float and not self.allow_float and _has_quantized(op):
            first = left_float[0]
            raise error_at(
                first,
                "could not be quantized: an operand or result has no quantization "
                f"parameters ({len(left_float)} float op(s) left; allow-float=true keeps "
                "them float)",
            )

    def _boundaries(self, f: func.FuncOp) -> None:
        if self.io_dtype != "int":
            return
        block = f.body.blocks[0]
        for arg in list(block.args):
            users = [u.operation for u in arg.uses]
            if not users or not all(isinstance(u, quant.QuantizeCastOp) for u in users):
                continue
            types = {u.output.type for u in users}
            if len(types) != 1:
                continue
            location = arg.location  # the input's name
            new_arg = Rewriter.replace_value_with_new_type(arg, types.pop())
            new_arg.location = location
            for u in users:
                u.output.replace_all_uses_with(new_arg)
                u.detach()
                u.erase()
        ret = block.last_op
        assert isinstance(ret, func.ReturnOp)
        for i, v in enumerate(ret.operands):
            owner = v.owner
            if isinstance(owner, quant.DequantizeCastOp):
                ret.operands[i] = owner.input
        f.function_type = FunctionType.from_lists(
            [a.type for a in block.args], [v.type for v in ret.operands]
        )

    def _remaining_casts(self, module: ModuleOp) -> bool:
        """The casts left become circle.quantize / circle.dequantize. Returns whether
        an op may have become dead since the `region_dce` before `_boundaries`.

        That dce leaves nothing dead (xDSL's liveness fixpoint), and what runs after it
        only takes a use away from a `quant.dcast`: a qcast of a requantized constant
        is replaced by a QUANTIZE of the constant itself, bypassing its dcast;
        `_boundaries` returns a dcast's input instead of the dcast (and replaces
        block arguments, which are not ops). Every other replacement moves the uses
        to the new op. Such a dcast is left as it is below (it has no uses), so
        "a dcast without uses" is the only way a dead op can arise: without one, a
        second `region_dce` would erase nothing, and is not run."""
        unused_dcast = False
        for o in ops_of_class(module, quant.QuantizeCastOp):
            src = o.input.owner
            if isinstance(src, quant.DequantizeCastOp) and is_quantized(src.input.type):
                # a requantized constant (a parameter used through a view that
                # folded away: a class token's expand) is a circle.const too
                source = _quantized_source(src.output)
                new = circle.QuantizeOp(operands=[source], result_types=[o.output.type])
            else:
                new = circle.QuantizeOp(operands=[o.input], result_types=[o.output.type])
            new.location = o.location
            Rewriter.replace_op(o, new)
        for o in ops_of_class(module, quant.DequantizeCastOp):
            if o.output.uses:
                if isinstance(o.input.owner, quant.ConstantOp):
                    _quantized_source(o.output)
                new = circle.DequantizeOp(operands=[o.input], result_types=[o.output.type])
                new.location = o.location
                Rewriter.replace_op(o, new)
            else:
                unused_dcast = True
        return unused_dcast


def _is_float_op(op: Operation) -> bool:
    return any(is_float_tensor(v) for v in (*op.operands, *op.results))


def _has_quantized(module: ModuleOp) -> bool:
    for o in walk_ops(module):
        for r in o.results:
            if isinstance(r.type, TensorType) and is_quantized(r.type):
                return True
    return False
