"""The reference interpreter against independent references.

- quant ops against torch's `quantized_decomposed` ops (bit-exact, ties and saturation);
- circle integer kernels against naive per-element loops written from TFLite's
  reference kernels (skip out-of-bounds cells, int32 accumulate, per-channel rescale);
- circle float kernels against torch's NCHW ops (float tolerance 1e-5 relative);
- user errors: wrong inputs, missing kernels, qparams the kernels cannot honour.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.ao.quantization.fx._decomposed  # noqa: F401  (registers quantized_decomposed)
from xdsl.dialects.builtin import f32

from compiler.dialects import circle
from compiler.interpreter import run
from compiler.interpreter.build import Const, Input, single_op_module, tensor
from compiler.ir.context import make_context
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import make_quantized_type
from xdsl.parser import Parser

from test_interpreter_fixedpoint import ref_mbqm
from compiler.interpreter.fixedpoint import quantize_multiplier

torch.set_num_threads(1)


def parse(text: str):
    return Parser(make_context(), text).parse_module()


# ---- quant dialect ------------------------------------------------------------------------


QUANT_MODULE = """
func.func @main(%x: tensor<2x6xf32>) -> (tensor<2x6x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x6xf32>, tensor<2x6xui8>) {
  %q = quant.qcast %x : tensor<2x6xf32> to tensor<2x6x!quant.uniform<u8:f32, 0.5:3>>
  %d = quant.dcast %q : tensor<2x6x!quant.uniform<u8:f32, 0.5:3>> to tensor<2x6xf32>
  %s = quant.scast %q : tensor<2x6x!quant.uniform<u8:f32, 0.5:3>> to tensor<2x6xui8>
  func.return %q, %d, %s : tensor<2x6x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x6xf32>, tensor<2x6xui8>
}
"""


def test_qcast_dcast_match_torch_on_ties_and_saturation():
    m = parse(QUANT_MODULE)
    # x / 0.5 = -1.5, -0.5, 0.5, 1.5, 2.5 (ties -> even), far out of range both ways
    x = np.array([[-0.75, -0.25, 0.25, 0.75, 1.25, 500.0],
                  [-500.0, -1.5, 0.1, 0.3, 126.0, 126.25]], dtype=np.float32)
    q, d, s = run(m, [x])
    tq = torch.ops.quantized_decomposed.quantize_per_tensor(
        torch.from_numpy(x), 0.5, 3, 0, 255, torch.uint8)
    td = torch.ops.quantized_decomposed.dequantize_per_tensor(tq, 0.5, 3, 0, 255, torch.uint8)
    assert q.dtype == np.uint8 and s.dtype == np.uint8
    np.testing.assert_array_equal(q, tq.numpy())
    np.testing.assert_array_equal(d, td.numpy())
    np.testing.assert_array_equal(s, q)
    assert q[0].tolist() == [1, 3, 3, 5, 5, 255]  # -1.5->-2, -0.5->0, 0.5->0, 1.5->2, 2.5->2 (+3)


def test_quant_constant_per_axis_dequantize():
    m = parse("""
    func.func @main() -> tensor<2x2xf32> {
      %w = quant.constant dense<[[1, -2], [3, 127]]> : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25}>>
      %f = quant.dcast %w : tensor<2x2x!quant.uniform<i8<-127:127>:f32:0, {0.5,0.25}>> to tensor<2x2xf32>
      func.return %f : tensor<2x2xf32>
    }""")
    (f,) = run(m, [])
    np.testing.assert_array_equal(f, [[0.5, -1.0], [0.75, 31.75]])


# ---- circle integer kernels vs naive loops ------------------------------------------------


def naive_conv_int8(x, zp_in, w, b, in_scale, w_scales, out_scale, zp_out, stride, pad_tb_lr,
                    out_hw):
    """TFLite `ConvPerChannel`, one output element at a time."""
    n, h, wd, c = x.shape
    o, kh, kw, _ = w.shape
    oh, ow = out_hw
    out = np.zeros((n, oh, ow, o), dtype=np.int64)
    for oc in range(o):
        m, shift = quantize_multiplier(in_scale * w_scales[oc] / out_scale)
        for y in range(oh):
            for xx in range(ow):
                acc = 0
                for ky in range(kh):
                    for kx in range(kw):
                        iy, ix = y * stride - pad_tb_lr[0] + ky, xx * stride - pad_tb_lr[1] + kx
                        if 0 <= iy < h and 0 <= ix < wd:
                            for ic in range(c):
                                acc += (int(x[0, iy, ix, ic]) - zp_in) * int(w[oc, ky, kx, ic])
                acc += int(b[oc])
                v = ref_mbqm(acc, m, shift) + zp_out
                out[0, y, xx, oc] = min(127, max(-128, v))
    return out.astype(np.int8)


@pytest.mark.parametrize("padding,stride,out_hw,pads", [("SAME", 1, (5, 5), (1, 1)),
                                                        ("VALID", 2, (2, 2), (0, 0)),
                                                        ("SAME", 2, (3, 3), (1, 1))])
def test_conv_int8_per_channel_matches_naive_loop(padding, stride, out_hw, pads):
    rng = np.random.default_rng(0)
    f32v = lambda v: float(np.float32(v))  # noqa: E731
    in_s, out_s = f32v(0.04), f32v(0.09)
    w_s = [f32v(s) for s in (0.011, 0.007, 0.019)]
    ti = make_quantized_type("i8", in_s, -128)  # zero point at the storage minimum
    to = make_quantized_type("i8", out_s, 127)  # and at the maximum
    tw = make_quantized_type("i8", w_s, 0, axis=0, qmin=-127, qmax=127)
    tb = make_quantized_type("i32", [f32v(in_s * s) for s in w_s], 0, axis=0)
    w = rng.integers(-127, 128, (3, 3, 3, 2))
    b = rng.integers(-500, 500, 3)
    m = single_op_module(circle.Conv2DOp, [Input(tensor([1, 5, 5, 2], ti)),
                                           Const(w, tensor(w.shape, tw)), Const(b, tensor([3], tb))],
                         [tensor([1, *out_hw, 3], to)], padding=padding, stride_h=stride,
                         stride_w=stride)
    x = rng.integers(-128, 128, (1, 5, 5, 2)).astype(np.int8)
    want = naive_conv_int8(x, -128, w, b, in_s, w_s, out_s, 127, stride, pads, out_hw)
    np.testing.assert_array_equal(run(m, [x])[0], want)


def test_average_pool_rounds_half_away_from_zero_excluding_padding():
    t = make_quantized_type("i8", 0.1, 0)
    m = single_op_module(circle.AveragePool2DOp, [Input(tensor([1, 2, 2, 1], t))],
                         [tensor([1, 2, 2, 1], t)], padding="SAME", filter_height=2,
                         filter_width=2)
    x = np.array([[[[1], [2]], [[-3], [-2]]]], dtype=np.int8)
    # windows (SAME, 2x2, stride 1) hold 4, 2, 2 and 1 real cells:
    # (1+2-3-2)/4 = -0.5 -> -1; (2-2)/2 = 0; (-3-2)/2 = -2.5 -> -3; -2/1 = -2
    assert run(m, [x])[0].reshape(-1).tolist() == [-1, 0, -3, -2]


def test_add_int8_hand_computed():
    """ADD of equal-scale inputs into a doubled output scale: 2 x 2 inputs on ties."""
    t_in = make_quantized_type("i8", 0.5, 0)
    t_out = make_quantized_type("i8", 1.0, 0)
    m = single_op_module(circle.AddOp, [Input(tensor([4], t_in)), Input(tensor([4], t_in))],
                         [tensor([4], t_out)], fused_activation_function="RELU")
    a = np.array([1, 2, -1, 127], dtype=np.int8)
    b = np.array([0, 1, -2, 127], dtype=np.int8)
    # real sums 0.5, 1.5, -1.5, 127 -> 1, 2, (-2 clamped by RELU to 0), 127
    assert run(m, [a, b])[0].tolist() == [1, 2, 0, 127]


# ---- circle float kernels vs torch -------------------------------------------------------


def nhwc(t: torch.Tensor) -> np.ndarray:
    return t.permute(0, 2, 3, 1).contiguous().numpy()


@pytest.mark.parametrize("groups", [1, 2])
def test_float_conv_matches_torch(groups):
    rng = np.random.default_rng(1)
    # SAME on 5x5 with stride 2 pads one cell on each side, as torch's padding=1
    x = torch.from_numpy(rng.normal(size=(1, 4, 5, 5)).astype(np.float32))
    w = torch.from_numpy(rng.normal(size=(6, 4 // groups, 3, 3)).astype(np.float32))
    b = torch.from_numpy(rng.normal(size=(6,)).astype(np.float32))
    want = torch.nn.functional.conv2d(x, w, b, stride=2, padding=1, dilation=1, groups=groups)
    m = single_op_module(circle.Conv2DOp, [Input(tensor([1, 5, 5, 4], f32)),
                                           Const(w.permute(0, 2, 3, 1).contiguous().numpy()),
                                           Const(b.numpy())],
                         [tensor([1, 3, 3, 6], f32)], padding="SAME", stride_h=2, stride_w=2)
    np.testing.assert_allclose(run(m, [nhwc(x)])[0], nhwc(want), rtol=1e-5, atol=1e-5)


def test_float_depthwise_and_transpose_conv_match_torch():
    rng = np.random.default_rng(2)
    x = torch.from_numpy(rng.normal(size=(1, 3, 5, 5)).astype(np.float32))
    w = torch.from_numpy(rng.normal(size=(6, 1, 3, 3)).astype(np.float32))  # multiplier 2
    want = torch.nn.functional.conv2d(x, w, None, padding=1, groups=3)
    m = single_op_module(circle.DepthwiseConv2DOp, [Input(tensor([1, 5, 5, 3], f32)),
                                                    Const(w.permute(1, 2, 3, 0).contiguous()
                                                          .numpy()), None],
                         [tensor([1, 5, 5, 6], f32)], padding="SAME", depth_multiplier=2)
    np.testing.assert_allclose(run(m, [nhwc(x)])[0], nhwc(want), rtol=1e-5, atol=1e-5)

    wt = torch.from_numpy(rng.normal(size=(3, 4, 3, 3)).astype(np.float32))  # IOHW
    # TFLite's SAME for a 10x10 output pads (0, 1): torch's full 11x11 result, cropped
    want = torch.nn.functional.conv_transpose2d(x, wt, None, stride=2)[:, :, :10, :10]
    m = single_op_module(circle.TransposeConvOp,
                         [Const(np.array([1, 10, 10, 4], np.int32)),
                          Const(wt.permute(1, 2, 3, 0).contiguous().numpy()),
                          Input(tensor([1, 5, 5, 3], f32)), None],
                         [tensor([1, 10, 10, 4], f32)], padding="SAME", stride_h=2, stride_w=2)
    np.testing.assert_allclose(run(m, [nhwc(x)])[0], nhwc(want), rtol=1e-5, atol=1e-5)


def test_float_pools_softmax_resize_match_torch():
    rng = np.random.default_rng(3)
    x = torch.from_numpy(rng.normal(size=(1, 2, 7, 7)).astype(np.float32))
    # SAME, 3x3, stride 2 on 7x7 pads one cell per side; padding cells are not counted
    cases = [
        (circle.AveragePool2DOp,
         torch.nn.functional.avg_pool2d(x, 3, 2, 1, count_include_pad=False)),
        (circle.MaxPool2DOp, torch.nn.functional.max_pool2d(x, 3, 2, 1)),
    ]
    for op, want in cases:
        m = single_op_module(op, [Input(tensor([1, 7, 7, 2], f32))],
                             [tensor([1, 4, 4, 2], f32)], padding="SAME", filter_height=3,
                             filter_width=3, stride_h=2, stride_w=2)
        np.testing.assert_allclose(run(m, [nhwc(x)])[0], nhwc(want), rtol=1e-5, atol=1e-6)
    sm = single_op_module(circle.SoftmaxOp, [Input(tensor([3, 7], f32))], [tensor([3, 7], f32)],
                          beta=2.0)
    y = rng.normal(size=(3, 7)).astype(np.float32)
    np.testing.assert_allclose(run(sm, [y])[0], torch.softmax(torch.from_numpy(2 * y), -1),
                               rtol=1e-5)
    rs = single_op_module(circle.ResizeBilinearOp, [Input(tensor([1, 6, 6, 2], f32)),
                                                    Const(np.array([9, 12], np.int32))],
                          [tensor([1, 9, 12, 2], f32)], half_pixel_centers=True)
    x = x[:, :, :6, :6]
    want = torch.nn.functional.interpolate(x, size=(9, 12), mode="bilinear",
                                           align_corners=False)
    np.testing.assert_allclose(run(rs, [nhwc(x)])[0], nhwc(want), rtol=1e-5, atol=1e-6)


# ---- errors ------------------------------------------------------------------------------


def test_run_rejects_wrong_inputs():
    m = parse(QUANT_MODULE)
    with pytest.raises(ValueError, match="expected shape"):
        run(m, [np.zeros((6, 2), np.float32)])
    with pytest.raises(ValueError, match="takes 1 inputs"):
        run(m, [])
    t = make_quantized_type("u8", 0.1, 0)
    m2 = single_op_module(circle.ReluOp, [Input(tensor([2], t))], [tensor([2], t)])
    with pytest.raises(ValueError, match="quantize float data first"):
        run(m2, [np.zeros(2, np.float32)])
    with pytest.raises(ValueError, match="do not fit uint8"):
        run(m2, [np.array([0, 300])])


def test_pool_with_differing_qparams_is_refused():
    ti, to = make_quantized_type("i8", 0.1, 0), make_quantized_type("i8", 0.2, 0)
    m = single_op_module(circle.MaxPool2DOp, [Input(tensor([1, 2, 2, 1], ti))],
                         [tensor([1, 1, 1, 1], to)], filter_height=2, filter_width=2)
    with pytest.raises(CompileError, match="equal input and output qparams"):
        run(m, [np.zeros((1, 2, 2, 1), np.int8)])


def test_every_circle_op_has_kernels_in_exactly_one_listed_family():
    """The runner registers the families it lists, explicitly: an op whose family is not
    listed, or that two families implement, is caught here rather than at run time."""
    from compiler.interpreter.runner import FUNCTIONS

    owners: dict[type, list[str]] = {}
    for functions in FUNCTIONS:
        for op_class in getattr(functions, "KERNELS", {}):
            owners.setdefault(op_class, []).append(functions.__name__)
    assert set(owners) == set(circle.CIRCLE_OPS) - {circle.ConstOp, circle.NoValueOp}
    assert {op.name: fs for op, fs in owners.items() if len(fs) > 1} == {}


def test_missing_integer_kernel_is_not_approximated(monkeypatch):
    # every quantized op that verifies has a kernel now: take one away to reach the dispatch
    from compiler.interpreter.circle_base import INTEGER
    from compiler.interpreter.circle_softmax import CircleSoftmaxFunctions

    monkeypatch.delitem(CircleSoftmaxFunctions.KERNELS[circle.LogSoftmaxOp], INTEGER)
    t = make_quantized_type("i8", 0.1, 0)
    m = single_op_module(circle.LogSoftmaxOp, [Input(tensor([2], t))], [tensor([2], t)])
    with pytest.raises(NotImplementedError, match="circle.log_softmax: no integer kernel"):
        run(m, [np.zeros(2, np.int8)])


def test_int16_log_softmax_is_refused():
    """LiteRT has no int16 LOG_SOFTMAX: nothing to be exact with, so no kernel."""
    t = make_quantized_type("i16", 1e-3, 0)
    m = single_op_module(circle.LogSoftmaxOp, [Input(tensor([2], t))], [tensor([2], t)])
    with pytest.raises(NotImplementedError, match="no i16 LOG_SOFTMAX kernel"):
        run(m, [np.zeros(2, np.int16)])


def test_int16_hard_swish_is_not_bit_exact_yet():
    ti, to = make_quantized_type("i16", 1e-3, 0), make_quantized_type("i16", 1e-3, 0)
    m = single_op_module(circle.HardSwishOp, [Input(tensor([2], ti))], [tensor([2], to)])
    with pytest.raises(NotImplementedError, match="not bit-exact yet"):
        run(m, [np.zeros(2, np.int16)])


def test_int16_logistic_needs_tflites_output_scale():
    """TFLite's Prepare requires the output scale 2^-15: anything else is refused, located."""
    ti, to = make_quantized_type("i16", 1e-3, 0), make_quantized_type("i16", 1 / 16384, 0)
    m = single_op_module(circle.LogisticOp, [Input(tensor([2], ti))], [tensor([2], to)])
    with pytest.raises(Exception, match="output scale 2\\^-15"):
        run(m, [np.zeros(2, np.int16)])


def test_entry_function_choice():
    two = parse("""
    func.func @a(%x: tensor<1xf32>) -> tensor<1xf32> { func.return %x : tensor<1xf32> }
    func.func @b(%x: tensor<1xf32>) -> tensor<1xf32> { func.return %x : tensor<1xf32> }
    """)
    with pytest.raises(CompileError, match="found @a, @b"):
        run(two, [np.zeros(1, np.float32)])


def test_aten_call_runs_tensor_only_targets_and_refuses_others():
    m = parse("""
    func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
      %y = aten.call %x {target = "aten.sigmoid.default", args = "(%x)"} : (tensor<3xf32>) -> tensor<3xf32>
      func.return %y : tensor<3xf32>
    }""")
    x = np.array([-1.0, 0.0, 2.0], np.float32)
    np.testing.assert_array_equal(run(m, [x])[0], torch.sigmoid(torch.from_numpy(x)).numpy())
    bad = parse("""
    func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
      %y = aten.call %x {target = "aten.elu.default", args = "(%x, 0.5)"} : (tensor<3xf32>) -> tensor<3xf32>
      func.return %y : tensor<3xf32>
    }""")
    with pytest.raises(CompileError, match="cannot evaluate 'aten.elu.default'"):
        run(bad, [x])
