"""Bad inputs to the tools and the Python API: each is one clean refusal.

Every case here checks the contract the README states for user mistakes: one
`<tool>: error:` line (the cause, located when there is a source line), exit status 1
(2 for usage errors), no Python traceback, no torch log or graph dump, and no output file.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import compiler
from compiler.ir.diagnostics import CompileError, CompileWarning
from compiler.tools import model_file
from compiler.tools.qcompile import main as qcompile
from compiler.tools.qrun import main as qrun

torch.set_num_threads(1)

BASE = textwrap.dedent('''
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(4, 3)

        def forward(self, x):
            return torch.relu(self.fc(x))

    def model():
        torch.manual_seed(0)
        return Net()

    def example_inputs():
        return (torch.randn(1, 4),)
''')


def _file(tmp_path: Path, extra: str = "", base: str = BASE, name: str = "m.py") -> Path:
    path = tmp_path / name
    path.write_text(base + textwrap.dedent(extra))
    return path


def _refused(capfd, argv: list[str], out: Path, code: int = 1, tool=qcompile) -> str:
    """Run a tool expecting a clean refusal; its stderr."""
    rc = tool([*argv, "-q"] if tool is qcompile else argv)
    stdout, err = capfd.readouterr()
    assert rc == code, err
    assert "Traceback" not in err and "Traceback" not in stdout
    lines = [line for line in err.splitlines()
             if line.strip() and not line.startswith(("qcompile: warning:", "qrun: warning:"))]
    assert lines[-1].startswith(("qcompile: error:", "qrun: error:")), err
    if code == 1:  # usage errors (2) print argparse's usage first
        assert len(lines) == 1, err  # one line: no torch log, no graph dump
    assert not out.exists()
    return lines[-1]


# -- 2. calibration data -------------------------------------------------------------------


def test_endless_generator_stops_at_the_batch_limit(tmp_path, capfd, monkeypatch):
    count = tmp_path / "count"
    path = _file(tmp_path, f'''
        def calibration_data():
            n = 0
            while True:
                n += 1
                open({str(count)!r}, "w").write(str(n))
                yield (torch.randn(1, 4),)
    ''')
    out = tmp_path / "m.circle"
    assert qcompile([str(path), "-o", str(out), "-q", "--calibration-batches", "3"]) == 0
    assert count.read_text() == "3"
    monkeypatch.setattr(model_file, "DEFAULT_CALIBRATION_BATCHES", 6)
    capfd.readouterr()
    assert qcompile([str(path), "-o", str(out)]) == 0
    assert count.read_text() == "7"  # 6, and one more asked for to know it was cut short
    err = capfd.readouterr().err
    # the default limit, not the user, cut the data short: said so
    assert (f"qcompile: warning: {path}:19: calibration_data() has more than 6 batches: "
            "calibrating on the first 6 (--calibration-batches N to choose)") in err
    # one batch held back for --verify: 5 calibrate
    assert "5 batches" in next(line for line in err.splitlines() if "calibrate" in line)


def test_verification_data_limit_warning_names_no_calibration_flag(tmp_path, capfd, monkeypatch):
    """--calibration-batches does not limit verification_data(): the warning that the
    default limit cut it short does not point there."""
    path = _file(tmp_path, '''
        def verification_data():
            while True:
                yield (torch.randn(1, 4),)
    ''')
    monkeypatch.setattr(model_file, "DEFAULT_CALIBRATION_BATCHES", 6)
    assert qcompile([str(path), "-o", str(tmp_path / "m.circle"), "-q", "--verify"]) == 0
    err = capfd.readouterr().err
    line = next(x for x in err.splitlines() if "verification_data() has more than" in x)
    assert "verifying on the first 6" in line and "--calibration-batches" not in line, line


CALIBRATION_CASES = {
    "empty generator": ("def calibration_data():\n    return iter(())\n", [],
                        ":18: calibration_data() gave no batches"),
    "not iterable": ("def calibration_data():\n    return 3\n", [],
                     "calibration_data() must return an iterable"),
    "raises while iterating": ("def calibration_data():\n    yield (torch.randn(1, 4),)\n"
                               "    raise KeyError('k')\n", [],
                               ":20: calibration_data() failed: KeyError"),
    "wrong shape": ("def calibration_data():\n    return [torch.randn(1, 5)]\n", [],
                    "batch 0 input 0 is [1, 5] float32, example_inputs() has [1, 4] float32"),
    "wrong dtype": ("def calibration_data():\n    return [torch.ones(1, 4, dtype=torch.int64)]\n",
                    [], "batch 0 input 0 is [1, 4] int64, example_inputs() has [1, 4] float32"),
    "two tensors": ("def calibration_data():\n    return [(torch.randn(1, 4),) * 2]\n", [],
                    "batch 0 has 2 input(s), example_inputs() has 1"),
    "nan": ("def calibration_data():\n    return [torch.full((1, 4), float('nan'))]\n", [],
            ":18: calibration_data(): batch 0 input 0 holds NaN values"),
    "inf": ("def calibration_data():\n    x = torch.zeros(1, 4)\n    x[0, 1] = float('inf')\n"
            "    return [torch.zeros(1, 4), x]\n", [],
            "calibration_data(): batch 1 input 0 holds infinite values"),
}


@pytest.mark.parametrize("case", CALIBRATION_CASES)
def test_bad_calibration_data_is_refused(tmp_path, capfd, case):
    extra, args, message = CALIBRATION_CASES[case]
    path = _file(tmp_path, extra)
    out = tmp_path / "m.circle"
    assert message in _refused(capfd, [str(path), "-o", str(out), *args], out)


def _npz(tmp_path: Path, name: str, **arrays) -> Path:
    path = tmp_path / name
    np.savez(path, **arrays)
    return path


def test_bad_calibration_files_and_counts_are_refused(tmp_path, capfd):
    path = _file(tmp_path)
    out = tmp_path / "m.circle"
    zero = tmp_path / "zero.npz"
    zero.write_bytes(b"")
    cases = [
        (["--calibration-data", str(zero)], "the file is empty"),
        (["--calibration-data", str(_npz(tmp_path, "e.npz"))], "holds no arrays"),
        (["--calibration-data", str(_npz(tmp_path, "s.npz", x=np.zeros((3, 1, 7), np.float32)))],
         "batch 0 input 0 is [1, 7] float32, example_inputs() has [1, 4] float32"),
        (["--calibration-data", str(_npz(tmp_path, "d.npz", x=np.zeros((3, 1, 4), np.int64)))],
         "is [1, 4] int64"),
        (["--calibration-data", str(_npz(tmp_path, "n.npz", x=np.zeros((3, 1, 4), np.float32),
                                          y=np.zeros((3, 1, 4), np.float32)))],
         "batch 0 has 2 input(s), example_inputs() has 1"),
        (["--calibration-data", str(_npz(tmp_path, "b.npz", x=np.zeros((3, 1, 4), np.float32),
                                          y=np.zeros((2, 1, 4), np.float32)))],
         "different batch counts"),
    ]
    for args, message in cases:
        assert message in _refused(capfd, [str(path), "-o", str(out), *args], out), args
    for n in ("0", "-2"):
        err = _refused(capfd, [str(path), "-o", str(out), "--calibration-batches", n], out, 2)
        assert f"--calibration-batches must be at least 1, got {n}" in err


# -- 3. no torch tracebacks or logs ----------------------------------------------------------


def test_torch_errors_are_one_line(tmp_path, capfd):
    out = tmp_path / "m.circle"
    wrong = _file(tmp_path, base=BASE.replace("torch.randn(1, 4)", "torch.randn(1, 5)"))
    err = _refused(capfd, [str(wrong), "-o", str(out)], out)
    assert f"{wrong}:10: export/quantization failed: RuntimeError:" in err
    assert "[1, 5] X [4, 3]" in err
    not_zip = tmp_path / "p.pt2"
    not_zip.write_bytes(b"not a zip")
    assert "not a .pt2 archive (not a zip file)" in _refused(
        capfd, [str(not_zip), "-o", str(out)], out)
    import zipfile

    with zipfile.ZipFile(tmp_path / "e.pt2", "w") as z:
        z.writestr("a.txt", "x")
    assert "the archive holds no exported program" in _refused(
        capfd, [str(tmp_path / "e.pt2"), "-o", str(out)], out)


# -- 4. exit codes ----------------------------------------------------------------------------


def test_model_file_exit_is_a_user_error(tmp_path, capfd):
    out = tmp_path / "m.circle"
    path = _file(tmp_path, "import sys\nsys.exit(3)\n")
    assert f"{path}:19: loading the model file failed: the model file called sys.exit(3)" in (
        _refused(capfd, [str(path), "-o", str(out)], out))
    path = _file(tmp_path, base=BASE.replace("return Net()", "raise SystemExit('bye')"))
    assert f"{path}:14: model() failed: the model file called sys.exit('bye')" in _refused(
        capfd, [str(path), "-o", str(out)], out)


def test_runtime_refusal_in_qrun_compare_is_not_a_compiler_bug(tmp_path, capfd):
    path = _file(tmp_path)
    model = tmp_path / "m16.tflite"
    assert qcompile([str(path), "-o", str(model), "-q", "--scheme", "int16"]) == 0
    capfd.readouterr()
    # onert has no int16 kernels: it refuses the model at load time
    rc = qrun([str(model), "--random", "0", "--compare", str(model), "--runtime", "onert"])
    err = capfd.readouterr().err
    assert rc == 1, err
    assert "qrun: error: " in err and "onert refused the model:" in err
    assert "internal error" not in err and "Traceback" not in err


# -- 5. no partial output, no silent ignoring ---------------------------------------------------


def test_bad_report_md_path_fails_before_writing_the_model(tmp_path, capfd):
    path = _file(tmp_path)
    out = tmp_path / "m.circle"
    err = _refused(capfd, [str(path), "-o", str(out), "--report-md",
                           str(tmp_path / "missing" / "r.md")], out)
    assert "--report-md" in err and "no such directory" in err
    assert "is a directory" in _refused(capfd, [str(path), "-o", str(out), "--report-md",
                                                str(tmp_path)], out)


def test_report_md_implies_report(tmp_path, capfd):
    path = _file(tmp_path)
    md = tmp_path / "r.md"
    assert qcompile([str(path), "-o", str(tmp_path / "m.circle"), "-q", "--report-md",
                     str(md)]) == 0
    assert "operators:" in capfd.readouterr().out
    assert md.read_text().startswith("# qcompile report:")


@pytest.fixture
def circle_model(tmp_path) -> Path:
    out = tmp_path / "m.circle"
    assert qcompile([str(_file(tmp_path)), "-o", str(out), "-q"]) == 0
    return out


def test_qrun_refuses_other_output_extensions(tmp_path, capfd, circle_model):
    out = tmp_path / "o.txt"
    err = _refused(capfd, [str(circle_model), "--random", "0", "-o", str(out)], out, 2, qrun)
    assert "--output must end in .npz or .npy" in err


def test_qrun_input_dtype_rule(tmp_path, capfd, circle_model):
    x = np.linspace(-1, 1, 4).reshape(1, 4)
    for name, array, message in [
        ("c.npy", x.astype(np.complex64), "a float32 argument does not take complex64 data"),
        ("i.npy", np.ones((1, 4), np.int64), "a float32 argument does not take int64 data"),
    ]:
        np.save(tmp_path / name, array)
        assert message in _refused(capfd, [str(circle_model), "-i", str(tmp_path / name)],
                                   tmp_path / "none", 1, qrun)
    # float64 is converted to the argument's float32, as numpy rounds: the same result
    outputs = []
    for dtype in (np.float32, np.float64):
        np.save(tmp_path / "x.npy", x.astype(dtype))
        assert qrun([str(circle_model), "-i", str(tmp_path / "x.npy"), "-o",
                     str(tmp_path / f"{np.dtype(dtype).name}.npy")]) == 0
        outputs.append(np.load(tmp_path / f"{np.dtype(dtype).name}.npy"))
    np.testing.assert_array_equal(outputs[0], outputs[1])


# -- 6. Python API edges -----------------------------------------------------------------------


def test_read_flatbuffer_takes_a_path(tmp_path, circle_model):
    from_path = compiler.read_flatbuffer(str(circle_model))
    assert str(from_path) == str(compiler.read_flatbuffer(circle_model.read_bytes()))
    assert str(compiler.read_flatbuffer(circle_model)) == str(from_path)  # a Path too
    with pytest.raises(CompileError, match="cannot read the model") as e:
        compiler.read_flatbuffer(str(tmp_path / "missing.circle"))
    assert e.value.location == str(tmp_path / "missing.circle")
    py = _file(tmp_path)
    with pytest.raises(CompileError, match="not a Circle or TFLite model") as e:
        compiler.read_flatbuffer(str(py))
    assert e.value.location == str(py)
    with pytest.raises(CompileError, match="expects the model's bytes or a path, not int"):
        compiler.read_flatbuffer(3)


def test_import_program_says_a_program_is_unquantized():
    net = torch.nn.Sequential(torch.nn.Linear(4, 3)).eval()
    program = torch.export.export(net, (torch.randn(1, 4),))
    with pytest.warns(CompileWarning, match="the program is unquantized"):
        compiler.import_program(program)
    quantized = compiler.quantize(net, (torch.randn(1, 4),), [(torch.randn(1, 4),)],
                                  scheme="int8", progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)
        compiler.import_program(quantized)


def test_importing_compiler_prints_nothing(tmp_path):
    code = "import compiler; compiler.quantize; compiler.import_program; import torchao"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (r.stdout, r.stderr) == ("", "")


# -- 7. messages users can act on ---------------------------------------------------------------


def test_data_dependent_control_flow_and_sizes_are_located(tmp_path, capfd):
    out = tmp_path / "m.circle"
    branch = _file(tmp_path, base=BASE.replace(
        "return torch.relu(self.fc(x))", "if x.sum() > 0:\n            return x\n"
        "        return torch.relu(self.fc(x))"))
    err = _refused(capfd, [str(branch), "-o", str(out)], out)
    assert f"{branch}:10: data-dependent control flow:" in err
    mask = _file(tmp_path, base=BASE.replace("return torch.relu(self.fc(x))",
                                             "return self.fc(x)[x[:, :3] > 0]"))
    err = _refused(capfd, [str(mask), "-o", str(out)], out)
    assert "dynamic dimension" in err and "a size that depends on tensor values" in err
    assert f"{mask}:10: " in err
