"""`target-legalize{target=onert|litert allow-float=false}`: make the model one its
runtime computes exactly as the IR says, or refuse it at compile time.

Runs last, on the quantized circle IR (after `verify-quantized` checked the scheme's
contract). For every op that the target runtime refuses or computes wrongly (the op's
runtime traits, `compiler.ir.runtime_traits`), in this order:

1. a rewrite into ops the runtime computes exactly, when one exists (onert, uint8):
   - a grouped (non-depthwise) CONV_2D: one CONV_2D per group on a SLICE of the input
     channels, with its slices of the filter and bias, joined by CONCATENATION (every
     output channel is computed as before: same inputs, weights, bias and parameters);
   - SPLIT / SPLIT_V: one SLICE per output (the same elements, same parameters);
   - a FULLY_CONNECTED (onert rounds its rescale twice, ignores keep_num_dims and
     applies channel 0's parameters to per-channel weights): a 1x1 CONV_2D between
     RESHAPEs, which onert computes bit-exactly (the IR then rounds like a convolution:
     within 1 step of the FC on ~0.2 % of elements, see `_fully_connected_as_conv`);
   - a standalone RELU / RELU6 whose input and output share their parameters:
     MAXIMUM with the zero point (and MINIMUM with 6's stored value), exact in integers;
   - a uint8 MEAN over contiguous axes (onert computes it in float): a 1x1 CONV_2D
     (trailing axes) or a DEPTHWISE_CONV_2D summing with weight 255 at scale 1/(255 n)
     (rounds the mean once, like PT2E; within 1 step of the MEAN, see `_mean_as_conv`);
   - a uint8 RESIZE_BILINEAR upsampling by integer factors (onert truncates it): an
     edge-replicated 3x3 DEPTHWISE_CONV_2D with one output channel per phase, the
     phases reordered to their pixels (within 1 step, see `_resize_as_conv`);
   - RESIZE_NEAREST_NEIGHBOR by integer factors and TRANSPOSE_CONV with kernel = stride
     (both refused): CONCATENATIONs of copies, and a 1x1 CONV_2D with one output
     channel per tap put in place by RESHAPE / TRANSPOSE (exact, `onert_upsample`);
   - a requantizing QUANTIZE (uint8 -> uint8, which onert refuses): DEQUANTIZE +
     QUANTIZE, i.e. `q(dq(x))` as PT2E itself computes it; onert runs both exactly
     like the interpreter;
   (both runtimes) a float -> integer QUANTIZE of a value that may be +-inf (from a
   float island's DIV, RSQRT, EXP, LOG, POW: `YieldsInfinity`, directly or through ops
   that hand it on, `PassesInfinity`: consecutive float-only ATen ops stay one float
   region, e.g. RSQRT -> SQRT -> QUANTIZE), whose kernels cast +-inf to
   int32 undefinedly (+inf becomes qmin on x86): its input clamped by MAXIMUM/MINIMUM
   to the range the output type represents, so +-inf saturates to qmax/qmin as PT2E
   and the interpreter do (unchanged for finite inputs, `saturate_infinity`);
   (LiteRT) a quantized ADD/SUB that LiteRT aborts on (`add_rescale_aborts`) whose one
   operand's rescaling multiplier is flushed to 0 and whose other operand is a
   constant: the constant it computes (the interpreter's kernel, bit for bit);
   (LiteRT) an int16 SOFTMAX whose input rescaling wraps (`softmax16_shift_overflows`)
   of a constant (such a folded mask ADD): the constant it means, computed at compile
   time as torch computes it;
2. with `allow-float=true`, a float island: the op in float32 between DEQUANTIZE of its
   quantized inputs (constants dequantized at compile time) and QUANTIZE of its results,
   when the runtime runs the float op;
3. otherwise a located `CompileError` with the runtime's reason (nothing is written).

Guarantee afterwards: `problem(op, target)` is None for every op, and no model input
or output has a storage type the runtime refuses. Without a target the pass does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import BoolAttr, ModuleOp, StringAttr, TensorType, f32
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass

from compiler.dialects import circle
from compiler.dialects.circle_base import CircleOp, ConstOp, NoValueOp, is_none
from compiler.dialects.quant import dense_from_numpy
from compiler.ir.diagnostics import CompileError, error_at
from compiler.ir.quant_types import (
    UniformQuantizedPerAxisType,
    UniformQuantizedType,
    is_quantized,
    make_quantized_type,
)
from compiler.ir.float_ranges import infinity_memo
from compiler.ir.runtime_traits import (
    LITERT,
    NAMES,
    ONERT,
    RUNTIME_REFUSES,
    grouped,
    problem,
    storage,
)
from compiler.transforms.dce import region_dce  # xDSL's, memoized (see dce.py)
from compiler.transforms.onert_upsample import nearest_as_concat, transpose_conv_as_conv
from compiler.transforms.float_guards import nan_last, rsqrt_of_zero, saturate_infinity
from compiler.transforms.utils import constant_of, i32_const, insert_before, shape

TARGETS = (ONERT, LITERT)
#: discardable attribute of an op kept float for the target: why (qcompile's report)
FLOAT_ISLAND = "target_float"
_SWEEPS = 3


# -- helpers ----------------------------------------------------------------------------

def _float_type(t: Attribute) -> TensorType:
    assert isinstance(t, TensorType)
    return TensorType(f32, t.get_shape())


def _slice(x: SSAValue, begin: list[int], size: list[int], anchor: Operation) -> SSAValue:
    b = insert_before(i32_const(begin), anchor).results[0]
    s = insert_before(i32_const(size), anchor).results[0]
    out = TensorType(x.type.element_type, size)
    return insert_before(circle.SliceOp(operands=[x, b, s], result_types=[out]), anchor).results[0]


def _sliced_qtype(et: Attribute, lo: int, hi: int) -> Attribute:
    """A per-axis element type restricted to slices [lo, hi) of its axis."""
    if isinstance(et, UniformQuantizedPerAxisType) and len(et.scales) > 1:
        return UniformQuantizedPerAxisType(
            et.storage_type, et.expressed_type, et.quantized_dimension,
            list(et.scales[lo:hi]), list(et.zero_points[lo:hi]), et.qmin, et.qmax)
    return et


def _const_slice(v: SSAValue, lo: int, hi: int, anchor: Operation) -> SSAValue:
    """Slices [lo, hi) along axis 0 of a constant, with its parameters."""
    owner = v.owner
    assert isinstance(owner, ConstOp)
    arr = np.ascontiguousarray(constant_of(v)[lo:hi])
    t = v.type
    et = _sliced_qtype(t.element_type, lo, hi)
    payload = dense_from_numpy(arr, owner.value.type.element_type)
    return insert_before(ConstOp(payload, TensorType(et, list(arr.shape))), anchor).results[0]


def _replace(op: Operation, values: list[SSAValue]) -> None:
    for old, new in zip(op.results, values, strict=True):
        new.name_hint = old.name_hint
        old.replace_all_uses_with(new)
    op.detach()
    op.erase()


# -- rewrites (onert) -------------------------------------------------------------------

def _split_groups(op: Operation) -> str | None:
    """A grouped CONV_2D as per-group CONV_2Ds on input-channel SLICEs + CONCATENATION."""
    if not grouped(op):
        return "not a grouped convolution"
    x, w, b = op.operands
    if not isinstance(w.owner, ConstOp) or not (is_none(b) or isinstance(b.owner, ConstOp)):
        return "its filter and bias are not constants (they cannot be split at compile time)"
    n, h, wd, c = shape(x)
    o, _, _, i = shape(w)
    groups = c // i
    og = o // groups
    out_t = op.results[0].type
    on, oh, ow, _ = out_t.get_shape()
    parts = []
    for g in range(groups):
        xs = _slice(x, [0, 0, 0, g * i], [n, h, wd, i], op)
        ws = _const_slice(w, g * og, (g + 1) * og, op)
        bs = b if is_none(b) else _const_slice(b, g * og, (g + 1) * og, op)
        part_t = TensorType(_sliced_qtype(out_t.element_type, g * og, (g + 1) * og),
                            [on, oh, ow, og])
        conv = circle.Conv2DOp.create(operands=[xs, ws, bs], result_types=[part_t],
                                      properties=dict(op.properties))
        parts.append(insert_before(conv, op).results[0])
    cat = circle.ConcatenationOp.from_options([parts], [out_t], axis=3)
    _replace(op, [insert_before(cat, op).results[0]])
    return None


def _split_as_slices(op: Operation) -> str | None:
    """SPLIT / SPLIT_V as one SLICE per output."""
    if isinstance(op, circle.SplitOp):
        x, axis_v = op.operands[1], op.operands[0]
    else:
        x, axis_v = op.operands[0], op.operands[2]
    axis_arr = constant_of(axis_v)
    if axis_arr is None:
        return "its axis is not a constant"
    dims = list(shape(x))
    axis = int(np.asarray(axis_arr).reshape(-1)[0]) % len(dims)
    values, offset = [], 0
    for r in op.results:
        size = list(r.type.get_shape())
        begin = [0] * len(dims)
        begin[axis] = offset
        offset += size[axis]
        values.append(_slice(x, begin, size, op))
    _replace(op, values)
    return None


def _relu(op: Operation) -> str | None:
    """A standalone quantized RELU/RELU6. At shared input/output parameters: MAXIMUM with
    the zero point (and MINIMUM with 6's stored value), exact in integers. Rescaling:
    float RELU between DEQUANTIZE and QUANTIZE (exact in onert: float RELU and QUANTIZE
    agree with the interpreter bit for bit)."""
    x, y = op.operands[0], op.results[0]
    qt = x.type.element_type
    if not isinstance(qt, UniformQuantizedType) or qt != y.type.element_type:
        return _float_island(op)
    zp, scale = qt.zero_point.data, qt.scale.data
    one = TensorType(qt, [1])

    def const(value: int) -> SSAValue:
        arr = np.array([value], qt.numpy_storage_dtype)
        return insert_before(ConstOp(dense_from_numpy(arr, qt.storage_type), one), op).results[0]

    out = insert_before(circle.MaximumOp(operands=[x, const(zp)], result_types=[y.type]),
                  op).results[0]
    if isinstance(op, circle.Relu6Op):
        # TFLite's RELU6 clamps at zp + round(6 / scale) (CalculateActivationRangeQuantized)
        six = min(qt.qmax, zp + int(_round_half_away(float(np.float32(6.0) / np.float32(scale)))))
        out = insert_before(circle.MinimumOp(operands=[out, const(six)], result_types=[y.type]),
                      op).results[0]
    _replace(op, [out])
    return None


def _round_half_away(x: float) -> float:
    return float(np.sign(x) * np.floor(abs(x) + 0.5))


def _requantize_in_float(op: Operation) -> str | None:
    """A quantized -> quantized QUANTIZE as DEQUANTIZE + QUANTIZE."""
    x = op.operands[0]
    if not is_quantized(x.type):
        return "it quantizes a float tensor"
    dq = insert_before(circle.DequantizeOp(operands=[x], result_types=[_float_type(x.type)]), op)
    q = insert_before(circle.QuantizeOp(operands=[dq.results[0]], result_types=[op.results[0].type]),
                op)
    _replace(op, [q.results[0]])
    return None


def _quantize(op: Operation) -> str | None:
    """onert: a requantizing QUANTIZE in float, a float one of +-inf saturated."""
    if is_quantized(op.operands[0].type):
        return _requantize_in_float(op)
    return saturate_infinity(op)


def _keep_dims(op: Operation) -> str | None:
    """A reduction that drops dimensions as the same reduction with keep_dims and a
    RESHAPE to the dropped shape (the same elements)."""
    if op.option("keep_dims"):
        return "it keeps its dimensions already"
    x, axes = op.operands
    axes_arr = constant_of(axes)
    if axes_arr is None:
        return "its axes are not constants"
    rank = len(shape(x))
    kept = [1 if d in {int(a) % rank for a in np.asarray(axes_arr).reshape(-1)} else n
            for d, n in enumerate(shape(x))]
    out = op.results[0].type
    props = dict(op.properties)
    props["keep_dims"] = BoolAttr.from_bool(True)
    red = insert_before(type(op).create(operands=[x, axes], properties=props,
                                  result_types=[TensorType(out.element_type, kept)]), op)
    target_shape = insert_before(i32_const(list(out.get_shape())), op).results[0]
    reshape = circle.ReshapeOp(operands=[red.results[0], target_shape], result_types=[out])
    _replace(op, [insert_before(reshape, op).results[0]])
    return None


def _slice_low_rank(op: Operation) -> str | None:
    """A SLICE of rank > 4 as RESHAPE + SLICE + RESHAPE: each sliced dimension merged with
    the whole dimensions after it (and leading whole dimensions merged together), which
    keeps the selected elements contiguous in the same order."""
    x = op.operands[0]
    begin, size = constant_of(op.operands[1]), constant_of(op.operands[2])
    if begin is None or size is None:
        return "its begin and size are not constants"
    dims = list(shape(x))
    begin = [int(b) for b in np.asarray(begin).reshape(-1)]
    size = [d - b if int(n) == -1 else int(n)
            for d, b, n in zip(dims, begin, np.asarray(size).reshape(-1))]
    groups: list[list[int]] = []
    for d in range(len(dims)):
        if groups and begin[d] == 0 and size[d] == dims[d]:
            groups[-1].append(d)  # a whole dimension joins the one before it
        else:
            groups.append([d])
    if len(groups) > 4:
        return f"its {len(groups)} sliced dimensions cannot be merged to rank 4"

    def prod(ks):
        return int(np.prod([dims[k] for k in ks]))

    inner = [prod(g[1:]) for g in groups]
    new_dims = [prod(g) for g in groups]
    new_begin = [int(begin[g[0]]) * i for g, i in zip(groups, inner)]
    new_size = [int(size[g[0]]) * i for g, i in zip(groups, inner)]
    et = x.type.element_type
    shape_c = insert_before(i32_const(new_dims), op).results[0]
    flat = insert_before(circle.ReshapeOp(operands=[x, shape_c],
                                    result_types=[TensorType(et, new_dims)]), op).results[0]
    part = _slice(flat, new_begin, new_size, op)
    out = op.results[0].type
    back_c = insert_before(i32_const(list(out.get_shape())), op).results[0]
    back = insert_before(circle.ReshapeOp(operands=[part, back_c], result_types=[out]), op)
    _replace(op, [back.results[0]])
    return None


def _fully_connected_as_conv(op: Operation) -> str | None:
    """A uint8 FULLY_CONNECTED as a 1x1 CONV_2D: RESHAPE of its input to [1, 1, N, I]
    (N the product of the leading dimensions), CONV_2D (VALID, stride 1) with the
    weights as an [O, 1, 1, I] filter (same values and parameters, per-channel ones
    too), the bias (a zero one when it has none: onert's loader needs it) and the fused
    activation, and a RESHAPE to the FC's output shape.

    The same dot products of the same rows; what changes is the requantization's
    rounding: the IR's (LiteRT's) FULLY_CONNECTED rounds `acc * M` once, a convolution
    rounds twice (gemmlowp's rounding doubling high multiply, then a rounding right
    shift), so the rewritten IR differs from the FC by 1 step where `acc * M` is within
    2^-shift of a half (~0.2 % of elements). onert computes its uint8 FULLY_CONNECTED
    with the convolution's two roundings anyway, and its 1x1 CONV_2D bit-exactly like
    the interpreter (docs/runtimes.md), so the file computes exactly its IR."""
    from compiler.transforms.quantize_bias import expected_bias_type

    x, w, b = op.operands
    if storage(x) != "u8":
        # onert refuses an int8 FULLY_CONNECTED; how it rounds an int8 CONV_2D in its
        # place is not measured, so that stays the refusal
        return "only a uint8 FULLY_CONNECTED is computed as a convolution"
    if not isinstance(w.owner, ConstOp) or not (is_none(b) or isinstance(b.owner, ConstOp)):
        return "its weights and bias are not constants"
    out = op.results[0].type
    o, i = shape(w)
    rows = int(np.prod(shape(x)[:-1]))
    et = x.type.element_type
    flat_c = insert_before(i32_const([1, 1, rows, i]), op).results[0]
    flat = insert_before(circle.ReshapeOp(operands=[x, flat_c], result_types=[
        TensorType(et, [1, 1, rows, i])]), op).results[0]
    w_arr = constant_of(w)
    filt = insert_before(ConstOp(dense_from_numpy(np.ascontiguousarray(w_arr.reshape(o, 1, 1, i)),
                                            w.owner.value.type.element_type),
                           TensorType(w.type.element_type, [o, 1, 1, i])), op).results[0]
    if is_none(b):
        bt = expected_bias_type(et, w.type.element_type, o)
        zeros = np.zeros(o, bt.numpy_storage_dtype)
        b = insert_before(ConstOp(dense_from_numpy(zeros, bt.storage_type), TensorType(bt, [o])),
                    op).results[0]
    conv = insert_before(circle.Conv2DOp.from_options(
        [flat, filt, b], [TensorType(out.element_type, [1, 1, rows, o])], padding="VALID",
        stride_w=1, stride_h=1, dilation_w_factor=1, dilation_h_factor=1,
        fused_activation_function=op.fused_activation_function.data), op)
    conv.attributes.update(op.attributes)
    back_c = insert_before(i32_const(list(out.get_shape())), op).results[0]
    back = insert_before(circle.ReshapeOp(operands=[conv.results[0], back_c], result_types=[out]), op)
    _replace(op, [back.results[0]])
    return None


def _mean_weight(n: int) -> int:
    """The stored weight of `_mean_as_conv`'s filter: 255 (uint8's largest) unless the
    int32 accumulator, at most n * 255 * w, would overflow; then the largest that fits."""
    return max(1, min(255, (2**31 - 1) // (255 * n)))


def _mean_as_conv(op: Operation) -> str | None:
    """A uint8 MEAN as a convolution summing with weight w at scale 1/(w n) (a stored w,
    zero point 0, n the reduced element count; `_mean_weight`) and a zero bias, then a
    RESHAPE to the MEAN's output shape:

    - over the trailing axes (the last one; H and W of an NCHW tensor): a 1x1 CONV_2D
      of the input reshaped to [1, 1, rows, n] with one [1, 1, 1, n] filter;
    - over other contiguous axes (H and W of an NHWC tensor; the sequence of [B, T, C]):
      the input reshaped to [before, n, 1, after], a VALID DEPTHWISE_CONV_2D with an
      [1, n, 1, after] filter (multiplier 1).

    The same sum of the same elements, times w; the rescale by `s_in / (w n s_out)`
    rounds as a convolution's: `MultiplyByQuantizedMultiplier` rounds the accumulator
    times the multiplier's mantissa to an integer, then divides that by 2^k rounding
    half away from zero. With w = 255 the right shift k is about 8 bits more than with
    weight 1, so the first rounding is below 2^-8 step and the mean is rounded once, as
    PT2E's float mean is quantized. (Weight 1 left the first rounding at the
    accumulator's own integer: for a layer norm's mean over 32 channels, k = 2 and a
    quarter of the rows rounded a step away from PT2E, upward on ties, a bias vit uint8
    carried through its layer norms; docs/numerics.md.) onert computes its uint8 MEAN in
    float (`round(sum / n * scale)`, 1 step off on ~6 % of elements) but these
    convolutions bit-exactly (docs/runtimes.md)."""
    from compiler.ir.runtime_traits import mean_as_conv_axes
    from compiler.transforms.quantize_bias import expected_bias_type

    kind = mean_as_conv_axes(op)
    if kind is None:
        if not op.option("keep_dims"):
            return _keep_dims(op)  # onert's ShapeValidator refuses it (any storage)
        return "its axes are not contiguous"
    x = op.operands[0]
    dims = list(shape(x))
    et = x.type.element_type
    out = op.results[0].type
    axes = {int(a) % len(dims) for a in np.asarray(constant_of(op.operands[1])).reshape(-1)}
    n = int(np.prod([dims[a] for a in axes]))
    before = int(np.prod(dims[:min(axes)]))
    after = int(np.prod(dims[max(axes) + 1:]))
    if kind == "last":
        in_shape = [1, 1, before, n]
        filt_shape, channels, conv_shape = [1, 1, 1, n], 1, [1, 1, before, 1]
    else:
        in_shape = [before, n, 1, after]
        filt_shape, channels, conv_shape = [1, n, 1, after], after, [before, 1, 1, after]
    flat_c = insert_before(i32_const(in_shape), op).results[0]
    x = insert_before(circle.ReshapeOp(operands=[x, flat_c], result_types=[TensorType(et, in_shape)]),
                op).results[0]
    w = _mean_weight(n)
    wt = make_quantized_type("u8", float(np.float32(1.0) / np.float32(w * n)), 0)
    filt = insert_before(ConstOp(dense_from_numpy(np.full(filt_shape, w, np.uint8), wt.storage_type),
                           TensorType(wt, filt_shape)), op).results[0]
    bt = expected_bias_type(et, wt, channels)
    bias = insert_before(ConstOp(dense_from_numpy(np.zeros(channels, bt.numpy_storage_dtype),
                                            bt.storage_type), TensorType(bt, [channels])),
                   op).results[0]
    conv_t = TensorType(out.element_type, conv_shape)
    if kind == "last":
        conv = circle.Conv2DOp.from_options([x, filt, bias], [conv_t], padding="VALID")
    else:
        conv = circle.DepthwiseConv2DOp.from_options([x, filt, bias], [conv_t],
                                                     padding="VALID", depth_multiplier=1)
    insert_before(conv, op)
    back_c = insert_before(i32_const(list(out.get_shape())), op).results[0]
    back = insert_before(circle.ReshapeOp(operands=[conv.results[0], back_c], result_types=[out]), op)
    _replace(op, [back.results[0]])
    return None


def _resize_as_conv(op: Operation) -> str | None:
    """A uint8 RESIZE_BILINEAR upsampling by integer factors (fh, fw) as a depthwise
    convolution: the input edge-replicated by one pixel on each side (SLICEs and
    CONCATENATIONs: TFLite clamps the source indices, the same values), a VALID 3x3
    DEPTHWISE_CONV_2D with depth multiplier fh * fw whose output channel `c fh fw + m`
    holds phase m = (ry, rx) of channel c (weights wy[ry] x wx[rx] over the common
    denominator, `runtime_traits.bilinear_phase_weights`, stored as integers at scale
    1/den, zero point 0), and RESHAPE / TRANSPOSE / RESHAPE / TRANSPOSE / RESHAPE putting
    phase (ry, rx) of input pixel (i, j) at output (fh i + ry, fw j + rx).

    The same weighted sums as the resize; the result is rounded as a convolution's
    (two roundings of `acc / den`, half away from the zero point) where the IR's uint8
    resize rounds the float value half up: within 1 step of it. onert truncates its
    uint8 resize (1 step on ~45 % of elements) but computes these ops bit-exactly."""
    from compiler.ir.runtime_traits import bilinear_phase_weights, resize_as_conv
    from compiler.transforms.quantize_bias import expected_bias_type

    if not resize_as_conv(op):
        return "it is not an integer-factor upsampling of a uint8 tensor"
    x = op.operands[0]
    et = x.type.element_type
    n, h, w, c = shape(x)
    out = op.results[0].type
    _, oh, ow, _ = out.get_shape()
    half = bool(op.option("half_pixel_centers"))
    (wy, den_y), (wx, den_x) = (bilinear_phase_weights(h, oh, half),
                                bilinear_phase_weights(w, ow, half))
    fh, fw = oh // h, ow // w
    mult = fh * fw

    def cat(parts: list[SSAValue], axis: int) -> SSAValue:
        dims = list(shape(parts[0]))
        dims[axis] = sum(shape(v)[axis] for v in parts)
        return insert_before(circle.ConcatenationOp.from_options(
            [parts], [TensorType(et, dims)], axis=axis), op).results[0]

    rows = cat([_slice(x, [0, 0, 0, 0], [n, 1, w, c], op), x,
                _slice(x, [0, h - 1, 0, 0], [n, 1, w, c], op)], 1)
    padded = cat([_slice(rows, [0, 0, 0, 0], [n, h + 2, 1, c], op), rows,
                  _slice(rows, [0, 0, w - 1, 0], [n, h + 2, 1, c], op)], 2)
    # filter[0, a, b, ch * mult + ry * fw + rx] = wy[ry][a] * wx[rx][b]
    phase = np.einsum("ya,xb->abyx", np.array(wy), np.array(wx)).reshape(3, 3, mult)
    filt_arr = np.broadcast_to(phase[:, :, None, :], (3, 3, c, mult)).reshape(1, 3, 3, c * mult)
    wt = make_quantized_type("u8", float(np.float32(1.0) / np.float32(den_y * den_x)), 0)
    filt = insert_before(ConstOp(dense_from_numpy(np.ascontiguousarray(filt_arr, np.uint8),
                                            wt.storage_type),
                           TensorType(wt, [1, 3, 3, c * mult])), op).results[0]
    bt = expected_bias_type(et, wt, c * mult)
    bias = insert_before(ConstOp(dense_from_numpy(np.zeros(c * mult, bt.numpy_storage_dtype),
                                            bt.storage_type), TensorType(bt, [c * mult])),
                   op).results[0]
    conv = insert_before(circle.DepthwiseConv2DOp.from_options(
        [padded, filt, bias], [TensorType(out.element_type, [n, h, w, c * mult])],
        padding="VALID", depth_multiplier=mult), op).results[0]
    ot = out.element_type

    def reshape(v: SSAValue, dims: list[int]) -> SSAValue:
        target = insert_before(i32_const(dims), op).results[0]
        return insert_before(circle.ReshapeOp(operands=[v, target],
                                        result_types=[TensorType(ot, dims)]), op).results[0]

    def transpose(v: SSAValue, perm: list[int]) -> SSAValue:
        dims = [shape(v)[k] for k in perm]
        p = insert_before(i32_const(perm), op).results[0]
        return insert_before(circle.TransposeOp(operands=[v, p], result_types=[TensorType(ot, dims)]),
                       op).results[0]

    y = transpose(reshape(conv, [n * h * w, c, mult]), [0, 2, 1])  # [pixel, phase, c]
    y = transpose(reshape(y, [n * h, w, fh, fw * c]), [0, 2, 1, 3])  # [(n, h), ry, w, (rx, c)]
    back = insert_before(circle.ReshapeOp(operands=[y, insert_before(i32_const(list(out.get_shape())),
                                                          op).results[0]],
                                    result_types=[out]), op)
    _replace(op, [back.results[0]])
    return None


# -- rewrites (LiteRT and onert) ------------------------------------------------------------------

def _constant_sum(op: Operation) -> str | None:
    """A quantized ADD/SUB of a constant and an operand whose rescaling multiplier is
    flushed to 0 (`s / 2 max(s_lhs, s_rhs)` below 2^-31, `QuantizeMultiplier`): in the
    op's own integer semantics that operand contributes nothing, so the result is a
    constant, computed here by the interpreter's kernel (bit for bit what the op
    computes). LiteRT aborts preparing such an op when the other scale is huge (a
    causal mask of -3.4e38 added to attention scores), and onert computes it wrongly."""
    from compiler.interpreter.circle import CircleFunctions as kernels
    from compiler.interpreter.fixedpoint import quantize_multiplier
    from compiler.interpreter.values import f32_scale

    types = [v.type.element_type for v in (*op.operands, op.results[0])]
    if not all(isinstance(t, UniformQuantizedType) for t in types):
        return "it is not quantized per tensor"
    s1, s2 = f32_scale(types[0]), f32_scale(types[1])
    twice_max = 2.0 * max(s1, s2)
    flushed = [quantize_multiplier(s / twice_max) == (0, 0) for s in (s1, s2)]
    consts = [constant_of(v) for v in op.operands]
    if not any(f and consts[1 - i] is not None for i, f in enumerate(flushed)):
        return "no operand is both flushed to 0 and beside a constant"
    args = [c if c is not None else np.zeros(shape(v), t.numpy_storage_dtype)
            for c, v, t in zip(consts, op.operands, types)]
    kernel = kernels.add_int if isinstance(op, circle.AddOp) else kernels.sub_int
    (value,) = kernel(op, *args)
    out = op.results[0]
    const = ConstOp(dense_from_numpy(value, types[2].storage_type), out.type)
    _replace(op, [insert_before(const, op).results[0]])
    return None


def _constant_softmax(op: Operation) -> str | None:
    """A quantized SOFTMAX of a constant (typically the causal-mask ADD that
    `_constant_sum` folded): the constant it means, computed at compile time in float64
    from the dequantized input and quantized with the output's parameters, as torch's
    PT2E program computes it (LiteRT's int16 kernel wraps on such inputs,
    `softmax16_shift_overflows`)."""
    x = constant_of(op.operands[0])
    if x is None:
        return "its input is not a constant"
    qi, qo = op.operands[0].type.element_type, op.results[0].type.element_type
    if not isinstance(qi, UniformQuantizedType) or not isinstance(qo, UniformQuantizedType):
        return "it is not quantized per tensor"
    beta = float(np.float32(op.beta.value.data))  # type: ignore[attr-defined]
    real = qi.dequantize(np.broadcast_to(x, shape(op.results[0]))).astype(np.float64) * beta
    e = np.exp(real - real.max(axis=-1, keepdims=True))
    value = qo.quantize((e / e.sum(axis=-1, keepdims=True)).astype(np.float32))
    out = op.results[0]
    const = ConstOp(dense_from_numpy(value, qo.storage_type), out.type)
    _replace(op, [insert_before(const, op).results[0]])
    return None


#: target -> op class -> rewrite (returns None when done, else why it does not apply)
REWRITES: dict[str, dict[type[Operation], Callable[[Operation], str | None]]] = {
    ONERT: {
        circle.Conv2DOp: _split_groups,
        circle.SplitOp: _split_as_slices,
        circle.SplitVOp: _split_as_slices,
        circle.ReluOp: _relu,
        circle.Relu6Op: _relu,
        circle.QuantizeOp: _quantize,
        circle.MaximumOp: nan_last,
        circle.MinimumOp: nan_last,
        circle.SliceOp: _slice_low_rank,
        circle.FullyConnectedOp: _fully_connected_as_conv,
        circle.MeanOp: _mean_as_conv,
        circle.ResizeBilinearOp: _resize_as_conv,
        circle.ResizeNearestNeighborOp: nearest_as_concat,
        circle.TransposeConvOp: transpose_conv_as_conv,
        circle.SumOp: _keep_dims,
        circle.ReduceMaxOp: _keep_dims,
        circle.AddOp: _constant_sum,
    },
    LITERT: {
        circle.AddOp: _constant_sum,
        circle.SubOp: _constant_sum,
        circle.SoftmaxOp: _constant_softmax,
        circle.QuantizeOp: saturate_infinity,
        circle.MaximumOp: nan_last,
        circle.MinimumOp: nan_last,
        circle.RsqrtOp: rsqrt_of_zero,
    },
}


# -- float islands ----------------------------------------------------------------------

def _float_operand(v: SSAValue, anchor: Operation) -> SSAValue:
    if not is_quantized(v.type):
        return v
    arr = constant_of(v)
    if arr is not None:  # dequantized at compile time
        real = v.type.element_type.dequantize(arr).astype(np.float32)
        return insert_before(ConstOp(dense_from_numpy(real, f32)), anchor).results[0]
    return insert_before(circle.DequantizeOp(operands=[v], result_types=[_float_type(v.type)]),
                   anchor).results[0]


def _float_island(op: Operation, reason: str | None = None) -> str | None:
    """`op` in float32 between DEQUANTIZE and QUANTIZE; None when done. `reason` (why
    the runtime cannot run it quantized) is kept in the `target_float` attribute."""
    operands = [_float_operand(v, op) for v in op.operands]
    result_types = [_float_type(r.type) if is_quantized(r.type) else r.type for r in op.results]
    attributes = dict(op.attributes)
    if reason is not None:
        attributes[FLOAT_ISLAND] = StringAttr(reason)
    new = type(op).create(operands=operands, result_types=result_types,
                          properties=dict(op.properties), attributes=attributes)
    insert_before(new, op)
    values = []
    for old, res in zip(op.results, new.results):
        if is_quantized(old.type):
            q = circle.QuantizeOp(operands=[res], result_types=[old.type])
            values.append(insert_before(q, op).results[0])
        else:
            values.append(res)
    _replace(op, values)
    return None


# -- the pass ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TargetLegalizePass(ModulePass):
    name = "target-legalize"

    target: str = "none"
    allow_float: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.target in ("none", ""):
            return
        if self.target not in TARGETS:
            raise CompileError(f"target-legalize: target must be one of {', '.join(TARGETS)}, "
                               f"not '{self.target}'")
        for f in [o for o in op.walk() if isinstance(o, func.FuncOp)]:
            self._inputs(f)
        with infinity_memo():
            self._legalize_all(op)

    def _legalize_all(self, op: ModuleOp) -> None:
        # what a rewrite builds is legalized in the next sweep (a reduction given
        # keep_dims may still need a float island); each sweep removes a problem
        for _ in range(_SWEEPS):
            pending = [(o, reason) for o in op.walk()
                       if isinstance(o, CircleOp) and not isinstance(o, ConstOp | NoValueOp)
                       and (reason := problem(o, self.target)) is not None]
            if not pending:
                break
            for o, reason in pending:
                if o.parent is not None:
                    self._legalize(o, reason)
        region_dce(op.body)
        for o in op.walk():  # the guarantee
            if isinstance(o, CircleOp) and o.BUILTIN is not None:
                reason = problem(o, self.target)
                if reason:
                    raise error_at(o, reason)

    def _inputs(self, f: func.FuncOp) -> None:
        refused = RUNTIME_REFUSES[self.target]
        for i, arg in enumerate(f.body.block.args):
            if storage(arg) in refused:
                raise error_at(f, f"input #{i}: {refused[storage(arg)]}")

    def _legalize(self, op: CircleOp, reason: str) -> None:
        rewrite = REWRITES[self.target].get(type(op))
        why_not = rewrite(op) if rewrite is not None else None
        if rewrite is not None and why_not is None:
            return
        if why_not is not None:
            reason = f"{reason}; no exact rewrite: {why_not}"
        runtime = NAMES[self.target]
        if not any(is_quantized(v.type) for v in (*op.operands, *op.results)):
            raise error_at(op, reason)  # float already
        probe = _float_probe(op)
        in_float = problem(probe, self.target)
        probe.erase()
        if in_float is None and self.allow_float:
            _float_island(op, reason)
            return
        if in_float is None:
            raise error_at(op, f"{reason} (allow-float keeps it float between DEQUANTIZE "
                           "and QUANTIZE)")
        also = "" if in_float == reason else f": {in_float}"
        raise error_at(op, f"{reason} (in float too{also}, so allow-float cannot keep it "
                       f"float for {runtime})")


def _float_probe(op: Operation) -> Operation:
    """A detached float copy of `op` (its quantized operands replaced by placeholder
    float values), to ask its runtime traits whether the runtime runs it in float."""
    from xdsl.dialects.test import TestOp

    operands = []
    for v in op.operands:
        if is_quantized(v.type):
            operands.append(TestOp(result_types=[_float_type(v.type)]).results[0])
        else:
            operands.append(v)
    result_types = [_float_type(r.type) if is_quantized(r.type) else r.type for r in op.results]
    return type(op).create(operands=operands, result_types=result_types,
                           properties=dict(op.properties))
