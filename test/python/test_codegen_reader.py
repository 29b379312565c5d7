"""read_flatbuffer: our models round-trip exactly; third-party models (built here with
TFLite's own schema bindings, the way other converters write them) come in as circle IR;
what the dialect cannot represent, and corrupt or truncated files, are clear
`CompileError`s and nothing else."""

from __future__ import annotations

import numpy as np
import pytest
from test_codegen_models import MODELS, PROBES, TFLITE_REFUSED
from xdsl.dialects.builtin import NameLoc

from compiler.codegen import read_flatbuffer, write_circle, write_tflite
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType
from compiler.ir.verify_tensors import dense_as_numpy

ALL = {**MODELS, **PROBES}


@pytest.mark.parametrize("name", sorted(ALL))
def test_round_trip_is_the_identity(name):
    """module -> .circle -> module prints identically (names, types, payloads, options),
    and writing the read-back module gives the same bytes; the same through .tflite."""
    module = ALL[name]()
    data = write_circle(module)
    back = read_flatbuffer(data)
    assert back.is_structurally_equivalent(module)
    assert str(back) == str(module)  # SSA names (from tensor names) too
    assert write_circle(back) == data
    if name not in TFLITE_REFUSED:
        assert str(read_flatbuffer(write_tflite(module))) == str(module)


def test_locations_are_the_tensor_names():
    back = read_flatbuffer(write_circle(MODELS["conv_i8"]()))
    func = next(iter(back.body.ops))
    assert func.body.block.args[0].location.desc.data == "x"
    locs = [op.location.desc.data for op in func.body.block.ops if isinstance(op.location, NameLoc)]
    assert locs == ["x_q", "conv_w", "conv_b", "conv", "dw_w", "dw_b", "dwconv", "add", "pool", "y"]


# ---- third-party models, written with TFLite's schema -------------------------------------

tfl = pytest.importorskip("ai_edge_litert.schema_py_generated")


def _tensor(name, shape, ttype, buffer=0, scale=None, zp=None, dim=0):
    t = tfl.TensorT()
    t.name, t.shape, t.type, t.buffer = name, np.array(shape, np.int32), ttype, buffer
    if scale is not None:
        q = tfl.QuantizationParametersT()
        q.scale, q.zeroPoint, q.quantizedDimension = list(scale), list(zp), dim
        q.min, q.max = [-1.0], [1.0]  # calibration statistics, as converters leave them
        t.quantization = q
    return t


def _buffer(array=None):
    b = tfl.BufferT()
    if array is not None:
        b.data = np.frombuffer(np.ascontiguousarray(array).tobytes(), np.uint8)
    return b


def _opcode(code, version=1, new_style=True):
    c = tfl.OperatorCodeT()
    c.deprecatedBuiltinCode = code if code < 127 else 127
    c.builtinCode = code if new_style else 0
    c.version = version
    return c


def _operator(opcode, inputs, outputs, options_type=0, options=None):
    op = tfl.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = opcode, list(inputs), list(outputs)
    op.builtinOptionsType, op.builtinOptions = options_type, options
    return op


def _pack(tensors, buffers, opcodes, operators, inputs, outputs, subgraphs=1):
    sg = tfl.SubGraphT()
    sg.tensors, sg.inputs, sg.outputs, sg.operators = tensors, inputs, outputs, operators
    m = tfl.ModelT()
    m.version, m.operatorCodes, m.buffers = 3, opcodes, buffers
    m.subgraphs = [sg] * subgraphs
    m.description = "some other converter"
    import flatbuffers

    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def third_party_conv(**overrides):
    """x:0 (i8) -> CONV_2D(weights, no bias: 2 inputs) -> RESHAPE(new_shape set) -> out.
    Old-style opcodes (only the deprecated code set), version 3 conv, names with ':'."""
    rng = np.random.default_rng(3)
    w = rng.integers(-128, 128, [2, 1, 1, 3]).astype(np.int8)
    w[0, 0, 0, 0] = -128  # full range: not narrow
    T = tfl.TensorType
    tensors = [
        _tensor("serving_default_x:0", [1, 2, 2, 3], T.INT8, 0, [0.5], [-1]),
        _tensor("conv/weights", [2, 1, 1, 3], T.INT8, 1, [0.25, 0.125], [0, 0], 0),
        _tensor("conv;out", [1, 2, 2, 2], T.INT8, 0, [1.0], [2]),
        _tensor("shape", [2], T.INT32, 2),
        _tensor("Identity", [1, 8], T.INT8, 0, [1.0], [2]),
    ]
    buffers = [_buffer(), _buffer(w), _buffer(np.array([1, 8], np.int32))]
    conv_opts = tfl.Conv2DOptionsT()
    conv_opts.padding, conv_opts.strideW, conv_opts.strideH = tfl.Padding.VALID, 1, 1
    conv_opts.fusedActivationFunction = tfl.ActivationFunctionType.RELU6
    reshape_opts = tfl.ReshapeOptionsT()
    reshape_opts.newShape = [1, 8]
    opcodes = [_opcode(tfl.BuiltinOperator.CONV_2D, 3, new_style=False),
               _opcode(tfl.BuiltinOperator.RESHAPE)]
    operators = [
        _operator(0, [0, 1], [2], tfl.BuiltinOptions.Conv2DOptions, conv_opts),
        _operator(1, [2, 3], [4], tfl.BuiltinOptions.ReshapeOptions, reshape_opts),
    ]
    parts = dict(tensors=tensors, buffers=buffers, opcodes=opcodes, operators=operators,
                 inputs=[0], outputs=[4])
    parts.update(overrides)
    return parts, w


