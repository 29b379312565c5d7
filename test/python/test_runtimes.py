"""The flatbuffers we write load and run in real runtimes: `.circle` in onert, `.tflite`
in LiteRT. Here: loads, runs, output shapes and dtypes right, values finite and in the
output type's range. (Numeric agreement with the reference interpreter is tested by
the interpreter's own suite.)

What a runtime refuses is pinned too, with the runtime's own message, so the list in
docs/codegen.md stays true: if a runtime starts accepting one of these, the test fails
and the documentation (and the pipeline's workarounds) can be revisited.
"""

from __future__ import annotations

import numpy as np
import pytest
from runtimes import RuntimeRefused, litert_available, onert_available, run_litert, run_onert
from test_codegen_models import MODELS, PROBES, TFLITE_REFUSED, example_inputs

from compiler.codegen import write_circle, write_tflite
from compiler.codegen.onert import onert_problems
from compiler.ir.diagnostics import CompileError
from compiler.ir.verify_tensors import numpy_dtype

#: model -> substring of onert's refusal (None: runs). Measured with onert 0.1.0.
ONERT = {
    "float": None,
    "conv_u8pt": None, "conv_u8pt_io": None, "conv_u8pc": None, "conv_u8pc_io": None,
    "conv_i8": None, "conv_i8_io": None,
    "conv_i16": "OperationValidator failed",
    "conv_i16_io": "Model has type that runtime API does not support",
    "fc_u8pt": None, "fc_u8pt_io": None, "fc_u8pc": None, "fc_u8pc_io": None,
    "fc_i8": "FullyConnected: unsupported data type",
    "fc_i8_io": "FullyConnected: unsupported data type",
    "fc_i16": "OperationValidator failed",
    "fc_i16_io": "OperationValidator failed",
    # single-op probes
    "relu_u8": "ElementwiseActivationLayer(ReLU): unsupported data type",
    "relu6_u8": "ElementwiseActivationLayer(ReLU): unsupported data type",
    "relu_i8": "ElementwiseActivationLayer(ReLU): unsupported data type",
    "relu6_i8": "ElementwiseActivationLayer(ReLU): unsupported data type",
    "max_pool_u8": None,
    "max_pool_i8": "cker::MaxPool : Unsupported data type",
    "logistic_u8": None,
    "logistic_i8": "ElementwiseActivationLayer(Logistic): unsupported data type",
    "tanh_u8": None,
    "tanh_i8": "ElementwiseActivationLayer(Tanh): unsupported data type",
    "mean_u8": None,
    "mean_i8": "Mean: unsupported data type",
    "transpose_u8": None,
    "transpose_i8": "Transpose: unsupported data type",
    "hard_swish_u8": "Unsupported operation: HARD_SWISH",
    "softmax_i16": "OperationValidator failed",
    "avg_pool_i16": "OperationValidator failed",
    "add_i8": None,
    "add_i16": "OperationValidator failed",
    "add_i16_asymmetric": "OperationValidator failed",
    "mul_u8": None, "sub_u8": None, "maximum_u8": None, "concatenation_u8": None,
    "pad_u8": None, "slice_u8": None, "resize_bilinear_u8": None, "gather_u8": None,
    "maximum_i8": "Max: unsupported data type",
    "slice_i8": "Slice: unsupported data type",
    "gather_i8": "Gather: unsupported input data type",
    "strided_slice_u8": "StridedSlice: unsupported data type",
    "resize_nearest_u8": "KernelGenerator: NYI for operation 'ResizeNearestNeighbor'",
    "leaky_relu_u8": "ElementwiseActivationLayer(LeakyReLU): unsupported data type",
    "batch_matmul_u8": "BatchMatMul: unsupported data type",
    "batch_matmul_i8": "BatchMatMul: unsupported data type",
    "reduce_max_u8": "Reduce(generic): unsupported data type",
    "sum_u8": "Reduce(generic): unsupported data type",
    "transpose_conv_u8": "Invalid number of input tensors for this operation",
    "conv_without_bias": "loader doesn't support optional input tensor yet for CONV_2D",
    "depthwise_without_bias": "loader doesn't support optional input tensor yet for DEPTHWISE_CONV_2D",
    "fc_u8_without_bias": None,
}

#: Everything else runs in LiteRT 2.3, on BUILTIN_REF and on AUTO (XNNPACK).
LITERT = [name for name in ONERT if name not in TFLITE_REFUSED]

ALL = {**MODELS, **PROBES}


def _check_outputs(module, outs: list[np.ndarray]) -> None:
    func = next(iter(module.body.ops))
    types = func.function_type.outputs.data
    assert len(outs) == len(types)
    for out, t in zip(outs, types):
        et = t.element_type
        want = np.dtype(et.numpy_storage_dtype) if hasattr(et, "numpy_storage_dtype") else (
            numpy_dtype(et)
        )
        assert out.shape == tuple(t.get_shape())
        assert out.dtype == want
        if out.dtype.kind == "f":
            assert np.isfinite(out).all()
            # every float output here is a dequantized value or a small float conv
            assert np.abs(out).max() < 1e3


def test_pinned_tables_cover_every_model():
    assert set(ONERT) == set(ALL)


