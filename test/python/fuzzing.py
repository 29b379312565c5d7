"""Mutation fuzzing of the two readers users hand files to: `read_flatbuffer` (Circle /
TFLite) and the IR parser (`LocatingParser` + `verify_module`, what `qopt` runs).

Seeds are the codegen round-trip modules (`test/lit/codegen/roundtrip_*.mlir`), written
as `.circle` and `.tflite`. Each case is a seeded mutation of one seed:

- flatbuffers: truncation, bit flips, bytes set to boundary values, 32-bit words set to
  out-of-range values (offsets, vector lengths, indices), spliced chunks; and structural
  mutations through the object API, re-packed (operator inputs/outputs, opcode, buffer
  and tensor indices out of range, negative/huge/empty shapes, mismatched quantization
  vectors, unknown builtin codes and tensor types);
- IR text: deleted, duplicated and swapped spans and lines, numbers replaced by
  boundary values, random characters inserted.

`run(flatbuffers, texts, seed)` returns the failures: an exception other than the documented ones
(`CompileError` for the reader; `CompileError`, xDSL's `ParseError` /
`DiagnosticException` / `VerifyException` for the parser), or a case slower than
`HANG_SECONDS`. `bench/fuzz.py` runs it longer; `test_fuzz.py` runs a bounded, seeded sample.
"""

from __future__ import annotations

import random
import re
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "test" / "lit" / "codegen").glob("roundtrip_*.mlir"))
HANG_SECONDS = 5.0

_BOUNDARY_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF)
_BOUNDARY_WORDS = (0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFF, 0x10000, 7, 8, 1 << 24)
_BOUNDARY_INTS = (-(2**31), -1, 0, 1, 255, 2**31 - 1, 1 << 20)


@dataclass
class Failure:
    kind: str  # "flatbuffer" or "ir"
    case: int
    mutation: str
    error: str  # the last lines of the traceback, or "hang"


def seed_texts() -> list[str]:
    return [p.read_text() for p in SEEDS]


def seed_flatbuffers() -> list[bytes]:
    from compiler.codegen import write_circle, write_tflite
    from compiler.ir.context import make_context
    from compiler.ir.diagnostics import LocatingParser

    out = []
    for path in SEEDS:
        module = LocatingParser(make_context(), path.read_text(), str(path)).parse_module()
        out.append(write_circle(module))
        try:
            out.append(write_tflite(module))
        except Exception:  # a scheme LiteRT refuses: the .circle seed is enough
            pass
    return out


# -- flatbuffer mutations -----------------------------------------------------------------


def _bytes_mutation(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    d = bytearray(data)
    kind = rng.choice(("truncate", "flip", "byte", "word", "splice", "zero-run"))
    if kind == "truncate":
        n = rng.randrange(len(d))
        return bytes(d[:n]), f"truncate to {n}"
    if kind == "flip":
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(d))
            d[i] ^= 1 << rng.randrange(8)
        return bytes(d), "bit flips"
    if kind == "byte":
        i = rng.randrange(len(d))
        d[i] = rng.choice(_BOUNDARY_BYTES)
        return bytes(d), f"byte {i}"
    if kind == "word":
        i = rng.randrange(0, max(1, len(d) - 4)) & ~3
        d[i:i + 4] = rng.choice(_BOUNDARY_WORDS).to_bytes(4, "little")
        return bytes(d), f"word {i}"
    if kind == "splice":
        a, b = sorted(rng.randrange(len(d)) for _ in range(2))
        at = rng.randrange(len(d))
        return bytes(d[:at] + d[a:b] + d[at:]), f"splice {a}:{b} at {at}"
    a = rng.randrange(len(d))
    n = rng.randint(1, 64)
    d[a:a + n] = bytes(min(n, len(d) - a))
    return bytes(d), f"zero run {a}+{n}"


