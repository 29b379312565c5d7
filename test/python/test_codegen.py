"""write_circle / write_tflite, checked by reading the bytes back independently: with
circle-schema's accessor (non-object) API for `.circle`, and with TFLite's own schema
bindings (shipped in ai-edge-litert) for `.tflite`. Expected values come from the IR
types and payloads, never from the writer."""

from __future__ import annotations

import numpy as np
import pytest
from circle_schema.v0_10.circle import (
    ActivationFunctionType,
    BuiltinOperator,
    BuiltinOptions,
    Conv2DOptions,
    DepthwiseConv2DOptions,
    Model,
    Padding,
    Pool2DOptions,
    TensorType,
)
from test_codegen_models import MODELS, PROBES
from xdsl.dialects.builtin import NameLoc
from xdsl.parser import Parser

import compiler
from compiler.codegen import read_flatbuffer, write_circle, write_tflite
from compiler.dialects.circle_base import ConstOp
from compiler.ir.context import make_context
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType
from compiler.ir.verify_tensors import dense_as_numpy

STORAGE_TO_CIRCLE = {
    "i8": TensorType.TensorType.INT8, "u8": TensorType.TensorType.UINT8,
    "i16": TensorType.TensorType.INT16, "i32": TensorType.TensorType.INT32,
    "i64": TensorType.TensorType.INT64,
}
BUILTIN_NAME = {v: k for k, v in vars(BuiltinOperator.BuiltinOperator).items() if isinstance(v, int)}


def parse(text: str):
    module = Parser(make_context(), text).parse_module()
    module.verify()
    return module


def tensors_by_name(model) -> dict[str, object]:
    sg = model.Subgraphs(0)
    return {sg.Tensors(i).Name().decode(): (i, sg.Tensors(i)) for i in range(sg.TensorsLength())}


def func_of(module):
    return next(iter(module.body.ops))


def named_values(module):
    """(name, value, defining op or None) of every value, named by its NameLoc."""
    func = func_of(module)
    for arg in func.body.block.args:
        yield arg.location.desc.data, arg, None
    for op in func.body.block.ops:
        for k, r in enumerate(op.results):
            if isinstance(op.location, NameLoc) and r.type.__class__.__name__ == "TensorType":
                yield op.location.desc.data + (f":{k}" if k else ""), r, op


# ---- header --------------------------------------------------------------------------------


def test_header_identifier_version_description_signature():
    module = MODELS["conv_i8"]()
    data = write_circle(module)
    assert Model.Model.ModelBufferHasIdentifier(data, 0)
    assert data[4:8] == b"CIR0"
    model = Model.Model.GetRootAs(data, 0)
    assert model.Version() == 3
    assert model.Description().decode() == f"pt2e-circle {compiler.__version__}"
    assert model.SubgraphsLength() == 1
    sg = model.Subgraphs(0)
    assert sg.Name().decode() == "main"
    # buffer 0 is the empty sentinel
    assert model.Buffers(0).DataLength() == 0
    # one signature, inputs/outputs by tensor name
    assert model.SignatureDefsLength() == 1
    sig = model.SignatureDefs(0)
    assert sig.SignatureKey().decode() == "serving_default"
    assert sig.SubgraphIndex() == 0
    assert [sig.Inputs(i).Name().decode() for i in range(sig.InputsLength())] == ["x"]
    assert [sig.Outputs(i).Name().decode() for i in range(sig.OutputsLength())] == ["y"]
    assert sig.Inputs(0).TensorIndex() == sg.Inputs(0)
    assert sig.Outputs(0).TensorIndex() == sg.Outputs(0)
    assert sg.Tensors(sg.Inputs(0)).Name().decode() == "x"


@pytest.mark.parametrize("name", ["conv_i8", "fc_i16_io", "conv_u8pt", "float"])
def test_tflite_is_the_circle_model_with_the_tflite_identifier(name):
    module = MODELS[name]()
    circle, tflite = write_circle(module), write_tflite(module)
    assert tflite[4:8] == b"TFL3"
    assert tflite[:4] + tflite[8:] == circle[:4] + circle[8:]


