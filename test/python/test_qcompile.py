"""`qcompile`: the one-command main job, its outputs, its reports and its error messages."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from compiler.ir import make_context
from compiler.tools.qcompile import compile_model, main, parse_args
from runtimes import run_litert, run_onert

torch.set_num_threads(1)

MODEL = textwrap.dedent('''
    import torch
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding=1)
            self.bn = nn.BatchNorm2d(8)
            self.pool = nn.MaxPool2d(2)
            self.fc = nn.Linear(8 * 4 * 4, 5)

        def forward(self, x):
            y = self.pool(torch.relu(self.bn(self.conv(x))))
            return self.fc(torch.flatten(y, 1))

    def model():
        torch.manual_seed(0)
        return Net()

    def other():
        torch.manual_seed(1)
        return Net()

    def example_inputs():
        return (torch.randn(1, 3, 8, 8, generator=torch.Generator().manual_seed(0)),)

    def calibration_data():
        g = torch.Generator().manual_seed(1)
        return [torch.randn(1, 3, 8, 8, generator=g) for _ in range(5)]
''')


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "net.py"
    path.write_text(MODEL)
    return path


def _inputs():
    return [torch.randn(1, 3, 8, 8, generator=torch.Generator().manual_seed(0)).numpy()]


def _reference(path: Path, name: str = "model") -> np.ndarray:
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    with torch.no_grad():
        return namespace[name]().eval()(*[torch.from_numpy(x) for x in _inputs()]).numpy()


def _pt2e_output(result) -> np.ndarray:
    program = result["program"]  # convert_pt2e's GraphModule (an ExportedProgram from .pt2)
    model = program.module() if isinstance(program, torch.export.ExportedProgram) else program
    with torch.no_grad():
        return model(*[torch.from_numpy(x) for x in _inputs()]).numpy()


def _output_step(result) -> float:
    from compiler.tools.qcompile_report import _output_step

    return _output_step(result["circle"], 0)


def test_circle_runs_in_onert(model_file, tmp_path, capsys):
    out = tmp_path / "net.circle"
    result = compile_model(parse_args([str(model_file), "-o", str(out)]))
    err = capsys.readouterr().err
    for stage in ("load model", "export", "calibrate", "convert", "import", "fold-qdq",
                  "convert-aten-to-circle", "quant-propagate", "fuse-qdq", "verify-quantized",
                  "write .circle"):
        assert f"  {stage} " in err, stage
    assert "(scheme uint8)" in err and f"wrote {out}" in err
    y = run_onert(out.read_bytes(), _inputs())[0]
    # onert computes what torch's converted (PT2E) program computes, within 1 output step
    assert np.abs(y - _pt2e_output(result)).max() <= 1.0001 * _output_step(result)


def test_tflite_runs_in_litert_and_name_selects_the_model(model_file, tmp_path, capsys):
    out = tmp_path / "other.tflite"
    result = compile_model(parse_args([f"{model_file}:other", "-o", str(out), "-q",
                                       "--verify-each"]))
    assert capsys.readouterr().err == ""  # -q: no progress lines
    y = run_litert(out.read_bytes(), _inputs())[0]
    assert np.abs(y - _pt2e_output(result)).max() <= 1.0001 * _output_step(result)
    # ... and `other()` was compiled, not `model()`
    ref_model, ref_other = _reference(model_file), _reference(model_file, "other")
    assert np.abs(y - ref_other).max() < np.abs(y - ref_model).max()


def test_dump_dir_stages_rerun_with_qopt(model_file, tmp_path):
    dump = tmp_path / "ir"
    assert main([str(model_file), "-o", str(tmp_path / "n.tflite"), "-q", "--scheme", "int8",
                 "--dump-dir", str(dump)]) == 0
    files = sorted(p.name for p in dump.iterdir())
    assert files[0] == "00-import.mlir" and files[-1] == "13-target-legalize.mlir"
    assert len(files) == 14
    # re-run the rest of the pipeline from the stage after activation fusion
    rest = ("quant-propagate,quantize-bias,fuse-qdq,refine-numerics,circle-cleanup,"
            "verify-quantized")
    qopt = Path(sys.executable).with_name("qopt")
    again = subprocess.run([str(qopt), str(dump / "06-circle-fuse-activation.mlir"), "-p", rest],
                           capture_output=True, text=True, check=True).stdout
    final = subprocess.run([str(qopt), str(dump / "12-verify-quantized.mlir")],
                           capture_output=True, text=True, check=True).stdout
    assert again == final


def test_verify_and_report(model_file, tmp_path, capsys):
    md = tmp_path / "report.md"
    assert main([str(model_file), "-o", str(tmp_path / "n.tflite"), "-q", "--verify",
                 "--report", "--report-md", str(md)]) == 0
    out = capsys.readouterr().out
    assert "verification on held-back inputs:" in out
    header = next(line for line in out.splitlines() if line.startswith("stage"))
    for column in ("max|err| vs float", "SQNR dB vs float", "max LSB vs PT2E",
                   "equal to circle IR %"):
        assert column in header
    rows = {line.split("  ")[0]: line for line in out.splitlines()}
    for stage in ("float (torch)", "PT2E (torch)", "quant IR", "circle IR", "LiteRT (.tflite)"):
        assert stage in rows, stage
    # LiteRT computes exactly what the circle interpreter computes
    assert rows["LiteRT (.tflite)"].rstrip().endswith("100.00")
    for section in ("operators:", "size (bytes):", "per-layer SQNR vs float (worst first):"):
        assert section in out
    assert "conv_2d" in out and "fully_connected" in out
    text = md.read_text()
    assert text.startswith("# qcompile report:") and "## operators" in text
    assert "| op | count |" in text


VERIFICATION = textwrap.dedent('''
    def verification_data():
        g = torch.Generator().manual_seed(2)
        return [torch.randn(1, 3, 8, 8, generator=g) for _ in range(3)]
''')


def test_verification_data_is_held_out_and_verified_together(tmp_path, capsys):
    """With `verification_data()`, all 5 calibration batches calibrate (without it the
    last is held back), and --verify runs every stage on the 3 held-out batches and
    measures them together: its SQNR is the pooled one, not one batch's."""
    from compiler.tools.qcompile_report import verify_rows

    path = tmp_path / "net.py"
    path.write_text(MODEL + VERIFICATION)
    args = parse_args([str(path), "-o", str(tmp_path / "n.tflite"), "-q", "--verify"])
    result = compile_model(args)
    assert len(args.calibration) == 5
    g = torch.Generator().manual_seed(2)
    want = [torch.randn(1, 3, 8, 8, generator=g).numpy() for _ in range(3)]
    assert len(result["held_out"]) == 3 and result["held"] is result["held_out"][0]
    for (got,), w in zip(result["held_out"], want):
        np.testing.assert_array_equal(got, w)
    header, rows, runs, refused = verify_rows(args, result)
    assert not refused
    ref, ir = runs["float (torch)"], runs["circle IR"]
    assert ref.outputs[0].real().shape == (3, 5) and len(ir.per_batch) == 3
    np.testing.assert_array_equal(ir.outputs[0].array,
                                  np.concatenate([r.outputs[0].array for r in ir.per_batch]))
    f, q = ref.outputs[0].real(), ir.outputs[0].real()
    pooled = 10 * np.log10(np.sum(f**2) / np.sum((f - q) ** 2))
    row = next(r for r in rows if r[0] == "circle IR")
    assert row[header.index("SQNR dB vs float")] == f"{pooled:.2f}"
    assert row[header.index("equal to circle IR %")] == "100.00"
    assert main([str(path), "-o", str(tmp_path / "m.tflite"), "-q", "--verify"]) == 0
    assert "verification on 3 held-out batches" in capsys.readouterr().out

    without = tmp_path / "plain.py"
    without.write_text(MODEL)
    args = parse_args([str(without), "-o", str(tmp_path / "p.tflite"), "-q"])
    assert len(compile_model(args)["held_out"]) == 1 and len(args.calibration) == 4


