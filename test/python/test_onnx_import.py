"""ONNX QDQ models import into the quant-stage IR and compute what onnxruntime computes.

Each operator case is a small float ONNX graph quantized to QDQ by onnxruntime's static
quantizer (uint8 activations and weights, and int8 with symmetric per-channel weights,
calibrated on seeded inputs); the quant stage
of the imported IR (reference interpreter) must be within 1 output step of onnxruntime
running the QDQ model with graph optimizations off, and the model must lower to circle
(ops onnxruntime left float stay float: allow-float); the int8 `.tflite` runs in LiteRT
as the circle IR says. Malformed and unsupported models
are one located `CompileError`.
"""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import compiler  # noqa: E402
from compiler.frontend.onnx_importer import import_onnx  # noqa: E402
from compiler.frontend.onnx_reference import run_onnxruntime  # noqa: E402
from compiler.ir.diagnostics import CompileError  # noqa: E402

RNG = np.random.default_rng(0)


def _w(name, *shape, scale=0.3):
    return numpy_helper.from_array((RNG.standard_normal(shape) * scale).astype(np.float32), name)


def _i64(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def _f32(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.float32), name)


def float_model(nodes, x_shape, y_shape, inits=(), opset=17, y_type=TensorProto.FLOAT):
    graph = helper.make_graph(
        nodes, "case", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
        [helper.make_tensor_value_info("y", y_type, y_shape)], list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def quantize(model, tmp_path, activations="uint8", weights="uint8", per_channel=False):
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    src, dst = tmp_path / "float.onnx", tmp_path / "qdq.onnx"
    onnx.save(model, src)
    batches = [{"x": RNG.standard_normal(shape).astype(np.float32)} for _ in range(4)]

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter(batches)

        def get_next(self):
            return next(self.it, None)

    types = {"uint8": QuantType.QUInt8, "int8": QuantType.QInt8}
    quantize_static(str(src), str(dst), Reader(), quant_format=QuantFormat.QDQ,
                    activation_type=types[activations], weight_type=types[weights],
                    per_channel=per_channel,
                    extra_options={"WeightSymmetric": weights == "int8"})
    return onnx.load(dst)


def output_step(model) -> float | None:
    """The scale of the DequantizeLinear producing the first output (None: float output)."""
    g = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    for n in g.node:
        if n.output[0] == g.output[0].name and n.op_type == "DequantizeLinear":
            return float(inits[n.input[1]].reshape(()))
    return None


def check_against_onnxruntime(qdq, x, steps=1.0):
    module = import_onnx(qdq)
    ours = compiler.run(module, [x])[0]
    ref = run_onnxruntime(qdq, [x])[0]
    assert ours.shape == ref.shape
    step = output_step(qdq)
    if step is None:  # a float (or integer) output: float arithmetic of the same ops
        np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-5)
    else:
        assert np.abs(ours - ref).max() <= steps * step * (1 + 1e-5), (
            f"{np.abs(ours - ref).max() / step} steps from onnxruntime")
    return module


