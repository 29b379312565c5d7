"""Integer kernels with fixed output ranges: LOGISTIC, TANH, SOFTMAX (work in progress)."""

from __future__ import annotations

KERNELS: dict = {}
