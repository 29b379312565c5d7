"""Hugging Face `transformers` Llama (LlamaModel: RMSNorm, rotary position
embeddings, grouped-query causal attention, SiLU-gated MLP). Built from a small config
with random weights (no download); `attn_implementation="eager"`. The wrapper returns
`last_hidden_state`.

    qcompile examples/archs/hf_llama.py -o m.tflite --verify
"""

import torch
import transformers
from _common import hf_last_hidden, inputs

SHAPE, DTYPE = (1, 16), torch.int64  # token ids


def model():
    config = transformers.LlamaConfig(vocab_size=100, hidden_size=32, intermediate_size=64,
                                      num_hidden_layers=2, num_attention_heads=4,
                                      num_key_value_heads=2, max_position_embeddings=32,
                                      attn_implementation="eager")
    return hf_last_hidden(transformers.LlamaModel, config)


example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)
