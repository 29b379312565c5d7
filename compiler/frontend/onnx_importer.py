"""`import_onnx`: an ONNX QDQ model as the same quant-stage IR `import_program` produces.

A prequantized ONNX model (QuantizeLinear/DequantizeLinear around float operators, as
onnxruntime's `quantize_static(..., quant_format=QuantFormat.QDQ)` or torch's ONNX
exporter write it) becomes one `func.func @forward` of `aten.*` float ops between
`quant.dcast`/`quant.qcast`, so everything after import (lower-to-circle, the writers,
the interpreter) is shared with PT2E programs:

- graph inputs are the function's arguments (static shapes only; a dynamic dimension is
  an error naming the input), graph outputs its results;
- `QuantizeLinear` becomes `quant.qcast` to a `!quant.uniform` tensor (per-tensor, or
  per-axis with the node's `axis`; storage u8/i8/u16/i16/i32 from the zero point's
  type, full storage range), `DequantizeLinear` becomes `quant.dcast`, one per
  consumer as PT2E has it;
- `DequantizeLinear` of an integer initializer (a weight or bias the quantizer folded)
  becomes `quant.constant` holding those integers + `quant.dcast`: weights stay integer;
  `QuantizeLinear` of a float constant is quantized here (round half to even);
- initializers, `Constant` nodes and every node computed only from constants
  (`Shape` of a statically shaped tensor included: Shape->Gather->Concat chains) are
  evaluated at import time with onnx's reference evaluator; a folded value that an op
  takes as a tensor becomes `circle.const`;
- every other node becomes the ATen-level op(s) the existing legalizations take
  (`compiler.frontend.onnx_ops`), with the result types of onnx's shape inference;
- ops whose results nothing uses are dropped (all of them are pure);
- the GELU pattern torch's exporter writes for `F.gelu` (x * 0.5 * (1 + erf(x / sqrt 2)))
  becomes one `aten.gelu` when no Q/DQ lies between its steps; with Q/DQ between them
  it is imported node by node (`aten.erf`), keeping every rounding of the graph.

Every op is located `NameLoc(<ONNX node name>)` (the output name for an unnamed node),
so tensor names in the written flatbuffer are ONNX node names. An operator without a
conversion, a malformed model, a dynamic shape, or a quantization parameter that is not
a constant is one `CompileError` naming the node and its operator type.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp, NameLoc, StringAttr, TensorType, UnknownLoc
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

from compiler.dialects.circle_base import ConstOp
from compiler.dialects.quant import DequantizeCastOp, QuantizeCastOp, StorageCastOp
from compiler.frontend.tensor_types import dense, quant_constant
from compiler.ir.diagnostics import CompileError, location_str, verify_module
from compiler.ir.quant_types import QuantizedType, is_quantized, make_quantized_type


def _onnx():
    try:
        import onnx
    except ImportError:  # an optional extra
        raise CompileError(
            "reading ONNX models needs the 'onnx' package: pip install 'pt2e-circle-compiler[onnx]'"
        ) from None
    return onnx


def load_onnx(model: Any):
    """A checked `onnx.ModelProto` from a path or a ModelProto (shapes inferred)."""
    onnx = _onnx()
    where = None
    if isinstance(model, (str, os.PathLike)):
        where = os.fspath(model)
        if not os.path.isfile(where):
            raise CompileError(f"cannot read '{where}': no such file")
        try:
            model = onnx.load(where)
        except Exception as e:
            raise CompileError(f"cannot read '{where}' as an ONNX model: {type(e).__name__}: "
                               f"{_first_line(e)}") from None
    if not isinstance(model, onnx.ModelProto):
        raise CompileError(f"expected an onnx.ModelProto or a .onnx path, got {type(model).__name__}")
    try:
        onnx.checker.check_model(model)
        model = onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    except Exception as e:
        raise CompileError(f"malformed ONNX model: {type(e).__name__}: {_first_line(e)}",
                           where) from None
    for opset in model.opset_import:
        if opset.domain not in ("", "ai.onnx"):
            continue
        if opset.version < 11:
            raise CompileError(f"ONNX opset {opset.version} is not supported (11 or newer)", where)
    return model


def import_onnx(model: Any, path: str | None = None) -> ModuleOp:
    """Import an ONNX (QDQ) model, a path or a ModelProto, as a verified `builtin.module`.
    `path` names a ModelProto's file in diagnostics (a path model names itself)."""
    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
    module = _Importer(load_onnx(model), path).run()
    verify_module(module)
    return module


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


