"""What a float32 value inside a quantized program can be: infinite, NaN, negative, how large.

The runtimes quantize +-inf, NaN and values beyond 2^31 steps of the scale each their own
way (docs/runtimes.md), so `target-legalize` must know where such values can reach a
QUANTIZE. Ops declare how their result follows their operands, as traits on the op class:
`YieldsInfinity` / `PassesInfinity` (an infinity made or handed on), `Magnitude` (how the
result's magnitude grows: sums, products, convolutions), `YieldsNaN` (and when),
`NonNegative`, `FollowsSign`, `MayNegate` (the sign). The analyses (`may_be_infinite`,
`magnitude_bound`, `may_be_nan`, `may_be_negative`) start from what a quantized model
admits (a DEQUANTIZE's range, a constant's elements, a clamp's bounds) and follow those
traits; each is memoized inside `infinity_memo()`. The predicates built on them
(`quantizes_infinity`, `quantizes_nan`, `quantized_rsqrt_of_zero`, ...) are the `when`
conditions of the ops' `Miscomputes` traits (`compiler.ir.runtime_traits`).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from xdsl.ir import Operation, SSAValue
from xdsl.traits import OpTrait

from compiler.ir.quant_traits import BiasOperand, WeightOperand
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType
from compiler.ir.runtime_traits import QUANTIZED, matmul_depth, storage

@dataclass(frozen=True)
class YieldsInfinity(OpTrait):
    """The op's float32 result can be +-inf on finite inputs: a pole (DIV by 0, RSQRT and
    LOG of 0) or an overflow (EXP, POW). A QUANTIZE of such a result needs its input
    saturated first (`quantizes_infinity`)."""


@dataclass(frozen=True)
class PassesInfinity(OpTrait):
    """An +-inf element of a float32 operand can reach the op's result as an infinity:
    data movement (RESHAPE, TRANSPOSE, GATHER, CONCATENATION, SLICE, PAD...), monotone
    or unbounded elementwise ops (ADD, MUL, MAXIMUM, SQRT, FLOOR, ROUND, ABS, RELU...),
    reductions, pools, convolutions and matmuls. `quantizes_infinity` looks through them
    to an op that `YieldsInfinity`: consecutive float-only ATen ops stay one float region
    (allow-float), e.g. RSQRT -> SQRT -> QUANTIZE. An op without it ends an infinity (its
    result is bounded or NaN: LOGISTIC, TANH, RELU6, SIN, COS, QUANTIZE)."""


@dataclass(frozen=True)
class Magnitude(OpTrait):
    """How large the op's float32 result can be in magnitude given bounds on its
    operands' (`bound(op, operand_bounds)`, inf when unbounded): the sums and products
    that can overflow finite inputs (ADD, MUL, SQUARED_DIFFERENCE, SUM, convolutions,
    matmuls) and the ops whose result is bounded whatever their input (LOGISTIC, SIN,
    RELU6...). An op that `PassesInfinity` without it is bounded by its operands
    (data movement, pools, means, monotone elementwise ops). `magnitude_bound` asks it."""

    bound: Callable[[Operation, list[float]], float]


def bounded_by(limit: float) -> Magnitude:
    """A result within [-limit, limit] whatever the input (SIN, LOGISTIC, RELU6...)."""
    return Magnitude(lambda op, bounds: limit)


def _sum_bound(op: Operation, b: list[float]) -> float:
    return b[0] + b[1]


def _product_bound(op: Operation, b: list[float]) -> float:
    return b[0] * b[1]


def _prelu_bound(op: Operation, b: list[float]) -> float:
    """PRELU: x where x >= 0, alpha x elsewhere: a slope below 1 does not shrink x."""
    return b[0] * max(1.0, b[1])


def _leaky_relu_bound(op: Operation, b: list[float]) -> float:
    """LEAKY_RELU: x where x >= 0, alpha x elsewhere: a slope above 1 grows x."""
    return b[0] * max(1.0, abs(op.alpha.value.data))


def _squared_difference_bound(op: Operation, b: list[float]) -> float:
    return (b[0] + b[1]) ** 2


def _reduced_sum_bound(op: Operation, b: list[float]) -> float:
    """SUM: as many operand elements as one result element sums."""
    n = max(1, int(np.prod(op.operands[0].type.get_shape())) // max(
        1, int(np.prod(op.results[0].type.get_shape()))))
    return b[0] * n


def _matmul_bound(op: Operation, b: list[float]) -> float:
    return b[0] * b[1] * matmul_depth(op)


def _weighted_sum_bound(op: Operation, b: list[float]) -> float:
    """A convolution / FULLY_CONNECTED: each output sums at most numel(w) / (output
    channels) products of an input and a weight, plus the bias."""
    w, bias = op.get_trait(WeightOperand), op.get_trait(BiasOperand)
    # (CONV_3D declares neither: input, filter, bias in that order)
    wi = w.index if w is not None else 1
    xi = bias.input_index if bias is not None else 0
    bi = bias.index if bias is not None else 2
    taps = int(np.prod(op.operands[wi].type.get_shape())) // max(
        1, int(op.results[0].type.get_shape()[-1]))
    extra = b[bi] if bi < len(b) else 0.0
    return b[xi] * b[wi] * max(1, taps) + extra


#: the magnitudes of `Magnitude` ops' results, per kind of growth
SUM_BOUND = Magnitude(_sum_bound)
PRODUCT_BOUND = Magnitude(_product_bound)
SQUARED_DIFFERENCE_BOUND = Magnitude(_squared_difference_bound)
PRELU_BOUND = Magnitude(_prelu_bound)
LEAKY_RELU_BOUND = Magnitude(_leaky_relu_bound)
REDUCED_SUM_BOUND = Magnitude(_reduced_sum_bound)
MATMUL_BOUND = Magnitude(_matmul_bound)
WEIGHTED_SUM_BOUND = Magnitude(_weighted_sum_bound)


@dataclass(frozen=True)
class YieldsNaN(OpTrait):
    """The op's float32 result can be NaN on operands that are not (`when(op)`, if
    given): an infinity met by a sum or a product (inf - inf, 0 x inf: `infinite_operand`),
    SIN / COS of +-inf, a root or logarithm of a negative value (`negative_operand`),
    0 / 0 (`zero_divisor`), 0 x -inf in a PRELU (`scaled_infinity`). `may_be_nan` asks it; every float op hands a NaN on."""

    when: Callable[[Operation], bool] | None = None


@dataclass(frozen=True)
class NonNegative(OpTrait):
    """The op's float32 result is never negative (ABS, RELU, RELU6, SQRT, EXP, SOFTMAX,
    LOGISTIC, SQUARED_DIFFERENCE): `may_be_negative` asks it."""


@dataclass(frozen=True)
class FollowsSign(OpTrait):
    """The op's float32 result is never negative where its operands are not, although it
    does not hand an infinity on (RSQRT: +0 -> +inf, -0 -> -inf): `may_be_negative`."""


@dataclass(frozen=True)
class MayNegate(OpTrait):
    """The op can give a negative result from operands that are not (SUB, NEG), although
    it hands an infinity on: `may_be_negative` asks it."""
def _clamped(v: SSAValue) -> bool:
    """`v` is MINIMUM(MAXIMUM(x, lo), hi) or MAXIMUM(MINIMUM(x, hi), lo) with finite
    constant bounds (what `float_guards.saturate_infinity` inserts): finite."""
    from compiler.dialects import circle
    from compiler.transforms.utils import constant_of

    def bound(op: Operation, kind: type) -> SSAValue | None:
        """The other operand of a `kind` op with one finite constant operand, or None."""
        if not isinstance(op, kind):
            return None
        for i, c in enumerate(op.operands):
            arr = constant_of(c)
            if arr is not None and np.isfinite(arr).all():
                return op.operands[1 - i]
        return None

    for outer, inner in ((circle.MinimumOp, circle.MaximumOp),
                         (circle.MaximumOp, circle.MinimumOp)):
        x = bound(v.owner, outer)
        if x is not None and bound(x.owner, inner) is not None:
            return True
    return False


def _clamp_constants(v: SSAValue) -> list[Operation]:
    """The constants of the clamp `v` (`_clamped`): its bound and its inner op's."""
    from compiler.dialects.circle_base import ConstOp

    op = v.owner
    inner = next(c.owner for c in op.operands if not isinstance(c.owner, ConstOp))
    return [c.owner for o in (op, inner) for c in o.operands if isinstance(c.owner, ConstOp)]


