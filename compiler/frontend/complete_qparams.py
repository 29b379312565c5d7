"""Complete the quantization parameters a quantizer left out, from calibration data.

Quantizers written for a backend that fuses patterns leave the fused intermediates
unobserved: X86InductorQuantizer and ArmInductorQuantizer quantize `conv -> add` as
one unit (the conv's output has no q/dq) and leave the model's last linear float. Circle
has no conv+add kernel, so those tensors need parameters of their own.

`unobserved_tensors(module)` finds them on the quant-stage IR: float results of an
aten op that reads quantized values (a `quant.dcast` operand, or a tensor found here:
ArmInductorQuantizer leaves `conv -> add -> relu -> pool` float as one chain) and that
are not followed by a `quant.qcast`, except where Circle fuses the pattern exactly: a
sole RELU/RELU6/clamp user, whose result carries the parameters instead
(`circle-fuse-activation` folds it into the conv / FULLY_CONNECTED / depthwise / add).

`complete_qparams(module, batches)` runs the batches through the reference
interpreter on the quant stage (the unobserved ops compute in float, as in the
quantizer's program), records each unobserved tensor's min/max, and inserts a
`quant.qcast`/`quant.dcast` pair with min/max affine parameters in the program's
activation storage (torch's `MinMaxObserver` rule: the range includes 0). It returns
one `ChosenQParams` per tensor, which the caller reports. Without batches it raises a
`CompileError` naming every such tensor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from xdsl.dialects.builtin import ModuleOp, NameLoc, TensorType
from xdsl.interpreter import Interpreter
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from compiler.dialects import quant
from compiler.dialects.aten import AtenOp
from compiler.ir.diagnostics import CompileError, op_location
from compiler.ir.quant_types import is_quantized
from compiler.ir.schemes import infer_scheme

#: aten activations Circle fuses into the producing op (`fused_activation_function`)
_FUSABLE_ACTIVATIONS = frozenset({"relu", "relu6", "hardtanh", "clamp"})
#: aten views whose result shares its input's parameters
_VIEWS = frozenset({"flatten", "view", "reshape", "squeeze", "unsqueeze"})


@dataclass
class ChosenQParams:
    tensor: str
    where: str | None
    qtype: str
    minimum: float
    maximum: float

    def line(self) -> str:
        return (f"{self.where or repr(self.tensor)}: observed [{self.minimum:.6g}, "
                f"{self.maximum:.6g}] -> {self.qtype}")


def _observed(v: SSAValue) -> bool:
    uses = list(v.uses)
    return bool(uses) and all(isinstance(u.operation, quant.QuantizeCastOp) for u in uses)


def _fusable_activation_user(v: SSAValue) -> bool:
    """`v`'s only user is a RELU/RELU6, or a hardtanh/clamp with the bounds of RELU,
    RELU6 or RELU_N1_TO_1 (what Circle fuses), so `v` needs no parameters of its own."""
    uses = list(v.uses)
    if len(uses) != 1:
        return False
    user = uses[0].operation
    if not isinstance(user, AtenOp) or user.SCHEMA.name not in _FUSABLE_ACTIVATIONS:
        return False
    if user.SCHEMA.name == "hardtanh":
        lo, hi = user.arg("min_val"), user.arg("max_val")
        bounds = (-1.0 if lo is None else float(lo), 1.0 if hi is None else float(hi))
        return bounds in ((0.0, 6.0), (-1.0, 1.0))
    if user.SCHEMA.name == "clamp":
        lo, hi = user.arg("min"), user.arg("max")
        bounds = (None if lo is None else float(lo), None if hi is None else float(hi))
        return bounds in ((0.0, None), (0.0, 6.0), (-1.0, 1.0))
    return True


def _viewed_observed(v: SSAValue) -> bool:
    """`v`'s only user is a view (flatten, reshape...) whose result is observed:
    `quant-propagate` gives `v` the view's parameters (same-scale), with no requantize."""
    uses = list(v.uses)
    if len(uses) != 1:
        return False
    user = uses[0].operation
    return (isinstance(user, AtenOp) and user.SCHEMA.name in _VIEWS
            and all(_observed(r) for r in user.results))


def _is_output(v: SSAValue) -> bool:
    return all(u.operation.name == "func.return" for u in v.uses)


