"""Float kernels of the circle dialect (NHWC, TFLite's layouts and option semantics).

Arithmetic accumulates in float64 and rounds the result to float32: TFLite's float
kernels accumulate in float32 in an implementation-defined order, so float results
agree with runtimes up to float rounding, not bit for bit (integer kernels are the
bit-exact ones, see `circle_int`).
"""

from __future__ import annotations

import math

import numpy as np
from xdsl.ir import Operation

from compiler.dialects import circle
from compiler.interpreter import windows
from compiler.interpreter.values import shape_of
from compiler.ir.diagnostics import error_at

_ACTIVATIONS = {
    "NONE": lambda x: x,
    "RELU": lambda x: np.maximum(x, 0),
    "RELU6": lambda x: np.clip(x, 0, 6),
    "RELU_N1_TO_1": lambda x: np.clip(x, -1, 1),
    "TANH": np.tanh,
    "SIGN_BIT": lambda x: np.signbit(x).astype(x.dtype),
}


def apply_activation(op: Operation, x: np.ndarray) -> np.ndarray:
    """The op's `fused_activation_function` on a float result."""
    return _ACTIVATIONS[op.fused_activation_function.data](x)


def _f32(op: Operation, x: np.ndarray) -> np.ndarray:
    """Activation, float32, and the result type's shape (a kernel bug if it differs)."""
    out = np.asarray(x)
    if op.properties.get("fused_activation_function") is not None:
        out = apply_activation(op, out)
    out = out.astype(np.float32)
    if tuple(out.shape) != shape_of(op.results[0]):
        raise error_at(op, f"computed shape {list(out.shape)} differs from the result type")
    return out


def _stride(op) -> tuple[int, int]:
    return op.stride_h.value.data, op.stride_w.value.data


def _dilation(op) -> tuple[int, int]:
    return op.dilation_h_factor.value.data, op.dilation_w_factor.value.data


def conv_2d(op: circle.Conv2DOp, x, w, b):
    _, kh, kw, ci = w.shape
    out_hw = shape_of(op.output)[1:3]
    p = windows.patches(x.astype(np.float64), kh, kw, _stride(op), _dilation(op),
                        op.padding.data, out_hw)
    n, oh, ow, c = p.shape[:4]
    groups = c // ci
    p = p.reshape(n, oh, ow, groups, ci, kh, kw)
    wg = w.astype(np.float64).reshape(groups, -1, kh, kw, ci)
    y = np.einsum("nhwgikl,goikl->nhwgo", p, wg.transpose(0, 1, 4, 2, 3)).reshape(n, oh, ow, -1)
    if b is not None:
        y = y + b
    return (_f32(op, y),)


