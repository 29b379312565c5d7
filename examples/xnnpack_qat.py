"""Quantization-aware training with PT2E and XNNPACKQuantizer (`prepare_qat_pt2e`),
compiled for Circle or TFLite. Run with `--qat`:

    qcompile examples/xnnpack_qat.py --qat -o resnet_qat.tflite --verify
    qcompile examples/xnnpack_qat.py --qat -o resnet_qat.circle --requantize

`qcompile --qat` runs the calibration batches as training-mode forward passes (fake
quantization and batch-norm statistics update; no weights are trained). For real
training, run the torchao calls yourself and compile the converted program:

    from torchao.quantization.pt2e.quantize_pt2e import prepare_qat_pt2e, convert_pt2e
    prepared = prepare_qat_pt2e(torch.export.export(model().train(), example_inputs()).module(),
                                quantizer())
    ...train prepared...
    torchao.quantization.pt2e.move_exported_model_to_eval(prepared)
    program = torch.export.export(convert_pt2e(prepared), example_inputs())
    torch.export.save(program, "resnet_qat.pt2")    # then: qcompile resnet_qat.pt2 -o ...

Batch norm is folded into the convolutions by `convert_pt2e` (QAT simulates the fold).
"""

from resnet import calibration_data, example_inputs, model  # noqa: F401


def quantizer():
    from torchao.testing.pt2e._xnnpack_quantizer import (
        XNNPACKQuantizer,
        get_symmetric_quantization_config,
    )

    return XNNPACKQuantizer().set_global(
        get_symmetric_quantization_config(is_per_channel=True, is_qat=True))
