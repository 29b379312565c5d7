"""CircleQuantizer: what each scheme puts into the PT2E graph (dtypes, ranges, axes, sharing)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import compiler
import zoo
from compiler.frontend import CircleQuantizer, quantize

torch.set_num_threads(1)
qd = torch.ops.quantized_decomposed
aten = torch.ops.aten

Q = qd.quantize_per_tensor.default
DQ = qd.dequantize_per_tensor.default
DQC = qd.dequantize_per_channel.default

ACT = {  # scheme -> (dtype, qmin, qmax)
    "uint8": (torch.uint8, 0, 255),
    "int8": (torch.int8, -128, 127),
    "int16": (torch.int16, -32768, 32767),
}


def _nodes(ep, target):
    return [n for n in ep.graph.nodes if n.target == target]


def _tensor(ep, node):
    """The value of a constant placeholder (parameter/buffer) of the program."""
    spec = next(s for s in ep.graph_signature.input_specs if s.arg.name == node.name)
    return ep.state_dict[spec.target] if spec.target in ep.state_dict else ep.constants[spec.target]


def _producer_input_q(node):
    """The quantize node whose dequantize feeds `node`'s first input."""
    dq = node.args[0]
    assert dq.target == DQ, f"{node.name} input is not dequantized"
    return dq.args[0]


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
def test_linear_specs(scheme):
    ep = zoo.quantized_program("linear", scheme)
    dtype, lo, hi = ACT[scheme]
    for q in _nodes(ep, Q):
        _, scale, zp, qmin, qmax, qdtype = q.args
        assert (qdtype, qmin, qmax) == (dtype, lo, hi)
        if scheme == "int16":
            assert zp == 0  # symmetric activations
    linear = _nodes(ep, aten.linear.default)[0]
    wdq, bdq = linear.args[1], linear.args[2]
    s_in = _producer_input_q(linear).args[1]
    if scheme == "uint8":
        # per-tensor u8 weights: onert's FULLY_CONNECTED ignores per-channel parameters
        assert wdq.target == DQ and bdq.target == DQ
        w, w_scale, w_zp, wmin, wmax, wdtype = wdq.args
        assert (wmin, wmax, wdtype) == (0, 255, torch.uint8)
        assert _tensor(ep, w).dtype == torch.uint8
        b, b_scale, b_zp, bmin, bmax, bdtype = bdq.args
        assert (b_zp, bmin, bmax, bdtype) == (0, -(2**31), 2**31 - 1, torch.int32)
        assert np.float32(b_scale) == np.float32(s_in) * np.float32(w_scale)
        return
    assert wdq.target == DQC and bdq.target == DQC
    w, w_scales, w_zps, axis, wmin, wmax, wdtype = wdq.args
    assert axis == 0 and _tensor(ep, w_scales).shape == (8,)
    # symmetric narrow range
    assert (wmin, wmax, wdtype) == (-127, 127, torch.int8)
    assert not _tensor(ep, w_zps).any()
    # bias: i32, zero point 0, scale = float32(s_in * s_w) bit for bit
    b, b_scales, b_zps, baxis, bmin, bmax, bdtype = bdq.args
    assert (baxis, bmin, bmax, bdtype) == (0, -(2**31), 2**31 - 1, torch.int32)
    assert _tensor(ep, b).dtype == torch.int32 and not _tensor(ep, b_zps).any()
    expected = np.float32(s_in) * _tensor(ep, w_scales).numpy().astype(np.float32)
    assert np.array_equal(_tensor(ep, b_scales).numpy(), expected)