def depthwise_conv_2d(op: circle.DepthwiseConv2DOp, x, w, b):
    _, kh, kw, oc = w.shape
    c = x.shape[3]
    p = windows.patches(x.astype(np.float64), kh, kw, _stride(op), _dilation(op),
                        op.padding.data, shape_of(op.output)[1:3])
    wm = w.astype(np.float64).reshape(kh, kw, c, oc // c)
    y = np.einsum("nhwckl,klcm->nhwcm", p, wm).reshape(*p.shape[:3], oc)
    if b is not None:
        y = y + b
    return (_f32(op, y),)


def transpose_conv(op: circle.TransposeConvOp, _output_shape, w, x, b):
    """Scatter each input cell through the OHWI filter (TFLite's reference order)."""
    n, oh, ow, oc = shape_of(op.output)
    _, kh, kw, _ = w.shape
    sh, sw = _stride(op)
    ih, iw = x.shape[1:3]
    top = windows.pad_before(op.padding.data, oh, kh, sh, 1, ih)
    left = windows.pad_before(op.padding.data, ow, kw, sw, 1, iw)
    full = np.zeros((n, (ih - 1) * sh + kh, (iw - 1) * sw + kw, oc))
    contrib = np.einsum("nhwi,okli->nhwklo", x.astype(np.float64), w.astype(np.float64))
    for ky in range(kh):
        for kx in range(kw):
            full[:, ky: ky + (ih - 1) * sh + 1: sh, kx: kx + (iw - 1) * sw + 1: sw] += contrib[
                :, :, :, ky, kx
            ]
    y = full[:, top: top + oh, left: left + ow]
    if y.shape[1] < oh or y.shape[2] < ow:
        y = np.pad(y, ((0, 0), (0, oh - y.shape[1]), (0, ow - y.shape[2]), (0, 0)))
    if b is not None:
        y = y + b
    return (_f32(op, y),)


def fully_connected(op: circle.FullyConnectedOp, x, w, b):
    y = x.reshape(-1, w.shape[1]).astype(np.float64) @ w.astype(np.float64).T
    if b is not None:
        y = y + b
    return (_f32(op, y.reshape(shape_of(op.output))),)


def batch_matmul(op: circle.BatchMatMulOp, a, b):
    a = np.swapaxes(a, -1, -2) if op.adjoint_lhs.value.data else a
    b = np.swapaxes(b, -1, -2) if op.adjoint_rhs.value.data else b
    return (_f32(op, np.matmul(a.astype(np.float64), b.astype(np.float64))),)


def _pool_args(op):
    return (op.filter_height.value.data, op.filter_width.value.data, _stride(op),
            op.padding.data, shape_of(op.output)[1:3])


def max_pool_2d(op: circle.MaxPool2DOp, x):
    kh, kw, stride, padding, out_hw = _pool_args(op)
    p = windows.patches(x, kh, kw, stride, (1, 1), padding, out_hw, fill=-np.inf)
    return (_f32(op, p.max(axis=(4, 5))),)


def average_pool_2d(op: circle.AveragePool2DOp, x):
    kh, kw, stride, padding, out_hw = _pool_args(op)
    p = windows.patches(x.astype(np.float64), kh, kw, stride, (1, 1), padding, out_hw)
    counts = windows.valid_counts(x.shape[1], x.shape[2], kh, kw, stride, padding, out_hw)
    return (_f32(op, p.sum(axis=(4, 5)) / counts[None, :, :, None]),)


def _binary(fn):
    def kernel(op, a, b):
        return (_f32(op, fn(a.astype(np.float64), b.astype(np.float64))),)

    return kernel


def _unary(fn):
    def kernel(op, x):
        return (_f32(op, fn(x.astype(np.float64))),)

    return kernel


def _erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def gelu(op: circle.GeluOp, x):
    x = x.astype(np.float64)
    if op.approximate.value.data:
        y = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    else:
        y = 0.5 * x * (1 + _erf(x / math.sqrt(2)))
    return (_f32(op, y),)


def softmax(op: circle.SoftmaxOp, x):
    z = x.astype(np.float64) * op.beta.value.data
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return (_f32(op, z / z.sum(axis=-1, keepdims=True)),)


def log_softmax(op: circle.LogSoftmaxOp, x):
    z = x.astype(np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    return (_f32(op, z - np.log(np.exp(z).sum(axis=-1, keepdims=True))),)


def leaky_relu(op: circle.LeakyReluOp, x):
    x = x.astype(np.float64)
    return (_f32(op, np.where(x >= 0, x, x * op.alpha.value.data)),)


def prelu(op: circle.PReluOp, x, alpha):
    x = x.astype(np.float64)
    return (_f32(op, np.where(x >= 0, x, x * alpha)),)


def _reduce(fn):
    def kernel(op, x, axis):
        axes = tuple(sorted({int(a) % x.ndim for a in np.asarray(axis).reshape(-1)}))
        return (_f32(op, fn(x.astype(np.float64), axis=axes, keepdims=op.keep_dims.value.data)),)

    return kernel


def resize_bilinear(op: circle.ResizeBilinearOp, x, size):
    """TFLite's float ResizeBilinear (`ComputeInterpolationValues`, float32 positions)."""
    oh, ow = (int(v) for v in np.asarray(size).reshape(-1))
    align, half = op.align_corners.value.data, op.half_pixel_centers.value.data

    def axis_values(out_size: int, in_size: int):
        if align and out_size > 1:
            scale = np.float32(in_size - 1) / np.float32(out_size - 1)
        else:
            scale = np.float32(in_size) / np.float32(out_size)
        v = np.arange(out_size, dtype=np.float32)
        pos = (v + np.float32(0.5)) * scale - np.float32(0.5) if half else v * scale
        lo = np.maximum(np.floor(pos).astype(np.int64), 0)
        hi = np.minimum(np.ceil(pos).astype(np.int64), in_size - 1)
        return pos.astype(np.float64), lo, hi

    py, y0, y1 = axis_values(oh, x.shape[1])
    px, x0, x1 = axis_values(ow, x.shape[2])
    fy = (py - y0)[None, :, None, None]
    fx = (px - x0)[None, None, :, None]
    xd = x.astype(np.float64)
    y = (xd[:, y0][:, :, x0] * (1 - fy) * (1 - fx) + xd[:, y1][:, :, x0] * fy * (1 - fx)
         + xd[:, y0][:, :, x1] * (1 - fy) * fx + xd[:, y1][:, :, x1] * fy * fx)
    return (_f32(op, y),)


def _relu6(x):
    return np.clip(x, 0, 6)


#: op class -> float kernel `(op, *operand arrays) -> tuple of results`.
KERNELS = {
    circle.Conv2DOp: conv_2d,
    circle.DepthwiseConv2DOp: depthwise_conv_2d,
    circle.TransposeConvOp: transpose_conv,
    circle.FullyConnectedOp: fully_connected,
    circle.BatchMatMulOp: batch_matmul,
    circle.MaxPool2DOp: max_pool_2d,
    circle.AveragePool2DOp: average_pool_2d,
    circle.AddOp: _binary(np.add),
    circle.SubOp: _binary(np.subtract),
    circle.MulOp: _binary(np.multiply),
    circle.DivOp: _binary(np.divide),
    circle.SquaredDifferenceOp: _binary(lambda a, b: (a - b) ** 2),
    circle.LogisticOp: _unary(lambda x: 1 / (1 + np.exp(-x))),
    circle.TanhOp: _unary(np.tanh),
    circle.ReluOp: _unary(lambda x: np.maximum(x, 0)),
    circle.Relu6Op: _unary(_relu6),
    circle.ReluN1To1Op: _unary(lambda x: np.clip(x, -1, 1)),
    circle.LeakyReluOp: leaky_relu,
    circle.PReluOp: prelu,
    circle.HardSwishOp: _unary(lambda x: x * _relu6(x + 3) / 6),
    circle.GeluOp: gelu,
    circle.ExpOp: _unary(np.exp),
    circle.LogOp: _unary(np.log),
    circle.SqrtOp: _unary(np.sqrt),
    circle.RsqrtOp: _unary(lambda x: 1 / np.sqrt(x)),
    circle.AbsOp: _unary(np.abs),
    circle.NegOp: _unary(np.negative),
    circle.SoftmaxOp: softmax,
    circle.LogSoftmaxOp: log_softmax,
    circle.MeanOp: _reduce(np.mean),
    circle.SumOp: _reduce(np.sum),
    circle.ResizeBilinearOp: resize_bilinear,
}
