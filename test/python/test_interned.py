"""Shared attributes are shared only between exactly equal values."""

from __future__ import annotations

import math

import torch
from xdsl.dialects.builtin import FloatData, IntAttr, NameLoc, StringAttr, UnknownLoc

from compiler.frontend.importer import _exact_key
from compiler.frontend.locations import name_loc
from compiler.ir.interned import float_data, int_attr


def test_float_data_keeps_the_sign_of_zero_and_nan():
    assert float_data(0.5) is float_data(0.5)
    assert math.copysign(1.0, float_data(-0.0).data) == -1.0
    assert math.copysign(1.0, float_data(0.0).data) == 1.0
    assert math.isnan(float_data(float("nan")).data)
    assert float_data(0.25) == FloatData(0.25)


def test_int_attr_keeps_bools_apart():
    assert int_attr(3) is int_attr(3) and int_attr(3) == IntAttr(3)
    assert type(int_attr(True).data) is bool


def test_exact_key_spells_value_and_type():
    assert _exact_key(1) != _exact_key(True) != _exact_key(1.0)
    assert _exact_key(0.0) != _exact_key(-0.0)
    assert _exact_key([1, 2]) == _exact_key([1, 2]) != _exact_key((1, 2))
    assert _exact_key(torch.float32) == _exact_key(torch.float32)
    assert _exact_key([1, torch.SymInt]) is None  # (not a value it can spell)


def test_name_loc_is_the_verified_one():
    first, second = name_loc("a", UnknownLoc()), name_loc("b", UnknownLoc())
    assert first == NameLoc(StringAttr("a"), UnknownLoc())
    assert second == NameLoc(StringAttr("b"), UnknownLoc())
    assert hash(second) == hash(NameLoc(StringAttr("b"), UnknownLoc()))
