"""Hugging Face `transformers` Qwen2 (Qwen2Model: RMSNorm, rotary position embeddings,
grouped-query causal attention with biased q/k/v projections, SiLU-gated MLP). Built
from a small config with random weights (no download); `attn_implementation="eager"`.
The wrapper returns `last_hidden_state`.

    qcompile examples/archs/hf_qwen2.py -o m.tflite --verify
"""

import torch
import transformers
from _common import hf_last_hidden, inputs

SHAPE, DTYPE = (1, 16), torch.int64  # token ids


def model():
    config = transformers.Qwen2Config(vocab_size=100, hidden_size=32, intermediate_size=64,
                                      num_hidden_layers=2, num_attention_heads=4,
                                      num_key_value_heads=2, max_position_embeddings=32,
                                      attn_implementation="eager")
    return hf_last_hidden(transformers.Qwen2Model, config)


example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)
