"""Where does a compiled model lose precision against torch's PT2E program?

    python bench/pt2e_bisect.py examples/archs/hf_gpt2.py --scheme int16 [qcompile options]

Compiles the model file exactly as `qcompile FILE -o OUT ...` (in a temporary
directory), then prints `compiler.accuracy_bisect` on the held-back batch: every IR op's
SQNR against the PT2E node of the same name, and the first op that loses precision.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str]) -> int:
    import argparse

    from compiler.accuracy_bisect import accuracy_bisect
    from compiler.tools.qcompile import compile_model, parse_args

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--drop-db", type=float, default=6.0)
    ap.add_argument("--floor-db", type=float, default=30.0)
    ap.add_argument("--scheme", help="as qcompile's (uint8 compiles a .circle, else a .tflite)")
    args, rest = ap.parse_known_args(argv)
    if args.scheme is not None:
        rest = ["--scheme", args.scheme, *rest]
    suffix = ".circle" if args.scheme == "uint8" and "--per-tensor" not in rest else ".tflite"
    with tempfile.TemporaryDirectory(prefix="pt2e-bisect-") as tmp:
        out = str(Path(tmp) / f"model{suffix}")
        result = compile_model(parse_args([args.model, "-o", out, "-q", *rest]))
    print(accuracy_bisect(result["program"], result["circle"], result["held"],
                          args.drop_db, args.floor_db))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
