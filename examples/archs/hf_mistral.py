"""Hugging Face `transformers` Mistral (MistralModel: RMSNorm, rotary position embeddings,
grouped-query attention under a sliding-window causal mask shorter than the sequence,
SiLU-gated MLP). Built from a small config with random weights (no download);
`attn_implementation="eager"`. The wrapper returns `last_hidden_state`.

    qcompile examples/archs/hf_mistral.py -o m.tflite --verify
"""

import torch
import transformers
from _common import hf_last_hidden, inputs

SHAPE, DTYPE = (1, 16), torch.int64  # token ids


def model():
    config = transformers.MistralConfig(vocab_size=100, hidden_size=32, intermediate_size=64,
                                        num_hidden_layers=2, num_attention_heads=4,
                                        num_key_value_heads=1, head_dim=8,
                                        max_position_embeddings=32, sliding_window=8,
                                        attn_implementation="eager")
    return hf_last_hidden(transformers.MistralModel, config)


example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)
