"""What the command-line tools share: error reporting, atomic output, targets, printing."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable

from xdsl.dialects.builtin import DenseIntOrFPElementsAttr
from xdsl.ir import Attribute
from compiler.ir.printing import Printer
from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException, ParseError

from compiler.ir.diagnostics import CompileError


def quiet_torch_logs() -> None:
    """Silence torch's and torchao's own logging (import-time noise, and the tracebacks
    and graph dumps torch.export logs before raising): a tool reports each failure once,
    as `<tool>: error: ...` with its cause. Imports torch. `QC_DEBUG=1` keeps the logs."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    if os.environ.get("QC_DEBUG"):
        return
    import torch._logging

    # torch resets the levels of its loggers when it configures logging (at import, and
    # from TORCH_LOGS), so set them through its own API, after the import.
    torch._logging.set_logs(all=logging.CRITICAL)
    for name in ("torchao", "torch"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def exit_now(code: int) -> None:
    """End the process with `code` without Python's finalization.

    A process that has imported torch, torch.export's tracer, torchao and xDSL holds
    ~500k objects in ~3k modules; tearing them down (module clearing, the final cyclic
    collections) costs ~1 s of CPU after the work is done, as much as the whole
    compiler proper on MobileNetV2. Nothing of the tool's output depends on it: files
    are written atomically and closed before this point (`write_atomically`),
    temporary directories are context managers, and the streams and logging handlers
    are flushed here. atexit handlers do not run."""
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said anyway
            pass
    os._exit(code)


def return_freed_memory() -> None:
    """glibc only: allocations of 1 MiB and more get mappings of their own, given back
    to the system when freed (`mallopt(M_MMAP_THRESHOLD)`); elsewhere, nothing.

    By default glibc raises that threshold to the size of each large block freed (up
    to 32 MiB), after which weight-sized tensors come from the heap, and the heap keeps
    what they leave free: the float copies quantization makes and drops (batch norms
    folded into convolutions, then quantized) stay resident and the next phases grow
    past them (on a 43 MiB ResNet-18, 40 MiB more peak RSS; docs/bench.md). Called by
    the command-line tools, before anything is allocated; the cost is one mmap per
    large tensor, not measurable next to what it holds."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return
    m_mmap_threshold = -3
    mallopt(m_mmap_threshold, 1 << 20)


class _WithoutGraphDumps:
    """A stderr that drops the partial FX graph torch.export prints (with `print`, not
    logging) before re-raising an export error; everything else passes through."""

    def __init__(self, stream):
        self._stream = stream
        self._skip_newline = False

    def write(self, text: str) -> int:
        if isinstance(text, str) and text.lstrip("\n").startswith("def forward("):
            self._skip_newline = True  # print() writes its end="\n" separately
            return len(text)
        if self._skip_newline and text == "\n":
            self._skip_newline = False
            return len(text)
        self._skip_newline = False
        return self._stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def without_graph_dumps():
    """While torch.export runs: its error reports reach the user only as our one line."""
    if os.environ.get("QC_DEBUG"):
        yield
        return
    saved = sys.stderr
    sys.stderr = _WithoutGraphDumps(saved)
    try:
        yield
    finally:
        sys.stderr = saved


def _codegen(name: str) -> Callable[[], Callable]:
    def load():
        import compiler.codegen as codegen

        return getattr(codegen, name)

    return load


#: `-t` targets that produce a flatbuffer: name -> loader of `(module) -> bytes`.
BINARY_TARGETS: dict[str, Callable[[], Callable]] = {
    "circle": _codegen("write_circle"),
    "tflite": _codegen("write_tflite"),
}

#: input extensions read as flatbuffers: ext -> loader of `(bytes) -> module`.
FLATBUFFER_FRONTENDS: dict[str, Callable[[], Callable]] = {
    "circle": _codegen("read_flatbuffer"),
    "tflite": _codegen("read_flatbuffer"),
}


def write_atomically(path: str, data: bytes | Iterable[bytes | memoryview]) -> None:
    """Write `data` (bytes, or chunks written one after the other) to `path` through a
    temporary file in the same directory + rename, so that readers never see a partial
    file and a failure leaves no file behind."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    except OSError as e:
        raise CompileError(f"cannot write '{path}': {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, (bytes, bytearray, memoryview)):
                f.write(data)
            else:
                for chunk in data:
                    f.write(chunk)
        # mkstemp creates 0600; give the file the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class ElidingPrinter(Printer):
    """Prints dense payloads above a size as `dense<"__elided__">` (like MLIR's
    `--mlir-elide-elementsattrs-if-larger`): for people, not for parsing back."""

    def __init__(self, *args, elide_larger_than: int = 16, **kwargs):
        super().__init__(*args, **kwargs)
        self._elide = elide_larger_than  # (set after the dataclass __init__)

    def print_attribute(self, attribute: Attribute) -> None:
        if isinstance(attribute, DenseIntOrFPElementsAttr) and len(attribute) > self._elide:
            self.print_string('dense<"__elided__"> : ')
            super().print_attribute(attribute.type)
            return
        super().print_attribute(attribute)


def _format(e: BaseException) -> str:
    if isinstance(e, ParseError):
        context = e.span.print_with_context(None).rstrip("\n")
        context = "\n".join(context.splitlines()[1:])  # drop the repeated location line
        return f"{e.span.get_location()}: {e.msg}\n{context}"
    if isinstance(e, ArgSpecParseError):
        return str(e.args[0]) if e.args else str(e)
    if isinstance(e, DiagnosticException):
        return str(e.args[0]) if e.args else str(e)
    if isinstance(e, OSError):
        name = f" '{e.filename}'" if e.filename else ""
        return f"cannot access{name}: {e.strerror or e}"
    return str(e)


def _report_warnings(tool: str) -> None:
    """Compiler warnings print as `<tool>: warning: <location>: <message>`."""
    import warnings

    from compiler.ir.diagnostics import CompileWarning

    original = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, CompileWarning):
            print(f"{tool}: warning: {message}", file=sys.stderr)
        else:
            original(message, category, filename, lineno, file, line)

    warnings.showwarning = show


class _Fail:
    """Turns exceptions into `<tool>: error: ...` and an exit code."""

    @staticmethod
    def guard(tool: str, body: Callable[[], object]) -> int:
        _report_warnings(tool)
        try:
            body()
            return 0
        except SystemExit as e:  # argparse usage errors (exit 2) and explicit exits
            return e.code if isinstance(e.code, int) else 1
        except KeyboardInterrupt:
            print(f"{tool}: interrupted", file=sys.stderr)
            return 130
        except (CompileError, ParseError, ArgSpecParseError, DiagnosticException, OSError) as e:
            print(f"{tool}: error: {_format(e)}", file=sys.stderr)
            return 1
        except Exception as e:  # a bug in the compiler: say so, briefly
            if os.environ.get("QC_DEBUG"):
                traceback.print_exc()
            print(
                f"{tool}: internal error: {type(e).__name__}: {e}\n"
                f"(this is a compiler bug; set QC_DEBUG=1 for the traceback)",
                file=sys.stderr,
            )
            return 3


fail = _Fail()