def test_uint8_per_tensor_weights():
    ep = zoo.quantized_program("conv_bn_relu", "uint8", per_channel=False)
    conv = _nodes(ep, aten.conv2d.default)[0]
    wdq, bdq = conv.args[1], conv.args[2]
    assert wdq.target == DQ and bdq.target == DQ
    assert wdq.args[3:] == (0, 255, torch.uint8)
    assert bdq.args[2:] == (0, -(2**31), 2**31 - 1, torch.int32)
    s_in = _producer_input_q(conv).args[1]
    assert bdq.args[1] == float(np.float32(s_in) * np.float32(wdq.args[1]))


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
def test_conv_transpose_weights_are_per_output_channel(scheme):
    """ConvTranspose2d's weight is IOHW: output channels are axis 1."""
    ep = zoo.quantized_program("conv_transpose", scheme)
    conv = _nodes(ep, aten.conv_transpose2d.input)[0]
    wdq, bdq = conv.args[1], conv.args[2]
    assert wdq.target == DQC and wdq.args[3] == 1
    assert _tensor(ep, wdq.args[1]).shape == (6,)  # one scale per output channel
    assert bdq.target == DQC and _tensor(ep, bdq.args[1]).shape == (6,)


FIXED = {  # (scheme, op) -> (scale, zero point), as TFLite's kernels require
    ("uint8", "sigmoid"): (1 / 256, 0), ("uint8", "tanh"): (1 / 128, 128),
    ("uint8", "softmax"): (1 / 256, 0),
    ("int8", "sigmoid"): (1 / 256, -128), ("int8", "tanh"): (1 / 128, 0),
    ("int8", "softmax"): (1 / 256, -128),
    ("int16", "sigmoid"): (1 / 32768, 0), ("int16", "tanh"): (1 / 32768, 0),
    ("int16", "softmax"): (1 / 32768, 0),
}


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
def test_fixed_output_qparams(scheme):
    ep = zoo.quantized_program("activations", scheme)
    targets = {"sigmoid": aten.sigmoid.default, "tanh": aten.tanh.default,
               "softmax": aten.softmax.int}
    for op, target in targets.items():
        (node,) = _nodes(ep, target)
        (q,) = node.users
        assert q.target == Q
        assert (q.args[1], q.args[2]) == FIXED[(scheme, op)], op


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
def test_pools_and_reshapes_keep_their_input_qparams(scheme):
    ep = zoo.quantized_program("pools", scheme)
    for target in (aten.max_pool2d.default, aten.avg_pool2d.default, aten.flatten.using_ints):
        (node,) = _nodes(ep, target)
        (q_out,) = node.users
        q_in = _producer_input_q(node)
        assert q_out.args[1:] == q_in.args[1:], node.name
    # adaptive average pooling (MEAN) may rescale: it has its own observer
    (node,) = _nodes(ep, aten.adaptive_avg_pool2d.default)
    assert next(iter(node.users)).target == Q


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
def test_cat_inputs_and_output_share_qparams(scheme):
    ep = zoo.quantized_program("activations", scheme)
    (cat,) = _nodes(ep, aten.cat.default)
    params = {dq.args[1:] for dq in cat.args[0]}
    (q_out,) = cat.users
    assert params == {q_out.args[1:]}


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
def test_cat_range_covers_every_input(scheme):
    """cat's first input is sigmoid (fixed range [0, 1)): the shared range must still hold
    hardswish and silu, which reach below 0 and above 1."""
    name = "activations"
    ep = zoo.quantized_program(name, scheme)
    (cat,) = _nodes(ep, aten.cat.default)
    (q_out,) = cat.users
    _, scale, zp, qmin, qmax, _ = q_out.args
    lo, hi = (qmin - zp) * scale, (qmax - zp) * scale
    model = zoo.float_model(name)
    seen = []
    model.conv.register_forward_hook(lambda m, i, o: seen.append(o))
    with torch.no_grad():
        for batch in zoo.calibration_data(name):
            model(*batch)
    y = torch.cat(seen)
    for f in (torch.nn.functional.hardswish, torch.nn.functional.silu):
        assert lo <= float(f(y).min()) and float(f(y).max()) <= hi + scale
    assert float(f(y).max()) > 1.0  # the data does exceed sigmoid's range


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
@pytest.mark.parametrize(
    "name,producers,activation",
    [
        ("conv_bn_relu", {aten.conv2d.default}, aten.relu.default),
        ("qat_conv_bn", {aten.conv2d.default}, aten.relu.default),
        ("depthwise", {aten.conv2d.default}, aten.hardtanh.default),
        ("mobilenet_block", {aten.conv2d.default}, aten.hardtanh.default),
        ("residual_add", {aten.conv2d.default, aten.add.Tensor}, aten.relu.default),
    ],
)
def test_activation_fused_without_qdq(name, producers, activation, scheme):
    ep = zoo.quantized_program(name, scheme)
    acts = _nodes(ep, activation)
    assert acts
    for act in acts:
        assert act.args[0].target in producers, f"{act.name} follows {act.args[0].target}"
        (q,) = act.users
        assert q.target == Q
    # batch norm is folded away in PTQ and QAT alike
    assert not _nodes(ep, aten.batch_norm.default)


