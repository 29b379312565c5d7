"""Runtime bisection (`compiler.bisect`) and `qcompile --verify` failing loudly.

The departing cases are built on purpose: a uint8 `.circle` chain with a grouped
(non-depthwise) CONV_2D, which onert 0.1.0 computes wrongly (measured: ~21 % of the
elements equal here, and not even deterministic: the result changes with the memory
around it); and, for qcompile, a runtime whose kernel for one op is made to
compute differently (the file the runtime loads gets that op's bias changed), so the
test does not depend on which ops the compiler emits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from compiler.bisect import bisect, tolerance
from compiler.codegen import write_circle
from compiler.ir.context import make_context
from compiler.ir.diagnostics import LocatingParser
from compiler import runtimes
from compiler.runtimes import as_declared, run_every_tensor, run_onert, with_every_output

ROOT = Path(__file__).resolve().parents[2]
GROUPED = ROOT / "test" / "lit" / "tools" / "Inputs" / "grouped_conv_u8.mlir"

needs_onert = pytest.mark.skipif(not runtimes.onert_available(), reason="onert not installed")
needs_litert = pytest.mark.skipif(not runtimes.litert_available(), reason="LiteRT not installed")


def _parse(text: str, name: str = "<test>"):
    return LocatingParser(make_context(), text, name).parse_module()


def _grouped():
    module = _parse(GROUPED.read_text(), str(GROUPED))
    x = np.random.default_rng(0).integers(0, 256, (1, 6, 6, 8)).astype(np.uint8)
    return module, write_circle(module), [x]


@needs_onert
def test_bisect_names_the_grouped_conv_in_onert():
    module, data, xs = _grouped()
    b = bisect(data, xs, "onert", source=module)
    assert not b.outputs_equal
    assert b.compared == 3
    assert [d.builtin for d in b.departures] == ["CONV_2D"]  # not the ADD, not the pool
    d = b.error
    assert d is b.first and d.index == 1 and d.name == "grouped_conv"
    assert d.location is not None and d.location.endswith("'grouped_conv'")
    assert d.output.startswith("'grouped_conv' u8 scale 0.2 zp 100 [1, 6, 6, 8]")
    assert d.inputs[0].startswith("'double' u8 scale 0.1 zp 128")
    assert "per-axis (dim 0, 8 scales" in d.inputs[1]
    assert d.total == 288 and d.differing > 100 and d.max_steps > 10
    assert sum(d.histogram.values()) == d.differing
    assert not d.tolerated and d.tolerance == 0
    text = str(b)
    assert "first divergent op #1 CONV_2D" in text and "beyond the tolerance" in text


_CHAIN = """
func.func @main(%x: tensor<1x6x6x8x!quant.uniform<u8:f32, 0.05:128>>) -> tensor<1x72x!quant.uniform<u8:f32, 0.13:120>> {
  %a = circle.add %x, %x : (tensor<1x6x6x8x!quant.uniform<u8:f32, 0.05:128>>, tensor<1x6x6x8x!quant.uniform<u8:f32, 0.05:128>>) -> tensor<1x6x6x8x!quant.uniform<u8:f32, 0.13:120>> loc("double")
  %p = circle.max_pool_2d %a {padding = "VALID", stride_w = 2 : i32, stride_h = 2 : i32, filter_width = 2 : i32, filter_height = 2 : i32} : (tensor<1x6x6x8x!quant.uniform<u8:f32, 0.13:120>>) -> tensor<1x3x3x8x!quant.uniform<u8:f32, 0.13:120>> loc("pool")
  %s = circle.const dense<[1, 72]> : tensor<2xi32>
  %r = circle.reshape %p, %s : (tensor<1x3x3x8x!quant.uniform<u8:f32, 0.13:120>>, tensor<2xi32>) -> tensor<1x72x!quant.uniform<u8:f32, 0.13:120>> loc("flat")
  func.return %r : tensor<1x72x!quant.uniform<u8:f32, 0.13:120>>
}
"""


@needs_onert
def test_onert_debug_copy_keeps_outputs_and_shows_every_tensor():
    from compiler.interpreter import run
    from compiler.verify import Recorder

    module = _parse(_CHAIN)
    data = write_circle(module)
    xs = [np.random.default_rng(0).integers(0, 256, (1, 6, 6, 8)).astype(np.uint8)]
    debug, shown = with_every_output(data)
    assert len(shown) == 3  # the output, then the ADD and the pool, tapped
    assert shown[0][1] is None and all(tap is not None for _, tap in shown[1:])
    np.testing.assert_array_equal(run_onert(debug, xs)[0], run_onert(data, xs)[0])
    every = run_every_tensor("onert", data, xs)
    rec = Recorder()
    run(module, xs, [rec])
    (add, _), (pool, _) = shown[1:]
    np.testing.assert_array_equal(every.tensors[add], rec.named["double"].array)
    np.testing.assert_array_equal(every.tensors[pool], rec.named["pool"].array)
    assert not bisect(data, xs, "onert").departures


_FLOAT_BOOL = """
func.func @main(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xi1> {
  %a = circle.add %x, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("sum")
  %g = circle.greater %a, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1> loc("gt")
  %n = circle.logical_not %g : (tensor<2x3xi1>) -> tensor<2x3xi1> loc("not")
  func.return %n : tensor<2x3xi1>
}
"""


@needs_onert
def test_onert_float_and_bool_intermediates_come_back_through_copies():
    # a float and a bool result that another op reads: as plain graph outputs onert
    # returns garbage for them; tapped (ADD of 0, LOGICAL_OR with itself) they are exact
    from compiler.interpreter import run
    from compiler.verify import Recorder

    module = _parse(_FLOAT_BOOL)
    data = write_circle(module)
    rng = np.random.default_rng(2)
    xs = [rng.standard_normal((2, 3)).astype(np.float32) for _ in range(2)]
    _, shown = with_every_output(data)
    assert len(shown) == 3 and all(tap is None for _, tap in shown)
    every = run_every_tensor("onert", data, xs)
    rec = Recorder()
    run(module, xs, [rec])
    (add, _), (gt, _) = shown[1:]
    np.testing.assert_array_equal(every.tensors[add], rec.named["sum"].array)
    np.testing.assert_array_equal(every.tensors[gt], rec.named["gt"].array)
    assert not bisect(data, xs, "onert").departures


_SQUEEZED = """
func.func @main(%x: tensor<1x8x16x!quant.uniform<u8:f32, 0.05:128>>) -> tensor<1x8x16x!quant.uniform<u8:f32, 0.1:128>> {
  %w = circle.const dense<130> : tensor<16x16xui8> to tensor<16x16x!quant.uniform<u8:f32, 0.01:128>>
  %none = circle.no_value : none
  %y = circle.fully_connected %x, %w, %none {keep_num_dims = true} : (tensor<1x8x16x!quant.uniform<u8:f32, 0.05:128>>, tensor<16x16x!quant.uniform<u8:f32, 0.01:128>>, none) -> tensor<1x8x16x!quant.uniform<u8:f32, 0.1:128>>
  func.return %y : tensor<1x8x16x!quant.uniform<u8:f32, 0.1:128>>
}
"""


@needs_onert
def test_onert_squeezed_output_shape_is_restored():
    # onert's infer() returns this FULLY_CONNECTED output as [8, 16]; the runner gives
    # the declared [1, 8, 16], so comparisons and the bisection see equal shapes
    data = write_circle(_parse(_SQUEEZED))
    x = np.random.default_rng(1).integers(0, 256, (1, 8, 16)).astype(np.uint8)
    from onert import infer
    import tempfile
    import os

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.circle")
        Path(path).write_bytes(data)
        s = infer.session(path, "cpu")
        s._update_inputs_tensorinfo = lambda infos: None
        raw = s.infer([x])[0]
    assert raw.shape == (8, 16)  # the quirk, as measured with onert 0.1.0
    out = run_onert(data, [x])[0]
    assert out.shape == (1, 8, 16)
    np.testing.assert_array_equal(out.reshape(8, 16), raw)
    b = bisect(data, [x], "onert")
    assert b.outputs_equal and not b.departures


@needs_onert
def test_a_runtime_crash_is_a_refusal_when_isolated():
    # onert 0.1.0 dies with SIGSEGV on this file (not a model at all); in a child process
    # that is a RuntimeRefused saying so, and the caller goes on
    with pytest.raises(runtimes.RuntimeRefused, match="onert: crashed"):
        runtimes.run_runtime("onert", b"junkjunkjunk", [], isolated=True)


def test_as_declared_only_reshapes_matching_counts():
    a = np.arange(128).reshape(8, 16)
    assert as_declared(a, (1, 8, 16)).shape == (1, 8, 16)
    assert as_declared(a, (1, 8, 17)).shape == (8, 16)  # a real mismatch stays visible


def test_tolerances_are_per_op_and_runtime():
    module, _, _ = _grouped()
    ops = [op for op in module.walk() if op.name == "circle.conv_2d"]
    assert tolerance("onert", None, ops[0]) == 0
    mean = _parse("""
func.func @main(%x: tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:128>>) -> tensor<1x1x1x2x!quant.uniform<u8:f32, 0.05:128>> {
  %a = circle.const dense<[1, 2]> : tensor<2xi32>
  %m = circle.mean %x, %a {keep_dims = true} : (tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:128>>, tensor<2xi32>) -> tensor<1x1x1x2x!quant.uniform<u8:f32, 0.05:128>>
  func.return %m : tensor<1x1x1x2x!quant.uniform<u8:f32, 0.05:128>>
}""")
    op = next(o for o in mean.walk() if o.name == "circle.mean")
    assert tolerance("onert", None, op) == 1
    assert tolerance("litert", "BUILTIN_REF", op) == 0


#: The measured tolerances (docs/runtimes.md): (runtime, resolver) -> {(builtin, output
#: storage): steps}. The ops' `Tolerance` traits must declare exactly these.
MEASURED_TOLERANCES = {
    ("onert", None): {
        # MEAN u8: only over non-contiguous axes (target-legalize makes the rest convolutions)
        ("MEAN", "u8"): 1, ("RESIZE_BILINEAR", "u8"): 1, ("SIN", "f32"): 1, ("COS", "f32"): 1,
        # BATCH_MATMUL f32: 8 below depth 1024, growing beyond (onert_float_matmul_ulps)
        ("BATCH_MATMUL", "f32"): 8, ("GELU", "f32"): 1, ("MEAN", "f32"): 4,
    },
    ("litert", "BUILTIN_REF"): {("SIN", "f32"): 1, ("COS", "f32"): 1, ("CONV_3D", "f32"): 3},
    ("litert", "BUILTIN_WITHOUT_DEFAULT_DELEGATES"): {
        ("CONV_2D", "i8"): 1, ("DEPTHWISE_CONV_2D", "i8"): 1, ("FULLY_CONNECTED", "i8"): 1,
        ("MEAN", "i8"): 1, ("QUANTIZE", "i16"): 1, ("FULLY_CONNECTED", "i16"): 1,
        ("DEQUANTIZE", "f32"): 4, ("SIN", "f32"): 1, ("COS", "f32"): 1, ("CONV_3D", "f32"): 3,
        # uint8 with per-tensor weights (the zoo's uint8-pt cells)
        ("CONV_2D", "u8"): 1, ("FULLY_CONNECTED", "u8"): 1, ("ADD", "u8"): 1,
        ("MEAN", "u8"): 1, ("QUANTIZE", "u8"): 1,
        ("ADD", "i8"): 1, ("ADD", "i16"): 1,
        # zoo unet (int8, uint8-pt), hf_t5_encoder int8 (docs/runtimes.md)
        ("TRANSPOSE_CONV", "i8"): 1, ("TRANSPOSE_CONV", "u8"): 1, ("SOFTMAX", "i8"): 1,
    },
    ("litert", "AUTO"): {
        ("CONV_2D", "i8"): 1, ("DEPTHWISE_CONV_2D", "i8"): 1, ("ADD", "i8"): 1,
        ("MUL", "i8"): 1, ("MEAN", "i8"): 1, ("MEAN", "u8"): 1,
        ("LEAKY_RELU", "i8"): 1, ("LEAKY_RELU", "u8"): 1,
        ("RESIZE_BILINEAR", "i8"): 1, ("RESIZE_BILINEAR", "u8"): 1,
        ("QUANTIZE", "i8"): 1, ("QUANTIZE", "u8"): 1,
        ("CONV_2D", "u8"): 1, ("DEPTHWISE_CONV_2D", "u8"): 1, ("FULLY_CONNECTED", "u8"): 1,
        ("FULLY_CONNECTED", "i8"): 1,
        ("MUL", "u8"): 1, ("SUB", "i8"): 1, ("SUB", "u8"): 1,
        ("SIN", "f32"): 2, ("COS", "f32"): 2, ("CONV_3D", "f32"): 3,
        ("RSQRT", "f32"): 2, ("BATCH_MATMUL", "f32"): 8, ("BATCH_MATMUL", "i8"): 1,
        # zoo unet (int8, uint8-pt), hf_t5_encoder int8 and uint8-pt (docs/runtimes.md)
        ("TRANSPOSE_CONV", "i8"): 1, ("TRANSPOSE_CONV", "u8"): 1, ("SOFTMAX", "i8"): 1,
        ("ADD", "u8"): 1,
    },
}
MEASURED_TOLERANCES[("litert", "BUILTIN")] = MEASURED_TOLERANCES[("litert", "AUTO")]


def test_tolerance_traits_declare_the_measured_tolerances():
    """Derived from the op classes' `Tolerance` traits, per runtime and resolver: the
    table docs/runtimes.md gives the evidence for, no more, and never two values for one
    (op, storage)."""
    from compiler.dialects import circle
    from compiler.ir.runtime_traits import Tolerance

    derived: dict = {key: {} for key in MEASURED_TOLERANCES}
    for cls in circle.CIRCLE_OPS:
        for t in cls.get_traits_of_type(Tolerance):
            assert t.reason and t.steps > 0, (cls.BUILTIN, t)
            for runtime, resolver in derived:
                if runtime == t.runtime and resolver in t.resolvers:
                    for st in t.storages:
                        key = (cls.BUILTIN, st)
                        assert key not in derived[runtime, resolver], (runtime, resolver, key)
                        derived[runtime, resolver][key] = t.steps
    assert derived == MEASURED_TOLERANCES


# ---- qcompile --verify -------------------------------------------------------------------


def _tamper_bias_of(data: bytes, tensor_name: bytes) -> bytes:
    """`data` with the bias of the operator writing `tensor_name` shifted by 1000: the
    runtime then computes that op differently from the IR, and only that op."""
    from compiler.codegen.reader import unpack_model
    from compiler.codegen.writer import pack_model

    model = unpack_model(data)
    sg = model.subgraphs[0]
    for op in sg.operators:
        if any(sg.tensors[i].name == tensor_name for i in op.outputs):
            bias = sg.tensors[op.inputs[2]]
            buf = model.buffers[bias.buffer]
            values = np.frombuffer(bytes(buf.data), np.int32) + 1000
            buf.data = np.frombuffer(values.astype(np.int32).tobytes(), np.uint8)
            return pack_model(model, data[4:8])
    raise AssertionError(f"no operator writes {tensor_name!r}")


@needs_onert
def test_qcompile_verify_fails_naming_the_departing_op(tmp_path, monkeypatch, capsys):
    from compiler.tools.qcompile import main

    real = runtimes._onert_batches

    def miscomputing_onert(data, batches, backends="cpu"):
        return real(_tamper_bias_of(data, b"relu"), batches, backends)

    monkeypatch.setattr(runtimes, "_onert_batches", miscomputing_onert)
    # runtimes run in this process, so that the patched onert is the one that runs
    monkeypatch.setattr(runtimes, "_in_child",
                        lambda function, runtime, *args: getattr(runtimes, function)(runtime, *args))
    out = tmp_path / "t.circle"
    rc = main([str(ROOT / "examples" / "tiny_cnn.py"), "-o", str(out), "-q", "--verify"])
    captured = capsys.readouterr()
    assert rc == 1
    assert "first divergent op #2 CONV_2D" in captured.out  # the bisection is printed
    err = [line for line in captured.err.splitlines() if line.startswith("qcompile: error:")]
    assert len(err) == 1
    assert "tiny_cnn.py:15" in err[0] and "'relu'" in err[0]
    assert "onert (.circle) computes it differently from the circle IR" in err[0]
    assert "first divergent op CONV_2D 'relu'" in err[0] and "beyond its tolerance of 0" in err[0]
    assert "Traceback" not in captured.err
    assert out.exists()  # written, as the message says


@needs_onert
def test_qcompile_verify_passes_when_onert_agrees(tmp_path, capsys):
    from compiler.tools.qcompile import main

    out = tmp_path / "t.circle"
    assert main([str(ROOT / "examples" / "tiny_cnn.py"), "-o", str(out), "-q", "--verify"]) == 0
    captured = capsys.readouterr()
    assert "onert (.circle)" in captured.out and "error" not in captured.err


@needs_litert
def test_qcompile_verify_checks_three_litert_resolvers(tmp_path, capsys):
    from compiler.tools.qcompile import main

    out = tmp_path / "t.tflite"
    assert main([str(ROOT / "examples" / "tiny_cnn.py"), "-o", str(out), "-q", "--verify"]) == 0
    text = capsys.readouterr().out
    for label in ("LiteRT (.tflite)", "LiteRT builtin (.tflite)", "LiteRT XNNPACK (.tflite)"):
        assert label in text



#: the smallest program measured where LiteRT's optimized int8 DEPTHWISE_CONV_2D departs:
#: a depthwise 3x3 conv with no fused activation, quantized in FX graph mode
DEPTHWISE_PROGRAM = """
import torch
import torch.nn as nn


class PointwiseDepthwise(nn.Module):
    def __init__(self):
        super().__init__()
        self.pw = nn.Conv2d(3, 8, 1)
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)

    def forward(self, x):
        return self.dw(self.pw(x))


