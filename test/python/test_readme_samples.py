"""The README's command output samples stay true (`bench/readme_samples.py` writes them).

Each sample's command runs here on the small `examples/tiny_cnn.py` instead of the
README's model; its output must have the sample's shape (the same lines, numbers
masked). When a command's output changes, re-run `python bench/readme_samples.py`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "readme_samples.py"
_spec = importlib.util.spec_from_file_location("readme_samples", _PATH)
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)


@pytest.mark.parametrize("name", sorted(samples.SAMPLES))
def test_readme_sample_matches_what_the_command_prints(name):
    in_readme = samples.readme_samples().get(name)
    assert in_readme is not None, f"README.md lost its '<!-- sample: {name} -->' block"
    args, _ = samples.SAMPLES[name]
    live = samples.small_sample(name)
    assert samples.skeleton(live) == samples.skeleton(in_readme), (
        f"README.md's '{name}' sample no longer matches what `qcompile {' '.join(args)}` "
        "prints: regenerate it with `python bench/readme_samples.py`")


def test_skeleton_masks_only_what_varies():
    a = "  export                     0.832 s\nPT2E (torch)      #0      0.001077   39.42"
    b = "  export                    12.5 s\nPT2E (torch)      #0      1e-05      -3.0"
    assert samples.skeleton(a) == samples.skeleton(b)
    assert samples.skeleton(a) != samples.skeleton(a.replace("export", "import"))
