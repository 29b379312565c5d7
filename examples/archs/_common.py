"""Shared by the architecture zoo's model files (`examples/archs/*.py`).

Every model is built from a fixed seed and fed fixed random inputs, so two processes
get the same weights, qparams and outputs: `calibration_data()` gives `BATCHES`
batches, `verification_data()` `HELD_OUT` others from the same distribution (the inputs
`qcompile --verify` and the zoo's SQNR judgment run on). Random weights need batch-norm statistics
that match them: `reestimate_batch_norm` replaces the initial (0, 1) running statistics
by those of random batches, so activations neither vanish nor explode through depth.
"""

from __future__ import annotations

import torch
import torch.nn as nn

SEED = 0
#: calibration batches (one input each), all calibrating: enough that held-out inputs
#: mostly fall within the calibrated (min/max) ranges, as for a user calibrating on
#: hundreds of samples (a held-out input exceeds the maximum of n calibration inputs of
#: its distribution with probability 1/(n+1): one in 5 with the former 4, one in 65)
BATCHES = 64
#: held-out batches (`verification_data()`): what `qcompile --verify` and the zoo judge on
HELD_OUT = 32
#: the held-out batches' seed: the calibration batches' distribution, other draws
HELD_OUT_SEED = SEED + 2


def batches(shape, n: int = BATCHES, seed: int = SEED + 1, dtype=torch.float32):
    """`n` random input batches of `shape` (normal floats, or token ids for integers)."""
    g = torch.Generator().manual_seed(seed)
    if dtype.is_floating_point:
        return [(torch.randn(*shape, generator=g),) for _ in range(n)]
    return [(torch.randint(0, 100, shape, generator=g, dtype=dtype),) for _ in range(n)]


def held_out(shape, dtype=torch.float32):
    """`HELD_OUT` batches like `batches(shape)` that calibration never sees."""
    return batches(shape, HELD_OUT, HELD_OUT_SEED, dtype)


def reestimate_batch_norm(model: nn.Module, shape, steps: int = 4) -> nn.Module:
    """Running statistics of every batch norm from `steps` train-mode forward passes on
    random batches of `shape` (a cumulative average), then eval mode."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    g = torch.Generator().manual_seed(SEED + 7)
    with torch.no_grad():
        for _ in range(steps):
            model(torch.randn(*shape, generator=g))
    return model.eval()


class LastHiddenState(nn.Module):
    """A Hugging Face model as tensors in, one tensor out (`last_hidden_state`)."""

    def __init__(self, hf_model: nn.Module):
        super().__init__()
        self.hf = hf_model

    def forward(self, x):
        return self.hf(x).last_hidden_state


def inputs(shape, dtype=torch.float32):
    """The model-file protocol's input functions for one input of `shape` and `dtype`:

        example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)

    `example_inputs()` one batch (seed `SEED`), `calibration_data()` `BATCHES` batches,
    `verification_data()` the `HELD_OUT` held-out ones."""

    def example_inputs():
        return batches(shape, 1, SEED, dtype)[0]

    def calibration_data():
        return batches(shape, dtype=dtype)

    def verification_data():
        return held_out(shape, dtype)

    return example_inputs, calibration_data, verification_data


def hf_last_hidden(model_cls, config, **model_kwargs) -> nn.Module:
    """`model_cls(config, **model_kwargs)` (a Hugging Face model class, or any callable
    building one from `config`) with random weights drawn from `SEED`, in eval mode,
    wrapped as `LastHiddenState`."""
    torch.manual_seed(SEED)
    hf = model_cls(config, **model_kwargs)
    return LastHiddenState(hf.eval()).eval()
