"""What the real runtimes do with a circle op, declared on the op class as traits.

A circle op says, per runtime (`LITERT`: ai-edge-litert 2.3, `ONERT`: onert 0.1.0), in
which storage types of its data operand the runtime refuses it (`Refuses`, with the
runtime's own message) and in which it runs it but computes something else than the
op's semantics (`Miscomputes`, with why). Everything else is run as the IR says. Every
fact is a measurement (test/python/test_runtimes.py, test_runtime_traits.py and
test_target_legalize.py pin them against the runtimes).

Storage types are spelled as quantized storages (`u8`, `i8`, `i16`), `f32` for float
tensors and `bool`. A trait may hold only under a condition on the op (`when`: e.g. a
grouped convolution, a per-channel weight, a missing bias).

Runtime-wide facts (onert runs no int16 tensor at all) are `RUNTIME_REFUSES`.

What a float value inside a quantized program can be (infinite, NaN, negative, how large),
which several `Miscomputes` conditions ask, is `compiler.ir.float_ranges`.

Where a runtime's kernel runs the op right but rounds its own way, the op declares how
far its output may be from the IR (`Tolerance`: steps of the output scale, or float32
ulps, per runtime and LiteRT op resolver, with why); `compiler.bisect` and
`qcompile --verify` tolerate that much and no more (docs/runtimes.md has the evidence).

Readers: the writers' checks (`compiler.codegen.tflite`, `compiler.codegen.onert`), the
quantizer's float-only decision (`compiler.frontend.float_ops`, through the circle ops a
legalization declares it produces), `fuse-qdq` (`no_integer_kernel`), the target
legalization (`compiler.transforms.target_legalize`), the runtime bisection
(`compiler.bisect`: `tolerated_steps`) and the op-case tests.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from xdsl.dialects.builtin import Float32Type, IntegerType, NoneType, TensorType
from xdsl.ir import Operation, SSAValue
from xdsl.traits import OpTrait

from compiler.ir.quant_traits import BiasOperand, WeightOperand
from compiler.ir.schemes import SCHEMES
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType

LITERT = "litert"
ONERT = "onert"
RUNTIMES = (LITERT, ONERT)
NAMES = {LITERT: "LiteRT", ONERT: "onert"}

QUANTIZED = frozenset({"u8", "i8", "i16"})
EVERY = QUANTIZED | {"f32", "bool"}
LONG = {"u8": "uint8", "i8": "int8", "i16": "int16", "f32": "float32", "bool": "boolean"}
#: scheme name -> activation storage
SCHEME_STORAGE = {name: s.activation for name, s in SCHEMES.items()}

#: runtime -> {storage: reason}: storages the runtime runs in no op at all (measured:
#: onert's "OperationValidator failed" at load for every int16 op, symmetric or not)
RUNTIME_REFUSES: dict[str, dict[str, str]] = {
    ONERT: {"i16": "onert does not run int16 quantized tensors"},
    LITERT: {},
}


@dataclass(frozen=True)
class Refuses(OpTrait):
    """`runtime` refuses the op (at load, prepare or invoke) when its data operand is
    stored in one of `storages` (and `when(op)` holds, if given). `message` is the
    runtime's own text; `reason` (formatted with `builtin`) overrides the sentence built
    from it."""

    runtime: str
    storages: frozenset[str]
    message: str
    when: Callable[[Operation], bool] | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Miscomputes(OpTrait):
    """`runtime` runs the op but its result differs from the op's semantics (and from
    the interpreter, which is bit-exact with LiteRT's reference kernels), when its data
    operand is stored in one of `storages` and `when(op)` holds (if given)."""

    runtime: str
    storages: frozenset[str]
    reason: str
    when: Callable[[Operation], bool] | None = None


#: LiteRT's op resolvers (`compiler.runtimes.RESOLVERS`) as tolerances name them: the
#: reference kernels, the optimized kernels alone, and XNNPACK (`AUTO`, and `BUILTIN`,
#: which runs the same kernels). onert has one set of kernels: resolver None.
LITERT_REF = frozenset({"BUILTIN_REF"})
LITERT_OPTIMIZED = frozenset({"BUILTIN_WITHOUT_DEFAULT_DELEGATES"})
LITERT_XNNPACK = frozenset({"AUTO", "BUILTIN"})


@dataclass(frozen=True)
class Tolerance(OpTrait):
    """`runtime` (run with one of `resolvers`) computes the op up to `steps` away from
    its semantics when its *output* is stored in one of `storages`: steps of the output
    scale for quantized outputs, float32 ulps of the tensor's largest magnitude for
    `f32`, judged on the op's own inputs (`compiler.bisect`). `reason` says why (the
    kernel's own rounding); every value is measured (docs/runtimes.md). An op without a
    matching `Tolerance` must be bit-exact. Where the kernel's departure grows with the
    op's size (a float sum's depth), `grows(op)` gives the tolerance for that op and
    `steps` is the least it is (what a small op gets)."""

    runtime: str
    storages: frozenset[str]
    steps: int
    reason: str
    resolvers: frozenset[str | None] = frozenset({None})
    grows: Callable[[Operation], int] | None = None

    def steps_for(self, op: Operation) -> int:
        return self.steps if self.grows is None else max(self.steps, self.grows(op))


def tolerance(runtime: str, storages, steps: int, reason: str,
              resolvers: frozenset[str] | None = None,
              grows: Callable[[Operation], int] | None = None) -> Tolerance:
    """A `Tolerance`; `resolvers` (LiteRT only) defaults to none: onert's kernels."""
    return Tolerance(runtime, frozenset({storages} if isinstance(storages, str) else storages),
                     steps, reason, frozenset({None}) if resolvers is None else resolvers, grows)


