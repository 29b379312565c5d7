"""Module -> Circle model (`ModelT`, circle-schema's object API) -> flatbuffer bytes.

Input contract: a `builtin.module` holding one `func.func` whose body has only `circle.*`
ops and `func.return`. The output model has:

- buffer 0, the empty sentinel; one buffer per distinct constant payload (identical bytes
  share a buffer), 16-byte aligned as TFLite's converter does;
- one operator code per distinct builtin operator (version 1, which both LiteRT and onert
  accept for every kernel this compiler emits, int16 and per-channel included);
- one tensor per SSA value: its shape, storage type, name and quantization parameters;
  a `none` operand (`circle.no_value`) is tensor index -1. Tensors are numbered in
  execution order: the inputs, then per operator its constants not seen before and its
  results. This order does not depend on where constants sit in the IR, so
  write -> read -> write gives the same bytes. A constant nothing uses is not a tensor
  of the model and is not written;
- one subgraph named after the function, with its inputs and outputs;
- one signature def, "serving_default", listing inputs and outputs by tensor name;
- the description "pt2e-circle <version>".

Tensor names: an op result located at `NameLoc("conv1", ...)` is named `conv1` (`conv1:1`,
`conv1:2` for further results; a `NameLoc` inside a fused or call-site location counts),
a block argument by its location the same way; without one, the SSA name (`%q` -> `q`),
else a generated `t<N>`. Names are made unique with a
`_<k>` suffix.
"""

from __future__ import annotations

import math
import mmap
from collections.abc import Iterator

import flatbuffers
import numpy as np
from xdsl.dialects.builtin import (
    CallSiteLoc,
    DenseIntOrFPElementsAttr,
    Float32Type,
    FusedLoc,
    ModuleOp,
    NameLoc,
    NoneType,
    TensorType,
)
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Attribute, Operation, SSAValue

import compiler
from compiler.codegen import pack
from compiler.codegen.options import options_to_table
from compiler.codegen.schema import (
    BUILTIN_CODES,
    CIRCLE_IDENTIFIER,
    NUMPY_OF_TENSOR_TYPE,
    SCHEMA_VERSION,
    deprecated_code_for,
    schema_class,
)
from compiler.codegen.tensors import circle_type_name, quantization_of, tensor_type_code
from compiler.dialects.circle_base import CircleOp, ConstOp, NoValueOp
from compiler.ir.collector import gc_paused
from compiler.ir.diagnostics import CompileError, error_at, verify_module
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType
from compiler.ir.verify_tensors import dense_as_numpy, numpy_dtype

#: Alignment of constant payloads (TFLite's converter uses 16; XNNPACK reads weights
#: in place, and aligned data is never copied).
BUFFER_ALIGNMENT = 16
#: Flatbuffers use 32-bit offsets: a model must stay below 2 GiB.
MAX_MODEL_BYTES = (1 << 31) - 1
SIGNATURE_KEY = "serving_default"


def model_function(module: ModuleOp) -> FuncOp:
    """The one `func.func` of a module, or a located error."""
    funcs = [op for op in module.body.ops if isinstance(op, FuncOp)]
    others = [op for op in module.body.ops if not isinstance(op, FuncOp)]
    if others:
        raise error_at(others[0], "only one func.func may appear at the top level of a model")
    if len(funcs) != 1:
        raise CompileError(f"a model is one func.func; this module has {len(funcs)}")
    func = funcs[0]
    if func.body.blocks.first is None or len(func.body.blocks) != 1:
        raise error_at(func, "the model function must have exactly one block")
    return func


def location_name(loc: Attribute | None) -> str | None:
    """The user-facing name in a location: a `NameLoc`'s text, looked for through
    call-site (callee) and fused (first named part) locations."""
    if isinstance(loc, NameLoc):
        return loc.desc.data
    if isinstance(loc, CallSiteLoc):
        return location_name(loc.callee)
    if isinstance(loc, FusedLoc):
        for part in loc.locations.data:
            name = location_name(part)
            if name is not None:
                return name
    return None


