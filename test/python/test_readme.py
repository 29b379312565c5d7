"""The README's operator table is the op-coverage suite's case table (`op_cases.py`).

Regenerate it with `python test/python/op_cases.py` and paste it under "## Operators".
"""

from __future__ import annotations

from pathlib import Path

import pytest

op_cases = pytest.importorskip("op_cases")


def test_readme_op_table_is_current():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert op_cases.markdown_table() in readme, (
        "README.md's operator table is stale: regenerate it with "
        "`python test/python/op_cases.py`")
