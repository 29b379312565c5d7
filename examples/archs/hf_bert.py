"""Hugging Face `transformers` BERT (BertModel: word/position/token-type embeddings,
post-norm encoder, GELU MLP; HF passes a boolean attention mask even when none is given). Built from a small config
with random weights (no download); `attn_implementation="eager"`. The wrapper returns
`last_hidden_state`.

    qcompile examples/archs/hf_bert.py -o m.tflite --verify
"""

import torch
import transformers
from _common import hf_last_hidden, inputs

SHAPE, DTYPE = (1, 16), torch.int64  # token ids


def model():
    config = transformers.BertConfig(vocab_size=100, hidden_size=32, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=64,
                                     max_position_embeddings=32, attn_implementation="eager")
    return hf_last_hidden(transformers.BertModel, config, add_pooling_layer=False)


example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)
