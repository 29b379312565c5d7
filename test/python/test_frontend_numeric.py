"""Numeric check of the import: the imported module computes what the torch program does.

The imported IR is evaluated by a small evaluator (test-only; the real interpreter lives
in compiler/interpreter): q/dq with the IR types' own `quantize`/`dequantize` (the
semantics the quant dialect specifies), constants from their dense payloads, and every
`aten.*` op by calling `torch.ops.aten.<name>.<overload>` with the imported operands and
properties, passed back by schema name. So the check covers the imported qparams, storage
bounds, constants and argument conversion, not torch's kernels.

The reference is the ExportedProgram's own graph, run node by node on contiguous values
(the IR has no strides). Compared:
- every `quant.qcast` result (stored integers) with the FX `quantize_*` node of the same
  name: bit-exact;
- every imported aten op result with the FX node of the same name: bit-exact (the
  same kernels on the same inputs);
- the function results with the program's outputs: bit-exact.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.export.graph_signature import InputKind
from xdsl.dialects.builtin import ModuleOp, NameLoc
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Operation

import zoo
from compiler.dialects import aten, quant
from compiler.dialects.circle_base import ConstOp
from compiler.frontend import import_program
from compiler.ir.verify_tensors import dense_as_numpy

torch.set_num_threads(1)


# ---- a test-only evaluator of imported modules ------------------------------------------


def _contiguous(value):
    return value.contiguous() if isinstance(value, torch.Tensor) else value


def _call_aten(op: aten.AtenOp, env: dict) -> list:
    schema = op.SCHEMA
    overload = getattr(getattr(torch.ops.aten, schema.name), schema.overload or "default")
    ours = {a.name: a for a in schema.arguments}
    kwargs = {}
    for targ in overload._schema.arguments:
        arg = ours.get(targ.name)
        if arg is None:  # Layout, Device, MemoryFormat, pin_memory: not represented
            continue
        if arg.is_tensor:
            field = f"{arg.name}_" if arg.name in ("self", "input") else arg.name
            value = getattr(op, field)
            # IR values have no strides: run each op on contiguous tensors (an
            # `aten.view` after a permute is a reshape of the values, as in the IR).
            kwargs[targ.name] = ([_contiguous(env[v]) for v in value]
                                 if isinstance(value, tuple) else _contiguous(env[value]))
        elif arg.name in op.properties:
            value = op.arg(arg.name)
            kwargs[targ.name] = getattr(torch, value) if arg.type == "ScalarType" else value
        else:
            assert arg.optional, f"{op.name}: required property '{arg.name}' is missing"
            kwargs[targ.name] = None
    out = overload(**kwargs)
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _eval_op(op: Operation, env: dict) -> list:
    if isinstance(op, ConstOp):
        return [torch.from_numpy(np.array(dense_as_numpy(op.value)))]
    if isinstance(op, quant.ConstantOp):
        return [torch.from_numpy(np.array(dense_as_numpy(op.value)))]
    if isinstance(op, quant.QuantizeCastOp):
        qtype = op.output.type.element_type
        # (np.asarray: for a rank-0 input `quantize` returns a numpy scalar)
        return [torch.from_numpy(np.asarray(qtype.quantize(env[op.input].numpy())))]
    if isinstance(op, quant.DequantizeCastOp):
        qtype = op.input.type.element_type
        return [torch.from_numpy(np.asarray(qtype.dequantize(env[op.input].numpy())))]
    if isinstance(op, quant.StorageCastOp):
        return [env[op.input]]
    if isinstance(op, aten.NoneOp):
        return [None]
    if isinstance(op, aten.AtenOp):
        return _call_aten(op, env)
    raise AssertionError(f"the test evaluator cannot run {op.name}")


def evaluate(module: ModuleOp, inputs) -> tuple[list[torch.Tensor], dict]:
    """(function results, the value of every SSA value)."""
    func = next(op for op in module.ops if isinstance(op, FuncOp))
    env: dict = dict(zip(func.body.block.args, inputs, strict=True))
    for op in func.body.block.ops:
        if isinstance(op, ReturnOp):
            return [env[v] for v in op.operands], env
        for r, v in zip(op.results, _eval_op(op, env), strict=True):
            env[r] = v
    raise AssertionError("no func.return")


# ---- the reference: the exported graph, node by node ------------------------------------


def _contiguous_all(value):
    if isinstance(value, torch.Tensor):
        return value.contiguous()
    if isinstance(value, (tuple, list)):
        return type(value)(_contiguous_all(v) for v in value)
    return value


class _Recorder(torch.fx.Interpreter):
    def __init__(self, gm):
        super().__init__(gm)
        self.record: dict[str, object] = {}

    def run_node(self, n):
        # Contiguous values, as in the IR (which has no strides; the evaluator runs each op
        # on contiguous tensors too): a kernel may round differently on a strided view
        # (addmm on a permuted weight), which is layout, not semantics.
        result = _contiguous_all(super().run_node(n))
        # a copy: a later in-place op (relu_) must not change what this node produced
        self.record[n.name] = (
            result.clone() if isinstance(result, torch.Tensor)
            else [r.clone() if isinstance(r, torch.Tensor) else r for r in result]
            if isinstance(result, (tuple, list)) else result
        )
        return result


def reference(ep: torch.export.ExportedProgram, inputs) -> tuple[list, dict]:
    user = iter(inputs)
    args = []
    for spec in ep.graph_signature.input_specs:
        if spec.kind == InputKind.USER_INPUT:
            args.append(next(user))
        elif spec.kind == InputKind.CONSTANT_TENSOR or spec.target in ep.constants:
            args.append(ep.constants[spec.target])
        else:
            args.append(ep.state_dict[spec.target])
    rec = _Recorder(ep.graph_module)
    with torch.no_grad():
        out = rec.run(*args)
    return list(out), rec.record


def _check(ep: torch.export.ExportedProgram, inputs) -> dict[str, int]:
    module = import_program(ep)
    ours, env = evaluate(module, inputs)
    theirs, record = reference(ep, inputs)
    counts = {"qcast": 0, "aten": 0}
    func = next(op for op in module.ops if isinstance(op, FuncOp))
    for op in func.body.block.ops:
        if not isinstance(op.location, NameLoc):
            continue
        name = op.location.desc.data
        if isinstance(op, quant.QuantizeCastOp):
            ref = record[name]
            got = env[op.output]
            assert ref.dtype == got.dtype, name
            assert torch.equal(got, ref), f"{name}: quantized integers differ"
            counts["qcast"] += 1
        elif isinstance(op, aten.AtenOp):
            ref = record[name]
            refs = list(ref) if isinstance(ref, (tuple, list)) else [ref]
            for got, want in zip([env[r] for r in op.results], refs, strict=True):
                assert torch.equal(got, want), f"{name}: values differ"
            counts["aten"] += 1
    assert len(ours) == len(theirs)
    for got, want in zip(ours, theirs):
        assert got.dtype == want.dtype and torch.equal(got, want)
    return counts


def _count(ep, target) -> int:
    return sum(1 for n in ep.graph.nodes if n.target == target)


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
@pytest.mark.parametrize("name", list(zoo.MODELS))
def test_quantized_import_matches_torch_bit_exactly(name, scheme):
    ep = zoo.quantized_program(name, scheme)
    counts = _check(ep, zoo.example_inputs(name))
    # every quantize node of the graph was compared (the test cannot pass vacuously)
    qd = torch.ops.quantized_decomposed
    assert counts["qcast"] == _count(ep, qd.quantize_per_tensor.default) > 0
    assert counts["aten"] > 0


@pytest.mark.parametrize("name", ["linear", "mobilenet_block", "transformer_block", "activations"])
def test_float_import_matches_torch_bit_exactly(name):
    ep = zoo.float_program(name)
    counts = _check(ep, zoo.example_inputs(name))
    assert counts["qcast"] == 0 and counts["aten"] > 0


def test_per_tensor_uint8_weights():
    ep = zoo.quantized_program("conv_bn_relu", "uint8", per_channel=False)
    _check(ep, zoo.example_inputs("conv_bn_relu"))


def test_other_inputs_than_the_export_inputs():
    """The import is not specialized to the example inputs."""
    ep = zoo.quantized_program("residual_add", "int8")
    _check(ep, zoo.calibration_data("residual_add")[0])


class _Inplace(torch.nn.Module):
    """In-place activations (`inplace=True`, `relu_`) and a later use of the mutated value."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 1)
        self.act = torch.nn.ReLU6(inplace=True)

    def forward(self, x):
        y = self.conv(x)
        z = self.act(y)
        w = z * 0.5
        return torch.relu_(z - 1.0) + y + w


