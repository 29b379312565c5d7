"""Hybrid ops: float activations with quantized weights (TFLite's dynamic-range kernels).

A hybrid FULLY_CONNECTED takes a float input, int8 symmetric weights and a float bias,
and produces a float output; the kernel quantizes each input row at run time
(`asymmetric_quantize_inputs`). The quantization passes leave such an op as it is: it
is neither a float op to report nor an integer op to rescale.
"""

from __future__ import annotations

from xdsl.ir import Operation

from compiler.ir.quant_types import is_quantized

#: discardable attribute of an imported aten op whose float input PT2E quantizes at run
#: time (dynamic quantization, compiler.frontend.dynamic); here so the legalizer needs no torch
DYNAMIC_ATTR = "dynamic_input"


def is_hybrid(op: Operation) -> bool:
    """A circle.fully_connected whose input is float and whose weights are quantized."""
    if op.name != "circle.fully_connected":
        return False
    x, w = op.operands[0].type, op.operands[1].type
    return not is_quantized(x) and is_quantized(w) and not is_quantized(op.results[0].type)