def test_tflite_reads_back_with_tflites_own_schema():
    """TFLite's schema (ai-edge-litert's bindings) sees the same tensors and options;
    the Circle-only slots (debugMetadataIndex, Tensor slot 10) are not written."""
    tfl = pytest.importorskip("ai_edge_litert.schema_py_generated")
    module = MODELS["conv_i16"]()
    data = write_tflite(module)
    assert tfl.Model.ModelBufferHasIdentifier(data, 0)
    model = tfl.ModelT.InitFromPackedBuf(bytearray(data), 0)
    sg = model.subgraphs[0]
    names = {t.name.decode(): t for t in sg.tensors}
    assert names["conv_w"].type == tfl.TensorType.INT8
    assert names["conv_b"].type == tfl.TensorType.INT64
    assert names["x_q"].type == tfl.TensorType.INT16
    assert list(names["x_q"].quantization.zeroPoint) == [0]
    assert all(t.externalBuffer == 0 for t in sg.tensors)  # Circle's slot 10 left unset
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in model.operatorCodes]
    assert tfl.BuiltinOperator.CONV_2D in codes
    conv = next(op for op in sg.operators
                if model.operatorCodes[op.opcodeIndex].builtinCode == tfl.BuiltinOperator.CONV_2D)
    assert conv.builtinOptions.padding == tfl.Padding.SAME
    assert conv.builtinOptions.fusedActivationFunction == tfl.ActivationFunctionType.RELU


# ---- tensors, quantization parameters, buffers ------------------------------------------


@pytest.mark.parametrize("name", ["conv_u8pt", "conv_u8pc", "conv_i8", "conv_i16_io", "fc_i16", "float"])
def test_tensors_qparams_and_buffers(name):
    module = MODELS[name]()
    model = Model.Model.GetRootAs(write_circle(module), 0)
    by_name = tensors_by_name(model)
    seen = 0
    for tname, value, op in named_values(module):
        _, t = by_name[tname]
        seen += 1
        assert list(t.ShapeAsNumpy()) == list(value.type.get_shape()) if t.ShapeLength() else (
            value.type.get_shape() == ()
        )
        et = value.type.element_type
        q = t.Quantization()
        if isinstance(et, (UniformQuantizedType, UniformQuantizedPerAxisType)):
            assert t.Type() == STORAGE_TO_CIRCLE[et.storage_spelling]
            np.testing.assert_array_equal(q.ScaleAsNumpy(), np.float32(et.scales))
            np.testing.assert_array_equal(q.ZeroPointAsNumpy(), et.zero_points)
            axis = et.axis.data if isinstance(et, UniformQuantizedPerAxisType) else 0
            assert q.QuantizedDimension() == axis
            assert q.MinLength() == 0 and q.MaxLength() == 0
        else:
            assert t.Type() == TensorType.TensorType.FLOAT32 or t.Type() == TensorType.TensorType.INT32
            assert q is None or q.ScaleLength() == 0
        if isinstance(op, ConstOp):
            assert t.Buffer() != 0
            data = model.Buffers(t.Buffer()).DataAsNumpy().tobytes()
            assert data == np.ascontiguousarray(dense_as_numpy(op.value)).tobytes()
        else:
            assert t.Buffer() == 0
    assert seen == model.Subgraphs(0).TensorsLength()