class _ModelBuilder:
    """Collects tensors, buffers and operator codes while walking the function once."""

    def __init__(self) -> None:
        self.tensors: list = []
        self.index: dict[SSAValue, int] = {}
        self.names: set[str] = set()
        self.buffers: list = [schema_class("Buffer")()]  # 0: the empty sentinel
        self.buffer_of_bytes: dict[bytes, int] = {}
        self.opcodes: list = []
        self.opcode_index: dict[str, int] = {}
        self.payload_dtypes: dict[int, tuple[Attribute, np.dtype]] = {}

    # ---- names ---------------------------------------------------------------------
    def unique_name(self, preferred: str | None) -> str:
        base = preferred or f"t{len(self.tensors)}"
        name, k = base, 0
        while name in self.names:
            k += 1
            name = f"{base}_{k}"
        self.names.add(name)
        return name

    @staticmethod
    def preferred_name(value: SSAValue, location: Attribute | None, result_no: int) -> str | None:
        desc = location_name(location)
        if desc is not None:
            return desc if result_no == 0 else f"{desc}:{result_no}"
        return value.name_hint

    # ---- tensors -------------------------------------------------------------------
    def add_tensor(self, value: SSAValue, name: str | None, where: Operation, buffer: int = 0) -> int:
        t = value.type
        if not isinstance(t, TensorType):
            raise error_at(where, f"value of type {t} cannot be a Circle tensor")
        element = t.element_type
        type_name = circle_type_name(element)
        if type_name is None:
            raise error_at(where, f"element type {element} has no Circle tensor type")
        if isinstance(element, (UniformQuantizedType, UniformQuantizedPerAxisType)):
            if not isinstance(element.expressed_type, Float32Type):
                raise error_at(
                    where,
                    f"quantized type {element} expresses {element.expressed_type}; "
                    "Circle quantization is always relative to f32",
                )
        tensor = schema_class("Tensor")()
        shape = t.get_shape()
        if min(shape, default=0) >= 0:  # static: the shape as it is
            tensor.shape = np.array(shape, dtype=np.int32)
        else:  # dynamic dimensions are 1 in the shape, -1 in its signature
            tensor.shape = np.array([d if d >= 0 else 1 for d in shape], dtype=np.int32)
            tensor.shapeSignature = np.array([max(d, -1) for d in shape], dtype=np.int32)
        tensor.type = tensor_type_code(type_name)
        tensor.buffer = buffer
        tensor.name = self.unique_name(name)
        tensor.quantization = quantization_of(element)
        self.tensors.append(tensor)
        self.index[value] = len(self.tensors) - 1
        return self.index[value]

    def add_buffer(self, payload: bytes) -> int:
        if payload in self.buffer_of_bytes:
            return self.buffer_of_bytes[payload]
        buffer = schema_class("Buffer")()
        buffer.data = np.frombuffer(payload, dtype=np.uint8)
        self.buffers.append(buffer)
        self.buffer_of_bytes[payload] = len(self.buffers) - 1
        return len(self.buffers) - 1

    def add_constant(self, op: ConstOp) -> None:
        output, value = op.output, op.value  # (IRDL accessors: read once)
        t = output.type
        assert isinstance(t, TensorType)
        type_name = circle_type_name(t.element_type)
        if type_name is None or type_name not in NUMPY_OF_TENSOR_TYPE:
            raise error_at(op, f"constant of element type {t.element_type} cannot be written")
        # The payload is already in the storage type; splats are expanded to every element.
        storage = NUMPY_OF_TENSOR_TYPE[type_name]
        stored = value.data.data
        if self.holds_every_element(value, storage):
            payload = stored  # the attribute's own bytes: no copy of the weights
        else:
            payload = np.ascontiguousarray(dense_as_numpy(value)).astype(
                storage, copy=False).tobytes()
        self.add_tensor(output, self.preferred_name(output, op.location, 0), op,
                        self.add_buffer(payload))

    def holds_every_element(self, value: DenseIntOrFPElementsAttr, dtype: np.dtype) -> bool:
        """Whether `dense_as_numpy(value)` is of `dtype` and its bytes are the payload's:
        the payload's numpy type (little-endian, as `dense_as_numpy` reads it) is `dtype`
        and it holds every element (a splat holds one; a payload of another length makes
        `dense_as_numpy` fail, and is left to it). The numpy type is found once per
        element type object (`numpy_dtype` builds one each call)."""
        t = value.type
        element = t.element_type
        known = self.payload_dtypes.get(id(element))  # (the key's object is held: id stays)
        if known is None:
            known = self.payload_dtypes[id(element)] = (
                element, numpy_dtype(element).newbyteorder("<"))
        return (known[1] == dtype
                and math.prod(t.get_shape()) * dtype.itemsize == len(value.data.data))

    def operand_index(self, value: SSAValue, user: Operation) -> int:
        t = value.type
        # (a `TensorType` is no `NoneType`: skip the ABC check for the common case)
        if type(t) is not TensorType and isinstance(t, NoneType):
            return -1
        if value not in self.index and isinstance(value.owner, ConstOp):
            self.add_constant(value.owner)  # constants are numbered at their first use
        if value not in self.index:
            raise error_at(user, "uses a value that is not a tensor of this model")
        return self.index[value]

    # ---- operators -----------------------------------------------------------------
    def opcode(self, op: CircleOp) -> int:
        name = op.BUILTIN
        assert name is not None
        if name not in self.opcode_index:
            if name not in BUILTIN_CODES:
                raise error_at(op, f"BuiltinOperator {name} is not in the Circle schema")
            code = schema_class("OperatorCode")()
            code.builtinCode = BUILTIN_CODES[name]
            code.deprecatedBuiltinCode = deprecated_code_for(BUILTIN_CODES[name])
            code.version = 1
            self.opcodes.append(code)
            self.opcode_index[name] = len(self.opcodes) - 1
        return self.opcode_index[name]

    def add_operator(self, op: CircleOp):
        operator = schema_class("Operator")()
        operator.opcodeIndex = self.opcode(op)
        operator.inputs = np.array(
            [self.operand_index(v, op) for v in op.operands], dtype=np.int32
        )
        outputs = []
        for i, r in enumerate(op.results):
            outputs.append(self.add_tensor(r, self.preferred_name(r, op.location, i), op))
        operator.outputs = np.array(outputs, dtype=np.int32)
        operator.builtinOptionsType, operator.builtinOptions = options_to_table(op)
        return operator


