"""import_program: the structure of the imported IR, locations, and the errors it reports."""

from __future__ import annotations

import copy
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn
from torch.export import Dim
from xdsl.dialects.builtin import FileLineColLoc, NameLoc, TensorType, UnknownLoc, f32, i64
from xdsl.dialects.func import FuncOp
from xdsl.printer import Printer

import compiler
import zoo
from compiler.dialects import aten, quant
from compiler.dialects.circle_base import ConstOp
from compiler.frontend import CircleQuantizer, import_program
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import UniformQuantizedPerAxisType, UniformQuantizedType
from compiler.ir.verify_tensors import dense_as_numpy

torch.set_num_threads(1)
qd = torch.ops.quantized_decomposed


def _func(module) -> FuncOp:
    (func,) = list(module.ops)
    assert isinstance(func, FuncOp) and func.sym_name.data == "forward"
    return func


def _ops(module, cls):
    return [op for op in _func(module).body.block.ops if isinstance(op, cls)]


def _count(ep, *targets) -> int:
    return sum(1 for n in ep.graph.nodes if n.target in targets)


def _text(module, debuginfo: bool = False) -> str:
    out = StringIO()
    Printer(stream=out, print_debuginfo=debuginfo).print_op(module)
    return out.getvalue()


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
@pytest.mark.parametrize("name", list(zoo.MODELS))
def test_zoo_model_structure(name, scheme):
    ep = zoo.quantized_program(name, scheme)
    module = import_program(ep)
    func = _func(module)
    # arguments: the user inputs, in order, named
    user_inputs = [s.arg.name for s in ep.graph_signature.input_specs if s.kind.name == "USER_INPUT"]
    assert [a.location.desc.data for a in func.body.block.args] == user_inputs
    for arg, x in zip(func.body.block.args, zoo.example_inputs(name)):
        element = i64 if x.dtype == torch.int64 else f32
        assert arg.type == TensorType(element, list(x.shape))
    # one qcast per quantize node, one dcast per dequantize node (multi-use kept as is)
    assert len(_ops(module, quant.QuantizeCastOp)) == _count(ep, qd.quantize_per_tensor.default)
    n_dq = _count(ep, qd.dequantize_per_tensor.default, qd.dequantize_per_channel.default)
    assert len(_ops(module, quant.DequantizeCastOp)) == n_dq
    # folded weights and biases are quantized constants; per-channel ones are per-axis
    per_channel = _count(ep, qd.dequantize_per_channel.default)
    constants = _ops(module, quant.ConstantOp)
    per_axis = [c for c in constants if isinstance(c.output.type.element_type, UniformQuantizedPerAxisType)]
    assert len(per_axis) == per_channel
    # (the uint8 scheme quantizes linear weights per tensor: onert needs it)
    assert per_channel > 0 or (scheme == "uint8" and not _ops(module, aten.aten_op("conv2d")))
    # nothing was left unknown, and the unused float parameters were dropped
    assert not _ops(module, aten.CallOp)
    names = {c.location.desc.data for c in _ops(module, ConstOp)}
    assert not names & {"fc.weight", "conv.weight", "conv1.weight", "qkv.weight", "bn.running_mean"}


def test_linear_uint8_types_and_values():
    ep = zoo.quantized_program("linear", "uint8")
    module = import_program(ep)
    weight, bias = _ops(module, quant.ConstantOp)
    wt = weight.output.type.element_type
    # uint8 linear weights are per tensor (onert's FULLY_CONNECTED needs it)
    assert isinstance(wt, UniformQuantizedType)
    assert wt.storage_spelling == "u8" and (wt.qmin, wt.qmax) == (0, 255)
    # the stored integers and qparams are the program's, exactly
    state = ep.state_dict
    linear = next(n for n in ep.graph.nodes if n.target == torch.ops.aten.linear.default)
    wdq = linear.args[1]
    spec = {s.arg.name: s.target for s in ep.graph_signature.input_specs}
    assert np.array_equal(dense_as_numpy(weight.value), state[spec[wdq.args[0].name]].numpy())
    assert (wt.scale.data, wt.zero_point.data) == (wdq.args[1], wdq.args[2])
    bt = bias.output.type.element_type
    assert bt.storage_spelling == "i32" and isinstance(bt, UniformQuantizedType)
    # the input qcast carries the graph's Python float scale unchanged
    q = next(n for n in ep.graph.nodes if n.target == qd.quantize_per_tensor.default)
    (qcast, _) = _ops(module, quant.QuantizeCastOp)
    qt = qcast.output.type.element_type
    assert isinstance(qt, UniformQuantizedType)
    assert (qt.scale.data, qt.zero_point.data) == (q.args[1], q.args[2])


