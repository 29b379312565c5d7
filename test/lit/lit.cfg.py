# lit configuration of the FileCheck suite. Run: `lit -v test/lit` (after installing
# the project with its test extras: qopt, qcompile, qrun and filecheck on PATH).
import hashlib
import os
import shutil
import sys
import tempfile

import lit.formats

config.name = "pt2e-circle"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".py", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.excludes = ["Inputs", "lit.cfg.py", "__pycache__"]
# Test outputs (%t files) go to the temporary directory, one per checkout, so that the
# source tree keeps only the layout of DESIGN.md.
_checkout = os.path.dirname(os.path.dirname(config.test_source_root))
config.test_exec_root = os.path.join(
    tempfile.gettempdir(),
    "pt2e-circle-lit-" + hashlib.sha256(_checkout.encode()).hexdigest()[:12],
)

# lit forwards only PATH: put the interpreter's bin/ first so `.venv/bin/lit test/lit`
# finds qopt and filecheck without activating the environment.
bin_dir = os.path.dirname(sys.executable)
config.environment["PATH"] = os.pathsep.join([bin_dir, config.environment.get("PATH", "")])
for var in ("HOME", "TMPDIR", "PYTHONHASHSEED", "PYTHONPATH"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
# torch on 2 cores: one thread is faster and steadier for small models.
config.environment["OMP_NUM_THREADS"] = "1"
for tool in ("qopt", "filecheck"):
    if shutil.which(tool, path=config.environment["PATH"]) is None:
        lit_config.fatal(f"'{tool}' not on PATH; run `pip install -e '.[test]'` first")

config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))
# custom -> generic -> custom round trip, pinned by CHECK lines
config.substitutions.append((
    "QOPT_ROUNDTRIP",
    "qopt %s --split-input-file --print-op-generic | qopt --split-input-file | filecheck %s",
))
config.substitutions.append((
    "QOPT_GENERIC_ROUNDTRIP",
    "qopt %s --split-input-file --print-op-generic | qopt --split-input-file "
    "--print-op-generic | filecheck %s --check-prefix=GENERIC",
))