def test_third_party_tflite_model():
    parts, w = third_party_conv()
    module = read_flatbuffer(_pack(**parts))
    text = str(module)
    func = next(iter(module.body.ops))
    ops = list(func.body.block.ops)
    assert [op.name for op in ops] == [
        "circle.const", "circle.no_value", "circle.conv_2d", "circle.const", "circle.reshape",
        "func.return",
    ]
    conv = ops[2]
    assert conv.option("padding") == "VALID"
    assert conv.option("fused_activation_function") == "RELU6"
    # the omitted trailing bias became circle.no_value
    assert conv.operands[2].owner.name == "circle.no_value"
    wt = conv.operands[1].type.element_type
    assert isinstance(wt, UniformQuantizedPerAxisType)
    assert (wt.qmin, wt.qmax, wt.axis.data) == (-128, 127, 0)  # -128 present: full range
    assert list(wt.scales) == [0.25, 0.125]
    np.testing.assert_array_equal(dense_as_numpy(conv.operands[1].owner.value), w)
    xt = func.body.block.args[0].type.element_type
    assert isinstance(xt, UniformQuantizedType) and (xt.scale.data, xt.zero_point.data) == (0.5, -1)
    # names: kept as locations, sanitized into SSA names
    assert func.body.block.args[0].location.desc.data == "serving_default_x:0"
    assert conv.location.desc.data == "conv;out"
    assert "%conv_out = circle.conv_2d %serving_default_x, %conv_weights, %none" in text
    # and it can be written again (Circle), the same tensors in the same order
    assert read_flatbuffer(write_circle(module)).is_structurally_equivalent(module)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p["opcodes"].__setitem__(0, _custom("MyOp")),
         "operator #0 (CUSTOM): custom operator 'MyOp' is not supported"),
        (lambda p: p["opcodes"].__setitem__(0, _opcode(tfl.BuiltinOperator.EMBEDDING_LOOKUP)),
         "the circle dialect has no op for BuiltinOperator EMBEDDING_LOOKUP"),
        (lambda p: setattr(p["operators"][1].builtinOptions, "newShape", [2, 4]),
         "operator #1 (RESHAPE): new_shape [2, 4] disagrees with the result shape [1, 8]"),
        (lambda p: setattr(p["operators"][0].builtinOptions, "quantizedBiasType", tfl.TensorType.INT16),
         "Conv2DOptions.quantizedBiasType = 7 is not supported"),
        (lambda p: p["operators"].reverse(),
         "reads tensor 'conv;out' before any operator writes it"),
        (lambda p: p["operators"][0].inputs.__setitem__(1, 17),
         "corrupt model: tensor index 17 out of range (5 tensors)"),
        (lambda p: setattr(p["operators"][0], "opcodeIndex", 9),
         "corrupt model: operator #0 has opcode index 9 of 2"),
        (lambda p: setattr(p["tensors"][1], "sparsity", tfl.SparsityParametersT()),
         "tensor 'conv/weights': sparse tensors are not supported"),
        (lambda p: setattr(p["tensors"][0].quantization, "zeroPoint", [0, 0]),
         "tensor 'serving_default_x:0': 1 scales but 2 zero points"),
        (lambda p: setattr(p["tensors"][0].quantization, "scale", [-0.5]),
         "tensor 'serving_default_x:0': invalid quantization parameters"),
        (lambda p: p["buffers"].__setitem__(1, _buffer(np.zeros(5, np.int8))),
         "tensor 'conv/weights' needs 6 bytes of data, its buffer has 5"),
        (lambda p: p["operators"].append(_operator(1, [2, 3], [4])),
         "tensor 'Identity' is written twice"),
        (lambda p: setattr(p["operators"][1], "outputs", [-1]),
         "operator #1 (RESHAPE): absent (-1) operator outputs are not supported"),
    ],
)
def test_reader_refuses_what_it_cannot_represent(change, message):
    parts, _ = third_party_conv()
    change(parts)
    with pytest.raises(CompileError) as info:
        read_flatbuffer(_pack(**parts))
    assert message in str(info.value)


def _custom(name):
    c = _opcode(tfl.BuiltinOperator.CUSTOM)
    c.customCode = name
    return c


def test_reader_refuses_several_subgraphs():
    parts, _ = third_party_conv()
    with pytest.raises(CompileError, match="the model has 2 subgraphs"):
        read_flatbuffer(_pack(**parts, subgraphs=2))