def test_inplace_ops_import_with_their_values():
    torch.manual_seed(0)
    model = _Inplace().eval()
    x = (torch.randn(1, 3, 4, 4) * 4,)
    _check(torch.export.export(model, x), x)


@pytest.mark.parametrize("name", ["pools", "mobilenet_block", "linear"])
def test_core_aten_program_imports_bit_exactly(name):
    """`run_decompositions()` programs: convolution, addmm/permute, max_pool2d_with_indices
    + getitem, mean.dim, view."""
    ep = zoo.quantized_program(name, "int8").run_decompositions()
    targets = {str(n.target) for n in ep.graph.nodes if n.op == "call_function"}
    assert "aten.conv2d.default" not in targets and "aten.linear.default" not in targets
    counts = _check(ep, zoo.example_inputs(name))
    assert counts["aten"] > 0



@pytest.mark.parametrize("scheme", zoo.SCHEMES)
def test_elementwise_ops_and_rank0_results(scheme):
    """clamp (fused and not), neg/abs/maximum/minimum/log, full reductions to rank 0."""
    from test_frontend_quantizer import _Elementwise

    from compiler.frontend import quantize

    torch.manual_seed(0)
    x = torch.randn(1, 3, 4, 4)
    # uint8: abs and log have no integer kernel in any runtime and stay float
    ep = quantize(_Elementwise().eval(), x, [x, x * 2], scheme=scheme, progress=False,
                  allow_float=scheme == "uint8")
    assert _check(ep, (x,))["qcast"] > 8