@dataclass
class Quantized:
    """A DequantizeLinear result: the quantized value, dequantized at each use."""

    value: SSAValue
    node: Any  # the DequantizeLinear NodeProto (names each dcast)


class _Importer:
    def __init__(self, model, path: str | None):
        from compiler.frontend import onnx_ops

        self.onnx = _onnx()
        self.model = model
        self.graph = model.graph
        self.path = path
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
        self.block = Block()
        #: tensor name -> SSAValue, Quantized, or np.ndarray (a constant)
        self.env: dict[str, Any] = {}
        self.types: dict[str, Any] = {}  # tensor name -> TypeProto
        self.materialized: dict[str, SSAValue] = {}
        self.quant_constants: dict[tuple[str, Attribute], SSAValue] = {}
        #: quant.constant result -> its stored integers
        self.stored: dict[SSAValue, np.ndarray] = {}
        self.skipped: set[str] = set()  # node names absorbed by a fused pattern
        self.fused: dict[str, Any] = {}  # node name -> pattern replacing it
        self.none_value: SSAValue | None = None  # `aten.none`, shared
        self.ops = onnx_ops

    # -- driver ---------------------------------------------------------------------------
    def run(self) -> ModuleOp:
        g = self.graph
        for vi in [*g.input, *g.value_info, *g.output]:
            self.types[vi.name] = vi.type
        for init in g.initializer:
            self.env[init.name] = self.onnx.numpy_helper.to_array(init)
        for inp in g.input:
            if inp.name not in self.env:
                self._graph_input(inp)
        self.ops.find_patterns(self)
        for node in g.node:
            if _node_name(node) in self.skipped:
                continue
            self._node(node)
        results = [self._output(o.name) for o in g.output]
        self.block.add_op(ReturnOp(*results))
        self._drop_unused()
        func = FuncOp("forward", ([a.type for a in self.block.args], [r.type for r in results]),
                      Region(self.block))
        return ModuleOp([func])

    def _drop_unused(self) -> None:
        """Erase ops whose results nothing uses (constants a fused pattern or a folded
        layer-norm weight left behind): every op built here is pure."""
        for op in reversed(list(self.block.ops)):
            if op.results and not any(r.uses for r in op.results):
                op.detach()
                op.erase()

    def _graph_input(self, inp) -> None:
        ty = self.tensor_type(inp.name, f"input '{inp.name}'")
        arg = self.block.insert_arg(ty, len(self.block.args))
        arg.location = NameLoc(StringAttr(inp.name), UnknownLoc())
        arg.name_hint = _name_hint(inp.name)
        self.env[inp.name] = arg

    def _output(self, name: str) -> SSAValue:
        if name not in self.env:
            raise CompileError(f"graph output '{name}' is not computed by any node", self.path)
        value = self.env[name]
        if isinstance(value, np.ndarray):
            return self.const(value, name)
        if isinstance(value, Quantized):
            return self.dequantized(value)
        if is_quantized(value.type):  # a QuantizeLinear output: its stored integers
            storage = TensorType(value.type.element_type.storage_type, value.type.get_shape())
            return self._add(StorageCastOp(value, storage), name).results[0]
        return value

    def _node(self, node) -> None:
        if node.domain not in ("", "ai.onnx"):
            raise self.error(node, f"operator '{node.domain}.{node.op_type}' of a custom domain "
                                   "is not supported")
        name = _node_name(node)
        if name in self.fused:
            self.fused[name](self, node)
            return
        if node.op_type == "QuantizeLinear":
            self._quantize(node)
        elif node.op_type == "DequantizeLinear":
            self._dequantize(node)
        elif node.op_type == "Identity" or node.op_type == "Dropout":
            self.env[node.output[0]] = self.env_value(node, 0)
        elif node.op_type == "Constant":
            self.env[node.output[0]] = self._evaluate(node, [])[0]
        elif node.op_type == "Shape" and self._static_shape_of(node.input[0]) is not None:
            self.env[node.output[0]] = self._shape(node)
        elif self._all_constant(node):
            for out, value in zip(node.output, self._evaluate(node, [self.env[i] for i in node.input if i])):
                self.env[out] = value
        else:
            convert = self.ops.CONVERSIONS.get(node.op_type)
            if convert is None:
                raise self.error(node, f"unsupported ONNX operator '{node.op_type}'")
            try:
                convert(self, node)
            except (ValueError, VerifyException, TypeError) as e:
                raise self.error(node, f"cannot convert: {_first_line(e)}") from None

    # -- diagnostics ----------------------------------------------------------------------
    def location(self, node) -> Attribute:
        return NameLoc(StringAttr(_node_name(node)), UnknownLoc())

    def error(self, node, message: str) -> CompileError:
        where = location_str(self.location(node))
        if self.path:
            where = f"{self.path}: {where}"
        return CompileError(f"{message} (node '{_node_name(node)}', {node.op_type})", where)

    # -- values ---------------------------------------------------------------------------
    def _add(self, op: Operation, name: str) -> Operation:
        op.location = NameLoc(StringAttr(name), UnknownLoc())
        self.block.add_op(op)
        return op

    def add(self, op: Operation, node, name: str | None = None) -> Operation:
        """Append `op`, located at `node` (or at `name`, for helpers of a node)."""
        self._add(op, name or _node_name(node))
        for r in op.results:
            r.name_hint = _name_hint(name or _node_name(node))
        return op

    def env_value(self, node, index: int):
        name = node.input[index] if index < len(node.input) else ""
        if not name:
            return None
        if name not in self.env:
            raise self.error(node, f"input '{name}' is used before it is defined")
        return self.env[name]

    def constant(self, node, index: int, what: str) -> np.ndarray | None:
        """Input `index` as a constant (None when absent); an error when computed at run time."""
        value = self.env_value(node, index)
        if value is None or isinstance(value, np.ndarray):
            return value
        raise self.error(node, f"the {what} (input '{node.input[index]}') must be a constant")

    def operand(self, node, index: int) -> SSAValue | None:
        """Input `index` as a float (or integer) SSA value; None when absent."""
        value = self.env_value(node, index)
        if value is None:
            return None
        if isinstance(value, np.ndarray):
            return self.const(value, node.input[index])
        if isinstance(value, Quantized):
            return self.dequantized(value)
        if is_quantized(value.type):
            raise self.error(node, f"input '{node.input[index]}' is quantized (a QuantizeLinear "
                                   "output) but is not dequantized before this operator")
        return value

    def float_operand(self, node, index: int) -> SSAValue | None:
        """Input `index`, a dequantized constant folded to its float values (exactly what
        DEQUANTIZE would compute): for inputs of ops that run in float inside (layer
        norm), where an i32 bias has no DEQUANTIZE kernel."""
        value = self.env_value(node, index)
        if isinstance(value, Quantized) and value.value in self.stored:
            qtype = value.value.type.element_type
            return self.const(qtype.dequantize(self.stored[value.value]), node.input[index])
        return self.operand(node, index)

    def dequantized(self, q: Quantized) -> SSAValue:
        """A fresh `quant.dcast` of `q` (one per consumer, as PT2E has it)."""
        qt = q.value.type
        op = DequantizeCastOp(q.value, TensorType(qt.element_type.expressed_type, qt.get_shape()))
        return self.add(op, q.node).results[0]

    def const(self, array: np.ndarray, name: str) -> SSAValue:
        """A folded value where an op takes a tensor: one `circle.const` per name."""
        if name not in self.materialized:
            array = np.asarray(array)
            if array.dtype == np.float64:
                array = array.astype(np.float32)
            op = self._add(ConstOp(dense(array, _element_type(array.dtype, name))), name)
            op.results[0].name_hint = _name_hint(name)
            self.materialized[name] = op.results[0]
        return self.materialized[name]

    def tensor_type(self, name: str, what: str) -> TensorType:
        """The static tensor type shape inference gave `name`."""
        tp = self.types.get(name)
        if tp is None or not tp.HasField("tensor_type") or not tp.tensor_type.HasField("shape"):
            raise CompileError(f"{what} has no inferred shape; only statically shaped models "
                               "are supported", self.path)
        dims = []
        for i, d in enumerate(tp.tensor_type.shape.dim):
            if not d.HasField("dim_value"):
                raise CompileError(
                    f"{what} has a dynamic dimension {i} ('{d.dim_param or '?'}'); only static "
                    "shapes are supported (export with fixed sizes, or fix them with "
                    "onnxruntime.tools.make_dynamic_shape_fixed)", self.path)
            dims.append(d.dim_value)
        dtype = self.onnx.helper.tensor_dtype_to_np_dtype(tp.tensor_type.elem_type)
        return TensorType(_element_type(dtype, what), dims)

    def result_type(self, node, index: int = 0) -> TensorType:
        return self.tensor_type(node.output[index], f"output '{node.output[index]}' of node "
                                                    f"'{_node_name(node)}' ({node.op_type})")

    def shape_of(self, node, index: int) -> list[int]:
        value = self.env_value(node, index)
        if isinstance(value, np.ndarray):
            return list(value.shape)
        if isinstance(value, Quantized):
            return list(value.value.type.get_shape())
        return list(value.type.get_shape())

    # -- constants ------------------------------------------------------------------------
    def _all_constant(self, node) -> bool:
        inputs = [i for i in node.input if i]
        return all(isinstance(self.env.get(i), np.ndarray) for i in inputs) and (
            bool(inputs) or node.op_type in ("ConstantOfShape", "Range"))

    def _evaluate(self, node, inputs: list[np.ndarray]) -> list[np.ndarray]:
        """Run one node on constants with onnx's reference evaluator."""
        from onnx.reference import ReferenceEvaluator

        helper = self.onnx.helper
        names = [i for i in node.input if i]
        ins = [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape)
               for n, a in zip(names, inputs)]
        outs = [helper.make_empty_tensor_value_info(o) for o in node.output]
        graph = helper.make_graph([node], "fold", ins, outs)
        model = helper.make_model(graph, opset_imports=list(self.model.opset_import))
        try:
            results = ReferenceEvaluator(model).run(None, dict(zip(names, inputs)))
        except Exception as e:
            raise self.error(node, f"cannot evaluate on constants: {type(e).__name__}: "
                                   f"{_first_line(e)}") from None
        return [np.asarray(r) for r in results]

    def _static_shape_of(self, name: str) -> list[int] | None:
        value = self.env.get(name)
        if value is None:
            return None
        if isinstance(value, np.ndarray):
            return list(value.shape)
        ty = value.value.type if isinstance(value, Quantized) else value.type
        return list(ty.get_shape())

    def _shape(self, node) -> np.ndarray:
        shape = np.array(self._static_shape_of(node.input[0]), dtype=np.int64)
        start = _attr(node, "start", 0)
        end = _attr(node, "end", None)
        return shape[start:end]

    # -- quantize / dequantize ------------------------------------------------------------
    def qtype(self, node) -> QuantizedType:
        scale = self.constant(node, 1, "scale")
        zero_point = self.constant(node, 2, "zero point")
        if _attr(node, "block_size", 0):
            raise self.error(node, "blocked quantization (block_size) is not supported")
        if zero_point is None:
            dtype = _attr(node, "output_dtype", 0)
            if dtype:
                zero_point = np.zeros(scale.shape, self.onnx.helper.tensor_dtype_to_np_dtype(dtype))
            else:
                zero_point = np.zeros(scale.shape, np.uint8)
        if zero_point.dtype not in (np.uint8, np.int8, np.uint16, np.int16, np.int32):
            raise self.error(node, f"quantized type {zero_point.dtype} is not supported "
                                   "(uint8, int8, uint16, int16, int32)")
        axis = None
        if scale.size != 1:  # ONNX: a 1-D scale is per axis (one entry: per tensor)
            rank = len(self.shape_of(node, 0))
            axis = _attr(node, "axis", 1)
            axis = axis + rank if axis < 0 else axis
        try:
            if axis is None:
                return make_quantized_type(zero_point.dtype, float(scale.reshape(())),
                                           int(zero_point.reshape(())))
            return make_quantized_type(zero_point.dtype, scale.astype(np.float32), zero_point,
                                       axis=axis)
        except (ValueError, VerifyException) as e:
            raise self.error(node, f"invalid quantization parameters: {_first_line(e)}") from None

    def _quantize(self, node) -> None:
        qtype = self.qtype(node)
        value = self.env_value(node, 0)
        if isinstance(value, Quantized) and value.value in self.stored:
            # a constant dequantized and quantized again: evaluated here, exactly as
            # quant.dcast and quant.qcast compute it
            value = value.value.type.element_type.dequantize(self.stored[value.value])
        if isinstance(value, np.ndarray):  # a float constant quantized in the graph
            stored = qtype.quantize(value.astype(np.float32))
            op = self.add(quant_constant(stored, qtype), node)
            self.stored[op.results[0]] = stored
        else:
            x = self.operand(node, 0)
            op = self.add(QuantizeCastOp(x, TensorType(qtype, x.type.get_shape())), node)
        self.env[node.output[0]] = op.results[0]

    def _dequantize(self, node) -> None:
        qtype = self.qtype(node)
        value = self.env_value(node, 0)
        if isinstance(value, np.ndarray):  # a folded weight or bias: its stored integers
            if value.dtype != np.dtype(qtype.numpy_storage_dtype):
                raise self.error(node, f"dequantizes '{node.input[0]}' of type {value.dtype} "
                                       f"as {qtype.storage_spelling}")
            qtype = _narrowed(qtype, value)
            key = (node.input[0], qtype)
            if key not in self.quant_constants:
                op = self.add(quant_constant(value, qtype), node, name=node.input[0])
                self.quant_constants[key] = op.results[0]
                self.stored[op.results[0]] = value
            quantized = self.quant_constants[key]
        elif isinstance(value, SSAValue) and is_quantized(value.type):
            if value.type.element_type != qtype:
                raise self.error(node, f"dequantizes '{node.input[0]}' with parameters {qtype} "
                                       f"that differ from its quantized type {value.type.element_type}")
            quantized = value
        elif isinstance(value, SSAValue):  # integers from outside (an input): reinterpret
            quantized = self.add(StorageCastOp(value, TensorType(qtype, value.type.get_shape())),
                                 node).results[0]
        else:
            raise self.error(node, f"input '{node.input[0]}' is already dequantized")
        self.env[node.output[0]] = Quantized(quantized, node)