def test_float_program():
    ep = zoo.float_program("conv_bn_relu")
    module = import_program(ep)
    assert not _ops(module, quant.QuantizeCastOp) and not _ops(module, quant.ConstantOp)
    consts = {c.location.desc.data: c for c in _ops(module, ConstOp)}
    assert set(consts) == {"conv.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"}
    w = consts["conv.weight"]
    assert np.array_equal(dense_as_numpy(w.value), ep.state_dict["conv.weight"].detach().numpy())
    (bn,) = [op for op in _func(module).body.block.ops if op.name == "aten.batch_norm"]
    assert bn.arg("training") is False and bn.arg("eps") == pytest.approx(1e-5)
    # conv2d(x, w) without bias: the absent optional tensor is aten.none
    (conv,) = [op for op in _func(module).body.block.ops if op.name == "aten.conv2d"]
    assert isinstance(conv.bias.owner, aten.NoneOp)
    assert conv.arg("padding") == [1, 1] and conv.arg("stride") == [1, 1]


def test_locations_point_at_the_users_source_line():
    ep = zoo.quantized_program("conv_bn_relu", "int8")
    module = import_program(ep)
    (conv,) = [op for op in _func(module).body.block.ops if op.name == "aten.conv2d"]
    loc = conv.location
    assert isinstance(loc, NameLoc) and loc.desc.data == "conv2d"
    assert isinstance(loc.location, FileLineColLoc)
    path = Path(loc.location.filename.data)
    assert path.resolve() == Path(zoo.__file__).resolve()
    line = path.read_text().splitlines()[loc.location.line.data - 1]
    assert "self.conv(x)" in line
    # q/dq inserted by PT2E without a stack trace still carry their node name
    for op in _ops(module, quant.QuantizeCastOp):
        assert isinstance(op.location, NameLoc)
        assert op.location.desc.data.startswith("quantize_per_tensor")
    assert isinstance(_ops(module, quant.QuantizeCastOp)[0].location.location, UnknownLoc)
    text = _text(module, debuginfo=True)
    assert f'loc("conv2d"("{loc.location.filename.data}":{loc.location.line.data}:0))' in text


def test_pt2_file(tmp_path):
    ep = zoo.quantized_program("linear", "int8")
    path = tmp_path / "linear.pt2"
    torch.export.save(ep, path)
    direct = _text(import_program(ep))
    assert _text(import_program(path)) == direct
    assert _text(import_program(str(path))) == direct


def test_fold_quantize_false_is_quantized_at_import():
    """quantize_per_channel(float weight) is folded by the importer exactly as torch folds it."""
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    model, x = zoo.float_model("conv_bn_relu"), zoo.example_inputs("conv_bn_relu")
    prepared = prepare_pt2e(torch.export.export(model, x).module(), CircleQuantizer("int8"))
    for batch in zoo.calibration_data("conv_bn_relu"):
        prepared(*batch)
    folded = convert_pt2e(copy.deepcopy(prepared))
    unfolded = convert_pt2e(prepared, fold_quantize=False)
    ep_unfolded = torch.export.export(unfolded, x)
    assert any(n.target == qd.quantize_per_channel.default for n in ep_unfolded.graph.nodes)
    a = _ops(import_program(torch.export.export(folded, x)), quant.ConstantOp)
    b = _ops(import_program(ep_unfolded), quant.ConstantOp)
    assert len(a) == len(b) == 2
    for ca, cb in zip(a, b):
        assert ca.output.type == cb.output.type
        assert np.array_equal(dense_as_numpy(ca.value), dense_as_numpy(cb.value))


