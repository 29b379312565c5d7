"""Acceptance of the ONNX front end on the shipped models (seed 003's prequantized flow).

examples/resnet.py, mobilenet_v2.py and transformer.py are exported to float ONNX
(`torch.onnx.export`, TorchScript exporter) and quantized to QDQ by onnxruntime's static
quantizer, then compiled:

- uint8 activations and weights (per-tensor) -> uint8 `.circle`, run by onert;
- int8 activations and symmetric int8 weights (per-channel and per-tensor) -> int8
  `.tflite`, run by LiteRT (BUILTIN_REF).

Checked: the quant stage (reference interpreter) within 1 output step of onnxruntime
running the QDQ model with optimizations off; LiteRT bit-exact with the circle IR;
onert within 1 step of it (its uint8 MEAN/FULLY_CONNECTED round differently, README).
onnxruntime's default (uint8 activations, int8 weights) compiles through the exact
storage re-encoding of `adapt-storage`. resnet uint8 runs by default, the rest of the
matrix is `slow`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

import torch  # noqa: E402

import compiler  # noqa: E402
from compiler.frontend.onnx_reference import run_onnxruntime  # noqa: E402
from runtimes import RuntimeRefused, run_litert, run_onert  # noqa: E402

torch.set_num_threads(1)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem + "_onnx_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


QDQ = _load(EXAMPLES / "onnx_qdq.py")


@pytest.fixture(scope="module")
def float_models(tmp_path_factory):
    """name -> (float .onnx path, model module); exported once per module."""
    cache: dict = {}

    def get(name: str):
        if name not in cache:
            m = _load(EXAMPLES / f"{name}.py")
            path = tmp_path_factory.mktemp(name) / "float.onnx"
            QDQ.float_onnx(m.model(), m.example_inputs(), str(path))
            cache[name] = (path, m)
        return cache[name]

    return get


def _gelu_nodes(float_path: Path) -> list[str]:
    """The Div/Erf/Add/Mul nodes inside each exact-GELU pattern of the float model."""
    g = onnx.load(float_path).graph
    producer = {o: n for n in g.node for o in n.output}
    users: dict = {}
    for n in g.node:
        for i in n.input:
            users.setdefault(i, []).append(n)
    names = []
    for n in g.node:
        if n.op_type == "Erf":
            add = users[n.output[0]][0]
            names += [producer[n.input[0]].name, n.name, add.name, users[add.output[0]][0].name]
    return names


def _qdq(float_models, name, tmp_path, activations, weights, per_channel, exclude_gelu=True):
    path, m = float_models(name)
    out = tmp_path / "qdq.onnx"
    exclude = _gelu_nodes(path) if exclude_gelu else []
    QDQ.ort_qdq(str(path), list(m.calibration_data())[:-1], str(out), activations, weights,
                per_channel=per_channel, exclude=exclude)
    held = [t.numpy() for t in list(m.calibration_data())[-1]]
    return onnx.load(out), held


def _step(model) -> float:
    g = model.graph
    inits = {i.name: onnx.numpy_helper.to_array(i) for i in g.initializer}
    # torch's TorchScript exporter writes qparams as Constant nodes, not initializers
    inits.update({n.output[0]: onnx.numpy_helper.to_array(n.attribute[0].t)
                  for n in g.node if n.op_type == "Constant" and n.attribute[0].name == "value"})
    dq = next(n for n in g.node if n.output[0] == g.output[0].name)
    return float(inits[dq.input[1]].reshape(()))


def _compile_and_check(qdq, held, scheme, allow_float, max_quant_steps=1, target=None):
    """(circle IR outputs, file bytes, step) after checking the quant stage vs onnxruntime."""
    module = compiler.import_onnx(qdq)
    step = _step(qdq)
    ref = run_onnxruntime(qdq, held)[0]
    quant = compiler.run(module, held)[0]
    steps = np.abs(quant - ref).max() / step
    assert steps <= max_quant_steps * (1 + 1e-5), f"quant stage {steps} steps from onnxruntime"
    compiler.lower(module, scheme=scheme, allow_float=allow_float, target=target)
    data = compiler.write_circle(module) if scheme == "uint8" else compiler.write_tflite(module)
    circle = compiler.run(compiler.read_flatbuffer(data), held)[0]
    return circle, data, step


def _onert_as_documented(data, held, circle, step, output_steps):
    """onert departs from the circle IR only within each op's documented tolerance
    (`compiler.bisect`), and the output by at most `output_steps` (measured)."""
    from compiler.bisect import bisect

    b = bisect(data, held, "onert")
    assert b.error is None, str(b)
    assert np.abs(run_onert(data, held)[0] - circle).max() <= output_steps * step * (1 + 1e-5)


CNNS = ["resnet", "mobilenet_v2"]


def _uint8_circle(float_models, name, tmp_path, per_channel=False):
    qdq, held = _qdq(float_models, name, tmp_path, "uint8", "uint8", per_channel=per_channel)
    circle, data, step = _compile_and_check(qdq, held, "uint8", allow_float=False)
    out = run_onert(data, held)[0]
    # onert's uint8 MEAN (global average pool) and FULLY_CONNECTED round once where the
    # IR (TFLite's kernels) rounds twice: within 1 step (README, docs/onnx.md)
    assert np.abs(out - circle).max() <= step * (1 + 1e-5)


def test_resnet_uint8_circle_runs_in_onert(float_models, tmp_path):
    _uint8_circle(float_models, "resnet", tmp_path)


@pytest.mark.slow
def test_mobilenet_v2_uint8_circle_runs_in_onert(float_models, tmp_path):
    _uint8_circle(float_models, "mobilenet_v2", tmp_path)


@pytest.mark.parametrize("name", ["resnet", pytest.param("mobilenet_v2", marks=pytest.mark.slow)])
def test_cnn_uint8_per_channel_circle_runs_in_onert(float_models, name, tmp_path):
    """Per-channel uint8 weights, the classifier's Gemm's too: for onert they are kept
    exactly (target-legalize computes the uint8 FULLY_CONNECTED as a 1x1 CONV_2D, which
    onert runs bit-exactly with per-channel weights); the quant stage is within 1 step of
    onnxruntime and onert computes the file bit-exactly like the interpreter. Without a
    target the per-channel FC could reach onert (channel 0's scale for every channel): a
    located error naming the Gemm, or with requantize per tensor (lossy, SQNR reported)."""
    from compiler.ir.diagnostics import CompileError
    from compiler.transforms.adapt_storage import adapt_storage

    qdq, held = _qdq(float_models, name, tmp_path, "uint8", "uint8", per_channel=True)
    module = compiler.import_onnx(qdq)
    assert all(a.exact for a in adapt_storage(module, "uint8", target="onert"))
    circle, data, _ = _compile_and_check(qdq, held, "uint8", allow_float=False,
                                         target="onert")
    np.testing.assert_array_equal(run_onert(data, held)[0], circle)
    with pytest.raises(CompileError, match="Gemm.*onert applies channel 0's scale"):
        compiler.lower(compiler.import_onnx(qdq), scheme="uint8")
    module = compiler.import_onnx(qdq)
    lossy = [a for a in adapt_storage(module, "uint8", requantize=True) if not a.exact]
    assert len(lossy) == 1 and "Gemm" in str(lossy[0].where) and lossy[0].sqnr_db > 30


@pytest.mark.slow
@pytest.mark.parametrize("name", CNNS)
def test_cnn_int8_tflite_is_bit_exact_in_litert(float_models, name, tmp_path):
    qdq, held = _qdq(float_models, name, tmp_path, "int8", "int8", per_channel=True)
    circle, data, _ = _compile_and_check(qdq, held, "int8", allow_float=False)
    np.testing.assert_array_equal(run_litert(data, held)[0], circle)


@pytest.mark.slow
def test_resnet_int16_tflite_is_bit_exact_in_litert(float_models, tmp_path):
    """int16 activations (symmetric) with int8 per-channel weights: TFLite's 16x8 scheme.
    One int16 step is 1/256 of an int8 one: float summation order (onnxruntime's conv vs
    torch's) moves the quant stage by up to 2 of them (measured)."""
    qdq, held = _qdq(float_models, "resnet", tmp_path, "int16", "int8", per_channel=True)
    module = compiler.import_onnx(qdq)
    assert "!quant.uniform<i16:f32" in str(module)
    circle, data, _ = _compile_and_check(qdq, held, "int16", allow_float=False, max_quant_steps=2)
    np.testing.assert_array_equal(run_litert(data, held)[0], circle)


@pytest.mark.slow
def test_int8_per_tensor_weights_become_per_channel_exactly(float_models, tmp_path):
    """TFLite's int8 scheme has per-channel conv/FC weights: per-tensor symmetric int8
    weights are re-encoded exactly (the same scale on every channel, adapt-storage), so
    the quant stage, the circle IR and LiteRT compute what the QDQ model says."""
    qdq, held = _qdq(float_models, "resnet", tmp_path, "int8", "int8", per_channel=False)
    circle, data, _ = _compile_and_check(qdq, held, "int8", allow_float=False)
    np.testing.assert_array_equal(run_litert(data, held)[0], circle)


@pytest.mark.slow
def test_transformer_int8_tflite(float_models, tmp_path):
    """Layer norm's internals and the attention's activation matmuls have no calibrated
    qparams in the QDQ model (onnxruntime runs them in float too): allow-float. The GELU
    pattern excluded from quantization: the quant stage then agrees within 1 step."""
    qdq, held = _qdq(float_models, "transformer", tmp_path, "int8", "int8", per_channel=True)
    circle, data, _ = _compile_and_check(qdq, held, "int8", allow_float=True)
    np.testing.assert_array_equal(run_litert(data, held)[0], circle)


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["uint8", "int8"])
def test_transformer_fully_quantized_keeps_every_qdq(float_models, scheme, tmp_path):
    """All of onnxruntime's Q/DQ, the GELU pattern's intermediates included (imported
    node by node, Erf as float ops): the quant stage agrees within 1 step (measured 0,
    2 layers, uint8 and int8); the .tflite runs in LiteRT as the circle IR says, the
    .circle for onert (target-legalize) in onert with every op within its documented
    tolerance (FC/MEAN rounding, the float MEAN's summation order; docs/onnx.md)."""
    qdq, held = _qdq(float_models, "transformer", tmp_path, scheme, scheme,
                     per_channel=scheme == "int8", exclude_gelu=False)
    names = {n.op_type for n in qdq.graph.node}
    assert "Erf" in names and "Gelu" not in names
    circle, data, step = _compile_and_check(qdq, held, scheme, allow_float=True,
                                            target="onert" if scheme == "uint8" else None)
    if scheme == "int8":
        np.testing.assert_array_equal(run_litert(data, held)[0], circle)
    else:
        _onert_as_documented(data, held, circle, step, output_steps=1)


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["uint8", "int8"])
def test_transformer_dynamo_export_gelu_op(scheme, tmp_path):
    """torch's dynamo exporter writes GELU as one op (opset 18 Gelu): fully quantized by
    onnxruntime, the quant stage agrees within 1 step (measured: 0)."""
    m = _load(EXAMPLES / "transformer.py")
    float_path = tmp_path / "float.onnx"
    QDQ.float_onnx(m.model(), m.example_inputs(), str(float_path), dynamo=True)
    out = tmp_path / "qdq.onnx"
    QDQ.ort_qdq(str(float_path), list(m.calibration_data())[:-1], str(out), scheme, scheme,
                per_channel=scheme == "int8")
    held = [t.numpy() for t in list(m.calibration_data())[-1]]
    circle, data, _ = _compile_and_check(onnx.load(out), held, scheme, allow_float=True)
    if scheme == "int8":
        np.testing.assert_array_equal(run_litert(data, held)[0], circle)


