"""Hugging Face `transformers` DistilBERT (DistilBertModel: word and learned position
embeddings, post-norm encoder blocks, GELU MLP, no token types). Built from a small
config with random weights (no download); `attn_implementation="eager"`. The wrapper
returns `last_hidden_state`.

    qcompile examples/archs/hf_distilbert.py -o m.tflite --verify
"""

import torch
import transformers
from _common import hf_last_hidden, inputs

SHAPE, DTYPE = (1, 16), torch.int64  # token ids


def model():
    config = transformers.DistilBertConfig(vocab_size=100, dim=32, n_layers=2, n_heads=2,
                                           hidden_dim=64, max_position_embeddings=32,
                                           attn_implementation="eager")
    return hf_last_hidden(transformers.DistilBertModel, config)


example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)
