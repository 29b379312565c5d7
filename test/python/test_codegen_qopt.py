"""`qopt -t circle|tflite` and `qopt model.circle` end to end, as a user runs them."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest
from test_codegen_models import MODELS

from compiler.codegen import read_flatbuffer, write_circle

QOPT = [sys.executable, "-m", "compiler.tools.qopt"]


def qopt(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*QOPT, *args], input=stdin, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def model_text(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("m") / "conv_i8.mlir"
    path.write_text(str(MODELS["conv_i8"]()))
    return str(path)


def test_circle_target_writes_the_model_and_qopt_reads_it(model_text, tmp_path):
    out = tmp_path / "m.circle"
    r = qopt(model_text, "-t", "circle", "-o", str(out))
    assert r.returncode == 0, r.stderr.decode()
    data = out.read_bytes()
    assert data == write_circle(MODELS["conv_i8"]())
    printed = qopt(str(out))
    assert printed.returncode == 0
    assert printed.stdout.decode() == str(MODELS["conv_i8"]()) + "\n"
    # no temporary file is left next to the output
    assert os.listdir(tmp_path) == ["m.circle"]


def test_binary_on_stdout_pipes_into_qopt(model_text):
    r = qopt(model_text, "-t", "tflite")
    assert r.returncode == 0 and r.stdout[4:8] == b"TFL3"
    back = qopt("-", stdin=r.stdout)
    assert back.returncode == 0, back.stderr.decode()
    assert str(read_flatbuffer(r.stdout)) + "\n" == back.stdout.decode()


def test_binary_output_is_refused_to_a_terminal(model_text):
    leader, follower = pty.openpty()
    try:
        r = subprocess.run([*QOPT, model_text, "-t", "circle"], stdout=follower,
                           stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(follower)
        os.close(leader)
    assert r.returncode == 1
    assert b"refusing to write a binary .circle model to a terminal; use -o FILE" in r.stderr


def test_split_input_file_is_refused_for_binary_targets(model_text, tmp_path):
    two = tmp_path / "two.mlir"
    two.write_text(open(model_text).read() + "\n// -----\n" + open(model_text).read())
    r = qopt(str(two), "-t", "circle", "--split-input-file", "-o", str(tmp_path / "x.circle"))
    assert r.returncode == 1
    assert not (tmp_path / "x.circle").exists()
    assert b"-t circle writes one model: do not use --split-input-file" in r.stderr


def test_corrupt_model_is_one_line_of_error(tmp_path):
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(write_circle(MODELS["conv_i8"]())[:100])
    r = qopt(str(bad))
    assert r.returncode == 1
    assert r.stderr.decode().startswith("qopt: error: corrupt or truncated model")
    assert b"Traceback" not in r.stderr and r.stdout == b""