@pytest.mark.slow
def test_transformer_uint8_circle_runs_in_onert_with_its_target(float_models, tmp_path):
    """Lowered without a target, onert refuses the uint8 transformer (a u8 -> u8
    requantizing QUANTIZE); for onert, target-legalize rewrites it and onert runs it
    as documented (qcompile's default for .circle)."""
    qdq, held = _qdq(float_models, "transformer", tmp_path, "uint8", "uint8", per_channel=False)
    _, data, _ = _compile_and_check(qdq, held, "uint8", allow_float=True)
    with pytest.raises(RuntimeRefused, match="Quantize"):
        run_onert(data, held)
    circle, data, step = _compile_and_check(qdq, held, "uint8", allow_float=True, target="onert")
    # measured 2 at the output: per-op departures within tolerance (FC 1 step, the float
    # MEAN's ulps) add up over 2 layers
    _onert_as_documented(data, held, circle, step, output_steps=2)


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["uint8", "int8"])
@pytest.mark.parametrize("name", CNNS)
def test_onnxruntime_default_mixed_u8_activations_i8_weights(float_models, name, scheme, tmp_path):
    qdq, held = _qdq(float_models, name, tmp_path, "uint8", "int8", per_channel=scheme == "int8")
    circle, data, step = _compile_and_check(qdq, held, scheme, allow_float=False)
    if scheme == "int8":
        np.testing.assert_array_equal(run_litert(data, held)[0], circle)
    else:
        assert np.abs(run_onert(data, held)[0] - circle).max() <= step * (1 + 1e-5)


