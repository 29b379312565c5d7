"""Located diagnostics: every user-facing error names where it comes from.

Locations are xDSL's builtin location attributes, as MLIR spells them:
- IR parsed from text gets `loc("file.mlir":line:col)` on each op (as `mlir-opt` does)
  unless the text already spelled a `loc(...)`;
- the importer gives each op `loc("fx_node_name"("model.py":line:0))`, so a pass that
  rejects an op can point at the user's Python line.

`CompileError` is the one exception type the command-line tools turn into
`<tool>: error: <location>: <message>` with a non-zero exit.
"""

from __future__ import annotations

import re
from itertools import chain

from xdsl.dialects.builtin import (
    IntAttr,
    StringAttr,
    CallSiteLoc,
    FileLineColLoc,
    FusedLoc,
    ModuleOp,
    NameLoc,
    NoneAttr,
    UnknownLoc,
)
from xdsl.ir import Attribute, ErasedSSAValue, OpResult, Operation
from xdsl.irdl import OptAttributeDef, OptPropertyDef
from xdsl.irdl.constraints import VerificationContext
from xdsl.parser import Parser
from xdsl.traits import IsolatedFromAbove, IsTerminator, NoTerminator, OpTrait
from xdsl.utils.exceptions import DiagnosticException, VerifyException


