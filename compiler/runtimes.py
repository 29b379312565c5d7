"""Run a flatbuffer in a real runtime: onert (`.circle`) or LiteRT (`.tflite`).

    from compiler.runtimes import run_runtime, run_every_tensor

    outs = run_runtime("onert", circle_bytes, [x])                   # list of arrays
    outs = run_runtime("litert", tflite_bytes, [x], resolver="AUTO")
    run = run_every_tensor("litert", tflite_bytes, [x], "BUILTIN_REF")
    run.outputs, run.tensors                # outputs; {tensor index: array} of every op result

Inputs are numpy arrays in the model's input order with the model's dtypes (float32 for
float I/O, the storage dtype such as uint8/int8 for integer I/O); outputs come back in
the model's output order, in the model's declared shapes, owned by the caller.

LiteRT's `resolver` picks the kernels (`RESOLVERS`, the three ways users run a model):
"BUILTIN_REF" (reference kernels: the numeric oracle), "BUILTIN_WITHOUT_DEFAULT_DELEGATES"
(the optimized builtin kernels alone), "AUTO" (what `Interpreter()` does by default: the
optimized kernels with the XNNPACK delegate applied; "BUILTIN" is the same thing).

Runtime quirks handled here, so callers don't repeat them:
- onert only loads from a path: the bytes go to a temporary `.circle` file;
- onert's `infer()` re-sets input tensor infos and fails on uint8 inputs ("Cannot
  convert string to NNFW_TYPE: 'uint8'"); models here have static shapes, so that step
  is skipped;
- onert may return an output with its size-1 dimensions squeezed (`[8, 16]` for a
  declared `[1, 8, 16]`): an output whose element count matches its declared shape is
  reshaped to it (`as_declared`);
- onert's exceptions only say `NNFW_STATUS_ERROR`; its reason goes to the C++ stderr,
  which is captured (file descriptor 2) and put into `RuntimeRefused`'s message.

Every intermediate tensor (`run_every_tensor`): LiteRT keeps them with
`experimental_preserve_all_tensors=True` (with every resolver: with the XNNPACK delegate
the kept values are the delegate's, the same as a debug copy's outputs, measured on the
shipped examples); onert runs a *debug copy* in which every operator result is also a
graph output (`with_every_output`: only the subgraph's output list changes, the operators
and tensors are the same; `test_runtime_bisect.py` checks that the original outputs do
not change). Tensors are keyed by their index in the flatbuffer's subgraph.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

#: LiteRT op resolvers, as users run models: reference kernels, optimized kernels without
#: a delegate, the default (optimized kernels + the XNNPACK delegate).
RESOLVERS = ("BUILTIN_REF", "BUILTIN_WITHOUT_DEFAULT_DELEGATES", "AUTO")
RUNTIMES = ("litert", "onert")


class RuntimeRefused(Exception):
    """The runtime did not load, prepare or run the model; `message` is its own text."""

    def __init__(self, runtime: str, message: str):
        super().__init__(f"{runtime}: {message}")
        self.runtime = runtime
        self.message = message

    def __reduce__(self):  # pickled back from an isolated run
        return (RuntimeRefused, (self.runtime, self.message))


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
def captured_fd2(sink: list[str]):
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


def as_declared(array: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """`array` in its declared `shape` when only the shape differs (onert squeezes size-1
    dimensions of outputs); anything else is returned unchanged for the caller to see."""
    shape = tuple(int(d) for d in shape)
    if array.shape != shape and all(d >= 0 for d in shape) and array.size == int(
        np.prod(shape, dtype=np.int64)
    ):
        return array.reshape(shape)
    return array


# ---- the flatbuffer's tensors ------------------------------------------------------------


def _model(data: bytes):
    from compiler.codegen.reader import unpack_model

    return unpack_model(bytes(data))


def _subgraph(model):
    if not model.subgraphs or len(model.subgraphs) != 1:
        from compiler.ir.diagnostics import CompileError

        raise CompileError(f"a model has one subgraph; this one has {len(model.subgraphs or [])}")
    return model.subgraphs[0]


def _output_shapes(data: bytes) -> list[list[int]]:
    sg = _subgraph(_model(data))
    return [list(sg.tensors[i].shape if sg.tensors[i].shape is not None else [])
            for i in sg.outputs]


#: Tensor types (Circle schema codes) tapped by a copy: FLOAT32 and INT32 by ADD of a
#: zero, BOOL by LOGICAL_OR with itself.
_FLOAT32, _INT32, _BOOL = 0, 2, 6


class _Taps:
    """Adds tap operators (and their constants) to one unpacked model."""

    def __init__(self, model, sg) -> None:
        self.model, self.sg = model, sg
        self.codes: dict[str, int] = {}
        self.zeros: dict[int, int] = {}

    def code(self, builtin: str) -> int:
        from compiler.codegen.schema import BUILTIN_CODES, deprecated_code_for, schema_class

        if builtin not in self.codes:
            code = schema_class("OperatorCode")()
            code.builtinCode = BUILTIN_CODES[builtin]
            code.deprecatedBuiltinCode = deprecated_code_for(code.builtinCode)
            code.version = 1
            self.model.operatorCodes.append(code)
            self.codes[builtin] = len(self.model.operatorCodes) - 1
        return self.codes[builtin]

    def tensor(self, like: int, type_code: int, suffix: bytes, buffer: int = 0) -> int:
        from compiler.codegen.schema import schema_class

        t = schema_class("Tensor")()
        t.shape = self.sg.tensors[like].shape if like >= 0 else np.array([1], np.int32)
        t.type = type_code
        t.buffer = buffer
        t.name = (self.sg.tensors[like].name or b"" if like >= 0 else b"") + suffix
        self.sg.tensors.append(t)
        return len(self.sg.tensors) - 1

    def zero(self, type_code: int) -> int:
        """A [1] constant 0 of `type_code` (float32 or int32)."""
        from compiler.codegen.schema import schema_class

        if type_code not in self.zeros:
            buf = schema_class("Buffer")()
            buf.data = np.zeros(4, np.uint8)
            self.model.buffers.append(buf)
            self.zeros[type_code] = self.tensor(-1, type_code, b"debug_tap/zero",
                                                len(self.model.buffers) - 1)
        return self.zeros[type_code]

    def op(self, builtin: str, inputs: list[int], output: int, options=None) -> None:
        from compiler.codegen.schema import schema_class

        o = schema_class("Operator")()
        o.opcodeIndex = self.code(builtin)
        o.inputs = np.array(inputs, dtype=np.int32)
        o.outputs = np.array([output], dtype=np.int32)
        if options is not None:
            o.builtinOptionsType, o.builtinOptions = options
        self.sg.operators.append(o)

    def tap(self, i: int) -> tuple[int, tuple[float, int] | None] | None:
        """(the tap's output tensor, how to decode it) for tensor `i`, or None."""
        from compiler.codegen.schema import OPTIONS_TAGS, options_class
        from compiler.dialects import circle

        t = self.sg.tensors[i]
        q = t.quantization
        scales = None if q is None or q.scale is None else list(q.scale)
        if scales is not None and len(scales) == 1:
            out = self.tensor(i, _FLOAT32, b"/debug_tap")
            self.op(circle.DequantizeOp.BUILTIN, [i], out)
            zp = q.zeroPoint[0] if q.zeroPoint is not None and len(q.zeroPoint) else 0
            return out, (float(scales[0]), int(zp))
        if scales is not None:
            return None  # per-axis activations: none here
        if t.type in (_FLOAT32, _INT32):
            out = self.tensor(i, t.type, b"/debug_tap")
            add = circle.AddOp
            self.op(add.BUILTIN, [i, self.zero(t.type)], out,
                    (OPTIONS_TAGS[add.OPTIONS], options_class(add.OPTIONS)()))
            return out, None
        if t.type == _BOOL:
            out = self.tensor(i, _BOOL, b"/debug_tap")
            self.op(circle.LogicalOrOp.BUILTIN, [i, i], out)
            return out, None
        return None


def with_every_output(data: bytes) -> tuple[bytes, list[tuple[int, tuple[float, int] | None]]]:
    """A debug copy of `data` in which every operator result can be read as a graph output.

    Returns the new bytes and, for each of its outputs in order, the tensor index it
    shows and how to decode it: the original outputs first, then every other operator
    result in operator order, each through a *tap* that only the graph output reads: a
    DEQUANTIZE for a per-tensor quantized result (`(scale, zero point)` given: the storage
    integers come back exactly as `rint(real / scale) + zp`), an ADD of 0 for float32 and
    int32, a LOGICAL_OR with itself for bool (None: the value as is). Results of other
    types (int64, per-axis) are not shown. Why taps: onert (0.1.0, internal output
    allocation) returns garbage for a graph output that other operators also read
    (measured on the shipped MobileNetV2: ~0.1 % of the elements right), while an output
    only the graph reads is right. The original operators, tensors and buffers are
    unchanged; the added operators only read them.
    """
    from compiler.codegen.writer import pack_model

    model = _model(data)
    sg = _subgraph(model)
    shown: list[tuple[int, tuple[float, int] | None]] = [(int(i), None) for i in sg.outputs]
    seen = {i for i, _ in shown}
    taps = _Taps(model, sg)
    outputs = [int(i) for i in sg.outputs]
    for op in list(sg.operators):
        for i in (op.outputs if op.outputs is not None else []):
            i = int(i)
            if i < 0 or i in seen:
                continue
            seen.add(i)
            tapped = taps.tap(i)
            if tapped is not None:
                outputs.append(tapped[0])
                shown.append((i, tapped[1]))
    sg.outputs = np.array(outputs, dtype=np.int32)
    model.signatureDefs = None  # the signature lists the original outputs only
    return pack_model(model, bytes(data[4:8])), shown


def _untap(value: np.ndarray, tap: tuple[float, int], dtype: np.dtype) -> np.ndarray:
    """The storage integers a DEQUANTIZE tap dequantized (exact: see `with_every_output`)."""
    scale, zp = tap
    q = np.rint(np.asarray(value, np.float64) / np.float64(np.float32(scale))) + zp
    return q.astype(dtype)


# ---- LiteRT ------------------------------------------------------------------------------


def _litert_interpreter(data: bytes, resolver: str, keep: bool):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    if resolver not in RESOLVERS and resolver != "BUILTIN":
        raise ValueError(f"unknown LiteRT resolver '{resolver}' (one of {', '.join(RESOLVERS)})")
    try:
        with warnings.catch_warnings():  # preserve_all_tensors warns it is for debugging
            warnings.simplefilter("ignore")
            interp = Interpreter(
                model_content=bytes(data), num_threads=1,
                experimental_op_resolver_type=getattr(OpResolverType, resolver),
                experimental_preserve_all_tensors=keep,
            )
        interp.allocate_tensors()
    except Exception as e:
        raise RuntimeRefused("litert", str(e)) from None
    return interp


def _litert_invoke(interp, inputs: Sequence[np.ndarray]) -> None:
    details = interp.get_input_details()
    if len(details) != len(inputs):
        raise ValueError(f"the model has {len(details)} inputs, {len(inputs)} given")
    for d, x in zip(details, inputs):
        interp.set_tensor(d["index"], np.ascontiguousarray(x, dtype=d["dtype"]))
    try:
        interp.invoke()
    except Exception as e:
        raise RuntimeRefused("litert", str(e)) from None


def run_litert(
    data: bytes, inputs: Sequence[np.ndarray], resolver: str = "BUILTIN_REF"
) -> list[np.ndarray]:
    """Load `data` in LiteRT's interpreter with `resolver`, run once, return the outputs."""
    return _litert_batches(data, [inputs], resolver)[0]


def _litert_batches(data: bytes, batches, resolver: str) -> list[list[np.ndarray]]:
    interp = _litert_interpreter(data, resolver, keep=False)
    out = []
    for inputs in batches:
        _litert_invoke(interp, inputs)
        out.append([np.array(interp.get_tensor(d["index"]), copy=True)
                    for d in interp.get_output_details()])
    return out


# ---- onert -------------------------------------------------------------------------------


def run_onert(data: bytes, inputs: Sequence[np.ndarray], backends: str = "cpu") -> list[np.ndarray]:
    """Load `data` in onert, run it once on `inputs`, return the outputs in their declared
    shapes."""
    return _onert_batches(data, [inputs], backends)[0]


def _onert_batches(data: bytes, batches, backends: str = "cpu") -> list[list[np.ndarray]]:
    from onert import infer

    with tempfile.TemporaryDirectory(prefix="onert-") as d:
        path = os.path.join(d, "model.circle")
        with open(path, "wb") as f:
            f.write(data)
        log: list[str] = []
        try:
            with captured_fd2(log):
                session = infer.session(path, backends)
                # Static shapes: skip infer()'s input re-configuration (it rejects uint8).
                session._update_inputs_tensorinfo = lambda infos: None
                runs = [[np.array(o, copy=True) for o in
                         session.infer([np.ascontiguousarray(x) for x in inputs])]
                        for inputs in batches]
        except Exception as e:
            native = " ".join(line.strip() for line in "".join(log).splitlines() if line.strip())
            raise RuntimeRefused("onert", f"{native} ({e})" if native else str(e)) from None
    shapes = _output_shapes(data)
    return [[as_declared(o, s) for o, s in zip(outs, shapes)] for outs in runs]


# ---- either ------------------------------------------------------------------------------


def _in_child(function: str, runtime: str, *args):
    """`function(runtime, *args)` of this module in a child process: its result, or its
    `RuntimeRefused`, or a `RuntimeRefused` saying how the child died."""
    import pickle
    import signal
    import subprocess

    with tempfile.TemporaryDirectory(prefix="runtime-") as d:
        request, reply = os.path.join(d, "request.pkl"), os.path.join(d, "reply.pkl")
        with open(request, "wb") as f:
            pickle.dump((function, runtime, args), f)
        proc = subprocess.run([sys.executable, "-m", "compiler.runtimes", request, reply],
                              capture_output=True, text=True, errors="replace")
        if proc.returncode != 0 or not os.path.exists(reply):
            code = proc.returncode
            how = (f"crashed ({signal.Signals(-code).name})" if code < 0
                   else f"exited with status {code}")
            native = " ".join(line.strip() for line in proc.stderr.splitlines()[-5:]
                              if line.strip())
            raise RuntimeRefused(runtime, f"{how} running the model" +
                                 (f": {native}" if native else ""))
        with open(reply, "rb") as f:
            ok, value = pickle.load(f)
    if not ok:
        raise value
    return value


def _child_main(request: str, reply: str) -> None:
    import pickle

    # this module as `compiler.runtimes`, not `__main__`: what is pickled back must be
    # importable by that name in the parent
    from compiler import runtimes

    with open(request, "rb") as f:
        function, runtime, args = pickle.load(f)
    try:
        result = (True, getattr(runtimes, function)(runtime, *args))
    except runtimes.RuntimeRefused as e:
        result = (False, e)
    except Exception as e:  # anything else the runtime raises: its text, as a refusal
        result = (False, runtimes.RuntimeRefused(runtime, f"{type(e).__name__}: {e}"))
    with open(reply, "wb") as f:
        pickle.dump(result, f)


def run_runtime(
    runtime: str, data: bytes, inputs: Sequence[np.ndarray], resolver: str = "BUILTIN_REF",
    isolated: bool = False,
) -> list[np.ndarray]:
    """Run `data` once in `runtime` ("litert" with `resolver`, or "onert"); `isolated`:
    in a child process (see `run_batches`)."""
    return run_batches(runtime, data, [inputs], resolver, isolated)[0]


def run_batches(
    runtime: str, data: bytes, batches: Sequence[Sequence[np.ndarray]],
    resolver: str = "BUILTIN_REF", isolated: bool = False,
) -> list[list[np.ndarray]]:
    """`run_runtime` on each input list of `batches`, loading the model once.

    `isolated`: run in a child process, so that a runtime crashing (onert 0.1.0
    segfaults on some models, e.g. int8 CONV_2D with runtime weights) is a
    `RuntimeRefused` saying so instead of the end of the caller.
    """
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown runtime '{runtime}' (expected 'litert' or 'onert')")
    if isolated:
        return _in_child("run_batches", runtime, bytes(data), [list(b) for b in batches],
                         resolver)
    if runtime == "litert":
        return _litert_batches(data, batches, resolver)
    return _onert_batches(data, batches)


@dataclass
class EveryTensor:
    """One run that kept every operator result: `outputs` as `run_runtime` returns them,
    `tensors` by flatbuffer tensor index (inputs and operator results)."""

    outputs: list[np.ndarray]
    tensors: dict[int, np.ndarray] = field(default_factory=dict)


def run_every_tensor(
    runtime: str, data: bytes, inputs: Sequence[np.ndarray], resolver: str = "BUILTIN_REF",
    isolated: bool = False,
) -> EveryTensor:
    """Run `data` once in `runtime`, keeping every operator result (see the module
    docstring for how); each kept tensor is in its declared shape. `isolated`: in a
    child process (see `run_batches`)."""
    if isolated:
        return _in_child("run_every_tensor", runtime, bytes(data), list(inputs), resolver)
    model = _model(data)
    sg = _subgraph(model)
    declared = {i: list(t.shape if t.shape is not None else []) for i, t in enumerate(sg.tensors)}
    n_outputs = len(sg.outputs)
    tensors: dict[int, np.ndarray] = {}
    if runtime == "litert":
        interp = _litert_interpreter(data, resolver, keep=True)
        _litert_invoke(interp, inputs)
        produced = {int(i) for op in sg.operators for i in (op.outputs if op.outputs is not None
                                                            else []) if i >= 0}
        produced |= {int(i) for i in sg.inputs}
        for i in sorted(produced):
            tensors[i] = np.array(interp.get_tensor(i), copy=True)
        outputs = [tensors[int(i)] for i in sg.outputs]
    else:
        from compiler.codegen.schema import NUMPY_OF_TENSOR_TYPE, TENSOR_TYPE_NAMES

        debug, shown = with_every_output(data)
        values = run_runtime(runtime, debug, inputs, resolver)
        for (i, tap), v in zip(shown, values):
            if tap is not None:
                dtype = NUMPY_OF_TENSOR_TYPE[TENSOR_TYPE_NAMES[sg.tensors[i].type]]
                v = _untap(v, tap, dtype)
            tensors.setdefault(i, as_declared(np.asarray(v), declared[i]))
        for i, x in zip((int(i) for i in sg.inputs), inputs):
            tensors.setdefault(i, np.asarray(x))
        outputs = [tensors[i] for i, _ in shown[:n_outputs]]
    return EveryTensor(outputs, tensors)


if __name__ == "__main__":
    _child_main(sys.argv[1], sys.argv[2])


__all__ = ["RESOLVERS", "RUNTIMES", "EveryTensor", "RuntimeRefused", "as_declared",
           "captured_fd2", "litert_available", "onert_available", "run_batches", "run_every_tensor",
           "run_litert", "run_onert", "run_runtime", "with_every_output"]
