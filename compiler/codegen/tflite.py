"""`.tflite` emission: the Circle model with identifier `TFL3`, for what TFLite can run.

TFLite's schema is Circle's minus a few things (Circle-only negative builtin codes, the
`SubGraph.debugMetadataIndex` and `Tensor` slot 10 extensions, which the writer leaves at
their defaults so they are never serialized). What LiteRT's kernels run is narrower than
what Circle can describe; these rules (measured with ai-edge-litert 2.3, see
docs/codegen.md) refuse the rest before anything is written:

- only builtins that exist in TFLite (code >= 0), and nothing the op's runtime traits
  say LiteRT refuses (`compiler.ir.runtime_traits.refusal(op, LITERT)`: a kernel for
  the input's storage type, a bias where the kernel requires one);
- quantized storage: i8, u8, i16, i32 (bias), i64 (16x8 bias);
- per-channel quantization only on constants (weights and biases), with zero points 0,
  never on uint8 ("uint8 per-channel weights are not supported by TFLite kernels");
- int16 tensors symmetric (zero point 0): the 16x8 kernels assume it;
- a weighted op's weights/activation pairing must be one TFLite has kernels for:
  u8 x u8 (per-tensor), i8 x i8, i16 x i8; with an i32 bias for 8-bit and i64 for 16x8
  (an i32 bias on 16x8 gives wrong results in LiteRT's reference kernels), per-tensor
  when the weights are (XNNPACK refuses a per-channel one: "failed to delegate CONV_2D").
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Operation, SSAValue

from compiler.codegen.schema import BUILTIN_CODES, TFLITE_IDENTIFIER
from compiler.codegen.writer import Flatbuffer, build_model, model_function, serialize
from compiler.dialects.circle_base import CircleOp, ConstOp
from compiler.ir.diagnostics import error_at
from compiler.ir.quant_traits import BiasOperand, WeightOperand, feeds_only_weights
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType
from compiler.ir.runtime_traits import LITERT, refusal

_TFLITE_STORAGE = {"i8", "u8", "i16", "i32", "i64"}


def _quantized(v: SSAValue) -> UniformQuantizedType | UniformQuantizedPerAxisType | None:
    t = v.type
    if isinstance(t, TensorType) and isinstance(
        t.element_type, (UniformQuantizedType, UniformQuantizedPerAxisType)
    ):
        return t.element_type
    return None


def _runtime_weight(v: SSAValue) -> bool:
    """A non-constant tensor used only as weights (a model input relaid out at most):
    LiteRT's CONV_2D / FULLY_CONNECTED read per-channel parameters from any filter tensor
    (measured bit-exact with the interpreter, test_ops_end_to_end's runtime_weights)."""
    return feeds_only_weights(v)


def _check_value(v: SSAValue, what: str, where: Operation) -> None:
    q = _quantized(v)
    if q is None:
        return
    st = q.storage_spelling
    if st not in _TFLITE_STORAGE:
        raise error_at(where, f"{what}: {st} quantization is not a TFLite quantized type")
    if isinstance(q, UniformQuantizedPerAxisType) and len(q.scales) > 1:
        if not isinstance(v.owner, ConstOp) and not _runtime_weight(v):
            raise error_at(
                where,
                f"{what}: per-channel quantization of a non-constant tensor is not "
                "supported by TFLite kernels (except as weights)",
            )
        if st == "u8":
            raise error_at(
                where, f"{what}: uint8 per-channel weights are not supported by TFLite kernels"
            )
        if any(int(z) != 0 for z in q.zero_points):
            raise error_at(
                where, f"{what}: per-channel quantization must be symmetric (zero point 0) "
                "in TFLite"
            )
    if st == "i16" and any(int(z) != 0 for z in q.zero_points):
        raise error_at(
            where, f"{what}: int16 quantization must be symmetric (zero point 0) for "
            "TFLite's 16x8 kernels"
        )


#: (activation storage, weight storage) -> required bias storage, for weighted ops.
_WEIGHTED_KERNELS = {("u8", "u8"): "i32", ("i8", "i8"): "i32", ("i16", "i8"): "i64"}


def _check_weighted(op: CircleOp) -> None:
    weight = op.get_trait(WeightOperand)
    if weight is None:
        return
    bias = op.get_trait(BiasOperand)
    act_index = bias.input_index if bias is not None else 0
    act, w = _quantized(op.operands[act_index]), _quantized(op.operands[weight.index])
    if act is None or w is None:
        return
    pair = (act.storage_spelling, w.storage_spelling)
    if pair not in _WEIGHTED_KERNELS:
        if pair == ("u8", "i8"):
            reason = "uint8 activations with int8 weights are not supported by TFLite kernels"
        else:
            reason = (
                f"{pair[0]} activations with {pair[1]} weights are not supported by TFLite "
                "kernels (supported: u8 x u8, i8 x i8, i16 x i8)"
            )
        raise error_at(op, reason)
    if bias is not None:
        b = _quantized(op.operands[bias.index])
        need = _WEIGHTED_KERNELS[pair]
        if b is not None and len(b.scales) > 1 and len(w.scales) == 1:
            raise error_at(
                op,
                f"bias (operand #{bias.index}) is per-channel but the weights are per-tensor; "
                "LiteRT's XNNPACK delegate refuses that (make the bias per-tensor)",
            )
        if b is not None and b.storage_spelling != need:
            raise error_at(
                op,
                f"bias (operand #{bias.index}) is {b.storage_spelling}; TFLite's "
                f"{pair[0]} x {pair[1]} kernels need an {need} bias",
            )


def _check_op(op: CircleOp) -> None:
    if BUILTIN_CODES.get(op.BUILTIN, -1) < 0:
        raise error_at(op, f"{op.BUILTIN} is a Circle-only operator; TFLite has no such builtin")
    for i, v in enumerate(op.operands):
        _check_value(v, f"operand #{i}", op)
    for i, r in enumerate(op.results):
        _check_value(r, f"result #{i}", op)
    reason = refusal(op, LITERT)  # the op's runtime traits
    if reason:
        raise error_at(op, reason)
    _check_weighted(op)


def check_tflite(module: ModuleOp) -> None:
    """Raise a located `CompileError` for the first thing LiteRT cannot run."""
    func = model_function(module)
    for i, arg in enumerate(func.body.block.args):
        _check_value(arg, f"input #{i}", func)
    for op in func.body.block.ops:
        if isinstance(op, CircleOp) and op.BUILTIN is not None:
            _check_op(op)


def write_tflite(module: ModuleOp) -> bytes:
    """The TFLite flatbuffer (identifier `TFL3`) of a module TFLite can run; otherwise a
    located `CompileError` and nothing written."""
    return serialize_tflite(module).tobytes()


def serialize_tflite(module: ModuleOp) -> Flatbuffer:
    """`write_tflite`'s flatbuffer, its payloads still the IR's (`Flatbuffer.chunks`
    writes a file without a copy of the weights)."""
    check_tflite(module)
    return serialize(build_model(module), TFLITE_IDENTIFIER)