@dataclass(frozen=True)
class DataOperand(OpTrait):
    """The operand whose storage selects the runtime's kernel, when it is not operand 0
    (SELECT_V2: operand 0 is the condition)."""

    index: int


def refuses(runtime: str, storages, message: str, **kw) -> Refuses:
    return Refuses(runtime, frozenset({storages} if isinstance(storages, str) else storages),
                   message, **kw)


def miscomputes(runtime: str, storages, reason: str, **kw) -> Miscomputes:
    return Miscomputes(runtime, frozenset({storages} if isinstance(storages, str)
                                          else storages), reason, **kw)


def float32_only(builtin: str) -> tuple[Refuses, ...]:
    """A builtin both runtimes run in float32 only (SIN, COS, ROUND, CONV_3D)."""
    reason = f"the runtimes' {builtin} kernels take float32 only"
    return (refuses(LITERT, QUANTIZED, f"the {builtin} kernel takes float32 only", reason=reason),
            refuses(ONERT, QUANTIZED, f"no quantized {builtin} kernel", reason=reason))


def optimized_rounding(storages) -> Tolerance:
    """LiteRT's optimized kernels requantize the op's output with their own fixed-point
    rounding: 1 step (measured on the examples and the op cases, docs/runtimes.md)."""
    return tolerance(LITERT, storages, 1, "the optimized kernel requantizes with its own "
                     "fixed-point rounding", LITERT_OPTIMIZED)


def ruy_rounding(storages) -> Tolerance:
    """LiteRT's optimized 8-bit CONV_2D (im2col) and FULLY_CONNECTED multiply through
    `cpu_backend_gemm`: ruy on x86 with AVX (or the NEON-through-SSE GEMV for one row),
    which rounds `acc * M` twice with ties toward +infinity (`(acc M + 2^30) >> 31`, then
    a rounding shift adding `2^(e-1)`), where the reference convolution rounds twice with
    ties away from zero and the reference FULLY_CONNECTED once: 1 step (measured and
    predicted bit for bit, docs/runtimes.md)."""
    return tolerance(LITERT, storages, 1, "ruy rounds acc*M twice, ties toward +infinity "
                     "(the reference: twice away from zero for CONV_2D, once for "
                     "FULLY_CONNECTED)", LITERT_OPTIMIZED)


