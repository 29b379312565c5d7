"""The compiler's outputs stay byte-identical: `qcompile` of the shipped examples gives
the `.circle`/`.tflite` bytes and the IR of every stage (`--dump-dir`) recorded in
`output_bytes.json` (sha256; paths of the examples directory normalized).

This pins the output of work that must not change it (speed-ups, refactorings). A
change that alters the output on purpose records the new digests in the same commit
(`UPDATE_OUTPUT_BYTES=1 pytest test/python/test_output_bytes.py`) and says why; the
diff of the `--dump-dir` files before and after shows what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
import torch

from compiler.tools.qcompile import compile_model, parse_args

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[2]
RECORD = Path(__file__).with_name("output_bytes.json")

#: (example, output suffix, scheme, extra flags): the three schemes and both writers;
#: mobilenet_v2's 1x1 stride-1 convolutions pin LiteRT's CONV_2D -> FULLY_CONNECTED
#: rewrite (refine-numerics, uint8 per-tensor .tflite)
CASES = [
    ("tiny_cnn", ".circle", "uint8", ()),
    ("tiny_cnn", ".tflite", "int8", ()),
    ("tiny_cnn", ".tflite", "int16", ()),
    ("resnet", ".circle", "uint8", ()),
    ("mobilenet_v2", ".tflite", "uint8", ("--per-tensor",)),
]


def _digests(example: str, suffix: str, scheme: str, flags: tuple[str, ...],
             tmp: Path) -> dict[str, str]:
    out = tmp / f"model{suffix}"
    dump = tmp / "dump"
    compile_model(parse_args([str(ROOT / "examples" / f"{example}.py"), "-o", str(out),
                              "--scheme", scheme, *flags, "--dump-dir", str(dump), "-q"]))
    digests = {"output": hashlib.sha256(out.read_bytes()).hexdigest()}
    for f in sorted(dump.iterdir()):
        text = f.read_text().replace(str(ROOT), "ROOT")
        digests[f.name] = hashlib.sha256(text.encode()).hexdigest()
    return digests


@pytest.mark.parametrize("example,suffix,scheme,flags", CASES)
def test_output_bytes_unchanged(example, suffix, scheme, flags, tmp_path):
    key = f"{example}{suffix}:{scheme}" + "".join(f" {f}" for f in flags)
    got = _digests(example, suffix, scheme, flags, tmp_path)
    record = json.loads(RECORD.read_text()) if RECORD.exists() else {}
    if os.environ.get("UPDATE_OUTPUT_BYTES"):
        record[key] = got
        RECORD.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        return
    assert key in record, f"no digests recorded for {key} (UPDATE_OUTPUT_BYTES=1 records them)"
    changed = [name for name in sorted(set(got) | set(record[key]))
               if got.get(name) != record[key].get(name)]
    assert not changed, f"{key}: changed output or IR stages: {changed}"
