"""ATen → circle legalizations, one function per ATen op family.

A legalization is a function `(op, emitter) -> list[SSAValue]` registered with
`@legalizes("aten.name", ...)`; it builds float circle ops (quantization is still
carried by the surrounding `quant.dcast`/`quant.qcast`) and returns the values that
replace the ATen op's results, in the ATen op's own layout (NCHW for 4-D activations).
Layout-sensitive ops (convolution, pooling, resize) are wrapped in `circle.transpose`
NCHW→NHWC→NCHW; `circle-sink-transposes` and `circle-cleanup` later cancel them.
Constant weights are relaid out at compile time (conv OHWI, depthwise 1HWC, FC OI,
transpose-conv OHWI), and their per-axis quantized dimension follows the relayout.

Adding an op: write its function in the file of its family (conv, elementwise, pool,
shape, norm, ...) and decorate it, naming the circle ops it produces (`produces=`,
required, from which the quantizer derives the op's annotation); the pass picks it up,
and the `aten` dialect defines the ATen op it names from ATen's schema (`load_all`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import InsertPoint

from compiler.dialects import aten, circle, quant
from compiler.dialects.circle_base import CircleOp, NoValueOp
from compiler.ir.diagnostics import CompileError, error_at
from compiler.transforms.patterns.constants import reshaped_constant, transposed_constant
from compiler.transforms.utils import (
    constant_of,
    element_type,
    helper_location,
    i32_const,
    permute_type,
    quantized_const,
    shape,
    with_shape,
)

Legalization = Callable[[Operation, "Emitter"], Sequence[SSAValue]]

#: ATen op name -> legalization
LEGALIZATIONS: dict[str, Legalization] = {}
#: ATen op name -> the circle op classes its legalization may produce (declared with
#: `produces=`; the first computes the result, the others are alternatives or helpers,
#: `()` for an op that is no op at all). The ATen -> circle map as data: the quantizer
#: asks their runtime traits whether the ATen op can be quantized at all
#: (`compiler.frontend.float_ops`) and their quantization traits how
#: (`compiler.frontend.annotation_kinds`).
PRODUCES: dict[str, tuple[type[CircleOp], ...]] = {}

NCHW_TO_NHWC = (0, 2, 3, 1)
NHWC_TO_NCHW = (0, 3, 1, 2)


class _QuantizerTables:
    """`produces=QUANTIZER_TABLES`: see `legalizes`."""

    def __repr__(self) -> str:
        return "QUANTIZER_TABLES"


#: `@legalizes(..., produces=QUANTIZER_TABLES)`: the lowering's circle ops say nothing
#: the quantizer can derive an annotation from (ops that disagree, one chosen by the
#: operands, bool results, scalar overloads); `compiler.frontend.quantizer`'s explicit
#: tables decide, and test_annotation_kinds.py fails for such an op they do not cover.
QUANTIZER_TABLES = _QuantizerTables()
#: ATen op names declared `QUANTIZER_TABLES`
BY_QUANTIZER_TABLES: set[str] = set()


def legalizes(*names: str, produces):
    """Register `fn` for the ATen ops `names`. `produces` is required: the circle op
    classes it may build, the one computing the result first (a tuple for every name,
    `()` for an identity, or a dict name -> class for table-driven ones), from which the
    quantizer derives the op's annotation; or `QUANTIZER_TABLES` when the quantizer's
    explicit tables annotate it. A legalization cannot leave its op silently unannotated."""
    if isinstance(produces, dict) and set(produces) != set(names):
        raise ValueError(f"produces= names {sorted(set(produces) ^ set(names))} "
                         "without, or beyond, the legalization's ops")

    def register(fn: Legalization) -> Legalization:
        for name in names:
            LEGALIZATIONS[name] = fn
            if produces is QUANTIZER_TABLES:
                BY_QUANTIZER_TABLES.add(name)
                continue
            made = produces[name] if isinstance(produces, dict) else produces
            PRODUCES[name] = made if isinstance(made, tuple) else (made,)
        return fn

    return register


class Emitter:
    """Builds ops before the ATen op being legalized, located at it."""

    def __init__(self, rewriter: PatternRewriter, anchor: Operation):
        self.rewriter = rewriter
        self.anchor = anchor
        # Every op goes right before the anchor (an insertion point is a value: the
        # anchor's block and the anchor, neither changes while it is legalized), and
        # ops of one kind share their location (an attribute, immutable).
        self._before = InsertPoint.before(anchor)
        self._locations: dict[str, Attribute] = {}

    def emit(self, op: Operation) -> Operation:
        """Insert `op`; it is located at the ATen op, named `<node>/<op kind>` (the op
        that produces the ATen op's result is renamed `<node>` by the pass)."""
        name = op.name
        location = self._locations.get(name)
        if location is None:
            location = self._locations[name] = helper_location(
                self.anchor.location, name.split(".", 1)[-1])
        op.location = location
        self.rewriter.insert(op, self._before)
        return op

    def error(self, message: str) -> CompileError:
        return error_at(self.anchor, message)

    # -- circle ops ------------------------------------------------------------------
    def op(self, cls: type[CircleOp], operands: Sequence[SSAValue], result_type: Attribute,
           **options) -> SSAValue:
        return self.emit(cls.from_options(list(operands), [result_type], **options)).results[0]

    def none(self) -> SSAValue:
        return self.emit(NoValueOp()).results[0]

    def i32(self, values) -> SSAValue:
        """An i32 constant of any shape (a nested list or an array)."""
        return self.emit(i32_const(np.asarray(values))).results[0]

    def transpose(self, v: SSAValue, perm: Sequence[int]) -> SSAValue:
        if list(perm) == list(range(len(perm))):
            return v
        return self.op(circle.TransposeOp, [v, self.i32(perm)], permute_type(v.type, perm))

    def reshape(self, v: SSAValue, new_shape: Sequence[int]) -> SSAValue:
        if tuple(new_shape) == shape(v):
            return v
        return self.op(
            circle.ReshapeOp, [v, self.i32(new_shape)], with_shape(v.type, new_shape)
        )

    def to_nhwc(self, v: SSAValue) -> SSAValue:
        return self.relayout(v, NCHW_TO_NHWC)

    def to_nchw(self, v: SSAValue) -> SSAValue:
        return self.transpose(v, NHWC_TO_NCHW)

    def relayout(self, v: SSAValue, perm: Sequence[int]) -> SSAValue:
        """`v` transposed by `perm`: at compile time for constants (their per-axis
        dimension follows), else a `circle.transpose`."""
        if list(perm) == list(range(len(perm))):
            return v
        folded = transposed_constant(self.rewriter, v, perm, self.anchor)
        return folded if folded is not None else self.transpose(v, perm)

    def reshape_const_or_value(self, v: SSAValue, new_shape: Sequence[int]) -> SSAValue:
        """Reshape a constant at compile time (keeping its quantization), else emit one."""
        folded = reshaped_constant(self.rewriter, v, new_shape, self.anchor)
        return folded if folded is not None else self.reshape(v, new_shape)


def result_type(op: Operation, index: int = 0) -> TensorType:
    t = op.results[index].type
    assert isinstance(t, TensorType)
    return t


def nhwc_type(t: Attribute) -> TensorType:
    return permute_type(t, NCHW_TO_NHWC)


def normalize_dim(dim: int, rank: int) -> int:
    return dim + rank if dim < 0 else dim


def load_all() -> dict[str, Legalization]:
    """Import the legalization modules (they register themselves) and define the op
    class of every ATen op they name (`compiler.dialects.aten.define`: an op needs no
    schema line of its own)."""
    from compiler.transforms.legalize import (  # noqa: F401
        conv,
        elementwise,
        norm,
        pool,
        shape_ops,
    )
    from compiler.transforms.legalize import index  # noqa: F401  (indexing family)
    from compiler.transforms.legalize import float_ops  # noqa: F401  (float-only family)
    from compiler.transforms.legalize import compare  # noqa: F401  (comparisons, logic, select)

    aten.define(LEGALIZATIONS)
    return LEGALIZATIONS