def xnnpack_rounding(storages) -> Tolerance:
    """XNNPACK requantizes the op's output in float (fp32 multiplier, round to nearest):
    1 step (measured, docs/runtimes.md)."""
    return tolerance(LITERT, storages, 1, "XNNPACK requantizes in float (fp32 multiplier, "
                     "round to nearest)", LITERT_XNNPACK)




# -- conditions -------------------------------------------------------------------------

def missing_bias(op: Operation) -> bool:
    bias = op.get_trait(BiasOperand)
    return bias is not None and isinstance(op.operands[bias.index].type, NoneType)


def per_channel_weights(op: Operation) -> bool:
    w = op.get_trait(WeightOperand)
    if w is None:
        return False
    et = getattr(op.operands[w.index].type, "element_type", None)
    return isinstance(et, UniformQuantizedPerAxisType) and len(et.scales) > 1


def runtime_weights(op: Operation) -> bool:
    """The weight operand is not a constant (a model input, relaid out at most)."""
    from compiler.dialects.circle_base import ConstOp

    w = op.get_trait(WeightOperand)
    return w is not None and not isinstance(op.operands[w.index].owner, ConstOp)


def grouped(op: Operation) -> bool:
    """A convolution whose filter has fewer input channels than its input (groups > 1)."""
    shape_in = op.operands[0].type.get_shape()
    shape_w = op.operands[1].type.get_shape()
    return shape_w[-1] != shape_in[-1]


def keeps_batch_dims(op: Operation) -> bool:
    """A FULLY_CONNECTED whose output keeps more than one leading dimension (rank > 2)."""
    return len(op.results[0].type.get_shape()) > 2


def drops_dims_of_rank4(op: Operation) -> bool:
    """A reduction of a rank >= 4 input without keep_dims."""
    return len(op.operands[0].type.get_shape()) >= 4 and not op.option("keep_dims")



def matmul_depth(op: Operation) -> int:
    """The contraction size K of a BATCH_MATMUL (its lhs's last dimension, or the one
    before it when adjoint)."""
    shape = op.operands[0].type.get_shape()
    return int(shape[-2] if op.option("adjoint_lhs") else shape[-1])


def onert_float_matmul_ulps(op: Operation) -> int:
    """onert's float32 BATCH_MATMUL departure from the sequential sum, in ulps of the
    output's largest magnitude, for depth K: 24 sqrt(K / 1024). onert runs it as Eigen's
    blocked GEMM (cker `optimized::Gemm` -> `GemmImplUsingEigen`), which sums each
    depth block on its own and adds the block sums to the output: exact for [32, K] x
    [K, 32] up to K = 768 on this machine (the block depth follows the cache sizes), then
    the drift of a sum of block sums. Measured max over 3 seeds (N(0, 1)): 13 / 21.5
    (K = 1024), 17.5 (2048), 31 (4096), 29 (8192), 56 (16384); below the formula by
    1.1-1.7x (docs/runtimes.md, test_float_matmul_tolerances.py)."""
    return int(np.ceil(24.0 * np.sqrt(matmul_depth(op) / 1024.0)))


def divides_by_zero_point(op: Operation) -> bool:
    """A quantized DIV whose divisor is a constant with an element at its zero point (a
    real 0): LiteRT checks `data[i] != zero_point` at invoke time."""
    from compiler.dialects.circle_base import ConstOp
    from compiler.ir.verify_tensors import dense_as_numpy

    d = op.operands[1]
    et = getattr(d.type, "element_type", None)
    if not isinstance(d.owner, ConstOp) or not isinstance(et, UniformQuantizedType):
        return False
    return bool((dense_as_numpy(d.owner.value) == et.zero_point.data).any())


def rank_above_4(op: Operation) -> bool:
    return len(op.operands[0].type.get_shape()) > 4


def to_int8(op: Operation) -> bool:
    return storage(op.results[0]) == "i8"


