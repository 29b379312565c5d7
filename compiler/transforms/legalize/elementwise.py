"""Element-wise arithmetic, activations and softmax (layout-agnostic: no transposes)."""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation, SSAValue

from compiler.dialects import circle
from compiler.dialects.quant import dense_from_numpy
from compiler.transforms.legalize import QUANTIZER_TABLES, Emitter, legalizes, normalize_dim, result_type
from compiler.transforms.utils import constant_of, element_type, shape


def scalar(em: Emitter, value: float, like: SSAValue) -> SSAValue:
    """A rank-0 float constant (quantized later with its own parameters if needed)."""
    et = element_type(like)
    arr = np.asarray(value, dtype=np.float32)
    return em.emit(circle.ConstOp(dense_from_numpy(arr, et))).results[0]


def _scaled(em: Emitter, v: SSAValue, alpha) -> SSAValue:
    if alpha in (None, 1):
        return v
    arr = constant_of(v)
    if arr is not None and arr.dtype == np.float32:
        return em.emit(
            circle.ConstOp(dense_from_numpy(arr * np.float32(alpha), element_type(v)))
        ).results[0]
    return em.op(circle.MulOp, [v, scalar(em, alpha, v)], v.type)


_BINARY = {
    "aten.add.Tensor": circle.AddOp,
    "aten.sub.Tensor": circle.SubOp,
    "aten.mul.Tensor": circle.MulOp,
    "aten.div.Tensor": circle.DivOp,
    "aten.maximum": circle.MaximumOp,
    "aten.minimum": circle.MinimumOp,
}

_BINARY_SCALAR = {
    "aten.add.Scalar": circle.AddOp,
    "aten.sub.Scalar": circle.SubOp,
    "aten.mul.Scalar": circle.MulOp,
    "aten.div.Scalar": circle.DivOp,
}


@legalizes(*_BINARY, produces=_BINARY)
def binary(op: Operation, em: Emitter):
    a, b = op.operands
    if op.name in ("aten.add.Tensor", "aten.sub.Tensor"):
        b = _scaled(em, b, op.arg("alpha"))
    return [em.op(_BINARY[op.name], [a, b], result_type(op))]


@legalizes(*_BINARY_SCALAR, produces=QUANTIZER_TABLES)
def binary_scalar(op: Operation, em: Emitter):
    (a,) = op.operands
    value = op.arg("other")
    if op.name in ("aten.add.Scalar", "aten.sub.Scalar") and op.arg("alpha") not in (None, 1):
        value = value * op.arg("alpha")
    return [em.op(_BINARY_SCALAR[op.name], [a, scalar(em, value, a)], result_type(op))]


@legalizes("aten.rsub.Scalar", produces=(circle.SubOp,))
def rsub_scalar(op: Operation, em: Emitter):
    (a,) = op.operands
    a = _scaled(em, a, op.arg("alpha"))
    return [em.op(circle.SubOp, [scalar(em, op.arg("other"), a), a], result_type(op))]


_UNARY = {
    "aten.relu": circle.ReluOp,
    "aten.relu6": circle.Relu6Op,
    "aten.sigmoid": circle.LogisticOp,
    "aten.tanh": circle.TanhOp,
    "aten.hardswish": circle.HardSwishOp,
    "aten.exp": circle.ExpOp,
    "aten.log": circle.LogOp,
    "aten.sqrt": circle.SqrtOp,
    "aten.rsqrt": circle.RsqrtOp,
    "aten.abs": circle.AbsOp,
    "aten.neg": circle.NegOp,
}


@legalizes(*_UNARY, produces=_UNARY)
def unary(op: Operation, em: Emitter):
    return [em.op(_UNARY[op.name], [op.operands[0]], result_type(op))]


def _clamp(em: Emitter, x: SSAValue, lo, hi, out) -> SSAValue:
    if (lo, hi) == (0, None) or (lo, hi) == (0.0, None):
        return em.op(circle.ReluOp, [x], out)
    if (lo, hi) == (0, 6):
        return em.op(circle.Relu6Op, [x], out)
    if (lo, hi) == (-1, 1):
        return em.op(circle.ReluN1To1Op, [x], out)
    y = x
    if lo is not None:
        y = em.op(circle.MaximumOp, [y, scalar(em, lo, x)], out)
    if hi is not None:
        y = em.op(circle.MinimumOp, [y, scalar(em, hi, x)], out)
    return y


@legalizes("aten.hardtanh", produces=QUANTIZER_TABLES)
def hardtanh(op: Operation, em: Emitter):
    return [_clamp(em, op.operands[0], op.arg("min_val"), op.arg("max_val"), result_type(op))]


@legalizes("aten.clamp", produces=QUANTIZER_TABLES)
def clamp(op: Operation, em: Emitter):
    return [_clamp(em, op.operands[0], op.arg("min"), op.arg("max"), result_type(op))]


@legalizes("aten.leaky_relu", produces=(circle.LeakyReluOp,))
def leaky_relu(op: Operation, em: Emitter):
    return [em.op(circle.LeakyReluOp, [op.operands[0]], result_type(op),
                  alpha=float(op.arg("negative_slope")))]


