"""Layout traits: what a pass may assume about how an op treats tensor dimensions.

- `Elementwise`: every result element depends only on the operand elements at the same
  (broadcast) index. Transposes commute with such ops (`f(T(x)) = T(f(x))`), which is
  what lets `circle-sink-transposes` move the NCHW<->NHWC transposes the legalizer
  inserts until they meet and cancel.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.traits import OpTrait


@dataclass(frozen=True)
class Elementwise(OpTrait):
    """Results are computed element by element from (broadcast) operands."""
