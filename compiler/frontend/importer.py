"""`import_program`: a torch.export program as a `builtin.module` of quant/aten/circle ops.

The result holds one `func.func @forward`:

- its arguments are the program's tensor user inputs, in order, with static shapes
  (`f32`, `i64`, `i1`...), each located `NameLoc(<input name>)`; its results are the
  user outputs. Python scalars and None among the inputs, which torch.export specialises
  (their values are constants of the graph, the placeholder is unused), are not
  arguments; outputs that are always None are not results;
- parameters, buffers and lifted constants (the graph signature decides) are constants,
  materialized before their first use; unused ones are dropped;
- `quantized_decomposed.quantize_per_{tensor,channel}` becomes `quant.qcast` to a
  `!quant.uniform` tensor (per-axis for per-channel; storage bounds from quant_min/max;
  scales exactly the graph's float32 values), `dequantize_*` becomes `quant.dcast`;
- `dequantize_*(integer constant)` (PT2E's folded weights and biases) becomes
  `quant.constant` holding the stored integers + `quant.dcast`; `quantize_*(float
  constant)` (fold_quantize=False) is quantized here, with the type's `quantize` (torch's
  arithmetic), into the same `quant.constant` form;
- data-independent tensors (arange/full/ones/zeros(_like) and ops computed only from
  them) are evaluated here and are constants like the others
  (`compiler.frontend.fold_factories`);
- other constants become `circle.const` (float or integer payload); a Python scalar
  where ATen expects a tensor becomes a rank-0 `circle.const`;
- every other ATen node becomes its `aten.*` op (`compiler.dialects.aten.BY_TARGET`), or
  `aten.call` naming the operator when the dialect has no op for it: no node is dropped.
  Multi-use q/dq stay as PT2E produced them (one `quant.dcast` per consumer);
- `aten._assert_tensor_metadata` (torch.export puts one before every `.to()`) is checked
  here, against the static type of its operand (dtype and sizes; device, layout and
  strides do not exist in the IR): a proven assertion leaves no op, a false one is an
  error (the program would fail at run time);
- an in-place op of the training IR (`relu_`, `hardtanh_` from `inplace=True` modules,
  `add_`, `dropout_`) or a `_copy` variant (`slice_copy`, `lift_fresh_copy`) becomes its
  functional op (`compiler.frontend.variants`; `decompose_for_circle` has already
  functionalized the programs `compiler.quantize` makes): torch.export routes every
  later use of a mutated (non-view) tensor through the in-place node's result. An
  in-place op on a placeholder (a user input, parameter or buffer) is refused: that side
  effect outlives the call and a compiled model cannot have it.

Every op is located `NameLoc(<fx node name>, FileLineColLoc(<user file>, <line>, 0))`
(see `compiler.frontend.locations`). The module is verified before it is returned.
Everything the importer cannot represent faithfully is a located `CompileError`: a
dynamic dimension (naming the input), a non-tensor input or output, a program that
mutates its buffers or inputs, a real quantized torch tensor (`torch.qint8`...).
"""

from __future__ import annotations

import operator
import os
import struct
import warnings
from typing import Any

import numpy as np
import torch
from torch.export import ExportedProgram
from torch.export.graph_signature import InputKind, OutputKind
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    ModuleOp,
    NameLoc,
    StringAttr,
    TensorType,
    UnknownLoc,
)
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

from compiler.dialects import aten
from compiler.dialects.circle_base import ConstOp
from compiler.dialects.quant import ConstantOp as QuantConstantOp
from compiler.dialects.quant import StorageCastOp
from compiler.frontend import fold_factories
from compiler.frontend.aten_args import bind_arguments, property_attribute, render_arguments
from compiler.frontend.graph_module import attribute, export_view
from compiler.frontend.import_quant import QuantImport
from compiler.frontend.locations import name_hint, name_loc, node_location
from compiler.frontend.variants import functional_overload, is_view
from compiler.frontend.tensor_types import (
    dense,
    dense_bytes,
    element_type,
    refuse_quantized_dtype,
    static_shape,
    tensor_type,
    to_numpy,
)
from compiler.ir.collector import gc_paused
from compiler.ir.construct import build_op
from compiler.ir.diagnostics import CompileError, CompileWarning, location_str, verify_module
from compiler.ir.interned import int_attr
from compiler.ir.quant_types import QuantizedType, is_quantized