@gc_paused()
def build_model(module: ModuleOp):
    """The `ModelT` of a verified module (see the module docstring for what it contains);
    a module that does not verify is refused with the verifier's located message."""
    verify_module(module)
    func = model_function(module)
    b = _ModelBuilder()
    block = func.body.block
    inputs = [
        b.add_tensor(arg, b.preferred_name(arg, arg.location, 0), func) for arg in block.args
    ]
    operators = []
    outputs: list[int] | None = None
    for op in block.ops:
        kind = _role(type(op))
        if kind is _CONSTANT:
            continue  # constants become tensors where they are first used
        if kind is _RETURN:
            outputs = [b.operand_index(v, op) for v in op.arguments]
            if -1 in outputs:
                raise error_at(op, "a model output cannot be an absent (none) value")
        elif kind is _OPERATOR:
            operators.append(b.add_operator(op))
        else:
            raise error_at(op, "is not a circle operator; lower it before writing a flatbuffer")
    if outputs is None:
        raise error_at(func, "the model function has no func.return")

    subgraph = schema_class("SubGraph")()
    subgraph.tensors = b.tensors
    subgraph.inputs = np.array(inputs, dtype=np.int32)
    subgraph.outputs = np.array(outputs, dtype=np.int32)
    subgraph.operators = operators
    subgraph.name = func.sym_name.data

    signature = schema_class("SignatureDef")()
    signature.signatureKey = SIGNATURE_KEY
    signature.subgraphIndex = 0
    signature.inputs = [_tensor_map(b.tensors[i].name, i) for i in inputs]
    signature.outputs = [_tensor_map(b.tensors[i].name, i) for i in outputs]

    model = schema_class("Model")()
    model.version = SCHEMA_VERSION
    model.operatorCodes = b.opcodes
    model.subgraphs = [subgraph]
    model.description = f"pt2e-circle {compiler.__version__}"
    model.buffers = b.buffers
    model.signatureDefs = [signature]
    return model


_CONSTANT, _RETURN, _OPERATOR, _OTHER = "constant", "return", "operator", "other"
#: op class -> its role in the model (`_role`)
_ROLES: dict[type, str] = {}


def _role(cls: type[Operation]) -> str:
    """What an op of class `cls` becomes: a constant (`circle.const`, `circle.no_value`:
    a tensor, or index -1), the return (the outputs), an operator (a circle op naming a
    BuiltinOperator), or nothing a model holds. A function of the class alone
    (`BUILTIN` is a class variable), asked once per class instead of three `isinstance`
    checks per op."""
    role = _ROLES.get(cls)
    if role is None:
        if issubclass(cls, (NoValueOp, ConstOp)):
            role = _CONSTANT
        elif issubclass(cls, ReturnOp):
            role = _RETURN
        elif issubclass(cls, CircleOp) and cls.BUILTIN is not None:
            role = _OPERATOR
        else:
            role = _OTHER
        _ROLES[cls] = role
    return role


def _tensor_map(name: str, index: int):
    m = schema_class("TensorMap")()
    m.name = name
    m.tensorIndex = index
    return m


class _AlignedBuilder(flatbuffers.Builder):
    """A builder that aligns byte vectors (buffer payloads) to `BUFFER_ALIGNMENT`."""

    def CreateNumpyVector(self, x):  # noqa: N802 - flatbuffers' spelling
        if isinstance(x, np.ndarray) and x.dtype == np.uint8 and x.ndim == 1:
            self.StartVector(1, x.size, BUFFER_ALIGNMENT)
            self.head = self.head - x.size
            self.Bytes[self.head : self.head + x.size] = memoryview(np.ascontiguousarray(x))
            self.vectorNumElems = x.size
            return self.EndVector()
        return super().CreateNumpyVector(x)