def _structural_mutation(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    from compiler.codegen.reader import unpack_model
    from compiler.codegen.writer import pack_model

    model = unpack_model(data)
    sub = model.subgraphs[0]
    ops = sub.operators or []
    tensors = sub.tensors or []
    n_t = len(tensors)
    choice = rng.choice(("op input", "op output", "opcode", "buffer", "shape", "quant",
                         "builtin code", "tensor type", "graph io", "drop tensors",
                         "drop buffers"))
    if choice in ("op input", "op output") and ops:
        op = rng.choice(ops)
        vec = list(op.inputs if choice == "op input" else op.outputs or [])
        if vec:
            vec[rng.randrange(len(vec))] = rng.choice((n_t, n_t + 100, -2, -(2**31), 2**31 - 1))
        else:
            vec = [n_t]
        setattr(op, "inputs" if choice == "op input" else "outputs", vec)
    elif choice == "opcode" and ops:
        rng.choice(ops).opcodeIndex = rng.choice((len(model.operatorCodes or []), 2**31 - 1))
    elif choice == "buffer" and tensors:
        rng.choice(tensors).buffer = rng.choice((len(model.buffers or []), 2**31 - 1, 10**6))
    elif choice == "shape" and tensors:
        t = rng.choice(tensors)
        shape = list(t.shape if t.shape is not None else [])
        if shape and rng.random() < 0.7:
            shape[rng.randrange(len(shape))] = rng.choice(_BOUNDARY_INTS)
        else:
            shape = rng.choice(([], [0], [2**31 - 1] * 4, [1] * 9, [-1, 3]))
        t.shape = np.array(shape, dtype=np.int32)
    elif choice == "quant" and tensors:
        t = rng.choice(tensors)
        q = t.quantization
        if q is not None and q.scale is not None:
            which = rng.choice(("scale", "zeroPoint", "quantizedDimension"))
            if which == "scale":
                q.scale = np.array(rng.choice(([], [0.0], [float("nan")], [-1.0], [1.0] * 7)),
                                   dtype=np.float32)
            elif which == "zeroPoint":
                q.zeroPoint = np.array(rng.choice(([], [2**40], [1, 2, 3])), dtype=np.int64)
            else:
                q.quantizedDimension = rng.choice((-1, 7, 2**31 - 1))
    elif choice == "builtin code" and model.operatorCodes:
        code = rng.choice(model.operatorCodes)
        value = rng.choice((-1, 127, 250, 10**6))
        code.builtinCode = value
        code.deprecatedBuiltinCode = max(-128, min(127, value))
    elif choice == "tensor type" and tensors:
        rng.choice(tensors).type = rng.choice((-1, 17, 40, 127))
    elif choice == "graph io":
        which = rng.choice(("inputs", "outputs"))
        setattr(sub, which, np.array(rng.choice(([n_t], [-5], [], [0, 0])), dtype=np.int32))
    elif choice == "drop tensors" and tensors:
        sub.tensors = tensors[: rng.randrange(len(tensors))]
    elif choice == "drop buffers" and model.buffers:
        model.buffers = model.buffers[: rng.randrange(len(model.buffers))]
    identifier = bytes(data[4:8])
    return pack_model(model, identifier), f"structural: {choice}"


def mutate_flatbuffer(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    if rng.random() < 0.5:
        try:
            return _structural_mutation(data, rng)
        except Exception:  # a mutation the packer cannot write: mutate bytes instead
            pass
    return _bytes_mutation(data, rng)


# -- IR text mutations --------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")
_NOISE = "%@!#<>{}()[]:,=\"'x?^-0123456789 \n"


def mutate_text(text: str, rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(("delete", "duplicate", "swap lines", "number", "insert", "truncate"))
    n = len(text)
    if kind == "delete":
        a = rng.randrange(n)
        b = min(n, a + rng.randint(1, 40))
        return text[:a] + text[b:], f"delete {a}:{b}"
    if kind == "duplicate":
        a = rng.randrange(n)
        b = min(n, a + rng.randint(1, 80))
        at = rng.randrange(n)
        return text[:at] + text[a:b] + text[at:], f"duplicate {a}:{b} at {at}"
    if kind == "swap lines":
        lines = text.split("\n")
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines), f"swap lines {i} {j}"
    if kind == "number":
        matches = list(_NUMBER.finditer(text))
        m = rng.choice(matches)
        new = rng.choice(("0", "-1", "2147483648", "99999999999999999999", "1e400", "-0",
                          "nan", "3.5", "-129", "65536"))
        return text[:m.start()] + new + text[m.end():], f"number at {m.start()} -> {new}"
    if kind == "insert":
        at = rng.randrange(n)
        noise = "".join(rng.choice(_NOISE) for _ in range(rng.randint(1, 6)))
        return text[:at] + noise + text[at:], f"insert {noise!r} at {at}"
    at = rng.randrange(n)
    return text[:at], f"truncate to {at}"


# -- running ------------------------------------------------------------------------------


class Hang(Exception):
    """A case ran longer than `HANG_SECONDS`."""


def _on_alarm(signum, frame):
    raise Hang()


def within_deadline(call: Callable[[], object]) -> object:
    """`call()`, or `Hang` after `HANG_SECONDS` (SIGALRM: the main thread, POSIX)."""
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        return call()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _check(call: Callable[[], object], documented: tuple[type, ...]) -> str | None:
    """None when `call` returns or raises a documented error; else what went wrong."""
    try:
        within_deadline(call)
    except Hang:
        return "hang"
    except documented:
        return None
    except Exception:
        lines = traceback.format_exc().strip().splitlines()
        return "\n".join(lines[-6:])
    return None


def run(flatbuffers: int, texts: int, seed: int,
        seconds: float | None = None) -> tuple[int, int, list[Failure]]:
    """Fuzz `flatbuffers` mutated models and `texts` mutated IR texts, interleaved (or
    until `seconds` have passed). Returns (flatbuffers run, texts run, failures)."""
    from xdsl.utils.exceptions import DiagnosticException, ParseError, VerifyException

    from compiler.codegen import read_flatbuffer
    from compiler.ir.context import make_context
    from compiler.ir.diagnostics import CompileError, LocatingParser, verify_module

    rng = random.Random(seed)
    seeds = seed_flatbuffers()
    sources = seed_texts()
    ctx = make_context()
    failures: list[Failure] = []
    start = time.perf_counter()
    done = [0, 0]
    total = flatbuffers + texts
    for case in range(total):
        if seconds is not None and time.perf_counter() - start > seconds:
            break
        # interleave in proportion, so that a time limit cuts both kinds alike
        if done[1] >= texts or done[0] * texts < done[1] * flatbuffers + flatbuffers:
            data, how = mutate_flatbuffer(rng.choice(seeds), rng)
            error = _check(lambda: read_flatbuffer(data), (CompileError,))
            kind, done[0] = "flatbuffer", done[0] + 1
        else:
            text, how = mutate_text(rng.choice(sources), rng)

            def parse() -> None:
                verify_module(LocatingParser(ctx, text, "fuzz.mlir").parse_module())

            error = _check(parse, (CompileError, ParseError, DiagnosticException,
                                   VerifyException))
            kind, done[1] = "ir", done[1] + 1
        if error:
            failures.append(Failure(kind, case, how, error))
    return done[0], done[1], failures
