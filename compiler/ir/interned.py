"""Attributes built once per distinct value.

Attributes are immutable, so one object per distinct value is exact (MLIR uniques
them all); building one costs ~10 µs in xDSL (each attribute verifies itself on
construction), and the passes would otherwise build the same tensor type or small
payload again for every op they emit. The caches are bounded, so a long-lived process
does not keep every model's types.
"""

from __future__ import annotations

import functools

from xdsl.dialects.builtin import TensorType
from xdsl.ir import Attribute


@functools.lru_cache(maxsize=4096)
def tensor_type_of(element: Attribute, shape: tuple[int, ...]) -> TensorType:
    """`TensorType(element, shape)`, one object for equal arguments."""
    return TensorType(element, shape)