@pytest.mark.parametrize("name,target", [("activations", aten.split.Tensor),
                                         ("transformer_block", aten.unbind.int)])
def test_split_outputs_share_the_input_qparams(name, target):
    ep = zoo.quantized_program(name, "int8")
    (split,) = _nodes(ep, target)
    q_in = _producer_input_q(split)
    assert len(split.users) > 1
    for item in split.users:
        (q,) = item.users
        assert q.args[1:] == q_in.args[1:]


def test_qat_export_integer_nodes_are_not_annotated():
    """num_batches_tracked.add_(1) in a train-mode export must stay unannotated (QAT pitfall)."""
    model = zoo.float_model("qat_conv_bn")
    gm = torch.export.export(model, zoo.example_inputs("qat_conv_bn")).module()
    CircleQuantizer("int8", is_qat=True).annotate(gm)
    annotated = {n.target: "quantization_annotation" in n.meta for n in gm.graph.nodes}
    assert annotated[aten.add_.Tensor] is False
    assert annotated[aten.conv2d.default] is True


def test_supported_operators():
    ops = CircleQuantizer.get_supported_operators()
    for target in ("aten.conv2d.default", "aten.conv_transpose2d.input", "aten.linear.default",
                   "aten.matmul.default", "aten.softmax.int", "aten.layer_norm.default",
                   "aten.cat.default", "aten.embedding.default", "aten.max_pool2d.default"):
        assert target in ops
    assert ops == sorted(set(ops))


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="unknown quantization scheme 'int4'"):
        CircleQuantizer("int4")


def test_public_names():
    assert compiler.CircleQuantizer is CircleQuantizer
    assert compiler.quantize is quantize


def test_standard_torchao_calls_with_bare_tensor_batches():
    """CircleQuantizer is a plain torchao Quantizer; quantize() takes bare tensors too."""
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    model = zoo.float_model("linear")
    x = zoo.example_inputs("linear")
    prepared = prepare_pt2e(torch.export.export(model, x).module(), CircleQuantizer("int8"))
    for batch in zoo.calibration_data("linear"):
        prepared(*batch)
    converted = convert_pt2e(prepared)
    ep = quantize(model, x[0], [b[0] for b in zoo.calibration_data("linear")], scheme="int8",
                  progress=False)
    # same calibration, same quantizer: the two routes agree exactly
    assert torch.equal(converted(*x), ep.module()(*x))


def test_int16_is_more_accurate_than_int8():
    """On data within the calibrated range (no saturation), 16x8 resolves far finer."""
    name = "mobilenet_block"
    x = zoo.calibration_data(name)[0]
    with torch.no_grad():
        ref = zoo.float_model(name)(*x)
        err = {s: float((zoo.quantized_program(name, s).module()(*x) - ref).abs().max())
               for s in zoo.SCHEMES}
    scale = float(ref.abs().max())
    assert err["int8"] < 0.05 * scale and err["uint8"] < 0.05 * scale
    # weights stay 8-bit in 16x8, so their error bounds the gain (measured: ~10x)
    assert err["int16"] < err["int8"] / 4


