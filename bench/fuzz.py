"""Longer mutation fuzzing of `read_flatbuffer` and the IR parser (the suite runs a
bounded sample: `test/python/test_fuzz.py`; the mutations: `test/python/fuzzing.py`).

    python bench/fuzz.py [--flatbuffers N] [--texts N] [--seed S] [--seconds T]

Prints the cases run, their rate and every failure (an undocumented exception, with
the end of its traceback, or a hang); exit status 1 when there is any.
"""

from __future__ import annotations

import argparse
import sys
import time

import common  # noqa: F401  (sys.path: test/python; one torch thread)
import fuzzing


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--flatbuffers", type=int, default=20000)
    p.add_argument("--texts", type=int, default=5000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--seconds", type=float, default=None, help="stop after this long")
    args = p.parse_args()
    start = time.perf_counter()
    flatbuffers, texts, failures = fuzzing.run(args.flatbuffers, args.texts, args.seed,
                                               args.seconds)
    seconds = time.perf_counter() - start
    print(f"seed {args.seed}: {flatbuffers} flatbuffers, {texts} IR texts in {seconds:.1f} s "
          f"({(flatbuffers + texts) / seconds:.0f} cases/s): {len(failures)} failure(s)")
    for f in failures:
        print(f"\n[{f.kind} case {f.case}: {f.mutation}]\n{f.error}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
