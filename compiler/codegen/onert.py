"""What onert (ONE's runtime, PyPI `onert` 0.1.0) refuses or gets wrong, as a static check.

`write_circle` does not apply it: a `.circle` file is also for ONE's other tools and
backends. The pipeline (or a user targeting onert) calls `check_onert(module)`, or
`onert_problems(module)` to list everything at once, to learn before emission that
onert would refuse the model, and why.

Every rule is a measurement (test/python/test_runtimes.py pins each one against onert,
with its own message, and checks that this module predicts exactly those refusals):

- int16 quantized tensors anywhere: "OperationValidator failed" at load (QUANTIZE,
  ADD, CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D, SOFTMAX, LOGISTIC, symmetric or
  not); int16 model inputs: "Model has type that runtime API does not support";
- the ops in `UNSUPPORTED_QUANTIZED` on those quantized inputs: "<Kernel>: unsupported
  data type", "KernelGenerator: NYI for operation 'ResizeNearestNeighbor'", quantized
  TRANSPOSE_CONV: "Invalid number of input tensors" with a bias, "NYI" without;
- HARD_SWISH at all: "Unsupported operation: HARD_SWISH"; PRELU at all: "NYI";
- a requantizing uint8 QUANTIZE (u8 in, u8 out): "Quantize: Unsupported data type";
- quantized SELECT_V2 ("Select: unsupported data type") and boolean TRANSPOSE
  ("Transpose: unsupported data type");
- CONV_2D / DEPTHWISE_CONV_2D without a bias: "loader doesn't support optional input
  tensor yet" (FULLY_CONNECTED without bias runs).

And what onert runs but computes wrongly (compared with the reference interpreter, which
is bit-exact with LiteRT and torch):

- FULLY_CONNECTED with per-channel weights: channel 0's weight scale and zero point are
  applied to every output channel (per-channel CONV_2D/DEPTHWISE_CONV_2D are right);
- QUANTIZE from float to int8: the result is clamped to [0, 127] (negative inputs
  become 0), as if the int8 range were uint8's lower bound;
- grouped CONV_2D (filter input channels a divisor of, and smaller than, the input's
  channels; groups > 1 that are not depthwise): float and uint8 alike, the output is
  far off (garbage, e.g. 4.6e18 in float; 247 steps in uint8), as if the filter were
  read for every input channel. Measured in test/python/test_onnx_import.py.
"""

from __future__ import annotations

from xdsl.dialects.builtin import IntegerType, ModuleOp, TensorType
from xdsl.ir import SSAValue

from compiler.codegen.writer import model_function
from compiler.dialects.circle_base import CircleOp, is_none
from compiler.ir.diagnostics import CompileError, error_at
from compiler.ir.quant_traits import BiasOperand
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType

#: BuiltinOperator -> quantized activation storages onert has no kernel for.
UNSUPPORTED_QUANTIZED: dict[str, frozenset[str]] = {
    "FULLY_CONNECTED": frozenset({"i8"}),
    "MAX_POOL_2D": frozenset({"i8"}),
    "MEAN": frozenset({"i8"}),
    "TRANSPOSE": frozenset({"i8"}),
    "LOGISTIC": frozenset({"i8"}),
    "TANH": frozenset({"i8"}),
    "MAXIMUM": frozenset({"i8"}),
    "SLICE": frozenset({"i8"}),
    "GATHER": frozenset({"i8"}),
    "STRIDED_SLICE": frozenset({"u8", "i8"}),
    "RESIZE_NEAREST_NEIGHBOR": frozenset({"u8", "i8"}),
    "BATCH_MATMUL": frozenset({"u8", "i8"}),
    "REDUCE_MAX": frozenset({"u8", "i8"}),
    "SUM": frozenset({"u8", "i8"}),
    "TRANSPOSE_CONV": frozenset({"u8", "i8"}),
    "LEAKY_RELU": frozenset({"u8", "i8"}),
    # standalone quantized activations: fuse them into the producer instead
    "RELU": frozenset({"u8", "i8"}),
    "RELU6": frozenset({"u8", "i8"}),
    # indexing family (measured, onert 0.1.0): int8 ARG_MAX/ARG_MIN run but return wrong
    # indices; quantized TILE fails at run time ("NYI" for uint8)
    "ARG_MAX": frozenset({"i8"}),
    "ARG_MIN": frozenset({"i8"}),
    "TILE": frozenset({"u8", "i8"}),
    # -- comparisons, logic, select: "Select: unsupported data type" (onert 0.1.0)
    "SELECT_V2": frozenset({"u8", "i8"}),
    # a requantizing QUANTIZE (u8 -> u8 with other qparams, e.g. after SOFTMAX's fixed
    # 1/256 output): "Quantize: Unsupported data type" (measured in test_onnx_import.py)
    "QUANTIZE": frozenset({"u8"}),
}
#: Builtins whose data input is not operand 0 (SELECT_V2's operand 0 is the condition).
DATA_OPERAND: dict[str, int] = {"SELECT_V2": 1}
#: Builtins onert has no boolean kernel for: "Transpose: unsupported data type".
UNSUPPORTED_BOOL = frozenset({"TRANSPOSE"})
#: Builtins onert does not load at all.
UNSUPPORTED_BUILTINS = frozenset({"HARD_SWISH"}) | frozenset({
    # indexing family: "Unsupported operation: GATHER_ND"
    "GATHER_ND",
    # "KernelGenerator: NYI for operation 'PReLU'", float and quantized (op_cases.py)
    "PRELU",
})
#: Builtins whose optional bias onert's loader cannot leave out.
BIAS_REQUIRED = frozenset({"CONV_2D", "DEPTHWISE_CONV_2D"})


