"""Kernels of the indexing family (`compiler.dialects.circle_index`): ARG_MAX, ARG_MIN,
TILE, GATHER_ND, float and integer.

None of them does arithmetic, so one kernel serves float arrays and quantized storage
integers, exactly as TFLite's reference kernels do:

- ARG_MAX/ARG_MIN compare the stored values (for a quantized input the stored integers:
  with a positive scale their order is the order of the reals) and return the index of
  the *first* extremum along the axis (TFLite's `ArgMinMax` keeps the running index and
  replaces it only on a strict comparison; `np.argmax` does the same);
- TILE and GATHER_ND copy elements, so a quantized result must have the input's qparams
  (checked, as for the other data-movement kernels);
- GATHER_ND refuses out-of-range coordinates, as LiteRT does (`kTfLiteError`), rather
  than clamping.
"""

from __future__ import annotations

import numpy as np
from xdsl.interpreter import InterpreterFunctions

from compiler.dialects import circle
from compiler.interpreter.circle_base import (
    ANY,
    as_result,
    kernel,
    normalize_axis,
    register_kernels,
    same_qparams,
)
from compiler.ir.diagnostics import error_at

_INDEX_DTYPES = {"INT32": np.int32, "INT64": np.int64}


@register_kernels
class CircleIndexFunctions(InterpreterFunctions):
    """ARG_MAX, ARG_MIN, TILE, GATHER_ND: one kernel for float and quantized tensors."""

    @kernel(circle.ArgMaxOp, circle.ArgMinOp, on=ANY)
    def arg_max_min(op: circle.ArgMaxOp | circle.ArgMinOp, x, axis):
        axis_values = np.asarray(axis).reshape(-1)
        if axis_values.size != 1:
            raise error_at(op, "axis must hold exactly one value")
        ax = normalize_axis(int(axis_values[0]), x.ndim)
        fn = np.argmax if isinstance(op, circle.ArgMaxOp) else np.argmin
        out = fn(np.asarray(x), axis=ax).astype(_INDEX_DTYPES[op.output_type.data])
        return (as_result(op, out),)

    @kernel(circle.TileOp, on=ANY)
    def tile(op: circle.TileOp, x, multiples):
        same_qparams(op, op.input, op.output)
        reps = [int(m) for m in np.asarray(multiples).reshape(-1)]
        if any(m < 0 for m in reps):
            raise error_at(op, f"negative multiples {reps}")
        return (as_result(op, np.tile(np.asarray(x), reps)),)

    @kernel(circle.GatherNdOp, on=ANY)
    def gather_nd(op: circle.GatherNdOp, params, indices):
        same_qparams(op, op.params, op.output)
        params, idx = np.asarray(params), np.asarray(indices)
        k = idx.shape[-1]
        bounds = np.asarray(params.shape[:k])
        if idx.size and (np.any(idx < 0) or np.any(idx >= bounds)):
            raise error_at(op, f"gather_nd coordinates out of range {list(bounds)}")
        out = params[tuple(idx[..., j] for j in range(k))]
        return (as_result(op, out),)