def _load_decomposed_ops() -> None:
    """Register torch's `quantized_decomposed` ops (needed to load or run PT2E programs)."""
    import torch.ao.quantization.fx._decomposed  # noqa: F401


_load_decomposed_ops()
_qd = torch.ops.quantized_decomposed

from compiler.frontend.dynamic import (  # noqa: E402
    DYNAMIC_TARGETS,
    import_dynamic_node,
    mark_dynamic_consumer,
)

_QUANTIZE = {
    _qd.quantize_per_tensor.default: False,
    _qd.quantize_per_tensor.tensor: False,
    _qd.quantize_per_tensor.tensor2: False,
    _qd.quantize_per_channel.default: True,
}
_ASSERT_TENSOR_METADATA = torch.ops.aten._assert_tensor_metadata.default
#: user inputs torch.export specialises: a Python scalar or None, a constant of the graph
_SPECIALIZED = (int, float, bool, str, type(None))

_DEQUANTIZE = {
    _qd.dequantize_per_tensor.default: False,
    _qd.dequantize_per_tensor.tensor: False,
    _qd.dequantize_per_tensor.tensor2: False,
    _qd.dequantize_per_channel.default: True,
}


def load_program(path: str | os.PathLike) -> ExportedProgram:
    """`torch.export.load` with the quantized_decomposed ops registered first."""
    if not os.path.isfile(path):
        raise CompileError(f"cannot read '{os.fspath(path)}': no such file")
    # torch.export.load logs its reasons (with tracebacks) and raises a generic error:
    # name the two common ones here, in one sentence.
    import zipfile

    if not zipfile.is_zipfile(path):
        raise CompileError(f"cannot load '{os.fspath(path)}' as a torch.export program: not "
                           "a .pt2 archive (not a zip file); write one with torch.export.save")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    if not any(n.split("/")[1:2] == ["models"] and n.endswith(".json")
               or "serialized_exported_program" in n for n in names):  # (the older format)
        raise CompileError(f"cannot load '{os.fspath(path)}' as a torch.export program: the "
                           "archive holds no exported program (no <name>/models/*.json); "
                           "write one with torch.export.save")
    try:
        return torch.export.load(path)
    except Exception as e:  # a truncated or foreign file: say which and why
        raise CompileError(
            f"cannot load '{os.fspath(path)}' as a torch.export program: {type(e).__name__}: {e}"
        ) from None


def import_program(program: ExportedProgram | str | os.PathLike) -> ModuleOp:
    """Import an ExportedProgram (or a `.pt2` file) as a verified `builtin.module`."""
    if isinstance(program, (str, os.PathLike)):
        program = load_program(program)
    if not isinstance(program, ExportedProgram):
        hint = ""
        if isinstance(program, torch.fx.GraphModule):
            hint = (": convert_pt2e returns a GraphModule; re-export it with "
                    "torch.export.export(converted, example_inputs)")
        elif isinstance(program, torch.nn.Module):
            hint = ": export it first with torch.export.export(model, example_inputs)"
        raise CompileError(
            f"expected a torch.export.ExportedProgram or a .pt2 path, got "
            f"{type(program).__name__}{hint}"
        )
    with gc_paused():
        module = _Importer(program).run()
        verify_module(module)
    _warn_if_unquantized(module)
    return module