def add_rescale_aborts(op: Operation) -> bool:
    """A quantized ADD/SUB whose rescaling multipliers LiteRT cannot build: its Prepare
    (add.cc, sub.cc) computes `2 * max(s1, s2)` and `(1 << left_shift) * s_out` in
    float32 (left shift 20 for 8-bit, 15 for int16) and `TFLITE_CHECK`s that the three
    multipliers `s1 / 2max`, `s2 / 2max`, `2max / (2^shift s_out)` are in (0, 1) with a
    shift <= 0 once quantized: else the process aborts. A scale >= 2^108 (8-bit; 2^113
    int16) overflows the product to inf (multiplier 0): e.g. the -3.4e38 causal mask of a
    Hugging Face decoder quantized per tensor."""
    from compiler.interpreter.fixedpoint import quantize_multiplier

    ts = [getattr(v.type, "element_type", None) for v in (*op.operands[:2], op.results[0])]
    if not all(isinstance(t, UniformQuantizedType) for t in ts):
        return False
    s1, s2, so = (np.float32(t.scale.data) for t in ts)  # type: ignore[union-attr]
    shift = 15 if ts[0].storage_spelling == "i16" else 20  # type: ignore[union-attr]
    with np.errstate(over="ignore"):
        twice_max = np.float32(2) * max(s1, s2)
        denominator = np.float32(1 << shift) * so
    for m in (float(s1) / float(twice_max), float(s2) / float(twice_max),
              float(twice_max) / float(denominator)):
        if not 0.0 < m < 1.0 or quantize_multiplier(m)[1] > 0:
            return True
    return False


def mean_as_conv_axes(op: Operation) -> str | None:
    """How a uint8 MEAN (per-tensor, constant axes) reduces, when a convolution can
    compute it: "last" (the trailing axes: the last one, or the last k, e.g. H and W of
    an NCHW tensor) or "block" (other contiguous axes: H and W of an NHWC tensor, the
    sequence of [B, T, C]); else None."""
    from compiler.transforms.utils import constant_of

    x = op.operands[0]
    et = getattr(x.type, "element_type", None)
    axes = constant_of(op.operands[1])
    if not isinstance(et, UniformQuantizedType) or et.storage_spelling != "u8" or axes is None:
        return None
    if not isinstance(getattr(op.results[0].type, "element_type", None), UniformQuantizedType):
        return None
    rank = len(x.type.get_shape())
    picked = {int(a) % rank for a in np.asarray(axes).reshape(-1)}
    if not picked:
        return None
    if picked == set(range(rank - len(picked), rank)):
        return "last"
    if picked and picked == set(range(min(picked), max(picked) + 1)):
        return "block"
    return None


def mean_rewritable(op: Operation) -> bool:
    return mean_as_conv_axes(op) is not None


def bilinear_phase_weights(in_size: int, out_size: int, half: bool):
    """The weights of bilinear upsampling by an integer factor f = out / in (not
    align_corners) as one 3-tap window per output phase: output `f i + r` is
    `sum_a w[r][a] x[i - 1 + a]`, the input edge-replicated (TFLite clamps the source
    indices, which is the same). Integers over the common denominator `den` (2f with
    half-pixel centers, else f), or None when the factor is not an integer."""
    from fractions import Fraction

    if out_size % in_size:
        return None
    f = out_size // in_size
    den = 2 * f if half else f
    weights = []
    for r in range(f):
        pos = Fraction(2 * r + 1, 2 * f) - Fraction(1, 2) if half else Fraction(r, f)
        lo = pos.numerator // pos.denominator  # floor: -1 or 0 (relative to i)
        frac = pos - lo
        w = [Fraction(0)] * 3
        w[lo + 1] += 1 - frac
        w[lo + 2] += frac
        weights.append([int(x * den) for x in w])
    return weights, den