def test_python_scalar_operand_becomes_rank0_constant():
    ep = zoo.float_program("transformer_block")
    module = import_program(ep)
    muls = [op for op in _func(module).body.block.ops if op.name == "aten.mul.Tensor"]
    (scale,) = [m.other.owner for m in muls if isinstance(m.other.owner, ConstOp)]
    assert scale.output.type == TensorType(f32, [])
    assert dense_as_numpy(scale.value) == np.float32(1.0 / 8**0.5)


def test_multi_result_ops_and_getitem():
    module = import_program(zoo.quantized_program("activations", "uint8"))
    (split,) = [op for op in _func(module).body.block.ops if op.name == "aten.split.Tensor"]
    assert len(split.results) == 2 and all(r.uses for r in split.results)
    assert split.arg("split_size") == 2 and split.arg("dim") == 1


def test_multi_use_dequantize_is_kept_per_consumer():
    module = import_program(zoo.quantized_program("residual_add", "uint8"))
    x = _func(module).body.block.args[0]
    (q,) = [u.operation for u in x.uses]
    assert isinstance(q, quant.QuantizeCastOp)
    consumers = [u.operation for u in q.output.uses]
    assert len(consumers) == 2 and all(isinstance(c, quant.DequantizeCastOp) for c in consumers)


class _Lgamma(nn.Module):
    def forward(self, x):
        return torch.lgamma(x) * 2


def test_unknown_aten_op_is_kept_as_aten_call():
    module = import_program(torch.export.export(_Lgamma(), (torch.randn(3),)))
    (call,) = _ops(module, aten.CallOp)
    assert call.target.data == "aten.lgamma.default"
    assert call.args.data == "(%x)"
    assert call.location.desc.data == "lgamma"


class _Casts(nn.Module):
    def forward(self, x, i):
        return x.to(torch.float32) * 2 + i.float()


def test_tensor_metadata_assertions_are_checked_statically():
    """torch.export asserts the dtype before every .to(): proven from the types, no op left."""
    ep = torch.export.export(_Casts(), (torch.randn(3), torch.arange(3)))
    assert any(n.target == torch.ops.aten._assert_tensor_metadata.default for n in ep.graph.nodes)
    module = import_program(ep)
    assert not _ops(module, aten.CallOp)
    assert [op.name for op in _func(module).body.block.ops if op.name.startswith("aten.to")] == [
        "aten.to.dtype", "aten.to.dtype"]


def test_false_tensor_metadata_assertion_is_an_error():
    ep = torch.export.export(_Casts(), (torch.randn(3), torch.arange(3)))
    node = next(n for n in ep.graph.nodes if n.target == torch.ops.aten._assert_tensor_metadata.default)
    node.kwargs = {**node.kwargs, "dtype": torch.int32}
    with pytest.raises(CompileError, match=r"'_assert_tensor_metadata_default' asserts that 'x' has "
                       r"dtype torch.int32, but it is torch.float32: the program would fail"):
        import_program(ep)


def test_public_name():
    assert compiler.import_program is import_program


# ---- errors ----------------------------------------------------------------------------


def test_dynamic_shape_is_refused_naming_the_input():
    model = zoo.float_model("linear")
    ep = torch.export.export(model, zoo.example_inputs("linear"),
                             dynamic_shapes={"x": {0: Dim("batch")}})
    with pytest.raises(CompileError, match=r"input 'x' has a dynamic dimension 0 \(s\d+\)"):
        import_program(ep)


class _IntOutput(nn.Module):
    def forward(self, x):
        return x * 2, x.shape[0]


def test_non_tensor_output_is_refused():
    ep = torch.export.export(_IntOutput(), (torch.randn(3),))
    with pytest.raises(CompileError, match=r"output #1 is not a tensor \(int: 3\)"):
        import_program(ep)