#: value -> `may_be_infinite`, shared by the calls inside `infinity_memo()`
_INFINITY_MEMO: contextvars.ContextVar[dict[SSAValue, bool] | None] = contextvars.ContextVar(
    "infinity_memo", default=None)


@contextlib.contextmanager
def infinity_memo() -> Iterator[None]:
    """Share `may_be_infinite`'s answers between its calls inside the block, so asking it
    of every QUANTIZE of a float region costs one visit per value, not one per QUANTIZE
    and value. Only for code whose rewrites never make a float value that was finite
    possibly infinite (target-legalize: its rewrites replace a value by one computing the
    same numbers, clamp it, or raise an RSQRT's input; a clamp is a new value, asked
    afresh)."""
    token = _INFINITY_MEMO.set({})
    bounds = _BOUND_MEMO.set({})
    nans = _NAN_MEMO.set({})
    try:
        yield
    finally:
        _NAN_MEMO.reset(nans)
        _BOUND_MEMO.reset(bounds)
        _INFINITY_MEMO.reset(token)


def may_be_infinite(v: SSAValue) -> bool:
    """Whether the float32 value `v` can hold +-inf for finite model inputs: an op that
    `YieldsInfinity` computes it, directly or through ops that `PassesInfinity` (a
    DEQUANTIZE, a constant, a model input or a clamp to finite bounds ends the search).
    Each value is decided once (post-order over its producers; SSA in one block is
    acyclic), within this call or, inside `infinity_memo()`, within that block."""
    memo = _INFINITY_MEMO.get()
    if memo is None:
        memo = {}
    stack: list[tuple[SSAValue, bool]] = [(v, False)]
    while stack:
        value, operands_done = stack.pop()
        op = value.owner
        if operands_done:  # an op that passes an infinity on, its operands decided
            memo[value] = any(memo[x] for x in op.operands)
        elif value in memo:
            continue
        elif storage(value) != "f32" or not isinstance(op, Operation) or _clamped(value):
            memo[value] = False
        elif op.has_trait(YieldsInfinity):
            memo[value] = True
        elif not op.has_trait(PassesInfinity):
            memo[value] = False
        else:
            stack.append((value, True))
            stack.extend((x, False) for x in op.operands if x not in memo)
    return memo[v]


