"""`gc_paused()`: no cyclic garbage collection while building or walking a large IR.

An IR is a large graph of small objects that live as long as the module: CPython's
cyclic GC, triggered by allocation counts, traverses all of them again and again, which
makes large graphs superlinear (bench/compile_time.py). Nothing the compiler builds
becomes cyclic garbage worth collecting in the middle of a phase; the collector runs
again when the phase ends. (`compiler.transforms.pipelines.lower` does the same.)

When the block ends, the objects it created are handed to the oldest generation
(`gc.freeze()` then `gc.unfreeze()`, two list splices) instead of being left in the
youngest: re-enabled with hundreds of thousands of young objects, the collector's next
young collection would traverse every one of them (~0.1 s after a 10k-op import) only
to find them alive. They are still collected, by the full collections, like any other
long-lived object. Skipped when the process has frozen objects of its own, whose
`gc.freeze()` it would undo.

The promotion is process-wide: a program that embeds the compiler (calls `import_*`,
`lower` or the writer) has its own young objects moved to the oldest generation too, so
its garbage cycles made before the call wait for a full collection (`gc.collect()`), and
so does the IR the passes replaced: `qcompile` frees it with a full collection before
writing, since a young one finds nothing (tools/qcompile.py).
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
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