def model():
    torch.manual_seed(0)
    return PointwiseDepthwise().eval()


def example_inputs():
    return (torch.randn(1, 3, 8, 8, generator=torch.Generator().manual_seed(1)),)


def calibration_data():
    g = torch.Generator().manual_seed(2)
    return [(torch.randn(1, 3, 8, 8, generator=g),) for _ in range(4)]
"""


@needs_litert
def test_qcompile_verify_tolerates_the_optimized_depthwise_rounding(tmp_path, capsys):
    """LiteRT's optimized int8 DEPTHWISE_CONV_2D is 1 step off the reference on a few
    elements of this FX-quantized program; without the op's `optimized_rounding("i8")`
    trait `--verify` fails on it (exit 1, "beyond its tolerance of 0")."""
    from compiler.tools.qcompile import main

    program = tmp_path / "pointwise_depthwise.py"
    program.write_text(DEPTHWISE_PROGRAM)
    assert main([str(program), "--fx", "-o", str(tmp_path / "dw.tflite"), "-q",
                 "--verify"]) == 0
    text = capsys.readouterr().out
    line = next(t for t in text.splitlines()
                if t.startswith("bisection: litert (BUILTIN_WITHOUT_DEFAULT_DELEGATES)"))
    assert "all within their tolerance" in line and "DEPTHWISE_CONV_2D x1 (max 1)" in line


def test_int16_under_xnnpack_resolvers_takes_the_optimized_tolerance():
    """XNNPACK takes no int16 op: LiteRT's AUTO resolver runs int16 on the optimized
    kernels, so their tolerance applies there (an int16 FULLY_CONNECTED: 1 step)."""
    from compiler.dialects import circle
    from compiler.ir.runtime_traits import tolerated_steps

    for resolver in ("AUTO", "BUILTIN", "BUILTIN_WITHOUT_DEFAULT_DELEGATES"):
        assert tolerated_steps(circle.FullyConnectedOp, "litert", resolver, "i16") == 1
    assert tolerated_steps(circle.FullyConnectedOp, "litert", "BUILTIN_REF", "i16") == 0
