"""FX graph mode quantization (`prepare_fx` + `_convert_to_reference_decomposed_fx`,
torch.ao.quantization), compiled for Circle or TFLite:

    qcompile examples/fx_reference.py --fx -o resnet_fx.circle --verify
    qcompile examples/fx_reference.py --fx fbgemm -o resnet_fx.tflite --report

`--fx [qnnpack|fbgemm]` prepares with the backend's QConfigMapping (uint8 activations;
fbgemm's use reduce_range [0, 127]) whose int8 weights the target holds exactly
(symmetric [-127, 127], per channel; linear layers per tensor for `.circle`),
calibrates, converts to the reference decomposed form (the same `quantized_decomposed`
q/dq ops PT2E emits) and exports it. By hand, with any QConfigMapping:

    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import prepare_fx, _convert_to_reference_decomposed_fx
    prepared = prepare_fx(model(), get_default_qconfig_mapping("qnnpack"), example_inputs())
    for batch in calibration_data(): prepared(*batch)
    reference = _convert_to_reference_decomposed_fx(prepared)
    program = compiler.frontend.flows.export_fx_reference(reference, example_inputs())
    module = compiler.import_program(program)
    compiler.lower(module, scheme="int8", requantize...)  # see docs/quantizers.md

torch's default qconfigs give full-range int8 weights ([-128, 127]): the int8 scheme
narrows them exactly unless a weight holds -128 (then `--requantize`).
"""

from resnet import calibration_data, example_inputs, model  # noqa: F401
