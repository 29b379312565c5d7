"""Source locations of imported ops: the FX node's name and the user's Python line.

Every imported op gets `loc("<fx node name>"("<user file>":<line>:0))`, i.e.
`NameLoc(node name, FileLineColLoc(file, line, 0))`, so a later diagnostic names both the
node (as `ExportedProgram.graph` prints it) and the line of the user's model. The user's
frame is the innermost frame of the node's `stack_trace` that is not inside torch,
torchao or an installed package (its path normalized, as Python spelled it otherwise): for `self.fc(x)` that is the model's `forward` line,
not `torch/nn/modules/linear.py`. Nodes without a trace (PT2E inserts some q/dq nodes
without one) get `NameLoc(name, UnknownLoc())`.
"""

from __future__ import annotations

import functools
import os
import re

from xdsl.dialects.builtin import FileLineColLoc, IntAttr, NameLoc, StringAttr, UnknownLoc
from xdsl.ir import Attribute

_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')

#: path fragments of frames that are library code, not the user's model
_LIBRARY_MARKERS = ("/site-packages/", "/dist-packages/", "/torch/", "/torchao/", "<frozen ")


def _is_user_frame(path: str) -> bool:
    p = path.replace("\\", "/")
    return not any(m in p for m in _LIBRARY_MARKERS)


def user_frame(stack_trace: str | None) -> tuple[str, int] | None:
    """`(file, line)` of the innermost user frame in an FX `stack_trace`, if any."""
    if not stack_trace:
        return None
    found = None
    for m in _FRAME.finditer(stack_trace):
        if _is_user_frame(m["file"]):
            found = (os.path.normpath(m["file"]), int(m["line"]))
    return found


def node_location(name: str, stack_trace: str | None) -> Attribute:
    """`NameLoc(name, FileLineColLoc(file, line, 0))`, or `NameLoc(name, UnknownLoc())`."""
    return name_loc(name, _frame_location(stack_trace))


def name_loc(name: str, child: Attribute) -> NameLoc:
    """`NameLoc(StringAttr(name), child)`, the same object state, checked once per class
    of `child`.

    Building an xDSL attribute verifies it; NameLoc's checks are its IRDL parameter
    constraints only (`BaseAttr(StringAttr)` on the name, `LocationConstraint`, an
    isinstance test, on the child; no `verify` of its own): a function of the classes
    of the two parameters. The name is a `StringAttr` built (and verified) here, so once
    a NameLoc with a child of some class was built and verified, any other with a child
    of that class passes the same checks, and is built as `ParametrizedAttribute.new`
    builds one, without running them again. If xDSL's NameLoc is not of that shape
    (`_NAME_LOC_CHECKS_CLASSES`), every one is built and verified."""
    desc = StringAttr(name)
    if _NAME_LOC_CHECKS_CLASSES and type(child) in _NAME_LOC_CHILDREN:
        loc = NameLoc.__new__(NameLoc)
        object.__setattr__(loc, "desc", desc)
        object.__setattr__(loc, "location", child)
        return loc
    loc = NameLoc(desc, child)
    _NAME_LOC_CHILDREN.add(type(child))
    return loc


def _name_loc_checks_classes() -> bool:
    """Whether building a NameLoc checks only its parameters' classes (see `name_loc`)."""
    from xdsl.dialects.builtin import LocationConstraint
    from xdsl.ir import Attribute as _Attribute, ParametrizedAttribute
    from xdsl.irdl.constraints import BaseAttr

    try:
        params = NameLoc.get_irdl_definition().parameters
        return (
            [name for name, _ in params] == ["desc", "location"]
            and type(params[0][1].constr) is BaseAttr and params[0][1].constr.attr is StringAttr
            and type(params[1][1].constr) is LocationConstraint
            and all(d.converter is None for _, d in params)
            and NameLoc.__init__ is ParametrizedAttribute.__init__
            and NameLoc.verify is _Attribute.verify
            and NameLoc._verify is ParametrizedAttribute._verify
            and NameLoc.__post_init__ is _Attribute.__post_init__
        )
    except Exception:
        return False


_NAME_LOC_CHECKS_CLASSES = _name_loc_checks_classes()
#: classes of children a NameLoc was built and verified with
_NAME_LOC_CHILDREN: set[type] = set()


# Memoized: the nodes of a layer (its q/dq, the op, the observers' replacements) share
# one stack trace, and a model's repeated blocks run the same lines; scanning the
# trace and building (and verifying) the location attribute per node was ~15 % of an
# import. Locations are immutable attributes, so sharing one is exact.
@functools.lru_cache(maxsize=4096)
def _frame_location(stack_trace: str | None) -> Attribute:
    frame = user_frame(stack_trace)
    if frame is None:
        return UnknownLoc()
    return FileLineColLoc(StringAttr(frame[0]), IntAttr(frame[1]), IntAttr(0))


def name_hint(name: str) -> str | None:
    """An SSA name hint from an FX/parameter name (`fc.weight` -> `fc_weight`)."""
    if name.isascii() and name.isidentifier():
        return name  # (the common case: only [A-Za-z0-9_], not starting with a digit)
    hint = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    if not hint or hint[0].isdigit():
        return None
    return hint
