"""ExecuTorch's flow: PT2E post-training quantization with XNNPACKQuantizer (symmetric
int8 activations and weights, per channel), compiled for Circle or TFLite.

    qcompile examples/xnnpack_ptq.py -o mobilenet_xnnpack.tflite --verify
    qcompile examples/xnnpack_ptq.py -o mobilenet_xnnpack.circle --requantize --report

The model file's `quantizer()` replaces CircleQuantizer: the program is exactly what
ExecuTorch's `prepare_pt2e(model, XNNPACKQuantizer())` + `convert_pt2e` gives. For
`.tflite` (int8) it compiles as is; for `.circle` (uint8, onert) its int8 tensors are
re-encoded exactly (zero point + 128), and the per-channel weights of the last linear
layer, which onert computes wrongly, are requantized per tensor only with
`--requantize` (the report gives their SQNR). XNNPACKQuantizer ships with executorch
(`executorch.backends.xnnpack.quantizer.xnnpack_quantizer`); torchao keeps a copy for
its tests, used here so that executorch need not be installed.
"""

from mobilenet_v2 import calibration_data, example_inputs, model  # noqa: F401

PER_CHANNEL = True


def quantizer():
    from torchao.testing.pt2e._xnnpack_quantizer import (
        XNNPACKQuantizer,
        get_symmetric_quantization_config,
    )

    return XNNPACKQuantizer().set_global(
        get_symmetric_quantization_config(is_per_channel=PER_CHANNEL))