def _narrowed(qtype: QuantizedType, stored: np.ndarray) -> QuantizedType:
    """A symmetric signed constant (zero points 0) whose integers all lie in
    [-qmax, qmax] declared narrow-range, as TFLite's int8/int16 weights must be: ONNX has
    no range in its types, but onnxruntime's symmetric weights are narrow. Exact: the
    stored integers and their real values are unchanged."""
    if (qtype.is_signed and qtype.width in (8, 16) and not np.any(qtype.zero_points)
            and qtype.qmin == -qtype.qmax - 1 and stored.size and stored.min() >= -qtype.qmax):
        return qtype.with_storage(qtype.storage_type, -qtype.qmax, qtype.qmax)
    return qtype


def _node_name(node) -> str:
    return node.name or (node.output[0] if node.output else node.op_type)


def _attr(node, name: str, default: Any = None) -> Any:
    import onnx

    for a in node.attribute:
        if a.name == name:
            value = onnx.helper.get_attribute_value(a)
            return value.decode() if isinstance(value, bytes) else value
    return default


attr = _attr
node_name = _node_name


def _element_type(dtype: np.dtype, what: str) -> Attribute:
    import torch

    from compiler.frontend.tensor_types import element_type

    try:
        tdtype = torch.from_numpy(np.zeros((), dtype=dtype)).dtype
    except TypeError:
        raise CompileError(f"{what} has type {dtype}, which this compiler does not support") from None
    return element_type(tdtype, what)


def _name_hint(name: str) -> str | None:
    hint = "".join(c if c.isalnum() or c == "_" else "_" for c in name).strip("_")
    if not hint or hint[0].isdigit():
        return None
    return hint
