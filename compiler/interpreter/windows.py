"""Sliding windows over NHWC tensors, with TFLite's padding rules.

TFLite computes SAME padding as `total = max((out - 1) * stride + eff_k - in, 0)`,
`before = total // 2` and puts the odd cell after (`ComputePaddingWithOffset`);
VALID is no padding. Kernels skip out-of-bounds cells; here the input is padded with
a value that contributes nothing instead (0 for sums of `x - zero_point`, the
dtype's minimum for max pooling) and a validity mask tells averages how many
cells were real.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def out_size(padding: str, size: int, k: int, stride: int, dilation: int = 1) -> int:
    """`ComputeOutSize`."""
    eff = (k - 1) * dilation + 1
    if padding == "SAME":
        return (size + stride - 1) // stride
    return (size + stride - eff) // stride


def pad_before(padding: str, size: int, k: int, stride: int, dilation: int, out: int) -> int:
    """Cells of padding before the first input cell along one dimension."""
    if padding != "SAME":
        return 0
    eff = (k - 1) * dilation + 1
    total = max((out - 1) * stride + eff - size, 0)
    return total // 2


def patches(
    x: np.ndarray,
    kh: int,
    kw: int,
    stride: tuple[int, int],
    dilation: tuple[int, int],
    padding: str,
    out_hw: tuple[int, int],
    fill=0,
) -> np.ndarray:
    """Windows of an NHWC array: shape (N, OH, OW, C, KH, KW).

    `out_hw` is the output size from the result type; cells outside the input
    hold `fill`.
    """
    n, h, w, c = x.shape
    (sh, sw), (dh, dw) = stride, dilation
    oh, ow = out_hw
    top = pad_before(padding, h, kh, sh, dh, oh)
    left = pad_before(padding, w, kw, sw, dw, ow)
    eff_h, eff_w = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    need_h = (oh - 1) * sh + eff_h
    need_w = (ow - 1) * sw + eff_w
    bottom = max(need_h - h - top, 0)
    right = max(need_w - w - left, 0)
    padded = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=fill)
    win = sliding_window_view(padded, (eff_h, eff_w), axis=(1, 2))
    return win[:, : need_h - eff_h + 1 : sh, : need_w - eff_w + 1 : sw, :, ::dh, ::dw]


def valid_counts(
    h: int, w: int, kh: int, kw: int, stride: tuple[int, int], padding: str,
    out_hw: tuple[int, int],
) -> np.ndarray:
    """Number of in-bounds cells in each window: shape (OH, OW)."""
    ones = np.ones((1, h, w, 1), dtype=np.int64)
    return patches(ones, kh, kw, stride, (1, 1), padding, out_hw, 0).sum(axis=(3, 4, 5))[0]
