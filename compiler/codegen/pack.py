"""`ModelT.Pack`, the same bytes for less: the hot tables written in bulk.

circle-schema's object API packs a model one builder call per field, each call
aligning, checking and placing one value through several layers of Python; a model of
6.7k tensors spends most of its write there. `pack_into_builder(model, builder)` writes
the same flatbuffer into the same `flatbuffers.Builder`, but the tables that occur per
tensor and per operator (Tensor, QuantizationParameters, Operator, Buffer) and the
vectors of the subgraph and the model are written here, each table with one
`struct.pack_into` per field and its vtable in one call.

Why the bytes are the same: a flatbuffer is the result of the builder's sequence of
operations, and nothing else. Every function here performs the generated `Pack` code's
sequence for its table (the same children packed in the same order, then the fields
added in the schema's order, each skipped exactly when the generated `Prepend*Slot`
skips it: a value equal to the default, `forceDefaults` never being set), with the same
alignment arithmetic (`Builder.Prep`), the same vtable layout and the same vtable
deduplication (the builder's own `vtables` dictionary, keyed as `WriteVtable` keys it).
The builder's state (`Bytes`, `head`, `minalign`, `vtables`) is read at the start of
each function and stored back at its end, so these functions and the generated `Pack`
methods (still used for everything else: operator codes, signatures, sparsity,
metadata, option tables with vectors; scalar option tables are recorded once per class
and values and written like the hot tables, see `options`) can interleave freely. Two
facts the shortcuts rest on:

- the bytes below `head` are zero: a builder starts from `bytearray(n)`, grows by
  copying its content to the end of a new zeroed `bytearray`, and only ever writes at or
  above the new head after lowering it; so padding is moving `head` (`Builder.Pad`
  writes the zeros that are already there);
- growth does not change the output: the content is kept at the end of the buffer and
  every position the builder records is an offset from that end.

Anything an object holds that the fast path does not cover (a vector that is a list
rather than a numpy array, sparsity, variant tensors, custom options, ...) makes that
object go through its generated `Pack`, on the same builder. test_pack.py compares the
two packers on the examples and on edge cases.
"""

from __future__ import annotations

import struct

import flatbuffers
import numpy as np

_pack_into = struct.pack_into
_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")
_ndarray = np.ndarray

#: format of a field given by its size; offsets (relative uoffsets) are marked `None`
_OFFSET = None


def _room(b, head: int, need: int) -> tuple[bytearray, int, int]:
    """Grow `b` (as `Builder.Prep` does) until `need` bytes fit below `head`; the
    buffer, its length and the head after any growth."""
    Bytes = b.Bytes
    while head < need:
        old = len(Bytes)
        b.head = head
        b.GrowByteBuffer()
        Bytes = b.Bytes
        head += len(Bytes) - old
    return Bytes, len(Bytes), head


def _vector(b, data, count: int, elem: int, alignment: int) -> int:
    """`StartVector(elem, count, alignment)`, the payload `data` (bytes-like, `elem *
    count` bytes) copied in one slice, `EndVector()`: the vector's offset."""
    size = elem * count
    head = b.head
    Bytes, n, head = _room(b, head, size + alignment + 8)
    # Prep(4, size) then Prep(alignment, size): pad so that the end of the payload is
    # aligned; only zeros lie below head, so padding is lowering it
    head -= (head - n - size) & 3
    head -= (head - n - size) & (alignment - 1)
    b.minalign = max(b.minalign, 4, alignment)
    head -= size
    Bytes[head:head + size] = data
    head -= 4
    _U32.pack_into(Bytes, head, count)  # EndVector: PlaceUOffsetT(count)
    b.head = head
    return n - head