_FLT_MAX = float(np.finfo(np.float32).max)

#: value -> `magnitude_bound`, shared by the calls inside `infinity_memo()`
_BOUND_MEMO: contextvars.ContextVar[dict[SSAValue, float] | None] = contextvars.ContextVar(
    "bound_memo", default=None)


def _quantized_magnitude(t) -> float:
    """The largest |real value| a quantized type represents."""
    et = getattr(t, "element_type", None)
    if isinstance(et, UniformQuantizedType):
        scales, zps = [float(np.float32(et.scale.data))], [et.zero_point.data]
    elif isinstance(et, UniformQuantizedPerAxisType):
        scales, zps = [float(np.float32(s)) for s in et.scales], list(et.zero_points)
    else:
        return float("inf")
    info = np.iinfo(et.numpy_storage_dtype)
    return max(max(abs(info.min - zp), abs(info.max - zp)) * s for s, zp in zip(scales, zps))


def magnitude_bound(v: SSAValue) -> float:
    """A bound on |x| for every element x of the float32 value `v` (inf: none known).
    From the values a quantized model admits: a DEQUANTIZE's input type, a constant's
    elements, a clamp's bounds; through the ops' `Magnitude` (sums, products) or, for
    ops that `PassesInfinity` without one, the largest operand bound (a +1 slack for
    ROUND's halves). A value that may be infinite is unbounded; so is a float op that
    declares neither (LOG_SOFTMAX, CAST). A model input is taken as in its range: its
    QUANTIZE is the input's contract (docs/runtimes.md). Memoized like
    `may_be_infinite` inside `infinity_memo()`."""
    from compiler.dialects import circle
    from compiler.dialects.circle_base import ConstOp
    from compiler.ir.verify_tensors import dense_as_numpy

    memo = _BOUND_MEMO.get()
    if memo is None:  # one search: share its `may_be_infinite` answers too
        with infinity_memo():
            return magnitude_bound(v)
    inf = float("inf")
    stack: list[tuple[SSAValue, bool]] = [(v, False)]
    while stack:
        value, operands_done = stack.pop()
        op = value.owner
        if value in memo and not operands_done:
            continue
        if operands_done:
            bounds = [memo[x] for x in op.operands]
            magnitude = op.get_trait(Magnitude)
            if magnitude is not None:
                with np.errstate(over="ignore", invalid="ignore"):
                    b = float(magnitude.bound(op, bounds))
                # beyond FLT_MAX the float32 op overflows: +-inf (FLT_MAX in LiteRT's
                # reference kernels, which clamp to the fused activation's range)
                memo[value] = inf if np.isnan(b) or b > _FLT_MAX else b
            elif op.has_trait(PassesInfinity):  # integer operands: shapes, indices, axes
                memo[value] = max((b for x, b in zip(op.operands, bounds)
                                   if storage(x) in QUANTIZED | {"f32", "bool"}),
                                  default=0.0) + 1.0
            else:
                memo[value] = inf
            continue
        if not isinstance(op, Operation):
            memo[value] = 0.0  # a model input: in its range (its QUANTIZE's contract)
        elif isinstance(op, circle.DequantizeOp):
            memo[value] = _quantized_magnitude(op.operands[0].type)
        elif isinstance(op, ConstOp):
            arr = dense_as_numpy(op.value)
            et = getattr(value.type, "element_type", None)
            if isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType):
                memo[value] = _quantized_magnitude(value.type)
            else:
                with np.errstate(invalid="ignore"):
                    memo[value] = float(np.max(np.abs(arr.astype(np.float64)), initial=0.0))
        elif isinstance(op, circle.NoValueOp) or storage(value) == "bool":
            memo[value] = 1.0
        elif storage(value) != "f32":
            memo[value] = (_quantized_magnitude(value.type) if storage(value) in QUANTIZED
                           else inf)
        elif _clamped(value):  # MINIMUM(MAXIMUM(x, lo), hi) or the other way round
            memo[value] = max(float(np.max(np.abs(dense_as_numpy(c.value))))
                              for c in _clamp_constants(value))
        elif may_be_infinite(value):
            memo[value] = inf
        elif op.get_trait(Magnitude) is None and not op.has_trait(PassesInfinity):
            memo[value] = inf
        else:
            stack.append((value, True))
            stack.extend((x, False) for x in op.operands if x not in memo)
    return memo[v]


