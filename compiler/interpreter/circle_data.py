"""Data-movement kernels of the circle dialect, for float and integer tensors alike.

These ops move elements without arithmetic, so one kernel serves float arrays and
quantized storage integers. Where the quantized result must share the operand's
qparams (SameScale ops) the kernel checks it: TFLite's kernels copy the integers
and would silently reinterpret them under other qparams, so a mismatch is an error
here rather than a silent rescale. PAD fills with the zero point when quantized.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation, SSAValue

from compiler.dialects import circle
from compiler.interpreter.values import quantized, shape_of
from compiler.ir.diagnostics import error_at


def _same_qparams(op: Operation, src: SSAValue, dst: SSAValue) -> None:
    a, b = quantized(src), quantized(dst)
    if (a is None) != (b is None):
        raise error_at(op, f"mixes quantized and unquantized tensors: {src.type} -> {dst.type}")
    if a is not None and b is not None:
        same = (
            a.storage_type == b.storage_type
            and np.array_equal(a.scales.astype(np.float32), b.scales.astype(np.float32))
            and np.array_equal(a.zero_points, b.zero_points)
        )
        if not same:
            raise error_at(
                op,
                f"quantized operand and result must share qparams (the runtimes copy the "
                f"integers), got {a} and {b}",
            )


def _as_result(op: Operation, value: np.ndarray, index: int = 0) -> np.ndarray:
    """Check the computed shape against the result type (a kernel bug otherwise)."""
    expected = shape_of(op.results[index])
    if tuple(value.shape) != expected:
        raise error_at(
            op, f"computed shape {list(value.shape)} differs from the result type {list(expected)}"
        )
    return value


def _axis(axis: int, rank: int) -> int:
    return axis + rank if axis < 0 else axis


def reshape(op: circle.ReshapeOp, x, _shape):
    _same_qparams(op, op.input, op.output)
    return (np.reshape(x, shape_of(op.output)),)


def transpose(op: circle.TransposeOp, x, perm):
    _same_qparams(op, op.input, op.output)
    return (_as_result(op, np.transpose(x, [int(p) for p in np.asarray(perm).reshape(-1)])),)


def concatenation(op: circle.ConcatenationOp, *xs):
    for v in op.values:
        _same_qparams(op, v, op.output)
    if op.fused_activation_function.data != "NONE" and quantized(op.output) is not None:
        raise NotImplementedError(
            f"{op.name}: a fused activation on a quantized concatenation is not bit-exact yet"
        )
    out = np.concatenate(xs, axis=_axis(op.axis.value.data, len(shape_of(op.output))))
    if op.fused_activation_function.data != "NONE":
        from compiler.interpreter.circle_float import apply_activation

        out = apply_activation(op, out)
    return (_as_result(op, out),)


def pad(op: circle.PadOp, x, paddings):
    _same_qparams(op, op.input, op.output)
    q = quantized(op.input)
    fill = int(q.zero_points[0]) if q is not None else 0
    pads = [tuple(int(v) for v in row) for row in np.asarray(paddings)]
    return (_as_result(op, np.pad(x, pads, constant_values=fill)),)


def padv2(op: circle.PadV2Op, x, paddings, constant_values):
    """PADV2: pad with the scalar `constant_values` (its integers when quantized, which
    then share the input's qparams)."""
    _same_qparams(op, op.input, op.output)
    _same_qparams(op, op.constant_values, op.output)
    fill = np.asarray(constant_values).reshape(-1)
    if fill.size != 1:
        raise error_at(op, f"constant_values must hold one value, got {fill.size}")
    pads = [tuple(int(v) for v in row) for row in np.asarray(paddings)]
    return (_as_result(op, np.pad(x, pads, constant_values=fill[0])),)


def slice_(op: circle.SliceOp, x, begin, size):
    _same_qparams(op, op.input, op.output)
    index = []
    for d, (b, s) in enumerate(zip(np.asarray(begin).reshape(-1), np.asarray(size).reshape(-1))):
        b, s = int(b), int(s)
        index.append(slice(b, x.shape[d] if s == -1 else b + s))
    return (_as_result(op, x[tuple(index)]),)


def strided_slice(op: circle.StridedSliceOp, x, begin, end, strides):
    """TFLite's STRIDED_SLICE with begin/end/shrink masks (no ellipsis or new axes)."""
    _same_qparams(op, op.input, op.output)
    if op.ellipsis_mask.value.data or op.new_axis_mask.value.data:
        raise error_at(op, "ellipsis_mask and new_axis_mask are not supported")
    begin_mask, end_mask = op.begin_mask.value.data, op.end_mask.value.data
    shrink = op.shrink_axis_mask.value.data
    begin, end = np.asarray(begin).reshape(-1), np.asarray(end).reshape(-1)
    strides = np.asarray(strides).reshape(-1)
    index: list[object] = []
    for d in range(x.ndim):
        if d >= len(begin):
            index.append(slice(None))
            continue
        b, e, s = int(begin[d]), int(end[d]), int(strides[d])
        if op.offset.value.data:
            e = b + e
        if shrink & (1 << d):
            index.append(b)
            continue
        index.append(slice(None if begin_mask & (1 << d) else b,
                           None if end_mask & (1 << d) else e, s))
    return (_as_result(op, np.ascontiguousarray(x[tuple(index)])),)


def split(op: circle.SplitOp, axis, x):
    for r in op.outputs:
        _same_qparams(op, op.input, r)
    parts = np.split(x, op.num_splits.value.data, axis=_axis(int(np.asarray(axis)), x.ndim))
    return tuple(_as_result(op, p, i) for i, p in enumerate(parts))


def split_v(op: circle.SplitVOp, x, size_splits, axis):
    for r in op.outputs:
        _same_qparams(op, op.input, r)
    ax = _axis(int(np.asarray(axis)), x.ndim)
    sizes = [int(s) for s in np.asarray(size_splits).reshape(-1)]
    if -1 in sizes:
        sizes[sizes.index(-1)] = x.shape[ax] - (sum(sizes) + 1)
    parts = np.split(x, np.cumsum(sizes)[:-1], axis=ax)
    return tuple(_as_result(op, p, i) for i, p in enumerate(parts))


def gather(op: circle.GatherOp, params, indices):
    _same_qparams(op, op.params, op.output)
    if op.batch_dims.value.data != 0:
        raise error_at(op, "batch_dims != 0 is not supported")
    axis = _axis(op.axis.value.data, params.ndim)
    idx = np.asarray(indices)
    if idx.size and (idx.min() < 0 or idx.max() >= params.shape[axis]):
        raise error_at(op, f"gather index out of range [0, {params.shape[axis]})")
    return (_as_result(op, np.take(params, idx, axis=axis)),)


def _nearest_index(out_size: int, in_size: int, align: bool, half: bool) -> np.ndarray:
    """TFLite's `GetNearestNeighbor` in float32."""
    if align and out_size > 1:
        scale = np.float32(in_size - 1) / np.float32(out_size - 1)
    else:
        scale = np.float32(in_size) / np.float32(out_size)
    offset = np.float32(0.5 if half else 0.0)
    pos = (np.arange(out_size, dtype=np.float32) + offset) * scale
    if align:
        idx = np.sign(pos) * np.floor(np.abs(pos) + np.float32(0.5))  # TfLiteRound
    else:
        idx = np.floor(pos)
    idx = np.minimum(idx.astype(np.int64), in_size - 1)
    return np.maximum(idx, 0) if half else idx


def resize_nearest_neighbor(op: circle.ResizeNearestNeighborOp, x, size):
    _same_qparams(op, op.input, op.output)
    oh, ow = (int(v) for v in np.asarray(size).reshape(-1))
    align, half = op.align_corners.value.data, op.half_pixel_centers.value.data
    ys = _nearest_index(oh, x.shape[1], align, half)
    xs = _nearest_index(ow, x.shape[2], align, half)
    return (_as_result(op, x[:, ys][:, :, xs]),)


def max_reduce(op: circle.ReduceMaxOp, x, axis):
    _same_qparams(op, op.input, op.output)
    axes = tuple(sorted({_axis(int(a), x.ndim) for a in np.asarray(axis).reshape(-1)}))
    return (_as_result(op, np.max(x, axis=axes, keepdims=op.keep_dims.value.data)),)


def elementwise_select(op: circle.MaximumOp | circle.MinimumOp, a, b):
    """MAXIMUM/MINIMUM compare the stored integers directly (shared qparams)."""
    _same_qparams(op, op.lhs, op.output)
    _same_qparams(op, op.rhs, op.output)
    fn = np.maximum if isinstance(op, circle.MaximumOp) else np.minimum
    return (_as_result(op, fn(a, b)),)


#: op class -> kernel, for float and quantized tensors alike.
def cast(op: circle.CastOp, x):
    """CAST between integer, boolean and float types (true -> 1, non-zero -> true; float
    -> integer truncates toward zero, TFLite's `static_cast`)."""
    from compiler.interpreter.values import runtime_dtype

    dtype = runtime_dtype(op.output)
    return (x != 0,) if dtype == np.bool_ else (x.astype(dtype),)


KERNELS = {
    circle.ReshapeOp: reshape,
    circle.TransposeOp: transpose,
    circle.ConcatenationOp: concatenation,
    circle.PadOp: pad,
    circle.PadV2Op: padv2,
    circle.SliceOp: slice_,
    circle.StridedSliceOp: strided_slice,
    circle.SplitOp: split,
    circle.SplitVOp: split_v,
    circle.GatherOp: gather,
    circle.ResizeNearestNeighborOp: resize_nearest_neighbor,
    circle.ReduceMaxOp: max_reduce,
    circle.MaximumOp: elementwise_select,
    circle.MinimumOp: elementwise_select,
    circle.CastOp: cast,
}
