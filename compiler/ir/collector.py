"""`gc_paused()`: no cyclic garbage collection while building or walking a large IR.

An IR is a large graph of small objects that live as long as the module: CPython's
cyclic GC, triggered by allocation counts, traverses all of them again and again, which
makes large graphs superlinear (bench/compile_time.py). Nothing the compiler builds
becomes cyclic garbage worth collecting in the middle of a phase; the collector runs
again when the phase ends. (`compiler.transforms.pipelines.lower` does the same.)
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic GC for the block (re-enabled after it if it was enabled)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