def _float_operands(op: Operation) -> list[SSAValue]:
    return [x for x in op.operands if storage(x) == "f32"]


def _can_be_infinite(v: SSAValue) -> bool:
    """`v` may be +-inf: an op that yields one, or a sum / product that may overflow."""
    return may_be_infinite(v) or magnitude_bound(v) == float("inf")


def infinite_operand(op: Operation) -> bool:
    """A float operand may be +-inf (which a sum, a product, SIN or COS can turn into NaN)."""
    return any(_can_be_infinite(x) for x in _float_operands(op))


def negative_operand(op: Operation) -> bool:
    """The float input of a root, logarithm or power may be negative (-0 and -inf count:
    `may_be_negative`)."""
    x = op.operands[0]
    return storage(x) == "f32" and may_be_negative(x)


def zero_divisor(op: Operation) -> bool:
    """A DIV of 0 / 0 or inf / inf: both operands may be 0, or both may be infinite."""
    a, b = op.operands[:2]
    return (not _nonzero(a) and not _nonzero(b)) or (_can_be_infinite(a)
                                                      and _can_be_infinite(b))


def scaled_infinity(op: Operation) -> bool:
    """A PRELU of -inf by a slope that may be 0 (0 x -inf), or by an infinite slope."""
    x, alpha = op.operands[:2]
    return (_can_be_infinite(x) and not _nonzero(alpha)) or _can_be_infinite(alpha)


