"""The README's command output samples, generated: `python bench/readme_samples.py`
runs each sample's command (from a scratch directory that sees `examples/`) and
rewrites the fenced block that follows its `<!-- sample: NAME -->` marker in README.md.

`test/python/test_readme_samples.py` keeps the samples true without the cost of the real
commands: it runs the same commands on `examples/tiny_cnn.py` and compares the two
outputs' shapes (`skeleton`: numbers, times and column padding masked), so a change to
what a command prints fails the suite until this script is re-run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

#: name -> (the command's arguments after `qcompile`, the stream the sample shows)
SAMPLES: dict[str, tuple[list[str], str]] = {
    "qcompile": (["examples/mobilenet_v2.py", "-o", "mobilenet_v2.circle"], "stderr"),
    "verify": (["examples/mobilenet_v2.py", "-o", "m.tflite", "--verify"], "stdout"),
}
_BLOCK = re.compile(r"(<!-- sample: (?P<name>[\w-]+) -->\n```\n)(?P<body>.*?)(```\n)", re.S)


def run_sample(args: list[str], stream: str) -> str:
    """The command's output on `stream`, run from a scratch directory with `examples/`."""
    exe = Path(sys.executable).with_name("qcompile")
    with tempfile.TemporaryDirectory(prefix="readme-sample-") as d:
        os.symlink(ROOT / "examples", Path(d) / "examples")
        env = {**os.environ, "OMP_NUM_THREADS": "1"}
        r = subprocess.run([str(exe), *args], cwd=d, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"qcompile {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
    text = r.stdout if stream == "stdout" else r.stderr
    return "".join(line.rstrip() + "\n" for line in text.rstrip("\n").splitlines())


def readme_samples(text: str | None = None) -> dict[str, str]:
    """name -> the sample block's text in the README."""
    text = README.read_text() if text is None else text
    return {m["name"]: m["body"] for m in _BLOCK.finditer(text)}


def skeleton(text: str) -> list[str]:
    """The shape of an output: numbers (times, sizes, counts, errors) and the padding
    that depends on their width masked, so that two runs (or two models) compare equal
    when the command prints the same things."""
    out = []
    for line in text.splitlines():
        if line.startswith("bisection: "):
            continue  # which ops depart within tolerance depends on the model
        line = re.sub(r"-?\d[\d,]*(\.\d+)?(e[-+]?\d+)?", "#", line)
        line = re.sub(r"-{2,}", "-", line)
        out.append(re.sub(r"\s+", " ", line).strip())
    return out


def small_sample(name: str) -> str:
    """The sample's command run on `examples/tiny_cnn.py` (seconds, not a minute), its
    output spelled as if it were the README's model: what the test compares."""
    args, stream = SAMPLES[name]
    small = [a.replace("mobilenet_v2", "tiny_cnn") for a in args]
    return run_sample(small, stream).replace("tiny_cnn", "mobilenet_v2")


def main() -> None:
    parser = argparse.ArgumentParser(description="rewrite the README's output samples")
    parser.add_argument("--all", action="store_true",
                        help="rewrite every sample (default: only those whose shape no longer "
                             "matches what the command prints, keeping measured figures)")
    args_ = parser.parse_args()
    text = README.read_text()
    found = readme_samples(text)
    for name, (args, stream) in SAMPLES.items():
        if name not in found:
            raise SystemExit(f"README.md has no '<!-- sample: {name} -->' block")
        if not args_.all and skeleton(small_sample(name)) == skeleton(found[name]):
            print(f"{name}: current", file=sys.stderr)
            continue
        print(f"{name}: running qcompile {' '.join(args)}", file=sys.stderr)
        body = run_sample(args, stream)
        text = _BLOCK.sub(lambda m, n=name, b=body: m.group(0) if m["name"] != n
                          else m.group(1) + b + m.group(4), text)
    README.write_text(text)


if __name__ == "__main__":
    main()
