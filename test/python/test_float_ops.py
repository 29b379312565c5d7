"""allow-float: ops no runtime runs as integers (`compiler.frontend.float_ops`), kept float.

- the quantizer refuses them without allow-float (located `CompileError`), leaves them
  unannotated with it and records why (`CircleQuantizer.float_ops`);
- `qcompile --allow-float` lists each float op with its location and reason, in its
  progress output and in `--report`; without the flag it exits 1 with one error line;
- ROUND, which LiteRT's BUILTIN_REF resolver lacks, runs in its BUILTIN kernels bit-exactly
  like the interpreter; the CONV_3D float kernel agrees with torch's conv3d.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
import torch

import compiler
from compiler.frontend.float_ops import float_only_table
from compiler.ir.diagnostics import CompileError
from compiler.tools.qcompile import main
from op_cases import Fn

torch.set_num_threads(1)

MODEL = textwrap.dedent('''
    import torch

    class M(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv3d(2, 3, 3, padding=1)

        def forward(self, x):
            y = self.conv(x)
            return torch.sin(y * 2) + y

    def model():
        torch.manual_seed(0)
        return M()

    def example_inputs():
        return (torch.randn(1, 2, 4, 5, 5),)
''')


class SinAdd(torch.nn.Module):
    def forward(self, x):
        return torch.sin(x * 2) + x


def _x():
    return torch.randn(1, 8, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("scheme", ["uint8", "int8", "int16"])
def test_quantizer_refuses_float_only_op_without_allow_float(scheme):
    with pytest.raises(CompileError) as e:
        compiler.quantize(SinAdd(), (_x(),), [(_x(),)], scheme=scheme, progress=False)
    text = str(e.value)
    assert f"{__file__}:" in text and "'sin'" in text  # the user's line and the node
    assert f"aten.sin.default has no integer kernel in the {scheme} scheme" in text
    assert "allow-float" in text


def test_quantizer_leaves_float_only_op_float_with_allow_float():
    from compiler.dialects import circle
    from compiler.interpreter import entry_function

    float_ops = []
    program = compiler.quantize(SinAdd(), (_x(),), [(_x(),)], scheme="int8", progress=False,
                                allow_float=True, float_ops=float_ops)
    assert [(f.node, f.target) for f in float_ops] == [("sin", "aten.sin.default")]
    assert "SIN kernels take float32 only" in float_ops[0].reason
    module = compiler.lower(compiler.import_program(program), scheme="int8", allow_float=True)
    ops = list(entry_function(module).body.walk())
    (sin,) = [o for o in ops if isinstance(o, circle.SinOp)]
    # float between DEQUANTIZE (of the quantized mul) and QUANTIZE (for the add)
    assert isinstance(sin.input.owner, circle.DequantizeOp)
    assert all(isinstance(u.operation, circle.QuantizeOp) for u in sin.output.uses)


@pytest.mark.parametrize("name,fn,scheme,refused", [
    ("rsqrt", lambda m, x: torch.rsqrt(x * x + 1), "uint8", True),
    ("rsqrt", lambda m, x: torch.rsqrt(x * x + 1), "int8", False),
    ("exp", lambda m, x: torch.exp(x), "uint8", True),
    ("matmul", lambda m, x: x.t() @ x, "uint8", True),       # two activations
    ("matmul", lambda m, x: x @ m.w, "uint8", False),        # by a constant: FULLY_CONNECTED
    ("elu", lambda m, x: torch.nn.functional.elu(x), "int16", True),
    ("elu", lambda m, x: torch.nn.functional.elu(x), "int8", False),
])
def test_ops_without_a_runtime_kernel_in_a_scheme(name, fn, scheme, refused):
    """The per-scheme float-only rows (the circle ops' runtime traits, measured: neither
    LiteRT nor onert runs them); with allow-float they lower float, and fuse-qdq does not
    quantize them back."""
    model = Fn(fn, w=torch.randn(8, 4, generator=torch.Generator().manual_seed(1)))
    x = _x()
    if not refused:
        program = compiler.quantize(model, (x,), [(x,)], scheme=scheme, progress=False)
        compiler.lower(compiler.import_program(program), scheme=scheme)
        return
    with pytest.raises(CompileError, match=f"'{name}'.*no integer kernel in the {scheme}"):
        compiler.quantize(model, (x,), [(x,)], scheme=scheme, progress=False)
    program = compiler.quantize(model, (x,), [(x,)], scheme=scheme, progress=False,
                                allow_float=True)
    module = compiler.lower(compiler.import_program(program), scheme=scheme, allow_float=True)
    from compiler.transforms.utils import is_float_tensor

    kept = [o for o in module.walk() if o.name.startswith("circle.") and o.results
            and is_float_tensor(o.results[0])
            and o.name not in ("circle.dequantize", "circle.const")]
    assert kept, "the op was quantized after all"


@pytest.mark.parametrize("inplace", [False, True])
def test_int16_hardswish_with_plain_prepare_pt2e(inplace):
    """int16 hardswish through plain torchao `prepare_pt2e` (no decompose_for_circle):
    LiteRT has no int16 HARD_SWISH. The functional form is decomposed by the quantizer's
    transform_for_annotation (no HARD_SWISH left); the in-place form is a located
    CompileError, float with allow-float. Before: an internal NotImplementedError in the
    interpreter, after writing a file LiteRT refuses."""
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    from compiler.frontend.quantizer import CircleQuantizer

    model = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.Hardswish(inplace=inplace))
    x = _x()
    exported = torch.export.export(model.eval(), (x,))
    if inplace:
        with pytest.raises(CompileError, match="'hardswish_'.*no integer kernel in the int16"):
            prepare_pt2e(exported.module(), CircleQuantizer("int16"))
    prepared = prepare_pt2e(exported.module(), CircleQuantizer("int16", allow_float=inplace))
    prepared(x)
    program = torch.export.export(convert_pt2e(prepared), (x,))
    module = compiler.lower(compiler.import_program(program), scheme="int16",
                            allow_float=inplace)
    assert inplace == any(o.name == "circle.hard_swish" for o in module.walk())
    (ours,) = compiler.run(module, [x.numpy()])
    np.testing.assert_allclose(ours, model(x).detach().numpy(), atol=0.01)


def test_float_only_table_covers_every_scheme_for_the_float_builtins():
    aten = torch.ops.aten
    table = float_only_table()
    for target in (aten.sin.default, aten.cos.default, aten.round.default,
                   aten.conv3d.default):
        assert set(table[str(target)]) == {"uint8", "int8", "int16"}
    assert set(table[str(aten.log_softmax.int)]) == {"int16"}


def test_qcompile_allow_float_lists_float_ops_with_reasons(tmp_path, capsys):
    model_file = tmp_path / "m3d.py"
    model_file.write_text(MODEL)
    out = tmp_path / "m.tflite"
    assert main([str(model_file), "-o", str(out), "--allow-float", "--report"]) == 0
    captured = capsys.readouterr()
    assert "qcompile: note: 3 op(s) left float (--allow-float):" in captured.err
    for where, reason in ((f"{model_file}:10: 'conv3d'", "aten.conv3d.default: the runtimes' "
                           "CONV_3D kernels take float32 only"),
                          (f"{model_file}:10: 'conv3d/transpose'", "part of aten.conv3d.default"),
                          (f"{model_file}:11: 'sin'", "aten.sin.default: the runtimes' SIN")):
        assert f"{where}: {reason}" in captured.err
        # the --report section: a row [op, location, reason]
        assert any(where in row and reason in row for row in captured.out.splitlines())
    assert "ops left float (--allow-float):" in captured.out
    assert out.exists()


def test_qcompile_without_allow_float_is_one_located_error(tmp_path, capsys):
    model_file = tmp_path / "m3d.py"
    model_file.write_text(MODEL)
    out = tmp_path / "m.circle"
    assert main([str(model_file), "-o", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert not out.exists()
    (line,) = [x for x in err.splitlines() if x.startswith("qcompile: error:")]
    assert line.startswith(f"qcompile: error: {model_file}:10: 'conv3d': aten.conv3d.default "
                           "has no integer kernel in the uint8 scheme")
    assert "--allow-float" in line


def test_round_runs_in_litert_builtin_kernels_bit_exactly():
    """BUILTIN_REF has no ROUND ("Didn't find op for builtin opcode 'ROUND'"); the
    BUILTIN resolver without default delegates has it. ROUND alone (float in, float out,
    halves included) so that no other op's optimized kernel is compared: exact."""
    runtimes = pytest.importorskip("runtimes")
    from compiler.codegen import write_tflite

    class Round(torch.nn.Module):
        def forward(self, x):
            return torch.round(x)

    x = torch.randn(4, 16, generator=torch.Generator().manual_seed(5)) * 4
    x[0, :8] = torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -3.5])  # ties to even
    module = compiler.import_program(torch.export.export(Round(), (x,)))
    compiler.lower(module, scheme="auto")
    data = write_tflite(module)
    xs = [x.numpy()]
    with pytest.raises(runtimes.RuntimeRefused, match="ROUND"):
        runtimes.run_litert(data, xs)  # pins the quirk: BUILTIN_REF lacks ROUND
    (ours,) = compiler.run(module, xs)
    (theirs,) = runtimes.run_litert(data, xs, resolver="BUILTIN_WITHOUT_DEFAULT_DELEGATES")
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(ours, torch.round(x).numpy())


@pytest.mark.parametrize("kw", [dict(padding=1), dict(stride=(2, 1, 2), padding=0),
                                dict(padding=1, dilation=(1, 2, 1))])
def test_conv3d_float_kernel_matches_torch(kw):
    """Float CONV_3D (NDHWC, DHWIO) after legalization vs torch's conv3d: float64
    accumulation rounded to float32 against torch's float32, within 1e-5 relative."""
    torch.manual_seed(0)
    conv = torch.nn.Conv3d(2, 3, 3, **kw).eval()
    x = torch.randn(1, 2, 5, 6, 7)
    module = compiler.import_program(torch.export.export(conv, (x,)))
    compiler.lower(module, scheme="auto")
    (ours,) = compiler.run(module, [x.numpy()])
    np.testing.assert_allclose(ours, conv(x).detach().numpy(), rtol=1e-5, atol=1e-5)
