"""The quantization parameters TFLite's kernels derive at Prepare time.

Each function mirrors one piece of TFLite's `kernel_util.cc` / per-op `Prepare`,
including where it multiplies in float32 and where in double: those choices change
the 31-bit multiplier in rare cases, and with it the last bit of the output.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation, SSAValue

from compiler.interpreter.fixedpoint import quantize_multiplier, round_half_away
from compiler.interpreter.values import f32_scale, f32_scales, per_tensor, quantized
from compiler.ir.diagnostics import error_at
from compiler.ir.quant_types import UniformQuantizedType


def activation_range(op: Operation, output: SSAValue, activation: str = "NONE") -> tuple[int, int]:
    """`CalculateActivationRangeQuantized`: the fused activation's bounds in the output's
    integers (float32 `f / scale`, rounded half away from zero), within the storage
    dtype's full range."""
    q = per_tensor(op, output, "the output")
    info = np.iinfo(q.numpy_storage_dtype)
    lo, hi = int(info.min), int(info.max)
    scale, zp = np.float32(f32_scale(q)), q.zero_point.data

    def quant(f: float) -> int:
        return zp + round_half_away(float(np.float32(f) / scale))

    if activation == "NONE":
        return lo, hi
    if activation == "RELU":
        return max(lo, quant(0.0)), hi
    if activation == "RELU6":
        return max(lo, quant(0.0)), min(hi, quant(6.0))
    if activation == "RELU_N1_TO_1":
        return max(lo, quant(-1.0)), min(hi, quant(1.0))
    raise NotImplementedError(
        f"{op.name}: fused activation {activation} on quantized tensors is not bit-exact yet"
    )


def fused_range(op: Operation) -> tuple[int, int]:
    """The activation range of `op`'s first result under its fused activation."""
    act = op.properties.get("fused_activation_function")
    return activation_range(op, op.results[0], act.data if act is not None else "NONE")


def channel_multipliers(
    op: Operation, input: SSAValue, weights: SSAValue, output: SSAValue, per_tensor_f32: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Per-output-channel (multiplier, shift) of a conv / depthwise / fully-connected op.

    `effective = s_in * s_w[c] / s_out` in double (`PopulateConvolutionQuantizationParams`).
    With `per_tensor_f32` and a per-tensor weight, the product `s_in * s_w` is taken in
    float32 first, as `GetQuantizedConvolutionMultipler` does for the uint8 conv kernel
    and for every per-tensor fully-connected kernel.
    """
    qi = per_tensor(op, input, "the input")
    qo = per_tensor(op, output, "the output")
    qw = quantized(weights)
    if qw is None:
        raise error_at(op, f"weights must be quantized, got {weights.type}")
    s_in, s_out = f32_scale(qi), f32_scale(qo)
    w_scales = f32_scales(qw)
    if per_tensor_f32 and isinstance(qw, UniformQuantizedType):
        reals = [float(np.float32(s_in) * np.float32(w_scales[0])) / s_out]
    else:
        reals = [s_in * s_w / s_out for s_w in w_scales]
    pairs = [quantize_multiplier(r) for r in reals]
    return (np.array([m for m, _ in pairs], dtype=np.int64),
            np.array([s for _, s in pairs], dtype=np.int64))


def ratio_multiplier(a: float, b: float, in_float32: bool = False) -> tuple[int, int]:
    """(multiplier, shift) of `a / b`, divided in double or (as some kernels do) float32."""
    real = float(np.float32(a) / np.float32(b)) if in_float32 else float(a) / float(b)
    return quantize_multiplier(real)
