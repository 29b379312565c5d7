"""Circle/TFLite flatbuffer -> circle-dialect module.

Any single-subgraph model, ours or third party, becomes one `func.func` (named after the
subgraph, `main` when unnamed) of `circle.*` ops on tensors of quantized types:

- each constant tensor (a non-empty buffer) becomes a `circle.const` placed before its
  first user; an absent operand (index -1) a `circle.no_value`;
- each tensor name becomes the `NameLoc` of its producer (block argument or op) and the
  SSA name hint, so `qopt -t circle | qopt` prints the module it was written from;
- options become properties (`compiler.codegen.options`), quantization parameters
  quantized types (`compiler.codegen.tensors` says what the file cannot represent).

Anything the dialect cannot represent is a `CompileError` that says what: custom
operators, builtins without a circle op, several subgraphs, sparse or variable tensors,
non-affine quantization, and files that are not (or no longer, when truncated or
corrupt) a Circle/TFLite model. Calibration `min`/`max`, metadata and signature names
are informational and not kept.
"""

from __future__ import annotations

import os
import re

import numpy as np
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    BytesAttr,
    DenseIntOrFPElementsAttr,
    ModuleOp,
    NameLoc,
    StringAttr,
    TensorType,
    NoneAttr,
)
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Block, Region, SSAValue
from xdsl.irdl import VarOperandDef

from compiler.codegen.options import table_to_properties
from compiler.codegen.schema import (
    BUILTIN_NAMES,
    CIRCLE_IDENTIFIER,
    NUMPY_OF_TENSOR_TYPE,
    TENSOR_TYPE_NAMES,
    TFLITE_IDENTIFIER,
    builtin_code_of,
    schema_class,
)
from compiler.codegen.tensors import (
    element_of_circle_type,
    is_narrow_weight,
    quantized_element,
    storage_integer_of,
)
from compiler.dialects.circle import BY_BUILTIN
from compiler.dialects.circle_base import ConstOp, NoValueOp
from compiler.ir.diagnostics import CompileError, verify_module
from compiler.ir.verify_tensors import numpy_dtype

_IDENTIFIERS = (CIRCLE_IDENTIFIER, TFLITE_IDENTIFIER)
_NAME_HINT = re.compile(r"[A-Za-z_$.-][\w$.-]*")


def unpack_model(data: bytes):
    """The `ModelT` of a Circle/TFLite flatbuffer, or a `CompileError` saying why not."""
    if len(data) < 8:
        raise CompileError(
            f"not a Circle or TFLite model: {len(data)} bytes is too short for a flatbuffer"
        )
    ident = bytes(data[4:8])
    if ident not in _IDENTIFIERS:
        raise CompileError(
            f"not a Circle or TFLite model: file identifier {ident!r}, expected "
            f"{CIRCLE_IDENTIFIER.decode()!r} or {TFLITE_IDENTIFIER.decode()!r}"
        )
    root = int.from_bytes(data[0:4], "little")
    if root < 8 or root + 4 > len(data):
        raise CompileError("corrupt or truncated model: the root table lies outside the file")
    try:
        return schema_class("Model").InitFromPackedBuf(bytearray(data), 0)
    except Exception as e:  # the generated reader has no verifier: any failure is corruption
        raise CompileError(
            f"corrupt or truncated model: cannot decode the flatbuffer ({type(e).__name__}: {e})"
        ) from None


