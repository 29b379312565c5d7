"""`adapt-storage{scheme=auto requantize=false target=none}`: re-encode a quantized
program's storage types into the target scheme's, exactly, so programs from any
quantizer compile.

Quantizers disagree on storage: XNNPACKQuantizer (ExecuTorch) and ArmInductorQuantizer
give int8 activations, X86InductorQuantizer and FX graph mode (qnnpack/fbgemm) give
uint8 activations, and int8 weights are per-tensor or per-channel, narrow [-127, 127]
or full [-128, 127]. A uint8 value with scale s and zero point z holds the same reals
as an int8 value with scale s and zero point z - 128 (stored integer - 128), and
symmetric int8 weights (zero point 0) are uint8 weights with zero point 128. Scales do
not move, so the int32 biases (scale s_in * s_w) stay as they are, and the integer
arithmetic of every kernel computes the same reals: the results of both encodings
differ by exactly the zero-point shift.

It runs first in `lower-to-circle`, on the quant-stage IR (`quant.qcast` / `quant.dcast`
/ `quant.constant` around aten ops), where every quantized value is still a cast or a
constant and the aten op says which operand is a `weight` or a `bias` (schema
argument names). Re-encoding there means the legalization and every later pass see a
program already in the target scheme; nothing downstream knows the program came from
another quantizer.

Exact re-encodings applied (the scheme is `uint8` or `int8`; `auto` and `int16` leave
the program alone, and the verifier reports what does not fit):
- activations and non-weight constants: i8 -> u8 (zero point + 128) for `uint8`,
  u8 -> i8 (zero point - 128) for `int8`; storage bounds move with them;
- weights for `uint8`: i8 -> u8 (zero point + 128; per-channel or per-tensor);
- weights for `int8`: u8 with zero point 128 -> i8 zero point 0; [-128, 127] bounds
  narrowed to [-127, 127] when no stored value is -128; per-tensor -> per-channel
  (the same scale on every output channel; the op's per-tensor int32 bias becomes
  per-channel with the same scale and integers).

Lossy adaptations, refused with the reason unless `requantize=true` (then applied, and
each tensor's SQNR against the program's values is recorded):
- per-channel FULLY_CONNECTED weights for `uint8` (onert, the runtime of `.circle`,
  applies channel 0's scale to every channel): requantized per tensor, asymmetric u8.
  Not with `target=onert`: they are kept exactly, since `target-legalize` for onert
  then rewrites every uint8 FULLY_CONNECTED into a 1x1 CONV_2D, which onert computes
  bit-exactly with per-channel weights, or refuses it with a located error (the FC's
  `miscomputes(ONERT, when=per_channel_weights)` trait); without a target (or for
  another runtime) nothing after this pass would stop the FC from reaching onert;
- int8 weights holding -128 for `int8` (its weights are narrow): -128 becomes -127;
- asymmetric weights for `int8`: requantized symmetric narrow per channel;
- 16-bit tensors in an 8-bit scheme: always refused (no range to requantize from
  without calibration).

Guarantees afterwards, for `uint8`/`int8`: every 8-bit activation has the scheme's
storage, every weight its weight storage (per-channel and narrow for `int8`), and the
program computes the same reals as before where every adaptation was exact.
`adapt_storage(module, scheme, requantize, target)` returns the adaptations (for reports).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from compiler.dialects import quant
from compiler.dialects.aten import AtenOp
from compiler.ir.diagnostics import CompileError, op_location
from compiler.ir.runtime_traits import ONERT
from compiler.ir.quant_types import (
    UniformQuantizedPerAxisType,
    is_quantized,
    make_quantized_type,
    storage_range,
)
from compiler.transforms.utils import constant_of, ops_of_class, quantized_const, walk_ops


@dataclass
class Adaptation:
    """One tensor whose storage type changed (or must change, lossily)."""

    tensor: str
    where: str | None
    before: str
    after: str
    exact: bool
    reason: str
    sqnr_db: float | None = None  # lossy adaptations: program's reals vs requantized

    def line(self) -> str:
        what = "exact" if self.exact else (
            f"requantized, SQNR {self.sqnr_db:.1f} dB" if self.sqnr_db is not None else "lossy")
        return f"{self.tensor}: {self.before} -> {self.after} ({what}: {self.reason})"


def sqnr_db(reference: np.ndarray, approx: np.ndarray) -> float:
    ref = np.asarray(reference, np.float64)
    noise = float(np.sum((ref - np.asarray(approx, np.float64)) ** 2))
    return float("inf") if noise == 0 else 10 * np.log10(float(np.sum(ref**2)) / noise)


def brief(et: Attribute) -> str:
    """`i8<-127:127> per-channel(16) zp 0`: a quantized type without its scales."""
    bounds = "" if (et.qmin, et.qmax) == storage_range(et.width, et.is_signed) else \
        f"<{et.qmin}:{et.qmax}>"
    zps = sorted({int(z) for z in et.zero_points})
    zp = f"zp {zps[0]}" if len(zps) == 1 else f"zp {zps[0]}..{zps[-1]}"
    if isinstance(et, UniformQuantizedPerAxisType):
        return f"{et.storage_spelling}{bounds} per-channel({len(et.scales)}) {zp}"
    return f"{et.storage_spelling}{bounds} {zp} scale {et.scale.data:.6g}"


def _name(v: SSAValue) -> str:
    owner = v.owner
    loc = op_location(owner) if isinstance(owner, Operation) else None
    return v.name_hint or (loc or "?")


def _roles(module: ModuleOp) -> tuple[dict[SSAValue, tuple[AtenOp, int]], dict[SSAValue, AtenOp]]:
    """Quantized values read as the `weight` (with the consumer and its output-channel
    axis) or the `bias` operand of a weighted aten op (conv/linear family: both
    arguments, a weight of rank >= 2), through their `quant.dcast`. Other quantized
    constants (embedding tables, PReLU slopes) are re-encoded like activations."""
    weights: dict[SSAValue, tuple[AtenOp, int]] = {}
    biases: dict[SSAValue, AtenOp] = {}
    for op in ops_of_class(module, AtenOp):
        args = {a.name for a in op.SCHEMA.tensor_args}
        if not {"weight", "bias"} <= args:
            continue  # embedding tables, PReLU slopes: not a weighted op's weight
        for arg, v in zip(op.SCHEMA.tensor_args, op.operands):
            if arg.name not in ("weight", "bias") or not isinstance(v.owner, quant.DequantizeCastOp):
                continue
            q = v.owner.input
            if arg.name == "weight" and len(v.type.get_shape()) < 2:
                continue  # a norm's per-channel scale, not a conv/linear weight
            if arg.name == "weight":
                # OIHW / [out, in]: output channels on axis 0; transposed convs: IOHW
                axis = 1 if op.SCHEMA.name.startswith("conv_transpose") else 0
                weights[q] = (op, axis)
            else:
                biases[q] = op
    return weights, biases


def _is_fully_connected(op: AtenOp) -> bool:
    return op.SCHEMA.name == "linear"


def _shift(et: Attribute, storage: str, delta: int) -> Attribute:
    """The same reals on another 8-bit storage: stored integers and zero points + delta."""
    axis = et.axis.data if isinstance(et, UniformQuantizedPerAxisType) else None
    zps = np.asarray(et.zero_points) + delta
    return make_quantized_type(storage, et.scales if axis is not None else float(et.scales[0]),
                               zps if axis is not None else int(zps[0]), axis=axis,
                               qmin=et.qmin + delta, qmax=et.qmax + delta)


class _Adapter:
    def __init__(self, module: ModuleOp, scheme: str, requantize: bool, target: str | None):
        self.module = module
        # target-legalize for onert owns per-channel uint8 FCs (a 1x1 CONV_2D, or an error)
        self.fc_per_channel_ok = target == ONERT
        self.act = {"uint8": "u8", "int8": "i8"}[scheme]
        self.scheme = scheme
        self.requantize = requantize
        self.done: list[Adaptation] = []
        self.refused: list[Adaptation] = []
        self.weights, self.biases = _roles(module)

    # -- entry ------------------------------------------------------------------------
    def run(self) -> None:
        for op in walk_ops(self.module):
            for r in op.results:
                if not isinstance(r.type, TensorType) or not is_quantized(r.type):
                    continue
                et = r.type.element_type
                if et.width == 16 and et.storage_spelling == "i16":
                    self.refused.append(Adaptation(
                        _name(r), op_location(op), brief(et), f"{self.act} (8-bit)", False,
                        f"a 16-bit tensor does not fit the {self.scheme} scheme without a new "
                        "range: quantize the model for the 8-bit scheme (or compile with "
                        "--scheme int16)"))
                    continue
                if et.width != 8:
                    continue  # biases (i32/i64): their scale does not change
                if r in self.weights:
                    self._weight(op, r, et)
                else:
                    self._activation(op, r, et)
        if self.refused and not self.requantize:
            lines = [f"{a.where or '<unknown>'}: {a.tensor}: {a.before} -> {a.after}: "
                     f"{a.reason}" for a in self.refused]
            raise CompileError(
                f"{len(lines)} tensor(s) of the program cannot be held exactly by the "
                f"{self.scheme} scheme (--requantize requantizes them and reports each "
                "one's SQNR):\n  " + "\n  ".join(lines))

    # -- activations ------------------------------------------------------------------
    def _activation(self, op: Operation, r: SSAValue, et: Attribute) -> None:
        if et.storage_spelling == self.act:
            return
        delta = 128 if self.act == "u8" else -128
        self._retype(op, r, et, _shift(et, self.act, delta), delta, "zero point moved by "
                     f"{delta:+d}")

    # -- weights ----------------------------------------------------------------------
    def _weight(self, op: Operation, r: SSAValue, et: Attribute) -> None:
        consumer, axis = self.weights[r]
        stored = constant_of(r)
        if self.act == "u8":
            new, delta, why = et, 0, []
            if et.storage_spelling == "i8":
                new, delta = _shift(et, "u8", 128), 128
                why.append("zero point moved by +128")
            varying = (isinstance(new, UniformQuantizedPerAxisType)
                       and len(set(zip(new.scales, new.zero_points))) > 1)
            if _is_fully_connected(consumer) and varying and not self.fc_per_channel_ok:
                self._lossy(op, r, et, "per-channel FULLY_CONNECTED weights: onert applies "
                            "channel 0's scale to every output channel", self._fc_per_tensor)
                return
            if (isinstance(new, UniformQuantizedPerAxisType) and _is_fully_connected(consumer)
                    and not varying):
                # one (scale, zero point) on every channel: per tensor says the same
                new = make_quantized_type("u8", float(new.scales[0]), int(new.zero_points[0]),
                                          qmin=new.qmin, qmax=new.qmax)
                why.append("per-channel with equal parameters -> per-tensor")
            if new != et:
                self._retype(op, r, et, new, delta, "; ".join(why),
                             where=op_location(consumer))
            return
        # int8: symmetric narrow per channel
        zps = np.asarray(et.zero_points)
        if et.storage_spelling == "u8" and np.all(zps == 128):
            et_i8, delta = _shift(et, "i8", -128), -128
        elif et.storage_spelling == "i8" and not np.any(zps):
            et_i8, delta = et, 0
        else:
            self._lossy(op, r, et, "asymmetric weights: int8 weights are symmetric "
                        "(zero point 0)", lambda et, real: self._symmetric(real, consumer, axis))
            return
        if stored is not None and np.min(stored.astype(np.int64) + delta, initial=0) < -127:
            self._lossy(op, r, et, "the weights hold -128: int8 weights are narrow "
                        "[-127, 127]", lambda _et, _real: (
                            self._narrow_per_channel(et_i8, r, axis),
                            np.clip(stored.astype(np.int64) + delta, -127, 127)))
            return
        new = self._narrow_per_channel(et_i8, r, axis)
        if new != et:
            self._retype(op, r, et, new, delta, "symmetric narrow per-channel int8",
                         where=op_location(consumer))
            self._bias_per_channel(consumer, new)

    def _narrow_per_channel(self, et: Attribute, r: SSAValue, axis: int) -> Attribute:
        shape = r.type.get_shape()
        if isinstance(et, UniformQuantizedPerAxisType):
            return make_quantized_type("i8", et.scales, 0, axis=et.axis.data, qmin=-127, qmax=127)
        n = shape[axis]
        return make_quantized_type("i8", np.full(n, float(et.scales[0])), np.zeros(n, np.int64),
                                   axis=axis, qmin=-127, qmax=127)

    def _bias_per_channel(self, consumer: AtenOp, w_et: Attribute) -> None:
        """A per-tensor i32 bias of a weight made per-channel: the same integers, its
        scale repeated per channel (what quantize-bias expects)."""
        for b, op in list(self.biases.items()):
            if op is not consumer or isinstance(b.type.element_type, UniformQuantizedPerAxisType):
                continue
            bt = b.type.element_type
            n = b.type.get_shape()[0]
            new = make_quantized_type(bt.storage_spelling, np.full(n, float(bt.scales[0])),
                                      np.zeros(n, np.int64), axis=0)
            self._retype(b.owner, b, bt, new, 0, "per-tensor bias -> per-channel (same scale)",
                         record=False)

    # -- lossy ------------------------------------------------------------------------
    def _lossy(self, op, r, et, reason, requant) -> None:
        stored = constant_of(r)
        consumer, _ = self.weights[r]
        target = "u8 per-tensor" if self.act == "u8" else "i8 narrow per-channel"
        a = Adaptation(_name(r), op_location(consumer) or op_location(op), brief(et), target,
                       False, reason)
        if not self.requantize or stored is None:
            self.refused.append(a)
            return
        real = et.dequantize(stored) if not isinstance(et, UniformQuantizedPerAxisType) else \
            _dequantize_axis(et, stored)
        new_et, new_stored = requant(et, real)
        new_real = _dequantize_axis(new_et, new_stored) if isinstance(
            new_et, UniformQuantizedPerAxisType) else new_et.dequantize(new_stored)
        a.after, a.sqnr_db = brief(new_et), sqnr_db(real, new_real)
        self._replace_constant(op, new_stored, new_et)
        self.done.append(a)
        if isinstance(new_et, UniformQuantizedPerAxisType):
            self._bias_per_channel(consumer, new_et)

    def _fc_per_tensor(self, et, real):
        lo, hi = min(float(real.min()), 0.0), max(float(real.max()), 0.0)
        scale = max((hi - lo) / 255.0, 2.0**-12)
        zp = int(np.clip(round(-lo / scale), 0, 255))
        new = make_quantized_type("u8", float(np.float32(scale)), zp)
        return new, new.quantize(real)

    def _symmetric(self, real, consumer, axis):
        moved = np.moveaxis(real, axis, 0).reshape(real.shape[axis], -1)
        scales = np.maximum(np.abs(moved).max(axis=1) / 127.0, 2.0**-12).astype(np.float32)
        new = make_quantized_type("i8", scales.astype(np.float64), np.zeros(len(scales), np.int64),
                                  axis=axis, qmin=-127, qmax=127)
        shape = [1] * real.ndim
        shape[axis] = -1
        q = np.clip(np.rint(real / scales.reshape(shape)), -127, 127).astype(np.int8)
        return new, q

    # -- rewriting --------------------------------------------------------------------
    def _retype(self, op, r, et, new, delta, reason, record=True, where=None) -> None:
        if isinstance(op, quant.ConstantOp):
            stored = constant_of(r).astype(np.int64) + delta
            self._replace_constant(op, stored, new)
        else:
            r = Rewriter.replace_value_with_new_type(r, TensorType(new, r.type.get_shape()))
        if record:
            self.done.append(Adaptation(_name(r), where or op_location(op), brief(et),
                                        brief(new), True, reason))

    def _replace_constant(self, op: quant.ConstantOp, stored: np.ndarray, new: Attribute) -> None:
        c = quantized_const(np.asarray(stored), new, op.location)
        if op.output.name_hint:
            c.output.name_hint = op.output.name_hint
        Rewriter.insert_op(c, InsertPoint.before(op))
        old = op.output
        for use in list(old.uses):
            use.operation.operands[use.index] = c.output
        # keep the role maps pointing at the live value
        if old in self.weights:
            self.weights[c.output] = self.weights.pop(old)
        if old in self.biases:
            self.biases[c.output] = self.biases.pop(old)
        op.detach()
        op.erase()


def _dequantize_axis(et: UniformQuantizedPerAxisType, stored: np.ndarray) -> np.ndarray:
    shape = [1] * stored.ndim
    shape[et.axis.data] = -1
    s = np.asarray(et.scales, np.float32).reshape(shape)
    z = np.asarray(et.zero_points, np.float32).reshape(shape)
    return ((stored.astype(np.float32) - z) * s).astype(np.float32)


def adapt_storage(module: ModuleOp, scheme: str, requantize: bool = False,
                  target: str | None = None) -> list[Adaptation]:
    """Re-encode `module` (quant stage) into `scheme`'s storage; the adaptations made.
    Raises `CompileError` listing every lossy adaptation unless `requantize`. `target`
    (the runtime `lower` legalizes for, None for none) decides only whether per-channel
    uint8 FULLY_CONNECTED weights are lossy (see the module docstring)."""
    if scheme not in ("uint8", "int8"):
        return []
    adapter = _Adapter(module, scheme, requantize, target)
    adapter.run()
    return adapter.done


@dataclass(frozen=True)
class AdaptStoragePass(ModulePass):
    name = "adapt-storage"

    scheme: str = "auto"
    requantize: bool = False
    target: str = "none"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        adapt_storage(op, self.scheme, self.requantize,
                      None if self.target in ("none", "") else self.target)