def test_seed_003_fx_ptq_export_compiles(tmp_path):
    """Seed 003 verbatim (FX PTQ, qnnpack qconfig, torch.onnx.export): uint8 activations
    with int8 weights, re-encoded exactly by adapt-storage."""
    m = _load(EXAMPLES / "tiny_cnn.py")
    path = tmp_path / "model_qdq.onnx"
    QDQ.fx_qdq(m.model(), m.example_inputs(), list(m.calibration_data()), str(path))
    held = [t.numpy() for t in list(m.calibration_data())[-1]]
    _compile_and_check(onnx.load(path), held, "uint8", allow_float=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", CNNS)
def test_seed_003_fx_ptq_export_of_cnns_runs_in_onert(name, tmp_path):
    """Seed 003's flow on the ResNet and MobileNetV2 examples: the exporter writes Conv,
    Relu/Clip, MaxPool, Add, GlobalAveragePool, Flatten, Gemm between
    QuantizeLinear -> Cast -> DequantizeLinear (qparams as Constant nodes). Measured: quant
    stage 1 / 0 steps from onnxruntime, onert 1 step from the circle IR. (As int8
    .tflite, qnnpack's full-range weights holding -128 are refused with a located error
    unless requantized: TFLite's int8 weights are narrow.)"""
    m = _load(EXAMPLES / f"{name}.py")
    path = tmp_path / "model_fx_qdq.onnx"
    cal = list(m.calibration_data())
    QDQ.fx_qdq(m.model(), m.example_inputs(), cal[:-1], str(path))
    qdq = onnx.load(path)
    assert {"Cast", "Gemm", "GlobalAveragePool", "Add"} <= {n.op_type for n in qdq.graph.node}
    held = [t.numpy() for t in cal[-1]]
    circle, data, step = _compile_and_check(qdq, held, "uint8", allow_float=False,
                                            target="onert")
    assert np.abs(run_onert(data, held)[0] - circle).max() <= step * (1 + 1e-5)


def test_seed_003_onnxruntime_qdq_compiles(tmp_path):
    """The example's working path: the float export quantized by onnxruntime (uint8)."""
    m = _load(EXAMPLES / "tiny_cnn.py")
    float_path = tmp_path / "float.onnx"
    QDQ.float_onnx(m.model(), m.example_inputs(), str(float_path))
    out = tmp_path / "model_qdq.onnx"
    QDQ.ort_qdq(str(float_path), list(m.calibration_data())[:-1], str(out))
    held = [t.numpy() for t in list(m.calibration_data())[-1]]
    circle, data, step = _compile_and_check(onnx.load(out), held, "uint8", allow_float=False)
    assert np.abs(run_onert(data, held)[0] - circle).max() <= step * (1 + 1e-5)
