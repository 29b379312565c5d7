"""A plain (non-editable) install holds every package: the wheel is checked here, and
`.ci/run` installs it into a fresh venv and compiles an example with it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_holds_every_package_and_no_top_level_tools(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("compiler", "tools"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", str(src), "-w", str(tmp_path / "wheel")],
                   check=True, capture_output=True)
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    files = set(zipfile.ZipFile(wheel).namelist())
    packages = {str(Path(f).parent) for f in files if f.endswith("/__init__.py")}
    expected = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "compiler").rglob("__init__.py")}
    expected.add("compiler/tools")
    assert packages == expected
    for module in (ROOT / "compiler").rglob("*.py"):
        assert str(module.relative_to(ROOT)) in files, module
    for module in (ROOT / "tools").glob("*.py"):
        assert f"compiler/tools/{module.name}" in files, module
    assert not any(f.startswith("tools/") for f in files)