def _nonzero(v: SSAValue) -> bool:
    """No element of the float value `v` is 0: a constant without zeros, or `_positive`."""
    from compiler.dialects.circle_base import ConstOp
    from compiler.ir.verify_tensors import dense_as_numpy

    if isinstance(v.owner, ConstOp) and storage(v) == "f32":
        return bool((dense_as_numpy(v.owner.value) != 0).all())
    return _positive(v)


def _const_bounds(v: SSAValue) -> tuple[float, float] | None:
    """(min, max) of a float constant or of a clamp's bounds, else None."""
    from compiler.dialects.circle_base import ConstOp
    from compiler.ir.verify_tensors import dense_as_numpy

    op = v.owner
    if isinstance(op, ConstOp) and storage(v) == "f32":
        arr = dense_as_numpy(op.value).astype(np.float64)
        return (float(arr.min(initial=np.inf)), float(arr.max(initial=-np.inf)))
    if isinstance(op, Operation) and _clamped(v):
        consts = sorted(float(dense_as_numpy(c.value).min()) for c in _clamp_constants(v))
        return consts[0], consts[-1]
    return None


def _negative_zero(v: SSAValue) -> bool:
    """A float constant, or a clamp's constant bound, holds -0.0 (which RSQRT makes
    -inf, and the clamp may hand on)."""
    from compiler.dialects.circle_base import ConstOp
    from compiler.ir.verify_tensors import dense_as_numpy

    op = v.owner
    consts = [op] if isinstance(op, ConstOp) else _clamp_constants(v)
    return any(bool(np.signbit(dense_as_numpy(c.value).astype(np.float64)).any())
               for c in consts)


def _positive(v: SSAValue) -> bool:
    """Every element of the float value `v` is > 0: a positive constant or clamp, a
    MAXIMUM with one, an ADD of one and a value never negative, a root of one (a
    finite one for RSQRT)."""
    from compiler.dialects import circle

    bounds = _const_bounds(v)
    if bounds is not None:
        return bounds[0] > 0
    op = v.owner
    if isinstance(op, circle.MaximumOp):
        return any(_positive(x) for x in op.operands)
    if isinstance(op, circle.AddOp):
        a, b = op.operands
        return (_positive(a) and not may_be_negative(b)) or (_positive(b) and not
                                                             may_be_negative(a))
    if isinstance(op, circle.SqrtOp):
        return _positive(op.operands[0])
    if isinstance(op, circle.RsqrtOp):  # RSQRT(+inf) = 0
        return _positive(op.operands[0]) and not _can_be_infinite(op.operands[0])
    return False


def may_be_negative(v: SSAValue) -> bool:
    """Whether an element of `v` can be < 0 (or -0, -inf): a DEQUANTIZE whose type represents
    negative values, a constant or clamp with one, a model input, an op that `MayNegate`s
    or declares no sign; an op that is `NonNegative` is not, and one that hands an
    infinity on (a sum, product, mean, pool, data movement) is not when none of its
    float and quantized operands is."""
    from compiler.dialects import circle

    seen: dict[SSAValue, bool] = {}

    def visit(value: SSAValue) -> bool:
        if value in seen:
            return seen[value]
        seen[value] = True  # (acyclic; guards the recursion)
        op = value.owner
        st = storage(value)
        bounds = _const_bounds(value) if st == "f32" else None
        if st == "bool" or isinstance(op, Operation) and op.name == "circle.no_value":
            result = False
        elif bounds is not None:  # (-0.0 < 0 is False: its sign bit is asked)
            result = bounds[0] < 0 or _negative_zero(value)
        elif st not in QUANTIZED and st != "f32":
            result = st is not None  # integer shapes / indices are not data
        elif st in QUANTIZED or isinstance(op, circle.DequantizeOp):
            t = (op.operands[0] if isinstance(op, circle.DequantizeOp) else value).type
            et = t.element_type
            zps = ([et.zero_point.data] if isinstance(et, UniformQuantizedType)
                   else list(getattr(et, "zero_points", [0])))
            result = any(int(np.iinfo(et.numpy_storage_dtype).min) < zp for zp in zps)
        elif not isinstance(op, Operation):
            result = True  # a model input
        elif op.has_trait(NonNegative):
            result = False
        elif op.has_trait(MayNegate) or not (op.has_trait(PassesInfinity)
                                             or op.has_trait(FollowsSign)):
            result = True
        elif isinstance(op, circle.MaximumOp):  # one operand never negative suffices
            result = all(visit(x) for x in op.operands)
        else:
            result = any(visit(x) for x in op.operands
                         if storage(x) in QUANTIZED | {"f32", "bool"})
        seen[value] = result
        return result

    return visit(v)


