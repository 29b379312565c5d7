"""`compiler.codegen.pack` writes the bytes circle-schema's `ModelT.Pack` writes.

The writer packs with `pack.model` on a builder that leaves the payloads in place
(`writer.serialize`); the reference is the generated object API on flatbuffers' own
builder (`_AlignedBuilder`, started small so that it grows). Compared on a compiled
model, on the same model read back (names as bytes), and with every field the fast path
writes or hands back to the generated code set to a non-default value: the bytes must
be identical, vtable sharing and alignment padding included.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
import torch.nn as nn

from compiler.codegen import pack
from compiler.codegen.reader import unpack_model
from compiler.codegen.schema import CIRCLE_IDENTIFIER, schema_class
from compiler.codegen.writer import (
    Flatbuffer,
    _AlignedBuilder,
    _PayloadHoleBuilder,
    build_model,
    pack_model,
    serialize,
)
from compiler.frontend import import_graph_module, quantize_graph_module
from compiler.transforms.pipelines import lower

torch.set_num_threads(1)


def _object_api(model, identifier=CIRCLE_IDENTIFIER) -> bytes:
    b = _AlignedBuilder(64)
    b.Finish(model.Pack(b), file_identifier=identifier)
    return bytes(b.Output())


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    m = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 4, 1),
                      nn.Flatten(), nn.Linear(4 * 6 * 6, 5)).eval()
    x = torch.randn(1, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    gm = quantize_graph_module(m, (x,), [(x,), (x * 0.5,)], progress=False)
    module = import_graph_module(gm)
    lower(module, scheme="uint8", verify_each=False)
    return build_model(module)


def test_compiled_model_and_its_read_back_pack_as_the_object_api(model):
    data = pack_model(model)
    assert data == _object_api(model)
    back = unpack_model(data)  # bytes names, numpy vectors, options read back
    assert pack_model(back) == _object_api(back) == data


def test_every_field_packs_as_the_object_api(model):
    m = copy.deepcopy(model)
    sg = m.subgraphs[0]
    sg.debugMetadataIndex = 2
    t0, t1, t2, t3 = sg.tensors[:4]
    t0.isVariable = True
    t0.hasRank = True
    t0.shapeSignature = np.array([-1, *t0.shape[1:]], dtype=np.int32)
    t1.compressionType = 1
    t1.name = None
    t2.shape = [int(d) for d in t2.shape]  # a list: the generated code's path
    t3.shape = np.zeros(0, dtype=np.int32)  # an empty vector
    q = t1.quantization or schema_class("QuantizationParameters")()
    q.min, q.max = np.array([-1.5], np.float32), [2.5]
    q.zeroPoint = np.arange(3, dtype=np.int64)  # 8-byte elements: 8-byte alignment
    q.quantizedDimension = 3
    t1.quantization = q
    sparse = sg.tensors[4]
    sparse.sparsity = schema_class("SparsityParameters")()
    sparse.sparsity.traversalOrder = np.array([0, 1], dtype=np.int32)
    op0, op1 = sg.operators[:2]
    op0.customOptions = np.arange(5, dtype=np.uint8)
    op0.customOptionsFormat = 0
    op1.intermediates = np.array([1], dtype=np.int32)
    op1.debugMetadataIndex = 7
    op1.largeCustomOptionsOffset, op1.largeCustomOptionsSize = 1 << 33, 12
    sg.operators[2].inputs = [int(i) for i in sg.operators[2].inputs]
    m.buffers[1].offset, m.buffers[1].size = 64, 4
    m.buffers.append(schema_class("Buffer")())
    m.buffers[-1].data = np.zeros(0, dtype=np.uint8)
    m.metadataBuffer = np.array([1, 2], dtype=np.int32)
    meta = schema_class("Metadata")()
    meta.name, meta.buffer = "min_runtime_version", 1
    m.metadata = [meta]
    assert pack_model(m) == _object_api(m)
    assert pack_model(m, b"TFL3") == _object_api(m, b"TFL3")


def test_payloads_are_written_in_place_of_their_holes(model):
    fb = serialize(model)
    chunks = list(fb.chunks())
    assert sum(len(c) for c in chunks) == fb.size
    # every constant's bytes come from the model's own array, not from a copy
    assert len(chunks) == 2 * sum(1 for b in model.buffers if b.data is not None) + 1
    assert b"".join(chunks) == _object_api(model)


def test_a_builder_that_grows_writes_the_same_bytes(model):
    """Started far too small, the writer's builder grows (flatbuffers' own growth, into a
    bytearray, holes included) and still writes the object API's bytes."""
    b = _PayloadHoleBuilder(64)
    b.Finish(pack.model(b, model), file_identifier=CIRCLE_IDENTIFIER)
    assert len(b.Bytes) > 64 and b.holes
    assert Flatbuffer(b).tobytes() == _object_api(model)


def test_option_tables_pack_as_the_object_api(model):
    """Scalar option tables are replayed from a record per class and values (tables of
    other values get their own), and a table with a vector goes through its own
    `Pack`."""
    m = copy.deepcopy(model)
    sg = m.subgraphs[0]
    tables = []
    for alpha in (0.25, 0.5, 0.25, -0.0, 0.0, 0.5):
        t = schema_class("LeakyReluOptions")()
        t.alpha = alpha
        tables.append(t)
    reshape = schema_class("ReshapeOptions")()
    reshape.newShape = np.array([1, -1], dtype=np.int32)
    tables.append(reshape)
    for t in tables:  # operators of the first one's tensors, each with one table
        op = copy.deepcopy(sg.operators[0])
        op.builtinOptions = t
        sg.operators.append(op)
    assert pack_model(m) == _object_api(m)