@legalizes("aten.prelu", produces=(circle.PReluOp, circle.ReshapeOp))
def prelu(op: Operation, em: Emitter):
    """PReLU slopes are per channel (dim 1): broadcast them as [C, 1, ..., 1]."""
    x, w = op.operands
    rank = len(shape(x))
    if rank >= 2 and len(shape(w)) == 1 and shape(w)[0] > 1:
        w = em.reshape_const_or_value(w, [shape(w)[0]] + [1] * (rank - 2))
    return [em.op(circle.PReluOp, [x, w], result_type(op))]


@legalizes("aten.gelu", produces=(circle.GeluOp,))
def gelu(op: Operation, em: Emitter):
    return [em.op(circle.GeluOp, [op.operands[0]], result_type(op),
                  approximate=op.arg("approximate") == "tanh")]


#: Eigen 3.4's float erf (`generic_fast_erf_float`, its rational approximation):
#: erf(x) = x P(x^2) / Q(x^2) on x clamped to [-4, 4] (erf is +-1 in float32 beyond).
#: Measured against math.erf on a 6e-6 grid of [-6, 6]: max |error| 4.5e-7 in float32.
_ERF_P = (-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06,
          -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
          -1.60960333262415e-02)
_ERF_Q = (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
          -7.37332916720468e-03, -1.42647390514189e-02)


def _horner(em: Emitter, x2: SSAValue, coefficients, out) -> SSAValue:
    """The polynomial in x2 with `coefficients` (highest power first), Horner's way."""
    y = em.op(circle.MulOp, [x2, scalar(em, coefficients[0], x2)], out)
    for i, c in enumerate(coefficients[1:]):
        y = em.op(circle.AddOp, [y, scalar(em, c, x2)], out)
        if i < len(coefficients) - 2:
            y = em.op(circle.MulOp, [x2, y], out)
    return y


@legalizes("aten.erf", produces=QUANTIZER_TABLES)
def erf(op: Operation, em: Emitter):
    """Circle has no ERF: a rational approximation in float MINIMUM, MAXIMUM, MUL, ADD
    and DIV (Eigen's, 4.5e-7 from erf). Its intermediates have no quantization
    parameters, so in a quantized model it runs in float between DEQUANTIZE and
    QUANTIZE (allow-float), as onnxruntime runs a QDQ model's Erf."""
    (x,) = op.operands
    out = result_type(op)
    c = em.op(circle.MinimumOp, [x, scalar(em, 4.0, x)], out)
    c = em.op(circle.MaximumOp, [c, scalar(em, -4.0, x)], out)
    x2 = em.op(circle.MulOp, [c, c], out)
    p = em.op(circle.MulOp, [c, _horner(em, x2, _ERF_P, out)], out)
    return [em.op(circle.DivOp, [p, _horner(em, x2, _ERF_Q, out)], out)]


@legalizes("aten.silu", produces=QUANTIZER_TABLES)
def silu(op: Operation, em: Emitter):
    """x * sigmoid(x); the logistic output takes its fixed quantization range."""
    (x,) = op.operands
    s = em.op(circle.LogisticOp, [x], x.type)
    return [em.op(circle.MulOp, [x, s], result_type(op))]


@legalizes("aten.pow.Tensor_Scalar", produces=QUANTIZER_TABLES)
def pow_scalar(op: Operation, em: Emitter):
    (x,) = op.operands
    e = op.arg("exponent")
    out = result_type(op)
    if e == 2:
        return [em.op(circle.MulOp, [x, x], out)]
    if e == 0.5:
        return [em.op(circle.SqrtOp, [x], out)]
    if e == -0.5:
        return [em.op(circle.RsqrtOp, [x], out)]
    if e == 1:
        return [x]
    raise em.error(f"pow with exponent {e} has no Circle lowering (2, 0.5 and -0.5 do)")


@legalizes("aten.reciprocal", produces=QUANTIZER_TABLES)
def reciprocal(op: Operation, em: Emitter):
    (x,) = op.operands
    return [em.op(circle.DivOp, [scalar(em, 1.0, x), x], result_type(op))]


def _softmax(op: Operation, em: Emitter, cls):
    (x,) = op.operands
    rank = len(shape(x))
    dim = normalize_dim(op.arg("dim"), rank)
    if dim == rank - 1:
        return [em.op(cls, [x], result_type(op))]
    # Circle's softmax works on the last dimension: move `dim` there and back.
    perm = [d for d in range(rank) if d != dim] + [dim]
    inv = [perm.index(d) for d in range(rank)]
    xt = em.transpose(x, perm)
    y = em.op(cls, [xt], xt.type)
    return [em.transpose(y, inv)]


@legalizes("aten.softmax.int", "aten._softmax", produces=(circle.SoftmaxOp, circle.TransposeOp))
def softmax(op: Operation, em: Emitter):
    return _softmax(op, em, circle.SoftmaxOp)


@legalizes("aten.log_softmax.int", "aten._log_softmax",
           produces=(circle.LogSoftmaxOp, circle.TransposeOp))
def log_softmax(op: Operation, em: Emitter):
    return _softmax(op, em, circle.LogSoftmaxOp)


# -- element-wise math ------------------------------------------------------


@legalizes("aten.elu", produces=(circle.EluOp,))
def elu(op: Operation, em: Emitter):
    if (op.arg("alpha"), op.arg("scale"), op.arg("input_scale")) != (1, 1, 1):
        raise em.error("elu with alpha/scale other than 1 has no Circle lowering")
    return [em.op(circle.EluOp, [op.operands[0]], result_type(op))]