class _PayloadHoleBuilder(_AlignedBuilder):
    """The writer's builder: `_AlignedBuilder`'s bytes, without a copy of the payloads.

    Its buffer is an anonymous mapping, whose pages take memory only once written; a
    byte vector (a constant's payload) gets its place, length and alignment as
    `_AlignedBuilder` gives them, but its bytes are not copied in: the place stays a
    hole of untouched zero pages, and the array is remembered (`holes`) to be written
    there when the flatbuffer is output (`Flatbuffer.chunks`). The weights are then not
    held a second time while the model is written (the IR holds them), and a file is
    written from the IR's bytes directly. If the buffer must grow (never, at
    `_packed_size_bound`), flatbuffers' own growth copies it into a `bytearray`: the
    holes are then resident zeros, and the output is the same."""

    def __init__(self, size: int):
        super().__init__(0)
        self.Bytes = mmap.mmap(-1, size)
        self.head = size
        self.holes: list[tuple[int, np.ndarray]] = []  # (hole's offset from the end, bytes)

    def CreateNumpyVector(self, x):  # noqa: N802 - flatbuffers' spelling
        if isinstance(x, np.ndarray) and x.dtype == np.uint8 and x.ndim == 1:
            self.StartVector(1, x.size, BUFFER_ALIGNMENT)
            self.head = self.head - x.size
            self.holes.append((len(self.Bytes) - self.head, np.ascontiguousarray(x)))
            self.vectorNumElems = x.size
            return self.EndVector()
        return super().CreateNumpyVector(x)


class Flatbuffer:
    """A finished flatbuffer: the builder's bytes and, in their holes, the payloads
    (views of the arrays the model holds, read when output: do not change them before)."""

    def __init__(self, builder: _PayloadHoleBuilder):
        self._builder = builder
        self.size = len(builder.Bytes) - builder.Head()

    def chunks(self) -> Iterator[memoryview]:
        """The file's bytes, in order, as views: write them one after the other."""
        b = self._builder
        end = len(b.Bytes)
        whole = memoryview(b.Bytes)
        at = b.Head()
        for start, payload in sorted(((end - off, x) for off, x in b.holes),
                                     key=lambda hole: hole[0]):
            yield whole[at:start]
            yield memoryview(payload)
            at = start + payload.size
        yield whole[at:end]

    def tobytes(self) -> bytes:
        """The file's bytes (one copy)."""
        return b"".join(self.chunks())


@gc_paused()
def serialize(model, identifier: bytes = CIRCLE_IDENTIFIER) -> Flatbuffer:
    """Serialize a `ModelT` with a 4-byte file identifier: the bytes `ModelT.Pack` gives
    on an `_AlignedBuilder` (`compiler.codegen.pack` writes the hot tables faster,
    the same bytes), the payloads left in place until output."""
    size = sum(len(b.data) for b in model.buffers or [] if b.data is not None)
    if size > MAX_MODEL_BYTES:
        raise CompileError(
            f"the constants take {size} bytes; a flatbuffer model must stay below 2 GiB"
        )
    builder = _PayloadHoleBuilder(_packed_size_bound(model, size))
    builder.Finish(pack.model(builder, model), file_identifier=identifier)
    return Flatbuffer(builder)


def pack_model(model, identifier: bytes = CIRCLE_IDENTIFIER) -> bytes:
    """Serialize a `ModelT` with a 4-byte file identifier (`serialize`'s bytes)."""
    return serialize(model, identifier).tobytes()


def _packed_size_bound(model, payload: int) -> int:
    """A size the packed `model` (`payload` bytes of constants) stays within, so that the
    builder never grows: each growth copies the whole buffer, weights included, into one
    twice as large, and the old one is alive during the copy. Bytes of metadata per
    tensor, operator and quantization parameter, with a margin (measured on the examples:
    about 120 per tensor besides 12 per quantization channel); the result does not depend
    on it (a flatbuffer is built from the end)."""
    size = 4096 + payload + len(model.buffers or []) * (BUFFER_ALIGNMENT + 16)
    for subgraph in model.subgraphs or []:
        for t in subgraph.tensors or []:
            size += 256 + len(t.name or "") + 8 * len(t.shape if t.shape is not None else [])
            q = t.quantization
            if q is not None:
                size += 8 * sum(len(v) for v in (q.scale, q.zeroPoint, q.min, q.max)
                                if v is not None)
        for op in subgraph.operators or []:
            size += 256 + 4 * sum(len(v) for v in (op.inputs, op.outputs) if v is not None)
    return size


def write_circle(module: ModuleOp) -> bytes:
    """The Circle flatbuffer (identifier `CIR0`, schema 0.10) of a circle-dialect module."""
    return serialize_circle(module).tobytes()


def serialize_circle(module: ModuleOp) -> Flatbuffer:
    """`write_circle`'s flatbuffer, its payloads still the IR's (`Flatbuffer.chunks`
    writes a file without a copy of the weights)."""
    return serialize(build_model(module), CIRCLE_IDENTIFIER)
