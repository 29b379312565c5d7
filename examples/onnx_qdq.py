"""Seed 003's flow: a prequantized (QDQ) ONNX model, then `qcompile model_qdq.onnx`.

    python examples/onnx_qdq.py OUTDIR [examples/resnet.py]
    qcompile OUTDIR/model_qdq.onnx -o model.circle --verify          # uint8, ONE/onert
    qcompile OUTDIR/model_qdq_int8.onnx -o model.tflite --verify     # int8, LiteRT

Two ways to get the QDQ model, both written to OUTDIR:

- `fx_qdq`: FX graph-mode PTQ (`prepare_fx`, calibrate, `convert_fx` with the "qnnpack"
  qconfig), exported by torch's TorchScript ONNX exporter (`dynamo=False`; the dynamo
  exporter cannot export a `convert_fx` model: `torch.export` fails on its quantized
  ops). Written as `model_fx_qdq.onnx`. qnnpack quantizes activations to uint8 and
  weights to int8: `adapt-storage` re-encodes that mix exactly into the target's
  scheme.
- `ort_qdq`: the float model exported with `torch.onnx.export`, quantized by
  onnxruntime's `quantize_static(..., quant_format=QuantFormat.QDQ)` with uint8
  activations and weights (`model_qdq.onnx`, the uint8 scheme of `.circle`) or int8
  activations and symmetric per-channel int8 weights (`model_qdq_int8.onnx`, TFLite's
  int8 scheme).

The model file follows qcompile's contract (`model()`, `example_inputs()`,
`calibration_data()`); the default is examples/tiny_cnn.py.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import warnings


def load_model_file(path: str):
    spec = importlib.util.spec_from_file_location("onnx_qdq_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fx_qdq(model, example_inputs, calibration, path: str) -> None:
    """Seed 003 verbatim: FX graph-mode PTQ, then torch.onnx.export of the converted model."""
    import torch
    from torch.ao.quantization import QConfigMapping, get_default_qconfig
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

    model.eval()
    qconfig_mapping = QConfigMapping().set_global(get_default_qconfig("qnnpack"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prepared = prepare_fx(model, qconfig_mapping, example_inputs)
        with torch.no_grad():
            for batch in calibration:
                prepared(*batch)
        quantized = convert_fx(prepared)
        torch.onnx.export(quantized, example_inputs, path, dynamo=False, input_names=["x"])


def float_onnx(model, example_inputs, path: str, dynamo: bool = False) -> None:
    """The float model as ONNX: TorchScript exporter (opset 17; exact GELU as the
    Div/Erf/Add/Mul pattern) or, with `dynamo`, the torch.export-based one (opset 18;
    GELU as one op)."""
    import contextlib
    import io

    import torch

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        if dynamo:
            torch.onnx.export(model.eval(), example_inputs, path, dynamo=True,
                              input_names=["x"])
        else:
            torch.onnx.export(model.eval(), example_inputs, path, dynamo=False,
                              input_names=["x"], opset_version=17)


def ort_qdq(float_path: str, calibration, path: str, activations: str = "uint8",
            weights: str = "uint8", per_channel: bool = False, exclude=()) -> None:
    """onnxruntime's static QDQ quantizer on a float ONNX model (int8 weights symmetric;
    int16 activations symmetric, the 16x8 scheme of TFLite)."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    types = {"uint8": QuantType.QUInt8, "int8": QuantType.QInt8, "int16": QuantType.QInt16}

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{"x": b[0].numpy()} for b in calibration])

        def get_next(self):
            return next(self.batches, None)

    import logging

    logging.getLogger().setLevel(logging.ERROR)  # "consider pre-processing" advice
    quantize_static(float_path, path, Reader(), quant_format=QuantFormat.QDQ,
                    activation_type=types[activations], weight_type=types[weights],
                    per_channel=per_channel, nodes_to_exclude=list(exclude),
                    extra_options={"WeightSymmetric": weights == "int8",
                                   "ActivationSymmetric": activations == "int16"})


def main(argv: list[str]) -> None:
    out = argv[0] if argv else "onnx-qdq"
    model_file = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "tiny_cnn.py")
    os.makedirs(out, exist_ok=True)
    m = load_model_file(model_file)
    calibration = list(m.calibration_data())
    fx_qdq(m.model(), m.example_inputs(), calibration, os.path.join(out, "model_fx_qdq.onnx"))
    float_path = os.path.join(out, "model_float.onnx")
    float_onnx(m.model(), m.example_inputs(), float_path)
    ort_qdq(float_path, calibration, os.path.join(out, "model_qdq.onnx"))
    ort_qdq(float_path, calibration, os.path.join(out, "model_qdq_int8.onnx"), "int8", "int8",
            per_channel=True)
    print(f"wrote {out}/model_fx_qdq.onnx, model_qdq.onnx, model_qdq_int8.onnx")


if __name__ == "__main__":
    main(sys.argv[1:])