def test_int16_activation_scale_is_not_clamped_by_eps():
    """i16 symmetric: scale = max|x| / 32767.5 over the calibration data (eps is far below)."""
    ep = zoo.quantized_program("linear", "int16")
    q = next(n for n in ep.graph.nodes if n.target == Q and n.args[0].op == "placeholder")
    max_abs = max(float(b[0].abs().max()) for b in zoo.calibration_data("linear"))
    assert q.args[1] == pytest.approx(max_abs / 32767.5, rel=1e-6)
    assert q.args[2] == 0


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
def test_qat_folded_bias_is_quantized(scheme):
    """A bias-less conv before BN: the folded bias is i32 with scale s_in * s_w, not float."""
    ep = zoo.quantized_program("qat_conv_bn", scheme)
    (conv,) = _nodes(ep, aten.conv2d.default)
    wdq, bdq = conv.args[1], conv.args[2]
    assert wdq.target == DQC and bdq.target == DQC
    assert bdq.args[4:] == (-(2**31), 2**31 - 1, torch.int32)
    s_in = _producer_input_q(conv).args[1]
    expected = np.float32(s_in) * _tensor(ep, wdq.args[1]).numpy().astype(np.float32)
    assert np.array_equal(_tensor(ep, bdq.args[1]).numpy(), expected)
    # the zero bias was folded away: it does not survive into the program
    assert not any("circle_zero_bias" in k for k in ep.state_dict if "frozen" not in k)


def test_qat_conv_transpose_per_channel_is_refused():
    """prepare_qat_pt2e would silently quantize along axis 0 instead of 1: refuse instead."""
    model = zoo.float_model("conv_transpose")
    gm = torch.export.export(model, zoo.example_inputs("conv_transpose")).module()
    with pytest.raises(NotImplementedError, match="QAT with per-channel weights along an axis"):
        CircleQuantizer("int8", is_qat=True).annotate(gm)


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
def test_embedding_rows_keep_the_table_qparams(scheme):
    ep = zoo.quantized_program("embedding", scheme)
    (emb,) = _nodes(ep, aten.embedding.default)
    table_dq, indices = emb.args[0], emb.args[1]
    assert table_dq.target == DQ and indices.op == "placeholder"  # indices stay int64
    (q_out,) = emb.users
    assert q_out.args[1:] == table_dq.args[1:]


class _Elementwise(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 1)

    def forward(self, x):
        y = torch.clamp(self.conv(x), 0.0, 6.0)          # fused into the conv
        z = torch.clamp(x, -0.5, 0.5)                    # a clamp of its own
        m = torch.maximum(torch.neg(z), torch.abs(z))
        return y.mean() + torch.minimum(m, z).sum() + torch.log(y + 1.0).mean()


def test_more_elementwise_ops_are_quantized():
    model = _Elementwise().eval()
    x = torch.randn(1, 3, 4, 4)
    ep = quantize(model, x, [x, x * 2], scheme="int8", progress=False)
    clamps = _nodes(ep, aten.clamp.default)
    fused = [c for c in clamps if c.args[0].target == aten.conv2d.default]
    assert len(fused) == 1 and len(clamps) == 2
    for target in (aten.clamp.default, aten.neg.default, aten.abs.default, aten.maximum.default,
                   aten.minimum.default, aten.log.default, aten.mean.default, aten.sum.default):
        for node in _nodes(ep, target):
            assert [u.target for u in node.users] == [Q], node.name
            if node not in fused:
                assert all(a.target == DQ for a in node.args if isinstance(a, torch.fx.Node))


@pytest.mark.parametrize("scheme", ["uint8", "int8", "int16"])
def test_prelu_slope_dtype(scheme):
    """The PReLU slope is quantized like an activation in the 8-bit schemes, and as an
    int8 per-tensor tensor in int16 (TFLite's int16 PRELU reads its alpha as int8)."""
    model = torch.nn.PReLU(3).eval()
    with torch.no_grad():
        model.weight.copy_(torch.tensor([0.1, -0.3, 0.25]))
    x = torch.randn(1, 3, 4, 4)
    ep = quantize(model, x, [x, x * 2], scheme=scheme, progress=False)
    (prelu,) = _nodes(ep, aten.prelu.default)
    x_dq, w_dq = prelu.args
    assert x_dq.target == DQ and w_dq.target == DQ
    assert x_dq.args[5] == ACT[scheme][0]
    want = (torch.int8, -127, 127) if scheme == "int16" else ACT[scheme]
    assert (w_dq.args[5], w_dq.args[3], w_dq.args[4]) == want