def resize_as_conv(op: Operation) -> bool:
    """A uint8 RESIZE_BILINEAR (per tensor, not align_corners) upsampling H and W by
    integer factors, from more than a single pixel, whose 3x3 phase weights fit uint8
    over their common denominator: `target-legalize` can compute it as a depthwise
    convolution (a 1x1 input is a broadcast, which onert computes exactly)."""
    x = op.operands[0]
    et = getattr(x.type, "element_type", None)
    if not isinstance(et, UniformQuantizedType) or et.storage_spelling != "u8":
        return False
    if op.option("align_corners"):
        return False
    _, h, w, _ = x.type.get_shape()
    _, oh, ow, _ = op.results[0].type.get_shape()
    if h == w == 1:
        return False
    half = bool(op.option("half_pixel_centers"))
    wy, wx = bilinear_phase_weights(h, oh, half), bilinear_phase_weights(w, ow, half)
    if wy is None or wx is None:
        return False
    return max(max(r) for r in wy[0]) * max(max(r) for r in wx[0]) <= 255


def softmax16_shift_overflows(op: Operation) -> bool:
    """An int16 SOFTMAX whose input rescaling overflows int32 in LiteRT. `SoftmaxInt16`
    maps a difference `x - max(x)` in [-65535, 0] steps onto its exp table's [-10, 0]
    by `MultiplyByQuantizedMultiplier(diff, m, shift)` of `s_in * beta / (10 / 65535)`,
    which first computes `diff * (1 << shift)` in int32: with a shift above 15 a large
    difference wraps, and the row's masked logits come out as anything (a -3.4e38
    causal mask quantized per tensor makes s_in ~1e34: every probability 1/n). Below
    that (s_in * beta < 5, a range of +-163840) it cannot happen."""
    from compiler.interpreter.fixedpoint import quantize_multiplier

    t = getattr(op.operands[0].type, "element_type", None)
    if not isinstance(t, UniformQuantizedType) or t.storage_spelling != "i16":
        return False
    beta = float(np.float32(op.beta.value.data))  # type: ignore[attr-defined]
    real = float(np.float32(t.scale.data)) * beta / (10.0 / 65535.0)
    return quantize_multiplier(real)[1] > 15


def half_pixel_centers(op: Operation) -> bool:
    return bool(op.option("half_pixel_centers"))  # type: ignore[attr-defined]


# -- queries ----------------------------------------------------------------------------

def storage(v: SSAValue) -> str | None:
    """`u8`/`i8`/`i16`/`i32`/`i64` for quantized tensors, `f32`, `bool`, or None."""
    t = v.type
    if not isinstance(t, TensorType):
        return None
    et = t.element_type
    if isinstance(et, UniformQuantizedType | UniformQuantizedPerAxisType):
        return et.storage_spelling
    if isinstance(et, Float32Type):
        return "f32"
    if isinstance(et, IntegerType) and et.width.data == 1:
        return "bool"
    return None


def data_operand(op: Operation) -> SSAValue | None:
    """The operand whose type picks the runtime's kernel: the bias trait's input of
    weighted ops (TRANSPOSE_CONV's is operand 2), `DataOperand`, else operand 0."""
    if not op.operands:
        return None
    bias = op.get_trait(BiasOperand)
    if bias is not None:
        return op.operands[bias.input_index]
    d = op.get_trait(DataOperand)
    return op.operands[d.index if d is not None else 0]


def _describe_refusal(t: Refuses, builtin: str, st: str) -> str:
    if t.reason is not None:
        return t.reason.format(builtin=builtin)
    if t.runtime == ONERT:
        if t.storages >= EVERY:
            return f"onert does not support {builtin} (onert: \"{t.message}\")"
        if st == "bool":
            return f"onert has no boolean kernel for {builtin} (onert: \"{t.message}\")"
        return f"onert has no {st} kernel for {builtin} (onert: \"{t.message}\")"
    return f"{LONG[st]} {builtin} is not supported by TFLite kernels (LiteRT: {t.message})"