def _storage(v: SSAValue) -> str | None:
    t = v.type
    if isinstance(t, TensorType) and isinstance(
        t.element_type, (UniformQuantizedType, UniformQuantizedPerAxisType)
    ):
        return t.element_type.storage_spelling
    return None


def _activation(op: CircleOp) -> SSAValue:
    """The data input: the bias trait's input operand for weighted ops (TRANSPOSE_CONV's
    is operand 2), else operand 0."""
    bias = op.get_trait(BiasOperand)
    if bias is not None:
        return op.operands[bias.input_index]
    return op.operands[DATA_OPERAND.get(op.BUILTIN, 0)]


def _is_bool(v: SSAValue) -> bool:
    t = v.type
    return (isinstance(t, TensorType) and isinstance(t.element_type, IntegerType)
            and t.element_type.width.data == 1)


def _is_per_channel(v: SSAValue) -> bool:
    t = v.type
    return (
        isinstance(t, TensorType)
        and isinstance(t.element_type, UniformQuantizedPerAxisType)
        and len(t.element_type.scales) > 1
    )


def _grouped(op: CircleOp) -> bool:
    """A CONV_2D whose OHWI filter has fewer input channels than its NHWC input."""
    x, w = op.operands[0].type, op.operands[1].type
    return (isinstance(x, TensorType) and isinstance(w, TensorType)
            and len(x.get_shape()) == 4 and len(w.get_shape()) == 4
            and w.get_shape()[3] < x.get_shape()[3])


def onert_problems(module: ModuleOp) -> list[CompileError]:
    """Every reason onert would refuse `module` or compute it wrongly, each located at
    its op, in IR order."""
    func = model_function(module)
    problems: list[CompileError] = []
    for i, arg in enumerate(func.body.block.args):
        if _storage(arg) == "i16":
            problems.append(error_at(func, f"input #{i}: onert does not run int16 quantized "
                                     "tensors"))
    for op in func.body.block.ops:
        if not isinstance(op, CircleOp) or op.BUILTIN is None:
            continue
        problem = _op_problem(op)
        if problem:
            problems.append(error_at(op, problem))
    return problems


def _op_problem(op: CircleOp) -> str | None:
    builtin = op.BUILTIN
    assert builtin is not None
    if builtin in UNSUPPORTED_BUILTINS:
        return f"onert does not support {builtin}"
    values: list[SSAValue] = [*op.operands, *op.results]
    if any(_storage(v) == "i16" for v in values):
        return "onert does not run int16 quantized tensors"
    if builtin in BIAS_REQUIRED and len(op.operands) > 2 and is_none(op.operands[2]):
        return f"onert's loader needs a bias for {builtin} (use a zero bias)"
    if builtin in UNSUPPORTED_BOOL and op.operands and _is_bool(op.operands[0]):
        return f"onert has no boolean kernel for {builtin}"
    act = _storage(_activation(op)) if op.operands else None
    if act in UNSUPPORTED_QUANTIZED.get(builtin, ()):
        hint = " (fuse it into the producer's fused_activation_function)" if builtin in (
            "RELU", "RELU6") else ""
        return f"onert has no {act} kernel for {builtin}{hint}"
    if builtin == "FULLY_CONNECTED" and _is_per_channel(op.operands[1]):
        return ("onert's FULLY_CONNECTED applies channel 0's weight scale and zero point to "
                "every channel (wrong results); use per-tensor weights")
    if builtin == "CONV_2D" and _grouped(op):
        return ("onert's CONV_2D ignores groups (filter input channels fewer than the "
                "input's): wrong results")
    if builtin == "QUANTIZE" and _storage(op.operands[0]) is None and (
        _storage(op.results[0]) == "i8"
    ):
        return "onert's QUANTIZE from float to int8 clamps negative values to 0 (wrong results)"
    return None


def check_onert(module: ModuleOp) -> None:
    """Raise the first of `onert_problems(module)`, if any."""
    problems = onert_problems(module)
    if problems:
        raise problems[0]


__all__ = ["check_onert", "onert_problems"]