class _Buffer(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("w", torch.ones(3))

    def forward(self, x):
        return x + self.w


def test_real_quantized_tensor_is_refused():
    ep = torch.export.export(_Buffer(), (torch.randn(3),))
    with pytest.warns(UserWarning):  # torch deprecates quantized tensors itself
        ep.state_dict["w"] = torch.quantize_per_tensor(torch.ones(3), 0.1, 0, torch.qint8)
    with pytest.raises(CompileError, match=r"constant 'w' is a quantized torch tensor \(torch.qint8\)"):
        import_program(ep)


def test_buffer_mutation_is_refused():
    model = nn.Sequential(nn.BatchNorm1d(3)).train()
    ep = torch.export.export(model, (torch.randn(4, 3),))
    with pytest.raises(CompileError, match=r"'add_' \(aten.add_.Tensor\) modifies buffer "
                       r"'0.num_batches_tracked' in place.*model.eval\(\)"):
        import_program(ep)


class _InputMutation(nn.Module):
    def forward(self, x):
        x.add_(1)
        return x * 2


def test_input_mutation_is_refused():
    ep = torch.export.export(_InputMutation(), (torch.randn(3),))
    with pytest.raises(CompileError, match=r"'add_' .* modifies input 'x' in place"):
        import_program(ep)


class _InplaceActivations(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)
        self.act = nn.ReLU6(inplace=True)

    def forward(self, x):
        y = self.conv(x)
        z = self.act(y)
        return torch.relu_(z) + y


def test_inplace_ops_become_functional_ops():
    model = _InplaceActivations().eval()
    x = torch.randn(1, 3, 2, 2)
    module = import_program(torch.export.export(model, (x,)))
    names = [op.name for op in _func(module).body.block.ops]
    assert "aten.hardtanh" in names and "aten.relu" in names and "aten.call" not in names
    (hardtanh,) = [op for op in _func(module).body.block.ops if op.name == "aten.hardtanh"]
    assert (hardtanh.arg("min_val"), hardtanh.arg("max_val")) == (0.0, 6.0)
    assert hardtanh.location.desc.data == "hardtanh_"


def test_graph_module_gets_a_re_export_hint():
    with pytest.raises(CompileError, match=r"got GraphModule: convert_pt2e returns a GraphModule; re-export"):
        import_program(zoo.quantized_program("linear", "int8").module())


def test_module_gets_an_export_hint():
    with pytest.raises(CompileError, match=r"got Linear: export it first"):
        import_program(nn.Linear(2, 2))


def test_missing_file(tmp_path):
    with pytest.raises(CompileError, match=r"cannot read '.*missing.pt2': no such file"):
        import_program(tmp_path / "missing.pt2")


def test_not_a_program_file(tmp_path):
    path = tmp_path / "junk.pt2"
    path.write_bytes(b"not a zip")
    with pytest.raises(CompileError, match=r"cannot load '.*junk.pt2' as a torch.export program"):
        import_program(path)


class _SharedWeight(nn.Module):
    """One Linear applied twice: PT2E dequantizes its weight once per use."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(torch.relu(self.fc(x)))


def test_shared_weight_has_one_payload():
    model = _SharedWeight().eval()
    x = (torch.randn(2, 4),)
    ep = compiler.quantize(model, x, [x], scheme="int8", progress=False)
    weight_dqs = [n for n in ep.graph.nodes if n.target == qd.dequantize_per_channel.default]
    module = import_program(ep)
    consts = _ops(module, quant.ConstantOp)
    dcasts_of_consts = [op for op in _ops(module, quant.DequantizeCastOp)
                        if isinstance(op.input.owner, quant.ConstantOp)]
    assert len(dcasts_of_consts) == len(weight_dqs)  # one dcast per use, as PT2E has
    assert len(consts) == len({(n.args[0].name, n.args[1].name) for n in weight_dqs})
    assert len(weight_dqs) == 2 * len(consts)  # weight and bias, each used twice
