"""The real-architecture zoo (`examples/archs/`, see `arch_zoo.py`) end to end, in every
scheme its runtime has kernels for, exactly as `qcompile MODEL --scheme S --verify` runs:

- it compiles (no compile error, no internal error);
- the written file runs in its runtime (onert for uint8 `.circle`; LiteRT's reference
  kernels for `.tflite`) and computes what the circle IR computes in the reference
  interpreter: bit for bit in LiteRT, within 1 output step in onert (its uint8
  RESIZE_BILINEAR truncates where TFLite rounds, docs/runtimes.md);
- a `.tflite` in LiteRT's default kernels (optimized, and XNNPACK) departs from the IR
  at no op beyond that op's documented `Tolerance` (bisected as `--verify` does);
- the circle IR's SQNR against the float model is within 1 dB of torch's own PT2E
  program's.

All on the model file's held-out batches (`verification_data()`, which `--verify` runs
on too; calibration never sees them), each SQNR over all their outputs together.

A representative subset runs by default; the whole matrix is `-m slow` (about 15 min;
`bench/real_models.py` runs the same matrix and writes docs/real_models.md). A
combination that fails today for a reason owned by other work is `xfail(strict=True)`
with that reason (`arch_zoo.KNOWN`), so it flips to an error when fixed.
"""

from __future__ import annotations

import math

import pytest
import torch

from arch_zoo import KNOWN, MODELS, SCHEMES, SQNR_SLACK_DB, Outcome, evaluate

torch.set_num_threads(1)

#: the default run: one CNN per runtime, a class-token ViT, shifted windows, a HF model
FAST = {("deeplab_v3", "int8"), ("resnet50", "uint8"), ("vit", "int8"), ("swin", "int8"),
        ("hf_bert", "int8")}


def _cases():
    for model in MODELS:
        for scheme in SCHEMES:
            marks = [] if (model, scheme) in FAST else [pytest.mark.slow]
            if (model, scheme) in KNOWN:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[(model, scheme)]))
            yield pytest.param(model, scheme, marks=marks, id=f"{model}-{scheme}")


@pytest.mark.parametrize("model, scheme", _cases())
def test_arch_zoo(model, scheme):
    o = evaluate(model, scheme)
    assert o.compiled, o.error
    assert o.ir_error is None, o.ir_error
    assert o.runtime_error is None, o.runtime_error
    tolerance = 1 if SCHEMES[scheme].runtime == "onert" else 0
    assert o.runtime_steps <= tolerance, (
        f"{SCHEMES[scheme].runtime} differs from the circle IR by {o.runtime_steps:g} steps "
        f"({o.runtime_equal:.2f}% equal)")
    assert o.tolerance_error is None, o.tolerance_error
    assert o.sqnr_gap <= SQNR_SLACK_DB, (
        f"circle IR SQNR {o.ir_sqnr:.2f} dB vs PT2E {o.pt2e_sqnr:.2f} dB over "
        f"{o.batches} held-out batches")


def test_gap_is_pooled_over_the_held_out_batches():
    """Signal and noise energies are summed over the batches before the ratio: two
    batches whose single-batch gaps are -10 and +2.8 dB pool to equal noise, gap 0;
    the bootstrap interval lies between the single-batch extremes."""
    o = Outcome("m", "int8", signal=[1.0, 1.0], pt2e_noise=[0.01, 0.01],
                ir_noise=[0.001, 0.019], pt2e_sqnr=10 * math.log10(2 / 0.02),
                ir_sqnr=10 * math.log10(2 / 0.02))
    assert o.sqnr_gap == 0.0
    assert o.gap_per_batch == pytest.approx([-10.0, 10 * math.log10(1.9)])
    lo, hi = o.gap_interval()
    assert -10.0 <= lo <= 0.0 <= hi <= 10 * math.log10(1.9) + 1e-9
