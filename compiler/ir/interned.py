"""Attributes built once per distinct value.

Attributes are immutable, so one object per distinct value is exact (MLIR uniques
them all); building one costs ~10 µs in xDSL (each attribute verifies itself on
construction), and the passes would otherwise build the same tensor type or small
payload again for every op they emit. The caches are bounded, so a long-lived process
does not keep every model's types.
"""

from __future__ import annotations

import functools
import math

from xdsl.dialects.builtin import FloatData, IntAttr, TensorType
from xdsl.ir import Attribute


@functools.lru_cache(maxsize=4096)
def tensor_type_of(element: Attribute, shape: tuple[int, ...]) -> TensorType:
    """`TensorType(element, shape)`, one object for equal arguments."""
    return TensorType(element, shape)



def int_attr(value: int) -> IntAttr:
    """`IntAttr(value)`, one object per distinct Python int (a `bool`, equal to 0 or
    1 but another value, is built anew)."""
    if type(value) is not int:
        return IntAttr(value)
    return _int_attr(value)


@functools.lru_cache(maxsize=4096)
def _int_attr(value: int) -> IntAttr:
    return IntAttr(value)


def float_data(value: float) -> FloatData:
    """`FloatData(value)`, one object per distinct float: keyed by the value and its
    sign, since `0.0 == -0.0` (equal non-NaN doubles of one sign have the same bits);
    a NaN, unequal to itself, is built anew."""
    if type(value) is not float or value != value:
        return FloatData(value)
    return _float_data(value, math.copysign(1.0, value))


@functools.lru_cache(maxsize=4096)
def _float_data(value: float, sign: float) -> FloatData:
    return FloatData(value)
