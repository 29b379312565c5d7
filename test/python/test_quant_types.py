"""The quantized types' Python API: construction, verification, quantize/dequantize."""

import numpy as np
import pytest
import torch
import torch.ao.quantization.fx._decomposed  # noqa: F401  (registers quantized_decomposed ops)
from xdsl.dialects.builtin import TensorType
from xdsl.utils.exceptions import VerifyException

from compiler.ir import (
    UniformQuantizedPerAxisType,
    UniformQuantizedType,
    make_context,
    make_quantized_type,
    verify_quantized_tensor,
)
from xdsl.parser import Parser


def parse_type(text: str):
    return Parser(make_context(), text).parse_type()


@pytest.mark.parametrize(
    "text",
    [
        "!quant.uniform<u8:f32, 0.0257:123>",
        "!quant.uniform<i8:f32, 0.05:-3>",
        "!quant.uniform<i8<-127:127>:f32, 0.25>",
        "!quant.uniform<i16:f32, 3.0517578125e-05>",
        "!quant.uniform<i32:f32, 1.0e-06>",
        "!quant.uniform<i8<-127:127>:f32:0, {0.002,0.0019:1}>",
        "!quant.uniform<u8:f16:1, {0.1:128,0.2:3}>",
    ],
)
def test_spelling_round_trips(text):
    assert str(parse_type(text)) == text


def test_build_and_attributes():
    t = make_quantized_type("u8", 0.1, 128)
    assert isinstance(t, UniformQuantizedType)
    assert (t.qmin, t.qmax, t.storage_spelling) == (0, 255, "u8")
    p = make_quantized_type(torch.int8, [0.1, 0.2], 0, axis=0, qmin=-127, qmax=127)
    assert isinstance(p, UniformQuantizedPerAxisType)
    assert str(p) == "!quant.uniform<i8<-127:127>:f32:0, {0.1,0.2}>"
    assert make_quantized_type(np.int16, 0.5) == parse_type("!quant.uniform<i16:f32, 0.5>")


@pytest.mark.parametrize(
    "args, message",
    [
        (("u8", 0.0, 0), "scale must be finite and positive"),
        (("u8", float("inf"), 0), "scale must be finite and positive"),
        (("u8", 0.1, 256), "zero point 256 outside storage range"),
        (("i8", 0.1, 0, None, -200, 127), "storage bounds [-200, 127]"),
    ],
)
def test_invalid_parameters(args, message):
    with pytest.raises(VerifyException, match=message.replace("[", r"\[").replace("]", r"\]")):
        make_quantized_type(*args)


def test_per_axis_meets_tensor():
    p = make_quantized_type("i8", [0.1, 0.2, 0.3], 0, axis=1)
    verify_quantized_tensor(TensorType(p, [2, 3]))
    with pytest.raises(VerifyException, match="axis 1 has size 4 but 3 scales"):
        verify_quantized_tensor(TensorType(p, [2, 4]))
    with pytest.raises(VerifyException, match="out of range for a tensor of rank 1"):
        verify_quantized_tensor(TensorType(p, [3]))


def test_quantize_rounds_half_to_even_and_saturates():
    t = make_quantized_type("u8", 1.0, 10)
    q = t.quantize(np.array([0.5, 1.5, 2.5, -0.5, -1.5, 300.0, -300.0], np.float32))
    assert q.dtype == np.uint8
    assert q.tolist() == [10, 12, 12, 10, 8, 255, 0]
    narrow = make_quantized_type("i8", 1.0, 0, qmin=-127, qmax=127)
    assert narrow.quantize(np.array([-1000.0], np.float32)).tolist() == [-127]


def test_quantize_matches_torch_bit_exactly():
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(10000) * 3).astype(np.float32)
    # include exact ties of the scale
    x[:100] = (np.arange(100) - 50 + 0.5).astype(np.float32) * np.float32(0.0213)
    scale, zp = 0.0213, 131
    ours = make_quantized_type("u8", scale, zp).quantize(x)
    ref = torch.ops.quantized_decomposed.quantize_per_tensor(
        torch.from_numpy(x), scale, zp, 0, 255, torch.uint8
    ).numpy()
    np.testing.assert_array_equal(ours, ref)
    back = make_quantized_type("u8", scale, zp).dequantize(ours)
    ref_back = torch.ops.quantized_decomposed.dequantize_per_tensor(
        torch.from_numpy(ref), scale, zp, 0, 255, torch.uint8
    ).numpy()
    np.testing.assert_array_equal(back, ref_back)


def test_per_channel_matches_torch():
    rng = np.random.default_rng(1)
    w = rng.standard_normal((4, 3, 2)).astype(np.float32)
    scales = np.array([0.01, 0.02, 0.03], np.float32)
    t = make_quantized_type("i8", scales, 0, axis=1, qmin=-127, qmax=127)
    ours = t.quantize(w)
    ref = torch.ops.quantized_decomposed.quantize_per_channel(
        torch.from_numpy(w), torch.from_numpy(scales), torch.zeros(3, dtype=torch.int64),
        1, -127, 127, torch.int8,
    ).numpy()
    np.testing.assert_array_equal(ours, ref)
    np.testing.assert_allclose(t.dequantize(ours), ours * scales.reshape(1, 3, 1), rtol=0)