def _warn_if_unquantized(module: ModuleOp) -> None:
    if not any(op.name.startswith("quant.") for op in module.walk()):
        # Legitimate (it lowers to a float model), but rarely what a caller of a
        # quantizing compiler meant: say so rather than produce a float file silently.
        warnings.warn(CompileWarning(
            "the program is unquantized (no quantize/dequantize ops): it lowers to a float "
            "model; quantize it first (compiler.quantize, or torchao's prepare_pt2e/"
            "convert_pt2e with CircleQuantizer, then torch.export.export)"), stacklevel=3)


def import_graph_module(gm: torch.fx.GraphModule) -> ModuleOp:
    """Import `convert_pt2e`'s GraphModule as `import_program` imports its re-export.

    The result is the module `import_program(torch.export.export(gm, example_inputs))`
    gives, op for op and name for name, without the re-export (which traces the whole
    model again): placeholders are the user inputs, `get_attr` nodes the constants
    (`compiler.frontend.graph_module` gives the nodes the names and types torch.export
    would). `gm` is left as it was.
    """
    with export_view(gm), gc_paused():
        module = _Importer(None, gm).run()
        verify_module(module)
    _warn_if_unquantized(module)
    return module


class _Importer(QuantImport):
    def __init__(self, program: ExportedProgram | None, graph_module: torch.fx.GraphModule | None = None):
        #: None when importing a GraphModule directly (no signature: placeholders are
        #: user inputs, constants are get_attr nodes)
        self.program = program
        self.graph_module = program.graph_module if program is not None else graph_module
        # every ATen op a legalization names gets its `aten` op (not `aten.call`)
        from compiler.transforms.legalize import load_all

        load_all()
        self.graph = self.graph_module.graph
        self.block = Block()
        #: FX node -> its value (a list for multi-result ops)
        self.values: dict[torch.fx.Node, SSAValue | list[SSAValue]] = {}
        #: placeholder of a parameter/buffer/constant -> (qualified name, tensor)
        self.constants: dict[torch.fx.Node, tuple[str, torch.Tensor]] = {}
        #: quantized value -> its storage-integer view (for non-q/dq consumers)
        self.storage_views: dict[SSAValue, SSAValue] = {}
        #: integer constant -> (a quantized type, its quant.constant) for each distinct
        #: type it is dequantized as (a weight shared by several ops has one dequantize
        #: per use, but one payload)
        self.quant_constants: dict[torch.fx.Node, list[tuple[QuantizedType, SSAValue]]] = {}
        self.none_value: SSAValue | None = None
        #: data-independent nodes evaluated at import time -> their values
        self.folded: dict[torch.fx.Node, torch.Tensor] = {}
        # Types built once per distinct value and shared (attributes are immutable, so
        # sharing one is exact; building one verifies it, ~10 µs each): a q/dq pair
        # and its neighbours have the same quantized type, and a layer's tensors the
        # same shapes.
        #: (id(element type), shape) -> (the element type, kept alive, its tensor type)
        self.tensor_types: dict[tuple[int, tuple[int, ...]], tuple[Attribute, TensorType]] = {}
        #: a q/dq node's parameter arguments -> its quantized type (see `_quantized_type`)
        self.quantized_types: dict[tuple, QuantizedType] = {}
        #: (ATen type, declared length, `_exact_key` of a value) -> its property attribute
        self.properties: dict[tuple, Attribute] = {}
        #: call target -> what `_target_facts` answers for it
        self.target_facts: dict[Any, tuple[bool, bool, bool, tuple[str, Any]]] = {}

    # -- driver ---------------------------------------------------------------------------
    def run(self) -> ModuleOp:
        self._signature()
        for node in self.graph.nodes:
            if node.op == "placeholder" or node.op == "output":
                continue
            if node.op == "get_attr":
                self._get_attr(node)
            elif node.op == "call_function":
                self._call(node)
            elif node.op == "call_module" and node.target == "_guards_fn" and self.program is None:
                # ExportedProgram.module()'s check of the input shapes (static here); the
                # re-export drops it too
                continue
            else:
                raise CompileError(
                    f"unsupported FX node '{node.name}' ({node.op} {node.target}) in the "
                    "exported graph",
                    location_str(node_location(node.name, node.meta.get("stack_trace"))),
                )
        results = self._outputs()
        ret = ReturnOp(*results)
        self.block.add_op(ret)
        func = FuncOp(
            "forward",
            ([a.type for a in self.block.args], [r.type for r in results]),
            Region(self.block),
        )
        return ModuleOp([func])

    def _signature(self) -> None:
        sig = self.program.graph_signature if self.program is not None else None
        specs = {s.arg.name: s for s in sig.input_specs if hasattr(s.arg, "name")} if sig else {}
        for node in self.graph.nodes:
            if node.op != "placeholder":
                continue
            spec = specs.get(node.name)
            if spec is None or spec.kind == InputKind.USER_INPUT:
                self._user_input(node)
            elif spec.kind in (InputKind.PARAMETER, InputKind.BUFFER, InputKind.CONSTANT_TENSOR):
                self.constants[node] = (spec.target, self._constant_tensor(spec))
                if spec.kind != InputKind.PARAMETER and self.constants[node][1].numel() == 1:
                    # a literal (`mask[a:b] = 3` lifts torch.tensor(3), a buffer once
                    # converted): data-independent
                    self.folded[node] = self.constants[node][1]
            else:
                raise CompileError(
                    f"input '{node.name}' is a {spec.kind.name.lower()}, which this compiler "
                    "does not support"
                )

    def _constant_tensor(self, spec) -> torch.Tensor:
        target = spec.target
        if target in self.program.state_dict:
            value = self.program.state_dict[target]
        elif target in self.program.constants:
            value = self.program.constants[target]
        else:
            raise CompileError(f"constant '{target}' of the program has no value")
        if not isinstance(value, torch.Tensor):
            raise CompileError(f"constant '{target}' is not a tensor ({type(value).__name__})")
        refuse_quantized_dtype(value.dtype, f"constant '{target}'")
        return value

    def _user_input(self, node: torch.fx.Node) -> None:
        val = node.meta.get("val")
        if isinstance(val, _SPECIALIZED) and not node.users:
            return  # torch.export baked this Python scalar (or None) into the graph
        if not isinstance(val, torch.Tensor):
            raise CompileError(
                f"input '{node.name}' is not a tensor ({type(val).__name__}); only tensor "
                "inputs (and Python scalars that torch.export specialises) are supported"
            )
        ty = self._value_tensor_type(val, f"input '{node.name}'")
        arg = self.block.insert_arg(ty, len(self.block.args))
        arg.location = NameLoc(StringAttr(node.name), UnknownLoc())
        arg.name_hint = name_hint(node.name)
        self.values[node] = arg

    def _outputs(self) -> list[SSAValue]:
        output_node = next(n for n in self.graph.nodes if n.op == "output")
        flat = list(output_node.args[0])
        specs = self.program.graph_signature.output_specs if self.program is not None else [
            None] * len(flat)
        results: list[SSAValue] = []
        for i, (spec, value) in enumerate(zip(specs, flat)):
            user = spec is None or spec.kind == OutputKind.USER_OUTPUT
            if value is None and user:
                continue  # an output that is always None: no tensor to return
            if not user:
                what = getattr(spec, "target", None) or getattr(spec.arg, "name", "?")
                raise CompileError(
                    f"the program has a {spec.kind.name.lower()} output ('{what}'): it "
                    "mutates its state, which an inference model cannot; export the model "
                    "in eval mode (model.eval())"
                )
            if not isinstance(value, torch.fx.Node) or not isinstance(
                value.meta.get("val"), torch.Tensor
            ):
                shown = value.meta.get("val") if isinstance(value, torch.fx.Node) else value
                raise CompileError(
                    f"output #{i} is not a tensor ({type(shown).__name__}: {shown!r}); only "
                    "tensor outputs are supported"
                )
            results.append(self._operand(value))
        return results

    # -- values ---------------------------------------------------------------------------
    def _tensor_type(self, element: Attribute, shape) -> TensorType:
        """`TensorType(element, shape)`, one object per distinct (element, shape)."""
        key = (id(element), tuple(shape))
        known = self.tensor_types.get(key)
        if known is None:
            # (shared IntAttr dimensions: TensorType would build and verify one per dim)
            known = self.tensor_types[key] = (
                element, TensorType(element, [int_attr(d) for d in key[1]]))
        return known[1]

    def _quant_constant(self, stored: np.ndarray, qtype: QuantizedType) -> Operation:
        """`tensor_types.quant_constant(stored, qtype)` with this import's shared types."""
        stored = np.asarray(stored).astype(qtype.numpy_storage_dtype, copy=False)
        shape = stored.shape
        payload = DenseIntOrFPElementsAttr(self._tensor_type(qtype.storage_type, shape),
                                           BytesAttr(dense_bytes(stored)))
        return QuantConstantOp(payload, self._tensor_type(qtype, shape))

    def _value_tensor_type(self, value: object, what: str) -> TensorType:
        """`tensor_types.tensor_type(value, what)`, shared (same checks, same type)."""
        if not isinstance(value, torch.Tensor):
            return tensor_type(value, what)  # raises the located error
        return self._tensor_type(element_type(value.dtype, what), static_shape(value.shape, what))

    def _add(self, op: Operation, node: torch.fx.Node | None = None, name: str | None = None) -> Operation:
        if node is not None:
            op.location = node_location(node.name, node.meta.get("stack_trace"))
        elif name is not None:
            op.location = name_loc(name, _UNKNOWN_LOC)
        self.block.add_op(op)
        return op

    def _value(self, node: torch.fx.Node) -> SSAValue | list[SSAValue]:
        if node in self.values:
            return self.values[node]
        if node in self.constants:
            name, tensor = self.constants[node]
            what = f"constant '{name}'"
            arr = to_numpy(tensor, what)
            ty = element_type(tensor.dtype, what)
            op = self._add(ConstOp(dense(arr, ty)), name=name)
            op.results[0].name_hint = name_hint(name)
            self.values[node] = op.results[0]
            return op.results[0]
        raise CompileError(f"'{node.name}' is used before it is defined")

    def _operand(self, arg: Any) -> SSAValue:
        """The value of a tensor argument as an ATen op or a result sees it.

        A quantized value (a `quantize_*` result consumed by something else than a
        dequantize) is what torch holds in that tensor: its stored integers.
        """
        if not isinstance(arg, torch.fx.Node):
            raise CompileError(f"expected a tensor, got {arg!r}")
        value = self._value(arg)
        if isinstance(value, list):
            raise CompileError(f"'{arg.name}' has several results; expected one tensor")
        if is_quantized(value.type):
            if value not in self.storage_views:
                qtype = value.type
                assert isinstance(qtype, TensorType)
                storage = self._tensor_type(qtype.element_type.storage_type, qtype.get_shape())
                op = self._add(StorageCastOp.create(operands=[value], result_types=[storage]), arg)
                self.storage_views[value] = op.results[0]
            return self.storage_views[value]
        return value

    def _none(self) -> SSAValue:
        if self.none_value is None:
            self.none_value = self._add(aten.NoneOp(), name="none").results[0]
        return self.none_value

    def _scalar_constant(self, value: Any, dtype: torch.dtype, node: torch.fx.Node) -> SSAValue:
        """A Python scalar where ATen expects a tensor: a rank-0 constant of `dtype`."""
        what = f"scalar argument of '{node.name}'"
        arr = np.array(value, dtype=torch.empty((), dtype=dtype).numpy().dtype)
        op = self._add(ConstOp(dense(arr, element_type(dtype, what))), node)
        return op.results[0]

    # -- nodes ----------------------------------------------------------------------------
    def _get_attr(self, node: torch.fx.Node) -> None:
        value = attribute(self.graph_module, str(node.target))
        if not isinstance(value, torch.Tensor):
            raise CompileError(f"attribute '{node.target}' is not a tensor")
        self.constants[node] = (str(node.target), value)

    def _call(self, node: torch.fx.Node) -> None:
        target = node.target
        if target is operator.getitem:
            source, index = node.args
            values = self._value(source)
            if not isinstance(values, list):
                raise CompileError(f"'{node.name}' indexes '{source.name}', which has one result")
            self.values[node] = values[index]
            return
        mutable, factory, dynamic, handler = self._target_facts(target)
        if mutable:
            self._refuse_placeholder_mutation(node)
        # (`_fold_data_independent` answers False for a non-factory while nothing is
        # folded, and `import_dynamic_node` for a target outside its pattern)
        if (factory or self.folded) and self._fold_data_independent(node):
            return
        if dynamic and import_dynamic_node(self, node):  # (compiler.frontend.dynamic)
            return
        kind, arg = handler
        if kind == "assert":
            self._discharge_tensor_metadata(node)
        elif kind == "quantize":
            self._quantize(node, arg)
        elif kind == "dequantize":
            self._dequantize(node, arg)
        elif kind == "aten":
            self._aten(node, *arg)
        else:
            self._generic(node)
        mark_dynamic_consumer(self, node)

    def _target_facts(self, target: Any) -> tuple[bool, bool, bool, tuple[str, Any]]:
        """What `_call` asks about a call target, looked up once per target of this import
        (schemas, the dialect's table and the fold/dynamic target sets do not change
        while it runs; `load_all` ran before): (its schema is mutable, it is a factory
        `fold_factories` folds, it belongs to the dynamic-quantization pattern, its
        handler: ("assert"|"quantize"|"dequantize", per-channel?) or ("aten", (op class,
        functional twin or None)) or ("generic", None))."""
        try:
            return self.target_facts[target]
        except KeyError:
            pass
        except TypeError:  # an unhashable target: look it up every time
            return self._find_target_facts(target)
        facts = self.target_facts[target] = self._find_target_facts(target)
        return facts

    @staticmethod
    def _find_target_facts(target: Any) -> tuple[bool, bool, bool, tuple[str, Any]]:
        schema = getattr(target, "_schema", None)
        mutable = schema is not None and schema.is_mutable
        factory = target in fold_factories.FACTORIES
        dynamic = target in DYNAMIC_TARGETS
        if target is _ASSERT_TENSOR_METADATA:
            handler: tuple[str, Any] = ("assert", None)
        elif target in _QUANTIZE:
            handler = ("quantize", _QUANTIZE[target])
        elif target in _DEQUANTIZE:
            handler = ("dequantize", _DEQUANTIZE[target])
        elif str(target) in aten.BY_TARGET:
            handler = ("aten", (aten.BY_TARGET[str(target)], None))
        elif str(twin := functional_overload(target)) in aten.BY_TARGET:
            handler = ("aten", (aten.BY_TARGET[str(twin)], twin))
        else:
            handler = ("generic", None)
        return mutable, factory, dynamic, handler

    def _fold_data_independent(self, node: torch.fx.Node) -> bool:
        """arange/full/ones/zeros(_like) and ops on them only: a constant (see
        `compiler.frontend.fold_factories`)."""
        if not self.folded and node.target not in fold_factories.FACTORIES:
            return False  # (what `fold` answers: nothing folded, not a factory)
        value = fold_factories.fold(node, self.folded)
        if value is None:
            return False
        refuse_quantized_dtype(value.dtype, f"'{node.name}'")
        self.folded[node] = value
        self.constants[node] = (node.name, value)
        return True

    def _discharge_tensor_metadata(self, node: torch.fx.Node) -> None:
        """Prove `_assert_tensor_metadata(a, size, stride, dtype)` from `a`'s static type."""
        bound = {k: v for k, (_, v) in bind_arguments(node).items()}
        tensor = bound["a"]
        val = tensor.meta.get("val") if isinstance(tensor, torch.fx.Node) else None
        problems = []
        if isinstance(val, torch.Tensor):
            if bound.get("dtype") is not None and bound["dtype"] != val.dtype:
                problems.append(f"dtype {bound['dtype']}, but it is {val.dtype}")
            if bound.get("size") is not None and list(bound["size"]) != list(val.shape):
                problems.append(f"size {list(bound['size'])}, but it is {list(val.shape)}")
        else:
            problems.append("a tensor, but it is not one")
        if problems:
            raise CompileError(
                f"'{node.name}' asserts that '{getattr(tensor, 'name', tensor)}' has "
                + "; ".join(problems)
                + ": the program would fail at run time",
                location_str(node_location(node.name, node.meta.get("stack_trace"))),
            )

    def _refuse_placeholder_mutation(self, node: torch.fx.Node) -> None:
        schema = getattr(node.target, "_schema", None)
        if schema is None or not schema.is_mutable:
            return
        bound = bind_arguments(node)
        for arg in schema.arguments:
            if arg.alias_info is None or not arg.alias_info.is_write:
                continue
            value = bound[arg.name][1]
            if isinstance(value, torch.fx.Node) and value.op == "placeholder":
                what = (f"buffer '{self.constants[value][0]}'" if value in self.constants
                        else f"input '{value.name}'")
                raise CompileError(
                    f"'{node.name}' ({node.target}) modifies {what} in place; a compiled model "
                    "cannot keep that side effect (for batch-norm statistics: export the "
                    "model in eval mode, model.eval())",
                    location_str(node_location(node.name, node.meta.get("stack_trace"))),
                )
            if isinstance(value, torch.fx.Node) and is_view(value):
                # the mutation shows through the view's base, which later uses read
                raise CompileError(
                    f"'{node.name}' ({node.target}) modifies the view '{value.name}' in "
                    "place; functionalize the program first "
                    "(compiler.frontend.decompose.decompose_for_circle does)",
                    location_str(node_location(node.name, node.meta.get("stack_trace"))),
                )

    def _result_types(self, node: torch.fx.Node) -> list[Attribute]:
        val = node.meta.get("val")
        if val is None:
            return []
        vals = val if isinstance(val, (list, tuple)) else [val]
        try:
            return [self._value_tensor_type(v, f"result #{i} of '{node.name}'")
                    for i, v in enumerate(vals)]
        except CompileError as e:  # e.g. a dynamic shape: say at which line of the model
            if e.location is None:
                e.location = location_str(node_location(node.name, node.meta.get("stack_trace")))
            raise

    def _record(self, node: torch.fx.Node, op: Operation) -> None:
        val = node.meta.get("val")
        results = list(op.results)
        for r in results:
            r.name_hint = name_hint(node.name)
        self.values[node] = results if isinstance(val, (list, tuple)) else (
            results[0] if results else []
        )

    def _aten(self, node: torch.fx.Node, cls: type[aten.AtenOp], twin: Any = None) -> None:
        """`node` as the dialect op `cls`; `twin`: the functional op `cls` is, when the
        node calls an in-place or `_copy` variant of it (arguments bound by position)."""
        bound = bind_arguments(node, twin)
        operands: list[SSAValue | list[SSAValue]] = []
        for arg in cls.SCHEMA.tensor_args:
            _, value = bound[arg.name]
            if arg.type.endswith("[]"):
                operands.append([self._none() if v is None else self._operand(v) for v in value])
            elif value is None:
                operands.append(self._none())
            elif isinstance(value, torch.fx.Node):
                operands.append(self._operand(value))
            else:
                operands.append(self._scalar_constant(value, self._scalar_dtype(node, bound), node))
        properties: dict[str, Attribute] = {}
        for arg in cls.SCHEMA.attribute_args:
            torch_arg, value = bound[arg.name]
            if value is None:
                continue
            properties[arg.name] = self._property(arg, torch_arg, value, node)
        types = self._result_types(node)
        if len(cls.SCHEMA.returns) == 1 and cls.SCHEMA.returns[0].endswith("[]"):
            result_types: list = [types]
        else:
            result_types = types
        try:
            op = build_op(cls, operands, result_types, properties)
        except (ValueError, VerifyException, TypeError) as e:
            raise CompileError(
                f"cannot import '{node.name}' ({node.target}): {e}",
                location_str(node_location(node.name, node.meta.get("stack_trace"))),
            ) from None
        self._add(op, node)
        self._record(node, op)

    def _property(self, arg: aten.Argument, torch_arg: Any, value: Any,
                  node: torch.fx.Node) -> Attribute:
        """`property_attribute(...)`, one object per distinct argument and value: a
        layer's convolutions share their stride/padding/dilation attributes, so their
        ops also share a verification signature (`verify_module`). The key spells the
        value exactly (`_exact_key`); values it cannot spell are converted every time."""
        exact = _exact_key(value)
        if exact is None:
            return property_attribute(arg, torch_arg, value,
                                      f"argument '{arg.name}' of '{node.name}'")
        key = (arg.type, getattr(torch_arg, "N", None), exact)
        known = self.properties.get(key)
        if known is None:
            known = self.properties[key] = property_attribute(
                arg, torch_arg, value, f"argument '{arg.name}' of '{node.name}'")
        return known

    def _scalar_dtype(self, node: torch.fx.Node, bound: dict) -> torch.dtype:
        """The dtype of a scalar standing for a tensor: the result's, or (for a boolean
        result, as in comparisons) the first tensor argument's."""
        val = node.meta.get("val")
        if isinstance(val, torch.Tensor) and val.dtype != torch.bool:
            return val.dtype
        for _, value in bound.values():
            if isinstance(value, torch.fx.Node) and isinstance(value.meta.get("val"), torch.Tensor):
                return value.meta["val"].dtype
        return torch.float32

    def _generic(self, node: torch.fx.Node) -> None:
        """`aten.call`: an operator without a dedicated op, kept by name."""
        operands: list[SSAValue] = []

        def collect(v: Any) -> None:
            if isinstance(v, torch.fx.Node):
                operands.append(self._operand(v))
            elif isinstance(v, (list, tuple)):
                for x in v:
                    collect(x)

        collect(node.args)
        collect(list(node.kwargs.values()))
        target = node.target
        name = str(target) if isinstance(target, torch._ops.OpOverload) else (
            f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', target)}"
        )
        op = aten.CallOp.create(
            operands=operands,
            result_types=self._result_types(node),
            properties={"target": StringAttr(name), "args": StringAttr(render_arguments(node))},
        )
        self._add(op, node)
        self._record(node, op)


_UNKNOWN_LOC = UnknownLoc()  # (immutable: one object serves every location)


def _exact_key(value: Any) -> tuple | None:
    """A hashable spelling of an argument value such that equal keys mean the same
    value *and type* (`1`, `True` and `1.0` are equal in Python but convert to other
    attributes; `0.0 == -0.0`; a NaN is unequal to itself): ints, bools, strings and
    dtypes by (type, value), floats by their bits, lists and tuples by their type and
    elements. None
    for anything else (a SymInt...)."""
    kind = type(value)
    if kind is int or kind is bool or kind is str or kind is torch.dtype:
        return (kind, value)
    if kind is float:
        return (kind, struct.pack("<d", value))
    if isinstance(value, (list, tuple)):  # (FX's immutable_list among them)
        items = tuple(_exact_key(v) for v in value)
        return None if None in items else (kind, items)
    return None