def test_a_verifier_error_in_a_read_model_names_the_tensor():
    """A model our dialect rejects (a conv whose bias has the wrong size) is reported at
    the operator's tensor name."""
    parts, _ = third_party_conv()
    parts["tensors"].append(_tensor("bias", [3], tfl.TensorType.INT32, 3))
    parts["buffers"].append(_buffer(np.zeros(3, np.int32)))
    parts["operators"][0].inputs = [0, 1, 5]
    with pytest.raises(CompileError, match=r"'conv;out': circle.conv_2d: bias must have shape \[2\]"):
        read_flatbuffer(_pack(**parts))


# ---- corrupt and truncated files ------------------------------------------------------------


def test_every_truncation_is_a_clear_error():
    data = write_circle(MODELS["fc_u8pt_io"]())
    for n in range(len(data)):
        with pytest.raises(CompileError, match="not a Circle or TFLite model|corrupt"):
            read_flatbuffer(data[:n])


def test_random_corruption_never_escapes_as_another_exception():
    """Flipped bytes either still decode to a verified module or give a CompileError."""
    data = write_circle(MODELS["conv_i8"]())
    rng = np.random.default_rng(0)
    outcomes = {"error": 0, "module": 0}
    for _ in range(300):
        d = bytearray(data)
        for pos in rng.integers(0, len(d), rng.integers(1, 4)):
            d[pos] = rng.integers(0, 256)
        try:
            read_flatbuffer(bytes(d))
            outcomes["module"] += 1
        except CompileError:
            outcomes["error"] += 1
    assert outcomes["error"] > 0 and sum(outcomes.values()) == 300


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "0 bytes is too short"),
        (b"\x10\x00\x00\x00TFL3", "the root table lies outside the file"),
        (b"\x00" * 4 + b"ABCD" + b"\x00" * 64, "file identifier b'ABCD'"),
    ],
)
def test_headers_that_are_not_models(data, message):
    with pytest.raises(CompileError, match=message):
        read_flatbuffer(data)


def test_builtin_codes_above_126_use_the_placeholder():
    """GELU (150) does not fit the legacy int8 field: 127 there, the code in builtin_code;
    it round-trips, and TFLite's schema reads the same code."""
    from circle_schema.v0_10.circle import Model

    text = """
    func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
      %y = circle.gelu %x {approximate = true} : (tensor<1x4xf32>) -> tensor<1x4xf32>
      func.return %y : tensor<1x4xf32>
    }"""
    from xdsl.parser import Parser

    from compiler.ir.context import make_context

    module = Parser(make_context(), text).parse_module()
    data = write_circle(module)
    code = Model.Model.GetRootAs(data, 0).OperatorCodes(0)
    assert (code.DeprecatedBuiltinCode(), code.BuiltinCode()) == (127, tfl.BuiltinOperator.GELU)
    assert str(read_flatbuffer(data)) == str(module)


def test_circle_only_builtins_are_named():
    """Circle's negative builtin codes (here RMS_NORM) are read; without a circle op the
    error names the operator."""
    from circle_schema.v0_10.circle.BuiltinOperator import BuiltinOperator as CircleOps

    parts, _ = third_party_conv()
    parts["opcodes"][1] = _opcode(CircleOps.RMS_NORM)  # negative: both fields hold it
    with pytest.raises(CompileError, match="no op for BuiltinOperator RMS_NORM"):
        read_flatbuffer(_pack(**parts))


def test_what_the_file_cannot_hold_comes_back_as_documented():
    """docs/codegen.md: a one-scale per-axis type reads back per-tensor; a full-range
    symmetric i8 constant without -128 reads back narrow-range; activations keep their
    full range."""
    from xdsl.parser import Parser

    from compiler.ir.context import make_context

    text = """
    func.func @main(%x: tensor<1x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x!quant.uniform<i8:f32, 0.5>> {
      %w = circle.const dense<[[3, -4]]> : tensor<1x2xi8> to tensor<1x2x!quant.uniform<i8:f32:0, {0.25}>>
      %b = circle.const dense<[0]> : tensor<1xi32> to tensor<1x!quant.uniform<i32:f32, 0.125>>
      %y = circle.fully_connected %x, %w, %b : (tensor<1x2x!quant.uniform<i8:f32, 0.5>>, tensor<1x2x!quant.uniform<i8:f32:0, {0.25}>>, tensor<1x!quant.uniform<i32:f32, 0.125>>) -> tensor<1x1x!quant.uniform<i8:f32, 0.5>>
      func.return %y : tensor<1x1x!quant.uniform<i8:f32, 0.5>>
    }"""
    module = Parser(make_context(), text).parse_module()
    back = str(read_flatbuffer(write_circle(module)))
    assert "tensor<1x2x!quant.uniform<i8<-127:127>:f32, 0.25>>" in back  # per-tensor, narrow
    assert "tensor<1x2x!quant.uniform<i8:f32, 0.5>>" in back  # the input keeps its range
