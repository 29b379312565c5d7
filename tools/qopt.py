"""`qopt`: the opt tool of this compiler, on xDSL's `xDSLOptMain`.

    qopt FILE|- [-p pass{opt=v},...] [-t mlir|circle|tflite] [-o OUT]
         [--split-input-file] [--verify-diagnostics] [--parsing-diagnostics]
         [--print-op-generic] [--print-between-passes] [--print-debuginfo]
         [--elide-constants N]

Inputs: `.mlir` text (or `-` for stdin), and `.circle`/`.tflite` flatbuffers (read back
into the circle dialect). Only this project's dialects (plus builtin, func and test)
and passes are registered. Every user error (unreadable file, parse error, verifier
error, unknown pass or option, failing pass) prints `qopt: error: <location>: <message>`
and exits with 1; output files are written atomically (temporary file + rename), so a
failed run never leaves a partial file.
"""

from __future__ import annotations

import argparse
import os
import sys
from io import BytesIO, StringIO
from typing import IO

from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass, PassPipeline
from compiler.ir.printing import Printer
from xdsl.utils.arg_spec import parse_spec
from xdsl.utils.exceptions import DiagnosticException, ParseError
from xdsl.xdsl_opt_main import xDSLOptMain

from compiler.ir.context import DIALECTS
from compiler.ir.diagnostics import CompileError, LocatingParser, verify_module
from compiler.tools.common import (
    BINARY_TARGETS,
    FLATBUFFER_FRONTENDS,
    ElidingPrinter,
    fail,
    write_atomically,
)


class QOptMain(xDSLOptMain):
    version_format = "qopt (xdsl {xdsl_version})"

    def register_all_dialects(self) -> None:
        for name, factory in DIALECTS.items():
            self.ctx.register_dialect(name, factory)

    def register_all_passes(self) -> None:
        from compiler.transforms import get_all_passes

        for name, factory in get_all_passes().items():
            self.register_pass(name, factory)

    def register_all_targets(self) -> None:
        self.available_targets["mlir"] = lambda module, stream: None  # printed by us
        for name in BINARY_TARGETS:
            self.available_targets[name] = lambda module, stream: None

    def register_all_frontends(self) -> None:
        def parse_mlir(io: IO[bytes], offset: int = 0) -> ModuleOp:
            text = io.read().decode("utf-8", errors="replace")
            parser = LocatingParser(self.ctx, text, self.get_input_name(), offset)
            return parser.parse_module(not self.args.no_implicit_module)

        self.available_frontends["mlir"] = parse_mlir
        for ext, loader in FLATBUFFER_FRONTENDS.items():
            self.available_frontends[ext] = lambda io, offset=0, loader=loader: loader()(io.read())

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        arg_parser.add_argument(
            "--elide-constants",
            type=int,
            metavar="N",
            default=None,
            help="print dense payloads of more than N elements as dense<\"...\"> "
            "(for reading; the output does not parse back)",
        )

    def get_input_stream(self) -> tuple[IO[bytes], str]:
        path = self.args.input_file
        if path in (None, "-"):
            # A flatbuffer piped in (`qopt -t circle | qopt`) is recognized by its file
            # identifier (bytes 4..8), so it is read as a model rather than as text.
            data = sys.stdin.buffer.read()
            return BytesIO(data), "circle" if data[4:8] in (b"CIR0", b"TFL3") else "mlir"
        try:
            f = open(path, "rb")
        except OSError as e:
            raise CompileError(f"cannot read '{path}': {e.strerror}") from None
        ext = os.path.splitext(path)[1].lstrip(".")
        return f, ext if ext in self.available_frontends else "mlir"

    def get_input_name(self) -> str:
        return self.args.input_file if self.args.input_file not in (None, "-") else "<stdin>"

    def setup_pipeline(self) -> None:
        def callback(previous: ModulePass | None, module: ModuleOp, nxt: ModulePass | None):
            if not self.args.disable_verify:
                try:
                    verify_module(module)
                except CompileError as e:
                    after = f" after pass '{previous.name}'" if previous else ""
                    raise CompileError(e.message + after, e.location) from None
            if previous and nxt and self.args.print_between_passes:
                print(f"// -----// IR after {previous.name} //----- //")
                Printer(stream=sys.stdout).print_op(module)
                print("\n")

        try:
            self.pipeline = PassPipeline.parse_spec(
                self.available_passes, self.args.passes, callback
            )
        except Exception as e:  # unknown pass, bad option: the message says which
            raise CompileError(f"invalid pass pipeline '{self.args.passes}': {e}") from None

    def _print(self, module: ModuleOp) -> str:
        out = StringIO()
        printer_cls = ElidingPrinter if self.args.elide_constants is not None else Printer
        kwargs = {"elide_larger_than": self.args.elide_constants} if (
            self.args.elide_constants is not None
        ) else {}
        printer = printer_cls(
            stream=out,
            print_generic_format=self.args.print_op_generic,
            print_debuginfo=self.args.print_debuginfo,
            print_properties_as_attributes=self.args.print_no_properties,
            **kwargs,
        )
        printer.print_op(module)
        out.write("\n")
        return out.getvalue()

    def run(self) -> None:
        target = parse_spec(self.args.target).name
        binary = target in BINARY_TARGETS
        if binary and self.args.output_file in (None, "-") and sys.stdout.isatty():
            raise CompileError(
                f"refusing to write a binary .{target} model to a terminal; use -o FILE"
            )
        chunks, ext = self.prepare_input()
        if binary and len(chunks) > 1:
            raise CompileError(f"-t {target} writes one model: do not use --split-input-file")
        texts: list[str] = []
        blob: bytes | None = None
        for i, (chunk, offset) in enumerate(chunks):
            try:
                if i > 0:
                    texts.append("// -----\n")
                module = self.available_frontends[ext](chunk, offset) if ext == "mlir" else (
                    self.available_frontends[ext](chunk)
                )
                self.pipeline.apply(self.ctx, module)
                if not self.pipeline.passes and not self.args.disable_verify:
                    verify_module(module)
                if binary:
                    blob = BINARY_TARGETS[target]()(module)
                else:
                    texts.append(self._print(module))
            except ParseError as e:
                shifted = _shift_parse_error(e, offset)  # line numbers of the whole file
                if not self.args.parsing_diagnostics:
                    raise
                texts.append(shifted + "\n")
            except (CompileError, DiagnosticException) as e:
                if not self.args.verify_diagnostics:
                    raise
                texts.append(str(e) + "\n")
            finally:
                chunk.close()
        if binary:
            assert blob is not None
            _emit(blob, self.args.output_file)
        else:
            _emit("".join(texts).encode(), self.args.output_file)


def _shift_parse_error(e: ParseError, offset: int) -> str:
    import dataclasses

    try:
        e.span = dataclasses.replace(e.span, line_offset=offset)
    except (TypeError, AttributeError):
        pass
    return str(e)


def _emit(data: bytes, path: str | None) -> None:
    if path in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(path, data)


def main(argv: list[str] | None = None) -> int:
    return fail.guard("qopt", lambda: QOptMain(
        description="quantizing compiler: parse, transform, verify and print IR", args=argv
    ).run())


def main_exit() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    main_exit()