#: dtype -> (element size, alignment) of the numpy vectors `numpy_vector` writes itself:
#: little-endian integers and floats of 2 bytes or more (a dtype compares equal only to
#: one of the same kind, size and byte order)
_VECTOR_DTYPES = {
    dt: (dt.itemsize, dt.alignment)
    for dt in map(np.dtype, ("<i2", "<i4", "<i8", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8"))
}


def numpy_vector(b, x: np.ndarray) -> int:
    """`b.CreateNumpyVector(x)` for a 1-D little-endian numpy array of integers or floats
    of 2 bytes or more; anything else goes to the builder's own method (which byte-swaps
    or refuses it, and may align byte vectors its own way: the writer's builder aligns
    constant payloads). The payload is `x.tobytes()`, the array's elements in order
    (what flatbuffers copies from a contiguous copy of it)."""
    spec = _VECTOR_DTYPES.get(x.dtype)
    if spec is None or x.ndim != 1:
        return b.CreateNumpyVector(x)
    return _vector(b, x.tobytes(), x.size, spec[0], spec[1])


def string(b, s: str) -> int:
    """`b.CreateString(s)` (utf-8, NUL-terminated)."""
    if isinstance(s, str):
        x = s.encode()
    elif isinstance(s, bytes):  # names of a model read back (`unpack_model`)
        x = s
    else:
        return b.CreateString(s)  # refuses it
    size = len(x)
    head = b.head
    Bytes, n, head = _room(b, head, size + 12)
    head -= (head - n - size - 1) & 3  # Prep(4, size + 1)
    if b.minalign < 4:
        b.minalign = 4
    head -= 1 + size  # Place(0, uint8): the zero is there already
    Bytes[head:head + size] = x
    head -= 4
    _U32.pack_into(Bytes, head, size)
    b.head = head
    return n - head


def offsets_vector(b, offsets: list[int]) -> int:
    """`StartVector(4, len, 4)`, `PrependUOffsetTRelative` of each offset from the last
    to the first, `EndVector()`: a vector of tables."""
    count = len(offsets)
    head = b.head
    Bytes, n, head = _room(b, head, 4 * count + 12)
    head -= (head - n) & 3  # Prep(4, 4 * count); Prep(4, 0) for each element is then a no-op
    if b.minalign < 4:
        b.minalign = 4
    start = head - 4 * count
    # element i lands at start + 4 i and holds its distance to the table it points to
    base = n - start
    _pack_into(f"<{count}I", Bytes, start,
               *[base - 4 * i - off for i, off in enumerate(offsets)])
    head = start - 4
    _U32.pack_into(Bytes, head, count)
    b.head = head
    return n - head


def table(b, slots: int, fields: list) -> int:
    """`StartObject(slots)`, the fields, `EndObject()`: the table's offset.

    `fields`: (slot, format, size, value) in the order the generated code adds them,
    only those it writes (not equal to their default); format `None` is an offset
    (`PrependUOffsetTRelativeSlot`), written as its distance from where it lands."""
    head = b.head
    Bytes, n, head = _room(b, head, 16 * len(fields) + 4 * slots + 16)
    minalign = b.minalign
    object_end = n - head
    vtable = [0] * slots
    for slot, fmt, size, value in fields:
        if size > minalign:
            minalign = size
        head -= ((head - n) & (size - 1)) + size  # Prep(size, 0): pad, then the value
        if fmt is None:
            _U32.pack_into(Bytes, head, n - head - value)
        else:
            _pack_into(fmt, Bytes, head, value)
        vtable[slot] = n - head  # Slot(slot)
    # WriteVtable: the object's soffset to its vtable, then the vtable unless an equal
    # one was written before (same key as WriteVtable: the trimmed entries from the last
    # slot down, then the object's size)
    if minalign < 4:
        minalign = 4
    head -= ((head - n) & 3) + 4
    object_offset = n - head
    key = []
    trim = True
    for elem in reversed(vtable):
        if elem == 0:
            if trim:
                continue
            key.append(0)
        else:
            key.append(object_offset - elem)
            trim = False
    key.append(object_offset - object_end)
    key = tuple(key)
    found = b.vtables.get(key)
    if found is None:
        entries = len(key) + 1  # + the vtable's own size in bytes
        head -= 2 * entries  # uint16 entries: head is 4-aligned, no padding
        _pack_into(f"<{entries}H", Bytes, head, 2 * entries, *reversed(key))
        found = n - head
        b.vtables[key] = found
    _I32.pack_into(Bytes, n - object_offset, found - object_offset)
    b.head = head
    b.minalign = minalign
    return object_offset


def _is_array_or_none(*values) -> bool:
    return all(v is None or type(v) is _ndarray for v in values)


def quantization(b, q) -> int:
    """`QuantizationParametersT.Pack(b)`."""
    if q.details is not None or not _is_array_or_none(q.min, q.max, q.scale, q.zeroPoint):
        return q.Pack(b)
    fields = []
    for slot, v in ((0, q.min), (1, q.max), (2, q.scale), (3, q.zeroPoint)):
        if v is not None:
            fields.append((slot, _OFFSET, 4, numpy_vector(b, v)))
    if q.detailsType != 0:
        fields.append((4, "<B", 1, q.detailsType))
    if q.quantizedDimension != 0:
        fields.append((6, "<i", 4, q.quantizedDimension))
    return table(b, 7, fields)


def tensor(b, t) -> int:
    """`TensorT.Pack(b)`."""
    if (t.sparsity is not None or t.variantTensors is not None
            or not _is_array_or_none(t.shape, t.shapeSignature)):
        return t.Pack(b)
    shape = numpy_vector(b, t.shape) if t.shape is not None else None
    name = string(b, t.name) if t.name is not None else None
    quant = quantization(b, t.quantization) if t.quantization is not None else None
    signature = numpy_vector(b, t.shapeSignature) if t.shapeSignature is not None else None
    fields = []
    if shape is not None:
        fields.append((0, _OFFSET, 4, shape))
    if t.type != 0:
        fields.append((1, "<b", 1, t.type))
    if t.buffer != 0:
        fields.append((2, "<I", 4, t.buffer))
    if name is not None:
        fields.append((3, _OFFSET, 4, name))
    if quant is not None:
        fields.append((4, _OFFSET, 4, quant))
    if t.isVariable != 0:
        fields.append((5, "<?", 1, t.isVariable))
    if signature is not None:
        fields.append((7, _OFFSET, 4, signature))
    if t.hasRank != 0:
        fields.append((8, "<?", 1, t.hasRank))
    if t.compressionType != 0:
        fields.append((10, "<b", 1, t.compressionType))
    return table(b, 11, fields)


class _NotScalar(Exception):
    """A generated `Pack` wrote more than scalar fields (a vector, string, table)."""


class _FieldRecorder(flatbuffers.Builder):
    """Runs a generated `Pack` without writing: records the table's slot count and the
    scalar fields it adds (`PrependSlot` is where every typed `Prepend*Slot` goes),
    each only when it differs from its default, as `PrependSlot` writes it; refuses
    (`_NotScalar`) anything else a table could write."""

    def __init__(self) -> None:
        super().__init__(0)
        self.slots = 0
        self.fields: list = []

    def StartObject(self, numfields):  # noqa: N802 - flatbuffers' spelling
        self.slots = numfields

    def PrependSlot(self, flags, o, x, d):  # noqa: N802
        if x != d:
            self.fields.append((o, flags.packer_type.format, flags.bytewidth, x))

    def EndObject(self):  # noqa: N802
        return 0

    def _refuse(self, *args, **kwargs):
        raise _NotScalar

    StartVector = CreateString = CreateNumpyVector = CreateByteVector = _refuse
    PrependUOffsetTRelativeSlot = PrependStructSlot = PrependUOffsetTRelative = _refuse


#: (options class, its fields' values) -> (slots, fields) to write, or None when the
#: table is not scalar-only (then its own `Pack` writes it)
_SCALAR_TABLES: dict[tuple, tuple | None] = {}
_SCALARS = (bool, int, float, type(None))


def _value_key(value) -> tuple:
    # the type and, for floats, the bits: 0.0 == -0.0 and True == 1 must not share
    return (type(value), struct.pack("<d", value) if type(value) is float else value)


def options(b, obj) -> int:
    """`obj.Pack(b)` for an options table (`Conv2DOptionsT`, ...).

    Option tables of scalar fields are the same few values over and over: the fields
    their generated `Pack` adds are recorded once per class and values
    (`_FieldRecorder`) and written by `table`. Sound because such a `Pack` is straight
    code over the object's own attributes (`vars(obj)`), all in the key, with no
    branch: equal keys, equal calls. Anything else (a vector, a string, a value that is
    not a bool, int, float or None) goes through its own `Pack`."""
    values = vars(obj)
    if not all(type(v) in _SCALARS for v in values.values()):
        return obj.Pack(b)
    key = (type(obj), *[(k, *_value_key(v)) for k, v in values.items()])
    spec = _SCALAR_TABLES.get(key, False)
    if spec is False:
        recorder = _FieldRecorder()
        try:
            obj.Pack(recorder)
            spec = (recorder.slots, tuple(recorder.fields))
        except _NotScalar:
            spec = None
        if len(_SCALAR_TABLES) > 4096:  # a bound; the cache only saves time
            _SCALAR_TABLES.clear()
        _SCALAR_TABLES[key] = spec
    if spec is None:
        return obj.Pack(b)
    return table(b, spec[0], list(spec[1]))


def operator(b, o) -> int:
    """`OperatorT.Pack(b)`."""
    if (o.customOptions is not None or o.mutatingVariableInputs is not None
            or o.intermediates is not None or o.builtinOptions2 is not None
            or not _is_array_or_none(o.inputs, o.outputs)):
        return o.Pack(b)
    inputs = numpy_vector(b, o.inputs) if o.inputs is not None else None
    outputs = numpy_vector(b, o.outputs) if o.outputs is not None else None
    opts = options(b, o.builtinOptions) if o.builtinOptions is not None else None
    fields = []
    if o.opcodeIndex != 0:
        fields.append((0, "<I", 4, o.opcodeIndex))
    if inputs is not None:
        fields.append((1, _OFFSET, 4, inputs))
    if outputs is not None:
        fields.append((2, _OFFSET, 4, outputs))
    if o.builtinOptionsType != 0:
        fields.append((3, "<B", 1, o.builtinOptionsType))
    if opts is not None:
        fields.append((4, _OFFSET, 4, opts))
    if o.customOptionsFormat != 0:
        fields.append((6, "<b", 1, o.customOptionsFormat))
    if o.largeCustomOptionsOffset != 0:
        fields.append((9, "<Q", 8, o.largeCustomOptionsOffset))
    if o.largeCustomOptionsSize != 0:
        fields.append((10, "<Q", 8, o.largeCustomOptionsSize))
    if o.builtinOptions2Type != 0:
        fields.append((11, "<B", 1, o.builtinOptions2Type))
    if o.debugMetadataIndex != -1:
        fields.append((13, "<i", 4, o.debugMetadataIndex))
    return table(b, 14, fields)


def buffer(b, buf) -> int:
    """`BufferT.Pack(b)`; the payload through the builder's own `CreateNumpyVector`
    (one copy, aligned as the builder aligns byte vectors)."""
    data = buf.data
    if data is not None and type(data) is not _ndarray:
        return buf.Pack(b)
    fields = []
    if data is not None:
        fields.append((0, _OFFSET, 4, b.CreateNumpyVector(data)))
    if buf.offset != 0:
        fields.append((1, "<Q", 8, buf.offset))
    if buf.size != 0:
        fields.append((2, "<Q", 8, buf.size))
    return table(b, 3, fields)


def subgraph(b, sg) -> int:
    """`SubGraphT.Pack(b)`."""
    if not _is_array_or_none(sg.inputs, sg.outputs):
        return sg.Pack(b)
    tensors = (offsets_vector(b, [tensor(b, t) for t in sg.tensors])
               if sg.tensors is not None else None)
    inputs = numpy_vector(b, sg.inputs) if sg.inputs is not None else None
    outputs = numpy_vector(b, sg.outputs) if sg.outputs is not None else None
    operators = (offsets_vector(b, [operator(b, o) for o in sg.operators])
                 if sg.operators is not None else None)
    name = string(b, sg.name) if sg.name is not None else None
    fields = []
    for slot, v in ((0, tensors), (1, inputs), (2, outputs), (3, operators), (4, name)):
        if v is not None:
            fields.append((slot, _OFFSET, 4, v))
    if sg.debugMetadataIndex != -1:
        fields.append((6, "<i", 4, sg.debugMetadataIndex))
    return table(b, 7, fields)


def model(b, m) -> int:
    """`ModelT.Pack(b)`."""
    if m.metadataBuffer is not None and type(m.metadataBuffer) is not _ndarray:
        return m.Pack(b)
    codes = (offsets_vector(b, [c.Pack(b) for c in m.operatorCodes])
             if m.operatorCodes is not None else None)
    subgraphs = (offsets_vector(b, [subgraph(b, sg) for sg in m.subgraphs])
                 if m.subgraphs is not None else None)
    description = string(b, m.description) if m.description is not None else None
    buffers = (offsets_vector(b, [buffer(b, x) for x in m.buffers])
               if m.buffers is not None else None)
    metadata_buffer = (numpy_vector(b, m.metadataBuffer)
                       if m.metadataBuffer is not None else None)
    metadata = (offsets_vector(b, [x.Pack(b) for x in m.metadata])
                if m.metadata is not None else None)
    signatures = (offsets_vector(b, [x.Pack(b) for x in m.signatureDefs])
                  if m.signatureDefs is not None else None)
    fields = []
    if m.version != 0:
        fields.append((0, "<I", 4, m.version))
    for slot, v in ((1, codes), (2, subgraphs), (3, description), (4, buffers),
                    (5, metadata_buffer), (6, metadata), (7, signatures)):
        if v is not None:
            fields.append((slot, _OFFSET, 4, v))
    return table(b, 8, fields)