def _nan_guarded(v: SSAValue) -> bool:
    """`v` is SELECT_V2(EQUAL(x, x), x, c) with a constant c that is not NaN (what
    `float_guards.saturate_infinity` inserts): not NaN."""
    from compiler.dialects import circle
    from compiler.dialects.circle_base import ConstOp
    from compiler.ir.verify_tensors import dense_as_numpy

    op = v.owner
    if not isinstance(op, circle.SelectV2Op):
        return False
    cond, x, c = op.operands
    eq = cond.owner
    return (isinstance(eq, circle.EqualOp) and eq.operands[0] is x and eq.operands[1] is x
            and isinstance(c.owner, ConstOp)
            and not np.isnan(dense_as_numpy(c.owner.value).astype(np.float64)).any())


#: value -> `may_be_nan`, shared by the calls inside `infinity_memo()`
_NAN_MEMO: contextvars.ContextVar[dict[SSAValue, bool] | None] = contextvars.ContextVar(
    "nan_memo", default=None)


def may_be_nan(v: SSAValue) -> bool:
    """Whether the float32 value `v` can hold NaN for finite model inputs (not NaN
    themselves): an op that `YieldsNaN` (when its condition holds) computes it, directly
    or through any float ops (they all hand a NaN on; LiteRT's reference MAXIMUM /
    MINIMUM drop one in their first operand, which `target-legalize` swaps away). A
    DEQUANTIZE, a constant without NaN, a model input or a NaN guard ends the search."""
    from compiler.dialects.circle_base import ConstOp
    from compiler.ir.verify_tensors import dense_as_numpy

    memo = _NAN_MEMO.get()
    if memo is None:
        with infinity_memo():
            return may_be_nan(v)
    stack: list[tuple[SSAValue, bool]] = [(v, False)]
    while stack:
        value, operands_done = stack.pop()
        op = value.owner
        if operands_done:
            memo[value] = any(memo[x] for x in _float_operands(op))
            continue
        if value in memo:
            continue
        if storage(value) != "f32" or not isinstance(op, Operation) or _nan_guarded(value):
            memo[value] = False
        elif isinstance(op, ConstOp):
            memo[value] = bool(np.isnan(dense_as_numpy(op.value).astype(np.float64)).any())
        elif any(t.when is None or t.when(op) for t in op.get_traits_of_type(YieldsNaN)):
            memo[value] = True
        else:
            stack.append((value, True))
            stack.extend((x, False) for x in _float_operands(op) if x not in memo)
    return memo[v]


def quantizes_nan(op: Operation) -> bool:
    """A float -> integer QUANTIZE of a value that may be NaN (`may_be_nan`). PT2E (its
    decomposed quantize_per_tensor) and the interpreter store 0; LiteRT's reference
    kernels store 0 (uint8), 127 (int8), -32768 (int16), XNNPACK 255 / 127, onert 0:
    measured (docs/runtimes.md)."""
    return may_be_nan(op.operands[0])


def nan_first_operand(op: Operation) -> bool:
    """A float MAXIMUM / MINIMUM whose first operand may be NaN: LiteRT's reference and
    optimized kernels and onert compute `a > b ? a : b` (`<` for MINIMUM), which gives
    the second operand for a NaN first one, where the op (torch.maximum, the
    interpreter, XNNPACK) gives NaN; a NaN second operand they hand on (measured)."""
    return storage(op.operands[0]) == "f32" and may_be_nan(op.operands[0])


