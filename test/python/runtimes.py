"""Run a model in a real runtime from a test: onert for `.circle`, LiteRT for `.tflite`.

    from runtimes import run_onert, run_litert, onert_available, litert_available

    outs = run_onert(circle_bytes, [x])                    # list of numpy arrays
    outs = run_litert(tflite_bytes, [x], resolver="BUILTIN_REF")

Inputs are numpy arrays in the model's input order, with the model's dtypes (float32
for float I/O, the storage dtype such as uint8/int8 for integer I/O); outputs come back
in the model's output order as numpy arrays owned by the caller.

Runtime quirks handled here, so tests don't repeat them:
- onert only loads from a path: the bytes go to a temporary `.circle` file;
- onert's `infer()` re-sets input tensor infos and fails on uint8 inputs
  ("Cannot convert string to NNFW_TYPE: 'uint8'"); models here have static shapes, so
  that step is skipped;
- LiteRT: `resolver` picks the kernels: "BUILTIN_REF" (reference kernels, the numeric
  oracle), "BUILTIN" (optimized), "AUTO" (optimized + XNNPACK delegate).

Both runners raise `RuntimeRefused(runtime, message)` when the runtime refuses the model
(load, prepare or invoke), with the runtime's own message, so a test can assert on it.
onert's Python exceptions only say `NNFW_STATUS_ERROR`; its reason goes to the C++
stderr, which `run_onert` captures (file descriptor 2) and puts into the message.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile

import numpy as np


class RuntimeRefused(Exception):
    """The runtime did not load, prepare or run the model; `message` is its own text."""

    def __init__(self, runtime: str, message: str):
        super().__init__(f"{runtime}: {message}")
        self.runtime = runtime
        self.message = message


def onert_available() -> bool:
    try:
        import onert.infer  # noqa: F401
    except Exception:
        return False
    return True


def litert_available() -> bool:
    try:
        import ai_edge_litert.interpreter  # noqa: F401
    except Exception:
        return False
    return True


@contextlib.contextmanager
def _captured_fd2(sink: list[str]):
    """Capture what native code writes to file descriptor 2 into `sink`."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            sink.append(tmp.read().decode("utf-8", "replace"))


def run_onert(circle_bytes: bytes, inputs: list[np.ndarray], backends: str = "cpu") -> list[np.ndarray]:
    """Load `circle_bytes` in onert, run it once on `inputs`, return the outputs."""
    from onert import infer

    with tempfile.TemporaryDirectory(prefix="onert-") as d:
        path = os.path.join(d, "model.circle")
        with open(path, "wb") as f:
            f.write(circle_bytes)
        log: list[str] = []
        try:
            with _captured_fd2(log):
                session = infer.session(path, backends)
                # Static shapes: skip infer()'s input re-configuration (it rejects uint8).
                session._update_inputs_tensorinfo = lambda infos: None
                outs = session.infer([np.ascontiguousarray(x) for x in inputs])
        except Exception as e:
            native = " ".join(line.strip() for line in "".join(log).splitlines() if line.strip())
            raise RuntimeRefused("onert", f"{native} ({e})" if native else str(e)) from None
        return [np.array(o, copy=True) for o in outs]


def run_litert(
    tflite_bytes: bytes, inputs: list[np.ndarray], resolver: str = "BUILTIN_REF"
) -> list[np.ndarray]:
    """Load `tflite_bytes` in LiteRT's interpreter with `resolver`, run once, return outputs."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    try:
        interp = Interpreter(
            model_content=bytes(tflite_bytes),
            experimental_op_resolver_type=getattr(OpResolverType, resolver),
            num_threads=1,
        )
        interp.allocate_tensors()
    except Exception as e:
        raise RuntimeRefused("litert", str(e)) from None
    details = interp.get_input_details()
    if len(details) != len(inputs):
        raise ValueError(f"the model has {len(details)} inputs, {len(inputs)} given")
    for d, x in zip(details, inputs):
        interp.set_tensor(d["index"], np.ascontiguousarray(x, dtype=d["dtype"]))
    try:
        interp.invoke()
    except Exception as e:
        raise RuntimeRefused("litert", str(e)) from None
    return [np.array(interp.get_tensor(d["index"]), copy=True) for d in interp.get_output_details()]
