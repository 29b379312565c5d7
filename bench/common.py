"""Shared helpers for the benchmark scripts (not part of the test suite).

Importing this module sets torch to one thread, silences torch's log noise, and makes
`test/python/runtimes.py` importable (onert / LiteRT runners).
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "test" / "python"))
sys.path.insert(0, str(ROOT))

os.environ.setdefault("TORCH_CPP_LOG_LEVEL", "ERROR")

import torch  # noqa: E402

torch.set_num_threads(1)


def quiet() -> None:
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    for name in ("torch", "torchao", "torch._export", "torch.export"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        from compiler.tools.common import quiet_torch_logs

        quiet_torch_logs()
    except Exception:
        pass


def machine() -> str:
    import numpy

    try:
        from importlib.metadata import version

        xv = version("xdsl")
    except Exception:
        xv = "?"
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"torch {torch.__version__} (1 thread), xDSL {xv}, numpy {numpy.__version__}")


def table(headers: list[str], rows: list[list], align: str | None = None) -> tuple[str, str]:
    """(plain text, markdown) renderings of one table."""
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    text = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    text.append("  ".join("-" * w for w in widths))
    text += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    md = ["| " + " | ".join(headers) + " |",
          "| " + " | ".join("---" if i == 0 else "---:" for i in range(len(headers))) + " |"]
    md += ["| " + " | ".join(r) + " |" for r in cells]
    return "\n".join(text), "\n".join(md)


def have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
