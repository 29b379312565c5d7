"""Shared by the frontend lit tests: import a zoo model and print the module.

Large constant payloads are elided (`dense<"__elided__">`) so that the CHECK lines pin
types and structure, not weights.
"""

import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "python"))
torch.set_num_threads(1)

import zoo  # noqa: E402
from compiler.frontend import import_program  # noqa: E402
from compiler.tools.common import ElidingPrinter  # noqa: E402


def print_module(module, debuginfo: bool = False, elide: int = 0) -> None:
    ElidingPrinter(elide_larger_than=elide, print_debuginfo=debuginfo).print_op(module)
    print()


def print_zoo(name: str, scheme: str | None, debuginfo: bool = False, elide: int = 0) -> None:
    """`scheme=None` imports the float program."""
    print(f"// {name}: {scheme or 'float'}")
    ep = zoo.float_program(name) if scheme is None else zoo.quantized_program(name, scheme)
    print_module(import_program(ep), debuginfo, elide)
