"""`compiler.verify`: the metrics on hand-made tensors, the recording listener, stages."""

from __future__ import annotations

import math

import numpy as np
import pytest
from xdsl.dialects.builtin import NameLoc, StringAttr, TensorType, UnknownLoc, f32

from compiler.dialects import circle
from compiler.interpreter import run
from compiler.interpreter.build import Input, single_op_module, tensor
from compiler.ir.quant_types import make_quantized_type
from compiler.verify import Recorder, Tensor, compare, measure

runtimes = pytest.importorskip("runtimes")


def test_measure_float_metrics():
    a = Tensor(np.array([1.0, 2.0, 3.0, 4.0], np.float32))
    b = Tensor(np.array([1.0, 2.5, 3.0, 3.0], np.float32))
    r = measure("t", a, b)
    assert r.max_abs_error == 1.0
    assert r.max_lsb is None  # neither side is quantized
    assert r.exact_share == 0.5
    # SQNR = 10 log10(sum a^2 / sum (a-b)^2) = 10 log10(30 / 1.25)
    assert r.sqnr_db == pytest.approx(10 * math.log10(30 / 1.25))


def test_measure_quantized_same_qparams_counts_integer_steps():
    q = TensorType(make_quantized_type("u8", 0.5, 10), [3])
    a = Tensor(np.array([10, 20, 30], np.uint8), q)
    b = Tensor(np.array([10, 23, 29], np.uint8), q)
    r = measure("q", a, b)
    assert r.max_lsb == 3.0
    assert r.max_abs_error == 1.5
    assert r.exact_share == pytest.approx(1 / 3)


def test_measure_float_against_quantized_uses_its_step():
    q = TensorType(make_quantized_type("i8", 0.25, 0), [2])
    a = Tensor(np.array([1.0, -1.0], np.float32))
    b = Tensor(np.array([4, -5], np.int8), q)  # 1.0, -1.25
    r = measure("mixed", a, b)
    assert r.max_abs_error == 0.25 and r.max_lsb == 1.0
    assert measure("same", a, a).sqnr_db == math.inf


def test_recorder_keeps_every_result_by_name():
    t = make_quantized_type("i8", 0.1, 0)
    m = single_op_module(circle.ReluOp, [Input(tensor([4], t))], [tensor([4], t)])
    relu = next(op for op in m.walk() if isinstance(op, circle.ReluOp))
    relu.location = NameLoc(StringAttr("act"), UnknownLoc())
    rec = Recorder()
    x = np.array([-5, 0, 5, 127], np.int8)
    (y,) = run(m, [x], listeners=[rec])
    assert list(rec.named) == ["act"]
    np.testing.assert_array_equal(rec.named["act"].array, y)
    assert rec.named["act"].type == relu.output.type
    assert [op.name for op, _ in rec.ordered] == ["circle.relu"]


def _requantize_module():
    ti = make_quantized_type("i8", 0.05, 3)
    to = make_quantized_type("i8", 0.1, -2)
    return single_op_module(circle.QuantizeOp, [Input(tensor([32], ti))], [tensor([32], to)])


def test_compare_stage_with_itself_flatbuffer_and_litert():
    from compiler.codegen import write_circle, write_tflite

    m = _requantize_module()
    x = np.linspace(-3, 3, 32).astype(np.float32)  # float inputs are quantized per stage
    same = compare(m, m, [x])
    assert same.outputs[0].max_lsb == 0 and same.outputs[0].exact_share == 1.0
    via_bytes = compare(m, write_circle(m), [x])
    assert via_bytes.outputs[0].max_lsb == 0
    litert = compare(m, ("litert", write_tflite(m)), [x])
    assert litert.outputs[0].max_lsb == 0 and litert.outputs[0].sqnr_db == math.inf
    assert "output #0" in str(litert)


def test_compare_reports_a_real_difference():
    relu = single_op_module(circle.ReluOp, [Input(tensor([4], f32))], [tensor([4], f32)])
    relu6 = single_op_module(circle.Relu6Op, [Input(tensor([4], f32))], [tensor([4], f32)])
    x = np.array([-1.0, 2.0, 5.0, 8.0], np.float32)
    r = compare(relu, relu6, [x]).outputs[0]
    assert r.max_abs_error == 2.0  # 8 vs 6
    assert r.exact_share == 0.75
    assert r.sqnr_db == pytest.approx(10 * math.log10((4 + 25 + 64) / 4))


def test_compare_float_module_with_torch():
    import torch

    f = single_op_module(circle.ReluOp, [Input(tensor([2, 3], f32))], [tensor([2, 3], f32)])
    x = np.array([[-1.0, 0.5, 2.0], [3.0, -4.0, 0.0]], np.float32)
    r = compare(torch.nn.ReLU(), f, [x])
    assert r.outputs[0].max_abs_error == 0.0


def test_compare_with_onert():
    from compiler.codegen import write_circle

    t1, t2 = make_quantized_type("u8", 0.05, 100), make_quantized_type("u8", 0.03, 7)
    to = make_quantized_type("u8", 0.07, 60)
    m = single_op_module(circle.AddOp, [Input(tensor([16], t1)), Input(tensor([16], t2))],
                         [tensor([16], to)])
    rng = np.random.default_rng(0)
    xs = [rng.integers(0, 256, 16).astype(np.uint8) for _ in range(2)]
    r = compare(m, ("onert", write_circle(m)), xs).outputs[0]
    assert r.max_lsb == 0 and r.exact_share == 1.0


def test_lsb_of_a_dequantized_float_output():
    """A float output produced by DEQUANTIZE is counted in its quantized step."""
    t = make_quantized_type("i8", 0.5, 0)
    deq = single_op_module(circle.DequantizeOp, [Input(tensor([3], t))], [tensor([3], f32)])
    relu = single_op_module(circle.ReluOp, [Input(tensor([3], f32))], [tensor([3], f32)])
    x = np.array([-1.0, 0.5, 2.0], np.float32)  # quantized for `deq`: -2, 1, 4 (step 0.5)
    r = compare(relu, deq, [x]).outputs[0]
    assert r.max_abs_error == 1.0 and r.max_lsb == 2.0  # relu(-1) = 0 vs -1.0: 2 steps
