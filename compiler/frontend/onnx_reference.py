"""onnxruntime as the reference of an ONNX QDQ model (the oracle of `import_onnx`).

Graph optimizations are off (`ORT_DISABLE_ALL`): onnxruntime then runs every
QuantizeLinear/DequantizeLinear as written and the float operators between them in
float, which is what the quant stage of the IR computes. (With optimizations on it
fuses DQ->op->Q into integer kernels, whose rounding differs.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def run_onnxruntime(model, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The model's outputs on `inputs` (in the order of the graph's non-initializer inputs)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    data = model if isinstance(model, (bytes, bytearray)) else model.SerializeToString()
    session = ort.InferenceSession(bytes(data), options, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    return [np.asarray(o) for o in session.run(None, dict(zip(names, inputs)))]
