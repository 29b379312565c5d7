"""Dynamic quantization of linear layers: PT2E's `is_dynamic` pattern -> hybrid FULLY_CONNECTED.

Quantizer side (`CircleQuantizer(scheme="int8", is_dynamic=True)`): only `aten.linear`
is annotated: its input with a dynamic int8 spec (`PlaceholderObserver`, `is_dynamic`),
its weight int8 symmetric narrow-range (per output channel, or per tensor with
`per_channel=False`), its bias left float. `convert_pt2e` then emits, per linear:

    s, zp = choose_qparams.tensor(x, -128, 127, eps, int8)
    xq = quantize_per_tensor.tensor(x, s, zp, ...); xd = dequantize_per_tensor.tensor(xq, s, zp, ...)
    y = linear(xd, dequantize_per_channel(W_int8, ...), b)

Importer side (`import_dynamic_node`): the three run-time q/dq nodes become the float
input itself, and the linear consuming it carries `DYNAMIC_ATTR = "int8"`; its weight
stays `quant.dcast(quant.constant)`. The legalizer turns such a linear into a hybrid
`circle.fully_connected` (float input, int8 weights, float bias and output,
`asymmetric_quantize_inputs = true`): TFLite's EvalHybrid quantizes each input row
asymmetrically at run time, as torch's `choose_qparams` does per tensor.

The hybrid op is not bit-exact with torch's converted program (TFLite quantizes per
batch row with its own scale/zero-point rule; torch per tensor): the end-to-end test states
its tolerance. It is bit-exact with LiteRT (`compiler.interpreter.circle_conv`).
"""

from __future__ import annotations

import torch
from torch.fx import GraphModule, Node
from torchao.quantization.pt2e import PlaceholderObserver
from torchao.quantization.pt2e.quantizer import QuantizationAnnotation, QuantizationSpec
from xdsl.dialects.builtin import StringAttr

from compiler.ir.diagnostics import CompileError

from compiler.ir.hybrid import DYNAMIC_ATTR  # noqa: E402

aten = torch.ops.aten
_qd = torch.ops.quantized_decomposed


def check_dynamic_scheme(scheme: str, is_qat: bool) -> None:
    if scheme != "int8":
        raise CompileError(
            f"dynamic quantization is supported for the int8 scheme only, not {scheme}: "
            "TFLite's hybrid FULLY_CONNECTED takes int8 weights (onert has no hybrid "
            "FULLY_CONNECTED for uint8 weights)"
        )
    if is_qat:
        raise CompileError("dynamic quantization with QAT is not supported")


def dynamic_input_spec() -> QuantizationSpec:
    return QuantizationSpec(
        dtype=torch.int8, quant_min=-128, quant_max=127, qscheme=torch.per_tensor_affine,
        is_dynamic=True,
        observer_or_fake_quant_ctr=PlaceholderObserver.with_args(
            dtype=torch.int8, quant_min=-128, quant_max=127, is_dynamic=True),
    )


def _is_float(node: object) -> bool:
    val = node.meta.get("val") if isinstance(node, Node) else None
    return isinstance(val, torch.Tensor) and val.is_floating_point()


def annotate_dynamic(model: GraphModule, specs) -> GraphModule:
    """Annotate every float linear with a constant weight dynamically (see the module
    notes); everything else stays float."""
    for node in model.graph.nodes:
        if node.op != "call_function" or node.target is not aten.linear.default:
            continue
        x, w = node.args[0], node.args[1]
        if not (_is_float(node) and _is_float(x) and _is_float(w)):
            continue
        node.meta["quantization_annotation"] = QuantizationAnnotation(
            input_qspec_map={x: dynamic_input_spec(), w: specs.weight_spec(0)},
            _annotated=True,
        )
    return model


# -- importer ------------------------------------------------------------------------------
_CHOOSE = {_qd.choose_qparams.tensor}
_Q_TENSOR = {_qd.quantize_per_tensor.tensor}
_DQ_TENSOR = {_qd.dequantize_per_tensor.tensor}
#: the targets `import_dynamic_node` may import (it answers False for any other)
DYNAMIC_TARGETS = frozenset(_CHOOSE | _Q_TENSOR | _DQ_TENSOR)


class _RunTimeQParams:
    """The value of a `choose_qparams` result: known only at run time."""


def import_dynamic_node(importer, node: Node) -> bool:
    """Import `node` if it belongs to the dynamic pattern; False otherwise.

    `importer.values` maps the choose_qparams node to run-time markers, and the
    quantize/dequantize pair to the float input value itself; `importer.dynamic`
    records the dequantize nodes, whose consumers get `DYNAMIC_ATTR`."""
    if node.target in _CHOOSE:
        importer.values[node] = [_RunTimeQParams(), _RunTimeQParams()]
        return True
    if node.target in _Q_TENSOR | _DQ_TENSOR:
        scale = node.args[1]
        if not (isinstance(scale, Node) and isinstance(importer.values.get(scale),
                                                       _RunTimeQParams)):
            return False
        if node.args[-1] != torch.int8:
            raise CompileError(f"'{node.name}': dynamic quantization to {node.args[-1]} is not "
                               "supported (int8 only)")
        source = node.args[0]
        if node.target in _DQ_TENSOR and source not in getattr(importer, "dynamic_q", set()):
            return False
        importer.values[node] = importer.values[source]
        if node.target in _Q_TENSOR:
            importer.dynamic_q = getattr(importer, "dynamic_q", set()) | {node}
        else:
            importer.dynamic = getattr(importer, "dynamic", set()) | {node}
        return True
    return False


def mark_dynamic_consumer(importer, node: Node) -> None:
    """Give the op imported for `node` `DYNAMIC_ATTR` if its input is a dynamic dq; only
    linear can be lowered so (others are refused by the legalizer via the attribute)."""
    dynamic = getattr(importer, "dynamic", set())
    if not dynamic or not any(isinstance(a, Node) and a in dynamic for a in node.args):
        return
    value = importer.values.get(node)
    if value is not None and not isinstance(value, list):
        value.owner.attributes[DYNAMIC_ATTR] = StringAttr("int8")