@pytest.mark.skipif(not onert_available(), reason="onert is not installed")
@pytest.mark.parametrize("name", sorted(ONERT))
def test_onert_runs_circle(name):
    module = ALL[name]()
    data = write_circle(module)
    inputs = example_inputs(module)
    expected = ONERT[name]
    if expected is None:
        _check_outputs(module, run_onert(data, inputs))
    else:
        with pytest.raises(RuntimeRefused) as info:
            run_onert(data, inputs)
        assert expected in info.value.message


@pytest.mark.skipif(not litert_available(), reason="ai-edge-litert is not installed")
@pytest.mark.parametrize("resolver", ["BUILTIN_REF", "AUTO"])
@pytest.mark.parametrize("name", sorted(LITERT))
def test_litert_runs_tflite(name, resolver):
    module = ALL[name]()
    _check_outputs(module, run_litert(write_tflite(module), example_inputs(module), resolver))


@pytest.mark.parametrize("name", sorted(TFLITE_REFUSED))
def test_write_tflite_refuses_what_litert_cannot_run(name):
    with pytest.raises(CompileError) as info:
        write_tflite(ALL[name]())
    assert TFLITE_REFUSED[name] in str(info.value)


@pytest.mark.skipif(not litert_available(), reason="ai-edge-litert is not installed")
@pytest.mark.parametrize("name", ["conv_without_bias", "depthwise_without_bias"])
def test_litert_itself_refuses_an_absent_conv_bias(name):
    """Why write_tflite refuses it: the same model, TFL3-packed without the check."""
    from compiler.codegen.schema import TFLITE_IDENTIFIER
    from compiler.codegen.writer import build_model, pack_model

    module = ALL[name]()
    data = pack_model(build_model(module), TFLITE_IDENTIFIER)
    with pytest.raises(RuntimeRefused, match="Tensor at index 2 was optional but was expected"):
        run_litert(data, example_inputs(module))


#: Models onert runs but computes wrongly (its output differs from the reference
#: interpreter, which is bit-exact with LiteRT), with the reason check_onert gives.
ONERT_WRONG = {
    # QUANTIZE float -> int8 clamps negative values to 0
    "conv_i8": "QUANTIZE from float to int8",
    "add_i8": "QUANTIZE from float to int8",
    # FULLY_CONNECTED uses channel 0's weight scale/zero point for every channel
    "fc_u8pc": "FULLY_CONNECTED applies channel 0's",
    "fc_u8pc_io": "FULLY_CONNECTED applies channel 0's",
}


#: Models whose op onert computes up to 1 step off the IR on some inputs (its own
#: rounding: 1 step on 0.2-45 % of elements, test_target_legalize.py), which
#: target-legalize rewrites for a `.circle`; their small example inputs here may not
#: show it (`fc_u8pt_io` stays a control below).
ONERT_ROUNDS = {
    "fc_u8pt": "FULLY_CONNECTED requantizes with gemmlowp's two roundings",
    "fc_u8pt_io": "FULLY_CONNECTED requantizes with gemmlowp's two roundings",
    "fc_u8_without_bias": "FULLY_CONNECTED requantizes with gemmlowp's two roundings",
    "mean_u8": "MEAN computes the uint8 mean in float",
    "resize_bilinear_u8": "RESIZE_BILINEAR truncates the float interpolation",
}


@pytest.mark.parametrize("name", sorted(ONERT))
def test_check_onert_predicts_exactly_the_problems(name):
    """The static check (compiler.codegen.onert) agrees with what onert does."""
    problems = [str(p) for p in onert_problems(ALL[name]())]
    expected = ONERT[name] is not None or name in ONERT_WRONG or name in ONERT_ROUNDS
    assert bool(problems) == expected, problems
    for known in (ONERT_WRONG, ONERT_ROUNDS):
        if name in known:
            assert any(known[name] in p for p in problems), problems


@pytest.mark.skipif(not onert_available(), reason="onert is not installed")
@pytest.mark.parametrize("name", sorted(ONERT_WRONG) + ["conv_i8_io", "fc_u8pt_io", "conv_u8pc_io"])
def test_onert_wrong_results_are_real(name):
    """onert runs these models; it is wrong exactly on those in ONERT_WRONG (controls:
    the same ops with integer I/O, per-tensor FC weights, per-channel conv weights)."""
    from compiler import run

    module = ALL[name]()
    inputs = example_inputs(module)
    got = run_onert(write_circle(module), inputs)[0]
    want = run(module, inputs)[0]
    assert (not np.array_equal(got, want)) == (name in ONERT_WRONG)


@pytest.mark.skipif(not litert_available(), reason="ai-edge-litert is not installed")
def test_litert_refuses_the_circle_identifier():
    """LiteRT checks the file identifier: the `.circle` bytes are not a `.tflite` model,
    which is why `write_tflite` exists."""
    module = MODELS["conv_i8"]()
    with pytest.raises(RuntimeRefused, match="not a valid Flatbuffer"):
        run_litert(write_circle(module), example_inputs(module))




@pytest.mark.skipif(not litert_available(), reason="ai-edge-litert is not installed")
def test_litert_needs_schema_version_3():
    """Why `Model.version` is 3 (onert accepts any)."""
    from compiler.codegen.schema import TFLITE_IDENTIFIER
    from compiler.codegen.writer import build_model, pack_model

    module = MODELS["conv_u8pt"]()
    model = build_model(module)
    model.version = 2
    with pytest.raises(RuntimeRefused, match="schema version 2 not equal to supported version 3"):
        run_litert(pack_model(model, TFLITE_IDENTIFIER), example_inputs(module))