N = helper.make_node
CASES = {
    "conv_relu": ([N("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]), N("Relu", ["c"], ["y"])],
                  [1, 3, 8, 8], [1, 4, 8, 8], [_w("w", 4, 3, 3, 3), _w("b", 4)]),
    "conv_groups_asym_pad": ([N("Conv", ["x", "w"], ["y"], group=2, pads=[0, 1, 1, 0],
                                strides=[2, 2])], [1, 4, 8, 8], [1, 4, 4, 4], [_w("w", 4, 2, 3, 3)]),
    "depthwise_same": ([N("Conv", ["x", "w", "b"], ["y"], group=4, auto_pad="SAME_UPPER")],
                       [1, 4, 6, 6], [1, 4, 6, 6], [_w("w", 4, 1, 3, 3), _w("b", 4)]),
    "conv_transpose": ([N("ConvTranspose", ["x", "w", "b"], ["y"], strides=[2, 2], pads=[1, 1, 1, 1],
                          output_padding=[1, 1])], [1, 4, 5, 5], [1, 3, 10, 10],
                       [_w("w", 4, 3, 3, 3), _w("b", 3)]),
    "gemm": ([N("Gemm", ["x", "w", "b"], ["y"], transB=1)], [2, 16], [2, 8],
             [_w("w", 8, 16), _w("b", 8)]),
    "gemm_no_transb": ([N("Gemm", ["x", "w", "b"], ["y"])], [2, 16], [2, 8],
                       [_w("w", 16, 8), _w("b", 8)]),
    "matmul_add_sub_mul_div": (
        [N("MatMul", ["x", "w"], ["m"]), N("Add", ["m", "x2"], ["a"]), N("Sub", ["a", "c"], ["s"]),
         N("Mul", ["s", "a"], ["p"]), N("Div", ["p", "d"], ["y"]), N("Slice", ["x", "st", "en"], ["x2"])],
        [1, 4, 8], [1, 4, 8], [_w("w", 8, 8), _f32("c", [0.5]), _f32("d", [2.0]),
                               _i64("st", [0]), _i64("en", [8])]),
    "activations": ([N("Clip", ["x", "lo", "hi"], ["a"]), N("LeakyRelu", ["x"], ["b"], alpha=0.1),
                     N("Sigmoid", ["x"], ["c"]), N("Tanh", ["x"], ["d"]), N("HardSwish", ["x"], ["e"]),
                     N("Add", ["a", "b"], ["ab"]), N("Add", ["c", "d"], ["cd"]),
                     N("Add", ["ab", "cd"], ["abcd"]), N("Add", ["abcd", "e"], ["y"])],
                    [1, 4, 4, 4], [1, 4, 4, 4], [_f32("lo", 0.0), _f32("hi", 6.0)]),
    "prelu": ([N("PRelu", ["x", "s"], ["y"])], [1, 4, 4, 4], [1, 4, 4, 4],
              [numpy_helper.from_array(np.array([0.1, 0.2, 0.3, 0.4], np.float32).reshape(4, 1, 1), "s")]),
    "pools": ([N("MaxPool", ["x"], ["m"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
               N("AveragePool", ["m"], ["a"], kernel_shape=[2, 2], strides=[2, 2]),
               N("GlobalAveragePool", ["a"], ["y"])], [1, 4, 8, 8], [1, 4, 1, 1], []),
    "shapes": ([N("Transpose", ["x"], ["t"], perm=[0, 2, 1]), N("Unsqueeze", ["t", "ax"], ["u"]),
                N("Squeeze", ["u", "ax"], ["s"]), N("Flatten", ["s"], ["f"], axis=1),
                N("Reshape", ["f", "shape"], ["y"])], [1, 4, 6], [1, 6, 4],
               [_i64("ax", [1]), _i64("shape", [1, 6, 4])]),
    "concat_split_slice": ([N("Split", ["x", "parts"], ["a", "b"], axis=1),
                            N("Slice", ["b", "st", "en", "axes", "steps"], ["c"]),
                            N("Concat", ["a", "c"], ["y"], axis=1)], [1, 6, 4], [1, 4, 4],
                           [_i64("parts", [2, 4]), _i64("st", [0]), _i64("en", [4]),
                            _i64("axes", [1]), _i64("steps", [2])]),
    "pad_resize": ([N("Pad", ["x", "pads"], ["p"], mode="constant"),
                    N("Resize", ["p", "", "scales"], ["y"], mode="nearest",
                      coordinate_transformation_mode="asymmetric", nearest_mode="floor")],
                   [1, 2, 4, 4], [1, 2, 12, 12],
                   [_i64("pads", [0, 0, 1, 1, 0, 0, 1, 1]), _f32("scales", [1, 1, 2, 2])]),
    "resize_bilinear": ([N("Resize", ["x", "", "scales"], ["y"], mode="linear",
                           coordinate_transformation_mode="half_pixel")],
                        [1, 2, 4, 4], [1, 2, 8, 8], [_f32("scales", [1, 1, 2, 2])]),
    "softmax_reducemean": ([N("Softmax", ["x"], ["s"], axis=-1),
                            N("ReduceMean", ["s"], ["y"], axes=[1], keepdims=1)],
                           [1, 4, 8], [1, 1, 8], []),
    "batchnorm": ([N("Conv", ["x", "w"], ["c"]),
                   N("BatchNormalization", ["c", "g", "be", "mu", "var"], ["y"])],
                  [1, 3, 6, 6], [1, 4, 4, 4],
                  [_w("w", 4, 3, 3, 3), _f32("g", [1.0, 0.5, 2.0, 1.5]), _f32("be", [0.1, 0, -0.1, 0.2]),
                   _f32("mu", [0, 0.1, 0.2, -0.1]), _f32("var", [1.0, 0.5, 2.0, 1.2])]),
    "gather_shape_chain": (
        # a Shape -> Gather -> Concat chain (folded at import) and constant-index gathers
        [N("Shape", ["x"], ["sh"]), N("Gather", ["sh", "i0"], ["d0"], axis=0),
         N("Concat", ["d0", "minus1"], ["newshape"], axis=0), N("Reshape", ["x", "newshape"], ["r"]),
         N("Gather", ["r", "idx"], ["y"], axis=1)],
        [2, 3, 4], [2, 3], [_i64("i0", [0]), _i64("minus1", [-1]), _i64("idx", [0, 5, 11])]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_operator_matches_onnxruntime(name, tmp_path):
    nodes, xs, ys, inits = CASES[name]
    qdq = quantize(float_model(nodes, xs, ys, inits), tmp_path)
    x = RNG.standard_normal(xs).astype(np.float32)
    module = check_against_onnxruntime(qdq, x)
    compiler.lower(module, scheme="uint8", allow_float=True)
    assert compiler.write_circle(module)[4:8] == b"CIR0"


@pytest.mark.parametrize("name", sorted(CASES))
def test_operator_int8_per_channel_runs_in_litert(name, tmp_path):
    """int8 activations, symmetric per-channel int8 weights -> .tflite: LiteRT
    (BUILTIN_REF) computes what the circle IR says (bit-exact on quantized outputs; float
    outputs, which onnxruntime left unquantized, to float rounding)."""
    from runtimes import run_litert

    nodes, xs, ys, inits = CASES[name]
    qdq = quantize(float_model(nodes, xs, ys, inits), tmp_path, "int8", "int8", per_channel=True)
    x = RNG.standard_normal(xs).astype(np.float32)
    module = check_against_onnxruntime(qdq, x)
    compiler.lower(module, scheme="int8", allow_float=True)
    data = compiler.write_tflite(module)
    circle = compiler.run(compiler.read_flatbuffer(data), [x])[0]
    litert = run_litert(data, [x])[0]
    if output_step(qdq) is None:
        np.testing.assert_allclose(litert, circle, rtol=1e-6, atol=1e-6)
    else:
        np.testing.assert_array_equal(litert, circle)


@pytest.mark.parametrize("quantized", [False, True], ids=["float", "uint8"])
def test_onert_grouped_conv_is_wrong_and_predicted(quantized, tmp_path):
    """onert 0.1 computes a grouped (non-depthwise) CONV_2D wrongly, float and uint8;
    `onert_problems` says so, and lowering for onert splits it into per-group
    convolutions that onert computes as the IR says. Control: the depthwise conv."""
    from runtimes import run_onert

    from compiler.codegen.onert import onert_problems

    for groups, cin, wrong in [(2, 2, True), (4, 1, False)]:
        nodes = [N("Conv", ["x", "w", "b"], ["y"], group=groups, pads=[1, 1, 1, 1])]
        model = float_model(nodes, [1, 4, 8, 8], [1, 4, 8, 8], [_w("w", 4, cin, 3, 3), _w("b", 4)])
        if quantized:
            model = quantize(model, tmp_path)
        module = import_onnx(model)
        compiler.lower(module, scheme="uint8" if quantized else "auto")
        problems = [str(p) for p in onert_problems(module)]
        assert any("grouped" in p for p in problems) == wrong, problems
        x = RNG.standard_normal([1, 4, 8, 8]).astype(np.float32)
        step = output_step(model) if quantized else 1e-5
        data = compiler.write_circle(module)
        want = compiler.run(compiler.read_flatbuffer(data), [x])[0]
        got = run_onert(data, [x])[0]
        # onert's grouped output is garbage, NaN included: 'far off' is 'not within'
        assert bool(np.any(~(np.abs(got - want) <= 10 * step))) == wrong
        legal = import_onnx(model)
        compiler.lower(legal, scheme="uint8" if quantized else "auto", target="onert")
        assert not onert_problems(legal)
        data = compiler.write_circle(legal)
        want = compiler.run(compiler.read_flatbuffer(data), [x])[0]
        got = run_onert(data, [x])[0]
        assert np.abs(got - want).max() <= step


@pytest.mark.parametrize("name, refusal", [
    ("prelu", "NYI for operation 'PReLU'"),
    ("softmax_reducemean", "Quantize: Unsupported"),  # u8 -> u8 requantize after SOFTMAX
])
def test_onert_refusals_are_predicted(name, refusal, tmp_path):
    from runtimes import RuntimeRefused, run_onert

    from compiler.codegen.onert import onert_problems

    nodes, xs, ys, inits = CASES[name]
    module = import_onnx(quantize(float_model(nodes, xs, ys, inits), tmp_path))
    compiler.lower(module, scheme="uint8", allow_float=True)
    assert onert_problems(module)
    with pytest.raises(RuntimeRefused, match=refusal):
        run_onert(compiler.write_circle(module), [RNG.standard_normal(xs).astype(np.float32)])


def _qdq_hardsigmoid(alpha, beta, scheme):
    """x -> Q/DQ -> HardSigmoid -> Q/DQ -> y, written by hand (onnxruntime's quantizer
    only quantizes a HardSigmoid's ends for quantized neighbours, whose own integer
    kernels would then differ from onnxruntime by a step that the HardSigmoid's gain
    alpha * scale(x) / scale(y) multiplies)."""
    dtype = np.uint8 if scheme == "uint8" else np.int8
    zp_x, zp_y = (128, 0) if scheme == "uint8" else (0, -128)
    inits = [_f32("sx", 6.0 / 255), numpy_helper.from_array(np.array(zp_x, dtype), "zx"),
             _f32("sy", 1.0 / 255), numpy_helper.from_array(np.array(zp_y, dtype), "zy")]
    nodes = [N("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
             N("DequantizeLinear", ["xq", "sx", "zx"], ["xd"]),
             N("HardSigmoid", ["xd"], ["h"], alpha=alpha, beta=beta),
             N("QuantizeLinear", ["h", "sy", "zy"], ["hq"]),
             N("DequantizeLinear", ["hq", "sy", "zy"], ["y"])]
    return float_model(nodes, [1, 4, 6, 6], [1, 4, 6, 6], inits)


@pytest.mark.parametrize("alpha, beta", [(0.2, 0.5), (1 / 6, 0.5), (0.3, 0.1)])
@pytest.mark.parametrize("scheme", ["uint8", "int8"])
def test_hardsigmoid_is_quantized_as_the_graph_says(scheme, alpha, beta):
    """A quantized HardSigmoid lowers without allow-float: x + beta/alpha, clamp and
    * alpha in the type (scale(Y)/alpha, zp(Y)), which rounds once, where the graph's
    Q/DQ does. With these round scales alpha x + beta often lands exactly halfway
    between two steps (every element for alpha = 1/6), which onnxruntime rounds to even;
    the quant stage's float order ((x + beta/alpha) / (scale(Y)/alpha)) and the integer
    ADD's rounding (half away from zero) may take the other step. Measured (10 seeds):
    quant stage and circle IR within 1 step of onnxruntime (circle IR: 9-15 % of
    elements differ, 81 % for alpha = 1/6), onert / LiteRT bit-exact with the circle IR."""
    from runtimes import run_litert, run_onert

    qdq = _qdq_hardsigmoid(alpha, beta, scheme)
    x = np.random.default_rng(1).standard_normal([1, 4, 6, 6]).astype(np.float32) * 3
    module = check_against_onnxruntime(qdq, x, steps=1)
    compiler.lower(module, scheme=scheme)
    names = [op.name for op in module.walk()]
    # integer ops between the model's one QUANTIZE and one DEQUANTIZE
    assert names.count("circle.quantize") == 1 and names.count("circle.dequantize") == 1
    assert {"circle.add", "circle.maximum", "circle.minimum", "circle.mul"} <= set(names)
    data = compiler.write_circle(module) if scheme == "uint8" else compiler.write_tflite(module)
    circle = compiler.run(compiler.read_flatbuffer(data), [x])[0]
    step = output_step(qdq)
    assert np.abs(circle - run_onnxruntime(qdq, [x])[0]).max() <= step * (1 + 1e-5)
    runtime = run_onert if scheme == "uint8" else run_litert
    np.testing.assert_array_equal(runtime(data, [x])[0], circle)


def test_hardsigmoid_with_float_output_is_float(tmp_path):
    """A HardSigmoid whose output is not quantized (the last op, left float by the
    quantizer) stays float steps: allow-float."""
    nodes = [N("HardSigmoid", ["x"], ["y"], alpha=0.2, beta=0.5)]
    qdq = quantize(float_model(nodes, [1, 8], [1, 8]), tmp_path)
    assert output_step(qdq) is None
    module = check_against_onnxruntime(qdq, RNG.standard_normal([1, 8]).astype(np.float32))
    with pytest.raises(CompileError, match="no quantization parameters"):
        compiler.lower(module.clone(), scheme="uint8")
    compiler.lower(module, scheme="uint8", allow_float=True)


def _opset_model(opset):
    """Conv, Split, Unsqueeze/Squeeze, Clip, Add, Pad, Resize, ReduceMean, Softmax in the
    form of `opset` (attributes before 13/18, inputs after)."""
    inits = [_w("w", 4, 4, 1, 1), _f32("lo", 0.0), _f32("hi", 6.0), _f32("roi", []),
             _i64("pads", [0, 0, 1, 1, 0, 0, 1, 1]), _f32("scales", [1, 1, 2, 2])]
    nodes = [N("Conv", ["x", "w"], ["c"])]
    if opset < 13:
        nodes += [N("Split", ["c"], ["a", "b"], axis=1, split=[2, 2]),
                  N("Unsqueeze", ["a"], ["u"], axes=[0]), N("Squeeze", ["u"], ["s"], axes=[0])]
    else:
        inits += [_i64("parts", [2, 2]), _i64("ax0", [0])]
        nodes += [N("Split", ["c", "parts"], ["a", "b"], axis=1),
                  N("Unsqueeze", ["a", "ax0"], ["u"]), N("Squeeze", ["u", "ax0"], ["s"])]
    nodes += [N("Clip", ["b", "lo", "hi"], ["cl"]), N("Add", ["s", "cl"], ["sum"]),
              N("Pad", ["sum", "pads"], ["p"], mode="constant"),
              N("Resize", ["p", "roi", "scales"], ["r"], mode="nearest",
                coordinate_transformation_mode="asymmetric", nearest_mode="floor")]
    if opset < 18:
        nodes.append(N("ReduceMean", ["r"], ["m"], axes=[3], keepdims=1))
    else:
        inits.append(_i64("ax3", [3]))
        nodes.append(N("ReduceMean", ["r", "ax3"], ["m"], keepdims=1))
    nodes.append(N("Softmax", ["m"], ["y"], axis=3))
    return float_model(nodes, [1, 4, 4, 4], [1, 2, 12, 1], inits, opset=opset)


@pytest.mark.parametrize("opset", [11, 13, 18, 21, 23])
def test_opset_versions(opset, tmp_path):
    """The same graph in each opset's spelling (Split/Squeeze/Unsqueeze/ReduceMean axes
    as attributes or inputs, Softmax's pre-13 semantics): quantized by onnxruntime at that
    opset, within 1 step of it, and lowered."""
    qdq = quantize(_opset_model(opset), tmp_path)
    assert [o.version for o in qdq.opset_import if o.domain in ("", "ai.onnx")] == [opset]
    module = check_against_onnxruntime(qdq, RNG.standard_normal([1, 4, 4, 4]).astype(np.float32))
    compiler.lower(module, scheme="uint8", allow_float=True)


def test_opset_10_is_refused():
    model = float_model([N("Relu", ["x"], ["y"])], [1, 4], [1, 4], opset=10)
    with pytest.raises(CompileError, match="ONNX opset 10 is not supported"):
        import_onnx(model)


def test_where_equal_cast_stay_exact(tmp_path):
    """Where/Equal/Cast (a mask): integer/boolean ops are not quantized; the select is."""
    nodes = [N("Greater", ["x", "zero"], ["m"]), N("Cast", ["m"], ["mf"], to=TensorProto.FLOAT),
             N("Equal", ["mf", "one"], ["e"]), N("Where", ["e", "x", "neg"], ["y"])]
    qdq = quantize(float_model(nodes, [1, 8], [1, 8], [_f32("zero", 0.0), _f32("one", 1.0),
                                                        _f32("neg", -1.0)]), tmp_path)
    check_against_onnxruntime(qdq, RNG.standard_normal([1, 8]).astype(np.float32))


def _gelu_nodes():
    return [N("Div", ["x", "sqrt2"], ["d"]), N("Erf", ["d"], ["e"]), N("Add", ["e", "one"], ["a"]),
            N("Mul", ["x", "a"], ["m"]), N("Mul", ["m", "half"], ["y"])]


_GELU_INITS = [_f32("sqrt2", 1.4142135381698608), _f32("one", 1.0), _f32("half", 0.5)]


def test_erf_gelu_pattern_keeps_every_qdq(tmp_path):
    """torch's exact-GELU pattern quantized by onnxruntime (Q/DQ after Erf, the Add and
    both Muls) is imported node by node: aten.erf, lowered to float ops between
    DEQUANTIZE and QUANTIZE (allow-float), and quantized ADD/MUL. The quant stage is
    bit-exact with onnxruntime (measured; asserted within 1 step); the int8 .tflite runs
    in LiteRT as the circle IR says."""
    from runtimes import run_litert

    for scheme in ("uint8", "int8"):
        qdq = quantize(float_model(_gelu_nodes(), [1, 64], [1, 64], _GELU_INITS), tmp_path,
                       scheme, scheme, per_channel=scheme == "int8")
        x = RNG.standard_normal([1, 64]).astype(np.float32) * 2
        module = check_against_onnxruntime(qdq, x)
        names = [op.name for op in module.walk()]
        assert "aten.gelu" not in names and names.count("aten.erf") == 1
        with pytest.raises(CompileError, match="no quantization parameters"):
            compiler.lower(module.clone(), scheme=scheme)
        compiler.lower(module, scheme=scheme, allow_float=True)
        names = [op.name for op in module.walk()]
        assert "circle.gelu" not in names and "circle.div" in names
        if scheme == "int8":
            data = compiler.write_tflite(module)
            circle = compiler.run(compiler.read_flatbuffer(data), [x])[0]
            np.testing.assert_array_equal(run_litert(data, [x])[0], circle)
            # the float erf (4.5e-7 from erf) moves no rounding here: circle IR == ORT
            step = output_step(qdq)
            assert np.abs(circle - run_onnxruntime(qdq, [x])[0]).max() <= step * (1 + 1e-5)


def test_float_erf_lowering_accuracy():
    """The float Erf's circle ops (Eigen's rational approximation) in the interpreter and
    in LiteRT: within 5e-7 of erf over [-6, 6] (measured 4.5e-7), LiteRT within float
    rounding of the interpreter."""
    import math

    from runtimes import run_litert

    module = import_onnx(float_model([N("Erf", ["x"], ["y"])], [1, 4001], [1, 4001]))
    compiler.lower(module)
    assert "aten.erf" not in str(module) and "circle.div" in str(module)
    x = np.linspace(-6, 6, 4001, dtype=np.float32).reshape(1, -1)
    want = np.vectorize(math.erf)(x.astype(np.float64))
    data = compiler.write_tflite(module)
    ours = compiler.run(compiler.read_flatbuffer(data), [x])[0]
    assert np.abs(ours - want).max() <= 5e-7
    np.testing.assert_allclose(run_litert(data, [x])[0], ours, rtol=0, atol=3e-7)


def test_erf_gelu_pattern_without_qdq_is_one_gelu(tmp_path):
    """The pattern excluded from quantization (no Q/DQ between its steps) is one GELU: the
    same float function, which Circle has as an operator (float here: the output too
    is unquantized)."""
    nodes = _gelu_nodes()
    model = float_model(nodes, [1, 64], [1, 64], _GELU_INITS)
    qdq = _quantize_excluding(model, tmp_path, [n.output[0] for n in nodes])
    x = RNG.standard_normal([1, 64]).astype(np.float32) * 2
    module = check_against_onnxruntime(qdq, x)
    names = [op.name for op in module.walk()]
    assert names.count("aten.gelu") == 1 and "aten.erf" not in names
    compiler.lower(module, scheme="uint8", allow_float=True)
    assert "circle.gelu" in [op.name for op in module.walk()]


def _quantize_excluding(model, tmp_path, exclude):
    """`quantize` with nodes (named by their first output) left float."""
    for n in model.graph.node:
        n.name = n.output[0]
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, quantize_static

    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    src, dst = tmp_path / "float_x.onnx", tmp_path / "qdq_x.onnx"
    onnx.save(model, src)
    batches = iter([{"x": RNG.standard_normal(shape).astype(np.float32)} for _ in range(4)])

    class Reader(CalibrationDataReader):
        def get_next(self):
            return next(batches, None)

    quantize_static(str(src), str(dst), Reader(), quant_format=QuantFormat.QDQ,
                    nodes_to_exclude=list(exclude))
    return onnx.load(dst)


def test_qdq_types_per_axis_and_narrow_range(tmp_path):
    """Per-channel symmetric int8 weights: a per-axis narrow-range quant.constant; the
    i32 bias a per-axis i32 constant; activations per-tensor i8."""
    nodes, xs, ys, inits = CASES["conv_relu"]
    qdq = quantize(float_model(nodes, xs, ys, inits), tmp_path, "int8", "int8", per_channel=True)
    text = str(import_onnx(qdq))
    assert "tensor<4x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {" in text
    assert "tensor<4x!quant.uniform<i32:f32:0, {" in text
    assert "quant.qcast %x : tensor<1x3x8x8xf32> to tensor<1x3x8x8x!quant.uniform<i8:f32, " in text
    assert 'aten.conv2d' in text and 'loc("x_QuantizeLinear")' not in text


def test_locations_are_onnx_node_names(tmp_path):
    nodes, xs, ys, inits = CASES["conv_relu"]
    nodes = [helper.make_node(n.op_type, n.input, n.output, name=f"my_{n.op_type}",
                              **{a.name: helper.get_attribute_value(a) for a in n.attribute})
             for n in nodes]
    qdq = quantize(float_model(nodes, xs, ys, inits), tmp_path)
    module = import_onnx(qdq)
    conv = next(op for op in module.walk() if op.name == "aten.conv2d")
    assert conv.location.desc.data == "my_Conv"
    compiler.lower(module, scheme="uint8")
    back = compiler.read_flatbuffer(compiler.write_circle(module))
    names = {getattr(op.location, "desc", None) and op.location.desc.data for op in back.walk()}
    assert "my_Conv" in names or any(n and n.startswith("my_") for n in names)


# -- errors ---------------------------------------------------------------------------
def test_unsupported_operator_is_located(tmp_path):
    nodes = [N("Relu", ["x"], ["r"], name="act"), N("Hardmax", ["r"], ["y"], name="hm")]
    qdq = quantize(float_model(nodes, [1, 8], [1, 8]), tmp_path)
    with pytest.raises(CompileError) as e:
        import_onnx(qdq)
    assert "unsupported ONNX operator 'Hardmax'" in str(e.value)
    assert "'hm'" in str(e.value)


def test_malformed_model_is_an_error(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x07not a model at all")
    with pytest.raises(CompileError, match="ONNX"):
        import_onnx(bad)
    dangling = float_model([N("Relu", ["nowhere"], ["y"])], [1, 4], [1, 4])
    with pytest.raises(CompileError, match="malformed ONNX model"):
        import_onnx(dangling)
    with pytest.raises(CompileError, match="no such file"):
        import_onnx(tmp_path / "missing.onnx")


def test_dynamic_shape_is_an_error(tmp_path):
    graph = helper.make_graph([N("Relu", ["x"], ["y"])], "dyn",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(CompileError, match="dynamic dimension 0 \\('batch'\\)"):
        import_onnx(model)


def test_run_time_quantization_parameter_is_an_error():
    nodes = [N("Abs", ["x"], ["s"]), N("ReduceMean", ["s"], ["scale"], keepdims=0),
             N("QuantizeLinear", ["x", "scale"], ["q"], name="dynamic_q"),
             N("DequantizeLinear", ["q", "scale"], ["y"])]
    with pytest.raises(CompileError, match="'dynamic_q'.*scale.*must be a constant"):
        import_onnx(float_model(nodes, [1, 4], [1, 4]))


def test_qcompile_onnx_error_writes_nothing(tmp_path, capsys):
    from compiler.tools.qcompile import main

    nodes = [N("Relu", ["x"], ["r"]), N("Hardmax", ["r"], ["y"], name="hm")]
    src = tmp_path / "m.onnx"
    onnx.save(quantize(float_model(nodes, [1, 8], [1, 8]), tmp_path), src)
    out = tmp_path / "m.circle"
    assert main([str(src), "-o", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert (f"qcompile: error: {src}: 'hm': unsupported ONNX operator 'Hardmax' "
            "(node 'hm', Hardmax)") in err  # located: the file and the node
    assert not out.exists()


def test_qcompile_onnx_verify(tmp_path, capsys):
    from compiler.tools.qcompile import main

    nodes, xs, ys, inits = CASES["conv_relu"]
    src = tmp_path / "m.onnx"
    onnx.save(quantize(float_model(nodes + [N("Flatten", ["y"], ["y2"])], xs, ys, inits), tmp_path), src)
    out = tmp_path / "m.circle"
    assert main([str(src), "-o", str(out), "-q", "--verify"]) == 0
    text = capsys.readouterr().out
    assert "QDQ (onnxruntime)" in text and "quant IR" in text
    assert out.read_bytes()[4:8] == b"CIR0"
