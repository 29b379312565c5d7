"""Runtime support is declared once, on the circle op (`compiler.ir.runtime_traits`);
every table that the passes, writers and tests use is derived from it. These tests
derive each one and fail when a declaration drifts from what the others assume."""

from __future__ import annotations

import pathlib
import re

import pytest

from compiler.dialects import circle
from compiler.dialects.circle_base import ENUM_OPTIONS
from compiler.frontend.float_ops import float_only_table
from compiler.ir.runtime_traits import (
    LITERT,
    ONERT,
    QUANTIZED,
    SCHEME_STORAGE,
    float_only,
    no_integer_kernel,
    unconditional_refusal,
)

op_cases = pytest.importorskip("op_cases")

BY_NAME = {c.name: c for c in circle.CIRCLE_OPS}

#: What no runtime runs as integers (measured, docs/codegen.md): the derived table must
#: say exactly this (the quantizer keeps the ATen sources float, fuse-qdq the circle ops).
NO_INTEGER_KERNEL = {
    "BATCH_MATMUL": {"u8"}, "EXP": {"u8"}, "LOG": {"u8"}, "SQRT": {"u8"},
    "RSQRT": {"u8"}, "ABS": {"u8"},
    "ELU": {"i16"}, "HARD_SWISH": {"i16"}, "LOG_SOFTMAX": {"i16"}, "ARG_MAX": {"i16"}, "ARG_MIN": {"i16"},
    "SIN": set(QUANTIZED), "COS": set(QUANTIZED), "ROUND": set(QUANTIZED),
    "CONV_3D": set(QUANTIZED), "POW": set(QUANTIZED), "FLOOR": set(QUANTIZED),
}


def test_no_integer_kernel_is_derived_from_both_runtimes():
    derived = {}
    for c in circle.CIRCLE_OPS:
        sts = {st for st in QUANTIZED if no_integer_kernel(c, st)}
        if sts:
            derived[c.BUILTIN] = sts
    assert derived == NO_INTEGER_KERNEL
    assert {c.BUILTIN for c in circle.CIRCLE_OPS if float_only(c)} == {
        "SIN", "COS", "ROUND", "POW", "CONV_3D", "FLOOR"}


def test_float_only_aten_ops_follow_their_circle_ops():
    """The quantizer's table is the traits of the ops each legalization produces."""
    table = float_only_table()
    assert table["aten.matmul.default"] == table["aten.bmm.default"]
    assert set(table["aten.matmul.default"]) == {"uint8"}
    for target, rows in table.items():
        for scheme, reason in rows.items():
            assert reason and scheme in SCHEME_STORAGE, (target, scheme)
    # "no uint8 BATCH_MATMUL" is stated once, on the op class
    reason = no_integer_kernel(circle.BatchMatMulOp, "u8")
    assert table["aten.bmm.default"]["uint8"] == reason
    assert op_cases._NO_U8_BMM.endswith(reason)


@pytest.mark.parametrize("case", op_cases.CASES, ids=lambda c: c.name)
def test_op_case_runtime_schemes_agree_with_the_traits(case):
    """A case run in a runtime in a scheme must contain no circle op that the runtime
    refuses unconditionally in that storage (ops an allow-float case keeps float aside)."""
    for runtime, schemes in ((LITERT, case.litert), (ONERT, case.onert)):
        for scheme in schemes:
            st = SCHEME_STORAGE[scheme]
            for name in case.circle:
                if case.allow_float and no_integer_kernel(BY_NAME[name], st):
                    continue  # kept float between DEQUANTIZE and QUANTIZE
                if name in ("circle.quantize", "circle.dequantize"):
                    continue  # their data operand may be float
                reason = unconditional_refusal(BY_NAME[name], runtime, st)
                assert reason is None, (case.name, runtime, scheme, reason)


def test_no_builtin_name_literals_outside_the_dialects():
    """Runtime facts are on the op classes: passes and writers ask the op (`BUILTIN` and
    traits), not string tables. Fused-activation enumerators (`"RELU"`) are options."""
    builtins = {c.BUILTIN for c in circle.CIRCLE_OPS if getattr(c, "BUILTIN", None)}
    enums = {v for values in ENUM_OPTIONS.values() for v in values}
    root = pathlib.Path(__file__).resolve().parents[2] / "compiler"
    found = []
    for path in root.rglob("*.py"):
        if "dialects" in path.parts or path.name == "schema.py":
            continue
        for i, line in enumerate(path.read_text().splitlines(), 1):
            for m in re.finditer(r'"([A-Z0-9_]+)"', line):
                if m.group(1) in builtins - enums and not line.lstrip().startswith("#"):
                    found.append(f"{path.relative_to(root)}:{i}: {line.strip()}")
    assert not found, found
