"""The IR printer this project uses: xDSL's, with SSA names that are always unique.

xDSL 0.74 names a value after its name hint and appends `_1`, `_2`... for repeated
hints, but does not check that the suffixed name is free: a value hinted `x` printed
after two values hinted `x` and `x_1` is printed as `x_1` a second time, and the text no
longer parses. Names from torch (FX node names such as `conv2d_1`) and from flatbuffer
tensors hit this all the time. This printer skips suffixes that are taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.ir import SSAValue
from xdsl.printer import Printer as XdslPrinter


@dataclass(eq=False, repr=False)
class Printer(XdslPrinter):
    _taken: set[str] = field(default_factory=set, init=False)

    def print_ssa_value(self, value: SSAValue) -> str:
        if value in self._ssa_values or not value.name_hint:
            name = super().print_ssa_value(value)
            self._taken.add(name)
            return name
        hint = value.name_hint
        index = self.ssa_names.get(hint, 0)
        name = f"{hint}_{index}" if index else hint
        while name in self._taken:
            index += 1
            name = f"{hint}_{index}"
        self.ssa_names[hint] = index + 1
        self._ssa_values[value] = name
        self._taken.add(name)
        self.print_string(f"%{name}")
        return name