class CompileError(Exception):
    """A user-facing error with an optional source location."""

    def __init__(self, message: str, location: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class CompileWarning(UserWarning):
    """Something the compiler changed or approximated on purpose, reported to the user
    (e.g. a weight scale raised so that a bias fits its storage)."""


def location_str(loc: Attribute | None) -> str | None:
    """`file:line:col`, with the FX node name when there is one: `model.py:12: 'conv1'`."""
    if loc is None or isinstance(loc, (UnknownLoc, NoneAttr)):  # NoneAttr: `loc("x")`'s child
        return None
    if isinstance(loc, FileLineColLoc):
        name, line, col = loc.filename.data, loc.line.data, loc.column.data
        return f"{name}:{line}:{col}" if col else f"{name}:{line}"
    if isinstance(loc, NameLoc):
        child = location_str(loc.location)
        return f"{child}: '{loc.desc.data}'" if child else f"'{loc.desc.data}'"
    if isinstance(loc, CallSiteLoc):
        return location_str(loc.callee)
    if isinstance(loc, FusedLoc):
        parts = [p for p in (location_str(x) for x in loc.locations.data) if p]
        return parts[0] if parts else None
    return str(loc)


def op_location(op: Operation) -> str | None:
    return location_str(op.location)


def error_at(op: Operation, message: str) -> CompileError:
    """A `CompileError` located at `op`, naming the op."""
    return CompileError(f"{op.name}: {message}", op_location(op))


def verify_module(module: Operation) -> None:
    """Verify every op; the first failure becomes a `CompileError` at that op.

    Every op is verified, except when its verification is known to pass already:

    - an op that passed this function before and whose verification inputs are the
      same objects since (see `_verification_inputs`): its verifiers are functions of
      those inputs only, so they would pass again. That makes verifying a module again
      after a pass cost only the ops the pass changed (the writer verifies what `lower`
      verified a moment earlier, at ~2 µs per op instead of ~25 µs);
    - an op whose *signature* (see `_signature`: its class and the very objects of its
      operand types, result types, properties and attributes) is that of an op that
      passed earlier in the same call. Its verifiers read nothing else: the IRDL
      constraints and the traits see only these attributes (and constraint variables
      bound from them), the custom `verify_` of this project's dialects read their
      operands' types, never the values or their producers, and xDSL's own
      `Operation.verify` adds, for an op that is not the last of its block and has no
      regions or successors, only the check that no operand is an erased value, which
      is done here for every op. Attributes are immutable and the memo holds the very
      objects (compared by identity, kept alive until the call returns, so an id is
      never reused for another object meanwhile), so the second op would run the same
      checks on the same values. Identity, not equality: `0.0 == -0.0` and `1 == True`,
      equal attributes need not verify alike. A graph's repeated layers share their
      (interned) types, so most of an imported module is verified once per layer shape.

    Ops whose verification can depend on other ops (with regions or successors, the
    last op of a block, ops outside this project's dialects, or with a trait whose
    check is not known to be local) are verified every time. Any op, when verified, is
    checked by `_verify_plain` if its class is plain (`_fast_plan`) and xDSL's checks
    around the op's own (`_passes_operation_checks`) pass: xDSL's own checks without its
    generic machinery (the model function's `IsolatedFromAbove`, a walk over the whole
    graph, by `_isolated_from_above`); xDSL's verifier gives the message of a failure.
    """
    passed: dict[tuple, tuple] = {}  # signature (by identity) -> its inputs, kept alive
    for op in module.walk():
        inputs = _verification_inputs(op)
        if inputs is not None:
            if op.__dict__.get(_VERIFIED) == inputs:
                continue
            for v in inputs[0]:
                # (an `OpResult` is no `ErasedSSAValue`: skip the ABC check for those)
                if type(v) is not OpResult and isinstance(v, ErasedSSAValue):
                    # xDSL's own check raises a ValueError, not a VerifyException
                    raise error_at(op, "uses a value whose producer was erased")
            key = _signature(op, inputs)
            if key in passed:
                op.__dict__[_VERIFIED] = inputs
                continue
        plan = _fast_plan(type(op))
        # (an op with inputs is not the last of its block and was checked for erased
        # operands above: xDSL's checks around its own pass)
        if (plan is not None and (inputs is not None or _passes_operation_checks(op))
                and _verify_plain(op, plan)):
            if inputs is not None:
                op.__dict__[_VERIFIED] = inputs
                passed[key] = inputs
            continue
        try:
            op.verify(verify_nested_ops=False)
        except (VerifyException, DiagnosticException) as e:
            msg = str(e.args[0]) if e.args else str(e)
            msg = msg.removeprefix("Operation does not verify: ")
            if not msg.startswith(op.name):
                msg = f"{op.name}: {msg}"
            raise CompileError(msg, op_location(op)) from None
        if inputs is not None:
            op.__dict__[_VERIFIED] = inputs
            passed[key] = inputs


def _signature(op: Operation, inputs: tuple) -> tuple:
    """A key of the op's class and the identities of the objects its verification reads
    (`_verification_inputs` after the operand tuple: types, property and attribute
    names and values, and the section separators)."""
    return (type(op), *map(id, inputs[1:]))


#: op class -> what `_verify_plain` needs to verify it, or None (see `_fast_plan`)
_FAST_PLANS: dict[type[Operation], tuple[object, tuple | None]] = {}


def _fast_plan(cls: type[Operation]) -> tuple | None:
    """(op definition, operand constraints, result constraints, the class's own
    `verify_` or None, xDSL's region verifier or None, the traits whose `verify` checks
    something) for an IRDL op class whose
    definition has no variadic or optional operand, result or region, no successor
    and no segment-size option, and whose `verify_` is the one IRDL generates
    (`op_def.verify(op)` then the class's own `verify_`, read from that function's
    closure); None for any other class, or if xDSL's generated verifier does not have
    the expected shape."""
    known = _FAST_PLANS.get(cls)
    if known is not None and known[0] is cls.verify_:  # (a replaced `verify_` is read anew)
        return known[1]
    plan = None
    try:
        from xdsl.irdl import IRDLOperation
        from xdsl.irdl.operations import (
            AttrSizedSegments,
            OptionalDef,
            SameVariadicSize,
            VariadicDef,
            irdl_op_verify_regions,
        )

        op_def = cls.get_irdl_definition() if issubclass(cls, IRDLOperation) else None
        fn = cls.verify_
        cells = dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__ or ())))
        if (op_def is not None
                and fn.__qualname__ == "get_accessors_from_op_def.<locals>.verify_"
                and set(cells) in ({"op_def"}, {"op_def", "custom_verify"})
                and cells["op_def"] is op_def
                and not op_def.successors
                and not any(isinstance(o, (AttrSizedSegments, SameVariadicSize))
                            for o in op_def.options)
                and not any(isinstance(d, (VariadicDef, OptionalDef))
                            for _, d in (*op_def.operands, *op_def.results, *op_def.regions))):
            plan = (op_def, tuple(d.constr for _, d in op_def.operands),
                    tuple(d.constr for _, d in op_def.results), cells.get("custom_verify"),
                    irdl_op_verify_regions if op_def.regions else None,
                    # (in order; `OpTrait.verify` checks nothing: those are left out)
                    tuple(t for t in op_def.traits if type(t).verify is not OpTrait.verify))
    except Exception:  # another xDSL: verify such ops the generic way
        plan = None
    _FAST_PLANS[cls] = (cls.verify_, plan)
    return plan


def _verify_defined(defs: dict, values: dict, optional: type,
                    context: VerificationContext) -> bool:
    """Each defined property (or attribute) against its constraint; False when a
    required one is missing (a failing constraint raises)."""
    for name, attr_def in defs.items():
        if name not in values:
            if isinstance(attr_def, optional):
                continue
            return False
        attr_def.constr.verify(values[name], context)
    return True