def unobserved_tensors(module: ModuleOp, keep_float_outputs: bool = False) -> list[SSAValue]:
    """Float results of quantized aten ops that no qcast observes (see module doc);
    `keep_float_outputs`: not the model outputs (the program computes them in float,
    which `--allow-float` keeps).

    An op is quantized when it reads a dequantized value or a tensor found here (a
    quantizer may leave a chain float: ArmInductorQuantizer's conv -> add -> relu ->
    pool), so the search runs to a fixed point. A result whose only user is a fusable
    activation is not listed: the activation's result carries the parameters."""
    quantized: set[SSAValue] = set()  # read by a quantized op: dequantized or to be observed
    for op in module.walk():
        if isinstance(op, quant.DequantizeCastOp):
            quantized.add(op.output)
    found: list[SSAValue] = []
    changed = True
    while changed:
        changed = False
        for op in module.walk():
            if not isinstance(op, AtenOp) or not any(v in quantized for v in op.operands):
                continue
            for r in op.results:
                if r in quantized or not isinstance(r.type, TensorType) or is_quantized(r.type):
                    continue
                if "f" not in str(r.type.element_type):
                    continue  # integer results (indices, shapes)
                if not r.uses or _observed(r) or _viewed_observed(r):
                    continue
                if keep_float_outputs and _is_output(r):
                    continue
                quantized.add(r)
                changed = True
                if not _fusable_activation_user(r):
                    found.append(r)
    order = {id(op): i for i, op in enumerate(module.walk())}
    return sorted(found, key=lambda v: order[id(v.owner)])


def _name(v: SSAValue) -> str:
    """The tensor's FX node name (its `NameLoc`), else its SSA name."""
    loc = v.owner.location
    return loc.desc.data if isinstance(loc, NameLoc) else (v.name_hint or "?")


def describe(values: Sequence[SSAValue]) -> list[str]:
    return [f"{op_location(v.owner) or repr(_name(v))}: {v.owner.name}" for v in values]


def require_complete(module: ModuleOp, keep_float_outputs: bool = False) -> None:
    """A `CompileError` naming every unobserved tensor, if there is any."""
    missing = unobserved_tensors(module, keep_float_outputs)
    if missing:
        raise CompileError(
            f"{len(missing)} tensor(s) have no quantization parameters (the quantizer "
            "left them to a backend fusion Circle does not have); give calibration data "
            "(qcompile --calibration-data FILE, or compiler.complete_qparams(module, "
            "batches)) to observe them, or --allow-float to keep them float:\n  "
            + "\n  ".join(describe(missing)))


class _Ranges(Interpreter.Listener):
    """An interpreter listener keeping the running min/max of chosen values."""

    def __init__(self, values: Sequence[SSAValue]):
        self.index = {v: i for i, v in enumerate(values)}
        self.lo = np.full(len(values), np.inf)
        self.hi = np.full(len(values), -np.inf)

    def did_interpret_op(self, op: Operation, results) -> None:
        for r, value in zip(op.results, results):
            i = self.index.get(r)
            if i is not None and value is not None:
                a = np.asarray(value)
                self.lo[i] = min(self.lo[i], float(a.min()))
                self.hi[i] = max(self.hi[i], float(a.max()))


def complete_qparams(module: ModuleOp, batches: Iterable,
                     keep_float_outputs: bool = False) -> list[ChosenQParams]:
    """Observe the unobserved tensors of `module` (quant stage, modified in place) on
    `batches` (tuples of tensors or arrays) and give them min/max parameters.
    `keep_float_outputs`: leave unobserved model outputs float (the last op then stays
    float under `allow_float`, exactly as the quantizer's program computes it)."""
    from compiler.interpreter import run
    from compiler.transforms.quant_propagate import constant_qtype

    missing = unobserved_tensors(module, keep_float_outputs)
    if not missing:
        return []
    batches = [tuple(b) if isinstance(b, (tuple, list)) else (b,) for b in batches]
    if not batches:
        require_complete(module, keep_float_outputs)
    ranges = _Ranges(missing)
    for batch in batches:
        run(module, [np.asarray(t.detach().numpy() if hasattr(t, "detach") else t, np.float32)
                     for t in batch], listeners=[ranges])
    scheme = infer_scheme(module)
    storage = scheme.activation if scheme is not None else "u8"
    chosen: list[ChosenQParams] = []
    for i, v in enumerate(missing):
        et = constant_qtype(np.array([ranges.lo[i], ranges.hi[i]], np.float32), storage,
                            False, False, None)
        t = TensorType(et, v.type.get_shape())
        users = list(v.uses)  # before the qcast becomes one
        q = quant.QuantizeCastOp(v, t)
        d = quant.DequantizeCastOp(q.output, v.type)
        q.location = d.location = v.owner.location
        q.output.name_hint = f"{_name(v)}_observed"
        Rewriter.insert_op([q, d], InsertPoint.after(v.owner))
        for u in users:
            u.operation.operands[u.index] = d.output
        chosen.append(ChosenQParams(_name(v), op_location(v.owner), str(et),
                                    float(ranges.lo[i]), float(ranges.hi[i])))
    return chosen
