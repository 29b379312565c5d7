"""Hugging Face `transformers` T5 encoder (T5EncoderModel: RMSNorm without mean
subtraction, bucketed relative position bias shared by the layers, unscaled attention,
gated GELU MLP as in T5 v1.1). Built from a small config with random weights (no
download); `attn_implementation="eager"`. The wrapper returns `last_hidden_state`.

    qcompile examples/archs/hf_t5_encoder.py -o m.tflite --verify
"""

import torch
import transformers
from _common import hf_last_hidden, inputs

SHAPE, DTYPE = (1, 16), torch.int64  # token ids


def model():
    config = transformers.T5Config(vocab_size=100, d_model=32, d_kv=8, d_ff=64, num_layers=2,
                                   num_heads=4, relative_attention_num_buckets=8,
                                   relative_attention_max_distance=16,
                                   feed_forward_proj="gated-gelu", attn_implementation="eager")
    return hf_last_hidden(transformers.T5EncoderModel, config)


example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)
