"""Seeded mutation fuzzing (`fuzzing.py`): corrupt flatbuffers and corrupt IR text are
refused with the documented errors only — no other exception, no hang. Bounded for the
default suite (a fixed seed, a few hundred cases); `bench/fuzz.py` runs thousands."""

from __future__ import annotations

import fuzzing


def _report(failures) -> str:
    return "\n\n".join(f"[{f.kind} case {f.case}: {f.mutation}]\n{f.error}" for f in failures[:5])


def test_mutated_flatbuffers_and_ir_are_refused_cleanly():
    flatbuffers, texts, failures = fuzzing.run(flatbuffers=500, texts=100, seed=20)
    assert (flatbuffers, texts) == (500, 100)
    assert not failures, _report(failures)


def test_parser_regressions_found_by_fuzzing():
    """Inputs the fuzzer found that crashed or hung xDSL's parser: each a ParseError."""
    from xdsl.utils.exceptions import ParseError

    from compiler.ir.context import make_context
    from compiler.ir.diagnostics import LocatingParser

    bodies = {
        # unterminated string: xDSL's string regex backtracked exponentially (a hang)
        '%c = circle"5).const dense<[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, '
        '17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]> : tensor<30xi32>':
            "End of file reached before closing string literal",
        "%c = circle.const dense<300> : tensor<2xi8>": "invalid value: Integer value 300",
        "%c = circle.const dense<1> : tensor<99999999999999999999xi8>": "invalid value",
        "%c = circle.const dense<[1, 2]> : tensor<2xi322>": "invalid value: Format not",
        # xDSL range-checked this constant by computing 2**2147483648 (a hang)
        "%c = circle.const dense<[1, 2]> : tensor<2xi2147483648>":
            "integer width 2147483648 exceeds the limit of 16777215 bits",
    }
    for body, message in bodies.items():
        text = f"func.func @f() {{\n  {body}\n  func.return\n}}\n"
        try:
            fuzzing.within_deadline(
                lambda: LocatingParser(make_context(), text, "t.mlir").parse_module())
        except ParseError as e:
            assert message in str(e), str(e)
            assert "t.mlir:2:" in str(e)
        else:
            raise AssertionError(f"no ParseError for {body!r}")