def _verify_plain(op: Operation, plan: tuple) -> bool:
    """Whether `op` passes the checks of `op.verify(verify_nested_ops=False)`, for an op
    that passes xDSL's checks around its own (`_passes_operation_checks`) of a class
    with a `_fast_plan`; False when a check fails (or for an op not of its definition's
    shape), and the caller then runs xDSL's verifier for its error message.

    These are xDSL 0.74's checks for such an op, in its order, without the generic
    machinery around them: `Operation.verify` checks the operands, successors and the
    block's terminator (`_passes_operation_checks`; no successors here) then calls the
    generated `verify_`, which runs `OpDef.verify` and the class's own `verify_`. For a
    definition without variadic, optional or successor definitions, `OpDef.verify`
    checks that the op has as many operands and results as defined and no successor,
    each operand's and result's type against its definition's constraint (one
    verification context, operands then results), its regions (xDSL's own
    `irdl_op_verify_regions`), the properties and attributes against theirs, then the
    traits: what this function does, `IsolatedFromAbove` by `_isolated_from_above`."""
    op_def, operand_constraints, result_constraints, custom_verify, verify_regions, traits = plan
    operands = op._operands
    results = op.results
    if (len(operands) != len(operand_constraints) or len(results) != len(result_constraints)
            or op.successors or (op.regions and verify_regions is None)):
        return False
    try:
        context = VerificationContext()
        for constraint, value in zip(operand_constraints, operands):
            constraint.verify((value.type,), context)
        for constraint, value in zip(result_constraints, results):
            constraint.verify((value.type,), context)
        if verify_regions is not None:
            verify_regions(op, op_def, context)
        properties = op.properties
        if not _verify_defined(op_def.properties, properties, OptPropertyDef, context):
            return False
        if any(name not in op_def.properties for name in properties):
            return False
        if not _verify_defined(op_def.attributes, op.attributes, OptAttributeDef, context):
            return False
        for trait in traits:
            if type(trait) is IsolatedFromAbove:
                if not _isolated_from_above(op):
                    return False
            else:
                trait.verify(op)
        if custom_verify is not None:
            custom_verify(op)
    except (VerifyException, DiagnosticException):
        return False
    return True


_flatten = chain.from_iterable

def _passes_operation_checks(op: Operation) -> bool:
    """Whether `op` passes xDSL 0.74's `Operation.verify` checks before the op's own
    `verify_`, for an op without successors: no operand is an erased value, and the
    last op of a block is a terminator unless its region has one block and belongs to
    no op or to a `NoTerminator` op. (False also for a block-less region, which xDSL
    does not check: the caller then runs xDSL's verifier.)"""
    if any(isinstance(v, ErasedSSAValue) for v in op._operands):
        return False
    block = op.parent
    if block is None or op._next_op is not None or block.parent is None:
        return True
    region = block.parent
    if len(region.blocks) == 1 and (region.parent is None
                                    or region.parent.has_trait(NoTerminator)):
        return True
    return op.has_trait(IsTerminator)


def _isolated_from_above(op: Operation) -> bool:
    """Whether xDSL's `IsolatedFromAbove.verify(op)` passes: every operand of every op
    nested in `op` (not below a nested isolated op) is defined inside `op`, by an op
    other than `op`. The same walk, with a shortcut: a value whose defining op or
    block argument lies in a block already walked is inside `op` (that block is), and
    it is not `op`'s own result; any other value is checked as xDSL does."""
    inside: set[int] = set()  # ids of the blocks walked (alive: they are in op)
    regions = list(op.regions)
    while regions:
        region = regions.pop()
        for block in region.blocks:
            inside.add(id(block))
            child = block.first_op
            while child is not None:
                for operand in child._operands:
                    owner = operand.owner  # an op (its block is .parent) or a block
                    if (id(owner.parent) not in inside and id(owner) not in inside
                            and (owner is op or not op.is_ancestor(owner))):
                        return False
                if child.regions and not child.has_trait(IsolatedFromAbove):
                    regions += child.regions
                child = child._next_op
    return True


#: the instance attribute holding what an op's last successful verification saw
_VERIFIED = "_verified_inputs"
#: op class -> whether its verification is a function of `_verification_inputs` alone
_LOCAL_VERIFIER: dict[type[Operation], bool] = {}


