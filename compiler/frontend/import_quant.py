"""The importer's quantize/dequantize nodes: PT2E's `quantize_per_tensor` /
`dequantize_per_channel` &c. become `quant.qcast` / `quant.dcast` (or a quantized constant
for a folded weight), their parameters a `!quant.uniform` type shared by every node with
the same arguments. A mixin of `compiler.frontend.importer._Importer`, whose state
(`constants`, `values`, `quantized_types`, `quant_constants`) and helpers it uses."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import torch
from xdsl.dialects.builtin import IntegerType, TensorType
from xdsl.ir import Attribute, SSAValue
from xdsl.utils.exceptions import VerifyException

from compiler.dialects.quant import DequantizeCastOp, QuantizeCastOp, StorageCastOp
from compiler.frontend.aten_args import bind_arguments
from compiler.frontend.locations import name_hint, node_location
from compiler.frontend.tensor_types import element_type, to_numpy
from compiler.ir.diagnostics import CompileError, location_str
from compiler.ir.quant_types import QuantizedType, is_quantized, make_quantized_type


class QuantImport:
    """Importing q/dq nodes (see the module docstring)."""

    def _qparam(self, value: Any, node: torch.fx.Node, what: str) -> Any:
        """A quantization parameter: a Python number, or the value of a constant tensor."""
        if isinstance(value, torch.fx.Node):
            if value not in self.constants:
                raise CompileError(
                    f"'{node.name}': the {what} is computed at run time ('{value.name}'); only "
                    "constant quantization parameters are supported",
                    location_str(node_location(node.name, node.meta.get("stack_trace"))),
                )
            return self.constants[value][1].detach().cpu().numpy()
        return value

    def _quantized_type(self, node: torch.fx.Node, per_channel: bool, expressed: Attribute) -> QuantizedType:
        """The quantized type of a q/dq node, one object per distinct parameter
        arguments: the type is a function of the arguments after the input (numbers, a
        dtype, constant nodes, whose values do not change during the import), their
        meaning (`quantize_*` and `dequantize_*` of one overload name take the same
        positional arguments) and `expressed`; a quantize and its dequantizes share it."""
        try:
            key = (per_channel, node.target._overloadname, node.args[1:],
                   tuple(node.kwargs.items()), expressed)
            known = self.quantized_types.get(key)
        except TypeError:  # an unhashable argument (a list): not shared
            key, known = None, None
        if known is None:
            known = self._make_quantized_type(node, per_channel, expressed)
            if key is not None:
                self.quantized_types[key] = known
        return known

    def _make_quantized_type(self, node: torch.fx.Node, per_channel: bool,
                             expressed: Attribute) -> QuantizedType:
        bound = {k: v for k, (_, v) in bind_arguments(node).items()}
        if per_channel:
            scale = self._qparam(bound["scales"], node, "scale")
            zps = bound["zero_points"]
            zero_point = 0 if zps is None else self._qparam(zps, node, "zero point")
            axis = int(bound["axis"])
        else:
            scale = self._qparam(bound["scale"], node, "scale")
            zero_point = self._qparam(bound["zero_point"], node, "zero point")
            scale, zero_point, axis = float(np.asarray(scale).reshape(())), int(
                np.asarray(zero_point).reshape(())
            ), None
        try:
            return make_quantized_type(
                _dtype_name(bound["dtype"]), scale, zero_point, axis=axis,
                qmin=int(bound["quant_min"]), qmax=int(bound["quant_max"]),
                expressed_type=expressed,
            )
        except (ValueError, VerifyException) as e:
            raise CompileError(
                f"'{node.name}' has invalid quantization parameters: {e}",
                location_str(node_location(node.name, node.meta.get("stack_trace"))),
            ) from None

    def _quantize(self, node: torch.fx.Node, per_channel: bool) -> None:
        source = node.args[0]
        src_val = source.meta.get("val")
        expressed = element_type(src_val.dtype, f"input of '{node.name}'")
        qtype = self._quantized_type(node, per_channel, expressed)
        shape = self._value_tensor_type(src_val, f"input of '{node.name}'").get_shape()
        if source in self.constants and source not in self.values:
            # fold_quantize=False: the weight is quantized in the graph; do it here, with
            # the same arithmetic as torch (round half to even, float32 reciprocal).
            name, tensor = self.constants[source]
            stored = qtype.quantize(to_numpy(tensor, f"constant '{name}'"))
            op = self._add(self._quant_constant(stored, qtype), node)
        else:
            op = self._add(QuantizeCastOp.create(operands=[self._value_of(source)],
                                                 result_types=[self._tensor_type(qtype, shape)]), node)
        self._record(node, op)

    def _value_of(self, node: torch.fx.Node) -> SSAValue:
        value = self._value(node)
        if isinstance(value, list):
            raise CompileError(f"'{node.name}' has several results; expected one tensor")
        return value

    def _weight_constant(self, source: torch.fx.Node, qtype: QuantizedType,
                         node: torch.fx.Node) -> SSAValue:
        """The `quant.constant` of the integer constant `source` as `qtype`: one per
        distinct (constant, equal type), however many dequantize nodes read it."""
        # (by constant, then the types compared by identity first: hashing a per-axis
        # type hashes every scale, and a constant usually has a single dequantize)
        known = self.quant_constants.setdefault(source, [])
        for other, value in known:
            if other is qtype or other == qtype:
                return value
        name, tensor = self.constants[source]
        stored = to_numpy(tensor, f"constant '{name}'")
        if stored.dtype != np.dtype(qtype.numpy_storage_dtype):
            raise CompileError(
                f"'{node.name}' dequantizes '{name}' of dtype {stored.dtype} as "
                f"{qtype.storage_spelling}",
                location_str(node_location(node.name, node.meta.get("stack_trace"))),
            )
        const = self._add(self._quant_constant(stored, qtype), name=name)
        const.results[0].name_hint = name_hint(name)
        known.append((qtype, const.results[0]))
        return const.results[0]

    def _dequantize(self, node: torch.fx.Node, per_channel: bool) -> None:
        source = node.args[0]
        out_val = node.meta.get("val")
        expressed = element_type(out_val.dtype, f"result of '{node.name}'")
        qtype = self._quantized_type(node, per_channel, expressed)
        if source in self.constants and source not in self.values:
            # a folded weight or bias: the stored integers of the quantized constant
            quantized = self._weight_constant(source, qtype, node)
        else:
            quantized = self._value_of(source)
            qt = quantized.type
            assert isinstance(qt, TensorType)
            if not is_quantized(qt):
                if not isinstance(qt.element_type, IntegerType):
                    raise CompileError(
                        f"'{node.name}' dequantizes '{source.name}', which is not an integer "
                        "tensor",
                        location_str(node_location(node.name, node.meta.get("stack_trace"))),
                    )
                # integers from outside (an input, an integer op): reinterpret them
                quantized = self._add(StorageCastOp.create(
                    operands=[quantized], result_types=[self._tensor_type(qtype, qt.get_shape())]
                ), node).results[0]
            elif qt.element_type != qtype:
                raise CompileError(
                    f"'{node.name}' dequantizes '{source.name}' with parameters {qtype} that "
                    f"differ from its quantized type {qt.element_type}",
                    location_str(node_location(node.name, node.meta.get("stack_trace"))),
                )
        shape = quantized.type.get_shape()
        op = self._add(DequantizeCastOp.create(
            operands=[quantized], result_types=[self._tensor_type(expressed, shape)]), node)
        self._record(node, op)


def _dtype_name(dtype: Any) -> Any:
    """The name `make_quantized_type` reads from a torch dtype (`torch.uint8` ->
    "uint8"), computed once per dtype; any other value as it is. (For an object numpy
    does not know, which a torch dtype is not, it spells `str(dtype)` without `torch.`:
    the same storage type, or the same error for a dtype without one.)"""
    return _torch_dtype_name(dtype) if isinstance(dtype, torch.dtype) else dtype


@functools.cache
def _torch_dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).replace("torch.", "")