def refusal(op: Operation, runtime: str) -> str | None:
    """Why `runtime` refuses `op`, or None."""
    builtin = getattr(op, "BUILTIN", None)
    for v in (*op.operands, *op.results):
        st = storage(v)
        if st in RUNTIME_REFUSES[runtime]:
            return RUNTIME_REFUSES[runtime][st]
    d = data_operand(op)
    st = storage(d) if d is not None else None
    # xDSL keeps an op's traits in a set: sort them so the reason named is the same in
    # every process
    for t in sorted(op.get_traits_of_type(Refuses), key=lambda t: t.reason or ""):
        if t.runtime != runtime or (t.when is not None and not t.when(op)):
            continue
        if t.when is not None and t.storages >= EVERY:
            return _describe_refusal(t, builtin, st or "f32")
        if st in t.storages:
            return _describe_refusal(t, builtin, st)
    return None


def miscomputation(op: Operation, runtime: str) -> str | None:
    """Why `runtime`'s result of `op` differs from the op's semantics, or None: every
    reason that applies, in a fixed order (xDSL keeps an op's traits in a set)."""
    d = data_operand(op)
    st = storage(d) if d is not None else None
    reasons = sorted(t.reason for t in op.get_traits_of_type(Miscomputes)
                     if t.runtime == runtime and st in t.storages
                     and (t.when is None or t.when(op)))
    if not reasons:
        return None
    return f"{NAMES[runtime]}'s {op.BUILTIN} {'; and '.join(reasons)} (wrong results)"


def tolerated_steps(op: Operation, runtime: str, resolver: str | None,
                    output_storage: str | None) -> int:
    """How many steps `runtime` (with `resolver`; None for onert) may compute `op` away
    from its semantics when its output is stored in `output_storage` (0: bit-exact).
    XNNPACK takes no int16 op, so LiteRT's XNNPACK resolvers run an op with an int16
    operand or output on the optimized kernels: their tolerance applies."""
    if runtime == LITERT and resolver in LITERT_XNNPACK and (
            output_storage == "i16" or any(storage(v) == "i16" for v in op.operands)):
        resolver = next(iter(LITERT_OPTIMIZED))
    return max((t.steps_for(op) for t in op.get_traits_of_type(Tolerance)
                if t.runtime == runtime and resolver in t.resolvers
                and output_storage in t.storages), default=0)


def problem(op: Operation, runtime: str) -> str | None:
    """The first reason `runtime` refuses or miscomputes `op`, or None."""
    return refusal(op, runtime) or miscomputation(op, runtime)


def unconditional_refusal(cls: type[Operation], runtime: str, st: str) -> str | None:
    """Why `runtime` refuses every `cls` op whose data operand is stored in `st`."""
    if st in RUNTIME_REFUSES[runtime]:
        return RUNTIME_REFUSES[runtime][st]
    for t in cls.get_traits_of_type(Refuses):
        if t.runtime == runtime and t.when is None and st in t.storages:
            return _describe_refusal(t, cls.BUILTIN, st)  # type: ignore[attr-defined]
    return None


@functools.cache  # a function of the class's traits and the tables above
def no_integer_kernel(cls: type[Operation], st: str | None) -> str | None:
    """Why no runtime runs `cls` on data stored in `st` (every runtime refuses it
    unconditionally), or None: ops that stay float in that storage (fuse-qdq) and whose
    ATen sources the quantizer keeps float (allow-float) or refuses."""
    if st not in QUANTIZED:
        return None
    reasons = [unconditional_refusal(cls, r, st) for r in RUNTIMES]
    if any(r is None for r in reasons):
        return None
    return "; ".join(dict.fromkeys(reasons))  # type: ignore[arg-type]


@functools.cache
def float_only(cls: type[Operation]) -> bool:
    """No runtime runs `cls` in any quantized storage (SIN, COS, ROUND, CONV_3D)."""
    return all(no_integer_kernel(cls, st) for st in QUANTIZED)


__all__ = [
    "DataOperand", "EVERY", "LITERT", "LITERT_OPTIMIZED", "LITERT_REF", "LITERT_XNNPACK",
    "Miscomputes", "ONERT", "QUANTIZED", "RUNTIMES", "Refuses", "Tolerance",
    "float32_only", "float_only", "miscomputation", "miscomputes",
    "no_integer_kernel", "problem", "refusal", "refuses", "storage", "tolerance",
    "tolerated_steps",
]