def test_operators_codes_and_options():
    module = MODELS["conv_i8"]()
    model = Model.Model.GetRootAs(write_circle(module), 0)
    sg = model.Subgraphs(0)
    ops = [sg.Operators(i) for i in range(sg.OperatorsLength())]
    codes = [model.OperatorCodes(op.OpcodeIndex()) for op in ops]
    assert [BUILTIN_NAME[c.BuiltinCode()] for c in codes] == [
        "QUANTIZE", "CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "AVERAGE_POOL_2D", "DEQUANTIZE"
    ]
    assert all(c.Version() == 1 for c in codes)
    assert all(c.DeprecatedBuiltinCode() == c.BuiltinCode() for c in codes)
    assert model.OperatorCodesLength() == 6  # one entry per distinct builtin
    names = {i: sg.Tensors(i).Name().decode() for i in range(sg.TensorsLength())}
    conv, dw, pool = ops[1], ops[2], ops[4]
    assert [names[i] for i in conv.InputsAsNumpy()] == ["x_q", "conv_w", "conv_b"]
    assert [names[i] for i in conv.OutputsAsNumpy()] == ["conv"]
    assert conv.BuiltinOptionsType() == BuiltinOptions.BuiltinOptions.Conv2DOptions
    o = Conv2DOptions.Conv2DOptions()
    o.Init(conv.BuiltinOptions().Bytes, conv.BuiltinOptions().Pos)
    assert (o.Padding(), o.StrideW(), o.StrideH(), o.DilationWFactor()) == (Padding.Padding.SAME, 1, 1, 1)
    assert o.FusedActivationFunction() == ActivationFunctionType.ActivationFunctionType.RELU
    d = DepthwiseConv2DOptions.DepthwiseConv2DOptions()
    d.Init(dw.BuiltinOptions().Bytes, dw.BuiltinOptions().Pos)
    assert (d.Padding(), d.DepthMultiplier()) == (Padding.Padding.SAME, 1)
    p = Pool2DOptions.Pool2DOptions()
    p.Init(pool.BuiltinOptions().Bytes, pool.BuiltinOptions().Pos)
    assert (p.FilterWidth(), p.FilterHeight(), p.StrideW(), p.StrideH()) == (2, 2, 2, 2)
    assert ops[0].BuiltinOptionsType() == BuiltinOptions.BuiltinOptions.NONE  # QUANTIZE


DEDUP = """
func.func @main(%x: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) {
  %a = circle.const dense<[1, 2, 3, 4]> : tensor<4xi32>
  %b = circle.const dense<[1, 2, 3, 4]> : tensor<4xi32>
  %c = circle.const dense<[4, 3, 2, 1]> : tensor<4xi32>
  %s = circle.const dense<7> : tensor<4xi32>
  %0 = circle.add %x, %a : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = circle.add %b, %c : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %2 = circle.add %x, %s : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  func.return %0, %1, %2 : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>
}
"""


def test_buffers_are_deduplicated_aligned_and_splats_expanded():
    data = write_circle(parse(DEDUP))
    model = Model.Model.GetRootAs(data, 0)
    t = {k: v for k, (_, v) in tensors_by_name(model).items()}
    assert t["a"].Buffer() == t["b"].Buffer() != t["c"].Buffer()
    assert model.BuffersLength() == 4  # sentinel, [1,2,3,4], [4,3,2,1], splat 7
    assert list(model.Buffers(t["s"].Buffer()).DataAsNumpy().view("<i4")) == [7, 7, 7, 7]
    for i in range(1, model.BuffersLength()):
        buf = model.Buffers(i)
        start = buf._tab.Vector(buf._tab.Offset(4))
        assert start % 16 == 0, f"buffer {i} at {start}"


NAMES = """
func.func @f(%arg0: tensor<2x4xf32>, %in: tensor<?x4xf32> loc("input:0")) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<?x4xf32>) {
  %a = circle.const dense<1> : tensor<i32> loc("axis")
  %s:2 = circle.split %a, %arg0 {num_splits = 2 : i32} : (tensor<i32>, tensor<2x4xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) loc("parts")
  %0 = circle.abs %arg0 : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("dup")
  %1 = circle.neg %arg0 : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("dup")
  %2 = circle.neg %0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = circle.abs %in : (tensor<?x4xf32>) -> tensor<?x4xf32> loc(fused["a.py":1:2, "fused_name"("b.py":3:4)])
  func.return %s#0, %s#1, %0, %1, %2, %3 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<?x4xf32>
}
"""


