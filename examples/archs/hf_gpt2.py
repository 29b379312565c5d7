"""Hugging Face `transformers` GPT-2 (GPT2Model: learned positions, pre-norm
decoder blocks with Conv1D projections, causal mask, tanh-GELU MLP). Built from a small config
with random weights (no download); `attn_implementation="eager"`. The wrapper returns
`last_hidden_state`.

    qcompile examples/archs/hf_gpt2.py -o m.tflite --verify
"""

import torch
import transformers
from _common import hf_last_hidden, inputs

SHAPE, DTYPE = (1, 16), torch.int64  # token ids


def model():
    config = transformers.GPT2Config(vocab_size=100, n_embd=32, n_layer=2, n_head=2,
                                     n_positions=32, bos_token_id=0, eos_token_id=0,
                                     attn_implementation="eager")
    return hf_last_hidden(transformers.GPT2Model, config)


example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)
