"""`qcompile MODEL.onnx`: a prequantized (QDQ) ONNX model as qcompile's program.

The model is already quantized, so there is no export, calibration or scheme choice:
its QuantizeLinear/DequantizeLinear say everything (`--scheme` only checks that the
storage types fit the target, in `verify-quantized`). `--verify` compares against
onnxruntime running the QDQ model with graph optimizations off (it then simulates
QDQ in float, as the quant stage does), on the last batch of `--calibration-data` or,
without it, on seeded standard-normal inputs of the model's input shapes.
"""

from __future__ import annotations

import time

import numpy as np

from compiler.ir.diagnostics import CompileError


def onnx_program(args, progress):
    """(ModelProto, None, held-back inputs as numpy) for `args.model` (a .onnx path)."""
    from compiler.frontend.onnx_importer import load_onnx

    if args.qat or args.per_tensor or args.calibration_batches:
        raise CompileError("--qat, --per-tensor and --calibration-batches do not apply to a "
                           "prequantized ONNX model")
    start = time.perf_counter()
    model = load_onnx(args.model)
    progress.line("load .onnx", time.perf_counter() - start, f"{len(model.graph.node)} nodes")
    return model, None, _held_inputs(args, model)


def _held_inputs(args, model) -> list[np.ndarray]:
    import onnx

    if args.calibration_data:
        from compiler.tools.model_file import load_calibration_file

        return [np.asarray(t) for t in load_calibration_file(args.calibration_data, None)[-1]]
    rng = np.random.default_rng(0)
    inits = {i.name for i in model.graph.initializer}
    held = []
    for inp in model.graph.input:
        if inp.name in inits:
            continue
        t = inp.type.tensor_type
        shape = [d.dim_value for d in t.shape.dim]
        dtype = onnx.helper.tensor_dtype_to_np_dtype(t.elem_type)
        held.append(rng.standard_normal(shape).astype(dtype) if dtype.kind == "f"
                    else np.zeros(shape, dtype))
    return held