def test_tensor_names_shapes_and_signature():
    model = Model.Model.GetRootAs(write_circle(parse(NAMES)), 0)
    sg = model.Subgraphs(0)
    names = [sg.Tensors(i).Name().decode() for i in range(sg.TensorsLength())]
    # block args: SSA name, then NameLoc; results: NameLoc (+ ":k"), unique; else t<N>
    assert names == ["arg0", "input:0", "axis", "parts", "parts:1", "dup", "dup_1", "t7", "fused_name"]
    assert sg.Name().decode() == "f"
    assert sg.Tensors(2).ShapeLength() == 0  # scalar constant
    dyn = sg.Tensors(1)
    assert list(dyn.ShapeAsNumpy()) == [1, 4] and list(dyn.ShapeSignatureAsNumpy()) == [-1, 4]
    sig = model.SignatureDefs(0)
    assert [sig.Outputs(i).Name().decode() for i in range(sig.OutputsLength())] == [
        "parts", "parts:1", "dup", "dup_1", "t7", "fused_name"
    ]
    # and it reads back: names as locations, the dynamic dimension as `?`
    text = str(read_flatbuffer(write_circle(parse(NAMES))))
    assert "tensor<?x4xf32>" in text and "%parts, %parts_1 = circle.split" in text


def test_absent_operand_is_index_minus_one():
    module = PROBES["conv_without_bias"]()
    sg = Model.Model.GetRootAs(write_circle(module), 0).Subgraphs(0)
    assert list(sg.Operators(0).InputsAsNumpy())[2] == -1


def test_scales_are_stored_as_float32():
    """The schema's scale is float32; the IR computes with float32(scale), so writing it
    keeps the semantics. 0.02 comes back as the float32 it denotes."""
    text = """
    func.func @main(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.02:1>> {
      %q = circle.quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.02:1>>
      func.return %q : tensor<4x!quant.uniform<i8:f32, 0.02:1>>
    }"""
    model = Model.Model.GetRootAs(write_circle(parse(text)), 0)
    q = model.Subgraphs(0).Tensors(1).Quantization()
    assert q.ScaleAsNumpy()[0] == np.float32(0.02)
    back = func_of(read_flatbuffer(write_circle(parse(text)))).function_type.outputs.data[0]
    assert back.element_type.scale.data == float(np.float32(0.02))


# ---- what the writers refuse ---------------------------------------------------------------


def test_writer_refuses_non_circle_ops_with_a_location():
    text = """
    func.func @main(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
      %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>> loc("q")
      func.return %q : tensor<4x!quant.uniform<i8:f32, 0.5>>
    }"""
    with pytest.raises(CompileError, match=r"quant.qcast: is not a circle operator") as info:
        write_circle(parse(text))
    assert info.value.location == "'q'"


def test_writer_refuses_modules_that_are_not_one_function():
    two = "func.func @a() { func.return }\nfunc.func @b() { func.return }"
    with pytest.raises(CompileError, match="a model is one func.func; this module has 2"):
        write_circle(parse(two))


def test_writer_refuses_non_f32_expressed_types():
    text = """
    func.func @main(%x: tensor<4x!quant.uniform<i8:f16, 0.5>>) -> tensor<4x!quant.uniform<i8:f16, 0.5>> {
      func.return %x : tensor<4x!quant.uniform<i8:f16, 0.5>>
    }"""
    with pytest.raises(CompileError, match="Circle quantization is always relative to f32"):
        write_circle(parse(text))


def _weighted(act: str, w: str, b: str) -> str:
    return f"""
    func.func @main(%x: tensor<1x4x{act}>) -> tensor<1x2x{act}> {{
      %w = circle.const dense<1> : {w}
      %b = circle.const dense<0> : {b}
      %y = circle.fully_connected %x, %w, %b : (tensor<1x4x{act}>, {w.split(' to ')[-1]}, {b.split(' to ')[-1]}) -> tensor<1x2x{act}> loc("fc")
      func.return %y : tensor<1x2x{act}>
    }}"""