#: |round(x / scale)| at or beyond which the runtimes' QUANTIZE casts to int32 wrongly
#: (2^31, less room for a zero point: 2^31 - 2^16)
_INT32_REACH = float(2**31 - 2**16)


def quantizes_infinity(op: Operation) -> bool:
    """A float -> integer QUANTIZE of a value that may be +-inf (`may_be_infinite`) or
    finite but beyond 2^31 steps of its scale (`magnitude_bound`): onert's and LiteRT's
    reference and optimized QUANTIZE compute `static_cast<int32_t>(round(x / scale)) +
    zero_point`, undefined from |x / scale| >= 2^31 (INT_MIN on x86, so +inf and every
    x above 2^31 scale become qmin; measured), where the op's semantics (PT2E, the
    interpreter, XNNPACK) saturate to qmax."""
    x = op.operands[0]
    if may_be_infinite(x):
        return True
    qo = getattr(op.results[0].type, "element_type", None)
    if storage(x) != "f32" or not isinstance(qo, UniformQuantizedType | UniformQuantizedPerAxisType):
        return False
    scales = [qo.scale.data] if isinstance(qo, UniformQuantizedType) else list(qo.scales)
    return magnitude_bound(x) >= _INT32_REACH * float(np.float32(min(scales)))


def _raised_to_flt_min(x: SSAValue) -> bool:
    """`x` is MAXIMUM(y, c) with a constant c >= FLT_MIN everywhere."""
    from compiler.dialects import circle
    from compiler.dialects.circle_base import ConstOp
    from compiler.ir.verify_tensors import dense_as_numpy

    guard = x.owner
    if not isinstance(guard, circle.MaximumOp):
        return False
    bound = guard.operands[1].owner
    return isinstance(bound, ConstOp) and float(np.min(dense_as_numpy(bound.value))) >= float(
        np.finfo(np.float32).tiny)


def float_cone(v: SSAValue) -> tuple[list[Operation], list[Operation], list[Operation]]:
    """Where the float32 value `v` goes: (the float ops it reaches, the float -> integer
    QUANTIZEs that end those paths, the other ops that end them: a float model output,
    an op whose results are not float32). Ops in block order."""
    from compiler.dialects import circle

    inner: set[Operation] = set()
    quantizes: set[Operation] = set()
    escapes: set[Operation] = set()
    stack = [v]
    while stack:
        value = stack.pop()
        for use in value.uses:
            user = use.operation
            if user in inner or user in quantizes or user in escapes:
                continue
            if isinstance(user, circle.QuantizeOp):
                quantizes.add(user)
            elif user.results and all(storage(r) == "f32" for r in user.results):
                inner.add(user)
                stack.extend(user.results)
            else:
                escapes.add(user)

    def ordered(ops: set[Operation]) -> list[Operation]:
        return sorted(ops, key=lambda o: o.parent.get_operation_index(o)  # type: ignore
                      if o.parent is not None else 0)

    return ordered(inner), ordered(quantizes), ordered(escapes)


def quantized_rsqrt_of_zero(op: Operation) -> bool:
    """A float RSQRT whose input may be 0 (not raised to FLT_MIN by a MAXIMUM) and whose
    result reaches a float -> integer QUANTIZE, directly or through other float ops (a
    float region: RSQRT -> SQRT -> QUANTIZE). XNNPACK's RSQRT (an approximation) gives
    NaN for 0 and for subnormal inputs where the op gives +inf / ~1e22, and the float
    ops after it and the QUANTIZE then compute something else than the IR (measured:
    255 steps); `float_guards.rsqrt_of_zero` raises the input to FLT_MIN where that
    provably keeps every such QUANTIZE's result, else it is a compile-time error."""
    x = op.operands[0]
    if storage(x) != "f32" or _raised_to_flt_min(x):
        return False
    # (the QUANTIZEs are found before `quantizes_infinity`'s clamp is inserted: both ops
    # are flagged in the same target-legalize sweep, and the RSQRT comes first; after it
    # the clamp is a float op on the way, evaluated like any other)
    return bool(float_cone(op.results[0])[1])