def _is_locally_verified(cls: type[Operation]) -> bool:
    """The op's verifiers read only its own operands (and their types), result types,
    properties and attributes: the IRDL constraints, the custom `verify_` of this
    project's dialects (reviewed: none looks at another op, a use or a parent), and
    traits whose `verify` is a no-op or `VerifyQuantizedTensors`'s."""
    known = _LOCAL_VERIFIER.get(cls)
    if known is None:
        from compiler.ir.verify_tensors import VerifyQuantizedTensors

        local_traits = (OpTrait.verify, VerifyQuantizedTensors.verify)
        known = cls.__module__.startswith("compiler.dialects.") and all(
            type(t).verify in local_traits for t in cls.traits
        )
        _LOCAL_VERIFIER[cls] = known
    return known


def _verification_inputs(op: Operation) -> tuple | None:
    """Everything a locally verified op's verification reads, as one flat tuple
    compared element by element, by identity first (attributes are immutable; the
    operands are the SSA values themselves, compared as objects, so a replaced operand
    counts as a change even with the same type): the operand tuple, the operand types,
    `None`, the result types, `None`, the property names and values, `None`, the
    attribute names and values. (A type or an attribute is never `None`: the sections
    cannot run into each other.) None when the op must always be verified."""
    if (op.regions or op._successors or op._next_op is None
            or not (_LOCAL_VERIFIER.get(type(op)) or _is_locally_verified(type(op)))):
        return None
    # the values, not `op.operands`: that is a view of the op (xDSL's `OpOperands`),
    # equal to itself whatever the op's operands have become
    operands = op._operands  # an immutable tuple, replaced whenever an operand is set
    return (
        operands,
        *[v.type for v in operands], None,
        *[r.type for r in op.results], None,
        *_flatten(op.properties.items()), None,
        *_flatten(op.attributes.items()),
    )


#: xDSL 0.74's string-literal pattern nests quantifiers (`(?:[^"...]+|...)*"`), which
#: backtracks exponentially on an unterminated string: a one-character typo hangs the
#: parser. Same language, one character per repetition: linear.
_STRING_LITERAL = re.compile(r'"(?:[^"\\\n\v\f]|\\(?:["nt\\]|[0-9A-Fa-f]{2}))*"')


_MAX_INTEGER_WIDTH = 2**24 - 1  # MLIR's IntegerType::kMaxWidth


class LocatingParser(Parser):
    """The MLIR parser that also records each op's `file:line:col` (like mlir-opt).

    Malformed input is always a `ParseError` at a location: it also turns the value
    errors xDSL raises from inside its attribute parsers (an integer out of its type's
    range, a shape too large for an index, an integer width with no storage format)
    into parse errors at the op."""

    def __init__(self, ctx, text: str, name: str = "<stdin>", line_offset: int = 0):
        super().__init__(ctx, text, name)
        self.lexer._unescaped_characters_regex = _STRING_LITERAL
        self._filename = name
        # Ops are entered in increasing source order: count newlines incrementally.
        self._cursor = 0
        self._line = 1 + line_offset

    def _parse_optional_integer_or_float_type(self):
        # MLIR caps integer widths at 2**24 - 1; xDSL does not, and range-checks a
        # constant of `i2147483648` by building 2**2147483648 (minutes, gigabytes).
        token = self._current_token
        match = self._builtin_integer_type_regex.match(token.text)
        if match is not None and int(match.group(1)) > _MAX_INTEGER_WIDTH:
            self.raise_error(f"integer width {match.group(1)} exceeds the limit of "
                             f"{_MAX_INTEGER_WIDTH} bits", token.span)
        return super()._parse_optional_integer_or_float_type()

    def _line_col(self, pos: int) -> tuple[int, int]:
        content = self.lexer.input.content
        newline = self.lexer.input.newline
        if pos >= self._cursor:
            self._line += content.count(newline, self._cursor, pos)
            self._cursor = pos
        start = content.rfind(newline, 0, pos) + 1
        return self._line, pos - start + 1

    def parse_operation(self) -> Operation:
        start = self.pos
        line, col = self._line_col(start)
        try:
            op = super().parse_operation()
        except VerifyException as e:
            # The declarative syntax checks constraints while parsing and raises a
            # VerifyException without a location: report it at the op, as a parse error.
            self.raise_error(str(e), start)
        except (ValueError, OverflowError, NotImplementedError) as e:
            # (ParseError is none of these) e.g. dense<300> : tensor<i8>, a dimension too
            # large for an index, dense<1> : tensor<i322> (no storage format)
            self.raise_error(f"invalid value: {e}", start)
        if isinstance(op.location, UnknownLoc) and not isinstance(op, ModuleOp):
            op.location = FileLineColLoc(StringAttr(self._filename), IntAttr(line), IntAttr(col))
        return op