def _text(value: bytes | str | None) -> str:
    """A schema string (the object API gives bytes); invalid UTF-8 is replaced, not fatal."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""


def _vector(value) -> list:
    """A schema vector from the object API (numpy array, list or None when absent)."""
    return [] if value is None else list(value)


def _ir_shape(dims: list[int]) -> list[int]:
    return [DYNAMIC_INDEX if d == -1 else d for d in dims]


def _name_loc(name: str) -> NameLoc:
    return NameLoc(StringAttr(name), NoneAttr())


class _Reader:
    def __init__(self, model) -> None:
        self.model = model
        if not model.subgraphs:
            raise CompileError("the model has no subgraph")
        if len(model.subgraphs) != 1:
            raise CompileError(
                f"the model has {len(model.subgraphs)} subgraphs; only single-subgraph "
                "models are supported"
            )
        self.sg = model.subgraphs[0]
        self.tensors = self.sg.tensors or []
        self.buffers = model.buffers or []
        self.values: dict[int, SSAValue] = {}
        self.block = Block()
        self.no_value: SSAValue | None = None

    # ---- tensors -------------------------------------------------------------------
    def tensor(self, index: int):
        if not 0 <= index < len(self.tensors):
            raise CompileError(
                f"corrupt model: tensor index {index} out of range ({len(self.tensors)} tensors)"
            )
        return self.tensors[index]

    def name(self, index: int) -> str:
        t = self.tensor(index)
        return _text(t.name) or f"t{index}"

    def payload(self, index: int) -> np.ndarray | None:
        """The constant data of tensor `index` in its storage dtype, or None."""
        t = self.tensor(index)
        if t.buffer == 0:
            return None
        if not 0 <= t.buffer < len(self.buffers):
            raise CompileError(f"corrupt model: tensor '{self.name(index)}' names buffer "
                               f"{t.buffer} of {len(self.buffers)}")
        buf = self.buffers[t.buffer]
        if buf.offset or buf.size:
            raise CompileError(f"tensor '{self.name(index)}': buffers stored outside the "
                               "flatbuffer (models over 2 GiB) are not supported")
        if buf.data is None:
            return None
        dtype = self._dtype(index)
        raw = np.asarray(buf.data, dtype=np.uint8).tobytes()
        n = self._numel(index)
        if not raw and n:
            return None  # an empty buffer: a tensor computed at run time
        if len(raw) != n * dtype.itemsize:
            raise CompileError(
                f"corrupt model: tensor '{self.name(index)}' needs {n * dtype.itemsize} bytes "
                f"of data, its buffer has {len(raw)}"
            )
        return np.frombuffer(raw, dtype=dtype).reshape(self._shape(index))

    def _type_name(self, index: int) -> str:
        t = self.tensor(index)
        name = TENSOR_TYPE_NAMES.get(t.type)
        if name is None:
            raise CompileError(f"corrupt model: tensor '{self.name(index)}' has type {t.type}")
        return name

    def _dtype(self, index: int) -> np.dtype:
        name = self._type_name(index)
        if name not in NUMPY_OF_TENSOR_TYPE:
            raise CompileError(f"tensor '{self.name(index)}': {name} tensors are not supported")
        return NUMPY_OF_TENSOR_TYPE[name]

    def _shape(self, index: int) -> list[int]:
        """The shape, with -1 for a dynamic dimension (from `shape_signature`)."""
        t = self.tensor(index)
        dims = [int(d) for d in _vector(t.shapeSignature)] or [int(d) for d in _vector(t.shape)]
        if any(d < -1 for d in dims):
            raise CompileError(f"corrupt model: tensor '{self.name(index)}' has shape {dims}")
        return dims

    def _numel(self, index: int) -> int:
        return int(np.prod([max(d, 0) for d in self._shape(index)], dtype=np.int64))

    def tensor_type(self, index: int, payload: np.ndarray | None = None) -> TensorType:
        t = self.tensor(index)
        where = f"tensor '{self.name(index)}'"
        if t.sparsity is not None:
            raise CompileError(f"{where}: sparse tensors are not supported")
        if t.isVariable:
            raise CompileError(f"{where}: variable tensors are not supported")
        if t.variantTensors:
            raise CompileError(f"{where}: variant tensors are not supported")
        type_name = self._type_name(index)
        shape = self._shape(index)
        q = t.quantization
        scales = [float(x) for x in _vector(q.scale)] if q is not None else []
        if q is not None and q.details is not None:
            raise CompileError(f"{where}: custom or block quantization is not supported")
        if not scales:
            element = element_of_circle_type(type_name)
            if element is None:
                raise CompileError(f"{where}: {type_name} tensors are not supported")
            return TensorType(element, _ir_shape(shape))
        storage = storage_integer_of(type_name)
        if storage is None:
            raise CompileError(f"{where}: a {type_name} tensor cannot be quantized")
        zps = [int(z) for z in _vector(q.zeroPoint)] or [0] * len(scales)
        if len(zps) != len(scales):
            raise CompileError(f"{where}: {len(scales)} scales but {len(zps)} zero points")
        narrow = payload is not None and is_narrow_weight(storage, zps, payload)
        try:
            element = quantized_element(
                storage, scales, zps, int(q.quantizedDimension), narrow
            )
        except Exception as e:
            raise CompileError(f"{where}: invalid quantization parameters: {e}") from None
        return TensorType(element, _ir_shape(shape))

    # ---- values ----------------------------------------------------------------------
    def _locate(self, value: SSAValue, name: str) -> None:
        if _NAME_HINT.fullmatch(name):
            value.name_hint = name
        else:
            hint = re.sub(r"[^\w$.-]", "_", name)
            value.name_hint = hint if _NAME_HINT.fullmatch(hint) else f"_{hint}"

    def value(self, index: int, user: str) -> SSAValue:
        if index == -1:
            if self.no_value is None:
                op = NoValueOp()
                op.output.name_hint = "none"
                self.block.add_op(op)
                self.no_value = op.output
            return self.no_value
        if index in self.values:
            return self.values[index]
        payload = self.payload(index)
        if payload is None:
            raise CompileError(
                f"{user}: reads tensor '{self.name(index)}' before any operator writes it "
                "(operators must be in execution order)"
            )
        ty = self.tensor_type(index, payload)
        storage = ty.element_type
        if hasattr(storage, "storage_type"):
            storage = storage.storage_type
        data = payload.astype(numpy_dtype(storage).newbyteorder("<"), copy=False)
        # (not `dense_from_numpy`: its ascontiguousarray turns a scalar into shape [1])
        dense = DenseIntOrFPElementsAttr(
            TensorType(storage, list(payload.shape)), BytesAttr(data.tobytes())
        )
        op = ConstOp(dense, ty if ty != dense.type else None)
        name = self.name(index)
        op.location = _name_loc(name)
        self._locate(op.output, name)
        self.block.add_op(op)
        self.values[index] = op.output
        return op.output

    # ---- the function ----------------------------------------------------------------
    def read(self) -> ModuleOp:
        inputs = [int(i) for i in _vector(self.sg.inputs)]
        outputs = [int(i) for i in _vector(self.sg.outputs)]
        input_types = []
        for i in inputs:
            if self.payload(i) is not None:
                raise CompileError(f"model input '{self.name(i)}' is a constant tensor")
            input_types.append(self.tensor_type(i))
        for ty, i in zip(input_types, inputs):
            arg = self.block.insert_arg(ty, len(self.block.args))
            arg.location = _name_loc(self.name(i))
            self._locate(arg, self.name(i))
            self.values[i] = arg
        opcodes = self.model.operatorCodes or []
        for k, operator in enumerate(self.sg.operators or []):
            self.operator(k, operator, opcodes)
        results = [self.value(i, "the model output") for i in outputs]
        self.block.add_op(ReturnOp(*results))
        name = _text(self.sg.name)
        if not name or not re.fullmatch(r"[A-Za-z_][\w$.-]*", name):
            name = "main"
        func = FuncOp.from_region(
            name, input_types, [r.type for r in results], Region(self.block)
        )
        module = ModuleOp([func])
        verify_module(module)
        return module

    def operator(self, k: int, operator, opcodes) -> None:
        if not 0 <= operator.opcodeIndex < len(opcodes):
            raise CompileError(f"corrupt model: operator #{k} has opcode index "
                               f"{operator.opcodeIndex} of {len(opcodes)}")
        opcode = opcodes[operator.opcodeIndex]
        code = builtin_code_of(opcode)
        builtin = BUILTIN_NAMES.get(code, f"#{code}")
        where = f"operator #{k} ({builtin})"
        if builtin == "CUSTOM":
            custom = _text(opcode.customCode)
            raise CompileError(f"{where}: custom operator '{custom}' is not supported")
        op_class = BY_BUILTIN.get(builtin)
        if op_class is None:
            raise CompileError(
                f"{where}: the circle dialect has no op for BuiltinOperator {builtin}"
            )
        if operator.builtinOptions2Type or _vector(operator.customOptions):
            raise CompileError(f"{where}: extended or custom options are not supported")
        if _vector(operator.intermediates):
            raise CompileError(f"{where}: intermediate tensors are not supported")
        ins = [int(i) for i in _vector(operator.inputs)]
        outs = [int(i) for i in _vector(operator.outputs)]
        if -1 in outs:
            raise CompileError(f"{where}: absent (-1) operator outputs are not supported")
        defs = op_class.get_irdl_definition()
        variadic = any(isinstance(d, VarOperandDef) for _, d in defs.operands)
        if not variadic and len(ins) < len(defs.operands):
            ins += [-1] * (len(defs.operands) - len(ins))  # omitted trailing optionals
        operands = [self.value(i, where) for i in ins]
        result_types = [self.tensor_type(i) for i in outs]
        props = table_to_properties(
            op_class, operator.builtinOptionsType, operator.builtinOptions, result_types, where
        )
        op = op_class.create(operands=operands, result_types=result_types, properties=props)
        if outs:
            op.location = _name_loc(self.name(outs[0]))
        for i, r in zip(outs, op.results):
            if i in self.values:
                raise CompileError(f"{where}: tensor '{self.name(i)}' is written twice")
            self._locate(r, self.name(i))
            self.values[i] = r
        self.block.add_op(op)


def read_flatbuffer(data: bytes | bytearray | memoryview | str | os.PathLike) -> ModuleOp:
    """A Circle (`CIR0`) or TFLite (`TFL3`) model as a verified circle-dialect module.

    `data` is the file's bytes, or its path (`str` / `os.PathLike`): a file that cannot
    be read is a `CompileError` naming it, as is anything that is not a model."""
    if not isinstance(data, (str, os.PathLike)):
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise CompileError(
                f"read_flatbuffer expects the model's bytes or a path, not {type(data).__name__}"
            )
        return _Reader(unpack_model(bytes(data))).read()
    path = os.fspath(data)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise CompileError(f"cannot read the model: {e.strerror or e}", path) from None
    try:
        return _Reader(unpack_model(data)).read()
    except CompileError as e:
        if e.location is None:
            e.location = path
        raise