U8 = "!quant.uniform<u8:f32, 0.5:128>"
I8 = "!quant.uniform<i8:f32, 0.5:3>"
I16 = "!quant.uniform<i16:f32, 0.5>"
W_I8PC = "tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25}>>"
W_U8PC = "tensor<2x4xui8> to tensor<2x4x!quant.uniform<u8:f32:0, {0.5:128,0.25:120}>>"
W_U8PT = "tensor<2x4xui8> to tensor<2x4x!quant.uniform<u8:f32, 0.5:128>>"
W_I8ZP = "tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1,0.25}>>"
B32 = "tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.25,0.125}>>"
B32PT = "tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 0.25>>"
B64 = "tensor<2xi64> to tensor<2x!quant.uniform<i64:f32:0, {0.25,0.125}>>"


@pytest.mark.parametrize(
    "text, message",
    [
        (_weighted(U8, W_U8PC, B32), "operand #1: uint8 per-channel weights are not supported by TFLite kernels"),
        (_weighted(U8, W_I8PC, B32), "uint8 activations with int8 weights are not supported by TFLite kernels"),
        (_weighted(I8, W_U8PT, B32PT), "i8 activations with u8 weights are not supported"),
        (_weighted(I16, W_I8PC, B32), "bias (operand #2) is i32; TFLite's i16 x i8 kernels need an i64 bias"),
        (_weighted(I8, W_I8PC, B64), "bias (operand #2) is i64; TFLite's i8 x i8 kernels need an i32 bias"),
        (_weighted(I8, W_I8ZP, B32), "per-channel quantization must be symmetric (zero point 0)"),
        (_weighted(U8, W_U8PT, B32), "bias (operand #2) is per-channel but the weights are per-tensor"),
        (_weighted("!quant.uniform<i16:f32, 0.5:2>", W_I8PC, B64), "int16 quantization must be symmetric"),
        (_weighted("!quant.uniform<u16:f32, 0.5>", W_I8PC, B64), "u16 quantization is not a TFLite quantized type"),
    ],
)
def test_write_tflite_refuses_what_litert_cannot_run(text, message):
    module = parse(text)
    write_circle(module)  # Circle can hold it
    with pytest.raises(CompileError) as info:
        write_tflite(module)
    assert message in str(info.value)


def test_write_tflite_refuses_per_channel_activations():
    text = """
    func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32:1, {0.5,0.25}>> {
      %q = circle.quantize %x : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32:1, {0.5,0.25}>> loc("q")
      func.return %q : tensor<1x2x!quant.uniform<i8:f32:1, {0.5,0.25}>>
    }"""
    with pytest.raises(CompileError, match="per-channel quantization of a non-constant tensor"):
        write_tflite(parse(text))


def test_writer_verifies_its_input():
    """IR built in Python and never verified is checked before anything is written."""
    from xdsl.dialects.builtin import StringAttr

    module = MODELS["conv_i8"]()
    conv = next(op for op in func_of(module).body.block.ops if op.name == "circle.conv_2d")
    conv.properties["padding"] = StringAttr("DIAGONAL")
    with pytest.raises(CompileError, match="padding must be one of SAME, VALID; got 'DIAGONAL'"):
        write_circle(module)


# ---- the dialect contract the generic mapping relies on ------------------------------------

from compiler.dialects.circle import CIRCLE_OPS  # noqa: E402


@pytest.mark.parametrize("op_class", [op for op in CIRCLE_OPS if getattr(op, "BUILTIN", None)],
                         ids=lambda op: op.name)
def test_every_circle_op_maps_onto_the_schema(op_class):
    """BUILTIN names a BuiltinOperator, OPTIONS an options table, and every property is a
    field of that table (snake_case of the object API's camelCase), so the generic writer
    and reader need no per-op code. A new circle op that breaks this fails here."""
    from compiler.codegen.schema import BUILTIN_CODES, OPTIONS_TAGS, options_class, snake_to_camel

    assert op_class.BUILTIN in BUILTIN_CODES
    props = list(op_class.get_irdl_definition().properties)
    if op_class.OPTIONS is None:
        assert props == []
        return
    assert op_class.OPTIONS in OPTIONS_TAGS
    fields = vars(options_class(op_class.OPTIONS)())
    assert [p for p in props if snake_to_camel(p) not in fields] == []