def test_verification_data_is_only_run_for_verify_or_report(tmp_path, capsys):
    """A plain compile neither calls verification_data() nor keeps its batches: one that
    raises compiles fine without --verify/--report, and fails (located) with --verify."""
    path = tmp_path / "net.py"
    path.write_text(MODEL + textwrap.dedent('''
        def verification_data():
            raise RuntimeError("no held-out set on this machine")
    '''))
    out = tmp_path / "n.tflite"
    assert main([str(path), "-o", str(out), "-q"]) == 0
    assert out.exists() and "no held-out set" not in capsys.readouterr().err
    args = parse_args([str(path), "-o", str(out), "-q"])
    result = compile_model(args, keep_sources=False)  # what main does without --verify
    assert result["held_out"] == [] and result["held"] is None
    assert len(args.calibration) == 5  # all calibration batches calibrate
    assert main([str(path), "-o", str(tmp_path / "v.tflite"), "-q", "--verify"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no held-out set on this machine" in err, err


def test_one_verification_batch_is_called_held_out(tmp_path, capsys):
    """--verify names where its inputs come from: the model's single verification_data()
    batch is held out, not "held back" (that is the last calibration batch's name)."""
    path = tmp_path / "net.py"
    path.write_text(MODEL + VERIFICATION.replace("range(3)", "range(1)"))
    assert main([str(path), "-o", str(tmp_path / "n.tflite"), "-q", "--verify"]) == 0
    out = capsys.readouterr().out
    assert "verification on 1 held-out batch (verification_data()):" in out, out
    plain = tmp_path / "plain.py"
    plain.write_text(MODEL)
    assert main([str(plain), "-o", str(tmp_path / "p.tflite"), "-q", "--verify"]) == 0
    assert "verification on held-back inputs:" in capsys.readouterr().out


def test_verification_data_errors_are_located(tmp_path, capsys):
    path = tmp_path / "net.py"
    path.write_text(MODEL + VERIFICATION.replace("(1, 3, 8, 8", "(1, 3, 4, 4"))
    assert main([str(path), "-o", str(tmp_path / "n.tflite"), "-q", "--verify"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{path}:" in err and "verification_data(): batch 0" in err, err


def test_errors_are_one_line_with_the_users_source(model_file, tmp_path, capsys):
    out = tmp_path / "x.circle"
    bad = tmp_path / "bad.py"

    def run(*args) -> str:
        code = main([*args, "-q"])
        err = capsys.readouterr().err
        assert code == 1, err
        assert "Traceback" not in err
        assert not out.exists()  # no partial output
        return err

    assert "defines no function 'missing()'" in run(f"{model_file}:missing", "-o", str(out))
    bad.write_text("def model(:\n")
    assert f"{bad}:1: syntax error" in run(str(bad), "-o", str(out))
    bad.write_text("import torch\n\ndef model():\n    return 1 / 0\n\ndef example_inputs():\n"
                   "    return (torch.randn(1, 4),)\n")
    assert f"{bad}:4: model() failed: ZeroDivisionError" in run(str(bad), "-o", str(out))
    err = run(str(model_file), "-o", str(tmp_path / "x.tflite"), "--scheme", "uint8")
    assert "uint8 per-channel weights are not supported by TFLite kernels" in err
    bad.write_text(textwrap.dedent('''
        import torch
        class M(torch.nn.Module):
            def forward(self, x):
                return torch.special.erfinv(x)
        def model():
            return M()
        def example_inputs():
            return (torch.rand(2, 3),)
    '''))
    err = run(str(bad), "-o", str(out), "--allow-float")
    assert f"{bad}:5: 'special_erfinv': ATen operator aten.special_erfinv.default has no" in err
    assert "no such model file" in run(str(tmp_path / "nope.py"), "-o", str(out))


def test_bad_output_suffix_is_a_usage_error(model_file, capsys):
    assert main([str(model_file), "-o", "model.onnx"]) == 2
    assert "must end in .circle or .tflite" in capsys.readouterr().err


def test_console_script_runs_without_traceback(model_file, tmp_path):
    exe = Path(sys.executable).with_name("qcompile")
    r = subprocess.run([str(exe), f"{model_file}:nothing", "-o", str(tmp_path / "a.circle")],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1].startswith("qcompile: error:")
    assert "Traceback" not in r.stderr


def test_dumped_import_reparses(model_file, tmp_path):
    from xdsl.parser import Parser

    dump = tmp_path / "ir"
    assert main([str(model_file), "-o", str(tmp_path / "n.circle"), "-q", "--dump-dir", str(dump)]) == 0
    module = Parser(make_context(), (dump / "00-import.mlir").read_text()).parse_module()
    module.verify()
    assert any(op.name == "aten.conv2d" for op in module.walk())


def test_console_script_skips_teardown_but_keeps_output(model_file, tmp_path, capsys):
    # `qcompile` ends with os._exit (no interpreter teardown, ~1 s of CPU): the exit code,
    # everything it printed (to pipes, so block-buffered) and the file must still be
    # there, exactly what `main` prints and writes in process.
    exe = Path(sys.executable).with_name("qcompile")
    out = tmp_path / "a.circle"
    r = subprocess.run([str(exe), str(model_file), "-o", str(out), "--report"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines()[-1].startswith(f"qcompile: wrote {out} (")
    again = tmp_path / "b.circle"
    capsys.readouterr()
    assert main([str(model_file), "-o", str(again), "--report"]) == 0
    assert r.stdout == capsys.readouterr().out
    assert out.read_bytes() == again.read_bytes()


def test_verify_bisects_the_batch_that_departs_most():
    """`--verify` bisects the held-out batch whose outputs depart furthest from the IR's
    (a runtime within its tolerances departs by a step on most batches); one-sided inf
    or NaN is the furthest, equal infinities are no departure, equal batches give None."""
    from types import SimpleNamespace

    import numpy as np

    from compiler.tools.qcompile_report import _worst_batch

    def run(*arrays):
        return SimpleNamespace(outputs=[SimpleNamespace(array=np.asarray(a)) for a in arrays])

    ref = [run([1.0, np.inf]), run([1.0, 2.0]), run([1.0, 2.0]), run(np.uint8([3, 250]))]
    got = [run([1.0, np.inf]), run([1.0, 2.5]), run([1.0, 9.0]), run(np.uint8([3, 249]))]
    assert _worst_batch(got, ref) == 2
    got[0] = run([1.0, np.nan])
    assert _worst_batch(got, ref) == 0
    assert _worst_batch(ref, ref) is None
